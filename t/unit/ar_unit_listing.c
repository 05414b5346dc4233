/*
 * Unit tests of article listings (ar_listing, ar_listing_store): what an
 * article contributes (title, dates, description, draft), the index,
 * feed and sitemap of directory trees made afresh in a temporary
 * directory, their escaping and limits, the store that spares reading
 * unchanged articles again, the budgets, and the {{articles}}
 * placeholder.  TAP on stdout, run by t/unit.t.
 */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ar_buf.h"
#include "ar_check.h"
#include "ar_listing.h"
#include "ar_listing_store.h"


/* 2024-01-15T00:00:00Z */
#define AR_T0  1705276800


static char            ar_root[256];
static unsigned        ar_dirs;
static const ar_str_t  ar_suffixes[] = { { ".md", 3 }, { ".markdown", 9 } };


/* a fresh directory below the root, for one test */

static const char *
ar_dir(void)
{
    static char  path[512];

    snprintf(path, sizeof(path), "%s/t%u", ar_root, ar_dirs++);

    if (mkdir(path, 0755) == -1) {
        return NULL;
    }

    return path;
}


/* writes a file below dir, its mtime set when not 0 */

static int
ar_put(const char *dir, const char *name, const char *text, time_t mtime)
{
    FILE            *f;
    char             path[1024];
    struct timespec  ts[2];

    snprintf(path, sizeof(path), "%s/%s", dir, name);

    f = fopen(path, "w");
    if (f == NULL) {
        ar_diag_str("cannot write ");
        ar_diag_str(path);
        return 0;
    }

    fputs(text, f);
    fclose(f);

    if (mtime) {
        ts[0].tv_sec = mtime;
        ts[0].tv_nsec = 0;
        ts[1] = ts[0];

        if (utimensat(AT_FDCWD, path, ts, 0) == -1) {
            return 0;
        }
    }

    return 1;
}


static int
ar_sub(const char *dir, const char *name)
{
    char  path[1024];

    snprintf(path, sizeof(path), "%s/%s", dir, name);

    return mkdir(path, 0755) == 0;
}


static int
ar_build_reuse(const char *dir, unsigned kind, const char *base,
    unsigned reuse, ar_listing_t *out)
{
    ar_listing_conf_t  conf;

    memset(&conf, 0, sizeof(ar_listing_conf_t));

    conf.kind = kind;
    conf.dir = dir;
    conf.dir_len = strlen(dir);
    conf.base.data = base;
    conf.base.len = strlen(base);
    conf.suffixes = ar_suffixes;
    conf.nsuffixes = 2;
    conf.reuse = reuse;

    return ar_listing_build(&conf, NULL, out);
}


static int
ar_build(const char *dir, unsigned kind, const ar_limits_t *limits,
    ar_listing_t *out)
{
    ar_listing_conf_t  conf;

    memset(&conf, 0, sizeof(ar_listing_conf_t));

    conf.kind = kind;
    conf.dir = dir;
    conf.dir_len = strlen(dir);

    /* an index links relatively */

    if (kind != AR_LISTING_INDEX) {
        conf.base.data = "https://example.com/blog/";
        conf.base.len = strlen(conf.base.data);
    }

    conf.self.data = "https://example.com/blog/feed.atom";
    conf.self.len = strlen(conf.self.data);
    conf.author.data = "example.com";
    conf.author.len = strlen(conf.author.data);
    conf.suffixes = ar_suffixes;
    conf.nsuffixes = 2;

    return ar_listing_build(&conf, limits, out);
}


/* how many times s is in the buffer */

static size_t
ar_count(const ar_buf_t *b, const char *s)
{
    size_t       n;
    const char  *p, *end;

    n = 0;
    p = b->data;
    end = b->data + b->len;

    while (p != NULL && p < end) {
        p = ar_find(p, end - p, s, strlen(s));

        if (p != NULL) {
            n++;
            p++;
        }
    }

    return n;
}


/* where s is in the buffer, or -1 */

static long
ar_at(const ar_buf_t *b, const char *s)
{
    const char  *p;

    p = ar_find(b->data, b->len, s, strlen(s));

    return p ? p - b->data : -1;
}


static int
ar_before(const ar_buf_t *b, const char *s1, const char *s2)
{
    long  a1, a2;

    a1 = ar_at(b, s1);
    a2 = ar_at(b, s2);

    if (a1 >= 0 && a2 >= 0 && a1 < a2) {
        return 1;
    }

    ar_diag_str(s1);
    ar_diag_str(" before ");
    ar_diag_str(s2);
    ar_diag_str(" in ");

    return ar_fail(b->data, b->len, "that order", "", 0);
}


