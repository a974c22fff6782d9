/* The governance rules (src/model/governance.c): each rule's accepted and
 * refused cases, one rule at a time and all together; how unknown bounds
 * of stored terms are read; the rules' own syntax; quorum and voters. */
#include "testutil.h"

#include "core/arena.h"
#include "model/governance.h"

enum { CHAIR = 1, VICE = 2, SECRETARY = 3, HOST = 4, PERMANENT = 5 };

static vcm_gov_term term(int64_t office, const char *kind, int64_t person, const char *org,
                         vcm_group g, const char *start, const char *end)
{
    vcm_gov_term t = {0};
    t.office_id = office;
    t.office_kind = kind;
    t.person_id = person;
    t.org = org;
    t.group = g;
    assert_int_equal(vcm_gdate_parse(start, &t.start), 0);
    assert_int_equal(vcm_gdate_parse(end, &t.end), 0);
    return t;
}

#define A VCM_GROUP_ASIA
#define E VCM_GROUP_EUROPE
#define U VCM_GROUP_UNKNOWN

/* The stored history every case starts from: a chair from Asia and a
 * vice-chair from Europe, 2012-2015, and ASEF's seat since 1997. */
static vcm_gov_term stored[8];
static size_t nstored;

static void history(void)
{
    nstored = 0;
    stored[nstored++] = term(CHAIR, "chair", 10, NULL, A, "2012-10-01", "2015-09-30");
    stored[nstored++] = term(VICE, "vice_chair", 11, NULL, E, "2012-10-01", "2015-09-30");
    stored[nstored++] = term(PERMANENT, "permanent_seat", 0, "ASEF", U, "1997", NULL);
}

/* Checks p against one rule; returns the breach's key or NULL (accepted). */
static const char *check1(const char *kind, const char *params, const vcm_gov_term *p)
{
    vcm_gov_rule r = {1, kind, params};
    vcm_gov_breach b[VCM_GOV_BREACH_MAX];
    size_t n = 99;
    assert_int_equal(vcm_gov_check(&r, 1, stored, nstored, p, b, VCM_GOV_BREACH_MAX, &n), 0);
    if (!n)
        return NULL;
    assert_int_equal(b[0].rule, 0);
    return b[0].why;
}

static void test_term_length(void **state)
{
    (void)state;
    history();
    const char *R = "years=3";
    vcm_gov_term p = term(CHAIR, "chair", 20, NULL, E, "2015-10-01", "2018-10-01");
    assert_null(check1("term_length", R, &p));
    p = term(CHAIR, "chair", 20, NULL, E, "2015-10-01", "2018-09-30"); /* the day before */
    assert_null(check1("term_length", R, &p));
    p = term(CHAIR, "chair", 20, NULL, E, "2015", "2018");
    assert_null(check1("term_length", R, &p));
    p = term(CHAIR, "chair", 20, NULL, E, "2015-10", "2018-09");
    assert_null(check1("term_length", R, &p));
    p = term(CHAIR, "chair", 20, NULL, E, "2016-02-29", "2019-02-28"); /* leap day */
    assert_null(check1("term_length", R, &p));

    p = term(CHAIR, "chair", 20, NULL, E, "2015-10-01", "2019-10-01");
    assert_string_equal(check1("term_length", R, &p), "gov.breach.term_length");
    p = term(CHAIR, "chair", 20, NULL, E, "2015-10-01", "2017-10-01");
    assert_string_equal(check1("term_length", R, &p), "gov.breach.term_length");
    p = term(CHAIR, "chair", 20, NULL, E, "2015-10-01", NULL); /* a new term has an end */
    assert_string_equal(check1("term_length", R, &p), "gov.breach.term_length");
    p = term(CHAIR, "chair", 20, NULL, E, NULL, "2018");
    assert_string_equal(check1("term_length", R, &p), "gov.breach.term_length");
    /* the permanent seat has no length unless the rule names it */
    p = term(PERMANENT, "permanent_seat", 0, "ASEF", U, "2020", NULL);
    assert_null(check1("term_length", R, &p));
    assert_string_equal(check1("term_length", "years=3 offices=permanent_seat", &p),
                        "gov.breach.term_length");
    /* offices= limits the rule */
    p = term(SECRETARY, "secretary", 20, NULL, E, "2015", "2020");
    assert_null(check1("term_length", "years=3 offices=chair,vice_chair", &p));
    assert_string_equal(check1("term_length", "years=3 offices=chair,secretary", &p),
                        "gov.breach.term_length");
}

