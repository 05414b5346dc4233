/*
 * A growable byte buffer for the article core.  The core has no nginx
 * dependency: it allocates with malloc(3), or from the running render's
 * arena inside a render (ar_arena.c), and the nginx glue frees what it
 * is handed through ar_buf_free().
 */

#ifndef _AR_BUF_H_INCLUDED_
#define _AR_BUF_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>


typedef struct {
    char    *data;
    size_t   len;
    size_t   cap;
} ar_buf_t;


#define AR_OK       0
#define AR_ERROR   -1
#define AR_EMEMORY -2      /* a render passed its memory budget */
#define AR_ETIME   -3      /* a render passed its time budget */


int ar_buf_reserve(ar_buf_t *b, size_t n);
int ar_buf_append(ar_buf_t *b, const char *p, size_t n);
int ar_buf_append_escaped(ar_buf_t *b, const char *p, size_t n);
int ar_buf_append_entities(ar_buf_t *b, const char *p, size_t n, int apos);
int ar_buf_append_utf8(ar_buf_t *b, const char *p, size_t n);
void *ar_array_grow(void *elts, size_t n, size_t size);
size_t ar_utf8_decode(const unsigned char *p, size_t n, uint32_t *cp);
void ar_buf_free(ar_buf_t *b);


#endif /* _AR_BUF_H_INCLUDED_ */
