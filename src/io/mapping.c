/* Column mappings (mapping.h).
 *
 * A parsed mapping is a tree of nodes, one per spec, all in the mapping's
 * own arena. Every CSV column or JSON path the mapping names is a SELECT
 * node listed in m->sel, so that binding a header, telling --dry-run what
 * is read, and reading a row all walk one list. Templates are split into
 * parts when the mapping is parsed; a row only walks them.
 *
 * Evaluating a row gives each node a string (never NULL; "" when absent).
 * Named values ("values") are evaluated at most once a row, on first use,
 * and a value that uses itself is refused when the mapping is parsed. */
#include "io/mapping.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/text.h"
#include "io/csv.h"
#include "core/banned.h"

#define MAX_NODES 4096      /* specs in one mapping */
#define MAX_DEPTH 32        /* nesting of specs */
#define MAX_VALUES 256      /* named values */
#define MAX_LOOKUPS 8
#define MAX_PATH 16         /* segments of a JSON path */
#define MAX_HITS 256        /* values a [*] path yields */
#define MAX_VALUE ((size_t)4 << 20) /* bytes of one field's value */

typedef enum node_kind {
    N_PICK, N_CONST, N_VALUE, N_FIRST, N_JOIN, N_TEMPLATE, N_LOOKUP, N_LANGS
} node_kind;

typedef enum xf_kind {
    X_TRIM, X_NEWLINES, X_YEAR, X_YEAR_START, X_YEAR_END, X_LOWER, X_UPPER, X_NULL_IF,
    X_AFTER, X_AFTER_LAST, X_BEFORE, X_REPLACE, X_STRIP, X_SPLIT
} xf_kind;

typedef struct xform {
    xf_kind kind;
    const char *a, *b;    /* after/before/strip: a; replace: a → b; split: a, join b */
    const char **list;    /* null_if */
    size_t nlist;
    bool unique, first, sort;
} xform;

typedef struct seg {
    const char *name; /* NULL for an index */
    long index;       /* -1 = every element ([*]) */
} seg;

typedef struct tpart {
    int kind;               /* 0 text, 1 reference, 2 "[" (optional part opens), 3 "]" */
    const char *text;
    size_t len;
    struct node *ref;
} tpart;

typedef struct node {
    node_kind kind;
    const char *text;     /* SELECT: column/path; CONST: text; VALUE: name; LOOKUP: column */
    long col;             /* a column selector on CSV: index in the header after binding */
    seg *path;            /* a selector on JSON */
    size_t npath;
    size_t value;         /* VALUE: index in m->values */
    size_t table;         /* LOOKUP: index in m->lookups */
    struct node **kids;   /* FIRST, JOIN: parts; LOOKUP: kids[0] is the key; LANGS: values */
    const char **langs;   /* LANGS: tags, beside kids */
    size_t nkids;
    tpart *parts;         /* TEMPLATE */
    size_t nparts;
    const char *sep;      /* JOIN; a selector with [*] */
    bool url;             /* TEMPLATE: references are URL-encoded */
    bool skip_trim;
    struct node *when;    /* the value is "" unless this one is not */
    xform *xf;
    size_t nxf;
} node;

typedef struct lookup {
    const char *name, *file, *key;
    char **hdr;
    size_t nhdr;
    long keycol;
    char ***rows;      /* sorted by key */
    size_t nrows;
    vcm_arena mem;
    bool loaded;
} lookup;

/* The fields of a record, in the order of collection.jsonl. */
enum { F_NUMBER = 1, F_LANGS = 2, F_OPTIONAL = 4 };
static const struct {
    const char *name;
    int flags;
} fields[] = {
    {"source_museum", 0}, {"source_country", 0}, {"source_id", 0}, {"title", 0}, {"artist", 0},
    {"date_text", 0}, {"date_start", F_NUMBER}, {"date_end", F_NUMBER}, {"culture", 0},
    {"classification", 0}, {"medium", 0}, {"dimensions", 0}, {"description", 0},
    {"credit_line", 0}, {"license", 0}, {"source_url", 0}, {"image_url", 0},
    {"iiif_image", F_OPTIONAL}, {"iiif_manifest", F_OPTIONAL},
    {"title_i18n", F_LANGS | F_OPTIONAL}, {"description_i18n", F_LANGS | F_OPTIONAL},
};
#define NFIELDS (sizeof fields / sizeof fields[0])

struct vcm_mapping {
    vcm_arena mem;
    vcm_map_format format;
    bool trim;
    node *field[NFIELDS];
    const char *value_name[MAX_VALUES];
    node *value[MAX_VALUES];
    size_t nvalues;
    lookup lookups[MAX_LOOKUPS];
    size_t nlookups;
    node **sel;        /* every selector node */
    const char **sel_field; /* the record field each belongs to */
    size_t nsel, capsel;
    size_t nnodes;
    bool bound;
};

/* ---- parsing ---------------------------------------------------------- */

struct parser {
    vcm_mapping *m;
    char *err;
    size_t errlen;
    const char *where;   /* "fields.title" */
    const char *field;   /* the record field being parsed, for --dry-run */
};

static int fail(struct parser *p, const char *fmt, const char *arg)
{
    char msg[256];
    snprintf(msg, sizeof msg, fmt, arg ? arg : "");
    snprintf(p->err, p->errlen, "mapping: %s: %s", p->where, msg);
    return -1;
}

static const char *dup(struct parser *p, const char *s)
{
    return vcm_arena_strdup(&p->m->mem, s);
}

static int add_select(struct parser *p, node *n)
{
    vcm_mapping *m = p->m;
    if (m->nsel == m->capsel) {
        size_t cap = m->capsel ? 2 * m->capsel : 32;
        node **s = vcm_arena_alloc(&m->mem, cap * sizeof *s);
        const char **f = vcm_arena_alloc(&m->mem, cap * sizeof *f);
        if (!s || !f)
            return fail(p, "out of memory", NULL);
        if (m->nsel) {
            memcpy(s, m->sel, m->nsel * sizeof *s);
            memcpy(f, m->sel_field, m->nsel * sizeof *f);
        }
        m->sel = s;
        m->sel_field = f;
        m->capsel = cap;
    }
    m->sel[m->nsel] = n;
    m->sel_field[m->nsel++] = p->field;
    return 0;
}

