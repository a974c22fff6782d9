/* The web application: one handler file per resource (home, browse, object,
 * museum, country, api, static), sharing what is here.
 *
 * All the state of a running site hangs from one vcm_app: the
 * configuration, the templates, the per-thread store connections and memos,
 * the search, the IIIF limits, derivative cache and render pool, the page
 * cache's size, the memo ceiling and the static files' hashes. cli/serve.c
 * creates it with vcm_app_init and releases it with vcm_app_release, and
 * hands it to the HTTP server, which gives it to every handler as req->app
 * (vcm_web_app). Nothing in src/web/ keeps state in a file-level variable
 * (tests/web/globals.sh checks the objects), so two apps in one process
 * share nothing but what the libraries below keep process-wide: the
 * message catalogue (core/i18n.c) and libvips, which the command loads
 * before and unloads after its app (docs/internals/web.md).
 *
 * Each server thread has its own store connection, opened on first use and
 * closed when the thread ends or the app is released; templates are
 * compiled once at start-up and rendered from every thread. Handlers build
 * a JSON document of what the page shows and hand it to a template; the API
 * hands the same kind of document to the client. */
#ifndef VCM_WEB_H
#define VCM_WEB_H
#include <jansson.h>
#include <pthread.h>
#include <stdint.h>

#include "core/config.h"
#include "core/langs.h"
#include "http/req.h"
#include "http/router.h"
#include "iiif/request.h"
#include "model/model.h"
#include "search/search.h"
#include "store/entry.h"
#include "store/store.h"
#include "view/template.h"
#include "web/params.h"

/* The settings of the site that only vcm serve has (its options, in
 * cli/serve.c); the rest comes from vcm_config. */
typedef struct vcm_web_config {
    char node_dir[VCM_CONFIG_STR]; /* this node's own folder (derivative cache, search
                                    * index); "" = --media and beside the database */
    long page_cache;               /* cached pages per thread, 0 = off */
    long memo_size;                /* bytes each per-thread memo may hold at most */
    long cache_size;               /* bytes of image derivatives kept on disk */
    long render_threads;           /* IIIF render threads, 0 = one per core */
    long render_queue;             /* IIIF renders waiting at most */
    long iiif_max_size;            /* widest or highest IIIF image made */
    long iiif_max_area;            /* most pixels of one IIIF image made */
    long iiif_max_cost;            /* most pixels decoded + written for one IIIF request */
    long sitemap_urls;             /* URLs in one sitemap file at most (sitemap.c) */
    long oai_page;                 /* OAI-PMH records (or headers) in one list's page (oai.c) */
    char oai_admin[VCM_CONFIG_STR]; /* OAI-PMH Identify's adminEmail; "" = webmaster@HOST */
    bool no_search;                /* pages only (the static exports): no search index is
                                    * opened or built; search answers 503 */
} vcm_web_config;
/* The sitemap protocol's ceiling of URLs in one file, and the default. */
#define VCM_SITEMAP_URLS 50000
void vcm_web_config_defaults(vcm_web_config *w);

struct vcm_search;
struct vcm_iiif_cache;
struct vcm_iiif_pool;
struct vcm_web_thread;

typedef struct vcm_app {
    const vcm_config *cfg;
    vcm_web_config web; /* a copy */
    const char *listen; /* the server's ADDR:PORT, for links when a request
                         * names no usable Host; NULL: "localhost" */
    vcm_tpl_set *tpl;
    /* Per-thread state (a store connection, the memos), one struct
     * vcm_web_thread a thread, found through key and listed in threads so
     * that vcm_app_release frees those of threads still alive. */
    pthread_key_t key;
    bool has_key;
    pthread_mutex_t lock; /* guards threads */
    struct vcm_web_thread *threads;
    long page_cache;   /* pages kept per thread, 0 = off (cache.c) */
    size_t memo_limit; /* ceiling on every memo's bytes, 0 = none (memo.c) */
    struct vcm_search *search;
    /* IIIF (iiif.c): set by vcm_web_iiif_init, read-only afterwards */
    struct {
        vcm_iiif_limits limits;
        int64_t max_cost;
        struct vcm_iiif_cache *cache;
        struct vcm_iiif_pool *pool;
    } iiif;
    /* The ETag of each built-in file (static.c), by index in vcm_assets. */
    uint64_t *asset_hash;
    /* The OpenAPI document, merged from its fragments at start-up and
     * written once (openapi.c). */
    char *openapi;
    size_t openapi_len;
} vcm_app;

