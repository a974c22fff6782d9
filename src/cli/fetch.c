/* vcm media fetch: downloads the images that museums publish (the links of
 * their records: image_url, IIIF image services) where the record's rights
 * allow their reuse, and feeds each one to the same ingest as
 * vcm media add.
 *
 * Design:
 * - Politeness first. Requests go one host at a time per --fetch-per-host
 *   (1), with --fetch-delay (1 s) or the site's longer Crawl-delay between
 *   two of them, --fetch-concurrency (4) at once over all hosts. A host's
 *   robots.txt is read before any other request to it (RFC 9309: a 4xx
 *   means no rules, anything else that is not a 2xx means keep out), and a
 *   path it disallows is never asked for. The User-Agent names VCM and the
 *   site's contact (--contact, required).
 * - One libcurl multi handle drives every transfer from this thread; the
 *   store is written from this thread too, each result in one short
 *   statement or transaction, so a running `vcm serve` is never held up.
 * - The state of each URL (fetch_state) makes a run resumable and the next
 *   one cheap: an image already made is asked for again with its ETag and
 *   Last-Modified, and a 304 changes nothing. A URL refused (robots.txt,
 *   not an image, too large) is not asked for again.
 * - Nothing stored is lost: a URL whose image changed at the source gets a
 *   new image beside the old one; every failure leaves what was there.
 * - Bodies go to a temporary file in the media folder, never to memory; a
 *   body whose first bytes are no image type, or that passes
 *   --fetch-max-bytes, is cut off at once. The ingest then checks again
 *   what libvips can load, the pixel limit (--max-pixels) before decoding,
 *   and every pixel. */
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/arena.h"
#include "iiif/image.h"
#include "io/fetch.h"
#include "io/robots.h"
#include "core/banned.h"

#define MAX_REASONS 8      /* distinct failure reasons kept per host */
#define BACKOFF_MAX_S 300  /* longest wait before a retry */

enum outcome { O_ADDED, O_UNCHANGED, O_REFUSED, O_FAILED, O_NOT_OPEN, O_OUTCOMES };
static const char *const outcome_names[O_OUTCOMES] = {
    "images added", "unchanged", "refused", "failed", "not open (rights)"};

struct reason {
    char text[160];
    long count;
};

struct host {
    char origin[300]; /* scheme://host:port */
    vcm_robots robots;
    enum { R_NONE, R_ASKING, R_READY } robots_state;
    int active;
    size_t pending; /* jobs not finished: robots.txt is read only for a host that has some */
    double next_at; /* monotonic seconds: no request before */
    long delay_ms;
    long count[O_OUTCOMES];
    struct reason reasons[MAX_REASONS];
    size_t nreasons;
};

struct job {
    const vcm_fetch_item *it;
    const char *url;  /* what is asked for */
    char *path;       /* its path and query, for robots.txt */
    size_t host;
    int tries;
    double not_before;
    bool has_prev, done, running;
    vcm_fetch_state prev;
};

/* One transfer: a job's image, or a host's robots.txt (job NULL). */
struct xfer {
    CURL *h;
    struct job *job;
    size_t host;
    char tmp[700];
    FILE *f;
    unsigned char head[16];
    size_t nhead;
    long long bytes, max_bytes;
    bool not_image, too_big;
    char etag[256], last_modified[64], retry_after[64];
    char *robots_text; /* robots.txt body, capped */
    size_t robots_len;
    struct curl_slist *hdrs;
    struct xfer *next; /* the run's transfers under way */
};

