/*
 * TeX to MathML Core.
 *
 * A recursive descent over the TeX source writes the MathML as it reads.
 * Where MathML puts an element around what TeX wrote before it (a
 * script's base, the numerator of \over, the index of a root), the
 * element's start tag is inserted afterwards, and two parts written in
 * the other order are swapped in place.  A formula that does not parse
 * (an unknown command, unbalanced braces, nesting deeper than
 * AR_MATH_DEPTH_MAX) is written as an inline error element holding its
 * source.  The work is linear in the source, so a render's time budget
 * holds; the running render's clock is looked at as it goes.
 *
 * MathML Core knows no mathvariant but "normal": \mathbb, \mathbf and the
 * like are written with the letters of Unicode's mathematical
 * alphanumeric symbols; nor columnalign, which the cells carry with a
 * class for the template's style sheet.  No style attribute is written:
 * sanitized pages carry none.
 */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ar_arena.h"
#include "ar_math.h"


/* what ends a list */
#define AR_MATH_T_EOF      0x0001
#define AR_MATH_T_BRACE    0x0002
#define AR_MATH_T_BRACKET  0x0004
#define AR_MATH_T_AMP      0x0008
#define AR_MATH_T_NEWLINE  0x0010
#define AR_MATH_T_END      0x0020
#define AR_MATH_T_RIGHT    0x0040


/* the clock is looked at every this many atoms */
#define AR_MATH_CLOCK      1024


enum {
    AR_MATH_MI = 1,      /* an identifier */
    AR_MATH_MI_UP,       /* an upright one: capital Greek */
    AR_MATH_MO,          /* an operator, relation or arrow */
    AR_MATH_FENCE,       /* a delimiter, not stretched but by \left */
    AR_MATH_BIGOP,       /* \sum: limits under and over */
    AR_MATH_INTOP,       /* \int: limits as scripts */
    AR_MATH_FUNC,        /* \sin */
    AR_MATH_LIMFUNC,     /* \lim, \max: limits under */
    AR_MATH_FRAC,        /* arg: 0, or 1 display style, 2 text style */
    AR_MATH_BINOM,
    AR_MATH_SQRT,
    AR_MATH_ACCENT,      /* arg: stretchy */
    AR_MATH_UNDER,       /* \underline */
    AR_MATH_BRACE,       /* arg: 0 over, 1 under */
    AR_MATH_FONT,        /* arg: the font of its argument */
    AR_MATH_FONTSW,      /* arg: the font of the rest of the group */
    AR_MATH_TEXT,        /* arg: AR_MATH_TEXT_* */
    AR_MATH_SPACE,       /* text: the width */
    AR_MATH_NBSP,
    AR_MATH_LEFT,
    AR_MATH_MIDDLE,
    AR_MATH_BIG,         /* text: the size */
    AR_MATH_BEGIN,
    AR_MATH_OVER,        /* text: the fences; arg: no line */
    AR_MATH_NOT,
    AR_MATH_OPNAME,
    AR_MATH_OVERSET,     /* arg: 0 over, 1 under */
    AR_MATH_STYLE,       /* arg: 0 display, 1 text, 2 script */
    AR_MATH_SKIP0,
    AR_MATH_SKIP1,
    AR_MATH_TEXTCOLOR,
    AR_MATH_BOXED,
    AR_MATH_PHANTOM,
    AR_MATH_MATHOP,
    AR_MATH_ARG,         /* its argument as it is */
    AR_MATH_SUBSTACK,
    AR_MATH_XARROW,      /* text: the arrow */
    AR_MATH_MOD,         /* arg: 0 \mod, 1 \bmod, 2 \pmod */
    AR_MATH_HSPACE,
    AR_MATH_TAG,
    AR_MATH_LIMITS
};


enum {
    AR_MATH_FONT_NONE = 0,
    AR_MATH_FONT_NORMAL,
    AR_MATH_FONT_BOLD,
    AR_MATH_FONT_ITALIC,
    AR_MATH_FONT_BOLDITALIC,
    AR_MATH_FONT_SCRIPT,
    AR_MATH_FONT_FRAKTUR,
    AR_MATH_FONT_DOUBLE,
    AR_MATH_FONT_SANS,
    AR_MATH_FONT_MONO
};


#define AR_MATH_TEXT_PLAIN   0
#define AR_MATH_TEXT_BOLD    1
#define AR_MATH_TEXT_ITALIC  2
#define AR_MATH_TEXT_MONO    3
#define AR_MATH_TEXT_SANS    4


/* environments */
#define AR_MATH_ALIGN_CENTER  0
#define AR_MATH_ALIGN_LEFT    1
#define AR_MATH_ALIGN_RL      2   /* right, left, right, ... */
#define AR_MATH_ALIGN_SPEC    3   /* array's column specification */

#define AR_MATH_ENV_DISPLAY   0x0001
#define AR_MATH_ENV_ARG       0x0002   /* alignat's column count */
#define AR_MATH_ENV_SMALL     0x0004

/* the columns of an array whose alignment is kept */
#define AR_MATH_COLS          32


typedef struct {
    const char     *name;
    unsigned char   kind;
    unsigned char   arg;
    const char     *text;
} ar_math_cmd_t;


typedef struct {
    const char     *name;
    const char     *open;
    const char     *close;
    unsigned        align;
    unsigned        flags;
} ar_math_env_t;


typedef struct {
    const char     *p;
    const char     *end;
    ar_buf_t       *out;
    const char     *error;
    const char     *what;      /* the command or environment in error */
    size_t          what_len;
    unsigned        depth;
    unsigned        font;
    unsigned        styles;    /* <mstyle> open in the current list */
    unsigned        ticks;
    unsigned        nomem:1;
} ar_math_t;


static int ar_math_list(ar_math_t *m, unsigned stop, unsigned *term);
static int ar_math_atom(ar_math_t *m);
static int ar_math_base(ar_math_t *m, int *limits, const char **post);
static int ar_math_arg(ar_math_t *m);
static int ar_math_command(ar_math_t *m, int *limits, const char **post);
static int ar_math_table(ar_math_t *m, const ar_math_env_t *env,
    unsigned end, const char *name, size_t name_len);
static int ar_math_text(ar_math_t *m, const char *s, size_t n,
    unsigned style);
static int ar_math_text_piece(ar_math_t *m, ar_buf_t *t, unsigned style);
static int ar_math_delim(ar_math_t *m, const char **text);
static int ar_math_raw(ar_math_t *m, const char **s, size_t *n);
static int ar_math_optional(ar_math_t *m, const char **s, size_t *n);
static int ar_math_width(ar_math_t *m, const char *s, size_t n);
static void ar_math_letters(ar_math_t *m, int single);
static void ar_math_number(ar_math_t *m, int single);
static int ar_math_char(ar_math_t *m);
static uint32_t ar_math_font_char(unsigned font, unsigned char c);
static void ar_math_put_cp(ar_math_t *m, uint32_t cp);
static size_t ar_math_name(const ar_math_t *m, const char **name);
static int ar_math_is(const char *name, size_t n, const char *s);
static const ar_math_cmd_t *ar_math_find(const char *name, size_t n);
static const ar_math_env_t *ar_math_find_env(const char *name, size_t n);
static unsigned ar_math_prescan(const char *p, const char *end);
static void ar_math_space(ar_math_t *m);
static int ar_math_fail(ar_math_t *m, const char *error);
static void ar_math_element(ar_math_t *m, const char *open, const char *text,
    const char *close);
static void ar_math_put(ar_math_t *m, const char *s, size_t n);
static void ar_math_put_escaped(ar_math_t *m, const char *s, size_t n);
static void ar_math_insert(ar_math_t *m, size_t at, const char *s,
    size_t n);
static void ar_math_swap(ar_math_t *m, size_t a, size_t mid, size_t end);
static void ar_math_sort(void);
static int ar_math_cmp(const void *one, const void *two);

#define ar_math_puts(m, s)  ar_math_put(m, s, sizeof(s) - 1)
#define AR_MATH_S(s)        s, sizeof(s) - 1
#define ar_math_letter(c)   (((c) >= 'a' && (c) <= 'z')                     \
                             || ((c) >= 'A' && (c) <= 'Z'))


static pthread_once_t  ar_math_once = PTHREAD_ONCE_INIT;


/* sorted by ar_math_sort() */

