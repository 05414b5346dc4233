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
#include "ngx_http_article_render_compress_task.h"
#include "ngx_http_article_render_cache.h"
#include "ngx_http_article_render_files.h"
#include "ngx_http_article_render_job.h"


#if (NGX_THREADS)

typedef struct {
    ngx_pool_t                          *pool;
    ngx_http_article_render_page_t       page;     /* its own copy */
    ngx_uint_t                           compress;
    ar_buf_t                             in;       /* the job's page */
    size_t                               in_reps[AR_CODING_N];
#if (AR_TEST_HOOKS)
    u_char                              *hold;
    u_char                              *filed;
#endif

    ngx_uint_t                           rc;       /* NGX_OK */
    ngx_http_article_render_out_t        out;

    ngx_thread_pool_t                   *thread_pool;
    ngx_thread_task_t                   *task;
    ngx_event_t                          post;
    ngx_event_t                          keep;
} ngx_http_article_render_compress_task_t;


static void ngx_http_article_render_compress_task_post(ngx_event_t *ev);
static void ngx_http_article_render_compress_task_thread(void *data,
    ngx_log_t *log);
static void ngx_http_article_render_compress_task_done(ngx_event_t *ev);
#if (AR_TEST_HOOKS)
static void ngx_http_article_render_compress_task_test_hold(u_char *name);
#endif


/*
 * After the job, for a page to keep: NGX_OK when the codings left are
 * made and the page stored by the task, which takes over the request's
 * mark; NGX_DECLINED when the page is the request's to store.
 */

ngx_int_t
ngx_http_article_render_compress_rest(ngx_http_article_render_page_t *p,
    ngx_uint_t made, ngx_http_article_render_loc_conf_t *arlcf,
    ngx_log_t *log)
{
    ngx_str_t                                 name;
    ngx_pool_t                               *pool;
    ngx_thread_task_t                        *task;
    ngx_http_article_render_compress_task_t  *t;

    /* a page over max_entry by itself is not kept, and says so at once */

    if (made == arlcf->compress
        || p->body.len > p->cache->max_entry)
    {
        return NGX_DECLINED;
    }

    pool = ngx_create_pool(1024, ngx_cycle->log);
    if (pool == NULL) {
        return NGX_DECLINED;
    }

    task = ngx_thread_task_alloc(pool,
                               sizeof(ngx_http_article_render_compress_task_t));
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

    if (p->cache->path) {
        if (ngx_http_article_render_file_name(pool, p->cache->path,
                                              p->file_seq, &name)
            != NGX_OK)
        {
            free(t->in.data);
            goto failed;
        }

        t->out.file = name.data;
        t->out.file_max = p->cache->max_entry;
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
    t->post.handler = ngx_http_article_render_compress_task_post;
    t->post.log = ngx_cycle->log;

    t->keep.data = t;
    t->keep.log = ngx_cycle->log;

    task->handler = ngx_http_article_render_compress_task_thread;
    task->event.data = t;
    task->event.handler = ngx_http_article_render_compress_task_done;

    /* the mark, or the remake, is the task's now */

    p->node = NULL;
    p->hold = NGX_HTTP_AR_HOLD_NONE;
    p->remake = 0;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, log, 0,
                   "article render: the other codings of \"%V\"",
                   &p->key.path);

    /*
     * Posted once the response is written: a thread woken now could take
     * the event loop's core from it on a busy machine.
     */

    ngx_post_event(&t->post, &ngx_posted_events);

    ngx_http_article_render_keep_worker(&t->keep, arlcf->timeout);

    return NGX_OK;

failed:

    ngx_destroy_pool(pool);

    return NGX_DECLINED;
}


static void
ngx_http_article_render_compress_task_post(ngx_event_t *ev)
{
    ngx_http_article_render_compress_task_t  *t = ev->data;

    if (ngx_thread_task_post(t->thread_pool, t->task) != NGX_OK) {

        /*
         * A full queue: the page is kept with the codings the job made,
         * as compressing here would stall the event loop.
         */

        t->rc = NGX_OK;
        t->out.page = t->in;
        ngx_memzero(&t->in, sizeof(ar_buf_t));
        ngx_memcpy(t->out.reps, t->in_reps, sizeof(t->out.reps));

        ngx_http_article_render_compress_task_done(&t->task->event);
    }
}


static void
ngx_http_article_render_compress_task_thread(void *data, ngx_log_t *log)
{
    ngx_http_article_render_compress_task_t  *t = data;

#if (AR_TEST_HOOKS)
    ngx_http_article_render_compress_task_test_hold(t->hold);
#endif

    /* the page, then each coding in order: the one made, or made here */

    t->rc = NGX_ERROR;

    if (ar_buf_append(&t->out.page, t->in.data,
                      t->in_reps[AR_CODING_IDENTITY])
        == AR_OK
        && ngx_http_article_render_out_compress(&t->out, t->compress,
                                                t->in.data, t->in_reps)
           == NGX_OK)
    {
        t->rc = NGX_OK;
    }

    ar_buf_free(&t->in);

    if (t->rc != NGX_OK
        || ngx_http_article_render_out_write(&t->out) == NGX_DECLINED)
    {
        return;
    }

#if (AR_TEST_HOOKS)
    ngx_http_article_render_compress_task_test_hold(t->filed);
#endif
}


/* on the event loop: the page goes to the zone; no request is touched */

static void
ngx_http_article_render_compress_task_done(ngx_event_t *ev)
{
    ngx_http_article_render_compress_task_t  *t = ev->data;

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

    p->body.data = (u_char *) t->out.page.data;
    p->body.len = t->out.page.len;
    p->body_len = t->out.page.len;
    ngx_memcpy(p->reps, t->out.reps, sizeof(p->reps));

    (void) ngx_http_article_render_out_store(p, &t->out, ngx_cycle->log);

done:

    /* a mark not replaced by a page: waiters go on at once */
    ngx_http_article_render_cache_release(p);

    ar_buf_free(&t->out.page);
    ngx_destroy_pool(t->pool);
}


#if (AR_TEST_HOOKS)

/*
 * Test builds: while the article's file has a ".hold" beside it, the
 * task waits (30 s at most), so that tests see its response go before
 * it; while it has a ".filed", the task waits so once its page file is
 * written, still holding the mark.
 */

static void
ngx_http_article_render_compress_task_test_hold(u_char *name)
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
ngx_http_article_render_compress_rest(ngx_http_article_render_page_t *p,
    ngx_uint_t made, ngx_http_article_render_loc_conf_t *arlcf,
    ngx_log_t *log)
{
    return NGX_DECLINED;
}

#endif
