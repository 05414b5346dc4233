/*
 * ngx_http_article_render_module: directives and configuration.
 *
 * The content handlers live in ngx_http_article_render_handler.c and
 * _listing.c, the request's way to a page in _request.c (docs/design.md
 * draws the files' layers); the Markdown-to-page core, with no nginx
 * dependency, in ar_*.c.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ar_listing.h"
#include "ngx_http_article_render_module.h"
#include "ngx_http_article_render_handler.h"
#include "ngx_http_article_render_listing.h"
#include "ngx_http_article_render_request.h"
#include "ngx_http_article_render_coding.h"
#include "ngx_http_article_render_live_reload.h"
#include "ngx_http_article_render_cache.h"
#include "ngx_http_article_render_job.h"


/* bit 0 of a bitmask slot is NGX_CONF_BITMASK_SET, so ours start at 1 */
#define NGX_HTTP_AR_GFM_SHIFT    1
#define NGX_HTTP_AR_GFM_OFF      0x0100

#define NGX_HTTP_AR_TEMPLATE_MAX  (1024 * 1024)

/* the zone "article_render on;" uses when no other is configured */
#define NGX_HTTP_AR_CACHE_DEFAULT_NAME   "article_render"
#define NGX_HTTP_AR_CACHE_DEFAULT_SIZE   (16 * 1024 * 1024)

/* the module's own language files, where "make install" puts them */
#ifndef NGX_HTTP_AR_LANGUAGES
#define NGX_HTTP_AR_LANGUAGES  "/usr/share/nginx/article-render/lang"
#endif


typedef struct {
    ngx_array_t                         *suffixes;
    ngx_http_article_render_template_t  *builtin;
    ngx_shm_zone_t                      *default_cache;
    ngx_str_t                            languages;
    ngx_flag_t                           highlight;  /* on somewhere */
    ngx_flag_t                           threads;    /* a pool somewhere */
} ngx_http_article_render_main_conf_t;


