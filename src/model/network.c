/* The rules of membership and of the join form (model/network.h). */
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "model/network.h"
#include "model/user.h"
#include "core/banned.h"

static const char *const state_names[VCM_MS_COUNT] = {
    [VCM_MS_NONE] = "",          [VCM_MS_APPLICANT] = "applicant", [VCM_MS_MEMBER] = "member",
    [VCM_MS_LAPSED] = "lapsed",  [VCM_MS_LEFT] = "left",           [VCM_MS_DECLINED] = "declined",
};

const char *vcm_member_state_name(vcm_member_state s)
{
    return (unsigned)s < VCM_MS_COUNT ? state_names[s] : "";
}

int vcm_member_state_parse(const char *s, vcm_member_state *out)
{
    for (int i = VCM_MS_APPLICANT; s && i < VCM_MS_COUNT; i++)
        if (strcmp(s, state_names[i]) == 0) {
            *out = (vcm_member_state)i;
            return 0;
        }
    return -1;
}

/* The edges a status may follow. A museum with no status yet may apply,
 * or the secretariat may record a membership that predates the platform
 * (the network existed from 2000; its records did not survive). */
bool vcm_member_next(vcm_member_state from, vcm_member_state to)
{
    switch (from) {
    case VCM_MS_NONE:
        return to == VCM_MS_APPLICANT || to == VCM_MS_MEMBER;
    case VCM_MS_APPLICANT:
        return to == VCM_MS_MEMBER || to == VCM_MS_DECLINED;
    case VCM_MS_MEMBER:
        return to == VCM_MS_LAPSED || to == VCM_MS_LEFT;
    case VCM_MS_LAPSED:
        return to == VCM_MS_MEMBER || to == VCM_MS_LEFT;
    case VCM_MS_LEFT:
    case VCM_MS_DECLINED:
        return to == VCM_MS_APPLICANT;
    case VCM_MS_COUNT:
        break;
    }
    return false;
}

static int refuse(vcm_refusal *why, const char *rule, const char *key)
{
    why->rule = rule;
    why->key = key;
    return -1;
}

int vcm_member_check(vcm_member_state from, vcm_member_state to, bool in_partner,
                     bool exception, const char *reason, vcm_refusal *why)
{
    if (!vcm_member_next(from, to))
        return refuse(why, "member-transition", "network.rule.transition");
    bool has_reason = reason && reason[strspn(reason, " \t\r\n")];
    if ((to == VCM_MS_DECLINED || to == VCM_MS_LEFT || to == VCM_MS_LAPSED) && !has_reason)
        return refuse(why, "reason-required", "network.rule.reason");
    /* the rule binds the moment of becoming a member: a member whose
     * country stops being a partner is not thrown out by it */
    if (to == VCM_MS_MEMBER && !in_partner && !exception)
        return refuse(why, "partner-country", "network.rule.partner");
    why->rule = why->key = NULL;
    return 0;
}

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static int num(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

bool vcm_member_date_ok(const char *s)
{
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    size_t n = s ? strlen(s) : 0;
    if (n != 4 && n != 7 && n != 10)
        return false;
    if (!digits(s, 4) || num(s, 4) < 1900 || num(s, 4) > 2999)
        return false;
    if (n == 4)
        return true;
    if (s[4] != '-' || !digits(s + 5, 2) || num(s + 5, 2) < 1 || num(s + 5, 2) > 12)
        return false;
    if (n == 7)
        return true;
    int y = num(s, 4), m = num(s + 5, 2);
    if (s[7] != '-' || !digits(s + 8, 2))
        return false;
    int d = num(s + 8, 2);
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d >= 1 && d <= mdays[m - 1] && !(m == 2 && d == 29 && !leap);
}

static const char *const app_names[] = {"pending", "accepted", "declined"};

const char *vcm_app_state_name(vcm_app_state s)
{
    return (unsigned)s < 3 ? app_names[s] : "";
}

int vcm_app_state_parse(const char *s, vcm_app_state *out)
{
    for (int i = 0; s && i < 3; i++)
        if (strcmp(s, app_names[i]) == 0) {
            *out = (vcm_app_state)i;
            return 0;
        }
    return -1;
}

/* ---- the join form ------------------------------------------------------ */

struct errs {
    vcm_field_error *v;
    size_t n, max;
};

static void err(struct errs *e, const char *field, const char *key)
{
    for (size_t i = 0; i < e->n; i++)
        if (strcmp(e->v[i].field, field) == 0)
            return; /* one message a field: the first problem */
    if (e->n < e->max)
        e->v[e->n++] = (vcm_field_error){field, key};
}

/* Valid UTF-8, at most max bytes, no control characters (but line breaks
 * and tabs when multiline). required: not empty once spaces are left out. */
static void text(struct errs *e, const char *field, const char *s, size_t max, bool required,
                 bool multiline)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || !s[strspn(s, " \t\r\n")]) {
        if (required)
            err(e, field, "form.required");
        return;
    }
    if (n > max) {
        err(e, field, "form.too_long");
        return;
    }
    if (!vcm_utf8_valid(s, n)) {
        err(e, field, "form.bad_text");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        bool allowed = multiline && (c == '\n' || c == '\r' || c == '\t');
        if ((c < 0x20 || c == 0x7f) && !allowed) {
            err(e, field, "form.bad_text");
            return;
        }
    }
}

