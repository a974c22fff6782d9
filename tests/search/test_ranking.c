/* Precision of the search on the demo collection: the judged query set
 * (bench/judged/) held to its floors, and the expansions and rankings a
 * curator found wrong, each checked from the records themselves. */
#include "testutil.h"

#include "../../bench/judged.h"
#include "search/thesaurus.h"

VT_DEMO_SIZED;

static char *dir;
static char db[1024], index_path[1100];
static vcm_store *st;
static vcm_search *se;
static vcm_arena arena;

static int group_setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    vt_demo_db(db, sizeof db, dir, "demo");
    snprintf(index_path, sizeof index_path, "%s/demo.index", dir);
    char err[600];
    if (vcm_i18n_load_builtin(err, sizeof err) < 0)
        fail_msg("catalogue: %s", err);
    if (!(st = vcm_store_open(db, err, sizeof err)))
        fail_msg("store: %s", err);
    if (!(se = vcm_search_open(db, index_path, false, NULL, NULL, err, sizeof err)))
        fail_msg("search: %s", err);
    vcm_arena_init(&arena, 0);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    vcm_search_close(se);
    vcm_store_close(st);
    vcm_arena_release(&arena);
    vt_rmrf(dir);
    free(dir);
    return 0;
}

static vcm_search_results run(const char *q, bool expand, size_t limit)
{
    vcm_search_params p;
    vcm_search_params_init(&p);
    p.q = q;
    p.limit = limit;
    p.no_expand = !expand;
    p.want_objects = true;
    vcm_search_results r;
    char err[600];
    if (vcm_search_run(se, st, &arena, &p, &r, err, sizeof err) < 0)
        fail_msg("search %s: %s", q, err);
    return r;
}

/* Every query of the judged set reaches its floor (tests/search/
 * judged_floors.tsv: the figures reached when the ranking was last tuned),
 * less 0.05. */
static void test_judged_floors(void **state)
{
    (void)state;
    vcm_judged j;
    char err[600];
    if (vcm_judged_load(&j, "bench/judged/queries.tsv", err, sizeof err) < 0)
        fail_msg("%s", err);
    assert_true(j.n >= 80);
    if (vcm_judged_run(&j, se, st, err, sizeof err) < 0)
        fail_msg("%s", err);
    FILE *f = fopen("tests/search/judged_floors.tsv", "r");
    assert_non_null(f);
    char line[1024];
    size_t checked = 0;
    int bad = 0;
    while (fgets(line, sizeof line, f)) {
        char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (!t2 || strncmp(line, "query\t", 6) == 0)
            continue;
        *t1 = 0;
        double p10 = atof(t1 + 1), ndcg = atof(t2 + 1);
        for (size_t i = 0; i < j.n; i++) {
            if (strcmp(j.qs[i].q, line) != 0)
                continue;
            checked++;
            if (j.qs[i].p10[0] < p10 - 0.05 || j.qs[i].ndcg[0] < ndcg - 0.05) {
                print_message("below its floor: %s: p@10 %.3f (floor %.3f), nDCG@10 %.3f "
                              "(floor %.3f)\n",
                              line, j.qs[i].p10[0], p10, j.qs[i].ndcg[0], ndcg);
                bad++;
            }
        }
    }
    fclose(f);
    vcm_judged_free(&j);
    assert_true(checked >= 80);
    assert_int_equal(bad, 0);
}

static bool has_name(const vcm_search_results *r, const char *name)
{
    for (size_t i = 0; i < r->nexpansions; i++)
        for (size_t k = 0; k < r->expansions[i].nnames; k++)
            if (strcmp(r->expansions[i].names[k], name) == 0)
                return true;
    return false;
}

/* Variants that are common words or single syllables are not searched:
 * each one once multiplied its concept's results. */
