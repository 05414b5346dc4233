/*
 * Unit tests of the article core (ar_buf, ar_render, ar_template,
 * ar_accept), with no nginx.  The output is TAP, so prove runs it
 * through t/unit.t; the exit status is non-zero if any test fails.
 *
 * Expected strings were taken from cmark-gfm 0.29.0.gfm.6; where later
 * releases may differ in detail, the tests check substrings that hold
 * for 0.29.0.gfm.13 as well.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ar_accept.h"
#include "ar_arena.h"
#include "ar_buf.h"
#include "ar_check.h"
#include "ar_render.h"
#include "ar_template.h"


/* the U+FFFD replacement character in UTF-8 */
#define AR_FFFD  "\xEF\xBF\xBD"


/*
 * A rendering case: the Markdown, the options, substrings the HTML must
 * and must not hold, and, where given, the exact HTML and title.
 */

typedef struct {
    const char    *name;
    unsigned       gfm;
    unsigned       unsafe;
    const char    *md;
    size_t         len;
    const char    *has[6];
    const char    *lacks[6];
    const char    *html;
    const char    *title;
} ar_render_case_t;


/* an Accept header and whether it chooses the Markdown source */

typedef struct {
    const char    *name;
    const char    *accept;
    size_t         len;
    int            markdown;
} ar_accept_case_t;


static int ar_render(unsigned gfm, unsigned unsafe, const char *md,
    size_t len, ar_article_t *article);
static int ar_parse(const char *text, ar_template_t *tpl);
static int ar_parse_fails(const char *text, unsigned line, const char *msg);
static int ar_page(const char *tpl_text, const char *md,
    const char *fallback, const char *expected);
static int ar_run_render_case(const ar_render_case_t *c);
static int ar_run_accept_case(const ar_accept_case_t *c);


/* budgets */

static int
ar_render_limited(const char *md, size_t len, size_t max_memory,
    unsigned timeout_ms, unsigned delay_ms, int expected)
{
    int               rc;
    char              got[64];
    ar_limits_t       limits;
    ar_article_t      article;
    ar_render_conf_t  conf;

    memset(&conf, 0, sizeof(ar_render_conf_t));
    memset(&limits, 0, sizeof(ar_limits_t));

    conf.gfm = AR_GFM_ALL;

    limits.max_memory = max_memory;
    limits.timeout_ms = timeout_ms;
    limits.test_delay_ms = delay_ms;

    rc = ar_render_article(&conf, &limits, md, len, &article);

    if (rc == AR_OK) {
        ar_article_free(&article);
    }

    if (rc != expected) {
        snprintf(got, sizeof(got), "# got: rc %d, expected %d\n", rc,
                 expected);
        ar_diag_str(got);
        return 0;
    }

    return 1;
}


/* a table of n columns and n rows: n * n cells from a few n bytes */

static char *
ar_table_bomb(size_t n, size_t *len)
{
    char    *md, *p;
    size_t   i;

    md = malloc(6 * n + 4);
    if (md == NULL) {
        return NULL;
    }

    p = md;

    for (i = 0; i < n; i++) {
        *p++ = 'x';
        *p++ = '|';
    }

    *p++ = '\n';

    for (i = 0; i < n; i++) {
        *p++ = '-';
        *p++ = '|';
    }

    *p++ = '\n';

    for (i = 0; i < n; i++) {
        *p++ = 'x';
        *p++ = '\n';
    }

    *len = p - md;

    return md;
}


static int
t_budget_memory(void)
{
    int      ok;
    char    *md;
    size_t   len;

    md = ar_table_bomb(2000, &len);
    if (md == NULL) {
        return 0;
    }

    ok = ar_render_limited(md, len, 4 * 1024 * 1024, 0, 0, AR_EMEMORY);

    free(md);

    return ok;
}


static int
t_budget_time(void)
{
    return ar_render_limited(AR_S("# Slow\n\ntext\n"), 0, 50, 2000,
                             AR_ETIME);
}


/* N of the linked cmark-gfm 0.29.0.gfm.N, or -1 */

static int
ar_cmark_gfm(void)
{
    int  gfm;

    if (sscanf(ar_render_library_version(), "0.29.0.gfm.%d", &gfm) != 1) {
        return -1;
    }

    return gfm;
}


/*
 * A list nested n deep, then n blank lines: each blank line walks every
 * open container without allocating, so the time budget must be looked
 * at between lines, not only as the arena allocates (20 s and more with
 * cmark-gfm 0.29.0.gfm.6 for n = 40,000 before that was so).  From
 * 0.29.0.gfm.13 on, cmark-gfm caps the nesting of lists, and the same
 * input renders at once.
 */

static int
t_budget_time_no_alloc(void)
{
    int      ok, gfm, expected;
    char    *md, *p;
    size_t   i, n;

    gfm = ar_cmark_gfm();

    if (gfm == 6) {
        expected = AR_ETIME;

    } else if (gfm >= 13) {
        expected = AR_OK;

    } else {
        return ar_skip("cmark-gfm other than 0.29.0.gfm.6 (deep lists over"
                       " the budget) or 0.29.0.gfm.13 and later (lists"
                       " nested 100 deep at most)");
    }

    n = 40000;

    md = malloc(3 * n + 1);
    if (md == NULL) {
        return 0;
    }

    p = md;

    for (i = 0; i < n; i++) {
        *p++ = '-';
        *p++ = ' ';
    }

    *p++ = 'x';

    for (i = 0; i < n; i++) {
        *p++ = '\n';
    }

    ok = ar_render_limited(md, p - md, 0, 300, 0, expected);

    free(md);

    return ok;
}


/* a table of n columns in three rows, "|h|h|...", "|-|-|...", "|x|x|..." */

static char *
ar_table_wide(size_t n, size_t *len)
{
    char        *md, *p;
    size_t       i, r;
    const char  *cell = "h-x";

    md = malloc(3 * (2 * n + 2));
    if (md == NULL) {
        return NULL;
    }

    p = md;

    for (r = 0; r < 3; r++) {
        for (i = 0; i < n; i++) {
            *p++ = '|';
            *p++ = cell[r];
        }

        *p++ = '|';
        *p++ = '\n';
    }

    *len = p - md;

    return md;
}


/*
 * cmark-gfm's HTML renderer finds each table cell's column by counting
 * from the first cell of its row, and allocates nothing meanwhile: a
 * table of 10,000 columns took 1 s natively and 21 s under the
 * sanitizers (with 0.29.0.gfm.6) with no look at the clock.  Libraries
 * from 0.29.0.gfm.13 on may be quick enough to render it within the
 * budget: then the render succeeds.
 */

static int
t_budget_time_wide_table(void)
{
    int      ok;
    char    *md;
    size_t   len;

    md = ar_table_wide(10000, &len);
    if (md == NULL) {
        return 0;
    }

    ok = ar_render_limited(md, len, 0, 100, 0, AR_ETIME)
         || (!ar_render_library_outdated()
             && ar_render_limited(md, len, 0, 100, 0, AR_OK));

    free(md);

    return ok;
}


/*
 * The deadline passes as the HTML render starts (a test hook): the
 * render of a table row of 64 cells looks at the clock and is cut.
 */

static int
t_budget_time_html(void)
{
    int               rc;
    char             *md;
    size_t            len;
    ar_limits_t       limits;
    ar_article_t      article;
    ar_render_conf_t  conf;

    md = ar_table_wide(64, &len);
    if (md == NULL) {
        return 0;
    }

    memset(&conf, 0, sizeof(ar_render_conf_t));
    memset(&limits, 0, sizeof(ar_limits_t));

    conf.gfm = AR_GFM_ALL;
    limits.timeout_ms = 60000;
    limits.test_late_html = 1;

    rc = ar_render_article(&conf, &limits, md, len, &article);

    if (rc == AR_OK) {
        ar_article_free(&article);
    }

    free(md);

    return ar_int_is("rc", rc, AR_ETIME);
}


