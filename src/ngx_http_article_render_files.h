/*
 * ngx_http_article_render_module: pages kept in files, for zones with
 * a path.
 */

#ifndef _NGX_HTTP_ARTICLE_RENDER_FILES_H_INCLUDED_
#define _NGX_HTTP_ARTICLE_RENDER_FILES_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_article_render_cache.h"


void ngx_http_article_render_version(ngx_file_info_t *fi,
    ngx_http_article_render_version_t *v);
ngx_int_t ngx_http_article_render_file_name(ngx_pool_t *pool,
    ngx_path_t *path, ngx_uint_t seq, ngx_str_t *name);
ngx_int_t ngx_http_article_render_file_write(u_char *name, u_char *data,
    size_t len, ngx_http_article_render_version_t *v, ngx_err_t *err,
    const char **failed);

ngx_int_t ngx_http_article_render_file_open(ngx_http_request_t *r,
    ngx_http_article_render_page_t *p, ngx_file_t *file);
void ngx_http_article_render_file_delete(u_char *name, ngx_log_t *log);
ngx_int_t ngx_http_article_render_file_list(ngx_path_t *path, ngx_log_t *log,
    ngx_array_t *seqs);
void ngx_http_article_render_file_clean(ngx_path_t *path, ngx_log_t *log);


#endif /* _NGX_HTTP_ARTICLE_RENDER_FILES_H_INCLUDED_ */
