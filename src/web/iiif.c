/* IIIF: the Image API 3.0 (level 2) for every image, a Presentation API 3.0
 * manifest for every object with images, collections of them per museum,
 * per country and for the whole collection, and the Change Discovery API
 * 1.0 log of manifests made, changed and withdrawn.
 *
 * An image is named by its identifier, which is looked up in the store: it
 * never becomes a path by itself, so no identifier can reach a file the
 * store did not name. Derivatives are kept in a disk cache keyed by the
 * original's SHA-256 and the canonical form of the request, so a key never
 * needs invalidating: new bytes make a new key. That is also the ETag, and
 * tiles are sent as immutable.
 *
 * Renders never run on a connection thread. A request is parsed, priced
 * (vcm_iiif_cost: pixels decoded + written) and refused with 400 above
 * --iiif-max-cost before any decoding; HEAD, 304s, memo and disk-cache
 * hits and stored tiles are answered at once; anything left to render goes
 * to the render pool (pool.h) while the connection is suspended, or is
 * answered 503 with Retry-After when the pool's queue is full. So pages,
 * the API and cached images keep answering however many expensive images
 * are asked for. Why suspension and not a wait: docs/internals/iiif.md. */
#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/i18n.h"
#include "core/log.h"
#include "iiif/cache.h"
#include "iiif/image.h"
#include "iiif/pool.h"
#include "iiif/request.h"
#include "model/json.h"
#include "web/web.h"
#include "core/banned.h"

#define IIIF_IMAGE_CONTEXT "http://iiif.io/api/image/3/context.json"
#define LEVEL2 "http://iiif.io/api/image/3/level2.json"
#define TILE 256

/* Seconds a client refused for a full render queue is asked to wait. */
#define RETRY_AFTER "2"

/* mkdir -p */
static int make_dirs(const char *path, char *err, size_t errlen)
{
    char p[VCM_CONFIG_STR + 16];
    snprintf(p, sizeof p, "%s", path);
    for (char *c = p + 1;; c++) {
        if (*c == '/' || *c == '\0') {
            char was = *c;
            *c = '\0';
            if (mkdir(p, 0755) < 0 && errno != EEXIST) {
                snprintf(err, errlen, "cannot create folder '%s': %s", p, strerror(errno));
                return -1;
            }
            *c = was;
            if (!was)
                return 0;
        }
    }
}

/* Sets app->iiif once, before the server starts; read-only after. */
int vcm_web_iiif_init(vcm_app *app, char *err, size_t errlen)
{
    const vcm_config *cfg = app->cfg;
    const vcm_web_config *w = &app->web;
    if (vcm_iiif_init(err, errlen) < 0)
        return -1;
    /* The limits info.json announces are the ones vcm_iiif_parse enforces,
     * upscaled sizes included. */
    int size = w->iiif_max_size > 0 ? (int)w->iiif_max_size : 8192;
    app->iiif.limits = (vcm_iiif_limits){.max_width = size, .max_height = size,
                                         .max_area = w->iiif_max_area > 0 ? w->iiif_max_area
                                                                          : 4096LL * 4096};
    app->iiif.max_cost = w->iiif_max_cost > 0 ? w->iiif_max_cost : 128000000;
    /* one process a cache folder: a node that shares --media with others
     * names a folder of its own with --node-dir */
    char dir[VCM_CONFIG_STR + 16];
    snprintf(dir, sizeof dir, "%s/cache", w->node_dir[0] ? w->node_dir : cfg->media);
    if (make_dirs(dir, err, errlen) < 0)
        return -1;
    app->iiif.cache = vcm_iiif_cache_open(dir, w->cache_size, err, errlen);
    if (!app->iiif.cache)
        return -1;
    long threads = w->render_threads > 0 ? w->render_threads : sysconf(_SC_NPROCESSORS_ONLN);
    app->iiif.pool = vcm_iiif_pool_new(threads > 0 ? (int)threads : 1,
                                       w->render_queue > 0 ? (int)w->render_queue : 64, err,
                                       errlen);
    if (!app->iiif.pool) {
        vcm_iiif_cache_close(app->iiif.cache);
        app->iiif.cache = NULL;
        return -1;
    }
    return 0;
}

void vcm_web_iiif_stop_taking(vcm_app *app)
{
    if (app->iiif.pool)
        vcm_iiif_pool_stop_taking(app->iiif.pool);
}

/* libvips itself stays: it is the process's (vcm_iiif_shutdown, by the
 * command, after the last app). */
