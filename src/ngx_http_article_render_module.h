/*
 * ngx_http_article_render_module: the configuration, which every file of
 * the module reads, and the module itself.
 */

#ifndef _NGX_HTTP_ARTICLE_RENDER_MODULE_H_INCLUDED_
#define _NGX_HTTP_ARTICLE_RENDER_MODULE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ar_render.h"
#include "ar_template.h"


typedef struct {
    ar_template_t              tpl;
    time_t                     mtime;
    uint32_t                   crc;       /* of the template's text */
} ngx_http_article_render_template_t;


typedef struct {
    ngx_array_t               *names;     /* of ngx_str_t: the server's
                                             names that are not patterns */
} ngx_http_article_render_srv_conf_t;


typedef struct {
    ngx_flag_t                 enable;
    ngx_array_t               *suffixes;  /* of ngx_str_t */
    ngx_uint_t                 gfm;       /* NGX_HTTP_AR_GFM_* bits */
    ngx_uint_t                 html;      /* NGX_HTTP_AR_HTML_* */
    ngx_flag_t                 highlight;
    ngx_flag_t                 math;
    ngx_uint_t                 newline;   /* AR_NEWLINE_* */
    ngx_flag_t                 noheadings;
    ngx_flag_t                 emoji;
    ngx_str_t                  mermaid;   /* the script's URL; "": off */
    size_t                     max_size;
    ngx_msec_t                 live_reload;  /* 0 for off */
    ngx_uint_t                 compress;  /* levels, see coding.h */
    ngx_flag_t                 index;     /* article_render_index */
    ngx_str_t                  feed;      /* the names a directory's feed */
    ngx_str_t                  sitemap;   /* and sitemap answer; "": off */
    ngx_str_t                  base_url;  /* of their URLs; "": the
                                             request's scheme, host, port */

    ngx_http_article_render_template_t  *template;
    ngx_shm_zone_t            *cache;     /* NULL for off */
    ngx_msec_t                 timeout;
    size_t                     max_memory;
#if (NGX_THREADS)
    ngx_thread_pool_t         *thread_pool; /* NULL for off */
#endif
#if (AR_TEST_HOOKS)
    ngx_msec_t                 test_delay;
#endif

    /* derived in merge */
    ar_render_conf_t           render;    /* what the core needs */
    uint32_t                   conf_id;   /* the identity of the above */
} ngx_http_article_render_loc_conf_t;


/* what becomes of raw HTML: "article_render_html" */
#define NGX_HTTP_AR_HTML_SANITIZE   0
#define NGX_HTTP_AR_HTML_ESCAPE     1
#define NGX_HTTP_AR_HTML_UNSAFE     2


extern ngx_module_t  ngx_http_article_render_module;


#endif /* _NGX_HTTP_ARTICLE_RENDER_MODULE_H_INCLUDED_ */
