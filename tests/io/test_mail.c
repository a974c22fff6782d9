/* The message builder (pure): headers, encoded words, folding, the
 * quoted-printable body, refused header injection and bad addresses; the
 * retry policy; the mail options. The decoders here are the test's own, so
 * a message is checked by reading it back as a mail reader would. */
#include "testutil.h"

#include "io/mail.h"

#define DATE 1796598309 /* Sun, 06 Dec 2026 23:05:09 UTC */

static vcm_mail_msg msg(const char *subject, const char *body)
{
    return (vcm_mail_msg){.from = "collection@vcm.example.org",
                          .from_name = "Virtual Collection",
                          .to = "curator@museum.example",
                          .subject = subject,
                          .body = body,
                          .date = DATE,
                          .message_id = "<0123abcd@vcm.example.org>"};
}

/* Builds m into a new string (caller frees); fails the test on error. */
static char *build(const vcm_mail_msg *m)
{
    vcm_buf b;
    vcm_buf_init(&b, 0);
    char err[256] = "";
    if (vcm_mail_build(m, &b, err, sizeof err) != 0)
        fail_msg("build failed: %s", err);
    return vcm_buf_detach(&b, NULL);
}

/* Builds m, expecting a refusal whose message holds want. */
static void refused(const vcm_mail_msg *m, const char *want)
{
    vcm_buf b;
    vcm_buf_init(&b, 0);
    char err[256] = "";
    assert_int_equal(vcm_mail_build(m, &b, err, sizeof err), -1);
    if (!strstr(err, want))
        fail_msg("error '%s' does not say '%s'", err, want);
    assert_int_equal(b.len, 0);
    vcm_buf_release(&b);
}

/* Every line ends in CRLF, none is longer than max, no bare CR or LF. */
static void check_lines(const char *s, size_t max)
{
    size_t col = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '\r') {
            assert_int_equal(p[1], '\n');
            p++;
            col = 0;
            continue;
        }
        assert_true(*p != '\n');
        col++;
        if (col > max)
            fail_msg("a line longer than %zu: %.80s", max, p - col + 1);
    }
    assert_int_equal(col, 0);
}

/* Every line holding an encoded word is at most 76 characters (RFC 2047). */
static void check_word_lines(const char *s)
{
    for (const char *p = s, *e; (e = strstr(p, "\r\n")); p = e + 2) {
        const char *w = strstr(p, "=?");
        if (w && w < e && e - p > 76)
            fail_msg("a line of encoded words longer than 76: %.*s", (int)(e - p), p);
    }
}

/* The value of header name, unfolded (CRLF before white space removed);
 * caller frees. */
static char *header(const char *msgtext, const char *name)
{
    size_t nl = strlen(name);
    const char *p = msgtext;
    while (p && strncmp(p, "\r\n", 2) != 0) {
        if (!strncasecmp(p, name, nl) && p[nl] == ':') {
            p += nl + 1;
            while (*p == ' ')
                p++;
            char *out = malloc(strlen(p) + 1);
            size_t n = 0;
            for (; *p; p++) {
                if (p[0] == '\r' && p[1] == '\n') {
                    if (p[2] != ' ' && p[2] != '\t')
                        break;
                    p++;
                    continue;
                }
                out[n++] = *p;
            }
            out[n] = '\0';
            return out;
        }
        p = strstr(p, "\r\n");
        if (p)
            p += 2;
    }
    return NULL;
}

static int b64v(char c)
{
    const char *t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *q = strchr(t, c);
    return c && q ? (int)(q - t) : -1;
}

/* Decodes a header value made of =?utf-8?B?…?= words separated by white
 * space (white space between encoded words is dropped, RFC 2047 6.2);
 * caller frees. Fails the test on anything else. */
