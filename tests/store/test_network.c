/* The network in the store, on each backend (SQLite; with VCM_TEST_PG,
 * PostgreSQL): every edge of the membership rules accepted and every other
 * refused by its rule, with nothing written; the partner-country rule
 * (a partner country, Hong Kong as China, a country that is no partner
 * refused, then allowed by an exception with its reason); a join
 * application accepted (museum made, applicant then member) and declined
 * (a reason required); people added, updated, erased with their history
 * kept readable; collections and figures written and read back. */
#include "testutil.h"

#include "model/network.h"
#include "store/network.h"
#include "store/store.h"

struct fx {
    char *dir;
    char url[900];
    vcm_store *s;
    vcm_arena a;
};

static int fx_setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    f->dir = vt_tmpdir();
    vt_db_url(f->url, sizeof f->url, f->dir, "network");
    vcm_arena_init(&f->a, 0);
    char err[600];
    if (!(f->s = vcm_store_open(f->url, err, sizeof err)))
        fail_msg("open: %s", err);
    /* a few partners, as asem-partners.csv gives them */
    const vcm_partner p[] = {
        {.code = "CN", .name = "China", .group = VCM_REGION_ASIA, .joined = 1996},
        {.code = "KR", .name = "Republic of Korea", .group = VCM_REGION_ASIA, .joined = 1996},
        {.code = "AT", .name = "Austria", .group = VCM_REGION_EUROPE, .joined = 1996},
        {.code = "HR", .name = "Croatia", .group = VCM_REGION_EUROPE, .joined = 2014},
        {.code = "EU", .name = "European Union", .institution = true, .joined = 1996},
    };
    for (size_t i = 0; i < sizeof p / sizeof p[0]; i++)
        if (vcm_partner_put(f->s, &p[i]) < 0)
            fail_msg("partner: %s", vcm_store_error(f->s));
    *state = f;
    return 0;
}

