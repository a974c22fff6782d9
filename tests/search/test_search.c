/* Search on the demo collection (42,231 real records), through the same
 * library calls the pages and the API make. Expected answers are counted
 * here straight from the store's records, never written down by hand. */
#include "testutil.h"

#include "core/buf.h"
#include "core/i18n.h"
#include "model/model.h"
#include "search/search.h"
#include "search/thesaurus.h"
#include "store/store.h"

VT_DEMO_SIZED;

static char *dir;
static char db[1024], index_path[1100];
static vcm_store *st;
static vcm_search *se;
static vcm_arena arena;

/* Every published object with the text the index reads, for counting. */
struct rec {
    int64_t id, museum;
    int32_t ds, de;
    char *text;    /* the indexed fields, newline-separated */
    char *culture;
    char *title;
};
static struct rec *recs;
static size_t nrecs;

static void cat(vcm_buf *b, const char *s)
{
    if (s && *s) {
        vcm_buf_puts(b, s);
        vcm_buf_putc(b, '\n');
    }
}

static void load_records(void)
{
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_filter f = {.limit = 1000};
    size_t cap = 0;
    for (;;) {
        vcm_object *o;
        size_t n;
        vcm_arena_reset(&a);
        assert_int_equal(st->ops->object_list(st, &a, &f, &o, &n), 0);
        if (!n)
            break;
        for (size_t i = 0; i < n; i++) {
            if (nrecs == cap) {
                cap = cap ? cap * 2 : 4096;
                recs = realloc(recs, cap * sizeof *recs);
            }
            vcm_buf b;
            vcm_buf_init(&b, 1 << 20);
            for (size_t k = 0; k < o[i].title.n; k++)
                cat(&b, o[i].title.v[k].text);
            for (size_t k = 0; k < o[i].description.n; k++)
                cat(&b, o[i].description.v[k].text);
            for (size_t k = 0; k < o[i].statement.n; k++)
                cat(&b, o[i].statement.v[k].text);
            for (size_t k = 0; k < o[i].ncreators; k++)
                cat(&b, o[i].creators[k]);
            cat(&b, o[i].culture);
            cat(&b, o[i].period);
            cat(&b, o[i].date_text);
            cat(&b, o[i].classification);
            cat(&b, o[i].materials);
            cat(&b, o[i].technique);
            cat(&b, o[i].museum_name);
            cat(&b, o[i].inventory_number);
            struct rec *r = &recs[nrecs++];
            r->id = o[i].id;
            r->museum = o[i].museum_id;
            r->ds = o[i].date_start;
            r->de = o[i].date_end == VCM_NO_YEAR ? o[i].date_start : o[i].date_end;
            r->text = strdup(b.data ? b.data : "");
            r->culture = strdup(o[i].culture ? o[i].culture : "");
            const vcm_ltext *t = vcm_ltexts_pick(&o[i].title, "en");
            r->title = strdup(t ? t->text : "");
            vcm_buf_release(&b);
        }
        f.after_id = o[n - 1].id;
    }
    vcm_arena_release(&a);
}

static int group_setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    vt_demo_db(db, sizeof db, dir, "demo");
    snprintf(index_path, sizeof index_path, "%s/demo.index", dir);
    char err[600];
    if (vcm_i18n_load_builtin(err, sizeof err) < 0) /* the search's notes are sentences */
        fail_msg("catalogue: %s", err);
    if (!(st = vcm_store_open(db, err, sizeof err)))
        fail_msg("store: %s", err);
    if (!(se = vcm_search_open(db, index_path, false, NULL, NULL, err, sizeof err)))
        fail_msg("search: %s", err);
    vcm_arena_init(&arena, 0);
    load_records();
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    vcm_search_close(se);
    vcm_store_close(st);
    for (size_t i = 0; i < nrecs; i++) {
        free(recs[i].text);
        free(recs[i].culture);
        free(recs[i].title);
    }
    free(recs);
    vcm_arena_release(&arena);
    vt_rmrf(dir);
    free(dir);
    return 0;
}

static vcm_search_params params(const char *q)
{
    vcm_search_params p;
    vcm_search_params_init(&p);
    p.q = q;
    p.limit = 100;
    return p;
}

