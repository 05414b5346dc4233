/*
 * libFuzzer target over the article core: Markdown bytes in, a page out,
 * the way a worker renders an article (ar_render_article, then
 * ar_template_expand), with the options taken from the first input bytes.
 *
 * Input layout:
 *
 *   byte 0   bits 0-5  GFM extensions (AR_GFM_* bits, as configured by
 *                      "article_render_gfm")
 *            bit 6     raw HTML passed ("article_render_html unsafe")
 *            bit 7     a template of the input's own: byte 2 is its
 *                      length, it follows the header, and the Markdown
 *                      follows it; one that does not parse is a
 *                      configuration error, so the built-in one is used
 *   byte 1   bits 0-1  newline mode: soft, hard, block, block without
 *                      section titles ("article_render_newline")
 *            bits 2-3  budgets: none, or a small, medium or large memory
 *                      budget ("article_render_max_memory"), so that
 *                      renders are also cut short at every point
 *            bits 4-5  the time budget ("article_render_timeout"): 2 s,
 *                      or 200, 20 or 1 ms, so that renders are also cut
 *                      by the clock at every stage, the HTML render's
 *                      included
 *            bit 6     raw HTML escaped, not sanitized, when not unsafe
 *                      ("article_render_html escape")
 *            bit 7     code in a named language highlighted
 *                      ("article_render_highlight"), and mermaid
 *                      blocks kept for a script ("article_render_mermaid")
 *   byte 2   the template's length (with bit 7 of byte 0)
 *   3...     [template] Markdown
 *
 * Emoji shortcodes are always replaced ("article_render_emoji", on by
 * default), in the render and in the listing's reading.
 *
 * Beyond what ASan and UBSan catch, each input is checked for the core's
 * promises; a broken one aborts, which libFuzzer reports as a crash:
 * rendering succeeds, the page and the title are valid UTF-8 without NUL
 * bytes, the title holds no markup, safe mode lets no script, iframe or
 * javascript: link through, a sanitized article's tags pair up, hold
 * no block inside a <p>, parse (gumbo) to the tree they were written as
 * and carry no event handler or style, the page has exactly the length
 * of the template's parts, and a second render of the same input gives
 * the same page (nothing carries over from one render to the next).
 *
 * Formulas are read and converted to MathML, as by default
 * ("article_render_math on").  The same bytes are also given to the
 * converter alone as a formula, inline or display by the parity of
 * their length: it answers with MathML or with its error element, and
 * the tags of either pair up.
 *
 * The same Markdown is then read as a listing reads an article
 * (ar_listing_parse: front matter, first heading, first paragraph):
 * what it finds lies within its strings, and a description is cut near
 * 200 characters.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gumbo.h>

#include "ar_block.h"
#include "ar_buf.h"
#include "ar_listing.h"
#include "ar_listing_store.h"
#include "ar_math.h"
#include "ar_render.h"
#include "ar_template.h"


#define AR_FUZZ_HEADER    3

#define AR_FUZZ_UNSAFE    0x40
#define AR_FUZZ_TEMPLATE  0x80

#define AR_FUZZ_NEWLINE   0x03
#define AR_FUZZ_BUDGET    0x0c
#define AR_FUZZ_TIMEOUT   0x30
#define AR_FUZZ_ESCAPE    0x40
#define AR_FUZZ_HIGHLIGHT 0x80


int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void ar_fuzz_conf(const uint8_t *data, ar_render_conf_t *conf,
    ar_limits_t *limits);
static int ar_fuzz_one(const ar_render_conf_t *conf,
    const ar_limits_t *limits, const ar_template_t *tpl, const char *md,
    size_t len, ar_buf_t *page);
static void ar_fuzz_listing(const ar_render_conf_t *conf, const char *md,
    size_t len);
static void ar_fuzz_math(const char *tex, size_t len);
static void ar_fuzz_check_text(const char *what, const ar_buf_t *b);
static void ar_fuzz_check_safe(const ar_buf_t *b);
static void ar_fuzz_check_sanitized(const ar_buf_t *b);
static void ar_fuzz_check_p(const char **stack, const size_t *lens,
    size_t depth);
static void ar_fuzz_check_tree(const ar_buf_t *b);
static void ar_fuzz_written(const ar_buf_t *b, ar_buf_t *out);
static void ar_fuzz_parsed(GumboNode *root, ar_buf_t *out);
static int ar_fuzz_block(const char *name, size_t len);
static int ar_fuzz_void(const char *name, size_t len);
static const char *ar_fuzz_find_nocase(const ar_buf_t *b, const char *s);
static size_t ar_fuzz_utf8_len(const unsigned char *p, size_t n);
static void ar_fuzz_fail(const char *what) __attribute__((noreturn));


static ar_template_t  ar_fuzz_builtin;

/* a fallback title with every character that must be escaped */
static const char     ar_fuzz_fallback[] = "a<b>&\"'c";
static size_t         ar_fuzz_fallback_len;   /* escaped */


