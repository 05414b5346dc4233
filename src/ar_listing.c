/*
 * Article listings: a directory's index, Atom feed and sitemap.
 *
 * The scan reads the directory (and, for a sitemap, the directories
 * below it), takes each article's metadata from the store
 * (ar_listing_store.c), then sorts and writes the listing.  Articles are
 * sorted by their date, newest first, then by title and file name,
 * bytewise; a directory's "index" article is its page, not one of its
 * entries, in the index and the feed.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ar_arena.h"
#include "ar_listing.h"
#include "ar_listing_store.h"


typedef struct {
    size_t              name;       /* offsets into the build's strings: */
    size_t              name_len;   /* the file name, or for a sitemap the
                                       path below the directory */
    size_t              stem_len;   /* the name without its suffix */
    size_t              base;       /* the metadata's text */
    ar_listing_meta_t   meta;
    const char         *n;          /* set once the scan is done */
    const char         *s;
} ar_listing_item_t;


typedef struct {
    size_t              name;
    size_t              name_len;
    size_t              title;      /* title_len 0: the name */
    size_t              title_len;
    const char         *n;          /* set once the scan is done */
    unsigned            keep:1;     /* it holds a non-draft article */
} ar_listing_dir_t;


typedef struct {
    const ar_listing_conf_t  *conf;
    const ar_limits_t        *limits;
    ar_listing_t             *out;
    struct timespec           deadline;
    ar_listing_item_t        *items;
    size_t                    nitems;
    ar_listing_dir_t         *dirs;
    size_t                    ndirs;
    ar_buf_t                  strings;
    ar_buf_t                  path;
    size_t                    title;      /* the index article's title */
    size_t                    title_len;
    int64_t                   mtime;      /* the directory's */
} ar_listing_ctx_t;


static int ar_listing_read_dir(ar_listing_ctx_t *ctx,
    const ar_listing_id_t *id);
static int ar_listing_scan_key(const ar_listing_conf_t *conf,
    ar_buf_t *key);
static DIR *ar_listing_opendir(ar_listing_ctx_t *ctx, unsigned below);
static int ar_listing_scan(ar_listing_ctx_t *ctx, size_t dir_len,
    size_t rel, unsigned depth);
static int ar_listing_article(ar_listing_ctx_t *ctx, size_t path_len,
    size_t name, size_t name_len, size_t sfx, size_t rel,
    const struct stat *st, unsigned depth);
static int ar_listing_subdir(ar_listing_ctx_t *ctx, ar_listing_dir_t *dir);
static size_t ar_listing_suffix(const ar_listing_conf_t *conf,
    const char *name, size_t len);
static int ar_listing_is_index(const ar_listing_conf_t *conf,
    const char *name, size_t len);
static int ar_listing_path(ar_listing_ctx_t *ctx, size_t dir_len,
    const char *name, size_t len);
static int ar_listing_check(ar_listing_ctx_t *ctx);
static int ar_listing_stat(ar_listing_ctx_t *ctx, struct stat *st);
static int ar_listing_cmp(const void *a, const void *b);
static int ar_listing_cmp_path(const void *a, const void *b);
static int ar_listing_cmp_dir(const void *a, const void *b);
static int ar_listing_bytes_cmp(const char *a, size_t la, const char *b,
    size_t lb);
static int ar_listing_index(ar_listing_ctx_t *ctx);
static int ar_listing_feed(ar_listing_ctx_t *ctx);
static int ar_listing_sitemap(ar_listing_ctx_t *ctx);
static int ar_listing_text(ar_buf_t *b, const char *p, size_t n);
static int ar_listing_url(ar_buf_t *b, const char *p, size_t n);
static int ar_listing_link(ar_listing_ctx_t *ctx, ar_buf_t *b,
    const char *p, size_t n);
static int ar_listing_time(ar_buf_t *b, int64_t t, int timed);
static int ar_listing_str(ar_buf_t *b, const char *s);
static const char *ar_listing_find(const char *p, const char *end,
    const char *s, size_t n);


#define ar_listing_newest(m)                                                 \
    ((m)->has_updated ? (m)->updated : (m)->date)


