/*
 * The small TAP framework the C unit tests share: a diagnostics buffer
 * for the running test, checks that fill it and return 0 on failure (so
 * that tests chain them as "ok = ok && check"), and the runner that
 * prints the plan, an "ok" or "not ok" line for each test and, after a
 * failure, its diagnostics.
 */

#ifndef _AR_CHECK_H_INCLUDED_
#define _AR_CHECK_H_INCLUDED_


#include <stddef.h>

#include "ar_buf.h"


/* a string literal and its length, NUL bytes included */
#define AR_S(s)  s, sizeof(s) - 1

/* an array and its number of elements */
#define AR_N(a)  a, sizeof(a) / sizeof(a[0])

/* the self-link anchor at the end of every heading */
#define AR_ANCHOR(id)                                                       \
    "<a class=\"anchor\" href=\"#" id "\" aria-hidden=\"true\""            \
    " tabindex=\"-1\">#</a>"


/* what a test returns when it does not apply: see ar_skip() */
#define AR_SKIPPED  -1


typedef struct {
    const char    *name;
    int          (*run)(void);
} ar_test_t;


void ar_diag_add(const char *s, size_t len);
void ar_diag_str(const char *s);
void ar_diag_quote(const char *s, size_t len);
int ar_fail(const char *got, size_t got_len, const char *how,
    const char *expected, size_t expected_len);
const char *ar_find(const char *s, size_t len, const char *needle, size_t n);

int ar_is(const char *got, size_t got_len, const char *s, size_t len);
int ar_buf_is(const ar_buf_t *b, const char *s);
int ar_has(const ar_buf_t *b, const char *s);
int ar_lacks(const ar_buf_t *b, const char *s);
int ar_has_each(const ar_buf_t *b, const char *const *s, size_t n);
int ar_lacks_each(const ar_buf_t *b, const char *const *s, size_t n);
int ar_starts(const ar_buf_t *b, const char *s);
int ar_str_has(const char *got, const char *s);
int ar_int_is(const char *what, long got, long expected);
int ar_skip(const char *why);
unsigned ar_budget_ms(unsigned ms);

void ar_tap_plan(size_t n);
void ar_tap_result(const char *name, int ok);
void ar_tap_run(const ar_test_t *tests, size_t n);
int ar_tap_done(void);


#endif /* _AR_CHECK_H_INCLUDED_ */
