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
#include "ngx_http_article_render_listing.h"
#include "ngx_http_article_render_request.h"
#include "ngx_http_article_render_cache.h"
#include "ngx_http_article_render_files.h"


typedef struct {
    ngx_str_t                  name;      /* the directory's, in its URI */
    ngx_str_t                  base;      /* see ar_listing_conf_t */
    ngx_str_t                  self;
    ngx_str_t                  author;
    ngx_uint_t                 shared;    /* not of a Host past bounds */
} ngx_http_article_render_links_t;


static ngx_int_t ngx_http_article_render_listing(ngx_http_request_t *r,
    ngx_http_article_render_loc_conf_t *arlcf,
    ngx_http_article_render_kind_e kind, ngx_str_t *dir, ngx_str_t *name);
static ngx_int_t ngx_http_article_render_directory(ngx_http_request_t *r,
    ngx_str_t *dir, ngx_file_info_t *fi);
static void ngx_http_article_render_dir_uri(ngx_http_request_t *r,
    ngx_str_t *dir, ngx_str_t *name, ngx_str_t *uri);
static ngx_int_t ngx_http_article_render_links(ngx_http_request_t *r,
    ngx_http_article_render_loc_conf_t *arlcf,
    ngx_http_article_render_kind_e kind, ngx_str_t *dir, ngx_str_t *name,
    ngx_http_article_render_links_t *links);
static ngx_int_t ngx_http_article_render_relative(ngx_http_request_t *r,
    ngx_str_t *uri, ngx_str_t *base);
static ngx_int_t ngx_http_article_render_origin(ngx_http_request_t *r,
    ngx_http_article_render_loc_conf_t *arlcf, ngx_str_t *origin,
    ngx_str_t *author, ngx_uint_t *shared);
static ngx_uint_t ngx_http_article_render_server_name(ngx_http_request_t *r,
    ngx_str_t *host);
static u_char *ngx_http_article_render_escape(u_char *p, ngx_str_t *s);
static ngx_int_t ngx_http_article_render_listing_job(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf);
static ngx_int_t ngx_http_article_render_listing_key(ngx_http_request_t *r,
    ngx_http_article_render_page_t *page, ngx_str_t *path,
    ngx_http_article_render_links_t *links, uint32_t conf_id);


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
 * article_render_base_url: "http://" or "https://", a host, an optional
 * port and path; kept without a trailing slash, since a URI follows.
 */