int
ar_listing_build(const ar_listing_conf_t *conf, const ar_limits_t *limits,
    ar_listing_t *out)
{
    int                 rc;
    size_t              i, n, len;
    const char         *p;
    struct stat         st;
    ar_listing_id_t     id;
    ar_listing_ctx_t    ctx;
    ar_listing_item_t  *item;
#if (AR_TEST_HOOKS)
    struct timespec     delay;
#endif

    memset(out, 0, sizeof(ar_listing_t));
    memset(&ctx, 0, sizeof(ar_listing_ctx_t));

    ctx.conf = conf;
    ctx.limits = limits;
    ctx.out = out;

    if (limits != NULL && limits->timeout_ms) {
        clock_gettime(CLOCK_MONOTONIC, &ctx.deadline);
        ctx.deadline.tv_sec += limits->timeout_ms / 1000;
        ctx.deadline.tv_nsec += (long) (limits->timeout_ms % 1000) * 1000000;

        if (ctx.deadline.tv_nsec >= 1000000000) {
            ctx.deadline.tv_sec++;
            ctx.deadline.tv_nsec -= 1000000000;
        }
    }

#if (AR_TEST_HOOKS)
    /* a slow build, as a render is made slow: once, at its start */

    if (limits != NULL && limits->test_delay_ms) {
        delay.tv_sec = limits->test_delay_ms / 1000;
        delay.tv_nsec = (long) (limits->test_delay_ms % 1000) * 1000000;
        nanosleep(&delay, NULL);
    }
#endif

    if (ar_buf_append(&ctx.path, conf->dir, conf->dir_len) != AR_OK
        || ar_buf_append(&ctx.path, "", 1) != AR_OK)
    {
        errno = ENOMEM;
        rc = AR_ERROR;
        goto done;
    }

    /* the directory itself is as the glue found it (disable_symlinks) */

    if (stat(ctx.path.data, &st) == -1) {
        rc = AR_ERROR;
        goto done;
    }

    ctx.mtime = (int64_t) st.st_mtime;

    (void) ar_listing_stat_id(&st, &id);

    rc = ar_listing_read_dir(&ctx, &id);

    if (rc != AR_OK) {
        goto done;
    }

    /* the strings are where they stay: pointers may be taken now */

    for (i = 0; i < ctx.nitems; i++) {
        item = &ctx.items[i];
        item->n = ctx.strings.data + item->name;
        item->s = ctx.strings.data + item->base;

        if (ar_listing_newest(&item->meta) > out->newest) {
            out->newest = ar_listing_newest(&item->meta);
        }
    }

    for (i = 0; i < ctx.ndirs; i++) {
        ctx.dirs[i].n = ctx.strings.data + ctx.dirs[i].name;
    }

    if (ctx.nitems > 1) {
        qsort(ctx.items, ctx.nitems, sizeof(ar_listing_item_t),
              conf->kind == AR_LISTING_SITEMAP ? ar_listing_cmp_path
                                               : ar_listing_cmp);
    }

    if (ctx.ndirs > 1) {
        qsort(ctx.dirs, ctx.ndirs, sizeof(ar_listing_dir_t),
              ar_listing_cmp_dir);
    }

    /* the directory's title: its index article's, else its name */

    if (ctx.title_len) {
        p = ctx.strings.data + ctx.title;
        len = ctx.title_len;

    } else if (conf->name.len) {
        p = conf->name.data;
        len = conf->name.len;

    } else {
        p = conf->dir;
        len = conf->dir_len;

        for (n = len; n > 0 && p[n - 1] != '/'; n--) {
            /* void */
        }

        p += n;
        len -= n;
    }

    if (ar_listing_text(&out->title, p, len) != AR_OK) {
        rc = AR_ERROR;
        goto done;
    }

    n = (conf->kind == AR_LISTING_INDEX) ? AR_LISTING_INDEX_MAX
        : (conf->kind == AR_LISTING_FEED) ? AR_LISTING_FEED_MAX
        : AR_LISTING_SITEMAP_MAX;

    out->listed = (ctx.nitems < n) ? ctx.nitems : n;
    out->more = ctx.nitems - out->listed;

    switch (conf->kind) {

    case AR_LISTING_INDEX:
        rc = ar_listing_index(&ctx);
        break;

    case AR_LISTING_FEED:
        rc = ar_listing_feed(&ctx);
        break;

    default:
        rc = ar_listing_sitemap(&ctx);
        break;
    }

    if (rc == AR_OK) {
        rc = ar_listing_check(&ctx);
    }

done:

    ar_mem_free(ctx.items);
    ar_mem_free(ctx.dirs);
    ar_buf_free(&ctx.strings);
    ar_buf_free(&ctx.path);

    if (rc != AR_OK) {
        i = errno;
        ar_listing_free(out);
        errno = i;
    }

    return rc;
}


void
ar_listing_free(ar_listing_t *listing)
{
    ar_buf_free(&listing->body);
    ar_buf_free(&listing->title);
}


/*
 * The directory's entries: a scan of it kept a moment ago, while the
 * directory is as it was then, else a scan, which is kept in turn.
 */

