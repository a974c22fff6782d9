/* The parameter table and its parser (params.h).
 *
 * A parameter exists for a handler only if a row of the table names it for
 * the handler's route and its value is good for the row's kind; anything
 * else is an error the caller reports. The rows are read in order and the
 * first whose name and routes match wins, so a name may mean different
 * bounds on different routes (limit ≤ 100 on the search API, ≤ 1000 on the
 * object list). Parameters every URL may carry (lang) have a row with
 * VCM_ROUTE_ALL, written once.
 *
 * The second half is for handlers: reading a request's query (the API
 * refuses what the parser left out, a page says so), turning the result
 * into the one filter of the store and the search (and the search's other
 * parameters), the visitor's language and the catalogues. Only the first
 * half is fuzzed; it touches no request. */
#include "web/params.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/i18n.h"
#include "core/l10n.h"
#include "http/query.h"
#include "search/query.h"
#include "search/terms.h"
#include "search/thesaurus.h"
#include "web/web.h"
#include "core/banned.h"

#define R_PAGES (VCM_ROUTE_BROWSE | VCM_ROUTE_SEARCH)
#define R_SEARCH (VCM_ROUTE_SEARCH | VCM_ROUTE_API_SEARCH)
/* the routes the store answers: browse and the object list */
#define R_STORE (VCM_ROUTE_BROWSE | VCM_ROUTE_API_OBJECTS)
/* the filters both the store and the search apply (model/filter.h); one
 * only one of them could would stay off the other's routes, so that
 * asking the API for it there is a 400 and a page leaves it out */
#define R_FILTER (R_STORE | R_SEARCH)

/* Bounds. A search page has hundreds of links that each carry every
 * parameter, so no free-text filter may be long (q is bounded by the
 * search itself: VCM_SQUERY_MAX_BYTES, with its own note). */
#define MAX_TEXT 200
#define MAX_IDS 300    /* noexpand: thesaurus ids */
#define MAX_CURSOR 64
#define MAX_LANG 35    /* the longest tag BCP 47 asks implementations to take */
#define MAX_OFFSET 100000
#define MAX_PAGE 100000

static const char *const regions[] = {"other", "asia", "europe", NULL}; /* as vcm_region */
static const char *const sorts[] = {"relevance", "date", "-date", "title", "museum", NULL};
static const char *const yes_no[] = {"no", "yes", NULL};
/* browse: the masterpieces (the default) or the museums' whole catalogues */
static const char *const views[] = {"masterpieces", "catalogue", NULL};
static const char *const licences[] = {"other", "open", NULL};
static const char *const facets[] = {"region",  "country", "museum",  "classification",
                                     "material", "century", "image",   "licence",
                                     "origin",   "origin_country", NULL};

/* A thesaurus material id, as its index among the materials. */
static int find_material(const char *v)
{
    return vcm_thesaurus_material(vcm_thesaurus_builtin(), v);
}

