/* The PO reader (src/core/po.c) and the catalogue loader on it: what
 * translators' tools write is read; what the catalogues do not use, and
 * broken files, are refused with the line. */
#include "testutil.h"

#include "core/i18n.h"
#include "core/po.h"

struct got {
    int n;
    char key[8][32], id[8][96], str[8][96], ex[8][96], tr[8][96];
    bool fuzzy[8];
    size_t line[8];
    int stop_at;
};

static int each(const vcm_po_entry *e, void *ctx)
{
    struct got *g = ctx;
    if (g->n == 8)
        return -1;
    int i = g->n++;
    snprintf(g->key[i], sizeof g->key[i], "%s", e->ctxt ? e->ctxt : "(none)");
    snprintf(g->id[i], sizeof g->id[i], "%s", e->id);
    snprintf(g->str[i], sizeof g->str[i], "%s", e->str);
    snprintf(g->ex[i], sizeof g->ex[i], "%s", e->extracted);
    snprintf(g->tr[i], sizeof g->tr[i], "%s", e->translator);
    g->fuzzy[i] = e->fuzzy;
    g->line[i] = e->line;
    return g->stop_at && g->n == g->stop_at ? 7 : 0;
}

static const char PO[] = "# Korean catalogue\n"
                         "msgid \"\"\n"
                         "msgstr \"\"\n"
                         "\"Language: ko\\n\"\n"
                         "\n"
                         "#. The site's name, at the top of every page\n"
                         "#. second comment line\n"
                         "#: templates/layout.html:3\n"
                         "msgctxt \"site.name\"\n"
                         "msgid \"Virtual Collection\"\n"
                         "msgstr \"가상 소장품\"\n"
                         "\r\n"
                         "# machine translation\n"
                         "#, fuzzy, c-format\n"
                         "msgctxt \"nav.home\"\n"
                         "msgid \"\"\n"
                         "\"Ho\"\n"
                         "\"me \\\"page\\\"\\n\\tnext\"\n"
                         "msgstr \"홈\"  \n"
                         "#~ msgctxt \"old\"\n"
                         "#~ msgid \"Old\"\n"
                         "#~ msgstr \"옛\"\n"
                         "msgctxt \"empty\"\n"
                         "msgid \"Not yet\"\n"
                         "msgstr \"\"";

static void test_entries(void **state)
{
    (void)state;
    struct got g = {0};
    char err[128] = "";
    assert_int_equal(vcm_po_parse(PO, sizeof PO - 1, each, &g, err, sizeof err), 0);
    assert_int_equal(g.n, 4);
    assert_string_equal(g.key[0], "(none)"); /* the header */
    assert_string_equal(g.str[0], "Language: ko\n");
    assert_string_equal(g.key[1], "site.name");
    assert_string_equal(g.id[1], "Virtual Collection");
    assert_string_equal(g.str[1], "가상 소장품");
    assert_string_equal(g.ex[1], "The site's name, at the top of every page\nsecond comment line");
    assert_false(g.fuzzy[1]);
    assert_int_equal(g.line[1], 6);
    assert_string_equal(g.key[2], "nav.home");
    assert_string_equal(g.id[2], "Home \"page\"\n\tnext");
    assert_string_equal(g.tr[2], "machine translation");
    assert_true(g.fuzzy[2]);
    assert_string_equal(g.key[3], "empty");
    assert_string_equal(g.str[3], "");
}

static void test_callback_stops_the_walk(void **state)
{
    (void)state;
    struct got g = {.stop_at = 2};
    char err[128];
    assert_int_equal(vcm_po_parse(PO, sizeof PO - 1, each, &g, err, sizeof err), 7);
    assert_int_equal(g.n, 2);
}

