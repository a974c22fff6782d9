/* The query parser: one pass over the text, cutting it into terms (a word,
 * a quoted phrase, a field:value) and joining them into clauses (OR binds
 * two neighbours, '-' negates). It never fails on what a visitor types: each
 * repair is written into the query's messages. */
#include "search/query.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "core/banned.h"

static const struct {
    const char *name;
    vcm_qfield field;
} fields[] = {
    {"title", VCM_QF_TITLE},       {"creator", VCM_QF_CREATOR}, {"artist", VCM_QF_CREATOR},
    {"culture", VCM_QF_CULTURE},   {"type", VCM_QF_TYPE},       {"classification", VCM_QF_TYPE},
    {"material", VCM_QF_MATERIAL}, {"medium", VCM_QF_MATERIAL}, {"museum", VCM_QF_MUSEUM},
    {"country", VCM_QF_COUNTRY},
};

const char *vcm_qfield_name(vcm_qfield f)
{
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        if (fields[i].field == f)
            return fields[i].name;
    return "";
}

static void note(vcm_squery *q, vcm_arena *a, const char *key, const char *arg, size_t arglen)
{
    if (q->nmessages == VCM_SQUERY_MAX_MESSAGES)
        return;
    if (arglen > 40)
        arglen = vcm_squery_cut(arg, arglen, 40);
    q->message_args[q->nmessages] = arg ? vcm_arena_strndup(a, arg, arglen) : NULL;
    q->messages[q->nmessages++] = key;
}

static int year(const char *s, size_t len, int32_t *out)
{
    char buf[24];
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, s, len);
    buf[len] = 0;
    bool bce = false;
    size_t n = len;
    while (n && buf[n - 1] == ' ')
        n--;
    if (n > 3 && strncasecmp(buf + n - 3, "BCE", 3) == 0) {
        bce = true;
        n -= 3;
    } else if (n > 2 && strncasecmp(buf + n - 2, "BC", 2) == 0) {
        bce = true;
        n -= 2;
    } else if (n > 2 && strncasecmp(buf + n - 2, "CE", 2) == 0 ) {
        n -= 2;
    } else if (n > 2 && strncasecmp(buf + n - 2, "AD", 2) == 0) {
        n -= 2;
    }
    buf[n] = 0;
    if (!n)
        return -1;
    char *end;
    long y = strtol(buf, &end, 10);
    if (*end || end == buf || (bce && y <= 0) || y < -100000 || y > 9999)
        return -1;
    *out = (int32_t)(bce ? -y : y);
    return 0;
}

int vcm_squery_years(const char *s, size_t len, int32_t *from, int32_t *to)
{
    const char *dots = NULL;
    for (size_t i = 0; i + 1 < len; i++)
        if (s[i] == '.' && s[i + 1] == '.') {
            dots = s + i;
            break;
        }
    if (!dots) {
        if (year(s, len, from) < 0)
            return -1;
        *to = *from;
        return 0;
    }
    size_t l1 = (size_t)(dots - s), l2 = len - l1 - 2;
    if (l1 == 0 && l2 == 0)
        return -1;
    *from = -100000;
    *to = 9999;
    if (l1 && year(s, l1, from) < 0)
        return -1;
    if (l2 && year(dots + 2, l2, to) < 0)
        return -1;
    return *from <= *to ? 0 : -1;
}

static bool space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* A term being read: its text may come from a quoted part. */
struct term {
    vcm_qterm t;
    bool negated;
    bool is_or;    /* the bare word OR or | */
    bool is_date;  /* a date: term, already applied */
};

static int add_clause(vcm_squery *q, vcm_arena *a, const struct term *t, bool join)
{
    if (join && q->nclauses) {
        vcm_qclause *c = &q->clauses[q->nclauses - 1];
        vcm_qterm *alts = vcm_arena_alloc(a, (c->nalts + 1) * sizeof *alts);
        if (!alts)
            return -1;
        memcpy(alts, c->alts, c->nalts * sizeof *alts);
        alts[c->nalts++] = t->t;
        c->alts = alts;
        return 0;
    }
    if (q->nclauses == VCM_SQUERY_MAX_CLAUSES)
        return 1;
    vcm_qclause *c = &q->clauses[q->nclauses++];
    c->negated = t->negated;
    c->alts = vcm_arena_alloc(a, sizeof *c->alts);
    if (!c->alts)
        return -1;
    c->alts[0] = t->t;
    c->nalts = 1;
    return 0;
}

size_t vcm_squery_cut(const char *q, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t cut = max;
    while (cut && ((unsigned char)q[cut] & 0xC0) == 0x80)
        cut--;
    return cut;
}

bool vcm_squery_too_big(const char *s, size_t len)
{
    if (len > VCM_SQUERY_MAX_BYTES)
        return true;
    /* Counted as the parser cuts: a piece ends at white space, or where a
     * phrase's closing quote is; a quote inside a word starts a new one. */
    size_t pieces = 0;
    for (size_t i = 0; i < len;) {
        while (i < len && space(s[i]))
            i++;
        if (i >= len)
            break;
        if (++pieces > VCM_SQUERY_MAX_PIECES)
            return true;
        size_t start = i;
        bool quoted = false;
        for (; i < len; i++) {
            if (s[i] == '"') {
                if (quoted) {
                    i++;
                    break;
                }
                if (i > start && s[i - 1] != ':' && s[i - 1] != '-')
                    break; /* a new piece starts here */
                quoted = true;
            } else if (!quoted && space(s[i])) {
                break;
            }
        }
    }
    return false;
}

