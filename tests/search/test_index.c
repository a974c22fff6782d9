/* The search index (src/search/index.c, eval.c, file.c) on documents made
 * here: ranking by field, phrases, fields, prefixes, removal and
 * replacement, facets, sorting and cursors, and the file. */
#include "testutil.h"

#include "model/model.h"
#include "search/index.h"
#include "search/thesaurus.h"

static vcm_arena arena;

struct doc {
    int64_t id;
    const char *title, *desc, *creator, *materials, *culture;
    int32_t year;
    int64_t museum;
    const char *cls;
};

static const struct doc docs[] = {
    {1, "Celadon bowl", "A bowl of celadon stoneware from Goryeo.", "Potter A", "Stoneware", "Korea", 1150, 1, "Ceramics"},
    {2, "Jar", "A jar with a celadon glaze, mentioned once.", NULL, "Stoneware", "Korea", 1200, 1, "Ceramics"},
    {3, "Landscape", "Hanging scroll, ink on silk.", "Wen Zhengming", "Ink on silk", "China", 1530, 2, "Paintings"},
    {4, "Silk robe", "Ink stains on the silk lining.", NULL, "Silk", "China", 1800, 2, "Textiles"},
    {5, "白磁壺", "朝鮮時代の白磁。", NULL, "Porcelain", "Korea", 1750, 3, "Ceramics"},
    {6, "เครื่องปั้นดินเผา", "ชามดินเผา", NULL, "Earthenware", "Thailand", 1400, 3, "Ceramics"},
    {7, "Porcelain vase", "Blue and white porcelain.", NULL, "Porcelain", "China", -300, 2, "Ceramics"},
    {8, "Vases", "Two vases.", NULL, "Porcelain", "Japan", 1650, 1, "Ceramics"},
};
#define NDOCS (sizeof docs / sizeof *docs)

static void put(vcm_index *x, const struct doc *d, const char *title_override)
{
    vcm_index_doc in = {0};
    in.id = d->id;
    in.date_start = d->year;
    in.date_end = d->year + 50;
    in.museum_id = d->museum;
    char mname[32];
    snprintf(mname, sizeof mname, "Museum %lld", (long long)d->museum);
    in.museum_name = mname;
    memcpy(in.country, d->museum == 3 ? "TH" : "KR", 3);
    in.region = 1;
    /* where it comes from, for the origin facets: its culture's country */
    const char *oc = strcmp(d->culture, "Korea") == 0   ? "KR"
                     : strcmp(d->culture, "China") == 0 ? "CN"
                     : strcmp(d->culture, "Japan") == 0 ? "JP"
                                                        : "TH";
    memcpy(in.origin_country, oc, 3);
    in.origin_region = strcmp(oc, "TH") == 0 ? VCM_ORIGIN_SOUTHEAST_ASIA : VCM_ORIGIN_EAST_ASIA;
    in.classification = d->cls;
    const char *title = title_override ? title_override : d->title;
    in.sort_title = title;
    in.flags = d->id % 2 ? VCM_IDOC_IMAGE : VCM_IDOC_OPEN;
    const char *sug[1] = {d->creator};
    in.suggest = sug;
    in.nsuggest = d->creator ? 1 : 0;
    struct { int f; const char *t; } t[] = {
        {VCM_IF_TITLE, title}, {VCM_IF_TEXT, d->desc}, {VCM_IF_CREATOR, d->creator},
        {VCM_IF_MATERIAL, d->materials}, {VCM_IF_CULTURE, d->culture}, {VCM_IF_TYPE, d->cls},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++)
        if (t[i].t) {
            in.texts[in.ntexts].field = t[i].f;
            in.texts[in.ntexts++].text = t[i].t;
        }
    vcm_index_prep *p = vcm_index_prepare(&in);
    assert_non_null(p);
    vcm_index_lock_write(x);
    assert_int_equal(vcm_index_put(x, p), 0);
    assert_int_equal(vcm_index_settle(x), 0);
    vcm_index_unlock(x);
}

static vcm_index *build(void)
{
    vcm_index *x = vcm_index_new();
    assert_non_null(x);
    for (size_t i = 0; i < NDOCS; i++)
        put(x, &docs[i], NULL);
    return x;
}

static const char *words[8];
static uint32_t offs[8];

static vcm_plan term(const char *w)
{
    words[0] = w;
    offs[0] = 0;
    return (vcm_plan){.kind = VCM_PLAN_TERM, .terms = words, .offsets = offs, .nterms = 1};
}

