/*
 * Emoji shortcodes: ":rocket:" in the text of an article becomes the
 * character it names, for every name of gemoji's list.
 */

#ifndef _AR_EMOJI_H_INCLUDED_
#define _AR_EMOJI_H_INCLUDED_


#include <stddef.h>

#include <cmark-gfm.h>


typedef struct {
    const char  *name;
    const char  *utf8;
} ar_emoji_t;


typedef struct {
    size_t       start;     /* of the opening ":" */
    size_t       end;       /* after the closing one */
    const char  *name;
    const char  *utf8;
} ar_emoji_code_t;


/* ar_emoji_table.c, made by tools/gen-emoji: sorted by name */
extern const ar_emoji_t  ar_emoji_table[];
extern const size_t      ar_emoji_n;


size_t ar_emoji_find(const char *name, size_t len);
int ar_emoji_next(const char *s, size_t len, size_t i,
    ar_emoji_code_t *code);
int ar_emoji_possible(const char *src, size_t len);
int ar_emoji_replace(cmark_node *root, cmark_mem *mem);


#endif /* _AR_EMOJI_H_INCLUDED_ */
