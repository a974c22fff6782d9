/* The search page of a static copy of the site (search/index.html, and
 * LANG/search/index.html in every interface language): the live page's
 * form, and a place where static/search-static.js shows what the index
 * files of src/search/static.c find. Without JavaScript it says that
 * searching a static copy needs it and links to browse.
 *
 * Rendered as a page of the site (layout, language switcher, catalogue) from
 * a request made here, as no server is asked. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/asset.h"
#include "core/langs.h"
#include "model/origin.h"
#include "web/web.h"
#include "core/banned.h"

static int mkdir_p(const char *p, char *err, size_t errlen)
{
    if (mkdir(p, 0755) < 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create '%s': %s", p, strerror(errno));
        return -1;
    }
    return 0;
}

static int write_all(const char *path, const void *data, size_t n, char *err, size_t errlen)
{
    FILE *f = fopen(path, "wb");
    if (!f || (n && fwrite(data, 1, n, f) != n) || fclose(f) != 0) {
        snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* The catalogue's sentences the script shows, in the page's language. */
static char *texts(vcm_req *req)
{
    static const char *const keys[][2] = {
        {"count", "count.results"}, {"filters", "browse.filters"}, {"museum", "facet.museum"},
        {"origin", "facet.origin"},  {"none", "search.none"},       {"pages", "browse.pages"},
        {"prev", "browse.prev"},     {"next", "search.next"},
    };
    json_t *o = json_object();
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        json_object_set_new(o, keys[i][0], json_string(vcm_web_t(req, keys[i][1])));
    /* the origin facet's labels, as the live page shows them */
    json_t *ol = json_object();
    for (int r = 1; r < VCM_ORIGIN_NREGIONS; r++) {
        const char *slug = vcm_origin_region_slug((vcm_origin_region)r);
        const char *label = vcm_web_origin_label(req, slug);
        if (slug && *slug && label)
            json_object_set_new(ol, slug, json_string(label));
    }
    json_object_set_new(o, "origins", ol);
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    char *copy = s ? vcm_arena_strdup(req->arena, s) : NULL;
    free(s);
    return copy;
}

static int one_page(vcm_app *app, const vcm_lang *l, const char *dir, char *err, size_t errlen)
{
    vcm_arena a;
    vcm_arena_init(&a, 0);
    bool en = strcmp(l->code, VCM_LANG_DEFAULT) == 0;
    char prefix[VCM_LANG_CODE_MAX + 2];
    snprintf(prefix, sizeof prefix, "/%s", l->code);
    vcm_req req = {.arena = &a, .method = "GET", .path = "/search", .query = "", .body = "",
                   .app = app, .lang = l->code, .lang_prefix = en ? "" : prefix,
                   .lang_from = en ? VCM_LANG_FROM_DEFAULT : VCM_LANG_FROM_PREFIX,
                   .raw_path = "/search"};
    vcm_resp resp;
    vcm_resp_init(&resp);
    int rc = -1;
    json_t *data = json_object();
    json_object_set_new(data, "page_title", json_string(vcm_web_t(&req, "search.title")));
    /* relative, so that the copy works under any folder of a host */
    json_object_set_new(data, "root", json_string(en ? "../" : "../../"));
    json_object_set_new(data, "index", json_string(en ? "./" : "../../search/"));
    char *t = texts(&req);
    json_object_set_new(data, "texts", json_string(t ? t : "{}"));
    json_object_set_new(data, "noindex", json_true());
    if (vcm_web_page(&req, &resp, "search_static", data) < 0) {
        snprintf(err, errlen, "the static search page cannot be rendered in '%s'", l->code);
        goto out;
    }
    char path[4200];
    if (en) {
        snprintf(path, sizeof path, "%s/search", dir);
    } else {
        snprintf(path, sizeof path, "%s/%s", dir, l->code);
        if (mkdir_p(path, err, errlen) < 0)
            goto out;
        snprintf(path, sizeof path, "%s/%s/search", dir, l->code);
    }
    if (mkdir_p(path, err, errlen) < 0)
        goto out;
    strncat(path, "/index.html", sizeof path - strlen(path) - 1);
    rc = write_all(path, resp.body.data, resp.body.len, err, errlen);
out:
    vcm_resp_release(&resp);
    vcm_arena_release(&a);
    return rc;
}

int vcm_web_static_search_pages(vcm_app *app, const char *dir, char *err, size_t errlen)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/static", dir);
    if (mkdir_p(path, err, errlen) < 0)
        return -1;
    /* the script and the style the page asks for, as the server sends them */
    static const char *const files[] = {"static/search-static.js", "static/vcm.css"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        const struct vcm_asset *as = vcm_asset_find(files[i]);
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        if (!as) {
            snprintf(err, errlen, "'%s' is not built into the program", files[i]);
            return -1;
        }
        if (write_all(path, as->data, as->len, err, errlen) < 0)
            return -1;
    }
    for (size_t i = 0; i < vcm_lang_count(); i++)
        if (one_page(app, vcm_lang_at(i), dir, err, errlen) < 0)
            return -1;
    return 0;
}
