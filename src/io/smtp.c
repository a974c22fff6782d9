/* Sending one message over SMTP with libcurl (mail.h), and telling a
 * failure to retry from one to give up on.
 *
 * libcurl does the protocol: EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA and the
 * dot-stuffing of the body. What it does not give is the server's words,
 * and its error codes do not say at which step a refusal came (a 5xx to
 * RCPT and a broken pipe are both CURLE_SEND_ERROR). So the debug callback
 * keeps two things: the last reply line the server sent, and the last
 * command we sent (its verb only: an AUTH line carries the password, so
 * nothing past the verb is looked at, and nothing of it is kept). A 5xx is
 * permanent only when it answers MAIL, RCPT, DATA or the message itself; a
 * 5xx to the greeting, EHLO, STARTTLS or AUTH says the server or our
 * configuration is wrong, which an operator can fix, so the message waits. */
#include "io/mail.h"

#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "core/banned.h"

typedef struct smtp_ctx {
    const char *data;
    size_t n, off;
    char reply[512];    /* the last reply line */
    char refusal[512];  /* the last 4xx or 5xx line: curl says QUIT after it */
    bool message_stage; /* MAIL, RCPT or DATA sent: a 5xx now refuses the message */
    bool refused;       /* a 5xx came in that stage */
} smtp_ctx;

static size_t read_cb(char *buf, size_t size, size_t nitems, void *userdata)
{
    smtp_ctx *x = userdata;
    size_t room = size * nitems, left = x->n - x->off;
    size_t k = left < room ? left : room;
    memcpy(buf, x->data + x->off, k);
    x->off += k;
    return k;
}

/* Keeps the last line of what the server said, printable only, and that
 * line again when it is a refusal. */
static void keep_reply(smtp_ctx *x, const char *p, size_t n)
{
    while (n && (p[n - 1] == '\r' || p[n - 1] == '\n'))
        n--;
    const char *start = p;
    for (size_t i = 0; i < n; i++)
        if (p[i] == '\n')
            start = p + i + 1;
    size_t len = (size_t)(p + n - start), j = 0;
    for (size_t i = 0; i < len && j + 1 < sizeof x->reply; i++) {
        unsigned char c = (unsigned char)start[i];
        x->reply[j++] = c >= ' ' && c < 0x7f ? (char)c : '?';
    }
    x->reply[j] = '\0';
    if (j >= 3 && (x->reply[0] == '4' || x->reply[0] == '5'))
        memcpy(x->refusal, x->reply, j + 1);
    if (j >= 3 && x->reply[0] == '5' && x->message_stage)
        x->refused = true;
}

static int debug_cb(CURL *h, curl_infotype type, char *p, size_t n, void *userdata)
{
    (void)h;
    smtp_ctx *x = userdata;
    if (type == CURLINFO_HEADER_IN) {
        keep_reply(x, p, n);
    } else if (type == CURLINFO_HEADER_OUT && n >= 4) {
        /* the verb only; see the note at the top */
        if (!strncmp(p, "MAIL", 4) || !strncmp(p, "RCPT", 4) || !strncmp(p, "DATA", 4))
            x->message_stage = true;
    }
    return 0;
}

static vcm_mail_kind finish(vcm_mail_status *st, vcm_mail_kind kind)
{
    st->kind = kind;
    return kind;
}

