/*
 * ngx_http_article_render_module: the render job, and running it in a
 * thread pool as nginx runs its threaded reads; the steps of any page
 * made off the event loop (its codings, its file, storing it after).
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_article_render_job.h"
#include "ngx_http_article_render_coding.h"
#include "ngx_http_article_render_cache.h"
#include "ngx_http_article_render_files.h"
#include "ngx_http_article_render_live_reload.h"


/* reads that see the file change under them before we give up */
#define NGX_HTTP_AR_READ_TRIES  3

/* how long past its time budget a job keeps an exiting worker up */
#define NGX_HTTP_AR_JOB_GRACE   1000


static ngx_uint_t ngx_http_article_render_job_read(
    ngx_http_article_render_job_t *job, u_char **data, size_t *len);
static void ngx_http_article_render_job_list(
    ngx_http_article_render_job_t *job);
static ngx_uint_t ngx_http_article_render_job_rc(int rc);
static int ngx_http_article_render_job_splice(
    ngx_http_article_render_job_t *job, ar_article_t *article);
static void ngx_http_article_render_job_finish(
    ngx_http_article_render_job_t *job);
#if (NGX_THREADS)
static void ngx_http_article_render_thread(void *data, ngx_log_t *log);
static void ngx_http_article_render_keep_handler(ngx_event_t *ev);
#endif


void
ngx_http_article_render_job_run(ngx_http_article_render_job_t *job)
{
    int           rc, wanted;
    u_char       *data;
    size_t        len;
    ar_article_t  article;

    if (job->kind != NGX_HTTP_AR_ARTICLE) {
        ngx_http_article_render_job_list(job);
        return;
    }

    data = NULL;

    job->rc = ngx_http_article_render_job_read(job, &data, &len);

    if (job->rc != NGX_HTTP_AR_JOB_OK) {
        free(data);
        return;
    }

    wanted = job->articles && ar_listing_wanted((const char *) data, len);

    rc = ar_render_article(job->render, &job->limits, (const char *) data,
                           len, &article);
    free(data);

    if (rc == AR_OK && wanted) {
        rc = ngx_http_article_render_job_splice(job, &article);

        if (rc != AR_OK) {
            ar_article_free(&article);
        }
    }

    job->rc = ngx_http_article_render_job_rc(rc);

    if (job->rc != NGX_HTTP_AR_JOB_OK) {
        return;
    }

    /* malformed front matter is rendered as Markdown, and logged */

    job->meta_invalid = article.meta.invalid;
    ngx_memcpy(job->meta_error, article.meta.error, AR_META_ERR_LEN);

    if (ar_template_expand(job->tpl, &article, (const char *) job->fallback,
                           job->fallback_len, &job->out.page)
        != AR_OK)
    {
        ar_buf_free(&job->out.page);
        job->rc = NGX_HTTP_AR_JOB_NOMEM;
    }

    ar_article_free(&article);

    if (job->rc == NGX_HTTP_AR_JOB_OK) {
        ngx_http_article_render_job_finish(job);
    }
}


/*
 * In a worker that renders in thread pools, before its first render:
 * glibc's malloc gives each thread an arena of its own, so that every
 * render thread came to hold the memory of a large render (800 MB in a
 * worker of 32 threads after 2 MB articles), and a render taken by a
 * thread whose arena had not held one yet paid a page fault for every
 * page it touched.  The render threads share the process's arena
 * instead; a render takes its memory in 64 KB blocks (ar_arena.c), so
 * that the arena's lock is taken rarely.
 */

void
ngx_http_article_render_job_init_threads(void)
{
#if (NGX_THREADS) && defined(M_ARENA_MAX)
    (void) mallopt(M_ARENA_MAX, 1);
#endif
}


/* a directory's index, feed or sitemap */

