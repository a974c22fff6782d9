/* Server design
 *
 * libmicrohttpd (MHD) runs a pool of worker threads, each with its own
 * epoll set; a connection stays on the worker that accepted it, so every
 * callback for one request runs on one thread. The request state is a
 * `struct ctx`; its life is:
 *
 *   1. uri callback    MHD has read the request line. We take a ctx from
 *                      this thread's cache (no lock: the cache is
 *                      thread-local), number the request, start its clock,
 *                      count it as in flight and copy the raw target (MHD
 *                      later unescapes the path in place; we want it raw).
 *   2. access, first   Headers are in (the header deadline stops here).
 *                      An ambiguous head (see "strict framing") or a
 *                      Content-Length above max_body is answered at once
 *                      with Connection: close (MHD then closes the
 *                      connection instead of reading the body). The route
 *                      is matched here so a body for a path without a
 *                      handler is not kept.
 *   3. access, body    Body pieces are appended to a buffer capped at
 *                      max_body. Only Content-Length bodies get here, so
 *                      the cap is a second guard: past it the body is
 *                      discarded up to DISCARD_MAX more bytes and answered
 *                      413 at its end; a client that keeps sending after
 *                      that is disconnected.
 *   4. access, last    The body is complete. 404/405/400/413 go to the
 *                      error hook, otherwise the handler runs with the
 *                      request id set for the logs. The body buffer is
 *                      handed to MHD without a copy (MHD frees it).
 *                      Errors are answered only now, not in step 2: an
 *                      early answer makes MHD close the connection, and a
 *                      404 should not cost a browser its keep-alive.
 *   4b. suspended      A handler that called vcm_req_suspend (an image
 *                      rendered on another thread) queues nothing: the
 *                      connection is suspended (MHD polls it no more, and
 *                      the worker serves its other connections) until
 *                      vcm_req_resume; then MHD calls the access callback
 *                      again, on this same worker, the continuation runs
 *                      and its answer is queued as in step 4.
 *   5. completed       One access-log line; the arena is reset (keeping its
 *                      first block) and the ctx goes back to the cache; the
 *                      in-flight count drops. On a kept-alive connection
 *                      the header deadline starts again for the next one.
 *
 * MHD calls "completed" for every request that reached step 1, also when
 * the client vanished or MHD itself answered (431, a bad header): then the
 * log shows status=0 and an end= reason.
 *
 * Hot path: one atomic increment for the id and two for the in-flight
 * count; no lock and, once a thread's cache is warm, no malloc of ours but
 * the response body (MHD allocates its response object and header copies).
 *
 * Stopping: from the moment vcm_server_stop begins, a request that starts
 * is answered 503 and its connection closed, while the requests already in
 * flight finish (up to STOP_WAIT_MS); then MHD_stop_daemon. With poll,
 * MHD_quiesce_daemon first takes the listening socket from the workers and
 * shutdown() refuses the kernel's backlog at once; the socket is closed only
 * after MHD_stop_daemon, since a worker may still hold its number until
 * then. With epoll the daemon is never quiesced: libmicrohttpd 0.9.75
 * removes the listening socket from a worker's epoll set both in
 * MHD_quiesce_daemon and in the worker's own loop, unlocked, and aborts the
 * process when the second removal finds it gone ("Failed to remove listen
 * FD from epoll set"). The draining answer stands in for the quiesce;
 * MHD_stop_daemon closes the socket. */
#include "http/server.h"

#include <arpa/inet.h>
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "core/langs.h"
#include "core/log.h"
#include "http/compress.h"
#include "http/http_int.h"

#include "core/banned.h"

#define ARENA_CAP ((size_t)64 << 20)   /* one request's memory, beyond its body */
#define DISCARD_MAX ((uint64_t)1 << 20) /* body bytes read past max_body, to answer 413 */
#define CACHE_MAX 64                    /* idle contexts kept per thread */
#define STOP_WAIT_MS 10000
#define RESPONSE_HEADER_ROOM 4096       /* MHD builds response headers in the same pool */
/* The longest request target (path and query) answered; a longer one is a
 * 414 of ours, a problem document on the API like every other refusal.
 * MHD answers targets that do not fit its pool with a page of its own, so
 * the pool holds TARGET_ROOM beyond the headers' bytes: up to there the
 * 414 is ours; the headers' own limit (max_header) is then checked here,
 * with a 431 of ours. */
#define TARGET_MAX 16384
#define TARGET_ROOM (64 * 1024)
#define SWEEP_MS 100                    /* how often the header deadline is checked */

/* Sent with every response. Pages load scripts and styles only from
 * /static/ (the JSON-LD block is data, which script-src does not govern);
 * images may be data: (the empty favicon) or blob: (the deep-zoom viewer's
 * canvas). Other sites may not frame the pages. The one inline style
 * allowed, by its hash, is the <style> block OpenSeadragon adds to the page
 * (no focus outline on touch screens); tests/browser fails on any other, or
 * on this one when a new OpenSeadragon changes it. */
#define OSD_STYLE "'sha256-9xTiqzfwFaL2SGb1rmr8gysEwVVjIvqWAgmZgqFqpEE='"
#define CSP                                                                                   \
    "default-src 'self'; script-src 'self'; style-src 'self' " OSD_STYLE "; "                \
    "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; "   \
    "base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
#define HSTS "max-age=31536000"

enum phase { PHASE_HEADERS, PHASE_BODY, PHASE_SUSPENDED, PHASE_DONE };

/* One open connection, for the header deadline. in_head is true from the
 * connection's opening, and again from the end of each response, until the
 * next request's headers are all in; since is when that began. The
 * sweeper reads them without the lock; the list itself changes only under
 * watch_lock. */
struct watch {
    struct watch *prev, *next;
    int fd;
    atomic_llong since_ms;
    atomic_bool in_head;
    bool cut; /* shut down by the sweeper; MHD closes it on its next turn */
};

struct vcm_server {
    struct MHD_Daemon *daemon;
    vcm_router *router;
    void *app;
    vcm_error_hook on_error;
    int fd;
    int port;
    size_t max_body;
    size_t max_header;  /* bytes of header lines, checked by us: the pool holds more */
    atomic_uint_fast64_t next_id;
    atomic_long active; /* requests between uri callback and completed */
    atomic_bool starting;
    char start_error[256];
    long long header_timeout_ms;
    bool https_base; /* the public base URL is https: every response gets HSTS */
    pthread_mutex_t watch_lock;
    struct watch *watches;
    pthread_t sweeper;
    bool sweeper_started;
    atomic_bool stopping;
    bool epoll;             /* the daemon runs on epoll: never quiesced */
    atomic_bool draining;   /* stopping: new requests get a 503 */
    /* MHD logs every connection it refuses: a flood must not flood the log */
    pthread_mutex_t log_lock;
    char last_log[256];
    long long last_log_ms;
    long log_repeats;
};

