/*
 * Unit tests of the article core's handling of articles as authors write
 * them: one block per line (ar_block), YAML front matter
 * (ar_frontmatter), heading slugs (ar_slug), heading ids, anchors and the
 * table of contents (ar_toc, through ar_render_article), and the
 * {{toc}} and {{meta.KEY}} placeholders.  TAP on stdout, run by t/unit.t.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ar_block.h"
#include "ar_buf.h"
#include "ar_check.h"
#include "ar_frontmatter.h"
#include "ar_render.h"
#include "ar_slug.h"
#include "ar_template.h"


#define AR_H  AR_BLOCK_HEADINGS


/* a block case: the text, the flags, the CommonMark expected */

typedef struct {
    const char    *name;
    unsigned       flags;
    const char    *in;
    const char    *out;
} ar_block_case_t;


/* a slug case: the heading text and its slug */

typedef struct {
    const char    *name;
    const char    *text;
    const char    *slug;
} ar_slug_case_t;


/* every id="..." in the HTML differs from every other */

static int
ar_ids_unique(const ar_buf_t *html)
{
    size_t       n, i, j;
    const char  *p, *e, *end, *ids[256];
    size_t       lens[256];

    n = 0;
    end = html->data + html->len;

    for (p = ar_find(html->data, html->len, AR_S(" id=\""));
         p != NULL && n < 256;
         p = ar_find(e, end - e, AR_S(" id=\"")))
    {
        p += 5;
        e = memchr(p, '"', end - p);

        if (e == NULL) {
            break;
        }

        ids[n] = p;
        lens[n] = e - p;
        n++;
    }

    for (i = 0; i < n; i++) {
        for (j = i + 1; j < n; j++) {
            if (lens[i] == lens[j] && memcmp(ids[i], ids[j], lens[i]) == 0) {
                return ar_fail(html->data, html->len, "no id twice, but",
                               ids[i], lens[i]);
            }
        }
    }

    return 1;
}


/* fixtures */

static int
ar_render_with(unsigned newline, unsigned noheadings, unsigned unsafe,
    const char *md, size_t len, ar_article_t *a)
{
    ar_limits_t       limits;
    ar_render_conf_t  conf;

    memset(&conf, 0, sizeof(ar_render_conf_t));
    memset(&limits, 0, sizeof(ar_limits_t));

    conf.gfm = AR_GFM_ALL;
    conf.newline = newline;
    conf.noheadings = (noheadings != 0);
    conf.unsafe = (unsafe != 0);

    if (ar_render_article(&conf, &limits, md, len, a) != AR_OK) {
        memset(a, 0, sizeof(ar_article_t));
        ar_diag_str("# got: ar_render_article() failed\n");
        return 0;
    }

    return 1;
}


static int
ar_render_soft(const char *md, ar_article_t *a)
{
    return ar_render_with(AR_NEWLINE_SOFT, 0, 0, md, strlen(md), a);
}


static int
ar_block_is(unsigned flags, const char *in, size_t len, const char *out)
{
    int       ok;
    ar_buf_t  b;

    memset(&b, 0, sizeof(ar_buf_t));

    ok = ar_int_is("ar_block_transform() rc",
                   ar_block_transform(in, len, flags, &b), AR_OK)
         && ar_buf_is(&b, out);

    ar_buf_free(&b);

    return ok;
}


static int
ar_fm(const char *src, size_t len, ar_meta_t *meta, size_t *body)
{
    return ar_int_is("ar_frontmatter_parse() rc",
                     ar_frontmatter_parse(src, len, meta, body), AR_OK);
}


/* the key's value is the string; NULL: the key is absent */

static int
ar_meta_is(const ar_meta_t *meta, const char *key, const char *value)
{
    const ar_meta_item_t  *item;

    item = ar_meta_find(meta, key, strlen(key));

    if (value == NULL) {
        if (item == NULL) {
            return 1;
        }

        return ar_fail(ar_meta_value(meta, item), item->value_len,
                       "no value for", key, strlen(key));
    }

    if (item == NULL) {
        return ar_fail(NULL, 0, "a value for", key, strlen(key));
    }

    return ar_is(ar_meta_value(meta, item), item->value_len, value,
                 strlen(value));
}


/* renders the article and fills the template with it */

static int
ar_page_is(const char *tpl_text, const char *md, const char *expected)
{
    int                  ok;
    ar_buf_t             page;
    ar_article_t         a;
    ar_template_t        tpl;
    ar_template_error_t  err;

    memset(&page, 0, sizeof(ar_buf_t));

    if (ar_template_parse(&tpl, tpl_text, strlen(tpl_text), &err) != AR_OK)
    {
        ar_diag_str("# got: template error: ");
        ar_diag_str(err.msg);
        ar_diag_str("\n");
        return 0;
    }

    ok = ar_render_soft(md, &a)
         && ar_int_is("ar_template_expand() rc",
                      ar_template_expand(&tpl, &a, AR_S("file"), &page),
                      AR_OK)
         && ar_buf_is(&page, expected);

    ar_article_free(&a);
    ar_buf_free(&page);
    ar_template_free(&tpl);

    return ok;
}


static int
ar_tpl_fails(const char *text, unsigned line, const char *msg)
{
    int                  ok;
    ar_template_t        tpl;
    ar_template_error_t  err;

    ok = ar_int_is("ar_template_parse() rc",
                   ar_template_parse(&tpl, text, strlen(text), &err),
                   AR_ERROR)
         && ar_int_is("error line", err.line, line)
         && ar_is(err.msg, strlen(err.msg), msg, strlen(msg));

    ar_template_free(&tpl);

    return ok;
}


/* ar_block: the rules, one case each */

