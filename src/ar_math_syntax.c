/*
 * Formulas in Markdown, read as GitHub reads them.
 *
 * "$" is one of cmark-gfm's special inline characters while the
 * extension is attached: where the inline parser meets one outside code
 * spans and escapes, ar_math_syntax_match() looks for the formula's end
 * and, when there is one, makes the formula a code node marked with the
 * extension, its literal the TeX source.  So "$" in code stays text, "\$"
 * is a dollar, and "_" or "*" inside a formula is no emphasis.  An
 * inline "$" opens at the start of a line or after a blank (or an
 * opening punctuation mark: see ar_math_syntax_opens()) and before a
 * non-blank, and closes after a non-blank and not before a digit, so
 * that "$5 and $10" stays text.  "$$...$$" is a display formula
 * anywhere; "```math" blocks are found by ar_math_syntax_is_math().
 *
 * Formulas keep their source as code nodes until the tree has given the
 * title and the table of contents their text; ar_math_syntax_render()
 * then puts custom nodes holding their MathML in their place.  A table
 * cell takes no custom node: there the custom node goes into an
 * emphasis node that the "ar-math-wrap" extension renders as nothing,
 * which the cell takes.  Formulas in an image's description are left
 * as code: the description is plain text.
 *
 * A paragraph with many "$" and no closing one would be scanned to its
 * end from each: the first scan that finds no end remembers where it
 * started, and so does a search for the end of a code span inside a
 * formula, for this paragraph (ar_math_memo).
 */

#include <limits.h>
#include <string.h>

#include <cmark-gfm-extension_api.h>

#include "ar_arena.h"
#include "ar_math.h"
#include "ar_math_syntax.h"


/*
 * The head of cmark-gfm's cmark_chunk, the text an inline parser reads,
 * which its public headers declare but do not define.
 */

typedef struct {
    unsigned char  *data;
    int32_t         len;
} ar_math_chunk_t;


#define AR_MATH_INLINE    0
#define AR_MATH_BLOCK     1
#define AR_MATH_TICK      2

/* code spans inside formulas: backtick runs longer are taken as text */
#define AR_MATH_TICKS_MAX  16


typedef struct {
    const unsigned char  *data;      /* the paragraph being read */
    int                   len;
    int                   none[3];   /* no end of a formula from here */
    int                   ticks[AR_MATH_TICKS_MAX];
                                     /* no run of that many backticks */
} ar_math_memo_t;


static cmark_node *ar_math_syntax_match(cmark_syntax_extension *ext,
    cmark_parser *parser, cmark_node *parent, unsigned char c,
    cmark_inline_parser *inline_parser);
static int ar_math_syntax_opens(unsigned char prev);
static int ar_math_syntax_end(const unsigned char *s, int len, int pos,
    int kind);
static int ar_math_syntax_code_span(const unsigned char *s, int len,
    int pos, int n);
static void ar_math_syntax_memo(const unsigned char *s, int len);
static cmark_node *ar_math_syntax_node(const unsigned char *s, int len,
    cmark_syntax_extension *ext);
static int ar_math_syntax_replace(cmark_node *node, cmark_node *custom,
    cmark_mem *mem);
static void ar_math_syntax_wrap(cmark_syntax_extension *ext,
    struct cmark_html_renderer *renderer, cmark_node *node,
    cmark_event_type ev, int options);


static __thread ar_math_memo_t  ar_math_memo;

static cmark_syntax_extension  *ar_math_syntax_ext;
static cmark_syntax_extension  *ar_math_display_ext;
static cmark_syntax_extension  *ar_math_wrap_ext;


