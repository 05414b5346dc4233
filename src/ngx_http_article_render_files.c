/*
 * ngx_http_article_render_module: pages kept in files.
 *
 * A cache zone given "path=" keeps its large pages in files under that
 * directory, so that a hit is sent as nginx sends a static file, with
 * sendfile() and without copying the page into the socket.  The zone
 * keeps the entry (validators, file name); the file holds the page.
 *
 * Each page is written once, to a file of its own made by
 * ngx_create_temp_file(), and never written again: a page that is
 * replaced or evicted has its file deleted, and a response already
 * sending it goes on reading the file it opened.  Rewriting a file in
 * place would change bytes that sendfile() may still be reading.
 *
 * The files are named as nginx names temporary files, ten digits, and
 * nginx starting afresh deletes such files left in the directory by an
 * earlier nginx (a crash, a restart): their entries died with it.
 *
 * A name is unique only among the files that exist: once a file is
 * deleted, its name may be given again.  So an entry also keeps the
 * identity of its file (inode, size, modification time to the
 * nanosecond), and a hit serves the file only when it is still that one.
 * Within one zone a name is deleted only with its entry; the check is
 * for the rest (two zones over one directory across a reload that
 * changed the zone's size, a second nginx started over a running one,
 * someone's hand).
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_article_render_cache.h"


/* the length of the names ngx_create_temp_file() gives */
#define NGX_HTTP_AR_FILE_NAME_LEN  10


/*
 * Writes the key's page to a new file under the path: the key gets the
 * file's name, NUL-terminated, in the request's pool, and its identity.
 */

ngx_int_t
ngx_http_article_render_file_write(ngx_http_request_t *r, ngx_path_t *path,
    ngx_http_article_render_cache_key_t *key)
{
    ssize_t          n;
    ngx_int_t        rc;
    ngx_file_t       file;
    ngx_file_info_t  fi;

    ngx_memzero(&file, sizeof(ngx_file_t));

    file.log = r->connection->log;

    rc = ngx_create_temp_file(&file, path, r->pool, 1, 0, 0);
    if (rc != NGX_OK) {
        return NGX_ERROR;
    }

    n = ngx_write_file(&file, key->page.data, key->page.len, 0);

    if (n != (ssize_t) key->page.len) {
        /* ngx_write_file() has logged why */
        goto failed;
    }

    if (ngx_fd_info(file.fd, &fi) == NGX_FILE_ERROR) {
        ngx_log_error(NGX_LOG_CRIT, file.log, ngx_errno,
                      ngx_fd_info_n " \"%s\" failed", file.name.data);
        goto failed;
    }

    ngx_pool_run_cleanup_file(r->pool, file.fd);

    key->file = file.name;
    ngx_http_article_render_version(&fi, &key->file_version);

    return NGX_OK;

failed:

    ngx_pool_run_cleanup_file(r->pool, file.fd);
    ngx_http_article_render_file_delete(file.name.data, file.log);

    return NGX_ERROR;
}


/*
 * Opens the file of a hit's page, to be closed with the request's pool.
 * NGX_DECLINED: the file is not there, or not the one the entry names;
 * the caller renders the page again.
 */

ngx_int_t
ngx_http_article_render_file_open(ngx_http_request_t *r,
    ngx_http_article_render_cache_key_t *key, ngx_file_t *file)
{
    ngx_fd_t                            fd;
    ngx_str_t                          *name;
    ngx_file_info_t                     fi;
    ngx_pool_cleanup_t                 *cln;
    ngx_pool_cleanup_file_t            *clnf;
    ngx_http_article_render_version_t   v;

    /*
     * The name is the entry's, NUL-terminated there: the entry is pinned
     * until the request's cleanup, which nginx runs after this later one
     * that closes the file.  Only a file refused here lets the entry go
     * sooner, and it is closed at once.
     */

    name = &key->file;

    cln = ngx_pool_cleanup_add(r->pool, sizeof(ngx_pool_cleanup_file_t));
    if (cln == NULL) {
        return NGX_ERROR;
    }

    fd = ngx_open_file(name->data, NGX_FILE_RDONLY|NGX_FILE_NONBLOCK,
                       NGX_FILE_OPEN, 0);

    if (fd == NGX_INVALID_FILE) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, ngx_errno,
                      ngx_open_file_n " \"%s\" failed, rendering again",
                      name->data);
        return NGX_DECLINED;
    }

    cln->handler = ngx_pool_cleanup_file;
    clnf = cln->data;

    clnf->fd = fd;
    clnf->name = name->data;
    clnf->log = r->pool->log;

    if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR) {
        ngx_log_error(NGX_LOG_CRIT, r->connection->log, ngx_errno,
                      ngx_fd_info_n " \"%s\" failed", name->data);
        return NGX_ERROR;
    }

    ngx_http_article_render_version(&fi, &v);

    if (ngx_memcmp(&v, &key->file_version, sizeof(v)) != 0) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "page file \"%s\" is not the one written, "
                      "rendering again", name->data);
        ngx_pool_run_cleanup_file(r->pool, fd);
        return NGX_DECLINED;
    }

    file->fd = fd;
    file->name = *name;
    file->log = r->connection->log;

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


/* deletes the page files an earlier zone left in the path */

void
ngx_http_article_render_file_clean(ngx_path_t *path, ngx_log_t *log)
{
    u_char     *p, *name, *last;
    size_t      len;
    ngx_err_t   err;
    ngx_dir_t   dir;

    if (ngx_open_dir(&path->name, &dir) == NGX_ERROR) {
        err = ngx_errno;

        if (err != NGX_ENOENT) {
            ngx_log_error(NGX_LOG_CRIT, log, err,
                          ngx_open_dir_n " \"%s\" failed", path->name.data);
        }

        return;
    }

    name = ngx_alloc(path->name.len + 1 + NGX_HTTP_AR_FILE_NAME_LEN + 1,
                     log);
    if (name == NULL) {
        goto done;
    }

    last = ngx_cpymem(name, path->name.data, path->name.len);
    *last++ = '/';

    for ( ;; ) {
        ngx_set_errno(0);

        if (ngx_read_dir(&dir) == NGX_ERROR) {
            err = ngx_errno;

            if (err != NGX_ENOMOREFILES) {
                ngx_log_error(NGX_LOG_CRIT, log, err,
                              ngx_read_dir_n " \"%s\" failed",
                              path->name.data);
            }

            break;
        }

        len = ngx_de_namelen(&dir);
        p = ngx_de_name(&dir);

        /* only what looks like a page file; anything else is left alone */

        if (len != NGX_HTTP_AR_FILE_NAME_LEN
            || ngx_atoi(p, len) == NGX_ERROR)
        {
            continue;
        }

        ngx_memcpy(last, p, len + 1);

        ngx_http_article_render_file_delete(name, log);
    }

    ngx_free(name);

done:

    if (ngx_close_dir(&dir) == NGX_ERROR) {
        ngx_log_error(NGX_LOG_ALERT, log, ngx_errno,
                      ngx_close_dir_n " \"%s\" failed", path->name.data);
    }
}
