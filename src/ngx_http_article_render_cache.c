/*
 * ngx_http_article_render_module: the render cache.
 *
 * One shared memory zone holds rendered pages for all workers: an rbtree
 * indexes entries by a hash of the file path and the rendering
 * configuration, an LRU queue orders them for eviction.  An entry keeps
 * the validators of the file version it was rendered from, and is served
 * only while a fresh stat of the file still matches them.
 *
 * A hit is sent straight from the zone: the entry is pinned (its count
 * raised) until the request's pool is destroyed, so that no worker frees
 * the page while it is being written.  An entry replaced or evicted while
 * pinned is unlinked at once and freed by its last reader.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_article_render_cache.h"


/* changes whenever the entry layout does, so reloads never mix layouts */
#define NGX_HTTP_AR_CACHE_LAYOUT  1


typedef struct {
    ngx_rbtree_node_t                  node;      /* key: the key's hash */
    ngx_queue_t                        queue;
    ngx_http_article_render_version_t  version;
    time_t                             last_modified;
    uint32_t                           conf_id;
    uint32_t                           count;     /* requests sending it */
    unsigned                           removed:1;
    size_t                             path_len;
    size_t                             page_len;
    u_char                             data[1];   /* path, then page */
} ngx_http_article_render_entry_t;


typedef struct {
    ngx_http_article_render_cache_t   *cache;
    ngx_http_article_render_entry_t   *entry;
} ngx_http_article_render_pin_t;


static ngx_int_t ngx_http_article_render_cache_cmp(uint32_t hash,
    uint32_t conf_id, u_char *path, size_t len,
    ngx_http_article_render_entry_t *entry);
static void ngx_http_article_render_cache_insert_value(
    ngx_rbtree_node_t *temp, ngx_rbtree_node_t *node,
    ngx_rbtree_node_t *sentinel);
static ngx_http_article_render_entry_t *ngx_http_article_render_cache_find(
    ngx_http_article_render_cache_t *cache,
    ngx_http_article_render_cache_key_t *key);
static void ngx_http_article_render_cache_unpin(void *data);
static void ngx_http_article_render_cache_remove(
    ngx_http_article_render_cache_t *cache,
    ngx_http_article_render_entry_t *entry);
static void *ngx_http_article_render_cache_alloc(
    ngx_http_article_render_cache_t *cache, size_t size);


ngx_int_t
ngx_http_article_render_cache_init_zone(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_http_article_render_cache_t  *ocache = data;

    size_t                            len;
    ngx_http_article_render_cache_t  *cache;

    cache = shm_zone->data;

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

    return NGX_OK;
}


/*
 * Entries are ordered by hash, then configuration identity, then path: a
 * total order, so that entries whose hashes collide are still found.
 */

static ngx_int_t
ngx_http_article_render_cache_cmp(uint32_t hash, uint32_t conf_id,
    u_char *path, size_t len, ngx_http_article_render_entry_t *entry)
{
    if (hash != entry->node.key) {
        return (hash < entry->node.key) ? -1 : 1;
    }

    if (conf_id != entry->conf_id) {
        return (conf_id < entry->conf_id) ? -1 : 1;
    }

    return ngx_memn2cmp(path, entry->data, len, entry->path_len);
}


