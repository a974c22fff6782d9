/* Governance, meetings and news over real HTTP, on the demo network's
 * facts (data/network/facts.tsv, governance.tsv, loaded by the commands
 * `make run` uses), on SQLite or PostgreSQL (the second pass):
 * - the pages show what the seeds state: the Chair and Vice-Chair with
 *   what is known of their terms (unknown bounds say so), the Secretariat
 *   at the Asian Civilisations Museum, ASEF's permanent seat, the 5th and
 *   6th General Conferences and the Executive Committee meeting of 2014;
 * - appointments through the API: each refused with its rule named and
 *   nothing written, the same accepted when it keeps the rules, the
 *   secretariat's override stored with its reason and shown in the
 *   office's history, refused to a museum admin; the audit log;
 * - an election: a member museum votes once through its admin, the count
 *   shown when it closes;
 * - the iCalendar feed of meetings to come and the Atom feed of news. */
#include "testutil.h"

#include <jansson.h>

#include "core/token.h"
#include "model/user.h"
#include "store/account.h"
#include "store/governance.h"
#include "store/network.h"

static const char *const PW = "Lacquer-screen-2718";
static char *dir, db[1024];
static struct vt_server srv;
static char sec_auth[200], madmin_auth[200];
static int64_t nmk, wien; /* museums */
static int64_t lee, hofer; /* people */

static int64_t museum_id(vcm_store *s, vcm_arena *a, const char *name)
{
    vcm_museum *ms;
    size_t n;
    assert_int_equal(s->ops->museum_list(s, a, "", &ms, &n), 0);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < ms[i].names.n; k++)
            if (!strcmp(ms[i].names.v[k].text, name))
                return ms[i].id;
    fail_msg("no museum %s", name);
    return 0;
}

/* A user with a write token; out: the Authorization header. */
static int64_t token_user(vcm_store *s, const char *email, vcm_role role, int64_t museum,
                          char *out, size_t size)
{
    vcm_user u = {.email = email, .name = email, .role = role, .museum_id = museum};
    assert_int_equal(vcm_user_add(s, &u), 0);
    char tok[VCM_TOKEN_HEX], hash[VCM_TOKEN_HEX];
    assert_int_equal(vcm_token_new(tok), 0);
    vcm_token_digest(tok, hash);
    int64_t id;
    assert_int_equal(vcm_token_add(s, u.id, "test", hash, "write", &id), 0);
    snprintf(out, size, "Authorization: Bearer %s", tok);
    return u.id;
}

static int group_setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    vt_db_url(db, sizeof db, dir, "governance");
    char *out = NULL;
    if (vt_sh(&out, "%s network load --quiet --db '%s' '%s/asem-partners.csv' "
                    "data/network/facts.tsv '%s/museums.csv'",
              vt_bin(), db, vt_data(), vt_data()) != 0)
        fail_msg("network load: %s", out);
    free(out);
    if (vt_sh(&out, "%s governance load --db '%s' data/network/governance.tsv", vt_bin(), db) != 0)
        fail_msg("governance load: %s", out);
    free(out);
    /* loading again adds nothing */
    if (vt_sh(&out, "%s governance load --db '%s' data/network/governance.tsv", vt_bin(), db) != 0)
        fail_msg("governance load again: %s", out);
    assert_contains(out, "0 added");
    free(out);
    char err[512];
    vcm_store *s = vcm_store_open(db, err, sizeof err);
    if (!s)
        fail_msg("open: %s", err);
    vcm_arena a;
    vcm_arena_init(&a, 0);
    nmk = museum_id(s, &a, "National Museum of Korea");
    wien = museum_id(s, &a, "Weltmuseum Wien");
    vcm_person p1 = {.name = "Lee Test", .museum_id = nmk};
    vcm_person p2 = {.name = "Hofer Test", .museum_id = wien};
    assert_int_equal(vcm_person_add(s, &p1, "test"), 0);
    assert_int_equal(vcm_person_add(s, &p2, "test"), 0);
    lee = p1.id, hofer = p2.id;
    int64_t sec = token_user(s, "sec@example.org", VCM_ROLE_SECRETARIAT, 0, sec_auth,
                             sizeof sec_auth);
    char hash[VCM_PASSWORD_HASH_SIZE];
    assert_int_equal(vcm_password_hash(PW, hash), 0);
    assert_int_equal(vcm_user_set_password(s, sec, hash), 0);
    token_user(s, "admin@example.org", VCM_ROLE_MUSEUM_ADMIN, nmk, madmin_auth,
               sizeof madmin_auth);
    vcm_arena_release(&a);
    vcm_store_close(s);
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