static void test_no_common_or_short_variants(void **state)
{
    (void)state;
    static const struct { const char *q, *name; } cases[] = {
        {"Shang", "In"},  {"Shang", "Yin"}, {"Tang", "Tō"},    {"gold", "or"},
        {"gold", "kin"},  {"copper", "dong"}, {"bamboo", "take"}, {"dish", "die"},
        {"box", "case"},  {"Song", "Sō"},  {"Qing", "청"},     {"Qing", "Shin"},
        {"Ming", "明"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        vcm_search_results r = run(cases[i].q, true, 10);
        if (has_name(&r, cases[i].name))
            fail_msg("%s still searches %s", cases[i].q, cases[i].name);
    }
    /* and the results stay near what was typed: Shang 129 -> 9,945 with
     * "In"; Tang 415 -> 4,559 with "Tō"; gold 3,398 -> 5,956 with "or" */
    static const struct { const char *q; double most; } wide[] = {
        {"Shang", 3}, {"Tang", 3}, {"gold", 1.2}, {"copper", 3}, {"bamboo", 3}, {"box", 3},
    };
    for (size_t i = 0; i < sizeof wide / sizeof *wide; i++) {
        int64_t typed = run(wide[i].q, false, 1).total, all = run(wide[i].q, true, 1).total;
        if ((double)all > wide[i].most * (double)typed)
            fail_msg("%s: %lld results for %lld as typed", wide[i].q, (long long)all,
                     (long long)typed);
    }
}

/* A syllable that is a variant of several concepts names none of them
 * when typed: Yin, Kin and Shin find what holds them. */
static void test_short_words_not_expanded(void **state)
{
    (void)state;
    static const char *const words[] = {"Yin", "Kin", "Shin", "In", "or"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        vcm_search_results r = run(words[i], true, 1);
        if (r.nexpansions)
            fail_msg("%s expands to %s", words[i], r.expansions[0].id);
        assert_int_equal(r.total, run(words[i], false, 1).total);
    }
    /* one Hangul syllable typed still names its concept */
    vcm_search_results r = run("청", true, 1);
    assert_true(r.nexpansions >= 1);
    assert_string_equal(r.expansions[0].id, "qing");
}

/* Edo is the period only; the place Tokyo keeps its other names. */
static void test_edo_is_a_period(void **state)
{
    (void)state;
    vcm_search_results r = run("Edo", true, 10);
    assert_true(r.nexpansions >= 1);
    for (size_t i = 0; i < r.nexpansions; i++)
        assert_string_not_equal(r.expansions[i].kind, "place");
    r = run("Tokyo", true, 10);
    assert_true(r.nexpansions >= 1);
    assert_string_equal(r.expansions[0].id, "tokyo");
    assert_false(has_name(&r, "Edo"));
}

static bool title_has(const vcm_object *o, const char *s)
{
    for (size_t k = 0; k < o->title.n; k++)
        if (o->title.v[k].text && strstr(o->title.v[k].text, s))
            return true;
    return false;
}

/* "Celadon Dish" (titled with the word) is on the first page for
 * celadon, not 96th behind records naming celadon in several languages. */
static void test_celadon_titles_first(void **state)
{
    (void)state;
    vcm_search_results r = run("celadon", true, 10);
    bool dish = false;
    size_t titled = 0;
    for (size_t i = 0; i < r.nhits; i++) {
        const vcm_object *o = &r.hits[i].object;
        dish |= title_has(o, "Celadon Dish");
        titled += title_has(o, "Celadon") || title_has(o, "celadon");
    }
    assert_true(dish);
    assert_true(titled >= 3);
    /* 청자: most of the first page holds 청자 (2 of 10 did) */
    r = run("청자", true, 10);
    size_t n = 0;
    for (size_t i = 0; i < r.nhits; i++)
        n += title_has(&r.hits[i].object, "청자");
    if (n < 6)
        fail_msg("%zu of the first 10 for 청자 hold it", n);
}

/* Hokusai: the first page is not ten prints of one set at one score. */
static void test_first_page_mixes_sets(void **state)
{
    (void)state;
    vcm_search_results r = run("Hokusai", true, 10);
    assert_int_equal(r.nhits, 10);
    for (size_t i = 0; i < r.nhits; i++) {
        size_t same = 0;
        for (size_t k = 0; k < r.nhits; k++)
            same += r.hits[k].score == r.hits[i].score &&
                    r.hits[k].object.museum_id == r.hits[i].object.museum_id;
        if (same > 2)
            fail_msg("%zu hits of the first page tie at %.3f", same, r.hits[i].score);
    }
    /* the order is total and pages do not overlap: the second page
     * follows the first from its cursor */
    vcm_search_params p;
    vcm_search_params_init(&p);
    p.q = "Hokusai";
    p.limit = 10;
    vcm_search_results r1, r2;
    char err[600];
    assert_int_equal(vcm_search_run(se, NULL, &arena, &p, &r1, err, sizeof err), 0);
    assert_non_null(r1.next);
    p.cursor = r1.next;
    assert_int_equal(vcm_search_run(se, NULL, &arena, &p, &r2, err, sizeof err), 0);
    p.cursor = NULL;
    p.limit = 20;
    vcm_search_results both;
    assert_int_equal(vcm_search_run(se, NULL, &arena, &p, &both, err, sizeof err), 0);
    for (size_t i = 0; i < 10; i++) {
        assert_int_equal(both.hits[i].id, r1.hits[i].id);
        assert_int_equal(both.hits[10 + i].id, r2.hits[i].id);
    }
}

/* 玉: the jades of Taipei, whose Chinese titles hold 玉, reach the first
 * page. */
static void test_jade_in_chinese(void **state)
{
    (void)state;
    vcm_search_results r = run("玉", true, 10);
    size_t taipei = 0;
    for (size_t i = 0; i < r.nhits; i++)
        taipei += r.hits[i].object.museum_name &&
                  strstr(r.hits[i].object.museum_name, "Taipei") != NULL;
    assert_true(taipei >= 1);
}

/* vcm thesaurus check names what the loader refused and the names that
 * widen searches most, on the collection at --db. */
static void test_thesaurus_check(void **state)
{
    (void)state;
    char *out = NULL;
    assert_int_equal(vt_sh(&out, "%s thesaurus check --db '%s' --index '%s' --factor 5", vt_bin(),
                           db, index_path),
                     0);
    assert_non_null(strstr(out, "refused\tthesaurus/periods.tsv:"));
    assert_non_null(strstr(out, "\tshang\tIn\ta common word"));
    assert_non_null(strstr(out, "\ttokyo\tEdo\talso a period's name"));
    assert_non_null(strstr(out, "names refused;"));
    /* with a factor of 1, a name finding more than its English one is
     * listed: some always do */
    free(out);
    out = NULL;
    assert_int_equal(vt_sh(&out, "%s thesaurus check --db '%s' --index '%s' --factor 1", vt_bin(), db,
                           index_path),
                     0);
    assert_non_null(strstr(out, "\nwide\t"));
    free(out);
    out = NULL;
    assert_int_equal(vt_sh(&out, "%s thesaurus check --db '%s' --factor 0", vt_bin(), db), 2);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_judged_floors),
        cmocka_unit_test(test_no_common_or_short_variants),
        cmocka_unit_test(test_short_words_not_expanded),
        cmocka_unit_test(test_edo_is_a_period),
        cmocka_unit_test(test_celadon_titles_first),
        cmocka_unit_test(test_first_page_mixes_sets),
        cmocka_unit_test(test_jade_in_chinese),
        cmocka_unit_test(test_thesaurus_check),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