static char *decode_words(const char *v)
{
    char *out = malloc(strlen(v) + 1);
    size_t n = 0;
    while (*v) {
        while (*v == ' ')
            v++;
        if (!*v)
            break;
        if (strncmp(v, "=?utf-8?B?", 10) != 0)
            fail_msg("not an encoded word: %s", v);
        const char *e = strstr(v + 10, "?=");
        assert_non_null(e);
        assert_true(e + 2 - v <= 75);
        unsigned acc = 0;
        int bits = 0;
        for (const char *p = v + 10; p < e && *p != '='; p++) {
            int d = b64v(*p);
            assert_true(d >= 0);
            acc = acc << 6 | (unsigned)d;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                out[n++] = (char)(acc >> bits & 0xFF);
            }
        }
        v = e + 2;
    }
    out[n] = '\0';
    return out;
}

/* The body after the blank line, quoted-printable decoded; caller frees. */
static char *decode_body(const char *msgtext)
{
    const char *p = strstr(msgtext, "\r\n\r\n");
    assert_non_null(p);
    p += 4;
    char *out = malloc(strlen(p) + 1);
    size_t n = 0;
    while (*p) {
        if (p[0] == '=' && p[1] == '\r' && p[2] == '\n') {
            p += 3;
        } else if (p[0] == '=') {
            unsigned v;
            assert_int_equal(sscanf(p + 1, "%2X", &v), 1);
            out[n++] = (char)v;
            p += 3;
        } else {
            out[n++] = *p++;
        }
    }
    out[n] = '\0';
    return out;
}

static void test_plain_message(void **state)
{
    (void)state;
    vcm_mail_msg m = msg("Your invitation", "Hello,\nfollow the link.\n");
    char *s = build(&m);
    const char *want =
        "Date: Sun, 06 Dec 2026 23:05:09 +0000\r\n"
        "From: Virtual Collection <collection@vcm.example.org>\r\n"
        "To: curator@museum.example\r\n"
        "Subject: Your invitation\r\n"
        "Message-ID: <0123abcd@vcm.example.org>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n"
        "Auto-Submitted: auto-generated\r\n"
        "\r\n"
        "Hello,\r\n"
        "follow the link.\r\n";
    assert_string_equal(s, want);
    free(s);
    /* a name with a dot is a quoted string, quotes and backslashes escaped */
    m.to_name = "Dr. \"Kim\" \\ Lee";
    s = build(&m);
    assert_non_null(strstr(s, "\r\nTo: \"Dr. \\\"Kim\\\" \\\\ Lee\" <curator@museum.example>\r\n"));
    free(s);
    /* a buffer too small for the message: refused, nothing left in it */
    vcm_buf small;
    vcm_buf_init(&small, 200);
    vcm_buf_puts(&small, "kept");
    char err[200];
    assert_int_equal(vcm_mail_build(&m, &small, err, sizeof err), -1);
    assert_non_null(strstr(err, "cap"));
    assert_string_equal(small.data, "kept");
    assert_int_equal(small.len, 4);
    vcm_buf_release(&small);
    vcm_buf_init(&small, 10); /* nothing allocated yet */
    assert_int_equal(vcm_mail_build(&m, &small, err, sizeof err), -1);
    assert_int_equal(small.len, 0);
    vcm_buf_release(&small);
}

static void test_utf8_subject_and_names(void **state)
{
    (void)state;
    const char *subj = "Invitation au réseau : 國立故宮博物院 — ようこそ、"
                       "ภาษาไทย and a long tail of words to need more than one encoded word";
    vcm_mail_msg m = msg(subj, "Bonjour, 你好\n");
    m.from_name = "Réseau des musées";
    m.to_name = "=?utf-8?B?not-a-word?=";
    char *s = build(&m);
    check_lines(s, 78);
    check_word_lines(s);
    char *v = header(s, "Subject");
    char *d = decode_words(v);
    assert_string_equal(d, subj);
    free(v);
    free(d);
    v = header(s, "From");
    char *lt = strstr(v, "<collection@vcm.example.org>");
    assert_non_null(lt);
    *lt = '\0';
    d = decode_words(v);
    assert_string_equal(d, "Réseau des musées");
    free(v);
    free(d);
    /* text that looks like an encoded word is encoded, not passed as one */
    v = header(s, "To");
    lt = strstr(v, "<curator@museum.example>");
    assert_non_null(lt);
    *lt = '\0';
    d = decode_words(v);
    assert_string_equal(d, "=?utf-8?B?not-a-word?=");
    free(v);
    free(d);
    d = decode_body(s);
    assert_string_equal(d, "Bonjour, 你好\r\n");
    free(d);
    free(s);
}

