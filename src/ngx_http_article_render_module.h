/*
 * ngx_http_article_render_module: what the directives file and the
 * request handler share.
 */

#ifndef _NGX_HTTP_ARTICLE_RENDER_MODULE_H_INCLUDED_
#define _NGX_HTTP_ARTICLE_RENDER_MODULE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ar_render.h"
#include "ar_template.h"
#include "ngx_http_article_render_cache.h"


typedef struct {
    ar_template_t              tpl;
    time_t                     mtime;
    uint32_t                   crc;       /* of the template's text */
} ngx_http_article_render_template_t;


typedef struct {
    ngx_flag_t                 enable;
    ngx_array_t               *suffixes;  /* of ngx_str_t */
    ngx_uint_t                 gfm;       /* NGX_HTTP_AR_GFM_* bits */
    ngx_flag_t                 unsafe;
    ngx_flag_t                 highlight;
    ngx_uint_t                 newline;   /* AR_NEWLINE_* */
    ngx_flag_t                 noheadings;
    size_t                     max_size;
    ngx_msec_t                 live_reload;  /* 0 for off */

    ngx_http_article_render_template_t  *template;
    ngx_shm_zone_t            *cache;     /* as configured, NULL for off */
    ngx_msec_t                 timeout;
    size_t                     max_memory;
#if (NGX_THREADS)
    ngx_thread_pool_t         *thread_pool; /* as configured, NULL: off */
#endif
#if (AR_TEST_HOOKS)
    ngx_msec_t                 test_delay;
#endif

    /* derived in merge */
    ar_render_conf_t           render;    /* what the core needs */
    uint32_t                   conf_id;   /* the identity of the above */
    ngx_shm_zone_t            *cache_zone; /* the zone used, or NULL */
#if (NGX_THREADS)
    ngx_thread_pool_t         *pool;      /* the pool used, or NULL */
#endif
} ngx_http_article_render_loc_conf_t;


/* how a render job ended */
#define NGX_HTTP_AR_JOB_OK          0
#define NGX_HTTP_AR_JOB_SYSERR      1   /* a system call failed: err */
#define NGX_HTTP_AR_JOB_TOO_LARGE   2   /* over article_render_max_size */
#define NGX_HTTP_AR_JOB_NOMEM       3   /* out of memory */
#define NGX_HTTP_AR_JOB_MEMORY      4   /* passed article_render_max_memory */
#define NGX_HTTP_AR_JOB_TIME        5   /* passed article_render_timeout */


/*
 * Reading and rendering one article: everything it touches is here, so
 * that it can run in a thread pool, away from the request.
 */

typedef struct {
    /* set before the job runs */
    ngx_fd_t                            fd;
    size_t                              max_size;
    const ar_render_conf_t             *render;
    const ar_template_t                *tpl;
    ar_limits_t                         limits;
    u_char                             *fallback;  /* the title without one */
    size_t                              fallback_len;

    /* set by the job */
    ngx_uint_t                          rc;        /* NGX_HTTP_AR_JOB_* */
    ngx_err_t                           err;
    const char                         *failed;    /* the call that failed */
    ngx_http_article_render_version_t   version;   /* what was read */
    ngx_uint_t                          stable;    /* one version, whole */
    ngx_uint_t                          meta_invalid;
    char                                meta_error[AR_META_ERR_LEN];
    ar_buf_t                            page;
} ngx_http_article_render_job_t;


typedef struct {
    ngx_uint_t                           cache_status; /* NGX_HTTP_AR_CACHE_* */
    ngx_shm_zone_t                      *zone;    /* the cache, or NULL */
    ngx_http_article_render_cache_key_t  key;
    ngx_http_article_render_pin_t        pin;     /* a hit being sent */
    ngx_file_t                           page_file; /* a hit's, in a file */
    ngx_http_article_render_job_t        job;
    ngx_event_t                          timer;   /* waiting, or keeping the
                                                     worker up for a render */
    ngx_msec_t                           wait_start;
    ngx_int_t                            status;  /* of the finished job */
    unsigned                             marked:1;   /* owns the zone's mark */
    unsigned                             rendered:1;
} ngx_http_article_render_ctx_t;


ngx_int_t ngx_http_article_render_handler(ngx_http_request_t *r);
void ngx_http_article_render_job_run(ngx_http_article_render_job_t *job);
ngx_int_t ngx_http_article_render_job_post(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf);
void ngx_http_article_render_settled(ngx_http_request_t *r);
void ngx_http_article_render_resume(ngx_http_request_t *r);
ngx_table_elt_t *ngx_http_article_render_add_header(ngx_http_request_t *r,
    char *key, char *value);

/* ngx_http_article_render_markdown.c */
ngx_uint_t ngx_http_article_render_wants_markdown(ngx_http_request_t *r);
ngx_int_t ngx_http_article_render_send_markdown(ngx_http_request_t *r,
    ngx_str_t *path, ngx_open_file_info_t *of);

/* ngx_http_article_render_reload.c */
char *ngx_http_article_render_live_reload(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
ngx_chain_t *ngx_http_article_render_live_reload_body(ngx_http_request_t *r,
    ngx_http_article_render_loc_conf_t *arlcf, ngx_str_t *page);


extern ngx_module_t  ngx_http_article_render_module;


#endif /* _NGX_HTTP_ARTICLE_RENDER_MODULE_H_INCLUDED_ */
