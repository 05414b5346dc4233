/*
 * What a listing reads of each article: its title, dates, description,
 * author and draft flag, from the first AR_LISTING_READ bytes of the
 * file; and the process's store of it, by path and file identity (device,
 * inode, size and modification time to the nanosecond), bounded and
 * evicted least recently used, shared by the threads under a mutex.
 * Beside it, the scans of a few directories, so that listings of one
 * directory made within a moment of each other read it once.
 */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <cmark-gfm.h>

#include "ar_arena.h"
#include "ar_block.h"
#include "ar_emoji.h"
#include "ar_math_syntax.h"
#include "ar_frontmatter.h"
#include "ar_listing_store.h"
#include "ar_sanitize.h"


/* the most read of an article; the first try parses a smaller part */
#define AR_LISTING_READ      (64 * 1024)
#define AR_LISTING_FIRST     4096

#define AR_LISTING_BUCKETS   (AR_LISTING_STORE_MAX * 2)

#define AR_LISTING_DESC_MAX  200
#define AR_LISTING_DESC_MIN  120

/* the longest title kept, in bytes: a store entry stays small */
#define AR_LISTING_TITLE_MAX  1024

/* the scans kept, and the most bytes they hold */
#define AR_LISTING_SCANS      32
#define AR_LISTING_SCANS_MAX  (16 * 1024 * 1024)


typedef struct ar_listing_entry_s  ar_listing_entry_t;

struct ar_listing_entry_s {
    ar_listing_entry_t   *hnext;
    ar_listing_entry_t   *prev;       /* the LRU list, newest first */
    ar_listing_entry_t   *next;
    uint64_t              hash;
    ar_listing_id_t       id;
    unsigned              block;      /* as read: see ar_listing_conf_t */
    char                 *path;
    size_t                path_len;
    char                 *strings;    /* the metadata's text */
    ar_listing_meta_t     meta;
};


typedef struct {
    ar_listing_entry_t  **buckets;
    ar_listing_entry_t   *head;
    ar_listing_entry_t   *tail;
    size_t                n;
    size_t                max;
    size_t                reads;
} ar_listing_store_t;


static int ar_listing_read(const char *path, unsigned block,
    unsigned nofollow, ar_listing_id_t *id, ar_listing_meta_t *meta,
    ar_buf_t *strings);
static cmark_node *ar_listing_document(const char *src, size_t len,
    int math);
static int ar_listing_markdown(const char *src, size_t len, int math,
    int title, int desc, unsigned emoji, ar_listing_meta_t *meta,
    ar_buf_t *strings);
static int ar_listing_plain(cmark_node *node, ar_buf_t *b);
static void ar_listing_cut_title(ar_listing_meta_t *meta, ar_buf_t *strings);
static int ar_listing_meta_text(const ar_meta_t *fm, const char *key,
    ar_buf_t *b);
static int ar_listing_describe(ar_buf_t *b, const char *p, size_t n);
static uint64_t ar_listing_hash(const char *p, size_t n);
static void ar_listing_unlink(ar_listing_entry_t *e);
static void ar_listing_remove(ar_listing_entry_t *e);


typedef struct {
    char                 *key;        /* NULL: a free slot */
    size_t                key_len;
    uint64_t              used;       /* when last taken, in finds */
    size_t                size;
    ar_listing_scan_t     scan;
} ar_listing_kept_t;


static void *ar_listing_copy(const void *p, size_t len, int own);
static void ar_listing_kept_free(ar_listing_kept_t *k);


static pthread_mutex_t     ar_listing_mutex = PTHREAD_MUTEX_INITIALIZER;
static ar_listing_store_t  ar_listing_store = { NULL, NULL, NULL, 0,
                                                AR_LISTING_STORE_MAX, 0 };
static ar_listing_kept_t   ar_listing_kept[AR_LISTING_SCANS];
static size_t              ar_listing_kept_size;
static uint64_t            ar_listing_finds;
static size_t              ar_listing_scans;


/*
 * Gives the article's metadata, from the store when the file is as it
 * was, else read afresh and stored; its strings are appended to
 * "strings" from *base on.  AR_LISTING_SKIP when the file is not a
 * regular file or cannot be read.
 */

