/* The search tokenizer (src/search/tokenize.c): exact token lists for each
 * script it treats specially, offsets that map back to the input, the caps,
 * and a throughput figure on the real collection (printed, never asserted). */
#include "testutil.h"

#include <jansson.h>
#include <unicode/unorm2.h>

#include "search/tokenize.h"

/* Tokens rendered as "text/pos kind[start,end]" (kind w, u or b), joined by
 * single spaces. */
struct dump {
    char s[8192];
    size_t n;
    int count, stop_after;
};

static int dump_cb(const vcm_token *t, void *ud)
{
    struct dump *d = ud;
    static const char kinds[] = "?wub";
    assert_true(t->kind >= VCM_TOK_WORD && t->kind <= VCM_TOK_CJK_BI);
    int w = snprintf(d->s + d->n, sizeof d->s - d->n, "%s%.*s/%u%c[%u,%u]", d->n ? " " : "",
                     (int)t->len, t->text, t->pos, kinds[t->kind], t->start, t->end);
    assert_true(w > 0 && (size_t)w < sizeof d->s - d->n);
    d->n += (size_t)w;
    d->count++;
    return d->stop_after && d->count >= d->stop_after;
}

static const char *toks(struct dump *d, const char *text, int flags)
{
    memset(d, 0, sizeof *d);
    assert_int_equal(vcm_tokenize(text, strlen(text), flags, dump_cb, d), 0);
    return d->s;
}

#define EXPECT(text, flags, want)                                                          \
    do {                                                                                   \
        struct dump d_;                                                                    \
        assert_string_equal(toks(&d_, (text), (flags)), (want));                            \
    } while (0)

static void test_english(void **state)
{
    (void)state;
    EXPECT("The Vases, Bowls & BOXES of Dynasties", VCM_TOK_STEM,
           "the/0w[0,3] vase/1w[4,9] bowl/2w[11,16] box/3w[19,24] of/4w[25,27] "
           "dynasty/5w[28,37]");
    EXPECT("The Vases, Bowls & BOXES of Dynasties", 0,
           "the/0w[0,3] vases/1w[4,9] bowls/2w[11,16] boxes/3w[19,24] of/4w[25,27] "
           "dynasties/5w[28,37]");
    /* -ss, -us, -is and short words stay; -sses and -ches lose -es */
    EXPECT("glass campus iris gas its glasses dishes plates series", VCM_TOK_STEM,
           "glass/0w[0,5] campus/1w[6,12] iris/2w[13,17] gas/3w[18,21] its/4w[22,25] "
           "glass/5w[26,33] dish/6w[34,40] plate/7w[41,47] sery/8w[48,54]");
    /* only ASCII words are stemmed */
    EXPECT("Céladons", VCM_TOK_STEM, "celadon/0w[0,9]");
    EXPECT("vasos jarrones", 0, "vasos/0w[0,5] jarrones/1w[6,14]");
}

static void test_diacritics(void **state)
{
    (void)state;
    EXPECT("Chosŏn céladon Ä", 0, "choson/0w[0,7] celadon/1w[8,16] a/2w[17,19]");
    EXPECT("Gốm Bát Tràng, Đông Sơn; Hà Nội", 0,
           "gom/0w[0,5] bat/1w[6,10] trang/2w[11,17] dong/3w[19,25] son/4w[26,30] "
           "ha/5w[32,35] noi/6w[36,41]");
    EXPECT("Élégant FAÇADE, naïve Straße ﬁne", 0,
           "elegant/0w[0,9] facade/1w[10,17] naive/2w[19,25] strasse/3w[26,33] fine/4w[34,39]");
    EXPECT("Россия Ёлка Ελληνικά", 0, "россия/0w[0,12] елка/1w[13,21] ελληνικα/2w[22,38]");
    /* marks that are letters in their script stay */
    EXPECT("हिन्दी", 0, "हिन्दी/0w[0,18]");
}

static void test_cjk_ngrams(void **state)
{
    (void)state;
    struct dump d;
    const char *got = toks(&d, "白玉碗", 0);
    assert_string_equal(got, "白/0u[0,3] 白玉/0b[0,6] 玉/1u[3,6] 玉碗/1b[3,9] 碗/2u[6,9]");
    assert_contains(got, "玉/1u");
    assert_contains(got, "白玉/0b");
    EXPECT("白磁壺", 0, "白/0u[0,3] 白磁/0b[0,6] 磁/1u[3,6] 磁壶/1b[3,9] 壶/2u[6,9]");
    /* Chinese 瓷 and Japanese 磁 (porcelain) are variants of one another in
     * Unihan: 青瓷 finds 青磁 */
    EXPECT("瓷", 0, "磁/0u[0,3]");
}

