/*
 * Page templates.
 *
 * A placeholder is "{{", a name of letters, digits, "_", "." or "-"
 * (blanks around it allowed), and "}}".  Any other "{{" is literal text,
 * so inline scripts and styles pass through untouched.  The names are
 * "content", "title", "toc", "scripts" and "meta." followed by a front
 * matter key.  "scripts" is where the script tags an article needs go
 * (Mermaid's, for a page with diagrams); in a template without it they
 * follow the content.  An unknown name is an error that names the
 * template's line, as is a template without {{content}}.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ar_arena.h"
#include "ar_template.h"


/* {{meta.KEY}}: a front matter key */
#define AR_TPL_META_PREFIX      "meta."
#define AR_TPL_META_PREFIX_LEN  (sizeof(AR_TPL_META_PREFIX) - 1)


static const struct {
    const char          *name;
    ar_tpl_part_type_e   type;
} ar_template_names[] = {
    { "content", AR_TPL_CONTENT },
    { "title", AR_TPL_TITLE },
    { "toc", AR_TPL_TOC },
    { "scripts", AR_TPL_SCRIPTS }
};


static size_t ar_template_placeholder(const char *p, const char *end,
    const char **name, size_t *name_len);
static int ar_template_add(ar_template_t *tpl, ar_tpl_part_type_e type,
    size_t offset, size_t len);
static int ar_template_meta(const ar_article_t *article, const char *key,
    size_t len, ar_buf_t *page);


int
ar_template_parse(ar_template_t *tpl, const char *text, size_t len,
    ar_template_error_t *err)
{
    int                  has_content;
    size_t               i, n, start, name_len, k;
    unsigned             line;
    const char          *end, *name;
    ar_tpl_part_type_e   type;

    memset(tpl, 0, sizeof(ar_template_t));
    memset(err, 0, sizeof(ar_template_error_t));

    tpl->text = malloc(len + 1);
    if (tpl->text == NULL) {
        snprintf(err->msg, AR_TPL_ERR_LEN, "out of memory");
        return AR_ERROR;
    }

    memcpy(tpl->text, text, len);
    tpl->text[len] = '\0';

    end = tpl->text + len;
    start = 0;
    line = 1;
    has_content = 0;

    for (i = 0; i < len; i++) {

        if (tpl->text[i] == '\n') {
            line++;
            continue;
        }

        if (tpl->text[i] != '{' || i + 1 == len || tpl->text[i + 1] != '{') {
            continue;
        }

        n = ar_template_placeholder(tpl->text + i, end, &name, &name_len);
        if (n == 0) {
            continue;
        }

        /* AR_TPL_TEXT until the name is known */
        type = AR_TPL_TEXT;

        for (k = 0; k < sizeof(ar_template_names)
                        / sizeof(ar_template_names[0]); k++)
        {
            if (strlen(ar_template_names[k].name) == name_len
                && memcmp(ar_template_names[k].name, name, name_len) == 0)
            {
                type = ar_template_names[k].type;
                break;
            }
        }

        if (type == AR_TPL_TEXT && name_len > AR_TPL_META_PREFIX_LEN
            && memcmp(name, AR_TPL_META_PREFIX, AR_TPL_META_PREFIX_LEN) == 0)
        {
            /* the part keeps the key alone */
            type = AR_TPL_META;
            name += AR_TPL_META_PREFIX_LEN;
            name_len -= AR_TPL_META_PREFIX_LEN;
        }

        if (type == AR_TPL_TEXT) {
            err->line = line;
            snprintf(err->msg, AR_TPL_ERR_LEN,
                     "unknown placeholder \"{{%.*s}}\"",
                     (int) (name_len > 64 ? 64 : name_len), name);
            ar_template_free(tpl);
            return AR_ERROR;
        }

        if (type == AR_TPL_CONTENT) {
            has_content = 1;
        }

        if (ar_template_add(tpl, AR_TPL_TEXT, start, i - start) != AR_OK
            || ar_template_add(tpl, type, name - tpl->text,
                               (type == AR_TPL_META) ? name_len : 0)
               != AR_OK)
        {
            snprintf(err->msg, AR_TPL_ERR_LEN, "out of memory");
            ar_template_free(tpl);
            return AR_ERROR;
        }

        i += n - 1;
        start = i + 1;
    }

    if (ar_template_add(tpl, AR_TPL_TEXT, start, len - start) != AR_OK) {
        snprintf(err->msg, AR_TPL_ERR_LEN, "out of memory");
        ar_template_free(tpl);
        return AR_ERROR;
    }

    if (!has_content) {
        err->line = 0;
        snprintf(err->msg, AR_TPL_ERR_LEN, "no \"{{content}}\" placeholder");
        ar_template_free(tpl);
        return AR_ERROR;
    }

    return AR_OK;
}


