/*
 * Unit tests of emoji shortcodes (ar_emoji) and Mermaid blocks
 * (ar_mermaid): the generated table, and renders through
 * ar_render_article where shortcodes must and must not change, each in
 * every newline mode.  TAP on stdout, run by t/unit.t.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ar_buf.h"
#include "ar_check.h"
#include "ar_emoji.h"
#include "ar_render.h"


#define AR_MODES  3

#define AR_ROCKET  "\xf0\x9f\x9a\x80"
#define AR_CROSS   "\xe2\x9d\x8c"
#define AR_SMILE   "\xf0\x9f\x98\x84"
#define AR_SPARKLE "\xe2\x9c\xa8"


/* how a case's raw HTML is rendered */
#define AR_HTML_UNSAFE    0
#define AR_HTML_SANITIZE  1
#define AR_HTML_ESCAPE    2
#define AR_HTML_NOEMOJI   3   /* sanitized, article_render_emoji off */


typedef struct {
    const char    *name;
    const char    *md;
    const char    *has[4];
    const char    *lacks[3];
    const char    *title;
    unsigned       html;      /* AR_HTML_* */
} ar_emoji_case_t;


static const char  *ar_mode_names[AR_MODES] = { "soft", "hard", "block" };


static const ar_emoji_case_t  ar_emoji_cases[] = {

    { "a shortcode in a paragraph",
      "Go :rocket: now.\n",
      { "<p>Go " AR_ROCKET " now.</p>" }, { ":rocket:" },
      NULL, AR_HTML_UNSAFE },

    { "at the start and the end of the text, side by side",
      ":x::smile:\n",
      { "<p>" AR_CROSS AR_SMILE "</p>" }, { ":x:" }, NULL, AR_HTML_UNSAFE },

    { "a name with + and -",
      ":+1: :-1: :t-rex:\n",
      { "\xf0\x9f\x91\x8d \xf0\x9f\x91\x8e \xf0\x9f\xa6\x96" }, { 0 },
      NULL, AR_HTML_UNSAFE },

    { "a name with _, which may open emphasis",
      "_a :heavy_check_mark: b_\n",
      { "<em>a \xe2\x9c\x94\xef\xb8\x8f b</em>" }, { ":heavy" },
      NULL, AR_HTML_UNSAFE },

    { "unknown names, capitals, a lone colon stay",
      ":nope: :Rocket: : x: :rocket\n",
      { ":nope: :Rocket: : x: :rocket" }, { AR_ROCKET }, NULL, AR_HTML_UNSAFE },

    { "colons written as character references",
      "a &#58;smile&#58; b\n",
      { "<p>a " AR_SMILE " b</p>" }, { "smile" }, NULL, AR_HTML_UNSAFE },

    { "an escaped character in a name",
      "a :smile\\_cat: b\n",
      { "<p>a \xf0\x9f\x98\xb8 b</p>" }, { "smile" }, NULL, AR_HTML_UNSAFE },

    { "after a table's centred column and a colon that closes nothing",
      "| a |\n|:--:|\n| 1 |\n\nx :--:x: y\n",
      { "<th align=\"center\">a</th>", "x :--" AR_CROSS " y" }, { ":x:" },
      NULL, AR_HTML_UNSAFE },

    { "a named reference for a colon",
      "a && b &colon;x&colon;\n",
      { "<p>a &amp;&amp; b " AR_CROSS "</p>" }, { "colon" }, NULL,
      AR_HTML_UNSAFE },

    { "times and words around the colons stay",
      "10:30:45 1:100:2 a:x: :x:b\n",
      { "10:30:45 1:100:2 a:x: :x:b" }, { AR_CROSS }, NULL, AR_HTML_UNSAFE },

    { "code spans and code blocks stay",
      "`:x:`\n\n```\n:x:\n```\n",
      { "<code>:x:</code>", "<pre><code>:x:\n</code></pre>" },
      { AR_CROSS }, NULL, AR_HTML_UNSAFE },

    { "an autolink and addresses in the text stay",
      "<http://a.example/:x:> http://b.example/:x: www.c.example/:x:\n",
      { "http://a.example/:x:</a>", "b.example/:x", "c.example/:x" },
      { AR_CROSS }, NULL, AR_HTML_UNSAFE },

    { "a link's text changes, not its address",
      "[:x: text](http://a.example/:x:)\n",
      { "<a href=\"http://a.example/:x:\">" AR_CROSS " text</a>" }, { 0 },
      NULL, AR_HTML_UNSAFE },

    { "raw HTML stays",
      "<b title=\":x:\">a</b>\n",
      { "title=\":x:\"" }, { AR_CROSS }, NULL, AR_HTML_UNSAFE },

    { "the title and the heading id",
      "# Go :rocket: now\n",
      { "<h1 id=\"go-rocket-now\">Go " AR_ROCKET " now" }, { 0 },
      "Go " AR_ROCKET " now", AR_HTML_UNSAFE },

    { "a footnote and a table cell",
      "a[^1]\n\n[^1]: :x:\n\n|h|\n|-|\n|:smile:|\n",
      { AR_CROSS, "<td>" AR_SMILE "</td>" }, { ":x:", ":smile:" },
      NULL, AR_HTML_UNSAFE },

    /* the text of raw HTML, sanitized as GitHub shows it */

    { "sanitized raw HTML: a centred paragraph",
      "<p align=\"center\">:rocket: Fast</p>\n",
      { "<p align=\"center\">" AR_ROCKET " Fast</p>" }, { ":rocket:" },
      NULL, AR_HTML_SANITIZE },

    { "sanitized raw HTML: table cells",
      "<table><tr><td>:x:</td><td>:smile:</td></tr></table>\n",
      { "<td>" AR_CROSS "</td><td>" AR_SMILE "</td>" }, { ":x:" }, NULL,
      AR_HTML_SANITIZE },

    { "sanitized raw HTML: details and summary",
      "<details><summary>:sparkles: Features</summary>\n:x: a\n"
      "</details>\n\n<details>\n<summary>:x:</summary>\n\n:smile: b\n\n"
      "</details>\n",
      { "<summary>" AR_SPARKLE " Features</summary>\n" AR_CROSS " a",
        "<summary>" AR_CROSS "</summary>", "<p>" AR_SMILE " b</p>" },
      { ":x:", ":sparkles:", ":smile:" }, NULL, AR_HTML_SANITIZE },

    { "sanitized raw HTML: side by side, and entities kept",
      "<div>:x::smile: &lt;:x:&gt; &amp; a</div>\n",
      { "<div>" AR_CROSS AR_SMILE " &lt;" AR_CROSS "&gt; &amp; a</div>" },
      { ":x:" }, NULL, AR_HTML_SANITIZE },

    { "sanitized raw HTML: attributes stay",
      "<p title=\":x:\"><img alt=\":smile:\" src=\"a.png\">:x:</p>\n"
      "\nInline <img alt=\":smile:\" src=\"b.png\"> too.\n",
      { "<p title=\":x:\"><img alt=\":smile:\" src=\"a.png\" />"
        AR_CROSS "</p>", "<img alt=\":smile:\" src=\"b.png\" /> too" },
      { AR_SMILE }, NULL, AR_HTML_SANITIZE },

    { "sanitized raw HTML: pre, code and tt stay, kbd changes",
      "<pre>:x:\n</pre>\n\n<p><code>:x:</code> <tt>a :x:</tt>"
      " <code><b>:x:</b></code> <kbd>:smile:</kbd></p>\n",
      { "<pre>:x:\n</pre>", "<code>:x:</code> <tt>a :x:</tt>",
        "<code><b>:x:</b></code>", "<kbd>" AR_SMILE "</kbd>" },
      { AR_CROSS }, NULL, AR_HTML_SANITIZE },

    { "sanitized raw HTML: times, words and addresses stay",
      "<p>10:30:45 a:x: :x:b https://a.example/:x: www.b.example/:x:</p>\n",
      { "10:30:45 a:x: :x:b https://a.example/:x: www.b.example/:x:" },
      { AR_CROSS }, NULL, AR_HTML_SANITIZE },

    { "sanitized raw HTML: dropped elements stay dropped",
      "<p>a<noscript>:x:</noscript><template>:x:</template>b</p>\n",
      { "<p>ab</p>" }, { AR_CROSS, ":x:" }, NULL, AR_HTML_SANITIZE },

    { "sanitized raw HTML with emoji off: shortcodes stay",
      "<p align=\"center\">:rocket: Fast</p>\n\n<td>:x:</td>\n",
      { "<p align=\"center\">:rocket: Fast</p>", ":x:" },
      { AR_ROCKET, AR_CROSS }, NULL, AR_HTML_NOEMOJI },

    { "inline code, tt and pre tags of raw HTML keep their text",
      "a <code>:x: *:x:*</code> :smile: <TT>:x:</tt> <pre>:x:</pre>"
      " <kbd>:rocket:</kbd>\n\n<code>open\n\n:rocket: next block\n",
      { "<code>:x: <em>:x:</em></code> " AR_SMILE " <tt>:x:</tt>",
        "<pre>:x:</pre>", "<kbd>" AR_ROCKET "</kbd>",
        "<p>" AR_ROCKET " next block</p>" },
      { AR_CROSS }, NULL, AR_HTML_SANITIZE },

    { "inline code tags keep their text with unsafe raw HTML too",
      "a <code>:x:</code> :smile: <code/>:x:\n",
      { "<code>:x:</code> " AR_SMILE " <code/>:x:" }, { AR_CROSS }, NULL,
      AR_HTML_UNSAFE },

    { "escaped raw HTML is shown as written",
      "<p align=\"center\">:rocket: Fast</p>\n\nand :x:\n",
      { "&lt;p align=&quot;center&quot;&gt;:rocket: Fast&lt;/p&gt;",
        "and " AR_CROSS },
      { AR_ROCKET }, NULL, AR_HTML_ESCAPE }
};


