/*
 * ngx_http_article_render_module: the render cache zone, and the
 * article_render_cache_zone directive that defines it.  The rules of
 * the zone (docs/design.md, "The zone") are in
 * ngx_http_article_render_cache_rules(), and every write goes through
 * ngx_http_article_render_cache_write().
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_article_render_module.h"
#include "ngx_http_article_render_cache.h"
#include "ngx_http_article_render_files.h"


/* changes whenever the node layout does, so reloads never mix layouts */
#define NGX_HTTP_AR_CACHE_LAYOUT  9

/* how long past its budget a render's mark holds off others */
#define NGX_HTTP_AR_MARK_GRACE    1000

/* nodes looked at, at most, to make room for one allocation */
#define NGX_HTTP_AR_EVICT_TRIES   20

/* nodes off the tree looked at by each write, for holders gone */
#define NGX_HTTP_AR_SWEEP         2

/* page files one locked section may leave to delete after it */
#define NGX_HTTP_AR_DOOMED_MAX    32

/* how soon a page file that could not be deleted is tried again */
#define NGX_HTTP_AR_DELETE_RETRY  1000

/* a fault episode's lines after the first, at most one in this */
#define NGX_HTTP_AR_FAULT_EVERY   60000

/* how often the processes of a zone a reload left are looked at */
#define NGX_HTTP_AR_ORPHANS_EVERY 1000


/* what a node holds */
#define NGX_HTTP_AR_NODE_PAGE         0
#define NGX_HTTP_AR_NODE_UPDATING     1   /* a render in progress */
#define NGX_HTTP_AR_NODE_FAIL_MEMORY  2
#define NGX_HTTP_AR_NODE_FAIL_TIME    3

/* what a write puts at the key */
#define NGX_HTTP_AR_WRITE_PAGE        0
#define NGX_HTTP_AR_WRITE_FAIL        1
#define NGX_HTTP_AR_WRITE_UNMARK      2


typedef struct ngx_http_article_render_holder_s
    ngx_http_article_render_holder_t;

/* a process pinning a node: the pins of its requests */
struct ngx_http_article_render_holder_s {
    ngx_http_article_render_holder_t  *next;
    ngx_pid_t                          pid;
    uint32_t                           count;
    uint64_t                           start;     /* of the process */
};


struct ngx_http_article_render_node_s {
    ngx_rbtree_node_t                  node;      /* key: the key's hash */
    ngx_queue_t                        queue;     /* in the LRU queue, or
                                                     in limbo once removed */
    ngx_http_article_render_version_t  version;
    time_t                             last_modified;
    ngx_msec_t                         made;      /* a derived page's */
    uint32_t                           digest;
    uint32_t                           conf_id;
    uint32_t                           count;     /* pins, of every holder */
    ngx_http_article_render_holder_t   holder;    /* the first; more are
                                                     chained to it */
    unsigned                           state:2;
    unsigned                           removed:1; /* off the tree */
    unsigned                           remaking:1; /* a derived page made
                                                      again: its deadline
                                                      and owner as a mark's */
    unsigned                           reserved:1; /* the mark's or remake's
                                                      owner was given
                                                      file_seq */
    unsigned                           filling:1; /* its page is copied in
                                                     by its owner */
    unsigned                           doomed:1;  /* its file is deleted by
                                                     its owner, or by anyone
                                                     past the deadline when
                                                     the owner is 0 */
    unsigned                           counted:1; /* its file is in
                                                     files_size */