static const ar_block_case_t  ar_block_cases[] = {

    { "block: every line of plain text is a paragraph of its own", AR_H,
      "One.\nTwo.\nThree.\n",
      "One.\n\nTwo.\n\nThree.\n" },

    { "block: text with a blank line between blocks is returned as it is",
      AR_H,
      "Title\nwrapped line.\n\n- a\nlazy\n\n| a |\n|---|\nrow\n",
      "Title\nwrapped line.\n\n- a\nlazy\n\n| a |\n|---|\nrow\n" },

    { "block: blank lines before the first and after the last line are no"
      " blank lines between blocks", AR_H,
      "\n\nOne.\nTwo.\n\n",
      "\n\nOne.\n\nTwo.\n\n" },

    { "block: blank lines inside fenced code are no blank lines between"
      " blocks", AR_H,
      "One.\n```\nx\n\ny\n```\nTwo.\n",
      "One.\n\n```\nx\n\ny\n```\n\nTwo.\n" },

    { "block: a fenced code block is kept as written", AR_H,
      "Code:\n~~~ sh\nSection Title\n- item\na | b\n--|--\n> q\n~~~\nEnd.\n",
      "Code:\n\n~~~ sh\nSection Title\n- item\na | b\n--|--\n> q\n~~~\n\n"
      "End.\n" },

    { "block: a fence closes only with as many of its characters", AR_H,
      "````\n```\nstill code\n````\nEnd.\n",
      "````\n```\nstill code\n````\n\nEnd.\n" },

    { "block: an unclosed fence runs to the end of the text", AR_H,
      "One.\n```\ncode\nmore\n",
      "One.\n\n```\ncode\nmore\n" },

    { "block: consecutive list items are one list", AR_H,
      "Items:\n- a\n* b\n+ c\n1. d\n2) e\nAfter.\n",
      "Items:\n\n- a\n* b\n+ c\n1. d\n2) e\n\nAfter.\n" },

    { "block: indented lines under a list item stay in the list", AR_H,
      "- a\n  more a\n\tand more\n  - nested\n- b\nAfter.\n",
      "- a\n  more a\n\tand more\n  - nested\n- b\n\nAfter.\n" },

    { "block: a line after a list is no lazy continuation", AR_H,
      "- a\nNot in the list.\n",
      "- a\n\nNot in the list.\n" },

    { "block: a fence inside a list item stays in the list", AR_H,
      "- a\n  ```\ncode\n  ```\n- b\nAfter.\n",
      "- a\n  ```\ncode\n  ```\n- b\n\nAfter.\n" },

    { "block: header, delimiter and body rows are one table", AR_H,
      "Table:\nA | B | C |\n---|:-:|--:|\n1 | 2 | 3 |\n4 | 5 | 6 |\nAfter.\n",
      "Table:\n\nA | B | C |\n---|:-:|--:|\n1 | 2 | 3 |\n4 | 5 | 6 |\n\n"
      "After.\n" },

    { "block: leading pipes and escaped pipes count as GFM counts them",
      AR_H,
      "| a | b \\| c |\n|:--|---|\n| 1 | 2 |\nAfter.\n",
      "| a | b \\| c |\n|:--|---|\n| 1 | 2 |\n\nAfter.\n" },

    { "block: a delimiter row with another number of cells makes no table",
      AR_H,
      "A | B.\n---|---|---\nAfter.\n",
      "A | B.\n\n---|---|---\n\nAfter.\n" },

    { "block: a list item after a table ends it", AR_H,
      "a | b\n--|--\n1 | 2\n- x | y\n",
      "a | b\n--|--\n1 | 2\n\n- x | y\n" },

    { "block: consecutive > lines are one quote of one block per line", AR_H,
      "> One.\n> Two\n>Three\n> > Four.\n> > Five.\nAfter.\n",
      "> One.\n>\n> Two\n>\n> Three\n>\n> > Four.\n> >\n> > Five.\n\n"
      "After.\n" },

    { "block: a quote that has blank lines is kept", AR_H,
      "> One\n> two.\n>\n> Three.\nAfter.\n",
      "> One\n> two.\n>\n> Three.\n\nAfter.\n" },

    { "block: quotes nested deeper than eight are kept as written", AR_H,
      "> > > > > > > > > a\n> > > > > > > > > b\n",
      "> > > > > > > > > a\n> > > > > > > > > b\n" },

    { "block: consecutive lines indented by four are one code block", AR_H,
      "Code:\n    x = 1\n\ty = 2\nAfter.\n",
      "Code:\n\n    x = 1\n\ty = 2\n\nAfter.\n" },

    { "block: CRLF line ends are kept, the blank lines put in are LF", AR_H,
      "One.\r\nTwo.\r\nSection\r\nThree.",
      "One.\r\n\nTwo.\r\n\n## Section\r\n\nThree." },

    { "block: a lone CR ends a line", AR_H,
      "One.\rTwo.\r",
      "One.\r\rTwo.\r" },

    { "block: empty text stays empty", AR_H, "", "" },

    /* the section title rule */

    { "title: a short line followed by text becomes a level 2 heading",
      AR_H,
      "Intro.\nWhat Happens Next\nText.\n",
      "Intro.\n\n## What Happens Next\n\nText.\n" },

    { "title: the last line is no heading", AR_H,
      "Text.\nClosing words\n",
      "Text.\n\nClosing words\n" },

    { "title: a line followed by a blank line is no heading", AR_H,
      "Text.\nClosing words\n\n",
      "Text.\n\nClosing words\n\n" },

    { "title: lines ending in . ! ? : ; , are no headings", AR_H,
      "a.\nb!\nc?\nd:\ne;\nf,\ng.\n",
      "a.\n\nb!\n\nc?\n\nd:\n\ne;\n\nf,\n\ng.\n" },

    { "title: the rule looks at the last character before trailing"
      " blanks", AR_H,
      "Done. \t\nNext Part  \nx\n",
      "Done. \t\n\n## Next Part\n\nx\n" },

    { "title: list items, quotes, table rows and code are no headings",
      AR_H,
      "- Item\n> Quote\nA | B\n--|--\nC | D\n    Code\nx\n",
      "- Item\n\n> Quote\n\nA | B\n--|--\nC | D\n\n    Code\n\nx\n" },

    { "title: ATX headings, thematic breaks, HTML and definitions are no"
      " headings", AR_H,
      "# Heading\n***\n<div>\n[a]: http://x/\n[^n]: Note\nx\n",
      "# Heading\n\n***\n\n<div>\n\n[a]: http://x/\n\n[^n]: Note\n\nx\n" },

    { "title: leading blanks are dropped from the heading", AR_H,
      "   Indented Title\nx\n",
      "## Indented Title\n\nx\n" },

    { "title: a line without a letter or a digit is no heading", AR_H,
      "=====\n-- | --\n(...)\n\xC3\xA9t\xC3\xA9\n42\nx\n",
      "=====\n\n-- | --\n\n(...)\n\n## \xC3\xA9t\xC3\xA9\n\n## 42\n\nx\n" },

    { "title: a closing run of # is escaped, an inner one kept", AR_H,
      "Part #\nC# and F#\nSeven #######\nx\n",
      "## Part \\#\n\n## C# and F#\n\n## Seven \\#######\n\nx\n" },

    { "title: headings off: section titles stay paragraphs", 0,
      "Intro.\nWhat Happens Next\nText.\n",
      "Intro.\n\nWhat Happens Next\n\nText.\n" },

    { "title: no heading is made inside a quote", AR_H,
      "> Quote Title\n> Quote text.\n",
      "> Quote Title\n>\n> Quote text.\n" }
};


