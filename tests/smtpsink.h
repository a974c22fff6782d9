/* A local SMTP server for the tests that send mail: a child process of the
 * test, listening on 127.0.0.1 on a free port, stopped by its PID. It
 * speaks what a client needs (EHLO, HELO, MAIL FROM, RCPT TO, DATA, RSET,
 * NOOP, QUIT), undoes dot-stuffing, and stores each message it accepts as
 * DIR/msg-N.eml (bytes as received, N from 1) with its envelope beside it
 * in DIR/msg-N.env ("from\nto\n"), written whole before renaming, so a test
 * never reads half a message.
 *
 * How it answers is read from DIR/behave at the start of every connection,
 * one rule a line, so a test can turn failures on and off while it runs:
 *   STAGE CODE     answer CODE (e.g. 421, 451, 550) at that stage
 *   STAGE drop     close the connection at that stage without a word
 *   STAGE sleep MS wait MS milliseconds before answering at that stage
 * STAGE is greeting, ehlo, auth, mail, rcpt, data (the DATA command) or end
 * (the message's final dot). The sink offers AUTH PLAIN, takes any
 * credentials (unless told otherwise) and keeps the last ones it was sent,
 * base64 as received, in DIR/auth. After 421 the connection is closed, as RFC 5321
 * says. Header-only, like testutil.h. */
#ifndef VCM_TEST_SMTPSINK_H
#define VCM_TEST_SMTPSINK_H
#include <dirent.h>
#include <strings.h>

#include "testutil.h"

enum { VS_GREETING, VS_EHLO, VS_AUTH, VS_MAIL, VS_RCPT, VS_DATA, VS_END, VS_NSTAGES };

struct vt_smtp {
    pid_t pid;
    int port;
    char dir[512];
    char url[64];
};

struct vs_rule {
    int code, drop, sleep_ms;
};

struct vs_conn {
    int fd;
    char buf[4096];
    size_t len, off;
};

static inline void vs_say(struct vs_conn *c, const char *s)
{
    size_t n = strlen(s), off = 0;
    while (off < n) {
        ssize_t w = write(c->fd, s + off, n - off);
        if (w <= 0)
            return;
        off += (size_t)w;
    }
}

/* One line into line (CRLF kept), at most size-1 bytes; 0 at end of input. */
static inline size_t vs_line(struct vs_conn *c, char *line, size_t size)
{
    size_t n = 0;
    for (;;) {
        if (c->off == c->len) {
            ssize_t r = read(c->fd, c->buf, sizeof c->buf);
            if (r <= 0)
                return n;
            c->len = (size_t)r;
            c->off = 0;
        }
        char ch = c->buf[c->off++];
        if (n + 1 < size)
            line[n++] = ch;
        line[n] = '\0';
        if (ch == '\n')
            return n;
    }
}

