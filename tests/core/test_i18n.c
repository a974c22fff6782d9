/* Translation catalogues: loading, lookup, the English fallback, a missing
 * key shown as itself, errors that name the line, and the built-in
 * catalogues. */
#include "testutil.h"

#include "core/i18n.h"
#include "core/po.h"

static int teardown(void **state)
{
    (void)state;
    vcm_i18n_free();
    return 0;
}

static void load(const char *lang, const char *text)
{
    char err[256] = "";
    if (vcm_i18n_load(lang, text, strlen(text), err, sizeof err) != 0)
        fail_msg("loading %s: %s", lang, err);
}

static const char EN[] = "# English\n"
                         "site.name\tVirtual Collection\n"
                         "\n"
                         "nav.home\tHome\n"
                         "only.en\tEnglish only\n"
                         "tabs\tone\ttwo\n"
                         "empty\t\n"
                         "last\tno newline";

static void test_lookup(void **state)
{
    (void)state;
    load("en", EN);
    assert_string_equal(vcm_t("en", "site.name"), "Virtual Collection");
    assert_string_equal(vcm_t("en", "nav.home"), "Home");
    assert_string_equal(vcm_t("en", "last"), "no newline");
    /* Only the first tab separates: the text may hold tabs. */
    assert_string_equal(vcm_t("en", "tabs"), "one\ttwo");
    assert_string_equal(vcm_t("en", "empty"), "");
    /* A comment line is not a key. */
    assert_string_equal(vcm_t("en", "# English"), "# English");
}

static void test_other_language_and_fallback(void **state)
{
    (void)state;
    load("en", EN);
    load("ko", "site.name\t가상 소장품\nnav.home\t홈\n");
    load("zh-Hant", "nav.home\t首頁\n");
    assert_string_equal(vcm_t("ko", "site.name"), "가상 소장품");
    assert_string_equal(vcm_t("ko", "nav.home"), "홈");
    assert_string_equal(vcm_t("zh-Hant", "nav.home"), "首頁");
    /* Missing in Korean: English. */
    assert_string_equal(vcm_t("ko", "only.en"), "English only");
    assert_string_equal(vcm_t("zh-Hant", "site.name"), "Virtual Collection");
    /* A language with no catalogue, or none asked for: English. */
    assert_string_equal(vcm_t("fr", "nav.home"), "Home");
    assert_string_equal(vcm_t(NULL, "nav.home"), "Home");
    /* Languages are matched whole: "zh" is not "zh-Hant". */
    assert_string_equal(vcm_t("zh", "nav.home"), "Home");
}

static void test_missing_key_returns_the_key(void **state)
{
    (void)state;
    const char *key = "no.such.key";
    /* With no catalogue at all ... */
    assert_ptr_equal(vcm_t("en", key), key);
    load("en", EN);
    load("ja", "nav.home\tホーム\n");
    /* ... and with catalogues that do not have it. */
    assert_ptr_equal(vcm_t("en", key), key);
    assert_ptr_equal(vcm_t("ja", key), key);
    assert_ptr_equal(vcm_t(NULL, key), key);
    assert_string_equal(vcm_t("en", ""), "");
    /* Keys are matched whole, not by prefix. */
    assert_string_equal(vcm_t("en", "nav"), "nav");
    assert_string_equal(vcm_t("en", "nav.home.x"), "nav.home.x");
}

static void test_many_keys(void **state)
{
    (void)state;
    /* More entries than the first allocation, given in reverse order, so
     * both the growth and the sort for the binary search are exercised. */
    char *text = malloc(1000 * 32);
    size_t len = 0;
    for (int i = 999; i >= 0; i--)
        len += (size_t)sprintf(text + len, "k%03d\tvalue %d\n", i, i);
    char err[256];
    assert_int_equal(vcm_i18n_load("en", text, len, err, sizeof err), 0);
    free(text);
    for (int i = 0; i < 1000; i++) {
        char key[16], want[32];
        snprintf(key, sizeof key, "k%03d", i);
        snprintf(want, sizeof want, "value %d", i);
        assert_string_equal(vcm_t("en", key), want);
    }
    assert_string_equal(vcm_t("en", "k1000"), "k1000");
}

static void test_reload_replaces(void **state)
{
    (void)state;
    load("en", EN);
    load("de", "nav.home\tStartseite\nsite.name\tVirtuelle Sammlung\n");
    load("de", "nav.home\tStart\n");
    assert_string_equal(vcm_t("de", "nav.home"), "Start");
    /* The old catalogue is gone entirely, not merged. */
    assert_string_equal(vcm_t("de", "site.name"), "Virtual Collection");
}