struct run {
    vcm_config *c;
    const vcm_media_opts *mo;
    vcm_store *s;
    vcm_arena a;
    struct host *hosts; /* owned; few */
    size_t nhosts, hcap;
    struct job *jobs;
    size_t njobs, left;
    CURLM *multi;
    struct xfer *live;
    int active;
    char agent[600];
    vcm_iiif_ingest_opts ingest;
    char tmpdir[600];
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void note(struct host *h, enum outcome o, const char *why)
{
    h->count[o]++;
    if (!why || (o != O_REFUSED && o != O_FAILED))
        return;
    for (size_t i = 0; i < h->nreasons; i++)
        if (strcmp(h->reasons[i].text, why) == 0) {
            h->reasons[i].count++;
            return;
        }
    if (h->nreasons < MAX_REASONS) {
        snprintf(h->reasons[h->nreasons].text, sizeof h->reasons[0].text, "%s", why);
        h->reasons[h->nreasons++].count = 1;
    }
}

/* Splits url into its origin and its path with query; -1 when libcurl
 * cannot read it as an http(s) URL. */
static int split_url(const char *url, char *origin, size_t osize, vcm_arena *a, char **path)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL, *port = NULL, *p = NULL, *q = NULL;
    int rc = -1;
    if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_PATH, &p, 0) != CURLUE_OK)
        goto out;
    if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)
        goto out;
    curl_url_get(u, CURLUPART_QUERY, &q, 0);
    snprintf(origin, osize, "%s://%s:%s", scheme, host, port);
    *path = q ? vcm_arena_printf(a, "%s?%s", p, q) : vcm_arena_strdup(a, p);
    rc = *path ? 0 : -1;
out:
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_free(p);
    curl_free(q);
    curl_url_cleanup(u);
    return rc;
}

static size_t find_host(struct run *r, const char *origin)
{
    for (size_t i = 0; i < r->nhosts; i++)
        if (strcmp(r->hosts[i].origin, origin) == 0)
            return i;
    if (r->nhosts == r->hcap) {
        size_t cap = r->hcap ? r->hcap * 2 : 8;
        struct host *nv = realloc(r->hosts, cap * sizeof *nv);
        if (!nv)
            return SIZE_MAX;
        r->hosts = nv;
        r->hcap = cap;
    }
    struct host *h = &r->hosts[r->nhosts++];
    memset(h, 0, sizeof *h);
    snprintf(h->origin, sizeof h->origin, "%s", origin);
    h->delay_ms = r->mo->delay_ms;
    return r->nhosts - 1;
}

/* The image's identifier: from the URL, so the same URL names the same
 * image in every run and on every node. */
static void identifier(const char *url, const char *suffix, char *out, size_t size)
{
    unsigned char bin[10];
    char hex[21];
    crypto_generichash(bin, sizeof bin, (const unsigned char *)url, strlen(url), NULL, 0);
    sodium_bin2hex(hex, sizeof hex, bin, sizeof bin);
    snprintf(out, size, "fetched-%s%s%s", hex, suffix ? "-" : "", suffix ? suffix : "");
}

/* ---- libcurl callbacks ---------------------------------------------------- */

static size_t on_header(char *b, size_t size, size_t n, void *ud)
{
    struct xfer *x = ud;
    size_t len = size * n;
    static const struct {
        const char *name;
        size_t off, cap;
    } keep[] = {
        {"etag:", offsetof(struct xfer, etag), sizeof ((struct xfer *)0)->etag},
        {"last-modified:", offsetof(struct xfer, last_modified),
         sizeof ((struct xfer *)0)->last_modified},
        {"retry-after:", offsetof(struct xfer, retry_after), sizeof ((struct xfer *)0)->retry_after},
    };
    /* a new response (after a redirect) starts clean */
    if (len > 5 && strncmp(b, "HTTP/", 5) == 0)
        x->etag[0] = x->last_modified[0] = x->retry_after[0] = '\0';
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
        size_t kl = strlen(keep[i].name);
        if (len <= kl || strncasecmp(b, keep[i].name, kl) != 0)
            continue;
        const char *v = b + kl, *e = b + len;
        while (v < e && (*v == ' ' || *v == '\t'))
            v++;
        while (e > v && (e[-1] == '\r' || e[-1] == '\n' || e[-1] == ' '))
            e--;
        char *dst = (char *)x + keep[i].off;
        size_t vn = (size_t)(e - v);
        if (vn >= keep[i].cap)
            vn = 0; /* too long to be a real one: keep none */
        memcpy(dst, v, vn);
        dst[vn] = '\0';
    }
    return len;
}