static inline void vs_rules(const char *dir, struct vs_rule *r)
{
    static const char *const names[VS_NSTAGES] = {"greeting", "ehlo", "auth", "mail",
                                                  "rcpt",     "data", "end"};
    memset(r, 0, sizeof *r * VS_NSTAGES);
    char path[600], line[128];
    snprintf(path, sizeof path, "%s/behave", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    while (fgets(line, sizeof line, f)) {
        char stage[32], what[32];
        int ms = 0;
        if (sscanf(line, "%31s %31s %d", stage, what, &ms) < 2)
            continue;
        for (int i = 0; i < VS_NSTAGES; i++) {
            if (strcmp(stage, names[i]) != 0)
                continue;
            if (!strcmp(what, "drop"))
                r[i].drop = 1;
            else if (!strcmp(what, "sleep"))
                r[i].sleep_ms = ms;
            else
                r[i].code = atoi(what);
        }
    }
    fclose(f);
}

/* Applies the rule of a stage: returns 1 when it answered (or dropped) in
 * place of the normal reply, and sets *closed when the connection ends. */
static inline int vs_rule(struct vs_conn *c, const struct vs_rule *r, int *closed)
{
    if (r->sleep_ms) {
        struct timespec ts = {r->sleep_ms / 1000, (long)(r->sleep_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    if (r->drop) {
        *closed = 1;
        return 1;
    }
    if (!r->code)
        return 0;
    char msg[64];
    snprintf(msg, sizeof msg, "%d %d.0.0 the test sink says %d\r\n", r->code, r->code / 100,
             r->code);
    vs_say(c, msg);
    if (r->code == 421)
        *closed = 1;
    return 1;
}

static inline void vs_session(int fd, const char *dir, int *serial)
{
    struct vs_rule r[VS_NSTAGES];
    vs_rules(dir, r);
    struct vs_conn c = {.fd = fd};
    int closed = 0;
    if (!vs_rule(&c, &r[VS_GREETING], &closed))
        vs_say(&c, "220 vcm-test-sink ESMTP\r\n");
    char line[1100], from[300] = "", to[300] = "";
    while (!closed && vs_line(&c, line, sizeof line) > 0) {
        if (!strncasecmp(line, "EHLO", 4)) {
            if (!vs_rule(&c, &r[VS_EHLO], &closed))
                vs_say(&c, "250-vcm-test-sink\r\n250-8BITMIME\r\n250-AUTH PLAIN\r\n"
                           "250 SIZE 10485760\r\n");
        } else if (!strncasecmp(line, "HELO", 4)) {
            if (!vs_rule(&c, &r[VS_EHLO], &closed))
                vs_say(&c, "250 vcm-test-sink\r\n");
        } else if (!strncasecmp(line, "AUTH PLAIN", 10)) {
            /* the credentials on the line (SASL-IR) or after a 334 */
            char cred[1100];
            snprintf(cred, sizeof cred, "%.*s", (int)strcspn(line + 10, "\r\n"), line + 10);
            char *cp = cred + strspn(cred, " ");
            if (!*cp) {
                vs_say(&c, "334 \r\n");
                if (vs_line(&c, cred, sizeof cred) == 0)
                    break;
                cred[strcspn(cred, "\r\n")] = '\0';
                cp = cred;
            }
            char path[600];
            snprintf(path, sizeof path, "%s/auth", dir);
            FILE *af = fopen(path, "w");
            if (af) {
                fputs(cp, af);
                fclose(af);
            }
            if (!vs_rule(&c, &r[VS_AUTH], &closed))
                vs_say(&c, "235 2.7.0 ok\r\n");
        } else if (!strncasecmp(line, "MAIL FROM:", 10)) {
            if (!vs_rule(&c, &r[VS_MAIL], &closed)) {
                snprintf(from, sizeof from, "%.*s", (int)strcspn(line + 10, " \r\n"), line + 10);
                to[0] = '\0';
                vs_say(&c, "250 2.1.0 ok\r\n");
            }
        } else if (!strncasecmp(line, "RCPT TO:", 8)) {
            if (!from[0]) {
                vs_say(&c, "503 5.5.1 MAIL first\r\n");
            } else if (!vs_rule(&c, &r[VS_RCPT], &closed)) {
                snprintf(to, sizeof to, "%.*s", (int)strcspn(line + 8, " \r\n"), line + 8);
                vs_say(&c, "250 2.1.5 ok\r\n");
            }
        } else if (!strncasecmp(line, "DATA", 4)) {
            if (!to[0]) {
                vs_say(&c, "503 5.5.1 RCPT first\r\n");
                continue;
            }
            if (vs_rule(&c, &r[VS_DATA], &closed))
                continue;
            vs_say(&c, "354 end with a dot\r\n");
            char tmp[700], path[700];
            snprintf(tmp, sizeof tmp, "%s/.incoming", dir);
            FILE *f = fopen(tmp, "wb");
            size_t n;
            int ended = 0;
            while ((n = vs_line(&c, line, sizeof line)) > 0) {
                if (!strcmp(line, ".\r\n")) {
                    ended = 1;
                    break;
                }
                /* RFC 5321 4.5.2: a leading dot was doubled by the client */
                const char *p = line[0] == '.' ? line + 1 : line;
                fwrite(p, 1, n - (size_t)(p - line), f);
            }
            fclose(f);
            if (!ended) {
                closed = 1;
                break;
            }
            if (vs_rule(&c, &r[VS_END], &closed)) {
                from[0] = to[0] = '\0';
                continue;
            }
            ++*serial;
            snprintf(path, sizeof path, "%s/msg-%d.env", dir, *serial);
            f = fopen(path, "w");
            fprintf(f, "%s\n%s\n", from, to);
            fclose(f);
            snprintf(path, sizeof path, "%s/msg-%d.eml", dir, *serial);
            rename(tmp, path);
            from[0] = to[0] = '\0';
            vs_say(&c, "250 2.0.0 queued\r\n");
        } else if (!strncasecmp(line, "RSET", 4)) {
            from[0] = to[0] = '\0';
            vs_say(&c, "250 2.0.0 ok\r\n");
        } else if (!strncasecmp(line, "NOOP", 4)) {
            vs_say(&c, "250 2.0.0 ok\r\n");
        } else if (!strncasecmp(line, "QUIT", 4)) {
            vs_say(&c, "221 2.0.0 bye\r\n");
            closed = 1;
        } else {
            vs_say(&c, "502 5.5.2 not implemented\r\n");
        }
    }
    close(fd);
}

/* Starts the sink, storing into dir (which must exist). */
static inline void vt_smtp_start(struct vt_smtp *s, const char *dir)
{
    snprintf(s->dir, sizeof s->dir, "%s", dir);
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(ls >= 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t l = sizeof a;
    /* bound and listening before the fork, so the port is known and taken */
    assert_int_equal(bind(ls, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(ls, (struct sockaddr *)&a, &l), 0);
    assert_int_equal(listen(ls, 16), 0);
    s->port = ntohs(a.sin_port);
    snprintf(s->url, sizeof s->url, "smtp://127.0.0.1:%d", s->port);
    fflush(NULL);
    s->pid = fork();
    assert_true(s->pid >= 0);
    if (s->pid == 0) {
        signal(SIGPIPE, SIG_IGN);
        int serial = 0;
        for (;;) {
            int fd = accept(ls, NULL, NULL);
            if (fd >= 0)
                vs_session(fd, s->dir, &serial);
        }
    }
    close(ls);
}

static inline void vt_smtp_stop(struct vt_smtp *s)
{
    if (s->pid > 0) {
        kill(s->pid, SIGKILL);
        waitpid(s->pid, NULL, 0);
        s->pid = 0;
    }
}

/* Replaces the sink's rules (see the top); "" = answer everything well. */
static inline void vt_smtp_behave(struct vt_smtp *s, const char *rules)
{
    char path[600];
    snprintf(path, sizeof path, "%s/behave", s->dir);
    vt_write_file(path, rules);
}

/* How many messages the sink has stored. */
static inline int vt_smtp_count(const struct vt_smtp *s)
{
    int n = 0;
    DIR *d = opendir(s->dir);
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (!strncmp(e->d_name, "msg-", 4) && strstr(e->d_name, ".eml"))
            n++;
    if (d)
        closedir(d);
    return n;
}

/* The n-th stored message (from 1) or its envelope (ext "eml" or "env"),
 * NUL-terminated, *len bytes when len is not NULL; NULL when absent.
 * The caller frees it. */
static inline char *vt_smtp_read(const struct vt_smtp *s, int n, const char *ext, size_t *len)
{
    char path[700];
    snprintf(path, sizeof path, "%s/msg-%d.%s", s->dir, n, ext);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)size + 1);
    size_t got = fread(p, 1, (size_t)size, f);
    fclose(f);
    p[got] = '\0';
    if (len)
        *len = got;
    return p;
}
#endif
