/*
 * ngx_http_article_render_module: a directory's index, feed and sitemap,
 * and the list an index article embeds.
 */

#ifndef _NGX_HTTP_ARTICLE_RENDER_LISTING_H_INCLUDED_
#define _NGX_HTTP_ARTICLE_RENDER_LISTING_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_article_render_module.h"
#include "ngx_http_article_render_request.h"


char *ngx_http_article_render_listing_name(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
char *ngx_http_article_render_base_url(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);

ngx_int_t ngx_http_article_render_index_handler(ngx_http_request_t *r);
ngx_int_t ngx_http_article_render_named(ngx_http_request_t *r,
    ngx_http_article_render_loc_conf_t *arlcf, ngx_str_t *path);
ngx_int_t ngx_http_article_render_listed(ngx_http_request_t *r,
    ngx_http_article_render_ctx_t *ctx,
    ngx_http_article_render_loc_conf_t *arlcf, ngx_str_t *path,
    ngx_str_t *name);


#endif /* _NGX_HTTP_ARTICLE_RENDER_LISTING_H_INCLUDED_ */
