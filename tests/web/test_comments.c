/* Comments on objects over real HTTP, on the backend of this run (SQLite,
 * or PostgreSQL with VCM_TEST_PG): posting with and without an account,
 * the rate limits per visitor and per address, each rule of the spam
 * filter, the editors' moderation with its history, the API; and a walk of
 * every public output (pages, feeds, API, IIIF, the museum formats, the
 * sitemap, `vcm export`) that finds a pending or refused comment in none,
 * and an approved one where it belongs. */
#include "testutil.h"

#include <stdarg.h>

#include "core/l10n.h"
#include "core/token.h"

static char *dir, db[1024];
static struct vt_server srv;
static long long obj[3];
static int serial;

#include "visit_http.h"

static int group_setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    vt_db_url(db, sizeof db, dir, "comments");
    char *out = NULL;
    if (vt_sh(&out, "grep -m 3 Taipei %s/collection.jsonl > %s/few.jsonl && "
                    "%s import --quiet --db '%s' %s/few.jsonl",
              vt_data(), dir, vt_bin(), db, dir) != 0)
        fail_msg("import: %s", out);
    free(out);
    out = NULL;
    if (vt_db_sql(&out, db, "SELECT id FROM objects ORDER BY id") != 0 ||
        sscanf(out, "%lld\n%lld\n%lld", &obj[0], &obj[1], &obj[2]) != 3)
        fail_msg("three objects expected: %s", out);
    free(out);
    vt_server_start(&srv, db);
    add_user("editor-c@example.org", "editor");
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    assert_int_equal(vt_server_stop(&srv), 0);
    vt_rmrf(dir);
    free(dir);
    return 0;
}

/* Posts a comment on object id as w from address addr; returns the status
 * (and the answer's body in *body when not NULL). */
static long post(struct who *w, long long id, const char *addr, const char *name,
                 const char *text, const char *extra_field, char **body)
{
    char form[2048], path[64], xff[96];
    snprintf(form, sizeof form, "csrf=%s&name=%s&body=%s%s", w->csrf, name, text,
             extra_field ? extra_field : "");
    snprintf(path, sizeof path, "/objects/%lld/comments", id);
    snprintf(xff, sizeof xff, "X-Forwarded-For: %s", addr);
    struct hres r = http("POST", path, form, w->cookie, xff);
    visitor_keep(w, &r);
    long st = r.status;
    if (body)
        *body = strdup(r.body);
    if (st == 429)
        assert_non_null(strstr(r.headers, "Retry-After: "));
    hfree(&r);
    return st;
}

static long long count_where(const char *cond)
{
    char *v = sql1("SELECT count(*) FROM comments WHERE %s", cond);
    long long n = atoll(v);
    free(v);
    return n;
}

