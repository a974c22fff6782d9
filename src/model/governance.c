/* Governance rules held against a proposed term of office (model/governance.h).
 *
 * Design: a rule is text (kind, "name=value …"), read again at every check
 * rather than compiled once, because the rules are few (a handful) and a
 * check runs once per appointment; reading them here keeps the stored form
 * the only form. Time is compared on day ordinals (y*10000+m*100+d), which
 * order days without counting them: nothing here needs a length in days. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/text.h"
#include "model/governance.h"
#include "core/banned.h"

const char *vcm_group_name(vcm_group g)
{
    return g == VCM_GROUP_ASIA ? "asia" : g == VCM_GROUP_EUROPE ? "europe" : "";
}

int vcm_group_parse(const char *s, vcm_group *out)
{
    if (!s)
        return -1;
    if (!strcmp(s, "asia") || !strcmp(s, "Asia"))
        *out = VCM_GROUP_ASIA;
    else if (!strcmp(s, "europe") || !strcmp(s, "Europe"))
        *out = VCM_GROUP_EUROPE;
    else
        return -1;
    return 0;
}

/* ---- dates ------------------------------------------------------------------- */

static int month_days(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int vcm_gdate_parse(const char *s, vcm_gdate *out)
{
    memset(out, 0, sizeof *out);
    if (!s || !*s)
        return 0;
    size_t len = strlen(s);
    if (len != 4 && len != 7 && len != 10)
        return -1;
    int y = digits(s, 4), m = 0, d = 0;
    if (y < 1000)
        return -1;
    if (len >= 7) {
        if (s[4] != '-' || (m = digits(s + 5, 2)) < 1 || m > 12)
            return -1;
    }
    if (len == 10) {
        if (s[7] != '-' || (d = digits(s + 8, 2)) < 1 || d > month_days(y, m))
            return -1;
    }
    out->y = y;
    out->m = m;
    out->d = d;
    return 0;
}

void vcm_gdate_format(vcm_gdate d, char out[11])
{
    unsigned y = (unsigned)d.y % 10000, m = (unsigned)d.m % 100, dd = (unsigned)d.d % 100;
    if (!d.y)
        out[0] = 0;
    else if (!d.m)
        snprintf(out, 11, "%04u", y);
    else if (!d.d)
        snprintf(out, 11, "%04u-%02u", y, m);
    else
        snprintf(out, 11, "%04u-%02u-%02u", y, m, dd);
}

int64_t vcm_gdate_first(vcm_gdate d)
{
    if (!d.y)
        return INT64_MIN;
    return (int64_t)d.y * 10000 + (d.m ? d.m : 1) * 100 + (d.d ? d.d : 1);
}

int64_t vcm_gdate_last(vcm_gdate d)
{
    if (!d.y)
        return INT64_MAX;
    int m = d.m ? d.m : 12;
    return (int64_t)d.y * 10000 + m * 100 + (d.d ? d.d : month_days(d.y, m));
}

bool vcm_office_kind_ok(const char *k)
{
    static const char *const kinds[] = {VCM_OFFICE_KINDS};
    for (size_t i = 0; k && i < sizeof kinds / sizeof *kinds; i++)
        if (!strcmp(k, kinds[i]))
            return true;
    return false;
}

/* ---- parameters ---------------------------------------------------------------- */

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || c == '_';
}

static bool value_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == ',' || c == '/' || c == '.' || c == '-';
}

int vcm_gov_param(const char *params, const char *name, char *out, size_t size)
{
    if (size)
        out[0] = 0;
    if (!params)
        return 0;
    size_t nlen = strlen(name);
    int found = 0;
    const char *p = params;
    while (*p) {
        const char *n = p;
        while (name_char(*p))
            p++;
        if (p == n || *p != '=')
            return -1;
        size_t len = (size_t)(p - n);
        const char *v = ++p;
        while (value_char(*p))
            p++;
        if (p == v || (*p && *p != ' '))
            return -1;
        if (len == nlen && !memcmp(n, name, len)) {
            if (found || (size_t)(p - v) >= size)
                return -1; /* a name given twice is ambiguous */
            memcpy(out, v, (size_t)(p - v));
            out[p - v] = 0;
            found = 1;
        }
        if (*p == ' ' && !*++p)
            return -1;
    }
    return found;
}

