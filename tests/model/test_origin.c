/* The origin rule (src/model/origin.c): each rule on texts the demo's
 * museums write, and the hand-labelled sample (tests/data/origin_sample.tsv,
 * labelled before the rule was written) against the demo records
 * (VCM_DATA/collection.jsonl): at least 95% must agree. */
#include "testutil.h"

#include <jansson.h>

#include "model/origin.h"

static void derive(const char *culture, const char *artist, const char *title,
                   const char *description, vcm_origin *o)
{
    vcm_origin_source s = {culture, artist, title, description};
    assert_int_equal(vcm_origin_derive(&s, o), 0);
}

static void test_regions(void **state)
{
    (void)state;
    for (int r = 1; r < VCM_ORIGIN_NREGIONS; r++)
        assert_int_equal(vcm_origin_region_parse(vcm_origin_region_slug(r)), r);
    assert_int_equal(vcm_origin_region_parse("asia"), VCM_ORIGIN_NONE);
    assert_int_equal(vcm_origin_region_parse(""), VCM_ORIGIN_NONE);
    assert_int_equal(vcm_origin_country_region("CN"), VCM_ORIGIN_EAST_ASIA);
    assert_int_equal(vcm_origin_country_region("IN"), VCM_ORIGIN_SOUTH_ASIA);
    assert_int_equal(vcm_origin_country_region("IR"), VCM_ORIGIN_WEST_ASIA);
    assert_int_equal(vcm_origin_country_region("FR"), VCM_ORIGIN_EUROPE);
    assert_int_equal(vcm_origin_country_region("ZZ"), VCM_ORIGIN_NONE);
}

static void test_culture(void **state)
{
    (void)state;
    vcm_origin o;
    derive("China, late Ming dynasty (1368–1644)", "Ding Yunpeng (Chinese, 1547–ca. 1628)",
           NULL, NULL, &o);
    assert_string_equal(o.country, "CN");
    assert_int_equal(o.region, VCM_ORIGIN_EAST_ASIA);
    assert_string_equal(o.culture, "period:ming");
    assert_string_equal(o.rule, "culture:place");
    assert_string_equal(vcm_origin_culture_label(o.culture), "Ming");

    derive("Pakistan (ancient region of Gandhara)", NULL, NULL, NULL, &o);
    assert_string_equal(o.country, "PK");
    assert_int_equal(o.region, VCM_ORIGIN_SOUTH_ASIA);
    assert_string_equal(o.culture, "place:gandhara");

    /* a people; an oasis of Xinjiang is Central Asia though in China */
    derive("Uighur; 中亞 Central Asia; specifically Kashgar (see notes)", NULL, NULL, NULL, &o);
    assert_string_equal(o.country, "CN");
    assert_int_equal(o.region, VCM_ORIGIN_CENTRAL_ASIA);

    derive("Mughal; Mughal", NULL, NULL, NULL, &o);
    assert_string_equal(o.country, "IN");
    assert_string_equal(o.rule, "culture:period");
    assert_string_equal(o.culture, "period:mughal");

    /* a style is not an origin */
    derive("Archaizing Chinese; India", NULL, NULL, NULL, &o);
    assert_string_equal(o.country, "IN");

    derive("China for Western market", NULL, NULL, NULL, &o);
    assert_string_equal(o.country, "CN");

    derive("Central Asia", NULL, NULL, NULL, &o);
    assert_string_equal(o.country, "");
    assert_int_equal(o.region, VCM_ORIGIN_CENTRAL_ASIA);

    derive("Persia (Iran), 9th-4th century BCE", NULL, NULL, NULL, &o);
    assert_string_equal(o.country, "IR");
    assert_int_equal(o.region, VCM_ORIGIN_WEST_ASIA);

    derive("Miao", NULL, NULL, NULL, &o);
    assert_string_equal(o.country, "CN");
    assert_string_equal(o.culture, "place:miao");
}

static void test_birthplace_and_mixed(void **state)
{
    (void)state;
    vcm_origin o;
    derive("artist born in Sayda, Al-Lubnan", "Akram Zaatari", NULL, NULL, &o);
    assert_string_equal(o.country, "LB");
    assert_int_equal(o.region, VCM_ORIGIN_WEST_ASIA);
    assert_string_equal(o.rule, "culture:birthplace");
    derive("artist born in Chung-hua Min-kuo", NULL, NULL, NULL, &o);
    assert_string_equal(o.country, "TW");
    derive("artist born in Tehran, Îran", NULL, NULL, NULL, &o);
    assert_string_equal(o.country, "IR");

    derive("Japanese; French; Hungarian", NULL, "Untitled", NULL, &o);
    assert_string_equal(o.country, "");
    assert_int_equal(o.region, VCM_ORIGIN_NONE);
    assert_string_equal(o.rule, "culture:mixed");
    derive("Japanese; French; Hungarian", NULL, "Mirror Performance, New York", NULL, &o);
    assert_string_equal(o.country, "US");
    assert_int_equal(o.region, VCM_ORIGIN_AMERICAS);
    assert_string_equal(o.rule, "culture:title-place");
    /* several countries of one region keep the region */
    derive("Japan or China", NULL, NULL, NULL, &o);
    assert_string_equal(o.country, "");
    assert_int_equal(o.region, VCM_ORIGIN_EAST_ASIA);
}

