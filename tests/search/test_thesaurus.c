/* The thesaurus loader's rules for names that would collide (thesaurus/
 * README.md, "Names that are not used"), on small files of our own, and
 * the built-in files read under them. */
#include "testutil.h"

#include "search/thesaurus.h"
#include "search/tokenize.h"

static const char common[] = "lang\tword\nen\tin\nen\tcase\nfr\tou\n";
static const char safe[] = "file\tid\tname\treason\nperiods\tsong\t宋\tthe dynasty's name\n";
static const char periods[] =
    "id\tregion\tstart\tend\ten\tko\tzh-Hant\tja\tromanisations\tsource\tnote\n"
    "shang\tCN\t-1600\t-1046\tShang\t상\t商\t殷\tYin|In|Shang-Yin\tWikidata Q128938\tx\n"
    "song\tCN\t960\t1279\tSong\t송\t宋\t宋\tSung|Sō\tWikidata Q7462\t\n"
    "edo\tJP\t1603\t1868\tEdo\t에도 시대\t江戶時代\t江戸時代\tYedo|Edo period\tWikidata "
    "Q184963\t\n";
static const char places[] = "id\tregion\ten\tvariants\tlat\tlon\tsource\n"
                             "tokyo\tJP\tTokyo\tEdo|Yedo|江戸|Tōkyō\t35.69\t139.69\tWikidata Q1490\n";
static const char types[] = "id\ten\tfr\tvariants\tsource\nbox\tbox\tboîte\tcase|hako\tWikidata\n";

static vcm_thesaurus *load(void)
{
    const char *files[] = {"thesaurus/common-words.tsv", "thesaurus/places.tsv",
                           "thesaurus/periods.tsv", "thesaurus/safe-names.tsv",
                           "thesaurus/types.tsv"};
    const char *texts[] = {common, places, periods, safe, types};
    char err[256];
    vcm_thesaurus *t = vcm_thesaurus_parse(files, texts, 5, err, sizeof err);
    if (!t)
        fail_msg("%s", err);
    return t;
}

static const vcm_th_name *name(const vcm_thesaurus *t, const char *id, const char *text)
{
    for (size_t i = 0; i < vcm_thesaurus_count(t); i++) {
        const vcm_th_entry *e = vcm_thesaurus_entry(t, i);
        if (strcmp(e->id, id) != 0)
            continue;
        for (size_t k = 0; k < e->nnames; k++)
            if (strcmp(e->names[k].text, text) == 0)
                return &e->names[k];
    }
    return NULL;
}

static bool refused(const vcm_thesaurus *t, const char *id, const char *text, const char *why)
{
    const vcm_th_refusal *r;
    size_t n = vcm_thesaurus_refused(t, &r);
    for (size_t i = 0; i < n; i++)
        if (strcmp(r[i].id, id) == 0 && strcmp(r[i].name, text) == 0 && strstr(r[i].why, why))
            return true;
    return false;
}

static void test_refusals(void **state)
{
    (void)state;
    vcm_thesaurus *t = load();
    /* common words, after folding */
    assert_null(name(t, "shang", "In"));
    assert_true(refused(t, "shang", "In", "common word"));
    assert_null(name(t, "box", "case"));
    assert_true(refused(t, "box", "case", "common word"));
    /* one Latin syllable among the variants */
    assert_null(name(t, "shang", "Yin"));
    assert_null(name(t, "song", "Sung"));
    assert_null(name(t, "song", "Sō"));
    assert_true(refused(t, "shang", "Yin", "one syllable"));
    /* longer variants and the English name stay */
    assert_non_null(name(t, "shang", "Shang-Yin"));
    assert_non_null(name(t, "song", "Song"));
    assert_non_null(name(t, "box", "hako"));
    assert_non_null(name(t, "box", "boîte"));
    /* one character: typed only, unless listed as safe */
    const vcm_th_name *n = name(t, "shang", "商");
    assert_non_null(n);
    assert_true(n->typed_only);
    assert_true(name(t, "shang", "상")->typed_only);
    n = name(t, "song", "宋");
    assert_non_null(n);
    assert_false(n->typed_only);
    /* a place's variant that names a period goes to the period only */
    assert_null(name(t, "tokyo", "Edo"));
    assert_null(name(t, "tokyo", "Yedo"));
    assert_null(name(t, "tokyo", "江戸"));
    assert_true(refused(t, "tokyo", "江戸", "period"));
    assert_non_null(name(t, "tokyo", "Tokyo"));
    /* so a query for the key finds the period alone */
    char key[64];
    int kl = vcm_tokenize_key("Edo", 3, VCM_TOK_STEM, key, sizeof key);
    const vcm_th_entry *e[4];
    assert_int_equal(vcm_thesaurus_lookup(t, key, (size_t)kl, e, 4), 1);
    assert_string_equal(e[0]->id, "edo");
    /* three periods, a place, a type: an unknown column ("note") is read
     * by nobody and harms nothing */
    assert_int_equal(vcm_thesaurus_count(t), 5);
    vcm_thesaurus_free(t);
}

static void test_lists_malformed(void **state)
{
    (void)state;
    const char *files[] = {"thesaurus/safe-names.tsv"};
    const char *texts[] = {"file\tid\tname\treason\nperiods\tsong\n"};
    char err[256];
    assert_null(vcm_thesaurus_parse(files, texts, 1, err, sizeof err));
    assert_non_null(strstr(err, "thesaurus/safe-names.tsv:2"));
}

/* The built-in files load, and every safe name names its entry. */
static void test_builtin_safe_names_used(void **state)
{
    (void)state;
    const vcm_thesaurus *t = vcm_thesaurus_builtin();
    assert_non_null(t);
    FILE *f = fopen("thesaurus/safe-names.tsv", "r");
    assert_non_null(f);
    char line[512];
    int lineno = 0;
    while (fgets(line, sizeof line, f)) {
        if (++lineno == 1)
            continue;
        char *id = strchr(line, '\t'), *nm = id ? strchr(id + 1, '\t') : NULL;
        char *end = nm ? strchr(nm + 1, '\t') : NULL;
        assert_non_null(end);
        *nm = *end = 0;
        /* by key: a safe name may fold to another of the entry's names */
        char key[256];
        int kl = vcm_tokenize_key(nm + 1, strlen(nm + 1), VCM_TOK_STEM, key, sizeof key);
        assert_true(kl > 0);
        const vcm_th_name *n = NULL;
        for (size_t i = 0; i < vcm_thesaurus_count(t) && !n; i++) {
            const vcm_th_entry *e = vcm_thesaurus_entry(t, i);
            for (size_t k = 0; k < e->nnames && strcmp(e->id, id + 1) == 0; k++)
                if (strcmp(e->names[k].key, key) == 0)
                    n = &e->names[k];
        }
        if (!n || n->typed_only)
            fail_msg("safe-names.tsv:%d: %s is not a name of %s", lineno, nm + 1, id + 1);
    }
    fclose(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_lists_malformed),
        cmocka_unit_test(test_builtin_safe_names_used),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
