/*
 * Content negotiation for the article core: which of an article's two
 * representations, the rendered page (text/html) or its Markdown source
 * (text/markdown), a request's Accept header prefers; and which of the
 * page's stored content codings its Accept-Encoding header chooses.
 */

#ifndef _AR_ACCEPT_H_INCLUDED_
#define _AR_ACCEPT_H_INCLUDED_


#include <stddef.h>


int ar_accept_markdown(const char *accept, size_t len);
int ar_accept_encoding(const char *ae, size_t len, const size_t *sizes);


#endif /* _AR_ACCEPT_H_INCLUDED_ */
