/* The parameter parser (src/web/params.c) on its own: query string in,
 * parameters and errors out, for every kind of the table and every route;
 * then the table itself (one row per name and route, a sentence for each
 * error in the catalogue) and what the parameters become for the store and
 * the search. */
#include "testutil.h"

#include "core/i18n.h"
#include "web/web.h"

static vcm_arena arena;

static int setup(void **state)
{
    (void)state;
    vcm_arena_init(&arena, 1 << 20);
    char err[200];
    if (vcm_i18n_load_builtin(err, sizeof err) < 0)
        fail_msg("%s", err);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    vcm_arena_release(&arena);
    vcm_i18n_free();
    return 0;
}

static int parse(const char *q, unsigned route, vcm_params *p)
{
    return vcm_params_parse(&arena, q, strlen(q), route, p);
}

static void test_good_values(void **state)
{
    (void)state;
    vcm_params p;
    assert_int_equal(parse("", VCM_ROUTE_API_SEARCH, &p), 0);
    for (int i = 0; i < VCM_P_COUNT; i++)
        assert_false(p.set[i]);
    assert_int_equal(parse("q=jade+bowl&region=Asia&country=kr&museum=12&century=-3&image=yes"
                           "&licence=open&date=1600..1700&sort=-date&expand=0"
                           "&noexpand=celadon,edo&facets=museum,century&limit=5&offset=10"
                           "&material=porcelain&lang=zh-Hant",
                           VCM_ROUTE_API_SEARCH, &p),
                     0);
    assert_string_equal(p.v[VCM_P_Q].s, "jade bowl");
    assert_int_equal(p.v[VCM_P_REGION].i, VCM_REGION_ASIA);
    assert_string_equal(p.v[VCM_P_COUNTRY].s, "KR");
    assert_string_equal(p.raw[VCM_P_COUNTRY], "kr");
    assert_int_equal(p.v[VCM_P_MUSEUM].i, 12);
    assert_int_equal(p.v[VCM_P_CENTURY].i, -3);
    assert_int_equal(p.v[VCM_P_IMAGE].i, 1);
    assert_int_equal(p.v[VCM_P_LICENCE].i, 1);
    assert_int_equal(p.v[VCM_P_DATE].years.from, 1600);
    assert_int_equal(p.v[VCM_P_DATE].years.to, 1700);
    assert_int_equal(p.v[VCM_P_SORT].i, VCM_SORT_DATE_DESC);
    assert_int_equal(p.v[VCM_P_EXPAND].i, 0);
    assert_string_equal(p.v[VCM_P_NOEXPAND].s, "celadon,edo");
    assert_int_equal(p.v[VCM_P_FACETS].i, (1 << VCM_FACET_MUSEUM) | (1 << VCM_FACET_CENTURY));
    assert_int_equal(p.v[VCM_P_LIMIT].i, 5);
    assert_int_equal(p.v[VCM_P_OFFSET].i, 10);
    assert_true(p.v[VCM_P_MATERIAL].i >= 0);
    assert_string_equal(p.v[VCM_P_LANG].s, "zh-Hant");
    /* an empty value is a form's empty field: not given, not an error */
    assert_int_equal(parse("q=&region=&country=&page=", VCM_ROUTE_SEARCH, &p), 0);
    assert_false(p.set[VCM_P_REGION]);
    assert_false(p.set[VCM_P_PAGE]);
    /* facets=none: no facet */
    assert_int_equal(parse("facets=none", VCM_ROUTE_API_SEARCH, &p), 0);
    assert_true(p.set[VCM_P_FACETS]);
    assert_int_equal(p.v[VCM_P_FACETS].i, 0);
}

struct bad {
    unsigned route;
    const char *query, *name;
    vcm_param_why why;
};

/* One malformed value per parameter (and per bound that differs by
 * route), each on a route that takes it. */
