/* The importer and exporter, through the real `vcm` program and through the
 * library, on the real demo collection and on files with broken lines. */
#include "testutil.h"

#include "model/filter.h"

#include "core/arena.h"
#include "io/jsonl.h"
#include "store/store.h"

static char *dir;

static int group_setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
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

/* The URL of a fresh store named name (caller frees). */
static char *fresh_db(const char *name)
{
    char *u = malloc(1024);
    vt_db_url(u, 1024, dir, name);
    return u;
}

static void data_file(char *buf, size_t n)
{
    snprintf(buf, n, "%s/collection.jsonl", vt_data());
    if (access(buf, R_OK) != 0)
        fail_msg("the demo data is missing: %s (set VCM_DATA)", buf);
}

/* `vcm stats` of a database, as text. */
static char *stats(const char *db)
{
    char *out;
    assert_int_equal(vt_sh(&out, "%s stats --db '%s'", vt_bin(), db), 0);
    return out;
}

static void test_demo_import_and_reimport(void **state)
{
    (void)state;
    char data[512], *out;
    data_file(data, sizeof data);
    char *db = fresh_db("demo");
    int rc = vt_sh(&out, "%s import --quiet --db '%s' %s", vt_bin(), db, data);
    assert_int_equal(rc, 0);
    assert_contains(out, "read 42231, inserted 42231, updated 0, unchanged 0, rejected 0");
    assert_contains(out, "6 museums and 3 countries created");
    free(out);
    /* the same file again changes nothing */
    rc = vt_sh(&out, "%s import --quiet --db '%s' %s", vt_bin(), db, data);
    assert_int_equal(rc, 0);
    assert_contains(out, "read 42231, inserted 0, updated 0, unchanged 42231, rejected 0");
    assert_contains(out, "0 museums and 0 countries created");
    free(out);
    out = stats(db);
    assert_contains(out, "objects 42231\n");
    assert_contains(out, "museums 6\n");
    assert_contains(out, "countries 3\n");
    free(out);
    free(db);
}

/* Ten broken lines among good ones: the good ones go in, each bad one is
 * named with its line number and reason, the exit status says so. */
static void test_broken_lines(void **state)
{
    (void)state;
    char path[600], *out;
    snprintf(path, sizeof path, "%s/broken.jsonl", dir);
    FILE *f = fopen(path, "w");
    const char *good = "{\"source_museum\": \"Tate\", \"source_country\": \"GB\", \"source_id\": \"G%d\", "
                       "\"title\": \"Good %d\", \"date_start\": 1900, \"date_end\": 1950}\n";
    int line = 0;
    for (int i = 0; i < 5; i++, line++)
        fprintf(f, good, i, i);
    const char *bad[] = {
        "{\"source_museum\": \"Tate\", \"source_country\": \"GB\", \"source_id\": \"B1\", \"title\": ", /* 6: truncated */
        "{\"source_museum\": \"Tate\", \"source_country\": \"GB\", \"source_id\": \"B2\", \"title\": \"\xff\xfe\"}", /* 7 */
        "{\"source_museum\": \"Tate\", \"source_country\": \"GB\", \"source_id\": \"B3\"}", /* 8: no title */
        "{\"source_museum\": \"Tate\", \"source_country\": \"GB\", \"source_id\": \"B4\", \"title\": \"x\", \"date_start\": \"soon\"}", /* 9 */
        "{\"source_museum\": \"Tate\", \"source_country\": \"GB\", \"source_id\": \"B5\", \"title\": \"x\", \"date_end\": 123456}", /* 10 */
        "[1, 2, 3]", /* 11 */
        "{\"source_country\": \"GB\", \"source_id\": \"B7\", \"title\": \"x\"}", /* 12: no museum */
        "{\"source_museum\": \"Tate\", \"source_country\": \"XX\", \"source_id\": \"B8\", \"title\": \"x\"}", /* 13 */
        "{\"source_museum\": \"Tate\", \"source_country\": \"GB\", \"source_id\": \"B9\", \"title\": \"x\", \"title\": \"y\"}", /* 14 */
        "{\"source_museum\": \"Tate\", \"source_country\": \"GB\", \"title\": \"no id\"}", /* 15 */
    };
    for (size_t i = 0; i < 10; i++, line++)
        fprintf(f, "%s\n", bad[i]);
    for (int i = 5; i < 10; i++, line++)
        fprintf(f, good, i, i);
    fclose(f);
    char *db = fresh_db("broken");
    int rc = vt_sh(&out, "%s import --db '%s' %s", vt_bin(), db, path);
    assert_int_equal(rc, 1);
    assert_contains(out, "read 20, inserted 10, updated 0, unchanged 0, rejected 10");
    char want[700];
    const char *reasons[] = {"invalid JSON", "invalid UTF-8", "missing title", "impossible date",
                             "impossible date", "expected a JSON object", "missing source_museum",
                             "unknown country code 'XX'", "invalid JSON", "missing source_id"};
    for (int i = 0; i < 10; i++) {
        snprintf(want, sizeof want, "%s:%d: %s", path, 6 + i, reasons[i]);
        assert_contains(out, want);
    }
    free(out);
    out = stats(db);
    assert_contains(out, "objects 10\n");
    free(out);
    free(db);
}