static int
t_budget_within(void)
{
    return ar_render_limited(AR_S("# Fine\n\n| a | b |\n|---|---|\n"
                                  "| 1 | 2 |\n\ntext[^1]\n\n[^1]: n\n"),
                             1024 * 1024, 5000, 0, AR_OK);
}


static int
t_budget_then_render(void)
{
    int      ok;
    char    *md;
    size_t   len;

    md = ar_table_bomb(1000, &len);
    if (md == NULL) {
        return 0;
    }

    ok = ar_render_limited(md, len, 1024 * 1024, 0, 0, AR_EMEMORY)
         && ar_render_limited(AR_S("# After\n"), 1024 * 1024, 0, 0, AR_OK);

    free(md);

    return ok;
}


/*
 * Unwinding at every point of a render: an article with front matter,
 * footnotes, a table and many headings, under memory budgets from a few
 * kilobytes up to enough, in block mode.  Every render either succeeds
 * or passes its budget; what it allocated is freed either way (checked
 * under valgrind and the sanitizers).
 */

static int
t_budget_unwind_anywhere(void)
{
    int               rc, ok;
    char              md[8192], got[96];
    size_t            len, budget;
    ar_limits_t       limits;
    ar_article_t      article;
    ar_render_conf_t  conf;

    len = snprintf(md, sizeof(md), "---\ntitle: Budget\n---\n"
                   "Intro line[^n]\n");

    while (len < sizeof(md) - 64) {
        len += snprintf(md + len, sizeof(md) - len,
                        "Section %zu\nText under it.\n| a | b |\n"
                        "|---|---|\n| 1 | 2 |\n", len);
    }

    len += snprintf(md + len, sizeof(md) - len, "\n[^n]: note\n");

    memset(&conf, 0, sizeof(ar_render_conf_t));
    memset(&limits, 0, sizeof(ar_limits_t));

    conf.gfm = AR_GFM_ALL;
    conf.newline = AR_NEWLINE_BLOCK;

    ok = 1;

    for (budget = 4096; budget < 4 * 1024 * 1024; budget += budget / 7) {
        limits.max_memory = budget;

        rc = ar_render_article(&conf, &limits, md, len, &article);

        if (rc == AR_OK) {
            ar_article_free(&article);

        } else if (rc != AR_EMEMORY) {
            snprintf(got, sizeof(got), "# got: rc %d at budget %zu\n", rc,
                     budget);
            ar_diag_str(got);
            ok = 0;
        }
    }

    return ok && ar_render_limited(AR_S("# After\n"), 1024 * 1024, 0, 0,
                                   AR_OK);
}


/*
 * The results are copied out of the arena with malloc(3) after the
 * render.  Whichever of those copies fails (the test hook fails the
 * n-th allocation), the render fails and leaves the article empty, and
 * the copies made before are freed (a leak is caught under the
 * sanitizers, "make test-asan").
 */

static int
t_render_export_fails(void)
{
    int               rc, ok;
    char              got[96];
    unsigned          fail, left;
    ar_limits_t       limits;
    ar_article_t      a;
    ar_render_conf_t  conf;

    static const char  md[] = "# Title\n\n## One\n\n## Two\n";

    memset(&conf, 0, sizeof(ar_render_conf_t));
    memset(&limits, 0, sizeof(ar_limits_t));

    conf.gfm = AR_GFM_ALL;

    ok = 1;
    rc = AR_ERROR;

    for (fail = 1; ok && fail < 100; fail++) {
        ar_test_mem_fail = fail;

        rc = ar_render_article(&conf, &limits, AR_S(md), &a);

        left = ar_test_mem_fail;
        ar_test_mem_fail = 0;

        if (rc == AR_OK) {
            ok = ar_int_is("no allocation failed in a render that succeeded",
                           left != 0, 1);
            break;
        }

        snprintf(got, sizeof(got), "# with allocation %u failing\n", fail);

        ok = ar_int_is("rc", rc, AR_ERROR)
             && ar_int_is("html empty", a.html.data == NULL
                                        && a.html.len == 0, 1)
             && ar_int_is("title empty", a.title.data == NULL
                                         && a.title.len == 0, 1)
             && ar_int_is("toc empty", a.toc.data == NULL
                                       && a.toc.len == 0, 1);

        if (!ok) {
            ar_diag_str(got);
        }
    }

    if (!ok) {
        return 0;
    }

    /* the html, the title and the toc take one allocation each at least */

    ok = ar_int_is("rc at last", rc, AR_OK)
         && ar_int_is("allocations failed before", fail > 3, 1)
         && ar_has(&a.html, "<h2 id=\"two\">")
         && ar_buf_is(&a.title, "Title")
         && ar_has(&a.toc, "<a href=\"#two\">Two</a>");

    if (rc == AR_OK) {
        ar_article_free(&a);
    }

    return ok;
}


/* fixtures */

static int
ar_render(unsigned gfm, unsigned unsafe, const char *md, size_t len,
    ar_article_t *article)
{
    ar_limits_t       limits;
    ar_render_conf_t  conf;

    memset(&conf, 0, sizeof(ar_render_conf_t));
    memset(&limits, 0, sizeof(ar_limits_t));

    conf.gfm = gfm;
    conf.unsafe = (unsafe != 0);

    if (ar_render_article(&conf, &limits, md, len, article) != AR_OK) {
        ar_diag_str("# got: ar_render_article() failed\n");
        return 0;
    }

    return 1;
}


static int
ar_parse(const char *text, ar_template_t *tpl)
{
    char                 line[AR_TPL_ERR_LEN + 64];
    ar_template_error_t  err;

    if (ar_template_parse(tpl, text, strlen(text), &err) == AR_OK) {
        return 1;
    }

    snprintf(line, sizeof(line),
             "# got: ar_template_parse() failed: line %u: %s\n",
             err.line, err.msg);
    ar_diag_str(line);

    return 0;
}


/* the template must fail to parse, at the line and with the message */

static int
ar_parse_fails(const char *text, unsigned line, const char *msg)
{
    int                  ok, rc;
    ar_template_t        tpl;
    ar_template_error_t  err;

    rc = ar_template_parse(&tpl, text, strlen(text), &err);

    ok = ar_int_is("ar_template_parse() rc", rc, AR_ERROR)
         && ar_int_is("error line", err.line, line)
         && ar_str_has(err.msg, msg)
         && ar_int_is("message is NUL-terminated",
                      memchr(err.msg, '\0', AR_TPL_ERR_LEN) != NULL, 1);

    /* a failed parse leaves nothing to free, and freeing is harmless */
    ar_template_free(&tpl);

    return ok;
}


/* renders md with every GFM bit, fills the template, compares the page */

static int
ar_page(const char *tpl_text, const char *md, const char *fallback,
    const char *expected)
{
    int            ok;
    ar_buf_t       page;
    ar_article_t   article;
    ar_template_t  tpl;

    memset(&page, 0, sizeof(ar_buf_t));
    memset(&tpl, 0, sizeof(ar_template_t));

    ok = ar_parse(tpl_text, &tpl)
         && ar_render(AR_GFM_ALL, 0, md, strlen(md), &article);

    if (ok) {
        ok = ar_int_is("ar_template_expand() rc",
                       ar_template_expand(&tpl, &article, fallback,
                                          strlen(fallback), &page),
                       AR_OK)
             && ar_buf_is(&page, expected);

        ar_article_free(&article);
    }

    ar_buf_free(&page);
    ar_template_free(&tpl);

    return ok;
}


/* ar_buf */

static int
t_buf_append(void)
{
    int       ok;
    ar_buf_t  b;

    memset(&b, 0, sizeof(ar_buf_t));

    ok = ar_int_is("rc", ar_buf_append(&b, AR_S("abc")), AR_OK)
         && ar_int_is("rc", ar_buf_append(&b, AR_S("d\0e")), AR_OK)
         && ar_is(b.data, b.len, AR_S("abcd\0e"))
         && ar_int_is("cap >= len", b.cap >= b.len, 1);

    ar_buf_free(&b);

    return ok;
}