int
ar_listing_meta(const char *path, size_t path_len, const ar_listing_id_t *id,
    unsigned block, unsigned nofollow, ar_listing_meta_t *meta,
    ar_buf_t *strings, size_t *base)
{
    int                  rc;
    char                *p;
    size_t               len;
    uint64_t             hash;
    ar_buf_t             tmp;
    ar_listing_id_t      rid;
    ar_listing_meta_t    m;
    ar_listing_entry_t  *e, **slot;

    hash = ar_listing_hash(path, path_len);

    pthread_mutex_lock(&ar_listing_mutex);

    e = NULL;

    if (ar_listing_store.buckets != NULL) {
        for (e = ar_listing_store.buckets[hash % AR_LISTING_BUCKETS];
             e != NULL;
             e = e->hnext)
        {
            if (e->hash == hash && e->path_len == path_len
                && memcmp(e->path, path, path_len) == 0)
            {
                break;
            }
        }
    }

    if (e != NULL && e->block == block
        && e->id.ino == id->ino && e->id.dev == id->dev
        && e->id.size == id->size && e->id.mtime == id->mtime
        && e->id.mtime_ns == id->mtime_ns)
    {
        ar_listing_unlink(e);

        e->next = ar_listing_store.head;
        e->prev = NULL;

        if (e->next) {
            e->next->prev = e;

        } else {
            ar_listing_store.tail = e;
        }

        ar_listing_store.head = e;

        *base = strings->len;
        *meta = e->meta;

        rc = ar_buf_append(strings, e->strings, e->meta.len);

        pthread_mutex_unlock(&ar_listing_mutex);

        return rc;
    }

    ar_listing_store.reads++;

    pthread_mutex_unlock(&ar_listing_mutex);

    memset(&tmp, 0, sizeof(ar_buf_t));
    memset(&m, 0, sizeof(ar_listing_meta_t));

    rc = ar_listing_read(path, block, nofollow, &rid, &m, &tmp);

    if (rc != AR_OK) {
        ar_buf_free(&tmp);
        return rc;
    }

    m.len = tmp.len;

    *base = strings->len;

    if (ar_buf_append(strings, tmp.data, tmp.len) != AR_OK) {
        ar_buf_free(&tmp);
        return AR_ERROR;
    }

    *meta = m;

    /* stored under the identity of the file as read */

    len = sizeof(ar_listing_entry_t) + path_len + 1 + tmp.len;

    pthread_mutex_lock(&ar_listing_mutex);

    if (ar_listing_store.buckets == NULL) {
        ar_listing_store.buckets = calloc(AR_LISTING_BUCKETS,
                                          sizeof(ar_listing_entry_t *));
    }

    e = (ar_listing_store.buckets != NULL) ? malloc(len) : NULL;

    if (e == NULL) {
        pthread_mutex_unlock(&ar_listing_mutex);
        ar_buf_free(&tmp);
        return AR_OK;
    }

    slot = &ar_listing_store.buckets[hash % AR_LISTING_BUCKETS];

    while (*slot != NULL) {
        if ((*slot)->hash == hash && (*slot)->path_len == path_len
            && memcmp((*slot)->path, path, path_len) == 0)
        {
            ar_listing_remove(*slot);
            continue;
        }

        slot = &(*slot)->hnext;
    }

    p = (char *) (e + 1);

    e->hash = hash;
    e->id = rid;
    e->block = block;
    e->path = p;
    e->path_len = path_len;
    memcpy(p, path, path_len);
    p[path_len] = '\0';
    p += path_len + 1;

    if (tmp.len) {
        memcpy(p, tmp.data, tmp.len);
    }

    e->meta = m;
    e->strings = p;

    e->hnext = ar_listing_store.buckets[hash % AR_LISTING_BUCKETS];
    ar_listing_store.buckets[hash % AR_LISTING_BUCKETS] = e;

    e->prev = NULL;
    e->next = ar_listing_store.head;

    if (e->next) {
        e->next->prev = e;

    } else {
        ar_listing_store.tail = e;
    }

    ar_listing_store.head = e;
    ar_listing_store.n++;

    while (ar_listing_store.n > ar_listing_store.max) {
        ar_listing_remove(ar_listing_store.tail);
    }

    pthread_mutex_unlock(&ar_listing_mutex);

    ar_buf_free(&tmp);

    return AR_OK;
}


/* takes the entry out of its bucket, the LRU list and the store */