int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    ar_buf_t             b;
    const char          *failed;
    ar_template_error_t  err;

    if (ar_render_init() != AR_OK) {
        ar_fuzz_fail("ar_render_init() failed");
    }

    failed = "";

    if (ar_render_highlight_languages(AR_LANG_DIR, &failed) != AR_OK) {
        ar_fuzz_fail(failed);
    }

    if (ar_template_parse(&ar_fuzz_builtin, ar_template_builtin,
                          strlen(ar_template_builtin), &err)
        != AR_OK)
    {
        ar_fuzz_fail("the built-in template does not parse");
    }

    memset(&b, 0, sizeof(ar_buf_t));

    if (ar_buf_append_escaped(&b, ar_fuzz_fallback,
                              sizeof(ar_fuzz_fallback) - 1)
        != AR_OK)
    {
        ar_fuzz_fail("escaping the fallback title failed");
    }

    ar_fuzz_fallback_len = b.len;
    ar_buf_free(&b);

    return 0;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                   rc, rc2;
    size_t                tlen;
    ar_buf_t              page, again;
    ar_limits_t           limits;
    ar_template_t         own;
    ar_render_conf_t      conf;
    const ar_template_t  *tpl;
    ar_template_error_t   err;

    if (size < AR_FUZZ_HEADER) {
        return 0;
    }

    ar_fuzz_conf(data, &conf, &limits);

    tpl = &ar_fuzz_builtin;
    tlen = 0;

    memset(&own, 0, sizeof(ar_template_t));

    if (data[0] & AR_FUZZ_TEMPLATE) {
        tlen = data[2];

        if (tlen > size - AR_FUZZ_HEADER) {
            tlen = size - AR_FUZZ_HEADER;
        }

        if (ar_template_parse(&own, (const char *) data + AR_FUZZ_HEADER,
                              tlen, &err)
            == AR_OK)
        {
            if (own.nparts == 0) {
                ar_fuzz_fail("a parsed template has no parts");
            }

            tpl = &own;

        } else if (memchr(err.msg, '\0', AR_TPL_ERR_LEN) == NULL
                   || err.msg[0] == '\0')
        {
            ar_fuzz_fail("a template error without a terminated message");
        }
    }

    data += AR_FUZZ_HEADER + tlen;
    size -= AR_FUZZ_HEADER + tlen;

    memset(&page, 0, sizeof(ar_buf_t));
    memset(&again, 0, sizeof(ar_buf_t));

    ar_fuzz_listing(&conf, (const char *) data, size);
    ar_fuzz_math((const char *) data, size);

    rc = ar_fuzz_one(&conf, &limits, tpl, (const char *) data, size, &page);
    rc2 = ar_fuzz_one(&conf, &limits, tpl, (const char *) data, size,
                      &again);

    /* the clock is the one thing that may tell two renders apart */

    if (rc == AR_ETIME || rc2 == AR_ETIME) {
        ar_buf_free(&page);
        ar_buf_free(&again);
        ar_template_free(&own);
        return 0;
    }

    if ((rc != AR_OK && rc != AR_EMEMORY) || rc2 != rc) {
        ar_fuzz_fail("rendering failed");
    }

    /* memory is counted the same each time: so is a budget passed */

    if (page.len != again.len
        || (page.len && memcmp(page.data, again.data, page.len) != 0))
    {
        ar_fuzz_fail("two renders of one input differ");
    }

    ar_buf_free(&page);
    ar_buf_free(&again);
    ar_template_free(&own);

    return 0;
}


