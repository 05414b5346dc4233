/*
 * Markdown to HTML with cmark-gfm.
 *
 * The steps: the front matter is taken off (ar_frontmatter.c); with
 * "newline block" the rest is turned into CommonMark (ar_block.c);
 * cmark-gfm parses it; emoji shortcodes become emoji (ar_emoji.c); one
 * walk over the tree finds the nodes the later steps change
 * (ar_render_walk()); raw HTML is made text in safe mode; quotes that
 * open with an alert marker become alerts (ar_alert.c); Mermaid
 * diagrams are kept for the browser (ar_mermaid.c); code in a named
 * language is highlighted (ar_code.c); headings get ids and anchors,
 * the table of contents is built and, unless the front matter has one,
 * the title taken from the first heading (ar_toc.c); formulas, read by
 * an extension of ours, become MathML (ar_math_syntax.c); cmark-gfm
 * renders the HTML.
 *
 * Every step after the front matter runs in the render's arena
 * (ar_arena.c), within its time and memory budgets.
 *
 * Safe mode is cmark-gfm's own (dangerous URLs dropped) plus one step of
 * ours: raw HTML is sanitized as GitHub does (ar_sanitize.c) or, with
 * "article_render_html escape", turned into text before rendering, so
 * that readers see it escaped instead of having it silently omitted.
 *
 * cmark-gfm's HTML renderer allocates little, so the arena seldom looks
 * at the clock while it runs, and its table renderer takes time growing
 * with the square of a row's cells (a second for a row of 10,000).  The
 * walk puts a clock into every AR_RENDER_CLOCK_CELLS-th cell of a row: an
 * empty text node of an extension of ours, whose HTML is nothing but a
 * look at the clock.
 */

#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "ar_alert.h"
#include "ar_arena.h"
#include "ar_block.h"
#include "ar_code.h"
#include "ar_emoji.h"
#include "ar_math_syntax.h"
#include "ar_mermaid.h"
#include "ar_render.h"
#include "ar_sanitize.h"
#include "ar_slug.h"
#include "ar_toc.h"


/* what a render leaves in its arena, for ar_render_export() */

typedef struct {
    const char  *html;       /* cmark-gfm's output */
    size_t       html_len;
    ar_buf_t     title;
    ar_buf_t     toc;
    ar_buf_t     scripts;
} ar_render_out_t;


#define AR_RENDER_CLOCK_CELLS  32


/* what the walk found */

typedef struct {
    ar_nodes_t   html;       /* raw HTML, in safe mode */
    ar_nodes_t   headings;
    ar_nodes_t   notes;      /* footnote definitions and references */
    ar_nodes_t   code;       /* code blocks, for diagrams and highlighting */
    ar_nodes_t   math;       /* formulas */
    unsigned     cells;      /* in the table row being walked */
} ar_render_walk_t;


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

/* the clock's extension, and the table extension's node types */
static cmark_syntax_extension  *ar_render_clock_ext;
static cmark_node_type          ar_render_table_row;
static cmark_node_type          ar_render_table_cell;


static int ar_render_run(const ar_render_conf_t *conf,
    const ar_limits_t *limits, ar_arena_t *arena, const char *src,
    size_t len, const ar_meta_t *meta, ar_render_out_t *out);
static void ar_render_feed(ar_arena_t *arena, cmark_parser *parser,
    const char *src, size_t len);
#if (AR_TEST_HOOKS)
static void ar_render_test_delay(ar_arena_t *arena, unsigned ms);
#endif
static unsigned ar_render_needs(const char *src, size_t len);
static int ar_render_has(const char *src, size_t len, const char *s);
static int ar_render_table_types(void);
static int ar_render_walk(const ar_render_conf_t *conf, cmark_node *doc,
    ar_render_walk_t *walk);
static int ar_render_add_clock(cmark_node *cell, cmark_mem *mem);
static void ar_render_clock(cmark_syntax_extension *ext,
    struct cmark_html_renderer *renderer, cmark_node *node,
    cmark_event_type ev, int options);
static int ar_render_escape_raw_html(const ar_nodes_t *html,
    cmark_mem *mem);
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

    if (ar_code_init() != AR_OK || ar_math_syntax_init() != AR_OK) {
        return AR_ERROR;
    }

    for (i = 0; i < AR_RENDER_NEXT; i++) {
        ar_render_ext[i] =
            cmark_find_syntax_extension(ar_render_extensions[i].name);

        if (ar_render_ext[i] == NULL) {
            return AR_ERROR;
        }
    }

    if (ar_render_clock_ext == NULL) {
        ar_render_clock_ext = cmark_syntax_extension_new("ar-clock");
        if (ar_render_clock_ext == NULL) {
            return AR_ERROR;
        }

        cmark_syntax_extension_set_html_render_func(ar_render_clock_ext,
                                                    ar_render_clock);
    }

    return ar_render_table_types();
}