static void test_cli_errors(void **state)
{
    (void)state;
    char *out, *db = fresh_db("x");
    assert_int_equal(vt_sh(&out, "%s import --db '%s' /nonexistent.jsonl", vt_bin(), db), 3);
    assert_contains(out, "cannot open '/nonexistent.jsonl'");
    free(out);
    assert_int_equal(vt_sh(&out, "%s import --db '%s'", vt_bin(), db), 2);
    assert_contains(out, "name a file");
    free(out);
    assert_int_equal(vt_sh(&out, "%s import --batch 0 --db '%s' a", vt_bin(), db), 2);
    assert_contains(out, "'batch' needs a whole number from 1");
    free(out);
    free(db);
    assert_int_equal(vt_sh(&out, "%s frobnicate", vt_bin()), 2);
    assert_contains(out, "unknown command 'frobnicate'");
    free(out);
    assert_int_equal(vt_sh(&out, "%s --help", vt_bin()), 0);
    assert_contains(out, "--db URL");
    assert_contains(out, "VCM_LISTEN");
    assert_contains(out, "--media DIR");
    assert_contains(out, "VCM_DATA");
    free(out);
}

/* Dirty source data comes out clean: entities, white space, two-language
 * titles, the Taipei title_i18n, rights derived from the licence text. */
static void test_cleaning(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    json_error_t je;
    json_t *j = json_loads(
        "{\"source_museum\": \"  The  Met \", \"source_country\": \"US\", \"source_id\": \"1\","
        " \"title\": \"明   丁雲鵬   潯陽送客圖   軸|Song of the Lute\", \"artist\": \"A|B &amp; C\","
        " \"description\": \"line one\\n\\n\\n\\nline&nbsp;two  &#x4E2D;\","
        " \"license\": \"Mia open data; object rights: In Copyright–Educational Use\","
        " \"date_start\": null, \"date_end\": null}", 0, &je);
    assert_non_null(j);
    vcm_object o;
    const char *museum, *country, *warning;
    char err[300];
    assert_int_equal(vcm_record_from_source(j, &a, &o, &museum, &country, &warning, err, sizeof err), 0);
    assert_string_equal(museum, "The Met");
    /* English first; the Chinese in traditional characters, which the
     * source does not say: inferred, and marked so */
    assert_int_equal(o.title.n, 2);
    assert_string_equal(o.title.v[0].lang, "en");
    assert_string_equal(o.title.v[0].text, "Song of the Lute");
    assert_string_equal(o.title.v[1].lang, "zh-Hant");
    assert_string_equal(o.title.v[1].text, "明 丁雲鵬 潯陽送客圖 軸");
    assert_true(o.title.v[1].inferred);
    assert_int_equal(o.ncreators, 2);
    assert_string_equal(o.creators[1], "B & C");
    assert_string_equal(o.description.v[0].text, "line one\n\nline two 中");
    assert_string_equal(o.rights, "http://rightsstatements.org/vocab/InC-EDU/1.0/");
    assert_int_equal(o.date_start, VCM_NO_YEAR);
    assert_null(warning);
    json_decref(j);

    j = json_loads("{\"source_museum\": \"NPM\", \"source_country\": \"TW\", \"source_id\": \"古玉1\","
                   " \"title\": \"Jade bowl\", \"title_i18n\": {\"en\": \"Jade bowl\", \"zh\": \"玉碗\"},"
                   " \"date_start\": 4000, \"date_end\": 4000, \"date_text\": \"c. 4000 BCE\"}", 0, &je);
    assert_int_equal(vcm_record_from_source(j, &a, &o, &museum, &country, &warning, err, sizeof err), 0);
    /* the source says zh; Taipei writes traditional characters, which the
     * script subtag now says, marked as inferred */
    assert_int_equal(o.title.n, 2);
    assert_string_equal(o.title.v[1].lang, "zh-Hant");
    assert_true(o.title.v[1].inferred);
    assert_string_equal(o.title.v[1].text, "玉碗");
    /* a year in the future: kept without years, with a warning */
    assert_non_null(warning);
    assert_int_equal(o.date_start, VCM_NO_YEAR);
    assert_string_equal(o.date_text, "c. 4000 BCE");
    json_decref(j);
    vcm_arena_release(&a);
}