static void
ar_fuzz_conf(const uint8_t *data, ar_render_conf_t *conf,
    ar_limits_t *limits)
{
    static const size_t    budgets[] = { 0, 16 * 1024, 256 * 1024,
                                         4 * 1024 * 1024 };
    static const unsigned  timeouts[] = { 2000, 200, 20, 1 };

    memset(conf, 0, sizeof(ar_render_conf_t));
    memset(limits, 0, sizeof(ar_limits_t));

    conf->gfm = data[0] & AR_GFM_ALL;
    conf->unsafe = (data[0] & AR_FUZZ_UNSAFE) ? 1 : 0;
    conf->sanitize = !conf->unsafe && !(data[1] & AR_FUZZ_ESCAPE);

    switch (data[1] & AR_FUZZ_NEWLINE) {
    case 0:
        conf->newline = AR_NEWLINE_SOFT;
        break;
    case 1:
        conf->newline = AR_NEWLINE_HARD;
        break;
    case 2:
        conf->newline = AR_NEWLINE_BLOCK;
        break;
    default:
        conf->newline = AR_NEWLINE_BLOCK;
        conf->noheadings = 1;
        break;
    }

    conf->highlight = (data[1] & AR_FUZZ_HIGHLIGHT) ? 1 : 0;
    conf->math = 1;
    conf->mermaid = conf->highlight ? "/mermaid.min.js" : NULL;
    conf->emoji = 1;

    limits->max_memory = budgets[(data[1] & AR_FUZZ_BUDGET) >> 2];

    /*
     * always a time budget, well under libFuzzer's -timeout: slow inputs
     * of the linked cmark-gfm are cut as a worker cuts them
     */

    limits->timeout_ms = timeouts[(data[1] & AR_FUZZ_TIMEOUT) >> 4];
}


static int
ar_fuzz_one(const ar_render_conf_t *conf, const ar_limits_t *limits,
    const ar_template_t *tpl, const char *md, size_t len, ar_buf_t *page)
{
    int                    rc;
    size_t                 i, expect;
    ar_article_t           article;
    const ar_meta_item_t  *item;

    rc = ar_render_article(conf, limits, md, len, &article);

    if ((rc == AR_EMEMORY && limits->max_memory) || rc == AR_ETIME) {
        /* cut short by a budget: nothing to check but the sanitizers */
        return rc;
    }

    if (rc != AR_OK) {
        return AR_ERROR;
    }

    ar_fuzz_check_text("table of contents", &article.toc);

    ar_fuzz_check_text("article", &article.html);
    ar_fuzz_check_text("title", &article.title);

    if (article.title.len
        && (memchr(article.title.data, '<', article.title.len) != NULL
            || memchr(article.title.data, '>', article.title.len) != NULL))
    {
        ar_fuzz_fail("markup in the title");
    }

    if (!conf->unsafe) {
        ar_fuzz_check_safe(&article.html);
    }

    if (conf->sanitize) {
        ar_fuzz_check_sanitized(&article.html);
        ar_fuzz_check_tree(&article.html);
    }

    if (ar_template_expand(tpl, &article, ar_fuzz_fallback,
                           sizeof(ar_fuzz_fallback) - 1, page)
        != AR_OK)
    {
        ar_article_free(&article);
        return AR_ERROR;
    }

    /* the page is the template's parts, each exactly once */

    expect = tpl->fixed_len;

    for (i = 0; i < tpl->nparts; i++) {
        switch (tpl->parts[i].type) {

        case AR_TPL_CONTENT:
            expect += article.html.len;
            break;

        case AR_TPL_TITLE:
            expect += article.title.len ? article.title.len
                                        : ar_fuzz_fallback_len;
            break;

        case AR_TPL_TOC:
            expect += article.toc.len;
            break;

        case AR_TPL_SCRIPTS:
            expect += article.scripts.len;
            break;

        case AR_TPL_META:
            item = ar_meta_find(&article.meta,
                                tpl->text + tpl->parts[i].offset,
                                tpl->parts[i].len);
            expect += item ? item->value_len : 0;
            break;

        default:
            break;
        }
    }

    if (!ar_template_uses(tpl, AR_TPL_SCRIPTS)) {
        expect += article.scripts.len;
    }

    if (page->len != expect) {
        ar_fuzz_fail("the page's length is not that of its parts");
    }

    ar_article_free(&article);

    return AR_OK;
}