/* at exit, or when nginx unloads the module: no render runs then */

__attribute__((destructor)) static void
ar_render_done(void)
{
    if (ar_render_clock_ext != NULL) {
        cmark_syntax_extension_free(cmark_get_default_mem_allocator(),
                                    ar_render_clock_ext);
        ar_render_clock_ext = NULL;
    }
}


/*
 * The node types of table rows and cells, which cmark-gfm's public
 * headers do not name: read off a table parsed for the purpose.
 */

static int
ar_render_table_types(void)
{
    cmark_node    *doc, *row, *cell;
    cmark_parser  *parser;

    if (ar_render_table_cell != CMARK_NODE_NONE) {
        return AR_OK;
    }

    parser = cmark_parser_new(CMARK_OPT_DEFAULT);
    if (parser == NULL) {
        return AR_ERROR;
    }

    doc = NULL;

    if (cmark_parser_attach_syntax_extension(parser, ar_render_ext[0])) {
        cmark_parser_feed(parser, "|a|\n|-|\n|b|\n", 12);
        doc = cmark_parser_finish(parser);
    }

    cmark_parser_free(parser);

    if (doc == NULL) {
        return AR_ERROR;
    }

    /* the header row's type string is another */

    row = cmark_node_last_child(cmark_node_first_child(doc));
    cell = cmark_node_first_child(row);

    if (cell != NULL
        && strcmp(cmark_node_get_type_string(row), "table_row") == 0
        && strcmp(cmark_node_get_type_string(cell), "table_cell") == 0)
    {
        ar_render_table_row = cmark_node_get_type(row);
        ar_render_table_cell = cmark_node_get_type(cell);
    }

    cmark_node_free(doc);

    return ar_render_table_cell != CMARK_NODE_NONE ? AR_OK : AR_ERROR;
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

    article->mem_peak = arena.peak;

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
    ar_buf_t  html, title, toc, scripts;

    memset(&html, 0, sizeof(ar_buf_t));
    memset(&title, 0, sizeof(ar_buf_t));
    memset(&toc, 0, sizeof(ar_buf_t));
    memset(&scripts, 0, sizeof(ar_buf_t));

    if (ar_buf_append_utf8(&html, out->html, out->html_len) != AR_OK
        || ar_buf_append_utf8(&title, out->title.data, out->title.len)
           != AR_OK
        || ar_buf_append_utf8(&toc, out->toc.data, out->toc.len) != AR_OK
        || ar_buf_append(&scripts, out->scripts.data, out->scripts.len)
           != AR_OK)
    {
        ar_buf_free(&html);
        ar_buf_free(&title);
        ar_buf_free(&toc);
        ar_buf_free(&scripts);
        return AR_ERROR;
    }

    article->html = html;
    article->title = title;
    article->toc = toc;
    article->scripts = scripts;

    return AR_OK;
}