static void
ar_listing_remove(ar_listing_entry_t *e)
{
    ar_listing_entry_t  **slot;

    slot = &ar_listing_store.buckets[e->hash % AR_LISTING_BUCKETS];

    while (*slot != e) {
        slot = &(*slot)->hnext;
    }

    *slot = e->hnext;

    ar_listing_unlink(e);
    ar_listing_store.n--;

    free(e);
}


static void
ar_listing_unlink(ar_listing_entry_t *e)
{
    if (e->prev) {
        e->prev->next = e->next;

    } else {
        ar_listing_store.head = e->next;
    }

    if (e->next) {
        e->next->prev = e->prev;

    } else {
        ar_listing_store.tail = e->prev;
    }
}


static uint64_t
ar_listing_hash(const char *p, size_t n)
{
    size_t    i;
    uint64_t  h;

    h = 0xcbf29ce484222325ULL;

    for (i = 0; i < n; i++) {
        h ^= (unsigned char) p[i];
        h *= 0x100000001b3ULL;
    }

    return h;
}


/* the articles read, not taken from the store, since the process began */

size_t
ar_listing_store_reads(void)
{
    size_t  n;

    pthread_mutex_lock(&ar_listing_mutex);
    n = ar_listing_store.reads;
    pthread_mutex_unlock(&ar_listing_mutex);

    return n;
}


size_t
ar_listing_store_size(void)
{
    size_t  n;

    pthread_mutex_lock(&ar_listing_mutex);
    n = ar_listing_store.n;
    pthread_mutex_unlock(&ar_listing_mutex);

    return n;
}


size_t
ar_listing_store_scans(void)
{
    size_t  n;

    pthread_mutex_lock(&ar_listing_mutex);
    n = ar_listing_scans;
    pthread_mutex_unlock(&ar_listing_mutex);

    return n;
}


/* empties the store; a smaller bound, for tests, when max is not 0 */

void
ar_listing_store_reset(size_t max)
{
    size_t  i;

    pthread_mutex_lock(&ar_listing_mutex);

    for (i = 0; i < AR_LISTING_SCANS; i++) {
        ar_listing_kept_free(&ar_listing_kept[i]);
    }

    while (ar_listing_store.tail != NULL) {
        ar_listing_remove(ar_listing_store.tail);
    }

    free(ar_listing_store.buckets);
    ar_listing_store.buckets = NULL;
    ar_listing_store.max = max ? max : AR_LISTING_STORE_MAX;

    pthread_mutex_unlock(&ar_listing_mutex);
}


/*
 * A copy of the scan kept under the key, of the directory as it is now,
 * begun at "since" or later: AR_OK; else AR_ERROR, and the caller
 * scans (which is counted).  The copy is the caller's to free.
 */

int
ar_listing_scan_find(const char *key, size_t key_len,
    const ar_listing_id_t *id, int64_t since, ar_listing_scan_t *scan)
{
    int                 rc;
    size_t              i;
    ar_listing_kept_t  *k;

    memset(scan, 0, sizeof(ar_listing_scan_t));

    pthread_mutex_lock(&ar_listing_mutex);

    rc = AR_ERROR;

    for (i = 0; i < AR_LISTING_SCANS; i++) {
        k = &ar_listing_kept[i];

        if (k->key == NULL || k->key_len != key_len
            || memcmp(k->key, key, key_len) != 0)
        {
            continue;
        }

        if (k->scan.taken < since
            || memcmp(&k->scan.id, id, sizeof(ar_listing_id_t)) != 0)
        {
            break;
        }

        *scan = k->scan;

        scan->items = ar_listing_copy(k->scan.items, k->scan.items_len, 0);
        scan->dirs = ar_listing_copy(k->scan.dirs, k->scan.dirs_len, 0);
        scan->strings = ar_listing_copy(k->scan.strings,
                                        k->scan.strings_len, 0);

        if ((k->scan.items_len && scan->items == NULL)
            || (k->scan.dirs_len && scan->dirs == NULL)
            || (k->scan.strings_len && scan->strings == NULL))
        {
            ar_listing_scan_free(scan);
            break;
        }

        k->used = ++ar_listing_finds;
        rc = AR_OK;
        break;
    }

    if (rc != AR_OK) {
        ar_listing_scans++;
    }

    pthread_mutex_unlock(&ar_listing_mutex);

    return rc;
}


/* keeps a copy of a scan, in place of the one of its key or the oldest */

