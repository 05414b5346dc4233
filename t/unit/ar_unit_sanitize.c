/*
 * Unit tests of "article_render_html sanitize" (ar_sanitize.c, through
 * ar_render_article): GitHub's allowlist of elements and attributes, the
 * address rules, what is removed with or without its content, ids and
 * links to them, tag soup, deep nesting within the budgets, raw HTML in
 * tables, lists and block-per-line articles, and cmark-gfm's own markup
 * kept as it is.  TAP on stdout, run by t/unit.t.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ar_buf.h"
#include "ar_check.h"
#include "ar_render.h"


#define AR_SANITIZE  0
#define AR_ESCAPE    1
#define AR_UNSAFE    2


/* raw HTML in, what the article must and must not hold */
typedef struct {
    const char    *name;
    const char    *md;
    const char    *has;
    const char    *lacks;
} ar_sanitize_case_t;


static int ar_render_mode(unsigned mode, unsigned newline,
    const ar_limits_t *limits, const char *md, size_t len, ar_article_t *a);
static int ar_render_sanitized(const char *md, ar_article_t *a);
static int ar_run_case(const ar_sanitize_case_t *c);
static int ar_run_element(const char *tag);
static int ar_run_void_element(const char *tag);
static int ar_run_attribute(const char *attr);


/* the elements of the allowlist that take text, and the void ones */

static const char  *ar_elements[] = {
    "h1", "h2", "h3", "h4", "h5", "h6", "b", "i", "strong", "em", "a",
    "pre", "code", "tt", "div", "ins", "del", "sup", "sub", "p", "ol", "ul",
    "blockquote", "dl", "kbd", "q", "samp", "var", "ruby", "s", "strike",
    "summary", "details", "figure", "figcaption", "abbr", "bdo", "cite",
    "dfn", "mark", "small", "span", "time"
};

static const char  *ar_void_elements[] = { "br", "hr", "img", "wbr" };

static const char  *ar_attributes[] = {
    "abbr", "accept", "accept-charset", "accesskey", "action", "align", "alt",
    "aria-describedby", "aria-hidden", "aria-label", "aria-labelledby", "axis",
    "border", "cellpadding", "cellspacing", "char", "charoff", "charset",
    "checked", "clear", "cols", "colspan", "color", "compact", "coords",
    "datetime", "dir", "disabled", "enctype", "for", "frame", "headers",
    "height", "hreflang", "hspace", "ismap", "label", "lang", "maxlength",
    "media", "method", "multiple", "nohref", "noshade", "nowrap", "open",
    "progress", "prompt", "readonly", "rel", "rev", "role", "rows", "rowspan",
    "rules", "scope", "selected", "shape", "size", "span", "start", "summary",
    "tabindex", "title", "type", "usemap", "valign", "value", "width",
    "itemprop"
};