static void test_traditional_simplified(void **state)
{
    (void)state;
    struct dump a, b;
    assert_string_equal(toks(&a, "國寶", 0), "国/0u[0,3] 国宝/0b[0,6] 宝/1u[3,6]");
    assert_string_equal(toks(&b, "国宝", 0), a.s);
}

/* Han variants fold together (Unihan): 靑磁 is 青磁, 眞 is 真, 糹 is 糸. */
static void test_han_variants(void **state)
{
    (void)state;
    struct dump a, b;
    assert_string_equal(toks(&a, "靑磁", 0), toks(&b, "青磁", 0));
    assert_string_equal(toks(&a, "靑", 0), "青/0u[0,3]");
    assert_string_equal(toks(&a, "眞", 0), toks(&b, "真", 0));
    assert_string_equal(toks(&a, "糹", 0), toks(&b, "糸", 0));
    /* a radical's component form that is another word stays apart */
    assert_string_equal(toks(&a, "王", 0), "王/0u[0,3]");
    char k1[64], k2[64];
    assert_true(vcm_tokenize_key("靑瓷", strlen("靑瓷"), 0, k1, sizeof k1) > 0);
    assert_true(vcm_tokenize_key("青瓷", strlen("青瓷"), 0, k2, sizeof k2) > 0);
    assert_string_equal(k1, k2);
}

/* One apostrophe, and the English possessive is the word itself. */
static void test_apostrophes(void **state)
{
    (void)state;
    EXPECT("Buddha's", VCM_TOK_STEM, "buddha/0w[0,8]");
    EXPECT("Buddha’s head", VCM_TOK_STEM, "buddha/0w[0,10] head/1w[11,15]");
    EXPECT("Ch'ing Ch’ing", 0, "ch'ing/0w[0,6] ch'ing/1w[7,15]");
    EXPECT("artists' seals", VCM_TOK_STEM, "artist/0w[0,7] seal/1w[9,14]");
}

static void test_korean(void **state)
{
    (void)state;
    struct dump d;
    const char *got = toks(&d, "청자상감운학문매병", 0);
    assert_string_equal(
        got, "청자상감운학문매병/0w[0,27] 청/0u[0,3] 청자/0b[0,6] 자/1u[3,6] 자상/1b[3,9] "
             "상/2u[6,9] 상감/2b[6,12] 감/3u[9,12] 감운/3b[9,15] 운/4u[12,15] 운학/4b[12,18] "
             "학/5u[15,18] 학문/5b[15,21] 문/6u[18,21] 문매/6b[18,24] 매/7u[21,24] "
             "매병/7b[21,27] 병/8u[24,27]");
    /* a spaced query reaches the same bigrams; positions go on after the syllables */
    EXPECT("청자 상감", 0,
           "청자/0w[0,6] 청/0u[0,3] 청자/0b[0,6] 자/1u[3,6] 상감/2w[7,13] 상/2u[7,10] "
           "상감/2b[7,13] 감/3u[10,13]");
}

static void test_japanese(void **state)
{
    (void)state;
    /* 時 -> 时: Han is folded to Simplified whatever the language; 戸, 戶 and 户
     * are one character (a Unihan variant) */
    EXPECT("江戸時代", 0,
           "江/0u[0,3] 江户/0b[0,6] 户/1u[3,6] 户时/1b[3,9] 时/2u[6,9] 时代/2b[6,12] 代/3u[9,12]");
    /* katakana folds to hiragana, halfwidth too (with its voiced mark) */
    EXPECT("カナ かな ｶﾞ", 0,
           "か/0u[0,3] かな/0b[0,6] な/1u[3,6] か/2u[7,10] かな/2b[7,13] な/3u[10,13] "
           "が/4u[14,20]");
    /* 焼 (the Japanese form) has no Simplified mapping in ICU and stays */
    EXPECT("伊万里焼の皿", 0,
           "伊/0u[0,3] 伊万/0b[0,6] 万/1u[3,6] 万里/1b[3,9] 里/2u[6,9] 里焼/2b[6,12] "
           "焼/3u[9,12] 焼の/3b[9,15] の/4u[12,15] の皿/4b[12,18] 皿/5u[15,18]");
}

