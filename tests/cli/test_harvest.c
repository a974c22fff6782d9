/* Federation over OAI-PMH: two real `vcm serve` on loopback. The member
 * (SQLite) serves a small collection, 300 records of the demo imported by
 * `vcm import`; the hub (the backend of the run: SQLite, or PostgreSQL in
 * tests/run.sh's second pass) harvests it, first by the schedule inside its
 * own `vcm serve`, then by `vcm harvest run`:
 * - the full harvest: every record once, its fields and languages as the
 *   member has them;
 * - after an edit, a new record and a withdrawal on the member, an
 *   incremental harvest takes those three and nothing else, and the hub
 *   matches again, the withdrawn record withdrawn;
 * - a member stopped in the middle of a harvest: the harvest fails keeping
 *   its token; the member restarted, the next run resumes from that token
 *   and the hub ends with every record exactly once; a record changed
 *   during that harvest, behind its cursor, comes with the next incremental
 *   harvest. */
#include "testutil.h"

#include <jansson.h>

static char *dir, member_db[700], hub_db[1024], hub2_db[1024], slice[700];
static struct vt_server member, hub;

static void serve(struct vt_server *s, const char *db, const char *name, const char *page,
                  const char *poll)
{
    s->port = vt_free_port();
    snprintf(s->base, sizeof s->base, "http://127.0.0.1:%d", s->port);
    char listen[32], node_dir[800], index[800], media[800];
    snprintf(listen, sizeof listen, "127.0.0.1:%d", s->port);
    snprintf(node_dir, sizeof node_dir, "%s/%s-node", dir, name);
    snprintf(index, sizeof index, "%s/%s.index", dir, name);
    snprintf(media, sizeof media, "%s/%s-media", dir, name);
    s->pid = fork();
    assert_true(s->pid >= 0);
    if (s->pid == 0) {
        setenv("VCM_OAI_PAGE", page, 1);
        setenv("VCM_HARVEST_POLL", poll, 1);
        setenv("VCM_HARVEST_OVERLAP", "0", 1);
        execl(vt_bin(), vt_bin(), "serve", "--db", db, "--media", media, "--node-dir", node_dir,
              "--index", index, "--listen", listen, "--log-level", "warn", (char *)NULL);
        _exit(127);
    }
    vt_server_wait(s);
}

static int group_setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    snprintf(member_db, sizeof member_db, "sqlite:%s/member.db", dir);
    snprintf(slice, sizeof slice, "%s/slice.jsonl", dir);
    char *out;
    if (vt_sh(&out, "head -n 300 %s/collection.jsonl > %s && head -n 1 %s > %s/first.jsonl && "
                    "%s import --quiet --db '%s' %s",
              vt_data(), slice, slice, dir, vt_bin(), member_db, slice) != 0)
        fail_msg("the member's import failed: %s", out);
    free(out);
    serve(&member, member_db, "member", "40", "0");
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (member.pid > 0)
        vt_server_stop(&member);
    vt_rmrf(dir);
    free(dir);
    return 0;
}

/* One value of the store at url, by SQL, as text ("" none). */
static char *sql1(const char *url, const char *q)
{
    char *out;
    if (vt_db_sql(&out, url, q) != 0)
        fail_msg("%s: %s", q, out);
    out[strcspn(out, "\n")] = '\0';
    return out;
}

static long sql_long(const char *url, const char *q)
{
    char *v = sql1(url, q);
    long n = atol(v);
    free(v);
    return n;
}

/* Runs vcm with the environment of the test (no overlap, few retries). */
static int vcm(char **out, const char *db, const char *args)
{
    return vt_sh(out, "VCM_HARVEST_OVERLAP=0 VCM_HARVEST_RETRIES=1 %s %s --db '%s'", vt_bin(), args,
                 db);
}

/* Walks a repository's ListIdentifiers through its tokens: the number of
 * identifiers not deleted; fails on an identifier given twice. */
