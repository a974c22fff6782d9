/* Mappings (src/io/mapping.c) and the streaming CSV reader
 * (src/io/csvmap.c), pure: no store, no server. The years read from date
 * texts are the rules collection.jsonl was made with (every Mia and MoMA
 * record of the demo agrees: tests/io/test_csvmap_demo.c). */
#include "testutil.h"

#include <jansson.h>

#include "io/csvmap.h"
#include "io/mapping.h"

static void years(const char *text, int start, int end)
{
    int a = 0, b = 0;
    if (vcm_years_from_text(text, &a, &b) < 0)
        fail_msg("no years in '%s'", text);
    if (a != start || b != end)
        fail_msg("'%s': %d..%d, expected %d..%d", text, a, b, start, end);
}

static void test_years(void **state)
{
    (void)state;
    years("16th century", 1500, 1599);
    years("late 16th century", 1566, 1599);
    years("Early 18th century", 1700, 1733);
    years("mid-18th century", 1733, 1766);
    years("mid 20th century", 1933, 1966);
    years("first half of the 20th century", 1900, 1949);
    years("second half of 5th century", 450, 499);
    years("first half 18th century", 1700, 1799); /* "of" is what makes it a half */
    years("late 18th-early 19th century", 1800, 1833);
    years("6th-5th century BCE", -500, -401);
    years("1st century BCE - 1st century CE", -100, -1);
    years("3rd-17th century, calligraphy; 19th-20th century, rubbings", 1600, 1699);
    years("1830s", 1830, 1839);
    years("1810s-1830s", 1810, 1819);
    years("c. 1960\xe2\x80\x93" "63", 1960, 1963);
    years("1949-50 (printed later)", 1949, 1950);
    years("1900-58", 1900, 1958);
    years("486-465 BCE", -486, -465);
    years("1200-400 BCE", -1200, -400);
    years("Kangxi period, 1662-1722", 1662, 1722);
    years("(July 24-26) 1969", 24, 26);
    years("August 21, 1921", 1921, 1921);
    years("1953/1963", 1953, 1953);
    years("c. 600", 600, 600);
    years("2015 - ongoing", 2015, 2015);
    int a, b;
    assert_int_equal(vcm_years_from_text("Date Unknown", &a, &b), -1);
    assert_int_equal(vcm_years_from_text("n.d.", &a, &b), -1);
    assert_int_equal(vcm_years_from_text("late 2nd-early 1st millennium BCE", &a, &b), -1);
}

static vcm_mapping *parse(const char *text, char *err, size_t errlen)
{
    return vcm_mapping_parse(text, strlen(text), err, errlen);
}

static void refused(const char *text, const char *why)
{
    char err[512] = "";
    vcm_mapping *m = parse(text, err, sizeof err);
    if (m)
        fail_msg("mapping accepted: %s", text);
    assert_contains(err, why);
}

#define HEAD "{\"format\":\"csv\",\"fields\":{\"source_museum\":{\"const\":\"M\"},\"source_country\":{\"const\":\"US\"},\"source_id\":\"id\""

static void test_refused(void **state)
{
    (void)state;
    refused("{", "mapping: line 1");
    refused("[]", "a mapping is a JSON object");
    refused("{\"format\":\"xml\",\"fields\":{}}", "\"format\" is \"csv\" or \"json\"");
    refused("{\"format\":\"csv\",\"fields\":{\"source_museum\":\"m\"}}", "'source_country' must be mapped");
    refused(HEAD ",\"colour\":\"c\"}}", "fields.colour: not a field of a record");
    refused(HEAD ",\"title\":{\"column\":\"t\",\"transforms\":[\"trm\"]}}}", "fields.title: unknown transform 'trm'");
    refused(HEAD ",\"title\":{\"path\":\"a.b\"}}}", "a CSV mapping reads columns, not paths");
    refused(HEAD ",\"title\":{\"template\":\"[{t}\"}}}", "'[' without ']'");
    refused(HEAD ",\"title\":{\"template\":\"{t\"}}}", "'{' without a name and '}'");
    refused(HEAD ",\"title\":{\"column\":\"t\",\"const\":\"x\"}}}", "a spec has one of");
    refused(HEAD ",\"title\":{\"lookup\":\"nope\",\"key\":\"id\",\"get\":\"x\"}}}", "names a table");
    refused(HEAD ",\"title\":{\"langs\":{\"en\":\"t\"}}}}", "only title_i18n and description_i18n");
    refused(HEAD ",\"title\":{\"value\":\"v\"}}}", "a value defined before it");
    refused("{\"format\":\"csv\",\"lookups\":{\"t\":{\"file\":\"../x.csv\",\"key\":\"k\"}},\"fields\":{}}",
            "relative to the input");
    refused(HEAD ",\"title\":{\"column\":\"t\",\"colour\":1}}}", "unknown member 'colour'");
}

/* Maps the rows of csv (its first line the header) and returns the records
 * as one JSON array (caller decrefs), or NULL with err. */