int
ar_math_syntax_init(void)
{
    cmark_mem    *mem;
    cmark_llist  *chars;

    if (ar_math_syntax_ext != NULL) {
        return AR_OK;
    }

    mem = cmark_get_default_mem_allocator();

    ar_math_syntax_ext = cmark_syntax_extension_new("ar-math");
    ar_math_display_ext = cmark_syntax_extension_new("ar-math-display");
    ar_math_wrap_ext = cmark_syntax_extension_new("ar-math-wrap");

    if (ar_math_syntax_ext == NULL || ar_math_display_ext == NULL
        || ar_math_wrap_ext == NULL)
    {
        return AR_ERROR;
    }

    cmark_syntax_extension_set_html_render_func(ar_math_wrap_ext,
                                                ar_math_syntax_wrap);

    chars = cmark_llist_append(mem, NULL, (void *) (uintptr_t) '$');
    if (chars == NULL) {
        return AR_ERROR;
    }

    cmark_syntax_extension_set_special_inline_chars(ar_math_syntax_ext,
                                                    chars);
    cmark_syntax_extension_set_match_inline_func(ar_math_syntax_ext,
                                                 ar_math_syntax_match);

    return AR_OK;
}


/* at exit, or when nginx unloads the module: no render runs then */

__attribute__((destructor)) static void
ar_math_syntax_done(void)
{
    cmark_mem  *mem;

    mem = cmark_get_default_mem_allocator();

    if (ar_math_syntax_ext != NULL) {
        cmark_syntax_extension_free(mem, ar_math_syntax_ext);
        ar_math_syntax_ext = NULL;
    }

    if (ar_math_display_ext != NULL) {
        cmark_syntax_extension_free(mem, ar_math_display_ext);
        ar_math_display_ext = NULL;
    }

    if (ar_math_wrap_ext != NULL) {
        cmark_syntax_extension_free(mem, ar_math_wrap_ext);
        ar_math_wrap_ext = NULL;
    }
}


/* for each parse: what an earlier one remembered is forgotten */

int
ar_math_syntax_attach(cmark_parser *parser)
{
    memset(&ar_math_memo, 0, sizeof(ar_math_memo_t));

    if (ar_math_syntax_ext == NULL
        || !cmark_parser_attach_syntax_extension(parser, ar_math_syntax_ext))
    {
        return AR_ERROR;
    }

    return AR_OK;
}


static cmark_node *
ar_math_syntax_match(cmark_syntax_extension *ext, cmark_parser *parser,
    cmark_node *parent, unsigned char c, cmark_inline_parser *inline_parser)
{
    int                   pos, len, end;
    unsigned char         prev, next;
    cmark_node           *node;
    ar_math_chunk_t      *chunk;
    const unsigned char  *s;

    if (c != '$') {
        return NULL;
    }

    chunk = (ar_math_chunk_t *) cmark_inline_parser_get_chunk(inline_parser);
    s = chunk->data;
    len = chunk->len;
    pos = cmark_inline_parser_get_offset(inline_parser);

    if (pos < 0 || pos >= len || s[pos] != '$') {
        return NULL;
    }

    ar_math_syntax_memo(s, len);

    next = (pos + 1 < len) ? s[pos + 1] : '\0';

    if (next == '$') {
        end = ar_math_syntax_end(s, len, pos + 2, AR_MATH_BLOCK);
        if (end < 0) {
            return NULL;
        }

        node = ar_math_syntax_node(s + pos + 2, end - pos - 2,
                                   ar_math_display_ext);
        end += 2;

    } else if (next == '`') {
        end = ar_math_syntax_end(s, len, pos + 2, AR_MATH_TICK);
        if (end < 0) {
            return NULL;
        }

        node = ar_math_syntax_node(s + pos + 2, end - pos - 2,
                                   ar_math_syntax_ext);
        end += 2;

    } else {
        prev = (pos > 0) ? s[pos - 1] : '\n';

        if (!ar_math_syntax_opens(prev)
            || next == '\0' || next == ' ' || next == '\t' || next == '\n'
            || next == '\r')
        {
            return NULL;
        }

        end = ar_math_syntax_end(s, len, pos + 1, AR_MATH_INLINE);
        if (end < 0) {
            return NULL;
        }

        node = ar_math_syntax_node(s + pos + 1, end - pos - 1,
                                   ar_math_syntax_ext);
        end += 1;
    }

    if (node != NULL) {
        cmark_inline_parser_set_offset(inline_parser, end);
    }

    return node;
}


