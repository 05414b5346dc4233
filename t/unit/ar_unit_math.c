/*
 * Unit tests of formulas: the TeX to MathML converter (ar_math.c) on
 * each construct it knows, its errors and its nesting limit; and the
 * Markdown syntax (ar_math_syntax.c, through ar_render_article): the "$"
 * rules, code, escapes, display formulas, "```math" blocks, tables,
 * titles and the table of contents, sanitize and escape modes, every
 * newline mode, and a 1 MB formula within the render's budgets.  TAP on
 * stdout, run by t/unit.t.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ar_buf.h"
#include "ar_check.h"
#include "ar_math.h"
#include "ar_render.h"


#define AR_MODES  3

/* a Markdown case's flags */
#define AR_NOT_BLOCK  0x0001   /* not in newline block mode */
#define AR_ESCAPE     0x0002   /* "article_render_html escape" */
#define AR_NO_MATH    0x0004   /* "article_render_math off" */


#define AR_ANNOTATION(tex)                                                   \
    "<annotation encoding=\"application/x-tex\">" tex                        \
    "</annotation></semantics></math>"


/* TeX in, whether it converts, what the MathML must and must not hold */

typedef struct {
    const char    *name;
    const char    *tex;
    int            rc;
    const char    *has[4];
    const char    *lacks[2];
} ar_tex_case_t;


typedef struct {
    const char    *name;
    unsigned       flags;
    const char    *md;
    const char    *has[5];
    const char    *lacks[3];
    const char    *title;
    const char    *toc;
} ar_md_case_t;


static int ar_run_tex_case(const ar_tex_case_t *c);
static int ar_run_md_case(const ar_md_case_t *c, unsigned mode);
static int ar_balanced(const ar_buf_t *b);
static int ar_test_depth(void);
static int ar_test_display(void);
static int ar_test_big_formula(void);
static int ar_test_many_dollars(void);


static const char  *ar_mode_names[AR_MODES] = { "soft", "hard", "block" };


