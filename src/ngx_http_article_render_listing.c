/*
 * ngx_http_article_render_module: a directory's index, feed and sitemap
 * (article_render_index, _feed, _sitemap), and the list an index article
 * embeds.  What a request for one of them needs before the request path
 * of docs/design.md takes it: the directory, the version, the job.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ar_block.h"
#include "ar_listing.h"
#include "ngx_http_article_render_module.h"


static ngx_int_t ngx_http_article_render_listing(ngx_http_request_t *r,
    ngx_http_article_render_loc_conf_t *arlcf,
    ngx_http_article_render_kind_e kind, ngx_str_t *dir, ngx_str_t *name);
static ngx_int_t ngx_http_article_render_directory(ngx_http_request_t *r,
    ngx_str_t *dir, ngx_file_info_t *fi);
static ngx_int_t ngx_http_article_render_listing_conf(ngx_http_request_t *r,
    ngx_http_article_render_loc_conf_t *arlcf, ngx_str_t *dir,
    ar_listing_conf_t *lc);
static ngx_int_t ngx_http_article_render_origin(ngx_http_request_t *r,
    ngx_str_t *origin, ngx_str_t *author);
static ngx_int_t ngx_http_article_render_urls(ngx_http_request_t *r,
    ngx_str_t *name, ar_listing_conf_t *lc);


char *
ngx_http_article_render_listing_name(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    char  *p = conf;

    ngx_str_t  *field, *value;

    field = (ngx_str_t *) (p + cmd->offset);

    if (field->data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        ngx_str_set(field, "");
        return NGX_CONF_OK;
    }

    /* a file name in the listed directory, as a request names it */

    if (value[1].len == 0
        || ngx_strlchr(value[1].data, value[1].data + value[1].len, '/')
        || ngx_strcmp(value[1].data, ".") == 0
        || ngx_strcmp(value[1].data, "..") == 0)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid file name \"%V\" in \"%V\", "
                           "it must name a file in a directory, or be "
                           "\"off\"", &value[1], &cmd->name);
        return NGX_CONF_ERROR;
    }

    *field = value[1];

    return NGX_CONF_OK;
}


/*
 * The last content handler: a directory URI that neither an index file
 * nor autoindex answered.
 */