static ar_math_cmd_t  ar_math_cmds[] = {

    /* Greek */
    { "alpha", AR_MATH_MI, 0, "α" }, { "beta", AR_MATH_MI, 0, "β" },
    { "gamma", AR_MATH_MI, 0, "γ" }, { "delta", AR_MATH_MI, 0, "δ" },
    { "epsilon", AR_MATH_MI, 0, "ϵ" }, { "varepsilon", AR_MATH_MI, 0, "ε" },
    { "zeta", AR_MATH_MI, 0, "ζ" }, { "eta", AR_MATH_MI, 0, "η" },
    { "theta", AR_MATH_MI, 0, "θ" }, { "vartheta", AR_MATH_MI, 0, "ϑ" },
    { "iota", AR_MATH_MI, 0, "ι" }, { "kappa", AR_MATH_MI, 0, "κ" },
    { "varkappa", AR_MATH_MI, 0, "ϰ" }, { "lambda", AR_MATH_MI, 0, "λ" },
    { "mu", AR_MATH_MI, 0, "μ" }, { "nu", AR_MATH_MI, 0, "ν" },
    { "xi", AR_MATH_MI, 0, "ξ" }, { "omicron", AR_MATH_MI, 0, "ο" },
    { "pi", AR_MATH_MI, 0, "π" }, { "varpi", AR_MATH_MI, 0, "ϖ" },
    { "rho", AR_MATH_MI, 0, "ρ" }, { "varrho", AR_MATH_MI, 0, "ϱ" },
    { "sigma", AR_MATH_MI, 0, "σ" }, { "varsigma", AR_MATH_MI, 0, "ς" },
    { "tau", AR_MATH_MI, 0, "τ" }, { "upsilon", AR_MATH_MI, 0, "υ" },
    { "phi", AR_MATH_MI, 0, "ϕ" }, { "varphi", AR_MATH_MI, 0, "φ" },
    { "chi", AR_MATH_MI, 0, "χ" }, { "psi", AR_MATH_MI, 0, "ψ" },
    { "omega", AR_MATH_MI, 0, "ω" }, { "digamma", AR_MATH_MI, 0, "ϝ" },
    { "Gamma", AR_MATH_MI_UP, 0, "Γ" }, { "Delta", AR_MATH_MI_UP, 0, "Δ" },
    { "Theta", AR_MATH_MI_UP, 0, "Θ" }, { "Lambda", AR_MATH_MI_UP, 0, "Λ" },
    { "Xi", AR_MATH_MI_UP, 0, "Ξ" }, { "Pi", AR_MATH_MI_UP, 0, "Π" },
    { "Sigma", AR_MATH_MI_UP, 0, "Σ" }, { "Upsilon", AR_MATH_MI_UP, 0, "Υ" },
    { "Phi", AR_MATH_MI_UP, 0, "Φ" }, { "Psi", AR_MATH_MI_UP, 0, "Ψ" },
    { "Omega", AR_MATH_MI_UP, 0, "Ω" },
    { "varGamma", AR_MATH_MI, 0, "Γ" }, { "varDelta", AR_MATH_MI, 0, "Δ" },
    { "varTheta", AR_MATH_MI, 0, "Θ" }, { "varLambda", AR_MATH_MI, 0, "Λ" },
    { "varPi", AR_MATH_MI, 0, "Π" }, { "varSigma", AR_MATH_MI, 0, "Σ" },
    { "varPhi", AR_MATH_MI, 0, "Φ" }, { "varPsi", AR_MATH_MI, 0, "Ψ" },
    { "varOmega", AR_MATH_MI, 0, "Ω" },

    /* letter-like symbols */
    { "infty", AR_MATH_MI, 0, "∞" }, { "partial", AR_MATH_MI, 0, "∂" },
    { "nabla", AR_MATH_MI_UP, 0, "∇" }, { "emptyset", AR_MATH_MI, 0, "∅" },
    { "varnothing", AR_MATH_MI, 0, "∅" }, { "ell", AR_MATH_MI, 0, "ℓ" },
    { "hbar", AR_MATH_MI, 0, "ℏ" }, { "hslash", AR_MATH_MI, 0, "ℏ" },
    { "aleph", AR_MATH_MI, 0, "ℵ" }, { "beth", AR_MATH_MI, 0, "ℶ" },
    { "Re", AR_MATH_MI, 0, "ℜ" }, { "Im", AR_MATH_MI, 0, "ℑ" },
    { "wp", AR_MATH_MI, 0, "℘" }, { "imath", AR_MATH_MI, 0, "ı" },
    { "jmath", AR_MATH_MI, 0, "ȷ" }, { "angle", AR_MATH_MI, 0, "∠" },
    { "triangle", AR_MATH_MI, 0, "△" }, { "square", AR_MATH_MI, 0, "□" },
    { "Box", AR_MATH_MI, 0, "□" }, { "blacksquare", AR_MATH_MI, 0, "■" },
    { "checkmark", AR_MATH_MI, 0, "✓" }, { "top", AR_MATH_MI, 0, "⊤" },
    { "bot", AR_MATH_MI, 0, "⊥" }, { "complement", AR_MATH_MI, 0, "∁" },
    { "clubsuit", AR_MATH_MI, 0, "♣" }, { "spadesuit", AR_MATH_MI, 0, "♠" },
    { "heartsuit", AR_MATH_MI, 0, "♡" },
    { "diamondsuit", AR_MATH_MI, 0, "♢" },
    { "flat", AR_MATH_MI, 0, "♭" }, { "sharp", AR_MATH_MI, 0, "♯" },
    { "natural", AR_MATH_MI, 0, "♮" }, { "mho", AR_MATH_MI, 0, "℧" },
    { "eth", AR_MATH_MI, 0, "ð" }, { "S", AR_MATH_MI, 0, "§" },
    { "P", AR_MATH_MI, 0, "¶" }, { "pounds", AR_MATH_MI, 0, "£" },
    { "degree", AR_MATH_MI, 0, "°" }, { "dag", AR_MATH_MI, 0, "†" },
    { "_", AR_MATH_MI, 0, "_" }, { "$", AR_MATH_MI, 0, "$" },
    { "#", AR_MATH_MO, 0, "#" }, { "%", AR_MATH_MO, 0, "%" },
    { "&", AR_MATH_MO, 0, "&amp;" }, { "lt", AR_MATH_MO, 0, "&lt;" },
    { "gt", AR_MATH_MO, 0, "&gt;" },

    /* dots */
    { "ldots", AR_MATH_MO, 0, "…" }, { "dots", AR_MATH_MO, 0, "…" },
    { "dotso", AR_MATH_MO, 0, "…" }, { "dotsc", AR_MATH_MO, 0, "…" },
    { "cdots", AR_MATH_MO, 0, "⋯" }, { "dotsb", AR_MATH_MO, 0, "⋯" },
    { "dotsm", AR_MATH_MO, 0, "⋯" }, { "dotsi", AR_MATH_MO, 0, "⋯" },
    { "vdots", AR_MATH_MO, 0, "⋮" }, { "ddots", AR_MATH_MO, 0, "⋱" },
    { "iddots", AR_MATH_MO, 0, "⋰" }, { "ldotp", AR_MATH_MO, 0, "." },
    { "cdotp", AR_MATH_MO, 0, "⋅" }, { "colon", AR_MATH_MO, 0, ":" },
    { "prime", AR_MATH_MO, 0, "′" },

    /* binary operators */
    { "pm", AR_MATH_MO, 0, "±" }, { "mp", AR_MATH_MO, 0, "∓" },
    { "times", AR_MATH_MO, 0, "×" }, { "div", AR_MATH_MO, 0, "÷" },
    { "cdot", AR_MATH_MO, 0, "⋅" }, { "ast", AR_MATH_MO, 0, "∗" },
    { "star", AR_MATH_MO, 0, "⋆" }, { "circ", AR_MATH_MO, 0, "∘" },
    { "bullet", AR_MATH_MO, 0, "∙" }, { "oplus", AR_MATH_MO, 0, "⊕" },
    { "ominus", AR_MATH_MO, 0, "⊖" }, { "otimes", AR_MATH_MO, 0, "⊗" },
    { "oslash", AR_MATH_MO, 0, "⊘" }, { "odot", AR_MATH_MO, 0, "⊙" },
    { "cap", AR_MATH_MO, 0, "∩" }, { "cup", AR_MATH_MO, 0, "∪" },
    { "sqcap", AR_MATH_MO, 0, "⊓" }, { "sqcup", AR_MATH_MO, 0, "⊔" },
    { "uplus", AR_MATH_MO, 0, "⊎" }, { "vee", AR_MATH_MO, 0, "∨" },
    { "lor", AR_MATH_MO, 0, "∨" }, { "wedge", AR_MATH_MO, 0, "∧" },
    { "land", AR_MATH_MO, 0, "∧" }, { "setminus", AR_MATH_MO, 0, "∖" },
    { "smallsetminus", AR_MATH_MO, 0, "∖" }, { "wr", AR_MATH_MO, 0, "≀" },
    { "diamond", AR_MATH_MO, 0, "⋄" }, { "amalg", AR_MATH_MO, 0, "⨿" },
    { "bigtriangleup", AR_MATH_MO, 0, "△" },
    { "bigtriangledown", AR_MATH_MO, 0, "▽" },
    { "triangleleft", AR_MATH_MO, 0, "◁" },
    { "triangleright", AR_MATH_MO, 0, "▷" },
    { "lhd", AR_MATH_MO, 0, "⊲" }, { "rhd", AR_MATH_MO, 0, "⊳" },
    { "unlhd", AR_MATH_MO, 0, "⊴" }, { "unrhd", AR_MATH_MO, 0, "⊵" },
    { "dagger", AR_MATH_MO, 0, "†" }, { "ddagger", AR_MATH_MO, 0, "‡" },
    { "ltimes", AR_MATH_MO, 0, "⋉" }, { "rtimes", AR_MATH_MO, 0, "⋊" },
    { "bowtie", AR_MATH_MO, 0, "⋈" }, { "Join", AR_MATH_MO, 0, "⋈" },
    { "boxplus", AR_MATH_MO, 0, "⊞" }, { "boxtimes", AR_MATH_MO, 0, "⊠" },
    { "boxminus", AR_MATH_MO, 0, "⊟" }, { "boxdot", AR_MATH_MO, 0, "⊡" },
    { "dotplus", AR_MATH_MO, 0, "∔" }, { "intercal", AR_MATH_MO, 0, "⊺" },
    { "veebar", AR_MATH_MO, 0, "⊻" }, { "barwedge", AR_MATH_MO, 0, "⌅" },
    { "circledast", AR_MATH_MO, 0, "⊛" },
    { "circledcirc", AR_MATH_MO, 0, "⊚" },
    { "centerdot", AR_MATH_MO, 0, "⋅" }, { "neg", AR_MATH_MO, 0, "¬" },
    { "lnot", AR_MATH_MO, 0, "¬" }, { "forall", AR_MATH_MO, 0, "∀" },
    { "exists", AR_MATH_MO, 0, "∃" }, { "nexists", AR_MATH_MO, 0, "∄" },
    { "surd", AR_MATH_MO, 0, "√" },

    /* relations */
    { "leq", AR_MATH_MO, 0, "≤" }, { "le", AR_MATH_MO, 0, "≤" },
    { "geq", AR_MATH_MO, 0, "≥" }, { "ge", AR_MATH_MO, 0, "≥" },
    { "neq", AR_MATH_MO, 0, "≠" }, { "ne", AR_MATH_MO, 0, "≠" },
    { "equiv", AR_MATH_MO, 0, "≡" }, { "approx", AR_MATH_MO, 0, "≈" },
    { "approxeq", AR_MATH_MO, 0, "≊" }, { "sim", AR_MATH_MO, 0, "∼" },
    { "simeq", AR_MATH_MO, 0, "≃" }, { "cong", AR_MATH_MO, 0, "≅" },
    { "ncong", AR_MATH_MO, 0, "≇" }, { "nsim", AR_MATH_MO, 0, "≁" },
    { "propto", AR_MATH_MO, 0, "∝" }, { "varpropto", AR_MATH_MO, 0, "∝" },
    { "ll", AR_MATH_MO, 0, "≪" }, { "gg", AR_MATH_MO, 0, "≫" },
    { "lll", AR_MATH_MO, 0, "⋘" }, { "ggg", AR_MATH_MO, 0, "⋙" },
    { "subset", AR_MATH_MO, 0, "⊂" }, { "supset", AR_MATH_MO, 0, "⊃" },
    { "subseteq", AR_MATH_MO, 0, "⊆" }, { "supseteq", AR_MATH_MO, 0, "⊇" },
    { "subsetneq", AR_MATH_MO, 0, "⊊" },
    { "supsetneq", AR_MATH_MO, 0, "⊋" },
    { "nsubseteq", AR_MATH_MO, 0, "⊈" },
    { "nsupseteq", AR_MATH_MO, 0, "⊉" },
    { "sqsubset", AR_MATH_MO, 0, "⊏" }, { "sqsupset", AR_MATH_MO, 0, "⊐" },
    { "sqsubseteq", AR_MATH_MO, 0, "⊑" },
    { "sqsupseteq", AR_MATH_MO, 0, "⊒" },
    { "Subset", AR_MATH_MO, 0, "⋐" }, { "Supset", AR_MATH_MO, 0, "⋑" },
    { "in", AR_MATH_MO, 0, "∈" }, { "ni", AR_MATH_MO, 0, "∋" },
    { "owns", AR_MATH_MO, 0, "∋" }, { "notin", AR_MATH_MO, 0, "∉" },
    { "perp", AR_MATH_MO, 0, "⊥" }, { "parallel", AR_MATH_MO, 0, "∥" },
    { "nparallel", AR_MATH_MO, 0, "∦" }, { "mid", AR_MATH_MO, 0, "∣" },
    { "nmid", AR_MATH_MO, 0, "∤" }, { "shortmid", AR_MATH_MO, 0, "∣" },
    { "vdash", AR_MATH_MO, 0, "⊢" }, { "dashv", AR_MATH_MO, 0, "⊣" },
    { "models", AR_MATH_MO, 0, "⊨" }, { "vDash", AR_MATH_MO, 0, "⊨" },
    { "Vdash", AR_MATH_MO, 0, "⊩" }, { "nvdash", AR_MATH_MO, 0, "⊬" },
    { "nvDash", AR_MATH_MO, 0, "⊭" },
    { "prec", AR_MATH_MO, 0, "≺" }, { "succ", AR_MATH_MO, 0, "≻" },
    { "preceq", AR_MATH_MO, 0, "⪯" }, { "succeq", AR_MATH_MO, 0, "⪰" },
    { "preccurlyeq", AR_MATH_MO, 0, "≼" },
    { "succcurlyeq", AR_MATH_MO, 0, "≽" },
    { "doteq", AR_MATH_MO, 0, "≐" }, { "asymp", AR_MATH_MO, 0, "≍" },
    { "smile", AR_MATH_MO, 0, "⌣" }, { "frown", AR_MATH_MO, 0, "⌢" },
    { "lesssim", AR_MATH_MO, 0, "≲" }, { "gtrsim", AR_MATH_MO, 0, "≳" },
    { "lessapprox", AR_MATH_MO, 0, "⪅" },
    { "gtrapprox", AR_MATH_MO, 0, "⪆" },
    { "leqslant", AR_MATH_MO, 0, "⩽" }, { "geqslant", AR_MATH_MO, 0, "⩾" },
    { "leqq", AR_MATH_MO, 0, "≦" }, { "geqq", AR_MATH_MO, 0, "≧" },
    { "lessgtr", AR_MATH_MO, 0, "≶" }, { "gtrless", AR_MATH_MO, 0, "≷" },
    { "nleq", AR_MATH_MO, 0, "≰" }, { "ngeq", AR_MATH_MO, 0, "≱" },
    { "nless", AR_MATH_MO, 0, "≮" }, { "ngtr", AR_MATH_MO, 0, "≯" },
    { "lneq", AR_MATH_MO, 0, "⪇" }, { "gneq", AR_MATH_MO, 0, "⪈" },
    { "coloneqq", AR_MATH_MO, 0, "≔" }, { "coloneq", AR_MATH_MO, 0, "≔" },
    { "eqqcolon", AR_MATH_MO, 0, "≕" }, { "triangleq", AR_MATH_MO, 0, "≜" },
    { "eqsim", AR_MATH_MO, 0, "≂" }, { "backsim", AR_MATH_MO, 0, "∽" },
    { "thicksim", AR_MATH_MO, 0, "∼" },
    { "thickapprox", AR_MATH_MO, 0, "≈" },
    { "bumpeq", AR_MATH_MO, 0, "≏" }, { "Bumpeq", AR_MATH_MO, 0, "≎" },
    { "circeq", AR_MATH_MO, 0, "≗" }, { "therefore", AR_MATH_MO, 0, "∴" },
    { "because", AR_MATH_MO, 0, "∵" }, { "between", AR_MATH_MO, 0, "≬" },
    { "pitchfork", AR_MATH_MO, 0, "⋔" },
    { "trianglelefteq", AR_MATH_MO, 0, "⊴" },
    { "trianglerighteq", AR_MATH_MO, 0, "⊵" },
    { "vartriangleleft", AR_MATH_MO, 0, "⊲" },
    { "vartriangleright", AR_MATH_MO, 0, "⊳" },
    { "multimap", AR_MATH_MO, 0, "⊸" },

    /* arrows */
    { "to", AR_MATH_MO, 0, "→" }, { "rightarrow", AR_MATH_MO, 0, "→" },
    { "leftarrow", AR_MATH_MO, 0, "←" }, { "gets", AR_MATH_MO, 0, "←" },
    { "leftrightarrow", AR_MATH_MO, 0, "↔" },
    { "Rightarrow", AR_MATH_MO, 0, "⇒" },
    { "Leftarrow", AR_MATH_MO, 0, "⇐" },
    { "Leftrightarrow", AR_MATH_MO, 0, "⇔" },
    { "implies", AR_MATH_MO, 0, "⟹" }, { "impliedby", AR_MATH_MO, 0, "⟸" },
    { "iff", AR_MATH_MO, 0, "⟺" },
    { "longrightarrow", AR_MATH_MO, 0, "⟶" },
    { "longleftarrow", AR_MATH_MO, 0, "⟵" },
    { "longleftrightarrow", AR_MATH_MO, 0, "⟷" },
    { "Longrightarrow", AR_MATH_MO, 0, "⟹" },
    { "Longleftarrow", AR_MATH_MO, 0, "⟸" },
    { "Longleftrightarrow", AR_MATH_MO, 0, "⟺" },
    { "mapsto", AR_MATH_MO, 0, "↦" }, { "longmapsto", AR_MATH_MO, 0, "⟼" },
    { "uparrow", AR_MATH_FENCE, 0, "↑" },
    { "downarrow", AR_MATH_FENCE, 0, "↓" },
    { "updownarrow", AR_MATH_FENCE, 0, "↕" },
    { "Uparrow", AR_MATH_FENCE, 0, "⇑" },
    { "Downarrow", AR_MATH_FENCE, 0, "⇓" },
    { "Updownarrow", AR_MATH_FENCE, 0, "⇕" },
    { "nearrow", AR_MATH_MO, 0, "↗" }, { "searrow", AR_MATH_MO, 0, "↘" },
    { "swarrow", AR_MATH_MO, 0, "↙" }, { "nwarrow", AR_MATH_MO, 0, "↖" },
    { "hookrightarrow", AR_MATH_MO, 0, "↪" },
    { "hookleftarrow", AR_MATH_MO, 0, "↩" },
    { "rightharpoonup", AR_MATH_MO, 0, "⇀" },
    { "rightharpoondown", AR_MATH_MO, 0, "⇁" },
    { "leftharpoonup", AR_MATH_MO, 0, "↼" },
    { "leftharpoondown", AR_MATH_MO, 0, "↽" },
    { "rightleftharpoons", AR_MATH_MO, 0, "⇌" },
    { "leftrightharpoons", AR_MATH_MO, 0, "⇋" },
    { "leadsto", AR_MATH_MO, 0, "⇝" },
    { "rightsquigarrow", AR_MATH_MO, 0, "⇝" },
    { "twoheadrightarrow", AR_MATH_MO, 0, "↠" },
    { "twoheadleftarrow", AR_MATH_MO, 0, "↞" },
    { "rightrightarrows", AR_MATH_MO, 0, "⇉" },
    { "leftleftarrows", AR_MATH_MO, 0, "⇇" },
    { "leftrightarrows", AR_MATH_MO, 0, "⇆" },
    { "rightleftarrows", AR_MATH_MO, 0, "⇄" },
    { "curvearrowright", AR_MATH_MO, 0, "↷" },
    { "curvearrowleft", AR_MATH_MO, 0, "↶" },
    { "circlearrowright", AR_MATH_MO, 0, "↻" },
    { "circlearrowleft", AR_MATH_MO, 0, "↺" },
    { "nrightarrow", AR_MATH_MO, 0, "↛" },
    { "nleftarrow", AR_MATH_MO, 0, "↚" },
    { "nRightarrow", AR_MATH_MO, 0, "⇏" },
    { "nLeftarrow", AR_MATH_MO, 0, "⇍" },
    { "nleftrightarrow", AR_MATH_MO, 0, "↮" },
    { "nLeftrightarrow", AR_MATH_MO, 0, "⇎" },
    { "upharpoonright", AR_MATH_MO, 0, "↾" },
    { "restriction", AR_MATH_MO, 0, "↾" },

    /* delimiters */
    { "{", AR_MATH_FENCE, 0, "{" }, { "}", AR_MATH_FENCE, 0, "}" },
    { "lbrace", AR_MATH_FENCE, 0, "{" }, { "rbrace", AR_MATH_FENCE, 0, "}" },
    { "lbrack", AR_MATH_FENCE, 0, "[" }, { "rbrack", AR_MATH_FENCE, 0, "]" },
    { "langle", AR_MATH_FENCE, 0, "⟨" },
    { "rangle", AR_MATH_FENCE, 0, "⟩" },
    { "lfloor", AR_MATH_FENCE, 0, "⌊" },
    { "rfloor", AR_MATH_FENCE, 0, "⌋" },
    { "lceil", AR_MATH_FENCE, 0, "⌈" }, { "rceil", AR_MATH_FENCE, 0, "⌉" },
    { "vert", AR_MATH_FENCE, 0, "|" }, { "lvert", AR_MATH_FENCE, 0, "|" },
    { "rvert", AR_MATH_FENCE, 0, "|" }, { "Vert", AR_MATH_FENCE, 0, "‖" },
    { "lVert", AR_MATH_FENCE, 0, "‖" }, { "rVert", AR_MATH_FENCE, 0, "‖" },
    { "|", AR_MATH_FENCE, 0, "‖" }, { "backslash", AR_MATH_FENCE, 0, "\\" },
    { "lgroup", AR_MATH_FENCE, 0, "⟮" },
    { "rgroup", AR_MATH_FENCE, 0, "⟯" },

    /* large operators */
    { "sum", AR_MATH_BIGOP, 0, "∑" }, { "prod", AR_MATH_BIGOP, 0, "∏" },
    { "coprod", AR_MATH_BIGOP, 0, "∐" },
    { "bigcup", AR_MATH_BIGOP, 0, "⋃" },
    { "bigcap", AR_MATH_BIGOP, 0, "⋂" },
    { "bigoplus", AR_MATH_BIGOP, 0, "⨁" },
    { "bigotimes", AR_MATH_BIGOP, 0, "⨂" },
    { "bigodot", AR_MATH_BIGOP, 0, "⨀" },
    { "bigvee", AR_MATH_BIGOP, 0, "⋁" },
    { "bigwedge", AR_MATH_BIGOP, 0, "⋀" },
    { "biguplus", AR_MATH_BIGOP, 0, "⨄" },
    { "bigsqcup", AR_MATH_BIGOP, 0, "⨆" },
    { "int", AR_MATH_INTOP, 0, "∫" }, { "intop", AR_MATH_INTOP, 0, "∫" },
    { "iint", AR_MATH_INTOP, 0, "∬" }, { "iiint", AR_MATH_INTOP, 0, "∭" },
    { "oint", AR_MATH_INTOP, 0, "∮" }, { "oiint", AR_MATH_INTOP, 0, "∯" },
    { "smallint", AR_MATH_INTOP, 0, "∫" },

    /* functions */
    { "arccos", AR_MATH_FUNC, 0, "arccos" },
    { "arcsin", AR_MATH_FUNC, 0, "arcsin" },
    { "arctan", AR_MATH_FUNC, 0, "arctan" }, { "arg", AR_MATH_FUNC, 0, "arg" },
    { "cos", AR_MATH_FUNC, 0, "cos" }, { "cosh", AR_MATH_FUNC, 0, "cosh" },
    { "cot", AR_MATH_FUNC, 0, "cot" }, { "coth", AR_MATH_FUNC, 0, "coth" },
    { "csc", AR_MATH_FUNC, 0, "csc" }, { "deg", AR_MATH_FUNC, 0, "deg" },
    { "dim", AR_MATH_FUNC, 0, "dim" }, { "exp", AR_MATH_FUNC, 0, "exp" },
    { "hom", AR_MATH_FUNC, 0, "hom" }, { "ker", AR_MATH_FUNC, 0, "ker" },
    { "lg", AR_MATH_FUNC, 0, "lg" }, { "ln", AR_MATH_FUNC, 0, "ln" },
    { "log", AR_MATH_FUNC, 0, "log" }, { "sec", AR_MATH_FUNC, 0, "sec" },
    { "sin", AR_MATH_FUNC, 0, "sin" }, { "sinh", AR_MATH_FUNC, 0, "sinh" },
    { "tan", AR_MATH_FUNC, 0, "tan" }, { "tanh", AR_MATH_FUNC, 0, "tanh" },
    { "lim", AR_MATH_LIMFUNC, 0, "lim" },
    { "liminf", AR_MATH_LIMFUNC, 0, "lim inf" },
    { "limsup", AR_MATH_LIMFUNC, 0, "lim sup" },
    { "max", AR_MATH_LIMFUNC, 0, "max" }, { "min", AR_MATH_LIMFUNC, 0, "min" },
    { "sup", AR_MATH_LIMFUNC, 0, "sup" }, { "inf", AR_MATH_LIMFUNC, 0, "inf" },
    { "det", AR_MATH_LIMFUNC, 0, "det" }, { "gcd", AR_MATH_LIMFUNC, 0, "gcd" },
    { "Pr", AR_MATH_LIMFUNC, 0, "Pr" },
    { "argmax", AR_MATH_LIMFUNC, 0, "arg max" },
    { "argmin", AR_MATH_LIMFUNC, 0, "arg min" },

    /* fractions, roots, accents */
    { "frac", AR_MATH_FRAC, 0, NULL }, { "dfrac", AR_MATH_FRAC, 1, NULL },
    { "tfrac", AR_MATH_FRAC, 2, NULL }, { "cfrac", AR_MATH_FRAC, 1, NULL },
    { "binom", AR_MATH_BINOM, 0, NULL }, { "dbinom", AR_MATH_BINOM, 1, NULL },
    { "tbinom", AR_MATH_BINOM, 2, NULL }, { "sqrt", AR_MATH_SQRT, 0, NULL },
    { "over", AR_MATH_OVER, 0, "" }, { "atop", AR_MATH_OVER, 1, "" },
    { "choose", AR_MATH_OVER, 1, "()" }, { "brace", AR_MATH_OVER, 1, "{}" },
    { "brack", AR_MATH_OVER, 1, "[]" },
    { "hat", AR_MATH_ACCENT, 0, "^" }, { "widehat", AR_MATH_ACCENT, 1, "^" },
    { "check", AR_MATH_ACCENT, 0, "ˇ" },
    { "widecheck", AR_MATH_ACCENT, 1, "ˇ" },
    { "tilde", AR_MATH_ACCENT, 0, "~" },
    { "widetilde", AR_MATH_ACCENT, 1, "~" },
    { "bar", AR_MATH_ACCENT, 0, "¯" }, { "vec", AR_MATH_ACCENT, 0, "→" },
    { "dot", AR_MATH_ACCENT, 0, "˙" }, { "ddot", AR_MATH_ACCENT, 0, "¨" },
    { "dddot", AR_MATH_ACCENT, 0, "⃛" }, { "acute", AR_MATH_ACCENT, 0, "´" },
    { "grave", AR_MATH_ACCENT, 0, "`" }, { "breve", AR_MATH_ACCENT, 0, "˘" },
    { "mathring", AR_MATH_ACCENT, 0, "˚" },
    { "overline", AR_MATH_ACCENT, 1, "‾" },
    { "overrightarrow", AR_MATH_ACCENT, 1, "→" },
    { "overleftarrow", AR_MATH_ACCENT, 1, "←" },
    { "overleftrightarrow", AR_MATH_ACCENT, 1, "↔" },
    { "underline", AR_MATH_UNDER, 0, "_" },
    { "underrightarrow", AR_MATH_UNDER, 0, "→" },
    { "underleftarrow", AR_MATH_UNDER, 0, "←" },
    { "overbrace", AR_MATH_BRACE, 0, "⏞" },
    { "underbrace", AR_MATH_BRACE, 1, "⏟" },
    { "overset", AR_MATH_OVERSET, 0, NULL },
    { "stackrel", AR_MATH_OVERSET, 0, NULL },
    { "underset", AR_MATH_OVERSET, 1, NULL },
    { "xrightarrow", AR_MATH_XARROW, 0, "→" },
    { "xleftarrow", AR_MATH_XARROW, 0, "←" },
    { "xRightarrow", AR_MATH_XARROW, 0, "⇒" },
    { "xLeftarrow", AR_MATH_XARROW, 0, "⇐" },
    { "xleftrightarrow", AR_MATH_XARROW, 0, "↔" },
    { "xmapsto", AR_MATH_XARROW, 0, "↦" },

    /* fonts and text */
    { "mathrm", AR_MATH_FONT, AR_MATH_FONT_NORMAL, NULL },
    { "mathup", AR_MATH_FONT, AR_MATH_FONT_NORMAL, NULL },
    { "mathnormal", AR_MATH_FONT, AR_MATH_FONT_NONE, NULL },
    { "mathbf", AR_MATH_FONT, AR_MATH_FONT_BOLD, NULL },
    { "bold", AR_MATH_FONT, AR_MATH_FONT_BOLD, NULL },
    { "mathit", AR_MATH_FONT, AR_MATH_FONT_ITALIC, NULL },
    { "boldsymbol", AR_MATH_FONT, AR_MATH_FONT_BOLDITALIC, NULL },
    { "bm", AR_MATH_FONT, AR_MATH_FONT_BOLDITALIC, NULL },
    { "mathcal", AR_MATH_FONT, AR_MATH_FONT_SCRIPT, NULL },
    { "mathscr", AR_MATH_FONT, AR_MATH_FONT_SCRIPT, NULL },
    { "mathfrak", AR_MATH_FONT, AR_MATH_FONT_FRAKTUR, NULL },
    { "mathbb", AR_MATH_FONT, AR_MATH_FONT_DOUBLE, NULL },
    { "Bbb", AR_MATH_FONT, AR_MATH_FONT_DOUBLE, NULL },
    { "mathsf", AR_MATH_FONT, AR_MATH_FONT_SANS, NULL },
    { "mathtt", AR_MATH_FONT, AR_MATH_FONT_MONO, NULL },
    { "rm", AR_MATH_FONTSW, AR_MATH_FONT_NORMAL, NULL },
    { "bf", AR_MATH_FONTSW, AR_MATH_FONT_BOLD, NULL },
    { "it", AR_MATH_FONTSW, AR_MATH_FONT_ITALIC, NULL },
    { "cal", AR_MATH_FONTSW, AR_MATH_FONT_SCRIPT, NULL },
    { "sf", AR_MATH_FONTSW, AR_MATH_FONT_SANS, NULL },
    { "tt", AR_MATH_FONTSW, AR_MATH_FONT_MONO, NULL },
    { "text", AR_MATH_TEXT, AR_MATH_TEXT_PLAIN, NULL },
    { "textrm", AR_MATH_TEXT, AR_MATH_TEXT_PLAIN, NULL },
    { "textnormal", AR_MATH_TEXT, AR_MATH_TEXT_PLAIN, NULL },
    { "textup", AR_MATH_TEXT, AR_MATH_TEXT_PLAIN, NULL },
    { "mbox", AR_MATH_TEXT, AR_MATH_TEXT_PLAIN, NULL },
    { "hbox", AR_MATH_TEXT, AR_MATH_TEXT_PLAIN, NULL },
    { "textbf", AR_MATH_TEXT, AR_MATH_TEXT_BOLD, NULL },
    { "textit", AR_MATH_TEXT, AR_MATH_TEXT_ITALIC, NULL },
    { "emph", AR_MATH_TEXT, AR_MATH_TEXT_ITALIC, NULL },
    { "texttt", AR_MATH_TEXT, AR_MATH_TEXT_MONO, NULL },
    { "textsf", AR_MATH_TEXT, AR_MATH_TEXT_SANS, NULL },
    { "operatorname", AR_MATH_OPNAME, 0, NULL },

    /* spacing */
    { ",", AR_MATH_SPACE, 0, "0.1667em" },
    { "thinspace", AR_MATH_SPACE, 0, "0.1667em" },
    { ":", AR_MATH_SPACE, 0, "0.2222em" },
    { ">", AR_MATH_SPACE, 0, "0.2222em" },
    { "medspace", AR_MATH_SPACE, 0, "0.2222em" },
    { ";", AR_MATH_SPACE, 0, "0.2778em" },
    { "thickspace", AR_MATH_SPACE, 0, "0.2778em" },
    { "!", AR_MATH_SPACE, 0, "-0.1667em" },
    { "negthinspace", AR_MATH_SPACE, 0, "-0.1667em" },
    { "negmedspace", AR_MATH_SPACE, 0, "-0.2222em" },
    { "negthickspace", AR_MATH_SPACE, 0, "-0.2778em" },
    { "enspace", AR_MATH_SPACE, 0, "0.5em" },
    { "quad", AR_MATH_SPACE, 0, "1em" }, { "qquad", AR_MATH_SPACE, 0, "2em" },
    { " ", AR_MATH_NBSP, 0, NULL }, { "space", AR_MATH_NBSP, 0, NULL },
    { "nobreakspace", AR_MATH_NBSP, 0, NULL },
    { "hspace", AR_MATH_HSPACE, 0, NULL },
    { "hspace*", AR_MATH_HSPACE, 0, NULL },
    { "mspace", AR_MATH_HSPACE, 0, NULL },
    { "hskip", AR_MATH_HSPACE, 0, NULL }, { "kern", AR_MATH_HSPACE, 0, NULL },
    { "mkern", AR_MATH_HSPACE, 0, NULL },
    { "mskip", AR_MATH_HSPACE, 0, NULL },

    /* delimiters' sizes */
    { "left", AR_MATH_LEFT, 0, NULL }, { "middle", AR_MATH_MIDDLE, 0, NULL },
    { "big", AR_MATH_BIG, 0, "1.2em" }, { "bigl", AR_MATH_BIG, 0, "1.2em" },
    { "bigr", AR_MATH_BIG, 0, "1.2em" }, { "bigm", AR_MATH_BIG, 0, "1.2em" },
    { "Big", AR_MATH_BIG, 0, "1.623em" },
    { "Bigl", AR_MATH_BIG, 0, "1.623em" },
    { "Bigr", AR_MATH_BIG, 0, "1.623em" },
    { "Bigm", AR_MATH_BIG, 0, "1.623em" },
    { "bigg", AR_MATH_BIG, 0, "2.047em" },
    { "biggl", AR_MATH_BIG, 0, "2.047em" },
    { "biggr", AR_MATH_BIG, 0, "2.047em" },
    { "biggm", AR_MATH_BIG, 0, "2.047em" },
    { "Bigg", AR_MATH_BIG, 0, "2.470em" },
    { "Biggl", AR_MATH_BIG, 0, "2.470em" },
    { "Biggr", AR_MATH_BIG, 0, "2.470em" },
    { "Biggm", AR_MATH_BIG, 0, "2.470em" },

    /* the rest */
    { "begin", AR_MATH_BEGIN, 0, NULL }, { "not", AR_MATH_NOT, 0, NULL },
    { "displaystyle", AR_MATH_STYLE, 0, NULL },
    { "textstyle", AR_MATH_STYLE, 1, NULL },
    { "scriptstyle", AR_MATH_STYLE, 2, NULL },
    { "scriptscriptstyle", AR_MATH_STYLE, 2, NULL },
    { "nonumber", AR_MATH_SKIP0, 0, NULL },
    { "notag", AR_MATH_SKIP0, 0, NULL },
    { "nolinebreak", AR_MATH_SKIP0, 0, NULL },
    { "allowbreak", AR_MATH_SKIP0, 0, NULL },
    { "label", AR_MATH_SKIP1, 0, NULL }, { "color", AR_MATH_SKIP1, 0, NULL },
    { "textcolor", AR_MATH_TEXTCOLOR, 0, NULL },
    { "boxed", AR_MATH_BOXED, 0, NULL },
    { "phantom", AR_MATH_PHANTOM, 0, NULL },
    { "hphantom", AR_MATH_PHANTOM, 0, NULL },
    { "vphantom", AR_MATH_PHANTOM, 0, NULL },
    { "mathop", AR_MATH_MATHOP, 0, NULL },
    { "mathrel", AR_MATH_ARG, 0, NULL }, { "mathbin", AR_MATH_ARG, 0, NULL },
    { "mathord", AR_MATH_ARG, 0, NULL },
    { "mathopen", AR_MATH_ARG, 0, NULL },
    { "mathclose", AR_MATH_ARG, 0, NULL },
    { "mathpunct", AR_MATH_ARG, 0, NULL },
    { "mathinner", AR_MATH_ARG, 0, NULL }, { "smash", AR_MATH_ARG, 0, NULL },
    { "cancel", AR_MATH_ARG, 0, NULL }, { "bcancel", AR_MATH_ARG, 0, NULL },
    { "xcancel", AR_MATH_ARG, 0, NULL },
    { "substack", AR_MATH_SUBSTACK, 0, NULL },
    { "mod", AR_MATH_MOD, 0, NULL }, { "bmod", AR_MATH_MOD, 1, NULL },
    { "pmod", AR_MATH_MOD, 2, NULL }, { "tag", AR_MATH_TAG, 0, NULL },
    { "tag*", AR_MATH_TAG, 0, NULL },
    { "limits", AR_MATH_LIMITS, 1, NULL },
    { "nolimits", AR_MATH_LIMITS, 0, NULL }
};

