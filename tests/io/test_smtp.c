/* The SMTP sender (src/io/smtp.c) against a real SMTP server on loopback,
 * the test's own sink (tests/smtpsink.h): a message arrives byte for byte,
 * and every failure is classified: 4xx and a server that is down, slow or
 * drops the connection are temporary (retry later, nothing lost), a 5xx to
 * the message is permanent, a 5xx before it (the server or our setup) is
 * temporary. */
#include "smtpsink.h"

#include <sodium.h>

#include "io/mail.h"

static char *dir;
static struct vt_smtp sink;

static int setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
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

static vcm_mail_config config(const char *url)
{
    vcm_mail_config c;
    vcm_mail_config_defaults(&c);
    snprintf(c.smtp_url, sizeof c.smtp_url, "%s", url);
    snprintf(c.tls, sizeof c.tls, "off"); /* the sink speaks no TLS */
    snprintf(c.from, sizeof c.from, "Réseau VCM <noreply@vcm.example.org>");
    c.timeout = 5;
    char err[300];
    if (vcm_mail_config_check(&c, err, sizeof err) != 0)
        fail_msg("config: %s", err);
    return c;
}

static const char *body = "Bonjour,\n"
                          ".a line that starts with a dot\n"
                          ".\n"
                          "..two dots\n"
                          "你好，欢迎。\n";

static vcm_mail_msg message(void)
{
    return (vcm_mail_msg){.from = "noreply@vcm.example.org",
                          .from_name = "Réseau VCM",
                          .to = "curator@museum.example",
                          .subject = "Invitation : 國立故宮博物院",
                          .body = body,
                          .date = 1796598309,
                          .message_id = "<fixed-id@vcm.example.org>"};
}

static void test_message_arrives_intact(void **state)
{
    (void)state;
    vcm_mail_config c = config(sink.url);
    vcm_mail_msg m = message();
    vcm_mail_status st;
    assert_int_equal(vcm_mail_send(&c, &m, 0, &st), VCM_MAIL_SENT);
    assert_int_equal(st.kind, VCM_MAIL_SENT);
    assert_int_equal(st.code, 250);
    assert_int_equal(st.retry_in, -1);
    assert_int_equal(vt_smtp_count(&sink), 1);
    /* byte for byte what the builder made: dot-stuffing done and undone */
    vcm_buf want;
    vcm_buf_init(&want, 0);
    char err[200];
    assert_int_equal(vcm_mail_build(&m, &want, err, sizeof err), 0);
    size_t len;
    char *got = vt_smtp_read(&sink, 1, "eml", &len);
    assert_non_null(got);
    assert_int_equal(len, want.len);
    assert_memory_equal(got, want.data, len);
    assert_non_null(strstr(got, "\r\n.a line that starts with a dot\r\n.\r\n..two dots\r\n"));
    free(got);
    vcm_buf_release(&want);
    char *env = vt_smtp_read(&sink, 1, "env", NULL);
    assert_string_equal(env, "<noreply@vcm.example.org>\n<curator@museum.example>\n");
    free(env);
    /* the sender from the configuration, a Message-ID made when none is given */
    m.from = NULL;
    m.from_name = NULL;
    m.message_id = NULL;
    assert_int_equal(vcm_mail_send(&c, &m, 0, &st), VCM_MAIL_SENT);
    got = vt_smtp_read(&sink, 2, "eml", NULL);
    assert_non_null(got);
    assert_non_null(strstr(got, "\r\nFrom: =?utf-8?B?"));
    assert_non_null(strstr(got, "<noreply@vcm.example.org>\r\n"));
    assert_non_null(strstr(got, "@vcm.example.org>\r\nMIME-Version"));
    assert_null(strstr(got, "fixed-id"));
    free(got);
}

/* Sends the message with the sink told rules; checks the kind and the code
 * (-1: any, as when the connection drops after some replies). */
static vcm_mail_status attempt(const char *rules, int attempts, vcm_mail_kind kind, long code)
{
    vt_smtp_behave(&sink, rules);
    vcm_mail_config c = config(sink.url);
    vcm_mail_msg m = message();
    vcm_mail_status st;
    int before = vt_smtp_count(&sink);
    vcm_mail_kind k = vcm_mail_send(&c, &m, attempts, &st);
    if (k != kind || st.kind != kind || (code >= 0 && st.code != code))
        fail_msg("with '%s': kind %d code %ld (%s), expected kind %d code %ld", rules, k,
                 st.code, st.reply, kind, code);
    if (kind != VCM_MAIL_SENT)
        assert_int_equal(vt_smtp_count(&sink), before);
    return st;
}

