/*
 * Heading ids, self-link anchors, the table of contents and the page
 * title, as a pass over the cmark-gfm document.
 */

#ifndef _AR_TOC_H_INCLUDED_
#define _AR_TOC_H_INCLUDED_


#include <cmark-gfm.h>

#include "ar_buf.h"


int ar_toc_headings(cmark_node *doc, int options, ar_buf_t *title,
    ar_buf_t *toc);


#endif /* _AR_TOC_H_INCLUDED_ */
