/* The network over real HTTP, on a store loaded as `make run` loads it
 * (vcm network load: asem-partners.csv, data/network/facts.tsv,
 * museums.csv), on SQLite or PostgreSQL (vt_db_url):
 * - the demo network's pages show the facts of the seeds: the three
 *   members the seeds name (the Asian Civilisations Museum, which hosts
 *   the Secretariat; the National Museum of Korea; the Chester Beatty
 *   Library), each with its source quoted; the growth figures 82, 97 and
 *   106 from 38 countries as the network recorded them; the directory's
 *   demo entries marked as such; no member the seeds do not name;
 * - the growth page's SVG has its title, description and data table, and
 *   the CSV the same figures;
 * - the join form: errors beside their fields (422, nothing stored), a
 *   good application stored (303) and reviewed by the secretariat: accepted
 *   from a partner country; refused by the partner-country rule (409, the
 *   rule named, nothing written) from another, then accepted with an
 *   exception and its reason; declined only with a reason;
 * - people: the export holds what is kept about a person; erasure leaves
 *   "a former contact"; both the secretariat's only;
 * - filters that are not values (400), a museum that does not exist (404). */
#include "testutil.h"

#include <jansson.h>

#include "core/log.h"
#include "model/user.h"
#include "store/account.h"

static char *dir, db[1024];
static struct vt_server srv;
static const char *const PW = "Lantern-garden-7431";
static char sec_cookie[512], sec_csrf[128];

static void load(void)
{
    char *out = NULL;
    int rc = vt_sh(&out, "%s network load --db '%s' '%s/asem-partners.csv' "
                         "data/network/facts.tsv '%s/museums.csv' 2>&1",
                   vt_bin(), db, vt_data(), vt_data());
    if (rc != 0)
        fail_msg("vcm network load: %s", out);
    free(out);
}

/* The value of cookie name in a response's Set-Cookie headers. */
static void cookie_of(const struct vt_resp *r, const char *name, char *out, size_t size)
{
    out[0] = '\0';
    char want[64];
    snprintf(want, sizeof want, "%s=", name);
    for (const char *p = r->headers; (p = strcasestr(p, "Set-Cookie: ")); p++) {
        p += 12;
        if (strncmp(p, want, strlen(want)) == 0) {
            p += strlen(want);
            size_t n = strcspn(p, ";\r\n");
            snprintf(out, size, "%.*s", (int)n, p);
            return;
        }
    }
}

/* The first csrf field of a page. */
static void csrf_of(const char *body, char *out, size_t size)
{
    const char *p = strstr(body, "name=\"csrf\" value=\"");
    assert_non_null(p);
    p += 19;
    snprintf(out, size, "%.*s", (int)strcspn(p, "\""), p);
}

static struct vt_resp req(const char *method, const char *path, const char *body,
                          const char *cookie)
{
    char url[2048], hdr[600];
    snprintf(url, sizeof url, "%s%s", srv.base, path);
    snprintf(hdr, sizeof hdr, "Cookie: %s", cookie ? cookie : "");
    return vt_http(method, url, body, cookie ? hdr : NULL);
}