static int
ar_run_block_case(const ar_block_case_t *c)
{
    return ar_block_is(c->flags, c->in, strlen(c->in), c->out);
}


static int
t_block_title_length(void)
{
    int    ok;
    char   in[1024], out[1024];
    size_t  i;

    /* 100 characters */

    memset(in, 'x', 100);
    memcpy(in + 100, "\nText.\n", 8);
    memcpy(out, "## ", 3);
    memset(out + 3, 'x', 100);
    memcpy(out + 103, "\n\nText.\n", 9);

    ok = ar_block_is(AR_H, in, strlen(in), out);

    /* 101 characters */

    memset(in, 'x', 101);
    memcpy(in + 101, "\nText.\n", 8);
    memset(out, 'x', 101);
    memcpy(out + 101, "\n\nText.\n", 9);

    ok = ok && ar_block_is(AR_H, in, strlen(in), out);

    /* 100 two-byte characters are 100 characters */

    for (i = 0; i < 100; i++) {
        memcpy(in + 2 * i, "\xC3\xA9", 2);
    }

    memcpy(in + 200, "\nText.\n", 8);
    memcpy(out, "## ", 3);
    memcpy(out + 3, in, 200);
    memcpy(out + 203, "\n\nText.\n", 9);

    return ok && ar_block_is(AR_H, in, strlen(in), out);
}


/* NUL bytes are ordinary bytes, also at the end of a title line */

static int
t_block_nul_bytes(void)
{
    int       ok;
    ar_buf_t  a, b;

    memset(&a, 0, sizeof(ar_buf_t));
    memset(&b, 0, sizeof(ar_buf_t));

    ok = ar_int_is("rc", ar_block_transform(AR_S("a\0b.\nc.\n"), AR_H, &a),
                   AR_OK)
         && ar_is(a.data, a.len, AR_S("a\0b.\n\nc.\n"))
         && ar_int_is("rc", ar_block_transform(AR_S("A\0\nb.\n"), AR_H, &b),
                      AR_OK)
         && ar_is(b.data, b.len, AR_S("## A\0\n\nb.\n"));

    ar_buf_free(&a);
    ar_buf_free(&b);

    return ok;
}


/*
 * Random texts of block-ish pieces: the transform never fails, is its
 * own fixed point (its output has its blank lines already), and what it
 * makes renders, with no id twice on the page.
 */

static int
t_block_random(void)
{
    static const char  *pieces[] = {
        "- ", "1. ", "> ", "| ", "|", "---", "```", "~~~", "#", "## ",
        "    ", "\t", " ", "a", "Title", ".", ":", "\n", "\n", "\n",
        "\r\n", "\r", "\\", "[x]: y", "<b>", "\xC3\xA9", "\xFF", "[^1]",
        "[^1]: n", "fn-1", "--|--", "Same"
    };

    int           ok, round, k, n;
    char          text[2048];
    const char   *piece;
    size_t        len, plen;
    uint32_t      seed;
    ar_buf_t      once, twice;
    ar_article_t  a;

    seed = 2463534242u;
    ok = 1;

    for (round = 0; ok && round < 3000; round++) {
        seed = seed * 1103515245u + 12345u;
        n = 1 + (seed >> 16) % 80;
        len = 0;

        for (k = 0; k < n; k++) {
            seed = seed * 1103515245u + 12345u;
            piece = pieces[(seed >> 16) % (sizeof(pieces) / sizeof(pieces[0]))];
            plen = strlen(piece);

            if (len + plen >= sizeof(text)) {
                break;
            }

            memcpy(text + len, piece, plen);
            len += plen;
        }

        memset(&once, 0, sizeof(ar_buf_t));
        memset(&twice, 0, sizeof(ar_buf_t));

        ok = ar_int_is("first rc", ar_block_transform(text, len, AR_H, &once),
                       AR_OK)
             && ar_int_is("second rc",
                          ar_block_transform(once.data, once.len, AR_H,
                                             &twice),
                          AR_OK)
             && ar_is(twice.data, twice.len, once.data, once.len);

        if (ok) {
            ok = ar_render_with(AR_NEWLINE_BLOCK, 0, round & 1, text, len,
                                &a)
                 && ar_ids_unique(&a.html);

            ar_article_free(&a);
        }

        if (!ok) {
            ar_diag_str("# for the text: ");
            ar_diag_quote(text, len);
            ar_diag_str("\n");
        }

        ar_buf_free(&once);
        ar_buf_free(&twice);
    }

    return ok;
}


/* ar_frontmatter */

static int
t_fm_basic(void)
{
    int          ok;
    size_t       body;
    ar_meta_t    m;
    const char  *src;

    src = "---\ntitle: Field Notes\ndescription: Counts & methods\n---\n"
          "# Heading\n";

    ok = ar_fm(src, strlen(src), &m, &body)
         && ar_int_is("body", body, strlen(src) - strlen("# Heading\n"))
         && ar_int_is("invalid", m.invalid, 0)
         && ar_meta_is(&m, "title", "Field Notes")
         && ar_meta_is(&m, "description", "Counts &amp; methods")
         && ar_meta_is(&m, "author", NULL);

    ar_meta_free(&m);

    return ok;
}