char *
ngx_http_article_render_base_url(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    char  *p = conf;

    u_char     *host, *end;
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

    end = value[1].data + value[1].len;

    if (value[1].len > sizeof("https://") - 1
        && ngx_strncasecmp(value[1].data, (u_char *) "https://", 8) == 0)
    {
        host = value[1].data + 8;

    } else if (value[1].len > sizeof("http://") - 1
               && ngx_strncasecmp(value[1].data, (u_char *) "http://", 7)
                  == 0)
    {
        host = value[1].data + 7;

    } else {
        host = NULL;
    }

    if (host == NULL || *host == '/' || *host == ':'
        || ngx_strlchr(value[1].data, end, '?') != NULL
        || ngx_strlchr(value[1].data, end, '#') != NULL)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid value \"%V\" in \"%V\" directive, "
                           "it must be an http or https URL without "
                           "query, or \"off\"", &value[1], &cmd->name);
        return NGX_CONF_ERROR;
    }

    while (end > host && end[-1] == '/') {
        end--;
    }

    field->data = value[1].data;
    field->len = end - value[1].data;

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
    u_char                           *p;
    ngx_int_t                         rc;
    ngx_str_t                         path;
    ngx_file_info_t                   fi;
    ngx_http_article_render_job_t    *job;
    ngx_http_article_render_ctx_t    *ctx;
    ngx_http_article_render_page_t   *page;
    ngx_http_article_render_links_t   links;

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

    if (ngx_http_article_render_links(r, arlcf, kind, dir, name, &links)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* "/srv/blog/" for the index, "/srv/blog/feed.atom" for a feed */

    path.len = dir->len + 1 + name->len;
    path.data = ngx_pnalloc(r->pool, path.len);
    if (path.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_cpymem(path.data, dir->data, dir->len);
    *p++ = '/';

    if (name->len) {
        ngx_memcpy(p, name->data, name->len);
    }

    page = &ctx->page;

    if (ngx_http_article_render_listing_key(r, page, &path, &links,
                                            arlcf->conf_id)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* one kept for each Host would let clients empty the zone */

    if (!links.shared) {
        page->cache = NULL;
    }

    /*
     * The directory's own identity shows an article added, removed or
     * renamed at once; a listing a second old is made again, which
     * shows an edit of one (docs/directives.md).  The ETag is of the
     * listing itself.
     */

    ngx_http_article_render_version(&fi, &page->version);
    page->derived = 1;
    page->last_modified = -1;

    ctx->prepare = ngx_http_article_render_listing_job;

    job = &ctx->job;

    job->kind = kind;
    job->version = page->version;
    job->stable = 1;

    job->list.dir = (const char *) dir->data;
    job->list.dir_len = dir->len;
    job->list.name.data = (const char *) links.name.data;
    job->list.name.len = links.name.len;
    job->list.base.data = (const char *) links.base.data;
    job->list.base.len = links.base.len;
    job->list.self.data = (const char *) links.self.data;
    job->list.self.len = links.self.len;
    job->list.author.data = (const char *) links.author.data;
    job->list.author.len = links.author.len;

    return ngx_http_article_render_start(r, ctx, arlcf);
}


/*
 * A listing's key: its directory and name, then, after a NUL that keeps
 * them alone in logs, all its bytes depend on besides the files: the
 * directory's name in its URI, and the links' base and the feed's URL.
 */

static ngx_int_t
ngx_http_article_render_listing_key(ngx_http_request_t *r,
    ngx_http_article_render_page_t *page, ngx_str_t *path,
    ngx_http_article_render_links_t *links, uint32_t conf_id)
{
    u_char      *p;
    ngx_str_t    key, *part[4];
    ngx_uint_t   i;

    part[0] = path;
    part[1] = &links->name;
    part[2] = &links->base;
    part[3] = &links->self;

    key.len = 3;

    for (i = 0; i < 4; i++) {
        key.len += part[i]->len;
    }

    key.data = ngx_pnalloc(r->pool, key.len + 1);
    if (key.data == NULL) {
        return NGX_ERROR;
    }

    p = key.data;

    for (i = 0; i < 4; i++) {
        if (i) {
            *p++ = '\0';
        }

        if (part[i]->len) {
            p = ngx_cpymem(p, part[i]->data, part[i]->len);
        }
    }

    *p = '\0';

    ngx_http_article_render_cache_key(&page->key, &key, conf_id);

    return NGX_OK;
}


/*
 * What a listing's job, or an index article's, needs besides what
 * listing() or listed() set: made only when it renders, not for a hit
 * (ctx->prepare).
 */

static ngx_int_t
ngx_http_article_render_listing_job(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf)
{
    ar_str_t                       *sfx;
    ngx_str_t                      *s;
    ngx_uint_t                      i;
    ar_listing_conf_t              *lc;
    ngx_http_article_render_job_t  *job;
#if (NGX_HAVE_OPENAT)
    ngx_http_core_loc_conf_t       *clcf;
#endif

    job = &ctx->job;
    lc = &job->list;

    switch (job->kind) {

    case NGX_HTTP_AR_FEED:
        lc->kind = AR_LISTING_FEED;
        break;

    case NGX_HTTP_AR_SITEMAP:
        lc->kind = AR_LISTING_SITEMAP;
        break;

    default:
        lc->kind = AR_LISTING_INDEX;
    }

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

    if (arlcf->math) {
        lc->block |= AR_LISTING_MATH;
    }

    /*
     * What this worker read of the directory a moment ago serves a
     * listing that is not kept or is made for the first time; one made
     * again because it is a second old reads the directory afresh.
     */

    lc->reuse = ctx->page.expired ? 0 : NGX_HTTP_AR_LISTING_FRESH;

    return NGX_OK;
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
    u_char                             *p;
    uint32_t                            crc;
    ngx_str_t                           dir, uri, base, key;
    ngx_file_info_t                     fi;
    ngx_http_article_render_version_t   v;

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
        /* gone meanwhile, or closed: the article is rendered as it is */
        return NGX_OK;
    }

    ngx_http_article_render_version(&fi, &v);

    ngx_crc32_init(crc);
    ngx_crc32_update(&crc, (u_char *) &v, sizeof(v));
    ngx_crc32_final(crc);

    ctx->page.version.listing = (uint64_t) crc | 0x100000000ULL;
    ctx->page.derived = 1;
    ctx->page.last_modified = -1;

    ctx->prepare = ngx_http_article_render_listing_job;

    ctx->job.articles = 1;
    ctx->job.live_reload = 0;

    ctx->job.list.dir = (const char *) dir.data;
    ctx->job.list.dir_len = dir.len;

    /* its links are relative unless it is sent elsewhere than its URI */

    for (p = r->uri.data + r->uri.len; p > r->uri.data && p[-1] != '/'; p--)
    {
        /* void */
    }

    uri.data = r->uri.data;
    uri.len = p - r->uri.data;

    if (ngx_http_article_render_relative(r, &uri, &base) != NGX_OK) {
        return NGX_ERROR;
    }

    if (base.len == 0) {
        return NGX_OK;
    }

    ctx->job.list.base.data = (const char *) base.data;
    ctx->job.list.base.len = base.len;

    key.len = path->len + 1 + base.len;
    key.data = ngx_pnalloc(r->pool, key.len + 1);
    if (key.data == NULL) {
        return NGX_ERROR;
    }

    p = ngx_cpymem(key.data, path->data, path->len);
    *p++ = '\0';
    p = ngx_cpymem(p, base.data, base.len);
    *p = '\0';

    ngx_http_article_render_cache_key(&ctx->page.key, &key,
                                      ctx->page.key.conf_id);

    return NGX_OK;
}


/*
 * A directory to list, looked at as the static module looks at a file
 * (open_file_cache, disable_symlinks): NGX_DECLINED where there is none,
 * 403 where it is closed.  Its version is from a stat of its own, with
 * the device and the nanoseconds.
 */

static ngx_int_t
ngx_http_article_render_directory(ngx_http_request_t *r, ngx_str_t *dir,
    ngx_file_info_t *fi)
{
    u_char                    *p;
    ngx_int_t                  rc;
    ngx_str_t                  path;
    ngx_uint_t                 level;
    ngx_open_file_info_t       of;
    ngx_http_core_loc_conf_t  *clcf;

    /*
     * With its trailing slash, as nginx's index module looks at one: a
     * "from=$document_root" of an alias has it.
     */

    path.data = ngx_pnalloc(r->pool, dir->len + 2);
    if (path.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_cpymem(path.data, dir->data, dir->len);

    if (p == path.data || p[-1] != '/') {
        *p++ = '/';
    }

    *p = '\0';
    path.len = p - path.data;

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

    ngx_memzero(&of, sizeof(ngx_open_file_info_t));

    of.test_dir = 1;
    of.test_only = 1;
    of.valid = clcf->open_file_cache_valid;
    of.min_uses = clcf->open_file_cache_min_uses;
    of.errors = clcf->open_file_cache_errors;
    of.events = clcf->open_file_cache_events;

    if (ngx_http_set_disable_symlinks(r, clcf, &path, &of) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_open_cached_file(clcf->open_file_cache, &path, &of, r->pool)
        != NGX_OK)
    {
        switch (of.err) {

        case 0:
            return NGX_HTTP_INTERNAL_SERVER_ERROR;

        case NGX_ENOENT:
        case NGX_ENOTDIR:
        case NGX_ENAMETOOLONG:
            ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, of.err,
                           "article render: no directory \"%s\"",
                           path.data);
            return NGX_DECLINED;

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

        ngx_log_error(level, r->connection->log, of.err,
                      "%s \"%s\" failed", of.failed, path.data);

        return rc;
    }

    if (!of.is_dir) {
        return NGX_DECLINED;
    }

    if (ngx_file_info(path.data, fi) == NGX_FILE_ERROR || !ngx_is_dir(fi)) {
        return NGX_DECLINED;
    }

    /* the directory is named without the slash, but "/" */

    if (path.len > 1) {
        path.data[--path.len] = '\0';
    }

    dir->data = path.data;
    dir->len = path.len;

    return NGX_OK;
}


/*
 * The URI of a listed directory, with its trailing slash, as the URI and
 * the location's mapping give it: the request's URI without the name
 * where the URI gave the name to the path (root, the part of a prefix
 * alias after the location, a regex alias that keeps it); else the
 * directory's path below the server's root; else the URI's directory.
 */

static void
ngx_http_article_render_dir_uri(ngx_http_request_t *r, ngx_str_t *dir,
    ngx_str_t *name, ngx_str_t *uri)
{
    u_char                    *p;
    size_t                     len;
    ngx_uint_t                 named;
    ngx_str_t                  root;
    ngx_http_core_loc_conf_t  *clcf;
    ngx_http_core_srv_conf_t  *cscf;

    uri->data = r->uri.data;

    if (name->len == 0) {
        /* an index: its URI is the directory's */
        uri->len = r->uri.len;
        return;
    }

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

    named = (r->uri.len > name->len
             && r->uri.data[r->uri.len - name->len - 1] == '/'
             && ngx_strncmp(r->uri.data + r->uri.len - name->len,
                            name->data, name->len) == 0);

    if (named
        && (clcf->alias == 0
            || clcf->alias == NGX_MAX_SIZE_T_VALUE
            || r->uri.len - name->len >= clcf->alias))
    {
        uri->len = r->uri.len - name->len;
        return;
    }

    cscf = ngx_http_get_module_srv_conf(r, ngx_http_core_module);
    clcf = cscf->ctx->loc_conf[ngx_http_core_module.ctx_index];

    if (clcf->root_lengths == NULL) {
        root = clcf->root;

        while (root.len && root.data[root.len - 1] == '/') {
            root.len--;
        }

        if (dir->len >= root.len
            && ngx_strncmp(dir->data, root.data, root.len) == 0
            && (dir->len == root.len || dir->data[root.len] == '/'))
        {
            len = dir->len - root.len;

            uri->data = ngx_pnalloc(r->pool, len + 2);

            if (uri->data != NULL) {
                p = ngx_cpymem(uri->data, dir->data + root.len, len);

                if (len == 0 || p[-1] != '/') {
                    *p++ = '/';
                }

                if (uri->data[0] == '/') {
                    uri->len = p - uri->data;
                    return;
                }
            }

            uri->data = r->uri.data;
        }
    }

    for (p = r->uri.data + r->uri.len; p > r->uri.data && p[-1] != '/'; p--)
    {
        /* void */
    }

    uri->len = p - r->uri.data;
}


/* the links of a listing, and whether it may be kept for all */

static ngx_int_t
ngx_http_article_render_links(ngx_http_request_t *r,
    ngx_http_article_render_loc_conf_t *arlcf,
    ngx_http_article_render_kind_e kind, ngx_str_t *dir, ngx_str_t *name,
    ngx_http_article_render_links_t *links)
{
    u_char     *p, *last;
    ngx_str_t   uri, origin;

    ngx_memzero(links, sizeof(ngx_http_article_render_links_t));

    ngx_http_article_render_dir_uri(r, dir, name, &uri);

    /* the directory's name as its URI has it: the title without one */

    last = uri.data + uri.len;

    while (last > uri.data && last[-1] == '/') {
        last--;
    }

    for (p = last; p > uri.data && p[-1] != '/'; p--) {
        /* void */
    }

    links->name.data = p;
    links->name.len = last - p;

    if (kind == NGX_HTTP_AR_INDEX) {
        links->shared = 1;
        return ngx_http_article_render_relative(r, &uri, &links->base);
    }

    if (ngx_http_article_render_origin(r, arlcf, &origin, &links->author,
                                       &links->shared)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    links->base.data = ngx_pnalloc(r->pool, origin.len + uri.len
                           + 2 * ngx_escape_uri(NULL, uri.data, uri.len,
                                                NGX_ESCAPE_URI));
    if (links->base.data == NULL) {
        return NGX_ERROR;
    }

    p = ngx_cpymem(links->base.data, origin.data, origin.len);
    p = ngx_http_article_render_escape(p, &uri);

    links->base.len = p - links->base.data;

    if (kind != NGX_HTTP_AR_FEED) {
        return NGX_OK;
    }

    links->self.data = ngx_pnalloc(r->pool, origin.len + r->uri.len
                           + 2 * ngx_escape_uri(NULL, r->uri.data,
                                                r->uri.len, NGX_ESCAPE_URI));
    if (links->self.data == NULL) {
        return NGX_ERROR;
    }

    p = ngx_cpymem(links->self.data, origin.data, origin.len);
    p = ngx_http_article_render_escape(p, &r->uri);

    links->self.len = p - links->self.data;

    return NGX_OK;
}


/*
 * The base of an index's links: none, so relative, where the client
 * sees the page in the directory (its request's path up to the last
 * slash is the directory's URI); else the directory's URI, escaped, as
 * after try_files "$uri/" or a rewrite.
 */

static ngx_int_t
ngx_http_article_render_relative(ngx_http_request_t *r, ngx_str_t *uri,
    ngx_str_t *base)
{
    u_char     *p, *last;
    size_t      len;
    ngx_str_t  *seen;

    seen = &r->main->unparsed_uri;

    last = ngx_strlchr(seen->data, seen->data + seen->len, '?');
    if (last == NULL) {
        last = seen->data + seen->len;
    }

    while (last > seen->data && last[-1] != '/') {
        last--;
    }

    len = uri->len + 2 * ngx_escape_uri(NULL, uri->data, uri->len,
                                        NGX_ESCAPE_URI);

    base->data = ngx_pnalloc(r->pool, len);
    if (base->data == NULL) {
        return NGX_ERROR;
    }

    p = ngx_http_article_render_escape(base->data, uri);
    base->len = p - base->data;

    if (base->len == (size_t) (last - seen->data)
        && ngx_strncmp(base->data, seen->data, base->len) == 0)
    {
        base->len = 0;
    }

    return NGX_OK;
}


static u_char *
ngx_http_article_render_escape(u_char *p, ngx_str_t *s)
{
    return (u_char *) ngx_escape_uri(p, s->data, s->len, NGX_ESCAPE_URI);
}


/*
 * The scheme, host and port of absolute URLs: article_render_base_url;
 * else as nginx builds those of its redirects: the Host (or server_name
 * with server_name_in_redirect), a port that is not the scheme's
 * (port_in_redirect).  *shared: not of a Host but a server's own name.
 */

static ngx_int_t
ngx_http_article_render_origin(ngx_http_request_t *r,
    ngx_http_article_render_loc_conf_t *arlcf, ngx_str_t *origin,
    ngx_str_t *author, ngx_uint_t *shared)
{
    u_char                    *p, addr[NGX_SOCKADDR_STRLEN];
    ngx_str_t                  host, scheme;
    ngx_uint_t                 port, local;
    ngx_http_core_loc_conf_t  *clcf;
    ngx_http_core_srv_conf_t  *cscf;

    *shared = 1;

    if (arlcf->base_url.len) {
        *origin = arlcf->base_url;

        /* the author: its host */

        p = (u_char *) ngx_strstr(origin->data, "://") + 3;
        author->data = p;

        while (p < origin->data + origin->len && *p != '/' && *p != ':') {
            p++;
        }

        author->len = p - author->data;

        return NGX_OK;
    }

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);
    cscf = ngx_http_get_module_srv_conf(r, ngx_http_core_module);

    ngx_str_set(&scheme, "http://");
    port = 80;

#if (NGX_HTTP_SSL)
    if (r->connection->ssl) {
        ngx_str_set(&scheme, "https://");
        port = 443;
    }
#endif

    if (clcf->server_name_in_redirect) {
        host = cscf->server_name;

    } else if (r->headers_in.server.len) {
        host = r->headers_in.server;
        *shared = ngx_http_article_render_server_name(r, &host);

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


/* whether the Host is one of the server's names that are not patterns */

static ngx_uint_t
ngx_http_article_render_server_name(ngx_http_request_t *r, ngx_str_t *host)
{
    ngx_str_t                           *name;
    ngx_uint_t                           i;
    ngx_http_article_render_srv_conf_t  *arscf;

    arscf = ngx_http_get_module_srv_conf(r, ngx_http_article_render_module);

    name = arscf->names->elts;

    for (i = 0; i < arscf->names->nelts; i++) {
        if (name[i].len == host->len
            && ngx_strncmp(name[i].data, host->data, host->len) == 0)
        {
            return 1;
        }
    }

    return 0;
}