size_t vcm_join_check(const vcm_join_form *f, vcm_field_error *out, size_t max)
{
    struct errs e = {out, 0, max};
    text(&e, "institution", f->institution, 200, true, false);
    const char *c = f->country;
    if (!c || !*c)
        err(&e, "country", "form.required");
    else if (strlen(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z')
        err(&e, "country", "network.join.bad_country");
    text(&e, "city", f->city, 200, false, false);
    text(&e, "website", f->website, 500, false, false);
    if (f->website && *f->website && strncmp(f->website, "https://", 8) != 0 &&
        strncmp(f->website, "http://", 7) != 0)
        err(&e, "website", "network.join.bad_website");
    text(&e, "contact_name", f->contact_name, 200, true, false);
    text(&e, "contact_position", f->contact_position, 200, false, false);
    const char *why = NULL;
    if (!f->contact_email || !*f->contact_email)
        err(&e, "contact_email", "form.required");
    else if (vcm_email_check(f->contact_email, &why) < 0)
        err(&e, "contact_email", why);
    text(&e, "contact_phone", f->contact_phone, 200, false, false);
    text(&e, "collections", f->collections, 4000, true, true);
    if (!f->ack_definition)
        err(&e, "ack_definition", "network.join.ack_required");
    if (!f->ack_ethics)
        err(&e, "ack_ethics", "network.join.ack_required");
    if (!f->consent)
        err(&e, "consent", "network.join.consent_required");
    return e.n;
}

/* ---- growth ---------------------------------------------------------------- */

int vcm_member_date_year(const char *d)
{
    if (!d || strlen(d) < 4 || !digits(d, 4))
        return 0;
    return num(d, 4);
}

/* Adds one member to (year, country) among the cells of that year, which
 * sit at the end of out from `from` on. */
static void count_cell(vcm_growth_cell *out, size_t from, size_t *n, size_t max, int year,
                       const char *country)
{
    for (size_t i = from; i < *n; i++)
        if (strcmp(out[i].country, country) == 0) {
            out[i].members++;
            return;
        }
    if (*n >= max)
        return;
    vcm_growth_cell *c = &out[(*n)++];
    c->year = year;
    memcpy(c->country, country, 2);
    c->country[2] = '\0';
    c->members = 1;
}

static int cell_cmp(const void *x, const void *y)
{
    const vcm_growth_cell *a = x, *b = y;
    return a->year != b->year ? (a->year > b->year) - (a->year < b->year)
                              : strcmp(a->country, b->country);
}

size_t vcm_growth(const vcm_member_event *ev, const char (*countries)[3], size_t n, int first,
                  int last, vcm_growth_cell *out, size_t max, int64_t *undated)
{
    size_t nout = 0;
    *undated = 0;
    /* undated: the museum's newest event makes it a member and no event of
     * its history has a date */
    for (size_t i = 0; i < n;) {
        size_t j = i;
        bool dated = false;
        while (j < n && ev[j].museum_id == ev[i].museum_id)
            dated |= vcm_member_date_year(ev[j++].from_date) != 0;
        if (!dated && ev[j - 1].status == VCM_MS_MEMBER)
            (*undated)++;
        i = j;
    }
    for (int y = first; y <= last; y++) {
        size_t start = nout;
        for (size_t i = 0; i < n;) {
            size_t j = i;
            vcm_member_state at = VCM_MS_NONE;
            int best = 0;
            /* the latest dated event up to y; of one year, the last recorded */
            while (j < n && ev[j].museum_id == ev[i].museum_id) {
                int ey = vcm_member_date_year(ev[j].from_date);
                if (ey && ey <= y && ey >= best) {
                    at = ev[j].status;
                    best = ey;
                }
                j++;
            }
            if (at == VCM_MS_MEMBER)
                count_cell(out, start, &nout, max, y, countries[i]);
            i = j;
        }
        qsort(out + start, nout - start, sizeof *out, cell_cmp);
    }
    return nout;
}

/* ---- the facts file ------------------------------------------------------------ */

static const struct fact_spec {
    const char *kind;
    const char *keys[VCM_FACT_FIELDS]; /* a leading '*': required */
} fact_specs[VCM_FACT_KINDS] = {
    [VCM_FACT_PARTNER] = {"partner", {"*code", "*name", "*kind", "group", "joined", "*source"}},
    [VCM_FACT_MUSEUM] = {"museum", {"*name", "*country", "city", "website", "*source"}},
    [VCM_FACT_MEMBER] = {"member", {"*museum", "*status", "from", "reason", "*source", "demo"}},
    [VCM_FACT_FIGURE] = {"figure", {"*year", "*at", "*members", "countries", "*source"}},
    [VCM_FACT_COLLECTION] = {"collection",
                             {"*museum", "*name", "scope", "size", "periods", "cultures",
                              "access", "*source", "demo"}},
};

const char *vcm_fact_get(const vcm_fact *f, const char *key)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->key[i], key) == 0)
            return f->value[i];
    return NULL;
}