static void test_long_ascii_subject_folds(void **state)
{
    (void)state;
    char subj[700] = "";
    for (int i = 0; i < 60; i++)
        strncat(subj, i % 7 ? "word " : "longerword  ", sizeof subj - strlen(subj) - 1);
    strncat(subj, "end", sizeof subj - strlen(subj) - 1);
    vcm_mail_msg m = msg(subj, "x");
    char *s = build(&m);
    check_lines(s, 78);
    char *v = header(s, "Subject");
    assert_string_equal(v, subj); /* unfolding gives it back exactly */
    free(v);
    free(s);
}

static void test_body_quoted_printable(void **state)
{
    (void)state;
    char body[2000] = "";
    strncat(body, "line one\r\n.starts with a dot\n.\n=equals= and tab\t\nspace at end \n",
            sizeof body - 1);
    for (int i = 0; i < 40; i++)
        strncat(body, "éléphant ", sizeof body - strlen(body) - 1);
    strncat(body, "\nFrom the museum\nlone\rcr", sizeof body - strlen(body) - 1);
    vcm_mail_msg m = msg("Body", body);
    char *s = build(&m);
    check_lines(s, 76);
    const char *b = strstr(s, "\r\n\r\n") + 4;
    assert_non_null(strstr(b, "\r\n.starts with a dot\r\n.\r\n=3Dequals=3D and tab=09\r\n"
                              "space at end=20\r\n"));
    for (const char *p = b; *p; p++)
        assert_true((unsigned char)*p < 0x80); /* 7-bit: no 8BITMIME needed */
    char *d = decode_body(s);
    /* the decoded body is the input with CRLF line ends; a lone CR stays */
    char want[2100] = "";
    for (const char *p = body; *p; p++) {
        if (*p == '\n' && (p == body || p[-1] != '\r'))
            strncat(want, "\r", sizeof want - strlen(want) - 1);
        strncat(want, (char[]){*p, 0}, sizeof want - strlen(want) - 1);
    }
    strncat(want, "\r\n", sizeof want - strlen(want) - 1);
    assert_string_equal(d, want);
    free(d);
    free(s);
}

static void test_header_injection_refused(void **state)
{
    (void)state;
    vcm_mail_msg m = msg("Hello\r\nBcc: victim@example.org", "x");
    refused(&m, "line break in the subject (header injection)");
    m = msg("Hello\nBcc: victim@example.org", "x");
    refused(&m, "header injection");
    m = msg("Hello", "x");
    m.to = "curator@museum.example\r\nBcc: victim@example.org";
    refused(&m, "recipient: a line break in an address (header injection)");
    m = msg("Hello", "x");
    m.from_name = "Name\rX-Evil: 1";
    refused(&m, "line break in the sender's name");
    m = msg("Hello", "x");
    m.to_name = "Tab\there";
    refused(&m, "control character in the recipient's name");
    m = msg("bad \xff byte", "x");
    refused(&m, "subject is not valid UTF-8");
    m = msg("ok", "bad \xc3 byte");
    refused(&m, "body is not valid UTF-8");
    m = msg("ok", "x");
    m.message_id = "<no domain>";
    refused(&m, "Message-ID");
    char big[VCM_MAIL_SUBJECT_MAX + 2];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    m = msg(big, "x");
    refused(&m, "subject is longer than");
}

