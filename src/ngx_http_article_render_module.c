/*
 * ngx_http_article_render_module: directives and configuration.
 *
 * The request handler lives in ngx_http_article_render_handler.c; the
 * Markdown-to-page core, with no nginx dependency, in ar_*.c.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_article_render_module.h"


/* bit 0 of a bitmask slot is NGX_CONF_BITMASK_SET, so ours start at 1 */
#define NGX_HTTP_AR_GFM_SHIFT    1
#define NGX_HTTP_AR_GFM_OFF      0x0100

#define NGX_HTTP_AR_TEMPLATE_MAX  (1024 * 1024)


typedef struct {
    ngx_array_t                         *suffixes;
    ngx_http_article_render_template_t  *builtin;
} ngx_http_article_render_main_conf_t;


static char *ngx_http_article_render_gfm(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_article_render_suffixes(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_article_render_template(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static ngx_http_article_render_template_t *
    ngx_http_article_render_template_new(ngx_conf_t *cf, ngx_str_t *name,
    u_char *text, size_t len, time_t mtime);
static void ngx_http_article_render_template_cleanup(void *data);
static void *ngx_http_article_render_create_main_conf(ngx_conf_t *cf);
static void *ngx_http_article_render_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_article_render_merge_loc_conf(ngx_conf_t *cf,
    void *parent, void *child);
static ngx_int_t ngx_http_article_render_init(ngx_conf_t *cf);


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

    { ngx_string("article_render_unsafe"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_article_render_loc_conf_t, unsafe),
      NULL },

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

      ngx_null_command
};


static ngx_http_module_t  ngx_http_article_render_module_ctx = {
    NULL,                                  /* preconfiguration */
    ngx_http_article_render_init,          /* postconfiguration */

    ngx_http_article_render_create_main_conf, /* create main configuration */
    NULL,                                  /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    ngx_http_article_render_create_loc_conf, /* create location configuration */
    ngx_http_article_render_merge_loc_conf   /* merge location configuration */
};


ngx_module_t  ngx_http_article_render_module = {
    NGX_MODULE_V1,
    &ngx_http_article_render_module_ctx,   /* module context */
    ngx_http_article_render_commands,      /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    NULL,                                  /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    NULL,                                  /* exit process */
    NULL,                                  /* exit master */
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

    t->name = *name;
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
     *     conf->render = { 0 };
     *     conf->conf_id = 0;
     */

    conf->enable = NGX_CONF_UNSET;
    conf->suffixes = NGX_CONF_UNSET_PTR;
    conf->unsafe = NGX_CONF_UNSET;
    conf->max_size = NGX_CONF_UNSET_SIZE;
    conf->template = NGX_CONF_UNSET_PTR;

    return conf;
}


static char *
ngx_http_article_render_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child)
{
    ngx_http_article_render_loc_conf_t *prev = parent;
    ngx_http_article_render_loc_conf_t *conf = child;

    uint32_t                              crc;
    ngx_str_t                             name;
    ngx_http_article_render_main_conf_t  *armcf;

    armcf = ngx_http_conf_get_module_main_conf(cf,
                                               ngx_http_article_render_module);

    ngx_conf_merge_value(conf->enable, prev->enable, 0);
    ngx_conf_merge_ptr_value(conf->suffixes, prev->suffixes,
                             armcf->suffixes);
    ngx_conf_merge_bitmask_value(conf->gfm, prev->gfm,
                                 (NGX_CONF_BITMASK_SET
                                  |(AR_GFM_ALL << NGX_HTTP_AR_GFM_SHIFT)));
    ngx_conf_merge_value(conf->unsafe, prev->unsafe, 0);
    ngx_conf_merge_size_value(conf->max_size, prev->max_size,
                              4 * 1024 * 1024);
    ngx_conf_merge_ptr_value(conf->template, prev->template, NULL);

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
    conf->render.unsafe = conf->unsafe ? 1 : 0;

    /*
     * The identity of everything that shapes the page: it goes into the
     * ETag, so a change of template or option is never answered with 304.
     */

    ngx_crc32_init(crc);
    ngx_crc32_update(&crc, (u_char *) &conf->template->crc,
                     sizeof(uint32_t));
    ngx_crc32_update(&crc, (u_char *) &conf->render.gfm, sizeof(unsigned));
    ngx_crc32_update(&crc, (u_char *) &conf->unsafe, sizeof(ngx_flag_t));
    ngx_crc32_final(crc);

    conf->conf_id = crc;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_article_render_init(ngx_conf_t *cf)
{
    ngx_http_handler_pt        *h;
    ngx_http_core_main_conf_t  *cmcf;

    if (ar_render_init() != AR_OK) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "cmark-gfm %s lacks the GFM extensions",
                      ar_render_library_version());
        return NGX_ERROR;
    }

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_CONTENT_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_article_render_handler;

    return NGX_OK;
}