const vcm_param_def vcm_param_defs[] = {
    /* every URL */
    {"lang", VCM_P_LANG, VCM_PK_LANG, 0, MAX_LANG, NULL, NULL, VCM_ROUTE_ALL, "param.lang"},
    /* what to find */
    {"q", VCM_P_Q, VCM_PK_TEXT, 0, 0, NULL, NULL, R_SEARCH | VCM_ROUTE_API_SUGGEST, "param.q"},
    {"region", VCM_P_REGION, VCM_PK_ENUM, 0, 0, regions, NULL, R_FILTER, "param.region"},
    {"origin", VCM_P_ORIGIN, VCM_PK_ORIGIN, 0, 0, NULL, NULL, R_FILTER, "param.origin"},
    {"country", VCM_P_COUNTRY, VCM_PK_CODE, 0, 0, NULL, NULL, R_FILTER | VCM_ROUTE_API_MUSEUMS,
     "param.country"},
    {"museum", VCM_P_MUSEUM, VCM_PK_ID, 0, 0, NULL, NULL, R_FILTER, "param.museum"},
    {"classification", VCM_P_CLASSIFICATION, VCM_PK_TEXT, 0, MAX_TEXT, NULL, NULL, R_FILTER,
     "param.classification"},
    {"century", VCM_P_CENTURY, VCM_PK_INT, -1000, 21, NULL, NULL, R_FILTER, "param.century"},
    {"source_id", VCM_P_SOURCE_ID, VCM_PK_TEXT, 0, MAX_TEXT, NULL, NULL, VCM_ROUTE_API_OBJECTS,
     "param.source_id"},
    {"material", VCM_P_MATERIAL, VCM_PK_ENUM, 0, 0, NULL, find_material, R_FILTER,
     "param.material"},
    {"image", VCM_P_IMAGE, VCM_PK_ENUM, 0, 0, yes_no, NULL, R_FILTER, "param.image"},
    {"licence", VCM_P_LICENCE, VCM_PK_ENUM, 0, 0, licences, NULL, R_FILTER, "param.licence"},
    {"date", VCM_P_DATE, VCM_PK_YEARS, 0, 0, NULL, NULL, R_FILTER, "param.date"},
    /* how to show it */
    {"view", VCM_P_VIEW, VCM_PK_ENUM, 0, 0, views, NULL, VCM_ROUTE_BROWSE, "param.view"},
    {"sort", VCM_P_SORT, VCM_PK_ENUM, 0, 0, sorts, NULL, R_SEARCH, "param.sort"},
    {"expand", VCM_P_EXPAND, VCM_PK_BOOL, 0, 0, NULL, NULL, R_SEARCH, "param.expand"},
    {"noexpand", VCM_P_NOEXPAND, VCM_PK_IDS, 0, MAX_IDS, NULL, NULL, R_SEARCH, "param.noexpand"},
    {"facets", VCM_P_FACETS, VCM_PK_LIST, 0, 0, facets, NULL, VCM_ROUTE_API_SEARCH,
     "param.facets"},
    {"all", VCM_P_ALL, VCM_PK_BOOL, 0, 0, NULL, NULL, VCM_ROUTE_API_COUNTRIES, "param.all"},
    /* paging */
    {"cursor", VCM_P_CURSOR, VCM_PK_CURSOR, 0, MAX_CURSOR, NULL, NULL,
     R_SEARCH | VCM_ROUTE_API_OBJECTS, "param.cursor"},
    {"offset", VCM_P_OFFSET, VCM_PK_INT, 0, MAX_OFFSET, NULL, NULL, VCM_ROUTE_API_SEARCH,
     "param.offset"},
    {"limit", VCM_P_LIMIT, VCM_PK_INT, 1, 100, NULL, NULL, VCM_ROUTE_API_SEARCH,
     "param.limit.search"},
    {"limit", VCM_P_LIMIT, VCM_PK_INT, 1, 50, NULL, NULL, VCM_ROUTE_API_SUGGEST,
     "param.limit.suggest"},
    {"limit", VCM_P_LIMIT, VCM_PK_INT, 1, 1000, NULL, NULL, VCM_ROUTE_API_OBJECTS,
     "param.limit.objects"},
    {"page", VCM_P_PAGE, VCM_PK_PAGE, 1, MAX_PAGE, NULL, NULL, VCM_ROUTE_BROWSE, "param.page"},
    /* a search page's offset must stay within the search's MAX_OFFSET */
    {"page", VCM_P_PAGE, VCM_PK_PAGE, 1, MAX_OFFSET / 24 + 1, NULL, NULL, VCM_ROUTE_SEARCH,
     "param.page"},
    {"page", VCM_P_PAGE, VCM_PK_PAGE, 1, 1000000, NULL, NULL, VCM_ROUTE_COLLECTION,
     "param.page.collection"},
};
const size_t vcm_param_ndefs = sizeof vcm_param_defs / sizeof vcm_param_defs[0];

static bool parse_long(const char *v, long min, long max, int64_t *out)
{
    const char *p = v;
    bool neg = *p == '-';
    if (*p == '-' || *p == '+')
        p++;
    if (!*p || strlen(p) > 18)
        return false;
    int64_t n = 0;
    for (; *p; p++) {
        if (!isdigit((unsigned char)*p))
            return false;
        n = n * 10 + (*p - '0');
    }
    if (neg)
        n = -n;
    if (n < min || n > max)
        return false;
    *out = n;
    return true;
}