static int
ar_run_emoji_case(const ar_emoji_case_t *c, unsigned mode)
{
    int               ok;
    ar_limits_t       limits;
    ar_article_t      article;
    ar_render_conf_t  conf;

    memset(&conf, 0, sizeof(ar_render_conf_t));
    memset(&limits, 0, sizeof(ar_limits_t));

    conf.gfm = AR_GFM_ALL;
    conf.unsafe = (c->html == AR_HTML_UNSAFE);
    conf.sanitize = (c->html == AR_HTML_SANITIZE
                     || c->html == AR_HTML_NOEMOJI);
    conf.newline = mode;
    conf.emoji = (c->html != AR_HTML_NOEMOJI);

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

    ar_article_free(&article);

    return ok;
}


/* the table is sorted, without repeats, of names the scan can read */

static int
ar_test_table(void)
{
    size_t       i;
    const char  *p;

    if (!ar_int_is("names", (long) ar_emoji_n, 1913)) {
        return 0;
    }

    for (i = 0; i < ar_emoji_n; i++) {
        if (i > 0
            && strcmp(ar_emoji_table[i - 1].name, ar_emoji_table[i].name)
               >= 0)
        {
            ar_diag_str("# not sorted at ");
            ar_diag_str(ar_emoji_table[i].name);
            ar_diag_str("\n");
            return 0;
        }

        for (p = ar_emoji_table[i].name; *p; p++) {
            if (strchr("abcdefghijklmnopqrstuvwxyz0123456789_+-", *p)
                == NULL)
            {
                ar_diag_str("# a character outside names in ");
                ar_diag_str(ar_emoji_table[i].name);
                ar_diag_str("\n");
                return 0;
            }
        }

        if (ar_emoji_find(ar_emoji_table[i].name,
                          strlen(ar_emoji_table[i].name))
            != i)
        {
            ar_diag_str("# not found: ");
            ar_diag_str(ar_emoji_table[i].name);
            ar_diag_str("\n");
            return 0;
        }
    }

    return ar_int_is("a prefix of a name", (long) ar_emoji_find("rocke", 5),
                     (long) ar_emoji_n)
           && ar_int_is("a name and more",
                        (long) ar_emoji_find("rocketx", 7),
                        (long) ar_emoji_n);
}


