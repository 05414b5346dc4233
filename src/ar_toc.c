/*
 * Heading ids, self-link anchors and the table of contents.
 *
 * Every heading becomes a custom block that renders as
 *
 *     <h2 id="slug">text<a class="anchor" href="#slug" aria-hidden="true"
 *     tabindex="-1">#</a></h2>
 *
 * with the heading's own inlines in between, so that cmark-gfm still
 * renders (and in safe mode escapes) the text, while the markup around
 * it is ours.  The pass runs after the safe-mode one, which therefore
 * never sees this markup.
 *
 * The ids the footnotes use are taken first, so that no heading gets
 * one of them: they are read from each footnote definition and reference
 * rendered on its own, which is exactly what cmark-gfm puts in the page.
 * (A definition is rendered when some reference uses it, which may sit
 * where the document does not reach, such as a repeated definition.)
 *
 * The table of contents lists the article's own h2 and h3 headings (not
 * those in quotes, lists or footnotes), an h3 nested under the h2 before
 * it; it is empty when there are fewer than two, and not made at all
 * when the caller does not ask for it.
 *
 * The same pass gives the page title, when asked for it: the text of the
 * first of the article's own headings, of any level, as the table of
 * contents would list it.
 */

#include <stdlib.h>
#include <string.h>

#include "ar_arena.h"
#include "ar_sanitize.h"
#include "ar_slug.h"
#include "ar_toc.h"


#define AR_TOC_MIN  2


typedef struct {
    ar_buf_t      *out;
    size_t         entries;      /* after one, a top-level <li> is open */
    unsigned       sub_open:1;   /* a nested <ul> in it is open */
    unsigned       under_h2:1;   /* the open <li> is an h2's */
} ar_toc_list_t;


static int ar_toc_reserve(cmark_node *ref, int options, ar_slugs_t *slugs);
static int ar_toc_text(cmark_node *heading, int options, ar_buf_t *slug,
    ar_buf_t *label);
static int ar_toc_wrap(cmark_node *heading, int level, const ar_buf_t *slug,
    ar_buf_t *tmp);
static int ar_toc_entry(ar_toc_list_t *list, int level,
    const ar_buf_t *slug, const ar_buf_t *label);
static int ar_toc_close(ar_toc_list_t *list);


int
ar_nodes_add(ar_nodes_t *nodes, cmark_node *node)
{
    cmark_node  **elts;

    elts = ar_array_grow(nodes->elts, nodes->n, sizeof(cmark_node *));
    if (elts == NULL) {
        return AR_ERROR;
    }

    nodes->elts = elts;
    nodes->elts[nodes->n++] = node;

    return AR_OK;
}


/*
 * The headings get their ids after all the footnotes' ids are taken;
 * toc NULL: no table of contents is wanted.
 */

int
ar_toc_headings(cmark_node *doc, int options, const ar_nodes_t *headings,
    const ar_nodes_t *notes, ar_buf_t *title, ar_buf_t *toc)
{
    int             rc, level, top;
    size_t          i;
    ar_buf_t        text, label, slug, tmp;
    cmark_node     *h;
    ar_slugs_t      slugs;
    ar_toc_list_t   list;

    memset(&slugs, 0, sizeof(ar_slugs_t));
    memset(&text, 0, sizeof(ar_buf_t));
    memset(&label, 0, sizeof(ar_buf_t));
    memset(&slug, 0, sizeof(ar_buf_t));
    memset(&tmp, 0, sizeof(ar_buf_t));
    memset(&list, 0, sizeof(ar_toc_list_t));

    list.out = toc;

    rc = AR_OK;

    for (i = 0; rc == AR_OK && i < notes->n; i++) {
        rc = ar_toc_reserve(notes->elts[i], options, &slugs);
    }

    for (i = 0; rc == AR_OK && i < headings->n; i++) {
        h = headings->elts[i];
        level = cmark_node_get_heading_level(h);
        top = (cmark_node_parent(h) == doc);

        text.len = 0;
        label.len = 0;
        slug.len = 0;

        rc = ar_toc_text(h, options, &text, top ? &label : NULL);

        if (rc == AR_OK) {
            rc = ar_slug_text(&slug, text.data, text.len);
        }

        if (rc == AR_OK) {
            rc = ar_slugs_unique(&slugs, &slug);
        }

        if (rc == AR_OK && top && title != NULL) {
            rc = ar_buf_append(title, label.data, label.len);
            title = NULL;
        }

        if (rc == AR_OK && top && toc != NULL && (level == 2 || level == 3)) {
            rc = ar_toc_entry(&list, level, &slug, &label);
        }

        if (rc == AR_OK) {
            rc = ar_toc_wrap(h, level, &slug, &tmp);
        }
    }

    if (toc != NULL) {
        if (rc == AR_OK && list.entries >= AR_TOC_MIN) {
            rc = ar_toc_close(&list);

        } else {
            ar_buf_free(toc);
        }
    }

    ar_slugs_free(&slugs);
    ar_buf_free(&text);
    ar_buf_free(&label);
    ar_buf_free(&slug);
    ar_buf_free(&tmp);

    return rc;
}


