/*
 * ngx_http_article_render_module: the render job, which reads and
 * renders one article and may run in a thread pool.
 */

#ifndef _NGX_HTTP_ARTICLE_RENDER_JOB_H_INCLUDED_
#define _NGX_HTTP_ARTICLE_RENDER_JOB_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>

#include "ar_render.h"
#include "ar_listing.h"
#include "ar_template.h"
#include "ngx_http_article_render_cache.h"


/* how a render job ended */
#define NGX_HTTP_AR_JOB_OK          0
#define NGX_HTTP_AR_JOB_SYSERR      1   /* a system call failed: err */
#define NGX_HTTP_AR_JOB_TOO_LARGE   2   /* over article_render_max_size */
#define NGX_HTTP_AR_JOB_NOMEM       3   /* out of memory */
#define NGX_HTTP_AR_JOB_MEMORY      4   /* passed article_render_max_memory */
#define NGX_HTTP_AR_JOB_TIME        5   /* passed article_render_timeout */


/* what a request is answered with */
typedef enum {
    NGX_HTTP_AR_ARTICLE = 0,
    NGX_HTTP_AR_INDEX,        /* a directory's list of articles */
    NGX_HTTP_AR_FEED,         /* its Atom feed */
    NGX_HTTP_AR_SITEMAP       /* its sitemap */
} ngx_http_article_render_kind_e;


/*
 * A page made off the event loop, by a render job or the compress task:
 * the page in each coding, one after another, and its file.
 */
typedef struct {
    ar_buf_t                            page;
    size_t                              reps[AR_CODING_N];
    u_char                             *file;      /* where a large page
                                                      goes, or NULL */
    size_t                              file_max;

    ngx_uint_t                          in_file;   /* the page was written */
    ngx_http_article_render_version_t   file_version;
    ngx_err_t                           file_err;
    const char                         *file_failed;
} ngx_http_article_render_out_t;


/* everything a job touches: nothing of a request, pool, log or zone */
typedef struct {
    ngx_http_article_render_kind_e      kind;
    ar_listing_conf_t                   list;      /* of a listing, and of
                                                      an index article */
    ngx_uint_t                          articles;  /* an index article: its
                                                      {{articles}} listed */
    ngx_fd_t                            fd;
    size_t                              max_size;
    const ar_render_conf_t             *render;
    const ar_template_t                *tpl;
    ar_limits_t                         limits;
    u_char                             *fallback;  /* the title without one */
    size_t                              fallback_len;
    uint32_t                            conf_id;
    ngx_msec_t                          live_reload;
    ngx_uint_t                          compress;  /* levels, coding.h */

    ngx_uint_t                          rc;        /* NGX_HTTP_AR_JOB_* */
    ngx_err_t                           err;
    const char                         *failed;    /* the call that failed */
    ngx_http_article_render_version_t   version;   /* what was read */
    ngx_uint_t                          stable;    /* one version, whole */
    ngx_uint_t                          meta_invalid;
    char                                meta_error[AR_META_ERR_LEN];
    uint32_t                            digest;    /* of the identity page */
    ngx_http_article_render_out_t       out;
} ngx_http_article_render_job_t;


void ngx_http_article_render_job_run(ngx_http_article_render_job_t *job);
void ngx_http_article_render_job_init_threads(void);

ngx_int_t ngx_http_article_render_out_compress(
    ngx_http_article_render_out_t *out, ngx_uint_t compress,
    const char *made, const size_t *made_reps);
ngx_int_t ngx_http_article_render_out_write(
    ngx_http_article_render_out_t *out);
ngx_int_t ngx_http_article_render_out_store(
    ngx_http_article_render_page_t *p, ngx_http_article_render_out_t *out,
    ngx_log_t *log);
#if (NGX_THREADS)
ngx_int_t ngx_http_article_render_job_post(ngx_thread_pool_t *tp,
    ngx_http_article_render_job_t *job, ngx_pool_t *pool,
    ngx_event_handler_pt done, void *data);
void ngx_http_article_render_keep_worker(ngx_event_t *ev,
    ngx_msec_t timeout);
#endif


#endif /* _NGX_HTTP_ARTICLE_RENDER_JOB_H_INCLUDED_ */
