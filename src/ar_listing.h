/*
 * Article listings: a directory's index (the list of its articles and
 * subdirectories), its Atom 1.0 feed and its sitemap, built from the
 * files and their front matter.  No nginx dependency.
 *
 * What is read of each article (title, dates, description, draft) is
 * kept in a store of the process, by path and file identity, so that a
 * listing built again reads only the articles that changed.
 */

#ifndef _AR_LISTING_H_INCLUDED_
#define _AR_LISTING_H_INCLUDED_


#include <stdint.h>

#include "ar_buf.h"
#include "ar_render.h"


#define AR_LISTING_INDEX     0   /* the HTML list of a directory */
#define AR_LISTING_FEED      1   /* an Atom 1.0 document */
#define AR_LISTING_SITEMAP   2   /* a sitemaps.org urlset document */

/* the most articles a listing names; the index says how many more */
#define AR_LISTING_INDEX_MAX  1000
#define AR_LISTING_FEED_MAX   50

/* the most articles the store of a process keeps the metadata of */
#define AR_LISTING_STORE_MAX  65536

/* the most URLs a sitemap may hold (sitemaps.org) */
#define AR_LISTING_SITEMAP_MAX  50000

/* how deep a sitemap goes below its directory */
#define AR_LISTING_DEPTH_MAX  32



/* in ar_listing_conf_t's "block": formulas are read, as code */
#define AR_LISTING_MATH  0x0100

typedef struct {
    const char       *data;
    size_t            len;
} ar_str_t;


typedef struct {
    unsigned          kind;        /* AR_LISTING_* */

    /* the directory's path in the file system, no trailing slash */
    const char       *dir;
    size_t            dir_len;

    /*
     * The directory's absolute URL, percent-escaped, with its trailing
     * slash ("https://example.com/blog/"): feed and sitemap links.  The
     * index links relatively where it is empty, else below it ("/blog/",
     * where the page is not sent at its directory's URI).
     */
    ar_str_t          base;
    ar_str_t          self;        /* the feed's own absolute URL */
    ar_str_t          author;      /* the feed's author: the host name */

    /*
     * The directory's name as requests have it (the last segment of its
     * URI, unescaped), the title where it has no index article; empty:
     * its name in the file system.
     */
    ar_str_t          name;

    /*
     * How articles are read, as the scope renders them: 0 for
     * CommonMark, 1 + ar_block_transform()'s flags for
     * "article_render_newline block"; with AR_LISTING_MATH added where
     * formulas are read ("article_render_math") and AR_LISTING_EMOJI
     * where shortcodes become emoji.
     */
    unsigned          block;

    /* symbolic links are left out, as "disable_symlinks" asks */
    unsigned          nofollow;

    /*
     * A scan of the directory begun at most this long ago (ms), while
     * the directory is as it was, is taken again; 0: it is scanned.
     */
    unsigned          reuse;

    /* the article suffixes (".md"), matched without case */
    const ar_str_t   *suffixes;
    size_t            nsuffixes;
} ar_listing_conf_t;


#define AR_LISTING_EMOJI  0x8000


typedef struct {
    ar_buf_t          body;        /* the list's HTML, or the document */
    ar_buf_t          title;       /* the directory's: its index
                                      article's title, else its name;
                                      HTML-escaped */
    int64_t           newest;      /* the newest article's "updated" or
                                      date, or mtime; seconds; 0: none */
    size_t            listed;      /* articles named in the body */
    size_t            more;        /* past the limit, not named */
} ar_listing_t;


/*
 * Builds a listing under the render budgets (AR_ETIME, AR_EMEMORY), or
 * AR_ERROR with errno when the directory cannot be read.
 */
int ar_listing_build(const ar_listing_conf_t *conf,
    const ar_limits_t *limits, ar_listing_t *out);
void ar_listing_free(ar_listing_t *listing);

/*
 * Replaces a paragraph that is "{{articles}}" alone in a rendered
 * article's HTML with a listing's body: *found says whether it was there.
 */
int ar_listing_splice(ar_buf_t *html, const ar_buf_t *list, int *found);

/* whether an article's source has the "{{articles}}" placeholder */
int ar_listing_wanted(const char *src, size_t len);

/*
 * The store: the articles read, not taken from it, since the process
 * began; the directories scanned, not taken from the store of scans; the
 * entries it holds; emptying both (and, for tests, a smaller bound when
 * max is not 0).
 */
size_t ar_listing_store_reads(void);
size_t ar_listing_store_scans(void);
size_t ar_listing_store_size(void);
void ar_listing_store_reset(size_t max);


#endif /* _AR_LISTING_H_INCLUDED_ */