/* "a.b[0].c", "contributors[*].fc": member names and indexes. */
static int parse_path(struct parser *p, node *n, const char *s)
{
    seg *v = vcm_arena_calloc(&p->m->mem, MAX_PATH, sizeof *v);
    size_t k = 0;
    if (!v)
        return fail(p, "out of memory", NULL);
    while (*s) {
        if (k == MAX_PATH)
            return fail(p, "path '%s' has too many steps", n->text);
        if (*s == '[') {
            const char *e = strchr(s, ']');
            if (!e || e == s + 1)
                return fail(p, "path '%s': '[' without ']'", n->text);
            if (e == s + 2 && s[1] == '*') {
                v[k].index = -1;
            } else {
                char *end;
                errno = 0;
                long i = strtol(s + 1, &end, 10);
                if (end != e || i < 0 || errno)
                    return fail(p, "path '%s': an index is a whole number or *", n->text);
                v[k].index = i;
            }
            k++;
            s = e + 1;
            if (*s == '.')
                s++;
            continue;
        }
        size_t len = strcspn(s, ".[");
        if (len == 0)
            return fail(p, "path '%s' has an empty step", n->text);
        v[k].name = vcm_arena_strndup(&p->m->mem, s, len);
        if (!v[k].name)
            return fail(p, "out of memory", NULL);
        k++;
        s += len;
        if (*s == '.') {
            s++;
            if (!*s)
                return fail(p, "path '%s' ends with '.'", n->text);
        }
    }
    if (k == 0)
        return fail(p, "an empty path", NULL);
    n->path = v;
    n->npath = k;
    return 0;
}

static node *new_node(struct parser *p, node_kind kind)
{
    if (++p->m->nnodes > MAX_NODES) {
        fail(p, "more than 4096 specs", NULL);
        return NULL;
    }
    node *n = vcm_arena_calloc(&p->m->mem, 1, sizeof *n);
    if (!n) {
        fail(p, "out of memory", NULL);
        return NULL;
    }
    n->kind = kind;
    n->col = -1;
    return n;
}

static node *select_node(struct parser *p, const char *what)
{
    node *n = new_node(p, N_PICK);
    if (!n || !(n->text = dup(p, what)))
        return NULL;
    if (!*what) {
        fail(p, "an empty column or path", NULL);
        return NULL;
    }
    if (p->m->format == VCM_MAP_JSON && parse_path(p, n, what) < 0)
        return NULL;
    n->sep = "; ";
    return add_select(p, n) < 0 ? NULL : n;
}

static const char *str_member(struct parser *p, json_t *j, const char *key, bool *bad)
{
    json_t *v = json_object_get(j, key);
    if (!v)
        return NULL;
    if (!json_is_string(v)) {
        *bad = true;
        fail(p, "'%s' must be a string", key);
        return NULL;
    }
    return dup(p, json_string_value(v));
}

static int parse_xform(struct parser *p, json_t *j, xform *x)
{
    static const struct {
        const char *name;
        xf_kind kind;
    } plain[] = {{"trim", X_TRIM},   {"newlines", X_NEWLINES},   {"year", X_YEAR},
                 {"year_start", X_YEAR_START}, {"year_end", X_YEAR_END},
                 {"lower", X_LOWER}, {"upper", X_UPPER}};
    memset(x, 0, sizeof *x);
    if (json_is_string(j)) {
        for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
            if (strcmp(json_string_value(j), plain[i].name) == 0) {
                x->kind = plain[i].kind;
                return 0;
            }
        return fail(p, "unknown transform '%s'", json_string_value(j));
    }
    if (!json_is_object(j))
        return fail(p, "a transform is a name or an object", NULL);
    json_t *v;
    bool bad = false;
    if ((v = json_object_get(j, "null_if"))) {
        x->kind = X_NULL_IF;
        if (!json_is_array(v) || json_array_size(v) > 64)
            return fail(p, "null_if takes a list of at most 64 texts", NULL);
        x->nlist = json_array_size(v);
        x->list = vcm_arena_calloc(&p->m->mem, x->nlist + 1, sizeof *x->list);
        if (!x->list)
            return fail(p, "out of memory", NULL);
        for (size_t i = 0; i < x->nlist; i++) {
            json_t *e = json_array_get(v, i);
            if (!json_is_string(e))
                return fail(p, "null_if takes texts", NULL);
            x->list[i] = dup(p, json_string_value(e));
        }
        return 0;
    }
    if ((v = json_object_get(j, "replace"))) {
        x->kind = X_REPLACE;
        if (!json_is_array(v) || json_array_size(v) != 2 ||
            !json_is_string(json_array_get(v, 0)) || !json_is_string(json_array_get(v, 1)) ||
            !*json_string_value(json_array_get(v, 0)))
            return fail(p, "replace takes [\"from\", \"to\"] with a non-empty from", NULL);
        x->a = dup(p, json_string_value(json_array_get(v, 0)));
        x->b = dup(p, json_string_value(json_array_get(v, 1)));
        return 0;
    }
    static const struct {
        const char *name;
        xf_kind kind;
    } arg[] = {{"after", X_AFTER}, {"after_last", X_AFTER_LAST}, {"before", X_BEFORE},
               {"strip", X_STRIP}, {"split", X_SPLIT}};
    for (size_t i = 0; i < sizeof arg / sizeof arg[0]; i++) {
        const char *s = str_member(p, j, arg[i].name, &bad);
        if (bad)
            return -1;
        if (!s)
            continue;
        if (!*s)
            return fail(p, "%s takes a non-empty text", arg[i].name);
        x->kind = arg[i].kind;
        x->a = s;
        if (x->kind == X_SPLIT) {
            x->b = str_member(p, j, "join", &bad);
            if (bad)
                return -1;
            if (!x->b)
                x->b = s;
            json_t *u = json_object_get(j, "unique"), *f = json_object_get(j, "first"),
                   *o = json_object_get(j, "sort");
            if ((u && !json_is_boolean(u)) || (f && !json_is_boolean(f)) ||
                (o && !json_is_boolean(o)))
                return fail(p, "unique, first and sort are true or false", NULL);
            x->unique = json_is_true(u);
            x->first = json_is_true(f);
            x->sort = json_is_true(o);
        }
        return 0;
    }
    return fail(p, "unknown transform", NULL);
}

static node *parse_spec(struct parser *p, json_t *j, int depth);

static int parse_template(struct parser *p, node *n, const char *t)
{
    size_t cap = 8, depth = 0;
    n->parts = vcm_arena_alloc(&p->m->mem, cap * sizeof *n->parts);
    if (!n->parts)
        return fail(p, "out of memory", NULL);
    const char *s = t;
    while (*s) {
        if (n->nparts + 1 >= cap) {
            if (cap >= 1024)
                return fail(p, "template too long", NULL);
            tpart *np = vcm_arena_alloc(&p->m->mem, 2 * cap * sizeof *np);
            if (!np)
                return fail(p, "out of memory", NULL);
            memcpy(np, n->parts, n->nparts * sizeof *np);
            n->parts = np;
            cap *= 2;
        }
        tpart *pt = &n->parts[n->nparts];
        memset(pt, 0, sizeof *pt);
        /* doubled brackets and braces are themselves */
        if ((*s == '{' || *s == '}' || *s == '[' || *s == ']') && s[1] == *s) {
            pt->text = s;
            pt->len = 1;
            s += 2;
        } else if (*s == '{') {
            const char *e = strchr(s, '}');
            if (!e || e == s + 1)
                return fail(p, "template: '{' without a name and '}'", NULL);
            char *name = vcm_arena_strndup(&p->m->mem, s + 1, (size_t)(e - s - 1));
            if (!name)
                return fail(p, "out of memory", NULL);
            json_t *ref = json_string(name);
            pt->kind = 1;
            pt->ref = parse_spec(p, ref, 1);
            json_decref(ref);
            if (!pt->ref)
                return -1;
            s = e + 1;
        } else if (*s == '[') {
            if (++depth > 8)
                return fail(p, "template: optional parts nest too deep", NULL);
            pt->kind = 2;
            s++;
        } else if (*s == ']') {
            if (depth == 0)
                return fail(p, "template: ']' without '['", NULL);
            depth--;
            pt->kind = 3;
            s++;
        } else if (*s == '}') {
            return fail(p, "template: '}' without '{' (write '}}')", NULL);
        } else {
            pt->text = s;
            pt->len = strcspn(s, "{}[]");
            s += pt->len;
        }
        n->nparts++;
    }
    if (depth)
        return fail(p, "template: '[' without ']'", NULL);
    return 0;
}

