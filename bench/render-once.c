/*
 * Renders one article once with the core, as a worker would, and
 * writes the article's HTML to stdout: for instruction counts of a
 * render under "valgrind --tool=callgrind" (docs/benchmarks.md).
 *
 *     render-once sanitize|escape|unsafe < article.md > article.html
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ar_render.h"


int
main(int argc, char **argv)
{
    int               rc;
    char             *src, *p;
    size_t            len, cap, n;
    ar_limits_t       limits;
    ar_article_t      article;
    ar_render_conf_t  conf;

    if (argc != 2) {
        fprintf(stderr, "usage: %s sanitize|escape|unsafe < md\n", argv[0]);
        return 2;
    }

    memset(&conf, 0, sizeof(ar_render_conf_t));
    memset(&limits, 0, sizeof(ar_limits_t));

    conf.gfm = AR_GFM_ALL;
    conf.math = 1;
    conf.sanitize = (strcmp(argv[1], "sanitize") == 0);
    conf.unsafe = (strcmp(argv[1], "unsafe") == 0);

    limits.max_memory = 64 * 1024 * 1024;
    limits.timeout_ms = 60000;

    src = NULL;
    len = 0;
    cap = 0;

    do {
        if (len == cap) {
            cap = cap ? 2 * cap : 65536;
            p = realloc(src, cap);
            if (p == NULL) {
                return 1;
            }
            src = p;
        }

        n = fread(src + len, 1, cap - len, stdin);
        len += n;

    } while (n);

    if (ar_render_init() != AR_OK) {
        return 1;
    }

    rc = ar_render_article(&conf, &limits, src, len, &article);
    if (rc != AR_OK) {
        fprintf(stderr, "render failed: %d\n", rc);
        return 1;
    }

    fwrite(article.html.data, 1, article.html.len, stdout);

    ar_article_free(&article);
    free(src);

    return 0;
}