struct ctx {
    vcm_req req;
    vcm_resp resp;
    struct vcm_req_impl impl;
    vcm_arena arena;
    struct vcm_server *srv;
    vcm_route route;
    enum vcm_route_status route_status;
    vcm_buf upload;
    uint64_t upload_total;
    struct timespec start;
    enum phase phase;
    bool too_big, no_memory;
    bool close;          /* a refusal: the connection ends after the answer */
    bool counted;        /* in s->active: began before the server was stopping */
    struct watch *watch; /* the connection's, NULL when none could be made */
    int status; /* sent, for the access log; 0 = none */
    size_t bytes;
    struct ctx *next; /* in the cache */
};

/* ---- per-thread cache of request contexts ---- */

struct cache {
    struct ctx *free;
    int n;
};

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;
static _Thread_local struct cache *tl_cache;

static void ctx_destroy(struct ctx *c)
{
    vcm_arena_release(&c->arena);
    free(c);
}

/* Runs when a worker thread exits (MHD_stop_daemon joins them). */
static void cache_destroy(void *p)
{
    struct cache *cache = p;
    while (cache->free) {
        struct ctx *c = cache->free;
        cache->free = c->next;
        ctx_destroy(c);
    }
    free(cache);
}

static void cache_key_init(void)
{
    if (pthread_key_create(&cache_key, cache_destroy) != 0)
        abort(); /* only fails when the process is out of keys at startup */
}

static struct ctx *ctx_get(void)
{
    struct cache *cache = tl_cache;
    if (!cache) {
        pthread_once(&cache_once, cache_key_init);
        cache = calloc(1, sizeof *cache);
        if (cache && pthread_setspecific(cache_key, cache) != 0) {
            free(cache);
            cache = NULL;
        }
        tl_cache = cache;
    }
    if (cache && cache->free) {
        struct ctx *c = cache->free;
        cache->free = c->next;
        cache->n--;
        return c;
    }
    struct ctx *c = malloc(sizeof *c);
    if (c)
        vcm_arena_init(&c->arena, ARENA_CAP);
    return c;
}

static void ctx_put(struct ctx *c)
{
    vcm_buf_release(&c->upload);
    vcm_resp_stream_drop(&c->resp);
    vcm_buf_release(&c->resp.body);
    vcm_arena_reset(&c->arena);
    struct cache *cache = tl_cache;
    if (!cache || cache->n >= CACHE_MAX) {
        ctx_destroy(c);
        return;
    }
    c->next = cache->free;
    cache->free = c;
    cache->n++;
}

/* ---- request helpers that need MHD ---- */

const char *vcm_req_header(const vcm_req *r, const char *name)
{
    const struct vcm_req_impl *im = r->impl;
    if (!im || !im->conn)
        return NULL;
    return MHD_lookup_connection_value(im->conn, MHD_HEADER_KIND, name);
}

/* Declared in req.h; uses is_loopback below. */
static bool is_loopback(const struct sockaddr *sa);

static const struct sockaddr *peer(const vcm_req *r)
{
    const struct vcm_req_impl *im = r->impl;
    if (!im || !im->conn)
        return NULL;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(im->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    return ci ? ci->client_addr : NULL;
}

bool vcm_req_from_loopback(const vcm_req *r)
{
    return is_loopback(peer(r));
}

const char *vcm_req_address(const vcm_req *r)
{
    const struct sockaddr *sa = peer(r);
    if (!sa)
        return "";
    if (is_loopback(sa)) {
        /* a proxy on this machine: the address it saw last */
        const char *xff = vcm_req_header(r, "X-Forwarded-For");
        if (xff && *xff) {
            const char *last = strrchr(xff, ',');
            last = last ? last + 1 : xff;
            while (*last == ' ')
                last++;
            size_t n = strcspn(last, " ");
            bool ok = n > 0 && n < 64;
            for (size_t i = 0; ok && i < n; i++)
                ok = isxdigit((unsigned char)last[i]) || last[i] == '.' || last[i] == ':';
            if (ok)
                return vcm_arena_strndup(r->arena, last, n);
        }
    }
    char buf[INET6_ADDRSTRLEN] = "";
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf,
                  sizeof buf);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, buf,
                  sizeof buf);
    const char *a = vcm_arena_strdup(r->arena, buf);
    return a ? a : "";
}

struct header_all {
    const char *name;
    const char **vals;
    int max, n;
};

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      size_t key_size, const char *value, size_t value_size)
{
    (void)kind, (void)value_size;
    struct header_all *a = cls;
    if (key && strlen(a->name) == key_size && strncasecmp(key, a->name, key_size) == 0) {
        if (a->n < a->max)
            a->vals[a->n] = value ? value : "";
        a->n++;
    }
    return MHD_YES;
}

int vcm_req_header_all(const vcm_req *r, const char *name, const char **vals, int max)
{
    const struct vcm_req_impl *im = r->impl;
    if (!im || !im->conn || max <= 0)
        return 0;
    struct header_all a = {name, vals, max, 0};
    MHD_get_connection_values_n(im->conn, MHD_HEADER_KIND, collect_header, &a);
    return a.n < max ? a.n : max;
}

/* ---- the header deadline ----
 *
 * MHD's own timeout is an idle timeout: a client that sends one header
 * line every few seconds keeps its connection, and enough such clients
 * take every connection slot. So each connection also has a deadline for
 * its request line and headers, from its opening or from the end of the
 * previous response: a sweeper thread shuts down the socket of any
 * connection past it, and MHD, finding it closed, ends it. The list is kept
 * through MHD's connection notifications; MHD closes the socket only after
 * the "closed" notification, which takes the entry out under the same lock
 * the sweeper holds, so the sweeper never touches a socket number that has
 * been closed and perhaps reused. */

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    struct vcm_server *s = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        struct watch *w = ci ? calloc(1, sizeof *w) : NULL;
        *socket_context = w;
        if (!w)
            return; /* no deadline for this one; the idle timeout still holds */
        w->fd = ci->connect_fd;
        atomic_init(&w->since_ms, now_ms());
        atomic_init(&w->in_head, true);
        pthread_mutex_lock(&s->watch_lock);
        w->next = s->watches;
        if (s->watches)
            s->watches->prev = w;
        s->watches = w;
        pthread_mutex_unlock(&s->watch_lock);
        return;
    }
    struct watch *w = *socket_context;
    if (!w)
        return;
    pthread_mutex_lock(&s->watch_lock);
    if (w->prev)
        w->prev->next = w->next;
    else
        s->watches = w->next;
    if (w->next)
        w->next->prev = w->prev;
    pthread_mutex_unlock(&s->watch_lock);
    *socket_context = NULL;
    free(w);
}