bool vcm_gov_list_has(const char *list, const char *item)
{
    size_t ilen = strlen(item);
    for (const char *p = list; p && *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == ilen && !memcmp(p, item, len))
            return true;
        p = e ? e + 1 : p + len;
    }
    return false;
}

/* Whether every name of params is one of allowed (a NULL-ended list). */
static bool only_params(const char *params, const char *const *allowed)
{
    for (const char *p = params; p && *p;) {
        const char *e = strchr(p, '=');
        if (!e)
            return false;
        bool ok = false;
        for (size_t i = 0; allowed[i]; i++)
            if (strlen(allowed[i]) == (size_t)(e - p) && !memcmp(p, allowed[i], (size_t)(e - p)))
                ok = true;
        if (!ok)
            return false;
        const char *sp = strchr(e, ' ');
        p = sp ? sp + 1 : e + strlen(e);
    }
    return true;
}

static bool kinds_list_ok(const char *list)
{
    char one[32];
    if (!*list)
        return false;
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == 0 || len >= sizeof one)
            return false;
        memcpy(one, p, len);
        one[len] = 0;
        if (!vcm_office_kind_ok(one))
            return false;
        p = e ? e + 1 : p + len;
    }
    return true;
}

/* A number of one to three digits, or -1. */
static int small_int(const char *s)
{
    size_t len = strlen(s);
    if (len < 1 || len > 3 || strspn(s, "0123456789") != len)
        return -1;
    return (int)strtol(s, NULL, 10);
}

/* "N/D" with 1 <= N <= D <= 100. */
static int fraction(const char *s, int *num, int *den)
{
    int n = 0, d = 0;
    const char *p = s;
    while (*p >= '0' && *p <= '9' && n <= 100)
        n = n * 10 + (*p++ - '0');
    if (p == s || *p++ != '/')
        return -1;
    const char *q = p;
    while (*p >= '0' && *p <= '9' && d <= 100)
        d = d * 10 + (*p++ - '0');
    if (p == q || *p || n < 1 || d > 100 || n > d)
        return -1;
    *num = n;
    *den = d;
    return 0;
}

#define WHY(...) (snprintf(why, why_size, __VA_ARGS__), -1)

int vcm_gov_rule_valid(const vcm_gov_rule *r, char *why, size_t why_size)
{
    char v[256];
    const char *k = r->kind ? r->kind : "";
    if (vcm_gov_param(r->params, "_", v, sizeof v) < 0)
        return WHY("rule %s: parameters are not name=value separated by spaces", k);
    if (!strcmp(k, "term_length")) {
        static const char *const ok[] = {"years", "offices", NULL};
        int years;
        if (vcm_gov_param(r->params, "years", v, sizeof v) != 1 ||
            (years = small_int(v)) < 1 || years > 50)
            return WHY("rule term_length needs years=N (1 to 50)");
        int has = vcm_gov_param(r->params, "offices", v, sizeof v);
        if (has < 0 || (has == 1 && !kinds_list_ok(v)))
            return WHY("rule term_length: offices must list kinds of office");
        if (!only_params(r->params, ok))
            return WHY("rule term_length takes years and offices only");
    } else if (!strcmp(k, "different_groups")) {
        static const char *const ok[] = {"offices", NULL};
        if (vcm_gov_param(r->params, "offices", v, sizeof v) != 1 || !kinds_list_ok(v) ||
            !strchr(v, ','))
            return WHY("rule different_groups needs offices=a,b (two kinds of office or more)");
        if (!only_params(r->params, ok))
            return WHY("rule different_groups takes offices only");
    } else if (!strcmp(k, "alternation")) {
        static const char *const ok[] = {"office", NULL};
        if (vcm_gov_param(r->params, "office", v, sizeof v) != 1 || !vcm_office_kind_ok(v))
            return WHY("rule alternation needs office=KIND");
        if (!only_params(r->params, ok))
            return WHY("rule alternation takes office only");
    } else if (!strcmp(k, "permanent_seat")) {
        static const char *const ok[] = {"holder", NULL};
        if (vcm_gov_param(r->params, "holder", v, sizeof v) != 1)
            return WHY("rule permanent_seat needs holder=ORGANIZATION");
        if (!only_params(r->params, ok))
            return WHY("rule permanent_seat takes holder only");
    } else if (!strcmp(k, "one_office_per_person")) {
        if (r->params && *r->params)
            return WHY("rule one_office_per_person takes no parameters");
    } else if (!strcmp(k, "voters")) {
        static const char *const ok[] = {"who", NULL};
        if (vcm_gov_param(r->params, "who", v, sizeof v) != 1 ||
            (strcmp(v, "committee") && strcmp(v, "members")))
            return WHY("rule voters needs who=committee or who=members");
        if (!only_params(r->params, ok))
            return WHY("rule voters takes who only");
    } else if (!strcmp(k, "quorum")) {
        static const char *const ok[] = {"present", NULL};
        int num, den;
        if (vcm_gov_param(r->params, "present", v, sizeof v) != 1 || fraction(v, &num, &den) < 0)
            return WHY("rule quorum needs present=N/D (1 <= N <= D <= 100)");
        if (!only_params(r->params, ok))
            return WHY("rule quorum takes present only");
    } else {
        return WHY("unknown kind of rule '%.64s'", k);
    }
    return 0;
}

