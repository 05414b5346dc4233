/*
 * One block per line.
 *
 * A text with a blank line between two of its lines, outside fenced
 * code, is CommonMark already and is returned as it is.  Otherwise every
 * line is a block of its own, except that
 *
 *   - consecutive list items, with the indented lines under them, are
 *     one list;
 *   - a table header row, its delimiter row and the rows after them that
 *     hold a "|" are one table;
 *   - a fenced code block is kept as written, blank lines and all;
 *   - consecutive ">" lines are one quote, whose text follows these same
 *     rules (section titles excepted);
 *   - consecutive lines indented by four columns are one code block;
 *   - with AR_BLOCK_MATH, a line that opens a display formula with "$$"
 *     and the lines up to the one that closes it are one block;
 *
 * and a blank line is put between the blocks.  With AR_BLOCK_HEADINGS, a
 * line that looks like a section title becomes a level 2 heading: it is
 * followed by a non-blank line, starts no other block (list item, table
 * row, quote, code, heading, thematic break, HTML, link or footnote
 * definition), has at most AR_BLOCK_TITLE_MAX characters without its
 * leading and trailing blanks, a letter or a digit among them, and does
 * not end in ".", "!", "?", ":", ";" or ",".
 *
 * Line ends are kept as written ("\n", "\r\n" or "\r"); the blank lines
 * put between blocks are "\n", or "\r" after a line that ends in a lone
 * "\r".
 */

#include <string.h>

#include "ar_block.h"


/* quotes inside quotes deeper than this are kept as written */
#define AR_BLOCK_DEPTH_MAX  8


typedef enum {
    AR_LINE_BLANK = 0,
    AR_LINE_TEXT,
    AR_LINE_FENCE,           /* opens a fenced code block */
    AR_LINE_QUOTE,
    AR_LINE_ITEM,            /* a list item */
    AR_LINE_BREAK,           /* a thematic break */
    AR_LINE_HEADING,         /* an ATX heading */
    AR_LINE_HTML,
    AR_LINE_DEFINITION,      /* of a link reference or a footnote */
    AR_LINE_CODE             /* indented by four columns or more */
} ar_line_type_e;


typedef struct {
    const char      *data;   /* the line, without its end */
    size_t           len;
    const char      *next;   /* the line after it */
    size_t           pos;    /* of the first non-blank byte */
    size_t           indent; /* in columns; tabs stop every four */
    ar_line_type_e   type;
    size_t           fence_len;
    char             fence;  /* '`' or '~' for AR_LINE_FENCE */
} ar_line_t;


static int ar_block_text(const char *src, size_t len, unsigned flags,
    unsigned depth, ar_buf_t *out);
static int ar_block_uses_blank_lines(const char *p, const char *end);
static void ar_block_line(const char *p, const char *end, ar_line_t *line);
static ar_line_type_e ar_block_type(ar_line_t *line);
static int ar_block_fence_closes(const ar_line_t *line, char fence,
    size_t n);
static const char *ar_block_fence_end(const char *p, const char *end,
    const ar_line_t *open);
static const char *ar_block_list_end(const char *p, const char *end);
static const char *ar_block_table_end(const ar_line_t *line,
    const char *end);
static int ar_block_has_pipe(const ar_line_t *line);
static const char *ar_block_math_end(const ar_line_t *line,
    const char *end);
static size_t ar_block_cells(const ar_line_t *line, int delimiter);
static int ar_block_is_title(const ar_line_t *line, const char *end);
static int ar_block_heading(const ar_line_t *line, ar_buf_t *out);
static int ar_block_quote(const char *p, const char *q, unsigned flags,
    unsigned depth, ar_buf_t *out);


int
ar_block_transform(const char *src, size_t len, unsigned flags,
    ar_buf_t *out)
{
    return ar_block_text(src, len, flags, 0, out);
}