static vcm_index_request request(const vcm_plan *must)
{
    vcm_index_request r = {0};
    r.must = must;
    r.limit = 20;
    return r;
}

static vcm_index_result run(vcm_index *x, const vcm_index_request *r)
{
    vcm_index_result out;
    vcm_index_lock_read(x);
    assert_int_equal(vcm_index_search(x, &arena, r, &out), 0);
    vcm_index_unlock(x);
    return out;
}

/* "ids" of a result as "1 2 3" */
static const char *ids(const vcm_index_result *r)
{
    static char s[512];
    s[0] = 0;
    for (size_t i = 0; i < r->nhits; i++)
        snprintf(s + strlen(s), sizeof s - strlen(s), "%s%lld", i ? " " : "",
                 (long long)r->hits[i].id);
    return s;
}

static void test_ranking_by_field(void **state)
{
    (void)state;
    vcm_index *x = build();
    vcm_plan p = term("celadon");
    vcm_index_request r = request(&p);
    vcm_index_result out = run(x, &r);
    /* in the title beats in the description only */
    assert_string_equal(ids(&out), "1 2");
    assert_true(out.hits[0].score > out.hits[1].score);
    assert_int_equal(out.total, 2);
    /* plural folded: "vases" and "vase" */
    p = term("vase");
    r = request(&p);
    out = run(x, &r);
    assert_string_equal(ids(&out), "8 7");
    vcm_index_free(x);
}

static void test_phrase_and_fields(void **state)
{
    (void)state;
    vcm_index *x = build();
    words[0] = "ink";
    words[1] = "on";
    words[2] = "silk";
    offs[1] = 1;
    offs[2] = 2;
    vcm_plan p = {.kind = VCM_PLAN_TERM, .terms = words, .offsets = offs, .nterms = 3};
    vcm_index_request r = request(&p);
    vcm_index_result out = run(x, &r);
    assert_string_equal(ids(&out), "3"); /* doc 4 has the words, not the phrase */
    /* the same words restricted to the material field */
    p.fields = 1u << VCM_IF_MATERIAL;
    out = run(x, &r);
    assert_string_equal(ids(&out), "3");
    p.fields = 1u << VCM_IF_TITLE;
    out = run(x, &r);
    assert_int_equal(out.total, 0);
    /* one word in one field: silk in a title */
    vcm_plan t = term("silk");
    t.fields = 1u << VCM_IF_TITLE;
    r = request(&t);
    out = run(x, &r);
    assert_string_equal(ids(&out), "4");
    /* CJK bigram inside longer text, and the Thai word inside a compound-free text */
    t = term("白磁");
    t.fields = 0;
    out = run(x, &r);
    assert_string_equal(ids(&out), "5");
    t = term("ชาม");
    out = run(x, &r);
    assert_string_equal(ids(&out), "6");
    /* ดินเผา, as a query reads it (ดิน, เผ, ผา at 0, 2, 3), inside the
     * compound เครื่องปั้นดินเผา that ICU keeps as one word */
    words[0] = "ดิน";
    words[1] = "เผ";
    words[2] = "ผา";
    offs[0] = 0;
    offs[1] = 2;
    offs[2] = 3;
    vcm_plan th = {.kind = VCM_PLAN_TERM, .terms = words, .offsets = offs, .nterms = 3,
                   .fields = 1u << VCM_IF_TITLE};
    r = request(&th);
    out = run(x, &r);
    assert_string_equal(ids(&out), "6");
    vcm_index_free(x);
}

/* Each hit says which of its fields hold a word of the query, wherever
 * the query looks: the search marks those fields alone. */
