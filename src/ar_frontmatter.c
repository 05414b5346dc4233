/*
 * YAML front matter, parsed with libyaml.
 *
 * A "---" line at the very start (after a byte order mark, if any) and
 * the first "---" or "..." line after it enclose the block.  The block is
 * front matter when it parses as a YAML mapping, or as nothing at all
 * (blanks and comments).  One that parses as a scalar or a sequence is
 * not front matter (most likely text between two thematic breaks), and
 * neither is a "---" line with no closing line: either way the whole
 * article is Markdown.  A block that does not parse is invalid front
 * matter: the whole article is Markdown too, and the reason is kept for
 * the log.
 *
 * The mapping's scalar keys with scalar values are the metadata; other
 * keys and values (sequences, mappings) are left out.  A plain "~",
 * "null" or empty value is empty.  Values are HTML-escaped here, with
 * control characters other than tab and line ends replaced by U+FFFD.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "ar_arena.h"
#include "ar_frontmatter.h"


static const char *ar_frontmatter_delimiter(const char *p, const char *end,
    const char *mark);
static int ar_frontmatter_mapping(yaml_document_t *doc, yaml_node_t *root,
    ar_meta_t *meta);
static int ar_meta_add(ar_meta_t *meta, const char *key, size_t key_len,
    const char *value, size_t value_len);
static int ar_meta_append_escaped(ar_buf_t *b, const char *p, size_t n);


/*
 * Sets *body to the offset of the Markdown after the front matter, 0
 * when there is none.  Fails only when out of memory.
 */

int
ar_frontmatter_parse(const char *src, size_t len, ar_meta_t *meta,
    size_t *body)
{
    int               rc;
    size_t            line, i, n;
    const char       *p, *end, *yaml, *q, *next;
    yaml_node_t      *root;
    yaml_parser_t     parser;
    yaml_document_t   doc;

    memset(meta, 0, sizeof(ar_meta_t));
    *body = 0;

    p = src;
    end = src + len;

    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
        p += 3;
    }

    yaml = ar_frontmatter_delimiter(p, end, "---");
    if (yaml == NULL) {
        return AR_OK;
    }

    for (q = yaml; /* void */ ; q = next) {

        if (q == end) {
            return AR_OK;
        }

        next = ar_frontmatter_delimiter(q, end, "---");

        if (next == NULL) {
            next = ar_frontmatter_delimiter(q, end, "...");
        }

        if (next != NULL) {
            break;
        }

        next = q;

        while (next < end && *next != '\n' && *next != '\r') {
            next++;
        }

        if (next < end) {
            next += (*next == '\r' && next + 1 < end && next[1] == '\n')
                    ? 2 : 1;
        }
    }

    if (!yaml_parser_initialize(&parser)) {
        return AR_ERROR;
    }

    yaml_parser_set_input_string(&parser, (const unsigned char *) yaml,
                                 q - yaml);

    if (!yaml_parser_load(&parser, &doc)) {

        if (parser.error == YAML_MEMORY_ERROR) {
            yaml_parser_delete(&parser);
            return AR_ERROR;
        }

        /* the YAML starts on the file's second line */

        if (parser.error == YAML_READER_ERROR) {
            n = parser.problem_offset;

            if (n > (size_t) (q - yaml)) {
                n = q - yaml;
            }

            for (line = 2, i = 0; i < n; i++) {
                line += (yaml[i] == '\n');
            }

        } else {
            line = parser.problem_mark.line + 2;
        }

        meta->invalid = 1;
        snprintf(meta->error, AR_META_ERR_LEN, "%s at line %lu",
                 parser.problem ? parser.problem : "invalid YAML",
                 (unsigned long) line);

        yaml_parser_delete(&parser);

        return AR_OK;
    }

    rc = AR_OK;
    root = yaml_document_get_root_node(&doc);

    if (root == NULL) {
        *body = next - src;

    } else if (root->type == YAML_MAPPING_NODE) {
        rc = ar_frontmatter_mapping(&doc, root, meta);
        *body = next - src;
    }

    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);

    if (rc != AR_OK) {
        ar_meta_free(meta);
        *body = 0;
    }

    return rc;
}


/* the line after p if p's line is the mark and blanks, else NULL */

