/* The JSON form of the model: an object written and read back (through the
 * text, as an export file would carry it) keeps every field; bad inputs fail
 * with a message naming the field; times in ISO 8601 UTC. */
#include "testutil.h"

#include <stdint.h>

#include "model/json.h"

static int setup(void **state)
{
    vcm_arena *a = malloc(sizeof *a);
    vcm_arena_init(a, 0);
    *state = a;
    return 0;
}

static int teardown(void **state)
{
    vcm_arena_release(*state);
    free(*state);
    return 0;
}

static const char *creators[] = {"Katsushika Hokusai (葛飾北斎)", "Nishimuraya Yohachi"};

static vcm_object full_object(vcm_arena *a, vcm_media *media)
{
    vcm_object o;
    vcm_object_init(&o);
    o.id = 4242;
    o.museum_id = 9; /* not part of the format: the museum goes by name */
    o.inventory_number = "JP1847";
    assert_int_equal(vcm_ltexts_add(&o.title, a, "ja", "神奈川沖浪裏"), 0);
    assert_int_equal(vcm_ltexts_add(&o.title, a, "en", "Under the Wave off Kanagawa"), 0);
    assert_int_equal(vcm_ltexts_add(&o.title, a, "zh-Hant", "神奈川沖浪裏"), 0);
    assert_int_equal(vcm_ltexts_add(&o.title, a, "de", "Die große Welle vor Kanagawa"), 0);
    assert_int_equal(vcm_ltexts_add(&o.description, a, "en",
                                    "Woodblock print; \"quotes\", <tags> & a\nnew line."),
                     0);
    assert_int_equal(vcm_ltexts_add(&o.statement, a, "ko", "가장 유명한 일본 판화."), 0);
    o.creators = creators;
    o.ncreators = 2;
    o.date_text = "ca. 1830–32";
    o.date_start = 1830;
    o.date_end = 1832;
    o.period = "Edo period";
    o.culture = "Japanese";
    o.classification = "Prints";
    o.materials = "Ink and color on paper";
    o.technique = "Woodblock print";
    o.dimensions = "25.7 × 37.9 cm";
    o.credit_line = "H. O. Havemeyer Collection";
    o.rights = "https://creativecommons.org/publicdomain/zero/1.0/";
    o.licence = "CC0";
    o.source_url = "https://www.metmuseum.org/art/collection/search/45434";
    o.status = VCM_WITHDRAWN;
    o.created = 1700000000;
    o.updated = 1764000000;
    o.source = "met-open-access";
    o.source_id = "45434";
    o.source_licence = "CC0 1.0";
    media[0] = (vcm_media){.id = 1, .file = "met/45434/main.jpg", .format = "image/jpeg",
                           .width = 6000, .height = 4100, .checksum = "sha256:abc",
                           .rights = "https://creativecommons.org/publicdomain/zero/1.0/"};
    media[1] = (vcm_media){.id = 2, .file = "met/45434/detail.tif", .format = "image/tiff",
                           .width = 1, .height = 2};
    o.media = media;
    o.nmedia = 2;
    return o;
}

/* Writes o to JSON text and reads it back into *out; fails on any error. */
static void round_trip(vcm_arena *a, const vcm_object *o, const char *museum,
                       vcm_object *out, const char **museum_out)
{
    json_t *j = vcm_object_to_json(o, museum);
    assert_non_null(j);
    char *text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    assert_non_null(text);
    json_error_t je;
    json_t *back = json_loads(text, 0, &je);
    free(text);
    assert_non_null(back);
    char err[256] = "";
    int rc = vcm_object_from_json(out, a, back, museum_out, err, sizeof err);
    json_decref(back);
    if (rc != 0)
        fail_msg("reading back: %s", err);
}

static void assert_str_or_null(const char *got, const char *want)
{
    if (!want)
        assert_null(got);
    else
        assert_string_equal(got, want);
}

static void assert_ltexts_equal(const vcm_ltexts *got, const vcm_ltexts *want)
{
    assert_int_equal(got->n, want->n);
    for (size_t i = 0; i < want->n; i++) {
        assert_string_equal(got->v[i].lang, want->v[i].lang);
        assert_string_equal(got->v[i].text, want->v[i].text);
    }
}