static void test_posting(void **state)
{
    (void)state;
    struct who a;
    visitor_new(&a);
    long long before = count_where("1 = 1");
    assert_int_equal(post(&a, obj[1], "10.1.0.1", "Ann", "A+fine+vessel.", NULL, NULL), 303);
    assert_int_equal(count_where("1 = 1"), before + 1);
    char *st = sql1("SELECT state || ':' || name FROM comments ORDER BY id DESC LIMIT 1");
    assert_string_equal(st, "pending:Ann");
    free(st);
    /* the visitor cookie's hash, never the cookie */
    char hash[VCM_TOKEN_HEX];
    vcm_token_digest(a.visitor, hash);
    char *v = sql1("SELECT visitor FROM comments ORDER BY id DESC LIMIT 1");
    assert_string_equal(v, hash);
    free(v);
    /* errors beside their fields, nothing kept */
    char *body;
    assert_int_equal(post(&a, obj[1], "10.1.0.1", "", "text", NULL, &body), 400);
    assert_contains(body, "c-name-error");
    free(body);
    assert_int_equal(post(&a, obj[1], "10.1.0.1", "Ann", "", NULL, &body), 400);
    assert_contains(body, "c-body-error");
    free(body);
    assert_int_equal(count_where("1 = 1"), before + 1);
    /* no CSRF token: refused */
    struct hres r = http("POST", "/objects/1/comments", "name=x&body=y", a.cookie, NULL);
    assert_int_equal(r.status, 403);
    hfree(&r);
    /* an unknown object */
    assert_int_equal(post(&a, 999999, "10.1.0.1", "Ann", "text", NULL, NULL), 404);
    /* a visitor account comments too, under its account */
    char email[64];
    snprintf(email, sizeof email, "commenter%d@example.org", ++serial);
    add_user(email, "visitor");
    struct who vw;
    visitor_new(&vw);
    login_as(email, &vw, NULL, 0);
    assert_int_equal(post(&vw, obj[1], "10.1.0.2", "Vi", "From+an+account.", NULL, NULL), 303);
    char *u = sql1("SELECT author_user IS NOT NULL FROM comments ORDER BY id DESC LIMIT 1");
    assert_true(strcmp(u, "1") == 0 || strcmp(u, "t") == 0);
    free(u);
}

static void test_rate_limits(void **state)
{
    (void)state;
    /* per visitor: VCM_COMMENT_LIMIT_VISITOR (5) an hour */
    struct who a;
    visitor_new(&a);
    for (int i = 0; i < 5; i++) {
        char text[64];
        snprintf(text, sizeof text, "Visitor+limit+comment+number+%d", i);
        assert_int_equal(post(&a, obj[1], "10.2.0.1", "Ra", text, NULL, NULL), 303);
    }
    long long n = count_where("name = 'Ra'");
    assert_int_equal(post(&a, obj[1], "10.2.0.9", "Ra", "one+more", NULL, NULL), 429);
    assert_int_equal(count_where("name = 'Ra'"), n);
    /* per address: VCM_COMMENT_LIMIT_ADDRESS (20), whatever the cookie */
    for (int i = 0; i < 20; i++) {
        struct who w;
        visitor_new(&w);
        char text[64];
        snprintf(text, sizeof text, "Address+limit+comment+%d", i);
        assert_int_equal(post(&w, obj[2], "10.2.0.2", "Rb", text, NULL, NULL), 303);
    }
    struct who w;
    visitor_new(&w);
    assert_int_equal(post(&w, obj[2], "10.2.0.2", "Rb", "twenty+one", NULL, NULL), 429);
    /* another address is not held back */
    assert_int_equal(post(&w, obj[2], "10.2.0.3", "Rb", "elsewhere", NULL, NULL), 303);
}

static void test_spam_rules(void **state)
{
    (void)state;
    struct who a;
    visitor_new(&a);
    const char *addr = "10.3.0.1";
    long long all = count_where("1 = 1");
    /* the honeypot: answered as taken, nothing kept */
    assert_int_equal(post(&a, obj[1], addr, "Bot", "hello", "&website=http://x.example", NULL),
                     303);
    assert_int_equal(count_where("1 = 1"), all);
    /* three links */
    char *body;
    assert_int_equal(post(&a, obj[1], addr, "L",
                          "see+http://a.example+http://b.example+www.c.example", NULL, &body),
                     422);
    assert_contains(body, "c-body-error");
    /* the limit said with the plural message */
    assert_contains(body, "A comment may hold at most 2 links.");
    free(body);
    /* two are fine */
    assert_int_equal(post(&a, obj[1], addr, "L", "see+http://a.example+and+www.b.example", NULL,
                          NULL),
                     303);
    /* the same text again (spacing and case aside) */
    assert_int_equal(post(&a, obj[1], addr, "L", "SEE++http://a.example+and+www.b.example", NULL,
                          NULL),
                     422);
    /* a character again and again */
    assert_int_equal(post(&a, obj[1], addr, "L", "wowwwwwwwwwwwwwwwwwwwwwwwwwwww", NULL, NULL),
                     422);
    /* a banned word: kept, refused, with the rule in its history */
    assert_int_equal(post(&a, obj[1], addr, "L", "Best+Casino+bonus+here", NULL, NULL), 303);
    char *st = sql1("SELECT state || '|' || spam FROM comments ORDER BY id DESC LIMIT 1");
    assert_string_equal(st, "refused|banned: casino");
    free(st);
    char *ev = sql1("SELECT count(*) FROM comment_events WHERE event = 'held' AND comment_id = "
                    "(SELECT max(id) FROM comments)");
    assert_string_equal(ev, "1");
    free(ev);
    /* a whole word only: "casinos" is not "casino", "occasion" holds none */
    assert_int_equal(post(&a, obj[1], addr, "L", "On+this+occasion", NULL, NULL), 303);
    st = sql1("SELECT state FROM comments ORDER BY id DESC LIMIT 1");
    assert_string_equal(st, "pending");
    free(st);
}

