/*
 * ngx_http_article_render_module: the render cache zone, and the
 * article_render_cache_zone directive that defines it.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_article_render_cache.h"


/* changes whenever the node layout does, so reloads never mix layouts */
#define NGX_HTTP_AR_CACHE_LAYOUT  7

/* how long past its budget a render's mark holds off others */
#define NGX_HTTP_AR_MARK_GRACE    1000


/* what a node holds */
#define NGX_HTTP_AR_NODE_PAGE         0
#define NGX_HTTP_AR_NODE_UPDATING     1   /* a render in progress */
#define NGX_HTTP_AR_NODE_FAIL_MEMORY  2
#define NGX_HTTP_AR_NODE_FAIL_TIME    3


struct ngx_http_article_render_node_s {
    ngx_rbtree_node_t                  node;      /* key: the key's hash */
    ngx_queue_t                        queue;
    ngx_http_article_render_version_t  version;
    time_t                             last_modified;
    ngx_msec_t                         made;      /* a derived page's */
    uint32_t                           digest;
    uint32_t                           conf_id;
    uint32_t                           count;     /* pins */
    unsigned                           state:2;
    unsigned                           removed:1;
    unsigned                           remaking:1; /* a derived page made
                                                      again: its deadline
                                                      and owner as a mark's */

    /* a mark lapses, and a time failure is tried again, at the deadline */
    ngx_msec_t                         deadline;
    ngx_pid_t                          owner;     /* of a mark */

    /* of a failure: the budgets it passed */
    ngx_msec_t                         timeout;
    size_t                             max_memory;

    size_t                             path_len;
    size_t                             page_len;  /* every coding's */
    size_t                             reps[AR_CODING_N];
    size_t                             file_len;  /* 0: page in the zone */
    ngx_http_article_render_version_t  file_version;

    /* the path, then the page or its file's name and a NUL */
    u_char                             data[1];
};


/* a page file to delete once the zone is unlocked */
typedef struct {
    ngx_queue_t                        queue;
    u_char                             name[1];
} ngx_http_article_render_doomed_t;


static ngx_int_t ngx_http_article_render_cache_init_zone(
    ngx_shm_zone_t *shm_zone, void *data);
static char *ngx_http_article_render_zone_path(ngx_conf_t *cf,
    ngx_str_t *value, ngx_http_article_render_cache_t *cache);
static ngx_int_t ngx_http_article_render_cache_cmp(uint32_t hash,
    uint32_t conf_id, u_char *path, size_t len,
    ngx_http_article_render_node_t *arn);
static void ngx_http_article_render_cache_insert_value(
    ngx_rbtree_node_t *temp, ngx_rbtree_node_t *node,
    ngx_rbtree_node_t *sentinel);
static ngx_int_t ngx_http_article_render_cache_outcome(
    ngx_http_article_render_page_t *p, ngx_http_article_render_node_t *arn,
    ar_limits_t *limits);
static ngx_http_article_render_node_t *ngx_http_article_render_cache_find(
    ngx_http_article_render_cache_t *cache,
    ngx_http_article_render_key_t *key);
static ngx_http_article_render_node_t *ngx_http_article_render_cache_put(
    ngx_http_article_render_cache_t *cache,
    ngx_http_article_render_page_t *p, size_t len);
static void ngx_http_article_render_cache_remove(
    ngx_http_article_render_cache_t *cache,
    ngx_http_article_render_node_t *arn);
static void ngx_http_article_render_cache_free(
    ngx_http_article_render_cache_t *cache,
    ngx_http_article_render_node_t *arn);
static void *ngx_http_article_render_cache_alloc(
    ngx_http_article_render_cache_t *cache, size_t size);
static ngx_int_t ngx_http_article_render_cache_files_room(
    ngx_http_article_render_cache_t *cache, size_t size);
static void ngx_http_article_render_cache_unmark_locked(
    ngx_http_article_render_page_t *p);
static void ngx_http_article_render_cache_unlock(
    ngx_http_article_render_cache_t *cache);
static void ngx_http_article_render_cache_wake(
    ngx_http_article_render_key_t *key);


/* page files unlinked from the zone, deleted after the lock is let go */
static ngx_queue_t  ngx_http_article_render_doomed =
    { &ngx_http_article_render_doomed, &ngx_http_article_render_doomed };

