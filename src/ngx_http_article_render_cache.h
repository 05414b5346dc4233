/*
 * ngx_http_article_render_module: the render cache, a shared memory zone
 * of rendered pages, indexed by file path and rendering configuration,
 * validated against the file on every request.
 */

#ifndef _NGX_HTTP_ARTICLE_RENDER_CACHE_H_INCLUDED_
#define _NGX_HTTP_ARTICLE_RENDER_CACHE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ar_render.h"


/* $article_render_cache */
#define NGX_HTTP_AR_CACHE_NONE     0
#define NGX_HTTP_AR_CACHE_MISS     1
#define NGX_HTTP_AR_CACHE_BYPASS   2
#define NGX_HTTP_AR_CACHE_EXPIRED  3
#define NGX_HTTP_AR_CACHE_HIT      4

/* lookups that are not a status of their own */
#define NGX_HTTP_AR_CACHE_UPDATING 5   /* another request is rendering it */
#define NGX_HTTP_AR_CACHE_FAILED   6   /* this version passed its budgets */


/* the validators of one version of an article file */
typedef struct {
    dev_t                              dev;
    ino_t                              ino;
    off_t                              size;
    time_t                             mtime;
    long                               mtime_nsec;
} ngx_http_article_render_version_t;


/* the largest page a zone keeps unless max_entry says otherwise */
#define NGX_HTTP_AR_CACHE_MAX_ENTRY  (1024 * 1024)

/* pages of this size or more go to files when the zone has a path */
#define NGX_HTTP_AR_FILE_MIN       32768


typedef struct {
    ngx_rbtree_t                       rbtree;
    ngx_rbtree_node_t                  sentinel;
    ngx_queue_t                        lru;       /* most recent first */
    ngx_uint_t                         layout;
    off_t                              files_size; /* of pages in files */
} ngx_http_article_render_cache_sh_t;


/* shm_zone->data */
typedef struct {
    ngx_http_article_render_cache_sh_t  *sh;
    ngx_slab_pool_t                     *shpool;
    size_t                               max_entry;
    ngx_path_t                          *path;    /* for pages in files */
    off_t                                files_max;
} ngx_http_article_render_cache_t;


typedef struct ngx_http_article_render_entry_s
    ngx_http_article_render_entry_t;


/* a hit being sent: the entry may not be freed until it is unpinned */
typedef struct {
    ngx_http_article_render_cache_t   *cache;
    ngx_http_article_render_entry_t   *entry;
} ngx_http_article_render_pin_t;


/* what a lookup or a store is about */
typedef struct {
    ngx_str_t                          path;
    uint32_t                           conf_id;
    uint32_t                           hash;
    ngx_http_article_render_version_t  version;
    time_t                             last_modified;
    ngx_str_t                          page;      /* NULL data: in a file */
    ngx_str_t                          file;      /* the page's file name */
    ngx_http_article_render_version_t  file_version; /* and that file's */
} ngx_http_article_render_cache_key_t;


char *ngx_http_article_render_cache_zone(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_shm_zone_t *ngx_http_article_render_add_zone(ngx_conf_t *cf,
    ngx_str_t *name, size_t size, size_t max_entry);
ngx_uint_t ngx_http_article_render_cache_lookup(ngx_shm_zone_t *shm_zone,
    ngx_http_article_render_cache_key_t *key, ar_limits_t *limits,
    ngx_http_article_render_pin_t *pin, ngx_uint_t *marked);
void ngx_http_article_render_cache_unpin(ngx_http_article_render_pin_t *pin);
ngx_int_t ngx_http_article_render_cache_store(ngx_shm_zone_t *shm_zone,
    ngx_http_article_render_cache_key_t *key);
void ngx_http_article_render_cache_fail(ngx_shm_zone_t *shm_zone,
    ngx_http_article_render_cache_key_t *key, ar_limits_t *limits);
void ngx_http_article_render_cache_unmark(ngx_shm_zone_t *shm_zone,
    ngx_http_article_render_cache_key_t *key);
void ngx_http_article_render_cache_forget(ngx_http_article_render_pin_t *pin);

ngx_int_t ngx_http_article_render_file_write(ngx_http_request_t *r,
    ngx_path_t *path, ngx_http_article_render_cache_key_t *key);
ngx_int_t ngx_http_article_render_file_open(ngx_http_request_t *r,
    ngx_http_article_render_cache_key_t *key, ngx_file_t *file);
void ngx_http_article_render_file_delete(u_char *name, ngx_log_t *log);
void ngx_http_article_render_file_clean(ngx_path_t *path, ngx_log_t *log);

/* ngx_http_article_render_handler.c */
void ngx_http_article_render_version(ngx_file_info_t *fi,
    ngx_http_article_render_version_t *v);


#endif /* _NGX_HTTP_ARTICLE_RENDER_CACHE_H_INCLUDED_ */