/* Posts a comment with text as a new visitor from a fresh address and
 * returns its id. */
static long long new_comment(long long id, const char *text)
{
    struct who w;
    visitor_new(&w);
    char addr[32];
    snprintf(addr, sizeof addr, "10.9.%d.%d", serial / 200, serial % 200 + 1);
    serial++;
    assert_int_equal(post(&w, id, addr, "Walker", text, NULL, NULL), 303);
    char *v = sql1("SELECT max(id) FROM comments");
    long long c = atoll(v);
    free(v);
    return c;
}

static void test_moderation(void **state)
{
    (void)state;
    long long c = new_comment(obj[1], "To+be+moderated");
    struct who ed, anon, vis;
    visitor_new(&ed);
    visitor_new(&anon);
    login_as("editor-c@example.org", &ed, NULL, 0);
    struct hres r = http("GET", "/comments/review", NULL, ed.cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "To be moderated");
    hfree(&r);
    char path[64], body[256];
    snprintf(path, sizeof path, "/comments/%lld", c);
    /* an anonymous visitor and a visitor account may not */
    snprintf(body, sizeof body, "csrf=%s&decision=approve", anon.csrf);
    r = http("POST", path, body, anon.cookie, NULL);
    assert_int_equal(r.status, 403);
    hfree(&r);
    char email[64];
    snprintf(email, sizeof email, "mod%d@example.org", ++serial);
    add_user(email, "visitor");
    visitor_new(&vis);
    login_as(email, &vis, NULL, 0);
    snprintf(body, sizeof body, "csrf=%s&decision=approve", vis.csrf);
    r = http("POST", path, body, vis.cookie, NULL);
    assert_int_equal(r.status, 403);
    hfree(&r);
    char *st = sql1("SELECT state FROM comments WHERE id = %lld", c);
    assert_string_equal(st, "pending");
    free(st);
    /* the editor refuses, then approves after all: both in the history */
    snprintf(body, sizeof body, "csrf=%s&decision=refuse&reason=off+topic", ed.csrf);
    r = http("POST", path, body, ed.cookie, NULL);
    assert_int_equal(r.status, 303);
    hfree(&r);
    snprintf(body, sizeof body, "csrf=%s&decision=approve", ed.csrf);
    r = http("POST", path, body, ed.cookie, NULL);
    assert_int_equal(r.status, 303);
    hfree(&r);
    char *h = sql1("SELECT count(*) FROM comment_events WHERE comment_id = %lld AND "
                   "((event = 'refused' AND reason = 'off topic' AND actor = 'editor-c@example.org')"
                   " OR event = 'approved' OR event = 'posted')", c);
    assert_string_equal(h, "3");
    free(h);
    /* the API: the queue and a decision */
    long long d = new_comment(obj[1], "Through+the+API");
    r = http("GET", "/api/v1/comments?state=pending", NULL, ed.cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "Through the API");
    assert_contains(r.body, "\"history\"");
    hfree(&r);
    char hdr[160];
    snprintf(hdr, sizeof hdr, "X-CSRF-Token: %s\nContent-Type: application/json", ed.csrf);
    snprintf(path, sizeof path, "/api/v1/comments/%lld/decision", d);
    r = http("POST", path, "{\"decision\":\"approve\"}", ed.cookie,
             "Content-Type: application/json");
    assert_int_equal(r.status, 403); /* no token */
    hfree(&r);
    r = http("POST", path, "{\"decision\":\"maybe\"}", ed.cookie, hdr);
    assert_int_equal(r.status, 400);
    hfree(&r);
    r = http("POST", path, "{\"decision\":\"approve\",\"reason\":\"fine\"}", ed.cookie, hdr);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "\"state\":\"approved\"");
    hfree(&r);
    r = http("POST", path, "{\"decision\":\"approve\"}", ed.cookie, hdr);
    assert_int_equal(r.status, 409);
    hfree(&r);
    r = http("GET", "/api/v1/comments", NULL, anon.cookie, NULL);
    assert_int_equal(r.status, 401);
    hfree(&r);
    /* posting through the API: anonymous with the double-submit token */
    snprintf(hdr, sizeof hdr, "X-CSRF-Token: %s\nContent-Type: application/json\n"
             "X-Forwarded-For: 10.4.0.1", anon.csrf);
    snprintf(path, sizeof path, "/api/v1/objects/%lld/comments", obj[1]);
    r = http("POST", path, "{\"name\":\"Api\",\"body\":\"Posted by a script\"}", anon.cookie,
             hdr);
    assert_int_equal(r.status, 202);
    assert_contains(r.body, "\"state\":\"pending\"");
    hfree(&r);
    r = http("POST", path, "{\"name\":\"Api\",\"body\":\"Posted by a script\"}", anon.cookie,
             hdr);
    assert_int_equal(r.status, 422);
    hfree(&r);
}

