/*
 * ngx_http_article_render_module: the content handler.
 *
 * An article request is one whose URI maps to a regular file with one of
 * the configured suffixes.  The file is opened as the static module opens
 * files, and the request then takes one of these paths:
 *
 *   hit       the page is in the cache zone for this file version: it is
 *             sent from the zone, or from its file (see
 *             ngx_http_article_render_files.c);
 *   render    it is not: the file is read and rendered by a render job,
 *             in the thread pool (the request resumes when the job is
 *             done) or inline without one; the page is kept in the zone;
 *   wait      another request, in any worker, is rendering this version:
 *             the request polls the zone until that page is there, the
 *             render fails, or article_render_timeout passes (503);
 *   failed    this version passed its render budgets before: 500 at once.
 *
 * nginx's not-modified, range and gzip filters do the rest.  Everything
 * that is not an article request is declined to the next handler.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_article_render_module.h"


/* how often a waiting request looks at the zone again */
#define NGX_HTTP_AR_WAIT_POLL   10


static ngx_str_t *ngx_http_article_render_suffix(
    ngx_http_article_render_loc_conf_t *arlcf, ngx_str_t *path);
static ngx_int_t ngx_http_article_render_open(ngx_http_request_t *r,
    ngx_str_t *path, ngx_open_file_info_t *of);
static ngx_int_t ngx_http_article_render_init_ctx(ngx_http_request_t *r,
    ngx_http_article_render_loc_conf_t *arlcf, ngx_str_t *path,
    ngx_str_t *suffix, ngx_open_file_info_t *of);
static void ngx_http_article_render_cleanup(void *data);
static ngx_int_t ngx_http_article_render_unchanged(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf);
static ngx_int_t ngx_http_article_render_process(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf);
static void ngx_http_article_render_wait_handler(ngx_event_t *ev);
static ngx_int_t ngx_http_article_render_settle(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf);
static void ngx_http_article_render_keep(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf);
static ngx_int_t ngx_http_article_render_respond(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf);
static ngx_int_t ngx_http_article_render_send(ngx_http_request_t *r,
    ngx_http_article_render_loc_conf_t *arlcf,
    ngx_http_article_render_cache_key_t *key, ngx_uint_t validators);
static ngx_chain_t *ngx_http_article_render_body(ngx_http_request_t *r,
    ngx_http_article_render_loc_conf_t *arlcf, ngx_str_t *page);
static ngx_int_t ngx_http_article_render_headers(ngx_http_request_t *r,
    ngx_http_article_render_cache_key_t *key, ngx_str_t *etag);
static ngx_int_t ngx_http_article_render_etag(ngx_http_request_t *r,
    ngx_http_article_render_loc_conf_t *arlcf,
    ngx_http_article_render_version_t *v, ngx_str_t *etag);


ngx_int_t
ngx_http_article_render_handler(ngx_http_request_t *r)
{
    u_char                              *last;
    size_t                               root;
    ngx_int_t                            rc;
    ngx_str_t                            path, *suffix;
    ngx_open_file_info_t                 of;
    ngx_http_article_render_ctx_t       *ctx;
    ngx_http_article_render_loc_conf_t  *arlcf;

    arlcf = ngx_http_get_module_loc_conf(r, ngx_http_article_render_module);

    if (!arlcf->enable || r->uri.data[r->uri.len - 1] == '/') {
        return NGX_DECLINED;
    }

    last = ngx_http_map_uri_to_path(r, &path, &root, 0);
    if (last == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    path.len = last - path.data;

    suffix = ngx_http_article_render_suffix(arlcf, &path);
    if (suffix == NULL) {
        return NGX_DECLINED;
    }

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "article render filename: \"%s\"", path.data);

    rc = ngx_http_article_render_open(r, &path, &of);
    if (rc != NGX_OK) {
        return rc;
    }

    r->root_tested = !r->error_page;

    /* directories, devices and FIFOs are served as without the module */

    if (!of.is_file) {
        return NGX_DECLINED;
    }

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        if (ngx_http_article_render_add_header(r, "Allow", "GET, HEAD")
            == NULL)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    if (ngx_http_article_render_wants_markdown(r)) {
        return ngx_http_article_render_send_markdown(r, &path, &of);
    }

    rc = ngx_http_article_render_init_ctx(r, arlcf, &path, suffix, &of);
    if (rc != NGX_OK) {
        return rc;
    }

    ctx = ngx_http_get_module_ctx(r, ngx_http_article_render_module);

    rc = ngx_http_article_render_unchanged(r, ctx, arlcf);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    rc = ngx_http_article_render_process(r, ctx, arlcf);

    if (rc == NGX_DONE) {
        /* a render in the pool, or a wait: the request goes on later */
        r->main->count++;
    }

    return rc;
}


