/*
 * Fenced code blocks whose info string names a language, highlighted on
 * the server (ar_highlight.cpp, where the module is built with GNU
 * source-highlight).
 */

#ifndef _AR_CODE_H_INCLUDED_
#define _AR_CODE_H_INCLUDED_


#include <cmark-gfm.h>

#include "ar_arena.h"
#include "ar_buf.h"
#include "ar_toc.h"


int ar_code_init(void);
int ar_code_languages(const char *dir, const char **failed);
int ar_code_available(void);
int ar_code_highlight(const ar_nodes_t *code, ar_arena_t *arena);


#endif /* _AR_CODE_H_INCLUDED_ */