static void test_different_groups(void **state)
{
    (void)state;
    history();
    const char *R = "offices=chair,vice_chair";
    /* a chair from Asia beside the vice-chair from Europe */
    vcm_gov_term p = term(CHAIR, "chair", 20, NULL, A, "2013-01-01", "2015-09-30");
    assert_null(check1("different_groups", R, &p));
    p = term(CHAIR, "chair", 20, NULL, E, "2013-01-01", "2015-09-30");
    assert_string_equal(check1("different_groups", R, &p), "gov.breach.same_group");
    p = term(VICE, "vice_chair", 21, NULL, A, "2013-01-01", "2015-09-30");
    assert_string_equal(check1("different_groups", R, &p), "gov.breach.same_group");
    p = term(CHAIR, "chair", 20, NULL, U, "2013-01-01", "2015-09-30");
    assert_string_equal(check1("different_groups", R, &p), "gov.breach.group_unknown");
    /* no overlap, no constraint */
    p = term(CHAIR, "chair", 20, NULL, E, "2015-10-01", "2018-09-30");
    assert_null(check1("different_groups", R, &p));
    /* offices the rule does not name */
    p = term(SECRETARY, "secretary", 20, NULL, E, "2013", "2016");
    assert_null(check1("different_groups", R, &p));
}

static void test_alternation(void **state)
{
    (void)state;
    history();
    const char *R = "office=chair";
    vcm_gov_term p = term(CHAIR, "chair", 20, NULL, E, "2015-10-01", "2018-09-30");
    assert_null(check1("alternation", R, &p));
    p = term(CHAIR, "chair", 20, NULL, A, "2015-10-01", "2018-09-30");
    assert_string_equal(check1("alternation", R, &p), "gov.breach.not_alternating");
    p = term(CHAIR, "chair", 20, NULL, U, "2015-10-01", "2018-09-30");
    assert_string_equal(check1("alternation", R, &p), "gov.breach.group_unknown");
    /* the rule is about its own office */
    p = term(VICE, "vice_chair", 20, NULL, E, "2015-10-01", "2018-09-30");
    assert_null(check1("alternation", R, &p));
    assert_string_equal(check1("alternation", "office=vice_chair", &p),
                        "gov.breach.not_alternating");
    /* with nothing known before, any group may start */
    nstored = 0;
    p = term(CHAIR, "chair", 20, NULL, A, "2015-10-01", "2018-09-30");
    assert_null(check1("alternation", R, &p));
    stored[nstored++] = term(CHAIR, "chair", 9, NULL, U, "2009", "2012");
    assert_null(check1("alternation", R, &p));
    /* the term before is the latest that started earlier */
    stored[nstored++] = term(CHAIR, "chair", 10, NULL, A, "2012-10-01", "2015-09-30");
    stored[nstored++] = term(CHAIR, "chair", 8, NULL, E, "2006", "2009");
    assert_string_equal(check1("alternation", R, &p), "gov.breach.not_alternating");
}

static void test_permanent_seat(void **state)
{
    (void)state;
    nstored = 0;
    const char *R = "holder=ASEF";
    vcm_gov_term p = term(PERMANENT, "permanent_seat", 0, "ASEF", U, "1997", NULL);
    assert_null(check1("permanent_seat", R, &p));
    p = term(PERMANENT, "permanent_seat", 0, "ACM", A, "1997", NULL);
    assert_string_equal(check1("permanent_seat", R, &p), "gov.breach.permanent_holder");
    p = term(PERMANENT, "permanent_seat", 30, NULL, A, "1997", NULL);
    assert_string_equal(check1("permanent_seat", R, &p), "gov.breach.permanent_holder");
    p = term(PERMANENT, "permanent_seat", 0, "ASEF", U, "1997", "2000");
    assert_string_equal(check1("permanent_seat", R, &p), "gov.breach.permanent_end");
    /* only one: ASEF's seat is running */
    history();
    p = term(PERMANENT, "permanent_seat", 0, "ASEF", U, "2020", NULL);
    assert_string_equal(check1("permanent_seat", R, &p), "gov.breach.permanent_taken");
    /* a seat whose bounds are not known is held all the same */
    nstored = 0;
    stored[nstored++] = term(PERMANENT, "permanent_seat", 0, "ASEF", U, NULL, NULL);
    p = term(PERMANENT, "permanent_seat", 0, "ASEF", U, "2020", NULL);
    assert_string_equal(check1("permanent_seat", R, &p), "gov.breach.permanent_taken");
    /* other offices are not its business */
    p = term(HOST, "secretariat_host", 0, "ACM", A, "2012", "2015");
    assert_null(check1("permanent_seat", R, &p));
}

