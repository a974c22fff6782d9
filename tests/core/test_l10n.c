/* Grammar and formats per language (src/core/l10n.c): plural messages for
 * one language of each CLDR plural pattern, numbers, years, year ranges,
 * BCE, centuries, timestamps, collation and country names, in several
 * languages, with exact expected strings (ICU's CLDR data as Debian ships
 * it). The plural catalogues are test catalogues loaded here. */
#include "testutil.h"

#include "core/i18n.h"
#include "core/l10n.h"

/* the spaces CLDR puts in numbers, ranges and times */
#define NBSP "\u00A0"
#define NNBSP "\u202F"
#define THIN "\u2009"

static int teardown(void **state)
{
    (void)state;
    vcm_i18n_free();
    vcm_l10n_free();
    return 0;
}

static void load(const char *lang, const char *text)
{
    char err[256] = "";
    if (vcm_i18n_load(lang, text, strlen(text), err, sizeof err) != 0)
        fail_msg("loading %s: %s", lang, err);
}

static const char *tn(const char *lang, const char *key, int64_t n)
{
    static char buf[256];
    if (vcm_tn(lang, key, n, buf, sizeof buf) != 0)
        fail_msg("vcm_tn(%s, %s, %lld) failed: '%s'", lang, key, (long long)n, buf);
    return buf;
}

/* Japanese: one form (other). */
static void test_plural_other_only(void **state)
{
    (void)state;
    load("en", "n.museums\t{n, plural, one {# museum} other {# museums}}\n");
    load("ja", "n.museums\t{n, plural, other {#館の美術館}}\n");
    assert_string_equal(tn("ja", "n.museums", 0), "0館の美術館");
    assert_string_equal(tn("ja", "n.museums", 1), "1館の美術館");
    assert_string_equal(tn("ja", "n.museums", 42231), "42,231館の美術館");
}

/* English: one, other. */
static void test_plural_one_other(void **state)
{
    (void)state;
    load("en", "n.museums\t{n, plural, one {# museum} other {# museums}}\n"
               "n.none\t{n, plural, =0 {no museum} one {# museum} other {# museums}}\n");
    assert_string_equal(tn("en", "n.museums", 1), "1 museum");
    assert_string_equal(tn("en", "n.museums", 0), "0 museums");
    assert_string_equal(tn("en", "n.museums", 2), "2 museums");
    assert_string_equal(tn("en", "n.museums", 1000), "1,000 museums");
    /* =0 beats the category */
    assert_string_equal(tn("en", "n.none", 0), "no museum");
    assert_string_equal(tn("en", "n.none", 1), "1 museum");
}

/* French: 0 and 1 are one; many for a million and more. */
static void test_plural_french(void **state)
{
    (void)state;
    load("en", "n.objects\t{n, plural, one {# object} other {# objects}}\n");
    load("fr", "n.objects\t{n, plural, one {# objet} many {# d’objets} other {# objets}}\n");
    assert_string_equal(tn("fr", "n.objects", 0), "0 objet");
    assert_string_equal(tn("fr", "n.objects", 1), "1 objet");
    assert_string_equal(tn("fr", "n.objects", 2), "2 objets");
    assert_string_equal(tn("fr", "n.objects", 42231), "42" NNBSP "231 objets");
    assert_string_equal(tn("fr", "n.objects", 1000000), "1" NNBSP "000" NNBSP "000 d’objets");
}

/* Russian: one, few, many (other is for fractions). */
static void test_plural_russian(void **state)
{
    (void)state;
    load("en", "n.m\t{n, plural, one {# museum} other {# museums}}\n");
    load("ru", "n.m\t{n, plural, one {# музей} few {# музея} many {# музеев} other {# музея}}\n");
    assert_string_equal(tn("ru", "n.m", 1), "1 музей");
    assert_string_equal(tn("ru", "n.m", 21), "21 музей");
    assert_string_equal(tn("ru", "n.m", 3), "3 музея");
    assert_string_equal(tn("ru", "n.m", 5), "5 музеев");
    assert_string_equal(tn("ru", "n.m", 11), "11 музеев");
    assert_string_equal(tn("ru", "n.m", 0), "0 музеев");
    assert_string_equal(tn("ru", "n.m", 12345), "12" NBSP "345 музеев");
}