ngx_int_t
ngx_http_article_render_index_handler(ngx_http_request_t *r)
{
    u_char                              *last;
    size_t                               root;
    ngx_str_t                            path, name;
    ngx_http_article_render_loc_conf_t  *arlcf;

    arlcf = ngx_http_get_module_loc_conf(r, ngx_http_article_render_module);

    if (!arlcf->enable
        || !arlcf->index
        || r->uri.data[r->uri.len - 1] != '/')
    {
        return NGX_DECLINED;
    }

    last = ngx_http_map_uri_to_path(r, &path, &root, 0);
    if (last == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    path.len = last - path.data;

    /* the directory without its trailing slash, but "/" itself */

    while (path.len > 1 && path.data[path.len - 1] == '/') {
        path.len--;
    }

    ngx_str_null(&name);

    return ngx_http_article_render_listing(r, arlcf, NGX_HTTP_AR_INDEX,
                                           &path, &name);
}


/*
 * A request for the feed's or the sitemap's name, where no such file
 * is: NGX_DECLINED for any other, and for a file of that name.
 */

ngx_int_t
ngx_http_article_render_named(ngx_http_request_t *r,
    ngx_http_article_render_loc_conf_t *arlcf, ngx_str_t *path)
{
    u_char                          *p;
    ngx_str_t                        name, dir;
    ngx_file_info_t                  fi;
    ngx_http_article_render_kind_e   kind;

    if (arlcf->feed.len == 0 && arlcf->sitemap.len == 0) {
        return NGX_DECLINED;
    }

    for (p = path->data + path->len; p > path->data && p[-1] != '/'; p--) {
        /* void */
    }

    name.data = p;
    name.len = path->data + path->len - p;

    if (name.len == arlcf->feed.len
        && ngx_strncmp(name.data, arlcf->feed.data, name.len) == 0)
    {
        kind = NGX_HTTP_AR_FEED;

    } else if (name.len == arlcf->sitemap.len
               && ngx_strncmp(name.data, arlcf->sitemap.data, name.len) == 0)
    {
        kind = NGX_HTTP_AR_SITEMAP;

    } else {
        return NGX_DECLINED;
    }

    /* a file of that name is served as before: only ENOENT is ours */

    if (ngx_file_info(path->data, &fi) != NGX_FILE_ERROR
        || ngx_errno != NGX_ENOENT)
    {
        return NGX_DECLINED;
    }

    dir.data = path->data;
    dir.len = (p - 1 > path->data) ? (size_t) (p - 1 - path->data) : 1;

    return ngx_http_article_render_listing(r, arlcf, kind, &dir, &name);
}


static ngx_int_t
ngx_http_article_render_listing(ngx_http_request_t *r,
    ngx_http_article_render_loc_conf_t *arlcf,
    ngx_http_article_render_kind_e kind, ngx_str_t *dir, ngx_str_t *name)
{
    u_char                          *p;
    uint32_t                         conf_id;
    ngx_int_t                        rc;
    ngx_str_t                        key, origin, author;
    ngx_file_info_t                  fi;
    ngx_http_article_render_job_t   *job;
    ngx_http_article_render_ctx_t   *ctx;
    ngx_http_article_render_page_t  *page;

    rc = ngx_http_article_render_directory(r, dir, &fi);
    if (rc != NGX_OK) {
        return rc;
    }

    rc = ngx_http_article_render_allowed(r);
    if (rc != NGX_OK) {
        return rc;
    }

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "article render: listing \"%V\", kind %d", dir, kind);

    ctx = ngx_http_article_render_new_ctx(r, arlcf);
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* "/srv/blog/" for the index, "/srv/blog/feed.atom" for a feed */

    key.len = dir->len + 1 + name->len;
    key.data = ngx_pnalloc(r->pool, key.len + 1);
    if (key.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_cpymem(key.data, dir->data, dir->len);
    *p++ = '/';

    if (name->len) {
        p = ngx_cpymem(p, name->data, name->len);
    }

    *p = '\0';

    page = &ctx->page;

    /*
     * A feed or a sitemap holds absolute URLs: one is kept for each
     * scheme, host and port it is asked for.
     */

    conf_id = arlcf->conf_id;

    if (kind != NGX_HTTP_AR_INDEX) {
        if (ngx_http_article_render_origin(r, &origin, &author) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ngx_crc32_init(conf_id);
        ngx_crc32_update(&conf_id, (u_char *) &arlcf->conf_id,
                         sizeof(uint32_t));
        ngx_crc32_update(&conf_id, origin.data, origin.len);
        ngx_crc32_final(conf_id);
    }

    ngx_http_article_render_cache_key(&page->key, &key, conf_id);

    /*
     * The directory's own identity shows an article added, removed or
     * renamed at once; a listing a second old is made again, which
     * shows an edit of one (docs/directives.md).  The ETag is of the
     * listing itself.
     */

    ngx_http_article_render_version(&fi, &page->version);
    page->derived = 1;
    page->last_modified = -1;

    job = &ctx->job;

    job->kind = kind;
    job->version = page->version;
    job->stable = 1;

    return ngx_http_article_render_start(r, ctx, arlcf);
}


/*
 * What a listing's job, or an index article's, needs to list its
 * directory: made only when it renders, not for a hit.  The directory
 * and the feed's or sitemap's name are the key's path.
 */

ngx_int_t
ngx_http_article_render_listing_job(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf)
{
    u_char                         *p, *last;
    ngx_str_t                       dir, name;
    ngx_http_article_render_job_t  *job;

    job = &ctx->job;

    if (job->kind == NGX_HTTP_AR_ARTICLE && !job->articles) {
        return NGX_OK;
    }

    dir = ctx->page.key.path;
    last = dir.data + dir.len;

    for (p = last; p > dir.data && p[-1] != '/'; p--) {
        /* void */
    }

    name.data = p;
    name.len = last - p;

    dir.len = (p - 1 > dir.data) ? (size_t) (p - 1 - dir.data) : 1;

    if (ngx_http_article_render_listing_conf(r, arlcf, &dir, &job->list)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* the directory's name in its URI, which an alias may not share */

    last = r->uri.data + r->uri.len
           - ((name.len <= r->uri.len) ? name.len : r->uri.len);

    while (last > r->uri.data && last[-1] == '/') {
        last--;
    }

    for (p = last; p > r->uri.data && p[-1] != '/'; p--) {
        /* void */
    }

    job->list.name.data = (const char *) p;
    job->list.name.len = last - p;

    switch (job->kind) {

    case NGX_HTTP_AR_FEED:
        job->list.kind = AR_LISTING_FEED;
        break;

    case NGX_HTTP_AR_SITEMAP:
        job->list.kind = AR_LISTING_SITEMAP;
        break;

    default:
        job->list.kind = AR_LISTING_INDEX;
        return NGX_OK;
    }

    return ngx_http_article_render_urls(r, &name, &job->list);
}


/*
 * An index article where indexes are on: its "{{articles}}" is its
 * directory's list, so its version is the directory's too.
 */

ngx_int_t
ngx_http_article_render_listed(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf, ngx_str_t *path,
    ngx_str_t *name)
{
    uint32_t                         crc;
    ngx_str_t                        dir;
    ngx_file_info_t                  fi;
    ngx_http_article_render_version_t  v;

    if (!arlcf->index
        || name->len != sizeof("index") - 1
        || ngx_strncmp(name->data, "index", name->len) != 0)
    {
        return NGX_OK;
    }

    dir.data = path->data;
    dir.len = (name->data - 1 > path->data)
              ? (size_t) (name->data - 1 - path->data) : 1;

    if (ngx_http_article_render_directory(r, &dir, &fi) != NGX_OK) {
        /* gone meanwhile: the article is rendered as it is */
        return NGX_OK;
    }

    ngx_http_article_render_version(&fi, &v);

    ngx_crc32_init(crc);
    ngx_crc32_update(&crc, (u_char *) &v, sizeof(v));
    ngx_crc32_final(crc);

    ctx->page.version.listing = (uint64_t) crc | 0x100000000ULL;
    ctx->page.derived = 1;
    ctx->page.last_modified = -1;

    ctx->job.articles = 1;
    ctx->job.live_reload = 0;

    return NGX_OK;
}


/* a directory's stat: NGX_DECLINED where there is none to list */

static ngx_int_t
ngx_http_article_render_directory(ngx_http_request_t *r, ngx_str_t *dir,
    ngx_file_info_t *fi)
{
    u_char  *name;

    name = ngx_pnalloc(r->pool, dir->len + 1);
    if (name == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_cpystrn(name, dir->data, dir->len + 1);

    if (ngx_file_info(name, fi) == NGX_FILE_ERROR) {
        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, ngx_errno,
                       "article render: no directory \"%s\"", name);
        return NGX_DECLINED;
    }

    if (!ngx_is_dir(fi)) {
        return NGX_DECLINED;
    }

    dir->data = name;

    return NGX_OK;
}


/* what the core needs to list a directory, in the request's pool */

static ngx_int_t
ngx_http_article_render_listing_conf(ngx_http_request_t *r,
    ngx_http_article_render_loc_conf_t *arlcf, ngx_str_t *dir,
    ar_listing_conf_t *lc)
{
    u_char                    *name;
    ar_str_t                  *sfx;
    ngx_str_t                 *s;
    ngx_uint_t                 i;
#if (NGX_HAVE_OPENAT)
    ngx_http_core_loc_conf_t  *clcf;
#endif

    name = ngx_pnalloc(r->pool, dir->len + 1);
    if (name == NULL) {
        return NGX_ERROR;
    }

    ngx_cpystrn(name, dir->data, dir->len + 1);

    lc->dir = (const char *) name;
    lc->dir_len = dir->len;

    s = arlcf->suffixes->elts;

    sfx = ngx_palloc(r->pool, arlcf->suffixes->nelts * sizeof(ar_str_t));
    if (sfx == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < arlcf->suffixes->nelts; i++) {
        sfx[i].data = (const char *) s[i].data;
        sfx[i].len = s[i].len;
    }

    lc->suffixes = sfx;
    lc->nsuffixes = arlcf->suffixes->nelts;

    /* symbolic links, where the scope does not follow them, are not read */

#if (NGX_HAVE_OPENAT)
    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);
    lc->nofollow = (clcf->disable_symlinks != NGX_DISABLE_SYMLINKS_OFF);
#endif

    /* articles are read as the scope renders them */

    if (arlcf->newline == AR_NEWLINE_BLOCK) {
        lc->block = 1 + (arlcf->noheadings ? 0 : AR_BLOCK_HEADINGS);
    }

    if (arlcf->emoji) {
        lc->block |= AR_LISTING_EMOJI;
    }

    return NGX_OK;
}


/*
 * The scheme, host and port of absolute URLs, as nginx builds those of
 * its redirects: the Host (or server_name with server_name_in_redirect),
 * a port that is not the scheme's (port_in_redirect).
 */

static ngx_int_t
ngx_http_article_render_origin(ngx_http_request_t *r, ngx_str_t *origin,
    ngx_str_t *author)
{
    u_char                    *p, addr[NGX_SOCKADDR_STRLEN];
    ngx_str_t                  host, scheme;
    ngx_uint_t                 port, local;
    ngx_http_core_loc_conf_t  *clcf;
    ngx_http_core_srv_conf_t  *cscf;

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

    ngx_str_set(&scheme, "http://");
    port = 80;

#if (NGX_HTTP_SSL)
    if (r->connection->ssl) {
        ngx_str_set(&scheme, "https://");
        port = 443;
    }
#endif

    if (clcf->server_name_in_redirect) {
        cscf = ngx_http_get_module_srv_conf(r, ngx_http_core_module);
        host = cscf->server_name;

    } else if (r->headers_in.server.len) {
        host = r->headers_in.server;

    } else {
        host.len = NGX_SOCKADDR_STRLEN;
        host.data = addr;

        if (ngx_connection_local_sockaddr(r->connection, &host, 0) != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    local = ngx_inet_get_port(r->connection->local_sockaddr);
    port = (clcf->port_in_redirect && local != port) ? local : 0;

    origin->data = ngx_pnalloc(r->pool, scheme.len + host.len
                                        + sizeof(":65535") - 1);
    if (origin->data == NULL) {
        return NGX_ERROR;
    }

    p = ngx_cpymem(origin->data, scheme.data, scheme.len);

    /* the feed's author: the host, as copied (it may be in addr) */

    author->data = p;
    author->len = host.len;

    p = ngx_cpymem(p, host.data, host.len);

    if (port) {
        p = ngx_sprintf(p, ":%ui", port);
    }

    origin->len = p - origin->data;

    return NGX_OK;
}


/*
 * The feed's and the sitemap's absolute URLs: the origin and the
 * directory's URI, which is the request's without the name.
 */

static ngx_int_t
ngx_http_article_render_urls(ngx_http_request_t *r, ngx_str_t *name,
    ar_listing_conf_t *lc)
{
    u_char     *p;
    size_t      dir_len;
    uintptr_t   escape;
    ngx_str_t   origin, author;

    if (ngx_http_article_render_origin(r, &origin, &author) != NGX_OK) {
        return NGX_ERROR;
    }

    lc->author.data = (const char *) author.data;
    lc->author.len = author.len;

    dir_len = r->uri.len - name->len;

    escape = 2 * ngx_escape_uri(NULL, r->uri.data, r->uri.len,
                                NGX_ESCAPE_URI);

    p = ngx_pnalloc(r->pool, origin.len + r->uri.len + escape);
    if (p == NULL) {
        return NGX_ERROR;
    }

    lc->base.data = (const char *) p;

    p = ngx_cpymem(p, origin.data, origin.len);
    p = (u_char *) ngx_escape_uri(p, r->uri.data, dir_len, NGX_ESCAPE_URI);

    lc->base.len = p - (u_char *) lc->base.data;

    p = (u_char *) ngx_escape_uri(p, r->uri.data + dir_len, name->len,
                                  NGX_ESCAPE_URI);

    lc->self.data = lc->base.data;
    lc->self.len = p - (u_char *) lc->self.data;

    return NGX_OK;
}
