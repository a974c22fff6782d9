/* Grammar and formats on pages (src/core/l10n.c through src/web and the
 * templates): the real server's pages in English, the language a request
 * gets today (years and BCE ranges of records, counts with their nouns in
 * the singular and the plural, countries and museums in collation order),
 * and the built-in templates rendered in two languages with a test
 * catalogue (a sorted list of country names, counts, a date). */
#include "testutil.h"

#include <jansson.h>

#include "core/i18n.h"
#include "core/l10n.h"
#include "view/template.h"

#define THIN "\u2009"
#define NNBSP "\u202F"

static char *dir;
static char db[1024];
static struct vt_server srv;

#define REC(museum, cc, id, extra)                                                            \
    "{\"source_museum\": \"" museum "\", \"source_country\": \"" cc "\", \"source_id\": \"" id \
    "\", \"title\": \"Record " id "\"" extra "}\n"

static const char records[] =
    REC("Zebra Museum", "US", "bce", ", \"date_text\": \"Han dynasty\", \"date_start\": -200, "
                                     "\"date_end\": -100")
    REC("Zebra Museum", "US", "edo", ", \"date_text\": \"Edo period\", \"date_start\": 1603, "
                                     "\"date_end\": 1868")
    REC("Östasiatiska museet", "SE", "se1", ", \"date_start\": 1750, \"date_end\": 1750")
    REC("Ålands museum", "AX", "ax1", "")
    REC("Musée Cernuschi", "FR", "fr1", ", \"date_start\": 800, \"date_end\": 899");

static int group_setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    char path[700], *out = NULL;
    snprintf(path, sizeof path, "%s/records.jsonl", dir);
    vt_write_file(path, records);
    vt_db_url(db, sizeof db, dir, "l10n");
    /* masterpieces (one a museum, in English), with the editors' statement of today */
    if (vt_sh(&out, "%s import --quiet --db '%s' %s && %s --db '%s' masterpieces demo 1", vt_bin(),
              db, path, vt_bin(), db) != 0)
        fail_msg("import or masterpieces demo failed: %s", out);
    free(out);
    vt_server_start(&srv, db);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    vt_server_stop(&srv);
    vt_rmrf(dir);
    free(dir);
    vcm_i18n_free();
    vcm_l10n_free();
    return 0;
}

static long object_id(const char *source_id)
{
    char sql[200], *out = NULL;
    snprintf(sql, sizeof sql, "SELECT id FROM objects WHERE source_id = '%s'", source_id);
    assert_int_equal(vt_db_sql(&out, db, sql), 0);
    long id = strtol(out, NULL, 10);
    free(out);
    assert_true(id > 0);
    return id;
}

/* The "Years" fact of an object page. */
static void years_of(const char *source_id, const char *want)
{
    char path[64];
    snprintf(path, sizeof path, "/objects/%ld", object_id(source_id));
    struct vt_resp r = vt_get(&srv, path);
    assert_int_equal(r.status, 200);
    char dd[300];
    snprintf(dd, sizeof dd, "<dd>%s</dd>", want);
    if (!strstr(r.body, dd))
        fail_msg("%s: no %s", path, dd);
    vt_resp_free(&r);
}

static void test_years_on_object_pages(void **state)
{
    (void)state;
    /* BCE as the era, not a minus sign; ranges in the language's form */
    years_of("bce", "200" THIN "–" THIN "100 BC");
    years_of("edo", "1603" THIN "–" THIN "1868");
    years_of("se1", "1750");
    years_of("fr1", "800" THIN "–" THIN "899");
    /* the century facet says it in words */
    struct vt_resp r = vt_get(&srv, "/browse?view=catalogue");
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "2nd century BCE"); /* 200 BC */
    assert_contains(r.body, "8th century"); /* 800 */
    assert_contains(r.body, "18th century");
    assert_contains(r.body, "17th century");
    vt_resp_free(&r);
}

