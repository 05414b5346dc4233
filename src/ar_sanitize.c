/*
 * Raw HTML as GitHub shows it.
 *
 * An article's raw HTML nodes are put aside and replaced in the tree
 * with placeholders, raw HTML nodes themselves, which cmark-gfm renders
 * unsafe as they are: "<\1" N ">", where cmark-gfm never writes a "<"
 * followed by anything but a tag name or "/".  The rendered HTML, with
 * the raw HTML put back, is parsed as one fragment by gumbo, an HTML5
 * parser, so that a tag opened in one raw HTML node and closed in another
 * pairs up as it does in a browser, around the Markdown between them.
 * The tree is then written out again: elements whose start tag lies
 * outside the raw HTML are cmark-gfm's and the core's, and are written
 * as they came, but for the addresses cmark-gfm's safe mode leaves out;
 * the author's are kept only as far as GitHub's allowlist permits.
 *
 * Everything, gumbo's memory included, comes from the render's arena.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gumbo.h>

#include "ar_arena.h"
#include "ar_emoji.h"
#include "ar_sanitize.h"
#include "ar_slug.h"


#define AR_SANITIZE_PREFIX  "user-content-"


/* what becomes of an element */
#define AR_SANITIZE_KEEP    0   /* cmark-gfm's: as it came */
#define AR_SANITIZE_ALLOW   1   /* the author's, with allowed attributes */
#define AR_SANITIZE_UNWRAP  2   /* the author's: its content only */
#define AR_SANITIZE_DROP    3   /* the author's: nothing of it */


/* from ar_sanitize_enter(): the node's children are not to be walked */
#define AR_SANITIZE_SKIP    1


/* from ar_sanitize_probe(): where the parse stands after a raw HTML node */
#define AR_SANITIZE_SETTLED 1   /* in text, nothing that takes what follows */
#define AR_SANITIZE_OPEN    2   /* inside elements that take it: closed */
#define AR_SANITIZE_INSIDE  3   /* inside a tag, a comment or raw text */


/* which addresses an attribute takes */
#define AR_SANITIZE_URL_NONE  0
#define AR_SANITIZE_URL_LINK  1   /* http, https, mailto, relative */
#define AR_SANITIZE_URL_SRC   2   /* http, https, relative */
#define AR_SANITIZE_URL_SET   3   /* a srcset: each of its addresses SRC */


typedef struct {
    size_t        start;
    size_t        end;
} ar_sanitize_span_t;


typedef struct {
    ar_buf_t             src;      /* the rendered HTML, raw HTML put back */
    ar_sanitize_span_t  *spans;    /* the raw HTML in it, in order */
    size_t               nspans;
    ar_slugs_t           ids;      /* the author's ids and names */
    ar_slugs_t           page;     /* the ids of the module's markup */
    GumboNode          **open;     /* the elements written and open */
    size_t               nopen;
    ar_buf_t             piece;    /* one raw HTML node, being closed */
    ar_buf_t             tail;     /* the end tags that close it */
    ar_buf_t             out;
    unsigned             emoji:1;  /* shortcodes in its text become emoji */
} ar_sanitize_t;


static int ar_sanitize_put_aside(cmark_node *doc, cmark_mem *mem,
    cmark_node ***raw, size_t *n);
static int ar_sanitize_splice(ar_sanitize_t *s, const char *html,
    cmark_node **raw, size_t n);
static int ar_sanitize_piece(ar_sanitize_t *s, const char *literal,
    size_t len, int block);
static int ar_sanitize_tagfilter(ar_buf_t *b, const char *p, size_t len);
static size_t ar_sanitize_tag_name(const char *p, size_t len);
static int ar_sanitize_settled(const char *p, size_t len);
static int ar_sanitize_probe(ar_sanitize_t *s);
static int ar_sanitize_sticky(GumboNode *node);
static GumboNode *ar_sanitize_find_text(GumboNode *root, const char *at);
static GumboOutput *ar_sanitize_parse(GumboOptions *opt, const char *p,
    size_t len);
static int ar_sanitize_walk(ar_sanitize_t *s, GumboNode *root, int write);
static int ar_sanitize_enter(ar_sanitize_t *s, GumboNode *node);
static int ar_sanitize_leave(ar_sanitize_t *s, GumboNode *node);
static int ar_sanitize_text(ar_sanitize_t *s, GumboNode *node);
static int ar_sanitize_emoji_text(ar_sanitize_t *s, GumboNode *node);
static int ar_sanitize_end_tag(ar_sanitize_t *s, GumboNode *node, int kind);
static int ar_sanitize_close_p(ar_sanitize_t *s, GumboTag tag);
static size_t ar_sanitize_find(ar_sanitize_t *s, GumboTag tag, int item);
static int ar_sanitize_special(GumboTag tag);
static int ar_sanitize_heading(GumboNode *node);
static int ar_sanitize_close_to(ar_sanitize_t *s, size_t n);
static void ar_sanitize_name(GumboElement *e, GumboStringPiece *name);
static int ar_sanitize_picture(GumboNode *node);
static int ar_sanitize_collect(ar_sanitize_t *s, GumboNode *node);
static int ar_sanitize_kind(ar_sanitize_t *s, GumboNode *node);
static int ar_sanitize_authored(ar_sanitize_t *s, GumboNode *node);
static int ar_sanitize_in_raw(ar_sanitize_t *s, const char *p);
static int ar_sanitize_core_svg(ar_sanitize_t *s, GumboNode *node);
static int ar_sanitize_core_math(ar_sanitize_t *s, GumboNode *node);
static int ar_sanitize_element_allowed(GumboTag tag);
static int ar_sanitize_content_dropped(GumboTag tag);
static int ar_sanitize_void(GumboTag tag);
static int ar_sanitize_attr_allowed(GumboTag tag, const char *name);
static int ar_sanitize_url_allowed(const char *url, int rule);
static int ar_sanitize_srcset_allowed(const char *v);
static int ar_sanitize_start_tag(ar_sanitize_t *s, GumboNode *node,
    int authored);
static int ar_sanitize_attr(ar_sanitize_t *s, GumboElement *e,
    GumboAttribute *a, int authored);
static int ar_sanitize_author_id(ar_sanitize_t *s, const char *id,
    size_t len);
static int ar_sanitize_rewritten(ar_sanitize_t *s, GumboElement *e);
static int ar_sanitize_dangerous(GumboTag tag, GumboAttribute *a);
static int ar_sanitize_strcmp(const void *one, const void *two);
static void *ar_sanitize_alloc(void *userdata, size_t size);
static void ar_sanitize_free(void *userdata, void *p);


/* sorted, for bsearch() */

static const char  *ar_sanitize_attrs[] = {
    "abbr", "accept", "accept-charset", "accesskey", "action", "align", "alt",
    "aria-describedby", "aria-hidden", "aria-label", "aria-labelledby", "axis",
    "border", "cellpadding", "cellspacing", "char", "charoff", "charset",
    "checked", "clear", "color", "cols", "colspan", "compact", "coords",
    "datetime", "dir", "disabled", "enctype", "for", "frame", "headers",
    "height", "hreflang", "hspace", "id", "ismap", "itemprop", "label", "lang",
    "maxlength", "media", "method", "multiple", "name", "nohref", "noshade",
    "nowrap", "open", "progress", "prompt", "readonly", "rel", "rev", "role",
    "rows", "rowspan", "rules", "scope", "selected", "shape", "size", "span",
    "start", "summary", "tabindex", "title", "type", "usemap", "valign",
    "value", "width"
};

