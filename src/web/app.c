#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/asset.h"
#include "core/i18n.h"
#include "core/l10n.h"
#include "core/log.h"
#include "model/rights.h"
#include "web/web.h"
#include "core/banned.h"

/* jansson's memory during a request comes from the request's arena: a page
 * builds hundreds of small JSON values, and malloc/free of each was a fifth
 * of the time of a page. Outside a request (start-up, imports) it is
 * malloc as usual. Values made in a request never outlive it, and nothing
 * made outside one is freed inside one, so the two never mix.
 *
 * This is the one mutable variable of src/web/ (tests/web/globals.sh allows
 * it by name): jansson's allocator hook, json_set_alloc_funcs, is
 * process-wide and its functions take no context pointer, so the arena of
 * the request a thread is running can only be found through the thread. */
static _Thread_local vcm_arena *json_arena;

static void *json_alloc(size_t n)
{
    return json_arena ? vcm_arena_alloc(json_arena, n) : malloc(n);
}

static void json_free(void *p)
{
    if (!json_arena)
        free(p);
}

vcm_arena *vcm_web_json_arena(vcm_arena *a)
{
    vcm_arena *old = json_arena;
    json_arena = a;
    return old;
}

#define RETRY_AFTER "5" /* seconds; a database restart usually takes about that */

/* ---- per-thread state ----
 *
 * Each thread that serves the app has one struct vcm_web_thread: its store
 * connection and its memos, so that requests need no locks. The app's
 * pthread key finds it; the app's list holds them all, so that the key's
 * destructor frees a thread's state when the thread ends and
 * vcm_app_release frees those of threads still alive (the caller's, a
 * test's). The key is the app's own: two apps never see each other's. */

static void thread_free(struct vcm_web_thread *t)
{
    vcm_store_close(t->store);
    for (int i = 0; i < VCM_MEMO_SLOTS; i++)
        vcm_memo_free(t->memo[i]);
    free(t);
}

static void thread_unlink(struct vcm_web_thread *t)
{
    vcm_app *app = t->app;
    if (t->prev)
        t->prev->next = t->next;
    else
        app->threads = t->next;
    if (t->next)
        t->next->prev = t->prev;
}

/* The key's destructor: the thread ends. */
static void thread_end(void *p)
{
    struct vcm_web_thread *t = p;
    pthread_mutex_lock(&t->app->lock);
    thread_unlink(t);
    pthread_mutex_unlock(&t->app->lock);
    thread_free(t);
}

struct vcm_web_thread *vcm_web_thread(vcm_app *app)
{
    struct vcm_web_thread *t = pthread_getspecific(app->key);
    if (t)
        return t;
    if (!(t = calloc(1, sizeof *t)))
        return NULL;
    t->app = app;
    if (pthread_setspecific(app->key, t) != 0) {
        free(t);
        return NULL;
    }
    pthread_mutex_lock(&app->lock);
    t->next = app->threads;
    if (t->next)
        t->next->prev = t;
    app->threads = t;
    pthread_mutex_unlock(&app->lock);
    return t;
}

/* The hash of each built-in file, for its ETag: the files never change
 * while the program runs, so they are hashed once, here. */
static int hash_assets(vcm_app *app)
{
    app->asset_hash = calloc(vcm_assets_count ? vcm_assets_count : 1, sizeof *app->asset_hash);
    if (!app->asset_hash)
        return -1;
    for (size_t i = 0; i < vcm_assets_count; i++) {
        uint64_t h = 1469598103934665603ull;
        for (size_t k = 0; k < vcm_assets[i].len; k++)
            h = (h ^ vcm_assets[i].data[k]) * 1099511628211ull;
        app->asset_hash[i] = h;
    }
    return 0;
}

void vcm_web_config_defaults(vcm_web_config *w)
{
    memset(w, 0, sizeof *w);
    w->page_cache = 256;
    w->memo_size = (long)16 << 20;
    w->cache_size = 1L << 30;
    w->render_queue = 64;
    w->iiif_max_size = 8192;
    w->iiif_max_area = 4096L * 4096;
    w->iiif_max_cost = 128000000;
    w->sitemap_urls = VCM_SITEMAP_URLS;
    w->oai_page = 500;
}