/* Rights read from the source's text: the Taipei jades under "NPMT
 * CC-BY-4.0" are CC BY 4.0 and open; a text that says nothing of the
 * object's rights leaves them unstated instead of inventing one. */
static void test_rights_from_source(void **state)
{
    (void)state;
    static const struct {
        const char *licence, *rights, *spdx;
        bool open;
    } cases[] = {
        {"rights per record: NPMT CC-BY-4.0 (NPM open data; see README)",
         "http://creativecommons.org/licenses/by/4.0/", "CC-BY-4.0", true},
        {"rights per record: OA (NPM open data; see README)", NULL, NULL, false},
        {"CC0-1.0 (metadata); images not included", NULL, "CC0-1.0", false},
        {"CC0-1.0 (metadata); image not CC0", NULL, "CC0-1.0", false},
        {"Mia open data (see README); object rights:", NULL, "CC0-1.0", false},
        {"Mia open data (see README); object rights: In Copyright–Non-Commercial Use",
         "http://rightsstatements.org/vocab/InC-NC/1.0/", "CC0-1.0", false},
        {"CC0-1.0 (metadata); object is public domain: True",
         "http://creativecommons.org/publicdomain/mark/1.0/", "CC0-1.0", true},
    };
    vcm_arena a;
    vcm_arena_init(&a, 0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s}", "source_museum", "M",
                              "source_country", "TW", "source_id", "jade054", "title", "Bowl",
                              "license", cases[i].licence);
        vcm_object o;
        const char *museum, *country, *warning;
        char err[300];
        assert_int_equal(
            vcm_record_from_source(j, &a, &o, &museum, &country, &warning, err, sizeof err), 0);
        if (cases[i].rights)
            assert_string_equal(o.rights, cases[i].rights);
        else if (o.rights)
            fail_msg("'%s': rights '%s' where the source states none", cases[i].licence, o.rights);
        if (cases[i].spdx)
            assert_string_equal(o.licence, cases[i].spdx);
        else
            assert_null(o.licence);
        assert_int_equal(vcm_rights_open(o.rights), cases[i].open);
        json_decref(j);
    }
    vcm_arena_release(&a);
}

/* The change hash: the same for records that differ only in what the store
 * assigns (id, times), different for any change of content. */
static void test_hash(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_object o, p;
    vcm_object_init(&o);
    o.source_id = "1";
    vcm_ltexts_add(&o.title, &a, "en", "Bowl");
    p = o;
    p.id = 9;
    p.created = 5;
    p.updated = 6;
    char h1[33], h2[33], h3[33], h4[33];
    assert_int_equal(vcm_object_hash(&o, "M", h1), 0);
    assert_int_equal(vcm_object_hash(&p, "M", h2), 0);
    assert_string_equal(h1, h2);
    assert_int_equal(strlen(h1), 32);
    p.title = (vcm_ltexts){0};
    vcm_ltexts_add(&p.title, &a, "en", "Bowls");
    assert_int_equal(vcm_object_hash(&p, "M", h3), 0);
    assert_string_not_equal(h1, h3);
    assert_int_equal(vcm_object_hash(&o, "N", h4), 0);
    assert_string_not_equal(h1, h4);
    vcm_arena_release(&a);
}

/* export → import into an empty database → export gives the same file. */
static void test_export_roundtrip(void **state)
{
    (void)state;
    char *out;
    char data[512];
    data_file(data, sizeof data);
    /* a small slice of the demo, with edits, for speed under sanitizers */
    assert_int_equal(vt_sh(NULL, "head -n 3000 %s > %s/slice.jsonl", data, dir), 0);
    char *r1 = fresh_db("r1"), *r2 = fresh_db("r2");
    assert_int_equal(vt_sh(&out, "%s import --quiet --db '%s' %s/slice.jsonl", vt_bin(), r1, dir), 0);
    free(out);
    assert_int_equal(vt_sh(&out, "%s export --db '%s' %s/e1.jsonl", vt_bin(), r1, dir), 0);
    assert_contains(out, "3000 objects written");
    free(out);
    assert_int_equal(vt_sh(&out, "%s import --quiet --db '%s' %s/e1.jsonl", vt_bin(), r2, dir), 0);
    assert_contains(out, "read 3000, inserted 3000");
    free(out);
    assert_int_equal(vt_sh(NULL, "%s export --db '%s' %s/e2.jsonl", vt_bin(), r2, dir), 0);
    assert_int_equal(vt_sh(&out, "cmp %s/e1.jsonl %s/e2.jsonl", dir, dir), 0);
    free(out);
    /* and importing the export over its own database changes nothing */
    assert_int_equal(vt_sh(&out, "%s import --quiet --db '%s' %s/e1.jsonl", vt_bin(), r2, dir), 0);
    assert_contains(out, "unchanged 3000");
    free(out);
    /* export to standard output works too */
    assert_int_equal(vt_sh(&out, "%s export --db '%s' - | head -c 40", vt_bin(), r2), 0);
    assert_contains(out, "{\"type\":\"vcm-export\",\"format\":1}");
    free(out);
    free(r1);
    free(r2);
}