/*
 * What an inline "$" may follow: a blank, the start of the paragraph,
 * or, as in "($x$)", a punctuation mark that does not close.  Never a
 * letter or a digit ("US$5"), nor a "$", "\\" or backtick.
 */

static int
ar_math_syntax_opens(unsigned char prev)
{
    switch (prev) {

    case ' ': case '\t': case '\n': case '\r':
    case '(': case '[': case '{': case '"': case '\'': case '<': case '-':
    case '/': case ',': case ';': case ':': case '|': case '=': case '+':
    case '*': case '~': case '_': case '!': case '?': case '.': case '&':
        return 1;

    default:
        return 0;
    }
}


/*
 * Where the formula whose source starts at "pos" ends: the offset of
 * its closing "$", "$$" or "`$", or -1.  A source is never empty.
 */

static int
ar_math_syntax_end(const unsigned char *s, int len, int pos, int kind)
{
    int  i, n, skip;

    if (ar_math_memo.none[kind] && pos >= ar_math_memo.none[kind]) {
        return -1;
    }

    for (i = pos; i < len; i++) {

        switch (s[i]) {

        case '\\':
            i++;
            continue;

        case '`':
            if (kind == AR_MATH_TICK) {
                if (i > pos && i + 1 < len && s[i + 1] == '$') {
                    return i;
                }

                continue;
            }

            if (kind == AR_MATH_BLOCK) {
                continue;
            }

            /* a code span inside: the "$" in it is text */

            for (n = 1; i + n < len && s[i + n] == '`'; n++) {
                /* void */
            }

            skip = ar_math_syntax_code_span(s, len, i + n, n);
            i = (skip < 0) ? i + n - 1 : skip - 1;
            continue;

        case '$':
            if (kind == AR_MATH_BLOCK) {
                if (i > pos && i + 1 < len && s[i + 1] == '$') {
                    return i;
                }

                continue;
            }

            if (kind == AR_MATH_INLINE && i > pos
                && s[i - 1] != ' ' && s[i - 1] != '\t'
                && s[i - 1] != '\n' && s[i - 1] != '\r'
                && (i + 1 == len || s[i + 1] < '0' || s[i + 1] > '9'))
            {
                return i;
            }

            continue;

        default:
            continue;
        }
    }

    ar_math_memo.none[kind] = pos;

    return -1;
}


/* the offset after the run of n backticks that closes a code span */

static int
ar_math_syntax_code_span(const unsigned char *s, int len, int pos, int n)
{
    int  i, k;

    if (n >= AR_MATH_TICKS_MAX
        || (ar_math_memo.ticks[n] && pos >= ar_math_memo.ticks[n]))
    {
        return -1;
    }

    for (i = pos; i < len; i += k ? k : 1) {
        for (k = 0; i + k < len && s[i + k] == '`'; k++) {
            /* void */
        }

        if (k == n) {
            return i + k;
        }
    }

    ar_math_memo.ticks[n] = pos;

    return -1;
}


static void
ar_math_syntax_memo(const unsigned char *s, int len)
{
    if (ar_math_memo.data != s || ar_math_memo.len != len) {
        memset(&ar_math_memo, 0, sizeof(ar_math_memo_t));
        ar_math_memo.data = s;
        ar_math_memo.len = len;
    }
}


static cmark_node *
ar_math_syntax_node(const unsigned char *s, int len,
    cmark_syntax_extension *ext)
{
    char        *literal;
    cmark_mem   *mem;
    cmark_node  *node;

    mem = ar_mem_cmark();

    node = cmark_node_new_with_mem(CMARK_NODE_CODE, mem);
    literal = mem->realloc(NULL, len + 1);

    if (node == NULL || literal == NULL) {
        if (node != NULL) {
            cmark_node_free(node);
        }

        mem->free(literal);
        return NULL;
    }

    memcpy(literal, s, len);
    literal[len] = '\0';

    if (!cmark_node_set_literal(node, literal)
        || !cmark_node_set_syntax_extension(node, ext))
    {
        cmark_node_free(node);
        node = NULL;
    }

    mem->free(literal);

    return node;
}


