/*
 * ngx_http_article_render_module: the content handler.
 *
 * An article request is one whose URI maps to a regular file with one of
 * the configured suffixes.  The file is opened as the static module opens
 * files, read whole, rendered by the core into a page, and sent from
 * memory; nginx's not-modified, range and gzip filters do the rest.
 * Everything else is declined to the next content handler.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_article_render_module.h"


/* reads that see the file change under them before we give up */
#define NGX_HTTP_AR_READ_TRIES  3


typedef struct {
    u_char                             *data;
    size_t                              len;
    ngx_http_article_render_version_t   version;
    ngx_uint_t                          stable;  /* one version, read whole */
} ngx_http_article_render_source_t;


static ngx_str_t *ngx_http_article_render_suffix(
    ngx_http_article_render_loc_conf_t *arlcf, ngx_str_t *path);
static ngx_int_t ngx_http_article_render_open(ngx_http_request_t *r,
    ngx_str_t *path, ngx_open_file_info_t *of);
static ngx_int_t ngx_http_article_render_read(ngx_http_request_t *r,
    ngx_http_article_render_loc_conf_t *arlcf, ngx_str_t *path,
    ngx_fd_t fd, ngx_http_article_render_source_t *src);
static void ngx_http_article_render_version(ngx_file_info_t *fi,
    ngx_http_article_render_version_t *v);
static ngx_int_t ngx_http_article_render_page(ngx_http_request_t *r,
    ngx_http_article_render_loc_conf_t *arlcf, ngx_str_t *path,
    ngx_str_t *suffix, ngx_http_article_render_source_t *src,
    ngx_str_t *page);
static void ngx_http_article_render_free_page(void *data);
static ngx_int_t ngx_http_article_render_send(ngx_http_request_t *r,
    ngx_http_article_render_loc_conf_t *arlcf,
    ngx_http_article_render_cache_key_t *key, ngx_uint_t validators);
static ngx_int_t ngx_http_article_render_set_etag(ngx_http_request_t *r,
    ngx_http_article_render_loc_conf_t *arlcf,
    ngx_http_article_render_version_t *v);
static ngx_int_t ngx_http_article_render_not_allowed(ngx_http_request_t *r);


ngx_int_t
ngx_http_article_render_handler(ngx_http_request_t *r)
{
    u_char                               *last;
    size_t                                root;
    ngx_int_t                             rc;
    ngx_str_t                             path, *suffix;
    ngx_file_info_t                       fi;
    ngx_open_file_info_t                  of;
    ngx_http_article_render_ctx_t        *ctx;
    ngx_http_article_render_source_t      src;
    ngx_http_article_render_loc_conf_t   *arlcf;
    ngx_http_article_render_cache_key_t   key;

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
        return ngx_http_article_render_not_allowed(r);
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_article_render_ctx_t));
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_set_ctx(r, ctx, ngx_http_article_render_module);

    key.path = path;
    key.conf_id = arlcf->conf_id;

    ngx_crc32_init(key.hash);
    ngx_crc32_update(&key.hash, path.data, path.len);
    ngx_crc32_update(&key.hash, (u_char *) &key.conf_id, sizeof(uint32_t));
    ngx_crc32_final(key.hash);

    if (arlcf->cache_zone == NULL) {
        ctx->cache_status = NGX_HTTP_AR_CACHE_BYPASS;

    } else {

        /* a fresh stat: the validators a cached page must still match */

        if (ngx_fd_info(of.fd, &fi) == NGX_FILE_ERROR) {
            ngx_log_error(NGX_LOG_CRIT, r->connection->log, ngx_errno,
                          ngx_fd_info_n " \"%s\" failed", path.data);
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ngx_http_article_render_version(&fi, &key.version);

        ctx->cache_status = ngx_http_article_render_cache_lookup(r,
                                                       arlcf->cache_zone,
                                                       &key);

        if (ctx->cache_status == NGX_HTTP_AR_CACHE_HIT) {
            return ngx_http_article_render_send(r, arlcf, &key, 1);
        }
    }

    rc = ngx_http_article_render_read(r, arlcf, &path, of.fd, &src);
    if (rc != NGX_OK) {
        return rc;
    }

    rc = ngx_http_article_render_page(r, arlcf, &path, suffix, &src,
                                      &key.page);
    if (rc != NGX_OK) {
        return rc;
    }

    key.version = src.version;
    key.last_modified = ngx_max(src.version.mtime, arlcf->template->mtime);

    /*
     * a page read from a file that kept changing is neither kept nor
     * given validators
     */

    if (arlcf->cache_zone && src.stable
        && ngx_http_article_render_cache_store(r, arlcf->cache_zone, &key)
           != NGX_OK)
    {
        ctx->cache_status = NGX_HTTP_AR_CACHE_BYPASS;
    }

    return ngx_http_article_render_send(r, arlcf, &key, src.stable);
}