static const ar_sanitize_case_t  ar_cases[] = {

    /* elements in the context they need */

    { "allowed: table, caption, thead, tbody, tfoot, tr, th, td",
      "<table><caption>c</caption><thead><tr><th>h</th></tr></thead>"
      "<tbody><tr><td>d</td></tr></tbody><tfoot><tr><td>f</td></tr></tfoot>"
      "</table>\n",
      "<table><caption>c</caption><thead><tr><th>h</th></tr></thead>"
      "<tbody><tr><td>d</td></tr></tbody><tfoot><tr><td>f</td></tr></tfoot>"
      "</table>", NULL },
    { "allowed: li in ol and ul",
      "<ol><li>a</li></ol><ul><li>b</li></ul>\n",
      "<ol><li>a</li></ol><ul><li>b</li></ul>", NULL },
    { "allowed: dl, dt, dd",
      "<dl><dt>t</dt><dd>d</dd></dl>\n", "<dl><dt>t</dt><dd>d</dd></dl>",
      NULL },
    { "allowed: ruby, rt, rp",
      "<ruby>e<rp>(</rp><rt>f</rt><rp>)</rp></ruby>\n",
      "<ruby>e<rp>(</rp><rt>f</rt><rp>)</rp></ruby>", NULL },
    { "allowed: details with open, summary",
      "<details open><summary>s</summary>body</details>\n",
      "<details open=\"\"><summary>s</summary>body</details>", NULL },

    /* attributes of one element only */

    { "a href kept", "<a href=\"https://x.org/\">l</a>\n",
      "<a href=\"https://x.org/\">l</a>", NULL },
    { "img src and longdesc kept",
      "<img src=\"a.png\" longdesc=\"d.html\" alt=\"A\">\n",
      "<img src=\"a.png\" longdesc=\"d.html\" alt=\"A\" />", NULL },
    { "div itemscope and itemtype kept",
      "<div itemscope itemtype=\"http://schema.org/Thing\">d</div>\n",
      "<div itemscope=\"\" itemtype=\"http://schema.org/Thing\">d</div>",
      NULL },
    { "blockquote cite kept",
      "<blockquote cite=\"https://x.org/\">q</blockquote>\n",
      "<blockquote cite=\"https://x.org/\">q</blockquote>", NULL },
    { "del, ins and q cite kept",
      "x <del cite=\"/a\">d</del> <ins cite=\"/b\">i</ins> <q cite=\"/c\">q</q>",
      "<del cite=\"/a\">d</del> <ins cite=\"/b\">i</ins> <q cite=\"/c\">q</q>",
      NULL },
    { "href on a span removed", "x <span href=\"/a\">s</span>",
      "<span>s</span>", NULL },
    { "src on a span removed", "x <span src=\"/a\">s</span>",
      "<span>s</span>", NULL },
    { "cite on a span removed", "x <span cite=\"/a\">s</span>",
      "<span>s</span>", NULL },
    { "itemscope on a span removed", "x <span itemscope>s</span>",
      "<span>s</span>", NULL },

    /* attributes not allowed */

    { "event handlers removed",
      "<img src=\"a.png\" onerror=\"alert(1)\" OnLoad=\"x()\">\n"
      "<p onclick=\"x()\" onmouseover='y()'>p</p>\n",
      "<img src=\"a.png\" />\n<p>p</p>", "alert" },
    { "style removed", "x <span style=\"color:red\">s</span>",
      "<span>s</span>", "color" },
    { "class and data-* removed",
      "x <span class=\"c\" data-x=\"1\">s</span>", "<span>s</span>",
      NULL },
    { "srcset, formaction, background and xmlns removed",
      "<img src=\"a.png\" srcset=\"javascript:x 1x\">\n\n"
      "<div background=\"x.png\" formaction=\"/f\" xmlns=\"x\">d</div>\n",
      "<img src=\"a.png\" />\n<div>d</div>", NULL },

    /* addresses */

    { "a href: http kept", "<a href=\"http://x.org/\">l</a>",
      "href=\"http://x.org/\"", NULL },
    { "a href: mailto kept", "<a href=\"mailto:a@x.org\">l</a>",
      "href=\"mailto:a@x.org\"", NULL },
    { "a href: relative kept", "<a href=\"docs/a.md?x=a:b\">l</a>",
      "href=\"docs/a.md?x=a:b\"", NULL },
    { "a href: protocol-relative kept", "<a href=\"//x.org/a\">l</a>",
      "href=\"//x.org/a\"", NULL },
    { "a href: fragment kept", "<a href=\"#top\">l</a>",
      "href=\"#top\"", NULL },
    { "a href: HTTPS in capitals kept", "<a href=\"HTTPS://x.org/\">l</a>",
      "href=\"HTTPS://x.org/\"", NULL },
    { "a href: javascript: removed", "<a href=\"javascript:alert(1)\">l</a>",
      "<a>l</a>", "alert" },
    { "a href: JaVaScRiPt: removed", "<a href=\"JaVaScRiPt:alert(1)\">l</a>",
      "<a>l</a>", "alert" },
    { "a href: &#106;avascript: removed",
      "<a href=\"&#106;avascript:alert(1)\">l</a>", "<a>l</a>", "alert" },
    { "a href: &#x6A;avascript: without a semicolon removed",
      "<a href=\"&#x6A avascript:alert(1)\">l</a>"
      "<a href=\"&#0000106avascript:alert(1)\">m</a>",
      "<a>l</a><a>m</a>", "alert" },
    { "a href: javascript&colon; removed",
      "<a href=\"javascript&colon;alert(1)\">l</a>", "<a>l</a>", "alert" },
    { "a href: a tab inside the scheme removed",
      "<a href=\"java\tscript:alert(1)\">l</a>", "<a>l</a>", "alert" },
    { "a href: &#9; inside the scheme removed",
      "<a href=\"java&#9;script:alert(1)\">l</a>", "<a>l</a>", "alert" },
    { "a href: a newline inside the scheme removed",
      "<a href=\"java\nscript:alert(1)\">l</a>", "<a>l</a>", "alert" },
    { "a href: &#10; and &#13; inside the scheme removed",
      "<a href=\"jav&#10;a&#13;script:alert(1)\">l</a>", "<a>l</a>",
      "alert" },
    { "a href: leading spaces and controls before the scheme removed",
      "<a href=\" &#1; javascript:alert(1)\">l</a>", "<a>l</a>", "alert" },
    { "a href: vbscript: removed", "<a href=\"vbscript:msgbox(1)\">l</a>",
      "<a>l</a>", "msgbox" },
    { "a href: data: removed",
      "<a href=\"data:text/html;base64,PHNjcmlwdD4=\">l</a>", "<a>l</a>",
      "base64" },
    { "a href: ftp: removed", "<a href=\"ftp://x.org/\">l</a>",
      "<a>l</a>", "ftp" },
    { "img src: https kept", "<img src=\"https://x.org/a.png\">",
      "<img src=\"https://x.org/a.png\" />", NULL },
    { "img src: mailto: removed", "<img src=\"mailto:a@x.org\">",
      "<img />", "mailto" },
    { "img src: data:image/png removed",
      "<img src=\"data:image/png;base64,iVBORw0KGgo=\">", "<img />",
      "base64" },
    { "img src: javascript: removed", "<img src=\"javascript:alert(1)\">",
      "<img />", "alert" },
    { "img longdesc: javascript: removed",
      "<img src=\"a.png\" longdesc=\"JAVASCRIPT:alert(1)\">",
      "<img src=\"a.png\" />", "alert" },
    { "blockquote cite: javascript: removed",
      "<blockquote cite=\"javascript:alert(1)\">q</blockquote>",
      "<blockquote>q</blockquote>", "alert" },
    { "q cite: mailto: removed", "x <q cite=\"mailto:a@x.org\">q</q>",
      "<q>q</q>", "mailto" },

    /* the tagfilter's nine elements, shown as text */

    { "script shown as text",
      "a <script>alert(1)</script> b",
      "<p>a &lt;script&gt;alert(1)&lt;/script&gt; b</p>", "<script" },
    { "style shown as text",
      "<style>body { display: none }</style>\n\ntext\n",
      "&lt;style&gt;body { display: none }&lt;/style&gt;\n<p>text</p>",
      "<style" },
    { "iframe shown as text",
      "a <iframe src=\"https://x.org/\">inner</iframe> b",
      "<p>a &lt;iframe src=&quot;https://x.org/&quot;&gt;inner"
      "&lt;/iframe&gt; b</p>", "<iframe" },
    { "textarea shown as text, the Markdown in it rendered",
      "a <textarea><b>inner</b></textarea> b",
      "<p>a &lt;textarea&gt;<b>inner</b>&lt;/textarea&gt; b</p>",
      "<textarea" },
    { "title shown as text",
      "a <title>inner</title> b", "<p>a &lt;title&gt;inner&lt;/title&gt; b</p>",
      "<title" },
    { "SVG script shown as text", "<div><svg><script>alert(1)</script>"
      "</svg></div>\n", "<div>&lt;script&gt;alert(1)&lt;/script&gt;</div>",
      "<script" },

    /* elements removed with their content */

    { "object and embed removed with their content",
      "<div><object data=\"x.swf\">inner</object><embed src=\"x.swf\">"
      "</div>\n", "<div></div>", "inner" },
    { "template removed with its content",
      "<div><template><b>inner</b></template></div>\n", "<div></div>",
      "inner" },
    { "noscript removed with its content",
      "<div><noscript>inner</noscript></div>\n", "<div></div>", "inner" },
    { "the Markdown between inline object tags is the page's text",
      "a <object>inner</object> <noscript>*b*</noscript> c",
      "<p>a inner <em>b</em> c</p>", NULL },

    /* elements removed, their content kept */

    { "font, u and center removed, their text kept",
      "<center><font color=\"red\">a</font> <u>b</u></center>\n",
      "a b", "<font" },
    { "form, input and button removed, their text kept",
      "<form action=\"/x\"><input name=\"q\"><button>go</button></form>\n",
      "go", "<input" },
    { "svg and math removed, their text kept",
      "a <svg><text>s</text></svg> <math><mi>m</mi></math> b",
      "<p>a s m b</p>", NULL },
    { "an alert's SVG icon kept beside raw HTML, its shapes self-closed",
      "> [!NOTE]\n> <kbd>x</kbd>\n",
      "<svg class=\"markdown-alert-icon\" viewBox=\"0 0 16 16\" "
      "width=\"16\" height=\"16\" aria-hidden=\"true\" fill=\"none\" "
      "stroke=\"currentColor\" stroke-width=\"1.5\" "
      "stroke-linecap=\"round\" stroke-linejoin=\"round\">"
      "<circle cx=\"8\" cy=\"8\" r=\"6.75\"/><path d=\"M8 7.25v4\"/>"
      "<circle cx=\"8\" cy=\"4.75\" r=\"1\" fill=\"currentColor\" "
      "stroke=\"none\"/></svg>Note</p>\n<p><kbd>x</kbd></p>", "</circle>" },
    { "an author's svg in an alert removed, the alert's icon kept",
      "> [!TIP]\n> a <svg><path d=\"M0 0\"/><script>x</script></svg> b\n",
      "</svg>Tip</p>\n<p>a &lt;script&gt;x&lt;/script&gt; b</p>", "M0 0" },
    { "section, nav, article and unknown elements removed, text kept",
      "<section><nav>n</nav><article>a</article><x-y>c</x-y></section>\n",
      "nac", "<section" },
    { "comments, processing instructions and doctypes removed",
      "<!DOCTYPE html>\n\na <!-- c --> b <?php x ?>\n", "<p>a  b </p>",
      "php" },

    /* ids, names and links to them */

    { "id prefixed", "x <span id=\"a\">s</span>",
      "<span id=\"user-content-a\">s</span>", NULL },
    { "name prefixed", "<a name=\"a\"></a>",
      "<a name=\"user-content-a\"></a>", NULL },
    { "an id with the prefix already is left alone",
      "x <span id=\"user-content-a\">s</span>",
      "<span id=\"user-content-a\">s</span>", "user-content-user" },
    { "an HTML link to an author's anchor follows its prefix",
      "<a name=\"install\"></a>\n\nSee <a href=\"#install\">it</a>.\n",
      "<a href=\"#user-content-install\">it</a>", NULL },
    { "a Markdown link to an author's anchor follows its prefix",
      "<a id=\"install\"></a>\n\nSee [it](#install \"t\").\n",
      "<a href=\"#user-content-install\" title=\"t\">it</a>", NULL },
    { "a link to a heading is left alone",
      "## Usage\n\nSee <a href=\"#usage\">it</a> and [it](#usage).\n",
      "<a href=\"#usage\">it</a> and <a href=\"#usage\">it</a>",
      "user-content" },
    { "an author's id cannot take a heading's",
      "## Usage\n\n<div id=\"usage\">d</div>\n",
      "<div id=\"user-content-usage\">d</div>", NULL },

    /* tag soup */

    { "stray closing tags of the page cannot close it",
      "</article></body></html><p>after\n",
      "<p>after\n</p>", "</article>" },
    { "stray closing div and p are dropped",
      "</div></div></p>\n\ntext\n", "<p>text</p>", "</div>" },
    { "an unclosed element is closed inside the article",
      "<div>\n\nopen\n", "<div>\n<p>open</p>\n</div>", NULL },
    { "an unclosed attribute quote ends with its raw HTML",
      "<div title=\"\n\n*x*\n", "<div title=\"\">\n<p><em>x</em></p>",
      NULL },
    { "misnested inline tags are paired as a browser pairs them",
      "x <b><i>bi</b>i</i>", "<b><i>bi</i></b><i>i</i>", NULL },
    { "an unclosed comment swallows the rest, inside the article",
      "a\n\n<!-- open\n\n<script>x</script>\n", "<p>a</p>", "script" },
    { "a CDATA section outside SVG is removed",
      "a <![CDATA[<script>x</script>]]> b", "<p>a ", "<script" },

    /* raw HTML in Markdown containers */

    { "raw HTML in an image's alt text is text, as cmark-gfm has it",
      "![a <b>x</b> y](i.png) <i>z</i>",
      "<img src=\"i.png\" alt=\"a &lt;b&gt;x&lt;/b&gt; y\" /> <i>z</i>",
      NULL },
    { "text that looks like a placeholder is text",
      "<i>z</i> &lt;\x01" "0&gt; <\x01" "0>", "<i>z</i> &lt;", "&lt;i&gt;" },

    { "raw HTML in table cells",
      "| a | b |\n|---|---|\n| <kbd>Ctrl</kbd> | <img src=\"x.png\" "
      "onerror=\"y()\"> |\n",
      "<td><kbd>Ctrl</kbd></td>\n<td><img src=\"x.png\" /></td>", "y()" },
    { "raw HTML in list items",
      "- <sup>1</sup> one\n- two <span onclick=\"x()\">s</span>\n",
      "<li><sup>1</sup> one</li>\n<li>two <span>s</span></li>", "x()" },
    { "details around Markdown in a list item",
      "- <details><summary>More</summary>\n\n  *hidden*\n\n  </details>\n",
      "<details><summary>More</summary>\n<p><em>hidden</em></p>\n"
      "</details>", NULL },
    { "raw HTML in a blockquote",
      "> <kbd>a</kbd> <script>x</script>\n",
      "<blockquote>\n<p><kbd>a</kbd> &lt;script&gt;x&lt;/script&gt;</p>\n"
      "</blockquote>", "<script" }
};


