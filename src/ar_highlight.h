/*
 * Highlighted code: a C interface to GNU source-highlight.  Every call
 * catches whatever the library throws and answers AR_ERROR or NULL; no
 * C++ exception reaches C.
 */

#ifndef _AR_HIGHLIGHT_H_INCLUDED_
#define _AR_HIGHLIGHT_H_INCLUDED_


#include <stddef.h>

#include "ar_buf.h"


/* longer lines are left plain: the library's cost grows as their square */
#define AR_HIGHLIGHT_LINE_MAX   1024

/* deeper nesting of states (comments in comments) ends highlighting */
#define AR_HIGHLIGHT_DEPTH_MAX  64


typedef struct ar_highlight_s  ar_highlight_t;


#ifdef __cplusplus
extern "C" {
#endif

int ar_highlight_init(void);
int ar_highlight_languages(const char *dir, const char **failed);
int ar_highlight_lang(const char *name, size_t len);
const char *ar_highlight_lang_name(int lang);
ar_highlight_t *ar_highlight_new(int lang);
int ar_highlight_line(ar_highlight_t *hl, const char *p, size_t len,
    const char **out, size_t *out_len);
void ar_highlight_free(ar_highlight_t *hl);

#ifdef __cplusplus
}
#endif


#endif /* _AR_HIGHLIGHT_H_INCLUDED_ */