static void test_hit_fields(void **state)
{
    (void)state;
    vcm_index *x = build();
    const unsigned title = 1u << VCM_IF_TITLE, text = 1u << VCM_IF_TEXT,
                   material = 1u << VCM_IF_MATERIAL;
    vcm_plan p = term("celadon");
    vcm_index_request r = request(&p);
    vcm_index_result out = run(x, &r);
    assert_string_equal(ids(&out), "1 2");
    assert_int_equal(out.hits[0].fields, title | text);
    assert_int_equal(out.hits[1].fields, text);
    /* the words of a phrase each, in fields without the phrase too; a
     * query restricted to one field still sees the others */
    words[0] = "ink";
    words[1] = "on";
    words[2] = "silk";
    offs[1] = 1;
    offs[2] = 2;
    vcm_plan ph = {.kind = VCM_PLAN_TERM, .terms = words, .offsets = offs, .nterms = 3,
                   .fields = material};
    r = request(&ph);
    out = run(x, &r);
    assert_string_equal(ids(&out), "3");
    assert_int_equal(out.hits[0].fields, text | material);
    /* a word left out counts too (it may be marked), a prefix is every field */
    vcm_plan jar = term("jar");
    static const char *ce[] = {"celad"};
    vcm_plan pre = {.kind = VCM_PLAN_PREFIX, .terms = ce, .nterms = 1};
    r = request(&pre);
    r.must_not = &jar;
    out = run(x, &r);
    assert_string_equal(ids(&out), "1");
    assert_int_equal(out.hits[0].fields, VCM_IF_ALL);
    /* CJK: the bigram in the title and the description */
    vcm_plan cjk = term("白磁");
    r = request(&cjk);
    out = run(x, &r);
    assert_string_equal(ids(&out), "5");
    assert_int_equal(out.hits[0].fields, title | text);
    /* no words: no field */
    r = request(NULL);
    r.filter.museum = 1;
    out = run(x, &r);
    assert_true(out.nhits > 0);
    for (size_t i = 0; i < out.nhits; i++)
        assert_int_equal(out.hits[i].fields, 0);
    vcm_index_free(x);
}

static void test_prefix_and_boolean(void **state)
{
    (void)state;
    vcm_index *x = build();
    words[0] = "porc";
    vcm_plan p = {.kind = VCM_PLAN_PREFIX, .terms = words, .nterms = 1};
    vcm_index_request r = request(&p);
    vcm_index_result out = run(x, &r);
    assert_int_equal(out.total, 3); /* 5, 7, 8 */
    /* OR and AND, and must_not */
    static const char *w1[] = {"jar"}, *w2[] = {"vase"}, *w3[] = {"korea"};
    vcm_plan a = {.kind = VCM_PLAN_TERM, .terms = w1, .offsets = offs, .nterms = 1};
    vcm_plan b = {.kind = VCM_PLAN_TERM, .terms = w2, .offsets = offs, .nterms = 1};
    vcm_plan k = {.kind = VCM_PLAN_TERM, .terms = w3, .offsets = offs, .nterms = 1};
    vcm_plan *ab[] = {&a, &b};
    vcm_plan or = {.kind = VCM_PLAN_OR, .kids = ab, .nkids = 2};
    r = request(&or);
    out = run(x, &r);
    assert_int_equal(out.total, 3);
    vcm_plan *ok[] = {&or, &k};
    vcm_plan and = {.kind = VCM_PLAN_AND, .kids = ok, .nkids = 2};
    r = request(&and);
    out = run(x, &r);
    assert_string_equal(ids(&out), "2");
    r = request(&or);
    r.must_not = &k;
    out = run(x, &r);
    assert_int_equal(out.total, 2);
    /* a period: dated within, made in the region named by the culture */
    vcm_plan per = {.kind = VCM_PLAN_PERIOD, .from = 1392, .to = 1897, .regions = VCM_TH_KR};
    r = request(&per);
    out = run(x, &r);
    assert_string_equal(ids(&out), "5");
    vcm_index_free(x);
}

/* What the index files the tests save say of their store. */
static const vcm_index_meta test_meta = {"0123456789abcdef0123456789abcdef", 42};

/* Packs x, saves it as dir/name and returns the file loaded again. */
static vcm_index *pack_save_load(vcm_index *x, const char *dir, const char *name)
{
    char path[600], err[300];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    vcm_index_lock_write(x);
    vcm_index_set_meta(x, &test_meta);
    assert_int_equal(vcm_index_pack(x), 0);
    assert_int_equal(vcm_index_save(x, path, err, sizeof err), 0);
    vcm_index_unlock(x);
    vcm_index *y = vcm_index_load(path, err, sizeof err);
    assert_non_null(y);
    return y;
}