static void test_object_round_trip_keeps_every_field(void **state)
{
    vcm_arena *a = *state;
    vcm_media media[2];
    vcm_object o = full_object(a, media);
    vcm_object r;
    const char *museum = NULL;
    round_trip(a, &o, "The Metropolitan Museum of Art", &r, &museum);

    assert_string_equal(museum, "The Metropolitan Museum of Art");
    assert_int_equal(r.id, 4242);
    assert_int_equal(r.museum_id, 0); /* the caller resolves the museum */
    assert_string_equal(r.inventory_number, "JP1847");
    /* Language maps keep their order, not an alphabetical one. */
    assert_ltexts_equal(&r.title, &o.title);
    assert_string_equal(r.title.v[0].lang, "ja");
    assert_string_equal(r.title.v[3].lang, "de");
    assert_ltexts_equal(&r.description, &o.description);
    assert_ltexts_equal(&r.statement, &o.statement);
    assert_int_equal(r.ncreators, 2);
    assert_string_equal(r.creators[0], creators[0]);
    assert_string_equal(r.creators[1], creators[1]);
    assert_string_equal(r.date_text, "ca. 1830–32");
    assert_int_equal(r.date_start, 1830);
    assert_int_equal(r.date_end, 1832);
    assert_string_equal(r.period, o.period);
    assert_string_equal(r.culture, o.culture);
    assert_string_equal(r.classification, o.classification);
    assert_string_equal(r.materials, o.materials);
    assert_string_equal(r.technique, o.technique);
    assert_string_equal(r.dimensions, o.dimensions);
    assert_string_equal(r.credit_line, o.credit_line);
    assert_string_equal(r.rights, o.rights);
    assert_string_equal(r.licence, o.licence);
    assert_string_equal(r.source_url, o.source_url);
    assert_int_equal(r.status, VCM_WITHDRAWN);
    assert_int_equal(r.created, 1700000000);
    assert_int_equal(r.updated, 1764000000);
    assert_string_equal(r.source, o.source);
    assert_string_equal(r.source_id, o.source_id);
    assert_string_equal(r.source_licence, o.source_licence);
    assert_int_equal(r.nmedia, 2);
    for (size_t i = 0; i < 2; i++) {
        assert_str_or_null(r.media[i].file, media[i].file);
        assert_str_or_null(r.media[i].format, media[i].format);
        assert_int_equal(r.media[i].width, media[i].width);
        assert_int_equal(r.media[i].height, media[i].height);
        assert_str_or_null(r.media[i].checksum, media[i].checksum);
        assert_str_or_null(r.media[i].rights, media[i].rights);
    }
    /* Strings are copies in the arena, not the writer's pointers. */
    assert_ptr_not_equal(r.period, o.period);

    /* What was read is a valid object once its museum is known. */
    r.museum_id = 9;
    char err[256] = "";
    if (vcm_object_validate(&r, err, sizeof err) != 0)
        fail_msg("round-tripped object does not validate: %s", err);
}

static void test_round_trip_of_each_status_and_bce_dates(void **state)
{
    vcm_arena *a = *state;
    for (int s = VCM_DRAFT; s <= VCM_WITHDRAWN; s++) {
        vcm_object o;
        vcm_object_init(&o);
        o.source_id = "x";
        o.status = (vcm_status)s;
        o.date_start = -250;
        o.date_end = VCM_YEAR_MIN;
        o.created = -86400;
        assert_int_equal(vcm_ltexts_add(&o.title, a, "en", "Bronze ding"), 0);
        vcm_object r;
        const char *museum;
        round_trip(a, &o, "Shanghai Museum", &r, &museum);
        assert_int_equal(r.status, s);
        assert_int_equal(r.date_start, -250);
        assert_int_equal(r.date_end, VCM_YEAR_MIN);
        assert_int_equal(r.created, -86400);
    }
}