static void test_thai(void **state)
{
    (void)state;
    struct dump d;
    /* ICU 72's Thai dictionary holds เครื่องปั้นดินเผา ("pottery") as one word,
     * while ดินเผา alone is cut into ดิน + เผา. The words' character n-grams
     * bridge the two: ดิน, เผ, ผา at positions p, p+2, p+3 on both sides. */
    EXPECT("ดินเผา", 0,
           "ดิน/0w[0,9] ดิ/0u[0,6] ดิน/0b[0,9] น/1u[6,9] เผา/2w[9,18] เ/2u[9,12] เผ/2b[9,15] "
           "ผ/3u[12,15] ผา/3b[12,18] า/4u[15,18]");
    const char *compound = toks(&d, "เครื่องปั้นดินเผา", 0);
    assert_non_null(strstr(compound, "เครื่องปั้นดินเผา/0w[0,51] "));
    assert_non_null(strstr(compound, " ดิน/7b[33,42] "));
    assert_non_null(strstr(compound, " เผ/9b[42,48] "));
    assert_non_null(strstr(compound, " ผา/10b[45,51] "));
    const char *cup = toks(&d, "ถ้วยดินเผา", 0);
    assert_non_null(strstr(cup, "ถ้วย/0w[0,12] "));
    assert_non_null(strstr(cup, " ดิน/3b[12,21] "));
    assert_non_null(strstr(cup, " เผ/5b[21,27] "));
    assert_non_null(strstr(cup, " ผา/6b[24,30] "));
    /* Lao, Khmer and Burmese words give their n-grams too */
    assert_non_null(strstr(toks(&d, "ດິນເຜົາ", 0), "ດິນ/0w[0,9] "));
    assert_non_null(strstr(toks(&d, "ດິນເຜົາ", 0), "b["));
    assert_non_null(strstr(toks(&d, "ប្រាសាទ", 0), "b["));
    assert_non_null(strstr(toks(&d, "ပုဂံခေတ်", 0), " ပုဂံ/0b["));
}

static void test_mixed_punctuation(void **state)
{
    (void)state;
    EXPECT("abc国宝def 3.5cm, «Vase» (1,000)!—ok... e-mail O'Neil", 0,
           "abc/0w[0,3] 国/1u[3,6] 国宝/1b[3,9] 宝/2u[6,9] def/3w[9,12] 3.5cm/4w[13,18] "
           "vase/5w[22,26] 1,000/6w[30,35] ok/7w[40,42] e/8w[46,47] mail/9w[48,52] "
           "o'neil/10w[53,59]");
    EXPECT("  ...!?  — ", 0, "");
    EXPECT("ＶＡＳＥ　１２", 0, "vase/0w[0,12] 12/1w[15,21]");
}

/* Runs of CJK characters skip ICU's word breaking and its normalization
 * (tokenize.c): the same tokens as through them, at the edges where ICU
 * still decides (a mark after a character, a katakana word joined by "_",
 * punctuation between runs, halfwidth kana). */
