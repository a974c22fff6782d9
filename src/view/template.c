/* Template engine: compiled once, rendered many times, escaped by context.
 *
 * SYNTAX
 *   {{path}}            value of a dotted path: object.title, museum.name, `.` or
 *                       `this` (the current item), @index @number @first @last
 *                       @key (inside #each), @root.x; a first name missing in
 *                       the current scope is looked up in the enclosing ones
 *                       (each/with push scopes), down to the root. A name that
 *                       is present with null stops the search. Digits select an
 *                       array item (images.0.url).
 *   {{raw path}}        no escaping at all (the only way to get it)
 *   {{number path}}     integer in the page's language (vcm_l10n_number:
 *                       42,231 · 42 231 · 42.231), escaped in context
 *   {{t "key"}}         vcm_t(lang, key), escaped in context
 *   {{tn "key" path}}   the plural message key for the integer at path
 *                       (vcm_tn: "1 museum", "42 museums"), escaped in
 *                       context; nothing when the value is not an integer
 *   {{json path}}       the value as JSON; only inside <script>
 *   {{#if p}}…{{else}}…{{/if}}  {{#unless p}}…{{/unless}}
 *   {{#each p}}…{{else}}…{{/each}}  (arrays, and objects by value with @key)
 *   {{#with p}}…{{else}}…{{/with}}
 *   {{> name}}          include a template of the set, in the same scope
 *   {{yield}}           in a layout: the page
 *   {{! comment }} {{!-- comment that may hold }} --}}
 * False: missing, null, false, 0, 0.0, "", [], {}. Values print as: strings
 * as they are, integers in decimal, reals with %g, true/false as words;
 * missing, null, objects and arrays print nothing (outside <script>).
 *
 * DESIGN
 * Compiling turns the text into a flat array of nodes. A block node covers
 * the nodes after it: its body is [i+1, mid) and its {{else}} part
 * [mid, end), so rendering is a loop over an index range that recurses only
 * into blocks and includes, with scopes chained on the C stack: no allocation
 * while rendering, and a compiled set is never written again, so any number
 * of threads may render it at once. Paths are split into segments at compile
 * time and looked up with json_object_getn on the template text itself.
 * Includes are resolved to template pointers when templates are added (in
 * either order); cycles are caught at render by a depth limit of 16.
 *
 * CONTEXTS
 * While compiling, the literal text between tags goes through a small HTML
 * tokenizer (struct ctx: a subset of the HTML5 tokenizer states, the current
 * element, attribute kind, URL part, and inside <script> a JavaScript lexer
 * that knows strings, comments and regular expressions). Where a value tag
 * stands decides its escaper, fixed in the node:
 *   HTML text, <title>, <textarea>       HTML-escape & < > " '
 *   quoted attribute value               HTML-escape
 *   quoted URL attribute (href src action formaction poster cite srcset data
 *   background longdesc usemap manifest icon codebase ping …):
 *     at the start of the value          the value must be a safe URL (http:
 *                                        https: mailto: or no scheme), else
 *                                        "#unsafe"; bytes not allowed in a
 *                                        URL are percent-encoded
 *     after a literal '/' or scheme      percent-encode what is not URL, keep
 *                                        the rest (a path piece)
 *     after a literal '?' or '#'         vcm_buf_urlenc (a query component)
 *     srcset descriptor (after a space)  as a path, commas encoded too
 *   <script> (any type), outside JS strings and comments: JSON; strings through
 *     vcm_buf_json_str (< > & as \u00XX, so nothing closes the element) and
 *     ' ` U+2028 U+2029 escaped too; missing is `null`.
 *   Compile errors ("tag in unsafe context"): unquoted attribute value,
 *     attribute name position, tag name, end tag, HTML comment, <style>,
 *     <xmp> <iframe> <noembed> <noframes> <plaintext>, on* / style / srcdoc
 *     attributes (entities decode before the script or CSS reads them),
 *     inside a JavaScript string, comment or regular expression, a URL part
 *     the branches of a block leave ambiguous. Also refused: a literal ':'
 *     after a value at the start of a URL (the value would choose the
 *     scheme) and "<!--" inside <script> (the escaped script states).
 * Blocks: the branches of #if/#unless/#with must end in the same context,
 * or in ones that join: URL parts before the query join into "check as a
 * start", other URL parts into "ambiguous" (a tag there is refused); the
 * regex-or-division guess of a script into "unknown" (a '/' then stops the
 * lexer and tags after it are refused); "between attributes" and "after an
 * attribute name" into "between attributes, no '=' next", so that
 * <option {{#if s}}selected{{/if}}> works. A block tag ends a tag or
 * attribute name it stands in, and the name may not go on after it. An
 * #each body runs after itself: when it ends in another context than it
 * started, it is compiled again from the join of both until that is stable
 * (a few passes at most). Includes and {{yield}} must stand in HTML text,
 * every template must end in HTML text, and {{raw}} is assumed to leave the
 * context as it found it.
 * Not modelled: SVG/MathML foreign content, <meta http-equiv=refresh>
 * content, regex literals after keywords (`return /re/` is read as a
 * division). */
#include "view/template.h"

#include <assert.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/asset.h"
#include "core/i18n.h"
#include "core/l10n.h"

#include "core/banned.h"

#define MAX_NEST 32         /* blocks open at once in one template */
#define MAX_INCLUDE 16      /* includes and yield inside each other */
#define MAX_SEGS 32         /* segments in one path */
#define MAX_JSON_DEPTH 256  /* nesting of a value written as JSON */
#define MAX_TEXT ((size_t)16 << 20)
#define MAX_EACH_PASSES 4   /* recompilations of an #each body (see join) */
#define MAX_REWINDS 64      /* recompilations in one template, nested ones included */
#define NAME_LEN 16         /* tag and attribute names kept by the tokenizer */

/* ------------------------------------------------------------------ */
/* Compiled form */

enum op { OP_TEXT, OP_VALUE, OP_IF, OP_UNLESS, OP_EACH, OP_WITH, OP_INCLUDE, OP_YIELD };
enum fmt { FMT_VALUE, FMT_RAW, FMT_NUMBER, FMT_T, FMT_JSON, FMT_TN };
enum esc {
    ESC_NONE,
    ESC_HTML,
    ESC_URL_START,
    ESC_URL_PATH,
    ESC_URL_QUERY,
    ESC_SRCSET_DESC,
    ESC_SCRIPT,
};
enum seg_kind { SEG_NAME, SEG_THIS, SEG_ROOT, SEG_INDEX, SEG_NUMBER, SEG_FIRST, SEG_LAST, SEG_KEY };

struct seg {
    uint8_t kind;
    uint32_t n;
    long idx; /* the segment as an array index, or -1 */
    const char *s;
};

struct tpl;
struct node {
    uint8_t op, fmt, esc;
    uint16_t nseg;
    uint32_t line;
    uint32_t mid, end; /* blocks: body [i+1, mid), else [mid, end) */
    uint32_t seg;      /* first segment of the path in tpl->segs */
    const char *s;     /* text bytes; t and tn key and include name end in NUL */
    size_t n;
    struct tpl *target; /* include, once a template of that name exists */
};

struct tpl {
    const char *name;
    struct node *nodes;
    struct seg *segs;
    uint32_t nnodes;
};

struct vcm_tpl_set {
    vcm_arena arena; /* every template, node and string: freed at once */
    struct tpl **t;
    size_t n, cap;
};

/* ------------------------------------------------------------------ */
/* HTML context tracked across literal text at compile time */

enum st {
    ST_TEXT,
    ST_LT,           /* after '<' */
    ST_MD,           /* after "<!" */
    ST_MD_DASH,      /* after "<!-" */
    ST_COMMENT,      /* m: dashes seen, 3 after "--!" */
    ST_BOGUS,        /* <!DOCTYPE …>, <?…>, until '>' */
    ST_END_LT,       /* after "</" */
    ST_TAG_NAME,
    ST_BEFORE_ATTR,
    ST_ATTR_NAME,
    ST_AFTER_ATTR_NAME,
    ST_BEFORE_VALUE,
    ST_VALUE_DQ,
    ST_VALUE_SQ,
    ST_VALUE_UQ,
    ST_RAW,          /* content of the raw text element el; m: "</name" matched */
};
enum el { EL_NONE, EL_SCRIPT, EL_STYLE, EL_TITLE, EL_TEXTAREA, EL_XMP, EL_IFRAME, EL_NOEMBED,
          EL_NOFRAMES, EL_PLAINTEXT, EL_COUNT };
static const char *const el_names[EL_COUNT] = {"",    "script",  "style",   "title",
                                               "textarea", "xmp", "iframe", "noembed",
                                               "noframes", "plaintext"};
enum at { AT_PLAIN, AT_URL, AT_SRCSET, AT_UNSAFE };
enum url { U_START, U_SCHEME, U_PATH, U_QUERY, U_DESC, U_AMBIG };
/* Literal text that makes the context depend on data or on a branch taken:
 * the compiler stops with an error. */
enum bad { BAD_NONE, BAD_COLON, BAD_EQ, BAD_NAME, BAD_SCRIPT_COMMENT };
enum js { J_CODE, J_DQ, J_SQ, J_BT, J_SLASH, J_RE, J_RE_CLASS, J_LINE, J_BLOCK, J_BLOCK_STAR,
          J_AMBIG };