/* off: nothing changes */

static int
ar_test_off(void)
{
    int               ok;
    ar_limits_t       limits;
    ar_article_t      article;
    ar_render_conf_t  conf;

    memset(&conf, 0, sizeof(ar_render_conf_t));
    memset(&limits, 0, sizeof(ar_limits_t));

    conf.gfm = AR_GFM_ALL;

    if (ar_render_article(&conf, &limits, AR_S("# :x:\n\n:rocket:\n"),
                          &article)
        != AR_OK)
    {
        return 0;
    }

    ok = ar_has(&article.html, "<p>:rocket:</p>")
         && ar_is(article.title.data, article.title.len, AR_S(":x:"));

    ar_article_free(&article);

    return ok;
}


/* quotes nested as deep as the parser goes: the walk keeps no stack */

static int
ar_test_deep(void)
{
    int               ok;
    char             *md;
    size_t            n, i;
    ar_limits_t       limits;
    ar_article_t      article;
    ar_render_conf_t  conf;

    n = 100000;

    md = malloc(n + sizeof(":x:\n"));
    if (md == NULL) {
        return 0;
    }

    for (i = 0; i < n; i++) {
        md[i] = '>';
    }

    memcpy(md + n, ":x:\n", sizeof(":x:\n"));

    memset(&conf, 0, sizeof(ar_render_conf_t));
    memset(&limits, 0, sizeof(ar_limits_t));

    conf.gfm = AR_GFM_ALL;
    conf.emoji = 1;
    limits.timeout_ms = 20000;

    ok = ar_render_article(&conf, &limits, md, strlen(md), &article)
         == AR_OK;

    free(md);

    if (ok) {
        ok = ar_has(&article.html, "<p>" AR_CROSS "</p>");
        ar_article_free(&article);
    }

    return ok;
}