static int
ar_render_mode(unsigned mode, unsigned newline, const ar_limits_t *limits,
    const char *md, size_t len, ar_article_t *a)
{
    int               rc;
    ar_limits_t       none;
    ar_render_conf_t  conf;

    memset(&conf, 0, sizeof(ar_render_conf_t));
    memset(&none, 0, sizeof(ar_limits_t));

    conf.gfm = AR_GFM_ALL;
    conf.newline = newline;
    conf.unsafe = (mode == AR_UNSAFE);
    conf.sanitize = (mode == AR_SANITIZE);

    rc = ar_render_article(&conf, limits ? limits : &none, md, len, a);

    if (rc != AR_OK) {
        memset(a, 0, sizeof(ar_article_t));
        printf("# got: ar_render_article() returned %d\n", rc);
        return 0;
    }

    return 1;
}


static int
ar_render_sanitized(const char *md, ar_article_t *a)
{
    return ar_render_mode(AR_SANITIZE, AR_NEWLINE_SOFT, NULL, md, strlen(md),
                          a);
}


static int
ar_run_case(const ar_sanitize_case_t *c)
{
    int           ok;
    ar_article_t  a;

    ok = ar_render_sanitized(c->md, &a)
         && (c->has == NULL || ar_has(&a.html, c->has))
         && (c->lacks == NULL || ar_lacks(&a.html, c->lacks));

    ar_article_free(&a);

    return ok;
}