/* ---- the check ------------------------------------------------------------------- */

/* A term's days as the rules read them (governance.h): [lo, hi], both
 * inclusive. Returns false for a term with no known bound. */
static bool span(const vcm_gov_term *t, const vcm_gov_term *terms, size_t nterms,
                 int64_t *lo, int64_t *hi)
{
    if (!t->start.y && !t->end.y) {
        /* a permanent seat with no end is held, from whenever it began */
        if (t->office_kind && !strcmp(t->office_kind, "permanent_seat")) {
            *lo = INT64_MIN;
            *hi = INT64_MAX;
            return true;
        }
        return false;
    }
    *lo = vcm_gdate_first(t->start);
    *hi = vcm_gdate_last(t->end);
    if (!t->end.y && t->start.y) {
        /* until the next term of the same office starts */
        for (size_t i = 0; i < nterms; i++) {
            const vcm_gov_term *o = &terms[i];
            if (o == t || o->office_id != t->office_id || !o->start.y)
                continue;
            int64_t s = vcm_gdate_first(o->start);
            if (s > *lo && s - 1 < *hi)
                *hi = s - 1;
        }
    }
    return true;
}

static bool overlap(int64_t alo, int64_t ahi, int64_t blo, int64_t bhi)
{
    return alo <= bhi && blo <= ahi;
}

/* The day before d (full dates only). */
static vcm_gdate day_before(vcm_gdate d)
{
    if (d.d > 1) {
        d.d--;
    } else if (d.m > 1) {
        d.m--;
        d.d = month_days(d.y, d.m);
    } else {
        d.y--;
        d.m = 12;
        d.d = 31;
    }
    return d;
}

/* Whether [start, end] is `years` long as governance.h says. */
static bool lasts(vcm_gdate start, vcm_gdate end, int years)
{
    if (!start.y || !end.y)
        return false;
    vcm_gdate want = {start.y + years, start.m, start.d};
    if (!start.m || !end.m)
        return end.y == want.y;
    if (!start.d || !end.d) {
        vcm_gdate prev = {want.m > 1 ? want.y : want.y - 1, want.m > 1 ? want.m - 1 : 12, 0};
        return (end.y == want.y && end.m == want.m) || (end.y == prev.y && end.m == prev.m);
    }
    if (want.m == 2 && want.d == 29 && month_days(want.y, 2) == 28)
        want.d = 28;
    vcm_gdate before = day_before(want);
    return (end.y == want.y && end.m == want.m && end.d == want.d) ||
           (end.y == before.y && end.m == before.m && end.d == before.d);
}

static void add(vcm_gov_breach *out, size_t max, size_t *n, size_t rule, const char *why)
{
    for (size_t i = 0; i < *n && i < max; i++)
        if (out[i].rule == rule && !strcmp(out[i].why, why))
            return;
    if (*n < max) {
        out[*n].rule = rule;
        out[*n].why = why;
    }
    (*n)++;
}

