/* Router design
 *
 * Routes live in a tree of path segments. Each node has literal children
 * (a small array, compared by length then bytes), at most one {param} child
 * and at most one {*rest} child, and the routes that end at it: one entry
 * per method, each with its own pattern and parameter names. The tree and
 * every string in it sit in the router's own arena, freed in one go.
 *
 * Matching is a depth-first walk over the raw path without splitting or
 * copying it: literal child first, then {param}, then {*rest}, backtracking
 * when a branch dead-ends. Each tree node is tried at most once per match
 * (a node sits at one fixed depth), so the cost is bounded by the size of
 * the tree, never exponential in the path. Captures are (pointer, length)
 * pairs into the path, pushed on the way down and popped on backtrack; only
 * the winner's are decoded into the request arena.
 *
 * Invariants: a node holds at most one entry per method; a {*rest} node has
 * no children; no route has more than VCM_REQ_MAX_PARAMS parameters, so the
 * capture stack cannot overflow. */
#include "http/router.h"

#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/langs.h"
#include "core/log.h"
#include "http/query.h"

#include "core/banned.h"

#define METHOD_MAX 16
#define ALLOW_MAX 32 /* distinct methods listed in one Allow header */

struct entry {
    const char *method;
    vcm_handler handler;
    const char *pattern;
    const char *action;
    int nparams;
    bool has_rest; /* the last parameter is {*name} */
    const char *names[VCM_REQ_MAX_PARAMS];
};

struct node {
    const char *seg; /* literal children only */
    size_t seglen;
    struct node **lits;
    size_t nlits, caplits;
    struct node *param, *rest;
    struct entry *entries;
    size_t nentries, capentries;
};

struct vcm_router {
    vcm_arena arena;
    struct node root;
    /* every route in the order added, for vcm_router_routes */
    struct listed {
        const char *method, *pattern, *action;
    } *list;
    size_t nlist, caplist;
};

vcm_router *vcm_router_new(void)
{
    vcm_router *r = calloc(1, sizeof *r);
    if (r)
        vcm_arena_init(&r->arena, 0);
    return r;
}

void vcm_router_free(vcm_router *r)
{
    if (!r)
        return;
    vcm_arena_release(&r->arena);
    free(r);
}

/* tchar of RFC 9110 */
static bool is_tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* pchar of RFC 3986 without pct-encoded: what a literal segment may hold so
 * that it compares equal to what a client sends. */
static bool is_literal_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("-._~!$&'()*+,;=:@", c));
}

static bool is_name_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_';
}

/* Grows *arr (of *cap elements of size sz) to hold one more, in the arena. */
static int grow(vcm_arena *a, void **arr, size_t n, size_t *cap, size_t sz)
{
    if (n < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 4;
    void *p = vcm_arena_calloc(a, ncap, sz);
    if (!p)
        return -1;
    if (n)
        memcpy(p, *arr, n * sz);
    *arr = p;
    *cap = ncap;
    return 0;
}

static struct node *literal_child(vcm_router *r, struct node *n, const char *seg, size_t len)
{
    for (size_t i = 0; i < n->nlits; i++)
        if (n->lits[i]->seglen == len && memcmp(n->lits[i]->seg, seg, len) == 0)
            return n->lits[i];
    void *arr = n->lits;
    struct node *c = vcm_arena_calloc(&r->arena, 1, sizeof *c);
    if (!c || grow(&r->arena, &arr, n->nlits, &n->caplits, sizeof *n->lits) < 0)
        return NULL;
    n->lits = arr;
    c->seg = vcm_arena_strndup(&r->arena, seg, len);
    if (!c->seg)
        return NULL;
    c->seglen = len;
    n->lits[n->nlits++] = c;
    return c;
}

static struct node *param_child(vcm_router *r, struct node **slot)
{
    if (!*slot)
        *slot = vcm_arena_calloc(&r->arena, 1, sizeof **slot);
    return *slot;
}

/* Checks the whole pattern before the tree is touched, so a bad route adds
 * no nodes. Returns NULL or the reason. */
static const char *check_pattern(const char *pattern)
{
    if (pattern[0] != '/')
        return "pattern must start with '/'";
    int nparams = 0;
    const char *p = pattern + 1;
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        bool last = !slash;
        if (len == 0)
            return "empty segment";
        if (p[0] == '{') {
            bool rest = len > 1 && p[1] == '*';
            size_t start = rest ? 2 : 1;
            if (p[len - 1] != '}' || len < start + 2)
                return "a parameter is {name} or {*name} and fills its segment";
            for (size_t i = start; i < len - 1; i++)
                if (!is_name_char((unsigned char)p[i]))
                    return "parameter names hold letters, digits and '_'";
            if (rest && !last)
                return "{*name} must be the last segment";
            if (++nparams > VCM_REQ_MAX_PARAMS)
                return "too many parameters";
        } else {
            if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
                return "'.' and '..' segments never match";
            for (size_t i = 0; i < len; i++)
                if (!is_literal_char((unsigned char)p[i]))
                    return "literal segments hold unreserved characters only (no '%', '{', '}')";
        }
        if (last)
            break;
        p = slash + 1;
        if (!*p) /* trailing slash: an empty last literal, matched as such */
            break;
    }
    return NULL;
}