vcm_mail_kind vcm_smtp_send(const vcm_mail_config *c, const char *from_addr,
                            const char *to_addr, const char *data, size_t n,
                            vcm_mail_status *st)
{
    memset(st, 0, sizeof *st);
    st->retry_in = -1;
    if (!c->smtp_url[0]) {
        snprintf(st->reply, sizeof st->reply, "no mail server is configured (--smtp-url)");
        return finish(st, VCM_MAIL_TEMPORARY);
    }
    /* the envelope goes on command lines: nothing but a plain address */
    char why[200];
    if (!vcm_mail_addr_ok(from_addr, why, sizeof why) ||
        !vcm_mail_addr_ok(to_addr, why, sizeof why)) {
        snprintf(st->reply, sizeof st->reply, "envelope: %s", why);
        return finish(st, VCM_MAIL_PERMANENT);
    }
    smtp_ctx x = {.data = data, .n = n};
    char errbuf[CURL_ERROR_SIZE] = "";
    char from[VCM_MAIL_ADDR_MAX + 3], to[VCM_MAIL_ADDR_MAX + 3];
    snprintf(from, sizeof from, "<%s>", from_addr);
    snprintf(to, sizeof to, "<%s>", to_addr);
    struct curl_slist *rcpt = NULL;
    vcm_mail_kind kind = VCM_MAIL_TEMPORARY;
    CURL *h = curl_easy_init();
    if (!h || !(rcpt = curl_slist_append(NULL, to))) {
        snprintf(st->reply, sizeof st->reply, "cannot start a mail transfer (out of memory)");
        goto out;
    }
    bool tls_off = strcmp(c->tls, "off") == 0;
    curl_easy_setopt(h, CURLOPT_URL, c->smtp_url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(h, CURLOPT_USE_SSL, (long)(tls_off ? CURLUSESSL_NONE : CURLUSESSL_ALL));
    if (c->user[0]) {
        curl_easy_setopt(h, CURLOPT_USERNAME, c->user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, c->password);
    }
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(h, CURLOPT_READDATA, &x);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)n);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, c->timeout > 0 ? c->timeout : 30L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, c->timeout > 0 ? c->timeout : 30L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L); /* threads: no SIGALRM for timeouts */
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    /* verbose output goes to debug_cb alone, which keeps no secret */
    curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
    curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, debug_cb);
    curl_easy_setopt(h, CURLOPT_DEBUGDATA, &x);
    CURLcode rc = curl_easy_perform(h);
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    st->code = code;
    if (rc == CURLE_OK) {
        kind = VCM_MAIL_SENT;
        snprintf(st->reply, sizeof st->reply, "%s", x.reply);
        goto out;
    }
    if (code >= 400 && code < 600 && x.refusal[0])
        snprintf(st->reply, sizeof st->reply, "%s", x.refusal);
    else
        snprintf(st->reply, sizeof st->reply, "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
    kind = code >= 500 && code < 600 && x.refused && rc != CURLE_LOGIN_DENIED &&
                   rc != CURLE_USE_SSL_FAILED && rc != CURLE_OPERATION_TIMEDOUT
               ? VCM_MAIL_PERMANENT
               : VCM_MAIL_TEMPORARY;
out:
    curl_slist_free_all(rcpt);
    if (h)
        curl_easy_cleanup(h);
    return finish(st, kind);
}

vcm_mail_kind vcm_mail_send(const vcm_mail_config *c, const vcm_mail_msg *m, int attempts,
                            vcm_mail_status *st)
{
    char id[VCM_MAIL_MSGID_MAX + 1];
    vcm_mail_msg copy = *m;
    vcm_buf b;
    vcm_buf_init(&b, VCM_MAIL_BODY_MAX * 4);
    memset(st, 0, sizeof *st);
    st->retry_in = -1;
    if (!copy.from) {
        copy.from = c->from_addr;
        copy.from_name = c->from_name[0] ? c->from_name : NULL;
    }
    if (!copy.message_id) {
        if (vcm_mail_message_id(copy.from, id, sizeof id) < 0) {
            snprintf(st->reply, sizeof st->reply, "the sender has no domain for a Message-ID");
            st->kind = VCM_MAIL_PERMANENT;
            goto out;
        }
        copy.message_id = id;
    }
    if (vcm_mail_build(&copy, &b, st->reply, sizeof st->reply) < 0) {
        st->kind = VCM_MAIL_PERMANENT; /* the same message will never build */
        goto out;
    }
    vcm_smtp_send(c, copy.from, copy.to, b.data, b.len, st);
    if (!c->smtp_url[0]) {
        /* no server to try: not an attempt, so never a reason to give up */
        st->retry_in = vcm_mail_retry_delay(1);
    } else if (st->kind == VCM_MAIL_TEMPORARY) {
        st->retry_in = vcm_mail_retry_delay(attempts + 1);
        if (st->retry_in < 0)
            st->kind = VCM_MAIL_PERMANENT; /* given up: the policy's last attempt */
    }
out:
    vcm_buf_release(&b);
    return st->kind;
}