int vcm_app_init(vcm_app *app, const vcm_config *cfg, const vcm_web_config *web, char *err,
                 size_t errlen)
{
    memset(app, 0, sizeof *app);
    app->cfg = cfg;
    app->web = *web;
    app->page_cache = web->page_cache;
    app->memo_limit = web->memo_size > 0 ? (size_t)web->memo_size : 0;
    /* process-wide, and the same functions for every app: see json_arena */
    json_set_alloc_funcs(json_alloc, json_free);
    if (pthread_mutex_init(&app->lock, NULL) != 0) {
        snprintf(err, errlen, "cannot create a lock");
        memset(app, 0, sizeof *app);
        return -1;
    }
    if (pthread_key_create(&app->key, thread_end) != 0) {
        snprintf(err, errlen, "cannot create a thread key");
        pthread_mutex_destroy(&app->lock);
        memset(app, 0, sizeof *app);
        return -1;
    }
    app->has_key = true;
    if (hash_assets(app) < 0 || !(app->tpl = vcm_tpl_set_new())) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    if (vcm_tpl_set_add_builtin(app->tpl, err, errlen) < 0)
        goto fail;
    if (vcm_web_openapi_init(app, err, errlen) < 0)
        goto fail;
    if (vcm_web_iiif_init(app, err, errlen) < 0)
        goto fail;
    char why[900];
    if (!web->no_search && vcm_web_search_init(app, why, sizeof why) < 0) {
        snprintf(err, errlen, "search: %s", why);
        goto fail;
    }
    return 0;
fail:
    vcm_app_release(app);
    return -1;
}

void vcm_app_stop_taking(vcm_app *app)
{
    vcm_web_iiif_stop_taking(app);
}

void vcm_app_release(vcm_app *app)
{
    if (!app->cfg)
        return; /* released already, or never made */
    vcm_web_search_release(app);
    vcm_web_iiif_release(app);
    if (app->has_key) {
        /* no destructor runs after this: what threads still hold is freed
         * from the list */
        pthread_key_delete(app->key);
        while (app->threads) {
            struct vcm_web_thread *t = app->threads;
            thread_unlink(t);
            thread_free(t);
        }
        pthread_mutex_destroy(&app->lock);
    }
    vcm_tpl_set_free(app->tpl);
    free(app->asset_hash);
    free(app->openapi);
    memset(app, 0, sizeof *app);
}

/* This thread's store, opened on first use. A failed open is not kept:
 * the next request tries again, so a node recovers by itself once the
 * database is back. */
static vcm_store *thread_store(vcm_app *app, char *err, size_t errlen)
{
    if (!app) {
        snprintf(err, errlen, "no store configured");
        return NULL;
    }
    struct vcm_web_thread *t = vcm_web_thread(app);
    if (!t) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (!t->store)
        t->store = vcm_store_open(app->cfg->db, err, errlen);
    return t->store;
}

bool vcm_web_store_ready(vcm_app *app, char *err, size_t errlen)
{
    vcm_store *s = thread_store(app, err, errlen);
    if (!s)
        return false;
    /* the cheapest read there is; on PostgreSQL it also reconnects a
     * connection that broke while the server was away */
    int64_t v;
    if (s->ops->data_version(s, &v) < 0) {
        snprintf(err, errlen, "%s", vcm_store_error(s));
        return false;
    }
    return true;
}

static void app_error(vcm_req *req, vcm_resp *resp, int status, const char *message);

/* The answer while the database is away: 503 with Retry-After, which load
 * balancers and crawlers understand as "come back", not as a broken page. */
static int store_unavailable(vcm_req *req, vcm_resp *resp, const char *why)
{
    vcm_error("the database cannot be reached", "path=%s error=\"%s\"", req->path, why);
    vcm_resp_header(resp, req, "Retry-After", RETRY_AFTER);
    vcm_arena *old = vcm_web_json_arena(req->arena);
    app_error(req, resp, 503, vcm_web_t(req, "error.503.store"));
    vcm_web_json_arena(old);
    return 0;
}

vcm_store *vcm_web_store(vcm_req *req, vcm_resp *resp)
{
    char err[600];
    vcm_store *s = thread_store(vcm_web_app(req), err, sizeof err);
    if (!s)
        store_unavailable(req, resp, err);
    return s;
}

