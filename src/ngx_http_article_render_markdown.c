/*
 * ngx_http_article_render_module: the article's Markdown source, sent
 * as a static file to clients whose Accept header prefers it.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ar_accept.h"
#include "ngx_http_article_render_markdown.h"
#include "ngx_http_article_render_request.h"


static ngx_uint_t ngx_http_article_render_is_accept(ngx_table_elt_t *h);


/*
 * Every Accept header of the request, as one list: headers that repeat
 * are joined with commas, as RFC 9110 says they may be.
 */

ngx_uint_t
ngx_http_article_render_wants_markdown(ngx_http_request_t *r)
{
    u_char           *p;
    ngx_str_t        *first;
    ngx_uint_t        i;
    ngx_array_t      *joined;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    first = NULL;
    joined = NULL;

    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (!ngx_http_article_render_is_accept(&h[i])) {
            continue;
        }

        if (first == NULL) {
            first = &h[i].value;
            continue;
        }

        /* a second Accept header: the list is copied only then */

        if (joined == NULL) {
            joined = ngx_array_create(r->pool, 2 * first->len + 1, 1);
            if (joined == NULL) {
                return 0;
            }

            p = ngx_array_push_n(joined, first->len);
            if (p == NULL) {
                return 0;
            }

            ngx_memcpy(p, first->data, first->len);
        }

        p = ngx_array_push_n(joined, h[i].value.len + 1);
        if (p == NULL) {
            return 0;
        }

        *p++ = ',';
        ngx_memcpy(p, h[i].value.data, h[i].value.len);
    }

    if (first == NULL) {
        return 0;
    }

    if (joined == NULL) {
        return ar_accept_markdown((const char *) first->data, first->len);
    }

    return ar_accept_markdown((const char *) joined->elts, joined->nelts);
}


static ngx_uint_t
ngx_http_article_render_is_accept(ngx_table_elt_t *h)
{
    return h->key.len == sizeof("Accept") - 1
           && ngx_strncasecmp(h->key.data, (u_char *) "Accept",
                              sizeof("Accept") - 1) == 0;
}


/* sends the file as it is, as the static module does */

ngx_int_t
ngx_http_article_render_send_markdown(ngx_http_request_t *r,
    ngx_str_t *path, ngx_open_file_info_t *of)
{
    ngx_buf_t                           *b;
    ngx_int_t                            rc;
    ngx_chain_t                          out;
    ngx_http_article_render_loc_conf_t  *arlcf;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "article render: markdown source \"%s\"", path->data);

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = of->size;
    r->headers_out.last_modified_time = of->mtime;

    ngx_str_set(&r->headers_out.content_type, "text/markdown");
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    ngx_str_set(&r->headers_out.charset, "utf-8");

    if (ngx_http_set_etag(r) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* the same Vary as the page's: a cache in front keeps one list */

    arlcf = ngx_http_get_module_loc_conf(r, ngx_http_article_render_module);

    if (ngx_http_article_render_add_header(r, "Vary", arlcf->compress
                                           ? "Accept, Accept-Encoding"
                                           : "Accept")
        == NULL)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (r != r->main && of->size == 0) {
        return ngx_http_send_header(r);
    }

    r->allow_ranges = 1;

    /* everything is allocated before the header goes out */

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->file = ngx_pcalloc(r->pool, sizeof(ngx_file_t));
    if (b->file == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    b->file_pos = 0;
    b->file_last = of->size;

    b->in_file = b->file_last ? 1 : 0;
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;
    b->sync = (b->in_file || b->last_buf) ? 0 : 1;

    b->file->fd = of->fd;
    b->file->name = *path;
    b->file->log = r->connection->log;
    b->file->directio = of->is_directio;

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}