void vcm_web_iiif_release(vcm_app *app)
{
    /* renders first: their done callbacks write the cache */
    vcm_iiif_pool_free(app->iiif.pool);
    app->iiif.pool = NULL;
    vcm_iiif_cache_close(app->iiif.cache);
    app->iiif.cache = NULL;
}

static const char *media_dir(vcm_req *req)
{
    return vcm_web_app(req)->cfg->media;
}

/* The identifier as it goes into a URL path segment. */
static const char *id_segment(vcm_arena *a, const char *identifier)
{
    vcm_buf b;
    vcm_buf_init(&b, 4096);
    vcm_buf_urlenc(&b, identifier, strlen(identifier));
    const char *r = b.toobig ? "" : vcm_arena_strndup(a, b.data ? b.data : "", b.len);
    vcm_buf_release(&b);
    return r ? r : "";
}

static const char *service_id(vcm_req *req, const char *identifier)
{
    return vcm_arena_printf(req->arena, "%s/iiif/%s", vcm_web_base(req),
                            id_segment(req->arena, identifier));
}

/* The CORS headers of an image: any origin may read it, and a viewer on
 * another origin needs Link and ETag too. (JSON answers, errors included,
 * get the same two from vcm_web_json; a response must carry each once.) */
static void image_cors(vcm_req *req, vcm_resp *resp)
{
    vcm_resp_header(resp, req, "Access-Control-Allow-Origin", "*");
    vcm_resp_header(resp, req, "Access-Control-Expose-Headers", "Link, ETag");
}

/* The content type of a IIIF document follows the Accept header, so
 * caches must keep the two kinds apart. */
static void jsonld_type(vcm_req *req, vcm_resp *resp, const char *context)
{
    const char *accept = vcm_req_header(req, "Accept");
    if (accept && strstr(accept, "application/ld+json"))
        resp->content_type = vcm_arena_printf(req->arena, "application/ld+json;profile=\"%s\"",
                                              context);
    vcm_resp_header(resp, req, "Vary", "Accept");
}

int vcm_web_jsonld(vcm_req *req, vcm_resp *resp, json_t *doc, const char *context)
{
    int r = vcm_web_json(req, resp, 200, doc);
    jsonld_type(req, resp, context);
    return r;
}

/* What a request needs of an image, as kept in the thread's memo: every
 * IIIF request names one, and reading it from the store (the image, then
 * its object, to see that it is public) cost more than sending a cached
 * tile. Strings follow the struct, each ended by NUL. */
struct media_rec {
    int width, height;
    bool public_;
    int64_t mtime;
    char strings[]; /* identifier, file, checksum, rights */
};

static int load_media(vcm_req *req, vcm_resp *resp, vcm_media *m, int64_t *mtime)
{
    const char *id = vcm_req_param(req, "id");
    int64_t version = vcm_web_version(req, resp);
    if (version < 0)
        return resp->body.len ? 0 : vcm_web_error(req, resp, 500, vcm_web_t(req, "error.500"));
    vcm_memo *memo = vcm_memo_thread(vcm_web_app(req), 1, 1024, (size_t)1 << 20, version);
    size_t len;
    const struct media_rec *rec = id && *id ? vcm_memo_get(memo, id, &len) : NULL;
    if (!rec && id && *id) {
        vcm_store *s = vcm_web_store(req, resp);
        int64_t object_id;
        vcm_media found;
        int r = s->ops->media_find(s, req->arena, id, &found, &object_id);
        if (r < 0)
            return vcm_web_store_error(req, resp, s);
        if (r == 1) {
            /* an image of an object that is not public is not public either */
            vcm_object o;
            int ro = s->ops->object_get(s, req->arena, object_id, &o);
            if (ro < 0)
                return vcm_web_store_error(req, resp, s);
            struct stat st;
            const char *path = vcm_arena_printf(req->arena, "%s/%s", media_dir(req), found.file);
            const char *parts[4] = {found.identifier, found.file, found.checksum ? found.checksum : "",
                                    found.rights ? found.rights : ""};
            size_t total = sizeof(struct media_rec);
            for (int i = 0; i < 4; i++)
                total += strlen(parts[i]) + 1;
            struct media_rec *nr = vcm_arena_alloc(req->arena, total);
            if (!nr)
                return vcm_web_error(req, resp, 500, vcm_web_t(req, "error.500"));
            nr->width = found.width;
            nr->height = found.height;
            /* nor is one its entry has not published (held for review) */
            nr->public_ = ro == 1 && o.status == VCM_PUBLISHED && !found.held;
            nr->mtime = path && stat(path, &st) == 0 ? (int64_t)st.st_mtime : 0;
            char *w = nr->strings;
            for (int i = 0; i < 4; i++) {
                size_t n = strlen(parts[i]) + 1;
                memcpy(w, parts[i], n);
                w += n;
            }
            vcm_memo_put(memo, id, nr, total);
            rec = nr;
        }
    }
    if (!rec || !rec->public_)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "iiif.no_image"));
    memset(m, 0, sizeof *m);
    m->width = rec->width;
    m->height = rec->height;
    const char *p = rec->strings;
    m->identifier = p;
    p += strlen(p) + 1;
    m->file = p;
    p += strlen(p) + 1;
    m->checksum = *p ? p : NULL;
    p += strlen(p) + 1;
    m->rights = *p ? p : NULL;
    *mtime = rec->mtime;
    return 1;
}