static int
t_fm_delimiters(void)
{
    int          ok;
    size_t       body;
    ar_meta_t    m;
    const char  *src;

    /* "..." closes; blanks after the marks; CRLF */

    src = "--- \r\na: 1\r\n... \t\r\nText\r\n";

    ok = ar_fm(src, strlen(src), &m, &body)
         && ar_int_is("body", body, strlen(src) - strlen("Text\r\n"))
         && ar_meta_is(&m, "a", "1");

    ar_meta_free(&m);

    /* a byte order mark before the front matter */

    src = "\xEF\xBB\xBF---\na: 2\n---\nText\n";

    ok = ok
         && ar_fm(src, strlen(src), &m, &body)
         && ar_int_is("body after a BOM", body, strlen(src) - 5)
         && ar_meta_is(&m, "a", "2");

    ar_meta_free(&m);

    /* front matter only, with and without the last line end */

    src = "---\ntitle: T\n---\n";

    ok = ok
         && ar_fm(src, strlen(src), &m, &body)
         && ar_int_is("body of front matter only", body, strlen(src));

    ar_meta_free(&m);

    src = "---\ntitle: T\n---";

    ok = ok
         && ar_fm(src, strlen(src), &m, &body)
         && ar_int_is("body without the last line end", body, strlen(src))
         && ar_meta_is(&m, "title", "T");

    ar_meta_free(&m);

    return ok;
}


static int
t_fm_not_front_matter(void)
{
    size_t       i, body;
    ar_meta_t    m;
    const char  *src[] = {
        "---\ntitle: no closing line\n",
        "\n---\ntitle: not at the start\n---\n",
        "--- title: x\n---\n",
        "----\na: 1\n----\n",
        "Text\n---\na: 1\n---\n",
        "---\n\nIntro between two thematic breaks.\n\n---\nMore.\n",
        "---\n- a list\n- of items\n---\n"
    };

    for (i = 0; i < sizeof(src) / sizeof(src[0]); i++) {

        if (!ar_fm(src[i], strlen(src[i]), &m, &body)
            || !ar_int_is("body", body, 0)
            || !ar_int_is("invalid", m.invalid, 0)
            || !ar_int_is("keys", m.nitems, 0))
        {
            ar_diag_str("# for: ");
            ar_diag_quote(src[i], strlen(src[i]));
            ar_diag_str("\n");
            ar_meta_free(&m);
            return 0;
        }

        ar_meta_free(&m);
    }

    return 1;
}


static int
t_fm_empty(void)
{
    int          ok;
    size_t       body;
    ar_meta_t    m;
    const char  *src;

    src = "---\n# only a comment\n\n---\nText\n";

    ok = ar_fm(src, strlen(src), &m, &body)
         && ar_int_is("body", body, strlen(src) - 5)
         && ar_int_is("keys", m.nitems, 0)
         && ar_int_is("invalid", m.invalid, 0);

    ar_meta_free(&m);

    return ok;
}


static int
t_fm_invalid(void)
{
    int          ok;
    size_t       body;
    ar_meta_t    m;
    const char  *src;

    src = "---\ntitle: ok\nbad: [unclosed\nmore: x\n---\nText\n";

    ok = ar_fm(src, strlen(src), &m, &body)
         && ar_int_is("body", body, 0)
         && ar_int_is("invalid", m.invalid, 1)
         && ar_int_is("keys", m.nitems, 0)
         && ar_int_is("error says the line",
                      strstr(m.error, " at line ") != NULL, 1)
         && ar_int_is("error is terminated",
                      memchr(m.error, '\0', AR_META_ERR_LEN) != NULL, 1);

    ar_meta_free(&m);

    /* a tab where YAML wants indentation */

    src = "---\na:\n\t- b\n---\nText\n";

    ok = ok
         && ar_fm(src, strlen(src), &m, &body)
         && ar_int_is("tab: body", body, 0)
         && ar_int_is("tab: invalid", m.invalid, 1);

    ar_meta_free(&m);

    /* invalid UTF-8 */

    src = "---\na: \xFF\n---\nText\n";

    ok = ok
         && ar_fm(src, strlen(src), &m, &body)
         && ar_int_is("UTF-8: body", body, 0)
         && ar_int_is("UTF-8: invalid", m.invalid, 1)
         && ar_int_is("UTF-8: line 2", strstr(m.error, "line 2") != NULL, 1);

    ar_meta_free(&m);

    return ok;
}


static int
t_fm_values(void)
{
    int          ok;
    size_t       body;
    ar_meta_t    m;
    const char  *src;

    src = "---\n"
          "html: \"<b>&\\\"'\"\n"
          "tilde: ~\n"
          "null: null\n"
          "empty:\n"
          "quoted: \"null\"\n"
          "number: 42\n"
          "list: [a, b]\n"
          "map: {a: 1}\n"
          "dup: first\n"
          "dup: last\n"
          "ctrl: \"a\\0b\\x01c\\td\"\n"
          "folded: >\n  one\n  two\n"
          "anchor: &x shared\n"
          "alias: *x\n"
          "? [complex, key]\n"
          ": value\n"
          "---\n";

    ok = ar_fm(src, strlen(src), &m, &body)
         && ar_int_is("body", body, strlen(src))
         && ar_meta_is(&m, "html", "&lt;b&gt;&amp;&quot;&#39;")
         && ar_meta_is(&m, "tilde", "")
         && ar_meta_is(&m, "null", "")
         && ar_meta_is(&m, "empty", "")
         && ar_meta_is(&m, "quoted", "null")
         && ar_meta_is(&m, "number", "42")
         && ar_meta_is(&m, "list", NULL)
         && ar_meta_is(&m, "map", NULL)
         && ar_meta_is(&m, "dup", "last")
         && ar_meta_is(&m, "ctrl", "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\td")
         && ar_meta_is(&m, "folded", "one two\n")
         && ar_meta_is(&m, "alias", "shared");

    ar_meta_free(&m);

    return ok;
}