/* Index of v in the NULL-terminated list (any case), or -1. */
static int index_of(const char *const *values, const char *v, size_t n)
{
    for (int i = 0; values[i]; i++)
        if (strlen(values[i]) == n && strncasecmp(values[i], v, n) == 0)
            return i;
    return -1;
}

static bool lang_tag(const char *v)
{
    /* language (2-3 letters), then subtags of 1-8 letters or digits */
    size_t n = strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
    if (n < 2 || n > 3)
        return false;
    for (const char *p = v + n; *p;) {
        if (*p++ != '-')
            return false;
        size_t k = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
        if (k < 1 || k > 8)
            return false;
        p += k;
    }
    return true;
}

/* Reads v for def into out; the error's reason, or -1 when good. */
static int read_value(const vcm_param_def *d, vcm_arena *a, const char *v, vcm_param_value *out)
{
    size_t n = strlen(v);
    switch (d->kind) {
    case VCM_PK_TEXT:
        if (d->max && n > (size_t)d->max)
            return VCM_PW_TOO_LONG;
        out->s = v;
        return -1;
    case VCM_PK_ID:
        return parse_long(v, 1, INT64_MAX / 10, &out->i) && isdigit((unsigned char)v[0])
                   ? -1
                   : VCM_PW_BAD_VALUE;
    case VCM_PK_CODE: {
        if (n != 2 || !isalpha((unsigned char)v[0]) || !isalpha((unsigned char)v[1]))
            return VCM_PW_BAD_VALUE;
        char *c = vcm_arena_alloc(a, 3);
        if (!c)
            return VCM_PW_TOO_LONG;
        c[0] = (char)toupper((unsigned char)v[0]);
        c[1] = (char)toupper((unsigned char)v[1]);
        c[2] = '\0';
        out->s = c;
        return -1;
    }
    case VCM_PK_ORIGIN: {
        vcm_filter f = {0};
        if (vcm_filter_origin_parse(&f, v, n) < 0)
            return VCM_PW_BAD_VALUE;
        out->s = v;
        return -1;
    }
    case VCM_PK_ENUM: {
        int i = d->values ? index_of(d->values, v, n) : d->find(v);
        if (i < 0)
            return VCM_PW_BAD_VALUE;
        out->i = i;
        return -1;
    }
    case VCM_PK_INT:
    case VCM_PK_PAGE:
        /* century 0 does not exist: the 1st century BCE is -1 */
        if (!parse_long(v, d->min, d->max, &out->i) || (d->id == VCM_P_CENTURY && out->i == 0))
            return VCM_PW_BAD_VALUE;
        return -1;
    case VCM_PK_YEARS:
        return vcm_squery_years(v, n, &out->years.from, &out->years.to) < 0 ? VCM_PW_BAD_VALUE
                                                                             : -1;
    case VCM_PK_BOOL:
        if (!strcmp(v, "1") || !strcasecmp(v, "yes") || !strcasecmp(v, "true"))
            out->i = 1;
        else if (!strcmp(v, "0") || !strcasecmp(v, "no") || !strcasecmp(v, "false"))
            out->i = 0;
        else
            return VCM_PW_BAD_VALUE;
        return -1;
    case VCM_PK_CURSOR:
    case VCM_PK_IDS: {
        if (n > (size_t)d->max)
            return VCM_PW_TOO_LONG;
        const char *ok = d->kind == VCM_PK_IDS ? "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-,"
                                               : "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-";
        if (strspn(v, ok) != n)
            return VCM_PW_BAD_VALUE;
        out->s = v;
        return -1;
    }
    case VCM_PK_LIST: {
        uint64_t mask = 0;
        if (strcasecmp(v, "none") != 0)
            for (const char *s = v;;) {
                const char *c = strchr(s, ',');
                size_t k = c ? (size_t)(c - s) : strlen(s);
                int i = index_of(d->values, s, k);
                if (i < 0)
                    return VCM_PW_BAD_VALUE;
                mask |= 1ull << i;
                if (!c)
                    break;
                s = c + 1;
            }
        out->i = (int64_t)mask;
        return -1;
    }
    case VCM_PK_LANG:
        if (n > (size_t)d->max)
            return VCM_PW_TOO_LONG;
        if (!lang_tag(v))
            return VCM_PW_BAD_VALUE;
        out->s = v;
        return -1;
    }
    return VCM_PW_BAD_VALUE;
}