static int fact_fail(char *err, size_t errlen, const char *what, const char *key)
{
    if (errlen) {
        size_t n = 0;
        for (const char *p = what; *p && n + 1 < errlen; p++)
            err[n++] = *p;
        for (const char *p = key ? " '" : ""; *p && n + 1 < errlen; p++)
            err[n++] = *p;
        for (const char *p = key ? key : ""; *p && n + 1 < errlen; p++)
            err[n++] = *p;
        for (const char *p = key ? "'" : ""; *p && n + 1 < errlen; p++)
            err[n++] = *p;
        err[n] = '\0';
    }
    return -1;
}

static bool whole(const char *s, long lo, long hi)
{
    size_t n = strlen(s);
    if (n == 0 || n > 9 || !digits(s, n))
        return false;
    long v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v >= lo && v <= hi;
}

/* Whether value is one the key takes (keys not listed take any text). */
static bool value_ok(const char *key, const char *v)
{
    if (strcmp(key, "kind") == 0)
        return strcmp(v, "country") == 0 || strcmp(v, "institution") == 0;
    if (strcmp(key, "group") == 0)
        return strcmp(v, "asia") == 0 || strcmp(v, "europe") == 0;
    if (strcmp(key, "joined") == 0 || strcmp(key, "year") == 0)
        return whole(v, 1996, 2999);
    if (strcmp(key, "members") == 0 || strcmp(key, "countries") == 0)
        return whole(v, 0, 100000);
    if (strcmp(key, "at") == 0)
        return strcmp(v, "start") == 0 || strcmp(v, "end") == 0;
    if (strcmp(key, "status") == 0) {
        vcm_member_state st;
        return vcm_member_state_parse(v, &st) == 0;
    }
    if (strcmp(key, "from") == 0)
        return vcm_member_date_ok(v);
    if (strcmp(key, "demo") == 0)
        return strcmp(v, "yes") == 0 || strcmp(v, "no") == 0;
    if (strcmp(key, "country") == 0 || strcmp(key, "code") == 0)
        return strlen(v) >= 2 && strlen(v) <= 8;
    return *v != '\0';
}