/* the configured suffix the file name ends with, matched without case */

static ngx_str_t *
ngx_http_article_render_suffix(ngx_http_article_render_loc_conf_t *arlcf,
    ngx_str_t *path)
{
    ngx_str_t   *s;
    ngx_uint_t   i;

    s = arlcf->suffixes->elts;

    for (i = 0; i < arlcf->suffixes->nelts; i++) {
        if (path->len > s[i].len
            && path->data[path->len - s[i].len - 1] != '/'
            && ngx_strncasecmp(path->data + path->len - s[i].len,
                               s[i].data, s[i].len) == 0)
        {
            return &s[i];
        }
    }

    return NULL;
}


/* opens the file as the static module does, with its statuses and logs */

static ngx_int_t
ngx_http_article_render_open(ngx_http_request_t *r, ngx_str_t *path,
    ngx_open_file_info_t *of)
{
    ngx_int_t                  rc;
    ngx_uint_t                 level;
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

    ngx_memzero(of, sizeof(ngx_open_file_info_t));

    of->read_ahead = clcf->read_ahead;
    of->directio = NGX_OPEN_FILE_DIRECTIO_OFF;
    of->valid = clcf->open_file_cache_valid;
    of->min_uses = clcf->open_file_cache_min_uses;
    of->errors = clcf->open_file_cache_errors;
    of->events = clcf->open_file_cache_events;

    if (ngx_http_set_disable_symlinks(r, clcf, path, of) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_open_cached_file(clcf->open_file_cache, path, of, r->pool)
        == NGX_OK)
    {
        return NGX_OK;
    }

    switch (of->err) {

    case 0:
        return NGX_HTTP_INTERNAL_SERVER_ERROR;

    case NGX_ENOENT:
    case NGX_ENOTDIR:
    case NGX_ENAMETOOLONG:

        level = NGX_LOG_ERR;
        rc = NGX_HTTP_NOT_FOUND;
        break;

    case NGX_EACCES:
#if (NGX_HAVE_OPENAT)
    case NGX_EMLINK:
    case NGX_ELOOP:
#endif

        level = NGX_LOG_ERR;
        rc = NGX_HTTP_FORBIDDEN;
        break;

    default:

        level = NGX_LOG_CRIT;
        rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
        break;
    }

    if (rc != NGX_HTTP_NOT_FOUND || clcf->log_not_found) {
        ngx_log_error(level, r->connection->log, of->err,
                      "%s \"%s\" failed", of->failed, path->data);
    }

    return rc;
}


void
ngx_http_article_render_version(ngx_file_info_t *fi,
    ngx_http_article_render_version_t *v)
{
    /* zeroed first, so that versions compare with memcmp() */
    ngx_memzero(v, sizeof(ngx_http_article_render_version_t));

    v->dev = fi->st_dev;
    v->ino = fi->st_ino;
    v->size = ngx_file_size(fi);
    v->mtime = ngx_file_mtime(fi);

#if (NGX_HAVE_ST_MTIM)
    v->mtime_nsec = fi->st_mtim.tv_nsec;
#endif
}