enum { JSRE_NO, JSRE_YES, JSRE_UNKNOWN };

/* Only uint8_t and char: copied by value, compared field by field. */
struct ctx {
    uint8_t st, el, endtag;
    uint8_t bad;
    uint8_t glued;             /* a block tag cut a name: the next byte may not go on with it */
    uint8_t noeq;              /* branches ended in different attributes: no '=' now */
    uint8_t at;                /* kind of the attribute being read */
    uint8_t url, udyn, ucomma; /* URL part; a value is in the scheme part; last byte ',' */
    uint8_t js, jsesc, jsre;   /* script: lexer state, after '\', may a regex start */
    uint8_t cm;                /* script: bytes of "<!--" matched */
    uint8_t m;
    uint8_t nlen;              /* NAME_LEN + 1: longer than name[] */
    char name[NAME_LEN];
};

static bool is_ws(unsigned char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\f' || ch == '\r';
}

static bool is_alpha(unsigned char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static bool is_digit(unsigned char ch)
{
    return ch >= '0' && ch <= '9';
}

static char lower(unsigned char ch)
{
    return (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
}

static void name_add(struct ctx *c, unsigned char ch)
{
    if (c->nlen < NAME_LEN)
        c->name[c->nlen++] = lower(ch);
    else
        c->nlen = NAME_LEN + 1;
}

static bool name_is(const struct ctx *c, const char *off, const char *w)
{
    size_t n = strlen(w);
    size_t have = c->nlen > NAME_LEN ? (size_t)-1 : (size_t)(c->nlen - (off - c->name));
    return have == n && memcmp(off, w, n) == 0;
}

static void to_text(struct ctx *c)
{
    *c = (struct ctx){.st = ST_TEXT};
}

static void classify_tag(struct ctx *c)
{
    c->el = EL_NONE;
    if (!c->endtag)
        for (int e = 1; e < EL_COUNT; e++)
            if (name_is(c, c->name, el_names[e]))
                c->el = (uint8_t)e;
    c->nlen = 0;
}

static void classify_attr(struct ctx *c)
{
    static const char *const url_attrs[] = {
        "href",     "src",      "action", "formaction", "poster",  "cite",    "data",
        "background", "longdesc", "usemap", "manifest", "icon",    "codebase", "ping",
        "archive",  "classid",  "profile", "lowsrc",    "dynsrc",  NULL};
    const char *n = c->name;
    size_t len = c->nlen > NAME_LEN ? NAME_LEN : c->nlen;
    /* xlink:href and the like: the local name decides. */
    const char *colon = memchr(n, ':', len);
    if (colon)
        n = colon + 1;
    size_t ln = len - (size_t)(n - c->name);
    c->at = AT_PLAIN;
    if (ln >= 2 && n[0] == 'o' && n[1] == 'n')
        c->at = AT_UNSAFE; /* event handlers: entities decode before the script runs */
    else if (name_is(c, n, "style") || name_is(c, n, "srcdoc"))
        c->at = AT_UNSAFE;
    else if (name_is(c, n, "srcset") || name_is(c, n, "imagesrcset"))
        c->at = AT_SRCSET;
    else
        for (int i = 0; url_attrs[i]; i++)
            if (name_is(c, n, url_attrs[i]))
                c->at = AT_URL;
    c->nlen = 0;
}

static void tag_end(struct ctx *c)
{
    uint8_t el = c->el;
    to_text(c);
    if (el != EL_NONE) {
        c->st = ST_RAW;
        c->el = el;
        c->jsre = JSRE_YES;
    }
}

static void before_attr(struct ctx *c)
{
    c->st = ST_BEFORE_ATTR;
    c->glued = c->noeq = 0;
    c->at = AT_PLAIN;
    c->url = c->udyn = c->ucomma = 0;
    c->nlen = 0;
}

/* May a regular expression start after this byte of code (else '/' divides)? */
static uint8_t regex_after(unsigned char ch)
{
    if (is_alpha(ch) || is_digit(ch) || ch == '_' || ch == '$' || ch == ')' || ch == ']' ||
        ch == '.' || ch >= 0x80)
        return JSRE_NO;
    return JSRE_YES;
}

static void js_feed(struct ctx *c, unsigned char ch)
{
    if (c->js == J_SLASH) {
        if (ch == '/') {
            c->js = J_LINE;
            return;
        }
        if (ch == '*') {
            c->js = J_BLOCK;
            return;
        }
        if (c->jsre == JSRE_UNKNOWN) {
            c->js = J_AMBIG; /* regex or division: cannot follow the script any more */
            return;
        }
        if (c->jsre == JSRE_YES) {
            c->js = J_RE;
            c->jsesc = 0;
        } else {
            c->js = J_CODE;
            c->jsre = JSRE_YES;
        }
    }
    switch (c->js) {
    case J_CODE:
        if (ch == '"')
            c->js = J_DQ;
        else if (ch == '\'')
            c->js = J_SQ;
        else if (ch == '`')
            c->js = J_BT;
        else if (ch == '/')
            c->js = J_SLASH;
        else if (!is_ws(ch))
            c->jsre = regex_after(ch);
        c->jsesc = 0;
        break;
    case J_DQ:
    case J_SQ:
    case J_BT:
        if (c->jsesc)
            c->jsesc = 0;
        else if (ch == '\\')
            c->jsesc = 1;
        else if ((c->js == J_DQ && ch == '"') || (c->js == J_SQ && ch == '\'') ||
                 (c->js == J_BT && ch == '`')) {
            c->js = J_CODE;
            c->jsre = JSRE_NO;
        }
        break;
    case J_RE:
    case J_RE_CLASS:
        if (c->jsesc)
            c->jsesc = 0;
        else if (ch == '\\')
            c->jsesc = 1;
        else if (c->js == J_RE && ch == '[')
            c->js = J_RE_CLASS;
        else if (c->js == J_RE_CLASS && ch == ']')
            c->js = J_RE;
        else if (c->js == J_RE && ch == '/') {
            c->js = J_CODE;
            c->jsre = JSRE_NO;
        }
        break;
    case J_LINE:
        if (ch == '\n' || ch == '\r')
            c->js = J_CODE;
        break;
    case J_BLOCK:
        if (ch == '*')
            c->js = J_BLOCK_STAR;
        break;
    case J_BLOCK_STAR:
        c->js = ch == '/' ? J_CODE : ch == '*' ? J_BLOCK_STAR : J_BLOCK;
        break;
    default:
        break;
    }
}

static void raw_feed(struct ctx *c, unsigned char ch)
{
    /* "</name" then white space, '/' or '>' ends the element, whatever the
     * script inside was doing: that is how the HTML parser reads it. */
    const char *nm = el_names[c->el];
    size_t nl = strlen(nm);
    if (c->m == 2 + nl) {
        if (is_ws(ch) || ch == '/' || ch == '>') {
            if (ch == '>') {
                to_text(c);
            } else {
                to_text(c);
                c->endtag = 1;
                before_attr(c);
            }
            return;
        }
        c->m = 0;
    }
    if ((c->m == 0 && ch == '<') || (c->m == 1 && ch == '/') ||
        (c->m >= 2 && lower(ch) == nm[c->m - 2]))
        c->m++;
    else
        c->m = ch == '<';
    if (c->el == EL_SCRIPT) {
        /* "<!--" in a script starts the escaped states, where "<script" can
         * make the next "</script>" not the end: refused, not modelled. */
        static const char open[] = "<!--";
        if (ch == (unsigned char)open[c->cm]) {
            if (++c->cm == 4)
                c->bad = BAD_SCRIPT_COMMENT;
        } else {
            c->cm = ch == '<';
        }
        js_feed(c, ch);
    }
}

static void url_feed(struct ctx *c, unsigned char ch)
{
    bool srcset = c->at == AT_SRCSET;
    switch (c->url) {
    case U_START:
        if (is_ws(ch))
            break;
        /* fallthrough */
    case U_SCHEME:
        if (ch == ':' && c->udyn)
            c->bad = BAD_COLON;
        else if (ch == ':')
            c->url = U_PATH;
        else if (ch == '/')
            c->url = U_PATH;
        else if (ch == '?' || ch == '#')
            c->url = U_QUERY;
        else if (srcset && is_ws(ch))
            c->url = c->ucomma ? U_START : U_DESC;
        else
            c->url = U_SCHEME;
        break;
    case U_PATH:
    case U_QUERY:
        if (ch == '?' || ch == '#')
            c->url = U_QUERY;
        else if (srcset && is_ws(ch))
            c->url = c->ucomma ? U_START : U_DESC;
        break;
    case U_DESC:
        if (ch == ',')
            c->url = U_START;
        break;
    case U_AMBIG:
        if (ch == '?' || ch == '#')
            c->url = U_QUERY;
        break;
    default:
        break;
    }
    /* In srcset a URL ending in ',' has no descriptor: what follows is a URL. */
    if (!is_ws(ch))
        c->ucomma = ch == ',';
    if (c->url == U_START || c->url == U_DESC)
        c->udyn = c->ucomma = 0; /* not read there: kept 0 so contexts compare equal */
}

static bool name_byte(unsigned char ch)
{
    return !is_ws(ch) && ch != '=' && ch != '>' && ch != '/';
}

/* One byte of literal template text. */
static void feed(struct ctx *c, unsigned char ch)
{
    switch (c->st) {
    case ST_TEXT:
        if (ch == '<')
            c->st = ST_LT;
        break;
    case ST_LT:
        if (is_alpha(ch)) {
            c->st = ST_TAG_NAME;
            c->el = EL_NONE;
            c->nlen = 0;
            name_add(c, ch);
        } else if (ch == '/') {
            c->st = ST_END_LT;
        } else if (ch == '!') {
            c->st = ST_MD;
        } else if (ch == '?') {
            c->st = ST_BOGUS;
        } else {
            c->st = ch == '<' ? ST_LT : ST_TEXT;
        }
        break;
    case ST_MD:
        c->st = ch == '-' ? ST_MD_DASH : ch == '>' ? ST_TEXT : ST_BOGUS;
        break;
    case ST_MD_DASH:
        if (ch == '-') {
            c->st = ST_COMMENT;
            c->m = 2; /* "<!-->" and "<!--->" close at once */
        } else {
            c->st = ch == '>' ? ST_TEXT : ST_BOGUS;
        }
        break;
    case ST_COMMENT:
        if (ch == '-')
            c->m = c->m == 3 ? 1 : c->m < 2 ? c->m + 1 : 2;
        else if (ch == '!')
            c->m = c->m == 2 ? 3 : 0;
        else if (ch == '>' && c->m >= 2)
            to_text(c);
        else
            c->m = 0;
        break;
    case ST_BOGUS:
        if (ch == '>')
            to_text(c);
        break;
    case ST_END_LT:
        if (is_alpha(ch)) {
            c->st = ST_TAG_NAME;
            c->endtag = 1;
            c->nlen = 0;
            name_add(c, ch);
        } else {
            c->st = ch == '>' ? ST_TEXT : ST_BOGUS;
        }
        break;
    case ST_TAG_NAME:
        if (is_ws(ch) || ch == '/') {
            classify_tag(c);
            before_attr(c);
        } else if (ch == '>') {
            classify_tag(c);
            tag_end(c);
        } else {
            name_add(c, ch);
        }
        break;
    case ST_BEFORE_ATTR:
        if (c->glued && name_byte(ch))
            c->bad = BAD_NAME;
        if (c->noeq && ch == '=')
            c->bad = BAD_EQ;
        c->glued = 0;
        if (!is_ws(ch))
            c->noeq = 0;
        if (ch == '>') {
            tag_end(c);
        } else if (!is_ws(ch) && ch != '/') {
            c->st = ST_ATTR_NAME;
            c->nlen = 0;
            name_add(c, ch);
        }
        break;
    case ST_ATTR_NAME:
        if (is_ws(ch)) {
            classify_attr(c);
            c->st = ST_AFTER_ATTR_NAME;
        } else if (ch == '/') {
            before_attr(c);
        } else if (ch == '=') {
            classify_attr(c);
            c->st = ST_BEFORE_VALUE;
        } else if (ch == '>') {
            tag_end(c);
        } else {
            name_add(c, ch);
        }
        break;
    case ST_AFTER_ATTR_NAME:
        if (c->glued && name_byte(ch))
            c->bad = BAD_NAME;
        c->glued = 0;
        if (ch == '=') {
            c->st = ST_BEFORE_VALUE;
        } else if (ch == '>') {
            tag_end(c);
        } else if (ch == '/') {
            before_attr(c);
        } else if (!is_ws(ch)) {
            c->st = ST_ATTR_NAME;
            c->nlen = 0;
            name_add(c, ch);
        }
        break;
    case ST_BEFORE_VALUE:
        if (ch == '"' || ch == '\'') {
            c->st = ch == '"' ? ST_VALUE_DQ : ST_VALUE_SQ;
            c->url = U_START;
            c->udyn = c->ucomma = 0;
        } else if (ch == '>') {
            tag_end(c);
        } else if (!is_ws(ch)) {
            c->st = ST_VALUE_UQ;
        }
        break;
    case ST_VALUE_DQ:
    case ST_VALUE_SQ:
        if (ch == (c->st == ST_VALUE_DQ ? '"' : '\''))
            before_attr(c);
        else if (c->at == AT_URL || c->at == AT_SRCSET)
            url_feed(c, ch);
        break;
    case ST_VALUE_UQ:
        if (is_ws(ch))
            before_attr(c);
        else if (ch == '>')
            tag_end(c);
        break;
    case ST_RAW:
        raw_feed(c, ch);
        break;
    default:
        break;
    }
}

static bool ctx_eq(const struct ctx *a, const struct ctx *b)
{
    if (a->st != b->st || a->el != b->el || a->endtag != b->endtag)
        return false;
    switch (a->st) {
    case ST_TAG_NAME:
    case ST_ATTR_NAME:
        return a->nlen == b->nlen &&
               memcmp(a->name, b->name, a->nlen > NAME_LEN ? NAME_LEN : a->nlen) == 0;
    case ST_BEFORE_ATTR:
        return a->glued == b->glued && a->noeq == b->noeq;
    case ST_AFTER_ATTR_NAME:
        return a->at == b->at && a->glued == b->glued;
    case ST_BEFORE_VALUE:
    case ST_VALUE_UQ:
        return a->at == b->at;
    case ST_VALUE_DQ:
    case ST_VALUE_SQ:
        return a->at == b->at && a->url == b->url && a->udyn == b->udyn &&
               a->ucomma == b->ucomma;
    case ST_RAW:
        return a->m == b->m && a->cm == b->cm && a->js == b->js && a->jsesc == b->jsesc &&
               a->jsre == b->jsre;
    case ST_COMMENT:
        return a->m == b->m;
    default:
        return true;
    }
}

/* The context after a block whose paths end in a and b. Differences that do
 * not change how the following text is read safely are widened to a state
 * that refuses tags (U_AMBIG, JSRE_UNKNOWN); anything else is an error. */
static int join(struct ctx *out, const struct ctx *a, const struct ctx *b)
{
    if (ctx_eq(a, b)) {
        *out = *a;
        return 0;
    }
    struct ctx x = *a, y = *b;
    if (a->st == ST_RAW && a->el == EL_SCRIPT) {
        x.jsre = y.jsre = 0;
        if (!ctx_eq(&x, &y))
            return -1;
        *out = *a;
        out->jsre = JSRE_UNKNOWN;
        return 0;
    }
    if ((a->st == ST_VALUE_DQ || a->st == ST_VALUE_SQ) && (a->at == AT_URL || a->at == AT_SRCSET)) {
        x.url = y.url = x.udyn = y.udyn = x.ucomma = y.ucomma = 0;
        if (!ctx_eq(&x, &y))
            return -1;
        *out = *a;
        /* Before the query either way: a later value is checked as a URL
         * start (stricter than a path piece needs), and a literal ':' is
         * refused. A query on one side only has no escaper fit for both. */
        bool sa = a->url == U_START || a->url == U_SCHEME || a->url == U_PATH;
        bool sb = b->url == U_START || b->url == U_SCHEME || b->url == U_PATH;
        out->url = sa && sb ? U_SCHEME : U_AMBIG;
        out->udyn = 1;
        out->ucomma = 0;
        return 0;
    }
    bool ta = a->st == ST_BEFORE_ATTR || a->st == ST_AFTER_ATTR_NAME;
    bool tb = b->st == ST_BEFORE_ATTR || b->st == ST_AFTER_ATTR_NAME;
    if (ta && tb && a->el == b->el && a->endtag == b->endtag) {
        /* <option {{#if s}}selected{{/if}}>: fine until an '=' would give a
         * value to one attribute or another. */
        *out = *a;
        out->st = ST_BEFORE_ATTR;
        out->at = AT_PLAIN;
        out->noeq = 1;
        out->glued = a->glued | b->glued;
        return 0;
    }
    return -1;
}

/* A block tag inside a tag or attribute name ends the name there (the block
 * cannot be half of a name: `glued` refuses a name going on after it). */
static void nudge(struct ctx *x)
{
    if (x->st == ST_TAG_NAME) {
        classify_tag(x);
        before_attr(x);
        x->glued = 1;
    } else if (x->st == ST_ATTR_NAME) {
        classify_attr(x);
        x->st = ST_AFTER_ATTR_NAME;
        x->glued = 1;
    }
}

static const char *ctx_desc(const struct ctx *c)
{
    switch (c->st) {
    case ST_TEXT:
        return "HTML text";
    case ST_LT:
    case ST_END_LT:
    case ST_TAG_NAME:
        return "a tag name";
    case ST_BEFORE_ATTR:
    case ST_ATTR_NAME:
    case ST_AFTER_ATTR_NAME:
        return c->endtag ? "an end tag" : "an attribute name position";
    case ST_BEFORE_VALUE:
    case ST_VALUE_UQ:
        return "an unquoted attribute value";
    case ST_VALUE_DQ:
    case ST_VALUE_SQ:
        if (c->at == AT_UNSAFE)
            return "an on*, style or srcdoc attribute";
        if (c->url == U_AMBIG)
            return "a URL that the branches of a block leave in different parts";
        return "an attribute value";
    case ST_MD:
    case ST_MD_DASH:
    case ST_COMMENT:
    case ST_BOGUS:
        return "an HTML comment or declaration";
    case ST_RAW:
        if (c->el == EL_SCRIPT) {
            if (c->js == J_AMBIG || c->js == J_SLASH)
                return "a script after a '/' that may start a regular expression";
            if (c->js != J_CODE)
                return "a JavaScript string, comment or regular expression";
            return "<script>";
        }
        if (c->el == EL_STYLE)
            return "<style>";
        return "a raw text element";
    default:
        return "an unknown context";
    }
}

/* ------------------------------------------------------------------ */
/* Compiler */

enum kw { KW_IF, KW_UNLESS, KW_EACH, KW_WITH, KW_COUNT };
static const char *const kw_names[KW_COUNT] = {"if", "unless", "each", "with"};
static const uint8_t kw_ops[KW_COUNT] = {OP_IF, OP_UNLESS, OP_EACH, OP_WITH};

struct block {
    uint8_t kw;
    bool has_else;
    int passes;
    uint32_t node, line;
    uint32_t src_line; /* where the body starts, to compile it again */
    size_t src, nseg;
    struct ctx start, then_end;
};

struct cc {
    const char *name;
    const char *text;
    size_t len, pos;
    uint32_t line;
    struct ctx ctx;
    struct node *nodes;
    size_t nn, ncap;
    struct seg *segs;
    size_t ns, scap;
    struct block stack[MAX_NEST];
    int depth;
    int rewinds;
    char *err;
    size_t errlen;
};

__attribute__((format(printf, 3, 4))) static void seterr(char *err, size_t errlen,
                                                        const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

__attribute__((format(printf, 3, 4))) static int cerr(struct cc *c, uint32_t line,
                                                     const char *fmt, ...)
{
    if (!c->err || !c->errlen)
        return -1;
    int k = snprintf(c->err, c->errlen, "%s:%u: ", c->name, (unsigned)line);
    if (k >= 0 && (size_t)k < c->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->err + k, c->errlen - (size_t)k, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static struct node *new_node(struct cc *c, uint8_t op, uint32_t line)
{
    if (c->nn == c->ncap) {
        size_t cap = c->ncap ? c->ncap * 2 : 64;
        struct node *p = realloc(c->nodes, cap * sizeof *p);
        if (!p)
            return NULL;
        c->nodes = p;
        c->ncap = cap;
    }
    struct node *n = &c->nodes[c->nn++];
    memset(n, 0, sizeof *n);
    n->op = op;
    n->line = line;
    return n;
}

static struct seg *new_seg(struct cc *c)
{
    if (c->ns == c->scap) {
        size_t cap = c->scap ? c->scap * 2 : 64;
        struct seg *p = realloc(c->segs, cap * sizeof *p);
        if (!p)
            return NULL;
        c->segs = p;
        c->scap = cap;
    }
    struct seg *g = &c->segs[c->ns++];
    memset(g, 0, sizeof *g);
    return g;
}

static bool path_byte(unsigned char ch)
{
    return is_alpha(ch) || is_digit(ch) || ch == '_' || ch == '-' || ch == '$' || ch == ':' ||
           ch == '@' || ch >= 0x80;
}

static int parse_path(struct cc *c, struct node *n, const char *s, size_t len, uint32_t line)
{
    static const struct {
        const char *w;
        uint8_t kind;
    } vars[] = {{"@index", SEG_INDEX}, {"@number", SEG_NUMBER}, {"@first", SEG_FIRST},
                {"@last", SEG_LAST},   {"@key", SEG_KEY},       {"@root", SEG_ROOT}};
    n->seg = (uint32_t)c->ns;
    if ((len == 1 && s[0] == '.') || (len == 4 && memcmp(s, "this", 4) == 0)) {
        struct seg *g = new_seg(c);
        if (!g)
            return cerr(c, line, "out of memory");
        g->kind = SEG_THIS;
        n->nseg = 1;
        return 0;
    }
    size_t i = 0;
    while (i <= len) {
        size_t j = i;
        while (j < len && s[j] != '.')
            j++;
        if (j == i || (j == len && i == len))
            return cerr(c, line, "invalid path '%.*s'", (int)len, s);
        for (size_t k = i; k < j; k++)
            if (!path_byte((unsigned char)s[k]) || (s[k] == '@' && k != i))
                return cerr(c, line, "invalid path '%.*s'", (int)len, s);
        if (n->nseg == MAX_SEGS)
            return cerr(c, line, "path '%.*s' has more than %d parts", (int)len, s, MAX_SEGS);
        struct seg *g = new_seg(c);
        if (!g)
            return cerr(c, line, "out of memory");
        g->s = s + i;
        g->n = (uint32_t)(j - i);
        g->idx = -1;
        if (i == 0 && j == 4 && memcmp(s, "this", 4) == 0) {
            g->kind = SEG_THIS;
        } else if (s[i] == '@' && i == 0) {
            size_t v = 0;
            while (v < sizeof vars / sizeof vars[0] &&
                   !(strlen(vars[v].w) == j && memcmp(vars[v].w, s, j) == 0))
                v++;
            if (v == sizeof vars / sizeof vars[0])
                return cerr(c, line, "unknown variable '%.*s'", (int)j, s);
            g->kind = vars[v].kind;
            if (g->kind != SEG_ROOT && j < len)
                return cerr(c, line, "'%.*s' has no fields", (int)j, s);
        } else {
            g->kind = SEG_NAME;
            if (j - i <= 9) {
                long v = 0;
                size_t k = i;
                while (k < j && is_digit((unsigned char)s[k]))
                    v = v * 10 + (s[k++] - '0');
                if (k == j)
                    g->idx = v;
            }
        }
        n->nseg++;
        i = j + 1;
        if (j == len)
            break;
    }
    return 0;
}

/* The escaper for a value at the current context, or a compile error. */
static int value_esc(struct cc *c, uint8_t fmt, uint32_t line, uint8_t *esc)
{
    const struct ctx *x = &c->ctx;
    uint8_t e = ESC_NONE;
    if (fmt == FMT_RAW) {
        *esc = ESC_NONE;
        return 0;
    }
    switch (x->st) {
    case ST_TEXT:
        e = ESC_HTML;
        break;
    case ST_RAW:
        if (x->el == EL_SCRIPT && x->js == J_CODE)
            e = ESC_SCRIPT;
        else if (x->el == EL_TITLE || x->el == EL_TEXTAREA)
            e = ESC_HTML;
        break;
    case ST_VALUE_DQ:
    case ST_VALUE_SQ:
        if (x->at == AT_PLAIN) {
            e = ESC_HTML;
        } else if (x->at == AT_URL || x->at == AT_SRCSET) {
            switch (x->url) {
            case U_START:
            case U_SCHEME:
                e = ESC_URL_START;
                break;
            case U_PATH:
                e = ESC_URL_PATH;
                break;
            case U_QUERY:
                e = ESC_URL_QUERY;
                break;
            case U_DESC:
                e = ESC_SRCSET_DESC;
                break;
            default:
                break;
            }
        }
        break;
    default:
        break;
    }
    if (e == ESC_NONE)
        return cerr(c, line, "tag in unsafe context (%s)", ctx_desc(x));
    if (fmt == FMT_JSON && e != ESC_SCRIPT)
        return cerr(c, line, "{{json}} is only allowed inside <script>");
    *esc = e;
    return 0;
}

/* What a value leaves behind: the scheme of a URL may now come from it, and
 * in a script a '/' after it divides. */
static void after_value(struct ctx *x)
{
    if ((x->st == ST_VALUE_DQ || x->st == ST_VALUE_SQ) && (x->at == AT_URL || x->at == AT_SRCSET)) {
        if (x->url == U_START || x->url == U_SCHEME) {
            x->url = U_SCHEME;
            x->udyn = 1;
        }
        x->ucomma = 0;
    } else if (x->st == ST_RAW && x->el == EL_SCRIPT) {
        x->jsre = JSRE_NO;
    }
}

static int emit_value(struct cc *c, uint8_t fmt, const char *arg, size_t alen, uint32_t line)
{
    uint8_t esc = ESC_NONE;
    if (value_esc(c, fmt, line, &esc) < 0)
        return -1;
    struct node *n = new_node(c, OP_VALUE, line);
    if (!n)
        return cerr(c, line, "out of memory");
    n->fmt = fmt;
    n->esc = esc;
    if (fmt == FMT_T) {
        n->s = arg;
        n->n = alen;
    } else if (parse_path(c, n, arg, alen, line) < 0) {
        return -1;
    }
    after_value(&c->ctx);
    return 0;
}

/* {{tn "key" path}}: the key is kept like a {{t}} key, the path like a
 * value's. */
static int emit_tn(struct cc *c, const char *arg, size_t an, uint32_t line)
{
    if (an < 2 || (arg[0] != '"' && arg[0] != '\''))
        return cerr(c, line, "{{tn}} needs a quoted key and a path: {{tn \"key\" count}}");
    const char *q = memchr(arg + 1, arg[0], an - 1);
    if (!q || q == arg + 1)
        return cerr(c, line, "{{tn}} needs a quoted key and a path: {{tn \"key\" count}}");
    if (memchr(arg + 1, '\0', (size_t)(q - arg - 1)))
        return cerr(c, line, "{{tn}} key holds a NUL byte");
    const char *p = q + 1;
    size_t pn = an - (size_t)(p - arg);
    if (!pn || !is_ws((unsigned char)*p))
        return cerr(c, line, "{{tn}} needs a path after its key");
    while (pn && is_ws((unsigned char)*p))
        p++, pn--;
    if (emit_value(c, FMT_TN, p, pn, line) < 0)
        return -1;
    struct node *n = &c->nodes[c->nn - 1];
    n->s = arg + 1;
    n->n = (size_t)(q - arg - 1);
    return 0;
}

static int open_block(struct cc *c, const char *s, size_t n, uint32_t line)
{
    while (n && is_ws((unsigned char)*s))
        s++, n--;
    size_t w = 0;
    while (w < n && !is_ws((unsigned char)s[w]))
        w++;
    int kw = 0;
    while (kw < KW_COUNT && !(strlen(kw_names[kw]) == w && memcmp(kw_names[kw], s, w) == 0))
        kw++;
    if (kw == KW_COUNT)
        return cerr(c, line, "unknown block helper '#%.*s'", (int)w, s);
    const char *p = s + w;
    size_t pn = n - w;
    while (pn && is_ws((unsigned char)*p))
        p++, pn--;
    if (!pn)
        return cerr(c, line, "{{#%s}} needs a path", kw_names[kw]);
    if (c->depth == MAX_NEST)
        return cerr(c, line, "blocks nested deeper than %d", MAX_NEST);
    struct node *nd = new_node(c, kw_ops[kw], line);
    if (!nd)
        return cerr(c, line, "out of memory");
    if (parse_path(c, nd, p, pn, line) < 0)
        return -1;
    struct block *b = &c->stack[c->depth++];
    memset(b, 0, sizeof *b);
    b->kw = (uint8_t)kw;
    b->node = (uint32_t)(c->nn - 1);
    b->line = line;
    b->start = c->ctx;
    return 0;
}

/* Records where the body of the block just opened starts (the parser is past
 * the tag now), so that an #each body can be compiled again. */
static void mark_body(struct cc *c)
{
    struct block *b = &c->stack[c->depth - 1];
    b->src = c->pos;
    b->src_line = c->line;
    b->nseg = c->ns;
}

/* An #each body runs after itself, so it must end in the context it starts
 * in. When it does not, widen the start to the join of both and compile the
 * body again; returns 1 when the parser was rewound. */
static int each_fixpoint(struct cc *c, struct block *b, uint32_t line)
{
    struct ctx j;
    if (ctx_eq(&c->ctx, &b->start))
        return 0;
    if (join(&j, &b->start, &c->ctx) == 0 && ctx_eq(&j, &b->start)) {
        c->ctx = j; /* the start context already covers the end: a fixpoint */
        return 0;
    }
    if (join(&j, &b->start, &c->ctx) < 0 || ++b->passes > MAX_EACH_PASSES)
        return cerr(c, line, "{{#each}} from line %u ends in %s but starts in %s", b->line,
                    ctx_desc(&c->ctx), ctx_desc(&b->start));
    /* Nested bodies are compiled again with their parent: bound the total. */
    if (++c->rewinds > MAX_REWINDS)
        return cerr(c, line, "{{#each}} bodies change their context too often");
    b->start = j;
    c->ctx = j;
    c->pos = b->src;
    c->line = b->src_line;
    c->nn = b->node + 1;
    c->ns = b->nseg;
    return 1;
}

static int do_else(struct cc *c, uint32_t line)
{
    if (!c->depth)
        return cerr(c, line, "{{else}} outside a block");
    struct block *b = &c->stack[c->depth - 1];
    if (b->has_else)
        return cerr(c, line, "second {{else}} in {{#%s}} from line %u", kw_names[b->kw], b->line);
    if (b->kw == KW_EACH) {
        int r = each_fixpoint(c, b, line);
        if (r != 0)
            return r < 0 ? -1 : 0;
    }
    b->has_else = true;
    b->then_end = c->ctx;
    c->ctx = b->start;
    c->nodes[b->node].mid = (uint32_t)c->nn;
    return 0;
}

static int close_block(struct cc *c, const char *s, size_t n, uint32_t line)
{
    if (!c->depth)
        return cerr(c, line, "{{/%.*s}} without an open block", (int)n, s);
    struct block *b = &c->stack[c->depth - 1];
    if (strlen(kw_names[b->kw]) != n || memcmp(kw_names[b->kw], s, n) != 0)
        return cerr(c, line, "{{/%.*s}} closes {{#%s}} from line %u", (int)n, s,
                    kw_names[b->kw], b->line);
    struct ctx body_end = b->has_else ? b->then_end : c->ctx;
    struct ctx else_end = b->has_else ? c->ctx : b->start;
    if (b->kw == KW_EACH && !b->has_else) {
        int r = each_fixpoint(c, b, line);
        if (r != 0)
            return r < 0 ? -1 : 0;
        body_end = else_end = b->start;
    }
    struct ctx j;
    if (join(&j, &body_end, &else_end) < 0)
        return cerr(c, line, "branches of {{#%s}} from line %u end in different contexts (%s, %s)",
                    kw_names[b->kw], b->line, ctx_desc(&body_end), ctx_desc(&else_end));
    c->ctx = j;
    struct node *nd = &c->nodes[b->node];
    if (!b->has_else)
        nd->mid = (uint32_t)c->nn;
    nd->end = (uint32_t)c->nn;
    c->depth--;
    return 0;
}

static int do_include(struct cc *c, const char *s, size_t n, uint32_t line)
{
    while (n && is_ws((unsigned char)*s))
        s++, n--;
    if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0])
        s++, n -= 2;
    if (!n)
        return cerr(c, line, "{{>}} needs a template name");
    for (size_t i = 0; i < n; i++)
        if (!(path_byte((unsigned char)s[i]) || s[i] == '/' || s[i] == '.') || s[i] == '@')
            return cerr(c, line, "invalid template name '%.*s'", (int)n, s);
    if (c->ctx.st != ST_TEXT)
        return cerr(c, line, "{{> %.*s}} must stand in HTML text, not in %s", (int)n, s,
                    ctx_desc(&c->ctx));
    struct node *nd = new_node(c, OP_INCLUDE, line);
    if (!nd)
        return cerr(c, line, "out of memory");
    nd->s = s;
    nd->n = n;
    return 0;
}

static int do_tag(struct cc *c, const char *s, size_t n, uint32_t line)
{
    while (n && is_ws((unsigned char)*s))
        s++, n--;
    while (n && is_ws((unsigned char)s[n - 1]))
        n--;
    if (!n)
        return cerr(c, line, "empty tag {{}}");
    if (s[0] == '#' || s[0] == '/' || (n == 4 && memcmp(s, "else", 4) == 0))
        nudge(&c->ctx);
    if (s[0] == '#') {
        if (open_block(c, s + 1, n - 1, line) < 0)
            return -1;
        mark_body(c);
        return 0;
    }
    if (s[0] == '/') {
        s++, n--;
        while (n && is_ws((unsigned char)*s))
            s++, n--;
        return close_block(c, s, n, line);
    }
    if (s[0] == '>')
        return do_include(c, s + 1, n - 1, line);
    size_t w = 0;
    while (w < n && !is_ws((unsigned char)s[w]))
        w++;
    const char *arg = s + w;
    size_t an = n - w;
    while (an && is_ws((unsigned char)*arg))
        arg++, an--;
    if (!an) {
        if (n == 4 && memcmp(s, "else", 4) == 0)
            return do_else(c, line);
        if (n == 5 && memcmp(s, "yield", 5) == 0) {
            if (c->ctx.st != ST_TEXT)
                return cerr(c, line, "{{yield}} must stand in HTML text, not in %s",
                            ctx_desc(&c->ctx));
            return new_node(c, OP_YIELD, line) ? 0 : cerr(c, line, "out of memory");
        }
        return emit_value(c, FMT_VALUE, s, n, line);
    }
    if (w == 1 && s[0] == 't') {
        if (an < 2 || (arg[0] != '"' && arg[0] != '\'') || arg[an - 1] != arg[0])
            return cerr(c, line, "{{t}} needs a quoted key: {{t \"key\"}}");
        if (memchr(arg + 1, '\0', an - 2))
            return cerr(c, line, "{{t}} key holds a NUL byte");
        return emit_value(c, FMT_T, arg + 1, an - 2, line);
    }
    if (w == 2 && memcmp(s, "tn", 2) == 0)
        return emit_tn(c, arg, an, line);
    static const struct {
        const char *w;
        uint8_t fmt;
    } helpers[] = {{"raw", FMT_RAW}, {"number", FMT_NUMBER}, {"json", FMT_JSON}};
    for (size_t i = 0; i < sizeof helpers / sizeof helpers[0]; i++)
        if (strlen(helpers[i].w) == w && memcmp(helpers[i].w, s, w) == 0)
            return emit_value(c, helpers[i].fmt, arg, an, line);
    return cerr(c, line, "unknown helper '%.*s'", (int)w, s);
}

static uint32_t count_lines(const char *s, size_t n)
{
    uint32_t k = 0;
    for (const char *e = s + n; (s = memchr(s, '\n', (size_t)(e - s))) != NULL; s++)
        k++;
    return k;
}

static int literal(struct cc *c, size_t from, size_t to)
{
    struct node *n = new_node(c, OP_TEXT, c->line);
    if (!n)
        return cerr(c, c->line, "out of memory");
    n->s = c->text + from;
    n->n = to - from;
    for (size_t i = from; i < to; i++) {
        unsigned char ch = (unsigned char)c->text[i];
        feed(&c->ctx, ch);
        if (c->ctx.bad == BAD_COLON)
            return cerr(c, c->line, "':' after a value at the start of a URL: the value "
                                    "would choose the scheme");
        if (c->ctx.bad == BAD_EQ)
            return cerr(c, c->line, "'=' after a block whose branches end in different "
                                    "attributes");
        if (c->ctx.bad == BAD_NAME)
            return cerr(c, c->line, "a tag or attribute name goes on after a block tag");
        if (c->ctx.bad == BAD_SCRIPT_COMMENT)
            return cerr(c, c->line, "'<!--' inside <script>");
        if (ch == '\n')
            c->line++;
    }
    return 0;
}

static int compile(struct cc *c)
{
    while (c->pos < c->len) {
        const char *open = memmem(c->text + c->pos, c->len - c->pos, "{{", 2);
        size_t q = open ? (size_t)(open - c->text) : c->len;
        if (q > c->pos && literal(c, c->pos, q) < 0)
            return -1;
        if (!open)
            break;
        uint32_t line = c->line;
        size_t p = q + 2;
        const char *closer = "}}";
        if (c->len - p >= 3 && memcmp(c->text + p, "!--", 3) == 0)
            closer = "--}}";
        const char *e = memmem(c->text + p, c->len - p, closer, strlen(closer));
        if (!e)
            return cerr(c, line, "{{ without }}");
        size_t end = (size_t)(e - c->text);
        c->pos = end + strlen(closer);
        c->line += count_lines(c->text + p, end - p);
        if (c->text[p] == '!')
            continue;
        /* do_tag may rewind c->pos and c->line to compile an #each body again. */
        if (do_tag(c, c->text + p, end - p, line) < 0)
            return -1;
    }
    if (c->depth) {
        const struct block *b = &c->stack[c->depth - 1];
        return cerr(c, b->line, "{{#%s}} is not closed", kw_names[b->kw]);
    }
    if (c->ctx.st != ST_TEXT)
        return cerr(c, c->line, "template ends inside %s", ctx_desc(&c->ctx));
    return 0;
}

/* ------------------------------------------------------------------ */
/* Set */

vcm_tpl_set *vcm_tpl_set_new(void)
{
    vcm_tpl_set *s = calloc(1, sizeof *s);
    if (s)
        vcm_arena_init(&s->arena, 0);
    return s;
}

void vcm_tpl_set_free(vcm_tpl_set *s)
{
    if (!s)
        return;
    vcm_arena_release(&s->arena);
    free(s->t);
    free(s);
}

static struct tpl *find(const vcm_tpl_set *s, const char *name, size_t *slot)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->t[i]->name, name) == 0) {
            if (slot)
                *slot = i;
            return s->t[i];
        }
    return NULL;
}

