/*
 * TeX to MathML Core: the formulas of an article, converted as the page
 * is rendered, so that the browser shows them with nothing to run.
 * No nginx dependency.
 */

#ifndef _AR_MATH_H_INCLUDED_
#define _AR_MATH_H_INCLUDED_


#include "ar_buf.h"


/* a display formula ($$...$$, ```math), else an inline one */
#define AR_MATH_DISPLAY   0x0001

/* what ar_math_mathml() returns when it wrote the error element */
#define AR_MATH_INVALID   1

/* groups, arguments and environments nested deeper are an error */
#define AR_MATH_DEPTH_MAX  48


int ar_math_mathml(const char *tex, size_t len, unsigned flags,
    ar_buf_t *out);


#endif /* _AR_MATH_H_INCLUDED_ */