static int setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    vt_db_url(db, sizeof db, dir, "network");
    char err[600];
    vcm_store *s = vcm_store_open(db, err, sizeof err);
    if (!s)
        fail_msg("open: %s", err);
    vcm_store_close(s);
    load();
    load(); /* twice: loading again changes nothing */
    /* a secretariat account with a password */
    s = vcm_store_open(db, err, sizeof err);
    char hash[VCM_PASSWORD_HASH_SIZE];
    assert_int_equal(vcm_password_hash(PW, hash), 0);
    vcm_user u = {.email = "sec@example.org", .name = "Secretariat",
                  .role = VCM_ROLE_SECRETARIAT, .password_hash = hash};
    assert_int_equal(vcm_user_add(s, &u), 0);
    vcm_store_close(s);
    vt_server_start(&srv, db);
    /* sign in: the anonymous form's token, then the session's */
    struct vt_resp r = req("GET", "/login", NULL, NULL);
    char anon[128], body[512], cookie[256];
    cookie_of(&r, "vcm_csrf", anon, sizeof anon);
    vt_resp_free(&r);
    snprintf(body, sizeof body, "csrf=%s&email=sec%%40example.org&password=%s", anon, PW);
    snprintf(cookie, sizeof cookie, "vcm_csrf=%s", anon);
    r = req("POST", "/login", body, cookie);
    assert_int_equal(r.status, 303);
    char sess[128];
    cookie_of(&r, "vcm_session", sess, sizeof sess);
    assert_true(sess[0]);
    vt_resp_free(&r);
    snprintf(sec_cookie, sizeof sec_cookie, "vcm_session=%s", sess);
    r = req("GET", "/network/applications", NULL, sec_cookie);
    assert_int_equal(r.status, 200);
    vt_resp_free(&r);
    r = req("GET", "/network/people", NULL, sec_cookie);
    assert_int_equal(r.status, 200);
    csrf_of(r.body, sec_csrf, sizeof sec_csrf);
    vt_resp_free(&r);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    assert_int_equal(vt_server_stop(&srv), 0);
    vt_rmrf(dir);
    free(dir);
    return 0;
}

static int64_t museum_id(const char *name)
{
    char *out = NULL, sql[256];
    snprintf(sql, sizeof sql, "SELECT museum_id FROM museum_names WHERE name = '%s'", name);
    assert_int_equal(vt_db_sql(&out, db, sql), 0);
    int64_t id = strtoll(out, NULL, 10);
    free(out);
    return id;
}

static void test_demo_members(void **state)
{
    (void)state;
    struct vt_resp r = req("GET", "/network/members", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "Asian Civilisations Museum");
    assert_contains(r.body, "National Museum of Korea");
    assert_contains(r.body, "Chester Beatty Library");
    assert_contains(r.body, "<p>3 member museums");
    /* named by the seeds or museums.csv, but no membership is stated */
    assert_not_contains(r.body, "Weltmuseum Wien");
    assert_not_contains(r.body, "Rijksmuseum");
    vt_resp_free(&r);
    /* by region: Europe holds Dublin only */
    r = req("GET", "/network/members?region=europe", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "Chester Beatty Library");
    assert_not_contains(r.body, "National Museum of Korea");
    vt_resp_free(&r);
    r = req("GET", "/network/members?region=mars", NULL, NULL);
    assert_int_equal(r.status, 400);
    vt_resp_free(&r);
    /* the Secretariat's museum, with its source */
    char path[64];
    snprintf(path, sizeof path, "/network/members/%lld",
             (long long)museum_id("Asian Civilisations Museum"));
    r = req("GET", path, NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "The ASEMUS Secretariat is located at the Asian Civilisations Museum "
                            "in Singapore.");
    assert_contains(r.body, "hosts the ASEMUS Secretariat");
    vt_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/network/members/%lld",
             (long long)museum_id("National Museum of Korea"));
    r = req("GET", path, NULL, NULL);
    assert_int_equal(r.status, 200);
    json_t *j = json_loads(r.body, 0, NULL);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "current"),
                                                          "status")), "member");
    assert_contains(json_string_value(json_object_get(json_object_get(j, "current"), "source")),
                    "from October 2011 to September 2014");
    json_decref(j);
    vt_resp_free(&r);
    /* a museum of the collection that is no member: its page says so */
    snprintf(path, sizeof path, "/network/members/%lld", (long long)museum_id("Rijksmuseum"));
    r = req("GET", path, NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "not a member");
    vt_resp_free(&r);
    r = req("GET", "/network/members/999999", NULL, NULL);
    assert_int_equal(r.status, 404);
    vt_resp_free(&r);
    /* partners: 51 countries and two institutions */
    r = req("GET", "/api/v1/network/partners", NULL, NULL);
    j = json_loads(r.body, 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 53);
    json_decref(j);
    vt_resp_free(&r);
}

