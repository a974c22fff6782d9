/* Visitors' collections over real HTTP, on the backend of this run (SQLite,
 * or PostgreSQL with VCM_TEST_PG): a list kept by a cookie whose hash
 * alone is stored; CSRF without an account; signing up with a mailed
 * link; sharing by link and publishing after an editor's approval; the
 * IIIF export valid against the Presentation 3.0 schema; a cookie's
 * collections attached to the account on sign-in. */
#include "testutil.h"

#include <stdarg.h>

#include "core/token.h"

static char *dir, db[1024];
static struct vt_server srv;
static long long obj[3]; /* three published objects; obj[0] has an image */

#include "visit_http.h"

static int group_setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    vt_db_url(db, sizeof db, dir, "my");
    char *out = NULL, media[800];
    snprintf(media, sizeof media, "%s/media", dir);
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
    if (vt_sh(&out, "%s media add --quiet --db '%s' --media %s %lld "
                    "%s/images/npm_taipei/jade070_02.jpg --id my-jade",
              vt_bin(), db, media, obj[0], vt_data()) != 0)
        fail_msg("media add: %s", out);
    free(out);
    vt_server_start(&srv, db);
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

/* Saves object id (with a detail when region is not NULL) as w; returns the
 * collection's id. */
static long long save(struct who *w, long long id, const char *list, const char *region,
                      const char *note)
{
    char body[1024];
    snprintf(body, sizeof body, "csrf=%s&object=%lld&list=%s&image=1&region=%s&note=%s",
             w->csrf, id, list ? list : "", region ? region : "", note ? note : "");
    struct hres r = http("POST", "/my/items", body, w->cookie, NULL);
    if (r.status != 303)
        fail_msg("saving %lld: %ld %s", id, r.status, r.body);
    visitor_keep(w, &r);
    long long lid = 0;
    const char *loc = strstr(r.headers, "Location: /my/lists/");
    assert_non_null(loc);
    assert_int_equal(sscanf(loc, "Location: /my/lists/%lld", &lid), 1);
    hfree(&r);
    return lid;
}

static long long count(const char *what)
{
    char *v = sql1("SELECT count(*) FROM %s", what);
    long long n = atoll(v);
    free(v);
    return n;
}

/* The objects of a collection in order, comma-separated (both engines). */
static char *order_of(long long lid)
{
    char q[160], *out = NULL;
    snprintf(q, sizeof q, "SELECT object_id FROM my_items WHERE list_id = %lld ORDER BY pos, id",
             lid);
    if (vt_db_sql(&out, db, q) != 0)
        fail_msg("%s: %s", q, out);
    size_t n = strlen(out);
    while (n && out[n - 1] == '\n')
        out[--n] = '\0';
    for (char *p = out; *p; p++)
        if (*p == '\n')
            *p = ',';
    return out;
}

