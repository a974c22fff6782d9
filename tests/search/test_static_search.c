/* The static search's writer (search/static.c): the files it writes on a
 * store of a few records in several scripts (SQLite and PostgreSQL), that
 * they hold what the index holds, that the shards stay small and that a
 * term is in the shard its hash names, and the errors on bad arguments.
 * The script that reads them is tested against the live server in
 * tests/browser/static-search.test.mjs. */
#include "testutil.h"

#include <jansson.h>
#include <sys/stat.h>

#include "search/static.h"
#include "search/tokenize.h"

static char *dir;
static char db[1024];
static char out[1200];
static vcm_static_stats stats;

static const char records[] =
    "{\"source_museum\": \"Alpha Museum\", \"source_country\": \"KR\", \"source_id\": \"a-1\", "
    "\"title\": \"Maebyeong with cranes|청자 상감 운학문 매병\", \"culture\": \"Korea, Goryeo dynasty\", "
    "\"medium\": \"Stoneware with celadon glaze\", \"date_start\": 1150, \"date_end\": 1200}\n"
    "{\"source_museum\": \"Alpha Museum\", \"source_country\": \"KR\", \"source_id\": \"a-2\", "
    "\"title\": \"Celadon bowl\", \"culture\": \"Korea\", \"medium\": \"Stoneware with celadon glaze\"}\n"
    "{\"source_museum\": \"Beta Museum\", \"source_country\": \"CN\", \"source_id\": \"b-1\", "
    "\"title\": \"Jade disc|玉璧\", \"culture\": \"China, Western Zhou\", \"medium\": \"Jade\"}\n"
    "{\"source_museum\": \"Beta Museum\", \"source_country\": \"CN\", \"source_id\": \"b-2\", "
    "\"title\": \"Landscape|山水\", \"culture\": \"China, Ming dynasty\", \"medium\": \"Hanging scroll; ink on silk\", "
    "\"date_start\": 1500, \"date_end\": 1550}\n"
    "{\"source_museum\": \"Beta Museum\", \"source_country\": \"TH\", \"source_id\": \"b-3\", "
    "\"title\": \"Jar|เครื่องปั้นดินเผา\", \"culture\": \"Thailand\", \"medium\": \"Stoneware\"}\n";

static char *slurp(const char *rel, size_t *len)
{
    char p[1400];
    snprintf(p, sizeof p, "%s/search/%s", out, rel);
    return vt_read_file(p, len);
}

static int group_setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    vt_db_url(db, sizeof db, dir, "static");
    char path[1100];
    snprintf(path, sizeof path, "%s/records.jsonl", dir);
    vt_write_file(path, records);
    if (vt_sh(NULL, "%s import --quiet --db '%s' %s", vt_bin(), db, path) != 0)
        fail_msg("the import failed");
    snprintf(out, sizeof out, "%s/site", dir);
    if (mkdir(out, 0755) < 0)
        fail_msg("cannot create %s", out);
    char err[512];
    if (vcm_search_export_static(db, out, &stats, err, sizeof err) < 0)
        fail_msg("export: %s", err);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    vt_rmrf(dir);
    free(dir);
    return 0;
}

static uint32_t fnv1a(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 16777619u;
    }
    return h;
}

static void test_meta_and_files(void **state)
{
    (void)state;
    assert_int_equal(stats.docs, 5);
    assert_true(stats.terms > 20);
    size_t n;
    char *m = slurp("meta.json", &n);
    assert_non_null(m);
    json_error_t je;
    json_t *j = json_loads(m, 0, &je);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "docs")), 5);
    assert_int_equal(json_array_size(json_object_get(j, "museums")), 2);
    assert_true(json_real_value(json_object_get(j, "avgdl")) > 1);
    /* the full stop joins letters in the server's words ("B.C.") */
    assert_non_null(strchr(json_string_value(json_object_get(j, "letters")), '.'));
    json_decref(j);
    free(m);
    /* 8 bytes a document; one place byte; two years */
    char *d = slurp("d/0.bin", &n);
    assert_non_null(d);
    assert_int_equal(n, 5 * 8);
    free(d);
    char *y = slurp("y/0.bin", &n);
    assert_int_equal(n, 5 * 8);
    /* the first record's years, little-endian */
    int32_t ds = (int32_t)((uint32_t)(uint8_t)y[0] | (uint32_t)(uint8_t)y[1] << 8 |
                           (uint32_t)(uint8_t)y[2] << 16 | (uint32_t)(uint8_t)y[3] << 24);
    assert_int_equal(ds, 1150);
    free(y);
    /* the records of a page: ids and titles in their languages */
    char *r = slurp("r/0.json", &n);
    assert_non_null(r);
    assert_non_null(strstr(r, "청자 상감 운학문 매병"));
    assert_non_null(strstr(r, "Celadon bowl"));
    free(r);
    /* the folding tables: Hangul syllables are letters of an n-gram script */
    char *f = slurp("f/172.json", &n); /* U+AC00.. */
    assert_non_null(f);
    assert_int_equal(strncmp(f, "[[5,5,", 6), 0);
    free(f);
    /* the page in English and in Korean, and the script: vcm export-search */
    char site[1300];
    snprintf(site, sizeof site, "%s/cli", dir);
    assert_int_equal(mkdir(site, 0755), 0);
    if (vt_sh(NULL, "%s export-search --db '%s' --log-level error '%s'", vt_bin(), db, site) != 0)
        fail_msg("vcm export-search failed");
    char kp[1400];
    snprintf(kp, sizeof kp, "%s/search/index.html", site);
    char *p = vt_read_file(kp, &n);
    assert_non_null(p);
    assert_non_null(strstr(p, "id=\"static-search\""));
    assert_non_null(strstr(p, "static/search-static.js"));
    free(p);
    snprintf(kp, sizeof kp, "%s/static/search-static.js", site);
    p = vt_read_file(kp, &n);
    assert_non_null(p);
    free(p);
    snprintf(kp, sizeof kp, "%s/ko/search/index.html", site);
    p = vt_read_file(kp, &n);
    assert_non_null(p);
    assert_non_null(strstr(p, "lang=\"ko\""));
    free(p);
}

