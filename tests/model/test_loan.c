/* The loan state machine (src/model/loan.c): every one of the 81 pairs of
 * states, allowed exactly when it is an edge of model/loan.h; for every
 * allowed step, each piece of information it needs missing in turn is
 * refused by name; the request's parties, period and lines; which states
 * hold a booking; and the matching of the exchange programme, with the
 * parts of its score. */
#include "testutil.h"

#include "model/exchange.h"
#include "model/loan.h"

static const vcm_loan full = {
    .lender_id = 1, .borrower_id = 2, .reason = "exhibition", .start = "2027-03-01",
    .end = "2027-06-30", .venue = "Gallery 1", .assessment = "fit to travel",
    .conditions = "40-60% RH", .insurance = "government indemnity",
    .condition_out = "good", .courier_out = "A. Courier", .arrival = "no change",
    .courier_in = "B. Courier", .condition_in = "good", .cancel_reason = "venue closed",
    .nlines = 1};

/* The edges, written out once more by hand (not derived from the code). */
static bool edge(int from, int to)
{
    static const int edges[][2] = {
        {VCM_LOAN_REQUEST, VCM_LOAN_ASSESSMENT},       {VCM_LOAN_ASSESSMENT, VCM_LOAN_AGREEMENT},
        {VCM_LOAN_AGREEMENT, VCM_LOAN_CHECK_OUT},      {VCM_LOAN_CHECK_OUT, VCM_LOAN_IN_TRANSIT},
        {VCM_LOAN_IN_TRANSIT, VCM_LOAN_ON_DISPLAY},    {VCM_LOAN_ON_DISPLAY, VCM_LOAN_CHECK_IN},
        {VCM_LOAN_CHECK_IN, VCM_LOAN_RETURNED},        {VCM_LOAN_REQUEST, VCM_LOAN_CANCELLED},
        {VCM_LOAN_ASSESSMENT, VCM_LOAN_CANCELLED},     {VCM_LOAN_AGREEMENT, VCM_LOAN_CANCELLED},
        {VCM_LOAN_CHECK_OUT, VCM_LOAN_CANCELLED}};
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
        if (edges[i][0] == from && edges[i][1] == to)
            return true;
    return false;
}

static void test_every_pair(void **state)
{
    (void)state;
    int allowed = 0, refused = 0;
    for (int from = 0; from < VCM_LOAN_NSTATES; from++)
        for (int to = 0; to < VCM_LOAN_NSTATES; to++) {
            vcm_loan l = full;
            l.state = (vcm_loan_state)from;
            vcm_refusal why = {0};
            int rc = vcm_loan_check(&l, (vcm_loan_state)to, &why);
            if (edge(from, to)) {
                if (rc != 0)
                    fail_msg("%s -> %s refused (%s)", vcm_loan_state_name(from),
                             vcm_loan_state_name(to), why.rule);
                allowed++;
            } else {
                if (rc != -1 || strcmp(why.rule, "loan-transition") != 0)
                    fail_msg("%s -> %s not refused as a transition", vcm_loan_state_name(from),
                             vcm_loan_state_name(to));
                refused++;
            }
            assert_int_equal(vcm_loan_next(from, to), edge(from, to));
        }
    assert_int_equal(allowed, 11);
    assert_int_equal(refused, 70);
}

