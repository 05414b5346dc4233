/*
 * ngx_http_article_render_module: the codings a first response does not
 * wait for.  A render in a thread pool, or of a page nobody keeps, makes
 * only the coding its request is sent in; this task makes the others
 * (and the page file of a zone with a path) once the response is on its
 * way, and stores the page.
 * It owns its memory and holds the render's mark: it outlives the
 * request, and waiters never render the version again.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_article_render_module.h"


/*
 * Before a job runs, in a thread pool or for a page nobody keeps: it is
 * to make the page in the coding the request will be sent, and no
 * other.  Of the codings the request weights highest, the quickest to
 * make is chosen: gzip, zstd, br.
 */

void
ngx_http_article_render_codings_first(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf)
{
    size_t      sizes[AR_CODING_N];
    ngx_int_t   c, first;
    ngx_uint_t  compress;

    static const size_t  cost[AR_CODING_N] = { 4, 1, 3, 2 };

    for (c = 0; c < AR_CODING_N; c++) {
        sizes[c] = (c == AR_CODING_IDENTITY
                    || ngx_http_article_render_compress_level(arlcf->compress,
                                                              c) >= 0)
                   ? cost[c] : AR_SIZE_NONE;
    }

    first = ngx_http_article_render_compress_coding(r, arlcf->compress,
                                                    sizes);

    compress = (first == AR_CODING_IDENTITY)
               ? 0 : arlcf->compress & ((ngx_uint_t) 0xff << (first * 8));

    if (compress == arlcf->compress) {
        return;
    }

    ctx->job.compress = compress;

    /* the page file holds every coding: the task writes it */
    ctx->job.file = NULL;
}


#if (NGX_THREADS)

/* how long past the time budget the task keeps an exiting worker up */
#define NGX_HTTP_AR_CODINGS_GRACE  1000


typedef struct {
    ngx_pool_t                          *pool;
    ngx_http_article_render_page_t       page;     /* its own copy */
    ngx_uint_t                           compress;
    ngx_uint_t                           made;     /* by the job: levels */
    ngx_msec_t                           timeout;
    ar_buf_t                             in;       /* the job's page */
    size_t                               in_reps[AR_CODING_N];
    u_char                              *file;     /* or NULL */
    size_t                               file_max;
#if (AR_TEST_HOOKS)
    u_char                              *hold;
    u_char                              *filed;
#endif

    ngx_uint_t                           rc;       /* NGX_OK */
    ar_buf_t                             out;      /* in every coding */
    size_t                               reps[AR_CODING_N];
    ngx_uint_t                           in_file;
    ngx_http_article_render_version_t    file_version;
    ngx_err_t                            file_err;
    const char                          *file_failed;

    ngx_thread_pool_t                   *thread_pool;
    ngx_thread_task_t                   *task;
    ngx_event_t                          post;
    ngx_event_t                          keep;
} ngx_http_article_render_codings_t;


static void ngx_http_article_render_codings_post(ngx_event_t *ev);
static void ngx_http_article_render_codings_thread(void *data,
    ngx_log_t *log);
static ngx_int_t ngx_http_article_render_codings_make(
    ngx_http_article_render_codings_t *t);
static void ngx_http_article_render_codings_done(ngx_event_t *ev);
static void ngx_http_article_render_codings_keep(ngx_event_t *ev);
#if (AR_TEST_HOOKS)
static void ngx_http_article_render_codings_test_hold(u_char *name);
#endif


/*
 * After the job, for a page to keep: NGX_OK when the codings left are
 * made and the page stored by the task, which takes over the request's
 * mark; NGX_DECLINED when the page is the request's to store.
 */