static struct watch *watch_of(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

static void *sweeper_main(void *arg)
{
    struct vcm_server *s = arg;
    while (!atomic_load(&s->stopping)) {
        struct timespec ts = {0, SWEEP_MS * 1000 * 1000};
        nanosleep(&ts, NULL);
        long long now = now_ms();
        int cut = 0;
        pthread_mutex_lock(&s->watch_lock);
        for (struct watch *w = s->watches; w; w = w->next) {
            if (w->cut || !atomic_load_explicit(&w->in_head, memory_order_relaxed))
                continue;
            if (now - atomic_load_explicit(&w->since_ms, memory_order_relaxed) <=
                s->header_timeout_ms)
                continue;
            shutdown(w->fd, SHUT_RDWR);
            w->cut = true;
            cut++;
        }
        pthread_mutex_unlock(&s->watch_lock);
        if (cut)
            vcm_info("closed connections past the header deadline", "count=%d seconds=%lld",
                     cut, s->header_timeout_ms / 1000);
    }
    return NULL;
}

/* ---- building responses ---- */

static const char *reason(int status)
{
    const char *r = MHD_get_reason_phrase_for((unsigned)status);
    return r && *r ? r : "Unknown";
}

/* Fills the body of an error response through the hook, or as plain text. */
static void error_body(struct ctx *c, int status, const char *message)
{
    vcm_resp *resp = &c->resp;
    resp->status = status;
    if (c->srv->on_error) {
        c->srv->on_error(&c->req, resp, status, message);
        /* a 500 whose cause is a service that is away may become 503 */
        if (status != MHD_HTTP_INTERNAL_SERVER_ERROR ||
            resp->status != MHD_HTTP_SERVICE_UNAVAILABLE)
            resp->status = status;
        return;
    }
    resp->content_type = "text/plain; charset=utf-8";
    vcm_buf_printf(&resp->body, "%d %s\n", status, message);
}

/* Replaces whatever the handler started with an error response. */
static void error_response(struct ctx *c, int status, const char *message)
{
    vcm_resp *resp = &c->resp;
    vcm_resp_stream_drop(resp);
    vcm_buf_reset(&resp->body);
    resp->hdrs_ = resp->hdrs_tail_ = resp->etag_ = NULL;
    resp->content_type = NULL;
    resp->not_modified_ = false;
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED && c->route.allow)
        vcm_resp_header(resp, &c->req, "Allow", c->route.allow);
    error_body(c, status, message);
}

/* Checks what a handler (or a continuation) answered with rc. */
static void check_answer(struct ctx *c, int rc)
{
    vcm_resp *resp = &c->resp;
    if (rc < 0) {
        vcm_error("handler failed", "route=\"%s\"", c->route.pattern);
        error_response(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal server error");
    } else if (resp->status < 200 || resp->status > 599) {
        vcm_error("handler set a bad status", "route=\"%s\" status=%d", c->route.pattern,
                  resp->status);
        error_response(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal server error");
    } else if (resp->status >= 400 && resp->body.len == 0) {
        /* Keep the handler's headers: the hook only supplies the page. */
        char msg[64];
        snprintf(msg, sizeof msg, "%s", reason(resp->status));
        for (char *p = msg; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        error_body(c, resp->status, msg);
    }
}

/* Runs the handler; false when it suspended the request (nothing to send yet). */
static bool run_handler(struct ctx *c)
{
    vcm_req *req = &c->req;
    req->nparams = c->route.nparams;
    req->action = c->route.action;
    memcpy(req->param_names, c->route.param_names, sizeof req->param_names);
    memcpy(req->params, c->route.params, sizeof req->params);
    req->body = c->upload.data ? c->upload.data : "";
    req->body_len = c->upload.len;
    int rc = c->route.handler(req, &c->resp);
    if (c->impl.then)
        return false; /* suspended: the continuation answers, whatever rc says */
    check_answer(c, rc);
    return true;
}

int vcm_req_suspend(vcm_req *req, vcm_req_then then, void *ud)
{
    struct vcm_req_impl *im = req->impl;
    if (!im || !im->conn || !then || im->then)
        return -1;
    im->then = then;
    im->then_ud = ud;
    /* Legal here: handlers run inside MHD's access callback. */
    MHD_suspend_connection(im->conn);
    return 0;
}

void vcm_req_resume(vcm_req *req)
{
    struct vcm_req_impl *im = req->impl;
    /* Safe from any thread, also before the access callback that
     * suspended the connection has returned. */
    MHD_resume_connection(im->conn);
}

static bool is_loopback(const struct sockaddr *sa)
{
    if (!sa)
        return false;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
        return ntohl(in->sin_addr.s_addr) >> 24 == 127;
    }
    if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
        return IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
    }
    return false;
}

/* Whether the visitor reached us over TLS, so that HSTS means something:
 * the public base URL is https, or the request came from a proxy on this
 * machine (the only one trusted to say so) with X-Forwarded-Proto: https.
 * VCM itself speaks plain HTTP. */
static bool over_tls(struct ctx *c, struct MHD_Connection *conn)
{
    if (c->srv->https_base)
        return true;
    const char *proto = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-Proto");
    if (!proto || strcasecmp(proto, "https") != 0)
        return false;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    return ci && is_loopback(ci->client_addr);
}

/* ---- compression ----
 *
 * Text bodies (HTML, CSS, JavaScript, JSON, XML) go out gzipped to a client
 * whose Accept-Encoding takes gzip; images, tiles and fonts, compressed
 * already, go as they are. Such a response always says Vary:
 * Accept-Encoding, so a cache keeps the two variants apart, and an ETag
 * from vcm_resp_etag gets VCM_GZIP_ETAG_SUFFIX on the gzip variant (on a
 * 304 too, so the client keeps the tag of what it holds). HEAD gets the
 * headers of GET, Content-Length of the gzipped body included.
 *
 * A handler that sets an ETag of its own (the write API's entry versions,
 * which clients send back in If-Match) or a Content-Encoding gets no
 * compression: its tag names a version, not bytes, and must stay as it
 * is. */

static bool has_header(const vcm_resp *resp, const char *name, const struct vcm_resp_hdr *but)
{
    for (const struct vcm_resp_hdr *h = resp->hdrs_; h; h = h->next)
        if (h != but && strcasecmp(h->name, name) == 0)
            return true;
    return false;
}

/* Whether the response varies with Accept-Encoding, and in *gzip whether
 * this one is to be gzipped. */
static bool negotiable(struct ctx *c, bool not_modified, bool *gzip)
{
    vcm_resp *resp = &c->resp;
    *gzip = false;
    if (!vcm_compressible_type(resp->content_type) || has_header(resp, "ETag", resp->etag_) ||
        has_header(resp, "Content-Encoding", NULL))
        return false;
    *gzip = (not_modified || resp->body.len > 0) &&
            vcm_accepts_gzip(vcm_req_header(&c->req, "Accept-Encoding"));
    return true;
}

/* Gives the ETag from vcm_resp_etag the suffix of the gzip variant. */
static void gzip_etag(struct ctx *c)
{
    struct vcm_resp_hdr *h = c->resp.etag_;
    if (!h)
        return;
    size_t n = strlen(h->value);
    assert(n >= 2 && h->value[n - 1] == '"');
    const char *v = vcm_arena_printf(c->req.arena, "%.*s" VCM_GZIP_ETAG_SUFFIX "\"",
                                     (int)(n - 1), h->value);
    if (v)
        h->value = v;
}

/* A streamed body (req.h): what is left of the piece made last, and the
 * handler's maker of pieces. */
struct stream {
    vcm_buf b;
    size_t off;
    bool done;
    vcm_stream_fn fn;
    void (*end)(void *ud);
    void *ud;
};

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct stream *st = cls;
    (void)pos;
    while (st->off == st->b.len) {
        if (st->done)
            return MHD_CONTENT_READER_END_OF_STREAM;
        vcm_buf_reset(&st->b);
        st->off = 0;
        int r = st->fn(st->ud, &st->b);
        if (r < 0)
            return MHD_CONTENT_READER_END_WITH_ERROR;
        st->done = r == 0;
    }
    size_t n = st->b.len - st->off < max ? st->b.len - st->off : max;
    memcpy(buf, st->b.data + st->off, n);
    st->off += n;
    return (ssize_t)n;
}