static int
ar_listing_read_dir(ar_listing_ctx_t *ctx, const ar_listing_id_t *id)
{
    int                 rc;
    size_t              i;
    int64_t             taken, since;
    ar_buf_t            key;
    ar_listing_scan_t   scan;

    memset(&key, 0, sizeof(ar_buf_t));
    memset(&scan, 0, sizeof(ar_listing_scan_t));

    if (ar_listing_scan_key(ctx->conf, &key) != AR_OK) {
        ar_buf_free(&key);
        errno = ENOMEM;
        return AR_ERROR;
    }

    taken = ar_listing_scan_now();
    since = ctx->conf->reuse ? taken - ctx->conf->reuse : INT64_MAX;

    if (ar_listing_scan_find(key.data, key.len, id, since, &scan) == AR_OK) {
        ctx->items = scan.items;
        ctx->nitems = scan.items_len / sizeof(ar_listing_item_t);
        ctx->dirs = scan.dirs;
        ctx->ndirs = scan.dirs_len / sizeof(ar_listing_dir_t);
        ctx->strings.data = scan.strings;
        ctx->strings.len = scan.strings_len;
        ctx->strings.cap = scan.strings_len;
        ctx->title = scan.title;
        ctx->title_len = scan.title_len;

        ar_buf_free(&key);

        return AR_OK;
    }

    rc = ar_listing_scan(ctx, ctx->conf->dir_len, ctx->conf->dir_len + 1, 0);

    if (rc == AR_OK && ctx->conf->kind == AR_LISTING_INDEX) {
        for (i = 0; i < ctx->ndirs; i++) {
            rc = ar_listing_subdir(ctx, &ctx->dirs[i]);

            if (rc != AR_OK) {
                break;
            }
        }
    }

    if (rc == AR_OK) {
        scan.id = *id;
        scan.taken = taken;
        scan.items = ctx->items;
        scan.items_len = ctx->nitems * sizeof(ar_listing_item_t);
        scan.dirs = ctx->dirs;
        scan.dirs_len = ctx->ndirs * sizeof(ar_listing_dir_t);
        scan.strings = ctx->strings.data;
        scan.strings_len = ctx->strings.len;
        scan.title = ctx->title;
        scan.title_len = ctx->title_len;

        ar_listing_scan_keep(key.data, key.len, &scan);
    }

    ar_buf_free(&key);

    return rc;
}


/* what a scan depends on: its kind, how articles are read, the path */

static int
ar_listing_scan_key(const ar_listing_conf_t *conf, ar_buf_t *key)
{
    size_t          i;
    unsigned char   head[2 + sizeof(unsigned)];

    /* "block" has AR_LISTING_EMOJI above its low byte */

    head[0] = (unsigned char) conf->kind;
    head[1] = (unsigned char) (conf->nofollow != 0);
    memcpy(head + 2, &conf->block, sizeof(unsigned));

    if (ar_buf_append(key, (char *) head, sizeof(head)) != AR_OK) {
        return AR_ERROR;
    }

    for (i = 0; i < conf->nsuffixes; i++) {
        if (ar_buf_append(key, conf->suffixes[i].data,
                          conf->suffixes[i].len) != AR_OK
            || ar_buf_append(key, "", 1) != AR_OK)
        {
            return AR_ERROR;
        }
    }

    return ar_buf_append(key, conf->dir, conf->dir_len);
}


/*
 * The directory at ctx->path; one below the listed directory not through
 * a symbolic link where links are not followed.
 */

static DIR *
ar_listing_opendir(ar_listing_ctx_t *ctx, unsigned below)
{
    int   fd;
    DIR  *d;

    if (!ctx->conf->nofollow || !below) {
        return opendir(ctx->path.data);
    }

    fd = open(ctx->path.data,
              O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd == -1) {
        return NULL;
    }

    d = fdopendir(fd);

    if (d == NULL) {
        close(fd);
    }

    return d;
}


static int
ar_listing_scan(ar_listing_ctx_t *ctx, size_t dir_len, size_t rel,
    unsigned depth)
{
    int             rc, isdir, sitemap;
    DIR            *d;
    size_t          len, sfx, name, path_len;
    struct stat     st;
    struct dirent  *de;

    sitemap = (ctx->conf->kind == AR_LISTING_SITEMAP);

    d = ar_listing_opendir(ctx, depth);

    if (d == NULL) {
        return depth ? AR_OK : AR_ERROR;
    }

    rc = AR_OK;

    for ( ;; ) {
        errno = 0;
        de = readdir(d);

        if (de == NULL) {
            if (errno != 0 && depth == 0) {
                rc = AR_ERROR;
            }

            break;
        }

        if (de->d_name[0] == '.') {
            continue;
        }

        rc = ar_listing_check(ctx);
        if (rc != AR_OK) {
            break;
        }

        len = strlen(de->d_name);

        if (ar_listing_path(ctx, dir_len, de->d_name, len) != AR_OK) {
            rc = AR_ERROR;
            break;
        }

        path_len = dir_len + 1 + len;
        name = dir_len + 1;
        sfx = ar_listing_suffix(ctx->conf, de->d_name, len);
        isdir = 0;

        if (sfx) {
            if (ar_listing_stat(ctx, &st) == -1) {
                continue;
            }

            if (S_ISREG(st.st_mode)) {
                rc = ar_listing_article(ctx, path_len, name, len, sfx, rel,
                                        &st, depth);
                if (rc != AR_OK) {
                    break;
                }

                continue;
            }
        }

        if (sitemap) {
            /* symbolic links to directories are not followed */

            if (de->d_type == DT_DIR) {
                isdir = 1;

            } else if (de->d_type == DT_UNKNOWN) {
                isdir = (lstat(ctx->path.data, &st) == 0
                         && S_ISDIR(st.st_mode));
            }

            if (isdir && depth < AR_LISTING_DEPTH_MAX) {
                rc = ar_listing_scan(ctx, path_len, rel, depth + 1);
                if (rc != AR_OK) {
                    break;
                }
            }

            continue;
        }

        if (ctx->conf->kind != AR_LISTING_INDEX) {
            continue;
        }

        if (de->d_type == DT_DIR) {
            isdir = 1;

        } else if (de->d_type == DT_UNKNOWN || de->d_type == DT_LNK) {
            isdir = (ar_listing_stat(ctx, &st) == 0 && S_ISDIR(st.st_mode));
        }

        if (isdir) {
            ar_listing_dir_t  *dirs;

            dirs = ar_array_grow(ctx->dirs, ctx->ndirs,
                                 sizeof(ar_listing_dir_t));
            if (dirs == NULL) {
                rc = AR_ERROR;
                break;
            }

            ctx->dirs = dirs;
            memset(&dirs[ctx->ndirs], 0, sizeof(ar_listing_dir_t));

            dirs[ctx->ndirs].name = ctx->strings.len;
            dirs[ctx->ndirs].name_len = len;

            if (ar_buf_append(&ctx->strings, de->d_name, len) != AR_OK) {
                rc = AR_ERROR;
                break;
            }

            ctx->ndirs++;
        }
    }

    closedir(d);

    if (rc == AR_ERROR && errno == 0) {
        errno = ENOMEM;
    }

    return rc;
}