static long walk(const struct vt_server *s, long *deleted)
{
    char path[1200];
    snprintf(path, sizeof path, "/oai?verb=ListIdentifiers&metadataPrefix=lido");
    json_t *seen = json_object();
    long live = 0, pages = 0;
    *deleted = 0;
    for (;;) {
        struct vt_resp r = vt_get(s, path);
        assert_int_equal(r.status, 200);
        pages++;
        for (const char *p = r.body; (p = strstr(p, "<header")) != NULL; p++) {
            bool del = strncmp(p, "<header status=\"deleted\"", 24) == 0;
            const char *id = strstr(p, "<identifier>") + 12;
            char key[200];
            snprintf(key, sizeof key, "%.*s", (int)(strchr(id, '<') - id), id);
            if (json_object_get(seen, key))
                fail_msg("%s given twice by the walk", key);
            json_object_set_new(seen, key, json_true());
            *deleted += del;
            live += !del;
        }
        const char *t = strstr(r.body, "<resumptionToken");
        const char *v = t ? strchr(t, '>') + 1 : NULL;
        if (!v || *v == '<') {
            vt_resp_free(&r);
            break;
        }
        snprintf(path, sizeof path, "/oai?verb=ListIdentifiers&resumptionToken=%.*s",
                 (int)(strchr(v, '<') - v), v);
        vt_resp_free(&r);
    }
    json_decref(seen);
    assert_true(pages > 1);
    return live;
}

static const char *const fields[] = {
    "title",        "description", "creators",  "date_text",      "date_start",
    "date_end",     "culture",     "classification", "materials", "dimensions",
    "credit_line",  "rights",      "source_url", "source_id",    "inventory_number",
};

/* Every record the hub took from the member, as the member has it now:
 * fields and languages alike, withdrawn ones gone from both. Returns how
 * many are public on the hub. */
