/*
 * YAML front matter: a "---" line at the very start of an article, YAML,
 * and a "---" or "..." line.  Parsed with libyaml; its scalar keys are
 * the article's metadata, {{meta.KEY}} in templates.
 */

#ifndef _AR_FRONTMATTER_H_INCLUDED_
#define _AR_FRONTMATTER_H_INCLUDED_


#include "ar_buf.h"


#define AR_META_ERR_LEN  128


typedef struct {
    size_t      key;         /* offsets into ar_meta_t.strings */
    size_t      key_len;
    size_t      value;       /* HTML-escaped */
    size_t      value_len;
} ar_meta_item_t;


typedef struct {
    ar_buf_t         strings;
    ar_meta_item_t  *items;
    size_t           nitems;
    unsigned         invalid:1;  /* front matter there, but not YAML */
    char             error[AR_META_ERR_LEN];  /* why, when invalid */
} ar_meta_t;


int ar_frontmatter_parse(const char *src, size_t len, ar_meta_t *meta,
    size_t *body);
const ar_meta_item_t *ar_meta_find(const ar_meta_t *meta, const char *key,
    size_t len);
const char *ar_meta_value(const ar_meta_t *meta, const ar_meta_item_t *item);
void ar_meta_free(ar_meta_t *meta);


#endif /* _AR_FRONTMATTER_H_INCLUDED_ */
