/* UTF-8 validation with the offset of the first bad sequence, encoding and
 * decoding, NFC through ICU, and the clean-up of outside text. */
#include "testutil.h"

#include "core/text.h"

/* Checks that vcm_utf8_check(s, n) is `want` and that vcm_utf8_valid agrees. */
static void check_at(const char *s, size_t n, size_t want, int line)
{
    size_t got = vcm_utf8_check(s, n);
    if (got != want)
        fail_msg("line %d: vcm_utf8_check gave %zu, expected %zu", line, got, want);
    if (vcm_utf8_valid(s, n) != (want == n))
        fail_msg("line %d: vcm_utf8_valid disagrees with vcm_utf8_check", line);
}
#define CHECK(lit, want) check_at((lit), sizeof(lit) - 1, (want), __LINE__)
#define VALID(lit) check_at((lit), sizeof(lit) - 1, sizeof(lit) - 1, __LINE__)

static void test_utf8_check_valid(void **state)
{
    (void)state;
    VALID("");
    VALID("plain ASCII ~\x7f");
    VALID("caf\xc3\xa9");               /* é */
    VALID("\xc2\x80");                  /* U+0080, smallest 2-byte */
    VALID("\xdf\xbf");                  /* U+07FF */
    VALID("\xe0\xa0\x80");              /* U+0800, smallest 3-byte */
    VALID("\xed\x9f\xbf");              /* U+D7FF, just below the surrogates */
    VALID("\xee\x80\x80");              /* U+E000, just above */
    VALID("\xef\xbf\xbf");              /* U+FFFF */
    VALID("\xf0\x90\x80\x80");          /* U+10000, smallest 4-byte */
    VALID("\xf4\x8f\xbf\xbf");          /* U+10FFFF, the last scalar value */
    VALID("고려 청자, 東京国立博物館, ไทย, 😀");
}

static void test_utf8_check_overlong(void **state)
{
    (void)state;
    CHECK("ab\xc0\xaf", 2);             /* '/' in two bytes */
    CHECK("\xc1\xbf", 0);
    CHECK("x\xe0\x80\xaf", 1);          /* '/' in three bytes */
    CHECK("xy\xe0\x9f\xbf", 2);         /* U+07FF in three bytes */
    CHECK("\xf0\x80\x80\xaf", 0);       /* '/' in four bytes */
    CHECK("abc\xf0\x8f\xbf\xbf", 3);    /* U+FFFF in four bytes */
}

static void test_utf8_check_surrogates(void **state)
{
    (void)state;
    CHECK("ok\xed\xa0\x80", 2);         /* U+D800 */
    CHECK("\xed\xbf\xbf", 0);           /* U+DFFF */
    CHECK("\xed\xa0\xbd\xed\xb8\x80", 0); /* CESU-8 pair for U+1F600 */
}

static void test_utf8_check_beyond_max(void **state)
{
    (void)state;
    CHECK("a\xf4\x90\x80\x80", 1);      /* U+110000 */
    CHECK("\xf5\x80\x80\x80", 0);
    CHECK("\xf7\xbf\xbf\xbf", 0);
    CHECK("\xf8\x88\x80\x80\x80", 0);   /* old 5-byte form */
    CHECK("\xfc\x84\x80\x80\x80\x80", 0);
    CHECK("ab\xfe", 2);
    CHECK("ab\xff", 2);
}

static void test_utf8_check_truncated_and_stray(void **state)
{
    (void)state;
    CHECK("abc\xe4\xb8", 3);            /* 中 without its last byte */
    CHECK("\xf0\x9f\x98", 0);
    CHECK("\xc3", 0);
    CHECK("\xe4\xb8" "A", 0);           /* continuation byte missing */
    CHECK("caf\xc3" "e", 3);
    CHECK("a\x80", 1);                  /* lone continuation byte */
    CHECK("\xbf", 0);
    CHECK("\xc3\xa9\xa9", 2);           /* one continuation too many */
    /* n bounds the check: a valid sequence cut by n is truncated. */
    assert_int_equal(vcm_utf8_check("\xe4\xb8\xad", 2), 0);
    assert_int_equal(vcm_utf8_check("\xe4\xb8\xad", 3), 3);
    assert_false(vcm_utf8_valid("\xe4\xb8\xad", 1));
}

