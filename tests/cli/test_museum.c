/* Museum profiles, texts in two languages and cataloguers' notes, end to
 * end on each backend: the Taipei and Tate records imported by the real
 * program, vcm museum load / set / show, the pages and the API of the real
 * server, and vcm db copy. */
#include "testutil.h"

#include <jansson.h>

static char *dir;
static char db[1024];
static struct vt_server srv;

static long object_id(const char *source_id)
{
    char sql[300], *out = NULL;
    snprintf(sql, sizeof sql, "SELECT id FROM objects WHERE source_id = '%s'", source_id);
    assert_int_equal(vt_db_sql(&out, db, sql), 0);
    long id = atol(out);
    free(out);
    assert_true(id > 0);
    return id;
}

static long museum_id(const char *name)
{
    char sql[300], *out = NULL;
    snprintf(sql, sizeof sql, "SELECT museum_id FROM museum_names WHERE name = '%s'", name);
    assert_int_equal(vt_db_sql(&out, db, sql), 0);
    long id = atol(out);
    free(out);
    assert_true(id > 0);
    return id;
}

static int group_setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    char data[600];
    snprintf(data, sizeof data, "%s/collection.jsonl", vt_data());
    if (vt_sh(NULL, "grep -F Taipei %s > %s/slice.jsonl && grep -F '\"Tate\"' %s | head -n 5 >> "
                    "%s/slice.jsonl", data, dir, data, dir) != 0)
        fail_msg("cannot cut the slice");
    vt_db_url(db, sizeof db, dir, "museum");
    if (vt_sh(NULL, "%s import --quiet --db '%s' %s/slice.jsonl", vt_bin(), db, dir) != 0)
        fail_msg("the import failed");
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (srv.pid)
        assert_int_equal(vt_server_stop(&srv), 0);
    vt_rmrf(dir);
    free(dir);
    return 0;
}

/* Both texts of jade001 kept, each with its tag and whether it was
 * inferred; its notes in the store and nowhere a visitor looks. */
static void test_import_keeps_texts_and_notes(void **state)
{
    (void)state;
    char sql[400], *out = NULL;
    long id = object_id("古玉0636");
    snprintf(sql, sizeof sql, "SELECT field, lang, inferred, public FROM object_texts WHERE "
                              "object_id = %ld ORDER BY field, pos", id);
    assert_int_equal(vt_db_sql(&out, db, sql), 0);
    assert_string_equal(out, "description|en|1|0\ndescription|zh-Hant|1|0\nnote|en|1|0\n"
                             "note|en|1|0\ntitle|en|0|0\ntitle|zh-Hant|1|0\n");
    free(out);
    snprintf(sql, sizeof sql, "SELECT value FROM object_texts WHERE object_id = %ld AND "
                              "field = 'note' ORDER BY pos", id);
    assert_int_equal(vt_db_sql(&out, db, sql), 0);
    assert_string_equal(out, "Note trans Teng 2004 p40\n(see notes)\n");
    free(out);
    /* the fuller English description is the one kept */
    snprintf(sql, sizeof sql, "SELECT count(*) FROM object_texts WHERE object_id = %ld AND "
                              "field = 'description' AND value LIKE '%%Fragrant Concubine%%'", id);
    assert_int_equal(vt_db_sql(&out, db, sql), 0);
    assert_string_equal(out, "1\n");
    free(out);
    /* importing again changes nothing */
    assert_int_equal(vt_sh(&out, "%s import --db '%s' %s/slice.jsonl 2>&1", vt_bin(), db, dir), 0);
    assert_contains(out, "inserted 0, updated 0, unchanged");
    assert_contains(out, "rejected 0");
    free(out);
}

