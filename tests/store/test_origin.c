/* Origins in the store, on a SQLite file or (VCM_TEST_PG) PostgreSQL: derived
 * when an object is written and again when it changes, read with it, the
 * origin filter and its facets, and the filling of objects stored before
 * migration 6 (at the next open, and by vcm_store_origins_derive). */
#include "testutil.h"

#include "core/arena.h"
#include "model/country.h"
#include "store/store.h"

struct fx {
    char *dir;
    char url[900];
    vcm_store *s;
    vcm_arena a;
    int64_t museum;
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
    vcm_country c;
    assert_int_equal(vcm_country_from_code(&c, &f->a, "US"), 0);
    assert_int_equal(f->s->ops->country_upsert(f->s, &c), 0);
    vcm_museum m = {0};
    memcpy(m.country, "US", 3);
    vcm_ltexts_add(&m.names, &f->a, "en", "A Museum");
    bool created;
    assert_int_equal(f->s->ops->museum_ensure(f->s, &m, &created), 0);
    f->museum = m.id;
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

static int64_t put(struct fx *f, const char *sid, const char *culture, const char *creator,
                   const char *hash)
{
    vcm_object o;
    vcm_object_init(&o);
    o.museum_id = f->museum;
    o.source_id = sid;
    o.culture = culture;
    vcm_ltexts_add(&o.title, &f->a, "en", "Bowl");
    static const char *cr[1];
    cr[0] = creator;
    o.creators = cr;
    o.ncreators = creator ? 1 : 0;
    vcm_upsert u;
    assert_int_equal(vcm_store_begin(f->s), 0);
    assert_int_equal(f->s->ops->object_upsert(f->s, &o, hash, false, &u), 0);
    assert_int_equal(vcm_store_commit(f->s), 0);
    return o.id;
}

static void get(struct fx *f, int64_t id, vcm_object *o)
{
    assert_int_equal(f->s->ops->object_get(f->s, &f->a, id, o), 1);
}

static int64_t count(struct fx *f, const char *origin)
{
    vcm_filter flt = {0};
    assert_int_equal(vcm_filter_origin_parse(&flt, origin, strlen(origin)), 0);
    int64_t n;
    assert_int_equal(f->s->ops->object_count(f->s, &flt, &n), 0);
    vcm_object *list;
    size_t nl;
    flt.limit = 100;
    assert_int_equal(f->s->ops->object_list(f->s, &f->a, &flt, &list, &nl), 0);
    assert_int_equal((int64_t)nl, n);
    return n;
}

static void test_written_and_read(void **state)
{
    struct fx *f = *state;
    int64_t ming = put(f, "1", "China, Ming dynasty (1368–1644)", NULL, "h1");
    int64_t tate = put(f, "2", "artist born in Sayda, Al-Lubnan", NULL, "h2");
    int64_t none = put(f, "3", NULL, NULL, "h3");
    int64_t artist = put(f, "4", NULL, "Suzuki Harunobu (Japanese, 1725–1770)", "h4");
    vcm_object o;
    get(f, ming, &o);
    assert_string_equal(o.origin.country, "CN");
    assert_int_equal(o.origin.region, VCM_ORIGIN_EAST_ASIA);
    assert_string_equal(o.origin.culture, "period:ming");
    assert_string_equal(o.origin.rule, "culture:place");
    get(f, tate, &o);
    assert_string_equal(o.origin.country, "LB");
    assert_int_equal(o.origin.region, VCM_ORIGIN_WEST_ASIA);
    assert_string_equal(o.origin.rule, "culture:birthplace");
    get(f, none, &o);
    assert_string_equal(o.origin.country, "");
    assert_int_equal(o.origin.region, VCM_ORIGIN_NONE);
    assert_string_equal(o.origin.rule, "");
    get(f, artist, &o);
    assert_string_equal(o.origin.country, "JP");
    assert_string_equal(o.origin.rule, "artist-nationality");
    /* a record that changes is derived again */
    assert_int_equal(put(f, "1", "Korea, Goryeo dynasty (918–1392)", NULL, "h1b"), ming);
    get(f, ming, &o);
    assert_string_equal(o.origin.country, "KR");
    assert_string_equal(o.origin.culture, "period:goryeo");
    char *out;
    assert_int_equal(vt_db_sql(&out, f->url, "SELECT count(*) FROM object_origins"), 0);
    assert_int_equal(atoi(out), 4);
    free(out);
}

static void test_filter_and_facets(void **state)
{
    struct fx *f = *state;
    put(f, "1", "China, Qing dynasty", NULL, "h1");
    put(f, "2", "China", NULL, "h2");
    put(f, "3", "Japan, Edo period", NULL, "h3");
    put(f, "4", "India (Gujarat)", NULL, "h4");
    put(f, "5", "Central Asia", NULL, "h5");
    put(f, "6", "French", NULL, "h6");
    put(f, "7", NULL, NULL, "h7");
    assert_int_equal(count(f, "east-asia"), 3);
    assert_int_equal(count(f, "CN"), 2);
    assert_int_equal(count(f, "cn"), 2);
    assert_int_equal(count(f, "JP,IN"), 2);
    assert_int_equal(count(f, "south-asia,central-asia"), 2);
    assert_int_equal(count(f, "europe,CN"), 3);
    assert_int_equal(count(f, "africa"), 0);
    assert_int_equal(count(f, "ZZ"), 0);
    /* with the museum's own filters: region= and country= still mean the museum */
    vcm_filter flt = {0};
    assert_int_equal(vcm_filter_origin_parse(&flt, "east-asia", 9), 0);
    memcpy(flt.country, "US", 3);
    int64_t n;
    assert_int_equal(f->s->ops->object_count(f->s, &flt, &n), 0);
    assert_int_equal(n, 3);
    memcpy(flt.country, "JP", 3);
    assert_int_equal(f->s->ops->object_count(f->s, &flt, &n), 0);
    assert_int_equal(n, 0);

    vcm_filter all = {0};
    vcm_facets fc;
    assert_int_equal(f->s->ops->object_facets(f->s, &f->a, &all, &fc), 0);
    assert_int_equal(fc.norigin, 4); /* east-asia, south-asia, central-asia, europe */
    assert_string_equal(fc.origin[0].value, "east-asia");
    assert_int_equal(fc.origin[0].count, 3);
    assert_int_equal(fc.norigin_country, 4); /* CN, FR, IN, JP */
    assert_string_equal(fc.origin_country[0].value, "CN");
    assert_int_equal(fc.origin_country[0].count, 2);
    /* facets under an origin filter */
    vcm_filter jp = {0};
    assert_int_equal(vcm_filter_origin_parse(&jp, "JP", 2), 0);
    assert_int_equal(f->s->ops->object_facets(f->s, &f->a, &jp, &fc), 0);
    assert_int_equal(fc.norigin_country, 1);
    assert_int_equal(fc.origin_country[0].count, 1);
}

/* The home page's origins alone: the same counts as the whole facets, before
 * and after them (one cache entry holds either), and new after a write. */
static void same_origins(const vcm_facets *a, const vcm_facets *b)
{
    assert_int_equal(a->norigin, b->norigin);
    assert_int_equal(a->norigin_country, b->norigin_country);
    for (size_t i = 0; i < a->norigin; i++) {
        assert_string_equal(a->origin[i].value, b->origin[i].value);
        assert_int_equal(a->origin[i].count, b->origin[i].count);
    }
    for (size_t i = 0; i < a->norigin_country; i++) {
        assert_string_equal(a->origin_country[i].value, b->origin_country[i].value);
        assert_int_equal(a->origin_country[i].count, b->origin_country[i].count);
    }
}

static void test_origins_alone(void **state)
{
    struct fx *f = *state;
    put(f, "1", "China, Qing dynasty", NULL, "h1");
    put(f, "2", "China", NULL, "h2");
    put(f, "3", "Japan, Edo period", NULL, "h3");
    vcm_filter all = {0};
    vcm_facets o, fc;
    assert_int_equal(f->s->ops->object_origins(f->s, &f->a, &all, &o), 0);
    assert_int_equal(o.norigin, 1);
    assert_int_equal(o.norigin_country, 2);
    assert_string_equal(o.origin_country[0].value, "CN");
    assert_int_equal(o.origin_country[0].count, 2);
    assert_int_equal(o.nmuseum + o.ncentury + o.nclassification + o.nmaterial, 0);
    /* the whole facets after the origins alone, then the origins from them */
    assert_int_equal(f->s->ops->object_facets(f->s, &f->a, &all, &fc), 0);
    assert_true(fc.nmuseum > 0);
    same_origins(&o, &fc);
    assert_int_equal(f->s->ops->object_origins(f->s, &f->a, &all, &o), 0);
    same_origins(&o, &fc);
    /* a write: counted again */
    put(f, "4", "India (Gujarat)", NULL, "h4");
    assert_int_equal(f->s->ops->object_origins(f->s, &f->a, &all, &o), 0);
    assert_int_equal(o.norigin, 2);
    assert_int_equal(o.norigin_country, 3);
    assert_int_equal(f->s->ops->object_facets(f->s, &f->a, &all, &fc), 0);
    same_origins(&o, &fc);
}

static void test_parse(void **state)
{
    (void)state;
    vcm_filter flt = {0};
    assert_int_equal(vcm_filter_origin_parse(&flt, "east-asia,kr", 12), 0);
    assert_int_equal(flt.origin_regions, 1u << VCM_ORIGIN_EAST_ASIA);
    assert_string_equal(flt.origin_countries[0], "KR");
    assert_int_equal(vcm_filter_origin_parse(&flt, "asia", 4), -1);
    assert_int_equal(vcm_filter_origin_parse(&flt, "", 0), -1);
    assert_int_equal(vcm_filter_origin_parse(&flt, "CN,", 3), -1);
    assert_int_equal(vcm_filter_origin_parse(&flt, "CN,JP,KR,IN,TH", 14), -1);
    assert_int_equal(vcm_filter_origin_parse(&flt, "C1", 2), -1);
    /* a refusal leaves the filter as it was */
    assert_string_equal(flt.origin_countries[0], "KR");
}

/* A database as it was before migration 6: its objects have no origins
 * until the store is opened again (which fills them), and a derivation of
 * all replaces each. */
static void test_fill_stored_objects(void **state)
{
    struct fx *f = *state;
    put(f, "1", "Korea, Joseon dynasty", NULL, "h1");
    put(f, "2", "Persian", NULL, "h2");
    vcm_store_close(f->s);
    const char *undo =
        "DROP TABLE object_origins; DELETE FROM schema_migrations WHERE version = 6;";
    char *out;
    if (vt_pg())
        assert_int_equal(vt_sh(&out, "psql -X -At -d '%s' -c '%s DROP FUNCTION "
                                     "vcm_origins_changed();'", f->url, undo), 0);
    else
        assert_int_equal(vt_sh(&out, "sqlite3 '%s' '%s'", f->url + 7, undo), 0);
    free(out);
    char err[600];
    f->s = vcm_store_open(f->url, err, sizeof err);
    if (!f->s)
        fail_msg("open: %s", err);
    assert_int_equal(count(f, "KR"), 1);
    assert_int_equal(count(f, "west-asia"), 1);
    int64_t changed;
    assert_int_equal(f->s->ops->change_head(f->s, &changed), 0);
    /* again, all of them: the same origins, and changes for the search */
    int64_t n;
    assert_int_equal(vcm_store_origins_derive(f->s, true, &n), 0);
    assert_int_equal(n, 2);
    int64_t head;
    assert_int_equal(f->s->ops->change_head(f->s, &head), 0);
    assert_true(head > changed);
    assert_int_equal(vcm_store_origins_derive(f->s, false, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(count(f, "KR"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_written_and_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filter_and_facets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_origins_alone, setup, teardown),
        cmocka_unit_test(test_parse),
        cmocka_unit_test_setup_teardown(test_fill_stored_objects, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