/* Each allowed step, with each field it or an earlier step needs emptied. */
static void test_information(void **state)
{
    (void)state;
    int checked = 0;
    for (int from = 0; from < VCM_LOAN_NSTATES; from++)
        for (int to = 0; to < VCM_LOAN_NSTATES; to++) {
            if (!edge(from, to))
                continue;
            for (int s = to == VCM_LOAN_CANCELLED ? VCM_LOAN_CANCELLED : 0; s <= to; s++)
                for (const char *const *f = vcm_loan_needs((vcm_loan_state)s); *f; f++) {
                    vcm_loan l = full;
                    l.state = (vcm_loan_state)from;
                    const char *blank = checked % 2 ? "  " : NULL;
                    if (!strcmp(*f, "reason")) l.reason = blank;
                    else if (!strcmp(*f, "start")) l.start = blank;
                    else if (!strcmp(*f, "end")) l.end = blank;
                    else if (!strcmp(*f, "venue")) l.venue = blank;
                    else if (!strcmp(*f, "assessment")) l.assessment = blank;
                    else if (!strcmp(*f, "conditions")) l.conditions = blank;
                    else if (!strcmp(*f, "insurance")) l.insurance = blank;
                    else if (!strcmp(*f, "condition_out")) l.condition_out = blank;
                    else if (!strcmp(*f, "courier_out")) l.courier_out = blank;
                    else if (!strcmp(*f, "arrival")) l.arrival = blank;
                    else if (!strcmp(*f, "courier_in")) l.courier_in = blank;
                    else if (!strcmp(*f, "condition_in")) l.condition_in = blank;
                    else if (!strcmp(*f, "cancel_reason")) l.cancel_reason = blank;
                    else fail_msg("unknown field %s", *f);
                    vcm_refusal why = {0};
                    if (vcm_loan_check(&l, (vcm_loan_state)to, &why) != -1)
                        fail_msg("%s -> %s allowed without %s", vcm_loan_state_name(from),
                                 vcm_loan_state_name(to), *f);
                    checked++;
                }
        }
    /* what each step needs, from the table of docs/loans.md */
    vcm_loan l = full;
    l.state = VCM_LOAN_ASSESSMENT;
    l.insurance = NULL;
    vcm_refusal why;
    assert_int_equal(vcm_loan_check(&l, VCM_LOAN_AGREEMENT, &why), -1);
    assert_string_equal(why.rule, "loan-information");
    assert_string_equal(why.key, "insurance");
    l.state = VCM_LOAN_CHECK_OUT;
    l.insurance = "indemnity";
    l.courier_out = "";
    assert_int_equal(vcm_loan_check(&l, VCM_LOAN_IN_TRANSIT, &why), -1);
    assert_string_equal(why.key, "courier_out");
    /* a request needs no more than the request's own information */
    vcm_loan r = {.lender_id = 1, .borrower_id = 2, .reason = "r", .start = "2027-01-01",
                  .end = "2027-01-01", .venue = "v", .nlines = 1};
    assert_int_equal(vcm_loan_check(&r, VCM_LOAN_ASSESSMENT, &why), 0);
    assert_int_equal(vcm_loan_check(&r, VCM_LOAN_CANCELLED, &why), -1);
    assert_string_equal(why.key, "cancel_reason");
    assert_true(checked > 40);
}

