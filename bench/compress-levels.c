/*
 * make bench-compress: for an article, the CPU time of rendering it into
 * the page (the core, with the built-in template) and, for every method
 * and level, the size of the compressed page and the CPU time of
 * compressing it, as a render job would: each compression follows a
 * render of its own.  With methods given (as "gzip=6"), the time of
 * compressing with all of them after one render, too, and what a first
 * response in each waits for after its render: that method alone, and
 * the copy of the page the task that makes the others takes.  Each time is the
 * median of RUNS runs, every measurement taking turns within a run, so
 * that a machine's load weighs on all of them alike.
 *
 *     compress-levels ARTICLE.md [RUNS [METHOD=LEVEL ...]]
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ar_buf.h"
#include "ar_compress.h"
#include "ar_render.h"
#include "ar_template.h"


#define AR_BENCH_MAX      64
#define AR_BENCH_RENDERS  4096


static double
ar_bench_now(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);

    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}


static int
ar_bench_cmp(const void *a, const void *b)
{
    double  x = *(const double *) a, y = *(const double *) b;

    return (x > y) - (x < y);
}


static double
ar_bench_median(double *v, int n)
{
    qsort(v, n, sizeof(double), ar_bench_cmp);

    return (n % 2) ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}


static int
ar_bench_render(const ar_template_t *tpl, const char *md, size_t len,
    ar_buf_t *page)
{
    int               rc;
    ar_limits_t       limits;
    ar_article_t      article;
    ar_render_conf_t  conf;

    memset(&conf, 0, sizeof(ar_render_conf_t));
    memset(&limits, 0, sizeof(ar_limits_t));
    memset(page, 0, sizeof(ar_buf_t));

    conf.gfm = AR_GFM_ALL;

    if (ar_render_article(&conf, &limits, md, len, &article) != AR_OK) {
        return AR_ERROR;
    }

    rc = ar_template_expand(tpl, &article, "article", 7, page);

    ar_article_free(&article);

    return rc;
}


int
main(int argc, char **argv)
{
    int                   runs, run, c, level, i, nset, set[AR_CODING_N][2];
    char                 *md, *out, *eq;
    long                  size;
    FILE                 *f;
    double                t, median_render;
    size_t                out_len, page_len, nrender;
    size_t                sizes[AR_CODING_N][20];
    ar_buf_t              page;
    ar_template_t         tpl;
    ar_template_error_t   err;
    static double         render[AR_BENCH_RENDERS];
    char                 *copy;
    static double         times[AR_CODING_N + 1][20][AR_BENCH_MAX];
    static double         first[AR_CODING_N][AR_BENCH_MAX];

    if (argc < 2) {
        fprintf(stderr, "usage: %s ARTICLE.md [RUNS]\n", argv[0]);
        return 2;
    }

    runs = (argc > 2) ? atoi(argv[2]) : 7;

    if (runs < 1 || runs > AR_BENCH_MAX) {
        fprintf(stderr, "RUNS: 1 to %d\n", AR_BENCH_MAX);
        return 2;
    }

    f = fopen(argv[1], "rb");
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0) {
        perror(argv[1]);
        return 1;
    }

    rewind(f);

    md = malloc(size + 1);
    if (md == NULL || fread(md, 1, size, f) != (size_t) size) {
        perror(argv[1]);
        return 1;
    }

    fclose(f);

    if (ar_render_init() != AR_OK
        || ar_template_parse(&tpl, ar_template_builtin,
                             strlen(ar_template_builtin), &err) != AR_OK)
    {
        fprintf(stderr, "cannot set up the renderer\n");
        return 1;
    }

    nrender = 0;
    nset = 0;

    for (i = 3; i < argc && nset < AR_CODING_N; i++) {
        eq = strchr(argv[i], '=');

        if (eq == NULL
            || (set[nset][0] = ar_coding(argv[i], eq - argv[i])) <= 0
            || !ar_compress_available(set[nset][0]))
        {
            fprintf(stderr, "%s: not METHOD=LEVEL\n", argv[i]);
            return 2;
        }

        set[nset++][1] = atoi(eq + 1);
    }

    for (run = 0; run < runs; run++) {

        for (c = AR_CODING_GZIP; c <= AR_CODING_N; c++) {

            if (c < AR_CODING_N && !ar_compress_available(c)) {
                continue;
            }

            for (level = (c < AR_CODING_N) ? ar_compress_level_min(c) : 0;
                 level <= ((c < AR_CODING_N) ? ar_compress_level_max(c)
                                             : (nset ? 0 : -1));
                 level++)
            {
                t = ar_bench_now();

                if (ar_bench_render(&tpl, md, size, &page) != AR_OK) {
                    fprintf(stderr, "render failed\n");
                    return 1;
                }

                if (nrender < AR_BENCH_RENDERS) {
                    render[nrender++] = ar_bench_now() - t;
                }

                /* c == AR_CODING_N: the methods given, one after another */

                t = ar_bench_now();

                for (i = 0; i < ((c < AR_CODING_N) ? 1 : nset); i++) {

                    if (ar_compress((c < AR_CODING_N) ? c : set[i][0],
                                    (c < AR_CODING_N) ? level : set[i][1],
                                    page.data, page.len, NULL, &out,
                                    &out_len)
                        != AR_OK)
                    {
                        fprintf(stderr, "compression failed\n");
                        return 1;
                    }

                    ar_compress_free(NULL, out);
                }

                times[c][level][run] = ar_bench_now() - t;

                if (c < AR_CODING_N) {
                    sizes[c][level] = out_len;
                }

                page_len = page.len;
                ar_buf_free(&page);
            }
        }

        /* a first response in each method given */

        for (i = 0; i < nset; i++) {
            if (ar_bench_render(&tpl, md, size, &page) != AR_OK) {
                fprintf(stderr, "render failed\n");
                return 1;
            }

            t = ar_bench_now();

            if (ar_compress(set[i][0], set[i][1], page.data, page.len, NULL,
                            &out, &out_len)
                != AR_OK
                || (copy = malloc(page.len + out_len)) == NULL)
            {
                fprintf(stderr, "compression failed\n");
                return 1;
            }

            memcpy(copy, page.data, page.len);
            memcpy(copy + page.len, out, out_len);

            first[i][run] = ar_bench_now() - t;

            free(copy);
            ar_compress_free(NULL, out);
            ar_buf_free(&page);
        }
    }

    median_render = ar_bench_median(render, nrender);

    printf("article %s: %ld bytes of Markdown, a page of %zu bytes\n",
           argv[1], size, page_len);
    printf("render: %.3f ms CPU (median of %d)\n\n", median_render,
           nrender);
    printf("%-6s %5s %9s %7s %9s %9s\n", "method", "level", "bytes",
           "ratio", "ms", "/render");

    for (c = AR_CODING_GZIP; c < AR_CODING_N; c++) {

        if (!ar_compress_available(c)) {
            continue;
        }

        for (level = ar_compress_level_min(c);
             level <= ar_compress_level_max(c);
             level++)
        {
            t = ar_bench_median(times[c][level], runs);

            printf("%-6s %5d %9zu %7.3f %9.3f %9.3f\n", ar_coding_name(c),
                   level, sizes[c][level],
                   (double) sizes[c][level] / page_len, t,
                   t / median_render);
        }
    }

    if (nset) {
        t = ar_bench_median(times[AR_CODING_N][0], runs);

        printf("\nall of");

        for (i = 0; i < nset; i++) {
            printf(" %s=%d", ar_coding_name(set[i][0]), set[i][1]);
        }

        printf(": %.3f ms, %.3f of the render\n", t, t / median_render);

        for (i = 0; i < nset; i++) {
            t = ar_bench_median(first[i], runs);

            printf("a first response in %s=%d waits %.3f ms after its "
                   "render, %.3f of the render\n", ar_coding_name(set[i][0]),
                   set[i][1], t, t / median_render);
        }
    }

    ar_template_free(&tpl);
    free(md);

    return 0;
}