static int
t_buf_escape_specials(void)
{
    int       ok;
    ar_buf_t  b;

    memset(&b, 0, sizeof(ar_buf_t));

    ok = ar_int_is("rc", ar_buf_append_escaped(&b, AR_S("&<>\"'")), AR_OK)
         && ar_buf_is(&b, "&amp;&lt;&gt;&quot;&#39;");

    ar_buf_free(&b);

    return ok;
}


static int
t_buf_escape_mixed(void)
{
    int       ok;
    ar_buf_t  b;

    memset(&b, 0, sizeof(ar_buf_t));

    ok = ar_int_is("rc",
                   ar_buf_append_escaped(&b,
                       AR_S("a<b href=\"x\">Tom & Jerry's</b>z")),
                   AR_OK)
         && ar_buf_is(&b, "a&lt;b href=&quot;x&quot;&gt;"
                          "Tom &amp; Jerry&#39;s&lt;/b&gt;z");

    ar_buf_free(&b);

    return ok;
}


static int
t_buf_escape_plain(void)
{
    int       ok;
    ar_buf_t  b;

    memset(&b, 0, sizeof(ar_buf_t));

    ok = ar_int_is("rc",
                   ar_buf_append_escaped(&b, AR_S("caf\xC3\xA9 \x01\0\xFF;")),
                   AR_OK)
         && ar_is(b.data, b.len, AR_S("caf\xC3\xA9 \x01\0\xFF;"));

    ar_buf_free(&b);

    return ok;
}


static int
t_buf_empty(void)
{
    int       ok;
    ar_buf_t  b;

    memset(&b, 0, sizeof(ar_buf_t));

    ok = ar_int_is("escaped rc", ar_buf_append_escaped(&b, "", 0), AR_OK)
         && ar_int_is("append rc", ar_buf_append(&b, NULL, 0), AR_OK)
         && ar_int_is("len", (long) b.len, 0);

    ar_buf_free(&b);

    return ok;
}


static int
t_buf_utf8_repair(void)
{
    int       ok;
    ar_buf_t  b;

    /* a cut sequence, a lone continuation byte, an overlong "/",
     * a surrogate and a valid U+00E9 */
    static const char  bad[] = "a\xC3" "b\x80" "c\xC0\xAF" "d\xED\xA0\x80"
                               "e\xC3\xA9";
    static const char  good[] = "<a" AR_FFFD "b" AR_FFFD "c" AR_FFFD AR_FFFD
                                "d" AR_FFFD AR_FFFD AR_FFFD "e\xC3\xA9";

    memset(&b, 0, sizeof(ar_buf_t));

    ok = ar_int_is("append rc", ar_buf_append(&b, AR_S("<")), AR_OK)
         && ar_int_is("append_utf8 rc", ar_buf_append_utf8(&b, AR_S(bad)),
                      AR_OK)
         && ar_is(b.data, b.len, AR_S(good));

    ar_buf_free(&b);

    return ok;
}


static int
t_buf_utf8_valid_kept(void)
{
    int       ok;
    ar_buf_t  b;

    memset(&b, 0, sizeof(ar_buf_t));

    ok = ar_int_is("append_utf8 rc",
                   ar_buf_append_utf8(&b,
                                AR_S("x \xF0\x9F\x98\x80 \xE2\x82\xAC")),
                   AR_OK)
         && ar_buf_is(&b, "x \xF0\x9F\x98\x80 \xE2\x82\xAC")
         && ar_int_is("append_utf8 rc", ar_buf_append_utf8(&b, "", 0), AR_OK)
         && ar_int_is("len after appending nothing", (long) b.len, 10);

    ar_buf_free(&b);

    return ok;
}


static int
t_buf_escape_appends(void)
{
    int       ok;
    ar_buf_t  b;

    memset(&b, 0, sizeof(ar_buf_t));

    ok = ar_int_is("rc", ar_buf_append(&b, AR_S("x")), AR_OK)
         && ar_int_is("rc", ar_buf_append_escaped(&b, AR_S("<")), AR_OK)
         && ar_int_is("rc", ar_buf_append(&b, AR_S("y")), AR_OK)
         && ar_buf_is(&b, "x&lt;y");

    ar_buf_free(&b);

    return ok;
}


static int
t_buf_grow_small_appends(void)
{
    int       ok;
    char      chunk[97];
    size_t    i, k;
    ar_buf_t  b;

    memset(&b, 0, sizeof(ar_buf_t));

    ok = 1;

    /* 97 is prime, so every chunk straddles the power-of-two capacities */

    for (i = 0; ok && i < 12000; i++) {
        for (k = 0; k < sizeof(chunk); k++) {
            chunk[k] = (char) ((i * sizeof(chunk) + k) % 251);
        }

        ok = ar_int_is("rc", ar_buf_append(&b, chunk, sizeof(chunk)), AR_OK);
    }

    ok = ok && ar_int_is("len", (long) b.len, 12000 * 97)
         && ar_int_is("cap >= len", b.cap >= b.len, 1);

    for (i = 0; ok && i < b.len; i++) {
        if ((unsigned char) b.data[i] != i % 251) {
            ok = ar_int_is("first wrong byte at", (long) i, -1);
        }
    }

    ar_buf_free(&b);

    return ok;
}


static int
t_buf_grow_one_append(void)
{
    int       ok;
    char     *big;
    size_t    n;
    ar_buf_t  b;

    memset(&b, 0, sizeof(ar_buf_t));

    n = 3 * 1024 * 1024 + 7;

    big = malloc(n);
    if (big == NULL) {
        ar_diag_str("# got: malloc() failed\n");
        return 0;
    }

    memset(big, 'm', n);
    big[0] = 'A';
    big[n - 1] = 'Z';

    ok = ar_int_is("rc", ar_buf_append(&b, AR_S("<")), AR_OK)
         && ar_int_is("rc", ar_buf_append(&b, big, n), AR_OK)
         && ar_int_is("len", (long) b.len, (long) n + 1)
         && ar_int_is("cap >= len", b.cap >= b.len, 1)
         && ar_int_is("bytes equal", memcmp(b.data + 1, big, n) == 0, 1)
         && ar_int_is("first byte kept", b.data[0] == '<', 1);

    free(big);
    ar_buf_free(&b);

    return ok;
}


static int
t_buf_grow_escaped(void)
{
    int       ok;
    char     *amps;
    size_t    i, n;
    ar_buf_t  b;

    memset(&b, 0, sizeof(ar_buf_t));

    n = 100000;

    amps = malloc(n);
    if (amps == NULL) {
        ar_diag_str("# got: malloc() failed\n");
        return 0;
    }

    memset(amps, '&', n);

    ok = ar_int_is("rc", ar_buf_append_escaped(&b, amps, n), AR_OK)
         && ar_int_is("len", (long) b.len, (long) (5 * n));

    for (i = 0; ok && i < n; i++) {
        if (memcmp(b.data + 5 * i, "&amp;", 5) != 0) {
            ok = ar_int_is("first wrong entity at", (long) i, -1);
        }
    }

    free(amps);
    ar_buf_free(&b);

    return ok;
}


static int
t_buf_reserve_overflow(void)
{
    int       ok;
    ar_buf_t  b;

    memset(&b, 0, sizeof(ar_buf_t));

    ok = ar_int_is("rc", ar_buf_append(&b, AR_S("keep")), AR_OK)
         && ar_int_is("reserve(SIZE_MAX) rc", ar_buf_reserve(&b, SIZE_MAX),
                      AR_ERROR)
         && ar_int_is("append(SIZE_MAX / 2) rc",
                      ar_buf_append(&b, "", SIZE_MAX / 2), AR_ERROR)
         && ar_buf_is(&b, "keep")
         && ar_int_is("rc", ar_buf_append(&b, AR_S("!")), AR_OK)
         && ar_buf_is(&b, "keep!");

    ar_buf_free(&b);

    return ok;
}