static void test_round_trip_of_a_sparse_object(void **state)
{
    vcm_arena *a = *state;
    vcm_object o;
    vcm_object_init(&o);
    o.source_id = "only-this";
    vcm_object r;
    const char *museum;
    round_trip(a, &o, "M", &r, &museum);
    assert_string_equal(r.source_id, "only-this");
    assert_int_equal(r.date_start, VCM_NO_YEAR);
    assert_int_equal(r.date_end, VCM_NO_YEAR);
    assert_int_equal(r.title.n, 0);
    assert_int_equal(r.ncreators, 0);
    assert_int_equal(r.nmedia, 0);
    assert_null(r.period);
    assert_null(r.rights);
    assert_int_equal(r.status, VCM_PUBLISHED);
}

static void test_to_json_shape(void **state)
{
    vcm_arena *a = *state;
    vcm_media media[2];
    vcm_object o = full_object(a, media);
    o.period = ""; /* empty strings are written as null */
    json_t *j = vcm_object_to_json(&o, "The Met");
    assert_true(json_is_integer(json_object_get(j, "id")));
    assert_string_equal(json_string_value(json_object_get(j, "museum")), "The Met");
    assert_true(json_is_object(json_object_get(j, "title")));
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "title"), "zh-Hant")),
                        "神奈川沖浪裏");
    assert_true(json_is_array(json_object_get(j, "creators")));
    assert_true(json_is_null(json_object_get(j, "period")));
    assert_int_equal(json_integer_value(json_object_get(j, "date_start")), 1830);
    assert_string_equal(json_string_value(json_object_get(j, "status")), "withdrawn");
    assert_string_equal(json_string_value(json_object_get(j, "updated")), "2025-11-24T16:00:00Z");
    json_decref(j);

}

/* Parses text and expects vcm_object_from_json to fail with a message that
 * contains `needle`. */
static void expect_bad(vcm_arena *a, const char *text, const char *needle, int line)
{
    json_error_t je;
    json_t *j = json_loads(text, 0, &je);
    if (!j)
        fail_msg("line %d: test JSON does not parse: %s", line, je.text);
    vcm_object o;
    const char *museum = NULL;
    char err[256] = "";
    int rc = vcm_object_from_json(&o, a, j, &museum, err, sizeof err);
    json_decref(j);
    if (rc != -1)
        fail_msg("line %d: accepted %s", line, text);
    if (!strstr(err, needle))
        fail_msg("line %d: message \"%s\" does not mention '%s'", line, err, needle);
}
#define BAD(text, needle) expect_bad(a, (text), (needle), __LINE__)
#define OBJ(rest) "{\"museum\": \"M\", \"source_id\": \"1\", \"title\": {\"en\": \"T\"}" rest "}"

