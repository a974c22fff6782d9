/* Classifications grouped by thesaurus concept and rights read from the
 * source's text, on each backend (SQLite; with VCM_TEST_PG, PostgreSQL):
 * a database written without the concepts gets them, the demo's
 * classification facet has no two entries that differ only by case,
 * plural or language, the Taipei jades under CC BY 4.0 count as open, and
 * browse (the store), the search and the API agree. */
#include "testutil.h"

#include <ctype.h>
#include <jansson.h>

#include "core/l10n.h"
#include "model/country.h"
#include "search/search.h"
#include "search/terms.h"
#include "store/store.h"

VT_DEMO_SIZED;
VT_DEMO_ON_PG;

struct fx {
    char *dir;
    char url[900];
    vcm_store *s;
    vcm_arena a;
};

static struct fx *fx_open(const char *name)
{
    struct fx *f = calloc(1, sizeof *f);
    f->dir = vt_tmpdir();
    vt_db_url(f->url, sizeof f->url, f->dir, name);
    vcm_arena_init(&f->a, 0);
    return f;
}

static void fx_store(struct fx *f)
{
    char err[600];
    if (!(f->s = vcm_store_open(f->url, err, sizeof err)))
        fail_msg("open: %s", err);
}

static void fx_close(struct fx *f)
{
    if (f->s)
        vcm_store_close(f->s);
    vcm_arena_release(&f->a);
    vt_rmrf(f->dir);
    free(f->dir);
    free(f);
}

static int64_t count(struct fx *f, const vcm_filter *flt)
{
    int64_t n = -1;
    if (f->s->ops->object_count(f->s, flt, &n) < 0)
        fail_msg("count: %s", vcm_store_error(f->s));
    return n;
}

static void upsert(struct fx *f, int64_t museum, const char *sid, const char *cls,
                   const char *licence, const char *rights)
{
    vcm_object o;
    vcm_object_init(&o);
    o.museum_id = museum;
    o.source_id = sid;
    vcm_ltexts_add(&o.title, &f->a, "en", "Object");
    o.classification = cls;
    o.materials = "Porcelain with celadon glaze";
    o.source_licence = licence;
    o.rights = rights;
    o.source = "test";
    vcm_upsert r;
    const char *hash = vcm_arena_printf(&f->a, "%s %s", sid, cls);
    if (f->s->ops->object_upsert(f->s, &o, hash, false, &r) < 0)
        fail_msg("upsert: %s", vcm_store_error(f->s));
}

/* A database written before the concepts existed (objects without terms,
 * rights as an older reading left them) gets both from vcm_terms_sync, and
 * later changes are followed. */
