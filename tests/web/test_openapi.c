/* The OpenAPI document of /api/v1/openapi.json:
 * - the merge of fragments: a path, a component or the head described by
 *   two fragments is refused naming both files, as are bad fragments;
 * - the document built into the program (every openapi/NAME.json, picked
 *   up by the build, so a part that adds a fragment is checked here with no
 *   change to this file) follows OpenAPI 3.1's rules: the required fields,
 *   every $ref resolves, every path parameter declared (and only those),
 *   unique operation ids, known security schemes and tags, errors as
 *   problem documents;
 * - it matches the router: every /api/v1 route is described and every
 *   operation described is routed;
 * - the server answers it, the same document, at /api/v1/openapi.json. */
#include "testutil.h"

#include <jansson.h>
#include <strings.h>

#include "http/router.h"
#include "web/openapi.h"
#include "web/web.h"

static const char *const methods[] = {"get", "put", "post", "delete", "options",
                                      "head", "patch", "trace", NULL};

/* ---- the merge --------------------------------------------------------------- */

static const char *HEAD = "{\"openapi\": \"3.1.0\", \"info\": {\"title\": \"t\", \"version\": \"1\"}}";

static int merge2(const char *a, const char *b, char *err, size_t errlen)
{
    vcm_openapi_frag f[3] = {{"openapi/a.json", HEAD, strlen(HEAD)},
                             {"openapi/b.json", a, strlen(a)},
                             {"openapi/c.json", b, strlen(b)}};
    json_t *doc;
    int r = vcm_openapi_merge(f, 3, &doc, err, errlen);
    if (r == 0)
        json_decref(doc);
    else
        assert_null(doc);
    return r;
}

static void test_merge(void **state)
{
    (void)state;
    char err[600];
    const char *p1 = "{\"paths\": {\"/api/v1/x\": {}}, \"components\": {\"schemas\": {\"X\": {}}}}";
    const char *p2 = "{\"paths\": {\"/api/v1/y\": {}}, \"components\": {\"schemas\": {\"Y\": {}}}}";
    assert_int_equal(merge2(p1, p2, err, sizeof err), 0);

    /* the same path twice: both files named */
    const char *dup = "{\"paths\": {\"/api/v1/x\": {}}}";
    assert_int_equal(merge2(p1, dup, err, sizeof err), -1);
    assert_non_null(strstr(err, "openapi/c.json"));
    assert_non_null(strstr(err, "'/api/v1/x'"));
    assert_non_null(strstr(err, "already described by openapi/b.json"));
    /* the same schema twice */
    const char *dups = "{\"paths\": {}, \"components\": {\"schemas\": {\"X\": {}}}}";
    assert_int_equal(merge2(p1, dups, err, sizeof err), -1);
    assert_non_null(strstr(err, "schemas 'X' is already described by openapi/b.json"));
    /* the head twice */
    assert_int_equal(merge2(p1, HEAD, err, sizeof err), -1);
    assert_non_null(strstr(err, "already given by openapi/a.json"));
    /* not JSON, not an object, an unknown key, a path that is no object */
    assert_int_equal(merge2(p1, "{\"paths\": ", err, sizeof err), -1);
    assert_non_null(strstr(err, "openapi/c.json:1:"));
    assert_int_equal(merge2(p1, "[]", err, sizeof err), -1);
    assert_non_null(strstr(err, "must be a JSON object"));
    assert_int_equal(merge2(p1, "{\"pahts\": {}}", err, sizeof err), -1);
    assert_non_null(strstr(err, "unknown key 'pahts'"));
    assert_int_equal(merge2(p1, "{\"paths\": {\"/z\": 1}}", err, sizeof err), -1);
    /* one key twice in one file (jansson would keep the last silently) */
    assert_int_equal(merge2(p1, "{\"paths\": {\"/z\": {}, \"/z\": {}}}", err, sizeof err), -1);
    /* no head at all */
    vcm_openapi_frag f = {"openapi/b.json", p1, strlen(p1)};
    json_t *doc;
    assert_int_equal(vcm_openapi_merge(&f, 1, &doc, err, sizeof err), -1);
    assert_non_null(strstr(err, "head"));
}

