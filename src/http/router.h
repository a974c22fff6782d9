/* Router: maps a method and a raw path to a handler and its parameters.
 *
 * Patterns are absolute paths whose segments are literals, `{name}` (one
 * non-empty segment) or, as the last segment only, `{*name}` (the rest of
 * the path, at least one byte):
 *
 *     /objects/{id}   /api/v1/museums/{id}   /static/{*path}
 *
 * Matching is pure (no I/O, no libmicrohttpd) and allocates only the
 * decoded parameters, from the arena given. The router is built before the
 * server starts and is read-only afterwards, so any number of threads may
 * match at once without locks. */
#ifndef VCM_HTTP_ROUTER_H
#define VCM_HTTP_ROUTER_H
#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "http/req.h"

typedef struct vcm_router vcm_router;

/* Returns an empty router, or NULL when out of memory. */
vcm_router *vcm_router_new(void);
/* Frees the router and its routes; NULL is allowed. */
void vcm_router_free(vcm_router *r);

/* Adds a route. method is an HTTP token ("GET", "POST"...); a GET route also
 * answers HEAD unless a HEAD route is added for the same pattern. Returns -1
 * and logs why (nothing is added) for a bad method or pattern, more than
 * VCM_REQ_MAX_PARAMS parameters, a NULL handler, or a method already routed
 * for the same pattern. Patterns that differ only in parameter names share
 * their tree nodes, so "/a/{id}" (GET) and "/a/{key}" (POST) is allowed and
 * each route sees its own names. */
int vcm_router_add(vcm_router *r, const char *method, const char *pattern, vcm_handler h);

/* As vcm_router_add, naming the action the route performs: an id that the
 * application's one authorization function decides on ("user.invite",
 * "account.password"…), handed to the handler as req->action. A route
 * that changes state (POST, PUT, PATCH, DELETE) must name one: without it
 * (action NULL or "") the route is refused, so no state-changing handler
 * can be added without the authorization deciding it. A GET route may name
 * one too. The action string must outlive the router. */
int vcm_router_add_action(vcm_router *r, const char *method, const char *pattern, vcm_handler h,
                          const char *action);

/* Whether a method changes state and so needs an action (POST, PUT, PATCH,
 * DELETE). */
bool vcm_router_method_writes(const char *method);

/* The routes added, in the order they were added: route i's method,
 * pattern and action (NULL when none). Returns the number of routes; with
 * i below it fills the pointers given (any may be NULL). For tests that
 * must cover every route (the authorization matrix). */
size_t vcm_router_routes(const vcm_router *r, size_t i, const char **method,
                         const char **pattern, const char **action);

enum vcm_route_status {
    VCM_ROUTE_FOUND,
    VCM_ROUTE_NOT_FOUND,   /* 404 */
    VCM_ROUTE_NOT_ALLOWED, /* 405: the path exists for other methods */
    VCM_ROUTE_BAD_REQUEST, /* 400: a parameter has a bad escape, NUL or invalid UTF-8 */
    VCM_ROUTE_NO_MEMORY,   /* the arena is exhausted */
};

typedef struct vcm_route {
    vcm_handler handler;
    const char *pattern;   /* of the route found, for logs */
    const char *action;    /* its action id, or NULL */
    int nparams;           /* decoded, in pattern order */
    const char *param_names[VCM_REQ_MAX_PARAMS];
    const char *params[VCM_REQ_MAX_PARAMS];
    const char *allow;     /* NOT_ALLOWED: the methods for the Allow header */
} vcm_route;

/* Matches method and the raw path (len bytes, no query) against the routes.
 *
 * Literal segments are preferred over {name}, and {name} over {*name}; when
 * the preferred branch leads nowhere the next one is tried, so "/a/{x}/c"
 * still matches "/a/b/c" next to a route "/a/b/d". A path that does not
 * start with '/', or has an empty segment ("//", except one trailing "/")
 * or a "." or ".." segment (also as %2e), is NOT_FOUND, so traversal never
 * reaches a handler. Parameters are percent-decoded once ('+' stays '+');
 * one that decodes to invalid UTF-8 or holds NUL is BAD_REQUEST. A {*name}
 * value is also NOT_FOUND when, decoded, it has an empty, "." or ".."
 * segment, so "%2e%2e%2f" cannot climb out of a static folder.
 *
 * With NOT_ALLOWED, out->allow lists every method that would succeed on
 * this path (HEAD with GET). out is fully written in every case. */
enum vcm_route_status vcm_router_match(const vcm_router *r, vcm_arena *a, const char *method,
                                       const char *path, size_t len, vcm_route *out);

/* Matches path (NUL-terminated, no query) as the server does: as it is,
 * then, when no route takes it, without a language prefix (/ko/objects/3),
 * which only the pages people read take (vcm_lang_path_localized), so
 * /ko/api/... is NOT_FOUND. Sets *lang_prefix to "/ko" (in a) or "" and
 * *rest to the path the route saw. NO_MEMORY when a is exhausted. */
enum vcm_route_status vcm_router_match_lang(const vcm_router *r, vcm_arena *a, const char *method,
                                            const char *path, vcm_route *out,
                                            const char **lang_prefix, const char **rest);

/* Runs one request built by hand through the routes, without a socket (the
 * static export, web/site.h): req->arena, method, path (with its language
 * prefix, if any), query and app set, the rest zero. Matches as
 * vcm_router_match_lang, chooses the language, runs the handler into resp
 * (vcm_resp_init'ed) and returns the route's status; *rc is the handler's
 * return (-1 when it failed) when FOUND. No headers, cookies or body reach
 * the handler, and a handler that suspends itself fails (-1). */
enum vcm_route_status vcm_router_run(const vcm_router *r, vcm_req *req, vcm_resp *resp, int *rc);
#endif