static void test_replace_remove_compact(void **state)
{
    (void)state;
    vcm_index *x = build();
    vcm_plan p = term("jar");
    vcm_index_request r = request(&p);
    assert_int_equal(run(x, &r).total, 1);
    put(x, &docs[1], "Moon jar"); /* replaced: still one */
    vcm_index_result out = run(x, &r);
    assert_int_equal(out.total, 1);
    p = term("moon");
    assert_int_equal(run(x, &r).total, 1);
    vcm_index_lock_write(x);
    vcm_index_remove(x, 2);
    vcm_index_remove(x, 999); /* not there: nothing */
    vcm_index_unlock(x);
    assert_int_equal(run(x, &r).total, 0);
    vcm_index_stats st;
    vcm_index_stats_get(x, &st);
    assert_int_equal(st.docs, NDOCS - 1);
    /* save compacts; the loaded index answers the same */
    char *dir = vt_tmpdir();
    char path[600], err[300];
    snprintf(path, sizeof path, "%s/x.index", dir);
    vcm_index_lock_write(x);
    assert_int_equal(vcm_index_save(x, path, err, sizeof err), -1); /* not packed */
    assert_non_null(strstr(err, "packed"));
    vcm_index_unlock(x);
    vcm_index *y = pack_save_load(x, dir, "x.index");
    vcm_index_meta m2;
    vcm_index_get_meta(y, &m2);
    assert_string_equal(m2.instance, test_meta.instance);
    assert_int_equal(m2.seq, 42);
    const char *qs[] = {"celadon", "vase", "silk", "白磁", "korea", "moon"};
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
        p = term(qs[i]);
        vcm_index_result a = run(x, &r), b = run(y, &r);
        char ia[512];
        snprintf(ia, sizeof ia, "%s", ids(&a));
        assert_string_equal(ia, ids(&b));
        for (size_t k = 0; k < a.nhits; k++)
            assert_true(a.hits[k].score == b.hits[k].score);
    }
    /* the loaded index takes new documents (arrays borrowed from the file) */
    put(y, &docs[1], "Moon jar again");
    p = term("again");
    assert_int_equal(run(y, &r).total, 1);
    p = term("moon");
    assert_int_equal(run(y, &r).total, 1);
    vcm_index_free(y);
    /* a damaged file is refused, not read */
    FILE *f = fopen(path, "r+b");
    fseek(f, 200, SEEK_SET);
    fputc(0x5a, f);
    fclose(f);
    assert_null(vcm_index_load(path, err, sizeof err));
    assert_non_null(strstr(err, "damaged"));
    f = fopen(path, "wb");
    fputs("not an index", f);
    fclose(f);
    assert_null(vcm_index_load(path, err, sizeof err));
    snprintf(path, sizeof path, "%s/missing.index", dir);
    assert_null(vcm_index_load(path, err, sizeof err));
    vt_rmrf(dir);
    free(dir);
    vcm_index_free(x);
}