static void test_from_json_bad_inputs(void **state)
{
    vcm_arena *a = *state;
    /* The baseline is good, so every failure below is the field's. */
    json_t *j = json_loads(OBJ(""), 0, NULL);
    vcm_object o;
    const char *museum;
    char err[256];
    assert_int_equal(vcm_object_from_json(&o, a, j, &museum, err, sizeof err), 0);
    json_decref(j);

    BAD("{\"museum\": \"M\", \"source_id\": \"1\", \"title\": \"Vase\"}", "title");
    BAD("{\"museum\": \"M\", \"source_id\": \"1\", \"title\": [\"Vase\"]}", "title");
    BAD("{\"museum\": \"M\", \"source_id\": \"1\", \"title\": {\"en\": 5}}", "title.en");
    BAD("{\"museum\": \"M\", \"source_id\": \"1\", \"title\": {\"english\": \"Vase\"}}",
        "english");
    BAD("{\"museum\": \"M\", \"source_id\": \"1\"}", "title");
    BAD("{\"source_id\": \"1\", \"title\": {\"en\": \"T\"}}", "museum");
    BAD("{\"museum\": \"\", \"source_id\": \"1\", \"title\": {\"en\": \"T\"}}", "museum");
    BAD("{\"museum\": 3, \"source_id\": \"1\", \"title\": {\"en\": \"T\"}}", "museum");
    BAD(OBJ(", \"status\": \"lost\""), "status");
    BAD(OBJ(", \"status\": \"Published\""), "status");
    BAD(OBJ(", \"status\": 1"), "status");
    BAD(OBJ(", \"created\": \"yesterday\""), "created");
    BAD(OBJ(", \"updated\": \"2026-01-31 12:00:00\""), "updated");
    BAD(OBJ(", \"created\": \"2026-01-31T12:00:00\""), "created");
    BAD(OBJ(", \"created\": 1700000000"), "created");
    BAD(OBJ(", \"date_start\": 2101"), "date_start");
    BAD(OBJ(", \"date_end\": -100001"), "date_end");
    BAD(OBJ(", \"date_start\": 1585.5"), "date_start");
    BAD(OBJ(", \"date_start\": \"1585\""), "date_start");
    BAD(OBJ(", \"date_start\": 99999999999"), "date_start");
    BAD(OBJ(", \"creators\": \"Hokusai\""), "creators");
    BAD(OBJ(", \"creators\": {\"name\": \"Hokusai\"}"), "creators");
    BAD(OBJ(", \"creators\": [\"Hokusai\", 7]"), "creators[1]");
    BAD(OBJ(", \"description\": \"text\""), "description");
    BAD(OBJ(", \"statement\": {\"en\": null}"), "statement.en");
    BAD(OBJ(", \"media\": \"a.jpg\""), "media");
    BAD(OBJ(", \"media\": [{\"format\": \"image/jpeg\"}]"), "media[0]");
    BAD(OBJ(", \"media\": [{\"file\": \"a.jpg\"}, 3]"), "media[1]");
    BAD(OBJ(", \"media\": [{\"file\": 3}]"), "media[0]");
    BAD(OBJ(", \"period\": 1600"), "period");
    BAD(OBJ(", \"rights\": [\"CC0\"]"), "rights");
    /* ids are 1..2^53: what every JSON reader holds exactly */
    BAD(OBJ(", \"id\": 9223372036854775807"), "id 9223372036854775807 is outside 1..9007199254740992");
    BAD(OBJ(", \"id\": 9007199254740993"), "id 9007199254740993 is outside");
    BAD(OBJ(", \"id\": 0"), "id 0 is outside");
    BAD(OBJ(", \"id\": -5"), "id -5 is outside");
    BAD(OBJ(", \"id\": 12.0"), "id must be a whole number");
    BAD(OBJ(", \"id\": \"12\""), "id must be a whole number");
    BAD("{\"museum\": \"M\", \"source_id\": \"1\", \"title\": null}", "title: null");
    j = json_loads(OBJ(", \"id\": 9007199254740992"), 0, NULL);
    assert_int_equal(vcm_object_from_json(&o, a, j, &museum, err, sizeof err), 0);
    assert_int_equal(o.id, INT64_C(9007199254740992));
    json_decref(j);
}

static void test_from_json_full_arena_fails_cleanly(void **state)
{
    vcm_arena *a = *state;
    /* With every arena cap from nothing up to enough, reading a full record
     * either fails or gives the whole record: never one with fields silently
     * missing or a creator list that is not there. */
    vcm_media media[2];
    vcm_object o = full_object(a, media);
    json_t *j = vcm_object_to_json(&o, "The Met");
    int succeeded = 0;
    for (size_t cap = 16; cap <= 8192; cap += 16) {
        vcm_arena small;
        vcm_arena_init(&small, cap);
        vcm_object r;
        const char *museum = NULL;
        char err[256] = "";
        int rc = vcm_object_from_json(&r, &small, j, &museum, err, sizeof err);
        if (rc == 0) {
            succeeded = 1;
            const char *missing = !museum              ? "museum"
                                  : !r.source_id       ? "source_id"
                                  : !r.period          ? "period"
                                  : !r.source_url      ? "source_url"
                                  : r.title.n != 4     ? "title"
                                  : !r.creators        ? "creators"
                                  : !r.creators[0] || !r.creators[1] ? "creators[i]"
                                  : !r.media           ? "media"
                                  : !r.media[1].file   ? "media[1].file"
                                                       : NULL;
            for (size_t i = 0; !missing && i < r.title.n; i++)
                if (!r.title.v[i].lang || !r.title.v[i].text)
                    missing = "title value";
            if (missing) {
                vcm_arena_release(&small);
                json_decref(j);
                fail_msg("arena cap %zu: success reported but %s is missing", cap, missing);
            }
        } else {
            assert_int_equal(rc, -1);
            assert_true(err[0] != '\0');
        }
        vcm_arena_release(&small);
    }
    json_decref(j);
    assert_true(succeeded); /* the largest cap is enough */
}

