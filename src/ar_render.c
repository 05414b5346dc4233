/*
 * Markdown to HTML with cmark-gfm.
 *
 * The steps: the front matter is taken off (ar_frontmatter.c); with
 * "newline block" the rest is turned into CommonMark (ar_block.c);
 * cmark-gfm parses it; raw HTML is made text in safe mode; quotes that
 * open with an alert marker become alerts (ar_alert.c); code in a named
 * language is highlighted (ar_code.c); headings get ids and anchors,
 * the table of contents is built and, unless the front matter has one,
 * the title taken from the first heading (ar_toc.c); cmark-gfm renders
 * the HTML.
 *
 * Every step after the front matter runs in the render's arena
 * (ar_arena.c), within its time and memory budgets.
 *
 * Safe mode is cmark-gfm's own (dangerous URLs dropped) plus one step of
 * ours: raw HTML is turned into text before rendering, so that readers
 * see it escaped instead of having it silently omitted.
 */

#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "ar_alert.h"
#include "ar_arena.h"
#include "ar_block.h"
#include "ar_code.h"
#include "ar_render.h"
#include "ar_slug.h"
#include "ar_toc.h"


/* what a render leaves in its arena, for ar_render_export() */

typedef struct {
    const char  *html;       /* cmark-gfm's output */
    size_t       html_len;
    ar_buf_t     title;
    ar_buf_t     toc;
} ar_render_out_t;


static const struct {
    unsigned     bit;
    const char  *name;
} ar_render_extensions[] = {
    { AR_GFM_TABLE, "table" },
    { AR_GFM_STRIKETHROUGH, "strikethrough" },
    { AR_GFM_AUTOLINK, "autolink" },
    { AR_GFM_TAGFILTER, "tagfilter" },
    { AR_GFM_TASKLIST, "tasklist" }
};

#define AR_RENDER_NEXT                                                       \
    (sizeof(ar_render_extensions) / sizeof(ar_render_extensions[0]))


/* the extensions above, found once by ar_render_init() */
static cmark_syntax_extension  *ar_render_ext[AR_RENDER_NEXT];


static int ar_render_run(const ar_render_conf_t *conf,
    const ar_limits_t *limits, ar_arena_t *arena, const char *src,
    size_t len, const ar_meta_t *meta, ar_render_out_t *out);
static void ar_render_feed(ar_arena_t *arena, cmark_parser *parser,
    const char *src, size_t len);
#if (AR_TEST_HOOKS)
static void ar_render_test_delay(ar_arena_t *arena, unsigned ms);
#endif
static int ar_render_escape_raw_html(cmark_node *doc, cmark_mem *mem);
static int ar_render_meta_title(const ar_meta_t *meta, ar_buf_t *title);
static int ar_render_export(const ar_render_out_t *out,
    ar_article_t *article);


/*
 * Registers the GFM extensions with cmark-gfm and finds them, and loads
 * the highlighter's languages; must run once before any render, and
 * before threads render concurrently.
 */

int
ar_render_init(void)
{
    size_t  i;

    cmark_gfm_core_extensions_ensure_registered();
    ar_slug_init();

    if (ar_code_init() != AR_OK) {
        return AR_ERROR;
    }

    for (i = 0; i < AR_RENDER_NEXT; i++) {
        ar_render_ext[i] =
            cmark_find_syntax_extension(ar_render_extensions[i].name);

        if (ar_render_ext[i] == NULL) {
            return AR_ERROR;
        }
    }

    return AR_OK;
}


/*
 * An address inside each library the core renders with, for the glue to
 * find and keep them loaded: cmark-gfm's registry of extensions lives in
 * one and points into the other.
 */

void
ar_render_libraries(void *addr[AR_RENDER_NLIBS])
{
    addr[0] = (void *) cmark_parser_new;
    addr[1] = (void *) cmark_gfm_core_extensions_ensure_registered;
}


/*
 * Renders within the limits.  The front matter is read first, with
 * malloc(3): libyaml is not stopped halfway.  Every later allocation of
 * the render comes from one arena, which unwinds here when a budget is
 * passed and is freed whichever way the render ends; the results are
 * copied out of it on success.
 */

int
ar_render_article(const ar_render_conf_t *conf, const ar_limits_t *limits,
    const char *src, size_t len, ar_article_t *article)
{
    int              rc;
    size_t           body;
    ar_arena_t       arena;
    ar_render_out_t  out;

    memset(article, 0, sizeof(ar_article_t));
    memset(&out, 0, sizeof(ar_render_out_t));

    if (ar_frontmatter_parse(src, len, &article->meta, &body) != AR_OK) {
        return AR_ERROR;
    }

    ar_arena_init(&arena, limits->max_memory, limits->timeout_ms);
    ar_arena_enter(&arena);

    switch (setjmp(arena.unwind)) {

    case 0:
        rc = ar_render_run(conf, limits, &arena, src + body, len - body,
                           &article->meta, &out);
        break;

    case AR_EMEMORY:
        rc = AR_EMEMORY;
        break;

    default:
        rc = AR_ETIME;
        break;
    }

    ar_arena_leave();

    if (rc == AR_OK) {
        rc = ar_render_export(&out, article);
    }

    ar_arena_release(&arena);

    if (rc != AR_OK) {
        ar_article_free(article);
    }

    return rc;
}


