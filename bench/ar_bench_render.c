/*
 * "make bench-render": the core's cold render against cmark-gfm alone,
 * in one process.
 *
 *     ar_bench_render [-r runs] [-1 | -b | -l name] name=file ...
 *
 * For each article: the median time of the module's render (front
 * matter, parse, tree passes, HTML, UTF-8 repair, the built-in template)
 * with the default options and with "newline block", the median time of
 * the library (cmark_parser_feed() and cmark_render_html() with the same
 * five extensions and footnotes), their ratio, and the peak memory of
 * each: the arena's own count for the module, a counting allocator given
 * to cmark-gfm for the library (which counts what glibc's malloc would
 * take for each allocation, its header included).  Runs of the three
 * alternate, so that a loaded machine slows them alike.
 *
 * "-1 name" renders that article once with the default options, "-b name"
 * once with "newline block", and "-l name" once with the library, for
 * instruction counts under callgrind.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "ar_buf.h"
#include "ar_render.h"
#include "ar_template.h"


#define AR_BENCH_MAX  64


typedef struct {
    const char     *name;
    char           *src;
    size_t          len;
} ar_bench_article_t;


typedef struct {
    size_t          size;
    size_t          pad;
} ar_bench_hdr_t;


/* what glibc's malloc takes for n bytes: a chunk with an 8-byte header */
#define ar_bench_chunk(n)  ((n) + 8 < 32 ? 32 : ((n) + 8 + 15) & ~15UL)


static size_t         ar_bench_used;
static size_t         ar_bench_peak;
static ar_template_t  ar_bench_tpl;


static void *
ar_bench_calloc(size_t n, size_t size)
{
    ar_bench_hdr_t  *h;

    h = calloc(1, sizeof(ar_bench_hdr_t) + n * size);
    if (h == NULL) {
        abort();
    }

    h->size = ar_bench_chunk(n * size);
    ar_bench_used += h->size;

    if (ar_bench_used > ar_bench_peak) {
        ar_bench_peak = ar_bench_used;
    }

    return h + 1;
}


static void *
ar_bench_realloc(void *p, size_t size)
{
    ar_bench_hdr_t  *h;

    if (p == NULL) {
        return ar_bench_calloc(1, size);
    }

    h = (ar_bench_hdr_t *) p - 1;
    ar_bench_used -= h->size;

    h = realloc(h, sizeof(ar_bench_hdr_t) + size);
    if (h == NULL) {
        abort();
    }

    h->size = ar_bench_chunk(size);
    ar_bench_used += h->size;

    if (ar_bench_used > ar_bench_peak) {
        ar_bench_peak = ar_bench_used;
    }

    return h + 1;
}


static void
ar_bench_free(void *p)
{
    ar_bench_hdr_t  *h;

    if (p == NULL) {
        return;
    }

    h = (ar_bench_hdr_t *) p - 1;
    ar_bench_used -= h->size;
    free(h);
}


static cmark_mem  ar_bench_mem = {
    ar_bench_calloc, ar_bench_realloc, ar_bench_free
};


static double
ar_bench_now(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}


/* cmark-gfm alone; returns the HTML's length */

static size_t
ar_bench_library(const ar_bench_article_t *a)
{
    char                     *html;
    size_t                    i, len;
    cmark_node               *doc;
    cmark_parser             *parser;
    cmark_syntax_extension   *ext;
    static const char        *names[] = { "table", "strikethrough",
                                          "autolink", "tagfilter",
                                          "tasklist" };

    parser = cmark_parser_new_with_mem(CMARK_OPT_VALIDATE_UTF8
                                       | CMARK_OPT_FOOTNOTES, &ar_bench_mem);

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        ext = cmark_find_syntax_extension(names[i]);
        cmark_parser_attach_syntax_extension(parser, ext);
    }

    cmark_parser_feed(parser, a->src, a->len);
    doc = cmark_parser_finish(parser);

    html = cmark_render_html_with_mem(doc, CMARK_OPT_VALIDATE_UTF8
                                      | CMARK_OPT_FOOTNOTES,
                                      cmark_parser_get_syntax_extensions(
                                          parser),
                                      &ar_bench_mem);
    len = strlen(html);

    ar_bench_free(html);
    cmark_node_free(doc);
    cmark_parser_free(parser);

    return len;
}


/* the module's render and page; returns the arena's peak */

static size_t
ar_bench_module(const ar_bench_article_t *a, unsigned newline)
{
    size_t            peak;
    ar_buf_t          page;
    ar_limits_t       limits;
    ar_article_t      article;
    ar_render_conf_t  conf;

    memset(&conf, 0, sizeof(ar_render_conf_t));
    memset(&limits, 0, sizeof(ar_limits_t));
    memset(&page, 0, sizeof(ar_buf_t));

    conf.gfm = AR_GFM_ALL;
    conf.newline = newline;

    if (ar_render_article(&conf, &limits, a->src, a->len, &article)
        != AR_OK)
    {
        fprintf(stderr, "%s: the render failed\n", a->name);
        exit(1);
    }

    if (ar_template_expand(&ar_bench_tpl, &article, "x", 1, &page)
        != AR_OK)
    {
        fprintf(stderr, "%s: the template failed\n", a->name);
        exit(1);
    }

    peak = article.mem_peak;

    ar_article_free(&article);
    ar_buf_free(&page);

    return peak;
}