static int
ar_test_dates(void)
{
    int       ok;
    int64_t   t;
    unsigned  timed;

    ok = 1;

    ok = ok && ar_int_is("date", ar_listing_date(AR_S("2024-01-15"), &t,
                                                 &timed), AR_OK)
         && ar_int_is("date", t, AR_T0) && ar_int_is("timed", timed, 0);

    ok = ok && ar_int_is("rfc3339", ar_listing_date(
                             AR_S("2024-01-15T10:00:00+02:00"), &t, &timed),
                         AR_OK)
         && ar_int_is("rfc3339", t, AR_T0 + 8 * 3600)
         && ar_int_is("timed", timed, 1);

    ok = ok && ar_int_is("Z", ar_listing_date(
                             AR_S("2024-01-15t10:00:00.25Z"), &t, &timed),
                         AR_OK)
         && ar_int_is("Z", t, AR_T0 + 10 * 3600);

    ok = ok && ar_int_is("yaml", ar_listing_date(
                             AR_S("2024-01-15 10:30:00"), &t, &timed),
                         AR_OK)
         && ar_int_is("yaml", t, AR_T0 + 10 * 3600 + 30 * 60);

    ok = ok && ar_int_is("yaml zone", ar_listing_date(
                             AR_S("2024-01-15 10:30 -05:30"), &t, &timed),
                         AR_OK)
         && ar_int_is("yaml zone", t, AR_T0 + 16 * 3600);

    ok = ok && ar_int_is("leap day", ar_listing_date(AR_S("2024-02-29"),
                                                     &t, &timed), AR_OK)
         && ar_int_is("leap day", t, AR_T0 + 45 * 86400);

    ok = ok && ar_int_is("no leap day", ar_listing_date(AR_S("2023-02-29"),
                                                        &t, &timed),
                         AR_ERROR)
         && ar_int_is("text", ar_listing_date(AR_S("yesterday"), &t,
                                              &timed), AR_ERROR)
         && ar_int_is("month 13", ar_listing_date(AR_S("2024-13-01"),
                                                  &t, &timed), AR_ERROR)
         && ar_int_is("trailing", ar_listing_date(AR_S("2024-01-15 x"),
                                                  &t, &timed), AR_ERROR);

    return ok;
}


/* title, dates and description, each from each of its sources */

static int
ar_test_sources(void)
{
    int            ok;
    const char    *dir;
    ar_listing_t   out;

    dir = ar_dir();

    ok = dir != NULL
         && ar_put(dir, "fm.md",
                   "---\ntitle: \"Front <Matter>\"\ndate: 2024-01-15\n"
                   "updated: 2024-02-01T12:00:00Z\n"
                   "description: Said & done\nauthor: Ann\n---\n"
                   "# Heading\n\nFirst paragraph.\n", AR_T0 + 99)
         && ar_put(dir, "heading.md",
                   "---\ndate: 2024-01-14T10:00:00+02:00\n---\n"
                   "Some *text* `here`\nand there.\n\n"
                   "## The `Heading` ![alt](x.png)\n", 0)
         && ar_put(dir, "name only.markdown", "> quoted\n\n    code\n",
                   AR_T0 - 86400 * 2 + 3600);

    ok = ok && ar_int_is("build", ar_build(dir, AR_LISTING_FEED, NULL, &out),
                         AR_OK);

    if (!ok) {
        return 0;
    }

    ok = ar_has(&out.body, "<entry>\n<id>https://example.com/blog/fm.md</id>\n"
                           "<title>Front &lt;Matter&gt;</title>\n"
                           "<link href=\"https://example.com/blog/fm.md\"/>\n"
                           "<updated>2024-02-01T12:00:00Z</updated>\n"
                           "<published>2024-01-15T00:00:00Z</published>\n"
                           "<author><name>Ann</name></author>\n"
                           "<summary>Said &amp; done</summary>\n"
                           "</entry>\n")
         && ar_has(&out.body, "<title>The Heading alt</title>\n"
                              "<link href=\"https://example.com/blog/"
                              "heading.md\"/>\n"
                              "<updated>2024-01-14T08:00:00Z</updated>\n"
                              "<published>2024-01-14T08:00:00Z</published>\n"
                              "<summary>Some text here and there.</summary>\n")
         && ar_has(&out.body, "<title>name only</title>\n"
                              "<link href=\"https://example.com/blog/"
                              "name%20only.markdown\"/>\n"
                              "<updated>2024-01-13T01:00:00Z</updated>\n"
                              "</entry>\n")
         && ar_lacks(&out.body, "<summary>quoted")
         && ar_int_is("newest", out.newest, AR_T0 + 17 * 86400 + 12 * 3600)
         && ar_int_is("listed", out.listed, 3)
         && ar_before(&out.body, "fm.md", "heading.md")
         && ar_before(&out.body, "heading.md", "name%20only");

    ar_listing_free(&out);

    ok = ok && ar_int_is("index", ar_build(dir, AR_LISTING_INDEX, NULL, &out),
                         AR_OK);

    ok = ok
         && ar_has(&out.body, "<ul class=\"articles\">\n"
                              "<li><a href=\"fm.md\">Front &lt;Matter&gt;</a>"
                              " <time datetime=\"2024-01-15\">2024-01-15"
                              "</time><p>Said &amp; done</p></li>\n")
         && ar_has(&out.body, "<li><a href=\"heading.md\">The Heading alt</a>"
                              " <time datetime=\"2024-01-14T08:00:00Z\">"
                              "2024-01-14</time><p>Some text here and there."
                              "</p></li>\n")
         && ar_has(&out.body, "<li><a href=\"name%20only.markdown\">name only"
                              "</a> <time datetime=\"2024-01-13T01:00:00Z\">"
                              "2024-01-13</time></li>\n</ul>\n");

    ar_listing_free(&out);

    return ok;
}


