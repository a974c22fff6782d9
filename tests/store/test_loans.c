/* Loans, travelling exhibitions and the exchange programme in the store,
 * on each backend (SQLite; with VCM_TEST_PG, PostgreSQL): every one of the
 * 81 pairs of states tried on a stored loan (allowed exactly on the edges,
 * the state and the bookings as the step leaves them); a step without its
 * information refused with nothing written; a raw INSERT of an overlapping
 * booking refused by the database itself, with the application out of the
 * way; two connections booking the same object for overlapping periods at
 * the same moment, one booked and the other told which object is taken; a
 * two-venue exhibition with different object lists, its conflicts and its
 * loans per venue; offers and requests matched Asia with Europe, a
 * placement and its report. */
#include <pthread.h>

#include "testutil.h"

#include "model/loan.h"
#include "store/loan.h"
#include "store/network.h"
#include "store/store.h"

struct fx {
    char *dir;
    char url[900];
    vcm_store *s;
    vcm_arena a;
    int64_t seoul, vienna, singapore, paris;
};

static int64_t museum(struct fx *f, const char *name, const char *country)
{
    vcm_country c;
    if (f->s->ops->country_get(f->s, &f->a, country, &c) != 1) {
        memset(&c, 0, sizeof c);
        memcpy(c.code, country, 3);
        c.region = VCM_REGION_OTHER;
        assert_int_equal(f->s->ops->country_upsert(f->s, &c), 0);
    }
    vcm_museum m = {0};
    assert_int_equal(vcm_ltexts_add(&m.names, &f->a, "en", name), 0);
    memcpy(m.country, country, 3);
    bool created;
    if (f->s->ops->museum_ensure(f->s, &m, &created) < 0)
        fail_msg("museum: %s", vcm_store_error(f->s));
    return m.id;
}

static int fx_setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    f->dir = vt_tmpdir();
    vt_db_url(f->url, sizeof f->url, f->dir, "loans");
    vcm_arena_init(&f->a, 0);
    char err[600];
    if (!(f->s = vcm_store_open(f->url, err, sizeof err)))
        fail_msg("open: %s", err);
    const vcm_partner p[] = {
        {.code = "KR", .name = "Republic of Korea", .group = VCM_REGION_ASIA, .joined = 1996},
        {.code = "SG", .name = "Singapore", .group = VCM_REGION_ASIA, .joined = 1996},
        {.code = "AT", .name = "Austria", .group = VCM_REGION_EUROPE, .joined = 1996},
        {.code = "FR", .name = "France", .group = VCM_REGION_EUROPE, .joined = 1996},
    };
    for (size_t i = 0; i < sizeof p / sizeof p[0]; i++)
        if (vcm_partner_put(f->s, &p[i]) < 0)
            fail_msg("partner: %s", vcm_store_error(f->s));
    f->seoul = museum(f, "National Museum of Korea", "KR");
    f->vienna = museum(f, "Weltmuseum Wien", "AT");
    f->singapore = museum(f, "Asian Civilisations Museum", "SG");
    f->paris = museum(f, "Musee Guimet", "FR");
    *state = f;
    return 0;
}

