/* Governance and meetings in the store, on each backend (SQLite; with
 * VCM_TEST_PG, PostgreSQL): every rule refusing an appointment with the
 * rule named and nothing written, the same appointment accepted when it
 * keeps the rule, the secretariat's override stored with its reason and
 * the rules it breaks (and in the history); the holder's group read from
 * the person's museum's country through the partners (Hong Kong as
 * China); terms the documents state recorded unjudged; who may vote (the
 * voters rule), once; meetings with their items, people and quorum; news. */
#include "testutil.h"

#include "model/network.h"
#include "store/governance.h"
#include "store/network.h"
#include "store/store.h"

struct fx {
    char *dir;
    char url[900];
    vcm_store *s;
    vcm_arena a;
    int64_t body, chair, vice, secretary, permanent;
    int64_t kr, at, hk; /* museums */
    int64_t kim, crook, lee, hofer, chan; /* people */
};

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

static int64_t person(struct fx *f, const char *name, int64_t museum_id)
{
    vcm_person p = {.name = name, .museum_id = museum_id};
    if (vcm_person_add(f->s, &p, "test") < 0)
        fail_msg("person: %s", vcm_store_error(f->s));
    return p.id;
}

static int64_t office(struct fx *f, const char *kind, const char *name, int pos)
{
    vcm_gov_office o = {.body_id = f->body, .kind = kind, .name = name, .pos = pos};
    if (vcm_gov_office_put(f->s, &o) < 0)
        fail_msg("office: %s", vcm_store_error(f->s));
    return o.id;
}

static void rule(struct fx *f, const char *kind, const char *params)
{
    vcm_gov_rule_row r = {.rule = {0, kind, params}, .body_id = f->body};
    if (vcm_gov_rule_add(f->s, &r, "test") < 0)
        fail_msg("rule %s: %s", kind, vcm_store_error(f->s));
}

static int fx_setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    f->dir = vt_tmpdir();
    vt_db_url(f->url, sizeof f->url, f->dir, "governance");
    vcm_arena_init(&f->a, 0);
    char err[600];
    if (!(f->s = vcm_store_open(f->url, err, sizeof err)))
        fail_msg("open: %s", err);
    const vcm_partner p[] = {
        {.code = "CN", .name = "China", .group = VCM_REGION_ASIA, .joined = 1996},
        {.code = "KR", .name = "Republic of Korea", .group = VCM_REGION_ASIA, .joined = 1996},
        {.code = "AT", .name = "Austria", .group = VCM_REGION_EUROPE, .joined = 1996},
    };
    for (size_t i = 0; i < sizeof p / sizeof p[0]; i++)
        assert_int_equal(vcm_partner_put(f->s, &p[i]), 0);
    f->kr = museum(f, "National Museum of Korea", "KR");
    f->at = museum(f, "Weltmuseum Wien", "AT");
    f->hk = museum(f, "Hong Kong Museum of Art", "HK");
    f->kim = person(f, "Kim", f->kr);
    f->crook = person(f, "Crook", f->at);
    f->lee = person(f, "Lee", f->kr);
    f->hofer = person(f, "Hofer", f->at);
    f->chan = person(f, "Chan", f->hk);
    vcm_gov_body b = {.key = "executive_committee", .name = "Executive Committee"};
    assert_int_equal(vcm_gov_body_put(f->s, &b), 0);
    f->body = b.id;
    f->chair = office(f, "chair", "Chair", 1);
    f->vice = office(f, "vice_chair", "Vice-Chair", 2);
    f->secretary = office(f, "secretary", "Secretary", 3);
    f->permanent = office(f, "permanent_seat", "Permanent seat", 4);
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

static vcm_gov_appt appt(int64_t office_id, int64_t person_id, const char *org,
                         const char *start, const char *end)
{
    vcm_gov_appt p = {0};
    p.t.office_id = office_id;
    p.t.person_id = person_id;
    p.t.org = org;
    assert_int_equal(vcm_gdate_parse(start, &p.t.start), 0);
    assert_int_equal(vcm_gdate_parse(end, &p.t.end), 0);
    return p;
}