int vcm_squery_parse(const char *text, size_t len, vcm_arena *a, vcm_squery *q)
{
    memset(q, 0, sizeof *q);
    q->clauses = vcm_arena_calloc(a, VCM_SQUERY_MAX_CLAUSES, sizeof *q->clauses);
    if (!q->clauses)
        return -1;
    if (len > VCM_SQUERY_MAX_BYTES) {
        len = vcm_squery_cut(text, len, VCM_SQUERY_MAX_BYTES);
        note(q, a, "query.cut", NULL, 0);
    }
    /* Work on a clean copy: valid UTF-8, no control characters. */
    char *s = vcm_arena_strndup(a, text, len);
    if (!s)
        return -1;
    if (!vcm_utf8_valid(s, len)) {
        size_t o = 0;
        for (size_t i = 0; i < len;) {
            size_t bad = vcm_utf8_check(s + i, len - i);
            memmove(s + o, s + i, bad);
            o += bad;
            i += bad + 1; /* drop one byte of the invalid sequence and go on */
        }
        len = o;
        s[len] = 0;
        note(q, a, "query.not_text", NULL, 0);
    }
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20)
            s[i] = ' ';

    bool join_next = false, pending_or = false, dropped = false;
    size_t i = 0;
    while (i < len) {
        while (i < len && space(s[i]))
            i++;
        if (i >= len)
            break;
        struct term t = {0};
        if (s[i] == '-' && i + 1 < len && !space(s[i + 1])) {
            t.negated = true;
            i++;
        }
        /* field: prefix */
        size_t j = i;
        while (j < len && isalpha((unsigned char)s[j]))
            j++;
        if (j > i && j < len && s[j] == ':') {
            bool known = false;
            for (size_t f = 0; f < sizeof fields / sizeof *fields; f++)
                if (strlen(fields[f].name) == j - i && strncasecmp(fields[f].name, s + i, j - i) == 0) {
                    t.t.field = fields[f].field;
                    known = true;
                }
            if (j - i == 4 && strncasecmp(s + i, "date", 4) == 0) {
                t.is_date = true;
                known = true;
            }
            if (known) {
                i = j + 1;
            } else {
                note(q, a, "query.no_field", s + i, j - i);
            }
        }
        if (i < len && s[i] == '"') {
            size_t start = ++i;
            while (i < len && s[i] != '"')
                i++;
            if (i >= len)
                note(q, a, "query.unclosed_quote", NULL, 0);
            t.t.text = s + start;
            t.t.len = i - start;
            t.t.phrase = true;
            if (i < len)
                i++;
        } else {
            size_t start = i;
            while (i < len && !space(s[i]) && s[i] != '"')
                i++;
            t.t.text = s + start;
            t.t.len = i - start;
            if (!t.negated && !t.is_date && t.t.field == VCM_QF_ANY &&
                ((t.t.len == 2 && memcmp(t.t.text, "OR", 2) == 0) ||
                 (t.t.len == 1 && t.t.text[0] == '|')))
                t.is_or = true;
            if (t.t.len > 1 && t.t.text[t.t.len - 1] == '*' && !t.is_date) {
                t.t.len--;
                while (t.t.len && t.t.text[t.t.len - 1] == '*')
                    t.t.len--;
                t.t.prefix = true;
            }
        }
        if (t.is_or) {
            if (q->nclauses && !pending_or)
                pending_or = true;
            continue;
        }
        if (t.is_date) {
            int32_t from, to;
            if (vcm_squery_years(t.t.text, t.t.len, &from, &to) < 0) {
                note(q, a, "query.bad_date", t.t.text, t.t.len);
            } else if (t.negated) {
                note(q, a, "query.negated_date", t.t.text, t.t.len);
            } else {
                if (q->has_date) {
                    if (from < q->date_from)
                        from = q->date_from;
                    if (to > q->date_to)
                        to = q->date_to;
                }
                q->has_date = true;
                q->date_from = from;
                q->date_to = to;
            }
            pending_or = false;
            continue;
        }
        /* Strip what only punctuates: "*" alone, empty quotes. */
        while (t.t.len && space(t.t.text[t.t.len - 1]))
            t.t.len--;
        if (t.t.len == 0 || (t.t.len == 1 && t.t.text[0] == '*')) {
            pending_or = false;
            continue;
        }
        if (t.t.prefix && t.t.len < 2 && (unsigned char)t.t.text[0] < 0x80) {
            note(q, a, "query.short_prefix", t.t.text, t.t.len);
            t.t.prefix = false;
        }
        join_next = pending_or && !t.negated && !q->clauses[q->nclauses - 1].negated;
        if (pending_or && !join_next)
            note(q, a, "query.or_negated", NULL, 0);
        pending_or = false;
        int r = add_clause(q, a, &t, join_next);
        if (r < 0)
            return -1;
        if (r > 0)
            dropped = true;
    }
    if (pending_or)
        note(q, a, "query.or_end", NULL, 0);
    if (dropped)
        note(q, a, "query.too_many_terms", NULL, 0);
    return 0;
}