static int
t_array_grow(void)
{
    int       ok;
    char      dummy;
    size_t   *a, *more, n, i, big;

    a = NULL;
    ok = 1;

    for (n = 0; ok && n < 5000; n++) {
        more = ar_array_grow(a, n, sizeof(size_t));

        if (more == NULL) {
            ok = ar_int_is("grown at", (long) n, -1);
            break;
        }

        a = more;
        a[n] = n * 7;
    }

    for (i = 0; ok && i < n; i++) {
        if (a[i] != i * 7) {
            ok = ar_int_is("first wrong element at", (long) i, -1);
        }
    }

    free(a);

    /* a power of 2 (the size is one) whose double passes SIZE_MAX bytes */
    big = SIZE_MAX / 2 / sizeof(size_t) + 1;

    return ok
           && ar_int_is("room left: the same array",
                        ar_array_grow(&dummy, 9, 1) == &dummy, 1)
           && ar_int_is("past SIZE_MAX: NULL",
                        ar_array_grow(NULL, big, sizeof(size_t)) == NULL, 1);
}


static int
t_buf_free_resets(void)
{
    int       ok;
    ar_buf_t  b;

    memset(&b, 0, sizeof(ar_buf_t));

    ok = ar_int_is("rc", ar_buf_append(&b, AR_S("first")), AR_OK);

    ar_buf_free(&b);

    ok = ok
         && ar_int_is("data is NULL", b.data == NULL, 1)
         && ar_int_is("len", (long) b.len, 0)
         && ar_int_is("cap", (long) b.cap, 0)
         && ar_int_is("rc", ar_buf_append(&b, AR_S("again")), AR_OK)
         && ar_buf_is(&b, "again");

    ar_buf_free(&b);
    ar_buf_free(&b);

    return ok;
}


/* ar_render: setup and cases that need more than ar_render_case_t */

static int
t_render_init_twice(void)
{
    return ar_int_is("first rc", ar_render_init(), AR_OK)
           && ar_int_is("second rc", ar_render_init(), AR_OK);
}


static int
t_render_version(void)
{
    const char  *v;

    v = ar_render_library_version();

    return ar_str_has(v, "0.29.0");
}


/*
 * The linked library is outdated exactly when its version string names a
 * release before 0.29.0.gfm.13: the string, read here, against the
 * packed number the core compares.
 */

static int
t_render_outdated(void)
{
    int          major, minor, patch, gfm, old;
    const char  *v;

    v = ar_render_library_version();

    if (sscanf(v, "%d.%d.%d.gfm.%d", &major, &minor, &patch, &gfm) != 4) {
        printf("# unexpected cmark-gfm version \"%s\"\n", v);
        return 0;
    }

    old = major == 0 && (minor < 29 || (minor == 29 && patch == 0
                                         && gfm < 13));

    printf("# cmark-gfm %s\n", v);

    return ar_int_is("outdated", ar_render_library_outdated(), old);
}


static int
t_render_tagfilter_safe_same(void)
{
    int           ok;
    ar_article_t  on, off;

    memset(&off, 0, sizeof(ar_article_t));

    ok = ar_render(AR_GFM_ALL, 0, AR_S("a <script>x()</script> b\n"), &on)
         && ar_render(AR_GFM_ALL & ~AR_GFM_TAGFILTER, 0,
                      AR_S("a <script>x()</script> b\n"), &off)
         && ar_has(&on.html, "&lt;script&gt;x()&lt;/script&gt;")
         && ar_is(off.html.data, off.html.len, on.html.data, on.html.len);

    ar_article_free(&on);
    ar_article_free(&off);

    return ok;
}


static int
t_title_unsafe_html_escaped(void)
{
    int           ok;
    ar_article_t  a;

    ok = ar_render(AR_GFM_ALL, 1, AR_S("## Real <b>x</b>\n"), &a)
         && ar_has(&a.html, "<h2 id=\"real-x\">Real <b>x</b>"
                              AR_ANCHOR("real-x") "</h2>")
         && ar_has(&a.title, "Real ")
         && ar_lacks(&a.title, "<")
         && ar_lacks(&a.title, ">");

    ar_article_free(&a);

    return ok;
}


static int
t_render_repeatable(void)
{
    int           ok, i;
    ar_article_t  a, b;

    ok = 1;

    /* nothing carries over from one render to the next */

    for (i = 0; ok && i < 3; i++) {
        memset(&b, 0, sizeof(ar_article_t));

        ok = ar_render(AR_GFM_ALL, 0, AR_S("# One\n\n| a |\n|---|\n"), &a)
             && ar_render(AR_GFM_ALL, 0, AR_S("plain\n"), &b)
             && ar_buf_is(&b.html, "<p>plain</p>\n")
             && ar_buf_is(&b.title, "");

        ar_article_free(&a);
        ar_article_free(&b);
    }

    return ok;
}


/* ar_accept */

#define AR_ACCEPT(name, accept, markdown)                                    \
    { "accept: " name, accept, sizeof(accept) - 1, markdown }

static const ar_accept_case_t  ar_accept_cases[] = {

    AR_ACCEPT("an empty header chooses the page", "", 0),
    AR_ACCEPT("text/markdown alone chooses the source", "text/markdown", 1),
    AR_ACCEPT("text/html alone chooses the page", "text/html", 0),
    AR_ACCEPT("a browser's header chooses the page",
              "text/html,application/xhtml+xml,application/xml;q=0.9,"
              "image/avif,image/webp,*/*;q=0.8", 0),
    AR_ACCEPT("both at q=1 (equal) choose the page",
              "text/markdown, text/html", 0),
    AR_ACCEPT("equal explicit q values choose the page",
              "text/markdown;q=0.5, text/html;q=0.5", 0),
    AR_ACCEPT("a higher q for markdown chooses the source, in any order",
              "text/html;q=0.9, text/markdown", 1),
    AR_ACCEPT("a lower q for markdown chooses the page",
              "text/markdown;q=0.4, text/html;q=0.5", 0),
    AR_ACCEPT("*/* alone chooses the page", "*/*", 0),
    AR_ACCEPT("text/* alone chooses the page", "text/*", 0),
    AR_ACCEPT("markdown over a weaker */* chooses the source",
              "text/markdown, */*;q=0.1", 1),
    AR_ACCEPT("markdown over a weaker text/* chooses the source",
              "text/*;q=0.5, text/markdown", 1),
    AR_ACCEPT("the exact range wins over text/* though its q is lower",
              "text/markdown;q=0.8, text/*;q=0.9", 0),
    AR_ACCEPT("text/* wins over */* for html",
              "*/*, text/*;q=0.2, text/markdown;q=0.3", 1),
    AR_ACCEPT("html refused (q=0) and markdown through */* chooses the"
              " source", "text/html;q=0, */*", 1),
    AR_ACCEPT("markdown refused (q=0) alone chooses the page",
              "text/markdown;q=0", 0),
    AR_ACCEPT("the smallest weight above 0 is more than 0",
              "text/markdown;q=0.001, text/html;q=0", 1),
    AR_ACCEPT("q=1.000 is 1", "text/markdown;q=1.000, text/html;q=0.999",
              1),
    AR_ACCEPT("a type that names neither chooses the page", "image/png",
              0),
    AR_ACCEPT("markdown with an unrelated type chooses the source",
              "application/json, text/markdown;q=0.9", 1),
    AR_ACCEPT("names are compared without case",
              "TEXT/Markdown; Q=0.9, Text/HTML;q=0.8", 1),
    AR_ACCEPT("blanks around elements and parameters are allowed",
              " text/markdown ;\tq=0.9 ,text/html; q=0.1 ", 1),
    AR_ACCEPT("other parameters are skipped",
              "text/markdown;charset=utf-8;variant=GFM;q=0.9, "
              "text/html;q=0.8", 1),
    AR_ACCEPT("a comma in a quoted parameter does not end the range",
              "text/markdown;x=\"a, text/html;q=1\", text/html;q=0.5", 1),
    AR_ACCEPT("an escaped quote in a quoted parameter is skipped",
              "text/markdown;x=\"a\\\", b\";q=0.7, text/html;q=0.6", 1),
    AR_ACCEPT("empty elements and empty parameters are skipped",
              ",, text/markdown;;q=0.3;, ,text/html;q=0.2,", 1),
    AR_ACCEPT("a range with q over 1 is ignored",
              "text/markdown;q=2, text/html;q=0.5", 0),
    AR_ACCEPT("a range with four decimals is ignored",
              "text/markdown;q=0.5000, text/html;q=0.4", 0),
    AR_ACCEPT("a range with q=1.5 is ignored",
              "text/markdown;q=1.5, text/html;q=0.4", 0),
    AR_ACCEPT("a range with an empty q is ignored",
              "text/markdown;q=, text/html;q=0.4", 0),
    AR_ACCEPT("a range with an unterminated quote is ignored",
              "text/html;q=0.1, text/markdown;q=0.9;x=\"abc", 0),
    AR_ACCEPT("of two equal ranges the first counts",
              "text/markdown;q=0.9, text/markdown;q=0.1, text/html;q=0.5",
              1),
    AR_ACCEPT("a range without a subtype is ignored",
              "text/, text/html;q=0.1", 0),
    AR_ACCEPT("a type without a slash is ignored", "markdown", 0),
    AR_ACCEPT("a longer subtype is not markdown",
              "text/markdown-extended", 0),
    AR_ACCEPT("*/markdown is not a range", "*/markdown", 0),
    AR_ACCEPT("a NUL byte ends the type",
              "text/mark\0down, text/html;q=0.1", 0),
    { "accept: only len bytes are read", "text/markdownXYZ", 9, 0 },
    { "accept: the header need not be NUL-terminated",
      "text/markdown;q=0.9, text/html;q=0.8", 13, 1 }
};