bool vcm_router_method_writes(const char *method)
{
    return method && (strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
                      strcmp(method, "PATCH") == 0 || strcmp(method, "DELETE") == 0);
}

size_t vcm_router_routes(const vcm_router *r, size_t i, const char **method,
                         const char **pattern, const char **action)
{
    if (i < r->nlist) {
        if (method)
            *method = r->list[i].method;
        if (pattern)
            *pattern = r->list[i].pattern;
        if (action)
            *action = r->list[i].action;
    }
    return r->nlist;
}

int vcm_router_add(vcm_router *r, const char *method, const char *pattern, vcm_handler h)
{
    return vcm_router_add_action(r, method, pattern, h, NULL);
}

int vcm_router_add_action(vcm_router *r, const char *method, const char *pattern, vcm_handler h,
                          const char *action)
{
    int rc = -1;
    const char *why = NULL;
    size_t mlen = method ? strlen(method) : 0;
    if (action && !*action)
        action = NULL;
    if (!h || !pattern) {
        why = "no handler or pattern";
        goto out;
    }
    if (vcm_router_method_writes(method) && !action) {
        why = "a route that changes state must name its action";
        goto out;
    }
    if (mlen == 0 || mlen >= METHOD_MAX) {
        why = "bad method";
        goto out;
    }
    for (size_t i = 0; i < mlen; i++)
        if (!is_tchar((unsigned char)method[i])) {
            why = "bad method";
            goto out;
        }
    if ((why = check_pattern(pattern)))
        goto out;

    struct entry e = {.handler = h, .action = action};
    struct node *n = &r->root;
    const char *p = pattern + 1;
    why = "out of memory";
    /* "/" is the root itself; "/a/" is "a" then an empty literal. */
    for (bool more = *p != '\0'; more;) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        if (len && p[0] == '{') {
            bool rest = p[1] == '*';
            size_t start = rest ? 2 : 1;
            e.names[e.nparams] = vcm_arena_strndup(&r->arena, p + start, len - start - 1);
            if (!e.names[e.nparams++])
                goto out;
            e.has_rest = rest;
            n = param_child(r, rest ? &n->rest : &n->param);
        } else {
            n = literal_child(r, n, p, len);
        }
        if (!n)
            goto out;
        more = slash != NULL;
        if (slash)
            p = slash + 1;
    }
    for (size_t i = 0; i < n->nentries; i++)
        if (strcmp(n->entries[i].method, method) == 0) {
            why = "method already routed for this path";
            goto out;
        }
    e.method = vcm_arena_strdup(&r->arena, method);
    e.pattern = vcm_arena_strdup(&r->arena, pattern);
    void *arr = n->entries;
    if (!e.method || !e.pattern ||
        grow(&r->arena, &arr, n->nentries, &n->capentries, sizeof *n->entries) < 0)
        goto out;
    n->entries = arr;
    void *larr = r->list;
    if (grow(&r->arena, &larr, r->nlist, &r->caplist, sizeof *r->list) < 0)
        goto out;
    r->list = larr;
    r->list[r->nlist++] = (struct listed){e.method, e.pattern, action};
    n->entries[n->nentries++] = e;
    rc = 0;
out:
    if (rc < 0)
        vcm_error("cannot add route", "method=%s pattern=\"%s\" reason=\"%s\"",
                  method ? method : "(null)", pattern ? pattern : "(null)", why);
    return rc;
}