static void add_error(vcm_params *p, const char *name, vcm_param_why why, const vcm_param_def *d)
{
    if (p->nerrors < VCM_PARAMS_MAX_ERRORS)
        p->errors[p->nerrors] = (vcm_param_error){name, why, d};
    p->nerrors++;
}

/* A name that does not decode is named as written, cut short: it is only
 * shown back, escaped, to say which one was left out. */
static const char *raw_name(vcm_arena *a, const char *s, size_t n)
{
    char *c = vcm_arena_alloc(a, 41);
    if (!c)
        return "?";
    size_t k = 0;
    for (size_t i = 0; i < n && k < 40; i++)
        c[k++] = (unsigned char)s[i] < 0x80 && isprint((unsigned char)s[i]) ? s[i] : '?';
    c[k] = '\0';
    return c;
}

int vcm_params_parse(vcm_arena *a, const char *s, size_t n, unsigned route, vcm_params *p)
{
    memset(p, 0, sizeof *p);
    p->route = route;
    bool seen[VCM_P_COUNT] = {0};
    const vcm_param_def *used[VCM_P_COUNT] = {0};
    for (size_t i = 0; i < n;) {
        const char *amp = memchr(s + i, '&', n - i);
        size_t end = amp ? (size_t)(amp - s) : n;
        const char *pair = s + i;
        size_t plen = end - i;
        i = end + 1;
        if (!plen)
            continue;
        const char *eq = memchr(pair, '=', plen);
        size_t nlen = eq ? (size_t)(eq - pair) : plen;
        bool oom = false;
        const char *name = vcm_pct_decode_dup(a, pair, nlen, true, &oom);
        if (oom)
            return -1;
        if (!name) {
            add_error(p, raw_name(a, pair, nlen), VCM_PW_ENCODING, NULL);
            continue;
        }
        const vcm_param_def *d = NULL;
        for (size_t k = 0; k < vcm_param_ndefs && !d; k++)
            if ((vcm_param_defs[k].routes & route) && strcmp(vcm_param_defs[k].name, name) == 0)
                d = &vcm_param_defs[k];
        if (!d) {
            add_error(p, name, VCM_PW_UNKNOWN, NULL);
            continue;
        }
        const char *v = eq ? vcm_pct_decode_dup(a, eq + 1, plen - nlen - 1, true, &oom) : "";
        if (oom)
            return -1;
        if (!v) {
            add_error(p, name, VCM_PW_ENCODING, d);
            continue;
        }
        /* a second value would mean one thing to us and another to a cache
         * or a proxy that reads the first or the last */
        if (seen[d->id]) {
            if (p->set[d->id] || *v) {
                p->set[d->id] = false;
                p->raw[d->id] = NULL;
                add_error(p, name, VCM_PW_REPEATED, d);
            }
            continue;
        }
        seen[d->id] = true;
        used[d->id] = d;
        if (!*v)
            continue; /* a form's empty field: not given */
        int why = read_value(d, a, v, &p->v[d->id]);
        if (why >= 0) {
            add_error(p, name, (vcm_param_why)why, d);
            continue;
        }
        p->set[d->id] = true;
        p->raw[d->id] = v;
    }
    /* A search cursor belongs to the sort it was made for (its first
     * letter says which): with another, it would seek to a wrong place. */
    if (p->set[VCM_P_CURSOR] && (route & R_SEARCH) &&
        p->v[VCM_P_CURSOR].s[0] != "rdDtm"[vcm_params_int(p, VCM_P_SORT, 0)]) {
        p->set[VCM_P_CURSOR] = false;
        p->raw[VCM_P_CURSOR] = NULL;
        add_error(p, "cursor", VCM_PW_BAD_VALUE, used[VCM_P_CURSOR]);
    }
    if (p->set[VCM_P_CURSOR] && (route & VCM_ROUTE_API_OBJECTS)) {
        int64_t after = vcm_params_cursor_decode(p->v[VCM_P_CURSOR].s);
        if (after < 0) {
            p->set[VCM_P_CURSOR] = false;
            p->raw[VCM_P_CURSOR] = NULL;
            add_error(p, "cursor", VCM_PW_BAD_VALUE, used[VCM_P_CURSOR]);
        } else {
            p->v[VCM_P_CURSOR].i = after; /* the object list seeks by id */
        }
    }
    /* A classification selects a concept (search/terms.h): its id, or the
     * museum's own words for it, read as the import reads them ("Prints",
     * "版画" and "print" are one). raw keeps what was given. A value with
     * no words selects nothing ("~" is no object's key). */
    if (p->set[VCM_P_CLASSIFICATION]) {
        char key[VCM_TERMS_KEY_MAX];
        size_t kl = vcm_terms_filter_key(p->v[VCM_P_CLASSIFICATION].s, key, sizeof key);
        if (!(p->v[VCM_P_CLASSIFICATION].s = vcm_arena_strdup(a, kl ? key : "~")))
            return -1;
    }
    return p->nerrors ? 1 : 0;
}