static const struct bad bad[] = {
    {VCM_ROUTE_API_SEARCH, "q=%FF", "q", VCM_PW_ENCODING},
    {VCM_ROUTE_API_OBJECTS, "region=atlantis", "region", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_API_OBJECTS, "country=Korea", "country", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_API_MUSEUMS, "country=K1", "country", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_API_OBJECTS, "museum=x", "museum", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_API_OBJECTS, "museum=0", "museum", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_API_OBJECTS, "museum=-4", "museum", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_API_OBJECTS, "museum=1234567890123456789", "museum", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_API_OBJECTS, "century=0", "century", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_API_OBJECTS, "century=22", "century", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_API_OBJECTS, "century=17th", "century", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_API_OBJECTS, "image=maybe", "image", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_API_OBJECTS, "licence=free", "licence", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_API_OBJECTS, "date=1700..1600", "date", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_BROWSE, "image=2", "image", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_BROWSE, "licence=cc", "licence", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_BROWSE, "date=abc", "date", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_API_SEARCH, "material=unobtainium", "material", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_API_SEARCH, "image=maybe", "image", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_API_SEARCH, "licence=free", "licence", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_API_SEARCH, "date=abc", "date", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_API_SEARCH, "date=1700..1600", "date", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_API_SEARCH, "sort=bogus", "sort", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_API_SEARCH, "expand=perhaps", "expand", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_API_SEARCH, "noexpand=a%20b", "noexpand", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_API_SEARCH, "facets=region,bogus", "facets", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_API_SEARCH, "facets=region,", "facets", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_API_COUNTRIES, "all=maybe", "all", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_API_SEARCH, "cursor=zzz", "cursor", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_API_SEARCH, "cursor=a%2Fb", "cursor", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_API_OBJECTS, "cursor=nonsense", "cursor", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_API_SEARCH, "offset=-1", "offset", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_API_SEARCH, "offset=100001", "offset", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_API_SEARCH, "limit=0", "limit", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_API_SEARCH, "limit=101", "limit", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_API_SUGGEST, "limit=51", "limit", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_API_OBJECTS, "limit=1001", "limit", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_API_OBJECTS, "limit=abc", "limit", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_BROWSE, "page=0", "page", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_SEARCH, "page=5000", "page", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_COLLECTION, "page=1000001", "page", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_API_RECORD, "lang=e", "lang", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_API_SEARCH, "lang=en-", "lang", VCM_PW_BAD_VALUE},
    /* unknown on this route, known on another */
    {VCM_ROUTE_API_OBJECTS, "sort=date", "sort", VCM_PW_UNKNOWN},
    {VCM_ROUTE_BROWSE, "q=porcelain", "q", VCM_PW_UNKNOWN},
    {VCM_ROUTE_API_OBJECTS, "material=unobtainium", "material", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_BROWSE, "material=porcelains", "material", VCM_PW_BAD_VALUE},
    {VCM_ROUTE_API_RECORD, "limit=5", "limit", VCM_PW_UNKNOWN},
    {VCM_ROUTE_COLLECTION, "museum=5", "museum", VCM_PW_UNKNOWN},
    {VCM_ROUTE_API_SEARCH, "source_id=x", "source_id", VCM_PW_UNKNOWN},
    /* unknown everywhere, and names that do not decode */
    {VCM_ROUTE_API_SEARCH, "colour=blue", "colour", VCM_PW_UNKNOWN},
    {VCM_ROUTE_API_SEARCH, "%FF=1", "%FF", VCM_PW_ENCODING},
    {VCM_ROUTE_API_SEARCH, "Region=asia", "Region", VCM_PW_UNKNOWN},
    /* twice */
    {VCM_ROUTE_API_SEARCH, "region=asia&region=europe", "region", VCM_PW_REPEATED},
    {VCM_ROUTE_API_SEARCH, "region=asia&region=asia", "region", VCM_PW_REPEATED},
    /* longer than the table allows */
    {VCM_ROUTE_API_OBJECTS, "classification=", "classification", VCM_PW_TOO_LONG},
    {VCM_ROUTE_API_SEARCH, "noexpand=", "noexpand", VCM_PW_TOO_LONG},
};

static void test_each_bad_value(void **state)
{
    (void)state;
    char q[600];
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(q, sizeof q, "%s", bad[i].query);
        if (bad[i].why == VCM_PW_TOO_LONG) {
            size_t n = strlen(q);
            memset(q + n, 'x', 400);
            q[n + 400] = '\0';
        }
        vcm_params p;
        int rc = parse(q, bad[i].route, &p);
        if (rc != 1 || p.nerrors != 1)
            fail_msg("%s: rc %d, %zu errors", bad[i].query, rc, p.nerrors);
        if (strcmp(p.errors[0].name, bad[i].name) || p.errors[0].why != bad[i].why)
            fail_msg("%s: %s %d, wanted %s %d", bad[i].query, p.errors[0].name,
                     (int)p.errors[0].why, bad[i].name, (int)bad[i].why);
        /* a parameter left out is not half-read */
        for (int k = 0; k < VCM_P_COUNT; k++)
            if (p.set[k])
                fail_msg("%s: parameter %d set", bad[i].query, k);
        /* every error has its sentence, naming the parameter when it is not
         * the parameter's own */
        const char *key = vcm_param_error_key(&p.errors[0]);
        const char *t = vcm_t("en", key);
        if (strcmp(t, key) == 0)
            fail_msg("%s: no sentence for %s in locale/vcm.pot", bad[i].query, key);
    }
}