static void
ngx_http_article_render_cache_insert_value(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel)
{
    ngx_rbtree_node_t                **p;
    ngx_http_article_render_entry_t   *entry;

    entry = (ngx_http_article_render_entry_t *) node;

    for ( ;; ) {

        p = (ngx_http_article_render_cache_cmp((uint32_t) node->key,
                                              entry->conf_id, entry->data,
                                              entry->path_len,
                                   (ngx_http_article_render_entry_t *) temp)
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


/*
 * Looks the page up.  On a hit the entry is pinned for the request's
 * lifetime and the key carries its page; a miss says whether an entry
 * of another file version was there.
 */

ngx_uint_t
ngx_http_article_render_cache_lookup(ngx_http_request_t *r,
    ngx_shm_zone_t *shm_zone, ngx_http_article_render_cache_key_t *key)
{
    ngx_pool_cleanup_t               *cln;
    ngx_http_article_render_pin_t    *pin;
    ngx_http_article_render_cache_t  *cache;
    ngx_http_article_render_entry_t  *entry;

    cache = shm_zone->data;

    cln = ngx_pool_cleanup_add(r->pool,
                               sizeof(ngx_http_article_render_pin_t));
    if (cln == NULL) {
        return NGX_HTTP_AR_CACHE_BYPASS;
    }

    ngx_shmtx_lock(&cache->shpool->mutex);

    entry = ngx_http_article_render_cache_find(cache, key);

    if (entry == NULL) {
        ngx_shmtx_unlock(&cache->shpool->mutex);
        return NGX_HTTP_AR_CACHE_MISS;
    }

    if (ngx_memcmp(&entry->version, &key->version,
                   sizeof(ngx_http_article_render_version_t))
        != 0)
    {
        ngx_shmtx_unlock(&cache->shpool->mutex);
        return NGX_HTTP_AR_CACHE_EXPIRED;
    }

    entry->count++;

    ngx_queue_remove(&entry->queue);
    ngx_queue_insert_head(&cache->sh->lru, &entry->queue);

    ngx_shmtx_unlock(&cache->shpool->mutex);

    pin = cln->data;
    pin->cache = cache;
    pin->entry = entry;
    cln->handler = ngx_http_article_render_cache_unpin;

    key->page.data = entry->data + entry->path_len;
    key->page.len = entry->page_len;
    key->last_modified = entry->last_modified;

    return NGX_HTTP_AR_CACHE_HIT;
}


static ngx_http_article_render_entry_t *
ngx_http_article_render_cache_find(ngx_http_article_render_cache_t *cache,
    ngx_http_article_render_cache_key_t *key)
{
    ngx_int_t                         rc;
    ngx_rbtree_node_t                *node, *sentinel;
    ngx_http_article_render_entry_t  *entry;

    node = cache->sh->rbtree.root;
    sentinel = cache->sh->rbtree.sentinel;

    while (node != sentinel) {
        entry = (ngx_http_article_render_entry_t *) node;

        rc = ngx_http_article_render_cache_cmp(key->hash, key->conf_id,
                                               key->path.data, key->path.len,
                                               entry);
        if (rc == 0) {
            return entry;
        }

        node = (rc < 0) ? node->left : node->right;
    }

    return NULL;
}


static void
ngx_http_article_render_cache_unpin(void *data)
{
    ngx_http_article_render_pin_t  *pin = data;

    ngx_slab_pool_t                  *shpool;
    ngx_http_article_render_entry_t  *entry;

    shpool = pin->cache->shpool;
    entry = pin->entry;

    ngx_shmtx_lock(&shpool->mutex);

    if (--entry->count == 0 && entry->removed) {
        ngx_slab_free_locked(shpool, entry);
    }

    ngx_shmtx_unlock(&shpool->mutex);
}


/*
 * Keeps a freshly rendered page, replacing the entry of an older version.
 * Returns NGX_DECLINED when the page is not kept: larger than max_entry,
 * or no room even after evicting every entry not being sent.
 */

ngx_uint_t
ngx_http_article_render_cache_store(ngx_http_request_t *r,
    ngx_shm_zone_t *shm_zone, ngx_http_article_render_cache_key_t *key)
{
    size_t                            size;
    ngx_http_article_render_cache_t  *cache;
    ngx_http_article_render_entry_t  *entry, *old;

    cache = shm_zone->data;

    if (key->page.len > cache->max_entry) {
        return NGX_DECLINED;
    }

    size = offsetof(ngx_http_article_render_entry_t, data)
           + key->path.len + key->page.len;

    ngx_shmtx_lock(&cache->shpool->mutex);

    old = ngx_http_article_render_cache_find(cache, key);

    if (old) {
        ngx_http_article_render_cache_remove(cache, old);
    }

    entry = ngx_http_article_render_cache_alloc(cache, size);

    if (entry == NULL) {
        ngx_shmtx_unlock(&cache->shpool->mutex);

        ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "article render cache: no room for %uz bytes "
                       "in \"%V\"", size, &shm_zone->shm.name);
        return NGX_DECLINED;
    }

    entry->node.key = key->hash;
    entry->version = key->version;
    entry->last_modified = key->last_modified;
    entry->conf_id = key->conf_id;
    entry->count = 0;
    entry->removed = 0;
    entry->path_len = key->path.len;
    entry->page_len = key->page.len;

    ngx_memcpy(entry->data, key->path.data, key->path.len);
    ngx_memcpy(entry->data + key->path.len, key->page.data, key->page.len);

    ngx_rbtree_insert(&cache->sh->rbtree, &entry->node);
    ngx_queue_insert_head(&cache->sh->lru, &entry->queue);

    ngx_shmtx_unlock(&cache->shpool->mutex);

    return NGX_OK;
}


/* unlinks an entry; one still being sent is freed by its last reader */

static void
ngx_http_article_render_cache_remove(ngx_http_article_render_cache_t *cache,
    ngx_http_article_render_entry_t *entry)
{
    ngx_rbtree_delete(&cache->sh->rbtree, &entry->node);
    ngx_queue_remove(&entry->queue);

    if (entry->count) {
        entry->removed = 1;
        return;
    }

    ngx_slab_free_locked(cache->shpool, entry);
}


/* allocates in the zone, evicting least recently used entries for room */

static void *
ngx_http_article_render_cache_alloc(ngx_http_article_render_cache_t *cache,
    size_t size)
{
    void                             *p;
    ngx_queue_t                      *q, *prev;
    ngx_http_article_render_entry_t  *entry;

    p = ngx_slab_alloc_locked(cache->shpool, size);

    q = ngx_queue_last(&cache->sh->lru);

    while (p == NULL && q != ngx_queue_sentinel(&cache->sh->lru)) {

        prev = ngx_queue_prev(q);
        entry = ngx_queue_data(q, ngx_http_article_render_entry_t, queue);

        if (entry->count == 0) {
            ngx_http_article_render_cache_remove(cache, entry);
            p = ngx_slab_alloc_locked(cache->shpool, size);
        }

        q = prev;
    }

    return p;
}
