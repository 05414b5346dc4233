/*
 * Unit tests of raw HTML that would take the Markdown after it: each
 * hostile or careless vector of the corpus below, in an HTML block, in
 * a paragraph, in a table cell and in a list item, followed by Markdown
 * that must be in the page and rendered, in "sanitize" and "escape";
 * the page must read in a browser as it is written (no block inside a
 * <p>).  Then <picture>, the one URL policy for Markdown and raw HTML,
 * ids and links to them, and what the title shows.  TAP on stdout, run
 * by t/unit.t.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>

#include "ar_buf.h"
#include "ar_check.h"
#include "ar_listing_store.h"
#include "ar_render.h"


#define AR_SANITIZE  0
#define AR_ESCAPE    1


/* an HTML block of it runs to the end of the article, shown as text */
#define AR_V_RUNS    1

/* an HTML block of it never ends: CommonMark's, hidden as GitHub does */
#define AR_V_ENDLESS 2

/*
 * AR_V_RUNS where the library follows CommonMark 0.30, which made
 * <textarea> open such a block as <script> does (cmark-gfm 0.29.0.gfm.13
 * of Debian 13 does, gfm.6 of Debian 12 does not)
 */
#define AR_V_RUNS_030  4


typedef struct {
    const char  *html;
    unsigned     flags;
} ar_vector_t;


/*
 * Written for this suite: each names a way an HTML parser keeps reading
 * a tag, a comment, raw text, foreign content or a select past the end
 * of the raw HTML it starts in.
 */

static const ar_vector_t  ar_vectors[] = {
    { "<style>", AR_V_RUNS },
    { "<textarea>", AR_V_RUNS_030 },
    { "<title>", 0 },
    { "<script>", AR_V_RUNS },
    { "<noscript>", 0 },
    { "<template>", 0 },
    { "<object>", 0 },
    { "<select>", 0 },
    { "<iframe src=\"https://x.org/\"/>", 0 },
    { "<xmp>", 0 },
    { "<plaintext>", 0 },
    { "<svg>", 0 },
    { "<math>", 0 },
    { "<noembed>", 0 },
    { "<noframes>", 0 },
    { "<iframe>", 0 },
    { "<script/x>", 0 },
    { "<SCRIPT type=\"text/javascript\">", AR_V_RUNS },
    { "<StYlE/>", 0 },
    { "<div title=\"", 0 },
    { "<div title='", 0 },
    { "<div><!-- never closed", 0 },
    { "<svg><foreignObject><div>", 0 },
    { "<math><mi><p>", 0 },
    { "<svg><desc><select>", 0 },
    { "<table><svg>", 0 },
    { "<select><option>", 0 },
    { "<object><p>", 0 },
    { "<div><svg><![CDATA[", 0 },
    { "<?php echo 1;", AR_V_ENDLESS },
    { "<!DOCTYPE html", AR_V_ENDLESS },
    { "<frameset>", 0 },
    { "<listing>", 0 },
    { "<p><button><div>", 0 },
    { "<marquee><div>", 0 },
    { "<svg><style>", 0 },
    { "<math><mtext><table><svg>", 0 },
    { "<template><div>", 0 },
    { "<applet>", 0 },
    { "<form><select>", 0 },
    { "<svg><title>", 0 },
    { "<svg><script>", 0 },
    { "<math><annotation-xml encoding=\"text/html\"><div>", 0 },
    { "<div><svg><p>", 0 },
    { "<div><math><em>", 0 },
    { "<div><table><tr><td><svg>", 0 },
    { "<img src=\"x.png\" alt=\"", 0 },
    { "<div><svg><a title=\"", 0 },
    { "<details><svg><desc><table><td><select>", 0 },
    { "<div>a <", 0 },
    { "<div>a </", 0 },
    { "<div>a <!", 0 }
};


static const char  *ar_placements[] = { "block", "inline", "cell", "list" };

static const char  ar_after[] =
    "\n\n## After\n\nRest *em* [link](https://x.org/)\n";

static const char  ar_after_html[] =
    "<p>Rest <em>em</em> <a href=\"https://x.org/\">link</a></p>";

static const char  ar_after_text[] = "Rest *em* [link](https://x.org/)";


static int ar_render_mode(unsigned mode, const char *md,
    ar_article_t *a);
static int ar_run_vector(const ar_vector_t *v);
static int ar_textarea_runs(void);
static int ar_run_placement(const ar_vector_t *v, size_t p,
    unsigned mode);