/*
 * The request's context: the cache key and the render job, both set up
 * here once, and a cleanup that lets go of whatever the request still
 * holds (a pinned page, a mark in the zone, a rendered page, a timer)
 * however it ends.
 */

static ngx_int_t
ngx_http_article_render_init_ctx(ngx_http_request_t *r,
    ngx_http_article_render_loc_conf_t *arlcf, ngx_str_t *path,
    ngx_str_t *suffix, ngx_open_file_info_t *of)
{
    u_char                              *name, *end;
    ngx_file_info_t                      fi;
    ngx_pool_cleanup_t                  *cln;
    ngx_http_article_render_ctx_t       *ctx;
    ngx_http_article_render_job_t       *job;
    ngx_http_article_render_cache_key_t *key;

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_article_render_ctx_t));
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /*
     * The cleanup is handed the context itself: nginx clears the
     * request's module contexts on an internal redirect and when a filter
     * finalizes the request (a 412 to If-Match), and the location, with
     * its zone, may be another one by then.
     */

    cln->handler = ngx_http_article_render_cleanup;
    cln->data = ctx;

    ngx_http_set_ctx(r, ctx, ngx_http_article_render_module);

    ctx->zone = arlcf->cache_zone;
    ctx->timer.data = r;
    ctx->timer.log = r->connection->log;

    /*
     * A fresh stat: the validators a cached page must still match.  The
     * one ngx_open_cached_file() took is not enough: its result keeps
     * neither the device nor the nanoseconds of the modification time,
     * and without the nanoseconds two saves of one size within a second
     * would look alike.
     */

    if (ngx_fd_info(of->fd, &fi) == NGX_FILE_ERROR) {
        ngx_log_error(NGX_LOG_CRIT, r->connection->log, ngx_errno,
                      ngx_fd_info_n " \"%s\" failed", path->data);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    key = &ctx->key;

    key->path = *path;
    key->conf_id = arlcf->conf_id;

    ngx_crc32_init(key->hash);
    ngx_crc32_update(&key->hash, path->data, path->len);
    ngx_crc32_update(&key->hash, (u_char *) &key->conf_id, sizeof(uint32_t));
    ngx_crc32_final(key->hash);

    ngx_http_article_render_version(&fi, &key->version);
    key->last_modified = ngx_max(key->version.mtime, arlcf->template->mtime);

    /* the fallback title: the file name without its suffix */

    end = path->data + path->len - suffix->len;

    for (name = end; name > path->data && name[-1] != '/'; name--) {
        /* void */
    }

    job = &ctx->job;

    job->fd = of->fd;
    job->max_size = arlcf->max_size;
    job->render = &arlcf->render;
    job->tpl = &arlcf->template->tpl;
    job->limits.max_memory = arlcf->max_memory;
    job->limits.timeout_ms = arlcf->timeout;
#if (AR_TEST_HOOKS)
    job->limits.test_delay_ms = arlcf->test_delay;
#endif
    job->fallback = name;
    job->fallback_len = end - name;

    return NGX_OK;
}


static void
ngx_http_article_render_cleanup(void *data)
{
    ngx_http_article_render_ctx_t  *ctx = data;

    if (ctx->pin.entry) {
        ngx_http_article_render_cache_unpin(&ctx->pin);
    }

    if (ctx->marked) {
        ngx_http_article_render_cache_unmark(ctx->zone, &ctx->key);
    }

    if (ctx->timer.timer_set) {
        ngx_del_timer(&ctx->timer);
    }

    ar_buf_free(&ctx->job.page);
}


/*
 * A request whose If-None-Match names the ETag of this file version and
 * configuration already has the page: it is answered 304 at once, with
 * neither the zone asked nor anything rendered, which is what a cache
 * tier revalidating pages asks most.  Only the plain case is taken here
 * (one entity tag, no If-Modified-Since, the main request), where nginx's
 * not-modified filter is sure to answer 304 as well; the rest takes the
 * usual way.
 */

