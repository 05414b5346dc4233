/*
 * A render's memory: every allocation cmark-gfm and the core make for one
 * render, counted against a memory budget and a deadline, and freed all
 * at once however the render ends.  Small pieces are cut from large
 * blocks; a freed one is kept for the next piece of its size.  A render
 * that passes a budget unwinds (longjmp) to ar_render_article(), so no
 * library loop can hold a thread past its budgets for longer than
 * between two allocations; the render also looks at the clock between
 * the lines it feeds the parser, which may loop long without allocating.
 */

#ifndef _AR_ARENA_H_INCLUDED_
#define _AR_ARENA_H_INCLUDED_


#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmark-gfm.h>

#include "ar_buf.h"


typedef struct ar_block_s  ar_block_t;
typedef struct ar_chunk_s  ar_chunk_t;


/* pieces above this size are malloc(3)ed each, below cut from blocks */
#define AR_ARENA_LARGE  (8 * 1024)

typedef struct {
    cmark_mem         mem;         /* hands the arena to cmark-gfm */
    ar_block_t       *blocks;      /* the small pieces' blocks */
    char             *pos;         /* the free room of the newest one */
    char             *end;
    char             *last;        /* the newest piece in it, or NULL */
    void             *free[AR_ARENA_LARGE / 8 + 1];
                                   /* freed small pieces, by size */
    ar_chunk_t       *chunks;      /* the large pieces, one malloc each */
    size_t            used;        /* bytes in pieces, free or not */
    size_t            peak;        /* the most used ever held */
    size_t            max_memory;  /* 0: no budget */
    struct timespec   deadline;    /* tv_sec 0: no deadline */
    unsigned          calls;       /* allocations since the last clock */
    void            (*cleanup)(void *data);  /* run on release, if set */
    void             *cleanup_data;
    jmp_buf           unwind;
} ar_arena_t;


void ar_arena_init(ar_arena_t *arena, size_t max_memory,
    unsigned timeout_ms);
void ar_arena_enter(ar_arena_t *arena);
void ar_arena_leave(void);
void *ar_arena_alloc(size_t size);
void *ar_arena_realloc(void *p, size_t size);
void ar_arena_free(void *p);
void ar_arena_check_time(ar_arena_t *arena);
void ar_arena_check_running(void);
#if (AR_TEST_HOOKS)
void ar_arena_expire(ar_arena_t *arena);
#endif
void ar_arena_release(ar_arena_t *arena);

/* the running render's arena, or the C library outside a render */
void *ar_mem_realloc(void *p, size_t size);
void *ar_mem_calloc(size_t n, size_t size);
void ar_mem_free(void *p);
cmark_mem *ar_mem_cmark(void);

#if (AR_TEST_HOOKS)
/*
 * Test builds only: when not 0, the C library allocations through
 * ar_mem_realloc() and ar_mem_calloc() outside a render count it down,
 * and the one that brings it to 0 fails; for this thread.
 */
extern __thread unsigned  ar_test_mem_fail;
#endif


#endif /* _AR_ARENA_H_INCLUDED_ */