void
ar_listing_scan_keep(const char *key, size_t key_len,
    const ar_listing_scan_t *scan)
{
    size_t              i, size;
    ar_listing_kept_t  *k, *slot;

    size = key_len + scan->items_len + scan->dirs_len + scan->strings_len;

    if (size > AR_LISTING_SCANS_MAX / 4) {
        return;
    }

    pthread_mutex_lock(&ar_listing_mutex);

    slot = NULL;

    for (i = 0; i < AR_LISTING_SCANS; i++) {
        k = &ar_listing_kept[i];

        if (k->key != NULL && k->key_len == key_len
            && memcmp(k->key, key, key_len) == 0)
        {
            if (k->scan.taken > scan->taken) {
                /* a newer one landed meanwhile */
                pthread_mutex_unlock(&ar_listing_mutex);
                return;
            }

            ar_listing_kept_free(k);
            slot = k;
            break;
        }

        if (slot == NULL || k->key == NULL
            || (slot->key != NULL && k->used < slot->used))
        {
            slot = k;
        }
    }

    ar_listing_kept_free(slot);

    /* the least recently taken go until the copy fits */

    while (ar_listing_kept_size + size > AR_LISTING_SCANS_MAX) {
        k = NULL;

        for (i = 0; i < AR_LISTING_SCANS; i++) {
            if (ar_listing_kept[i].key != NULL
                && (k == NULL || ar_listing_kept[i].used < k->used))
            {
                k = &ar_listing_kept[i];
            }
        }

        ar_listing_kept_free(k);
    }

    slot->scan = *scan;
    slot->key = ar_listing_copy(key, key_len, 1);
    slot->scan.items = ar_listing_copy(scan->items, scan->items_len, 1);
    slot->scan.dirs = ar_listing_copy(scan->dirs, scan->dirs_len, 1);
    slot->scan.strings = ar_listing_copy(scan->strings, scan->strings_len,
                                         1);

    if (slot->key == NULL
        || (scan->items_len && slot->scan.items == NULL)
        || (scan->dirs_len && slot->scan.dirs == NULL)
        || (scan->strings_len && slot->scan.strings == NULL))
    {
        ar_listing_kept_free(slot);

    } else {
        slot->key_len = key_len;
        slot->size = size;
        slot->used = ++ar_listing_finds;
        ar_listing_kept_size += size;
    }

    pthread_mutex_unlock(&ar_listing_mutex);
}


void
ar_listing_scan_free(ar_listing_scan_t *scan)
{
    ar_mem_free(scan->items);
    ar_mem_free(scan->dirs);
    ar_mem_free(scan->strings);

    memset(scan, 0, sizeof(ar_listing_scan_t));
}


/* milliseconds of CLOCK_MONOTONIC, the scans' time */

int64_t
ar_listing_scan_now(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}


/* a copy: the store's own with malloc(3), a caller's as it frees it */

static void *
ar_listing_copy(const void *p, size_t len, int own)
{
    void  *c;

    if (len == 0) {
        return NULL;
    }

    c = own ? malloc(len) : ar_mem_realloc(NULL, len);

    if (c != NULL) {
        memcpy(c, p, len);
    }

    return c;
}


static void
ar_listing_kept_free(ar_listing_kept_t *k)
{
    if (k == NULL || k->key == NULL) {
        return;
    }

    free(k->key);
    free(k->scan.items);
    free(k->scan.dirs);
    free(k->scan.strings);

    ar_listing_kept_size -= k->size;

    memset(k, 0, sizeof(ar_listing_kept_t));
}


int
ar_listing_stat_id(const struct stat *st, ar_listing_id_t *id)
{
    memset(id, 0, sizeof(ar_listing_id_t));

    id->dev = (uint64_t) st->st_dev;
    id->ino = (uint64_t) st->st_ino;
    id->size = (int64_t) st->st_size;
    id->mtime = (int64_t) st->st_mtime;
#if (NGX_HAVE_ST_MTIM || defined __linux__)
    id->mtime_ns = (long) st->st_mtim.tv_nsec;
#endif

    return S_ISREG(st->st_mode) ? AR_OK : AR_LISTING_SKIP;
}