/* takes the ids and link targets in a footnote node's markup */

static int
ar_toc_reserve(cmark_node *ref, int options, ar_slugs_t *slugs)
{
    int          rc;
    char        *html, *p, *v, *e;
    size_t       i;
    const char  *attr[] = { " id=\"", " href=\"#" };

    html = cmark_render_html_with_mem(ref, options, NULL, ar_mem_cmark());
    if (html == NULL) {
        return AR_ERROR;
    }

    rc = AR_OK;

    for (i = 0; rc == AR_OK && i < sizeof(attr) / sizeof(attr[0]); i++) {

        for (p = strstr(html, attr[i]);
             rc == AR_OK && p != NULL;
             p = strstr(e, attr[i]))
        {
            v = p + strlen(attr[i]);
            e = strchr(v, '"');

            if (e == NULL) {
                break;
            }

            rc = ar_slugs_reserve(slugs, v, e - v);
        }
    }

    ar_mem_cmark()->free(html);

    return rc;
}


/*
 * The heading's plain text, in one pass: for the slug as it is, without
 * images; for the label (the table of contents and the page title)
 * HTML-escaped, with images' descriptions.  Line breaks are spaces, raw
 * HTML is left out, but for the tags the sanitizer shows as text.
 */

static int
ar_toc_text(cmark_node *heading, int options, ar_buf_t *slug,
    ar_buf_t *label)
{
    int                rc;
    size_t             images, len;
    const char        *s, *name;
    cmark_node        *node;
    cmark_iter        *iter;
    cmark_event_type   ev;

    iter = cmark_iter_new(heading);
    if (iter == NULL) {
        return AR_ERROR;
    }

    rc = AR_OK;
    images = 0;

    while (rc == AR_OK && (ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {
        node = cmark_iter_get_node(iter);

        switch (cmark_node_get_type(node)) {

        case CMARK_NODE_IMAGE:
            if (ev == CMARK_EVENT_ENTER) {
                images++;

            } else if (ev == CMARK_EVENT_EXIT) {
                images--;
            }

            break;

        case CMARK_NODE_HTML_INLINE:
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
            s = cmark_node_get_literal(node);

            if (s == NULL
                || (cmark_node_get_type(node) == CMARK_NODE_HTML_INLINE
                    && ((options & CMARK_OPT_UNSAFE)
                        || !ar_sanitize_filtered(s))))
            {
                break;
            }

            len = strlen(s);

            /* an emoji's node keeps its name, as GitHub's ids do */

            name = cmark_node_get_user_data(node);

            if (!images) {
                rc = (name != NULL) ? ar_buf_append(slug, name, strlen(name))
                                    : ar_buf_append(slug, s, len);
            }

            if (rc == AR_OK && label) {
                rc = ar_buf_append_escaped(label, s, len);
            }

            break;

        case CMARK_NODE_SOFTBREAK:
        case CMARK_NODE_LINEBREAK:
            if (!images) {
                rc = ar_buf_append(slug, " ", 1);
            }

            if (rc == AR_OK && label) {
                rc = ar_buf_append(label, " ", 1);
            }

            break;

        default:
            break;
        }
    }

    cmark_iter_free(iter);

    return rc;
}


/*
 * Replaces the heading with a custom block around its inlines.  It runs
 * in the arena, where an allocation never fails (it unwinds), and a
 * failure of cmark-gfm ends the render, whose arena frees what was
 * taken: the failures leave what they allocated.
 */

static int
ar_toc_wrap(cmark_node *heading, int level, const ar_buf_t *slug,
    ar_buf_t *tmp)
{
    char         h[2];
    cmark_node  *block, *open, *close, *child;

    h[0] = (char) ('0' + level);
    h[1] = '\0';

    block = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_BLOCK, ar_mem_cmark());
    open = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_INLINE, ar_mem_cmark());
    close = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_INLINE,
                                    ar_mem_cmark());

    if (block == NULL || open == NULL || close == NULL) {
        return AR_ERROR;
    }

    /* the strings given to cmark-gfm end with a NUL */

    tmp->len = 0;

    if (ar_buf_append(tmp, "<h", 2) != AR_OK
        || ar_buf_append(tmp, h, 1) != AR_OK
        || ar_buf_append(tmp, " id=\"", 5) != AR_OK
        || ar_buf_append_escaped(tmp, slug->data, slug->len) != AR_OK
        || ar_buf_append(tmp, "\">", 2) != AR_OK
        || ar_buf_append(tmp, "", 1) != AR_OK
        || !cmark_node_set_on_enter(open, tmp->data))
    {
        return AR_ERROR;
    }

    tmp->len = 0;

    if (ar_buf_append(tmp, "<a class=\"anchor\" href=\"#", 25) != AR_OK
        || ar_buf_append_escaped(tmp, slug->data, slug->len) != AR_OK
        || ar_buf_append(tmp, "\" aria-hidden=\"true\" tabindex=\"-1\">#</a>"
                              "</h", 43) != AR_OK
        || ar_buf_append(tmp, h, 1) != AR_OK
        || ar_buf_append(tmp, ">", 1) != AR_OK
        || ar_buf_append(tmp, "", 1) != AR_OK
        || !cmark_node_set_on_enter(close, tmp->data))
    {
        return AR_ERROR;
    }

    if (!cmark_node_append_child(block, open)) {
        return AR_ERROR;
    }

    /* the inlines may point into the heading's own memory */
    cmark_node_own(heading);

    while ((child = cmark_node_first_child(heading)) != NULL) {
        if (!cmark_node_append_child(block, child)) {
            return AR_ERROR;
        }
    }

    if (!cmark_node_append_child(block, close)) {
        return AR_ERROR;
    }

    if (!cmark_node_replace(heading, block)) {
        return AR_ERROR;
    }

    cmark_node_free(heading);

    return AR_OK;
}