static void test_request(void **state)
{
    (void)state;
    vcm_loan l = full;
    vcm_refusal why;
    assert_int_equal(vcm_loan_check_request(&l, &why), 0);
    l.borrower_id = l.lender_id;
    assert_int_equal(vcm_loan_check_request(&l, &why), -1);
    assert_string_equal(why.rule, "loan-parties");
    l = full;
    l.lender_id = 0;
    assert_int_equal(vcm_loan_check_request(&l, &why), -1);
    assert_string_equal(why.rule, "loan-parties");
    static const char *const bad[][2] = {
        {"2027-06-30", "2027-03-01"}, /* ends before it starts */
        {"2027-02-29", "2027-03-01"}, /* no such day */
        {"2027-03", "2027-06-30"},    /* a month is no fixed day */
        {"2027-03-01", "9999-12-31"}, /* beyond the years kept */
        {"2027-13-01", "2027-14-01"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        l = full;
        l.start = bad[i][0];
        l.end = bad[i][1];
        assert_int_equal(vcm_loan_check_request(&l, &why), -1);
        assert_string_equal(why.rule, "loan-period");
    }
    /* no open-ended loan: an end is information the request needs */
    l = full;
    l.end = NULL;
    assert_int_equal(vcm_loan_check_request(&l, &why), -1);
    assert_string_equal(why.key, "end");
    l = full;
    l.start = l.end = "2028-02-29"; /* one day, a leap day */
    assert_int_equal(vcm_loan_check_request(&l, &why), 0);
    l.nlines = 0;
    assert_int_equal(vcm_loan_check_request(&l, &why), -1);
    assert_string_equal(why.rule, "loan-lines");
}

static void test_holds_and_names(void **state)
{
    (void)state;
    const bool want[VCM_LOAN_NSTATES] = {false, false, true, true, true, true, true, false, false};
    for (int s = 0; s < VCM_LOAN_NSTATES; s++) {
        assert_int_equal(vcm_loan_holds((vcm_loan_state)s), want[s]);
        vcm_loan_state back;
        assert_int_equal(vcm_loan_state_parse(vcm_loan_state_name((vcm_loan_state)s), &back), 0);
        assert_int_equal(back, s);
    }
    vcm_loan_state x;
    assert_int_equal(vcm_loan_state_parse("lost", &x), -1);
    assert_true(vcm_loan_overlap("2027-01-01", "2027-01-31", "2027-01-31", "2027-02-28"));
    assert_false(vcm_loan_overlap("2027-01-01", "2027-01-30", "2027-01-31", "2027-02-28"));
}

static void test_match(void **state)
{
    (void)state;
    vcm_xpost offer = {.offer = true, .host = true, .kind = VCM_X_PLACEMENT,
                       .topic = "Conservation of lacquer and textiles",
                       .skills = "conservation, photography", .languages = "en, ko",
                       .start = "2027-05-01", .end = "2027-07-31", .group = VCM_REGION_ASIA};
    vcm_xpost req = {.offer = false, .host = false, .kind = VCM_X_PLACEMENT,
                     .topic = "Textiles conservation", .skills = "conservation",
                     .languages = "de, en", .start = "2027-07-01", .end = "2027-09-30",
                     .group = VCM_REGION_EUROPE};
    vcm_xscore sc;
    vcm_xmatch(&offer, &req, &sc);
    assert_true(sc.eligible);
    /* "conservation" and "textiles" shared of 3 words ("lacquer" too) */
    assert_int_equal(sc.topic, 40 * 2 / 3);
    assert_int_equal(sc.skills, 30 * 1 / 2);
    assert_int_equal(sc.languages, 20);
    assert_int_equal(sc.dates, 10);
    assert_int_equal(sc.total, sc.topic + sc.skills + 20 + 10);
    vcm_xscore back;
    vcm_xmatch(&req, &offer, &back);
    assert_int_equal(back.total, sc.total);
    /* Asia with Asia is no exchange between the groups */
    vcm_xpost same = req;
    same.group = VCM_REGION_ASIA;
    vcm_xmatch(&offer, &same, &sc);
    assert_false(sc.eligible);
    assert_int_equal(sc.total, 0);
    assert_string_equal(sc.why_not, "exchange.not.groups");
    same = req;
    same.host = true;
    vcm_xmatch(&offer, &same, &sc);
    assert_string_equal(sc.why_not, "exchange.not.sides");
    same = req;
    same.kind = VCM_X_EDUCATION;
    vcm_xmatch(&offer, &same, &sc);
    assert_string_equal(sc.why_not, "exchange.not.kind");
    vcm_xmatch(&offer, &offer, &sc);
    assert_string_equal(sc.why_not, "exchange.not.both_offer");
    const char *field, *key;
    assert_int_equal(vcm_xpost_check(&offer, &field, &key), 0);
    offer.end = "2027-04-01";
    assert_int_equal(vcm_xpost_check(&offer, &field, &key), -1);
    assert_string_equal(field, "start");
}

static void test_entries(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_loan_entry e[VCM_LOAN_MAX_LINES];
    int bad = -1;
    assert_int_equal(vcm_loan_entries_parse(" A-1 | jade disc \n\nobject:42\r\n  |  \nB 2", &a, e,
                                            &bad),
                     3);
    assert_string_equal(e[0].inventory, "A-1");
    assert_string_equal(e[0].label, "jade disc");
    assert_int_equal(e[1].object_id, 42);
    assert_null(e[1].inventory);
    assert_string_equal(e[2].inventory, "B 2");
    assert_null(e[2].label);
    assert_int_equal(vcm_loan_entries_parse("A\nobject:x\n", &a, e, &bad), -1);
    assert_int_equal(bad, 2);
    assert_int_equal(vcm_loan_entries_parse("object:0", &a, e, &bad), -1);
    assert_int_equal(vcm_loan_entries_parse("| a label with no object", &a, e, &bad), -1);
    /* too many lines, too long a line */
    char *many = vcm_arena_alloc(&a, (VCM_LOAN_MAX_LINES + 1) * 3 + 1);
    for (int i = 0; i <= VCM_LOAN_MAX_LINES; i++)
        memcpy(many + i * 3, "X1\n", 3);
    many[(VCM_LOAN_MAX_LINES + 1) * 3] = '\0';
    assert_int_equal(vcm_loan_entries_parse(many, &a, e, &bad), -1);
    assert_int_equal(bad, VCM_LOAN_MAX_LINES + 1);
    many[VCM_LOAN_MAX_LINES * 3] = '\0';
    assert_int_equal(vcm_loan_entries_parse(many, &a, e, &bad), VCM_LOAN_MAX_LINES);
    char long_line[VCM_LOAN_MAX_TEXT + 2];
    memset(long_line, 'x', sizeof long_line - 1);
    long_line[sizeof long_line - 1] = '\0';
    assert_int_equal(vcm_loan_entries_parse(long_line, &a, e, &bad), -1);
    assert_int_equal(vcm_loan_entries_parse("", &a, e, &bad), 0);
    vcm_arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_pair),
        cmocka_unit_test(test_information),
        cmocka_unit_test(test_request),
        cmocka_unit_test(test_holds_and_names),
        cmocka_unit_test(test_match),
        cmocka_unit_test(test_entries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
