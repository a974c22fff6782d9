/* vcm harvest add|run|list, and the schedule vcm serve runs
 * (docs/oai-pmh.md, "The harvester").
 *
 * A harvest of a source asks ListRecords (from the last harvest's first
 * responseDate less an overlap, or everything the first time) and follows
 * the resumption tokens to the end. Each page is read and stored in one
 * transaction together with where the harvest stands (the next token), so
 * a harvest stopped anywhere (the process killed, the source gone) resumes
 * at the first page not stored, and a page is never half stored.
 *
 * Network errors, 5xx answers and 503 with Retry-After are tried again
 * after a wait (Retry-After's, or a backoff that doubles); a source that
 * stays away ends the run with its token kept. Records are stored by the
 * formats' readers (LIDO: io/lido.h; simple Dublin Core: the mapping
 * mappings/oai_dc.json through io/mapping.h), into the source's museum;
 * one that cannot be read is recorded with its reason and the harvest goes
 * on. A deleted record withdraws the object it became. What records held
 * that no field keeps is counted per source.
 *
 * One node harvests a source at a time: the run takes the source's lock
 * in the store (an owner and an expiry, prolonged after every page), and a
 * node that finds it held leaves the source alone. */
#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/asset.h"
#include "core/log.h"
#include "io/fetch.h"
#include "io/jsonl.h"
#include "io/lido.h"
#include "io/mapping.h"
#include "io/oai.h"
#include "io/xml.h"
#include "store/harvest.h"
#include "core/banned.h"

#define PAGE_MAX ((size_t)256 << 20) /* one response's bytes at most */
#define LEASE 600                    /* seconds a lock holds without a page */

static const vcm_option harvest_options[] = {
    {"set", NULL, "SPEC", "harvest add: harvest only this set of the repository", VCM_OPT_STR, VCM_OPTION_AT(vcm_harvest_opts, set), 0, 0},
    {"every", NULL, "SECONDS", "harvest add: how often vcm serve harvests the source (default 86400)", VCM_OPT_NUM, VCM_OPTION_AT(vcm_harvest_opts, every), 60, 1L << 30},
    {"overlap", "VCM_HARVEST_OVERLAP", "SECONDS", "harvest: an incremental harvest asks from this long before the last one began (default 60)", VCM_OPT_NUM, VCM_OPTION_AT(vcm_harvest_opts, overlap), 0, 1L << 30},
    {"retries", "VCM_HARVEST_RETRIES", "N", "harvest: tries of a page after a network error, a 5xx or a 503 (default 6)", VCM_OPT_NUM, VCM_OPTION_AT(vcm_harvest_opts, retries), 1, 100},
    {"harvest-poll", "VCM_HARVEST_POLL", "SECONDS", "serve: how often to look for sources due for a harvest (default 60, 0 = never)", VCM_OPT_NUM, VCM_OPTION_AT(vcm_harvest_opts, poll), 0, 1L << 30},
};

void vcm_harvest_options(vcm_harvest_opts *o, vcm_option_set *set)
{
    memset(o, 0, sizeof *o);
    o->every = 86400;
    o->overlap = 60;
    o->retries = 6;
    o->poll = 60;
    *set = (vcm_option_set){harvest_options, sizeof harvest_options / sizeof *harvest_options,
                            o};
}

/* ---- fetching a page --------------------------------------------------------- */

struct fetch {
    vcm_buf body;
    long retry_after; /* seconds; -1 none */
};

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    struct fetch *f = ud;
    return vcm_buf_append(&f->body, p, size * n) < 0 ? 0 : size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    struct fetch *f = ud;
    size_t len = size * n;
    if (len > 12 && strncasecmp(p, "Retry-After:", 12) == 0) {
        char v[128];
        size_t k = len - 12 < sizeof v - 1 ? len - 12 : sizeof v - 1;
        memcpy(v, p + 12, k);
        v[k] = '\0';
        char *s = v + strspn(v, " \t");
        s[strcspn(s, "\r\n")] = '\0';
        f->retry_after = vcm_fetch_retry_after(s, time(NULL), 3600);
    }
    return len;
}

/* GETs url into f->body. 0 with a 200; 1 worth another try (network error,
 * 5xx, 503; *wait from Retry-After or -1); -1 not (4xx, a page too large),
 * with the reason in err. */