/* ar_slug */

static const ar_slug_case_t  ar_slug_cases[] = {
    { "slug: lower case, punctuation dropped, spaces to -",
      "Hello, World!", "hello-world" },
    { "slug: every space is a -, none merged", "Art & co", "art--co" },
    { "slug: - and _ are kept", "snake_case and-dash", "snake_case-and-dash" },
    { "slug: digits are kept, dots dropped", "1.2.3 Release", "123-release" },
    { "slug: accented Latin letters are lower-cased and kept",
      "\xC3\x9C" "ber Stra\xC3\x9F" "e", "\xC3\xBC" "ber-stra\xC3\x9F" "e" },
    { "slug: Cyrillic letters are lower-cased and kept",
      "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 \xD0\x9C\xD0\xB8"
      "\xD1\x80",
      "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82-\xD0\xBC\xD0\xB8"
      "\xD1\x80" },
    { "slug: CJK letters are kept", "\xE4\xB8\xAD\xE6\x96\x87 \xE6\xA0\x87",
      "\xE4\xB8\xAD\xE6\x96\x87-\xE6\xA0\x87" },
    { "slug: combining marks are kept", "Cafe\xCC\x81", "cafe\xCC\x81" },
    { "slug: emoji and dashes beyond ASCII are dropped",
      "Party \xF0\x9F\x8E\x89 \xE2\x80\x94 now", "party---now" },
    { "slug: invalid UTF-8 bytes are dropped", "a\xFF" "b\xC3", "ab" },
    { "slug: nothing left is nothing", "?!", "" }
};


static int
ar_run_slug_case(const ar_slug_case_t *c)
{
    int       ok;
    ar_buf_t  b;

    memset(&b, 0, sizeof(ar_buf_t));

    ok = ar_int_is("rc", ar_slug_text(&b, c->text, strlen(c->text)), AR_OK)
         && ar_buf_is(&b, c->slug);

    ar_buf_free(&b);

    return ok;
}


static int
t_slug_unique(void)
{
    int          ok;
    size_t       i;
    ar_buf_t     b;
    ar_slugs_t   s;
    const char  *in[] = { "x", "x", "x-1", "x", "", "", "fn-1", "fn-1" };
    const char  *out[] = { "x", "x-1", "x-1-1", "x-2", "section",
                           "section-1", "fn-1-1", "fn-1-2" };

    memset(&s, 0, sizeof(ar_slugs_t));

    ok = ar_int_is("reserve rc", ar_slugs_reserve(&s, AR_S("fn-1")), AR_OK);

    for (i = 0; ok && i < sizeof(in) / sizeof(in[0]); i++) {
        memset(&b, 0, sizeof(ar_buf_t));

        ok = ar_int_is("append rc", ar_buf_append(&b, in[i], strlen(in[i])),
                       AR_OK)
             && ar_int_is("unique rc", ar_slugs_unique(&s, &b), AR_OK)
             && ar_buf_is(&b, out[i]);

        ar_buf_free(&b);
    }

    ar_slugs_free(&s);

    return ok;
}


static int
t_slug_many(void)
{
    int         ok;
    char        expect[32];
    size_t      i;
    ar_buf_t    b;
    ar_slugs_t  s;

    memset(&s, 0, sizeof(ar_slugs_t));
    memset(&b, 0, sizeof(ar_buf_t));

    ok = 1;

    /* the table grows and keeps every name */

    for (i = 0; ok && i < 5000; i++) {
        b.len = 0;

        ok = ar_int_is("append rc", ar_buf_append(&b, AR_S("same")), AR_OK)
             && ar_int_is("unique rc", ar_slugs_unique(&s, &b), AR_OK);

        if (ok && i > 0) {
            snprintf(expect, sizeof(expect), "same-%u", (unsigned) i);
            ok = ar_buf_is(&b, expect);
        }
    }

    ok = ok && ar_int_is("names", s.n, 5000);

    ar_buf_free(&b);
    ar_slugs_free(&s);

    return ok;
}


/* heading ids, anchors and the table of contents, through a render */

static int
t_heading_markup(void)
{
    int           ok;
    ar_article_t  a;

    ok = ar_render_soft("## Method\n\nText.\n", &a)
         && ar_buf_is(&a.html, "<h2 id=\"method\">Method" AR_ANCHOR("method")
                               "</h2>\n<p>Text.</p>\n");

    ar_article_free(&a);

    return ok;
}


static int
t_heading_levels(void)
{
    int           ok;
    ar_article_t  a;

    ok = ar_render_soft("# One\n\n###### Six\n\nSetext\n---\n", &a)
         && ar_has(&a.html, "<h1 id=\"one\">One" AR_ANCHOR("one") "</h1>")
         && ar_has(&a.html, "<h6 id=\"six\">Six" AR_ANCHOR("six") "</h6>")
         && ar_has(&a.html, "<h2 id=\"setext\">Setext" AR_ANCHOR("setext")
                            "</h2>");

    ar_article_free(&a);

    return ok;
}


static int
t_heading_duplicates(void)
{
    int           ok;
    ar_article_t  a;

    ok = ar_render_soft("## Notes\n\n## Notes\n\n## Notes-1\n\n## Notes\n",
                        &a)
         && ar_has(&a.html, "<h2 id=\"notes\">")
         && ar_has(&a.html, "<h2 id=\"notes-1\">")
         && ar_has(&a.html, "<h2 id=\"notes-1-1\">")
         && ar_has(&a.html, "<h2 id=\"notes-2\">")
         && ar_ids_unique(&a.html);

    ar_article_free(&a);

    return ok;
}