static void test_demo_growth(void **state)
{
    (void)state;
    struct vt_resp r = req("GET", "/network/growth", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "<svg role=\"img\" aria-labelledby=\"gr-title gr-desc\"");
    assert_contains(r.body, "<title id=\"gr-title\">");
    assert_contains(r.body, "<desc id=\"gr-desc\">");
    assert_contains(r.body, "<th scope=\"row\">start of 2012</th><td>82</td>");
    assert_contains(r.body, "<th scope=\"row\">2012</th><td>97</td>");
    assert_contains(r.body, "<th scope=\"row\">2013</th><td>106</td><td>38</td>");
    assert_contains(r.body, "In 2013 membership had further increased to 106 museums from 38 "
                            "countries.");
    /* the three members' dates of joining are not known */
    assert_contains(r.body, "Members whose date of joining is not known: 3");
    vt_resp_free(&r);
    r = req("GET", "/network/growth.csv", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(vt_header(&r, "Content-Type"), "text/csv");
    assert_contains(r.body, "kind,year,at,group,country,members,countries,source\r\n");
    assert_contains(r.body, "recorded,2012,start,,,82,,");
    assert_contains(r.body, "recorded,2012,end,,,97,,");
    assert_contains(r.body, "recorded,2013,end,,,106,38,");
    vt_resp_free(&r);
    r = req("GET", "/network", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "href=\"/network/governance\"");
    assert_contains(r.body, "href=\"/network/meetings\"");
    assert_contains(r.body, "href=\"/network/news\"");
    assert_contains(r.body, "href=\"/network/collections\"");
    assert_contains(r.body, "<strong>51 partner countries</strong>");
    vt_resp_free(&r);
}

static void test_directory(void **state)
{
    (void)state;
    struct vt_resp r = req("GET", "/network/collections", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "Demo: a collection entry <strong>(demo entry)</strong>");
    assert_contains(r.body, "<p>2 collections");
    vt_resp_free(&r);
    /* the search's tokenizer: case and plurals folded, every word needed */
    r = req("GET", "/network/collections?q=KOREA+entries", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "<p>1 collection in the directory</p>");
    assert_contains(r.body, "National Museum of Korea");
    vt_resp_free(&r);
    r = req("GET", "/api/v1/network/collections?q=singapore", NULL, NULL);
    json_t *j = json_loads(r.body, 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 1);
    assert_true(json_is_true(json_object_get(json_array_get(json_object_get(j, "collections"), 0),
                                             "demo")));
    json_decref(j);
    vt_resp_free(&r);
}

/* Posts the join form as an anonymous visitor; returns the response. */
static struct vt_resp join(const char *fields)
{
    struct vt_resp r = req("GET", "/network/join", NULL, NULL);
    assert_int_equal(r.status, 200);
    char anon[128], body[2048], cookie[256];
    cookie_of(&r, "vcm_csrf", anon, sizeof anon);
    vt_resp_free(&r);
    snprintf(body, sizeof body, "csrf=%s&%s", anon, fields);
    snprintf(cookie, sizeof cookie, "vcm_csrf=%s", anon);
    return req("POST", "/network/join", body, cookie);
}

static int64_t count(const char *sql)
{
    char *out = NULL;
    assert_int_equal(vt_db_sql(&out, db, sql), 0);
    int64_t n = strtoll(out, NULL, 10);
    free(out);
    return n;
}

static int64_t last_application(void)
{
    return count("SELECT max(id) FROM applications");
}

static struct vt_resp sec_post(const char *path, const char *fields)
{
    char body[1024];
    snprintf(body, sizeof body, "csrf=%s%s%s", sec_csrf, *fields ? "&" : "", fields);
    return req("POST", path, body, sec_cookie);
}

static void test_join_and_review(void **state)
{
    (void)state;
    /* errors beside their fields, nothing stored */
    int64_t before = count("SELECT count(*) FROM applications");
    struct vt_resp r = join("institution=&country=KR&contact_email=nope&collections=x");
    assert_int_equal(r.status, 422);
    assert_contains(r.body, "<label for=\"j-inst\">Name of the museum <span class=\"field-error\">");
    assert_contains(r.body, "<label for=\"j-def\">The museum fits the ICOM museum definition. "
                            "<span class=\"field-error\">");
    assert_contains(r.body, "<option value=\"KR\" selected>");
    vt_resp_free(&r);
    assert_int_equal(count("SELECT count(*) FROM applications"), before);

    /* a good application from a partner country, accepted */
    r = join("institution=Museum+of+Asian+Art+Test&country=DE&city=Berlin&contact_name=Ana+Test"
             "&contact_email=ana%40example.org&collections=Japanese+prints&ack_definition=yes"
             "&ack_ethics=yes&consent=yes");
    assert_int_equal(r.status, 303);
    assert_contains(vt_header(&r, "Location"), "/network/join?done=1");
    vt_resp_free(&r);
    int64_t app = last_application();
    char path[128];
    snprintf(path, sizeof path, "/network/applications/%lld/accept", (long long)app);
    r = sec_post(path, "");
    assert_int_equal(r.status, 303);
    vt_resp_free(&r);
    int64_t mid = museum_id("Museum of Asian Art Test");
    assert_true(mid > 0);
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM member_status WHERE museum_id = %lld AND "
                              "status IN ('applicant', 'member')", (long long)mid);
    assert_int_equal(count(sql), 2);
    r = req("GET", "/network/members?country=DE", NULL, NULL);
    assert_contains(r.body, "Museum of Asian Art Test");
    vt_resp_free(&r);
    /* it joined today: a bar of this platform's count on the growth chart,
     * and a row of the year with one member in Europe */
    r = req("GET", "/network/growth", NULL, NULL);
    assert_contains(r.body, "class=\"bar-platform\"");
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    char row[128];
    snprintf(row, sizeof row, "<th scope=\"row\">%d</th><td>0</td><td>1</td><td>0</td><td>1</td>",
             tm.tm_year + 1900);
    assert_contains(r.body, row);
    snprintf(row, sizeof row, "<th scope=\"row\">%d</th><td>Germany</td><td>1</td>",
             tm.tm_year + 1900);
    assert_contains(r.body, row);
    vt_resp_free(&r);
    /* the audit names the action */
    assert_int_equal(count("SELECT count(*) FROM audit WHERE event = 'network.accept'"), 1);

    /* Hong Kong counts as China */
    r = join("institution=Freer+Test&country=HK&contact_name=Bo&contact_email=bo%40example.org"
             "&collections=Chinese+bronzes&ack_definition=yes&ack_ethics=yes&consent=yes");
    assert_int_equal(r.status, 303);
    vt_resp_free(&r);
    app = last_application();
    snprintf(path, sizeof path, "/network/applications/%lld/accept", (long long)app);
    r = sec_post(path, "");
    assert_int_equal(r.status, 303);
    vt_resp_free(&r);
    /* not a partner country: the application is kept (an exception may
     * follow), its acceptance refused by the rule, nothing written */
    r = join("institution=Smithsonian+Test&country=US&contact_name=Cy&contact_email=cy%40example.org"
             "&collections=Asian+art&ack_definition=yes&ack_ethics=yes&consent=yes");
    assert_int_equal(r.status, 303);
    vt_resp_free(&r);
    app = last_application();
    int64_t statuses = count("SELECT count(*) FROM member_status");
    snprintf(path, sizeof path, "/network/applications/%lld/accept", (long long)app);
    r = sec_post(path, "");
    assert_int_equal(r.status, 409);
    assert_contains(r.body, "(rule: partner-country)");
    vt_resp_free(&r);
    assert_int_equal(count("SELECT count(*) FROM member_status"), statuses);
    assert_int_equal(museum_id("Smithsonian Test"), 0);
    r = sec_post(path, "exception_reason=a+founding+contributor+of+the+VCM");
    assert_int_equal(r.status, 303);
    vt_resp_free(&r);
    mid = museum_id("Smithsonian Test");
    snprintf(sql, sizeof sql, "SELECT count(*) FROM partner_exceptions WHERE museum_id = %lld AND "
                              "reason = 'a founding contributor of the VCM'", (long long)mid);
    assert_int_equal(count(sql), 1);
    /* a country code that is none */
    r = join("institution=Nowhere&country=ZZ&contact_name=Cy&contact_email=cy%40example.org"
             "&collections=Asian+art&ack_definition=yes&ack_ethics=yes&consent=yes");
    assert_int_equal(r.status, 422);
    vt_resp_free(&r);

    /* declining needs a reason */
    r = join("institution=Another+Test&country=FR&contact_name=Di&contact_email=di%40example.org"
             "&collections=Khmer+sculpture&ack_definition=yes&ack_ethics=yes&consent=yes");
    assert_int_equal(r.status, 303);
    vt_resp_free(&r);
    app = last_application();
    snprintf(path, sizeof path, "/network/applications/%lld/decline", (long long)app);
    r = sec_post(path, "reason=");
    assert_int_equal(r.status, 409);
    assert_contains(r.body, "(rule: reason-required)");
    vt_resp_free(&r);
    r = sec_post(path, "reason=not+a+museum");
    assert_int_equal(r.status, 303);
    vt_resp_free(&r);
    r = sec_post(path, "reason=again");
    assert_int_equal(r.status, 409);
    vt_resp_free(&r);
}