static int get(const char *url, struct fetch *f, long *wait, char *err, size_t errlen)
{
    vcm_buf_reset(&f->body);
    f->retry_after = -1;
    *wait = -1;
    CURL *h = curl_easy_init();
    if (!h) {
        snprintf(err, errlen, "cannot start libcurl");
        return -1;
    }
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "vcm-harvester/" VCM_VERSION);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 120L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, f);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, f);
    CURLcode cc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(h);
    if (cc == CURLE_WRITE_ERROR) {
        snprintf(err, errlen, "%s: the answer is larger than %zu bytes", url, PAGE_MAX);
        return -1;
    }
    if (cc != CURLE_OK) {
        snprintf(err, errlen, "%s: %s", url, curl_easy_strerror(cc));
        return 1;
    }
    if (status == 200)
        return 0;
    snprintf(err, errlen, "%s: HTTP %ld", url, status);
    if (status == 503 || status >= 500 || status == 429) {
        *wait = f->retry_after;
        return 1;
    }
    return -1;
}

/* ---- storing a page ---------------------------------------------------------- */

struct run {
    vcm_store *s;
    const vcm_harvest_opts *o;
    vcm_harvest_source src;
    vcm_museum museum;
    const char *museum_name;
    vcm_mapping *dc; /* oai_dc's mapping */
    vcm_arena rec;   /* one record's memory */
    const atomic_bool *stop; /* vcm serve stopping: end after the page (NULL: never) */
    int64_t harvested, deleted, errors;
    /* the page's unmapped paths, counted, written with the page */
    struct {
        char *path;
        int64_t n;
    } *unmapped;
    size_t nunmapped, capunmapped;
    FILE *progress;
};

static int unmapped_add(struct run *r, const char *path)
{
    for (size_t i = 0; i < r->nunmapped; i++)
        if (strcmp(r->unmapped[i].path, path) == 0) {
            r->unmapped[i].n++;
            return 0;
        }
    if (r->nunmapped == r->capunmapped) {
        size_t cap = r->capunmapped ? r->capunmapped * 2 : 16;
        void *nv = realloc(r->unmapped, cap * sizeof *r->unmapped);
        if (!nv)
            return -1;
        r->unmapped = nv;
        r->capunmapped = cap;
    }
    if (!(r->unmapped[r->nunmapped].path = strdup(path)))
        return -1;
    r->unmapped[r->nunmapped++].n = 1;
    return 0;
}

static int unmapped_flush(struct run *r)
{
    int rc = 0;
    for (size_t i = 0; i < r->nunmapped; i++) {
        if (rc == 0 && vcm_harvest_unmapped_add(r->s, r->src.id, r->unmapped[i].path,
                                                r->unmapped[i].n) < 0)
            rc = -1;
        free(r->unmapped[i].path);
    }
    r->nunmapped = 0;
    return rc;
}

static bool is_element(const xmlNode *n, const char *ns, const char *local)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
           strcmp((const char *)n->ns->href, ns) == 0 && strcmp((const char *)n->name, local) == 0;
}

/* A simple Dublin Core record as JSON, each element a list of its values
 * in order, for the oai_dc mapping; elements the mapping does not read are
 * reported unmapped. */
static const char *const dc_read[] = {"title",  "creator", "date",   "type",   "format",
                                      "description", "coverage", "rights", "source",
                                      "identifier"};

static int dc_json(struct run *r, const xmlNode *dc, json_t **out, char *why, size_t wl)
{
    json_t *j = json_object();
    if (!j)
        return -1;
    for (const xmlNode *c = dc->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || !c->ns ||
            strcmp((const char *)c->ns->href, VCM_DC_NS) != 0)
            continue;
        const char *name = (const char *)c->name;
        bool read = false;
        for (size_t i = 0; i < sizeof dc_read / sizeof *dc_read; i++)
            read |= strcmp(dc_read[i], name) == 0;
        if (!read) {
            char path[128];
            snprintf(path, sizeof path, "dc:%s", name);
            if (unmapped_add(r, path) < 0)
                goto oom;
            continue;
        }
        char *t = vcm_xml_text(c);
        if (!t)
            continue;
        json_t *list = json_object_get(j, name);
        if (!list && (json_object_set_new(j, name, list = json_array()) < 0 || !list)) {
            free(t);
            goto oom;
        }
        int e = json_array_append_new(list, json_string(t));
        free(t);
        if (e < 0)
            goto oom;
    }
    *out = j;
    return 0;