static void test_sync_fills_old_database(void **state)
{
    (void)state;
    struct fx *f = fx_open("old");
    fx_store(f);
    vcm_country c;
    assert_int_equal(vcm_country_from_code(&c, &f->a, "TW"), 0);
    assert_int_equal(f->s->ops->country_upsert(f->s, &c), 0);
    vcm_museum m = {0};
    memcpy(m.country, "TW", 3);
    vcm_ltexts_add(&m.names, &f->a, "en", "National Palace Museum, Taipei");
    bool created;
    assert_int_equal(f->s->ops->museum_ensure(f->s, &m, &created), 0);
    const char *cne = "http://rightsstatements.org/vocab/CNE/1.0/";
    const char *jade = "rights per record: NPMT CC-BY-4.0 (NPM open data; see README)";
    assert_int_equal(vcm_store_begin(f->s), 0);
    upsert(f, m.id, "a", "Prints", jade, cne);
    upsert(f, m.id, "b", "prints", "CC0-1.0 (metadata); images not included", cne);
    upsert(f, m.id, "c", "Print", NULL, "http://creativecommons.org/publicdomain/mark/1.0/");
    upsert(f, m.id, "d", "版画", NULL, NULL);
    upsert(f, m.id, "e", "Leatherwork", NULL, NULL);
    upsert(f, m.id, "f", "leatherwork", NULL, NULL);
    assert_int_equal(vcm_store_commit(f->s), 0);

    vcm_facets fc;
    vcm_filter all = {0};
    assert_int_equal(f->s->ops->object_facets(f->s, &f->a, &all, &fc), 0);
    assert_int_equal(fc.nclassification, 0); /* no concepts yet */
    vcm_filter open = {.open = VCM_YES};
    assert_int_equal(count(f, &open), 1); /* only "c" */

    char err[400];
    size_t done;
    assert_int_equal(vcm_terms_sync(f->s, &done, err, sizeof err), 0);
    assert_true(done >= 6);
    assert_int_equal(f->s->ops->object_facets(f->s, &f->a, &all, &fc), 0);
    assert_int_equal(fc.nclassification, 2);
    assert_string_equal(fc.classification[0].value, "print");
    assert_int_equal(fc.classification[0].count, 4);
    assert_int_equal(fc.classification[1].value[0], '~');
    assert_int_equal(fc.classification[1].count, 2);
    vcm_filter prints = {.classification = "print"};
    assert_int_equal(count(f, &prints), 4);
    /* the jade's CC BY 4.0 read again from its text: open; "b" states no
     * rights of the object, so the old reading's CNE goes */
    assert_int_equal(count(f, &open), 2);
    vcm_filter sid = {.source_id = "a", .open = VCM_YES};
    assert_int_equal(count(f, &sid), 1);
    int64_t id;
    size_t n;
    sid = (vcm_filter){.source_id = "b"};
    vcm_object *list;
    assert_int_equal(f->s->ops->object_list(f->s, &f->a, &sid, &list, &n), 0);
    assert_int_equal(n, 1);
    assert_null(list[0].rights);
    assert_string_equal(list[0].licence, "CC0-1.0");
    id = list[0].id;

    /* the materials of the medium, stored beside */
    char *out = NULL;
    char sql[200];
    snprintf(sql, sizeof sql,
             "SELECT term FROM object_terms WHERE object_id = %lld AND kind = 'material' "
             "ORDER BY term", (long long)id);
    assert_int_equal(vt_db_sql(&out, f->url, sql), 0);
    assert_contains(out, "celadon");
    assert_contains(out, "porcelain");
    free(out);

    /* nothing left to do, until something changes */
    for (int i = 0; i < 3 && done; i++)
        assert_int_equal(vcm_terms_sync(f->s, &done, err, sizeof err), 0);
    assert_int_equal(done, 0);
    assert_int_equal(vcm_store_begin(f->s), 0);
    upsert(f, m.id, "e", "Paintings", NULL, NULL);
    assert_int_equal(vcm_store_commit(f->s), 0);
    assert_int_equal(vcm_terms_sync(f->s, &done, err, sizeof err), 0);
    assert_int_equal(done, 1);
    vcm_filter paintings = {.classification = "painting"};
    assert_int_equal(count(f, &paintings), 1);
    fx_close(f);
}

/* The demo, imported as `make run` imports it; the server of the API test,
 * stopped at the end even when that test fails half-way. */
static struct fx *demo;
static struct vt_server server;

static int demo_setup(void **state)
{
    (void)state;
    demo = fx_open("demo");
    vt_demo_db(demo->url, sizeof demo->url, demo->dir, "demo");
    fx_store(demo);
    return 0;
}

static int demo_teardown(void **state)
{
    (void)state;
    if (server.pid > 0)
        vt_server_stop(&server);
    if (demo)
        fx_close(demo);
    return 0;
}

/* "prints", "Print" → "print"; "~illustrated books" → "illustrated book":
 * case and plural folded the simple way, independently of the stemmer. */
static void fold_simple(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = in + (*in == '~'); *p && n + 1 < cap; p++)
        out[n++] = (char)tolower((unsigned char)*p);
    out[n] = 0;
    for (char *w = out; *w;) {
        char *e = w + strcspn(w, " ");
        if (e - w > 3 && e[-1] == 's')
            memmove(e - 1, e, strlen(e) + 1), e--;
        w = *e ? e + 1 : e;
    }
}