static int
ar_render_run(const ar_render_conf_t *conf, const ar_limits_t *limits,
    ar_arena_t *arena, const char *src, size_t len, const ar_meta_t *meta,
    ar_render_out_t *out)
{
    int               options, rc;
    size_t            i;
    unsigned          gfm;
    ar_buf_t          block;
    cmark_mem        *mem;
    cmark_node       *doc;
    cmark_parser     *parser;
    ar_render_walk_t  walk;

    mem = &arena->mem;

#if (AR_TEST_HOOKS)
    ar_render_test_delay(arena, limits->test_delay_ms);
#endif

    memset(&block, 0, sizeof(ar_buf_t));

    if (conf->newline == AR_NEWLINE_BLOCK) {
        if (ar_block_transform(src, len,
                               (conf->noheadings ? 0 : AR_BLOCK_HEADINGS)
                               | (conf->math ? AR_BLOCK_MATH : 0),
                               &block)
            != AR_OK)
        {
            return AR_ERROR;
        }

        src = block.data;
        len = block.len;
    }

    gfm = conf->gfm & ar_render_needs(src, len);

    options = CMARK_OPT_VALIDATE_UTF8;

    if (gfm & AR_GFM_FOOTNOTES) {
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
        if (!(gfm & ar_render_extensions[i].bit)) {
            continue;
        }

        if (ar_render_ext[i] == NULL
            || !cmark_parser_attach_syntax_extension(parser, ar_render_ext[i]))
        {
            return AR_ERROR;
        }
    }

    if (conf->math && ar_math_syntax_attach(parser) != AR_OK) {
        return AR_ERROR;
    }

    ar_render_feed(arena, parser, src, len);

    doc = cmark_parser_finish(parser);
    if (doc == NULL) {
        return AR_ERROR;
    }

    if (conf->emoji && ar_emoji_possible(src, len)
        && ar_emoji_replace(doc, mem) != AR_OK)
    {
        return AR_ERROR;
    }

    memset(&walk, 0, sizeof(ar_render_walk_t));

    rc = ar_render_walk(conf, doc, &walk);

    if (rc == AR_OK && !conf->unsafe && !conf->sanitize) {
        rc = ar_render_escape_raw_html(&walk.html, mem);
    }

    if (rc == AR_OK) {
        rc = ar_alert_transform(doc);
    }

    if (rc == AR_OK && conf->mermaid != NULL) {
        rc = ar_mermaid_blocks(&walk.code, mem, conf->mermaid,
                               &out->scripts);
    }

    if (rc == AR_OK && conf->highlight) {
        rc = ar_code_highlight(&walk.code, arena);
    }

    if (rc == AR_OK) {
        rc = ar_render_meta_title(meta, &out->title);
    }

    /*
     * After the safe-mode step: the markup it adds is ours.  Without a
     * title in the front matter, the first heading gives it.
     */

    if (rc == AR_OK) {
        rc = ar_toc_headings(doc, options, &walk.headings, &walk.notes,
                             out->title.len ? NULL : &out->title,
                             conf->notoc ? NULL : &out->toc);
    }

    /* after the headings: a formula gives them its source as text */

    if (rc == AR_OK && walk.math.n) {
        rc = ar_math_syntax_render(&walk.math, mem);
    }

#if (AR_TEST_HOOKS)
    if (rc == AR_OK && limits->test_late_html) {
        ar_arena_expire(arena);
    }
#endif

    if (rc == AR_OK && conf->sanitize && !conf->unsafe) {
        rc = ar_sanitize_render(doc, options,
                                cmark_parser_get_syntax_extensions(parser),
                                mem, conf->emoji, &out->html,
                                &out->html_len);

    } else if (rc == AR_OK) {
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


/*
 * The extensions the source may need, of those that find something only
 * where the source has certain characters: one that cannot find
 * anything is not attached, and its passes over the whole tree are
 * saved (the autolink extension joins and scans every text node,
 * footnotes take two walks) with the page unchanged.
 *
 * Autolinks: "www." and "://" are looked for in the source itself; an
 * email address is looked for in the text, where a character reference
 * may have made its "@".  Footnotes: both a definition and a reference
 * start with "[^" in the source.
 */

static unsigned
ar_render_needs(const char *src, size_t len)
{
    unsigned  needs;

    /* with "newline block", an empty source may be NULL */

    if (len == 0) {
        return AR_GFM_ALL & ~(AR_GFM_AUTOLINK | AR_GFM_FOOTNOTES);
    }

    needs = AR_GFM_ALL;

    if (memchr(src, '@', len) == NULL
        && !ar_render_has(src, len, "://")
        && !ar_render_has(src, len, "www.")
        && !ar_render_has(src, len, "&#")
        && !ar_render_has(src, len, "&commat;"))
    {
        needs &= ~AR_GFM_AUTOLINK;
    }

    if (!ar_render_has(src, len, "[^")) {
        needs &= ~AR_GFM_FOOTNOTES;
    }

    return needs;
}


static int
ar_render_has(const char *src, size_t len, const char *s)
{
    size_t       n;
    const char  *p, *end;

    n = strlen(s);
    end = src + len;

    for (p = src; (size_t) (end - p) >= n; p++) {
        p = memchr(p, s[0], end - p - n + 1);

        if (p == NULL) {
            return 0;
        }

        if (memcmp(p + 1, s + 1, n - 1) == 0) {
            return 1;
        }
    }

    return 0;
}


#if (AR_TEST_HOOKS)

/*
 * Test builds only: a render that takes as long as the test asks, by a
 * deadline on the clock (a loaded machine oversleeps), and gives way to
 * the time budget like any other.
 */

static void
ar_render_test_delay(ar_arena_t *arena, unsigned ms)
{
    struct timespec  now, end, tick;

    clock_gettime(CLOCK_MONOTONIC, &end);
    end.tv_sec += ms / 1000;
    end.tv_nsec += (long) (ms % 1000) * 1000000;

    if (end.tv_nsec >= 1000000000) {
        end.tv_sec++;
        end.tv_nsec -= 1000000000;
    }

    tick.tv_sec = 0;
    tick.tv_nsec = 1000000;

    for ( ;; ) {
        clock_gettime(CLOCK_MONOTONIC, &now);

        if (now.tv_sec > end.tv_sec
            || (now.tv_sec == end.tv_sec && now.tv_nsec >= end.tv_nsec))
        {
            return;
        }

        nanosleep(&tick, NULL);
        ar_arena_check_time(arena);
    }
}

#endif


/*
 * The one walk over the parsed tree: each node the later steps change is
 * collected here, by its type, in document order.  The tree is changed
 * only after the walk.
 */

static int
ar_render_walk(const ar_render_conf_t *conf, cmark_node *doc,
    ar_render_walk_t *walk)
{
    int               rc;
    cmark_node       *node, *next;
    cmark_node_type   type;

    node = doc;

    for ( ;; ) {
        type = cmark_node_get_type(node);

        switch (type) {

        case CMARK_NODE_HTML_INLINE:
        case CMARK_NODE_HTML_BLOCK:
            rc = conf->unsafe ? AR_OK : ar_nodes_add(&walk->html, node);
            break;

        case CMARK_NODE_LINK:
        case CMARK_NODE_IMAGE:
            rc = conf->unsafe ? AR_OK : ar_sanitize_link(node);
            break;

        case CMARK_NODE_HEADING:
            rc = ar_nodes_add(&walk->headings, node);
            break;

        case CMARK_NODE_FOOTNOTE_DEFINITION:
        case CMARK_NODE_FOOTNOTE_REFERENCE:
            rc = ar_nodes_add(&walk->notes, node);
            break;

        case CMARK_NODE_CODE_BLOCK:
            rc = (conf->mermaid != NULL || conf->highlight)
                 ? ar_nodes_add(&walk->code, node) : AR_OK;

            /* a "```math" block is a formula, and code to highlight */

            if (rc == AR_OK && conf->math && ar_math_syntax_is_math(node)) {
                rc = ar_nodes_add(&walk->math, node);
            }

            break;

        default:
            rc = AR_OK;

            if (conf->math && ar_math_syntax_is_math(node)) {
                rc = ar_nodes_add(&walk->math, node);

            } else if (type == ar_render_table_row) {
                walk->cells = 0;

            } else if (type == ar_render_table_cell
                       && ++walk->cells % AR_RENDER_CLOCK_CELLS == 0)
            {
                rc = ar_render_add_clock(node, ar_mem_cmark());
            }

            break;
        }

        if (rc != AR_OK) {
            return rc;
        }

        /* depth first, in document order */

        next = cmark_node_first_child(node);

        while (next == NULL && node != doc) {
            next = cmark_node_next(node);

            if (next == NULL) {
                node = cmark_node_parent(node);
            }
        }

        if (next == NULL) {
            return AR_OK;
        }

        node = next;
    }
}


/* an empty text node, but for the clock's extension: see above */

static int
ar_render_add_clock(cmark_node *cell, cmark_mem *mem)
{
    cmark_node  *clock;

    clock = cmark_node_new_with_mem(CMARK_NODE_TEXT, mem);

    if (clock == NULL
        || !cmark_node_set_syntax_extension(clock, ar_render_clock_ext)
        || !cmark_node_append_child(cell, clock))
    {
        return AR_ERROR;
    }

    return AR_OK;
}


static void
ar_render_clock(cmark_syntax_extension *ext,
    struct cmark_html_renderer *renderer, cmark_node *node,
    cmark_event_type ev, int options)
{
    ar_arena_check_running();
}


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
ar_render_escape_raw_html(const ar_nodes_t *html, cmark_mem *mem)
{
    size_t        i, len;
    char         *literal;
    const char   *s;
    cmark_node   *node, *text, *para;

    for (i = 0; i < html->n; i++) {
        node = html->elts[i];

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
    ar_buf_free(&article->scripts);
    ar_meta_free(&article->meta);
}


const char *
ar_render_library_version(void)
{
    return cmark_version_string();
}


/*
 * Loads the module's own language files from dir (after ar_render_init(),
 * before threads render); *failed names a file that did not load.
 */

int
ar_render_highlight_languages(const char *dir, const char **failed)
{
    return ar_code_languages(dir, failed);
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
#if (AR_TEST_HOOKS)
    const char  *forced;

    forced = getenv("AR_TEST_LIBRARY_OUTDATED");

    if (forced != NULL) {
        return forced[0] == '1';
    }
#endif

    /* cmark_version(): major << 24 | minor << 16 | patch << 8 | gfm */

    return cmark_version() < ((0 << 24) | (29 << 16) | (0 << 8) | 13);
}
