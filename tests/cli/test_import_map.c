/* vcm import FILE --map MAPPING.json [--dry-run], through the real program:
 * the dry run's report (how each column maps, the rows that would fail with
 * their file and line, the counts) writes nothing; the import writes, and
 * a second one changes nothing; a bad mapping stops with its reason; and a
 * CSV far larger than the program's memory is read in constant memory. */
#include "testutil.h"

static char *dir;
static char db[1024], csv[1100], map[1100];

static int group_setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    vt_db_url(db, sizeof db, dir, "map");
    snprintf(csv, sizeof csv, "%s/data.csv", dir);
    snprintf(map, sizeof map, "%s/map.json", dir);
    vt_write_file(csv, "\xEF\xBB\xBFNo.,Title,Maker,Year,Shelf\r\n"
                       "A1,\"Bowl, with lid\",\"Potter\r\nof Arita\",1690,3\r\n"
                       "A2,Screen,,c. 1700,4\r\n"
                       "A3,Jar,,circa,5\r\n"
                       ",Cup,,1800,6\r\n"
                       "A5,\"Vase\",,1801\r\n"
                       "A6,\"Box\"x,,1802,7\r\n");
    vt_write_file(map, "{\"format\": \"csv\", \"fields\": {\n"
                       " \"source_museum\": {\"const\": \"Test Museum\"},\n"
                       " \"source_country\": {\"const\": \"JP\"},\n"
                       " \"source_id\": \"No.\", \"title\": \"Title\", \"artist\": \"Maker\",\n"
                       " \"date_text\": \"Year\",\n"
                       " \"date_start\": {\"column\": \"Year\", \"transforms\": [\"year_start\"]},\n"
                       " \"date_end\": {\"column\": \"Year\", \"transforms\": [\"year_end\"]}}}\n");
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (!getenv("VCM_TEST_KEEP"))
        vt_rmrf(dir);
    free(dir);
    return 0;
}

static void test_dry_run(void **state)
{
    (void)state;
    char *out;
    int rc = vt_sh(&out, "%s import --db '%s' %s --map %s --dry-run", vt_bin(), db, csv, map);
    assert_int_equal(rc, 1); /* rows would be rejected */
    assert_contains(out, "dry run: nothing is written");
    assert_contains(out, "No.                          -> source_id");
    assert_contains(out, "Year                         -> date_text, date_start, date_end");
    assert_contains(out, "Shelf                        not read");
    /* lines as in the file: A1's quoted line break takes lines 2 and 3;
     * "circa" states no year, so that row is kept without years */
    assert_not_contains(out, "data.csv:5:");
    char want[1300];
    snprintf(want, sizeof want, "%s:6: missing source_id", csv);
    assert_contains(out, want);
    snprintf(want, sizeof want, "%s:7: expected 5 fields, found 4", csv);
    assert_contains(out, want);
    snprintf(want, sizeof want, "%s:8: text after a closing quote", csv);
    assert_contains(out, want);
    assert_contains(out, "read 6 rows, 3 would be rejected; would create 3 records, update 0, "
                         "leave 0 unchanged; 1 museums would be created");
    assert_contains(out, "would create museum 'Test Museum'");
    free(out);
    /* nothing written */
    rc = vt_sh(&out, "%s stats --db '%s'", vt_bin(), db);
    assert_int_equal(rc, 0);
    assert_contains(out, "objects 0\n");
    free(out);
}

static void test_import_then_again(void **state)
{
    (void)state;
    char *out;
    int rc = vt_sh(&out, "%s import --quiet --db '%s' %s --map %s", vt_bin(), db, csv, map);
    assert_int_equal(rc, 1);
    assert_contains(out, "read 6 rows, rejected 3; inserted 3, updated 0, unchanged 0");
    free(out);
    rc = vt_sh(&out, "%s export --db '%s' -", vt_bin(), db);
    assert_int_equal(rc, 0);
    assert_contains(out, "\"source_id\":\"A1\"");
    assert_contains(out, "\"creators\":[\"Potter of Arita\"]"); /* the quoted line break */
    assert_contains(out, "\"date_start\":1700"); /* c. 1700 */
    free(out);
    rc = vt_sh(&out, "%s import --db '%s' %s --map %s --dry-run", vt_bin(), db, csv, map);
    assert_contains(out, "would create 0 records, update 0, leave 3 unchanged; 0 museums");
    free(out);
    rc = vt_sh(&out, "%s import --quiet --db '%s' %s --map %s", vt_bin(), db, csv, map);
    assert_contains(out, "inserted 0, updated 0, unchanged 3");
    free(out);
    /* one record changed at the museum, one new: the dry run tells them
     * apart from the two that stay, and the import agrees */
    char changed[1200];
    snprintf(changed, sizeof changed, "%s/changed.csv", dir);
    vt_write_file(changed, "No.,Title,Maker,Year,Shelf\n"
                           "A1,\"Bowl, with lid\",\"Potter\nof Arita\",1690,3\n"
                           "A2,Folding screen,,c. 1700,4\n"
                           "A3,Jar,,circa,5\n"
                           "A9,Tray,,1750,8\n");
    rc = vt_sh(&out, "%s import --db '%s' %s --map %s --dry-run", vt_bin(), db, changed, map);
    assert_int_equal(rc, 0);
    assert_contains(out, "would create 1 records, update 1, leave 2 unchanged; 0 museums");
    free(out);
    rc = vt_sh(&out, "%s import --quiet --db '%s' %s --map %s", vt_bin(), db, changed, map);
    assert_int_equal(rc, 0);
    assert_contains(out, "inserted 1, updated 1, unchanged 2");
    free(out);
}