static void test_demo_facet_no_duplicates(void **state)
{
    (void)state;
    char *out = NULL;
    assert_int_equal(vt_db_sql(&out, demo->url,
                               "SELECT DISTINCT term FROM object_terms WHERE kind = 'type' "
                               "ORDER BY term"), 0);
    char *terms[1000];
    size_t n = 0;
    for (char *save = NULL, *l = strtok_r(out, "\n", &save); l && n < 1000;
         l = strtok_r(NULL, "\n", &save))
        terms[n++] = l;
    assert_true(n > 20);
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            char a[300], b[300];
            fold_simple(terms[i], a, sizeof a);
            fold_simple(terms[j], b, sizeof b);
            if (strcmp(a, b) == 0)
                fail_msg("two classification entries differ only by case or plural: '%s', '%s'",
                         terms[i], terms[j]);
            /* a concept and a term the thesaurus lacks with the same name */
            const vcm_th_entry *e = vcm_terms_concept(terms[i]);
            if (e && terms[j][0] == '~') {
                char l[300];
                fold_simple(vcm_th_label(e), l, sizeof l);
                if (strcmp(l, b) == 0)
                    fail_msg("'%s' and '%s' name one thing", terms[i], terms[j]);
            }
        }
    free(out);
    /* the three: one entry, whose count is theirs together */
    assert_int_equal(vt_db_sql(&out, demo->url,
                               "SELECT count(DISTINCT t.term) FROM objects o JOIN object_terms t "
                               "ON t.object_id = o.id AND t.kind = 'type' WHERE o.classification "
                               "IN ('Prints', 'prints', 'Print')"), 0);
    assert_int_equal(atoi(out), 1);
    free(out);
    assert_int_equal(vt_db_sql(&out, demo->url,
                               "SELECT count(*) FROM objects WHERE classification "
                               "IN ('Prints', 'prints', 'Print')"), 0);
    int64_t three = atoll(out);
    free(out);
    vcm_filter prints = {.classification = "print"};
    assert_true(count(demo, &prints) >= three);
    vcm_facets fc;
    vcm_filter all = {0};
    assert_int_equal(demo->s->ops->object_facets(demo->s, &demo->a, &all, &fc), 0);
    assert_string_equal(fc.classification[0].value, "print");
    for (size_t i = 0; i < fc.nclassification; i++) {
        vcm_filter one = {.classification = fc.classification[i].value};
        assert_int_equal(count(demo, &one), fc.classification[i].count);
    }
}

static int64_t search_total(vcm_search *se, const vcm_filter *flt)
{
    vcm_search_params p;
    vcm_search_params_init(&p);
    p.filter = *flt;
    p.limit = 1;
    vcm_search_results r;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    char err[300];
    if (vcm_search_run(se, NULL, &a, &p, &r, err, sizeof err) != 0)
        fail_msg("search: %s", err);
    vcm_arena_release(&a);
    return r.total;
}

/* The jades under CC BY 4.0 are open; the licence filter and the
 * classification filter give the same objects on browse and search. */
