/*
 * Unit tests of the content codings (ar_compress) and of the choice
 * among them (ar_accept_encoding): every coding this build has is
 * decompressed with its own library and compared with the input, at every
 * level; allocations all go through the caller's allocator, and a failed
 * one fails the compression without a leak.  TAP on stdout, run by
 * t/unit.t.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#if (AR_HAVE_BROTLI)
#include <brotli/decode.h>
#endif

#if (AR_HAVE_ZSTD)
#include <zstd.h>
#endif

#include "ar_accept.h"
#include "ar_buf.h"
#include "ar_check.h"
#include "ar_compress.h"


#define AR_NONE  AR_SIZE_NONE


/* an allocator that counts, and fails its fail-th allocation */

typedef struct {
    size_t     live;          /* allocations not yet freed */
    size_t     calls;
    size_t     fail;          /* 0: never */
    size_t     bytes;         /* live bytes */
    size_t     peak;
} ar_counter_t;


/* an Accept-Encoding header, the sizes stored, the coding expected */

typedef struct {
    const char    *name;
    const char    *ae;        /* NULL: no header */
    size_t         sizes[AR_CODING_N];
    int            expected;
} ar_encoding_case_t;



static void *
ar_counter_alloc(void *data, size_t size)
{
    size_t        *p;
    ar_counter_t  *c = data;

    c->calls++;

    if (c->fail && c->calls == c->fail) {
        return NULL;
    }

    p = malloc(size + sizeof(size_t) * 2);
    if (p == NULL) {
        return NULL;
    }

    p[0] = size;
    c->live++;
    c->bytes += size;

    if (c->bytes > c->peak) {
        c->peak = c->bytes;
    }

    return p + 2;
}


static void
ar_counter_free(void *data, void *p)
{
    size_t        *s;
    ar_counter_t  *c = data;

    s = (size_t *) p - 2;
    c->live--;
    c->bytes -= s[0];
    free(s);
}


static int
ar_decompress(int coding, const char *in, size_t len, char *out,
    size_t cap, size_t *out_len)
{
    int       rc;
    z_stream  zs;

    switch (coding) {

    case AR_CODING_GZIP:
        if (len < 2 || (unsigned char) in[0] != 0x1f
            || (unsigned char) in[1] != 0x8b)
        {
            ar_diag_str("# no gzip magic\n");
            return 0;
        }

        memset(&zs, 0, sizeof(z_stream));

        if (inflateInit2(&zs, 15 + 16) != Z_OK) {
            return 0;
        }

        zs.next_in = (Bytef *) in;
        zs.avail_in = (uInt) len;
        zs.next_out = (Bytef *) out;
        zs.avail_out = (uInt) cap;

        rc = inflate(&zs, Z_FINISH);
        *out_len = zs.total_out;

        /* nothing after the gzip member */
        rc = (rc == Z_STREAM_END && zs.avail_in == 0);
        inflateEnd(&zs);

        return rc;

#if (AR_HAVE_BROTLI)
    case AR_CODING_BR:
        *out_len = cap;
        return BrotliDecoderDecompress(len, (const uint8_t *) in, out_len,
                                       (uint8_t *) out)
               == BROTLI_DECODER_RESULT_SUCCESS;
#endif

#if (AR_HAVE_ZSTD)
    case AR_CODING_ZSTD:
        *out_len = ZSTD_decompress(out, cap, in, len);
        return !ZSTD_isError(*out_len);
#endif

    default:
        return 0;
    }
}


/* compresses, decompresses and compares; all memory returned */