#define AR_SANITIZE_NATTRS                                                   \
    (sizeof(ar_sanitize_attrs) / sizeof(ar_sanitize_attrs[0]))


/*
 * Renders the tree as cmark-gfm does; when it has raw HTML, the raw HTML
 * is sanitized in place, and with emoji, shortcodes in its text become
 * emoji as they do in the Markdown text (ar_emoji.c).  Without raw HTML
 * the output is cmark-gfm's own, byte for byte, and costs nothing more.
 */

int
ar_sanitize_render(cmark_node *doc, int options, cmark_llist *extensions,
    cmark_mem *mem, int emoji, const char **html, size_t *len)
{
    size_t          n;
    char           *rendered;
    cmark_node    **raw;
    GumboOutput    *output;
    GumboOptions    opt;
    ar_sanitize_t   s;

    raw = NULL;
    n = 0;

    if (ar_sanitize_put_aside(doc, mem, &raw, &n) != AR_OK) {
        return AR_ERROR;
    }

    /*
     * Unsafe, for the placeholders: cmark-gfm's own check of link and
     * image addresses is made again on its elements when written out.
     */

    rendered = cmark_render_html_with_mem(doc,
                                          n ? options | CMARK_OPT_UNSAFE
                                            : options,
                                          extensions, mem);
    if (rendered == NULL) {
        return AR_ERROR;
    }

    if (n == 0) {
        *html = rendered;
        *len = strlen(rendered);
        return AR_OK;
    }

    memset(&s, 0, sizeof(ar_sanitize_t));

    s.emoji = emoji ? 1 : 0;

    if (ar_sanitize_splice(&s, rendered, raw, n) != AR_OK) {
        return AR_ERROR;
    }

    output = ar_sanitize_parse(&opt, s.src.data, s.src.len);
    if (output == NULL) {
        return AR_ERROR;
    }

    /* the first walk finds the author's ids, for links to them */

    if (ar_sanitize_walk(&s, output->root, 0) != AR_OK
        || ar_sanitize_walk(&s, output->root, 1) != AR_OK
        || ar_buf_reserve(&s.out, 1) != AR_OK)
    {
        return AR_ERROR;
    }

    /* nothing is freed: the arena is released at the end of the render */

    *html = s.out.data;
    *len = s.out.len;

    return AR_OK;
}


/*
 * Replaces each raw HTML node with one of the same kind whose literal is
 * the node's placeholder.  The nodes put aside stay allocated with their
 * literals until the arena is released.
 */