/* Every public output of object id, and the whole export, in one string. */
static char *walk(long long id, const char *cookie)
{
    static const char *const paths[] = {
        "/", "/objects/%lld", "/objects/%lld?comment=pending", "/api/v1/objects/%lld",
        "/api/v1/objects/%lld/comments", "/objects/%lld.jsonld", "/objects/%lld.lido.xml",
        "/objects/%lld.edm.xml", "/iiif/manifest/%lld", "/iiif/activity/",
        "/iiif/collection/top", "/feeds/masterpiece-of-the-day.atom", "/network/news.atom",
        "/sitemap.xml", "/sitemaps/1.xml", "/api/v1/objects", "/browse",
        "/api/v1/search?q=PENDING+REFUSED", "/search?q=PENDING", "/museums"};
    size_t cap = 1 << 20, len = 0;
    char *all = malloc(cap);
    assert_non_null(all);
    all[0] = 0;
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        char p[128];
        snprintf(p, sizeof p, paths[i], id);
        struct hres r = http("GET", p, NULL, cookie, NULL);
        if (r.status >= 500)
            fail_msg("GET %s: %ld", p, r.status);
        size_t n = strlen(r.body);
        while (len + n + 2 > cap) {
            cap *= 2;
            all = realloc(all, cap);
            assert_non_null(all);
        }
        memcpy(all + len, r.body, n + 1);
        len += n;
        hfree(&r);
    }
    static const char *const formats[] = {"jsonl", "lido", "edm"};
    for (size_t i = 0; i < 3; i++) {
        char *out = NULL;
        if (vt_sh(&out, "%s export --db '%s' --base-url http://vcm.example --format %s - ", vt_bin(), db, formats[i]) != 0)
            fail_msg("vcm export --format %s: %.500s", formats[i], out);
        size_t n = strlen(out);
        while (len + n + 2 > cap) {
            cap *= 2;
            all = realloc(all, cap);
            assert_non_null(all);
        }
        memcpy(all + len, out, n + 1);
        len += n;
        free(out);
    }
    return all;
}