static void test_from_json_nulls_are_absent(void **state)
{
    vcm_arena *a = *state;
    json_t *j = json_loads(OBJ(", \"period\": null, \"date_start\": null, \"creators\": null,"
                               " \"media\": null, \"description\": null, \"status\": null,"
                               " \"created\": null, \"id\": null"),
                           0, NULL);
    assert_non_null(j);
    vcm_object o;
    const char *museum;
    char err[256] = "";
    if (vcm_object_from_json(&o, a, j, &museum, err, sizeof err) != 0)
        fail_msg("%s", err);
    json_decref(j);
    assert_null(o.period);
    assert_int_equal(o.date_start, VCM_NO_YEAR);
    assert_int_equal(o.ncreators, 0);
    assert_int_equal(o.nmedia, 0);
    assert_int_equal(o.description.n, 0);
    assert_int_equal(o.status, VCM_PUBLISHED);
    assert_int_equal(o.created, 0);
    assert_int_equal(o.id, 0); /* the store assigns one */
    assert_string_equal(o.title.v[0].text, "T");
}

static void test_museum_round_trip(void **state)
{
    vcm_arena *a = *state;
    vcm_museum m = {.id = 3, .city = "Tokyo", .country = "JP", .has_coords = true,
                    .lat = 35.7188, .lon = 139.7765, .website = "https://www.tnm.jp/",
                    .joined = "2008-05-01"};
    assert_int_equal(vcm_ltexts_add(&m.names, a, "en", "Tokyo National Museum"), 0);
    assert_int_equal(vcm_ltexts_add(&m.names, a, "ja", "東京国立博物館"), 0);
    json_t *j = vcm_museum_to_json(&m);
    char *text = json_dumps(j, 0);
    json_decref(j);
    j = json_loads(text, 0, NULL);
    free(text);
    vcm_museum r;
    char err[256] = "";
    if (vcm_museum_from_json(&r, a, j, err, sizeof err) != 0)
        fail_msg("%s", err);
    json_decref(j);
    assert_int_equal(r.id, 3);
    assert_ltexts_equal(&r.names, &m.names);
    assert_string_equal(r.city, "Tokyo");
    assert_string_equal(r.country, "JP");
    assert_true(r.has_coords);
    assert_true(r.lat == 35.7188);
    assert_true(r.lon == 139.7765);
    assert_string_equal(r.website, "https://www.tnm.jp/");
    assert_string_equal(r.joined, "2008-05-01");
    assert_null(r.left);

    /* Reading validates: a bad website is refused. */
    j = json_loads("{\"names\": {\"en\": \"X\"}, \"country\": \"JP\", \"website\": \"javascript:x\"}",
                   0, NULL);
    assert_int_equal(vcm_museum_from_json(&r, a, j, err, sizeof err), -1);
    assert_contains(err, "website");
    json_decref(j);
    j = json_loads("{\"id\": 9223372036854775807, \"names\": {\"en\": \"X\"}, \"country\": \"JP\"}",
                   0, NULL);
    assert_int_equal(vcm_museum_from_json(&r, a, j, err, sizeof err), -1);
    assert_contains(err, "museum: id 9223372036854775807 is outside 1..9007199254740992");
    json_decref(j);
    /* an unsaved museum has no id yet, and reads back so */
    m.id = 0;
    j = vcm_museum_to_json(&m);
    assert_true(json_is_null(json_object_get(j, "id")));
    assert_int_equal(vcm_museum_from_json(&r, a, j, err, sizeof err), 0);
    assert_int_equal(r.id, 0);
    json_decref(j);
}