static int
ar_listing_article(ar_listing_ctx_t *ctx, size_t path_len, size_t name,
    size_t name_len, size_t sfx, size_t rel, const struct stat *st,
    unsigned depth)
{
    int                 rc, index;
    size_t              base;
    ar_listing_id_t     id;
    ar_listing_meta_t   meta;
    ar_listing_item_t  *items, *item;

    if (ar_listing_stat_id(st, &id) != AR_OK) {
        return AR_OK;
    }

    rc = ar_listing_meta(ctx->path.data, path_len, &id,
                         ctx->conf->block, ctx->conf->nofollow, &meta,
                         &ctx->strings, &base);

    if (rc == AR_LISTING_SKIP) {
        return AR_OK;
    }

    if (rc != AR_OK) {
        return rc;
    }

    index = (depth == 0
             && ar_listing_is_index(ctx->conf, ctx->path.data + name,
                                    name_len));

    if (index && ctx->conf->kind != AR_LISTING_SITEMAP) {
        if (meta.title_len) {
            ctx->title = base + meta.title;
            ctx->title_len = meta.title_len;
        }

        return AR_OK;
    }

    if (meta.draft) {
        return AR_OK;
    }

    items = ar_array_grow(ctx->items, ctx->nitems, sizeof(ar_listing_item_t));
    if (items == NULL) {
        return AR_ERROR;
    }

    ctx->items = items;
    item = &items[ctx->nitems];

    memset(item, 0, sizeof(ar_listing_item_t));

    item->meta = meta;
    item->base = base;
    item->name = ctx->strings.len;

    if (ctx->conf->kind == AR_LISTING_SITEMAP) {
        item->name_len = path_len - rel;
        rc = ar_buf_append(&ctx->strings, ctx->path.data + rel,
                           item->name_len);

    } else {
        item->name_len = name_len;
        rc = ar_buf_append(&ctx->strings, ctx->path.data + name, name_len);
    }

    item->stem_len = item->name_len - sfx;

    if (rc != AR_OK) {
        return AR_ERROR;
    }

    ctx->nitems++;

    return AR_OK;
}


/*
 * A subdirectory of an index: its index article's title, and whether it
 * holds an article that is not a draft.
 */

static int
ar_listing_subdir(ar_listing_ctx_t *ctx, ar_listing_dir_t *dir)
{
    int                 rc;
    DIR                *d;
    size_t              i, len, dir_len, base;
    struct stat         st;
    struct dirent      *de;
    ar_listing_id_t     id;
    ar_listing_meta_t   meta;
    const ar_str_t     *sfx;

    dir_len = ctx->conf->dir_len;

    for (i = 0; i < ctx->conf->nsuffixes; i++) {
        rc = ar_listing_check(ctx);
        if (rc != AR_OK) {
            return rc;
        }

        sfx = &ctx->conf->suffixes[i];

        ctx->path.len = dir_len;

        if (ar_buf_append(&ctx->path, "/", 1) != AR_OK
            || ar_buf_append(&ctx->path, ctx->strings.data + dir->name,
                             dir->name_len) != AR_OK
            || ar_buf_append(&ctx->path, "/index", 6) != AR_OK
            || ar_buf_append(&ctx->path, sfx->data, sfx->len) != AR_OK
            || ar_buf_append(&ctx->path, "", 1) != AR_OK)
        {
            return AR_ERROR;
        }

        if (ar_listing_stat(ctx, &st) == -1
            || ar_listing_stat_id(&st, &id) != AR_OK)
        {
            continue;
        }

        rc = ar_listing_meta(ctx->path.data, ctx->path.len - 1, &id,
                             ctx->conf->block, ctx->conf->nofollow, &meta,
                             &ctx->strings, &base);

        if (rc == AR_LISTING_SKIP) {
            continue;
        }

        if (rc != AR_OK) {
            return rc;
        }

        if (dir->title_len == 0 && meta.title_len) {
            dir->title = base + meta.title;
            dir->title_len = meta.title_len;
        }

        if (!meta.draft) {
            dir->keep = 1;
        }
    }

    if (dir->keep) {
        return AR_OK;
    }

    if (ar_listing_path(ctx, dir_len, ctx->strings.data + dir->name,
                        dir->name_len)
        != AR_OK)
    {
        return AR_ERROR;
    }

    dir_len = ctx->path.len - 1;

    d = ar_listing_opendir(ctx, 1);
    if (d == NULL) {
        return AR_OK;
    }

    rc = AR_OK;

    while (!dir->keep && (de = readdir(d)) != NULL) {

        if (de->d_name[0] == '.') {
            continue;
        }

        rc = ar_listing_check(ctx);
        if (rc != AR_OK) {
            break;
        }

        len = strlen(de->d_name);

        if (ar_listing_suffix(ctx->conf, de->d_name, len) == 0) {
            continue;
        }

        if (ar_listing_path(ctx, dir_len, de->d_name, len) != AR_OK) {
            rc = AR_ERROR;
            break;
        }

        if (ar_listing_stat(ctx, &st) == -1
            || ar_listing_stat_id(&st, &id) != AR_OK)
        {
            continue;
        }

        rc = ar_listing_meta(ctx->path.data, ctx->path.len - 1, &id,
                             ctx->conf->block, ctx->conf->nofollow, &meta,
                             &ctx->strings, &base);

        if (rc == AR_LISTING_SKIP) {
            rc = AR_OK;
            continue;
        }

        if (rc != AR_OK) {
            break;
        }

        if (!meta.draft) {
            dir->keep = 1;
        }
    }

    closedir(d);

    return rc;
}


