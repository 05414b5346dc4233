/*
 * ngx_http_article_render_module: the "article_render_compress"
 * directive, and the content coding a request gets among those a page
 * is stored in.  The codings themselves are in ar_compress.c, the
 * Accept-Encoding rules in ar_accept.c.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ar_accept.h"
#include "ngx_http_article_render_module.h"
#include "ngx_http_article_render_coding.h"


/* the default levels: docs/benchmarks.md says why */
#define NGX_HTTP_AR_GZIP_LEVEL   3
#define NGX_HTTP_AR_BR_LEVEL     6
#define NGX_HTTP_AR_ZSTD_LEVEL   6


static ngx_int_t ngx_http_article_render_compress_built(ngx_int_t coding);
static ngx_int_t ngx_http_article_render_compress_ok(ngx_http_request_t *r);
#if (AR_TEST_HOOKS)
static ngx_int_t ngx_http_article_render_test_coding(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
#endif


static ngx_int_t  ngx_http_article_render_compress_levels[AR_CODING_N] = {
    0,
    NGX_HTTP_AR_GZIP_LEVEL,
    NGX_HTTP_AR_BR_LEVEL,
    NGX_HTTP_AR_ZSTD_LEVEL
};


static char  *ngx_http_article_render_compress_libs[AR_CODING_N] = {
    NULL,
    "zlib (Debian: zlib1g-dev)",
    "the brotli library (Debian: libbrotli-dev)",
    "the zstd library (Debian: libzstd-dev)"
};


/* article_render_compress off | method[=level] ...; */

char *
ngx_http_article_render_compress(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    char  *p = conf;

    u_char      *eq;
    ngx_int_t    coding, level, min, max;
    ngx_str_t   *value, name, arg;
    ngx_uint_t   i, *np, compress;

    np = (ngx_uint_t *) (p + cmd->offset);

    if (*np != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {

        if (ngx_strcmp(value[i].data, "off") == 0) {

            if (cf->args->nelts > 2) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "\"off\" cannot be combined with methods "
                                   "in \"%V\" directive", &cmd->name);
                return NGX_CONF_ERROR;
            }

            *np = 0;
            return NGX_CONF_OK;
        }
    }

    compress = 0;

    for (i = 1; i < cf->args->nelts; i++) {

        name = value[i];

        eq = ngx_strlchr(name.data, name.data + name.len, '=');
        if (eq) {
            name.len = eq - name.data;
        }

        /* the names as they are written: not "x-gzip", not "GZIP" */

        for (coding = AR_CODING_GZIP; coding < AR_CODING_N; coding++) {
            if (name.len == ngx_strlen(ar_coding_name(coding))
                && ngx_strncmp(name.data, ar_coding_name(coding), name.len)
                   == 0)
            {
                break;
            }
        }

        if (coding == AR_CODING_N) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid value \"%V\" in \"%V\" directive",
                               &value[i], &cmd->name);
            return NGX_CONF_ERROR;
        }

        if (ngx_http_article_render_compress_level(compress, coding) >= 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "duplicate method \"%V\" in \"%V\" directive",
                               &name, &cmd->name);
            return NGX_CONF_ERROR;
        }

        if (!ngx_http_article_render_compress_built(coding)) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"%V\" cannot be used in \"%V\" directive: "
                               "the module was built without %s",
                               &name, &cmd->name,
                               ngx_http_article_render_compress_libs[coding]);
            return NGX_CONF_ERROR;
        }

        min = ar_compress_level_min(coding);
        max = ar_compress_level_max(coding);

        if (eq) {
            arg.data = eq + 1;
            arg.len = value[i].data + value[i].len - arg.data;

            level = ngx_atoi(arg.data, arg.len);

            if (level == NGX_ERROR || level < min || level > max) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid level \"%V\" of \"%V\" in \"%V\" "
                                   "directive, it must be %i to %i",
                                   &arg, &name, &cmd->name, min, max);
                return NGX_CONF_ERROR;
            }

        } else {
            level = ngx_http_article_render_compress_levels[coding];
        }

        compress |= (ngx_uint_t) (level + 1) << (coding * 8);
    }

    *np = compress;

    return NGX_CONF_OK;
}