static void test_temporary_failures(void **state)
{
    (void)state;
    vcm_mail_status st = attempt("rcpt 451\n", 0, VCM_MAIL_TEMPORARY, 451);
    assert_string_equal(st.reply, "451 4.0.0 the test sink says 451");
    assert_int_equal(st.retry_in, 60);
    st = attempt("greeting 421\n", 1, VCM_MAIL_TEMPORARY, 421);
    assert_int_equal(st.retry_in, 300);
    st = attempt("mail 452\n", 2, VCM_MAIL_TEMPORARY, 452);
    assert_int_equal(st.retry_in, 1800);
    attempt("end 451\n", 0, VCM_MAIL_TEMPORARY, 451);
    attempt("data 421\n", 0, VCM_MAIL_TEMPORARY, 421);
    /* a 5xx before the message is the server's or our setup's fault: wait */
    st = attempt("greeting 554\n", 0, VCM_MAIL_TEMPORARY, 554);
    assert_int_equal(st.retry_in, 60);
    attempt("ehlo 550\n", 0, VCM_MAIL_TEMPORARY, 550);
    /* the connection dropped at any step */
    attempt("greeting drop\n", 0, VCM_MAIL_TEMPORARY, 0);
    attempt("rcpt drop\n", 0, VCM_MAIL_TEMPORARY, -1);
    attempt("end drop\n", 0, VCM_MAIL_TEMPORARY, -1);
    /* the server is fine again: the same message goes */
    attempt("", 3, VCM_MAIL_SENT, 250);
}

static void test_permanent_failures(void **state)
{
    (void)state;
    vcm_mail_status st = attempt("rcpt 550\n", 0, VCM_MAIL_PERMANENT, 550);
    assert_string_equal(st.reply, "550 5.0.0 the test sink says 550");
    assert_int_equal(st.retry_in, -1);
    attempt("mail 553\n", 0, VCM_MAIL_PERMANENT, 553);
    attempt("data 554\n", 0, VCM_MAIL_PERMANENT, 554);
    attempt("end 552\n", 0, VCM_MAIL_PERMANENT, 552);
    /* a temporary failure on the policy's last attempt: given up */
    st = attempt("rcpt 451\n", VCM_MAIL_ATTEMPTS_MAX - 1, VCM_MAIL_PERMANENT, 451);
    assert_int_equal(st.retry_in, -1);
    /* a message we refuse to build never reaches the server */
    vt_smtp_behave(&sink, "");
    vcm_mail_config c = config(sink.url);
    vcm_mail_msg m = message();
    m.subject = "hi\r\nBcc: victim@example.org";
    assert_int_equal(vcm_mail_send(&c, &m, 0, &st), VCM_MAIL_PERMANENT);
    assert_non_null(strstr(st.reply, "header injection"));
    assert_int_equal(st.code, 0);
    /* nor an envelope that would put a command of its own on the line */
    const char *data = "Subject: x\r\n\r\nx\r\n";
    assert_int_equal(vcm_smtp_send(&c, "a@b.example", "c@d.example>\r\nRSET", data,
                                   strlen(data), &st),
                     VCM_MAIL_PERMANENT);
    assert_non_null(strstr(st.reply, "envelope: a line break"));
    assert_int_equal(vt_smtp_count(&sink), 0);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_server_down_or_slow(void **state)
{
    (void)state;
    /* nothing listens: temporary, at once */
    char url[64];
    snprintf(url, sizeof url, "smtp://127.0.0.1:%d", vt_free_port());
    vcm_mail_config c = config(url);
    vcm_mail_msg m = message();
    vcm_mail_status st;
    assert_int_equal(vcm_mail_send(&c, &m, 0, &st), VCM_MAIL_TEMPORARY);
    assert_int_equal(st.code, 0);
    assert_int_equal(st.retry_in, 60);
    assert_true(st.reply[0] != '\0');
    /* a server slower than the timeout: temporary, after the timeout */
    vt_smtp_behave(&sink, "rcpt sleep 4000\n");
    c = config(sink.url);
    c.timeout = 1;
    double t0 = now_s();
    assert_int_equal(vcm_mail_send(&c, &m, 0, &st), VCM_MAIL_TEMPORARY);
    double took = now_s() - t0;
    if (took < 0.9 || took > 3.0)
        fail_msg("the timeout of 1 s took %.2f s", took);
    assert_non_null(strstr(st.reply, "timed out"));
    /* with no mail server configured the message waits */
    vcm_mail_config none;
    vcm_mail_config_defaults(&none);
    assert_int_equal(vcm_mail_send(&none, &m, 0, &st), VCM_MAIL_TEMPORARY);
    assert_non_null(strstr(st.reply, "--smtp-url"));
    /* and is never given up for want of a server */
    assert_int_equal(vcm_mail_send(&none, &m, VCM_MAIL_ATTEMPTS_MAX, &st), VCM_MAIL_TEMPORARY);
    assert_int_equal(st.retry_in, 60);
    assert_int_equal(vt_smtp_count(&sink), 0);
}

static void test_starttls_required(void **state)
{
    (void)state;
    /* the sink offers no STARTTLS: with TLS required nothing goes in clear */
    vt_smtp_behave(&sink, "");
    vcm_mail_config c = config(sink.url);
    snprintf(c.tls, sizeof c.tls, "starttls");
    vcm_mail_msg m = message();
    vcm_mail_status st;
    assert_int_equal(vcm_mail_send(&c, &m, 0, &st), VCM_MAIL_TEMPORARY);
    assert_int_equal(vt_smtp_count(&sink), 0);
    assert_int_equal(st.retry_in, 60);
    /* smtps:// to a server that speaks no TLS: refused, temporary */
    char url[64];
    snprintf(url, sizeof url, "smtps://127.0.0.1:%d", sink.port);
    c = config(url);
    assert_int_equal(vcm_mail_send(&c, &m, 0, &st), VCM_MAIL_TEMPORARY);
    assert_int_equal(vt_smtp_count(&sink), 0);
}

/* The sink itself, spoken to by hand: the commands a client may send that
 * curl does not (HELO, NOOP, RSET), and the order it enforces. */
static void test_sink_by_hand(void **state)
{
    (void)state;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)sink.port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    struct vs_conn c = {.fd = fd};
    char line[512];
    const char *talk[][2] = {
        {NULL, "220 "},
        {"HELO test\r\n", "250 "},
        {"NOOP\r\n", "250 "},
        {"MAIL FROM:<a@b.example>\r\n", "250 "},
        {"RSET\r\n", "250 "},
        {"RCPT TO:<c@d.example>\r\n", "503 "},
        {"MAIL FROM:<a@b.example>\r\n", "250 "},
        {"DATA\r\n", "503 "},
        {"RCPT TO:<c@d.example>\r\n", "250 "},
        {"DATA\r\n", "354 "},
        {"Subject: by hand\r\n\r\n..dot\r\n.\r\n", "250 "},
        {"VRFY x\r\n", "502 "},
        {"QUIT\r\n", "221 "},
    };
    for (size_t i = 0; i < sizeof talk / sizeof *talk; i++) {
        if (talk[i][0])
            vs_say(&c, talk[i][0]);
        assert_true(vs_line(&c, line, sizeof line) > 0);
        if (strncmp(line, talk[i][1], 4) != 0)
            fail_msg("after '%s' the sink said '%s'", talk[i][0] ? talk[i][0] : "", line);
    }
    close(fd);
    char *got = vt_smtp_read(&sink, 1, "eml", NULL);
    assert_string_equal(got, "Subject: by hand\r\n\r\n.dot\r\n");
    free(got);
}

