/*
 * Highlighted code over GNU source-highlight.
 *
 * The languages are loaded once, by ar_highlight_init() (the library's)
 * and ar_highlight_languages() (the module's own), before any thread
 * renders: the library reads its language files with a parser
 * that keeps global state.  What it loads is then only read: every
 * highlighter (one for each code block) walks the shared states with a
 * state stack of its own.  One thing is not: a language whose rules
 * refer back to what they matched (such as Rust's raw strings) makes the
 * library copy a state while highlighting, and the copy increments a
 * global counter; such languages are highlighted under a mutex.
 *
 * The library highlights a line at a time and cannot be stopped within
 * one, and a line costs it time that grows as the square of the line's
 * length: longer lines than AR_HIGHLIGHT_LINE_MAX are left to the caller
 * to write plain, and the caller looks at the clock between lines.  Its
 * memory comes from operator new, not from the render's arena: what it
 * takes for a line is bounded by the line's length, and the nesting of
 * states by AR_HIGHLIGHT_DEPTH_MAX.
 */

#include <cstring>
#include <mutex>
#include <set>
#include <string>

#include <srchilite/formatter.h>
#include <srchilite/formattermanager.h>
#include <srchilite/highlightrule.h>
#include <srchilite/highlightstate.h>
#include <srchilite/langdefmanager.h>
#include <srchilite/regexrulefactory.h>
#include <srchilite/settings.h>
#include <srchilite/sourcehighlighter.h>

#include "ar_highlight.h"


/*
 * the info string's first word, as GitHub (linguist) names languages,
 * and the language file it names: the module's own (lang/), else
 * source-highlight's
 */