/* a long first paragraph: cut at a word, never inside a character */

static int
ar_test_description_cut(void)
{
    int            ok;
    char           text[2048];
    size_t         i, n;
    const char    *dir, *p, *e;
    ar_listing_t   out;

    dir = ar_dir();

    /* "é" is two bytes: 30 words of 7 characters, 14 bytes */

    n = 0;

    for (i = 0; i < 30; i++) {
        n += snprintf(text + n, sizeof(text) - n, "%sééééééé",
                      i ? " " : "");
    }

    snprintf(text + n, sizeof(text) - n, "\n");

    ok = dir != NULL && ar_put(dir, "long.md", text, 0)
         && ar_put(dir, "word.md", "---\ndescription: "
                   "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                   "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                   "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                   "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                   "yyyyy\n---\n", AR_T0)
         && ar_int_is("build", ar_build(dir, AR_LISTING_INDEX, NULL, &out),
                      AR_OK);

    if (!ok) {
        return 0;
    }

    /* 25 words and 24 spaces are 199 characters: the 26th is past 200 */

    p = ar_find(out.body.data, out.body.len, AR_S("<p>é"));
    e = p ? ar_find(p, out.body.data + out.body.len - p, AR_S("</p>")) : NULL;

    ok = ar_int_is("found", p != NULL && e != NULL, 1);

    if (ok) {
        p += 3;
        ok = ar_int_is("bytes", e - p, 25 * 14 + 24 + 3)
             && ar_is(e - 3, 3, AR_S("\xE2\x80\xA6"))
             && ar_is(e - 5, 2, AR_S("é"));
    }

    /* no blank: cut at 200 characters */

    ok = ok && ar_has(&out.body, "xxxxxxxxxx\xE2\x80\xA6</p>")
         && ar_lacks(&out.body, "y");

    ar_listing_free(&out);

    return ok;
}


static int
ar_test_drafts(void)
{
    int            ok;
    unsigned       kind;
    const char    *dir;
    ar_listing_t   out;

    dir = ar_dir();

    ok = dir != NULL
         && ar_put(dir, "d1.md", "---\ndraft: true\n---\n# Draft one\n", 0)
         && ar_put(dir, "d2.md", "---\ndraft: Yes\n---\n# Draft two\n", 0)
         && ar_put(dir, "d3.md", "---\ndraft: ON\n---\n# Draft three\n", 0)
         && ar_put(dir, "p1.md", "---\ndraft: false\n---\n# Public\n", 0)
         && ar_put(dir, "p2.md", "---\ndraft: maybe\n---\n# Maybe\n", 0);

    for (kind = AR_LISTING_INDEX; ok && kind <= AR_LISTING_SITEMAP; kind++) {
        ok = ar_int_is("build", ar_build(dir, kind, NULL, &out), AR_OK)
             && ar_lacks(&out.body, "d1.md") && ar_lacks(&out.body, "d2.md")
             && ar_lacks(&out.body, "d3.md") && ar_has(&out.body, "p1.md")
             && ar_has(&out.body, "p2.md")
             && ar_int_is("listed", out.listed, 2);

        ar_listing_free(&out);
    }

    return ok;
}


/* one date: by title, then by file name, bytewise */

static int
ar_test_ties(void)
{
    int            ok;
    const char    *dir;
    ar_listing_t   out;

    dir = ar_dir();

    ok = dir != NULL
         && ar_put(dir, "c.md", "---\ndate: 2024-01-15\n---\n# Same\n", 0)
         && ar_put(dir, "a.md", "---\ndate: 2024-01-15\n---\n# Same\n", 0)
         && ar_put(dir, "b.md", "---\ndate: 2024-01-15\n---\n# Apple\n", 0)
         && ar_put(dir, "z.md", "---\ndate: 2024-01-15\n---\n# Zebra\n", 0)
         && ar_put(dir, "e.md", "---\ndate: 2024-01-15\n---\n# apple\n", 0)
         && ar_put(dir, "new.md", "---\ndate: 2024-01-16\n---\n# Zzz\n", 0)
         && ar_int_is("build", ar_build(dir, AR_LISTING_INDEX, NULL, &out),
                      AR_OK);

    if (!ok) {
        return 0;
    }

    ok = ar_before(&out.body, "\"new.md\"", "\"b.md\"")
         && ar_before(&out.body, "\"b.md\"", "\"a.md\"")
         && ar_before(&out.body, "\"a.md\"", "\"c.md\"")
         && ar_before(&out.body, "\"c.md\"", "\"z.md\"")
         && ar_before(&out.body, "\"z.md\"", "\"e.md\"");

    ar_listing_free(&out);

    return ok;
}


