/*
 * Unit tests of highlighted code (ar_code, ar_highlight, through
 * ar_render_article): the aliases, what stays plain, escaping, line
 * ends and tabs, the render's budgets, and many threads at once.  TAP on
 * stdout, run by t/unit.t; skipped where the core is built without
 * GNU source-highlight.
 */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ar_buf.h"
#include "ar_check.h"
#include "ar_render.h"


#define AR_THREADS  8
#define AR_ROUNDS   10


/* a block in a language, and a token it must be highlighted as */

typedef struct {
    const char    *name;
    const char    *md;
    const char    *has;
} ar_lang_case_t;


static const ar_lang_case_t  ar_lang_cases[] = {
    { "js", "```js\nconst x = 1; // one\n```\n",
      "<span class=\"keyword\">const</span>" },
    { "sh", "```sh\necho \"hi\" # c\n```\n",
      "<span class=\"comment\"># c</span>" },
    { "shell", "```shell\nexport A=1\n```\n",
      "<span class=\"keyword\">export</span>" },
    { "py", "```py\ndef f(): return 'x'\n```\n",
      "<span class=\"keyword\">def</span> <span class=\"function\">f</span>" },
    { "c++", "```c++\n#include <vector>\nint main() { return 0; }\n```\n",
      "<span class=\"meta\">#include</span> "
      "<span class=\"string\">&lt;vector&gt;</span>" },
    { "golang", "```golang\nfunc main() {}\n```\n",
      "<span class=\"keyword\">func</span>" },
    { "rs", "```rs\nlet s = r#\"raw\"#;\n```\n",
      "<span class=\"string\">r#&quot;raw&quot;#</span>" },
    { "diff", "```diff\n--- a\n+++ b\n@@ -1 +1 @@\n-old\n+new\n```\n",
      "<span class=\"deleted\">-old</span>\n"
      "<span class=\"inserted\">+new</span>" },
    { "json", "```json\n{\"a\": 1, \"b\": true}\n```\n",
      "<span class=\"keyword\">true</span>" },
    { "html", "```html\n<p class=\"x\">hi</p>\n```\n",
      "<span class=\"keyword\">&lt;p</span>" },
    { "xml", "```xml\n<a b=\"c\"/>\n```\n",
      "<span class=\"type\">b</span>" },
    { "css", "```css\np { color: red; }\n```\n",
      "<span class=\"property\">color:</span>" },
    { "sql", "```sql\nSELECT name FROM t;\n```\n",
      "<span class=\"keyword\">SELECT</span>" },
    { "JS (a name in capitals)", "```JS\nvar a;\n```\n",
      "<pre><code class=\"language-JS\"><span class=\"keyword\">var</span>" },
    { "py in quotes three deep",
      "> > > ```py\n> > > import os\n> > > ```\n",
      "<blockquote>\n<pre><code class=\"language-py\">"
      "<span class=\"meta\">import</span> os\n</code></pre>\n"
      "</blockquote>" },
    { "js in a footnote",
      "Text[^1].\n\n[^1]: ```js\n    var a;\n    ```\n",
      "<pre><code class=\"language-js\"><span class=\"keyword\">var</span>" },
    { "ts (the module's own language files)",
      "```ts\nconst x: number = 1;\n```\n",
      "<span class=\"type\">number</span>" },
    { "console", "```console\n$ make test\nok\n```\n",
      "<span class=\"meta\">$ </span>make <span class=\"keyword\">test"
      "</span>\nok\n" },
    { "yml", "```yml\nkey: value\n```\n",
      "<span class=\"property\">key</span>: value" },
    { "nginx", "```nginx\nserver { listen 80; }\n```\n",
      "<span class=\"keyword\">listen</span> "
      "<span class=\"number\">80</span>;" },
    { "c++ with more of the info string after the name",
      "```c++ title=\"main.cpp\"\nint x;\n```\n",
      "<pre><code class=\"language-c++\"><span class=\"type\">int</span>" }
};