/* A masterpiece's statement says its day, not an ISO time. */
static void test_statement_day(void **state)
{
    (void)state;
    struct vt_resp r = vt_get(&srv, "/browse");
    const char *at = strstr(r.body, "href=\"/objects/");
    assert_non_null(at);
    char path[64];
    snprintf(path, sizeof path, "/objects/%ld", strtol(at + 15, NULL, 10));
    vt_resp_free(&r);
    r = vt_get(&srv, path);
    assert_int_equal(r.status, 200);
    char day[96], want[160];
    assert_int_equal(vcm_l10n_day("en", (int64_t)time(NULL), day, sizeof day), 0);
    snprintf(want, sizeof want, "Z\">%s</time></figcaption>", day);
    assert_contains(r.body, want);
    vt_resp_free(&r);
}

static void test_counts(void **state)
{
    (void)state;
    struct vt_resp r = vt_get(&srv, "/");
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "<strong>2 masterpieces</strong>"); /* Zebra, Åland */
    assert_contains(r.body, "<strong>5 records in the catalogues</strong>");
    assert_contains(r.body, "<strong>4 museums</strong>");
    assert_contains(r.body, "<strong>4 countries</strong>");
    vt_resp_free(&r);
    r = vt_get(&srv, "/browse?view=catalogue&country=SE");
    assert_contains(r.body, "<strong>1 object</strong>");
    /* the page's description too */
    assert_contains(r.body, "content=\"1 object of the collection for ");
    vt_resp_free(&r);
    r = vt_get(&srv, "/browse?view=catalogue&country=US");
    assert_contains(r.body, "<strong>2 objects</strong>");
    vt_resp_free(&r);
    r = vt_get(&srv, "/countries");
    assert_contains(r.body, "1 museum · 2 records in the catalogues");
    assert_contains(r.body, "1 museum · 1 record in the catalogues");
    vt_resp_free(&r);
    r = vt_get(&srv, "/museums");
    assert_contains(r.body, "1 record in its catalogue");
    assert_contains(r.body, "2 records in its catalogue");
    vt_resp_free(&r);
}

/* The position of each needle in hay, in the order given; fails when one
 * is missing or out of order. */
static void in_order(const char *what, const char *hay, const char *const *needles, size_t n)
{
    const char *at = hay;
    for (size_t i = 0; i < n; i++) {
        const char *p = strstr(at, needles[i]);
        if (!p)
            fail_msg("%s: '%s' missing or out of order (after '%s')", what, needles[i],
                     i ? needles[i - 1] : "the start");
        at = p + strlen(needles[i]);
    }
}

static void test_sorted_lists(void **state)
{
    (void)state;
    /* byte order would put Å and Ö after Z; English collation does not */
    struct vt_resp r = vt_get(&srv, "/countries");
    const char *countries[] = {">Åland Islands<", ">France<", ">Sweden<", ">United States<"};
    in_order("/countries", r.body, countries, 4);
    vt_resp_free(&r);
    r = vt_get(&srv, "/museums");
    const char *museums[] = {">Ålands museum<", ">Musée Cernuschi<", ">Östasiatiska museet<",
                             ">Zebra Museum<"};
    in_order("/museums", r.body, museums, 4);
    vt_resp_free(&r);
    r = vt_get(&srv, "/regions/europe");
    const char *europe[] = {">Åland Islands<", ">France<", ">Sweden<"};
    in_order("/regions/europe", r.body, europe, 3);
    vt_resp_free(&r);
}

/* ---- the built-in templates in two languages ---- */

static const char *country_name(const void *item)
{
    return json_string_value(json_object_get(*(json_t *const *)item, "name"));
}

/* The countries page's template with the data the handler makes, in lang. */
static char *countries_page(vcm_tpl_set *set, const char *lang)
{
    static const struct {
        const char *cc;
        int museums, objects;
    } cs[] = {{"KR", 1, 1}, {"SE", 1, 1}, {"FR", 2, 42231}, {"AX", 1, 0}};
    json_t *v[4];
    for (size_t i = 0; i < 4; i++) {
        char name[128];
        assert_int_equal(vcm_l10n_country(lang, cs[i].cc, name, sizeof name), 0);
        v[i] = json_pack("{s:s, s:s, s:s, s:i, s:i}", "code", cs[i].cc, "name", name,
                         "region_label", "R", "museums", cs[i].museums, "objects", cs[i].objects);
    }
    assert_int_equal(vcm_l10n_sort(lang, v, 4, sizeof v[0], country_name), 0);
    json_t *list = json_array();
    for (size_t i = 0; i < 4; i++)
        json_array_append_new(list, v[i]);
    json_t *d = json_pack("{s:o}", "countries", list);
    vcm_buf b;
    vcm_buf_init(&b, 1 << 20);
    char err[256];
    if (vcm_tpl_render(set, NULL, "countries", d, lang, &b, err, sizeof err) < 0)
        fail_msg("countries in %s: %s", lang, err);
    char *page = strdup(b.data);
    vcm_buf_release(&b);
    json_decref(d);
    return page;
}