static struct vt_resp req(const char *method, const char *path, const char *body,
                          const char *auth)
{
    char url[1200];
    snprintf(url, sizeof url, "%s%s", srv.base, path);
    return vt_http(method, url, body, auth);
}

static json_t *get_json(const char *path)
{
    struct vt_resp r = req("GET", path, NULL, NULL);
    if (r.status != 200)
        fail_msg("GET %s: %ld %s", path, r.status, r.body);
    json_error_t e;
    json_t *j = json_loads(r.body, 0, &e);
    vt_resp_free(&r);
    assert_non_null(j);
    return j;
}

/* The id of the office of this name (the governance API). */
static int64_t office(const char *name)
{
    json_t *g = get_json("/api/v1/network/governance");
    size_t i;
    json_t *o;
    int64_t id = 0;
    json_array_foreach(json_object_get(g, "offices"), i, o)
        if (!strcmp(json_string_value(json_object_get(o, "name")), name))
            id = json_integer_value(json_object_get(o, "id"));
    json_decref(g);
    assert_true(id > 0);
    return id;
}

static size_t terms_of(int64_t id)
{
    char path[100];
    snprintf(path, sizeof path, "/api/v1/network/governance/offices/%lld", (long long)id);
    json_t *d = get_json(path);
    size_t n = json_array_size(json_object_get(json_object_get(d, "office"), "terms"));
    json_decref(d);
    return n;
}

static char *page(const char *path)
{
    struct vt_resp r = req("GET", path, NULL, NULL);
    if (r.status != 200)
        fail_msg("GET %s: %ld", path, r.status);
    char *b = r.body;
    r.body = NULL;
    vt_resp_free(&r);
    return b;
}

/* The demo network's pages show the facts of the seeds. */
static void test_demo_pages(void **state)
{
    (void)state;
    char *g = page("/network/governance");
    assert_contains(g, "ASEMUS Executive Committee");
    assert_contains(g, "Kim Youngna");
    assert_contains(g, "Group: Asia · From: 2011-10 · To: 2014-09");
    assert_contains(g, "Fionnuala Crook");
    /* the Vice-Chair's term: neither bound is stated */
    assert_contains(g, "Group: Europe · From: not known · To: not known");
    assert_contains(g, "Asian Civilisations Museum");
    assert_contains(g, "ASEF");
    assert_contains(g, "seeds/002_bd87c98974c39943.txt");
    assert_contains(g, "term_length years=3 offices=chair,vice_chair,secretariat_host");
    assert_contains(g, "permanent_seat holder=ASEF");
    /* these are facts: none is marked a demo entry */
    assert_not_contains(g, "Demonstration entry");
    free(g);
    char path[100];
    snprintf(path, sizeof path, "/network/governance/offices/%lld", (long long)office("Chair"));
    char *o = page(path);
    assert_contains(o, "Kim Youngna");
    assert_contains(o, "Who held this office, and when");
    free(o);

    json_t *m = get_json("/api/v1/network/meetings");
    json_t *list = json_object_get(m, "meetings");
    assert_int_equal(json_array_size(list), 3);
    size_t i;
    json_t *x;
    int found = 0;
    json_array_foreach(list, i, x)
    {
        json_int_t num = json_integer_value(json_object_get(x, "number"));
        const char *city = json_string_value(json_object_get(x, "city"));
        char mp[64];
        snprintf(mp, sizeof mp, "/network/meetings/%lld",
                 (long long)json_integer_value(json_object_get(x, "id")));
        char *body = page(mp);
        if (num == 5) {
            assert_string_equal(city, "Seoul");
            assert_contains(body, "New and Sustainable Museum Education");
            assert_contains(body, "National Museum of Korea");
            assert_contains(body, "2012");
            found++;
        } else if (num == 6) {
            assert_string_equal(city, "Vienna");
            assert_contains(body, "Weltmuseum Wien");
            assert_contains(body, "2014");
            found++;
        } else {
            assert_string_equal(json_string_value(json_object_get(x, "kind")),
                                "executive_committee");
            assert_contains(body, "Executive Committee meeting");
            assert_contains(body, "Vienna");
            /* who attended is not recorded: no quorum is claimed either way */
            assert_not_contains(body, "Quorum");
            found++;
        }
        assert_not_contains(body, "Demonstration entry");
        free(body);
    }
    assert_int_equal(found, 3);
    json_decref(m);
    char *ms = page("/network/meetings");
    assert_contains(ms, "5th ASEMUS General Conference (ASEMUS 2012 Seoul)");
    assert_contains(ms, "6th ASEMUS General Conference");
    free(ms);
    /* the one demo entry says so */
    char *n = page("/network/news");
    assert_contains(n, "Demonstration entry: not stated by the network");
    free(n);
}