/* Makes app ready to serve with cfg (which must outlive it) and the site's
 * settings web (copied): compiles the templates, opens the search index
 * (built when missing; it follows the store from then on), sets up the IIIF
 * cache and render pool. The message catalogue must be loaded before
 * (vcm_web_catalogues). On error returns -1 with a message in err and
 * app holds nothing. */
int vcm_app_init(vcm_app *app, const vcm_config *cfg, const vcm_web_config *web, char *err,
                 size_t errlen);
/* Before the server stops: renders still queued are answered 503 at once,
 * new ones refused; those being made finish. */
void vcm_app_stop_taking(vcm_app *app);
/* Frees everything app holds, the store connections and memos of every
 * thread included. The server that used it must be stopped first. */
void vcm_app_release(vcm_app *app);
/* The app a request runs in. */
static inline vcm_app *vcm_web_app(const vcm_req *req)
{
    return req->app;
}
/* Makes jansson allocate from a (the request's arena) on this thread, or
 * from malloc with NULL; returns the previous one. */
vcm_arena *vcm_web_json_arena(vcm_arena *a);

/* Memos (memo.c): per-thread caches of bytes by key, dropped when the data
 * version changes. slot 0 pages, 1 image records, 2 info.json, 3 images. */
#define VCM_MEMO_SLOTS 4
typedef struct vcm_memo vcm_memo;
vcm_memo *vcm_memo_thread(vcm_app *app, int slot, size_t entries, size_t max_bytes,
                          int64_t version);
const void *vcm_memo_get(vcm_memo *m, const char *key, size_t *len);
void vcm_memo_put(vcm_memo *m, const char *key, const void *data, size_t len);
void vcm_memo_free(vcm_memo *m);
/* What one thread keeps for one app: made on the thread's first use of the
 * app, freed when the thread ends or the app is released (app.c). */
struct vcm_web_thread {
    vcm_app *app;
    vcm_store *store; /* NULL until opened */
    vcm_memo *memo[VCM_MEMO_SLOTS];
    struct vcm_web_thread *prev, *next; /* in app->threads */
};
/* This thread's state in app, made on first use; NULL when out of memory. */
struct vcm_web_thread *vcm_web_thread(vcm_app *app);
/* The store's data version for this request's thread, or -1. */
int64_t vcm_web_version(vcm_req *req, vcm_resp *resp);

/* The page cache (cache.c): app->page_cache entries per server thread.
 * Answers from this thread's cache, or runs h and keeps its page. Requests
 * that carry the session cookie are never answered from it nor kept. */
#define VCM_SESSION_COOKIE "vcm_session"
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
bool vcm_web_store_ready(vcm_app *app, char *err, size_t errlen);

/* The request's language on a page (lang.c): its table entry; path with
 * the request's language prefix when it came with one ("/ko/objects/3"),
 * for the links a handler builds (machine URLs stay as they are: give
 * those as they are); the layout's data (lang, dir, lp, the switcher's
 * langs, the hreflangs, the canonical URL in the page's language); the
 * response's Set-Cookie (a choice by prefix or lang) or Vary (a choice by
 * cookie or Accept-Language). vcm_web_page calls the last two. */
const vcm_lang *vcm_web_lang_entry(const vcm_req *req);
const char *vcm_web_href(const vcm_req *req, const char *path);
void vcm_web_lang_page(vcm_req *req, json_t *data);
void vcm_web_lang_headers(vcm_req *req, vcm_resp *resp);

