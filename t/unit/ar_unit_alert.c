/*
 * Unit tests of GitHub's alerts (ar_alert, through ar_render_article):
 * the five kinds, the quotes GitHub leaves quotes, what alerts may hold,
 * safe mode, and the title and table of contents; every case in every
 * newline mode.  TAP on stdout, run by t/unit.t.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ar_buf.h"
#include "ar_check.h"
#include "ar_render.h"


#define AR_MODES  3

/*
 * The case's flags: not in safe mode; not in newline block mode, where
 * each line is a block of its own
 */
#define AR_UNSAFE     0x0001
#define AR_NOT_BLOCK  0x0002

#define AR_TITLE(kind, title)                                                \
    "<div class=\"markdown-alert markdown-alert-" kind "\">\n"               \
    "<p class=\"markdown-alert-title\"><svg class=\"markdown-alert-icon\" "

#define AR_TITLE_END(title)  "</svg>" title "</p>\n"


/*
 * An alert case: the Markdown, flags, and substrings the
 * HTML must and must not hold in every newline mode; where given, the
 * exact page title and table of contents.
 */

typedef struct {
    const char    *name;
    unsigned       flags;
    const char    *md;
    const char    *has[6];
    const char    *lacks[4];
    const char    *title;
    const char    *toc;
} ar_alert_case_t;


static const char  *ar_mode_names[AR_MODES] = { "soft", "hard", "block" };