/* Posts an appointment; returns the status, the body in *body. */
static long appoint(int64_t office_id, const char *form, const char *auth, char **body)
{
    char path[120];
    snprintf(path, sizeof path, "/api/v1/network/governance/offices/%lld/terms",
             (long long)office_id);
    struct vt_resp r = req("POST", path, form, auth);
    long st = r.status;
    if (body) {
        *body = r.body;
        r.body = NULL;
    }
    vt_resp_free(&r);
    return st;
}

static void test_appointments(void **state)
{
    (void)state;
    int64_t chair = office("Chair"), vice = office("Vice-Chair");
    char form[300], *body;
    size_t before = terms_of(chair);
    /* after Kim Youngna (Asia), the chair goes to Europe: Lee is refused */
    snprintf(form, sizeof form, "person=%lld&start=2014-10&end=2017-09", (long long)lee);
    assert_int_equal(appoint(chair, form, sec_auth, &body), 409);
    json_error_t e;
    json_t *j = json_loads(body, 0, &e);
    free(body);
    json_t *b0 = json_array_get(json_object_get(j, "broken"), 0);
    assert_string_equal(json_string_value(json_object_get(b0, "kind")), "alternation");
    assert_string_equal(json_string_value(json_object_get(b0, "params")), "office=chair");
    assert_string_equal(json_string_value(json_object_get(b0, "why")), "gov.breach.not_alternating");
    assert_int_equal(json_array_size(json_object_get(j, "broken")), 1);
    json_decref(j);
    assert_int_equal(terms_of(chair), before);
    /* four years: term_length */
    snprintf(form, sizeof form, "person=%lld&start=2014-10&end=2018-09", (long long)hofer);
    assert_int_equal(appoint(chair, form, sec_auth, &body), 409);
    assert_contains(body, "\"kind\":\"term_length\"");
    free(body);
    /* Hofer, of Vienna, for three years: accepted */
    snprintf(form, sizeof form, "person=%lld&start=2014-10&end=2017-09", (long long)hofer);
    assert_int_equal(appoint(chair, form, sec_auth, &body), 201);
    assert_contains(body, "\"group\":\"europe\"");
    free(body);
    assert_int_equal(terms_of(chair), before + 1);
    /* Hofer as Vice-Chair meanwhile: two offices, and the same group */
    size_t vbefore = terms_of(vice);
    snprintf(form, sizeof form, "person=%lld&start=2015&end=2018", (long long)hofer);
    assert_int_equal(appoint(vice, form, sec_auth, &body), 409);
    assert_contains(body, "\"kind\":\"one_office_per_person\"");
    assert_contains(body, "\"kind\":\"different_groups\"");
    free(body);
    /* a museum admin may not appoint, nor override */
    assert_int_equal(appoint(vice, form, madmin_auth, NULL), 403);
    /* the secretariat overrides, with its reason */
    snprintf(form, sizeof form,
             "person=%lld&start=2015&end=2018&override=No+other+candidate+stood+in+2015",
             (long long)hofer);
    assert_int_equal(appoint(vice, form, sec_auth, &body), 201);
    assert_contains(body, "\"override\":\"No other candidate stood in 2015\"");
    free(body);
    assert_int_equal(terms_of(vice), vbefore + 1);
    char path[100];
    snprintf(path, sizeof path, "/network/governance/offices/%lld", (long long)vice);
    char *o = page(path);
    assert_contains(o, "Appointed by the secretariat against the rules");
    assert_contains(o, "No other candidate stood in 2015");
    assert_contains(o, "different_groups,one_office_per_person");
    free(o);
    /* malformed input: 400, nothing written */
    assert_int_equal(appoint(vice, "person=1&org=X&start=2015&end=2018", sec_auth, NULL), 400);
    assert_int_equal(appoint(vice, "org=X&start=2015-13", sec_auth, NULL), 400);
    assert_int_equal(appoint(999999, "org=X&start=2015", sec_auth, NULL), 404);
    assert_int_equal(terms_of(vice), vbefore + 1);
    /* the audit log holds the appointment and the override */
    char err[512];
    vcm_store *s = vcm_store_open(db, err, sizeof err);
    assert_non_null(s);
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_audit *lines;
    size_t n;
    assert_int_equal(vcm_audit_list(s, &a, 0, 1000, &lines, &n), 0);
    int appoints = 0, overrides = 0;
    for (size_t i = 0; i < n; i++) {
        appoints += !strcmp(lines[i].event, "governance.appoint");
        if (!strcmp(lines[i].event, "governance.override")) {
            overrides++;
            assert_contains(lines[i].detail, "No other candidate stood in 2015");
        }
    }
    assert_int_equal(appoints, 1);
    assert_int_equal(overrides, 1);
    vcm_arena_release(&a);
    vcm_store_close(s);
}