ngx_int_t
ngx_http_article_render_codings_rest(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf)
{
    ngx_str_t                           name;
    ngx_pool_t                         *pool;
    ngx_thread_task_t                  *task;
    ngx_http_article_render_page_t     *p;
    ngx_http_article_render_codings_t  *t;

    p = &ctx->page;

    /* a page over max_entry by itself is not kept, and says so at once */

    if (ctx->job.compress == arlcf->compress
        || p->body.len > p->cache->max_entry)
    {
        return NGX_DECLINED;
    }

    pool = ngx_create_pool(1024, ngx_cycle->log);
    if (pool == NULL) {
        return NGX_DECLINED;
    }

    task = ngx_thread_task_alloc(pool,
                                 sizeof(ngx_http_article_render_codings_t));
    if (task == NULL) {
        goto failed;
    }

    t = task->ctx;
    t->pool = pool;
    t->page = *p;

    t->page.key.path.data = ngx_pstrdup(pool, &p->key.path);
    if (t->page.key.path.data == NULL) {
        goto failed;
    }

    t->page.key.path.len = p->key.path.len;

    ngx_str_null(&t->page.body);
    ngx_str_null(&t->page.file);
    t->page.wake = NULL;

    t->in.data = malloc(p->body.len ? p->body.len : 1);
    if (t->in.data == NULL) {
        goto failed;
    }

    ngx_memcpy(t->in.data, p->body.data, p->body.len);
    t->in.len = p->body.len;
    t->in.cap = t->in.len;

    ngx_memcpy(t->in_reps, p->reps, sizeof(p->reps));
    t->compress = arlcf->compress;
    t->made = ctx->job.compress;
    t->timeout = arlcf->timeout;

    if (p->cache->path) {
        if (ngx_http_article_render_file_name(pool, p->cache->path,
                                              p->file_seq, &name)
            != NGX_OK)
        {
            free(t->in.data);
            goto failed;
        }

        t->file = name.data;
        t->file_max = p->cache->max_entry;
    }

#if (AR_TEST_HOOKS)

    /* a listing's key is its path, a NUL and what else it depends on */

    t->hold = ngx_pnalloc(pool, p->key.path.len + sizeof(".hold"));
    if (t->hold) {
        ngx_sprintf(t->hold, "%s.hold%Z", p->key.path.data);
    }

    t->filed = ngx_pnalloc(pool, p->key.path.len + sizeof(".filed"));
    if (t->filed) {
        ngx_sprintf(t->filed, "%s.filed%Z", p->key.path.data);
    }
#endif

    t->thread_pool = arlcf->thread_pool;
    t->task = task;

    t->post.data = t;
    t->post.handler = ngx_http_article_render_codings_post;
    t->post.log = ngx_cycle->log;

    t->keep.data = t;
    t->keep.handler = ngx_http_article_render_codings_keep;
    t->keep.log = ngx_cycle->log;

    task->handler = ngx_http_article_render_codings_thread;
    task->event.data = t;
    task->event.handler = ngx_http_article_render_codings_done;

    /* the mark, or the remake, is the task's now */

    p->node = NULL;
    p->hold = NGX_HTTP_AR_HOLD_NONE;
    p->remake = 0;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "article render: the other codings of \"%V\"",
                   &p->key.path);

    /*
     * Posted once the response is written: a thread woken now could take
     * the event loop's core from it on a busy machine.
     */

    ngx_post_event(&t->post, &ngx_posted_events);

    /* an exiting worker waits for the timers left: this is one */
    ngx_add_timer(&t->keep, t->timeout + NGX_HTTP_AR_CODINGS_GRACE);

    return NGX_OK;

failed:

    ngx_destroy_pool(pool);

    return NGX_DECLINED;
}


static void
ngx_http_article_render_codings_post(ngx_event_t *ev)
{
    ngx_http_article_render_codings_t  *t = ev->data;

    if (ngx_thread_task_post(t->thread_pool, t->task) != NGX_OK) {

        /*
         * A full queue: the page is kept with the codings the job made,
         * as compressing here would stall the event loop.
         */

        t->rc = NGX_OK;
        t->out = t->in;
        ngx_memzero(&t->in, sizeof(ar_buf_t));
        ngx_memcpy(t->reps, t->in_reps, sizeof(t->reps));

        ngx_http_article_render_codings_done(&t->task->event);
    }
}


static void
ngx_http_article_render_codings_thread(void *data, ngx_log_t *log)
{
    ngx_http_article_render_codings_t  *t = data;

#if (AR_TEST_HOOKS)
    ngx_http_article_render_codings_test_hold(t->hold);
#endif

    t->rc = ngx_http_article_render_codings_make(t);

    ar_buf_free(&t->in);

    if (t->rc != NGX_OK
        || t->file == NULL
        || t->out.len < NGX_HTTP_AR_FILE_MIN
        || t->out.len > t->file_max)
    {
        return;
    }

    t->in_file = (ngx_http_article_render_file_write(t->file,
                                                     (u_char *) t->out.data,
                                                     t->out.len,
                                                     &t->file_version,
                                                     &t->file_err,
                                                     &t->file_failed)
                  == NGX_OK);

#if (AR_TEST_HOOKS)
    ngx_http_article_render_codings_test_hold(t->filed);
#endif
}


