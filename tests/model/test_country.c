/* Countries from ICU: names in the network's languages and the region by
 * UN M.49 containment; codes ICU does not know as territories fail. */
#include "testutil.h"

#include "model/country.h"

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

static const char *name_in(const vcm_country *c, const char *lang)
{
    for (size_t i = 0; i < c->names.n; i++)
        if (strcmp(c->names.v[i].lang, lang) == 0)
            return c->names.v[i].text;
    return NULL;
}

static void test_korea(void **state)
{
    vcm_arena *a = *state;
    vcm_country c;
    assert_int_equal(vcm_country_from_code(&c, a, "KR"), 0);
    assert_string_equal(c.code, "KR");
    assert_int_equal(c.region, VCM_REGION_ASIA);
    assert_string_equal(name_in(&c, "en"), "South Korea");
    assert_string_equal(name_in(&c, "ko"), "대한민국");
    assert_non_null(name_in(&c, "ja"));
    assert_non_null(name_in(&c, "zh-Hans"));
    /* English comes first: the network's working language. */
    assert_string_equal(c.names.v[0].lang, "en");
    /* Languages are BCP 47 tags, never ICU's zh_Hans. */
    for (size_t i = 0; i < c.names.n; i++) {
        assert_true(vcm_lang_valid(c.names.v[i].lang));
        assert_null(strchr(c.names.v[i].lang, '_'));
        assert_true(strlen(c.names.v[i].text) > 0);
    }
    assert_int_equal(c.asem_since, 0);
    /* What comes out passes the model's own validation. */
    char err[256] = "";
    if (vcm_country_validate(&c, err, sizeof err) != 0)
        fail_msg("KR does not validate: %s", err);
}

static void test_lower_case_code(void **state)
{
    vcm_arena *a = *state;
    vcm_country c;
    assert_int_equal(vcm_country_from_code(&c, a, "jp"), 0);
    assert_string_equal(c.code, "JP");
    assert_int_equal(c.region, VCM_REGION_ASIA);
    assert_string_equal(name_in(&c, "en"), "Japan");
    assert_string_equal(name_in(&c, "ja"), "日本");
}

static void test_regions(void **state)
{
    vcm_arena *a = *state;
    static const struct {
        const char *code, *en;
        vcm_region region;
    } cases[] = {
        {"FR", "France", VCM_REGION_EUROPE},   {"DE", "Germany", VCM_REGION_EUROPE},
        {"GB", "United Kingdom", VCM_REGION_EUROPE},
        {"CN", "China", VCM_REGION_ASIA},      {"TH", "Thailand", VCM_REGION_ASIA},
        {"IN", "India", VCM_REGION_ASIA},      {"VN", "Vietnam", VCM_REGION_ASIA},
        {"US", "United States", VCM_REGION_OTHER},
        {"AU", "Australia", VCM_REGION_OTHER}, {"EG", "Egypt", VCM_REGION_OTHER},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vcm_country c;
        if (vcm_country_from_code(&c, a, cases[i].code) != 0)
            fail_msg("%s: not found", cases[i].code);
        const char *en = name_in(&c, "en");
        if (!en || strcmp(en, cases[i].en) != 0)
            fail_msg("%s: English name %s, expected %s", cases[i].code, en ? en : "(none)",
                     cases[i].en);
        if (c.region != cases[i].region)
            fail_msg("%s: region %s, expected %s", cases[i].code, vcm_region_name(c.region),
                     vcm_region_name(cases[i].region));
    }
    vcm_country fr;
    assert_int_equal(vcm_country_from_code(&fr, a, "FR"), 0);
    assert_string_equal(name_in(&fr, "fr"), "France");
    assert_string_equal(name_in(&fr, "de"), "Frankreich");
}

static void test_unknown_codes_fail(void **state)
{
    vcm_arena *a = *state;
    static const char *const bad[] = {"XX", "12", "", "K", "KOR", "K1", "A-", "ZZ", "EU", "QO"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        vcm_country c;
        memset(&c, 0x55, sizeof c);
        if (vcm_country_from_code(&c, a, bad[i]) != -1)
            fail_msg("'%s' was accepted as a country", bad[i]);
        /* Nothing half-filled is left behind. */
        assert_int_equal(c.names.n, 0);
    }
}

static void test_arena_full(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 32);
    vcm_country c;
    assert_int_equal(vcm_country_from_code(&c, &a, "KR"), -1);
    vcm_arena_release(&a);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_korea),
        T(test_lower_case_code),
        T(test_regions),
        T(test_unknown_codes_fail),
        T(test_arena_full),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
