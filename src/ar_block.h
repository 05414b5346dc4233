/*
 * "article_render_newline block": text written one block per line,
 * turned into CommonMark by putting a blank line between its blocks.
 * A pure function of the bytes, in front of cmark-gfm.
 */

#ifndef _AR_BLOCK_H_INCLUDED_
#define _AR_BLOCK_H_INCLUDED_


#include "ar_buf.h"


/* a line that looks like a section title becomes a heading */
#define AR_BLOCK_HEADINGS  0x0001

/* "$$" lines and those up to the closing "$$" are one block */
#define AR_BLOCK_MATH      0x0002

/* the longest section title, in characters */
#define AR_BLOCK_TITLE_MAX  100


int ar_block_transform(const char *src, size_t len, unsigned flags,
    ar_buf_t *out);


#endif /* _AR_BLOCK_H_INCLUDED_ */
