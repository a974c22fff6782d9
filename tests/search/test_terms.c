/* The museum's terms mapped to thesaurus concepts (src/search/terms.c):
 * case, plural and language folded, parts and qualifiers read, a term the
 * thesaurus lacks still one key however it is written. */
#include "testutil.h"

#include "search/terms.h"

static const char *key(const char *cls)
{
    static char k[VCM_TERMS_KEY_MAX];
    vcm_terms_type_key(cls, k, sizeof k);
    return k;
}

static void test_case_plural_language(void **state)
{
    (void)state;
    /* the demo's "Prints 5,796 / prints 2,651 / Print 974" */
    assert_string_equal(key("Prints"), "print");
    assert_string_equal(key("prints"), "print");
    assert_string_equal(key("Print"), "print");
    assert_string_equal(key("PRINTS"), "print");
    assert_string_equal(key("版画"), "print");
    assert_string_equal(key("estampe"), "print");
    assert_string_equal(key("Paintings"), "painting");
    assert_string_equal(key("painting"), "painting");
    assert_string_equal(key("Photograph"), "photograph");
    assert_string_equal(key("photographs"), "photograph");
    assert_string_equal(key("Illustrated Books"), "book");
    assert_string_equal(key("Illustrated Book"), "book");
    /* a material named as a classification */
    assert_string_equal(key("Ceramics"), "ceramic");
    assert_string_equal(key("Jade"), "jade");
    /* a type before a material, and the entry whose English name it is */
    assert_string_equal(key("Screens"), "screen");
    assert_string_equal(key("dish"), "dish");
}

static void test_parts(void **state)
{
    (void)state;
    assert_string_equal(key("Textiles-Woven"), "textile");
    assert_string_equal(key("Costumes-Embroidered"), "costume");
    assert_string_equal(key("on paper, print"), "print");
    assert_string_equal(key("Paintings; Calligraphy"), "painting");
    assert_string_equal(key("(not assigned); Paintings"), "painting");
    assert_string_equal(key("Fans|Paintings"), "fan");
}

/* Unknown to the thesaurus: one '~' key for every spelling of it. */
static void test_unmapped(void **state)
{
    (void)state;
    char a[VCM_TERMS_KEY_MAX], b[VCM_TERMS_KEY_MAX];
    vcm_terms_type_key("Leatherwork", a, sizeof a);
    vcm_terms_type_key("leatherworks", b, sizeof b);
    assert_string_equal(a, b);
    assert_int_equal(a[0], '~');
    vcm_terms_type_key("Tools, Equipment and Utilitarian Objects", a, sizeof a);
    vcm_terms_type_key("tools, equipment and utilitarian object", b, sizeof b);
    assert_string_equal(a, b);
    assert_int_equal(vcm_terms_type_key("", a, sizeof a), 0);
    assert_int_equal(vcm_terms_type_key(NULL, a, sizeof a), 0);
    assert_int_equal(vcm_terms_type_key("!!! ---", a, sizeof a), 0);
    /* cut at a character boundary */
    char small[8];
    size_t n = vcm_terms_type_key("鐵鐵鐵鐵鐵鐵鐵鐵鐵 xyzzy", small, sizeof small);
    assert_true(n < sizeof small);
    assert_int_equal(strlen(small), n);
}

/* A filter value: a concept id and a '~' key as they are, the museum's
 * own words as the import reads them. */
static void test_filter_key(void **state)
{
    (void)state;
    char k[VCM_TERMS_KEY_MAX];
    vcm_terms_filter_key("print", k, sizeof k);
    assert_string_equal(k, "print");
    vcm_terms_filter_key("Prints", k, sizeof k);
    assert_string_equal(k, "print");
    vcm_terms_filter_key("tea_caddy", k, sizeof k);
    assert_string_equal(k, "tea_caddy");
    vcm_terms_filter_key("~leatherwork", k, sizeof k);
    assert_string_equal(k, "~leatherwork");
    char want[VCM_TERMS_KEY_MAX];
    vcm_terms_type_key("Leatherwork", want, sizeof want);
    vcm_terms_filter_key("Leatherwork", k, sizeof k);
    assert_string_equal(k, want);
    assert_non_null(vcm_terms_concept("print"));
    assert_non_null(vcm_terms_concept("ceramic"));
    assert_null(vcm_terms_concept("~print"));
    assert_null(vcm_terms_concept("no_such_concept"));
}

static void test_materials(void **state)
{
    (void)state;
    const char *ids[16];
    size_t n = vcm_terms_materials("Porcelain with celadon glaze", ids, 16);
    bool porcelain = false, celadon = false;
    for (size_t i = 0; i < n; i++) {
        porcelain = porcelain || strcmp(ids[i], "porcelain") == 0;
        celadon = celadon || strcmp(ids[i], "celadon") == 0;
    }
    assert_true(porcelain && celadon);
    n = vcm_terms_materials("Hanging scroll; ink and color on silk", ids, 16);
    bool scroll = false;
    for (size_t i = 0; i < n; i++)
        scroll = scroll || strcmp(ids[i], "hanging_scroll") == 0;
    assert_true(scroll);
    assert_int_equal(vcm_terms_materials("", ids, 16), 0);
    assert_int_equal(vcm_terms_materials(NULL, ids, 16), 0);
    assert_true(vcm_terms_materials("silk, paper, gold, silver, bronze", ids, 2) <= 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case_plural_language),
        cmocka_unit_test(test_parts),
        cmocka_unit_test(test_unmapped),
        cmocka_unit_test(test_filter_key),
        cmocka_unit_test(test_materials),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
