/*
 * ngx_http_article_render_module: the content codings a scope stores
 * its pages in ("article_render_compress"), and the one a request gets.
 */

#ifndef _NGX_HTTP_ARTICLE_RENDER_CODING_H_INCLUDED_
#define _NGX_HTTP_ARTICLE_RENDER_CODING_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ar_compress.h"


/*
 * The configured codings, one byte each, at 8 * AR_CODING_*: the level
 * plus 1, or 0 where the coding is not used; 0 for "off".
 */

#define ngx_http_article_render_compress_level(compress, coding)             \
    ((ngx_int_t) (((compress) >> ((coding) * 8)) & 0xff) - 1)


char *ngx_http_article_render_compress(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_uint_t ngx_http_article_render_compress_default(void);
ngx_int_t ngx_http_article_render_compress_coding(ngx_http_request_t *r,
    ngx_uint_t compress, const size_t *sizes);
ngx_uint_t ngx_http_article_render_compress_first(ngx_http_request_t *r,
    ngx_uint_t compress);
char *ngx_http_article_render_compress_vary(ngx_http_request_t *r,
    ngx_uint_t compress, ngx_uint_t accept);
#if (AR_TEST_HOOKS)
ngx_int_t ngx_http_article_render_compress_add_variables(ngx_conf_t *cf);
#endif


#endif /* _NGX_HTTP_ARTICLE_RENDER_CODING_H_INCLUDED_ */