static int
ar_listing_read(const char *path, unsigned block, unsigned nofollow,
    ar_listing_id_t *id, ar_listing_meta_t *meta, ar_buf_t *strings)
{
    int          fd, rc, err;
    char        *buf;
    size_t       len;
    ssize_t      n;
    struct stat  st;

    n = 0;

    fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC
                    | (nofollow ? O_NOFOLLOW : 0));
    if (fd == -1) {
        return AR_LISTING_SKIP;
    }

    if (fstat(fd, &st) == -1 || ar_listing_stat_id(&st, id) != AR_OK) {
        close(fd);
        return AR_LISTING_SKIP;
    }

    buf = malloc(AR_LISTING_READ);
    if (buf == NULL) {
        close(fd);
        return AR_ERROR;
    }

    len = 0;

    while (len < AR_LISTING_READ) {
        n = read(fd, buf + len, AR_LISTING_READ - len);

        if (n == -1 && errno == EINTR) {
            continue;
        }

        if (n <= 0) {
            break;
        }

        len += n;
    }

    err = (n == -1);

    close(fd);

    if (err) {
        free(buf);
        return AR_LISTING_SKIP;
    }

    meta->date = (int64_t) st.st_mtime;
    meta->date_time = 1;
    meta->mtime = (int64_t) st.st_mtime;

    rc = ar_listing_parse(buf, len, block, meta, strings);

    free(buf);

    return rc;
}


int
ar_listing_parse(const char *src, size_t len, unsigned block,
    ar_listing_meta_t *meta, ar_buf_t *strings)
{
    int                    rc, math;
    size_t                 body, i;
    int64_t                t;
    unsigned               timed, emoji;
    ar_buf_t               v;
    ar_meta_t              fm;
    const ar_meta_item_t  *item;

    if (ar_frontmatter_parse(src, len, &fm, &body) != AR_OK) {
        return AR_ERROR;
    }

    emoji = block & AR_LISTING_EMOJI;
    block &= ~AR_LISTING_EMOJI;

    memset(&v, 0, sizeof(ar_buf_t));

    rc = AR_OK;

    item = ar_meta_find(&fm, "draft", 5);

    if (item != NULL) {
        rc = ar_listing_meta_text(&fm, "draft", &v);

        if (rc == AR_OK
            && ((v.len == 4 && strncasecmp(v.data, "true", 4) == 0)
                || (v.len == 3 && strncasecmp(v.data, "yes", 3) == 0)
                || (v.len == 2 && strncasecmp(v.data, "on", 2) == 0)))
        {
            meta->draft = 1;
        }
    }

    v.len = 0;

    if (rc == AR_OK) {
        rc = ar_listing_meta_text(&fm, "date", &v);
    }

    if (rc == AR_OK && v.len
        && ar_listing_date(v.data, v.len, &t, &timed) == AR_OK)
    {
        meta->date = t;
        meta->date_time = timed;
        meta->dated = 1;
    }

    v.len = 0;

    if (rc == AR_OK) {
        rc = ar_listing_meta_text(&fm, "updated", &v);
    }

    if (rc == AR_OK && v.len
        && ar_listing_date(v.data, v.len, &t, &timed) == AR_OK)
    {
        meta->updated = t;
        meta->updated_time = timed;
        meta->has_updated = 1;
    }

    /* title, description and author: offsets into strings */

    if (rc == AR_OK) {
        meta->title = strings->len;
        rc = ar_listing_meta_text(&fm, "title", strings);
        meta->title_len = strings->len - meta->title;

        for (i = meta->title; i < strings->len; i++) {
            if (strings->data[i] == '\n' || strings->data[i] == '\r') {
                strings->data[i] = ' ';
            }
        }

        ar_listing_cut_title(meta, strings);
    }

    if (rc == AR_OK) {
        v.len = 0;
        rc = ar_listing_meta_text(&fm, "description", &v);
        meta->desc = strings->len;

        if (rc == AR_OK) {
            rc = ar_listing_describe(strings, v.data, v.len);
        }

        meta->desc_len = strings->len - meta->desc;
    }

    if (rc == AR_OK) {
        v.len = 0;
        rc = ar_listing_meta_text(&fm, "author", &v);
        meta->author = strings->len;

        if (rc == AR_OK) {
            rc = ar_listing_describe(strings, v.data, v.len);
        }

        meta->author_len = strings->len - meta->author;
    }

    ar_meta_free(&fm);
    ar_buf_free(&v);

    if (rc != AR_OK || (meta->title_len && meta->desc_len)) {
        return rc;
    }

    /* text one block per line is read as the scope renders it */

    math = (block & AR_LISTING_MATH) != 0;
    block &= ~AR_LISTING_MATH;

    if (block) {
        if (ar_block_transform(src + body, len - body,
                               (block - 1) | (math ? AR_BLOCK_MATH : 0), &v)
            != AR_OK)
        {
            ar_buf_free(&v);
            return AR_ERROR;
        }

        src = v.data ? v.data : "";
        len = v.len;
        body = 0;
    }

    rc = ar_listing_markdown(src + body, len - body, math,
                             meta->title_len == 0, meta->desc_len == 0,
                             emoji, meta, strings);

    ar_buf_free(&v);

    return rc;
}