/* valid UTF-8, no NUL byte */

/* an article as a listing reads it */

static void
ar_fuzz_listing(const ar_render_conf_t *conf, const char *md, size_t len)
{
    unsigned           block;
    ar_buf_t           strings;
    ar_listing_meta_t  meta;

    /* as the glue sets it for the scope's newline mode */

    block = (conf->newline != AR_NEWLINE_BLOCK) ? 0
            : 1 + (conf->noheadings ? 0 : AR_BLOCK_HEADINGS);

    if (conf->math) {
        block |= AR_LISTING_MATH;
    }

    if (conf->emoji) {
        block |= AR_LISTING_EMOJI;
    }

    memset(&strings, 0, sizeof(ar_buf_t));
    memset(&meta, 0, sizeof(ar_listing_meta_t));

    if (ar_listing_parse(md, len, block, &meta, &strings) != AR_OK) {
        ar_fuzz_fail("reading an article for a listing failed");
    }

    if (meta.title + meta.title_len > strings.len
        || meta.desc + meta.desc_len > strings.len
        || meta.author + meta.author_len > strings.len)
    {
        ar_fuzz_fail("a listing's text lies outside its strings");
    }

    if (meta.title_len > 1024) {
        ar_fuzz_fail("a listing's title is not cut");
    }

    /* 200 characters of at most 4 bytes, a space and an ellipsis */

    if (meta.desc_len > 200 * 4 + 1 + 3) {
        ar_fuzz_fail("a listing's description is not cut");
    }

    ar_buf_free(&strings);
}


static void
ar_fuzz_check_text(const char *what, const ar_buf_t *b)
{
    size_t                i, n;
    const unsigned char  *p;

    if (b->len && b->data == NULL) {
        ar_fuzz_fail("a buffer with a length and no data");
    }

    p = (const unsigned char *) b->data;

    for (i = 0; i < b->len; i += n) {
        if (p[i] == '\0') {
            fprintf(stderr, "ar_fuzz: NUL byte in the %s at %zu\n", what, i);
            ar_fuzz_fail("NUL byte in the output");
        }

        n = ar_fuzz_utf8_len(p + i, b->len - i);

        if (n == 0) {
            fprintf(stderr, "ar_fuzz: invalid UTF-8 in the %s at %zu\n",
                    what, i);
            ar_fuzz_fail("invalid UTF-8 in the output");
        }
    }
}


static void
ar_fuzz_math(const char *tex, size_t len)
{
    int       rc;
    ar_buf_t  b;

    memset(&b, 0, sizeof(ar_buf_t));

    rc = ar_math_mathml(tex, len, (len & 1) ? AR_MATH_DISPLAY : 0, &b);

    if (rc == AR_OK) {
        if (b.len < 14 || memcmp(b.data, "<math", 5) != 0
            || memcmp(b.data + b.len - 7, "</math>", 7) != 0)
        {
            ar_fuzz_fail("a formula converted is not one <math>");
        }

    } else if (rc == AR_MATH_INVALID) {
        if (b.len < 32 || memcmp(b.data, "<code class=\"math-error\"", 24)
                          != 0)
        {
            ar_fuzz_fail("a formula in error is not the error element");
        }

    } else {
        ar_fuzz_fail("converting a formula failed");
    }

    ar_fuzz_check_sanitized(&b);
    ar_buf_free(&b);
}