/* languages this highlighter does not know, and blocks it leaves alone */

static const char  *ar_plain_cases[] = {
    "```text\nint x;\n```\n",
    "```mermaid\ngraph TD; A-->B;\n```\n",
    "```unknown-language\nint x;\n```\n",
    "```\nint x;\n```\n",
    "    int x;\n",
    "~~~\nint x;\n~~~\n"
};


static int
ar_render_hl(const char *md, size_t len, unsigned highlight,
    size_t max_memory, unsigned timeout_ms, ar_article_t *article)
{
    ar_limits_t       limits;
    ar_render_conf_t  conf;

    memset(&conf, 0, sizeof(ar_render_conf_t));
    memset(&limits, 0, sizeof(ar_limits_t));

    conf.gfm = AR_GFM_ALL;
    conf.highlight = highlight;
    limits.max_memory = max_memory;
    limits.timeout_ms = timeout_ms;

    return ar_render_article(&conf, &limits, md, len, article);
}


/* the HTML without the highlighter's spans */

static void
ar_strip_spans(ar_buf_t *html)
{
    size_t       i, j, n;
    const char  *close;

    close = "</span>";

    for (i = 0, j = 0; i < html->len; ) {

        if (html->len - i >= 13
            && memcmp(html->data + i, "<span class=\"", 13) == 0)
        {
            while (i < html->len && html->data[i] != '>') {
                i++;
            }

            i++;
            continue;
        }

        n = strlen(close);

        if (html->len - i >= n && memcmp(html->data + i, close, n) == 0) {
            i += n;
            continue;
        }

        html->data[j++] = html->data[i++];
    }

    html->len = j;
}


/*
 * Highlighted and plain, the block says the same: the highlighted HTML
 * without its spans is what cmark-gfm writes for it.
 */

static int
ar_same_text(const char *md, const char *has)
{
    int           ok;
    ar_article_t  on, off;

    if (ar_render_hl(md, strlen(md), 1, 0, 0, &on) != AR_OK) {
        ar_diag_str("# got: ar_render_article() failed\n");
        return 0;
    }

    if (ar_render_hl(md, strlen(md), 0, 0, 0, &off) != AR_OK) {
        ar_article_free(&on);
        ar_diag_str("# got: ar_render_article() failed\n");
        return 0;
    }

    ok = (has == NULL) ? 1 : ar_has(&on.html, has);

    if (ok) {
        ar_strip_spans(&on.html);
        ok = ar_is(on.html.data, on.html.len, off.html.data, off.html.len);
    }

    ar_article_free(&on);
    ar_article_free(&off);

    return ok;
}


static int
ar_check_render(const char *md, unsigned highlight, const char **has,
    const char **lacks)
{
    int           ok;
    ar_article_t  a;

    if (ar_render_hl(md, strlen(md), highlight, 0, 0, &a) != AR_OK) {
        ar_diag_str("# got: ar_render_article() failed\n");
        return 0;
    }

    ok = 1;

    for ( /* void */ ; ok && has && *has; has++) {
        ok = ar_has(&a.html, *has);
    }

    for ( /* void */ ; ok && lacks && *lacks; lacks++) {
        ok = ar_lacks(&a.html, *lacks);
    }

    ar_article_free(&a);

    return ok;
}


static int
t_escaping(void)
{
    const char  *has[] = {
        "<span class=\"string\">&quot;&lt;/code&gt;&lt;script&gt;"
        "alert(1)&lt;/script&gt;&quot;</span>",
        "<span class=\"comment\">// &lt;/pre&gt; &amp; &lt;b&gt;</span>",
        "x &lt; y &amp;&amp; y &gt; z", NULL };
    const char  *lacks[] = { "<script>", "</code><script>", "<b>", NULL };

    return ar_check_render("```js\n"
                           "var s = \"</code><script>alert(1)</script>\";\n"
                           "// </pre> & <b>\n"
                           "x < y && y > z\n"
                           "```\n", 1, has, lacks);
}