static void test_utf8_check_nul(void **state)
{
    (void)state;
    CHECK("ab\0cd", 2);
    CHECK("\0", 0);
    CHECK("\xc3\xa9\0", 2);
    CHECK("\xc0\x80", 0);               /* modified UTF-8 NUL: overlong */
}

static void test_utf8_put_and_decode(void **state)
{
    (void)state;
    static const struct {
        unsigned cp;
        const char *utf8;
    } cases[] = {
        {0x41, "A"},
        {0x7F, "\x7f"},
        {0x80, "\xc2\x80"},
        {0xE9, "\xc3\xa9"},
        {0x7FF, "\xdf\xbf"},
        {0x800, "\xe0\xa0\x80"},
        {0x4E2D, "\xe4\xb8\xad"},
        {0xD7FF, "\xed\x9f\xbf"},
        {0xE000, "\xee\x80\x80"},
        {0xFFFF, "\xef\xbf\xbf"},
        {0x10000, "\xf0\x90\x80\x80"},
        {0x1F600, "\xf0\x9f\x98\x80"},
        {0x10FFFF, "\xf4\x8f\xbf\xbf"},
    };
    vcm_buf b;
    vcm_buf_init(&b, 0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vcm_buf_reset(&b);
        assert_int_equal(vcm_utf8_put(&b, cases[i].cp), 0);
        assert_string_equal(b.data, cases[i].utf8);
        unsigned cp = 0;
        size_t n = strlen(cases[i].utf8);
        assert_int_equal(vcm_utf8_decode(cases[i].utf8, n, &cp), n);
        assert_int_equal(cp, cases[i].cp);
        /* decode reads one code point, not the rest. */
        char two[9];
        memcpy(two, cases[i].utf8, n);
        two[n] = 'z';
        assert_int_equal(vcm_utf8_decode(two, n + 1, &cp), n);
        assert_int_equal(cp, cases[i].cp);
    }
    vcm_buf_reset(&b);
    assert_int_equal(vcm_utf8_put(&b, 0xD800), -1);
    assert_int_equal(vcm_utf8_put(&b, 0xDFFF), -1);
    assert_int_equal(vcm_utf8_put(&b, 0x110000), -1);
    assert_int_equal(vcm_utf8_put(&b, 0xFFFFFFFFu), -1);
    assert_int_equal(b.len, 0);
    unsigned cp = 99;
    assert_int_equal(vcm_utf8_decode("", 0, &cp), 0);
    vcm_buf_release(&b);
}

static char *nfc(const char *s)
{
    vcm_buf b;
    vcm_buf_init(&b, 0);
    assert_int_equal(vcm_utf8_nfc(&b, s, strlen(s)), 0);
    char *r = vcm_buf_detach(&b, NULL);
    assert_non_null(r);
    return r;
}

/* Compares and frees r; on a mismatch fails after freeing, so that a failed
 * test does not also report a leak under ASan. */
static void expect(char *r, const char *want, const char *what, int line)
{
    if (strcmp(r, want) == 0) {
        free(r);
        return;
    }
    char got[512];
    snprintf(got, sizeof got, "%s", r);
    free(r);
    fail_msg("line %d: %s gave \"%s\", expected \"%s\"", line, what, got, want);
}

#define ASSERT_NFC(in, want) expect(nfc(in), (want), "vcm_utf8_nfc", __LINE__)

static void test_nfc_composes(void **state)
{
    (void)state;
    ASSERT_NFC("e\xcc\x81", "\xc3\xa9");                         /* e + U+0301 → é */
    ASSERT_NFC("Cafe\xcc\x81 au lait", "Caf\xc3\xa9 au lait");
    ASSERT_NFC("A\xcc\x8a", "\xc3\x85");                         /* A + ring → Å */
    ASSERT_NFC("\xe2\x84\xab", "\xc3\x85");                      /* U+212B ANGSTROM SIGN → Å */
    ASSERT_NFC("\xe2\x84\xa6", "\xce\xa9");                      /* U+2126 OHM SIGN → Ω */
    /* Marks with no precomposed form are put in canonical order. */
    ASSERT_NFC("q\xcc\x87\xcc\xa3", "q\xcc\xa3\xcc\x87");
    /* Already composed text stays as it is. */
    ASSERT_NFC("\xc3\xa9", "\xc3\xa9");
}

