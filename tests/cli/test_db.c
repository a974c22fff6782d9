/* vcm db copy, through the real program: the demo collection with a history
 * of edits (re-imported changed records, images added, so updates,
 * activities and a moved change sequence exist) copied from SQLite to the
 * backend under test (PostgreSQL in tests/run.sh's second pass) and back
 * into a new SQLite file, with identical counts and checksums per table and
 * an identical export; re-running is safe; wrong targets are refused and
 * left as they were. */
#include "testutil.h"

/* the whole demo: the sanitizers' pass runs the same raw-table code on
 * smaller data (test_store's scans, test_package's export and restore) */
VT_DEMO_SIZED;
VT_DEMO_ON_PG;

static char *dir, src[1024], mid[1024], back[1024], media[700];

static int group_setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    snprintf(src, sizeof src, "sqlite:%s/src.db", dir);
    snprintf(back, sizeof back, "sqlite:%s/back.db", dir);
    snprintf(media, sizeof media, "%s/media", dir);
    vt_db_url(mid, sizeof mid, dir, "mid");
    char *out;
    /* the demo, two images, then edits of the National Palace Museum's
     * records (an Update activity for the object with images) */
    if (vt_sh(&out, "%s import --quiet --db '%s' %s/collection.jsonl && "
                    "%s media add --quiet --db '%s' --media %s 古玉3888 "
                    "%s/images/npm_taipei/jade070_00.jpg --id jade-a && "
                    "%s media add --quiet --db '%s' --media %s 古玉3888 "
                    "%s/images/npm_taipei/jade070_01.jpg --id jade-a2 && "
                    "grep 'National Palace Museum' %s/collection.jsonl | "
                    "sed 's/\"title\": \"/\"title\": \"Edited: /' > %s/edits.jsonl && "
                    "%s import --quiet --db '%s' %s/edits.jsonl",
              vt_bin(), src, vt_data(), vt_bin(), src, media, vt_data(), vt_bin(), src, media,
              vt_data(), vt_data(), dir, vt_bin(), src, dir) != 0)
        fail_msg("cannot make the source database: %s", out);
    assert_contains(out, "updated ");
    free(out);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    vt_rmrf(dir);
    free(dir);
    return 0;
}

/* The table of counts and checksums a copy prints (its standard output). */
static char *copy(const char *from, const char *to, int want_status)
{
    char *out;
    int rc = vt_sh(&out, "%s db copy --quiet '%s' '%s' 2>/dev/null", vt_bin(), from, to);
    if (rc != want_status)
        fail_msg("db copy exited %d, not %d: %s", rc, want_status, out);
    return out;
}

static void test_there_and_back(void **state)
{
    (void)state;
    char *there = copy(src, mid, 0);
    assert_contains(there, "\nobjects               42231  ");
    assert_not_contains(there, "DIFFERS");
    assert_not_contains(there, "\nmedia                     0 ");
    assert_not_contains(there, "\nactivities                0 ");
    char *again = copy(mid, back, 0);
    assert_string_equal(there, again); /* every table: same rows, same checksum */
    free(there);
    free(again);
    /* what the program makes of them is the same too */
    char *out;
    assert_int_equal(vt_sh(&out, "%s export --db '%s' %s/a.jsonl && %s export --db '%s' %s/b.jsonl "
                                 "&& %s export --db '%s' %s/m.jsonl && cmp %s/a.jsonl %s/b.jsonl && "
                                 "cmp %s/a.jsonl %s/m.jsonl",
                           vt_bin(), src, dir, vt_bin(), back, dir, vt_bin(), mid, dir, dir, dir,
                           dir, dir),
                     0);
    free(out);
    /* the copy goes on living: new objects and images get new ids */
    char path[800];
    snprintf(path, sizeof path, "%s/new.jsonl", dir);
    vt_write_file(path, "{\"source_museum\": \"Tate\", \"source_country\": \"GB\", "
                        "\"source_id\": \"NEW-1\", \"title\": \"After the move\"}\n");
    assert_int_equal(vt_sh(&out, "%s import --quiet --db '%s' %s", vt_bin(), mid, path), 0);
    assert_contains(out, "inserted 1,");
    free(out);
    assert_int_equal(vt_sh(&out, "%s media add --quiet --db '%s' --media %s NEW-1 "
                                 "%s/images/npm_taipei/jade001_00.tiff --id new-image",
                           vt_bin(), mid, media, vt_data()),
                     0);
    free(out);
    assert_int_equal(vt_sh(&out, "%s stats --db '%s'", vt_bin(), mid), 0);
    assert_contains(out, "objects_all 42232\n");
    assert_contains(out, "media 3\n");
    free(out);
}

/* Running the copy again overwrites the earlier copy with the source as it
 * is now; the result verifies. */