static void test_demo_open_alike(void **state)
{
    (void)state;
    const char *jades[] = {"古玉1863", "古玉3888"};
    for (size_t i = 0; i < 2; i++) {
        vcm_filter j = {.source_id = jades[i], .open = VCM_YES};
        assert_int_equal(count(demo, &j), 1);
    }
    vcm_filter oa = {.source_id = "古玉0636", .open = VCM_NO};
    assert_int_equal(count(demo, &oa), 1);

    char index[1200], err[400];
    snprintf(index, sizeof index, "%s/demo.index", demo->dir);
    vcm_search *se = vcm_search_open(demo->url, index, false, NULL, NULL, err, sizeof err);
    if (!se)
        fail_msg("search: %s", err);
    vcm_filter fs[] = {
        {.open = VCM_YES},
        {.open = VCM_NO},
        {.classification = "print"},
        {.classification = "ceramic", .open = VCM_YES},
        {.classification = "~leatherwork"},
        {.material = "celadon"},
        {.material = "porcelain", .image = VCM_NO},
        {.material = "silk", .classification = "painting"},
    };
    for (size_t i = 0; i < sizeof fs / sizeof fs[0]; i++) {
        int64_t store = count(demo, &fs[i]), search = search_total(se, &fs[i]);
        if (store != search)
            fail_msg("filter %zu: browse counts %lld, the search %lld", i, (long long)store,
                     (long long)search);
        assert_true(store > 0);
    }
    /* the material facet: the same entries with the same counts, over the
     * whole collection and narrowed */
    vcm_filter narrow[] = {{0}, {.classification = "ceramic"}, {.material = "celadon"}};
    for (size_t i = 0; i < sizeof narrow / sizeof narrow[0]; i++) {
        vcm_facets fc;
        assert_int_equal(demo->s->ops->object_facets(demo->s, &demo->a, &narrow[i], &fc), 0);
        vcm_search_params p;
        vcm_search_params_init(&p);
        p.filter = narrow[i];
        p.limit = 1;
        p.facets = 1u << VCM_FACET_MATERIAL;
        vcm_search_results r;
        vcm_arena a;
        vcm_arena_init(&a, 0);
        if (vcm_search_run(se, NULL, &a, &p, &r, err, sizeof err) != 0)
            fail_msg("search: %s", err);
        assert_true(fc.nmaterial > (i == 2 ? 0u : 5u));
        assert_int_equal(fc.nmaterial, r.nfacets[VCM_FACET_MATERIAL]);
        for (size_t k = 0; k < fc.nmaterial; k++) {
            const vcm_index_facet *sf = NULL;
            for (size_t j = 0; j < r.nfacets[VCM_FACET_MATERIAL] && !sf; j++)
                if (strcmp(r.facets[VCM_FACET_MATERIAL][j].value, fc.material[k].value) == 0)
                    sf = &r.facets[VCM_FACET_MATERIAL][j];
            if (!sf || sf->count != fc.material[k].count)
                fail_msg("filter %zu, material %s: browse counts %lld, the search %lld", i,
                         fc.material[k].value, (long long)fc.material[k].count,
                         sf ? (long long)sf->count : -1LL);
        }
        vcm_arena_release(&a);
    }
    vcm_search_close(se);
}

static json_t *get_json(const struct vt_server *sv, const char *path)
{
    for (int i = 0; i < 600; i++) {
        struct vt_resp r = vt_get(sv, path);
        if (r.status == 200) {
            json_t *j = json_loads(r.body, 0, NULL);
            vt_resp_free(&r);
            assert_non_null(j);
            return j;
        }
        long st = r.status;
        vt_resp_free(&r);
        if (st != 503)
            fail_msg("GET %s: %ld", path, st);
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL); /* the search index is being built */
    }
    fail_msg("GET %s: not ready", path);
    return NULL;
}

static int64_t total(const struct vt_server *sv, const char *path)
{
    json_t *j = get_json(sv, path);
    int64_t t = json_integer_value(json_object_get(j, "total"));
    json_decref(j);
    return t;
}

/* The API: the museum's words and the concept's id select alike; the
 * jade's record shows its rights, three things apart. */