static vcm_search_results run(const vcm_search_params *p)
{
    vcm_search_results r;
    char err[300];
    if (vcm_search_run(se, st, &arena, p, &r, err, sizeof err) != 0)
        fail_msg("search failed: %s", err);
    return r;
}

static int64_t total(const char *q, bool expand)
{
    vcm_search_params p = params(q);
    p.no_expand = !expand;
    p.limit = 1;
    return run(&p).total;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Every hit of a search, walked page by page with the cursor; sorted ids.
 * Fails when a page repeats an id or the walk's length is not the total. */
static int64_t *walk(vcm_search_params p, size_t *n)
{
    size_t cap = 1024;
    int64_t *ids = malloc(cap * sizeof *ids);
    *n = 0;
    int64_t want = -1;
    for (int page = 0; page < 10000; page++) {
        vcm_arena_reset(&arena);
        vcm_search_results r = run(&p);
        want = r.total;
        for (size_t i = 0; i < r.nhits; i++) {
            if (*n == cap)
                ids = realloc(ids, (cap *= 2) * sizeof *ids);
            ids[(*n)++] = r.hits[i].id;
        }
        if (!r.next)
            break;
        static char cur[64];
        snprintf(cur, sizeof cur, "%s", r.next);
        p.cursor = cur;
    }
    qsort(ids, *n, sizeof *ids, cmp_i64);
    for (size_t i = 1; i < *n; i++)
        if (ids[i] == ids[i - 1])
            fail_msg("the walk returned %lld twice", (long long)ids[i]);
    assert_int_equal(*n, want);
    return ids;
}

static bool has(const int64_t *ids, size_t n, int64_t id)
{
    return bsearch(&id, ids, n, sizeof *ids, cmp_i64) != NULL;
}

static size_t count_containing(const char *a, const char *b)
{
    size_t n = 0;
    for (size_t i = 0; i < nrecs; i++)
        if (strstr(recs[i].text, a) || (b && strstr(recs[i].text, b)))
            n++;
    return n;
}

/* 1- and 2-character CJK words inside longer text: every record that has
 * them, no other (the query is read without thesaurus expansions). */
static void test_cjk_words_found_fully(void **state)
{
    (void)state;
    /* with the variant form the tokenizer folds it with (瓷 is 磁, Unihan) */
    const char *words[] = {"玉", "白磁", "山水", "청자", "江戸", "青花", "花鳥"};
    const char *variants[] = {NULL, "白瓷", NULL, NULL, "江戶", NULL, NULL};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        size_t want = count_containing(words[i], variants[i]);
        int64_t got = total(words[i], false);
        if ((int64_t)want != got)
            fail_msg("%s: %lld found, %zu records contain it", words[i], (long long)got, want);
        assert_true(i >= 3 || want > 0);
    }
    /* Traditional and Simplified forms find the same records */
    int64_t t = total("國", false), s = total("国", false);
    assert_int_equal(t, s);
    assert_int_equal((size_t)t, count_containing("國", "国"));
    assert_true(t > 0);
    /* and variant characters: 靑磁 is 青磁 */
    int64_t v = total("靑磁", false), c = total("青磁", false);
    assert_int_equal(v, c);
    assert_true((size_t)v > count_containing("靑磁", NULL));
}

static void test_taipei_jades(void **state)
{
    (void)state;
    vcm_search_params p = params("玉");
    size_t n;
    int64_t *ids = walk(p, &n);
    /* the museum named Taipei */
    vcm_museum *ms;
    size_t nm;
    assert_int_equal(st->ops->museum_list(st, &arena, "", &ms, &nm), 0);
    int64_t taipei = 0;
    for (size_t i = 0; i < nm; i++)
        if (ms[i].names.n && strstr(ms[i].names.v[0].text, "Taipei"))
            taipei = ms[i].id;
    assert_true(taipei > 0);
    size_t jades = 0;
    for (size_t i = 0; i < nrecs; i++)
        if (recs[i].museum == taipei && strstr(recs[i].text, "玉")) {
            jades++;
            assert_true(has(ids, n, recs[i].id));
        }
    assert_true(jades >= 3);
    free(ids);
}

static int64_t *set_of(const char *q, size_t *n)
{
    vcm_search_params p = params(q);
    return walk(p, n);
}