/*
 * Feeds the parser a line at a time, and looks at the clock after each:
 * cmark-gfm's block parser may spend a long time on a line without
 * allocating (a blank line closes every open container, so blank lines
 * after a deep list are quadratic), where the arena never sees it.
 * A CR and the LF after it may go in separate calls: the parser joins
 * them.
 */

static void
ar_render_feed(ar_arena_t *arena, cmark_parser *parser, const char *src,
    size_t len)
{
    size_t  n;

    while (len) {

        for (n = 0; n < len; n++) {
            if (src[n] == '\n' || src[n] == '\r') {
                n++;
                break;
            }
        }

        cmark_parser_feed(parser, src, n);
        ar_arena_check_time(arena);

        src += n;
        len -= n;
    }
}


/*
 * Copies the results out of the arena into memory of malloc(3), all or
 * none, with any invalid UTF-8 made U+FFFD on the way: cmark-gfm's
 * output is copied once, straight into the article.
 */

static int
ar_render_export(const ar_render_out_t *out, ar_article_t *article)
{
    ar_buf_t  html, title, toc;

    memset(&html, 0, sizeof(ar_buf_t));
    memset(&title, 0, sizeof(ar_buf_t));
    memset(&toc, 0, sizeof(ar_buf_t));

    if (ar_buf_append_utf8(&html, out->html, out->html_len) != AR_OK
        || ar_buf_append_utf8(&title, out->title.data, out->title.len)
           != AR_OK
        || ar_buf_append_utf8(&toc, out->toc.data, out->toc.len) != AR_OK)
    {
        ar_buf_free(&html);
        ar_buf_free(&title);
        ar_buf_free(&toc);
        return AR_ERROR;
    }

    article->html = html;
    article->title = title;
    article->toc = toc;

    return AR_OK;
}


static int
ar_render_run(const ar_render_conf_t *conf, const ar_limits_t *limits,
    ar_arena_t *arena, const char *src, size_t len, const ar_meta_t *meta,
    ar_render_out_t *out)
{
    int            options, rc;
    size_t         i;
    ar_buf_t       block;
    cmark_mem     *mem;
    cmark_node    *doc;
    cmark_parser  *parser;

    mem = &arena->mem;

#if (AR_TEST_HOOKS)
    ar_render_test_delay(arena, limits->test_delay_ms);
#endif

    memset(&block, 0, sizeof(ar_buf_t));

    if (conf->newline == AR_NEWLINE_BLOCK) {
        if (ar_block_transform(src, len, conf->noheadings
                                         ? 0 : AR_BLOCK_HEADINGS, &block)
            != AR_OK)
        {
            return AR_ERROR;
        }

        src = block.data;
        len = block.len;
    }

    options = CMARK_OPT_VALIDATE_UTF8;

    if (conf->gfm & AR_GFM_FOOTNOTES) {
        options |= CMARK_OPT_FOOTNOTES;
    }

    if (conf->unsafe) {
        options |= CMARK_OPT_UNSAFE;
    }

    if (conf->newline == AR_NEWLINE_HARD) {
        options |= CMARK_OPT_HARDBREAKS;
    }

    /* nothing is freed on the way out: the arena is released at once */

    parser = cmark_parser_new_with_mem(options, mem);
    if (parser == NULL) {
        return AR_ERROR;
    }

    for (i = 0; i < AR_RENDER_NEXT; i++) {
        if (!(conf->gfm & ar_render_extensions[i].bit)) {
            continue;
        }

        if (ar_render_ext[i] == NULL
            || !cmark_parser_attach_syntax_extension(parser, ar_render_ext[i]))
        {
            return AR_ERROR;
        }
    }

    ar_render_feed(arena, parser, src, len);

    doc = cmark_parser_finish(parser);
    if (doc == NULL) {
        return AR_ERROR;
    }

    rc = AR_OK;

    if (!conf->unsafe) {
        rc = ar_render_escape_raw_html(doc, mem);
    }

    if (rc == AR_OK) {
        rc = ar_alert_transform(doc);
    }

    if (rc == AR_OK && conf->highlight) {
        rc = ar_code_highlight(doc, arena);
    }

    if (rc == AR_OK) {
        rc = ar_render_meta_title(meta, &out->title);
    }

    /*
     * After the safe-mode step: the markup it adds is ours.  Without a
     * title in the front matter, the first heading gives it.
     */

    if (rc == AR_OK) {
        rc = ar_toc_headings(doc, options,
                             out->title.len ? NULL : &out->title, &out->toc);
    }

    if (rc == AR_OK) {
        out->html = cmark_render_html_with_mem(doc, options,
                                  cmark_parser_get_syntax_extensions(parser),
                                  mem);
        if (out->html == NULL) {
            rc = AR_ERROR;

        } else {
            out->html_len = strlen(out->html);
        }
    }

    return rc;
}


