/*
 * The Accept header (RFC 9110, section 12.5.1): a comma-separated list
 * of media ranges, each with optional parameters, among them the weight
 * "q" (0 to 1, at most three decimals, 1 when absent).
 *
 * Each representation gets the weight of the most specific range that
 * matches it: the exact type ("text/markdown", "text/html") before
 * "text/" with a "*" subtype before "*" over "*", the first of equally
 * specific ones; none that matches is weight 0.  Parameters other than
 * "q" are skipped.  A range that does not parse, or whose q is not a
 * valid weight, is ignored; so are empty list elements.
 */

#include <string.h>

#include "ar_accept.h"
#include "ar_compress.h"


typedef struct {
    const char  *type;
    size_t       type_len;
    const char  *subtype;
    size_t       subtype_len;
    unsigned     q;              /* in thousandths */
} ar_accept_range_t;


typedef struct {
    const char  *subtype;
    unsigned     specificity;    /* 0: no range matched yet */
    unsigned     q;
} ar_accept_match_t;


static const char *ar_accept_element_end(const char *p, const char *end);
static int ar_accept_range(const char *p, const char *end,
    ar_accept_range_t *range);
static int ar_accept_params(const char *p, const char *end, unsigned *q);
static int ar_accept_coding(const char *p, const char *end, int *coding,
    unsigned *q);
static const char *ar_accept_token(const char *p, const char *end);
static const char *ar_accept_quoted(const char *p, const char *end);
static const char *ar_accept_ows(const char *p, const char *end);
static int ar_accept_qvalue(const char *p, size_t len, unsigned *q);
static void ar_accept_match(ar_accept_match_t *m,
    const ar_accept_range_t *range);
static int ar_accept_is(const char *p, size_t len, const char *s);


/*
 * Returns 1 when the header gives text/markdown a higher weight than
 * text/html, 0 otherwise: equal weights, an empty header, or one that
 * names neither, all choose the page.
 */

int
ar_accept_markdown(const char *accept, size_t len)
{
    const char         *p, *end, *last;
    ar_accept_match_t   html, markdown;
    ar_accept_range_t   range;

    html.subtype = "html";
    html.specificity = 0;
    html.q = 0;

    markdown.subtype = "markdown";
    markdown.specificity = 0;
    markdown.q = 0;

    p = accept;
    end = accept + len;

    while (p < end) {
        last = ar_accept_element_end(p, end);

        if (ar_accept_range(p, last, &range)) {
            ar_accept_match(&html, &range);
            ar_accept_match(&markdown, &range);
        }

        if (last == end) {
            break;
        }

        p = last + 1;
    }

    return markdown.q > html.q;
}


/*
 * Accept-Encoding (RFC 9110, section 12.5.3): a comma-separated list of
 * codings, each with an optional weight.  sizes[] holds the size of the
 * page in each coding (AR_CODING_*), AR_SIZE_NONE where it is not stored.
 *
 * A coding gets the weight of the first element that names it ("x-gzip"
 * names gzip), else that of the first "*", else 0, which refuses it;
 * identity, when neither names it, is acceptable at the lowest weight.
 * Of the stored codings with a weight above 0, the one with the highest
 * weight is chosen, and of equal weights the smallest; a coding no
 * smaller than identity is not chosen while identity is acceptable.
 * Returns the coding, or AR_CODING_NONE when none is acceptable.  With no
 * header (ae NULL) the choice is identity: a client that says nothing
 * about codings gets none.
 */

int
ar_accept_encoding(const char *ae, size_t len, const size_t *sizes)
{
    int          c, coding, best;
    unsigned     q, star, weight[AR_CODING_N];
    const char  *p, *end, *last;

    if (ae == NULL) {
        return AR_CODING_IDENTITY;
    }

    /* 1001: not named */

    for (c = 0; c < AR_CODING_N; c++) {
        weight[c] = 1001;
    }

    star = 1001;

    p = ae;
    end = ae + len;

    while (p < end) {
        last = ar_accept_element_end(p, end);

        if (ar_accept_coding(p, last, &coding, &q)) {

            if (coding == AR_CODING_NONE) {
                if (star == 1001) {
                    star = q;
                }

            } else if (weight[coding] == 1001) {
                weight[coding] = q;
            }
        }

        if (last == end) {
            break;
        }

        p = last + 1;
    }

    for (c = 0; c < AR_CODING_N; c++) {
        if (weight[c] == 1001) {
            weight[c] = (star != 1001) ? star
                        : (c == AR_CODING_IDENTITY) ? 1 : 0;
        }
    }

    best = AR_CODING_NONE;

    for (c = 0; c < AR_CODING_N; c++) {

        if (sizes[c] == AR_SIZE_NONE || weight[c] == 0) {
            continue;
        }

        if (c != AR_CODING_IDENTITY
            && sizes[AR_CODING_IDENTITY] != AR_SIZE_NONE
            && weight[AR_CODING_IDENTITY] != 0
            && sizes[c] >= sizes[AR_CODING_IDENTITY])
        {
            continue;
        }

        if (best == AR_CODING_NONE
            || weight[c] > weight[best]
            || (weight[c] == weight[best] && sizes[c] < sizes[best]))
        {
            best = c;
        }
    }

    return best;
}


/*
 * One element of Accept-Encoding, p to end: *coding is AR_CODING_NONE
 * for "*"; returns 0 for an element to ignore: empty, a coding not
 * known, or one that does not parse.
 */