static int
ar_run_accept_case(const ar_accept_case_t *c)
{
    char  *copy;
    int    got;

    /* a copy of exactly len bytes, so that a read past it is caught */

    copy = malloc(c->len ? c->len : 1);
    if (copy == NULL) {
        return 0;
    }

    memcpy(copy, c->accept, c->len);

    got = ar_accept_markdown(copy, c->len);

    free(copy);

    if (got == c->markdown) {
        return 1;
    }

    ar_diag_str("# Accept: ");
    ar_diag_quote(c->accept, c->len);
    ar_diag_str(got ? "\n# chose the source, expected the page\n"
                    : "\n# chose the page, expected the source\n");

    return 0;
}


/* ar_template */

static int
t_tpl_builtin_parses(void)
{
    int            ok;
    ar_template_t  tpl;

    ok = ar_parse(ar_template_builtin, &tpl);

    ar_template_free(&tpl);

    return ok;
}


static int
t_tpl_builtin_document(void)
{
    int            ok;
    ar_buf_t       page;
    ar_article_t   a;
    ar_template_t  tpl;

    memset(&page, 0, sizeof(ar_buf_t));
    memset(&tpl, 0, sizeof(ar_template_t));

    ok = ar_parse(ar_template_builtin, &tpl)
         && ar_render(AR_GFM_ALL, 0, AR_S("# Hello\n\nText.\n"), &a);

    if (ok) {
        ok = ar_int_is("rc", ar_template_expand(&tpl, &a, AR_S("file"),
                                                &page),
                       AR_OK)
             && ar_starts(&page, "<!doctype html>")
             && ar_has(&page, "<html lang=\"")
             && ar_has(&page, "<meta charset=\"utf-8\">")
             && ar_has(&page, "<meta name=\"viewport\" content=\"width="
                              "device-width")
             && ar_has(&page, "<title>Hello</title>")
             && ar_has(&page, "<style>")
             && ar_has(&page, "<article>\n<h1 id=\"hello\">Hello"
                              AR_ANCHOR("hello") "</h1>\n<p>Text.</p>\n"
                              "</article>")
             && ar_has(&page, "</html>")
             && ar_lacks(&page, "{{")
             && ar_lacks(&page, "file");

        ar_article_free(&a);
    }

    ar_buf_free(&page);
    ar_template_free(&tpl);

    return ok;
}


/*
 * conf.example/template.html is the built-in template as a file; the
 * Makefile passes its path as AR_TEMPLATE_EXAMPLE.
 */

static int
t_tpl_builtin_example_file(void)
{
    int      ok;
    FILE    *f;
    char    *text, msg[256];
    size_t   len, size, n, line;

    f = fopen(AR_TEMPLATE_EXAMPLE, "rb");
    if (f == NULL) {
        ar_diag_str("# cannot open " AR_TEMPLATE_EXAMPLE "\n");
        return 0;
    }

    size = 64 * 1024;
    text = malloc(size);
    len = 0;

    while (text != NULL && (n = fread(text + len, 1, size - len, f)) > 0) {
        len += n;
    }

    fclose(f);

    if (text == NULL || len == size) {
        free(text);
        ar_diag_str("# " AR_TEMPLATE_EXAMPLE " unreadable or over 64k\n");
        return 0;
    }

    ok = (len == strlen(ar_template_builtin)
          && memcmp(text, ar_template_builtin, len) == 0);

    if (!ok) {
        line = 1;

        for (n = 0; n < len && text[n] == ar_template_builtin[n]; n++) {
            line += (text[n] == '\n');
        }

        snprintf(msg, sizeof(msg), "# %s (%zu bytes) and the built-in "
                 "template (%zu bytes) differ from line %zu on\n",
                 AR_TEMPLATE_EXAMPLE, len, strlen(ar_template_builtin),
                 line);
        ar_diag_str(msg);
    }

    free(text);

    return ok;
}


static int
t_tpl_builtin_fallback(void)
{
    int            ok;
    ar_buf_t       page;
    ar_article_t   a;
    ar_template_t  tpl;

    memset(&page, 0, sizeof(ar_buf_t));
    memset(&tpl, 0, sizeof(ar_template_t));

    ok = ar_parse(ar_template_builtin, &tpl)
         && ar_render(AR_GFM_ALL, 0, AR_S("no heading\n"), &a);

    if (ok) {
        ok = ar_int_is("rc", ar_template_expand(&tpl, &a, AR_S("a<b>&c"),
                                                &page),
                       AR_OK)
             && ar_has(&page, "<title>a&lt;b&gt;&amp;c</title>")
             && ar_has(&page, "<article>\n<p>no heading</p>\n</article>");

        ar_article_free(&a);
    }

    ar_buf_free(&page);
    ar_template_free(&tpl);

    return ok;
}


static int
t_tpl_placeholders(void)
{
    return ar_page("<t>{{title}}</t>\n<b>{{content}}</b>\n", "# T\n", "f",
                   "<t>T</t>\n<b><h1 id=\"t\">T" AR_ANCHOR("t")
                   "</h1>\n</b>\n");
}


static int
t_tpl_blanks(void)
{
    return ar_page("[{{ title }}][{{\tcontent  }}][{{title\t}}]", "# T\n",
                   "f", "[T][<h1 id=\"t\">T" AR_ANCHOR("t") "</h1>\n][T]");
}


static int
t_tpl_literal_braces(void)
{
    return ar_page("<script>var o={{a:1}};if(a{{b)f({{ c d }})</script>"
                   "{{ not a name }}{{}}{{-}x}}{{content}}",
                   "x\n", "f",
                   "<script>var o={{a:1}};if(a{{b)f({{ c d }})</script>"
                   "{{ not a name }}{{}}{{-}x}}<p>x</p>\n");
}


static int
t_tpl_braces_around(void)
{
    return ar_page("{{{content}}}{{title", "x\n", "f",
                   "{<p>x</p>\n}{{title");
}


static int
t_tpl_repeated(void)
{
    return ar_page("{{title}}{{title}}:{{content}}{{content}}", "# T\n",
                   "f", "TT:<h1 id=\"t\">T" AR_ANCHOR("t") "</h1>\n"
                   "<h1 id=\"t\">T" AR_ANCHOR("t") "</h1>\n");
}


static int
t_tpl_article_title(void)
{
    return ar_page("{{title}}|{{content}}", "# Art & co\n", "fallback",
                   "Art &amp; co|<h1 id=\"art--co\">Art &amp; co"
                   AR_ANCHOR("art--co") "</h1>\n");
}


