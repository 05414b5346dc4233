/*
 * Compressing a page: the whole page is in memory, so each coding is one
 * call into its library, into a buffer of the library's worst-case size
 * for the input; the result is then copied into a buffer of its own size,
 * so that what the caller keeps is no larger than the coded page.
 */

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <zlib.h>

#if (AR_HAVE_BROTLI)
#include <setjmp.h>
#include <stddef.h>
#include <brotli/encode.h>
#endif

#if (AR_HAVE_ZSTD)
/* ZSTD_createCCtx_advanced(), for the allocator */
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>
#include <zstd_errors.h>
#endif

#include "ar_buf.h"
#include "ar_compress.h"


typedef struct {
    const char  *name;
    int          level_min;
    int          level_max;
} ar_coding_info_t;


#if (AR_HAVE_BROTLI)

/*
 * libbrotli's encoder calls exit() when an allocation fails: its
 * allocations are kept in a list, and one that fails unwinds from the
 * encoder to ar_compress_br(), which frees them all.
 */

typedef union ar_br_block_u  ar_br_block_t;

union ar_br_block_u {
    struct {
        ar_br_block_t  *prev;
        ar_br_block_t  *next;
    }                   link;
    max_align_t         align;
};


typedef struct {
    const ar_alloc_t   *alloc;
    ar_br_block_t       blocks;
    jmp_buf             unwind;
} ar_br_ctx_t;

#endif


static int ar_compress_gzip(int level, const char *in, size_t len,
    const ar_alloc_t *alloc, char *out, size_t *out_len);
static size_t ar_compress_gzip_bound(size_t len);
static void *ar_compress_zalloc(void *opaque, unsigned items, unsigned size);
static void ar_compress_zfree(void *opaque, void *p);
#if (AR_HAVE_BROTLI)
static int ar_compress_br(int level, const char *in, size_t len,
    const ar_alloc_t *alloc, char *out, size_t *out_len);
static int ar_compress_br_run(ar_br_ctx_t *ctx, int level, const char *in,
    size_t len, char *out, size_t *out_len);
static void *ar_compress_br_alloc(void *data, size_t size);
static void ar_compress_br_free(void *data, void *p);
#endif
#if (AR_HAVE_ZSTD)
static int ar_compress_zstd(int level, const char *in, size_t len,
    const ar_alloc_t *alloc, char *out, size_t *out_len);
#endif
static void *ar_compress_alloc(void *data, size_t size);
static void ar_compress_release(void *data, void *p);
static void *ar_compress_malloc(void *data, size_t size);
static void ar_compress_libc_free(void *data, void *p);


static const ar_coding_info_t  ar_codings[AR_CODING_N] = {
    { "identity", 0, 0 },
    { "gzip", 1, 9 },
    { "br", 0, 11 },
    { "zstd", 1, 19 }
};


static const ar_alloc_t  ar_alloc_libc = {
    ar_compress_malloc, ar_compress_libc_free, NULL
};


/*
 * The coding a name in an Accept-Encoding header or a configuration
 * stands for, without regard to case, or AR_CODING_NONE; "x-gzip" is
 * gzip (RFC 9110, section 8.4.1.3).
 */

int
ar_coding(const char *name, size_t len)
{
    int  coding;

    if (len == sizeof("x-gzip") - 1 && strncasecmp(name, "x-gzip", len) == 0) {
        return AR_CODING_GZIP;
    }

    for (coding = 0; coding < AR_CODING_N; coding++) {

        if (strlen(ar_codings[coding].name) == len
            && strncasecmp(name, ar_codings[coding].name, len) == 0)
        {
            return coding;
        }
    }

    return AR_CODING_NONE;
}


const char *
ar_coding_name(int coding)
{
    if (coding < 0 || coding >= AR_CODING_N) {
        return NULL;
    }

    return ar_codings[coding].name;
}


/* whether this build can compress with the coding */

int
ar_compress_available(int coding)
{
    switch (coding) {

    case AR_CODING_GZIP:
        return 1;

#if (AR_HAVE_BROTLI)
    case AR_CODING_BR:
        return 1;
#endif

#if (AR_HAVE_ZSTD)
    case AR_CODING_ZSTD:
        return 1;
#endif

    default:
        return 0;
    }
}


int
ar_compress_level_min(int coding)
{
    return (coding > 0 && coding < AR_CODING_N)
           ? ar_codings[coding].level_min : 0;
}


int
ar_compress_level_max(int coding)
{
    return (coding > 0 && coding < AR_CODING_N)
           ? ar_codings[coding].level_max : -1;
}


/*
 * Compresses len bytes at in; on AR_OK, *out is a buffer of *out_len
 * bytes from the allocator, to be freed with ar_compress_free().  Fails
 * with AR_EMEMORY when an allocation fails, AR_ERROR on any other
 * failure: a coding this build lacks, a level out of its range, an error
 * of the library.
 */

