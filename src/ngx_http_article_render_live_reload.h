/*
 * ngx_http_article_render_module: live reload, "article_render_live_reload"
 * and the script a page carries.
 */

#ifndef _NGX_HTTP_ARTICLE_RENDER_LIVE_RELOAD_H_INCLUDED_
#define _NGX_HTTP_ARTICLE_RENDER_LIVE_RELOAD_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>

#include "ar_buf.h"


char *ngx_http_article_render_live_reload(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
ngx_int_t ngx_http_article_render_live_reload_splice(ar_buf_t *page,
    u_char *etag, size_t etag_len, ngx_msec_t interval);


#endif /* _NGX_HTTP_ARTICLE_RENDER_LIVE_RELOAD_H_INCLUDED_ */