/* the length of the suffix the name ends with, or 0 */

static size_t
ar_listing_suffix(const ar_listing_conf_t *conf, const char *name,
    size_t len)
{
    size_t           i;
    const ar_str_t  *s;

    for (i = 0; i < conf->nsuffixes; i++) {
        s = &conf->suffixes[i];

        if (s->len && len > s->len
            && strncasecmp(name + len - s->len, s->data, s->len) == 0)
        {
            return s->len;
        }
    }

    return 0;
}


static int
ar_listing_is_index(const ar_listing_conf_t *conf, const char *name,
    size_t len)
{
    size_t           i;
    const ar_str_t  *s;

    /* the name as the index module has it, the suffix as articles do */

    if (len < 5 || memcmp(name, "index", 5) != 0) {
        return 0;
    }

    for (i = 0; i < conf->nsuffixes; i++) {
        s = &conf->suffixes[i];

        if (len == 5 + s->len
            && strncasecmp(name + 5, s->data, s->len) == 0)
        {
            return 1;
        }
    }

    return 0;
}


/* the path buffer: the directory's path, "/", the name, NUL */

static int
ar_listing_path(ar_listing_ctx_t *ctx, size_t dir_len, const char *name,
    size_t len)
{
    ctx->path.len = dir_len;

    if (ar_buf_append(&ctx->path, "/", 1) != AR_OK
        || ar_buf_append(&ctx->path, name, len) != AR_OK
        || ar_buf_append(&ctx->path, "", 1) != AR_OK)
    {
        return AR_ERROR;
    }

    return AR_OK;
}


/* the entry at ctx->path: a symbolic link as itself where not followed */

static int
ar_listing_stat(ar_listing_ctx_t *ctx, struct stat *st)
{
    return ctx->conf->nofollow ? lstat(ctx->path.data, st)
                               : stat(ctx->path.data, st);
}


static int
ar_listing_check(ar_listing_ctx_t *ctx)
{
    size_t           used;
    struct timespec  now;

    if (ctx->limits == NULL) {
        return AR_OK;
    }

    if (ctx->limits->max_memory) {
        used = ctx->strings.cap + ctx->path.cap + ctx->out->body.cap
               + ctx->nitems * sizeof(ar_listing_item_t)
               + ctx->ndirs * sizeof(ar_listing_dir_t);

        if (used > ctx->limits->max_memory) {
            return AR_EMEMORY;
        }
    }

    if (ctx->limits->timeout_ms) {
        clock_gettime(CLOCK_MONOTONIC, &now);

        if (now.tv_sec > ctx->deadline.tv_sec
            || (now.tv_sec == ctx->deadline.tv_sec
                && now.tv_nsec >= ctx->deadline.tv_nsec))
        {
            return AR_ETIME;
        }
    }

    return AR_OK;
}


/* newest first, then by title and file name */

static int
ar_listing_cmp(const void *a, const void *b)
{
    int                       rc;
    const ar_listing_item_t  *x, *y;

    x = a;
    y = b;

    if (x->meta.date != y->meta.date) {
        return (x->meta.date > y->meta.date) ? -1 : 1;
    }

    rc = ar_listing_bytes_cmp(
             x->meta.title_len ? x->s + x->meta.title : x->n,
             x->meta.title_len ? x->meta.title_len : x->stem_len,
             y->meta.title_len ? y->s + y->meta.title : y->n,
             y->meta.title_len ? y->meta.title_len : y->stem_len);

    if (rc != 0) {
        return rc;
    }

    return ar_listing_bytes_cmp(x->n, x->name_len, y->n, y->name_len);
}