static void test_fallbacks(void **state)
{
    (void)state;
    vcm_origin o;
    derive("", "Kitagawa Utamaro (Japanese, ca. 1754–1806)", "Print", NULL, &o);
    assert_string_equal(o.country, "JP");
    assert_string_equal(o.rule, "artist-nationality");
    assert_string_equal(o.culture, "");
    derive(NULL, "unknown Chinese", NULL, NULL, &o);
    assert_string_equal(o.country, "CN");
    derive(NULL, NULL, "ひらがな", NULL, &o);
    assert_string_equal(o.country, "JP");
    assert_string_equal(o.rule, "title-script");
    derive(NULL, NULL, "청자", NULL, &o);
    assert_string_equal(o.country, "KR");
    derive(NULL, NULL, "Panel", "a bowl made in Thailand for export", &o);
    assert_string_equal(o.country, "TH");
    assert_string_equal(o.rule, "museum-text");
    derive(NULL, NULL, "Panel", "stripes; brocade metal thread; blue, gold, pink", &o);
    assert_string_equal(o.country, "");
    assert_int_equal(o.region, VCM_ORIGIN_NONE);
    assert_string_equal(o.rule, "");
    /* bad bytes and a text longer than the folding buffer */
    char big[5000];
    memset(big, 'x', sizeof big - 12);
    memcpy(big + sizeof big - 12, " Japan\xff\xfe;x", 11);
    big[sizeof big - 1] = 0;
    derive(big, big, big, big, &o);
    assert_true(strlen(o.culture) < sizeof o.culture);
}

/* The sample: each labelled record, found in the demo by museum and source id. */
typedef struct label {
    char *museum, *id, *country, *region, *reason;
    bool seen;
} label;

static void test_sample(void **state)
{
    (void)state;
    FILE *f = fopen("tests/data/origin_sample.tsv", "r");
    assert_non_null(f);
    label *l = NULL;
    size_t n = 0;
    char line[2048];
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || strncmp(line, "museum\t", 7) == 0)
            continue;
        line[strcspn(line, "\n")] = 0;
        char *c[5];
        char *p = line;
        for (int i = 0; i < 5; i++) {
            c[i] = p;
            p = p ? strchr(p, '\t') : NULL;
            if (p)
                *p++ = 0;
        }
        assert_non_null(c[4]);
        l = realloc(l, (n + 1) * sizeof *l);
        l[n++] = (label){strdup(c[0]), strdup(c[1]), strdup(c[2]), strdup(c[3]), strdup(c[4]),
                         false};
    }
    fclose(f);
    assert_true(n >= 300);

    char path[600];
    snprintf(path, sizeof path, "%s/collection.jsonl", vt_data());
    FILE *d = fopen(path, "r");
    if (!d)
        fail_msg("the demo data is missing: %s (set VCM_DATA)", path);
    size_t agree = 0, seen = 0;
    static char rec[1 << 20];
    while (fgets(rec, sizeof rec, d)) {
        json_t *j = json_loads(rec, 0, NULL);
        assert_non_null(j);
        const char *m = json_string_value(json_object_get(j, "source_museum"));
        const char *id = json_string_value(json_object_get(j, "source_id"));
        for (size_t i = 0; i < n; i++) {
            if (l[i].seen || strcmp(l[i].museum, m) != 0 || strcmp(l[i].id, id) != 0)
                continue;
            l[i].seen = true;
            seen++;
            vcm_origin o;
            derive(json_string_value(json_object_get(j, "culture")),
                   json_string_value(json_object_get(j, "artist")),
                   json_string_value(json_object_get(j, "title")),
                   json_string_value(json_object_get(j, "description")), &o);
            const char *region = vcm_origin_region_slug(o.region);
            if (strcmp(o.country, l[i].country) == 0 && strcmp(region, l[i].region) == 0)
                agree++;
            else
                printf("  disagree: %s %s: label %s/%s (%s); rule %s gives %s/%s\n", m, id,
                       l[i].country, l[i].region, l[i].reason, o.rule, o.country, region);
            break;
        }
        json_decref(j);
    }
    fclose(d);
    printf("  origin sample: %zu of %zu agree (%.1f%%)\n", agree, seen,
           seen ? 100.0 * (double)agree / (double)seen : 0.0);
    assert_int_equal(seen, n);
    assert_true(agree * 100 >= seen * 95);
    for (size_t i = 0; i < n; i++) {
        free(l[i].museum);
        free(l[i].id);
        free(l[i].country);
        free(l[i].region);
        free(l[i].reason);
    }
    free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_regions),
        cmocka_unit_test(test_culture),
        cmocka_unit_test(test_birthplace_and_mixed),
        cmocka_unit_test(test_fallbacks),
        cmocka_unit_test(test_sample),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
