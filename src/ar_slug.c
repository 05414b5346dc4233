/*
 * Heading slugs, by GitHub's rule: the text lower-cased; every character
 * but letters, digits, combining marks, "_", "-" and spaces dropped;
 * each space turned into "-".  A slug already taken gets "-1", "-2", ...
 * (the first of these not taken either), as github-slugger does; a slug
 * with nothing left is AR_SLUG_EMPTY.
 *
 * Letters, digits and lower case beyond ASCII come from the C library's
 * C.UTF-8 locale; without one, every character beyond ASCII is kept as
 * it is.
 */

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "ar_arena.h"
#include "ar_slug.h"


static int ar_slug_append_char(ar_buf_t *b, uint32_t cp);
static int ar_slug_mark(uint32_t cp);
static uint32_t ar_slug_hash(const char *p, size_t len);
static ar_slug_entry_t *ar_slugs_find(ar_slugs_t *slugs, const char *p,
    size_t len, uint32_t hash);
static int ar_slugs_add(ar_slugs_t *slugs, const char *p, size_t len,
    uint32_t hash);


static locale_t  ar_slug_locale;


/* once per process, before threads render */

void
ar_slug_init(void)
{
    if (ar_slug_locale == (locale_t) 0) {
        ar_slug_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t) 0);
    }
}


/*
 * The locale lives as long as the code that uses it: nginx unloads the
 * module at exit (or after a configuration that failed), and this runs
 * then, when no render can be running.
 */

__attribute__((destructor)) static void
ar_slug_done(void)
{
    if (ar_slug_locale != (locale_t) 0) {
        freelocale(ar_slug_locale);
        ar_slug_locale = (locale_t) 0;
    }
}


/* appends the slug of the UTF-8 text; invalid bytes are dropped */