/* Polish: one only for 1 (21 is many), few 2–4 except 12–14. */
static void test_plural_polish(void **state)
{
    (void)state;
    load("en", "n.m\t{n, plural, one {# museum} other {# museums}}\n");
    load("pl", "n.m\t{n, plural, one {# muzeum} few {# muzea} many {# muzeów} other {# muzeum}}\n");
    assert_string_equal(tn("pl", "n.m", 1), "1 muzeum");
    assert_string_equal(tn("pl", "n.m", 2), "2 muzea");
    assert_string_equal(tn("pl", "n.m", 22), "22 muzea");
    assert_string_equal(tn("pl", "n.m", 12), "12 muzeów");
    assert_string_equal(tn("pl", "n.m", 21), "21 muzeów");
    /* Polish groups only from five digits */
    assert_string_equal(tn("pl", "n.m", 1000), "1000 muzeów");
}

/* Czech: one, few (2–4), other for whole numbers (many is for fractions). */
static void test_plural_czech(void **state)
{
    (void)state;
    load("en", "n.m\t{n, plural, one {# museum} other {# museums}}\n");
    load("cs", "n.m\t{n, plural, one {# muzeum} few {# muzea} many {# muzea} other {# muzeí}}\n");
    assert_string_equal(tn("cs", "n.m", 1), "1 muzeum");
    assert_string_equal(tn("cs", "n.m", 4), "4 muzea");
    assert_string_equal(tn("cs", "n.m", 5), "5 muzeí");
    assert_string_equal(tn("cs", "n.m", 22), "22 muzeí");
}

/* Latvian: zero (0, 10–20, 30…), one (1, 21 but not 11), other. */
static void test_plural_latvian(void **state)
{
    (void)state;
    load("en", "n.m\t{n, plural, one {# museum} other {# museums}}\n");
    load("lv", "n.m\t{n, plural, zero {# muzeju} one {# muzejs} other {# muzeji}}\n");
    assert_string_equal(tn("lv", "n.m", 0), "0 muzeju");
    assert_string_equal(tn("lv", "n.m", 10), "10 muzeju");
    assert_string_equal(tn("lv", "n.m", 1), "1 muzejs");
    assert_string_equal(tn("lv", "n.m", 21), "21 muzejs");
    assert_string_equal(tn("lv", "n.m", 11), "11 muzeju");
    assert_string_equal(tn("lv", "n.m", 2), "2 muzeji");
}

/* A language without the message falls back to the English text, with
 * the language's number; a message that is not plural text shows its key. */
static void test_plural_fallback_and_bad_message(void **state)
{
    (void)state;
    load("en", "n.m\t{n, plural, one {# museum} other {# museums}}\n"
               "bad\t{n, plural, one {# museum}}\n");
    load("de", "site.name\tVirtuelle Sammlung\n");
    assert_string_equal(tn("de", "n.m", 4200), "4.200 museums");
    char buf[64];
    assert_int_equal(vcm_tn("en", "bad", 2, buf, sizeof buf), -1);
    assert_string_equal(buf, "bad");
}

static const char *msg(const char *m, int64_t n, const char *card, const char *ord)
{
    static char out[256];
    char err[128];
    vcm_l10n_arg a = {n, "N", card, ord};
    if (vcm_l10n_msg(m, strlen(m), &a, out, sizeof out, err, sizeof err) != 0)
        fail_msg("'%s': %s", m, err);
    return out;
}

static void msg_err(const char *m, const char *want)
{
    char out[64], err[128];
    vcm_l10n_arg a = {1, "1", "one", "one"};
    assert_int_equal(vcm_l10n_msg(m, strlen(m), &a, out, sizeof out, err, sizeof err), -1);
    assert_contains(err, want);
    assert_string_equal(out, "");
}