static void test_addresses(void **state)
{
    (void)state;
    char err[200];
    const char *good[] = {"a@b", "first.last+tag@sub.example.org", "o'neil@x-y.example", NULL};
    const char *bad[] = {"", "no-at", "@example.org", "a@", "a b@example.org",
                         "<a@example.org>", "a@example.org,b@example.org", "a@b..c",
                         ".a@b.c", "a.@b.c", "a@b.c.", "\"q\"@b.c", "a@b_c", "é@b.c",
                         "a@b@c", NULL};
    for (int i = 0; good[i]; i++)
        if (!vcm_mail_addr_ok(good[i], err, sizeof err))
            fail_msg("'%s' refused: %s", good[i], err);
    for (int i = 0; bad[i]; i++) {
        err[0] = '\0';
        if (vcm_mail_addr_ok(bad[i], err, sizeof err))
            fail_msg("'%s' accepted", bad[i]);
        assert_true(err[0] != '\0');
    }
    char longaddr[300];
    memset(longaddr, 'a', sizeof longaddr);
    memcpy(longaddr + 250, "@b.cd", 6);
    assert_false(vcm_mail_addr_ok(longaddr, err, sizeof err));
}

static void test_retry_policy(void **state)
{
    (void)state;
    assert_int_equal(vcm_mail_retry_delay(0), 0);
    assert_int_equal(vcm_mail_retry_delay(1), 60);
    assert_int_equal(vcm_mail_retry_delay(2), 300);
    assert_int_equal(vcm_mail_retry_delay(3), 1800);
    assert_int_equal(vcm_mail_retry_delay(4), 7200);
    assert_int_equal(vcm_mail_retry_delay(5), 43200);
    assert_int_equal(vcm_mail_retry_delay(VCM_MAIL_ATTEMPTS_MAX - 1), 43200);
    assert_int_equal(vcm_mail_retry_delay(VCM_MAIL_ATTEMPTS_MAX), -1);
    long total = 0;
    for (int i = 1; vcm_mail_retry_delay(i) > 0; i++)
        total += vcm_mail_retry_delay(i);
    /* the last attempt comes days later, not hours, and not weeks */
    assert_true(total > 3 * 86400 && total < 7 * 86400);
    assert_string_equal(vcm_mail_kind_name(VCM_MAIL_SENT), "sent");
    assert_string_equal(vcm_mail_kind_name(VCM_MAIL_TEMPORARY), "temporary");
    assert_string_equal(vcm_mail_kind_name(VCM_MAIL_PERMANENT), "permanent");
}

static void test_message_id(void **state)
{
    (void)state;
    char a[100], b[100];
    assert_int_equal(vcm_mail_message_id("x@vcm.example.org", a, sizeof a), 0);
    assert_int_equal(vcm_mail_message_id("x@vcm.example.org", b, sizeof b), 0);
    assert_int_equal(strlen(a), 1 + 32 + 1 + strlen("vcm.example.org") + 1);
    assert_non_null(strstr(a, "@vcm.example.org>"));
    assert_string_not_equal(a, b);
    assert_int_equal(vcm_mail_message_id("nodomain", a, sizeof a), -1);
    assert_int_equal(vcm_mail_message_id("x@vcm.example.org", a, 20), -1);
}

static void check_config_error(vcm_mail_config *m, const char *want)
{
    char err[300] = "";
    assert_int_equal(vcm_mail_config_check(m, err, sizeof err), -1);
    if (!strstr(err, want))
        fail_msg("error '%s' does not say '%s'", err, want);
}