static size_t on_body(char *b, size_t size, size_t n, void *ud)
{
    struct xfer *x = ud;
    size_t len = size * n;
    long status = 0;
    curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &status);
    if (!x->job) { /* robots.txt: keep what the RFC asks to read, drop the rest */
        if (status / 100 == 2 && x->robots_len < VCM_ROBOTS_MAX_BYTES) {
            size_t take = len < VCM_ROBOTS_MAX_BYTES - x->robots_len
                              ? len : VCM_ROBOTS_MAX_BYTES - x->robots_len;
            char *nv = realloc(x->robots_text, x->robots_len + take + 1);
            if (!nv)
                return 0;
            memcpy(nv + x->robots_len, b, take);
            x->robots_text = nv;
            x->robots_len += take;
        }
        return len;
    }
    if (status != 200)
        return len; /* an error page: read and forget */
    if ((x->bytes += (long long)len) > x->max_bytes) {
        x->too_big = true;
        return 0;
    }
    if (x->nhead < sizeof x->head) {
        size_t take = len < sizeof x->head - x->nhead ? len : sizeof x->head - x->nhead;
        memcpy(x->head + x->nhead, b, take);
        x->nhead += take;
        /* a page or a message sent as an image: cut it off at once */
        if (x->nhead == sizeof x->head && !vcm_fetch_sniff(x->head, x->nhead)) {
            x->not_image = true;
            return 0;
        }
    }
    if (!x->f) {
        int fd = mkstemp(x->tmp);
        if (fd < 0 || !(x->f = fdopen(fd, "wb"))) {
            if (fd >= 0)
                close(fd);
            x->tmp[0] = '\0';
            return 0;
        }
    }
    return fwrite(b, 1, len, x->f) == len ? len : 0;
}

/* ---- starting transfers ---------------------------------------------------- */

static struct xfer *start(struct run *r, size_t host, struct job *j, const char *url)
{
    struct xfer *x = calloc(1, sizeof *x);
    if (!x || !(x->h = curl_easy_init())) {
        free(x);
        return NULL;
    }
    x->job = j;
    x->host = host;
    x->max_bytes = r->mo->max_bytes;
    snprintf(x->tmp, sizeof x->tmp, "%s/fetch-XXXXXX", r->tmpdir);
    CURL *h = x->h;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_USERAGENT, r->agent);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_TIMEOUT, r->mo->timeout_s);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)r->mo->max_bytes);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(h, CURLOPT_PRIVATE, x);
    if (j && j->has_prev && strcmp(j->prev.state, "done") == 0) {
        /* asked before and made: only a changed image is sent again */
        char line[400];
        if (j->prev.etag && strlen(j->prev.etag) < 300) {
            snprintf(line, sizeof line, "If-None-Match: %s", j->prev.etag);
            x->hdrs = curl_slist_append(x->hdrs, line);
        }
        if (j->prev.last_modified && strlen(j->prev.last_modified) < 300) {
            snprintf(line, sizeof line, "If-Modified-Since: %s", j->prev.last_modified);
            x->hdrs = curl_slist_append(x->hdrs, line);
        }
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, x->hdrs);
    }
    if (curl_multi_add_handle(r->multi, h) != CURLM_OK) {
        curl_easy_cleanup(h);
        curl_slist_free_all(x->hdrs);
        free(x);
        return NULL;
    }
    r->active++;
    r->hosts[host].active++;
    x->next = r->live;
    r->live = x;
    return x;
}

static void xfer_free(struct run *r, struct xfer *x)
{
    for (struct xfer **p = &r->live; *p; p = &(*p)->next)
        if (*p == x) {
            *p = x->next;
            break;
        }
    curl_multi_remove_handle(r->multi, x->h);
    curl_easy_cleanup(x->h);
    curl_slist_free_all(x->hdrs);
    if (x->f)
        fclose(x->f);
    if (x->tmp[0] && strstr(x->tmp, "XXXXXX") == NULL)
        unlink(x->tmp);
    free(x->robots_text);
    free(x);
}

/* ---- results --------------------------------------------------------------- */

/* Records the state of j's URL, unless it is what is stored already (a
 * second run that changes nothing writes nothing). */