const char *vcm_param_error_key(const vcm_param_error *e)
{
    switch (e->why) {
    case VCM_PW_UNKNOWN: return "param.unknown";
    case VCM_PW_ENCODING: return "param.encoding";
    case VCM_PW_REPEATED: return "param.repeated";
    case VCM_PW_TOO_LONG: return "param.too_long";
    case VCM_PW_BAD_VALUE: break;
    }
    return e->def ? e->def->msg : "param.unknown";
}

void vcm_params_cursor_encode(int64_t id, char out[20])
{
    static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    char tmp[20];
    int n = 0;
    uint64_t v = (uint64_t)id;
    do {
        tmp[n++] = digits[v % 36];
        v /= 36;
    } while (v && n < 18);
    out[0] = 'o';
    for (int i = 0; i < n; i++)
        out[1 + i] = tmp[n - 1 - i];
    out[1 + n] = '\0';
}

int64_t vcm_params_cursor_decode(const char *s)
{
    /* 12 base-36 digits hold any id below 36^12 (4.7e18 > INT64_MAX / 2) */
    if (!s || s[0] != 'o' || !s[1] || strlen(s) > 13)
        return -1;
    int64_t v = 0;
    for (const char *p = s + 1; *p; p++) {
        int d = *p >= '0' && *p <= '9' ? *p - '0' : *p >= 'a' && *p <= 'z' ? *p - 'a' + 10 : -1;
        if (d < 0 || v > (INT64_MAX - d) / 36)
            return -1;
        v = v * 36 + d;
    }
    return v;
}

/* ---- for handlers: reading a request, and what its parameters become ---- */

#define MAX_CATALOGUE (1 << 20)

/* Reads the catalogues of dir: vcm.pot (English), every LANG.po, and any
 * LANG.tsv. */
static int load_dir(const char *dir, char *err, size_t errlen)
{
    int rc = -1, n = 0;
    char *text = NULL;
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "cannot open VCM_LOCALE_DIR '%s'", dir);
        return -1;
    }
    text = malloc(MAX_CATALOGUE + 1);
    if (!text) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        bool pot = strcmp(e->d_name, "vcm.pot") == 0;
        bool po = l >= 4 && l <= 19 && strcmp(e->d_name + l - 3, ".po") == 0;
        bool tsv = l >= 5 && l <= 20 && strcmp(e->d_name + l - 4, ".tsv") == 0;
        if (!pot && !po && !tsv)
            continue;
        char path[4200], lang[16];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (pot)
            snprintf(lang, sizeof lang, "en");
        else
            snprintf(lang, sizeof lang, "%.*s", (int)(l - (po ? 3 : 4)), e->d_name);
        FILE *f = fopen(path, "rb");
        if (!f) {
            snprintf(err, errlen, "cannot open '%s'", path);
            goto out;
        }
        size_t len = fread(text, 1, MAX_CATALOGUE + 1, f);
        bool bad = ferror(f) || len > MAX_CATALOGUE;
        fclose(f);
        if (bad) {
            snprintf(err, errlen, "cannot read '%s' (at most %d bytes)", path, MAX_CATALOGUE);
            goto out;
        }
        if ((tsv ? vcm_i18n_load(lang, text, len, err, errlen)
                 : vcm_i18n_load_po(lang, pot, text, len, err, errlen)) < 0)
            goto out;
        n++;
    }
    if (!n) {
        snprintf(err, errlen, "VCM_LOCALE_DIR '%s' holds no catalogue (vcm.pot, LANG.po)", dir);
        goto out;
    }
    rc = 0;