static void test_joseon_in_three_scripts(void **state)
{
    (void)state;
    size_t n1, n2, n3, n4;
    int64_t *a = set_of("Joseon", &n1), *b = set_of("朝鮮", &n2), *c = set_of("조선", &n3),
            *d = set_of("Chosŏn", &n4);
    assert_true(n1 > 20);
    assert_int_equal(n1, n2);
    assert_int_equal(n1, n3);
    assert_int_equal(n1, n4);
    assert_memory_equal(a, b, n1 * sizeof *a);
    assert_memory_equal(a, c, n1 * sizeof *a);
    assert_memory_equal(a, d, n1 * sizeof *a);
    /* they are Korean objects: most say Korea */
    size_t korean = 0;
    for (size_t i = 0; i < nrecs; i++)
        if (has(a, n1, recs[i].id) && strstr(recs[i].text, "Korea"))
            korean++;
    assert_true(korean * 10 >= n1 * 9);
    free(a);
    free(b);
    free(c);
    free(d);
}

static bool has_hangul(const char *s)
{
    /* U+AC00..U+D7A3 are EA B0 80 .. ED 9E A3 */
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p >= 0xEA && *p <= 0xED)
            return true;
    return false;
}

static void test_korean_celadon_finds_english(void **state)
{
    (void)state;
    size_t n;
    int64_t *ids = set_of("청자", &n);
    size_t english_only = 0;
    for (size_t i = 0; i < nrecs; i++) {
        if (has_hangul(recs[i].text) || !strcasestr(recs[i].text, "celadon"))
            continue;
        english_only++;
        if (!has(ids, n, recs[i].id))
            fail_msg("청자 misses %lld, described in English as celadon", (long long)recs[i].id);
    }
    assert_true(english_only > 50);
    /* the expansion is listed, and can be turned off */
    vcm_search_params p = params("청자");
    vcm_search_results r = run(&p);
    assert_true(r.nexpansions >= 1);
    assert_string_equal(r.expansions[0].id, "celadon");
    assert_false(r.expansions[0].off);
    p.no_expand_ids = "celadon";
    r = run(&p);
    assert_true(r.expansions[0].off);
    assert_int_equal(r.total, total("청자", false));
    assert_true(r.total < (int64_t)n);
    free(ids);
}

static void test_edo_as_dates(void **state)
{
    (void)state;
    size_t n;
    int64_t *ids = set_of("Edo", &n);
    size_t silent = 0;
    for (size_t i = 0; i < nrecs; i++) {
        const struct rec *r = &recs[i];
        if (r->ds == VCM_NO_YEAR || r->ds < 1603 || r->de > 1868 || !strstr(r->culture, "Japan") ||
            strcasestr(r->text, "edo") || strstr(r->text, "江戸") || strcasestr(r->text, "tokugawa") ||
            strcasestr(r->text, "tokyo") || strcasestr(r->text, "yedo"))
            continue;
        silent++;
        if (!has(ids, n, r->id))
            fail_msg("Edo misses %lld, dated %d-%d in Japan", (long long)r->id, r->ds, r->de);
    }
    assert_true(silent > 10);
    /* and those rank after the records that name Edo */
    vcm_search_params p = params("Edo");
    p.limit = 5;
    vcm_search_results r = run(&p);
    for (size_t i = 0; i < r.nhits; i++) {
        const char *t = NULL;
        for (size_t k = 0; k < nrecs; k++)
            if (recs[k].id == r.hits[i].id)
                t = recs[k].text;
        assert_non_null(t);
        assert_true(strcasestr(t, "edo") != NULL);
    }
    free(ids);
}