/* safe mode: no raw script, iframe or javascript: address in the HTML */

static void
ar_fuzz_check_safe(const ar_buf_t *b)
{
    size_t       i;
    const char  *found;

    static const char  *bad[] = {
        "<script", "<iframe", "<style", "<object", "<embed",
        "href=\"javascript:", "src=\"javascript:",
        "href=\"vbscript:", "src=\"vbscript:"
    };

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        found = ar_fuzz_find_nocase(b, bad[i]);

        if (found != NULL) {
            fprintf(stderr, "ar_fuzz: \"%s\" in a safe page at %zu\n",
                    bad[i], (size_t) (found - b->data));
            ar_fuzz_fail("unsafe markup in safe mode");
        }
    }
}


/*
 * sanitize mode: every tag closes the last one opened and all are closed
 * at the end, so that nothing closes the template's elements; and no
 * attribute is an event handler or a style.  Text and attribute values
 * have "<", ">" and the quote escaped, so that the tags are found as a
 * browser finds them.
 */

static void
ar_fuzz_check_sanitized(const ar_buf_t *b)
{
    int          end;
    size_t       i, j, n, len, depth;
    const char  *p, *name, *stack[512];
    size_t       lens[512];

    p = b->data;
    depth = 0;

    for (i = 0; i < b->len; i++) {

        if (p[i] == '>') {
            ar_fuzz_fail("a \">\" outside a tag in a sanitized article");
        }

        if (p[i] != '<') {
            continue;
        }

        end = (i + 1 < b->len && p[i + 1] == '/');
        name = p + i + 1 + end;

        for (len = 0; name + len < p + b->len; len++) {
            if (!((name[len] >= 'a' && name[len] <= 'z')
                  || (name[len] >= '0' && name[len] <= '9')))
            {
                break;
            }
        }

        if (len == 0) {
            ar_fuzz_fail("a \"<\" that starts no tag in a sanitized article");
        }

        /* the attributes, up to the tag's end: name="value" each */

        for (j = name + len - p; j < b->len && p[j] != '>'; j++) {
            if (p[j] == '"') {
                for (j++; j < b->len && p[j] != '"'; j++) {
                    if (p[j] == '<' || p[j] == '>') {
                        ar_fuzz_fail("markup in an attribute value");
                    }
                }

                continue;
            }

            if (p[j] == ' '
                && j + 3 < b->len
                && ((p[j + 1] | 0x20) == 'o' && (p[j + 2] | 0x20) == 'n'
                    && p[j + 3] != '=' && p[j + 3] != ' '
                    && p[j + 3] != '>' && p[j + 3] != '/'))
            {
                ar_fuzz_fail("an event handler in a sanitized article");
            }

            if (p[j] == ' ' && j + 6 < b->len
                && strncasecmp(p + j + 1, "style=", 6) == 0)
            {
                ar_fuzz_fail("a style attribute in a sanitized article");
            }
        }

        if (j == b->len) {
            ar_fuzz_fail("an unterminated tag in a sanitized article");
        }

        if (end) {
            if (depth == 0 || lens[depth - 1] != len
                || memcmp(stack[depth - 1], name, len) != 0)
            {
                fprintf(stderr, "ar_fuzz: </%.*s> at %zu closes another\n",
                        (int) len, name, i);
                ar_fuzz_fail("tags that do not pair up in a sanitized article");
            }

            depth--;

        } else if (p[j - 1] != '/' && !ar_fuzz_void(name, len)) {
            if (ar_fuzz_block(name, len)) {
                ar_fuzz_check_p(stack, lens, depth);
            }

            if (depth == sizeof(stack) / sizeof(stack[0])) {
                return;
            }

            stack[depth] = name;
            lens[depth++] = len;
        }

        i = j;
    }

    n = depth;

    if (n) {
        fprintf(stderr, "ar_fuzz: <%.*s> left open\n",
                (int) lens[n - 1], stack[n - 1]);
        ar_fuzz_fail("an element left open in a sanitized article");
    }
}