/* A record updated at the source is updated in place, not duplicated. */
static void test_update_in_place(void **state)
{
    (void)state;
    char path[600], *out;
    snprintf(path, sizeof path, "%s/u.jsonl", dir);
    vt_write_file(path, "{\"source_museum\": \"Tate\", \"source_country\": \"GB\", \"source_id\": \"U1\", \"title\": \"Before\"}\n"
                        "{\"source_museum\": \"Tate\", \"source_country\": \"GB\", \"source_id\": \"U1\", \"title\": \"After\"}\n");
    char *db = fresh_db("u");
    assert_int_equal(vt_sh(&out, "%s import --quiet --db '%s' %s", vt_bin(), db, path), 0);
    assert_contains(out, "read 2, inserted 1, updated 1, unchanged 0");
    free(out);
    assert_int_equal(vt_sh(&out, "%s export --db '%s' - 2>/dev/null | grep -c '\"type\":\"object\"'",
                           vt_bin(), db), 0);
    assert_int_equal(atoi(out), 1);
    free(out);
    assert_int_equal(vt_sh(&out, "%s export --db '%s' - 2>/dev/null", vt_bin(), db), 0);
    assert_contains(out, "\"title\":{\"en\":\"After\"}");
    free(out);
    free(db);
}

/* Where the museum publishes the images: image_url (several separated by
 * '|'), IIIF services and manifests are kept in order; what is not an
 * http(s) URL is left out with a warning; a record that changes its links
 * is updated, one that brings none (a VCM export read back) leaves them. */
static void test_image_links(void **state)
{
    (void)state;
    char path[600], *out;
    snprintf(path, sizeof path, "%s/links.jsonl", dir);
    vt_write_file(path,
                  "{\"source_museum\": \"Tate\", \"source_country\": \"GB\", \"source_id\": \"L1\", "
                  "\"title\": \"A\", \"image_url\": \"http://m.example/a.jpg|https://m.example/b.jpg\", "
                  "\"iiif_manifest\": \"https://m.example/iiif/L1/manifest\", "
                  "\"iiif_service\": \"https://m.example/iiif/img/L1\"}\n"
                  "{\"source_museum\": \"Tate\", \"source_country\": \"GB\", \"source_id\": \"L2\", "
                  "\"title\": \"B\", \"image_url\": \"javascript:alert(1)\"}\n"
                  "{\"source_museum\": \"Tate\", \"source_country\": \"GB\", \"source_id\": \"L3\", "
                  "\"title\": \"C\", \"image_url\": \"\"}\n");
    char *db = fresh_db("links");
    assert_int_equal(vt_sh(&out, "%s import --db '%s' %s", vt_bin(), db, path), 0);
    assert_contains(out, "links.jsonl:2: warning: a link to an image is not an http(s) URL");
    free(out);
    const char *q = "SELECT o.source_id || ' ' || l.rel || ' ' || l.pos || ' ' || l.url FROM "
                    "object_links l JOIN objects o ON o.id = l.object_id ORDER BY 1";
    assert_int_equal(vt_db_sql(&out, db, q), 0);
    assert_string_equal(out, "L1 iiif-image 2 https://m.example/iiif/img/L1\n"
                             "L1 iiif-manifest 3 https://m.example/iiif/L1/manifest\n"
                             "L1 image 0 http://m.example/a.jpg\n"
                             "L1 image 1 https://m.example/b.jpg\n");
    free(out);
    /* a changed link updates the record; an export read back keeps them */
    vt_write_file(path, "{\"source_museum\": \"Tate\", \"source_country\": \"GB\", \"source_id\": "
                        "\"L1\", \"title\": \"A\", \"image_url\": \"http://m.example/new.jpg\"}\n");
    assert_int_equal(vt_sh(&out, "%s import --quiet --db '%s' %s && %s export --db '%s' "
                                 "%s/links-export.jsonl && %s import --quiet --db '%s' "
                                 "%s/links-export.jsonl",
                           vt_bin(), db, path, vt_bin(), db, dir, vt_bin(), db, dir),
                     0);
    assert_contains(out, "updated 1");
    free(out);
    assert_int_equal(vt_db_sql(&out, db, q), 0);
    assert_string_equal(out, "L1 image 0 http://m.example/new.jpg\n");
    free(out);
    free(db);
}