static void test_nfc_hangul_jamo(void **state)
{
    (void)state;
    /* U+1112 U+1161 U+11AB (ᄒ ᅡ ᆫ) → U+D55C 한; U+1100 U+1161 → U+AC00 가 */
    ASSERT_NFC("\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab", "\xed\x95\x9c");
    ASSERT_NFC("\xe1\x84\x80\xe1\x85\xa1", "\xea\xb0\x80");
    ASSERT_NFC("\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab\xe1\x84\x80\xe1\x85\xb3\xe1\x86\xaf",
               "한글");
}

static void test_nfc_leaves_ascii_and_cjk_unchanged(void **state)
{
    (void)state;
    ASSERT_NFC("", "");
    ASSERT_NFC("Plain ASCII text, 1585!", "Plain ASCII text, 1585!");
    ASSERT_NFC("東京国立博物館 江戸時代 ひらがな カタカナ", "東京国立博物館 江戸時代 ひらがな カタカナ");
    ASSERT_NFC("청자 상감운학문 매병", "청자 상감운학문 매병");
    ASSERT_NFC("ไทย Ελληνικά Русский", "ไทย Ελληνικά Русский");
}

static void test_nfc_appends(void **state)
{
    (void)state;
    vcm_buf b;
    vcm_buf_init(&b, 0);
    assert_int_equal(vcm_buf_puts(&b, "["), 0);
    assert_int_equal(vcm_utf8_nfc(&b, "e\xcc\x81", 3), 0);
    assert_int_equal(vcm_utf8_nfc(&b, "|x", 2), 0);
    assert_string_equal(b.data, "[\xc3\xa9|x");
    assert_int_equal(b.len, strlen(b.data));
    vcm_buf_release(&b);
}

static void test_nfc_long_text(void **state)
{
    (void)state;
    /* More UTF-16 units than any stack buffer: 2000 × (e + U+0301). */
    vcm_buf in, want, out;
    vcm_buf_init(&in, 0);
    vcm_buf_init(&want, 0);
    vcm_buf_init(&out, 0);
    for (int i = 0; i < 2000; i++) {
        assert_int_equal(vcm_buf_puts(&in, "e\xcc\x81"), 0);
        assert_int_equal(vcm_buf_puts(&want, "\xc3\xa9"), 0);
    }
    assert_int_equal(vcm_utf8_nfc(&out, in.data, in.len), 0);
    assert_int_equal(out.len, want.len);
    assert_memory_equal(out.data, want.data, want.len);
    /* Long text that is already NFC comes back byte for byte. */
    vcm_buf_reset(&out);
    assert_int_equal(vcm_utf8_nfc(&out, want.data, want.len), 0);
    assert_int_equal(out.len, want.len);
    assert_memory_equal(out.data, want.data, want.len);
    vcm_buf_release(&in);
    vcm_buf_release(&want);
    vcm_buf_release(&out);
}

static void test_nfc_respects_cap(void **state)
{
    (void)state;
    vcm_buf b;
    vcm_buf_init(&b, 1);
    assert_int_equal(vcm_utf8_nfc(&b, "e\xcc\x81", 3), -1);
    assert_int_equal(b.len, 0);
    vcm_buf_release(&b);
}

static char *clean(const char *s, int flags)
{
    vcm_buf b;
    vcm_buf_init(&b, 0);
    assert_int_equal(vcm_text_clean(&b, s, strlen(s), flags), 0);
    char *r = vcm_buf_detach(&b, NULL);
    assert_non_null(r);
    return r;
}

#define ASSERT_CLEAN(in, flags, want) expect(clean((in), (flags)), (want), "vcm_text_clean", __LINE__)

