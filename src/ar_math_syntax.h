/*
 * Formulas in Markdown as GitHub writes them: a cmark-gfm syntax
 * extension that reads "$...$", "$`...`$" and "$$...$$" into nodes of
 * their own, and "```math" blocks; and the step that replaces those
 * nodes with their MathML (ar_math.c) before the HTML is written.
 */

#ifndef _AR_MATH_SYNTAX_H_INCLUDED_
#define _AR_MATH_SYNTAX_H_INCLUDED_


#include <cmark-gfm.h>

#include "ar_toc.h"


int ar_math_syntax_init(void);
int ar_math_syntax_attach(cmark_parser *parser);
int ar_math_syntax_is_math(cmark_node *node);
int ar_math_syntax_render(const ar_nodes_t *math, cmark_mem *mem);


#endif /* _AR_MATH_SYNTAX_H_INCLUDED_ */
