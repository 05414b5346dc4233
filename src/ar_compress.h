/*
 * Content codings for the article core: a page compressed once, when it
 * is rendered, with gzip (zlib), br (libbrotli's encoder) or zstd
 * (libzstd).  br and zstd are there only in a build that found their
 * library (AR_HAVE_BROTLI, AR_HAVE_ZSTD); ar_compress_available() says.
 */

#ifndef _AR_COMPRESS_H_INCLUDED_
#define _AR_COMPRESS_H_INCLUDED_


#include <stddef.h>


/* the order is the order of preference between equal choices */
#define AR_CODING_IDENTITY  0
#define AR_CODING_GZIP      1
#define AR_CODING_BR        2
#define AR_CODING_ZSTD      3
#define AR_CODING_N         4

/* ar_accept_encoding(): no representation is acceptable */
#define AR_CODING_NONE     -1

/* a representation that is not stored, in the sizes passed to it */
#define AR_SIZE_NONE        ((size_t) -1)


/*
 * Every allocation of a compression, the libraries' state included, is
 * made through alloc, so that a render's budget counts it; alloc may
 * return NULL.  A NULL allocator is malloc(3) and free(3).
 */

typedef struct {
    void      *(*alloc)(void *data, size_t size);
    void       (*free)(void *data, void *p);
    void        *data;
} ar_alloc_t;


int ar_coding(const char *name, size_t len);
const char *ar_coding_name(int coding);
int ar_compress_available(int coding);
int ar_compress_level_min(int coding);
int ar_compress_level_max(int coding);
int ar_compress(int coding, int level, const char *in, size_t len,
    const ar_alloc_t *alloc, char **out, size_t *out_len);
void ar_compress_free(const ar_alloc_t *alloc, char *p);


#endif /* _AR_COMPRESS_H_INCLUDED_ */