/* Points every include of `name` (unresolved, or of the template `old` it
 * replaces) at t. */
static void link_includes(vcm_tpl_set *s, struct tpl *t, const struct tpl *old)
{
    for (size_t i = 0; i < s->n; i++)
        for (uint32_t k = 0; k < s->t[i]->nnodes; k++) {
            struct node *n = &s->t[i]->nodes[k];
            if (n->op != OP_INCLUDE)
                continue;
            if ((old && n->target == old) || (!n->target && strcmp(n->s, t->name) == 0))
                n->target = t;
        }
}

/* Moves the compiled template into the arena: text and names copied, the
 * pointers into the caller's text moved onto the copy. */
static struct tpl *finish(vcm_tpl_set *s, struct cc *c)
{
    vcm_arena *a = &s->arena;
    struct tpl *t = vcm_arena_calloc(a, 1, sizeof *t);
    char *text = vcm_arena_strndup(a, c->text, c->len);
    if (!t || !text || !(t->name = vcm_arena_strdup(a, c->name)))
        return NULL;
    t->nodes = vcm_arena_alloc(a, (c->nn ? c->nn : 1) * sizeof *t->nodes);
    t->segs = vcm_arena_alloc(a, (c->ns ? c->ns : 1) * sizeof *t->segs);
    if (!t->nodes || !t->segs)
        return NULL;
    if (c->nn)
        memcpy(t->nodes, c->nodes, c->nn * sizeof *t->nodes);
    if (c->ns)
        memcpy(t->segs, c->segs, c->ns * sizeof *t->segs);
    t->nnodes = (uint32_t)c->nn;
    for (size_t i = 0; i < c->ns; i++)
        if (t->segs[i].s)
            t->segs[i].s = text + (t->segs[i].s - c->text);
    for (uint32_t i = 0; i < t->nnodes; i++) {
        struct node *n = &t->nodes[i];
        if (n->op == OP_INCLUDE || (n->op == OP_VALUE && (n->fmt == FMT_T || n->fmt == FMT_TN))) {
            n->s = vcm_arena_strndup(a, n->s, n->n);
            if (!n->s)
                return NULL;
        } else if (n->s) {
            n->s = text + (n->s - c->text);
        }
    }
    return t;
}

