/* Marks in snippets (src/search/snippet.c): no mark starts or ends inside a
 * syllable cluster, in Thai, Lao, Khmer, Devanagari, Hangul or CJK text. */
#include "testutil.h"

#include "search/snippet.h"

/* The text of the mark that text[from..to) becomes. */
static const char *snapped(const char *text, const char *part, char *out, size_t cap)
{
    const char *at = strstr(text, part);
    assert_non_null(at);
    uint32_t s = (uint32_t)(at - text), e = s + (uint32_t)strlen(part);
    vcm_snippet_snap(text, strlen(text), &s, &e);
    assert_true(e - s < cap);
    memcpy(out, text + s, e - s);
    out[e - s] = '\0';
    return out;
}

static void test_thai(void **state)
{
    (void)state;
    char b[256];
    /* เผา (to fire) in เครื่องปั้นดินเผา: a mark on ผา takes its leading vowel
     * เ, a mark on เผ its following vowel า */
    assert_string_equal(snapped("เครื่องปั้นดินเผา", "ผา", b, sizeof b), "เผา");
    assert_string_equal(snapped("เครื่องปั้นดินเผา", "เผ", b, sizeof b), "เผา");
    /* marks above and below stay with their letter: ครื่ */
    assert_string_equal(snapped("เครื่องปั้น", "คร", b, sizeof b), "เครื่");
    /* ดิน stays ดิน (the next letter เ begins another syllable) */
    assert_string_equal(snapped("ดินเผา", "ดิน", b, sizeof b), "ดิน");
}

static void test_other_scripts(void **state)
{
    (void)state;
    char b[256];
    /* Lao: ເ before its consonant */
    assert_string_equal(snapped("ເຮືອນ", "ຮ", b, sizeof b), "ເຮື");
    /* Khmer and Devanagari: dependent vowel signs are marks */
    assert_string_equal(snapped("ក្បាច់", "ក", b, sizeof b), "ក្");
    assert_string_equal(snapped("हिन्दी", "ह", b, sizeof b), "हि");
    /* Hangul, CJK and Latin are left as they are */
    assert_string_equal(snapped("청자상감", "청자", b, sizeof b), "청자");
    assert_string_equal(snapped("山水図", "山水", b, sizeof b), "山水");
    assert_string_equal(snapped("Celadon bowl", "Celadon", b, sizeof b), "Celadon");
    /* a combining mark after a Latin letter stays with it */
    assert_string_equal(snapped("Cho\xCC\x86son", "Cho", b, sizeof b), "Cho\xCC\x86");
}

static void test_bounds(void **state)
{
    (void)state;
    uint32_t s = 0, e = 0;
    vcm_snippet_snap("", 0, &s, &e);
    assert_int_equal(s, 0);
    assert_int_equal(e, 0);
    s = 2, e = 99; /* past the end: cut to it */
    vcm_snippet_snap("abc", 3, &s, &e);
    assert_int_equal(e, 3);
    assert_int_equal(s, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thai),
        cmocka_unit_test(test_other_scripts),
        cmocka_unit_test(test_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