static void test_cjk_runs_as_icu_would(void **state)
{
    (void)state;
    EXPECT("白磁\u3099碗 abc_カタ 漢。字、ok「茶」ｶﾞ", 0,
           "白/0u[0,3] 白磁\u3099/0b[0,9] 磁\u3099/1u[3,9] 磁\u3099碗/1b[3,12] 碗/2u[9,12] "
           "abc_/3w[13,17] か/4u[17,20] かた/4b[17,23] た/5u[20,23] 汉/6u[24,27] 字/7u[30,33] "
           "ok/8w[36,38] 茶/9u[41,44] が/10u[47,53]");
    /* a connector, a mark or a katakana of ICU's before a run: ICU's */
    EXPECT("\uff21\u203f\uff9e\u0301\u0301\uff77:", 0, "a\u203f\u3099\u0301\u0301/0w[0,13] き/1u[13,16]");
    EXPECT("\uff12\u0661\u203f\uff9f\u30ab\u3400\u3006", 0,
           "2\u0661\u203f\u309a/0w[0,11] か/1u[11,14] か丘/1b[11,17] 丘/2u[14,17] 〆/3w[17,20]");
    /* U+3031 inside a run: ICU's dictionary takes the run whole */
    EXPECT("\uff22\u3006\u30f7\u309a.1\uff11\u3400\u3031\U0002a700\u7897\u303b\u200c\u306a", 0,
           "b/0w[0,3] 〆/1w[3,6] ヷ\u309a/2u[6,12] 11/3w[13,17] 丘/4u[17,20] \U0002a700/5u[23,27] "
           "\U0002a700碗/5b[23,30] 碗/6u[27,30] 碗〻/6b[27,33] 〻/7u[30,33] な/8u[36,39]");
    /* punctuation between runs: no word, each run its own */
    EXPECT("「白磁」・青磁、茶碗。", 0,
           "白/0u[3,6] 白磁/0b[3,9] 磁/1u[6,9] 青/2u[15,18] 青磁/2b[15,21] 磁/3u[18,21] "
           "茶/4u[24,27] 茶碗/4b[24,30] 碗/5u[27,30]");
    /* the characters folded without ICU's normalizer are those it leaves
     * as they are: hiragana and katakana letters, the BMP's ideographs */
    UErrorCode e = U_ZERO_ERROR;
    const UNormalizer2 *cf = unorm2_getNFKCCasefoldInstance(&e);
    assert_true(U_SUCCESS(e));
    static const UChar ranges[][2] = {{0x3041, 0x3096}, {0x30A1, 0x30FA}, {0x3400, 0x4DBF},
                                      {0x4E00, 0x9FFF}};
    for (size_t r = 0; r < sizeof ranges / sizeof *ranges; r++)
        for (UChar c = ranges[r][0]; c <= ranges[r][1]; c++) {
            UChar out[8];
            int32_t n = unorm2_normalize(cf, &c, 1, out, 8, &e);
            assert_true(U_SUCCESS(e));
            if (n != 1 || out[0] != c)
                fail_msg("U+%04X changes under NFKC_Casefold", (unsigned)c);
        }
}

/* Each token must come back when its own slice of the input is tokenized. */
struct slice {
    const char *text;
    int checked;
};

static int slice_cb(const vcm_token *t, void *ud)
{
    struct slice *s = ud;
    struct dump d;
    char want[200];
    assert_true(t->start < t->end);
    snprintf(want, sizeof want, "%.*s/", (int)t->len, t->text);
    char buf[512];
    size_t n = t->end - t->start;
    assert_true(n < sizeof buf);
    memcpy(buf, s->text + t->start, n);
    buf[n] = '\0';
    const char *got = toks(&d, buf, 0);
    if (strncmp(got, want, strlen(want)) != 0 && !strstr(got, want))
        fail_msg("token '%s' not found again in its slice '%s': %s", want, buf, got);
    s->checked++;
    return 0;
}

static void test_offsets(void **state)
{
    (void)state;
    const char *text = "Bol «céladon» 白玉碗, 청자상감 — Ägypten; ภาษาไทย ＡＢＣ 😀 Ωmega";
    struct slice s = {text, 0};
    assert_int_equal(vcm_tokenize(text, strlen(text), 0, slice_cb, &s), 0);
    assert_true(s.checked > 10);
}

static void test_invalid(void **state)
{
    (void)state;
    struct dump d = {0};
    assert_int_equal(vcm_tokenize("ok \xc3(", 5, 0, dump_cb, &d), -1);
    assert_int_equal(vcm_tokenize("ok \xed\xa0\x80", 6, 0, dump_cb, &d), -1); /* surrogate */
    assert_int_equal(vcm_tokenize("a\0b", 3, 0, dump_cb, &d), -1);
    assert_int_equal(vcm_tokenize(NULL, 3, 0, dump_cb, &d), -1);
    assert_int_equal(d.count, 0);

    size_t big = VCM_TOK_MAX_INPUT;
    char *t = malloc(big + 1);
    assert_non_null(t);
    for (size_t i = 0; i < big + 1; i++)
        t[i] = i % 8 == 7 ? ' ' : 'a';
    assert_int_equal(vcm_tokenize(t, big + 1, 0, dump_cb, &d), -1);
    assert_int_equal(d.count, 0);
    d.stop_after = 3;
    assert_int_equal(vcm_tokenize(t, big, 0, dump_cb, &d), 0);
    assert_int_equal(d.count, 3);
    free(t);
}

static void test_empty(void **state)
{
    (void)state;
    struct dump d = {0};
    assert_int_equal(vcm_tokenize("", 0, 0, dump_cb, &d), 0);
    assert_int_equal(vcm_tokenize(NULL, 0, 0, dump_cb, &d), 0);
    assert_int_equal(d.count, 0);
}

