/* vcm governance load: a bad line is named as FILE:LINE with its reason and
 * nothing of the file is loaded; an item naming no meeting of the file is
 * refused; a good file loads, and again adds nothing. On the backend of
 * the run (vt_db_url). */
#include "testutil.h"

static char *dir, db[1024];

static int setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    vt_db_url(db, sizeof db, dir, "govload");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    vt_rmrf(dir);
    free(dir);
    return 0;
}

static int load(char **out, const char *text)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/g.tsv", dir);
    vt_write_file(path, text);
    return vt_sh(out, "%s governance load --db '%s' '%s' 2>&1", vt_bin(), db, path);
}

static long count(const char *table)
{
    char *out = NULL, sql[100];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    assert_int_equal(vt_db_sql(&out, db, sql), 0);
    long n = strtol(out, NULL, 10);
    free(out);
    return n;
}

#define GOOD                                                                                  \
    "# a comment\n"                                                                           \
    "body\tkey=executive_committee\tname=Executive Committee\n"                               \
    "office\tbody=executive_committee\tkind=chair\tname=Chair\tpos=1\n"                       \
    "rule\tbody=executive_committee\tkind=term_length\tparams=years=3\n"                      \
    "term\toffice=Chair\torg=Some Museum\tcountry=KR\tstart=2011-10\tend=2014-09\tsource=s\n" \
    "meeting\tkind=general_conference\tnumber=5\ttitle=Fifth\tstart=2012\tsource=s\n"         \
    "item\tmeeting=Fifth\tkind=session\ttitle=Education\n"                                    \
    "news\ttitle=T\tbody=B\tpublished=2020-01-02\tsource=s\tdemo=yes\n"

static void test_bad_lines(void **state)
{
    (void)state;
    char *out = NULL;
    assert_int_equal(load(&out, GOOD "office\tbody=executive_committee\tkind=king\tname=K\tpos=2\n"
                                     "term\toffice=Chair\tperson=P\tsource=s\tstart=2012-13\n"),
                     1);
    assert_contains(out, "g.tsv:9: kind: 'king' is not a kind of office");
    assert_contains(out, "g.tsv:10: start: '2012-13' is not a date");
    free(out);
    assert_int_equal(count("gov_bodies"), 0);
    assert_int_equal(count("gov_terms"), 0);
    assert_int_equal(load(&out, GOOD "item\tmeeting=Sixth\tkind=session\ttitle=X\n"), 1);
    assert_contains(out, "g.tsv:9: no meeting of this file has this title");
    free(out);
    assert_int_equal(count("meetings"), 0);
    /* an office the file does not make */
    assert_int_equal(load(&out, "term\toffice=Nobody\torg=X\tsource=s\n"), 1);
    assert_contains(out, "g.tsv:1: no office has this name");
    free(out);
    assert_int_equal(vt_sh(&out, "%s governance load --db '%s' 2>&1", vt_bin(), db), 2);
    assert_contains(out, "usage: vcm governance load FILE");
    free(out);
}

static void test_good_file(void **state)
{
    (void)state;
    char *out = NULL;
    assert_int_equal(load(&out, GOOD), 0);
    assert_contains(out, "7 facts, 4 added");
    free(out);
    assert_int_equal(count("gov_terms"), 1);
    assert_int_equal(count("meeting_items"), 1);
    assert_int_equal(count("news"), 1);
    assert_int_equal(load(&out, GOOD), 0);
    assert_contains(out, "0 added");
    free(out);
    assert_int_equal(count("gov_terms"), 1);
    assert_int_equal(count("gov_rules"), 1);
    assert_int_equal(count("meetings"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_lines),
        cmocka_unit_test(test_good_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