#define AR_MATH_NCMDS  (sizeof(ar_math_cmds) / sizeof(ar_math_cmds[0]))


static const ar_math_env_t  ar_math_envs[] = {
    { "matrix", NULL, NULL, AR_MATH_ALIGN_CENTER, 0 },
    { "pmatrix", "(", ")", AR_MATH_ALIGN_CENTER, 0 },
    { "bmatrix", "[", "]", AR_MATH_ALIGN_CENTER, 0 },
    { "Bmatrix", "{", "}", AR_MATH_ALIGN_CENTER, 0 },
    { "vmatrix", "|", "|", AR_MATH_ALIGN_CENTER, 0 },
    { "Vmatrix", "‖", "‖", AR_MATH_ALIGN_CENTER, 0 },
    { "smallmatrix", NULL, NULL, AR_MATH_ALIGN_CENTER, AR_MATH_ENV_SMALL },
    { "cases", "{", NULL, AR_MATH_ALIGN_LEFT, 0 },
    { "dcases", "{", NULL, AR_MATH_ALIGN_LEFT, AR_MATH_ENV_DISPLAY },
    { "rcases", NULL, "}", AR_MATH_ALIGN_LEFT, 0 },
    { "aligned", NULL, NULL, AR_MATH_ALIGN_RL, AR_MATH_ENV_DISPLAY },
    { "align", NULL, NULL, AR_MATH_ALIGN_RL, AR_MATH_ENV_DISPLAY },
    { "align*", NULL, NULL, AR_MATH_ALIGN_RL, AR_MATH_ENV_DISPLAY },
    { "split", NULL, NULL, AR_MATH_ALIGN_RL, AR_MATH_ENV_DISPLAY },
    { "flalign", NULL, NULL, AR_MATH_ALIGN_RL, AR_MATH_ENV_DISPLAY },
    { "flalign*", NULL, NULL, AR_MATH_ALIGN_RL, AR_MATH_ENV_DISPLAY },
    { "eqnarray", NULL, NULL, AR_MATH_ALIGN_RL, AR_MATH_ENV_DISPLAY },
    { "eqnarray*", NULL, NULL, AR_MATH_ALIGN_RL, AR_MATH_ENV_DISPLAY },
    { "alignat", NULL, NULL, AR_MATH_ALIGN_RL,
      AR_MATH_ENV_DISPLAY|AR_MATH_ENV_ARG },
    { "alignat*", NULL, NULL, AR_MATH_ALIGN_RL,
      AR_MATH_ENV_DISPLAY|AR_MATH_ENV_ARG },
    { "alignedat", NULL, NULL, AR_MATH_ALIGN_RL,
      AR_MATH_ENV_DISPLAY|AR_MATH_ENV_ARG },
    { "gathered", NULL, NULL, AR_MATH_ALIGN_CENTER, AR_MATH_ENV_DISPLAY },
    { "gather", NULL, NULL, AR_MATH_ALIGN_CENTER, AR_MATH_ENV_DISPLAY },
    { "gather*", NULL, NULL, AR_MATH_ALIGN_CENTER, AR_MATH_ENV_DISPLAY },
    { "multline", NULL, NULL, AR_MATH_ALIGN_CENTER, AR_MATH_ENV_DISPLAY },
    { "multline*", NULL, NULL, AR_MATH_ALIGN_CENTER, AR_MATH_ENV_DISPLAY },
    { "equation", NULL, NULL, AR_MATH_ALIGN_CENTER, AR_MATH_ENV_DISPLAY },
    { "equation*", NULL, NULL, AR_MATH_ALIGN_CENTER, AR_MATH_ENV_DISPLAY },
    { "array", NULL, NULL, AR_MATH_ALIGN_SPEC, 0 },
    { "subarray", NULL, NULL, AR_MATH_ALIGN_SPEC, AR_MATH_ENV_SMALL }
};

