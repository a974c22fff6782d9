/* vcm network: the network as data from files.
 *
 *   vcm network load FILE...   a facts file (.tsv, data/network/facts.tsv:
 *                              model/network.h), the ASEM partners table
 *                              (.csv with iso2, name_en, asem_group, joined)
 *                              or a table of museums (.csv with name_en,
 *                              country_code, city, website)
 *   vcm network members        the museums and their current status
 *
 * Loading again changes nothing: partners and figures are replaced, a
 * museum is found by its name (model.h: vcm_museum_name_match) before one
 * is made, a status already current is not recorded twice, a collection
 * of the same name and museum is replaced. Each file goes in one
 * transaction; a bad line is reported as FILE:LINE: reason and the file
 * is not loaded. Facts come from the network's own documents and every
 * one carries its source; a fact marked demo=yes is shown as a demo entry. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/buf.h"
#include "core/text.h"
#include "io/csv.h"
#include "model/country.h"
#include "model/network.h"
#include "store/network.h"
#include "core/banned.h"

#define ACTOR "vcm network load"

/* The country row of code, added from ICU's data when missing. */
static int ensure_country(vcm_store *s, vcm_arena *a, const char *code, char *err, size_t errlen)
{
    vcm_country c;
    int rc = s->ops->country_get(s, a, code, &c);
    if (rc < 0)
        return snprintf(err, errlen, "%s", vcm_store_error(s)), -1;
    if (rc == 1)
        return 0;
    if (vcm_country_from_code(&c, a, code) < 0)
        return snprintf(err, errlen, "'%s' is not a country code", code), -1;
    if (s->ops->country_upsert(s, &c) < 0)
        return snprintf(err, errlen, "%s", vcm_store_error(s)), -1;
    return 0;
}

/* The museum of this name (as vcm_museum_name_match takes it), or 0. */
static int find_museum(vcm_store *s, vcm_arena *a, const char *name, const char *city,
                       int64_t *id)
{
    vcm_museum *all;
    size_t n;
    *id = 0;
    if (s->ops->museum_list(s, a, "", &all, &n) < 0)
        return -1;
    for (size_t i = 0; i < n && !*id; i++)
        for (size_t k = 0; k < all[i].names.n && !*id; k++)
            if (vcm_museum_name_match(all[i].names.v[k].text, name, city))
                *id = all[i].id;
    return 0;
}

/* Finds or makes the museum. */
static int ensure_museum(vcm_store *s, vcm_arena *a, const char *name, const char *country,
                         const char *city, const char *website, int64_t *id, char *err,
                         size_t errlen)
{
    if (find_museum(s, a, name, city, id) < 0)
        return snprintf(err, errlen, "%s", vcm_store_error(s)), -1;
    if (*id)
        return 0;
    if (ensure_country(s, a, country, err, errlen) < 0)
        return -1;
    vcm_museum m = {0};
    if (vcm_ltexts_add(&m.names, a, "en", name) < 0)
        return snprintf(err, errlen, "out of memory"), -1;
    snprintf(m.country, sizeof m.country, "%s", country);
    m.city = city && *city ? city : NULL;
    m.website = website && *website ? website : NULL;
    bool created;
    if (s->ops->museum_ensure(s, &m, &created) < 0)
        return snprintf(err, errlen, "%s", vcm_store_error(s)), -1;
    *id = m.id;
    return 0;
}

static int museum_named(vcm_store *s, vcm_arena *a, const char *name, int64_t *id, char *err,
                        size_t errlen)
{
    if (find_museum(s, a, name, NULL, id) < 0)
        return snprintf(err, errlen, "%s", vcm_store_error(s)), -1;
    if (!*id)
        return snprintf(err, errlen, "no museum is named '%s' (a museum line first)", name), -1;
    return 0;
}