oom:
    json_decref(j);
    snprintf(why, wl, "out of memory");
    return -1;
}

/* One record's metadata → an object of the source's museum: 0, -1 refused
 * (why says why). */
static int to_object(struct run *r, const xmlNode *meta, const char *identifier, vcm_object *o,
                     const char **warning, char *why, size_t wl)
{
    vcm_arena *a = &r->rec;
    const char *museum, *country;
    if (strcmp(r->src.format, "lido") == 0) {
        if (!is_element(meta, VCM_LIDO_NS, "lido")) {
            snprintf(why, wl, "the metadata is not a lido:lido record");
            return -1;
        }
        vcm_lido_record rec;
        if (vcm_lido_parse(meta, a, &rec, why, wl) < 0)
            return -1;
        for (size_t i = 0; i < rec.nunkept; i++)
            if (unmapped_add(r, rec.unkept[i]) < 0) {
                json_decref(rec.source);
                snprintf(why, wl, "out of memory");
                return -1;
            }
        int rc = vcm_lido_to_object(&rec, a, r->museum.country, o, &museum, &country, warning,
                                    why, wl);
        json_decref(rec.source);
        if (rc < 0)
            return -1;
    } else {
        if (!is_element(meta, VCM_OAI_DC_NS, "dc")) {
            snprintf(why, wl, "the metadata is not an oai_dc:dc record");
            return -1;
        }
        json_t *dc, *j = NULL;
        if (dc_json(r, meta, &dc, why, wl) < 0)
            return -1;
        json_object_set_new(dc, "oai_identifier", json_string(identifier));
        vcm_map_row row = {.json = dc};
        int rc = vcm_mapping_apply(r->dc, &row, a, &j, why, wl);
        json_decref(dc);
        if (rc < 0)
            return -1;
        /* the record is the source's museum's, whatever it says */
        json_object_set_new(j, "source_museum", json_string(r->museum_name));
        json_object_set_new(j, "source_country", json_string(r->museum.country));
        rc = vcm_record_from_source(j, a, o, &museum, &country, warning, why, wl);
        json_decref(j);
        if (rc < 0)
            return -1;
    }
    o->museum_id = r->src.museum_id;
    if (vcm_object_validate_content(o, why, wl) < 0 || vcm_object_validate(o, why, wl) < 0)
        return -1;
    return 0;
}

/* A deleted record: the object it became is withdrawn. */
static int withdraw(struct run *r, const char *identifier, char *err, size_t errlen)
{
    int64_t id;
    int f = vcm_harvest_record_get(r->s, r->src.id, identifier, &id);
    if (f <= 0)
        goto done; /* never taken: nothing to withdraw */
    vcm_object o;
    f = r->s->ops->object_get(r->s, &r->rec, id, &o);
    if (f < 0)
        goto store;
    if (f == 1 && o.status == VCM_PUBLISHED) {
        char hash[33];
        if (vcm_object_hash(&o, r->museum_name, hash) < 0) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        /* the content hash does not cover the status: one that no content
         * hashes to, so the store writes the change */
        hash[0] = 'w';
        o.status = VCM_WITHDRAWN;
        vcm_upsert res;
        if (r->s->ops->object_upsert(r->s, &o, hash, true, &res) < 0)
            goto store;
    }
done:
    r->deleted++;
    return 0;
store:
    snprintf(err, errlen, "%s", vcm_store_error(r->s));
    return -1;
}