static const struct {
    const char  *name;
    const char  *file;
    unsigned     own;
} ar_highlight_aliases[] = {
    { "console", "console.lang", 1 },
    { "shell-session", "console.lang", 1 },
    { "shellsession", "console.lang", 1 },
    { "sh-session", "console.lang", 1 },
    { "terminal", "console.lang", 1 },
    { "toml", "toml.lang", 1 },
    { "yaml", "yaml.lang", 1 },
    { "yml", "yaml.lang", 1 },
    { "typescript", "typescript.lang", 1 },
    { "ts", "typescript.lang", 1 },
    { "tsx", "typescript.lang", 1 },
    { "jsx", "typescript.lang", 1 },
    { "mts", "typescript.lang", 1 },
    { "cts", "typescript.lang", 1 },
    { "powershell", "powershell.lang", 1 },
    { "pwsh", "powershell.lang", 1 },
    { "ps1", "powershell.lang", 1 },
    { "posh", "powershell.lang", 1 },
    { "psm1", "powershell.lang", 1 },
    { "fish", "fish.lang", 1 },
    { "dockerfile", "dockerfile.lang", 1 },
    { "docker", "dockerfile.lang", 1 },
    { "containerfile", "dockerfile.lang", 1 },
    { "ini", "ini.lang", 1 },
    { "cfg", "ini.lang", 1 },
    { "dosini", "ini.lang", 1 },
    { "editorconfig", "ini.lang", 1 },
    { "gitconfig", "ini.lang", 1 },
    { "git-config", "ini.lang", 1 },
    { "systemd", "ini.lang", 1 },
    { "markdown", "markdown.lang", 1 },
    { "md", "markdown.lang", 1 },
    { "mdx", "markdown.lang", 1 },
    { "pandoc", "markdown.lang", 1 },
    { "jsonc", "jsonc.lang", 1 },
    { "json5", "jsonc.lang", 1 },
    { "nix", "nix.lang", 1 },
    { "nixos", "nix.lang", 1 },
    { "kotlin", "kotlin.lang", 1 },
    { "kt", "kotlin.lang", 1 },
    { "kts", "kotlin.lang", 1 },
    { "swift", "swift.lang", 1 },
    { "graphql", "graphql.lang", 1 },
    { "gql", "graphql.lang", 1 },
    { "hcl", "hcl.lang", 1 },
    { "terraform", "hcl.lang", 1 },
    { "tf", "hcl.lang", 1 },
    { "tfvars", "hcl.lang", 1 },
    { "caddyfile", "caddyfile.lang", 1 },
    { "caddy", "caddyfile.lang", 1 },
    { "nushell", "nushell.lang", 1 },
    { "nu", "nushell.lang", 1 },
    { "nu-script", "nushell.lang", 1 },
    { "handlebars", "handlebars.lang", 1 },
    { "hbs", "handlebars.lang", 1 },
    { "htmlbars", "handlebars.lang", 1 },
    { "mustache", "handlebars.lang", 1 },
    { "http", "http.lang", 1 },
    { "nginx", "nginx.lang", 1 },
    { "nginxconf", "nginx.lang", 1 },
    { "diff", "diff.lang", 1 },
    { "patch", "diff.lang", 1 },
    { "udiff", "diff.lang", 1 },
    { "ada", "ada.lang", 0 },
    { "ada95", "ada.lang", 0 },
    { "ada2005", "ada.lang", 0 },
    { "applescript", "applescript.lang", 0 },
    { "osascript", "applescript.lang", 0 },
    { "asm", "asm.lang", 0 },
    { "assembly", "asm.lang", 0 },
    { "nasm", "asm.lang", 0 },
    { "x86asm", "asm.lang", 0 },
    { "gas", "asm.lang", 0 },
    { "s", "s.lang", 0 },
    { "unix-asm", "asm.lang", 0 },
    { "awk", "awk.lang", 0 },
    { "gawk", "awk.lang", 0 },
    { "mawk", "awk.lang", 0 },
    { "nawk", "awk.lang", 0 },
    { "bat", "bat.lang", 0 },
    { "batch", "bat.lang", 0 },
    { "batchfile", "bat.lang", 0 },
    { "cmd", "bat.lang", 0 },
    { "dosbatch", "bat.lang", 0 },
    { "winbatch", "bat.lang", 0 },
    { "bibtex", "bib.lang", 0 },
    { "bib", "bib.lang", 0 },
    { "bison", "bison.lang", 0 },
    { "yacc", "bison.lang", 0 },
    { "c", "c.lang", 0 },
    { "h", "c.lang", 0 },
    { "ocaml", "caml.lang", 0 },
    { "ml", "caml.lang", 0 },
    { "caml", "caml.lang", 0 },
    { "changelog", "changelog.lang", 0 },
    { "clipper", "clipper.lang", 0 },
    { "xbase", "clipper.lang", 0 },
    { "cobol", "cobol.lang", 0 },
    { "coffee", "coffeescript.lang", 0 },
    { "coffeescript", "coffeescript.lang", 0 },
    { "coffee-script", "coffeescript.lang", 0 },
    { "conf", "conf.lang", 0 },
    { "apache", "conf.lang", 0 },
    { "apacheconf", "conf.lang", 0 },
    { "c++", "cpp.lang", 0 },
    { "cpp", "cpp.lang", 0 },
    { "cc", "cpp.lang", 0 },
    { "cxx", "cpp.lang", 0 },
    { "hpp", "cpp.lang", 0 },
    { "hh", "cpp.lang", 0 },
    { "h++", "cpp.lang", 0 },
    { "objc", "cpp.lang", 0 },
    { "objective-c", "cpp.lang", 0 },
    { "objectivec", "cpp.lang", 0 },
    { "obj-c", "cpp.lang", 0 },
    { "objc++", "cpp.lang", 0 },
    { "objective-c++", "cpp.lang", 0 },
    { "cuda", "cpp.lang", 0 },
    { "cu", "cpp.lang", 0 },
    { "arduino", "cpp.lang", 0 },
    { "ino", "cpp.lang", 0 },
    { "hlsl", "cpp.lang", 0 },
    { "cs", "csharp.lang", 0 },
    { "csharp", "csharp.lang", 0 },
    { "c#", "csharp.lang", 0 },
    { "css", "css.lang", 0 },
    { "scss", "css.lang", 0 },
    { "less", "css.lang", 0 },
    { "sass", "css.lang", 0 },
    { "postcss", "css.lang", 0 },
    { "d", "d.lang", 0 },
    { "dlang", "d.lang", 0 },
    { "desktop", "desktop.lang", 0 },
    { "erlang", "erlang.lang", 0 },
    { "erl", "erlang.lang", 0 },
    { "gherkin", "feature.lang", 0 },
    { "cucumber", "feature.lang", 0 },
    { "feature", "feature.lang", 0 },
    { "fortran", "fortran.lang", 0 },
    { "f90", "fortran.lang", 0 },
    { "f95", "fortran.lang", 0 },
    { "f03", "fortran.lang", 0 },
    { "f08", "fortran.lang", 0 },
    { "f", "fixed-fortran.lang", 0 },
    { "f77", "fixed-fortran.lang", 0 },
    { "flex", "flex.lang", 0 },
    { "lex", "flex.lang", 0 },
    { "glsl", "glsl.lang", 0 },
    { "frag", "glsl.lang", 0 },
    { "vert", "glsl.lang", 0 },
    { "go", "go.lang", 0 },
    { "golang", "go.lang", 0 },
    { "groovy", "groovy.lang", 0 },
    { "gradle", "groovy.lang", 0 },
    { "jenkinsfile", "groovy.lang", 0 },
    { "nextflow", "groovy.lang", 0 },
    { "haskell", "haskell.lang", 0 },
    { "hs", "haskell.lang", 0 },
    { "literate-haskell", "haskell_literate.lang", 0 },
    { "lhaskell", "haskell_literate.lang", 0 },
    { "lhs", "haskell_literate.lang", 0 },
    { "haxe", "haxe.lang", 0 },
    { "hx", "haxe.lang", 0 },
    { "html", "html.lang", 0 },
    { "htm", "html.lang", 0 },
    { "xhtml", "html.lang", 0 },
    { "vue", "html.lang", 0 },
    { "svelte", "html.lang", 0 },
    { "ipxe", "ipxe.lang", 0 },
    { "islisp", "islisp.lang", 0 },
    { "java", "java.lang", 0 },
    { "js", "javascript.lang", 0 },
    { "javascript", "javascript.lang", 0 },
    { "node", "javascript.lang", 0 },
    { "mjs", "javascript.lang", 0 },
    { "cjs", "javascript.lang", 0 },
    { "json", "json.lang", 0 },
    { "geojson", "json.lang", 0 },
    { "jsonl", "json.lang", 0 },
    { "ndjson", "json.lang", 0 },
    { "topojson", "json.lang", 0 },
    { "tex", "latex.lang", 0 },
    { "latex", "latex.lang", 0 },
    { "ldif", "ldap.lang", 0 },
    { "lilypond", "lilypond.lang", 0 },
    { "lisp", "lisp.lang", 0 },
    { "common-lisp", "lisp.lang", 0 },
    { "commonlisp", "lisp.lang", 0 },
    { "elisp", "lisp.lang", 0 },
    { "emacs-lisp", "lisp.lang", 0 },
    { "clojure", "lisp.lang", 0 },
    { "clj", "lisp.lang", 0 },
    { "edn", "lisp.lang", 0 },
    { "langdef", "langdef.lang", 0 },
    { "logtalk", "logtalk.lang", 0 },
    { "log", "log.lang", 0 },
    { "lsm", "lsm.lang", 0 },
    { "lua", "lua.lang", 0 },
    { "m4", "m4.lang", 0 },
    { "autoconf", "m4.lang", 0 },
    { "make", "makefile.lang", 0 },
    { "makefile", "makefile.lang", 0 },
    { "mf", "makefile.lang", 0 },
    { "bsdmake", "makefile.lang", 0 },
    { "mk", "makefile.lang", 0 },
    { "opa", "opa.lang", 0 },
    { "oz", "oz.lang", 0 },
    { "pascal", "pascal.lang", 0 },
    { "delphi", "pascal.lang", 0 },
    { "objectpascal", "pascal.lang", 0 },
    { "pas", "pascal.lang", 0 },
    { "perl", "perl.lang", 0 },
    { "pl", "perl.lang", 0 },
    { "cperl", "perl.lang", 0 },
    { "php", "php.lang", 0 },
    { "pkgconfig", "pc.lang", 0 },
    { "po", "po.lang", 0 },
    { "pot", "po.lang", 0 },
    { "gettext-catalog", "po.lang", 0 },
    { "postscript", "postscript.lang", 0 },
    { "ps", "postscript.lang", 0 },
    { "eps", "postscript.lang", 0 },
    { "prolog", "prolog.lang", 0 },
    { "properties", "properties.lang", 0 },
    { "java-properties", "properties.lang", 0 },
    { "protobuf", "proto.lang", 0 },
    { "proto", "proto.lang", 0 },
    { "python", "python.lang", 0 },
    { "py", "python.lang", 0 },
    { "python3", "python.lang", 0 },
    { "py3", "python.lang", 0 },
    { "gyp", "python.lang", 0 },
    { "starlark", "python.lang", 0 },
    { "bzl", "python.lang", 0 },
    { "bazel", "python.lang", 0 },
    { "r", "r.lang", 0 },
    { "rscript", "r.lang", 0 },
    { "splus", "r.lang", 0 },
    { "ruby", "ruby.lang", 0 },
    { "rb", "ruby.lang", 0 },
    { "jruby", "ruby.lang", 0 },
    { "macruby", "ruby.lang", 0 },
    { "rake", "ruby.lang", 0 },
    { "rbx", "ruby.lang", 0 },
    { "gemfile", "ruby.lang", 0 },
    { "podfile", "ruby.lang", 0 },
    { "rust", "rust.lang", 0 },
    { "rs", "rust.lang", 0 },
    { "scala", "scala.lang", 0 },
    { "sbt", "scala.lang", 0 },
    { "scheme", "scheme.lang", 0 },
    { "racket", "scheme.lang", 0 },
    { "bash", "sh.lang", 0 },
    { "sh", "sh.lang", 0 },
    { "shell", "sh.lang", 0 },
    { "shell-script", "sh.lang", 0 },
    { "shellscript", "sh.lang", 0 },
    { "ksh", "sh.lang", 0 },
    { "csh", "sh.lang", 0 },
    { "tcsh", "sh.lang", 0 },
    { "zsh", "zsh.lang", 0 },
    { "slang", "slang.lang", 0 },
    { "sml", "sml.lang", 0 },
    { "spec", "spec.lang", 0 },
    { "rpm-spec", "spec.lang", 0 },
    { "specfile", "spec.lang", 0 },
    { "sql", "sql.lang", 0 },
    { "mysql", "sql.lang", 0 },
    { "plsql", "sql.lang", 0 },
    { "plpgsql", "sql.lang", 0 },
    { "postgresql", "sql.lang", 0 },
    { "postgres", "sql.lang", 0 },
    { "psql", "sql.lang", 0 },
    { "pgsql", "sql.lang", 0 },
    { "sqlite", "sql.lang", 0 },
    { "tsql", "sql.lang", 0 },
    { "hive", "sql.lang", 0 },
    { "tcl", "tcl.lang", 0 },
    { "tk", "tcl.lang", 0 },
    { "texinfo", "texinfo.lang", 0 },
    { "texi", "texinfo.lang", 0 },
    { "upc", "upc.lang", 0 },
    { "vala", "vala.lang", 0 },
    { "vapi", "vala.lang", 0 },
    { "vbscript", "vbscript.lang", 0 },
    { "vbs", "vbscript.lang", 0 },
    { "vb", "vbscript.lang", 0 },
    { "vba", "vbscript.lang", 0 },
    { "vbnet", "vbscript.lang", 0 },
    { "vb.net", "vbscript.lang", 0 },
    { "visual-basic", "vbscript.lang", 0 },
    { "vim", "vim.lang", 0 },
    { "viml", "vim.lang", 0 },
    { "vimscript", "vim.lang", 0 },
    { "nvim", "vim.lang", 0 },
    { "vimrc", "vim.lang", 0 },
    { "xml", "xml.lang", 0 },
    { "svg", "xml.lang", 0 },
    { "xsd", "xml.lang", 0 },
    { "xsl", "xml.lang", 0 },
    { "xslt", "xml.lang", 0 },
    { "rss", "xml.lang", 0 },
    { "atom", "xml.lang", 0 },
    { "wsdl", "xml.lang", 0 },
    { "xaml", "xml.lang", 0 },
    { "plist", "xml.lang", 0 },
    { "csproj", "xml.lang", 0 },
    { "xul", "xml.lang", 0 },
    { "mathml", "xml.lang", 0 },
    { "xorg", "xorg.lang", 0 }
};