/* A login: the credentials reach the server; a refused login is temporary
 * (the operator fixes the password, the mail waits) and what is kept of the
 * exchange holds neither the password nor its base64. */
static void test_login(void **state)
{
    (void)state;
    vcm_mail_config c = config(sink.url);
    snprintf(c.user, sizeof c.user, "vcm");
    snprintf(c.password, sizeof c.password, "s3cret-Pass");
    vcm_mail_msg m = message();
    vcm_mail_status st;
    assert_int_equal(vcm_mail_send(&c, &m, 0, &st), VCM_MAIL_SENT);
    char path[600];
    snprintf(path, sizeof path, "%s/auth", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char got[200] = "";
    assert_non_null(fgets(got, sizeof got, f));
    fclose(f);
    const char plain[] = "\0vcm\0s3cret-Pass";
    char want[64];
    sodium_bin2base64(want, sizeof want, (const unsigned char *)plain, sizeof plain - 1,
                      sodium_base64_VARIANT_ORIGINAL);
    assert_string_equal(got, want);
    vt_smtp_behave(&sink, "auth 535\n");
    assert_int_equal(vcm_mail_send(&c, &m, 0, &st), VCM_MAIL_TEMPORARY);
    assert_int_equal(st.code, 535);
    assert_int_equal(st.retry_in, 60);
    assert_null(strstr(st.reply, "s3cret"));
    assert_null(strstr(st.reply, want));
    assert_int_equal(vt_smtp_count(&sink), 1);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_message_arrives_intact, setup, teardown),
        cmocka_unit_test_setup_teardown(test_temporary_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_permanent_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_server_down_or_slow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_starttls_required, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sink_by_hand, setup, teardown),
        cmocka_unit_test_setup_teardown(test_login, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