int
ar_compress(int coding, int level, const char *in, size_t len,
    const ar_alloc_t *alloc, char **out, size_t *out_len)
{
    int     rc;
    char   *buf, *p;
    size_t  bound, n;

    *out = NULL;
    *out_len = 0;

    if (!ar_compress_available(coding)
        || level < ar_codings[coding].level_min
        || level > ar_codings[coding].level_max)
    {
        return AR_ERROR;
    }

    if (alloc == NULL) {
        alloc = &ar_alloc_libc;
    }

    if (in == NULL) {
        in = "";
    }

    switch (coding) {

#if (AR_HAVE_BROTLI)
    case AR_CODING_BR:
        bound = BrotliEncoderMaxCompressedSize(len);
        break;
#endif

#if (AR_HAVE_ZSTD)
    case AR_CODING_ZSTD:
        bound = ZSTD_compressBound(len);
        if (ZSTD_isError(bound)) {
            bound = 0;
        }
        break;
#endif

    default: /* AR_CODING_GZIP */
        bound = ar_compress_gzip_bound(len);
        break;
    }

    if (bound == 0) {
        return AR_ERROR;
    }

    buf = alloc->alloc(alloc->data, bound);
    if (buf == NULL) {
        return AR_EMEMORY;
    }

    n = bound;

    switch (coding) {

#if (AR_HAVE_BROTLI)
    case AR_CODING_BR:
        rc = ar_compress_br(level, in, len, alloc, buf, &n);
        break;
#endif

#if (AR_HAVE_ZSTD)
    case AR_CODING_ZSTD:
        rc = ar_compress_zstd(level, in, len, alloc, buf, &n);
        break;
#endif

    default: /* AR_CODING_GZIP */
        rc = ar_compress_gzip(level, in, len, alloc, buf, &n);
        break;
    }

    if (rc != AR_OK) {
        alloc->free(alloc->data, buf);
        return rc;
    }

    /* the worst case is the input's size and more: keep only the result */

    p = alloc->alloc(alloc->data, n ? n : 1);
    if (p == NULL) {
        alloc->free(alloc->data, buf);
        return AR_EMEMORY;
    }

    memcpy(p, buf, n);
    alloc->free(alloc->data, buf);

    *out = p;
    *out_len = n;

    return AR_OK;
}


void
ar_compress_free(const ar_alloc_t *alloc, char *p)
{
    if (p == NULL) {
        return;
    }

    if (alloc == NULL) {
        alloc = &ar_alloc_libc;
    }

    alloc->free(alloc->data, p);
}


/* compressBound() is for the zlib wrapper: the gzip one is 12 bytes more */

static size_t
ar_compress_gzip_bound(size_t len)
{
    size_t  n;

    if (len > (uInt) -1 / 2) {
        return 0;
    }

    n = compressBound((uLong) len) + 18;

    return n < len ? 0 : n;
}


static int
ar_compress_gzip(int level, const char *in, size_t len,
    const ar_alloc_t *alloc, char *out, size_t *out_len)
{
    int       rc;
    z_stream  zs;

    memset(&zs, 0, sizeof(z_stream));

    zs.zalloc = ar_compress_zalloc;
    zs.zfree = ar_compress_zfree;
    zs.opaque = (void *) alloc;

    /* windowBits 15 and 16 for the gzip wrapper */

    rc = deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8,
                      Z_DEFAULT_STRATEGY);
    if (rc != Z_OK) {
        return rc == Z_MEM_ERROR ? AR_EMEMORY : AR_ERROR;
    }

    zs.next_in = (Bytef *) in;
    zs.avail_in = (uInt) len;
    zs.next_out = (Bytef *) out;
    zs.avail_out = (uInt) *out_len;

    rc = deflate(&zs, Z_FINISH);

    *out_len = zs.total_out;

    (void) deflateEnd(&zs);

    if (rc == Z_STREAM_END) {
        return AR_OK;
    }

    return rc == Z_MEM_ERROR ? AR_EMEMORY : AR_ERROR;
}


static void *
ar_compress_zalloc(void *opaque, unsigned items, unsigned size)
{
    if (size && items > (size_t) -1 / size) {
        return NULL;
    }

    return ar_compress_alloc(opaque, (size_t) items * size);
}


static void
ar_compress_zfree(void *opaque, void *p)
{
    ar_compress_release(opaque, p);
}


#if (AR_HAVE_BROTLI)

static int
ar_compress_br(int level, const char *in, size_t len,
    const ar_alloc_t *alloc, char *out, size_t *out_len)
{
    int             rc;
    ar_br_ctx_t     ctx;
    ar_br_block_t  *b;

    ctx.alloc = alloc;
    ctx.blocks.link.prev = &ctx.blocks;
    ctx.blocks.link.next = &ctx.blocks;

    if (setjmp(ctx.unwind) == 0) {
        return ar_compress_br_run(&ctx, level, in, len, out, out_len);
    }

    /* an allocation failed inside the encoder: its state is lost */

    rc = AR_EMEMORY;

    while (ctx.blocks.link.next != &ctx.blocks) {
        b = ctx.blocks.link.next;
        ctx.blocks.link.next = b->link.next;
        alloc->free(alloc->data, b);
    }

    return rc;
}