/* this worker's requests waiting for a render (pages' "waiting" links) */
static ngx_queue_t  ngx_http_article_render_waiters =
    { &ngx_http_article_render_waiters, &ngx_http_article_render_waiters };


/* article_render_cache_zone NAME:SIZE [max_entry=SIZE] [path=DIR]; */

char *
ngx_http_article_render_cache_zone(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    u_char          *p;
    char            *rv;
    ssize_t          size, max_entry;
    ngx_str_t       *value, name, s, path;
    ngx_uint_t       i;
    ngx_shm_zone_t  *shm_zone;

    value = cf->args->elts;

    p = ngx_strlchr(value[1].data, value[1].data + value[1].len, ':');

    if (p == NULL || p == value[1].data) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid zone \"%V\" in \"%V\" directive, "
                           "expected NAME:SIZE", &value[1], &cmd->name);
        return NGX_CONF_ERROR;
    }

    name.data = value[1].data;
    name.len = p - value[1].data;

    s.data = p + 1;
    s.len = value[1].data + value[1].len - s.data;

    size = ngx_parse_size(&s);

    if (size == NGX_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid zone size \"%V\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    if (size < (ssize_t) (8 * ngx_pagesize)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "zone \"%V\" is too small", &value[1]);
        return NGX_CONF_ERROR;
    }

    max_entry = NGX_HTTP_AR_CACHE_MAX_ENTRY;
    ngx_str_null(&path);

    for (i = 2; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "path=", 5) == 0
            && path.data == NULL)
        {
            path.data = value[i].data + 5;
            path.len = value[i].len - 5;
            continue;
        }

        if (ngx_strncmp(value[i].data, "max_entry=", 10) == 0) {

            s.data = value[i].data + 10;
            s.len = value[i].len - 10;

            max_entry = ngx_parse_size(&s);

            if (max_entry > 0) {
                continue;
            }
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid parameter \"%V\"", &value[i]);
        return NGX_CONF_ERROR;
    }

    shm_zone = ngx_http_article_render_add_zone(cf, &name, size, max_entry);
    if (shm_zone == NULL) {
        return NGX_CONF_ERROR;
    }

    if (path.data) {
        rv = ngx_http_article_render_zone_path(cf, &path, shm_zone->data);
        if (rv != NGX_CONF_OK) {
            return rv;
        }
    }

    return NGX_CONF_OK;
}


/*
 * The directory of a zone's page files, made by nginx at start-up and
 * owned by the worker processes' user, as nginx's temporary paths are.
 * The path carries its zone as its data, as a proxy_cache_path carries
 * its cache: ngx_add_path() then refuses the same directory for another
 * zone or for any of nginx's own paths, whose files a fresh start would
 * otherwise delete.
 */