static void test_facet_counts_are_exact(void **state)
{
    (void)state;
    const char *qs[] = {"vase", "porcelain date:1600..1800", ""};
    for (size_t qi = 0; qi < sizeof qs / sizeof *qs; qi++) {
        vcm_search_params p = params(qs[qi]);
        size_t n;
        int64_t *ids = walk(p, &n);
        p.facets = (1u << VCM_FACET_KINDS) - 1;
        p.limit = 1;
        p.cursor = NULL;
        vcm_arena_reset(&arena);
        vcm_search_results r = run(&p);
        assert_int_equal(r.total, n);
        /* museum: a direct count of the matching records */
        int64_t sum = 0;
        for (size_t i = 0; i < r.nfacets[VCM_FACET_MUSEUM]; i++) {
            const vcm_index_facet *f = &r.facets[VCM_FACET_MUSEUM][i];
            int64_t m = atoll(f->value), direct = 0;
            for (size_t k = 0; k < nrecs; k++)
                if (recs[k].museum == m && has(ids, n, recs[k].id))
                    direct++;
            assert_int_equal(f->count, direct);
            sum += f->count;
        }
        assert_int_equal(sum, r.total);
        /* century: the same, and each value as a filter gives its count */
        for (size_t i = 0; i < r.nfacets[VCM_FACET_CENTURY]; i++) {
            const vcm_index_facet *f = &r.facets[VCM_FACET_CENTURY][i];
            int c = atoi(f->value);
            int64_t direct = 0;
            for (size_t k = 0; k < nrecs; k++)
                if (recs[k].ds != VCM_NO_YEAR && vcm_century(recs[k].ds) == c &&
                    has(ids, n, recs[k].id))
                    direct++;
            assert_int_equal(f->count, direct);
            vcm_search_params p2 = p;
            p2.facets = 0;
            p2.filter.century = c;
            assert_int_equal(run(&p2).total, f->count);
        }
        /* two-valued facets add up */
        for (int k = VCM_FACET_IMAGE; k <= VCM_FACET_LICENCE; k++) {
            int64_t s = 0;
            for (size_t i = 0; i < r.nfacets[k]; i++)
                s += r.facets[k][i].count;
            assert_int_equal(s, r.total);
        }
        /* classification and material values as filters */
        for (int k = VCM_FACET_CLASSIFICATION; k <= VCM_FACET_MATERIAL; k++)
            for (size_t i = 0; i < r.nfacets[k] && i < 3; i++) {
                vcm_search_params p2 = p;
                p2.facets = 0;
                if (k == VCM_FACET_CLASSIFICATION) {
                    p2.filter.classification = r.facets[k][i].value;
                } else {
                    p2.filter.material = r.facets[k][i].value;
                }
                assert_int_equal(run(&p2).total, r.facets[k][i].count);
            }
        free(ids);
    }
}

static void test_cursor_walks(void **state)
{
    (void)state;
    enum vcm_sort sorts[] = {VCM_SORT_RELEVANCE, VCM_SORT_DATE, VCM_SORT_TITLE, VCM_SORT_MUSEUM};
    for (size_t s = 0; s < sizeof sorts / sizeof *sorts; s++) {
        vcm_search_params p = params(s == 0 ? "japan" : "china");
        p.sort = sorts[s];
        size_t n;
        int64_t *ids = walk(p, &n); /* fails on a repeat or a short walk */
        assert_true(n >= 5000);
        free(ids);
    }
    /* sorted by date: years never go down along the walk */
    vcm_search_params p = params("bowl");
    p.sort = VCM_SORT_DATE;
    vcm_search_results r = run(&p);
    int32_t last = INT32_MIN;
    for (size_t i = 0; i < r.nhits; i++) {
        int32_t y = r.hits[i].object.date_start;
        if (y == VCM_NO_YEAR)
            break;
        assert_true(y >= last);
        last = y;
    }
}

/* By relevance, numbered pages (offset) give the order the cursor walks:
 * the window ranked again first, then the other hits by their first keys,
 * however deep the page and on both sides of the window's edge. */