static int fx_teardown(void **state)
{
    struct fx *f = *state;
    vcm_store_close(f->s);
    vcm_arena_release(&f->a);
    vt_rmrf(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static int64_t museum(struct fx *f, const char *name, const char *country)
{
    vcm_country c;
    if (f->s->ops->country_get(f->s, &f->a, country, &c) != 1) {
        memset(&c, 0, sizeof c);
        memcpy(c.code, country, 3);
        c.region = VCM_REGION_OTHER;
        assert_int_equal(f->s->ops->country_upsert(f->s, &c), 0);
    }
    vcm_museum m = {0};
    assert_int_equal(vcm_ltexts_add(&m.names, &f->a, "en", name), 0);
    memcpy(m.country, country, 3);
    bool created;
    if (f->s->ops->museum_ensure(f->s, &m, &created) < 0)
        fail_msg("museum: %s", vcm_store_error(f->s));
    return m.id;
}

/* Records a status; returns what vcm_member_record returned. */
static int record(struct fx *f, int64_t id, vcm_member_state to, const char *reason,
                  vcm_refusal *why)
{
    vcm_member_event e = {.museum_id = id, .status = to, .reason = reason,
                          .recorded_by = "test", .from_date = "2013"};
    return vcm_member_record(f->s, &e, why);
}

static size_t history_len(struct fx *f, int64_t id)
{
    vcm_member_event *ev;
    size_t n;
    assert_int_equal(vcm_member_history(f->s, &f->a, id, &ev, &n), 0);
    return n;
}

static vcm_member_state current(struct fx *f, int64_t id)
{
    vcm_member_event e;
    int rc = vcm_member_current(f->s, &f->a, id, &e);
    assert_true(rc >= 0);
    return rc ? e.status : VCM_MS_NONE;
}

/* Every pair of statuses: the edges the rules allow are recorded, every
 * other is refused by "member-transition" and leaves the history as it
 * was. Each case starts from a museum brought to `from` by allowed steps. */
static void test_transitions(void **state)
{
    struct fx *f = *state;
    /* a path to each status from none */
    static const vcm_member_state path[VCM_MS_COUNT][3] = {
        [VCM_MS_NONE] = {0},
        [VCM_MS_APPLICANT] = {VCM_MS_APPLICANT},
        [VCM_MS_MEMBER] = {VCM_MS_MEMBER},
        [VCM_MS_LAPSED] = {VCM_MS_MEMBER, VCM_MS_LAPSED},
        [VCM_MS_LEFT] = {VCM_MS_MEMBER, VCM_MS_LEFT},
        [VCM_MS_DECLINED] = {VCM_MS_APPLICANT, VCM_MS_DECLINED},
    };
    static const bool allowed[VCM_MS_COUNT][VCM_MS_COUNT] = {
        [VCM_MS_NONE] = {[VCM_MS_APPLICANT] = true, [VCM_MS_MEMBER] = true},
        [VCM_MS_APPLICANT] = {[VCM_MS_MEMBER] = true, [VCM_MS_DECLINED] = true},
        [VCM_MS_MEMBER] = {[VCM_MS_LAPSED] = true, [VCM_MS_LEFT] = true},
        [VCM_MS_LAPSED] = {[VCM_MS_MEMBER] = true, [VCM_MS_LEFT] = true},
        [VCM_MS_LEFT] = {[VCM_MS_APPLICANT] = true},
        [VCM_MS_DECLINED] = {[VCM_MS_APPLICANT] = true},
    };
    int serial = 0, accepted = 0, refused = 0;
    for (int from = VCM_MS_NONE; from < VCM_MS_COUNT; from++)
        for (int to = VCM_MS_APPLICANT; to < VCM_MS_COUNT; to++) {
            char name[64];
            snprintf(name, sizeof name, "Museum %d", ++serial);
            int64_t id = museum(f, name, "KR");
            vcm_refusal why;
            for (int k = 0; k < 3 && path[from][k]; k++)
                if (record(f, id, path[from][k], "a reason", &why) != 0)
                    fail_msg("path to %s: %s", vcm_member_state_name((vcm_member_state)from),
                             vcm_store_error(f->s));
            assert_int_equal(current(f, id), from);
            size_t before = history_len(f, id);
            int rc = record(f, id, (vcm_member_state)to, "a reason", &why);
            if (allowed[from][to]) {
                if (rc != 0)
                    fail_msg("%d -> %d refused: %s", from, to, vcm_store_error(f->s));
                assert_int_equal(current(f, id), to);
                assert_int_equal(history_len(f, id), before + 1);
                accepted++;
            } else {
                assert_int_equal(rc, -2);
                assert_string_equal(why.rule, "member-transition");
                assert_int_equal(current(f, id), from);
                assert_int_equal(history_len(f, id), before);
                refused++;
            }
        }
    assert_int_equal(accepted, 10);
    assert_int_equal(refused, 20);
}

/* Declining, lapsing and leaving need a reason; a from-date must be a date. */
static void test_reasons_and_dates(void **state)
{
    struct fx *f = *state;
    vcm_refusal why;
    int64_t id = museum(f, "Reasoned Museum", "AT");
    assert_int_equal(record(f, id, VCM_MS_APPLICANT, NULL, &why), 0);
    assert_int_equal(record(f, id, VCM_MS_DECLINED, "  ", &why), -2);
    assert_string_equal(why.rule, "reason-required");
    assert_int_equal(record(f, id, VCM_MS_MEMBER, NULL, &why), 0);
    assert_int_equal(record(f, id, VCM_MS_LAPSED, NULL, &why), -2);
    assert_string_equal(why.rule, "reason-required");
    assert_int_equal(record(f, id, VCM_MS_LEFT, "", &why), -2);
    assert_int_equal(record(f, id, VCM_MS_LEFT, "closed for renovation", &why), 0);
    vcm_member_event e = {.museum_id = id, .status = VCM_MS_APPLICANT, .recorded_by = "t",
                          .from_date = "2013-02-30"};
    assert_int_equal(vcm_member_record(f->s, &e, &why), -2);
    assert_string_equal(why.rule, "date");
    e.from_date = "2016-02-29";
    assert_int_equal(vcm_member_record(f->s, &e, &why), 0);
    assert_false(vcm_member_date_ok("2013-13"));
    assert_false(vcm_member_date_ok("13"));
    assert_true(vcm_member_date_ok("2013-12"));
    assert_false(vcm_member_date_ok("2015-02-29"));
}

/* The partner-country rule, each case accepted or refused, and the
 * exception with its reason. */
static void test_partner_country(void **state)
{
    struct fx *f = *state;
    vcm_refusal why;
    vcm_region g;
    /* a partner country, of each group */
    assert_int_equal(vcm_partner_group(f->s, "KR", &g), 1);
    assert_int_equal(g, VCM_REGION_ASIA);
    assert_int_equal(vcm_partner_group(f->s, "HR", &g), 1);
    assert_int_equal(g, VCM_REGION_EUROPE);
    int64_t seoul = museum(f, "A Seoul Museum", "KR");
    assert_int_equal(record(f, seoul, VCM_MS_MEMBER, NULL, &why), 0);
    /* Hong Kong and Macao count as China */
    assert_int_equal(vcm_partner_group(f->s, "HK", &g), 1);
    assert_int_equal(g, VCM_REGION_ASIA);
    assert_int_equal(vcm_partner_group(f->s, "MO", &g), 1);
    int64_t hk = museum(f, "A Hong Kong Museum", "HK");
    assert_int_equal(record(f, hk, VCM_MS_MEMBER, NULL, &why), 0);
    /* an institution is no country: EU is not a member's country */
    assert_int_equal(vcm_partner_group(f->s, "EU", &g), 0);
    /* a country that is no partner (Taiwan, the United States) */
    assert_int_equal(vcm_partner_group(f->s, "TW", &g), 0);
    int64_t tw = museum(f, "A Taipei Museum", "TW");
    int64_t us = museum(f, "An American Museum", "US");
    assert_int_equal(record(f, tw, VCM_MS_MEMBER, NULL, &why), -2);
    assert_string_equal(why.rule, "partner-country");
    assert_int_equal(current(f, tw), VCM_MS_NONE);
    /* it may apply (the rule binds becoming a member), not be accepted */
    assert_int_equal(record(f, us, VCM_MS_APPLICANT, NULL, &why), 0);
    assert_int_equal(record(f, us, VCM_MS_MEMBER, NULL, &why), -2);
    assert_string_equal(why.rule, "partner-country");
    assert_int_equal(current(f, us), VCM_MS_APPLICANT);
    /* an exception needs its reason */
    assert_int_equal(vcm_exception_put(f->s, tw, " ", "secretariat"), -1);
    const char *reason, *by;
    int64_t when;
    assert_int_equal(vcm_exception_get(f->s, &f->a, tw, &reason, &by, &when), 0);
    assert_int_equal(vcm_exception_put(f->s, tw, "founding contributor to the VCM",
                                       "secretariat@example.org"), 0);
    assert_int_equal(vcm_exception_get(f->s, &f->a, tw, &reason, &by, &when), 1);
    assert_string_equal(reason, "founding contributor to the VCM");
    assert_string_equal(by, "secretariat@example.org");
    assert_int_equal(record(f, tw, VCM_MS_MEMBER, NULL, &why), 0);
    assert_int_equal(current(f, tw), VCM_MS_MEMBER);
    /* the exception is in the museum's history, with its reason */
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)tw);
    vcm_nhistory *h;
    size_t nh;
    assert_int_equal(vcm_nhistory_list(f->s, &f->a, "museum", key, &h, &nh), 0);
    assert_int_equal(nh, 2);
    assert_string_equal(h[0].action, "exception");
    assert_string_equal(h[0].detail, "founding contributor to the VCM");
    assert_string_equal(h[1].detail, "none -> member");
    /* the list by group: Seoul, Hong Kong in Asia; Taipei in neither */
    vcm_member_row *rows;
    size_t n;
    assert_int_equal(vcm_member_list(f->s, &f->a, VCM_MS_MEMBER, "", VCM_REGION_ASIA, &rows, &n),
                     0);
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].museum.id, hk); /* by name: "A Hong…" < "A Seoul…" */
    assert_int_equal(rows[1].museum.id, seoul);
    assert_int_equal(vcm_member_list(f->s, &f->a, VCM_MS_MEMBER, "TW", VCM_REGION_OTHER, &rows,
                                     &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].group, VCM_REGION_OTHER);
}