static const ar_tex_case_t  ar_tex_cases[] = {

    /* tokens */

    { "letters are identifiers, digits numbers, + an operator", "x+12.5",
      AR_OK, { "<mi>x</mi><mo>+</mo><mn>12.5</mn>" }, { NULL } },
    { "minus is U+2212, and < is escaped", "a-b<c",
      AR_OK, { "<mo>−</mo>", "<mo>&lt;</mo>" }, { NULL } },
    { "the source is the annotation, escaped", "a<b\\&c",
      AR_OK, { "<mo>&amp;</mo>", AR_ANNOTATION("a&lt;b\\&amp;c") },
      { NULL } },
    { "greek letters; capitals upright", "\\alpha\\beta\\Gamma\\omega",
      AR_OK, { "<mi>α</mi><mi>β</mi>", "<mi mathvariant=\"normal\">Γ</mi>",
               "<mi>ω</mi>" }, { NULL } },
    { "symbols: infinity, partial, nabla, ell", "\\infty\\partial\\nabla\\ell",
      AR_OK, { "<mi>∞</mi><mi>∂</mi>", "∇", "<mi>ℓ</mi>" }, { NULL } },
    { "operators and relations", "a\\times b\\cdot c\\pm d\\leq e\\neq f",
      AR_OK, { "<mo>×</mo>", "<mo>⋅</mo>", "<mo>±</mo>", "<mo>≤</mo>" },
      { NULL } },
    { "relations: in, subset, approx, equiv", "\\in\\subseteq\\approx\\equiv",
      AR_OK, { "<mo>∈</mo><mo>⊆</mo><mo>≈</mo><mo>≡</mo>" }, { NULL } },
    { "arrows", "\\to\\Rightarrow\\leftarrow\\iff\\mapsto",
      AR_OK, { "<mo>→</mo><mo>⇒</mo><mo>←</mo><mo>⟺</mo><mo>↦</mo>" },
      { NULL } },
    { "\\not makes a negated relation", "a\\not= b",
      AR_OK, { "<mo>=\xcc\xb8</mo>" }, { NULL } },

    /* fractions, binomials, roots */

    { "\\frac", "\\frac{a}{b+1}",
      AR_OK, { "<mfrac><mrow><mi>a</mi></mrow><mrow><mi>b</mi><mo>+</mo>"
               "<mn>1</mn></mrow></mfrac>" }, { NULL } },
    { "\\frac of single digits", "\\frac12",
      AR_OK, { "<mfrac><mn>1</mn><mn>2</mn></mfrac>" }, { NULL } },
    { "\\dfrac is in display style", "\\dfrac{a}{b}",
      AR_OK, { "<mstyle displaystyle=\"true\" scriptlevel=\"0\"><mfrac>" },
      { NULL } },
    { "\\binom: parentheses round a fraction without a line",
      "\\binom{n}{k}",
      AR_OK, { "<mo>(</mo><mfrac linethickness=\"0\">", "<mo>)</mo>" },
      { NULL } },
    { "\\over makes the group a fraction", "{a+b \\over c}",
      AR_OK, { "<mfrac><mrow><mi>a</mi><mo>+</mo><mi>b</mi></mrow>"
               "<mrow><mi>c</mi></mrow></mfrac>" }, { NULL } },
    { "\\sqrt", "\\sqrt{x}",
      AR_OK, { "<msqrt><mrow><mi>x</mi></mrow></msqrt>" }, { NULL } },
    { "\\sqrt[n]: the index after the base", "\\sqrt[3]{x}",
      AR_OK, { "<mroot><mrow><mi>x</mi></mrow><mrow><mn>3</mn></mrow>"
               "</mroot>" }, { NULL } },

    /* scripts and limits */

    { "superscript and subscript", "x^2 y_i",
      AR_OK, { "<msup><mi>x</mi><mn>2</mn></msup>",
               "<msub><mi>y</mi><mi>i</mi></msub>" }, { NULL } },
    { "both scripts in either order", "x_i^2 + y^2_i",
      AR_OK, { "<msubsup><mi>x</mi><mi>i</mi><mn>2</mn></msubsup>",
               "<msubsup><mi>y</mi><mi>i</mi><mn>2</mn></msubsup>" },
      { NULL } },
    { "a script takes one digit", "x^23",
      AR_OK, { "<msup><mi>x</mi><mn>2</mn></msup><mn>3</mn>" }, { NULL } },
    { "primes", "f''(x)",
      AR_OK, { "<msup><mi>f</mi><mrow><mo>′</mo><mo>′</mo></mrow></msup>" },
      { NULL } },
    { "\\sum has limits under and over", "\\sum_{i=1}^n i",
      AR_OK, { "<munderover><mo largeop=\"true\" movablelimits=\"true\">∑"
               "</mo><mrow>" }, { NULL } },
    { "\\prod has limits", "\\prod_k a_k",
      AR_OK, { "<munder><mo largeop=\"true\" movablelimits=\"true\">∏" },
      { NULL } },
    { "\\int has scripts", "\\int_0^1 f",
      AR_OK, { "<msubsup><mo largeop=\"true\" movablelimits=\"true\">∫</mo>"
               "<mn>0</mn><mn>1</mn></msubsup>" }, { NULL } },
    { "\\int\\limits has limits", "\\int\\limits_0^1 f",
      AR_OK, { "<munderover><mo largeop" }, { NULL } },
    { "\\lim has its limit under", "\\lim_{n\\to\\infty} a_n",
      AR_OK, { "<munder><mo movablelimits=\"true\" form=\"prefix\">lim</mo>" },
      { NULL } },
    { "\\sin is a function applied", "\\sin^2 x",
      AR_OK, { "<msup><mi>sin</mi><mn>2</mn></msup><mo>&#x2061;</mo>" },
      { NULL } },
    { "a double superscript is an error", "x^2^3",
      AR_MATH_INVALID, { "title=\"double superscript\"" }, { "<math" } },

    /* accents */

    { "\\hat", "\\hat{x}",
      AR_OK, { "<mover accent=\"true\"><mrow><mi>x</mi></mrow>"
               "<mo stretchy=\"false\">^</mo></mover>" }, { NULL } },
    { "\\bar, \\vec, \\dot, \\tilde", "\\bar a\\vec b\\dot c\\tilde d",
      AR_OK, { ">¯</mo>", ">→</mo>", ">˙</mo>", ">~</mo>" }, { NULL } },
    { "\\overline stretches", "\\overline{AB}",
      AR_OK, { "<mo stretchy=\"true\">‾</mo></mover>" }, { NULL } },
    { "\\underline", "\\underline{x}",
      AR_OK, { "<munder accentunder=\"true\">" }, { NULL } },
    { "\\underbrace takes its script under", "\\underbrace{a+b}_{n}",
      AR_OK, { "<munder><munder><mrow>", "⏟" }, { NULL } },

    /* fences */

    { "\\left and \\right stretch", "\\left( \\frac{a}{b} \\right)",
      AR_OK, { "<mrow><mo fence=\"true\" form=\"prefix\" stretchy=\"true\">(",
               "<mo fence=\"true\" form=\"postfix\" stretchy=\"true\">)" },
      { NULL } },
    { "\\left. is no fence", "\\left. x \\right|",
      AR_OK, { "<mrow><mi>x</mi><mo fence" }, { NULL } },
    { "\\left\\{ and \\right\\rangle", "\\left\\{ x \\right\\rangle",
      AR_OK, { ">{</mo>", ">⟩</mo>" }, { NULL } },
    { "a plain parenthesis does not stretch", "(x)",
      AR_OK, { "<mo stretchy=\"false\">(</mo>" }, { NULL } },
    { "\\big gives a size", "\\big( x \\big)",
      AR_OK, { "minsize=\"1.2em\" maxsize=\"1.2em\">(</mo>" }, { NULL } },
    { "\\left without \\right is an error", "\\left( x",
      AR_MATH_INVALID, { "title=\"missing \\right\"" }, { NULL } },
    { "\\right without \\left is an error", "x \\right)",
      AR_MATH_INVALID, { "title=\"unexpected \\right\"" }, { NULL } },

    /* fonts and text */

    { "\\text keeps its spaces", "x \\text{ if } y",
      AR_OK, { "<mtext>&#xA0;if&#xA0;</mtext>" }, { NULL } },
    { "\\text with math inside", "\\text{for $x$}",
      AR_OK, { "<mtext>for&#xA0;</mtext><mrow><mi>x</mi></mrow>" },
      { NULL } },
    { "\\mathrm letters are upright", "\\mathrm{d}x \\mathrm{Var}",
      AR_OK, { "<mi mathvariant=\"normal\">d</mi>", "<mi>Var</mi>" },
      { NULL } },
    { "\\mathbf letters are Unicode bold", "\\mathbf{x}\\mathbf{A}",
      AR_OK, { "<mi>\xf0\x9d\x90\xb1</mi>", "<mi>\xf0\x9d\x90\x80</mi>" },
      { NULL } },
    { "\\mathbb: the letters Unicode had first", "\\mathbb{R}\\mathbb{E}",
      AR_OK, { "<mi>ℝ</mi>", "<mi>\xf0\x9d\x94\xbc</mi>" }, { NULL } },
    { "\\mathcal", "\\mathcal{L}\\mathcal{A}",
      AR_OK, { "<mi>ℒ</mi>", "<mi>\xf0\x9d\x92\x9c</mi>" }, { NULL } },
    { "\\mathit: one identifier a letter", "\\mathit{ab}",
      AR_OK, { "<mi>a</mi><mi>b</mi>" }, { NULL } },
    { "\\operatorname", "\\operatorname{tr} A",
      AR_OK, { "<mi>tr</mi><mo>&#x2061;</mo>" }, { NULL } },
    { "\\operatorname* takes limits", "\\operatorname*{arg\\,max}_x",
      AR_OK, { "<munder><mo movablelimits=\"true\" form=\"prefix\">argmax" },
      { NULL } },

    /* spacing */

    { "\\, \\; \\quad \\qquad", "a\\,b\\;c\\quad d\\qquad e",
      AR_OK, { "<mspace width=\"0.1667em\">", "<mspace width=\"0.2778em\">",
               "<mspace width=\"1em\">", "<mspace width=\"2em\">" },
      { NULL } },
    { "\\hspace", "a\\hspace{3pt}b",
      AR_OK, { "<mspace width=\"0.3000em\">" }, { NULL } },

    /* switches */

    { "\\displaystyle holds for the rest of the group",
      "{a \\displaystyle \\sum_i b} c",
      AR_OK, { "<mrow><mi>a</mi><mstyle displaystyle=\"true\" "
               "scriptlevel=\"0\"><munder>", "</mstyle></mrow><mi>c</mi>" },
      { NULL } },
    { "a switch takes no script, nor is one", "\\displaystyle^2 x^\\rm y",
      AR_OK, { "<mstyle displaystyle=\"true\" scriptlevel=\"0\"><msup>"
               "<mrow></mrow><mn>2</mn></msup>",
               "<msup><mi>x</mi><mrow></mrow></msup><mi>y</mi>" }, { NULL } },
    { "\\rm switches the rest of the group", "{\\rm ab} c",
      AR_OK, { "<mi>ab</mi></mrow><mi>c</mi>" }, { NULL } },

    /* environments */

    { "matrix", "\\begin{matrix} a & b \\\\ c & d \\end{matrix}",
      AR_OK, { "<mtable><mtr><mtd><mi>a</mi></mtd><mtd><mi>b</mi></mtd>"
               "</mtr><mtr><mtd><mi>c</mi></mtd><mtd><mi>d</mi></mtd></mtr>"
               "</mtable>" }, { "<mo" } },
    { "pmatrix has parentheses", "\\begin{pmatrix}1\\end{pmatrix}",
      AR_OK, { ">(</mo><mtable>", "</mtable><mo fence=\"true\" "
               "form=\"postfix\" stretchy=\"true\">)</mo>" }, { NULL } },
    { "bmatrix and vmatrix", "\\begin{bmatrix}1\\end{bmatrix}"
      "\\begin{vmatrix}2\\end{vmatrix}",
      AR_OK, { ">[</mo>", ">]</mo>", ">|</mo>" }, { NULL } },
    { "cases: a brace, cells to the left",
      "f = \\begin{cases} 1 & x > 0 \\\\ 0 & \\text{else} \\end{cases}",
      AR_OK, { ">{</mo><mtable>", "<mtd columnalign=\"left\" "
               "class=\"math-l\">" }, { NULL } },
    { "aligned: right and left columns",
      "\\begin{aligned} a &= b \\\\ &= c \\end{aligned}",
      AR_OK, { "<mtable displaystyle=\"true\">",
               "class=\"math-ar\"><mi>a</mi></mtd>",
               "class=\"math-al\"><mi></mi><mo>=</mo>" }, { NULL } },
    { "align*, gathered", "\\begin{align*} a \\end{align*}"
      "\\begin{gathered} b \\\\ c \\end{gathered}",
      AR_OK, { "<mtr><mtd>", "<mi>c</mi>" }, { NULL } },
    { "array: its column specification",
      "\\begin{array}{l|r} a & b \\\\ \\hline c & d \\end{array}",
      AR_OK, { "class=\"math-l\"><mi>a</mi>", "class=\"math-r\"><mi>b</mi>",
               "<mi>c</mi>" }, { NULL } },
    { "the row after the last \\\\ is none",
      "\\begin{matrix} a \\\\ b \\\\ \\end{matrix}",
      AR_OK, { "<mi>b</mi></mtd></mtr></mtable>" }, { "<mtr></mtr>" } },
    { "\\\\ at the top makes rows", "a \\\\ b",
      AR_OK, { "<mtable displaystyle=\"true\"><mtr><mtd><mi>a</mi>" },
      { NULL } },
    { "an unknown environment is an error",
      "\\begin{foo} a \\end{foo}",
      AR_MATH_INVALID, { "title=\"unknown environment foo\"" }, { NULL } },
    { "a mismatched \\end is an error",
      "\\begin{matrix} a \\end{pmatrix}",
      AR_MATH_INVALID, { "title=\"mismatched \\end pmatrix\"" }, { NULL } },
    { "& outside a table is an error", "{a & b}",
      AR_MATH_INVALID, { "title=\"misplaced &amp;\"" }, { NULL } },

    /* errors */

    { "an unknown command is an error showing its source",
      "x + \\foo{<y>}",
      AR_MATH_INVALID, { "<code class=\"math-error\" title=\"unknown command "
                         "\\foo\">x + \\foo{&lt;y&gt;}</code>" },
      { "<math" } },
    { "an unclosed brace is an error", "\\frac{a}{b",
      AR_MATH_INVALID, { "title=\"missing }\"" }, { NULL } },
    { "an unopened brace is an error", "a}",
      AR_MATH_INVALID, { "title=\"unbalanced }\"" }, { NULL } },
    { "a missing argument is an error", "\\frac{a}",
      AR_MATH_INVALID, { "title=\"missing argument\"" }, { NULL } },
    { "a backslash at the end is an error", "a\\",
      AR_MATH_INVALID, { "class=\"math-error\"" }, { NULL } },
    { "an empty formula is an empty row", "",
      AR_OK, { "<math><semantics><mrow></mrow>" AR_ANNOTATION("") },
      { NULL } }
};