int vcm_fact_parse(const char *line, size_t len, vcm_arena *a, vcm_fact *out, char *err,
                   size_t errlen)
{
    memset(out, 0, sizeof *out);
    size_t lead = 0;
    while (lead < len && (line[lead] == ' ' || line[lead] == '\t'))
        lead++;
    if (lead == len || line[lead] == '#')
        return 0;
    if (!vcm_utf8_valid(line, len))
        return fact_fail(err, errlen, "not UTF-8 text", NULL);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)line[i] < 0x20 && line[i] != '\t')
            return fact_fail(err, errlen, "a control character", NULL);
    const char *p = line, *end = line + len;
    const char *tab = memchr(p, '\t', (size_t)(end - p));
    size_t klen = (size_t)((tab ? tab : end) - p);
    const struct fact_spec *spec = NULL;
    for (int k = 0; k < VCM_FACT_KINDS; k++)
        if (strlen(fact_specs[k].kind) == klen && memcmp(fact_specs[k].kind, p, klen) == 0) {
            spec = &fact_specs[k];
            out->kind = (vcm_fact_kind)k;
        }
    if (!spec) {
        char *kind = vcm_arena_strndup(a, p, klen > 40 ? 40 : klen);
        return fact_fail(err, errlen, "unknown kind", kind ? kind : "");
    }
    p = tab ? tab + 1 : end;
    while (p < end) {
        tab = memchr(p, '\t', (size_t)(end - p));
        const char *fe = tab ? tab : end;
        const char *eq = memchr(p, '=', (size_t)(fe - p));
        if (fe > p) {
            if (!eq || eq == p)
                return fact_fail(err, errlen, "a field is not key=value", NULL);
            char *key = vcm_arena_strndup(a, p, (size_t)(eq - p));
            char *value = vcm_arena_strndup(a, eq + 1, (size_t)(fe - eq - 1));
            if (!key || !value)
                return fact_fail(err, errlen, "out of memory", NULL);
            bool known = false;
            for (size_t i = 0; i < VCM_FACT_FIELDS && spec->keys[i]; i++) {
                const char *k = spec->keys[i] + (spec->keys[i][0] == '*');
                known |= strcmp(k, key) == 0;
            }
            if (!known)
                return fact_fail(err, errlen, "unknown key", key);
            if (vcm_fact_get(out, key))
                return fact_fail(err, errlen, "a key given twice:", key);
            if (!value_ok(key, value))
                return fact_fail(err, errlen, "a value it does not take for", key);
            if (out->n == VCM_FACT_FIELDS)
                return fact_fail(err, errlen, "too many fields", NULL);
            out->key[out->n] = key;
            out->value[out->n++] = value;
        }
        p = tab ? tab + 1 : end;
    }
    for (size_t i = 0; i < VCM_FACT_FIELDS && spec->keys[i]; i++)
        if (spec->keys[i][0] == '*' && !vcm_fact_get(out, spec->keys[i] + 1))
            return fact_fail(err, errlen, "missing", spec->keys[i] + 1);
    /* a country partner has its group; an institution has none */
    if (out->kind == VCM_FACT_PARTNER &&
        (strcmp(vcm_fact_get(out, "kind"), "country") == 0) != (vcm_fact_get(out, "group") != NULL))
        return fact_fail(err, errlen, "a country partner needs its group, an institution none",
                         NULL);
    return 1;
}