/* An import killed with SIGKILL leaves a consistent database, and running
 * it again ends with the same counts as an uninterrupted import. */
static void test_sigkill_and_rerun(void **state)
{
    (void)state;
    char data[512], *out;
    data_file(data, sizeof data);
    char *db = fresh_db("killed");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        execl(vt_bin(), vt_bin(), "import", "--quiet", "--batch", "200", "--db", db, data,
              (char *)NULL);
        _exit(127);
    }
    /* wait until some batches are in, then kill it mid-way */
    int64_t seen = 0;
    for (int i = 0; i < 1500 && seen < 2000; i++) {
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
        if (vt_db_sql(&out, db, "SELECT count(*) FROM objects") == 0)
            seen = atoll(out);
        free(out);
    }
    kill(pid, SIGKILL);
    int st;
    waitpid(pid, &st, 0);
    assert_true(WIFSIGNALED(st));
    assert_true(seen >= 2000);
    /* consistent: integrity holds, objects come in whole batches */
    if (!vt_pg()) {
        assert_int_equal(vt_db_sql(&out, db, "PRAGMA integrity_check; PRAGMA foreign_key_check;"), 0);
        assert_string_equal(out, "ok\n");
        free(out);
    }
    assert_int_equal(vt_db_sql(&out, db, "SELECT count(*) FROM objects"), 0);
    int64_t partial = atoll(out);
    free(out);
    assert_true(partial < 42231);
    assert_int_equal(partial % 200, 0);
    /* objects without their titles would mean half-written records */
    assert_int_equal(vt_db_sql(&out, db, "SELECT count(*) FROM objects o WHERE o.id NOT IN "
                                         "(SELECT object_id FROM object_texts WHERE field='title')"), 0);
    assert_true(atoi(out) <= 4); /* the four records the museums gave no title */
    free(out);

    assert_int_equal(vt_sh(&out, "%s import --quiet --db '%s' %s", vt_bin(), db, data), 0);
    char want[200];
    snprintf(want, sizeof want, "read 42231, inserted %lld, updated 0, unchanged %lld, rejected 0",
             (long long)(42231 - partial), (long long)partial);
    assert_contains(out, want);
    free(out);
    char *killed = stats(db), *demo = fresh_db("uninterrupted");
    assert_int_equal(vt_sh(NULL, "%s import --quiet --db '%s' %s", vt_bin(), demo, data), 0);
    char *whole = stats(demo);
    assert_string_equal(killed, whole);
    free(killed);
    free(whole);
    free(db);
    free(demo);
}

/* The export-format lines of one Tate museum in GB, for files below. */
#define EXPORT_HEAD                                                                              \
    "{\"type\":\"vcm-export\",\"format\":1}\n"                                                   \
    "{\"type\":\"country\",\"code\":\"GB\",\"names\":{\"en\":\"United Kingdom\"},"               \
    "\"region\":\"europe\"}\n"                                                                   \
    "{\"type\":\"museum\",\"id\":1,\"names\":{\"en\":\"Tate\"},\"country\":\"GB\"}\n"
#define EXPORT_OBJECT(id, sid)                                                                   \
    "{\"type\":\"object\",\"id\":" id ",\"museum\":\"Tate\",\"source_id\":\"" sid "\","          \
    "\"title\":{\"en\":\"Bowl\"},\"status\":\"published\",\"created\":\"2026-01-01T00:00:00Z\","  \
    "\"updated\":\"2026-01-01T00:00:00Z\"}\n"

/* Ids beyond 2^53 (or 0, or not whole) are refused with file and line,
 * and change nothing: before, 2^63-1 was taken and every object imported
 * after it got an id of 19 digits that the site's URLs refuse. */