#define E VCM_TEXT_ENTITIES
#define M VCM_TEXT_MULTILINE

static void test_clean_entities(void **state)
{
    (void)state;
    ASSERT_CLEAN("Tom &amp; Jerry", E, "Tom & Jerry");
    ASSERT_CLEAN("it&#39;s", E, "it's");
    ASSERT_CLEAN("&#x4E2D;&#x4e2d;&#X56FD;", E, "中中国");
    ASSERT_CLEAN("&#20013;", E, "中");
    ASSERT_CLEAN("&lt;b&gt; &quot;q&quot; &apos;a&apos;", E, "<b> \"q\" 'a'");
    ASSERT_CLEAN("1&ndash;2 &copy; caf&eacute;", E, "1\xe2\x80\x93" "2 \xc2\xa9 caf\xc3\xa9");
    ASSERT_CLEAN("&#x1F600;", E, "😀");
    /* Decoded once: "&amp;lt;" is the text "&lt;", not "<". */
    ASSERT_CLEAN("&amp;lt;", E, "&lt;");
}

static void test_clean_entities_left_alone(void **state)
{
    (void)state;
    ASSERT_CLEAN("&foo; and &bar", E, "&foo; and &bar");
    ASSERT_CLEAN("AT&T", E, "AT&T");
    ASSERT_CLEAN("&amp", E, "&amp");
    ASSERT_CLEAN("& amp;", E, "& amp;");
    ASSERT_CLEAN("&;", E, "&;");
    ASSERT_CLEAN("&#;&#x;", E, "&#;&#x;");
    ASSERT_CLEAN("&#0;", E, "&#0;");                     /* NUL is not a character here */
    ASSERT_CLEAN("&#xD800;", E, "&#xD800;");             /* a surrogate */
    ASSERT_CLEAN("&#x110000;", E, "&#x110000;");         /* beyond Unicode */
    ASSERT_CLEAN("&#99999999999;", E, "&#99999999999;"); /* would overflow */
    ASSERT_CLEAN("&#65", E, "&#65");
    ASSERT_CLEAN("&#x4G;", E, "&#x4G;");
    /* Without VCM_TEXT_ENTITIES nothing is decoded. */
    ASSERT_CLEAN("Tom &amp; Jerry &#39;", 0, "Tom &amp; Jerry &#39;");
}

static void test_clean_folds_white_space(void **state)
{
    (void)state;
    ASSERT_CLEAN("a \t\r\n\f\v b", 0, "a b");
    ASSERT_CLEAN("  leading and trailing  \n", 0, "leading and trailing");
    ASSERT_CLEAN("a\n\n\nb", 0, "a b");
    ASSERT_CLEAN("a\xc2\xa0\xc2\xa0" "b", 0, "a b");            /* no-break spaces */
    ASSERT_CLEAN("東京\xe3\x80\x80国立", 0, "東京 国立");         /* ideographic space */
    ASSERT_CLEAN("a\xe2\x80\xa8" "b\xe2\x80\xa9" "c", 0, "a b c"); /* line/paragraph separators */
    ASSERT_CLEAN("a&nbsp;&nbsp;b", E, "a b");
    ASSERT_CLEAN("a&#10;b", E, "a b");
    ASSERT_CLEAN("", 0, "");
    ASSERT_CLEAN(" \t\n\xc2\xa0 ", 0, "");
    ASSERT_CLEAN(" \n ", M, "");
}

static void test_clean_multiline(void **state)
{
    (void)state;
    ASSERT_CLEAN("line one\nline two", M, "line one\nline two");
    ASSERT_CLEAN("para one\n\n\n\n\npara two", M, "para one\n\npara two");
    ASSERT_CLEAN("a  \n  b", M, "a\nb");
    ASSERT_CLEAN("a \n \n b", M, "a\n\nb");
    ASSERT_CLEAN("a\r\n\r\nb\r\nc", M, "a\n\nb\nc");
    ASSERT_CLEAN("\n\n  first\n\nlast  \n\n\n", M, "first\n\nlast");
    ASSERT_CLEAN("a   b\t\tc", M, "a b c");
    ASSERT_CLEAN("a&#10;&#10;&#10;b", E | M, "a\n\nb");
}