static int record(struct run *r, struct job *j, const char *state, int http, const char *etag,
                  const char *lm, const char *ident, const char *error)
{
    const vcm_fetch_state *p = &j->prev;
#define SAME(a, b) ((!(a) && !(b)) || ((a) && (b) && strcmp(a, b) == 0))
    if (j->has_prev && SAME(p->state, state) && SAME(p->etag, etag) &&
        SAME(p->last_modified, lm) && SAME(p->identifier, ident) && SAME(p->error, error) &&
        p->object_id == j->it->object_id)
        return 0;
#undef SAME
    vcm_fetch_state st = {.url = j->it->url, .object_id = j->it->object_id, .state = state,
                          .http_status = http, .etag = etag, .last_modified = lm,
                          .identifier = ident, .tries = j->tries, .checked = (int64_t)time(NULL),
                          .error = error};
    if (r->s->ops->fetch_state_put(r->s, &st) < 0) {
        fprintf(stderr, "vcm media fetch: %s\n", vcm_store_error(r->s));
        return -1;
    }
    return 0;
}

static void finish(struct run *r, struct job *j)
{
    j->done = true;
    r->left--;
    r->hosts[j->host].pending--;
}

/* The job goes back in the queue after a wait, or fails for this run when
 * its tries are spent. */
static int retry(struct run *r, struct job *j, long wait_s, int http, const char *why)
{
    struct host *h = &r->hosts[j->host];
    if (j->tries >= r->mo->retries) {
        note(h, O_FAILED, why);
        finish(r, j);
        return record(r, j, "failed", http, NULL, NULL, NULL, why);
    }
    long backoff = 1L << (j->tries < 8 ? j->tries : 8); /* 2, 4, 8 … seconds */
    if (wait_s < backoff)
        wait_s = backoff;
    if (wait_s > BACKOFF_MAX_S)
        wait_s = BACKOFF_MAX_S;
    j->not_before = now_s() + (double)wait_s;
    return 0;
}

static int refuse(struct run *r, struct job *j, int http, const char *why)
{
    note(&r->hosts[j->host], O_REFUSED, why);
    finish(r, j);
    return record(r, j, "refused", http, NULL, NULL, NULL, why);
}

/* A whole image arrived: ingest it and attach it to the object. */
static int take_image(struct run *r, struct job *j, struct xfer *x)
{
    char ident[64], msg[2048];
    identifier(j->it->url, NULL, ident, sizeof ident);
    fclose(x->f);
    x->f = NULL;
    vcm_media_spec sp = {.identifier = ident};
    vcm_iiif_media im;
    int a = vcm_media_attach(r->s, r->c->media, &r->ingest, j->it->object_id, x->tmp, &sp, &im,
                             msg, sizeof msg);
    if (a == VCM_ATTACH_REFUSED && strstr(msg, "is taken by another image")) {
        /* the image changed at the source: the new one goes beside the
         * old, which stays (the identifier names those bytes) */
        char sha[9];
        snprintf(sha, sizeof sha, "%.8s", im.sha256);
        identifier(j->it->url, sha, ident, sizeof ident);
        a = vcm_media_attach(r->s, r->c->media, &r->ingest, j->it->object_id, x->tmp, &sp, &im,
                             msg, sizeof msg);
    }
    struct host *h = &r->hosts[j->host];
    if (a == VCM_ATTACH_FAILED) {
        fprintf(stderr, "vcm media fetch: %s\n", msg);
        return -1;
    }
    if (a == VCM_ATTACH_REFUSED) {
        /* the ingest's reason, without the temporary file's name */
        const char *why = strstr(msg, ": ") ? strstr(msg, ": ") + 2 : msg;
        return refuse(r, j, 200, why);
    }
    note(h, a == VCM_ATTACH_ADDED ? O_ADDED : O_UNCHANGED, NULL);
    if (!r->c->quiet)
        printf("%s: image '%s' of object %lld (%d × %d)%s\n", j->it->url, ident,
               (long long)j->it->object_id, im.width, im.height,
               a == VCM_ATTACH_ADDED ? "" : ", already there");
    finish(r, j);
    return record(r, j, "done", 200, x->etag[0] ? x->etag : NULL,
                  x->last_modified[0] ? x->last_modified : NULL, ident, NULL);
}

