/*
 * ngx_http_article_render_module: the location configuration and the
 * request context, shared by the directives and the request handler.
 */

#ifndef _NGX_HTTP_ARTICLE_RENDER_MODULE_H_INCLUDED_
#define _NGX_HTTP_ARTICLE_RENDER_MODULE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ar_render.h"
#include "ar_template.h"
#include "ngx_http_article_render_cache.h"
#include "ngx_http_article_render_job.h"
#include "ngx_http_article_render_coding.h"


typedef struct {
    ar_template_t              tpl;
    time_t                     mtime;
    uint32_t                   crc;       /* of the template's text */
} ngx_http_article_render_template_t;


typedef struct {
    ngx_array_t               *names;     /* of ngx_str_t: the server's
                                             names that are not patterns */
} ngx_http_article_render_srv_conf_t;


typedef struct {
    ngx_flag_t                 enable;
    ngx_array_t               *suffixes;  /* of ngx_str_t */
    ngx_uint_t                 gfm;       /* NGX_HTTP_AR_GFM_* bits */
    ngx_uint_t                 html;      /* NGX_HTTP_AR_HTML_* */
    ngx_flag_t                 highlight;
    ngx_flag_t                 math;
    ngx_uint_t                 newline;   /* AR_NEWLINE_* */
    ngx_flag_t                 noheadings;
    ngx_flag_t                 emoji;
    ngx_str_t                  mermaid;   /* the script's URL; "": off */
    size_t                     max_size;
    ngx_msec_t                 live_reload;  /* 0 for off */
    ngx_uint_t                 compress;  /* levels, see compress.h */
    ngx_flag_t                 index;     /* article_render_index */
    ngx_str_t                  feed;      /* the names a directory's feed */
    ngx_str_t                  sitemap;   /* and sitemap answer; "": off */
    ngx_str_t                  base_url;  /* of their URLs; "": the
                                             request's scheme, host, port */

    ngx_http_article_render_template_t  *template;
    ngx_shm_zone_t            *cache;     /* NULL for off */
    ngx_msec_t                 timeout;
    size_t                     max_memory;
#if (NGX_THREADS)
    ngx_thread_pool_t         *thread_pool; /* NULL for off */
#endif
#if (AR_TEST_HOOKS)
    ngx_msec_t                 test_delay;
#endif

    /* derived in merge */
    ar_render_conf_t           render;    /* what the core needs */
    uint32_t                   conf_id;   /* the identity of the above */
} ngx_http_article_render_loc_conf_t;


/* what becomes of raw HTML: "article_render_html" */
#define NGX_HTTP_AR_HTML_SANITIZE   0
#define NGX_HTTP_AR_HTML_ESCAPE     1
#define NGX_HTTP_AR_HTML_UNSAFE     2


/* $article_render_cache */
typedef enum {
    NGX_HTTP_AR_CACHE_NONE = 0,
    NGX_HTTP_AR_CACHE_MISS,
    NGX_HTTP_AR_CACHE_BYPASS,
    NGX_HTTP_AR_CACHE_EXPIRED,
    NGX_HTTP_AR_CACHE_HIT,
    NGX_HTTP_AR_CACHE_STALE,      /* a remake failed: the old page */
    NGX_HTTP_AR_CACHE_NSTATUS
} ngx_http_article_render_cache_status_e;


/* where a request is on its way to a page (docs/design.md) */
typedef enum {
    NGX_HTTP_AR_LOOKUP = 0,   /* to ask the zone */
    NGX_HTTP_AR_WAIT,         /* another request renders the page */
    NGX_HTTP_AR_RENDER,       /* its render job runs in the pool */
    NGX_HTTP_AR_SEND          /* the job is done and settled */
} ngx_http_article_render_state_e;


typedef struct {
    ngx_http_article_render_state_e          state;
    ngx_http_article_render_cache_status_e   cache_status;
    ngx_int_t                                rc;       /* of the settled job */
    ngx_http_article_render_page_t           page;
    ngx_http_article_render_job_t            job;
    ngx_file_t                               page_file; /* a hit's file */
    ngx_event_t                              wait;
    ngx_event_t                              keep;     /* the worker, while
                                                          a job runs */
    ngx_msec_t                               wait_end;
    ngx_msec_t                               backoff;
#if (AR_TEST_HOOKS)
    ngx_uint_t                               lookups;
    ngx_uint_t                               renders;
    ngx_uint_t                               codings;  /* compressed by
                                                          its jobs */
#endif
} ngx_http_article_render_ctx_t;


ngx_int_t ngx_http_article_render_handler(ngx_http_request_t *r);
ngx_http_article_render_ctx_t *ngx_http_article_render_new_ctx(
    ngx_http_request_t *r, ngx_http_article_render_loc_conf_t *arlcf);
ngx_int_t ngx_http_article_render_start(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf);
ngx_int_t ngx_http_article_render_allowed(ngx_http_request_t *r);

/* ngx_http_article_render_listing.c */
ngx_int_t ngx_http_article_render_index_handler(ngx_http_request_t *r);
ngx_int_t ngx_http_article_render_named(ngx_http_request_t *r,
    ngx_http_article_render_loc_conf_t *arlcf, ngx_str_t *path);
ngx_int_t ngx_http_article_render_listing_job(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf);
ngx_int_t ngx_http_article_render_listed(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf, ngx_str_t *path,
    ngx_str_t *name);
char *ngx_http_article_render_listing_name(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
char *ngx_http_article_render_base_url(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);

/* ngx_http_article_render_markdown.c */
ngx_uint_t ngx_http_article_render_wants_markdown(ngx_http_request_t *r);
ngx_int_t ngx_http_article_render_send_markdown(ngx_http_request_t *r,
    ngx_str_t *path, ngx_open_file_info_t *of);

/* ngx_http_article_render_compress_task.c */
#if (NGX_THREADS)
void ngx_http_article_render_codings_first(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf);
#endif
ngx_int_t ngx_http_article_render_codings_rest(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf);

/* ngx_http_article_render_live_reload.c */
char *ngx_http_article_render_live_reload(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);


/* a response header from C strings that last as long as the request */

static ngx_inline ngx_table_elt_t *
ngx_http_article_render_add_header(ngx_http_request_t *r, char *key,
    char *value)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NULL;
    }

    h->hash = 1;
#if (nginx_version >= 1023000)
    h->next = NULL;
#endif
    h->key.data = (u_char *) key;
    h->key.len = ngx_strlen(key);
    h->value.data = (u_char *) value;
    h->value.len = ngx_strlen(value);

    return h;
}


#endif /* _NGX_HTTP_ARTICLE_RENDER_MODULE_H_INCLUDED_ */