static void test_people(void **state)
{
    (void)state;
    struct vt_resp r = sec_post("/network/people",
                                "name=Pat+Example&email=pat%40example.org&position=Curator"
                                "&consent_for=listed+as+a+contact");
    assert_int_equal(r.status, 303);
    vt_resp_free(&r);
    int64_t id = count("SELECT max(id) FROM people");
    char path[128];
    snprintf(path, sizeof path, "/network/people/%lld/export", (long long)id);
    /* not for visitors */
    r = req("GET", path, NULL, NULL);
    assert_int_equal(r.status, 303); /* to /login */
    vt_resp_free(&r);
    r = req("GET", path, NULL, sec_cookie);
    assert_int_equal(r.status, 200);
    json_t *j = json_loads(r.body, 0, NULL);
    assert_non_null(j);
    json_t *person = json_object_get(j, "person");
    assert_string_equal(json_string_value(json_object_get(person, "email")), "pat@example.org");
    assert_string_equal(json_string_value(json_object_get(person, "consent_for")),
                        "listed as a contact");
    assert_int_equal(json_array_size(json_object_get(j, "history")), 1);
    json_decref(j);
    vt_resp_free(&r);
    snprintf(path, sizeof path, "/network/people/%lld/erase", (long long)id);
    r = sec_post(path, "");
    assert_int_equal(r.status, 303);
    vt_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/network/people/%lld", (long long)id);
    r = req("GET", path, NULL, sec_cookie);
    assert_int_equal(r.status, 200);
    assert_not_contains(r.body, "pat@example.org");
    assert_not_contains(r.body, "Pat Example");
    assert_contains(r.body, "a former contact");
    assert_contains(r.body, "\"action\":\"erase\"");
    vt_resp_free(&r);
    r = req("GET", "/api/v1/network/people", NULL, NULL);
    assert_int_equal(r.status, 401);
    vt_resp_free(&r);
}

int main(void)
{
    vcm_log_set_level(VCM_LOG_OFF);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_demo_members),
        cmocka_unit_test(test_demo_growth),
        cmocka_unit_test(test_directory),
        cmocka_unit_test(test_join_and_review),
        cmocka_unit_test(test_people),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