static void test_cookie_list(void **state)
{
    (void)state;
    struct who a, b;
    visitor_new(&a);
    visitor_new(&b);
    long long before = count("my_items");
    char body[256];
    snprintf(body, sizeof body, "csrf=%s&object=%lld", a.csrf, obj[1]);
    struct hres r = http("POST", "/my/items", body, a.cookie, NULL);
    assert_int_equal(r.status, 303);
    /* the cookie: 128 random bits, HttpOnly, SameSite=Lax, a year */
    const char *set = strstr(r.headers, "vcm_visitor=");
    assert_non_null(set);
    assert_contains(set, "HttpOnly");
    assert_contains(set, "SameSite=Lax");
    visitor_keep(&a, &r);
    assert_int_equal(strlen(a.visitor), 32);
    hfree(&r);
    assert_int_equal(count("my_items"), before + 1);
    /* only the hash is stored */
    char hash[VCM_TOKEN_HEX];
    vcm_token_digest(a.visitor, hash);
    char *n = sql1("SELECT count(*) FROM my_lists WHERE visitor = '%s'", hash);
    assert_string_equal(n, "1");
    free(n);
    n = sql1("SELECT count(*) FROM my_lists WHERE visitor = '%s'", a.visitor);
    assert_string_equal(n, "0");
    free(n);
    /* the one button goes to the first collection; a detail and a note */
    long long lid = save(&a, obj[0], NULL, "10,20,300,200", "the+carving");
    assert_int_equal(save(&a, obj[2], NULL, NULL, NULL), lid);
    char path[128];
    snprintf(path, sizeof path, "/my/lists/%lld", lid);
    r = http("GET", path, NULL, a.cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "the carving");
    assert_contains(r.body, "/iiif/my-jade/10,20,300,200/");
    hfree(&r);
    /* nobody else sees it: another visitor, no cookie */
    r = http("GET", path, NULL, b.cookie, NULL);
    assert_int_equal(r.status, 404);
    hfree(&r);
    r = http("GET", path, NULL, NULL, NULL);
    assert_int_equal(r.status, 404);
    hfree(&r);
    /* nor changes it */
    char *items = sql1("SELECT min(id) FROM my_items WHERE list_id = %lld", lid);
    long long first = atoll(items);
    free(items);
    snprintf(path, sizeof path, "/my/lists/%lld/items/%lld", lid, first);
    snprintf(body, sizeof body, "csrf=%s&op=remove", b.csrf);
    r = http("POST", path, body, b.cookie, NULL);
    assert_int_equal(r.status, 404);
    hfree(&r);
    /* reorder: the first down, then the last up; remove */
    snprintf(body, sizeof body, "csrf=%s&op=down", a.csrf);
    r = http("POST", path, body, a.cookie, NULL);
    assert_int_equal(r.status, 303);
    hfree(&r);
    char *after = order_of(lid);
    char want[128];
    snprintf(want, sizeof want, "%lld,%lld,%lld", obj[0], obj[1], obj[2]);
    assert_string_equal(after, want);
    free(after);
    snprintf(body, sizeof body, "csrf=%s&op=note&note=changed", a.csrf);
    r = http("POST", path, body, a.cookie, NULL);
    assert_int_equal(r.status, 303);
    hfree(&r);
    char *note = sql1("SELECT note FROM my_items WHERE id = %lld", first);
    assert_string_equal(note, "changed");
    free(note);
    snprintf(body, sizeof body, "csrf=%s&op=remove", a.csrf);
    r = http("POST", path, body, a.cookie, NULL);
    assert_int_equal(r.status, 303);
    hfree(&r);
    n = sql1("SELECT count(*) FROM my_items WHERE list_id = %lld", lid);
    assert_string_equal(n, "2");
    free(n);
    /* a cookie cannot share or publish */
    snprintf(path, sizeof path, "/my/lists/%lld/visibility", lid);
    snprintf(body, sizeof body, "csrf=%s&visibility=link", a.csrf);
    r = http("POST", path, body, a.cookie, NULL);
    assert_int_equal(r.status, 403);
    hfree(&r);
    /* a region outside the image is refused beside its field */
    snprintf(body, sizeof body, "csrf=%s&object=%lld&image=1&region=999999,0,10,10", a.csrf,
             obj[0]);
    r = http("POST", "/my/items", body, a.cookie, NULL);
    assert_int_equal(r.status, 400);
    assert_contains(r.body, "save-region-error");
    hfree(&r);
}