static void test_country_round_trip(void **state)
{
    vcm_arena *a = *state;
    vcm_country c = {.code = "TH", .region = VCM_REGION_ASIA, .asem_since = 1996};
    assert_int_equal(vcm_ltexts_add(&c.names, a, "en", "Thailand"), 0);
    assert_int_equal(vcm_ltexts_add(&c.names, a, "th", "ประเทศไทย"), 0);
    json_t *j = vcm_country_to_json(&c);
    vcm_country r;
    char err[256] = "";
    if (vcm_country_from_json(&r, a, j, err, sizeof err) != 0)
        fail_msg("%s", err);
    json_decref(j);
    assert_string_equal(r.code, "TH");
    assert_int_equal(r.region, VCM_REGION_ASIA);
    assert_int_equal(r.asem_since, 1996);
    assert_ltexts_equal(&r.names, &c.names);

    j = json_loads("{\"code\": \"TH\", \"region\": \"oceania\"}", 0, NULL);
    assert_int_equal(vcm_country_from_json(&r, a, j, err, sizeof err), -1);
    assert_contains(err, "oceania");
    json_decref(j);
    j = json_loads("{\"code\": \"THA\"}", 0, NULL);
    assert_int_equal(vcm_country_from_json(&r, a, j, err, sizeof err), -1);
    assert_contains(err, "code");
    json_decref(j);
}

static void test_time_iso(void **state)
{
    (void)state;
    static const struct {
        int64_t t;
        const char *iso;
    } cases[] = {
        {0, "1970-01-01T00:00:00Z"},
        {1, "1970-01-01T00:00:01Z"},
        {-1, "1969-12-31T23:59:59Z"},
        {951782400, "2000-02-29T00:00:00Z"},
        {1700000000, "2023-11-14T22:13:20Z"},
        {1769860800, "2026-01-31T12:00:00Z"},
        {4102444799, "2099-12-31T23:59:59Z"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[32];
        memset(buf, 'Z', sizeof buf);
        vcm_time_iso(cases[i].t, buf);
        assert_string_equal(buf, cases[i].iso);
        int64_t back = 12345;
        assert_int_equal(vcm_time_parse(cases[i].iso, &back), 0);
        assert_true(back == cases[i].t);
    }
    /* Every second of a day and some days either side round-trip. */
    for (int64_t t = 1764000000 - 86400 * 3; t < 1764000000 + 86400 * 3; t += 3607) {
        char buf[32];
        int64_t back;
        vcm_time_iso(t, buf);
        assert_int_equal(vcm_time_parse(buf, &back), 0);
        assert_true(back == t);
    }
}

static void test_time_parse_rejects(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "yesterday", "2026-01-31", "2026-01-31T12:00:00", "2026-01-31 12:00:00Z",
        "2026-01-31T12:00:00Z ", "2026-01-31T12:00:00+09:00", "2026-13-01T00:00:00Z",
        "2026-01-32T00:00:00Z", "2026-01-31T25:00:00Z", "2026-01-31T12:61:00Z",
        "2026-01-31T12:00:00z",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t t = 777;
        if (vcm_time_parse(bad[i], &t) != -1)
            fail_msg("'%s' was accepted", bad[i]);
        assert_true(t == 777); /* untouched */
    }
}

static void test_time_parse_rejects_impossible_dates(void **state)
{
    (void)state;
    /* Days the calendar does not have: accepting them would silently move
     * the time (31 April would become 1 May). */
    static const char *const bad[] = {
        "2026-02-30T00:00:00Z", "2026-04-31T00:00:00Z", "2025-02-29T00:00:00Z",
        "1900-02-29T00:00:00Z",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t t = 777;
        if (vcm_time_parse(bad[i], &t) != -1) {
            char again[32];
            vcm_time_iso(t, again);
            fail_msg("'%s' was accepted as %s", bad[i], again);
        }
    }
    int64_t t;
    assert_int_equal(vcm_time_parse("2024-02-29T00:00:00Z", &t), 0); /* a leap day */
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_object_round_trip_keeps_every_field),
        T(test_round_trip_of_each_status_and_bce_dates),
        T(test_round_trip_of_a_sparse_object),
        T(test_to_json_shape),
        T(test_from_json_bad_inputs),
        T(test_from_json_full_arena_fails_cleanly),
        T(test_from_json_nulls_are_absent),
        T(test_museum_round_trip),
        T(test_country_round_trip),
        T(test_time_iso),
        T(test_time_parse_rejects),
        T(test_time_parse_rejects_impossible_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