static void test_offsets_follow_the_cursor(void **state)
{
    (void)state;
    enum { N = 1200 };
    static int64_t order[N];
    size_t n = 0;
    vcm_search_params p = params("japan");
    for (int page = 0; n < N && page < 100; page++) {
        vcm_arena_reset(&arena);
        vcm_search_results r = run(&p);
        assert_true(r.total > N);
        for (size_t i = 0; i < r.nhits && n < N; i++)
            order[n++] = r.hits[i].id;
        static char cur[64];
        assert_non_null(r.next);
        snprintf(cur, sizeof cur, "%s", r.next);
        p.cursor = cur;
    }
    assert_int_equal(n, N);
    static const size_t offsets[] = {0, 150, 199, 200, 650, 1100};
    for (size_t k = 0; k < sizeof offsets / sizeof *offsets; k++) {
        vcm_search_params q = params("japan");
        q.offset = offsets[k];
        vcm_arena_reset(&arena);
        vcm_search_results r = run(&q);
        assert_int_equal(r.nhits, 100);
        for (size_t i = 0; i < r.nhits; i++)
            if (r.hits[i].id != order[offsets[k] + i])
                fail_msg("offset %zu, hit %zu: %lld, the cursor walk has %lld", offsets[k], i,
                         (long long)r.hits[i].id, (long long)order[offsets[k] + i]);
    }
    /* a short page orders only the places of the window up to its end
     * (offset or cursor): the same places as the whole window's order */
    vcm_search_params q = params("japan");
    q.limit = 7;
    for (size_t at = 0; at < 280; at += 7) {
        vcm_arena_reset(&arena);
        vcm_search_results r = run(&q);
        assert_int_equal(r.nhits, 7);
        for (size_t i = 0; i < r.nhits; i++)
            if (r.hits[i].id != order[at + i])
                fail_msg("a page of 7 at %zu, hit %zu: %lld, the walk by 100 has %lld", at, i,
                         (long long)r.hits[i].id, (long long)order[at + i]);
        static char cur[64];
        snprintf(cur, sizeof cur, "%s", r.next);
        q.cursor = cur;
    }
    for (size_t at = 0; at < 280; at += 13) {
        vcm_search_params o = params("japan");
        o.limit = 3;
        o.offset = at;
        vcm_arena_reset(&arena);
        vcm_search_results r = run(&o);
        for (size_t i = 0; i < r.nhits; i++)
            if (r.hits[i].id != order[at + i])
                fail_msg("a page of 3 at offset %zu, hit %zu: %lld, the walk by 100 has %lld",
                         at, i, (long long)r.hits[i].id, (long long)order[at + i]);
    }
}

static void test_malformed_queries(void **state)
{
    (void)state;
    char *big = malloc(10001);
    memset(big, 'a', 10000);
    for (int i = 7; i < 10000; i += 8)
        big[i] = ' ';
    big[10000] = 0;
    const char *qs[] = {"\"blue and white", "date:abc vase", big, "\"", "-", "OR", "*",
                        "museum:", "date:9999999999", "\xff\xfe", "((()))", "country:ZZ"};
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
        vcm_search_params p = params(qs[i]);
        p.facets = (1u << VCM_FACET_KINDS) - 1;
        p.want_objects = true;
        p.want_alternatives = true;
        vcm_search_results r = run(&p); /* never fails */
        if (i < 3)
            assert_true(r.nmessages >= 1);
    }
    vcm_search_params p = params("date:abc vase");
    vcm_search_results r = run(&p);
    assert_non_null(strstr(r.messages[0], "abc"));
    assert_int_equal(r.total, total("vase", true));
    free(big);
    /* a filter field only the store takes is an error, not ignored */
    const char *store_only[] = {"source_id", "any_status", "offset"};
    for (size_t i = 0; i < sizeof store_only / sizeof *store_only; i++) {
        vcm_search_params b = params("vase");
        if (i == 0)
            b.filter.source_id = "35966";
        else if (i == 1)
            b.filter.any_status = true;
        else
            b.filter.offset = 20;
        char err[300] = "";
        assert_int_equal(vcm_search_run(se, st, &arena, &b, &r, err, sizeof err), -1);
        assert_non_null(strstr(err, "cannot filter"));
    }
}

static void test_folding_and_stemming(void **state)
{
    (void)state;
    assert_int_equal(total("Chosŏn", false), total("choson", false));
    assert_int_equal(total("CÉLADON", false), total("celadon", false));
    assert_true(total("celadon", false) > 100);
    assert_int_equal(total("vases", false), total("vase", false));
    assert_true(total("vase", false) > 100);
}