static int apply_fact(vcm_store *s, vcm_arena *a, const vcm_fact *f, char *err, size_t errlen)
{
    const char *source = vcm_fact_get(f, "source");
    const char *demo = vcm_fact_get(f, "demo");
    bool is_demo = demo && strcmp(demo, "yes") == 0;
    int64_t id;
    switch (f->kind) {
    case VCM_FACT_PARTNER: {
        const char *g = vcm_fact_get(f, "group"), *j = vcm_fact_get(f, "joined");
        vcm_partner p = {.code = vcm_fact_get(f, "code"), .name = vcm_fact_get(f, "name"),
                         .institution = strcmp(vcm_fact_get(f, "kind"), "institution") == 0,
                         .group = !g ? VCM_REGION_OTHER
                                  : strcmp(g, "asia") == 0 ? VCM_REGION_ASIA
                                                           : VCM_REGION_EUROPE,
                         .joined = j ? (int)strtol(j, NULL, 10) : 0,
                         .source = source};
        if (vcm_partner_put(s, &p) < 0)
            return snprintf(err, errlen, "%s", vcm_store_error(s)), -1;
        return 0;
    }
    case VCM_FACT_MUSEUM:
        return ensure_museum(s, a, vcm_fact_get(f, "name"), vcm_fact_get(f, "country"),
                             vcm_fact_get(f, "city"), vcm_fact_get(f, "website"), &id, err,
                             errlen);
    case VCM_FACT_MEMBER: {
        if (museum_named(s, a, vcm_fact_get(f, "museum"), &id, err, errlen) < 0)
            return -1;
        vcm_member_event e = {.museum_id = id, .from_date = vcm_fact_get(f, "from"),
                              .reason = vcm_fact_get(f, "reason"), .recorded_by = ACTOR,
                              .demo = is_demo, .source = source};
        vcm_member_state_parse(vcm_fact_get(f, "status"), &e.status);
        vcm_member_event cur;
        int has = vcm_member_current(s, a, id, &cur);
        if (has < 0)
            return snprintf(err, errlen, "%s", vcm_store_error(s)), -1;
        if (has && cur.status == e.status)
            return 0; /* loaded before */
        vcm_refusal why;
        if (vcm_member_record(s, &e, &why) < 0)
            return snprintf(err, errlen, "%s", vcm_store_error(s)), -1;
        return 0;
    }
    case VCM_FACT_FIGURE: {
        vcm_figure fig = {.year = (int)strtol(vcm_fact_get(f, "year"), NULL, 10),
                          .at_start = strcmp(vcm_fact_get(f, "at"), "start") == 0,
                          .members = strtol(vcm_fact_get(f, "members"), NULL, 10),
                          .source = source};
        const char *c = vcm_fact_get(f, "countries");
        fig.countries = c ? strtol(c, NULL, 10) : 0;
        if (vcm_figure_put(s, &fig) < 0)
            return snprintf(err, errlen, "%s", vcm_store_error(s)), -1;
        return 0;
    }
    case VCM_FACT_COLLECTION: {
        if (museum_named(s, a, vcm_fact_get(f, "museum"), &id, err, errlen) < 0)
            return -1;
        vcm_collection c = {.museum_id = id, .name = vcm_fact_get(f, "name"),
                            .scope = vcm_fact_get(f, "scope"), .size = vcm_fact_get(f, "size"),
                            .periods = vcm_fact_get(f, "periods"),
                            .cultures = vcm_fact_get(f, "cultures"),
                            .access = vcm_fact_get(f, "access"), .demo = is_demo,
                            .source = source};
        vcm_collection *have;
        size_t n;
        if (vcm_collection_list(s, a, id, &have, &n) < 0)
            return snprintf(err, errlen, "%s", vcm_store_error(s)), -1;
        for (size_t i = 0; i < n; i++)
            if (strcmp(have[i].name, c.name) == 0)
                c.id = have[i].id;
        if (vcm_collection_put(s, &c, ACTOR) < 0)
            return snprintf(err, errlen, "%s", vcm_store_error(s)), -1;
        return 0;
    }
    case VCM_FACT_KINDS:
        break;
    }
    return -1;
}