#define AR_HIGHLIGHT_NALIASES                                                \
    (sizeof(ar_highlight_aliases) / sizeof(ar_highlight_aliases[0]))


/* the library's element names, and the class each is given; NULL: none */

static const struct {
    const char  *element;
    const char  *cls;
} ar_highlight_classes[] = {
    { "keyword", "keyword" },
    { "type", "type" },
    { "usertype", "type" },
    { "classname", "type" },
    { "string", "string" },
    { "regexp", "string" },
    { "url", "string" },
    { "specialchar", "escape" },
    { "comment", "comment" },
    { "todo", "comment" },
    { "number", "number" },
    { "function", "function" },
    { "predef_func", "function" },
    { "variable", "variable" },
    { "predef_var", "variable" },
    { "label", "constant" },
    { "atom", "constant" },
    { "value", "constant" },
    { "property", "property" },
    { "key", "property" },
    { "selector", "keyword" },
    { "preproc", "meta" },
    { "difflines", "meta" },
    { "prompt", "meta" },
    { "newfile", "inserted" },
    { "oldfile", "deleted" }
};

#define AR_HIGHLIGHT_NCLASSES                                                \
    (sizeof(ar_highlight_classes) / sizeof(ar_highlight_classes[0]))


typedef struct {
    srchilite::HighlightStatePtr   state;
    bool                           locked;
} ar_highlight_lang_t;


