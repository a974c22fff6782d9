/* Assembling the OpenAPI document from its fragments (openapi.h).
 *
 * The merge keeps, beside the document, where each path and component
 * came from, so that the error for a second description names the first
 * one's file too: the two authors must agree which one stays. */
#include "web/openapi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/asset.h"
#include "web/web.h"
#include "core/banned.h"

/* What the head of the document may hold: once, from one fragment. */
static const char *const head_keys[] = {"openapi", "info", "servers", "security",
                                        "jsonSchemaDialect", "externalDocs", NULL};

static bool is_head(const char *k)
{
    for (size_t i = 0; head_keys[i]; i++)
        if (strcmp(k, head_keys[i]) == 0)
            return true;
    return false;
}

/* Adds the members of src (an object) to dst, each a new name; from names
 * the fragment each came from (what = "path", "schema"…, for messages). */
static int add_members(json_t *dst, json_t *from, json_t *src, const char *frag,
                       const char *what, char *err, size_t errlen)
{
    if (!json_is_object(src)) {
        snprintf(err, errlen, "%s: %s must be an object", frag, what);
        return -1;
    }
    const char *k;
    json_t *v;
    json_object_foreach(src, k, v) {
        json_t *first = json_object_get(from, k);
        if (first) {
            snprintf(err, errlen, "%s: the %s '%s' is already described by %s", frag, what, k,
                     json_string_value(first));
            return -1;
        }
        if (!json_is_object(v)) {
            snprintf(err, errlen, "%s: the %s '%s' must be an object", frag, what, k);
            return -1;
        }
        if (json_object_set(dst, k, v) < 0 || json_object_set_new(from, k, json_string(frag)) < 0) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
    }
    return 0;
}

static int merge_one(json_t *doc, json_t *origin, const vcm_openapi_frag *f, json_t *frag,
                     char *err, size_t errlen)
{
    if (!json_is_object(frag)) {
        snprintf(err, errlen, "%s: a fragment must be a JSON object", f->name);
        return -1;
    }
    const char *k;
    json_t *v;
    json_object_foreach(frag, k, v) {
        if (strcmp(k, "paths") == 0) {
            if (add_members(json_object_get(doc, "paths"), json_object_get(origin, "paths"), v,
                            f->name, "path", err, errlen) < 0)
                return -1;
        } else if (strcmp(k, "components") == 0) {
            if (!json_is_object(v)) {
                snprintf(err, errlen, "%s: components must be an object", f->name);
                return -1;
            }
            json_t *dc = json_object_get(doc, "components");
            json_t *oc = json_object_get(origin, "components");
            const char *kind;
            json_t *members;
            json_object_foreach(v, kind, members) {
                if (!json_object_get(dc, kind)) {
                    json_object_set_new(dc, kind, json_object());
                    json_object_set_new(oc, kind, json_object());
                }
                char what[80];
                snprintf(what, sizeof what, "component %s", kind);
                if (add_members(json_object_get(dc, kind), json_object_get(oc, kind), members,
                                f->name, what, err, errlen) < 0)
                    return -1;
            }
        } else if (strcmp(k, "tags") == 0) {
            if (!json_is_array(v)) {
                snprintf(err, errlen, "%s: tags must be an array", f->name);
                return -1;
            }
            json_t *tags = json_object_get(doc, "tags");
            if (!tags) {
                tags = json_array();
                json_object_set_new(doc, "tags", tags);
            }
            json_array_extend(tags, v);
        } else if (is_head(k)) {
            json_t *first = json_object_get(json_object_get(origin, "head"), k);
            if (first) {
                snprintf(err, errlen, "%s: '%s' is already given by %s", f->name, k,
                         json_string_value(first));
                return -1;
            }
            json_object_set(doc, k, v);
            json_object_set_new(json_object_get(origin, "head"), k, json_string(f->name));
        } else {
            snprintf(err, errlen, "%s: unknown key '%s' (a fragment holds paths, components, "
                                  "tags and, in one file, the head: openapi, info, servers…)",
                     f->name, k);
            return -1;
        }
    }
    return 0;
}

int vcm_openapi_merge(const vcm_openapi_frag *f, size_t n, json_t **out, char *err,
                      size_t errlen)
{
    *out = NULL;
    json_t *doc = json_object(), *origin = json_object();
    json_object_set_new(doc, "paths", json_object());
    json_object_set_new(doc, "components", json_object());
    json_object_set_new(origin, "paths", json_object());
    json_object_set_new(origin, "components", json_object());
    json_object_set_new(origin, "head", json_object());
    int rc = -1;
    for (size_t i = 0; i < n; i++) {
        json_error_t je;
        json_t *frag = json_loadb(f[i].text, f[i].len, JSON_REJECT_DUPLICATES, &je);
        if (!frag) {
            snprintf(err, errlen, "%s:%d: %s", f[i].name, je.line, je.text);
            goto out;
        }
        int r = merge_one(doc, origin, &f[i], frag, err, errlen);
        json_decref(frag);
        if (r < 0)
            goto out;
    }
    if (!json_is_string(json_object_get(doc, "openapi")) || !json_object_get(doc, "info")) {
        snprintf(err, errlen, "no fragment gives the document's head (openapi, info)");
        goto out;
    }
    *out = doc;
    doc = NULL;
    rc = 0;
out:
    json_decref(doc);
    json_decref(origin);
    return rc;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const vcm_openapi_frag *)a)->name, ((const vcm_openapi_frag *)b)->name);
}

int vcm_openapi_builtin(json_t **out, char *err, size_t errlen)
{
    size_t pre = strlen(VCM_OPENAPI_DIR), n = 0;
    vcm_openapi_frag *f = calloc(vcm_assets_count ? vcm_assets_count : 1, sizeof *f);
    if (!f) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < vcm_assets_count; i++) {
        const char *p = vcm_assets[i].path;
        size_t len = strlen(p);
        if (strncmp(p, VCM_OPENAPI_DIR, pre) == 0 && len > 5 && !strchr(p + pre, '/') &&
            strcmp(p + len - 5, ".json") == 0)
            f[n++] = (vcm_openapi_frag){p, (const char *)vcm_assets[i].data, vcm_assets[i].len};
    }
    qsort(f, n, sizeof *f, by_name);
    int rc = vcm_openapi_merge(f, n, out, err, errlen);
    free(f);
    return rc;
}

/* ---- serving it ---------------------------------------------------------- */

int vcm_web_openapi_init(vcm_app *app, char *err, size_t errlen)
{
    json_t *doc;
    char why[600];
    if (vcm_openapi_builtin(&doc, why, sizeof why) < 0) {
        snprintf(err, errlen, "the OpenAPI document: %s", why);
        return -1;
    }
    int rc = -1;
    size_t n = json_dumpb(doc, NULL, 0, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    if (n == 0 || !(app->openapi = malloc(n))) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    app->openapi_len = json_dumpb(doc, app->openapi, n, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    rc = 0;
out:
    json_decref(doc);
    return rc;
}

int vcm_api_openapi(vcm_req *req, vcm_resp *resp)
{
    const vcm_app *app = vcm_web_app(req);
    resp->status = 200;
    resp->content_type = "application/json";
    vcm_resp_header(resp, req, "Access-Control-Allow-Origin", "*");
    vcm_resp_header(resp, req, "Cache-Control", "public, max-age=300");
    return vcm_buf_append(&resp->body, app->openapi, app->openapi_len) < 0 ? -1 : 0;
}
