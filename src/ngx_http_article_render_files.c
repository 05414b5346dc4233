/*
 * ngx_http_article_render_module: pages kept in files, for zones with
 * "path=" (docs/design.md, "Pages in files").
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_article_render_files.h"


/* ten digits, as nginx names its temporary files */
#define NGX_HTTP_AR_FILE_NAME_LEN  10


#if (AR_TEST_HOOKS)
static ssize_t ngx_http_article_render_file_test_write(ngx_fd_t fd,
    u_char *data, size_t len, size_t written);
#endif


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
 * The name of a page file, from a number the zone handed out; none (a
 * NULL name) for a render that may write no file.
 */

ngx_int_t
ngx_http_article_render_file_name(ngx_pool_t *pool, ngx_path_t *path,
    ngx_uint_t seq, ngx_str_t *name)
{
    if (seq == NGX_HTTP_AR_FILE_NONE) {
        ngx_str_null(name);
        return NGX_OK;
    }

    name->len = path->name.len + 1 + NGX_HTTP_AR_FILE_NAME_LEN;

    name->data = ngx_pnalloc(pool, name->len + 1);
    if (name->data == NULL) {
        return NGX_ERROR;
    }

    ngx_sprintf(name->data, "%V/%010uD%Z", &path->name,
                (uint32_t) (seq % 4294967296ULL));

    return NGX_OK;
}


/*
 * Writes a page to a new file: called in a render thread, so it logs
 * nothing and allocates nothing; a failure leaves no file and says which
 * call failed.
 */

ngx_int_t
ngx_http_article_render_file_write(u_char *name, u_char *data, size_t len,
    ngx_http_article_render_version_t *v, ngx_err_t *err,
    const char **failed)
{
    size_t           n;
    ssize_t          w;
    ngx_fd_t         fd;
    ngx_file_info_t  fi;

    /*
     * The zone's counter makes names unique within the zone; a name an
     * earlier zone left is not taken over (O_EXCL): the page then stays
     * out of files, and the mark that reserved the name can delete it
     * for a worker that died.
     */

    fd = ngx_open_file(name, NGX_FILE_WRONLY, NGX_FILE_CREATE_OR_OPEN|O_EXCL,
                       NGX_FILE_DEFAULT_ACCESS);

    if (fd == NGX_INVALID_FILE) {
        *err = ngx_errno;
        *failed = ngx_open_file_n;
        return NGX_ERROR;
    }

    /* a short write (a disk filling up) goes on, up to its error */

    for (n = 0; n < len; n += w) {
#if (AR_TEST_HOOKS)
        w = ngx_http_article_render_file_test_write(fd, data + n, len - n, n);
#else
        w = write(fd, data + n, len - n);
#endif

        if (w == -1) {
            if (ngx_errno == NGX_EINTR) {
                w = 0;
                continue;
            }

            *err = ngx_errno;
            *failed = "write()";
            goto failed;
        }
    }

    if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR) {
        *err = ngx_errno;
        *failed = ngx_fd_info_n;
        goto failed;
    }

    ngx_http_article_render_version(&fi, v);

    if (ngx_close_file(fd) == NGX_FILE_ERROR) {
        *err = ngx_errno;
        *failed = ngx_close_file_n;
        (void) ngx_delete_file(name);
        return NGX_ERROR;
    }

    return NGX_OK;

failed:

    (void) ngx_close_file(fd);
    (void) ngx_delete_file(name);

    return NGX_ERROR;
}


/*
 * Opens a hit's page file as static files are opened, so that
 * open_file_cache applies.  NGX_DECLINED: the file is not there, or not
 * the one the node names; the caller renders the page again.
 */

ngx_int_t
ngx_http_article_render_file_open(ngx_http_request_t *r,
    ngx_http_article_render_page_t *p, ngx_file_t *file)
{
    ngx_file_info_t                     fi;
    ngx_open_file_info_t                of;
    ngx_http_core_loc_conf_t           *clcf;
    ngx_http_article_render_version_t   v;

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

    ngx_memzero(&of, sizeof(ngx_open_file_info_t));

    of.read_ahead = clcf->read_ahead;
    of.directio = NGX_OPEN_FILE_DIRECTIO_OFF;
    of.valid = clcf->open_file_cache_valid;
    of.min_uses = clcf->open_file_cache_min_uses;
    of.errors = clcf->open_file_cache_errors;
    of.events = clcf->open_file_cache_events;

    if (ngx_open_cached_file(clcf->open_file_cache, &p->file, &of, r->pool)
        != NGX_OK)
    {
        if (of.err == 0) {
            return NGX_ERROR;
        }

        ngx_log_error(NGX_LOG_ERR, r->connection->log, of.err,
                      "%s \"%s\" failed, rendering again",
                      of.failed, p->file.data);
        return NGX_DECLINED;
    }

    /*
     * A name is unique only among the files that exist: the node also
     * keeps its file's identity, which the file must still have, to the
     * nanosecond (an inode is soon given again).
     */

    if (ngx_fd_info(of.fd, &fi) == NGX_FILE_ERROR) {
        ngx_log_error(NGX_LOG_CRIT, r->connection->log, ngx_errno,
                      ngx_fd_info_n " \"%s\" failed", p->file.data);
        return NGX_ERROR;
    }

    ngx_http_article_render_version(&fi, &v);

    if (ngx_memcmp(&v, &p->file_version, sizeof(v)) != 0) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "page file \"%s\" is not the one written, "
                      "rendering again", p->file.data);
        return NGX_DECLINED;
    }

    file->fd = of.fd;
    file->name = p->file;
    file->log = r->connection->log;
    file->directio = of.is_directio;

    return NGX_OK;
}


