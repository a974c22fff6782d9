/* The message builder, the retry policy and the mail options (mail.h).
 *
 * Everything here but vcm_mail_message_id and the password file is pure,
 * so the builder can be fuzzed: fuzz/mail_message.c checks that whatever
 * it accepts has CRLF line ends only, no line over 998 bytes, headers that
 * are one logical line each (no injected header), and a body that decodes
 * back to the input.
 *
 * Why quoted-printable: it keeps every line short and every byte 7-bit, so
 * the message needs neither 8BITMIME nor the server's patience with long
 * lines, and a line of the text that starts with a dot or "From " stays a
 * plain line of text. Why B encoding for headers: one rule for names and
 * subjects, and an encoded word never holds a character a phrase forbids. */
#include "io/mail.h"

#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "core/text.h"
#include "core/banned.h"

#define ERR(...) (snprintf(err, errlen, __VA_ARGS__), -1)

/* ASCII only, whatever the locale. */
static bool is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_atext(unsigned char c)
{
    return is_alnum(c) || (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

/* Writes a reason into err and says no. */
__attribute__((format(printf, 3, 4))) static bool no(char *err, size_t errlen,
                                                     const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return false;
}

bool vcm_mail_addr_ok(const char *s, char *err, size_t errlen)
{
    size_t n = strlen(s);
    if (n == 0)
        return no(err, errlen, "an empty address");
    if (n > VCM_MAIL_ADDR_MAX)
        return no(err, errlen, "an address longer than %d bytes", VCM_MAIL_ADDR_MAX);
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '\r' || c == '\n')
            return no(err, errlen, "a line break in an address (header injection)");
        if (c <= ' ' || c >= 0x7f)
            return no(err, errlen,
                      "a space, control or non-ASCII character in the address '%.60s'", s);
    }
    const char *at = strrchr(s, '@');
    if (!at || at == s || !at[1])
        return no(err, errlen, "the address '%.60s' is not local@domain", s);
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (p < at ? !is_atext(c) && c != '.' : p > at && !is_alnum(c) && c != '.' && c != '-')
            return no(err, errlen, "the character '%c' in the address '%.60s'", c, s);
    }
    if (at - s > 64)
        return no(err, errlen, "the local part of '%.60s' is longer than 64 bytes", s);
    if (s[0] == '.' || at[-1] == '.' || at[1] == '.' || s[n - 1] == '.' || strstr(s, ".."))
        return no(err, errlen, "a misplaced dot in the address '%.60s'", s);
    return true;
}

/* Refuses what may not stand in a header's text: line breaks (which would
 * start a header of the sender's choosing), other control characters, and
 * invalid UTF-8. */
static int header_text_ok(const char *what, const char *s, size_t max, char *err, size_t errlen)
{
    size_t n = strlen(s);
    if (n > max)
        return ERR("the %s is longer than %zu bytes", what, max);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\r' || c == '\n')
            return ERR("a line break in the %s (header injection)", what);
        if (c < ' ' || c == 0x7f)
            return ERR("a control character in the %s", what);
    }
    if (!vcm_utf8_valid(s, n))
        return ERR("the %s is not valid UTF-8", what);
    return 0;
}

static bool plain_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < ' ' || (unsigned char)*s >= 0x7f)
            return false;
    return true;
}

static void base64(vcm_buf *b, const unsigned char *p, size_t n)
{
    static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
                     (i + 2 < n ? p[i + 2] : 0);
        char q[4] = {t[v >> 18 & 63], t[v >> 12 & 63], i + 1 < n ? t[v >> 6 & 63] : '=',
                     i + 2 < n ? t[v & 63] : '='};
        vcm_buf_append(b, q, 4);
    }
}

/* RFC 2047 B-encoded words of s, each at most 36 bytes of text (60
 * characters), cut between characters, folded onto lines of their own: a
 * line holding an encoded word may not pass 76 characters (RFC 2047 2),
 * "Subject: " and the word included. */
static void encoded_words(vcm_buf *b, const char *s)
{
    size_t n = strlen(s), i = 0;
    while (i < n) {
        size_t end = i + 36 < n ? i + 36 : n;
        while (end < n && ((unsigned char)s[end] & 0xC0) == 0x80)
            end--; /* back to the start of a character: never split one */
        if (i)
            vcm_buf_puts(b, "\r\n ");
        vcm_buf_puts(b, "=?utf-8?B?");
        base64(b, (const unsigned char *)s + i, end - i);
        vcm_buf_puts(b, "?=");
        i = end;
    }
}

