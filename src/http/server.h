/* The HTTP server: libmicrohttpd underneath, the router and the handlers of
 * req.h on top. Nothing of libmicrohttpd shows in this header.
 *
 *     vcm_router *r = vcm_router_new();
 *     vcm_router_add(r, "GET", "/objects/{id}", object_page);
 *     vcm_http_config h;
 *     vcm_http_config_defaults(&h);   // or filled through vcm_http_options
 *     vcm_server *s = vcm_server_start(&h, r, app, error_page, err, sizeof err);
 *     if (!s) ... print err ...
 *     vcm_server_run(s);          // until SIGTERM or SIGINT, then stops
 *     vcm_router_free(r);
 *
 * The life of a request and the threading model: the design note at the
 * top of server.c. */
#ifndef VCM_HTTP_SERVER_H
#define VCM_HTTP_SERVER_H
#include <stddef.h>

#include "core/config.h"
#include "http/req.h"
#include "http/router.h"

typedef struct vcm_server vcm_server;

/* The server's settings. Only `vcm serve` reads them, so they are not in
 * vcm_config: the command hands vcm_http_options' set to the config loader
 * (flags, environment, config file and --help as for every option). */
typedef struct vcm_http_config {
    char listen[VCM_CONFIG_STR]; /* ADDR:PORT */
    int https;                   /* the public address is https: send HSTS */
    long threads;                /* 0 = one per core */
    long max_connections;
    long idle_timeout;           /* seconds */
    long header_timeout;         /* seconds to send a request line and headers */
    long max_per_ip;             /* open connections from one address, 0 = no limit */
    long max_header;             /* bytes per connection for headers */
    long max_body;               /* bytes */
} vcm_http_config;

void vcm_http_config_defaults(vcm_http_config *h);
/* Sets h to the defaults and set to the options that fill it (--listen,
 * --threads, the limits). */
void vcm_http_options(vcm_http_config *h, vcm_option_set *set);

/* Builds the body of the responses the server makes itself (400, 404, 405,
 * 411, 413, 500, 501) and of handler responses left empty with a status >=
 * 400. resp arrives with the status set, an empty body and no content type
 * (405 has its Allow header already); the hook writes the body, sets
 * content_type and may add headers. It must not change resp->status, except
 * from 500 to 503 when the failure comes from a service that is away (the
 * database). message is a short lower-case English reason, such as "not
 * found", safe to show. */
typedef void (*vcm_error_hook)(vcm_req *req, vcm_resp *resp, int status, const char *message);

/* Binds cfg->listen ("127.0.0.1:8080", "0.0.0.0:80", "[::1]:8080"; port 0
 * picks a free port) and starts serving with the routes of router, which
 * must not change and must outlive the server. app is handed to every
 * handler as req->app. on_error may be NULL: error bodies are then plain
 * text. Worker threads: cfg->threads, or one per core when 0; they run with
 * SIGTERM, SIGINT and SIGPIPE blocked.
 *
 * Returns the running server, or NULL with a message in err saying what
 * failed, e.g. "cannot listen on '127.0.0.1:8080': port already in use". */
vcm_server *vcm_server_start(const vcm_http_config *cfg, vcm_router *router, void *app,
                             vcm_error_hook on_error, char *err, size_t errlen);

/* The port the server is bound to (the real one when the config said 0). */
int vcm_server_port(const vcm_server *s);

/* Stops accepting connections at once (connecting clients are refused),
 * waits up to 10 seconds for the requests in flight to be answered, then
 * closes every connection and frees s. NULL is allowed. */
void vcm_server_stop(vcm_server *s);

/* Blocks until the process gets SIGTERM or SIGINT, then stops s as
 * vcm_server_stop does (s is freed) and returns 0. The signals are taken
 * with sigwait, so threads the application starts itself should keep them
 * blocked, as the server's own threads do. */
int vcm_server_run(vcm_server *s);
#endif