/* ---- OpenAPI 3.1's rules ----------------------------------------------------- */

/* The first rule broken, "" while none is: the checks go on after one so
 * that a test can also run them on documents meant to break them. */
static char problem[1024];

__attribute__((format(printf, 1, 2))) static void bad(const char *fmt, ...)
{
    if (problem[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(problem, sizeof problem, fmt, ap);
    va_end(ap);
}

/* The value a local JSON pointer ("#/a/b~1c") names in doc, or NULL. */
static json_t *resolve(json_t *doc, const char *ref)
{
    if (strncmp(ref, "#/", 2) != 0)
        return NULL;
    json_t *cur = doc;
    const char *p = ref + 2;
    while (cur && *p) {
        const char *end = strchr(p, '/');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char key[256];
        size_t k = 0;
        for (size_t i = 0; i < n && k + 1 < sizeof key; i++) {
            if (p[i] == '~' && i + 1 < n && (p[i + 1] == '0' || p[i + 1] == '1')) {
                key[k++] = p[i + 1] == '0' ? '~' : '/';
                i++;
            } else {
                key[k++] = p[i];
            }
        }
        key[k] = '\0';
        if (json_is_array(cur)) {
            char *e;
            long ix = strtol(key, &e, 10);
            cur = *e ? NULL : json_array_get(cur, (size_t)ix);
        } else {
            cur = json_object_get(cur, key);
        }
        p = end ? end + 1 : p + n;
    }
    return cur;
}

/* Follows $ref (a Reference Object) to what it names. */
static json_t *deref(json_t *doc, json_t *v)
{
    for (int i = 0; i < 8 && json_is_object(v) && json_object_get(v, "$ref"); i++)
        v = resolve(doc, json_string_value(json_object_get(v, "$ref")));
    return v;
}

/* Every $ref anywhere in v: a local pointer that resolves. */
static void check_refs(json_t *doc, json_t *v, const char *where)
{
    if (json_is_object(v)) {
        const char *k;
        json_t *m;
        json_object_foreach(v, k, m) {
            if (strcmp(k, "$ref") == 0) {
                if (!json_is_string(m))
                    bad("%s: $ref is not a string", where);
                if (!resolve(doc, json_string_value(m)))
                    bad("%s: $ref '%s' does not resolve", where, json_string_value(m));
            } else {
                check_refs(doc, m, where);
            }
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *m;
        json_array_foreach(v, i, m) check_refs(doc, m, where);
    }
}

static bool has_str(json_t *o, const char *key)
{
    return json_is_string(json_object_get(o, key)) && *json_string_value(json_object_get(o, key));
}

/* A Parameter Object: name, in, and schema or content. */
static void check_param(json_t *doc, json_t *p, const char *where)
{
    p = deref(doc, p);
    if (!json_is_object(p) || !has_str(p, "name") || !has_str(p, "in"))
        {
            bad("%s: a parameter without name or in", where);
            return;
        }
    const char *in = json_string_value(json_object_get(p, "in"));
    if (strcmp(in, "query") && strcmp(in, "path") && strcmp(in, "header") && strcmp(in, "cookie"))
        bad("%s: parameter '%s' in '%s'", where,
                 json_string_value(json_object_get(p, "name")), in);
    if (!json_object_get(p, "schema") && !json_object_get(p, "content"))
        bad("%s: parameter '%s' has neither schema nor content", where,
                 json_string_value(json_object_get(p, "name")));
    if (strcmp(in, "path") == 0 && !json_is_true(json_object_get(p, "required")))
        bad("%s: path parameter '%s' must be required", where,
                 json_string_value(json_object_get(p, "name")));
}

/* The template's {names} against the path parameters declared. */
static void check_path_params(json_t *doc, const char *path, json_t *item, json_t *op,
                              const char *where)
{
    json_t *declared = json_object();
    json_t *lists[2] = {json_object_get(item, "parameters"), json_object_get(op, "parameters")};
    for (int l = 0; l < 2; l++) {
        if (lists[l] && !json_is_array(lists[l]))
            bad("%s: parameters is not an array", where);
        if (!json_is_array(lists[l]))
            continue;
        size_t i;
        json_t *p;
        json_array_foreach(lists[l], i, p) {
            check_param(doc, p, where);
            p = deref(doc, p);
            if (has_str(p, "in") && has_str(p, "name") && strcmp(json_string_value(json_object_get(p, "in")), "path") == 0)
                json_object_set_new(declared, json_string_value(json_object_get(p, "name")),
                                    json_true());
        }
    }
    json_t *used = json_object();
    for (const char *s = strchr(path, '{'); s; s = strchr(s + 1, '{')) {
        const char *e = strchr(s, '}');
        if (!e) {
            bad("%s: an unclosed { in the path", where);
            break;
        }
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)(e - s - 1), s + 1);
        if (!json_object_get(declared, name))
            bad("%s: the path parameter '%s' is not declared", where, name);
        json_object_set_new(used, name, json_true());
    }
    const char *k;
    json_t *v;
    json_object_foreach(declared, k, v) if (!json_object_get(used, k))
        bad("%s: the path parameter '%s' is not in the path", where, k);
    json_decref(declared);
    json_decref(used);
}

static void check_operation(json_t *doc, const char *path, const char *method, json_t *item,
                            json_t *op, json_t *ids)
{
    char where[600];
    snprintf(where, sizeof where, "%s %s", method, path);
    if (!json_is_object(op))
        {
            bad("%s: an operation must be an object", where);
            return;
        }
    if (!has_str(op, "operationId"))
        {
            bad("%s: no operationId", where);
            return;
        }
    const char *id = json_string_value(json_object_get(op, "operationId"));
    if (json_object_get(ids, id))
        bad("%s: operationId '%s' is also %s's", where, id,
                 json_string_value(json_object_get(ids, id)));
    json_object_set_new(ids, id, json_string(where));
    check_path_params(doc, path, item, op, where);
    json_t *responses = json_object_get(op, "responses");
    if (!json_is_object(responses) || json_object_size(responses) == 0)
        bad("%s: no responses", where);
    const char *code;
    json_t *r;
    json_object_foreach(responses, code, r) {
        bool ok = strcmp(code, "default") == 0 ||
                  (strlen(code) == 3 && code[0] >= '1' && code[0] <= '5' &&
                   (strchr("0123456789X", code[1]) && strchr("0123456789X", code[2])));
        if (!ok)
            bad("%s: response code '%s'", where, code);
        r = deref(doc, r);
        if (!json_is_object(r) || !has_str(r, "description")) {
            bad("%s: response %s has no description", where, code);
            continue;
        }
        /* our rule: every error is an RFC 9457 problem document */
        json_t *content = json_object_get(r, "content");
        if (code[0] >= '4' && code[0] <= '5' &&
            (!json_object_get(content, "application/problem+json") || json_object_size(content) != 1))
            bad("%s: response %s must be application/problem+json only", where, code);
    }
    json_t *body = deref(doc, json_object_get(op, "requestBody"));
    if (json_object_get(op, "requestBody") && !json_is_object(json_object_get(body, "content")))
        bad("%s: requestBody without content", where);
    json_t *sec = json_object_get(op, "security");
    size_t i;
    json_t *req;
    json_array_foreach(sec, i, req) {
        const char *name;
        json_t *scopes;
        json_object_foreach(req, name, scopes) {
            if (!json_object_get(json_object_get(json_object_get(doc, "components"),
                                                 "securitySchemes"), name))
                bad("%s: security scheme '%s' is not in components", where, name);
        }
    }
    json_t *tags = json_object_get(op, "tags"), *t;
    json_array_foreach(tags, i, t) {
        bool known = false;
        size_t k;
        json_t *d;
        json_array_foreach(json_object_get(doc, "tags"), k, d)
            known = known || json_equal(json_object_get(d, "name"), t);
        if (!known)
            bad("%s: tag '%s' is not declared in the document's tags", where,
                     json_string_value(t));
    }
}

static json_t *builtin(void)
{
    char err[600];
    json_t *doc;
    if (vcm_openapi_builtin(&doc, err, sizeof err) < 0)
        fail_msg("the built-in document: %s", err);
    return doc;
}

static void test_document_valid(void **state)
{
    (void)state;
    json_t *doc = builtin();
    const char *v = json_string_value(json_object_get(doc, "openapi"));
    assert_non_null(v);
    assert_int_equal(strncmp(v, "3.1.", 4), 0);
    json_t *info = json_object_get(doc, "info");
    assert_true(has_str(info, "title") && has_str(info, "version"));
    problem[0] = '\0';
    check_refs(doc, doc, "the document");
    json_t *paths = json_object_get(doc, "paths"), *ids = json_object();
    assert_true(json_object_size(paths) > 0);
    const char *path;
    json_t *item;
    size_t ops = 0;
    json_object_foreach(paths, path, item) {
        if (path[0] != '/')
            bad("path '%s' does not start with /", path);
        const char *k;
        json_t *op;
        json_object_foreach(item, k, op) {
            bool is_method = false;
            for (size_t m = 0; methods[m]; m++)
                is_method = is_method || strcmp(k, methods[m]) == 0;
            if (is_method) {
                check_operation(doc, path, k, item, op, ids);
                ops++;
            } else if (strcmp(k, "parameters") && strcmp(k, "summary") &&
                       strcmp(k, "description") && strcmp(k, "servers")) {
                bad("%s: '%s' is not a field of a Path Item", path, k);
            }
        }
    }
    if (problem[0])
        fail_msg("%s", problem);
    assert_true(ops >= 10);
    json_decref(ids);
    json_decref(doc);
}

/* The checks above find what they are meant to find. */
static void expect_invalid(const char *frag, const char *why)
{
    char err[600];
    vcm_openapi_frag f[2] = {{"openapi/a.json", HEAD, strlen(HEAD)}, {"openapi/b.json", frag, strlen(frag)}};
    json_t *doc;
    assert_int_equal(vcm_openapi_merge(f, 2, &doc, err, sizeof err), 0);
    problem[0] = '\0';
    check_refs(doc, doc, "d");
    json_t *ids = json_object();
    const char *path;
    json_t *item;
    json_object_foreach(json_object_get(doc, "paths"), path, item)
        check_operation(doc, path, "get", item, json_object_get(item, "get"), ids);
    if (!problem[0])
        fail_msg("a document with %s passed the checks", why);
    json_decref(ids);
    json_decref(doc);
}

static void test_checks_can_fail(void **state)
{
    (void)state;
    const char *ok = "{\"paths\": {\"/a/{id}\": {\"get\": {\"operationId\": \"a\", \"parameters\": "
                     "[{\"name\": \"id\", \"in\": \"path\", \"required\": true, \"schema\": {}}], "
                     "\"responses\": {\"200\": {\"description\": \"d\"}}}}}}";
    char err[600];
    vcm_openapi_frag f[2] = {{"openapi/a.json", HEAD, strlen(HEAD)}, {"openapi/b.json", ok, strlen(ok)}};
    json_t *doc;
    assert_int_equal(vcm_openapi_merge(f, 2, &doc, err, sizeof err), 0);
    json_t *ids = json_object();
    problem[0] = '\0';
    check_operation(doc, "/a/{id}", "get", json_object_get(json_object_get(doc, "paths"), "/a/{id}"),
                    json_object_get(json_object_get(json_object_get(doc, "paths"), "/a/{id}"), "get"),
                    ids);
    assert_string_equal(problem, "");
    json_decref(ids);
    json_decref(doc);
    expect_invalid("{\"paths\": {\"/a/{id}\": {\"get\": {\"operationId\": \"a\", \"responses\": "
                   "{\"200\": {\"description\": \"d\"}}}}}}", "an undeclared path parameter");
    expect_invalid("{\"paths\": {\"/a\": {\"get\": {\"operationId\": \"a\", \"responses\": "
                   "{\"200\": {\"$ref\": \"#/components/responses/Nope\"}}}}}}", "a dangling $ref");
    expect_invalid("{\"paths\": {\"/a\": {\"get\": {\"operationId\": \"a\", \"responses\": "
                   "{\"404\": {\"description\": \"d\", \"content\": {\"text/html\": {}}}}}}}}",
                   "an error that is no problem document");
    expect_invalid("{\"paths\": {\"/a\": {\"get\": {\"operationId\": \"a\", \"responses\": "
                   "{}}}}}", "no responses");
}

/* ---- against the router ------------------------------------------------------ */

static void lower(const char *m, char *out, size_t size)
{
    size_t i = 0;
    for (; m[i] && i + 1 < size; i++)
        out[i] = (char)(m[i] | 0x20);
    out[i] = '\0';
}

static void test_router_described(void **state)
{
    (void)state;
    json_t *doc = builtin(), *paths = json_object_get(doc, "paths");
    vcm_router *r = vcm_router_new();
    assert_non_null(r);
    assert_int_equal(vcm_app_routes(r), 0);
    size_t n = vcm_router_routes(r, 0, NULL, NULL, NULL), api = 0;
    json_t *routed = json_object();
    for (size_t i = 0; i < n; i++) {
        const char *method, *pattern;
        vcm_router_routes(r, i, &method, &pattern, NULL);
        if (strncmp(pattern, "/api/v1/", 8) != 0)
            continue;
        /* CORS preflight answers every API path alike; it is no operation */
        if (strcmp(method, "OPTIONS") == 0)
            continue;
        char m[16];
        lower(method, m, sizeof m);
        char key[600];
        snprintf(key, sizeof key, "%s %s", m, pattern);
        json_object_set_new(routed, key, json_true());
        api++;
        if (!json_object_get(json_object_get(paths, pattern), m))
            fail_msg("the route %s %s is not described in openapi/*.json", method, pattern);
    }
    assert_true(api >= 10);
    const char *path;
    json_t *item;
    json_object_foreach(paths, path, item) {
        for (size_t k = 0; methods[k]; k++) {
            if (!json_object_get(item, methods[k]))
                continue;
            char key[600];
            snprintf(key, sizeof key, "%s %s", methods[k], path);
            if (!json_object_get(routed, key))
                fail_msg("%s is described but the router has no such route", key);
        }
    }
    json_decref(routed);
    vcm_router_free(r);
    json_decref(doc);
}

/* ---- served ------------------------------------------------------------------ */

static void test_served(void **state)
{
    (void)state;
    char *dir = vt_tmpdir(), db[1024];
    vt_db_url(db, sizeof db, dir, "openapi");
    struct vt_server s;
    vt_server_start(&s, db);
    struct vt_resp r = vt_get(&s, "/api/v1/openapi.json");
    vt_server_stop(&s); /* before any check can fail and leave it running */
    assert_int_equal(r.status, 200);
    const char *ct = vt_header(&r, "Content-Type");
    assert_non_null(ct);
    assert_int_equal(strncmp(ct, "application/json", 16), 0);
    assert_non_null(vt_header(&r, "Access-Control-Allow-Origin"));
    json_error_t je;
    json_t *got = json_loadb(r.body, r.len, 0, &je), *want = builtin();
    assert_non_null(got);
    assert_true(json_equal(got, want));
    json_decref(got);
    json_decref(want);
    vt_resp_free(&r);
    vt_rmrf(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merge),
        cmocka_unit_test(test_document_valid),
        cmocka_unit_test(test_checks_can_fail),
        cmocka_unit_test(test_router_described),
        cmocka_unit_test(test_served),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