static void test_one_office(void **state)
{
    (void)state;
    history();
    vcm_gov_term p = term(SECRETARY, "secretary", 10, NULL, A, "2013", "2016");
    assert_string_equal(check1("one_office_per_person", "", &p), "gov.breach.two_offices");
    p = term(SECRETARY, "secretary", 10, NULL, A, "2015-10-01", "2018-09-30");
    assert_null(check1("one_office_per_person", "", &p));
    p = term(SECRETARY, "secretary", 12, NULL, A, "2013", "2016");
    assert_null(check1("one_office_per_person", "", &p));
    /* organizations may hold a seat and host the secretariat */
    p = term(HOST, "secretariat_host", 0, "ASEF", U, "2013", "2016");
    assert_null(check1("one_office_per_person", "", &p));
}

/* A stored term with an unknown end lasts until its office's next term. */
static void test_unknown_bounds(void **state)
{
    (void)state;
    nstored = 0;
    stored[nstored++] = term(CHAIR, "chair", 10, NULL, A, "2012", NULL);
    vcm_gov_term p = term(VICE, "vice_chair", 10, NULL, A, "2016", "2019");
    assert_string_equal(check1("one_office_per_person", "", &p), "gov.breach.two_offices");
    stored[nstored++] = term(CHAIR, "chair", 20, NULL, E, "2015", "2018");
    assert_null(check1("one_office_per_person", "", &p));
    /* neither bound known: when is not known, so nothing is constrained */
    nstored = 0;
    stored[nstored++] = term(CHAIR, "chair", 10, NULL, A, NULL, NULL);
    assert_null(check1("one_office_per_person", "", &p));
    /* a known end and an unknown start: any time before it */
    stored[0] = term(CHAIR, "chair", 10, NULL, A, NULL, "2017");
    assert_string_equal(check1("one_office_per_person", "", &p), "gov.breach.two_offices");
    /* who holds an office on a day */
    vcm_gdate d;
    vcm_gdate_parse("2016-05-01", &d);
    assert_true(vcm_gov_holds(stored, nstored, 10, d));
    assert_false(vcm_gov_holds(stored, nstored, 11, d));
    vcm_gdate_parse("2018", &d);
    assert_false(vcm_gov_holds(stored, nstored, 10, d));
}

/* Every rule at once names each one broken, with its index. */
static void test_all_rules(void **state)
{
    (void)state;
    history();
    vcm_gov_rule rules[] = {
        {1, "term_length", "years=3"},
        {2, "different_groups", "offices=chair,vice_chair"},
        {3, "alternation", "office=chair"},
        {4, "alternation", "office=vice_chair"},
        {5, "permanent_seat", "holder=ASEF"},
        {6, "one_office_per_person", ""},
    };
    vcm_gov_breach b[VCM_GOV_BREACH_MAX];
    size_t n;
    vcm_gov_term p = term(CHAIR, "chair", 20, NULL, E, "2015-10-01", "2018-09-30");
    assert_int_equal(vcm_gov_check(rules, 6, stored, nstored, &p, b, VCM_GOV_BREACH_MAX, &n), 0);
    assert_int_equal(n, 0);
    /* the chair stays in Asia, for four years, while vice-chair */
    stored[nstored++] = term(VICE, "vice_chair", 21, NULL, A, "2015-10-01", "2018-09-30");
    p = term(CHAIR, "chair", 21, NULL, A, "2015-10-01", "2019-09-30");
    assert_int_equal(vcm_gov_check(rules, 6, stored, nstored, &p, b, VCM_GOV_BREACH_MAX, &n), 0);
    assert_int_equal(n, 4);
    assert_int_equal(b[0].rule, 0);
    assert_string_equal(b[0].why, "gov.breach.term_length");
    assert_int_equal(b[1].rule, 1);
    assert_string_equal(b[1].why, "gov.breach.same_group");
    assert_int_equal(b[2].rule, 2);
    assert_string_equal(b[2].why, "gov.breach.not_alternating");
    assert_int_equal(b[3].rule, 5);
    assert_string_equal(b[3].why, "gov.breach.two_offices");
    /* a cap on the breaches written */
    assert_int_equal(vcm_gov_check(rules, 6, stored, nstored, &p, b, 2, &n), 0);
    assert_int_equal(n, 2);
    /* a malformed rule stops the check and is named */
    rules[3].params = "office=president";
    assert_int_equal(vcm_gov_check(rules, 6, stored, nstored, &p, b, VCM_GOV_BREACH_MAX, &n), -1);
    assert_int_equal(n, 1);
    assert_int_equal(b[0].rule, 3);
    assert_string_equal(b[0].why, "gov.breach.malformed");
}