/*
 * The first top-level heading's and paragraph's text.  The first few KB
 * are parsed first: a node before the last one there is complete; else
 * the whole of what was read is parsed.
 */

static int
ar_listing_markdown(const char *src, size_t len, int math, int title,
    int desc, unsigned emoji, ar_listing_meta_t *meta, ar_buf_t *strings)
{
    int          rc, done;
    size_t       n, start;
    ar_buf_t     text;
    cmark_mem   *mem;
    cmark_node  *doc, *node, *heading, *para;

    memset(&text, 0, sizeof(ar_buf_t));

    n = len;

    if (len > AR_LISTING_FIRST) {
        n = AR_LISTING_FIRST;

        while (n > AR_LISTING_FIRST / 2 && src[n - 1] != '\n') {
            n--;
        }
    }

    for ( ;; ) {
        doc = ar_listing_document(src, n, math);
        if (doc == NULL) {
            return AR_ERROR;
        }

        heading = NULL;
        para = NULL;

        for (node = cmark_node_first_child(doc);
             node != NULL;
             node = cmark_node_next(node))
        {
            if (cmark_node_get_type(node) == CMARK_NODE_HEADING
                && heading == NULL)
            {
                heading = node;

            } else if (cmark_node_get_type(node) == CMARK_NODE_PARAGRAPH
                       && para == NULL)
            {
                para = node;
            }

            if ((heading || !title) && (para || !desc)) {
                break;
            }
        }

        done = (n == len
                || (node != NULL && cmark_node_next(node) != NULL));

        if (done) {
            break;
        }

        cmark_node_free(doc);
        n = len;
    }

    rc = AR_OK;
    mem = cmark_get_default_mem_allocator();

    if (emoji && heading != NULL && title) {
        rc = ar_emoji_replace(heading, mem);
    }

    if (rc == AR_OK && emoji && para != NULL && desc) {
        rc = ar_emoji_replace(para, mem);
    }

    if (rc == AR_OK && title && heading) {
        start = strings->len;
        rc = ar_listing_plain(heading, strings);

        if (rc == AR_OK && strings->len > start) {
            /* the offset of the front matter's title is moved here */
            meta->title = start;
            meta->title_len = strings->len - start;

            ar_listing_cut_title(meta, strings);
        }
    }

    if (rc == AR_OK && desc && para) {
        rc = ar_listing_plain(para, &text);

        if (rc == AR_OK) {
            meta->desc = strings->len;
            rc = ar_listing_describe(strings, text.data, text.len);
            meta->desc_len = strings->len - meta->desc;
        }
    }

    cmark_node_free(doc);
    ar_buf_free(&text);

    return rc;
}


/* a formula is a code node, whose text is its TeX, as in a page's title */

static cmark_node *
ar_listing_document(const char *src, size_t len, int math)
{
    cmark_node    *doc;
    cmark_parser  *parser;

    if (!math) {
        return cmark_parse_document(src, len, CMARK_OPT_DEFAULT);
    }

    parser = cmark_parser_new(CMARK_OPT_DEFAULT);
    if (parser == NULL) {
        return NULL;
    }

    (void) ar_math_syntax_attach(parser);

    cmark_parser_feed(parser, src, len);
    doc = cmark_parser_finish(parser);

    cmark_parser_free(parser);

    return doc;
}


/*
 * A title, the last text in strings, cut to AR_LISTING_TITLE_MAX bytes
 * between two characters.
 */

static void
ar_listing_cut_title(ar_listing_meta_t *meta, ar_buf_t *strings)
{
    size_t  n;

    if (meta->title_len <= AR_LISTING_TITLE_MAX) {
        return;
    }

    n = AR_LISTING_TITLE_MAX;

    while (n > 0
           && ((unsigned char) strings->data[meta->title + n] & 0xc0) == 0x80)
    {
        n--;
    }

    meta->title_len = n;
    strings->len = meta->title + n;
}


