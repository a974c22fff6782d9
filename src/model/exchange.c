/* Offers, requests and their matching (model/exchange.h). */
#include <ctype.h>
#include <string.h>

#include "model/exchange.h"
#include "model/loan.h"
#include "core/banned.h"

const char *vcm_xkind_name(vcm_xkind k)
{
    return k == VCM_X_EDUCATION ? "education" : "placement";
}

int vcm_xkind_parse(const char *s, vcm_xkind *out)
{
    if (s && strcmp(s, "placement") == 0)
        *out = VCM_X_PLACEMENT;
    else if (s && strcmp(s, "education") == 0)
        *out = VCM_X_EDUCATION;
    else
        return -1;
    return 0;
}

static bool blank(const char *v)
{
    return !v || !v[strspn(v, " \t\r\n")];
}

int vcm_xpost_check(const vcm_xpost *p, const char **field, const char **key)
{
    if (blank(p->topic)) {
        *field = "topic";
        *key = "exchange.need.topic";
        return -1;
    }
    if (blank(p->languages)) {
        *field = "languages";
        *key = "exchange.need.languages";
        return -1;
    }
    if (!vcm_loan_date_ok(p->start) || !vcm_loan_date_ok(p->end) ||
        strcmp(p->start, p->end) > 0) {
        *field = "start";
        *key = "exchange.need.dates";
        return -1;
    }
    if (p->group != VCM_REGION_ASIA && p->group != VCM_REGION_EUROPE) {
        *field = "museum_id";
        *key = "exchange.need.partner";
        return -1;
    }
    return 0;
}

/* The next item of a list split at sep (or, for words, at anything not a
 * letter or digit), lower-cased into buf; NULL at the end. */
static const char *next_item(const char **p, bool words, char *buf, size_t size)
{
    const char *s = *p;
    for (;;) {
        while (*s && (words ? !isalnum((unsigned char)*s) && !((unsigned char)*s & 0x80)
                            : (*s == ',' || *s == ';' || isspace((unsigned char)*s))))
            s++;
        if (!*s) {
            *p = s;
            return NULL;
        }
        size_t n = 0;
        while (*s && (words ? isalnum((unsigned char)*s) || ((unsigned char)*s & 0x80)
                            : (*s != ',' && *s != ';'))) {
            if (n + 1 < size)
                buf[n++] = (char)tolower((unsigned char)*s);
            s++;
        }
        while (n && buf[n - 1] == ' ')
            n--;
        buf[n] = '\0';
        *p = s;
        /* short words (of, and, the) say nothing about a topic */
        if (!words || n > 3)
            return buf;
    }
}

static bool has_item(const char *list, const char *item, bool words)
{
    char buf[128];
    const char *p = list ? list : "";
    const char *w;
    while ((w = next_item(&p, words, buf, sizeof buf)))
        if (strcmp(w, item) == 0)
            return true;
    return false;
}

/* The share of the items of a found in b and of b in a, as points of max:
 * max times shared / the larger count. */
static int shared(const char *a, const char *b, bool words, int max)
{
    char buf[128];
    const char *p = a ? a : "";
    const char *w;
    int na = 0, nb = 0, both = 0;
    while ((w = next_item(&p, words, buf, sizeof buf))) {
        na++;
        both += has_item(b, w, words);
    }
    p = b ? b : "";
    while (next_item(&p, words, buf, sizeof buf))
        nb++;
    int most = na > nb ? na : nb;
    if (!most)
        return 0;
    if (both > most)
        both = most;
    return max * both / most;
}

void vcm_xmatch(const vcm_xpost *a, const vcm_xpost *b, vcm_xscore *out)
{
    memset(out, 0, sizeof *out);
    if (a->offer == b->offer)
        out->why_not = "exchange.not.both_offer";
    else if (a->kind != b->kind)
        out->why_not = "exchange.not.kind";
    else if (a->host == b->host)
        out->why_not = "exchange.not.sides";
    else if (a->group == b->group || (a->group != VCM_REGION_ASIA &&
                                      a->group != VCM_REGION_EUROPE) ||
             (b->group != VCM_REGION_ASIA && b->group != VCM_REGION_EUROPE))
        out->why_not = "exchange.not.groups";
    out->eligible = out->why_not == NULL;
    out->topic = shared(a->topic, b->topic, true, 40);
    out->skills = shared(a->skills, b->skills, false, 30);
    out->languages = 0;
    {
        char buf[128];
        const char *p = a->languages ? a->languages : "";
        const char *w;
        while ((w = next_item(&p, false, buf, sizeof buf)))
            if (has_item(b->languages, w, false)) {
                out->languages = 20;
                break;
            }
    }
    out->dates = a->start && a->end && b->start && b->end &&
                         vcm_loan_overlap(a->start, a->end, b->start, b->end)
                     ? 10
                     : 0;
    out->total = out->eligible ? out->topic + out->skills + out->languages + out->dates : 0;
}
