/* What only the PostgreSQL backend has to show: seqs of the change sequence
 * visible in commit order while writers overlap, the data version across
 * connections, and reconnection when the server goes away and comes back
 * (the test run's server, stopped and started again with VCM_TEST_PG_CTL).
 * Runs in tests/run.sh's PostgreSQL pass; skipped without VCM_TEST_PG. */
#include "testutil.h"

#include <pthread.h>
#include <stdatomic.h>

#include "core/arena.h"
#include "io/jsonl.h"
#include "model/country.h"
#include "store/store.h"

/* run by itself (tests/run.sh): it stops and starts the test PostgreSQL server */
VT_ALONE;

struct fx {
    char *dir;
    char url[1024];
    vcm_store *s;
    vcm_arena a;
    struct vt_server srv;   /* pid 0: none */
    bool pg_stopped;        /* the test server, when a test stopped it */
};


static int setup(void **state)
{
    *state = NULL;
    if (!vt_pg())
        return 0; /* each test skips */
    struct fx *f = calloc(1, sizeof *f);
    f->dir = vt_tmpdir();
    vt_db_url(f->url, sizeof f->url, f->dir, "pg");
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
    if (!f)
        return 0;
    /* whatever a failed test left: the server running, PostgreSQL stopped */
    if (f->srv.pid > 0)
        vt_server_stop(&f->srv);
    if (f->pg_stopped)
        vt_pg_ctl("start");
    vcm_store_close(f->s);
    vcm_arena_release(&f->a);
    vt_rmrf(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static int64_t add_museum(struct fx *f, vcm_store *s, const char *name)
{
    vcm_country c;
    assert_int_equal(vcm_country_from_code(&c, &f->a, "KR"), 0);
    assert_int_equal(s->ops->country_upsert(s, &c), 0);
    vcm_museum m = {0};
    memcpy(m.country, "KR", 3);
    vcm_ltexts_add(&m.names, &f->a, "en", name);
    bool created;
    assert_int_equal(s->ops->museum_ensure(s, &m, &created), 0);
    return m.id;
}

static vcm_object object(struct fx *f, int64_t museum, const char *sid)
{
    vcm_object o;
    vcm_object_init(&o);
    o.museum_id = museum;
    o.source_id = sid;
    vcm_ltexts_add(&o.title, &f->a, "en", sid);
    o.date_start = 1500;
    o.date_end = 1550;
    return o;
}

struct writer {
    vcm_store *s;
    vcm_object o;
    atomic_int done;
    int rc;
};

static void *write_one(void *p)
{
    struct writer *w = p;
    vcm_upsert r;
    w->rc = w->s->ops->object_upsert(w->s, &w->o, "hb", false, &r);
    atomic_store(&w->done, 1);
    return NULL;
}

/* A writer that starts while another transaction is open waits for it, so
 * its seq is higher and no reader ever sees it before the earlier one. */
static void test_seqs_in_commit_order(void **state)
{
    struct fx *f = *state;
    if (!f)
        skip();
    char err[600];
    int64_t mid = add_museum(f, f->s, "Museum");
    vcm_store *b = vcm_store_open(f->url, err, sizeof err);
    assert_non_null(b);
    int64_t head, ids[8], seqs[8];
    size_t n;
    assert_int_equal(f->s->ops->change_head(f->s, &head), 0);

    vcm_object oa = object(f, mid, "A");
    vcm_upsert r;
    assert_int_equal(vcm_store_begin(f->s), 0);
    assert_int_equal(f->s->ops->object_upsert(f->s, &oa, "ha", false, &r), 0);

    struct writer w = {.s = b, .o = object(f, mid, "B")};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, write_one, &w), 0);
    struct timespec ts = {0, 300 * 1000 * 1000};
    nanosleep(&ts, NULL);
    assert_int_equal(atomic_load(&w.done), 0); /* waits for the open transaction */

    vcm_store *reader = vcm_store_open(f->url, err, sizeof err);
    assert_non_null(reader);
    assert_int_equal(reader->ops->changes_since(reader, head, ids, seqs, 8, &n), 0);
    assert_int_equal(n, 0);

    assert_int_equal(vcm_store_commit(f->s), 0);
    pthread_join(t, NULL);
    assert_int_equal(w.rc, 0);
    assert_int_equal(reader->ops->changes_since(reader, head, ids, seqs, 8, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(ids[0], oa.id);
    assert_int_equal(ids[1], w.o.id);
    assert_true(seqs[0] < seqs[1]);
    vcm_store_close(reader);
    vcm_store_close(b);
}

/* The data version moves with every commit, from any connection, and not
 * with reads or with a rolled-back transaction's end. */
static void test_data_version(void **state)
{
    struct fx *f = *state;
    if (!f)
        skip();
    char err[600];
    vcm_store *w = vcm_store_open(f->url, err, sizeof err);
    assert_non_null(w);
    int64_t v1, v2, v3, v4;
    assert_int_equal(f->s->ops->data_version(f->s, &v1), 0);
    vcm_stats st;
    assert_int_equal(f->s->ops->stats(f->s, &st), 0);
    assert_int_equal(f->s->ops->data_version(f->s, &v2), 0);
    assert_true(v1 == v2);
    int64_t mid = add_museum(f, w, "Elsewhere");
    assert_int_equal(f->s->ops->data_version(f->s, &v3), 0);
    assert_true(v3 != v2);
    assert_int_equal(w->ops->begin(w), 0);
    vcm_object o = object(f, mid, "R");
    vcm_upsert r;
    assert_int_equal(w->ops->object_upsert(w, &o, "h", false, &r), 0);
    assert_int_equal(f->s->ops->data_version(f->s, &v4), 0);
    assert_true(v4 == v3); /* not committed yet */
    assert_int_equal(w->ops->commit(w), 0);
    assert_int_equal(f->s->ops->data_version(f->s, &v4), 0);
    assert_true(v4 != v3);
    assert_int_equal(f->s->ops->stats(f->s, &st), 0);
    assert_int_equal(st.objects, 1);
    vcm_store_close(w);
}

/* The server goes away: a clear error naming host and port, from the store
 * and from vcm serve (503/500, never a crash); it comes back: the same
 * connection and the same server answer again without a restart. */
static void test_reconnect(void **state)
{
    struct fx *f = *state;
    if (!f)
        skip();
    int64_t mid = add_museum(f, f->s, "Museum of Returns");
    vcm_object o = object(f, mid, "RC-1");
    vcm_upsert r;
    assert_int_equal(f->s->ops->object_upsert(f->s, &o, "h", false, &r), 0);
    struct vt_server *srv = &f->srv;
    vt_server_start(srv, f->url);
    struct vt_resp resp = vt_get(srv, "/api/v1/objects");
    assert_int_equal(resp.status, 200);
    vt_resp_free(&resp);

    const char *port = strrchr(vt_pg(), ':');
    char where[64];
    snprintf(where, sizeof where, "127.0.0.1:%d", atoi(port + 1));
    f->pg_stopped = true;
    assert_int_equal(vt_pg_ctl("stop -m fast"), 0);
    vcm_stats st;
    vcm_object g;
    int rc = f->s->ops->stats(f->s, &st);
    if (rc == 0) /* cached counts need the data version, so this fails too */
        fail_msg("stats answered with the server stopped");
    assert_contains(vcm_store_error(f->s), "cannot reach the database server at");
    assert_contains(vcm_store_error(f->s), where);
    assert_int_equal(f->s->ops->object_get(f->s, &f->a, o.id, &g), -1);
    resp = vt_get(srv, "/api/v1/objects");
    assert_true(resp.status >= 500);
    vt_resp_free(&resp);
    char *out;
    assert_int_equal(vt_sh(&out, "%s stats --db '%s'", vt_bin(), f->url), 3);
    assert_contains(out, "cannot reach the database server at ");
    assert_contains(out, where);
    free(out);

    assert_int_equal(vt_pg_ctl("start"), 0);
    f->pg_stopped = false;
    assert_int_equal(f->s->ops->object_get(f->s, &f->a, o.id, &g), 1);
    assert_string_equal(g.source_id, "RC-1");
    assert_int_equal(f->s->ops->stats(f->s, &st), 0);
    assert_int_equal(st.objects, 1);
    /* every kind of query again, on connections made anew */
    static const char *const paths[] = {"/api/v1/objects", "/", "/browse?country=KR",
                                        "/museums", "/countries/KR"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        resp = vt_get(srv, paths[i]);
        if (resp.status != 200)
            fail_msg("%s: %ld after the server came back", paths[i], resp.status);
        vt_resp_free(&resp);
    }
    resp = vt_get(srv, "/api/v1/objects");
    assert_contains(resp.body, "RC-1");
    vt_resp_free(&resp);
    assert_int_equal(vt_server_stop(srv), 0);
    srv->pid = 0;
}

/* A transaction cut by a lost connection fails clearly and leaves nothing;
 * the next one works. */
static void test_lost_transaction(void **state)
{
    struct fx *f = *state;
    if (!f)
        skip();
    int64_t mid = add_museum(f, f->s, "Museum");
    assert_int_equal(vcm_store_begin(f->s), 0);
    vcm_object o = object(f, mid, "LT-1");
    vcm_upsert r;
    assert_int_equal(f->s->ops->object_upsert(f->s, &o, "h", false, &r), 0);
    assert_int_equal(vt_pg_ctl("restart -m fast"), 0);
    vcm_object o2 = object(f, mid, "LT-2");
    assert_int_equal(f->s->ops->object_upsert(f->s, &o2, "h", false, &r), -1);
    assert_contains(vcm_store_error(f->s), "lost the connection");
    assert_int_equal(vcm_store_rollback(f->s), 0);
    vcm_stats st;
    assert_int_equal(f->s->ops->stats(f->s, &st), 0);
    assert_int_equal(st.objects_all, 0);
    assert_int_equal(vcm_store_begin(f->s), 0);
    assert_int_equal(f->s->ops->object_upsert(f->s, &o2, "h", false, &r), 0);
    assert_int_equal(vcm_store_commit(f->s), 0);
    assert_int_equal(f->s->ops->stats(f->s, &st), 0);
    assert_int_equal(st.objects_all, 1);
}

/* A record the server refuses stops the import with a message naming the
 * file, a line and the batch rolled back; the batches before it stay, and
 * the same import again fails the same way without storing anything twice.
 * What the server refuses here is a constraint the test adds to the table
 * (as a database's administrator might): the model's own checks, the same
 * for both backends, leave no valid record that PostgreSQL refuses and
 * SQLite keeps. */
static void test_import_refused_batch(void **state)
{
    struct fx *f = *state;
    if (!f)
        skip();
    char *out = NULL;
    assert_int_equal(
        vt_db_sql(&out, f->url, "ALTER TABLE objects ADD CONSTRAINT no_r6 CHECK (source_id <> 'R6')"),
        0);
    free(out);
    char path[600];
    snprintf(path, sizeof path, "%s/refused.jsonl", f->dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    for (int i = 1; i <= 9; i++)
        fprintf(fp, "{\"source_museum\": \"Museum R\", \"source_country\": \"KR\", "
                    "\"source_id\": \"R%d\", \"title\": \"Record %d\"}\n", i, i);
    fclose(fp);
    for (int run = 0; run < 2; run++) {
        vcm_import_opts o = {.batch = 4};
        vcm_import_stats st;
        char err[1200];
        assert_int_equal(vcm_import_jsonl(f->s, path, &o, &st, err, sizeof err), -1);
        char want[700];
        snprintf(want, sizeof want, "%s:8: ", path);
        assert_contains(err, want);
        assert_contains(err, "no_r6");
        assert_contains(err, "(the batch of lines 5 to 8 was rolled back)");
        vcm_stats s;
        assert_int_equal(f->s->ops->stats(f->s, &s), 0);
        assert_int_equal(s.objects_all, 4);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_seqs_in_commit_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_data_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reconnect, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lost_transaction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_refused_batch, setup, teardown),
    };
    return cmocka_run_group_tests_name("store/pg", tests, NULL, NULL);
}