/* The 64 hex digits after marker in s. */
static void hex_after(const char *s, const char *marker, char out[VCM_TOKEN_HEX])
{
    const char *p = s ? strstr(s, marker) : NULL;
    if (!p)
        fail_msg("no %s in %s", marker, s ? s : "(null)");
    p += strlen(marker);
    assert_true(strspn(p, "0123456789abcdef") >= 64);
    memcpy(out, p, 64);
    out[64] = 0;
}

/* The appointment form, signed in as the secretariat: a refusal comes back
 * as the form, what was typed kept, each rule broken named above it; with
 * a reason the same appointment is made. */
static void test_appoint_form(void **state)
{
    (void)state;
    char acsrf[VCM_TOKEN_HEX], tok[VCM_TOKEN_HEX], csrf[VCM_TOKEN_HEX], body[600], hdr[200];
    struct vt_resp r = req("GET", "/login", NULL, NULL);
    hex_after(r.headers, "vcm_csrf=", acsrf);
    vt_resp_free(&r);
    snprintf(body, sizeof body, "csrf=%s&email=sec%%40example.org&password=%s", acsrf, PW);
    snprintf(hdr, sizeof hdr, "Cookie: vcm_csrf=%s", acsrf);
    r = req("POST", "/login", body, hdr);
    assert_int_equal(r.status, 303);
    hex_after(r.headers, "vcm_session=", tok);
    vt_resp_free(&r);
    snprintf(hdr, sizeof hdr, "Cookie: vcm_session=%s", tok);
    int64_t sec_office = office("Secretary");
    char path[120];
    snprintf(path, sizeof path, "/network/governance/offices/%lld/appoint", (long long)sec_office);
    r = req("GET", path, NULL, hdr);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "Reason for appointing against the rules");
    hex_after(r.body, "name=\"csrf\" value=\"", csrf);
    vt_resp_free(&r);
    /* Hofer chairs 2014-2017 (test_appointments): Secretary meanwhile is refused */
    size_t before = terms_of(sec_office);
    snprintf(body, sizeof body, "csrf=%s&person=%lld&start=2016&end=2019&note=Kept+note", csrf,
             (long long)hofer);
    r = req("POST", path, body, hdr);
    assert_int_equal(r.status, 409);
    assert_contains(r.body, "The proposed appointment breaks these rules:");
    assert_contains(r.body, "This person holds another office at that time.");
    assert_contains(r.body, "<code>one_office_per_person</code>");
    assert_contains(r.body, "value=\"Kept note\"");
    vt_resp_free(&r);
    assert_int_equal(terms_of(sec_office), before);
    /* a start that is no date: beside its field */
    snprintf(body, sizeof body, "csrf=%s&org=Some+Org&start=2016-13", csrf);
    r = req("POST", path, body, hdr);
    assert_int_equal(r.status, 400);
    assert_contains(r.body, "<span class=\"field-error\">Give the start as a year, year-month or date.</span>");
    vt_resp_free(&r);
    /* without the CSRF token: refused */
    snprintf(body, sizeof body, "person=%lld&start=2016&end=2019", (long long)hofer);
    r = req("POST", path, body, hdr);
    assert_int_equal(r.status, 403);
    vt_resp_free(&r);
    snprintf(body, sizeof body,
             "csrf=%s&person=%lld&start=2016&end=2019&override=Interim+until+the+2017+election",
             csrf, (long long)hofer);
    r = req("POST", path, body, hdr);
    assert_int_equal(r.status, 303);
    vt_resp_free(&r);
    assert_int_equal(terms_of(sec_office), before + 1);
}