static int
ar_toc_entry(ar_toc_list_t *list, int level, const ar_buf_t *slug,
    const ar_buf_t *label)
{
    ar_buf_t  *out;

    out = list->out;

    if (list->entries++ == 0
        && ar_buf_append(out, "<nav class=\"toc\">\n<ul>\n", 23) != AR_OK)
    {
        return AR_ERROR;
    }

    if (level == 3 && list->under_h2) {
        if (!list->sub_open) {
            if (ar_buf_append(out, "\n<ul>\n", 6) != AR_OK) {
                return AR_ERROR;
            }

            list->sub_open = 1;
        }

    } else {
        if (list->sub_open) {
            if (ar_buf_append(out, "</ul>\n", 6) != AR_OK) {
                return AR_ERROR;
            }

            list->sub_open = 0;
        }

        /* the top-level <li> of the entries before ends */

        if (list->entries > 1 && ar_buf_append(out, "</li>\n", 6) != AR_OK) {
            return AR_ERROR;
        }

        list->under_h2 = (level == 2);
    }

    if (ar_buf_append(out, "<li><a href=\"#", 14) != AR_OK
        || ar_buf_append_escaped(out, slug->data, slug->len) != AR_OK
        || ar_buf_append(out, "\">", 2) != AR_OK
        || ar_buf_append(out, label->data, label->len) != AR_OK
        || ar_buf_append(out, "</a>", 4) != AR_OK)
    {
        return AR_ERROR;
    }

    if (list->sub_open && ar_buf_append(out, "</li>\n", 6) != AR_OK) {
        return AR_ERROR;
    }

    return AR_OK;
}


/* called after some entries: a top-level <li> is open */

static int
ar_toc_close(ar_toc_list_t *list)
{
    if (list->sub_open && ar_buf_append(list->out, "</ul>\n", 6) != AR_OK) {
        return AR_ERROR;
    }

    return ar_buf_append(list->out, "</li>\n</ul>\n</nav>\n", 19);
}
