/* What the tests of visitors' collections and comments share: HTTP with
 * cookies and one extra header, tokens read from answers, users made as an
 * administrator makes them, and signing in. Each test program includes it
 * after testutil.h and defines `db` (the store's URL) and `srv`. */
#ifndef VT_VISIT_HTTP_H
#define VT_VISIT_HTTP_H
#include <ctype.h>

#include "core/token.h"

static const char *const VT_PW = "Lantern-garden-7431";

struct hres {
    long status;
    char *body, *headers;
};

static inline size_t hcollect(char *p, size_t size, size_t n, void *ud)
{
    char **buf = ud;
    size_t old = *buf ? strlen(*buf) : 0, add = size * n;
    char *nb = realloc(*buf, old + add + 1);
    assert_non_null(nb);
    memcpy(nb + old, p, add);
    nb[old + add] = '\0';
    *buf = nb;
    return add;
}

/* method path, with body (urlencoded unless extra says otherwise), a
 * Cookie header and more headers ("Name: value", separated by newlines;
 * each may be NULL). */
static inline struct hres http(const char *method, const char *path, const char *body,
                        const char *cookie, const char *extra)
{
    struct hres r = {0};
    char url[2048], ch[1024];
    snprintf(url, sizeof url, "%s%s", srv.base, path);
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, hcollect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, hcollect);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.headers);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    if (body)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    struct curl_slist *hl = NULL;
    if (cookie) {
        snprintf(ch, sizeof ch, "Cookie: %s", cookie);
        hl = curl_slist_append(hl, ch);
    }
    /* extra: one header, or several separated by newlines */
    for (const char *e = extra; e && *e;) {
        size_t n = strcspn(e, "\n");
        char one[512];
        snprintf(one, sizeof one, "%.*s", (int)n, e);
        hl = curl_slist_append(hl, one);
        e += n + (e[n] == '\n');
    }
    if (hl)
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK)
        fail_msg("%s %s: %s", method, url, curl_easy_strerror(rc));
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(hl);
    curl_easy_cleanup(c);
    if (!r.body)
        r.body = strdup("");
    if (!r.headers)
        r.headers = strdup("");
    return r;
}

static inline void hfree(struct hres *r)
{
    free(r->body);
    free(r->headers);
}

/* The n hex digits after marker in s, into out (n + 1 bytes); false when absent. */
static inline bool hex_after(const char *s, const char *marker, int n, char *out)
{
    const char *p = strstr(s, marker);
    if (!p)
        return false;
    p += strlen(marker);
    for (int i = 0; i < n; i++)
        if (!isxdigit((unsigned char)p[i]))
            return false;
    memcpy(out, p, (size_t)n);
    out[n] = '\0';
    return true;
}

/* A visitor's cookies and CSRF token. */
struct who {
    char cookie[512];
    char csrf[VCM_TOKEN_HEX];
    char visitor[33];
};

/* A new anonymous visitor: the CSRF cookie of GET /my. */
static inline void visitor_new(struct who *w)
{
    memset(w, 0, sizeof *w);
    struct hres r = http("GET", "/my", NULL, NULL, NULL);
    assert_int_equal(r.status, 200);
    if (!hex_after(r.headers, "vcm_csrf=", 64, w->csrf))
        fail_msg("no vcm_csrf cookie: %s", r.headers);
    snprintf(w->cookie, sizeof w->cookie, "vcm_csrf=%s", w->csrf);
    hfree(&r);
}

/* Keeps the visitor cookie an answer sets. */
static inline void visitor_keep(struct who *w, const struct hres *r)
{
    char v[33];
    if (hex_after(r->headers, "vcm_visitor=", 32, v) && strcmp(v, w->visitor) != 0) {
        snprintf(w->visitor, sizeof w->visitor, "%s", v);
        snprintf(w->cookie, sizeof w->cookie, "vcm_csrf=%s; vcm_visitor=%s", w->csrf, v);
    }
}