static void test_facets_sort_cursor(void **state)
{
    (void)state;
    vcm_index *x = build();
    vcm_index_request r = request(NULL); /* everything */
    r.facets = (1u << VCM_FACET_KINDS) - 1;
    vcm_index_result out = run(x, &r);
    assert_int_equal(out.total, NDOCS);
    int64_t sum = 0;
    for (size_t i = 0; i < out.nfacets[VCM_FACET_MUSEUM]; i++)
        sum += out.facets[VCM_FACET_MUSEUM][i].count;
    assert_int_equal(sum, NDOCS);
    assert_string_equal(out.facets[VCM_FACET_CLASSIFICATION][0].value, "Ceramics");
    assert_int_equal(out.facets[VCM_FACET_CLASSIFICATION][0].count, 6);
    assert_int_equal(out.nfacets[VCM_FACET_IMAGE], 2);
    /* materials from the thesaurus: porcelain in 5, 7, 8 */
    bool seen = false;
    for (size_t i = 0; i < out.nfacets[VCM_FACET_MATERIAL]; i++)
        if (strcmp(out.facets[VCM_FACET_MATERIAL][i].value, "porcelain") == 0) {
            assert_int_equal(out.facets[VCM_FACET_MATERIAL][i].count, 3);
            seen = true;
        }
    assert_true(seen);
    /* century, BCE included */
    seen = false;
    for (size_t i = 0; i < out.nfacets[VCM_FACET_CENTURY]; i++)
        if (strcmp(out.facets[VCM_FACET_CENTURY][i].value, "-3") == 0)
            seen = true;
    assert_true(seen);
    /* a facet asked alone (only the facets asked are counted) is the one
     * asked with all the others; the others are not there */
    vcm_index_result every = out;
    for (int k = 0; k < VCM_FACET_KINDS; k++) {
        vcm_index_request alone = r;
        alone.facets = 1u << k;
        vcm_index_result one = run(x, &alone);
        assert_true(every.nfacets[k] > 0);
        assert_int_equal(one.nfacets[k], every.nfacets[k]);
        for (size_t i = 0; i < one.nfacets[k]; i++) {
            assert_string_equal(one.facets[k][i].value, every.facets[k][i].value);
            assert_int_equal(one.facets[k][i].count, every.facets[k][i].count);
        }
        for (int o = 0; o < VCM_FACET_KINDS; o++)
            if (o != k)
                assert_int_equal(one.nfacets[o], 0);
    }
    /* filters */
    r.filter.museum = 2;
    assert_int_equal(run(x, &r).total, 3);
    r.filter.museum = 0;
    r.filter.has_date = true;
    r.filter.date_from = 1600;
    r.filter.date_to = 1700;
    assert_string_equal(ids(&(vcm_index_result){0}), "");
    out = run(x, &r);
    assert_int_equal(out.total, 1); /* 8: 1650-1700 */
    r.filter.has_date = false;
    /* image and licence, yes or no: odd ids have an image, even ones open rights */
    int64_t all = run(x, &r).total;
    for (int k = 0; k < 2; k++) {
        int64_t both = 0;
        for (vcm_tri t = VCM_YES; t <= VCM_NO; t++) {
            vcm_index_request one = r;
            if (k == 0)
                one.filter.image = t;
            else
                one.filter.open = t;
            out = run(x, &one);
            assert_true(out.total > 0);
            both += out.total;
            for (size_t i = 0; i < out.nhits; i++)
                assert_int_equal(out.hits[i].id % 2, (k == 0) == (t == VCM_YES));
        }
        assert_int_equal(both, all);
    }
    /* what the index does not hold is refused, not ignored */
    vcm_index_request bad = r;
    vcm_index_result none;
    bad.filter.source_id = "S7";
    vcm_index_lock_read(x);
    assert_int_equal(vcm_index_search(x, &arena, &bad, &none), -1);
    bad = r;
    bad.filter.any_status = true;
    assert_int_equal(vcm_index_search(x, &arena, &bad, &none), -1);
    bad = r;
    bad.filter.limit = 5;
    assert_int_equal(vcm_index_search(x, &arena, &bad, &none), -1);
    vcm_index_unlock(x);
    /* sort by date, walked two at a time with the cursor */
    r.sort = VCM_SORT_DATE;
    r.limit = 2;
    r.facets = 0;
    char walk[256] = "";
    for (int page = 0; page < 10; page++) {
        out = run(x, &r);
        snprintf(walk + strlen(walk), sizeof walk - strlen(walk), "%s%s", *walk ? " " : "", ids(&out));
        if (!out.more)
            break;
        r.has_after = true;
        r.after_key = out.hits[out.nhits - 1].key;
        r.after_id = out.hits[out.nhits - 1].id;
    }
    assert_string_equal(walk, "7 1 2 6 3 8 5 4");
    /* offset */
    r.has_after = false;
    r.offset = 6;
    out = run(x, &r);
    assert_string_equal(ids(&out), "5 4");
    assert_false(out.more);
    vcm_index_free(x);
}

/* One key leads to every text that has it: the material porcelain is
 * offered although a title "Porcelain" has the same key, and the most
 * found first. */