static long find_value(const vcm_mapping *m, const char *name)
{
    for (size_t i = 0; i < m->nvalues; i++)
        if (strcmp(m->value_name[i], name) == 0)
            return (long)i;
    return -1;
}

static long find_lookup(const vcm_mapping *m, const char *name)
{
    for (size_t i = 0; i < m->nlookups; i++)
        if (strcmp(m->lookups[i].name, name) == 0)
            return (long)i;
    return -1;
}

static node **parse_list(struct parser *p, json_t *arr, size_t *n, int depth)
{
    if (!json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > 64) {
        fail(p, "a list of 1 to 64 specs is expected", NULL);
        return NULL;
    }
    *n = json_array_size(arr);
    node **kids = vcm_arena_calloc(&p->m->mem, *n, sizeof *kids);
    if (!kids) {
        fail(p, "out of memory", NULL);
        return NULL;
    }
    for (size_t i = 0; i < *n; i++)
        if (!(kids[i] = parse_spec(p, json_array_get(arr, i), depth + 1)))
            return NULL;
    return kids;
}

/* A spec: a string (a column, a path, or a named value), or an object with
 * one of column/path/const/value/first/join/template/lookup/langs, and
 * optionally transforms. */
static node *parse_spec(struct parser *p, json_t *j, int depth)
{
    vcm_mapping *m = p->m;
    node *n = NULL;
    if (depth > MAX_DEPTH) {
        fail(p, "specs nest too deep", NULL);
        return NULL;
    }
    if (json_is_string(j)) {
        const char *s = json_string_value(j);
        long v = find_value(m, s);
        if (v >= 0) {
            if (!(n = new_node(p, N_VALUE)))
                return NULL;
            n->value = (size_t)v;
            n->text = m->value_name[v];
            return n;
        }
        return select_node(p, s);
    }
    if (!json_is_object(j)) {
        fail(p, "a spec is a text or an object", NULL);
        return NULL;
    }
    static const char *const kinds[] = {"column", "path", "const", "value", "first",
                                        "join", "template", "lookup", "langs"};
    const char *kind = NULL;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (json_object_get(j, kinds[i])) {
            if (kind) {
                fail(p, "a spec has one of column, path, const, value, first, join, "
                        "template, lookup, langs",
                     NULL);
                return NULL;
            }
            kind = kinds[i];
        }
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v) {
        static const char *const known[] = {"column", "path", "const", "value", "first",
                                            "join", "template", "lookup", "langs", "sep",
                                            "transforms", "key", "get", "encode", "trim",
                                            "when"};
        bool ok = false;
        for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
            ok = ok || strcmp(key, known[i]) == 0;
        if (!ok) {
            fail(p, "unknown member '%s'", key);
            return NULL;
        }
    }
    if (!kind) {
        fail(p, "a spec needs one of column, path, const, value, first, join, template, "
                "lookup, langs",
             NULL);
        return NULL;
    }
    bool bad = false;
    json_t *k = json_object_get(j, kind);
    if (strcmp(kind, "column") == 0 || strcmp(kind, "path") == 0) {
        if (!json_is_string(k)) {
            fail(p, "'%s' must be a string", kind);
            return NULL;
        }
        if ((m->format == VCM_MAP_CSV) != (strcmp(kind, "column") == 0)) {
            fail(p, m->format == VCM_MAP_CSV ? "a CSV mapping reads columns, not paths"
                                             : "a JSON mapping reads paths, not columns",
                 NULL);
            return NULL;
        }
        if (!(n = select_node(p, json_string_value(k))))
            return NULL;
    } else if (strcmp(kind, "const") == 0) {
        if (!json_is_string(k) && !json_is_integer(k)) {
            fail(p, "'const' must be a string or a whole number", NULL);
            return NULL;
        }
        if (!(n = new_node(p, N_CONST)))
            return NULL;
        n->text = json_is_string(k) ? dup(p, json_string_value(k))
                                    : vcm_arena_printf(&m->mem, "%lld",
                                                       (long long)json_integer_value(k));
    } else if (strcmp(kind, "value") == 0) {
        long i = json_is_string(k) ? find_value(m, json_string_value(k)) : -1;
        if (i < 0) {
            fail(p, "'value' names a value defined before it", NULL);
            return NULL;
        }
        if (!(n = new_node(p, N_VALUE)))
            return NULL;
        n->value = (size_t)i;
        n->text = m->value_name[i];
    } else if (strcmp(kind, "first") == 0 || strcmp(kind, "join") == 0) {
        if (!(n = new_node(p, kind[0] == 'f' ? N_FIRST : N_JOIN)))
            return NULL;
        if (!(n->kids = parse_list(p, k, &n->nkids, depth)))
            return NULL;
    } else if (strcmp(kind, "template") == 0) {
        if (!json_is_string(k)) {
            fail(p, "'template' must be a string", NULL);
            return NULL;
        }
        /* the parts point into the text, which must outlive the JSON */
        const char *t = dup(p, json_string_value(k));
        if (!t || !(n = new_node(p, N_TEMPLATE)) || parse_template(p, n, t) < 0)
            return NULL;
        const char *enc = str_member(p, j, "encode", &bad);
        if (bad)
            return NULL;
        if (enc && strcmp(enc, "url") != 0) {
            fail(p, "encode is \"url\"", NULL);
            return NULL;
        }
        n->url = enc != NULL;
    } else if (strcmp(kind, "lookup") == 0) {
        long t = json_is_string(k) ? find_lookup(m, json_string_value(k)) : -1;
        if (t < 0) {
            fail(p, "'lookup' names a table of \"lookups\"", NULL);
            return NULL;
        }
        if (!(n = new_node(p, N_LOOKUP)))
            return NULL;
        n->table = (size_t)t;
        n->sep = "; ";
        n->text = str_member(p, j, "get", &bad);
        json_t *kspec = json_object_get(j, "key");
        if (bad || !n->text || !kspec) {
            if (!bad)
                fail(p, "a lookup needs \"key\" (a spec) and \"get\" (a column of the table)",
                     NULL);
            return NULL;
        }
        n->kids = vcm_arena_calloc(&m->mem, 1, sizeof *n->kids);
        if (!n->kids || !(n->kids[0] = parse_spec(p, kspec, depth + 1)))
            return NULL;
        n->nkids = 1;
    } else { /* langs */
        if (!json_is_object(k) || json_object_size(k) == 0 || json_object_size(k) > 16) {
            fail(p, "'langs' maps 1 to 16 language tags to specs", NULL);
            return NULL;
        }
        if (!(n = new_node(p, N_LANGS)))
            return NULL;
        n->nkids = json_object_size(k);
        n->kids = vcm_arena_calloc(&m->mem, n->nkids, sizeof *n->kids);
        n->langs = vcm_arena_calloc(&m->mem, n->nkids, sizeof *n->langs);
        if (!n->kids || !n->langs) {
            fail(p, "out of memory", NULL);
            return NULL;
        }
        size_t i = 0;
        json_t *lv;
        const char *tag;
        json_object_foreach(k, tag, lv) {
            if (!*tag || strlen(tag) > 35) {
                fail(p, "'%s' is not a language tag", tag);
                return NULL;
            }
            n->langs[i] = dup(p, tag);
            if (!(n->kids[i++] = parse_spec(p, lv, depth + 1)))
                return NULL;
        }
    }
    const char *sep = str_member(p, j, "sep", &bad);
    if (bad)
        return NULL;
    if (sep)
        n->sep = sep;
    else if (n->kind == N_JOIN)
        n->sep = ", ";
    json_t *tr = json_object_get(j, "trim");
    if (tr && !json_is_boolean(tr)) {
        fail(p, "trim is true or false", NULL);
        return NULL;
    }
    n->skip_trim = json_is_false(tr);
    json_t *w = json_object_get(j, "when");
    if (w && !(n->when = parse_spec(p, w, depth + 1)))
        return NULL;
    json_t *xs = json_object_get(j, "transforms");
    if (xs) {
        if (!json_is_array(xs) || json_array_size(xs) > 32) {
            fail(p, "transforms is a list of at most 32", NULL);
            return NULL;
        }
        n->nxf = json_array_size(xs);
        n->xf = vcm_arena_calloc(&m->mem, n->nxf ? n->nxf : 1, sizeof *n->xf);
        if (!n->xf) {
            fail(p, "out of memory", NULL);
            return NULL;
        }
        for (size_t i = 0; i < n->nxf; i++)
            if (parse_xform(p, json_array_get(xs, i), &n->xf[i]) < 0)
                return NULL;
    }
    return n;
}