static void test_ids_out_of_range(void **state)
{
    (void)state;
    char path[600], *out, *before, *after;
    char *db = fresh_db("ids");
    snprintf(path, sizeof path, "%s/ids-good.jsonl", dir);
    vt_write_file(path, EXPORT_HEAD EXPORT_OBJECT("7", "I-7"));
    assert_int_equal(vt_sh(&out, "%s import --quiet --db '%s' %s", vt_bin(), db, path), 0);
    free(out);
    assert_int_equal(vt_sh(&before, "%s export --db '%s' - 2>/dev/null", vt_bin(), db), 0);

    snprintf(path, sizeof path, "%s/ids-bad.jsonl", dir);
    vt_write_file(path, "{\"type\":\"vcm-export\",\"format\":1}\n"
                        EXPORT_OBJECT("9223372036854775807", "I-big")
                        EXPORT_OBJECT("9007199254740993", "I-2p53+1")
                        EXPORT_OBJECT("0", "I-zero")
                        EXPORT_OBJECT("-4", "I-neg")
                        EXPORT_OBJECT("12.5", "I-real")
                        EXPORT_OBJECT("\"12\"", "I-text")
                        "{\"type\":\"museum\",\"id\":9223372036854775807,\"names\":{\"en\":\"Big\"},"
                        "\"country\":\"GB\"}\n");
    assert_int_equal(vt_sh(&out, "%s import --quiet --db '%s' %s", vt_bin(), db, path), 1);
    assert_contains(out, "read 7, inserted 0, updated 0, unchanged 0, rejected 7");
    const char *why[] = {"object: id 9223372036854775807 is outside 1..9007199254740992",
                         "object: id 9007199254740993 is outside 1..9007199254740992",
                         "object: id 0 is outside 1..9007199254740992",
                         "object: id -4 is outside 1..9007199254740992",
                         "object: id must be a whole number from 1 to 9007199254740992",
                         "object: id must be a whole number from 1 to 9007199254740992",
                         "museum: id 9223372036854775807 is outside 1..9007199254740992"};
    char want[900];
    for (int i = 0; i < 7; i++) {
        snprintf(want, sizeof want, "%s:%d: %s", path, 2 + i, why[i]);
        assert_contains(out, want);
    }
    free(out);
    assert_int_equal(vt_sh(&after, "%s export --db '%s' - 2>/dev/null", vt_bin(), db), 0);
    assert_string_equal(before, after);
    free(before);
    free(after);

    /* 2^53 itself is an id; an object imported after it gets the next one
     * the store has, never one past 2^53 */
    snprintf(path, sizeof path, "%s/ids-edge.jsonl", dir);
    vt_write_file(path, "{\"type\":\"vcm-export\",\"format\":1}\n" EXPORT_OBJECT("9", "I-9")
                        "{\"source_museum\": \"Tate\", \"source_country\": \"GB\", "
                        "\"source_id\": \"I-new\", \"title\": \"New\"}\n");
    assert_int_equal(vt_sh(&out, "%s import --quiet --db '%s' %s", vt_bin(), db, path), 0);
    assert_contains(out, "inserted 2,");
    free(out);
    assert_int_equal(vt_db_sql(&out, db, "SELECT max(id) FROM objects"), 0);
    assert_int_equal(atoll(out), 10);
    free(out);
    free(db);
}

/* A byte order mark at the start of a file is skipped; anywhere else it
 * is still an error of its line. */
static void test_byte_order_mark(void **state)
{
    (void)state;
    char path[600], *out;
    snprintf(path, sizeof path, "%s/bom.jsonl", dir);
    vt_write_file(path, "\xEF\xBB\xBF{\"source_museum\": \"Tate\", \"source_country\": \"GB\", "
                        "\"source_id\": \"BOM-1\", \"title\": \"First\"}\n"
                        "\xEF\xBB\xBF{\"source_museum\": \"Tate\", \"source_country\": \"GB\", "
                        "\"source_id\": \"BOM-2\", \"title\": \"Second\"}\n");
    char *db = fresh_db("bom");
    assert_int_equal(vt_sh(&out, "%s import --quiet --db '%s' %s", vt_bin(), db, path), 1);
    assert_contains(out, "read 2, inserted 1, updated 0, unchanged 0, rejected 1");
    char want[700];
    snprintf(want, sizeof want, "%s:2: invalid JSON", path);
    assert_contains(out, want);
    free(out);
    /* and from standard input too */
    vt_write_file(path, "\xEF\xBB\xBF{\"type\":\"vcm-export\",\"format\":1}\n");
    assert_int_equal(vt_sh(&out, "%s import --quiet --db '%s' - < %s", vt_bin(), db, path), 0);
    free(out);
    assert_int_equal(vt_sh(&out, "%s export --db '%s' - 2>/dev/null", vt_bin(), db), 0);
    assert_contains(out, "\"source_id\":\"BOM-1\"");
    assert_contains(out, "\"title\":{\"en\":\"First\"}");
    free(out);
    free(db);
}

/* null where a text is required is refused (before, a record with
 * "title": null went in without a title); "" and {} say "none" and stay
 * accepted. */