/* Renders the page template `name` inside the layout with data (stolen). */
int vcm_web_page(vcm_req *req, vcm_resp *resp, const char *name, json_t *data);
/* Sends data (stolen) as JSON with the API's headers. */
int vcm_web_json(vcm_req *req, vcm_resp *resp, int status, json_t *data);
/* As vcm_web_json, for a body already written (core/jsonw.h). */
int vcm_web_json_written(vcm_req *req, vcm_resp *resp, int status);
/* Answers with an error page or problem document; returns 0. */
int vcm_web_error(vcm_req *req, vcm_resp *resp, int status, const char *message);
/* The store failed: logs why, answers 500, or 503 with Retry-After when
 * the database does not answer at all (as vcm_web_error does for 500). */
int vcm_web_store_error(vcm_req *req, vcm_resp *resp, vcm_store *s);

/* Reads the published object named by the route's {id} into o. Returns 1,
 * or 0 when the answer (404, 500) is already in resp. */
int vcm_web_load_object(vcm_req *req, vcm_resp *resp, vcm_store **s, vcm_object *o);
/* Masterpieces (web/object.c): whether o is a public masterpiece (1, 0,
 * -1 on a store error); when it is, mp is its entry and live version, and
 * o shows that version (model/entry.h, vcm_entry_apply). Its statements as
 * JSON: lang, text, author, date (ISO 8601). */
int vcm_web_masterpiece(vcm_req *req, vcm_store *s, vcm_object *o, vcm_masterpiece *mp);
json_t *vcm_web_statements_json(const vcm_masterpiece *mp);
/* "Asia", "Europe", "Elsewhere", from the catalogue. */
const char *vcm_web_region_label(const vcm_req *req, vcm_region r);
/* origin.c: an origin facet value's label (a region slug from the
 * catalogue, a country code by ICU in the page's language); an object's
 * origin as JSON (null when unknown), with labels and a browse link. */
const char *vcm_web_origin_label(vcm_req *req, const char *value);
json_t *vcm_web_origin_json(vcm_req *req, const vcm_origin *o);

/* Reads a positive id from a route parameter; 0 when it is not one. */
int64_t vcm_web_id(const char *s);
/* The public base URL: the configured one, or scheme://Host of the request. */
const char *vcm_web_base(vcm_req *req);

/* Sharing: the head of every page (layout.html) holds a description,
 * Open Graph tags and a canonical link. vcm_web_page fills what a handler
 * leaves out: canonical (base and path), meta_description (the tagline),
 * og_type ("website"). A handler sets meta_description to its own
 * sentence, and og_image (vcm_web_share_image) when it shows an image. */
#define VCM_THUMB_SIZE 400  /* a thumbnail's box in JSON-LD */
#define VCM_SHARE_SIZE 1200 /* the box of the image shared (og:image) */
/* "/iiif/ID" with the identifier percent-encoded, or NULL. */
const char *vcm_web_iiif_path(vcm_req *req, const char *identifier);
/* The object's first image held here as {url (absolute), width, height,
 * alt}, scaled into VCM_SHARE_SIZE; NULL when it has none. */
json_t *vcm_web_share_image(vcm_req *req, const vcm_object *o);
/* n in the visitor's language (vcm_l10n_number), from the request's arena. */
const char *vcm_web_count(const vcm_req *req, int64_t n);

/* Display helpers shared by pages and the API. */
json_t *vcm_web_ltexts(const vcm_ltexts *t);       /* [{lang, text}] */
/* web/lang.c: the name of a language (catalogue "lang.TAG"; the tag when
 * the catalogue has none); texts as [{lang, label, text, inferred}]; the
 * notes marked public as [{lang, text}] (the others never leave the store). */
const char *vcm_web_lang_label(const vcm_req *req, const char *tag);
/* web/profile.c: adds museum m's profile to its JSON j (native name,
 * address, coordinates and a map link, languages, description). */
int vcm_web_museum_profile(vcm_req *req, vcm_store *s, const vcm_museum *m, json_t *j);
json_t *vcm_web_texts_json(const vcm_req *req, const vcm_ltexts *t);
json_t *vcm_web_public_notes(const vcm_ltexts *notes);
/* The title in the visitor's language, else English, else the first, else
 * "Untitled"; the card has it with its language tag (title_lang). */