int vcm_web_store_error(vcm_req *req, vcm_resp *resp, vcm_store *s)
{
    vcm_error("store failed", "path=%s error=\"%s\"", req->path, vcm_store_error(s));
    return vcm_web_error(req, resp, 500, vcm_web_t(req, "error.500"));
}

static bool is_api(const vcm_req *req)
{
    return strncmp(req->path, "/api/", 5) == 0 || strncmp(req->path, "/iiif/", 6) == 0;
}

const char *vcm_web_base(vcm_req *req)
{
    const vcm_app *app = vcm_web_app(req);
    const vcm_config *cfg = app ? app->cfg : NULL;
    if (cfg && cfg->base_url[0])
        return cfg->base_url;
    const char *host = vcm_req_header(req, "Host");
    /* Only a plain host[:port] may come back in links. */
    bool ok = host && *host && strlen(host) < 256;
    for (const char *p = host; ok && *p; p++)
        ok = isalnum((unsigned char)*p) || strchr(".-:[]", *p);
    if (!ok)
        host = app && app->listen ? app->listen : "localhost";
    const char *proto = vcm_req_header(req, "X-Forwarded-Proto");
    bool https = proto && strcmp(proto, "https") == 0;
    char *b = vcm_arena_printf(req->arena, "%s://%s", https ? "https" : "http", host);
    return b ? b : "";
}

static void api_headers(vcm_req *req, vcm_resp *resp)
{
    vcm_resp_header(resp, req, "Access-Control-Allow-Origin", "*");
    vcm_resp_header(resp, req, "Access-Control-Expose-Headers", "Link, ETag");
}

static int dump_to_buf(const char *p, size_t n, void *b)
{
    return vcm_buf_append(b, p, n);
}

int vcm_web_json(vcm_req *req, vcm_resp *resp, int status, json_t *data)
{
    resp->status = status;
    resp->content_type = status >= 400 ? "application/problem+json" : "application/json";
    api_headers(req, resp);
    int r = data ? json_dump_callback(data, dump_to_buf, &resp->body, JSON_COMPACT) : -1;
    json_decref(data);
    return r < 0 || resp->body.toobig ? -1 : 0;
}

int vcm_web_json_written(vcm_req *req, vcm_resp *resp, int status)
{
    resp->status = status;
    resp->content_type = status >= 400 ? "application/problem+json" : "application/json";
    api_headers(req, resp);
    return resp->body.toobig ? -1 : 0;
}

static const char *status_title(int status)
{
    switch (status) {
    case 400: return "error.400.title";
    case 401: return "error.401.title";
    case 403: return "error.403.title";
    case 404: return "error.404.title";
    case 405: return "error.405.title";
    case 411: return "error.411.title";
    case 413: return "error.413.title";
    case 414: return "error.414.title";
    case 431: return "error.431.title";
    case 415: return "error.415.title";
    case 429: return "error.429.title";
    case 501: return "error.501.title";
    case 503: return "error.503.title";
    default: return "error.500.title";
    }
}


static void answer_error(vcm_req *req, vcm_resp *resp, int status, const char *message)
{
    /* A 500 is most often the store failing because the database went
     * away: if it does not answer now, say so with a 503. */
    char why[600];
    if (status == 500 && !vcm_web_store_ready(vcm_web_app(req), why, sizeof why)) {
        store_unavailable(req, resp, why);
        return;
    }
    /* The server calls this outside any handler too (404, 405, 413). */
    vcm_arena *old = vcm_web_json_arena(req->arena);
    app_error(req, resp, status, message);
    vcm_web_json_arena(old);
}