static int ar_well_formed(const ar_buf_t *html);
static int ar_run_case(unsigned mode, const char *md, const char *has,
    const char *lacks);


static int
ar_render_mode(unsigned mode, const char *md, ar_article_t *a)
{
    int               rc;
    ar_limits_t       none;
    ar_render_conf_t  conf;

    memset(&conf, 0, sizeof(ar_render_conf_t));
    memset(&none, 0, sizeof(ar_limits_t));

    conf.gfm = AR_GFM_ALL;
    conf.sanitize = (mode == AR_SANITIZE);

    rc = ar_render_article(&conf, &none, md, strlen(md), a);

    if (rc != AR_OK) {
        memset(a, 0, sizeof(ar_article_t));
        printf("# got: ar_render_article() returned %d\n", rc);
        return 0;
    }

    return 1;
}


static int
ar_run_vector(const ar_vector_t *v)
{
    size_t  p;

    for (p = 0; p < sizeof(ar_placements) / sizeof(ar_placements[0]); p++)
    {
        if (!ar_run_placement(v, p, AR_SANITIZE)
            || !ar_run_placement(v, p, AR_ESCAPE))
        {
            return 0;
        }
    }

    return 1;
}


/* whether the linked library's <textarea> block runs to the end */

static int
ar_textarea_runs(void)
{
    int          runs;
    cmark_node  *doc, *first;

    doc = cmark_parse_document("<textarea>\n\nx\n", 14,
                               CMARK_OPT_DEFAULT);
    first = cmark_node_first_child(doc);

    runs = first != NULL
           && cmark_node_get_type(first) == CMARK_NODE_HTML_BLOCK
           && cmark_node_next(first) == NULL;

    cmark_node_free(doc);

    return runs;
}


static int
ar_run_placement(const ar_vector_t *v, size_t p, unsigned mode)
{
    int           ok;
    char          md[512];
    const char   *fmt;
    ar_article_t  a;

    switch (p) {
    case 0:
        fmt = "%s%s";
        break;
    case 1:
        fmt = "Text %s more%s";
        break;
    case 2:
        fmt = "| h |\n|---|\n| %s |%s";
        break;
    default:
        fmt = "- %s%s";
        break;
    }

    snprintf(md, sizeof(md), fmt, v->html, ar_after);

    if (p == 0 && (v->flags & AR_V_ENDLESS)) {
        return 1;
    }

    if (!ar_render_mode(mode, md, &a)) {
        return 0;
    }

    if (p == 0
        && ((v->flags & AR_V_RUNS)
            || ((v->flags & AR_V_RUNS_030) && ar_textarea_runs())))
    {
        ok = ar_has(&a.html, ar_after_text);

    } else {
        ok = ar_has(&a.html, "<h2 id=\"after\">After" AR_ANCHOR("after")
                             "</h2>")
             && ar_has(&a.html, ar_after_html);
    }

    ok = ok && ar_well_formed(&a.html);

    if (!ok) {
        printf("# placement: %s, mode: %s\n", ar_placements[p],
               mode == AR_SANITIZE ? "sanitize" : "escape");
    }

    ar_article_free(&a);

    return ok;
}


/*
 * The page reads in a browser as written: no <p> is open at the start
 * tag of a block, which would close it there.
 */

static int
ar_well_formed(const ar_buf_t *html)
{
    size_t       i, k, n;
    unsigned     open;
    const char  *p;

    static const char  *blocks[] = {
        "p", "div", "ul", "ol", "li", "table", "h1", "h2", "h3", "h4", "h5",
        "h6", "pre", "blockquote", "dl", "dd", "dt", "hr", "details",
        "summary", "section", "figure", "figcaption", "nav"
    };

    p = html->data;
    open = 0;

    for (i = 0; i < html->len; i++) {
        if (p[i] != '<') {
            continue;
        }

        if (html->len - i >= 4 && memcmp(p + i, "</p>", 4) == 0) {
            open = 0;
            continue;
        }

        for (n = 0; i + 1 + n < html->len
                    && ((p[i + 1 + n] >= 'a' && p[i + 1 + n] <= 'z')
                        || (p[i + 1 + n] >= '0' && p[i + 1 + n] <= '9'));
             n++)
        {
            /* void */
        }

        for (k = 0; k < sizeof(blocks) / sizeof(blocks[0]); k++) {
            if (n == strlen(blocks[k])
                && memcmp(p + i + 1, blocks[k], n) == 0)
            {
                break;
            }
        }

        if (k == sizeof(blocks) / sizeof(blocks[0])) {
            continue;
        }

        if (open) {
            return ar_fail(html->data, html->len, "a block inside a <p> at",
                           p + i, html->len - i > 40 ? 40 : html->len - i);
        }

        open = (k == 0);
    }

    return 1;
}


