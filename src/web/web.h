/* The web application: one handler file per resource (home, browse, object,
 * museum, country, api, static), sharing what is here.
 *
 * Each server thread has its own store connection, opened on first use and
 * closed when the thread ends; templates are compiled once at start-up and
 * rendered from every thread. Handlers build a JSON document of what the
 * page shows and hand it to a template; the API hands the same kind of
 * document to the client. */
#ifndef VCM_WEB_H
#define VCM_WEB_H
#include <jansson.h>

#include "core/config.h"
#include "http/req.h"
#include "http/router.h"
#include "model/model.h"
#include "search/search.h"
#include "store/store.h"
#include "view/template.h"
#include "web/params.h"

typedef struct vcm_app {
    const vcm_config *cfg;
    vcm_tpl_set *tpl;
} vcm_app;

/* Compiles the templates and loads the message catalogues. */
int vcm_app_init(vcm_app *app, const vcm_config *cfg, char *err, size_t errlen);
void vcm_app_release(vcm_app *app);
/* Makes jansson allocate from a (the request's arena) on this thread, or
 * from malloc with NULL; returns the previous one. */
vcm_arena *vcm_web_json_arena(vcm_arena *a);

/* Memos (memo.c): per-thread caches of bytes by key, dropped when the data
 * version changes. slot 0 pages, 1 image records, 2 info.json, 3 images. */
typedef struct vcm_memo vcm_memo;
vcm_memo *vcm_memo_thread(int slot, size_t entries, size_t max_bytes, int64_t version);
const void *vcm_memo_get(vcm_memo *m, const char *key, size_t *len);
void vcm_memo_put(vcm_memo *m, const char *key, const void *data, size_t len);
/* Caps the bytes (and, in proportion, the entries) of every memo made from
 * now on; 0 leaves the callers' bounds. Called once, before serving. */
void vcm_memo_limit(size_t max_bytes);
/* The store's data version for this request's thread, or -1. */
int64_t vcm_web_version(vcm_req *req, vcm_resp *resp);

/* The page cache (cache.c): entries per server thread, 0 = off. */
void vcm_web_cache_init(long entries);
/* Answers from this thread's cache, or runs h and keeps its page. */
int vcm_web_cached(vcm_req *req, vcm_resp *resp, vcm_handler h);

/* Registers every route of the site and the API. */
int vcm_app_routes(vcm_router *r);
/* Builds the body of the errors the server answers with (its message, in
 * English for the log, is replaced by the catalogue's error.STATUS): an
 * HTML page, or an RFC 9457 problem document under /api/ and /iiif/. */
void vcm_app_error(vcm_req *req, vcm_resp *resp, int status, const char *message);

/* This thread's store connection; NULL (and a 503 with Retry-After sent)
 * when it cannot be opened. */
vcm_store *vcm_web_store(vcm_req *req, vcm_resp *resp);
/* Whether this thread's store opens and answers a read now; why not in err. */
bool vcm_web_store_ready(char *err, size_t errlen);

/* Renders the page template `name` inside the layout with data (stolen). */
int vcm_web_page(vcm_req *req, vcm_resp *resp, const char *name, json_t *data);
/* Sends data (stolen) as JSON with the API's headers. */
int vcm_web_json(vcm_req *req, vcm_resp *resp, int status, json_t *data);
/* Answers with an error page or problem document; returns 0. */
int vcm_web_error(vcm_req *req, vcm_resp *resp, int status, const char *message);
/* The store failed: logs why, answers 500, or 503 with Retry-After when
 * the database does not answer at all (as vcm_web_error does for 500). */
int vcm_web_store_error(vcm_req *req, vcm_resp *resp, vcm_store *s);

/* Reads the published object named by the route's {id} into o. Returns 1,
 * or 0 when the answer (404, 500) is already in resp. */
int vcm_web_load_object(vcm_req *req, vcm_resp *resp, vcm_store **s, vcm_object *o);
/* "Asia", "Europe", "Elsewhere", from the catalogue. */
const char *vcm_web_region_label(vcm_region r);

/* Reads a positive id from a route parameter; 0 when it is not one. */
int64_t vcm_web_id(const char *s);
/* The public base URL: the configured one, or scheme://Host of the request. */
const char *vcm_web_base(vcm_req *req);

/* Display helpers shared by pages and the API. */
json_t *vcm_web_ltexts(const vcm_ltexts *t);       /* [{lang, text}] */
const char *vcm_web_title(const vcm_object *o);    /* English, else first, else "Untitled" */
json_t *vcm_web_card(const vcm_object *o);         /* what a grid shows of an object */
const char *vcm_web_name(const vcm_ltexts *names); /* English, else first */
const char *vcm_web_rights_label(const char *uri);
json_t *vcm_web_museum_json(const vcm_museum *m, const vcm_country *c); /* c may be NULL */
json_t *vcm_web_country_json(const vcm_country *c);