static int
ar_accept_coding(const char *p, const char *end, int *coding, unsigned *q)
{
    const char  *name;

    p = ar_accept_ows(p, end);

    name = p;
    p = ar_accept_token(p, end);

    if (p == name) {
        return 0;
    }

    if (p - name == 1 && *name == '*') {
        *coding = AR_CODING_NONE;

    } else {
        *coding = ar_coding(name, p - name);

        if (*coding == AR_CODING_NONE) {
            return 0;
        }
    }

    *q = 1000;

    return ar_accept_params(p, end, q);
}


/*
 * The comma that ends the list element at p, or end; commas in quoted
 * strings do not count.
 */

static const char *
ar_accept_element_end(const char *p, const char *end)
{
    while (p < end && *p != ',') {

        if (*p == '"') {
            p = ar_accept_quoted(p, end);

            if (p == NULL) {
                return end;
            }

            continue;
        }

        p++;
    }

    return p;
}


/* parses one list element, p to end; returns 0 when it is not a range */

static int
ar_accept_range(const char *p, const char *end, ar_accept_range_t *range)
{
    p = ar_accept_ows(p, end);

    range->type = p;
    p = ar_accept_token(p, end);
    range->type_len = p - range->type;

    if (range->type_len == 0 || p == end || *p != '/') {
        return 0;
    }

    p++;

    range->subtype = p;
    p = ar_accept_token(p, end);
    range->subtype_len = p - range->subtype;

    if (range->subtype_len == 0) {
        return 0;
    }

    range->q = 1000;

    return ar_accept_params(p, end, &range->q);
}


/*
 * The parameters that follow a range or a coding, p to end: sets *q from
 * a "q" one; returns 0 when they do not parse or q is not a weight.
 */

static int
ar_accept_params(const char *p, const char *end, unsigned *q)
{
    size_t       name_len;
    const char  *name, *value;

    for ( ;; ) {
        p = ar_accept_ows(p, end);

        if (p == end) {
            return 1;
        }

        if (*p != ';') {
            return 0;
        }

        p = ar_accept_ows(p + 1, end);

        if (p == end || *p == ';') {
            continue;
        }

        name = p;
        p = ar_accept_token(p, end);
        name_len = p - name;

        if (name_len == 0 || p == end || *p != '=') {
            return 0;
        }

        value = ++p;

        if (p < end && *p == '"') {
            p = ar_accept_quoted(p, end);

            if (p == NULL) {
                return 0;
            }

        } else {
            p = ar_accept_token(p, end);

            if (p == value) {
                return 0;
            }
        }

        if (name_len == 1 && (*name == 'q' || *name == 'Q')
            && !ar_accept_qvalue(value, p - value, q))
        {
            return 0;
        }
    }
}


/* a token: tchar in RFC 9110 */

static const char *
ar_accept_token(const char *p, const char *end)
{
    while (p < end
           && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
               || (*p >= '0' && *p <= '9')
               || (*p != '\0' && strchr("!#$%&'*+-.^_`|~", *p) != NULL)))
    {
        p++;
    }

    return p;
}


/* past the quoted string that starts at p (a '"'); NULL if unterminated */

static const char *
ar_accept_quoted(const char *p, const char *end)
{
    for (p++; p < end; p++) {

        if (*p == '\\' && p + 1 < end) {
            p++;
            continue;
        }

        if (*p == '"') {
            return p + 1;
        }
    }

    return NULL;
}


static const char *
ar_accept_ows(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t')) {
        p++;
    }

    return p;
}


/* qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) */

static int
ar_accept_qvalue(const char *p, size_t len, unsigned *q)
{
    size_t    i;
    unsigned  v, scale;

    if (len == 0 || (p[0] != '0' && p[0] != '1')) {
        return 0;
    }

    v = (p[0] - '0') * 1000;

    if (len > 1) {

        if (p[1] != '.' || len > 5) {
            return 0;
        }

        scale = 100;

        for (i = 2; i < len; i++) {

            if (p[i] < '0' || p[i] > '9' || (p[0] == '1' && p[i] != '0')) {
                return 0;
            }

            v += (p[i] - '0') * scale;
            scale /= 10;
        }
    }

    *q = v;

    return 1;
}


static void
ar_accept_match(ar_accept_match_t *m, const ar_accept_range_t *range)
{
    unsigned  specificity;

    if (ar_accept_is(range->type, range->type_len, "*")
        && ar_accept_is(range->subtype, range->subtype_len, "*"))
    {
        specificity = 1;

    } else if (!ar_accept_is(range->type, range->type_len, "text")) {
        return;

    } else if (ar_accept_is(range->subtype, range->subtype_len, "*")) {
        specificity = 2;

    } else if (ar_accept_is(range->subtype, range->subtype_len,
                            m->subtype))
    {
        specificity = 3;

    } else {
        return;
    }

    if (specificity > m->specificity) {
        m->specificity = specificity;
        m->q = range->q;
    }
}


/* compares without regard to ASCII case */

static int
ar_accept_is(const char *p, size_t len, const char *s)
{
    size_t  i;
    char    c;

    if (strlen(s) != len) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        c = p[i];

        if (c >= 'A' && c <= 'Z') {
            c = (char) (c - 'A' + 'a');
        }

        if (c != s[i]) {
            return 0;
        }
    }

    return 1;
}