static void test_rerun_is_safe(void **state)
{
    (void)state;
    char *first = copy(src, mid, 0);
    char *out, path[800];
    snprintf(path, sizeof path, "%s/edit2.jsonl", dir);
    assert_int_equal(vt_sh(NULL, "grep -m 20 '\"source_museum\": \"Tate\"' %s/collection.jsonl | "
                                 "sed 's/\"title\": \"/\"title\": \"Again: /' > %s",
                           vt_data(), path),
                     0);
    assert_int_equal(vt_sh(&out, "%s import --quiet --db '%s' %s", vt_bin(), src, path), 0);
    assert_contains(out, "updated 20");
    free(out);
    char *second = copy(src, mid, 0);
    assert_string_not_equal(first, second);
    assert_not_contains(second, "DIFFERS");
    free(first);
    free(second);
    /* the progress report names the tables and the rows */
    assert_int_equal(vt_sh(&out, "%s db copy --batch 10000 '%s' sqlite:%s/progress.db", vt_bin(),
                           src, dir),
                     0);
    assert_contains(out, "vcm db copy: objects: 40000 rows");
    assert_contains(out, "vcm db copy: objects: 42231 rows copied");
    assert_contains(out, "and verified in");
    free(out);
}

/* A database that holds another collection is never written to. */
static void test_refusals(void **state)
{
    (void)state;
    char other[1024], *out, *before, *after, path[800];
    vt_db_url(other, sizeof other, dir, "other");
    snprintf(path, sizeof path, "%s/other.jsonl", dir);
    vt_write_file(path, "{\"source_museum\": \"Tate\", \"source_country\": \"GB\", "
                        "\"source_id\": \"O-1\", \"title\": \"Someone else's\"}\n");
    assert_int_equal(vt_sh(NULL, "%s import --quiet --db '%s' %s", vt_bin(), other, path), 0);
    assert_int_equal(vt_sh(&before, "%s stats --db '%s'", vt_bin(), other), 0);
    assert_int_equal(vt_sh(&out, "%s db copy --quiet '%s' '%s'", vt_bin(), src, other), 3);
    assert_contains(out, "will not write into");
    assert_contains(out, "that is not a copy of the source");
    free(out);
    assert_int_equal(vt_sh(&after, "%s stats --db '%s'", vt_bin(), other), 0);
    assert_string_equal(before, after);
    free(before);
    free(after);

    assert_int_equal(vt_sh(&out, "%s db copy '%s' '%s'", vt_bin(), src, src), 2);
    assert_contains(out, "the same database");
    free(out);
    assert_int_equal(vt_sh(&out, "%s db copy '%s'", vt_bin(), src), 2);
    assert_contains(out, "name the source and the target");
    free(out);
    assert_int_equal(vt_sh(&out, "%s db move a b", vt_bin()), 2);
    assert_contains(out, "vcm db copy FROM TO");
    free(out);
    assert_int_equal(vt_sh(&out, "%s db copy '%s' postgres://vcm:hush@127.0.0.1:1/vcm", vt_bin(),
                           src),
                     3);
    assert_contains(out, "target postgres://vcm:***@127.0.0.1:1/vcm: cannot reach the database "
                         "server at 127.0.0.1:1");
    assert_not_contains(out, "hush");
    free(out);
    assert_int_equal(vt_sh(&out, "%s db copy mysql://x '%s'", vt_bin(), back), 3);
    assert_contains(out, "neither sqlite:PATH nor postgres");
    free(out);
}

/* A source that does not exist is refused before anything is opened:
 * neither it nor the target is created (SQLite would make an empty
 * database of a mistyped name and copy that). */
static void test_missing_source(void **state)
{
    (void)state;
    char missing[800], target[800], path[800], *out;
    snprintf(missing, sizeof missing, "%s/no-such.db", dir);
    snprintf(target, sizeof target, "%s/never.db", dir);
    assert_int_equal(vt_sh(&out, "%s db copy --quiet 'sqlite:%s' 'sqlite:%s'", vt_bin(), missing,
                           target),
                     3);
    char want[2000];
    snprintf(want, sizeof want, "vcm db copy: source sqlite:%s: no database at '%s'", missing,
             missing);
    assert_contains(out, want);
    assert_contains(out, "nothing was created");
    free(out);
    assert_int_equal(access(missing, F_OK), -1);
    assert_int_equal(access(target, F_OK), -1);
    /* an empty file is no database either, and stays empty */
    snprintf(path, sizeof path, "%s/empty.db", dir);
    vt_write_file(path, "");
    assert_int_equal(vt_sh(&out, "%s db copy --quiet 'sqlite:%s' 'sqlite:%s'", vt_bin(), path,
                           target),
                     3);
    assert_contains(out, "is empty, not a VCM database");
    free(out);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 0);
    assert_int_equal(access(target, F_OK), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_there_and_back),
        cmocka_unit_test(test_rerun_is_safe),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_missing_source),
    };
    return cmocka_run_group_tests_name(vt_pg() ? "cli/db (PostgreSQL)" : "cli/db (SQLite)", tests,
                                       group_setup, group_teardown);
}