/* the page, then each coding in order: the one made, or made here */

static ngx_int_t
ngx_http_article_render_codings_make(ngx_http_article_render_codings_t *t)
{
    int         rc;
    char       *out;
    size_t      len, off;
    ngx_int_t   coding, level;

    off = t->in_reps[AR_CODING_IDENTITY];

    if (ar_buf_append(&t->out, t->in.data, off) != AR_OK) {
        return NGX_ERROR;
    }

    t->reps[AR_CODING_IDENTITY] = off;

    for (coding = AR_CODING_IDENTITY + 1; coding < AR_CODING_N; coding++) {
        t->reps[coding] = AR_SIZE_NONE;

        level = ngx_http_article_render_compress_level(t->compress, coding);
        if (level < 0) {
            continue;
        }

        if (ngx_http_article_render_compress_level(t->made, coding) >= 0) {
            len = t->in_reps[coding];
            rc = ar_buf_append(&t->out, t->in.data + off, len);

        } else {
            if (ar_compress(coding, level, t->out.data, off, NULL, &out,
                            &len)
                != AR_OK)
            {
                return NGX_ERROR;
            }

            rc = ar_buf_append(&t->out, out, len);
            ar_compress_free(NULL, out);
        }

        if (rc != AR_OK) {
            return NGX_ERROR;
        }

        t->reps[coding] = len;
    }

    return NGX_OK;
}


/* on the event loop: the page goes to the zone; no request is touched */

static void
ngx_http_article_render_codings_done(ngx_event_t *ev)
{
    ngx_http_article_render_codings_t  *t = ev->data;

    ngx_http_article_render_page_t  *p;

    if (t->keep.timer_set) {
        ngx_del_timer(&t->keep);
    }

    p = &t->page;

    if (t->rc != NGX_OK) {
        ngx_log_error(NGX_LOG_CRIT, ngx_cycle->log, 0,
                      "compressing article \"%V\" failed: out of memory",
                      &p->key.path);
        goto done;
    }

    p->body_len = t->out.len;
    ngx_memcpy(p->reps, t->reps, sizeof(p->reps));

    if (t->in_file) {
        p->file.data = t->file;
        p->file.len = ngx_strlen(t->file);
        p->file_version = t->file_version;

        ngx_http_article_render_cache_fault_end(p->cache,
                                                NGX_HTTP_AR_FAULT_WRITE);

        if (ngx_http_article_render_cache_store(p) != NGX_OK) {
            ngx_http_article_render_file_delete(t->file, ngx_cycle->log);
        }

        goto done;
    }

    if (t->file_failed) {
        ngx_http_article_render_cache_fault(p->cache, NGX_HTTP_AR_FAULT_WRITE,
                                            ngx_cycle->log, t->file_err,
                                            t->file_failed, t->file,
                                            &p->key.path);
    }

    p->body.data = (u_char *) t->out.data;
    p->body.len = t->out.len;

    (void) ngx_http_article_render_cache_store(p);

done:

    /* a mark not replaced by a page: waiters go on at once */
    ngx_http_article_render_cache_release(p);

    ar_buf_free(&t->out);
    ngx_destroy_pool(t->pool);
}


static void
ngx_http_article_render_codings_keep(ngx_event_t *ev)
{
    ngx_add_timer(ev, NGX_HTTP_AR_CODINGS_GRACE);
}


#if (AR_TEST_HOOKS)

/*
 * Test builds: while the article's file has a ".hold" beside it, the
 * task waits (30 s at most), so that tests see its response go before
 * it; while it has a ".filed", the task waits so once its page file is
 * written, still holding the mark.
 */

static void
ngx_http_article_render_codings_test_hold(u_char *name)
{
    ngx_uint_t       i;
    struct timespec  tick;

    tick.tv_sec = 0;
    tick.tv_nsec = 10000000;

    for (i = 0; name && i < 3000 && access((char *) name, F_OK) == 0; i++) {
        nanosleep(&tick, NULL);
    }
}

#endif


#else

ngx_int_t
ngx_http_article_render_codings_rest(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf)
{
    return NGX_DECLINED;
}

#endif
