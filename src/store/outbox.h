/* The mail outbox (store/outbox.c): every message VCM sends (invitations,
 * password resets) is first a row here, so none is lost while the mail
 * server is away; a sender takes the due rows, tries them, and marks each
 * sent or failed with the time of its next try.
 *
 *     vcm_outbox_add(s, to, subject, body, &id);        // a handler queues
 *     vcm_outbox_due(s, a, now, 50, &mails, &n);        // the sender takes them
 *     ... send mails[i] ...
 *     vcm_outbox_sent(s, mails[i].id, now);             // or:
 *     vcm_outbox_failed(s, mails[i].id, "451 try later", now + delay, false);
 *
 * States: "waiting" (due once now >= next_try), "sent", "failed" (given
 * up: give_up true). tries counts the attempts. Operational table, as the
 * accounts' (store/account.h): writing it moves no data version. */
#ifndef VCM_STORE_OUTBOX_H
#define VCM_STORE_OUTBOX_H
#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "store/store.h"

typedef struct vcm_mail {
    int64_t id;
    const char *to, *subject, *body;
    int64_t created;
    const char *state;
    int tries;
    int64_t next_try;
    const char *last_error;
} vcm_mail;

/* Queues a message, due at once; sets *id (id may be NULL). */
int vcm_outbox_add(vcm_store *s, const char *to, const char *subject, const char *body,
                   int64_t *id);
/* Takes up to max waiting messages due at now, oldest first: each taken
 * waits VCM_OUTBOX_LEASE seconds more before another call takes it again,
 * so that two senders (two nodes) never send one message twice, and one that
 * stops between taking and marking leaves the message due again later. */
#define VCM_OUTBOX_LEASE 600
int vcm_outbox_due(vcm_store *s, vcm_arena *a, int64_t now, int max, vcm_mail **out,
                   size_t *n);
/* Every message to one address (to NULL: all), newest first, up to max. */
int vcm_outbox_list(vcm_store *s, vcm_arena *a, const char *to, int max, vcm_mail **out,
                    size_t *n);
int vcm_outbox_sent(vcm_store *s, int64_t id, int64_t now);
/* An attempt failed: counts it, keeps error, and waits until next_try, or
 * gives the message up ("failed") when give_up. */
int vcm_outbox_failed(vcm_store *s, int64_t id, const char *error, int64_t next_try,
                      bool give_up);
#endif