/* Handlers. */
int vcm_page_home(vcm_req *req, vcm_resp *resp);
int vcm_page_browse(vcm_req *req, vcm_resp *resp);
int vcm_page_object(vcm_req *req, vcm_resp *resp);
int vcm_page_museums(vcm_req *req, vcm_resp *resp);
int vcm_page_museum(vcm_req *req, vcm_resp *resp);
int vcm_page_countries(vcm_req *req, vcm_resp *resp);
int vcm_page_country(vcm_req *req, vcm_resp *resp);
int vcm_page_region(vcm_req *req, vcm_resp *resp);
int vcm_static(vcm_req *req, vcm_resp *resp);
int vcm_api_objects(vcm_req *req, vcm_resp *resp);
int vcm_api_object(vcm_req *req, vcm_resp *resp);
int vcm_api_museums(vcm_req *req, vcm_resp *resp);
int vcm_api_museum(vcm_req *req, vcm_resp *resp);
int vcm_api_countries(vcm_req *req, vcm_resp *resp);
int vcm_api_country(vcm_req *req, vcm_resp *resp);
int vcm_api_options(vcm_req *req, vcm_resp *resp);
/* Health (health.c): /healthz, the process answers; /readyz, the store and
 * the search index can be used (503 with what is not ready otherwise). */
int vcm_health_live(vcm_req *req, vcm_resp *resp);
int vcm_health_ready(vcm_req *req, vcm_resp *resp);

/* Search (search.c): the index is opened (built when missing) at start-up
 * and follows the store's changes from then on. */
int vcm_web_search_init(const vcm_config *cfg, char *err, size_t errlen);
void vcm_web_search_release(void);
/* 1 when queries can run, 0 while the index is still being built (how far
 * in done and total), -1 when search was not started. */
int vcm_web_search_ready(size_t *done, size_t *total);
int vcm_page_search(vcm_req *req, vcm_resp *resp);
int vcm_api_search(vcm_req *req, vcm_resp *resp);
int vcm_api_suggest(vcm_req *req, vcm_resp *resp);

/* IIIF (iiif.c, manifest.c). */
int vcm_web_iiif_init(const vcm_config *cfg, char *err, size_t errlen);
/* Before the server stops: renders still queued are answered 503 at once,
 * new ones refused; those being made finish. */
void vcm_web_iiif_stop_taking(void);
void vcm_web_iiif_release(void);
json_t *vcm_web_manifest(vcm_req *req, const vcm_object *o, const vcm_museum *m);
/* Sends a IIIF document (stolen): application/ld+json with the profile when
 * the client asks for it (the specifications' content negotiation), else
 * JSON; open to any origin. */
int vcm_web_jsonld(vcm_req *req, vcm_resp *resp, json_t *doc, const char *context);
int vcm_iiif_base(vcm_req *req, vcm_resp *resp);
int vcm_iiif_info(vcm_req *req, vcm_resp *resp);
int vcm_iiif_image(vcm_req *req, vcm_resp *resp);
int vcm_iiif_unknown(vcm_req *req, vcm_resp *resp); /* 404 for other paths under /iiif/ */
int vcm_iiif_manifest(vcm_req *req, vcm_resp *resp);
int vcm_iiif_collection_top(vcm_req *req, vcm_resp *resp);
int vcm_iiif_collection_museum(vcm_req *req, vcm_resp *resp);
int vcm_iiif_collection_country(vcm_req *req, vcm_resp *resp);
int vcm_iiif_activity(vcm_req *req, vcm_resp *resp);
int vcm_iiif_activity_page(vcm_req *req, vcm_resp *resp);

/* Parameters (params.c, params.h): reads the request's query for route
 * (a VCM_ROUTE_* bit) into p. Returns 1 when the handler goes on, 0 when
 * the answer is already in resp: on the API and the IIIF collections, a
 * 400 problem document naming each parameter left out and why. On a page
 * those are left out and, when notes is not NULL, *notes is an array of
 * sentences saying so (NULL when there are none). */
int vcm_web_params(vcm_req *req, vcm_resp *resp, unsigned route, vcm_params *p, json_t **notes);
/* What the parameters select, for the store and for the search. */
void vcm_params_filter(const vcm_params *p, vcm_filter *f);
void vcm_params_search(const vcm_params *p, const vcm_req *req, vcm_search_params *sp);
/* Loads the message catalogues: those built into the program, or with
 * VCM_LOCALE_DIR set, every LANG.tsv in that folder instead (to try a
 * catalogue without rebuilding; the test of the pages' sentences uses one
 * that brackets every message). */
int vcm_web_catalogues(char *err, size_t errlen);
/* The visitor's language, and a catalogue sentence in it; vcm_web_tf puts
 * arg where the sentence says {} (allocated from the request). */
const char *vcm_web_lang(const vcm_req *req);
const char *vcm_web_t(const vcm_req *req, const char *key);
const char *vcm_web_tf(const vcm_req *req, const char *key, const char *arg);
/* "17th century", "3rd century BCE", from the catalogue. */
const char *vcm_web_century(const vcm_req *req, int century);
#endif
