/*
 * Mermaid diagrams.  A fenced code block whose info string's first word
 * is "mermaid" is replaced with a custom block holding
 * <pre class="mermaid"> and the diagram's source, escaped; the script
 * at the URL, the site's copy of Mermaid's (mermaid.min.js), finds
 * these when the page loads and draws each as SVG.  A page with no such
 * block gets no script.
 */

#include <string.h>

#include "ar_mermaid.h"


#define AR_MERMAID_OPEN    "<pre class=\"mermaid\">"
#define AR_MERMAID_CLOSE   "</pre>\n"


static int ar_mermaid_is(cmark_node *code);
static int ar_mermaid_block(cmark_node *code, cmark_mem *mem,
    ar_buf_t *html);


/*
 * Replaces the diagrams' blocks among the code blocks the render's walk
 * found, leaving NULL in their places, and adds the script tag to
 * scripts when there was one.
 */

int
ar_mermaid_blocks(ar_nodes_t *code, cmark_mem *mem, const char *url,
    ar_buf_t *scripts)
{
    int       rc;
    size_t    i, n;
    ar_buf_t  html;

    memset(&html, 0, sizeof(ar_buf_t));

    rc = AR_OK;
    n = 0;

    for (i = 0; i < code->n; i++) {
        if (!ar_mermaid_is(code->elts[i])) {
            continue;
        }

        rc = ar_mermaid_block(code->elts[i], mem, &html);
        if (rc != AR_OK) {
            break;
        }

        code->elts[i] = NULL;
        n++;
    }

    ar_buf_free(&html);

    if (rc != AR_OK || n == 0) {
        return rc;
    }

    if (ar_buf_append(scripts, "<script src=\"", 13) != AR_OK
        || ar_buf_append_escaped(scripts, url, strlen(url)) != AR_OK
        || ar_buf_append(scripts, "\"></script>\n", 12) != AR_OK)
    {
        return AR_ERROR;
    }

    return AR_OK;
}


static int
ar_mermaid_is(cmark_node *code)
{
    int          fence_len, fence_offset;
    char         fence_char;
    const char  *info;

    if (!cmark_node_get_fenced(code, &fence_len, &fence_offset,
                               &fence_char))
    {
        return 0;
    }

    info = cmark_node_get_fence_info(code);

    return info != NULL && strncmp(info, "mermaid", 7) == 0
           && (info[7] == '\0' || strchr(" \t\r\n", info[7]) != NULL);
}


static int
ar_mermaid_block(cmark_node *code, cmark_mem *mem, ar_buf_t *html)
{
    const char  *s;
    cmark_node  *block;

    s = cmark_node_get_literal(code);
    if (s == NULL) {
        s = "";
    }

    html->len = 0;

    /* the string given to cmark-gfm ends with a NUL */

    if (ar_buf_append(html, AR_MERMAID_OPEN, sizeof(AR_MERMAID_OPEN) - 1)
        != AR_OK
        || ar_buf_append_escaped(html, s, strlen(s)) != AR_OK
        || ar_buf_append(html, AR_MERMAID_CLOSE, sizeof(AR_MERMAID_CLOSE))
           != AR_OK)
    {
        return AR_ERROR;
    }

    block = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_BLOCK, mem);
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
