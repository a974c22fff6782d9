/* The network's pure rules (model/network.c): the facts file's lines, each
 * accepted and each refused with its reason; the join form's checks, each
 * field's error beside it; growth per year from status histories (dated
 * and undated, out-of-order records, leaving and coming back); and the
 * repository's own data/network/facts.tsv, every line of which parses. */
#include "testutil.h"

#include "model/network.h"

static int parse(vcm_arena *a, const char *line, vcm_fact *f, char *err)
{
    return vcm_fact_parse(line, strlen(line), a, f, err, 200);
}

static void test_facts(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_fact f;
    char err[200];
    assert_int_equal(parse(&a, "", &f, err), 0);
    assert_int_equal(parse(&a, "  # a comment", &f, err), 0);
    assert_int_equal(parse(&a, "figure\tyear=2013\tat=end\tmembers=106\tcountries=38\t"
                               "source=seed: \"106 museums\"", &f, err), 1);
    assert_int_equal(f.kind, VCM_FACT_FIGURE);
    assert_string_equal(vcm_fact_get(&f, "source"), "seed: \"106 museums\"");
    assert_string_equal(vcm_fact_get(&f, "countries"), "38");
    assert_null(vcm_fact_get(&f, "year2"));
    /* a value may hold '=' */
    assert_int_equal(parse(&a, "museum\tname=A=B\tcountry=KR\tsource=s", &f, err), 1);
    assert_string_equal(vcm_fact_get(&f, "name"), "A=B");
    static const struct {
        const char *line, *why;
    } bad[] = {
        {"meeting\tname=x", "unknown kind 'meeting'"},
        {"figure\tyear=2013\tat=end\tmembers=1\tsource=s\tcolour=red", "unknown key 'colour'"},
        {"figure\tyear=2013\tyear=2014\tat=end\tmembers=1\tsource=s", "a key given twice: 'year'"},
        {"figure\tyear=2013\tat=end\tmembers=1", "missing 'source'"},
        {"figure\tyear=1950\tat=end\tmembers=1\tsource=s", "a value it does not take for 'year'"},
        {"figure\tyear=2013\tat=middle\tmembers=1\tsource=s", "a value it does not take for 'at'"},
        {"member\tmuseum=M\tstatus=friend\tsource=s", "a value it does not take for 'status'"},
        {"member\tmuseum=M\tstatus=member\tfrom=2013-02-30\tsource=s",
         "a value it does not take for 'from'"},
        {"member\tmuseum=M\tstatus=member\tsource=s\tdemo=maybe", "a value it does not take for 'demo'"},
        {"member\tmuseum=\tstatus=member\tsource=s", "a value it does not take for 'museum'"},
        {"partner\tcode=EU\tname=EU\tkind=institution\tgroup=europe\tsource=s",
         "a country partner needs its group, an institution none"},
        {"partner\tcode=FR\tname=France\tkind=country\tsource=s",
         "a country partner needs its group, an institution none"},
        {"museum\tname\tcountry=KR\tsource=s", "a field is not key=value"},
        {"museum\tname=\x01x\tcountry=KR\tsource=s", "a control character"},
        {"museum\tname=\xff\tcountry=KR\tsource=s", "not UTF-8 text"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (parse(&a, bad[i].line, &f, err) != -1)
            fail_msg("accepted: %s", bad[i].line);
        assert_string_equal(err, bad[i].why);
    }
    vcm_arena_release(&a);
}

static void test_facts_file(void **state)
{
    (void)state;
    FILE *fp = fopen("data/network/facts.tsv", "r");
    assert_non_null(fp);
    vcm_arena a;
    vcm_arena_init(&a, 0);
    char line[4096], err[200];
    int facts = 0, members = 0, figures = 0;
    for (int n = 1; fgets(line, sizeof line, fp); n++) {
        line[strcspn(line, "\n")] = '\0';
        vcm_fact f;
        int rc = parse(&a, line, &f, err);
        if (rc < 0)
            fail_msg("data/network/facts.tsv:%d: %s", n, err);
        facts += rc;
        if (rc == 1 && f.kind == VCM_FACT_MEMBER) {
            members++;
            /* a membership the seeds state is a fact, never a demo entry */
            assert_null(vcm_fact_get(&f, "demo"));
            assert_non_null(strstr(vcm_fact_get(&f, "source"), "seeds/"));
        }
        if (rc == 1 && f.kind == VCM_FACT_FIGURE) {
            figures++;
            assert_non_null(strstr(vcm_fact_get(&f, "source"), "seeds/"));
        }
        if (rc == 1 && f.kind == VCM_FACT_COLLECTION) /* none is described by the seeds */
            assert_string_equal(vcm_fact_get(&f, "demo"), "yes");
    }
    fclose(fp);
    assert_int_equal(members, 3);
    assert_int_equal(figures, 3);
    assert_true(facts >= 12);
    vcm_arena_release(&a);
}

static const char *error_of(const vcm_field_error *e, size_t n, const char *field)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(e[i].field, field) == 0)
            return e[i].key;
    return NULL;
}

