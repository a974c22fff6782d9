/* The outbox sent (src/cli/mail.c) to the test's own SMTP server
 * (tests/smtpsink.h), on the backend the run names: an invitation that
 * `vcm user add` queues reaches the server through `vcm outbox send` and
 * through `vcm serve`'s sender; while the server refuses for now or is
 * down, the message waits with its error and is sent later, never lost;
 * a refusal of the message itself gives it up; two senders never take one
 * message twice. */
#include "smtpsink.h"

#include "store/outbox.h"

static char *dir;
static char db[1024];
static struct vt_smtp sink;

static int setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    vt_db_url(db, sizeof db, dir, "outbox");
    vt_smtp_start(&sink, dir);
    vt_smtp_behave(&sink, "");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    vt_smtp_stop(&sink);
    vt_rmrf(dir);
    free(dir);
    return 0;
}

/* Queues an invitation to email (a secretariat account: no museum needed). */
static void invite(const char *email)
{
    char *out = NULL;
    if (vt_sh(&out, "%s user add --db '%s' '%s' 'Someone' secretariat 2>&1", vt_bin(), db,
              email) != 0)
        fail_msg("vcm user add: %s", out ? out : "");
    free(out);
}

/* The outbox row of email: its state, tries and last error. */
static vcm_mail row(vcm_arena *a, const char *email)
{
    char err[512];
    vcm_store *s = vcm_store_open(db, err, sizeof err);
    if (!s)
        fail_msg("%s", err);
    vcm_mail *m;
    size_t n;
    assert_int_equal(vcm_outbox_list(s, a, email, 10, &m, &n), 0);
    assert_int_equal(n, 1);
    vcm_mail r = m[0];
    vcm_store_close(s);
    return r;
}

/* Makes the message to email due now, as if its wait were over (a write,
 * which vt_db_sql does not allow). */
static void make_due(const char *email)
{
    char *out = NULL;
    int rc;
    if (strncmp(db, "sqlite:", 7) == 0)
        rc = vt_sh(&out, "sqlite3 -cmd \"ATTACH '%s-ops' AS ops\" '%s' \"UPDATE outbox SET "
                         "next_try = 0 WHERE recipient = '%s'\" 2>&1",
                   db + 7, db + 7, email);
    else
        rc = vt_sh(&out, "psql -X -At -d '%s' -c \"UPDATE outbox SET next_try = 0 WHERE "
                         "recipient = '%s'\" 2>&1",
                   db, email);
    if (rc != 0)
        fail_msg("cannot make the message due: %s", out ? out : "");
    free(out);
}

static int send_once(char **out)
{
    return vt_sh(out, "%s outbox send --db '%s' --smtp-url %s --smtp-tls off "
                      "--mail-from 'VCM <noreply@vcm.example.org>' --smtp-timeout 3 2>&1",
                 vt_bin(), db, sink.url);
}

static bool received(const char *email, const char *text)
{
    int n = vt_smtp_count(&sink);
    for (int i = 1; i <= n; i++) {
        size_t len;
        char *env = vt_smtp_read(&sink, i, "env", &len);
        char *msg = vt_smtp_read(&sink, i, "eml", &len);
        bool hit = env && msg && strstr(env, email) && strstr(msg, text);
        free(env);
        free(msg);
        if (hit)
            return true;
    }
    return false;
}

static void test_sent_once(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    invite("first@museum.example");
    char *out = NULL;
    assert_int_equal(send_once(&out), 0);
    assert_non_null(strstr(out, "1 sent"));
    free(out);
    assert_true(received("first@museum.example", "/invite/"));
    vcm_mail m = row(&a, "first@museum.example");
    assert_string_equal(m.state, "sent");
    assert_int_equal(m.tries, 1);
    /* a second pass sends nothing again */
    int before = vt_smtp_count(&sink);
    assert_int_equal(send_once(&out), 0);
    assert_non_null(strstr(out, "0 sent"));
    free(out);
    assert_int_equal(vt_smtp_count(&sink), before);
    vcm_arena_release(&a);
}