static json_t *map_csv(const char *mapping, const char *csv, char *err, size_t errlen)
{
    vcm_mapping *m = parse(mapping, err, errlen);
    if (!m)
        return NULL;
    FILE *f = fmemopen((void *)csv, strlen(csv), "rb");
    vcm_csvs c;
    vcm_csvs_init(&c, f);
    vcm_arena a;
    vcm_arena_init(&a, 0);
    char *fields[64];
    json_t *out = json_array();
    int n = vcm_csvs_next(&c, &a, fields, err, errlen);
    if (n <= 0 || vcm_mapping_bind(m, fields, (size_t)n, err, errlen) < 0) {
        json_decref(out);
        out = NULL;
    }
    for (; out;) {
        char *row[64];
        int k = vcm_csvs_next(&c, &a, row, err, errlen);
        if (k == 0)
            break;
        json_t *rec = NULL;
        vcm_map_row r = {.fields = row, .nfields = (size_t)(k > 0 ? k : 0)};
        if (k < 0 || vcm_mapping_apply(m, &r, &a, &rec, err, errlen) < 0)
            json_array_append_new(out, json_string(err));
        else
            json_array_append_new(out, rec);
    }
    fclose(f);
    vcm_arena_release(&a);
    vcm_mapping_free(m);
    return out;
}

static const char *field(json_t *recs, size_t i, const char *name)
{
    json_t *v = json_object_get(json_array_get(recs, i), name);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static void test_specs(void **state)
{
    (void)state;
    char err[512];
    const char *mapping =
        "{\"format\":\"csv\",\"values\":{\"who\":{\"column\":\"artist\",\"transforms\":[{\"after\":\": \"}]}},"
        "\"fields\":{\"source_museum\":{\"const\":\"M\"},\"source_country\":{\"const\":\"US\"},"
        "\"source_id\":{\"column\":\"url\",\"transforms\":[{\"after_last\":\"/\"}]},"
        "\"title\":{\"first\":[\"title\",\"name\"]},"
        "\"artist\":{\"template\":\"{who}[ ({life})]\"},"
        "\"culture\":{\"join\":[\"country\",\"style\"],\"sep\":\", \"},"
        "\"medium\":{\"column\":\"nat\",\"transforms\":[{\"split\":\"|\",\"join\":\"; \",\"unique\":true}]},"
        "\"date_text\":\"date\","
        "\"date_start\":{\"column\":\"date\",\"transforms\":[\"year_start\"]},"
        "\"date_end\":{\"column\":\"date\",\"transforms\":[\"year_end\"]},"
        "\"image_url\":{\"template\":\"https://img.example/{title}.jpg\",\"encode\":\"url\"},"
        "\"title_i18n\":{\"langs\":{\"en\":{\"column\":\"title\",\"when\":\"zh\"},\"zh\":\"zh\"}}}}";
    const char *csv =
        "\xEF\xBB\xBF" "url,title,name,artist,life,country,style,nat,date,zh\r\n"
        "http://x/objects/7,  Moon  ,,Artist: Hokusai,\"Japanese, 1760-1849\",Japan,Edo,a|b|a,c. 1830s,\r\n"
        "http://x/objects/8,,Bowl,Maker: Anon,,,Qing,,\"late 18th\r\ncentury\",\xE7\xA2\x97\r\n";
    json_t *r = map_csv(mapping, csv, err, sizeof err);
    if (!r)
        fail_msg("%s", err);
    assert_int_equal(json_array_size(r), 2);
    assert_string_equal(field(r, 0, "source_id"), "7");
    assert_string_equal(field(r, 0, "title"), "Moon");
    assert_string_equal(field(r, 0, "artist"), "Hokusai (Japanese, 1760-1849)");
    assert_string_equal(field(r, 0, "culture"), "Japan, Edo");
    assert_string_equal(field(r, 0, "medium"), "a; b");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(r, 0), "date_start")), 1830);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(r, 0), "date_end")), 1839);
    assert_string_equal(field(r, 0, "image_url"), "https://img.example/Moon.jpg");
    assert_null(json_object_get(json_array_get(r, 0), "title_i18n"));
    /* the second: first non-empty, an optional part left out, a quoted
     * line break (CRLF read as LF), a language map */
    assert_string_equal(field(r, 1, "title"), "Bowl");
    assert_string_equal(field(r, 1, "artist"), "Anon");
    assert_string_equal(field(r, 1, "culture"), "Qing");
    assert_string_equal(field(r, 1, "date_text"), "late 18th\ncentury");
    assert_string_equal(field(r, 1, "description"), "");
    json_t *l = json_object_get(json_array_get(r, 1), "title_i18n");
    assert_string_equal(json_string_value(json_object_get(l, "zh")), "\xE7\xA2\x97");
    assert_null(json_object_get(l, "en")); /* "when": no title to give */
    json_decref(r);
}