/* A display name as a phrase: bare when it is atoms, a quoted string when
 * it is other printable ASCII, else encoded words. */
static void phrase(vcm_buf *b, const char *s)
{
    bool atoms = true;
    for (const char *p = s; *p; p++)
        if (!is_atext((unsigned char)*p) && *p != ' ')
            atoms = false;
    if (!plain_ascii(s) || strstr(s, "=?")) {
        encoded_words(b, s);
    } else if (atoms) {
        vcm_buf_puts(b, s);
    } else {
        vcm_buf_putc(b, '"');
        for (const char *p = s; *p; p++) {
            if (*p == '"' || *p == '\\')
                vcm_buf_putc(b, '\\');
            vcm_buf_putc(b, *p);
        }
        vcm_buf_putc(b, '"');
    }
}

static void mailbox(vcm_buf *b, const char *field, const char *name, const char *addr)
{
    vcm_buf_printf(b, "%s: ", field);
    if (name && *name) {
        phrase(b, name);
        /* after encoded words, the address on a line of its own (76 above) */
        bool encoded = !plain_ascii(name) || strstr(name, "=?");
        vcm_buf_printf(b, "%s<%s>\r\n", encoded ? "\r\n " : " ", addr);
    } else {
        vcm_buf_printf(b, "%s\r\n", addr);
    }
}

/* A subject of plain ASCII is folded before a space when a line would pass
 * 78 characters (unfolding gives it back exactly); any other is encoded,
 * as is one holding "=?", which a reader would take for an encoded word. */
static void subject(vcm_buf *b, const char *s)
{
    vcm_buf_puts(b, "Subject: ");
    if (!plain_ascii(s) || strstr(s, "=?")) {
        encoded_words(b, s);
        vcm_buf_puts(b, "\r\n");
        return;
    }
    size_t col = 9, n = strlen(s), i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] == ' ')
            j++;
        bool word = j < n;
        while (j < n && s[j] != ' ')
            j++;
        if (s[i] == ' ' && word && col + (j - i) > 78 && col > 9) {
            vcm_buf_puts(b, "\r\n");
            col = 0;
        }
        vcm_buf_append(b, s + i, j - i);
        col += j - i;
        i = j;
    }
    vcm_buf_puts(b, "\r\n");
}

/* The body, quoted-printable (RFC 2045 6.7): line ends become CRLF, lines
 * are cut by soft breaks at 76 characters, and a space or tab before a line
 * end is encoded so no transport can strip it. */
static void quoted_printable(vcm_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t col = 0;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '\n' || (c == '\r' && p[1] == '\n')) {
            if (c == '\r')
                p++;
            vcm_buf_puts(b, "\r\n");
            col = 0;
            continue;
        }
        bool eol = !p[1] || p[1] == '\n' || (p[1] == '\r' && p[2] == '\n');
        bool literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !eol);
        size_t w = literal ? 1 : 3;
        if (col + w > 75) {
            vcm_buf_puts(b, "=\r\n");
            col = 0;
        }
        if (literal) {
            vcm_buf_putc(b, (char)c);
        } else {
            char e[3] = {'=', hex[c >> 4], hex[c & 15]};
            vcm_buf_append(b, e, 3);
        }
        col += w;
    }
    if (col)
        vcm_buf_puts(b, "\r\n");
}

static bool msgid_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 5 || n > VCM_MAIL_MSGID_MAX || s[0] != '<' || s[n - 1] != '>' || !strchr(s, '@'))
        return false;
    for (size_t i = 1; i + 1 < n; i++)
        if (s[i] <= ' ' || s[i] >= 0x7f || s[i] == '<' || s[i] == '>')
            return false;
    return true;
}