static int load_facts(vcm_store *s, vcm_arena *a, const char *path, const vcm_buf *text,
                      long *facts)
{
    const char *p = text->data ? text->data : "", *end = p + text->len;
    char err[600];
    for (long line = 1; p < end; line++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = (size_t)((nl ? nl : end) - p);
        if (len && p[len - 1] == '\r')
            len--;
        vcm_fact f;
        int rc = vcm_fact_parse(p, len, a, &f, err, sizeof err);
        if (rc == 1)
            rc = apply_fact(s, a, &f, err, sizeof err) < 0 ? -1 : 1;
        if (rc < 0) {
            fprintf(stderr, "vcm network load: %s:%ld: %s\n", path, line, err);
            return -1;
        }
        *facts += rc;
        p = nl ? nl + 1 : end;
    }
    return 0;
}

static int column(char **hdr, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(hdr[i], name) == 0)
            return i;
    return -1;
}

static const char *cell(char **row, int n, int col)
{
    return col >= 0 && col < n ? row[col] : "";
}

/* asem-partners.csv (iso2, name_en, asem_group, joined) or a table of
 * museums (name_en, country_code, city, website). */
static int load_csv(vcm_store *s, vcm_arena *a, const char *path, const vcm_buf *text,
                    long *rows)
{
    vcm_csv csv;
    vcm_csv_init(&csv, text->data ? text->data : "", text->len);
    char *hdr[VCM_CSV_MAX_FIELDS], *row[VCM_CSV_MAX_FIELDS];
    char err[600];
    int nh = vcm_csv_next(&csv, a, hdr, err, sizeof err);
    if (nh <= 0) {
        fprintf(stderr, "vcm network load: %s:1: %s\n", path, nh < 0 ? err : "empty file");
        return -1;
    }
    int ciso = column(hdr, nh, "iso2"), cname = column(hdr, nh, "name_en");
    int cgroup = column(hdr, nh, "asem_group"), cjoined = column(hdr, nh, "joined");
    int ccountry = column(hdr, nh, "country_code"), ccity = column(hdr, nh, "city");
    int cweb = column(hdr, nh, "website");
    bool partners = ciso >= 0 && cname >= 0 && cgroup >= 0;
    if (!partners && (cname < 0 || ccountry < 0)) {
        fprintf(stderr, "vcm network load: %s:1: neither a table of partners (iso2, name_en, "
                        "asem_group, joined) nor of museums (name_en, country_code)\n", path);
        return -1;
    }
    for (;;) {
        size_t line = csv.line;
        int n = vcm_csv_next(&csv, a, row, err, sizeof err);
        if (n == 0)
            break;
        if (n < 0) {
            fprintf(stderr, "vcm network load: %s:%zu: %s\n", path, line, err);
            return -1;
        }
        const char *why = NULL;
        if (partners) {
            const char *g = cell(row, n, cgroup), *j = cell(row, n, cjoined);
            vcm_partner p = {.code = cell(row, n, ciso), .name = cell(row, n, cname),
                             .joined = (int)strtol(j, NULL, 10),
                             .source = "asem-partners.csv (the ASEM partners and the year of "
                                       "the first summit each attended)"};
            if (strcmp(g, "Asia") == 0)
                p.group = VCM_REGION_ASIA;
            else if (strcmp(g, "Europe") == 0)
                p.group = VCM_REGION_EUROPE;
            else
                why = "asem_group is Asia or Europe";
            if (!why && (strlen(p.code) != 2 || p.code[0] < 'A' || p.code[0] > 'Z' ||
                         p.code[1] < 'A' || p.code[1] > 'Z'))
                why = "iso2 is a two-letter code in capitals";
            if (!why && (p.joined < 1996 || p.joined > 2999))
                why = "joined is a year from 1996";
            if (!why && vcm_partner_put(s, &p) < 0)
                why = vcm_store_error(s);
        } else {
            int64_t id;
            const char *country = cell(row, n, ccountry);
            if (!*cell(row, n, cname) || strlen(country) != 2)
                why = "a museum needs name_en and a two-letter country_code";
            else if (ensure_museum(s, a, cell(row, n, cname), country, cell(row, n, ccity),
                                   cell(row, n, cweb), &id, err, sizeof err) < 0)
                why = err;
        }
        if (why) {
            fprintf(stderr, "vcm network load: %s:%zu: %s\n", path, line, why);
            return -1;
        }
        (*rows)++;
    }
    return 0;
}

