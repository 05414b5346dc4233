/*
 * Highlighted code blocks.  A fenced code block whose info string's
 * first word names a language the highlighter knows is replaced with a
 * custom block holding the same <pre><code class="language-X"> that
 * cmark-gfm would write, with its tokens in <span class="...">; any
 * other code block is left to cmark-gfm.  The highlighter lives outside
 * the arena: the arena frees it if a budget unwinds the render while it
 * is in use.  Where the module is built without a highlighter, nothing
 * is highlighted.
 */

#include <string.h>

#include "ar_code.h"

#if (AR_HAVE_HIGHLIGHT)
#include "ar_highlight.h"


static int ar_code_block(cmark_node *code, ar_arena_t *arena,
    ar_buf_t *html);
static void ar_code_release(void *data);


int
ar_code_init(void)
{
    return ar_highlight_init();
}


int
ar_code_languages(const char *dir, const char **failed)
{
    return ar_highlight_languages(dir, failed);
}


int
ar_code_available(void)
{
    return 1;
}


int
ar_code_highlight(const ar_nodes_t *code, ar_arena_t *arena)
{
    int          rc, fence_len, fence_offset;
    char         fence_char;
    size_t       i;
    ar_buf_t     html;
    cmark_node  *node;

    memset(&html, 0, sizeof(ar_buf_t));
    rc = AR_OK;

    for (i = 0; rc == AR_OK && i < code->n; i++) {
        node = code->elts[i];

        /* NULL: a diagram's block, replaced */

        if (node != NULL
            && cmark_node_get_fenced(node, &fence_len, &fence_offset,
                                     &fence_char))
        {
            rc = ar_code_block(node, arena, &html);
        }
    }

    ar_buf_free(&html);

    return rc;
}


/*
 * Highlights one block, line by line, looking at the clock after each.
 * A block the highlighter fails on is left plain.  It runs in the arena,
 * where an allocation never fails (it unwinds).
 */

static int
ar_code_block(cmark_node *code, ar_arena_t *arena, ar_buf_t *html)
{
    int              lang, rc;
    size_t           n, len, out_len;
    cmark_node      *block;
    const char      *info, *p, *e, *end, *out;
    ar_highlight_t  *hl;

    info = cmark_node_get_fence_info(code);
    if (info == NULL) {
        return AR_OK;
    }

    n = strcspn(info, " \t\r\n");

    lang = ar_highlight_lang(info, n);
    if (lang < 0) {
        return AR_OK;
    }

    p = cmark_node_get_literal(code);
    if (p == NULL) {
        p = "";
    }

    end = p + strlen(p);

    hl = ar_highlight_new(lang);
    if (hl == NULL) {
        return AR_OK;
    }

    arena->cleanup = ar_code_release;
    arena->cleanup_data = hl;

    html->len = 0;

    rc = ar_buf_append(html, "<pre><code class=\"language-", 27);

    if (rc == AR_OK) {
        rc = ar_buf_append_escaped(html, info, n);
    }

    if (rc == AR_OK) {
        rc = ar_buf_append(html, "\">", 2);
    }

    while (rc == AR_OK && p < end) {
        e = memchr(p, '\n', end - p);
        len = (e ? e : end) - p;

        if (len > AR_HIGHLIGHT_LINE_MAX) {
            rc = ar_buf_append_escaped(html, p, len);

        } else if (ar_highlight_line(hl, p, len, &out, &out_len) == AR_OK) {
            rc = ar_buf_append(html, out, out_len);

        } else {
            /* left plain */
            html->len = 0;
            break;
        }

        if (rc == AR_OK && e != NULL) {
            rc = ar_buf_append(html, "\n", 1);
        }

        p += len + (e != NULL);

        ar_arena_check_time(arena);
    }

    arena->cleanup = NULL;
    ar_highlight_free(hl);

    if (rc != AR_OK || html->len == 0) {
        return rc;
    }

    /* the string given to cmark-gfm ends with a NUL */

    if (ar_buf_append(html, "</code></pre>", 14) != AR_OK) {
        return AR_ERROR;
    }

    block = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_BLOCK, &arena->mem);
    if (block == NULL) {
        return AR_ERROR;
    }

    if (!cmark_node_set_on_enter(block, html->data)
        || !cmark_node_set_on_exit(block, "")
        || !cmark_node_replace(code, block))
    {
        return AR_ERROR;
    }

    cmark_node_free(code);

    return AR_OK;
}


static void
ar_code_release(void *data)
{
    ar_highlight_free(data);
}


#else /* !AR_HAVE_HIGHLIGHT */


int
ar_code_init(void)
{
    return AR_OK;
}


int
ar_code_languages(const char *dir, const char **failed)
{
    return AR_OK;
}


int
ar_code_available(void)
{
    return 0;
}


int
ar_code_highlight(const ar_nodes_t *code, ar_arena_t *arena)
{
    return AR_OK;
}

#endif