static void mapping_release(void *p)
{
    vcm_mapping *m = p;
    for (size_t i = 0; i < m->nlookups; i++)
        vcm_arena_release(&m->lookups[i].mem);
}

vcm_mapping *vcm_mapping_parse(const char *text, size_t len, char *err, size_t errlen)
{
    json_error_t je;
    json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!j) {
        snprintf(err, errlen, "mapping: line %d: %s", je.line, je.text);
        return NULL;
    }
    vcm_mapping *m = calloc(1, sizeof *m);
    if (!m) {
        json_decref(j);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    vcm_arena_init(&m->mem, 64u << 20);
    m->trim = true;
    struct parser p = {.m = m, .err = err, .errlen = errlen, .where = "top"};
    int rc = -1;
    if (!json_is_object(j)) {
        fail(&p, "a mapping is a JSON object", NULL);
        goto out;
    }
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v) {
        static const char *const known[] = {"format", "trim", "lookups", "values", "fields",
                                            "description"};
        bool ok = false;
        for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
            ok = ok || strcmp(key, known[i]) == 0;
        if (!ok) {
            fail(&p, "unknown member '%s'", key);
            goto out;
        }
    }
    json_t *fmt = json_object_get(j, "format");
    if (!json_is_string(fmt) || (strcmp(json_string_value(fmt), "csv") != 0 &&
                                 strcmp(json_string_value(fmt), "json") != 0)) {
        fail(&p, "\"format\" is \"csv\" or \"json\"", NULL);
        goto out;
    }
    m->format = strcmp(json_string_value(fmt), "csv") == 0 ? VCM_MAP_CSV : VCM_MAP_JSON;
    json_t *tr = json_object_get(j, "trim");
    if (tr && !json_is_boolean(tr)) {
        fail(&p, "\"trim\" is true or false", NULL);
        goto out;
    }
    m->trim = !json_is_false(tr);

    json_t *lk = json_object_get(j, "lookups");
    if (lk) {
        p.where = "lookups";
        if (!json_is_object(lk) || json_object_size(lk) > MAX_LOOKUPS) {
            fail(&p, "lookups maps at most 8 names to tables", NULL);
            goto out;
        }
        json_object_foreach(lk, key, v) {
            lookup *t = &m->lookups[m->nlookups];
            bool bad = false;
            t->name = dup(&p, key);
            t->file = json_is_object(v) ? str_member(&p, v, "file", &bad) : NULL;
            t->key = json_is_object(v) ? str_member(&p, v, "key", &bad) : NULL;
            if (bad)
                goto out;
            if (!t->file || !t->key || !*t->file) {
                fail(&p, "a table has \"file\" (a CSV file) and \"key\" (its key column)", NULL);
                goto out;
            }
            if (t->file[0] == '/' || strstr(t->file, "..")) {
                fail(&p, "'%s': a table's file is named relative to the input", t->file);
                goto out;
            }
            vcm_arena_init(&t->mem, 256u << 20);
            m->nlookups++;
        }
    }
    json_t *vals = json_object_get(j, "values");
    if (vals) {
        if (!json_is_object(vals) || json_object_size(vals) > MAX_VALUES) {
            p.where = "values";
            fail(&p, "values maps at most 256 names to specs", NULL);
            goto out;
        }
        json_object_foreach(vals, key, v) {
            p.where = vcm_arena_printf(&m->mem, "values.%s", key);
            p.field = p.where;
            if (!p.where)
                goto out;
            /* defined before it is parsed would let it use itself */
            node *n = parse_spec(&p, v, 0);
            if (!n)
                goto out;
            m->value_name[m->nvalues] = dup(&p, key);
            m->value[m->nvalues++] = n;
        }
    }
    json_t *fl = json_object_get(j, "fields");
    if (!json_is_object(fl)) {
        p.where = "fields";
        fail(&p, "\"fields\" maps record fields to specs", NULL);
        goto out;
    }
    json_object_foreach(fl, key, v) {
        size_t f = 0;
        while (f < NFIELDS && strcmp(fields[f].name, key) != 0)
            f++;
        p.where = vcm_arena_printf(&m->mem, "fields.%s", key);
        if (!p.where)
            goto out;
        if (f == NFIELDS) {
            fail(&p, "not a field of a record", NULL);
            goto out;
        }
        p.field = fields[f].name;
        if (!(m->field[f] = parse_spec(&p, v, 0)))
            goto out;
        if ((m->field[f]->kind == N_LANGS) != ((fields[f].flags & F_LANGS) != 0)) {
            fail(&p, (fields[f].flags & F_LANGS) ? "this field takes {\"langs\": {…}}"
                                                  : "only title_i18n and description_i18n "
                                                    "take langs",
                 NULL);
            goto out;
        }
    }
    for (size_t f = 0; f < 3; f++)
        if (!m->field[f]) {
            p.where = "fields";
            fail(&p, "'%s' must be mapped (a constant or a column)", fields[f].name);
            goto out;
        }
    rc = 0;