static void test_suggest_several_a_key(void **state)
{
    (void)state;
    vcm_index *x = build();
    vcm_index_lock_write(x);
    assert_int_equal(vcm_index_suggest_add(x, "Porcelain", VCM_SUGGEST_TITLE, 2), 0);
    assert_int_equal(vcm_index_suggest_add(x, "porcelain", VCM_SUGGEST_TERM, 50), 0);
    assert_int_equal(vcm_index_suggest_add(x, "porcelaine", VCM_SUGGEST_TERM, 1), 0);
    assert_int_equal(vcm_index_suggest_add(x, "Porzellan", VCM_SUGGEST_TERM, 1), 0);
    assert_int_equal(vcm_index_suggest_add(x, "Portrait of a lady", VCM_SUGGEST_TITLE, 9), 0);
    assert_int_equal(vcm_index_suggest_add(x, "Jade", VCM_SUGGEST_TITLE, 1), 0);
    assert_int_equal(vcm_index_suggest_add(x, "Jade disc", VCM_SUGGEST_TITLE, 30), 0);
    assert_int_equal(vcm_index_suggest_add(x, "jade", VCM_SUGGEST_TERM, 20), 0);
    assert_int_equal(vcm_index_suggest_add(x, "White jade", VCM_SUGGEST_TITLE, 1), 0);
    assert_int_equal(vcm_index_sort_all(x), 0);
    vcm_index_unlock(x);
    vcm_suggestion s[10];
    vcm_index_lock_read(x);
    size_t n = vcm_index_suggest(x, &arena, "por", 3, s, 10);
    assert_int_equal(n, 5); /* and the title "Porcelain vase"; Porcelain and porcelain fold
                               alike: once */
    assert_string_equal(s[0].text, "porcelain");
    assert_int_equal(s[0].kind, VCM_SUGGEST_TERM);
    assert_string_equal(s[1].text, "Portrait of a lady");
    /* typed in full, the word itself comes first, however many find a longer
     * title; a title that merely ends with it is no closer than others */
    n = vcm_index_suggest(x, &arena, "jade", 4, s, 10);
    assert_int_equal(n, 3);
    assert_string_equal(s[0].text, "jade");
    assert_string_equal(s[1].text, "Jade disc");
    assert_string_equal(s[2].text, "White jade");
    /* a word of the records, typed in full, though no title begins with it */
    n = vcm_index_suggest(x, &arena, "Blue", 4, s, 10);
    assert_true(n >= 1);
    assert_string_equal(s[0].text, "blue");
    assert_int_equal(s[0].kind, VCM_SUGGEST_WORD);
    assert_true(s[0].weight >= 1);
    /* not when a text is that word */
    n = vcm_index_suggest(x, &arena, "jade", 4, s, 10);
    assert_int_equal(s[0].kind, VCM_SUGGEST_TERM);
    vcm_index_unlock(x);
    vcm_index_free(x);
}

static void test_suggest(void **state)
{
    (void)state;
    vcm_index *x = build();
    vcm_index_lock_write(x);
    assert_int_equal(vcm_index_suggest_add(x, "청자", VCM_SUGGEST_TERM, 1), 0);
    assert_int_equal(vcm_index_sort_all(x), 0);
    vcm_index_unlock(x);
    vcm_suggestion s[10];
    vcm_index_lock_read(x);
    size_t n = vcm_index_suggest(x, &arena, "cela", 4, s, 10);
    assert_int_equal(n, 1);
    assert_string_equal(s[0].text, "Celadon bowl");
    n = vcm_index_suggest(x, &arena, "bow", 3, s, 10); /* a later word */
    assert_int_equal(n, 1);
    n = vcm_index_suggest(x, &arena, "白", strlen("白"), s, 10);
    assert_int_equal(n, 1);
    assert_string_equal(s[0].text, "白磁壺");
    n = vcm_index_suggest(x, &arena, "청", strlen("청"), s, 10);
    assert_int_equal(n, 1);
    assert_int_equal(s[0].kind, VCM_SUGGEST_TERM);
    n = vcm_index_suggest(x, &arena, "wen z", 5, s, 10);
    assert_int_equal(n, 1);
    assert_string_equal(s[0].text, "Wen Zhengming");
    /* did you mean */
    const char *sim[3];
    n = vcm_index_similar(x, &arena, "celadun", 7, sim, 3);
    assert_true(n >= 1);
    assert_string_equal(sim[0], "celadon");
    vcm_index_unlock(x);
    vcm_index_free(x);
}

/* How many suggestions for prefix, and the weight of the one that is text. */
static size_t sweight(vcm_index *x, const char *prefix, const char *text, uint32_t *weight)
{
    vcm_suggestion s[10];
    vcm_index_lock_write(x);
    assert_int_equal(vcm_index_sort_all(x), 0);
    vcm_index_unlock(x);
    vcm_index_lock_read(x);
    size_t n = vcm_index_suggest(x, &arena, prefix, strlen(prefix), s, 10);
    *weight = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(s[i].text, text) == 0)
            *weight = (uint32_t)s[i].weight;
    vcm_index_unlock(x);
    return n;
}

/* An entry weighs the records that hold it now: a record put again is
 * counted once, and what a record no longer says is no longer offered. */
