/* The store interface on a real database: a SQLite file, or with
 * VCM_TEST_PG set (tests/run.sh's second pass) a fresh schema of the test
 * run's PostgreSQL server. The same tests hold on both backends. */
#include "testutil.h"

#include "store/outbox.h"

#include "core/arena.h"
#include "model/country.h"
#include "io/jsonl.h"
#include "search/terms.h"
#include "store/driver.h"
#include "store/store.h"

struct fx {
    char *dir;
    char url[900];
    vcm_store *s;
    vcm_arena a;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    f->dir = vt_tmpdir();
    vt_db_url(f->url, sizeof f->url, f->dir, "t");
    char err[600];
    f->s = vcm_store_open(f->url, err, sizeof err);
    if (!f->s)
        fail_msg("open: %s", err);
    vcm_arena_init(&f->a, 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    vcm_store_close(f->s);
    vcm_arena_release(&f->a);
    vt_rmrf(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static int64_t add_museum(struct fx *f, const char *name, const char *country)
{
    vcm_country c;
    assert_int_equal(vcm_country_from_code(&c, &f->a, country), 0);
    assert_int_equal(f->s->ops->country_upsert(f->s, &c), 0);
    vcm_museum m = {0};
    memcpy(m.country, country, 3);
    vcm_ltexts_add(&m.names, &f->a, "en", name);
    bool created;
    assert_int_equal(f->s->ops->museum_ensure(f->s, &m, &created), 0);
    return m.id;
}

static vcm_object make_object(struct fx *f, int64_t museum, const char *sid, const char *cls,
                              int32_t year)
{
    vcm_object o;
    vcm_object_init(&o);
    o.museum_id = museum;
    o.source_id = sid;
    vcm_ltexts_add(&o.title, &f->a, "zh", "青瓷碗");
    vcm_ltexts_add(&o.title, &f->a, "en", "Celadon bowl");
    vcm_ltexts_add(&o.description, &f->a, "en", "A bowl.\n\nSecond paragraph.");
    vcm_ltexts_add(&o.statement, &f->a, "ko", "걸작");
    static const char *creators[] = {"Potter A", "Potter B"};
    o.creators = creators;
    o.ncreators = 2;
    o.date_text = "12th century";
    o.date_start = year;
    o.date_end = year + 99;
    o.classification = cls;
    o.materials = "stoneware";
    o.rights = "http://creativecommons.org/publicdomain/mark/1.0/";
    o.source = "test";
    return o;
}

static void test_open_migrates_once(void **state)
{
    struct fx *f = *state;
    char err[600];
    /* A second connection to the same file finds the schema in place. */
    vcm_store *s2 = vcm_store_open(f->url, err, sizeof err);
    assert_non_null(s2);
    vcm_stats st;
    assert_int_equal(s2->ops->stats(s2, &st), 0);
    assert_int_equal(st.objects_all, 0);
    vcm_store_close(s2);
    char *out;
    if (vt_pg())
        assert_int_equal(vt_sh(&out, "psql -X -At -d '%s' -c 'SELECT count(*) FROM schema_migrations'",
                               f->url), 0);
    else
        assert_int_equal(vt_sh(&out, "sqlite3 '%s/t.db' 'SELECT count(*) FROM schema_migrations'",
                               f->dir), 0);
    int applied = atoi(out);
    free(out);
    assert_true(applied >= 3);
    assert_int_equal(vt_sh(&out, "ls src/store/schema/%s/*.sql | wc -l", vt_pg() ? "pg" : "sqlite"), 0);
    assert_int_equal(applied, atoi(out));
    free(out);
}

static void test_open_errors(void **state)
{
    (void)state;
    char err[600];
    assert_null(vcm_store_open("mysql://x", err, sizeof err));
    assert_contains(err, "neither sqlite:PATH nor postgres");
    assert_null(vcm_store_open("sqlite:/nonexistent-dir/x/y.db", err, sizeof err));
    assert_contains(err, "cannot open database '/nonexistent-dir/x/y.db'");
    assert_null(vcm_store_open("sqlite:", err, sizeof err));
    assert_contains(err, "needs a file path");
    /* no server there: the message names where it looked */
    assert_null(vcm_store_open("postgres://vcm@127.0.0.1:1/vcm", err, sizeof err));
    assert_contains(err, "cannot reach the database server at 127.0.0.1:1");
    assert_null(vcm_store_open("postgresql://vcm:secret@127.0.0.1:1/vcm", err, sizeof err));
    assert_not_contains(err, "secret");
    assert_null(vcm_store_open("postgresql://vcm:se@cret@127.0.0.1:1/vcm", err, sizeof err));
    assert_contains(err, "as %40");
    assert_not_contains(err, "cret");
    assert_null(vcm_store_open("postgres://127.0.0.1:1/vcm?nonsense=1", err, sizeof err));
    assert_contains(err, "database URL is not valid");
}

static void test_country_and_museum(void **state)
{
    struct fx *f = *state;
    int64_t met = add_museum(f, "The Metropolitan Museum of Art", "US");
    int64_t tate = add_museum(f, "Tate", "GB");
    assert_true(met > 0 && tate > 0 && met != tate);
    /* ensure finds the same museum again, by name in any case */
    vcm_museum m = {0};
    memcpy(m.country, "US", 3);
    vcm_ltexts_add(&m.names, &f->a, "en", "the metropolitan museum of art");
    bool created = true;
    assert_int_equal(f->s->ops->museum_ensure(f->s, &m, &created), 0);
    assert_false(created);
    assert_int_equal(m.id, met);

    vcm_country c;
    assert_int_equal(f->s->ops->country_get(f->s, &f->a, "GB", &c), 1);
    assert_string_equal(vcm_ltexts_pick(&c.names, "en")->text, "United Kingdom");
    assert_int_equal(c.region, VCM_REGION_EUROPE);
    assert_int_equal(c.museums, 1);
    assert_int_equal(f->s->ops->country_get(f->s, &f->a, "KR", &c), 0);

    vcm_museum *ms;
    size_t n;
    assert_int_equal(f->s->ops->museum_list(f->s, &f->a, "GB", &ms, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(ms[0].names.v[0].text, "Tate");

    /* museum_put replaces names and facts */
    vcm_museum t = {0};
    t.id = tate;
    memcpy(t.country, "GB", 3);
    vcm_ltexts_add(&t.names, &f->a, "en", "Tate");
    vcm_ltexts_add(&t.names, &f->a, "fr", "Tate (Londres)");
    t.city = "London";
    t.website = "https://www.tate.org.uk/";
    t.has_coords = true;
    t.lat = 51.5;
    t.lon = -0.13;
    assert_int_equal(f->s->ops->museum_put(f->s, &t), 0);
    vcm_museum got;
    assert_int_equal(f->s->ops->museum_get(f->s, &f->a, tate, &got), 1);
    assert_int_equal(got.names.n, 2);
    assert_string_equal(got.names.v[1].lang, "fr");
    assert_string_equal(got.city, "London");
    assert_true(got.has_coords);
    assert_true(got.lat > 51.4 && got.lat < 51.6);
    assert_int_equal(f->s->ops->museum_get(f->s, &f->a, 9999, &got), 0);
}

static void test_object_upsert_roundtrip(void **state)
{
    struct fx *f = *state;
    int64_t mid = add_museum(f, "Museum", "KR");
    vcm_object o = make_object(f, mid, "A-1", "Ceramics", 1101);
    vcm_media media = {.file = "a.tif", .format = "tiff", .width = 10, .height = 20,
                       .checksum = "abc", .rights = "x"};
    o.media = &media;
    o.nmedia = 1;
    vcm_upsert r;
    assert_int_equal(f->s->ops->object_upsert(f->s, &o, "h1", false, &r), 0);
    assert_int_equal(r, VCM_UPSERT_INSERTED);
    int64_t id = o.id;
    assert_true(id > 0);

    vcm_object g;
    assert_int_equal(f->s->ops->object_get(f->s, &f->a, id, &g), 1);
    assert_int_equal(g.title.n, 2);
    assert_string_equal(g.title.v[0].lang, "zh");
    assert_string_equal(g.title.v[0].text, "青瓷碗");
    assert_string_equal(g.title.v[1].text, "Celadon bowl");
    assert_string_equal(g.description.v[0].text, "A bowl.\n\nSecond paragraph.");
    assert_string_equal(g.statement.v[0].lang, "ko");
    assert_int_equal(g.ncreators, 2);
    assert_string_equal(g.creators[1], "Potter B");
    assert_int_equal(g.date_start, 1101);
    assert_int_equal(g.date_end, 1200);
    assert_string_equal(g.classification, "Ceramics");
    assert_string_equal(g.museum_name, "Museum");
    assert_string_equal(g.country, "KR");
    assert_int_equal(g.status, VCM_PUBLISHED);
    assert_int_equal(g.nmedia, 1);
    assert_int_equal(g.media[0].height, 20);
    assert_null(g.period);
    assert_true(g.created > 0);

    /* same hash: nothing written */
    o.id = 0;
    assert_int_equal(f->s->ops->object_upsert(f->s, &o, "h1", false, &r), 0);
    assert_int_equal(r, VCM_UPSERT_UNCHANGED);
    assert_int_equal(o.id, id);
    /* other hash: updated in place, same id, created kept */
    o.classification = "Porcelain";
    o.ncreators = 1;
    assert_int_equal(f->s->ops->object_upsert(f->s, &o, "h2", false, &r), 0);
    assert_int_equal(r, VCM_UPSERT_UPDATED);
    assert_int_equal(o.id, id);
    assert_int_equal(f->s->ops->object_get(f->s, &f->a, id, &g), 1);
    assert_string_equal(g.classification, "Porcelain");
    assert_int_equal(g.ncreators, 1);
    vcm_stats st;
    assert_int_equal(f->s->ops->stats(f->s, &st), 0);
    assert_int_equal(st.objects, 1);
    assert_int_equal(f->s->ops->object_get(f->s, &f->a, id + 100, &g), 0);
}

static void test_keep_times_and_id(void **state)
{
    struct fx *f = *state;
    int64_t mid = add_museum(f, "Museum", "JP");
    vcm_object o = make_object(f, mid, "K-1", "Prints", 1800);
    o.id = 777;
    o.created = 1000000000;
    o.updated = 1100000000;
    o.status = VCM_DRAFT;
    vcm_upsert r;
    assert_int_equal(f->s->ops->object_upsert(f->s, &o, "h", true, &r), 0);
    assert_int_equal(o.id, 777);
    vcm_object g;
    assert_int_equal(f->s->ops->object_get(f->s, &f->a, 777, &g), 1);
    assert_int_equal(g.created, 1000000000);
    assert_int_equal(g.updated, 1100000000);
    assert_int_equal(g.status, VCM_DRAFT);
    /* drafts are not public */
    vcm_stats st;
    assert_int_equal(f->s->ops->stats(f->s, &st), 0);
    assert_int_equal(st.objects, 0);
    assert_int_equal(st.objects_all, 1);
}

/* The published objects and their updated times, for the sitemap: drafts
 * and withdrawn records left out, walked with an offset then a seek. */
static void test_object_stamps(void **state)
{
    struct fx *f = *state;
    int64_t mid = add_museum(f, "Museum", "JP");
    const vcm_status st[] = {VCM_PUBLISHED, VCM_DRAFT, VCM_PUBLISHED, VCM_WITHDRAWN,
                             VCM_PUBLISHED, VCM_PUBLISHED, VCM_PUBLISHED};
    for (int i = 0; i < 7; i++) {
        char sid[16];
        snprintf(sid, sizeof sid, "S-%d", i);
        vcm_object o = make_object(f, mid, vcm_arena_strdup(&f->a, sid), "Prints", 1800);
        o.id = 10 + i;
        o.created = 1000000000;
        o.updated = 1100000000 + i;
        o.status = st[i];
        vcm_upsert r;
        assert_int_equal(f->s->ops->object_upsert(f->s, &o, sid, true, &r), 0);
    }
    int64_t ids[8], up[8];
    size_t n;
    assert_int_equal(f->s->ops->object_stamps(f->s, 0, 0, ids, up, 8, &n), 0);
    assert_int_equal(n, 5);
    const int64_t want[] = {10, 12, 14, 15, 16};
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(ids[i], want[i]);
        assert_int_equal(up[i], 1100000000 + (want[i] - 10));
    }
    /* from the second published one, two at a time, then on from the last */
    assert_int_equal(f->s->ops->object_stamps(f->s, 0, 1, ids, up, 2, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(ids[0], 12);
    assert_int_equal(ids[1], 14);
    assert_int_equal(f->s->ops->object_stamps(f->s, 14, 0, ids, up, 2, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(ids[0], 15);
    assert_int_equal(ids[1], 16);
    assert_int_equal(f->s->ops->object_stamps(f->s, 16, 0, ids, up, 2, &n), 0);
    assert_int_equal(n, 0);
}

static void test_filters_facets_cursor(void **state)
{
    struct fx *f = *state;
    int64_t kr = add_museum(f, "National Museum of Korea", "KR");
    int64_t gb = add_museum(f, "British Museum", "GB");
    char sid[32];
    assert_int_equal(vcm_store_begin(f->s), 0);
    for (int i = 0; i < 250; i++) {
        snprintf(sid, sizeof sid, "S%d", i);
        vcm_object o = make_object(f, i % 5 == 0 ? gb : kr, vcm_arena_strdup(&f->a, sid),
                                   i % 2 ? "Ceramics" : "Paintings", i % 3 ? 1450 : -300);
        vcm_upsert r;
        assert_int_equal(f->s->ops->object_upsert(f->s, &o, "h", false, &r), 0);
    }
    assert_int_equal(vcm_store_commit(f->s), 0);
    /* the classifications' concepts, as an import ends by deriving them */
    char err[300];
    assert_int_equal(vcm_terms_sync(f->s, NULL, err, sizeof err), 0);

    int64_t n;
    vcm_filter flt = {.country = "GB"};
    assert_int_equal(f->s->ops->object_count(f->s, &flt, &n), 0);
    assert_int_equal(n, 50);
    flt = (vcm_filter){.regions = 1u << VCM_REGION_ASIA, .classification = "ceramic"};
    assert_int_equal(f->s->ops->object_count(f->s, &flt, &n), 0);
    assert_int_equal(n, 100);
    flt = (vcm_filter){.regions = 1u << VCM_REGION_ASIA | 1u << VCM_REGION_EUROPE};
    assert_int_equal(f->s->ops->object_count(f->s, &flt, &n), 0);
    assert_int_equal(n, 250);
    flt = (vcm_filter){.regions = 1u << VCM_REGION_EUROPE | 1u << VCM_REGION_OTHER};
    assert_int_equal(f->s->ops->object_count(f->s, &flt, &n), 0);
    assert_int_equal(n, 50);
    flt = (vcm_filter){.century = -3};
    assert_int_equal(f->s->ops->object_count(f->s, &flt, &n), 0);
    assert_int_equal(n, 84);
    flt = (vcm_filter){.source_id = "S7"};
    assert_int_equal(f->s->ops->object_count(f->s, &flt, &n), 0);
    assert_int_equal(n, 1);

    /* facet counts equal direct counts */
    vcm_facets fc;
    flt = (vcm_filter){.museum = kr};
    assert_int_equal(f->s->ops->object_facets(f->s, &f->a, &flt, &fc), 0);
    assert_int_equal(fc.nmuseum, 1);
    assert_int_equal(fc.museum[0].count, 200);
    assert_string_equal(fc.museum[0].label, "National Museum of Korea");
    int64_t sum = 0;
    for (size_t i = 0; i < fc.nclassification; i++) {
        vcm_filter one = {.museum = kr, .classification = fc.classification[i].value};
        assert_int_equal(f->s->ops->object_count(f->s, &one, &n), 0);
        assert_int_equal(n, fc.classification[i].count);
        sum += n;
    }
    assert_int_equal(sum, 200);
    assert_int_equal(fc.ncentury, 2);
    assert_string_equal(fc.century[0].label, "3rd century BCE");
    assert_string_equal(fc.century[1].label, "15th century");

    /* a cursor walk sees every object exactly once */
    vcm_filter walk = {.limit = 33};
    int seen = 0;
    int64_t last = 0;
    for (;;) {
        vcm_object *list;
        size_t got;
        assert_int_equal(f->s->ops->object_list(f->s, &f->a, &walk, &list, &got), 0);
        for (size_t i = 0; i < got; i++) {
            assert_true(list[i].id > last);
            last = list[i].id;
        }
        seen += (int)got;
        if (got < 33)
            break;
        walk.after_id = last;
    }
    assert_int_equal(seen, 250);
    /* offset paging */
    vcm_filter page = {.offset = 240, .limit = 48};
    vcm_object *list;
    size_t got;
    assert_int_equal(f->s->ops->object_list(f->s, &f->a, &page, &list, &got), 0);
    assert_int_equal(got, 10);
}

/* Every object of the store with every field (any status), for counting
 * directly what a filter should select. */
static vcm_object *all_objects(struct fx *f, size_t *n)
{
    vcm_object *all = NULL;
    *n = 0;
    vcm_filter walk = {.any_status = true, .limit = 1000};
    for (;;) {
        vcm_object *list;
        size_t got;
        assert_int_equal(f->s->ops->object_list(f->s, &f->a, &walk, &list, &got), 0);
        all = realloc(all, (*n + got + 1) * sizeof *all);
        assert_non_null(all);
        memcpy(all + *n, list, got * sizeof *list);
        *n += got;
        if (got < 1000)
            break;
        walk.after_id = list[got - 1].id;
    }
    return all;
}

/* What flt selects, said directly from an object's fields: the rules of
 * model/filter.h (and of the search index) written out again here. */
static bool selects(const vcm_filter *flt, const vcm_object *o)
{
    if (o->status != VCM_PUBLISHED)
        return false;
    if (flt->country[0] && strcmp(o->country, flt->country) != 0)
        return false;
    if (flt->image && (o->nmedia > 0) != (flt->image == VCM_YES))
        return false;
    if (flt->open) {
        const char *r = o->rights;
        bool open = r && (strstr(r, "/publicdomain/") || strstr(r, "/licenses/by/") ||
                          strstr(r, "/licenses/by-sa/"));
        if (open != (flt->open == VCM_YES))
            return false;
    }
    if (flt->has_date) {
        int32_t end = o->date_end == VCM_NO_YEAR ? o->date_start : o->date_end;
        if (o->date_start == VCM_NO_YEAR || o->date_start > flt->date_to || end < flt->date_from)
            return false;
    }
    return true;
}

/* Image, licence and years: the list, its count and its facets select what
 * a direct count over every stored object finds. */
static void test_filters_image_licence_date(void **state)
{
    struct fx *f = *state;
    int64_t kr = add_museum(f, "National Museum of Korea", "KR");
    int64_t gb = add_museum(f, "British Museum", "GB");
    static const char *const rights[] = {
        "http://creativecommons.org/publicdomain/mark/1.0/",
        "https://creativecommons.org/publicdomain/zero/1.0/",
        "https://creativecommons.org/licenses/by/4.0/",
        "https://creativecommons.org/licenses/by-sa/4.0/",
        "https://creativecommons.org/licenses/by-nc/4.0/",   /* not open */
        "http://rightsstatements.org/vocab/InC/1.0/",
        "HTTPS://CREATIVECOMMONS.ORG/PUBLICDOMAIN/ZERO/1.0/", /* not as the rule reads */
        "https://example.org/licenses_by/",                  /* '_' is no wildcard */
        "",
        NULL,
    };
    static const int32_t dates[][2] = {
        {1600, 1699}, {1650, VCM_NO_YEAR}, {VCM_NO_YEAR, VCM_NO_YEAR}, {-300, -201},
        {1700, 1800}, {1599, 1600}, {VCM_NO_YEAR, 1650}, {0, 0}, {-1000, 2000}, {1701, 1701},
        {1450, 1460},
    };
    size_t nr = sizeof rights / sizeof *rights, nd = sizeof dates / sizeof *dates;
    char sid[32];
    assert_int_equal(vcm_store_begin(f->s), 0);
    for (int i = 0; i < 230; i++) {
        snprintf(sid, sizeof sid, "F%d", i);
        vcm_object o = make_object(f, i % 4 ? kr : gb, vcm_arena_strdup(&f->a, sid), "Ceramics",
                                   0);
        o.rights = rights[(size_t)i % nr];
        o.date_start = dates[(size_t)(i / 3) % nd][0];
        o.date_end = dates[(size_t)(i / 3) % nd][1];
        o.status = i % 17 == 5 ? VCM_DRAFT : VCM_PUBLISHED;
        vcm_upsert r;
        assert_int_equal(f->s->ops->object_upsert(f->s, &o, "h", false, &r), 0);
        if (i % 7 == 2 || i % 11 == 0) {
            vcm_media m = {.file = "f.tif", .format = "tiff", .width = 10, .height = 20,
                           .identifier = vcm_arena_printf(&f->a, "img-%d", i)};
            assert_int_equal(f->s->ops->media_add(f->s, o.id, &m), 0);
        }
    }
    assert_int_equal(vcm_store_commit(f->s), 0);
    size_t nall;
    vcm_object *all = all_objects(f, &nall);
    assert_int_equal(nall, 230);

    vcm_filter cases[] = {
        {.image = VCM_YES},
        {.image = VCM_NO},
        {.open = VCM_YES},
        {.open = VCM_NO},
        {.has_date = true, .date_from = 1600, .date_to = 1700},
        {.has_date = true, .date_from = 1700, .date_to = 1700},
        {.has_date = true, .date_from = -500, .date_to = -250},
        {.has_date = true, .date_from = 1650, .date_to = 1650},
        {.has_date = true, .date_from = 2001, .date_to = 3000},
        {.image = VCM_YES, .open = VCM_YES},
        {.image = VCM_NO, .open = VCM_NO, .has_date = true, .date_from = 1500, .date_to = 1800},
        {.country = "GB", .open = VCM_YES, .has_date = true, .date_from = -300, .date_to = 1600},
        {.country = "KR", .image = VCM_YES, .has_date = true, .date_from = 0, .date_to = 0},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        vcm_filter flt = cases[c];
        int64_t direct = 0;
        for (size_t i = 0; i < nall; i++)
            direct += selects(&flt, &all[i]);
        if (c < 8 && direct == 0)
            fail_msg("case %zu selects nothing: the fixture should make it select some", c);
        int64_t n;
        assert_int_equal(f->s->ops->object_count(f->s, &flt, &n), 0);
        if (n != direct)
            fail_msg("case %zu: count %lld, direct %lld", c, (long long)n, (long long)direct);
        /* the list holds exactly those objects */
        flt.limit = 1000;
        vcm_object *list;
        size_t got;
        assert_int_equal(f->s->ops->object_list(f->s, &f->a, &flt, &list, &got), 0);
        assert_int_equal(got, direct);
        for (size_t i = 0; i < got; i++)
            if (!selects(&flt, &list[i]))
                fail_msg("case %zu: object %lld listed", c, (long long)list[i].id);
        /* and the facets count them */
        vcm_facets fc;
        assert_int_equal(f->s->ops->object_facets(f->s, &f->a, &flt, &fc), 0);
        int64_t sum = 0;
        for (size_t i = 0; i < fc.nmuseum; i++)
            sum += fc.museum[i].count;
        assert_int_equal(sum, direct);
        /* the image and licence facets: each value's count is the count of
         * the filter with that value added */
        for (int kind = 0; kind < 2; kind++) {
            const vcm_facet *fs = kind ? fc.licence : fc.image;
            size_t nf = kind ? fc.nlicence : fc.nimage;
            int64_t total = 0;
            for (vcm_tri t = VCM_YES; t <= VCM_NO; t++) {
                vcm_filter more = cases[c];
                if (kind)
                    more.open = t;
                else
                    more.image = t;
                int64_t want = 0;
                if ((kind ? cases[c].open : cases[c].image) == VCM_ANY ||
                    (kind ? cases[c].open : cases[c].image) == t)
                    for (size_t i = 0; i < nall; i++)
                        want += selects(&more, &all[i]);
                const char *value = kind ? (t == VCM_YES ? "open" : "other")
                                         : (t == VCM_YES ? "yes" : "no");
                int64_t got_count = 0;
                for (size_t i = 0; i < nf; i++)
                    if (strcmp(fs[i].value, value) == 0)
                        got_count = fs[i].count;
                if (got_count != want)
                    fail_msg("case %zu: facet %s=%s counts %lld, direct %lld", c,
                             kind ? "licence" : "image", value, (long long)got_count,
                             (long long)want);
                total += got_count;
            }
            assert_int_equal(total, direct);
        }
    }
    free(all);

    /* material is read from the stored concepts (object_terms), which the
     * layer with the thesaurus writes: none here, so none match, even when
     * the same filter without it is in the cache */
    vcm_filter mat = {.country = "KR", .material = "jade"};
    vcm_filter plain = {.country = "KR"};
    int64_t n;
    vcm_facets fc;
    vcm_object *list;
    size_t got;
    assert_int_equal(f->s->ops->object_count(f->s, &plain, &n), 0);
    assert_true(n > 0);
    assert_int_equal(f->s->ops->object_facets(f->s, &f->a, &plain, &fc), 0);
    assert_int_equal(f->s->ops->object_count(f->s, &mat, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(f->s->ops->object_facets(f->s, &f->a, &mat, &fc), 0);
    assert_int_equal(fc.nmuseum, 0);
    assert_int_equal(fc.nmaterial, 0);
    assert_int_equal(f->s->ops->object_list(f->s, &f->a, &mat, &list, &got), 0);
    assert_int_equal(got, 0);
    /* and the connection goes on */
    assert_int_equal(f->s->ops->object_count(f->s, &plain, &n), 0);
}

/* Cached counts follow writes made through another connection. */
static void test_cache_follows_other_connections(void **state)
{
    struct fx *f = *state;
    int64_t mid = add_museum(f, "Museum", "TH");
    vcm_stats st;
    assert_int_equal(f->s->ops->stats(f->s, &st), 0);
    assert_int_equal(st.objects, 0);
    vcm_museum m;
    assert_int_equal(f->s->ops->museum_get(f->s, &f->a, mid, &m), 1);
    assert_int_equal(m.objects, 0);

    char err[600];
    vcm_store *w = vcm_store_open(f->url, err, sizeof err);
    assert_non_null(w);
    vcm_object o = make_object(f, mid, "T-1", "Sculpture", 1700);
    vcm_upsert r;
    assert_int_equal(w->ops->begin(w), 0);
    assert_int_equal(w->ops->object_upsert(w, &o, "h", false, &r), 0);
    assert_int_equal(w->ops->commit(w), 0);
    vcm_store_close(w);

    assert_int_equal(f->s->ops->stats(f->s, &st), 0);
    assert_int_equal(st.objects, 1);
    assert_int_equal(f->s->ops->museum_get(f->s, &f->a, mid, &m), 1);
    assert_int_equal(m.objects, 1);
    vcm_country c;
    assert_int_equal(f->s->ops->country_get(f->s, &f->a, "TH", &c), 1);
    assert_int_equal(c.objects, 1);
}

/* A connection holds one statement for each filter shape it met, not one
 * for each shape there could be (the slot tables of the drivers); the same
 * shape with other values reuses its statement. */
static void test_prepared_follow_shapes(void **state)
{
    struct fx *f = *state;
    int64_t mid = add_museum(f, "Museum", "TH");
    vcm_filter shapes[] = {
        {.country = "TH"},
        {.museum = mid},
        {.century = 17},
        {.material = "jade"},
        {.image = VCM_YES},
        {.open = VCM_NO},
        {.material = "jade", .century = 17},
        {.any_status = true, .material = "jade", .image = VCM_NO},
        {.regions = 1u << VCM_REGION_ASIA, .material = "celadon"},
    };
    vcm_filter again[] = {
        {.country = "KR"},
        {.museum = mid + 1},
        {.century = 18},
        {.material = "celadon"},
        {.image = VCM_NO},
        {.open = VCM_YES},
        {.material = "silk", .century = 3},
        {.any_status = true, .material = "silk", .image = VCM_YES},
        {.regions = 1u << VCM_REGION_EUROPE, .material = "jade"},
    };
    size_t n = sizeof shapes / sizeof shapes[0];
    int64_t c;
    assert_int_equal(f->s->ops->object_count(f->s, &(vcm_filter){0}, &c), 0);
    size_t before = vcm_store_prepared(f->s);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(f->s->ops->object_count(f->s, &shapes[i], &c), 0);
    assert_int_equal(vcm_store_prepared(f->s), before + n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(f->s->ops->object_count(f->s, &again[i], &c), 0);
    assert_int_equal(vcm_store_prepared(f->s), before + n);
    /* a list and a count of one shape are two statements */
    vcm_object *list;
    size_t got;
    assert_int_equal(f->s->ops->object_list(f->s, &f->a, &shapes[3], &list, &got), 0);
    assert_int_equal(vcm_store_prepared(f->s), before + n + 1);
}

/* A rolled-back transaction leaves nothing behind. */
static void test_rollback(void **state)
{
    struct fx *f = *state;
    int64_t mid = add_museum(f, "Museum", "VN");
    assert_int_equal(vcm_store_begin(f->s), 0);
    vcm_object o = make_object(f, mid, "R-1", "Textiles", 1900);
    vcm_upsert r;
    assert_int_equal(f->s->ops->object_upsert(f->s, &o, "h", false, &r), 0);
    assert_int_equal(vcm_store_rollback(f->s), 0);
    vcm_stats st;
    assert_int_equal(f->s->ops->stats(f->s, &st), 0);
    assert_int_equal(st.objects_all, 0);
}

/* Two objects alike in what they hold (the fields pages show). */
static void assert_same_object(const vcm_object *a, const vcm_object *b)
{
    assert_int_equal(a->id, b->id);
    assert_string_equal(a->source_id, b->source_id);
    assert_string_equal(a->museum_name, b->museum_name);
    assert_string_equal(a->country, b->country);
    assert_int_equal(a->date_start, b->date_start);
    const vcm_ltexts *ta[] = {&a->title, &a->description, &a->statement};
    const vcm_ltexts *tb[] = {&b->title, &b->description, &b->statement};
    for (size_t k = 0; k < 3; k++) {
        assert_int_equal(ta[k]->n, tb[k]->n);
        for (size_t i = 0; i < ta[k]->n; i++) {
            assert_string_equal(ta[k]->v[i].lang, tb[k]->v[i].lang);
            assert_string_equal(ta[k]->v[i].text, tb[k]->v[i].text);
        }
    }
    assert_int_equal(a->ncreators, b->ncreators);
    for (size_t i = 0; i < a->ncreators; i++)
        assert_string_equal(a->creators[i], b->creators[i]);
    assert_int_equal(a->nmedia, b->nmedia);
    for (size_t i = 0; i < a->nmedia; i++) {
        assert_int_equal(a->media[i].id, b->media[i].id);
        assert_string_equal(a->media[i].file, b->media[i].file);
    }
}

/* A page of objects at once (a page of search hits): what object_get
 * answers for each, in the order asked, an unknown id left out, and on a
 * server in at most three round trips, not four for each object. Written
 * in one transaction, read before its commit too: rows gathered for one
 * bulk write are visible to the transaction's own reads. */
static void test_object_get_many(void **state)
{
    struct fx *f = *state;
    int64_t mid = add_museum(f, "Museum of Pages", "KR");
    enum { N = 20, ASK = N + 2 };
    int64_t ids[ASK];
    assert_int_equal(vcm_store_begin(f->s), 0);
    for (int i = 0; i < N; i++) {
        char *sid = vcm_arena_printf(&f->a, "P-%d", i);
        vcm_object o = make_object(f, mid, sid, "Ceramics", 1100 + i);
        o.ncreators = (size_t)(i % 3);
        vcm_upsert r;
        assert_int_equal(f->s->ops->object_upsert(f->s, &o, sid, false, &r), 0);
        assert_int_equal(r, VCM_UPSERT_INSERTED);
        ids[N - 1 - i] = o.id;
    }
    vcm_media m = {.file = "p.tif", .format = "tiff", .width = 10, .height = 20,
                   .identifier = "page-1"};
    assert_int_equal(f->s->ops->media_add(f->s, ids[3], &m), 0);
    vcm_object in_tx;
    assert_int_equal(f->s->ops->object_get(f->s, &f->a, ids[0], &in_tx), 1);
    assert_string_equal(in_tx.source_id, "P-19");
    assert_int_equal(vcm_store_commit(f->s), 0);
    /* ids follow one another on both engines: what a transaction drew and
     * did not use is not lost */
    for (int i = 1; i < N; i++)
        assert_int_equal(ids[i - 1], ids[i] + 1);
    vcm_object next = make_object(f, mid, "P-next", "Ceramics", 1200);
    vcm_upsert nr;
    assert_int_equal(f->s->ops->object_upsert(f->s, &next, "n", false, &nr), 0);
    assert_int_equal(next.id, ids[0] + 1);
    ids[N] = ids[N - 1] + 1000; /* no such object */
    ids[N + 1] = ids[5];        /* asked twice */

    vcm_object out[ASK];
    bool found[ASK];
    int64_t before = vcm_store_round_trips(f->s);
    assert_int_equal(f->s->ops->object_get_many(f->s, &f->a, ids, ASK, out, found), 0);
    int64_t trips = vcm_store_round_trips(f->s) - before;
    if (trips > 3)
        fail_msg("%d objects read in %lld round trips", ASK, (long long)trips);
    for (int i = 0; i < ASK; i++) {
        if (i == N) {
            assert_false(found[i]);
            continue;
        }
        assert_true(found[i]);
        vcm_object g;
        assert_int_equal(f->s->ops->object_get(f->s, &f->a, ids[i], &g), 1);
        assert_same_object(&out[i], &g);
    }
    assert_int_equal(out[3].nmedia, 1);
    assert_string_equal(out[3].media[0].identifier, "page-1");
    assert_int_equal(out[0].ncreators, 19 % 3);
    /* a page of the browse list reads the same way */
    vcm_filter flt = {.museum = mid, .limit = 50};
    vcm_object *list;
    size_t n;
    assert_int_equal(f->s->ops->object_list(f->s, &f->a, &flt, &list, &n), 0);
    before = vcm_store_round_trips(f->s); /* once prepared: the list, then the page */
    assert_int_equal(f->s->ops->object_list(f->s, &f->a, &flt, &list, &n), 0);
    assert_int_equal(n, N + 1); /* with P-next */
    if (vcm_store_round_trips(f->s) - before > 4)
        fail_msg("a list of %d objects took %lld round trips", N,
                 (long long)(vcm_store_round_trips(f->s) - before));
    assert_same_object(&list[0], &out[N - 1]);
}

/* Writes gathered for one bulk write keep the meaning of each call: the
 * same record twice in one transaction is inserted then updated, a
 * rollback leaves nothing, and a record another connection stored between
 * two transactions is found, not stored twice. */
static void test_gathered_writes(void **state)
{
    struct fx *f = *state;
    int64_t mid = add_museum(f, "Museum", "JP");
    vcm_upsert r;
    assert_int_equal(vcm_store_begin(f->s), 0);
    vcm_object o = make_object(f, mid, "G-1", "Lacquer", 1700);
    assert_int_equal(f->s->ops->object_upsert(f->s, &o, "g1", false, &r), 0);
    assert_int_equal(r, VCM_UPSERT_INSERTED);
    int64_t id = o.id;
    o = make_object(f, mid, "G-1", "Lacquerware", 1700);
    assert_int_equal(f->s->ops->object_upsert(f->s, &o, "g2", false, &r), 0);
    assert_int_equal(r, VCM_UPSERT_UPDATED);
    assert_int_equal(o.id, id);
    assert_int_equal(vcm_store_commit(f->s), 0);
    vcm_object g;
    assert_int_equal(f->s->ops->object_get(f->s, &f->a, id, &g), 1);
    assert_string_equal(g.classification, "Lacquerware");
    assert_int_equal(g.title.n, 2);

    assert_int_equal(vcm_store_begin(f->s), 0);
    o = make_object(f, mid, "G-2", "Lacquer", 1700);
    assert_int_equal(f->s->ops->object_upsert(f->s, &o, "g", false, &r), 0);
    assert_int_equal(vcm_store_rollback(f->s), 0);
    vcm_stats st;
    assert_int_equal(f->s->ops->stats(f->s, &st), 0);
    assert_int_equal(st.objects_all, 1);

    char err[600];
    vcm_store *other = vcm_store_open(f->url, err, sizeof err);
    assert_non_null(other);
    o = make_object(f, mid, "G-3", "Lacquer", 1700);
    assert_int_equal(other->ops->object_upsert(other, &o, "g3", false, &r), 0);
    assert_int_equal(r, VCM_UPSERT_INSERTED);
    int64_t id3 = o.id;
    vcm_store_close(other);
    assert_int_equal(vcm_store_begin(f->s), 0);
    o = make_object(f, mid, "G-3", "Lacquer", 1700);
    assert_int_equal(f->s->ops->object_upsert(f->s, &o, "g3", false, &r), 0);
    assert_int_equal(r, VCM_UPSERT_UNCHANGED);
    assert_int_equal(o.id, id3);
    assert_int_equal(vcm_store_commit(f->s), 0);
    assert_int_equal(f->s->ops->stats(f->s, &st), 0);
    assert_int_equal(st.objects_all, 2);
}

/* Writes n museum records of two museums: B repeats A's first source ids,
 * so that a source id alone does not name one object. title_from: the
 * number the titles start at (another number: every record changed). */
static void write_records(const char *path, int n, int title_from)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    for (int i = 0; i < n; i++) {
        bool b = i >= n - n / 10;
        fprintf(fp, "{\"source_museum\": \"Museum %s\", \"source_country\": \"GB\", "
                    "\"source_id\": \"S%d\", \"title\": \"Title %d\", \"artist\": \"Maker %d\", "
                    "\"date_start\": 1900, \"date_end\": 1950}\n",
                b ? "B" : "A", b ? i - (n - n / 10) : i, title_from + i, i % 7);
    }
    fclose(fp);
}

static int64_t import_file(struct fx *f, const char *path, int batch, vcm_import_stats *st)
{
    vcm_import_opts o = {.batch = batch};
    char err[600];
    int64_t before = vcm_store_round_trips(f->s);
    if (vcm_import_jsonl(f->s, path, &o, st, err, sizeof err) < 0)
        fail_msg("import: %s", err);
    return vcm_store_round_trips(f->s) - before;
}

/* An import costs a few requests per batch on a server, not one or more
 * per record: new records need no look-up (the known keys), and a re-import
 * reads the stored rows of what comes in one request for many records. */
static void test_import_round_trips(void **state)
{
    struct fx *f = *state;
    enum { N = 3000 };
    char path[600];
    snprintf(path, sizeof path, "%s/records.jsonl", f->dir);
    write_records(path, N, 0);
    vcm_import_stats st;
    int64_t fresh = import_file(f, path, 1000, &st);
    assert_int_equal(st.inserted, N);
    int64_t again = import_file(f, path, 1000, &st);
    assert_int_equal(st.unchanged, N);
    write_records(path, N, 1);
    import_file(f, path, 1000, &st);
    assert_int_equal(st.updated, N);
    if (fresh > N / 30 || again > N / 30)
        fail_msg("%d records: %lld round trips to import, %lld to import again; at most %d each",
                 N, (long long)fresh, (long long)again, N / 30);
    /* what is stored is what the last file says, numbered in file order */
    vcm_stats s;
    assert_int_equal(f->s->ops->stats(f->s, &s), 0);
    assert_int_equal(s.objects_all, N);
    int64_t ids[4];
    size_t n;
    assert_int_equal(f->s->ops->object_by_source_id(f->s, "S5", ids, 4, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(ids[0], 6);
    assert_int_equal(ids[1], N - N / 10 + 6);
    vcm_object o;
    assert_int_equal(f->s->ops->object_get(f->s, &f->a, ids[1], &o), 1);
    char want[64];
    snprintf(want, sizeof want, "Title %d", N - N / 10 + 5 + 1);
    assert_string_equal(o.title.v[0].text, want);
    assert_int_equal(o.ncreators, 1);
}

/* What was read ahead answers the look-ups of a transaction until its
 * source id is written: a record that comes twice is found as the first
 * left it. */
static void test_read_ahead(void **state)
{
    struct fx *f = *state;
    int64_t ma = add_museum(f, "Museum A", "GB"), mb = add_museum(f, "Museum B", "GB");
    vcm_upsert r;
    vcm_object o = make_object(f, ma, "X1", "Glass", 1800);
    assert_int_equal(f->s->ops->object_upsert(f->s, &o, "h1", false, &r), 0);
    int64_t x1 = o.id;
    o = make_object(f, mb, "X2", "Glass", 1800);
    assert_int_equal(f->s->ops->object_upsert(f->s, &o, "h2", false, &r), 0);

    assert_int_equal(vcm_store_begin(f->s), 0);
    const char *sids[] = {"X1", "X2", "X3", "X1", "X3"};
    assert_int_equal(f->s->ops->object_expect(f->s, sids, 5), 0);
    struct { int64_t museum; const char *sid, *hash; vcm_upsert want; } steps[] = {
        {ma, "X1", "h1", VCM_UPSERT_UNCHANGED}, /* stored, same */
        {ma, "X2", "h2", VCM_UPSERT_INSERTED},  /* stored in the other museum only */
        {ma, "X3", "h3", VCM_UPSERT_INSERTED},  /* new */
        {ma, "X1", "h1b", VCM_UPSERT_UPDATED},  /* changed */
        {ma, "X1", "h1b", VCM_UPSERT_UNCHANGED}, /* as the last one left it */
        {ma, "X3", "h3", VCM_UPSERT_UNCHANGED}, /* as this transaction wrote it */
        {ma, "X3", "h3b", VCM_UPSERT_UPDATED},
    };
    int64_t x3 = 0;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        o = make_object(f, steps[i].museum, steps[i].sid, "Glass", 1800);
        assert_int_equal(f->s->ops->object_upsert(f->s, &o, steps[i].hash, false, &r), 0);
        if (r != steps[i].want)
            fail_msg("step %zu (%s, %s): upsert answered %d, not %d", i, steps[i].sid,
                     steps[i].hash, (int)r, (int)steps[i].want);
        if (strcmp(steps[i].sid, "X1") == 0)
            assert_int_equal(o.id, x1);
        if (strcmp(steps[i].sid, "X3") == 0) {
            if (x3)
                assert_int_equal(o.id, x3);
            x3 = o.id;
        }
    }
    assert_int_equal(vcm_store_commit(f->s), 0);
    vcm_stats st;
    assert_int_equal(f->s->ops->stats(f->s, &st), 0);
    assert_int_equal(st.objects_all, 4);
    /* what was read holds no longer in the next transaction */
    o = make_object(f, mb, "X4", "Glass", 1800);
    assert_int_equal(f->s->ops->object_upsert(f->s, &o, "h4", false, &r), 0);
    assert_int_equal(vcm_store_begin(f->s), 0);
    o = make_object(f, mb, "X4", "Glass", 1800);
    assert_int_equal(f->s->ops->object_upsert(f->s, &o, "h4", false, &r), 0);
    assert_int_equal(r, VCM_UPSERT_UNCHANGED);
    assert_int_equal(vcm_store_commit(f->s), 0);
}

/* Rows a bulk write refuses (here an object of a museum that does not
 * exist) fail the transaction, with the engine's reason, by the call that
 * wrote them or at the latest by the commit; the rollback leaves nothing
 * and the next transaction works. */
static void test_bulk_write_refused(void **state)
{
    struct fx *f = *state;
    int64_t mid = add_museum(f, "Museum", "GB");
    size_t ti = 4;
    assert_string_equal(vcm_store_tables[ti].name, "objects");
    vcm_value row[24];
    for (size_t i = 0; i < 24; i++)
        row[i] = (vcm_value){.type = VCM_V_NULL};
    row[0] = (vcm_value){.type = VCM_V_INT, .i = 1};
    row[1] = (vcm_value){.type = VCM_V_INT, .i = mid + 1000};
    row[2] = (vcm_value){.type = VCM_V_TEXT, .t = "B-1"};
    row[20] = (vcm_value){.type = VCM_V_TEXT, .t = "published"};
    row[21] = row[22] = (vcm_value){.type = VCM_V_INT, .i = 1};
    row[23] = (vcm_value){.type = VCM_V_TEXT, .t = "h"};
    assert_int_equal(vcm_store_begin(f->s), 0);
    int rc = f->s->ops->table_put(f->s, ti, row);
    if (rc == 0)
        rc = vcm_store_commit(f->s);
    assert_int_equal(rc, -1);
    const char *e = vcm_store_error(f->s);
    if (!strstr(e, "foreign key") && !strstr(e, "FOREIGN KEY"))
        fail_msg("the error does not say which rule the row broke: %s", e);
    assert_int_equal(vcm_store_rollback(f->s), 0);
    vcm_stats st;
    assert_int_equal(f->s->ops->stats(f->s, &st), 0);
    assert_int_equal(st.objects_all, 0);
    assert_int_equal(vcm_store_begin(f->s), 0);
    vcm_object o = make_object(f, mid, "B-2", "Glass", 1800);
    vcm_upsert r;
    assert_int_equal(f->s->ops->object_upsert(f->s, &o, "h", false, &r), 0);
    assert_int_equal(vcm_store_commit(f->s), 0);
    assert_int_equal(f->s->ops->stats(f->s, &st), 0);
    assert_int_equal(st.objects_all, 1);
}

/* The change sequence: every committed write moves its object to the end;
 * unchanged upserts and rolled-back ones leave it as it was. */
static void test_change_sequence(void **state)
{
    struct fx *f = *state;
    const struct vcm_store_ops *op = f->s->ops;
    int64_t head, ids[8], seqs[8];
    size_t n;
    char inst[33], inst2[33];
    assert_int_equal(op->instance_id(f->s, inst), 0);
    assert_int_equal(strlen(inst), 32);
    assert_int_equal(op->change_head(f->s, &head), 0);
    assert_int_equal(head, 0);
    int64_t mid = add_museum(f, "Museum", "KR");
    vcm_object a = make_object(f, mid, "C-1", "Ceramics", 1400);
    vcm_object b = make_object(f, mid, "C-2", "Ceramics", 1500);
    vcm_upsert r;
    assert_int_equal(op->object_upsert(f->s, &a, "h1", false, &r), 0);
    assert_int_equal(op->object_upsert(f->s, &b, "h2", false, &r), 0);
    assert_int_equal(op->changes_since(f->s, 0, ids, seqs, 8, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(ids[0], a.id);
    assert_int_equal(ids[1], b.id);
    assert_true(seqs[0] < seqs[1]);
    int64_t mark = seqs[1];
    assert_int_equal(op->object_upsert(f->s, &a, "h1", false, &r), 0); /* unchanged */
    assert_int_equal(op->changes_since(f->s, mark, ids, seqs, 8, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(op->object_upsert(f->s, &a, "h1b", false, &r), 0);
    assert_int_equal(op->changes_since(f->s, mark, ids, seqs, 8, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], a.id);
    assert_int_equal(op->change_head(f->s, &head), 0);
    assert_int_equal(head, seqs[0]);
    assert_int_equal(op->changes_since(f->s, 0, ids, seqs, 8, &n), 0);
    assert_int_equal(n, 2); /* a's first seq is forgotten */
    assert_int_equal(ids[0], b.id);
    assert_int_equal(op->changes_since(f->s, 0, ids, seqs, 1, &n), 0);
    assert_int_equal(n, 1);

    vcm_media m = {.identifier = "c-1", .file = "c-1.tif", .format = "image/jpeg"};
    assert_int_equal(op->media_add(f->s, b.id, &m), 0);
    assert_int_equal(op->changes_since(f->s, head, ids, seqs, 8, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], b.id);
    assert_int_equal(op->change_head(f->s, &head), 0);

    assert_int_equal(vcm_store_begin(f->s), 0);
    assert_int_equal(op->object_upsert(f->s, &a, "h1c", false, &r), 0);
    assert_int_equal(vcm_store_rollback(f->s), 0);
    int64_t after;
    assert_int_equal(op->change_head(f->s, &after), 0);
    assert_int_equal(after, head);
    assert_int_equal(op->instance_id(f->s, inst2), 0);
    assert_string_equal(inst, inst2);
}

static int count_row(void *ud, const vcm_value *row)
{
    (void)row;
    ++*(int64_t *)ud;
    return 0;
}

/* begin_read: a snapshot that a write by another connection does not
 * change, and that does not hold the writer up; raw rows read back as
 * they were written. */
static void test_read_snapshot_and_raw_rows(void **state)
{
    struct fx *f = *state;
    int64_t mid = add_museum(f, "Museum", "JP");
    char err[600];
    vcm_store *w = vcm_store_open(f->url, err, sizeof err);
    assert_non_null(w);
    size_t objects = 0;
    while (strcmp(vcm_store_tables[objects].name, "objects") != 0)
        objects++;
    assert_int_equal(f->s->ops->begin_read(f->s), 0);
    int64_t n = 0;
    assert_int_equal(f->s->ops->table_scan(f->s, objects, count_row, &n), 0);
    assert_int_equal(n, 0);
    vcm_object o = make_object(f, mid, "SN-1", "Prints", 1800);
    vcm_upsert r;
    assert_int_equal(w->ops->begin(w), 0);
    assert_int_equal(w->ops->object_upsert(w, &o, "h", false, &r), 0);
    assert_int_equal(w->ops->commit(w), 0);
    n = 0;
    assert_int_equal(f->s->ops->table_scan(f->s, objects, count_row, &n), 0);
    assert_int_equal(n, 0); /* still the snapshot */
    assert_int_equal(vcm_store_rollback(f->s), 0);
    n = 0;
    assert_int_equal(f->s->ops->table_scan(f->s, objects, count_row, &n), 0);
    assert_int_equal(n, 1);
    vcm_store_close(w);
}

/* Every table of the schema is one db copy moves, or one it leaves on
 * purpose: a table added by a migration cannot be forgotten. */
static void test_every_table_copied(void **state)
{
    struct fx *f = *state;
    char *out;
    assert_int_equal(vt_db_sql(&out, f->url,
                               vt_pg() ? "SELECT table_name FROM information_schema.tables "
                                         "WHERE table_schema = current_schema() ORDER BY 1"
                                       : "SELECT name FROM sqlite_master WHERE type = 'table' "
                                         "UNION ALL SELECT name FROM ops.sqlite_master "
                                         "WHERE type = 'table' ORDER BY 1"),
                     0);
    static const char *const own[] = {"schema_migrations", "meta", "data_version",
                                      "sqlite_sequence"};
    int seen = 0;
    char *save = NULL;
    for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        bool listed = false;
        for (size_t i = 0; i < vcm_store_ntables; i++)
            listed = listed || strcmp(vcm_store_tables[i].name, line) == 0;
        for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
            listed = listed || strcmp(own[i], line) == 0;
        if (!listed)
            fail_msg("table %s is not in vcm_store_tables (store.c): vcm db copy would leave it", line);
        seen++;
    }
    assert_true(seen >= (int)vcm_store_ntables);
    free(out);
}

/* Passwords never reach messages or logs. */
static void test_url_redact(void **state)
{
    (void)state;
    char out[200];
    vcm_store_url_redact("postgres://vcm:s3cret@db:5432/vcm", out, sizeof out);
    assert_string_equal(out, "postgres://vcm:***@db:5432/vcm");
    vcm_store_url_redact("postgresql://vcm:p@ss:w@db/vcm?sslmode=require", out, sizeof out);
    assert_string_equal(out, "postgresql://vcm:***@db/vcm?sslmode=require");
    vcm_store_url_redact("postgres://vcm@db/vcm", out, sizeof out);
    assert_string_equal(out, "postgres://vcm@db/vcm");
    vcm_store_url_redact("sqlite:var/a:b@c.db", out, sizeof out);
    assert_string_equal(out, "sqlite:var/a:b@c.db");
}

/* The tables vcm db copy moves: one type letter a column, keys in range. */
static void test_table_descriptions(void **state)
{
    (void)state;
    assert_true(vcm_store_ntables >= 10);
    for (size_t i = 0; i < vcm_store_ntables; i++) {
        const vcm_table *t = &vcm_store_tables[i];
        assert_int_equal(strlen(t->types), t->ncols);
        assert_true(t->nkey >= 1 && t->nkey <= t->ncols);
        assert_int_equal(strspn(t->types, "irt"), t->ncols);
    }
}

/* The layer rule: no SQL, SQLite or libpq outside src/store/. */
static void test_no_sql_outside_store(void **state)
{
    (void)state;
    char *out;
    vt_sh(&out, "grep -rlE 'sqlite3|libpq-fe|PGconn|SELECT |INSERT INTO' src --include='*.[ch]' "
                "| grep -v '^src/store/' || true");
    if (*out)
        fail_msg("SQL outside src/store/: %s", out);
    free(out);
}

/* Reading every table raw (vcm db copy, the tests' dumps) and the accounts'
 * statements on one connection, in both orders: each keeps its own
 * prepared statements. Before the raw tables had slots for all of them, a
 * scan of every table left the outbox's insert running a table's select:
 * the mail was lost and the insert said it had worked. */
static void scan_all(vcm_store *s, int64_t *outbox)
{
    assert_int_equal(s->ops->begin_read(s), 0);
    for (size_t t = 0; t < vcm_store_ntables; t++) {
        int64_t n = 0;
        if (s->ops->table_scan(s, t, count_row, &n) < 0)
            fail_msg("scanning %s: %s", vcm_store_tables[t].name, vcm_store_error(s));
        if (strcmp(vcm_store_tables[t].name, "outbox") == 0)
            *outbox = n;
    }
    assert_int_equal(vcm_store_rollback(s), 0);
}

static void test_raw_tables_and_accounts_apart(void **state)
{
    struct fx *f = *state;
    int64_t mails = -1, id1 = 0, id2 = 0;
    scan_all(f->s, &mails);
    assert_int_equal(mails, 0);
    assert_int_equal(vcm_outbox_add(f->s, "a@example.org", "first", "one", &id1), 0);
    assert_true(id1 > 0);
    scan_all(f->s, &mails);
    assert_int_equal(mails, 1);
    assert_int_equal(vcm_outbox_add(f->s, "a@example.org", "second", "two", &id2), 0);
    assert_true(id2 > id1);
    vcm_mail *m;
    size_t n;
    assert_int_equal(vcm_outbox_list(f->s, &f->a, "a@example.org", 10, &m, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(m[0].subject, "second");
    assert_string_equal(m[1].subject, "first");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_migrates_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_raw_tables_and_accounts_apart, setup, teardown),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test_setup_teardown(test_country_and_museum, setup, teardown),
        cmocka_unit_test_setup_teardown(test_object_upsert_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keep_times_and_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_object_stamps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filters_facets_cursor, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filters_image_licence_date, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cache_follows_other_connections, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rollback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prepared_follow_shapes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_object_get_many, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gathered_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_change_sequence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_snapshot_and_raw_rows, setup, teardown),
        cmocka_unit_test(test_table_descriptions),
        cmocka_unit_test(test_url_redact),
        cmocka_unit_test_setup_teardown(test_every_table_copied, setup, teardown),
        cmocka_unit_test(test_no_sql_outside_store),
        cmocka_unit_test_setup_teardown(test_import_round_trips, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_ahead, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bulk_write_refused, setup, teardown),
    };
    return cmocka_run_group_tests_name(vt_pg() ? "store/postgres" : "store/sqlite", tests, NULL,
                                       NULL);
}