out:
    json_decref(j);
    if (rc < 0) {
        vcm_mapping_free(m);
        return NULL;
    }
    return m;
}

void vcm_mapping_free(vcm_mapping *m)
{
    if (!m)
        return;
    mapping_release(m);
    vcm_arena_release(&m->mem);
    free(m);
}

vcm_map_format vcm_mapping_format(const vcm_mapping *m)
{
    return m->format;
}

int vcm_mapping_bind(vcm_mapping *m, char *const *header, size_t n, char *err, size_t errlen)
{
    for (size_t i = 0; i < m->nsel; i++) {
        node *s = m->sel[i];
        s->col = -1;
        for (size_t c = 0; c < n && s->col < 0; c++)
            if (strcmp(header[c], s->text) == 0)
                s->col = (long)c;
        if (s->col < 0) {
            snprintf(err, errlen, "column '%s' (of %s) is not in the header", s->text,
                     m->sel_field[i]);
            return -1;
        }
    }
    m->bound = true;
    return 0;
}

size_t vcm_mapping_nselectors(const vcm_mapping *m)
{
    return m->nsel;
}

const char *vcm_mapping_selector(const vcm_mapping *m, size_t i, const char **field)
{
    *field = m->sel_field[i];
    return m->sel[i]->text;
}

bool vcm_mapping_reads(const vcm_mapping *m, const char *name)
{
    for (size_t i = 0; i < m->nsel; i++) {
        const node *s = m->sel[i];
        if (m->format == VCM_MAP_CSV ? strcmp(s->text, name) == 0
                                     : s->path[0].name && strcmp(s->path[0].name, name) == 0)
            return true;
    }
    return false;
}

/* ---- look-up tables --------------------------------------------------- */

static int row_cmp(const void *a, const void *b, void *t)
{
    long k = ((const lookup *)t)->keycol;
    return strcmp((*(char **const *)a)[k], (*(char **const *)b)[k]);
}

int vcm_mapping_set_lookup(vcm_mapping *m, size_t i, const char *text, size_t len, char *err,
                           size_t errlen)
{
    lookup *t = &m->lookups[i];
    vcm_arena_reset(&t->mem);
    t->loaded = false;
    t->nrows = 0;
    if (!vcm_utf8_valid(text, len)) {
        snprintf(err, errlen, "%s: not UTF-8", t->file);
        return -1;
    }
    vcm_csv c;
    vcm_csv_init(&c, text, len);
    char *f[VCM_CSV_MAX_FIELDS], why[200];
    int n = vcm_csv_next(&c, &t->mem, f, why, sizeof why);
    if (n <= 0) {
        snprintf(err, errlen, "%s:1: %s", t->file, n < 0 ? why : "no header");
        return -1;
    }
    t->nhdr = (size_t)n;
    t->hdr = vcm_arena_alloc(&t->mem, t->nhdr * sizeof *t->hdr);
    if (!t->hdr)
        goto oom;
    memcpy(t->hdr, f, t->nhdr * sizeof *f);
    t->keycol = -1;
    for (size_t k = 0; k < t->nhdr; k++)
        if (strcmp(t->hdr[k], t->key) == 0)
            t->keycol = (long)k;
    if (t->keycol < 0) {
        snprintf(err, errlen, "%s:1: no column '%s'", t->file, t->key);
        return -1;
    }
    size_t cap = 1024;
    t->rows = vcm_arena_alloc(&t->mem, cap * sizeof *t->rows);
    if (!t->rows)
        goto oom;
    for (;;) {
        size_t line = c.line;
        n = vcm_csv_next(&c, &t->mem, f, why, sizeof why);
        if (n == 0)
            break;
        if (n < 0 || (size_t)n != t->nhdr) {
            snprintf(err, errlen, "%s:%zu: %s", t->file, line,
                     n < 0 ? why : "not as many fields as the header");
            return -1;
        }
        if (t->nrows == cap) {
            char ***nr = vcm_arena_alloc(&t->mem, 2 * cap * sizeof *nr);
            if (!nr)
                goto oom;
            memcpy(nr, t->rows, cap * sizeof *nr);
            t->rows = nr;
            cap *= 2;
        }
        char **row = vcm_arena_alloc(&t->mem, t->nhdr * sizeof *row);
        if (!row)
            goto oom;
        memcpy(row, f, t->nhdr * sizeof *f);
        t->rows[t->nrows++] = row;
    }
    qsort_r(t->rows, t->nrows, sizeof *t->rows, row_cmp, t);
    t->loaded = true;
    return 0;
oom:
    snprintf(err, errlen, "%s: the table is too large (at most 256 MiB)", t->file);
    return -1;
}

int vcm_mapping_load_lookups(vcm_mapping *m, const char *dir, char *err, size_t errlen)
{
    for (size_t i = 0; i < m->nlookups; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, m->lookups[i].file);
        FILE *f = fopen(path, "rb");
        if (!f) {
            snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
            return -1;
        }
        vcm_buf b;
        vcm_buf_init(&b, 64u << 20);
        char chunk[65536];
        size_t got;
        while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
            if (vcm_buf_append(&b, chunk, got) < 0)
                break;
        int bad = ferror(f) || b.toobig;
        fclose(f);
        int rc = bad ? -1
                     : vcm_mapping_set_lookup(m, i, b.data ? b.data : "", b.len, err, errlen);
        if (bad)
            snprintf(err, errlen, "cannot read '%s' (a table is at most 64 MiB)", path);
        vcm_buf_release(&b);
        if (rc < 0)
            return -1;
    }
    return 0;
}

size_t vcm_mapping_nlookups(const vcm_mapping *m)
{
    return m->nlookups;
}

const char *vcm_mapping_lookup_file(const vcm_mapping *m, size_t i)
{
    return m->lookups[i].file;
}