static int on_record(void *ud, const vcm_oai_header *h, const xmlNode *meta, long line,
                     char *err, size_t errlen)
{
    struct run *r = ud;
    vcm_arena_reset(&r->rec);
    char key[64];
    const char *id = h->identifier;
    if (!id) {
        snprintf(key, sizeof key, "line %ld", line);
        r->errors++;
        return vcm_harvest_error_put(r->s, r->src.id, key, (int64_t)time(NULL),
                                     "a record without an identifier") < 0
                   ? (snprintf(err, errlen, "%s", vcm_store_error(r->s)), -1)
                   : 0;
    }
    if (h->deleted)
        return withdraw(r, id, err, errlen);
    char why[600];
    const char *warning = NULL;
    vcm_object o;
    int rc = meta ? to_object(r, meta, id, &o, &warning, why, sizeof why)
                  : (snprintf(why, sizeof why, "a record without metadata"), -1);
    if (rc < 0) {
        r->errors++;
        if (vcm_harvest_error_put(r->s, r->src.id, id, (int64_t)time(NULL), why) < 0)
            goto store;
        return 0;
    }
    char hash[33];
    if (vcm_object_hash(&o, r->museum_name, hash) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    vcm_upsert res;
    if (r->s->ops->object_upsert(r->s, &o, hash, false, &res) < 0 ||
        vcm_harvest_record_put(r->s, r->src.id, id, o.id, h->datestamp) < 0 ||
        vcm_harvest_error_put(r->s, r->src.id, id, 0, NULL) < 0)
        goto store;
    r->harvested++;
    return 0;
store:
    snprintf(err, errlen, "%s", vcm_store_error(r->s));
    return -1;
}

/* ---- a harvest --------------------------------------------------------------- */

static int append_arg(vcm_buf *b, const char *name, const char *value)
{
    return vcm_buf_printf(b, "&%s=", name) < 0 || vcm_buf_urlenc(b, value, strlen(value)) < 0
               ? -1
               : 0;
}

static int page_url(vcm_buf *b, const struct run *r, const char *token, const char *from)
{
    vcm_buf_reset(b);
    if (vcm_buf_puts(b, r->src.url) < 0 ||
        vcm_buf_puts(b, strchr(r->src.url, '?') ? "&verb=ListRecords" : "?verb=ListRecords") < 0)
        return -1;
    if (token)
        return append_arg(b, "resumptionToken", token);
    if (append_arg(b, "metadataPrefix", r->src.format) < 0 ||
        (r->src.set && append_arg(b, "set", r->src.set) < 0) ||
        (from && append_arg(b, "from", from) < 0))
        return -1;
    return 0;
}

/* The from of an incremental harvest: the last one's first responseDate
 * less the overlap; NULL for a full harvest. */
static const char *from_of(struct run *r, char out[32])
{
    int64_t t;
    if (!r->src.last_stamp || vcm_oai_time_parse(r->src.last_stamp, false, &t) < 0)
        return NULL;
    t -= r->o->overlap;
    char s[21];
    vcm_oai_time_format(t < 0 ? 0 : t, s);
    /* a repository of a day's granularity gave its date that way */
    snprintf(out, 32, "%.*s", strlen(r->src.last_stamp) == 10 ? 10 : 20, s);
    return out;
}

/* Fetches a page, with the retries. 0, or -1 (err). */
static int fetch_page(struct run *r, const char *url, struct fetch *f, char *err, size_t errlen)
{
    long backoff = 1;
    for (long i = 0;; i++) {
        long wait;
        int g = get(url, f, &wait, err, errlen);
        if (g <= 0)
            return g;
        if (i + 1 >= r->o->retries)
            return -1;
        if (wait < 0) {
            wait = backoff;
            backoff = backoff < 64 ? backoff * 2 : 64;
        }
        if (r->progress)
            fprintf(r->progress, "harvest %lld: %s; again in %ld s\n", (long long)r->src.id, err,
                    wait);
        for (long k = 0; k < wait; k++) {
            if (r->stop && atomic_load(r->stop))
                return -1;
            sleep(1);
        }
    }
}

static int harvest(struct run *r, const char *owner, char *err, size_t errlen)
{
    vcm_store *s = r->s;
    struct fetch f;
    vcm_buf_init(&f.body, PAGE_MAX);
    vcm_buf url;
    vcm_buf_init(&url, 0);
    char fromb[32];
    const char *token = r->src.token;
    const char *from = token ? r->src.run_from : from_of(r, fromb);
    char run_from[32] = "", run_stamp[32] = "", next[1024] = "";
    if (from)
        snprintf(run_from, sizeof run_from, "%s", from);
    if (token && r->src.run_stamp)
        snprintf(run_stamp, sizeof run_stamp, "%s", r->src.run_stamp);
    if (token) {
        snprintf(next, sizeof next, "%s", token);
        r->harvested = r->src.harvested;
        r->deleted = r->src.deleted;
        r->errors = r->src.errors;
        if (r->progress)
            fprintf(r->progress, "harvest %lld: resuming from its last token\n",
                    (long long)r->src.id);
    }
    int rc = -1;
    bool day_tried = false;
    for (long page = 1;; page++) {
        if (page_url(&url, r, next[0] ? next : NULL, run_from[0] ? run_from : NULL) < 0) {
            snprintf(err, errlen, "out of memory");
            goto out;
        }
        if (fetch_page(r, url.data, &f, err, errlen) < 0)
            goto out;
        int64_t now = (int64_t)time(NULL);
        if (vcm_harvest_lock(s, r->src.id, owner, now, now + LEASE) != 1) {
            snprintf(err, errlen, "the source's lock was lost to another node");
            goto out;
        }
        vcm_oai_page pg;
        if (vcm_store_begin(s) < 0) {
            snprintf(err, errlen, "%s", vcm_store_error(s));
            goto out;
        }
        int p = vcm_oai_parse_page(f.body.data, f.body.len, r->src.url, on_record, r, &pg, err,
                                   errlen);
        if (p == 0 && pg.error_code[0] && strcmp(pg.error_code, "noRecordsMatch") != 0) {
            if (strcmp(pg.error_code, "badArgument") == 0 && run_from[0] &&
                strlen(run_from) == 20 && !day_tried && !next[0]) {
                /* a repository of a day's granularity: from as a day */
                vcm_store_rollback(s);
                run_from[10] = '\0';
                day_tried = true;
                page--;
                continue;
            }
            snprintf(err, errlen, "%s: %s: %s", r->src.url, pg.error_code, pg.error_text);
            p = -1;
            /* a token the repository no longer takes: the next run starts
             * the list again (from the same from) rather than fail forever */
            if (strcmp(pg.error_code, "badResumptionToken") == 0)
                vcm_harvest_progress(s, r->src.id, NULL, run_from[0] ? run_from : NULL, NULL,
                                     r->harvested, r->deleted, r->errors);
        }
        if (p < 0) {
            if (strcmp(pg.error_code, "badResumptionToken") == 0 && vcm_store_commit(s) == 0)
                goto out;
            vcm_store_rollback(s);
            goto out;
        }
        if (!run_stamp[0])
            snprintf(run_stamp, sizeof run_stamp, "%s", pg.response_date);
        snprintf(next, sizeof next, "%s", pg.has_token ? pg.token : "");
        if (unmapped_flush(r) < 0 ||
            vcm_harvest_progress(s, r->src.id, next[0] ? next : NULL,
                                 run_from[0] ? run_from : NULL, run_stamp, r->harvested,
                                 r->deleted, r->errors) < 0 ||
            vcm_store_commit(s) < 0) {
            snprintf(err, errlen, "%s", vcm_store_error(s));
            vcm_store_rollback(s);
            goto out;
        }
        if (r->progress)
            fprintf(r->progress,
                    "harvest %lld: page %ld, %lld records, %lld deleted, %lld errors%s\n",
                    (long long)r->src.id, page, (long long)r->harvested, (long long)r->deleted,
                    (long long)r->errors,
                    pg.size >= 0 && next[0]
                        ? vcm_arena_printf(&r->rec, " (of %lld)", (long long)pg.size)
                        : "");
        if (!next[0])
            break;
        if (r->stop && atomic_load(r->stop)) {
            /* the token of the next page is stored: the next run resumes */
            snprintf(err, errlen, "stopped with the server; the next run resumes");
            goto out;
        }
    }
    rc = 0;
out:
    for (size_t i = 0; i < r->nunmapped; i++)
        free(r->unmapped[i].path);
    r->nunmapped = 0;
    vcm_buf_release(&f.body);
    vcm_buf_release(&url);
    return rc;
}

/* The mapping of simple Dublin Core, built into the program. */
static vcm_mapping *dc_mapping(char *err, size_t errlen)
{
    const struct vcm_asset *m = vcm_asset_find("mappings/oai_dc.json");
    if (!m) {
        snprintf(err, errlen, "the oai_dc mapping is not built in");
        return NULL;
    }
    return vcm_mapping_parse((const char *)m->data, m->len, err, errlen);
}

int vcm_harvest_run(vcm_store *s, int64_t id, const vcm_harvest_opts *o, const char *owner,
                    const atomic_bool *stop, FILE *progress, char *err, size_t errlen)
{
    struct run r = {.s = s, .o = o, .progress = progress, .stop = stop};
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_arena_init(&r.rec, 64u << 20);
    int rc = -1;
    int64_t now = (int64_t)time(NULL);
    int l = vcm_harvest_lock(s, id, owner, now, now + LEASE);
    if (l < 0) {
        snprintf(err, errlen, "%s", vcm_store_error(s));
        goto out;
    }
    if (l == 0) {
        snprintf(err, errlen, "source %lld is being harvested by another node", (long long)id);
        rc = 1;
        goto out;
    }
    int g = vcm_harvest_get(s, &a, id, &r.src);
    if (g <= 0 || s->ops->museum_get(s, &a, r.src.museum_id, &r.museum) <= 0) {
        snprintf(err, errlen, "%s", g < 0 ? vcm_store_error(s) : "no such source or museum");
        goto unlock;
    }
    r.museum_name = r.museum.names.n ? r.museum.names.v[0].text : "";
    for (size_t i = 0; i < r.museum.names.n; i++)
        if (strcmp(r.museum.names.v[i].lang, "en") == 0)
            r.museum_name = r.museum.names.v[i].text;
    rc = strcmp(r.src.format, "oai_dc") == 0 && !(r.dc = dc_mapping(err, errlen))
             ? -1
             : harvest(&r, owner, err, errlen);
    now = (int64_t)time(NULL);
    if (vcm_harvest_finish(s, id, rc == 0, rc == 0 ? NULL : err, now, now + r.src.every) < 0 &&
        rc == 0) {
        snprintf(err, errlen, "%s", vcm_store_error(s));
        rc = -1;
    }
unlock:
    vcm_harvest_unlock(s, id, owner);
out:
    vcm_mapping_free(r.dc);
    free(r.unmapped);
    vcm_arena_release(&r.rec);
    vcm_arena_release(&a);
    return rc;
}

/* This process's name for locks: host and process. */
static void owner_of(char *out, size_t n)
{
    char host[128] = "";
    gethostname(host, sizeof host - 1);
    snprintf(out, n, "%s:%ld", host, (long)getpid());
}

/* ---- the commands ------------------------------------------------------------ */

static int cmd_add(vcm_store *s, vcm_config *c, const vcm_harvest_opts *o, const char *museum,
                   const char *format)
{
    const char *url = c->argv[2];
    if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
        fprintf(stderr, "vcm harvest add: '%s' is not an http or https URL\n", url);
        return VCM_EXIT_USAGE;
    }
    if (strcmp(format, "lido") != 0 && strcmp(format, "oai_dc") != 0) {
        fprintf(stderr, "vcm harvest add: --format must be lido or oai_dc, not '%s'\n", format);
        return VCM_EXIT_USAGE;
    }
    char *end;
    long long mid = strtoll(museum, &end, 10);
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_museum m;
    int f = *museum && !*end && mid > 0 ? s->ops->museum_get(s, &a, mid, &m) : 0;
    vcm_arena_release(&a);
    if (f <= 0) {
        fprintf(stderr, "vcm harvest add: --museum '%s' is no museum's number%s%s\n", museum,
                f < 0 ? ": " : "", f < 0 ? vcm_store_error(s) : "");
        return f < 0 ? VCM_EXIT_FAIL : VCM_EXIT_USAGE;
    }
    if (o->set[0] && !vcm_oai_set_spec_ok(o->set)) {
        fprintf(stderr, "vcm harvest add: --set '%s' is not a setSpec\n", o->set);
        return VCM_EXIT_USAGE;
    }
    vcm_harvest_source src = {.url = url, .museum_id = mid, .format = format,
                              .set = o->set[0] ? o->set : NULL, .every = o->every};
    if (vcm_harvest_add(s, &src) < 0) {
        fprintf(stderr, "vcm harvest add: %s\n", vcm_store_error(s));
        return VCM_EXIT_FAIL;
    }
    printf("source %lld: %s (%s%s%s) into museum %lld, every %lld s\n", (long long)src.id, url,
           format, src.set ? ", set " : "", src.set ? src.set : "", mid, (long long)src.every);
    return VCM_EXIT_OK;
}

