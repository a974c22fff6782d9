#include "http/req.h"

#include <string.h>
#include <time.h>
#include <strings.h>

#include "core/langs.h"
#include "http/cookie.h"
#include "http/http_int.h"

#include "core/banned.h"

void vcm_req_choose_lang(vcm_req *r)
{
    if (r->lang)
        return;
    const vcm_lang *l = NULL;
    const char *v;
    /* The machine URLs (the API, IIIF, feeds) answer alike whoever asks:
     * only the lang parameter changes their language, so that caches need
     * not vary them by cookie or header. */
    bool machine = !vcm_lang_path_localized(r->path);
    if (r->lang_prefix && r->lang_prefix[0] == '/' &&
        (l = vcm_lang_by_code(r->lang_prefix + 1, strlen(r->lang_prefix + 1))))
        r->lang_from = VCM_LANG_FROM_PREFIX;
    else if ((v = vcm_req_query_get(r, "lang")) &&
             ((l = vcm_lang_by_code(v, strlen(v))) || (l = vcm_lang_by_tag(v, strlen(v)))))
        r->lang_from = VCM_LANG_FROM_PARAM;
    else if (!machine && (v = vcm_req_cookie(r, VCM_LANG_COOKIE)) &&
             (l = vcm_lang_by_code(v, strlen(v))))
        r->lang_from = VCM_LANG_FROM_COOKIE;
    else if (!machine && (v = vcm_req_header(r, "Accept-Language")) &&
             (l = vcm_lang_accept(v, strlen(v))))
        r->lang_from = VCM_LANG_FROM_ACCEPT;
    else
        r->lang_from = VCM_LANG_FROM_DEFAULT;
    r->lang = l ? l->code : VCM_LANG_DEFAULT;
    if (!r->lang_prefix)
        r->lang_prefix = "";
}

const char *vcm_req_lang(const vcm_req *r)
{
    return r->lang ? r->lang : VCM_LANG_DEFAULT;
}

const char *vcm_req_param(const vcm_req *r, const char *name)
{
    for (int i = 0; i < r->nparams; i++)
        if (strcmp(r->param_names[i], name) == 0)
            return r->params[i];
    return NULL;
}

/* The parsed query: cached in impl inside the server; parsed afresh into the
 * arena (tmp) for a request built by hand, which has no impl. */
static const vcm_query *query_of(const vcm_req *r, vcm_query *tmp)
{
    struct vcm_req_impl *im = r->impl;
    const char *q = r->query ? r->query : "";
    if (!im) {
        vcm_query_parse(r->arena, q, strlen(q), tmp);
        return tmp;
    }
    if (!im->query_parsed) {
        vcm_query_parse(r->arena, q, strlen(q), &im->query);
        im->query_parsed = true;
    }
    return &im->query;
}

const char *vcm_req_query_get(const vcm_req *r, const char *name)
{
    vcm_query tmp;
    const vcm_query *q = query_of(r, &tmp);
    for (int i = 0; i < q->n; i++)
        if (strcmp(q->pairs[i].name, name) == 0)
            return q->pairs[i].value;
    return NULL;
}

int vcm_req_query_all(const vcm_req *r, const char *name, const char **vals, int max)
{
    vcm_query tmp;
    const vcm_query *q = query_of(r, &tmp);
    int n = 0;
    for (int i = 0; i < q->n && n < max; i++)
        if (strcmp(q->pairs[i].name, name) == 0)
            vals[n++] = q->pairs[i].value;
    return n;
}

bool vcm_req_bad_query(const vcm_req *r)
{
    vcm_query tmp;
    return query_of(r, &tmp)->bad;
}

void vcm_resp_init(vcm_resp *resp)
{
    memset(resp, 0, sizeof *resp);
    resp->status = 200;
    vcm_buf_init(&resp->body, 0);
}

void vcm_resp_stream_drop(vcm_resp *resp)
{
    if (resp->stream && resp->stream_end)
        resp->stream_end(resp->stream_ud);
    resp->stream = NULL;
    resp->stream_end = NULL;
    resp->stream_ud = NULL;
}

void vcm_resp_release(vcm_resp *resp)
{
    vcm_resp_stream_drop(resp);
    vcm_buf_release(&resp->body);
    vcm_resp_init(resp);
}

int vcm_resp_drain(vcm_resp *resp)
{
    int r = 0;
    while (resp->stream && (r = resp->stream(resp->stream_ud, &resp->body)) > 0)
        ;
    vcm_resp_stream_drop(resp);
    return r < 0 ? -1 : 0;
}

static bool is_token(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              strchr("!#$%&'*+-.^_`|~", c)))
            return false;
    }
    return true;
}

/* field-value of RFC 9110: no control characters but HTAB, so neither CR nor
 * LF can end the header early. */