static int
ar_bench_cmp(const void *one, const void *two)
{
    double  a, b;

    a = *(const double *) one;
    b = *(const double *) two;

    return (a > b) - (a < b);
}


static double
ar_bench_median(double *t, unsigned n)
{
    qsort(t, n, sizeof(double), ar_bench_cmp);

    return (n % 2) ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}


static void
ar_bench_one(const ar_bench_article_t *a, unsigned runs)
{
    double    t0, *lib, *mod, *blk, ml, mm, mb;
    size_t    lib_peak, mod_peak, blk_peak;
    unsigned  i;

    lib = calloc(runs, sizeof(double));
    mod = calloc(runs, sizeof(double));
    blk = calloc(runs, sizeof(double));

    if (lib == NULL || mod == NULL || blk == NULL) {
        abort();
    }

    lib_peak = 0;
    mod_peak = 0;
    blk_peak = 0;

    for (i = 0; i < runs; i++) {
        ar_bench_used = 0;
        ar_bench_peak = 0;

        t0 = ar_bench_now();
        ar_bench_library(a);
        lib[i] = ar_bench_now() - t0;

        lib_peak = ar_bench_peak;

        t0 = ar_bench_now();
        mod_peak = ar_bench_module(a, AR_NEWLINE_SOFT);
        mod[i] = ar_bench_now() - t0;

        t0 = ar_bench_now();
        blk_peak = ar_bench_module(a, AR_NEWLINE_BLOCK);
        blk[i] = ar_bench_now() - t0;
    }

    ml = ar_bench_median(lib, runs);
    mm = ar_bench_median(mod, runs);
    mb = ar_bench_median(blk, runs);

    printf("%-14s %9zu %9.3f %9.3f %5.2fx %9.3f %5.2fx"
           " %9zu %9zu %5.2fx %9zu\n",
           a->name, a->len, ml, mm, mm / ml, mb, mb / ml,
           lib_peak / 1024, mod_peak / 1024,
           (double) mod_peak / lib_peak, blk_peak / 1024);

    free(lib);
    free(mod);
    free(blk);
}


static char *
ar_bench_read(const char *path, size_t *len)
{
    char   *p;
    long    n;
    FILE   *f;

    f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        exit(1);
    }

    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);

    p = malloc(n + 1);
    if (p == NULL || fread(p, 1, n, f) != (size_t) n) {
        perror(path);
        exit(1);
    }

    fclose(f);

    *len = n;

    return p;
}


int
main(int argc, char **argv)
{
    int                  i;
    char                *eq;
    size_t               n, j;
    unsigned             runs;
    unsigned             newline;
    const char          *once, *lib;
    ar_bench_article_t   art[AR_BENCH_MAX];
    ar_template_error_t  err;

    runs = 9;
    once = NULL;
    lib = NULL;
    newline = AR_NEWLINE_SOFT;
    n = 0;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-r") == 0 && i + 1 < argc) {
            runs = atoi(argv[++i]);
            continue;
        }

        if (strcmp(argv[i], "-1") == 0 && i + 1 < argc) {
            once = argv[++i];
            continue;
        }

        if (strcmp(argv[i], "-b") == 0 && i + 1 < argc) {
            once = argv[++i];
            newline = AR_NEWLINE_BLOCK;
            continue;
        }

        if (strcmp(argv[i], "-l") == 0 && i + 1 < argc) {
            lib = argv[++i];
            once = lib;
            continue;
        }

        eq = strchr(argv[i], '=');
        if (eq == NULL || n == AR_BENCH_MAX) {
            fprintf(stderr, "usage: %s [-r runs] [-1 name | -b name"
                    " | -l name] name=file ...\n", argv[0]);
            return 2;
        }

        *eq = '\0';
        art[n].name = argv[i];
        art[n].src = ar_bench_read(eq + 1, &art[n].len);
        n++;
    }

    if (runs == 0 || ar_render_init() != AR_OK
        || ar_template_parse(&ar_bench_tpl, ar_template_builtin,
                             strlen(ar_template_builtin), &err)
           != AR_OK)
    {
        fprintf(stderr, "initialisation failed\n");
        return 1;
    }

    if (once) {
        for (j = 0; j < n; j++) {
            if (strcmp(art[j].name, once) == 0) {
                if (lib) {
                    ar_bench_library(&art[j]);

                } else {
                    ar_bench_module(&art[j], newline);
                }

                return 0;
            }
        }

        fprintf(stderr, "no article \"%s\"\n", once);
        return 2;
    }

    printf("cmark-gfm %s, median of %u runs; times in ms, memory in KB\n\n",
           ar_render_library_version(), runs);
    printf("%-14s %9s %9s %9s %6s %9s %6s %9s %9s %6s %9s\n",
           "article", "bytes", "library", "module", "ratio", "block",
           "ratio", "lib mem", "mod mem", "ratio", "block mem");

    for (j = 0; j < n; j++) {
        ar_bench_one(&art[j], runs);
    }

    ar_template_free(&ar_bench_tpl);

    return 0;
}