static void test_suggest_weights_follow_records(void **state)
{
    (void)state;
    vcm_index *x = build();
    uint32_t w;
    assert_int_equal(sweight(x, "potte", "Potter A", &w), 1);
    assert_int_equal(w, 1);
    for (int i = 0; i < 3; i++)
        put(x, &docs[0], NULL); /* the same record again: a replay */
    assert_int_equal(sweight(x, "potte", "Potter A", &w), 1);
    assert_int_equal(w, 1);
    struct doc other = docs[0];
    other.id = 100;
    put(x, &other, NULL);
    assert_int_equal(sweight(x, "potte", "Potter A", &w), 1);
    assert_int_equal(w, 2);
    other = docs[0];
    other.creator = "Potter B"; /* the record's maker corrected */
    put(x, &other, NULL);
    assert_int_equal(sweight(x, "potte", "Potter A", &w), 2);
    assert_int_equal(w, 1);
    vcm_index_lock_write(x);
    vcm_index_remove(x, 100);
    vcm_index_unlock(x);
    assert_int_equal(sweight(x, "potte", "Potter B", &w), 1);
    assert_int_equal(w, 1);
    /* packed, saved and loaded: the same, and a removal still takes back */
    char *dir = vt_tmpdir();
    vcm_index *y = pack_save_load(x, dir, "s.index");
    assert_int_equal(sweight(x, "potte", "Potter B", &w), 1);
    assert_int_equal(w, 1);
    assert_int_equal(sweight(y, "potte", "Potter B", &w), 1);
    assert_int_equal(w, 1);
    assert_int_equal(sweight(y, "wen z", "Wen Zhengming", &w), 1);
    assert_int_equal(w, 1);
    vcm_index_lock_write(y);
    vcm_index_remove(y, 1);
    vcm_index_unlock(y);
    assert_int_equal(sweight(y, "potte", "Potter B", &w), 0);
    assert_int_equal(sweight(y, "wen z", "Wen Zhengming", &w), 1);
    vcm_index_free(y);
    /* an index with no document saves and loads */
    vcm_index *e = vcm_index_new();
    assert_non_null(e);
    vcm_index *e2 = pack_save_load(e, dir, "e.index");
    vcm_index_free(e2);
    vcm_index_free(e);
    vt_rmrf(dir);
    free(dir);
    vcm_index_free(x);
}

/* ---- phrases over common words: the bits of a common word (eval.c,
 * dense) against every document read word by word ---- */

#define PN 3000
static const char *const pvocab[] = {"ink", "on", "silk", "paper", "gold", "color", "bowl", "jar"};
#define PV (sizeof pvocab / sizeof *pvocab)
/* a document's words: title then description, each a list of word numbers
 * (PV: "celadon", in about one document in fifty) */
struct pdoc {
    uint8_t nw[2], w[2][12];
};
static struct pdoc pdocs[PN + 400];
static uint64_t prng = 88172645463325252u;

static uint32_t pnext(void)
{
    prng ^= prng << 13;
    prng ^= prng >> 7;
    prng ^= prng << 17;
    return (uint32_t)prng;
}

static const char *pword(uint8_t w)
{
    return w < PV ? pvocab[w] : "celadon";
}

static void pdoc_put(vcm_index *x, int64_t id, const struct pdoc *d)
{
    char text[2][160];
    for (int f = 0; f < 2; f++) {
        text[f][0] = 0;
        for (int k = 0; k < d->nw[f]; k++)
            snprintf(text[f] + strlen(text[f]), sizeof text[f] - strlen(text[f]), "%s%s",
                     k ? " " : "", pword(d->w[f][k]));
    }
    vcm_index_doc in = {0};
    in.id = id;
    in.date_start = in.date_end = VCM_NO_YEAR;
    in.museum_id = 1;
    in.museum_name = "Museum 1";
    memcpy(in.country, "KR", 3);
    in.classification = "";
    in.sort_title = text[0];
    in.texts[0].field = VCM_IF_TITLE;
    in.texts[0].text = text[0];
    in.texts[1].field = VCM_IF_TEXT;
    in.texts[1].text = text[1];
    in.ntexts = 2;
    vcm_index_prep *p = vcm_index_prepare(&in);
    assert_non_null(p);
    vcm_index_lock_write(x);
    assert_int_equal(vcm_index_put(x, p), 0);
    vcm_index_unlock(x);
}

static void pdoc_make(struct pdoc *d)
{
    for (int f = 0; f < 2; f++) {
        d->nw[f] = (uint8_t)(f ? 3 + pnext() % 10 : 1 + pnext() % 4);
        for (int k = 0; k < d->nw[f]; k++)
            d->w[f][k] = (uint8_t)(pnext() % 50 == 0 ? PV : pnext() % PV);
    }
}