static ngx_int_t
ngx_http_article_render_unchanged(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf)
{
    u_char           *p;
    size_t            len;
    ngx_str_t         etag;
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

    if (ngx_http_article_render_etag(r, arlcf, &ctx->key.version, &etag)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (len != etag.len || ngx_strncmp(p, etag.data, len) != 0) {
        return NGX_DECLINED;
    }

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "article render: \"%s\" unchanged", ctx->key.path.data);

    if (ngx_http_article_render_headers(r, &ctx->key, &etag) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* the client's page is the zone's, were it asked */
    ctx->cache_status = NGX_HTTP_AR_CACHE_HIT;

    return ngx_http_send_header(r);
}


/*
 * Answers from the zone, or waits, or renders.  Returns NGX_DONE when
 * the request goes on later: a render in the pool, or a wait.
 */

static ngx_int_t
ngx_http_article_render_process(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf)
{
    ngx_int_t   rc;
    ngx_uint_t  status, marked;

    if (arlcf->cache_zone == NULL) {
        ctx->cache_status = NGX_HTTP_AR_CACHE_BYPASS;

    } else {
        status = ngx_http_article_render_cache_lookup(arlcf->cache_zone,
                                                      &ctx->key,
                                                      &ctx->job.limits,
                                                      &ctx->pin, &marked);
        ctx->marked = marked;

        switch (status) {

        case NGX_HTTP_AR_CACHE_HIT:

            if (ctx->key.page.data == NULL) {
                rc = ngx_http_article_render_file_open(r, &ctx->key,
                                                       &ctx->page_file);
                if (rc == NGX_ERROR) {
                    return NGX_HTTP_INTERNAL_SERVER_ERROR;
                }

                if (rc == NGX_DECLINED) {
                    /* the page's file is gone: render the page again */
                    ngx_http_article_render_cache_forget(&ctx->pin);
                    ngx_str_null(&ctx->key.file);
                    ctx->cache_status = NGX_HTTP_AR_CACHE_MISS;
                    break;
                }
            }

            ctx->cache_status = status;
            return ngx_http_article_render_send(r, arlcf, &ctx->key, 1);

        case NGX_HTTP_AR_CACHE_FAILED:
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "article \"%s\" passed its render budget before, "
                          "not rendered again until it changes",
                          ctx->key.path.data);
            return NGX_HTTP_INTERNAL_SERVER_ERROR;

        case NGX_HTTP_AR_CACHE_UPDATING:

            if (ctx->wait_start == 0) {
                ctx->wait_start = ngx_current_msec ? ngx_current_msec : 1;

            } else if (ngx_current_msec - ctx->wait_start >= arlcf->timeout) {
                ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                              "article \"%s\" is still being rendered "
                              "after %M ms", ctx->key.path.data,
                              arlcf->timeout);

                if (ngx_http_article_render_add_header(r, "Retry-After", "1")
                    == NULL)
                {
                    return NGX_HTTP_INTERNAL_SERVER_ERROR;
                }

                return NGX_HTTP_SERVICE_UNAVAILABLE;
            }

            ctx->timer.handler = ngx_http_article_render_wait_handler;
            ngx_add_timer(&ctx->timer, NGX_HTTP_AR_WAIT_POLL);

            r->read_event_handler = ngx_http_test_reading;
            r->write_event_handler = ngx_http_request_empty_handler;

            return NGX_DONE;

        default: /* MISS, EXPIRED */
            ctx->cache_status = status;
            break;
        }
    }

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "article render: rendering \"%s\"", ctx->key.path.data);