static void test_waits_while_refused_or_down(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    invite("later@museum.example");
    /* refused for now: kept, with the server's answer and a next try */
    vt_smtp_behave(&sink, "rcpt 451\n");
    char *out = NULL;
    assert_int_equal(send_once(&out), 0);
    assert_non_null(strstr(out, "1 to try again"));
    free(out);
    vcm_mail m = row(&a, "later@museum.example");
    assert_string_equal(m.state, "waiting");
    assert_int_equal(m.tries, 1);
    assert_non_null(strstr(m.last_error, "451"));
    assert_true(m.next_try > (int64_t)time(NULL) + 30);
    assert_false(received("later@museum.example", "/invite/"));
    /* not due yet: a pass leaves it */
    vt_smtp_behave(&sink, "");
    assert_int_equal(send_once(&out), 0);
    assert_non_null(strstr(out, "0 sent, 0 to try again"));
    free(out);
    /* due again (its time moved back, as if a minute had passed), with the
     * server down: still waiting, nothing lost */
    make_due("later@museum.example");
    assert_int_equal(vt_sh(&out, "%s outbox send --db '%s' --smtp-url smtp://127.0.0.1:%d "
                                 "--smtp-tls off --mail-from noreply@vcm.example.org "
                                 "--smtp-timeout 3 2>&1",
                           vt_bin(), db, vt_free_port()),
                     0);
    assert_non_null(strstr(out, "1 to try again"));
    free(out);
    m = row(&a, "later@museum.example");
    assert_string_equal(m.state, "waiting");
    assert_int_equal(m.tries, 2);
    /* and sent once the server takes it */
    make_due("later@museum.example");
    assert_int_equal(send_once(&out), 0);
    assert_non_null(strstr(out, "1 sent"));
    free(out);
    assert_true(received("later@museum.example", "/invite/"));
    assert_string_equal(row(&a, "later@museum.example").state, "sent");
    vcm_arena_release(&a);
}

static void test_given_up_when_refused(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    invite("nobody@museum.example");
    vt_smtp_behave(&sink, "rcpt 550\n");
    char *out = NULL;
    assert_int_equal(send_once(&out), 0);
    assert_non_null(strstr(out, "1 given up"));
    free(out);
    vt_smtp_behave(&sink, "");
    vcm_mail m = row(&a, "nobody@museum.example");
    assert_string_equal(m.state, "failed");
    assert_non_null(strstr(m.last_error, "550"));
    vcm_arena_release(&a);
}

/* Two senders at one moment: the first takes the message, the second
 * finds nothing due (store/outbox.h, the lease). */
static void test_taken_once(void **state)
{
    (void)state;
    char err[512];
    vcm_store *s1 = vcm_store_open(db, err, sizeof err), *s2 = vcm_store_open(db, err, sizeof err);
    assert_non_null(s1);
    assert_non_null(s2);
    int64_t id;
    assert_int_equal(vcm_outbox_add(s1, "once@museum.example", "S", "B", &id), 0);
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_mail *m;
    size_t n;
    int64_t now = (int64_t)time(NULL);
    assert_int_equal(vcm_outbox_due(s1, &a, now, 100, &m, &n), 0);
    bool mine = false;
    for (size_t i = 0; i < n; i++)
        mine = mine || m[i].id == id;
    assert_true(mine);
    assert_int_equal(vcm_outbox_due(s2, &a, now, 100, &m, &n), 0);
    for (size_t i = 0; i < n; i++)
        assert_true(m[i].id != id);
    /* a sender that stopped before marking it: due again after the lease */
    assert_int_equal(vcm_outbox_due(s2, &a, now + VCM_OUTBOX_LEASE, 100, &m, &n), 0);
    mine = false;
    for (size_t i = 0; i < n; i++)
        mine = mine || m[i].id == id;
    assert_true(mine);
    assert_int_equal(vcm_outbox_sent(s2, id, now), 0);
    vcm_arena_release(&a);
    vcm_store_close(s1);
    vcm_store_close(s2);
}

/* vcm serve sends what is queued while it runs, with the options of the
 * environment, and what is queued later too. */
static void test_serve_sends(void **state)
{
    (void)state;
    invite("served@museum.example");
    setenv("VCM_SMTP_URL", sink.url, 1);
    setenv("VCM_SMTP_TLS", "off", 1);
    setenv("VCM_MAIL_FROM", "noreply@vcm.example.org", 1);
    struct vt_server srv;
    vt_server_start(&srv, db);
    unsetenv("VCM_SMTP_URL");
    unsetenv("VCM_SMTP_TLS");
    unsetenv("VCM_MAIL_FROM");
    bool got = false;
    for (int i = 0; i < 200 && !got; i++) {
        got = received("served@museum.example", "/invite/");
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    assert_true(got);
    invite("served-later@museum.example");
    got = false;
    for (int i = 0; i < 200 && !got; i++) {
        got = received("served-later@museum.example", "/invite/");
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    assert_true(got);
    assert_int_equal(vt_server_stop(&srv), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sent_once),
        cmocka_unit_test(test_waits_while_refused_or_down),
        cmocka_unit_test(test_given_up_when_refused),
        cmocka_unit_test(test_taken_once),
        cmocka_unit_test(test_serve_sends),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
