/*
 * Heading ids as GitHub makes them: the slug of the heading's text, and
 * "-1", "-2", ... after a slug already taken.
 */

#ifndef _AR_SLUG_H_INCLUDED_
#define _AR_SLUG_H_INCLUDED_


#include <stdint.h>

#include "ar_buf.h"


/* the id of a heading whose slug is empty */
#define AR_SLUG_EMPTY  "section"


typedef struct {
    size_t             name;    /* offset into ar_slugs_t.names */
    size_t             len;
    uint32_t           hash;
    unsigned           count;   /* the last "-N" tried after this name */
    unsigned           used;
} ar_slug_entry_t;


/* the ids taken so far in one article */

typedef struct {
    ar_slug_entry_t   *slots;
    size_t             size;    /* a power of 2, or 0 */
    size_t             n;
    ar_buf_t           names;
} ar_slugs_t;


void ar_slug_init(void);
int ar_slug_text(ar_buf_t *slug, const char *text, size_t len);
int ar_slugs_reserve(ar_slugs_t *slugs, const char *id, size_t len);
int ar_slugs_has(ar_slugs_t *slugs, const char *id, size_t len);
int ar_slugs_unique(ar_slugs_t *slugs, ar_buf_t *slug);
void ar_slugs_free(ar_slugs_t *slugs);


#endif /* _AR_SLUG_H_INCLUDED_ */
