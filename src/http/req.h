/* The request and the response as a handler sees them.
 *
 * A handler gets a vcm_req (read-only apart from what it allocates in
 * req->arena) and fills a vcm_resp: status, body and headers. Everything a
 * handler allocates comes from req->arena and dies with the request; the
 * body buffer is handed to the server, which sends it without a copy.
 * No libmicrohttpd type appears here, so handlers and their tests do not
 * depend on the server library.
 *
 * Secure by default: route parameters and query values are percent-decoded
 * once and are valid UTF-8 without NUL, or they are not there at all. */
#ifndef VCM_HTTP_REQ_H
#define VCM_HTTP_REQ_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/arena.h"
#include "core/buf.h"

#define VCM_REQ_MAX_PARAMS 8

typedef struct vcm_req {
    vcm_arena *arena;       /* dies with the request */
    uint64_t id;            /* request id, also in the logs */
    const char *method;     /* "GET", "HEAD", "POST"... */
    const char *path;       /* raw path, without the query */
    const char *query;      /* raw query string or "" */
    const char *body;       /* request body, NUL-terminated; "" when none */
    size_t body_len;
    void *app;              /* the pointer given to vcm_server_start */
    const char *action;     /* the route's action id (router.h), or NULL */
    /* The request's interface language (core/langs.h), chosen once by
     * vcm_req_choose_lang before the handler runs: lang is its code, NULL
     * until chosen (English then); lang_prefix is "/CODE" when the URL
     * began with a language prefix, which the server took off path, else
     * ""; raw_path is the path as sent (for logs). */
    const char *lang;
    const char *lang_prefix;
    int lang_from; /* enum vcm_lang_from */
    const char *raw_path;
    /* route parameters, in pattern order */
    int nparams;
    const char *param_names[VCM_REQ_MAX_PARAMS];
    const char *params[VCM_REQ_MAX_PARAMS];
    void *impl;             /* private: struct vcm_req_impl (http_int.h) or NULL */
} vcm_req;

struct vcm_resp_hdr;

/* A body made piece by piece while it is sent (OAI-PMH's lists): appends
 * the next piece to out and returns 1 while more is to come, 0 after the
 * last, -1 on an error (the connection is then cut, the status being sent
 * already). It runs on the connection's thread, after the handler has
 * returned, between other requests of that thread. */
typedef int (*vcm_stream_fn)(void *ud, vcm_buf *out);

typedef struct vcm_resp {
    int status;               /* 200 unless the handler sets it */
    vcm_buf body;             /* sent as is; HEAD and 304 send no body */
    const char *content_type; /* NULL = "text/html; charset=utf-8" */
    /* When stream is set, the body is body's bytes then stream's pieces,
     * sent chunked in memory of one piece at a time; stream_end(stream_ud)
     * runs once when it is done with (sent, cut, or never sent), so ud is
     * the stream's own (malloc'd, not in the request's arena). */
    vcm_stream_fn stream;
    void (*stream_end)(void *ud);
    void *stream_ud;
    /* Private to src/http: headers added by vcm_resp_header, in order, and
     * whether vcm_resp_etag matched If-None-Match; the ETag header that
     * vcm_resp_etag added (the server gives it a suffix for a compressed
     * body; an ETag a handler sets itself is left as it is). */
    struct vcm_resp_hdr *hdrs_, *hdrs_tail_, *etag_;
    bool not_modified_;
} vcm_resp;

/* Returns 0 when resp is filled in (any status). Returns -1 when the handler
 * failed: the server discards resp and answers 500 through the error hook.
 * A handler that returns 0 with a status >= 400 and an empty body gets its
 * body from the error hook as well, so handlers can say `resp->status = 404;
 * return 0;` and the application's error page is sent.
 *
 * A GET handler also answers HEAD (req->method is then "HEAD"): it should
 * build the same response, since the server sends the headers of GET,
 * Content-Length included, and drops the body. */
typedef int (*vcm_handler)(vcm_req *req, vcm_resp *resp);

/* Where the request's language came from, in the order they are asked. */
enum vcm_lang_from {
    VCM_LANG_FROM_DEFAULT, /* nothing asked for a language served: English */
    VCM_LANG_FROM_PREFIX,  /* the URL's prefix: /ko/objects/3 */
    VCM_LANG_FROM_PARAM,   /* the lang query parameter: ?lang=ko */
    VCM_LANG_FROM_COOKIE,  /* the vcm_lang cookie, set by a prefix or lang */
    VCM_LANG_FROM_ACCEPT,  /* the Accept-Language header */
};
#define VCM_LANG_COOKIE "vcm_lang"
/* Chooses the request's language once: the URL prefix (lang_prefix, set by
 * the server; a request built by hand may set it), then the lang query
 * parameter (a code or a tag: "ko", "ko-KR"), the vcm_lang cookie,
 * Accept-Language, then English. A value the table does not know is passed
 * over. The machine URLs (vcm_lang_path_localized false: the API, IIIF,
 * feeds) heed only the lang parameter. Sets r->lang and r->lang_from;
 * a second call changes nothing. */