static const char *
ar_frontmatter_delimiter(const char *p, const char *end, const char *mark)
{
    if (end - p < 3 || memcmp(p, mark, 3) != 0) {
        return NULL;
    }

    for (p += 3; p < end && (*p == ' ' || *p == '\t'); p++) {
        /* void */
    }

    if (p == end) {
        return p;
    }

    if (*p == '\r') {
        return (p + 1 < end && p[1] == '\n') ? p + 2 : p + 1;
    }

    return (*p == '\n') ? p + 1 : NULL;
}


static int
ar_frontmatter_mapping(yaml_document_t *doc, yaml_node_t *root,
    ar_meta_t *meta)
{
    size_t             n;
    const char        *v;
    yaml_node_t       *key, *value;
    yaml_node_pair_t  *pair;

    for (pair = root->data.mapping.pairs.start;
         pair < root->data.mapping.pairs.top;
         pair++)
    {
        key = yaml_document_get_node(doc, pair->key);
        value = yaml_document_get_node(doc, pair->value);

        if (key == NULL || value == NULL
            || key->type != YAML_SCALAR_NODE
            || value->type != YAML_SCALAR_NODE)
        {
            continue;
        }

        v = (const char *) value->data.scalar.value;
        n = value->data.scalar.length;

        if (value->data.scalar.style == YAML_PLAIN_SCALAR_STYLE
            && ((n == 1 && v[0] == '~')
                || (n == 4 && (memcmp(v, "null", 4) == 0
                               || memcmp(v, "Null", 4) == 0
                               || memcmp(v, "NULL", 4) == 0))))
        {
            n = 0;
        }

        if (ar_meta_add(meta, (const char *) key->data.scalar.value,
                        key->data.scalar.length, v, n)
            != AR_OK)
        {
            return AR_ERROR;
        }
    }

    return AR_OK;
}


static int
ar_meta_add(ar_meta_t *meta, const char *key, size_t key_len,
    const char *value, size_t value_len)
{
    size_t           n;
    ar_meta_item_t  *items, *item;

    n = meta->nitems;

    items = ar_array_grow(meta->items, n, sizeof(ar_meta_item_t));
    if (items == NULL) {
        return AR_ERROR;
    }

    meta->items = items;

    item = &meta->items[n];

    /* reserved ahead, so that even empty strings have an address */

    if (ar_buf_reserve(&meta->strings, key_len + 1) != AR_OK) {
        return AR_ERROR;
    }

    item->key = meta->strings.len;
    item->key_len = key_len;

    if (ar_buf_append(&meta->strings, key, key_len) != AR_OK) {
        return AR_ERROR;
    }

    item->value = meta->strings.len;

    if (ar_meta_append_escaped(&meta->strings, value, value_len) != AR_OK) {
        return AR_ERROR;
    }

    item->value_len = meta->strings.len - item->value;
    meta->nitems = n + 1;

    return AR_OK;
}


static int
ar_meta_append_escaped(ar_buf_t *b, const char *p, size_t n)
{
    size_t         i, start;
    unsigned char  c;

    start = 0;

    for (i = 0; i < n; i++) {
        c = (unsigned char) p[i];

        if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
            continue;
        }

        if (ar_buf_append_escaped(b, p + start, i - start) != AR_OK
            || ar_buf_append(b, "\xEF\xBF\xBD", 3) != AR_OK)
        {
            return AR_ERROR;
        }

        start = i + 1;
    }

    return ar_buf_append_escaped(b, p + start, n - start);
}


/* the item of the key, the last one if the key repeats, or NULL */

const ar_meta_item_t *
ar_meta_find(const ar_meta_t *meta, const char *key, size_t len)
{
    size_t                 i;
    const ar_meta_item_t  *item;

    for (i = meta->nitems; i > 0; i--) {
        item = &meta->items[i - 1];

        if (item->key_len == len
            && memcmp(meta->strings.data + item->key, key, len) == 0)
        {
            return item;
        }
    }

    return NULL;
}


const char *
ar_meta_value(const ar_meta_t *meta, const ar_meta_item_t *item)
{
    return meta->strings.data + item->value;
}


void
ar_meta_free(ar_meta_t *meta)
{
    ar_buf_free(&meta->strings);
    ar_mem_free(meta->items);

    meta->items = NULL;
    meta->nitems = 0;
}