static int
ar_run_element(const char *tag)
{
    int           ok;
    char          md[128], expect[128];
    ar_article_t  a;

    snprintf(md, sizeof(md), "<%s>x</%s>\n", tag, tag);
    snprintf(expect, sizeof(expect), "<%s>x</%s>", tag, tag);

    ok = ar_render_sanitized(md, &a) && ar_has(&a.html, expect);

    ar_article_free(&a);

    return ok;
}


static int
ar_run_void_element(const char *tag)
{
    int           ok;
    char          md[128], expect[128];
    ar_article_t  a;

    snprintf(md, sizeof(md), "<%s>\n", tag);
    snprintf(expect, sizeof(expect), "<%s />", tag);

    ok = ar_render_sanitized(md, &a) && ar_has(&a.html, expect);

    ar_article_free(&a);

    return ok;
}


static int
ar_run_attribute(const char *attr)
{
    int           ok;
    char          md[128], expect[128];
    ar_article_t  a;

    snprintf(md, sizeof(md), "x <span %s=\"v&amp;\">s</span>\n", attr);
    snprintf(expect, sizeof(expect), "<span %s=\"v&amp;\">s</span>", attr);

    ok = ar_render_sanitized(md, &a) && ar_has(&a.html, expect);

    ar_article_free(&a);

    return ok;
}