static void test_rule_syntax(void **state)
{
    (void)state;
    char why[160];
    static const char *const good[][2] = {
        {"term_length", "years=3"},
        {"term_length", "years=3 offices=chair,vice_chair,secretariat_host"},
        {"different_groups", "offices=chair,vice_chair"},
        {"alternation", "office=secretariat_host"},
        {"permanent_seat", "holder=ASEF"},
        {"one_office_per_person", ""},
        {"one_office_per_person", NULL},
        {"voters", "who=committee"},
        {"quorum", "present=1/2"},
        {"quorum", "present=2/3"},
    };
    static const char *const bad[][2] = {
        {"term_length", ""},           {"term_length", "years=0"},
        {"term_length", "years=51"},   {"term_length", "years=3x"},
        {"term_length", "years=3 years=4"}, {"term_length", "years=3 colour=red"},
        {"term_length", "years=3 offices=king"}, {"term_length", "years=3 "},
        {"term_length", " years=3"},   {"term_length", "years=3  offices=chair"},
        {"different_groups", "offices=chair"}, {"alternation", "office="},
        {"permanent_seat", ""},        {"one_office_per_person", "x=1"},
        {"voters", "who=everyone"},    {"quorum", "present=3/2"},
        {"quorum", "present=0/2"},     {"quorum", "present=1/0"},
        {"quorum", "present=1/1000"},  {"term_limit", "years=3"},
        {NULL, "years=3"},             {"alternation", "office=chair;drop"},
    };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        vcm_gov_rule r = {0, good[i][0], good[i][1]};
        if (vcm_gov_rule_valid(&r, why, sizeof why) != 0)
            fail_msg("%s %s: %s", good[i][0], good[i][1], why);
    }
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        vcm_gov_rule r = {0, bad[i][0], bad[i][1]};
        if (vcm_gov_rule_valid(&r, why, sizeof why) != -1)
            fail_msg("accepted %s %s", bad[i][0] ? bad[i][0] : "(null)", bad[i][1]);
        assert_true(why[0] != 0);
    }
    char v[8];
    assert_int_equal(vcm_gov_param("a=1 b=22", "b", v, sizeof v), 1);
    assert_string_equal(v, "22");
    assert_int_equal(vcm_gov_param("a=1 b=22", "c", v, sizeof v), 0);
    assert_int_equal(vcm_gov_param("a=12345678", "a", v, sizeof v), -1);
    assert_true(vcm_gov_list_has("chair,vice_chair", "vice_chair"));
    assert_false(vcm_gov_list_has("chair,vice_chair", "vice"));
}

static void test_dates(void **state)
{
    (void)state;
    vcm_gdate d;
    char out[11];
    static const char *const good[] = {"2012", "2012-10", "2012-10-04", "2016-02-29"};
    static const char *const bad[] = {"12",         "0999",       "2012-13",   "2012-00",
                                      "2015-02-29", "2012-1-4",   "2012-10-32", "2012/10",
                                      "2012-10-04T", "２０１２"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        assert_int_equal(vcm_gdate_parse(good[i], &d), 0);
        vcm_gdate_format(d, out);
        assert_string_equal(out, good[i]);
    }
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (vcm_gdate_parse(bad[i], &d) != -1)
            fail_msg("accepted date '%s'", bad[i]);
    assert_int_equal(vcm_gdate_parse(NULL, &d), 0);
    assert_int_equal(d.y, 0);
    vcm_gdate_format(d, out);
    assert_string_equal(out, "");
    vcm_gdate_parse("2012", &d);
    vcm_gdate s;
    vcm_gdate_parse("2012-12-31", &s);
    assert_true(vcm_gdate_last(d) == vcm_gdate_last(s));
    vcm_gdate_parse("2012-01-01", &s);
    assert_true(vcm_gdate_first(d) == vcm_gdate_first(s));
}

static void test_quorum_voters(void **state)
{
    (void)state;
    vcm_gov_rule q = {1, "quorum", "present=2/3"};
    assert_int_equal(vcm_gov_quorum(&q, 1, 9, 6), 1);
    assert_int_equal(vcm_gov_quorum(&q, 1, 9, 5), 0);
    /* no rule: more than half */
    assert_int_equal(vcm_gov_quorum(NULL, 0, 10, 6), 1);
    assert_int_equal(vcm_gov_quorum(NULL, 0, 10, 5), 0);
    assert_int_equal(vcm_gov_quorum(NULL, 0, 0, 0), 0);
    vcm_gov_rule badq = {1, "quorum", "present=2"};
    assert_int_equal(vcm_gov_quorum(&badq, 1, 9, 6), -1);

    vcm_gov_rule v = {2, "voters", "who=committee"};
    assert_int_equal(vcm_gov_may_vote(&v, 1, true, false), 1);
    assert_int_equal(vcm_gov_may_vote(&v, 1, false, true), 0);
    v.params = "who=members";
    assert_int_equal(vcm_gov_may_vote(&v, 1, true, false), 0);
    assert_int_equal(vcm_gov_may_vote(&v, 1, false, true), 1);
    assert_int_equal(vcm_gov_may_vote(NULL, 0, false, true), 1);
    assert_int_equal(vcm_gov_may_vote(NULL, 0, true, false), 0);
}