/*
 * sanitize mode: the page parses (gumbo, as a <div>'s content) to the
 * elements it was written as, nested as they were written: a browser
 * reads it as the module wrote it.  Elements only, by name.
 */

static void
ar_fuzz_check_tree(const ar_buf_t *b)
{
    size_t        i;
    ar_buf_t      written, parsed;
    GumboOutput  *output;
    GumboOptions  opt;

    memset(&written, 0, sizeof(ar_buf_t));
    memset(&parsed, 0, sizeof(ar_buf_t));

    opt = kGumboDefaultOptions;
    opt.fragment_context = GUMBO_TAG_DIV;
    opt.fragment_namespace = GUMBO_NAMESPACE_HTML;

    output = gumbo_parse_with_options(&opt, b->data, b->len);
    if (output == NULL) {
        ar_fuzz_fail("gumbo failed");
    }

    ar_fuzz_written(b, &written);
    ar_fuzz_parsed(output->root, &parsed);

    gumbo_destroy_output(&opt, output);

    if (written.len != parsed.len
        || (written.len && memcmp(written.data, parsed.data, written.len)))
    {
        for (i = 0; i < written.len && i < parsed.len
                    && written.data[i] == parsed.data[i]; i++)
        {
            /* void */
        }

        i = i > 60 ? i - 60 : 0;

        fprintf(stderr, "ar_fuzz: written %.*s\nar_fuzz: parsed  %.*s\n",
                (int) (written.len - i > 200 ? 200 : written.len - i),
                written.data + i,
                (int) (parsed.len - i > 200 ? 200 : parsed.len - i),
                parsed.data + i);
        ar_fuzz_fail("a sanitized article reads as another tree");
    }

    ar_buf_free(&written);
    ar_buf_free(&parsed);
}


/* the tags as written: the article passed ar_fuzz_check_sanitized() */

static void
ar_fuzz_written(const ar_buf_t *b, ar_buf_t *out)
{
    int          end;
    size_t       i, j, len;
    const char  *p, *name;

    p = b->data;

    for (i = 0; i < b->len; i++) {
        if (p[i] != '<') {
            continue;
        }

        end = (p[i + 1] == '/');
        name = p + i + 1 + end;

        for (len = 0; (name[len] >= 'a' && name[len] <= 'z')
                      || (name[len] >= '0' && name[len] <= '9'); len++)
        {
            /* void */
        }

        for (j = name + len - p; p[j] != '>'; j++) {
            if (p[j] == '"') {
                for (j++; p[j] != '"'; j++) { /* void */ }
            }
        }

        if (ar_buf_append(out, end ? "</" : "<", end ? 2 : 1) != AR_OK
            || ar_buf_append(out, name, len) != AR_OK
            || ar_buf_append(out, ">", 1) != AR_OK)
        {
            ar_fuzz_fail("out of memory");
        }

        if (!end && (p[j - 1] == '/' || ar_fuzz_void(name, len))
            && (ar_buf_append(out, "</", 2) != AR_OK
                || ar_buf_append(out, name, len) != AR_OK
                || ar_buf_append(out, ">", 1) != AR_OK))
        {
            ar_fuzz_fail("out of memory");
        }

        i = j;
    }
}


/* the elements as parsed, without recursion: nesting may be deep */