static void test_query_language(void **state)
{
    (void)state;
    int64_t ink = total("ink silk", false), phrase = total("\"ink on silk\"", false);
    assert_true(phrase > 0 && phrase < ink);
    int64_t a = total("celadon", false), ab = total("celadon bowl", false),
            anb = total("celadon -bowl", false);
    assert_int_equal(anb, a - ab);
    int64_t j = total("jade", false), b = total("bronze", false), jb = total("jade bronze", false);
    assert_int_equal(total("jade OR bronze", false), j + b - jb);
    /* a field: the creator of Met 35970 */
    int64_t met[4];
    size_t nm;
    assert_int_equal(st->ops->object_by_source_id(st, "35970", met, 4, &nm), 0);
    assert_int_equal(nm, 1);
    vcm_search_params p = params("creator:\"Ding Yunpeng\"");
    size_t n;
    int64_t *ids = walk(p, &n);
    assert_true(has(ids, n, met[0]));
    free(ids);
    assert_true(total("creator:\"Ding Yunpeng\"", false) < total("\"Ding Yunpeng\"", false) + 1);
    /* museum:ID and museum:name */
    vcm_object o;
    assert_int_equal(st->ops->object_get(st, &arena, met[0], &o), 1);
    char q[64];
    snprintf(q, sizeof q, "museum:%lld", (long long)o.museum_id);
    assert_int_equal(total(q, false), 20000);
    assert_int_equal(total("museum:Metropolitan", false), 20000);
    assert_int_equal(total("country:TW", false), 20);
    /* date ranges overlap the records' dates, BCE included */
    p = params("bronze date:-500..-200");
    vcm_search_results r = run(&p);
    assert_true(r.total > 0);
    p.want_objects = true;
    r = run(&p);
    for (size_t i = 0; i < r.nhits; i++) {
        int32_t s = r.hits[i].object.date_start, e = r.hits[i].object.date_end;
        if (e == VCM_NO_YEAR)
            e = s;
        assert_true(s <= -200 && e >= -500);
    }
    /* prefixes */
    assert_true(total("porc*", false) >= total("porcelain", false));
}

static void test_snippets(void **state)
{
    (void)state;
    vcm_search_params p = params("celadon");
    p.want_objects = true;
    p.limit = 20;
    vcm_search_results r = run(&p);
    size_t marked = 0;
    for (size_t i = 0; i < r.nhits; i++) {
        const vcm_search_text *t = &r.hits[i].snippet;
        for (size_t k = 0; k < t->nparts; k++)
            if (t->parts[k].match && strcasecmp(t->parts[k].text, "celadon") == 0)
                marked++;
        assert_non_null(r.hits[i].title.parts);
    }
    assert_true(marked >= 10);
    /* a Chinese title, for a visitor reading Chinese: the matched
     * characters are marked inside it */
    p = params("山水");
    p.lang = "zh";
    p.want_objects = true;
    p.no_expand = true;
    r = run(&p);
    bool seen = false;
    for (size_t i = 0; i < r.nhits; i++)
        for (size_t k = 0; k < r.hits[i].title.nparts; k++)
            if (r.hits[i].title.parts[k].match && strcmp(r.hits[i].title.parts[k].text, "山水") == 0)
                seen = true;
    assert_true(seen);
}

static bool text_marks(const vcm_search_text *t, const char *word)
{
    for (size_t k = 0; k < t->nparts; k++)
        if (t->parts[k].match && strstr(t->parts[k].text, word))
            return true;
    return false;
}

/* What matched is shown and marked in its own script: a Chinese title for
 * 山水 (the visitor reads English), the creator for Hokusai, and a Korean
 * word by its pair of syllables, never by one syllable alone. */