static void stream_free(void *cls)
{
    struct stream *st = cls;
    if (st->end)
        st->end(st->ud);
    vcm_buf_release(&st->b);
    free(st);
}

/* The response of a streamed body: body's bytes first, then the pieces. */
static struct MHD_Response *stream_response(vcm_resp *resp)
{
    struct stream *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    st->b = resp->body; /* what the handler wrote before the stream: sent first */
    vcm_buf_init(&resp->body, 0);
    st->fn = resp->stream;
    st->end = resp->stream_end;
    st->ud = resp->stream_ud;
    resp->stream = NULL;
    resp->stream_end = NULL;
    resp->stream_ud = NULL;
    struct MHD_Response *r =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, stream_read, st, stream_free);
    if (!r)
        stream_free(st);
    return r;
}

static enum MHD_Result queue(struct ctx *c, struct MHD_Connection *conn)
{
    vcm_resp *resp = &c->resp;
    int status = resp->status;
    bool not_modified = resp->not_modified_ && status == MHD_HTTP_OK;
    if (not_modified)
        status = MHD_HTTP_NOT_MODIFIED;
    bool gzip;
    bool vary = negotiable(c, not_modified, &gzip);
    struct MHD_Response *r;
    size_t len = not_modified ? 0 : resp->body.len;
    bool head = strcmp(c->req.method, "HEAD") == 0;
    if (resp->stream && (not_modified || head))
        vcm_resp_stream_drop(resp); /* nothing of it would be sent */
    if (resp->stream) {
        /* a streamed body goes as it is made, never gzipped */
        gzip = vary = false;
        r = stream_response(resp);
        goto made;
    }
    if (gzip && len) {
        char *z;
        size_t zlen;
        if (vcm_gzip(resp->body.data, len, &z, &zlen) < 0) {
            /* the same bytes, uncompressed: still a right answer */
            vcm_warn("cannot gzip a response", "bytes=%zu", len);
            gzip = false;
        } else {
            vcm_buf_release(&resp->body);
            len = zlen;
            r = MHD_create_response_from_buffer(len, z, MHD_RESPMEM_MUST_FREE);
            if (!r)
                free(z);
            goto made;
        }
    }
    if (len) {
        char *data = vcm_buf_detach(&resp->body, &len);
        r = data ? MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE) : NULL;
        if (!r)
            free(data);
    } else {
        r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    }
made:
    if (!r)
        return MHD_NO;
    if (gzip)
        gzip_etag(c);
    enum MHD_Result ok = MHD_YES;
    for (const struct vcm_resp_hdr *h = resp->hdrs_; h && ok; h = h->next)
        ok = MHD_add_response_header(r, h->name, h->value);
    if (ok && vary)
        ok = MHD_add_response_header(r, "Vary", "Accept-Encoding");
    if (ok && gzip && !not_modified)
        ok = MHD_add_response_header(r, "Content-Encoding", "gzip");
    /* A 304 describes no content, so it carries no Content-Type (RFC 9110 15.4.5). */
    if (ok && !not_modified)
        ok = MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
                                     resp->content_type ? resp->content_type
                                                        : "text/html; charset=utf-8");
    if (ok)
        ok = MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    if (ok)
        ok = MHD_add_response_header(r, "Content-Security-Policy", CSP);
    if (ok)
        ok = MHD_add_response_header(r, "Referrer-Policy", "strict-origin-when-cross-origin");
    if (ok && over_tls(c, conn))
        ok = MHD_add_response_header(r, "Strict-Transport-Security", HSTS);
    if (ok && c->close)
        ok = MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
    if (ok)
        ok = MHD_queue_response(conn, (unsigned)status, r);
    MHD_destroy_response(r);
    c->status = status;
    c->bytes = strcmp(c->req.method, "HEAD") == 0 ? 0 : len;
    return ok;
}

