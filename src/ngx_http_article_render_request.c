/*
 * ngx_http_article_render_module: a request's way to a page, for an
 * article and a listing alike: its context, the 304 shortcut, the
 * lookup, the wait, the render job, the settling of its outcome and the
 * response.  The states are described in docs/design.md.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_article_render_module.h"
#include "ngx_http_article_render_request.h"
#include "ngx_http_article_render_cache.h"
#include "ngx_http_article_render_files.h"
#include "ngx_http_article_render_job.h"
#include "ngx_http_article_render_coding.h"
#include "ngx_http_article_render_compress_task.h"


/* a wait for another worker's render: first look again, and at most */
#define NGX_HTTP_AR_WAIT_FIRST    20
#define NGX_HTTP_AR_WAIT_MAX      500


/*
 * The renders this worker runs in its thread pools, at most the bound,
 * and the requests whose render waits for one of them to end.
 */

static ngx_uint_t   ngx_http_article_render_running;
static ngx_uint_t   ngx_http_article_render_bound = 1;
static ngx_queue_t  ngx_http_article_render_queue;


static void ngx_http_article_render_cleanup(void *data);
static ngx_int_t ngx_http_article_render_unchanged(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf);
static ngx_int_t ngx_http_article_render_process(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf);
static void ngx_http_article_render_resume(ngx_http_request_t *r);
static ngx_int_t ngx_http_article_render_lookup(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf);
static ngx_int_t ngx_http_article_render_wait(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf);
static void ngx_http_article_render_wait_done(ngx_event_t *ev);
static ngx_int_t ngx_http_article_render_render(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf);
static void ngx_http_article_render_first_coding(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf);
#if (NGX_THREADS)
static ngx_int_t ngx_http_article_render_post(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf);
static ngx_int_t ngx_http_article_render_enqueue(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf);
static void ngx_http_article_render_queue_timeout(ngx_event_t *ev);
static void ngx_http_article_render_next(void);
static void ngx_http_article_render_job_done(ngx_event_t *ev);
#endif
static void ngx_http_article_render_settle(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf);
static ngx_int_t ngx_http_article_render_job_status(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf);
static ngx_int_t ngx_http_article_render_send(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf, ngx_uint_t validators);
static ngx_int_t ngx_http_article_render_headers(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf, ngx_uint_t validators,
    ngx_int_t *coding);
static ngx_int_t ngx_http_article_render_acceptable(ngx_http_request_t *r,
    ngx_http_article_render_loc_conf_t *arlcf, ngx_int_t coding);
static ngx_int_t ngx_http_article_render_alternate(ngx_http_request_t *r);
#if (AR_TEST_HOOKS)
static void ngx_http_article_render_test_renderer(ngx_http_request_t *r);
#endif


/*
 * A request's context, its cleanup and its events, and what any job of
 * the scope has: the zone, the template, the budgets, the codings.
 */

ngx_http_article_render_ctx_t *
ngx_http_article_render_new_ctx(ngx_http_request_t *r,
    ngx_http_article_render_loc_conf_t *arlcf)
{
    ngx_pool_cleanup_t             *cln;
    ngx_http_article_render_job_t  *job;
    ngx_http_article_render_ctx_t  *ctx;

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_article_render_ctx_t));
    if (ctx == NULL) {
        return NULL;
    }

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NULL;
    }

    /*
     * The cleanup gets the context itself: nginx clears module contexts
     * on an internal redirect and when a filter finalizes the request.
     */

    cln->handler = ngx_http_article_render_cleanup;
    cln->data = ctx;

    ngx_http_set_ctx(r, ctx, ngx_http_article_render_module);

    /* as nginx's own timers, the events' data is the request */

    ctx->wait.data = r;
    ctx->wait.log = r->connection->log;
#if (NGX_THREADS)
    ctx->keep.data = r;
    ctx->keep.log = r->connection->log;
#endif

    ctx->page.cache = arlcf->cache ? arlcf->cache->data : NULL;

    job = &ctx->job;

    job->tpl = &arlcf->template->tpl;
    job->limits.max_memory = arlcf->max_memory;
    job->limits.timeout_ms = arlcf->timeout;
#if (AR_TEST_HOOKS)
    job->limits.test_delay_ms = arlcf->test_delay;
#endif
    job->conf_id = arlcf->conf_id;
    job->compress = arlcf->compress;

    return ctx;
}


