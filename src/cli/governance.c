/* vcm governance: the network's governance and meetings from files.
 *
 *   vcm governance load FILE...   a governance facts file (.tsv,
 *                                 data/network/governance.tsv:
 *                                 model/governance.h)
 *
 * Each file is read whole and checked line by line first (a bad line is
 * reported as FILE:LINE: reason and nothing of the file is loaded), then
 * written in one transaction. Loading again changes nothing: bodies and
 * offices are keyed by their names, a rule, a term, a meeting or news the
 * same as one stored is not added twice, a person is found by name before
 * one is made (the count of facts added leaves out bodies and offices,
 * which are written over). Terms are recorded as the documents state them: the rules
 * bind new appointments, not history (store/governance.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/buf.h"
#include "core/text.h"
#include "model/governance.h"
#include "store/governance.h"
#include "store/network.h"
#include "core/banned.h"

#define ACTOR "vcm governance load"
#define FACTS_MAX 4096

struct fact {
    vcm_gov_fact f;
    size_t line;
};

struct load {
    vcm_store *s;
    vcm_arena *a;
    const char *path;
    vcm_museum *museums;
    size_t nmuseums;
    long added, kept;
};

static const char *get(const struct fact *x, const char *name)
{
    return vcm_gov_fact_get(&x->f, name);
}

static int fail(const struct load *l, const struct fact *x, const char *what)
{
    fprintf(stderr, "vcm governance load: %s:%zu: %s\n", l->path, x->line, what);
    return -1;
}

/* The stored museum with this name in any language: its id, or 0. */
static int64_t museum_named(const struct load *l, const char *name)
{
    for (size_t i = 0; name && i < l->nmuseums; i++)
        for (size_t k = 0; k < l->museums[i].names.n; k++)
            if (!strcmp(l->museums[i].names.v[k].text, name))
                return l->museums[i].id;
    return 0;
}

static bool same(const char *a, const char *b)
{
    return !strcmp(a ? a : "", b ? b : "");
}

static int put_body(struct load *l, const struct fact *x)
{
    vcm_gov_body b = {.key = get(x, "key"), .name = get(x, "name"), .source = get(x, "source")};
    return vcm_gov_body_put(l->s, &b) < 0 ? fail(l, x, vcm_store_error(l->s)) : 0;
}

static int body_id(struct load *l, const struct fact *x, int64_t *id)
{
    vcm_gov_body b;
    int r = vcm_gov_body_by_key(l->s, l->a, get(x, "body"), &b);
    if (r < 0)
        return fail(l, x, vcm_store_error(l->s));
    if (r == 0)
        return fail(l, x, "no body has this key (a body line must come first)");
    *id = b.id;
    return 0;
}

static int put_office(struct load *l, const struct fact *x)
{
    vcm_gov_office o = {.kind = get(x, "kind"), .name = get(x, "name"),
                        .pos = atoi(get(x, "pos"))};
    if (body_id(l, x, &o.body_id) < 0)
        return -1;
    return vcm_gov_office_put(l->s, &o) < 0 ? fail(l, x, vcm_store_error(l->s)) : 0;
}

static int put_rule(struct load *l, const struct fact *x)
{
    vcm_gov_rule_row r = {.rule = {0, get(x, "kind"), get(x, "params")},
                          .note = get(x, "note"), .source = get(x, "source")};
    if (body_id(l, x, &r.body_id) < 0)
        return -1;
    vcm_gov_rule_row *rules;
    size_t n;
    if (vcm_gov_rule_list(l->s, l->a, r.body_id, &rules, &n) < 0)
        return fail(l, x, vcm_store_error(l->s));
    for (size_t i = 0; i < n; i++)
        if (same(rules[i].rule.kind, r.rule.kind) && same(rules[i].rule.params, r.rule.params)) {
            l->kept++;
            return 0;
        }
    if (vcm_gov_rule_add(l->s, &r, ACTOR) < 0)
        return fail(l, x, vcm_store_error(l->s));
    l->added++;
    return 0;
}

/* The office named, in any body. */
static int office_named(struct load *l, const struct fact *x, vcm_gov_office *out)
{
    static const char *const bodies[] = {"executive_committee"};
    const char *name = get(x, "office");
    for (size_t b = 0; b < sizeof bodies / sizeof *bodies; b++) {
        vcm_gov_body body;
        vcm_gov_office *os;
        size_t n;
        int r = vcm_gov_body_by_key(l->s, l->a, bodies[b], &body);
        if (r < 0 || (r == 1 && vcm_gov_office_list(l->s, l->a, body.id, &os, &n) < 0))
            return fail(l, x, vcm_store_error(l->s));
        for (size_t i = 0; r == 1 && i < n; i++)
            if (!strcmp(os[i].name, name)) {
                *out = os[i];
                return 0;
            }
    }
    return fail(l, x, "no office has this name (an office line must come first)");
}

