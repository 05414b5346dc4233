/*
 * Renders one article with the core, as a worker would, and writes it
 * to stdout: for instruction counts of a render under "valgrind
 * --tool=callgrind", for bench/math-corpus.pl, and for
 * bench/same-pages.pl, which compares two builds' pages
 * (docs/benchmarks.md).
 *
 *     render-once MODE < article.md > article.html
 *     render-once MODE MODE ... < article.md
 *
 * A MODE is the raw HTML's handling, sanitize, escape or unsafe, with
 * words joined by "+" after it: emoji, hl (highlighting, with the
 * languages of AR_LANG_DIR), mermaid, hard or block (the newline mode),
 * notoc, noheadings, nomath, nogfm.  Formulas and all GFM extensions are
 * on unless turned off.  With one MODE the page's HTML is written; with
 * more, each render is written after a line "\f MODE", with its title,
 * contents and scripts, or its error.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ar_code.h"
#include "ar_render.h"


static int ar_once_conf(const char *mode, ar_render_conf_t *conf);
static int ar_once_word(const char *mode, const char *word);
static int ar_once(const char *mode, const char *src, size_t len,
    int whole);


int
main(int argc, char **argv)
{
    int          i, rc;
    char        *src, *p;
    size_t       len, cap, n;
    const char  *failed;

    if (argc < 2) {
        fprintf(stderr, "usage: %s MODE ... < md, MODE as "
                "sanitize|escape|unsafe[+emoji][+hl][+block]...\n", argv[0]);
        return 2;
    }

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

    if (getenv("AR_LANG_DIR") != NULL
        && ar_code_languages(getenv("AR_LANG_DIR"), &failed) != AR_OK)
    {
        fprintf(stderr, "languages of %s: %s\n", getenv("AR_LANG_DIR"),
                failed);
        return 1;
    }

    rc = 0;

    for (i = 1; i < argc; i++) {
        if (ar_once(argv[i], src, len, argc > 2) != 0) {
            rc = 1;
        }
    }

    free(src);

    return rc;
}


static int
ar_once(const char *mode, const char *src, size_t len, int whole)
{
    int               rc;
    ar_limits_t       limits;
    ar_article_t      article;
    ar_render_conf_t  conf;

    if (ar_once_conf(mode, &conf) != 0) {
        fprintf(stderr, "unknown mode \"%s\"\n", mode);
        return 1;
    }

    memset(&limits, 0, sizeof(ar_limits_t));
    limits.max_memory = 256 * 1024 * 1024;
    limits.timeout_ms = 60000;

    if (whole) {
        printf("\f %s\n", mode);
    }

    rc = ar_render_article(&conf, &limits, src, len, &article);
    if (rc != AR_OK) {
        fprintf(whole ? stdout : stderr, "render failed: %d\n", rc);
        return whole ? 0 : 1;
    }

    fwrite(article.html.data, 1, article.html.len, stdout);

    if (whole) {
        printf("\f-title\n%.*s\n\f-toc\n%.*s\n\f-scripts\n%.*s\n",
               (int) article.title.len, article.title.data,
               (int) article.toc.len, article.toc.data,
               (int) article.scripts.len, article.scripts.data);
    }

    ar_article_free(&article);

    return 0;
}


static int
ar_once_conf(const char *mode, ar_render_conf_t *conf)
{
    size_t       n;
    const char  *p;

    memset(conf, 0, sizeof(ar_render_conf_t));

    conf->gfm = ar_once_word(mode, "nogfm") ? 0 : AR_GFM_ALL;
    conf->math = !ar_once_word(mode, "nomath");
    conf->emoji = ar_once_word(mode, "emoji");
    conf->highlight = ar_once_word(mode, "hl");
    conf->mermaid = ar_once_word(mode, "mermaid") ? "/mermaid.js" : NULL;
    conf->notoc = ar_once_word(mode, "notoc");
    conf->noheadings = ar_once_word(mode, "noheadings");

    if (ar_once_word(mode, "hard")) {
        conf->newline = AR_NEWLINE_HARD;

    } else if (ar_once_word(mode, "block")) {
        conf->newline = AR_NEWLINE_BLOCK;
    }

    p = strchr(mode, '+');
    n = p ? (size_t) (p - mode) : strlen(mode);

    if (n == 8 && strncmp(mode, "sanitize", n) == 0) {
        conf->sanitize = 1;
        return 0;
    }

    if (n == 6 && strncmp(mode, "unsafe", n) == 0) {
        conf->unsafe = 1;
        return 0;
    }

    return (n == 6 && strncmp(mode, "escape", n) == 0) ? 0 : -1;
}


/* whether the mode has the word after a "+" */

static int
ar_once_word(const char *mode, const char *word)
{
    size_t       n;
    const char  *p;

    n = strlen(word);

    for (p = strchr(mode, '+'); p != NULL; p = strchr(p + 1, '+')) {
        if (strncmp(p + 1, word, n) == 0
            && (p[n + 1] == '+' || p[n + 1] == '\0'))
        {
            return 1;
        }
    }

    return 0;
}