/*
 * An article without raw HTML renders byte for byte as in escape mode;
 * with raw HTML, cmark-gfm's own markup around it is kept as it is:
 * heading ids and anchors, code classes, tables with align, task list
 * checkboxes, footnotes, and the addresses its safe mode empties.
 */

static const char  ar_markdown[] =
    "# Title\n\n"
    "Some *emphasis*, `code`, a [link](https://x.org/ \"t & 'q'\"),\n"
    "[js](javascript:alert(1)), ![img](data:image/png;base64,iVBO),\n"
    "![bad](data:text/html,x), https://auto.example.org/ and a note[^1].\n\n"
    "## Table\n\n"
    "| left | right |\n|:-----|------:|\n| a & b | \"c\" |\n\n"
    "- [x] done\n- [ ] todo\n\n"
    "```c\nint main() { return a < b; }\n```\n\n"
    "~~strike~~ <https://x.org/a?b=c&d=e>\n\n"
    "[^1]: The *note*.\n";


static int
t_no_html_unchanged(void)
{
    int           ok;
    ar_article_t  s, e;

    ok = ar_render_sanitized(ar_markdown, &s);
    ok = ar_render_mode(AR_ESCAPE, AR_NEWLINE_SOFT, NULL,
                        AR_S(ar_markdown), &e)
         && ok;

    ok = ok && ar_is(s.html.data, s.html.len, e.html.data, e.html.len)
         && ar_is(s.toc.data, s.toc.len, e.toc.data, e.toc.len)
         && ar_is(s.title.data, s.title.len, e.title.data, e.title.len);

    ar_article_free(&s);
    ar_article_free(&e);

    return ok;
}


