/*
 * Growable byte buffer and HTML escaping for the article core.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ar_arena.h"
#include "ar_buf.h"


/* makes room for n more bytes */

int
ar_buf_reserve(ar_buf_t *b, size_t n)
{
    char    *p;
    size_t   cap;

    if (n <= b->cap - b->len) {
        return AR_OK;
    }

    if (n > SIZE_MAX / 2 - b->len) {
        return AR_ERROR;
    }

    cap = b->cap ? b->cap : 256;

    while (cap - b->len < n) {
        cap *= 2;
    }

    p = ar_mem_realloc(b->data, cap);
    if (p == NULL) {
        return AR_ERROR;
    }

    b->data = p;
    b->cap = cap;

    return AR_OK;
}


int
ar_buf_append(ar_buf_t *b, const char *p, size_t n)
{
    if (n == 0) {
        return AR_OK;
    }

    if (ar_buf_reserve(b, n) != AR_OK) {
        return AR_ERROR;
    }

    memcpy(b->data + b->len, p, n);
    b->len += n;

    return AR_OK;
}


/* appends text escaped for HTML element content and attribute values */

int
ar_buf_append_escaped(ar_buf_t *b, const char *p, size_t n)
{
    return ar_buf_append_entities(b, p, n, 1);
}


/* the same, leaving apostrophes as they are, as cmark-gfm does */

int
ar_buf_append_entities(ar_buf_t *b, const char *p, size_t n, int apos)
{
    size_t       i, start;
    const char  *entity;

    start = 0;

    for (i = 0; i < n; i++) {

        switch (p[i]) {
        case '&':
            entity = "&amp;";
            break;
        case '<':
            entity = "&lt;";
            break;
        case '>':
            entity = "&gt;";
            break;
        case '"':
            entity = "&quot;";
            break;
        case '\'':
            if (!apos) {
                continue;
            }

            entity = "&#39;";
            break;
        default:
            continue;
        }

        if (ar_buf_append(b, p + start, i - start) != AR_OK
            || ar_buf_append(b, entity, strlen(entity)) != AR_OK)
        {
            return AR_ERROR;
        }

        start = i + 1;
    }

    return ar_buf_append(b, p + start, n - start);
}


/*
 * Decodes the UTF-8 sequence at p: returns its length and sets *cp, or
 * returns 0 for an invalid one (overlong forms, surrogates, anything past
 * U+10FFFF, a sequence cut short).
 */

size_t
ar_utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
    size_t    len, i;
    uint32_t  c, min;

    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }

    if (p[0] >= 0xc2 && p[0] <= 0xdf) {
        len = 2;
        c = p[0] & 0x1f;
        min = 0x80;

    } else if (p[0] >= 0xe0 && p[0] <= 0xef) {
        len = 3;
        c = p[0] & 0x0f;
        min = 0x800;

    } else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
        len = 4;
        c = p[0] & 0x07;
        min = 0x10000;

    } else {
        return 0;
    }

    if (n < len) {
        return 0;
    }

    for (i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            return 0;
        }

        c = (c << 6) | (p[i] & 0x3f);
    }

    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
        return 0;
    }

    *cp = c;

    return len;
}


/*
 * Appends the text with every byte that does not start a valid UTF-8
 * sequence replaced by U+FFFD.  cmark-gfm validates its input, but some
 * of its own parsers (footnote labels in 0.29.0.gfm.6) can cut a
 * character in two.
 */

int
ar_buf_append_utf8(ar_buf_t *b, const char *p, size_t n)
{
    size_t                i, len, start;
    uint32_t              cp;
    uint64_t              word;
    const unsigned char  *u;

    if (n == 0) {
        return AR_OK;
    }

    /* room for the usual case: text valid throughout */

    if (ar_buf_reserve(b, n) != AR_OK) {
        return AR_ERROR;
    }

    u = (const unsigned char *) p;
    start = 0;

    for (i = 0; i < n; i += len) {

        /* ASCII, most of any page, eight bytes at a time */

        while (n - i >= 8) {
            memcpy(&word, u + i, 8);

            if (word & 0x8080808080808080ULL) {
                break;
            }

            i += 8;
        }

        if (i == n) {
            break;
        }

        if (u[i] < 0x80) {
            len = 1;
            continue;
        }

        len = ar_utf8_decode(u + i, n - i, &cp);

        if (len != 0) {
            continue;
        }

        if (ar_buf_append(b, p + start, i - start) != AR_OK
            || ar_buf_append(b, "\xEF\xBF\xBD", 3) != AR_OK)
        {
            return AR_ERROR;
        }

        len = 1;
        start = i + 1;
    }

    return ar_buf_append(b, p + start, n - start);
}


/*
 * Makes room in an array of n elements of the size for one more: returns
 * the array, moved or not, or NULL when out of memory, the array kept.
 * An array has room for 8 elements at first, doubled whenever n reaches
 * a power of 2, so that its capacity need not be kept.  The memory is
 * the arena's inside a render, the C library's outside one.
 */

void *
ar_array_grow(void *elts, size_t n, size_t size)
{
    if (n < 8 ? n != 0 : (n & (n - 1)) != 0) {
        return elts;
    }

    if (n > SIZE_MAX / 2 / size) {
        return NULL;
    }

    return ar_mem_realloc(elts, (n ? 2 * n : 8) * size);
}


void
ar_buf_free(ar_buf_t *b)
{
    ar_mem_free(b->data);

    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}