static void test_marks_in_the_language_that_matched(void **state)
{
    (void)state;
    vcm_search_params p = params("山水");
    p.want_objects = true;
    p.no_expand = true;
    p.lang = "en";
    p.limit = 24;
    vcm_search_results r = run(&p);
    size_t with = 0;
    for (size_t i = 0; i < r.nhits; i++) {
        const vcm_object *o = &r.hits[i].object;
        bool has = false;
        for (size_t k = 0; k < o->title.n; k++)
            has |= strstr(o->title.v[k].text, "山水") != NULL;
        if (!has)
            continue;
        with++;
        if (!text_marks(&r.hits[i].title, "山水"))
            fail_msg("山水: hit %lld has it in a title, none marked", (long long)r.hits[i].id);
    }
    assert_true(with >= 5);

    p = params("Hokusai");
    p.want_objects = true;
    p.no_expand = true;
    p.lang = "en";
    p.limit = 24;
    r = run(&p);
    with = 0;
    for (size_t i = 0; i < r.nhits; i++) {
        const vcm_object *o = &r.hits[i].object;
        bool has = false;
        for (size_t k = 0; k < o->ncreators; k++)
            has |= strcasestr(o->creators[k], "hokusai") != NULL;
        if (!has)
            continue;
        with++;
        if (!text_marks(&r.hits[i].creator, "Hokusai"))
            fail_msg("Hokusai: the creator of hit %lld is not marked", (long long)r.hits[i].id);
    }
    assert_true(with >= 5);

    p = params("청자");
    p.want_objects = true;
    p.no_expand = true;
    p.limit = 50;
    r = run(&p);
    assert_true(r.nhits > 0);
    size_t pairs = 0;
    for (size_t i = 0; i < r.nhits; i++) {
        const vcm_search_text *ts[] = {&r.hits[i].title, &r.hits[i].snippet};
        for (size_t t = 0; t < 2; t++)
            for (size_t k = 0; k < ts[t]->nparts; k++) {
                if (!ts[t]->parts[k].match)
                    continue;
                if (strcmp(ts[t]->parts[k].text, "청") == 0 || strcmp(ts[t]->parts[k].text, "자") == 0)
                    fail_msg("청자: hit %lld marks the lone syllable '%s'", (long long)r.hits[i].id,
                             ts[t]->parts[k].text);
                pairs += strstr(ts[t]->parts[k].text, "청자") != NULL;
            }
    }
    assert_true(pairs > 0);
}

/* A creator is found whatever the script typed (thesaurus/names.tsv), and
 * offered once by autocomplete whatever the spellings records use. */
static void test_creators_across_scripts(void **state)
{
    (void)state;
    int64_t latin = total("Hokusai", true), kanji = total("北斎", true);
    int64_t kanji_only = total("北斎", false);
    if (kanji < latin * 9 / 10 || kanji <= kanji_only)
        fail_msg("北斎 finds %lld (%lld as typed), Hokusai %lld", (long long)kanji,
                 (long long)kanji_only, (long long)latin);
    vcm_search_params p = params("北斎");
    p.limit = 1;
    vcm_search_results r = run(&p);
    bool said = false;
    for (size_t i = 0; i < r.nexpansions; i++)
        said |= strcmp(r.expansions[i].kind, "creator") == 0 &&
                strcmp(r.expansions[i].id, "katsushika_hokusai") == 0;
    assert_true(said);
    /* turned off like any expansion */
    p.no_expand_ids = "katsushika_hokusai";
    r = run(&p);
    assert_int_equal(r.total, kanji_only);

    vcm_suggestion s[10];
    size_t n = vcm_search_suggest(se, &arena, "Hok", 3, s, 10);
    size_t hokusai = 0;
    for (size_t i = 0; i < n; i++)
        hokusai += strncmp(s[i].text, "Katsushika Hokusai", 18) == 0;
    if (hokusai != 1)
        fail_msg("'Hok' offers Katsushika Hokusai %zu times", hokusai);
    assert_string_equal(s[0].text, "Katsushika Hokusai");
}