#define AR_MATH_NENVS  (sizeof(ar_math_envs) / sizeof(ar_math_envs[0]))



/*
 * Writes the formula's MathML, or the error element, after what "out"
 * holds: AR_OK, AR_MATH_INVALID or AR_ERROR (memory; "out" is then as it
 * was).
 */

int
ar_math_mathml(const char *tex, size_t len, unsigned flags, ar_buf_t *out)
{
    int        rc;
    size_t     start;
    unsigned   term, top;
    ar_math_t  m;

    (void) pthread_once(&ar_math_once, ar_math_sort);

    memset(&m, 0, sizeof(ar_math_t));

    m.p = tex;
    m.end = tex + len;
    m.out = out;

    start = out->len;

    if (flags & AR_MATH_DISPLAY) {
        ar_math_puts(&m, "<math display=\"block\"><semantics>");

    } else {
        ar_math_puts(&m, "<math><semantics>");
    }

    top = ar_math_prescan(tex, tex + len);

    if (top) {
        rc = ar_math_table(&m, (top == AR_MATH_T_AMP)
                               ? ar_math_find_env(AR_MATH_S("aligned"))
                               : ar_math_find_env(AR_MATH_S("gathered")),
                           AR_MATH_T_EOF, NULL, 0);

    } else {
        ar_math_puts(&m, "<mrow>");
        rc = ar_math_list(&m, AR_MATH_T_EOF, &term);
        ar_math_puts(&m, "</mrow>");
    }

    if (rc == AR_ERROR) {
        out->len = start;
        return AR_ERROR;
    }

    if (rc == AR_OK) {
        ar_math_puts(&m, "<annotation encoding=\"application/x-tex\">");
        ar_math_put_escaped(&m, tex, len);
        ar_math_puts(&m, "</annotation></semantics></math>");

        if (!m.nomem) {
            return AR_OK;
        }

        out->len = start;
        return AR_ERROR;
    }

    out->len = start;
    m.nomem = 0;

    ar_math_puts(&m, "<code class=\"math-error\" title=\"");
    ar_math_put_escaped(&m, m.error, strlen(m.error));

    if (m.what_len) {
        ar_math_puts(&m, " ");
        ar_math_put_escaped(&m, m.what, m.what_len);
    }

    ar_math_puts(&m, "\">");
    ar_math_put_escaped(&m, tex, len);
    ar_math_puts(&m, "</code>");

    if (m.nomem) {
        out->len = start;
        return AR_ERROR;
    }

    return AR_MATH_INVALID;
}


/*
 * Atoms up to one of the terminators in "stop", which is consumed and
 * reported in "term".  "\over" and its kin make the list a fraction.
 */