static int fx_teardown(void **state)
{
    struct fx *f = *state;
    vcm_store_close(f->s);
    vcm_arena_release(&f->a);
    vt_rmrf(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

/* Everything any step needs. */
static const vcm_loan info = {
    .assessment = "fit to travel", .conditions = "50% RH, 20 C, no flash",
    .insurance = "state indemnity", .condition_out = "stable", .courier_out = "registrar",
    .arrival = "as on departure", .courier_in = "registrar", .condition_in = "stable",
    .cancel_reason = "the venue closes"};

static int64_t request(struct fx *f, int64_t lender, int64_t borrower, const char *inv,
                       const char *start, const char *end)
{
    vcm_loan l = {.lender_id = lender, .borrower_id = borrower, .reason = "exhibition",
                  .start = start, .end = end, .venue = "Gallery 1"};
    vcm_loan_line line = {.inventory = inv, .label = inv};
    vcm_refusal why = {0};
    if (vcm_loan_create(f->s, &l, &line, 1, "test", &why) != 0)
        fail_msg("request: %s %s", why.rule ? why.rule : "", vcm_store_error(f->s));
    return l.id;
}

/* Takes loan id from request to `to` along the edges. */
static void drive(struct fx *f, int64_t id, vcm_loan_state to)
{
    vcm_loan_state at = VCM_LOAN_REQUEST;
    if (to == VCM_LOAN_CANCELLED) {
        assert_int_equal(vcm_loan_step(f->s, id, at, to, &info, "test", NULL, NULL), 0);
        return;
    }
    while (at != to) {
        vcm_refusal why = {0};
        int rc = vcm_loan_step(f->s, id, at, (vcm_loan_state)(at + 1), &info, "test", &why, NULL);
        if (rc != 0)
            fail_msg("%s -> next: %d %s %s", vcm_loan_state_name(at), rc,
                     why.rule ? why.rule : "", vcm_store_error(f->s));
        at = (vcm_loan_state)(at + 1);
    }
}

static vcm_loan_state stored_state(struct fx *f, int64_t id)
{
    vcm_loan l;
    assert_int_equal(vcm_loan_get(f->s, &f->a, id, &l, NULL, NULL), 1);
    return l.state;
}

static void test_every_pair(void **state)
{
    struct fx *f = *state;
    int k = 0, allowed = 0;
    for (int from = 0; from < VCM_LOAN_NSTATES; from++)
        for (int to = 0; to < VCM_LOAN_NSTATES; to++) {
            char inv[32];
            snprintf(inv, sizeof inv, "INV-%d", ++k);
            int64_t id = request(f, f->seoul, f->vienna, inv, "2027-03-01", "2027-06-30");
            drive(f, id, (vcm_loan_state)from);
            vcm_refusal why = {0};
            int rc = vcm_loan_step(f->s, id, (vcm_loan_state)from, (vcm_loan_state)to, &info,
                                   "test", &why, NULL);
            bool edge = vcm_loan_next(from, to);
            if (edge ? rc != 0 : rc != -2 || strcmp(why.rule, "loan-transition") != 0)
                fail_msg("%s -> %s: %d (%s) %s", vcm_loan_state_name(from),
                         vcm_loan_state_name(to), rc, why.rule ? why.rule : "",
                         vcm_store_error(f->s));
            vcm_loan_state now = edge ? (vcm_loan_state)to : (vcm_loan_state)from;
            assert_int_equal(stored_state(f, id), now);
            allowed += edge;
            /* the object is booked exactly while the loan holds it */
            char item[48];
            snprintf(item, sizeof item, "m:%lld:%s", (long long)f->seoul, inv);
            vcm_loan_clash c;
            int booked = vcm_loan_booked(f->s, item, "2027-06-30", "2027-06-30", 0, &c);
            if (booked != (vcm_loan_holds(now) ? 1 : 0))
                fail_msg("%s: booked %d", vcm_loan_state_name(now), booked);
        }
    assert_int_equal(allowed, 11);
    /* a step from a state the loan has left is refused as stale */
    int64_t id = request(f, f->seoul, f->vienna, "STALE", "2027-03-01", "2027-06-30");
    drive(f, id, VCM_LOAN_ASSESSMENT);
    assert_int_equal(vcm_loan_step(f->s, id, VCM_LOAN_REQUEST, VCM_LOAN_ASSESSMENT, &info,
                                   "test", NULL, NULL),
                     -4);
    /* each step's history line */
    vcm_nhistory *h;
    size_t nh;
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)id);
    assert_int_equal(vcm_nhistory_list(f->s, &f->a, "loan", key, &h, &nh), 0);
    assert_int_equal(nh, 2);
    assert_string_equal(h[1].action, "assessment");
}