void vcm_req_choose_lang(vcm_req *r);
/* The request's language code, English when none was chosen. */
const char *vcm_req_lang(const vcm_req *r);

/* The route parameter called name (decoded), or NULL when the route has none. */
const char *vcm_req_param(const vcm_req *r, const char *name);

/* The first value of the query parameter name, percent-decoded with '+' as a
 * space, or NULL when absent. A parameter whose name or value has a bad
 * escape or is not valid UTF-8 counts as absent, and vcm_req_bad_query()
 * becomes true so the application can answer 400. The query is parsed once,
 * on first use, into req->arena. */
const char *vcm_req_query_get(const vcm_req *r, const char *name);

/* Stores up to max values of the repeated query parameter name into vals, in
 * the order of the query string, and returns how many it stored (0 when
 * absent; further values are ignored). */
int vcm_req_query_all(const vcm_req *r, const char *name, const char **vals, int max);

/* True when some query parameter was dropped for a bad escape or invalid
 * UTF-8 (or the arena could not hold the parsed query). */
bool vcm_req_bad_query(const vcm_req *r);

/* Answering later, from another thread. A handler whose answer is made
 * elsewhere (an image render) calls vcm_req_suspend(req, then, ud) and
 * returns 0 at once, leaving resp alone: the connection is set aside, and
 * its connection thread serves other connections meanwhile. When the work
 * is done, whichever thread did it calls vcm_req_resume(req), exactly once
 * and as the last thing it does with req; then then(req, resp, ud) runs on
 * the connection's own thread, as a handler would, and its answer is sent.
 * Until then the request stays alive (its arena too), also if the client
 * has gone. vcm_req_suspend returns 0, or -1 when this request cannot be
 * suspended (outside the server): answer now instead. */
typedef int (*vcm_req_then)(vcm_req *req, vcm_resp *resp, void *ud);
int vcm_req_suspend(vcm_req *req, vcm_req_then then, void *ud);
void vcm_req_resume(vcm_req *req);

/* The value of request header name (case-insensitive), or NULL. Outside the
 * server (req->impl == NULL) there are no headers. */
const char *vcm_req_header(const vcm_req *r, const char *name);

/* The client's address ("127.0.0.1", "2001:db8::1"; "" outside the
 * server). From a proxy on this machine (loopback), the last address of
 * its X-Forwarded-For when it is one. */
const char *vcm_req_address(const vcm_req *r);
/* Whether the connection comes from this machine (a local proxy). */
bool vcm_req_from_loopback(const vcm_req *r);

/* Stores up to max values of the request header name (case-insensitive),
 * in the order received, into vals and returns how many it stored: all the
 * values of a header a client may send several times (Cookie). */
int vcm_req_header_all(const vcm_req *r, const char *name, const char **vals, int max);

/* Initialises resp for a handler: status 200, empty body capped at the
 * default vcm_buf maximum, no headers. The server does this; tests that call
 * handlers directly do it too, and release with vcm_resp_release. */
void vcm_resp_init(vcm_resp *resp);
void vcm_resp_release(vcm_resp *resp);
/* Runs a stream set by the handler to its end into body (tests that call
 * handlers directly); 0, or -1 when the stream failed. */
int vcm_resp_drain(vcm_resp *resp);
/* Ends a stream not sent (stream_end), leaving resp without one. */
void vcm_resp_stream_drop(vcm_resp *resp);

/* Adds a response header, copying name and value into req->arena. Returns -1
 * and adds nothing when the name is not an HTTP token, when name or value
 * holds CR, LF or another control character (header injection), when the
 * name is one the server owns (Content-Length, Transfer-Encoding,
 * Connection), or when the arena is exhausted. "Content-Type" sets
 * resp->content_type instead. Repeated names are sent repeatedly. */
int vcm_resp_header(vcm_resp *resp, vcm_req *req, const char *name, const char *value);

/* Sets the ETag header to the quoted etag and reports whether the request's
 * If-None-Match matches it (weak comparison, "*" matches), which is only
 * considered for GET and HEAD. When it returns true the caller leaves the
 * body empty and the server answers 304 without a body, keeping the other
 * headers. etag must be printable ASCII without '"' or spaces; otherwise no
 * header is set and false is returned. Call it once per response. */
bool vcm_resp_etag(vcm_resp *resp, vcm_req *req, const char *etag);

/* Sets Last-Modified and reports whether the request's If-Modified-Since
 * (sent without If-None-Match) is at or after mtime: then, as with
 * vcm_resp_etag, the server sends 304 without a body. */
bool vcm_resp_last_modified(vcm_resp *resp, vcm_req *req, time_t mtime);
#endif
