/*
 * The core's highlighting of real fenced code blocks, for
 * bench/code-corpus.pl (docs/benchmarks.md).
 *
 *     ar_code_corpus LANGDIR < blocks
 *
 * reads blocks as "INFO<TAB>LENGTH\n" and LENGTH bytes of code, renders
 * each alone in a fence, highlighting on, and prints for each
 * "INFO<TAB>KNOWN<TAB>SPANS": whether the module knows its language,
 * and whether the page has a highlighted token.
 *
 *     ar_code_corpus LANGDIR -t RUNS article.md
 *
 * renders the article RUNS times with highlighting on and off and
 * prints the median time of a render of each, in milliseconds.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ar_highlight.h"
#include "ar_render.h"


static int ar_corpus_render(const char *md, size_t len, unsigned highlight,
    int *spans);
static int ar_corpus_blocks(void);
static int ar_corpus_time(const char *file, int runs);
static int ar_corpus_cmp(const void *a, const void *b);


int
main(int argc, char **argv)
{
    const char  *failed;

    if (argc != 2 && !(argc == 5 && strcmp(argv[2], "-t") == 0)) {
        fprintf(stderr, "usage: %s LANGDIR < blocks\n"
                "       %s LANGDIR -t RUNS article.md\n", argv[0], argv[0]);
        return 2;
    }

    failed = "";

    if (ar_render_init() != AR_OK
        || ar_render_highlight_languages(argv[1], &failed) != AR_OK)
    {
        fprintf(stderr, "%s: cannot load %s/%s\n", argv[0], argv[1], failed);
        return 1;
    }

    if (!ar_render_highlight_available()) {
        fprintf(stderr, "%s: built without a highlighter\n", argv[0]);
        return 1;
    }

    if (argc == 5) {
        return ar_corpus_time(argv[4], atoi(argv[3]));
    }

    return ar_corpus_blocks();
}


static int
ar_corpus_blocks(void)
{
    int      spans;
    char     info[256], line[300], *md;
    size_t   len, n, fence, run, i, k;

    while (fgets(line, sizeof(line), stdin) != NULL
           && sscanf(line, "%255[^\t]\t%zu", info, &len) == 2)
    {

        /* the fence is longer than any run of backticks in the code */

        md = malloc(len + 1024);
        if (md == NULL) {
            return 1;
        }

        if (fread(md + 300, 1, len, stdin) != len) {
            return 1;
        }

        fence = 3;

        for (i = 0, run = 0; i < len; i++) {
            run = (md[300 + i] == '`') ? run + 1 : 0;
            if (run >= fence) {
                fence = run + 1;
            }
        }

        if (fence > 200) {
            fence = 200;
        }

        memmove(md + fence + strlen(info) + 1, md + 300, len);
        memset(md, '`', fence);
        memcpy(md + fence, info, strlen(info));
        md[fence + strlen(info)] = '\n';

        n = fence + strlen(info) + 1 + len;

        if (len > 0 && md[n - 1] != '\n') {
            md[n++] = '\n';
        }

        for (k = 0; k < fence; k++) {
            md[n++] = '`';
        }

        md[n++] = '\n';

        spans = 0;

        if (ar_corpus_render(md, n, 1, &spans) != AR_OK) {
            spans = -1;
        }

        printf("%s\t%d\t%d\n", info,
               ar_highlight_lang(info, strcspn(info, " \t")) >= 0, spans);

        free(md);
    }

    return 0;
}


static int
ar_corpus_render(const char *md, size_t len, unsigned highlight, int *spans)
{
    int               rc;
    ar_limits_t       limits;
    ar_article_t      article;
    ar_render_conf_t  conf;

    memset(&conf, 0, sizeof(ar_render_conf_t));
    memset(&limits, 0, sizeof(ar_limits_t));
    memset(&article, 0, sizeof(ar_article_t));

    conf.gfm = AR_GFM_ALL;
    conf.sanitize = 1;
    conf.highlight = highlight;
    limits.max_memory = 128 * 1024 * 1024;
    limits.timeout_ms = 5000;

    rc = ar_render_article(&conf, &limits, md, len, &article);

    if (rc == AR_OK && spans != NULL) {
        *spans = (article.html.len > 0
                  && strstr(article.html.data, "<span class=\"") != NULL);
    }

    ar_article_free(&article);

    return rc;
}


static int
ar_corpus_time(const char *file, int runs)
{
    int               i, h;
    char             *md;
    long              size;
    FILE             *f;
    double           *ms;
    struct timespec   t0, t1;

    f = fopen(file, "rb");
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0) {
        perror(file);
        return 1;
    }

    rewind(f);

    md = malloc(size + 1);
    ms = calloc(runs > 0 ? runs : 1, sizeof(double));

    if (md == NULL || ms == NULL || fread(md, 1, size, f) != (size_t) size) {
        return 1;
    }

    fclose(f);

    for (h = 1; h >= 0; h--) {

        for (i = 0; i < runs; i++) {
            clock_gettime(CLOCK_MONOTONIC, &t0);

            if (ar_corpus_render(md, size, h, NULL) != AR_OK) {
                fprintf(stderr, "%s: the render failed\n", file);
                return 1;
            }

            clock_gettime(CLOCK_MONOTONIC, &t1);

            ms[i] = (t1.tv_sec - t0.tv_sec) * 1e3
                    + (t1.tv_nsec - t0.tv_nsec) / 1e6;
        }

        qsort(ms, runs, sizeof(double), ar_corpus_cmp);

        printf("%s\thighlight %s\t%ld bytes\tmedian %.3f ms\n",
               file, h ? "on" : "off", size, ms[runs / 2]);
    }

    free(ms);
    free(md);

    return 0;
}


static int
ar_corpus_cmp(const void *a, const void *b)
{
    double  x = *(const double *) a, y = *(const double *) b;

    return (x > y) - (x < y);
}