static void test_information_and_request(void **state)
{
    struct fx *f = *state;
    int64_t id = request(f, f->seoul, f->vienna, "A-1", "2027-03-01", "2027-06-30");
    /* assessment needs nothing beyond the request */
    assert_int_equal(vcm_loan_step(f->s, id, VCM_LOAN_REQUEST, VCM_LOAN_ASSESSMENT, NULL, "test",
                                   NULL, NULL),
                     0);
    vcm_loan partial = info;
    partial.insurance = NULL;
    vcm_refusal why = {0};
    assert_int_equal(vcm_loan_step(f->s, id, VCM_LOAN_ASSESSMENT, VCM_LOAN_AGREEMENT, &partial,
                                   "test", &why, NULL),
                     -2);
    assert_string_equal(why.key, "insurance");
    vcm_loan l;
    assert_int_equal(vcm_loan_get(f->s, &f->a, id, &l, NULL, NULL), 1);
    assert_int_equal(l.state, VCM_LOAN_ASSESSMENT);
    assert_null(l.assessment); /* nothing of the refused step was written */
    assert_string_equal(l.number, vcm_arena_printf(&f->a, "L2027-%lld", (long long)id));
    /* requests refused: open-ended, reversed, same museum, no such museum,
     * no object, an object that is not the lender's */
    vcm_loan_line line = {.inventory = "B-1"};
    vcm_loan r = {.lender_id = f->seoul, .borrower_id = f->vienna, .reason = "x",
                  .start = "2027-01-01", .end = NULL, .venue = "v"};
    assert_int_equal(vcm_loan_create(f->s, &r, &line, 1, "test", &why), -2);
    assert_string_equal(why.key, "end");
    r.end = "2026-12-31";
    assert_int_equal(vcm_loan_create(f->s, &r, &line, 1, "test", &why), -2);
    assert_string_equal(why.rule, "loan-period");
    r.end = "2027-02-01";
    r.borrower_id = f->seoul;
    assert_int_equal(vcm_loan_create(f->s, &r, &line, 1, "test", &why), -2);
    assert_string_equal(why.rule, "loan-parties");
    r.borrower_id = 999999;
    assert_int_equal(vcm_loan_create(f->s, &r, &line, 1, "test", &why), -2);
    r.borrower_id = f->vienna;
    assert_int_equal(vcm_loan_create(f->s, &r, &line, 0, "test", &why), -2);
    assert_string_equal(why.rule, "loan-lines");
    vcm_loan_line obj = {.object_id = 424242};
    assert_int_equal(vcm_loan_create(f->s, &r, &obj, 1, "test", &why), -2);
    assert_string_equal(why.key, "loan.refused.not_lender");
    vcm_loan_line two[2] = {{.inventory = "C-1"}, {.inventory = "C-1"}};
    assert_int_equal(vcm_loan_create(f->s, &r, two, 2, "test", &why), -2);
    assert_string_equal(why.key, "loan.refused.twice");
    vcm_loan *all;
    size_t n;
    assert_int_equal(vcm_loan_list(f->s, &f->a, 0, &all, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(vcm_loan_list(f->s, &f->a, f->singapore, &all, &n), 0);
    assert_int_equal(n, 0);
}

/* The loan's agreement books its object; a second loan of the same object
 * for days in common is refused by the application with the first named. */
static void test_application_refuses_overlap(void **state)
{
    struct fx *f = *state;
    int64_t a = request(f, f->seoul, f->vienna, "K-7", "2027-03-01", "2027-06-30");
    int64_t b = request(f, f->seoul, f->paris, "K-7", "2027-06-30", "2027-09-30");
    int64_t c = request(f, f->seoul, f->paris, "K-7", "2027-07-01", "2027-09-30");
    drive(f, a, VCM_LOAN_AGREEMENT);
    drive(f, b, VCM_LOAN_ASSESSMENT);
    vcm_loan_clash clash = {0};
    assert_int_equal(vcm_loan_step(f->s, b, VCM_LOAN_ASSESSMENT, VCM_LOAN_AGREEMENT, &info,
                                   "test", NULL, &clash),
                     -3);
    assert_int_equal(clash.loan_id, a);
    assert_string_equal(clash.start, "2027-03-01");
    assert_int_equal(stored_state(f, b), VCM_LOAN_ASSESSMENT);
    /* the day after the period ends is free (inclusive periods) */
    drive(f, c, VCM_LOAN_AGREEMENT);
    /* returning the first frees its days for the second */
    assert_int_equal(vcm_loan_step(f->s, a, VCM_LOAN_AGREEMENT, VCM_LOAN_CANCELLED, &info,
                                   "test", NULL, NULL),
                     0);
    assert_int_equal(vcm_loan_step(f->s, b, VCM_LOAN_ASSESSMENT, VCM_LOAN_AGREEMENT, &info,
                                   "test", NULL, &clash),
                     -3); /* c holds 2027-07-01 on */
    assert_int_equal(clash.loan_id, c);
}

/* SQL run with the backend's own client, writing. */
static int raw(struct fx *f, char **out, const char *sql)
{
    if (strncmp(f->url, "sqlite:", 7) == 0)
        return vt_sh(out, "sqlite3 '%s' \"%s\"", f->url + 7, sql);
    return vt_sh(out, "psql -X -At -v ON_ERROR_STOP=1 -d '%s' -c \"%s\"", f->url, sql);
}

static void test_raw_insert_refused(void **state)
{
    struct fx *f = *state;
    int64_t a = request(f, f->seoul, f->vienna, "RAW-1", "2027-03-01", "2027-06-30");
    drive(f, a, VCM_LOAN_AGREEMENT);
    char sql[400], *out = NULL;
    /* overlapping by one day at either end, inside, around: each refused */
    static const char *const clash[][2] = {{"2027-06-30", "2027-07-31"},
                                           {"2027-01-01", "2027-03-01"},
                                           {"2027-04-01", "2027-04-02"},
                                           {"2026-01-01", "2028-01-01"}};
    for (size_t i = 0; i < 4; i++) {
        snprintf(sql, sizeof sql,
                 "INSERT INTO loan_bookings(loan_id, item, start_date, end_date) VALUES "
                 "(%lld, 'm:%lld:RAW-1', '%s', '%s')",
                 (long long)a, (long long)f->seoul, clash[i][0], clash[i][1]);
        int rc = raw(f, &out, sql);
        if (rc == 0)
            fail_msg("the database took an overlapping booking %s..%s", clash[i][0],
                     clash[i][1]);
        assert_non_null(strstr(out, "loan_bookings_no_overlap"));
        free(out);
        out = NULL;
    }
    /* the same statement for free days goes in: the refusal was the overlap */
    snprintf(sql, sizeof sql,
             "INSERT INTO loan_bookings(loan_id, item, start_date, end_date) VALUES "
             "(%lld, 'm:%lld:RAW-1', '2027-07-01', '2027-07-31')",
             (long long)a, (long long)f->seoul);
    if (raw(f, &out, sql) != 0)
        fail_msg("a free booking was refused: %s", out);
    free(out);
    out = NULL;
    /* and moving it onto booked days is refused too */
    snprintf(sql, sizeof sql,
             "UPDATE loan_bookings SET start_date = '2027-06-15' WHERE start_date = "
             "'2027-07-01'");
    assert_int_not_equal(raw(f, &out, sql), 0);
    assert_non_null(strstr(out, "loan_bookings_no_overlap"));
    free(out);
}

struct racer {
    const char *url;
    int64_t loan;
    pthread_barrier_t *go;
    int rc;
    vcm_loan_clash clash;
    char error[700];
};

static void *race(void *arg)
{
    struct racer *r = arg;
    char err[600];
    vcm_store *s = vcm_store_open(r->url, err, sizeof err);
    if (!s) {
        snprintf(r->error, sizeof r->error, "%s", err);
        r->rc = -99;
        pthread_barrier_wait(r->go);
        return NULL;
    }
    pthread_barrier_wait(r->go);
    vcm_refusal why = {0};
    r->rc = vcm_loan_step(s, r->loan, VCM_LOAN_ASSESSMENT, VCM_LOAN_AGREEMENT, &info, "racer",
                          &why, &r->clash);
    snprintf(r->error, sizeof r->error, "%s", vcm_store_error(s));
    vcm_store_close(s);
    return NULL;
}

/* Two connections, started together, each booking the same object for
 * overlapping periods: exactly one is booked, the other gets -3 with the
 * object named. Run several rounds so the two meet in different orders. */
static void test_concurrent_bookings(void **state)
{
    struct fx *f = *state;
    for (int round = 0; round < 6; round++) {
        char inv[32];
        snprintf(inv, sizeof inv, "RACE-%d", round);
        int64_t a = request(f, f->seoul, f->vienna, inv, "2027-03-01", "2027-06-30");
        int64_t b = request(f, f->seoul, f->paris, inv, "2027-05-01", "2027-08-31");
        drive(f, a, VCM_LOAN_ASSESSMENT);
        drive(f, b, VCM_LOAN_ASSESSMENT);
        pthread_barrier_t go;
        pthread_barrier_init(&go, NULL, 2);
        struct racer r[2] = {{.url = f->url, .loan = a, .go = &go},
                             {.url = f->url, .loan = b, .go = &go}};
        pthread_t t[2];
        for (int i = 0; i < 2; i++)
            assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
        for (int i = 0; i < 2; i++)
            pthread_join(t[i], NULL);
        pthread_barrier_destroy(&go);
        int ok = (r[0].rc == 0) + (r[1].rc == 0), taken = (r[0].rc == -3) + (r[1].rc == -3);
        if (ok != 1 || taken != 1)
            fail_msg("round %d: %d (%s) and %d (%s)", round, r[0].rc, r[0].error, r[1].rc,
                     r[1].error);
        struct racer *lost = r[0].rc == -3 ? &r[0] : &r[1];
        char item[48];
        snprintf(item, sizeof item, "m:%lld:%s", (long long)f->seoul, inv);
        assert_string_equal(lost->clash.item, item);
        /* the store agrees: one loan in agreement, the other still assessed */
        assert_int_equal(stored_state(f, lost->loan), VCM_LOAN_ASSESSMENT);
        assert_int_equal(stored_state(f, lost == &r[0] ? b : a), VCM_LOAN_AGREEMENT);
    }
}

static void test_exhibition(void **state)
{
    struct fx *f = *state;
    vcm_exhibition e = {.title = "Self and Other", .curators = "A. Curator, B. Curator",
                        .organiser_id = f->singapore};
    const char *field = NULL;
    assert_int_equal(vcm_exhibition_create(f->s, &e, "test", &field), 0);
    vcm_venue v1 = {.museum_id = f->vienna, .city = "Vienna", .start = "2027-03-01",
                    .end = "2027-06-30"};
    vcm_venue v2 = {.museum_id = f->paris, .city = "Paris", .start = "2027-06-15",
                    .end = "2027-09-30"};
    assert_int_equal(vcm_venue_add(f->s, e.id, &v1, "test", &field), 0);
    assert_int_equal(vcm_venue_add(f->s, e.id, &v2, "test", &field), 0);
    assert_int_equal(v1.n, 1);
    assert_int_equal(v2.n, 2);
    vcm_venue bad = {.museum_id = f->paris, .start = "2027-10-01", .end = "2027-09-30"};
    assert_int_equal(vcm_venue_add(f->s, e.id, &bad, "test", &field), -2);
    assert_string_equal(field, "end");
    /* venue 1 shows X and Y of Seoul; venue 2 shows X and Z of Singapore */
    const struct {
        int n;
        int64_t lender;
        const char *inv;
    } objs[] = {{1, f->seoul, "X"}, {1, f->seoul, "Y"}, {2, f->seoul, "X"},
                {2, f->singapore, "Z"}, {2, f->paris, "P"}};
    for (size_t i = 0; i < sizeof objs / sizeof objs[0]; i++) {
        vcm_venue_object o = {.n = objs[i].n, .lender_id = objs[i].lender,
                              .line = {.inventory = objs[i].inv, .label = objs[i].inv}};
        vcm_refusal why = {0};
        if (vcm_venue_object_add(f->s, e.id, &o, "test", &why) != 0)
            fail_msg("object %s: %s", objs[i].inv, vcm_store_error(f->s));
    }
    vcm_venue_object twice = {.n = 1, .lender_id = f->seoul, .line = {.inventory = "Y"}};
    vcm_refusal why = {0};
    assert_int_equal(vcm_venue_object_add(f->s, e.id, &twice, "test", &why), -2);
    vcm_venue_object *o;
    size_t no;
    assert_int_equal(vcm_venue_objects(f->s, &f->a, e.id, 1, &o, &no), 0);
    assert_int_equal(no, 2);
    assert_int_equal(vcm_venue_objects(f->s, &f->a, e.id, 2, &o, &no), 0);
    assert_int_equal(no, 3);
    /* X is at both venues for 2027-06-15..30: a conflict each way, shown
     * before anything is booked */
    vcm_tour_conflict *c;
    size_t nc;
    assert_int_equal(vcm_exhibition_conflicts(f->s, &f->a, e.id, &c, &nc), 0);
    assert_int_equal(nc, 2);
    assert_int_equal(c[0].n, 1);
    assert_int_equal(c[0].other_venue, 2);
    /* a loan of Z elsewhere, agreed, shows as a booking in the way */
    int64_t z = request(f, f->singapore, f->seoul, "Z", "2027-09-01", "2027-12-31");
    drive(f, z, VCM_LOAN_AGREEMENT);
    assert_int_equal(vcm_exhibition_conflicts(f->s, &f->a, e.id, &c, &nc), 0);
    assert_int_equal(nc, 3);
    assert_int_equal(c[2].loan_id, z);
    /* venue 2's loans: one from Seoul, one from Singapore, none for Paris's own */
    int made = 0;
    assert_int_equal(vcm_exhibition_make_loans(f->s, e.id, 2, "test", &made, &why), 0);
    assert_int_equal(made, 2);
    assert_int_equal(vcm_exhibition_make_loans(f->s, e.id, 2, "test", &made, &why), -2);
    assert_string_equal(why.key, "exhibition.loans_made");
    assert_int_equal(vcm_exhibition_make_loans(f->s, e.id, 1, "test", &made, &why), 0);
    assert_int_equal(made, 1);
    vcm_loan *loans;
    size_t nl;
    assert_int_equal(vcm_exhibition_loans(f->s, &f->a, e.id, 2, &loans, &nl), 0);
    assert_int_equal(nl, 2);
    for (size_t i = 0; i < nl; i++) {
        assert_int_equal(loans[i].borrower_id, f->paris);
        assert_string_equal(loans[i].start, "2027-06-15");
        assert_int_equal(loans[i].state, VCM_LOAN_REQUEST);
    }
    assert_int_equal(vcm_exhibition_loans(f->s, &f->a, e.id, 0, &loans, &nl), 0);
    assert_int_equal(nl, 3);
}

static void test_exchange(void **state)
{
    struct fx *f = *state;
    vcm_xpost offer = {.museum_id = f->seoul, .offer = true, .host = true,
                       .kind = VCM_X_EDUCATION, .topic = "Museum education for families",
                       .skills = "education, outreach", .languages = "en, ko",
                       .start = "2027-04-01", .end = "2027-05-31"};
    vcm_xpost req = {.museum_id = f->vienna, .offer = false, .host = false,
                     .kind = VCM_X_EDUCATION, .topic = "Family education programmes",
                     .skills = "education", .languages = "de, en", .start = "2027-05-01",
                     .end = "2027-06-30"};
    vcm_xpost asia = req;
    asia.museum_id = f->singapore;
    const char *field = NULL, *key = NULL;
    assert_int_equal(vcm_xpost_add(f->s, &offer, "test", &field, &key), 0);
    assert_int_equal(vcm_xpost_add(f->s, &req, "test", &field, &key), 0);
    assert_int_equal(vcm_xpost_add(f->s, &asia, "test", &field, &key), 0);
    assert_int_equal(req.group, VCM_REGION_EUROPE);
    vcm_xpost bad = req;
    bad.languages = "";
    assert_int_equal(vcm_xpost_add(f->s, &bad, "test", &field, &key), -2);
    assert_string_equal(field, "languages");
    vcm_xpost *posts;
    size_t np;
    assert_int_equal(vcm_xpost_list(f->s, &f->a, true, &posts, &np), 0);
    assert_int_equal(np, 3); /* the refused one left nothing */
    vcm_placement p;
    vcm_refusal why = {0};
    /* Seoul with Singapore: both Asian */
    assert_int_equal(vcm_placement_add(f->s, offer.id, asia.id, "test", &p, &why), -2);
    assert_string_equal(why.key, "exchange.not.groups");
    assert_int_equal(vcm_placement_add(f->s, offer.id, req.id, "test", &p, &why), 0);
    assert_int_equal(p.host_id, f->seoul);
    assert_int_equal(p.home_id, f->vienna);
    assert_true(p.score > 30);
    assert_int_equal(vcm_placement_add(f->s, offer.id, req.id, "test", &p, &why), -2);
    assert_string_equal(why.key, "exchange.not.open");
    assert_int_equal(vcm_xpost_list(f->s, &f->a, true, &posts, &np), 0);
    assert_int_equal(np, 1);
    vcm_placement_report r = {.placement_id = p.id, .author = "test", .body = "Two weeks."};
    assert_int_equal(vcm_placement_report_add(f->s, &r), 0);
    vcm_placement_report *rs;
    size_t nr;
    assert_int_equal(vcm_placement_reports(f->s, &f->a, p.id, &rs, &nr), 0);
    assert_int_equal(nr, 1);
    assert_string_equal(rs[0].body, "Two weeks.");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_every_pair, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_information_and_request, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_application_refuses_overlap, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_raw_insert_refused, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_bookings, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_exhibition, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_exchange, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