static int
t_markdown_kept_around_html(void)
{
    int           ok;
    char          md[sizeof(ar_markdown) + 64];
    ar_buf_t      expect;
    ar_article_t  s, e;

    snprintf(md, sizeof(md), "%s\nPress <kbd>Ctrl</kbd>.\n", ar_markdown);

    memset(&expect, 0, sizeof(ar_buf_t));

    ok = ar_render_sanitized(md, &s);
    ok = ar_render_mode(AR_ESCAPE, AR_NEWLINE_SOFT, NULL,
                        AR_S(ar_markdown), &e)
         && ok;

    /* the paragraph goes before the footnotes section */

    ok = ok && ar_has(&e.html, "<section class=\"footnotes\"");

    if (ok) {
        size_t  at;

        at = strstr(e.html.data, "<section") - e.html.data;

        ok = ar_buf_append(&expect, e.html.data, at) == AR_OK
             && ar_buf_append(&expect, AR_S("<p>Press <kbd>Ctrl</kbd>.</p>\n"))
                == AR_OK
             && ar_buf_append(&expect, e.html.data + at, e.html.len - at)
                == AR_OK
             && ar_is(s.html.data, s.html.len, expect.data, expect.len);
    }

    ar_buf_free(&expect);
    ar_article_free(&s);
    ar_article_free(&e);

    return ok;
}


