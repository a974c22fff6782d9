/* The CSV reader (pure) and the country-table import. */
#include "testutil.h"

#include "io/csv.h"

static int read_all(const char *text, char out[][8][64], int *nf, char *err)
{
    vcm_csv c;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_csv_init(&c, text, strlen(text));
    char *f[VCM_CSV_MAX_FIELDS];
    int rows = 0, n;
    err[0] = '\0';
    while ((n = vcm_csv_next(&c, &a, f, err, 200)) != 0) {
        nf[rows] = n;
        for (int i = 0; i < n && i < 8; i++)
            snprintf(out[rows][i], 64, "%s", n > 0 ? f[i] : "");
        rows++;
        if (n < 0)
            break;
    }
    vcm_arena_release(&a);
    return rows;
}

static void test_fields(void **state)
{
    (void)state;
    char out[8][8][64], err[200];
    int nf[8];
    int rows = read_all("\xEF\xBB\xBFiso2,name\r\nKR,\"Korea, Republic of\"\nJP,\"He said \"\"hi\"\"\"\n"
                        "CN,\"two\nlines\"\n,\n",
                        out, nf, err);
    assert_int_equal(rows, 5);
    assert_string_equal(out[0][0], "iso2");
    assert_string_equal(out[1][1], "Korea, Republic of");
    assert_string_equal(out[2][1], "He said \"hi\"");
    assert_string_equal(out[3][1], "two\nlines");
    assert_int_equal(nf[4], 2);
    assert_string_equal(out[4][0], "");
}

static void test_malformed(void **state)
{
    (void)state;
    char out[8][8][64], err[200];
    int nf[8];
    read_all("a,\"unclosed\n", out, nf, err);
    assert_contains(err, "not closed");
    read_all("a,\"x\"y\n", out, nf, err);
    assert_contains(err, "text after a closing quote");
    /* the reader goes on after a bad record, with the right line numbers */
    vcm_csv c;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    const char *t = "h\n\"x\"y\nok\n";
    vcm_csv_init(&c, t, strlen(t));
    char *f[VCM_CSV_MAX_FIELDS];
    assert_int_equal(vcm_csv_next(&c, &a, f, err, sizeof err), 1);
    assert_int_equal(c.line, 2);
    assert_int_equal(vcm_csv_next(&c, &a, f, err, sizeof err), -1);
    assert_int_equal(c.line, 3);
    assert_int_equal(vcm_csv_next(&c, &a, f, err, sizeof err), 1);
    assert_string_equal(f[0], "ok");
    vcm_arena_release(&a);
}

static void test_country_import(void **state)
{
    (void)state;
    char *dir = vt_tmpdir(), path[600], *out;
    snprintf(path, sizeof path, "%s/c.csv", dir);
    vt_write_file(path, "iso2,name_en,asem_group,joined\n"
                        "KR,Republic of Korea,Asia,1996\n"
                        "RU,Russia,Asia,2010\n"
                        "ZZ,Nowhere,Asia,1996\n"
                        "FR,France,Atlantis,1996\n"
                        "DE,Germany,Europe,1066\n"
                        "GB,United Kingdom,Europe\n"
                        "IE,Ireland,Europe,1996\n");
    char db[1024];
    vt_db_url(db, sizeof db, dir, "c");
    int rc = vt_sh(&out, "%s import --db '%s' %s", vt_bin(), db, path);
    assert_int_equal(rc, 1);
    assert_contains(out, "read 7, countries 3, rejected 4");
    char want[700];
    snprintf(want, sizeof want, "%s:4: unknown country code 'ZZ'", path);
    assert_contains(out, want);
    snprintf(want, sizeof want, "%s:5: asem_group 'Atlantis'", path);
    assert_contains(out, want);
    snprintf(want, sizeof want, "%s:6: joined '1066'", path);
    assert_contains(out, want);
    snprintf(want, sizeof want, "%s:7: expected 4 fields, found 3", path);
    assert_contains(out, want);
    free(out);
    assert_int_equal(vt_db_sql(&out, db, "SELECT code||region||asem_since FROM countries ORDER BY code"), 0);
    assert_string_equal(out, "IEeurope1996\nKRasia1996\nRUasia2010\n");
    free(out);
    /* not a country table */
    snprintf(path, sizeof path, "%s/x.csv", dir);
    vt_write_file(path, "a,b\n1,2\n");
    assert_int_equal(vt_sh(&out, "%s import --db '%s' %s", vt_bin(), db, path), 3);
    assert_contains(out, "not a country table");
    free(out);
    vt_rmrf(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_country_import),
    };
    return cmocka_run_group_tests_name("io/csv", tests, NULL, NULL);
}