static int
ar_math_list(ar_math_t *m, unsigned stop, unsigned *term)
{
    int                   rc;
    char                  c;
    size_t                start, over, n;
    unsigned              font, styles;
    const char           *name;
    const ar_math_cmd_t  *cmd, *frac;

    if (++m->depth > AR_MATH_DEPTH_MAX) {
        return ar_math_fail(m, "nested too deeply");
    }

    start = m->out->len;
    over = 0;
    frac = NULL;
    font = m->font;
    styles = m->styles;
    m->styles = 0;

    for ( ;; ) {
        ar_math_space(m);

        if (m->p == m->end) {
            if (!(stop & AR_MATH_T_EOF)) {
                return ar_math_fail(m, (stop & AR_MATH_T_END)
                                       ? "missing \\end"
                                       : (stop & AR_MATH_T_RIGHT)
                                         ? "missing \\right"
                                         : "missing }");
            }

            *term = AR_MATH_T_EOF;
            break;
        }

        c = *m->p;

        if (c == '}') {
            if (!(stop & AR_MATH_T_BRACE)) {
                return ar_math_fail(m, "unbalanced }");
            }

            m->p++;
            *term = AR_MATH_T_BRACE;
            break;
        }

        if (c == ']' && (stop & AR_MATH_T_BRACKET)) {
            m->p++;
            *term = AR_MATH_T_BRACKET;
            break;
        }

        if (c == '&') {
            if (!(stop & AR_MATH_T_AMP)) {
                return ar_math_fail(m, "misplaced &");
            }

            m->p++;
            *term = AR_MATH_T_AMP;
            break;
        }

        if (c == '\\') {
            n = ar_math_name(m, &name);

            if (ar_math_is(name, n, "\\") || ar_math_is(name, n, "cr")) {
                m->p += 1 + n;

                if (stop & AR_MATH_T_NEWLINE) {
                    *term = AR_MATH_T_NEWLINE;
                    break;
                }

                /* a line break in a group: the line goes on */
                continue;
            }

            if (ar_math_is(name, n, "end")) {
                if (!(stop & AR_MATH_T_END)) {
                    return ar_math_fail(m, "unexpected \\end");
                }

                m->p += 1 + n;
                *term = AR_MATH_T_END;
                break;
            }

            if (ar_math_is(name, n, "right")) {
                if (!(stop & AR_MATH_T_RIGHT)) {
                    return ar_math_fail(m, "unexpected \\right");
                }

                m->p += 1 + n;
                *term = AR_MATH_T_RIGHT;
                break;
            }

            cmd = ar_math_find(name, n);

            /* switches for the rest of the list: no atom, no scripts */

            if (cmd != NULL && cmd->kind == AR_MATH_FONTSW) {
                m->p += 1 + n;
                m->font = cmd->arg;
                continue;
            }

            if (cmd != NULL && cmd->kind == AR_MATH_STYLE) {
                m->p += 1 + n;
                m->styles++;

                if (cmd->arg == 0) {
                    ar_math_puts(m, "<mstyle displaystyle=\"true\""
                                    " scriptlevel=\"0\">");

                } else if (cmd->arg == 1) {
                    ar_math_puts(m, "<mstyle displaystyle=\"false\">");

                } else {
                    ar_math_puts(m, "<mstyle displaystyle=\"false\""
                                    " scriptlevel=\"1\">");
                }

                continue;
            }

            if (cmd != NULL && cmd->kind == AR_MATH_OVER) {
                if (frac != NULL) {
                    return ar_math_fail(m, "ambiguous fraction");
                }

                m->p += 1 + n;

                for ( /* void */ ; m->styles; m->styles--) {
                    ar_math_puts(m, "</mstyle>");
                }

                over = m->out->len;
                frac = cmd;
                continue;
            }
        }

        rc = ar_math_atom(m);
        if (rc != AR_OK) {
            return rc;
        }
    }

    for ( /* void */ ; m->styles; m->styles--) {
        ar_math_puts(m, "</mstyle>");
    }

    m->styles = styles;
    m->font = font;
    m->depth--;

    if (frac == NULL) {
        return AR_OK;
    }

    ar_math_puts(m, "</mrow></mfrac>");

    if (frac->text[0]) {
        ar_math_puts(m, "<mo>");
        ar_math_put(m, &frac->text[1], 1);
        ar_math_puts(m, "</mo></mrow>");
    }

    ar_math_insert(m, over, AR_MATH_S("</mrow><mrow>"));

    if (frac->arg) {
        ar_math_insert(m, start,
                       AR_MATH_S("<mfrac linethickness=\"0\"><mrow>"));

    } else {
        ar_math_insert(m, start, AR_MATH_S("<mfrac><mrow>"));
    }

    if (frac->text[0]) {
        ar_math_insert(m, start, AR_MATH_S("</mo>"));
        ar_math_insert(m, start, frac->text, 1);
        ar_math_insert(m, start, AR_MATH_S("<mrow><mo>"));
    }

    return AR_OK;
}


/* a base and its scripts */

static int
ar_math_atom(ar_math_t *m)
{
    int          rc, limits, sub, sup;
    char         c;
    size_t       start, sub_at, sup_at, sub_end, n;
    const char  *post, *name, *tag;

    start = m->out->len;
    limits = 0;
    post = NULL;

    rc = ar_math_base(m, &limits, &post);
    if (rc != AR_OK) {
        return rc;
    }

    sub = 0;
    sup = 0;
    sub_at = 0;
    sub_end = 0;
    sup_at = 0;

    for ( ;; ) {
        ar_math_space(m);

        if (m->p == m->end) {
            break;
        }

        c = *m->p;

        if (c == '\\') {
            n = ar_math_name(m, &name);

            if (ar_math_is(name, n, "limits")) {
                limits = 1;

            } else if (ar_math_is(name, n, "nolimits")) {
                limits = 0;

            } else {
                break;
            }

            m->p += 1 + n;
            continue;
        }

        if (c == '^' || c == '\'') {
            if (sup) {
                return ar_math_fail(m, "double superscript");
            }

            sup = 1;
            sup_at = m->out->len;

            if (c == '\'') {
                ar_math_puts(m, "<mrow>");

                while (m->p < m->end && *m->p == '\'') {
                    ar_math_puts(m, "<mo>′</mo>");
                    m->p++;
                }

                if (m->p < m->end && *m->p == '^') {
                    m->p++;

                    rc = ar_math_arg(m);
                    if (rc != AR_OK) {
                        return rc;
                    }
                }

                ar_math_puts(m, "</mrow>");
                continue;
            }

            m->p++;

            rc = ar_math_arg(m);
            if (rc != AR_OK) {
                return rc;
            }

            continue;
        }

        if (c == '_') {
            if (sub) {
                return ar_math_fail(m, "double subscript");
            }

            sub = 1;
            sub_at = m->out->len;
            m->p++;

            rc = ar_math_arg(m);
            if (rc != AR_OK) {
                return rc;
            }

            sub_end = m->out->len;
            continue;
        }

        break;
    }

    if (sub && sup && sup_at < sub_at) {
        ar_math_swap(m, sup_at, sub_at, sub_end);
    }

    if (sub || sup) {
        if (limits) {
            tag = (sub && sup) ? "munderover" : sub ? "munder" : "mover";

        } else {
            tag = (sub && sup) ? "msubsup" : sub ? "msub" : "msup";
        }

        ar_math_puts(m, "</");
        ar_math_put(m, tag, strlen(tag));
        ar_math_puts(m, ">");

        ar_math_insert(m, start, AR_MATH_S(">"));
        ar_math_insert(m, start, tag, strlen(tag));
        ar_math_insert(m, start, AR_MATH_S("<"));
    }

    if (post != NULL) {
        ar_math_put(m, post, strlen(post));
    }

    return AR_OK;
}


/* one element: a group, a command with its arguments, a character */

static int
ar_math_base(ar_math_t *m, int *limits, const char **post)
{
    int            rc;
    unsigned char  c;
    unsigned       term;

    if (++m->ticks % AR_MATH_CLOCK == 0) {
        ar_arena_check_running();
    }

    ar_math_space(m);

    if (m->p == m->end) {
        return ar_math_fail(m, "missing argument");
    }

    c = (unsigned char) *m->p;

    if (c == '{') {
        m->p++;
        ar_math_puts(m, "<mrow>");

        rc = ar_math_list(m, AR_MATH_T_BRACE, &term);
        if (rc != AR_OK) {
            return rc;
        }

        ar_math_puts(m, "</mrow>");
        return AR_OK;
    }

    if (c == '^' || c == '_' || c == '\'') {
        ar_math_puts(m, "<mrow></mrow>");
        return AR_OK;
    }

    if (c == '\\') {
        return ar_math_command(m, limits, post);
    }

    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        ar_math_letters(m, 0);
        return AR_OK;
    }

    if ((c >= '0' && c <= '9')
        || (c == '.' && m->p + 1 < m->end
            && m->p[1] >= '0' && m->p[1] <= '9'))
    {
        ar_math_number(m, 0);
        return AR_OK;
    }

    return ar_math_char(m);
}


/* a command's argument or a script: a group or a single token */

static int
ar_math_arg(ar_math_t *m)
{
    int            rc, limits;
    size_t         start, n;
    unsigned char  c;
    const char    *post, *name;

    ar_math_space(m);

    if (m->p == m->end) {
        return ar_math_fail(m, "missing argument");
    }

    c = (unsigned char) *m->p;

    switch (c) {

    case '}':
    case '&':
    case '^':
    case '_':
    case ']':
        return ar_math_fail(m, "missing argument");

    case '\\':
        n = ar_math_name(m, &name);

        if (ar_math_is(name, n, "\\") || ar_math_is(name, n, "end")
            || ar_math_is(name, n, "right"))
        {
            return ar_math_fail(m, "missing argument");
        }

        start = m->out->len;
        limits = 0;
        post = NULL;

        rc = ar_math_base(m, &limits, &post);
        if (rc != AR_OK) {
            return rc;
        }

        if (post != NULL) {
            ar_math_put(m, post, strlen(post));
            ar_math_insert(m, start, AR_MATH_S("<mrow>"));
            ar_math_puts(m, "</mrow>");
        }

        return AR_OK;

    default:
        break;
    }

    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        ar_math_letters(m, 1);
        return AR_OK;
    }

    if (c >= '0' && c <= '9') {
        ar_math_number(m, 1);
        return AR_OK;
    }

    limits = 0;
    post = NULL;

    return ar_math_base(m, &limits, &post);
}