static void test_stop(void **state)
{
    (void)state;
    struct dump d = {.stop_after = 2};
    assert_int_equal(vcm_tokenize("one two three 白玉碗", strlen("one two three 白玉碗"), 0, dump_cb, &d), 0);
    assert_int_equal(d.count, 2);
    assert_string_equal(d.s, "one/0w[0,3] two/1w[4,7]");
    memset(&d, 0, sizeof d);
    d.stop_after = 1;
    assert_int_equal(vcm_tokenize("白玉碗", strlen("白玉碗"), 0, dump_cb, &d), 0);
    assert_string_equal(d.s, "白/0u[0,3]");
}

static void test_long_tokens(void **state)
{
    (void)state;
    char in[400], want[400];
    memset(in, 'A', 100);
    in[100] = '\0';
    memset(want, 'a', 64);
    snprintf(want + 64, sizeof want - 64, "/0w[0,100]");
    EXPECT(in, 0, want);
    /* 33 two-byte letters: cut at 64 bytes, on a character boundary */
    size_t n = 0, w = 0;
    for (int i = 0; i < 33; i++) {
        memcpy(in + n, "Ж", 2);
        n += 2;
    }
    in[n] = '\0';
    for (int i = 0; i < 32; i++) {
        memcpy(want + w, "ж", 2);
        w += 2;
    }
    snprintf(want + w, sizeof want - w, "/0w[0,66]");
    EXPECT(in, 0, want);
    /* 31 three-byte letters (93 bytes): cut to 21 letters (63 bytes) */
    n = w = 0;
    for (int i = 0; i < 31; i++) {
        memcpy(in + n, "ა", 3);
        n += 3;
        if (i < 21) {
            memcpy(want + w, "ა", 3);
            w += 3;
        }
    }
    in[n] = '\0';
    snprintf(want + w, sizeof want - w, "/0w[0,93]");
    EXPECT(in, 0, want);
}

/* Tokens per second over titles and descriptions of the demo collection. */
static int count_cb(const vcm_token *t, void *ud)
{
    (void)t;
    (*(size_t *)ud)++;
    return 0;
}

static void test_bench(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s/collection.jsonl", vt_data());
    FILE *f = fopen(path, "r");
    if (!f) {
        print_message("bench skipped: cannot open '%s'\n", path);
        return;
    }
    /* load the texts first so that only tokenizing is timed */
    size_t cap = 1 << 16, n = 0, bytes = 0;
    char **texts = malloc(cap * sizeof *texts);
    char *line = NULL;
    size_t lcap = 0;
    while (getline(&line, &lcap, f) > 0) {
        json_t *j = json_loads(line, 0, NULL);
        if (!j)
            continue;
        const char *keys[] = {"title", "description"};
        for (int i = 0; i < 2; i++) {
            const char *s = json_string_value(json_object_get(j, keys[i]));
            if (s && *s && n < cap) {
                texts[n++] = strdup(s);
                bytes += strlen(s);
            }
        }
        json_decref(j);
    }
    free(line);
    fclose(f);
    size_t tokens[2] = {0, 0};
    double secs[2];
    for (int pass = 0; pass < 2; pass++) {
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(vcm_tokenize(texts[i], strlen(texts[i]), pass ? VCM_TOK_STEM : 0,
                                          count_cb, &tokens[pass]), 0);
        clock_gettime(CLOCK_MONOTONIC, &b);
        secs[pass] = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    }
    print_message("bench: %zu texts, %.1f MB, %zu tokens; %.0f tokens/s, %.1f MB/s "
                  "(with stemming %.0f tokens/s)\n",
                  n, (double)bytes / 1e6, tokens[0], (double)tokens[0] / secs[0],
                  (double)bytes / 1e6 / secs[0], (double)tokens[1] / secs[1]);
    for (size_t i = 0; i < n; i++)
        free(texts[i]);
    free(texts);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_english),
        cmocka_unit_test(test_diacritics),
        cmocka_unit_test(test_cjk_ngrams),
        cmocka_unit_test(test_traditional_simplified),
        cmocka_unit_test(test_han_variants),
        cmocka_unit_test(test_apostrophes),
        cmocka_unit_test(test_korean),
        cmocka_unit_test(test_japanese),
        cmocka_unit_test(test_thai),
        cmocka_unit_test(test_mixed_punctuation),
        cmocka_unit_test(test_cjk_runs_as_icu_would),
        cmocka_unit_test(test_offsets),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_stop),
        cmocka_unit_test(test_long_tokens),
        cmocka_unit_test(test_bench),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    vcm_tokenize_thread_release();
    return rc;
}