static int image_done(struct run *r, struct xfer *x, CURLcode cc)
{
    struct job *j = x->job;
    struct host *h = &r->hosts[j->host];
    long status = 0;
    curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &status);
    j->tries++;
    char why[200];
    if (x->too_big || cc == CURLE_FILESIZE_EXCEEDED) {
        snprintf(why, sizeof why, "larger than --fetch-max-bytes (%ld bytes)", r->mo->max_bytes);
        return refuse(r, j, (int)status, why);
    }
    if (x->not_image)
        return refuse(r, j, (int)status, "not an image (its first bytes are no image type)");
    if (cc == CURLE_OPERATION_TIMEDOUT) {
        snprintf(why, sizeof why, "timed out after %ld s", r->mo->timeout_s);
        return retry(r, j, 0, 0, why);
    }
    if (cc == CURLE_TOO_MANY_REDIRECTS) {
        note(h, O_FAILED, "too many redirects");
        finish(r, j);
        return record(r, j, "failed", (int)status, NULL, NULL, NULL, "too many redirects");
    }
    if (cc != CURLE_OK) {
        snprintf(why, sizeof why, "%s", cc == CURLE_PARTIAL_FILE ? "the body ended early (truncated)"
                                                               : curl_easy_strerror(cc));
        return retry(r, j, 0, (int)status, why);
    }
    if (status == 304 && j->has_prev && j->prev.identifier) {
        note(h, O_UNCHANGED, NULL);
        finish(r, j);
        /* validators the server sends again may be new; the image is not */
        return record(r, j, "done", 200, x->etag[0] ? x->etag : j->prev.etag,
                      x->last_modified[0] ? x->last_modified : j->prev.last_modified,
                      j->prev.identifier, NULL);
    }
    if (status == 429 || status == 503 || status == 502 || status == 504 || status == 500 ||
        status == 408) {
        long wait = vcm_fetch_retry_after(x->retry_after[0] ? x->retry_after : NULL,
                                          time(NULL), BACKOFF_MAX_S);
        snprintf(why, sizeof why, "HTTP %ld%s", status,
                 status == 429 ? " (too many requests)" : "");
        /* the host asked for a pause: no request to it before then */
        if (wait > 0 && h->next_at < now_s() + (double)wait)
            h->next_at = now_s() + (double)wait;
        return retry(r, j, wait, (int)status, why);
    }
    if (status != 200) {
        snprintf(why, sizeof why, "HTTP %ld", status);
        note(h, O_FAILED, why);
        finish(r, j);
        return record(r, j, "failed", (int)status, NULL, NULL, NULL, why);
    }
    if (!x->f || x->nhead < 3 || !vcm_fetch_sniff(x->head, x->nhead))
        return refuse(r, j, 200, "not an image (its first bytes are no image type)");
    return take_image(r, j, x);
}

static void robots_done(struct run *r, struct xfer *x, CURLcode cc)
{
    struct host *h = &r->hosts[x->host];
    long status = 0;
    curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &status);
    h->robots_state = R_READY;
    if (cc == CURLE_OK && status / 100 == 2) {
        if (vcm_robots_parse(&h->robots, &r->a, x->robots_text ? x->robots_text : "",
                             x->robots_len, "VCM") < 0)
            h->robots.disallow_all = true;
        if (h->robots.delay_ms > h->delay_ms)
            h->delay_ms = h->robots.delay_ms;
    } else if (cc == CURLE_OK && status / 100 == 4 && status != 429) {
        memset(&h->robots, 0, sizeof h->robots); /* no robots.txt: no rules */
    } else {
        h->robots.disallow_all = true; /* unreachable: keep out (RFC 9309) */
    }
}

/* Starts what may start now: robots.txt first, then images, within the
 * limits of each host and of the whole run. Returns -1 on a store error. */