static int
ar_compress_br_run(ar_br_ctx_t *ctx, int level, const char *in, size_t len,
    char *out, size_t *out_len)
{
    int                  rc;
    size_t               avail_in, avail_out, last_in, last_out;
    uint32_t             lgwin;
    const uint8_t       *next_in;
    uint8_t             *next_out;
    BrotliEncoderState  *s;

    s = BrotliEncoderCreateInstance(ar_compress_br_alloc,
                                    ar_compress_br_free, ctx);
    if (s == NULL) {
        return AR_EMEMORY;
    }

    /* a window no larger than the page: less memory for both ends */

    for (lgwin = BROTLI_MIN_WINDOW_BITS;
         lgwin < BROTLI_DEFAULT_WINDOW && ((size_t) 1 << lgwin) < len;
         lgwin++)
    {
        /* void */
    }

    if (!BrotliEncoderSetParameter(s, BROTLI_PARAM_QUALITY, level)
        || !BrotliEncoderSetParameter(s, BROTLI_PARAM_LGWIN, lgwin)
        || !BrotliEncoderSetParameter(s, BROTLI_PARAM_MODE, BROTLI_MODE_TEXT)
        || !BrotliEncoderSetParameter(s, BROTLI_PARAM_SIZE_HINT,
                                      len > (uint32_t) -1
                                      ? (uint32_t) -1 : (uint32_t) len))
    {
        BrotliEncoderDestroyInstance(s);
        return AR_ERROR;
    }

    next_in = (const uint8_t *) in;
    avail_in = len;
    next_out = (uint8_t *) out;
    avail_out = *out_len;

    rc = AR_OK;

    while (!BrotliEncoderIsFinished(s)) {
        last_in = avail_in;
        last_out = avail_out;

        if (!BrotliEncoderCompressStream(s, BROTLI_OPERATION_FINISH,
                                         &avail_in, &next_in,
                                         &avail_out, &next_out, NULL))
        {
            rc = AR_ERROR;
            break;
        }

        /* the output holds the worst case: no progress is a failure */

        if (avail_in == last_in && avail_out == last_out
            && !BrotliEncoderIsFinished(s))
        {
            rc = AR_ERROR;
            break;
        }
    }

    BrotliEncoderDestroyInstance(s);

    *out_len -= avail_out;

    return rc;
}


static void *
ar_compress_br_alloc(void *data, size_t size)
{
    ar_br_ctx_t    *ctx = data;
    ar_br_block_t  *b;

    b = NULL;

    if (size <= (size_t) -1 - sizeof(ar_br_block_t)) {
        b = ctx->alloc->alloc(ctx->alloc->data, sizeof(ar_br_block_t) + size);
    }

    if (b == NULL) {
        longjmp(ctx->unwind, 1);
    }

    b->link.prev = &ctx->blocks;
    b->link.next = ctx->blocks.link.next;
    ctx->blocks.link.next->link.prev = b;
    ctx->blocks.link.next = b;

    return b + 1;
}


static void
ar_compress_br_free(void *data, void *p)
{
    ar_br_ctx_t    *ctx = data;
    ar_br_block_t  *b;

    if (p == NULL) {
        return;
    }

    b = (ar_br_block_t *) p - 1;

    b->link.prev->link.next = b->link.next;
    b->link.next->link.prev = b->link.prev;

    ctx->alloc->free(ctx->alloc->data, b);
}

#endif


#if (AR_HAVE_ZSTD)

static int
ar_compress_zstd(int level, const char *in, size_t len,
    const ar_alloc_t *alloc, char *out, size_t *out_len)
{
    size_t           n;
    ZSTD_CCtx       *cctx;
    ZSTD_customMem   mem;

    mem.customAlloc = ar_compress_alloc;
    mem.customFree = ar_compress_release;
    mem.opaque = (void *) alloc;

    cctx = ZSTD_createCCtx_advanced(mem);
    if (cctx == NULL) {
        return AR_EMEMORY;
    }

    n = ZSTD_compressCCtx(cctx, out, *out_len, in, len, level);

    ZSTD_freeCCtx(cctx);

    if (ZSTD_isError(n)) {
        return ZSTD_getErrorCode(n) == ZSTD_error_memory_allocation
               ? AR_EMEMORY : AR_ERROR;
    }

    *out_len = n;

    return AR_OK;
}

#endif


/* the libraries' allocation calls, with the ar_alloc_t as their opaque */

static void *
ar_compress_alloc(void *data, size_t size)
{
    const ar_alloc_t  *alloc = data;

    return alloc->alloc(alloc->data, size);
}


static void
ar_compress_release(void *data, void *p)
{
    const ar_alloc_t  *alloc = data;

    if (p != NULL) {
        alloc->free(alloc->data, p);
    }
}


static void *
ar_compress_malloc(void *data, size_t size)
{
    return malloc(size);
}


static void
ar_compress_libc_free(void *data, void *p)
{
    free(p);
}