static int
t_heading_inline_text(void)
{
    int           ok;
    ar_article_t  a;

    /* the slug is the text: code and links kept, images and HTML not */

    ok = ar_render_soft("## The `ar_buf` [type](http://x/) ![logo](l.png)"
                        " *now*\n", &a)
         && ar_has(&a.html, "<h2 id=\"the-ar_buf-type--now\">The <code>"
                            "ar_buf</code> <a href=\"http://x/\">type</a> "
                            "<img src=\"l.png\" alt=\"logo\" /> <em>now</em>"
                            AR_ANCHOR("the-ar_buf-type--now") "</h2>");

    ar_article_free(&a);

    return ok;
}


static int
t_heading_footnote_ids(void)
{
    int           ok;
    ar_article_t  a;

    ok = ar_render_soft("## fn-1\n\n## fnref-1\n\n## fnref-1-2\n\n"
                        "Text[^1] and again[^1].\n\n[^1]: The note.\n", &a)
         && ar_has(&a.html, "<h2 id=\"fn-1-1\">")
         && ar_has(&a.html, "<h2 id=\"fnref-1-1\">")
         && ar_has(&a.html, "<h2 id=\"fnref-1-2-1\">")
         && ar_has(&a.html, "<li id=\"fn-1\">")
         && ar_has(&a.html, "id=\"fnref-1\"")
         && ar_has(&a.html, "id=\"fnref-1-2\"")
         && ar_ids_unique(&a.html);

    ar_article_free(&a);

    return ok;
}


static int
t_heading_no_footnotes(void)
{
    int           ok;
    ar_article_t  a;

    /* without footnotes, fn-1 is a heading's like any other */

    ok = ar_render_soft("## fn-1\n\nText.\n", &a)
         && ar_has(&a.html, "<h2 id=\"fn-1\">");

    ar_article_free(&a);

    return ok;
}


static int
t_heading_safe(void)
{
    int           ok;
    ar_article_t  a, u;

    memset(&u, 0, sizeof(ar_article_t));

    ok = ar_render_soft("## <img src=x onerror=alert(1)> Bad\n", &a)
         && ar_has(&a.html, "<h2 id=\"img-srcx-onerroralert1-bad\">"
                            "&lt;img src=x onerror=alert(1)&gt; Bad<a ")
         && ar_lacks(&a.html, "<img")
         && ar_render_with(AR_NEWLINE_SOFT, 0, 1,
                           AR_S("## <b>Bold</b> text\n"), &u)
         && ar_has(&u.html, "<h2 id=\"bold-text\"><b>Bold</b> text<a ");

    ar_article_free(&a);
    ar_article_free(&u);

    return ok;
}


static int
t_toc_nested(void)
{
    int           ok;
    ar_article_t  a;

    ok = ar_render_soft("# Title\n\n### Early\n\n## One\n\n### One A\n\n"
                        "#### Deep\n\n### One B\n\n## Two & *more*\n\n"
                        "> ## Quoted\n\n- ## Listed\n", &a)
         && ar_buf_is(&a.toc,
                      "<nav class=\"toc\">\n<ul>\n"
                      "<li><a href=\"#early\">Early</a></li>\n"
                      "<li><a href=\"#one\">One</a>\n<ul>\n"
                      "<li><a href=\"#one-a\">One A</a></li>\n"
                      "<li><a href=\"#one-b\">One B</a></li>\n"
                      "</ul>\n</li>\n"
                      "<li><a href=\"#two--more\">Two &amp; more</a></li>\n"
                      "</ul>\n</nav>\n");

    ar_article_free(&a);

    return ok;
}


static int
t_toc_fewer_than_two(void)
{
    int           ok;
    ar_article_t  a, b;

    memset(&b, 0, sizeof(ar_article_t));

    ok = ar_render_soft("# Title\n\n## Only one\n\n#### Deep\n", &a)
         && ar_buf_is(&a.toc, "")
         && ar_render_soft("Text only.\n", &b)
         && ar_buf_is(&b.toc, "");

    ar_article_free(&a);
    ar_article_free(&b);

    return ok;
}


static int
t_toc_duplicates(void)
{
    int           ok;
    ar_article_t  a;

    ok = ar_render_soft("## Part\n\n## Part\n", &a)
         && ar_has(&a.toc, "<li><a href=\"#part\">Part</a></li>\n"
                           "<li><a href=\"#part-1\">Part</a></li>\n");

    ar_article_free(&a);

    return ok;
}


/*
 * A template without {{toc}} asks for none: the headings keep their
 * ids and the first gives the title all the same.
 */

static int
t_toc_not_asked(void)
{
    int               ok;
    ar_limits_t       limits;
    ar_article_t      a;
    ar_render_conf_t  conf;

    static const char  md[] = "## One\n\n## Two\n\n## One\n";

    memset(&conf, 0, sizeof(ar_render_conf_t));
    memset(&limits, 0, sizeof(ar_limits_t));

    conf.gfm = AR_GFM_ALL;
    conf.notoc = 1;

    ok = ar_int_is("rc", ar_render_article(&conf, &limits, AR_S(md), &a),
                   AR_OK)
         && ar_buf_is(&a.toc, "")
         && ar_buf_is(&a.title, "One")
         && ar_has(&a.html, "<h2 id=\"two\">Two<a ")
         && ar_has(&a.html, "<h2 id=\"one-1\">One<a ");

    ar_article_free(&a);

    return ok;
}


static int
t_tpl_uses(void)
{
    int                  ok;
    ar_template_t        with, without;
    ar_template_error_t  err;

    static const char  a[] = "<nav>{{toc}}</nav>{{content}}";
    static const char  b[] = "<h1>{{title}}</h1>{{content}}";

    ok = ar_int_is("parse", ar_template_parse(&with, AR_S(a), &err), AR_OK)
         && ar_int_is("parse", ar_template_parse(&without, AR_S(b), &err),
                      AR_OK)
         && ar_int_is("{{toc}} found", ar_template_uses(&with, AR_TPL_TOC),
                      1)
         && ar_int_is("no {{toc}}", ar_template_uses(&without, AR_TPL_TOC),
                      0)
         && ar_int_is("{{title}} found",
                      ar_template_uses(&without, AR_TPL_TITLE), 1);

    ar_template_free(&with);
    ar_template_free(&without);

    return ok;
}