static void test_facts(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_gov_fact f;
    char err[200];
    const char *good[] = {
        "body\tkey=executive_committee\tname=Executive Committee",
        "office\tbody=executive_committee\tkind=chair\tname=Chair\tpos=1",
        "rule\tbody=executive_committee\tkind=term_length\tparams=years=3 offices=chair",
        "term\toffice=Chair\tperson=Kim Youngna\tcountry=KR\tstart=2011-10\tend=2014-09"
        "\tsource=seed 002",
        "term\toffice=Permanent seat\torg=ASEF\tsource=seed 002\tdemo=no",
        "meeting\tkind=general_conference\tnumber=5\ttitle=5th\tstart=2012\tsource=s",
        "item\tmeeting=5th\tkind=decision\ttitle=Host\twho=W\tdue=2013-06",
        "news\ttitle=T\tbody=B\tpublished=2020-01-01\tsource=s\tdemo=yes",
    };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        if (vcm_gov_fact_parse(good[i], strlen(good[i]), &a, &f, err, sizeof err) != 1)
            fail_msg("refused line %zu: %s", i, err);
    assert_string_equal(f.kind, "news");
    assert_string_equal(vcm_gov_fact_get(&f, "demo"), "yes");
    const char *l = good[2];
    assert_int_equal(vcm_gov_fact_parse(l, strlen(l), &a, &f, err, sizeof err), 1);
    assert_string_equal(vcm_gov_fact_get(&f, "params"), "years=3 offices=chair");
    const char *blank[] = {"", "   ", "# a comment\tx=1"};
    for (size_t i = 0; i < sizeof blank / sizeof *blank; i++)
        assert_int_equal(vcm_gov_fact_parse(blank[i], strlen(blank[i]), &a, &f, err, sizeof err), 0);
    struct { const char *line, *why; } bad[] = {
        {"party\tname=x", "unknown kind"},
        {"body\tkey=x", "needs name"},
        {"body\tkey=x\tname=y\tcolour=red", "no 'colour'"},
        {"body\tkey=x\tname=y\tname=z", "twice"},
        {"body\tkey=x\tname=", "empty"},
        {"body\tkey=x\tnamey", "not name=value"},
        {"office\tbody=b\tkind=king\tname=K\tpos=1", "not a kind of office"},
        {"office\tbody=b\tkind=chair\tname=K\tpos=0", "number"},
        {"rule\tbody=b\tkind=term_length\tparams=years=x", "years"},
        {"term\toffice=Chair\tsource=s", "person or org"},
        {"term\toffice=Chair\tperson=P\torg=O\tsource=s", "not both"},
        {"term\toffice=Chair\tperson=P\tsource=s\tstart=2012-13", "not a date"},
        {"term\toffice=Chair\tperson=P\tsource=s\tcountry=kr", "two capital"},
        {"term\toffice=Chair\tperson=P\tsource=s\tdemo=maybe", "yes or no"},
        {"meeting\tkind=party\ttitle=t\tsource=s", "not a kind of meeting"},
        {"item\tmeeting=m\tkind=vote\ttitle=t", "not a kind of item"},
        {"news\ttitle=t\tbody=\xff\tsource=s", "UTF-8"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (vcm_gov_fact_parse(bad[i].line, strlen(bad[i].line), &a, &f, err, sizeof err) != -1)
            fail_msg("accepted '%s'", bad[i].line);
        assert_contains(err, bad[i].why);
    }
    vcm_arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_term_length),    cmocka_unit_test(test_different_groups),
        cmocka_unit_test(test_alternation),    cmocka_unit_test(test_permanent_seat),
        cmocka_unit_test(test_one_office),     cmocka_unit_test(test_unknown_bounds),
        cmocka_unit_test(test_all_rules),      cmocka_unit_test(test_rule_syntax),
        cmocka_unit_test(test_dates),          cmocka_unit_test(test_quorum_voters),
        cmocka_unit_test(test_facts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