static void test_museum_load(void **state)
{
    (void)state;
    char *out = NULL, csv[700];
    snprintf(csv, sizeof csv, "%s/museums.csv", vt_data());
    assert_int_equal(vt_sh(&out, "%s museum load --db '%s' %s 2>/dev/null", vt_bin(), db, csv), 0);
    assert_contains(out, "2 museums updated, 14 rows name no museum held, 0 rows rejected");
    free(out);
    /* "National Palace Museum" in Taipei is "National Palace Museum, Taipei" */
    assert_int_equal(vt_sh(&out, "%s museum show --db '%s' 'National Palace Museum, Taipei'",
                           vt_bin(), db), 0);
    assert_contains(out, "name_native 國立故宮博物院\ncity Taipei\ncountry TW\n"
                         "website https://www.npm.gov.tw/\n");
    free(out);
    assert_int_equal(vt_sh(&out, "%s museum show --db '%s' Tate", vt_bin(), db), 0);
    assert_contains(out, "city London\ncountry GB\nwebsite https://www.tate.org.uk/\n");
    free(out);

    /* a bad cell: its file and line named, that row left whole */
    char bad[700];
    snprintf(bad, sizeof bad, "%s/bad.csv", dir);
    vt_write_file(bad, "name_en,city,website,latitude\n"
                       "Tate,Londres,ftp://tate.example/,51.5\n"
                       "\"unclosed,x,y,z\n");
    assert_int_equal(vt_sh(&out, "%s museum load --db '%s' %s 2>&1", vt_bin(), db, bad), 1);
    assert_contains(out, "bad.csv:2: website: website: 'ftp://tate.example/' is not an http(s) URL");
    assert_contains(out, "bad.csv:3:");
    free(out);
    assert_int_equal(vt_sh(&out, "%s museum show --db '%s' Tate", vt_bin(), db), 0);
    assert_contains(out, "city London\n");
    assert_contains(out, "coordinates \n");
    free(out);
    /* not a table of museums */
    vt_write_file(bad, "iso2,name_fr\nGB,x\n");
    assert_int_equal(vt_sh(&out, "%s museum load --db '%s' %s 2>&1", vt_bin(), db, bad), 2);
    assert_contains(out, "bad.csv:1: not a table of museums");
    free(out);
}

static void test_museum_set(void **state)
{
    (void)state;
    char *out = NULL;
    long tate = museum_id("Tate");
    static const struct {
        const char *args, *message;
    } bad[] = {
        {"--website 'javascript:alert(1)'", "website: 'javascript:alert(1)' is not an http(s) URL"},
        {"--lat 91", "lat: '91' is not a number from -90 to 90"},
        {"--lon east", "lon: 'east' is not a number from -180 to 180"},
        {"--coordinates 51.5", "coordinates: '51.5' is not LAT,LON"},
        {"--country XX", "country: 'XX' is not an ISO 3166-1 alpha-2 code"},
        {"--languages 'en 12'", "languages: 'en 12' is not a list of language tags"},
        {"--city London --lat 100", "lat: '100'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(vt_sh(&out, "%s museum set --db '%s' %ld %s 2>&1", vt_bin(), db, tate,
                               bad[i].args), 2);
        assert_contains(out, bad[i].message);
        free(out);
    }
    assert_int_equal(vt_sh(&out, "%s museum set --db '%s' 999999 --city x 2>&1", vt_bin(), db), 2);
    assert_contains(out, "no museum '999999'");
    free(out);
    /* nothing of a refused command was written */
    assert_int_equal(vt_sh(&out, "%s museum show --db '%s' %ld", vt_bin(), db, tate), 0);
    assert_contains(out, "city London\ncountry GB\nwebsite https://www.tate.org.uk/\n"
                         "address \ncoordinates \n");
    free(out);

    assert_int_equal(vt_sh(&out, "%s museum set --quiet --db '%s' Tate --coordinates '51.4911, "
                                 "-0.1275' --address 'Millbank, London SW1P 4RG' --languages en "
                                 "--description 'Britain'\\''s collection of British art.'",
                           vt_bin(), db), 0);
    free(out);
    assert_int_equal(vt_sh(&out, "%s museum show --db '%s' %ld", vt_bin(), db, tate), 0);
    assert_contains(out, "address Millbank, London SW1P 4RG\ncoordinates 51.491100,-0.127500\n"
                         "languages en\ndescription Britain's collection of British art.\n");
    free(out);
    /* "" clears a field */
    assert_int_equal(vt_sh(NULL, "%s museum set --quiet --db '%s' Tate --languages ''", vt_bin(), db), 0);
    assert_int_equal(vt_sh(&out, "%s museum show --db '%s' Tate", vt_bin(), db), 0);
    assert_contains(out, "languages \n");
    free(out);
}