/* "gzip br", or "gzip" where the module was built without brotli */

ngx_uint_t
ngx_http_article_render_compress_default(void)
{
    ngx_uint_t  compress;

    compress = (ngx_uint_t) (NGX_HTTP_AR_GZIP_LEVEL + 1)
               << (AR_CODING_GZIP * 8);

    if (ngx_http_article_render_compress_built(AR_CODING_BR)) {
        compress |= (ngx_uint_t) (NGX_HTTP_AR_BR_LEVEL + 1)
                    << (AR_CODING_BR * 8);
    }

    return compress;
}


static ngx_int_t
ngx_http_article_render_compress_built(ngx_int_t coding)
{
#if (AR_TEST_HOOKS)
    u_char      *s, *p;
    const char  *name;

    /* test builds: the codings this variable names count as not built */

    s = (u_char *) getenv("AR_TEST_COMPRESS_WITHOUT");
    name = ar_coding_name(coding);

    if (s && name) {
        for (p = (u_char *) ngx_strstr(s, name);
             p;
             p = (u_char *) ngx_strstr(p + 1, name))
        {
            if ((p == s || p[-1] == ' ')
                && (p[ngx_strlen(name)] == ' ' || p[ngx_strlen(name)] == '\0'))
            {
                return 0;
            }
        }
    }
#endif

    return ar_compress_available(coding);
}


/*
 * The coding a response is sent in, given the scope's codings and the
 * size of the page in each (AR_SIZE_NONE where it is not stored): the
 * page is compressed only where nginx's gzip filter and gzip_static
 * would compress (ngx_http_gzip_ok(): a main request, gzip_http_version,
 * gzip_proxied, gzip_disable), and in the coding Accept-Encoding chooses
 * (ar_accept_encoding()).  When it accepts none, identity included, the
 * page is sent as it is, as nginx's static modules do (RFC 9110, section
 * 12.1 lets a server disregard the header rather than answer 406).
 *
 * Called after the response's Expires, Cache-Control, Last-Modified and
 * ETag are set, if gzip_proxied is to see them.
 */

ngx_int_t
ngx_http_article_render_compress_coding(ngx_http_request_t *r,
    ngx_uint_t compress, const size_t *sizes)
{
#if (NGX_HTTP_GZIP || NGX_HTTP_HEADERS)
    ngx_int_t         coding;
    ngx_table_elt_t  *ae;

    ae = r->headers_in.accept_encoding;

    if (compress == 0 || ae == NULL) {
        return AR_CODING_IDENTITY;
    }

    coding = AR_CODING_IDENTITY;

    if (ngx_http_article_render_compress_ok(r) == NGX_OK) {
        coding = ar_accept_encoding((char *) ae->value.data, ae->value.len,
                                    sizes);

        if (coding == AR_CODING_NONE) {
            coding = AR_CODING_IDENTITY;
        }
    }

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "article render coding: %s", ar_coding_name(coding));

#if (NGX_HTTP_GZIP)

    /* nginx's gzip filter does not compress a page that chose otherwise */

    if (sizes[AR_CODING_GZIP] != AR_SIZE_NONE) {
        r->gzip_tested = 1;
        r->gzip_ok = (coding == AR_CODING_GZIP);
    }

#endif

    return coding;

#else

    return AR_CODING_IDENTITY;

#endif
}


/*
 * The codings, of those configured, a render in a thread pool or of a
 * page nobody keeps makes: the one the request will be sent, none for
 * identity.  Of the codings the request weights highest, the quickest
 * to make is chosen: gzip, zstd, br.
 */

