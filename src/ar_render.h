/*
 * Markdown to HTML: the article core's rendering step, over cmark-gfm.
 * No nginx dependency, so it can be unit-tested and fuzzed alone.
 */

#ifndef _AR_RENDER_H_INCLUDED_
#define _AR_RENDER_H_INCLUDED_


#include "ar_buf.h"
#include "ar_frontmatter.h"


/* GFM extensions, as enabled by "article_render_gfm" */
#define AR_GFM_TABLE          0x0001
#define AR_GFM_STRIKETHROUGH  0x0002
#define AR_GFM_AUTOLINK       0x0004
#define AR_GFM_TAGFILTER      0x0008
#define AR_GFM_TASKLIST       0x0010
#define AR_GFM_FOOTNOTES      0x0020
#define AR_GFM_ALL            0x003f


/* what a newline is, as set by "article_render_newline" */
#define AR_NEWLINE_SOFT       0   /* CommonMark: a soft line break */
#define AR_NEWLINE_HARD       1   /* a line break inside paragraphs */
#define AR_NEWLINE_BLOCK      2   /* the end of a block: see ar_block.c */


typedef struct {
    unsigned    gfm;          /* AR_GFM_* bits */
    unsigned    newline;      /* AR_NEWLINE_* */
    unsigned    unsafe:1;     /* pass raw HTML and every URL through */
    unsigned    sanitize:1;   /* raw HTML through GitHub's allowlist */
    unsigned    noheadings:1; /* block: no section titles as headings */
    unsigned    notoc:1;      /* the template has no {{toc}} */
    unsigned    highlight:1;  /* highlight code in a named language */
    unsigned    math:1;       /* formulas as MathML: "article_render_math" */
    unsigned    emoji:1;      /* :shortcodes: become emoji */
    const char *mermaid;      /* the Mermaid script's URL, or NULL */
} ar_render_conf_t;


/* the budgets of one render; 0 is none */
typedef struct {
    size_t      max_memory;
    unsigned    timeout_ms;
    unsigned    test_delay_ms;  /* honoured by AR_TEST_HOOKS builds only */
    unsigned    test_late_html:1;  /* the same: the deadline passes as
                                      the HTML render starts */
} ar_limits_t;


typedef struct {
    ar_buf_t    html;         /* the article's HTML */
    ar_buf_t    title;        /* the front matter's title, or the plain
                                 text of the first heading; escaped */
    ar_buf_t    toc;          /* <nav> of the h2-h3 headings, or empty */
    ar_buf_t    scripts;      /* the script tags the page needs */
    ar_meta_t   meta;         /* the front matter's keys; meta.invalid
                                 and meta.error when it did not parse */
    size_t      mem_peak;     /* the most memory the render held */
} ar_article_t;


/* the libraries the core renders with: cmark-gfm and its extensions */
#define AR_RENDER_NLIBS  2

int ar_render_init(void);
void ar_render_libraries(void *addr[AR_RENDER_NLIBS]);
int ar_render_article(const ar_render_conf_t *conf,
    const ar_limits_t *limits, const char *src, size_t len,
    ar_article_t *article);
int ar_render_library_outdated(void);
int ar_render_highlight_languages(const char *dir, const char **failed);
int ar_render_highlight_available(void);
void ar_article_free(ar_article_t *article);
const char *ar_render_library_version(void);


#endif /* _AR_RENDER_H_INCLUDED_ */