static void test_row_errors(void **state)
{
    (void)state;
    char err[512];
    json_t *r = map_csv(HEAD ",\"date_start\":\"y\"}}", "id,y\n1,1999\n2,circa\n3,\"open\n", err,
                        sizeof err);
    assert_non_null(r);
    assert_int_equal(json_array_size(r), 3);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(r, 0), "date_start")), 1999);
    assert_string_equal(json_string_value(json_array_get(r, 1)), "date_start: 'circa' is not a year");
    assert_string_equal(json_string_value(json_array_get(r, 2)), "a quoted field is not closed");
    json_decref(r);
    /* a mapped column the header lacks */
    assert_null(map_csv(HEAD ",\"title\":\"Titel\"}}", "id,Title\n1,x\n", err, sizeof err));
    assert_string_equal(err, "column 'Titel' (of title) is not in the header");
}

static void test_reader_lines(void **state)
{
    (void)state;
    const char *csv = "a,b\n1,\"x\ny\"\n2,\"bad\"x\n3,z\n";
    FILE *f = fmemopen((void *)csv, strlen(csv), "rb");
    vcm_csvs c;
    vcm_csvs_init(&c, f);
    vcm_arena a;
    vcm_arena_init(&a, 0);
    char *v[8], err[200];
    assert_int_equal(vcm_csvs_next(&c, &a, v, err, sizeof err), 2);
    assert_int_equal(c.line, 2);
    assert_int_equal(vcm_csvs_next(&c, &a, v, err, sizeof err), 2);
    assert_string_equal(v[1], "x\ny");
    assert_int_equal(c.line, 4); /* the quoted line break counts */
    assert_int_equal(vcm_csvs_next(&c, &a, v, err, sizeof err), -1);
    assert_string_equal(err, "text after a closing quote");
    assert_int_equal(c.line, 5);
    assert_int_equal(vcm_csvs_next(&c, &a, v, err, sizeof err), 2);
    assert_string_equal(v[1], "z");
    assert_int_equal(vcm_csvs_next(&c, &a, v, err, sizeof err), 0);
    vcm_arena_release(&a);
    fclose(f);
}

static void test_json_paths(void **state)
{
    (void)state;
    char err[512];
    const char *mapping =
        "{\"format\":\"json\",\"lookups\":{\"people\":{\"file\":\"people.csv\",\"key\":\"id\"}},"
        "\"fields\":{\"source_museum\":{\"const\":\"Tate\"},\"source_country\":{\"const\":\"GB\"},"
        "\"source_id\":\"acno\",\"artist\":{\"path\":\"contributors[*].fc\",\"sep\":\"; \"},"
        "\"date_start\":\"dateRange.startYear\",\"title\":\"contributors[1].fc\","
        "\"culture\":{\"template\":\"[born in {born}]\"}},"
        "\"values\":{}}";
    /* values must come before the fields that use them: define born first */
    const char *m2 =
        "{\"format\":\"json\",\"lookups\":{\"people\":{\"file\":\"people.csv\",\"key\":\"id\"}},"
        "\"values\":{\"born\":{\"lookup\":\"people\",\"key\":\"contributors[*].id\",\"get\":\"place\"}},"
        "\"fields\":{\"source_museum\":{\"const\":\"Tate\"},\"source_country\":{\"const\":\"GB\"},"
        "\"source_id\":\"acno\",\"artist\":{\"path\":\"contributors[*].fc\",\"sep\":\"; \"},"
        "\"date_start\":\"dateRange.startYear\",\"title\":\"contributors[1].fc\","
        "\"culture\":{\"template\":\"[born in {born}]\"}}}";
    vcm_mapping *bad = vcm_mapping_parse(mapping, strlen(mapping), err, sizeof err);
    /* "born" is read as a path when no value has that name: still a mapping */
    assert_non_null(bad);
    vcm_mapping_free(bad);
    vcm_mapping *m = vcm_mapping_parse(m2, strlen(m2), err, sizeof err);
    if (!m)
        fail_msg("%s", err);
    const char *table = "id,place\n2,\"Tokyo, Nihon\"\n1,\n";
    assert_int_equal(vcm_mapping_set_lookup(m, 0, table, strlen(table), err, sizeof err), 0);
    json_error_t je;
    json_t *j = json_loads("{\"acno\":\"T1\",\"dateRange\":{\"startYear\":1961},"
                           "\"contributors\":[{\"id\":1,\"fc\":\"A\"},{\"id\":2,\"fc\":\"B\"}]}",
                           0, &je);
    vcm_arena a;
    vcm_arena_init(&a, 0);
    json_t *rec;
    vcm_map_row row = {.json = j};
    assert_int_equal(vcm_mapping_apply(m, &row, &a, &rec, err, sizeof err), 0);
    assert_string_equal(json_string_value(json_object_get(rec, "artist")), "A; B");
    assert_string_equal(json_string_value(json_object_get(rec, "title")), "B");
    assert_string_equal(json_string_value(json_object_get(rec, "culture")), "born in Tokyo, Nihon");
    assert_int_equal(json_integer_value(json_object_get(rec, "date_start")), 1961);
    assert_true(json_is_null(json_object_get(rec, "date_end")));
    json_decref(rec);
    json_decref(j);
    vcm_arena_release(&a);
    vcm_mapping_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_years),       cmocka_unit_test(test_refused),
        cmocka_unit_test(test_specs),       cmocka_unit_test(test_row_errors),
        cmocka_unit_test(test_reader_lines), cmocka_unit_test(test_json_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