static char *news_page(vcm_tpl_set *set, const char *lang)
{
    char day[96];
    assert_int_equal(vcm_l10n_day(lang, 1796623500 /* 2026-12-07 */, day, sizeof day), 0);
    json_t *d = json_pack("{s:[{s:i, s:s, s:s, s:s, s:s}]}", "items", "id", 1, "title", "T",
                          "published", "2026-12-07", "published_text", day, "author", "A");
    vcm_buf b;
    vcm_buf_init(&b, 1 << 20);
    char err[256];
    if (vcm_tpl_render(set, NULL, "news", d, lang, &b, err, sizeof err) < 0)
        fail_msg("news in %s: %s", lang, err);
    char *page = strdup(b.data);
    vcm_buf_release(&b);
    json_decref(d);
    return page;
}

static void test_templates_in_two_languages(void **state)
{
    (void)state;
    char err[256];
    assert_int_equal(vcm_i18n_load_builtin(err, sizeof err), 0);
    static const char ko[] = "count.museums\t박물관 {n}곳\n"
                             "count.records\t{n, plural, other {소장품 기록 #건}}\n"
                             "countries.title\t국가\n";
    assert_int_equal(vcm_i18n_load("ko", ko, sizeof ko - 1, err, sizeof err), 0);
    vcm_tpl_set *set = vcm_tpl_set_new();
    assert_int_equal(vcm_tpl_set_add_builtin(set, err, sizeof err), 0);

    char *en = countries_page(set, "en");
    const char *en_order[] = {">Åland Islands</a> <span class=\"meta\">R · 1 museum · 0 records in "
                              "the catalogues<",
                              ">France</a> <span class=\"meta\">R · 2 museums · 42,231 records in "
                              "the catalogues<",
                              ">South Korea</a> <span class=\"meta\">R · 1 museum · 1 record in "
                              "the catalogues<",
                              ">Sweden<"};
    in_order("countries in English", en, en_order, 4);
    free(en);
    char *kr = countries_page(set, "ko");
    /* Korean names in Hangul order, the Korean messages, Korean grouping */
    const char *ko_order[] = {"<h1>국가</h1>", ">대한민국</a> <span class=\"meta\">R · 박물관 1곳 · 소장품 기록 1건<",
                              ">스웨덴<", ">올란드 제도<",
                              ">프랑스</a> <span class=\"meta\">R · 박물관 2곳 · 소장품 기록 42,231건<"};
    in_order("countries in Korean", kr, ko_order, 5);
    free(kr);

    char *n_en = news_page(set, "en");
    assert_contains(n_en, "<time datetime=\"2026-12-07\">Dec 7, 2026</time>");
    free(n_en);
    char *n_ko = news_page(set, "ko");
    assert_contains(n_ko, "<time datetime=\"2026-12-07\">2026년 12월 7일</time>");
    free(n_ko);
    /* a third language, with its shipped catalogue: its names in its
     * order, its numbers */
    char *fr = countries_page(set, "fr");
    const char *fr_order[] = {">Corée du Sud<", ">France</a> <span class=\"meta\">R · 2 ",
                              "42" NNBSP "231 ", ">Îles Åland<", ">Suède<"}; /* Î is an I */
    in_order("countries in French", fr, fr_order, 5);
    free(fr);
    vcm_tpl_set_free(set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_years_on_object_pages),
        cmocka_unit_test(test_statement_day),
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_sorted_lists),
        cmocka_unit_test(test_templates_in_two_languages),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
