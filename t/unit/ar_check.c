/*
 * The unit tests' TAP framework: diagnostics, checks and the runner.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ar_check.h"


#define AR_DIAG_LEN   8192
#define AR_QUOTE_MAX  3000


static char    ar_diag[AR_DIAG_LEN];   /* why the running test failed */
static size_t  ar_diag_len;

static size_t  ar_tap_planned;
static size_t  ar_tap_n;
static size_t  ar_tap_failed;


/* diagnostics */

void
ar_diag_add(const char *s, size_t len)
{
    if (len > AR_DIAG_LEN - 1 - ar_diag_len) {
        len = AR_DIAG_LEN - 1 - ar_diag_len;
    }

    memcpy(ar_diag + ar_diag_len, s, len);
    ar_diag_len += len;
    ar_diag[ar_diag_len] = '\0';
}


void
ar_diag_str(const char *s)
{
    ar_diag_add(s, strlen(s));
}


/*
 * adds s as a C string literal, so that any byte shows on one line;
 * past AR_QUOTE_MAX bytes of output the rest is left out as "..."
 */

void
ar_diag_quote(const char *s, size_t len)
{
    char           esc[8];
    size_t         i, out, n;
    unsigned char  c;

    ar_diag_str("\"");

    out = 0;

    for (i = 0; i < len && out < AR_QUOTE_MAX; i++) {
        c = (unsigned char) s[i];

        if (c == '\n') {
            n = 2;
            memcpy(esc, "\\n", n);

        } else if (c == '\\' || c == '"') {
            n = 2;
            esc[0] = '\\';
            esc[1] = (char) c;

        } else if (c < 0x20 || c >= 0x7f) {
            n = snprintf(esc, sizeof(esc), "\\x%02x", c);

        } else {
            n = 1;
            esc[0] = (char) c;
        }

        ar_diag_add(esc, n);
        out += n;
    }

    ar_diag_str(i < len ? "\"..." : "\"");
}


/* records a failed check and returns 0, for "ok = ok && check" chains */

int
ar_fail(const char *got, size_t got_len, const char *how,
    const char *expected, size_t expected_len)
{
    ar_diag_str("# got: ");

    if (got == NULL) {
        ar_diag_str("NULL");

    } else {
        ar_diag_quote(got, got_len);
    }

    ar_diag_str("\n# expected: ");
    ar_diag_str(how);
    ar_diag_str(" ");
    ar_diag_quote(expected, expected_len);
    ar_diag_str("\n");

    return 0;
}


/* the first needle in s, NUL bytes included in both */

const char *
ar_find(const char *s, size_t len, const char *needle, size_t n)
{
    size_t  i;

    if (n == 0) {
        return s;
    }

    for (i = 0; s != NULL && n <= len && i <= len - n; i++) {
        if (s[i] == needle[0] && memcmp(s + i, needle, n) == 0) {
            return s + i;
        }
    }

    return NULL;
}


/* checks */

int
ar_is(const char *got, size_t got_len, const char *s, size_t len)
{
    if (got_len == len && (len == 0 || memcmp(got, s, len) == 0)) {
        return 1;
    }

    return ar_fail(got, got_len, "to be", s, len);
}


int
ar_buf_is(const ar_buf_t *b, const char *s)
{
    return ar_is(b->data, b->len, s, strlen(s));
}


int
ar_has(const ar_buf_t *b, const char *s)
{
    if (ar_find(b->data, b->len, s, strlen(s)) != NULL) {
        return 1;
    }

    return ar_fail(b->data, b->len, "to contain", s, strlen(s));
}


int
ar_lacks(const ar_buf_t *b, const char *s)
{
    if (ar_find(b->data, b->len, s, strlen(s)) == NULL) {
        return 1;
    }

    return ar_fail(b->data, b->len, "not to contain", s, strlen(s));
}


/* every string of a case's list holds (its unused places are NULL) */

int
ar_has_each(const ar_buf_t *b, const char *const *s, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        if (s[i] != NULL && !ar_has(b, s[i])) {
            return 0;
        }
    }

    return 1;
}


int
ar_lacks_each(const ar_buf_t *b, const char *const *s, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        if (s[i] != NULL && !ar_lacks(b, s[i])) {
            return 0;
        }
    }

    return 1;
}


int
ar_starts(const ar_buf_t *b, const char *s)
{
    size_t  n;

    n = strlen(s);

    if (b->len >= n && memcmp(b->data, s, n) == 0) {
        return 1;
    }

    return ar_fail(b->data, b->len, "to start with", s, n);
}


int
ar_str_has(const char *got, const char *s)
{
    if (got != NULL && strstr(got, s) != NULL) {
        return 1;
    }

    return ar_fail(got, got ? strlen(got) : 0, "to contain", s, strlen(s));
}


/*
 * A render's time budget, as many times longer as the harness's
 * TEST_NGINX_SLOW says this run is slower (sanitizers, valgrind): a
 * budget a test means not to be passed is no measure of the machine.
 */

unsigned
ar_budget_ms(unsigned ms)
{
    long         slow;
    const char  *env;

    env = getenv("TEST_NGINX_SLOW");
    slow = env ? strtol(env, NULL, 10) : 1;

    return slow > 1 ? ms * (unsigned) slow : ms;
}


int
ar_int_is(const char *what, long got, long expected)
{
    char  line[256];

    if (got == expected) {
        return 1;
    }

    snprintf(line, sizeof(line), "# got: %s = %ld\n# expected: %ld\n",
             what, got, expected);
    ar_diag_str(line);

    return 0;
}


/* the runner */

void
ar_tap_plan(size_t n)
{
    setvbuf(stdout, NULL, _IOLBF, 0);

    ar_tap_planned = n;

    printf("1..%zu\n", n);
}


/* prints the next test's line and, if it failed, why; starts afresh */

void
ar_tap_result(const char *name, int ok)
{
    ar_tap_n++;

    if (ok == AR_SKIPPED) {
        printf("ok %zu - %s # SKIP %s\n", ar_tap_n, name, ar_diag);
        ar_diag_len = 0;
        ar_diag[0] = '\0';
        return;
    }

    printf("%sok %zu - %s\n", ok ? "" : "not ", ar_tap_n, name);

    if (!ok) {
        fputs(ar_diag, stdout);
        ar_tap_failed++;
    }

    ar_diag_len = 0;
    ar_diag[0] = '\0';
}


/* a test that does not apply here returns ar_skip(why) */

int
ar_skip(const char *why)
{
    ar_diag_len = 0;
    ar_diag[0] = '\0';
    ar_diag_str(why);

    return AR_SKIPPED;
}


void
ar_tap_run(const ar_test_t *tests, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        ar_tap_result(tests[i].name, tests[i].run());
    }
}


/* the exit status: 0 if every test passed */

int
ar_tap_done(void)
{
    if (ar_tap_failed) {
        printf("# %zu of %zu failed\n", ar_tap_failed, ar_tap_planned);
    }

    return ar_tap_failed ? 1 : 0;
}