#if (NGX_THREADS)

    if (arlcf->pool) {
        if (ngx_http_article_render_job_post(r, ctx, arlcf) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return NGX_DONE;
    }

#endif

    ngx_http_article_render_job_run(&ctx->job);

    return ngx_http_article_render_respond(r, ctx, arlcf);
}


static void
ngx_http_article_render_wait_handler(ngx_event_t *ev)
{
    ngx_int_t                            rc;
    ngx_connection_t                    *c;
    ngx_http_request_t                  *r;
    ngx_http_article_render_ctx_t       *ctx;
    ngx_http_article_render_loc_conf_t  *arlcf;

    r = ev->data;
    c = r->connection;

    ngx_http_set_log_request(c->log, r);

    ctx = ngx_http_get_module_ctx(r, ngx_http_article_render_module);
    arlcf = ngx_http_get_module_loc_conf(r, ngx_http_article_render_module);

    rc = ngx_http_article_render_process(r, ctx, arlcf);

    if (rc != NGX_DONE) {
        ngx_http_finalize_request(r, rc);
    }

    ngx_http_run_posted_requests(c);
}


/*
 * Called when a render job has finished, inline or from the pool's
 * completion handler, and whether or not the client is still there:
 * keeps the page (or the failure) in the zone and logs what went wrong.
 */

void
ngx_http_article_render_settled(ngx_http_request_t *r)
{
    ngx_http_article_render_ctx_t       *ctx;
    ngx_http_article_render_loc_conf_t  *arlcf;

    ctx = ngx_http_get_module_ctx(r, ngx_http_article_render_module);
    arlcf = ngx_http_get_module_loc_conf(r, ngx_http_article_render_module);

    ctx->rendered = 1;
    ctx->status = ngx_http_article_render_settle(r, ctx, arlcf);
}


static ngx_int_t
ngx_http_article_render_settle(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf)
{
    ngx_log_t                      *log;
    ngx_http_article_render_job_t  *job;

    log = r->connection->log;
    job = &ctx->job;

    switch (job->rc) {

    case NGX_HTTP_AR_JOB_OK:

        if (job->meta_invalid) {
            ngx_log_error(NGX_LOG_INFO, log, 0,
                          "article \"%s\": front matter ignored, %s",
                          ctx->key.path.data, job->meta_error);
        }

        if (!job->stable) {
            ngx_log_error(NGX_LOG_WARN, log, 0,
                          "article \"%s\" kept changing while read, "
                          "served uncached and without validators",
                          ctx->key.path.data);
        }

        /* the key now describes the page read and rendered */

        ctx->key.version = job->version;
        ctx->key.last_modified = ngx_max(job->version.mtime,
                                         arlcf->template->mtime);
        ctx->key.page.data = (u_char *) job->page.data;
        ctx->key.page.len = job->page.len;

        if (arlcf->cache_zone && job->stable) {
            ngx_http_article_render_keep(r, ctx, arlcf);
        }

        return NGX_OK;

    case NGX_HTTP_AR_JOB_TOO_LARGE:
        ngx_log_error(NGX_LOG_ERR, log, 0,
                      "article \"%s\" is %O bytes, more than "
                      "article_render_max_size %uz",
                      ctx->key.path.data, job->version.size, arlcf->max_size);
        break;

    case NGX_HTTP_AR_JOB_SYSERR:
        ngx_log_error(NGX_LOG_CRIT, log, job->err, "%s \"%s\" failed",
                      job->failed, ctx->key.path.data);
        break;

    case NGX_HTTP_AR_JOB_MEMORY:
    case NGX_HTTP_AR_JOB_TIME:

        if (job->rc == NGX_HTTP_AR_JOB_MEMORY) {
            ngx_log_error(NGX_LOG_ERR, log, 0,
                          "article \"%s\" of %O bytes passed "
                          "article_render_max_memory %uz, not rendered",
                          ctx->key.path.data, job->version.size,
                          arlcf->max_memory);
        } else {
            ngx_log_error(NGX_LOG_ERR, log, 0,
                          "article \"%s\" of %O bytes passed "
                          "article_render_timeout %M ms, not rendered",
                          ctx->key.path.data, job->version.size,
                          arlcf->timeout);
        }

        if (arlcf->cache_zone) {
            ctx->key.version = job->version;
            ngx_http_article_render_cache_fail(arlcf->cache_zone, &ctx->key,
                                               &job->limits);
            ctx->marked = 0;
        }

        return NGX_HTTP_INTERNAL_SERVER_ERROR;

    default: /* NGX_HTTP_AR_JOB_NOMEM */
        ngx_log_error(NGX_LOG_CRIT, log, 0,
                      "rendering article \"%s\" of %O bytes failed: "
                      "out of memory", ctx->key.path.data, job->version.size);
        break;
    }

    return NGX_HTTP_INTERNAL_SERVER_ERROR;
}