/* Whether document d holds the phrase q[0..n) in a field of fields (0: any). */
static bool pholds(const struct pdoc *d, const uint8_t *q, int n, unsigned fields)
{
    static const int field[2] = {VCM_IF_TITLE, VCM_IF_TEXT};
    for (int f = 0; f < 2; f++) {
        if (fields && !(fields & (1u << field[f])))
            continue;
        for (int s = 0; s + n <= d->nw[f]; s++) {
            int k = 0;
            while (k < n && d->w[f][s + k] == q[k])
                k++;
            if (k == n)
                return true;
        }
    }
    return false;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Every phrase of two and three words (and some with "celadon"), in any
 * field and in titles, against the documents live[0..n). */
static void pcheck(vcm_index *x, const bool *live, size_t n)
{
    static int64_t want[PN + 400];
    for (uint32_t trial = 0; trial < 160; trial++) {
        uint8_t q[3];
        int nq = 2 + (int)(trial % 2);
        for (int k = 0; k < nq; k++)
            q[k] = (uint8_t)(trial % 7 == 3 && k == 1 ? PV : pnext() % PV);
        unsigned fields = trial % 5 == 4 ? 1u << VCM_IF_TITLE : 0;
        size_t nwant = 0;
        for (size_t i = 0; i < n; i++)
            if (live[i] && pholds(&pdocs[i], q, nq, fields))
                want[nwant++] = (int64_t)i + 1;
        for (int k = 0; k < nq; k++)
            words[k] = pword(q[k]), offs[k] = (uint32_t)k;
        vcm_plan p = {.kind = VCM_PLAN_TERM, .terms = words, .offsets = offs,
                      .nterms = (size_t)nq, .fields = fields};
        vcm_index_request r = request(&p);
        r.sort = VCM_SORT_DATE;
        r.limit = n;
        vcm_arena_reset(&arena);
        vcm_index_result out = run(x, &r);
        assert_int_equal(out.total, (int64_t)nwant);
        assert_int_equal(out.nhits, nwant);
        int64_t *got = malloc((nwant ? nwant : 1) * sizeof *got);
        for (size_t i = 0; i < nwant; i++)
            got[i] = out.hits[i].id;
        qsort(got, nwant, sizeof *got, cmp_i64);
        for (size_t i = 0; i < nwant; i++)
            assert_int_equal(got[i], want[i]);
        free(got);
    }
}

/* Makes and puts documents from, from + step, ... below to, then settles. */
static void pdocs_add(vcm_index *x, bool *live, size_t from, size_t to, size_t step)
{
    for (size_t i = from; i < to; i += step) {
        pdoc_make(&pdocs[i]);
        pdoc_put(x, (int64_t)i + 1, &pdocs[i]);
        live[i] = true;
    }
    vcm_index_lock_write(x);
    assert_int_equal(vcm_index_settle(x), 0);
    vcm_index_unlock(x);
}

static void test_phrase_common_words(void **state)
{
    (void)state;
    static bool live[PN + 400];
    vcm_index *x = vcm_index_new();
    assert_non_null(x);
    pdocs_add(x, live, 0, PN, 1);
    pcheck(x, live, PN);
    /* removed and replaced documents; new ones past the bits made so far */
    vcm_index_lock_write(x);
    for (size_t i = 0; i < PN; i += 7) {
        vcm_index_remove(x, (int64_t)i + 1);
        live[i] = false;
    }
    vcm_index_unlock(x);
    pdocs_add(x, live, 3, PN, 11);
    pdocs_add(x, live, PN, PN + 400, 1);
    pcheck(x, live, PN + 400);
    /* packed (the documents renumbered), saved and loaded */
    char *dir = vt_tmpdir();
    vcm_index *y = pack_save_load(x, dir, "p.index");
    pcheck(x, live, PN + 400);
    pcheck(y, live, PN + 400);
    vcm_index_free(y);
    vt_rmrf(dir);
    free(dir);
    vcm_index_free(x);
}

int main(void)
{
    vcm_arena_init(&arena, 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ranking_by_field),
        cmocka_unit_test(test_phrase_and_fields),
        cmocka_unit_test(test_hit_fields),
        cmocka_unit_test(test_prefix_and_boolean),
        cmocka_unit_test(test_replace_remove_compact),
        cmocka_unit_test(test_facets_sort_cursor),
        cmocka_unit_test(test_suggest),
        cmocka_unit_test(test_suggest_several_a_key),
        cmocka_unit_test(test_phrase_common_words),
        cmocka_unit_test(test_suggest_weights_follow_records),
    };
    int r = cmocka_run_group_tests(tests, NULL, NULL);
    vcm_arena_release(&arena);
    return r;
}
