#include "core/po.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/text.h"
#include "core/banned.h"

/* One message's text may not exceed this: the catalogues' longest is a few
 * hundred bytes, and a reader of outside input needs a bound. */
#define PO_FIELD_MAX ((size_t)64 << 10)

enum field { F_NONE, F_CTXT, F_ID, F_STR };

struct state {
    vcm_buf ctxt, id, str, extracted, translator;
    bool has_ctxt, has_id, has_str, fuzzy, obsolete, started;
    enum field cur;
    size_t first_line;
};

static void clear(struct state *s)
{
    vcm_buf_reset(&s->ctxt);
    vcm_buf_reset(&s->id);
    vcm_buf_reset(&s->str);
    vcm_buf_reset(&s->extracted);
    vcm_buf_reset(&s->translator);
    s->has_ctxt = s->has_id = s->has_str = s->fuzzy = s->obsolete = s->started = false;
    s->cur = F_NONE;
    s->first_line = 0;
}

/* Appends the string literal at p (up to end) to b: "…" with C escapes,
 * nothing but blanks after the closing quote. */
static const char *literal(const char *p, const char *end, vcm_buf *b)
{
    if (p == end || *p != '"')
        return "expected a string in double quotes";
    p++;
    while (p < end && *p != '"') {
        char c = *p++;
        if (c != '\\') {
            if (vcm_buf_putc(b, c) < 0)
                return "a message is too long";
            continue;
        }
        if (p == end)
            return "a string ends with a backslash";
        char e = *p++, out;
        switch (e) {
        case 'n': out = '\n'; break;
        case 't': out = '\t'; break;
        case 'r': out = '\r'; break;
        case '"': out = '"'; break;
        case '\\': out = '\\'; break;
        case '\'': out = '\''; break;
        case '?': out = '?'; break;
        case 'a': out = '\a'; break;
        case 'b': out = '\b'; break;
        case 'f': out = '\f'; break;
        case 'v': out = '\v'; break;
        default: return "unknown escape in a string (\\n, \\t, \\\", \\\\ are known)";
        }
        if (vcm_buf_putc(b, out) < 0)
            return "a message is too long";
    }
    if (p == end)
        return "a string has no closing double quote";
    for (p++; p < end; p++)
        if (*p != ' ' && *p != '\t')
            return "text after the closing double quote";
    return NULL;
}

static int flush(struct state *s, vcm_po_each each, void *ctx, char *err, size_t errlen)
{
    if (!s->started)
        return 0;
    if (s->obsolete) {
        clear(s);
        return 0;
    }
    if (!s->has_id && !s->has_ctxt && !s->has_str) {
        clear(s); /* comments alone, e.g. at the end of the file */
        return 0;
    }
    if (!s->has_id || !s->has_str) {
        snprintf(err, errlen, "%zu: an entry needs both msgid and msgstr", s->first_line);
        return -1;
    }
    vcm_po_entry e = {
        .ctxt = s->has_ctxt ? vcm_buf_str(&s->ctxt).p : NULL,
        .id = vcm_buf_str(&s->id).p,
        .str = vcm_buf_str(&s->str).p,
        .extracted = vcm_buf_str(&s->extracted).p,
        .translator = vcm_buf_str(&s->translator).p,
        .fuzzy = s->fuzzy,
        .line = s->first_line,
    };
    int rc = each(&e, ctx);
    clear(s);
    return rc;
}

static bool word(const char *p, const char *end, const char *w, const char **rest)
{
    size_t n = strlen(w);
    if ((size_t)(end - p) < n || memcmp(p, w, n) != 0)
        return false;
    p += n;
    if (p < end && *p != ' ' && *p != '\t')
        return false;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    *rest = p;
    return true;
}

static int comment_line(struct state *s, const char *p, const char *end)
{
    vcm_buf *to = NULL;
    if (end - p >= 2 && p[1] == '.')
        to = &s->extracted, p += 2;
    else if (end - p >= 2 && p[1] == ',') {
        /* flags, comma-separated: only "fuzzy" means something here */
        for (const char *f = p + 2; f < end;) {
            while (f < end && (*f == ' ' || *f == ','))
                f++;
            const char *fe = f;
            while (fe < end && *fe != ',' && *fe != ' ')
                fe++;
            if (fe - f == 5 && memcmp(f, "fuzzy", 5) == 0)
                s->fuzzy = true;
            f = fe;
        }
        return 0;
    } else if (end - p >= 2 && (p[1] == ':' || p[1] == '|'))
        return 0;
    else
        to = &s->translator, p += 1;
    if (p < end && *p == ' ')
        p++;
    if (to->len && vcm_buf_putc(to, '\n') < 0)
        return -1;
    return vcm_buf_append(to, p, (size_t)(end - p));
}