/* ---- MHD callbacks ---- */

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    struct vcm_server *s = cls;
    struct ctx *c = ctx_get();
    if (!c)
        return NULL;
    clock_gettime(CLOCK_MONOTONIC, &c->start);
    c->srv = s;
    c->phase = PHASE_HEADERS;
    c->too_big = c->no_memory = c->close = false;
    c->watch = watch_of(conn);
    c->status = 0;
    c->bytes = 0;
    c->upload_total = 0;
    memset(&c->route, 0, sizeof c->route);
    c->route_status = VCM_ROUTE_NOT_FOUND;
    memset(&c->impl, 0, sizeof c->impl);
    memset(&c->req, 0, sizeof c->req);
    vcm_resp_init(&c->resp);
    vcm_buf_init(&c->upload, s->max_body ? s->max_body : 1);
    c->req.arena = &c->arena;
    c->req.app = s->app;
    c->req.impl = &c->impl;
    c->req.id = atomic_fetch_add_explicit(&s->next_id, 1, memory_order_relaxed) + 1;
    c->req.body = "";
    c->req.method = NULL;
    /* A request that begins while the server stops is refused (begin) and
     * not waited for. */
    c->counted = !atomic_load_explicit(&s->draining, memory_order_acquire);
    if (c->counted)
        atomic_fetch_add_explicit(&s->active, 1, memory_order_relaxed);

    uri = uri ? uri : "";
    size_t n = strlen(uri);
    const char *q = memchr(uri, '?', n);
    c->req.path = vcm_arena_strndup(&c->arena, uri, q ? (size_t)(q - uri) : n);
    c->req.query = q ? vcm_arena_strdup(&c->arena, q + 1) : "";
    if (!c->req.path || !c->req.query) {
        c->req.path = c->req.query = "";
        c->no_memory = true;
    }
    c->req.raw_path = c->req.path;
    c->req.lang_prefix = "";
    return c;
}

/* ---- strict framing ----
 *
 * A request that a proxy in front could read differently from us (two
 * lengths, a length and a coding, a coding we do not know) could smuggle a
 * second request past the proxy inside the first one's body. So every
 * ambiguous head is refused, before any body is read, and the connection is
 * closed after the answer: what follows on it cannot be trusted to start
 * a request. Chunked bodies are refused with 411 (RFC 9112, 6.3): nothing
 * of VCM's needs them, and MHD reads a chunk-size line into its header
 * memory and answers a long one with a bare 500 page of its own. What MHD
 * refuses before our callbacks run is listed in docs/deployment.md. */

struct head_scan {
    int hosts, lengths, codings;
    size_t bytes;
    const char *length, *coding;
    const char *bad;
};

static bool is_token(const char *p, size_t n)
{
    if (!p || n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)p[i];
        if (!isalnum(ch) && (ch == 0 || !strchr("!#$%&'*+-.^_`|~", ch)))
            return false;
    }
    return true;
}

static bool named(const char *key, size_t n, const char *name)
{
    return n == strlen(name) && strncasecmp(key, name, n) == 0;
}

static enum MHD_Result scan_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                   size_t key_size, const char *value, size_t value_size)
{
    struct head_scan *h = cls;
    (void)kind;
    h->bytes += key_size + value_size + 4; /* "name: value\r\n" */
    if (!is_token(key, key_size)) {
        h->bad = "bad request: a header name is not valid";
        return MHD_NO;
    }
    for (size_t i = 0; value && i < value_size; i++) {
        unsigned char ch = (unsigned char)value[i];
        if ((ch < 0x20 && ch != '\t') || ch == 0x7F) {
            h->bad = "bad request: a header holds a control character";
            return MHD_NO;
        }
    }
    if (named(key, key_size, MHD_HTTP_HEADER_HOST)) {
        h->hosts++;
    } else if (named(key, key_size, MHD_HTTP_HEADER_CONTENT_LENGTH)) {
        h->lengths++;
        h->length = value ? value : "";
    } else if (named(key, key_size, MHD_HTTP_HEADER_TRANSFER_ENCODING)) {
        h->codings++;
        h->coding = value ? value : "";
    }
    return MHD_YES;
}

/* 0 when the head is acceptable, else the status to refuse it with and a
 * reason in *why. */
static int check_head(struct MHD_Connection *conn, const char *method, const char *version,
                      size_t max_header, const char **why)
{
    if (!method || !is_token(method, strlen(method))) {
        *why = "bad request: the method is not valid";
        return MHD_HTTP_BAD_REQUEST;
    }
    struct head_scan h = {0};
    MHD_get_connection_values_n(conn, MHD_HEADER_KIND, scan_header, &h);
    if (h.bad) {
        *why = h.bad;
        return MHD_HTTP_BAD_REQUEST;
    }
    if (h.bytes > max_header) {
        *why = "request header fields too large";
        return MHD_HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE;
    }
    bool http11 = version && strcmp(version, MHD_HTTP_VERSION_1_1) == 0;
    if (h.hosts > 1 || (h.hosts == 0 && http11)) {
        *why = "bad request: an HTTP/1.1 request needs exactly one Host header";
        return MHD_HTTP_BAD_REQUEST;
    }
    if (h.lengths > 1) {
        *why = "bad request: more than one Content-Length";
        return MHD_HTTP_BAD_REQUEST;
    }
    if (h.lengths && h.codings) {
        *why = "bad request: both Content-Length and Transfer-Encoding";
        return MHD_HTTP_BAD_REQUEST;
    }
    if (h.lengths && (!*h.length || strlen(h.length) > 19 ||
                      strspn(h.length, "0123456789") != strlen(h.length))) {
        *why = "bad request: Content-Length is not a number";
        return MHD_HTTP_BAD_REQUEST;
    }
    if (h.codings == 1 && strcasecmp(h.coding, "chunked") == 0) {
        *why = "length required: send the body with a Content-Length";
        return MHD_HTTP_LENGTH_REQUIRED;
    }
    if (h.codings) {
        *why = "not implemented: send the body with a Content-Length, without a transfer coding";
        return MHD_HTTP_NOT_IMPLEMENTED;
    }
    return 0;
}

/* Answers at once, before any body, and closes the connection after. */
static enum MHD_Result refuse(struct ctx *c, struct MHD_Connection *conn, int status,
                              const char *why)
{
    vcm_log_set_request(c->req.id);
    c->close = true;
    error_response(c, status, why);
    enum MHD_Result ok = queue(c, conn);
    vcm_log_set_request(0);
    c->phase = PHASE_DONE;
    return ok;
}