static void test_clean_drops_control_characters(void **state)
{
    (void)state;
    ASSERT_CLEAN("a\x01" "b\x1b[31mc\x7f" "d\x08", 0, "ab[31mcd");
    ASSERT_CLEAN("\x01\x02 x \x03", 0, "x");
    ASSERT_CLEAN("a&#1;b&#x7F;c", E, "abc");
}

static void test_clean_drops_c1_control_characters(void **state)
{
    (void)state;
    /* U+0080..U+009F are control characters too (Unicode category Cc); they
     * turn up when Windows-1252 text was decoded as Latin-1. */
    static const struct {
        const char *in;
        int flags;
        const char *want;
    } cases[] = {
        {"a\xc2\x80" "b\xc2\x92" "c\xc2\x9f" "d", 0, "abcd"},
        {"x&#x92;y", E, "xy"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *r = clean(cases[i].in, cases[i].flags);
        char hex[64] = "";
        for (size_t k = 0; r[k] && k < 20; k++)
            snprintf(hex + 3 * k, sizeof hex - 3 * k, "%02x ", (unsigned char)r[k]);
        int same = strcmp(r, cases[i].want) == 0;
        free(r);
        if (!same)
            fail_msg("case %zu: C1 control kept, got bytes %s", i, hex);
    }
}

static void test_clean_normalises_to_nfc(void **state)
{
    (void)state;
    ASSERT_CLEAN("  Cafe\xcc\x81  ", 0, "Caf\xc3\xa9");
    ASSERT_CLEAN("e&#x301;", E, "\xc3\xa9");
    ASSERT_CLEAN("\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab", 0, "한");
}

static void test_clean_leaves_cjk_unchanged(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "青磁象嵌雲鶴文梅瓶",
        "고려 청자 상감운학문 매병",
        "江戸時代の浮世絵、葛飾北斎「富嶽三十六景」",
        "พระพุทธรูปปางมารวิชัย",
        "Ming dynasty (明朝), 1368–1644",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        ASSERT_CLEAN(texts[i], E | M, texts[i]);
}

static void test_clean_appends_and_respects_cap(void **state)
{
    (void)state;
    vcm_buf b;
    vcm_buf_init(&b, 8);
    assert_int_equal(vcm_buf_puts(&b, ">"), 0);
    assert_int_equal(vcm_text_clean(&b, " a  b ", 6, 0), 0);
    assert_string_equal(b.data, ">a b");
    assert_int_equal(vcm_text_clean(&b, "0123456789", 10, 0), -1);
    assert_string_equal(b.data, ">a b");
    vcm_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_check_valid),
        cmocka_unit_test(test_utf8_check_overlong),
        cmocka_unit_test(test_utf8_check_surrogates),
        cmocka_unit_test(test_utf8_check_beyond_max),
        cmocka_unit_test(test_utf8_check_truncated_and_stray),
        cmocka_unit_test(test_utf8_check_nul),
        cmocka_unit_test(test_utf8_put_and_decode),
        cmocka_unit_test(test_nfc_composes),
        cmocka_unit_test(test_nfc_hangul_jamo),
        cmocka_unit_test(test_nfc_leaves_ascii_and_cjk_unchanged),
        cmocka_unit_test(test_nfc_appends),
        cmocka_unit_test(test_nfc_long_text),
        cmocka_unit_test(test_nfc_respects_cap),
        cmocka_unit_test(test_clean_entities),
        cmocka_unit_test(test_clean_entities_left_alone),
        cmocka_unit_test(test_clean_folds_white_space),
        cmocka_unit_test(test_clean_multiline),
        cmocka_unit_test(test_clean_drops_control_characters),
        cmocka_unit_test(test_clean_drops_c1_control_characters),
        cmocka_unit_test(test_clean_normalises_to_nfc),
        cmocka_unit_test(test_clean_leaves_cjk_unchanged),
        cmocka_unit_test(test_clean_appends_and_respects_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