static ar_highlight_lang_t  ar_highlight_langs[AR_HIGHLIGHT_NALIASES];
static std::mutex           ar_highlight_mutex;


/* writes the text escaped as cmark-gfm escapes code, in a span if named */

class ar_highlight_formatter_t : public srchilite::Formatter {
public:
    ar_highlight_formatter_t(const char *cls, std::string *out)
        : cls(cls), out(out)
    {
    }

    void
    format(const std::string &s, const srchilite::FormatterParams *params)
    {
        if (cls != NULL) {
            out->append("<span class=\"");
            out->append(cls);
            out->append("\">");
        }

        for (std::string::size_type i = 0; i < s.size(); i++) {
            switch (s[i]) {
            case '&':
                out->append("&amp;");
                break;
            case '<':
                out->append("&lt;");
                break;
            case '>':
                out->append("&gt;");
                break;
            case '"':
                out->append("&quot;");
                break;
            default:
                out->push_back(s[i]);
            }
        }

        if (cls != NULL) {
            out->append("</span>");
        }
    }

private:
    const char   *cls;
    std::string  *out;
};


struct ar_highlight_s {
    std::string                   out;
    srchilite::FormatterManager   formatters;
    srchilite::SourceHighlighter  highlighter;
    bool                          locked;

    ar_highlight_s(srchilite::HighlightStatePtr state, bool locked)
        : formatters(srchilite::FormatterPtr(
                         new ar_highlight_formatter_t(NULL, &out))),
          highlighter(state), locked(locked)
    {
    }
};