static const ar_md_case_t  ar_md_cases[] = {

    /* what is a formula */

    { "inline $...$", 0, "Euler: $e^{i\\pi}+1=0$.\n",
      { "Euler: <math><semantics>", AR_ANNOTATION("e^{i\\pi}+1=0") "." },
      { NULL }, NULL, NULL },
    { "a formula after an opening parenthesis", 0, "area ($\\pi r^2$)\n",
      { "area (<math>", "</math>)" }, { NULL }, NULL, NULL },
    { "prices stay text", 0, "It costs $5 and $10.\n",
      { "<p>It costs $5 and $10.</p>" }, { "<math" }, NULL, NULL },
    { "shell variables stay text", 0, "Run echo $HOME and $PATH now.\n",
      { "echo $HOME and $PATH now." }, { "<math" }, NULL, NULL },
    { "a blank after the opening $: text", 0, "a $ b$ c\n",
      { "a $ b$ c" }, { "<math" }, NULL, NULL },
    { "a blank before the closing $: text", 0, "a $b $ c\n",
      { "a $b $ c" }, { "<math" }, NULL, NULL },
    { "a digit after the closing $: text", 0, "a $b$1 c\n",
      { "a $b$1 c" }, { "<math" }, NULL, NULL },
    { "a letter before the opening $: text", 0, "US$5 and x$y$\n",
      { "US$5 and x$y$" }, { "<math" }, NULL, NULL },
    { "$ in code stays text", 0, "Use `$x$` and `echo $HOME`.\n",
      { "<code>$x$</code>", "<code>echo $HOME</code>" }, { "<math" },
      NULL, NULL },
    { "a code span inside a would-be formula keeps its $", 0,
      "Pay $5 for `$y` now\n",
      { "<code>$y</code>" }, { "<math" }, NULL, NULL },
    { "\\$ is a dollar", 0, "\\$x$ and \\$5\n",
      { "<p>$x$ and $5</p>" }, { "<math" }, NULL, NULL },
    { "\\$ inside a formula does not close it", 0, "$a\\$b$\n",
      { AR_ANNOTATION("a\\$b") }, { NULL }, NULL, NULL },
    { "_ and * inside a formula are not emphasis", 0,
      "$a_1 * b_2 * c$ and $x_i$ or $y_i$\n",
      { AR_ANNOTATION("a_1 * b_2 * c"), AR_ANNOTATION("x_i") },
      { "<em>" }, NULL, NULL },
    { "$`...`$", 0, "So $`\\sqrt{2}`$ it is.\n",
      { "So <math><semantics><mrow><msqrt>", AR_ANNOTATION("\\sqrt{2}") },
      { "<code>" }, NULL, NULL },
    { "$$...$$ inline is a display formula", 0, "a $$x^2$$ b\n",
      { "a <math display=\"block\">", AR_ANNOTATION("x^2") " b" },
      { NULL }, NULL, NULL },
    { "$$ over lines is one display formula", 0,
      "Before\n\n$$\na =\nb\n$$\n\nAfter\n",
      { "<p><math display=\"block\">", "<mi>a</mi><mo>=</mo><mi>b</mi>" },
      { "$$" }, NULL, NULL },
    { "```math is a display formula", 0,
      "```math\n\\frac{1}{2}\n```\n",
      { "<math display=\"block\"><semantics><mrow><mfrac>" },
      { "<pre>", "language-math" }, NULL, NULL },
    { "```math with an error is the error element", 0,
      "```math\n\\nope\n```\n",
      { "<code class=\"math-error\" title=\"unknown command \\nope\">" },
      { "<pre>" }, NULL, NULL },
    { "a formula in a table cell", 0,
      "| a | b |\n|---|---|\n| $x^2$ | $\\alpha$ |\n",
      { "<td><math><semantics><mrow><msup>", "<td><math><semantics><mrow>"
        "<mi>α</mi>" }, { "$" }, NULL, NULL },
    { "a formula in a link", 0, "[the $x$ link](https://x.org/)\n",
      { "<a href=\"https://x.org/\">the <math>" }, { NULL }, NULL, NULL },
    { "a formula in an image's description stays text", 0,
      "![area $x$](a.png)\n",
      { "alt=\"area x\"" }, { "<math" }, NULL, NULL },
    { "a formula in a list item and a quote", 0,
      "- item $a$\n\n> quote $b$\n",
      { "<li>item <math>", "<p>quote <math>" }, { NULL }, NULL, NULL },
    { "an unknown command in an article is an error element", 0,
      "See $\\nope{x}$ here.\n",
      { "See <code class=\"math-error\" title=\"unknown command \\nope\">"
        "\\nope{x}</code> here." }, { NULL }, NULL, NULL },

    /* the title and the table of contents */

    { "a formula in a heading gives the title its source", 0,
      "# The $E=mc^2$ law\n\nText.\n",
      { "<h1 id=\"the-emc2-law\">The <math>" }, { NULL },
      "The E=mc^2 law", NULL },
    { "a formula in a heading gives the table of contents its source",
      0, "## Sum $\\sum x_i$\n\n## Two\n",
      { "<h2 id=\"sum-sum-x_i\">" }, { NULL }, "Sum \\sum x_i",
      "<nav class=\"toc\">\n<ul>\n"
      "<li><a href=\"#sum-sum-x_i\">Sum \\sum x_i</a></li>\n"
      "<li><a href=\"#two\">Two</a></li>\n</ul>\n</nav>\n" },

    /* modes */

    { "escape mode renders formulas too", AR_ESCAPE,
      "$x$ and <b>raw</b>\n",
      { "<math><semantics>", "&lt;b&gt;raw" }, { NULL }, NULL, NULL },
    { "sanitize mode keeps the core's MathML beside raw HTML", 0,
      "$\\frac{a}{b}$ and <b>raw</b>\n",
      { "<math><semantics><mrow><mfrac><mrow><mi>a</mi></mrow>",
        "<b>raw</b>" }, { NULL }, NULL, NULL },
    { "sanitize mode keeps the core's table cells' classes", 0,
      "$\\begin{cases} a & b \\end{cases}$ <i>x</i>\n",
      { "<mtd columnalign=\"left\" class=\"math-l\">" }, { NULL },
      NULL, NULL },
    { "sanitize mode: an author's raw <math> is unwrapped", 0,
      "<math><mi onclick=\"x\">y</mi></math> $z$\n",
      { "y <math><semantics>" }, { "onclick", "<mi onclick" },
      NULL, NULL },
    { "article_render_math off: formulas stay text", AR_NO_MATH,
      "$x^2$ and $$y$$\n",
      { "<p>$x^2$ and $$y$$</p>" }, { "<math" }, NULL, NULL },
    { "article_render_math off: ```math stays code", AR_NO_MATH,
      "```math\nx\n```\n",
      { "<pre><code class=\"language-math\">x\n</code></pre>" },
      { "<math" }, NULL, NULL }
};