static size_t nterms(struct fx *f)
{
    vcm_gov_appt *t;
    size_t n;
    assert_int_equal(vcm_gov_term_list(f->s, &f->a, f->body, 0, &t, &n), 0);
    return n;
}

/* Appoints and expects a refusal by exactly the rule kind named, with
 * nothing written. */
static void refused(struct fx *f, vcm_gov_appt p, const char *kind, const char *why)
{
    size_t before = nterms(f);
    vcm_gov_verdict v;
    int rc = vcm_gov_appoint(f->s, &f->a, &p, false, NULL, "test", &v);
    if (rc != -2)
        fail_msg("expected a refusal by %s, got %d (%s)", kind, rc, vcm_store_error(f->s));
    assert_int_equal(v.n, 1);
    assert_string_equal(v.rules[v.breach[0].rule].rule.kind, kind);
    assert_string_equal(v.breach[0].why, why);
    assert_int_equal(nterms(f), before);
}

static void accepted(struct fx *f, vcm_gov_appt p)
{
    vcm_gov_verdict v;
    int rc = vcm_gov_appoint(f->s, &f->a, &p, false, NULL, "test", &v);
    if (rc != 0)
        fail_msg("refused (%d, %zu breaches: %s): %s", rc, v.n,
                 v.n ? v.breach[0].why : "", vcm_store_error(f->s));
    assert_true(p.t.id > 0);
}

static void test_term_length(void **state)
{
    struct fx *f = *state;
    rule(f, "term_length", "years=3");
    refused(f, appt(f->chair, f->kim, NULL, "2011-10", "2015-09"), "term_length",
            "gov.breach.term_length");
    accepted(f, appt(f->chair, f->kim, NULL, "2011-10", "2014-09"));
}

static void test_different_groups(void **state)
{
    struct fx *f = *state;
    rule(f, "different_groups", "offices=chair,vice_chair");
    accepted(f, appt(f->chair, f->kim, NULL, "2011-10", "2014-09"));
    /* Lee's museum is in Korea, like Kim's: Asia twice */
    refused(f, appt(f->vice, f->lee, NULL, "2012", "2015"), "different_groups",
            "gov.breach.same_group");
    /* Hong Kong counts as China: Asia */
    refused(f, appt(f->vice, f->chan, NULL, "2012", "2015"), "different_groups",
            "gov.breach.same_group");
    accepted(f, appt(f->vice, f->crook, NULL, "2012", "2015"));
    /* a term that says the country it stands for */
    vcm_gov_appt p = appt(f->vice, f->hofer, NULL, "2012", "2015");
    p.country = "KR";
    refused(f, p, "different_groups", "gov.breach.same_group");
}

static void test_alternation(void **state)
{
    struct fx *f = *state;
    rule(f, "alternation", "office=chair");
    accepted(f, appt(f->chair, f->kim, NULL, "2011-10", "2014-09"));
    refused(f, appt(f->chair, f->lee, NULL, "2014-10", "2017-09"), "alternation",
            "gov.breach.not_alternating");
    accepted(f, appt(f->chair, f->hofer, NULL, "2014-10", "2017-09"));
    accepted(f, appt(f->chair, f->lee, NULL, "2017-10", "2020-09"));
}

static void test_permanent_seat(void **state)
{
    struct fx *f = *state;
    rule(f, "permanent_seat", "holder=ASEF");
    refused(f, appt(f->permanent, 0, "ACM", "2000", NULL), "permanent_seat",
            "gov.breach.permanent_holder");
    refused(f, appt(f->permanent, f->kim, NULL, "2000", NULL), "permanent_seat",
            "gov.breach.permanent_holder");
    refused(f, appt(f->permanent, 0, "ASEF", "2000", "2003"), "permanent_seat",
            "gov.breach.permanent_end");
    accepted(f, appt(f->permanent, 0, "ASEF", "2000", NULL));
    refused(f, appt(f->permanent, 0, "ASEF", "2010", NULL), "permanent_seat",
            "gov.breach.permanent_taken");
}

