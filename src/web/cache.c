/* The page cache: rendered HTML pages, kept per server thread (a memo, see
 * memo.c), valid for one data version of the store.
 *
 * A page depends on the stored data, its URL, the Host and scheme it links
 * back to, the date (the home page's Masterpiece of the Day), and what the
 * visitor asked for: the content type (Accept) and the language. The
 * language is the request's choice (http/req.h: prefix, lang parameter,
 * cookie, Accept-Language), and its links carry the URL's prefix, so the
 * key holds both rather than the header they came from: a Korean page is
 * never sent to a French visitor, and every browser whose Accept-Language
 * comes to Korean shares one page. The headers that go with the choice
 * (Set-Cookie, Vary) are not kept with the page but added to every answer
 * (vcm_web_lang_headers). A page also
 * depends on who asks once there are accounts: a request that carries the
 * session cookie (VCM_SESSION_COOKIE, in any Cookie header) is never
 * answered from the cache and its page is never kept, so a signed-in page
 * cannot reach anyone else and a visitor who signs in never sees the page
 * of an anonymous one. A request with the anonymous forms' CSRF cookie
 * (vcm_csrf) is treated alike: the object page puts its token into the
 * comment and collection forms (web/comments.c). Every other request is
 * anonymous, so the key needs no session part.
 *
 * Only 200 responses of HTML pages are kept: errors and API answers (which
 * carry headers of their own) always run their handler. The data version
 * the cache follows is the store's (docs/internals/web.md says where it
 * comes from and which writes leave it alone). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "web/web.h"
#include "core/banned.h"

#define MAX_PAGE ((size_t)256 << 10)
/* The longest Accept kept in a key; a request with a longer one is served
 * without the cache rather than cut (two long values cut alike would share
 * a page). Browsers send well under 200 bytes. */
#define MAX_VARY 256
/* Cookie headers looked at: a client sends one (HTTP/2 proxies may split
 * it); a request with more is treated as having a session. */
#define MAX_COOKIE_HEADERS 8

int64_t vcm_web_version(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s = vcm_web_store(req, resp);
    int64_t v;
    if (!s || s->ops->data_version(s, &v) < 0)
        return -1;
    return v;
}

/* Whether the request carries the session cookie. A plain search for the
 * name, not a cookie parser: it cannot miss a session however the header
 * is spaced or quoted, and a cookie whose name merely contains it only
 * costs that request the cache. */
static bool has_session(const vcm_req *req)
{
    const char *v[MAX_COOKIE_HEADERS + 1];
    int n = vcm_req_header_all(req, "Cookie", v, MAX_COOKIE_HEADERS + 1);
    if (n > MAX_COOKIE_HEADERS)
        return true;
    for (int i = 0; i < n; i++)
        if (strstr(v[i], VCM_SESSION_COOKIE) || strstr(v[i], "vcm_csrf="))
            return true;
    return false;
}

int vcm_web_cached(vcm_req *req, vcm_resp *resp, vcm_handler h)
{
    vcm_app *app = vcm_web_app(req);
    if (app->page_cache <= 0 || has_session(req))
        return h(req, resp);
    const char *accept = vcm_req_header(req, "Accept");
    if (accept && strlen(accept) > MAX_VARY)
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
    /* Fields end with a newline, which no header value holds (the server
     * refuses control characters in headers); the path and query, which
     * might, come last. */
    char *key = vcm_arena_printf(
        req->arena, "%04d%02d%02d\n%s\n%s\n%s\n%s %s\n%s?%s", tm.tm_year + 1900, tm.tm_mon + 1,
        tm.tm_mday, proto ? proto : "", host ? host : "", accept ? accept : "", vcm_web_lang(req),
        req->lang_prefix ? req->lang_prefix : "", req->path, req->query ? req->query : "");
    if (!key)
        return h(req, resp);
    size_t len;
    const void *page = vcm_memo_get(m, key, &len);
    if (page) {
        resp->content_type = "text/html; charset=utf-8";
        vcm_web_lang_headers(req, resp);
        return vcm_buf_append(&resp->body, page, len);
    }
    int r = h(req, resp);
    if (r == 0 && resp->status == 200 && resp->content_type &&
        strncmp(resp->content_type, "text/html", 9) == 0 && resp->body.len <= MAX_PAGE)
        vcm_memo_put(m, key, resp->body.data, resp->body.len);
    return r;
}
