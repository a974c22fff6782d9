/* Several nodes: two real `vcm serve` processes on two ports share one
 * database (PostgreSQL in tests/run.sh's second pass, else one SQLite file)
 * and one media folder, each with its own --node-dir for its derivative
 * cache. Writes are made as they are today, by `vcm import` and `vcm media
 * add` processes against the same database: both nodes serve the new data
 * at once, an image added is served by both, byte for byte alike, from each
 * node's own cache. (Sessions do not exist yet; when they do, they belong
 * in the database too, so that either node can answer.) */
#include "testutil.h"

static char *dir, db[1024], media[700];
static struct vt_server node[2];

static void node_start(struct vt_server *s, int n)
{
    s->port = vt_free_port();
    snprintf(s->base, sizeof s->base, "http://127.0.0.1:%d", s->port);
    char listen[32], node_dir[800], index[800];
    snprintf(listen, sizeof listen, "127.0.0.1:%d", s->port);
    snprintf(node_dir, sizeof node_dir, "%s/node%d", dir, n);
    snprintf(index, sizeof index, "%s/node%d.index", dir, n);
    s->pid = fork();
    assert_true(s->pid >= 0);
    if (s->pid == 0) {
        execl(vt_bin(), vt_bin(), "serve", "--db", db, "--media", media, "--node-dir", node_dir,
              "--index", index, "--listen", listen, "--log-level", "warn", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 400; i++) {
        if (vt_sh(NULL, "curl -s -o /dev/null %s/", s->base) == 0)
            return;
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    fail_msg("node %d did not start", n);
}

static int group_setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    vt_db_url(db, sizeof db, dir, "nodes");
    snprintf(media, sizeof media, "%s/media", dir);
    char *out;
    if (vt_sh(&out, "grep 'National Palace Museum' %s/collection.jsonl > %s/npm.jsonl && "
                    "%s import --quiet --db '%s' %s/npm.jsonl",
              vt_data(), dir, vt_bin(), db, dir) != 0)
        fail_msg("import failed: %s", out);
    free(out);
    node_start(&node[0], 1);
    node_start(&node[1], 2);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    assert_int_equal(vt_server_stop(&node[0]), 0);
    assert_int_equal(vt_server_stop(&node[1]), 0);
    vt_rmrf(dir);
    free(dir);
    return 0;
}

static void import_text(const char *name, const char *jsonl)
{
    char path[800], *out;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    vt_write_file(path, jsonl);
    if (vt_sh(&out, "%s import --quiet --db '%s' %s", vt_bin(), db, path) != 0)
        fail_msg("import of %s failed: %s", name, out);
    free(out);
}

/* Both nodes, asked right after a write, answer with it: their caches of
 * pages and counts follow the shared data version. */
static void test_writes_visible_on_both(void **state)
{
    (void)state;
    struct vt_resp r[2];
    for (int i = 0; i < 2; i++) { /* fill each node's page cache first */
        r[i] = vt_get(&node[i], "/browse?country=GB");
        assert_int_equal(r[i].status, 200);
        assert_contains(r[i].body, "<strong>0 objects</strong>");
        vt_resp_free(&r[i]);
        r[i] = vt_get(&node[i], "/api/v1/objects?source_id=NODE-1");
        assert_not_contains(r[i].body, "NODE-1");
        vt_resp_free(&r[i]);
    }
    import_text("new.jsonl", "{\"source_museum\": \"Tate\", \"source_country\": \"GB\","
                             " \"source_id\": \"NODE-1\", \"title\": \"Seen by both\"}\n");
    for (int i = 0; i < 2; i++) {
        r[i] = vt_get(&node[i], "/browse?country=GB");
        assert_contains(r[i].body, "<strong>1 object</strong>");
        assert_contains(r[i].body, "Seen by both");
        vt_resp_free(&r[i]);
        r[i] = vt_get(&node[i], "/api/v1/objects?source_id=NODE-1");
        assert_contains(r[i].body, "Seen by both");
        vt_resp_free(&r[i]);
    }
    /* an edit, likewise */
    import_text("edit.jsonl", "{\"source_museum\": \"Tate\", \"source_country\": \"GB\","
                              " \"source_id\": \"NODE-1\", \"title\": \"Edited once\"}\n");
    for (int i = 0; i < 2; i++) {
        r[i] = vt_get(&node[i], "/browse?country=GB");
        assert_contains(r[i].body, "Edited once");
        assert_not_contains(r[i].body, "Seen by both");
        vt_resp_free(&r[i]);
    }
}

/* An image added by `vcm media add` into the shared media folder is served
 * by both nodes; each renders derivatives into its own cache, and the same
 * request gives the same bytes and the same ETag everywhere (the cache key
 * is the image's checksum and the canonical request: immutable). */
static void test_image_on_both(void **state)
{
    (void)state;
    char *out;
    if (vt_sh(&out, "%s media add --quiet --db '%s' --media %s 古玉3888 "
                    "%s/images/npm_taipei/jade070_00.jpg --id nodes-jade",
              vt_bin(), db, media, vt_data()) != 0)
        fail_msg("media add failed: %s", out);
    free(out);
    struct vt_resp r[2];
    for (int i = 0; i < 2; i++) {
        r[i] = vt_get(&node[i], "/iiif/nodes-jade/info.json");
        assert_int_equal(r[i].status, 200);
        assert_contains(r[i].body, "\"id\"");
        vt_resp_free(&r[i]);
    }
    const char *path = "/iiif/nodes-jade/full/300,/0/default.jpg";
    for (int i = 0; i < 2; i++) {
        r[i] = vt_get(&node[i], path);
        assert_int_equal(r[i].status, 200);
        assert_true(r[i].len > 1000);
    }
    assert_int_equal(r[0].len, r[1].len);
    assert_memory_equal(r[0].body, r[1].body, r[0].len);
    assert_non_null(vt_header(&r[0], "ETag"));
    assert_string_equal(vt_header(&r[0], "ETag"), vt_header(&r[1], "ETag"));
    /* each node's own cache holds it now; asked again, the same bytes */
    for (int i = 0; i < 2; i++) {
        assert_int_equal(vt_sh(&out, "find %s/node%d/cache -type f | wc -l", dir,
                               i + 1),
                         0);
        assert_true(atoi(out) >= 1);
        free(out);
        struct vt_resp again = vt_get(&node[i], path);
        assert_int_equal(again.len, r[i].len);
        assert_memory_equal(again.body, r[i].body, again.len);
        vt_resp_free(&again);
    }
    vt_resp_free(&r[0]);
    vt_resp_free(&r[1]);
    assert_int_equal(vt_sh(&out, "find %s/cache -type f 2>/dev/null | wc -l", media), 0);
    assert_int_equal(atoi(out), 0); /* nothing in the shared folder's own cache */
    free(out);
    /* the object page of either node shows the viewer */
    for (int i = 0; i < 2; i++) {
        r[i] = vt_get(&node[i], "/api/v1/objects?source_id=%E5%8F%A4%E7%8E%893888");
        assert_contains(r[i].body, "nodes-jade");
        vt_resp_free(&r[i]);
    }
}

/* A node that would share another's derivative cache is refused at start,
 * with a message that says what to do. */
static void test_shared_cache_refused(void **state)
{
    (void)state;
    char *out;
    int rc = vt_sh(&out, "timeout 20 %s serve --db '%s' --media %s --node-dir %s/node1 "
                         "--index %s/node3.index --listen 127.0.0.1:%d",
                   vt_bin(), db, media, dir, dir, vt_free_port());
    assert_int_equal(rc, 3);
    assert_contains(out, "another process uses it");
    assert_contains(out, "--node-dir");
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_writes_visible_on_both),
        cmocka_unit_test(test_image_on_both),
        cmocka_unit_test(test_shared_cache_refused),
    };
    return cmocka_run_group_tests_name(vt_pg() ? "cli/nodes (PostgreSQL)" : "cli/nodes (SQLite)",
                                       tests, group_setup, group_teardown);
}