int vcm_gov_check(const vcm_gov_rule *rules, size_t nrules, const vcm_gov_term *terms,
                  size_t nterms, const vcm_gov_term *p, vcm_gov_breach *out, size_t max,
                  size_t *n)
{
    char v[256], why[160];
    *n = 0;
    const char *kind = p->office_kind ? p->office_kind : "";
    int64_t plo = vcm_gdate_first(p->start), phi = vcm_gdate_last(p->end);
    for (size_t r = 0; r < nrules; r++) {
        const vcm_gov_rule *rule = &rules[r];
        if (vcm_gov_rule_valid(rule, why, sizeof why) < 0) {
            if (max) {
                out[0].rule = r;
                out[0].why = "gov.breach.malformed";
            }
            *n = 1;
            return -1;
        }
        const char *k = rule->kind;
        if (!strcmp(k, "term_length")) {
            int has = vcm_gov_param(rule->params, "offices", v, sizeof v);
            bool applies = has == 1 ? vcm_gov_list_has(v, kind)
                                    : strcmp(kind, "permanent_seat") != 0;
            vcm_gov_param(rule->params, "years", v, sizeof v);
            if (applies && !lasts(p->start, p->end, small_int(v)))
                add(out, max, n, r, "gov.breach.term_length");
        } else if (!strcmp(k, "different_groups")) {
            vcm_gov_param(rule->params, "offices", v, sizeof v);
            if (!vcm_gov_list_has(v, kind))
                continue;
            for (size_t i = 0; i < nterms; i++) {
                const vcm_gov_term *t = &terms[i];
                int64_t lo, hi;
                if (!t->office_kind || !strcmp(t->office_kind, kind) ||
                    !vcm_gov_list_has(v, t->office_kind) || !span(t, terms, nterms, &lo, &hi) ||
                    !overlap(plo, phi, lo, hi))
                    continue;
                if (p->group == VCM_GROUP_UNKNOWN)
                    add(out, max, n, r, "gov.breach.group_unknown");
                else if (t->group == p->group)
                    add(out, max, n, r, "gov.breach.same_group");
            }
        } else if (!strcmp(k, "alternation")) {
            vcm_gov_param(rule->params, "office", v, sizeof v);
            if (strcmp(v, kind))
                continue;
            const vcm_gov_term *prev = NULL;
            for (size_t i = 0; i < nterms; i++) {
                const vcm_gov_term *t = &terms[i];
                if (t->office_id != p->office_id || !t->start.y ||
                    vcm_gdate_first(t->start) >= plo)
                    continue;
                if (!prev || vcm_gdate_first(t->start) > vcm_gdate_first(prev->start))
                    prev = t;
            }
            if (!prev || prev->group == VCM_GROUP_UNKNOWN)
                continue; /* nothing known to alternate from */
            if (p->group == VCM_GROUP_UNKNOWN)
                add(out, max, n, r, "gov.breach.group_unknown");
            else if (p->group == prev->group)
                add(out, max, n, r, "gov.breach.not_alternating");
        } else if (!strcmp(k, "permanent_seat")) {
            if (strcmp(kind, "permanent_seat"))
                continue;
            vcm_gov_param(rule->params, "holder", v, sizeof v);
            if (p->person_id || !p->org || strcmp(p->org, v))
                add(out, max, n, r, "gov.breach.permanent_holder");
            if (p->end.y)
                add(out, max, n, r, "gov.breach.permanent_end");
            for (size_t i = 0; i < nterms; i++) {
                int64_t lo, hi;
                if (terms[i].office_kind && !strcmp(terms[i].office_kind, "permanent_seat") &&
                    span(&terms[i], terms, nterms, &lo, &hi) && overlap(plo, phi, lo, hi))
                    add(out, max, n, r, "gov.breach.permanent_taken");
            }
        } else if (!strcmp(k, "one_office_per_person")) {
            if (!p->person_id)
                continue;
            for (size_t i = 0; i < nterms; i++) {
                const vcm_gov_term *t = &terms[i];
                int64_t lo, hi;
                if (t->person_id == p->person_id && t->office_id != p->office_id &&
                    span(t, terms, nterms, &lo, &hi) && overlap(plo, phi, lo, hi))
                    add(out, max, n, r, "gov.breach.two_offices");
            }
        }
    }
    if (*n > max)
        *n = max;
    return 0;
}