static int
ar_sanitize_put_aside(cmark_node *doc, cmark_mem *mem, cmark_node ***raw,
    size_t *n)
{
    char               mark[32];
    size_t             i, images, nalt;
    cmark_node        *node, *mock, **found, **alt, **more;
    cmark_iter        *iter;
    cmark_event_type   ev;
    cmark_node_type    type;

    found = NULL;
    alt = NULL;
    *n = 0;
    nalt = 0;
    images = 0;

    iter = cmark_iter_new(doc);
    if (iter == NULL) {
        return AR_ERROR;
    }

    while ((ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {

        node = cmark_iter_get_node(iter);
        type = cmark_node_get_type(node);

        if (type == CMARK_NODE_IMAGE) {
            images += (ev == CMARK_EVENT_ENTER) ? 1 : -1;
            continue;
        }

        if (ev != CMARK_EVENT_ENTER
            || (type != CMARK_NODE_HTML_INLINE
                && type != CMARK_NODE_HTML_BLOCK))
        {
            continue;
        }

        /* in an image's alt text raw HTML is text, as cmark-gfm has it */

        if (images) {
            more = ar_array_grow(alt, nalt, sizeof(cmark_node *));
            if (more == NULL) {
                return AR_ERROR;
            }

            alt = more;
            alt[nalt++] = node;
            continue;
        }

        more = ar_array_grow(found, *n, sizeof(cmark_node *));
        if (more == NULL) {
            return AR_ERROR;
        }

        found = more;
        found[(*n)++] = node;
    }

    cmark_iter_free(iter);

    for (i = 0; i < nalt; i++) {
        mock = cmark_node_new_with_mem(CMARK_NODE_TEXT, mem);

        if (mock == NULL
            || !cmark_node_set_literal(mock, cmark_node_get_literal(alt[i]))
            || !cmark_node_replace(alt[i], mock))
        {
            return AR_ERROR;
        }
    }

    for (i = 0; i < *n; i++) {
        node = found[i];

        mock = cmark_node_new_with_mem(cmark_node_get_type(node), mem);
        if (mock == NULL) {
            return AR_ERROR;
        }

        snprintf(mark, sizeof(mark), "<\1%zu>", i);

        if (!cmark_node_set_literal(mock, mark)
            || !cmark_node_replace(node, mock))
        {
            return AR_ERROR;
        }
    }

    *raw = found;

    return AR_OK;
}


/* puts the raw HTML back in place of the placeholders, and notes where */

static int
ar_sanitize_splice(ar_sanitize_t *s, const char *html, cmark_node **raw,
    size_t n)
{
    int                  block;
    char                *end;
    size_t               i, len;
    const char          *p, *q, *literal;
    ar_sanitize_span_t  *more;

    p = html;

    while ((q = strstr(p, "<\1")) != NULL) {

        if (ar_buf_append(&s->src, p, q - p) != AR_OK) {
            return AR_ERROR;
        }

        i = strtoul(q + 2, &end, 10);

        if (*end != '>' || i >= n) {
            return AR_ERROR;
        }

        p = end + 1;

        literal = cmark_node_get_literal(raw[i]);
        if (literal == NULL) {
            continue;
        }

        len = strlen(literal);
        block = (cmark_node_get_type(raw[i]) == CMARK_NODE_HTML_BLOCK);

        /* cmark-gfm writes the newline a block's literal ends with */

        if (block && len && literal[len - 1] == '\n') {
            len--;
        }

        if (len == 0) {
            continue;
        }

        more = ar_array_grow(s->spans, s->nspans, sizeof(ar_sanitize_span_t));
        if (more == NULL) {
            return AR_ERROR;
        }

        s->spans = more;
        s->spans[s->nspans].start = s->src.len;

        if (ar_sanitize_piece(s, literal, len, block) != AR_OK) {
            return AR_ERROR;
        }

        s->spans[s->nspans++].end = s->src.len;
    }

    return ar_buf_append(&s->src, p, strlen(p));
}


/*
 * One raw HTML node, put back so that it cannot take the Markdown after
 * it: GitHub's tagfilter first; then, unless the node is a tag that
 * cannot leave anything open, the node is parsed alone, followed by a
 * probe, a digit.  Where the probe is not text (the node
 * ends inside a tag, a comment or raw text), the node is ended as each
 * of the endings below would end it, the first that puts the probe in
 * text is taken; where the probe is inside elements that would take
 * the Markdown after them out of the page or out of HTML (foreign
 * content, a select, a template, elements removed with their content),
 * end tags close them.  A node that nothing settles is shown as text.
 */

static int
ar_sanitize_piece(ar_sanitize_t *s, const char *literal, size_t len,
    int block)
{
    int      rc;
    size_t   i, n, base;

    static const char  *ends[] = { "", "-->", "]]>", "\">", "'>" };

    s->piece.len = 0;

    if (ar_sanitize_tagfilter(&s->piece, literal, len) != AR_OK) {
        return AR_ERROR;
    }

    if (!block && ar_sanitize_settled(s->piece.data, s->piece.len)) {
        return ar_buf_append(&s->src, s->piece.data, s->piece.len);
    }

    base = s->piece.len;

    for (i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
        s->piece.len = base;

        if (ar_buf_append(&s->piece, ends[i], strlen(ends[i])) != AR_OK) {
            return AR_ERROR;
        }

        /* each round closes the elements found open, and looks again */

        for (n = 0; n < 3; n++) {
            rc = ar_sanitize_probe(s);

            if (rc == AR_ERROR) {
                return AR_ERROR;
            }

            if (rc == AR_SANITIZE_SETTLED) {
                return ar_buf_append(&s->src, s->piece.data, s->piece.len);
            }

            if (rc == AR_SANITIZE_INSIDE) {
                break;
            }
        }
    }

    return ar_buf_append_entities(&s->src, s->piece.data, base, 0);
}


/*
 * Whether an inline raw HTML node is shown as text, its "<" escaped by
 * the tagfilter: the title and the heading's id take it as the page
 * shows it.
 */

int
ar_sanitize_filtered(const char *literal)
{
    int       rc;
    ar_buf_t  b;

    memset(&b, 0, sizeof(ar_buf_t));

    rc = ar_sanitize_tagfilter(&b, literal, strlen(literal));
    rc = (rc == AR_OK && b.len >= 4 && memcmp(b.data, "&lt;", 4) == 0);

    ar_buf_free(&b);

    return rc;
}


/*
 * GFM's tagfilter: the "<" of a start or end tag of the nine elements
 * that change how HTML after them is read is escaped.  The name ends
 * where an HTML tokenizer ends it, which is a little more than
 * cmark-gfm's filter catches ("<script/x>" too).
 */

static int
ar_sanitize_tagfilter(ar_buf_t *b, const char *p, size_t len)
{
    size_t  i, j, k, n, start;

    static const char  *tags[] = {
        "title", "textarea", "style", "xmp", "iframe", "noembed",
        "noframes", "script", "plaintext"
    };

    start = 0;

    for (i = 0; i < len; i++) {
        if (p[i] != '<') {
            continue;
        }

        j = i + 1;

        if (j < len && p[j] == '/') {
            j++;
        }

        n = ar_sanitize_tag_name(p + j, len - j);

        for (k = 0; k < sizeof(tags) / sizeof(tags[0]); k++) {
            if (n == strlen(tags[k]) && strncasecmp(p + j, tags[k], n) == 0) {
                break;
            }
        }

        if (k == sizeof(tags) / sizeof(tags[0])) {
            continue;
        }

        if (ar_buf_append(b, p + start, i - start) != AR_OK
            || ar_buf_append(b, "&lt;", 4) != AR_OK)
        {
            return AR_ERROR;
        }

        start = i + 1;
    }

    return ar_buf_append(b, p + start, len - start);
}


/* the length of the tag name at p, as an HTML tokenizer reads it */

static size_t
ar_sanitize_tag_name(const char *p, size_t len)
{
    size_t  n;

    for (n = 0; n < len; n++) {
        switch (p[n]) {
        case ' ': case '\t': case '\n': case '\r': case '\f':
        case '/': case '>':
            return n;

        default:
            break;
        }
    }

    return n;
}


/*
 * Whether an inline raw HTML node, which CommonMark makes one whole tag
 * at most, settles without a parse: an end tag, a start tag of an
 * element that takes nothing after it, or text.
 */

static int
ar_sanitize_settled(const char *p, size_t len)
{
    size_t  k, n;

    static const char  *sticky[] = {
        "math", "noscript", "object", "select", "svg", "template"
    };

    if (len >= 2 && p[0] == '<' && p[1] == '/') {
        return 1;
    }

    if (len >= 4 && memcmp(p, "&lt;", 4) == 0) {
        return 1;
    }

    if (len < 2 || p[0] != '<'
        || !((p[1] >= 'a' && p[1] <= 'z') || (p[1] >= 'A' && p[1] <= 'Z')))
    {
        return 0;
    }

    n = ar_sanitize_tag_name(p + 1, len - 1);

    for (k = 0; k < sizeof(sticky) / sizeof(sticky[0]); k++) {
        if (n == strlen(sticky[k]) && strncasecmp(p + 1, sticky[k], n) == 0) {
            return 0;
        }
    }

    return 1;
}


/*
 * Parses the node in s->piece alone with the probe after it; when the
 * probe is inside elements that take what follows, their end tags are
 * added to the node.
 */

static int
ar_sanitize_probe(ar_sanitize_t *s)
{
    int                rc;
    size_t             at;
    GumboNode         *node, *outer, *n;
    GumboOutput       *output;
    GumboOptions       opt;
    GumboStringPiece   name;

    at = s->piece.len;

    /* a digit: after a "<" it makes no tag */

    if (ar_buf_append(&s->piece, "1", 1) != AR_OK) {
        return AR_ERROR;
    }

    output = ar_sanitize_parse(&opt, s->piece.data, s->piece.len);

    s->piece.len = at;

    if (output == NULL) {
        return AR_ERROR;
    }

    node = ar_sanitize_find_text(output->root, s->piece.data + at);
    rc = AR_SANITIZE_INSIDE;

    if (node == NULL) {
        goto done;
    }

    outer = NULL;

    for (n = node->parent; n != output->root; n = n->parent) {
        if (ar_sanitize_sticky(n)) {
            outer = n;
        }
    }

    if (outer == NULL) {
        rc = AR_SANITIZE_SETTLED;
        goto done;
    }

    /* the names point into the node's text: written aside, then added */

    s->tail.len = 0;

    for (n = node->parent; /* void */ ; n = n->parent) {

        if (n->v.element.tag != GUMBO_TAG_UNKNOWN
            && n->v.element.tag_namespace == GUMBO_NAMESPACE_HTML)
        {
            name.data = gumbo_normalized_tagname(n->v.element.tag);
            name.length = strlen(name.data);

        } else {
            name = n->v.element.original_tag;
            gumbo_tag_from_original_text(&name);
        }

        if (ar_buf_append(&s->tail, "</", 2) != AR_OK
            || ar_buf_append(&s->tail, name.data, name.length) != AR_OK
            || ar_buf_append(&s->tail, ">", 1) != AR_OK)
        {
            rc = AR_ERROR;
            goto done;
        }

        if (n == outer) {
            break;
        }
    }

    rc = ar_buf_append(&s->piece, s->tail.data, s->tail.len) == AR_OK
         ? AR_SANITIZE_OPEN : AR_ERROR;

done:

    gumbo_destroy_output(&opt, output);

    return rc;
}


/*
 * Elements that would take the Markdown after them: foreign content,
 * which gumbo 0.10.1 does not leave at a <p>; a select, which ignores
 * tags; and the elements removed with their content.
 */

static int
ar_sanitize_sticky(GumboNode *node)
{
    GumboElement  *e;

    e = &node->v.element;

    if (node->type == GUMBO_NODE_TEMPLATE
        || e->tag_namespace != GUMBO_NAMESPACE_HTML
        || e->tag == GUMBO_TAG_SELECT
        || ar_sanitize_content_dropped(e->tag))
    {
        return 1;
    }

    switch (e->tag) {
    case GUMBO_TAG_XMP: case GUMBO_TAG_NOEMBED: case GUMBO_TAG_NOFRAMES:
    case GUMBO_TAG_PLAINTEXT:
        return 1;

    default:
        return 0;
    }
}


/* the text node whose source holds the byte at "at", without recursion */

static GumboNode *
ar_sanitize_find_text(GumboNode *root, const char *at)
{
    size_t             next;
    GumboNode         *node;
    GumboVector       *children;
    GumboStringPiece  *text;

    node = root;

    for ( ;; ) {
        if (node->type == GUMBO_NODE_TEXT) {
            text = &node->v.text.original_text;

            if (text->data <= at && at < text->data + text->length) {
                return node;
            }

        } else if ((node->type == GUMBO_NODE_ELEMENT
                    || node->type == GUMBO_NODE_TEMPLATE)
                   && node->v.element.children.length)
        {
            node = node->v.element.children.data[0];
            continue;
        }

        for ( ;; ) {
            if (node == root) {
                return NULL;
            }

            children = &node->parent->v.element.children;
            next = node->index_within_parent + 1;

            if (next < children->length) {
                node = children->data[next];
                break;
            }

            node = node->parent;
        }
    }
}


/* HTML as a <div>'s content, in the render's arena */

static GumboOutput *
ar_sanitize_parse(GumboOptions *opt, const char *p, size_t len)
{
    GumboOutput  *output;

    *opt = kGumboDefaultOptions;
    opt->allocator = ar_sanitize_alloc;
    opt->deallocator = ar_sanitize_free;
    opt->userdata = NULL;
    opt->max_errors = 0;
    opt->fragment_context = GUMBO_TAG_DIV;
    opt->fragment_namespace = GUMBO_NAMESPACE_HTML;

    output = gumbo_parse_with_options(opt, p, len);

    if (output == NULL || output->root == NULL) {
        return NULL;
    }

    return output;
}


/*
 * Walks the tree below the root without recursion, so that deep nesting
 * costs no stack: either to collect the author's ids or to write.
 */

static int
ar_sanitize_walk(ar_sanitize_t *s, GumboNode *root, int write)
{
    int           rc;
    size_t        next;
    GumboNode    *node, *parent;
    GumboVector  *children;

    children = &root->v.element.children;

    if (children->length == 0) {
        return AR_OK;
    }

    node = children->data[0];

    for ( ;; ) {
        rc = write ? ar_sanitize_enter(s, node) : ar_sanitize_collect(s, node);

        if (rc == AR_ERROR) {
            return AR_ERROR;
        }

        if (rc == AR_OK
            && (node->type == GUMBO_NODE_ELEMENT
                || node->type == GUMBO_NODE_TEMPLATE))
        {
            children = &node->v.element.children;

            if (children->length) {
                node = children->data[0];
                continue;
            }

            if (write && ar_sanitize_leave(s, node) != AR_OK) {
                return AR_ERROR;
            }
        }

        for ( ;; ) {
            parent = node->parent;
            children = &parent->v.element.children;
            next = node->index_within_parent + 1;

            if (next < children->length) {
                node = children->data[next];
                break;
            }

            if (parent == root) {
                return AR_OK;
            }

            node = parent;

            if (write && ar_sanitize_leave(s, node) != AR_OK) {
                return AR_ERROR;
            }
        }
    }
}


static int
ar_sanitize_enter(ar_sanitize_t *s, GumboNode *node)
{
    int            kind;
    GumboNode     *first, **more;
    GumboElement  *e;

    switch (node->type) {

    case GUMBO_NODE_TEXT:
    case GUMBO_NODE_CDATA:
    case GUMBO_NODE_WHITESPACE:
        if (ar_sanitize_text(s, node) != AR_OK) {
            return AR_ERROR;
        }

        return AR_SANITIZE_SKIP;

    case GUMBO_NODE_ELEMENT:
        break;

    default:
        return AR_SANITIZE_SKIP;
    }

    kind = ar_sanitize_kind(s, node);

    switch (kind) {

    case AR_SANITIZE_DROP:
        return AR_SANITIZE_SKIP;

    case AR_SANITIZE_UNWRAP:
        return AR_OK;

    default:
        break;
    }

    e = &node->v.element;

    if (e->tag_namespace == GUMBO_NAMESPACE_HTML
        && ar_sanitize_close_p(s, e->tag) != AR_OK)
    {
        return AR_ERROR;
    }

    if (ar_sanitize_start_tag(s, node, kind == AR_SANITIZE_ALLOW) != AR_OK) {
        return AR_ERROR;
    }

    if (!ar_sanitize_void(e->tag)) {
        more = ar_array_grow(s->open, s->nopen, sizeof(GumboNode *));
        if (more == NULL) {
            return AR_ERROR;
        }

        s->open = more;
        s->open[s->nopen++] = node;
    }

    /* the parser drops a newline right after <pre>: give it one to drop */

    if (e->tag == GUMBO_TAG_PRE && e->children.length) {
        first = e->children.data[0];

        if ((first->type == GUMBO_NODE_TEXT
             || first->type == GUMBO_NODE_WHITESPACE)
            && first->v.text.text[0] == '\n'
            && ar_buf_append(&s->out, "\n", 1) != AR_OK)
        {
            return AR_ERROR;
        }
    }

    return AR_OK;
}


/*
 * A text node.  In the author's raw HTML, shortcodes become emoji by the
 * rules of the Markdown text's, but in a <pre>, <code> or <tt>, as
 * GitHub leaves them; attributes are never read for them.
 */

static int
ar_sanitize_text(ar_sanitize_t *s, GumboNode *node)
{
    size_t           len, pos;
    const char      *text;
    ar_emoji_code_t  code;

    text = node->v.text.text;
    len = strlen(text);
    pos = 0;

    if (s->emoji && node->type == GUMBO_NODE_TEXT
        && ar_emoji_next(text, len, 0, &code)
        && ar_sanitize_emoji_text(s, node))
    {
        do {
            if (ar_buf_append_entities(&s->out, text + pos,
                                       code.start - pos, 0)
                != AR_OK
                || ar_buf_append(&s->out, code.utf8, strlen(code.utf8))
                   != AR_OK)
            {
                return AR_ERROR;
            }

            pos = code.end;

        } while (ar_emoji_next(text, len, pos, &code));
    }

    return ar_buf_append_entities(&s->out, text + pos, len - pos, 0);
}


/*
 * Whether a text is the raw HTML's, outside code: the Markdown text had
 * its shortcodes replaced before, and its code spans and blocks keep
 * theirs.
 */

static int
ar_sanitize_emoji_text(ar_sanitize_t *s, GumboNode *node)
{
    GumboNode  *n;

    if (!ar_sanitize_in_raw(s, node->v.text.original_text.data)) {
        return 0;
    }

    for (n = node->parent;
         n != NULL && n->type == GUMBO_NODE_ELEMENT;
         n = n->parent)
    {
        if (n->v.element.tag_namespace != GUMBO_NAMESPACE_HTML) {
            continue;
        }

        switch (n->v.element.tag) {
        case GUMBO_TAG_PRE: case GUMBO_TAG_CODE: case GUMBO_TAG_TT:
            return 0;

        default:
            break;
        }
    }

    return 1;
}


static int
ar_sanitize_leave(ar_sanitize_t *s, GumboNode *node)
{
    int  kind;

    kind = ar_sanitize_kind(s, node);

    if ((kind != AR_SANITIZE_KEEP && kind != AR_SANITIZE_ALLOW)
        || ar_sanitize_void(node->v.element.tag))
    {
        return AR_OK;
    }

    /* an element closed early, before a block that a <p> cannot hold */

    if (s->nopen == 0 || s->open[s->nopen - 1] != node) {
        return AR_OK;
    }

    s->nopen--;

    return ar_sanitize_end_tag(s, node, kind);
}


static int
ar_sanitize_end_tag(ar_sanitize_t *s, GumboNode *node, int kind)
{
    GumboElement      *e;
    GumboStringPiece   name;

    e = &node->v.element;

    /*
     * The core's SVG (an alert's icon): its "<circle ... />" closes
     * itself, and its names are unknown to gumbo's list of tags.
     */

    if (e->tag_namespace != GUMBO_NAMESPACE_HTML) {
        if (kind == AR_SANITIZE_KEEP
            && e->original_tag.length > 1
            && e->original_tag.data[e->original_tag.length - 2] == '/')
        {
            return AR_OK;
        }

        name = e->original_tag;
        gumbo_tag_from_original_text(&name);

    } else {
        ar_sanitize_name(e, &name);
    }

    if (ar_buf_append(&s->out, "</", 2) != AR_OK
        || ar_buf_append(&s->out, name.data, name.length) != AR_OK
        || ar_buf_append(&s->out, ">", 1) != AR_OK)
    {
        return AR_ERROR;
    }

    return AR_OK;
}


/*
 * A browser closes some open elements at a start tag: a <p> at a
 * block's, a heading at a heading's, a list item at a list item's, a
 * link at a link's, a ruby's text at another.  Where the tree has one
 * inside the other (the boundary between them, a <button>, an unknown
 * element or foreign content, was removed), the open one and what it
 * holds are closed first, so that the page reads in a browser as it is
 * written.
 */

static int
ar_sanitize_close_p(ar_sanitize_t *s, GumboTag tag)
{
    size_t  i;

    i = 0;

    switch (tag) {
    case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3:
    case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6:
        if (s->nopen && ar_sanitize_heading(s->open[s->nopen - 1])
            && ar_sanitize_close_to(s, s->nopen) != AR_OK)
        {
            return AR_ERROR;
        }

        break;

    case GUMBO_TAG_LI: case GUMBO_TAG_DD: case GUMBO_TAG_DT:
        i = ar_sanitize_find(s, tag, 1);
        break;

    case GUMBO_TAG_A:
        i = ar_sanitize_find(s, tag, 0);
        break;

    case GUMBO_TAG_RT: case GUMBO_TAG_RP:
        if (ar_sanitize_find(s, GUMBO_TAG_RUBY, 0) == 0) {
            break;
        }

        for (i = s->nopen; i > 0; i--) {
            switch (s->open[i - 1]->v.element.tag) {
            case GUMBO_TAG_RT: case GUMBO_TAG_RP: case GUMBO_TAG_RB:
            case GUMBO_TAG_RTC: case GUMBO_TAG_P: case GUMBO_TAG_LI:
            case GUMBO_TAG_DD: case GUMBO_TAG_DT:
                continue;

            default:
                break;
            }

            break;
        }

        i = (i < s->nopen) ? i + 1 : 0;
        break;

    default:
        break;
    }

    if (i && ar_sanitize_close_to(s, i) != AR_OK) {
        return AR_ERROR;
    }

    switch (tag) {
    case GUMBO_TAG_ADDRESS: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_CENTER: case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_DIR: case GUMBO_TAG_DIV: case GUMBO_TAG_DL:
    case GUMBO_TAG_FIELDSET: case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_FIGURE: case GUMBO_TAG_FOOTER: case GUMBO_TAG_HEADER:
    case GUMBO_TAG_HGROUP: case GUMBO_TAG_MAIN: case GUMBO_TAG_MENU:
    case GUMBO_TAG_NAV: case GUMBO_TAG_OL: case GUMBO_TAG_P:
    case GUMBO_TAG_SECTION: case GUMBO_TAG_SUMMARY: case GUMBO_TAG_UL:
    case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3:
    case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6:
    case GUMBO_TAG_PRE: case GUMBO_TAG_LISTING: case GUMBO_TAG_FORM:
    case GUMBO_TAG_LI: case GUMBO_TAG_DD: case GUMBO_TAG_DT:
    case GUMBO_TAG_TABLE: case GUMBO_TAG_HR: case GUMBO_TAG_XMP:
    case GUMBO_TAG_PLAINTEXT:
        break;

    default:
        return AR_OK;
    }

    i = ar_sanitize_find(s, GUMBO_TAG_P, 0);

    return i ? ar_sanitize_close_to(s, i) : AR_OK;
}


/*
 * The open element of the tag, as a browser looks for it: 1 + its
 * index, or 0 when a table's cell, a table, a button or foreign
 * content comes first; for a list item, when any block but a <div>,
 * <p> or <address> does.
 */

static size_t
ar_sanitize_find(ar_sanitize_t *s, GumboTag tag, int item)
{
    size_t         i;
    GumboElement  *e;

    for (i = s->nopen; i > 0; i--) {
        e = &s->open[i - 1]->v.element;

        if (e->tag_namespace != GUMBO_NAMESPACE_HTML) {
            return 0;
        }

        if (e->tag == tag
            || (item && (tag == GUMBO_TAG_DD || tag == GUMBO_TAG_DT)
                && (e->tag == GUMBO_TAG_DD || e->tag == GUMBO_TAG_DT)))
        {
            return i;
        }

        switch (e->tag) {
        case GUMBO_TAG_TABLE: case GUMBO_TAG_TD: case GUMBO_TAG_TH:
        case GUMBO_TAG_CAPTION: case GUMBO_TAG_BUTTON:
            return 0;

        case GUMBO_TAG_DIV: case GUMBO_TAG_P: case GUMBO_TAG_ADDRESS:
            break;

        default:
            if (item && ar_sanitize_special(e->tag)) {
                return 0;
            }

            break;
        }
    }

    return 0;
}


/* the blocks of the allowlist a browser stops at looking for an item */

static int
ar_sanitize_special(GumboTag tag)
{
    switch (tag) {
    case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_DETAILS: case GUMBO_TAG_DL:
    case GUMBO_TAG_DD: case GUMBO_TAG_DT: case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_FIGURE: case GUMBO_TAG_H1: case GUMBO_TAG_H2:
    case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5:
    case GUMBO_TAG_H6: case GUMBO_TAG_LI: case GUMBO_TAG_OL:
    case GUMBO_TAG_PRE: case GUMBO_TAG_SECTION: case GUMBO_TAG_SUMMARY:
    case GUMBO_TAG_TBODY: case GUMBO_TAG_TFOOT: case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TR: case GUMBO_TAG_UL: case GUMBO_TAG_NAV:
        return 1;

    default:
        return 0;
    }
}


static int
ar_sanitize_heading(GumboNode *node)
{
    switch (node->v.element.tag) {
    case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3:
    case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6:
        return node->v.element.tag_namespace == GUMBO_NAMESPACE_HTML;

    default:
        return 0;
    }
}


/* closes the open elements down to the n-th, which a later leave skips */

static int
ar_sanitize_close_to(ar_sanitize_t *s, size_t n)
{
    GumboNode  *node;

    while (s->nopen >= n) {
        node = s->open[--s->nopen];

        if (ar_sanitize_end_tag(s, node, ar_sanitize_kind(s, node))
            != AR_OK)
        {
            return AR_ERROR;
        }
    }

    return AR_OK;
}


/* an HTML element's name: gumbo's, or the one allowed element it lacks */

static void
ar_sanitize_name(GumboElement *e, GumboStringPiece *name)
{
    if (e->tag == GUMBO_TAG_UNKNOWN) {
        name->data = "picture";
        name->length = 7;
        return;
    }

    name->data = gumbo_normalized_tagname(e->tag);
    name->length = strlen(name->data);
}


/*
 * The ids and names the author gives, without the prefix they may have
 * already; and the ids of the module's own markup (headings, footnotes).
 */

static int
ar_sanitize_collect(ar_sanitize_t *s, GumboNode *node)
{
    int              kind;
    size_t           i, len;
    const char      *v;
    GumboElement    *e;
    GumboAttribute  *a;

    if (node->type != GUMBO_NODE_ELEMENT) {
        return AR_OK;
    }

    kind = ar_sanitize_kind(s, node);

    if (kind != AR_SANITIZE_ALLOW && kind != AR_SANITIZE_KEEP) {
        return AR_OK;
    }

    e = &node->v.element;

    for (i = 0; i < e->attributes.length; i++) {
        a = e->attributes.data[i];
        v = a->value;
        len = strlen(v);

        if (kind == AR_SANITIZE_KEEP) {
            if (strcmp(a->name, "id") == 0 && len
                && ar_slugs_reserve(&s->page, v, len) != AR_OK)
            {
                return AR_ERROR;
            }

            continue;
        }

        if (strcmp(a->name, "id") != 0 && strcmp(a->name, "name") != 0) {
            continue;
        }

        if (strncmp(v, AR_SANITIZE_PREFIX, sizeof(AR_SANITIZE_PREFIX) - 1)
            == 0)
        {
            v += sizeof(AR_SANITIZE_PREFIX) - 1;
            len -= sizeof(AR_SANITIZE_PREFIX) - 1;
        }

        if (len && ar_slugs_reserve(&s->ids, v, len) != AR_OK) {
            return AR_ERROR;
        }
    }

    return AR_OK;
}


static int
ar_sanitize_kind(ar_sanitize_t *s, GumboNode *node)
{
    int            authored;
    GumboElement  *e;

    e = &node->v.element;

    /*
     * The core's <svg> (an alert's icon) and its children, and the
     * core's <math> (a formula) and all within it, are kept as they
     * came; any other element of another namespace is the author's, so
     * that cmark-gfm's tags that the author's <svg> or <math> takes into
     * its namespace are unwrapped, as an unknown HTML element is.
     */

    if (e->tag_namespace != GUMBO_NAMESPACE_HTML) {
        authored = !ar_sanitize_core_svg(s, node)
                   && !(ar_sanitize_core_svg(s, node->parent)
                        && !ar_sanitize_authored(s, node))
                   && !ar_sanitize_core_math(s, node);

    } else {
        authored = (e->tag == GUMBO_TAG_UNKNOWN
                    || ar_sanitize_authored(s, node));
    }

    if (!authored) {
        return AR_SANITIZE_KEEP;
    }

    if (ar_sanitize_content_dropped(e->tag)) {
        return AR_SANITIZE_DROP;
    }

    /* GitHub's way to show an image per colour scheme */

    if (e->tag == GUMBO_TAG_SOURCE && e->tag_namespace == GUMBO_NAMESPACE_HTML)
    {
        return ar_sanitize_picture(node->parent) ? AR_SANITIZE_ALLOW
                                                 : AR_SANITIZE_DROP;
    }

    if (ar_sanitize_picture(node)) {
        return AR_SANITIZE_ALLOW;
    }

    if (e->tag_namespace == GUMBO_NAMESPACE_HTML
        && ar_sanitize_element_allowed(e->tag))
    {
        return AR_SANITIZE_ALLOW;
    }

    return AR_SANITIZE_UNWRAP;
}


/*
 * A <picture>: gumbo 0.10.1 (Debian 12) does not know it, later ones
 * (Debian 13) have a tag for it, named only by its name in our headers.
 */

static int
ar_sanitize_picture(GumboNode *node)
{
    GumboElement      *e;
    GumboStringPiece   name;

    if (node == NULL || node->type != GUMBO_NODE_ELEMENT) {
        return 0;
    }

    e = &node->v.element;

    if (e->tag_namespace != GUMBO_NAMESPACE_HTML) {
        return 0;
    }

    if (e->tag != GUMBO_TAG_UNKNOWN) {
        return strcmp(gumbo_normalized_tagname(e->tag), "picture") == 0;
    }

    if (e->original_tag.length == 0) {
        return 0;
    }

    name = e->original_tag;
    gumbo_tag_from_original_text(&name);

    return name.length == 7 && strncasecmp(name.data, "picture", 7) == 0;
}


/* an <svg> of the core's own, in the core's or cmark-gfm's HTML */

static int
ar_sanitize_core_svg(ar_sanitize_t *s, GumboNode *node)
{
    return node->type == GUMBO_NODE_ELEMENT
           && node->v.element.tag == GUMBO_TAG_SVG
           && node->v.element.tag_namespace == GUMBO_NAMESPACE_SVG
           && node->parent != NULL
           && node->parent->type == GUMBO_NODE_ELEMENT
           && node->parent->v.element.tag_namespace == GUMBO_NAMESPACE_HTML
           && !ar_sanitize_authored(s, node);
}


/*
 * An element of the core's <math>: neither it nor the <math> it is in,
 * whose parent is an HTML element, is the author's.
 */

static int
ar_sanitize_core_math(ar_sanitize_t *s, GumboNode *node)
{
    GumboNode  *top;

    if (ar_sanitize_authored(s, node)) {
        return 0;
    }

    for (top = node;
         top->parent != NULL && top->parent->type == GUMBO_NODE_ELEMENT
         && top->parent->v.element.tag_namespace == GUMBO_NAMESPACE_MATHML;
         top = top->parent)
    {
        /* void */
    }

    return top->v.element.tag == GUMBO_TAG_MATH
           && top->v.element.tag_namespace == GUMBO_NAMESPACE_MATHML
           && top->parent != NULL
           && top->parent->type == GUMBO_NODE_ELEMENT
           && !ar_sanitize_authored(s, top);
}


/*
 * Whether an element is the author's: its start tag is in the raw HTML,
 * or the parser made it (implied, reconstructed or cloned elements).
 */

static int
ar_sanitize_authored(ar_sanitize_t *s, GumboNode *node)
{
    GumboElement  *e;

    e = &node->v.element;

    if (e->original_tag.length == 0
        || (node->parse_flags & (GUMBO_INSERTION_BY_PARSER
                              | GUMBO_INSERTION_RECONSTRUCTED_FORMATTING_ELEMENT
                              | GUMBO_INSERTION_ADOPTION_AGENCY_CLONED)))
    {
        return 1;
    }

    return ar_sanitize_in_raw(s, e->original_tag.data);
}


/* whether the byte of the source at p is in the raw HTML */

static int
ar_sanitize_in_raw(ar_sanitize_t *s, const char *p)
{
    size_t  lo, hi, mid, off;

    if (p == NULL) {
        return 0;
    }

    off = p - s->src.data;

    lo = 0;
    hi = s->nspans;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;

        if (off < s->spans[mid].start) {
            hi = mid;

        } else if (off >= s->spans[mid].end) {
            lo = mid + 1;

        } else {
            return 1;
        }
    }

    return 0;
}


static int
ar_sanitize_element_allowed(GumboTag tag)
{
    switch (tag) {
    case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3:
    case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6:
    case GUMBO_TAG_BR: case GUMBO_TAG_B: case GUMBO_TAG_I:
    case GUMBO_TAG_STRONG: case GUMBO_TAG_EM: case GUMBO_TAG_A:
    case GUMBO_TAG_PRE: case GUMBO_TAG_CODE: case GUMBO_TAG_IMG:
    case GUMBO_TAG_TT: case GUMBO_TAG_DIV: case GUMBO_TAG_INS:
    case GUMBO_TAG_DEL: case GUMBO_TAG_SUP: case GUMBO_TAG_SUB:
    case GUMBO_TAG_P: case GUMBO_TAG_OL: case GUMBO_TAG_UL:
    case GUMBO_TAG_TABLE: case GUMBO_TAG_THEAD: case GUMBO_TAG_TBODY:
    case GUMBO_TAG_TFOOT: case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_DL:
    case GUMBO_TAG_DT: case GUMBO_TAG_DD: case GUMBO_TAG_KBD:
    case GUMBO_TAG_Q: case GUMBO_TAG_SAMP: case GUMBO_TAG_VAR:
    case GUMBO_TAG_HR: case GUMBO_TAG_RUBY: case GUMBO_TAG_RT:
    case GUMBO_TAG_RP: case GUMBO_TAG_LI: case GUMBO_TAG_TR:
    case GUMBO_TAG_TD: case GUMBO_TAG_TH: case GUMBO_TAG_S:
    case GUMBO_TAG_STRIKE: case GUMBO_TAG_SUMMARY: case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_CAPTION: case GUMBO_TAG_FIGURE: case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_ABBR: case GUMBO_TAG_BDO: case GUMBO_TAG_CITE:
    case GUMBO_TAG_DFN: case GUMBO_TAG_MARK: case GUMBO_TAG_SMALL:
    case GUMBO_TAG_SPAN: case GUMBO_TAG_TIME: case GUMBO_TAG_WBR:
        return 1;

    default:
        return 0;
    }
}


static int
ar_sanitize_content_dropped(GumboTag tag)
{
    switch (tag) {
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_OBJECT: case GUMBO_TAG_EMBED: case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_TEXTAREA: case GUMBO_TAG_TITLE: case GUMBO_TAG_NOSCRIPT:
        return 1;

    default:
        return 0;
    }
}


static int
ar_sanitize_void(GumboTag tag)
{
    switch (tag) {
    case GUMBO_TAG_AREA: case GUMBO_TAG_BASE: case GUMBO_TAG_BR:
    case GUMBO_TAG_COL: case GUMBO_TAG_EMBED: case GUMBO_TAG_HR:
    case GUMBO_TAG_IMG: case GUMBO_TAG_INPUT: case GUMBO_TAG_KEYGEN:
    case GUMBO_TAG_LINK: case GUMBO_TAG_META: case GUMBO_TAG_PARAM:
    case GUMBO_TAG_SOURCE: case GUMBO_TAG_TRACK: case GUMBO_TAG_WBR:
        return 1;

    default:
        return 0;
    }
}


static int
ar_sanitize_attr_allowed(GumboTag tag, const char *name)
{
    switch (tag) {

    case GUMBO_TAG_A:
        if (strcmp(name, "href") == 0) {
            return AR_SANITIZE_URL_LINK + 1;
        }
        break;

    case GUMBO_TAG_IMG:
        if (strcmp(name, "src") == 0 || strcmp(name, "longdesc") == 0) {
            return AR_SANITIZE_URL_SRC + 1;
        }
        break;

    case GUMBO_TAG_SOURCE:
        if (strcmp(name, "srcset") == 0) {
            return AR_SANITIZE_URL_SET + 1;
        }
        break;

    case GUMBO_TAG_DIV:
        if (strcmp(name, "itemscope") == 0 || strcmp(name, "itemtype") == 0) {
            return AR_SANITIZE_URL_NONE + 1;
        }
        break;

    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_DEL:
    case GUMBO_TAG_INS:
    case GUMBO_TAG_Q:
        if (strcmp(name, "cite") == 0) {
            return AR_SANITIZE_URL_SRC + 1;
        }
        break;

    default:
        break;
    }

    if (bsearch(&name, ar_sanitize_attrs, AR_SANITIZE_NATTRS,
                sizeof(const char *), ar_sanitize_strcmp)
        != NULL)
    {
        return AR_SANITIZE_URL_NONE + 1;
    }

    return 0;
}


/*
 * A Markdown link's or image's address, by the policy of raw HTML's:
 * one it does not allow is left empty, as cmark-gfm's safe mode leaves
 * the ones it knows to be dangerous.
 */

int
ar_sanitize_link(cmark_node *node)
{
    int          rule;
    const char  *url;

    rule = (cmark_node_get_type(node) == CMARK_NODE_IMAGE)
           ? AR_SANITIZE_URL_SRC : AR_SANITIZE_URL_LINK;

    url = cmark_node_get_url(node);

    if (url == NULL || ar_sanitize_url_allowed(url, rule)) {
        return AR_OK;
    }

    return cmark_node_set_url(node, "") ? AR_OK : AR_ERROR;
}


/*
 * Whether an address is relative or of an allowed scheme, read as a
 * browser reads it: character references are already decoded by the
 * parser; leading spaces and controls are skipped and tabs and newlines
 * anywhere are dropped.  A scheme is what comes before a ":" that
 * precedes any "/", "?" or "#".  A link may also take GitHub's own
 * schemes, as its allowlist has them.
 */

static int
ar_sanitize_url_allowed(const char *url, int rule)
{
    size_t         n, i;
    unsigned char  c, scheme[16];

    static const char  *link[] = {
        "mailto", "github-windows", "github-mac", "x-github-client"
    };

    if (rule == AR_SANITIZE_URL_SET) {
        return ar_sanitize_srcset_allowed(url);
    }

    while (*url && (unsigned char) *url <= 0x20) {
        url++;
    }

    n = 0;

    for ( /* void */ ; *url; url++) {
        c = (unsigned char) *url;

        if (c == '\t' || c == '\n' || c == '\r') {
            continue;
        }

        if (c == ':') {
            break;
        }

        if (c == '/' || c == '?' || c == '#') {
            return 1;
        }

        if (n < sizeof(scheme)) {
            scheme[n] = (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
        }

        n++;
    }

    if (*url == '\0') {
        return 1;
    }

    if (n == 4 && memcmp(scheme, "http", 4) == 0) {
        return 1;
    }

    if (n == 5 && memcmp(scheme, "https", 5) == 0) {
        return 1;
    }

    if (rule != AR_SANITIZE_URL_LINK) {
        return 0;
    }

    for (i = 0; i < sizeof(link) / sizeof(link[0]); i++) {
        if (n == strlen(link[i]) && memcmp(scheme, link[i], n) == 0) {
            return 1;
        }
    }

    return 0;
}


/*
 * A srcset: addresses, each with its descriptors, apart by commas; an
 * address ends at a space, and commas at its end are not part of it.
 * Every address must be allowed as an image's.
 */

static int
ar_sanitize_srcset_allowed(const char *v)
{
    int          paren;
    size_t       n;
    char         url[1024];
    const char  *p;

    p = v;

    for ( ;; ) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'
               || *p == '\f' || *p == ',')
        {
            p++;
        }

        if (*p == '\0') {
            return 1;
        }

        for (n = 0; p[n] && p[n] != ' ' && p[n] != '\t' && p[n] != '\n'
                    && p[n] != '\r' && p[n] != '\f'; n++)
        {
            /* void */
        }

        if (n >= sizeof(url)) {
            return 0;
        }

        memcpy(url, p, n);
        url[n] = '\0';

        if (!ar_sanitize_url_allowed(url, AR_SANITIZE_URL_SRC)) {
            return 0;
        }

        if (p[n - 1] == ',') {
            p += n;
            continue;
        }

        /* the descriptors, to the next comma outside parentheses */

        p += n;
        paren = 0;

        while (*p && (paren || *p != ',')) {
            if (*p == '(') {
                paren = 1;

            } else if (*p == ')') {
                paren = 0;
            }

            p++;
        }
    }
}