static int
ar_run_case(unsigned mode, const char *md, const char *has,
    const char *lacks)
{
    int           ok;
    ar_article_t  a;

    ok = ar_render_mode(mode, md, &a)
         && (has == NULL || ar_has(&a.html, has))
         && (lacks == NULL || ar_lacks(&a.html, lacks));

    ar_article_free(&a);

    return ok;
}


/* <picture> */

static int
t_picture_kept(void)
{
    return ar_run_case(AR_SANITIZE,
        "<picture>\n"
        "<source media=\"(prefers-color-scheme: dark)\" srcset=\"dark.png\">"
        "\n<source media=\"(prefers-color-scheme: light)\""
        " srcset=\"light.png 1x, https://x.org/light2.png 2x\">\n"
        "<img alt=\"Logo\" src=\"light.png\">\n"
        "</picture>\n",
        "<picture>\n"
        "<source media=\"(prefers-color-scheme: dark)\" srcset=\"dark.png\" />"
        "\n<source media=\"(prefers-color-scheme: light)\""
        " srcset=\"light.png 1x, https://x.org/light2.png 2x\" />\n"
        "<img alt=\"Logo\" src=\"light.png\" />\n"
        "</picture>", NULL);
}


static int
t_picture_srcset_checked(void)
{
    return ar_run_case(AR_SANITIZE,
        "<picture><source srcset=\"a.png 1x, javascript:alert(1) 2x\">"
        "<source srcset=\"data:image/png;base64,AA,b.png\">"
        "<source srcset=\" &#10;JAVASCRIPT:x 1x\">"
        "<img src=\"a.png\"></picture>\n",
        "<picture><source /><source /><source /><img src=\"a.png\" />"
        "</picture>", "script");
}


static int
t_source_outside_picture(void)
{
    return ar_run_case(AR_SANITIZE,
        "a <source srcset=\"a.png\"> b\n", "<p>a  b</p>", "<source");
}


/* the URL policy */

static int
t_markdown_link_schemes(void)
{
    unsigned     mode;
    const char  *md;

    md = "[a](livescript:x) [b](blob:https://x.org/1) [c](tel:123)"
         " [d](ms-msdt:x) [e](intent:x) [f](filesystem:x) [g](ftp://x.org/)"
         " [h](javascript:x)\n";

    for (mode = AR_SANITIZE; mode <= AR_ESCAPE; mode++) {
        if (!ar_run_case(mode, md,
                "<a href=\"\">a</a> <a href=\"\">b</a> <a href=\"\">c</a>"
                " <a href=\"\">d</a> <a href=\"\">e</a> <a href=\"\">f</a>"
                " <a href=\"\">g</a> <a href=\"\">h</a>", NULL))
        {
            return 0;
        }
    }

    return 1;
}


static int
t_markdown_link_allowed(void)
{
    unsigned     mode;
    const char  *md;

    md = "[a](https://x.org/) [b](http://x.org/) [c](mailto:a@x.org)"
         " [d](docs/a.md) [e](#top) [f](x-github-client://open)"
         " <https://auto.x.org/>\n";

    for (mode = AR_SANITIZE; mode <= AR_ESCAPE; mode++) {
        if (!ar_run_case(mode, md,
                "<a href=\"https://x.org/\">a</a> <a href=\"http://x.org/\">b"
                "</a> <a href=\"mailto:a@x.org\">c</a> <a href=\"docs/a.md\">"
                "d</a> <a href=\"#top\">e</a> <a href=\"x-github-client://"
                "open\">f</a> <a href=\"https://auto.x.org/\">", NULL))
        {
            return 0;
        }
    }

    return 1;
}


static int
t_markdown_image_schemes(void)
{
    unsigned     mode;
    const char  *md;

    md = "![a](data:image/png;base64,AA) ![b](mailto:a@x.org)"
         " ![c](blob:x) ![d](https://x.org/d.png) ![e](e.png)\n";

    for (mode = AR_SANITIZE; mode <= AR_ESCAPE; mode++) {
        if (!ar_run_case(mode, md,
                "<img src=\"\" alt=\"a\" /> <img src=\"\" alt=\"b\" />"
                " <img src=\"\" alt=\"c\" /> <img src=\"https://x.org/d.png\""
                " alt=\"d\" /> <img src=\"e.png\" alt=\"e\" />", NULL))
        {
            return 0;
        }
    }

    return 1;
}