static int
t_tpl_fallback_escaped(void)
{
    return ar_page("<title>{{title}}</title>{{content}}", "text\n",
                   "a<b>&\"c'", "<title>a&lt;b&gt;&amp;&quot;c&#39;</title>"
                   "<p>text</p>\n");
}


static int
t_tpl_empty_article(void)
{
    return ar_page("<title>{{title}}</title>[{{content}}]", "", "empty",
                   "<title>empty</title>[]");
}


static int
t_tpl_own_copy(void)
{
    int            ok;
    char           text[] = "<p>{{content}}</p>";
    ar_buf_t       page;
    ar_article_t   a;
    ar_template_t  tpl;

    memset(&page, 0, sizeof(ar_buf_t));
    memset(&tpl, 0, sizeof(ar_template_t));

    ok = ar_parse(text, &tpl)
         && ar_render(AR_GFM_ALL, 0, AR_S("*x*"), &a);

    if (ok) {
        memset(text, '?', sizeof(text) - 1);

        ok = ar_int_is("rc", ar_template_expand(&tpl, &a, AR_S("f"), &page),
                       AR_OK)
             && ar_buf_is(&page, "<p><p><em>x</em></p>\n</p>");

        ar_article_free(&a);
    }

    ar_buf_free(&page);
    ar_template_free(&tpl);

    return ok;
}


static int
t_tpl_unknown(void)
{
    return ar_parse_fails("<html>\n<title>{{ title }}</title>\n{{content}}\n"
                          "<p>{{ author }}</p>\n",
                          4, "unknown placeholder \"{{author}}\"");
}


static int
t_tpl_unknown_first_line(void)
{
    return ar_parse_fails("{{date}}{{content}}", 1, "\"{{date}}\"");
}


static int
t_tpl_unknown_line_count(void)
{
    return ar_parse_fails("a{{b\r\n{{ not a name }}\n\n{{content}}{{title}}"
                          "\n{{ x.y-z_1 }}",
                          5, "\"{{x.y-z_1}}\"");
}


static int
t_tpl_unknown_before_content(void)
{
    return ar_parse_fails("\n\n{{Title}}\n{{content}}\n", 3, "{{Title}}");
}


static int
t_tpl_unknown_long_name(void)
{
    char  text[300], expect[80];

    memset(text, 'n', sizeof(text));
    memcpy(text, "\n{{", 3);
    memcpy(text + 203, "}}{{content}}", sizeof("}}{{content}}"));

    memset(expect, 'n', sizeof(expect));
    memcpy(expect, "\"{{", 3);
    expect[60] = '\0';

    return ar_parse_fails(text, 2, expect);
}


static int
t_tpl_no_content(void)
{
    return ar_parse_fails("<title>{{title}}</title>\n<p>{{ content</p>\n", 0,
                          "no \"{{content}}\" placeholder");
}


static int
t_tpl_empty(void)
{
    return ar_parse_fails("", 0, "{{content}}");
}


/* ar_render cases */