/* The person of this name, made when there is none. */
static int person_named(struct load *l, const struct fact *x, int64_t *id)
{
    const char *name = get(x, "person");
    vcm_person *ps;
    size_t n;
    if (vcm_person_list(l->s, l->a, 0, false, &ps, &n) < 0)
        return fail(l, x, vcm_store_error(l->s));
    for (size_t i = 0; i < n; i++)
        if (ps[i].name && !strcmp(ps[i].name, name)) {
            *id = ps[i].id;
            return 0;
        }
    const char *museum = get(x, "museum");
    vcm_person p = {.name = name, .museum_id = museum_named(l, museum),
                    .position = get(x, "position"), .source = get(x, "source"),
                    .demo = same(get(x, "demo"), "yes")};
    if (!p.museum_id)
        p.organization = museum; /* a museum not held: its name still says where */
    if (vcm_person_add(l->s, &p, ACTOR) < 0)
        return fail(l, x, vcm_store_error(l->s));
    *id = p.id;
    return 0;
}

static int put_term(struct load *l, const struct fact *x)
{
    vcm_gov_office o = {0};
    if (office_named(l, x, &o) < 0)
        return -1;
    vcm_gov_appt p = {0};
    p.t.office_id = o.id;
    p.t.org = get(x, "org");
    if (get(x, "person") && person_named(l, x, &p.t.person_id) < 0)
        return -1;
    if (p.t.org)
        p.t.museum_id = museum_named(l, get(x, "museum"));
    p.country = get(x, "country");
    vcm_gdate_parse(get(x, "start"), &p.t.start); /* checked by the parser */
    vcm_gdate_parse(get(x, "end"), &p.t.end);
    p.note = get(x, "note");
    p.source = get(x, "source");
    p.demo = same(get(x, "demo"), "yes");
    vcm_gov_appt *terms;
    size_t n;
    if (vcm_gov_term_list(l->s, l->a, o.body_id, o.id, &terms, &n) < 0)
        return fail(l, x, vcm_store_error(l->s));
    for (size_t i = 0; i < n; i++) {
        const vcm_gov_term *t = &terms[i].t;
        if (t->person_id == p.t.person_id && same(t->org, p.t.person_id ? NULL : p.t.org) &&
            vcm_gdate_first(t->start) == vcm_gdate_first(p.t.start) &&
            vcm_gdate_last(t->end) == vcm_gdate_last(p.t.end)) {
            l->kept++;
            return 0;
        }
    }
    vcm_gov_verdict v;
    if (vcm_gov_appoint(l->s, l->a, &p, true, NULL, ACTOR, &v) < 0)
        return fail(l, x, vcm_store_error(l->s));
    l->added++;
    return 0;
}

static int put_meeting(struct load *l, const struct fact *x, const struct fact *facts,
                       size_t nfacts)
{
    vcm_meeting m = {.kind = get(x, "kind"), .title = get(x, "title"), .start = get(x, "start"),
                     .end = get(x, "end"), .city = get(x, "city"), .country = get(x, "country"),
                     .host = get(x, "host"), .theme = get(x, "theme"),
                     .source = get(x, "source"), .demo = same(get(x, "demo"), "yes")};
    m.number = get(x, "number") ? atoi(get(x, "number")) : 0;
    m.host_museum_id = museum_named(l, m.host);
    vcm_meeting *ms;
    size_t n;
    if (vcm_meeting_list(l->s, l->a, m.kind, &ms, &n) < 0)
        return fail(l, x, vcm_store_error(l->s));
    for (size_t i = 0; i < n; i++)
        if (!strcmp(ms[i].title, m.title))
            m.id = ms[i].id; /* replaced, with its items */
    m.items = vcm_arena_calloc(l->a, nfacts + 1, sizeof *m.items);
    if (!m.items)
        return fail(l, x, "out of memory");
    for (size_t i = 0; i < nfacts; i++)
        if (!strcmp(facts[i].f.kind, "item") && same(get(&facts[i], "meeting"), m.title))
            m.items[m.nitems++] = (vcm_meeting_item){get(&facts[i], "kind"),
                                                     get(&facts[i], "title"),
                                                     get(&facts[i], "who"),
                                                     get(&facts[i], "due"),
                                                     get(&facts[i], "url")};
    bool existed = m.id != 0;
    int rc = vcm_meeting_put(l->s, &m, ACTOR);
    if (rc < 0)
        return fail(l, x, vcm_store_error(l->s));
    if (existed)
        l->kept++;
    else
        l->added++;
    return 0;
}

static int put_news(struct load *l, const struct fact *x)
{
    vcm_news *list;
    size_t n;
    if (vcm_news_list(l->s, l->a, 10000, &list, &n) < 0)
        return fail(l, x, vcm_store_error(l->s));
    for (size_t i = 0; i < n; i++)
        if (!strcmp(list[i].title, get(x, "title"))) {
            l->kept++;
            return 0;
        }
    vcm_news item = {.title = get(x, "title"), .body = get(x, "body"),
                     .source = get(x, "source"), .demo = same(get(x, "demo"), "yes"),
                     .posted_by = ACTOR};
    vcm_gdate d;
    if (get(x, "published") && vcm_gdate_parse(get(x, "published"), &d) == 0 && d.y) {
        struct tm tm = {.tm_year = d.y - 1900, .tm_mon = d.m ? d.m - 1 : 0,
                        .tm_mday = d.d ? d.d : 1, .tm_hour = 12};
        item.published = (int64_t)timegm(&tm);
    }
    if (vcm_news_add(l->s, &item, ACTOR) < 0)
        return fail(l, x, vcm_store_error(l->s));
    l->added++;
    return 0;
}