static void test_pages(void **state)
{
    (void)state;
    vt_server_start(&srv, db);
    char path[100];
    snprintf(path, sizeof path, "/museums/%ld", museum_id("Tate"));
    struct vt_resp r = vt_get(&srv, path);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "<a href=\"https://www.tate.org.uk/\" rel=\"external\">");
    assert_contains(r.body, "<dd class=\"address\">Millbank, London SW1P 4RG</dd>");
    assert_contains(r.body, "51.4911, -0.1275");
    assert_contains(r.body, "https://www.openstreetmap.org/?mlat=51.49110&amp;mlon=-0.12750");
    assert_contains(r.body, "Britain&#39;s collection of British art.");
    assert_contains(r.body, "<dt>Languages</dt><dd>English</dd>");
    assert_not_contains(r.body, "not given");
    /* the profile leads, then the objects */
    assert_true(strstr(r.body, "class=\"profile\"") < strstr(r.body, "class=\"grid\""));
    vt_resp_free(&r);

    long npm = museum_id("National Palace Museum, Taipei");
    snprintf(path, sizeof path, "/museums/%ld", npm);
    r = vt_get(&srv, path);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "<p class=\"native\" lang=\"zh-Hant\" dir=\"auto\">國立故宮博物院</p>");
    assert_contains(r.body, "<a href=\"https://www.npm.gov.tw/\" rel=\"external\">");
    assert_contains(r.body, "<dd>Chinese (traditional characters), English</dd>");
    assert_not_contains(r.body, "not given");
    vt_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/museums/%ld", npm);
    r = vt_get(&srv, path);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "\"name_native\":\"國立故宮博物院\"");
    assert_contains(r.body, "\"website\":\"https://www.npm.gov.tw/\"");
    assert_contains(r.body, "{\"lang\":\"zh-Hant\",\"label\":\"Chinese (traditional characters)\"}");
    vt_resp_free(&r);
    snprintf(path, sizeof path, "/museums/%ld", npm);
    r = vt_get(&srv, path);
    /* the cards: the title without the cataloguer's capitals */
    assert_contains(r.body, "Quartz scoop in halved double gourd shape");
    assert_not_contains(r.body, "NEPHRITE");
    vt_resp_free(&r);

    /* jade001: the full English story, both languages labelled, no note */
    long id = object_id("古玉0636");
    snprintf(path, sizeof path, "/objects/%ld", id);
    r = vt_get(&srv, path);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "she was more commonly known as...&#39;the Fragrant Concubine.&#39;");
    assert_contains(r.body, "<p class=\"lang\" lang=\"en\" dir=\"ltr\">English");
    assert_contains(r.body, "<p class=\"lang\" lang=\"en\" dir=\"ltr\">Chinese (traditional characters)");
    assert_contains(r.body, "<div class=\"text\" lang=\"zh-Hant\" dir=\"auto\">玉椀來回部");
    assert_true(strstr(r.body, "lang=\"en\">English") < strstr(r.body, "Chinese (traditional"));
    assert_not_contains(r.body, "Note trans");
    assert_not_contains(r.body, "see notes");
    assert_not_contains(r.body, "id=\"notes-h\"");
    vt_resp_free(&r);

    snprintf(path, sizeof path, "/api/v1/objects/%ld", id);
    r = vt_get(&srv, path);
    assert_int_equal(r.status, 200);
    assert_not_contains(r.body, "Note trans");
    json_t *j = json_loads(r.body, 0, NULL);
    assert_non_null(j);
    json_t *titles = json_object_get(json_object_get(j, "texts"), "title");
    assert_int_equal(json_array_size(titles), 2);
    json_t *zh = json_array_get(titles, 1);
    assert_string_equal(json_string_value(json_object_get(zh, "lang")), "zh-Hant");
    assert_true(json_is_true(json_object_get(zh, "inferred")));
    assert_true(json_is_false(json_object_get(json_array_get(titles, 0), "inferred")));
    assert_null(json_object_get(j, "notes"));
    json_decref(j);
    vt_resp_free(&r);

    /* search snippets and cards of search: no note either (the server
     * answers 503 while it builds its index) */
    for (int i = 0; i < 1200; i++) {
        r = vt_get(&srv, "/search?q=quartz");
        if (r.status != 503)
            break;
        vt_resp_free(&r);
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    assert_int_equal(r.status, 200);
    assert_not_contains(r.body, "NEPHRITE");
    vt_resp_free(&r);

    /* a note marked public is shown, on the page and in the API */
    char *out = NULL;
    assert_int_equal(vt_sh(&out, "%s note list --db '%s' %ld", vt_bin(), db, id), 0);
    assert_string_equal(out, "0\thidden\ten\tNote trans Teng 2004 p40\n"
                             "1\thidden\ten\t(see notes)\n");
    free(out);
    assert_int_equal(vt_sh(&out, "%s note show --db '%s' %ld 7 2>&1", vt_bin(), db, id), 2);
    assert_contains(out, "has no note 7");
    free(out);
    assert_int_equal(vt_sh(NULL, "%s note show --db '%s' %ld 0", vt_bin(), db, id), 0);
    snprintf(path, sizeof path, "/objects/%ld", id);
    r = vt_get(&srv, path);
    assert_contains(r.body, "<li lang=\"en\" dir=\"auto\">Note trans Teng 2004 p40</li>");
    assert_not_contains(r.body, "(see notes)");
    vt_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/objects/%ld", id);
    r = vt_get(&srv, path);
    assert_contains(r.body, "\"notes\":[{\"lang\":\"en\",\"text\":\"Note trans Teng 2004 p40\"}]");
    vt_resp_free(&r);

    /* the curator's choice outlives a re-import of a changed record */
    assert_int_equal(vt_sh(NULL, "sed -i '/古玉0636/ s/\"date_text\": \"1756\"/\"date_text\": \"1756 (Qianlong "
                                 "21)\"/' %s/slice.jsonl", dir), 0);
    assert_int_equal(vt_sh(&out, "%s import --db '%s' %s/slice.jsonl 2>&1", vt_bin(), db, dir), 0);
    assert_contains(out, "updated 1,");
    free(out);
    assert_int_equal(vt_sh(&out, "%s note list --db '%s' %ld", vt_bin(), db, id), 0);
    assert_string_equal(out, "0\tshown\ten\tNote trans Teng 2004 p40\n"
                             "1\thidden\ten\t(see notes)\n");
    free(out);
    assert_int_equal(vt_sh(NULL, "%s note hide --db '%s' %ld 0", vt_bin(), db, id), 0);
    assert_int_equal(vt_sh(&out, "%s note list --db '%s' %ld", vt_bin(), db, id), 0);
    assert_contains(out, "0\thidden\t");
    free(out);
}

