/* The model: language-tagged values, regions and statuses, centuries and
 * their labels, language tags and guesses, and the validation of countries,
 * museums and objects. */
#include "testutil.h"

#include <math.h>

#include "model/model.h"

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

static void test_ltexts_pick(void **state)
{
    vcm_arena *a = *state;
    vcm_ltexts t = {0};
    assert_null(vcm_ltexts_pick(&t, "en"));
    assert_null(vcm_ltexts_pick(&t, NULL));
    assert_int_equal(vcm_ltexts_add(&t, a, "ko", "청자 상감운학문 매병"), 0);
    assert_int_equal(vcm_ltexts_add(&t, a, "en", "Celadon prunus vase"), 0);
    assert_int_equal(vcm_ltexts_add(&t, a, "zh-Hant", "青瓷鑲嵌雲鶴紋梅瓶"), 0);
    assert_int_equal(t.n, 3);
    /* Added in order, strings borrowed. */
    assert_string_equal(t.v[0].lang, "ko");
    assert_string_equal(t.v[1].lang, "en");
    assert_string_equal(t.v[2].lang, "zh-Hant");

    assert_string_equal(vcm_ltexts_pick(&t, "ko")->text, "청자 상감운학문 매병");
    assert_string_equal(vcm_ltexts_pick(&t, "zh-Hant")->text, "青瓷鑲嵌雲鶴紋梅瓶");
    /* A language matches its own subtags. */
    assert_string_equal(vcm_ltexts_pick(&t, "zh")->text, "青瓷鑲嵌雲鶴紋梅瓶");
    /* Not there: English, even though it is not first. */
    assert_string_equal(vcm_ltexts_pick(&t, "fr")->lang, "en");
    assert_string_equal(vcm_ltexts_pick(&t, NULL)->lang, "en");
    /* A prefix that is not a whole subtag does not match. */
    assert_string_equal(vcm_ltexts_pick(&t, "k")->lang, "en");
    assert_string_equal(vcm_ltexts_pick(&t, "zh-H")->lang, "en");
    assert_ptr_equal(vcm_ltexts_pick(&t, "ko"), &t.v[0]);

    /* No English: the first. */
    vcm_ltexts u = {0};
    assert_int_equal(vcm_ltexts_add(&u, a, "ja", "色絵藤花文茶壺"), 0);
    assert_int_equal(vcm_ltexts_add(&u, a, "ko", "색회등화문다호"), 0);
    assert_string_equal(vcm_ltexts_pick(&u, "fr")->lang, "ja");
    assert_string_equal(vcm_ltexts_pick(&u, "ko")->lang, "ko");
    /* English with a region counts as English; "eng" does not. */
    vcm_ltexts w = {0};
    assert_int_equal(vcm_ltexts_add(&w, a, "eng", "x"), 0);
    assert_int_equal(vcm_ltexts_add(&w, a, "en-GB", "Colour"), 0);
    assert_string_equal(vcm_ltexts_pick(&w, "de")->lang, "en-GB");
}

static void test_ltexts_add_full_arena(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 64);
    vcm_ltexts t = {0};
    int rc = 0, added = 0;
    while ((rc = vcm_ltexts_add(&t, &a, "en", "x")) == 0)
        added++;
    assert_int_equal(rc, -1);
    assert_true(added >= 1);
    /* A failed add leaves what was there. */
    assert_int_equal(t.n, (size_t)added);
    assert_string_equal(t.v[added - 1].text, "x");
    vcm_arena_release(&a);
}

static void test_region(void **state)
{
    (void)state;
    assert_string_equal(vcm_region_name(VCM_REGION_ASIA), "asia");
    assert_string_equal(vcm_region_name(VCM_REGION_EUROPE), "europe");
    assert_string_equal(vcm_region_name(VCM_REGION_OTHER), "other");
    vcm_region r = VCM_REGION_OTHER;
    assert_int_equal(vcm_region_parse("asia", &r), 0);
    assert_int_equal(r, VCM_REGION_ASIA);
    assert_int_equal(vcm_region_parse("europe", &r), 0);
    assert_int_equal(r, VCM_REGION_EUROPE);
    assert_int_equal(vcm_region_parse("other", &r), 0);
    assert_int_equal(r, VCM_REGION_OTHER);
    assert_int_equal(vcm_region_parse("Asia", &r), 0);
    assert_int_equal(r, VCM_REGION_ASIA);
    r = VCM_REGION_EUROPE;
    assert_int_equal(vcm_region_parse("africa", &r), -1);
    assert_int_equal(vcm_region_parse("", &r), -1);
    assert_int_equal(vcm_region_parse("asian", &r), -1);
    assert_int_equal(r, VCM_REGION_EUROPE); /* untouched on error */
    /* Every name parses back to its value. */
    for (int i = VCM_REGION_OTHER; i <= VCM_REGION_EUROPE; i++) {
        assert_int_equal(vcm_region_parse(vcm_region_name((vcm_region)i), &r), 0);
        assert_int_equal(r, i);
    }
}