static int
ar_round_trip(int coding, int level, const char *in, size_t len)
{
    int            ok, rc;
    char          *out, *back, what[64];
    size_t         out_len, back_len;
    ar_alloc_t     alloc;
    ar_counter_t   c;

    memset(&c, 0, sizeof(ar_counter_t));
    alloc.alloc = ar_counter_alloc;
    alloc.free = ar_counter_free;
    alloc.data = &c;

    snprintf(what, sizeof(what), "%s level %d, %zu bytes: rc",
             ar_coding_name(coding), level, len);

    rc = ar_compress(coding, level, in, len, &alloc, &out, &out_len);

    ok = ar_int_is(what, rc, AR_OK)
         && ar_int_is("live allocations after compressing", (long) c.live, 1)
         && ar_int_is("bytes kept", (long) c.bytes, (long) out_len);

    if (!ok) {
        return 0;
    }

    back = malloc(len + 1);
    if (back == NULL) {
        ar_compress_free(&alloc, out);
        return 0;
    }

    if (!ar_decompress(coding, out, out_len, back, len + 1, &back_len)) {
        ar_diag_str("# the output does not decompress\n");
        ok = 0;

    } else {
        ok = ar_is(back, back_len, in, len);
    }

    free(back);
    ar_compress_free(&alloc, out);

    return ok && ar_int_is("live allocations at the end", (long) c.live, 0);
}


/* inputs: HTML-like text that compresses well, and random bytes */

static char *
ar_text(size_t len)
{
    char        *p;
    size_t       i, n;
    unsigned     seed;
    static const char  *words[] = {
        "<p>harbour ", "survey ", "river ", "<strong>tide</strong> ",
        "council ", "quay</p>\n", "ferry ", "<code>estuary</code> ",
        "<li>count ", "dawn</li>\n"
    };

    p = malloc(len + 1);
    if (p == NULL) {
        return NULL;
    }

    seed = 7;

    for (i = 0; i < len; i += n) {
        seed = seed * 1103515245 + 12345;
        n = strlen(words[(seed >> 16) % 10]);

        if (n > len - i) {
            n = len - i;
        }

        memcpy(p + i, words[(seed >> 16) % 10], n);
    }

    return p;
}


static char *
ar_random(size_t len)
{
    char      *p;
    size_t     i;
    unsigned   seed;

    p = malloc(len + 1);
    if (p == NULL) {
        return NULL;
    }

    seed = 11;

    for (i = 0; i < len; i++) {
        seed = seed * 1103515245 + 12345;
        p[i] = (char) (seed >> 16);
    }

    return p;
}


static int
ar_all_levels(int coding, const char *in, size_t len)
{
    int  level;

    for (level = ar_compress_level_min(coding);
         level <= ar_compress_level_max(coding);
         level++)
    {
        if (!ar_round_trip(coding, level, in, len)) {
            return 0;
        }
    }

    return 1;
}


static int
ar_coding_round_trips(int coding)
{
    int    ok, mid;
    char  *text, *rnd;

    if (!ar_compress_available(coding)) {
        ar_diag_str("# not in this build\n");
        return 0;
    }

    text = ar_text(256 * 1024);
    rnd = ar_random(64 * 1024);

    mid = (ar_compress_level_min(coding) + ar_compress_level_max(coding))
          / 2;

    ok = text != NULL && rnd != NULL
         && ar_all_levels(coding, "", 0)
         && ar_all_levels(coding, NULL, 0)
         && ar_all_levels(coding, "a", 1)
         && ar_all_levels(coding, text, 4096)
         && ar_round_trip(coding, ar_compress_level_min(coding), text,
                          256 * 1024)
         && ar_round_trip(coding, mid, text, 256 * 1024)
         && ar_round_trip(coding, ar_compress_level_min(coding), rnd,
                          64 * 1024)
         && ar_round_trip(coding, ar_compress_level_max(coding), rnd,
                          64 * 1024);

    free(text);
    free(rnd);

    return ok;
}


static int
t_gzip(void)
{
    return ar_coding_round_trips(AR_CODING_GZIP);
}


#if (AR_HAVE_BROTLI)

static int
t_br(void)
{
    return ar_coding_round_trips(AR_CODING_BR);
}

#endif


#if (AR_HAVE_ZSTD)

