/* The interface languages: the table, look-ups by code and by tag, the URL
 * prefix, which paths take one, and Accept-Language with q-values. */
#include "testutil.h"

#include <ctype.h>

#include "core/langs.h"

static const char *accept_lang(const char *v)
{
    const vcm_lang *l = vcm_lang_accept(v, strlen(v));
    return l ? l->code : NULL;
}

static const char *by_tag(const char *t)
{
    const vcm_lang *l = vcm_lang_by_tag(t, strlen(t));
    return l ? l->code : NULL;
}

static void test_table(void **state)
{
    (void)state;
    assert_int_equal(vcm_lang_count(), 38);
    assert_string_equal(vcm_lang_at(0)->code, "en");
    assert_null(vcm_lang_at(38));
    for (size_t i = 0; i < vcm_lang_count(); i++) {
        const vcm_lang *l = vcm_lang_at(i);
        assert_ptr_equal(vcm_lang_by_code(l->code, strlen(l->code)), l);
        assert_true(strlen(l->code) < VCM_LANG_CODE_MAX);
        assert_true(*l->name && *l->tag && *l->countries);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(vcm_lang_at(j)->code, l->code);
    }
    const vcm_lang *ur = vcm_lang_by_code("ur", 2), *zh = vcm_lang_by_code("zh", 2);
    assert_true(ur->rtl);
    assert_false(vcm_lang_by_code("ko", 2)->rtl);
    assert_string_equal(zh->tag, "zh-Hans");
    assert_string_equal(vcm_lang_by_code("ko", 2)->name, "한국어");
    assert_null(vcm_lang_by_code("KO", 2)); /* codes are lower case, as in URLs */
    assert_null(vcm_lang_by_code("k", 1));
    assert_null(vcm_lang_by_code("xx", 2));
}

/* Every one of the 51 partner countries has a language of its own. */
static void test_countries(void **state)
{
    (void)state;
    const char *dir = getenv("VCM_DATA");
    char path[4096];
    snprintf(path, sizeof path, "%s/asem-partners.csv", dir && *dir ? dir : "../shared/data");
    FILE *f = fopen(path, "r");
    if (!f)
        skip();
    char line[512];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        char cc[3] = {line[0], line[1], 0};
        if (!isupper((unsigned char)cc[0]) || !isupper((unsigned char)cc[1]) || line[2] != ',')
            continue;
        bool found = false;
        for (size_t i = 0; i < vcm_lang_count() && !found; i++)
            found = strstr(vcm_lang_at(i)->countries, cc) != NULL;
        if (!found)
            fail_msg("no language serves %s", cc);
        n++;
    }
    fclose(f);
    assert_true(n >= 51);
}

static void test_by_tag(void **state)
{
    (void)state;
    assert_string_equal(by_tag("ko"), "ko");
    assert_string_equal(by_tag("ko-KR"), "ko");
    assert_string_equal(by_tag("KO-kr"), "ko");
    assert_string_equal(by_tag("ko-Kore-KR"), "ko");
    assert_string_equal(by_tag("zh"), "zh");
    assert_string_equal(by_tag("zh-CN"), "zh");
    assert_string_equal(by_tag("zh-Hans"), "zh");
    assert_string_equal(by_tag("zh-SG"), "zh");
    assert_string_equal(by_tag("zh-Hans-TW"), "zh");
    assert_null(by_tag("zh-TW"));
    assert_null(by_tag("zh-Hant"));
    assert_null(by_tag("zh-Hant-CN"));
    assert_null(by_tag("zh-HK"));
    assert_string_equal(by_tag("no"), "nb");
    assert_string_equal(by_tag("nb-NO"), "nb");
    assert_string_equal(by_tag("ur-PK"), "ur");
    assert_string_equal(by_tag("en-GB"), "en");
    assert_null(by_tag("xx"));
    assert_null(by_tag(""));
    assert_null(by_tag("ko-"));
    assert_null(by_tag("ko--KR"));
    assert_null(by_tag("-ko"));
    assert_null(by_tag("ko_KR"));
    assert_null(by_tag("ko-abcdefghi"));
    assert_null(by_tag("k1"));
    assert_null(by_tag("abcdefghi"));
}

