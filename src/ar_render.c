/*
 * Markdown to HTML with cmark-gfm.
 *
 * Safe mode is cmark-gfm's own (dangerous URLs dropped) plus one step of
 * ours: raw HTML is turned into text before rendering, so that readers
 * see it escaped instead of having it silently omitted.
 */

#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "ar_render.h"


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


static int ar_render_escape_raw_html(cmark_node *doc);
static int ar_render_title(cmark_node *doc, ar_buf_t *title);


/*
 * Registers the GFM extensions with cmark-gfm; must run once before any
 * render, and before threads render concurrently.
 */

int
ar_render_init(void)
{
    size_t  i;

    cmark_gfm_core_extensions_ensure_registered();

    for (i = 0; i < sizeof(ar_render_extensions)
                    / sizeof(ar_render_extensions[0]); i++)
    {
        if (cmark_find_syntax_extension(ar_render_extensions[i].name)
            == NULL)
        {
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


int
ar_render_article(const ar_render_conf_t *conf, const char *src, size_t len,
    ar_article_t *article)
{
    int                       options, rc;
    char                     *html;
    size_t                    i;
    cmark_node               *doc;
    cmark_parser             *parser;
    cmark_syntax_extension   *ext;

    memset(article, 0, sizeof(ar_article_t));

    options = CMARK_OPT_VALIDATE_UTF8;

    if (conf->gfm & AR_GFM_FOOTNOTES) {
        options |= CMARK_OPT_FOOTNOTES;
    }

    if (conf->unsafe) {
        options |= CMARK_OPT_UNSAFE;
    }

    parser = cmark_parser_new(options);
    if (parser == NULL) {
        return AR_ERROR;
    }

    for (i = 0; i < sizeof(ar_render_extensions)
                    / sizeof(ar_render_extensions[0]); i++)
    {
        if (!(conf->gfm & ar_render_extensions[i].bit)) {
            continue;
        }

        ext = cmark_find_syntax_extension(ar_render_extensions[i].name);

        if (ext == NULL || !cmark_parser_attach_syntax_extension(parser, ext))
        {
            cmark_parser_free(parser);
            return AR_ERROR;
        }
    }

    cmark_parser_feed(parser, src, len);

    doc = cmark_parser_finish(parser);
    if (doc == NULL) {
        cmark_parser_free(parser);
        return AR_ERROR;
    }

    rc = AR_OK;

    if (!conf->unsafe) {
        rc = ar_render_escape_raw_html(doc);
    }

    if (rc == AR_OK) {
        rc = ar_render_title(doc, &article->title);
    }

    if (rc == AR_OK) {
        html = cmark_render_html(doc, options,
                                 cmark_parser_get_syntax_extensions(parser));
        if (html == NULL) {
            rc = AR_ERROR;

        } else {
            /* cmark-gfm's default allocator is calloc/realloc/free */
            article->html.data = html;
            article->html.len = strlen(html);
            article->html.cap = article->html.len + 1;

            rc = ar_buf_utf8_repair(&article->html);
        }
    }

    if (rc == AR_OK) {
        rc = ar_buf_utf8_repair(&article->title);
    }

    cmark_node_free(doc);
    cmark_parser_free(parser);

    if (rc != AR_OK) {
        ar_article_free(article);
    }

    return rc;
}


/*
 * Replaces every raw HTML node with text carrying the same source, so the
 * HTML renderer escapes it: an inline one with a text node, a block one
 * with a paragraph holding a text node.
 */

static int
ar_render_escape_raw_html(cmark_node *doc)
{
    int                rc;
    size_t             n, i, len;
    char              *literal;
    const char        *s;
    cmark_node        *node, *text, *para, **found, **more;
    cmark_iter        *iter;
    cmark_event_type   ev;
    cmark_node_type    type;

    found = NULL;
    n = 0;
    rc = AR_OK;

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

        if ((n & (n - 1)) == 0) {
            more = realloc(found, (n ? 2 * n : 8) * sizeof(cmark_node *));
            if (more == NULL) {
                rc = AR_ERROR;
                break;
            }

            found = more;
        }

        found[n++] = node;
    }

    cmark_iter_free(iter);

    for (i = 0; rc == AR_OK && i < n; i++) {
        node = found[i];

        s = cmark_node_get_literal(node);
        if (s == NULL) {
            s = "";
        }

        text = cmark_node_new(CMARK_NODE_TEXT);
        if (text == NULL) {
            rc = AR_ERROR;
            break;
        }

        if (cmark_node_get_type(node) == CMARK_NODE_HTML_INLINE) {
            if (!cmark_node_set_literal(text, s)
                || !cmark_node_replace(node, text))
            {
                cmark_node_free(text);
                rc = AR_ERROR;
                break;
            }

            cmark_node_free(node);
            continue;
        }

        /* an HTML block's literal ends with its newline */

        len = strlen(s);
        while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r')) {
            len--;
        }

        literal = malloc(len + 1);
        para = cmark_node_new(CMARK_NODE_PARAGRAPH);

        if (literal == NULL || para == NULL) {
            free(literal);
            cmark_node_free(para);
            cmark_node_free(text);
            rc = AR_ERROR;
            break;
        }

        memcpy(literal, s, len);
        literal[len] = '\0';

        if (!cmark_node_set_literal(text, literal)
            || !cmark_node_append_child(para, text))
        {
            free(literal);
            cmark_node_free(para);
            cmark_node_free(text);
            rc = AR_ERROR;
            break;
        }

        free(literal);

        if (!cmark_node_replace(node, para)) {
            cmark_node_free(para);
            rc = AR_ERROR;
            break;
        }

        cmark_node_free(node);
    }

    free(found);

    return rc;
}


/*
 * The page title: the plain text of the first heading, with line breaks
 * as spaces, HTML-escaped.  Empty when there is no heading.
 */

static int
ar_render_title(cmark_node *doc, ar_buf_t *title)
{
    int                rc;
    const char        *s;
    cmark_node        *node, *heading;
    cmark_iter        *iter;
    cmark_event_type   ev;

    heading = NULL;

    for (node = cmark_node_first_child(doc);
         node != NULL;
         node = cmark_node_next(node))
    {
        if (cmark_node_get_type(node) == CMARK_NODE_HEADING) {
            heading = node;
            break;
        }
    }

    if (heading == NULL) {
        return AR_OK;
    }

    iter = cmark_iter_new(heading);
    if (iter == NULL) {
        return AR_ERROR;
    }

    rc = AR_OK;

    while (rc == AR_OK
           && (ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE)
    {
        if (ev != CMARK_EVENT_ENTER) {
            continue;
        }

        node = cmark_iter_get_node(iter);

        switch (cmark_node_get_type(node)) {

        /* raw HTML, kept in unsafe mode, is markup, not title text */

        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
            s = cmark_node_get_literal(node);
            if (s != NULL) {
                rc = ar_buf_append_escaped(title, s, strlen(s));
            }
            break;

        case CMARK_NODE_SOFTBREAK:
        case CMARK_NODE_LINEBREAK:
            rc = ar_buf_append(title, " ", 1);
            break;

        default:
            break;
        }
    }

    cmark_iter_free(iter);

    return rc;
}


void
ar_article_free(ar_article_t *article)
{
    ar_buf_free(&article->html);
    ar_buf_free(&article->title);
}


const char *
ar_render_library_version(void)
{
    return cmark_version_string();
}
