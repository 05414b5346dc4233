/*
 * ngx_http_article_render_module: the render cache.  Three things are
 * kept apart, as nginx keeps them for its file cache: the zone
 * (ngx_http_article_render_cache_t), its shared nodes (private to
 * ngx_http_article_render_cache.c) and what one request holds of it
 * (ngx_http_article_render_page_t).
 */

#ifndef _NGX_HTTP_ARTICLE_RENDER_CACHE_H_INCLUDED_
#define _NGX_HTTP_ARTICLE_RENDER_CACHE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ar_render.h"
#include "ar_compress.h"


/* how long a listing is taken as made, before it is made again */
#define NGX_HTTP_AR_LISTING_FRESH    1000

/* the largest page a zone keeps unless max_entry says otherwise */
#define NGX_HTTP_AR_CACHE_MAX_ENTRY  (1024 * 1024)

/* pages of this size or more go to files when the zone has a path */
#define NGX_HTTP_AR_FILE_MIN         32768

/* a render's file_seq when it may write no page file */
#define NGX_HTTP_AR_FILE_NONE        ((ngx_uint_t) -1)

/* "W/" and the quotes of ngx_http_article_render_etag() included */
#define NGX_HTTP_AR_ETAG_LEN  (NGX_TIME_T_LEN + NGX_OFF_T_LEN + 32)

/* how long a render that passed its time budget is not tried again */
#define NGX_HTTP_AR_TIME_FAIL_MEMO   10000


/* the validators of one version of a file */
typedef struct {
    dev_t                              dev;
    ino_t                              ino;
    off_t                              size;
    time_t                             mtime;
    long                               mtime_nsec;
    uint64_t                           listing;  /* of an index
                                             article: its directory's
                                             version; 0 for others */
} ngx_http_article_render_version_t;


/* what names a page: the article's path under one configuration */
typedef struct {
    ngx_str_t                          path;
    uint32_t                           conf_id;
    uint32_t                           hash;
} ngx_http_article_render_key_t;


typedef struct ngx_http_article_render_node_s  ngx_http_article_render_node_t;


/* the two kinds of page file faults, each with its own episode */
#define NGX_HTTP_AR_FAULT_WRITE      0
#define NGX_HTTP_AR_FAULT_DELETE     1


typedef struct {
    ngx_rbtree_t                       rbtree;
    ngx_rbtree_node_t                  sentinel;
    ngx_queue_t                        lru;       /* most recent first */
    ngx_queue_t                        files_lru; /* of pages in files */
    ngx_queue_t                        limbo;     /* nodes off the tree
                                                     that someone holds */
    ngx_uint_t                         layout;
    off_t                              files_size; /* of pages in files */
    ngx_atomic_t                       file_seq;  /* names page files */
    ngx_atomic_t                       fault[2];  /* when the fault
                                             episode's last line was
                                             logged, 0: no episode */
    ngx_atomic_t                       faults[2]; /* not logged since */
    struct ngx_http_article_render_orphans_s  *orphans; /* of zones a
                                             reload left over the path */
} ngx_http_article_render_cache_sh_t;


/* shm_zone->data */
typedef struct {
    ngx_http_article_render_cache_sh_t  *sh;
    ngx_slab_pool_t                     *shpool;
    size_t                               max_entry;
    ngx_path_t                          *path;    /* for pages in files */
    off_t                                files_max;
} ngx_http_article_render_cache_t;


/* what a request holds of a node */
#define NGX_HTTP_AR_HOLD_NONE    0
#define NGX_HTTP_AR_HOLD_PIN     1   /* a hit being sent: not to be freed */
#define NGX_HTTP_AR_HOLD_MARK    2   /* this request renders the page */


/* a page of the cache as one request sees it */
typedef struct {
    ngx_http_article_render_key_t       key;
    ngx_http_article_render_cache_t    *cache;
    ngx_http_article_render_node_t     *node;
    ngx_uint_t                          hold;     /* NGX_HTTP_AR_HOLD_* */
    ngx_http_article_render_version_t   marked;   /* the mark's version */

    /* the page: found by a lookup, or rendered and to be stored */
    ngx_http_article_render_version_t   version;  /* of the article */
    time_t                              last_modified;  /* -1: none */
    uint32_t                            digest;   /* of a derived page */
    ngx_msec_t                          made;     /* a derived page: when
                                             its render began */
    ngx_str_t                           body;     /* NULL data: in a file */
    off_t                               body_len;
    size_t                              reps[AR_CODING_N]; /* the page in
                                             each coding, one after another
                                             in the body; AR_SIZE_NONE */
    ngx_str_t                           file;     /* its file's name */
    ngx_http_article_render_version_t   file_version;

    ngx_uint_t                          file_seq; /* a lookup's, to name a
                                                     file for the page */
    ngx_queue_t                         waiting;  /* in this worker's list */
    ngx_event_t                        *wake;
    ngx_msec_t                          retry;    /* of a time failure:
                                                     when it is tried */
    unsigned                            derived:1; /* a listing, or an
                                             article that embeds one: the
                                             ETag is of the page itself */
    unsigned                            expired:1;
    unsigned                            remake:1; /* a derived page made
                                             again while the old is sent */
    unsigned                            local:1;  /* rendered here */
    unsigned                            failed_time:1;
    unsigned                            stale:1;  /* a remake failed: the
                                             page it was to replace is
                                             sent */
} ngx_http_article_render_page_t;


char *ngx_http_article_render_cache_zone(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_shm_zone_t *ngx_http_article_render_add_zone(ngx_conf_t *cf,
    ngx_str_t *name, size_t size, size_t max_entry);

void ngx_http_article_render_cache_key(ngx_http_article_render_key_t *key,
    ngx_str_t *path, uint32_t conf_id);
ngx_int_t ngx_http_article_render_cache_lookup(
    ngx_http_article_render_page_t *p, ar_limits_t *limits);
ngx_int_t ngx_http_article_render_cache_store(
    ngx_http_article_render_page_t *p);
ngx_int_t ngx_http_article_render_cache_fail(
    ngx_http_article_render_page_t *p, ar_limits_t *limits,
    ngx_uint_t time);
void ngx_http_article_render_cache_release(
    ngx_http_article_render_page_t *p);
void ngx_http_article_render_cache_forget(
    ngx_http_article_render_page_t *p);
void ngx_http_article_render_cache_wait(ngx_http_article_render_page_t *p,
    ngx_event_t *wake);
void ngx_http_article_render_cache_unwait(
    ngx_http_article_render_page_t *p);
void ngx_http_article_render_cache_init_process(ngx_cycle_t *cycle);
void ngx_http_article_render_cache_exit(ngx_cycle_t *cycle);
void ngx_http_article_render_cache_fault(
    ngx_http_article_render_cache_t *cache, ngx_uint_t kind, ngx_log_t *log,
    ngx_err_t err, const char *failed, u_char *file, ngx_str_t *article);
void ngx_http_article_render_cache_fault_end(
    ngx_http_article_render_cache_t *cache, ngx_uint_t kind);

u_char *ngx_http_article_render_etag(u_char *buf,
    ngx_http_article_render_version_t *v, uint32_t conf_id,
    ngx_int_t coding);
u_char *ngx_http_article_render_page_etag(u_char *buf,
    ngx_http_article_render_page_t *p, uint32_t conf_id, ngx_int_t coding);


#endif /* _NGX_HTTP_ARTICLE_RENDER_CACHE_H_INCLUDED_ */