static void test_election(void **state)
{
    (void)state;
    char form[200], *body;
    snprintf(form, sizeof form, "office=%lld&title=Vice-Chair+2018&held=2018-10-01",
             (long long)office("Vice-Chair"));
    struct vt_resp r = req("POST", "/api/v1/network/governance/elections", form, sec_auth);
    assert_int_equal(r.status, 201);
    json_error_t e;
    json_t *j = json_loads(r.body, 0, &e);
    int64_t id = json_integer_value(json_object_get(j, "id"));
    json_decref(j);
    vt_resp_free(&r);
    char path[120];
    snprintf(path, sizeof path, "/api/v1/network/governance/elections/%lld/candidates",
             (long long)id);
    snprintf(form, sizeof form, "person=%lld", (long long)lee);
    r = req("POST", path, form, sec_auth);
    assert_int_equal(r.status, 201);
    j = json_loads(r.body, 0, &e);
    int64_t cand = json_integer_value(json_object_get(j, "id"));
    json_decref(j);
    vt_resp_free(&r);
    /* the National Museum of Korea is a member: its admin votes, once */
    snprintf(path, sizeof path, "/api/v1/network/governance/elections/%lld/votes", (long long)id);
    snprintf(form, sizeof form, "candidate=%lld&museum=%lld", (long long)cand, (long long)nmk);
    r = req("POST", path, form, madmin_auth);
    assert_int_equal(r.status, 201);
    vt_resp_free(&r);
    r = req("POST", path, form, madmin_auth);
    assert_int_equal(r.status, 409);
    vt_resp_free(&r);
    /* not for another museum; Weltmuseum Wien is no member: refused by the rule */
    snprintf(form, sizeof form, "candidate=%lld&museum=%lld", (long long)cand, (long long)wien);
    r = req("POST", path, form, madmin_auth);
    assert_int_equal(r.status, 403);
    vt_resp_free(&r);
    r = req("POST", path, form, sec_auth);
    assert_int_equal(r.status, 403);
    assert_contains(r.body, "Only member museums may vote");
    vt_resp_free(&r);
    /* sealed while open, counted once closed */
    snprintf(path, sizeof path, "/network/governance/elections/%lld", (long long)id);
    body = page(path);
    assert_contains(body, "counted when the election closes");
    free(body);
    char close[120];
    snprintf(close, sizeof close, "/api/v1/network/governance/elections/%lld/close", (long long)id);
    r = req("POST", close, "", sec_auth);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "\"votes\":1");
    vt_resp_free(&r);
    body = page(path);
    assert_not_contains(body, "counted when the election closes");
    free(body);
}

/* Every physical line ends with CRLF and has at most 75 octets. */
static void ical_lines(const char *cal)
{
    size_t col = 0;
    for (const char *p = cal; *p; p++) {
        if (*p == '\n')
            fail_msg("a bare LF in the calendar");
        if (*p == '\r') {
            assert_int_equal(p[1], '\n');
            assert_true(col <= 75);
            col = 0;
            p++;
            continue;
        }
        col++;
    }
    assert_int_equal(col, 0);
}