static int
t_modes_side_by_side(void)
{
    int           ok;
    ar_article_t  s, e, u;

    static const char  md[] = "a <b onclick=\"x()\">b</b>\n";

    ok = ar_render_mode(AR_SANITIZE, AR_NEWLINE_SOFT, NULL, AR_S(md), &s);
    ok = ar_render_mode(AR_ESCAPE, AR_NEWLINE_SOFT, NULL, AR_S(md), &e)
         && ok;
    ok = ar_render_mode(AR_UNSAFE, AR_NEWLINE_SOFT, NULL, AR_S(md), &u)
         && ok;

    ok = ok
         && ar_buf_is(&s.html, "<p>a <b>b</b></p>\n")
         && ar_buf_is(&e.html,
                 "<p>a &lt;b onclick=&quot;x()&quot;&gt;b&lt;/b&gt;</p>\n")
         && ar_buf_is(&u.html, "<p>a <b onclick=\"x()\">b</b></p>\n");

    ar_article_free(&s);
    ar_article_free(&e);
    ar_article_free(&u);

    return ok;
}


static int
t_readme_sample(void)
{
    int           ok;
    ar_article_t  a;

    static const char  md[] =
        "<p align=\"center\"><img src=\"logo.png\" width=\"200\""
        " alt=\"Logo\"></p>\n\n"
        "<details>\n<summary>Click to expand</summary>\n\n"
        "Hidden *text*.\n\n</details>\n";

    ok = ar_render_sanitized(md, &a)
         && ar_buf_is(&a.html,
                "<p align=\"center\"><img src=\"logo.png\" width=\"200\""
                " alt=\"Logo\" /></p>\n"
                "<details>\n<summary>Click to expand</summary>\n"
                "<p>Hidden <em>text</em>.</p>\n</details>\n");

    ar_article_free(&a);

    return ok;
}


static int
t_block_per_line(void)
{
    int           ok;
    ar_article_t  a;

    static const char  md[] =
        "Intro line with <kbd>Ctrl</kbd>\n"
        "<p align=\"center\" onclick=\"x()\"><img src=\"a.png\"></p>\n"
        "Last line <script>alert(1)</script>\n";

    ok = ar_render_mode(AR_SANITIZE, AR_NEWLINE_BLOCK, NULL, AR_S(md), &a)
         && ar_has(&a.html, "<kbd>Ctrl</kbd>")
         && ar_has(&a.html, "<p align=\"center\"><img src=\"a.png\" /></p>")
         && ar_has(&a.html, "&lt;script&gt;alert(1)&lt;/script&gt;")
         && ar_lacks(&a.html, "<script")
         && ar_lacks(&a.html, "onclick");

    ar_article_free(&a);

    return ok;
}


/* nesting 10,000 deep within the module's default budgets */

static int
t_deep_nesting(void)
{
    int           ok;
    size_t        i;
    ar_buf_t      md, expect;
    ar_limits_t   limits;
    ar_article_t  a;

    memset(&md, 0, sizeof(ar_buf_t));
    memset(&expect, 0, sizeof(ar_buf_t));
    memset(&limits, 0, sizeof(ar_limits_t));

    /* the default budgets, the time one made longer as the harness does */

    limits.max_memory = 64 * 1024 * 1024;
    limits.timeout_ms = ar_budget_ms(5000);

    ok = 1;

    for (i = 0; ok && i < 10000; i++) {
        ok = ar_buf_append(&md, AR_S("<div>")) == AR_OK
             && ar_buf_append(&expect, AR_S("<div>")) == AR_OK;
    }

    ok = ok && ar_buf_append(&md, AR_S("x\n")) == AR_OK
         && ar_buf_append(&expect, AR_S("x\n")) == AR_OK;

    for (i = 0; ok && i < 10000; i++) {
        ok = ar_buf_append(&expect, AR_S("</div>")) == AR_OK;
    }

    ok = ok
         && ar_render_mode(AR_SANITIZE, AR_NEWLINE_SOFT, &limits, md.data,
                           md.len, &a)
         && ar_is(a.html.data, a.html.len, expect.data, expect.len);

    if (ok) {
        ar_article_free(&a);
    }

    ar_buf_free(&md);
    ar_buf_free(&expect);

    return ok;
}