static void
ngx_http_article_render_cleanup(void *data)
{
    ngx_http_article_render_ctx_t  *ctx = data;

    if (ctx->wait.timer_set) {
        ngx_del_timer(&ctx->wait);
    }

    if (ctx->wait.posted) {
        ngx_delete_posted_event(&ctx->wait);
    }

    if (ctx->state == NGX_HTTP_AR_QUEUED) {
        ngx_queue_remove(&ctx->queue);
    }

    if (ctx->keep.timer_set) {
        ngx_del_timer(&ctx->keep);
    }

    ngx_http_article_render_cache_unwait(&ctx->page);

    if (ctx->page.cache) {
        ngx_http_article_render_cache_release(&ctx->page);
    }

    ar_buf_free(&ctx->job.out.page);
}


/* GET and HEAD only, as the static module; the body is discarded */

ngx_int_t
ngx_http_article_render_allowed(ngx_http_request_t *r)
{
    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        if (ngx_http_article_render_add_header(r, "Allow", "GET, HEAD")
            == NULL)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return NGX_HTTP_NOT_ALLOWED;
    }

    return ngx_http_discard_request_body(r);
}


/* the request path proper, for a page or a listing */

ngx_int_t
ngx_http_article_render_start(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf)
{
    ngx_int_t  rc;

    if (!ctx->page.derived) {
        rc = ngx_http_article_render_unchanged(r, ctx, arlcf);
        if (rc != NGX_DECLINED) {
            return rc;
        }
    }

    rc = ngx_http_article_render_process(r, ctx, arlcf);

    if (rc == NGX_DONE) {
        /* a render in the pool, or a wait: the request goes on later */
        r->main->count++;
    }

    return rc;
}


/* a response header from C strings that last as long as the request */

ngx_table_elt_t *
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


/*
 * A request whose If-None-Match is the ETag of this file version and
 * configuration already has the page: 304 with no lookup and no render.
 * Only the plain case (one entity tag, no If-Modified-Since, the main
 * request), where nginx's not-modified filter would answer 304 too.
 */

static ngx_int_t
ngx_http_article_render_unchanged(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf)
{
    u_char           *p, *last, etag[NGX_HTTP_AR_ETAG_LEN];
    size_t            len;
    ngx_int_t         coding;
    ngx_table_elt_t  *inm;

    inm = r->headers_in.if_none_match;

    if (inm == NULL
        || r->headers_in.if_modified_since
        || r != r->main
        || r->disable_not_modified)
    {
        return NGX_DECLINED;
    }

    p = inm->value.data;
    len = inm->value.len;

    /* a weak validator matches a strong one, as in nginx's filter */

    if (len > 2 && p[0] == 'W' && p[1] == '/') {
        p += 2;
        len -= 2;
    }

    for (coding = 0; coding < AR_CODING_N; coding++) {

        if (coding != AR_CODING_IDENTITY
            && ngx_http_article_render_compress_level(arlcf->compress,
                                                      coding) < 0)
        {
            continue;
        }

        last = ngx_http_article_render_etag(etag, &ctx->page.version,
                                            arlcf->conf_id, coding);

        if (len == (size_t) (last - etag) && ngx_strncmp(p, etag, len) == 0)
        {
            break;
        }
    }

    if (coding == AR_CODING_N
        || ngx_http_article_render_acceptable(r, arlcf, coding) != NGX_OK)
    {
        return NGX_DECLINED;
    }

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "article render: \"%s\" unchanged",
                   ctx->page.key.path.data);

    if (ngx_http_article_render_headers(r, ctx, arlcf, 1, &coding)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->cache_status = NGX_HTTP_AR_CACHE_HIT;

    return ngx_http_send_header(r);
}


/*
 * The one way through a request, first from the handler and then from
 * resume() after a wait or a job: the state says where it goes on.
 * NGX_DONE: it goes on later.
 */

static ngx_int_t
ngx_http_article_render_process(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf)
{
    ngx_int_t  rc;

    switch (ctx->state) {

    case NGX_HTTP_AR_LOOKUP:

        rc = ngx_http_article_render_lookup(r, ctx, arlcf);
        if (rc != NGX_DECLINED) {
            return rc;
        }

        rc = ngx_http_article_render_render(r, ctx, arlcf);
        if (rc != NGX_OK) {
            return rc;
        }

        /* rendered inline; a failed remake looks up the stale page */

        if (ctx->state == NGX_HTTP_AR_LOOKUP) {
            return ngx_http_article_render_process(r, ctx, arlcf);
        }

        /* fall through */

    case NGX_HTTP_AR_SEND:

        if (ctx->rc != NGX_OK) {
            return ctx->rc;
        }

        return ngx_http_article_render_send(r, ctx, arlcf,
                                            ctx->job.stable);

    default: /* NGX_HTTP_AR_WAIT, NGX_HTTP_AR_RENDER */

        /* a write event before the wait or the job ended */
        return NGX_DONE;
    }
}