static int
ar_test_subdirectories(void)
{
    int            ok;
    const char    *dir;
    ar_listing_t   out;

    dir = ar_dir();

    ok = dir != NULL
         && ar_put(dir, "post.md", "# Post\n", 0)
         && ar_sub(dir, "b-titled")
         && ar_put(dir, "b-titled/index.md", "---\ntitle: B & Co\n---\n", 0)
         && ar_sub(dir, "a-plain")
         && ar_put(dir, "a-plain/x.md", "# X\n", 0)
         && ar_sub(dir, "c-drafts")
         && ar_put(dir, "c-drafts/x.md", "---\ndraft: true\n---\n", 0)
         && ar_sub(dir, "d-empty")
         && ar_sub(dir, "e-other")
         && ar_put(dir, "e-other/x.txt", "not an article\n", 0)
         && ar_sub(dir, ".hidden")
         && ar_put(dir, ".hidden/x.md", "# Hidden\n", 0)
         && ar_sub(dir, "f-index-draft")
         && ar_put(dir, "f-index-draft/index.md",
                   "---\ndraft: true\n---\n# F title\n", 0)
         && ar_put(dir, "f-index-draft/y.md", "# Y\n", 0)
         && ar_sub(dir, "g:colon")
         && ar_put(dir, "g:colon/z.md", "# Z\n", 0)
         && ar_int_is("build", ar_build(dir, AR_LISTING_INDEX, NULL, &out),
                      AR_OK);

    if (!ok) {
        return 0;
    }

    ok = ar_has(&out.body, "<ul class=\"directories\">\n"
                           "<li><a href=\"a-plain/\">a-plain</a></li>\n"
                           "<li><a href=\"b-titled/\">B &amp; Co</a></li>\n"
                           "<li><a href=\"f-index-draft/\">F title</a></li>\n"
                           "<li><a href=\"./g:colon/\">g:colon</a></li>\n"
                           "</ul>\n")
         && ar_before(&out.body, "class=\"articles\"",
                      "class=\"directories\"")
         && ar_lacks(&out.body, "c-drafts") && ar_lacks(&out.body, "d-empty")
         && ar_lacks(&out.body, "e-other") && ar_lacks(&out.body, "hidden")
         && ar_int_is("listed", out.listed, 1);

    ar_listing_free(&out);

    return ok;
}


/* index.md is the directory's page: its title, not one of its entries */

static int
ar_test_index_article(void)
{
    int            ok;
    unsigned       kind;
    const char    *dir;
    ar_listing_t   out;

    dir = ar_dir();

    ok = dir != NULL
         && ar_put(dir, "index.md", "# My \\<Blog\\>\n\n{{articles}}\n", 0)
         && ar_put(dir, "one.md", "# One\n", 0);

    for (kind = AR_LISTING_INDEX; ok && kind <= AR_LISTING_FEED; kind++) {
        ok = ar_int_is("build", ar_build(dir, kind, NULL, &out), AR_OK)
             && ar_buf_is(&out.title, "My &lt;Blog&gt;")
             && ar_lacks(&out.body, "index.md")
             && ar_int_is("listed", out.listed, 1);

        if (ok && kind == AR_LISTING_FEED) {
            ok = ar_has(&out.body, "<title>My &lt;Blog&gt;</title>\n");
        }

        ar_listing_free(&out);
    }

    /* the sitemap has every article */

    ok = ok && ar_int_is("build", ar_build(dir, AR_LISTING_SITEMAP, NULL,
                                           &out), AR_OK)
         && ar_has(&out.body, "<loc>https://example.com/blog/index.md</loc>")
         && ar_int_is("listed", out.listed, 2);

    ar_listing_free(&out);

    /* without one, or one with no title, the directory's name */

    dir = ar_dir();

    ok = ok && dir != NULL
         && ar_put(dir, "index.md", "text only\n", 0)
         && ar_int_is("build", ar_build(dir, AR_LISTING_INDEX, NULL, &out),
                      AR_OK)
         && ar_is(out.title.data, out.title.len, dir + strlen(ar_root) + 1,
                  strlen(dir + strlen(ar_root) + 1));

    ar_listing_free(&out);

    return ok;
}


static int
ar_test_empty(void)
{
    int            ok;
    const char    *dir;
    ar_listing_t   out;

    dir = ar_dir();

    ok = dir != NULL
         && ar_put(dir, "notes.txt", "not an article\n", 0)
         && ar_put(dir, ".md", "no name\n", 0)
         && ar_put(dir, ".hidden.md", "# Hidden\n", 0)
         && ar_sub(dir, "dir.md")
         && ar_int_is("index", ar_build(dir, AR_LISTING_INDEX, NULL, &out),
                      AR_OK)
         && ar_buf_is(&out.body, "<p class=\"articles-empty\">"
                                 "No articles yet.</p>\n")
         && ar_int_is("newest", out.newest, 0)
         && ar_int_is("listed", out.listed, 0);

    ar_listing_free(&out);

    ok = ok && ar_int_is("feed", ar_build(dir, AR_LISTING_FEED, NULL, &out),
                         AR_OK)
         && ar_has(&out.body, "<updated>")
         && ar_lacks(&out.body, "<entry>")
         && ar_has(&out.body, "</feed>\n");

    ar_listing_free(&out);

    ok = ok && ar_int_is("sitemap", ar_build(dir, AR_LISTING_SITEMAP, NULL,
                                             &out), AR_OK)
         && ar_buf_is(&out.body, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                                 "<urlset xmlns=\"http://www.sitemaps.org/"
                                 "schemas/sitemap/0.9\">\n</urlset>\n");

    ar_listing_free(&out);

    return ok;
}