void
ngx_http_article_render_file_delete(u_char *name, ngx_log_t *log)
{
    if (ngx_delete_file(name) == NGX_FILE_ERROR && ngx_errno != NGX_ENOENT) {
        ngx_log_error(NGX_LOG_CRIT, log, ngx_errno,
                      ngx_delete_file_n " \"%s\" failed", name);
    }
}


/* the numbers of the page files in the path, into an array of uint32_t */

ngx_int_t
ngx_http_article_render_file_list(ngx_path_t *path, ngx_log_t *log,
    ngx_array_t *seqs)
{
    u_char     *p;
    size_t      len;
    uint32_t   *seq;
    ngx_err_t   err;
    ngx_int_t   rc, n;
    ngx_dir_t   dir;

    if (ngx_open_dir(&path->name, &dir) == NGX_ERROR) {
        err = ngx_errno;

        if (err == NGX_ENOENT) {
            return NGX_OK;
        }

        ngx_log_error(NGX_LOG_CRIT, log, err,
                      ngx_open_dir_n " \"%s\" failed", path->name.data);
        return NGX_ERROR;
    }

    rc = NGX_OK;

    for ( ;; ) {
        ngx_set_errno(0);

        if (ngx_read_dir(&dir) == NGX_ERROR) {
            err = ngx_errno;

            if (err != NGX_ENOMOREFILES) {
                ngx_log_error(NGX_LOG_CRIT, log, err,
                              ngx_read_dir_n " \"%s\" failed",
                              path->name.data);
                rc = NGX_ERROR;
            }

            break;
        }

        len = ngx_de_namelen(&dir);
        p = ngx_de_name(&dir);

        /* only what looks like a page file; anything else is left alone */

        if (len != NGX_HTTP_AR_FILE_NAME_LEN) {
            continue;
        }

        n = ngx_atoi(p, len);

        if (n == NGX_ERROR || n > 0xffffffffLL) {
            continue;
        }

        seq = ngx_array_push(seqs);
        if (seq == NULL) {
            rc = NGX_ERROR;
            break;
        }

        *seq = (uint32_t) n;
    }

    if (ngx_close_dir(&dir) == NGX_ERROR) {
        ngx_log_error(NGX_LOG_ALERT, log, ngx_errno,
                      ngx_close_dir_n " \"%s\" failed", path->name.data);
    }

    return rc;
}


/* deletes the page files an earlier zone left in the path */

void
ngx_http_article_render_file_clean(ngx_path_t *path, ngx_log_t *log)
{
    uint32_t     *seq;
    ngx_str_t     name;
    ngx_uint_t    i;
    ngx_pool_t   *pool;
    ngx_array_t   seqs;

    pool = ngx_create_pool(NGX_DEFAULT_POOL_SIZE, log);
    if (pool == NULL) {
        return;
    }

    if (ngx_array_init(&seqs, pool, 64, sizeof(uint32_t)) != NGX_OK) {
        goto done;
    }

    (void) ngx_http_article_render_file_list(path, log, &seqs);

    seq = seqs.elts;

    for (i = 0; i < seqs.nelts; i++) {
        if (ngx_http_article_render_file_name(pool, path, seq[i], &name)
            != NGX_OK)
        {
            break;
        }

        ngx_http_article_render_file_delete(name.data, log);
    }

done:

    ngx_destroy_pool(pool);
}


#if (AR_TEST_HOOKS)

/*
 * Test builds: a page file write puts at most AR_TEST_PAGE_FILE_CHUNK
 * bytes a call, and the file at most AR_TEST_PAGE_FILE_ROOM bytes, then
 * fails with ENOSPC, as a disk that fills up does.
 */

static ssize_t
ngx_http_article_render_file_test_write(ngx_fd_t fd, u_char *data,
    size_t len, size_t written)
{
    char       *s;
    ngx_int_t   n;

    s = getenv("AR_TEST_PAGE_FILE_ROOM");
    n = s ? ngx_atoi((u_char *) s, ngx_strlen(s)) : NGX_ERROR;

    if (n != NGX_ERROR) {
        if (written >= (size_t) n) {
            ngx_set_errno(NGX_ENOSPC);
            return -1;
        }

        len = ngx_min(len, (size_t) n - written);
    }

    s = getenv("AR_TEST_PAGE_FILE_CHUNK");
    n = s ? ngx_atoi((u_char *) s, ngx_strlen(s)) : NGX_ERROR;

    if (n > 0) {
        len = ngx_min(len, (size_t) n);
    }

    return write(fd, data, len);
}

#endif