static char *ngx_http_article_render_gfm(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_article_render_suffixes(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_article_render_newline(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_article_render_html(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static ngx_uint_t ngx_http_article_render_enum(ngx_conf_t *cf,
    ngx_command_t *cmd, char *values);
static char *ngx_http_article_render_unsafe(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_article_render_template(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static ngx_http_article_render_template_t *
    ngx_http_article_render_template_new(ngx_conf_t *cf, ngx_str_t *name,
    u_char *text, size_t len, time_t mtime);
static void ngx_http_article_render_template_cleanup(void *data);
static char *ngx_http_article_render_thread_pool(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_article_render_cache(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static ngx_shm_zone_t *ngx_http_article_render_default_zone(ngx_conf_t *cf);
static ngx_int_t ngx_http_article_render_builtin_zone(ngx_conf_t *cf,
    ngx_shm_zone_t *zone);
static ngx_int_t ngx_http_article_render_add_variables(ngx_conf_t *cf);
static ngx_int_t ngx_http_article_render_cache_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
#if (AR_TEST_HOOKS)
static ngx_int_t ngx_http_article_render_test_scans(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_article_render_test_threads_variable(
    ngx_http_request_t *r, ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_article_render_test_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_article_render_test_number(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, ngx_uint_t n);
#endif
static void *ngx_http_article_render_create_main_conf(ngx_conf_t *cf);
static char *ngx_http_article_render_init_main_conf(ngx_conf_t *cf,
    void *conf);
static void *ngx_http_article_render_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_article_render_merge_loc_conf(ngx_conf_t *cf,
    void *parent, void *child);
static void *ngx_http_article_render_create_srv_conf(ngx_conf_t *cf);
static char *ngx_http_article_render_merge_srv_conf(ngx_conf_t *cf,
    void *parent, void *child);
static ngx_int_t ngx_http_article_render_init(ngx_conf_t *cf);
static ngx_int_t ngx_http_article_render_init_module(ngx_cycle_t *cycle);
static ngx_int_t ngx_http_article_render_init_process(ngx_cycle_t *cycle);
static void ngx_http_article_render_exit_process(ngx_cycle_t *cycle);
static void ngx_http_article_render_exit_master(ngx_cycle_t *cycle);
static char *ngx_http_article_render_highlight(ngx_conf_t *cf, void *post,
    void *data);
static char *ngx_http_article_render_languages(ngx_conf_t *cf, void *post,
    void *data);
static ngx_int_t ngx_http_article_render_load_languages(ngx_conf_t *cf,
    ngx_http_article_render_main_conf_t *armcf);
static char *ngx_http_article_render_mermaid(ngx_conf_t *cf, void *post,
    void *data);
static void ngx_http_article_render_pin_library(ngx_conf_t *cf, void *sym);


static ngx_conf_bitmask_t  ngx_http_article_render_gfm_mask[] = {
    { ngx_string("table"), AR_GFM_TABLE << NGX_HTTP_AR_GFM_SHIFT },
    { ngx_string("strikethrough"),
      AR_GFM_STRIKETHROUGH << NGX_HTTP_AR_GFM_SHIFT },
    { ngx_string("autolink"), AR_GFM_AUTOLINK << NGX_HTTP_AR_GFM_SHIFT },
    { ngx_string("tagfilter"), AR_GFM_TAGFILTER << NGX_HTTP_AR_GFM_SHIFT },
    { ngx_string("tasklist"), AR_GFM_TASKLIST << NGX_HTTP_AR_GFM_SHIFT },
    { ngx_string("footnotes"), AR_GFM_FOOTNOTES << NGX_HTTP_AR_GFM_SHIFT },
    { ngx_string("off"), NGX_HTTP_AR_GFM_OFF },
    { ngx_null_string, 0 }
};


static ngx_conf_post_t  ngx_http_article_render_highlight_post =
    { ngx_http_article_render_highlight };

static ngx_conf_post_t  ngx_http_article_render_mermaid_post =
    { ngx_http_article_render_mermaid };


static ngx_conf_post_t  ngx_http_article_render_languages_post =
    { ngx_http_article_render_languages };


static ngx_conf_enum_t  ngx_http_article_render_newlines[] = {
    { ngx_string("soft"), AR_NEWLINE_SOFT },
    { ngx_string("hard"), AR_NEWLINE_HARD },
    { ngx_string("block"), AR_NEWLINE_BLOCK },
    { ngx_null_string, 0 }
};


static ngx_conf_enum_t  ngx_http_article_render_html_modes[] = {
    { ngx_string("sanitize"), NGX_HTTP_AR_HTML_SANITIZE },
    { ngx_string("escape"), NGX_HTTP_AR_HTML_ESCAPE },
    { ngx_string("unsafe"), NGX_HTTP_AR_HTML_UNSAFE },
    { ngx_null_string, 0 }
};


static ngx_command_t  ngx_http_article_render_commands[] = {

    { ngx_string("article_render"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_article_render_loc_conf_t, enable),
      NULL },

    { ngx_string("article_render_suffixes"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_article_render_suffixes,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("article_render_gfm"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_article_render_gfm,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_article_render_loc_conf_t, gfm),
      &ngx_http_article_render_gfm_mask },

    { ngx_string("article_render_html"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_article_render_html,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      &ngx_http_article_render_html_modes },

    { ngx_string("article_render_unsafe"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_http_article_render_unsafe,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("article_render_highlight"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_article_render_loc_conf_t, highlight),
      &ngx_http_article_render_highlight_post },

    { ngx_string("article_render_highlight_languages"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_article_render_main_conf_t, languages),
      &ngx_http_article_render_languages_post },
    { ngx_string("article_render_math"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_article_render_loc_conf_t, math),
      NULL },

    { ngx_string("article_render_newline"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE12,
      ngx_http_article_render_newline,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      &ngx_http_article_render_newlines },

    { ngx_string("article_render_emoji"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_article_render_loc_conf_t, emoji),
      NULL },

    { ngx_string("article_render_mermaid"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_article_render_loc_conf_t, mermaid),
      &ngx_http_article_render_mermaid_post },

    { ngx_string("article_render_template"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_article_render_template,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("article_render_max_size"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_size_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_article_render_loc_conf_t, max_size),
      NULL },

    { ngx_string("article_render_live_reload"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_article_render_live_reload,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("article_render_compress"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_article_render_compress,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_article_render_loc_conf_t, compress),
      NULL },

    { ngx_string("article_render_index"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_article_render_loc_conf_t, index),
      NULL },

    { ngx_string("article_render_feed"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_article_render_listing_name,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_article_render_loc_conf_t, feed),
      NULL },

    { ngx_string("article_render_sitemap"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_article_render_listing_name,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_article_render_loc_conf_t, sitemap),
      NULL },

    { ngx_string("article_render_base_url"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_article_render_base_url,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_article_render_loc_conf_t, base_url),
      NULL },

    { ngx_string("article_render_thread_pool"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_article_render_thread_pool,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("article_render_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_article_render_loc_conf_t, timeout),
      NULL },

    { ngx_string("article_render_max_memory"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_size_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_article_render_loc_conf_t, max_memory),
      NULL },

#if (AR_TEST_HOOKS)

    /* test builds only: every render takes at least this long */

    { ngx_string("article_render_test_delay"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_article_render_loc_conf_t, test_delay),
      NULL },

#endif

    { ngx_string("article_render_cache_zone"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE123,
      ngx_http_article_render_cache_zone,
      0,
      0,
      NULL },

    { ngx_string("article_render_cache"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_article_render_cache,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_article_render_module_ctx = {
    ngx_http_article_render_add_variables, /* preconfiguration */
    ngx_http_article_render_init,          /* postconfiguration */

    ngx_http_article_render_create_main_conf, /* create main configuration */
    ngx_http_article_render_init_main_conf, /* init main configuration */

    ngx_http_article_render_create_srv_conf, /* create server configuration */
    ngx_http_article_render_merge_srv_conf, /* merge server configuration */

    ngx_http_article_render_create_loc_conf, /* create location configuration */
    ngx_http_article_render_merge_loc_conf   /* merge location configuration */
};


ngx_module_t  ngx_http_article_render_module = {
    NGX_MODULE_V1,
    &ngx_http_article_render_module_ctx,   /* module context */
    ngx_http_article_render_commands,      /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    ngx_http_article_render_init_module,   /* init module */
    ngx_http_article_render_init_process,  /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    ngx_http_article_render_exit_process,  /* exit process */
    ngx_http_article_render_exit_master,   /* exit master */
    NGX_MODULE_V1_PADDING
};


static char *
ngx_http_article_render_gfm(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_article_render_loc_conf_t *arlcf = conf;

    char  *rv;

    rv = ngx_conf_set_bitmask_slot(cf, cmd, conf);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    if ((arlcf->gfm & NGX_HTTP_AR_GFM_OFF)
        && (arlcf->gfm & ~(NGX_HTTP_AR_GFM_OFF|NGX_CONF_BITMASK_SET)))
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"off\" cannot be combined with extensions "
                           "in \"%V\" directive", &cmd->name);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_article_render_suffixes(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_article_render_loc_conf_t *arlcf = conf;

    ngx_str_t   *value, *s;
    ngx_uint_t   i;

    if (arlcf->suffixes != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    arlcf->suffixes = ngx_array_create(cf->pool, cf->args->nelts - 1,
                                       sizeof(ngx_str_t));
    if (arlcf->suffixes == NULL) {
        return NGX_CONF_ERROR;
    }

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {

        if (value[i].len == 0 || ngx_strlchr(value[i].data,
                                             value[i].data + value[i].len,
                                             '/'))
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid value \"%V\" in \"%V\" directive",
                               &value[i], &cmd->name);
            return NGX_CONF_ERROR;
        }

        s = ngx_array_push(arlcf->suffixes);
        if (s == NULL) {
            return NGX_CONF_ERROR;
        }

        *s = value[i];
    }

    return NGX_CONF_OK;
}


/* article_render_html sanitize | escape | unsafe; */

static char *
ngx_http_article_render_html(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_article_render_loc_conf_t *arlcf = conf;

    if (arlcf->html != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    arlcf->html = ngx_http_article_render_enum(cf, cmd,
                              "\"sanitize\", \"escape\" or \"unsafe\"");

    return (arlcf->html == NGX_CONF_UNSET_UINT) ? NGX_CONF_ERROR
                                                : NGX_CONF_OK;
}


/*
 * The value of the directive's first argument in its enum (cmd->post),
 * without case; NGX_CONF_UNSET_UINT, logged, when it is none of them.
 */

static ngx_uint_t
ngx_http_article_render_enum(ngx_conf_t *cf, ngx_command_t *cmd,
    char *values)
{
    ngx_str_t        *value;
    ngx_uint_t        i;
    ngx_conf_enum_t  *e;

    value = cf->args->elts;
    e = cmd->post;

    for (i = 0; e[i].name.len; i++) {
        if (e[i].name.len == value[1].len
            && ngx_strcasecmp(e[i].name.data, value[1].data) == 0)
        {
            return e[i].value;
        }
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid value \"%V\" in \"%V\" directive, "
                       "it must be %s", &value[1], &cmd->name, values);

    return NGX_CONF_UNSET_UINT;
}


/* article_render_unsafe on | off: article_render_html unsafe | sanitize */

static char *
ngx_http_article_render_unsafe(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_article_render_loc_conf_t *arlcf = conf;

    ngx_str_t  *value;

    if (arlcf->html != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcasecmp(value[1].data, (u_char *) "on") == 0) {
        arlcf->html = NGX_HTTP_AR_HTML_UNSAFE;

    } else if (ngx_strcasecmp(value[1].data, (u_char *) "off") == 0) {
        arlcf->html = NGX_HTTP_AR_HTML_SANITIZE;

    } else {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid value \"%s\" in \"%s\" directive, "
                           "it must be \"on\" or \"off\"",
                           value[1].data, cmd->name.data);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* article_render_newline soft | hard | block [noheadings]; */

static char *
ngx_http_article_render_newline(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_article_render_loc_conf_t *arlcf = conf;

    ngx_str_t  *value;

    if (arlcf->newline != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    arlcf->newline = ngx_http_article_render_enum(cf, cmd,
                                   "\"soft\", \"hard\" or \"block\"");
    if (arlcf->newline == NGX_CONF_UNSET_UINT) {
        return NGX_CONF_ERROR;
    }

    value = cf->args->elts;
    arlcf->noheadings = 0;

    if (cf->args->nelts == 2) {
        return NGX_CONF_OK;
    }

    if (ngx_strcmp(value[2].data, "noheadings") != 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid parameter \"%V\" in \"%V\" directive",
                           &value[2], &cmd->name);
        return NGX_CONF_ERROR;
    }

    if (arlcf->newline != AR_NEWLINE_BLOCK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"noheadings\" applies to \"block\" only "
                           "in \"%V\" directive", &cmd->name);
        return NGX_CONF_ERROR;
    }

    arlcf->noheadings = 1;

    return NGX_CONF_OK;
}


/* reads and parses the template at configuration time */

static char *
ngx_http_article_render_template(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_article_render_loc_conf_t *arlcf = conf;

    char             *rv;
    u_char           *text;
    ssize_t           n;
    ngx_str_t        *value, name;
    ngx_file_t        file;
    ngx_file_info_t   fi;

    if (arlcf->template != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;
    name = value[1];

    if (ngx_conf_full_name(cf->cycle, &name, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&file, sizeof(ngx_file_t));

    file.name = name;
    file.log = cf->log;

    file.fd = ngx_open_file(name.data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (file.fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_open_file_n " \"%s\" failed", name.data);
        return NGX_CONF_ERROR;
    }

    rv = NGX_CONF_ERROR;
    text = NULL;

    if (ngx_fd_info(file.fd, &fi) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_fd_info_n " \"%s\" failed", name.data);
        goto done;
    }

    if (!ngx_is_file(&fi)
        || ngx_file_size(&fi) > NGX_HTTP_AR_TEMPLATE_MAX)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "template \"%s\" is not a regular file "
                           "of at most %uz bytes",
                           name.data, (size_t) NGX_HTTP_AR_TEMPLATE_MAX);
        goto done;
    }

    text = ngx_alloc(ngx_file_size(&fi) + 1, cf->log);
    if (text == NULL) {
        goto done;
    }

    n = ngx_read_file(&file, text, ngx_file_size(&fi), 0);
    if (n == NGX_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_read_file_n " \"%s\" failed", name.data);
        goto done;
    }

    arlcf->template = ngx_http_article_render_template_new(cf, &name, text,
                                                           n,
                                                     ngx_file_mtime(&fi));
    if (arlcf->template != NULL) {
        rv = NGX_CONF_OK;
    }

done:

    if (text) {
        ngx_free(text);
    }

    if (ngx_close_file(file.fd) == NGX_FILE_ERROR) {
        ngx_log_error(NGX_LOG_ALERT, cf->log, ngx_errno,
                      ngx_close_file_n " \"%s\" failed", name.data);
    }

    return rv;
}


static ngx_http_article_render_template_t *
ngx_http_article_render_template_new(ngx_conf_t *cf, ngx_str_t *name,
    u_char *text, size_t len, time_t mtime)
{
    ar_template_error_t                  err;
    ngx_pool_cleanup_t                  *cln;
    ngx_http_article_render_template_t  *t;

    t = ngx_pcalloc(cf->pool, sizeof(ngx_http_article_render_template_t));
    if (t == NULL) {
        return NULL;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NULL;
    }

    if (ar_template_parse(&t->tpl, (const char *) text, len, &err) != AR_OK)
    {
        if (err.line) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "%s in template \"%V\" at line %ui",
                               err.msg, name, (ngx_uint_t) err.line);
        } else {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "%s in template \"%V\"", err.msg, name);
        }

        return NULL;
    }

    cln->handler = ngx_http_article_render_template_cleanup;
    cln->data = t;

    t->mtime = mtime;
    t->crc = ngx_crc32_long(text, len);

    return t;
}


static void
ngx_http_article_render_template_cleanup(void *data)
{
    ngx_http_article_render_template_t  *t = data;

    ar_template_free(&t->tpl);
}


/* article_render_thread_pool NAME | off; */

static char *
ngx_http_article_render_thread_pool(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
#if (NGX_THREADS)
    ngx_http_article_render_loc_conf_t *arlcf = conf;
#endif

    ngx_str_t  *value;

    value = cf->args->elts;

#if (NGX_THREADS)

    if (arlcf->thread_pool != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    if (ngx_strcmp(value[1].data, "off") == 0) {
        arlcf->thread_pool = NULL;
        return NGX_CONF_OK;
    }

    /* a pool no "thread_pool" defines fails at the end of the config */

    arlcf->thread_pool = ngx_thread_pool_add(cf, &value[1]);
    if (arlcf->thread_pool == NULL) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;

#else

    if (ngx_strcmp(value[1].data, "off") == 0) {
        return NGX_CONF_OK;
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "\"%V\" cannot be used: nginx was built without "
                       "thread support", &cmd->name);
    return NGX_CONF_ERROR;

#endif
}


/* the built-in zone, unless the configuration defines one of its name */

static ngx_shm_zone_t *
ngx_http_article_render_default_zone(ngx_conf_t *cf)
{
    ngx_str_t                             name;
    ngx_shm_zone_t                       *shm_zone;
    ngx_http_article_render_main_conf_t  *armcf;

    armcf = ngx_http_conf_get_module_main_conf(cf,
                                               ngx_http_article_render_module);

    if (armcf->default_cache) {
        return armcf->default_cache;
    }

    ngx_str_set(&name, NGX_HTTP_AR_CACHE_DEFAULT_NAME);

    shm_zone = ngx_shared_memory_add(cf, &name, 0,
                                     &ngx_http_article_render_module);
    if (shm_zone == NULL) {
        return NULL;
    }

    if (shm_zone->data == NULL) {
        shm_zone = ngx_http_article_render_add_zone(cf, &name,
                                             NGX_HTTP_AR_CACHE_DEFAULT_SIZE,
                                             NGX_HTTP_AR_CACHE_MAX_ENTRY);
        if (shm_zone == NULL) {
            return NULL;
        }
    }

    armcf->default_cache = shm_zone;

    return shm_zone;
}


/* article_render_cache NAME | off; */

static char *
ngx_http_article_render_cache(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_article_render_loc_conf_t *arlcf = conf;

    ngx_str_t  *value;

    if (arlcf->cache != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        arlcf->cache = NULL;
        return NGX_CONF_OK;
    }

    /* the zone may be defined later in the http block: see merge */

    arlcf->cache = ngx_shared_memory_add(cf, &value[1], 0,
                                         &ngx_http_article_render_module);
    if (arlcf->cache == NULL) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* a zone named but not defined may be the built-in one */

static ngx_int_t
ngx_http_article_render_builtin_zone(ngx_conf_t *cf, ngx_shm_zone_t *zone)
{
    ngx_str_t  name = ngx_string(NGX_HTTP_AR_CACHE_DEFAULT_NAME);

    if (zone->shm.name.len == name.len
        && ngx_strncmp(zone->shm.name.data, name.data, name.len) == 0
        && ngx_http_article_render_default_zone(cf) != NULL)
    {
        return NGX_OK;
    }

    return NGX_ERROR;
}


static ngx_http_variable_t  ngx_http_article_render_vars[] = {

    { ngx_string("article_render_cache"), NULL,
      ngx_http_article_render_cache_variable, 0,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

#if (AR_TEST_HOOKS)

    /*
     * test builds only: what this request asked of the zone, rendered
     * and compressed
     */

    { ngx_string("article_render_test_lookups"), NULL,
      ngx_http_article_render_test_variable,
      offsetof(ngx_http_article_render_ctx_t, lookups),
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("article_render_test_renders"), NULL,
      ngx_http_article_render_test_variable,
      offsetof(ngx_http_article_render_ctx_t, renders),
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("article_render_test_codings"), NULL,
      ngx_http_article_render_test_variable,
      offsetof(ngx_http_article_render_ctx_t, codings),
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    /* and the directories this worker has scanned for listings */

    { ngx_string("article_render_test_scans"), NULL,
      ngx_http_article_render_test_scans, 0,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    /* its renders in thread pools, and the requests queued for one */

    { ngx_string("article_render_test_running"), NULL,
      ngx_http_article_render_test_threads_variable, 0,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("article_render_test_queued"), NULL,
      ngx_http_article_render_test_threads_variable, 1,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

#endif

      ngx_http_null_variable
};


static ngx_int_t
ngx_http_article_render_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_http_article_render_vars; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

#if (AR_TEST_HOOKS)
    return ngx_http_article_render_compress_add_variables(cf);
#else
    return NGX_OK;
#endif
}


static ngx_int_t
ngx_http_article_render_cache_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    static ngx_str_t  status[NGX_HTTP_AR_CACHE_NSTATUS] = {
        ngx_null_string,
        ngx_string("MISS"),
        ngx_string("BYPASS"),
        ngx_string("EXPIRED"),
        ngx_string("HIT"),
        ngx_string("STALE")
    };

    ngx_http_article_render_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_article_render_module);

    if (ctx == NULL
        || ctx->cache_status == NGX_HTTP_AR_CACHE_NONE
        || ctx->cache_status >= NGX_HTTP_AR_CACHE_NSTATUS)
    {
        v->not_found = 1;
        return NGX_OK;
    }

    v->len = status[ctx->cache_status].len;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;
    v->data = status[ctx->cache_status].data;

    return NGX_OK;
}


#if (AR_TEST_HOOKS)

static ngx_int_t
ngx_http_article_render_test_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_http_article_render_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_article_render_module);

    return ngx_http_article_render_test_number(r, v,
                               ctx ? *(ngx_uint_t *) ((char *) ctx + data) : 0);
}


static ngx_int_t
ngx_http_article_render_test_scans(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    return ngx_http_article_render_test_number(r, v,
                                        (ngx_uint_t) ar_listing_store_scans());
}


static ngx_int_t
ngx_http_article_render_test_threads_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    return ngx_http_article_render_test_number(r, v,
                                   ngx_http_article_render_test_threads(data));
}


static ngx_int_t
ngx_http_article_render_test_number(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, ngx_uint_t n)
{
    v->data = ngx_pnalloc(r->pool, NGX_INT_T_LEN);
    if (v->data == NULL) {
        return NGX_ERROR;
    }

    v->len = ngx_sprintf(v->data, "%ui", n) - v->data;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;

    return NGX_OK;
}

#endif


static void *
ngx_http_article_render_create_main_conf(ngx_conf_t *cf)
{
    ngx_str_t                            *s;
    ngx_http_article_render_main_conf_t  *armcf;

    armcf = ngx_pcalloc(cf->pool,
                        sizeof(ngx_http_article_render_main_conf_t));
    if (armcf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     armcf->builtin = NULL;
     *     armcf->default_cache = NULL;
     *     armcf->languages = { 0, NULL };
     *     armcf->highlight = 0;
     *     armcf->threads = 0;
     */

    armcf->suffixes = ngx_array_create(cf->pool, 2, sizeof(ngx_str_t));
    if (armcf->suffixes == NULL) {
        return NULL;
    }

    s = ngx_array_push_n(armcf->suffixes, 2);
    if (s == NULL) {
        return NULL;
    }

    ngx_str_set(&s[0], ".md");
    ngx_str_set(&s[1], ".markdown");

    return armcf;
}


static char *
ngx_http_article_render_init_main_conf(ngx_conf_t *cf, void *conf)
{
    ngx_http_article_render_main_conf_t *armcf = conf;

    if (armcf->languages.data == NULL) {
        ngx_str_set(&armcf->languages, NGX_HTTP_AR_LANGUAGES);
    }

    return NGX_CONF_OK;
}


static void *
ngx_http_article_render_create_srv_conf(ngx_conf_t *cf)
{
    ngx_http_article_render_srv_conf_t  *arscf;

    arscf = ngx_pcalloc(cf->pool, sizeof(ngx_http_article_render_srv_conf_t));
    if (arscf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     arscf->names = NULL;
     */

    return arscf;
}


/*
 * The server's names that match one name each, kept for feeds and
 * sitemaps: nginx's own list lives only while the configuration is read.
 */

static char *
ngx_http_article_render_merge_srv_conf(ngx_conf_t *cf, void *parent,
    void *child)
{
    ngx_http_article_render_srv_conf_t *conf = child;

    ngx_str_t                 *name;
    ngx_uint_t                 i;
    ngx_http_server_name_t    *sn;
    ngx_http_core_srv_conf_t  *cscf;

    cscf = ngx_http_conf_get_module_srv_conf(cf, ngx_http_core_module);

    conf->names = ngx_array_create(cf->pool, 1, sizeof(ngx_str_t));
    if (conf->names == NULL) {
        return NGX_CONF_ERROR;
    }

    sn = cscf->server_names.elts;

    for (i = 0; i < cscf->server_names.nelts; i++) {
#if (NGX_PCRE)
        if (sn[i].regex) {
            continue;
        }
#endif

        if (sn[i].name.len == 0
            || ngx_strlchr(sn[i].name.data,
                           sn[i].name.data + sn[i].name.len, '*'))
        {
            continue;
        }

        name = ngx_array_push(conf->names);
        if (name == NULL) {
            return NGX_CONF_ERROR;
        }

        /* ".example.com" is "example.com" too */

        *name = sn[i].name;

        if (name->data[0] == '.') {
            name->data++;
            name->len--;
        }
    }

    return NGX_CONF_OK;
}


static void *
ngx_http_article_render_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_article_render_loc_conf_t  *conf;

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_article_render_loc_conf_t));
    if (conf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     conf->gfm = 0;
     *     conf->mermaid = { 0, NULL };
     *     conf->render = { 0 };
     *     conf->conf_id = 0;
     *     conf->feed = { 0, NULL };
     *     conf->sitemap = { 0, NULL };
     *     conf->base_url = { 0, NULL };
     */

    conf->enable = NGX_CONF_UNSET;
    conf->suffixes = NGX_CONF_UNSET_PTR;
    conf->html = NGX_CONF_UNSET_UINT;
    conf->highlight = NGX_CONF_UNSET;
    conf->math = NGX_CONF_UNSET;
    conf->newline = NGX_CONF_UNSET_UINT;
    conf->noheadings = NGX_CONF_UNSET;
    conf->emoji = NGX_CONF_UNSET;
    conf->max_size = NGX_CONF_UNSET_SIZE;
    conf->live_reload = NGX_CONF_UNSET_MSEC;
    conf->compress = NGX_CONF_UNSET_UINT;
    conf->index = NGX_CONF_UNSET;
    conf->template = NGX_CONF_UNSET_PTR;
    conf->cache = NGX_CONF_UNSET_PTR;
    conf->timeout = NGX_CONF_UNSET_MSEC;
    conf->max_memory = NGX_CONF_UNSET_SIZE;
#if (NGX_THREADS)
    conf->thread_pool = NGX_CONF_UNSET_PTR;
#endif
#if (AR_TEST_HOOKS)
    conf->test_delay = NGX_CONF_UNSET_MSEC;
#endif

    return conf;
}


static char *
ngx_http_article_render_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child)
{
    ngx_http_article_render_loc_conf_t *prev = parent;
    ngx_http_article_render_loc_conf_t *conf = child;

    uint32_t                              crc;
    ngx_str_t                             name, *suffix;
    ngx_uint_t                            i;
    ngx_http_article_render_main_conf_t  *armcf;

    armcf = ngx_http_conf_get_module_main_conf(cf,
                                               ngx_http_article_render_module);

    ngx_conf_merge_value(conf->enable, prev->enable, 0);
    ngx_conf_merge_ptr_value(conf->suffixes, prev->suffixes,
                             armcf->suffixes);
    ngx_conf_merge_bitmask_value(conf->gfm, prev->gfm,
                                 (NGX_CONF_BITMASK_SET
                                  |(AR_GFM_ALL << NGX_HTTP_AR_GFM_SHIFT)));
    ngx_conf_merge_uint_value(conf->html, prev->html,
                              NGX_HTTP_AR_HTML_SANITIZE);
    ngx_conf_merge_value(conf->highlight, prev->highlight,
                         ar_render_highlight_available());
    ngx_conf_merge_value(conf->math, prev->math, 1);
    ngx_conf_merge_uint_value(conf->newline, prev->newline, AR_NEWLINE_SOFT);
    ngx_conf_merge_value(conf->noheadings, prev->noheadings, 0);
    ngx_conf_merge_value(conf->emoji, prev->emoji, 1);
    ngx_conf_merge_str_value(conf->mermaid, prev->mermaid, "off");
    ngx_conf_merge_size_value(conf->max_size, prev->max_size,
                              4 * 1024 * 1024);
    ngx_conf_merge_msec_value(conf->live_reload, prev->live_reload, 0);
    ngx_conf_merge_uint_value(conf->compress, prev->compress,
                              ngx_http_article_render_compress_default());
    ngx_conf_merge_value(conf->index, prev->index, 0);
    ngx_conf_merge_str_value(conf->feed, prev->feed, "");
    ngx_conf_merge_str_value(conf->sitemap, prev->sitemap, "");
    ngx_conf_merge_str_value(conf->base_url, prev->base_url, "");
    ngx_conf_merge_ptr_value(conf->template, prev->template, NULL);
    ngx_conf_merge_msec_value(conf->timeout, prev->timeout, 5000);
    ngx_conf_merge_size_value(conf->max_memory, prev->max_memory,
                              128 * 1024 * 1024);
#if (AR_TEST_HOOKS)
    ngx_conf_merge_msec_value(conf->test_delay, prev->test_delay, 0);
#endif

    if (conf->template == NULL) {

        if (armcf->builtin == NULL) {
            ngx_str_set(&name, "built-in");

            armcf->builtin = ngx_http_article_render_template_new(cf, &name,
                                            (u_char *) ar_template_builtin,
                                            ngx_strlen(ar_template_builtin),
                                            0);
            if (armcf->builtin == NULL) {
                return NGX_CONF_ERROR;
            }
        }

        conf->template = armcf->builtin;
    }

    conf->render.gfm = (conf->gfm >> NGX_HTTP_AR_GFM_SHIFT) & AR_GFM_ALL;
    conf->render.unsafe = (conf->html == NGX_HTTP_AR_HTML_UNSAFE);
    conf->render.sanitize = (conf->html == NGX_HTTP_AR_HTML_SANITIZE);
    conf->render.newline = (unsigned) conf->newline;
    conf->render.noheadings = conf->noheadings ? 1 : 0;
    conf->render.notoc = !ar_template_uses(&conf->template->tpl, AR_TPL_TOC);
    conf->render.highlight = conf->highlight ? 1 : 0;
    conf->render.math = conf->math ? 1 : 0;
    conf->render.emoji = conf->emoji ? 1 : 0;

    if (conf->enable && conf->highlight) {
        armcf->highlight = 1;
    }

    /* the argument is NUL-terminated, as every one nginx reads */

    if (conf->mermaid.len == 3
        && ngx_strncmp(conf->mermaid.data, "off", 3) == 0)
    {
        conf->render.mermaid = NULL;

    } else {
        conf->render.mermaid = (const char *) conf->mermaid.data;
    }

    /*
     * The identity of everything that shapes the page: it goes into the
     * ETag, so a change of template or option is never answered with 304.
     */

    ngx_crc32_init(crc);
    ngx_crc32_update(&crc, (u_char *) &conf->template->crc,
                     sizeof(uint32_t));
    ngx_crc32_update(&crc, (u_char *) &conf->render.gfm, sizeof(unsigned));
    ngx_crc32_update(&crc, (u_char *) &conf->html, sizeof(ngx_uint_t));
    ngx_crc32_update(&crc, (u_char *) &conf->live_reload,
                     sizeof(ngx_msec_t));
    ngx_crc32_update(&crc, (u_char *) &conf->newline, sizeof(ngx_uint_t));
    ngx_crc32_update(&crc, (u_char *) &conf->noheadings, sizeof(ngx_flag_t));
    ngx_crc32_update(&crc, (u_char *) &conf->compress, sizeof(ngx_uint_t));
    ngx_crc32_update(&crc, (u_char *) &conf->highlight, sizeof(ngx_flag_t));
    ngx_crc32_update(&crc, (u_char *) &conf->math, sizeof(ngx_flag_t));
    ngx_crc32_update(&crc, (u_char *) &conf->emoji, sizeof(ngx_flag_t));
    ngx_crc32_update(&crc, conf->mermaid.data, conf->mermaid.len);
    ngx_crc32_update(&crc, (u_char *) "", 1);

    /* an index article lists its directory where indexes are on */
    ngx_crc32_update(&crc, (u_char *) &conf->index, sizeof(ngx_flag_t));

    /* the suffix that matches decides the fallback title */

    suffix = conf->suffixes->elts;

    for (i = 0; i < conf->suffixes->nelts; i++) {
        ngx_crc32_update(&crc, suffix[i].data, suffix[i].len);
        ngx_crc32_update(&crc, (u_char *) "", 1);
    }

    ngx_crc32_final(crc);

    conf->conf_id = crc;

    /*
     * Unset stays unset through inheritance, so that a location turning
     * article_render on below a scope that has it off still gets the
     * built-in zone and nginx's "default" thread pool.
     */

    if (conf->cache == NGX_CONF_UNSET_PTR) {
        conf->cache = prev->cache;
    }

    if (conf->cache == NGX_CONF_UNSET_PTR && conf->enable) {
        conf->cache = ngx_http_article_render_default_zone(cf);
        if (conf->cache == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    if (conf->cache != NGX_CONF_UNSET_PTR
        && conf->cache != NULL
        && conf->cache->data == NULL
        && ngx_http_article_render_builtin_zone(cf, conf->cache) != NGX_OK)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "unknown article_render_cache zone \"%V\"",
                           &conf->cache->shm.name);
        return NGX_CONF_ERROR;
    }

#if (NGX_THREADS)

    if (conf->thread_pool == NGX_CONF_UNSET_PTR) {
        conf->thread_pool = prev->thread_pool;
    }

    if (conf->thread_pool == NGX_CONF_UNSET_PTR && conf->enable) {
        conf->thread_pool = ngx_thread_pool_add(cf, NULL);
        if (conf->thread_pool == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    if (conf->thread_pool != NGX_CONF_UNSET_PTR && conf->thread_pool) {
        armcf->threads = 1;
    }

#endif

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_article_render_init(ngx_conf_t *cf)
{
    void                                 *libs[AR_RENDER_NLIBS];
    ngx_uint_t                            i;
    ngx_http_handler_pt                  *h;
    ngx_http_core_main_conf_t            *cmcf;
    ngx_http_article_render_main_conf_t  *armcf;

    armcf = ngx_http_conf_get_module_main_conf(cf,
                                               ngx_http_article_render_module);

    if (ar_render_init() != AR_OK) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "cmark-gfm %s lacks the GFM extensions",
                      ar_render_library_version());
        return NGX_ERROR;
    }

    if (ngx_http_article_render_load_languages(cf, armcf) != NGX_OK) {
        return NGX_ERROR;
    }

    ar_render_libraries(libs);

    for (i = 0; i < AR_RENDER_NLIBS; i++) {
        ngx_http_article_render_pin_library(cf, libs[i]);
    }

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_CONTENT_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_article_render_handler;

    /*
     * Directories are listed where nothing else answers them: after the
     * index module (an author's index file wins) and autoindex.  Content
     * handlers run from the last pushed to the first, so this one goes
     * first in the array.
     */

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_CONTENT_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h = cmcf->phases[NGX_HTTP_CONTENT_PHASE].handlers.elts;

    ngx_memmove(&h[1], &h[0], (cmcf->phases[NGX_HTTP_CONTENT_PHASE]
                                   .handlers.nelts - 1)
                              * sizeof(ngx_http_handler_pt));

    h[0] = ngx_http_article_render_index_handler;

    return NGX_OK;
}


/*
 * An old library is named once, by the master as it starts, at notice:
 * not on the terminal of every "nginx -t" and "nginx -s" of a site that
 * cannot upgrade it, and not again on reloads.
 */

static ngx_int_t
ngx_http_article_render_init_module(ngx_cycle_t *cycle)
{
    if (ngx_test_config
        || ngx_process == NGX_PROCESS_SIGNALLER
        || !ngx_is_init_cycle(cycle->old_cycle)
        || !ar_render_library_outdated())
    {
        return NGX_OK;
    }

    ngx_log_error(NGX_LOG_NOTICE, cycle->log, 0,
                  "cmark-gfm %s has known slow and exploding inputs, "
                  "fixed in 0.29.0.gfm.13: renders rely on "
                  "article_render_timeout and article_render_max_memory",
                  ar_render_library_version());

    return NGX_OK;
}


static ngx_int_t
ngx_http_article_render_init_process(ngx_cycle_t *cycle)
{
    ngx_http_article_render_main_conf_t  *armcf;

    armcf = ngx_http_cycle_get_module_main_conf(cycle,
                                               ngx_http_article_render_module);

    if (armcf && armcf->threads) {
        ngx_http_article_render_job_init_threads();
    }

    ngx_http_article_render_cache_init_process(cycle);
    ngx_http_article_render_init_bound(cycle);

    return NGX_OK;
}


/*
 * What the worker read of articles for listings goes with it; the
 * thread pools, core modules, have ended their threads by now.
 */

static void
ngx_http_article_render_exit_process(ngx_cycle_t *cycle)
{
    ar_listing_store_reset(0);
}


static void
ngx_http_article_render_exit_master(ngx_cycle_t *cycle)
{
    ngx_http_article_render_cache_exit(cycle);
}


static char *
ngx_http_article_render_highlight(ngx_conf_t *cf, void *post, void *data)
{
    ngx_flag_t  *fp = data;

    if (*fp && !ar_render_highlight_available()) {
        return "is on, but the module was built without GNU source-highlight";
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_article_render_languages(ngx_conf_t *cf, void *post, void *data)
{
    ngx_str_t  *path = data;

    if (ngx_conf_full_name(cf->cycle, path, 0) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_article_render_mermaid(ngx_conf_t *cf, void *post, void *data)
{
    ngx_str_t  *url = data;

    if (url->len == 0) {
        return "has an empty URL, it must be a URL or \"off\"";
    }

    return NGX_CONF_OK;
}


/*
 * The module's own language files are part of its installation: where
 * code is highlighted, a missing or broken file fails the configuration
 * rather than leaving its languages plain unnoticed.
 */

static ngx_int_t
ngx_http_article_render_load_languages(ngx_conf_t *cf,
    ngx_http_article_render_main_conf_t *armcf)
{
    const char       *failed;
    ngx_file_info_t   fi;

    if (!armcf->highlight || !ar_render_highlight_available()) {
        return NGX_OK;
    }

    if (ngx_file_info(armcf->languages.data, &fi) == NGX_FILE_ERROR) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, ngx_errno,
                      "article_render_highlight_languages \"%V\": "
                      ngx_file_info_n " failed", &armcf->languages);
        return NGX_ERROR;
    }

    if (!ngx_is_dir(&fi)) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "article_render_highlight_languages \"%V\" "
                      "is not a directory", &armcf->languages);
        return NGX_ERROR;
    }

    failed = "";

    if (ar_render_highlight_languages((char *) armcf->languages.data,
                                      &failed)
        != AR_OK)
    {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "article_render_highlight_languages \"%V\": "
                      "cannot load the language file \"%s\"",
                      &armcf->languages, failed);
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * cmark-gfm keeps its extensions in a registry of the process, filled
 * once by ar_render_init() and never again.  The libraries are kept
 * loaded for the life of the process, so that unloading the module (a
 * failed configuration, the exit) never leaves that registry behind
 * unreachable, nor a registry that points into an unloaded library.
 */

static void
ngx_http_article_render_pin_library(ngx_conf_t *cf, void *sym)
{
#if (NGX_HAVE_DLOPEN && defined RTLD_NODELETE && defined RTLD_NOLOAD)
    void     *handle;
    Dl_info   info;

    /* a library linked statically has nothing to pin */

    if (dladdr(sym, &info) == 0 || info.dli_fname == NULL) {
        return;
    }

    handle = dlopen(info.dli_fname, RTLD_LAZY|RTLD_NOLOAD|RTLD_NODELETE);
    if (handle == NULL) {
        ngx_log_error(NGX_LOG_WARN, cf->log, 0,
                      "dlopen(\"%s\", RTLD_NODELETE) failed (%s)",
                      info.dli_fname, dlerror());
        return;
    }

    /* the library stays loaded: RTLD_NODELETE outlives this reference */

    dlclose(handle);
#endif
}