    /* a mark lapses, and a time failure is tried again, at the deadline */
    ngx_msec_t                         deadline;
    ngx_pid_t                          owner;     /* of a mark, a remake, a
                                                     filling or a doom */
    uint64_t                           owner_start; /* when it started */
    ngx_uint_t                         file_seq;  /* names the file that
                                                     owner may write */

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


/* a process, by its pid and its start (0: not known) */

typedef struct {
    ngx_pid_t                          pid;
    uint64_t                           start;
} ngx_http_article_render_proc_t;


/*
 * The page files of zones a reload left over a new zone's path: no
 * node of the new zone names them, and once the processes that ran at
 * the reload have all exited, no one uses them.
 */

typedef struct ngx_http_article_render_orphans_s {
    ngx_atomic_t                       next;      /* when the processes
                                             are looked at; 0: done */
    ngx_uint_t                         nprocs;
    ngx_http_article_render_proc_t     procs[1];
} ngx_http_article_render_orphans_t;


/*
 * A page file to delete once the zone is unlocked: a node's (NULL:
 * the file a dead owner may have written, by its number).
 */

typedef struct {
    ngx_http_article_render_cache_t   *cache;
    ngx_http_article_render_node_t    *node;
    ngx_uint_t                         seq;
    ngx_err_t                          err;
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
static void ngx_http_article_render_cache_reserve(
    ngx_http_article_render_cache_t *cache,
    ngx_http_article_render_page_t *p, ngx_http_article_render_node_t *arn);
static ngx_int_t ngx_http_article_render_cache_write(
    ngx_http_article_render_page_t *p, ngx_uint_t what,
    ngx_uint_t state, ar_limits_t *limits);
static ngx_int_t ngx_http_article_render_cache_rules(
    ngx_http_article_render_page_t *p, ngx_http_article_render_node_t *old);
static ngx_http_article_render_node_t *ngx_http_article_render_cache_new(
    ngx_http_article_render_cache_t *cache,
    ngx_http_article_render_page_t *p, size_t len);
static void ngx_http_article_render_cache_insert(
    ngx_http_article_render_cache_t *cache,
    ngx_http_article_render_node_t *old, ngx_http_article_render_node_t *arn);
static ngx_int_t ngx_http_article_render_cache_pin(
    ngx_http_article_render_cache_t *cache,
    ngx_http_article_render_node_t *arn);
static void ngx_http_article_render_cache_unpin(
    ngx_http_article_render_cache_t *cache,
    ngx_http_article_render_node_t *arn);
static ngx_http_article_render_holder_t *ngx_http_article_render_cache_spare(
    ngx_http_article_render_node_t *arn);
static ngx_uint_t ngx_http_article_render_cache_held(
    ngx_http_article_render_node_t *arn, ngx_uint_t exact);
static ngx_uint_t ngx_http_article_render_cache_gone(
    ngx_http_article_render_node_t *arn);
static ngx_uint_t ngx_http_article_render_cache_alive(ngx_pid_t pid,
    uint64_t start);
static void ngx_http_article_render_cache_remove(
    ngx_http_article_render_cache_t *cache,
    ngx_http_article_render_node_t *arn);
static void ngx_http_article_render_cache_free(
    ngx_http_article_render_cache_t *cache,
    ngx_http_article_render_node_t *arn);
static void ngx_http_article_render_cache_doom(
    ngx_http_article_render_cache_t *cache,
    ngx_http_article_render_node_t *arn, ngx_uint_t seq);
static void ngx_http_article_render_cache_sweep(
    ngx_http_article_render_cache_t *cache);
static void *ngx_http_article_render_cache_alloc(
    ngx_http_article_render_cache_t *cache, size_t size);
static ngx_int_t ngx_http_article_render_cache_files_room(
    ngx_http_article_render_cache_t *cache, size_t size);
static void ngx_http_article_render_cache_unlock(
    ngx_http_article_render_cache_t *cache);
static void ngx_http_article_render_cache_wake(
    ngx_http_article_render_key_t *key);
static ngx_int_t ngx_http_article_render_cache_successor(
    ngx_http_article_render_cache_t *cache, ngx_log_t *log);
static uint64_t ngx_http_article_render_cache_started(ngx_pid_t pid);
static void ngx_http_article_render_cache_each(ngx_cycle_t *cycle,
    void (*handler)(ngx_cycle_t *cycle,
    ngx_http_article_render_cache_t *cache));
static void ngx_http_article_render_cache_disown(ngx_cycle_t *cycle,
    ngx_http_article_render_cache_t *cache);
static void ngx_http_article_render_cache_exit_zone(ngx_cycle_t *cycle,
    ngx_http_article_render_cache_t *cache);
static void ngx_http_article_render_cache_orphans(
    ngx_http_article_render_cache_t *cache);
static ngx_int_t ngx_http_article_render_cache_scan(
    ngx_http_article_render_cache_t *cache, ngx_uint_t lock);
static int ngx_libc_cdecl ngx_http_article_render_cache_seq_cmp(
    const void *one, const void *two);


/* page files unlinked from the zone, deleted after the lock is let go */
static ngx_http_article_render_doomed_t
    ngx_http_article_render_doomed[NGX_HTTP_AR_DOOMED_MAX];
static ngx_uint_t  ngx_http_article_render_ndoomed;

/*
 * This process as the zone's holds name it: its pid, or in test builds
 * the one AR_TEST_OWNER says, so that a new worker meets holds recorded
 * under its own pid by one that died.
 */
static ngx_pid_t  ngx_http_article_render_self;
static uint64_t   ngx_http_article_render_start;

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

        if (cache->sh->layout != NGX_HTTP_AR_CACHE_LAYOUT) {
            ngx_log_error(NGX_LOG_EMERG, shm_zone->shm.log, 0,
                          "article_render_cache_zone \"%V\" was made by "
                          "another version of the module",
                          &shm_zone->shm.name);
            return NGX_ERROR;
        }

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
    ngx_queue_init(&cache->sh->files_lru);
    ngx_queue_init(&cache->sh->limbo);
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

    if (cache->path == NULL || ngx_test_config) {
        return NGX_OK;
    }

    if (!ngx_inherited && ngx_is_init_cycle(ngx_cycle)) {
        ngx_http_article_render_file_clean(cache->path, shm_zone->shm.log);
        return NGX_OK;
    }

    /*
     * A reload that made the zone anew (a new size, a new name): the
     * old zone's page files are left to this one, to delete once the
     * old workers are gone.
     */

    if (!ngx_is_init_cycle(ngx_cycle)) {
        return ngx_http_article_render_cache_successor(cache,
                                                       shm_zone->shm.log);
    }

    return NGX_OK;
}


/*
 * In the master, on a reload: the processes that run now (the old
 * workers among them) are recorded in the new zone, whose workers
 * delete the files no node of theirs names once those have all exited.
 */

static ngx_int_t
ngx_http_article_render_cache_successor(ngx_http_article_render_cache_t *cache,
    ngx_log_t *log)
{
    ngx_int_t                           i;
    ngx_uint_t                          n;
    ngx_http_article_render_orphans_t  *o;

    n = 0;

    for (i = 0; i < ngx_last_process; i++) {
        if (ngx_processes[i].pid != NGX_INVALID_PID
            && !ngx_processes[i].exited)
        {
            n++;
        }
    }

    o = ngx_slab_alloc(cache->shpool,
                       sizeof(ngx_http_article_render_orphans_t)
                       + n * sizeof(ngx_http_article_render_proc_t));
    if (o == NULL) {
        ngx_log_error(NGX_LOG_EMERG, log, 0,
                      "article_render_cache_zone is too small");
        return NGX_ERROR;
    }

    o->nprocs = 0;

    for (i = 0; i < ngx_last_process && o->nprocs < n; i++) {
        if (ngx_processes[i].pid != NGX_INVALID_PID
            && !ngx_processes[i].exited)
        {
            o->procs[o->nprocs].pid = ngx_processes[i].pid;
            o->procs[o->nprocs].start = ngx_http_article_render_cache_started(
                                                      ngx_processes[i].pid);
            o->nprocs++;
        }
    }

    o->next = 1;
    cache->sh->orphans = o;

    return NGX_OK;
}


/*
 * When a process started (in clock ticks since boot, from /proc), so
 * that a pid given again to another process is told apart; 0 where
 * that is not known.
 */

static uint64_t
ngx_http_article_render_cache_started(ngx_pid_t pid)
{
    u_char     *p, *last, buf[1024];
    ssize_t     n;
    uint64_t    start;
    ngx_fd_t    fd;
    ngx_uint_t  field;

    ngx_sprintf(buf, "/proc/%P/stat%Z", pid);

    fd = ngx_open_file(buf, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (fd == NGX_INVALID_FILE) {
        return 0;
    }

    n = ngx_read_fd(fd, buf, sizeof(buf) - 1);

    (void) ngx_close_file(fd);

    if (n <= 0) {
        return 0;
    }

    last = buf + n;

    /* the name, in parentheses, may hold anything: fields follow the last */

    for (p = last - 1; p > buf && *p != ')'; p--) { /* void */ }

    /* starttime is the 22nd field, the 20th after the name */

    for (field = 2; p < last && field < 22; p++) {
        if (*p == ' ') {
            field++;
        }
    }

    for (start = 0; p < last && *p >= '0' && *p <= '9'; p++) {
        start = start * 10 + (*p - '0');
    }

    return start;
}


/*
 * A worker starting holds nothing yet: what the zones record under its
 * pid is of a process that had the pid before (a worker killed, whose
 * pid was given again), and kill() would never say it is gone.
 */

void
ngx_http_article_render_cache_init_process(ngx_cycle_t *cycle)
{
#if (AR_TEST_HOOKS)
    char       *s;
    ngx_int_t   n;
#endif

    ngx_http_article_render_self = ngx_pid;
    ngx_http_article_render_start = ngx_http_article_render_cache_started(
                                                                    ngx_pid);

#if (AR_TEST_HOOKS)

    /* test builds: the pid this worker records its holds under */

    s = getenv("AR_TEST_OWNER");
    n = s ? ngx_atoi((u_char *) s, ngx_strlen(s)) : NGX_ERROR;

    if (n > 0) {
        ngx_http_article_render_self = (ngx_pid_t) n;
    }

#endif

    ngx_http_article_render_cache_each(cycle,
                                       ngx_http_article_render_cache_disown);
}


/* calls the handler for each zone of the module the cycle has set up */

static void
ngx_http_article_render_cache_each(ngx_cycle_t *cycle,
    void (*handler)(ngx_cycle_t *cycle,
    ngx_http_article_render_cache_t *cache))
{
    ngx_uint_t                        i;
    ngx_shm_zone_t                   *shm_zone;
    ngx_list_part_t                  *part;
    ngx_http_article_render_cache_t  *cache;

    part = &cycle->shared_memory.part;
    shm_zone = part->elts;

    for (i = 0; /* void */; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            shm_zone = part->elts;
            i = 0;
        }

        if (shm_zone[i].tag != &ngx_http_article_render_module) {
            continue;
        }

        cache = shm_zone[i].data;

        if (cache != NULL && cache->sh != NULL) {
            handler(cycle, cache);
        }
    }
}


/* lets go of every hold recorded under this process's pid */

static void
ngx_http_article_render_cache_disown(ngx_cycle_t *cycle,
    ngx_http_article_render_cache_t *cache)
{
    ngx_uint_t                         l;
    ngx_queue_t                       *q, *next, *list[3];
    ngx_http_article_render_node_t    *arn;
    ngx_http_article_render_holder_t  *h;

    ngx_shmtx_lock(&cache->shpool->mutex);

    list[0] = &cache->sh->lru;
    list[1] = &cache->sh->files_lru;
    list[2] = &cache->sh->limbo;

    for (l = 0; l < 3; l++) {
        for (q = ngx_queue_head(list[l]);
             q != ngx_queue_sentinel(list[l]);
             q = next)
        {
            next = ngx_queue_next(q);
            arn = ngx_queue_data(q, ngx_http_article_render_node_t, queue);

            for (h = &arn->holder; h; h = h->next) {
                if (h->count && h->pid == ngx_http_article_render_self) {
                    arn->count -= h->count;
                    h->count = 0;
                }
            }

            /* a mark, remake, filling or doom of no process: lapsed */

            if (arn->owner == ngx_http_article_render_self) {
                arn->owner = 0;

                if (arn->doomed) {
                    arn->deadline = ngx_current_msec;
                }
            }

            if (arn->removed && !arn->doomed && !arn->filling
                && arn->count == 0)
            {
                ngx_http_article_render_cache_free(cache, arn);
            }
        }
    }

    ngx_http_article_render_cache_unlock(cache);
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
    ngx_http_article_render_node_t   *arn, *old;
    ngx_http_article_render_cache_t  *cache;

    cache = p->cache;
    p->expired = 0;
    p->remake = 0;
    p->made = ngx_current_msec;

    ngx_shmtx_lock(&cache->shpool->mutex);

    old = ngx_http_article_render_cache_find(cache, &p->key);

    if (old) {
        if (ngx_memcmp(&old->version, &p->version,
                       sizeof(ngx_http_article_render_version_t))
            == 0)
        {
            rc = ngx_http_article_render_cache_outcome(p, old, limits);

            if (p->remake || rc == NGX_BUSY) {
                /* rendered with no mark: the page stays until stored */
                ngx_http_article_render_cache_reserve(cache, p,
                                                      p->remake ? old : NULL);
                rc = NGX_DECLINED;
                goto done;
            }

            if (rc != NGX_DECLINED) {
                goto done;
            }

        } else {
            p->expired = 1;
        }
    }

    arn = ngx_http_article_render_cache_new(cache, p, 0);

#if (AR_TEST_HOOKS)
    /* test builds: as if the zone had no room for a mark */

    if (arn && getenv("AR_TEST_NO_MARK")) {
        ngx_slab_free_locked(cache->shpool, arn);
        arn = NULL;
    }
#endif

    if (arn) {
        arn->state = NGX_HTTP_AR_NODE_UPDATING;
        arn->deadline = ngx_current_msec + limits->timeout_ms
                        + NGX_HTTP_AR_MARK_GRACE;
        arn->owner = ngx_http_article_render_self;
        arn->owner_start = ngx_http_article_render_start;

        /* the old node may have gone while room was made */
        old = ngx_http_article_render_cache_find(cache, &p->key);
        ngx_http_article_render_cache_insert(cache, old, arn);

        p->node = arn;
        p->hold = NGX_HTTP_AR_HOLD_MARK;
        p->marked = p->version;
    }

    ngx_http_article_render_cache_reserve(cache, p, arn);

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
         * sends a stale response while one request updates it.  One
         * whose remake failed is sent it too.
         */

        if (p->derived
            && !p->stale
            && (ngx_msec_int_t) (ngx_current_msec - arn->made)
               >= NGX_HTTP_AR_LISTING_FRESH
            && (!arn->remaking || ngx_http_article_render_cache_gone(arn)))
        {
            if (arn->remaking && arn->reserved
                && !ngx_http_article_render_cache_alive(arn->owner,
                                                     arn->owner_start))
            {
                ngx_http_article_render_cache_doom(p->cache, NULL,
                                                   arn->file_seq);
            }

            arn->remaking = 1;
            arn->reserved = 0;
            arn->deadline = ngx_current_msec + limits->timeout_ms
                            + NGX_HTTP_AR_MARK_GRACE;
            arn->owner = ngx_http_article_render_self;
            arn->owner_start = ngx_http_article_render_start;

            p->remake = 1;
            p->expired = 1;

            return NGX_ABORT;
        }

        if (ngx_http_article_render_cache_pin(p->cache, arn) != NGX_OK) {
            /* no room even to say who sends it: sent as rendered */
            return NGX_BUSY;
        }

        ngx_queue_remove(&arn->queue);
        ngx_queue_insert_head(arn->file_len ? &p->cache->sh->files_lru
                                            : &p->cache->sh->lru,
                              &arn->queue);

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

        /* a mark lapses at its deadline, or when its owner is gone */

        if (!ngx_http_article_render_cache_gone(arn)) {
            p->local = (arn->owner == ngx_http_article_render_self);
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
 * The number that names the page file of a render; the node of its
 * mark or remake keeps it, so that the file of an owner that died is
 * deleted with the mark.  Every page file is a node's, or a mark's or
 * remake's of a process that runs.
 */

static void
ngx_http_article_render_cache_reserve(ngx_http_article_render_cache_t *cache,
    ngx_http_article_render_page_t *p, ngx_http_article_render_node_t *arn)
{
    if (cache->path == NULL) {
        return;
    }

    /*
     * A render without a mark writes no page file: nothing in the zone
     * would say whose a file it left was.
     */

    if (arn == NULL) {
        p->file_seq = NGX_HTTP_AR_FILE_NONE;
        return;
    }

    p->file_seq = cache->sh->file_seq++;

    if (p->file_seq == NGX_HTTP_AR_FILE_NONE) {
        p->file_seq = cache->sh->file_seq++;
    }

    arn->reserved = 1;
    arn->file_seq = p->file_seq;
}


/*
 * Keeps a rendered page, in the zone or as the name of the file it was
 * written to, in place of the render's mark.  NGX_DECLINED: not kept
 * (over max_entry, no room, or the rules keep the node there); a file
 * not kept is the caller's to delete.
 */

ngx_int_t
ngx_http_article_render_cache_store(ngx_http_article_render_page_t *p)
{
    return ngx_http_article_render_cache_write(p, NGX_HTTP_AR_WRITE_PAGE,
                                               NGX_HTTP_AR_NODE_PAGE, NULL);
}


/*
 * Remembers that this version passed a budget: one of memory until the
 * file changes, one of time for NGX_HTTP_AR_TIME_FAIL_MEMO.  NGX_DONE: a
 * remake failed, and the page it was to replace stays for that time.
 */

ngx_int_t
ngx_http_article_render_cache_fail(ngx_http_article_render_page_t *p,
    ar_limits_t *limits, ngx_uint_t time)
{
    return ngx_http_article_render_cache_write(p, NGX_HTTP_AR_WRITE_FAIL,
                                       time ? NGX_HTTP_AR_NODE_FAIL_TIME
                                            : NGX_HTTP_AR_NODE_FAIL_MEMORY,
                                       limits);
}


/* lets go of what the request holds: a pin, or a mark that came to nothing */

void
ngx_http_article_render_cache_release(ngx_http_article_render_page_t *p)
{
    ngx_http_article_render_cache_t  *cache;

    if (p->hold == NGX_HTTP_AR_HOLD_PIN) {
        cache = p->cache;

        ngx_shmtx_lock(&cache->shpool->mutex);

        ngx_http_article_render_cache_unpin(cache, p->node);

        p->node = NULL;
        p->hold = NGX_HTTP_AR_HOLD_NONE;

        ngx_http_article_render_cache_unlock(cache);

        return;
    }

    if (p->hold == NGX_HTTP_AR_HOLD_MARK || p->remake) {
        (void) ngx_http_article_render_cache_write(p,
                                                NGX_HTTP_AR_WRITE_UNMARK,
                                                NGX_HTTP_AR_NODE_PAGE, NULL);
    }
}


/*
 * Drops a pinned hit that cannot be served: its file is gone, or is
 * another's (the name was given again): the file is not deleted.
 */

void
ngx_http_article_render_cache_forget(ngx_http_article_render_page_t *p)
{
    ngx_http_article_render_node_t   *arn;
    ngx_http_article_render_cache_t  *cache;

    cache = p->cache;
    arn = p->node;

    ngx_shmtx_lock(&cache->shpool->mutex);

    if (arn->counted) {
        cache->sh->files_size -= arn->page_len;
        arn->counted = 0;
    }

    arn->file_len = 0;

    if (!arn->removed) {
        ngx_http_article_render_cache_remove(cache, arn);
    }

    ngx_http_article_render_cache_unpin(cache, arn);

    p->node = NULL;
    p->hold = NGX_HTTP_AR_HOLD_NONE;

    ngx_http_article_render_cache_unlock(cache);
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


/*
 * The one write to the zone: a page, a failure, or the end of a mark or
 * a remake that came to nothing, at the page's key, as the rules allow.
 * A page kept in the zone is copied in with the zone unlocked, into a
 * node no one else sees yet.
 */

static ngx_int_t
ngx_http_article_render_cache_write(ngx_http_article_render_page_t *p,
    ngx_uint_t what, ngx_uint_t state, ar_limits_t *limits)
{
    ngx_int_t                         rc;
    ngx_http_article_render_node_t   *old, *arn;
    ngx_http_article_render_cache_t  *cache;

    cache = p->cache;
    arn = NULL;
    rc = NGX_DECLINED;

    ngx_shmtx_lock(&cache->shpool->mutex);

    ngx_http_article_render_cache_sweep(cache);

    old = ngx_http_article_render_cache_find(cache, &p->key);

    if (ngx_http_article_render_cache_rules(p, old) != NGX_OK) {
        goto done;
    }

    switch (what) {

    case NGX_HTTP_AR_WRITE_UNMARK:
        break;

    case NGX_HTTP_AR_WRITE_FAIL:

        if (p->remake) {
            /* the page remade stays, and is sent meanwhile */

            if (old) {
                old->deadline = ngx_current_msec + NGX_HTTP_AR_TIME_FAIL_MEMO;
                old->reserved = 0;
            }

            rc = NGX_DONE;
            break;
        }

        arn = ngx_http_article_render_cache_new(cache, p, 0);
        if (arn == NULL) {
            break;
        }

        arn->state = state;
        arn->timeout = limits->timeout_ms;
        arn->max_memory = limits->max_memory;
        arn->deadline = ngx_current_msec + NGX_HTTP_AR_TIME_FAIL_MEMO;

        /* room was made: the old node may be gone */
        old = ngx_http_article_render_cache_find(cache, &p->key);
        ngx_http_article_render_cache_insert(cache, old, arn);

        rc = NGX_OK;
        break;

    default: /* NGX_HTTP_AR_WRITE_PAGE */

        if ((size_t) p->body_len > cache->max_entry) {
            break;
        }

        if (p->file.len) {
            if (ngx_http_article_render_cache_files_room(cache, p->body_len)
                != NGX_OK)
            {
                break;
            }

            arn = ngx_http_article_render_cache_new(cache, p,
                                                    p->file.len + 1);
            if (arn == NULL) {
                break;
            }

            arn->page_len = p->body_len;
            arn->file_len = p->file.len;
            arn->file_version = p->file_version;
            arn->counted = 1;
            ngx_memcpy(arn->data + p->key.path.len, p->file.data,
                       p->file.len);
            arn->data[p->key.path.len + p->file.len] = '\0';

            cache->sh->files_size += p->body_len;

        } else {
            arn = ngx_http_article_render_cache_new(cache, p, p->body.len);
            if (arn == NULL) {
                break;
            }

            /* an owner that dies while copying leaves it to the sweep */

            arn->removed = 1;
            arn->filling = 1;
            arn->owner = ngx_http_article_render_self;
            arn->owner_start = ngx_http_article_render_start;
            ngx_queue_insert_tail(&cache->sh->limbo, &arn->queue);

            ngx_http_article_render_cache_unlock(cache);

            ngx_memcpy(arn->data + p->key.path.len, p->body.data,
                       p->body.len);

            ngx_shmtx_lock(&cache->shpool->mutex);

            ngx_queue_remove(&arn->queue);
            arn->removed = 0;
            arn->filling = 0;
            arn->owner = 0;

            /* the rules again: the key may have changed meanwhile */

            old = ngx_http_article_render_cache_find(cache, &p->key);

            if (ngx_http_article_render_cache_rules(p, old) != NGX_OK) {
                ngx_slab_free_locked(cache->shpool, arn);
                arn = NULL;
                break;
            }
        }

        arn->last_modified = p->last_modified;
        arn->made = p->made;
        arn->digest = p->digest;
        ngx_memcpy(arn->reps, p->reps, sizeof(p->reps));

        old = ngx_http_article_render_cache_find(cache, &p->key);
        ngx_http_article_render_cache_insert(cache, old, arn);

        rc = NGX_OK;
        break;
    }

    if (arn == NULL) {

        /* a mark or remake that came to nothing, if still this request's */

        old = ngx_http_article_render_cache_find(cache, &p->key);

        if (old && ngx_http_article_render_cache_rules(p, old) == NGX_OK) {

            if (p->remake) {
                if (rc != NGX_DONE) {
                    old->remaking = 0;
                    old->reserved = 0;
                }

            } else if (p->hold == NGX_HTTP_AR_HOLD_MARK) {
                ngx_http_article_render_cache_remove(cache, old);
            }
        }
    }

done:

    p->node = NULL;
    p->hold = NGX_HTTP_AR_HOLD_NONE;
    p->remake = 0;

    ngx_http_article_render_cache_unlock(cache);

    ngx_http_article_render_cache_wake(&p->key);

    return rc;
}


/*
 * The rules of the zone: whether what a request made may take the
 * place of the node its key has now (NULL: none).
 */

static ngx_int_t
ngx_http_article_render_cache_rules(ngx_http_article_render_page_t *p,
    ngx_http_article_render_node_t *old)
{
    if (old == NULL) {
        return NGX_OK;
    }

    if (p->remake) {
        /* a listing made again replaces the page while it remakes it */

        return (old->state == NGX_HTTP_AR_NODE_PAGE
                && old->remaking
                && old->owner == ngx_http_article_render_self)
               ? NGX_OK : NGX_DECLINED;
    }

    if (p->hold == NGX_HTTP_AR_HOLD_MARK) {
        /* its own mark of the version marked: a newer one stays */

        return (old->state == NGX_HTTP_AR_NODE_UPDATING
                && old->owner == ngx_http_article_render_self
                && ngx_memcmp(&old->version, &p->marked,
                              sizeof(ngx_http_article_render_version_t))
                   == 0)
               ? NGX_OK : NGX_DECLINED;
    }

    /* rendered without a mark: another's mark stays while it holds */

    return (old->state == NGX_HTTP_AR_NODE_UPDATING
            && !ngx_http_article_render_cache_gone(old))
           ? NGX_DECLINED : NGX_OK;
}


/* a node for the page's key and version, len bytes after the path */

static ngx_http_article_render_node_t *
ngx_http_article_render_cache_new(ngx_http_article_render_cache_t *cache,
    ngx_http_article_render_page_t *p, size_t len)
{
    ngx_http_article_render_node_t  *arn;

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

    return arn;
}


static void
ngx_http_article_render_cache_insert(ngx_http_article_render_cache_t *cache,
    ngx_http_article_render_node_t *old, ngx_http_article_render_node_t *arn)
{
    if (old) {
        ngx_http_article_render_cache_remove(cache, old);
    }

    /*
     * Pages in files have a queue of their own: their budget is made
     * room for from its tail, however many pages in the zone there are.
     */

    ngx_rbtree_insert(&cache->sh->rbtree, &arn->node);
    ngx_queue_insert_head(arn->file_len ? &cache->sh->files_lru
                                        : &cache->sh->lru,
                          &arn->queue);
}


/* a pin of this process: its holder record counts it */

static ngx_int_t
ngx_http_article_render_cache_pin(ngx_http_article_render_cache_t *cache,
    ngx_http_article_render_node_t *arn)
{
    ngx_http_article_render_holder_t  *h;

    for (h = &arn->holder; h; h = h->next) {
        if (h->count && h->pid == ngx_http_article_render_self) {
            goto found;
        }
    }

    h = ngx_http_article_render_cache_spare(arn);

    if (h == NULL) {

        /*
         * Only with every record taken are their processes asked whether
         * they run, a kill() each: a hit makes no system call under the
         * lock.  The records of processes gone are free again.
         */

        (void) ngx_http_article_render_cache_held(arn, 0);
        h = ngx_http_article_render_cache_spare(arn);
    }

    if (h != NULL) {
        goto found;
    }

    /* counted once more meanwhile, so that making room never takes it */

    arn->count++;

    h = ngx_http_article_render_cache_alloc(cache,
                                     sizeof(ngx_http_article_render_holder_t));
    arn->count--;

    if (h == NULL) {
        return NGX_ERROR;
    }

    h->count = 0;
    h->next = arn->holder.next;
    arn->holder.next = h;

found:

    h->pid = ngx_http_article_render_self;
    h->start = ngx_http_article_render_start;
    h->count++;
    arn->count++;

    return NGX_OK;
}


/* a holder record that counts nothing */

static ngx_http_article_render_holder_t *
ngx_http_article_render_cache_spare(ngx_http_article_render_node_t *arn)
{
    ngx_http_article_render_holder_t  *h;

    for (h = &arn->holder; h; h = h->next) {
        if (h->count == 0) {
            return h;
        }
    }

    return NULL;
}


static void
ngx_http_article_render_cache_unpin(ngx_http_article_render_cache_t *cache,
    ngx_http_article_render_node_t *arn)
{
    ngx_http_article_render_holder_t  *h;

    for (h = &arn->holder; h; h = h->next) {
        if (h->count && h->pid == ngx_http_article_render_self) {
            h->count--;
            arn->count--;
            break;
        }
    }

    if (arn->count == 0 && arn->removed) {
        ngx_http_article_render_cache_free(cache, arn);
    }
}


/*
 * The pins left once those of processes gone are let go; not exact, a
 * pid given again to another process is taken as its holder's, which
 * spares a pin the start times of the others.
 */

static ngx_uint_t
ngx_http_article_render_cache_held(ngx_http_article_render_node_t *arn,
    ngx_uint_t exact)
{
    ngx_http_article_render_holder_t  *h;

    for (h = &arn->holder; arn->count && h; h = h->next) {
        if (h->count
            && !ngx_http_article_render_cache_alive(h->pid,
                                                    exact ? h->start : 0))
        {
            arn->count -= h->count;
            h->count = 0;
        }
    }

    return arn->count;
}


/* a mark or a remake that holds no more: past its deadline, or orphaned */

static ngx_uint_t
ngx_http_article_render_cache_gone(ngx_http_article_render_node_t *arn)
{
    return (ngx_msec_int_t) (arn->deadline - ngx_current_msec) <= 0
           || !ngx_http_article_render_cache_alive(arn->owner,
                                                     arn->owner_start);
}


/*
 * Whether a process that holds something in the zone still runs.  A
 * worker killed holds nothing: its pid is then no one's (ESRCH), or,
 * given again to a process that started later, the start differs.
 */

static ngx_uint_t
ngx_http_article_render_cache_alive(ngx_pid_t pid, uint64_t start)
{
    uint64_t  now;

    if (pid == ngx_http_article_render_self) {
        return 1;
    }

    if (pid <= 0) {
        return 0;
    }

    if (kill(pid, 0) == -1 && ngx_errno == NGX_ESRCH) {
        return 0;
    }

    if (start == 0) {
        return 1;
    }

    now = ngx_http_article_render_cache_started(pid);

    return now == 0 || now == start;
}


/* takes a node off the tree; one still held waits in limbo */

static void
ngx_http_article_render_cache_remove(ngx_http_article_render_cache_t *cache,
    ngx_http_article_render_node_t *arn)
{
    ngx_rbtree_delete(&cache->sh->rbtree, &arn->node);
    ngx_queue_remove(&arn->queue);

    /* the file a dead owner of a mark or remake may have written */

    if (arn->reserved && !ngx_http_article_render_cache_alive(arn->owner,
                                                     arn->owner_start)) {
        ngx_http_article_render_cache_doom(cache, NULL, arn->file_seq);
    }

    arn->reserved = 0;
    arn->removed = 1;
    ngx_queue_insert_tail(&cache->sh->limbo, &arn->queue);

    if (ngx_http_article_render_cache_held(arn, 1) == 0) {
        ngx_http_article_render_cache_free(cache, arn);
    }
}


/*
 * Frees a node off the tree that no one holds.  One with a page file
 * waits until the file is deleted, after the zone is unlocked; a
 * response that opened it reads on.
 */

static void
ngx_http_article_render_cache_free(ngx_http_article_render_cache_t *cache,
    ngx_http_article_render_node_t *arn)
{
    ngx_http_article_render_holder_t  *h, *next;

    if (arn->file_len) {
        ngx_http_article_render_cache_doom(cache, arn, 0);
        return;
    }

    ngx_queue_remove(&arn->queue);

    for (h = arn->holder.next; h; h = next) {
        next = h->next;
        ngx_slab_free_locked(cache->shpool, h);
    }

    ngx_slab_free_locked(cache->shpool, arn);
}


/*
 * Puts a node's file (or, with no node, the file numbered seq) on this
 * process's list of files to delete after the unlock.  A list that is
 * full leaves a node's file to the sweep of any process.
 */

static void
ngx_http_article_render_cache_doom(ngx_http_article_render_cache_t *cache,
    ngx_http_article_render_node_t *arn, ngx_uint_t seq)
{
    ngx_http_article_render_doomed_t  *d;

    d = NULL;

    if (ngx_http_article_render_ndoomed < NGX_HTTP_AR_DOOMED_MAX) {
        d = &ngx_http_article_render_doomed[ngx_http_article_render_ndoomed++];
        d->node = arn;
        d->seq = seq;
        d->err = 0;
    }

    if (arn == NULL) {
        return;
    }

    arn->doomed = 1;
    arn->owner = d ? ngx_http_article_render_self : 0;
    arn->owner_start = ngx_http_article_render_start;
    arn->deadline = ngx_current_msec;

    if (arn->counted) {
        cache->sh->files_size -= arn->page_len;
        arn->counted = 0;
    }
}


/*
 * Looks at a few nodes off the tree, in turn: what processes gone held
 * is let go, and a file no one is deleting any more is deleted here.
 */

static void
ngx_http_article_render_cache_sweep(ngx_http_article_render_cache_t *cache)
{
    ngx_uint_t                       n;
    ngx_queue_t                     *q;
    ngx_http_article_render_node_t  *arn;

    for (n = 0; n < NGX_HTTP_AR_SWEEP; n++) {

        if (ngx_queue_empty(&cache->sh->limbo)) {
            return;
        }

        q = ngx_queue_head(&cache->sh->limbo);
        ngx_queue_remove(q);
        ngx_queue_insert_tail(&cache->sh->limbo, q);

        arn = ngx_queue_data(q, ngx_http_article_render_node_t, queue);

        if (arn->doomed) {
            if (arn->owner == 0
                ? (ngx_msec_int_t) (arn->deadline - ngx_current_msec) <= 0
                : !ngx_http_article_render_cache_alive(arn->owner,
                                                     arn->owner_start))
            {
                ngx_http_article_render_cache_doom(cache, arn, 0);
            }

            continue;
        }

        if (arn->filling) {
            if (!ngx_http_article_render_cache_alive(arn->owner,
                                                     arn->owner_start)) {
                ngx_queue_remove(q);
                ngx_slab_free_locked(cache->shpool, arn);
            }

            continue;
        }

        if (ngx_http_article_render_cache_held(arn, 1) == 0) {
            ngx_http_article_render_cache_free(cache, arn);
        }
    }
}


/*
 * Allocates in the zone; when it is full, evicts from the tail of the
 * LRU queue, a few nodes at most, as limit_req and the file cache do.
 * A node held is passed over and moved to the head: it is in use.
 */

static void *
ngx_http_article_render_cache_alloc(ngx_http_article_render_cache_t *cache,
    size_t size)
{
    void                            *p;
    ngx_uint_t                       n;
    ngx_queue_t                     *q;
    ngx_http_article_render_node_t  *arn;

    for (n = 0; /* void */; n++) {

        p = ngx_slab_alloc_locked(cache->shpool, size);

        if (p || n == NGX_HTTP_AR_EVICT_TRIES) {
            return p;
        }

        if (ngx_queue_empty(&cache->sh->lru)) {
            return NULL;
        }

        q = ngx_queue_last(&cache->sh->lru);
        arn = ngx_queue_data(q, ngx_http_article_render_node_t, queue);

        if (ngx_http_article_render_cache_held(arn, 1)
            || (arn->state == NGX_HTTP_AR_NODE_UPDATING
                && !ngx_http_article_render_cache_gone(arn)))
        {
            ngx_queue_remove(q);
            ngx_queue_insert_head(&cache->sh->lru, q);
            continue;
        }

        ngx_http_article_render_cache_remove(cache, arn);
    }
}


/* makes room for a page file within the files' budget, as above */

static ngx_int_t
ngx_http_article_render_cache_files_room(
    ngx_http_article_render_cache_t *cache, size_t size)
{
    ngx_uint_t                       n;
    ngx_queue_t                     *q;
    ngx_http_article_render_node_t  *arn;

    for (n = 0;
         cache->sh->files_size + (off_t) size > cache->files_max
         && n < NGX_HTTP_AR_EVICT_TRIES
         && !ngx_queue_empty(&cache->sh->files_lru);
         n++)
    {
        q = ngx_queue_last(&cache->sh->files_lru);
        arn = ngx_queue_data(q, ngx_http_article_render_node_t, queue);

        if (ngx_http_article_render_cache_held(arn, 1)) {
            ngx_queue_remove(q);
            ngx_queue_insert_head(&cache->sh->files_lru, q);
            continue;
        }

        ngx_http_article_render_cache_remove(cache, arn);
    }

    return (cache->sh->files_size + (off_t) size <= cache->files_max)
           ? NGX_OK : NGX_DECLINED;
}


/*
 * Unlocks the zone, then deletes the page files its nodes left, and
 * frees those nodes; a file that cannot be deleted keeps its node, to
 * be tried again.
 */

static void
ngx_http_article_render_cache_unlock(ngx_http_article_render_cache_t *cache)
{
    u_char                            *name, buf[NGX_MAX_PATH];
    ngx_str_t                          article;
    ngx_uint_t                         i, n, nodes;
    ngx_http_article_render_node_t    *arn;
    ngx_http_article_render_doomed_t  *d;

    ngx_shmtx_unlock(&cache->shpool->mutex);

    if (cache->sh->orphans && cache->sh->orphans->next) {
        ngx_http_article_render_cache_orphans(cache);
    }

    n = ngx_http_article_render_ndoomed;
    ngx_http_article_render_ndoomed = 0;

    nodes = 0;

    for (i = 0; i < n; i++) {
        d = &ngx_http_article_render_doomed[i];
        arn = d->node;

        if (arn) {
            nodes++;
            name = arn->data + arn->path_len;
            article.data = arn->data;
            article.len = arn->path_len;

        } else {
            if (cache->path == NULL
                || cache->path->name.len + 12 > NGX_MAX_PATH)
            {
                continue;
            }

            name = buf;
            ngx_sprintf(buf, "%V/%010uD%Z", &cache->path->name,
                        (uint32_t) (d->seq % 4294967296ULL));
            ngx_str_set(&article, "(a render that did not end)");
        }

        if (ngx_delete_file(name) != NGX_FILE_ERROR) {
            ngx_http_article_render_cache_fault_end(cache,
                                                    NGX_HTTP_AR_FAULT_DELETE);

        } else if (ngx_errno != NGX_ENOENT) {
            d->err = ngx_errno;
            ngx_http_article_render_cache_fault(cache,
                                                NGX_HTTP_AR_FAULT_DELETE,
                                                ngx_cycle->log, d->err,
                                                ngx_delete_file_n, name,
                                                &article);
        }
    }

    if (nodes == 0) {
        return;
    }

    ngx_shmtx_lock(&cache->shpool->mutex);

    for (i = 0; i < n; i++) {
        d = &ngx_http_article_render_doomed[i];
        arn = d->node;

        if (arn == NULL) {
            continue;
        }

        if (d->err) {
            /* the file stays, so does its node, counted, and is retried */
            arn->owner = 0;
            arn->deadline = ngx_current_msec + NGX_HTTP_AR_DELETE_RETRY;
            arn->counted = 1;
            cache->sh->files_size += arn->page_len;
            continue;
        }

        arn->file_len = 0;
        ngx_http_article_render_cache_free(cache, arn);
    }

    ngx_shmtx_unlock(&cache->shpool->mutex);
}


/*
 * The files of zones a reload left, once every process that ran at the
 * reload has exited: looked at by one worker a second at most.
 */

static void
ngx_http_article_render_cache_orphans(ngx_http_article_render_cache_t *cache)
{
    uint64_t                            start;
    ngx_uint_t                          i;
    ngx_msec_t                          next;
    ngx_http_article_render_proc_t     *proc;
    ngx_http_article_render_orphans_t  *o;

    o = cache->sh->orphans;
    next = o->next;

    if (next == 0
        || (next != 1 && (ngx_msec_int_t) (next - ngx_current_msec) > 0)
        || !ngx_atomic_cmp_set(&o->next, next,
                               (ngx_current_msec + NGX_HTTP_AR_ORPHANS_EVERY)
                               | 2))
    {
        return;
    }

    for (i = 0; i < o->nprocs; i++) {
        proc = &o->procs[i];

        if (kill(proc->pid, 0) == -1 && ngx_errno == NGX_ESRCH) {
            continue;
        }

        /* the pid may be another process's by now */

        start = ngx_http_article_render_cache_started(proc->pid);

        if (proc->start == 0 || start == 0 || start == proc->start) {
            return;
        }
    }

    if (ngx_http_article_render_cache_scan(cache, 1) == NGX_OK) {
        o->next = 0;
    }
}


/*
 * Deletes the page files in the path that no node of the zone names:
 * the numbers read from the directory first, then those the nodes name
 * (their files, and the files their marks and remakes may write) are
 * crossed out under the lock (none at the master's exit: no worker is
 * left).
 */

static ngx_int_t
ngx_http_article_render_cache_scan(ngx_http_article_render_cache_t *cache,
    ngx_uint_t lock)
{
    u_char                          *own, *name;
    uint32_t                        *seqs, seq, *found;
    ngx_int_t                        rc, n;
    ngx_str_t                        file, article;
    ngx_uint_t                       i, l;
    ngx_pool_t                      *pool;
    ngx_array_t                      list;
    ngx_queue_t                     *q, *lists[3];
    ngx_http_article_render_node_t  *arn;

    pool = ngx_create_pool(NGX_DEFAULT_POOL_SIZE, ngx_cycle->log);
    if (pool == NULL) {
        return NGX_ERROR;
    }

    rc = NGX_ERROR;

    if (ngx_array_init(&list, pool, 64, sizeof(uint32_t)) != NGX_OK
        || ngx_http_article_render_file_list(cache->path, ngx_cycle->log,
                                             &list)
           != NGX_OK)
    {
        goto done;
    }

    seqs = list.elts;

    ngx_qsort(seqs, list.nelts, sizeof(uint32_t),
              ngx_http_article_render_cache_seq_cmp);

    own = ngx_pcalloc(pool, list.nelts + 1);
    if (own == NULL) {
        goto done;
    }

    lists[0] = &cache->sh->lru;
    lists[1] = &cache->sh->files_lru;
    lists[2] = &cache->sh->limbo;

    if (lock) {
        ngx_shmtx_lock(&cache->shpool->mutex);
    }

    for (l = 0; l < 3; l++) {
        for (q = ngx_queue_head(lists[l]);
             q != ngx_queue_sentinel(lists[l]);
             q = ngx_queue_next(q))
        {
            arn = ngx_queue_data(q, ngx_http_article_render_node_t, queue);

            for (i = 0; i < 2; i++) {
                if (i == 0 && arn->file_len > 10) {
                    name = arn->data + arn->path_len + arn->file_len - 10;
                    n = ngx_atoi(name, 10);

                    if (n == NGX_ERROR) {
                        continue;
                    }

                    seq = (uint32_t) n;

                } else if (i == 1 && arn->reserved) {
                    seq = (uint32_t) (arn->file_seq % 4294967296ULL);

                } else {
                    continue;
                }

                found = bsearch(&seq, seqs, list.nelts, sizeof(uint32_t),
                                ngx_http_article_render_cache_seq_cmp);
                if (found) {
                    own[found - seqs] = 1;
                }
            }
        }
    }

    if (lock) {
        ngx_shmtx_unlock(&cache->shpool->mutex);
    }

    rc = NGX_OK;
    ngx_str_set(&article, "(of a zone a reload left)");

    for (i = 0; i < list.nelts; i++) {
        if (own[i]
            || ngx_http_article_render_file_name(pool, cache->path, seqs[i],
                                                 &file)
               != NGX_OK)
        {
            continue;
        }

        if (ngx_delete_file(file.data) == NGX_FILE_ERROR
            && ngx_errno != NGX_ENOENT)
        {
            ngx_http_article_render_cache_fault(cache,
                                                NGX_HTTP_AR_FAULT_DELETE,
                                                ngx_cycle->log, ngx_errno,
                                                ngx_delete_file_n, file.data,
                                                &article);
            rc = NGX_AGAIN;
        }
    }

done:

    ngx_destroy_pool(pool);

    return rc;
}


static int ngx_libc_cdecl
ngx_http_article_render_cache_seq_cmp(const void *one, const void *two)
{
    uint32_t  a, b;

    a = *(const uint32_t *) one;
    b = *(const uint32_t *) two;

    return (a < b) ? -1 : (a > b);
}


/*
 * A page file fault: the first of an episode is logged at "crit", the
 * others at most once a minute, each naming the article and directory.
 */

void
ngx_http_article_render_cache_fault(ngx_http_article_render_cache_t *cache,
    ngx_uint_t kind, ngx_log_t *log, ngx_err_t err, const char *failed,
    u_char *file, ngx_str_t *article)
{
    ngx_str_t          *dir;
    ngx_uint_t          level;
    ngx_msec_t          now;
    ngx_atomic_uint_t   last, more;

    static ngx_str_t    none = ngx_string("(none)");

    static const char  *what[] = {
        "the page is not kept in a file",
        "the file is kept and deleted later"
    };

    now = ngx_current_msec | 1;
    last = cache->sh->fault[kind];

    if (last == 0 && ngx_atomic_cmp_set(&cache->sh->fault[kind], 0, now)) {
        level = NGX_LOG_CRIT;

    } else if (last
               && (ngx_msec_int_t) (now - last) >= NGX_HTTP_AR_FAULT_EVERY
               && ngx_atomic_cmp_set(&cache->sh->fault[kind], last, now))
    {
        level = NGX_LOG_ERR;

    } else {
        (void) ngx_atomic_fetch_add(&cache->sh->faults[kind], 1);
        return;
    }

    more = cache->sh->faults[kind];
    cache->sh->faults[kind] = 0;

    /* a zone kept over a reload may have lost its path */
    dir = cache->path ? &cache->path->name : &none;

    if (more == 0) {
        ngx_log_error(level, log, err,
                      "%s \"%s\" failed, article \"%V\", directory \"%V\":"
                      " %s", failed, file, article, dir, what[kind]);
        return;
    }

    ngx_log_error(level, log, err,
                  "%s \"%s\" failed, article \"%V\", directory \"%V\": %s,"
                  " %uA more faults since the last line",
                  failed, file, article, dir, what[kind], more);
}


/* a page file written or deleted: the episode of its kind ends */

void
ngx_http_article_render_cache_fault_end(
    ngx_http_article_render_cache_t *cache, ngx_uint_t kind)
{
    ngx_atomic_uint_t  last, more;

    last = cache->sh->fault[kind];

    if (last == 0
        || cache->path == NULL
        || !ngx_atomic_cmp_set(&cache->sh->fault[kind], last, 0))
    {
        return;
    }

    /* the faults not logged are the ended episode's, not the next one's */

    more = cache->sh->faults[kind];
    cache->sh->faults[kind] = 0;

    ngx_log_error(NGX_LOG_NOTICE, ngx_cycle->log, 0,
                  "page files in \"%V\" are %s again, "
                  "%uA faults since the last line",
                  &cache->path->name,
                  kind == NGX_HTTP_AR_FAULT_WRITE ? "written" : "deleted",
                  more);
}


/*
 * The master's exit (a stop, a quit, the old master of a binary
 * upgrade): no worker is left, and the zone's page files go with it.
 */

void
ngx_http_article_render_cache_exit(ngx_cycle_t *cycle)
{
    ngx_http_article_render_cache_each(cycle,
                                       ngx_http_article_render_cache_exit_zone);
}


static void
ngx_http_article_render_cache_exit_zone(ngx_cycle_t *cycle,
    ngx_http_article_render_cache_t *cache)
{
    u_char                           buf[NGX_MAX_PATH];
    ngx_uint_t                       l;
    ngx_queue_t                     *q, *list[3];
    ngx_http_article_render_node_t  *arn;

    if (cache->path == NULL || cache->path->name.len + 12 > NGX_MAX_PATH) {
        return;
    }

    /*
     * The files of zones a reload left, not deleted yet: not after a
     * binary upgrade, whose new nginx may have written its own since.
     */

    if (cache->sh->orphans && cache->sh->orphans->next
        && ngx_new_binary == 0)
    {
        (void) ngx_http_article_render_cache_scan(cache, 0);
    }

    /* no lock: a worker killed holding it would hold it for ever */

    list[0] = &cache->sh->lru;
    list[1] = &cache->sh->files_lru;
    list[2] = &cache->sh->limbo;

    for (l = 0; l < 3; l++) {
        for (q = ngx_queue_head(list[l]);
             q != ngx_queue_sentinel(list[l]);
             q = ngx_queue_next(q))
        {
            arn = ngx_queue_data(q, ngx_http_article_render_node_t, queue);

            if (arn->file_len) {
                ngx_http_article_render_file_delete(arn->data + arn->path_len,
                                                    cycle->log);
            }

            if (arn->reserved) {
                ngx_sprintf(buf, "%V/%010uD%Z", &cache->path->name,
                            (uint32_t) (arn->file_seq % 4294967296ULL));
                ngx_http_article_render_file_delete(buf, cycle->log);
            }
        }
    }
}