static const char *media_path(vcm_req *req, const char *rel)
{
    return vcm_arena_printf(req->arena, "%s/%s", media_dir(req), rel);
}

int vcm_iiif_base(vcm_req *req, vcm_resp *resp)
{
    vcm_media m;
    int64_t mtime;
    if (load_media(req, resp, &m, &mtime) <= 0)
        return 0;
    resp->status = 303;
    vcm_resp_header(resp, req, "Access-Control-Allow-Origin", "*");
    vcm_resp_header(resp, req, "Location",
                    vcm_arena_printf(req->arena, "%s/info.json", service_id(req, m.identifier)));
    return 0;
}

/* The sizes a client can ask for cheaply: the pyramid's levels. */
static json_t *info_doc(vcm_req *req, const vcm_media *m)
{
    json_t *d = json_object();
    json_object_set_new(d, "@context", json_string(IIIF_IMAGE_CONTEXT));
    json_object_set_new(d, "id", json_string(service_id(req, m->identifier)));
    json_object_set_new(d, "type", json_string("ImageService3"));
    json_object_set_new(d, "protocol", json_string("http://iiif.io/api/image"));
    json_object_set_new(d, "profile", json_string("level2"));
    json_object_set_new(d, "width", json_integer(m->width));
    json_object_set_new(d, "height", json_integer(m->height));
    json_object_set_new(d, "maxWidth", json_integer(vcm_web_app(req)->iiif.limits.max_width));
    json_object_set_new(d, "maxHeight", json_integer(vcm_web_app(req)->iiif.limits.max_height));
    json_object_set_new(d, "maxArea", json_integer(vcm_web_app(req)->iiif.limits.max_area));
    json_t *sizes = json_array(), *factors = json_array();
    int w = m->width, h = m->height;
    for (int f = 1; f <= 1 << 20; f *= 2) {
        json_array_append_new(factors, json_integer(f));
        int sw = (w + f - 1) / f, sh = (h + f - 1) / f;
        if (f > 1 && sw >= 1 && sh >= 1)
            json_array_insert_new(sizes, 0, json_pack("{s:i, s:i}", "width", sw, "height", sh));
        if (sw <= TILE && sh <= TILE)
            break;
    }
    json_object_set_new(d, "sizes", sizes);
    json_object_set_new(d, "tiles", json_pack("[{s:i, s:i, s:o}]", "width", TILE, "height", TILE,
                                              "scaleFactors", factors));
    json_object_set_new(d, "extraFormats", json_pack("[s, s]", "webp", "tif"));
    json_object_set_new(d, "extraQualities", json_pack("[s, s, s]", "color", "gray", "bitonal"));
    json_object_set_new(d, "extraFeatures",
                        json_pack("[s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s]",
                                  "baseUriRedirect", "canonicalLinkHeader", "cors",
                                  "jsonldMediaType", "mirroring", "profileLinkHeader",
                                  "regionByPct", "regionByPx", "regionSquare",
                                  "rotationArbitrary", "rotationBy90s", "sizeByConfinedWh",
                                  "sizeByH", "sizeByPct", "sizeByW", "sizeByWh",
                                  "sizeUpscaling"));
    if (m->rights && *m->rights)
        json_object_set_new(d, "rights", json_string(m->rights));
    return d;
}