int vcm_tpl_set_add(vcm_tpl_set *s, const char *name, const char *text, size_t len, char *err,
                    size_t errlen)
{
    int rc = -1;
    struct cc c = {.name = name, .text = text, .len = len, .line = 1, .err = err,
                   .errlen = errlen};
    assert(s && name && (text || !len));
    if (err && errlen)
        err[0] = '\0';
    if (len > MAX_TEXT) {
        cerr(&c, 1, "template larger than %zu bytes", MAX_TEXT);
        goto out;
    }
    if (!*name) {
        cerr(&c, 1, "template without a name");
        goto out;
    }
    if (compile(&c) < 0)
        goto out;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 32;
        struct tpl **p = realloc(s->t, cap * sizeof *p);
        if (!p) {
            cerr(&c, 1, "out of memory");
            goto out;
        }
        s->t = p;
        s->cap = cap;
    }
    struct tpl *t = finish(s, &c);
    if (!t) {
        cerr(&c, 1, "out of memory");
        goto out;
    }
    size_t slot;
    struct tpl *old = find(s, name, &slot);
    if (old)
        s->t[slot] = t;
    else
        s->t[s->n++] = t;
    link_includes(s, t, old);
    for (uint32_t k = 0; k < t->nnodes; k++)
        if (t->nodes[k].op == OP_INCLUDE && !t->nodes[k].target)
            t->nodes[k].target = find(s, t->nodes[k].s, NULL);
    rc = 0;