static long compare(const char *db)
{
    char *rows;
    if (vt_db_sql(&rows, db, "SELECT identifier || ' ' || object_id FROM harvest_records "
                             "ORDER BY object_id") != 0)
        fail_msg("%s", rows);
    long public = 0;
    char *save = NULL;
    for (char *line = strtok_r(rows, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char identifier[200];
        long hub_id;
        if (sscanf(line, "%199s %ld", identifier, &hub_id) != 2)
            fail_msg("a row of harvest_records: %s", line);
        long member_id = atol(strrchr(identifier, ':') + 1);
        char mp[64], hp[64];
        snprintf(mp, sizeof mp, "/api/v1/objects/%ld", member_id);
        snprintf(hp, sizeof hp, "/api/v1/objects/%ld", hub_id);
        struct vt_resp m = vt_get(&member, mp), h = vt_get(&hub, hp);
        if (m.status != h.status)
            fail_msg("member %ld answers %ld, hub %ld answers %ld", member_id, m.status, hub_id,
                     h.status);
        if (m.status == 200) {
            json_t *mj = json_loads(m.body, 0, NULL), *hj = json_loads(h.body, 0, NULL);
            assert_non_null(mj);
            assert_non_null(hj);
            for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
                if (!json_equal(json_object_get(mj, fields[i]), json_object_get(hj, fields[i]))) {
                    char *a = json_dumps(json_object_get(mj, fields[i]), JSON_ENCODE_ANY);
                    char *b = json_dumps(json_object_get(hj, fields[i]), JSON_ENCODE_ANY);
                    fail_msg("object %ld: %s is %s on the member, %s on the hub", member_id,
                             fields[i], a, b);
                }
            json_decref(mj);
            json_decref(hj);
            public++;
        }
        vt_resp_free(&m);
        vt_resp_free(&h);
    }
    free(rows);
    return public;
}

static void import_member(const char *name, const char *text)
{
    char path[800], *out;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    vt_write_file(path, text);
    if (vt_sh(&out, "%s import --quiet --db '%s' %s", vt_bin(), member_db, path) != 0)
        fail_msg("the member's import of %s failed: %s", name, out);
    free(out);
}

/* Line n (from 1) of the demo with its title replaced. */
static char *demo_line(int n, const char *title)
{
    char *out;
    if (vt_sh(&out, "sed -n '%dp' %s/collection.jsonl", n, vt_data()) != 0)
        fail_msg("%s", out);
    json_t *j = json_loads(out, 0, NULL);
    assert_non_null(j);
    free(out);
    if (title)
        json_object_set_new(j, "title", json_string(title));
    char *s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    size_t n2 = strlen(s);
    char *line = malloc(n2 + 2);
    memcpy(line, s, n2);
    memcpy(line + n2, "\n", 2);
    free(s);
    return line;
}

/* The member's record of demo line n withdrawn: its export line with the
 * status changed. */
static void withdraw_member(const char *source_id)
{
    char *out;
    if (vt_sh(&out, "%s export --quiet --db '%s' - | grep -F '\"source_id\":\"%s\"'", vt_bin(),
              member_db, source_id) != 0)
        fail_msg("no export line of %s: %s", source_id, out);
    json_t *j = json_loads(out, JSON_DISABLE_EOF_CHECK, NULL);
    assert_non_null(j);
    free(out);
    json_object_set_new(j, "status", json_string("withdrawn"));
    char *s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    char text[65536];
    snprintf(text, sizeof text, "%s\n", s);
    free(s);
    import_member("withdraw.jsonl", text);
}

static char *source_id_of_line(int n)
{
    char *line = demo_line(n, NULL);
    json_t *j = json_loads(line, 0, NULL);
    char *v = strdup(json_string_value(json_object_get(j, "source_id")));
    json_decref(j);
    free(line);
    return v;
}

/* Waits (at most 30 s) until the hub's source 1 has status st. */
static void wait_status(const char *db, const char *st)
{
    for (int i = 0; i < 600; i++) {
        char *v = sql1(db, "SELECT coalesce(status, '') FROM harvest_sources WHERE id = 1");
        bool ok = strcmp(v, st) == 0;
        free(v);
        if (ok)
            return;
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    fail_msg("the hub's harvest did not reach status %s", st);
}

static void test_full_then_incremental(void **state)
{
    (void)state;
    char *out, args[600];
    /* the member's records get their datestamps from its first answer, a
     * second before the first harvest, so that an incremental harvest
     * from that harvest's start leaves them out */
    struct vt_resp id = vt_get(&member, "/oai?verb=Identify");
    assert_int_equal(id.status, 200);
    vt_resp_free(&id);
    sleep(1);

    vt_db_url(hub_db, sizeof hub_db, dir, "hub");
    if (vt_sh(&out, "%s import --quiet --db '%s' %s/first.jsonl", vt_bin(), hub_db, dir) != 0)
        fail_msg("the hub's museum: %s", out);
    free(out);
    snprintf(args, sizeof args, "harvest add %s/oai --museum 1 --format lido", member.base);
    assert_int_equal(vcm(&out, hub_db, args), 0);
    free(out);
    /* the schedule in the hub's vcm serve harvests the new source */
    serve(&hub, hub_db, "hub", "50", "1");
    wait_status(hub_db, "ok");
    long deleted;
    assert_int_equal(sql_long(hub_db, "SELECT count(*) FROM harvest_records"), 300);
    assert_int_equal(sql_long(hub_db, "SELECT count(*) FROM objects"), 300);
    assert_int_equal(compare(hub_db), 300);
    assert_int_equal(walk(&hub, &deleted), 300);
    assert_int_equal(deleted, 0);

    /* an edit, a new record, a withdrawal on the member */
    char *edit = demo_line(5, "Edited on the member");
    import_member("edit.jsonl", edit);
    free(edit);
    char *add = demo_line(301, NULL);
    import_member("new.jsonl", add);
    free(add);
    char *gone = source_id_of_line(10);
    withdraw_member(gone);
    free(gone);

    assert_int_equal(vcm(&out, hub_db, "harvest run"), 0);
    /* the harvest since the last took these three, nothing else */
    assert_contains(out, "source 1: 2 records, 1 deleted, 0 errors");
    free(out);
    assert_int_equal(sql_long(hub_db, "SELECT count(*) FROM harvest_records"), 301);
    assert_int_equal(sql_long(hub_db, "SELECT count(*) FROM objects WHERE status = 'published'"),
                     300);
    assert_int_equal(compare(hub_db), 300);
    char *title = sql1(hub_db, "SELECT value FROM object_texts WHERE field = 'title' AND value "
                               "= 'Edited on the member'");
    assert_string_equal(title, "Edited on the member");
    free(title);
    /* the hub tells its own harvesters of the withdrawal */
    assert_int_equal(walk(&hub, &deleted), 300);
    assert_int_equal(deleted, 1);
    assert_int_equal(vt_server_stop(&hub), 0);
    hub.pid = 0;
}

/* Polls the harvest's progress: the records it has stored so far. */
static long progress(const char *db)
{
    return sql_long(db, "SELECT harvested FROM harvest_sources WHERE id = 1");
}

static void test_member_stopped_mid_harvest(void **state)
{
    (void)state;
    char *out, args[600];
    /* the member gives one record a page, so that the harvest takes long
     * enough to be stopped in its middle */
    assert_int_equal(vt_server_stop(&member), 0);
    serve(&member, member_db, "member", "1", "0");
    vt_db_url(hub2_db, sizeof hub2_db, dir, "hub2");
    if (vt_sh(&out, "%s import --quiet --db '%s' %s/first.jsonl", vt_bin(), hub2_db, dir) != 0)
        fail_msg("the hub's museum: %s", out);
    free(out);
    snprintf(args, sizeof args, "harvest add %s/oai --museum 1 --format lido", member.base);
    assert_int_equal(vcm(&out, hub2_db, args), 0);
    free(out);
    long total = sql_long(member_db, "SELECT count(*) FROM objects WHERE status = 'published'");

    pid_t h = fork();
    assert_true(h >= 0);
    if (h == 0) {
        setenv("VCM_HARVEST_OVERLAP", "0", 1);
        setenv("VCM_HARVEST_RETRIES", "1", 1);
        int fd = open("/dev/null", O_WRONLY);
        dup2(fd, 1);
        dup2(fd, 2);
        execl(vt_bin(), vt_bin(), "harvest", "run", "--db", hub2_db, (char *)NULL);
        _exit(127);
    }
    long seen = 0;
    for (int i = 0; i < 600 && (seen = progress(hub2_db)) < 30; i++) {
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    assert_true(seen >= 30);
    /* the harvest held still (so that it cannot end first, however fast
     * the machine), a record behind its cursor changes meanwhile, then
     * the member stops */
    kill(h, SIGSTOP);
    char *edit = demo_line(3, "Changed during the harvest");
    import_member("during.jsonl", edit);
    free(edit);
    kill(member.pid, SIGKILL);
    int st;
    waitpid(member.pid, &st, 0);
    kill(h, SIGCONT);
    waitpid(h, &st, 0);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) != 0);
    long stopped_at = progress(hub2_db);
    assert_true(stopped_at < total);
    char *token = sql1(hub2_db, "SELECT coalesce(token, '') FROM harvest_sources WHERE id = 1");
    assert_true(token[0] != '\0');
    free(token);

    /* the member back on the same port: the next run resumes */
    int port = member.port;
    char listen[32], node_dir[800], index[800], media[800];
    snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
    snprintf(node_dir, sizeof node_dir, "%s/member-node", dir);
    snprintf(index, sizeof index, "%s/member.index", dir);
    snprintf(media, sizeof media, "%s/member-media", dir);
    member.pid = fork();
    if (member.pid == 0) {
        setenv("VCM_OAI_PAGE", "100", 1);
        execl(vt_bin(), vt_bin(), "serve", "--db", member_db, "--media", media, "--node-dir",
              node_dir, "--index", index, "--listen", listen, "--log-level", "warn",
              (char *)NULL);
        _exit(127);
    }
    vt_server_wait(&member);
    assert_int_equal(vcm(&out, hub2_db, "harvest run"), 0);
    assert_contains(out, "resuming from its last token");
    free(out);
    /* every record exactly once (the withdrawn one was never taken) */
    assert_int_equal(sql_long(hub2_db, "SELECT count(*) FROM harvest_records"), total);
    assert_int_equal(sql_long(hub2_db, "SELECT count(DISTINCT object_id) FROM harvest_records"),
                     total);
    assert_int_equal(sql_long(hub2_db, "SELECT count(*) FROM objects WHERE status = 'published'"),
                     total);
    assert_int_equal(sql_long(hub2_db, "SELECT count(*) FROM object_texts WHERE value = "
                                       "'Changed during the harvest'"),
                     0);
    /* the next incremental harvest takes the record changed meanwhile */
    assert_int_equal(vcm(&out, hub2_db, "harvest run"), 0);
    free(out);
    assert_int_equal(sql_long(hub2_db, "SELECT count(*) FROM object_texts WHERE value = "
                                       "'Changed during the harvest'"),
                     1);
    assert_int_equal(sql_long(hub2_db, "SELECT count(*) FROM harvest_records"), total);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_then_incremental),
        cmocka_unit_test(test_member_stopped_mid_harvest),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
