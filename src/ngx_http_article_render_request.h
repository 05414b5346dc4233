/*
 * ngx_http_article_render_module: the request context, and a request's
 * way to a page, which the content handlers of articles and of listings
 * start.
 */

#ifndef _NGX_HTTP_ARTICLE_RENDER_REQUEST_H_INCLUDED_
#define _NGX_HTTP_ARTICLE_RENDER_REQUEST_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_article_render_module.h"
#include "ngx_http_article_render_cache.h"
#include "ngx_http_article_render_job.h"


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
    NGX_HTTP_AR_QUEUED,       /* its job waits for a render to end */
    NGX_HTTP_AR_RENDER,       /* its render job runs in the pool */
    NGX_HTTP_AR_SEND          /* the job is done and settled */
} ngx_http_article_render_state_e;


typedef struct ngx_http_article_render_ctx_s  ngx_http_article_render_ctx_t;

/* what the job needs besides what the handler set, made only to render */
typedef ngx_int_t (*ngx_http_article_render_prepare_pt)(
    ngx_http_request_t *r, ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf);


struct ngx_http_article_render_ctx_s {
    ngx_http_article_render_state_e          state;
    ngx_http_article_render_cache_status_e   cache_status;
    ngx_int_t                                rc;       /* of the settled job */
    ngx_http_article_render_page_t           page;
    ngx_http_article_render_job_t            job;
    ngx_http_article_render_prepare_pt       prepare;  /* or NULL */
    ngx_file_t                               page_file; /* a hit's file */
    ngx_event_t                              wait;     /* for the page,
                                                          or in the queue */
    ngx_queue_t                              queue;    /* of QUEUED ones */
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
};


ngx_http_article_render_ctx_t *ngx_http_article_render_new_ctx(
    ngx_http_request_t *r, ngx_http_article_render_loc_conf_t *arlcf);
ngx_int_t ngx_http_article_render_allowed(ngx_http_request_t *r);
ngx_int_t ngx_http_article_render_start(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf);
void ngx_http_article_render_init_bound(ngx_cycle_t *cycle);
#if (AR_TEST_HOOKS)
ngx_uint_t ngx_http_article_render_test_threads(ngx_uint_t queued);
#endif
ngx_table_elt_t *ngx_http_article_render_add_header(ngx_http_request_t *r,
    char *key, char *value);


#endif /* _NGX_HTTP_ARTICLE_RENDER_REQUEST_H_INCLUDED_ */
