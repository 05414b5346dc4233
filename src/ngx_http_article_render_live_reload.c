/*
 * ngx_http_article_render_module: live reload for authors.  A page
 * rendered with "article_render_live_reload TIME;" carries a script that
 * asks for its own URL with HEAD and If-None-Match every TIME and reloads
 * the page when the answer has another ETag.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_article_render_module.h"
#include "ngx_http_article_render_live_reload.h"
#include "ngx_http_article_render_cache.h"


/* a longer interval would overflow the browser's setTimeout() */
#define NGX_HTTP_AR_LIVE_RELOAD_MAX  (24 * 60 * 60 * 1000)


static u_char *ngx_http_article_render_live_reload_at(u_char *page,
    size_t len);


static const char  ngx_http_article_render_script_head[] =
    "<script>/* article_render_live_reload */(function(){var e='";

static const char  ngx_http_article_render_script_tail[] =
    ";function p(){fetch(location.href,{method:\"HEAD\",cache:\"no-store\","
    "headers:e?{\"If-None-Match\":e}:{}}).then(function(r){"
    "var n=r.headers.get(\"ETag\");"
    "if(r.status==200&&n&&n.replace(/^W[/]/,\"\")"
    ".replace(/-(gzip|br|zstd)\"$/,'\"')!=e){location.reload()}"
    "else{setTimeout(p,t)}},function(){setTimeout(p,t)})}"
    "setTimeout(p,t)})();</script>\n";


/* every byte of the ETag may need a "\xHH" escape in the string */
#define NGX_HTTP_AR_SCRIPT_LEN                                                \
    (sizeof(ngx_http_article_render_script_head) + 4 * NGX_HTTP_AR_ETAG_LEN  \
     + sizeof("',t=") + NGX_INT_T_LEN                                         \
     + sizeof(ngx_http_article_render_script_tail))


/* article_render_live_reload TIME | off; */

char *
ngx_http_article_render_live_reload(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_article_render_loc_conf_t *arlcf = conf;

    ngx_int_t   n;
    ngx_str_t  *value;

    if (arlcf->live_reload != NGX_CONF_UNSET_MSEC) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        arlcf->live_reload = 0;
        return NGX_CONF_OK;
    }

    n = ngx_parse_time(&value[1], 0);

    if (n == NGX_ERROR || n == 0 || n > NGX_HTTP_AR_LIVE_RELOAD_MAX) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid value \"%V\" in \"%V\" directive, "
                           "it must be \"off\" or a time from 1ms to 1d",
                           &value[1], &cmd->name);
        return NGX_CONF_ERROR;
    }

    arlcf->live_reload = (ngx_msec_t) n;

    return NGX_CONF_OK;
}


/*
 * Puts the script, carrying the page's ETag (none for a page without
 * validators), before the page's last "</body>", or after the page when
 * the template has none.  Runs in the render job.
 */

ngx_int_t
ngx_http_article_render_live_reload_splice(ar_buf_t *page, u_char *etag,
    size_t etag_len, ngx_msec_t interval)
{
    u_char      *p, *at, c, script[NGX_HTTP_AR_SCRIPT_LEN];
    size_t       len, off;
    ngx_uint_t   i;

    p = ngx_cpymem(script, ngx_http_article_render_script_head,
                   sizeof(ngx_http_article_render_script_head) - 1);

    for (i = 0; i < etag_len; i++) {
        c = etag[i];

        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')
            || (c >= 'A' && c <= 'Z') || c == '"' || c == '.' || c == '-'
            || c == '/')
        {
            *p++ = c;

        } else {
            p = ngx_sprintf(p, "\\x%02xD", (uint32_t) c);
        }
    }

    p = ngx_sprintf(p, "',t=%M", interval);

    p = ngx_cpymem(p, ngx_http_article_render_script_tail,
                   sizeof(ngx_http_article_render_script_tail) - 1);

    len = p - script;

    if (ar_buf_reserve(page, len) != AR_OK) {
        return NGX_ERROR;
    }

    at = ngx_http_article_render_live_reload_at((u_char *) page->data,
                                                page->len);
    off = at - (u_char *) page->data;

    ngx_memmove(page->data + off + len, page->data + off, page->len - off);
    ngx_memcpy(page->data + off, script, len);
    page->len += len;

    return NGX_OK;
}


/* where the script goes: at the last "</body>", or at the end */

static u_char *
ngx_http_article_render_live_reload_at(u_char *page, size_t len)
{
    u_char  *p;

    if (len < sizeof("</body>") - 1) {
        return page + len;
    }

    p = page + len - (sizeof("</body>") - 1);

    for ( ;; ) {

        if (ngx_strncasecmp(p, (u_char *) "</body>", sizeof("</body>") - 1)
            == 0)
        {
            return p;
        }

        if (p == page) {
            return page + len;
        }

        p--;
    }
}
