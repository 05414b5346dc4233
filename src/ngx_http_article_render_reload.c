/*
 * ngx_http_article_render_module: live reload for authors.
 *
 * With "article_render_live_reload TIME;" every page carries a small
 * inline script that asks for its own URL with HEAD and If-None-Match
 * every TIME and reloads the page when the answer is 200 with another
 * ETag: no WebSocket, no extra endpoint, nothing the server keeps.
 *
 * The script is put into the response when it is sent, not into the
 * rendered page, so the render cache holds the same page with and
 * without it.  It goes before the page's last "</body>" (compared
 * without case), or after the page when the template has none, and
 * carries the ETag the page is sent with.  The setting is part of the
 * configuration identity (conf_id), so the two variants of a page have
 * different ETags.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_article_render_module.h"


/* a longer interval would overflow the browser's setTimeout() */
#define NGX_HTTP_AR_LIVE_RELOAD_MAX  (24 * 60 * 60 * 1000)


static ngx_int_t ngx_http_article_render_live_reload_script(
    ngx_http_request_t *r, ngx_http_article_render_loc_conf_t *arlcf,
    ngx_str_t *script);
static u_char *ngx_http_article_render_live_reload_at(ngx_str_t *page);
static ngx_int_t ngx_http_article_render_chain_add(ngx_http_request_t *r,
    ngx_chain_t ***last, u_char *start, u_char *end);


static const char  ngx_http_article_render_script_head[] =
    "<script>/* article_render_live_reload */(function(){var e='";

static const char  ngx_http_article_render_script_tail[] =
    ";function p(){fetch(location.href,{method:\"HEAD\",cache:\"no-store\","
    "headers:e?{\"If-None-Match\":e}:{}}).then(function(r){"
    "var n=r.headers.get(\"ETag\");"
    "if(r.status==200&&n&&n.replace(/^W[/]/,\"\")!=e){location.reload()}"
    "else{setTimeout(p,t)}},function(){setTimeout(p,t)})}"
    "setTimeout(p,t)})();</script>\n";


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
 * The response body: the page with the script in it.  Called after the
 * ETag is set, before the header is sent.
 */

ngx_chain_t *
ngx_http_article_render_live_reload_body(ngx_http_request_t *r,
    ngx_http_article_render_loc_conf_t *arlcf, ngx_str_t *page)
{
    u_char        *at;
    ngx_str_t      script;
    ngx_chain_t   *out, **ll, *cl;

    if (ngx_http_article_render_live_reload_script(r, arlcf, &script)
        != NGX_OK)
    {
        return NULL;
    }

    at = ngx_http_article_render_live_reload_at(page);

    out = NULL;
    ll = &out;

    if (ngx_http_article_render_chain_add(r, &ll, page->data, at) != NGX_OK
        || ngx_http_article_render_chain_add(r, &ll, script.data,
                                             script.data + script.len)
           != NGX_OK
        || ngx_http_article_render_chain_add(r, &ll, at,
                                             page->data + page->len)
           != NGX_OK)
    {
        return NULL;
    }

    for (cl = out; cl->next; cl = cl->next) { /* void */ }

    cl->buf->last_buf = (r == r->main) ? 1 : 0;
    cl->buf->last_in_chain = 1;

    return out;
}


/* the script, with the response's ETag in it (or none without one) */

static ngx_int_t
ngx_http_article_render_live_reload_script(ngx_http_request_t *r,
    ngx_http_article_render_loc_conf_t *arlcf, ngx_str_t *script)
{
    u_char     *p, c;
    size_t      len;
    ngx_str_t   etag;
    ngx_uint_t  i;

    if (r->headers_out.etag) {
        etag = r->headers_out.etag->value;

    } else {
        ngx_str_null(&etag);
    }

    /* every byte of the ETag may need a "\xHH" escape in the string */

    len = sizeof(ngx_http_article_render_script_head) - 1 + 4 * etag.len
          + sizeof("',t=") - 1 + NGX_INT_T_LEN
          + sizeof(ngx_http_article_render_script_tail) - 1;

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    script->data = p;

    p = ngx_cpymem(p, ngx_http_article_render_script_head,
                   sizeof(ngx_http_article_render_script_head) - 1);

    for (i = 0; i < etag.len; i++) {
        c = etag.data[i];

        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')
            || (c >= 'A' && c <= 'Z') || c == '"' || c == '.' || c == '-'
            || c == '/')
        {
            *p++ = c;

        } else {
            p = ngx_sprintf(p, "\\x%02xD", (uint32_t) c);
        }
    }

    p = ngx_sprintf(p, "',t=%M", arlcf->live_reload);

    p = ngx_cpymem(p, ngx_http_article_render_script_tail,
                   sizeof(ngx_http_article_render_script_tail) - 1);

    script->len = p - script->data;

    return NGX_OK;
}


/* where the script goes: at the last "</body>", or at the end */

static u_char *
ngx_http_article_render_live_reload_at(ngx_str_t *page)
{
    u_char  *p;

    if (page->len < sizeof("</body>") - 1) {
        return page->data + page->len;
    }

    p = page->data + page->len - (sizeof("</body>") - 1);

    for ( ;; ) {

        if (ngx_strncasecmp(p, (u_char *) "</body>", sizeof("</body>") - 1)
            == 0)
        {
            return p;
        }

        if (p == page->data) {
            return page->data + page->len;
        }

        p--;
    }
}


/* adds a memory buffer of start to end, unless it is empty */

static ngx_int_t
ngx_http_article_render_chain_add(ngx_http_request_t *r, ngx_chain_t ***last,
    u_char *start, u_char *end)
{
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    if (start == end) {
        return NGX_OK;
    }

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_ERROR;
    }

    b->pos = start;
    b->last = end;
    b->memory = 1;

    cl = ngx_alloc_chain_link(r->pool);
    if (cl == NULL) {
        return NGX_ERROR;
    }

    cl->buf = b;
    cl->next = NULL;

    **last = cl;
    *last = &cl->next;

    return NGX_OK;
}