/*
 * Returns the length of the placeholder that starts at p ("{{"), or 0 if
 * p does not start one.
 */

static size_t
ar_template_placeholder(const char *p, const char *end, const char **name,
    size_t *name_len)
{
    const char  *s;

    s = p + 2;

    while (s < end && (*s == ' ' || *s == '\t')) {
        s++;
    }

    *name = s;

    while (s < end
           && ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')
               || (*s >= '0' && *s <= '9')
               || *s == '_' || *s == '.' || *s == '-'))
    {
        s++;
    }

    *name_len = s - *name;

    while (s < end && (*s == ' ' || *s == '\t')) {
        s++;
    }

    if (*name_len == 0 || end - s < 2 || s[0] != '}' || s[1] != '}') {
        return 0;
    }

    return s + 2 - p;
}


static int
ar_template_add(ar_template_t *tpl, ar_tpl_part_type_e type, size_t offset,
    size_t len)
{
    size_t          n;
    ar_tpl_part_t  *parts;

    if (type == AR_TPL_TEXT && len == 0) {
        return AR_OK;
    }

    n = tpl->nparts;

    parts = ar_array_grow(tpl->parts, n, sizeof(ar_tpl_part_t));
    if (parts == NULL) {
        return AR_ERROR;
    }

    tpl->parts = parts;

    tpl->parts[n].type = type;
    tpl->parts[n].offset = offset;
    tpl->parts[n].len = len;
    tpl->nparts = n + 1;

    if (type == AR_TPL_TEXT) {
        tpl->fixed_len += len;
    }

    return AR_OK;
}


/*
 * Builds the page.  The title is the article's own; without one, the
 * fallback (the file name), escaped here.
 */

int
ar_template_expand(const ar_template_t *tpl, const ar_article_t *article,
    const char *fallback_title, size_t fallback_len, ar_buf_t *page)
{
    int                   rc, scripts;
    size_t                i;
    const ar_tpl_part_t  *part;

    if (ar_buf_reserve(page, tpl->fixed_len + article->html.len
                             + article->title.len + article->toc.len
                             + article->scripts.len + 1)
        != AR_OK)
    {
        return AR_ERROR;
    }

    scripts = ar_template_uses(tpl, AR_TPL_SCRIPTS);

    for (i = 0; i < tpl->nparts; i++) {
        part = &tpl->parts[i];

        switch (part->type) {

        case AR_TPL_CONTENT:
            rc = ar_buf_append(page, article->html.data, article->html.len);

            if (rc == AR_OK && !scripts) {
                rc = ar_buf_append(page, article->scripts.data,
                                   article->scripts.len);
            }

            break;

        case AR_TPL_SCRIPTS:
            rc = ar_buf_append(page, article->scripts.data,
                               article->scripts.len);
            break;

        case AR_TPL_TITLE:
            if (article->title.len) {
                rc = ar_buf_append(page, article->title.data,
                                   article->title.len);
            } else {
                rc = ar_buf_append_escaped(page, fallback_title,
                                           fallback_len);
            }
            break;

        case AR_TPL_TOC:
            rc = ar_buf_append(page, article->toc.data, article->toc.len);
            break;

        case AR_TPL_META:
            rc = ar_template_meta(article, tpl->text + part->offset,
                                  part->len, page);
            break;

        default:
            rc = ar_buf_append(page, tpl->text + part->offset, part->len);
            break;
        }

        if (rc != AR_OK) {
            return AR_ERROR;
        }
    }

    return AR_OK;
}


/* the front matter's value of the key, escaped already; empty without */

static int
ar_template_meta(const ar_article_t *article, const char *key, size_t len,
    ar_buf_t *page)
{
    const ar_meta_item_t  *item;

    item = ar_meta_find(&article->meta, key, len);

    if (item == NULL) {
        return AR_OK;
    }

    return ar_buf_append(page, ar_meta_value(&article->meta, item),
                         item->value_len);
}


/* whether the template has a placeholder of the type, as {{toc}} */

int
ar_template_uses(const ar_template_t *tpl, ar_tpl_part_type_e type)
{
    size_t  i;

    for (i = 0; i < tpl->nparts; i++) {
        if (tpl->parts[i].type == type) {
            return 1;
        }
    }

    return 0;
}


void
ar_template_free(ar_template_t *tpl)
{
    free(tpl->text);
    ar_mem_free(tpl->parts);

    memset(tpl, 0, sizeof(ar_template_t));
}