static void test_csrf_without_account(void **state)
{
    (void)state;
    struct who a;
    visitor_new(&a);
    long long before = count("my_items"), lists = count("my_lists");
    const char *bad[] = {"", "&csrf=", "&csrf=0000000000000000000000000000000000000000000000000000000000000000"};
    for (size_t i = 0; i < 3; i++) {
        char body[256];
        snprintf(body, sizeof body, "object=%lld%s", obj[1], bad[i]);
        struct hres r = http("POST", "/my/items", body, a.cookie, NULL);
        assert_int_equal(r.status, 403);
        assert_null(strstr(r.headers, "vcm_visitor="));
        hfree(&r);
    }
    /* the right token without its cookie: another site's form */
    char body[256];
    snprintf(body, sizeof body, "object=%lld&csrf=%s", obj[1], a.csrf);
    struct hres r = http("POST", "/my/items", body, NULL, NULL);
    assert_int_equal(r.status, 403);
    hfree(&r);
    assert_int_equal(count("my_items"), before);
    assert_int_equal(count("my_lists"), lists);
    /* the object page of a visitor without the cookie leads to /my/save,
     * which gives one; with it, the page's form posts at once */
    char path[64];
    snprintf(path, sizeof path, "/objects/%lld", obj[1]);
    /* the anonymous page fills the page cache of every server thread; a
     * request with the cookie must still get a page of its own */
    for (int i = 0; i < 24; i++) {
        r = http("GET", path, NULL, NULL, NULL);
        assert_int_equal(r.status, 200);
        assert_contains(r.body, "action=\"/my/save\"");
        assert_not_contains(r.body, "name=\"csrf\"");
        hfree(&r);
    }
    for (int i = 0; i < 8; i++) {
        r = http("GET", path, NULL, a.cookie, NULL);
        assert_int_equal(r.status, 200);
        assert_contains(r.body, "action=\"/my/items\"");
        assert_contains(r.body, a.csrf);
        hfree(&r);
    }
    snprintf(path, sizeof path, "/my/save?object=%lld", obj[1]);
    r = http("GET", path, NULL, NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.headers, "vcm_csrf=");
    hfree(&r);
}

/* Signs a new visitor account up through the form and its mailed link. */
static void signup(const char *email)
{
    struct who w;
    visitor_new(&w);
    char body[256];
    snprintf(body, sizeof body, "csrf=%s&email=%s&name=Visitor", w.csrf, email);
    struct hres r = http("POST", "/my/signup", body, w.cookie, NULL);
    assert_int_equal(r.status, 303);
    hfree(&r);
    accept_link(email);
}

static void test_signup_and_attach(void **state)
{
    (void)state;
    /* a bad address is refused beside its field */
    struct who w;
    visitor_new(&w);
    char body[256];
    snprintf(body, sizeof body, "csrf=%s&email=not-an-address&name=V", w.csrf);
    struct hres r = http("POST", "/my/signup", body, w.cookie, NULL);
    assert_int_equal(r.status, 400);
    assert_contains(r.body, "su-email-error");
    hfree(&r);
    /* before the link is followed there is no password: no sign-in */
    snprintf(body, sizeof body, "csrf=%s&email=early@example.org&name=V", w.csrf);
    r = http("POST", "/my/signup", body, w.cookie, NULL);
    assert_int_equal(r.status, 303);
    hfree(&r);
    snprintf(body, sizeof body, "csrf=%s&email=early@example.org&password=%s", w.csrf, VT_PW);
    r = http("POST", "/login", body, w.cookie, NULL);
    assert_int_equal(r.status, 400);
    hfree(&r);
    char *role = sql1("SELECT role FROM users WHERE email = 'early@example.org'");
    assert_string_equal(role, "visitor");
    free(role);
    /* a cookie's collection, then the sign-in: it becomes the account's */
    signup("attach@example.org");
    struct who v;
    visitor_new(&v);
    long long lid = save(&v, obj[1], NULL, NULL, NULL);
    char where[256] = "";
    login_as("attach@example.org", &v, where, sizeof where);
    assert_string_equal(where, "/my");
    char *uid = sql1("SELECT id FROM users WHERE email = 'attach@example.org'");
    char *owner = sql1("SELECT coalesce(user_id, 0) || ':' || coalesce(visitor, '') FROM my_lists "
                       "WHERE id = %lld", lid);
    char want[64];
    snprintf(want, sizeof want, "%s:", uid);
    assert_string_equal(owner, want);
    free(owner);
    free(uid);
    char path[64];
    snprintf(path, sizeof path, "/my/lists/%lld", lid);
    r = http("GET", path, NULL, v.cookie, NULL);
    assert_int_equal(r.status, 200);
    hfree(&r);
    /* a visitor account has none of the staff's rights */
    snprintf(body, sizeof body, "csrf=%s&name=t&scope=read", v.csrf);
    r = http("POST", "/account/tokens", body, v.cookie, NULL);
    assert_int_equal(r.status, 403);
    hfree(&r);
    r = http("GET", "/my/review", NULL, v.cookie, NULL);
    assert_int_equal(r.status, 403);
    hfree(&r);
    r = http("GET", "/dashboard", NULL, v.cookie, NULL);
    assert_int_equal(r.status, 403);
    hfree(&r);
}