static void
ngx_http_article_render_job_list(ngx_http_article_render_job_t *job)
{
    int           rc;
    ar_article_t  article;
    ar_listing_t  listing;

    rc = ar_listing_build(&job->list, &job->limits, &listing);

    if (rc == AR_ERROR && errno != ENOMEM) {
        job->rc = NGX_HTTP_AR_JOB_SYSERR;
        job->err = ngx_errno;
        job->failed = "listing the directory of";
        return;
    }

    job->rc = ngx_http_article_render_job_rc(rc);

    if (job->rc != NGX_HTTP_AR_JOB_OK) {
        return;
    }

    if (job->kind != NGX_HTTP_AR_INDEX) {
        /* the document is the page */
        job->out.page = listing.body;
        ngx_memzero(&listing.body, sizeof(ar_buf_t));

    } else {
        /*
         * The list under the directory's title, as an article's text is
         * under its own heading, is the content of the scope's template.
         */

        ngx_memzero(&article, sizeof(ar_article_t));
        article.title = listing.title;

        if (ar_buf_append(&article.html, "<h1>", 4) != AR_OK
            || ar_buf_append(&article.html, listing.title.data,
                             listing.title.len) != AR_OK
            || ar_buf_append(&article.html, "</h1>\n", 6) != AR_OK
            || ar_buf_append(&article.html, listing.body.data,
                             listing.body.len) != AR_OK
            || ar_template_expand(job->tpl, &article, NULL, 0, &job->out.page)
               != AR_OK)
        {
            ar_buf_free(&job->out.page);
            job->rc = NGX_HTTP_AR_JOB_NOMEM;
        }

        ar_buf_free(&article.html);
    }

    ar_listing_free(&listing);

    if (job->rc == NGX_HTTP_AR_JOB_OK) {
        ngx_http_article_render_job_finish(job);
    }
}


/* the list of the index article's directory, in place of its placeholder */

static int
ngx_http_article_render_job_splice(ngx_http_article_render_job_t *job,
    ar_article_t *article)
{
    int           rc, found;
    ar_listing_t  listing;

    rc = ar_listing_build(&job->list, &job->limits, &listing);

    if (rc == AR_ERROR && errno != ENOMEM) {
        /* the directory went away meanwhile: the article as it is */
        return AR_OK;
    }

    if (rc == AR_OK) {
        rc = ar_listing_splice(&article->html, &listing.body, &found);
    }

    ar_listing_free(&listing);

    return rc;
}


static ngx_uint_t
ngx_http_article_render_job_rc(int rc)
{
    switch (rc) {

    case AR_OK:
        return NGX_HTTP_AR_JOB_OK;

    case AR_EMEMORY:
        return NGX_HTTP_AR_JOB_MEMORY;

    case AR_ETIME:
        return NGX_HTTP_AR_JOB_TIME;

    default:
        return NGX_HTTP_AR_JOB_NOMEM;
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

        if (ngx_http_article_render_live_reload_splice(&job->out.page, etag,
                                                       last - etag,
                                                       job->live_reload)
            != NGX_OK)
        {
            ar_buf_free(&job->out.page);
            job->rc = NGX_HTTP_AR_JOB_NOMEM;
            return;
        }
    }

    if (job->kind != NGX_HTTP_AR_ARTICLE || job->articles) {
        job->digest = ngx_crc32_long((u_char *) job->out.page.data,
                                     job->out.page.len);
    }

    if (ngx_http_article_render_out_compress(&job->out, job->compress, NULL,
                                             NULL)
        != NGX_OK)
    {
        ar_buf_free(&job->out.page);
        job->rc = NGX_HTTP_AR_JOB_NOMEM;
        return;
    }

    if (job->stable) {
        (void) ngx_http_article_render_out_write(&job->out);
    }
}


/*
 * The page in each coding of compress, after its identity page in the
 * same buffer: copied from made, the page of a job that made some
 * codings already (made_reps, AR_SIZE_NONE for the others), or else
 * compressed here.
 */