static int
ar_run_tex_case(const ar_tex_case_t *c)
{
    int       ok, rc;
    ar_buf_t  out;

    memset(&out, 0, sizeof(ar_buf_t));

    rc = ar_math_mathml(c->tex, strlen(c->tex), 0, &out);

    ok = ar_int_is("ar_math_mathml()", rc, c->rc) && ar_balanced(&out);

    ok = ok && ar_has_each(&out, AR_N(c->has))
         && ar_lacks_each(&out, AR_N(c->lacks));

    if (ok && rc == AR_OK) {
        ok = ar_starts(&out, "<math><semantics><mrow>")
             || ar_starts(&out, "<math><semantics><mtable");
    }

    ar_buf_free(&out);

    return ok;
}


static int
ar_run_md_case(const ar_md_case_t *c, unsigned mode)
{
    int               ok;
    ar_limits_t       limits;
    ar_article_t      article;
    ar_render_conf_t  conf;

    memset(&conf, 0, sizeof(ar_render_conf_t));
    memset(&limits, 0, sizeof(ar_limits_t));

    conf.gfm = AR_GFM_ALL;
    conf.sanitize = !(c->flags & AR_ESCAPE);
    conf.math = !(c->flags & AR_NO_MATH);
    conf.newline = mode;

    if (ar_render_article(&conf, &limits, c->md, strlen(c->md), &article)
        != AR_OK)
    {
        ar_diag_str("# got: ar_render_article() failed\n");
        return 0;
    }

    ok = ar_has_each(&article.html, AR_N(c->has))
         && ar_lacks_each(&article.html, AR_N(c->lacks));

    if (ok && c->title != NULL) {
        ok = ar_is(article.title.data, article.title.len,
                   c->title, strlen(c->title));
    }

    if (ok && c->toc != NULL) {
        ok = ar_is(article.toc.data, article.toc.len,
                   c->toc, strlen(c->toc));
    }

    ar_article_free(&article);

    return ok;
}


