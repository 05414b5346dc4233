/*
 * The built-in page template, used where no "article_render_template"
 * is configured.  Self-contained: no fonts, scripts or styles from
 * elsewhere.
 */

#include "ar_template.h"


const char ar_template_builtin[] =
"<!doctype html>\n"
"<html lang=\"en\">\n"
"<head>\n"
"<meta charset=\"utf-8\">\n"
"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
"<meta name=\"description\" content=\"{{meta.description}}\">\n"
"<title>{{title}}</title>\n"
"<style>\n"
"body{margin:0;padding:1rem;color:#1f2328;background:#fff;\n"
"font:1.0625rem/1.6 system-ui,-apple-system,\"Segoe UI\",Roboto,\n"
"\"Helvetica Neue\",Arial,sans-serif}\n"
"article{max-width:46rem;margin:0 auto}\n"
"h1,h2,h3,h4{line-height:1.25;margin:1.6em 0 .6em}\n"
"a{color:#0969da}\n"
"img{max-width:100%;height:auto}\n"
"code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"
"monospace;\n"
"font-size:.9em;background:#f6f8fa;border-radius:4px}\n"
"code{padding:.1em .3em}\n"
"pre{padding:.8em 1em;overflow-x:auto}\n"
"pre code{padding:0;background:none}\n"
"blockquote{margin:1em 0;padding:0 1em;color:#59636e;"
"border-left:.25em solid #d1d9e0}\n"
"table{border-collapse:collapse;display:block;overflow-x:auto;"
"max-width:100%}\n"
"th,td{border:1px solid #d1d9e0;padding:.35em .75em}\n"
"th{background:#f6f8fa}\n"
"li.task-list-item{list-style:none}\n"
"hr{border:0;border-top:1px solid #d1d9e0}\n"
".anchor{margin-left:.3em;text-decoration:none;visibility:hidden}\n"
":hover>.anchor{visibility:visible}\n"
"</style>\n"
"</head>\n"
"<body>\n"
"<article>\n"
"{{content}}"
"</article>\n"
"</body>\n"
"</html>\n";
