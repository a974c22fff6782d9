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
 *   2. access, first   Headers are in. A Content-Length above max_body is
 *                      answered 413 at once (MHD then closes the
 *                      connection instead of reading the body). The route
 *                      is matched here so a body for a path without a
 *                      handler is not kept.
 *   3. access, body    Body chunks are appended to a buffer capped at
 *                      max_body. MHD cannot queue a response in the middle
 *                      of a body, so a chunked body that grows too big is
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
 *                      in-flight count drops.
 *
 * MHD calls "completed" for every request that reached step 1, also when
 * the client vanished or MHD itself answered (431, a bad header): then the
 * log shows status=0 and an end= reason.
 *
 * Hot path: one atomic increment for the id and two for the in-flight
 * count; no lock and, once a thread's cache is warm, no malloc of ours but
 * the response body (MHD allocates its response object and header copies).
 *
 * Stopping: MHD_quiesce_daemon takes the listening socket out of the
 * workers' epoll sets; shutdown() on it then refuses the connections still
 * in the kernel's backlog at once instead of leaving them hanging. The
 * socket is closed only after MHD_stop_daemon, since a worker may still
 * hold its number until then. */
#include "http/server.h"

#include <arpa/inet.h>
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

#include "core/log.h"
#include "http/http_int.h"

#include "core/banned.h"

#define ARENA_CAP ((size_t)64 << 20)   /* one request's memory, beyond its body */
#define DISCARD_MAX ((uint64_t)1 << 20) /* body bytes read past max_body, to answer 413 */
#define CACHE_MAX 64                    /* idle contexts kept per thread */
#define STOP_WAIT_MS 10000
#define RESPONSE_HEADER_ROOM 4096       /* MHD builds response headers in the same pool */

enum phase { PHASE_HEADERS, PHASE_BODY, PHASE_SUSPENDED, PHASE_DONE };

struct vcm_server {
    struct MHD_Daemon *daemon;
    vcm_router *router;
    void *app;
    vcm_error_hook on_error;
    int fd;
    int port;
    size_t max_body;
    atomic_uint_fast64_t next_id;
    atomic_long active; /* requests between uri callback and completed */
    atomic_bool starting;
    char start_error[256];
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
    vcm_buf_reset(&resp->body);
    resp->hdrs_ = resp->hdrs_tail_ = NULL;
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

static enum MHD_Result queue(struct ctx *c, struct MHD_Connection *conn)
{
    vcm_resp *resp = &c->resp;
    int status = resp->status;
    bool not_modified = resp->not_modified_ && status == MHD_HTTP_OK;
    if (not_modified)
        status = MHD_HTTP_NOT_MODIFIED;
    struct MHD_Response *r;
    size_t len = not_modified ? 0 : resp->body.len;
    if (len) {
        char *data = vcm_buf_detach(&resp->body, &len);
        r = data ? MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE) : NULL;
        if (!r)
            free(data);
    } else {
        r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    }
    if (!r)
        return MHD_NO;
    enum MHD_Result ok = MHD_YES;
    for (const struct vcm_resp_hdr *h = resp->hdrs_; h && ok; h = h->next)
        ok = MHD_add_response_header(r, h->name, h->value);
    /* A 304 describes no content, so it carries no Content-Type (RFC 9110 15.4.5). */
    if (ok && !not_modified)
        ok = MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
                                     resp->content_type ? resp->content_type
                                                        : "text/html; charset=utf-8");
    if (ok)
        ok = MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
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
    (void)conn;
    struct ctx *c = ctx_get();
    if (!c)
        return NULL;
    clock_gettime(CLOCK_MONOTONIC, &c->start);
    c->srv = s;
    c->phase = PHASE_HEADERS;
    c->too_big = c->no_memory = false;
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
    return c;
}

static enum MHD_Result begin(struct ctx *c, struct MHD_Connection *conn, const char *method)
{
    struct vcm_server *s = c->srv;
    c->impl.conn = conn;
    c->req.method = method;
    c->phase = PHASE_BODY;
    /* MHD has already refused a malformed Content-Length with 400. */
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl && strtoull(cl, NULL, 10) > s->max_body) {
        vcm_log_set_request(c->req.id);
        c->too_big = true;
        error_response(c, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large");
        enum MHD_Result ok = queue(c, conn);
        vcm_log_set_request(0);
        c->phase = PHASE_DONE;
        return ok;
    }
    if (!c->no_memory)
        c->route_status = vcm_router_match(s->router, &c->arena, method, c->req.path,
                                           strlen(c->req.path), &c->route);
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
    (void)version;
    struct ctx *c = *req_cls;
    if (!c)
        return MHD_NO; /* no memory for a context: drop the connection */
    switch (c->phase) {
    case PHASE_HEADERS:
        return begin(c, conn, method);
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
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long us = (long long)(now.tv_sec - c->start.tv_sec) * 1000000 +
                   (now.tv_nsec - c->start.tv_nsec) / 1000;
    char path[512];
    log_safe(path, sizeof path, c->req.path);
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
    ctx_put(c);
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

vcm_server *vcm_server_start(const vcm_config *cfg, vcm_router *router, void *app,
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
    atomic_init(&s->starting, true);

    long threads = cfg->threads > 0 ? cfg->threads : sysconf(_SC_NPROCESSORS_ONLN);
    if (threads < 1)
        threads = 1;
    unsigned conn_limit = cfg->max_connections > 0 ? (unsigned)cfg->max_connections : 1000;
    /* MHD splits the connection limit between the workers. */
    if ((unsigned long)threads > conn_limit)
        threads = (long)conn_limit;
    size_t pool = (cfg->max_header > 0 ? (size_t)cfg->max_header : 32768) + RESPONSE_HEADER_ROOM;
    unsigned timeout = cfg->idle_timeout > 0 ? (unsigned)cfg->idle_timeout : 30;

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
            MHD_OPTION_CONNECTION_MEMORY_LIMIT, pool,
            MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
            MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
            MHD_OPTION_END);
        if (s->daemon)
            break;
        s->fd = -1;
        snprintf(err, errlen, "cannot start the HTTP server on '%s': %s", cfg->listen,
                 s->start_error[0] ? s->start_error : "libmicrohttpd refused the options");
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!s->daemon)
        goto out;
    atomic_store(&s->starting, false);
    vcm_info("listening", "addr=%s port=%d threads=%ld poll=%s", cfg->listen, s->port, threads,
             attempt == 0 ? "epoll" : "poll");
    return s;
out:
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
    MHD_socket fd = MHD_quiesce_daemon(s->daemon);
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