#if (AR_TEST_HOOKS)

/*
 * Test builds only: a render that takes as long as the test asks, and
 * gives way to the time budget like any other.
 */

static void
ar_render_test_delay(ar_arena_t *arena, unsigned ms)
{
    struct timespec  tick;

    tick.tv_sec = 0;
    tick.tv_nsec = 1000000;

    while (ms--) {
        nanosleep(&tick, NULL);
        ar_arena_check_time(arena);
    }
}

#endif


/*
 * Replaces every raw HTML node with text carrying the same source, so the
 * HTML renderer escapes it: an inline one with a text node, a block one
 * with a paragraph holding a text node.
 *
 * It runs in the arena, where an allocation never fails (it unwinds),
 * and a failure of cmark-gfm ends the render, whose arena frees what
 * was taken: the failures leave what they allocated.
 */

static int
ar_render_escape_raw_html(cmark_node *doc, cmark_mem *mem)
{
    size_t             n, i, len;
    char              *literal;
    const char        *s;
    cmark_node        *node, *text, *para, **found, **more;
    cmark_iter        *iter;
    cmark_event_type   ev;
    cmark_node_type    type;

    found = NULL;
    n = 0;

    iter = cmark_iter_new(doc);
    if (iter == NULL) {
        return AR_ERROR;
    }

    while ((ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {

        if (ev != CMARK_EVENT_ENTER) {
            continue;
        }

        node = cmark_iter_get_node(iter);
        type = cmark_node_get_type(node);

        if (type != CMARK_NODE_HTML_INLINE && type != CMARK_NODE_HTML_BLOCK) {
            continue;
        }

        more = ar_array_grow(found, n, sizeof(cmark_node *));
        if (more == NULL) {
            return AR_ERROR;
        }

        found = more;

        found[n++] = node;
    }

    cmark_iter_free(iter);

    for (i = 0; i < n; i++) {
        node = found[i];

        s = cmark_node_get_literal(node);
        if (s == NULL) {
            s = "";
        }

        text = cmark_node_new_with_mem(CMARK_NODE_TEXT, mem);
        if (text == NULL) {
            return AR_ERROR;
        }

        if (cmark_node_get_type(node) == CMARK_NODE_HTML_INLINE) {
            if (!cmark_node_set_literal(text, s)
                || !cmark_node_replace(node, text))
            {
                return AR_ERROR;
            }

            cmark_node_free(node);
            continue;
        }

        /* an HTML block's literal ends with its newline */

        len = strlen(s);
        while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r')) {
            len--;
        }

        literal = mem->realloc(NULL, len + 1);
        para = cmark_node_new_with_mem(CMARK_NODE_PARAGRAPH, mem);

        if (literal == NULL || para == NULL) {
            return AR_ERROR;
        }

        memcpy(literal, s, len);
        literal[len] = '\0';

        if (!cmark_node_set_literal(text, literal)
            || !cmark_node_append_child(para, text)
            || !cmark_node_replace(node, para))
        {
            return AR_ERROR;
        }

        mem->free(literal);
        cmark_node_free(node);
    }

    ar_mem_free(found);

    return AR_OK;
}


static int
ar_render_meta_title(const ar_meta_t *meta, ar_buf_t *title)
{
    size_t                 i;
    const ar_meta_item_t  *item;

    item = ar_meta_find(meta, "title", 5);

    if (item == NULL || item->value_len == 0) {
        return AR_OK;
    }

    if (ar_buf_append(title, ar_meta_value(meta, item), item->value_len)
        != AR_OK)
    {
        return AR_ERROR;
    }

    for (i = 0; i < title->len; i++) {
        if (title->data[i] == '\n' || title->data[i] == '\r') {
            title->data[i] = ' ';
        }
    }

    return AR_OK;
}


void
ar_article_free(ar_article_t *article)
{
    ar_buf_free(&article->html);
    ar_buf_free(&article->title);
    ar_buf_free(&article->toc);
    ar_meta_free(&article->meta);
}


const char *
ar_render_library_version(void)
{
    return cmark_version_string();
}


/* whether the module was built with a highlighter */

int
ar_render_highlight_available(void)
{
    return ar_code_available();
}


/*
 * Whether the linked cmark-gfm predates 0.29.0.gfm.13, the first release
 * with fixes for all of its known polynomial-time and output-explosion
 * inputs (CVE-2023-22483, -22486, -24824, -26485, -37463).
 */

int
ar_render_library_outdated(void)
{
    /* cmark_version(): major << 24 | minor << 16 | patch << 8 | gfm */

    return cmark_version() < ((0 << 24) | (29 << 16) | (0 << 8) | 13);
}
