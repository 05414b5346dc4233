/*
 * ngx_http_article_render_module: the render cache, and the
 * article_render_cache_zone directive that defines its zones.
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
 *
 * A zone with a path keeps its large pages in files instead (see
 * ngx_http_article_render_files.c): the entry then holds the file's name,
 * and freeing the entry deletes the file.  Those files have a budget of
 * their own, the zone's size, and are evicted from the same LRU queue.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_article_render_module.h"


/* changes whenever the entry layout does, so reloads never mix layouts */
#define NGX_HTTP_AR_CACHE_LAYOUT  3

/* how long past its budget a render's mark holds off others */
#define NGX_HTTP_AR_MARK_GRACE    1000


/* what an entry holds */
#define NGX_HTTP_AR_ENTRY_PAGE      0   /* a rendered page */
#define NGX_HTTP_AR_ENTRY_UPDATING  1   /* a render in progress, no page */
#define NGX_HTTP_AR_ENTRY_FAILED    2   /* a render passed its budget */


struct ngx_http_article_render_entry_s {
    ngx_rbtree_node_t                  node;      /* key: the key's hash */
    ngx_queue_t                        queue;
    ngx_http_article_render_version_t  version;
    time_t                             last_modified;
    uint32_t                           conf_id;
    uint32_t                           count;     /* requests sending it */
    unsigned                           state:2;
    unsigned                           removed:1;

    /* of a mark: when it lapses, and whose it is */
    ngx_msec_t                         deadline;
    ngx_pid_t                          owner;

    /* of a failure: the budgets it passed */
    ngx_msec_t                         timeout;
    size_t                             max_memory;

    size_t                             path_len;
    size_t                             page_len;
    size_t                             file_len;  /* 0: page in the zone */
    ngx_http_article_render_version_t  file_version;

    /* the path, then the page or the page's file name and a NUL */
    u_char                             data[1];
};


static ngx_int_t ngx_http_article_render_cache_init_zone(
    ngx_shm_zone_t *shm_zone, void *data);
static char *ngx_http_article_render_zone_path(ngx_conf_t *cf,
    ngx_str_t *value, ngx_http_article_render_cache_t *cache);
static ngx_int_t ngx_http_article_render_cache_cmp(uint32_t hash,
    uint32_t conf_id, u_char *path, size_t len,
    ngx_http_article_render_entry_t *entry);
static void ngx_http_article_render_cache_insert_value(
    ngx_rbtree_node_t *temp, ngx_rbtree_node_t *node,
    ngx_rbtree_node_t *sentinel);
static ngx_http_article_render_entry_t *ngx_http_article_render_cache_find(
    ngx_http_article_render_cache_t *cache,
    ngx_http_article_render_cache_key_t *key);
static ngx_http_article_render_entry_t *ngx_http_article_render_cache_put(
    ngx_http_article_render_cache_t *cache,
    ngx_http_article_render_cache_key_t *key, size_t page_len);
static void ngx_http_article_render_cache_remove(
    ngx_http_article_render_cache_t *cache,
    ngx_http_article_render_entry_t *entry);
static void ngx_http_article_render_cache_free(
    ngx_http_article_render_cache_t *cache,
    ngx_http_article_render_entry_t *entry);
static void *ngx_http_article_render_cache_alloc(
    ngx_http_article_render_cache_t *cache, size_t size);
static void ngx_http_article_render_cache_unmark_locked(
    ngx_http_article_render_cache_t *cache,
    ngx_http_article_render_cache_key_t *key);
static ngx_int_t ngx_http_article_render_cache_files_room(
    ngx_http_article_render_cache_t *cache, size_t size);


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
 * Looks the page up.  On a hit the entry is pinned, and the key carries
 * its page, until ngx_http_article_render_cache_unpin().  When the page
 * is to be rendered, a mark is left in its place (when the zone has
 * room), so that other requests for the same version wait for this
 * render instead of starting their own; *marked says so.
 */

