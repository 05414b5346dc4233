/*
 * ngx_http_article_render_module: the article's Markdown source, for
 * clients that prefer it.
 */

#ifndef _NGX_HTTP_ARTICLE_RENDER_MARKDOWN_H_INCLUDED_
#define _NGX_HTTP_ARTICLE_RENDER_MARKDOWN_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>


ngx_uint_t ngx_http_article_render_wants_markdown(ngx_http_request_t *r);
ngx_int_t ngx_http_article_render_send_markdown(ngx_http_request_t *r,
    ngx_str_t *path, ngx_open_file_info_t *of);


#endif /* _NGX_HTTP_ARTICLE_RENDER_MARKDOWN_H_INCLUDED_ */