static int
ar_block_text(const char *src, size_t len, unsigned flags, unsigned depth,
    ar_buf_t *out)
{
    int          sep;
    ar_line_t    line, next;
    const char  *p, *q, *end;

    if (len == 0) {
        return AR_OK;
    }

    end = src + len;

    if (ar_block_uses_blank_lines(src, end)) {
        return ar_buf_append(out, src, len);
    }

    sep = 0;

    for (p = src; p < end; p = q) {

        ar_block_line(p, end, &line);
        q = line.next;

        if (line.type == AR_LINE_BLANK) {

            /* only before the first block or after the last one */

            if (ar_buf_append(out, p, q - p) != AR_OK) {
                return AR_ERROR;
            }

            sep = 0;
            continue;
        }

        /* after a lone CR, a LF would only make it a CRLF */

        if (sep && ar_buf_append(out, out->data[out->len - 1] == '\r'
                                      ? "\r" : "\n", 1)
                   != AR_OK)
        {
            return AR_ERROR;
        }

        sep = 1;

        switch (line.type) {

        case AR_LINE_FENCE:
            q = ar_block_fence_end(q, end, &line);
            break;

        case AR_LINE_QUOTE:
            while (q < end) {
                ar_block_line(q, end, &next);

                if (next.type != AR_LINE_QUOTE) {
                    break;
                }

                q = next.next;
            }

            if (ar_block_quote(p, q, flags, depth, out) != AR_OK) {
                return AR_ERROR;
            }

            continue;

        case AR_LINE_ITEM:
            q = ar_block_list_end(q, end);
            break;

        case AR_LINE_CODE:
            while (q < end) {
                ar_block_line(q, end, &next);

                if (next.type != AR_LINE_CODE) {
                    break;
                }

                q = next.next;
            }

            break;

        case AR_LINE_TEXT:
            if (flags & AR_BLOCK_MATH) {
                q = ar_block_math_end(&line, end);

                if (q != line.next) {
                    break;
                }
            }

            q = ar_block_table_end(&line, end);

            if (q != line.next) {
                break;
            }

            if ((flags & AR_BLOCK_HEADINGS) && ar_block_is_title(&line, end))
            {
                if (ar_block_heading(&line, out) != AR_OK) {
                    return AR_ERROR;
                }

                continue;
            }

            break;

        default:
            break;
        }

        if (ar_buf_append(out, p, q - p) != AR_OK) {
            return AR_ERROR;
        }
    }

    return AR_OK;
}


/*
 * The line after a display formula that the line opens with "$$" and
 * does not close, or the line after it when no later line closes it.
 */

static const char *
ar_block_math_end(const ar_line_t *line, const char *end)
{
    const char  *s, *e, *p;
    ar_line_t    next;

    s = line->data + line->pos;
    e = line->data + line->len;

    if (e - s < 2 || s[0] != '$' || s[1] != '$') {
        return line->next;
    }

    for (p = s + 2; p + 1 < e; p++) {
        if (p[0] == '$' && p[1] == '$') {
            return line->next;
        }
    }

    for (p = line->next; p < end; p = next.next) {
        ar_block_line(p, end, &next);

        if (next.type == AR_LINE_BLANK) {
            break;
        }

        for (s = next.data; s + 1 < next.data + next.len; s++) {
            if (s[0] == '$' && s[1] == '$') {
                return next.next;
            }
        }
    }

    return line->next;
}


/* a blank line with text before and after it, outside fenced code */

static int
ar_block_uses_blank_lines(const char *p, const char *end)
{
    int        text, blank;
    ar_line_t  line;

    text = 0;
    blank = 0;

    while (p < end) {
        ar_block_line(p, end, &line);
        p = line.next;

        if (line.type == AR_LINE_BLANK) {
            blank = text;
            continue;
        }

        if (blank) {
            return 1;
        }

        text = 1;

        if (line.type == AR_LINE_FENCE) {
            p = ar_block_fence_end(p, end, &line);
        }
    }

    return 0;
}