static int
ar_listing_cmp_path(const void *a, const void *b)
{
    const ar_listing_item_t  *x = a, *y = b;

    return ar_listing_bytes_cmp(x->n, x->name_len, y->n, y->name_len);
}


static int
ar_listing_cmp_dir(const void *a, const void *b)
{
    const ar_listing_dir_t  *x = a, *y = b;

    return ar_listing_bytes_cmp(x->n, x->name_len, y->n, y->name_len);
}


/* two byte strings in order, a prefix first */

static int
ar_listing_bytes_cmp(const char *a, size_t la, const char *b, size_t lb)
{
    int  rc;

    rc = memcmp(a, b, la < lb ? la : lb);

    if (rc == 0 && la != lb) {
        rc = (la < lb) ? -1 : 1;
    }

    return rc;
}


static int
ar_listing_index(ar_listing_ctx_t *ctx)
{
    int                 rc;
    char                buf[64];
    size_t              i, kept;
    ar_buf_t           *b;
    ar_listing_dir_t   *dir;
    ar_listing_item_t  *item;

    b = &ctx->out->body;

    kept = 0;

    for (i = 0; i < ctx->ndirs; i++) {
        kept += ctx->dirs[i].keep;
    }

    if (ctx->nitems == 0 && kept == 0) {
        return ar_listing_str(b, "<p class=\"articles-empty\">"
                                 "No articles yet.</p>\n");
    }

    if (ctx->nitems) {
        if (ar_listing_str(b, "<ul class=\"articles\">\n") != AR_OK) {
            return AR_ERROR;
        }
    }

    for (i = 0; i < ctx->out->listed; i++) {
        item = &ctx->items[i];

        if (i % 1024 == 1023) {
            rc = ar_listing_check(ctx);
            if (rc != AR_OK) {
                return rc;
            }
        }

        if (ar_listing_str(b, "<li><a href=\"") != AR_OK
            || ar_listing_link(ctx, b, item->n, item->name_len) != AR_OK
            || ar_listing_str(b, "\">") != AR_OK
            || (item->meta.title_len
                ? ar_listing_text(b, item->s + item->meta.title,
                                  item->meta.title_len)
                : ar_listing_text(b, item->n, item->stem_len))
               != AR_OK
            || ar_listing_str(b, "</a> <time datetime=\"") != AR_OK
            || ar_listing_time(b, item->meta.date, item->meta.date_time)
               != AR_OK
            || ar_listing_str(b, "\">") != AR_OK
            || ar_listing_time(b, item->meta.date, 0) != AR_OK
            || ar_listing_str(b, "</time>") != AR_OK)
        {
            return AR_ERROR;
        }

        if (item->meta.desc_len
            && (ar_listing_str(b, "<p>") != AR_OK
                || ar_listing_text(b, item->s + item->meta.desc,
                                   item->meta.desc_len) != AR_OK
                || ar_listing_str(b, "</p>") != AR_OK))
        {
            return AR_ERROR;
        }

        if (ar_listing_str(b, "</li>\n") != AR_OK) {
            return AR_ERROR;
        }
    }

    if (ctx->nitems && ar_listing_str(b, "</ul>\n") != AR_OK) {
        return AR_ERROR;
    }

    if (ctx->out->more) {
        snprintf(buf, sizeof(buf), "%lu", (unsigned long) ctx->out->more);

        if (ar_listing_str(b, "<p class=\"articles-more\">") != AR_OK
            || ar_listing_str(b, buf) != AR_OK
            || ar_listing_str(b, ctx->out->more == 1
                                 ? " more article is not listed.</p>\n"
                                 : " more articles are not listed.</p>\n")
               != AR_OK)
        {
            return AR_ERROR;
        }
    }

    if (kept == 0) {
        return AR_OK;
    }

    if (ar_listing_str(b, "<ul class=\"directories\">\n") != AR_OK) {
        return AR_ERROR;
    }

    for (i = 0; i < ctx->ndirs; i++) {
        dir = &ctx->dirs[i];

        if (!dir->keep) {
            continue;
        }

        if (ar_listing_str(b, "<li><a href=\"") != AR_OK
            || ar_listing_link(ctx, b, ctx->strings.data + dir->name,
                               dir->name_len) != AR_OK
            || ar_listing_str(b, "/\">") != AR_OK
            || (dir->title_len
                ? ar_listing_text(b, ctx->strings.data + dir->title,
                                  dir->title_len)
                : ar_listing_text(b, ctx->strings.data + dir->name,
                                  dir->name_len))
               != AR_OK
            || ar_listing_str(b, "</a></li>\n") != AR_OK)
        {
            return AR_ERROR;
        }
    }

    return ar_listing_str(b, "</ul>\n");
}