/*
 * Keeps a rendered page in the zone, or in a file of the zone's path when
 * it is large: such a page is sent with sendfile() on hits.  Pages with
 * the live reload script stay in the zone, where the script is put in
 * when they are sent.  A page whose file cannot be written, or finds no
 * room among the files (those being sent cannot be evicted), is kept in
 * the zone instead.
 */

static void
ngx_http_article_render_keep(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf)
{
    ngx_int_t                             rc;
    ngx_http_article_render_cache_t      *cache;
    ngx_http_article_render_cache_key_t  *key;

    cache = arlcf->cache_zone->data;
    key = &ctx->key;

    rc = NGX_DECLINED;

    if (cache->path
        && !arlcf->live_reload
        && key->page.len >= NGX_HTTP_AR_FILE_MIN
        && key->page.len <= cache->max_entry)
    {
        if (ngx_http_article_render_file_write(r, cache->path, key)
            == NGX_OK)
        {
            rc = ngx_http_article_render_cache_store(arlcf->cache_zone, key);

            if (rc != NGX_OK) {
                ngx_http_article_render_file_delete(key->file.data,
                                                    r->connection->log);
            }
        }

        ngx_str_null(&key->file);
    }

    if (rc != NGX_OK
        && ngx_http_article_render_cache_store(arlcf->cache_zone, key)
           != NGX_OK)
    {
        ctx->cache_status = NGX_HTTP_AR_CACHE_BYPASS;
    }

    ctx->marked = 0;
}


/* the answer to a request whose render job has finished */

static ngx_int_t
ngx_http_article_render_respond(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf)
{
    ngx_int_t  rc;

    if (!ctx->rendered) {
        ngx_http_article_render_settled(r);
    }

    rc = ctx->status;

    if (rc != NGX_OK) {
        return rc;
    }

    return ngx_http_article_render_send(r, arlcf, &ctx->key,
                                        ctx->job.stable);
}


/* the request's write handler while its render job is in the pool */

void
ngx_http_article_render_resume(ngx_http_request_t *r)
{
    ngx_http_article_render_ctx_t       *ctx;
    ngx_http_article_render_loc_conf_t  *arlcf;

    ctx = ngx_http_get_module_ctx(r, ngx_http_article_render_module);

    if (!ctx->rendered) {
        /* a write event before the job finished */
        return;
    }

    arlcf = ngx_http_get_module_loc_conf(r, ngx_http_article_render_module);

    r->write_event_handler = ngx_http_request_empty_handler;

    ngx_http_finalize_request(r,
                        ngx_http_article_render_respond(r, ctx, arlcf));
}


