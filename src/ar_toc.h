/*
 * Heading ids, self-link anchors, the table of contents and the page
 * title, over the headings and footnote nodes of a cmark-gfm document.
 */

#ifndef _AR_TOC_H_INCLUDED_
#define _AR_TOC_H_INCLUDED_


#include <cmark-gfm.h>

#include "ar_buf.h"


/* nodes of one kind, in document order, as the render's walk found them */
typedef struct {
    cmark_node   **elts;
    size_t         n;
} ar_nodes_t;


int ar_nodes_add(ar_nodes_t *nodes, cmark_node *node);
int ar_toc_headings(cmark_node *doc, int options, const ar_nodes_t *headings,
    const ar_nodes_t *notes, ar_buf_t *title, ar_buf_t *toc);


#endif /* _AR_TOC_H_INCLUDED_ */