static enum MHD_Result begin(struct ctx *c, struct MHD_Connection *conn, const char *method,
                             const char *version)
{
    struct vcm_server *s = c->srv;
    c->impl.conn = conn;
    c->req.method = method;
    c->phase = PHASE_BODY;
    if (c->watch)
        atomic_store_explicit(&c->watch->in_head, false, memory_order_relaxed);
    const char *why = NULL;
    int status = check_head(conn, method, version, s->max_header, &why);
    if (!status && strlen(c->req.path) + strlen(c->req.query) + 1 > TARGET_MAX) {
        status = MHD_HTTP_URI_TOO_LONG;
        why = "URI too long";
    }
    if (!status && !c->counted) {
        status = MHD_HTTP_SERVICE_UNAVAILABLE;
        why = "the server is stopping";
    }
    if (status) {
        if (!is_token(method, method ? strlen(method) : 0))
            c->req.method = "-"; /* never echoed into the log or a page */
        return refuse(c, conn, status, why);
    }
    /* A Content-Length MHD could not read it has refused itself already. */
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl && strtoull(cl, NULL, 10) > s->max_body) {
        c->too_big = true;
        return refuse(c, conn, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large");
    }
    /* A language prefix (/ko/objects/3) is taken off a path no route takes
     * as it is (a route of its own wins: the prefixes are the codes of
     * core/langs.h, "/id" among them); the machine URLs take none, so
     * /ko/api/… is not found. */
    if (!c->no_memory) {
        const char *prefix, *rest;
        c->route_status = vcm_router_match_lang(s->router, &c->arena, method, c->req.path,
                                                &c->route, &prefix, &rest);
        if (c->route_status == VCM_ROUTE_NO_MEMORY) {
            c->no_memory = true;
        } else if (*prefix) {
            c->req.lang_prefix = prefix;
            c->req.path = rest;
        }
    }
    vcm_req_choose_lang(&c->req);
    return MHD_YES;
}

static enum MHD_Result take_body(struct ctx *c, const char *data, size_t n)
{
    struct vcm_server *s = c->srv;
    c->upload_total += n;
    if (c->too_big || c->upload_total > s->max_body) {
        c->too_big = true;
        return c->upload_total - s->max_body <= DISCARD_MAX ? MHD_YES : MHD_NO;
    }
    if (c->route_status == VCM_ROUTE_FOUND && !c->no_memory &&
        vcm_buf_append(&c->upload, data, n) < 0)
        c->no_memory = true;
    return MHD_YES;
}

static enum MHD_Result finish(struct ctx *c, struct MHD_Connection *conn)
{
    vcm_log_set_request(c->req.id);
    if (c->too_big) {
        error_response(c, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large");
    } else if (c->no_memory) {
        vcm_error("out of memory", "stage=%s", "reading the request");
        error_response(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal server error");
    } else {
        switch (c->route_status) {
        case VCM_ROUTE_FOUND:
            if (!run_handler(c)) {
                vcm_log_set_request(0);
                c->phase = PHASE_SUSPENDED;
                return MHD_YES;
            }
            break;
        case VCM_ROUTE_NOT_FOUND:
            error_response(c, MHD_HTTP_NOT_FOUND, "not found");
            break;
        case VCM_ROUTE_NOT_ALLOWED:
            error_response(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed");
            break;
        case VCM_ROUTE_BAD_REQUEST:
            error_response(c, MHD_HTTP_BAD_REQUEST, "bad request: the path is not valid UTF-8");
            break;
        case VCM_ROUTE_NO_MEMORY:
            error_response(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal server error");
            break;
        }
    }
    enum MHD_Result ok = queue(c, conn);
    vcm_log_set_request(0);
    c->phase = PHASE_DONE;
    return ok;
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *version,
                                 const char *upload_data, size_t *upload_data_size,
                                 void **req_cls)
{
    (void)cls;
    (void)url;
    struct ctx *c = *req_cls;
    if (!c)
        return MHD_NO; /* no memory for a context: drop the connection */
    switch (c->phase) {
    case PHASE_HEADERS:
        return begin(c, conn, method, version);
    case PHASE_BODY:
        if (*upload_data_size) {
            enum MHD_Result ok = take_body(c, upload_data, *upload_data_size);
            *upload_data_size = 0;
            return ok;
        }
        return finish(c, conn);
    case PHASE_SUSPENDED: {
        /* Resumed: the work is done; answer on this thread. */
        vcm_log_set_request(c->req.id);
        vcm_req_then then = c->impl.then;
        c->impl.then = NULL;
        check_answer(c, then(&c->req, &c->resp, c->impl.then_ud));
        enum MHD_Result ok = queue(c, conn);
        vcm_log_set_request(0);
        c->phase = PHASE_DONE;
        return ok;
    }
    case PHASE_DONE:
        break;
    }
    /* A body after an early 413: MHD discards it, nothing to do. */
    *upload_data_size = 0;
    return MHD_YES;
}

/* Copies s for a log line: bytes outside printable ASCII, quotes and
 * backslashes as %XX, so a request cannot forge or break log lines. */
static void log_safe(char *out, size_t size, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (; s && *s && o + 4 < size; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch <= 0x20 || ch >= 0x7F || ch == '"' || ch == '\\') {
            out[o++] = '%';
            out[o++] = hex[ch >> 4];
            out[o++] = hex[ch & 15];
        } else {
            out[o++] = (char)ch;
        }
    }
    if (s && *s && size >= 4) {
        o = o > size - 4 ? size - 4 : o;
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct vcm_server *s = cls;
    (void)conn;
    struct ctx *c = *req_cls;
    if (!c)
        return;
    *req_cls = NULL;
    if (c->watch && toe == MHD_REQUEST_TERMINATED_COMPLETED_OK) {
        atomic_store_explicit(&c->watch->since_ms, now_ms(), memory_order_relaxed);
        atomic_store_explicit(&c->watch->in_head, true, memory_order_relaxed);
    }
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long us = (long long)(now.tv_sec - c->start.tv_sec) * 1000000 +
                   (now.tv_nsec - c->start.tv_nsec) / 1000;
    char path[512];
    log_safe(path, sizeof path, c->req.raw_path ? c->req.raw_path : c->req.path);
    const char *end = NULL;
    switch (toe) {
    case MHD_REQUEST_TERMINATED_COMPLETED_OK: break;
    case MHD_REQUEST_TERMINATED_WITH_ERROR: end = "error"; break;
    case MHD_REQUEST_TERMINATED_TIMEOUT_REACHED: end = "timeout"; break;
    case MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN: end = "shutdown"; break;
    case MHD_REQUEST_TERMINATED_READ_ERROR: end = "read-error"; break;
    case MHD_REQUEST_TERMINATED_CLIENT_ABORT: end = "client-abort"; break;
    default: end = "other"; break;
    }
    vcm_log_set_request(c->req.id);
    vcm_info("request", "method=%s path=%s status=%d bytes=%zu us=%lld%s%s",
             c->req.method ? c->req.method : "-", path, c->status, c->bytes, us,
             end ? " end=" : "", end ? end : "");
    vcm_log_set_request(0);
    bool counted = c->counted;
    ctx_put(c);
    if (counted)
        atomic_fetch_sub_explicit(&s->active, 1, memory_order_release);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    struct vcm_server *s = cls;
    char msg[256];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    for (char *p = msg; *p; p++)
        if (*p == '"' || *p == '\n')
            *p = '\'';
    if (atomic_load(&s->starting))
        memcpy(s->start_error, msg, n + 1);
    /* The same message again within a second is counted, not written. */
    long long now = now_ms();
    pthread_mutex_lock(&s->log_lock);
    if (strcmp(msg, s->last_log) == 0 && now - s->last_log_ms < 1000) {
        s->log_repeats++;
        pthread_mutex_unlock(&s->log_lock);
        return;
    }
    long repeats = s->log_repeats;
    char prev[sizeof s->last_log];
    memcpy(prev, s->last_log, sizeof prev);
    s->log_repeats = 0;
    memcpy(s->last_log, msg, n + 1);
    s->last_log_ms = now;
    pthread_mutex_unlock(&s->log_lock);
    if (repeats)
        vcm_warn("libmicrohttpd", "detail=\"%s\" repeated=%ld", prev, repeats);
    vcm_warn("libmicrohttpd", "detail=\"%s\"", msg);
}

/* ---- start and stop ---- */

/* "ADDR:PORT" or "[V6ADDR]:PORT" to a socket address. */
static int parse_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *sslen,
                        char *err, size_t errlen)
{
    int rc = -1;
    char host[128];
    const char *port;
    if (spec[0] == '[') {
        const char *close = strchr(spec, ']');
        if (!close || close[1] != ':' || (size_t)(close - spec - 1) >= sizeof host)
            goto out;
        memcpy(host, spec + 1, (size_t)(close - spec - 1));
        host[close - spec - 1] = '\0';
        port = close + 2;
    } else {
        const char *colon = strrchr(spec, ':');
        if (!colon || (size_t)(colon - spec) >= sizeof host)
            goto out;
        memcpy(host, spec, (size_t)(colon - spec));
        host[colon - spec] = '\0';
        port = colon + 1;
    }
    if (!*port || strlen(port) > 5 || strspn(port, "0123456789") != strlen(port))
        goto out;
    long p = strtol(port, NULL, 10);
    if (p > 65535)
        goto out;
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    if (spec[0] != '[' && inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)p);
        *sslen = sizeof *v4;
    } else if (spec[0] == '[' && inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)p);
        *sslen = sizeof *v6;
    } else {
        goto out;
    }
    rc = 0;