static int ar_highlight_load(const std::string &dir, unsigned own,
    const char **failed);
static bool ar_highlight_refers_back(srchilite::HighlightStatePtr state,
    std::set<const srchilite::HighlightState *> &seen);


/*
 * Loads source-highlight's languages of the table, and forgets the
 * module's own; before threads highlight.  A file that does not load
 * leaves its names plain.
 */

int
ar_highlight_init(void)
{
    size_t  i;

    for (i = 0; i < AR_HIGHLIGHT_NALIASES; i++) {
        ar_highlight_langs[i].state.reset();
    }

    try {
        return ar_highlight_load(srchilite::Settings::retrieveDataDir(), 0,
                                 NULL);

    } catch (...) {
        return AR_ERROR;
    }
}


/*
 * Loads the module's own languages from dir; before threads highlight.
 * Each must load: *failed names the first that does not.
 */

int
ar_highlight_languages(const char *dir, const char **failed)
{
    try {
        return ar_highlight_load(dir, 1, failed);

    } catch (...) {
        return AR_ERROR;
    }
}


static int
ar_highlight_load(const std::string &dir, unsigned own, const char **failed)
{
    size_t  i, j;

    static srchilite::RegexRuleFactory  factory;
    static srchilite::LangDefManager    manager(&factory);

    for (i = 0; i < AR_HIGHLIGHT_NALIASES; i++) {

        if (ar_highlight_aliases[i].own != own) {
            continue;
        }

        for (j = 0; j < i; j++) {
            if (std::strcmp(ar_highlight_aliases[j].file,
                            ar_highlight_aliases[i].file) == 0
                && ar_highlight_aliases[j].own == own)
            {
                break;
            }
        }

        if (j < i) {
            ar_highlight_langs[i] = ar_highlight_langs[j];
            continue;
        }

        try {
            std::set<const srchilite::HighlightState *>  seen;

            ar_highlight_langs[i].state =
                manager.getHighlightState(dir, ar_highlight_aliases[i].file);
            ar_highlight_langs[i].locked =
                ar_highlight_refers_back(ar_highlight_langs[i].state, seen);

        } catch (...) {
            ar_highlight_langs[i].state.reset();

            if (failed != NULL) {
                *failed = ar_highlight_aliases[i].file;
                return AR_ERROR;
            }
        }
    }

    return AR_OK;
}


