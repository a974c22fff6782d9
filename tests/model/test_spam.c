/* The spam filter of comments (src/model/spam.c): each rule alone, their
 * order, the banned words list as data (its own file parsed, and its
 * errors), and what is not spam. */
#include "testutil.h"

#include "core/asset.h"
#include "model/spam.h"

static vcm_spam_rules rules(vcm_arena *a, const char *words)
{
    vcm_spam_rules r;
    size_t line;
    assert_int_equal(vcm_spam_words_parse(a, words, strlen(words), &r, &line), 0);
    return r;
}

static void test_words_parse(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_spam_rules r = rules(&a, "# a comment\n\n  Casino \r\nPayday Loan\nbit.ly");
    assert_int_equal(r.nbanned, 3);
    assert_string_equal(r.banned[0], "casino");
    assert_string_equal(r.banned[1], "payday loan");
    assert_int_equal(r.max_links, VCM_SPAM_MAX_LINKS);
    /* a line too long, or not UTF-8: refused with its number */
    char long_line[200];
    memset(long_line, 'x', sizeof long_line - 1);
    long_line[sizeof long_line - 1] = 0;
    char text[300];
    snprintf(text, sizeof text, "ok\n%s\n", long_line);
    size_t line;
    vcm_spam_rules bad;
    assert_int_equal(vcm_spam_words_parse(&a, text, strlen(text), &bad, &line), -1);
    assert_int_equal(line, 2);
    assert_int_equal(vcm_spam_words_parse(&a, "a\n\xff\xfe\n", 5, &bad, &line), -1);
    assert_int_equal(line, 2);
    /* the list the site ships reads */
    const struct vcm_asset *f = vcm_asset_find("data/spam/banned-words.txt");
    assert_non_null(f);
    assert_int_equal(vcm_spam_words_parse(&a, (const char *)f->data, f->len, &bad, &line), 0);
    assert_true(bad.nbanned >= 10);
    vcm_arena_release(&a);
}

static void test_rules(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_spam_rules r = rules(&a, "casino\npayday loan\nbit.ly\n");
    const char *w;
    /* honeypot first, whatever the text */
    assert_int_equal(vcm_spam_check(&r, "fine", "x", NULL, 0, &w), VCM_SPAM_HONEYPOT);
    assert_int_equal(vcm_spam_check(&r, "fine", "", NULL, 0, &w), VCM_SPAM_OK);
    assert_int_equal(vcm_spam_check(&r, "fine", NULL, NULL, 0, &w), VCM_SPAM_OK);
    /* links: https://www. is one; three are too many */
    assert_int_equal(vcm_spam_links("https://www.example.org and http://x.example"), 2);
    assert_int_equal(vcm_spam_links("<a href=x>[url]"), 2);
    assert_int_equal(vcm_spam_check(&r, "HTTPS://a.example www.b.example", NULL, NULL, 0, &w),
                     VCM_SPAM_OK);
    assert_int_equal(vcm_spam_check(&r, "http://a http://b http://c", NULL, NULL, 0, &w),
                     VCM_SPAM_LINKS);
    /* repeated: the same text as a recent one, spacing and case aside */
    const char *recent[] = {"An older one", "A  Lovely\nBowl "};
    assert_int_equal(vcm_spam_check(&r, "a lovely bowl", NULL, recent, 2, &w),
                     VCM_SPAM_REPEATED);
    assert_int_equal(vcm_spam_check(&r, "a lovely bowl!", NULL, recent, 2, &w), VCM_SPAM_OK);
    assert_int_equal(vcm_spam_check(&r, "nooooooooooooooooooooo", NULL, NULL, 0, &w),
                     VCM_SPAM_REPEATED);
    assert_int_equal(vcm_spam_check(&r, "noooooooooooooooooo", NULL, NULL, 0, &w), VCM_SPAM_OK);
    /* banned: a word whole, a phrase or a domain anywhere */
    assert_int_equal(vcm_spam_check(&r, "Best CASINO here", NULL, NULL, 0, &w), VCM_SPAM_BANNED);
    assert_string_equal(w, "casino");
    assert_int_equal(vcm_spam_check(&r, "casinos; occasional", NULL, NULL, 0, &w), VCM_SPAM_OK);
    assert_int_equal(vcm_spam_check(&r, "a payday   loan now", NULL, NULL, 0, &w),
                     VCM_SPAM_BANNED);
    assert_int_equal(vcm_spam_check(&r, "see xbit.ly/abc", NULL, NULL, 0, &w), VCM_SPAM_BANNED);
    /* Chinese text is not spam */
    assert_int_equal(vcm_spam_check(&r, "玉琮，良渚文化。", NULL, NULL, 0, &w), VCM_SPAM_OK);
    assert_string_equal(vcm_spam_name(VCM_SPAM_BANNED), "banned");
    assert_string_equal(vcm_spam_name(VCM_SPAM_OK), "");
    vcm_arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words_parse),
        cmocka_unit_test(test_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