static ngx_int_t
ngx_http_article_render_send(ngx_http_request_t *r,
    ngx_http_article_render_loc_conf_t *arlcf,
    ngx_http_article_render_cache_key_t *key, ngx_uint_t validators)
{
    ngx_buf_t    *b;
    ngx_int_t     rc;
    ngx_chain_t   out;

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = key->page.len;

    ngx_str_set(&r->headers_out.content_type, "text/html");
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    ngx_str_set(&r->headers_out.charset, "utf-8");

    if (validators) {
        r->headers_out.last_modified_time = key->last_modified;

        if (ngx_http_article_render_set_etag(r, arlcf, &key->version)
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    r->allow_ranges = 1;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->pos = key->page.data;
    b->last = key->page.data + key->page.len;
    b->memory = 1;
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
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


/*
 * Reads the whole file into request memory.  The validators are taken
 * before and after the read: a file that changed in between is read
 * again, so a page is the rendering of one complete version.
 */

static ngx_int_t
ngx_http_article_render_read(ngx_http_request_t *r,
    ngx_http_article_render_loc_conf_t *arlcf, ngx_str_t *path, ngx_fd_t fd,
    ngx_http_article_render_source_t *src)
{
    ssize_t                             n;
    ngx_uint_t                          tries;
    ngx_file_t                          file;
    ngx_file_info_t                     fi;
    ngx_http_article_render_version_t   after;

    ngx_memzero(&file, sizeof(ngx_file_t));

    file.fd = fd;
    file.name = *path;
    file.log = r->connection->log;

    src->data = NULL;

    for (tries = 1; /* void */; tries++) {

        if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR) {
            ngx_log_error(NGX_LOG_CRIT, r->connection->log, ngx_errno,
                          ngx_fd_info_n " \"%s\" failed", path->data);
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ngx_http_article_render_version(&fi, &src->version);

        if (src->version.size > (off_t) arlcf->max_size) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "article \"%s\" is %O bytes, more than "
                          "article_render_max_size %uz",
                          path->data, src->version.size, arlcf->max_size);
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (src->data) {
            ngx_pfree(r->pool, src->data);
        }

        src->data = ngx_palloc(r->pool, (size_t) src->version.size + 1);
        if (src->data == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        n = ngx_read_file(&file, src->data, (size_t) src->version.size, 0);
        if (n == NGX_ERROR) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        src->len = n;

        if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR) {
            ngx_log_error(NGX_LOG_CRIT, r->connection->log, ngx_errno,
                          ngx_fd_info_n " \"%s\" failed", path->data);
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ngx_http_article_render_version(&fi, &after);

        src->stable = (n == src->version.size
                       && ngx_memcmp(&after, &src->version,
                              sizeof(ngx_http_article_render_version_t))
                          == 0);

        if (src->stable || tries == NGX_HTTP_AR_READ_TRIES) {
            break;
        }

        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "article render: \"%s\" changed while read",
                       path->data);
    }

    if (!src->stable) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "article \"%s\" kept changing while read, "
                      "served uncached and without validators", path->data);
    }

    return NGX_OK;
}


static void
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


