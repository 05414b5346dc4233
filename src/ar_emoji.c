/*
 * Emoji shortcodes, as GitHub writes them: ":name:" in the text of the
 * parsed document, for a name of gemoji's list (ar_emoji_table.c),
 * becomes the emoji's characters.  Only text nodes are read, so code
 * spans, code blocks and raw HTML are never changed here, nor is the
 * text of an autolink (a link whose text ends its address); the text
 * inside sanitized raw HTML is read by ar_sanitize.c, after its parse,
 * with the same rules (ar_emoji_next()).  A shortcode is not taken
 * after or before a letter, digit or "_" (so a time such as 10:30:45
 * stays as it is), nor inside a word of the text that is an
 * address ("https://...", "www...."), as where autolinks are off.
 *
 * The parser splits text at the characters that may start markup (such
 * as "_" and ":"), so the text of a run of sibling text nodes is read as
 * one; where it changes, each emoji becomes a text node of its own that
 * keeps its name, from which a heading's id is made: GitHub makes the id
 * of "## :rocket: Launch" from the text as written, "rocket-launch".
 */

#include <string.h>
#include <strings.h>

#include <cmark-gfm-extension_api.h>

#include "ar_buf.h"
#include "ar_emoji.h"


/* longer than the longest name (40 bytes) */
#define AR_EMOJI_NAME_MAX     64

/*
 * How far back a shortcode's word is read for an address: a text of
 * shortcodes without a blank would otherwise be read back to its start
 * for each one
 */
#define AR_EMOJI_ADDRESS_MAX  512


static int ar_emoji_run(cmark_node *first, cmark_mem *mem);
static int ar_emoji_piece(cmark_node *first, cmark_node **last,
    cmark_mem *mem, const char *p, size_t n, const char *name,
    ar_buf_t *tmp);
static int ar_emoji_in_address(const char *s, size_t i);
static int ar_emoji_autolink(cmark_node *link);
static int ar_emoji_plain(cmark_node *node);
static int ar_emoji_code_tag(const char *tag);


/* the characters of a name, and what may not touch a shortcode */