static void test_visibility(void **state)
{
    (void)state;
    signup("share@example.org");
    add_user("editor-my@example.org", "editor");
    struct who v, ed, anon;
    visitor_new(&v);
    visitor_new(&ed);
    visitor_new(&anon);
    login_as("share@example.org", &v, NULL, 0);
    login_as("editor-my@example.org", &ed, NULL, 0);
    long long lid = save(&v, obj[0], "new", "0,0,100,100", "a+detail");
    char path[128], body[256], link[256];
    snprintf(path, sizeof path, "/my/lists/%lld/visibility", lid);
    snprintf(body, sizeof body, "csrf=%s&visibility=link", v.csrf);
    struct hres r = http("POST", path, body, v.cookie, NULL);
    assert_int_equal(r.status, 200);
    char tok[33];
    assert_true(hex_after(r.body, "/my/shared/", 32, tok));
    hfree(&r);
    snprintf(link, sizeof link, "/my/shared/%s", tok);
    char hash[VCM_TOKEN_HEX];
    vcm_token_digest(tok, hash);
    char *kept = sql1("SELECT share_hash FROM my_lists WHERE id = %lld", lid);
    assert_string_equal(kept, hash);
    free(kept);
    r = http("GET", link, NULL, NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "a detail");
    hfree(&r);
    char pub[128];
    snprintf(pub, sizeof pub, "/my/collections/%lld", lid);
    r = http("GET", pub, NULL, NULL, NULL);
    assert_int_equal(r.status, 404);
    hfree(&r);
    /* published: waits for an editor */
    snprintf(body, sizeof body, "csrf=%s&visibility=published", v.csrf);
    r = http("POST", path, body, v.cookie, NULL);
    assert_true(r.status == 303 || r.status == 200);
    hfree(&r);
    r = http("GET", pub, NULL, NULL, NULL);
    assert_int_equal(r.status, 404);
    hfree(&r);
    r = http("GET", "/my/review", NULL, ed.cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "a detail");
    hfree(&r);
    /* a visitor cannot approve; an editor can */
    char rev[64];
    snprintf(rev, sizeof rev, "/my/review/%lld", lid);
    snprintf(body, sizeof body, "csrf=%s&decision=approve", v.csrf);
    r = http("POST", rev, body, v.cookie, NULL);
    assert_int_equal(r.status, 403);
    hfree(&r);
    snprintf(body, sizeof body, "csrf=%s&decision=approve", ed.csrf);
    r = http("POST", rev, body, ed.cookie, NULL);
    assert_int_equal(r.status, 303);
    hfree(&r);
    r = http("GET", pub, NULL, NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "a detail");
    hfree(&r);
    /* private again: the link and the public page close */
    snprintf(body, sizeof body, "csrf=%s&visibility=private", v.csrf);
    r = http("POST", path, body, v.cookie, NULL);
    assert_int_equal(r.status, 303);
    hfree(&r);
    r = http("GET", link, NULL, NULL, NULL);
    assert_int_equal(r.status, 404);
    hfree(&r);
    r = http("GET", pub, NULL, NULL, NULL);
    assert_int_equal(r.status, 404);
    hfree(&r);
    /* nor may another account change it */
    snprintf(body, sizeof body, "csrf=%s&visibility=link", ed.csrf);
    r = http("POST", path, body, ed.cookie, NULL);
    assert_int_equal(r.status, 404);
    hfree(&r);
}