static void
ar_block_line(const char *p, const char *end, ar_line_t *line)
{
    size_t       i, col;
    const char  *e;

    for (e = p; e < end && *e != '\n' && *e != '\r'; e++) {
        /* void */
    }

    line->data = p;
    line->len = e - p;

    if (e < end) {
        e += (*e == '\r' && e + 1 < end && e[1] == '\n') ? 2 : 1;
    }

    line->next = e;

    col = 0;

    for (i = 0; i < line->len; i++) {
        if (p[i] == ' ') {
            col++;

        } else if (p[i] == '\t') {
            col += 4 - col % 4;

        } else {
            break;
        }
    }

    line->pos = i;
    line->indent = col;
    line->fence = '\0';
    line->fence_len = 0;
    line->type = ar_block_type(line);
}


/* what block the line would start after a blank line */

static ar_line_type_e
ar_block_type(ar_line_t *line)
{
    char         c;
    size_t       n, k, j;
    const char  *s;

    if (line->pos == line->len) {
        return AR_LINE_BLANK;
    }

    if (line->indent >= 4) {
        return AR_LINE_CODE;
    }

    s = line->data + line->pos;
    n = line->len - line->pos;
    c = s[0];

    switch (c) {

    case '>':
        return AR_LINE_QUOTE;

    case '`':
    case '~':
        for (k = 0; k < n && s[k] == c; k++) {
            /* void */
        }

        if (k >= 3 && (c == '~' || memchr(s + k, '`', n - k) == NULL)) {
            line->fence = c;
            line->fence_len = k;
            return AR_LINE_FENCE;
        }

        return AR_LINE_TEXT;

    case '#':
        for (k = 0; k < n && s[k] == '#'; k++) {
            /* void */
        }

        if (k <= 6 && (k == n || s[k] == ' ' || s[k] == '\t')) {
            return AR_LINE_HEADING;
        }

        return AR_LINE_TEXT;

    case '<':
        return AR_LINE_HTML;

    case '[':
        for (j = 1; j < n && s[j] != ']'; j++) {
            if (s[j] == '\\') {
                j++;
            }
        }

        if (j > 1 && j + 1 < n && s[j + 1] == ':') {
            return AR_LINE_DEFINITION;
        }

        return AR_LINE_TEXT;

    default:
        break;
    }

    if (c == '-' || c == '*' || c == '_') {
        for (j = 0, k = 0; j < n; j++) {
            if (s[j] == c) {
                k++;

            } else if (s[j] != ' ' && s[j] != '\t') {
                break;
            }
        }

        if (j == n && k >= 3) {
            return AR_LINE_BREAK;
        }
    }

    if (c == '-' || c == '*' || c == '+') {
        if (n == 1 || s[1] == ' ' || s[1] == '\t') {
            return AR_LINE_ITEM;
        }

        return AR_LINE_TEXT;
    }

    for (k = 0; k < n && k < 10 && s[k] >= '0' && s[k] <= '9'; k++) {
        /* void */
    }

    if (k > 0 && k < 10 && k < n && (s[k] == '.' || s[k] == ')')
        && (k + 1 == n || s[k + 1] == ' ' || s[k + 1] == '\t'))
    {
        return AR_LINE_ITEM;
    }

    return AR_LINE_TEXT;
}


static int
ar_block_fence_closes(const ar_line_t *line, char fence, size_t n)
{
    size_t  i, k;

    if (line->indent >= 4) {
        return 0;
    }

    for (i = line->pos, k = 0; i < line->len && line->data[i] == fence; i++)
    {
        k++;
    }

    if (k < n) {
        return 0;
    }

    for ( /* void */ ; i < line->len; i++) {
        if (line->data[i] != ' ' && line->data[i] != '\t') {
            return 0;
        }
    }

    return 1;
}


/* the line after the fence that closes "open", or the end of the text */

static const char *
ar_block_fence_end(const char *p, const char *end, const ar_line_t *open)
{
    ar_line_t  line;

    while (p < end) {
        ar_block_line(p, end, &line);
        p = line.next;

        if (ar_block_fence_closes(&line, open->fence, open->fence_len)) {
            break;
        }
    }

    return p;
}