static int cmd_list(vcm_store *s)
{
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_harvest_source *v;
    size_t n;
    int rc = VCM_EXIT_FAIL;
    if (vcm_harvest_list(s, &a, &v, &n) < 0) {
        fprintf(stderr, "vcm harvest list: %s\n", vcm_store_error(s));
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        int64_t records = 0;
        vcm_harvest_line *errs, *unm;
        size_t ne, nu;
        if (vcm_harvest_record_count(s, v[i].id, &records) < 0 ||
            vcm_harvest_report(s, &a, v[i].id, 10, &errs, &ne, &unm, &nu) < 0) {
            fprintf(stderr, "vcm harvest list: %s\n", vcm_store_error(s));
            goto out;
        }
        char last[21] = "never";
        if (v[i].last_run)
            vcm_oai_time_format(v[i].last_run, last);
        printf("source %lld: %s (%s%s%s) into museum %lld\n", (long long)v[i].id, v[i].url,
               v[i].format, v[i].set ? ", set " : "", v[i].set ? v[i].set : "",
               (long long)v[i].museum_id);
        printf("  status %s, last run %s, next from %s%s\n", v[i].status ? v[i].status : "new",
               last, v[i].last_stamp ? v[i].last_stamp : "the start",
               v[i].token ? ", an interrupted harvest to resume" : "");
        printf("  %lld records held; last harvest: %lld records, %lld deleted, %lld errors\n",
               (long long)records, (long long)v[i].harvested, (long long)v[i].deleted,
               (long long)v[i].errors);
        for (size_t k = 0; k < ne; k++)
            printf("  error %s: %s\n", errs[k].key, errs[k].text);
        for (size_t k = 0; k < nu; k++)
            printf("  unmapped %s in %lld records\n", unm[k].key, (long long)unm[k].n);
    }
    rc = VCM_EXIT_OK;
out:
    vcm_arena_release(&a);
    return rc;
}