/* whether any state reachable from this one is rebuilt when entered */

static bool
ar_highlight_refers_back(srchilite::HighlightStatePtr state,
    std::set<const srchilite::HighlightState *> &seen)
{
    srchilite::RuleList::const_iterator  it;

    if (state.get() == NULL || !seen.insert(state.get()).second) {
        return false;
    }

    if (state->getNeedsReferenceReplacement()) {
        return true;
    }

    for (it = state->getRuleList().begin();
         it != state->getRuleList().end();
         ++it)
    {
        if ((*it)->getNeedsReferenceReplacement()
            || ar_highlight_refers_back((*it)->getNextState(), seen))
        {
            return true;
        }
    }

    return false;
}


/* the language an info string's first word names, or -1 */

int
ar_highlight_lang(const char *name, size_t len)
{
    char    c;
    size_t  i, k;

    for (i = 0; i < AR_HIGHLIGHT_NALIASES; i++) {
        if (std::strlen(ar_highlight_aliases[i].name) != len
            || ar_highlight_langs[i].state.get() == NULL)
        {
            continue;
        }

        for (k = 0; k < len; k++) {
            c = name[k];

            if (c >= 'A' && c <= 'Z') {
                c |= 0x20;
            }

            if (c != ar_highlight_aliases[i].name[k]) {
                break;
            }
        }

        if (k == len) {
            return (int) i;
        }
    }

    return -1;
}


const char *
ar_highlight_lang_name(int lang)
{
    return ar_highlight_aliases[lang].name;
}


ar_highlight_t *
ar_highlight_new(int lang)
{
    size_t           i;
    ar_highlight_t  *hl;

    hl = NULL;

    try {
        hl = new ar_highlight_t(ar_highlight_langs[lang].state,
                                ar_highlight_langs[lang].locked);

        for (i = 0; i < AR_HIGHLIGHT_NCLASSES; i++) {
            hl->formatters.addFormatter(ar_highlight_classes[i].element,
                srchilite::FormatterPtr(new ar_highlight_formatter_t(
                    ar_highlight_classes[i].cls, &hl->out)));
        }

        hl->highlighter.setFormatterManager(&hl->formatters);
        hl->highlighter.setOptimize(true);

    } catch (...) {
        delete hl;
        return NULL;
    }

    return hl;
}


/*
 * Highlights one line (without its newline); *out is valid until the
 * next call.  AR_ERROR when the library fails or nests too deep: the
 * block is then to be written plain.
 */

int
ar_highlight_line(ar_highlight_t *hl, const char *p, size_t len,
    const char **out, size_t *out_len)
{
    try {
        std::string  line(p, len);

        hl->out.clear();

        if (hl->locked) {
            std::lock_guard<std::mutex>  lock(ar_highlight_mutex);

            hl->highlighter.highlightParagraph(line);

        } else {
            hl->highlighter.highlightParagraph(line);
        }

        if (hl->highlighter.getStateStack()->size() > AR_HIGHLIGHT_DEPTH_MAX)
        {
            return AR_ERROR;
        }

    } catch (...) {
        return AR_ERROR;
    }

    *out = hl->out.data();
    *out_len = hl->out.size();

    return AR_OK;
}


void
ar_highlight_free(ar_highlight_t *hl)
{
    try {
        delete hl;

    } catch (...) {
        /* void */
    }
}
