/* Sending the outbox: the store keeps every message queued (store/outbox.h),
 * io/mail.h sends one. A pass takes the messages that are due and marks each
 * sent, due again later (a temporary failure, after the retry policy's delay)
 * or given up (a permanent one). `vcm serve` runs a pass every few seconds on
 * a thread of its own when --smtp-url is set; `vcm outbox send` runs one. */
#include <curl/curl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/log.h"
#include "store/outbox.h"
#include "core/banned.h"

#define PASS_BATCH 50
#define PASS_EVERY 5 /* seconds between passes of vcm serve */

int vcm_mail_pass(vcm_store *s, const vcm_mail_config *mc, int64_t now, vcm_mail_counts *out)
{
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_mail *m;
    size_t n;
    int rc = 0;
    if (vcm_outbox_due(s, &a, now, PASS_BATCH, &m, &n) < 0) {
        rc = -1;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        vcm_mail_msg msg = {.to = m[i].to, .subject = m[i].subject, .body = m[i].body,
                            .date = (time_t)now};
        vcm_mail_status st;
        vcm_mail_kind k = vcm_mail_send(mc, &msg, m[i].tries, &st);
        int w;
        if (k == VCM_MAIL_SENT) {
            w = vcm_outbox_sent(s, m[i].id, now);
            out->sent++;
        } else if (k == VCM_MAIL_TEMPORARY) {
            w = vcm_outbox_failed(s, m[i].id, st.reply, now + (st.retry_in > 0 ? st.retry_in : 60),
                                  false);
            out->retry++;
        } else {
            w = vcm_outbox_failed(s, m[i].id, st.reply, now, true);
            out->failed++;
        }
        /* the message's id and what became of it; never its text or address */
        vcm_info("mail", "id=%lld result=%s code=%ld", (long long)m[i].id, vcm_mail_kind_name(k),
                 st.code);
        if (w < 0) {
            rc = -1;
            goto out;
        }
    }
out:
    vcm_arena_release(&a);
    return rc;
}

struct sender {
    const vcm_config *c;
    vcm_mail_config mail;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stop;
};

static void *sender_main(void *arg)
{
    struct sender *sd = arg;
    char err[1024];
    vcm_store *s = NULL;
    pthread_mutex_lock(&sd->lock);
    while (!sd->stop) {
        pthread_mutex_unlock(&sd->lock);
        if (!s && !(s = vcm_store_open(sd->c->db, err, sizeof err)))
            vcm_warn("the mail sender cannot open the database", "error=\"%s\"", err);
        vcm_mail_counts n = {0};
        if (s && vcm_mail_pass(s, &sd->mail, (int64_t)time(NULL), &n) < 0) {
            vcm_warn("the mail sender stopped a pass", "error=\"%s\"", vcm_store_error(s));
            vcm_store_close(s); /* opened again at the next pass */
            s = NULL;
        }
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += PASS_EVERY;
        pthread_mutex_lock(&sd->lock);
        while (!sd->stop && pthread_cond_timedwait(&sd->wake, &sd->lock, &until) == 0)
            ;
    }
    pthread_mutex_unlock(&sd->lock);
    vcm_store_close(s);
    return NULL;
}

vcm_mail_sender *vcm_mail_sender_start(const vcm_config *c, const vcm_mail_config *mail)
{
    if (!mail->smtp_url[0])
        return NULL; /* no mail server: the outbox keeps what is queued */
    struct sender *sd = calloc(1, sizeof *sd);
    if (!sd)
        return NULL;
    sd->c = c;
    sd->mail = *mail;
    pthread_mutex_init(&sd->lock, NULL);
    pthread_cond_init(&sd->wake, NULL);
    if (pthread_create(&sd->thread, NULL, sender_main, sd) != 0) {
        pthread_cond_destroy(&sd->wake);
        pthread_mutex_destroy(&sd->lock);
        free(sd);
        vcm_warn("the mail sender cannot start", "hint=\"%s\"", "messages stay in the outbox");
        return NULL;
    }
    return (vcm_mail_sender *)sd;
}

void vcm_mail_sender_stop(vcm_mail_sender *m)
{
    struct sender *sd = (struct sender *)m;
    if (!sd)
        return;
    pthread_mutex_lock(&sd->lock);
    sd->stop = true;
    pthread_cond_signal(&sd->wake);
    pthread_mutex_unlock(&sd->lock);
    pthread_join(sd->thread, NULL);
    pthread_cond_destroy(&sd->wake);
    pthread_mutex_destroy(&sd->lock);
    free(sd);
}

int vcm_cmd_outbox_send(vcm_config *c, const vcm_mail_config *mail)
{
    vcm_mail_config mc = *mail;
    char err[1024];
    if (vcm_mail_config_check(&mc, err, sizeof err) < 0) {
        fprintf(stderr, "vcm outbox send: %s\n", err);
        return VCM_EXIT_USAGE;
    }
    if (!mc.smtp_url[0]) {
        fprintf(stderr, "vcm outbox send: no mail server: give --smtp-url (VCM_SMTP_URL)\n");
        return VCM_EXIT_USAGE;
    }
    vcm_store *s = vcm_store_open(c->db, err, sizeof err);
    if (!s) {
        fprintf(stderr, "vcm outbox send: %s\n", err);
        return VCM_EXIT_FAIL;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    vcm_mail_counts n = {0};
    int rc = VCM_EXIT_OK;
    if (vcm_mail_pass(s, &mc, (int64_t)time(NULL), &n) < 0) {
        fprintf(stderr, "vcm outbox send: %s\n", vcm_store_error(s));
        rc = VCM_EXIT_FAIL;
    }
    printf("outbox: %d sent, %d to try again, %d given up\n", n.sent, n.retry, n.failed);
    curl_global_cleanup();
    vcm_store_close(s);
    return rc;
}