static void test_demo_api(void **state)
{
    (void)state;
    struct vt_server sv;
    vt_server_start(&sv, demo->url);
    server = sv;
    vcm_filter prints = {.classification = "print"};
    int64_t n = count(demo, &prints);
    assert_int_equal(total(&sv, "/api/v1/objects?classification=print&limit=1"), n);
    assert_int_equal(total(&sv, "/api/v1/objects?classification=Prints&limit=1"), n);
    assert_int_equal(total(&sv, "/api/v1/objects?classification=%E7%89%88%E7%94%BB&limit=1"), n);
    assert_int_equal(total(&sv, "/api/v1/search?classification=prints&limit=1"), n);
    vcm_filter open = {.open = VCM_YES};
    assert_int_equal(total(&sv, "/api/v1/objects?licence=open&limit=1"), count(demo, &open));
    assert_int_equal(total(&sv, "/api/v1/search?licence=open&limit=1"), count(demo, &open));
    /* material: the object list, the search and browse select alike */
    vcm_filter celadon = {.material = "celadon"};
    int64_t nc = count(demo, &celadon);
    assert_true(nc > 0);
    assert_int_equal(total(&sv, "/api/v1/objects?material=celadon&limit=1"), nc);
    assert_int_equal(total(&sv, "/api/v1/search?material=celadon&limit=1"), nc);
    struct vt_resp br = vt_get(&sv, "/browse?material=celadon");
    assert_int_equal(br.status, 200);
    char strong[64], num[32];
    vcm_l10n_number("en", nc, num, sizeof num); /* "1,234": the page's digits */
    snprintf(strong, sizeof strong, "<strong>%s object", num);
    assert_contains(br.body, strong);
    /* the facet and the chip name the material as the search does */
    assert_contains(br.body, "Celadon");
    assert_contains(br.body, "href=\"/browse?material=porcelain\"");
    vt_resp_free(&br);
    br = vt_get(&sv, "/browse?material=unobtainium");
    assert_int_equal(br.status, 200);
    assert_contains(br.body, "material must be a thesaurus material id");
    vt_resp_free(&br);

    /* the material facet of the search: labelled as browse labels it */
    json_t *mj = get_json(&sv, "/api/v1/search?material=celadon&limit=1");
    json_t *mats = json_object_get(json_object_get(mj, "facets"), "material");
    bool seen = false;
    size_t mi;
    json_t *mit;
    json_array_foreach(mats, mi, mit)
        if (strcmp(json_string_value(json_object_get(mit, "value")), "celadon") == 0) {
            assert_string_equal(json_string_value(json_object_get(mit, "label")), "Celadon");
            assert_int_equal(json_integer_value(json_object_get(mit, "count")), nc);
            seen = true;
        }
    assert_true(seen);
    json_decref(mj);

    /* the classification facet of the search: labels, no entry twice */
    json_t *j = get_json(&sv, "/api/v1/search?limit=1");
    json_t *cls = json_object_get(json_object_get(j, "facets"), "classification");
    assert_true(json_array_size(cls) > 10);
    size_t i;
    json_t *it;
    json_array_foreach(cls, i, it) {
        const char *v = json_string_value(json_object_get(it, "value"));
        if (strcmp(v, "print") == 0)
            assert_string_equal(json_string_value(json_object_get(it, "label")), "Print");
        for (size_t k = i + 1; k < json_array_size(cls); k++)
            assert_string_not_equal(v, json_string_value(json_object_get(
                                           json_array_get(cls, k), "value")));
    }
    json_decref(j);

    vcm_filter jade = {.source_id = "古玉1863"};
    vcm_object *list;
    size_t nl;
    assert_int_equal(demo->s->ops->object_list(demo->s, &demo->a, &jade, &list, &nl), 0);
    assert_int_equal(nl, 1);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/objects/%lld", (long long)list[0].id);
    j = get_json(&sv, path);
    json_t *ri = json_object_get(j, "rights_info");
    assert_string_equal(json_string_value(json_object_get(json_object_get(ri, "object"), "label")),
                        "CC BY 4.0");
    assert_true(json_is_true(json_object_get(json_object_get(ri, "object"), "open")));
    assert_string_equal(json_string_value(json_object_get(json_object_get(ri, "metadata"),
                                                          "spdx")), "CC-BY-4.0");
    json_decref(j);
    snprintf(path, sizeof path, "/objects/%lld", (long long)list[0].id);
    struct vt_resp r = vt_get(&sv, path);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "CC BY 4.0");
    vt_resp_free(&r);

    /* a Tate record: the image's holder, the object's rights not stated */
    vcm_filter tate = {.source_id = "A01029"};
    if (demo->s->ops->object_list(demo->s, &demo->a, &tate, &list, &nl) == 0 && nl == 1) {
        snprintf(path, sizeof path, "/api/v1/objects/%lld", (long long)list[0].id);
        j = get_json(&sv, path);
        ri = json_object_get(j, "rights_info");
        assert_true(json_is_null(json_object_get(json_object_get(ri, "object"), "uri")));
        assert_string_equal(json_string_value(json_object_get(json_object_get(ri, "images"),
                                                              "statement")), "not-open");
        json_decref(j);
    }
    server.pid = 0;
    assert_int_equal(vt_server_stop(&sv), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sync_fills_old_database),
        cmocka_unit_test(test_demo_facet_no_duplicates),
        cmocka_unit_test(test_demo_open_alike),
        cmocka_unit_test(test_demo_api),
    };
    return cmocka_run_group_tests(tests, demo_setup, demo_teardown);
}