ngx_uint_t
ngx_http_article_render_compress_first(ngx_http_request_t *r,
    ngx_uint_t compress)
{
    size_t     sizes[AR_CODING_N];
    ngx_int_t  c, first;

    static const size_t  cost[AR_CODING_N] = { 4, 1, 3, 2 };

    for (c = 0; c < AR_CODING_N; c++) {
        sizes[c] = (c == AR_CODING_IDENTITY
                    || ngx_http_article_render_compress_level(compress, c)
                       >= 0)
                   ? cost[c] : AR_SIZE_NONE;
    }

    first = ngx_http_article_render_compress_coding(r, compress, sizes);

    return (first == AR_CODING_IDENTITY)
           ? 0 : compress & ((ngx_uint_t) 0xff << (first * 8));
}


/*
 * The Vary of an article (with its Accept) or of a listing (without;
 * NULL for none).  With gzip_vary on, nginx's gzip filter has its header
 * filter say "Vary: Accept-Encoding" for an uncompressed page: nginx is
 * asked to say it for every page, and says it once.
 */

char *
ngx_http_article_render_compress_vary(ngx_http_request_t *r,
    ngx_uint_t compress, ngx_uint_t accept)
{
#if (NGX_HTTP_GZIP)
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

    if (compress && clcf->gzip_vary) {
        r->gzip_vary = 1;
        return accept ? "Accept" : NULL;
    }
#endif

    if (!accept) {
        return compress ? "Accept-Encoding" : NULL;
    }

    return compress ? "Accept, Accept-Encoding" : "Accept";
}


/*
 * ngx_http_gzip_ok() applies nginx's rules, and wants "gzip" in
 * Accept-Encoding besides: it is asked with a header that says only
 * that, and the request's own header and gzip state are put back.
 */

static ngx_int_t
ngx_http_article_render_compress_ok(ngx_http_request_t *r)
{
#if (NGX_HTTP_GZIP)
    unsigned          tested, ok;
    ngx_int_t         rc;
    ngx_table_elt_t  *ae, gzip;

    ngx_memzero(&gzip, sizeof(ngx_table_elt_t));
    ngx_str_set(&gzip.key, "Accept-Encoding");
    ngx_str_set(&gzip.value, "gzip");

    ae = r->headers_in.accept_encoding;
    tested = r->gzip_tested;
    ok = r->gzip_ok;

    r->headers_in.accept_encoding = &gzip;

    rc = ngx_http_gzip_ok(r);

    r->headers_in.accept_encoding = ae;
    r->gzip_tested = tested;
    r->gzip_ok = ok;

    return rc;

#else

    return (r == r->main) ? NGX_OK : NGX_DECLINED;

#endif
}


#if (AR_TEST_HOOKS)

/*
 * Test builds: $article_render_test_coding is the coding a page of 1000
 * bytes would be sent in, stored in the scope's codings as gzip 300,
 * br 250 and zstd 280 bytes.
 */

ngx_int_t
ngx_http_article_render_compress_add_variables(ngx_conf_t *cf)
{
    ngx_str_t              name = ngx_string("article_render_test_coding");
    ngx_http_variable_t   *var;

    var = ngx_http_add_variable(cf, &name, NGX_HTTP_VAR_NOCACHEABLE);
    if (var == NULL) {
        return NGX_ERROR;
    }

    var->get_handler = ngx_http_article_render_test_coding;

    return NGX_OK;
}


static ngx_int_t
ngx_http_article_render_test_coding(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    size_t                               sizes[AR_CODING_N];
    ngx_int_t                            c;
    const char                          *name;
    ngx_http_article_render_loc_conf_t  *arlcf;

    static const size_t  stored[AR_CODING_N] = { 1000, 300, 250, 280 };

    arlcf = ngx_http_get_module_loc_conf(r, ngx_http_article_render_module);

    for (c = 0; c < AR_CODING_N; c++) {
        sizes[c] = (c == AR_CODING_IDENTITY
                    || ngx_http_article_render_compress_level(arlcf->compress,
                                                              c) >= 0)
                   ? stored[c] : AR_SIZE_NONE;
    }

    name = ar_coding_name(ngx_http_article_render_compress_coding(r,
                                                    arlcf->compress, sizes));

    v->len = ngx_strlen(name);
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;
    v->data = (u_char *) name;

    return NGX_OK;
}

#endif