static void test_message_syntax(void **state)
{
    (void)state;
    assert_string_equal(msg("no argument", 1, "one", "one"), "no argument");
    /* {} and {1}..{9} are other placeholders, left for the caller */
    assert_string_equal(msg("{n} and {} and {1} and {10} and { 2}", 1, "one", "one"),
                        "N and {} and {1} and N and N");
    assert_string_equal(msg("Total: {n, plural, one {# item} other {# items}}.", 2, "other", "two"),
                        "Total: N items.");
    assert_string_equal(
        msg("{n, selectordinal, one {#st} two {#nd} few {#rd} other {#th}} century", 2, "other", "two"),
        "Nnd century");
    /* # outside a plural is itself; quoting */
    assert_string_equal(msg("# and '{n}' and it''s {n, plural, other {'#' #}}", 3, "other", "few"),
                        "# and {n} and it's # N");
    /* a lone apostrophe is text */
    assert_string_equal(msg("the museum's {n, plural, other {#}}", 3, "other", "few"),
                        "the museum's N");
    /* nested */
    assert_string_equal(msg("{n, plural, one {{n, selectordinal, one {first} other {later}}} other {x}}",
                            1, "one", "one"),
                        "first");
    msg_err("{n, plural, one {# a}}", "other");
    msg_err("{n, select, a {x} other {y}}", "plural or selectordinal");
    msg_err("{n, plural, one {x} other {y}", "unclosed");
    msg_err("text }", "unexpected '}'");
    msg_err("{n, plural, offset:1 other {#}}", "offset");
    msg_err("{n, plural, = {a} other {b}}", "number after '='");
    msg_err("{n, plural, other {{n, plural, other {{n, plural, other {{n, plural, other {{n, "
            "plural, other {x}}}}}}}}}}",
            "nested too deep");
    /* output cap */
    char out[8], err[64];
    vcm_l10n_arg a = {1, "1", "one", "one"};
    assert_int_equal(vcm_l10n_msg("long text here", 14, &a, out, sizeof out, err, sizeof err), -1);
    assert_contains(err, "too long");
}

static void test_numbers(void **state)
{
    (void)state;
    static const struct {
        const char *lang, *want;
    } t[] = {
        {"en", "42,231"},          {"fr", "42" NNBSP "231"},  {"de", "42.231"},
        {"ru", "42" NBSP "231"},          {"ko", "42,231"},  {"ja", "42,231"},
        {"th", "42,231"},          {"sv", "42" NBSP "231"},  {"es", "42.231"},
        {"my", "၄၂,၂၃၁"},          {"bn", "৪২,২৩১"},     {"xx", "42,231"},
    };
    char b[64];
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        assert_int_equal(vcm_l10n_number(t[i].lang, 42231, b, sizeof b), 0);
        assert_string_equal(b, t[i].want);
    }
    /* Indian grouping */
    vcm_l10n_number("hi", 1234567, b, sizeof b);
    assert_string_equal(b, "12,34,567");
    vcm_l10n_number("en", -5, b, sizeof b);
    assert_string_equal(b, "-5");
    /* too small a buffer */
    char s[4];
    assert_int_equal(vcm_l10n_number("en", 42231, s, sizeof s), -1);
}

static void test_years_and_ranges(void **state)
{
    (void)state;
    static const struct {
        const char *lang;
        int32_t from, to;
        const char *want;
    } t[] = {
        {"en", 1603, 1603, "1603"},
        {"en", 1603, 1868, "1603" THIN "–" THIN "1868"},
        {"fr", 1603, 1868, "1603–1868"},
        {"de", 1603, 1868, "1603–1868"},
        {"ko", 1603, 1868, "1603년 ~ 1868년"},
        {"ja", 1603, 1868, "1603年～1868年"},
        {"zh", 1603, 1868, "1603–1868年"},
        {"th", 1603, 1868, "1603–1868"},
        {"ru", 1603, 1868, "1603–1868"},
        {"ko", 1603, 1603, "1603년"},
        /* BCE */
        {"en", -200, -200, "200 BC"},
        {"fr", -200, -200, "200 av. J.-C."},
        {"de", -200, -200, "200 v. Chr."},
        {"ko", -200, -200, "BC 200년"},
        {"ja", -200, -200, "紀元前200年"},
        {"zh", -200, -200, "公元前200年"},
        {"ru", -200, -200, "200" NNBSP "г. до н. э."},
        {"en", -200, -100, "200" THIN "–" THIN "100 BC"},
        {"de", -200, 100, "200 v. Chr." THIN "–" THIN "100 n. Chr."},
        {"ja", -200, 100, "紀元前200年～西暦100年"},
        /* year 0 is 1 BCE */
        {"en", 0, 0, "1 BC"},
        /* Thai years of records stay in the Gregorian count */
        {"th", 1603, 1603, "1603"},
    };
    char b[128];
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        assert_int_equal(vcm_l10n_years(t[i].lang, t[i].from, t[i].to, b, sizeof b), 0);
        if (strcmp(b, t[i].want) != 0)
            fail_msg("%s %d..%d: got '%s', want '%s'", t[i].lang, t[i].from, t[i].to, b,
                     t[i].want);
    }
}