/* a formula of ours, or a "```math" block */

int
ar_math_syntax_is_math(cmark_node *node)
{
    size_t                   n;
    const char              *info;
    cmark_node              *up;
    cmark_syntax_extension  *ext;

    switch (cmark_node_get_type(node)) {

    case CMARK_NODE_CODE:
        ext = cmark_node_get_syntax_extension(node);

        if (ext == NULL
            || (ext != ar_math_syntax_ext && ext != ar_math_display_ext))
        {
            return 0;
        }

        for (up = cmark_node_parent(node);
             up != NULL && cmark_node_get_type(up) != CMARK_NODE_PARAGRAPH;
             up = cmark_node_parent(up))
        {
            if (cmark_node_get_type(up) == CMARK_NODE_IMAGE) {
                return 0;
            }
        }

        return 1;

    case CMARK_NODE_CODE_BLOCK:
        info = cmark_node_get_fence_info(node);

        if (info == NULL || strncmp(info, "math", 4) != 0) {
            return 0;
        }

        n = strspn(info + 4, " \t");

        return info[4 + n] == '\0';

    default:
        return 0;
    }
}


/*
 * Each formula the walk found is replaced with a custom node holding its
 * MathML, or its error element.  In the render's arena: a failure there
 * unwinds the render, which frees what was taken.
 */

int
ar_math_syntax_render(const ar_nodes_t *math, cmark_mem *mem)
{
    int          rc, block;
    size_t       i;
    unsigned     flags;
    ar_buf_t     html;
    const char  *tex;
    cmark_node  *node, *custom;

    for (i = 0; i < math->n; i++) {
        node = math->elts[i];

        block = (cmark_node_get_type(node) == CMARK_NODE_CODE_BLOCK);
        flags = (block || cmark_node_get_syntax_extension(node)
                          == ar_math_display_ext)
                ? AR_MATH_DISPLAY : 0;

        tex = cmark_node_get_literal(node);
        if (tex == NULL) {
            tex = "";
        }

        memset(&html, 0, sizeof(ar_buf_t));

        rc = ar_math_mathml(tex, strlen(tex), flags, &html);

        if (rc == AR_MATH_INVALID && block) {
            rc = ar_buf_append(&html, "\n", 1);
        }

        /* the string given to cmark-gfm ends with a NUL */

        if (rc == AR_ERROR || ar_buf_append(&html, "", 1) != AR_OK) {
            return AR_ERROR;
        }

        custom = cmark_node_new_with_mem(block ? CMARK_NODE_CUSTOM_BLOCK
                                               : CMARK_NODE_CUSTOM_INLINE,
                                         mem);
        if (custom == NULL) {
            return AR_ERROR;
        }

        if (!cmark_node_set_on_enter(custom, html.data)
            || !cmark_node_set_on_exit(custom, "")
            || ar_math_syntax_replace(node, custom, mem) != AR_OK)
        {
            return AR_ERROR;
        }

        ar_buf_free(&html);
        cmark_node_free(node);
    }

    return AR_OK;
}


static int
ar_math_syntax_replace(cmark_node *node, cmark_node *custom, cmark_mem *mem)
{
    cmark_node  *wrap;

    if (cmark_node_replace(node, custom)) {
        return AR_OK;
    }

    wrap = cmark_node_new_with_mem(CMARK_NODE_EMPH, mem);

    if (wrap == NULL
        || cmark_node_get_type(custom) != CMARK_NODE_CUSTOM_INLINE
        || !cmark_node_set_syntax_extension(wrap, ar_math_wrap_ext)
        || !cmark_node_replace(node, wrap)
        || !cmark_node_append_child(wrap, custom))
    {
        return AR_ERROR;
    }

    return AR_OK;
}


/* the emphasis around a formula in a table cell: nothing of its own */

static void
ar_math_syntax_wrap(cmark_syntax_extension *ext,
    struct cmark_html_renderer *renderer, cmark_node *node,
    cmark_event_type ev, int options)
{
    ar_arena_check_running();
}