static int cmd_run(vcm_store *s, vcm_config *c, const vcm_harvest_opts *o)
{
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_harvest_source *v = NULL;
    size_t n = 0;
    int rc = VCM_EXIT_OK;
    int64_t only = 0;
    if (c->argc >= 3) {
        char *end;
        only = strtoll(c->argv[2], &end, 10);
        if (*end || only <= 0) {
            fprintf(stderr, "vcm harvest run: '%s' is not a source's number\n", c->argv[2]);
            rc = VCM_EXIT_USAGE;
            goto out;
        }
    }
    if (vcm_harvest_list(s, &a, &v, &n) < 0) {
        fprintf(stderr, "vcm harvest run: %s\n", vcm_store_error(s));
        rc = VCM_EXIT_FAIL;
        goto out;
    }
    char owner[200];
    owner_of(owner, sizeof owner);
    bool found = false;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    for (size_t i = 0; i < n; i++) {
        if (only && v[i].id != only)
            continue;
        found = true;
        char err[1024];
        int r = vcm_harvest_run(s, v[i].id, o, owner, NULL, c->quiet ? NULL : stderr, err,
                                sizeof err);
        if (r != 0) {
            fprintf(stderr, "vcm harvest run: source %lld: %s\n", (long long)v[i].id, err);
            rc = r > 0 && rc == VCM_EXIT_OK ? VCM_EXIT_OK : VCM_EXIT_FAIL;
        } else {
            vcm_harvest_source now;
            vcm_arena_reset(&a);
            if (vcm_harvest_get(s, &a, v[i].id, &now) == 1)
                printf("source %lld: %lld records, %lld deleted, %lld errors\n",
                       (long long)now.id, (long long)now.harvested, (long long)now.deleted,
                       (long long)now.errors);
            if (now.errors && rc == VCM_EXIT_OK)
                rc = VCM_EXIT_BAD_INPUT;
        }
    }
    curl_global_cleanup();
    if (only && !found) {
        fprintf(stderr, "vcm harvest run: no source %lld\n", (long long)only);
        rc = VCM_EXIT_USAGE;
    }
out:
    vcm_arena_release(&a);
    return rc;
}