out:
    free(c.nodes);
    free(c.segs);
    return rc;
}

int vcm_tpl_set_add_builtin(vcm_tpl_set *s, char *err, size_t errlen)
{
    static const char pre[] = "templates/", suf[] = ".html";
    for (size_t i = 0; i < vcm_assets_count; i++) {
        const char *p = vcm_assets[i].path;
        size_t n = strlen(p);
        if (n <= sizeof pre - 1 + sizeof suf - 1 || strncmp(p, pre, sizeof pre - 1) != 0 ||
            strcmp(p + n - (sizeof suf - 1), suf) != 0)
            continue;
        char name[256];
        size_t nl = n - (sizeof pre - 1) - (sizeof suf - 1);
        if (nl >= sizeof name) {
            seterr(err, errlen, "template name too long: '%s'", p);
            return -1;
        }
        memcpy(name, p + sizeof pre - 1, nl);
        name[nl] = '\0';
        if (vcm_tpl_set_add(s, name, (const char *)vcm_assets[i].data, vcm_assets[i].len, err,
                            errlen) < 0)
            return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Renderer */

struct scope {
    const struct scope *up;
    json_t *v;
    bool each;
    size_t index, count;
    const char *key; /* #each over an object */
    size_t keylen;
};

enum vkind { V_NONE, V_JSON, V_INT, V_BOOL, V_STR };
struct val {
    uint8_t kind;
    bool b;
    json_int_t i;
    json_t *j;
    const char *s;
    size_t n;
};

struct rc {
    const char *lang;
    vcm_buf *out;
    const struct tpl *page; /* for {{yield}}; NULL while the page renders */
    const struct scope *root;
    int depth;
    bool yielded, failed;
    char *err;
    size_t errlen;
};

__attribute__((format(printf, 4, 5))) static int rerr(struct rc *r, const struct tpl *t,
                                                     const struct node *n, const char *fmt, ...)
{
    r->failed = true;
    if (!r->err || !r->errlen)
        return -1;
    int k = snprintf(r->err, r->errlen, "%s:%u: ", t->name, (unsigned)n->line);
    if (k >= 0 && (size_t)k < r->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->err + k, r->errlen - (size_t)k, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static json_t *child(json_t *v, const struct seg *g)
{
    if (json_is_object(v))
        return json_object_getn(v, g->s, g->n);
    if (json_is_array(v) && g->idx >= 0)
        return json_array_get(v, (size_t)g->idx);
    return NULL;
}

static struct val lookup(const struct rc *r, const struct tpl *t, const struct scope *sc,
                         const struct node *n)
{
    const struct seg *g = &t->segs[n->seg];
    struct val v = {.kind = V_NONE};
    json_t *j = NULL;
    switch (g->kind) {
    case SEG_THIS:
        j = sc->v;
        break;
    case SEG_ROOT:
        j = r->root->v;
        break;
    case SEG_NAME:
        for (const struct scope *f = sc; f && !j; f = f->up)
            j = child(f->v, g);
        break;
    default: {
        const struct scope *f = sc;
        while (f && !f->each)
            f = f->up;
        if (!f)
            return v;
        switch (g->kind) {
        case SEG_INDEX:
        case SEG_NUMBER:
            v.kind = V_INT;
            v.i = (json_int_t)f->index + (g->kind == SEG_NUMBER);
            break;
        case SEG_FIRST:
        case SEG_LAST:
            v.kind = V_BOOL;
            v.b = g->kind == SEG_FIRST ? f->index == 0 : f->index + 1 == f->count;
            break;
        default:
            if (f->key) {
                v.kind = V_STR;
                v.s = f->key;
                v.n = f->keylen;
            }
            break;
        }
        return v;
    }
    }
    for (uint16_t k = 1; k < n->nseg && j; k++)
        j = child(j, &g[k]);
    if (j) {
        v.kind = V_JSON;
        v.j = j;
    }
    return v;
}

static bool truthy(const struct val *v)
{
    switch (v->kind) {
    case V_INT:
        return v->i != 0;
    case V_BOOL:
        return v->b;
    case V_STR:
        return v->n != 0;
    case V_JSON:
        switch (json_typeof(v->j)) {
        case JSON_OBJECT:
            return json_object_size(v->j) != 0;
        case JSON_ARRAY:
            return json_array_size(v->j) != 0;
        case JSON_STRING:
            return json_string_length(v->j) != 0;
        case JSON_INTEGER:
            return json_integer_value(v->j) != 0;
        case JSON_REAL:
            return json_real_value(v->j) != 0.0;
        case JSON_TRUE:
            return true;
        default:
            return false;
        }
    default:
        return false;
    }
}

/* The text of a scalar; false when there is nothing to print. */
static bool val_text(const struct val *v, char *tmp, size_t tn, const char **s, size_t *n)
{
    int k = -1;
    switch (v->kind) {
    case V_INT:
        k = snprintf(tmp, tn, "%" JSON_INTEGER_FORMAT, v->i);
        break;
    case V_BOOL:
        *s = v->b ? "true" : "false";
        *n = strlen(*s);
        return true;
    case V_STR:
        *s = v->s;
        *n = v->n;
        return true;
    case V_JSON:
        switch (json_typeof(v->j)) {
        case JSON_STRING:
            *s = json_string_value(v->j);
            *n = json_string_length(v->j);
            return true;
        case JSON_INTEGER:
            k = snprintf(tmp, tn, "%" JSON_INTEGER_FORMAT, json_integer_value(v->j));
            break;
        case JSON_REAL:
            k = snprintf(tmp, tn, "%g", json_real_value(v->j));
            break;
        case JSON_TRUE:
        case JSON_FALSE:
            *s = json_is_true(v->j) ? "true" : "false";
            *n = strlen(*s);
            return true;
        default:
            return false;
        }
        break;
    default:
        return false;
    }
    if (k < 0 || (size_t)k >= tn)
        return false;
    *s = tmp;
    *n = (size_t)k;
    return true;
}

/* The integer a value holds: JSON integers, integral reals and strings of
 * decimal digits that fit in 64 bits. */
static bool int_value(const struct val *v, int64_t *out)
{
    if (v->kind == V_INT) {
        *out = v->i;
        return true;
    }
    if (v->kind != V_JSON)
        return false;
    if (json_is_integer(v->j)) {
        *out = json_integer_value(v->j);
        return true;
    }
    if (json_is_real(v->j)) {
        double x = json_real_value(v->j);
        if (x > -1e15 && x < 1e15 && (double)(long long)x == x) {
            *out = (int64_t)x;
            return true;
        }
        return false;
    }
    if (json_is_string(v->j)) {
        const char *p = json_string_value(v->j);
        size_t pn = json_string_length(v->j), i = p[0] == '-';
        while (i < pn && is_digit((unsigned char)p[i]))
            i++;
        if (i != pn || pn <= (size_t)(p[0] == '-') || pn > 18)
            return false;
        *out = strtoll(p, NULL, 10);
        return true;
    }
    return false;
}

/* An integer in the page's language; other values as they print. */
static bool number_text(const struct rc *r, const struct val *v, char *tmp, size_t tn,
                        const char **s, size_t *n)
{
    int64_t x;
    if (!int_value(v, &x))
        return val_text(v, tmp, tn, s, n);
    vcm_l10n_number(r->lang ? r->lang : "en", x, tmp, tn);
    *s = tmp;
    *n = strlen(tmp);
    return true;
}

/* A JSON string that is also safe in any script: vcm_buf_json_str already
 * writes < > & as \u00XX; ' and ` are escaped too (the lexer's view of the
 * script could be wrong after an odd regex), and U+2028/2029 for old engines
 * that read them as line ends. */
static int js_str(vcm_buf *b, const char *s, size_t n)
{
    size_t start = b->len;
    if (vcm_buf_json_str(b, s, n) < 0)
        return -1;
    unsigned char *d = (unsigned char *)b->data;
    size_t extra = 0;
    for (size_t i = start; i < b->len; i++) {
        if (d[i] == '\'' || d[i] == '`')
            extra += 5;
        else if (d[i] == 0xE2 && i + 2 < b->len && d[i + 1] == 0x80 &&
                 (d[i + 2] == 0xA8 || d[i + 2] == 0xA9))
            extra += 3;
    }
    if (!extra)
        return 0;
    if (vcm_buf_grow(b, extra) < 0)
        return -1;
    d = (unsigned char *)b->data;
    size_t rd = b->len, wr = b->len + extra;
    d[wr] = '\0';
    while (rd > start) {
        unsigned char ch = d[--rd];
        const char *rep = NULL;
        if (ch == '\'')
            rep = "\\u0027";
        else if (ch == '`')
            rep = "\\u0060";
        else if ((ch == 0xA8 || ch == 0xA9) && rd >= start + 2 && d[rd - 1] == 0x80 &&
                 d[rd - 2] == 0xE2) {
            rep = ch == 0xA8 ? "\\u2028" : "\\u2029";
            rd -= 2;
        }
        if (rep) {
            wr -= 6;
            memcpy(d + wr, rep, 6);
        } else {
            d[--wr] = ch;
        }
    }
    assert(wr == rd);
    b->len += extra;
    return 0;
}

static int put_real(vcm_buf *b, double x)
{
    char tmp[40];
    /* The shortest of %.15g..%.17g that reads back as the same number. */
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, x);
        if (strtod(tmp, NULL) == x)
            break;
    }
    return vcm_buf_puts(b, tmp);
}

static int put_json(struct rc *r, json_t *j, int depth)
{
    vcm_buf *b = r->out;
    if (depth > MAX_JSON_DEPTH)
        return -2;
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        if (vcm_buf_putc(b, '{') < 0)
            return -1;
        bool first = true;
        for (void *it = json_object_iter(j); it; it = json_object_iter_next(j, it)) {
            if (!first && vcm_buf_putc(b, ',') < 0)
                return -1;
            first = false;
            int rc;
            if (js_str(b, json_object_iter_key(it), json_object_iter_key_len(it)) < 0 ||
                vcm_buf_putc(b, ':') < 0)
                return -1;
            if ((rc = put_json(r, json_object_iter_value(it), depth + 1)) < 0)
                return rc;
        }
        return vcm_buf_putc(b, '}');
    }
    case JSON_ARRAY: {
        if (vcm_buf_putc(b, '[') < 0)
            return -1;
        for (size_t i = 0; i < json_array_size(j); i++) {
            int rc;
            if (i && vcm_buf_putc(b, ',') < 0)
                return -1;
            if ((rc = put_json(r, json_array_get(j, i), depth + 1)) < 0)
                return rc;
        }
        return vcm_buf_putc(b, ']');
    }
    case JSON_STRING:
        return js_str(b, json_string_value(j), json_string_length(j));
    case JSON_INTEGER:
        return vcm_buf_printf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
    case JSON_REAL:
        return put_real(b, json_real_value(j));
    case JSON_TRUE:
        return vcm_buf_puts(b, "true");
    case JSON_FALSE:
        return vcm_buf_puts(b, "false");
    default:
        return vcm_buf_puts(b, "null");
    }
}