static const ar_render_case_t  ar_render_cases[] = {

    /* GFM extensions, each alone and each left out of all the others */

    { "gfm table on: header and body cells carry left, center and right"
      " alignment",
      AR_GFM_TABLE, 0,
      AR_S("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n"),
      { "<table>", "<th align=\"left\">a</th>", "<th align=\"center\">b</th>",
        "<th align=\"right\">c</th>", "<td align=\"left\">1</td>",
        "<td align=\"right\">3</td>" },
      { "<p>" }, NULL, "" },

    { "gfm table on: an escaped pipe stays inside its cell as a pipe",
      AR_GFM_TABLE, 0,
      AR_S("| a | b |\n|---|---|\n| x \\| y | z |\n"),
      { "<td>x | y</td>", "<td>z</td>" },
      { "<td>x</td>", "\\", "<td>y" }, NULL, NULL },

    { "gfm table off: pipe rows stay a paragraph",
      AR_GFM_ALL & ~AR_GFM_TABLE, 0,
      AR_S("| a | b |\n|---|---|\n| 1 | 2 |\n"),
      { "<p>| a | b |" },
      { "<table", "<td" }, NULL, NULL },

    { "gfm strikethrough on: ~~text~~ and ~text~ become del",
      AR_GFM_STRIKETHROUGH, 0,
      AR_S("~~gone~~ and ~also~\n"),
      { "<del>gone</del>", "<del>also</del>" },
      { "~" }, NULL, NULL },

    { "gfm strikethrough off: ~~text~~ stays literal",
      AR_GFM_ALL & ~AR_GFM_STRIKETHROUGH, 0,
      AR_S("~~gone~~\n"),
      { "<p>~~gone~~</p>" },
      { "<del>" }, NULL, NULL },

    { "gfm autolink on: bare www, https and e-mail addresses become links",
      AR_GFM_AUTOLINK, 0,
      AR_S("see www.example.com, https://example.org/a?b=1 and"
           " me@example.net\n"),
      { "<a href=\"http://www.example.com\">www.example.com</a>",
        "<a href=\"https://example.org/a?b=1\">"
        "https://example.org/a?b=1</a>",
        "<a href=\"mailto:me@example.net\">me@example.net</a>" },
      { NULL }, NULL, NULL },

    { "gfm autolink on: an e-mail address with numeric references",
      AR_GFM_ALL, 0,
      AR_S("a&#64;b.example and c&#x40;d.example\n"),
      { "<a href=\"mailto:a@b.example\">a@b.example</a>",
        "<a href=\"mailto:c@d.example\">c@d.example</a>" },
      { NULL }, NULL, NULL },

    { "gfm autolink on: an e-mail address with a named reference",
      AR_GFM_ALL, 0,
      AR_S("e&commat;f.example\n"),
      { "<a href=\"mailto:e@f.example\">e@f.example</a>" },
      { NULL }, NULL, NULL },

    { "gfm autolink on: www. alone in a source",
      AR_GFM_ALL, 0,
      AR_S("- www.example.com\n"),
      { "<a href=\"http://www.example.com\">www.example.com</a>" },
      { NULL }, NULL, NULL },

    { "gfm autolink on: a scheme alone in a source",
      AR_GFM_ALL, 0,
      AR_S("> https://example.org/a\n"),
      { "<a href=\"https://example.org/a\">https://example.org/a</a>" },
      { NULL }, NULL, NULL },

    { "gfm autolink on: an e-mail address alone in a source",
      AR_GFM_ALL, 0,
      AR_S("me@example.net\n"),
      { "<a href=\"mailto:me@example.net\">me@example.net</a>" },
      { NULL }, NULL, NULL },

    { "gfm autolink off: bare addresses stay text",
      AR_GFM_ALL & ~AR_GFM_AUTOLINK, 0,
      AR_S("see www.example.com and https://example.org/\n"),
      { "www.example.com", "https://example.org/" },
      { "<a " }, NULL, NULL },

    { "gfm tagfilter on, unsafe: script and title tags are neutralised,"
      " other HTML kept",
      AR_GFM_TAGFILTER, 1,
      AR_S("a <script>alert(1)</script> <em>b</em>\n\n<title>x</title>\n"),
      { "&lt;script", "&lt;/script", "&lt;title", "<em>b</em>" },
      { "<script", "</script", "<title" }, NULL, NULL },

    { "gfm tagfilter off, unsafe: script passes through raw",
      AR_GFM_ALL & ~AR_GFM_TAGFILTER, 1,
      AR_S("a <script>alert(1)</script> b\n"),
      { "<p>a <script>alert(1)</script> b</p>" },
      { "&lt;" }, NULL, NULL },

    { "gfm tasklist on: [ ] and [x] items become disabled checkboxes",
      AR_GFM_TASKLIST, 0,
      AR_S("- [ ] todo\n- [x] done\n"),
      { "type=\"checkbox\"", "disabled=\"\"", "checked=\"\"", " todo</li>",
        " done</li>" },
      { "[ ]", "[x]" }, NULL, NULL },

    { "gfm tasklist on: an open item is not checked",
      AR_GFM_TASKLIST, 0,
      AR_S("- [ ] todo\n"),
      { "type=\"checkbox\"" },
      { "checked" }, NULL, NULL },

    { "gfm tasklist off: [ ] and [x] stay literal",
      AR_GFM_ALL & ~AR_GFM_TASKLIST, 0,
      AR_S("- [ ] todo\n- [x] done\n"),
      { "<li>[ ] todo</li>", "<li>[x] done</li>" },
      { "checkbox" }, NULL, NULL },

    { "gfm footnotes on: the reference links to a footnote section",
      AR_GFM_FOOTNOTES, 0,
      AR_S("Text[^1].\n\n[^1]: The note.\n"),
      { "class=\"footnote-ref\"", "href=\"#fn-1\"",
        "<section class=\"footnotes\"",
        "<li id=\"fn-1\">", "The note.", "href=\"#fnref-1\"" },
      { "[^1]" }, NULL, NULL },

    { "gfm footnotes on: a caret made by a character reference is no"
      " footnote, and the paragraph is whole",
      AR_GFM_ALL, 0,
      AR_S("a [&#94;1] b c\n"),
      { "<p>a [^1] b c</p>" },
      { "footnote" }, NULL, NULL },

    { "gfm footnotes off: [^1] stays literal",
      AR_GFM_ALL & ~AR_GFM_FOOTNOTES, 0,
      AR_S("Text[^1].\n\n[^1]: The note.\n"),
      { "<p>Text[^1].</p>", "<p>[^1]: The note.</p>" },
      { "footnote", "<section" }, NULL, NULL },

    { "gfm off entirely: plain CommonMark still renders",
      0, 0,
      AR_S("# H\n\n*em* [l](http://x/) ~~s~~ www.x.org\n"),
      { "<h1 id=\"h\">H" AR_ANCHOR("h") "</h1>", "<em>em</em>",
        "<a href=\"http://x/\">l</a>",
        "~~s~~ www.x.org" },
      { "<del>", "<a href=\"http://www" }, NULL, "H" },

    /* input validation */

    { "input: invalid UTF-8 bytes become U+FFFD",
      AR_GFM_ALL, 0,
      AR_S("a\xFF" "b\xC3(c\n"),
      { "<p>a" AR_FFFD "b" AR_FFFD "(c</p>" },
      { "\xFF", "\xC3(" }, NULL, NULL },

    { "input: NUL bytes become U+FFFD",
      AR_GFM_ALL, 0,
      AR_S("a\0b\0\n"),
      { "<p>a" AR_FFFD "b" AR_FFFD "</p>" },
      { NULL }, NULL, NULL },

    { "input: empty input gives empty HTML and an empty title",
      AR_GFM_ALL, 0,
      "", 0,
      { NULL }, { NULL }, "", "" },

    { "input: binary junk is rendered as escaped text",
      AR_GFM_ALL, 0,
      AR_S("\x01\x02<\0\xFE>&\n"),
      { "<p>", "&lt;" AR_FFFD AR_FFFD "&gt;&amp;" },
      { "\xFE", "<\x01" }, NULL, NULL },

    /* safe mode */

    { "safe mode: inline HTML becomes escaped text",
      AR_GFM_ALL, 0,
      AR_S("a <span class=\"x\">in</span> b\n"),
      { "<p>a &lt;span class=&quot;x&quot;&gt;in&lt;/span&gt; b</p>" },
      { "<span", "raw HTML omitted" }, NULL, NULL },

    { "safe mode: an HTML block becomes an escaped paragraph",
      AR_GFM_ALL, 0,
      AR_S("<div onclick=\"x()\">\n<b>hi</b>\n</div>\n\nafter\n"),
      { "<p>&lt;div onclick=&quot;x()&quot;&gt;\n&lt;b&gt;hi&lt;/b&gt;\n"
        "&lt;/div&gt;</p>", "<p>after</p>" },
      { "<div", "<b>", "raw HTML omitted" }, NULL, NULL },

    { "safe mode: a script block and an HTML comment are shown, not run",
      AR_GFM_ALL & ~AR_GFM_TAGFILTER, 0,
      AR_S("<script>alert(1)</script>\n\n<!-- note -->\n"),
      { "&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;!-- note --&gt;" },
      { "<script", "<!--" }, NULL, NULL },

    { "safe mode: HTML in lists, quotes, table cells and footnotes is"
      " escaped",
      AR_GFM_ALL, 0,
      AR_S("- <i>li</i>\n\n> <u>q</u>\n\n| h |\n|---|\n| <b>c</b> |\n\n"
           "x[^1]\n\n[^1]: <s>n</s>\n"),
      { "&lt;i&gt;li&lt;/i&gt;", "&lt;u&gt;q&lt;/u&gt;",
        "<td>&lt;b&gt;c&lt;/b&gt;</td>", "&lt;s&gt;n&lt;/s&gt;" },
      { "<i>", "<u>", "<b>", "<s>" }, NULL, NULL },

    { "safe mode: javascript:, vbscript: and file: link targets are"
      " emptied",
      AR_GFM_ALL, 0,
      AR_S("[a](javascript:alert(1)) [b](vbscript:msgbox) "
           "[c](file:///etc/passwd) [d](JavaScript:x)\n"),
      { "<a href=\"\">a</a>", "<a href=\"\">b</a>", "<a href=\"\">c</a>",
        "<a href=\"\">d</a>" },
      { "javascript:", "JavaScript:", "vbscript:", "file:" }, NULL, NULL },

    { "safe mode: a javascript: autolink target is emptied",
      AR_GFM_ALL, 0,
      AR_S("<javascript:alert(1)>\n"),
      { "<a href=\"\">javascript:alert(1)</a>" },
      { "href=\"javascript" }, NULL, NULL },

    { "safe mode: a data: image source and a data: link are emptied, as"
      " GitHub's allowlist has it",
      AR_GFM_ALL, 0,
      AR_S("![p](data:image/png;base64,iVBORw0K) "
           "[h](data:text/html;base64,PHA+)\n"),
      { "<img src=\"\" alt=\"p\" />", "<a href=\"\">h</a>" },
      { "data:" }, NULL, NULL },

    { "safe mode: ordinary http, https, mailto and relative links are kept",
      AR_GFM_ALL, 0,
      AR_S("[a](http://a/) [b](https://b/) [c](mailto:c@d) [e](e.md#x)\n"),
      { "href=\"http://a/\"", "href=\"https://b/\"", "href=\"mailto:c@d\"",
        "href=\"e.md#x\"" },
      { "href=\"\"" }, NULL, NULL },

    { "unsafe mode: inline HTML and HTML blocks pass through raw",
      AR_GFM_ALL, 1,
      AR_S("<div class=\"box\">\n<b>hi</b>\n</div>\n\na <span>in</span>\n"),
      { "<div class=\"box\">\n<b>hi</b>\n</div>", "<p>a <span>in</span></p>" },
      { "&lt;", "&quot;" }, NULL, NULL },

    { "unsafe mode: javascript: link target is kept",
      AR_GFM_ALL, 1,
      AR_S("[a](javascript:alert(1))\n"),
      { "<a href=\"javascript:alert(1)\">a</a>" },
      { NULL }, NULL, NULL },

    /* the title */

    { "title: first heading's text with code and emphasis flattened,"
      " escaped",
      AR_GFM_ALL, 0,
      AR_S("intro\n\n# Hello `co<de>` *em* **strong** & \"q\" it's\n\n"
           "## Second\n"),
      { "<h2 id=\"second\">Second" AR_ANCHOR("second") "</h2>" },
      { NULL }, NULL,
      "Hello co&lt;de&gt; em strong &amp; &quot;q&quot; it&#39;s" },

    { "title: a soft line break in a setext heading becomes a space",
      AR_GFM_ALL, 0,
      AR_S("Setext with\nsoft break\n===\n"),
      { NULL }, { NULL }, NULL, "Setext with soft break" },

    { "title: headings in quotes and lists are skipped for the first"
      " top-level one",
      AR_GFM_ALL, 0,
      AR_S("> # quoted\n\n- # in list\n\n### Real\n\n# Later\n"),
      { NULL }, { NULL }, NULL, "Real" },

    { "title: no heading gives an empty title",
      AR_GFM_ALL, 0,
      AR_S("no heading\n\n    # code, not a heading\n"),
      { "<p>no heading</p>" }, { NULL }, NULL, "" },

    { "title: entities are decoded once and escaped once",
      AR_GFM_ALL, 0,
      AR_S("# A &amp; B &lt;x&gt; &quot;\n"),
      { NULL }, { NULL }, NULL, "A &amp; B &lt;x&gt; &quot;" },

    { "title: links, images, strikethrough and autolinks give their text,"
      " footnote refs nothing",
      AR_GFM_ALL, 0,
      AR_S("# T[^1] [link](http://x/) ![img](y.png) ~~old~~ www.x.org\n\n"
           "[^1]: n\n"),
      { "class=\"footnote-ref\"" }, { NULL }, NULL,
      "T link img old www.x.org" },

    { "title: safe-mode raw HTML in the heading is escaped in the title",
      AR_GFM_ALL, 0,
      AR_S("# A <b>b</b>\n"),
      { "<h1 id=\"a-bbb\">A &lt;b&gt;b&lt;/b&gt;" AR_ANCHOR("a-bbb")
        "</h1>" }, { NULL }, NULL,
      "A &lt;b&gt;b&lt;/b&gt;" },

    { "title: invalid UTF-8 in the heading becomes U+FFFD",
      AR_GFM_ALL, 0,
      AR_S("# bad \xFF byte\n"),
      { NULL }, { NULL }, NULL, "bad " AR_FFFD " byte" }
};