static void
ngx_http_article_render_resume(ngx_http_request_t *r)
{
    ngx_int_t                            rc;
    ngx_http_article_render_ctx_t       *ctx;
    ngx_http_article_render_loc_conf_t  *arlcf;

    ctx = ngx_http_get_module_ctx(r, ngx_http_article_render_module);
    arlcf = ngx_http_get_module_loc_conf(r, ngx_http_article_render_module);

    rc = ngx_http_article_render_process(r, ctx, arlcf);

    if (rc == NGX_DONE) {
        return;
    }

    r->write_event_handler = ngx_http_request_empty_handler;

    ngx_http_finalize_request(r, rc);
}


/*
 * Sends a hit, or arms a wait; NGX_DECLINED: this request renders the
 * page, holding the zone's mark when there was room for one.
 */

static ngx_int_t
ngx_http_article_render_lookup(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf)
{
    ngx_int_t                        rc;
    ngx_http_article_render_page_t  *p;

    p = &ctx->page;

    if (p->cache == NULL) {
        ctx->cache_status = NGX_HTTP_AR_CACHE_BYPASS;
        return NGX_DECLINED;
    }

#if (AR_TEST_HOOKS)
    ctx->lookups++;
#endif

    rc = ngx_http_article_render_cache_lookup(p, &ctx->job.limits);

    switch (rc) {

    case NGX_OK:

        if (p->file.len) {
            rc = ngx_http_article_render_file_open(r, p, &ctx->page_file);

            if (rc == NGX_ERROR) {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            if (rc == NGX_DECLINED) {
                /* the page's file is gone: the next lookup misses */
                ngx_http_article_render_cache_forget(p);
                return ngx_http_article_render_lookup(r, ctx, arlcf);
            }
        }

        ctx->cache_status = p->stale ? NGX_HTTP_AR_CACHE_STALE
                                     : NGX_HTTP_AR_CACHE_HIT;

        return ngx_http_article_render_send(r, ctx, arlcf, 1);

    case NGX_AGAIN:
        return ngx_http_article_render_wait(r, ctx, arlcf);

    case NGX_ABORT:

        if (p->failed_time) {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "article \"%s\" passed article_render_timeout "
                          "before, tried again in %M ms",
                          p->key.path.data, p->retry);
        } else {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "article \"%s\" passed article_render_max_memory "
                          "before, not rendered again until it changes",
                          p->key.path.data);
        }

        return NGX_HTTP_INTERNAL_SERVER_ERROR;

    default: /* NGX_DECLINED */
        ctx->cache_status = p->expired ? NGX_HTTP_AR_CACHE_EXPIRED
                                       : NGX_HTTP_AR_CACHE_MISS;
        return NGX_DECLINED;
    }
}


/*
 * Another request renders the page.  One of this worker wakes us when it
 * lands; one of another worker is looked at again with a back-off.
 * Either way the wait ends at article_render_timeout: 503.
 */

static ngx_int_t
ngx_http_article_render_wait(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf)
{
    ngx_msec_t      timer;
    ngx_msec_int_t  left;

    if (ctx->wait_end == 0) {
        ctx->wait_end = ngx_current_msec + arlcf->timeout;
    }

    left = (ngx_msec_int_t) (ctx->wait_end - ngx_current_msec);

    if (left <= 0) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "article \"%s\" is still being rendered after %M ms",
                      ctx->page.key.path.data, arlcf->timeout);

        if (ngx_http_article_render_add_header(r, "Retry-After", "1")
            == NULL)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return NGX_HTTP_SERVICE_UNAVAILABLE;
    }

    if (ctx->page.local) {
        timer = left;

    } else {
        ctx->backoff = ctx->backoff ? ngx_min(2 * ctx->backoff,
                                              NGX_HTTP_AR_WAIT_MAX)
                                    : NGX_HTTP_AR_WAIT_FIRST;
        timer = ngx_min(ctx->backoff, (ngx_msec_t) left);
    }

    ctx->wait.handler = ngx_http_article_render_wait_done;

    ngx_http_article_render_cache_wait(&ctx->page, &ctx->wait);
    ngx_add_timer(&ctx->wait, timer);

    ctx->state = NGX_HTTP_AR_WAIT;

    r->read_event_handler = ngx_http_test_reading;
    r->write_event_handler = ngx_http_article_render_resume;

    return NGX_DONE;
}