static int put_val_json(struct rc *r, const struct tpl *t, const struct node *n,
                        const struct val *v)
{
    char tmp[64];
    const char *s;
    size_t len;
    switch (v->kind) {
    case V_JSON: {
        int rc = put_json(r, v->j, 0);
        if (rc == -2)
            return rerr(r, t, n, "value nested deeper than %d levels", MAX_JSON_DEPTH);
        return rc;
    }
    case V_STR:
        return js_str(r->out, v->s, v->n);
    case V_INT:
    case V_BOOL:
        if (!val_text(v, tmp, sizeof tmp, &s, &len))
            return vcm_buf_puts(r->out, "null");
        return vcm_buf_append(r->out, s, len);
    default:
        return vcm_buf_puts(r->out, "null");
    }
}

static bool scheme_ok(const char *s, size_t n)
{
    static const char *const ok[] = {"http", "https", "mailto"};
    char sch[8];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        /* Browsers drop tabs and line breaks anywhere in a URL. */
        if (s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
            continue;
        if (k == sizeof sch)
            return false;
        sch[k++] = lower((unsigned char)s[i]);
    }
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (strlen(ok[i]) == k && memcmp(ok[i], sch, k) == 0)
            return true;
    return false;
}

/* http:, https:, mailto: or no scheme at all (a ':' only after / ? #). */
static bool url_safe(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '/' || s[i] == '?' || s[i] == '#')
            return true;
        if (s[i] == ':')
            return scheme_ok(s, i);
    }
    return true;
}

