/* TEMPORARY STUB for compiling the glue; replaced by the helper's */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <dirent.h>
#include "ar_listing.h"
int ar_listing_build(const ar_listing_conf_t *conf, const ar_limits_t *limits, ar_listing_t *out)
{
    DIR *d; struct dirent *e;
    memset(out, 0, sizeof(*out));
    d = opendir(conf->dir);
    if (d == NULL) return AR_ERROR;
    if (conf->kind == AR_LISTING_INDEX) ar_buf_append(&out->body, "<ul>", 4);
    else ar_buf_append(&out->body, "<?xml version=\"1.0\"?><x>", 25);
    while ((e = readdir(d))) { if (e->d_name[0]=='.') continue; ar_buf_append(&out->body, "<li>", 4); ar_buf_append_escaped(&out->body, e->d_name, strlen(e->d_name)); ar_buf_append(&out->body, "</li>\n", 6); out->listed++; }
    closedir(d);
    ar_buf_append(&out->body, conf->kind == AR_LISTING_INDEX ? "</ul>" : "</x>", 5 - (conf->kind != AR_LISTING_INDEX));
    ar_buf_append(&out->title, "dir", 3);
    return AR_OK;
}
void ar_listing_free(ar_listing_t *l) { ar_buf_free(&l->body); ar_buf_free(&l->title); }
int ar_listing_splice(ar_buf_t *html, const ar_buf_t *list, int *found)
{
    char *p; ar_buf_t b; size_t off; const char *ph = "<p>{{articles}}</p>";
    *found = 0;
    if (html->len == 0) return AR_OK;
    p = memmem(html->data, html->len, ph, strlen(ph));
    if (p == NULL) return AR_OK;
    *found = 1; off = p - html->data;
    memset(&b, 0, sizeof(b));
    ar_buf_append(&b, html->data, off); ar_buf_append(&b, list->data, list->len);
    ar_buf_append(&b, p + strlen(ph), html->len - off - strlen(ph));
    ar_buf_free(html); *html = b; return AR_OK;
}
int ar_listing_wanted(const char *src, size_t len) { return memmem(src, len, "{{articles}}", 12) != NULL; }