/* a memory budget passed inside the parser unwinds it cleanly */

static int
t_memory_budget(void)
{
    int               rc;
    size_t            i;
    ar_buf_t          md;
    ar_limits_t       limits;
    ar_article_t      a;
    ar_render_conf_t  conf;

    memset(&md, 0, sizeof(ar_buf_t));
    memset(&limits, 0, sizeof(ar_limits_t));
    memset(&conf, 0, sizeof(ar_render_conf_t));

    conf.sanitize = 1;
    limits.max_memory = 1024 * 1024;

    for (i = 0; i < 10000; i++) {
        if (ar_buf_append(&md, AR_S("<div title=\"t\">")) != AR_OK) {
            ar_buf_free(&md);
            return 0;
        }
    }

    rc = ar_render_article(&conf, &limits, md.data, md.len, &a);

    ar_buf_free(&md);

    return ar_int_is("ar_render_article() rc", rc, AR_EMEMORY);
}


static const ar_test_t  ar_tests[] = {
    { "an article without raw HTML renders byte for byte as in escape mode",
      t_no_html_unchanged },
    { "cmark-gfm's markup around raw HTML is kept as it is",
      t_markdown_kept_around_html },
    { "sanitize, escape and unsafe side by side", t_modes_side_by_side },
    { "README sample: centred logo, details around Markdown",
      t_readme_sample },
    { "raw HTML in a block-per-line article", t_block_per_line },
    { "nesting 10,000 deep renders whole within the default budgets",
      t_deep_nesting },
    { "a memory budget passed while parsing the HTML fails the render",
      t_memory_budget }
};


int
main(void)
{
    char    name[128];
    size_t  i, ncases, nel, nvoid, nattr, ntests;

    ncases = sizeof(ar_cases) / sizeof(ar_cases[0]);
    nel = sizeof(ar_elements) / sizeof(ar_elements[0]);
    nvoid = sizeof(ar_void_elements) / sizeof(ar_void_elements[0]);
    nattr = sizeof(ar_attributes) / sizeof(ar_attributes[0]);
    ntests = sizeof(ar_tests) / sizeof(ar_tests[0]);

    ar_tap_plan(nel + nvoid + nattr + ncases + ntests);

    if (ar_render_init() != AR_OK) {
        printf("Bail out! ar_render_init() failed\n");
        return 1;
    }

    for (i = 0; i < nel; i++) {
        snprintf(name, sizeof(name), "allowed element: %s", ar_elements[i]);
        ar_tap_result(name, ar_run_element(ar_elements[i]));
    }

    for (i = 0; i < nvoid; i++) {
        snprintf(name, sizeof(name), "allowed void element: %s",
                 ar_void_elements[i]);
        ar_tap_result(name, ar_run_void_element(ar_void_elements[i]));
    }

    for (i = 0; i < nattr; i++) {
        snprintf(name, sizeof(name), "allowed attribute: %s",
                 ar_attributes[i]);
        ar_tap_result(name, ar_run_attribute(ar_attributes[i]));
    }

    for (i = 0; i < ncases; i++) {
        ar_tap_result(ar_cases[i].name, ar_run_case(&ar_cases[i]));
    }

    ar_tap_run(ar_tests, ntests);

    return ar_tap_done();
}
