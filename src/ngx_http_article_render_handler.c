/*
 * ngx_http_article_render_module: the content handler of articles: a
 * file name with an article suffix, opened as the static module opens
 * one, and its request context; the request path of docs/design.md
 * (ngx_http_article_render_request.c) takes it from there.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_article_render_module.h"
#include "ngx_http_article_render_handler.h"
#include "ngx_http_article_render_request.h"
#include "ngx_http_article_render_listing.h"
#include "ngx_http_article_render_markdown.h"
#include "ngx_http_article_render_cache.h"
#include "ngx_http_article_render_files.h"


static ngx_str_t *ngx_http_article_render_suffix(
    ngx_http_article_render_loc_conf_t *arlcf, ngx_str_t *path);
static ngx_int_t ngx_http_article_render_open(ngx_http_request_t *r,
    ngx_str_t *path, ngx_open_file_info_t *of);
static ngx_http_article_render_ctx_t *ngx_http_article_render_init_ctx(
    ngx_http_request_t *r, ngx_http_article_render_loc_conf_t *arlcf,
    ngx_str_t *path, ngx_str_t *suffix, ngx_open_file_info_t *of);


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
        return ngx_http_article_render_named(r, arlcf, &path);
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

    rc = ngx_http_article_render_allowed(r);
    if (rc != NGX_OK) {
        return rc;
    }

    if (ngx_http_article_render_wants_markdown(r)) {
        return ngx_http_article_render_send_markdown(r, &path, &of);
    }

    ctx = ngx_http_article_render_init_ctx(r, arlcf, &path, suffix, &of);
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_article_render_start(r, ctx, arlcf);
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


static ngx_http_article_render_ctx_t *
ngx_http_article_render_init_ctx(ngx_http_request_t *r,
    ngx_http_article_render_loc_conf_t *arlcf, ngx_str_t *path,
    ngx_str_t *suffix, ngx_open_file_info_t *of)
{
    u_char                          *name, *end;
    ngx_str_t                        base;
    ngx_file_info_t                  fi;
    ngx_http_article_render_job_t   *job;
    ngx_http_article_render_ctx_t   *ctx;
    ngx_http_article_render_page_t  *p;

    ctx = ngx_http_article_render_new_ctx(r, arlcf);
    if (ctx == NULL) {
        return NULL;
    }

    /*
     * A fresh stat: ngx_open_cached_file() keeps neither the device nor
     * the nanoseconds, and two saves of one size within a second differ
     * only there.
     */

    if (ngx_fd_info(of->fd, &fi) == NGX_FILE_ERROR) {
        ngx_log_error(NGX_LOG_CRIT, r->connection->log, ngx_errno,
                      ngx_fd_info_n " \"%s\" failed", path->data);
        return NULL;
    }

    p = &ctx->page;

    ngx_http_article_render_cache_key(&p->key, path, arlcf->conf_id);
    ngx_http_article_render_version(&fi, &p->version);
    p->last_modified = ngx_max(p->version.mtime, arlcf->template->mtime);

    /* the fallback title: the file name without its suffix */

    end = path->data + path->len - suffix->len;

    for (name = end; name > path->data && name[-1] != '/'; name--) {
        /* void */
    }

    job = &ctx->job;

    job->fd = of->fd;
    job->max_size = arlcf->max_size;
    job->render = &arlcf->render;
    job->fallback = name;
    job->fallback_len = end - name;
    job->live_reload = arlcf->live_reload;

    base.data = name;
    base.len = end - name;

    if (ngx_http_article_render_listed(r, ctx, arlcf, path, &base) != NGX_OK)
    {
        return NULL;
    }

    return ctx;
}