/*
 * cmark-gfm's start tags are written as they came, but for a link to one
 * of the author's ids, which now has the prefix, and for an address the
 * policy does not allow.
 */

static int
ar_sanitize_start_tag(ar_sanitize_t *s, GumboNode *node, int authored)
{
    size_t             i;
    GumboElement      *e;
    GumboStringPiece   name;

    e = &node->v.element;

    if (!authored && !ar_sanitize_rewritten(s, e)) {
        return ar_buf_append(&s->out, e->original_tag.data,
                             e->original_tag.length);
    }

    ar_sanitize_name(e, &name);

    if (ar_buf_append(&s->out, "<", 1) != AR_OK
        || ar_buf_append(&s->out, name.data, name.length) != AR_OK)
    {
        return AR_ERROR;
    }

    for (i = 0; i < e->attributes.length; i++) {
        if (ar_sanitize_attr(s, e, e->attributes.data[i], authored)
            != AR_OK)
        {
            return AR_ERROR;
        }
    }

    if (ar_sanitize_void(e->tag)) {
        return ar_buf_append(&s->out, " />", 3);
    }

    return ar_buf_append(&s->out, ">", 1);
}


static int
ar_sanitize_attr(ar_sanitize_t *s, GumboElement *e, GumboAttribute *a,
    int authored)
{
    int          rule;
    size_t       i, len;
    const char  *v, *name;

    v = a->value;
    len = strlen(v);
    name = a->name;

    if (authored) {
        rule = ar_sanitize_attr_allowed(e->tag, name);

        if (rule == 0) {
            return AR_OK;
        }

        rule--;

        if (rule != AR_SANITIZE_URL_NONE && !ar_sanitize_url_allowed(v, rule))
        {
            return AR_OK;
        }

        /* a name of anything but a link is an id, unless it has one */

        if (strcmp(name, "name") == 0 && e->tag != GUMBO_TAG_A) {
            for (i = 0; i < e->attributes.length; i++) {
                if (strcmp(((GumboAttribute *) e->attributes.data[i])->name,
                           "id") == 0)
                {
                    return AR_OK;
                }
            }

            name = "id";
        }

    } else if (ar_sanitize_dangerous(e->tag, a)) {
        len = 0;
    }

    if (ar_buf_append(&s->out, " ", 1) != AR_OK
        || ar_buf_append(&s->out, name, strlen(name)) != AR_OK
        || ar_buf_append(&s->out, "=\"", 2) != AR_OK)
    {
        return AR_ERROR;
    }

    if (authored
        && (strcmp(name, "id") == 0 || strcmp(name, "name") == 0)
        && strncmp(v, AR_SANITIZE_PREFIX, sizeof(AR_SANITIZE_PREFIX) - 1)
           != 0
        && ar_buf_append(&s->out, AR_SANITIZE_PREFIX,
                         sizeof(AR_SANITIZE_PREFIX) - 1)
           != AR_OK)
    {
        return AR_ERROR;
    }

    if (e->tag == GUMBO_TAG_A && strcmp(name, "href") == 0 && len
        && v[0] == '#' && ar_sanitize_author_id(s, v + 1, len - 1))
    {
        if (ar_buf_append(&s->out, "#" AR_SANITIZE_PREFIX,
                          sizeof(AR_SANITIZE_PREFIX)) != AR_OK)
        {
            return AR_ERROR;
        }

        v++;
        len--;
    }

    if (ar_buf_append_entities(&s->out, v, len, 0) != AR_OK
        || ar_buf_append(&s->out, "\"", 1) != AR_OK)
    {
        return AR_ERROR;
    }

    return AR_OK;
}