const char *vcm_web_title(const vcm_req *req, const vcm_object *o);
json_t *vcm_web_card(const vcm_req *req, const vcm_object *o); /* what a grid shows of an object */
const char *vcm_web_name(const vcm_ltexts *names); /* English, else first */
/* Names in the visitor's language where the data holds them: of names,
 * the one tagged with the visitor's language, else English, else the
 * first; a country's from ICU by its code, else from its names; a
 * museum's from its names, else its own name (profile) when the museum
 * publishes in the visitor's language, else English (web/profile.c). */
const char *vcm_web_name_in(const vcm_req *req, const vcm_ltexts *names);
const char *vcm_web_country_name(const vcm_req *req, const vcm_country *c);
const char *vcm_web_museum_name(vcm_req *req, vcm_store *s, const vcm_museum *m);
/* Sorts a JSON array of objects by their string field with the visitor's
 * language's collation (vcm_l10n_sort); -1 (list unchanged) when memory
 * is short. */
int vcm_web_sort_by(const vcm_req *req, json_t *list, const char *field);
/* Facet values ({label, count}) by count, most first, equal counts by
 * label in the visitor's collation. */
int vcm_web_facet_order(const vcm_req *req, json_t *items);
/* An ISO day "YYYY-MM-DD" in the visitor's language ("Mar 3, 2027"); the
 * text itself when it is not a whole day. Two days as a period in the
 * language's range form ("Mar 3 – Jul 1, 2027"), else "START – END".
 * From the request's arena. */
const char *vcm_web_day(const vcm_req *req, const char *date);
const char *vcm_web_period(const vcm_req *req, const char *start, const char *end);
const char *vcm_web_rights_label(const vcm_req *req, const char *uri);
/* The record's rights for a page or the API, three things apart (metadata
 * licence, object's rights, images), labels in the visitor's language
 * (src/web/rights.c). */
json_t *vcm_web_rights_json(vcm_req *req, const vcm_object *o);
/* The label of a classification facet value (a concept id or a '~' key,
 * search/terms.h): the concept's name, else fallback (src/web/terms.c). */
const char *vcm_web_class_label(vcm_req *req, const char *key, const char *fallback);
/* The label of a material facet value (a thesaurus material id), the same
 * on browse and in the search: the material's name, else the id. */
const char *vcm_web_material_label(vcm_req *req, const char *id);
/* The concept a classification names, labelled; NULL when none. The
 * material concepts of an object's medium and technique, labelled, joined
 * by ", "; NULL when none. Both for the API: {"classification": {key,
 * label} or null, "materials": [{id, label}]}. */
const char *vcm_web_class_concept(vcm_req *req, const char *classification);
const char *vcm_web_material_concepts(vcm_req *req, const vcm_object *o);
json_t *vcm_web_concepts_json(vcm_req *req, const vcm_object *o);
json_t *vcm_web_museum_json(const vcm_museum *m, const vcm_country *c); /* c may be NULL */
json_t *vcm_web_country_json(const vcm_req *req, const vcm_country *c);

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
/* The sitemap and robots.txt (sitemap.c): /sitemap.xml lists every public
 * page, or, past web.sitemap_urls of them, is an index of /sitemaps/K.xml
 * (vcm_sitemap_file, route parameter {file}); /robots.txt names it. */
int vcm_sitemap(vcm_req *req, vcm_resp *resp);
/* oai.c: the OAI-PMH 2.0 provider at /oai (docs/oai-pmh.md). */
int vcm_oai(vcm_req *req, vcm_resp *resp);

/* formats.c: /objects/{id}.lido.xml and .edm.xml. vcm_web_object_format()
 * says whether the request's {id} names a record in a format (its number
 * from 1) rather than the page (0). */
int vcm_web_object_format(const vcm_req *req);
int vcm_object_record(vcm_req *req, vcm_resp *resp);
int vcm_sitemap_file(vcm_req *req, vcm_resp *resp);
int vcm_robots(vcm_req *req, vcm_resp *resp);
/* The API's OpenAPI document (openapi.c, openapi.h): merged by
 * vcm_app_init, served at /api/v1/openapi.json. */