static int cmd_load(vcm_store *s, vcm_config *c)
{
    if (c->argc < 3) {
        fprintf(stderr, "vcm network: usage: vcm network load FILE...\n");
        return VCM_EXIT_USAGE;
    }
    int rc = VCM_EXIT_OK;
    for (int i = 2; i < c->argc; i++) {
        const char *path = c->argv[i];
        size_t len = strlen(path);
        bool is_csv = len > 4 && strcmp(path + len - 4, ".csv") == 0;
        vcm_arena a;
        vcm_arena_init(&a, 0);
        vcm_buf text;
        vcm_buf_init(&text, 4 << 20);
        char err[600];
        long n = 0;
        if (vcm_read_text_file(&text, path, err, sizeof err) < 0) {
            fprintf(stderr, "vcm network load: %s\n", err);
            rc = VCM_EXIT_FAIL;
        } else if (vcm_store_begin(s) < 0) {
            fprintf(stderr, "vcm network load: %s\n", vcm_store_error(s));
            rc = VCM_EXIT_FAIL;
        } else if ((is_csv ? load_csv(s, &a, path, &text, &n)
                           : load_facts(s, &a, path, &text, &n)) < 0) {
            vcm_store_rollback(s);
            rc = rc == VCM_EXIT_OK ? VCM_EXIT_BAD_INPUT : rc;
        } else if (vcm_store_commit(s) < 0) {
            fprintf(stderr, "vcm network load: %s\n", vcm_store_error(s));
            vcm_store_rollback(s);
            rc = VCM_EXIT_FAIL;
        } else {
            printf("%s: %ld %s loaded\n", path, n, is_csv ? "rows" : "facts");
        }
        vcm_buf_release(&text);
        vcm_arena_release(&a);
    }
    return rc;
}

static int cmd_members(vcm_store *s)
{
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_member_row *rows;
    size_t n;
    int rc = VCM_EXIT_OK;
    if (vcm_member_list(s, &a, VCM_MS_NONE, "", VCM_REGION_OTHER, &rows, &n) < 0) {
        fprintf(stderr, "vcm network members: %s\n", vcm_store_error(s));
        rc = VCM_EXIT_FAIL;
    } else {
        for (size_t i = 0; i < n; i++) {
            const vcm_ltext *name = vcm_ltexts_pick(&rows[i].museum.names, "en");
            printf("%lld\t%s\t%s\t%s\t%s%s\n", (long long)rows[i].museum.id,
                   name ? name->text : "", rows[i].museum.country,
                   vcm_member_state_name(rows[i].current.status),
                   rows[i].current.from_date ? rows[i].current.from_date : "",
                   rows[i].current.demo ? "\tdemo" : "");
        }
    }
    vcm_arena_release(&a);
    return rc;
}

int vcm_cmd_network(vcm_config *c)
{
    const char *sub = c->argc >= 2 ? c->argv[1] : "";
    if (strcmp(sub, "load") != 0 && strcmp(sub, "members") != 0) {
        fprintf(stderr, "vcm network: expected load or members (see vcm help)\n");
        return VCM_EXIT_USAGE;
    }
    char err[1024];
    vcm_store *s = vcm_store_open(c->db, err, sizeof err);
    if (!s) {
        fprintf(stderr, "vcm network: %s\n", err);
        return VCM_EXIT_FAIL;
    }
    int rc = strcmp(sub, "load") == 0 ? cmd_load(s, c) : cmd_members(s);
    vcm_store_close(s);
    return rc;
}