out:
    if (rc < 0)
        snprintf(err, errlen,
                 "invalid listen address '%s': expected ADDR:PORT with a numeric address, "
                 "such as 127.0.0.1:8080, 0.0.0.0:8080 or [::1]:8080",
                 spec);
    return rc;
}

static int open_listen(const char *spec, const struct sockaddr_storage *ss, socklen_t sslen,
                       int *port, char *err, size_t errlen)
{
    int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create a socket for '%s': %s", spec, strerror(errno));
        return -1;
    }
    /* SO_REUSEADDR only skips TIME_WAIT after a restart; a live listener
     * on the port still makes bind fail, which is what we report. */
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (const struct sockaddr *)ss, sslen) < 0 || listen(fd, SOMAXCONN) < 0) {
        int e = errno;
        const char *why = e == EADDRINUSE      ? "port already in use"
                          : e == EADDRNOTAVAIL ? "no such address on this machine"
                          : e == EACCES        ? "permission denied (ports below 1024 need privileges)"
                                               : strerror(e);
        snprintf(err, errlen, "cannot listen on '%s': %s", spec, why);
        close(fd);
        return -1;
    }
    struct sockaddr_storage bound;
    socklen_t blen = sizeof bound;
    if (getsockname(fd, (struct sockaddr *)&bound, &blen) < 0) {
        snprintf(err, errlen, "cannot listen on '%s': %s", spec, strerror(errno));
        close(fd);
        return -1;
    }
    *port = ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
                                              : ((struct sockaddr_in *)&bound)->sin_port);
    return fd;
}

#define H(f) VCM_OPTION_AT(vcm_http_config, f)
static const vcm_option http_options[] = {
    {"listen", "VCM_LISTEN", "ADDR:PORT", "where serve listens (default 127.0.0.1:8080)", VCM_OPT_STR, H(listen), 0, 0},
    {"threads", "VCM_THREADS", "N", "serve: worker threads (default: one per core)", VCM_OPT_NUM, H(threads), 0, 256},
    {"max-connections", "VCM_MAX_CONNECTIONS", "N", "serve: open connections at most (default 1000)", VCM_OPT_NUM, H(max_connections), 1, 100000},
    {"idle-timeout", "VCM_IDLE_TIMEOUT", "SECONDS", "serve: close idle connections after (default 30)", VCM_OPT_NUM, H(idle_timeout), 1, 3600},
    {"header-timeout", "VCM_HEADER_TIMEOUT", "SECONDS", "serve: close a connection whose request line and headers are not all in this long after it opened or after its previous response (default 10)", VCM_OPT_NUM, H(header_timeout), 1, 3600},
    {"max-per-ip", "VCM_MAX_PER_IP", "N", "serve: open connections from one client address at most, 0 = no limit (default 256; 0 behind a proxy)", VCM_OPT_NUM, H(max_per_ip), 0, 100000},
    {"max-header", "VCM_MAX_HEADER", "BYTES", "serve: memory for one request's headers (default 32768)", VCM_OPT_NUM, H(max_header), 4096, 1 << 20},
    {"max-body", "VCM_MAX_BODY", "BYTES", "serve: largest request body (default 1048576)", VCM_OPT_NUM, H(max_body), 0, 1L << 30},
};
#undef H

void vcm_http_config_defaults(vcm_http_config *h)
{
    memset(h, 0, sizeof *h);
    snprintf(h->listen, sizeof h->listen, "%s", "127.0.0.1:8080");
    h->max_connections = 1000;
    h->idle_timeout = 30;
    h->header_timeout = 10;
    h->max_per_ip = 256;
    h->max_header = 32768;
    h->max_body = 1 << 20;
}

