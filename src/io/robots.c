/* robots.txt: see robots.h. Lines are "key: value # comment"; keys are
 * case-insensitive; a group is a run of user-agent lines and the rules after
 * them, until the next user-agent line that follows a rule. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "io/robots.h"
#include "core/banned.h"

static bool key_is(const char *k, size_t n, const char *want)
{
    return strlen(want) == n && strncasecmp(k, want, n) == 0;
}

/* Whether the user-agent value v names our product token: the value's
 * first word, case-insensitive ("VCM/1.0" and "vcm" both name VCM). */
static bool names_agent(const char *v, size_t n, const char *agent)
{
    size_t w = 0;
    while (w < n && (isalnum((unsigned char)v[w]) || v[w] == '-' || v[w] == '_'))
        w++;
    return w > 0 && w == strlen(agent) && strncasecmp(v, agent, w) == 0;
}

/* Seconds, maybe with a fraction, to milliseconds; -1 when not a number. */
static long delay_ms(const char *v, size_t n)
{
    long ms = 0, frac = 0, scale = 1000;
    size_t i = 0;
    if (n == 0 || !isdigit((unsigned char)v[0]))
        return -1;
    for (; i < n && isdigit((unsigned char)v[i]); i++)
        if ((ms = ms * 10 + (v[i] - '0') * 1000) > VCM_ROBOTS_MAX_DELAY_MS)
            return VCM_ROBOTS_MAX_DELAY_MS;
    if (i < n && v[i] == '.')
        for (i++; i < n && isdigit((unsigned char)v[i]); i++)
            if (scale > 1)
                frac += (v[i] - '0') * (scale /= 10);
    return i == n ? ms + frac : -1;
}

int vcm_robots_parse(vcm_robots *r, vcm_arena *a, const char *text, size_t len,
                     const char *agent)
{
    memset(r, 0, sizeof *r);
    r->delay_ms = -1;
    if (len > VCM_ROBOTS_MAX_BYTES)
        len = VCM_ROBOTS_MAX_BYTES;
    /* Two sets: the rules of groups naming us, and of "*" groups. */
    vcm_robots_rule *mine = NULL, *star = NULL;
    size_t nmine = 0, nstar = 0;
    long dmine = -1, dstar = -1;
    bool any_mine = false;
    bool in_agents = false; /* reading the user-agent lines of a group */
    bool g_mine = false, g_star = false;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *eol = p;
        while (eol < end && *eol != '\n' && *eol != '\r')
            eol++;
        const char *line = p, *lend = eol;
        p = eol < end ? eol + 1 : end;
        if ((size_t)(lend - line) > VCM_ROBOTS_MAX_LINE)
            continue; /* no real rule is this long */
        const char *hash = memchr(line, '#', (size_t)(lend - line));
        if (hash)
            lend = hash;
        const char *colon = memchr(line, ':', (size_t)(lend - line));
        if (!colon)
            continue;
        const char *k = line, *ke = colon, *v = colon + 1, *ve = lend;
        while (k < ke && isspace((unsigned char)*k))
            k++;
        while (ke > k && isspace((unsigned char)ke[-1]))
            ke--;
        while (v < ve && isspace((unsigned char)*v))
            v++;
        while (ve > v && isspace((unsigned char)ve[-1]))
            ve--;
        size_t kn = (size_t)(ke - k), vn = (size_t)(ve - v);
        if (key_is(k, kn, "user-agent")) {
            if (!in_agents) {
                g_mine = g_star = false;
                in_agents = true;
            }
            if (vn == 1 && *v == '*')
                g_star = true;
            else if (names_agent(v, vn, agent))
                g_mine = any_mine = true;
            continue;
        }
        bool allow = key_is(k, kn, "allow"), dis = key_is(k, kn, "disallow");
        bool delay = key_is(k, kn, "crawl-delay");
        if (!allow && !dis && !delay)
            continue; /* sitemap and others: not a group's rule */
        in_agents = false;
        if (!g_mine && !g_star)
            continue;
        if (delay) {
            long d = delay_ms(v, vn);
            if (d >= 0 && g_mine)
                dmine = d;
            if (d >= 0 && g_star)
                dstar = d;
            continue;
        }
        if (vn == 0)
            continue; /* "Disallow:" with nothing: no rule */
        const char *pat = vcm_arena_strndup(a, v, vn);
        if (!pat)
            return -1;
        vcm_robots_rule rule = {pat, vn, allow};
        for (int which = 0; which < 2; which++) {
            bool in = which == 0 ? g_mine : g_star;
            vcm_robots_rule **set = which == 0 ? &mine : &star;
            size_t *n = which == 0 ? &nmine : &nstar;
            if (!in || *n >= VCM_ROBOTS_MAX_RULES)
                continue;
            if (*n % 64 == 0) {
                vcm_robots_rule *nv = vcm_arena_alloc(a, (*n + 64) * sizeof *nv);
                if (!nv)
                    return -1;
                if (*n)
                    memcpy(nv, *set, *n * sizeof *nv);
                *set = nv;
            }
            (*set)[(*n)++] = rule;
        }
    }
    if (any_mine) {
        r->rules = mine;
        r->n = nmine;
        r->delay_ms = dmine;
    } else {
        r->rules = star;
        r->n = nstar;
        r->delay_ms = dstar;
    }
    return 0;
}

/* Whether pattern p (n bytes) matches the start of s, or all of it when
 * the pattern ends in '$'. Backtracks only to the last '*', which is enough
 * for patterns where '*' matches any run: linear in practice, at worst the
 * product of the lengths. */
static bool match(const char *p, size_t n, const char *s)
{
    const char *pe = p + n, *star_p = NULL, *star_s = NULL;
    for (;;) {
        if (p == pe)
            return true;
        if (*p == '$' && p + 1 == pe) {
            if (*s == '\0')
                return true;
        } else if (*p == '*') {
            star_p = ++p;
            star_s = s;
            continue;
        } else if (*s && *p == *s) {
            p++;
            s++;
            continue;
        }
        if (!star_p || !*star_s)
            return false;
        p = star_p;
        s = ++star_s;
    }
}

bool vcm_robots_allowed(const vcm_robots *r, const char *path)
{
    if (r->disallow_all)
        return false;
    /* /robots.txt itself is always allowed (RFC 9309 2.2.2) */
    if (strcmp(path, "/robots.txt") == 0)
        return true;
    size_t best = 0;
    bool allowed = true, found = false;
    for (size_t i = 0; i < r->n; i++) {
        const vcm_robots_rule *u = &r->rules[i];
        if (!match(u->pattern, u->len, path))
            continue;
        if (!found || u->len > best || (u->len == best && u->allow)) {
            allowed = u->allow;
            best = u->len;
            found = true;
        }
    }
    return allowed;
}