int vcm_mail_build(const vcm_mail_msg *m, vcm_buf *out, char *err, size_t errlen)
{
    static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char why[200];
    if (!m->from || !m->to || !m->subject || !m->body || !m->message_id)
        return ERR("a message needs a sender, a recipient, a subject, a body and a Message-ID");
    if (!vcm_mail_addr_ok(m->from, why, sizeof why))
        return ERR("sender: %s", why);
    if (!vcm_mail_addr_ok(m->to, why, sizeof why))
        return ERR("recipient: %s", why);
    if (m->from_name && header_text_ok("sender's name", m->from_name, VCM_MAIL_NAME_MAX, err,
                                       errlen) < 0)
        return -1;
    if (m->to_name && header_text_ok("recipient's name", m->to_name, VCM_MAIL_NAME_MAX, err,
                                     errlen) < 0)
        return -1;
    if (header_text_ok("subject", m->subject, VCM_MAIL_SUBJECT_MAX, err, errlen) < 0)
        return -1;
    if (!msgid_ok(m->message_id))
        return ERR("the Message-ID is not <printable-ascii@domain>");
    size_t blen = strlen(m->body);
    if (blen > VCM_MAIL_BODY_MAX)
        return ERR("the body is longer than %d bytes", VCM_MAIL_BODY_MAX);
    if (!vcm_utf8_valid(m->body, blen))
        return ERR("the body is not valid UTF-8");
    struct tm tm;
    if (!gmtime_r(&m->date, &tm) || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 1900)
        return ERR("the date is out of range");

    size_t start = out->len;
    vcm_buf_printf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday],
                   tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                   tm.tm_sec);
    mailbox(out, "From", m->from_name, m->from);
    mailbox(out, "To", m->to_name, m->to);
    subject(out, m->subject);
    vcm_buf_printf(out, "Message-ID: %s\r\n", m->message_id);
    vcm_buf_puts(out, "MIME-Version: 1.0\r\n"
                      "Content-Type: text/plain; charset=utf-8\r\n"
                      "Content-Transfer-Encoding: quoted-printable\r\n"
                      "Auto-Submitted: auto-generated\r\n"
                      "\r\n");
    quoted_printable(out, m->body);
    if (out->toobig) {
        out->len = start;
        if (out->data)
            out->data[start] = '\0';
        return ERR("the message is larger than its buffer's cap");
    }
    return 0;
}

int vcm_mail_message_id(const char *from, char *out, size_t size)
{
    const char *at = from ? strrchr(from, '@') : NULL;
    if (!at || !at[1])
        return -1;
    unsigned char r[16];
    char hex[33];
    randombytes_buf(r, sizeof r);
    sodium_bin2hex(hex, sizeof hex, r, sizeof r);
    int n = snprintf(out, size, "<%s@%s>", hex, at + 1);
    return n > 0 && (size_t)n < size ? 0 : -1;
}

long vcm_mail_retry_delay(int attempts)
{
    static const long delays[] = {60, 5 * 60, 30 * 60, 2 * 3600, 12 * 3600};
    if (attempts < 1)
        return 0;
    if (attempts >= VCM_MAIL_ATTEMPTS_MAX)
        return -1;
    size_t n = sizeof delays / sizeof *delays;
    return delays[(size_t)attempts - 1 < n ? (size_t)attempts - 1 : n - 1];
}

const char *vcm_mail_kind_name(vcm_mail_kind k)
{
    switch (k) {
    case VCM_MAIL_SENT:
        return "sent";
    case VCM_MAIL_TEMPORARY:
        return "temporary";
    case VCM_MAIL_PERMANENT:
        return "permanent";
    }
    return "unknown";
}

/* The options. */
#define M(f) VCM_OPTION_AT(vcm_mail_config, f)
static const vcm_option mail_options[] = {
    {"smtp-url", "VCM_SMTP_URL", "URL", "serve: the mail server: smtp://HOST[:PORT] or smtps://HOST[:PORT] (default: none, mail waits in the outbox)", VCM_OPT_STR, M(smtp_url), 0, 0},
    {"smtp-tls", "VCM_SMTP_TLS", "starttls|off", "serve: with smtp://, require STARTTLS (default) or send in clear (a server on this machine)", VCM_OPT_STR, M(tls), 0, 0},
    {"smtp-user", "VCM_SMTP_USER", "NAME", "serve: the user to log in to the mail server as (password: VCM_SMTP_PASSWORD or --smtp-password-file)", VCM_OPT_STR, M(user), 0, 0},
    {"smtp-password-file", "VCM_SMTP_PASSWORD_FILE", "FILE", "serve: a file whose first line is the mail server's password", VCM_OPT_STR, M(password_file), 0, 0},
    {"mail-from", "VCM_MAIL_FROM", "ADDRESS", "serve: the sender of the site's mail: addr@domain or \"Name <addr@domain>\" (required with --smtp-url)", VCM_OPT_STR, M(from), 0, 0},
    {"smtp-timeout", "VCM_SMTP_TIMEOUT", "SECONDS", "serve: longest time to send one message (default 30)", VCM_OPT_NUM, M(timeout), 1, 3600},
};
#undef M

void vcm_mail_config_defaults(vcm_mail_config *m)
{
    memset(m, 0, sizeof *m);
    memcpy(m->tls, "starttls", sizeof "starttls");
    m->timeout = 30;
}

void vcm_mail_options(vcm_mail_config *m, vcm_option_set *set)
{
    vcm_mail_config_defaults(m);
    *set = (vcm_option_set){mail_options, sizeof mail_options / sizeof *mail_options, m};
}