static void test_autocomplete(void **state)
{
    (void)state;
    struct { const char *prefix, *expect; } cases[] = {
        {"porc", "porcelain"}, {"청", "청자"}, {"江", NULL}, {"白", NULL}, {"Ding Y", "Ding Yunpeng"},
        {"céla", "céladon"}, {"jos", "Joseon"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        vcm_suggestion s[10];
        size_t n = vcm_search_suggest(se, &arena, cases[i].prefix, strlen(cases[i].prefix), s, 10);
        if (!n)
            fail_msg("no suggestion for '%s'", cases[i].prefix);
        if (cases[i].expect) {
            bool seen = false;
            for (size_t k = 0; k < n; k++)
                seen |= strcasestr(s[k].text, cases[i].expect) != NULL;
            if (!seen)
                fail_msg("'%s' does not suggest '%s' (first: %s)", cases[i].prefix, cases[i].expect,
                         s[0].text);
        }
    }
}

/* Words and thesaurus names are offered as they are, even typed in full:
 * several entries share a key, ranked by the records each finds. */
static void test_autocomplete_exact_words(void **state)
{
    (void)state;
    struct { const char *prefix, *expect; bool first; } cases[] = {
        {"por", "porcelain", true}, {"porcelain", "porcelain", true}, {"jade", "jade", true},
        {"Buddha", "Buddha", true}, {"por", "porcelaine", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        vcm_suggestion s[10];
        size_t n = vcm_search_suggest(se, &arena, cases[i].prefix, strlen(cases[i].prefix), s, 10);
        bool seen = false;
        for (size_t k = 0; k < n && (!cases[i].first || k == 0); k++)
            seen |= strcasecmp(s[k].text, cases[i].expect) == 0;
        if (!seen && cases[i].first)
            fail_msg("'%s' does not suggest '%s' first (first: %s)", cases[i].prefix,
                     cases[i].expect, n ? s[0].text : "none");
        if (seen && !cases[i].first)
            fail_msg("'%s' suggests the rarer '%s' among the ten", cases[i].prefix, cases[i].expect);
    }
}

static void test_alternatives_when_nothing_matches(void **state)
{
    (void)state;
    vcm_search_params p = params("porcelian");
    p.want_alternatives = true;
    vcm_search_results r = run(&p);
    assert_int_equal(r.total, 0);
    assert_true(r.nalternatives >= 1);
    assert_string_equal(r.alternatives[0].q, "porcelain");
    assert_true(r.alternatives[0].total > 1000);
    p = params("celadon zzqqxx");
    p.want_alternatives = true;
    r = run(&p);
    assert_int_equal(r.total, 0);
    bool broader = false;
    for (size_t i = 0; i < r.nalternatives; i++)
        if (strcmp(r.alternatives[i].q, "celadon") == 0 && strcmp(r.alternatives[i].why, "broader") == 0)
            broader = true;
    assert_true(broader);
}

/* Deleting the index and rebuilding it gives the same answers. */
static void test_reindex_identical(void **state)
{
    (void)state;
    const char *qs[] = {"celadon", "玉", "Joseon", "\"ink on silk\"", "porc*", "vase -japan",
                        "bowl date:1600..1700", "청자"};
    enum { NQ = sizeof qs / sizeof *qs };
    int64_t before_ids[NQ][20];
    float before_scores[NQ][20];
    int64_t before_total[NQ];
    for (size_t i = 0; i < NQ; i++) {
        vcm_search_params p = params(qs[i]);
        p.limit = 20;
        vcm_search_results r = run(&p);
        before_total[i] = r.total;
        for (size_t k = 0; k < 20; k++) {
            before_ids[i][k] = k < r.nhits ? r.hits[k].id : 0;
            before_scores[i][k] = k < r.nhits ? r.hits[k].score : 0;
        }
    }
    vcm_search_close(se);
    assert_int_equal(unlink(index_path), 0);
    char err[600];
    size_t docs = 0;
    assert_int_equal(vcm_search_reindex(db, index_path, NULL, NULL, &docs, err, sizeof err), 0);
    assert_int_equal(docs, nrecs);
    se = vcm_search_open(db, index_path, false, NULL, NULL, err, sizeof err);
    assert_non_null(se);
    for (size_t i = 0; i < NQ; i++) {
        vcm_search_params p = params(qs[i]);
        p.limit = 20;
        vcm_search_results r = run(&p);
        assert_int_equal(r.total, before_total[i]);
        for (size_t k = 0; k < r.nhits; k++) {
            assert_int_equal(r.hits[k].id, before_ids[i][k]);
            assert_true(r.hits[k].score == before_scores[i][k]);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cjk_words_found_fully),
        cmocka_unit_test(test_taipei_jades),
        cmocka_unit_test(test_joseon_in_three_scripts),
        cmocka_unit_test(test_korean_celadon_finds_english),
        cmocka_unit_test(test_edo_as_dates),
        cmocka_unit_test(test_facet_counts_are_exact),
        cmocka_unit_test(test_cursor_walks),
        cmocka_unit_test(test_offsets_follow_the_cursor),
        cmocka_unit_test(test_malformed_queries),
        cmocka_unit_test(test_folding_and_stemming),
        cmocka_unit_test(test_query_language),
        cmocka_unit_test(test_snippets),
        cmocka_unit_test(test_marks_in_the_language_that_matched),
        cmocka_unit_test(test_creators_across_scripts),
        cmocka_unit_test(test_autocomplete),
        cmocka_unit_test(test_autocomplete_exact_words),
        cmocka_unit_test(test_alternatives_when_nothing_matches),
        cmocka_unit_test(test_reindex_identical),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
