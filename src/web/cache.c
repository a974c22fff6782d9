/* The page cache: rendered HTML pages, kept per server thread (a memo, see
 * memo.c) and keyed by date, host, path and query, valid for one data
 * version of the store.
 *
 * A page depends on nothing but the stored data, its URL, the Host it links
 * back to and (the home page) the date, so a page rendered once is sent again
 * until a commit changes the data version. Only 200 responses of HTML pages
 * are kept: errors and API answers (which carry headers of their own)
 * always run their handler. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "web/web.h"
#include "core/banned.h"

#define MAX_PAGE ((size_t)256 << 10)

int64_t vcm_web_version(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s = vcm_web_store(req, resp);
    int64_t v;
    if (!s || s->ops->data_version(s, &v) < 0)
        return -1;
    return v;
}

int vcm_web_cached(vcm_req *req, vcm_resp *resp, vcm_handler h)
{
    vcm_app *app = vcm_web_app(req);
    if (app->page_cache <= 0)
        return h(req, resp);
    int64_t version = vcm_web_version(req, resp);
    if (version < 0)
        return resp->body.len ? 0 : h(req, resp); /* no store: the error is in resp */
    vcm_memo *m = vcm_memo_thread(app, 0, (size_t)app->page_cache,
                                  (size_t)app->page_cache * MAX_PAGE, version);
    if (!m)
        return h(req, resp);
    const char *host = vcm_req_header(req, "Host");
    const char *proto = vcm_req_header(req, "X-Forwarded-Proto");
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    char *key = vcm_arena_printf(req->arena, "%04d%02d%02d|%s|%s|%s?%s", tm.tm_year + 1900,
                                 tm.tm_mon + 1, tm.tm_mday, proto ? proto : "", host ? host : "",
                                 req->path, req->query ? req->query : "");
    if (!key)
        return h(req, resp);
    size_t len;
    const void *page = vcm_memo_get(m, key, &len);
    if (page) {
        resp->content_type = "text/html; charset=utf-8";
        return vcm_buf_append(&resp->body, page, len);
    }
    int r = h(req, resp);
    if (r == 0 && resp->status == 200 && resp->content_type &&
        strncmp(resp->content_type, "text/html", 9) == 0 && resp->body.len <= MAX_PAGE)
        vcm_memo_put(m, key, resp->body.data, resp->body.len);
    return r;
}