static int
t_crlf_tabs(void)
{
    const char  *md = "```c\r\nint\tx;\r\n\tif (x)\r\n\t\treturn;\r\n```\r\n";
    const char  *has[] = {
        "<span class=\"type\">int</span>\tx;\n"
        "\t<span class=\"keyword\">if</span> (x)\n"
        "\t\t<span class=\"keyword\">return</span>;\n</code></pre>", NULL };
    const char  *lacks[] = { "\r", NULL };

    return ar_check_render(md, 1, has, lacks) && ar_same_text(md, NULL);
}


static int
t_off(void)
{
    const char  *lacks[] = { "<span", NULL };

    return ar_check_render("```js\nconst x = 1;\n```\n", 0, NULL, lacks);
}


static int
t_inside(void)
{
    const char  *has[] = {
        "<li>\n<p>item</p>\n<pre><code class=\"language-py\">"
        "<span class=\"meta\">import</span> os\n</code></pre>",
        "<p class=\"markdown-alert-title\">",
        "<pre><code class=\"language-sh\">"
        "<span class=\"keyword\">export</span>", NULL };

    return ar_check_render("- item\n\n  ```py\n  import os\n  ```\n\n"
                           "> [!TIP]\n> Run:\n>\n> ```sh\n> export A=1\n"
                           "> ```\n", 1, has, NULL);
}


/* a line longer than AR_HIGHLIGHT_LINE_MAX is written plain */

static int
t_long_line(void)
{
    int           ok;
    size_t        n;
    ar_buf_t      md;
    const char   *has[] = { "<span class=\"type\">int</span> a;\n"
                            "int b = 1; int b = 1;", NULL };

    memset(&md, 0, sizeof(ar_buf_t));

    ok = (ar_buf_append(&md, "```c\nint a;\n", 12) == AR_OK);

    for (n = 0; ok && n < 200; n++) {
        ok = (ar_buf_append(&md, "int b = 1; ", 11) == AR_OK);
    }

    ok = ok && ar_buf_append(&md, "\nint c;\n```\n", 13) == AR_OK;

    ok = ok && ar_check_render(md.data, 1, has, NULL)
         && ar_same_text(md.data, "<span class=\"type\">int</span> c;\n");

    ar_buf_free(&md);

    return ok;
}


/* states nested deeper than AR_HIGHLIGHT_DEPTH_MAX: the block is plain */

static int
t_deep(void)
{
    int           ok;
    size_t        n;
    ar_buf_t      md;
    const char   *lacks[] = { "<span", NULL };

    memset(&md, 0, sizeof(ar_buf_t));

    ok = (ar_buf_append(&md, "```haskell\n", 11) == AR_OK);

    for (n = 0; ok && n < 100; n++) {
        ok = (ar_buf_append(&md, "{- ", 3) == AR_OK);
    }

    ok = ok && ar_buf_append(&md, "\n```\n", 6) == AR_OK;
    ok = ok && ar_check_render(md.data, 1, NULL, lacks)
         && ar_same_text(md.data, NULL);

    ar_buf_free(&md);

    return ok;
}


/* a block of about 1 MB: the lines, repeated until it is that large */

static void
ar_big_block(ar_buf_t *md, const char *lang, const char *lines)
{
    size_t  n;

    md->len = 0;

    if (ar_buf_append(md, "```", 3) != AR_OK
        || ar_buf_append(md, lang, strlen(lang)) != AR_OK
        || ar_buf_append(md, "\n", 1) != AR_OK)
    {
        return;
    }

    for (n = strlen(lines); md->len < 1024 * 1024; ) {
        if (ar_buf_append(md, lines, n) != AR_OK) {
            return;
        }
    }

    (void) ar_buf_append(md, "```\n", 5);
}