static ngx_int_t
ngx_http_article_render_send(ngx_http_request_t *r,
    ngx_http_article_render_loc_conf_t *arlcf,
    ngx_http_article_render_cache_key_t *key, ngx_uint_t validators)
{
    off_t         len;
    ngx_int_t     rc;
    ngx_str_t     etag;
    ngx_chain_t  *out, *cl;

    if (validators
        && ngx_http_article_render_etag(r, arlcf, &key->version, &etag)
           != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_article_render_headers(r, key, validators ? &etag : NULL)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    out = ngx_http_article_render_body(r, arlcf, &key->page);
    if (out == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    len = 0;

    for (cl = out; cl; cl = cl->next) {
        len += ngx_buf_size(cl->buf);
    }

    r->headers_out.content_length_n = len;
    r->allow_ranges = 1;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    return ngx_http_output_filter(r, out);
}


/*
 * The page: in memory, with the live reload script when that is on, or
 * a hit's page in its file, opened by ngx_http_article_render_process()
 * (pages with the script are never kept in files).
 */

static ngx_chain_t *
ngx_http_article_render_body(ngx_http_request_t *r,
    ngx_http_article_render_loc_conf_t *arlcf, ngx_str_t *page)
{
    ngx_buf_t                      *b;
    ngx_chain_t                    *out;
    ngx_http_article_render_ctx_t  *ctx;

    if (page->data && arlcf->live_reload) {
        return ngx_http_article_render_live_reload_body(r, arlcf, page);
    }

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NULL;
    }

    if (page->data) {
        b->pos = page->data;
        b->last = page->data + page->len;
        b->memory = 1;

    } else {
        ctx = ngx_http_get_module_ctx(r, ngx_http_article_render_module);

        b->file = &ctx->page_file;
        b->file_pos = 0;
        b->file_last = page->len;
        b->in_file = 1;
    }

    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    out = ngx_alloc_chain_link(r->pool);
    if (out == NULL) {
        return NULL;
    }

    out->buf = b;
    out->next = NULL;

    return out;
}


/* the headers of a page; without an ETag, without validators at all */

static ngx_int_t
ngx_http_article_render_headers(ngx_http_request_t *r,
    ngx_http_article_render_cache_key_t *key, ngx_str_t *etag)
{
    r->headers_out.status = NGX_HTTP_OK;

    ngx_str_set(&r->headers_out.content_type, "text/html");
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    ngx_str_set(&r->headers_out.charset, "utf-8");

    if (etag) {
        r->headers_out.last_modified_time = key->last_modified;

        r->headers_out.etag = ngx_http_article_render_add_header(r, "ETag",
                                                       (char *) etag->data);
        if (r->headers_out.etag == NULL) {
            return NGX_ERROR;
        }
    }

    return ngx_http_article_render_add_header(r, "Vary", "Accept")
           ? NGX_OK : NGX_ERROR;
}


/*
 * A strong ETag from the file's identity and the rendering
 * configuration: nginx's own hashes the response length, which for us is
 * the HTML, and would miss an edit that keeps the page's length.  The
 * value is NUL-terminated, in the request's pool.
 */

static ngx_int_t
ngx_http_article_render_etag(ngx_http_request_t *r,
    ngx_http_article_render_loc_conf_t *arlcf,
    ngx_http_article_render_version_t *v, ngx_str_t *etag)
{
    uint32_t  id;

    etag->data = ngx_pnalloc(r->pool, NGX_OFF_T_LEN + NGX_TIME_T_LEN
                                      + 2 * NGX_INT32_LEN + 6);
    if (etag->data == NULL) {
        return NGX_ERROR;
    }

    ngx_crc32_init(id);
    ngx_crc32_update(&id, (u_char *) &v->dev, sizeof(dev_t));
    ngx_crc32_update(&id, (u_char *) &v->ino, sizeof(ino_t));
    ngx_crc32_update(&id, (u_char *) &arlcf->conf_id, sizeof(uint32_t));
    ngx_crc32_final(id);

    etag->len = ngx_sprintf(etag->data, "\"%xT.%xD-%xO-%08xD\"%Z",
                            v->mtime, (uint32_t) v->mtime_nsec, v->size, id)
                - etag->data - 1;

    return NGX_OK;
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