/* Splits "Name <addr>" or "addr" into m->from_name and m->from_addr. */
static int split_from(vcm_mail_config *m, char *err, size_t errlen)
{
    const char *s = m->from, *lt = strrchr(s, '<');
    const char *a = s, *ae = s + strlen(s);
    char why[200];
    m->from_name[0] = '\0';
    if (lt) {
        const char *gt = strchr(lt, '>');
        if (!gt || gt[1])
            return ERR("--mail-from: '%s' is not \"Name <addr@domain>\"", s);
        a = lt + 1;
        ae = gt;
        size_t nl = (size_t)(lt - s);
        while (nl && s[nl - 1] == ' ')
            nl--;
        size_t b = 0;
        if (nl >= 2 && s[0] == '"' && s[nl - 1] == '"')
            b = 1, nl--;
        if (nl - b > VCM_MAIL_NAME_MAX)
            return ERR("--mail-from: the name is longer than %d bytes", VCM_MAIL_NAME_MAX);
        memcpy(m->from_name, s + b, nl - b);
        m->from_name[nl - b] = '\0';
        if (header_text_ok("name of --mail-from", m->from_name, VCM_MAIL_NAME_MAX, err,
                           errlen) < 0)
            return -1;
    }
    if ((size_t)(ae - a) > VCM_MAIL_ADDR_MAX)
        return ERR("--mail-from: the address is longer than %d bytes", VCM_MAIL_ADDR_MAX);
    memcpy(m->from_addr, a, (size_t)(ae - a));
    m->from_addr[ae - a] = '\0';
    if (!vcm_mail_addr_ok(m->from_addr, why, sizeof why))
        return ERR("--mail-from: %s", why);
    return 0;
}

int vcm_mail_config_check(vcm_mail_config *m, char *err, size_t errlen)
{
    m->password[0] = '\0';
    if (!m->smtp_url[0])
        return 0;
    const char *u = m->smtp_url;
    size_t skip = strncasecmp(u, "smtp://", 7) == 0 ? 7 : strncasecmp(u, "smtps://", 8) == 0 ? 8 : 0;
    if (!skip || !u[skip] || u[skip] == '/')
        return ERR("--smtp-url: '%s' is not smtp://HOST[:PORT] or smtps://HOST[:PORT]", u);
    for (const char *p = u; *p; p++)
        if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
            return ERR("--smtp-url: a space or control character in the URL");
    const char *slash = strchr(u + skip, '/');
    const char *at = strchr(u + skip, '@');
    if (at && (!slash || at < slash))
        return ERR("--smtp-url: give the user with --smtp-user and the password in "
                   "VCM_SMTP_PASSWORD or --smtp-password-file, not in the URL");
    if (strcmp(m->tls, "starttls") != 0 && strcmp(m->tls, "off") != 0)
        return ERR("--smtp-tls: '%s' is not starttls or off", m->tls);
    if (!m->from[0])
        return ERR("--mail-from is required with --smtp-url");
    if (split_from(m, err, errlen) < 0)
        return -1;
    for (const char *p = m->user; *p; p++)
        if ((unsigned char)*p < ' ' || *p == 0x7f)
            return ERR("--smtp-user: a control character in the user name");
    if (m->password_file[0]) {
        FILE *f = fopen(m->password_file, "r");
        if (!f)
            return ERR("--smtp-password-file: cannot open '%s': %s", m->password_file,
                       strerror(errno));
        char line[sizeof m->password + 1];
        bool got = fgets(line, sizeof line, f) != NULL;
        fclose(f);
        size_t n = got ? strcspn(line, "\r\n") : 0;
        if (!got || n == 0)
            return ERR("--smtp-password-file: '%s' holds no password on its first line",
                       m->password_file);
        if (n >= sizeof m->password)
            return ERR("--smtp-password-file: the password in '%s' is longer than %zu bytes",
                       m->password_file, sizeof m->password - 1);
        memcpy(m->password, line, n);
        m->password[n] = '\0';
        sodium_memzero(line, sizeof line);
    } else {
        const char *pw = getenv("VCM_SMTP_PASSWORD");
        if (pw && strlen(pw) >= sizeof m->password)
            return ERR("VCM_SMTP_PASSWORD is longer than %zu bytes", sizeof m->password - 1);
        if (pw)
            memcpy(m->password, pw, strlen(pw) + 1);
    }
    if (m->password[0] && !m->user[0])
        return ERR("a mail server password is set but --smtp-user is not");
    return 0;
}