static char *
ngx_http_article_render_zone_path(ngx_conf_t *cf, ngx_str_t *value,
    ngx_http_article_render_cache_t *cache)
{
    ngx_path_t  *path;

    if (value->len == 0) {
        return "has an empty \"path=\"";
    }

    path = ngx_pcalloc(cf->pool, sizeof(ngx_path_t));
    if (path == NULL) {
        return NGX_CONF_ERROR;
    }

    /*
     * without a trailing slash, and NUL-terminated, as ngx_add_path() and
     * opendir() want it
     */

    path->name.len = value->len;

    if (path->name.len > 1 && value->data[path->name.len - 1] == '/') {
        path->name.len--;
    }

    path->name.data = ngx_pnalloc(cf->pool, path->name.len + 1);
    if (path->name.data == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memcpy(path->name.data, value->data, path->name.len);
    path->name.data[path->name.len] = '\0';

    if (ngx_conf_full_name(cf->cycle, &path->name, 0) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    path->data = cache;
    path->conf_file = cf->conf_file->file.name.data;
    path->line = cf->conf_file->line;

    if (ngx_add_path(cf, &path) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    cache->path = path;

    return NGX_CONF_OK;
}


ngx_shm_zone_t *
ngx_http_article_render_add_zone(ngx_conf_t *cf, ngx_str_t *name,
    size_t size, size_t max_entry)
{
    ngx_shm_zone_t                   *shm_zone;
    ngx_http_article_render_cache_t  *cache;

    shm_zone = ngx_shared_memory_add(cf, name, size,
                                     &ngx_http_article_render_module);
    if (shm_zone == NULL) {
        return NULL;
    }

    if (shm_zone->data) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "duplicate zone \"%V\"", name);
        return NULL;
    }

    cache = ngx_pcalloc(cf->pool, sizeof(ngx_http_article_render_cache_t));
    if (cache == NULL) {
        return NULL;
    }

    cache->max_entry = max_entry;

    shm_zone->init = ngx_http_article_render_cache_init_zone;
    shm_zone->data = cache;

    return shm_zone;
}


static ngx_int_t
ngx_http_article_render_cache_init_zone(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_http_article_render_cache_t  *ocache = data;

    size_t                            len;
    ngx_http_article_render_cache_t  *cache;

    cache = shm_zone->data;
    cache->files_max = shm_zone->shm.size;

    if (ocache) {
        /* a reload that kept the zone's name and size: keep its pages */
        cache->sh = ocache->sh;
        cache->shpool = ocache->shpool;

        return NGX_OK;
    }

    cache->shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

    if (shm_zone->shm.exists) {
        cache->sh = cache->shpool->data;

        if (cache->sh->layout != NGX_HTTP_AR_CACHE_LAYOUT) {
            ngx_log_error(NGX_LOG_EMERG, shm_zone->shm.log, 0,
                          "article_render_cache_zone \"%V\" was made by "
                          "another version of the module",
                          &shm_zone->shm.name);
            return NGX_ERROR;
        }

        return NGX_OK;
    }

    cache->sh = ngx_slab_alloc(cache->shpool,
                               sizeof(ngx_http_article_render_cache_sh_t));
    if (cache->sh == NULL) {
        return NGX_ERROR;
    }

    cache->shpool->data = cache->sh;

    ngx_rbtree_init(&cache->sh->rbtree, &cache->sh->sentinel,
                    ngx_http_article_render_cache_insert_value);
    ngx_queue_init(&cache->sh->lru);
    cache->sh->layout = NGX_HTTP_AR_CACHE_LAYOUT;

    /* page file names of another zone over the path are seldom met */
    cache->sh->file_seq = ngx_random();

    len = sizeof(" in article_render_cache_zone \"\"")
          + shm_zone->shm.name.len;

    cache->shpool->log_ctx = ngx_slab_alloc(cache->shpool, len);
    if (cache->shpool->log_ctx == NULL) {
        return NGX_ERROR;
    }

    ngx_sprintf(cache->shpool->log_ctx,
                " in article_render_cache_zone \"%V\"%Z",
                &shm_zone->shm.name);

    /* a full zone is normal: entries are evicted, nothing is logged */
    cache->shpool->log_nomem = 0;

    /*
     * Page files left from before this zone are no one's when nginx
     * starts afresh: not on a reload (the running workers' zone may use
     * the directory), not on a binary upgrade (the old nginx's does).
     */

    if (cache->path
        && !ngx_test_config
        && !ngx_inherited
        && ngx_is_init_cycle(ngx_cycle))
    {
        ngx_http_article_render_file_clean(cache->path, shm_zone->shm.log);
    }

    return NGX_OK;
}


/*
 * Entries are ordered by hash, then configuration identity, then path: a
 * total order, so that entries whose hashes collide are still found.
 */

static ngx_int_t
ngx_http_article_render_cache_cmp(uint32_t hash, uint32_t conf_id,
    u_char *path, size_t len, ngx_http_article_render_node_t *arn)
{
    if (hash != arn->node.key) {
        return (hash < arn->node.key) ? -1 : 1;
    }

    if (conf_id != arn->conf_id) {
        return (conf_id < arn->conf_id) ? -1 : 1;
    }

    return ngx_memn2cmp(path, arn->data, len, arn->path_len);
}


static void
ngx_http_article_render_cache_insert_value(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel)
{
    ngx_rbtree_node_t                **p;
    ngx_http_article_render_node_t   *arn;

    arn = (ngx_http_article_render_node_t *) node;

    for ( ;; ) {

        p = (ngx_http_article_render_cache_cmp((uint32_t) node->key,
                                              arn->conf_id, arn->data,
                                              arn->path_len,
                                   (ngx_http_article_render_node_t *) temp)
             < 0)
            ? &temp->left : &temp->right;

        if (*p == sentinel) {
            break;
        }

        temp = *p;
    }

    *p = node;
    node->parent = temp;
    node->left = sentinel;
    node->right = sentinel;
    ngx_rbt_red(node);
}




void
ngx_http_article_render_cache_key(ngx_http_article_render_key_t *key,
    ngx_str_t *path, uint32_t conf_id)
{
    key->path = *path;
    key->conf_id = conf_id;

    ngx_crc32_init(key->hash);
    ngx_crc32_update(&key->hash, path->data, path->len);
    ngx_crc32_update(&key->hash, (u_char *) &conf_id, sizeof(uint32_t));
    ngx_crc32_final(key->hash);
}


/*
 * A strong ETag from the file's identity and the rendering
 * configuration: nginx's own hashes the response length, which for us is
 * the HTML, and would miss an edit that keeps the page's length.
 */

u_char *
ngx_http_article_render_etag(u_char *buf,
    ngx_http_article_render_version_t *v, uint32_t conf_id, ngx_int_t coding)
{
    uint32_t  id;

    ngx_crc32_init(id);
    ngx_crc32_update(&id, (u_char *) &v->dev, sizeof(dev_t));
    ngx_crc32_update(&id, (u_char *) &v->ino, sizeof(ino_t));
    ngx_crc32_update(&id, (u_char *) &conf_id, sizeof(uint32_t));
    ngx_crc32_final(id);

    buf = ngx_sprintf(buf, "\"%xT.%xD-%xO-%08xD",
                      v->mtime, (uint32_t) v->mtime_nsec, v->size, id);

    /* each representation has its own */

    if (coding != AR_CODING_IDENTITY) {
        buf = ngx_sprintf(buf, "-%s", ar_coding_name(coding));
    }

    *buf++ = '"';

    return buf;
}


/*
 * A derived page's ETag is of its identity bytes (their crc32 and
 * length), of what it lists and of the configuration: one that lists
 * what it listed a second ago keeps its ETag.
 */

u_char *
ngx_http_article_render_page_etag(u_char *buf,
    ngx_http_article_render_page_t *p, uint32_t conf_id, ngx_int_t coding)
{
    uint32_t  id;

    if (!p->derived) {
        return ngx_http_article_render_etag(buf, &p->version, conf_id,
                                            coding);
    }

    ngx_crc32_init(id);
    ngx_crc32_update(&id, (u_char *) &p->key.hash, sizeof(uint32_t));
    ngx_crc32_update(&id, (u_char *) &conf_id, sizeof(uint32_t));
    ngx_crc32_final(id);

    buf = ngx_sprintf(buf, "\"l%08xD-%xz-%08xD", p->digest,
                      p->reps[AR_CODING_IDENTITY], id);

    if (coding != AR_CODING_IDENTITY) {
        buf = ngx_sprintf(buf, "-%s", ar_coding_name(coding));
    }

    *buf++ = '"';

    return buf;
}


/*
 * NGX_OK: a hit, pinned, and the page describes it.  NGX_DECLINED: this
 * request renders the page; a mark in its place (when the zone has room)
 * makes others wait for it.  NGX_AGAIN: another request renders it.
 * NGX_ABORT: this version passed its budgets before.
 */

ngx_int_t
ngx_http_article_render_cache_lookup(ngx_http_article_render_page_t *p,
    ar_limits_t *limits)
{
    ngx_int_t                         rc;
    ngx_http_article_render_node_t   *arn;
    ngx_http_article_render_cache_t  *cache;

    cache = p->cache;
    p->expired = 0;
    p->remake = 0;
    p->made = ngx_current_msec;

    ngx_shmtx_lock(&cache->shpool->mutex);

    arn = ngx_http_article_render_cache_find(cache, &p->key);

    if (arn) {
        if (ngx_memcmp(&arn->version, &p->version,
                       sizeof(ngx_http_article_render_version_t))
            == 0)
        {
            rc = ngx_http_article_render_cache_outcome(p, arn, limits);

            if (p->remake) {
                /* rendered with no mark: the page stays until stored */
                goto render;
            }

            if (rc != NGX_DECLINED) {
                goto done;
            }

        } else {
            p->expired = 1;
        }
    }

    arn = ngx_http_article_render_cache_put(cache, p, 0);

    if (arn) {
        arn->state = NGX_HTTP_AR_NODE_UPDATING;
        arn->deadline = ngx_current_msec + limits->timeout_ms
                        + NGX_HTTP_AR_MARK_GRACE;
        arn->owner = ngx_pid;

        p->node = arn;
        p->hold = NGX_HTTP_AR_HOLD_MARK;
        p->marked = p->version;
    }

render:

    if (cache->path) {
        p->file_seq = cache->sh->file_seq++;
    }

    rc = NGX_DECLINED;

done:

    ngx_http_article_render_cache_unlock(cache);

    return rc;
}


/* what a node of the version asked for means for the request */

static ngx_int_t
ngx_http_article_render_cache_outcome(ngx_http_article_render_page_t *p,
    ngx_http_article_render_node_t *arn, ar_limits_t *limits)
{
    p->failed_time = 0;

    switch (arn->state) {

    case NGX_HTTP_AR_NODE_PAGE:

        /*
         * A listing made a second ago or more is made again by one
         * request; the others are sent it meanwhile, as nginx's cache
         * sends a stale response while one request updates it.
         */

        if (p->derived
            && (ngx_msec_int_t) (ngx_current_msec - arn->made)
               >= NGX_HTTP_AR_LISTING_FRESH
            && (!arn->remaking
                || (ngx_msec_int_t) (arn->deadline - ngx_current_msec) <= 0))
        {
            arn->remaking = 1;
            arn->deadline = ngx_current_msec + limits->timeout_ms
                            + NGX_HTTP_AR_MARK_GRACE;
            arn->owner = ngx_pid;

            p->remake = 1;
            p->expired = 1;

            return NGX_ABORT;
        }

        arn->count++;

        ngx_queue_remove(&arn->queue);
        ngx_queue_insert_head(&p->cache->sh->lru, &arn->queue);

        p->node = arn;
        p->hold = NGX_HTTP_AR_HOLD_PIN;
        p->last_modified = arn->last_modified;
        p->digest = arn->digest;
        p->body_len = arn->page_len;
        ngx_memcpy(p->reps, arn->reps, sizeof(p->reps));

        if (arn->file_len) {
            ngx_str_null(&p->body);
            p->file.data = arn->data + arn->path_len;
            p->file.len = arn->file_len;
            p->file_version = arn->file_version;

        } else {
            p->body.data = arn->data + arn->path_len;
            p->body.len = arn->page_len;
            ngx_str_null(&p->file);
        }

        return NGX_OK;

    case NGX_HTTP_AR_NODE_UPDATING:

        /* a mark whose owner died lapses at its deadline */

        if ((ngx_msec_int_t) (arn->deadline - ngx_current_msec) > 0) {
            p->local = (arn->owner == ngx_pid);
            return NGX_AGAIN;
        }

        return NGX_DECLINED;

    case NGX_HTTP_AR_NODE_FAIL_MEMORY:

        /* a larger budget than the one it passed deserves a try */

        return (limits->max_memory <= arn->max_memory)
               ? NGX_ABORT : NGX_DECLINED;

    default: /* NGX_HTTP_AR_NODE_FAIL_TIME */

        /* a time budget depends on load: the failure is kept a while */

        if (limits->timeout_ms <= arn->timeout
            && (ngx_msec_int_t) (arn->deadline - ngx_current_msec) > 0)
        {
            p->failed_time = 1;
            p->retry = arn->deadline - ngx_current_msec;
            return NGX_ABORT;
        }

        return NGX_DECLINED;
    }
}


static ngx_http_article_render_node_t *
ngx_http_article_render_cache_find(ngx_http_article_render_cache_t *cache,
    ngx_http_article_render_key_t *key)
{
    ngx_int_t                        rc;
    ngx_rbtree_node_t               *node, *sentinel;
    ngx_http_article_render_node_t  *arn;

    node = cache->sh->rbtree.root;
    sentinel = cache->sh->rbtree.sentinel;

    while (node != sentinel) {
        arn = (ngx_http_article_render_node_t *) node;

        rc = ngx_http_article_render_cache_cmp(key->hash, key->conf_id,
                                               key->path.data, key->path.len,
                                               arn);
        if (rc == 0) {
            return arn;
        }

        node = (rc < 0) ? node->left : node->right;
    }

    return NULL;
}


/*
 * Keeps a rendered page, in the zone or as the name of the file it was
 * written to, in place of whatever the key had, the render's mark
 * included.  NGX_DECLINED: not kept (over max_entry, no room even after
 * evicting every node not being sent, or the mark replaced by one of
 * another version); a file not kept is the caller's to delete.
 */

ngx_int_t
ngx_http_article_render_cache_store(ngx_http_article_render_page_t *p)
{
    ngx_http_article_render_node_t   *arn, *old;
    ngx_http_article_render_cache_t  *cache;

    cache = p->cache;
    arn = NULL;

    ngx_shmtx_lock(&cache->shpool->mutex);

    old = ngx_http_article_render_cache_find(cache, &p->key);

    if (old && p->hold == NGX_HTTP_AR_HOLD_MARK
        && ngx_memcmp(&old->version, &p->marked,
                      sizeof(ngx_http_article_render_version_t))
           != 0)
    {
        /* looked up for another version since the mark: that one stays */

    } else if (p->remake && old
               && (old->state != NGX_HTTP_AR_NODE_PAGE
                   || ngx_memcmp(&old->version, &p->version,
                                 sizeof(ngx_http_article_render_version_t))
                      != 0))
    {
        /* the listing made again was replaced meanwhile: that one stays */

    } else if ((size_t) p->body_len > cache->max_entry) {
        /* void */

    } else if (p->file.len == 0) {
        arn = ngx_http_article_render_cache_put(cache, p, p->body.len);

        if (arn) {
            ngx_memcpy(arn->data + p->key.path.len, p->body.data,
                       p->body.len);
        }

    } else if (ngx_http_article_render_cache_files_room(cache, p->body_len)
               == NGX_OK)
    {
        arn = ngx_http_article_render_cache_put(cache, p, p->file.len + 1);

        if (arn) {
            arn->page_len = p->body_len;
            arn->file_len = p->file.len;
            arn->file_version = p->file_version;
            ngx_memcpy(arn->data + p->key.path.len, p->file.data,
                       p->file.len);
            arn->data[p->key.path.len + p->file.len] = '\0';

            cache->sh->files_size += p->body_len;
        }
    }

    if (arn) {
        arn->last_modified = p->last_modified;
        arn->made = p->made;
        arn->digest = p->digest;
        ngx_memcpy(arn->reps, p->reps, sizeof(p->reps));

    } else {
        ngx_http_article_render_cache_unmark_locked(p);
    }

    p->node = NULL;
    p->hold = NGX_HTTP_AR_HOLD_NONE;

    ngx_http_article_render_cache_unlock(cache);

    ngx_http_article_render_cache_wake(&p->key);

    return arn ? NGX_OK : NGX_DECLINED;
}


/*
 * Remembers that this version passed a budget: one of memory until the
 * file changes, one of time for NGX_HTTP_AR_TIME_FAIL_MEMO.
 */

void
ngx_http_article_render_cache_fail(ngx_http_article_render_page_t *p,
    ar_limits_t *limits, ngx_uint_t time)
{
    ngx_http_article_render_node_t   *arn;
    ngx_http_article_render_cache_t  *cache;

    cache = p->cache;

    ngx_shmtx_lock(&cache->shpool->mutex);

    arn = ngx_http_article_render_cache_put(cache, p, 0);

    if (arn) {
        arn->state = time ? NGX_HTTP_AR_NODE_FAIL_TIME
                          : NGX_HTTP_AR_NODE_FAIL_MEMORY;
        arn->timeout = limits->timeout_ms;
        arn->max_memory = limits->max_memory;
        arn->deadline = ngx_current_msec + NGX_HTTP_AR_TIME_FAIL_MEMO;
    }

    p->node = NULL;
    p->hold = NGX_HTTP_AR_HOLD_NONE;

    ngx_http_article_render_cache_unlock(cache);

    ngx_http_article_render_cache_wake(&p->key);
}


/* lets go of what the request holds: a pin, or a mark that came to nothing */

void
ngx_http_article_render_cache_release(ngx_http_article_render_page_t *p)
{
    ngx_uint_t                        hold;
    ngx_http_article_render_node_t   *arn;
    ngx_http_article_render_cache_t  *cache;

    hold = p->hold;

    if (hold == NGX_HTTP_AR_HOLD_NONE) {
        return;
    }

    cache = p->cache;
    arn = p->node;

    ngx_shmtx_lock(&cache->shpool->mutex);

    if (hold == NGX_HTTP_AR_HOLD_PIN) {
        if (--arn->count == 0 && arn->removed) {
            ngx_http_article_render_cache_free(cache, arn);
        }

    } else {
        ngx_http_article_render_cache_unmark_locked(p);
    }

    p->node = NULL;
    p->hold = NGX_HTTP_AR_HOLD_NONE;

    ngx_http_article_render_cache_unlock(cache);

    if (hold == NGX_HTTP_AR_HOLD_MARK) {
        ngx_http_article_render_cache_wake(&p->key);
    }
}


/* drops a pinned hit that cannot be served: its file is gone */

void
ngx_http_article_render_cache_forget(ngx_http_article_render_page_t *p)
{
    ngx_http_article_render_cache_t  *cache;

    cache = p->cache;

    ngx_shmtx_lock(&cache->shpool->mutex);

    if (!p->node->removed) {
        ngx_http_article_render_cache_remove(cache, p->node);
    }

    ngx_shmtx_unlock(&cache->shpool->mutex);

    ngx_http_article_render_cache_release(p);
}


void
ngx_http_article_render_cache_wait(ngx_http_article_render_page_t *p,
    ngx_event_t *wake)
{
    p->wake = wake;
    ngx_queue_insert_tail(&ngx_http_article_render_waiters, &p->waiting);
}


void
ngx_http_article_render_cache_unwait(ngx_http_article_render_page_t *p)
{
    if (p->wake) {
        ngx_queue_remove(&p->waiting);
        p->wake = NULL;
    }
}


/* a render of this worker landed: its waiters here look again at once */

static void
ngx_http_article_render_cache_wake(ngx_http_article_render_key_t *key)
{
    ngx_event_t                     *ev;
    ngx_queue_t                     *q, *next;
    ngx_http_article_render_page_t  *w;

    for (q = ngx_queue_head(&ngx_http_article_render_waiters);
         q != ngx_queue_sentinel(&ngx_http_article_render_waiters);
         q = next)
    {
        next = ngx_queue_next(q);
        w = ngx_queue_data(q, ngx_http_article_render_page_t, waiting);

        if (w->key.hash != key->hash
            || w->key.conf_id != key->conf_id
            || ngx_memn2cmp(w->key.path.data, key->path.data,
                            w->key.path.len, key->path.len) != 0)
        {
            continue;
        }

        ngx_queue_remove(q);

        ev = w->wake;
        w->wake = NULL;

        if (ev->timer_set) {
            ngx_del_timer(ev);
        }

        ngx_post_event(ev, &ngx_posted_events);
    }
}


/* takes away this worker's mark, for a render that left nothing to keep */

static void
ngx_http_article_render_cache_unmark_locked(ngx_http_article_render_page_t *p)
{
    ngx_http_article_render_node_t  *arn;

    arn = ngx_http_article_render_cache_find(p->cache, &p->key);

    if (arn
        && arn->state == NGX_HTTP_AR_NODE_UPDATING
        && arn->owner == ngx_pid
        && ngx_memcmp(&arn->version, &p->marked,
                      sizeof(ngx_http_article_render_version_t))
           == 0)
    {
        ngx_http_article_render_cache_remove(p->cache, arn);
    }
}


/*
 * Puts a new node for the page's key and version, with len bytes of
 * room after the path, in place of the old one; called locked.
 */

static ngx_http_article_render_node_t *
ngx_http_article_render_cache_put(ngx_http_article_render_cache_t *cache,
    ngx_http_article_render_page_t *p, size_t len)
{
    ngx_http_article_render_node_t  *arn;

    arn = ngx_http_article_render_cache_find(cache, &p->key);

    if (arn) {
        ngx_http_article_render_cache_remove(cache, arn);
    }

    arn = ngx_http_article_render_cache_alloc(cache,
                           offsetof(ngx_http_article_render_node_t, data)
                           + p->key.path.len + len);
    if (arn == NULL) {
        return NULL;
    }

    ngx_memzero(arn, offsetof(ngx_http_article_render_node_t, data));

    arn->node.key = p->key.hash;
    arn->version = p->version;
    arn->conf_id = p->key.conf_id;
    arn->state = NGX_HTTP_AR_NODE_PAGE;
    arn->path_len = p->key.path.len;
    arn->page_len = len;

    ngx_memcpy(arn->data, p->key.path.data, p->key.path.len);

    ngx_rbtree_insert(&cache->sh->rbtree, &arn->node);
    ngx_queue_insert_head(&cache->sh->lru, &arn->queue);

    return arn;
}


/* unlinks a node; one still being sent is freed by its last reader */

static void
ngx_http_article_render_cache_remove(ngx_http_article_render_cache_t *cache,
    ngx_http_article_render_node_t *arn)
{
    ngx_rbtree_delete(&cache->sh->rbtree, &arn->node);
    ngx_queue_remove(&arn->queue);

    if (arn->count) {
        arn->removed = 1;
        return;
    }

    ngx_http_article_render_cache_free(cache, arn);
}


/*
 * Frees a node no one is sending.  Its page file is deleted once the
 * zone is unlocked; a response that opened it reads on.
 */

static void
ngx_http_article_render_cache_free(ngx_http_article_render_cache_t *cache,
    ngx_http_article_render_node_t *arn)
{
    u_char                            *name;
    ngx_http_article_render_doomed_t  *d;

    if (arn->file_len) {
        name = arn->data + arn->path_len;

        d = ngx_alloc(sizeof(ngx_http_article_render_doomed_t)
                      + arn->file_len, ngx_cycle->log);

        if (d) {
            ngx_memcpy(d->name, name, arn->file_len + 1);
            ngx_queue_insert_tail(&ngx_http_article_render_doomed,
                                  &d->queue);

        } else {
            ngx_http_article_render_file_delete(name, ngx_cycle->log);
        }

        cache->sh->files_size -= arn->page_len;
    }

    ngx_slab_free_locked(cache->shpool, arn);
}


static void
ngx_http_article_render_cache_unlock(ngx_http_article_render_cache_t *cache)
{
    ngx_queue_t                       *q;
    ngx_http_article_render_doomed_t  *d;

    ngx_shmtx_unlock(&cache->shpool->mutex);

    while (!ngx_queue_empty(&ngx_http_article_render_doomed)) {
        q = ngx_queue_head(&ngx_http_article_render_doomed);
        ngx_queue_remove(q);

        d = ngx_queue_data(q, ngx_http_article_render_doomed_t, queue);

        ngx_http_article_render_file_delete(d->name, ngx_cycle->log);
        ngx_free(d);
    }
}


/* allocates in the zone, evicting least recently used nodes for room */

static void *
ngx_http_article_render_cache_alloc(ngx_http_article_render_cache_t *cache,
    size_t size)
{
    void                            *p;
    ngx_queue_t                     *q, *prev;
    ngx_http_article_render_node_t  *arn;

    p = ngx_slab_alloc_locked(cache->shpool, size);

    q = ngx_queue_last(&cache->sh->lru);

    while (p == NULL && q != ngx_queue_sentinel(&cache->sh->lru)) {

        prev = ngx_queue_prev(q);
        arn = ngx_queue_data(q, ngx_http_article_render_node_t, queue);

        /* a mark lives as long as its render and codings, unless lapsed */

        if (arn->count == 0
            && (arn->state != NGX_HTTP_AR_NODE_UPDATING
                || (ngx_msec_int_t) (arn->deadline - ngx_current_msec) <= 0))
        {
            ngx_http_article_render_cache_remove(cache, arn);
            p = ngx_slab_alloc_locked(cache->shpool, size);
        }

        q = prev;
    }

    return p;
}


/* makes room for a page file within the files' budget, as above */

static ngx_int_t
ngx_http_article_render_cache_files_room(
    ngx_http_article_render_cache_t *cache, size_t size)
{
    ngx_queue_t                     *q, *prev;
    ngx_http_article_render_node_t  *arn;

    q = ngx_queue_last(&cache->sh->lru);

    while (cache->sh->files_size + (off_t) size > cache->files_max
           && q != ngx_queue_sentinel(&cache->sh->lru))
    {
        prev = ngx_queue_prev(q);
        arn = ngx_queue_data(q, ngx_http_article_render_node_t, queue);

        if (arn->file_len && arn->count == 0) {
            ngx_http_article_render_cache_remove(cache, arn);
        }

        q = prev;
    }

    return (cache->sh->files_size + (off_t) size <= cache->files_max)
           ? NGX_OK : NGX_DECLINED;
}