static const ar_alert_case_t  ar_alert_cases[] = {

    /* the five kinds */

    { "note: a quote opening with [!NOTE] is a note",
      0, "> [!NOTE]\n> Read this.\n",
      { AR_TITLE("note", "Note"), AR_TITLE_END("Note") "<p>Read this.</p>\n"
        "</div>\n" },
      { "<blockquote>", "[!" }, NULL, NULL },

    { "tip: a quote opening with [!TIP] is a tip",
      0, "> [!TIP]\n> Read this.\n",
      { AR_TITLE("tip", "Tip"), AR_TITLE_END("Tip") "<p>Read this.</p>\n"
        "</div>\n" },
      { "<blockquote>", "[!" }, NULL, NULL },

    { "important: a quote opening with [!IMPORTANT] is important",
      0, "> [!IMPORTANT]\n> Read this.\n",
      { AR_TITLE("important", "Important"),
        AR_TITLE_END("Important") "<p>Read this.</p>\n</div>\n" },
      { "<blockquote>", "[!" }, NULL, NULL },

    { "warning: a quote opening with [!WARNING] is a warning",
      0, "> [!WARNING]\n> Read this.\n",
      { AR_TITLE("warning", "Warning"),
        AR_TITLE_END("Warning") "<p>Read this.</p>\n</div>\n" },
      { "<blockquote>", "[!" }, NULL, NULL },

    { "caution: a quote opening with [!CAUTION] is a caution",
      0, "> [!CAUTION]\n> Read this.\n",
      { AR_TITLE("caution", "Caution"),
        AR_TITLE_END("Caution") "<p>Read this.</p>\n</div>\n" },
      { "<blockquote>", "[!" }, NULL, NULL },

    /* how the marker may be written */

    { "marker: case does not matter",
      0, "> [!note]\n> a\n\n> [!WaRnInG]\n> b\n",
      { AR_TITLE_END("Note") "<p>a</p>", AR_TITLE_END("Warning") "<p>b</p>" },
      { "<blockquote>", "[!" }, NULL, NULL },

    { "marker: a hard line break after it, by blanks or a backslash",
      0, "> [!TIP]  \n> a\n\n> [!TIP]\\\n> b\n",
      { AR_TITLE_END("Tip") "<p>a</p>", AR_TITLE_END("Tip") "<p>b</p>" },
      { "<blockquote>", "[!", "<br" }, NULL, NULL },

    { "marker: a paragraph of its own, the rest after a blank line",
      0, "> [!NOTE]\n>\n> First.\n>\n> Second.\n",
      { AR_TITLE_END("Note") "<p>First.</p>\n<p>Second.</p>\n</div>\n" },
      { "<blockquote>", "[!" }, NULL, NULL },

    { "marker: lazy continuation lines belong to the alert",
      AR_NOT_BLOCK, "> [!NOTE]\n> one\ntwo\n",
      { AR_TITLE_END("Note") "<p>one", "two</p>\n</div>\n" },
      { "<blockquote>" }, NULL, NULL },

    { "marker: the rest of the first paragraph keeps its inlines",
      0, "> [!NOTE]\n> *a* `b` [c](/d)\n",
      { AR_TITLE_END("Note") "<p><em>a</em> <code>b</code> "
        "<a href=\"/d\">c</a></p>" },
      { "<blockquote>" }, NULL, NULL },

    /* what stays a quote, as on GitHub */

    { "not an alert: an unknown type",
      0, "> [!DANGER]\n> a\n\n> [!NOTES]\n> b\n\n> [!]\n> c\n",
      { "<blockquote>\n<p>[!DANGER]", "<p>[!NOTES]", "<p>[!]" },
      { "markdown-alert" }, NULL, NULL },

    { "not an alert: text after the marker on its line",
      0, "> [!NOTE] Heads up\n> a\n\n> [!NOTE]*b*\n> c\n",
      { "<blockquote>\n<p>[!NOTE] Heads up", "<p>[!NOTE]<em>b</em>" },
      { "markdown-alert" }, NULL, NULL },

    { "not an alert: blanks or text inside the brackets",
      0, "> [ !NOTE]\n> a\n\n> [!NOTE ]\n> b\n\n> [!NOTE]]\n> c\n",
      { "<p>[ !NOTE]", "<p>[!NOTE ]", "<p>[!NOTE]]" },
      { "markdown-alert" }, NULL, NULL },

    { "not an alert: the marker alone, with nothing after it",
      0, "> [!NOTE]\n",
      { "<blockquote>\n<p>[!NOTE]</p>\n</blockquote>\n" },
      { "markdown-alert" }, NULL, NULL },

    { "not an alert: the marker on a later line of the quote",
      0, "> Before.\n>\n> [!NOTE]\n> a\n",
      { "<blockquote>\n<p>Before.</p>\n<p>[!NOTE]" },
      { "markdown-alert" }, NULL, NULL },

    { "not an alert: a quote opening with a heading",
      0, "> # [!NOTE]\n> a\n",
      { "<blockquote>\n<h1" },
      { "markdown-alert" }, NULL, NULL },

    { "not an alert: a marker in a nested quote",
      0, "> > [!NOTE]\n> > a\n",
      { "<blockquote>\n<blockquote>\n<p>[!NOTE]" },
      { "markdown-alert" }, NULL, NULL },

    { "not an alert: a marker in a quote in a list",
      0, "- > [!NOTE]\n  > a\n",
      { "<li>\n<blockquote>\n<p>[!NOTE]" },
      { "markdown-alert" }, NULL, NULL },

    { "not an alert: a marker in a quote in a footnote",
      0, "Text[^1].\n\n[^1]: > [!NOTE]\n    > a\n",
      { "<blockquote>\n<p>[!NOTE]" },
      { "markdown-alert" }, NULL, NULL },

    { "not an alert: a marker outside a quote",
      0, "[!NOTE]\na\n",
      { "[!NOTE]" },
      { "markdown-alert" }, NULL, NULL },

    /* nesting and content */

    { "nesting: a marked quote inside an alert stays a quote",
      0, "> [!WARNING]\n> Outer.\n>\n> > [!TIP]\n> > Inner.\n",
      { AR_TITLE("warning", "Warning"),
        "<p>Outer.</p>\n<blockquote>\n<p>[!TIP]",
        "Inner.</p>\n</blockquote>\n</div>\n" },
      { "markdown-alert-tip" }, NULL, NULL },

    { "nesting: alerts one after another are separate",
      0, "> [!NOTE]\n> a\n\n> [!CAUTION]\n> b\n",
      { AR_TITLE_END("Note") "<p>a</p>\n</div>\n" AR_TITLE("caution", ""),
        AR_TITLE_END("Caution") "<p>b</p>\n</div>\n" },
      { "<blockquote>" }, NULL, NULL },

    { "content: an alert holds lists, code and tables",
      0, "> [!IMPORTANT]\n> Steps:\n>\n> - one\n> - two\n>\n"
         "> ```sh\n> make test\n> ```\n>\n> | a | b |\n> |---|---|\n"
         "> | 1 | 2 |\n",
      { AR_TITLE_END("Important") "<p>Steps:</p>\n<ul>\n<li>one</li>",
        "<pre><code class=\"language-sh\">make test\n</code></pre>",
        "<table>", "<td>2</td>", "</table>\n</div>\n" },
      { "<blockquote>" }, NULL, NULL },

    /* safe mode */

    { "safe: raw HTML in an alert is escaped, the alert's markup is not",
      0, "> [!NOTE]\n> <script>alert(1)</script>\n>\n> <div>x</div>\n",
      { AR_TITLE("note", "Note"), AR_TITLE_END("Note"),
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "<p>&lt;div&gt;x&lt;/div&gt;</p>" },
      { "<script>", "<div>x" }, NULL, NULL },

    { "safe: a dangerous link in an alert is dropped",
      0, "> [!NOTE]\n> [x](javascript:alert(1))\n",
      { AR_TITLE_END("Note"), "<a href=\"\">x</a>" },
      { "javascript:" }, NULL, NULL },

    { "unsafe: raw HTML in an alert passes, the alert is made the same",
      AR_UNSAFE, "> [!NOTE]\n> <b>bold</b>\n",
      { AR_TITLE_END("Note") "<p><b>bold</b></p>\n</div>\n" },
      { "&lt;b&gt;" }, NULL, NULL },

    { "unsafe: a marker written in raw HTML is not a marker",
      AR_UNSAFE, "> <b>[!NOTE]</b>\n> a\n",
      { "<blockquote>\n<p><b>[!NOTE]</b>" },
      { "markdown-alert" }, NULL, NULL },

    /* the title and the table of contents */

    { "title: an alert's title is not a heading",
      0, "> [!NOTE]\n> a\n\nText.\n",
      { AR_TITLE_END("Note") },
      { "<h" }, "", "" },

    { "title: the first heading after an alert gives the page title",
      0, "> [!TIP]\n> a\n\n## After\n",
      { AR_TITLE_END("Tip"), "<h2 id=\"after\">" },
      { "<blockquote>" }, "After", "" },

    { "toc: headings inside an alert are not listed, as in a quote",
      0, "> [!NOTE]\n> Lead.\n>\n> ## Inside\n\n## One\n\n## Two\n",
      { "<h2 id=\"inside\">", "<h2 id=\"one\">" },
      { "<blockquote>" }, "One",
      "<nav class=\"toc\">\n<ul>\n"
      "<li><a href=\"#one\">One</a></li>\n"
      "<li><a href=\"#two\">Two</a></li>\n</ul>\n</nav>\n" }
};


