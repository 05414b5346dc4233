/*
 * Highlighted code over GNU source-highlight.
 *
 * The languages are loaded once, by ar_highlight_init(), before any
 * thread renders: the library reads its language files with a parser
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


/* the info string's first word, and the language file it names */

static const struct {
    const char  *name;
    const char  *file;
} ar_highlight_aliases[] = {
    { "c", "c.lang" },
    { "h", "c.lang" },
    { "c++", "cpp.lang" },
    { "cpp", "cpp.lang" },
    { "cc", "cpp.lang" },
    { "cxx", "cpp.lang" },
    { "hpp", "cpp.lang" },
    { "cs", "csharp.lang" },
    { "csharp", "csharp.lang" },
    { "css", "css.lang" },
    { "diff", "diff.lang" },
    { "patch", "diff.lang" },
    { "go", "go.lang" },
    { "golang", "go.lang" },
    { "haskell", "haskell.lang" },
    { "hs", "haskell.lang" },
    { "html", "html.lang" },
    { "htm", "html.lang" },
    { "java", "java.lang" },
    { "js", "javascript.lang" },
    { "javascript", "javascript.lang" },
    { "json", "json.lang" },
    { "lua", "lua.lang" },
    { "make", "makefile.lang" },
    { "makefile", "makefile.lang" },
    { "perl", "perl.lang" },
    { "pl", "perl.lang" },
    { "php", "php.lang" },
    { "py", "python.lang" },
    { "python", "python.lang" },
    { "rb", "ruby.lang" },
    { "ruby", "ruby.lang" },
    { "rs", "rust.lang" },
    { "rust", "rust.lang" },
    { "scala", "scala.lang" },
    { "bash", "sh.lang" },
    { "sh", "sh.lang" },
    { "shell", "sh.lang" },
    { "sql", "sql.lang" },
    { "tcl", "tcl.lang" },
    { "xml", "xml.lang" },
    { "svg", "xml.lang" },
    { "zsh", "zsh.lang" }
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
    { "selector", "keyword" },
    { "preproc", "meta" },
    { "difflines", "meta" },
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


static bool ar_highlight_refers_back(srchilite::HighlightStatePtr state,
    std::set<const srchilite::HighlightState *> &seen);


/*
 * Loads every language of the table; before threads highlight.  A file
 * that does not load leaves its names plain.
 */

int
ar_highlight_init(void)
{
    size_t       i, j;
    std::string  dir;

    try {
        static srchilite::RegexRuleFactory  factory;
        static srchilite::LangDefManager    manager(&factory);

        dir = srchilite::Settings::retrieveDataDir();

        for (i = 0; i < AR_HIGHLIGHT_NALIASES; i++) {

            for (j = 0; j < i; j++) {
                if (std::strcmp(ar_highlight_aliases[j].file,
                                ar_highlight_aliases[i].file) == 0)
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
                    manager.getHighlightState(dir,
                                              ar_highlight_aliases[i].file);
                ar_highlight_langs[i].locked =
                    ar_highlight_refers_back(ar_highlight_langs[i].state,
                                             seen);

            } catch (...) {
                ar_highlight_langs[i].state.reset();
            }
        }

    } catch (...) {
        return AR_ERROR;
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
