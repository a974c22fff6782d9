/* libFuzzer driver for the mail message builder (src/io/mail.c). The input
 * is up to five fields separated by NUL bytes: the subject, the body, the
 * recipient's address, the recipient's name, the sender's name. Beyond "no
 * crash", when the builder accepts a message it checks what keeps mail
 * safe: every line ends in CRLF and is at most 998 bytes (76 in the body);
 * the header section holds exactly the nine headers the builder writes,
 * each once, every other line a continuation (no injected header, however
 * the subject or a name is made); every byte is 7-bit; and the body
 * decodes back to the input with CRLF line ends. A refusal must say why.
 *
 *   make fuzz && build/fuzz/mail_message -max_total_time=120 WORK fuzz/corpus/mail_message */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "io/mail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const headers[] = {"Date", "From", "To", "Subject", "Message-ID",
                                      "MIME-Version", "Content-Type",
                                      "Content-Transfer-Encoding", "Auto-Submitted"};
#define NHEADERS (sizeof headers / sizeof *headers)

static int hexv(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static void check(const char *s, size_t n, const char *body)
{
    int seen[NHEADERS] = {0};
    size_t i = 0;
    bool in_body = false;
    const char *body_start = NULL;
    while (i < n) {
        const char *line = s + i;
        const char *e = memchr(line, '\r', n - i);
        if (!e || e + 1 >= s + n || e[1] != '\n')
            abort(); /* a line without CRLF */
        size_t len = (size_t)(e - line);
        if (memchr(line, '\n', len) || len > (in_body ? 76 : 998))
            abort();
        for (size_t k = 0; k < len; k++)
            if ((unsigned char)line[k] >= 0x80 || line[k] == '\0')
                abort();
        i += len + 2;
        if (in_body)
            continue;
        if (len == 0) {
            in_body = true;
            body_start = s + i;
            continue;
        }
        if (line[0] == ' ')
            continue; /* a folded line */
        size_t k;
        for (k = 0; k < NHEADERS; k++) {
            size_t hl = strlen(headers[k]);
            if (len > hl && !strncmp(line, headers[k], hl) && line[hl] == ':')
                break;
        }
        if (k == NHEADERS || seen[k]++)
            abort(); /* a header the builder does not write, or twice */
    }
    for (size_t k = 0; k < NHEADERS; k++)
        if (!seen[k])
            abort();
    if (!body_start)
        abort();
    /* the body decoded against the input, CRLF for each line end */
    const char *p = body_start, *end = s + n, *b = body;
    while (p < end) {
        char c;
        if (p[0] == '=' && p + 2 < end && p[1] == '\r' && p[2] == '\n') {
            p += 3;
            continue;
        } else if (p[0] == '=') {
            if (p + 2 >= end || hexv(p[1]) < 0 || hexv(p[2]) < 0)
                abort();
            c = (char)(hexv(p[1]) * 16 + hexv(p[2]));
            p += 3;
        } else {
            c = *p++;
        }
        if (*b == '\n' && c == '\r') {
            if (p >= end || *p != '\n')
                abort();
            p++;
            b++;
            continue;
        }
        if (*b == '\r' && b[1] == '\n' && c == '\r') {
            b++;
            continue;
        }
        if (*b == '\0') {
            /* a final CRLF ends a body that did not end in a line break */
            if (c != '\r' || p + 1 != end || *p != '\n')
                abort();
            return;
        }
        if (c != *b++)
            abort();
    }
    if (*b)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 64 * 1024)
        return 0;
    char *copy = malloc(size + 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    copy[size] = '\0';
    const char *f[5] = {"", "", "curator@museum.example", NULL, NULL};
    const char *p = copy, *end = copy + size;
    for (int k = 0; k < 5 && p <= end; k++) {
        f[k] = p;
        p += strlen(p) + 1;
    }
    vcm_mail_msg m = {.subject = f[0],
                      .body = f[1],
                      .to = f[2],
                      .to_name = f[3],
                      .from = "noreply@vcm.example.org",
                      .from_name = f[4],
                      .date = 1796598309,
                      .message_id = "<fuzz@vcm.example.org>"};
    vcm_buf b;
    vcm_buf_init(&b, 0);
    char err[256] = "";
    int rc = vcm_mail_build(&m, &b, err, sizeof err);
    if (rc == 0)
        check(b.data, b.len, m.body);
    else if (rc != -1 || !err[0] || b.len != 0)
        abort();
    vcm_buf_release(&b);
    free(copy);
    return 0;
}