static void
ar_fuzz_parsed(GumboNode *root, ar_buf_t *out)
{
    int                close;
    size_t             next;
    GumboNode         *node;
    GumboVector       *children;
    GumboStringPiece   name;

    node = root;
    close = 0;

    for ( ;; ) {
        if (node != root && node->type == GUMBO_NODE_ELEMENT) {
            if (node->v.element.tag != GUMBO_TAG_UNKNOWN
                && node->v.element.tag_namespace == GUMBO_NAMESPACE_HTML)
            {
                name.data = gumbo_normalized_tagname(node->v.element.tag);
                name.length = strlen(name.data);

            } else {
                name = node->v.element.original_tag;
                gumbo_tag_from_original_text(&name);
            }

            if (ar_buf_append(out, close ? "</" : "<", close ? 2 : 1)
                != AR_OK
                || ar_buf_append(out, name.data, name.length) != AR_OK
                || ar_buf_append(out, ">", 1) != AR_OK)
            {
                ar_fuzz_fail("out of memory");
            }
        }

        if (!close && node->type == GUMBO_NODE_ELEMENT
            && node->v.element.children.length)
        {
            node = node->v.element.children.data[0];
            continue;
        }

        if (!close && node->type == GUMBO_NODE_ELEMENT && node != root) {
            close = 1;
            continue;
        }

        if (node == root) {
            return;
        }

        children = &node->parent->v.element.children;
        next = node->index_within_parent + 1;

        if (next < children->length) {
            node = children->data[next];
            close = 0;

        } else {
            node = node->parent;
            close = 1;
        }
    }
}


/*
 * A browser closes an open <p> at a block's start tag: a page written
 * with a block inside a <p> would not read as it was written.
 */

static void
ar_fuzz_check_p(const char **stack, const size_t *lens, size_t depth)
{
    size_t  i;

    static const char  *scopes[] = { "table", "td", "th", "caption", "svg" };

    for ( /* void */ ; depth > 0; depth--) {
        if (lens[depth - 1] == 1 && stack[depth - 1][0] == 'p') {
            ar_fuzz_fail("a block inside a <p> in a sanitized article");
        }

        for (i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++) {
            if (strlen(scopes[i]) == lens[depth - 1]
                && memcmp(scopes[i], stack[depth - 1], lens[depth - 1]) == 0)
            {
                return;
            }
        }
    }
}


static int
ar_fuzz_block(const char *name, size_t len)
{
    size_t  i;

    static const char  *names[] = {
        "p", "div", "ul", "ol", "li", "dl", "dd", "dt", "table", "pre",
        "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "details",
        "summary", "figure", "figcaption", "section", "nav"
    };

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0) {
            return 1;
        }
    }

    return 0;
}


static int
ar_fuzz_void(const char *name, size_t len)
{
    size_t  i;

    static const char  *names[] = { "br", "hr", "img", "input", "wbr" };

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0) {
            return 1;
        }
    }

    return 0;
}


static const char *
ar_fuzz_find_nocase(const ar_buf_t *b, const char *s)
{
    char    c;
    size_t  i, k, n;

    n = strlen(s);

    for (i = 0; n <= b->len && i <= b->len - n; i++) {
        for (k = 0; k < n; k++) {
            c = b->data[i + k];

            if (c >= 'A' && c <= 'Z') {
                c |= 0x20;
            }

            if (c != s[k]) {
                break;
            }
        }

        if (k == n) {
            return b->data + i;
        }
    }

    return NULL;
}


/*
 * The length of the valid UTF-8 sequence at p, or 0; written apart from
 * ar_buf's, so that the two check each other.
 */

static size_t
ar_fuzz_utf8_len(const unsigned char *p, size_t n)
{
    size_t    len, i;
    uint32_t  cp, min;

    if (p[0] < 0x80) {
        return 1;
    }

    if ((p[0] & 0xe0) == 0xc0) {
        len = 2;
        cp = p[0] & 0x1f;
        min = 0x80;

    } else if ((p[0] & 0xf0) == 0xe0) {
        len = 3;
        cp = p[0] & 0x0f;
        min = 0x800;

    } else if ((p[0] & 0xf8) == 0xf0) {
        len = 4;
        cp = p[0] & 0x07;
        min = 0x10000;

    } else {
        return 0;
    }

    if (n < len) {
        return 0;
    }

    for (i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            return 0;
        }

        cp = (cp << 6) | (p[i] & 0x3f);
    }

    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        return 0;
    }

    return len;
}


static void
ar_fuzz_fail(const char *what)
{
    fprintf(stderr, "ar_fuzz: %s\n", what);
    abort();
}