int vcm_iiif_info(vcm_req *req, vcm_resp *resp)
{
    vcm_media m;
    int64_t mtime;
    if (load_media(req, resp, &m, &mtime) <= 0)
        return 0;
    vcm_resp_header(resp, req, "Link", "<" LEVEL2 ">;rel=\"profile\"");
    vcm_resp_header(resp, req, "Cache-Control", "public, max-age=3600");
    /* the document depends on the image and on the base URL it names */
    const char *key = vcm_arena_printf(req->arena, "%s|%s", vcm_web_base(req), m.identifier);
    vcm_memo *memo = vcm_memo_thread(vcm_web_app(req), 2, 1024, (size_t)4 << 20, vcm_web_version(req, resp));
    size_t len;
    const void *doc = key ? vcm_memo_get(memo, key, &len) : NULL;
    if (doc) {
        resp->content_type = "application/json";
        jsonld_type(req, resp, IIIF_IMAGE_CONTEXT);
        vcm_resp_header(resp, req, "Access-Control-Allow-Origin", "*");
        vcm_resp_header(resp, req, "Access-Control-Expose-Headers", "Link, ETag");
        return vcm_buf_append(&resp->body, doc, len);
    }
    int r = vcm_web_jsonld(req, resp, info_doc(req, &m), IIIF_IMAGE_CONTEXT);
    if (r == 0 && key)
        vcm_memo_put(memo, key, resp->body.data, resp->body.len);
    return r;
}

/* A render handed to the pool, with what the answer needs afterwards. It
 * lives in the request's arena: the request outlives it (vcm_req_resume is
 * the pool's last touch). */
struct render {
    vcm_iiif_job job;
    vcm_req *req;
    const char *key, *identifier;
};

/* On the render thread, once the image is made: wake the connection, then
 * keep the image in the disk cache. The file is written from a copy after
 * the wake-up, so the answer does not wait for it (the connection owns
 * the job's bytes and its key from then on). Without memory for the copy,
 * the image is only not kept. */
static void render_done(vcm_iiif_job *job)
{
    struct render *rd = job->ud;
    /* the app outlives the request, which may be gone once resumed */
    vcm_iiif_cache *cache = vcm_web_app(rd->req)->iiif.cache;
    size_t n = job->out.len;
    char *key = job->rc == 0 && cache ? strdup(rd->key) : NULL;
    void *copy = key ? malloc(n ? n : 1) : NULL;
    if (copy)
        memcpy(copy, job->out.data, n);
    vcm_req_resume(rd->req);
    if (copy)
        vcm_iiif_cache_put(cache, key, copy, n);
    free(copy);
    free(key);
}

/* Back on the connection's thread: answer with the image. */
static int render_answer(vcm_req *req, vcm_resp *resp, void *ud)
{
    struct render *rd = ud;
    int rc = 0;
    if (rd->job.turned_away) {
        vcm_resp_header(resp, req, "Retry-After", RETRY_AFTER);
        rc = vcm_web_error(req, resp, 503, vcm_web_t(req, "iiif.stopping"));
        goto out;
    }
    if (rd->job.rc != 0) {
        vcm_error("image failed", "identifier=\"%s\" request=%s error=\"%s\"", rd->identifier,
                  rd->job.r.canonical, rd->job.err);
        rc = vcm_web_error(req, resp, 500, vcm_web_t(req, "iiif.failed"));
        goto out;
    }
    image_cors(req, resp);
    vcm_memo_put(vcm_memo_thread(vcm_web_app(req), 3, 512, (size_t)16 << 20, 0), rd->key, rd->job.out.data,
                 rd->job.out.len);
    rc = vcm_buf_append(&resp->body, rd->job.out.data, rd->job.out.len);
out:
    vcm_buf_release(&rd->job.out);
    return rc;
}