static int
ar_math_command(ar_math_t *m, int *limits, const char **post)
{
    int                   rc;
    size_t                n, start, mid, end;
    unsigned              font, term;
    const char           *name, *s, *text;
    const ar_math_env_t  *env;
    const ar_math_cmd_t  *cmd;

    n = ar_math_name(m, &name);

    cmd = ar_math_find(name, n);

    /* \operatorname*, \hspace*, \tag*: the star is part of the name */

    if (m->p + 1 + n < m->end && m->p[1 + n] == '*') {
        if (ar_math_find(name, n + 1) != NULL) {
            cmd = ar_math_find(name, n + 1);
            n++;

        } else if (cmd != NULL && cmd->kind == AR_MATH_OPNAME) {
            m->p++;
            *limits = 1;
        }
    }

    if (cmd == NULL) {
        m->what = name - 1;
        m->what_len = n + 1;
        return ar_math_fail(m, "unknown command");
    }

    m->p += 1 + n;

    switch (cmd->kind) {

    case AR_MATH_MI:
        ar_math_element(m, "<mi>", cmd->text, "</mi>");
        return AR_OK;

    case AR_MATH_MI_UP:
        ar_math_element(m, "<mi mathvariant=\"normal\">", cmd->text, "</mi>");
        return AR_OK;

    case AR_MATH_MO:
        ar_math_element(m, "<mo>", cmd->text, "</mo>");
        return AR_OK;

    case AR_MATH_FENCE:
        ar_math_element(m, "<mo stretchy=\"false\">", cmd->text, "</mo>");
        return AR_OK;

    case AR_MATH_BIGOP:
        *limits = 1;
        /* fall through */

    case AR_MATH_INTOP:
        ar_math_element(m, "<mo largeop=\"true\" movablelimits=\"true\">",
                        cmd->text, "</mo>");
        return AR_OK;

    case AR_MATH_FUNC:
        ar_math_element(m, "<mi>", cmd->text, "</mi>");
        *post = "<mo>&#x2061;</mo>";
        return AR_OK;

    case AR_MATH_LIMFUNC:
        ar_math_element(m, "<mo movablelimits=\"true\" form=\"prefix\">",
                        cmd->text, "</mo>");
        *limits = 1;
        return AR_OK;

    case AR_MATH_FRAC:
    case AR_MATH_BINOM:
        if (cmd->arg == 1) {
            ar_math_puts(m, "<mstyle displaystyle=\"true\" scriptlevel=\"0\">");

        } else if (cmd->arg == 2) {
            ar_math_puts(m, "<mstyle displaystyle=\"false\">");
        }

        if (cmd->kind == AR_MATH_BINOM) {
            ar_math_puts(m, "<mrow><mo>(</mo><mfrac linethickness=\"0\">");

        } else {
            ar_math_puts(m, "<mfrac>");
        }

        rc = ar_math_arg(m);
        if (rc == AR_OK) {
            rc = ar_math_arg(m);
        }

        if (rc != AR_OK) {
            return rc;
        }

        if (cmd->kind == AR_MATH_BINOM) {
            ar_math_puts(m, "</mfrac><mo>)</mo></mrow>");

        } else {
            ar_math_puts(m, "</mfrac>");
        }

        if (cmd->arg) {
            ar_math_puts(m, "</mstyle>");
        }

        return AR_OK;

    case AR_MATH_SQRT:
        start = m->out->len;
        ar_math_space(m);

        if (m->p < m->end && *m->p == '[') {
            m->p++;
            ar_math_puts(m, "<mroot><mrow>");

            rc = ar_math_list(m, AR_MATH_T_BRACKET, &term);
            if (rc != AR_OK) {
                return rc;
            }

            ar_math_puts(m, "</mrow>");
            mid = m->out->len;

            rc = ar_math_arg(m);
            if (rc != AR_OK) {
                return rc;
            }

            end = m->out->len;
            ar_math_swap(m, start + sizeof("<mroot>") - 1, mid, end);
            ar_math_puts(m, "</mroot>");
            return AR_OK;
        }

        ar_math_puts(m, "<msqrt>");

        rc = ar_math_arg(m);
        if (rc != AR_OK) {
            return rc;
        }

        ar_math_puts(m, "</msqrt>");
        return AR_OK;

    case AR_MATH_ACCENT:
        ar_math_puts(m, "<mover accent=\"true\">");

        rc = ar_math_arg(m);
        if (rc != AR_OK) {
            return rc;
        }

        if (cmd->arg) {
            ar_math_puts(m, "<mo stretchy=\"true\">");

        } else {
            ar_math_puts(m, "<mo stretchy=\"false\">");
        }

        ar_math_put(m, cmd->text, strlen(cmd->text));
        ar_math_puts(m, "</mo></mover>");
        return AR_OK;

    case AR_MATH_UNDER:
        ar_math_puts(m, "<munder accentunder=\"true\">");

        rc = ar_math_arg(m);
        if (rc != AR_OK) {
            return rc;
        }

        ar_math_element(m, "<mo stretchy=\"true\">",
                        cmd->text, "</mo></munder>");
        return AR_OK;

    case AR_MATH_BRACE:
        if (cmd->arg) {
            ar_math_puts(m, "<munder>");

        } else {
            ar_math_puts(m, "<mover>");
        }

        rc = ar_math_arg(m);
        if (rc != AR_OK) {
            return rc;
        }

        ar_math_puts(m, "<mo stretchy=\"true\">");
        ar_math_put(m, cmd->text, strlen(cmd->text));

        if (cmd->arg) {
            ar_math_puts(m, "</mo></munder>");

        } else {
            ar_math_puts(m, "</mo></mover>");
        }

        *limits = 1;
        return AR_OK;

    case AR_MATH_FONT:
        font = m->font;
        m->font = cmd->arg;
        rc = ar_math_arg(m);
        m->font = font;
        return rc;

    case AR_MATH_FONTSW:
    case AR_MATH_STYLE:
        /* as an argument: a list takes them before they get here */
        ar_math_puts(m, "<mrow></mrow>");
        return AR_OK;

    case AR_MATH_TEXT:
        rc = ar_math_raw(m, &s, &n);
        if (rc != AR_OK) {
            return rc;
        }

        return ar_math_text(m, s, n, cmd->arg);

    case AR_MATH_OPNAME:
        rc = ar_math_raw(m, &s, &n);
        if (rc != AR_OK) {
            return rc;
        }

        if (*limits) {
            ar_math_puts(m, "<mo movablelimits=\"true\" form=\"prefix\">");

        } else if (n == 1) {
            ar_math_puts(m, "<mi mathvariant=\"normal\">");

        } else {
            ar_math_puts(m, "<mi>");
        }

        for ( /* void */ ; n; s++, n--) {
            if (*s == '\\' && n > 1 && !ar_math_letter(s[1])) {
                s++;
                n--;
                continue;
            }

            if (*s == '\\' || *s == '{' || *s == '}' || *s == ' ') {
                continue;
            }

            ar_math_put_escaped(m, s, 1);
        }

        if (*limits) {
            ar_math_puts(m, "</mo>");

        } else {
            ar_math_puts(m, "</mi>");
            *post = "<mo>&#x2061;</mo>";
        }

        return AR_OK;

    case AR_MATH_SPACE:
        ar_math_element(m, "<mspace width=\"", cmd->text, "\"></mspace>");
        return AR_OK;

    case AR_MATH_NBSP:
        ar_math_puts(m, "<mtext>&#xA0;</mtext>");
        return AR_OK;

    case AR_MATH_HSPACE:
        rc = ar_math_raw(m, &s, &n);
        if (rc != AR_OK) {
            return rc;
        }

        return ar_math_width(m, s, n);

    case AR_MATH_LEFT:
        rc = ar_math_delim(m, &text);
        if (rc != AR_OK) {
            return rc;
        }

        ar_math_puts(m, "<mrow>");

        if (text[0]) {
            ar_math_puts(m, "<mo fence=\"true\" form=\"prefix\""
                            " stretchy=\"true\">");
            ar_math_put(m, text, strlen(text));
            ar_math_puts(m, "</mo>");
        }

        rc = ar_math_list(m, AR_MATH_T_RIGHT, &term);
        if (rc != AR_OK) {
            return rc;
        }

        rc = ar_math_delim(m, &text);
        if (rc != AR_OK) {
            return rc;
        }

        if (text[0]) {
            ar_math_puts(m, "<mo fence=\"true\" form=\"postfix\""
                            " stretchy=\"true\">");
            ar_math_put(m, text, strlen(text));
            ar_math_puts(m, "</mo>");
        }

        ar_math_puts(m, "</mrow>");
        return AR_OK;

    case AR_MATH_MIDDLE:
    case AR_MATH_BIG:
        rc = ar_math_delim(m, &text);
        if (rc != AR_OK) {
            return rc;
        }

        if (cmd->kind == AR_MATH_MIDDLE) {
            ar_math_puts(m, "<mo stretchy=\"true\">");

        } else {
            ar_math_puts(m, "<mo stretchy=\"true\" symmetric=\"true\""
                            " minsize=\"");
            ar_math_put(m, cmd->text, strlen(cmd->text));
            ar_math_element(m, "\" maxsize=\"", cmd->text, "\">");
        }

        ar_math_put(m, text, strlen(text));
        ar_math_puts(m, "</mo>");
        return AR_OK;

    case AR_MATH_BEGIN:
        rc = ar_math_raw(m, &s, &n);
        if (rc != AR_OK) {
            return rc;
        }

        env = ar_math_find_env(s, n);

        if (env == NULL) {
            m->what = s;
            m->what_len = n;
            return ar_math_fail(m, "unknown environment");
        }

        if (++m->depth > AR_MATH_DEPTH_MAX) {
            return ar_math_fail(m, "nested too deeply");
        }

        rc = ar_math_table(m, env, AR_MATH_T_END, s, n);
        m->depth--;
        return rc;

    case AR_MATH_NOT:
        start = m->out->len;

        rc = ar_math_arg(m);
        if (rc != AR_OK) {
            return rc;
        }

        end = m->out->len;

        if (end - start >= 10
            && memcmp(m->out->data + end - 5, "</mo>", 5) == 0)
        {
            ar_math_insert(m, end - 5, AR_MATH_S("\xcc\xb8"));
        }

        return AR_OK;

    case AR_MATH_OVERSET:
        if (cmd->arg) {
            ar_math_puts(m, "<munder>");

        } else {
            ar_math_puts(m, "<mover>");
        }

        mid = m->out->len;

        rc = ar_math_arg(m);
        if (rc != AR_OK) {
            return rc;
        }

        end = m->out->len;

        rc = ar_math_arg(m);
        if (rc != AR_OK) {
            return rc;
        }

        ar_math_swap(m, mid, end, m->out->len);
        if (cmd->arg) {
            ar_math_puts(m, "</munder>");

        } else {
            ar_math_puts(m, "</mover>");
        }

        return AR_OK;

    case AR_MATH_XARROW:
        ar_math_puts(m, "<munderover><mo stretchy=\"true\""
                        " minsize=\"2em\">");
        ar_math_put(m, cmd->text, strlen(cmd->text));
        ar_math_puts(m, "</mo>");

        rc = ar_math_optional(m, &s, &n);
        if (rc != AR_OK) {
            return rc;
        }

        ar_math_puts(m, "<mrow>");

        if (s != NULL) {
            text = m->end;
            m->end = s + n;
            m->p = s;

            rc = ar_math_list(m, AR_MATH_T_EOF, &term);

            m->p = s + n + 1;
            m->end = text;

            if (rc != AR_OK) {
                return rc;
            }
        }

        ar_math_puts(m, "</mrow>");

        rc = ar_math_arg(m);
        if (rc != AR_OK) {
            return rc;
        }

        ar_math_puts(m, "</munderover>");
        return AR_OK;

    case AR_MATH_SKIP1:
        rc = ar_math_raw(m, &s, &n);
        if (rc != AR_OK) {
            return rc;
        }

        /* fall through */

    case AR_MATH_SKIP0:
    case AR_MATH_LIMITS:
        ar_math_puts(m, "<mrow></mrow>");
        return AR_OK;

    case AR_MATH_TEXTCOLOR:
        rc = ar_math_raw(m, &s, &n);
        if (rc != AR_OK) {
            return rc;
        }

        return ar_math_arg(m);

    case AR_MATH_BOXED:
        ar_math_puts(m, "<mrow class=\"math-boxed\">");

        rc = ar_math_arg(m);
        if (rc != AR_OK) {
            return rc;
        }

        ar_math_puts(m, "</mrow>");
        return AR_OK;

    case AR_MATH_PHANTOM:
        ar_math_puts(m, "<mphantom>");

        rc = ar_math_arg(m);
        if (rc != AR_OK) {
            return rc;
        }

        ar_math_puts(m, "</mphantom>");
        return AR_OK;

    case AR_MATH_MATHOP:
        *limits = 1;
        /* fall through */

    case AR_MATH_ARG:
        return ar_math_arg(m);

    case AR_MATH_SUBSTACK:
        ar_math_space(m);

        if (m->p == m->end || *m->p != '{') {
            return ar_math_fail(m, "missing argument");
        }

        m->p++;

        if (++m->depth > AR_MATH_DEPTH_MAX) {
            return ar_math_fail(m, "nested too deeply");
        }

        rc = ar_math_table(m, ar_math_find_env(AR_MATH_S("smallmatrix")),
                           AR_MATH_T_BRACE, NULL, 0);
        m->depth--;
        return rc;

    case AR_MATH_MOD:
        if (cmd->arg == 1) {
            ar_math_puts(m, "<mo lspace=\"0.2222em\" rspace=\"0.2222em\">"
                            "mod</mo>");
            return AR_OK;
        }

        ar_math_puts(m, "<mrow>");

        if (cmd->arg == 2) {
            ar_math_puts(m, "<mspace width=\"0.4444em\"></mspace>"
                            "<mo stretchy=\"false\">(</mo><mi>mod</mi>"
                            "<mspace width=\"0.3333em\"></mspace>");

            rc = ar_math_arg(m);
            if (rc != AR_OK) {
                return rc;
            }

            ar_math_puts(m, "<mo stretchy=\"false\">)</mo></mrow>");
            return AR_OK;
        }

        ar_math_puts(m, "<mspace width=\"1em\"></mspace><mi>mod</mi>"
                        "<mspace width=\"0.3333em\"></mspace></mrow>");
        return AR_OK;

    case AR_MATH_TAG:
        rc = ar_math_raw(m, &s, &n);
        if (rc != AR_OK) {
            return rc;
        }

        ar_math_puts(m, "<mrow><mspace width=\"2em\"></mspace><mtext>(");
        ar_math_put_escaped(m, s, n);
        ar_math_puts(m, ")</mtext></mrow>");
        return AR_OK;

    default:
        /* AR_MATH_OVER, where a list does not take it */
        return ar_math_fail(m, "misplaced fraction");
    }
}


/*
 * An environment's rows and cells, up to \end{name}, or the "}" of
 * \substack, or the end of a formula with "\\" or "&" at its top.
 */