/* Mermaid: the blocks, the one script, and pages without */

static int
ar_test_mermaid(void)
{
    int               ok;
    ar_limits_t       limits;
    ar_article_t      article;
    ar_render_conf_t  conf;

    memset(&conf, 0, sizeof(ar_render_conf_t));
    memset(&limits, 0, sizeof(ar_limits_t));

    conf.gfm = AR_GFM_ALL;
    conf.highlight = 1;
    conf.mermaid = "/m.js?a&b";

    if (ar_render_article(&conf, &limits,
                          AR_S("```mermaid\na --> b<\n```\n\n"
                               "- ```mermaid\n  c\n  ```\n\n"
                               "```c\nint x;\n```\n"),
                          &article)
        != AR_OK)
    {
        return 0;
    }

    ok = ar_has(&article.html,
                "<pre class=\"mermaid\">a --&gt; b&lt;\n</pre>\n")
         && ar_has(&article.html, "<li>\n<pre class=\"mermaid\">c\n</pre>")
         && ar_buf_is(&article.scripts,
                      "<script src=\"/m.js?a&amp;b\"></script>\n")
         && (!ar_render_highlight_available()
             || ar_has(&article.html,
                       "<code class=\"language-c\"><span class=\"type\">"
                       "int</span>"));

    ar_article_free(&article);

    if (!ok) {
        return 0;
    }

    if (ar_render_article(&conf, &limits, AR_S("```js\nx\n```\n"),
                          &article)
        != AR_OK)
    {
        return 0;
    }

    ok = ar_int_is("scripts without a diagram",
                   (long) article.scripts.len, 0);

    ar_article_free(&article);

    return ok;
}


int
main(void)
{
    char      name[256];
    size_t    i, n;
    unsigned  mode;

    n = sizeof(ar_emoji_cases) / sizeof(ar_emoji_cases[0]);

    ar_tap_plan(n * AR_MODES + 4);

    if (ar_render_init() != AR_OK) {
        printf("Bail out! ar_render_init() failed\n");
        return 1;
    }

    ar_tap_result("the table: 1,913 names, sorted, each found",
                  ar_test_table());
    ar_tap_result("article_render_emoji off: shortcodes stay", ar_test_off());
    ar_tap_result("a shortcode in 100,000 nested quotes", ar_test_deep());
    ar_tap_result("mermaid blocks, their one script, code highlighted after",
                  ar_test_mermaid());

    for (i = 0; i < n; i++) {
        for (mode = 0; mode < AR_MODES; mode++) {
            snprintf(name, sizeof(name), "%s (newline %s)",
                     ar_emoji_cases[i].name, ar_mode_names[mode]);
            ar_tap_result(name, ar_run_emoji_case(&ar_emoji_cases[i], mode));
        }
    }

    return ar_tap_done();
}