/* Every item names a meeting of the file. */
static int check_items(const struct load *l, const struct fact *facts, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(facts[i].f.kind, "item"))
            continue;
        bool found = false;
        for (size_t k = 0; k < n && !found; k++)
            found = !strcmp(facts[k].f.kind, "meeting") &&
                    same(get(&facts[k], "title"), get(&facts[i], "meeting"));
        if (!found)
            return fail(l, &facts[i], "no meeting of this file has this title");
    }
    return 0;
}

static int load_file(vcm_store *s, vcm_arena *a, const char *path, bool quiet)
{
    char err[600];
    vcm_buf text;
    vcm_buf_init(&text, 4 << 20);
    int rc = VCM_EXIT_BAD_INPUT;
    struct load l = {.s = s, .a = a, .path = path};
    struct fact *facts = vcm_arena_calloc(a, FACTS_MAX, sizeof *facts);
    size_t n = 0, line = 0;
    if (!facts || vcm_buf_read_file(&text, path, err, sizeof err) < 0) {
        fprintf(stderr, "vcm governance load: %s\n", facts ? err : "out of memory");
        rc = VCM_EXIT_FAIL;
        goto out;
    }
    const char *p = text.data ? text.data : "", *end = p + text.len;
    bool bad = false;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        line++;
        if (n == FACTS_MAX) {
            fprintf(stderr, "vcm governance load: %s:%zu: more than %d facts\n", path, line,
                    FACTS_MAX);
            bad = true;
            break;
        }
        int r = vcm_gov_fact_parse(p, len, a, &facts[n].f, err, sizeof err);
        if (r < 0) {
            fprintf(stderr, "vcm governance load: %s:%zu: %s\n", path, line, err);
            bad = true;
        } else if (r == 1) {
            facts[n++].line = line;
        }
        p += len + (nl != NULL);
    }
    if (bad || check_items(&l, facts, n) < 0)
        goto out;
    if (s->ops->museum_list(s, a, "", &l.museums, &l.nmuseums) < 0) {
        fprintf(stderr, "vcm governance load: %s\n", vcm_store_error(s));
        rc = VCM_EXIT_FAIL;
        goto out;
    }
    if (vcm_store_begin(s) < 0) {
        fprintf(stderr, "vcm governance load: %s\n", vcm_store_error(s));
        rc = VCM_EXIT_FAIL;
        goto out;
    }
    /* parents first, whatever the order of the lines */
    static const char *const order[] = {"body", "office", "rule", "term", "meeting", "news"};
    int w = 0;
    for (size_t o = 0; o < sizeof order / sizeof *order && w == 0; o++)
        for (size_t i = 0; i < n && w == 0; i++) {
            const struct fact *x = &facts[i];
            if (strcmp(x->f.kind, order[o]))
                continue;
            w = !strcmp(order[o], "body")      ? put_body(&l, x)
                : !strcmp(order[o], "office")  ? put_office(&l, x)
                : !strcmp(order[o], "rule")    ? put_rule(&l, x)
                : !strcmp(order[o], "term")    ? put_term(&l, x)
                : !strcmp(order[o], "meeting") ? put_meeting(&l, x, facts, n)
                                               : put_news(&l, x);
        }
    if (w < 0) {
        vcm_store_rollback(s);
        goto out;
    }
    if (vcm_store_commit(s) < 0) {
        fprintf(stderr, "vcm governance load: %s: %s\n", path, vcm_store_error(s));
        rc = VCM_EXIT_FAIL;
        goto out;
    }
    if (!quiet)
        printf("%s: %zu facts, %ld added, %ld already held\n", path, n, l.added, l.kept);
    rc = VCM_EXIT_OK;
out:
    vcm_buf_release(&text);
    return rc;
}

int vcm_cmd_governance(vcm_config *c)
{
    const char *sub = c->argc >= 2 ? c->argv[1] : "";
    if (strcmp(sub, "load") != 0 || c->argc < 3) {
        fprintf(stderr, "vcm governance: usage: vcm governance load FILE...\n");
        return VCM_EXIT_USAGE;
    }
    char err[1024];
    vcm_store *s = vcm_store_open(c->db, err, sizeof err);
    if (!s) {
        fprintf(stderr, "vcm governance: %s\n", err);
        return VCM_EXIT_FAIL;
    }
    int rc = VCM_EXIT_OK;
    for (int i = 2; i < c->argc && rc == VCM_EXIT_OK; i++) {
        vcm_arena a;
        vcm_arena_init(&a, 0);
        rc = load_file(s, &a, c->argv[i], c->quiet);
        vcm_arena_release(&a);
    }
    vcm_store_close(s);
    return rc;
}