static int
ar_listing_feed(ar_listing_ctx_t *ctx)
{
    size_t                    i;
    ar_buf_t                 *b;
    ar_listing_item_t        *item;
    const ar_listing_conf_t  *conf;

    conf = ctx->conf;
    b = &ctx->out->body;

    if (ar_listing_str(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                          "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
                          "<id>") != AR_OK
        || ar_listing_text(b, conf->base.data, conf->base.len) != AR_OK
        || ar_listing_str(b, "</id>\n<title>") != AR_OK
        || ar_buf_append(b, ctx->out->title.data, ctx->out->title.len)
           != AR_OK
        || ar_listing_str(b, "</title>\n<link rel=\"self\" href=\"") != AR_OK
        || ar_listing_text(b, conf->self.data, conf->self.len) != AR_OK
        || ar_listing_str(b, "\"/>\n<link href=\"") != AR_OK
        || ar_listing_text(b, conf->base.data, conf->base.len) != AR_OK
        || ar_listing_str(b, "\"/>\n<updated>") != AR_OK
        || ar_listing_time(b, ctx->nitems ? ctx->out->newest : ctx->mtime,
                           -1) != AR_OK
        || ar_listing_str(b, "</updated>\n<author><name>") != AR_OK
        || ar_listing_text(b, conf->author.data, conf->author.len) != AR_OK
        || ar_listing_str(b, "</name></author>\n") != AR_OK)
    {
        return AR_ERROR;
    }

    for (i = 0; i < ctx->out->listed; i++) {
        item = &ctx->items[i];

        if (ar_listing_str(b, "<entry>\n<id>") != AR_OK
            || ar_listing_text(b, conf->base.data, conf->base.len) != AR_OK
            || ar_listing_url(b, item->n, item->name_len) != AR_OK
            || ar_listing_str(b, "</id>\n<title>") != AR_OK
            || (item->meta.title_len
                ? ar_listing_text(b, item->s + item->meta.title,
                                  item->meta.title_len)
                : ar_listing_text(b, item->n, item->stem_len))
               != AR_OK
            || ar_listing_str(b, "</title>\n<link href=\"") != AR_OK
            || ar_listing_text(b, conf->base.data, conf->base.len) != AR_OK
            || ar_listing_url(b, item->n, item->name_len) != AR_OK
            || ar_listing_str(b, "\"/>\n<updated>") != AR_OK
            || ar_listing_time(b, ar_listing_newest(&item->meta), -1)
               != AR_OK
            || ar_listing_str(b, "</updated>\n") != AR_OK)
        {
            return AR_ERROR;
        }

        if (item->meta.dated
            && (ar_listing_str(b, "<published>") != AR_OK
                || ar_listing_time(b, item->meta.date, -1) != AR_OK
                || ar_listing_str(b, "</published>\n") != AR_OK))
        {
            return AR_ERROR;
        }

        if (item->meta.author_len
            && (ar_listing_str(b, "<author><name>") != AR_OK
                || ar_listing_text(b, item->s + item->meta.author,
                                   item->meta.author_len) != AR_OK
                || ar_listing_str(b, "</name></author>\n") != AR_OK))
        {
            return AR_ERROR;
        }

        if (item->meta.desc_len
            && (ar_listing_str(b, "<summary>") != AR_OK
                || ar_listing_text(b, item->s + item->meta.desc,
                                   item->meta.desc_len) != AR_OK
                || ar_listing_str(b, "</summary>\n") != AR_OK))
        {
            return AR_ERROR;
        }

        if (ar_listing_str(b, "</entry>\n") != AR_OK) {
            return AR_ERROR;
        }
    }

    return ar_listing_str(b, "</feed>\n");
}


static int
ar_listing_sitemap(ar_listing_ctx_t *ctx)
{
    int                       rc;
    size_t                    i;
    ar_buf_t                 *b;
    ar_listing_item_t        *item;
    const ar_listing_conf_t  *conf;

    conf = ctx->conf;
    b = &ctx->out->body;

    if (ar_listing_str(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                          "<urlset xmlns=\"http://www.sitemaps.org/"
                          "schemas/sitemap/0.9\">\n") != AR_OK)
    {
        return AR_ERROR;
    }

    for (i = 0; i < ctx->out->listed; i++) {
        item = &ctx->items[i];

        if (i % 1024 == 1023) {
            rc = ar_listing_check(ctx);
            if (rc != AR_OK) {
                return rc;
            }
        }

        if (ar_listing_str(b, "<url><loc>") != AR_OK
            || ar_listing_text(b, conf->base.data, conf->base.len) != AR_OK
            || ar_listing_url(b, item->n, item->name_len) != AR_OK
            || ar_listing_str(b, "</loc><lastmod>") != AR_OK
            || ar_listing_time(b, ar_listing_newest(&item->meta),
                               item->meta.has_updated
                               ? item->meta.updated_time
                               : item->meta.date_time) != AR_OK
            || ar_listing_str(b, "</lastmod></url>\n") != AR_OK)
        {
            return AR_ERROR;
        }
    }

    return ar_listing_str(b, "</urlset>\n");
}


/*
 * Text for HTML and XML alike: escaped, with invalid UTF-8, control
 * characters XML does not allow, U+FFFE and U+FFFF replaced by U+FFFD.
 */

