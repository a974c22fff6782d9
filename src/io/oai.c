/* OAI-PMH's datestamps, resumption tokens and the harvester's reader of
 * responses (io/oai.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io/oai.h"
#include "io/xml.h"
#include "core/banned.h"

/* ---- datestamps ------------------------------------------------------------ */

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static bool digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

int vcm_oai_time_parse(const char *s, bool end, int64_t *out)
{
    size_t n = s ? strlen(s) : 0;
    int y, mo, d, h = 0, mi = 0, se = 0;
    if ((n != 10 && n != 20) || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
        s[7] != '-' || !digits(s + 8, 2, &d))
        return -1;
    if (n == 20 && (s[10] != 'T' || !digits(s + 11, 2, &h) || s[13] != ':' ||
                    !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &se) ||
                    s[19] != 'Z'))
        return -1;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap) ||
        h > 23 || mi > 59 || se > 59)
        return -1;
    int64_t t = days_from_civil(y, mo, d) * 86400;
    if (n == 20) {
        *out = t + h * 3600 + mi * 60 + se;
        return 2;
    }
    *out = end ? t + 86399 : t;
    return 1;
}

void vcm_oai_time_format(int64_t t, char out[21])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm)) {
        snprintf(out, 21, "1970-01-01T00:00:00Z");
        return;
    }
    /* four digits always: strftime's %Y writes year 690 as "690" */
    char b[64];
    snprintf(b, sizeof b, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    size_t n = strlen(b) < 20 ? strlen(b) : 20; /* a year past 9999 never comes from a stamp */
    memcpy(out, b, n);
    out[n] = '\0';
}

/* ---- resumption tokens ----------------------------------------------------- */

/* OAI-PMH's setSpec characters (its schema's pattern), ':' apart. */
static bool spec_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           strchr("-_.!~*'()", c) != NULL;
}

bool vcm_oai_set_spec_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n >= sizeof ((vcm_oai_query *)0)->set || s[0] == ':' || s[n - 1] == ':')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!(spec_char(s[i]) || (s[i] == ':' && s[i + 1] != ':')))
            return false;
    return true;
}

bool vcm_oai_prefix_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n >= sizeof ((vcm_oai_query *)0)->prefix)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!spec_char(s[i]))
            return false;
    return true;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

#define TOKEN_FIELDS 9
#define TOKEN_VERSION "1"

int vcm_oai_token_encode(const vcm_oai_query *q, char out[VCM_OAI_TOKEN_MAX])
{
    if ((q->verb != VCM_OAI_LIST_SETS && !vcm_oai_prefix_ok(q->prefix)) ||
        (q->verb == VCM_OAI_LIST_SETS && q->prefix[0]) ||
        (q->set[0] && !vcm_oai_set_spec_ok(q->set)) || q->from < 0 || q->until < q->from ||
        q->after < 0 || q->cursor < 0 || q->size < 0 ||
        (q->verb != VCM_OAI_LIST_RECORDS && q->verb != VCM_OAI_LIST_IDENTIFIERS &&
         q->verb != VCM_OAI_LIST_SETS))
        return -1;
    char raw[300];
    int n = snprintf(raw, sizeof raw, TOKEN_VERSION "|%c|%s|%s|%lld|%lld|%lld|%lld|%lld",
                     (char)q->verb, q->prefix, q->set, (long long)q->from, (long long)q->until,
                     (long long)q->after, (long long)q->cursor, (long long)q->size);
    if (n < 0 || (size_t)n >= sizeof raw)
        return -1;
    /* base64url without padding: 4 characters per 3 bytes */
    size_t k = 0;
    const unsigned char *u = (const unsigned char *)raw;
    for (int i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)u[i] << 16;
        int left = n - i;
        if (left > 1)
            v |= (uint32_t)u[i + 1] << 8;
        if (left > 2)
            v |= u[i + 2];
        out[k++] = b64[(v >> 18) & 63];
        out[k++] = b64[(v >> 12) & 63];
        if (left > 1)
            out[k++] = b64[(v >> 6) & 63];
        if (left > 2)
            out[k++] = b64[v & 63];
    }
    out[k] = '\0';
    return 0;
}

static int b64_value(char c)
{
    const char *p = c ? strchr(b64, c) : NULL;
    return p ? (int)(p - b64) : -1;
}