static int
ar_math_table(ar_math_t *m, const ar_math_env_t *env, unsigned end,
    const char *name, size_t name_len)
{
    int          rc;
    char         cols[AR_MATH_COLS], a;
    size_t       i, n, col, row, ncols;
    unsigned     term;
    const char  *s;

    ncols = 0;

    if (env->align == AR_MATH_ALIGN_SPEC || (env->flags & AR_MATH_ENV_ARG)) {
        rc = ar_math_raw(m, &s, &n);
        if (rc != AR_OK) {
            return rc;
        }

        for (i = 0; env->align == AR_MATH_ALIGN_SPEC && i < n; i++) {
            if ((s[i] == 'l' || s[i] == 'c' || s[i] == 'r')
                && ncols < AR_MATH_COLS)
            {
                cols[ncols++] = s[i];
            }
        }
    }

    if (env->open || env->close) {
        ar_math_puts(m, "<mrow>");
    }

    if (env->open) {
        ar_math_puts(m, "<mo fence=\"true\" form=\"prefix\""
                        " stretchy=\"true\">");
        ar_math_put(m, env->open, strlen(env->open));
        ar_math_puts(m, "</mo>");
    }

    ar_math_puts(m, "<mtable");

    if (env->flags & AR_MATH_ENV_DISPLAY) {
        ar_math_puts(m, " displaystyle=\"true\"");
    }

    if (env->flags & AR_MATH_ENV_SMALL) {
        ar_math_puts(m, " scriptlevel=\"1\"");
    }

    ar_math_puts(m, ">");

    col = 0;
    row = 0;

    for ( ;; ) {
        ar_math_space(m);

        if (col == 0) {
            while (m->p + 6 <= m->end && m->p[0] == '\\'
                   && (memcmp(m->p + 1, "hline", 5) == 0
                       || (m->p + 10 <= m->end
                           && memcmp(m->p + 1, "hdashline", 9) == 0)))
            {
                m->p += (m->p[1 + 1] == 'l') ? 6 : 10;
                ar_math_space(m);
            }

            /* nothing after the last "\\" */

            if (row > 0
                && ((end == AR_MATH_T_EOF && m->p == m->end)
                    || (end == AR_MATH_T_BRACE && m->p < m->end
                        && *m->p == '}')
                    || (end == AR_MATH_T_END && m->p + 4 <= m->end
                        && memcmp(m->p, "\\end", 4) == 0)))
            {
                m->p += (end == AR_MATH_T_EOF) ? 0
                        : (end == AR_MATH_T_BRACE) ? 1 : 4;
                break;
            }

            ar_math_puts(m, "<mtr>");
        }

        a = 'c';

        if (env->align == AR_MATH_ALIGN_LEFT) {
            a = 'l';

        } else if (env->align == AR_MATH_ALIGN_RL) {
            a = (col % 2) ? 'L' : 'R';

        } else if (env->align == AR_MATH_ALIGN_SPEC && col < ncols) {
            a = cols[col];
        }

        switch (a) {
        case 'l':
            ar_math_puts(m, "<mtd columnalign=\"left\" class=\"math-l\">");
            break;
        case 'r':
            ar_math_puts(m, "<mtd columnalign=\"right\" class=\"math-r\">");
            break;
        case 'L':
            ar_math_puts(m, "<mtd columnalign=\"left\" class=\"math-al\">"
                            "<mi></mi>");
            break;
        case 'R':
            ar_math_puts(m, "<mtd columnalign=\"right\" class=\"math-ar\">");
            break;
        default:
            ar_math_puts(m, "<mtd>");
            break;
        }

        rc = ar_math_list(m, AR_MATH_T_AMP|AR_MATH_T_NEWLINE|end, &term);
        if (rc != AR_OK) {
            return rc;
        }

        ar_math_puts(m, "</mtd>");

        if (term == AR_MATH_T_AMP) {
            col++;
            continue;
        }

        ar_math_puts(m, "</mtr>");
        col = 0;
        row++;

        if (term != AR_MATH_T_NEWLINE) {
            break;
        }

        /* "\\[4pt]" */

        rc = ar_math_optional(m, &s, &n);
        if (rc != AR_OK) {
            return rc;
        }
    }

    ar_math_puts(m, "</mtable>");

    if (env->close) {
        ar_math_puts(m, "<mo fence=\"true\" form=\"postfix\""
                        " stretchy=\"true\">");
        ar_math_put(m, env->close, strlen(env->close));
        ar_math_puts(m, "</mo>");
    }

    if (env->open || env->close) {
        ar_math_puts(m, "</mrow>");
    }

    if (end != AR_MATH_T_END) {
        return AR_OK;
    }

    rc = ar_math_raw(m, &s, &n);
    if (rc != AR_OK) {
        return rc;
    }

    if (n != name_len || memcmp(s, name, n) != 0) {
        m->what = s;
        m->what_len = n;
        return ar_math_fail(m, "mismatched \\end");
    }

    return AR_OK;
}


/*
 * \text{...}: text, with "$...$" inside it read as math again; spaces
 * at the ends of a piece are kept as no-break spaces, which MathML would
 * otherwise trim.
 */

static int
ar_math_text(ar_math_t *m, const char *s, size_t n, unsigned style)
{
    int          rc;
    size_t       i, k, close;
    unsigned     term;
    ar_buf_t     t;
    const char  *p, *end, *e, *after;

    memset(&t, 0, sizeof(ar_buf_t));

    e = s + n;
    rc = AR_OK;

    ar_math_puts(m, "<mrow>");

    for (p = s; p < e && rc == AR_OK; /* void */) {

        if (*p == '$') {
            rc = ar_math_text_piece(m, &t, style);

            for (close = 1; p + close < e && p[close] != '$'; close++) {
                if (p[close] == '\\' && p + close + 1 < e) {
                    close++;
                }
            }

            if (rc != AR_OK || p + close >= e) {
                ar_buf_free(&t);
                return (rc != AR_OK) ? rc : ar_math_fail(m, "missing $");
            }

            end = m->end;
            after = m->p;
            m->p = p + 1;
            m->end = p + close;

            ar_math_puts(m, "<mrow>");
            rc = ar_math_list(m, AR_MATH_T_EOF, &term);
            ar_math_puts(m, "</mrow>");

            m->end = end;
            m->p = after;
            p += close + 1;
            continue;
        }

        if (*p == '\\' && p + 1 < e) {
            p++;

            if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) {
                for (k = 0; p + k < e && ((p[k] >= 'a' && p[k] <= 'z')
                                          || (p[k] >= 'A' && p[k] <= 'Z'));
                     k++)
                {
                    /* void */
                }

                if ((k == 4 && memcmp(p, "quad", 4) == 0)
                    || (k == 5 && memcmp(p, "qquad", 5) == 0))
                {
                    rc = ar_buf_append(&t, "  ", 2);
                }

                p += k;
                continue;
            }

            rc = ar_buf_append(&t, (*p == ',' || *p == ';' || *p == '\\')
                                   ? " " : p, 1);
            p++;
            continue;
        }

        if (*p == '{' || *p == '}') {
            p++;
            continue;
        }

        if (*p == '~') {
            rc = ar_buf_append(&t, " ", 1);
            p++;
            continue;
        }

        for (i = 1; p + i < e && p[i] != '$' && p[i] != '\\' && p[i] != '{'
                    && p[i] != '}' && p[i] != '~';
             i++)
        {
            /* void */
        }

        rc = ar_buf_append(&t, p, i);
        p += i;
    }

    if (rc == AR_OK) {
        rc = ar_math_text_piece(m, &t, style);
    }

    ar_buf_free(&t);

    if (rc == AR_ERROR) {
        m->nomem = 1;
        return AR_OK;
    }

    if (rc != AR_OK) {
        return rc;
    }

    ar_math_puts(m, "</mrow>");

    return AR_OK;
}


static int
ar_math_text_piece(ar_math_t *m, ar_buf_t *t, unsigned style)
{
    size_t  i, lead, trail;

    if (t->len == 0) {
        return AR_OK;
    }

    switch (style) {
    case AR_MATH_TEXT_BOLD:
        ar_math_puts(m, "<mtext mathvariant=\"bold\">");
        break;
    case AR_MATH_TEXT_ITALIC:
        ar_math_puts(m, "<mtext mathvariant=\"italic\">");
        break;
    case AR_MATH_TEXT_MONO:
        ar_math_puts(m, "<mtext mathvariant=\"monospace\">");
        break;
    case AR_MATH_TEXT_SANS:
        ar_math_puts(m, "<mtext mathvariant=\"sans-serif\">");
        break;
    default:
        ar_math_puts(m, "<mtext>");
        break;
    }

    for (lead = 0; lead < t->len && t->data[lead] == ' '; lead++) {
        ar_math_puts(m, "&#xA0;");
    }

    for (trail = t->len; trail > lead && t->data[trail - 1] == ' '; trail--)
    {
        /* void */
    }

    for (i = lead; i < trail; i++) {
        if (t->data[i] == '\n' || t->data[i] == '\r' || t->data[i] == '\t') {
            t->data[i] = ' ';
        }
    }

    ar_math_put_escaped(m, t->data + lead, trail - lead);

    for (i = trail; i < t->len; i++) {
        ar_math_puts(m, "&#xA0;");
    }

    ar_math_puts(m, "</mtext>");

    t->len = 0;

    return AR_OK;
}


/* the delimiter after \left, \right, \middle, \big and the like */

static int
ar_math_delim(ar_math_t *m, const char **text)
{
    char                  c;
    size_t                n;
    const char           *name;
    const ar_math_cmd_t  *cmd;

    ar_math_space(m);

    if (m->p == m->end) {
        return ar_math_fail(m, "missing delimiter");
    }

    c = *m->p++;

    switch (c) {
    case '(':
        *text = "(";
        return AR_OK;
    case ')':
        *text = ")";
        return AR_OK;
    case '[':
        *text = "[";
        return AR_OK;
    case ']':
        *text = "]";
        return AR_OK;
    case '|':
        *text = "|";
        return AR_OK;
    case '/':
        *text = "/";
        return AR_OK;
    case '<':
        *text = "⟨";
        return AR_OK;
    case '>':
        *text = "⟩";
        return AR_OK;
    case '.':
        *text = "";
        return AR_OK;
    case '\\':
        m->p--;
        n = ar_math_name(m, &name);
        cmd = ar_math_find(name, n);

        if (cmd != NULL
            && (cmd->kind == AR_MATH_FENCE || cmd->kind == AR_MATH_MO))
        {
            m->p += 1 + n;
            *text = cmd->text;
            return AR_OK;
        }

        break;
    default:
        break;
    }

    return ar_math_fail(m, "missing delimiter");
}


/* a brace group's text, braces nested, or a single token */

static int
ar_math_raw(ar_math_t *m, const char **s, size_t *n)
{
    size_t       depth;
    const char  *p;

    ar_math_space(m);

    if (m->p == m->end || *m->p == '}') {
        return ar_math_fail(m, "missing argument");
    }

    if (*m->p != '{') {
        *s = m->p;

        if (*m->p == '\\') {
            *n = 1 + ar_math_name(m, &p);

        } else {
            *n = 1;
        }

        m->p += *n;
        return AR_OK;
    }

    depth = 0;

    for (p = m->p; p < m->end; p++) {
        if (*p == '\\') {
            p++;
            continue;
        }

        if (*p == '{') {
            depth++;

        } else if (*p == '}' && --depth == 0) {
            *s = m->p + 1;
            *n = p - m->p - 1;
            m->p = p + 1;
            return AR_OK;
        }
    }

    return ar_math_fail(m, "missing }");
}


/* "[...]", or s NULL */

static int
ar_math_optional(ar_math_t *m, const char **s, size_t *n)
{
    size_t       depth;
    const char  *p;

    *s = NULL;
    *n = 0;

    ar_math_space(m);

    if (m->p == m->end || *m->p != '[') {
        return AR_OK;
    }

    depth = 0;

    for (p = m->p + 1; p < m->end; p++) {
        if (*p == '\\') {
            p++;
            continue;
        }

        if (*p == '{') {
            depth++;

        } else if (*p == '}') {
            depth--;

        } else if (*p == ']' && depth == 0) {
            *s = m->p + 1;
            *n = p - m->p - 1;
            m->p = p + 1;
            return AR_OK;
        }
    }

    return ar_math_fail(m, "missing ]");
}


/* \hspace{1em}, \kern3mu: in em, ex, or mu made em */