static int
ar_listing_text(ar_buf_t *b, const char *p, size_t n)
{
    size_t                i, len, start;
    uint32_t              cp;
    const char           *rep;
    const unsigned char  *u;

    u = (const unsigned char *) p;
    start = 0;

    for (i = 0; i < n; i += len) {
        len = 1;

        switch (u[i]) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        case '\t':
        case '\n':
        case '\r':
            continue;
        default:
            if (u[i] >= 0x20 && u[i] < 0x80) {
                continue;
            }

            if (u[i] >= 0x80) {
                len = ar_utf8_decode(u + i, n - i, &cp);

                if (len != 0 && cp != 0xfffe && cp != 0xffff) {
                    continue;
                }

                if (len == 0) {
                    len = 1;
                }
            }

            rep = "\xEF\xBF\xBD";
            break;
        }

        if (ar_buf_append(b, p + start, i - start) != AR_OK
            || ar_listing_str(b, rep) != AR_OK)
        {
            return AR_ERROR;
        }

        start = i + len;
    }

    return ar_buf_append(b, p + start, n - start);
}


/*
 * An index's link to an entry: below the base where there is one, else
 * relative, and then never read as a scheme ("./a:b.md").
 */

static int
ar_listing_link(ar_listing_ctx_t *ctx, ar_buf_t *b, const char *p, size_t n)
{
    const ar_listing_conf_t  *conf;

    conf = ctx->conf;

    if (conf->base.len) {
        if (ar_listing_text(b, conf->base.data, conf->base.len) != AR_OK) {
            return AR_ERROR;
        }

    } else if (memchr(p, ':', n) != NULL && ar_listing_str(b, "./") != AR_OK)
    {
        return AR_ERROR;
    }

    return ar_listing_url(b, p, n);
}


/* a path percent-escaped: all but RFC 3986's unreserved, "/" and a few */

static int
ar_listing_url(ar_buf_t *b, const char *p, size_t n)
{
    size_t          i;
    unsigned char   c;
    char            hex[3];

    static const char  digits[] = "0123456789ABCDEF";

    for (i = 0; i < n; i++) {
        c = (unsigned char) p[i];

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9')
            || (c != '\0' && strchr("-._~/!$()*+,;=:@", c) != NULL))
        {
            if (ar_buf_append(b, p + i, 1) != AR_OK) {
                return AR_ERROR;
            }

            continue;
        }

        hex[0] = '%';
        hex[1] = digits[c >> 4];
        hex[2] = digits[c & 0xf];

        if (ar_buf_append(b, hex, 3) != AR_OK) {
            return AR_ERROR;
        }
    }

    return AR_OK;
}


/*
 * A time in UTC: "2024-01-15T08:00:00Z" when timed is 1 or -1 (always,
 * as Atom wants), "2024-01-15" when timed is 0.
 */

static int
ar_listing_time(ar_buf_t *b, int64_t t, int timed)
{
    int        n;
    char       buf[64];
    time_t     tt;
    struct tm  tm;

    tt = (time_t) t;

    if (gmtime_r(&tt, &tm) == NULL) {
        memset(&tm, 0, sizeof(struct tm));
        tm.tm_year = 70;
        tm.tm_mday = 1;
    }

    if (timed) {
        n = snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02dZ",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec);

    } else {
        n = snprintf(buf, sizeof(buf), "%04d-%02d-%02d",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    }

    return ar_buf_append(b, buf, n);
}


static int
ar_listing_str(ar_buf_t *b, const char *s)
{
    return ar_buf_append(b, s, strlen(s));
}


#define AR_LISTING_PARA  "<p>{{articles}}</p>"


int
ar_listing_splice(ar_buf_t *html, const ar_buf_t *list, int *found)
{
    size_t       n;
    ar_buf_t     out;
    const char  *p, *q, *end;

    *found = 0;

    n = sizeof(AR_LISTING_PARA) - 1;
    p = html->data;
    end = p + html->len;

    memset(&out, 0, sizeof(ar_buf_t));

    for ( ;; ) {
        q = ar_listing_find(p, end, AR_LISTING_PARA, n);

        if (q == NULL) {
            break;
        }

        *found = 1;

        if (ar_buf_append(&out, p, q - p) != AR_OK
            || ar_buf_append(&out, list->data, list->len) != AR_OK)
        {
            ar_buf_free(&out);
            return AR_ERROR;
        }

        p = q + n;

        /* the paragraph's line end goes with it: the list has its own */

        if (p < end && *p == '\n' && list->len
            && list->data[list->len - 1] == '\n')
        {
            p++;
        }
    }

    if (!*found) {
        return AR_OK;
    }

    if (ar_buf_append(&out, p, end - p) != AR_OK) {
        ar_buf_free(&out);
        return AR_ERROR;
    }

    ar_buf_free(html);
    *html = out;

    return AR_OK;
}


int
ar_listing_wanted(const char *src, size_t len)
{
    return ar_listing_find(src, src + len, "{{articles}}", 12) != NULL;
}


static const char *
ar_listing_find(const char *p, const char *end, const char *s, size_t n)
{
    while ((size_t) (end - p) >= n) {
        p = memchr(p, s[0], end - p - n + 1);

        if (p == NULL) {
            return NULL;
        }

        if (memcmp(p, s, n) == 0) {
            return p;
        }

        p++;
    }

    return NULL;
}