ngx_int_t
ngx_http_article_render_out_compress(ngx_http_article_render_out_t *out,
    ngx_uint_t compress, const char *made, const size_t *made_reps)
{
    int        rc;
    char      *data;
    size_t     len, n, off;
    ngx_int_t  coding, level;

    n = out->page.len;
    out->reps[AR_CODING_IDENTITY] = n;

    off = made ? made_reps[AR_CODING_IDENTITY] : 0;

    for (coding = AR_CODING_IDENTITY + 1; coding < AR_CODING_N; coding++) {
        out->reps[coding] = AR_SIZE_NONE;

        level = ngx_http_article_render_compress_level(compress, coding);

        if (made && made_reps[coding] != AR_SIZE_NONE) {
            len = made_reps[coding];

            if (level >= 0) {
                if (ar_buf_append(&out->page, made + off, len) != AR_OK) {
                    return NGX_ERROR;
                }

                out->reps[coding] = len;
            }

            off += len;
            continue;
        }

        if (level < 0) {
            continue;
        }

        if (ar_compress(coding, level, out->page.data, n, NULL, &data, &len)
            != AR_OK)
        {
            return NGX_ERROR;
        }

        rc = ar_buf_append(&out->page, data, len);
        ar_compress_free(NULL, data);

        if (rc != AR_OK) {
            return NGX_ERROR;
        }

        out->reps[coding] = len;
    }

    return NGX_OK;
}


/*
 * A large page goes to its file, where the zone has a path: NGX_DECLINED
 * where it does not, or the page is not of a file's size.
 */

ngx_int_t
ngx_http_article_render_out_write(ngx_http_article_render_out_t *out)
{
    if (out->file == NULL
        || out->page.len < NGX_HTTP_AR_FILE_MIN
        || out->page.len > out->file_max)
    {
        return NGX_DECLINED;
    }

    out->in_file = (ngx_http_article_render_file_write(out->file,
                                                (u_char *) out->page.data,
                                                out->page.len,
                                                &out->file_version,
                                                &out->file_err,
                                                &out->file_failed)
                    == NGX_OK);

    return out->in_file ? NGX_OK : NGX_ERROR;
}


/*
 * On the event loop: the page of p (its body, the page made) is kept, in
 * its file when the job wrote one, else in the zone.  A file the zone
 * has no room for is deleted.  p->body is left to be sent.
 */

ngx_int_t
ngx_http_article_render_out_store(ngx_http_article_render_page_t *p,
    ngx_http_article_render_out_t *out, ngx_log_t *log)
{
    ngx_int_t  rc;
    ngx_str_t  body;

    if (!out->in_file) {

        if (out->file_failed) {
            ngx_http_article_render_cache_fault(p->cache,
                                                NGX_HTTP_AR_FAULT_WRITE, log,
                                                out->file_err,
                                                out->file_failed, out->file,
                                                &p->key.path);
        }

        return ngx_http_article_render_cache_store(p);
    }

    body = p->body;

    p->file.data = out->file;
    p->file.len = ngx_strlen(out->file);
    p->file_version = out->file_version;
    ngx_str_null(&p->body);

    ngx_http_article_render_cache_fault_end(p->cache,
                                            NGX_HTTP_AR_FAULT_WRITE);

    rc = ngx_http_article_render_cache_store(p);

    if (rc != NGX_OK) {
        ngx_http_article_render_file_delete(out->file, log);
    }

    /* the page goes out from memory this time */

    p->body = body;
    ngx_str_null(&p->file);

    return rc;
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


/*
 * An exiting worker waits for the timers left: a job in a pool, or a
 * task, arms this one (its data and log set) until its completion
 * handler deletes it.
 */

void
ngx_http_article_render_keep_worker(ngx_event_t *ev, ngx_msec_t timeout)
{
    ev->handler = ngx_http_article_render_keep_handler;

    ngx_add_timer(ev, timeout + NGX_HTTP_AR_JOB_GRACE);
}


static void
ngx_http_article_render_keep_handler(ngx_event_t *ev)
{
    ngx_add_timer(ev, NGX_HTTP_AR_JOB_GRACE);
}

#endif