static void test_status(void **state)
{
    (void)state;
    assert_string_equal(vcm_status_name(VCM_DRAFT), "draft");
    assert_string_equal(vcm_status_name(VCM_PUBLISHED), "published");
    assert_string_equal(vcm_status_name(VCM_WITHDRAWN), "withdrawn");
    vcm_status s = VCM_DRAFT;
    for (int i = VCM_DRAFT; i <= VCM_WITHDRAWN; i++) {
        assert_int_equal(vcm_status_parse(vcm_status_name((vcm_status)i), &s), 0);
        assert_int_equal(s, i);
    }
    s = VCM_WITHDRAWN;
    assert_int_equal(vcm_status_parse("deleted", &s), -1);
    assert_int_equal(vcm_status_parse("", &s), -1);
    assert_int_equal(vcm_status_parse("publish", &s), -1);
    assert_int_equal(s, VCM_WITHDRAWN);
}

static void test_object_init(void **state)
{
    (void)state;
    vcm_object o;
    memset(&o, 0xAB, sizeof o);
    vcm_object_init(&o);
    assert_int_equal(o.date_start, VCM_NO_YEAR);
    assert_int_equal(o.date_end, VCM_NO_YEAR);
    assert_int_equal(o.status, VCM_PUBLISHED);
    assert_int_equal(o.id, 0);
    assert_null(o.title.v);
    assert_int_equal(o.title.n, 0);
    assert_null(o.creators);
    assert_null(o.source_id);
}

