/*
 * Growable byte buffer and HTML escaping for the article core.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

    p = realloc(b->data, cap);
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


void
ar_buf_free(ar_buf_t *b)
{
    free(b->data);

    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}