out:
    free(text);
    closedir(d);
    return rc;
}

int vcm_web_catalogues(char *err, size_t errlen)
{
    const char *dir = getenv("VCM_LOCALE_DIR");
    return dir && *dir ? load_dir(dir, err, errlen) : vcm_i18n_load_builtin(err, errlen);
}

const char *vcm_web_lang(const vcm_req *req)
{
    return vcm_req_lang(req);
}

const char *vcm_web_t(const vcm_req *req, const char *key)
{
    return vcm_t(vcm_web_lang(req), key);
}

const char *vcm_web_tf(const vcm_req *req, const char *key, const char *arg)
{
    const char *t = vcm_web_t(req, key);
    const char *at = strstr(t, "{}");
    if (!at)
        return t;
    char *r = vcm_arena_printf(req->arena, "%.*s%s%s", (int)(at - t), t, arg ? arg : "", at + 2);
    return r ? r : t;
}

/* t with {N} replaced by args[N-1], from the request's arena; t itself
 * when it has no placeholder or memory is short. */
static const char *fill(const vcm_req *req, const char *t, int nargs, const char *const args[])
{
    if (!strchr(t, '{'))
        return t;
    /* measured first: an argument may be asked for more than once */
    size_t cap = 1;
    for (const char *p = t; *p;) {
        int n = p[0] == '{' && p[1] >= '1' && p[1] <= '9' && p[2] == '}' ? p[1] - '0' : 0;
        if (n && n <= nargs) {
            cap += strlen(args[n - 1] ? args[n - 1] : "");
            p += 3;
        } else {
            cap++, p++;
        }
    }
    char *r = vcm_arena_alloc(req->arena, cap);
    if (!r)
        return t;
    size_t o = 0;
    for (const char *p = t; *p;) {
        int n = p[0] == '{' && p[1] >= '1' && p[1] <= '9' && p[2] == '}' ? p[1] - '0' : 0;
        if (n && n <= nargs) {
            const char *a = args[n - 1] ? args[n - 1] : "";
            size_t l = strlen(a);
            memcpy(r + o, a, l);
            o += l;
            p += 3;
        } else {
            r[o++] = *p++; /* text, or a {N} without an argument: left as written */
        }
    }
    r[o] = '\0';
    return r;
}

const char *vcm_web_tfv(const vcm_req *req, const char *key, int nargs, const char *const args[])
{
    return fill(req, vcm_web_t(req, key), nargs, args);
}

const char *vcm_web_tnv(const vcm_req *req, const char *key, int64_t n, int nargs,
                        const char *const args[])
{
    char text[1024];
    /* on a bad message text holds the key: the gap shows */
    vcm_tn(vcm_web_lang(req), key, n, text, sizeof text);
    const char *t = vcm_arena_strdup(req->arena, text);
    return t ? fill(req, t, nargs, args) : key;
}

const char *vcm_web_tn(const vcm_req *req, const char *key, int64_t n)
{
    return vcm_web_tnv(req, key, n, 0, NULL);
}

const char *vcm_web_century(const vcm_req *req, int century)
{
    char b[256];
    vcm_l10n_century(vcm_web_lang(req), century, b, sizeof b);
    const char *r = vcm_arena_strdup(req->arena, b);
    return r ? r : "";
}

static const char *error_sentence(const vcm_req *req, const vcm_param_error *e)
{
    return vcm_web_tf(req, vcm_param_error_key(e), e->name);
}