/* The others are read when one is left out: a page shows what they select. */
static void test_errors_leave_the_rest(void **state)
{
    (void)state;
    vcm_params p;
    assert_int_equal(parse("region=mars&country=gb&x=1&century=abc&page=2", VCM_ROUTE_BROWSE, &p), 1);
    assert_int_equal(p.nerrors, 3);
    assert_string_equal(p.errors[0].name, "region");
    assert_string_equal(p.errors[1].name, "x");
    assert_string_equal(p.errors[2].name, "century");
    assert_string_equal(p.v[VCM_P_COUNTRY].s, "GB");
    assert_int_equal(p.v[VCM_P_PAGE].i, 2);
    assert_false(p.set[VCM_P_REGION]);
    assert_null(p.raw[VCM_P_REGION]);
    /* more errors than are kept: counted all the same */
    char q[400] = "";
    for (int i = 0; i < 20; i++)
        snprintf(q + strlen(q), sizeof q - strlen(q), "u%d=1&", i);
    assert_int_equal(parse(q, VCM_ROUTE_API_SEARCH, &p), 1);
    assert_int_equal(p.nerrors, 20);
}

/* lang is declared once, for every route. */
static void test_lang_everywhere(void **state)
{
    (void)state;
    for (unsigned r = 1; r & VCM_ROUTE_ALL; r <<= 1) {
        vcm_params p;
        assert_int_equal(parse("lang=ko-Kore-KR", r, &p), 0);
        assert_string_equal(p.v[VCM_P_LANG].s, "ko-Kore-KR");
        assert_int_equal(parse("lang=%3Cscript%3E", r, &p), 1);
    }
}

static void test_cursors(void **state)
{
    (void)state;
    vcm_params p;
    /* the search's cursor must be for the sort asked (its first letter) */
    assert_int_equal(parse("cursor=d0000000000000001.5&sort=date", VCM_ROUTE_API_SEARCH, &p), 0);
    assert_int_equal(parse("cursor=d0000000000000001.5", VCM_ROUTE_API_SEARCH, &p), 1);
    assert_string_equal(p.errors[0].name, "cursor");
    assert_string_equal(vcm_param_error_key(&p.errors[0]), "param.cursor");
    /* the object list's cursor is decoded into the id to seek */
    char c[20];
    int64_t ids[] = {1, 35, 36, 123456789, INT64_MAX / 2};
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
        vcm_params_cursor_encode(ids[i], c);
        assert_int_equal(vcm_params_cursor_decode(c), ids[i]);
        char q[64];
        snprintf(q, sizeof q, "cursor=%s", c);
        assert_int_equal(parse(q, VCM_ROUTE_API_OBJECTS, &p), 0);
        vcm_filter f;
        vcm_params_filter(&p, &f);
        assert_int_equal(f.after_id, ids[i]);
    }
    assert_int_equal(vcm_params_cursor_decode("ozzzzzzzzzzzz"), 4738381338321616895LL);
    assert_int_equal(vcm_params_cursor_decode("o1000000000000"), -1); /* 13 digits */
    assert_int_equal(vcm_params_cursor_decode("o"), -1);
    assert_int_equal(vcm_params_cursor_decode("x12"), -1);
}

/* The table: one row per name and route, and a sentence for every row. */
static void test_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < vcm_param_ndefs; i++) {
        const vcm_param_def *d = &vcm_param_defs[i];
        assert_true(d->routes != 0);
        assert_true(d->id < VCM_P_COUNT);
        if (strcmp(vcm_t("en", d->msg), d->msg) == 0)
            fail_msg("no sentence for %s in locale/vcm.pot", d->msg);
        if (d->kind == VCM_PK_ENUM)
            assert_true(d->values || d->find);
        for (size_t k = i + 1; k < vcm_param_ndefs; k++)
            if (strcmp(vcm_param_defs[k].name, d->name) == 0 && (vcm_param_defs[k].routes & d->routes))
                fail_msg("two rows of %s for one route", d->name);
    }
    const char *keys[] = {"param.unknown", "param.encoding", "param.repeated", "param.too_long",
                          "param.more"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        assert_string_not_equal(vcm_t("en", keys[i]), keys[i]);
        if (i < 4)
            assert_non_null(strstr(vcm_t("en", keys[i]), "{}"));
    }
}