static void app_error(vcm_req *req, vcm_resp *resp, int status, const char *message)
{
    vcm_buf_reset(&resp->body);
    resp->status = status;
    if (is_api(req)) {
        json_t *p = json_object();
        json_object_set_new(p, "type", json_string("about:blank"));
        json_object_set_new(p, "title", json_string(vcm_t("en", status_title(status))));
        json_object_set_new(p, "status", json_integer(status));
        json_object_set_new(p, "detail", json_string(message ? message : ""));
        json_object_set_new(p, "instance", json_string(req->path ? req->path : "/"));
        vcm_web_json(req, resp, status, p);
        return;
    }
    json_t *d = json_object();
    json_object_set_new(d, "status", json_integer(status));
    json_object_set_new(d, "title", json_string(vcm_web_t(req, status_title(status))));
    json_object_set_new(d, "message", json_string(message ? message : ""));
    json_object_set_new(d, "path", json_string(req->path ? req->path : "/"));
    json_object_set_new(d, "page_title", json_string(vcm_web_t(req, status_title(status))));
    json_object_set_new(d, "noindex", json_true());
    json_object_set_new(d, "canonical", json_null()); /* no page of its own */
    if (vcm_web_page(req, resp, "error", d) < 0) {
        vcm_buf_reset(&resp->body);
        resp->content_type = "text/plain; charset=utf-8";
        vcm_buf_puts(&resp->body, message ? message : "error");
    }
    resp->status = status;
}

/* The server's own errors (no route, a bad method, a body too large) carry
 * a message in English for the log; the visitor reads the catalogue's. */
void vcm_app_error(vcm_req *req, vcm_resp *resp, int status, const char *message)
{
    (void)message;
    char key[32];
    snprintf(key, sizeof key, "error.%d", status);
    const char *t = vcm_web_t(req, key);
    answer_error(req, resp, status, strcmp(t, key) ? t : vcm_web_t(req, "error.500"));
}

int vcm_web_error(vcm_req *req, vcm_resp *resp, int status, const char *message)
{
    answer_error(req, resp, status, message);
    return 0;
}

int vcm_web_page(vcm_req *req, vcm_resp *resp, const char *name, json_t *data)
{
    vcm_app *app = vcm_web_app(req);
    char err[300];
    json_object_set_new(data, "base", json_string(vcm_web_base(req)));
    json_object_set_new(data, "path", json_string(req->path));
    json_object_set_new(data, "version", json_string(VCM_VERSION));
    vcm_web_lang_page(req, data);
    vcm_web_lang_headers(req, resp);
    /* machine-made or unreviewed translations are said to be so */
    if (vcm_i18n_unreviewed(vcm_web_lang(req)) > 0)
        json_object_set_new(data, "unreviewed", json_true());
    if (!json_object_get(data, "meta_description"))
        json_object_set_new(data, "meta_description", json_string(vcm_web_t(req, "site.tagline")));
    if (!json_object_get(data, "og_type"))
        json_object_set_new(data, "og_type", json_string("website"));
    resp->content_type = "text/html; charset=utf-8";
    vcm_buf_grow(&resp->body, 16384); /* most pages fit: no regrowing */
    int r = vcm_tpl_render(app->tpl, "layout", name, data, vcm_web_lang(req), &resp->body, err,
                           sizeof err);
    json_decref(data);
    if (r < 0) {
        vcm_error("template failed", "template=%s error=\"%s\"", name, err);
        return -1;
    }
    return 0;
}

const char *vcm_web_iiif_path(vcm_req *req, const char *identifier)
{
    if (!identifier || !*identifier)
        return NULL;
    vcm_buf b;
    vcm_buf_init(&b, 4096);
    vcm_buf_puts(&b, "/iiif/");
    vcm_buf_urlenc(&b, identifier, strlen(identifier));
    const char *p = b.toobig ? NULL : vcm_arena_strdup(req->arena, b.data);
    vcm_buf_release(&b);
    return p;
}

json_t *vcm_web_share_image(vcm_req *req, const vcm_object *o)
{
    const vcm_media *m = o->nmedia ? &o->media[0] : NULL;
    const char *svc = m ? vcm_web_iiif_path(req, m->identifier) : NULL;
    if (!svc)
        return NULL;
    /* the size the IIIF server makes of it, worked out by the same parser */
    char box[32];
    snprintf(box, sizeof box, "!%d,%d", VCM_SHARE_SIZE, VCM_SHARE_SIZE);
    vcm_iiif_req r;
    long w = 0, h = 0;
    if (m->width > 0 && m->height > 0 &&
        vcm_iiif_parse("full", box, "0", "default.jpg", m->width, m->height,
                       &vcm_web_app(req)->iiif.limits, &r, NULL) == 0) {
        w = r.w;
        h = r.h;
    }
    json_t *j = json_object();
    json_object_set_new(j, "url", json_string(vcm_arena_printf(req->arena,
                                                               "%s%s/full/%s/0/default.jpg",
                                                               vcm_web_base(req), svc, box)));
    if (w > 0 && h > 0) {
        json_object_set_new(j, "width", json_integer(w));
        json_object_set_new(j, "height", json_integer(h));
    }
    json_object_set_new(
        j, "alt",
        json_string(m->label && *m->label
                        ? vcm_arena_printf(req->arena, "%s: %s", vcm_web_title(req, o), m->label)
                        : vcm_web_title(req, o)));
    return j;
}