static void test_public_outputs(void **state)
{
    (void)state;
    long long id = obj[0];
    long long pending = new_comment(id, "PENDING+MARK7731+text");
    long long refused = new_comment(id, "REFUSED+MARK7731+text");
    long long approved = new_comment(id, "APPROVED+MARK7731+text");
    (void)pending;
    struct who ed, v;
    visitor_new(&ed);
    visitor_new(&v);
    login_as("editor-c@example.org", &ed, NULL, 0);
    char path[64], body[256];
    snprintf(path, sizeof path, "/comments/%lld", refused);
    snprintf(body, sizeof body, "csrf=%s&decision=refuse", ed.csrf);
    struct hres r = http("POST", path, body, ed.cookie, NULL);
    assert_int_equal(r.status, 303);
    hfree(&r);
    /* before the approval: none of the three anywhere, with or without the
     * CSRF cookie (the page cache's path and the other) */
    for (int k = 0; k < 2; k++) {
        char *all = walk(id, k ? v.cookie : NULL);
        assert_not_contains(all, "MARK7731");
        free(all);
    }
    snprintf(path, sizeof path, "/comments/%lld", approved);
    snprintf(body, sizeof body, "csrf=%s&decision=approve", ed.csrf);
    r = http("POST", path, body, ed.cookie, NULL);
    assert_int_equal(r.status, 303);
    hfree(&r);
    for (int k = 0; k < 2; k++) {
        char *all = walk(id, k ? v.cookie : NULL);
        assert_not_contains(all, "PENDING MARK7731");
        assert_not_contains(all, "REFUSED MARK7731");
        free(all);
    }
    /* the approved one where it belongs: the object's page and its comments
     * in the API, and nowhere in the museum formats or the export */
    char p[64];
    snprintf(p, sizeof p, "/objects/%lld", id);
    r = http("GET", p, NULL, NULL, NULL);
    assert_contains(r.body, "APPROVED MARK7731");
    hfree(&r);
    /* under a language prefix: the day in that language, the text's own
     * direction, links that keep the prefix */
    snprintf(p, sizeof p, "/ko/objects/%lld", id);
    r = http("GET", p, NULL, NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "<p class=\"comment-body\" dir=\"auto\">APPROVED MARK7731");
    const char *t = strstr(r.body, "<time datetime=\"");
    assert_non_null(t);
    struct tm tm = {0};
    assert_non_null(strptime(t + strlen("<time datetime=\""), "%Y-%m-%dT%H:%M:%S", &tm));
    char day[96], want[160];
    assert_int_equal(vcm_l10n_day("ko", (int64_t)timegm(&tm), day, sizeof day), 0);
    snprintf(want, sizeof want, "\">%s</time>", day);
    assert_contains(t, want);
    snprintf(want, sizeof want, "href=\"/ko/objects/%lld/comments/new\"", id);
    assert_contains(r.body, want);
    snprintf(want, sizeof want, "href=\"/ko/my/save?object=%lld\"", id);
    assert_contains(r.body, want);
    hfree(&r);
    snprintf(p, sizeof p, "/api/v1/objects/%lld/comments", id);
    r = http("GET", p, NULL, NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "APPROVED MARK7731");
    assert_not_contains(r.body, "PENDING");
    hfree(&r);
    snprintf(p, sizeof p, "/objects/%lld.lido.xml", id);
    r = http("GET", p, NULL, NULL, NULL);
    assert_not_contains(r.body, "MARK7731");
    hfree(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_posting),
        cmocka_unit_test(test_rate_limits),
        cmocka_unit_test(test_spam_rules),
        cmocka_unit_test(test_moderation),
        cmocka_unit_test(test_public_outputs),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