/* every tag the converter writes is closed, in order */

static int
ar_balanced(const ar_buf_t *b)
{
    size_t       i, n, depth;
    const char  *p, *name, *stack[256];
    size_t       lens[256];

    p = b->data;
    depth = 0;

    for (i = 0; i < b->len; i++) {
        if (p[i] != '<') {
            continue;
        }

        name = p + i + 1 + (p[i + 1] == '/');

        for (n = 0; name[n] >= 'a' && name[n] <= 'z'; n++) {
            /* void */
        }

        if (p[i + 1] == '/') {
            if (depth == 0 || lens[depth - 1] != n
                || memcmp(stack[depth - 1], name, n) != 0)
            {
                return ar_fail(b->data, b->len, "with balanced tags", "", 0);
            }

            depth--;
            continue;
        }

        if (depth == sizeof(stack) / sizeof(stack[0])) {
            return ar_fail(b->data, b->len, "nested less deeply", "", 0);
        }

        stack[depth] = name;
        lens[depth++] = n;
    }

    return depth == 0
           || ar_fail(b->data, b->len, "with all tags closed", "", 0);
}


static int
ar_test_depth(void)
{
    int       ok;
    char      tex[2 * AR_MATH_DEPTH_MAX + 8];
    size_t    n, i;
    ar_buf_t  out;

    memset(&out, 0, sizeof(ar_buf_t));

    /* the formula is one list: AR_MATH_DEPTH_MAX - 1 groups fit in it */

    n = AR_MATH_DEPTH_MAX - 1;

    for (i = 0; i < n; i++) {
        tex[i] = '{';
        tex[n + 1 + i] = '}';
    }

    tex[n] = 'x';

    ok = ar_int_is("groups as deep as the limit",
                   ar_math_mathml(tex, 2 * n + 1, 0, &out), AR_OK)
         && ar_balanced(&out);

    out.len = 0;

    memmove(tex + 1, tex, 2 * n + 1);
    tex[0] = '{';
    tex[2 * n + 2] = '}';

    ok = ok && ar_int_is("a group deeper than the limit",
                         ar_math_mathml(tex, 2 * n + 3, 0, &out),
                         AR_MATH_INVALID)
         && ar_has(&out, "title=\"nested too deeply\"");

    out.len = 0;

    ok = ok && ar_int_is("environments deeper than the limit",
                         ar_math_mathml(AR_S("\\begin{matrix}\\begin{matrix}"
                                             "\\sqrt{\\sqrt{\\sqrt{\\sqrt{"
                                             "\\sqrt{\\sqrt{\\sqrt{\\sqrt{"
                                             "\\sqrt{\\sqrt{\\sqrt{\\sqrt{"
                                             "\\sqrt{\\sqrt{\\sqrt{\\sqrt{"
                                             "\\sqrt{\\sqrt{\\sqrt{\\sqrt{"
                                             "\\sqrt{\\sqrt{\\sqrt{\\sqrt{"),
                                        0, &out),
                         AR_MATH_INVALID);

    ar_buf_free(&out);

    return ok;
}