const char *vcm_web_count(const vcm_req *req, int64_t n)
{
    char b[64];
    vcm_l10n_number(vcm_web_lang(req), n, b, sizeof b);
    const char *s = vcm_arena_strdup(req->arena, b);
    return s ? s : "";
}

int64_t vcm_web_id(const char *s)
{
    if (!s || !*s || strlen(s) > 18)
        return 0;
    int64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (!isdigit((unsigned char)*p))
            return 0;
        v = v * 10 + (*p - '0');
    }
    return v;
}

int vcm_web_load_object(vcm_req *req, vcm_resp *resp, vcm_store **s, vcm_object *o)
{
    const char *missing = vcm_web_t(req, "object.missing");
    int64_t id = vcm_web_id(vcm_req_param(req, "id"));
    if (!id)
        return vcm_web_error(req, resp, 404, missing);
    if (!(*s = vcm_web_store(req, resp)))
        return 0;
    int r = (*s)->ops->object_get(*s, req->arena, id, o);
    if (r < 0)
        return vcm_web_store_error(req, resp, *s);
    /* drafts and withdrawn records are not public */
    if (r == 0 || o->status != VCM_PUBLISHED)
        return vcm_web_error(req, resp, 404, missing);
    return 1;
}

const char *vcm_web_region_label(const vcm_req *req, vcm_region r)
{
    return vcm_web_t(req, r == VCM_REGION_ASIA     ? "region.asia"
                          : r == VCM_REGION_EUROPE ? "region.europe"
                                                   : "region.other");
}

json_t *vcm_web_ltexts(const vcm_ltexts *t)
{
    json_t *a = json_array();
    for (size_t i = 0; i < t->n; i++)
        json_array_append_new(a, json_pack("{s:s, s:s}", "lang", t->v[i].lang, "text",
                                           t->v[i].text));
    return a;
}

const char *vcm_web_title(const vcm_req *req, const vcm_object *o)
{
    const vcm_ltext *t = vcm_ltexts_pick(&o->title, vcm_web_lang_entry(req)->tag);
    return t ? t->text : vcm_web_t(req, "object.untitled");
}

const char *vcm_web_name(const vcm_ltexts *names)
{
    const vcm_ltext *t = vcm_ltexts_pick(names, "en");
    return t ? t->text : "";
}

const char *vcm_web_name_in(const vcm_req *req, const vcm_ltexts *names)
{
    const vcm_ltext *t = vcm_ltexts_pick(names, vcm_l10n_tag(vcm_web_lang(req)));
    return t ? t->text : "";
}

const char *vcm_web_country_name(const vcm_req *req, const vcm_country *c)
{
    char b[256];
    if (vcm_l10n_country(vcm_web_lang(req), c->code, b, sizeof b) == 0) {
        const char *r = vcm_arena_strdup(req->arena, b);
        if (r)
            return r;
    }
    return vcm_web_name_in(req, &c->names);
}

/* Unix seconds of noon UTC of an ISO day "YYYY-MM-DD"; -1 when it is not
 * one (a year or a month alone, or anything else). */
static int64_t iso_day(const char *d)
{
    int y, m, dd, end = 0;
    if (!d || strlen(d) != 10 || sscanf(d, "%4d-%2d-%2d%n", &y, &m, &dd, &end) != 3 || end != 10 ||
        m < 1 || m > 12 || dd < 1 || dd > 31)
        return -1;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = dd, .tm_hour = 12};
    return (int64_t)timegm(&tm);
}

const char *vcm_web_day(const vcm_req *req, const char *date)
{
    int64_t t = iso_day(date);
    char b[96];
    if (t < 0 || vcm_l10n_day(vcm_web_lang(req), t, b, sizeof b) < 0)
        return date;
    const char *r = vcm_arena_strdup(req->arena, b);
    return r ? r : date;
}