static void test_one_office(void **state)
{
    struct fx *f = *state;
    rule(f, "one_office_per_person", "");
    accepted(f, appt(f->chair, f->kim, NULL, "2011-10", "2014-09"));
    refused(f, appt(f->secretary, f->kim, NULL, "2013", "2016"), "one_office_per_person",
            "gov.breach.two_offices");
    accepted(f, appt(f->secretary, f->kim, NULL, "2014-10", "2017-09"));
}

/* The secretariat appoints against the rules with a reason: stored, with
 * the rules broken, and in the history. Without a reason: refused. */
static void test_override(void **state)
{
    struct fx *f = *state;
    rule(f, "term_length", "years=3");
    rule(f, "alternation", "office=chair");
    accepted(f, appt(f->chair, f->kim, NULL, "2011-10", "2014-09"));
    vcm_gov_appt p = appt(f->chair, f->lee, NULL, "2014-10", "2018-09");
    vcm_gov_verdict v;
    assert_int_equal(vcm_gov_appoint(f->s, &f->a, &p, false, "", "test", &v), -2);
    assert_int_equal(v.n, 2);
    assert_int_equal(nterms(f), 1);
    const char *why = "no European candidate stood; extended by a year for the 2017 conference";
    assert_int_equal(vcm_gov_appoint(f->s, &f->a, &p, false, why, "sec@example.org", &v), 0);
    assert_int_equal(v.n, 2);
    vcm_gov_appt *t;
    size_t n;
    assert_int_equal(vcm_gov_term_list(f->s, &f->a, f->body, f->chair, &t, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(t[1].override, why);
    assert_string_equal(t[1].broken, "term_length,alternation");
    assert_string_equal(t[1].recorded_by, "sec@example.org");
    assert_null(t[0].override);
    vcm_nhistory *h;
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)p.t.id);
    assert_int_equal(vcm_nhistory_list(f->s, &f->a, "term", key, &h, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(h[0].action, "appoint-override");
    assert_contains(h[0].detail, why);
    assert_contains(h[0].detail, "term_length,alternation");
}

/* Terms the documents state are recorded as they are, bounds unknown
 * included, and read back with the holder's group. */
static void test_history_and_reading(void **state)
{
    struct fx *f = *state;
    rule(f, "term_length", "years=3");
    vcm_gov_appt p = appt(f->vice, f->crook, NULL, NULL, NULL);
    vcm_gov_verdict v;
    p.source = "seed 000";
    assert_int_equal(vcm_gov_appoint(f->s, &f->a, &p, true, NULL, "demo data", &v), 0);
    /* a new term needs a start */
    p = appt(f->vice, f->crook, NULL, NULL, NULL);
    assert_int_equal(vcm_gov_appoint(f->s, &f->a, &p, false, NULL, "test", &v), -1);
    /* a person and an organization at once */
    p = appt(f->vice, f->crook, "ASEF", "2012", "2015");
    assert_int_equal(vcm_gov_appoint(f->s, &f->a, &p, false, NULL, "test", &v), -1);
    /* no such office, no such person */
    p = appt(9999, f->crook, NULL, "2012", "2015");
    assert_int_equal(vcm_gov_appoint(f->s, &f->a, &p, false, NULL, "test", &v), -1);
    p = appt(f->vice, 9999, NULL, "2012", "2015");
    assert_int_equal(vcm_gov_appoint(f->s, &f->a, &p, false, NULL, "test", &v), -1);
    accepted(f, appt(f->chair, f->kim, NULL, "2011-10", "2014-09"));
    vcm_gov_appt *t;
    size_t n;
    assert_int_equal(vcm_gov_term_list(f->s, &f->a, f->body, 0, &t, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(t[0].office_name, "Chair");
    assert_string_equal(t[0].holder, "Kim");
    assert_int_equal(t[0].t.group, VCM_GROUP_ASIA);
    assert_int_equal(t[0].t.start.y, 2011);
    assert_int_equal(t[0].t.start.m, 10);
    assert_string_equal(t[1].holder, "Crook");
    assert_int_equal(t[1].t.group, VCM_GROUP_EUROPE);
    assert_int_equal(t[1].t.start.y, 0);
    assert_int_equal(t[1].t.end.y, 0);
    assert_string_equal(t[1].source, "seed 000");
    /* erased: the term stays, the name goes */
    assert_int_equal(vcm_person_erase(f->s, f->crook, "test"), 1);
    assert_int_equal(vcm_gov_term_list(f->s, &f->a, f->body, f->vice, &t, &n), 0);
    assert_int_equal(n, 1);
    assert_null(t[0].holder);
    assert_true(t[0].holder_erased);
    /* a malformed rule is refused when stored */
    vcm_gov_rule_row r = {.rule = {0, "term_length", "years=zero"}, .body_id = f->body};
    assert_int_equal(vcm_gov_rule_add(f->s, &r, "test"), -1);
    assert_contains(vcm_store_error(f->s), "years");
}

static void test_elections(void **state)
{
    struct fx *f = *state;
    rule(f, "voters", "who=committee");
    accepted(f, appt(f->chair, f->kim, NULL, "2011-10", "2014-09"));
    vcm_gov_election e = {.office_id = f->vice, .title = "Vice-Chair 2012", .held = "2012-10-04",
                          .term_start = "2012-10", .term_end = "2015-09"};
    assert_int_equal(vcm_gov_election_add(f->s, &e, "test"), 0);
    vcm_gov_candidate a = {.election_id = e.id, .person_id = f->crook};
    vcm_gov_candidate b = {.election_id = e.id, .person_id = f->hofer};
    assert_int_equal(vcm_gov_candidate_add(f->s, &a, "test"), 0);
    assert_int_equal(vcm_gov_candidate_add(f->s, &b, "test"), 0);
    const char *why;
    /* Kim holds an office on the day: may vote, once */
    assert_int_equal(vcm_gov_vote(f->s, e.id, 0, f->kim, a.id, &why), 0);
    assert_int_equal(vcm_gov_vote(f->s, e.id, 0, f->kim, b.id, &why), -4);
    assert_string_equal(why, "gov.vote.again");
    /* Lee holds none; a museum is no committee member */
    assert_int_equal(vcm_gov_vote(f->s, e.id, 0, f->lee, a.id, &why), -2);
    assert_string_equal(why, "gov.vote.not_committee");
    assert_int_equal(vcm_gov_vote(f->s, e.id, f->kr, 0, a.id, &why), -2);
    /* the rule as data: members vote instead */
    vcm_member_event me = {.museum_id = f->kr, .status = VCM_MS_APPLICANT,
                           .recorded_by = "test", .from_date = "2011"};
    vcm_refusal ref;
    assert_int_equal(vcm_member_record(f->s, &me, &ref), 0);
    me.status = VCM_MS_MEMBER;
    me.id = 0;
    assert_int_equal(vcm_member_record(f->s, &me, &ref), 0);
    vcm_gov_election e2 = {.office_id = f->secretary, .title = "Secretary"};
    assert_int_equal(vcm_gov_election_add(f->s, &e2, "test"), 0);
    vcm_gov_candidate c = {.election_id = e2.id, .person_id = f->lee};
    assert_int_equal(vcm_gov_candidate_add(f->s, &c, "test"), 0);
    vcm_gov_rule_row *rules;
    size_t nr;
    assert_int_equal(vcm_gov_rule_list(f->s, &f->a, f->body, &rules, &nr), 0);
    assert_int_equal(nr, 1);
    assert_int_equal(vcm_gov_vote(f->s, e2.id, f->kr, 0, c.id, &why), -2);
    assert_string_equal(why, "gov.vote.not_member");
    /* a candidate of another election, an unknown election */
    assert_int_equal(vcm_gov_vote(f->s, e2.id, 0, f->kim, a.id, &why), -3);
    assert_int_equal(vcm_gov_vote(f->s, 9999, 0, f->kim, a.id, &why), -3);
    /* results, then closed */
    vcm_gov_candidate *cs;
    size_t n;
    assert_int_equal(vcm_gov_candidate_list(f->s, &f->a, e.id, &cs, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(cs[0].id, a.id);
    assert_int_equal(cs[0].votes, 1);
    assert_string_equal(cs[0].name, "Crook");
    assert_int_equal(cs[1].votes, 0);
    assert_int_equal(vcm_gov_election_close(f->s, e.id, "test"), 1);
    assert_int_equal(vcm_gov_election_close(f->s, e.id, "test"), 0);
    assert_int_equal(vcm_gov_vote(f->s, e.id, 0, f->kim, b.id, &why), -3);
    vcm_gov_candidate late = {.election_id = e.id, .person_id = f->lee};
    assert_int_equal(vcm_gov_candidate_add(f->s, &late, "test"), -3);
    vcm_gov_election *es;
    assert_int_equal(vcm_gov_election_list(f->s, &f->a, f->body, &es, &n), 0);
    assert_int_equal(n, 2);
    assert_false(es[1].open);
    assert_true(es[0].open);
}

/* who=members: a member museum votes, a person does not. */
static void test_voters_members(void **state)
{
    struct fx *f = *state;
    rule(f, "voters", "who=members");
    vcm_member_event me = {.museum_id = f->at, .status = VCM_MS_APPLICANT,
                           .recorded_by = "test", .from_date = "2011"};
    vcm_refusal ref;
    assert_int_equal(vcm_member_record(f->s, &me, &ref), 0);
    me.id = 0;
    me.status = VCM_MS_MEMBER;
    assert_int_equal(vcm_member_record(f->s, &me, &ref), 0);
    vcm_gov_election e = {.office_id = f->chair, .title = "Chair"};
    assert_int_equal(vcm_gov_election_add(f->s, &e, "test"), 0);
    vcm_gov_candidate c = {.election_id = e.id, .person_id = f->hofer};
    assert_int_equal(vcm_gov_candidate_add(f->s, &c, "test"), 0);
    const char *why;
    assert_int_equal(vcm_gov_vote(f->s, e.id, f->at, 0, c.id, &why), 0);
    assert_int_equal(vcm_gov_vote(f->s, e.id, f->kr, 0, c.id, &why), -2); /* not a member */
    assert_int_equal(vcm_gov_vote(f->s, e.id, 0, f->kim, c.id, &why), -2);
}

static void test_meetings(void **state)
{
    struct fx *f = *state;
    rule(f, "quorum", "present=2/3");
    accepted(f, appt(f->chair, f->kim, NULL, "2011-10", "2014-09"));
    accepted(f, appt(f->vice, f->crook, NULL, "2012", "2015"));
    accepted(f, appt(f->secretary, f->hofer, NULL, "2012", "2015"));
    vcm_meeting_item items[] = {
        {"session", "Museum education", "Lee", NULL, NULL},
        {"decision", "Host the 6th conference", "Weltmuseum Wien", "2013-06", NULL},
        {"document", "Programme", NULL, NULL, "https://example.org/p.pdf"},
    };
    vcm_meeting_person people[] = {{f->kim, "participant", NULL},
                                   {f->crook, "participant", NULL},
                                   {f->lee, "speaker", NULL},
                                   {f->hofer, "apologies", NULL}};
    vcm_meeting m = {.kind = "general_conference", .number = 5, .title = "5th General Conference",
                     .start = "2012-10-04", .end = "2012-10-06", .city = "Seoul",
                     .country = "KR", .host = "National Museum of Korea",
                     .host_museum_id = f->kr, .theme = "New and Sustainable Museum Education",
                     .items = items, .nitems = 3, .people = people, .npeople = 4};
    assert_int_equal(vcm_meeting_put(f->s, &m, "test"), 1);
    vcm_meeting g;
    assert_int_equal(vcm_meeting_get(f->s, &f->a, m.id, &g), 1);
    assert_string_equal(g.theme, "New and Sustainable Museum Education");
    assert_int_equal(g.number, 5);
    assert_int_equal(g.nitems, 3);
    assert_string_equal(g.items[0].kind, "decision");
    assert_string_equal(g.items[0].due, "2013-06");
    assert_int_equal(g.npeople, 4);
    int64_t members, present;
    /* two of the three office holders attend: 2/3 */
    assert_int_equal(vcm_meeting_quorum(f->s, &f->a, &g, f->body, &members, &present), 1);
    assert_int_equal(members, 3);
    assert_int_equal(present, 2);
    people[1].role = "apologies";
    assert_int_equal(vcm_meeting_put(f->s, &m, "test"), 1);
    assert_int_equal(vcm_meeting_get(f->s, &f->a, m.id, &g), 1);
    assert_int_equal(vcm_meeting_quorum(f->s, &f->a, &g, f->body, &members, &present), 0);
    /* the same number twice, a bad date, a bad kind: refused, nothing written */
    vcm_meeting dup = {.kind = "general_conference", .number = 5, .title = "again"};
    assert_int_equal(vcm_meeting_put(f->s, &dup, "test"), -2);
    vcm_meeting bad = {.kind = "general_conference", .title = "x", .start = "2012-13"};
    assert_int_equal(vcm_meeting_put(f->s, &bad, "test"), -1);
    bad.start = NULL;
    bad.kind = "party";
    assert_int_equal(vcm_meeting_put(f->s, &bad, "test"), -1);
    vcm_meeting six = {.kind = "general_conference", .number = 6, .title = "6th",
                       .start = "2014", .city = "Vienna"};
    assert_int_equal(vcm_meeting_put(f->s, &six, "test"), 1);
    vcm_meeting *ms;
    size_t n;
    assert_int_equal(vcm_meeting_list(f->s, &f->a, NULL, &ms, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(ms[0].number, 6);
    assert_int_equal(vcm_meeting_list(f->s, &f->a, "executive_committee", &ms, &n), 0);
    assert_int_equal(n, 0);
}

static void test_news(void **state)
{
    struct fx *f = *state;
    vcm_news a = {.title = "First", .body = "One", .published = 1000};
    vcm_news b = {.title = "Second", .body = "Two", .museum_id = f->kr, .published = 2000};
    assert_int_equal(vcm_news_add(f->s, &a, "sec"), 0);
    assert_int_equal(vcm_news_add(f->s, &b, "kr"), 0);
    vcm_news bad = {.title = "", .body = "x"};
    assert_int_equal(vcm_news_add(f->s, &bad, "sec"), -1);
    vcm_news *list;
    size_t n;
    assert_int_equal(vcm_news_list(f->s, &f->a, 10, &list, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].title, "Second");
    assert_int_equal(list[0].museum_id, f->kr);
    assert_string_equal(list[1].posted_by, "sec");
    vcm_news g;
    assert_int_equal(vcm_news_get(f->s, &f->a, a.id, &g), 1);
    assert_string_equal(g.body, "One");
    assert_int_equal(vcm_news_get(f->s, &f->a, 9999, &g), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_term_length, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_different_groups, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_alternation, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_permanent_seat, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_one_office, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_override, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_history_and_reading, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_elections, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_voters_members, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_meetings, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_news, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