static void test_bad_line(void **state)
{
    (void)state;
    char err[256];
    const char *t1 = "a\tA\n# comment\nno tab here\nb\tB\n";
    assert_int_equal(vcm_i18n_load("fr", t1, strlen(t1), err, sizeof err), -1);
    assert_contains(err, "locale/fr.tsv:3");
    assert_contains(err, "key<TAB>text");
    const char *t2 = "\tno key\n";
    assert_int_equal(vcm_i18n_load("fr", t2, strlen(t2), err, sizeof err), -1);
    assert_contains(err, "locale/fr.tsv:1");
    /* Nothing of a failed catalogue is used. */
    assert_string_equal(vcm_t("fr", "a"), "a");
}

static void test_failed_reload_keeps_the_old_catalogue(void **state)
{
    (void)state;
    load("en", EN);
    char err[256];
    const char *bad = "nav.home\tAccueil\nbroken\n";
    assert_int_equal(vcm_i18n_load("en", bad, strlen(bad), err, sizeof err), -1);
    assert_contains(err, "locale/en.tsv:2");
    assert_string_equal(vcm_t("en", "nav.home"), "Home");
}

static void test_invalid_utf8_and_bad_language(void **state)
{
    (void)state;
    char err[256];
    const char *bad = "nav.home\tAccueil \xc3\n";
    assert_int_equal(vcm_i18n_load("fr", bad, strlen(bad), err, sizeof err), -1);
    assert_contains(err, "UTF-8");
    assert_string_equal(vcm_t("fr", "nav.home"), "nav.home");
    const char *ok = "a\tb\n";
    assert_int_equal(vcm_i18n_load("a-very-long-language-tag", ok, strlen(ok), err, sizeof err),
                     -1);
    assert_contains(err, "a-very-long-language-tag");
}

static void test_empty_catalogue(void **state)
{
    (void)state;
    /* A new language starts with nothing translated; every key falls back. */
    load("en", EN);
    load("vi", "");
    load("th", "# nothing yet\n\n");
    assert_string_equal(vcm_t("vi", "nav.home"), "Home");
    assert_string_equal(vcm_t("th", "nav.home"), "Home");
    assert_string_equal(vcm_t("vi", "no.such"), "no.such");
}

static void test_free_forgets_everything(void **state)
{
    (void)state;
    load("en", EN);
    vcm_i18n_free();
    assert_string_equal(vcm_t("en", "nav.home"), "nav.home");
    load("en", "nav.home\tHome again\n");
    assert_string_equal(vcm_t("en", "nav.home"), "Home again");
}

struct find {
    const char *key;
    char *text;
};

static int find_entry(const vcm_po_entry *e, void *ctx)
{
    struct find *fd = ctx;
    if (!e->ctxt || strcmp(e->ctxt, fd->key) != 0)
        return 0;
    fd->text = strdup(e->id);
    return 1;
}

static void test_builtin(void **state)
{
    (void)state;
    char err[256] = "";
    if (vcm_i18n_load_builtin(err, sizeof err) != 0)
        fail_msg("built-in catalogues: %s", err);
    const char *name = vcm_t("en", "site.name");
    assert_string_not_equal(name, "site.name");
    assert_true(strlen(name) > 0);
    /* Built in from locale/vcm.pot: the text is the file's msgid. */
    FILE *f = fopen("locale/vcm.pot", "rb");
    if (f) {
        static char text[1 << 21];
        size_t len = fread(text, 1, sizeof text, f);
        fclose(f);
        struct find fd = {"site.name", NULL};
        char perr[200];
        assert_int_equal(vcm_po_parse(text, len, find_entry, &fd, perr, sizeof perr), 1);
        assert_string_equal(name, fd.text);
        free(fd.text);
    }
    /* Any language falls back to the built-in English. */
    assert_ptr_equal(vcm_t("xx", "site.name"), name);
}

int main(void)
{
#define T(name) cmocka_unit_test_teardown(name, teardown)
    const struct CMUnitTest tests[] = {
        T(test_lookup),
        T(test_other_language_and_fallback),
        T(test_missing_key_returns_the_key),
        T(test_many_keys),
        T(test_reload_replaces),
        T(test_bad_line),
        T(test_failed_reload_keeps_the_old_catalogue),
        T(test_invalid_utf8_and_bad_language),
        T(test_free_forgets_everything),
        T(test_builtin),
        /* Last: under UBSan a failure here stops the program. */
        T(test_empty_catalogue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