int
ar_slug_text(ar_buf_t *slug, const char *text, size_t len)
{
    size_t                i, n;
    uint32_t              cp;
    const unsigned char  *p;

    p = (const unsigned char *) text;

    for (i = 0; i < len; i += n) {

        if (p[i] < 0x80) {
            n = 1;
            cp = p[i];

            if (cp >= 'A' && cp <= 'Z') {
                cp += 'a' - 'A';

            } else if (cp == ' ') {
                cp = '-';

            } else if (!((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')
                         || cp == '-' || cp == '_'))
            {
                continue;
            }

            if (ar_buf_reserve(slug, 1) != AR_OK) {
                return AR_ERROR;
            }

            slug->data[slug->len++] = (char) cp;
            continue;
        }

        n = ar_utf8_decode(p + i, len - i, &cp);

        if (n == 0) {
            n = 1;
            continue;
        }

        if (ar_slug_locale != (locale_t) 0 && !ar_slug_mark(cp)) {

            if (!iswalnum_l((wint_t) cp, ar_slug_locale)) {
                continue;
            }

            cp = (uint32_t) towlower_l((wint_t) cp, ar_slug_locale);
        }

        if (ar_slug_append_char(slug, cp) != AR_OK) {
            return AR_ERROR;
        }
    }

    return AR_OK;
}


static int
ar_slug_append_char(ar_buf_t *b, uint32_t cp)
{
    char    s[4];
    size_t  n;

    if (cp < 0x80) {
        s[0] = (char) cp;
        n = 1;

    } else if (cp < 0x800) {
        s[0] = (char) (0xc0 | (cp >> 6));
        s[1] = (char) (0x80 | (cp & 0x3f));
        n = 2;

    } else if (cp < 0x10000) {
        s[0] = (char) (0xe0 | (cp >> 12));
        s[1] = (char) (0x80 | ((cp >> 6) & 0x3f));
        s[2] = (char) (0x80 | (cp & 0x3f));
        n = 3;

    } else {
        s[0] = (char) (0xf0 | (cp >> 18));
        s[1] = (char) (0x80 | ((cp >> 12) & 0x3f));
        s[2] = (char) (0x80 | ((cp >> 6) & 0x3f));
        s[3] = (char) (0x80 | (cp & 0x3f));
        n = 4;
    }

    return ar_buf_append(b, s, n);
}


/* combining marks and connector punctuation, which GitHub keeps */

static int
ar_slug_mark(uint32_t cp)
{
    return (cp >= 0x0300 && cp <= 0x036f)
           || (cp >= 0x1ab0 && cp <= 0x1aff)
           || (cp >= 0x1dc0 && cp <= 0x1dff)
           || (cp >= 0x20d0 && cp <= 0x20ff)
           || (cp >= 0xfe20 && cp <= 0xfe2f)
           || cp == 0x203f || cp == 0x2040 || cp == 0x2054
           || cp == 0xfe33 || cp == 0xfe34
           || (cp >= 0xfe4d && cp <= 0xfe4f)
           || cp == 0xff3f;
}


/* FNV-1a */

static uint32_t
ar_slug_hash(const char *p, size_t len)
{
    size_t    i;
    uint32_t  h;

    h = 2166136261u;

    for (i = 0; i < len; i++) {
        h ^= (unsigned char) p[i];
        h *= 16777619u;
    }

    return h;
}


static ar_slug_entry_t *
ar_slugs_find(ar_slugs_t *slugs, const char *p, size_t len, uint32_t hash)
{
    size_t            i;
    ar_slug_entry_t  *e;

    if (slugs->size == 0) {
        return NULL;
    }

    for (i = hash & (slugs->size - 1); /* void */ ;
         i = (i + 1) & (slugs->size - 1))
    {
        e = &slugs->slots[i];

        if (!e->used) {
            return NULL;
        }

        if (e->hash == hash && e->len == len
            && memcmp(slugs->names.data + e->name, p, len) == 0)
        {
            return e;
        }
    }
}


/* takes a name not taken yet, whose hash is given */

static int
ar_slugs_add(ar_slugs_t *slugs, const char *p, size_t len, uint32_t hash)
{
    size_t            i, j, size;
    ar_slug_entry_t  *slots, *e;

    if (2 * (slugs->n + 1) > slugs->size) {
        size = slugs->size ? 2 * slugs->size : 64;

        slots = ar_mem_calloc(size, sizeof(ar_slug_entry_t));
        if (slots == NULL) {
            return AR_ERROR;
        }

        for (i = 0; i < slugs->size; i++) {
            if (!slugs->slots[i].used) {
                continue;
            }

            for (j = slugs->slots[i].hash & (size - 1);
                 slots[j].used;
                 j = (j + 1) & (size - 1))
            {
                /* void */
            }

            slots[j] = slugs->slots[i];
        }

        ar_mem_free(slugs->slots);
        slugs->slots = slots;
        slugs->size = size;
    }

    for (i = hash & (slugs->size - 1);
         slugs->slots[i].used;
         i = (i + 1) & (slugs->size - 1))
    {
        /* void */
    }

    e = &slugs->slots[i];

    e->name = slugs->names.len;
    e->len = len;
    e->hash = hash;
    e->count = 0;
    e->used = 1;

    if (ar_buf_append(&slugs->names, p, len) != AR_OK) {
        e->used = 0;
        return AR_ERROR;
    }

    slugs->n++;

    return AR_OK;
}


/* an id that no heading may take, such as a footnote's */

int
ar_slugs_reserve(ar_slugs_t *slugs, const char *id, size_t len)
{
    uint32_t  hash;

    hash = ar_slug_hash(id, len);

    if (ar_slugs_find(slugs, id, len, hash) != NULL) {
        return AR_OK;
    }

    return ar_slugs_add(slugs, id, len, hash);
}


/* whether the id is taken */

int
ar_slugs_has(ar_slugs_t *slugs, const char *id, size_t len)
{
    return ar_slugs_find(slugs, id, len, ar_slug_hash(id, len)) != NULL;
}


/* makes the slug in the buffer one not taken yet, and takes it */

int
ar_slugs_unique(ar_slugs_t *slugs, ar_buf_t *slug)
{
    int               n;
    char              suffix[32];
    size_t            base;
    uint32_t          hash;
    unsigned          count;
    ar_slug_entry_t  *e;

    if (slug->len == 0
        && ar_buf_append(slug, AR_SLUG_EMPTY, sizeof(AR_SLUG_EMPTY) - 1)
           != AR_OK)
    {
        return AR_ERROR;
    }

    base = slug->len;
    hash = ar_slug_hash(slug->data, base);

    e = ar_slugs_find(slugs, slug->data, base, hash);

    if (e == NULL) {
        return ar_slugs_add(slugs, slug->data, base, hash);
    }

    count = e->count;

    do {
        count++;
        n = snprintf(suffix, sizeof(suffix), "-%u", count);

        slug->len = base;

        if (ar_buf_append(slug, suffix, n) != AR_OK) {
            return AR_ERROR;
        }

        hash = ar_slug_hash(slug->data, slug->len);

    } while (ar_slugs_find(slugs, slug->data, slug->len, hash) != NULL);

    /* nothing was added since, so e still points at the base */
    e->count = count;

    return ar_slugs_add(slugs, slug->data, slug->len, hash);
}


void
ar_slugs_free(ar_slugs_t *slugs)
{
    ar_mem_free(slugs->slots);
    ar_buf_free(&slugs->names);

    slugs->slots = NULL;
    slugs->size = 0;
    slugs->n = 0;
}
