/* scripts/demo.sh, as `make run` runs it, into a fresh store: every image
 * of $VCM_DATA/images is attached to its own record, found by museum and
 * source id, with the rights and credit line its table gives (the Met's
 * 23 photographs, images/met/images.csv) or the demo gives (three jades of
 * the National Palace Museum, Taipei); each image is the file's bytes
 * (checksum); running the script again changes nothing. */
#include "testutil.h"

VT_DEMO_SIZED;

static char *dir, db[1024];

static int group_setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    vt_db_url(db, sizeof db, dir, "demo");
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    vt_rmrf(dir);
    free(dir);
    return 0;
}

static int demo(char **out)
{
    return vt_sh(out, "VCM_DB='%s' VCM_MEDIA='%s/media' VCM_BIN='%s' sh scripts/demo.sh", db,
                 dir, vt_bin());
}

static char *sql(const char *q)
{
    char *out;
    if (vt_db_sql(&out, db, q) != 0)
        fail_msg("%s: %s", q, out);
    return out;
}

/* "museum|source_id|identifier|checksum|rights|attribution" for every
 * image, in one order. */
static const char *const dump =
    "SELECT (SELECT name FROM museum_names n WHERE n.museum_id = o.museum_id ORDER BY pos "
    "LIMIT 1) || '|' || o.source_id || '|' || m.identifier || '|' || m.checksum || '|' || "
    "m.rights || '|' || coalesce(m.attribution, '') FROM media m JOIN objects o ON o.id = "
    "m.object_id ORDER BY m.identifier";

static void test_every_image_on_its_record(void **state)
{
    (void)state;
    char *out;
    if (demo(&out) != 0)
        fail_msg("demo.sh failed: %s", out);
    assert_not_contains(out, "could not");
    free(out);
    char *rows = sql(dump);

    /* the Met: each row of its table, by museum and source id */
    char csv[700];
    snprintf(csv, sizeof csv, "%s/images/met/images.csv", vt_data());
    char *lines;
    assert_int_equal(vt_sh(&lines, "python3 -c \"import csv,sys\n"
                                   "for r in csv.DictReader(open(sys.argv[1])):\n"
                                   "  print(r['file'], r['source_museum'], r['source_id'], "
                                   "r['rights'], r['attribution'], sep='|')\" '%s'", csv),
                     0);
    int met = 0;
    for (char *save = NULL, *l = strtok_r(lines, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        char file[200], museum[200], sid[64], rights[64], attribution[300];
        assert_int_equal(sscanf(l, "%199[^|]|%199[^|]|%63[^|]|%63[^|]|%299[^\n]", file, museum,
                                sid, rights, attribution),
                         5);
        assert_string_equal(rights, "CC0-1.0");
        char path[900], *sum;
        snprintf(path, sizeof path, "%s/images/%s", vt_data(), file);
        assert_int_equal(vt_sh(&sum, "sha256sum '%s' | cut -c1-64", path), 0);
        sum[strcspn(sum, "\n")] = '\0';
        const char *base = strrchr(file, '/') + 1;
        char want[1200];
        snprintf(want, sizeof want, "%s|%s|%.*s|%s|http://creativecommons.org/publicdomain/zero/"
                                    "1.0/|%s\n", museum, sid, (int)(strlen(base) - 4), base, sum,
                 attribution);
        assert_contains(rows, want);
        free(sum);
        met++;
    }
    free(lines);
    assert_int_equal(met, 23);

    /* the three jades of Taipei, on their own records */
    const char *npm = "National Palace Museum, Taipei";
    char want[300];
    for (int i = 0; i < 8; i++) {
        snprintf(want, sizeof want, "%s|古玉3888|npm-jade070-%d|", npm, i);
        assert_contains(rows, want);
    }
    snprintf(want, sizeof want, "%s|古玉1863|npm-jade054-0|", npm);
    assert_contains(rows, want);
    for (int i = 0; i < 3; i++) {
        snprintf(want, sizeof want, "%s|古玉0636|npm-jade001-%d|", npm, i);
        assert_contains(rows, want);
    }
    char *n = sql("SELECT count(*) FROM media");
    assert_string_equal(n, "35\n"); /* 23 + 8 + 1 + 3 */
    free(n);
    n = sql("SELECT count(DISTINCT object_id) FROM media");
    assert_string_equal(n, "26\n"); /* 23 Met objects + 3 jades */
    free(n);

    /* again: nothing changes */
    assert_int_equal(demo(&out), 0);
    free(out);
    char *again = sql(dump);
    assert_string_equal(rows, again);
    free(again);
    free(rows);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_image_on_its_record),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