static void test_accept(void **state)
{
    (void)state;
    assert_string_equal(accept_lang("ko"), "ko");
    assert_string_equal(accept_lang("ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7"), "ko");
    /* the highest q wins, whatever the order */
    assert_string_equal(accept_lang("fr;q=0.5, de;q=0.8, th;q=0.7"), "de");
    assert_string_equal(accept_lang("fr;q=0.5,de"), "de");
    /* equal weights: the first listed */
    assert_string_equal(accept_lang("th, ur"), "th");
    /* ranges the table lacks are passed over */
    assert_string_equal(accept_lang("xx, tlh;q=0.9, ur;q=0.1"), "ur");
    assert_string_equal(accept_lang("zh-TW, zh-CN;q=0.5"), "zh");
    assert_null(accept_lang("zh-TW"));
    /* q=0 means not acceptable */
    assert_null(accept_lang("ko;q=0"));
    assert_string_equal(accept_lang("ko;q=0, ja;q=0.001"), "ja");
    assert_string_equal(accept_lang("*"), "en");
    assert_string_equal(accept_lang("xx, *;q=0.5"), "en");
    assert_string_equal(accept_lang("*;q=0.5, ko;q=0.6"), "ko");
    assert_string_equal(accept_lang(" ko-KR ; q=1.000 "), "ko");
    assert_string_equal(accept_lang("ko;Q=0.5"), "ko");
    /* malformed elements are skipped, not fatal */
    assert_string_equal(accept_lang("ko;q=2, fr"), "fr");
    assert_string_equal(accept_lang("ko;q=0.5555, fr;q=0.1"), "fr");
    assert_string_equal(accept_lang("ko;q=, fr;q=0.1"), "fr");
    assert_string_equal(accept_lang("ko;x=1, fr;q=0.1"), "fr");
    assert_string_equal(accept_lang("k o, fr;q=0.1"), "fr");
    assert_string_equal(accept_lang(",,;,ko"), "ko");
    assert_null(accept_lang(""));
    assert_null(accept_lang(";;;"));
    assert_null(accept_lang("q=1"));
    assert_null(vcm_lang_accept(NULL, 0));
    /* bytes past len are not read */
    assert_string_equal(vcm_lang_accept("ko, fr", 2)->code, "ko");
}

static void test_prefix(void **state)
{
    (void)state;
    const char *rest;
    assert_string_equal(vcm_lang_prefix("/ko/objects/3", &rest)->code, "ko");
    assert_string_equal(rest, "/objects/3");
    assert_string_equal(vcm_lang_prefix("/ko", &rest)->code, "ko");
    assert_string_equal(rest, "/");
    assert_string_equal(vcm_lang_prefix("/ur/", &rest)->code, "ur");
    assert_string_equal(rest, "/");
    /* English has no prefix; unknown and upper-case codes are none */
    assert_null(vcm_lang_prefix("/en/objects/3", &rest));
    assert_string_equal(rest, "/en/objects/3");
    assert_null(vcm_lang_prefix("/KO/objects/3", &rest));
    assert_null(vcm_lang_prefix("/xx/objects/3", &rest));
    assert_null(vcm_lang_prefix("/kor/objects", &rest));
    assert_null(vcm_lang_prefix("/objects/3", &rest));
    assert_string_equal(rest, "/objects/3");
    assert_null(vcm_lang_prefix("/", &rest));
    assert_null(vcm_lang_prefix("", &rest));
}

static void test_localized(void **state)
{
    (void)state;
    const char *pages[] = {"/",        "/browse", "/objects/3",           "/museums/1",   "/search",
                           "/network", "/login",  "/dashboard/entries/4", "/countries/KR"};
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++)
        if (!vcm_lang_path_localized(pages[i]))
            fail_msg("%s should take a prefix", pages[i]);
    const char *machine[] = {"/api/v1/objects",
                             "/iiif/x/info.json",
                             "/oai",
                             "/static/vcm.css",
                             "/feeds/masterpiece-of-the-day.atom",
                             "/sitemap.xml",
                             "/sitemaps/1.xml",
                             "/robots.txt",
                             "/healthz",
                             "/readyz",
                             "/objects/3.jsonld",
                             "/objects/3.lido.xml",
                             "/network/news.atom",
                             "/network/meetings.ics",
                             "/network/growth.csv",
                             "/linked-art/context.json",
                             "/api",
                             ""};
    for (size_t i = 0; i < sizeof machine / sizeof machine[0]; i++)
        if (vcm_lang_path_localized(machine[i]))
            fail_msg("%s should take no prefix", machine[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),  cmocka_unit_test(test_countries),
        cmocka_unit_test(test_by_tag), cmocka_unit_test(test_accept),
        cmocka_unit_test(test_prefix), cmocka_unit_test(test_localized),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