static const char  ar_program[] =
    "/* counts the words */\n"
    "static int\n"
    "count(const char *s)\n"
    "{\n"
    "    int  n = 0, in = 0;\n"
    "\n"
    "    for ( ; *s; s++) {\n"
    "        if (*s == ' ' || *s == '\\n') {\n"
    "            in = 0;\n"
    "        } else if (!in) {\n"
    "            in = 1;\n"
    "            n++;\n"
    "        }\n"
    "    }\n"
    "\n"
    "    return n;   /* \"done\" */\n"
    "}\n";


static int
t_big_block(void)
{
    int           ok, rc;
    char          got[64];
    ar_buf_t      md;
    ar_article_t  a;

    memset(&md, 0, sizeof(ar_buf_t));
    ar_big_block(&md, "c", ar_program);

    /* the default memory budget of article_render_max_memory */

    rc = ar_render_hl(md.data, md.len, 1, 64 * 1024 * 1024, 0, &a);

    snprintf(got, sizeof(got), "%d", rc);
    ok = ar_is(got, strlen(got), "0", 1)
         && ar_has(&a.html, "<span class=\"keyword\">static</span>")
         && ar_has(&a.html, "<span class=\"comment\">/* &quot;done&quot; "
                            "*/</span>\n}\n</code></pre>");

    if (rc == AR_OK) {
        ar_article_free(&a);
    }

    ar_buf_free(&md);

    return ok;
}


/*
 * Blocks of short lines the library finds slow (its cost grows as the
 * square of a line's length with a small constant, here tens of
 * milliseconds for each 1000 bytes): the clock stops it between lines.
 */

static int
t_budget_time(void)
{
    int           rc;
    char          got[64];
    ar_buf_t      md;
    ar_article_t  a;

    memset(&md, 0, sizeof(ar_buf_t));
    ar_big_block(&md, "js", "a+a+a+a+a+a+a+a+a+a+a+a+a+a+a+a+a+a+a+a+a+a+a+"
                            "a+a+a+a+a+a+a+a+a+a+a+a+a+a+a+a+a+\n");

    rc = ar_render_hl(md.data, md.len, 1, 0, 50, &a);

    if (rc == AR_OK) {
        ar_article_free(&a);
    }

    ar_buf_free(&md);

    snprintf(got, sizeof(got), "%d", rc);

    return ar_is(got, strlen(got), "-3", 2);
}


static int
t_budget_memory(void)
{
    int           rc;
    char          got[64];
    ar_buf_t      md;
    ar_article_t  a;

    memset(&md, 0, sizeof(ar_buf_t));
    ar_big_block(&md, "c", ar_program);

    rc = ar_render_hl(md.data, md.len, 1, 4 * 1024 * 1024, 0, &a);

    if (rc == AR_OK) {
        ar_article_free(&a);
    }

    ar_buf_free(&md);

    snprintf(got, sizeof(got), "%d", rc);

    return ar_is(got, strlen(got), "-2", 2);
}


/* many threads at once, each rendering what one thread rendered alone */

static const char  ar_mixed[] =
    "# Mixed\n\n"
    "```rs\nfn main() { let s = r#\"raw \"quoted\"\"#; }\n```\n\n"
    "```c\n#include <stdio.h>\nint main(void) { return 0; }\n```\n\n"
    "```py\ndef f(x):\n    return x * 2  # twice\n```\n\n"
    "```js\nconst re = /a+b/g; // regexp\n```\n\n"
    "```sh\ncat <<EOF\n$HOME\nEOF\n```\n\n"
    "```html\n<a href=\"/x\">x</a>\n```\n";

static ar_buf_t  ar_mixed_html;


static void *
ar_thread(void *arg)
{
    int           *ok = arg;
    unsigned       i;
    ar_article_t   a;

    for (i = 0; i < AR_ROUNDS; i++) {
        if (ar_render_hl(ar_mixed, sizeof(ar_mixed) - 1, 1, 0, 0, &a)
            != AR_OK)
        {
            *ok = 0;
            continue;
        }

        if (a.html.len != ar_mixed_html.len
            || memcmp(a.html.data, ar_mixed_html.data, a.html.len) != 0)
        {
            *ok = 0;
        }

        ar_article_free(&a);
    }

    return NULL;
}


