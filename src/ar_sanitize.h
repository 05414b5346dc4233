/*
 * Raw HTML as GitHub shows it: parsed, and kept only where GitHub's
 * allowlist permits ("article_render_html sanitize").
 */

#ifndef _AR_SANITIZE_H_INCLUDED_
#define _AR_SANITIZE_H_INCLUDED_


#include <cmark-gfm.h>

#include "ar_buf.h"


int ar_sanitize_link(cmark_node *node);
int ar_sanitize_filtered(const char *literal);
int ar_sanitize_render(cmark_node *doc, int options, cmark_llist *extensions,
    cmark_mem *mem, int emoji, const char **html, size_t *len);


#endif /* _AR_SANITIZE_H_INCLUDED_ */