static int
ar_run_render_case(const ar_render_case_t *c)
{
    int           ok;
    ar_article_t  a;

    ok = ar_render(c->gfm, c->unsafe, c->md, c->len, &a);

    ok = ok && ar_has_each(&a.html, AR_N(c->has))
         && ar_lacks_each(&a.html, AR_N(c->lacks));

    if (ok && c->html != NULL) {
        ok = ar_buf_is(&a.html, c->html);
    }

    if (ok && c->title != NULL) {
        ok = ar_buf_is(&a.title, c->title);
    }

    ar_article_free(&a);

    return ok;
}


static const ar_test_t  ar_tests[] = {

    { "budget: a table of 2000 x 2000 cells passes a 4m memory budget",
      t_budget_memory },
    { "budget: a render slower than its 50ms time budget is abandoned",
      t_budget_time },
    { "budget: blank lines after a list 40,000 deep, which allocate"
      " nothing, are abandoned at the 300ms time budget (cmark-gfm"
      " 0.29.0.gfm.6), or the list is capped and renders (gfm.13)",
      t_budget_time_no_alloc },
    { "budget: a table of 10,000 columns (60 KB) is cut at its 100ms time"
      " budget (cmark-gfm before 0.29.0.gfm.13)",
      t_budget_time_wide_table },
    { "budget: the HTML render of a wide table row looks at the clock",
      t_budget_time_html },
    { "budget: an ordinary article renders within its budgets",
      t_budget_within },
    { "budget: a render after an abandoned one works",
      t_budget_then_render },
    { "budget: a render unwound at any point of it ends cleanly",
      t_budget_unwind_anywhere },

    { "buf: append copies bytes, NUL included, and tracks the length",
      t_buf_append },
    { "buf: & < > \" ' are escaped to &amp; &lt; &gt; &quot; &#39;",
      t_buf_escape_specials },
    { "buf: escaping keeps the text between special characters",
      t_buf_escape_mixed },
    { "buf: text without special characters is escaped unchanged",
      t_buf_escape_plain },
    { "buf: empty input appends nothing and succeeds", t_buf_empty },
    { "buf: escaping appends after what the buffer holds",
      t_buf_escape_appends },
    { "buf: invalid UTF-8 (cut, stray, overlong, surrogate) is appended"
      " as U+FFFD", t_buf_utf8_repair },
    { "buf: valid UTF-8 is appended unchanged", t_buf_utf8_valid_kept },
    { "buf: many small appends grow the buffer and keep every byte",
      t_buf_grow_small_appends },
    { "buf: one append far beyond the capacity grows it at once",
      t_buf_grow_one_append },
    { "buf: 100000 ampersands escape to 500000 bytes of &amp;",
      t_buf_grow_escaped },
    { "buf: an impossible reservation fails and leaves the buffer usable",
      t_buf_reserve_overflow },
    { "buf: free resets the buffer for reuse and may run twice",
      t_buf_free_resets },
    { "array: grows by doubling and keeps every element; a size past"
      " SIZE_MAX fails", t_array_grow },

    { "render: init registers the extensions and may run twice",
      t_render_init_twice },
    { "render: the cmark-gfm library version is reported",
      t_render_version },
    { "render: a library before 0.29.0.gfm.13 is reported outdated",
      t_render_outdated },
    { "render: safe mode escapes script alike with tagfilter on or off",
      t_render_tagfilter_safe_same },
    { "render: nothing carries over from one render to the next",
      t_render_repeatable },
    { "render: out of memory copying the results out fails the render"
      " and keeps none of them", t_render_export_fails },
    { "title: raw HTML in an unsafe heading never reaches the title as"
      " markup", t_title_unsafe_html_escaped },

    { "template: the built-in template parses", t_tpl_builtin_parses },
    { "template: the built-in page is an HTML5 document with lang, charset,"
      " viewport, title, style and article", t_tpl_builtin_document },
    { "template: conf.example/template.html is byte for byte the built-in"
      " template", t_tpl_builtin_example_file },
    { "template: the built-in page without a heading has the escaped"
      " fallback title", t_tpl_builtin_fallback },
    { "template: {{content}} and {{title}} are filled, the rest kept byte"
      " for byte", t_tpl_placeholders },
    { "template: blanks and tabs inside the braces are allowed",
      t_tpl_blanks },
    { "template: a {{ that starts no placeholder stays literal",
      t_tpl_literal_braces },
    { "template: braces around a placeholder and an unterminated one stay"
      " literal", t_tpl_braces_around },
    { "template: placeholders may repeat", t_tpl_repeated },
    { "template: the article's escaped title wins over the fallback",
      t_tpl_article_title },
    { "template: without a heading the fallback title is used, escaped",
      t_tpl_fallback_escaped },
    { "template: an empty article gives an empty content and the fallback"
      " title", t_tpl_empty_article },
    { "template: the template keeps its own copy of the text",
      t_tpl_own_copy },
    { "template: an unknown placeholder is an error naming it and its line",
      t_tpl_unknown },
    { "template: an unknown placeholder on the first line is on line 1",
      t_tpl_unknown_first_line },
    { "template: error lines count past literal {{ and CRLF line ends",
      t_tpl_unknown_line_count },
    { "template: names are case-sensitive and checked before {{content}}",
      t_tpl_unknown_before_content },
    { "template: a long unknown name is cut short in a terminated message",
      t_tpl_unknown_long_name },
    { "template: a template without {{content}} is an error",
      t_tpl_no_content },
    { "template: an empty template is an error", t_tpl_empty }
};


int
main(void)
{
    size_t  i, ntests, ncases, naccept;

    ntests = sizeof(ar_tests) / sizeof(ar_tests[0]);
    ncases = sizeof(ar_render_cases) / sizeof(ar_render_cases[0]);
    naccept = sizeof(ar_accept_cases) / sizeof(ar_accept_cases[0]);

    ar_tap_plan(ntests + ncases + naccept);

    if (ar_render_init() != AR_OK) {
        printf("Bail out! ar_render_init() failed\n");
        return 1;
    }

    ar_tap_run(ar_tests, ntests);

    for (i = 0; i < ncases; i++) {
        ar_tap_result(ar_render_cases[i].name,
                      ar_run_render_case(&ar_render_cases[i]));
    }

    for (i = 0; i < naccept; i++) {
        ar_tap_result(ar_accept_cases[i].name,
                      ar_run_accept_case(&ar_accept_cases[i]));
    }

    return ar_tap_done();
}
