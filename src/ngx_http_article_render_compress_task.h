/*
 * ngx_http_article_render_module: the task that compresses a page into
 * the codings its render did not make, and stores it.
 */

#ifndef _NGX_HTTP_ARTICLE_RENDER_COMPRESS_TASK_H_INCLUDED_
#define _NGX_HTTP_ARTICLE_RENDER_COMPRESS_TASK_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_article_render_module.h"
#include "ngx_http_article_render_cache.h"


ngx_int_t ngx_http_article_render_compress_rest(
    ngx_http_article_render_page_t *p, ngx_uint_t made,
    ngx_http_article_render_loc_conf_t *arlcf, ngx_log_t *log);


#endif /* _NGX_HTTP_ARTICLE_RENDER_COMPRESS_TASK_H_INCLUDED_ */