static int schedule(struct run *r)
{
    double t = now_s();
    for (size_t hi = 0; hi < r->nhosts && r->active < r->mo->concurrency; hi++) {
        struct host *h = &r->hosts[hi];
        if (!h->pending || h->active >= r->mo->per_host || t < h->next_at ||
            h->robots_state == R_ASKING)
            continue;
        if (h->robots_state == R_NONE) {
            char url[400];
            snprintf(url, sizeof url, "%s/robots.txt", h->origin);
            if (!start(r, hi, NULL, url))
                return -1;
            h->robots_state = R_ASKING;
            continue;
        }
        for (size_t i = 0; i < r->njobs; i++) {
            struct job *j = &r->jobs[i];
            if (j->done || j->host != hi || j->not_before > t)
                continue;
            if (j->running)
                continue;
            if (h->robots.disallow_all) {
                /* a passing state of the site: tried again next run */
                const char *why = "robots.txt could not be read: the site is left alone";
                note(h, O_FAILED, why);
                finish(r, j);
                if (record(r, j, "failed", 0, NULL, NULL, NULL, why) < 0)
                    return -1;
                continue;
            }
            if (!vcm_robots_allowed(&h->robots, j->path)) {
                if (refuse(r, j, 0, "robots.txt disallows it") < 0)
                    return -1;
                continue;
            }
            if (!start(r, hi, j, j->url))
                return -1;
            j->running = true;
            h->next_at = t + (double)h->delay_ms / 1000.0;
            break;
        }
    }
    return 0;
}