static int
t_zstd(void)
{
    return ar_coding_round_trips(AR_CODING_ZSTD);
}

#endif


/* text compresses: the coded page is smaller than the page */

static int
t_smaller(void)
{
    int     c, ok;
    char   *text, *out;
    size_t  out_len;

    text = ar_text(8192);
    if (text == NULL) {
        return 0;
    }

    ok = 1;

    for (c = AR_CODING_GZIP; ok && c < AR_CODING_N; c++) {

        if (!ar_compress_available(c)) {
            continue;
        }

        ok = ar_int_is(ar_coding_name(c),
                       ar_compress(c, ar_compress_level_min(c), text, 8192,
                                   NULL, &out, &out_len), AR_OK)
             && ar_int_is("less than a quarter", out_len < 8192 / 4, 1);

        ar_compress_free(NULL, out);
    }

    free(text);

    return ok;
}


/* a coding not built, identity, an unknown one and bad levels fail */

static int
t_refused(void)
{
    int     c, ok;
    char   *out;
    size_t  out_len;

    ok = ar_int_is("identity", ar_compress(AR_CODING_IDENTITY, 0, "a", 1,
                                           NULL, &out, &out_len), AR_ERROR)
         && ar_int_is("out is NULL", out == NULL, 1)
         && ar_int_is("coding 4", ar_compress(AR_CODING_N, 1, "a", 1, NULL,
                                              &out, &out_len), AR_ERROR)
         && ar_int_is("coding -1", ar_compress(-1, 1, "a", 1, NULL,
                                               &out, &out_len), AR_ERROR);

    for (c = AR_CODING_GZIP; ok && c < AR_CODING_N; c++) {

        if (!ar_compress_available(c)) {
            ok = ar_int_is(ar_coding_name(c),
                           ar_compress(c, ar_compress_level_min(c), "a", 1,
                                       NULL, &out, &out_len), AR_ERROR);
            continue;
        }

        ok = ar_int_is("below the lowest level",
                       ar_compress(c, ar_compress_level_min(c) - 1, "a", 1,
                                   NULL, &out, &out_len), AR_ERROR)
             && ar_int_is("above the highest level",
                          ar_compress(c, ar_compress_level_max(c) + 1, "a",
                                      1, NULL, &out, &out_len), AR_ERROR);
    }

    return ok;
}


/* the levels each coding takes */

static int
t_levels(void)
{
    return ar_int_is("gzip min", ar_compress_level_min(AR_CODING_GZIP), 1)
           && ar_int_is("gzip max", ar_compress_level_max(AR_CODING_GZIP), 9)
           && ar_int_is("br min", ar_compress_level_min(AR_CODING_BR), 0)
           && ar_int_is("br max", ar_compress_level_max(AR_CODING_BR), 11)
           && ar_int_is("zstd min", ar_compress_level_min(AR_CODING_ZSTD), 1)
           && ar_int_is("zstd max", ar_compress_level_max(AR_CODING_ZSTD),
                        19);
}


/*
 * Every allocation failing in turn: each fails the compression, with
 * nothing left allocated, until there are none left to fail.
 */

static int
ar_alloc_failures(int coding, int level)
{
    int            rc;
    char          *out, *text, what[64];
    size_t         out_len, fail;
    ar_alloc_t     alloc;
    ar_counter_t   c;

    if (!ar_compress_available(coding)) {
        return 1;
    }

    text = ar_text(4096);
    if (text == NULL) {
        return 0;
    }

    alloc.alloc = ar_counter_alloc;
    alloc.free = ar_counter_free;
    alloc.data = &c;

    for (fail = 1; fail < 1000; fail++) {
        memset(&c, 0, sizeof(ar_counter_t));
        c.fail = fail;

        rc = ar_compress(coding, level, text, 4096, &alloc, &out,
                         &out_len);

        snprintf(what, sizeof(what), "%s: allocation %zu failed, rc",
                 ar_coding_name(coding), fail);

        if (c.calls < fail) {
            /* no allocation left to fail: this one succeeded */
            ar_compress_free(&alloc, out);
            free(text);
            return ar_int_is(what, rc, AR_OK)
                   && ar_int_is("live at the end", (long) c.live, 0);
        }

        if (!ar_int_is(what, rc != AR_OK, 1)
            || (fail == 1 && !ar_int_is(what, rc, AR_EMEMORY))
            || !ar_int_is("out is NULL", out == NULL, 1)
            || !ar_int_is("live allocations", (long) c.live, 0))
        {
            free(text);
            return 0;
        }
    }

    free(text);

    return 0;
}