static bool is_field_value(const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c < 0x20 && c != '\t') || c == 0x7F)
            return false;
    }
    return true;
}

int vcm_resp_header(vcm_resp *resp, vcm_req *req, const char *name, const char *value)
{
    /* The server writes these itself; a second copy would corrupt framing. */
    static const char *const owned[] = {"Content-Length", "Transfer-Encoding", "Connection"};
    if (!name || !value || !is_token(name) || !is_field_value(value))
        return -1;
    for (size_t i = 0; i < sizeof owned / sizeof owned[0]; i++)
        if (strcasecmp(name, owned[i]) == 0)
            return -1;
    if (strcasecmp(name, "Content-Type") == 0) {
        const char *ct = vcm_arena_strdup(req->arena, value);
        if (!ct)
            return -1;
        resp->content_type = ct;
        return 0;
    }
    /* Redirects keep the language prefix the request came with, so that a
     * form posted from /ko/… lands on a /ko/ page. */
    if (strcasecmp(name, "Location") == 0 && req->lang_prefix && *req->lang_prefix &&
        value[0] == '/' && value[1] != '/') {
        const char *path = vcm_arena_strndup(req->arena, value, strcspn(value, "?#"));
        if (!path)
            return -1;
        if (vcm_lang_path_localized(path)) {
            const char *old;
            if (!vcm_lang_prefix(value, &old) &&
                !(value = vcm_arena_printf(req->arena, "%s%s", req->lang_prefix, value)))
                return -1;
        }
    }
    struct vcm_resp_hdr *h = vcm_arena_alloc(req->arena, sizeof *h);
    if (!h || !(h->name = vcm_arena_strdup(req->arena, name)) ||
        !(h->value = vcm_arena_strdup(req->arena, value)))
        return -1;
    h->next = NULL;
    if (resp->hdrs_tail_)
        resp->hdrs_tail_->next = h;
    else
        resp->hdrs_ = h;
    resp->hdrs_tail_ = h;
    return 0;
}

/* Does the If-None-Match list hold etag (unquoted), or the tag of its gzip
 * variant (etag VCM_GZIP_ETAG_SUFFIX, server.c)? Both name the same
 * content, so either lets the server answer 304 (which then carries the tag
 * of the variant this request gets). Weak comparison: W/ is ignored. A
 * malformed list matches nothing, so the full answer is sent. */
static bool etag_listed(const char *list, const char *etag)
{
    size_t n = strlen(etag), sn = strlen(VCM_GZIP_ETAG_SUFFIX);
    const char *p = list;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (!*p)
            return false;
        if (*p == '*')
            return true;
        if (p[0] == 'W' && p[1] == '/')
            p += 2;
        if (*p != '"')
            return false;
        const char *close = strchr(p + 1, '"');
        if (!close)
            return false;
        size_t len = (size_t)(close - p - 1);
        if ((len == n || (len == n + sn && memcmp(p + 1 + n, VCM_GZIP_ETAG_SUFFIX, sn) == 0)) &&
            memcmp(p + 1, etag, n) == 0)
            return true;
        p = close + 1;
    }
}

bool vcm_resp_last_modified(vcm_resp *resp, vcm_req *req, time_t mtime)
{
    char lm[64];
    struct tm tm;
    if (mtime <= 0 || !gmtime_r(&mtime, &tm) ||
        !strftime(lm, sizeof lm, "%a, %d %b %Y %H:%M:%S GMT", &tm) ||
        vcm_resp_header(resp, req, "Last-Modified", lm) < 0)
        return false;
    if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0)
        return false;
    /* If-None-Match wins when both are sent (RFC 9110, 13.1.3) */
    const char *ims = vcm_req_header(req, "If-Modified-Since");
    if (!ims || vcm_req_header(req, "If-None-Match"))
        return false;
    struct tm t = {0};
    const char *end = strptime(ims, "%a, %d %b %Y %H:%M:%S GMT", &t);
    if (!end || *end)
        return false;
    if (timegm(&t) < mtime)
        return false;
    resp->not_modified_ = true;
    return true;
}

bool vcm_resp_etag(vcm_resp *resp, vcm_req *req, const char *etag)
{
    if (!etag || !*etag)
        return false;
    for (const char *s = etag; *s; s++)
        if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7F || *s == '"')
            return false;
    const char *quoted = vcm_arena_printf(req->arena, "\"%s\"", etag);
    if (!quoted || vcm_resp_header(resp, req, "ETag", quoted) < 0)
        return false;
    resp->etag_ = resp->hdrs_tail_;
    if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0)
        return false;
    const char *inm = vcm_req_header(req, "If-None-Match");
    if (!inm || !etag_listed(inm, etag))
        return false;
    resp->not_modified_ = true;
    return true;
}