static const char *lookup_get(const lookup *t, const char *key, const char *column)
{
    if (!t->loaded)
        return NULL;
    size_t lo = 0, hi = t->nrows;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(t->rows[mid][t->keycol], key);
        if (c == 0) {
            for (size_t k = 0; k < t->nhdr; k++)
                if (strcmp(t->hdr[k], column) == 0)
                    return t->rows[mid][k];
            return NULL;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* ---- years in a date text --------------------------------------------- */

static bool ci_prefix(const char *s, const char *p)
{
    for (; *p; s++, p++)
        if (tolower((unsigned char)*s) != *p)
            return false;
    return true;
}

static bool ci_suffix(const char *start, const char *end, const char *p)
{
    size_t n = strlen(p);
    return (size_t)(end - start) >= n && ci_prefix(end - n, p);
}

static bool space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static const char *skip_space(const char *s)
{
    while (space(*s))
        s++;
    return s;
}

/* "(early|mid|late|first half of|second half of)(\s+the)?[\s-]+" just
 * before p; the qualifier's index + 1, or 0. */
static int qualifier(const char *text, const char *p)
{
    static const char *const q[] = {"early", "mid", "late", "first half of", "second half of"};
    const char *e = p;
    while (e > text && (space(e[-1]) || e[-1] == '-'))
        e--;
    if (e == p)
        return 0;
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < 5; i++)
            if (ci_suffix(text, e, q[i]))
                return i + 1;
        /* "… of the 19th": the "the" comes between */
        if (pass == 0 && ci_suffix(text, e, "the") && e - 3 > text && space(e[-4])) {
            e -= 3;
            while (e > text && space(e[-1]))
                e--;
        } else {
            break;
        }
    }
    return 0;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int digits_at(const char *s, int max)
{
    int n = 0;
    while (n < max && is_digit(s[n]))
        n++;
    return n;
}

static int num(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* "\s*BCE" at s: its end, or NULL. */
static const char *bce(const char *s)
{
    s = skip_space(s);
    return strncmp(s, "BCE", 3) == 0 ? s + 3 : NULL;
}

static bool century(const char *t, int *start, int *end)
{
    for (const char *s = t; *s; s++) {
        for (int len = 2; len >= 1; len--) {
            if (digits_at(s, len) != len)
                continue;
            const char *p = s + len;
            if (!(ci_prefix(p, "st") || ci_prefix(p, "nd") || ci_prefix(p, "rd") ||
                  ci_prefix(p, "th")))
                continue;
            p += 2;
            if (!space(*p))
                continue;
            p = skip_space(p);
            if (!ci_prefix(p, "century"))
                continue;
            p += 7;
            int n = num(s, len);
            const char *q = skip_space(p);
            bool before = space(*p) && ci_prefix(q, "bce");
            int a = before ? -n * 100 : (n - 1) * 100, b = a + 99;
            switch (qualifier(t, s)) {
            case 1: b = a + 33; break;
            case 2: b = a + 66; a += 33; break;
            case 3: a += 66; break;
            case 4: b = a + 49; break;
            case 5: a += 50; break;
            }
            *start = a;
            *end = b;
            return true;
        }
    }
    return false;
}

static bool decade(const char *t, int *start, int *end)
{
    for (const char *s = t; *s; s++)
        for (int len = 4; len >= 3; len--)
            if (digits_at(s, len) == len && s[len] == 's') {
                *start = num(s, len);
                *end = *start + 9;
                return true;
            }
    return false;
}

static const char *dash(const char *s)
{
    if (*s == '-')
        return s + 1;
    if (strncmp(s, "\xE2\x80\x93", 3) == 0) /* en dash; stops at the end */
        return s + 3;
    return NULL;
}

static bool range(const char *t, int *start, int *end)
{
    for (const char *s = t; *s; s++) {
        int have = digits_at(s, 4);
        for (int len = have; len >= 1; len--) {
            const char *p = skip_space(s + len);
            const char *b1 = strncmp(p, "BCE", 3) == 0 ? p + 3 : NULL;
            if (b1)
                p = skip_space(b1);
            if (!(p = dash(p)))
                continue;
            p = skip_space(p);
            int l2 = digits_at(p, 4);
            if (l2 == 0)
                continue;
            int a = num(s, len), b = num(p, l2);
            bool b2 = bce(p + l2) != NULL;
            if (l2 < len && !b1 && !b2) {
                /* "1949-50": the end keeps the start's first digits */
                int scale = 1;
                for (int i = 0; i < l2; i++)
                    scale *= 10;
                b = a / scale * scale + b;
            }
            if (b2) {
                a = -a;
                b = -b;
            } else if (b1) {
                a = -a;
            }
            *start = a;
            *end = b;
            return true;
        }
    }
    return false;
}

static bool single(const char *t, int *start, int *end)
{
    for (int pass = 0; pass < 2; pass++)
        for (const char *s = t; *s; s++) {
            int len = digits_at(s, 4);
            if (len == 0)
                continue;
            if (pass == 0 && (len < 3 || is_digit(s[len]) || (s > t && is_digit(s[-1]))))
                continue;
            int y = num(s, len);
            if (bce(s + len))
                y = -y;
            *start = *end = y;
            return true;
        }
    return false;
}

int vcm_years_from_text(const char *text, int *start, int *end)
{
    if (strstr(text, "millennium"))
        return -1;
    if (century(text, start, end) || decade(text, start, end) || range(text, start, end) ||
        single(text, start, end))
        return 0;
    return -1;
}

/* ---- mapping a row ---------------------------------------------------- */

static const char *trimmed(vcm_arena *a, const char *s);

struct row_state {
    const vcm_mapping *m;
    const vcm_map_row *row;
    vcm_arena *a;
    const char **values;  /* per named value: NULL until evaluated */
    bool *busy;
    char *err;
    size_t errlen;
};

/* A value as read has its line breaks as "\n" (a CSV field may hold CRLF,
 * which the records never keep) and, unless the mapping says "trim":
 * false, no white space at the ends. */
static const char *as_read(vcm_arena *a, const char *s, bool trim)
{
    if (strchr(s, '\r')) {
        char *c = vcm_arena_strdup(a, s), *w = c;
        if (!c)
            return NULL;
        for (const char *p = c; *p; p++) {
            if (*p == '\r') {
                if (p[1] != '\n')
                    *w++ = '\n';
                continue;
            }
            *w++ = *p;
        }
        *w = '\0';
        s = c;
    }
    return trim ? trimmed(a, s) : s;
}

/* White space as Unicode has it (what a cataloguer's editor leaves at
 * the end of a text: no-break and em spaces, the ideographic space). */
static bool uspace(unsigned cp)
{
    return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 ||
           cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
           cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/* Length of the UTF-8 character that ends at s + n. */
static size_t last_char(const char *s, size_t n)
{
    size_t k = 1;
    while (k < n && k < 4 && ((unsigned char)s[n - k] & 0xC0) == 0x80)
        k++;
    return k;
}

static const char *trimmed(vcm_arena *a, const char *s)
{
    size_t n = strlen(s), k;
    unsigned cp;
    while (n > 0 && (k = vcm_utf8_decode(s, n, &cp)) > 0 && uspace(cp)) {
        s += k;
        n -= k;
    }
    while (n > 0) {
        k = last_char(s, n);
        if (vcm_utf8_decode(s + n - k, k, &cp) != k || !uspace(cp))
            break;
        n -= k;
    }
    return vcm_arena_strndup(a, s, n);
}

static const char *json_text(vcm_arena *a, const json_t *v)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v))
        return vcm_arena_printf(a, "%lld", (long long)json_integer_value(v));
    if (json_is_real(v))
        return vcm_arena_printf(a, "%.17g", json_real_value(v));
    if (json_is_boolean(v))
        return json_is_true(v) ? "true" : "false";
    return "";
}

