/* The search query parser (src/search/query.c): each form of the language,
 * and each repair of a malformed query with the message it leaves. */
#include "testutil.h"

#include "search/query.h"

static vcm_arena arena;

static vcm_squery parse(const char *s)
{
    vcm_squery q;
    assert_int_equal(vcm_squery_parse(s, strlen(s), &arena, &q), 0);
    return q;
}

static void assert_term(const vcm_qterm *t, const char *text, bool phrase, bool prefix,
                        vcm_qfield field)
{
    assert_int_equal(t->len, strlen(text));
    assert_memory_equal(t->text, text, t->len);
    assert_int_equal(t->phrase, phrase);
    assert_int_equal(t->prefix, prefix);
    assert_int_equal(t->field, field);
}

static void test_words_phrases_exclusions(void **state)
{
    (void)state;
    vcm_squery q = parse("  celadon \"ink on silk\" -japan -\"tea bowl\" 청자 ");
    assert_int_equal(q.nclauses, 5);
    assert_int_equal(q.nmessages, 0);
    assert_term(&q.clauses[0].alts[0], "celadon", false, false, VCM_QF_ANY);
    assert_term(&q.clauses[1].alts[0], "ink on silk", true, false, VCM_QF_ANY);
    assert_true(q.clauses[2].negated);
    assert_term(&q.clauses[2].alts[0], "japan", false, false, VCM_QF_ANY);
    assert_true(q.clauses[3].negated);
    assert_term(&q.clauses[3].alts[0], "tea bowl", true, false, VCM_QF_ANY);
    assert_false(q.clauses[4].negated);
    assert_term(&q.clauses[4].alts[0], "청자", false, false, VCM_QF_ANY);
    /* a hyphen inside a word or alone is text, not an exclusion */
    q = parse("T'ang - blue-and-white");
    assert_int_equal(q.nclauses, 3);
    assert_false(q.clauses[1].negated);
    assert_term(&q.clauses[2].alts[0], "blue-and-white", false, false, VCM_QF_ANY);
}

static void test_or(void **state)
{
    (void)state;
    vcm_squery q = parse("jade OR nephrite | 玉 bowl");
    assert_int_equal(q.nclauses, 2);
    assert_int_equal(q.clauses[0].nalts, 3);
    assert_term(&q.clauses[0].alts[2], "玉", false, false, VCM_QF_ANY);
    assert_term(&q.clauses[1].alts[0], "bowl", false, false, VCM_QF_ANY);
    /* lower-case or is a word; OR at the ends is dropped with a note */
    q = parse("black or white");
    assert_int_equal(q.nclauses, 3);
    q = parse("OR jade OR");
    assert_int_equal(q.nclauses, 1);
    assert_int_equal(q.nmessages, 1);
    assert_string_equal(q.messages[0], "query.or_end");
    q = parse("jade OR -bowl");
    assert_int_equal(q.nclauses, 2);
    assert_true(q.clauses[1].negated);
    assert_int_equal(q.nmessages, 1);
}

static void test_fields_and_prefix(void **state)
{
    (void)state;
    vcm_squery q = parse("museum:Taipei creator:\"Ding Yunpeng\" Material:silk country:KR "
                         "type:bowl title:moon culture:Joseon porc* artist:Hokusai");
    assert_int_equal(q.nclauses, 9);
    assert_term(&q.clauses[0].alts[0], "Taipei", false, false, VCM_QF_MUSEUM);
    assert_term(&q.clauses[1].alts[0], "Ding Yunpeng", true, false, VCM_QF_CREATOR);
    assert_term(&q.clauses[2].alts[0], "silk", false, false, VCM_QF_MATERIAL);
    assert_term(&q.clauses[3].alts[0], "KR", false, false, VCM_QF_COUNTRY);
    assert_term(&q.clauses[4].alts[0], "bowl", false, false, VCM_QF_TYPE);
    assert_term(&q.clauses[5].alts[0], "moon", false, false, VCM_QF_TITLE);
    assert_term(&q.clauses[6].alts[0], "Joseon", false, false, VCM_QF_CULTURE);
    assert_term(&q.clauses[7].alts[0], "porc", false, true, VCM_QF_ANY);
    assert_term(&q.clauses[8].alts[0], "Hokusai", false, false, VCM_QF_CREATOR);
    assert_int_equal(q.nmessages, 0);
    /* an unknown field is searched as text, with a note */
    q = parse("colour:blue");
    assert_int_equal(q.nclauses, 1);
    assert_int_equal(q.nmessages, 1);
    assert_string_equal(q.messages[0], "query.no_field");
    assert_string_equal(q.message_args[0], "colour");
    /* one letter before * is a word: prefixes that short match too much */
    q = parse("p*");
    assert_term(&q.clauses[0].alts[0], "p", false, false, VCM_QF_ANY);
    assert_int_equal(q.nmessages, 1);
}

static void test_dates(void **state)
{
    (void)state;
    vcm_squery q = parse("bowl date:1600..1700");
    assert_int_equal(q.nclauses, 1);
    assert_true(q.has_date);
    assert_int_equal(q.date_from, 1600);
    assert_int_equal(q.date_to, 1700);
    q = parse("date:-500..-200 bronze");
    assert_int_equal(q.date_from, -500);
    assert_int_equal(q.date_to, -200);
    q = parse("date:500BCE..200bc");
    assert_int_equal(q.date_from, -500);
    assert_int_equal(q.date_to, -200);
    q = parse("date:..1700");
    assert_int_equal(q.date_from, -100000);
    assert_int_equal(q.date_to, 1700);
    q = parse("date:1868");
    assert_int_equal(q.date_from, 1868);
    assert_int_equal(q.date_to, 1868);
    /* two ranges: both hold */
    q = parse("date:1600..1800 date:1700..1900");
    assert_int_equal(q.date_from, 1700);
    assert_int_equal(q.date_to, 1800);
    int32_t a, b;
    assert_int_equal(vcm_squery_years("1700..1600", 10, &a, &b), -1);
    assert_int_equal(vcm_squery_years("..", 2, &a, &b), -1);
    assert_int_equal(vcm_squery_years("0BCE", 4, &a, &b), -1);
}