int vcm_iiif_image(vcm_req *req, vcm_resp *resp)
{
    vcm_media m;
    int64_t mtime;
    if (load_media(req, resp, &m, &mtime) <= 0)
        return 0;
    const vcm_iiif_limits limits = vcm_web_app(req)->iiif.limits;
    int64_t max_cost = vcm_web_app(req)->iiif.max_cost;
    vcm_iiif_cache *cache = vcm_web_app(req)->iiif.cache;
    vcm_iiif_pool *pool = vcm_web_app(req)->iiif.pool;
    vcm_iiif_req r;
    vcm_iiif_msg err;
    int status = vcm_iiif_parse(vcm_req_param(req, "region"), vcm_req_param(req, "size"),
                                vcm_req_param(req, "rotation"), vcm_req_param(req, "quality"),
                                m.width, m.height, &limits, &r, &err);
    if (status) {
        /* the parser says what and with which values; the catalogue says it */
        const char *args[VCM_IIIF_MSG_ARGS];
        for (int i = 0; i < err.nargs; i++)
            args[i] = err.arg[i];
        return vcm_web_error(req, resp, status, vcm_web_tfv(req, err.key, err.nargs, args));
    }
    /* Priced before anything is read, cached or not: whether a URL is
     * served must not depend on what happens to be in a cache. */
    int64_t cost = vcm_iiif_cost(m.width, m.height, &r);
    if (cost > max_cost) {
        const char *why = vcm_arena_printf(req->arena, "%lld > %lld", (long long)cost,
                                           (long long)max_cost);
        return vcm_web_error(req, resp, 400, vcm_web_tf(req, "iiif.too_costly", why));
    }
    const char *key = vcm_arena_printf(req->arena, "%s/%s", m.checksum ? m.checksum : m.identifier,
                                       r.canonical);
    if (!key)
        return -1;
    /* the key says everything about the bytes: it is the ETag */
    unsigned char h[16];
    crypto_generichash(h, sizeof h, (const unsigned char *)key, strlen(key), NULL, 0);
    char etag[40];
    for (int i = 0; i < 16; i++)
        snprintf(etag + 2 * i, 3, "%02x", h[i]);
    resp->content_type = vcm_iiif_format_mime(r.format);
    vcm_resp_header(resp, req, "Cache-Control", "public, max-age=31536000, immutable");
    vcm_resp_header(resp, req, "Link",
                    vcm_arena_printf(req->arena, "<%s/%s>;rel=\"canonical\", <" LEVEL2 ">;rel=\"profile\"",
                                     service_id(req, m.identifier), r.canonical));
    /* both headers are always set, so both calls run ("|", not "||") */
    if (vcm_resp_etag(resp, req, etag) | vcm_resp_last_modified(resp, req, (time_t)mtime)) {
        image_cors(req, resp);
        return 0;
    }
    /* HEAD: the headers above come from the request alone; no bytes are
     * looked for or made (so Content-Length is 0, not the image's). */
    if (strcmp(req->method, "HEAD") == 0) {
        image_cors(req, resp);
        return 0;
    }
    /* the bytes: from this thread's memory, the disk cache, or made now */
    vcm_memo *hot = vcm_memo_thread(vcm_web_app(req), 3, 512, (size_t)16 << 20, 0);
    size_t len;
    const void *bytes = vcm_memo_get(hot, key, &len);
    if (bytes) {
        image_cors(req, resp);
        return vcm_buf_append(&resp->body, bytes, len);
    }
    /* a whole tile of a level, as stored: no work to keep in a cache */
    int stored = vcm_iiif_stored_tile(media_path(req, m.file), m.width, m.height, &r, &resp->body);
    if (stored == 1) {
        image_cors(req, resp);
        vcm_memo_put(hot, key, resp->body.data, resp->body.len);
        return 0;
    }
    int hit = cache ? vcm_iiif_cache_get(cache, key, &resp->body) : 0;
    if (hit == 1) {
        image_cors(req, resp);
        vcm_memo_put(hot, key, resp->body.data, resp->body.len);
        return 0;
    }
    vcm_buf_reset(&resp->body);
    if (vcm_iiif_pool_reserve(pool) < 0) {
        vcm_resp_header(resp, req, "Retry-After", RETRY_AFTER);
        return vcm_web_error(req, resp, 503, vcm_web_t(req, "iiif.busy"));
    }
    struct render *rd = vcm_arena_alloc(req->arena, sizeof *rd);
    const char *path = media_path(req, m.file);
    const char *ident = vcm_arena_strdup(req->arena, m.identifier);
    if (!rd || !path || !ident || vcm_req_suspend(req, render_answer, rd) < 0) {
        vcm_iiif_pool_cancel(pool);
        return -1;
    }
    memset(rd, 0, sizeof *rd);
    rd->req = req;
    rd->key = key;
    rd->identifier = ident;
    rd->job.pyramid = path;
    rd->job.r = r;
    rd->job.done = render_done;
    rd->job.ud = rd;
    vcm_buf_init(&rd->job.out, resp->body.max);
    vcm_iiif_pool_submit(pool, &rd->job);
    return 0;
}

/* Paths under /iiif/ that name nothing: 404 (the Image API's validator
 * asks for it), not the 405 the OPTIONS route there would give. */
int vcm_iiif_unknown(vcm_req *req, vcm_resp *resp)
{
    return vcm_web_error(req, resp, 404, vcm_web_t(req, "iiif.nothing_here"));
}
