/*
 * GitHub's alerts.  A block quote of the article's own (not one inside
 * a quote, a list or a footnote) whose first line is exactly one of the
 * five markers, in any case, and which holds something after it, becomes
 *
 *     <div class="markdown-alert markdown-alert-note">
 *     <p class="markdown-alert-title"><svg ...>...</svg>Note</p>
 *     ...the rest of the quote...
 *     </div>
 *
 * as GitHub renders it; anything else stays a block quote.  The quote is
 * replaced with a custom block around its children, so that cmark-gfm
 * still renders (and in safe mode escapes) what the author wrote, while
 * the markup around it is ours.  The marker line is read from the parsed
 * inlines: the same in every newline mode, where it ends with a soft or
 * a hard line break, or is a paragraph of its own.
 */

#include <string.h>

#include "ar_alert.h"
#include "ar_arena.h"


/* the longest marker, "[!IMPORTANT]" */
#define AR_ALERT_MARKER_MAX  12


#define ar_alert_open(kind, title, icon)                                     \
    "<div class=\"markdown-alert markdown-alert-" kind "\">\n"               \
    "<p class=\"markdown-alert-title\"><svg class=\"markdown-alert-icon\" "  \
    "viewBox=\"0 0 16 16\" width=\"16\" height=\"16\" aria-hidden=\"true\" " \
    "fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.5\" "            \
    "stroke-linecap=\"round\" stroke-linejoin=\"round\">" icon "</svg>"      \
    title "</p>"

#define ar_alert_dot(cx, cy)                                                 \
    "<circle cx=\"" cx "\" cy=\"" cy "\" r=\"1\" fill=\"currentColor\" "     \
    "stroke=\"none\"/>"


static const struct {
    const char  *marker;
    const char  *open;
} ar_alert_kinds[] = {

    { "[!note]",
      ar_alert_open("note", "Note",
          "<circle cx=\"8\" cy=\"8\" r=\"6.75\"/>"
          "<path d=\"M8 7.25v4\"/>"
          ar_alert_dot("8", "4.75")) },

    { "[!tip]",
      ar_alert_open("tip", "Tip",
          "<path d=\"M5.75 11.25c0-1.75-2.5-3-2.5-5.5a4.75 4.75 0 0 1 9.5 0"
          "c0 2.5-2.5 3.75-2.5 5.5Z\"/>"
          "<path d=\"M6 14.25h4\"/>") },

    { "[!important]",
      ar_alert_open("important", "Important",
          "<path d=\"M1.75 1.75h12.5v9.5H8.5l-3.25 3v-3h-3.5Z\"/>"
          "<path d=\"M8 4v3.5\"/>"
          ar_alert_dot("8", "9.5")) },

    { "[!warning]",
      ar_alert_open("warning", "Warning",
          "<path d=\"M8 1.5l6.75 12.75H1.25Z\"/>"
          "<path d=\"M8 6v3.75\"/>"
          ar_alert_dot("8", "12")) },

    { "[!caution]",
      ar_alert_open("caution", "Caution",
          "<path d=\"M5.25 1.25h5.5l4 4v5.5l-4 4h-5.5l-4-4v-5.5Z\"/>"
          "<path d=\"M8 4.5v4\"/>"
          ar_alert_dot("8", "11.25")) }
};

#define AR_ALERT_NKINDS  (sizeof(ar_alert_kinds) / sizeof(ar_alert_kinds[0]))


static int ar_alert_kind(cmark_node *quote, cmark_node **end);
static int ar_alert_wrap(cmark_node *quote, cmark_node *end,
    const char *open);


int
ar_alert_transform(cmark_node *doc)
{
    int          kind;
    cmark_node  *node, *next, *end;

    for (node = cmark_node_first_child(doc); node != NULL; node = next) {
        next = cmark_node_next(node);

        if (cmark_node_get_type(node) != CMARK_NODE_BLOCK_QUOTE) {
            continue;
        }

        kind = ar_alert_kind(node, &end);

        if (kind < 0) {
            continue;
        }

        if (ar_alert_wrap(node, end, ar_alert_kinds[kind].open) != AR_OK) {
            return AR_ERROR;
        }
    }

    return AR_OK;
}


/*
 * The kind of alert the quote is, or -1; *end is set to the node after
 * the marker's text in the quote's first paragraph: a line break, or
 * NULL when the marker is the whole paragraph.
 */

static int
ar_alert_kind(cmark_node *quote, cmark_node **end)
{
    char          marker[AR_ALERT_MARKER_MAX];
    size_t        len, n, i;
    cmark_node   *para, *node;
    const char   *s;

    para = cmark_node_first_child(quote);

    if (para == NULL || cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH) {
        return -1;
    }

    len = 0;
    marker[0] = '\0';

    for (node = cmark_node_first_child(para);
         node != NULL && cmark_node_get_type(node) == CMARK_NODE_TEXT;
         node = cmark_node_next(node))
    {
        s = cmark_node_get_literal(node);
        n = (s == NULL) ? 0 : strlen(s);

        if (n > AR_ALERT_MARKER_MAX - len) {
            return -1;
        }

        for (i = 0; i < n; i++) {
            marker[len++] = (s[i] >= 'A' && s[i] <= 'Z') ? s[i] | 0x20 : s[i];
        }
    }

    /* the line ends after the marker, and something follows it */

    if (node == NULL) {
        if (cmark_node_next(para) == NULL) {
            return -1;
        }

    } else if (cmark_node_get_type(node) != CMARK_NODE_SOFTBREAK
               && cmark_node_get_type(node) != CMARK_NODE_LINEBREAK)
    {
        return -1;
    }

    for (i = 0; i < AR_ALERT_NKINDS; i++) {
        if (strlen(ar_alert_kinds[i].marker) == len
            && memcmp(ar_alert_kinds[i].marker, marker, len) == 0)
        {
            *end = node;
            return (int) i;
        }
    }

    return -1;
}


/*
 * Takes the marker line off and replaces the quote with a custom block
 * around what is left.  It runs in the arena, where an allocation never
 * fails (it unwinds), and a failure of cmark-gfm ends the render, whose
 * arena frees what was taken: the failures leave what they allocated.
 */

static int
ar_alert_wrap(cmark_node *quote, cmark_node *end, const char *open)
{
    cmark_node  *block, *para, *child;

    para = cmark_node_first_child(quote);

    while ((child = cmark_node_first_child(para)) != end) {
        cmark_node_free(child);
    }

    if (end != NULL) {
        cmark_node_free(end);
    }

    if (cmark_node_first_child(para) == NULL) {
        cmark_node_free(para);
    }

    block = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_BLOCK, ar_mem_cmark());
    if (block == NULL) {
        return AR_ERROR;
    }

    if (!cmark_node_set_on_enter(block, open)
        || !cmark_node_set_on_exit(block, "</div>"))
    {
        return AR_ERROR;
    }

    while ((child = cmark_node_first_child(quote)) != NULL) {
        if (!cmark_node_append_child(block, child)) {
            return AR_ERROR;
        }
    }

    if (!cmark_node_replace(quote, block)) {
        return AR_ERROR;
    }

    cmark_node_free(quote);

    return AR_OK;
}