int vcm_web_params(vcm_req *req, vcm_resp *resp, unsigned route, vcm_params *p, json_t **notes)
{
    if (notes)
        *notes = NULL;
    const char *q = req->query ? req->query : "";
    int rc = vcm_params_parse(req->arena, q, strlen(q), route, p);
    if (rc < 0)
        return vcm_web_error(req, resp, 500, vcm_web_t(req, "error.500"));
    if (rc == 0)
        return 1;
    size_t n = p->nerrors < VCM_PARAMS_MAX_ERRORS ? p->nerrors : VCM_PARAMS_MAX_ERRORS;
    if (route & VCM_ROUTES_STRICT) {
        /* RFC 9457, with the parameters named as its example does */
        json_t *list = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(list, json_pack("{s:s, s:s}", "name", p->errors[i].name,
                                                  "reason", error_sentence(req, &p->errors[i])));
        json_t *d = json_pack("{s:s, s:s, s:i, s:s, s:s, s:o}", "type", "about:blank", "title",
                              vcm_web_t(req, "error.400.title"), "status", 400, "detail",
                              error_sentence(req, &p->errors[0]), "instance", req->path,
                              "invalid-params", list);
        vcm_buf_reset(&resp->body);
        vcm_web_json(req, resp, 400, d);
        return 0;
    }
    if (notes) {
        *notes = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(*notes, json_string(error_sentence(req, &p->errors[i])));
        if (p->nerrors > n)
            json_array_append_new(*notes, json_string(vcm_web_t(req, "param.more")));
    }
    return 1;
}

void vcm_params_filter(const vcm_params *p, vcm_filter *f)
{
    memset(f, 0, sizeof *f);
    if (p->set[VCM_P_REGION])
        f->regions = 1u << p->v[VCM_P_REGION].i;
    if (p->set[VCM_P_COUNTRY])
        memcpy(f->country, p->v[VCM_P_COUNTRY].s, 3);
    if (p->set[VCM_P_ORIGIN]) /* checked when read */
        vcm_filter_origin_parse(f, p->v[VCM_P_ORIGIN].s, strlen(p->v[VCM_P_ORIGIN].s));
    f->museum = vcm_params_int(p, VCM_P_MUSEUM, 0);
    f->classification = vcm_params_str(p, VCM_P_CLASSIFICATION);
    f->century = (int)vcm_params_int(p, VCM_P_CENTURY, 0);
    if (p->set[VCM_P_DATE]) {
        f->has_date = true;
        f->date_from = p->v[VCM_P_DATE].years.from;
        f->date_to = p->v[VCM_P_DATE].years.to;
    }
    /* the lists' indexes: yes_no ("no", "yes"), licences ("other", "open") */
    if (p->set[VCM_P_IMAGE])
        f->image = p->v[VCM_P_IMAGE].i ? VCM_YES : VCM_NO;
    if (p->set[VCM_P_LICENCE])
        f->open = p->v[VCM_P_LICENCE].i ? VCM_YES : VCM_NO;
    f->material = p->set[VCM_P_MATERIAL] ? p->raw[VCM_P_MATERIAL] : NULL;
    f->source_id = vcm_params_str(p, VCM_P_SOURCE_ID);
    if (p->route & VCM_ROUTE_API_OBJECTS) {
        /* the object list's paging; the search has its own */
        if (p->set[VCM_P_CURSOR])
            f->after_id = p->v[VCM_P_CURSOR].i;
        f->limit = (int)vcm_params_int(p, VCM_P_LIMIT, 0);
    }
}

void vcm_params_search(const vcm_params *p, const vcm_req *req, vcm_search_params *sp)
{
    vcm_search_params_init(sp);
    sp->q = p->set[VCM_P_Q] ? p->v[VCM_P_Q].s : NULL;
    vcm_params_filter(p, &sp->filter);
    sp->sort = (enum vcm_sort)vcm_params_int(p, VCM_P_SORT, VCM_SORT_RELEVANCE);
    sp->no_expand = vcm_params_int(p, VCM_P_EXPAND, 1) == 0;
    sp->no_expand_ids = vcm_params_str(p, VCM_P_NOEXPAND);
    sp->cursor = vcm_params_str(p, VCM_P_CURSOR);
    sp->offset = (size_t)vcm_params_int(p, VCM_P_OFFSET, 0);
    if (p->set[VCM_P_LIMIT])
        sp->limit = (size_t)p->v[VCM_P_LIMIT].i;
    sp->facets = (unsigned)vcm_params_int(p, VCM_P_FACETS, (1u << VCM_FACET_KINDS) - 1);
    sp->lang = vcm_web_lang(req);
}