int vcm_web_openapi_init(vcm_app *app, char *err, size_t errlen);
int vcm_api_openapi(vcm_req *req, vcm_resp *resp);
/* Health (health.c): /healthz, the process answers; /readyz, the store and
 * the search index can be used (503 with what is not ready otherwise). */
int vcm_health_live(vcm_req *req, vcm_resp *resp);
int vcm_health_ready(vcm_req *req, vcm_resp *resp);

/* Search (search.c): the index is opened (built when missing) by
 * vcm_app_init and follows the store's changes from then on. */
int vcm_web_search_init(vcm_app *app, char *err, size_t errlen);
void vcm_web_search_release(vcm_app *app);
/* The search page of a static copy of the site (search_static.c):
 * dir/search/index.html and dir/LANG/search/index.html in every interface
 * language, with dir/static/search-static.js and vcm.css, for the index
 * vcm_search_export_static writes. Returns 0, or -1 with a message in err. */
int vcm_web_static_search_pages(vcm_app *app, const char *dir, char *err, size_t errlen);
/* 1 when queries can run, 0 while the index is still being built (how far
 * in done and total), -1 when search was not started. */
int vcm_web_search_ready(vcm_app *app, size_t *done, size_t *total);
int vcm_page_search(vcm_req *req, vcm_resp *resp);
int vcm_api_search(vcm_req *req, vcm_resp *resp);
int vcm_api_suggest(vcm_req *req, vcm_resp *resp);

/* IIIF (iiif.c, manifest.c), set up by vcm_app_init. The derivative cache
 * goes under web.node_dir when set, else cfg->media. */
int vcm_web_iiif_init(vcm_app *app, char *err, size_t errlen);
void vcm_web_iiif_stop_taking(vcm_app *app);
void vcm_web_iiif_release(vcm_app *app);
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
/* The Atom feed of the Masterpiece of the Day (web/feed.c). */
int vcm_feed_motd(vcm_req *req, vcm_resp *resp);
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
/* What the parameters select: one filter, for the store and the search
 * alike (model/filter.h). vcm_params_search: the search's parameters, its
 * filter made by vcm_params_filter. */
void vcm_params_filter(const vcm_params *p, vcm_filter *f);
void vcm_params_search(const vcm_params *p, const vcm_req *req, vcm_search_params *sp);
/* Loads the message catalogues: those built into the program, or with
 * VCM_LOCALE_DIR set, those of that folder instead (vcm.pot, LANG.po,
 * LANG.tsv; to try a catalogue without rebuilding; the test of the pages'
 * sentences uses one that brackets every message). */
int vcm_web_catalogues(char *err, size_t errlen);
/* The visitor's language, and a catalogue sentence in it; vcm_web_tf puts
 * arg where the sentence says {}, vcm_web_tfv args[N-1] where it says {N}
 * (N from 1 to 9; one without an argument is left as written, so the gap
 * shows), both allocated from the request. */
const char *vcm_web_lang(const vcm_req *req);
const char *vcm_web_t(const vcm_req *req, const char *key);
const char *vcm_web_tf(const vcm_req *req, const char *key, const char *arg);
const char *vcm_web_tfv(const vcm_req *req, const char *key, int nargs, const char *const args[]);
/* A plural message for the count n in the visitor's language (vcm_tn:
 * "1 museum", "42 museums"); vcm_web_tnv then fills {N} from args as
 * vcm_web_tfv does. Allocated from the request. */
const char *vcm_web_tn(const vcm_req *req, const char *key, int64_t n);
const char *vcm_web_tnv(const vcm_req *req, const char *key, int64_t n, int nargs,
                        const char *const args[]);
/* "17th century", "3rd century BCE", from the catalogue's ordinal plural
 * messages century.ce and century.bce (vcm_l10n_century). */
const char *vcm_web_century(const vcm_req *req, int century);
#endif