/* The last link of kind ("invite") in email's outbox. */
static inline void link_of(const char *email, char tok[VCM_TOKEN_HEX])
{
    char *out = NULL;
    if (vt_sh(&out, "%s outbox --db '%s' %s", vt_bin(), db, email) != 0)
        fail_msg("vcm outbox: %s", out);
    if (!hex_after(out, "/invite/", 64, tok))
        fail_msg("no invitation link for %s in: %s", email, out);
    free(out);
}

/* Follows an invitation (or sign-up) link and sets VT_PW. */
static inline void accept_link(const char *email)
{
    char tok[VCM_TOKEN_HEX], path[128], body[512];
    struct who w;
    link_of(email, tok);
    visitor_new(&w);
    snprintf(path, sizeof path, "/invite/%s", tok);
    snprintf(body, sizeof body, "csrf=%s&password=%s&confirm=%s", w.csrf, VT_PW, VT_PW);
    struct hres r = http("POST", path, body, w.cookie, NULL);
    if (r.status != 303)
        fail_msg("accepting the link of %s: %ld %s", email, r.status, r.body);
    hfree(&r);
}

/* A user of role made with `vcm user add`, with VT_PW set. */
static inline void add_user(const char *email, const char *role)
{
    char *out = NULL;
    if (vt_sh(&out, "%s user add --db '%s' '%s' 'Test %s' %s", vt_bin(), db, email, role,
              role) != 0)
        fail_msg("vcm user add: %s", out);
    free(out);
    accept_link(email);
}

/* Signs email in, as the visitor w (whose cookies go along); on return w
 * holds the session. Returns where the sign-in sent the browser. */
static inline void login_as(const char *email, struct who *w, char *location, size_t size)
{
    char body[512];
    snprintf(body, sizeof body, "csrf=%s&email=%s&password=%s", w->csrf, email, VT_PW);
    struct hres r = http("POST", "/login", body, w->cookie, NULL);
    if (r.status != 303)
        fail_msg("login %s: %ld %s", email, r.status, r.body);
    char tok[VCM_TOKEN_HEX];
    assert_true(hex_after(r.headers, "vcm_session=", 64, tok));
    const char *loc = strstr(r.headers, "Location: ");
    if (location && loc)
        snprintf(location, size, "%.*s", (int)strcspn(loc + 10, "\r\n"), loc + 10);
    snprintf(w->cookie, sizeof w->cookie, "vcm_session=%s", tok);
    hfree(&r);
    r = http("GET", "/my", NULL, w->cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_true(hex_after(r.body, "name=\"csrf\" value=\"", 64, w->csrf));
    hfree(&r);
}

/* The first line of the answer to SQL on the test's store. */
static inline char *sql1(const char *fmt, ...)
{
    char q[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(q, sizeof q, fmt, ap);
    va_end(ap);
    char *out = NULL;
    if (vt_db_sql(&out, db, q) != 0)
        fail_msg("%s: %s", q, out);
    out[strcspn(out, "\n")] = '\0';
    return out;
}

/* Validates the JSON at path against the IIIF Presentation 3.0 schema. */
static inline void validate_iiif(const char *path, const char *cookie, const char *tmp)
{
    struct hres r = http("GET", path, NULL, cookie, NULL);
    if (r.status != 200)
        fail_msg("GET %s: %ld %s", path, r.status, r.body);
    char file[800];
    snprintf(file, sizeof file, "%s/doc.json", tmp);
    vt_write_file(file, r.body);
    hfree(&r);
    char *out;
    int rc = vt_sh(&out,
                   "/usr/bin/python3 -c 'import json,sys,jsonschema; "
                   "s=json.load(open(sys.argv[1])); d=json.load(open(sys.argv[2])); "
                   "jsonschema.Draft7Validator(s).validate(d); print(\"valid\")' "
                   "%s/schemas/iiif/presentation-3.0.schema.json %s",
                   vt_data(), file);
    if (rc != 0)
        fail_msg("%s does not validate: %.2000s", path, out);
    free(out);
}
#endif