/* ---- matching ---- */

struct match {
    const char *method;
    bool head;
    const char *end;
    const char *cap[VCM_REQ_MAX_PARAMS];
    size_t caplen[VCM_REQ_MAX_PARAMS];
    int ncap;
    const struct entry *found;
    /* Nodes where the path matched but the method did not, for Allow. */
    const struct node *seen[ALLOW_MAX];
    int nseen;
};

/* The route of n for the method; HEAD falls back to GET. */
static bool terminal(const struct node *n, struct match *m)
{
    if (n->nentries == 0)
        return false;
    const struct entry *get = NULL;
    for (size_t i = 0; i < n->nentries; i++) {
        if (strcmp(n->entries[i].method, m->method) == 0) {
            m->found = &n->entries[i];
            return true;
        }
        if (m->head && strcmp(n->entries[i].method, "GET") == 0)
            get = &n->entries[i];
    }
    if (get) {
        m->found = get;
        return true;
    }
    if (m->nseen < ALLOW_MAX)
        m->seen[m->nseen++] = n;
    return false;
}

/* Matches the segment starting at p (done: no segment left) below n. */
static bool walk(const struct node *n, const char *p, bool done, struct match *m)
{
    if (done)
        return terminal(n, m);
    const char *slash = memchr(p, '/', (size_t)(m->end - p));
    size_t len = slash ? (size_t)(slash - p) : (size_t)(m->end - p);
    const char *next = slash ? slash + 1 : m->end;
    bool next_done = !slash;
    for (size_t i = 0; i < n->nlits; i++) {
        const struct node *c = n->lits[i];
        if (c->seglen == len && memcmp(c->seg, p, len) == 0) {
            if (walk(c, next, next_done, m))
                return true;
            break; /* literals are unique among siblings */
        }
    }
    if (n->param && len > 0) {
        assert(m->ncap < VCM_REQ_MAX_PARAMS);
        m->cap[m->ncap] = p;
        m->caplen[m->ncap++] = len;
        if (walk(n->param, next, next_done, m))
            return true;
        m->ncap--;
    }
    if (n->rest && p < m->end) {
        assert(m->ncap < VCM_REQ_MAX_PARAMS);
        m->cap[m->ncap] = p;
        m->caplen[m->ncap++] = (size_t)(m->end - p);
        if (terminal(n->rest, m))
            return true;
        m->ncap--;
    }
    return false;
}

/* "." or ".." written with any mix of '.' and %2e. */
static bool is_dot_segment(const char *s, size_t n)
{
    int dots = 0;
    for (size_t i = 0; i < n;) {
        if (s[i] == '.') {
            i++;
        } else if (n - i >= 3 && s[i] == '%' && s[i + 1] == '2' && (s[i + 2] | 0x20) == 'e') {
            i += 3;
        } else {
            return false;
        }
        if (++dots > 2)
            return false;
    }
    return dots > 0;
}

/* Rejects "//" (an empty segment that is not the trailing one) and dot
 * segments. */
static bool path_is_clean(const char *path, size_t len)
{
    if (len == 0 || path[0] != '/')
        return false;
    const char *p = path + 1, *end = path + len;
    while (p < end) {
        const char *slash = memchr(p, '/', (size_t)(end - p));
        size_t n = slash ? (size_t)(slash - p) : (size_t)(end - p);
        if ((n == 0 && slash) || is_dot_segment(p, n))
            return false;
        if (!slash)
            break;
        p = slash + 1;
    }
    return true;
}

/* A decoded {*rest} value: non-empty segments, none "." or "..". */
static bool rest_is_clean(const char *s)
{
    for (;;) {
        const char *slash = strchr(s, '/');
        size_t n = slash ? (size_t)(slash - s) : strlen(s);
        if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
            return false;
        if (!slash)
            return true;
        s = slash + 1;
    }
}

