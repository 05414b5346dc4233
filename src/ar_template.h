/*
 * Page templates: HTML with {{placeholders}}, parsed once at
 * configuration time and expanded for every rendered article.
 */

#ifndef _AR_TEMPLATE_H_INCLUDED_
#define _AR_TEMPLATE_H_INCLUDED_


#include "ar_buf.h"
#include "ar_render.h"


typedef enum {
    AR_TPL_TEXT = 0,
    AR_TPL_CONTENT,
    AR_TPL_TITLE,
    AR_TPL_TOC,
    AR_TPL_SCRIPTS,
    AR_TPL_META
} ar_tpl_part_type_e;


typedef struct {
    ar_tpl_part_type_e   type;
    size_t               offset;      /* of the literal text, AR_TPL_TEXT,
                                         or of the key, AR_TPL_META */
    size_t               len;
} ar_tpl_part_t;


typedef struct {
    char                *text;
    ar_tpl_part_t       *parts;
    size_t               nparts;
    size_t               fixed_len;   /* the literal text's total length */
} ar_template_t;


#define AR_TPL_ERR_LEN  128

typedef struct {
    unsigned             line;
    char                 msg[AR_TPL_ERR_LEN];
} ar_template_error_t;


extern const char ar_template_builtin[];


int ar_template_parse(ar_template_t *tpl, const char *text, size_t len,
    ar_template_error_t *err);
int ar_template_expand(const ar_template_t *tpl, const ar_article_t *article,
    const char *fallback_title, size_t fallback_len, ar_buf_t *page);
int ar_template_uses(const ar_template_t *tpl, ar_tpl_part_type_e type);
void ar_template_free(ar_template_t *tpl);


#endif /* _AR_TEMPLATE_H_INCLUDED_ */