#define ar_emoji_word(c)                                                     \
    (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z')               \
     || ((c) >= '0' && (c) <= '9') || (c) == '_')

#define ar_emoji_name_char(c)                                                \
    (((c) >= 'a' && (c) <= 'z') || ((c) >= '0' && (c) <= '9')               \
     || (c) == '_' || (c) == '+' || (c) == '-')


/*
 * Whether the Markdown src may hold a shortcode: a colon, a name and a
 * colon in it (an escape may stand in the name: "\_"), or a character
 * reference ("&" and "#" or a letter), which may be any of them.  A
 * table's ":---:" is no name, and "&&" no reference.
 */

int
ar_emoji_possible(const char *src, size_t len)
{
    int          alnum;
    const char  *p, *end;

    /* with "newline block", an empty source may be NULL */

    if (len == 0) {
        return 0;
    }

    end = src + len;

    for (p = memchr(src, '&', len);
         p != NULL && p + 1 < end;
         p = memchr(p + 1, '&', end - p - 1))
    {
        if (p[1] == '#' || (p[1] >= 'a' && p[1] <= 'z')
            || (p[1] >= 'A' && p[1] <= 'Z'))
        {
            return 1;
        }
    }

    p = memchr(src, ':', len);

    while (p != NULL) {
        alnum = 0;

        for (p++; p < end && (ar_emoji_name_char(*p) || *p == '\\'); p++) {
            alnum |= (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9');
        }

        if (p == end) {
            return 0;
        }

        if (*p == ':' && alnum) {
            return 1;
        }

        p = memchr(p, ':', end - p);
    }

    return 0;
}


/*
 * Replaces the shortcodes in the text below root, which may be the
 * document or one block of it; new nodes are allocated from mem.  The
 * walk keeps no stack: quotes and lists may nest a hundred thousand
 * deep.  Text after an inline <code>, <tt> or <pre> tag of raw HTML,
 * up to its end tag or the end of the block, is code to a browser, and
 * GitHub leaves it as it is.
 */

int
ar_emoji_replace(cmark_node *root, cmark_mem *mem)
{
    int          code;
    cmark_node  *node, *next, *prev;

    node = root;
    code = 0;

    for ( ;; ) {

        if ((cmark_node_get_type(node) & CMARK_NODE_TYPE_MASK)
            == CMARK_NODE_TYPE_BLOCK)
        {
            code = 0;
        }

        switch (cmark_node_get_type(node)) {

        case CMARK_NODE_HTML_INLINE:
            code += ar_emoji_code_tag(cmark_node_get_literal(node));
            code = (code < 0) ? 0 : code;
            next = NULL;
            break;

        case CMARK_NODE_TEXT:
            prev = cmark_node_previous(node);

            if (code == 0
                && ar_emoji_plain(node)
                && (prev == NULL || !ar_emoji_plain(prev))
                && ar_emoji_run(node, mem) != AR_OK)
            {
                return AR_ERROR;
            }

            next = NULL;
            break;

        case CMARK_NODE_LINK:
            next = ar_emoji_autolink(node) ? NULL
                                           : cmark_node_first_child(node);
            break;

        default:
            next = cmark_node_first_child(node);
            break;
        }

        while (next == NULL && node != root) {
            next = cmark_node_next(node);

            if (next == NULL) {
                node = cmark_node_parent(node);
            }
        }

        if (next == NULL) {
            return AR_OK;
        }

        node = next;
    }
}


/* 1 for a start tag of code, tt or pre, -1 for an end tag, or 0 */

static int
ar_emoji_code_tag(const char *tag)
{
    int     end;
    size_t  n;

    if (tag == NULL || tag[0] != '<') {
        return 0;
    }

    end = (tag[1] == '/');
    tag += 1 + end;

    for (n = 0; ar_emoji_word(tag[n]) || tag[n] == '-'; n++) {
        /* void */
    }

    if ((n == 4 && strncasecmp(tag, "code", 4) == 0)
        || (n == 2 && strncasecmp(tag, "tt", 2) == 0)
        || (n == 3 && strncasecmp(tag, "pre", 3) == 0))
    {
        return end ? -1 : 1;
    }

    return 0;
}


/* a text node of the parser's, not one an extension made */

static int
ar_emoji_plain(cmark_node *node)
{
    return cmark_node_get_type(node) == CMARK_NODE_TEXT
           && cmark_node_get_syntax_extension(node) == NULL;
}


/* a link that shows its own address: <https://...>, or an autolink */

static int
ar_emoji_autolink(cmark_node *link)
{
    size_t       url_len, len;
    const char  *url, *text;
    cmark_node  *child;

    child = cmark_node_first_child(link);

    if (child == NULL || cmark_node_next(child) != NULL
        || cmark_node_get_type(child) != CMARK_NODE_TEXT)
    {
        return 0;
    }

    url = cmark_node_get_url(link);
    text = cmark_node_get_literal(child);

    if (url == NULL || text == NULL) {
        return 0;
    }

    url_len = strlen(url);
    len = strlen(text);

    return len <= url_len && memcmp(url + url_len - len, text, len) == 0;
}


/*
 * The run of text nodes that starts with first, where it has shortcodes:
 * first keeps the text before the first one, and each emoji and the text
 * after it are nodes of their own after it.
 */

static int
ar_emoji_run(cmark_node *first, cmark_mem *mem)
{
    int              rc;
    size_t           pos, colons;
    ar_buf_t         text, tmp;
    const char      *s;
    cmark_node      *node, *last;
    ar_emoji_code_t  code;

    memset(&text, 0, sizeof(ar_buf_t));
    memset(&tmp, 0, sizeof(ar_buf_t));

    /*
     * Most runs have no two colons, and are left before anything is
     * copied; the copy is read after the nodes' literals are replaced.
     */

    colons = 0;

    for (node = first;
         colons < 2 && node != NULL && ar_emoji_plain(node);
         node = cmark_node_next(node))
    {
        for (s = cmark_node_get_literal(node);
             s != NULL && (s = strchr(s, ':')) != NULL;
             s++)
        {
            colons++;
        }
    }

    if (colons < 2) {
        return AR_OK;
    }

    rc = AR_OK;

    for (node = first;
         rc == AR_OK && node != NULL && ar_emoji_plain(node);
         node = cmark_node_next(node))
    {
        s = cmark_node_get_literal(node);

        if (s != NULL) {
            rc = ar_buf_append(&text, s, strlen(s));
        }
    }

    pos = 0;

    if (rc != AR_OK || !ar_emoji_next(text.data, text.len, pos, &code)) {
        goto done;
    }

    while ((node = cmark_node_next(first)) != NULL && ar_emoji_plain(node)) {
        cmark_node_free(node);
    }

    last = NULL;

    do {
        rc = ar_emoji_piece(first, &last, mem, text.data + pos,
                            code.start - pos, NULL, &tmp);

        if (rc == AR_OK) {
            rc = ar_emoji_piece(first, &last, mem, code.utf8,
                                strlen(code.utf8), code.name, &tmp);
        }

        pos = code.end;

    } while (rc == AR_OK && ar_emoji_next(text.data, text.len, pos, &code));

    if (rc == AR_OK) {
        rc = ar_emoji_piece(first, &last, mem, text.data + pos,
                            text.len - pos, NULL, &tmp);
    }

done:

    ar_buf_free(&text);
    ar_buf_free(&tmp);

    return rc;
}


/*
 * One piece of a run: the first is first's own text.  An emoji's node
 * carries its name as user data, for the heading ids (ar_toc.c).
 */

static int
ar_emoji_piece(cmark_node *first, cmark_node **last, cmark_mem *mem,
    const char *p, size_t n, const char *name, ar_buf_t *tmp)
{
    cmark_node  *node;

    if (*last != NULL && n == 0) {
        return AR_OK;
    }

    /* a literal is a C string */

    tmp->len = 0;

    if (ar_buf_append(tmp, p, n) != AR_OK
        || ar_buf_append(tmp, "", 1) != AR_OK)
    {
        return AR_ERROR;
    }

    if (*last == NULL) {
        *last = first;
        return cmark_node_set_literal(first, tmp->data) ? AR_OK : AR_ERROR;
    }

    node = cmark_node_new_with_mem(CMARK_NODE_TEXT, mem);

    if (node == NULL
        || !cmark_node_set_literal(node, tmp->data)
        || (name != NULL && !cmark_node_set_user_data(node, (void *) name))
        || !cmark_node_insert_after(*last, node))
    {
        return AR_ERROR;
    }

    *last = node;

    return AR_OK;
}


/*
 * The first shortcode of the text at or after s[i], if any: the rules
 * of both the parsed text and the raw HTML's text (ar_sanitize.c).
 */

int
ar_emoji_next(const char *s, size_t len, size_t i, ar_emoji_code_t *code)
{
    size_t       j, k;
    const char  *p;

    while (i + 2 < len) {
        p = memchr(s + i, ':', len - i - 2);
        if (p == NULL) {
            return 0;
        }

        i = p - s;

        if (i > 0 && ar_emoji_word(s[i - 1])) {
            i++;
            continue;
        }

        for (j = i + 1;
             j < len && j - i <= AR_EMOJI_NAME_MAX && ar_emoji_name_char(s[j]);
             j++)
        {
            /* void */
        }

        if (j == i + 1 || j == len || s[j] != ':'
            || (j + 1 < len && ar_emoji_word(s[j + 1])))
        {
            i++;
            continue;
        }

        k = ar_emoji_find(s + i + 1, j - i - 1);

        if (k == ar_emoji_n || ar_emoji_in_address(s, i)) {
            i++;
            continue;
        }

        code->start = i;
        code->end = j + 1;
        code->name = ar_emoji_table[k].name;
        code->utf8 = ar_emoji_table[k].utf8;

        return 1;
    }

    return 0;
}


/* whether the word of the text up to s[i], its last bytes, is an address */

static int
ar_emoji_in_address(const char *s, size_t i)
{
    size_t  k;

    k = i;

    while (k > 0 && i - k < AR_EMOJI_ADDRESS_MAX
           && s[k - 1] != ' ' && s[k - 1] != '\t'
           && s[k - 1] != '\n' && s[k - 1] != '(' && s[k - 1] != '<')
    {
        k--;
    }

    if (i - k >= 4 && memcmp(s + k, "www.", 4) == 0) {
        return 1;
    }

    for ( /* void */ ; k + 3 <= i; k++) {
        if (memcmp(s + k, "://", 3) == 0) {
            return 1;
        }
    }

    return 0;
}


/* the index of a name in the table, or ar_emoji_n: a binary search */

size_t
ar_emoji_find(const char *name, size_t len)
{
    int     c;
    size_t  lo, hi, mid;

    lo = 0;
    hi = ar_emoji_n;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;

        c = strncmp(ar_emoji_table[mid].name, name, len);

        if (c == 0 && ar_emoji_table[mid].name[len] != '\0') {
            c = 1;
        }

        if (c == 0) {
            return mid;
        }

        if (c < 0) {
            lo = mid + 1;

        } else {
            hi = mid;
        }
    }

    return ar_emoji_n;
}