static const char *build_allow(vcm_arena *a, const struct match *m)
{
    const char *names[ALLOW_MAX + 1];
    int n = 0;
    bool get = false, head = false;
    for (int i = 0; i < m->nseen; i++)
        for (size_t k = 0; k < m->seen[i]->nentries; k++) {
            const char *meth = m->seen[i]->entries[k].method;
            bool dup = false;
            for (int j = 0; j < n && !dup; j++)
                dup = strcmp(names[j], meth) == 0;
            if (dup || n >= ALLOW_MAX)
                continue;
            names[n++] = meth;
            get |= strcmp(meth, "GET") == 0;
            head |= strcmp(meth, "HEAD") == 0;
        }
    if (get && !head)
        names[n++] = "HEAD";
    vcm_buf b;
    vcm_buf_init(&b, 4096);
    for (int i = 0; i < n; i++)
        if ((i && vcm_buf_puts(&b, ", ") < 0) || vcm_buf_puts(&b, names[i]) < 0)
            break;
    char *s = vcm_arena_strndup(a, b.data ? b.data : "", b.len);
    vcm_buf_release(&b);
    return s;
}

enum vcm_route_status vcm_router_match(const vcm_router *r, vcm_arena *a, const char *method,
                                       const char *path, size_t len, vcm_route *out)
{
    memset(out, 0, sizeof *out);
    if (!path_is_clean(path, len))
        return VCM_ROUTE_NOT_FOUND;
    struct match m = {.method = method, .head = strcmp(method, "HEAD") == 0, .end = path + len};
    bool root = len == 1;
    if (!walk(&r->root, path + 1, root, &m)) {
        if (m.nseen == 0)
            return VCM_ROUTE_NOT_FOUND;
        out->allow = build_allow(a, &m);
        return out->allow ? VCM_ROUTE_NOT_ALLOWED : VCM_ROUTE_NO_MEMORY;
    }
    const struct entry *e = m.found;
    assert(e->nparams == m.ncap);
    out->handler = e->handler;
    out->pattern = e->pattern;
    out->action = e->action;
    for (int i = 0; i < m.ncap; i++) {
        bool oom;
        char *v = vcm_pct_decode_dup(a, m.cap[i], m.caplen[i], false, &oom);
        if (!v)
            return oom ? VCM_ROUTE_NO_MEMORY : VCM_ROUTE_BAD_REQUEST;
        out->param_names[i] = e->names[i];
        out->params[i] = v;
    }
    out->nparams = m.ncap;
    if (e->has_rest && !rest_is_clean(out->params[m.ncap - 1]))
        return VCM_ROUTE_NOT_FOUND;
    return VCM_ROUTE_FOUND;
}

enum vcm_route_status vcm_router_match_lang(const vcm_router *r, vcm_arena *a, const char *method,
                                            const char *path, vcm_route *out,
                                            const char **lang_prefix, const char **rest)
{
    *lang_prefix = "";
    *rest = path;
    enum vcm_route_status st = vcm_router_match(r, a, method, path, strlen(path), out);
    /* A route of its own wins over a prefix: the prefixes are the codes of
     * core/langs.h, "/id" among them. */
    const char *after;
    const vcm_lang *pl = st == VCM_ROUTE_NOT_FOUND ? vcm_lang_prefix(path, &after) : NULL;
    if (!pl)
        return st;
    if (!(*lang_prefix = vcm_arena_printf(a, "/%s", pl->code))) {
        *lang_prefix = "";
        return VCM_ROUTE_NO_MEMORY;
    }
    *rest = after;
    return vcm_lang_path_localized(after)
               ? vcm_router_match(r, a, method, after, strlen(after), out)
               : VCM_ROUTE_NOT_FOUND;
}

enum vcm_route_status vcm_router_run(const vcm_router *r, vcm_req *req, vcm_resp *resp, int *rc)
{
    vcm_route route;
    const char *prefix, *rest;
    *rc = -1;
    enum vcm_route_status st =
        vcm_router_match_lang(r, req->arena, req->method, req->path, &route, &prefix, &rest);
    if (st != VCM_ROUTE_FOUND)
        return st;
    req->raw_path = req->path;
    req->path = rest;
    req->lang_prefix = prefix;
    if (!req->query)
        req->query = "";
    if (!req->body)
        req->body = "";
    req->nparams = route.nparams;
    req->action = route.action;
    memcpy(req->param_names, route.param_names, sizeof req->param_names);
    memcpy(req->params, route.params, sizeof req->params);
    vcm_req_choose_lang(req);
    /* impl stays NULL: vcm_req_suspend refuses, and the handler answers now */
    *rc = route.handler(req, resp);
    return st;
}