int vcm_cmd_harvest(vcm_config *c, const vcm_harvest_opts *o, const char *museum,
                    const char *format)
{
    const char *sub = c->argc >= 2 ? c->argv[1] : "";
    bool add = strcmp(sub, "add") == 0, run = strcmp(sub, "run") == 0,
         list = strcmp(sub, "list") == 0;
    if ((!add && !run && !list) || (add && (c->argc != 3 || !*museum || !*format)) ||
        (run && c->argc > 3) || (list && c->argc != 2)) {
        fprintf(stderr, "usage: vcm harvest add URL --museum ID --format lido|oai_dc "
                        "[--set SPEC] [--every SECONDS] | run [SOURCE] | list\n");
        return VCM_EXIT_USAGE;
    }
    char err[1024];
    vcm_store *s = vcm_store_open(c->db, err, sizeof err);
    if (!s) {
        fprintf(stderr, "vcm harvest: %s\n", err);
        return VCM_EXIT_FAIL;
    }
    int rc = add ? cmd_add(s, c, o, museum, format) : run ? cmd_run(s, c, o) : cmd_list(s);
    vcm_store_close(s);
    return rc;
}

/* ---- the schedule in vcm serve ----------------------------------------------- */

struct vcm_harvester {
    const vcm_config *c;
    vcm_harvest_opts o;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stop;
    atomic_bool stopping; /* read by a harvest under way */
};

