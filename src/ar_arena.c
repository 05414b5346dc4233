/*
 * The render arena.
 *
 * cmark-gfm's allocator hooks take no context, so the arena of the render
 * running in this thread is found through a thread-local pointer, set by
 * ar_arena_enter() for the length of one render.
 */

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ar_arena.h"


/*
 * Under AddressSanitizer the free room of blocks and the freed pieces
 * are poisoned, so that a use after free or past the end of a piece is
 * caught inside the arena as it would be with malloc(3).
 */

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define AR_ARENA_ASAN  1
#endif
#endif

#if defined(__SANITIZE_ADDRESS__)
#define AR_ARENA_ASAN  1
#endif

#if (AR_ARENA_ASAN)
#include <sanitizer/asan_interface.h>
#define ar_arena_poison(p, n)    ASAN_POISON_MEMORY_REGION(p, n)
#define ar_arena_unpoison(p, n)  ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define ar_arena_poison(p, n)
#define ar_arena_unpoison(p, n)
#endif


/* checking the clock on every allocation would cost more than it saves */
#define AR_ARENA_CLOCK_EVERY  64

#define AR_ARENA_BLOCK        (64 * 1024)

/*
 * Blocks kept for the next renders, in all threads together: given back
 * to the C library, they would shrink the heap and come back as fresh
 * pages, which costs a small render several times its own work.
 */
#define AR_ARENA_CACHE        64

/* cmark-gfm and the core keep nothing wider than a pointer */
#define ar_arena_align(n)     (((n) + 7) & ~(size_t) 7)

#define AR_PIECE_LARGE        1


/* before every piece */

typedef struct {
    size_t             size;        /* what it holds, or AR_PIECE_LARGE */
} ar_piece_t;


struct ar_block_s {
    ar_block_t        *next;
    size_t             pad;
};


struct ar_chunk_s {
    ar_chunk_t        *prev;
    ar_chunk_t        *next;
    size_t             size;
    ar_piece_t         piece;
};


static void *ar_arena_cmark_calloc(size_t n, size_t size);


static __thread ar_arena_t  *ar_arena_current;

static pthread_mutex_t       ar_arena_cache_mutex = PTHREAD_MUTEX_INITIALIZER;
static ar_block_t           *ar_arena_cache;
static unsigned              ar_arena_cached;

#if (AR_TEST_HOOKS)
__thread unsigned  ar_test_mem_fail;
static int ar_test_mem_fails(void);
#endif


void
ar_arena_init(ar_arena_t *arena, size_t max_memory, unsigned timeout_ms)
{
    memset(arena, 0, sizeof(ar_arena_t));

    arena->mem.calloc = ar_arena_cmark_calloc;
    arena->mem.realloc = ar_arena_realloc;
    arena->mem.free = ar_arena_free;
    arena->max_memory = max_memory;

    if (timeout_ms) {
        clock_gettime(CLOCK_MONOTONIC, &arena->deadline);

        arena->deadline.tv_sec += timeout_ms / 1000;
        arena->deadline.tv_nsec += (long) (timeout_ms % 1000) * 1000000;

        if (arena->deadline.tv_nsec >= 1000000000) {
            arena->deadline.tv_sec++;
            arena->deadline.tv_nsec -= 1000000000;
        }
    }
}


void
ar_arena_enter(ar_arena_t *arena)
{
    ar_arena_current = arena;
}


void
ar_arena_leave(void)
{
    ar_arena_current = NULL;
}


/* unwinds when the deadline has passed */

void
ar_arena_check_time(ar_arena_t *arena)
{
    struct timespec  now;

    if (arena->deadline.tv_sec == 0) {
        return;
    }

    clock_gettime(CLOCK_MONOTONIC, &now);

    if (now.tv_sec > arena->deadline.tv_sec
        || (now.tv_sec == arena->deadline.tv_sec
            && now.tv_nsec >= arena->deadline.tv_nsec))
    {
        longjmp(arena->unwind, AR_ETIME);
    }
}


/* the running render's deadline, for code that cmark-gfm calls */

void
ar_arena_check_running(void)
{
    if (ar_arena_current) {
        ar_arena_check_time(ar_arena_current);
    }
}


#if (AR_TEST_HOOKS)

/* test builds only: the deadline is now */

void
ar_arena_expire(ar_arena_t *arena)
{
    clock_gettime(CLOCK_MONOTONIC, &arena->deadline);
}

#endif


/* counts size more bytes, unwinding when a budget is passed */