static int
ar_test_escaping(void)
{
    int            ok;
    unsigned       kind;
    const char    *dir;
    ar_listing_t   out;

    dir = ar_dir();

    ok = dir != NULL
         && ar_put(dir, "a & b <c> \"d\" 'e' \xC3\xA9.md", "text\n", AR_T0)
         && ar_put(dir, "bad \xFF.md", "# T\x01itle \xFE\n", AR_T0 - 1)
         && ar_put(dir, "x:y.md", "---\ntitle: \"'q' & \\\"r\\\"\"\n---\n",
                   AR_T0 - 2);

    for (kind = AR_LISTING_INDEX; ok && kind <= AR_LISTING_SITEMAP; kind++) {
        ok = ar_int_is("build", ar_build(dir, kind, NULL, &out), AR_OK)
             && ar_has(&out.body, "a%20%26%20b%20%3Cc%3E%20%22d%22%20%27e%27"
                                  "%20%C3%A9.md")
             && ar_has(&out.body, "bad%20%FF.md")
             && ar_lacks(&out.body, "\xFF") && ar_lacks(&out.body, "\xFE")
             && ar_lacks(&out.body, "\x01")
             && ar_has(&out.body, "x:y.md");

        if (ok && kind != AR_LISTING_SITEMAP) {
            ok = ar_has(&out.body, ">a &amp; b &lt;c&gt; &quot;d&quot; "
                                   "&#39;e&#39; \xC3\xA9<")
                 && ar_has(&out.body, ">T\xEF\xBF\xBDitle \xEF\xBF\xBD<")
                 && ar_has(&out.body, ">&#39;q&#39; &amp; &quot;r&quot;<");
        }

        if (ok && kind == AR_LISTING_INDEX) {
            ok = ar_has(&out.body, "href=\"./x:y.md\"");
        }

        ar_listing_free(&out);
    }

    return ok;
}


/* the newest AR_LISTING_INDEX_MAX, and how many more */

static int
ar_test_limits(void)
{
    int            ok;
    char           name[64];
    size_t         i;
    const char    *dir;
    ar_listing_t   out;

    dir = ar_dir();
    ok = (dir != NULL);

    for (i = 0; ok && i < AR_LISTING_INDEX_MAX + 3; i++) {
        snprintf(name, sizeof(name), "a%04lu.md", (unsigned long) i);
        ok = ar_put(dir, name, "# A\n", AR_T0 + i);
    }

    ok = ok && ar_int_is("build", ar_build(dir, AR_LISTING_INDEX, NULL, &out),
                         AR_OK)
         && ar_int_is("listed", out.listed, AR_LISTING_INDEX_MAX)
         && ar_int_is("more", out.more, 3)
         && ar_int_is("items", ar_count(&out.body, "<li>"),
                      AR_LISTING_INDEX_MAX)
         && ar_has(&out.body, "<p class=\"articles-more\">3 more articles "
                              "are not listed.</p>\n")
         && ar_lacks(&out.body, "\"a0002.md\"")
         && ar_has(&out.body, "\"a0003.md\"")
         && ar_int_is("newest", out.newest, AR_T0 + AR_LISTING_INDEX_MAX + 2);

    ar_listing_free(&out);

    ok = ok && ar_int_is("feed", ar_build(dir, AR_LISTING_FEED, NULL, &out),
                         AR_OK)
         && ar_int_is("listed", out.listed, AR_LISTING_FEED_MAX)
         && ar_int_is("entries", ar_count(&out.body, "<entry>"),
                      AR_LISTING_FEED_MAX)
         && ar_has(&out.body, "a1002.md")
         && ar_lacks(&out.body, "a0952.md");

    ar_listing_free(&out);

    return ok;
}