/* Each term is in the shard its FNV-1a hash names, with the documents the
 * records give it. */
static void test_terms_in_their_shards(void **state)
{
    (void)state;
    size_t n;
    char *m = slurp("meta.json", &n);
    json_t *meta = json_loads(m, 0, NULL);
    free(m);
    json_int_t shards = json_integer_value(json_object_get(meta, "terms"));
    json_decref(meta);
    assert_true(shards >= 16);
    static const struct {
        const char *term;
        size_t docs;
    } want[] = {{"celadon", 2}, {"청자", 1}, {"玉", 1}, {"silk", 1}, {"เครื่องปั้นดินเผา", 1}, {"ดิน", 1}, {"stoneware", 3}};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        char rel[64];
        snprintf(rel, sizeof rel, "t/%u.json", (unsigned)(fnv1a(want[i].term) % (uint32_t)shards));
        char *s = slurp(rel, &n);
        assert_non_null(s);
        json_t *j = json_loads(s, 0, NULL);
        free(s);
        assert_non_null(j);
        json_t *t = json_object_get(j, want[i].term);
        if (!t)
            fail_msg("'%s' is not in %s", want[i].term, rel);
        assert_int_equal(json_array_size(json_array_get(t, 0)), want[i].docs);
        assert_int_equal(json_array_size(json_array_get(t, 2)), want[i].docs);
        json_decref(j);
    }
}

/* Shards stay small: no term file of this store over 16 KiB, and a query's
 * thesaurus shard a few KiB. */
static void test_shards_small(void **state)
{
    (void)state;
    assert_true(stats.files > 300);
    assert_true(stats.largest < 16 * 1024);
    size_t n;
    char *t = slurp("th/0.json", &n);
    assert_non_null(t);
    assert_true(n < 16 * 1024);
    free(t);
}

static void test_tokens_json(void **state)
{
    (void)state;
    char buf[512];
    assert_int_equal(vcm_search_tokens_json("Ink on Silks", 12, VCM_TOK_STEM, buf, sizeof buf), 0);
    assert_string_equal(buf, "[[\"ink\",1,0,0,3],[\"on\",1,1,4,6],[\"silk\",1,2,7,12]]");
    assert_int_equal(vcm_search_tokens_json("", 0, 0, buf, sizeof buf), 0);
    assert_string_equal(buf, "[]");
    /* too small a buffer, and text that is not UTF-8 */
    assert_int_equal(vcm_search_tokens_json("Ink on Silk", 11, 0, buf, 8), -1);
    assert_int_equal(vcm_search_tokens_json("a\xff", 2, 0, buf, sizeof buf), -1);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    char err[512], p[1200];
    vcm_static_stats st;
    snprintf(p, sizeof p, "%s/missing", dir);
    assert_int_equal(vcm_search_export_static(db, p, &st, err, sizeof err), -1);
    assert_non_null(strstr(err, "missing"));
    assert_non_null(strstr(err, "not a folder"));
    snprintf(p, sizeof p, "%s/records.jsonl", dir);
    assert_int_equal(vcm_search_export_static(db, p, &st, err, sizeof err), -1);
    assert_non_null(strstr(err, "not a folder"));
    assert_int_equal(vcm_search_export_static(db, "", &st, err, sizeof err), -1);
    assert_int_equal(vcm_search_export_static("nosuch:db", out, &st, err, sizeof err), -1);
    assert_true(strlen(err) > 0);
    /* search/ exists as a file: it cannot be made a folder */
    snprintf(p, sizeof p, "%s/blocked", dir);
    assert_int_equal(mkdir(p, 0755), 0);
    char f[1300];
    snprintf(f, sizeof f, "%s/search", p);
    vt_write_file(f, "x");
    assert_int_equal(vcm_search_export_static(db, p, &st, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_meta_and_files),
        cmocka_unit_test(test_terms_in_their_shards),
        cmocka_unit_test(test_shards_small),
        cmocka_unit_test(test_tokens_json),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