static void test_repairs(void **state)
{
    (void)state;
    /* unbalanced quote: the rest is a phrase */
    vcm_squery q = parse("vase \"blue and white");
    assert_int_equal(q.nclauses, 2);
    assert_term(&q.clauses[1].alts[0], "blue and white", true, false, VCM_QF_ANY);
    assert_int_equal(q.nmessages, 1);
    assert_string_equal(q.messages[0], "query.unclosed_quote");
    /* a date that is not one is left out, with a note naming it */
    q = parse("date:abc vase");
    assert_int_equal(q.nclauses, 1);
    assert_false(q.has_date);
    assert_int_equal(q.nmessages, 1);
    assert_string_equal(q.messages[0], "query.bad_date");
    assert_string_equal(q.message_args[0], "abc");
    q = parse("-date:1600..1700");
    assert_false(q.has_date);
    assert_int_equal(q.nmessages, 1);
    /* 10,000 characters: the first 500 bytes, cut at a character */
    char *big = malloc(30001);
    for (int i = 0; i < 10000; i++)
        memcpy(big + 3 * i, "玉", 3);
    big[30000] = 0;
    q = parse(big);
    assert_int_equal(q.nclauses, 1);
    assert_true(q.clauses[0].alts[0].len <= VCM_SQUERY_MAX_BYTES);
    assert_int_equal(q.clauses[0].alts[0].len % 3, 0);
    assert_int_equal(q.nmessages, 1);
    assert_string_equal(q.messages[0], "query.cut");
    free(big);
    /* many words: the first 24 */
    char many[2000] = "";
    for (int i = 0; i < 40; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many), "w%d ", i);
    q = parse(many);
    assert_int_equal(q.nclauses, VCM_SQUERY_MAX_CLAUSES);
    assert_string_equal(q.messages[q.nmessages - 1], "query.too_many_terms");
    /* bytes that are not UTF-8, NUL and control characters */
    q = parse("ja\xff\xfe" "de\x01vase");
    assert_int_equal(q.nclauses, 2);
    assert_term(&q.clauses[0].alts[0], "jade", false, false, VCM_QF_ANY);
    assert_int_equal(q.nmessages, 1);
    const char nul[] = "jade\0vase";
    assert_int_equal(vcm_squery_parse(nul, sizeof nul - 1, &arena, &q), 0);
    assert_int_equal(q.nclauses, 1);
    /* nothing to search */
    q = parse("   \"\" * ");
    assert_int_equal(q.nclauses, 0);
}

static bool too_big(const char *s)
{
    return vcm_squery_too_big(s, strlen(s));
}

/* What a page refuses: more than 500 bytes, or more than 64 pieces, empty
 * phrases and operators counted. */
static void test_too_big(void **state)
{
    (void)state;
    char buf[4096];
    assert_false(too_big(""));
    assert_false(too_big("celadon \"ink on silk\" -japan -\"tea bowl\" creator:\"Ding Yunpeng\""));
    memset(buf, 'a', 500);
    buf[500] = 0;
    assert_false(too_big(buf));
    buf[500] = 'a';
    buf[501] = 0;
    assert_true(too_big(buf));
    /* 64 pieces, then 65 */
    size_t n = 0;
    for (int i = 0; i < 64; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s ", i % 2 ? "OR" : "ab");
    assert_false(too_big(buf));
    snprintf(buf + n, sizeof buf - n, "ab");
    assert_true(too_big(buf));
    /* 2,700 quotation marks are too long; 130 (65 empty phrases) too many */
    memset(buf, '"', 2700);
    buf[2700] = 0;
    assert_true(too_big(buf));
    buf[128] = 0;
    assert_false(too_big(buf));
    buf[128] = '"';
    buf[130] = 0;
    assert_true(too_big(buf));
    /* a quote inside a word starts a piece, as the parser reads it */
    n = 0;
    for (int i = 0; i < 32; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "a\"b\"");
    assert_false(too_big(buf));
    snprintf(buf + n, sizeof buf - n, " c");
    assert_true(too_big(buf));
    /* an unclosed quote is one piece to the end */
    assert_false(too_big("\"a b c d e f g h i j k l m n o p q r s t u v w x y z a b c d e f g h i j "
                         "k l m n o p q r s t u v w x y z a b c d e f g h i j k l m n o p"));
}

static void test_cut(void **state)
{
    (void)state;
    const char *s = "ab\xE4\xB8\xAD" "c"; /* a b 中 c */
    assert_int_equal(vcm_squery_cut(s, 6, 10), 6);
    assert_int_equal(vcm_squery_cut(s, 6, 5), 5);
    assert_int_equal(vcm_squery_cut(s, 6, 4), 2);
    assert_int_equal(vcm_squery_cut(s, 6, 3), 2);
    assert_int_equal(vcm_squery_cut(s, 6, 2), 2);
}

int main(void)
{
    vcm_arena_init(&arena, 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words_phrases_exclusions),
        cmocka_unit_test(test_or),
        cmocka_unit_test(test_fields_and_prefix),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_repairs),
        cmocka_unit_test(test_too_big),
        cmocka_unit_test(test_cut),
    };
    int r = cmocka_run_group_tests(tests, NULL, NULL);
    vcm_arena_release(&arena);
    return r;
}