static int
ar_test_sitemap(void)
{
    int            ok;
    char           path[2048];
    size_t         i, n;
    const char    *dir;
    ar_listing_t   out;

    dir = ar_dir();

    ok = dir != NULL
         && ar_put(dir, "top.md", "---\ndate: 2024-01-15\n---\n", 0)
         && ar_sub(dir, "a b")
         && ar_put(dir, "a b/index.md",
                   "---\ndate: 2024-01-15\nupdated: 2024-01-20T10:00:00Z\n"
                   "---\n", 0)
         && ar_sub(dir, "a b/c")
         && ar_put(dir, "a b/c/deep.md", "# Deep\n", AR_T0 + 60)
         && ar_put(dir, "a b/c/draft.md", "---\ndraft: true\n---\n", 0)
         && ar_sub(dir, ".git")
         && ar_put(dir, ".git/x.md", "# X\n", 0)
         && ar_sub(dir, "outside")
         && ar_put(dir, "outside/o.md", "# O\n", 0);

    snprintf(path, 1024, "%s/outside", dir);
    snprintf(path + 1024, 1024, "%s/linked", dir);
    ok = ok && symlink(path, path + 1024) == 0;

    /* directories nested one deeper than a sitemap goes */

    n = snprintf(path, sizeof(path), "%s", dir);

    for (i = 1; ok && i <= AR_LISTING_DEPTH_MAX + 1; i++) {
        n += snprintf(path + n, sizeof(path) - n, "/d");
        ok = (mkdir(path, 0755) == 0)
             && ar_put(path, i == AR_LISTING_DEPTH_MAX ? "last.md"
                             : i > AR_LISTING_DEPTH_MAX ? "past.md" : "x.md",
                       "# x\n", 0);
    }

    ok = ok && ar_int_is("build", ar_build(dir, AR_LISTING_SITEMAP, NULL,
                                           &out), AR_OK);

    if (!ok) {
        return 0;
    }

    ok = ar_starts(&out.body, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                              "<urlset xmlns=\"http://www.sitemaps.org/"
                              "schemas/sitemap/0.9\">\n"
                              "<url><loc>https://example.com/blog/a%20b/c/"
                              "deep.md</loc><lastmod>2024-01-15T00:01:00Z"
                              "</lastmod></url>\n"
                              "<url><loc>https://example.com/blog/a%20b/"
                              "index.md</loc><lastmod>2024-01-20T10:00:00Z"
                              "</lastmod></url>\n")
         && ar_has(&out.body, "<url><loc>https://example.com/blog/top.md</loc>"
                              "<lastmod>2024-01-15</lastmod></url>\n"
                              "</urlset>\n")
         && ar_has(&out.body, "/outside/o.md")
         && ar_lacks(&out.body, "linked") && ar_lacks(&out.body, ".git")
         && ar_lacks(&out.body, "draft.md")
         && ar_has(&out.body, "/last.md") && ar_lacks(&out.body, "past.md")
         && ar_int_is("listed", out.listed, 4 + AR_LISTING_DEPTH_MAX);

    ar_listing_free(&out);

    return ok;
}


/* a listing built again reads only the articles that changed */

static int
ar_test_store(void)
{
    int            ok;
    char           from[1024], to[1024];
    size_t         reads;
    const char    *dir;
    ar_listing_t   out;

    ar_listing_store_reset(0);

    dir = ar_dir();

    ok = dir != NULL
         && ar_put(dir, "a.md", "# A\n", AR_T0)
         && ar_put(dir, "b.md", "# B\n", AR_T0)
         && ar_put(dir, "c.md", "# C\n", AR_T0);

    reads = ar_listing_store_reads();

    ok = ok && ar_int_is("build", ar_build(dir, AR_LISTING_INDEX, NULL, &out),
                         AR_OK)
         && ar_int_is("first reads", ar_listing_store_reads() - reads, 3);

    ar_listing_free(&out);

    reads = ar_listing_store_reads();

    ok = ok && ar_int_is("build", ar_build(dir, AR_LISTING_FEED, NULL, &out),
                         AR_OK)
         && ar_int_is("reads again", ar_listing_store_reads() - reads, 0)
         && ar_has(&out.body, "<title>B</title>");

    ar_listing_free(&out);

    /* the same size and second: the nanoseconds tell */

    reads = ar_listing_store_reads();

    ok = ok && ar_put(dir, "b.md", "# D\n", 0)
         && ar_int_is("build", ar_build(dir, AR_LISTING_FEED, NULL, &out),
                      AR_OK)
         && ar_int_is("reads of one edit", ar_listing_store_reads() - reads, 1)
         && ar_has(&out.body, "<title>D</title>")
         && ar_lacks(&out.body, "<title>B</title>");

    ar_listing_free(&out);

    reads = ar_listing_store_reads();

    snprintf(from, sizeof(from), "%s/a.md", dir);
    snprintf(to, sizeof(to), "%s/e.md", dir);

    ok = ok && rename(from, to) == 0
         && ar_int_is("build", ar_build(dir, AR_LISTING_INDEX, NULL, &out),
                      AR_OK)
         && ar_int_is("reads of a rename", ar_listing_store_reads() - reads,
                      1)
         && ar_has(&out.body, "\"e.md\"") && ar_lacks(&out.body, "\"a.md\"");

    ar_listing_free(&out);

    /* bounded, least recently used out */

    ar_listing_store_reset(2);

    ok = ok && ar_int_is("build", ar_build(dir, AR_LISTING_INDEX, NULL, &out),
                         AR_OK)
         && ar_int_is("size", ar_listing_store_size(), 2);

    ar_listing_free(&out);

    ar_listing_store_reset(0);

    return ok;
}


/* threads building listings at once, over a store too small for them */

#define AR_THREADS  4

typedef struct {
    const char    *dir;
    int            rc;
    size_t         len;
} ar_job_t;


static void *
ar_job(void *data)
{
    int            i;
    ar_job_t      *job;
    ar_listing_t   out;

    job = data;

    for (i = 0; i < 20 && job->rc == AR_OK; i++) {
        job->rc = ar_build(job->dir, i % 3, NULL, &out);

        if (i % 3 == AR_LISTING_INDEX && job->rc == AR_OK) {
            job->len = out.body.len;
        }

        ar_listing_free(&out);
    }

    return NULL;
}


/*
 * A scan taken again while the directory is as it was and the scan
 * young enough; never where reuse is 0; each kind its own.
 */