static int64_t apply(struct fx *f, const char *institution, const char *country)
{
    vcm_application app = {.institution = institution, .collections = "Korean ceramics",
                           .ack_definition = true, .ack_ethics = true, .city = "Vienna"};
    memcpy(app.country, country, 3);
    vcm_person p = {.name = "Jo Contact", .email = "jo@example.org", .consent = true,
                    .consent_for = "being contacted about the application"};
    if (vcm_application_add(f->s, &app, &p) < 0)
        fail_msg("apply: %s", vcm_store_error(f->s));
    assert_true(p.id > 0);
    assert_int_equal(app.contact_id, p.id);
    return app.id;
}

static void test_applications(void **state)
{
    struct fx *f = *state;
    vcm_refusal why;
    int64_t mid;
    int64_t a1 = apply(f, "Weltmuseum Wien", "AT");
    assert_int_equal(vcm_application_accept(f->s, a1, "sec@example.org", NULL, &mid, &why), 0);
    assert_true(mid > 0);
    vcm_member_event *ev;
    size_t n;
    assert_int_equal(vcm_member_history(f->s, &f->a, mid, &ev, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(ev[0].status, VCM_MS_APPLICANT);
    assert_int_equal(ev[1].status, VCM_MS_MEMBER);
    assert_string_equal(ev[1].recorded_by, "sec@example.org");
    vcm_application app;
    assert_int_equal(vcm_application_get(f->s, &f->a, a1, &app), 1);
    assert_int_equal(app.state, VCM_APP_ACCEPTED);
    assert_int_equal(app.museum_id, mid);
    vcm_person p;
    assert_int_equal(vcm_person_get(f->s, &f->a, app.contact_id, &p), 1);
    assert_int_equal(p.museum_id, mid);
    /* twice: not pending any more */
    assert_int_equal(vcm_application_accept(f->s, a1, "sec", NULL, &mid, &why), -3);

    /* a country that is no partner: refused, nothing written; then with an
     * exception, accepted */
    int64_t a2 = apply(f, "Freer Gallery", "US");
    assert_int_equal(vcm_application_accept(f->s, a2, "sec", NULL, &mid, &why), -2);
    assert_string_equal(why.rule, "partner-country");
    assert_int_equal(vcm_application_get(f->s, &f->a, a2, &app), 1);
    assert_int_equal(app.state, VCM_APP_PENDING);
    vcm_member_row *rows;
    assert_int_equal(vcm_member_list(f->s, &f->a, VCM_MS_NONE, "US", VCM_REGION_OTHER, &rows,
                                     &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(vcm_application_accept(f->s, a2, "sec", "long partnership with ASEMUS",
                                            &mid, &why), 0);
    assert_int_equal(current(f, mid), VCM_MS_MEMBER);

    /* Hong Kong counts as China; the contact joins the museum */
    int64_t a4 = apply(f, "A Hong Kong Museum", "HK");
    if (vcm_application_accept(f->s, a4, "sec", NULL, &mid, &why) != 0)
        fail_msg("accept HK: %s", vcm_store_error(f->s));
    assert_int_equal(current(f, mid), VCM_MS_MEMBER);

    /* declined: a reason is required */
    int64_t a3 = apply(f, "Some Museum", "CN");
    assert_int_equal(vcm_application_decline(f->s, a3, "", "sec", &why), -2);
    assert_string_equal(why.rule, "reason-required");
    assert_int_equal(vcm_application_decline(f->s, a3, "not a museum", "sec", &why), 0);
    assert_int_equal(vcm_application_get(f->s, &f->a, a3, &app), 1);
    assert_int_equal(app.state, VCM_APP_DECLINED);
    assert_string_equal(app.reason, "not a museum");
    assert_int_equal(vcm_application_decline(f->s, a3, "again", "sec", &why), -3);
    vcm_application *list;
    assert_int_equal(vcm_application_list(f->s, &f->a, false, VCM_APP_PENDING, &list, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(vcm_application_list(f->s, &f->a, true, 0, &list, &n), 0);
    assert_int_equal(n, 4);
}

static void test_people(void **state)
{
    struct fx *f = *state;
    int64_t mid = museum(f, "People's Museum", "KR");
    vcm_person p = {.name = "Kim Example", .museum_id = mid, .position = "Curator",
                    .email = "kim@example.org", .phone = "+82 2 0000", .consent = true,
                    .consent_for = "listed as the collection's contact"};
    assert_int_equal(vcm_person_add(f->s, &p, "sec"), 0);
    assert_true(p.consent_when > 0);
    vcm_person bad = {.name = "No Purpose", .consent = true};
    assert_int_equal(vcm_person_add(f->s, &bad, "sec"), -1);
    p.position = "Chief Curator";
    assert_int_equal(vcm_person_update(f->s, &p, "sec"), 1);
    vcm_collection c = {.museum_id = mid, .name = "Goryeo celadon", .scope = "Korean ceramics",
                        .size = "about 300 objects", .contact_id = p.id};
    assert_int_equal(vcm_collection_put(f->s, &c, "sec"), 1);
    assert_true(c.id > 0);
    assert_int_equal(vcm_person_erase(f->s, p.id, "sec"), 1);
    assert_int_equal(vcm_person_erase(f->s, p.id, "sec"), 0);
    vcm_person g;
    assert_int_equal(vcm_person_get(f->s, &f->a, p.id, &g), 1);
    assert_true(g.erased);
    assert_null(g.name);
    assert_null(g.email);
    assert_null(g.phone);
    assert_null(g.position);
    assert_false(g.consent);
    assert_int_equal(vcm_person_update(f->s, &g, "sec"), -1);
    /* the history still reads: created, updated (the field's name only),
     * erased; and holds none of the data */
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)p.id);
    vcm_nhistory *h;
    size_t nh;
    assert_int_equal(vcm_nhistory_list(f->s, &f->a, "person", key, &h, &nh), 0);
    assert_int_equal(nh, 3);
    assert_string_equal(h[0].action, "create");
    assert_string_equal(h[1].action, "update");
    assert_string_equal(h[1].detail, "position");
    assert_string_equal(h[2].action, "erase");
    vcm_nhistory *all;
    size_t nall;
    assert_int_equal(vcm_nhistory_list(f->s, &f->a, NULL, NULL, &all, &nall), 0);
    for (size_t i = 0; i < nall; i++)
        assert_null(all[i].detail ? strstr(all[i].detail, "kim@example.org") : NULL);
    /* the collection keeps its contact's row, now a former contact */
    vcm_collection c2;
    assert_int_equal(vcm_collection_get(f->s, &f->a, c.id, &c2), 1);
    assert_int_equal(c2.contact_id, p.id);
    vcm_person *list;
    size_t n;
    assert_int_equal(vcm_person_list(f->s, &f->a, mid, false, &list, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(vcm_person_list(f->s, &f->a, mid, true, &list, &n), 0);
    assert_int_equal(n, 1);
}

static void test_figures(void **state)
{
    struct fx *f = *state;
    vcm_figure in[] = {{2012, true, 82, 0, "seed"}, {2012, false, 97, 0, "seed"},
                       {2013, false, 106, 38, "seed"}};
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(vcm_figure_put(f->s, &in[i]), 0);
    vcm_figure bad = {2013, false, 1, 0, ""};
    assert_int_equal(vcm_figure_put(f->s, &bad), -1);
    vcm_figure *out;
    size_t n;
    assert_int_equal(vcm_figure_list(f->s, &f->a, &out, &n), 0);
    assert_int_equal(n, 3);
    assert_true(out[0].at_start);
    assert_int_equal(out[0].members, 82);
    assert_int_equal(out[1].members, 97);
    assert_int_equal(out[2].members, 106);
    assert_int_equal(out[2].countries, 38);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_transitions, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_reasons_and_dates, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_partner_country, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_applications, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_people, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_figures, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