static int
t_raw_html_link_schemes(void)
{
    return ar_run_case(AR_SANITIZE,
        "<a href=\"livescript:x\">a</a> <a href=\"tel:1\">b</a>"
        " <a href=\"github-windows://x\">c</a>\n",
        "<a>a</a> <a>b</a> <a href=\"github-windows://x\">c</a>", NULL);
}


/* ids and links to them */

static int
t_prefixed_fragment_kept(void)
{
    return ar_run_case(AR_SANITIZE,
        "<span id=\"user-content-x\">s</span>\n\n"
        "<a href=\"#user-content-x\">h</a> [m](#user-content-x) [n](#x)\n",
        "<a href=\"#user-content-x\">h</a> <a href=\"#user-content-x\">m</a>"
        " <a href=\"#user-content-x\">n</a>", "user-content-user-content");
}


static int
t_heading_link_kept(void)
{
    return ar_run_case(AR_SANITIZE,
        "<a id=\"top\"></a>\n\n## top\n\n[up](#top)\n",
        "<h2 id=\"top\">top" AR_ANCHOR("top") "</h2>\n"
        "<p><a href=\"#top\">up</a></p>", NULL);
}


static int
t_heading_name_is_id(void)
{
    return ar_run_case(AR_SANITIZE,
        "<h3 name=\"config\">Config</h3>\n\n"
        "<div id=\"own\" name=\"other\">d</div>\n\n"
        "See [config](#config) and <a href=\"#config\">it</a>.\n",
        "<h3 id=\"user-content-config\">Config</h3>\n"
        "<div id=\"user-content-own\">d</div>\n"
        "<p>See <a href=\"#user-content-config\">config</a> and"
        " <a href=\"#user-content-config\">it</a>.</p>", "name=");
}


static int
t_link_name_kept(void)
{
    return ar_run_case(AR_SANITIZE,
        "<a name=\"faq\"></a>\n\n[faq](#faq)\n",
        "<a name=\"user-content-faq\"></a>", NULL);
}


/* what the page does not show, the title does not show */

static int
t_title_of_filtered_tag(void)
{
    int           ok;
    ar_article_t  a;

    ok = ar_render_mode(AR_SANITIZE, "# Head <script>alert(4)</script>\n",
                        &a)
         && ar_has(&a.html, "<h1 id=\"head-scriptalert4script\">Head"
                            " &lt;script&gt;alert(4)&lt;/script&gt;")
         && ar_buf_is(&a.title, "Head &lt;script&gt;alert(4)&lt;/script&gt;");

    ar_article_free(&a);

    return ok;
}


static int
t_title_without_hidden_text(void)
{
    int           ok;
    ar_article_t  a;

    ok = ar_render_mode(AR_SANITIZE,
                        "# Head <template>hidden</template> end\n\n"
                        "## Two <object>x</object>\n", &a)
         && ar_buf_is(&a.title, "Head hidden end");

    ar_article_free(&a);

    return ok;
}


/* what a browser closes at a start tag is closed where it is written */

static int
t_closed_as_a_browser_closes(void)
{
    size_t        i;
    ar_article_t  a;

    static const char  *cases[][2] = {
        { "<p><button><div>x</div></button></p>\n",
          "<p></p><div>x</div>" },
        { "<h1><button><h2>x</h2></button></h1>\n",
          "<h1></h1><h2>x</h2>" },
        { "<ul><li><section><li>x</li></section></li></ul>\n",
          "<ul><li></li><li>x</li></ul>" },
        { "<dl><dd><x-a><dt>y</dt></x-a></dd></dl>\n",
          "<dl><dd></dd><dt>y</dt></dl>" },
        { "<div><a href=\"#a\"><x-y><a href=\"#b\">x</a></x-y></a></div>\n",
          "<div><a href=\"#a\"></a><a href=\"#b\">x</a></div>" },
        { "<ruby>a<rt><button><rt>x</rt></button></rt></ruby>\n",
          "<ruby>a<rt></rt><rt>x</rt></ruby>" },
        { "a <marquee><div>b</div></marquee> c\n",
          "<p>a </p><div>b</div> c" }
    };

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (!ar_render_mode(AR_SANITIZE, cases[i][0], &a)) {
            return 0;
        }

        if (!ar_has(&a.html, cases[i][1]) || !ar_well_formed(&a.html)) {
            ar_article_free(&a);
            return 0;
        }

        ar_article_free(&a);
    }

    return 1;
}