static int
ar_test_scans(void)
{
    int              ok;
    size_t           scans;
    const char      *dir;
    ar_listing_t     out;
    struct timespec  ts[2];

    ar_listing_store_reset(0);

    dir = ar_dir();

    ok = dir != NULL
         && ar_put(dir, "a.md", "# A\n", AR_T0)
         && ar_put(dir, "b.md", "# B\n", AR_T0);

    scans = ar_listing_store_scans();

    ok = ok && ar_int_is("build", ar_build_reuse(dir, AR_LISTING_FEED,
                                                 "http://a.example/",
                                                 60000, &out), AR_OK)
         && ar_int_is("first scan", ar_listing_store_scans() - scans, 1);

    ar_listing_free(&out);

    ok = ok && ar_int_is("build", ar_build_reuse(dir, AR_LISTING_FEED,
                                                 "http://b.example/",
                                                 60000, &out), AR_OK)
         && ar_int_is("taken again", ar_listing_store_scans() - scans, 1)
         && ar_has(&out.body, "<link href=\"http://b.example/a.md\"/>")
         && ar_lacks(&out.body, "a.example")
         && ar_has(&out.body, "<title>B</title>");

    ar_listing_free(&out);

    ok = ok && ar_int_is("build", ar_build_reuse(dir, AR_LISTING_FEED,
                                                 "http://c.example/",
                                                 0, &out), AR_OK)
         && ar_int_is("reuse 0: scanned", ar_listing_store_scans() - scans,
                      2);

    ar_listing_free(&out);

    ok = ok && ar_int_is("build", ar_build_reuse(dir, AR_LISTING_INDEX, "",
                                                 60000, &out), AR_OK)
         && ar_int_is("another kind: scanned",
                      ar_listing_store_scans() - scans, 3);

    ar_listing_free(&out);

    /*
     * An article added changes the directory: scanned.  Its time is set,
     * as two changes within a tick of the kernel's clock look like one.
     */

    ts[0].tv_sec = AR_T0 + 100;
    ts[0].tv_nsec = 0;
    ts[1] = ts[0];

    ok = ok && ar_put(dir, "c.md", "# C\n", 0)
         && utimensat(AT_FDCWD, dir, ts, 0) == 0
         && ar_int_is("build", ar_build_reuse(dir, AR_LISTING_FEED,
                                              "http://a.example/", 60000,
                                              &out), AR_OK)
         && ar_int_is("changed: scanned", ar_listing_store_scans() - scans,
                      4)
         && ar_has(&out.body, "<title>C</title>");

    ar_listing_free(&out);

    return ok;
}


/* an index links relatively, or below the base it is given */

static int
ar_test_index_base(void)
{
    int            ok;
    const char    *dir;
    ar_listing_t   out;

    dir = ar_dir();

    ok = dir != NULL
         && ar_put(dir, "a b.md", "# A\n", AR_T0)
         && ar_put(dir, "x:y.md", "# X\n", AR_T0)
         && ar_sub(dir, "sub")
         && ar_put(dir, "sub/s.md", "# S\n", AR_T0);

    ok = ok && ar_int_is("build", ar_build_reuse(dir, AR_LISTING_INDEX, "",
                                                 0, &out), AR_OK)
         && ar_has(&out.body, "href=\"a%20b.md\"")
         && ar_has(&out.body, "href=\"./x:y.md\"")
         && ar_has(&out.body, "href=\"sub/\"");

    ar_listing_free(&out);

    ok = ok && ar_int_is("build", ar_build_reuse(dir, AR_LISTING_INDEX,
                                                 "/my%20blog/", 0, &out),
                         AR_OK)
         && ar_has(&out.body, "href=\"/my%20blog/a%20b.md\"")
         && ar_has(&out.body, "href=\"/my%20blog/x:y.md\"")
         && ar_has(&out.body, "href=\"/my%20blog/sub/\"");

    ar_listing_free(&out);

    return ok;
}


static int
ar_test_threads(void)
{
    int            ok;
    char           name[64];
    size_t         i;
    pthread_t      tid[AR_THREADS];
    const char    *dir;
    ar_job_t       jobs[AR_THREADS];
    ar_listing_t   out;

    dir = ar_dir();
    ok = (dir != NULL);

    for (i = 0; ok && i < 100; i++) {
        snprintf(name, sizeof(name), "t%03lu.md", (unsigned long) i);
        ok = ar_put(dir, name, "---\ndescription: d\n---\n# T\n", AR_T0 + i);
    }

    ar_listing_store_reset(0);

    ok = ok && ar_int_is("alone", ar_build(dir, AR_LISTING_INDEX, NULL, &out),
                         AR_OK);

    ar_listing_store_reset(30);

    for (i = 0; ok && i < AR_THREADS; i++) {
        jobs[i].dir = dir;
        jobs[i].rc = AR_OK;
        jobs[i].len = 0;
        ok = (pthread_create(&tid[i], NULL, ar_job, &jobs[i]) == 0);
    }

    while (i-- > 0) {
        pthread_join(tid[i], NULL);
        ok = ok && ar_int_is("rc", jobs[i].rc, AR_OK)
             && ar_int_is("the same index", jobs[i].len, out.body.len);
    }

    ok = ok && ar_int_is("bounded", ar_listing_store_size(), 30);

    ar_listing_free(&out);
    ar_listing_store_reset(0);

    return ok;
}