static void
ngx_http_article_render_wait_done(ngx_event_t *ev)
{
    ngx_connection_t               *c;
    ngx_http_request_t             *r;
    ngx_http_article_render_ctx_t  *ctx;

    r = ev->data;
    c = r->connection;
    ctx = ngx_http_get_module_ctx(r, ngx_http_article_render_module);

    ngx_http_set_log_request(c->log, r);

    ngx_http_article_render_cache_unwait(&ctx->page);

    ctx->state = NGX_HTTP_AR_LOOKUP;

    r->write_event_handler(r);

    ngx_http_run_posted_requests(c);
}


/*
 * Runs the render job: in the location's thread pool (NGX_DONE, the
 * request resumes when it is done), or inline (NGX_OK, settled).
 */

static ngx_int_t
ngx_http_article_render_render(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf)
{
    ngx_str_t                        name;
    ngx_http_article_render_job_t   *job;
    ngx_http_article_render_page_t  *p;

    p = &ctx->page;
    job = &ctx->job;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "article render: rendering \"%s\"", p->key.path.data);

#if (AR_TEST_HOOKS)
    ctx->renders++;

    if (arlcf->test_delay) {
        ngx_http_article_render_test_renderer(r);
    }
#endif

    if (ctx->prepare && ctx->prepare(r, ctx, arlcf) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (p->cache && p->cache->path) {
        if (ngx_http_article_render_file_name(r->pool, p->cache->path,
                                              p->file_seq, &name)
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        job->out.file = name.data;
        job->out.file_max = p->cache->max_entry;
    }

#if (NGX_THREADS)

    if (arlcf->thread_pool) {
        ngx_http_article_render_first_coding(r, ctx, arlcf);

        if (ngx_http_article_render_running >= ngx_http_article_render_bound)
        {
            return ngx_http_article_render_enqueue(r, ctx, arlcf);
        }

        return ngx_http_article_render_post(r, ctx, arlcf);
    }

#endif

    /* a page nobody keeps is made in the coding it is sent in alone */

    if (p->cache == NULL) {
        ngx_http_article_render_first_coding(r, ctx, arlcf);
    }

    ngx_http_article_render_job_run(job);
    ngx_http_article_render_settle(r, ctx, arlcf);

    return NGX_OK;
}


/* a job that makes the page in the coding it is sent in alone */

static void
ngx_http_article_render_first_coding(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf)
{
    ngx_uint_t  compress;

    compress = ngx_http_article_render_compress_first(r, arlcf->compress);

    if (compress == arlcf->compress) {
        return;
    }

    ctx->job.compress = compress;

    /* the page file holds every coding: the task writes it */
    ctx->job.out.file = NULL;
}


/*
 * A worker posts at most as many renders as it has CPUs to run them:
 * its share of the machine's, max(1, ncpu / worker_processes); more would
 * only thrash the CPUs' caches (docs/design.md).
 */

void
ngx_http_article_render_init_bound(ngx_cycle_t *cycle)
{
    ngx_core_conf_t  *ccf;
#if (AR_TEST_HOOKS)
    u_char           *s;
    ngx_int_t         n;
#endif

    ccf = (ngx_core_conf_t *) ngx_get_conf(cycle->conf_ctx, ngx_core_module);

    ngx_http_article_render_bound = (ngx_process == NGX_PROCESS_SINGLE
                                     || ccf->worker_processes <= 0)
                                    ? (ngx_uint_t) ngx_ncpu
                                    : (ngx_uint_t) (ngx_ncpu
                                                    / ccf->worker_processes);

#if (AR_TEST_HOOKS)
    s = (u_char *) getenv("AR_TEST_RENDER_BOUND");

    if (s) {
        n = ngx_atoi(s, ngx_strlen(s));

        if (n > 0) {
            ngx_http_article_render_bound = n;
        }
    }
#endif

    if (ngx_http_article_render_bound == 0) {
        ngx_http_article_render_bound = 1;
    }

    ngx_http_article_render_running = 0;
    ngx_queue_init(&ngx_http_article_render_queue);
}


#if (AR_TEST_HOOKS)

/* the renders this worker runs in its pools, or the requests queued */

ngx_uint_t
ngx_http_article_render_test_threads(ngx_uint_t queued)
{
    ngx_uint_t   n;
    ngx_queue_t  *q;

    if (!queued) {
        return ngx_http_article_render_running;
    }

    n = 0;

    for (q = ngx_queue_head(&ngx_http_article_render_queue);
         q != ngx_queue_sentinel(&ngx_http_article_render_queue);
         q = ngx_queue_next(q))
    {
        n++;
    }

    return n;
}

#endif


#if (NGX_THREADS)

static ngx_int_t
ngx_http_article_render_post(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf)
{
    if (ngx_http_article_render_job_post(arlcf->thread_pool, &ctx->job,
                                         r->pool,
                                         ngx_http_article_render_job_done,
                                         r)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_article_render_running++;

    r->main->blocked++;
    r->aio = 1;

    ctx->state = NGX_HTTP_AR_RENDER;

    r->read_event_handler = ngx_http_test_reading;
    r->write_event_handler = ngx_http_article_render_resume;

    ngx_http_article_render_keep_worker(&ctx->keep, arlcf->timeout);

    return NGX_DONE;
}


/*
 * The render waits for one of the worker's to end, holding the mark it
 * has: requests for the page wait on the mark as for any render.  Not
 * blocked, so that a client gone takes it out of the queue (cleanup).
 */

static ngx_int_t
ngx_http_article_render_enqueue(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf)
{
    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "article render: \"%s\" queued", ctx->page.key.path.data);

    ngx_queue_insert_tail(&ngx_http_article_render_queue, &ctx->queue);

    ctx->state = NGX_HTTP_AR_QUEUED;

    r->read_event_handler = ngx_http_test_reading;
    r->write_event_handler = ngx_http_article_render_resume;

    ctx->wait.handler = ngx_http_article_render_queue_timeout;
    ngx_add_timer(&ctx->wait, arlcf->timeout);

    return NGX_DONE;
}


/*
 * A render not begun within article_render_timeout: 503, as limit_req,
 * or a listing's stale page.
 */

static void
ngx_http_article_render_queue_timeout(ngx_event_t *ev)
{
    ngx_uint_t                           remake;
    ngx_connection_t                    *c;
    ngx_http_request_t                  *r;
    ngx_http_article_render_ctx_t       *ctx;
    ngx_http_article_render_loc_conf_t  *arlcf;

    r = ev->data;
    c = r->connection;
    ctx = ngx_http_get_module_ctx(r, ngx_http_article_render_module);
    arlcf = ngx_http_get_module_loc_conf(r, ngx_http_article_render_module);

    ngx_http_set_log_request(c->log, r);

    ngx_queue_remove(&ctx->queue);

    ngx_log_error(NGX_LOG_ERR, c->log, 0,
                  "article \"%s\" waited %M ms for a render thread",
                  ctx->page.key.path.data, arlcf->timeout);

    remake = ctx->page.remake;

    if (ctx->page.cache) {
        ngx_http_article_render_cache_release(&ctx->page);
    }

    if (remake) {
        /*
         * A listing not made again in time: the one it was to replace
         * is sent, as after a remake that failed (settle()).
         */

        ctx->page.stale = 1;
        ctx->state = NGX_HTTP_AR_LOOKUP;

        r->write_event_handler(r);
        ngx_http_run_posted_requests(c);
        return;
    }

    ctx->state = NGX_HTTP_AR_SEND;
    ctx->rc = NGX_HTTP_SERVICE_UNAVAILABLE;

    if (ngx_http_article_render_add_header(r, "Retry-After", "1") == NULL) {
        ctx->rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    r->write_event_handler(r);

    ngx_http_run_posted_requests(c);
}


/* a render ended: the first requests of the queue are posted */

static void
ngx_http_article_render_next(void)
{
    ngx_int_t                            rc;
    ngx_queue_t                         *q;
    ngx_connection_t                    *c;
    ngx_http_request_t                  *r;
    ngx_http_article_render_ctx_t       *ctx;
    ngx_http_article_render_loc_conf_t  *arlcf;

    while (ngx_http_article_render_running < ngx_http_article_render_bound
           && !ngx_queue_empty(&ngx_http_article_render_queue))
    {
        q = ngx_queue_head(&ngx_http_article_render_queue);
        ngx_queue_remove(q);

        ctx = ngx_queue_data(q, ngx_http_article_render_ctx_t, queue);
        r = ctx->wait.data;
        c = r->connection;
        arlcf = ngx_http_get_module_loc_conf(r,
                                             ngx_http_article_render_module);

        ngx_http_set_log_request(c->log, r);

        if (ctx->wait.timer_set) {
            ngx_del_timer(&ctx->wait);
        }

        rc = ngx_http_article_render_post(r, ctx, arlcf);

        if (rc == NGX_DONE) {
            continue;
        }

        ctx->state = NGX_HTTP_AR_SEND;
        ctx->rc = rc;

        r->write_event_handler(r);

        ngx_http_run_posted_requests(c);
    }
}


static void
ngx_http_article_render_job_done(ngx_event_t *ev)
{
    ngx_connection_t                    *c;
    ngx_http_request_t                  *r;
    ngx_http_article_render_ctx_t       *ctx;
    ngx_http_article_render_loc_conf_t  *arlcf;

    r = ev->data;
    c = r->connection;
    ctx = ngx_http_get_module_ctx(r, ngx_http_article_render_module);

    ngx_http_set_log_request(c->log, r);

    r->main->blocked--;
    r->aio = 0;

    if (ctx->keep.timer_set) {
        ngx_del_timer(&ctx->keep);
    }

    ngx_http_article_render_running--;
    ngx_http_article_render_next();

    /* the page is kept even if the client has gone meanwhile */

    arlcf = ngx_http_get_module_loc_conf(r, ngx_http_article_render_module);
    ngx_http_article_render_settle(r, ctx, arlcf);

    /* finalized or terminated meanwhile, as in the copy filter */

#if (nginx_version >= 1025003)
    if (r->done || r->main->terminated) {
#else
    if (r->done) {
#endif
        c->write->handler(c->write);
        return;
    }

    r->write_event_handler(r);

    ngx_http_run_posted_requests(c);
}

#endif


/* a finished job's outcome goes to the zone; the request then sends */

static void
ngx_http_article_render_settle(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf)
{
    ngx_uint_t  remake;
#if (AR_TEST_HOOKS)
    ngx_int_t   c;
#endif

    remake = ctx->page.remake;

    ctx->rc = ngx_http_article_render_job_status(r, ctx, arlcf);
    ctx->state = NGX_HTTP_AR_SEND;

#if (AR_TEST_HOOKS)
    for (c = AR_CODING_IDENTITY + 1; ctx->rc == NGX_OK && c < AR_CODING_N;
         c++)
    {
        ctx->codings += (ctx->job.out.reps[c] != AR_SIZE_NONE);
    }
#endif

    if (remake && ctx->rc == NGX_HTTP_INTERNAL_SERVER_ERROR) {
        /*
         * A listing that failed to be made again: the page it was to
         * replace is sent, as proxy_cache_use_stale error does.
         */

        ctx->page.stale = 1;
        ctx->state = NGX_HTTP_AR_LOOKUP;
    }

    if (ctx->rc == NGX_OK && ctx->page.cache && ctx->job.stable
        && ngx_http_article_render_compress_rest(&ctx->page,
                                                 ctx->job.compress, arlcf,
                                                 r->connection->log)
           != NGX_OK)
    {
        if (ngx_http_article_render_out_store(&ctx->page, &ctx->job.out,
                                              r->connection->log)
            != NGX_OK)
        {
            ctx->cache_status = NGX_HTTP_AR_CACHE_BYPASS;
        }
    }

    if (ctx->page.cache) {
        /* a mark that came to nothing, so that waiters go on at once */
        ngx_http_article_render_cache_release(&ctx->page);
    }
}


static ngx_int_t
ngx_http_article_render_job_status(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf)
{
    uint64_t                         listing;
    ngx_log_t                       *log;
    ngx_http_article_render_job_t   *job;
    ngx_http_article_render_page_t  *p;

    log = r->connection->log;
    job = &ctx->job;
    p = &ctx->page;

    switch (job->rc) {

    case NGX_HTTP_AR_JOB_OK:

        if (job->meta_invalid) {
            ngx_log_error(NGX_LOG_INFO, log, 0,
                          "article \"%s\": front matter ignored, %s",
                          p->key.path.data, job->meta_error);
        }

        if (!job->stable) {
            ngx_log_error(NGX_LOG_WARN, log, 0,
                          "article \"%s\" kept changing while read, "
                          "served uncached and without validators",
                          p->key.path.data);
        }

        /*
         * The page is of the version read, which may be newer; what it
         * lists was looked at by this request.
         */

        listing = p->version.listing;
        p->version = job->version;
        p->version.listing = listing;
        p->digest = job->digest;

        if (!p->derived) {
            p->last_modified = ngx_max(job->version.mtime,
                                       arlcf->template->mtime);
        }

        p->body.data = (u_char *) job->out.page.data;
        p->body.len = job->out.page.len;
        p->body_len = job->out.page.len;
        ngx_memcpy(p->reps, job->out.reps, sizeof(p->reps));

        return NGX_OK;

    case NGX_HTTP_AR_JOB_TOO_LARGE:
        ngx_log_error(NGX_LOG_ERR, log, 0,
                      "article \"%s\" is %O bytes, more than "
                      "article_render_max_size %uz",
                      p->key.path.data, job->version.size, arlcf->max_size);
        break;

    case NGX_HTTP_AR_JOB_SYSERR:

        /* a directory gone or closed to the worker, as for a file */

        if (job->kind != NGX_HTTP_AR_ARTICLE
            && (job->err == NGX_ENOENT || job->err == NGX_ENOTDIR
                || job->err == NGX_EACCES))
        {
            ngx_log_error(NGX_LOG_ERR, log, job->err, "%s \"%s\" failed",
                          job->failed, p->key.path.data);

            return (job->err == NGX_EACCES) ? NGX_HTTP_FORBIDDEN
                                            : NGX_HTTP_NOT_FOUND;
        }

        ngx_log_error(NGX_LOG_CRIT, log, job->err, "%s \"%s\" failed",
                      job->failed, p->key.path.data);
        break;

    case NGX_HTTP_AR_JOB_MEMORY:
        ngx_log_error(NGX_LOG_ERR, log, 0,
                      "article \"%s\" of %O bytes passed "
                      "article_render_max_memory %uz, not rendered "
                      "until it changes",
                      p->key.path.data, job->version.size,
                      arlcf->max_memory);
        goto failed;

    case NGX_HTTP_AR_JOB_TIME:
        ngx_log_error(NGX_LOG_ERR, log, 0,
                      "article \"%s\" of %O bytes passed "
                      "article_render_timeout %M ms, not rendered, "
                      "tried again in %M ms",
                      p->key.path.data, job->version.size,
                      arlcf->timeout, (ngx_msec_t) NGX_HTTP_AR_TIME_FAIL_MEMO);
        goto failed;

    default: /* NGX_HTTP_AR_JOB_NOMEM */
        ngx_log_error(NGX_LOG_CRIT, log, 0,
                      "rendering article \"%s\" of %O bytes failed: "
                      "out of memory", p->key.path.data, job->version.size);
        break;
    }

    return NGX_HTTP_INTERNAL_SERVER_ERROR;

failed:

    if (p->cache) {
        listing = p->version.listing;
        p->version = job->version;
        p->version.listing = listing;
        (void) ngx_http_article_render_cache_fail(p, &job->limits,
                                        job->rc == NGX_HTTP_AR_JOB_TIME);
    }

    return NGX_HTTP_INTERNAL_SERVER_ERROR;
}


static ngx_int_t
ngx_http_article_render_send(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf, ngx_uint_t validators)
{
    off_t                            off;
    size_t                           len;
    ngx_int_t                        rc, coding, c;
    ngx_buf_t                       *b;
    ngx_chain_t                      out;
    ngx_http_article_render_page_t  *p;

    p = &ctx->page;

    coding = AR_CODING_N;

    if (ngx_http_article_render_headers(r, ctx, arlcf, validators, &coding)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* the representations lie one after another in the body */

    off = 0;

    for (c = 0; c < coding; c++) {
        if (p->reps[c] != AR_SIZE_NONE) {
            off += p->reps[c];
        }
    }

    len = p->reps[coding];

    r->headers_out.content_length_n = len;
    r->allow_ranges = 1;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (len == 0) {
        /* an empty page: a special buffer, never a zero size one */

    } else if (p->body.data) {
        b->pos = p->body.data + off;
        b->last = b->pos + len;
        b->memory = 1;

    } else {
        b->file = &ctx->page_file;
        b->file_pos = off;
        b->file_last = off + len;
        b->in_file = 1;
    }

    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;
    b->sync = (len == 0 && r != r->main) ? 1 : 0;

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


/*
 * The page's headers, in the coding given, or in the one chosen here
 * (*coding is AR_CODING_N) once Last-Modified and the ETag are set, as
 * nginx's gzip_proxied looks at them.  Without validators, no ETag and
 * no Last-Modified.
 */

static ngx_int_t
ngx_http_article_render_headers(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf, ngx_uint_t validators,
    ngx_int_t *coding)
{
    u_char           *etag, *last;
    ngx_table_elt_t  *h;

    char             *vary;

    r->headers_out.status = NGX_HTTP_OK;

    switch (ctx->job.kind) {

    case NGX_HTTP_AR_FEED:
        ngx_str_set(&r->headers_out.content_type, "application/atom+xml");
        break;

    case NGX_HTTP_AR_SITEMAP:
        ngx_str_set(&r->headers_out.content_type, "application/xml");
        break;

    default:
        ngx_str_set(&r->headers_out.content_type, "text/html");
    }

    r->headers_out.content_type_len = r->headers_out.content_type.len;
    ngx_str_set(&r->headers_out.charset, "utf-8");

    if (validators) {
        /* a listing's, or what lists, has only its ETag: -1 */
        r->headers_out.last_modified_time = ctx->page.last_modified;

        r->headers_out.etag = ngx_http_article_render_add_header(r, "ETag",
                                                                 "");
        if (r->headers_out.etag == NULL) {
            return NGX_ERROR;
        }
    }

    /* only an article has a Markdown source to be asked for */

    vary = ngx_http_article_render_compress_vary(r, arlcf->compress,
                                     ctx->job.kind == NGX_HTTP_AR_ARTICLE);

    if (vary && ngx_http_article_render_add_header(r, "Vary", vary) == NULL)
    {
        return NGX_ERROR;
    }

    if (r == r->main
        && ctx->job.kind == NGX_HTTP_AR_ARTICLE
        && ngx_http_article_render_alternate(r) != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (*coding == AR_CODING_N) {
        *coding = ngx_http_article_render_compress_coding(r, arlcf->compress,
                                                          ctx->page.reps);
    }

    if (*coding != AR_CODING_IDENTITY) {
        h = ngx_http_article_render_add_header(r, "Content-Encoding",
                                            (char *) ar_coding_name(*coding));
        if (h == NULL) {
            return NGX_ERROR;
        }

        r->headers_out.content_encoding = h;
    }

    if (validators) {
        /* each representation has its own */

        etag = ngx_pnalloc(r->pool, NGX_HTTP_AR_ETAG_LEN);
        if (etag == NULL) {
            return NGX_ERROR;
        }

        last = ngx_http_article_render_page_etag(etag, &ctx->page,
                                                 arlcf->conf_id, *coding);

        r->headers_out.etag->value.data = etag;
        r->headers_out.etag->value.len = last - etag;
    }

    return NGX_OK;
}


/* whether the request takes the coding an If-None-Match names */

static ngx_int_t
ngx_http_article_render_acceptable(ngx_http_request_t *r,
    ngx_http_article_render_loc_conf_t *arlcf, ngx_int_t coding)
{
    size_t      sizes[AR_CODING_N];
    ngx_int_t   c;

    for (c = 0; c < AR_CODING_N; c++) {
        sizes[c] = (c == coding) ? 1 : AR_SIZE_NONE;
    }

    return (ngx_http_article_render_compress_coding(r, arlcf->compress,
                                                    sizes)
            == coding) ? NGX_OK : NGX_DECLINED;
}


/* where agents find the article's Markdown source: its own URI */

static ngx_int_t
ngx_http_article_render_alternate(ngx_http_request_t *r)
{
    u_char     *link, *p;
    size_t      len;
    uintptr_t   escape;

    escape = 2 * ngx_escape_uri(NULL, r->uri.data, r->uri.len,
                                NGX_ESCAPE_URI);

    len = sizeof("<>; rel=\"alternate\"; type=\"text/markdown\"")
          + r->uri.len + escape;

    link = ngx_pnalloc(r->pool, len);
    if (link == NULL) {
        return NGX_ERROR;
    }

    p = link;
    *p++ = '<';

    if (escape) {
        p = (u_char *) ngx_escape_uri(p, r->uri.data, r->uri.len,
                                      NGX_ESCAPE_URI);
    } else {
        p = ngx_cpymem(p, r->uri.data, r->uri.len);
    }

    ngx_memcpy(p, ">; rel=\"alternate\"; type=\"text/markdown\"",
               sizeof(">; rel=\"alternate\"; type=\"text/markdown\""));

    return ngx_http_article_render_add_header(r, "Link", (char *) link)
           ? NGX_OK : NGX_ERROR;
}


#if (AR_TEST_HOOKS)

/*
 * Test builds: a slow render (article_render_test_delay) names the
 * worker that renders it, and holds its mark, in "renderer" under the
 * prefix, so that a test can kill it while it renders.
 */

static void
ngx_http_article_render_test_renderer(ngx_http_request_t *r)
{
    u_char    *name, pid[NGX_INT64_LEN + 1];
    ngx_fd_t   fd;

    name = ngx_pnalloc(r->pool, ngx_cycle->prefix.len + sizeof("renderer"));
    if (name == NULL) {
        return;
    }

    ngx_sprintf(name, "%Vrenderer%Z", &ngx_cycle->prefix);

    fd = ngx_open_file(name, NGX_FILE_WRONLY, NGX_FILE_TRUNCATE,
                       NGX_FILE_DEFAULT_ACCESS);
    if (fd == NGX_INVALID_FILE) {
        return;
    }

    (void) ngx_write_fd(fd, pid, ngx_sprintf(pid, "%P", ngx_pid) - pid);
    (void) ngx_close_file(fd);
}

#endif
