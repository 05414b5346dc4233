/*
 * ngx_http_article_render_module: what the directives file and the
 * request handler share.
 */

#ifndef _NGX_HTTP_ARTICLE_RENDER_MODULE_H_INCLUDED_
#define _NGX_HTTP_ARTICLE_RENDER_MODULE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ar_render.h"
#include "ar_template.h"
#include "ngx_http_article_render_cache.h"


typedef struct {
    ngx_str_t                  name;      /* empty for the built-in one */
    ar_template_t              tpl;
    time_t                     mtime;
    uint32_t                   crc;       /* of the template's text */
} ngx_http_article_render_template_t;


typedef struct {
    ngx_flag_t                 enable;
    ngx_array_t               *suffixes;  /* of ngx_str_t */
    ngx_uint_t                 gfm;       /* NGX_HTTP_AR_GFM_* bits */
    ngx_flag_t                 unsafe;
    ngx_uint_t                 newline;   /* AR_NEWLINE_* */
    ngx_flag_t                 noheadings;
    size_t                     max_size;

    ngx_http_article_render_template_t  *template;
    ngx_shm_zone_t            *cache;     /* as configured, NULL for off */

    /* derived in merge */
    ar_render_conf_t           render;    /* what the core needs */
    uint32_t                   conf_id;   /* the identity of the above */
    ngx_shm_zone_t            *cache_zone; /* the zone used, or NULL */
} ngx_http_article_render_loc_conf_t;


typedef struct {
    ngx_uint_t                 cache_status;  /* NGX_HTTP_AR_CACHE_* */
} ngx_http_article_render_ctx_t;


ngx_int_t ngx_http_article_render_handler(ngx_http_request_t *r);


extern ngx_module_t  ngx_http_article_render_module;


#endif /* _NGX_HTTP_ARTICLE_RENDER_MODULE_H_INCLUDED_ */