static int
ar_math_width(ar_math_t *m, const char *s, size_t n)
{
    char        buf[32];
    size_t      i, k;
    double      v;
    const char *unit;

    for (i = 0, k = 0; i < n && k < sizeof(buf) - 1; i++) {
        if ((s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '-') {
            buf[k++] = s[i];

        } else if (s[i] != ' ') {
            break;
        }
    }

    buf[k] = '\0';
    v = strtod(buf, NULL);

    unit = s + i;
    n -= i;

    if (n >= 2 && memcmp(unit, "mu", 2) == 0) {
        v /= 18;

    } else if (n >= 2 && memcmp(unit, "pt", 2) == 0) {
        v /= 10;

    } else if (n >= 2 && memcmp(unit, "ex", 2) == 0) {
        v /= 2;

    } else if (n < 2 || memcmp(unit, "em", 2) != 0) {
        return ar_math_fail(m, "unknown unit");
    }

    if (v > 100 || v < -100) {
        v = 0;
    }

    k = snprintf(buf, sizeof(buf), "%.4fem", v);

    ar_math_puts(m, "<mspace width=\"");
    ar_math_put(m, buf, k);
    ar_math_puts(m, "\"></mspace>");

    return AR_OK;
}


/* letters, in the font of the group: one <mi> each, but upright ones */

static void
ar_math_letters(ar_math_t *m, int single)
{
    size_t  n;

    if (m->font == AR_MATH_FONT_NORMAL) {

        for (n = 1;
             !single && m->p + n < m->end
             && ((m->p[n] >= 'a' && m->p[n] <= 'z')
                 || (m->p[n] >= 'A' && m->p[n] <= 'Z'));
             n++)
        {
            /* void */
        }

        if (n == 1) {
            ar_math_puts(m, "<mi mathvariant=\"normal\">");

        } else {
            ar_math_puts(m, "<mi>");
        }

        ar_math_put(m, m->p, n);
        ar_math_puts(m, "</mi>");

        m->p += n;
        return;
    }

    ar_math_puts(m, "<mi>");

    if (m->font == AR_MATH_FONT_NONE || m->font == AR_MATH_FONT_ITALIC) {
        ar_math_put(m, m->p, 1);

    } else {
        ar_math_put_cp(m, ar_math_font_char(m->font, *m->p));
    }

    ar_math_puts(m, "</mi>");

    m->p++;
}


/* digits and a decimal point, or a single digit as an argument */

static void
ar_math_number(ar_math_t *m, int single)
{
    int       dot;
    uint32_t  cp;

    dot = 0;

    ar_math_puts(m, "<mn>");

    do {
        if (*m->p == '.') {
            dot = 1;
        }

        cp = ar_math_font_char(m->font, *m->p);

        if (cp) {
            ar_math_put_cp(m, cp);

        } else {
            ar_math_put(m, m->p, 1);
        }

        m->p++;

    } while (!single && m->p < m->end
             && ((*m->p >= '0' && *m->p <= '9')
                 || (*m->p == '.' && !dot && m->p + 1 < m->end
                     && m->p[1] >= '0' && m->p[1] <= '9')));

    ar_math_puts(m, "</mn>");
}


/* any other character */

static int
ar_math_char(ar_math_t *m)
{
    char          c;
    size_t        n;
    uint32_t      cp;
    const char   *s;

    c = *m->p;

    switch (c) {

    case '+': case '=': case ',': case ';': case ':': case '!': case '?':
    case '.': case '@':
        ar_math_puts(m, "<mo>");
        ar_math_put(m, m->p++, 1);
        ar_math_puts(m, "</mo>");
        return AR_OK;

    case '(': case ')': case '[': case ']': case '|': case '/':
        ar_math_puts(m, "<mo stretchy=\"false\">");
        ar_math_put(m, m->p++, 1);
        ar_math_puts(m, "</mo>");
        return AR_OK;

    case '-':
        s = "<mo>−</mo>";
        break;
    case '*':
        s = "<mo>∗</mo>";
        break;
    case '<':
        s = "<mo>&lt;</mo>";
        break;
    case '>':
        s = "<mo>&gt;</mo>";
        break;
    case '"':
        s = "<mo>&quot;</mo>";
        break;
    case '`':
        s = "<mo>‘</mo>";
        break;
    case '~':
        s = "<mtext>&#xA0;</mtext>";
        break;

    default:
        if ((unsigned char) c < 0x80) {
            m->what = m->p;
            m->what_len = 1;
            return ar_math_fail(m, "misplaced");
        }

        n = ar_utf8_decode((const unsigned char *) m->p, m->end - m->p, &cp);

        if (n == 0) {
            n = 1;
            cp = 0xfffd;
        }

        if ((cp >= 0x2190 && cp <= 0x22ff) || (cp >= 0x27f0 && cp <= 0x27ff)
            || (cp >= 0x2900 && cp <= 0x2aff) || cp == 0xb1 || cp == 0xd7
            || cp == 0xf7 || cp == 0xb7 || cp == 0x2032 || cp == 0x2016)
        {
            ar_math_puts(m, "<mo>");
            ar_math_put(m, m->p, n);
            ar_math_puts(m, "</mo>");

        } else {
            ar_math_puts(m, "<mi>");
            ar_math_put(m, m->p, n);
            ar_math_puts(m, "</mi>");
        }

        m->p += n;
        return AR_OK;
    }

    ar_math_put(m, s, strlen(s));
    m->p++;

    return AR_OK;
}


/* a letter or digit in a font of Unicode's mathematical alphabets, or 0 */

static uint32_t
ar_math_font_char(unsigned font, unsigned char c)
{
    size_t  i;

    static const uint32_t  first[][3] = {
        { 0, 0, 0 },                          /* none */
        { 0, 0, 0 },                          /* normal */
        { 0x1d400, 0x1d41a, 0x1d7ce },        /* bold */
        { 0x1d434, 0x1d44e, 0 },              /* italic */
        { 0x1d468, 0x1d482, 0x1d7ce },        /* bold italic */
        { 0x1d49c, 0x1d4b6, 0 },              /* script */
        { 0x1d504, 0x1d51e, 0 },              /* fraktur */
        { 0x1d538, 0x1d552, 0x1d7d8 },        /* double-struck */
        { 0x1d5a0, 0x1d5ba, 0x1d7e2 },        /* sans-serif */
        { 0x1d670, 0x1d68a, 0x1d7f6 }         /* monospace */
    };

    /* the letters Unicode had before it had the alphabets */

    static const struct {
        unsigned char  font;
        unsigned char  c;
        uint32_t       cp;
    } holes[] = {
        { AR_MATH_FONT_ITALIC, 'h', 0x210e },
        { AR_MATH_FONT_SCRIPT, 'B', 0x212c },
        { AR_MATH_FONT_SCRIPT, 'E', 0x2130 },
        { AR_MATH_FONT_SCRIPT, 'F', 0x2131 },
        { AR_MATH_FONT_SCRIPT, 'H', 0x210b },
        { AR_MATH_FONT_SCRIPT, 'I', 0x2110 },
        { AR_MATH_FONT_SCRIPT, 'L', 0x2112 },
        { AR_MATH_FONT_SCRIPT, 'M', 0x2133 },
        { AR_MATH_FONT_SCRIPT, 'R', 0x211b },
        { AR_MATH_FONT_SCRIPT, 'e', 0x212f },
        { AR_MATH_FONT_SCRIPT, 'g', 0x210a },
        { AR_MATH_FONT_SCRIPT, 'o', 0x2134 },
        { AR_MATH_FONT_FRAKTUR, 'C', 0x212d },
        { AR_MATH_FONT_FRAKTUR, 'H', 0x210c },
        { AR_MATH_FONT_FRAKTUR, 'I', 0x2111 },
        { AR_MATH_FONT_FRAKTUR, 'R', 0x211c },
        { AR_MATH_FONT_FRAKTUR, 'Z', 0x2128 },
        { AR_MATH_FONT_DOUBLE, 'C', 0x2102 },
        { AR_MATH_FONT_DOUBLE, 'H', 0x210d },
        { AR_MATH_FONT_DOUBLE, 'N', 0x2115 },
        { AR_MATH_FONT_DOUBLE, 'P', 0x2119 },
        { AR_MATH_FONT_DOUBLE, 'Q', 0x211a },
        { AR_MATH_FONT_DOUBLE, 'R', 0x211d },
        { AR_MATH_FONT_DOUBLE, 'Z', 0x2124 }
    };

    if (font >= sizeof(first) / sizeof(first[0])) {
        return 0;
    }

    for (i = 0; i < sizeof(holes) / sizeof(holes[0]); i++) {
        if (holes[i].font == font && holes[i].c == c) {
            return holes[i].cp;
        }
    }

    if (c >= 'A' && c <= 'Z' && first[font][0]) {
        return first[font][0] + (c - 'A');
    }

    if (c >= 'a' && c <= 'z' && first[font][1]) {
        return first[font][1] + (c - 'a');
    }

    if (c >= '0' && c <= '9' && first[font][2]) {
        return first[font][2] + (c - '0');
    }

    return 0;
}


static void
ar_math_put_cp(ar_math_t *m, uint32_t cp)
{
    char  u[4];

    if (cp < 0x10000) {
        u[0] = (char) (0xe0 | (cp >> 12));
        u[1] = (char) (0x80 | ((cp >> 6) & 0x3f));
        u[2] = (char) (0x80 | (cp & 0x3f));
        ar_math_put(m, u, 3);
        return;
    }

    u[0] = (char) (0xf0 | (cp >> 18));
    u[1] = (char) (0x80 | ((cp >> 12) & 0x3f));
    u[2] = (char) (0x80 | ((cp >> 6) & 0x3f));
    u[3] = (char) (0x80 | (cp & 0x3f));
    ar_math_put(m, u, 4);
}


/*
 * The name of the command at m->p, without its backslash, not consumed:
 * letters, or one other character.
 */

static size_t
ar_math_name(const ar_math_t *m, const char **name)
{
    size_t       n;
    const char  *s;

    s = m->p + 1;
    *name = s;

    if (s >= m->end) {
        return 0;
    }

    for (n = 0; s + n < m->end
                && ((s[n] >= 'a' && s[n] <= 'z')
                    || (s[n] >= 'A' && s[n] <= 'Z'));
         n++)
    {
        /* void */
    }

    return n ? n : 1;
}


static int
ar_math_is(const char *name, size_t n, const char *s)
{
    return strlen(s) == n && memcmp(name, s, n) == 0;
}


static const ar_math_cmd_t *
ar_math_find(const char *name, size_t n)
{
    int     rc;
    size_t  lo, hi, mid;

    lo = 0;
    hi = AR_MATH_NCMDS;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;

        rc = strncmp(name, ar_math_cmds[mid].name, n);

        if (rc == 0 && ar_math_cmds[mid].name[n] != '\0') {
            rc = -1;
        }

        if (rc == 0) {
            return &ar_math_cmds[mid];
        }

        if (rc < 0) {
            hi = mid;

        } else {
            lo = mid + 1;
        }
    }

    return NULL;
}


static const ar_math_env_t *
ar_math_find_env(const char *name, size_t n)
{
    size_t  i;

    for (i = 0; i < AR_MATH_NENVS; i++) {
        if (ar_math_is(name, n, ar_math_envs[i].name)) {
            return &ar_math_envs[i];
        }
    }

    return NULL;
}


/*
 * AR_MATH_T_AMP or AR_MATH_T_NEWLINE when the formula's top level,
 * outside groups and environments, holds a "&" or a "\\": it is then
 * read as the rows of "aligned" or "gathered", as MathJax and KaTeX do.
 */

static unsigned
ar_math_prescan(const char *p, const char *end)
{
    size_t    n;
    unsigned  found;
    long      depth, envs;

    depth = 0;
    envs = 0;
    found = 0;

    while (p < end) {

        switch (*p) {

        case '{':
            depth++;
            break;

        case '}':
            depth--;
            break;

        case '&':
            if (depth == 0 && envs == 0) {
                return AR_MATH_T_AMP;
            }

            break;

        case '\\':
            if (p + 1 == end) {
                break;
            }

            p++;

            for (n = 0; p + n < end && ((p[n] >= 'a' && p[n] <= 'z')
                                        || (p[n] >= 'A' && p[n] <= 'Z'));
                 n++)
            {
                /* void */
            }

            if (n == 5 && memcmp(p, "begin", 5) == 0) {
                envs++;

            } else if (n == 3 && memcmp(p, "end", 3) == 0) {
                envs--;

            } else if (n == 0 && *p == '\\' && depth == 0 && envs == 0) {
                found = AR_MATH_T_NEWLINE;
            }

            p += n ? n - 1 : 0;
            break;

        default:
            break;
        }

        p++;
    }

    return found;
}


static void
ar_math_space(ar_math_t *m)
{
    while (m->p < m->end) {

        switch (*m->p) {

        case ' ':
        case '\t':
        case '\n':
        case '\r':
            m->p++;
            break;

        case '%':
            while (m->p < m->end && *m->p != '\n') {
                m->p++;
            }

            break;

        default:
            return;
        }
    }
}


static int
ar_math_fail(ar_math_t *m, const char *error)
{
    m->error = error;
    return AR_MATH_INVALID;
}


/* allocation failures are remembered, and the writes after them dropped */

/* an element holding one of the tables' texts: <mo>, <mi>, ... */

static void
ar_math_element(ar_math_t *m, const char *open, const char *text,
    const char *close)
{
    ar_math_put(m, open, strlen(open));
    ar_math_put(m, text, strlen(text));
    ar_math_put(m, close, strlen(close));
}


static void
ar_math_put(ar_math_t *m, const char *s, size_t n)
{
    if (!m->nomem && ar_buf_append(m->out, s, n) != AR_OK) {
        m->nomem = 1;
    }
}


static void
ar_math_put_escaped(ar_math_t *m, const char *s, size_t n)
{
    if (!m->nomem && ar_buf_append_escaped(m->out, s, n) != AR_OK) {
        m->nomem = 1;
    }
}


static void
ar_math_insert(ar_math_t *m, size_t at, const char *s, size_t n)
{
    ar_buf_t  *b;

    b = m->out;

    if (m->nomem || at > b->len) {
        return;
    }

    if (ar_buf_reserve(b, n) != AR_OK) {
        m->nomem = 1;
        return;
    }

    memmove(b->data + at + n, b->data + at, b->len - at);
    memcpy(b->data + at, s, n);
    b->len += n;
}


/* [a, mid) and [mid, end) change places: three reversals */

static void
ar_math_swap(ar_math_t *m, size_t a, size_t mid, size_t end)
{
    char    c, *d;
    size_t  i, j, r[3][2];
    size_t  k;

    if (m->nomem || end > m->out->len || a > mid || mid > end) {
        return;
    }

    d = m->out->data;

    r[0][0] = a;
    r[0][1] = mid;
    r[1][0] = mid;
    r[1][1] = end;
    r[2][0] = a;
    r[2][1] = end;

    for (k = 0; k < 3; k++) {
        for (i = r[k][0], j = r[k][1]; i + 1 < j; i++, j--) {
            c = d[i];
            d[i] = d[j - 1];
            d[j - 1] = c;
        }
    }
}


static void
ar_math_sort(void)
{
    qsort(ar_math_cmds, AR_MATH_NCMDS, sizeof(ar_math_cmd_t), ar_math_cmp);
}


static int
ar_math_cmp(const void *one, const void *two)
{
    const ar_math_cmd_t  *a = one;
    const ar_math_cmd_t  *b = two;

    return strcmp(a->name, b->name);
}