/* Percent-encodes what may not stand in a URL (and ',' in a srcset
 * descriptor), keeps the rest, and writes '&' as &amp;: the result is safe
 * in a quoted attribute. */
static int url_put(vcm_buf *b, const char *s, size_t n, bool comma)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        char e[5];
        size_t en = 3;
        if (ch == '&') {
            memcpy(e, "&amp;", 5);
            en = 5;
        } else if (ch <= 0x20 || ch >= 0x7f || ch == '"' || ch == '\'' || ch == '<' ||
                   ch == '>' || ch == '\\' || ch == '^' || ch == '`' || ch == '{' ||
                   ch == '|' || ch == '}' || (comma && ch == ',')) {
            e[0] = '%';
            e[1] = hex[ch >> 4];
            e[2] = hex[ch & 15];
        } else {
            continue;
        }
        if (vcm_buf_append(b, s + run, i - run) < 0 || vcm_buf_append(b, e, en) < 0)
            return -1;
        run = i + 1;
    }
    return vcm_buf_append(b, s + run, n - run);
}

static int put_esc(vcm_buf *b, uint8_t esc, const char *s, size_t n)
{
    switch (esc) {
    case ESC_HTML:
        return vcm_buf_html(b, s, n);
    case ESC_URL_START:
        /* Browsers trim these around a URL; trimmed, the check sees what they see. */
        while (n && (unsigned char)*s <= 0x20)
            s++, n--;
        while (n && (unsigned char)s[n - 1] <= 0x20)
            n--;
        if (!url_safe(s, n))
            return vcm_buf_puts(b, "#unsafe");
        return url_put(b, s, n, false);
    case ESC_URL_PATH:
        return url_put(b, s, n, false);
    case ESC_URL_QUERY:
        return vcm_buf_urlenc(b, s, n);
    case ESC_SRCSET_DESC:
        return url_put(b, s, n, true);
    case ESC_SCRIPT:
        return js_str(b, s, n);
    default:
        return vcm_buf_append(b, s, n);
    }
}

