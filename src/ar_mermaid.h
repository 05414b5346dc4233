/*
 * Mermaid diagrams: fenced code blocks in the "mermaid" language, for
 * the Mermaid script the site serves to draw in the browser.
 */

#ifndef _AR_MERMAID_H_INCLUDED_
#define _AR_MERMAID_H_INCLUDED_


#include <cmark-gfm.h>

#include "ar_buf.h"
#include "ar_toc.h"


int ar_mermaid_blocks(ar_nodes_t *code, cmark_mem *mem, const char *url,
    ar_buf_t *scripts);


#endif /* _AR_MERMAID_H_INCLUDED_ */