static void test_feeds(void **state)
{
    (void)state;
    /* a meeting next year, with a long title */
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    char form[800];
    snprintf(form, sizeof form,
             "kind=general_conference&number=7&title=7th+General+Conference%%3B+Asia%%2C+Europe"
             "+and+the+museums+of+both%%2C+with+a+title+long+enough+to+fold"
             "&start=%d-05-04&end=%d-05-06&city=Seoul&host=National+Museum+of+Korea"
             "&host_museum=%lld&item_kind=decision&item_title=Publish+the+proceedings"
             "&item_who=Secretariat&item_due=%d-12",
             tm.tm_year + 1901, tm.tm_year + 1901, (long long)nmk, tm.tm_year + 1901);
    struct vt_resp r = req("POST", "/api/v1/network/meetings", form, sec_auth);
    assert_int_equal(r.status, 201);
    assert_contains(r.body, "\"decisions\":[{\"title\":\"Publish the proceedings\"");
    vt_resp_free(&r);
    /* the same number again: 409; not the secretariat: 403 */
    r = req("POST", "/api/v1/network/meetings", form, sec_auth);
    assert_int_equal(r.status, 409);
    vt_resp_free(&r);
    r = req("POST", "/api/v1/network/meetings", form, madmin_auth);
    assert_int_equal(r.status, 403);
    vt_resp_free(&r);

    r = req("GET", "/network/meetings.ics", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(vt_header(&r, "Content-Type"), "text/calendar");
    ical_lines(r.body);
    assert_true(!strncmp(r.body, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", 30));
    assert_contains(r.body, "\r\nBEGIN:VEVENT\r\nUID:meeting-");
    assert_contains(r.body, "\r\nDTSTAMP:");
    char want[64];
    snprintf(want, sizeof want, "DTSTART;VALUE=DATE:%d0504\r\n", tm.tm_year + 1901);
    assert_contains(r.body, want);
    snprintf(want, sizeof want, "DTEND;VALUE=DATE:%d0507\r\n", tm.tm_year + 1901);
    assert_contains(r.body, want);
    assert_contains(r.body, "SUMMARY:7th General Conference\\; Asia\\, Europe");
    assert_contains(r.body, "\r\n "); /* folded */
    /* the conferences of 2012 and 2014 are past */
    assert_not_contains(r.body, "ASEMUS 2012 Seoul");
    size_t events = 0;
    for (const char *p = r.body; (p = strstr(p, "BEGIN:VEVENT")); p++)
        events++;
    assert_int_equal(events, 1);
    vt_resp_free(&r);
    char *ms = page("/network/meetings");
    assert_contains(ms, "Meetings to come");
    assert_contains(ms, "7th General Conference; Asia, Europe");
    free(ms);

    /* news from a member museum, with characters XML must escape */
    r = req("POST", "/api/v1/network/news", "title=Ceramics+%3Cand%3E+%26+more&body=A+%22new%22+room",
            madmin_auth);
    assert_int_equal(r.status, 201);
    assert_contains(r.body, "\"author\":\"National Museum of Korea\"");
    vt_resp_free(&r);
    r = req("POST", "/api/v1/network/news", "title=&body=x", madmin_auth);
    assert_int_equal(r.status, 400);
    vt_resp_free(&r);
    r = req("GET", "/network/news.atom", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(vt_header(&r, "Content-Type"), "application/atom+xml");
    assert_true(!strncmp(r.body, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"", 78));
    assert_contains(r.body, "<title>Ceramics &lt;and&gt; &amp; more</title>");
    assert_contains(r.body, "<summary type=\"text\">A &quot;new&quot; room</summary>");
    assert_contains(r.body, "<author><name>National Museum of Korea</name></author>");
    assert_contains(r.body, "/network/news.atom\"/>");
    /* two entries (the demo one and this), each with id, title, updated */
    size_t entries = 0, ids = 0, updated = 0;
    for (const char *p = r.body; (p = strstr(p, "<entry>")); p++)
        entries++;
    for (const char *p = r.body; (p = strstr(p, "    <id>")); p++)
        ids++;
    for (const char *p = r.body; (p = strstr(p, "    <updated>")); p++)
        updated++;
    assert_int_equal(entries, 2);
    assert_int_equal(ids, 2);
    assert_int_equal(updated, 2);
    assert_contains(r.body, "</feed>\n");
    vt_resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_demo_pages),
        cmocka_unit_test(test_appointments),
        cmocka_unit_test(test_appoint_form),
        cmocka_unit_test(test_election),
        cmocka_unit_test(test_feeds),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