/* What the parameters become: one filter, zero for "any" in every field,
 * for the store and the search alike. */
static void test_conversions(void **state)
{
    (void)state;
    vcm_params p;
    vcm_filter f, zero;
    memset(&zero, 0, sizeof zero);
    vcm_search_params sp;
    vcm_req req = {.arena = &arena};
    assert_int_equal(parse("", VCM_ROUTE_API_SEARCH, &p), 0);
    vcm_params_filter(&p, &f);
    assert_memory_equal(&f, &zero, sizeof f);
    assert_false(vcm_filter_narrows(&f));
    vcm_params_search(&p, &req, &sp);
    assert_memory_equal(&sp.filter, &zero, sizeof sp.filter);
    assert_false(sp.no_expand);
    assert_int_equal(sp.facets, (1u << VCM_FACET_KINDS) - 1);

    assert_int_equal(parse("region=other&country=tw&museum=7&classification=Jade&century=17",
                           VCM_ROUTE_SEARCH, &p), 0);
    vcm_params_filter(&p, &f);
    assert_int_equal(f.regions, 1u << VCM_REGION_OTHER);
    assert_string_equal(f.country, "TW");
    assert_int_equal(f.museum, 7);
    /* the concept the museum's word names (search/terms.h) */
    assert_string_equal(f.classification, "jade");
    assert_int_equal(f.century, 17);
    vcm_params_search(&p, &req, &sp);
    assert_memory_equal(&sp.filter, &f, sizeof f);

    assert_int_equal(parse("image=no&licence=other&expand=no&date=-500..-200&material=jade",
                           VCM_ROUTE_SEARCH, &p), 0);
    vcm_params_search(&p, &req, &sp);
    assert_int_equal(sp.filter.image, VCM_NO);
    assert_int_equal(sp.filter.open, VCM_NO);
    assert_string_equal(sp.filter.material, "jade");
    assert_true(sp.no_expand);
    assert_true(sp.filter.has_date);
    assert_int_equal(sp.filter.date_from, -500);
    assert_int_equal(sp.filter.date_to, -200);
    /* the search's paging stays its own: the filter's is the store's */
    assert_int_equal(parse("limit=5&offset=10", VCM_ROUTE_API_SEARCH, &p), 0);
    vcm_params_search(&p, &req, &sp);
    assert_int_equal(sp.limit, 5);
    assert_int_equal(sp.filter.limit, 0);
    assert_int_equal(sp.filter.offset, 0);

    /* the store's routes take image, licence, date and material */
    assert_int_equal(parse("image=yes&licence=open&date=1600..1700&limit=7",
                           VCM_ROUTE_API_OBJECTS, &p), 0);
    vcm_params_filter(&p, &f);
    assert_int_equal(f.image, VCM_YES);
    assert_int_equal(f.open, VCM_YES);
    assert_true(f.has_date);
    assert_int_equal(f.date_from, 1600);
    assert_int_equal(f.date_to, 1700);
    assert_int_equal(f.limit, 7);
    assert_int_equal(parse("image=no&licence=other&date=..-200", VCM_ROUTE_BROWSE, &p), 0);
    vcm_params_filter(&p, &f);
    assert_int_equal(f.image, VCM_NO);
    assert_int_equal(f.open, VCM_NO);
    assert_int_equal(f.date_to, -200);
    assert_int_equal(parse("material=jade", VCM_ROUTE_API_OBJECTS, &p), 0);
    vcm_params_filter(&p, &f);
    assert_string_equal(f.material, "jade");
    assert_int_equal(parse("material=celadon&museum=3", VCM_ROUTE_BROWSE, &p), 0);
    vcm_params_filter(&p, &f);
    assert_string_equal(f.material, "celadon");
    assert_int_equal(f.museum, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_values),
        cmocka_unit_test(test_each_bad_value),
        cmocka_unit_test(test_errors_leave_the_rest),
        cmocka_unit_test(test_lang_everywhere),
        cmocka_unit_test(test_cursors),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_conversions),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