/* the front matter through a render */

static int
t_render_front_matter(void)
{
    int           ok;
    ar_article_t  a;

    ok = ar_render_soft("---\ntitle: Front <Title>\ndescription: D\n---\n"
                        "# Heading\n\nText.\n", &a)
         && ar_buf_is(&a.title, "Front &lt;Title&gt;")
         && ar_lacks(&a.html, "description")
         && ar_has(&a.html, "<h1 id=\"heading\">")
         && ar_int_is("invalid", a.meta.invalid, 0);

    ar_article_free(&a);

    return ok;
}


static int
t_render_front_matter_title_lines(void)
{
    int           ok;
    ar_article_t  a, b;

    memset(&b, 0, sizeof(ar_article_t));

    ok = ar_render_soft("---\ntitle: |\n  Two\n  lines\n---\n# H\n", &a)
         && ar_buf_is(&a.title, "Two lines ")
         && ar_render_soft("---\ntitle: \"\"\n---\n# From the heading\n", &b)
         && ar_buf_is(&b.title, "From the heading");

    ar_article_free(&a);
    ar_article_free(&b);

    return ok;
}


static int
t_render_front_matter_invalid(void)
{
    int           ok;
    ar_article_t  a;

    ok = ar_render_soft("---\ntitle: [x\n---\nText.\n", &a)
         && ar_int_is("invalid", a.meta.invalid, 1)
         && ar_has(&a.html, "<hr />")
         && ar_has(&a.html, "title: [x")
         && ar_has(&a.html, "Text.");

    ar_article_free(&a);

    return ok;
}


static int
t_render_front_matter_only(void)
{
    int           ok;
    ar_article_t  a;

    ok = ar_render_soft("---\ntitle: Only\n---\n", &a)
         && ar_buf_is(&a.html, "")
         && ar_buf_is(&a.title, "Only")
         && ar_buf_is(&a.toc, "");

    ar_article_free(&a);

    return ok;
}


/* newline modes through a render */

static int
t_render_hard(void)
{
    int           ok;
    ar_article_t  a, s;

    memset(&s, 0, sizeof(ar_article_t));

    ok = ar_render_with(AR_NEWLINE_HARD, 0, 0, AR_S("one\ntwo\n"), &a)
         && ar_buf_is(&a.html, "<p>one<br />\ntwo</p>\n")
         && ar_render_soft("one\ntwo\n", &s)
         && ar_buf_is(&s.html, "<p>one\ntwo</p>\n");

    ar_article_free(&a);
    ar_article_free(&s);

    return ok;
}


static int
t_render_block(void)
{
    int           ok;
    ar_article_t  a;

    ok = ar_render_with(AR_NEWLINE_BLOCK, 0, 0,
                        AR_S("---\ntitle: T\n---\nFirst.\nSection\n- a\n"
                             "- b\nLast.\n"), &a)
         && ar_buf_is(&a.html, "<p>First.</p>\n<h2 id=\"section\">Section"
                               AR_ANCHOR("section") "</h2>\n<ul>\n"
                               "<li>a</li>\n<li>b</li>\n</ul>\n"
                               "<p>Last.</p>\n")
         && ar_buf_is(&a.title, "T");

    ar_article_free(&a);

    return ok;
}


static int
t_render_block_noheadings(void)
{
    int           ok;
    ar_article_t  a;

    ok = ar_render_with(AR_NEWLINE_BLOCK, 1, 0, AR_S("First.\nSection\n"
                                                     "Last.\n"), &a)
         && ar_buf_is(&a.html, "<p>First.</p>\n<p>Section</p>\n"
                               "<p>Last.</p>\n");

    ar_article_free(&a);

    return ok;
}


static int
t_render_block_blank_lines_as_soft(void)
{
    int           ok;
    ar_article_t  a, b;
    const char   *md;

    md = "# Title\nstill title?\n\nA paragraph\nwrapped.\n\n- a\nlazy\n\n"
         "| a | b |\n|---|---|\n| 1 | 2 |\nrow\n";

    memset(&b, 0, sizeof(ar_article_t));

    ok = ar_render_soft(md, &a)
         && ar_render_with(AR_NEWLINE_BLOCK, 0, 0, md, strlen(md), &b)
         && ar_is(b.html.data, b.html.len, a.html.data, a.html.len);

    ar_article_free(&a);
    ar_article_free(&b);

    return ok;
}


/* templates */

static int
t_tpl_meta(void)
{
    return ar_page_is("<meta content=\"{{meta.description}}\">"
                      "[{{ meta.title }}][{{meta.none}}][{{meta.x-y.z_1}}]"
                      "{{content}}",
                      "---\ndescription: \"A \\\"quoted\\\" <b>\"\n"
                      "title: T\nx-y.z_1: odd\n---\nText.\n",
                      "<meta content=\"A &quot;quoted&quot; &lt;b&gt;\">"
                      "[T][][odd]<p>Text.</p>\n");
}


static int
t_tpl_meta_absent(void)
{
    return ar_page_is("[{{meta.description}}]{{content}}", "Text.\n",
                      "[]<p>Text.</p>\n");
}


static int
t_tpl_toc(void)
{
    return ar_page_is("{{toc}}|{{ toc }}|{{content}}",
                      "## A\n\n## B\n",
                      "<nav class=\"toc\">\n<ul>\n"
                      "<li><a href=\"#a\">A</a></li>\n"
                      "<li><a href=\"#b\">B</a></li>\n</ul>\n</nav>\n|"
                      "<nav class=\"toc\">\n<ul>\n"
                      "<li><a href=\"#a\">A</a></li>\n"
                      "<li><a href=\"#b\">B</a></li>\n</ul>\n</nav>\n|"
                      "<h2 id=\"a\">A" AR_ANCHOR("a") "</h2>\n"
                      "<h2 id=\"b\">B" AR_ANCHOR("b") "</h2>\n");
}


static int
t_tpl_toc_empty(void)
{
    return ar_page_is("[{{toc}}]{{content}}", "## A\n", "[]<h2 id=\"a\">A"
                      AR_ANCHOR("a") "</h2>\n");
}