static void test_errors_name_the_line(void **state)
{
    (void)state;
    struct {
        const char *text, *want;
    } bad[] = {
        {"msgctxt \"a\"\nmsgid \"x\"\n\nmsgctxt \"b\"\n", "1: an entry needs both msgid and msgstr"},
        {"msgctxt \"a\"\nmsgid \"bad \\q\"\nmsgstr \"\"\n", "2: unknown escape"},
        {"msgctxt \"a\"\nmsgid \"one\"\nmsgid_plural \"many\"\nmsgstr[0] \"x\"\n",
         "3: gettext plural forms are not used"},
        {"msgctxt \"a\"\nmsgid \"open\nmsgstr \"\"\n", "2: a string has no closing double quote"},
        {"msgctxt \"a\"\nmsgid \"x\" y\nmsgstr \"\"\n", "2: text after the closing double quote"},
        {"msgid \"x\"\nmsgstr \"\"\nmsgstr \"\"\n", "3: a second msgstr"},
        {"msgstr \"x\"\n", "1: msgstr before msgid"},
        {"msgid \"x\"\nmsgctxt \"a\"\nmsgstr \"\"\n", "2: msgctxt must come once, before msgid"},
        {"\"lonely\"\n", "1: a string that continues nothing"},
        {"msgctxt \"a\"\nmsgid \"x\"\nmsgstr \"\"\nnonsense\n", "4: expected msgctxt"},
        {"msgctxt \"a\"\nmsgid \"\xff\"\nmsgstr \"\"\n", "2: not valid UTF-8"},
        {"#~ msgid \"x\"\nmsgstr \"y\"\n", "2: an obsolete entry"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct got g = {0};
        char err[160] = "";
        if (vcm_po_parse(bad[i].text, strlen(bad[i].text), each, &g, err, sizeof err) != -1)
            fail_msg("case %zu was accepted", i);
        if (strncmp(err, bad[i].want, strlen(bad[i].want)) != 0)
            fail_msg("case %zu: got '%s', want '%s'", i, err, bad[i].want);
    }
}

static void test_loader(void **state)
{
    (void)state;
    char err[256] = "";
    const char pot[] = "#. x\nmsgctxt \"site.name\"\nmsgid \"Virtual Collection\"\nmsgstr \"\"\n"
                       "#. x\nmsgctxt \"nav.home\"\nmsgid \"Home\"\nmsgstr \"\"\n"
                       "#. x\nmsgctxt \"empty\"\nmsgid \"Not yet\"\nmsgstr \"\"\n";
    assert_int_equal(vcm_i18n_load_po("en", true, pot, sizeof pot - 1, err, sizeof err), 0);
    assert_int_equal(vcm_i18n_load_po("ko", false, PO, sizeof PO - 1, err, sizeof err), 0);
    assert_string_equal(vcm_t("en", "nav.home"), "Home");
    assert_string_equal(vcm_t("ko", "site.name"), "가상 소장품");
    assert_string_equal(vcm_t("ko", "nav.home"), "홈");
    /* an empty msgstr is not a translation: English shows */
    assert_string_equal(vcm_t("ko", "empty"), "Not yet");
    assert_int_equal(vcm_i18n_review("ko", "site.name"), 0);
    assert_int_equal(vcm_i18n_review("ko", "nav.home"), 1);
    assert_int_equal(vcm_i18n_review("ko", "empty"), -1);
    vcm_i18n_counts c;
    assert_int_equal(vcm_i18n_stats("ko", &c), 0);
    assert_int_equal(c.source, 3);
    assert_int_equal(c.translated, 2);
    assert_int_equal(c.review, 1);
    assert_int_equal(c.unknown, 0);

    /* errors name the file and line; the catalogue loaded before stays */
    const char nokey[] = "msgid \"Home\"\nmsgstr \"Start\"\n";
    assert_int_equal(vcm_i18n_load_po("de", false, nokey, sizeof nokey - 1, err, sizeof err),
                     -1);
    assert_string_equal(err, "locale/de.po:1: a message without msgctxt (its key)");
    const char twice[] = "msgctxt \"a\"\nmsgid \"A\"\nmsgstr \"x\"\n\n"
                         "msgctxt \"a\"\nmsgid \"A\"\nmsgstr \"y\"\n";
    assert_int_equal(vcm_i18n_load_po("ko", false, twice, sizeof twice - 1, err, sizeof err),
                     -1);
    assert_string_equal(err, "locale/ko.po: the key 'a' is given twice");
    assert_string_equal(vcm_t("ko", "nav.home"), "홈");
    const char broken[] = "msgctxt \"a\"\nmsgid \"A\n";
    assert_int_equal(vcm_i18n_load_po("en", true, broken, sizeof broken - 1, err, sizeof err),
                     -1);
    assert_string_equal(err, "locale/vcm.pot:2: a string has no closing double quote");
    assert_string_equal(vcm_t("en", "nav.home"), "Home");
    vcm_i18n_free();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_entries),
        cmocka_unit_test(test_callback_stops_the_walk),
        cmocka_unit_test(test_errors_name_the_line),
        cmocka_unit_test(test_loader),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