static int
ar_run_alert_case(const ar_alert_case_t *c, unsigned mode)
{
    int               ok;
    ar_limits_t       limits;
    ar_article_t      article;
    ar_render_conf_t  conf;

    memset(&conf, 0, sizeof(ar_render_conf_t));
    memset(&limits, 0, sizeof(ar_limits_t));

    conf.gfm = AR_GFM_ALL;
    conf.unsafe = (c->flags & AR_UNSAFE) != 0;
    conf.newline = mode;

    if (ar_render_article(&conf, &limits, c->md, strlen(c->md), &article)
        != AR_OK)
    {
        ar_diag_str("# got: ar_render_article() failed\n");
        return 0;
    }

    ok = ar_has_each(&article.html, AR_N(c->has))
         && ar_lacks_each(&article.html, AR_N(c->lacks));

    if (ok && c->title != NULL) {
        ok = ar_is(article.title.data, article.title.len,
                   c->title, strlen(c->title));
    }

    if (ok && c->toc != NULL) {
        ok = ar_is(article.toc.data, article.toc.len,
                   c->toc, strlen(c->toc));
    }

    ar_article_free(&article);

    return ok;
}


int
main(void)
{
    char      name[256];
    size_t    i, n, planned;
    unsigned  mode;

    n = sizeof(ar_alert_cases) / sizeof(ar_alert_cases[0]);
    planned = 0;

    for (i = 0; i < n; i++) {
        planned += (ar_alert_cases[i].flags & AR_NOT_BLOCK) ? AR_MODES - 1
                                                           : AR_MODES;
    }

    ar_tap_plan(planned);

    if (ar_render_init() != AR_OK) {
        printf("Bail out! ar_render_init() failed\n");
        return 1;
    }

    for (i = 0; i < n; i++) {
        for (mode = 0; mode < AR_MODES; mode++) {
            if (mode == AR_NEWLINE_BLOCK
                && (ar_alert_cases[i].flags & AR_NOT_BLOCK))
            {
                continue;
            }

            snprintf(name, sizeof(name), "%s (newline %s)",
                     ar_alert_cases[i].name, ar_mode_names[mode]);
            ar_tap_result(name, ar_run_alert_case(&ar_alert_cases[i], mode));
        }
    }

    return ar_tap_done();
}