static void *harvester_main(void *arg)
{
    struct vcm_harvester *h = arg;
    char err[1024], owner[200];
    owner_of(owner, sizeof owner);
    vcm_store *s = NULL;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    pthread_mutex_lock(&h->lock);
    while (!h->stop) {
        pthread_mutex_unlock(&h->lock);
        if (!s && !(s = vcm_store_open(h->c->db, err, sizeof err)))
            vcm_warn("the harvester cannot open the database", "error=\"%s\"", err);
        vcm_harvest_source *v;
        size_t n = 0;
        vcm_arena_reset(&a);
        if (s && vcm_harvest_list(s, &a, &v, &n) < 0) {
            vcm_warn("the harvester cannot list its sources", "error=\"%s\"", vcm_store_error(s));
            vcm_store_close(s);
            s = NULL;
        }
        for (size_t i = 0; s && i < n; i++) {
            int64_t now = (int64_t)time(NULL);
            /* due, or interrupted (a token to resume from), and not held */
            if (v[i].next_run > now && !v[i].token)
                continue;
            if (v[i].lock_owner && v[i].lock_until >= now)
                continue;
            vcm_info("harvest", "source=%lld url=\"%s\"", (long long)v[i].id, v[i].url);
            int r = vcm_harvest_run(s, v[i].id, &h->o, owner, &h->stopping, NULL, err,
                                    sizeof err);
            if (r < 0)
                vcm_warn("harvest failed", "source=%lld error=\"%s\"", (long long)v[i].id, err);
            pthread_mutex_lock(&h->lock);
            bool stop = h->stop;
            pthread_mutex_unlock(&h->lock);
            if (stop)
                break;
        }
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += h->o.poll;
        pthread_mutex_lock(&h->lock);
        while (!h->stop && pthread_cond_timedwait(&h->wake, &h->lock, &until) == 0)
            ;
    }
    pthread_mutex_unlock(&h->lock);
    vcm_store_close(s);
    vcm_arena_release(&a);
    return NULL;
}

vcm_harvester *vcm_harvester_start(const vcm_config *c, const vcm_harvest_opts *o)
{
    if (o->poll <= 0)
        return NULL;
    vcm_harvester *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->c = c;
    h->o = *o;
    pthread_mutex_init(&h->lock, NULL);
    pthread_cond_init(&h->wake, NULL);
    if (pthread_create(&h->thread, NULL, harvester_main, h) != 0) {
        pthread_cond_destroy(&h->wake);
        pthread_mutex_destroy(&h->lock);
        free(h);
        vcm_warn("the harvester cannot start", "hint=\"%s\"", "vcm harvest run harvests");
        return NULL;
    }
    return h;
}

void vcm_harvester_stop(vcm_harvester *h)
{
    if (!h)
        return;
    atomic_store(&h->stopping, true);
    pthread_mutex_lock(&h->lock);
    h->stop = true;
    pthread_cond_signal(&h->wake);
    pthread_mutex_unlock(&h->lock);
    pthread_join(h->thread, NULL);
    pthread_cond_destroy(&h->wake);
    pthread_mutex_destroy(&h->lock);
    free(h);
}
