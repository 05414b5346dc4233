/*
 * The listings' stores (ar_listing_store.c): what a listing reads of each
 * article, kept by path and file identity; and what a scan found in a
 * directory, kept by directory, scan and identity for a short while.
 */

#ifndef _AR_LISTING_STORE_H_INCLUDED_
#define _AR_LISTING_STORE_H_INCLUDED_


#include <stdint.h>
#include <sys/stat.h>

#include "ar_buf.h"
#include "ar_listing.h"


/* not an article: not a regular file, or not readable */
#define AR_LISTING_SKIP  1


typedef struct {
    uint64_t          dev;
    uint64_t          ino;
    int64_t           size;
    int64_t           mtime;
    long              mtime_ns;
} ar_listing_id_t;


/* the text fields are offsets into the article's strings, len long */

typedef struct {
    int64_t           date;        /* front matter "date", else mtime */
    int64_t           updated;     /* front matter "updated" */
    int64_t           mtime;
    size_t            title;       /* front matter or first heading;
                                      empty: the file name gives it */
    size_t            title_len;
    size_t            desc;        /* front matter or first paragraph */
    size_t            desc_len;
    size_t            author;
    size_t            author_len;
    size_t            len;
    unsigned          date_time:1;     /* the date has a time of day */
    unsigned          updated_time:1;
    unsigned          dated:1;         /* the date is the front matter's */
    unsigned          has_updated:1;
    unsigned          draft:1;
} ar_listing_meta_t;


/*
 * A directory's scan as ar_listing.c keeps it: its entries and their
 * strings as three blocks of bytes, the index article's title, and when
 * the scan began (CLOCK_MONOTONIC, ms).
 */
typedef struct {
    ar_listing_id_t   id;          /* the directory's, as scanned */
    int64_t           taken;
    void             *items;
    size_t            items_len;
    void             *dirs;
    size_t            dirs_len;
    char             *strings;
    size_t            strings_len;
    size_t            title;
    size_t            title_len;
} ar_listing_scan_t;


int ar_listing_scan_find(const char *key, size_t key_len,
    const ar_listing_id_t *id, int64_t since, ar_listing_scan_t *scan);
void ar_listing_scan_keep(const char *key, size_t key_len,
    const ar_listing_scan_t *scan);
void ar_listing_scan_free(ar_listing_scan_t *scan);
int64_t ar_listing_scan_now(void);

int ar_listing_stat_id(const struct stat *st, ar_listing_id_t *id);
int ar_listing_meta(const char *path, size_t path_len,
    const ar_listing_id_t *id, unsigned block, unsigned nofollow,
    ar_listing_meta_t *meta, ar_buf_t *strings, size_t *base);
/* what an article's text says of it: the fuzzer's way in, too */
int ar_listing_parse(const char *src, size_t len, unsigned block,
    ar_listing_meta_t *meta, ar_buf_t *strings);
int ar_listing_date(const char *p, size_t n, int64_t *t,
    unsigned *has_time);


#endif /* _AR_LISTING_STORE_H_INCLUDED_ */