static int
ar_test_display(void)
{
    int       ok;
    ar_buf_t  out;

    memset(&out, 0, sizeof(ar_buf_t));

    ok = ar_int_is("a display formula",
                   ar_math_mathml(AR_S("x"), AR_MATH_DISPLAY, &out), AR_OK)
         && ar_buf_is(&out, "<math display=\"block\"><semantics><mrow>"
                            "<mi>x</mi></mrow>" AR_ANNOTATION("x"));

    ar_buf_free(&out);

    return ok;
}


/*
 * A 1 MB formula is converted, and a 1 MB formula that does not parse
 * is the error element, both within a render's default budgets.
 */

static int
ar_test_big_formula(void)
{
    int               ok;
    char             *md;
    size_t            i, n;
    ar_limits_t       limits;
    ar_article_t      article;
    ar_render_conf_t  conf;

    n = 1024 * 1024;

    md = malloc(n + 16);
    if (md == NULL) {
        return ar_fail("", 0, "memory", "", 0);
    }

    memcpy(md, "$$\n", 3);

    for (i = 3; i < n; i += 4) {
        memcpy(md + i, "x_1+", 4);
    }

    memcpy(md + i, "y\n$$\n", 5);
    n = i + 5;

    memset(&conf, 0, sizeof(ar_render_conf_t));
    memset(&limits, 0, sizeof(ar_limits_t));

    conf.gfm = AR_GFM_ALL;
    conf.sanitize = 1;
    conf.math = 1;

    limits.max_memory = 128 * 1024 * 1024;
    limits.timeout_ms = ar_budget_ms(5000);

    ok = ar_int_is("a 1 MB formula", ar_render_article(&conf, &limits, md, n,
                                                       &article), AR_OK)
         && ar_has(&article.html, "<math display=\"block\">")
         && ar_lacks(&article.html, "math-error");

    if (ok) {
        ar_article_free(&article);
    }

    md[n - 5] = '}';

    ok = ok && ar_int_is("a 1 MB formula that does not parse",
                         ar_render_article(&conf, &limits, md, n, &article),
                         AR_OK)
         && ar_has(&article.html, "title=\"unbalanced }\"");

    if (ok) {
        ar_article_free(&article);
    }

    free(md);

    return ok;
}