static void test_centuries(void **state)
{
    (void)state;
    load("en", "century.ce\t{n, selectordinal, one {#st} two {#nd} few {#rd} other {#th}} century\n"
               "century.bce\t{n, selectordinal, one {#st} two {#nd} few {#rd} other {#th}} "
               "century BCE\n");
    load("ko", "century.ce\t{n}세기\ncentury.bce\t기원전 {n}세기\n");
    load("ja", "century.ce\t{n}世紀\ncentury.bce\t紀元前{n}世紀\n");
    load("de", "century.ce\t{n}. Jahrhundert\ncentury.bce\t{n}. Jahrhundert v. Chr.\n");
    load("fr", "century.ce\t{n, selectordinal, one {#er} other {#e}} siècle\n"
               "century.bce\t{n, selectordinal, one {#er} other {#e}} siècle av. J.-C.\n");
    static const struct {
        const char *lang;
        int c;
        const char *want;
    } t[] = {
        {"en", 9, "9th century"},   {"en", 1, "1st century"},   {"en", 21, "21st century"},
        {"en", 12, "12th century"}, {"en", 2, "2nd century"},   {"en", 23, "23rd century"},
        {"en", -3, "3rd century BCE"},
        {"ko", 9, "9세기"},          {"ko", -3, "기원전 3세기"},  {"ja", 9, "9世紀"},
        {"de", 9, "9. Jahrhundert"}, {"fr", 1, "1er siècle"},   {"fr", 9, "9e siècle"},
        /* no Russian catalogue: the English message, Russian ordinals (all other) */
        {"ru", 2, "2th century"},
    };
    char b[128];
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        assert_int_equal(vcm_l10n_century(t[i].lang, t[i].c, b, sizeof b), 0);
        assert_string_equal(b, t[i].want);
    }
}

static void test_timestamps(void **state)
{
    (void)state;
    const int64_t t = 1796623500; /* 2026-12-07 06:05 UTC */
    static const struct {
        const char *lang, *time, *day;
    } w[] = {
        {"en", "Dec 7, 2026, 6:05" NNBSP "AM UTC", "Dec 7, 2026"},
        {"fr", "7 déc. 2026, 06:05 UTC", "7 déc. 2026"},
        {"de", "7. Dez. 2026, 06:05 UTC", "7. Dez. 2026"},
        {"ko", "2026년 12월 7일 오전 6:05 UTC", "2026년 12월 7일"},
        {"ja", "2026年12月7日 6:05 UTC", "2026年12月7日"},
        /* the Buddhist era, Thailand's own calendar, for moments of today */
        {"th", "7 ธ.ค. 2569 06:05 UTC", "7 ธ.ค. 2569"},
        {"ru", "7 дек. 2026" NNBSP "г., 06:05 UTC", "7 дек. 2026" NNBSP "г."},
    };
    char b[128];
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
        assert_int_equal(vcm_l10n_time(w[i].lang, t, b, sizeof b), 0);
        assert_string_equal(b, w[i].time);
        assert_int_equal(vcm_l10n_day(w[i].lang, t, b, sizeof b), 0);
        assert_string_equal(b, w[i].day);
    }
}

static void test_periods(void **state)
{
    (void)state;
    const int64_t a = 1804032000, z = 1814400000, y = 1835568000; /* 2027-03-03, 07-01, 2028-03-02 */
    static const struct {
        const char *lang, *same_year, *two_years;
    } w[] = {
        {"en", "Mar 3" THIN "–" THIN "Jul 1, 2027", "Mar 3, 2027" THIN "–" THIN "Mar 2, 2028"},
        {"fr", "3 mars" THIN "–" THIN "1 juil. 2027", "3 mars 2027" THIN "–" THIN "2 mars 2028"},
        {"de", "3. März" THIN "–" THIN "1. Juli 2027", "3. März 2027" THIN "–" THIN "2. März 2028"},
        {"ko", "2027년 3월 3일 ~ 7월 1일", "2027년 3월 3일 ~ 2028년 3월 2일"},
        {"ja", "2027年3月3日～7月1日", "2027年3月3日～2028年3月2日"},
    };
    char b[160];
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
        assert_int_equal(vcm_l10n_days(w[i].lang, a, z, b, sizeof b), 0);
        assert_string_equal(b, w[i].same_year);
        assert_int_equal(vcm_l10n_days(w[i].lang, a, y, b, sizeof b), 0);
        assert_string_equal(b, w[i].two_years);
    }
    /* one day is one date */
    assert_int_equal(vcm_l10n_days("en", a, a, b, sizeof b), 0);
    assert_string_equal(b, "Mar 3, 2027");
}

