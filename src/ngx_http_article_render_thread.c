/*
 * ngx_http_article_render_module: the render job, and running it in a
 * thread pool.
 *
 * A job reads an article file and renders it into a page.  It touches
 * nothing but its own ngx_http_article_render_job_t: no request, pool,
 * log or zone, so a pool thread can run it while the event loop goes on.
 * Its time and memory budgets are enforced by the core's render arena.
 * The request is held (r->main->blocked) until the job is done, then
 * resumed from the completion handler, as nginx's threaded reads are.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_article_render_module.h"


/* reads that see the file change under them before we give up */
#define NGX_HTTP_AR_READ_TRIES  3

/* how long past its budget a render keeps the worker up */
#define NGX_HTTP_AR_RENDER_GRACE  1000


static ngx_uint_t ngx_http_article_render_job_read(
    ngx_http_article_render_job_t *job, u_char **data, size_t *len);
#if (NGX_THREADS)
static void ngx_http_article_render_thread(void *data, ngx_log_t *log);
static void ngx_http_article_render_job_done(ngx_event_t *ev);
static void ngx_http_article_render_keep_worker(ngx_event_t *ev);
#endif


void
ngx_http_article_render_job_run(ngx_http_article_render_job_t *job)
{
    int           rc;
    u_char       *data;
    size_t        len;
    ar_article_t  article;

    data = NULL;

    job->rc = ngx_http_article_render_job_read(job, &data, &len);

    if (job->rc != NGX_HTTP_AR_JOB_OK) {
        free(data);
        return;
    }

    rc = ar_render_article(job->render, &job->limits, (const char *) data,
                           len, &article);
    free(data);

    switch (rc) {

    case AR_OK:
        break;

    case AR_EMEMORY:
        job->rc = NGX_HTTP_AR_JOB_MEMORY;
        return;

    case AR_ETIME:
        job->rc = NGX_HTTP_AR_JOB_TIME;
        return;

    default:
        job->rc = NGX_HTTP_AR_JOB_NOMEM;
        return;
    }

    /* malformed front matter is rendered as Markdown, and logged */

    job->meta_invalid = article.meta.invalid;
    ngx_memcpy(job->meta_error, article.meta.error, AR_META_ERR_LEN);

    if (ar_template_expand(job->tpl, &article, (const char *) job->fallback,
                           job->fallback_len, &job->page)
        != AR_OK)
    {
        ar_buf_free(&job->page);
        job->rc = NGX_HTTP_AR_JOB_NOMEM;
    }

    ar_article_free(&article);
}


/*
 * Reads the whole file.  The validators are taken before and after the
 * read: a file that changed in between is read again, so that a page is
 * the rendering of one complete version; one that keeps changing is
 * rendered as read, and marked unstable.
 */

static ngx_uint_t
ngx_http_article_render_job_read(ngx_http_article_render_job_t *job,
    u_char **data, size_t *len)
{
    size_t                              size;
    ssize_t                             n;
    ngx_uint_t                          tries;
    ngx_file_info_t                     fi;
    ngx_http_article_render_version_t   after;

    for (tries = 1; /* void */; tries++) {

        if (ngx_fd_info(job->fd, &fi) == NGX_FILE_ERROR) {
            job->err = ngx_errno;
            job->failed = ngx_fd_info_n;
            return NGX_HTTP_AR_JOB_SYSERR;
        }

        ngx_http_article_render_version(&fi, &job->version);

        if (job->version.size > (off_t) job->max_size) {
            return NGX_HTTP_AR_JOB_TOO_LARGE;
        }

        size = (size_t) job->version.size;

        free(*data);

        *data = malloc(size + 1);
        if (*data == NULL) {
            return NGX_HTTP_AR_JOB_NOMEM;
        }

        for (*len = 0; *len < size; *len += n) {
            n = pread(job->fd, *data + *len, size - *len, *len);

            if (n == -1) {
                job->err = ngx_errno;
                job->failed = "pread()";
                return NGX_HTTP_AR_JOB_SYSERR;
            }

            if (n == 0) {
                break;
            }
        }

        if (ngx_fd_info(job->fd, &fi) == NGX_FILE_ERROR) {
            job->err = ngx_errno;
            job->failed = ngx_fd_info_n;
            return NGX_HTTP_AR_JOB_SYSERR;
        }

        ngx_http_article_render_version(&fi, &after);

        job->stable = (*len == size
                       && ngx_memcmp(&after, &job->version,
                              sizeof(ngx_http_article_render_version_t))
                          == 0);

        if (job->stable || tries == NGX_HTTP_AR_READ_TRIES) {
            return NGX_HTTP_AR_JOB_OK;
        }
    }
}


#if (NGX_THREADS)

ngx_int_t
ngx_http_article_render_job_post(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf)
{
    ngx_thread_task_t  *task;

    task = ngx_thread_task_alloc(r->pool, 0);
    if (task == NULL) {
        return NGX_ERROR;
    }

    task->ctx = &ctx->job;
    task->handler = ngx_http_article_render_thread;
    task->event.data = r;
    task->event.handler = ngx_http_article_render_job_done;

    if (ngx_thread_task_post(arlcf->pool, task) != NGX_OK) {
        return NGX_ERROR;
    }

    r->main->blocked++;
    r->aio = 1;

    r->read_event_handler = ngx_http_test_reading;
    r->write_event_handler = ngx_http_article_render_resume;

    /*
     * A worker that is shutting down exits when no timers are left: this
     * one keeps it up until the job is done and the client answered.
     */

    ctx->timer.handler = ngx_http_article_render_keep_worker;
    ngx_add_timer(&ctx->timer, arlcf->timeout + NGX_HTTP_AR_RENDER_GRACE);

    return NGX_OK;
}


static void
ngx_http_article_render_thread(void *data, ngx_log_t *log)
{
    ngx_http_article_render_job_t  *job = data;

    ngx_http_article_render_job_run(job);
}


static void
ngx_http_article_render_job_done(ngx_event_t *ev)
{
    ngx_http_request_t             *r;
    ngx_http_article_render_ctx_t  *ctx;

    r = ev->data;

    ngx_http_set_log_request(r->connection->log, r);

    r->main->blocked--;
    r->aio = 0;

    ctx = ngx_http_get_module_ctx(r, ngx_http_article_render_module);

    if (ctx->timer.timer_set) {
        ngx_del_timer(&ctx->timer);
    }

    /* the page is kept even if the client has gone meanwhile */

    ngx_http_article_render_settled(r);

    r->connection->write->handler(r->connection->write);
}


static void
ngx_http_article_render_keep_worker(ngx_event_t *ev)
{
    ngx_add_timer(ev, NGX_HTTP_AR_RENDER_GRACE);
}

#endif