static void
ar_arena_account(ar_arena_t *arena, size_t size)
{
    if (arena->max_memory
        && (size > arena->max_memory
            || arena->used > arena->max_memory - size))
    {
        longjmp(arena->unwind, AR_EMEMORY);
    }

    arena->used += size;

    if (arena->used > arena->peak) {
        arena->peak = arena->used;
    }

    if (++arena->calls == AR_ARENA_CLOCK_EVERY) {
        arena->calls = 0;
        ar_arena_check_time(arena);
    }
}


static void *
ar_arena_alloc_large(ar_arena_t *arena, size_t size)
{
    ar_chunk_t  *c;

    if (size > (size_t) -1 - sizeof(ar_chunk_t)) {
        longjmp(arena->unwind, AR_EMEMORY);
    }

    ar_arena_account(arena, sizeof(ar_chunk_t) + size);

    c = malloc(sizeof(ar_chunk_t) + size);
    if (c == NULL) {
        longjmp(arena->unwind, AR_EMEMORY);
    }

    c->size = size;
    c->piece.size = AR_PIECE_LARGE;
    c->prev = NULL;
    c->next = arena->chunks;

    if (arena->chunks) {
        arena->chunks->prev = c;
    }

    arena->chunks = c;

    return &c->piece + 1;
}


static ar_block_t *
ar_arena_block(void)
{
    ar_block_t  *b;

    pthread_mutex_lock(&ar_arena_cache_mutex);

    b = ar_arena_cache;

    if (b) {
        ar_arena_cache = b->next;
        ar_arena_cached--;
    }

    pthread_mutex_unlock(&ar_arena_cache_mutex);

    return b ? b : malloc(sizeof(ar_block_t) + AR_ARENA_BLOCK);
}


void *
ar_arena_alloc(size_t size)
{
    size_t       n;
    ar_arena_t  *arena;
    ar_block_t  *b;
    ar_piece_t  *piece;

    arena = ar_arena_current;

    if (size > AR_ARENA_LARGE) {
        return ar_arena_alloc_large(arena, size);
    }

    n = ar_arena_align(size ? size : 1);

    piece = arena->free[n / 8];

    if (piece) {
        ar_arena_unpoison(piece + 1, n);
        arena->free[n / 8] = *(void **) (piece + 1);

        if (++arena->calls == AR_ARENA_CLOCK_EVERY) {
            arena->calls = 0;
            ar_arena_check_time(arena);
        }

        return piece + 1;
    }

    n += sizeof(ar_piece_t);

    ar_arena_account(arena, n);

    if ((size_t) (arena->end - arena->pos) < n) {
        b = ar_arena_block();
        if (b == NULL) {
            longjmp(arena->unwind, AR_EMEMORY);
        }

        b->next = arena->blocks;
        arena->blocks = b;
        arena->pos = (char *) (b + 1);
        arena->end = arena->pos + AR_ARENA_BLOCK;

        ar_arena_poison(arena->pos, AR_ARENA_BLOCK);
    }

    ar_arena_unpoison(arena->pos, n);

    piece = (ar_piece_t *) arena->pos;
    piece->size = n - sizeof(ar_piece_t);

    arena->last = arena->pos;
    arena->pos += n;

    return piece + 1;
}


static void *
ar_arena_cmark_calloc(size_t n, size_t size)
{
    void  *p;

    if (size && n > (size_t) -1 / size) {
        longjmp(ar_arena_current->unwind, AR_EMEMORY);
    }

    p = ar_arena_alloc(n * size);
    memset(p, 0, n * size);

    return p;
}


/*
 * A small piece grows in place when it is the newest one and the block
 * has room, and moves otherwise; a large one is realloc(3)ed.
 */

void *
ar_arena_realloc(void *p, size_t size)
{
    char        *q;
    size_t       n;
    ar_arena_t  *arena;
    ar_chunk_t  *c;
    ar_piece_t  *piece;

    if (p == NULL) {
        return ar_arena_alloc(size);
    }

    arena = ar_arena_current;
    piece = (ar_piece_t *) p - 1;

    if (piece->size != AR_PIECE_LARGE) {
        if (size <= piece->size) {
            return p;
        }

        n = ar_arena_align(size) - piece->size;

        if ((char *) piece == arena->last && size <= AR_ARENA_LARGE
            && (size_t) (arena->end - arena->pos) >= n)
        {
            ar_arena_account(arena, n);
            ar_arena_unpoison(arena->pos, n);
            arena->pos += n;
            piece->size += n;
            return p;
        }

        q = ar_arena_alloc(size);
        memcpy(q, p, piece->size);
        ar_arena_free(p);

        return q;
    }

    c = (ar_chunk_t *) ((char *) piece - offsetof(ar_chunk_t, piece));

    if (size > (size_t) -1 - sizeof(ar_chunk_t)) {
        longjmp(arena->unwind, AR_EMEMORY);
    }

    if (size <= c->size) {
        return p;
    }

    ar_arena_account(arena, size - c->size);

    c = realloc(c, sizeof(ar_chunk_t) + size);
    if (c == NULL) {
        longjmp(arena->unwind, AR_EMEMORY);
    }

    c->size = size;

    if (c->prev) {
        c->prev->next = c;

    } else {
        arena->chunks = c;
    }

    if (c->next) {
        c->next->prev = c;
    }

    return &c->piece + 1;
}