/*
 * Whether a link's fragment names one of the author's ids, which has the
 * prefix in the page: not one that has it already, nor an id of the
 * module's own markup, which the link names first.
 */

static int
ar_sanitize_author_id(ar_sanitize_t *s, const char *id, size_t len)
{
    return s->ids.n
           && strncmp(id, AR_SANITIZE_PREFIX, sizeof(AR_SANITIZE_PREFIX) - 1)
              != 0
           && !(s->page.n && ar_slugs_has(&s->page, id, len))
           && ar_slugs_has(&s->ids, id, len);
}


static int
ar_sanitize_rewritten(ar_sanitize_t *s, GumboElement *e)
{
    size_t           i;
    GumboAttribute  *a;

    for (i = 0; i < e->attributes.length; i++) {
        a = e->attributes.data[i];

        if (ar_sanitize_dangerous(e->tag, a)) {
            return 1;
        }

        if (e->tag == GUMBO_TAG_A && strcmp(a->name, "href") == 0
            && a->value[0] == '#'
            && ar_sanitize_author_id(s, a->value + 1, strlen(a->value + 1)))
        {
            return 1;
        }
    }

    return 0;
}


/* the module's links and images: the same policy as the author's */

static int
ar_sanitize_dangerous(GumboTag tag, GumboAttribute *a)
{
    if (tag == GUMBO_TAG_A && strcmp(a->name, "href") == 0) {
        return !ar_sanitize_url_allowed(a->value, AR_SANITIZE_URL_LINK);
    }

    if (tag == GUMBO_TAG_IMG && strcmp(a->name, "src") == 0) {
        return !ar_sanitize_url_allowed(a->value, AR_SANITIZE_URL_SRC);
    }

    return 0;
}


static int
ar_sanitize_strcmp(const void *one, const void *two)
{
    return strcmp(*(const char **) one, *(const char **) two);
}


/*
 * gumbo's allocator hooks: the render's arena, which unwinds on failure.
 * The memory is zeroed: gumbo 0.10.1 reads memory it has not written
 * while parsing a table (memcheck sees it), and the page must not depend
 * on what the memory held before.
 */

static void *
ar_sanitize_alloc(void *userdata, size_t size)
{
    return ar_mem_calloc(1, size);
}


static void
ar_sanitize_free(void *userdata, void *p)
{
    ar_mem_free(p);
}