static int
t_tagfilter_always(void)
{
    int               ok;
    ar_limits_t       none;
    ar_article_t      a;
    ar_render_conf_t  conf;

    static const char  md[] = "a <style>b</style> c\n";

    memset(&conf, 0, sizeof(ar_render_conf_t));
    memset(&none, 0, sizeof(ar_limits_t));

    conf.gfm = AR_GFM_ALL & ~AR_GFM_TAGFILTER;
    conf.sanitize = 1;

    if (ar_render_article(&conf, &none, md, sizeof(md) - 1, &a) != AR_OK) {
        return 0;
    }

    ok = ar_buf_is(&a.html, "<p>a &lt;style&gt;b&lt;/style&gt; c</p>\n");

    ar_article_free(&a);

    return ok;
}


static int
t_lone_lt_kept(void)
{
    return ar_run_case(AR_SANITIZE, "<div>\na <\n\n*x*\n",
                       "<div>\na &lt;\n<p><em>x</em></p>", NULL);
}


static int
t_listing_as_the_page(void)
{
    int                ok;
    ar_buf_t           strings;
    ar_listing_meta_t  meta;

    static const char  md[] =
        "# Head <script>alert(4)</script> <b>b</b>\n\n"
        "Text <style>x</style> <i>i</i>.\n";

    memset(&strings, 0, sizeof(ar_buf_t));
    memset(&meta, 0, sizeof(ar_listing_meta_t));

    ok = ar_listing_parse(md, sizeof(md) - 1, 0, &meta, &strings) == AR_OK
         && ar_is(strings.data + meta.title, meta.title_len,
                  AR_S("Head <script>alert(4)</script> b"))
         && ar_is(strings.data + meta.desc, meta.desc_len,
                  AR_S("Text <style>x</style> i."));

    ar_buf_free(&strings);

    return ok;
}


static const ar_test_t  ar_tests[] = {
    { "picture: sources per colour scheme kept", t_picture_kept },
    { "picture: a srcset with an address not allowed is removed",
      t_picture_srcset_checked },
    { "source outside a picture removed", t_source_outside_picture },
    { "Markdown links: schemes outside GitHub's list lose their address, "
      "in sanitize and escape", t_markdown_link_schemes },
    { "Markdown links: http, https, mailto, relative, fragment and "
      "GitHub's own schemes kept", t_markdown_link_allowed },
    { "Markdown images: only http, https and relative addresses kept",
      t_markdown_image_schemes },
    { "raw HTML links: the same policy", t_raw_html_link_schemes },
    { "a link to a prefixed id is not prefixed again",
      t_prefixed_fragment_kept },
    { "an author's id does not take a heading's self-link",
      t_heading_link_kept },
    { "name on a heading is its prefixed id, links follow",
      t_heading_name_is_id },
    { "name on a link stays a name", t_link_name_kept },
    { "a tag the tagfilter shows is text in the title and the id",
      t_title_of_filtered_tag },
    { "inline raw HTML: its Markdown text stays in the title",
      t_title_without_hidden_text },
    { "an element a browser closes at a start tag is closed there",
      t_closed_as_a_browser_closes },
    { "sanitize applies the tagfilter without the tagfilter extension",
      t_tagfilter_always },
    { "a raw HTML block that ends with a \"<\" shows it as text",
      t_lone_lt_kept },
    { "a listing's title and description show the tags the tagfilter "
      "shows", t_listing_as_the_page }
};


int
main(void)
{
    char    name[160];
    size_t  i, nvec, ntests;

    nvec = sizeof(ar_vectors) / sizeof(ar_vectors[0]);
    ntests = sizeof(ar_tests) / sizeof(ar_tests[0]);

    ar_tap_plan(nvec + ntests);

    if (ar_render_init() != AR_OK) {
        printf("Bail out! ar_render_init() failed\n");
        return 1;
    }

    for (i = 0; i < nvec; i++) {
        snprintf(name, sizeof(name), "the Markdown after %s is rendered, "
                 "in a block, a paragraph, a cell and a list item",
                 ar_vectors[i].html);
        ar_tap_result(name, ar_run_vector(&ar_vectors[i]));
    }

    ar_tap_run(ar_tests, ntests);

    return ar_tap_done();
}