int vcm_po_parse(const char *text, size_t len, vcm_po_each each, void *ctx, char *err,
                 size_t errlen)
{
    int rc = 0;
    struct state s;
    vcm_buf_init(&s.ctxt, PO_FIELD_MAX);
    vcm_buf_init(&s.id, PO_FIELD_MAX);
    vcm_buf_init(&s.str, PO_FIELD_MAX);
    vcm_buf_init(&s.extracted, PO_FIELD_MAX);
    vcm_buf_init(&s.translator, PO_FIELD_MAX);
    clear(&s);
    size_t line = 0;
    const char *why = NULL;
    if (!vcm_utf8_valid(text, len)) {
        size_t at = vcm_utf8_check(text, len);
        line = 1;
        for (size_t i = 0; i < at && i < len; i++)
            line += text[i] == '\n';
        why = "not valid UTF-8";
        goto bad;
    }
    for (const char *p = text, *end = text + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *next = nl ? nl + 1 : end;
        line++;
        if (le > p && le[-1] == '\r')
            le--;
        const char *q = p;
        while (q < le && (*q == ' ' || *q == '\t'))
            q++;
        const char *rest;
        if (q == le) {
            if ((rc = flush(&s, each, ctx, err, errlen)) != 0)
                goto out;
        } else if (*q == '#') {
            if (s.has_str && (rc = flush(&s, each, ctx, err, errlen)) != 0)
                goto out;
            if (!s.started)
                s.first_line = line;
            s.started = true;
            if (le - q >= 2 && q[1] == '~')
                s.obsolete = true;
            else if (comment_line(&s, q, le) < 0) {
                why = "a comment is too long";
                goto bad;
            }
        } else if (word(q, le, "msgctxt", &rest) || word(q, le, "msgid", &rest)) {
            bool is_ctxt = q[3] == 'c';
            if ((s.has_str || s.obsolete) && (rc = flush(&s, each, ctx, err, errlen)) != 0)
                goto out;
            if (!s.started)
                s.first_line = line;
            s.started = true;
            if (is_ctxt ? (s.has_ctxt || s.has_id) : s.has_id) {
                why = is_ctxt ? "msgctxt must come once, before msgid" : "a second msgid";
                goto bad;
            }
            vcm_buf *b = is_ctxt ? &s.ctxt : &s.id;
            if ((why = literal(rest, le, b)))
                goto bad;
            if (is_ctxt)
                s.has_ctxt = true, s.cur = F_CTXT;
            else
                s.has_id = true, s.cur = F_ID;
        } else if (s.obsolete) {
            why = "an obsolete entry (#~) continues without #~";
            goto bad;
        } else if (word(q, le, "msgstr", &rest)) {
            if (!s.has_id || s.has_str) {
                why = s.has_str ? "a second msgstr" : "msgstr before msgid";
                goto bad;
            }
            if ((why = literal(rest, le, &s.str)))
                goto bad;
            s.has_str = true;
            s.cur = F_STR;
        } else if (word(q, le, "msgid_plural", &rest) || strncmp(q, "msgstr[", 7) == 0) {
            why = "gettext plural forms are not used: write the plural as an ICU message "
                  "({n, plural, one {…} other {…}}) in one msgstr";
            goto bad;
        } else if (*q == '"') {
            vcm_buf *b = s.cur == F_CTXT ? &s.ctxt : s.cur == F_ID ? &s.id
                       : s.cur == F_STR  ? &s.str  : NULL;
            if (!b) {
                why = "a string that continues nothing";
                goto bad;
            }
            if ((why = literal(q, le, b)))
                goto bad;
        } else {
            why = "expected msgctxt, msgid, msgstr, a string or a comment";
            goto bad;
        }
        p = next;
    }
    rc = flush(&s, each, ctx, err, errlen);
    goto out;
bad:
    rc = -1;
    snprintf(err, errlen, "%zu: %s", line, why);
out:
    vcm_buf_release(&s.ctxt);
    vcm_buf_release(&s.id);
    vcm_buf_release(&s.str);
    vcm_buf_release(&s.extracted);
    vcm_buf_release(&s.translator);
    return rc;
}