static const char *name_of(const void *p)
{
    return *(const char *const *)p;
}

static void sorted(const char *lang, const char *const *in, size_t n, const char *want)
{
    const char *w[16];
    memcpy(w, in, n * sizeof *w);
    assert_int_equal(vcm_l10n_sort(lang, w, n, sizeof *w, name_of), 0);
    char got[512] = "";
    for (size_t i = 0; i < n; i++) {
        strncat(got, w[i], sizeof got - strlen(got) - 1);
        if (i + 1 < n)
            strncat(got, " ", sizeof got - strlen(got) - 1);
    }
    if (strcmp(got, want) != 0)
        fail_msg("%s: got '%s', want '%s'", lang, got, want);
}

static void test_collation(void **state)
{
    (void)state;
    const char *latin[] = {"Zebra", "Öl", "apple", "Åland", "zoo", "czech", "čaj", "Äpple"};
    /* English and German: accents are secondary */
    sorted("en", latin, 8, "Åland apple Äpple čaj czech Öl Zebra zoo");
    sorted("de", latin, 8, "Åland apple Äpple čaj czech Öl Zebra zoo");
    /* Swedish: å ä ö after z */
    sorted("sv", latin, 8, "apple čaj czech Zebra zoo Åland Äpple Öl");
    /* Czech: č after c */
    sorted("cs", latin, 8, "Åland apple Äpple czech čaj Öl Zebra zoo");
    const char *mixed[] = {"하늘", "Zebra", "ขวด", "가방", "apple", "ไก่"};
    /* Korean puts Hangul first, Thai puts Thai first, English Latin first */
    sorted("ko", mixed, 6, "가방 하늘 apple Zebra ไก่ ขวด");
    sorted("th", mixed, 6, "ไก่ ขวด apple Zebra 가방 하늘");
    sorted("en", mixed, 6, "apple Zebra ไก่ ขวด 가방 하늘");
    /* equal names keep their order */
    const char *eq[] = {"b", "a", "B"};
    sorted("en", eq, 3, "a b B");
    /* a name that is not UTF-8 does not stop the sort */
    const char *odd[] = {"b", "\xff\xfe", "a"};
    sorted("en", odd, 3, "a b \xff\xfe");
    assert_true(vcm_l10n_collate("sv", "zoo", "Åland") < 0);
    assert_true(vcm_l10n_collate("en", "zoo", "Åland") > 0);
}

static void test_country_names(void **state)
{
    (void)state;
    static const struct {
        const char *lang, *cc, *want;
    } t[] = {
        {"en", "KR", "South Korea"}, {"ko", "KR", "대한민국"},   {"fr", "KR", "Corée du Sud"},
        {"ja", "KR", "韓国"},         {"zh", "KR", "韩国"},       {"th", "FR", "ฝรั่งเศส"},
        {"de", "GB", "Vereinigtes Königreich"},
    };
    char b[128];
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        assert_int_equal(vcm_l10n_country(t[i].lang, t[i].cc, b, sizeof b), 0);
        assert_string_equal(b, t[i].want);
    }
    assert_int_equal(vcm_l10n_country("en", "Q", b, sizeof b), -1);
    assert_string_equal(b, "");
    assert_string_equal(vcm_l10n_locale("zh"), "zh_Hans");
    assert_string_equal(vcm_l10n_locale("nope"), "en");
    assert_string_equal(vcm_l10n_tag("zh"), "zh-Hans");
    assert_string_equal(vcm_l10n_tag("ko"), "ko");
}

int main(void)
{
#define T(name) cmocka_unit_test_teardown(name, teardown)
    const struct CMUnitTest tests[] = {
        T(test_plural_other_only),
        T(test_plural_one_other),
        T(test_plural_french),
        T(test_plural_russian),
        T(test_plural_polish),
        T(test_plural_czech),
        T(test_plural_latvian),
        T(test_plural_fallback_and_bad_message),
        T(test_message_syntax),
        T(test_numbers),
        T(test_years_and_ranges),
        T(test_centuries),
        T(test_timestamps),
        T(test_periods),
        T(test_collation),
        T(test_country_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
