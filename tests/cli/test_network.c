/* vcm network load, on each backend: a bad line is reported as FILE:LINE
 * with its reason, the command exits 1 and nothing of that file stays; a
 * membership in a country that is no partner is refused by its rule; a
 * good file loads, twice without a change; vcm network members lists it. */
#include "testutil.h"

static char *dir, db[1024];

static int setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    vt_db_url(db, sizeof db, dir, "netcli");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    vt_rmrf(dir);
    free(dir);
    return 0;
}

static int64_t count(const char *sql)
{
    char *out = NULL;
    assert_int_equal(vt_db_sql(&out, db, sql), 0);
    int64_t n = strtoll(out, NULL, 10);
    free(out);
    return n;
}

static void test_load(void **state)
{
    (void)state;
    char path[1100], *out = NULL;
    snprintf(path, sizeof path, "%s/facts.tsv", dir);
    vt_write_file(path, "# a test\n"
                        "figure\tyear=2012\tat=start\tmembers=82\tsource=s\n"
                        "figure\tyear=2013\tat=end\tmembers=106\tcountries=many\tsource=s\n");
    int rc = vt_sh(&out, "%s network load --db '%s' '%s' 2>&1", vt_bin(), db, path);
    assert_int_equal(rc, 1);
    char want[1200];
    snprintf(want, sizeof want, "%s:3: a value it does not take for 'countries'", path);
    assert_contains(out, want);
    free(out);
    assert_int_equal(count("SELECT count(*) FROM network_figures"), 0);

    /* a member in a country that is no partner: the rule refuses it */
    vt_write_file(path, "museum\tname=Somewhere Museum\tcountry=US\tsource=s\n"
                        "member\tmuseum=Somewhere Museum\tstatus=member\tsource=s\n");
    rc = vt_sh(&out, "%s network load --db '%s' '%s' 2>&1", vt_bin(), db, path);
    assert_int_equal(rc, 1);
    assert_contains(out, ":2: refused by the rule partner-country");
    free(out);
    assert_int_equal(count("SELECT count(*) FROM museums"), 0);

    /* the repository's facts, with the partners first: twice, alike */
    for (int i = 0; i < 2; i++) {
        rc = vt_sh(&out, "%s network load --db '%s' '%s/asem-partners.csv' data/network/facts.tsv "
                         "2>&1", vt_bin(), db, vt_data());
        if (rc != 0)
            fail_msg("load: %s", out);
        free(out);
        assert_int_equal(count("SELECT count(*) FROM member_status"), 3);
        assert_int_equal(count("SELECT count(*) FROM network_partners"), 53);
        assert_int_equal(count("SELECT count(*) FROM network_figures"), 3);
        assert_int_equal(count("SELECT count(*) FROM collections WHERE demo = 1"), 2);
    }
    rc = vt_sh(&out, "%s network members --db '%s'", vt_bin(), db);
    assert_int_equal(rc, 0);
    assert_contains(out, "Asian Civilisations Museum\tSG\tmember");
    assert_contains(out, "Chester Beatty Library\tIE\tmember");
    free(out);
    rc = vt_sh(&out, "%s network --db '%s' 2>&1", vt_bin(), db);
    assert_int_equal(rc, 2);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
