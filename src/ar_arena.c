/*
 * The render arena.
 *
 * cmark-gfm's allocator hooks take no context, so the arena of the render
 * running in this thread is found through a thread-local pointer, set by
 * ar_arena_enter() for the length of one render.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ar_arena.h"


/* checking the clock on every allocation would cost more than it saves */
#define AR_ARENA_CLOCK_EVERY  64


struct ar_chunk_s {
    ar_chunk_t        *prev;
    ar_chunk_t        *next;
    size_t             size;
    size_t             pad;         /* keeps the payload 16-byte aligned */
};


static void *ar_arena_cmark_calloc(size_t n, size_t size);


static __thread ar_arena_t  *ar_arena_current;

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

    if (++arena->calls == AR_ARENA_CLOCK_EVERY) {
        arena->calls = 0;
        ar_arena_check_time(arena);
    }
}


void *
ar_arena_alloc(size_t size)
{
    ar_arena_t  *arena;
    ar_chunk_t  *c;

    arena = ar_arena_current;

    ar_arena_account(arena, size);

    c = malloc(sizeof(ar_chunk_t) + size);
    if (c == NULL) {
        longjmp(arena->unwind, AR_EMEMORY);
    }

    c->size = size;
    c->prev = NULL;
    c->next = arena->chunks;

    if (arena->chunks) {
        arena->chunks->prev = c;
    }

    arena->chunks = c;
    arena->used += size;

    return c + 1;
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


void *
ar_arena_realloc(void *p, size_t size)
{
    ar_arena_t  *arena;
    ar_chunk_t  *c, *n;

    if (p == NULL) {
        return ar_arena_alloc(size);
    }

    arena = ar_arena_current;
    c = (ar_chunk_t *) p - 1;

    if (size > c->size) {
        ar_arena_account(arena, size - c->size);
    }

    n = realloc(c, sizeof(ar_chunk_t) + size);
    if (n == NULL) {
        longjmp(arena->unwind, AR_EMEMORY);
    }

    arena->used = arena->used - n->size + size;
    n->size = size;

    if (n->prev) {
        n->prev->next = n;

    } else {
        arena->chunks = n;
    }

    if (n->next) {
        n->next->prev = n;
    }

    return n + 1;
}


void
ar_arena_free(void *p)
{
    ar_arena_t  *arena;
    ar_chunk_t  *c;

    if (p == NULL) {
        return;
    }

    arena = ar_arena_current;
    c = (ar_chunk_t *) p - 1;

    if (c->prev) {
        c->prev->next = c->next;

    } else {
        arena->chunks = c->next;
    }

    if (c->next) {
        c->next->prev = c->prev;
    }

    arena->used -= c->size;

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
    ar_chunk_t  *c, *next;

    /* what lives outside the arena, such as a highlighter, goes first */

    if (arena->cleanup) {
        arena->cleanup(arena->cleanup_data);
        arena->cleanup = NULL;
    }

    for (c = arena->chunks; c; c = next) {
        next = c->next;
        free(c);
    }

    arena->chunks = NULL;
    arena->used = 0;
}