static int
t_alloc_failures(void)
{
    return ar_alloc_failures(AR_CODING_GZIP, 1)
           && ar_alloc_failures(AR_CODING_GZIP, 9)
           && ar_alloc_failures(AR_CODING_BR, 0)
           && ar_alloc_failures(AR_CODING_BR, 5)
           && ar_alloc_failures(AR_CODING_BR, 11)
           && ar_alloc_failures(AR_CODING_ZSTD, 1)
           && ar_alloc_failures(AR_CODING_ZSTD, 19);
}


/* the libraries' own state comes from the allocator too */

static int
t_alloc_counts_state(void)
{
    int            c, ok;
    char          *out, *text;
    size_t         out_len;
    ar_alloc_t     alloc;
    ar_counter_t   n;

    text = ar_text(64 * 1024);
    if (text == NULL) {
        return 0;
    }

    alloc.alloc = ar_counter_alloc;
    alloc.free = ar_counter_free;
    alloc.data = &n;

    ok = 1;

    for (c = AR_CODING_GZIP; ok && c < AR_CODING_N; c++) {

        if (!ar_compress_available(c)) {
            continue;
        }

        memset(&n, 0, sizeof(ar_counter_t));

        ok = ar_int_is(ar_coding_name(c),
                       ar_compress(c, ar_compress_level_max(c), text,
                                   64 * 1024, &alloc, &out, &out_len), AR_OK)
             /* the output buffers, and the library's state */
             && ar_int_is("more than two allocations", n.calls > 2, 1)
             && ar_int_is("peak above the worst-case output",
                          n.peak > 64 * 1024 + out_len, 1);

        ar_compress_free(&alloc, out);
        ok = ok && ar_int_is("live at the end", (long) n.live, 0);
    }

    free(text);

    return ok;
}


static int
t_coding_names(void)
{
    return ar_int_is("gzip", ar_coding(AR_S("gzip")), AR_CODING_GZIP)
           && ar_int_is("GZip", ar_coding(AR_S("GZip")), AR_CODING_GZIP)
           && ar_int_is("x-gzip", ar_coding(AR_S("x-gzip")), AR_CODING_GZIP)
           && ar_int_is("X-Gzip", ar_coding(AR_S("X-Gzip")), AR_CODING_GZIP)
           && ar_int_is("br", ar_coding(AR_S("br")), AR_CODING_BR)
           && ar_int_is("BR", ar_coding(AR_S("BR")), AR_CODING_BR)
           && ar_int_is("zstd", ar_coding(AR_S("zstd")), AR_CODING_ZSTD)
           && ar_int_is("identity", ar_coding(AR_S("Identity")),
                        AR_CODING_IDENTITY)
           && ar_int_is("deflate", ar_coding(AR_S("deflate")),
                        AR_CODING_NONE)
           && ar_int_is("gzi", ar_coding(AR_S("gzi")), AR_CODING_NONE)
           && ar_int_is("gzipx", ar_coding(AR_S("gzipx")), AR_CODING_NONE)
           && ar_int_is("x-br", ar_coding(AR_S("x-br")), AR_CODING_NONE)
           && ar_int_is("empty", ar_coding(AR_S("")), AR_CODING_NONE)
           && ar_str_has(ar_coding_name(AR_CODING_BR), "br")
           && ar_int_is("name of -1", ar_coding_name(-1) == NULL, 1);
}