/* renders the source into a page that lives as long as the request */

static ngx_int_t
ngx_http_article_render_page(ngx_http_request_t *r,
    ngx_http_article_render_loc_conf_t *arlcf, ngx_str_t *path,
    ngx_str_t *suffix, ngx_http_article_render_source_t *src,
    ngx_str_t *page)
{
    int                  rc;
    u_char              *name, *p;
    ar_buf_t             out;
    ar_article_t         article;
    ngx_pool_cleanup_t  *cln;

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* the fallback title: the file name without its suffix */

    p = path->data + path->len - suffix->len;
    name = p;

    while (name > path->data && name[-1] != '/') {
        name--;
    }

    ngx_memzero(&out, sizeof(ar_buf_t));

    rc = ar_render_article(&arlcf->render, (const char *) src->data,
                           src->len, &article);

    if (rc == AR_OK) {

        if (article.meta.invalid) {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "article \"%s\": front matter ignored, %s",
                          path->data, article.meta.error);
        }

        rc = ar_template_expand(&arlcf->template->tpl, &article,
                                (const char *) name, p - name, &out);
        ar_article_free(&article);
    }

    ngx_pfree(r->pool, src->data);
    src->data = NULL;

    if (rc != AR_OK) {
        ar_buf_free(&out);
        ngx_log_error(NGX_LOG_CRIT, r->connection->log, 0,
                      "rendering article \"%s\" of %uz bytes failed",
                      path->data, src->len);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    cln->handler = ngx_http_article_render_free_page;
    cln->data = out.data;

    page->data = (u_char *) out.data;
    page->len = out.len;

    return NGX_OK;
}


static void
ngx_http_article_render_free_page(void *data)
{
    ar_buf_t  b;

    b.data = data;
    ar_buf_free(&b);
}


/*
 * A strong ETag from the file's identity and the rendering
 * configuration: nginx's own hashes the response length, which for us is
 * the HTML, and would miss an edit that keeps the page's length.
 */

static ngx_int_t
ngx_http_article_render_set_etag(ngx_http_request_t *r,
    ngx_http_article_render_loc_conf_t *arlcf,
    ngx_http_article_render_version_t *v)
{
    uint32_t          id;
    ngx_table_elt_t  *etag;

    etag = ngx_list_push(&r->headers_out.headers);
    if (etag == NULL) {
        return NGX_ERROR;
    }

    etag->hash = 1;
#if (nginx_version >= 1023000)
    etag->next = NULL;
#endif
    ngx_str_set(&etag->key, "ETag");

    etag->value.data = ngx_pnalloc(r->pool, NGX_OFF_T_LEN + NGX_TIME_T_LEN
                                            + 2 * NGX_INT32_LEN + 5);
    if (etag->value.data == NULL) {
        etag->hash = 0;
        return NGX_ERROR;
    }

    ngx_crc32_init(id);
    ngx_crc32_update(&id, (u_char *) &v->dev, sizeof(dev_t));
    ngx_crc32_update(&id, (u_char *) &v->ino, sizeof(ino_t));
    ngx_crc32_update(&id, (u_char *) &arlcf->conf_id, sizeof(uint32_t));
    ngx_crc32_final(id);

    etag->value.len = ngx_sprintf(etag->value.data, "\"%xT.%xD-%xO-%08xD\"",
                                  v->mtime, (uint32_t) v->mtime_nsec,
                                  v->size, id)
                      - etag->value.data;

    r->headers_out.etag = etag;

    return NGX_OK;
}


static ngx_int_t
ngx_http_article_render_not_allowed(ngx_http_request_t *r)
{
    ngx_table_elt_t  *allow;

    allow = ngx_list_push(&r->headers_out.headers);
    if (allow == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    allow->hash = 1;
#if (nginx_version >= 1023000)
    allow->next = NULL;
#endif
    ngx_str_set(&allow->key, "Allow");
    ngx_str_set(&allow->value, "GET, HEAD");

    return NGX_HTTP_NOT_ALLOWED;
}
