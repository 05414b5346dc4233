/*
 * ngx_http_article_render_module: the render job, and running it in a
 * thread pool as nginx runs its threaded reads.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_article_render_thread.h"
#include "ngx_http_article_render_compress.h"


/* reads that see the file change under them before we give up */
#define NGX_HTTP_AR_READ_TRIES  3


static ngx_uint_t ngx_http_article_render_job_read(
    ngx_http_article_render_job_t *job, u_char **data, size_t *len);
static void ngx_http_article_render_job_finish(
    ngx_http_article_render_job_t *job);
static ngx_int_t ngx_http_article_render_job_compress(
    ngx_http_article_render_job_t *job);
#if (NGX_THREADS)
static void ngx_http_article_render_thread(void *data, ngx_log_t *log);
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

    if (job->rc == NGX_HTTP_AR_JOB_OK) {
        ngx_http_article_render_job_finish(job);
    }
}


/*
 * What follows the render, off the event loop too: the live reload
 * script, the page in each coding of the scope, and a large page's file.
 */

static void
ngx_http_article_render_job_finish(ngx_http_article_render_job_t *job)
{
    u_char  *last, etag[NGX_HTTP_AR_ETAG_LEN];

    if (job->live_reload) {
        last = job->stable
               ? ngx_http_article_render_etag(etag, &job->version,
                                              job->conf_id,
                                              AR_CODING_IDENTITY)
               : etag;

        if (ngx_http_article_render_live_reload_splice(&job->page, etag,
                                                       last - etag,
                                                       job->live_reload)
            != NGX_OK)
        {
            ar_buf_free(&job->page);
            job->rc = NGX_HTTP_AR_JOB_NOMEM;
            return;
        }
    }

    if (ngx_http_article_render_job_compress(job) != NGX_OK) {
        ar_buf_free(&job->page);
        job->rc = NGX_HTTP_AR_JOB_NOMEM;
        return;
    }

    if (job->file == NULL
        || !job->stable
        || job->page.len < NGX_HTTP_AR_FILE_MIN
        || job->page.len > job->file_max)
    {
        return;
    }

    job->in_file = (ngx_http_article_render_file_write(job->file,
                                                (u_char *) job->page.data,
                                                job->page.len,
                                                &job->file_version,
                                                &job->file_err,
                                                &job->file_failed)
                    == NGX_OK);
}


/* each coding of the page goes after the page, in the same buffer */

static ngx_int_t
ngx_http_article_render_job_compress(ngx_http_article_render_job_t *job)
{
    int        rc;
    char      *out;
    size_t     len, n;
    ngx_int_t  coding, level;

    n = job->page.len;
    job->reps[AR_CODING_IDENTITY] = n;

    for (coding = AR_CODING_IDENTITY + 1; coding < AR_CODING_N; coding++) {
        job->reps[coding] = AR_SIZE_NONE;

        level = ngx_http_article_render_compress_level(job->compress, coding);
        if (level < 0) {
            continue;
        }

        if (ar_compress(coding, level, job->page.data, n, NULL, &out, &len)
            != AR_OK)
        {
            return NGX_ERROR;
        }

        rc = ar_buf_append(&job->page, out, len);
        ar_compress_free(NULL, out);

        if (rc != AR_OK) {
            return NGX_ERROR;
        }

        job->reps[coding] = len;
    }

    return NGX_OK;
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
ngx_http_article_render_job_post(ngx_thread_pool_t *tp,
    ngx_http_article_render_job_t *job, ngx_pool_t *pool,
    ngx_event_handler_pt done, void *data)
{
    ngx_thread_task_t  *task;

    task = ngx_thread_task_alloc(pool, 0);
    if (task == NULL) {
        return NGX_ERROR;
    }

    task->ctx = job;
    task->handler = ngx_http_article_render_thread;
    task->event.data = data;
    task->event.handler = done;

    return ngx_thread_task_post(tp, task);
}


static void
ngx_http_article_render_thread(void *data, ngx_log_t *log)
{
    ngx_http_article_render_job_t  *job = data;

    ngx_http_article_render_job_run(job);
}

#endif