static void test_join_check(void **state)
{
    (void)state;
    vcm_join_form good = {.institution = "Museum", .country = "KR", .contact_name = "Kim",
                          .contact_email = "kim@example.org", .collections = "Celadon\nand more",
                          .ack_definition = true, .ack_ethics = true, .consent = true};
    vcm_field_error e[VCM_JOIN_MAX_ERRORS];
    assert_int_equal(vcm_join_check(&good, e, VCM_JOIN_MAX_ERRORS), 0);
    vcm_join_form bad = {.institution = "  ", .country = "kr", .website = "ftp://x",
                         .contact_name = "Kim\x01", .contact_email = "nope",
                         .collections = NULL};
    size_t n = vcm_join_check(&bad, e, VCM_JOIN_MAX_ERRORS);
    assert_string_equal(error_of(e, n, "institution"), "form.required");
    assert_string_equal(error_of(e, n, "country"), "network.join.bad_country");
    assert_string_equal(error_of(e, n, "website"), "network.join.bad_website");
    assert_string_equal(error_of(e, n, "contact_name"), "form.bad_text");
    assert_non_null(error_of(e, n, "contact_email"));
    assert_string_equal(error_of(e, n, "collections"), "form.required");
    assert_string_equal(error_of(e, n, "ack_definition"), "network.join.ack_required");
    assert_string_equal(error_of(e, n, "ack_ethics"), "network.join.ack_required");
    assert_string_equal(error_of(e, n, "consent"), "network.join.consent_required");
    assert_null(error_of(e, n, "city"));
    assert_int_equal(n, 9);
    /* cut at the room given */
    assert_int_equal(vcm_join_check(&bad, e, 3), 3);
    char long_name[300];
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    good.institution = long_name;
    n = vcm_join_check(&good, e, VCM_JOIN_MAX_ERRORS);
    assert_int_equal(n, 1);
    assert_string_equal(e[0].key, "form.too_long");
}

static void test_growth(void **state)
{
    (void)state;
    /* museum 1: member from 2010, left in 2012; museum 2: member from
     * 2011 (recorded after a later lapse, out of order), lapsed 2013;
     * museum 3: member, no date; museum 4: applicant 2012, member 2012 */
    const vcm_member_event ev[] = {
        {.museum_id = 1, .status = VCM_MS_MEMBER, .from_date = "2010-05"},
        {.museum_id = 1, .status = VCM_MS_LEFT, .from_date = "2012-01-01"},
        {.museum_id = 2, .status = VCM_MS_LAPSED, .from_date = "2013"},
        {.museum_id = 2, .status = VCM_MS_MEMBER, .from_date = "2011"},
        {.museum_id = 3, .status = VCM_MS_MEMBER},
        {.museum_id = 4, .status = VCM_MS_APPLICANT, .from_date = "2012-03-01"},
        {.museum_id = 4, .status = VCM_MS_MEMBER, .from_date = "2012-06-01"},
    };
    const char countries[][3] = {"FR", "FR", "KR", "KR", "DE", "KR", "KR"};
    vcm_growth_cell out[64];
    int64_t undated;
    size_t n = vcm_growth(ev, countries, 7, 2010, 2013, out, 64, &undated);
    assert_int_equal(undated, 1);
    /* 2010: FR 1; 2011: FR 1, KR 1; 2012: KR 2; 2013: KR 1 */
    struct {
        int year;
        const char *country;
        int64_t members;
    } want[] = {{2010, "FR", 1}, {2011, "FR", 1}, {2011, "KR", 1}, {2012, "KR", 2},
                {2013, "KR", 1}};
    assert_int_equal(n, 5);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(out[i].year, want[i].year);
        assert_string_equal(out[i].country, want[i].country);
        assert_int_equal(out[i].members, want[i].members);
    }
    /* no more than the room given */
    assert_int_equal(vcm_growth(ev, countries, 7, 2010, 2013, out, 2, &undated), 2);
    assert_int_equal(vcm_member_date_year("2013-05"), 2013);
    assert_int_equal(vcm_member_date_year(NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_facts),
        cmocka_unit_test(test_facts_file),
        cmocka_unit_test(test_join_check),
        cmocka_unit_test(test_growth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