/* the node's text as the page title takes it: see ar_toc_text() */

static int
ar_listing_plain(cmark_node *node, ar_buf_t *b)
{
    int                rc;
    const char        *s;
    cmark_iter        *iter;
    cmark_event_type   ev;

    iter = cmark_iter_new(node);
    if (iter == NULL) {
        return AR_ERROR;
    }

    rc = AR_OK;

    while (rc == AR_OK && (ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {
        node = cmark_iter_get_node(iter);

        switch (cmark_node_get_type(node)) {

        case CMARK_NODE_HTML_INLINE:
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
            s = cmark_node_get_literal(node);

            if (s != NULL
                && (cmark_node_get_type(node) != CMARK_NODE_HTML_INLINE
                    || ar_sanitize_filtered(s)))
            {
                rc = ar_buf_append(b, s, strlen(s));
            }

            break;

        case CMARK_NODE_SOFTBREAK:
        case CMARK_NODE_LINEBREAK:
            rc = ar_buf_append(b, " ", 1);
            break;

        default:
            break;
        }
    }

    cmark_iter_free(iter);

    return rc;
}


/* a front matter value as it was written: its escaping undone */

static int
ar_listing_meta_text(const ar_meta_t *fm, const char *key, ar_buf_t *b)
{
    size_t                 i, n, k;
    const char            *v;
    const ar_meta_item_t  *item;

    static const struct {
        const char  *entity;
        size_t       len;
        char         c;
    } entities[] = {
        { "&amp;", 5, '&' }, { "&lt;", 4, '<' }, { "&gt;", 4, '>' },
        { "&quot;", 6, '"' }, { "&#39;", 5, '\'' }
    };

    item = ar_meta_find(fm, key, strlen(key));

    if (item == NULL) {
        return AR_OK;
    }

    v = ar_meta_value(fm, item);
    n = item->value_len;

    for (i = 0; i < n; i++) {

        if (v[i] == '&') {
            for (k = 0; k < sizeof(entities) / sizeof(entities[0]); k++) {
                if (n - i >= entities[k].len
                    && memcmp(v + i, entities[k].entity, entities[k].len)
                       == 0)
                {
                    break;
                }
            }

            if (k < sizeof(entities) / sizeof(entities[0])) {
                if (ar_buf_append(b, &entities[k].c, 1) != AR_OK) {
                    return AR_ERROR;
                }

                i += entities[k].len - 1;
                continue;
            }
        }

        if (ar_buf_append(b, v + i, 1) != AR_OK) {
            return AR_ERROR;
        }
    }

    return AR_OK;
}


/*
 * Appends the text with its white space runs as one space, trimmed, and
 * cut at a word boundary near AR_LISTING_DESC_MAX characters, with an
 * ellipsis when cut.  An invalid UTF-8 byte counts as one character; a
 * cut never falls inside a sequence.
 */

static int
ar_listing_describe(ar_buf_t *b, const char *p, size_t n)
{
    size_t    i, len, chars, start, space, cut;
    uint32_t  cp;
    int       blank, pending;

    start = b->len;
    chars = 0;
    space = 0;
    cut = 0;
    pending = 0;

    for (i = 0; i < n; i += len) {
        blank = (p[i] == ' ' || p[i] == '\t' || p[i] == '\n'
                 || p[i] == '\r');

        len = ar_utf8_decode((const unsigned char *) p + i, n - i, &cp);

        if (len == 0) {
            len = 1;
        }

        if (blank) {
            pending = (b->len > start);
            continue;
        }

        if (chars == AR_LISTING_DESC_MAX) {
            cut = 1;
            break;
        }

        if (pending) {
            if (chars >= AR_LISTING_DESC_MIN) {
                space = b->len;
            }

            if (ar_buf_append(b, " ", 1) != AR_OK) {
                return AR_ERROR;
            }

            chars++;
            pending = 0;

            if (chars == AR_LISTING_DESC_MAX) {
                cut = 1;
                break;
            }
        }

        if (ar_buf_append(b, p + i, len) != AR_OK) {
            return AR_ERROR;
        }

        chars++;
    }

    if (!cut) {
        return AR_OK;
    }

    if (space) {
        b->len = space;
    }

    while (b->len > start && b->data[b->len - 1] == ' ') {
        b->len--;
    }

    return ar_buf_append(b, "\xE2\x80\xA6", 3);
}


/* days since 1970-01-01 of a proleptic Gregorian date */

static int64_t
ar_listing_days(int64_t y, unsigned m, unsigned d)
{
    int64_t   era;
    unsigned  yoe, doy, doe;

    y -= (m <= 2);
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned) (y - era * 400);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + (int64_t) doe - 719468;
}


static int
ar_listing_digits(const char **pp, const char *end, size_t n, unsigned *v)
{
    const char  *p;

    p = *pp;
    *v = 0;

    if ((size_t) (end - p) < n) {
        return AR_ERROR;
    }

    while (n--) {
        if (*p < '0' || *p > '9') {
            return AR_ERROR;
        }

        *v = *v * 10 + (*p++ - '0');
    }

    *pp = p;

    return AR_OK;
}


/*
 * A YAML date ("2024-01-15", midnight UTC), or a timestamp: RFC 3339
 * ("2024-01-15T10:00:00+02:00") or YAML's ("2024-01-15 10:00:00",
 * seconds and zone optional, a zone after blanks); UTC without a zone.
 */

int
ar_listing_date(const char *p, size_t n, int64_t *t, unsigned *has_time)
{
    int          sign;
    unsigned     y, mo, d, h, mi, s, zh, zm, mdays;
    const char  *end;

    static const unsigned  days[] = { 31, 28, 31, 30, 31, 30,
                                      31, 31, 30, 31, 30, 31 };

    end = p + n;

    while (p < end && (*p == ' ' || *p == '\t')) {
        p++;
    }

    while (end > p && (end[-1] == ' ' || end[-1] == '\t')) {
        end--;
    }

    if (ar_listing_digits(&p, end, 4, &y) != AR_OK
        || p == end || *p++ != '-'
        || ar_listing_digits(&p, end, 2, &mo) != AR_OK
        || p == end || *p++ != '-'
        || ar_listing_digits(&p, end, 2, &d) != AR_OK)
    {
        return AR_ERROR;
    }

    if (mo < 1 || mo > 12) {
        return AR_ERROR;
    }

    mdays = days[mo - 1]
            + (mo == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));

    if (d < 1 || d > mdays) {
        return AR_ERROR;
    }

    h = 0;
    mi = 0;
    s = 0;
    sign = 0;
    zh = 0;
    zm = 0;

    if (p == end) {
        *has_time = 0;
        goto done;
    }

    if (*p == 'T' || *p == 't') {
        p++;

    } else if (*p == ' ' || *p == '\t') {
        while (p < end && (*p == ' ' || *p == '\t')) {
            p++;
        }

    } else {
        return AR_ERROR;
    }

    if (ar_listing_digits(&p, end, 2, &h) != AR_OK
        || p == end || *p++ != ':'
        || ar_listing_digits(&p, end, 2, &mi) != AR_OK)
    {
        return AR_ERROR;
    }

    if (p < end && *p == ':') {
        p++;

        if (ar_listing_digits(&p, end, 2, &s) != AR_OK) {
            return AR_ERROR;
        }

        if (p < end && *p == '.') {
            p++;

            if (p == end || *p < '0' || *p > '9') {
                return AR_ERROR;
            }

            while (p < end && *p >= '0' && *p <= '9') {
                p++;
            }
        }
    }

    if (h > 23 || mi > 59 || s > 60) {
        return AR_ERROR;
    }

    if (s == 60) {
        s = 59;
    }

    while (p < end && (*p == ' ' || *p == '\t')) {
        p++;
    }

    if (p < end && (*p == 'Z' || *p == 'z')) {
        p++;

    } else if (p < end && (*p == '+' || *p == '-')) {
        sign = (*p++ == '-') ? -1 : 1;

        if (ar_listing_digits(&p, end, (end - p == 1) ? 1 : 2, &zh) != AR_OK)
        {
            return AR_ERROR;
        }

        if (p < end && *p == ':') {
            p++;
        }

        if (p < end && ar_listing_digits(&p, end, 2, &zm) != AR_OK) {
            return AR_ERROR;
        }

        if (zh > 23 || zm > 59) {
            return AR_ERROR;
        }
    }

    if (p != end) {
        return AR_ERROR;
    }

    *has_time = 1;

done:

    *t = ar_listing_days(y, mo, d) * 86400
         + (int64_t) h * 3600 + mi * 60 + s
         - (int64_t) sign * (zh * 3600 + zm * 60);

    return AR_OK;
}