static int collect(struct run *r)
{
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(r->multi, &left))) {
        if (m->msg != CURLMSG_DONE)
            continue;
        struct xfer *x;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
        CURLcode cc = m->data.result;
        struct host *h = &r->hosts[x->host];
        h->active--;
        r->active--;
        /* the pause counts from the end of a request, not its start */
        double after = now_s() + (double)h->delay_ms / 1000.0;
        if (h->next_at < after)
            h->next_at = after;
        int rc = 0;
        if (x->job) {
            x->job->running = false;
            rc = image_done(r, x, cc);
        } else {
            robots_done(r, x, cc);
        }
        xfer_free(r, x);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* ---- the command ----------------------------------------------------------- */

static int load_jobs(struct run *r, int64_t museum_id)
{
    vcm_fetch_item *items;
    size_t n;
    if (r->s->ops->fetch_list(r->s, &r->a, museum_id, &items, &n) < 0) {
        fprintf(stderr, "vcm media fetch: %s\n", vcm_store_error(r->s));
        return -1;
    }
    r->jobs = vcm_arena_calloc(&r->a, n ? n : 1, sizeof *r->jobs);
    if (!r->jobs)
        return -1;
    for (size_t i = 0; i < n; i++) {
        vcm_fetch_item *it = &items[i];
        if (r->mo->limit && (long)r->njobs >= r->mo->limit)
            break;
        char origin[300], *path = NULL;
        const char *url = strcmp(it->rel, "iiif-image") == 0
                              ? vcm_arena_printf(&r->a, "%s/full/max/0/default.jpg", it->url)
                              : it->url;
        if (!url || split_url(url, origin, sizeof origin, &r->a, &path) < 0) {
            fprintf(stderr, "vcm media fetch: object %lld: cannot read the URL '%s'\n",
                    (long long)it->object_id, it->url);
            continue;
        }
        size_t hi = find_host(r, origin);
        if (hi == SIZE_MAX)
            return -1;
        if (!vcm_fetch_rights_open(it->rights, it->source_licence)) {
            note(&r->hosts[hi], O_NOT_OPEN, NULL);
            continue;
        }
        struct job *j = &r->jobs[r->njobs];
        *j = (struct job){.it = it, .url = url, .path = path, .host = hi};
        int got = r->s->ops->fetch_state_get(r->s, &r->a, it->url, &j->prev);
        if (got < 0) {
            fprintf(stderr, "vcm media fetch: %s\n", vcm_store_error(r->s));
            return -1;
        }
        j->has_prev = got == 1;
        if (j->has_prev && strcmp(j->prev.state, "refused") == 0) {
            note(&r->hosts[hi], O_REFUSED, j->prev.error ? j->prev.error : "refused before");
            continue; /* a refusal stands: not asked again */
        }
        r->njobs++;
        r->hosts[hi].pending++;
    }
    r->left = r->njobs;
    return 0;
}

static void report(struct run *r)
{
    long total[O_OUTCOMES] = {0};
    for (size_t i = 0; i < r->nhosts; i++) {
        struct host *h = &r->hosts[i];
        printf("%s:", h->origin);
        for (int o = 0; o < O_OUTCOMES; o++) {
            total[o] += h->count[o];
            printf(" %ld %s%s", h->count[o], outcome_names[o], o + 1 < O_OUTCOMES ? "," : "\n");
        }
        for (size_t k = 0; k < h->nreasons; k++)
            printf("  %ld × %s\n", h->reasons[k].count, h->reasons[k].text);
    }
    printf("media fetch:");
    for (int o = 0; o < O_OUTCOMES; o++)
        printf(" %ld %s%s", total[o], outcome_names[o], o + 1 < O_OUTCOMES ? "," : "\n");
}

int vcm_cmd_media_fetch(vcm_config *c, const vcm_media_opts *mo)
{
    if (c->argc != 2) {
        fprintf(stderr, "vcm media fetch: usage: vcm media fetch [--museum ID] [--limit N] "
                        "--contact URL|EMAIL\n");
        return VCM_EXIT_USAGE;
    }
    if (!mo->contact[0]) {
        fprintf(stderr, "vcm media fetch: set --contact (or VCM_CONTACT) to an address or page "
                        "where the site's operators can be reached: it goes in the User-Agent "
                        "of every request, so that a museum can reach them\n");
        return VCM_EXIT_USAGE;
    }
    struct run r = {.c = c, .mo = mo};
    char err[1024];
    int status = VCM_EXIT_FAIL;
    vcm_arena_init(&r.a, 0);
    snprintf(r.agent, sizeof r.agent, "VCM/%s (+%s)", VCM_VERSION, mo->contact);
    r.ingest = (vcm_iiif_ingest_opts){.max_pixels = mo->max_pixels};
    if (!(r.s = vcm_store_open(c->db, err, sizeof err))) {
        fprintf(stderr, "vcm media fetch: %s\n", err);
        goto out;
    }
    int64_t museum_id = 0;
    if (mo->museum[0] && vcm_media_find_museum(r.s, mo->museum, &museum_id, err, sizeof err) < 0) {
        fprintf(stderr, "vcm media fetch: %s\n", err);
        status = VCM_EXIT_USAGE;
        goto out;
    }
    snprintf(r.tmpdir, sizeof r.tmpdir, "%s/tmp", c->media);
    if ((mkdir(c->media, 0755) < 0 && errno != EEXIST) ||
        (mkdir(r.tmpdir, 0755) < 0 && errno != EEXIST)) {
        fprintf(stderr, "vcm media fetch: cannot make the folder '%s': %s\n", r.tmpdir,
                strerror(errno));
        goto out;
    }
    if (load_jobs(&r, museum_id) < 0)
        goto out;
    if (vcm_iiif_init(err, sizeof err) < 0) {
        fprintf(stderr, "vcm media fetch: %s\n", err);
        goto out;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || !(r.multi = curl_multi_init())) {
        fprintf(stderr, "vcm media fetch: cannot start libcurl\n");
        goto out_vips;
    }
    int rc = 0;
    while (rc == 0 && (r.left > 0 || r.active > 0)) {
        if (schedule(&r) < 0) {
            rc = -1;
            break;
        }
        int running;
        curl_multi_perform(r.multi, &running);
        if (collect(&r) < 0) {
            rc = -1;
            break;
        }
        /* wake for the network, or in time for the next request allowed */
        curl_multi_poll(r.multi, NULL, 0, 100, NULL);
    }
    /* transfers still under way after a store error: dropped */
    while (r.live)
        xfer_free(&r, r.live);
    report(&r);
    curl_multi_cleanup(r.multi);
    curl_global_cleanup();
    if (rc < 0)
        goto out_vips;
    long bad = 0;
    for (size_t i = 0; i < r.nhosts; i++)
        bad += r.hosts[i].count[O_FAILED] + r.hosts[i].count[O_REFUSED];
    status = bad ? VCM_EXIT_BAD_INPUT : VCM_EXIT_OK;
out_vips:
    vcm_iiif_shutdown();
out:
    if (r.s)
        vcm_store_close(r.s);
    vcm_arena_release(&r.a);
    free(r.hosts);
    return status;
}