static int
ar_test_budgets(void)
{
    int            ok;
    const char    *dir;
    ar_limits_t    limits;
    ar_listing_t   out;

    dir = ar_dir();

    ok = dir != NULL
         && ar_put(dir, "a.md", "# A\n", 0)
         && ar_put(dir, "b.md", "# B\n", 0)
         && ar_put(dir, "c.md", "# C\n", 0);

    /* a test build waits 20 ms first: the first file is past 10 ms */

    memset(&limits, 0, sizeof(ar_limits_t));
    limits.timeout_ms = 10;
    limits.test_delay_ms = 20;

    ok = ok && ar_int_is("time", ar_build(dir, AR_LISTING_INDEX, &limits,
                                          &out), AR_ETIME)
         && ar_int_is("freed", out.body.data == NULL, 1);

    memset(&limits, 0, sizeof(ar_limits_t));
    limits.max_memory = 64;

    ok = ok && ar_int_is("memory", ar_build(dir, AR_LISTING_INDEX, &limits,
                                            &out), AR_EMEMORY);

    limits.max_memory = 1024 * 1024;

    ok = ok && ar_int_is("within", ar_build(dir, AR_LISTING_INDEX, &limits,
                                            &out), AR_OK);

    ar_listing_free(&out);

    errno = 0;

    ok = ok && ar_int_is("missing", ar_build("/nonexistent/dir",
                                             AR_LISTING_INDEX, NULL, &out),
                         AR_ERROR)
         && ar_int_is("errno", errno, ENOENT);

    return ok;
}


static int
ar_test_splice(void)
{
    int        ok, found;
    ar_buf_t   html, list;

    memset(&html, 0, sizeof(ar_buf_t));
    memset(&list, 0, sizeof(ar_buf_t));

    ok = ar_buf_append(&list, AR_S("<ul class=\"articles\">\n</ul>\n"))
         == AR_OK
         && ar_buf_append(&html, AR_S("<h1>Blog</h1>\n<p>{{articles}}</p>\n"
                                      "<pre><code>{{articles}}\n</code>"
                                      "</pre>\n<p>x {{articles}}</p>\n"))
            == AR_OK
         && ar_int_is("splice", ar_listing_splice(&html, &list, &found), AR_OK)
         && ar_int_is("found", found, 1)
         && ar_buf_is(&html, "<h1>Blog</h1>\n<ul class=\"articles\">\n</ul>\n"
                             "<pre><code>{{articles}}\n</code></pre>\n"
                             "<p>x {{articles}}</p>\n");

    ok = ok && ar_int_is("splice", ar_listing_splice(&html, &list, &found),
                         AR_OK)
         && ar_int_is("not found", found, 0)
         && ar_has(&html, "<p>x {{articles}}</p>\n");

    ok = ok && ar_int_is("wanted", ar_listing_wanted(AR_S("a\n{{articles}}")),
                         1)
         && ar_int_is("not wanted", ar_listing_wanted(AR_S("{{article}}")), 0)
         && ar_int_is("empty", ar_listing_wanted("", 0), 0);

    ar_buf_free(&html);
    ar_buf_free(&list);

    return ok;
}


static const ar_test_t  ar_tests[] = {
    { "dates: YAML dates and RFC 3339 timestamps", ar_test_dates },
    { "title, dates and description from each source", ar_test_sources },
    { "description cut at a word near 200 characters",
      ar_test_description_cut },
    { "drafts are in no listing", ar_test_drafts },
    { "same date: by title, then file name", ar_test_ties },
    { "subdirectories with articles follow, titled", ar_test_subdirectories },
    { "index article titles the directory, not listed",
      ar_test_index_article },
    { "a directory without articles", ar_test_empty },
    { "names and titles escaped in all three", ar_test_escaping },
    { "index and feed limits, and how many more", ar_test_limits },
    { "sitemap: recursion, depth, no symlinked directory", ar_test_sitemap },
    { "store: only changed articles are read again", ar_test_store },
    { "store: threads at once, bounded", ar_test_threads },
    { "budgets: time, memory; unreadable directory", ar_test_budgets },
    { "splice of {{articles}} and the pre-check", ar_test_splice },
    { "a directory's scan taken again while it is as it was",
      ar_test_scans },
    { "an index links relatively, or below its base", ar_test_index_base },
};


int
main(void)
{
    int     rc;
    char    cmd[300];
    size_t  n;

    snprintf(ar_root, sizeof(ar_root), "%s/ar_listing.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");

    if (mkdtemp(ar_root) == NULL) {
        printf("Bail out! mkdtemp() failed\n");
        return 1;
    }

    n = sizeof(ar_tests) / sizeof(ar_tests[0]);

    ar_tap_plan(n);
    ar_tap_run(ar_tests, n);

    ar_listing_store_reset(0);

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", ar_root);
    rc = system(cmd);
    (void) rc;

    return ar_tap_done();
}