bool vcm_gov_holds(const vcm_gov_term *terms, size_t nterms, int64_t person_id, vcm_gdate day)
{
    int64_t lo, hi;
    for (size_t i = 0; person_id && i < nterms; i++)
        if (terms[i].person_id == person_id && span(&terms[i], terms, nterms, &lo, &hi) &&
            overlap(vcm_gdate_first(day), vcm_gdate_last(day), lo, hi))
            return true;
    return false;
}

int vcm_gov_may_vote(const vcm_gov_rule *rules, size_t nrules, bool committee, bool member)
{
    char v[32], why[160];
    for (size_t r = 0; r < nrules; r++) {
        if (strcmp(rules[r].kind ? rules[r].kind : "", "voters"))
            continue;
        if (vcm_gov_rule_valid(&rules[r], why, sizeof why) < 0)
            return -1;
        vcm_gov_param(rules[r].params, "who", v, sizeof v);
        return !strcmp(v, "committee") ? committee : member;
    }
    return member;
}

int vcm_gov_quorum(const vcm_gov_rule *rules, size_t nrules, int64_t members, int64_t present)
{
    char v[32], why[160];
    int num = 1, den = 2;
    bool strict = true; /* the default: more than half */
    for (size_t r = 0; r < nrules; r++) {
        if (strcmp(rules[r].kind ? rules[r].kind : "", "quorum"))
            continue;
        if (vcm_gov_rule_valid(&rules[r], why, sizeof why) < 0)
            return -1;
        vcm_gov_param(rules[r].params, "present", v, sizeof v);
        fraction(v, &num, &den);
        strict = false;
        break;
    }
    if (members <= 0 || present < 0)
        return 0;
    /* present/members >= num/den, without division */
    return strict ? present * den > members * num : present * den >= members * num;
}

/* ---- the facts file ------------------------------------------------------------- */

static const struct {
    const char *kind;
    const char *names;    /* allowed, space-separated */
    const char *required; /* space-separated; "a|b": one of them */
} fact_kinds[] = {
    {"body", "key name source", "key name"},
    {"office", "body kind name pos source", "body kind name pos"},
    {"rule", "body kind params note source", "body kind"},
    {"term", "office person org position museum country start end note source demo",
     "office person|org source"},
    {"meeting", "kind number title start end city country host theme source demo",
     "kind title source"},
    {"item", "meeting kind title who due url", "meeting kind title"},
    {"news", "title body published source demo", "title body source"},
};

/* Whether word (len bytes) is one of the space-separated list. */
static bool in_words(const char *list, const char *word, size_t len)
{
    for (const char *p = list; *p;) {
        size_t n = strcspn(p, " |");
        if (n == len && !memcmp(p, word, len))
            return true;
        p += n;
        p += *p != 0;
    }
    return false;
}

const char *vcm_gov_fact_get(const vcm_gov_fact *f, const char *name)
{
    for (size_t i = 0; i < f->n; i++)
        if (!strcmp(f->name[i], name))
            return f->value[i];
    return NULL;
}

#define FAIL(...) (snprintf(err, errlen, __VA_ARGS__), -1)

static int fact_value_ok(const vcm_gov_fact *f, const char *name, const char *v, char *err,
                         size_t errlen)
{
    vcm_gdate d;
    if (!strcmp(name, "start") || !strcmp(name, "end") || !strcmp(name, "due") ||
        !strcmp(name, "published")) {
        if (vcm_gdate_parse(v, &d) < 0)
            return FAIL("%s: '%.40s' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)", name, v);
    } else if (!strcmp(name, "demo")) {
        if (strcmp(v, "yes") && strcmp(v, "no"))
            return FAIL("demo: yes or no");
    } else if (!strcmp(name, "pos") || !strcmp(name, "number")) {
        if (small_int(v) < 1)
            return FAIL("%s: a number from 1 to 999", name);
    } else if (!strcmp(name, "country")) {
        if (strlen(v) != 2 || v[0] < 'A' || v[0] > 'Z' || v[1] < 'A' || v[1] > 'Z')
            return FAIL("country: two capital letters (ISO 3166-1)");
    } else if (!strcmp(name, "kind")) {
        static const char *const meeting[] = {"general_conference", "executive_committee"};
        static const char *const item[] = {"session", "agenda", "document", "decision"};
        bool ok = false;
        if (!strcmp(f->kind, "office"))
            ok = vcm_office_kind_ok(v);
        else if (!strcmp(f->kind, "rule"))
            ok = true; /* checked with its parameters */
        else if (!strcmp(f->kind, "meeting"))
            ok = !strcmp(v, meeting[0]) || !strcmp(v, meeting[1]);
        else
            for (size_t i = 0; i < 4; i++)
                ok |= !strcmp(v, item[i]);
        if (!ok)
            return FAIL("kind: '%.40s' is not a kind of %s", v, f->kind);
    }
    return 0;
}