static int
t_tpl_unknown_meta(void)
{
    return ar_tpl_fails("{{content}}\n{{meta.}}", 2,
                        "unknown placeholder \"{{meta.}}\"")
           && ar_tpl_fails("{{content}}{{meta}}", 1,
                           "unknown placeholder \"{{meta}}\"")
           && ar_tpl_fails("{{content}}{{Meta.x}}", 1,
                           "unknown placeholder \"{{Meta.x}}\"")
           && ar_tpl_fails("{{content}}{{tocs}}", 1,
                           "unknown placeholder \"{{tocs}}\"");
}


static int
t_tpl_builtin_description(void)
{
    int                  ok;
    ar_buf_t             page;
    ar_article_t         a;
    ar_template_t        tpl;
    ar_template_error_t  err;

    memset(&page, 0, sizeof(ar_buf_t));

    if (ar_template_parse(&tpl, ar_template_builtin,
                          strlen(ar_template_builtin), &err)
        != AR_OK)
    {
        ar_diag_str("# got: the built-in template does not parse\n");
        return 0;
    }

    ok = ar_render_soft("---\ndescription: Counts & \"notes\"\n---\nText.\n",
                        &a)
         && ar_int_is("rc", ar_template_expand(&tpl, &a, AR_S("f"), &page),
                      AR_OK)
         && ar_has(&page, "<meta name=\"description\" content=\"Counts "
                          "&amp; &quot;notes&quot;\">\n");

    ar_article_free(&a);
    ar_buf_free(&page);
    ar_template_free(&tpl);

    return ok;
}


static const ar_test_t  ar_tests[] = {

    { "title: at most 100 characters, counted as characters, not bytes",
      t_block_title_length },
    { "block: NUL bytes neither end a line nor stop a title",
      t_block_nul_bytes },
    { "block: random texts transform to a fixed point and render with"
      " unique ids", t_block_random },

    { "front matter: scalar keys become escaped metadata, the body follows",
      t_fm_basic },
    { "front matter: ... closes, blanks after marks, CRLF, BOM, front"
      " matter only", t_fm_delimiters },
    { "front matter: no closing line, not at the start, other marks,"
      " scalars and sequences are no front matter", t_fm_not_front_matter },
    { "front matter: blanks and comments only are empty front matter",
      t_fm_empty },
    { "front matter: YAML that does not parse is invalid, with its line",
      t_fm_invalid },
    { "front matter: nulls, quotes, duplicates, controls, folding, aliases;"
      " lists and maps left out", t_fm_values },

    { "slug: repeated slugs get -1, -2, never one taken or reserved",
      t_slug_unique },
    { "slug: five thousand repeats get distinct ids", t_slug_many },

    { "heading: an id and a self-link anchor inside the heading",
      t_heading_markup },
    { "heading: ATX levels one to six and setext headings get ids",
      t_heading_levels },
    { "heading: duplicate headings get -1, -2 after the first",
      t_heading_duplicates },
    { "heading: the slug is the heading's text, without images",
      t_heading_inline_text },
    { "heading: heading ids never collide with footnote ids",
      t_heading_footnote_ids },
    { "heading: without footnotes fn-1 is an ordinary id",
      t_heading_no_footnotes },
    { "heading: safe mode still escapes raw HTML in headings, unsafe"
      " passes it", t_heading_safe },
    { "toc: h2 and h3 of the article, h3 nested under its h2",
      t_toc_nested },
    { "toc: empty with fewer than two h2-h3 headings",
      t_toc_fewer_than_two },
    { "toc: links follow the duplicate ids", t_toc_duplicates },
    { "toc: none made when not asked for, ids and title still are",
      t_toc_not_asked },
    { "template: ar_template_uses() finds a placeholder's type",
      t_tpl_uses },

    { "render: front matter is not rendered, its title is the title",
      t_render_front_matter },
    { "render: a front matter title has line ends as spaces; an empty one"
      " does not count", t_render_front_matter_title_lines },
    { "render: invalid front matter is Markdown and flagged",
      t_render_front_matter_invalid },
    { "render: front matter only gives an empty article with its title",
      t_render_front_matter_only },
    { "render: newline hard makes line breaks, soft does not",
      t_render_hard },
    { "render: newline block makes blocks of lines after the front matter",
      t_render_block },
    { "render: newline block noheadings leaves section titles paragraphs",
      t_render_block_noheadings },
    { "render: text with blank lines renders alike under soft and block",
      t_render_block_blank_lines_as_soft },

    { "template: {{meta.KEY}} gives the escaped value", t_tpl_meta },
    { "template: {{meta.KEY}} of an absent key is empty",
      t_tpl_meta_absent },
    { "template: {{toc}} gives the table of contents", t_tpl_toc },
    { "template: {{toc}} is empty with fewer than two headings",
      t_tpl_toc_empty },
    { "template: {{meta.}}, {{meta}}, {{Meta.x}} and {{tocs}} are unknown",
      t_tpl_unknown_meta },
    { "template: the built-in page carries the description meta",
      t_tpl_builtin_description }
};


int
main(void)
{
    size_t  i, ntests, nblock, nslug;

    ntests = sizeof(ar_tests) / sizeof(ar_tests[0]);
    nblock = sizeof(ar_block_cases) / sizeof(ar_block_cases[0]);
    nslug = sizeof(ar_slug_cases) / sizeof(ar_slug_cases[0]);

    ar_tap_plan(nblock + nslug + ntests);

    if (ar_render_init() != AR_OK) {
        printf("Bail out! ar_render_init() failed\n");
        return 1;
    }

    for (i = 0; i < nblock; i++) {
        ar_tap_result(ar_block_cases[i].name,
                      ar_run_block_case(&ar_block_cases[i]));
    }

    for (i = 0; i < nslug; i++) {
        ar_tap_result(ar_slug_cases[i].name,
                      ar_run_slug_case(&ar_slug_cases[i]));
    }

    ar_tap_run(ar_tests, ntests);

    return ar_tap_done();
}