/* The values a path yields, up to MAX_HITS. */
static size_t walk(const seg *p, size_t np, const json_t *j, const json_t **hits, size_t n)
{
    if (!j || n >= MAX_HITS)
        return n;
    if (np == 0) {
        if (!json_is_null(j))
            hits[n++] = j;
        return n;
    }
    if (p->name)
        return walk(p + 1, np - 1, json_object_get(j, p->name), hits, n);
    if (!json_is_array(j))
        return n;
    if (p->index >= 0)
        return walk(p + 1, np - 1, json_array_get(j, (size_t)p->index), hits, n);
    for (size_t i = 0; i < json_array_size(j) && n < MAX_HITS; i++)
        n = walk(p + 1, np - 1, json_array_get(j, i), hits, n);
    return n;
}

static const char *eval(struct row_state *st, const node *n);

static int put(vcm_buf *b, struct row_state *st, const char *s, size_t len)
{
    if (vcm_buf_append(b, s, len) < 0 || b->toobig) {
        snprintf(st->err, st->errlen, "a value is longer than 4 MiB");
        return -1;
    }
    return 0;
}

static const char *finish(struct row_state *st, vcm_buf *b)
{
    const char *r = vcm_arena_strndup(st->a, b->data ? b->data : "", b->len);
    vcm_buf_release(b);
    if (!r)
        snprintf(st->err, st->errlen, "out of memory");
    return r;
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const char *apply_xf(struct row_state *st, const xform *x, const char *s)
{
    vcm_arena *a = st->a;
    switch (x->kind) {
    case X_TRIM:
        return trimmed(a, s);
    case X_NEWLINES: {
        vcm_buf b;
        vcm_buf_init(&b, MAX_VALUE);
        for (const char *p = s; *p; p++) {
            if (*p == '\r') {
                if (p[1] == '\n')
                    continue;
                if (put(&b, st, "\n", 1) < 0)
                    goto fail_nl;
            } else if (put(&b, st, p, 1) < 0) {
                goto fail_nl;
            }
        }
        return finish(st, &b);
    fail_nl:
        vcm_buf_release(&b);
        return NULL;
    }
    case X_YEAR: {
        const char *p = skip_space(s);
        char *end;
        errno = 0;
        long y = strtol(p, &end, 10);
        if (end == p || errno || y < -9999 || y > 9999)
            return "";
        return vcm_arena_printf(a, "%ld", y);
    }
    case X_YEAR_START:
    case X_YEAR_END: {
        int y0, y1;
        if (vcm_years_from_text(s, &y0, &y1) < 0)
            return "";
        return vcm_arena_printf(a, "%d", x->kind == X_YEAR_START ? y0 : y1);
    }
    case X_LOWER:
    case X_UPPER: {
        char *r = vcm_arena_strdup(a, s);
        for (char *p = r; p && *p; p++)
            *p = (char)(x->kind == X_LOWER ? tolower((unsigned char)*p)
                                           : toupper((unsigned char)*p));
        return r;
    }
    case X_NULL_IF:
        for (size_t i = 0; i < x->nlist; i++)
            if (strcmp(s, x->list[i]) == 0)
                return "";
        return s;
    case X_AFTER: {
        const char *p = strstr(s, x->a);
        return p ? p + strlen(x->a) : s;
    }
    case X_AFTER_LAST: {
        const char *p = NULL, *q = s;
        while ((q = strstr(q, x->a)))
            p = q++;
        return p ? p + strlen(x->a) : s;
    }
    case X_BEFORE: {
        const char *p = strstr(s, x->a);
        return p ? vcm_arena_strndup(a, s, (size_t)(p - s)) : s;
    }
    case X_STRIP: {
        while (*s && strchr(x->a, *s))
            s++;
        size_t n = strlen(s);
        while (n > 0 && strchr(x->a, s[n - 1]))
            n--;
        return vcm_arena_strndup(a, s, n);
    }
    case X_REPLACE:
    case X_SPLIT: {
        vcm_buf b;
        vcm_buf_init(&b, MAX_VALUE);
        size_t la = strlen(x->a);
        if (x->kind == X_REPLACE) {
            const char *p = s, *q;
            while ((q = strstr(p, x->a))) {
                if (put(&b, st, p, (size_t)(q - p)) < 0 || put(&b, st, x->b, strlen(x->b)) < 0)
                    goto fail;
                p = q + la;
            }
            if (put(&b, st, p, strlen(p)) < 0)
                goto fail;
            return finish(st, &b);
        }
        /* split: parts trimmed, empty ones dropped, joined again */
        const char *parts[MAX_HITS];
        size_t np = 0;
        const char *p = s;
        for (;;) {
            const char *q = strstr(p, x->a);
            const char *part =
                trimmed(a, q ? vcm_arena_strndup(a, p, (size_t)(q - p)) : p);
            if (!part) {
                snprintf(st->err, st->errlen, "out of memory");
                goto fail;
            }
            bool keep = *part && np < MAX_HITS;
            for (size_t i = 0; keep && x->unique && i < np; i++)
                keep = strcmp(parts[i], part) != 0;
            if (keep)
                parts[np++] = part;
            if (!q || (x->first && np))
                break;
            p = q + la;
        }
        if (x->sort)
            qsort(parts, np, sizeof *parts, str_cmp);
        for (size_t i = 0; i < np; i++)
            if ((i && put(&b, st, x->b, strlen(x->b)) < 0) ||
                put(&b, st, parts[i], strlen(parts[i])) < 0)
                goto fail;
        return finish(st, &b);
    fail:
        vcm_buf_release(&b);
        return NULL;
    }
    }
    return s;
}

static const char *eval_select(struct row_state *st, const node *n)
{
    const vcm_map_row *r = st->row;
    if (st->m->format == VCM_MAP_CSV) {
        if (n->col < 0 || (size_t)n->col >= r->nfields)
            return "";
        return r->fields[n->col];
    }
    const json_t *hits[MAX_HITS];
    size_t k = walk(n->path, n->npath, r->json, hits, 0);
    if (k == 1)
        return json_text(st->a, hits[0]);
    vcm_buf b;
    vcm_buf_init(&b, MAX_VALUE);
    size_t written = 0;
    for (size_t i = 0; i < k; i++) {
        const char *s = json_text(st->a, hits[i]);
        if (!s || !*s)
            continue;
        if ((written++ && put(&b, st, n->sep, strlen(n->sep)) < 0) || put(&b, st, s, strlen(s)) < 0) {
            vcm_buf_release(&b);
            return NULL;
        }
    }
    return finish(st, &b);
}

static const char *eval_template(struct row_state *st, const node *n)
{
    vcm_buf b;
    vcm_buf_init(&b, MAX_VALUE);
    size_t open[9];
    bool empty[9];
    int depth = 0;
    for (size_t i = 0; i < n->nparts; i++) {
        const tpart *pt = &n->parts[i];
        if (pt->kind == 0) {
            if (put(&b, st, pt->text, pt->len) < 0)
                goto fail;
        } else if (pt->kind == 1) {
            const char *v = eval(st, pt->ref);
            if (!v)
                goto fail;
            if (!*v && depth > 0)
                empty[depth] = true;
            if (n->url) {
                if (vcm_buf_urlenc(&b, v, strlen(v)) < 0 || b.toobig) {
                    snprintf(st->err, st->errlen, "a value is longer than 4 MiB");
                    goto fail;
                }
            } else if (put(&b, st, v, strlen(v)) < 0) {
                goto fail;
            }
        } else if (pt->kind == 2) {
            depth++;
            open[depth] = b.len;
            empty[depth] = false;
        } else {
            /* an optional part with an empty reference is left out */
            if (empty[depth]) {
                b.len = open[depth];
                if (b.data)
                    b.data[b.len] = '\0';
            }
            depth--;
        }
    }
    return finish(st, &b);
fail:
    vcm_buf_release(&b);
    return NULL;
}

static const char *eval(struct row_state *st, const node *n)
{
    const char *v = "";
    if (n->when) {
        const char *w = eval(st, n->when);
        if (!w || !*w)
            return w;
    }
    switch (n->kind) {
    case N_PICK:
        v = eval_select(st, n);
        if (v)
            v = as_read(st->a, v, st->m->trim && !n->skip_trim);
        break;
    case N_CONST:
        v = n->text;
        break;
    case N_VALUE:
        if (!st->values[n->value]) {
            if (st->busy[n->value]) {
                snprintf(st->err, st->errlen, "value '%s' uses itself", n->text);
                return NULL;
            }
            st->busy[n->value] = true;
            st->values[n->value] = eval(st, st->m->value[n->value]);
            st->busy[n->value] = false;
        }
        v = st->values[n->value];
        break;
    case N_FIRST:
        for (size_t i = 0; i < n->nkids; i++) {
            v = eval(st, n->kids[i]);
            if (!v || *v)
                break;
        }
        break;
    case N_JOIN: {
        vcm_buf b;
        vcm_buf_init(&b, MAX_VALUE);
        size_t written = 0;
        for (size_t i = 0; i < n->nkids; i++) {
            const char *s = eval(st, n->kids[i]);
            if (!s) {
                vcm_buf_release(&b);
                return NULL;
            }
            if (!*s)
                continue;
            if ((written++ && put(&b, st, n->sep, strlen(n->sep)) < 0) ||
                put(&b, st, s, strlen(s)) < 0) {
                vcm_buf_release(&b);
                return NULL;
            }
        }
        v = finish(st, &b);
        break;
    }
    case N_TEMPLATE:
        v = eval_template(st, n);
        break;
    case N_LOOKUP: {
        const lookup *t = &st->m->lookups[n->table];
        const node *key = n->kids[0];
        /* a key of several values ([*]) takes the first that is found
         * with a non-empty value */
        if (key->kind == N_PICK && st->m->format == VCM_MAP_JSON) {
            const json_t *hits[MAX_HITS];
            size_t k = walk(key->path, key->npath, st->row->json, hits, 0);
            vcm_buf b;
            vcm_buf_init(&b, MAX_VALUE);
            size_t written = 0;
            for (size_t i = 0; i < k; i++) {
                const char *kv = json_text(st->a, hits[i]);
                const char *r = kv ? lookup_get(t, kv, n->text) : NULL;
                if (!r || !*r)
                    continue;
                if ((written++ && put(&b, st, n->sep, strlen(n->sep)) < 0) ||
                    put(&b, st, r, strlen(r)) < 0) {
                    vcm_buf_release(&b);
                    return NULL;
                }
            }
            v = finish(st, &b);
        } else {
            const char *kv = eval(st, key);
            if (!kv)
                return NULL;
            const char *r = lookup_get(t, kv, n->text);
            v = r ? r : "";
        }
        v = as_read(st->a, v, st->m->trim && !n->skip_trim);
        break;
    }
    case N_LANGS:
        v = "";
        break;
    }
    for (size_t i = 0; v && i < n->nxf; i++)
        v = apply_xf(st, &n->xf[i], v);
    if (!v && !st->err[0])
        snprintf(st->err, st->errlen, "out of memory");
    return v;
}

static int set_text(json_t *o, const char *key, const char *v, char *err, size_t errlen)
{
    if (!vcm_utf8_valid(v, strlen(v))) {
        snprintf(err, errlen, "%s: not UTF-8", key);
        return -1;
    }
    if (json_object_set_new(o, key, json_string(v)) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

int vcm_mapping_apply(const vcm_mapping *m, const vcm_map_row *row, vcm_arena *a, json_t **out,
                      char *err, size_t errlen)
{
    *out = NULL;
    err[0] = '\0';
    struct row_state st = {.m = m, .row = row, .a = a, .err = err, .errlen = errlen};
    st.values = vcm_arena_calloc(a, m->nvalues + 1, sizeof *st.values);
    st.busy = vcm_arena_calloc(a, m->nvalues + 1, sizeof *st.busy);
    json_t *o = json_object();
    if (!st.values || !st.busy || !o) {
        snprintf(err, errlen, "out of memory");
        json_decref(o);
        return -1;
    }
    for (size_t f = 0; f < NFIELDS; f++) {
        const node *n = m->field[f];
        if (!n) {
            if (fields[f].flags & F_OPTIONAL)
                continue;
            if (fields[f].flags & F_NUMBER)
                json_object_set_new(o, fields[f].name, json_null());
            else if (set_text(o, fields[f].name, "", err, errlen) < 0)
                goto fail;
            continue;
        }
        if (n->kind == N_LANGS) {
            json_t *l = json_object();
            if (!l)
                goto fail;
            for (size_t i = 0; i < n->nkids; i++) {
                const char *v = eval(&st, n->kids[i]);
                if (!v) {
                    json_decref(l);
                    goto fail;
                }
                v = trimmed(a, v);
                if (v && *v && set_text(l, n->langs[i], v, err, errlen) < 0) {
                    json_decref(l);
                    goto fail;
                }
            }
            if (json_object_size(l))
                json_object_set_new(o, fields[f].name, l);
            else
                json_decref(l);
            continue;
        }
        const char *v = eval(&st, n);
        if (!v)
            goto fail;
        if (!(v = trimmed(a, v))) {
            snprintf(err, errlen, "out of memory");
            goto fail;
        }
        if (fields[f].flags & F_NUMBER) {
            if (!*v) {
                json_object_set_new(o, fields[f].name, json_null());
                continue;
            }
            char *end;
            errno = 0;
            long long y = strtoll(v, &end, 10);
            if (*end || errno) {
                snprintf(err, errlen, "%s: '%.80s' is not a year", fields[f].name, v);
                goto fail;
            }
            json_object_set_new(o, fields[f].name, json_integer(y));
            continue;
        }
        if ((fields[f].flags & F_OPTIONAL) && !*v)
            continue;
        if (set_text(o, fields[f].name, v, err, errlen) < 0)
            goto fail;
    }
    *out = o;
    return 0;
fail:
    if (!err[0])
        snprintf(err, errlen, "out of memory");
    json_decref(o);
    return -1;
}