static void test_refusals(void **state)
{
    (void)state;
    char bad[1200], *out;
    snprintf(bad, sizeof bad, "%s/bad.json", dir);
    vt_write_file(bad, "{\"format\": \"csv\", \"fields\": {\"colour\": \"Title\"}}");
    int rc = vt_sh(&out, "%s import --db '%s' %s --map %s", vt_bin(), db, csv, bad);
    assert_int_equal(rc, 3);
    assert_contains(out, "bad.json: mapping: fields.colour: not a field of a record");
    free(out);
    vt_write_file(bad, "{\"format\": \"csv\", \"fields\": {\"source_museum\": {\"const\": \"M\"},"
                       "\"source_country\": {\"const\": \"JP\"}, \"source_id\": \"Number\"}}");
    rc = vt_sh(&out, "%s import --db '%s' %s --map %s --dry-run", vt_bin(), db, csv, bad);
    assert_int_equal(rc, 3);
    assert_contains(out, "data.csv:1: column 'Number' (of source_id) is not in the header");
    free(out);
    rc = vt_sh(&out, "%s import --db '%s' %s --dry-run", vt_bin(), db, csv);
    assert_int_equal(rc, 2);
    assert_contains(out, "--dry-run goes with --map");
    free(out);
    /* a JSON mapping reads a folder */
    vt_write_file(bad, "{\"format\": \"json\", \"fields\": {\"source_museum\": {\"const\": \"M\"},"
                       "\"source_country\": {\"const\": \"JP\"}, \"source_id\": \"id\"}}");
    rc = vt_sh(&out, "%s import --db '%s' %s --map %s", vt_bin(), db, csv, bad);
    assert_int_equal(rc, 3);
    assert_contains(out, "a JSON mapping reads a folder of .json files");
    free(out);
}

/* 300,000 rows, 46 MB with a quoted line break in every row: the dry run
 * reads it all in the memory it needs for a few rows. Under AddressSanitizer
 * freed memory waits in its quarantine, so the resident size says nothing
 * there: that build reads fewer rows and does not weigh them. */
#ifdef __SANITIZE_ADDRESS__
#define BIG_ROWS 20000
#else
#define BIG_ROWS 300000
#endif

static void test_constant_memory(void **state)
{
    (void)state;
    char big[1200], *out;
    snprintf(big, sizeof big, "%s/big.csv", dir);
    int rc = vt_sh(NULL,
                   "awk 'BEGIN{print \"No.,Title,Maker,Year,Shelf\"; for(i=1;i<=%d;i++) "
                   "printf \"%%d,\\\"Title %%d, with a comma\\\",\\\"a maker\\non two lines, "
                   "with \\\"\\\"quotes\\\"\\\" and padding padding padding padding padding "
                   "padding padding padding padding\\\",%%d,1\\n\", i, i, 1800+i%%200}' > %s",
                   BIG_ROWS, big);
    assert_int_equal(rc, 0);
    struct stat sb;
    assert_int_equal(stat(big, &sb), 0);
    assert_true(sb.st_size > (off_t)BIG_ROWS * 150);
    rc = vt_sh(&out, "%s import --db '%s' %s --map %s --dry-run", vt_bin(), db, big, map);
    char want[200];
    snprintf(want, sizeof want, "read %d rows, 0 would be rejected; would create %d records,",
             BIG_ROWS, BIG_ROWS);
    bool read_all = strstr(out, want) != NULL;
    const char *p = strstr(out, "peak RSS ");
    double mib = p ? atof(p + 9) : 0;
    free(out);
    assert_int_equal(rc, 0);
    assert_true(read_all);
    print_message("%.1f MB read with a peak RSS of %.1f MiB\n", sb.st_size / 1e6, mib);
#ifndef __SANITIZE_ADDRESS__
    assert_true(mib > 1 && mib < 40);
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dry_run),  cmocka_unit_test(test_import_then_again),
        cmocka_unit_test(test_refusals), cmocka_unit_test(test_constant_memory),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