static void test_config(void **state)
{
    (void)state;
    char err[300];
    vcm_mail_config m;
    vcm_mail_config_defaults(&m);
    assert_int_equal(vcm_mail_config_check(&m, err, sizeof err), 0); /* no mail: fine */
    assert_string_equal(m.tls, "starttls");
    assert_int_equal(m.timeout, 30);
    snprintf(m.smtp_url, sizeof m.smtp_url, "http://mail.example.org");
    check_config_error(&m, "--smtp-url");
    snprintf(m.smtp_url, sizeof m.smtp_url, "smtp://user:secret@mail.example.org");
    check_config_error(&m, "not in the URL");
    snprintf(m.smtp_url, sizeof m.smtp_url, "smtps://mail.example.org:465");
    check_config_error(&m, "--mail-from is required");
    snprintf(m.from, sizeof m.from, "\"Réseau VCM\" <noreply@vcm.example.org>");
    unsetenv("VCM_SMTP_PASSWORD");
    assert_int_equal(vcm_mail_config_check(&m, err, sizeof err), 0);
    assert_string_equal(m.from_name, "Réseau VCM");
    assert_string_equal(m.from_addr, "noreply@vcm.example.org");
    assert_string_equal(m.password, "");
    snprintf(m.from, sizeof m.from, "noreply@vcm.example.org");
    assert_int_equal(vcm_mail_config_check(&m, err, sizeof err), 0);
    assert_string_equal(m.from_name, "");
    snprintf(m.from, sizeof m.from, "Bad <noreply@vcm.example.org");
    check_config_error(&m, "--mail-from");
    snprintf(m.from, sizeof m.from, "Name <no reply@vcm.example.org>");
    check_config_error(&m, "--mail-from");
    snprintf(m.from, sizeof m.from, "noreply@vcm.example.org");
    snprintf(m.tls, sizeof m.tls, "maybe");
    check_config_error(&m, "--smtp-tls");
    snprintf(m.tls, sizeof m.tls, "off");
    /* the password: from the environment, or from a file, which wins */
    setenv("VCM_SMTP_PASSWORD", "from-env", 1);
    check_config_error(&m, "--smtp-user is not");
    snprintf(m.user, sizeof m.user, "vcm");
    assert_int_equal(vcm_mail_config_check(&m, err, sizeof err), 0);
    assert_string_equal(m.password, "from-env");
    char *dir = vt_tmpdir();
    char path[400];
    snprintf(path, sizeof path, "%.300s/pw", dir);
    vt_write_file(path, "from-file\nsecond line\n");
    snprintf(m.password_file, sizeof m.password_file, "%s", path);
    assert_int_equal(vcm_mail_config_check(&m, err, sizeof err), 0);
    assert_string_equal(m.password, "from-file");
    vt_write_file(path, "\n");
    check_config_error(&m, "holds no password");
    snprintf(m.password_file, sizeof m.password_file, "%.300s/missing", dir);
    check_config_error(&m, "cannot open");
    unsetenv("VCM_SMTP_PASSWORD");
    vt_rmrf(dir);
    free(dir);
}

/* vcm serve reads the options (flags and environment), checks them before
 * anything else and lists them in --help. */
static void test_serve_options(void **state)
{
    (void)state;
    char *out;
    int rc = vt_sh(&out, "%s serve --db sqlite:/nonexistent/x.db --smtp-url http://mail.example.org",
                   vt_bin());
    assert_int_equal(rc, 2);
    assert_non_null(strstr(out, "--smtp-url: 'http://mail.example.org' is not smtp://"));
    free(out);
    rc = vt_sh(&out, "VCM_SMTP_URL=smtp://mail.example.org VCM_MAIL_FROM='Bad <x' %s serve "
                     "--db sqlite:/nonexistent/x.db", vt_bin());
    assert_int_equal(rc, 2);
    assert_non_null(strstr(out, "--mail-from"));
    free(out);
    rc = vt_sh(&out, "%s --help", vt_bin());
    assert_int_equal(rc, 0);
    const char *want[] = {"--smtp-url URL", "[VCM_SMTP_URL]", "--mail-from ADDRESS",
                          "[VCM_MAIL_FROM]", "--smtp-tls", "--smtp-user", "--smtp-password-file",
                          "VCM_SMTP_PASSWORD", "--smtp-timeout", NULL};
    for (int i = 0; want[i]; i++)
        if (!strstr(out, want[i]))
            fail_msg("vcm --help does not list %s", want[i]);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_message),
        cmocka_unit_test(test_utf8_subject_and_names),
        cmocka_unit_test(test_long_ascii_subject_folds),
        cmocka_unit_test(test_body_quoted_printable),
        cmocka_unit_test(test_header_injection_refused),
        cmocka_unit_test(test_addresses),
        cmocka_unit_test(test_retry_policy),
        cmocka_unit_test(test_message_id),
        cmocka_unit_test(test_config),
        cmocka_unit_test(test_serve_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