int vcm_gov_fact_parse(const char *line, size_t len, struct vcm_arena *a, vcm_gov_fact *out,
                       char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (vcm_utf8_check(line, len) != len)
        return FAIL("not UTF-8");
    size_t i = 0;
    while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
        i++;
    if (i == len || line[i] == '#')
        return 0;
    const char *end = line + len;
    const char *p = line;
    size_t klen = strcspn(p, "\t");
    if (klen > (size_t)(end - p))
        klen = (size_t)(end - p);
    size_t k;
    for (k = 0; k < sizeof fact_kinds / sizeof *fact_kinds; k++)
        if (strlen(fact_kinds[k].kind) == klen && !memcmp(p, fact_kinds[k].kind, klen))
            break;
    if (k == sizeof fact_kinds / sizeof *fact_kinds)
        return FAIL("unknown kind of fact '%.*s'", (int)(klen > 40 ? 40 : klen), p);
    out->kind = fact_kinds[k].kind;
    p += klen;
    while (p < end) {
        p++; /* the tab */
        const char *f = p;
        while (p < end && *p != '\t')
            p++;
        size_t flen = (size_t)(p - f);
        while (flen && (f[flen - 1] == '\r' || f[flen - 1] == ' '))
            flen--;
        if (!flen)
            continue;
        const char *eq = memchr(f, '=', flen);
        if (!eq || eq == f)
            return FAIL("'%.*s' is not name=value", (int)(flen > 40 ? 40 : flen), f);
        size_t nlen = (size_t)(eq - f);
        if (!in_words(fact_kinds[k].names, f, nlen))
            return FAIL("a %s takes no '%.*s'", out->kind, (int)(nlen > 40 ? 40 : nlen), f);
        if (out->n == VCM_GOV_FACT_FIELDS)
            return FAIL("too many fields");
        char *name = vcm_arena_strndup(a, f, nlen);
        char *value = vcm_arena_strndup(a, eq + 1, flen - nlen - 1);
        if (!name || !value)
            return FAIL("out of memory");
        if (vcm_gov_fact_get(out, name))
            return FAIL("'%s' given twice", name);
        if (!*value)
            return FAIL("'%s' is empty", name);
        if (fact_value_ok(out, name, value, err, errlen) < 0)
            return -1;
        out->name[out->n] = name;
        out->value[out->n++] = value;
    }
    /* required names; "a|b": exactly one of them */
    for (const char *r = fact_kinds[k].required; *r;) {
        size_t n = strcspn(r, " ");
        char one[32];
        if (n >= sizeof one)
            return FAIL("internal: a required name is too long");
        memcpy(one, r, n);
        one[n] = 0;
        char *bar = strchr(one, '|');
        if (bar) {
            *bar = 0;
            if (!vcm_gov_fact_get(out, one) == !vcm_gov_fact_get(out, bar + 1))
                return FAIL("a %s needs %s or %s, not both", out->kind, one, bar + 1);
        } else if (!vcm_gov_fact_get(out, one)) {
            return FAIL("a %s needs %s", out->kind, one);
        }
        r += n;
        r += *r != 0;
    }
    if (!strcmp(out->kind, "rule")) {
        vcm_gov_rule rule = {0, vcm_gov_fact_get(out, "kind"), vcm_gov_fact_get(out, "params")};
        char why[160];
        if (vcm_gov_rule_valid(&rule, why, sizeof why) < 0)
            return FAIL("%s", why);
    }
    return 1;
}