static int emit(struct rc *r, const struct tpl *t, const struct scope *sc, const struct node *n)
{
    char tmp[160];
    const char *s = NULL;
    size_t len = 0;
    if (n->fmt == FMT_T) {
        s = vcm_t(r->lang, n->s);
        len = strlen(s);
    } else if (n->fmt == FMT_TN) {
        struct val v = lookup(r, t, sc, n);
        int64_t x;
        char msg[512];
        if (!int_value(&v, &x))
            return n->esc == ESC_SCRIPT ? vcm_buf_puts(r->out, "null") : 0;
        /* on a bad message vcm_tn leaves the key, so the gap shows */
        vcm_tn(r->lang ? r->lang : "en", n->s, x, msg, sizeof msg);
        return put_esc(r->out, n->esc, msg, strlen(msg));
    } else {
        struct val v = lookup(r, t, sc, n);
        if (n->fmt == FMT_NUMBER) {
            if (!number_text(r, &v, tmp, sizeof tmp, &s, &len))
                return n->esc == ESC_SCRIPT ? vcm_buf_puts(r->out, "null") : 0;
        } else if (n->esc == ESC_SCRIPT) {
            return put_val_json(r, t, n, &v);
        } else if (!val_text(&v, tmp, sizeof tmp, &s, &len)) {
            return 0;
        }
    }
    return put_esc(r->out, n->esc, s, len);
}

static int run(struct rc *r, const struct tpl *t, const struct scope *sc, uint32_t i,
               uint32_t end);

static int each(struct rc *r, const struct tpl *t, const struct scope *sc, const struct node *n,
                uint32_t i)
{
    struct val v = lookup(r, t, sc, n);
    json_t *j = v.kind == V_JSON ? v.j : NULL;
    size_t count = json_is_array(j) ? json_array_size(j) : json_is_object(j) ? json_object_size(j) : 0;
    if (!count)
        return run(r, t, sc, n->mid, n->end);
    struct scope f = {.up = sc, .each = true, .count = count};
    if (json_is_array(j)) {
        for (f.index = 0; f.index < count; f.index++) {
            f.v = json_array_get(j, f.index);
            if (run(r, t, &f, i + 1, n->mid) < 0)
                return -1;
        }
        return 0;
    }
    f.index = 0;
    for (void *it = json_object_iter(j); it; it = json_object_iter_next(j, it), f.index++) {
        f.v = json_object_iter_value(it);
        f.key = json_object_iter_key(it);
        f.keylen = json_object_iter_key_len(it);
        if (run(r, t, &f, i + 1, n->mid) < 0)
            return -1;
    }
    return 0;
}

static int run(struct rc *r, const struct tpl *t, const struct scope *sc, uint32_t i,
               uint32_t end)
{
    while (i < end) {
        const struct node *n = &t->nodes[i];
        int rc = 0;
        switch (n->op) {
        case OP_TEXT:
            rc = vcm_buf_append(r->out, n->s, n->n);
            i++;
            break;
        case OP_VALUE:
            rc = emit(r, t, sc, n);
            i++;
            break;
        case OP_IF:
        case OP_UNLESS: {
            struct val v = lookup(r, t, sc, n);
            bool yes = truthy(&v) != (n->op == OP_UNLESS);
            rc = yes ? run(r, t, sc, i + 1, n->mid) : run(r, t, sc, n->mid, n->end);
            i = n->end;
            break;
        }
        case OP_WITH: {
            struct val v = lookup(r, t, sc, n);
            if (truthy(&v) && v.kind == V_JSON) {
                struct scope f = {.up = sc, .v = v.j};
                rc = run(r, t, &f, i + 1, n->mid);
            } else {
                rc = run(r, t, sc, n->mid, n->end);
            }
            i = n->end;
            break;
        }
        case OP_EACH:
            rc = each(r, t, sc, n, i);
            i = n->end;
            break;
        case OP_INCLUDE:
            if (!n->target)
                return rerr(r, t, n, "unknown template '%s'", n->s);
            if (r->depth >= MAX_INCLUDE)
                return rerr(r, t, n, "includes nested deeper than %d at '%s' (a cycle?)",
                            MAX_INCLUDE, n->s);
            r->depth++;
            rc = run(r, n->target, sc, 0, n->target->nnodes);
            r->depth--;
            i++;
            break;
        case OP_YIELD: {
            const struct tpl *p = r->page;
            i++;
            if (!p)
                break;
            if (r->depth >= MAX_INCLUDE)
                return rerr(r, t, n, "includes nested deeper than %d at {{yield}}", MAX_INCLUDE);
            /* The page sees the root data, whatever scope the layout is in. */
            r->page = NULL;
            r->yielded = true;
            r->depth++;
            rc = run(r, p, r->root, 0, p->nnodes);
            r->depth--;
            r->page = p;
            break;
        }
        default:
            assert(0 && "unknown node");
            return -1;
        }
        if (rc < 0)
            return -1;
    }
    return 0;
}

int vcm_tpl_render(const vcm_tpl_set *s, const char *layout, const char *name, json_t *data,
                   const char *lang, vcm_buf *out, char *err, size_t errlen)
{
    assert(s && name && out);
    size_t start = out->len;
    int rc = -1;
    struct scope root = {.v = data};
    struct rc r = {.lang = lang, .out = out, .root = &root, .err = err, .errlen = errlen};
    if (err && errlen)
        err[0] = '\0';
    const struct tpl *page = find(s, name, NULL), *lay = NULL;
    if (!page) {
        seterr(err, errlen, "unknown template '%s'", name);
        goto out;
    }
    if (layout && !(lay = find(s, layout, NULL))) {
        seterr(err, errlen, "unknown layout template '%s'", layout);
        goto out;
    }
    r.page = lay ? page : NULL;
    if (run(&r, lay ? lay : page, &root, 0, lay ? lay->nnodes : page->nnodes) < 0) {
        if (!r.failed)
            seterr(err, errlen, "output of '%s' over the buffer's cap (%zu bytes)", name,
                   out->max);
        goto out;
    }
    if (lay && !r.yielded) {
        /* A layout that drops the page is a bug to show, not a blank page. */
        seterr(err, errlen, "layout '%s' has no {{yield}} for '%s'", layout, name);
        goto out;
    }
    rc = 0;
out:
    if (rc < 0 && out->len > start) {
        /* Nobody should send half a page. */
        out->len = start;
        out->data[start] = '\0';
    }
    return rc;
}