static void test_nulls_refused(void **state)
{
    (void)state;
    char path[600], *out;
    snprintf(path, sizeof path, "%s/nulls.jsonl", dir);
    vt_write_file(path,
                  "{\"source_museum\": \"Tate\", \"source_country\": \"GB\", \"source_id\": \"N1\", "
                  "\"title\": null}\n"
                  "{\"source_museum\": \"Tate\", \"source_country\": \"GB\", \"source_id\": \"N2\", "
                  "\"title_i18n\": null}\n"
                  "{\"source_museum\": null, \"source_country\": \"GB\", \"source_id\": \"N3\", "
                  "\"title\": \"x\"}\n"
                  "{\"source_museum\": \"Tate\", \"source_country\": \"GB\", \"source_id\": null, "
                  "\"title\": \"x\"}\n"
                  "{\"source_museum\": \"Tate\", \"source_country\": null, \"source_id\": \"N5\", "
                  "\"title\": \"x\"}\n"
                  EXPORT_HEAD
                  "{\"type\":\"object\",\"museum\":\"Tate\",\"source_id\":\"N6\",\"title\":null}\n"
                  "{\"type\":\"object\",\"museum\":null,\"source_id\":\"N7\",\"title\":{}}\n"
                  "{\"type\":\"object\",\"museum\":\"Tate\",\"source_id\":null,\"title\":{}}\n"
                  "{\"type\":\"object\",\"museum\":\"Tate\",\"source_id\":\"N9\","
                  "\"title\":{\"en\":null}}\n"
                  "{\"type\":\"museum\",\"names\":null,\"country\":\"GB\"}\n"
                  /* kept: "" and {} are a museum saying it gave no title */
                  "{\"source_museum\": \"Tate\", \"source_country\": \"GB\", \"source_id\": \"K1\", "
                  "\"title\": \"\"}\n"
                  "{\"source_museum\": \"Tate\", \"source_country\": \"GB\", \"source_id\": \"K2\", "
                  "\"title\": null, \"title_i18n\": {\"en\": \"Bowl\"}}\n"
                  "{\"type\":\"object\",\"museum\":\"Tate\",\"source_id\":\"K3\",\"title\":{}}\n");
    char *db = fresh_db("nulls");
    assert_int_equal(vt_sh(&out, "%s import --quiet --db '%s' %s", vt_bin(), db, path), 1);
    assert_contains(out, "read 13, inserted 3, updated 0, unchanged 0, rejected 10");
    const struct {
        int line;
        const char *why;
    } want[] = {
        {1, "title: null; a title is required (\"\" when the museum gives none)"},
        {2, "title: null; a title is required"},
        {3, "missing source_museum"},
        {4, "missing source_id"},
        {5, "source_country must be an ISO 3166-1 alpha-2 code"},
        {9, "title: null; expected an object of language: text ({} for none)"},
        {10, "museum: required"},
        {11, "object: source_id is required"},
        {12, "title.en: expected a string"},
        {13, "museum: a name is required"},
    };
    char w[700];
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        snprintf(w, sizeof w, "%s:%d: %s", path, want[i].line, want[i].why);
        assert_contains(out, w);
    }
    free(out);
    assert_int_equal(vt_sh(&out, "%s export --db '%s' - 2>/dev/null", vt_bin(), db), 0);
    assert_contains(out, "\"source_id\":\"K2\"");
    assert_contains(out, "\"title\":{\"en\":\"Bowl\"}");
    assert_not_contains(out, "\"source_id\":\"N");
    free(out);
    free(db);
}

/* Values the store indexes are bounded in length, the same on both
 * backends: PostgreSQL refuses an index entry over about 2,700 bytes that
 * SQLite takes, so a 3,000-byte source id, classification or museum name
 * used to be kept on one backend and fail the whole batch on the other. */
static void test_long_keys_refused(void **state)
{
    (void)state;
    char path[600], *out;
    snprintf(path, sizeof path, "%s/long.jsonl", dir);
    char *big = malloc(3001);
    memset(big, 'x', 3000);
    big[3000] = '\0';
    char *text = malloc(20000);
    snprintf(text, 20000,
             "{\"source_museum\": \"Tate\", \"source_country\": \"GB\", \"source_id\": \"L1\", "
             "\"title\": \"kept\"}\n"
             "{\"source_museum\": \"Tate\", \"source_country\": \"GB\", \"source_id\": \"%s\", "
             "\"title\": \"a\"}\n"
             "{\"source_museum\": \"Tate\", \"source_country\": \"GB\", \"source_id\": \"L3\", "
             "\"title\": \"b\", \"classification\": \"%s\"}\n"
             "{\"source_museum\": \"%s\", \"source_country\": \"GB\", \"source_id\": \"L4\", "
             "\"title\": \"c\"}\n"
             "{\"source_museum\": \"Tate\", \"source_country\": \"GB\", \"source_id\": \"L5\", "
             "\"title\": \"also kept\", \"classification\": \"%.1000s\"}\n",
             big, big, big, big);
    vt_write_file(path, text);
    char *db = fresh_db("long");
    assert_int_equal(vt_sh(&out, "%s import --quiet --db '%s' %s", vt_bin(), db, path), 1);
    assert_contains(out, "read 5, inserted 2, updated 0, unchanged 0, rejected 3");
    char w[700];
    snprintf(w, sizeof w, "%s:2: object: source_id is longer than 1000 bytes", path);
    assert_contains(out, w);
    snprintf(w, sizeof w, "%s:3: object: classification is longer than 1000 bytes", path);
    assert_contains(out, w);
    snprintf(w, sizeof w, "%s:4:", path);
    assert_contains(out, w);
    assert_contains(out, "longer than 1000 bytes");
    free(out);
    assert_int_equal(vt_sh(&out, "%s export --db '%s' - 2>/dev/null", vt_bin(), db), 0);
    assert_contains(out, "\"source_id\":\"L1\"");
    assert_contains(out, "\"source_id\":\"L5\"");
    assert_not_contains(out, "\"source_id\":\"L3\"");
    free(out);
    free(db);
    free(text);
    free(big);
}