/* list items and the indented lines under them */

static const char *
ar_block_list_end(const char *p, const char *end)
{
    ar_line_t  line;

    while (p < end) {
        ar_block_line(p, end, &line);

        if (line.type == AR_LINE_ITEM) {
            p = line.next;
            continue;
        }

        if (line.type == AR_LINE_BLANK || line.pos == 0) {
            break;
        }

        if (line.type == AR_LINE_FENCE) {
            p = ar_block_fence_end(line.next, end, &line);
            continue;
        }

        p = line.next;
    }

    return p;
}


/*
 * If the line is a table's header row, the end of the table: its
 * delimiter row, with as many cells, and the rows with a "|" after it.
 * Otherwise the next line.
 */

static const char *
ar_block_table_end(const ar_line_t *line, const char *end)
{
    size_t       n;
    ar_line_t    next;
    const char  *p;

    if (line->next >= end || !ar_block_has_pipe(line)) {
        return line->next;
    }

    ar_block_line(line->next, end, &next);

    n = ar_block_cells(&next, 1);

    if (n == 0 || n != ar_block_cells(line, 0)) {
        return line->next;
    }

    for (p = next.next; p < end; p = next.next) {
        ar_block_line(p, end, &next);

        switch (next.type) {

        case AR_LINE_TEXT:
        case AR_LINE_HTML:
        case AR_LINE_DEFINITION:
        case AR_LINE_CODE:
            if (ar_block_has_pipe(&next)) {
                continue;
            }

            break;

        default:
            break;
        }

        break;
    }

    return p;
}


static int
ar_block_has_pipe(const ar_line_t *line)
{
    size_t  i;

    for (i = 0; i < line->len; i++) {
        if (line->data[i] == '\\') {
            i++;

        } else if (line->data[i] == '|') {
            return 1;
        }
    }

    return 0;
}


/*
 * The number of cells in a table row, split at unescaped "|", without a
 * leading and a trailing one.  For a delimiter row, 0 unless every cell
 * is dashes with an optional colon at either end.
 */

static size_t
ar_block_cells(const ar_line_t *line, int delimiter)
{
    size_t       n, dashes;
    const char  *s, *e, *c, *ce;

    s = line->data;
    e = line->data + line->len;

    while (s < e && (*s == ' ' || *s == '\t')) {
        s++;
    }

    while (e > s && (e[-1] == ' ' || e[-1] == '\t')) {
        e--;
    }

    if (s < e && *s == '|') {
        s++;
    }

    if (e > s && e[-1] == '|' && (e - 1 == s || e[-2] != '\\')) {
        e--;
    }

    n = 0;
    c = s;

    for ( ;; ) {
        for (ce = c; ce < e && *ce != '|'; ce++) {
            if (*ce == '\\' && ce + 1 < e) {
                ce++;
            }
        }

        n++;

        if (delimiter) {
            while (c < ce && (*c == ' ' || *c == '\t')) {
                c++;
            }

            if (c < ce && *c == ':') {
                c++;
            }

            for (dashes = 0; c < ce && *c == '-'; c++) {
                dashes++;
            }

            if (c < ce && *c == ':') {
                c++;
            }

            while (c < ce && (*c == ' ' || *c == '\t')) {
                c++;
            }

            if (dashes == 0 || c != ce) {
                return 0;
            }
        }

        if (ce == e) {
            break;
        }

        c = ce + 1;
    }

    return n;
}