void vcm_http_options(vcm_http_config *h, vcm_option_set *set)
{
    vcm_http_config_defaults(h);
    *set = (vcm_option_set){http_options, sizeof http_options / sizeof *http_options, h};
}

vcm_server *vcm_server_start(const vcm_http_config *cfg, vcm_router *router, void *app,
                             vcm_error_hook on_error, char *err, size_t errlen)
{
    vcm_server *s = NULL;
    struct sockaddr_storage ss;
    socklen_t sslen;
    if (parse_listen(cfg->listen, &ss, &sslen, err, errlen) < 0)
        goto out;
    s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "cannot start the HTTP server: out of memory");
        goto out;
    }
    s->router = router;
    s->app = app;
    s->on_error = on_error;
    s->max_body = cfg->max_body > 0 ? (size_t)cfg->max_body : 0;
    s->fd = -1;
    atomic_init(&s->next_id, 0);
    atomic_init(&s->active, 0);
    atomic_init(&s->draining, false);
    atomic_init(&s->starting, true);
    atomic_init(&s->stopping, false);
    s->header_timeout_ms = (cfg->header_timeout > 0 ? cfg->header_timeout : 10) * 1000LL;
    s->https_base = cfg->https != 0;
    pthread_mutex_init(&s->watch_lock, NULL);
    pthread_mutex_init(&s->log_lock, NULL);

    long threads = cfg->threads > 0 ? cfg->threads : sysconf(_SC_NPROCESSORS_ONLN);
    if (threads < 1)
        threads = 1;
    unsigned conn_limit = cfg->max_connections > 0 ? (unsigned)cfg->max_connections : 1000;
    /* MHD splits the connection limit between the workers. */
    if ((unsigned long)threads > conn_limit)
        threads = (long)conn_limit;
    s->max_header = cfg->max_header > 0 ? (size_t)cfg->max_header : 32768;
    size_t pool = s->max_header + TARGET_ROOM + RESPONSE_HEADER_ROOM;
    unsigned timeout = cfg->idle_timeout > 0 ? (unsigned)cfg->idle_timeout : 30;
    unsigned per_ip = cfg->max_per_ip > 0 ? (unsigned)cfg->max_per_ip : 0; /* 0: no limit */

    /* Pool size 1 is refused with a warning by MHD: one internal thread is
     * the same thing without the option. */
    struct MHD_OptionItem pool_opts[] = {
        {threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, (intptr_t)threads, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    bool epoll = MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES;

    /* Workers inherit our signal mask: block the stop signals so they reach
     * vcm_server_run's sigwait, and SIGPIPE so a vanished client cannot
     * kill the process. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    /* Epoll first; poll when epoll is missing or fails to start. On failure
     * MHD closes the socket it was given, so each attempt binds anew. */
    int attempt;
    for (attempt = epoll ? 0 : 1; attempt < 2; attempt++) {
        s->fd = open_listen(cfg->listen, &ss, sslen, &s->port, err, errlen);
        if (s->fd < 0)
            break;
        unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_ALLOW_SUSPEND_RESUME |
                         MHD_USE_ITC | MHD_USE_ERROR_LOG |
                         (attempt == 0 ? MHD_USE_EPOLL : MHD_USE_POLL);
        s->start_error[0] = '\0';
        s->daemon = MHD_start_daemon(
            flags, 0, NULL, NULL, on_access, s,
            MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, s,
            MHD_OPTION_LISTEN_SOCKET, (MHD_socket)s->fd,
            MHD_OPTION_ARRAY, pool_opts,
            MHD_OPTION_CONNECTION_LIMIT, conn_limit,
            MHD_OPTION_CONNECTION_TIMEOUT, timeout,
            MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip,
            MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
            MHD_OPTION_CONNECTION_MEMORY_LIMIT, pool,
            MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
            MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
            MHD_OPTION_END);
        if (s->daemon) {
            s->epoll = attempt == 0;
            break;
        }
        s->fd = -1;
        snprintf(err, errlen, "cannot start the HTTP server on '%s': %s", cfg->listen,
                 s->start_error[0] ? s->start_error : "libmicrohttpd refused the options");
    }
    /* The sweeper too runs with the stop signals blocked. */
    if (s->daemon && pthread_create(&s->sweeper, NULL, sweeper_main, s) != 0) {
        snprintf(err, errlen, "cannot start the HTTP server on '%s': no thread for the header "
                              "deadline", cfg->listen);
        MHD_stop_daemon(s->daemon); /* closes the listening socket too */
        s->daemon = NULL;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!s->daemon)
        goto out;
    s->sweeper_started = true;
    atomic_store(&s->starting, false);
    vcm_info("listening", "addr=%s port=%d threads=%ld poll=%s", cfg->listen, s->port, threads,
             attempt == 0 ? "epoll" : "poll");
    return s;
out:
    if (s) {
        pthread_mutex_destroy(&s->watch_lock);
        pthread_mutex_destroy(&s->log_lock);
    }
    free(s);
    return NULL;
}

int vcm_server_port(const vcm_server *s)
{
    return s->port;
}

void vcm_server_stop(vcm_server *s)
{
    if (!s)
        return;
    atomic_store_explicit(&s->draining, true, memory_order_release);
    MHD_socket fd = s->epoll ? MHD_INVALID_SOCKET : MHD_quiesce_daemon(s->daemon);
    if (fd != MHD_INVALID_SOCKET)
        shutdown(fd, SHUT_RDWR);
    long left = 0;
    for (int ms = 0; ms < STOP_WAIT_MS; ms += 5) {
        left = atomic_load_explicit(&s->active, memory_order_acquire);
        if (left == 0)
            break;
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    if (left)
        vcm_warn("stopping with requests in flight", "count=%ld", left);
    MHD_stop_daemon(s->daemon);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    atomic_store(&s->stopping, true);
    if (s->sweeper_started)
        pthread_join(s->sweeper, NULL);
    pthread_mutex_destroy(&s->watch_lock);
    pthread_mutex_destroy(&s->log_lock);
    vcm_info("stopped", "port=%d", s->port);
    free(s);
}

int vcm_server_run(vcm_server *s)
{
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, &old);
    int sig = 0;
    while (sigwait(&set, &sig) != 0)
        ;
    vcm_info("stopping", "signal=%s", sig == SIGTERM ? "TERM" : "INT");
    vcm_server_stop(s);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return 0;
}