/* The summary counts what the store did not have: before, a lower-case
 * country code was created again at every look-up ("gb": 2 countries
 * created for one record, and the record refused), and the countries and
 * museums of an export were not counted at all. A refused record creates
 * neither its museum nor its country. */
static void test_truthful_summary(void **state)
{
    (void)state;
    char path[600], *out;
    snprintf(path, sizeof path, "%s/counts.jsonl", dir);
    vt_write_file(path, "{\"source_museum\": \"Tate\", \"source_country\": \"gb\", "
                        "\"source_id\": \"C1\", \"title\": \"One\"}\n"
                        "{\"source_museum\": \"Tate\", \"source_country\": \"GB\", "
                        "\"source_id\": \"C2\", \"title\": \"Two\"}\n"
                        "{\"source_museum\": \"Tate Modern\", \"source_country\": \"gb\", "
                        "\"source_id\": \"C3\", \"title\": \"Three\"}\n"
                        /* refused after its museum and country were made, before */
                        "{\"source_museum\": \"Musée Nowhere\", \"source_country\": \"FR\", "
                        "\"source_id\": \"C4\", \"title\": \"Four\", "
                        "\"source_url\": \"ftp://example.org/4\"}\n");
    char *db = fresh_db("counts");
    assert_int_equal(vt_sh(&out, "%s import --quiet --db '%s' %s", vt_bin(), db, path), 1);
    assert_contains(out, "read 4, inserted 3, updated 0, unchanged 0, rejected 1, warnings 0; "
                         "2 museums and 1 countries created");
    char want[700];
    snprintf(want, sizeof want, "%s:4: source_url 'ftp://example.org/4' is not an http(s) URL",
             path);
    assert_contains(out, want);
    free(out);
    out = stats(db);
    assert_contains(out, "objects 3\n");
    assert_contains(out, "museums_all 2\n");
    assert_contains(out, "countries_all 1\n");
    free(out);
    /* the same again: nothing created */
    assert_int_equal(vt_sh(&out, "%s import --quiet --db '%s' %s", vt_bin(), db, path), 1);
    assert_contains(out, "0 museums and 0 countries created");
    free(out);

    /* an export read into an empty database creates what it brings */
    assert_int_equal(vt_sh(NULL, "%s export --db '%s' %s/counts-e.jsonl 2>/dev/null", vt_bin(), db,
                           dir),
                     0);
    char *empty = fresh_db("counts-empty");
    assert_int_equal(vt_sh(&out, "%s import --quiet --db '%s' %s/counts-e.jsonl", vt_bin(), empty,
                           dir),
                     0);
    assert_contains(out, "read 3, inserted 3, updated 0, unchanged 0, rejected 0, warnings 0; "
                         "2 museums and 1 countries created");
    free(out);
    assert_int_equal(vt_sh(&out, "%s import --quiet --db '%s' %s/counts-e.jsonl", vt_bin(), empty,
                           dir),
                     0);
    assert_contains(out, "unchanged 3, rejected 0, warnings 0; 0 museums and 0 countries created");
    free(out);
    out = stats(empty);
    assert_contains(out, "museums_all 2\n");
    assert_contains(out, "countries_all 1\n");
    free(out);
    free(empty);
    free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cleaning),
        cmocka_unit_test(test_rights_from_source),
        cmocka_unit_test(test_hash),
        cmocka_unit_test(test_cli_errors),
        cmocka_unit_test(test_broken_lines),
        cmocka_unit_test(test_update_in_place),
        cmocka_unit_test(test_image_links),
        cmocka_unit_test(test_ids_out_of_range),
        cmocka_unit_test(test_byte_order_mark),
        cmocka_unit_test(test_nulls_refused),
        cmocka_unit_test(test_truthful_summary),
        cmocka_unit_test(test_long_keys_refused),
        cmocka_unit_test(test_export_roundtrip),
        cmocka_unit_test(test_demo_import_and_reimport),
        cmocka_unit_test(test_sigkill_and_rerun),
    };
    return cmocka_run_group_tests_name("io/import", tests, group_setup, group_teardown);
}