static void test_iiif_collection(void **state)
{
    (void)state;
    struct who a;
    visitor_new(&a);
    long long lid = save(&a, obj[0], "new", "pct:10,10,50,50", "carving");
    save(&a, obj[1], NULL, NULL, "another");
    save(&a, obj[0], NULL, NULL, NULL);
    char path[128];
    snprintf(path, sizeof path, "/my/lists/%lld/collection.json", lid);
    validate_iiif(path, a.cookie, dir);
    struct hres r = http("GET", path, NULL, a.cookie, NULL);
    assert_contains(r.body, "\"type\":\"Collection\"");
    assert_contains(r.body, "/my/detail/");
    assert_contains(r.body, "/iiif/manifest/");
    /* the detail's manifest, its canvas fragment as its start */
    const char *d = strstr(r.body, "/my/detail/");
    char detail[256];
    snprintf(detail, sizeof detail, "%.*s", (int)strcspn(d, "\""), d);
    hfree(&r);
    validate_iiif(detail, NULL, dir);
    r = http("GET", detail, NULL, NULL, NULL);
    assert_contains(r.body, "xywh=");
    assert_contains(r.body, "\"SpecificResource\"");
    hfree(&r);
    /* not the owner: 404 */
    r = http("GET", path, NULL, NULL, NULL);
    assert_int_equal(r.status, 404);
    hfree(&r);
    r = http("GET", "/my/detail/1/9/0,0,10,10", NULL, NULL, NULL);
    assert_true(r.status == 404);
    hfree(&r);
    /* a machine URL: the same answer for every client, so no language prefix */
    char ko[300];
    snprintf(ko, sizeof ko, "/ko%s", detail);
    r = http("GET", ko, NULL, NULL, NULL);
    assert_int_equal(r.status, 404);
    hfree(&r);
}

/* A page under a language prefix keeps it in every link and form it
 * shows, says a collection's size with the language's plural message, and
 * tags each record's title with its language. */
static void test_language_prefix(void **state)
{
    (void)state;
    struct who a;
    visitor_new(&a);
    long long lid = save(&a, obj[0], "new", NULL, NULL);
    save(&a, obj[1], NULL, NULL, NULL);
    char want[160];
    struct hres r = http("GET", "/my", NULL, a.cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "2 items");
    snprintf(want, sizeof want, "href=\"/my/lists/%lld\"", lid);
    assert_contains(r.body, want);
    hfree(&r);
    r = http("GET", "/ko/my", NULL, a.cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "<html lang=\"ko\"");
    snprintf(want, sizeof want, "href=\"/ko/my/lists/%lld\"", lid);
    assert_contains(r.body, want);
    assert_contains(r.body, "action=\"/ko/my/lists\"");
    assert_contains(r.body, "href=\"/ko/my/signup\"");
    assert_null(strstr(r.body, "2 items"));
    hfree(&r);
    char path[96];
    snprintf(path, sizeof path, "/ko/my/lists/%lld", lid);
    r = http("GET", path, NULL, a.cookie, NULL);
    assert_int_equal(r.status, 200);
    snprintf(want, sizeof want, "href=\"/ko/objects/%lld\" lang=\"", obj[0]);
    assert_contains(r.body, want);
    snprintf(want, sizeof want, "action=\"/ko/my/lists/%lld/items/", lid);
    assert_contains(r.body, want);
    assert_contains(r.body, "href=\"/ko/my\"");
    /* the IIIF collection is a machine URL: no prefix */
    snprintf(want, sizeof want, "href=\"/my/lists/%lld/collection.json\"", lid);
    assert_contains(r.body, want);
    hfree(&r);
    snprintf(path, sizeof path, "/ko/objects/%lld", obj[0]);
    r = http("GET", path, NULL, NULL, NULL);
    assert_int_equal(r.status, 200);
    snprintf(want, sizeof want, "href=\"/ko/my/save?object=%lld\"", obj[0]);
    assert_contains(r.body, want);
    assert_contains(r.body, "action=\"/ko/my/save\"");
    hfree(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cookie_list),
        cmocka_unit_test(test_csrf_without_account),
        cmocka_unit_test(test_signup_and_attach),
        cmocka_unit_test(test_visibility),
        cmocka_unit_test(test_iiif_collection),
        cmocka_unit_test(test_language_prefix),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
