/* Outgoing mail: the message (a pure builder, unit-tested in
 * tests/io/test_mail.c and fuzzed by fuzz/mail_message.c), the SMTP sender
 * over libcurl (src/io/smtp.c), the retry policy, and the options of
 * `vcm serve` that say where mail goes.
 *
 * Who sends: whatever holds a queue of messages (the outbox) calls
 * vcm_mail_send() once per message with the number of attempts made so
 * far, and stores what comes back: sent (done), temporary (try again in
 * st.retry_in seconds) or permanent (never again, st.reply says why). A
 * message that cannot be sent because the mail server is down, slow or
 * misconfigured is always temporary, so nothing queued is lost while it
 * is; only a refusal of the message itself (a 5xx reply to MAIL, RCPT or
 * DATA, or a message we refuse to build) is permanent. */
#ifndef VCM_IO_MAIL_H
#define VCM_IO_MAIL_H
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/buf.h"
#include "core/config.h"

#define VCM_MAIL_ADDR_MAX 254      /* RFC 5321's limit on a forward path */
#define VCM_MAIL_NAME_MAX 200      /* bytes of a display name */
#define VCM_MAIL_SUBJECT_MAX 900   /* bytes of a subject, before encoding */
#define VCM_MAIL_BODY_MAX (1 << 20)
#define VCM_MAIL_MSGID_MAX 200

/* One message. Strings are UTF-8 and NUL-terminated; names may be NULL. */
typedef struct vcm_mail_msg {
    const char *from, *from_name; /* the sender's address and name */
    const char *to, *to_name;     /* one recipient */
    const char *subject;
    const char *body;             /* plain text; lines end in \n or \r\n */
    time_t date;
    const char *message_id;       /* "<unique@domain>" (vcm_mail_message_id) */
} vcm_mail_msg;

/* Whether s is an address we send to or from: local@domain, printable
 * ASCII without spaces, quotes, brackets, commas or line breaks, at most
 * VCM_MAIL_ADDR_MAX bytes. On no, err says why. */
bool vcm_mail_addr_ok(const char *s, char *err, size_t errlen);

/* Writes the whole message, headers and body, into out (appended), as RFC
 * 5322 and MIME want it: CRLF line ends, Date, From, To, Subject, Message-ID,
 * MIME-Version, Content-Type text/plain; charset=utf-8, quoted-printable
 * body (so no line is longer than 76 bytes and any byte is safe), display
 * names and subjects outside plain ASCII as RFC 2047 encoded words, long
 * headers folded. Returns 0, or -1 with err saying what was wrong: a bad
 * address, a subject or name holding a line break or another control
 * character (header injection), invalid UTF-8, something too long, or
 * out's cap reached. Pure: the same input gives the same bytes. */
int vcm_mail_build(const vcm_mail_msg *m, vcm_buf *out, char *err, size_t errlen);

/* A new Message-ID, "<32 random hex digits@domain>", domain taken from the
 * sender's address. Returns 0, or -1 when from has no domain. */
int vcm_mail_message_id(const char *from, char *out, size_t size);

/* The retry policy: seconds to wait before the next attempt once `attempts`
 * attempts have failed temporarily (1 min, 5 min, 30 min, 2 h, 12 h, then
 * every 12 h), or -1 when it is time to give up (after VCM_MAIL_ATTEMPTS_MAX
 * attempts, about four days). */
#define VCM_MAIL_ATTEMPTS_MAX 12
long vcm_mail_retry_delay(int attempts);

/* Where mail goes: the options of `vcm serve` (vcm_mail_options). */
typedef struct vcm_mail_config {
    char smtp_url[VCM_CONFIG_STR];  /* smtp://host[:port] or smtps://…; "" = no mail */
    char tls[16];                   /* for smtp://: "starttls" (required), "off" */
    char user[128];
    char password_file[VCM_CONFIG_STR];
    char from[VCM_CONFIG_STR];      /* "Name <addr>" or "addr" */
    long timeout;                   /* seconds for a whole message */
    /* Filled by vcm_mail_config_check, never from options, never logged. */
    char password[256];
    char from_addr[VCM_MAIL_ADDR_MAX + 1];
    char from_name[VCM_MAIL_NAME_MAX + 1];
} vcm_mail_config;

void vcm_mail_config_defaults(vcm_mail_config *m);
/* Declares the mail options over m (defaults set) as a set for vcm_config. */
void vcm_mail_options(vcm_mail_config *m, vcm_option_set *set);
/* Checks what the options hold and completes m: the URL's scheme, the TLS
 * mode, the sender (split into from_addr and from_name), and the password,
 * read from the file --smtp-password-file names, else from the environment
 * variable VCM_SMTP_PASSWORD. Returns 0, or -1 with err naming the option. */
int vcm_mail_config_check(vcm_mail_config *m, char *err, size_t errlen);

typedef enum vcm_mail_kind {
    VCM_MAIL_SENT = 0,
    VCM_MAIL_TEMPORARY, /* try again later: 4xx, no connection, timeout, TLS, login */
    VCM_MAIL_PERMANENT, /* never again: 5xx to the message, or a message we refuse */
} vcm_mail_kind;

/* "sent", "temporary" or "permanent": the kind as a word, for the outbox
 * and the log. */
const char *vcm_mail_kind_name(vcm_mail_kind k);

typedef struct vcm_mail_status {
    vcm_mail_kind kind;
    long code;          /* the server's last reply code; 0 when it gave none */
    long retry_in;      /* seconds until the next attempt; -1 = none (sent or given up) */
    char reply[512];    /* the server's last reply, or what failed */
} vcm_mail_status;

/* Sends one message m (built by vcm_mail_build; m->message_id made when
 * NULL, m->from and m->from_name taken from c's --mail-from when m->from
 * is NULL) through the server of c, after `attempts` earlier attempts; fills
 * st and returns its kind. A temporary failure after the last attempt the
 * retry policy allows is reported permanent (retry_in -1); without a mail
 * server (no --smtp-url) nothing is tried and the message stays temporary
 * whatever attempts says (the caller should not count it). Never logs the
 * password or the message. Thread-safe once curl_global_init has run. */
vcm_mail_kind vcm_mail_send(const vcm_mail_config *c, const vcm_mail_msg *m, int attempts,
                            vcm_mail_status *st);

/* The SMTP exchange alone: sends the n bytes of an already built message
 * from from_addr to to_addr (an address vcm_mail_addr_ok refuses is a
 * permanent failure, nothing sent). Fills st (retry_in left -1). */
vcm_mail_kind vcm_smtp_send(const vcm_mail_config *c, const char *from_addr,
                            const char *to_addr, const char *data, size_t n,
                            vcm_mail_status *st);
#endif