/* A decimal number as the encoder writes it: no sign, no leading zero. */
static bool number(const char *s, int64_t *out)
{
    size_t n = strlen(s);
    if (n == 0 || n > 18 || (n > 1 && s[0] == '0'))
        return false;
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

int vcm_oai_token_decode(const char *token, vcm_oai_query *q)
{
    memset(q, 0, sizeof *q);
    size_t n = token ? strlen(token) : 0;
    if (n == 0 || n >= VCM_OAI_TOKEN_MAX || n % 4 == 1)
        return -1;
    char raw[VCM_OAI_TOKEN_MAX];
    size_t k = 0;
    for (size_t i = 0; i < n; i += 4) {
        uint32_t v = 0;
        size_t m = n - i < 4 ? n - i : 4;
        for (size_t j = 0; j < 4; j++) {
            int c = j < m ? b64_value(token[i + j]) : 0;
            if (c < 0)
                return -1;
            v = v << 6 | (uint32_t)c;
        }
        raw[k++] = (char)(v >> 16);
        if (m > 2)
            raw[k++] = (char)(v >> 8);
        if (m > 3)
            raw[k++] = (char)v;
    }
    raw[k] = '\0';
    if (strlen(raw) != k)
        return -1; /* a NUL inside */
    char *field[TOKEN_FIELDS];
    size_t nf = 0;
    char *p = raw;
    for (;;) {
        if (nf == TOKEN_FIELDS)
            return -1;
        field[nf++] = p;
        char *bar = strchr(p, '|');
        if (!bar)
            break;
        *bar = '\0';
        p = bar + 1;
    }
    if (nf != TOKEN_FIELDS || strcmp(field[0], TOKEN_VERSION) != 0 || strlen(field[1]) != 1 ||
        strlen(field[2]) >= sizeof q->prefix || strlen(field[3]) >= sizeof q->set)
        return -1;
    q->verb = (vcm_oai_verb)field[1][0];
    memcpy(q->prefix, field[2], strlen(field[2]) + 1);
    memcpy(q->set, field[3], strlen(field[3]) + 1);
    if (!number(field[4], &q->from) || !number(field[5], &q->until) ||
        !number(field[6], &q->after) || !number(field[7], &q->cursor) ||
        !number(field[8], &q->size))
        return -1;
    /* what the encoder would not write is no token of ours; and a token is
     * only ever what the encoder wrote, so it must come back the same */
    char again[VCM_OAI_TOKEN_MAX];
    if (vcm_oai_token_encode(q, again) < 0 || strcmp(again, token) != 0) {
        memset(q, 0, sizeof *q);
        return -1;
    }
    return 0;
}

/* ---- the reader of responses ---------------------------------------------- */

static bool in_oai(const xmlNode *n, const char *local)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
           strcmp((const char *)n->ns->href, VCM_OAI_NS) == 0 &&
           strcmp((const char *)n->name, local) == 0;
}

static const xmlNode *oai_child(const xmlNode *n, const char *local)
{
    for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (in_oai(c, local))
            return c;
    return NULL;
}

/* The trimmed text of n into out (cut at size: callers' fields are capped
 * as OAI-PMH's values are short). */
static void text_into(const xmlNode *n, char *out, size_t size)
{
    out[0] = '\0';
    char *t = n ? vcm_xml_text(n) : NULL;
    if (!t)
        return;
    const char *s = t;
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    size_t len = strlen(s);
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' ||
                   s[len - 1] == '\n'))
        len--;
    if (len >= size)
        len = size - 1;
    memcpy(out, s, len);
    out[len] = '\0';
    free(t);
}

static int64_t attr_number(const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    int64_t r = -1;
    if (v) {
        char *end;
        long long x = strtoll((const char *)v, &end, 10);
        if (*v && !*end && x >= 0)
            r = x;
        xmlFree(v);
    }
    return r;
}

static int record(const xmlNode *rec, long line, vcm_oai_record_fn fn, void *ud, char *err,
                  size_t errlen)
{
    const xmlNode *head = oai_child(rec, "header");
    char id[1024], stamp[32];
    text_into(oai_child(head, "identifier"), id, sizeof id);
    text_into(oai_child(head, "datestamp"), stamp, sizeof stamp);
    vcm_oai_header h = {.identifier = id[0] ? id : NULL, .datestamp = stamp[0] ? stamp : NULL};
    if (head) {
        xmlChar *st = xmlGetProp(head, (const xmlChar *)"status");
        h.deleted = st && strcmp((const char *)st, "deleted") == 0;
        xmlFree(st);
    }
    const xmlNode *meta = NULL;
    const xmlNode *m = oai_child(rec, "metadata");
    for (const xmlNode *c = m ? m->children : NULL; c && !h.deleted; c = c->next)
        if (c->type == XML_ELEMENT_NODE) {
            meta = c;
            break;
        }
    return fn(ud, &h, meta, line, err, errlen);
}

int vcm_oai_parse_page(const char *data, size_t n, const char *name, vcm_oai_record_fn fn,
                       void *ud, vcm_oai_page *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->cursor = out->size = -1;
    vcm_xml *x = vcm_xml_open_memory(data, n, name, NULL, err, errlen);
    if (!x)
        return -1;
    int rc = -1;
    for (;;) {
        xmlNode *node;
        long line = 0;
        int r = vcm_xml_next(x, VCM_OAI_NS,
                             "responseDate|error|record|header|resumptionToken", &node,
                             &line, err, errlen);
        if (r < 0)
            goto out;
        if (r == 0)
            break;
        const char *ln = (const char *)node->name;
        if (strcmp(ln, "responseDate") == 0) {
            text_into(node, out->response_date, sizeof out->response_date);
        } else if (strcmp(ln, "error") == 0) {
            if (!out->error_code[0]) {
                xmlChar *code = xmlGetProp(node, (const xmlChar *)"code");
                snprintf(out->error_code, sizeof out->error_code, "%s",
                         code ? (const char *)code : "unknown");
                xmlFree(code);
                text_into(node, out->error_text, sizeof out->error_text);
            }
        } else if (strcmp(ln, "record") == 0 || strcmp(ln, "header") == 0) {
            /* ListIdentifiers gives headers alone; a record's own header
             * is read with it and never comes here */
            xmlNode wrap = {0};
            const xmlNode *rec = node;
            if (strcmp(ln, "header") == 0) {
                wrap.type = XML_ELEMENT_NODE;
                wrap.children = node;
                rec = &wrap;
            }
            out->records++;
            if (record(rec, line, fn, ud, err, errlen) < 0)
                goto out;
        } else { /* resumptionToken */
            out->has_token = true;
            text_into(node, out->token, sizeof out->token);
            out->cursor = attr_number(node, "cursor");
            out->size = attr_number(node, "completeListSize");
        }
    }
    /* every response of the protocol has its date (a page of some other
     * XML, an HTML error page, would have none) */
    if (!out->response_date[0]) {
        snprintf(err, errlen, "%s: not an OAI-PMH response (no responseDate)", name);
        goto out;
    }
    rc = 0;
out:
    vcm_xml_close(x);
    return rc;
}