static int
ar_block_is_title(const ar_line_t *line, const char *end)
{
    int             alnum;
    size_t          n;
    ar_line_t       next;
    const char     *s, *e;
    unsigned char   c;

    if (line->next >= end) {
        return 0;
    }

    ar_block_line(line->next, end, &next);

    if (next.type == AR_LINE_BLANK) {
        return 0;
    }

    s = line->data + line->pos;
    e = line->data + line->len;

    while (e > s && (e[-1] == ' ' || e[-1] == '\t')) {
        e--;
    }

    if (memchr(".!?:;,", e[-1], 6) != NULL) {
        return 0;
    }

    /*
     * characters: bytes that do not continue a UTF-8 sequence; letters
     * and digits: ASCII ones, or any character beyond ASCII
     */

    for (n = 0, alnum = 0; s < e; s++) {
        c = (unsigned char) *s;

        if ((c & 0xc0) != 0x80 && ++n > AR_BLOCK_TITLE_MAX) {
            return 0;
        }

        alnum |= (c >= 0x80 || (c >= '0' && c <= '9')
                  || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'));
    }

    return alnum;
}


/*
 * "## " and the line's text; a closing run of "#" that an ATX heading
 * would drop is escaped.
 */

static int
ar_block_heading(const ar_line_t *line, ar_buf_t *out)
{
    const char  *s, *e, *r;

    s = line->data + line->pos;
    e = line->data + line->len;

    while (e > s && (e[-1] == ' ' || e[-1] == '\t')) {
        e--;
    }

    for (r = e; r > s && r[-1] == '#'; r--) {
        /* void */
    }

    if (ar_buf_append(out, "## ", 3) != AR_OK) {
        return AR_ERROR;
    }

    if (r < e && (r == s || r[-1] == ' ' || r[-1] == '\t')) {
        if (ar_buf_append(out, s, r - s) != AR_OK
            || ar_buf_append(out, "\\", 1) != AR_OK)
        {
            return AR_ERROR;
        }

        s = r;
    }

    if (ar_buf_append(out, s, e - s) != AR_OK) {
        return AR_ERROR;
    }

    e = line->data + line->len;

    return ar_buf_append(out, e, line->next - e);
}


/*
 * The quote's lines without their ">" (and one blank after it), turned
 * into blocks on their own, each line given "> " back (a blank one just
 * ">").  A last line without a line end gets one for the while, so that
 * even a lone ">" stays a line.
 */

static int
ar_block_quote(const char *p, const char *q, unsigned flags, unsigned depth,
    ar_buf_t *out)
{
    int          rc, eol;
    ar_buf_t     inner, text;
    ar_line_t    line;
    const char  *s, *b, *e, *end;

    if (depth >= AR_BLOCK_DEPTH_MAX) {
        return ar_buf_append(out, p, q - p);
    }

    memset(&inner, 0, sizeof(ar_buf_t));
    memset(&text, 0, sizeof(ar_buf_t));

    rc = AR_OK;
    eol = 1;

    for (s = p; rc == AR_OK && s < q; s = line.next) {
        ar_block_line(s, q, &line);

        b = line.data + line.pos + 1;

        if (b < line.data + line.len && *b == ' ') {
            b++;
        }

        rc = ar_buf_append(&inner, b, line.next - b);

        if (rc == AR_OK && line.next == line.data + line.len) {
            eol = 0;
            rc = ar_buf_append(&inner, "\n", 1);
        }
    }

    if (rc == AR_OK) {
        rc = ar_block_text(inner.data, inner.len, flags & ~AR_BLOCK_HEADINGS,
                           depth + 1, &text);
    }

    if (rc == AR_OK) {
        end = text.data + text.len;

        for (s = text.data; rc == AR_OK && s < end; s = line.next) {
            ar_block_line(s, end, &line);

            if (line.type == AR_LINE_BLANK) {
                b = s + line.len;
                rc = ar_buf_append(out, ">", 1);

            } else {
                b = s;
                rc = ar_buf_append(out, "> ", 2);
            }

            /* the line end added for the while goes again */

            e = (line.next == end && !eol) ? s + line.len : line.next;

            if (rc == AR_OK) {
                rc = ar_buf_append(out, b, e - b);
            }
        }
    }

    ar_buf_free(&inner);
    ar_buf_free(&text);

    return rc;
}