/*
 * A large piece goes back to the C library; the newest small one goes
 * back to its block, and any other is kept for the next of its size.
 */

void
ar_arena_free(void *p)
{
    ar_arena_t  *arena;
    ar_chunk_t  *c;
    ar_piece_t  *piece;

    if (p == NULL) {
        return;
    }

    arena = ar_arena_current;
    piece = (ar_piece_t *) p - 1;

    if (piece->size != AR_PIECE_LARGE) {
        if ((char *) piece == arena->last) {
            arena->pos = arena->last;
            arena->last = NULL;
            arena->used -= sizeof(ar_piece_t) + piece->size;
            ar_arena_poison(arena->pos, sizeof(ar_piece_t) + piece->size);
            return;
        }

        *(void **) p = arena->free[piece->size / 8];
        arena->free[piece->size / 8] = piece;
        ar_arena_poison(p, piece->size);

        return;
    }

    c = (ar_chunk_t *) ((char *) piece - offsetof(ar_chunk_t, piece));

    if (c->prev) {
        c->prev->next = c->next;

    } else {
        arena->chunks = c->next;
    }

    if (c->next) {
        c->next->prev = c->prev;
    }

    arena->used -= sizeof(ar_chunk_t) + c->size;

    free(c);
}


/*
 * The core's own allocations (buffers, tables) go through these, so
 * that inside a render they too are counted and freed with the arena,
 * and outside one they are plain malloc(3) memory.  Memory must be freed
 * on the same side of ar_arena_enter()/ar_arena_leave() it was taken.
 */

void *
ar_mem_realloc(void *p, size_t size)
{
    if (ar_arena_current) {
        return ar_arena_realloc(p, size);
    }

#if (AR_TEST_HOOKS)
    if (ar_test_mem_fails()) {
        return NULL;
    }
#endif

    return realloc(p, size);
}


void *
ar_mem_calloc(size_t n, size_t size)
{
    if (ar_arena_current) {
        return ar_arena_cmark_calloc(n, size);
    }

#if (AR_TEST_HOOKS)
    if (ar_test_mem_fails()) {
        return NULL;
    }
#endif

    return calloc(n, size);
}


#if (AR_TEST_HOOKS)

static int
ar_test_mem_fails(void)
{
    return ar_test_mem_fail != 0 && --ar_test_mem_fail == 0;
}

#endif


void
ar_mem_free(void *p)
{
    if (ar_arena_current) {
        ar_arena_free(p);

    } else {
        free(p);
    }
}


/* the allocator cmark-gfm nodes the core makes should use */

cmark_mem *
ar_mem_cmark(void)
{
    return ar_arena_current ? &ar_arena_current->mem
                            : cmark_get_default_mem_allocator();
}


/* frees whatever the render left, after success or unwinding alike */

void
ar_arena_release(ar_arena_t *arena)
{
    ar_block_t  *b, *nb;
    ar_chunk_t  *c, *nc;

    /* what lives outside the arena, such as a highlighter, goes first */

    if (arena->cleanup) {
        arena->cleanup(arena->cleanup_data);
        arena->cleanup = NULL;
    }

    pthread_mutex_lock(&ar_arena_cache_mutex);

    for (b = arena->blocks; b && ar_arena_cached < AR_ARENA_CACHE; b = nb) {
        nb = b->next;
        b->next = ar_arena_cache;
        ar_arena_cache = b;
        ar_arena_cached++;
    }

    pthread_mutex_unlock(&ar_arena_cache_mutex);

    for ( /* void */ ; b; b = nb) {
        nb = b->next;
        free(b);
    }

    for (c = arena->chunks; c; c = nc) {
        nc = c->next;
        free(c);
    }

    arena->blocks = NULL;
    arena->pos = NULL;
    arena->end = NULL;
    arena->last = NULL;
    arena->chunks = NULL;
    arena->used = 0;

    memset(arena->free, 0, sizeof(arena->free));
}


/* at exit, or when nginx unloads the module: no render runs then */

__attribute__((destructor)) static void
ar_arena_done(void)
{
    ar_block_t  *b, *nb;

    for (b = ar_arena_cache; b; b = nb) {
        nb = b->next;
        free(b);
    }

    ar_arena_cache = NULL;
    ar_arena_cached = 0;
}