/* vcm db copy keeps the notes, the inferred flags and the profiles. */
static void test_db_copy(void **state)
{
    (void)state;
    char to[700], *a = NULL, *b = NULL;
    snprintf(to, sizeof to, "sqlite:%s/copy.db", dir);
    assert_int_equal(vt_sh(NULL, "%s db copy --quiet '%s' '%s' 2>/dev/null", vt_bin(), db, to), 0);
    const char *sql = "SELECT object_id, field, lang, pos, inferred, public, value FROM "
                      "object_texts WHERE field = 'note' OR inferred = 0 ORDER BY 1, 2, 4";
    assert_int_equal(vt_db_sql(&a, db, sql), 0);
    assert_int_equal(vt_db_sql(&b, to, sql), 0);
    assert_contains(a, "Note trans Teng 2004 p40");
    assert_string_equal(a, b);
    free(a);
    free(b);
    sql = "SELECT museum_id, name_native, address, languages, description FROM museum_profiles "
          "ORDER BY 1";
    assert_int_equal(vt_db_sql(&a, db, sql), 0);
    assert_int_equal(vt_db_sql(&b, to, sql), 0);
    assert_contains(a, "國立故宮博物院");
    assert_string_equal(a, b);
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_import_keeps_texts_and_notes),
        cmocka_unit_test(test_museum_load),
        cmocka_unit_test(test_museum_set),
        cmocka_unit_test(test_pages),
        cmocka_unit_test(test_db_copy),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
