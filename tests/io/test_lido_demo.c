/* The LIDO round trip for the whole demo: export → import into an empty
 * store → export gives the same file, byte for byte, with nothing reported
 * as not kept; and the bulk LIDO and EDM exports of the demo valid against
 * their schemas (xmllint, offline, streaming). */
#include "testutil.h"

VT_DEMO_SIZED;

static char *dir;

static void validate(const char *file, const char *schema)
{
    char *out;
    int rc = vt_sh(&out, "xmllint --noout --nonet --stream --schema '%s/schemas/%s' '%s'",
                   vt_data(), schema, file);
    if (rc != 0 || !strstr(out, "validates") || strstr(out, "failed to compile") ||
        strstr(out, "failed to load"))
        fail_msg("%s does not validate against %s:\n%.3000s", file, schema, out);
    free(out);
}

static void test_demo_round_trip(void **state)
{
    (void)state;
    char db[1024], db2[1024], x1[1024], x2[1024], e1[1024], *out;
    vt_demo_db(db, sizeof db, dir, "demo");
    snprintf(x1, sizeof x1, "%s/demo1.lido.xml", dir);
    snprintf(x2, sizeof x2, "%s/demo2.lido.xml", dir);
    snprintf(e1, sizeof e1, "%s/demo.edm.xml", dir);
    assert_int_equal(vt_sh(&out, "%s export --db '%s' --format lido '%s'", vt_bin(), db, x1), 0);
    assert_contains(out, "42231 objects written");
    free(out);
    validate(x1, "lido/lido-v1.1.xsd");
    assert_int_equal(vt_sh(NULL, "%s export --db '%s' --format edm --base-url "
                                 "https://vcm.example '%s'",
                           vt_bin(), db, e1),
                     0);
    validate(e1, "edm/EDM.xsd");

    vt_db_url(db2, sizeof db2, dir, "again");
    int rc = vt_sh(&out, "%s import --quiet --db '%s' '%s'", vt_bin(), db2, x1);
    if (rc != 0)
        fail_msg("import of the LIDO export: %d\n%.3000s", rc, out);
    assert_contains(out, "read 42231, inserted 42231, updated 0, unchanged 0, rejected 0");
    assert_not_contains(out, "not kept");
    free(out);
    assert_int_equal(vt_sh(NULL, "%s export --db '%s' --format lido '%s'", vt_bin(), db2, x2), 0);
    rc = vt_sh(&out, "cmp '%s' '%s'", x1, x2);
    if (rc != 0)
        fail_msg("the second export differs: %s", out);
    free(out);
}

int main(void)
{
    dir = vt_tmpdir();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_demo_round_trip),
    };
    int r = cmocka_run_group_tests(tests, NULL, NULL);
    if (!getenv("VCM_TEST_KEEP"))
        vt_rmrf(dir);
    free(dir);
    return r;
}
