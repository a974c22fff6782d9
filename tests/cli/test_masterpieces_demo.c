/* vcm masterpieces demo on each backend, on a slice of the demo: the
 * Met's records (one with its photograph attached, none described) and
 * Carnegie's (described, without images held here). The selection takes
 * the record with an image first; a statement quotes the museum's own
 * description and says so, or says that there is none; an entry without
 * an image carries the editors' waiver; a second run changes nothing. */
#include "testutil.h"

static char *dir;
static char db[1024];

static int setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    char data[600];
    snprintf(data, sizeof data, "%s/collection.jsonl", vt_data());
    if (vt_sh(NULL, "(grep -F '\"source_id\": \"36516\"' %s; "
                    "grep -F '\"The Metropolitan Museum of Art\"' %s | head -n 6; "
                    "grep -F '\"Carnegie Museum of Art\"' %s | head -n 6; "
                    /* and three it describes at length, further on */
                    "grep -F '\"Carnegie Museum of Art\"' %s | grep -E "
                    "'\"description\": \"[^\"]{150}' | head -n 3) > %s/slice.jsonl",
              data, data, data, data, dir) != 0)
        fail_msg("cannot cut the slice");
    vt_db_url(db, sizeof db, dir, "demo");
    if (vt_sh(NULL, "%s --db '%s' import --quiet %s/slice.jsonl", vt_bin(), db, dir) != 0)
        fail_msg("the import failed");
    char *out;
    if (vt_sh(&out, "%s --db '%s' --media %s/media media add --quiet --museum "
                    "'The Metropolitan Museum of Art' 36516 %s/images/met/MET-36516.jpg "
                    "--rights http://creativecommons.org/publicdomain/zero/1.0/",
              vt_bin(), db, dir, vt_data()) != 0)
        fail_msg("media add: %s", out);
    free(out);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    vt_rmrf(dir);
    free(dir);
    return 0;
}

static char *sql(const char *q)
{
    char *out;
    assert_int_equal(vt_db_sql(&out, db, q), 0);
    return out;
}

static void test_demo(void **state)
{
    (void)state;
    char *out;
    assert_int_equal(vt_sh(&out, "%s --db '%s' masterpieces demo 3", vt_bin(), db), 0);
    assert_contains(out, "masterpieces: 6 published, 0 drafts");
    free(out);
    /* the Met's record with its photograph was taken, and needs no waiver */
    out = sql("SELECT e.state || ':' || coalesce(e.waiver, 'none') FROM entries e "
              "JOIN objects o ON o.id = e.object_id WHERE o.source_id = '36516'");
    assert_contains(out, "published:none");
    free(out);
    /* the others of the Met: a waiver with its reason, and a statement
     * saying there is nothing to quote */
    out = sql("SELECT count(*) FROM entries e JOIN objects o ON o.id = e.object_id "
              "JOIN museum_names n ON n.museum_id = e.museum_id "
              "WHERE n.name = 'The Metropolitan Museum of Art' AND e.waiver LIKE 'Demo selection%'");
    assert_int_equal(atoi(out), 2);
    free(out);
    out = sql("SELECT v.data FROM entry_versions v JOIN entries e ON e.id = v.entry_id "
              "JOIN objects o ON o.id = e.object_id WHERE o.source_id = '36516'");
    assert_contains(out, "has not written a statement for this record yet");
    free(out);
    /* Carnegie's: each statement quotes the museum's description and says so */
    out = sql("SELECT count(*) FROM entry_versions v JOIN entries e ON e.id = v.entry_id "
              "JOIN museum_names n ON n.museum_id = e.museum_id "
              "WHERE n.name = 'Carnegie Museum of Art' AND v.data LIKE "
              "'%Quoted from the museum''s own description%'");
    assert_int_equal(atoi(out), 3);
    free(out);
    /* the steps were recorded, as the editors' */
    out = sql("SELECT count(*) FROM entry_events WHERE action = 'publish' AND actor LIKE '%editors%'");
    assert_int_equal(atoi(out), 6);
    free(out);
    /* a second run leaves museums that have entries alone */
    assert_int_equal(vt_sh(&out, "%s --db '%s' masterpieces demo 3", vt_bin(), db), 0);
    assert_contains(out, "masterpieces: 0 published, 0 drafts");
    free(out);
    assert_int_equal(vt_sh(&out, "%s --db '%s' masterpieces list", vt_bin(), db), 0);
    assert_contains(out, "\tpublished\t1\t1\t");
    free(out);
    /* bad arguments are named */
    assert_int_equal(vt_sh(&out, "%s --db '%s' masterpieces quota x", vt_bin(), db), 2);
    assert_contains(out, "'x' is not a number");
    free(out);
    assert_int_equal(vt_sh(&out, "%s --db '%s' masterpieces quota 999999", vt_bin(), db), 1);
    assert_contains(out, "no museum 999999");
    free(out);
    assert_int_equal(vt_sh(&out, "%s --db '%s' masterpieces frobnicate", vt_bin(), db), 2);
    assert_contains(out, "usage: vcm masterpieces");
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_demo, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