static void test_century(void **state)
{
    (void)state;
    static const struct {
        int32_t year;
        int century;
    } cases[] = {
        {1, 1},       {99, 1},      {100, 1},     {101, 2},     {1585, 16},  {1600, 16},
        {1601, 17},   {1900, 19},   {1901, 20},   {2000, 20},   {2001, 21},  {2100, 21},
        {0, -1},      {-1, -1},     {-99, -1},    {-100, -1},   {-101, -2},  {-200, -2},
        {-201, -3},   {-3000, -30}, {-3001, -31}, {VCM_YEAR_MIN, -1000},
        {VCM_NO_YEAR, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int c = vcm_century(cases[i].year);
        if (c != cases[i].century)
            fail_msg("vcm_century(%d) = %d, expected %d", (int)cases[i].year, c,
                     cases[i].century);
    }
}

static void test_century_label(void **state)
{
    (void)state;
    static const struct {
        int century;
        const char *label;
    } cases[] = {
        {1, "1st century"},        {2, "2nd century"},    {3, "3rd century"},
        {4, "4th century"},        {10, "10th century"},  {11, "11th century"},
        {12, "12th century"},      {13, "13th century"},  {14, "14th century"},
        {16, "16th century"},      {20, "20th century"},  {21, "21st century"},
        {22, "22nd century"},      {23, "23rd century"},  {101, "101st century"},
        {111, "111th century"},    {112, "112th century"}, {-1, "1st century BCE"},
        {-2, "2nd century BCE"},   {-3, "3rd century BCE"}, {-11, "11th century BCE"},
        {-21, "21st century BCE"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[64];
        memset(buf, 'Z', sizeof buf);
        vcm_century_label(cases[i].century, buf, sizeof buf);
        if (strcmp(buf, cases[i].label) != 0)
            fail_msg("label(%d) = \"%s\", expected \"%s\"", cases[i].century, buf,
                     cases[i].label);
    }
    /* The two together, and a short buffer that is still terminated. */
    char buf[32];
    vcm_century_label(vcm_century(-250), buf, sizeof buf);
    assert_string_equal(buf, "3rd century BCE");
    vcm_century_label(vcm_century(1585), buf, sizeof buf);
    assert_string_equal(buf, "16th century");
    char small[5];
    vcm_century_label(16, small, sizeof small);
    assert_string_equal(small, "16th");
}

static void test_lang_valid(void **state)
{
    (void)state;
    static const char *const good[] = {
        "en", "ko", "und", "zh-Hant", "zh-Hans-CN", "ko-Kore-KR", "en-GB", "es-419",
        "de-CH-1996", "sl-rozaj-biske", "EN",
    };
    static const char *const bad[] = {
        "", "e", "engl", "en-", "en--GB", "en_US", "1en", "zh-Hant-", "-en", "en-abcdefghi",
        "en GB", "en-GB ", " en", "ko-한국", "x-private",
        "en-abcdefgh-abcdefgh-abcdefgh-abcdef", /* 36 characters */
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (!vcm_lang_valid(good[i]))
            fail_msg("'%s' should be a valid tag", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (vcm_lang_valid(bad[i]))
            fail_msg("'%s' should not be a valid tag", bad[i]);
    assert_false(vcm_lang_valid(NULL));
}

static void test_lang_guess(void **state)
{
    (void)state;
    static const struct {
        const char *text, *lang;
    } cases[] = {
        {"청자", "ko"},
        {"청자 상감운학문 매병 (靑磁象嵌雲鶴文梅甁)", "ko"},
        /* Korean with more hanja than hangul is still Korean. */
        {"고려청자 (高麗靑磁象嵌)", "ko"},
        {"江戸", "zh"},
        {"明 宣德 青花缠枝莲纹碗", "zh"},
        {"ひらがな", "ja"},
        {"カタカナ", "ja"},
        {"江戸時代の浮世絵", "ja"},
        {"พระพุทธรูป", "th"},
        {"Celadon prunus vase", "en"},
        {"Café au lait, 1585", "en"},
        {"12345", "und"},
        {"1585–1600", "und"},
        {"", "und"},
        {"Ваза", "und"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *g = vcm_lang_guess(cases[i].text);
        if (strcmp(g, cases[i].lang) != 0)
            fail_msg("vcm_lang_guess(\"%s\") = %s, expected %s", cases[i].text, g,
                     cases[i].lang);
    }
}

static void expect_invalid(int rc, const char *err, const char *needle, int line)
{
    if (rc != -1)
        fail_msg("line %d: validation passed, expected an error about '%s'", line, needle);
    if (!strstr(err, needle))
        fail_msg("line %d: error \"%s\" does not mention '%s'", line, err, needle);
}
#define INVALID(call, needle) expect_invalid((call), err, (needle), __LINE__)
#define VALIDATES(call)                                                                    \
    do {                                                                                   \
        err[0] = '\0';                                                                     \
        if ((call) != 0)                                                                   \
            fail_msg("line %d: expected valid, got: %s", __LINE__, err);                   \
    } while (0)

static void test_country_validate(void **state)
{
    vcm_arena *a = *state;
    char err[256];
    vcm_country c = {.code = "KR", .region = VCM_REGION_ASIA, .asem_since = 1996};
    assert_int_equal(vcm_ltexts_add(&c.names, a, "en", "South Korea"), 0);
    assert_int_equal(vcm_ltexts_add(&c.names, a, "ko", "대한민국"), 0);
    VALIDATES(vcm_country_validate(&c, err, sizeof err));
    static const char *const bad[] = {"kr", "Kr", "K", "", "K1", "12", "Ü"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        vcm_country x = c;
        snprintf(x.code, sizeof x.code, "%s", bad[i]);
        INVALID(vcm_country_validate(&x, err, sizeof err), "country code");
    }
    vcm_country y = c;
    y.asem_since = 1995;
    INVALID(vcm_country_validate(&y, err, sizeof err), "1995");
    y.asem_since = 0; /* not a partner */
    VALIDATES(vcm_country_validate(&y, err, sizeof err));
    vcm_country z = {.code = "FR"};
    assert_int_equal(vcm_ltexts_add(&z.names, a, "french", "France"), 0);
    INVALID(vcm_country_validate(&z, err, sizeof err), "french");
}

static vcm_museum good_museum(vcm_arena *a)
{
    vcm_museum m = {.id = 1, .city = "Seoul", .country = "KR", .has_coords = true,
                    .lat = 37.5239, .lon = 126.9803,
                    .website = "https://www.museum.go.kr/"};
    assert_int_equal(vcm_ltexts_add(&m.names, a, "en", "National Museum of Korea"), 0);
    assert_int_equal(vcm_ltexts_add(&m.names, a, "ko", "국립중앙박물관"), 0);
    return m;
}

static void test_museum_validate(void **state)
{
    vcm_arena *a = *state;
    char err[256];
    vcm_museum m = good_museum(a);
    VALIDATES(vcm_museum_validate(&m, err, sizeof err));

    vcm_museum x = m;
    x.names.n = 0;
    INVALID(vcm_museum_validate(&x, err, sizeof err), "name");
    x = m;
    x.names = (vcm_ltexts){0};
    assert_int_equal(vcm_ltexts_add(&x.names, a, "en", "  \t "), 0);
    INVALID(vcm_museum_validate(&x, err, sizeof err), "name");

    x = m;
    memset(x.country, 0, sizeof x.country);
    INVALID(vcm_museum_validate(&x, err, sizeof err), "country");
    snprintf(x.country, sizeof x.country, "kr");
    INVALID(vcm_museum_validate(&x, err, sizeof err), "country");

    /* Coordinates: the edges of the globe are on it. */
    static const double ok[][2] = {{90, 180}, {-90, -180}, {0, 0}};
    for (size_t i = 0; i < 3; i++) {
        x = m;
        x.lat = ok[i][0];
        x.lon = ok[i][1];
        VALIDATES(vcm_museum_validate(&x, err, sizeof err));
    }
    static const double off[][2] = {{90.001, 0}, {-91, 0}, {0, 180.5}, {0, -181}, {126.98, 37.52}};
    for (size_t i = 0; i < sizeof off / sizeof off[0]; i++) {
        x = m;
        x.lat = off[i][0];
        x.lon = off[i][1];
        INVALID(vcm_museum_validate(&x, err, sizeof err), "coordinates");
    }
    /* Without has_coords the numbers mean nothing. */
    x = m;
    x.has_coords = false;
    x.lat = 500;
    VALIDATES(vcm_museum_validate(&x, err, sizeof err));

    /* Website: http(s) or nothing. */
    static const char *const sites[] = {"http://example.org", "https://example.org/a?b", "", NULL};
    for (size_t i = 0; i < 4; i++) {
        x = m;
        x.website = sites[i];
        VALIDATES(vcm_museum_validate(&x, err, sizeof err));
    }
    static const char *const badsites[] = {"javascript:alert(1)", "ftp://example.org",
                                           "www.example.org", "HTTP:/x", "data:text/html,x"};
    for (size_t i = 0; i < sizeof badsites / sizeof badsites[0]; i++) {
        x = m;
        x.website = badsites[i];
        INVALID(vcm_museum_validate(&x, err, sizeof err), "website");
    }

    /* Names in the same language twice. */
    x = m;
    assert_int_equal(vcm_ltexts_add(&x.names, a, "ko", "중앙박물관"), 0);
    INVALID(vcm_museum_validate(&x, err, sizeof err), "two values in language 'ko'");
}

static void test_museum_coords_not_a_number(void **state)
{
    vcm_arena *a = *state;
    char err[256];
    /* NaN compares false with every bound; it is not on the globe either. */
    vcm_museum x = good_museum(a);
    x.lat = NAN;
    INVALID(vcm_museum_validate(&x, err, sizeof err), "coordinates");
    x = good_museum(a);
    x.lon = NAN;
    INVALID(vcm_museum_validate(&x, err, sizeof err), "coordinates");
    x = good_museum(a);
    x.lat = INFINITY;
    INVALID(vcm_museum_validate(&x, err, sizeof err), "coordinates");
}

static vcm_object good_object(vcm_arena *a)
{
    vcm_object o;
    vcm_object_init(&o);
    o.museum_id = 7;
    o.source_id = "K-1234";
    o.date_start = 1100;
    o.date_end = 1199;
    o.source_url = "https://www.museum.go.kr/object/1234";
    o.rights = "https://creativecommons.org/publicdomain/zero/1.0/";
    assert_int_equal(vcm_ltexts_add(&o.title, a, "ko", "청자 상감운학문 매병"), 0);
    assert_int_equal(vcm_ltexts_add(&o.title, a, "en", "Celadon prunus vase"), 0);
    assert_int_equal(vcm_ltexts_add(&o.description, a, "en", "Inlaid cranes and clouds."), 0);
    assert_int_equal(vcm_ltexts_add(&o.statement, a, "zh-Hant", "高麗青瓷的代表作。"), 0);
    return o;
}

static void test_object_validate(void **state)
{
    vcm_arena *a = *state;
    char err[256];
    vcm_object o = good_object(a);
    VALIDATES(vcm_object_validate(&o, err, sizeof err));

    vcm_object x = o;
    x.museum_id = 0;
    INVALID(vcm_object_validate(&x, err, sizeof err), "museum");
    x = o;
    x.source_id = NULL;
    INVALID(vcm_object_validate(&x, err, sizeof err), "source_id");
    x.source_id = "";
    INVALID(vcm_object_validate(&x, err, sizeof err), "source_id");
    x.source_id = " \t";
    INVALID(vcm_object_validate(&x, err, sizeof err), "source_id");

    /* Years: the ends of the range are in it; no year is fine. */
    static const int32_t years_ok[] = {VCM_YEAR_MIN, VCM_YEAR_MAX, 0, -1, VCM_NO_YEAR};
    for (size_t i = 0; i < sizeof years_ok / sizeof years_ok[0]; i++) {
        x = o;
        x.date_start = years_ok[i];
        x.date_end = years_ok[i];
        VALIDATES(vcm_object_validate(&x, err, sizeof err));
    }
    static const int32_t years_bad[] = {VCM_YEAR_MIN - 1, VCM_YEAR_MAX + 1, INT32_MAX,
                                        VCM_NO_YEAR + 1};
    for (size_t i = 0; i < sizeof years_bad / sizeof years_bad[0]; i++) {
        x = o;
        x.date_start = years_bad[i];
        INVALID(vcm_object_validate(&x, err, sizeof err), "impossible date");
        x = o;
        x.date_end = years_bad[i];
        INVALID(vcm_object_validate(&x, err, sizeof err), "impossible date");
    }

    /* Two texts in one language are an original and a translation, both
     * kept; the same text twice in one language is a mistake. */
    x = o;
    assert_int_equal(vcm_ltexts_add(&x.title, a, "en", "Maebyeong"), 0);
    VALIDATES(vcm_object_validate(&x, err, sizeof err));
    assert_int_equal(vcm_ltexts_add(&x.title, a, "en", "Maebyeong"), 0);
    INVALID(vcm_object_validate(&x, err, sizeof err),
            "title: the same text twice in language 'en'");
    x = o;
    assert_int_equal(vcm_ltexts_add(&x.description, a, "en", o.description.v[0].text), 0);
    INVALID(vcm_object_validate(&x, err, sizeof err), "description");
    x = o;
    assert_int_equal(vcm_ltexts_add(&x.statement, a, "zh-Hant", o.statement.v[0].text), 0);
    INVALID(vcm_object_validate(&x, err, sizeof err), "statement");
    /* Same language, different subtags: two languages. */
    x = o;
    assert_int_equal(vcm_ltexts_add(&x.statement, a, "zh-Hans", "高丽青瓷的代表作。"), 0);
    VALIDATES(vcm_object_validate(&x, err, sizeof err));

    /* Bad language tags. */
    static const char *const badtags[] = {"english", "en_US", "", "k"};
    for (size_t i = 0; i < sizeof badtags / sizeof badtags[0]; i++) {
        x = o;
        x.title = (vcm_ltexts){0};
        assert_int_equal(vcm_ltexts_add(&x.title, a, badtags[i], "t"), 0);
        INVALID(vcm_object_validate(&x, err, sizeof err), "not a language tag");
        assert_contains(err, "title");
    }
    x = o;
    x.description = (vcm_ltexts){0};
    assert_int_equal(vcm_ltexts_add(&x.description, a, NULL, "t"), 0);
    INVALID(vcm_object_validate(&x, err, sizeof err), "description");

    /* URLs. */
    x = o;
    x.source_url = "javascript:alert(1)";
    INVALID(vcm_object_validate(&x, err, sizeof err), "source_url");
    x = o;
    x.source_url = NULL;
    x.rights = NULL;
    VALIDATES(vcm_object_validate(&x, err, sizeof err));
    x = o;
    x.rights = "CC BY 4.0";
    INVALID(vcm_object_validate(&x, err, sizeof err), "rights");
    x = o;
    x.rights = "http://rightsstatements.org/vocab/InC/1.0/";
    VALIDATES(vcm_object_validate(&x, err, sizeof err));
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_ltexts_pick),
        T(test_ltexts_add_full_arena),
        T(test_region),
        T(test_status),
        T(test_object_init),
        T(test_century),
        T(test_century_label),
        T(test_lang_valid),
        T(test_lang_guess),
        T(test_country_validate),
        T(test_museum_validate),
        T(test_museum_coords_not_a_number),
        T(test_object_validate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