/* a paragraph of a million "$" and no formula is read in linear time */

static int
ar_test_many_dollars(void)
{
    int               ok;
    char             *md;
    size_t            i, n;
    ar_limits_t       limits;
    ar_article_t      article;
    ar_render_conf_t  conf;

    n = 3 * 400 * 1024;

    md = malloc(n);
    if (md == NULL) {
        return ar_fail("", 0, "memory", "", 0);
    }

    for (i = 0; i < n; i += 3) {
        memcpy(md + i, (i % 2) ? "$a`" : "$$ ", 3);
    }

    memset(&conf, 0, sizeof(ar_render_conf_t));
    memset(&limits, 0, sizeof(ar_limits_t));

    conf.gfm = AR_GFM_ALL;
    conf.math = 1;
    limits.timeout_ms = ar_budget_ms(5000);

    ok = ar_int_is("many openers, no formula",
                   ar_render_article(&conf, &limits, md, n, &article), AR_OK)
         && ar_lacks(&article.html, "<math");

    if (ok) {
        ar_article_free(&article);
    }

    free(md);

    return ok;
}


int
main(void)
{
    char      name[256];
    size_t    i, ntex, nmd, planned;
    unsigned  mode;

    static const ar_test_t  tests[] = {
        { "nesting: as deep as the limit converts, deeper is an error",
          ar_test_depth },
        { "a display formula is a block <math>", ar_test_display },
        { "a 1 MB formula renders within the budgets, an invalid one as "
          "the error element", ar_test_big_formula },
        { "a paragraph of unclosed $ renders within the budget",
          ar_test_many_dollars }
    };

    ntex = sizeof(ar_tex_cases) / sizeof(ar_tex_cases[0]);
    nmd = sizeof(ar_md_cases) / sizeof(ar_md_cases[0]);
    planned = ntex + sizeof(tests) / sizeof(tests[0]);

    for (i = 0; i < nmd; i++) {
        planned += (ar_md_cases[i].flags & AR_NOT_BLOCK) ? AR_MODES - 1
                                                         : AR_MODES;
    }

    ar_tap_plan(planned);

    if (ar_render_init() != AR_OK) {
        printf("Bail out! ar_render_init() failed\n");
        return 1;
    }

    for (i = 0; i < ntex; i++) {
        ar_tap_result(ar_tex_cases[i].name,
                      ar_run_tex_case(&ar_tex_cases[i]));
    }

    for (i = 0; i < nmd; i++) {
        for (mode = 0; mode < AR_MODES; mode++) {
            if (mode == AR_NEWLINE_BLOCK
                && (ar_md_cases[i].flags & AR_NOT_BLOCK))
            {
                continue;
            }

            snprintf(name, sizeof(name), "%s (newline %s)",
                     ar_md_cases[i].name, ar_mode_names[mode]);
            ar_tap_result(name, ar_run_md_case(&ar_md_cases[i], mode));
        }
    }

    for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
        ar_tap_result(tests[i].name, tests[i].run());
    }

    return ar_tap_done();
}