const char *vcm_web_period(const vcm_req *req, const char *start, const char *end)
{
    int64_t a = iso_day(start), z = iso_day(end);
    char b[160];
    if (a >= 0 && z >= 0 && vcm_l10n_days(vcm_web_lang(req), a, z, b, sizeof b) == 0) {
        const char *r = vcm_arena_strdup(req->arena, b);
        if (r)
            return r;
    }
    const char *r = vcm_arena_printf(req->arena, "%s – %s", start ? start : "", end ? end : "");
    return r ? r : "";
}

struct named {
    json_t *j;
    const char *name;
};

static const char *named_name(const void *item)
{
    return ((const struct named *)item)->name;
}

int vcm_web_sort_by(const vcm_req *req, json_t *list, const char *field)
{
    size_t n = json_array_size(list);
    if (n < 2)
        return 0;
    struct named *v = vcm_arena_alloc(req->arena, n * sizeof *v);
    if (!v)
        return -1;
    for (size_t i = 0; i < n; i++) {
        v[i].j = json_incref(json_array_get(list, i));
        v[i].name = json_string_value(json_object_get(v[i].j, field));
    }
    int rc = vcm_l10n_sort(vcm_web_lang(req), v, n, sizeof *v, named_name);
    if (rc == 0) {
        json_array_clear(list);
        for (size_t i = 0; i < n; i++)
            json_array_append(list, v[i].j);
    }
    for (size_t i = 0; i < n; i++)
        json_decref(v[i].j);
    return rc;
}

int vcm_web_facet_order(const vcm_req *req, json_t *items)
{
    if (vcm_web_sort_by(req, items, "label") < 0)
        return -1;
    /* then by count, most first, keeping the names' order among equals:
     * an insertion sort, stable, over a few dozen values */
    size_t n = json_array_size(items);
    for (size_t i = 1; i < n; i++) {
        json_t *it = json_incref(json_array_get(items, i));
        json_int_t c = json_integer_value(json_object_get(it, "count"));
        size_t k = i;
        while (k > 0 && json_integer_value(json_object_get(json_array_get(items, k - 1), "count")) < c)
            k--;
        if (k != i) {
            json_array_remove(items, i);
            json_array_insert(items, k, it);
        }
        json_decref(it);
    }
    return 0;
}

json_t *vcm_web_card(const vcm_req *req, const vcm_object *o)
{
    const vcm_lang *ui = vcm_web_lang_entry(req);
    const vcm_ltext *t = vcm_ltexts_pick(&o->title, ui->tag);
    json_t *c = json_object();
    json_object_set_new(c, "id", json_integer(o->id));
    json_object_set_new(c, "title", json_string(t ? t->text : vcm_web_t(req, "object.untitled")));
    json_object_set_new(c, "title_lang", json_string(t ? t->lang : ui->tag));
    if (o->date_text)
        json_object_set_new(c, "date", json_string(o->date_text));
    if (o->ncreators)
        json_object_set_new(c, "creator", json_string(o->creators[0]));
    if (o->museum_name)
        json_object_set_new(c, "museum", json_string(o->museum_name));
    if (o->culture)
        json_object_set_new(c, "culture", json_string(o->culture));
    if (o->nmedia && o->media[0].identifier) {
        /* IIIF sizes for the grid: one for ordinary screens, one for dense */
        vcm_buf b;
        vcm_buf_init(&b, 4096);
        vcm_buf_urlenc(&b, o->media[0].identifier, strlen(o->media[0].identifier));
        if (!b.toobig) {
            char u[4200];
            snprintf(u, sizeof u, "/iiif/%s/full/!300,300/0/default.jpg", b.data);
            json_object_set_new(c, "thumb", json_string(u));
            snprintf(u, sizeof u, "/iiif/%s/full/!600,600/0/default.jpg", b.data);
            json_object_set_new(c, "thumb2", json_string(u));
        }
        vcm_buf_release(&b);
    }
    return c;
}

const char *vcm_web_rights_label(const vcm_req *req, const char *uri)
{
    const char *key = vcm_rights_label_key(uri);
    if (key)
        return vcm_web_t(req, key);
    return uri ? uri : vcm_web_t(req, "rights.unknown");
}