ngx_uint_t
ngx_http_article_render_cache_lookup(ngx_shm_zone_t *shm_zone,
    ngx_http_article_render_cache_key_t *key, ar_limits_t *limits,
    ngx_http_article_render_pin_t *pin, ngx_uint_t *marked)
{
    ngx_uint_t                        status;
    ngx_http_article_render_cache_t  *cache;
    ngx_http_article_render_entry_t  *entry;

    cache = shm_zone->data;
    *marked = 0;

    ngx_shmtx_lock(&cache->shpool->mutex);

    entry = ngx_http_article_render_cache_find(cache, key);

    status = NGX_HTTP_AR_CACHE_MISS;

    if (entry) {
        status = NGX_HTTP_AR_CACHE_EXPIRED;

        if (ngx_memcmp(&entry->version, &key->version,
                       sizeof(ngx_http_article_render_version_t))
            == 0)
        {
            switch (entry->state) {

            case NGX_HTTP_AR_ENTRY_PAGE:
                entry->count++;

                ngx_queue_remove(&entry->queue);
                ngx_queue_insert_head(&cache->sh->lru, &entry->queue);

                pin->cache = cache;
                pin->entry = entry;

                key->page.len = entry->page_len;
                key->last_modified = entry->last_modified;

                if (entry->file_len) {
                    key->page.data = NULL;
                    key->file.data = entry->data + entry->path_len;
                    key->file.len = entry->file_len;
                    key->file_version = entry->file_version;

                } else {
                    key->page.data = entry->data + entry->path_len;
                }

                status = NGX_HTTP_AR_CACHE_HIT;
                goto done;

            case NGX_HTTP_AR_ENTRY_UPDATING:

                /* a mark whose owner died lapses at its deadline */

                if ((ngx_msec_int_t) (entry->deadline - ngx_current_msec)
                    > 0)
                {
                    status = NGX_HTTP_AR_CACHE_UPDATING;
                    goto done;
                }

                break;

            default: /* NGX_HTTP_AR_ENTRY_FAILED */

                /* larger budgets than those it passed deserve a try */

                if (limits->timeout_ms <= entry->timeout
                    && limits->max_memory <= entry->max_memory)
                {
                    status = NGX_HTTP_AR_CACHE_FAILED;
                    goto done;
                }

                break;
            }
        }
    }

    entry = ngx_http_article_render_cache_put(cache, key, 0);

    if (entry) {
        entry->state = NGX_HTTP_AR_ENTRY_UPDATING;
        entry->deadline = ngx_current_msec + limits->timeout_ms
                          + NGX_HTTP_AR_MARK_GRACE;
        entry->owner = ngx_pid;
        *marked = 1;
    }

done:

    ngx_shmtx_unlock(&cache->shpool->mutex);

    return status;
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


void
ngx_http_article_render_cache_unpin(ngx_http_article_render_pin_t *pin)
{
    ngx_slab_pool_t                  *shpool;
    ngx_http_article_render_entry_t  *entry;

    shpool = pin->cache->shpool;
    entry = pin->entry;

    ngx_shmtx_lock(&shpool->mutex);

    if (--entry->count == 0 && entry->removed) {
        ngx_http_article_render_cache_free(pin->cache, entry);
    }

    ngx_shmtx_unlock(&shpool->mutex);

    pin->entry = NULL;
}


/* unpins a hit that cannot be served (its file is gone) and drops it */

void
ngx_http_article_render_cache_forget(ngx_http_article_render_pin_t *pin)
{
    ngx_http_article_render_cache_t  *cache;
    ngx_http_article_render_entry_t  *entry;

    cache = pin->cache;
    entry = pin->entry;

    ngx_shmtx_lock(&cache->shpool->mutex);

    if (!entry->removed) {
        ngx_http_article_render_cache_remove(cache, entry);
    }

    ngx_shmtx_unlock(&cache->shpool->mutex);

    ngx_http_article_render_cache_unpin(pin);
}


/*
 * Keeps a freshly rendered page, or the name of the file it was written
 * to, in place of whatever the key had, the render's mark included.
 * Returns NGX_DECLINED when the page is not kept: larger than max_entry,
 * or no room even after evicting every entry not being sent.  A file not
 * kept is the caller's to delete.
 */

ngx_int_t
ngx_http_article_render_cache_store(ngx_shm_zone_t *shm_zone,
    ngx_http_article_render_cache_key_t *key)
{
    ngx_http_article_render_cache_t  *cache;
    ngx_http_article_render_entry_t  *entry;

    cache = shm_zone->data;

    if (key->page.len > cache->max_entry) {
        ngx_http_article_render_cache_unmark(shm_zone, key);
        return NGX_DECLINED;
    }

    ngx_shmtx_lock(&cache->shpool->mutex);

    if (key->file.len == 0) {
        entry = ngx_http_article_render_cache_put(cache, key, key->page.len);

        if (entry) {
            ngx_memcpy(entry->data + key->path.len, key->page.data,
                       key->page.len);
        }

    } else if (ngx_http_article_render_cache_files_room(cache, key->page.len)
               == NGX_OK)
    {
        entry = ngx_http_article_render_cache_put(cache, key,
                                                  key->file.len + 1);
        if (entry) {
            entry->page_len = key->page.len;
            entry->file_len = key->file.len;
            entry->file_version = key->file_version;
            ngx_memcpy(entry->data + key->path.len, key->file.data,
                       key->file.len);
            entry->data[key->path.len + key->file.len] = '\0';

            cache->sh->files_size += key->page.len;
        }

    } else {
        entry = NULL;
        ngx_http_article_render_cache_unmark_locked(cache, key);
    }

    if (entry) {
        entry->last_modified = key->last_modified;
    }

    ngx_shmtx_unlock(&cache->shpool->mutex);

    return entry ? NGX_OK : NGX_DECLINED;
}


/*
 * Remembers that this version passed its budgets, so that requests for
 * it fail at once instead of rendering again, until the file changes.
 */

void
ngx_http_article_render_cache_fail(ngx_shm_zone_t *shm_zone,
    ngx_http_article_render_cache_key_t *key, ar_limits_t *limits)
{
    ngx_http_article_render_cache_t  *cache;
    ngx_http_article_render_entry_t  *entry;

    cache = shm_zone->data;

    ngx_shmtx_lock(&cache->shpool->mutex);

    entry = ngx_http_article_render_cache_put(cache, key, 0);

    if (entry) {
        entry->state = NGX_HTTP_AR_ENTRY_FAILED;
        entry->timeout = limits->timeout_ms;
        entry->max_memory = limits->max_memory;
    }

    ngx_shmtx_unlock(&cache->shpool->mutex);
}


/* takes away this worker's mark, for a render that left nothing to keep */

void
ngx_http_article_render_cache_unmark(ngx_shm_zone_t *shm_zone,
    ngx_http_article_render_cache_key_t *key)
{
    ngx_http_article_render_cache_t  *cache;

    cache = shm_zone->data;

    ngx_shmtx_lock(&cache->shpool->mutex);
    ngx_http_article_render_cache_unmark_locked(cache, key);
    ngx_shmtx_unlock(&cache->shpool->mutex);
}


static void
ngx_http_article_render_cache_unmark_locked(
    ngx_http_article_render_cache_t *cache,
    ngx_http_article_render_cache_key_t *key)
{
    ngx_http_article_render_entry_t  *entry;

    entry = ngx_http_article_render_cache_find(cache, key);

    if (entry
        && entry->state == NGX_HTTP_AR_ENTRY_UPDATING
        && entry->owner == ngx_pid)
    {
        ngx_http_article_render_cache_remove(cache, entry);
    }
}


/*
 * Puts a new entry for the key, with room for a page, in place of the
 * old one; called with the zone locked.
 */

static ngx_http_article_render_entry_t *
ngx_http_article_render_cache_put(ngx_http_article_render_cache_t *cache,
    ngx_http_article_render_cache_key_t *key, size_t page_len)
{
    ngx_http_article_render_entry_t  *entry;

    entry = ngx_http_article_render_cache_find(cache, key);

    if (entry) {
        ngx_http_article_render_cache_remove(cache, entry);
    }

    entry = ngx_http_article_render_cache_alloc(cache,
                          offsetof(ngx_http_article_render_entry_t, data)
                          + key->path.len + page_len);
    if (entry == NULL) {
        return NULL;
    }

    ngx_memzero(entry, offsetof(ngx_http_article_render_entry_t, data));

    entry->node.key = key->hash;
    entry->version = key->version;
    entry->conf_id = key->conf_id;
    entry->state = NGX_HTTP_AR_ENTRY_PAGE;
    entry->path_len = key->path.len;
    entry->page_len = page_len;

    ngx_memcpy(entry->data, key->path.data, key->path.len);

    ngx_rbtree_insert(&cache->sh->rbtree, &entry->node);
    ngx_queue_insert_head(&cache->sh->lru, &entry->queue);

    return entry;
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

    ngx_http_article_render_cache_free(cache, entry);
}


/*
 * Frees an entry no one is sending; a page in a file goes with it.  A
 * response that opened the file before keeps reading it: the file is
 * unlinked, never rewritten.
 */

static void
ngx_http_article_render_cache_free(ngx_http_article_render_cache_t *cache,
    ngx_http_article_render_entry_t *entry)
{
    if (entry->file_len) {
        ngx_http_article_render_file_delete(entry->data + entry->path_len,
                                            ngx_cycle->log);
        cache->sh->files_size -= entry->page_len;
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


/*
 * Makes room for a page in a file within the files' budget, evicting the
 * least recently used pages in files not being sent.
 */

static ngx_int_t
ngx_http_article_render_cache_files_room(
    ngx_http_article_render_cache_t *cache, size_t size)
{
    ngx_queue_t                      *q, *prev;
    ngx_http_article_render_entry_t  *entry;

    q = ngx_queue_last(&cache->sh->lru);

    while (cache->sh->files_size + (off_t) size > cache->files_max
           && q != ngx_queue_sentinel(&cache->sh->lru))
    {
        prev = ngx_queue_prev(q);
        entry = ngx_queue_data(q, ngx_http_article_render_entry_t, queue);

        if (entry->file_len && entry->count == 0) {
            ngx_http_article_render_cache_remove(cache, entry);
        }

        q = prev;
    }

    return (cache->sh->files_size + (off_t) size <= cache->files_max)
           ? NGX_OK : NGX_DECLINED;
}