static int
t_threads(void)
{
    int           ok[AR_THREADS], all;
    char          got[64];
    size_t        i, failed;
    pthread_t     tid[AR_THREADS];
    ar_article_t  a;

    if (ar_render_hl(ar_mixed, sizeof(ar_mixed) - 1, 1, 0, 0, &a) != AR_OK) {
        ar_diag_str("# got: ar_render_article() failed\n");
        return 0;
    }

    ar_mixed_html = a.html;
    memset(&a.html, 0, sizeof(ar_buf_t));
    ar_article_free(&a);

    all = ar_has(&ar_mixed_html, "<span class=\"string\">r#&quot;raw ");

    for (i = 0; i < AR_THREADS; i++) {
        ok[i] = 1;

        if (pthread_create(&tid[i], NULL, ar_thread, &ok[i]) != 0) {
            ok[i] = 0;
            tid[i] = 0;
        }
    }

    failed = 0;

    for (i = 0; i < AR_THREADS; i++) {
        if (tid[i]) {
            pthread_join(tid[i], NULL);
        }

        failed += !ok[i];
    }

    ar_buf_free(&ar_mixed_html);

    snprintf(got, sizeof(got), "%zu", failed);

    return all && ar_is(got, strlen(got), "0", 1);
}


static const ar_test_t  ar_tests[] = {
    { "escaping: </code><script> in highlighted code stays text",
      t_escaping },
    { "CRLF and tabs: the lines end in LF, the tabs stay",
      t_crlf_tabs },
    { "off: article_render_highlight off leaves a named language plain",
      t_off },
    { "inside: code in a list and in an alert is highlighted",
      t_inside },
    { "long line: left plain, the lines after it highlighted",
      t_long_line },
    { "deep nesting: the block is left plain, and says the same",
      t_deep },
    { "1 MB block: highlighted within the default memory budget",
      t_big_block },
    { "time budget: a slow 1 MB block fails with AR_ETIME, cleanly",
      t_budget_time },
    { "memory budget: a 1 MB block in 4 MB fails with AR_EMEMORY, cleanly",
      t_budget_memory },
    { "threads: 8 threads at once render what one rendered alone",
      t_threads }
};


int
main(void)
{
    char          name[256];
    size_t        i, nlang, nplain, ntests;
    const char   *failed, *lacks[] = { "<span", NULL };

    if (ar_render_init() != AR_OK) {
        printf("Bail out! ar_render_init() failed\n");
        return 1;
    }

    failed = "";

    if (ar_render_highlight_languages(AR_LANG_DIR, &failed) != AR_OK) {
        printf("Bail out! %s/%s did not load\n", AR_LANG_DIR, failed);
        return 1;
    }

    if (!ar_render_highlight_available()) {
        printf("1..0 # SKIP built without GNU source-highlight\n");
        return 0;
    }

    nlang = sizeof(ar_lang_cases) / sizeof(ar_lang_cases[0]);
    nplain = sizeof(ar_plain_cases) / sizeof(ar_plain_cases[0]);
    ntests = sizeof(ar_tests) / sizeof(ar_tests[0]);

    ar_tap_plan(nlang + nplain + ntests);

    for (i = 0; i < nlang; i++) {
        snprintf(name, sizeof(name), "alias %s: highlighted, saying what "
                 "the plain block says", ar_lang_cases[i].name);
        ar_tap_result(name, ar_same_text(ar_lang_cases[i].md,
                                         ar_lang_cases[i].has));
    }

    for (i = 0; i < nplain; i++) {
        snprintf(name, sizeof(name), "plain: %.*s",
                 (int) strcspn(ar_plain_cases[i], "\n"), ar_plain_cases[i]);
        ar_tap_result(name,
                      ar_check_render(ar_plain_cases[i], 1, NULL, lacks)
                      && ar_same_text(ar_plain_cases[i], NULL));
    }

    ar_tap_run(ar_tests, ntests);

    return ar_tap_done();
}