static const ar_test_t  ar_tests[] = {
    { "compress: gzip round-trips at every level, empty input included",
      t_gzip },
#if (AR_HAVE_BROTLI)
    { "compress: br round-trips at every level, empty input included",
      t_br },
#endif
#if (AR_HAVE_ZSTD)
    { "compress: zstd round-trips at every level, empty input included",
      t_zstd },
#endif
    { "compress: 8 KB of HTML compresses to under a quarter", t_smaller },
    { "compress: identity, unknown codings, codings not built and levels "
      "out of range fail", t_refused },
    { "compress: level ranges are gzip 1-9, br 0-11, zstd 1-19", t_levels },
    { "compress: each failed allocation fails it with nothing leaked",
      t_alloc_failures },
    { "compress: the libraries' state is allocated through the allocator",
      t_alloc_counts_state },
    { "codings: names without regard to case, x-gzip is gzip",
      t_coding_names }
};


/* sizes: identity 1000, gzip 300, br 250, zstd 280 unless given */

static const ar_encoding_case_t  ar_encoding_cases[] = {
    { "encoding: no header is identity", NULL,
      { 1000, 300, 250, 280 }, AR_CODING_IDENTITY },
    { "encoding: an empty header is identity", "",
      { 1000, 300, 250, 280 }, AR_CODING_IDENTITY },
    { "encoding: blanks only is identity", "  \t ",
      { 1000, 300, 250, 280 }, AR_CODING_IDENTITY },
    { "encoding: gzip", "gzip",
      { 1000, 300, 250, 280 }, AR_CODING_GZIP },
    { "encoding: the smallest of those accepted, br",
      "gzip, deflate, br, zstd", { 1000, 300, 250, 280 }, AR_CODING_BR },
    { "encoding: the smallest of those accepted, zstd",
      "gzip, deflate, br, zstd", { 1000, 300, 250, 240 }, AR_CODING_ZSTD },
    { "encoding: a browser over HTTP gets gzip", "gzip, deflate",
      { 1000, 300, 250, 280 }, AR_CODING_GZIP },
    { "encoding: a coding not stored is not chosen", "gzip, br",
      { 1000, 300, AR_NONE, 200 }, AR_CODING_GZIP },
    { "encoding: gzip;q=0 refuses gzip", "gzip;q=0",
      { 1000, 300, 250, 280 }, AR_CODING_IDENTITY },
    { "encoding: q=0.000 refuses", "gzip;q=0.000, br;q=0.",
      { 1000, 300, 250, 280 }, AR_CODING_IDENTITY },
    { "encoding: Q=0 refuses", "br;Q=0, gzip",
      { 1000, 300, 250, 280 }, AR_CODING_GZIP },
    { "encoding: a higher weight wins over a smaller size",
      "br;q=0.5, gzip", { 1000, 300, 250, 280 }, AR_CODING_GZIP },
    { "encoding: equal weights go to the smallest",
      "br;q=0.5, gzip;q=0.5", { 1000, 300, 250, 280 }, AR_CODING_BR },
    { "encoding: * accepts every coding, the smallest is chosen", "*",
      { 1000, 300, 250, 280 }, AR_CODING_BR },
    { "encoding: * does not override a coding named", "br;q=0, *",
      { 1000, 300, 250, 280 }, AR_CODING_ZSTD },
    { "encoding: *;q=0 with nothing named refuses all", "*;q=0",
      { 1000, 300, 250, 280 }, AR_CODING_NONE },
    { "encoding: *;q=0 keeps a coding named", "*;q=0, gzip",
      { 1000, 300, 250, 280 }, AR_CODING_GZIP },
    { "encoding: *;q=0 with identity named is identity",
      "*;q=0, identity", { 1000, 300, 250, 280 }, AR_CODING_IDENTITY },
    { "encoding: identity;q=0 alone is none acceptable", "identity;q=0",
      { 1000, 300, 250, 280 }, AR_CODING_NONE },
    { "encoding: identity;q=0 with gzip is gzip", "identity;q=0, gzip",
      { 1000, 300, 250, 280 }, AR_CODING_GZIP },
    { "encoding: identity;q=0 and a coding not stored is none",
      "identity;q=0, zstd", { 1000, 300, 250, AR_NONE }, AR_CODING_NONE },
    { "encoding: identity preferred by weight is identity",
      "gzip;q=0.5, identity", { 1000, 300, 250, 280 },
      AR_CODING_IDENTITY },
    { "encoding: identity not named ranks below a coding's low weight",
      "gzip;q=0.001", { 1000, 300, 250, 280 }, AR_CODING_GZIP },
    { "encoding: unknown codings are identity", "compress, deflate, foo",
      { 1000, 300, 250, 280 }, AR_CODING_IDENTITY },
    { "encoding: an unknown coding beside a known one", "sdch, br",
      { 1000, 300, 250, 280 }, AR_CODING_BR },
    { "encoding: names are case-insensitive", "GZIP, Br",
      { 1000, 300, 250, 280 }, AR_CODING_BR },
    { "encoding: x-gzip is gzip", "x-gzip",
      { 1000, 300, 250, 280 }, AR_CODING_GZIP },
    { "encoding: X-GZIP;q=0 refuses gzip", "X-GZIP;q=0, identity;q=0.5",
      { 1000, 300, 250, 280 }, AR_CODING_IDENTITY },
    { "encoding: blanks and tabs around names, semicolons and commas",
      " \tgzip ;\tq=0.5 ,  br ; q=1 \t, , zstd;q=0", { 1000, 300, 250, 240 },
      AR_CODING_BR },
    { "encoding: the first of two elements naming a coding counts",
      "gzip;q=0, gzip", { 1000, 300, 250, 280 }, AR_CODING_IDENTITY },
    { "encoding: an invalid weight drops its element",
      "br;q=2, zstd;q=x, gzip;q=0.5000", { 1000, 300, 250, 280 },
      AR_CODING_IDENTITY },
    { "encoding: a weight of 1.000 is valid", "br;q=1.000",
      { 1000, 300, 250, 280 }, AR_CODING_BR },
    { "encoding: other parameters are skipped", "br;level=5;q=0.9",
      { 1000, 300, 250, 280 }, AR_CODING_BR },
    { "encoding: a coding no smaller than identity is not chosen",
      "gzip", { 20, 40, 30, 30 }, AR_CODING_IDENTITY },
    { "encoding: a larger coding is chosen if identity is refused",
      "gzip, identity;q=0", { 20, 40, 30, 30 }, AR_CODING_GZIP },
    { "encoding: equal sizes go to identity", "gzip",
      { 300, 300, 250, 280 }, AR_CODING_IDENTITY },
    { "encoding: garbage is identity", "\"gzip\", ;;, =, gzip;=1, /",
      { 1000, 300, 250, 280 }, AR_CODING_IDENTITY }
};


static int
ar_run_encoding_case(const ar_encoding_case_t *c)
{
    return ar_int_is("coding",
                     ar_accept_encoding(c->ae, c->ae ? strlen(c->ae) : 0,
                                        c->sizes),
                     c->expected);
}


int
main(void)
{
    size_t  i, ntests, ncases;

    ntests = sizeof(ar_tests) / sizeof(ar_tests[0]);
    ncases = sizeof(ar_encoding_cases) / sizeof(ar_encoding_cases[0]);

    ar_tap_plan(ntests + ncases);

    ar_tap_run(ar_tests, ntests);

    for (i = 0; i < ncases; i++) {
        ar_tap_result(ar_encoding_cases[i].name,
                      ar_run_encoding_case(&ar_encoding_cases[i]));
    }

    return ar_tap_done();
}
