#include "io/csv.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/text.h"
#include "model/country.h"
#include "core/banned.h"

void vcm_csv_init(vcm_csv *c, const char *text, size_t len)
{
    c->p = text;
    c->end = text + len;
    c->line = 1;
    /* a UTF-8 byte order mark is not part of the first field */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        c->p += 3;
}

int vcm_csv_next(vcm_csv *c, vcm_arena *a, char **fields, char *err, size_t errlen)
{
    if (c->p >= c->end)
        return 0;
    vcm_buf f;
    vcm_buf_init(&f, 1 << 20);
    int n = 0, rc = -1;
    size_t lines = 0;
    const char *p = c->p;
    for (;;) {
        vcm_buf_reset(&f);
        if (p < c->end && *p == '"') {
            p++;
            for (;;) {
                if (p >= c->end) {
                    snprintf(err, errlen, "a quoted field is not closed");
                    goto out;
                }
                if (*p == '"') {
                    if (p + 1 < c->end && p[1] == '"') {
                        vcm_buf_putc(&f, '"');
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                if (*p == '\n')
                    lines++;
                vcm_buf_putc(&f, *p++);
            }
            if (p < c->end && *p != ',' && *p != '\n' && *p != '\r') {
                snprintf(err, errlen, "text after a closing quote");
                goto out;
            }
        } else {
            while (p < c->end && *p != ',' && *p != '\n' && *p != '\r')
                vcm_buf_putc(&f, *p++);
        }
        if (f.toobig) {
            snprintf(err, errlen, "a field is longer than 1 MiB");
            goto out;
        }
        if (n == VCM_CSV_MAX_FIELDS) {
            snprintf(err, errlen, "more than %d fields", VCM_CSV_MAX_FIELDS);
            goto out;
        }
        fields[n] = vcm_arena_strndup(a, f.data ? f.data : "", f.len);
        if (!fields[n]) {
            snprintf(err, errlen, "out of memory");
            goto out;
        }
        n++;
        if (p < c->end && *p == ',') {
            p++;
            continue;
        }
        if (p < c->end && *p == '\r')
            p++;
        if (p < c->end && *p == '\n')
            p++;
        lines++;
        break;
    }
    rc = n;
out:
    if (rc < 0) {
        /* skip to the next line so that the caller can go on */
        while (p < c->end && *p != '\n')
            p++;
        if (p < c->end)
            p++;
        lines++;
    }
    c->p = p;
    c->line += lines;
    vcm_buf_release(&f);
    return rc;
}

static int column(char **hdr, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(hdr[i], name) == 0)
            return i;
    return -1;
}

int vcm_import_countries_csv(vcm_store *s, const char *path, void *report, vcm_csv_stats *st,
                             char *err, size_t errlen)
{
    FILE *rep = report ? report : stderr;
    memset(st, 0, sizeof *st);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
        return -1;
    }
    vcm_buf text;
    vcm_buf_init(&text, 16 << 20);
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (vcm_buf_append(&text, chunk, got) < 0)
            break;
    int bad_read = ferror(f);
    fclose(f);
    vcm_arena a;
    vcm_arena_init(&a, 0);
    int rc = -1, in_tx = 0;
    if (bad_read || text.toobig) {
        snprintf(err, errlen, "cannot read '%s' (a country table is at most 16 MiB)", path);
        goto out;
    }
    size_t bad = vcm_utf8_check(text.data ? text.data : "", text.len);
    if (bad != text.len) {
        snprintf(err, errlen, "%s: invalid UTF-8 at byte %zu", path, bad + 1);
        goto out;
    }
    vcm_csv c;
    vcm_csv_init(&c, text.data ? text.data : "", text.len);
    char *hdr[VCM_CSV_MAX_FIELDS], *row[VCM_CSV_MAX_FIELDS];
    int nh = vcm_csv_next(&c, &a, hdr, err, errlen);
    int ci = nh > 0 ? column(hdr, nh, "iso2") : -1;
    if (ci < 0) {
        snprintf(err, errlen, "%s:1: not a country table (the header must name iso2)", path);
        goto out;
    }
    int cn = column(hdr, nh, "name_en"), cg = column(hdr, nh, "asem_group"),
        cj = column(hdr, nh, "joined");
    if (vcm_store_begin(s) < 0)
        goto store_fail;
    in_tx = 1;
    for (;;) {
        size_t line = c.line;
        char why[300];
        int n = vcm_csv_next(&c, &a, row, why, sizeof why);
        if (n == 0)
            break;
        st->read++;
        vcm_country co;
        if (n < 0) {
            /* reported below */
        } else if (n != nh) {
            snprintf(why, sizeof why, "expected %d fields, found %d", nh, n);
            n = -1;
        } else if (vcm_country_from_code(&co, &a, row[ci]) < 0) {
            snprintf(why, sizeof why, "unknown country code '%s'", row[ci]);
            n = -1;
        } else {
            if (cg >= 0 && *row[cg] && vcm_region_parse(row[cg], &co.region) < 0) {
                snprintf(why, sizeof why, "asem_group '%s' is not Asia or Europe", row[cg]);
                n = -1;
            }
            if (n > 0 && cj >= 0 && *row[cj]) {
                char *end;
                long y = strtol(row[cj], &end, 10);
                co.asem_since = (int)y;
                if (*end || y < 1996 || y > 2100) {
                    snprintf(why, sizeof why, "joined '%s' is not a year from 1996", row[cj]);
                    n = -1;
                }
            }
            /* The table's English name wins over ICU's (it is the name the
             * network uses). */
            if (n > 0 && cn >= 0 && *row[cn])
                for (size_t k = 0; k < co.names.n; k++)
                    if (strcmp(co.names.v[k].lang, "en") == 0)
                        co.names.v[k].text = row[cn];
            if (n > 0 && vcm_country_validate(&co, why, sizeof why) < 0)
                n = -1;
            if (n > 0) {
                if (s->ops->country_upsert(s, &co) < 0)
                    goto store_fail;
                st->countries++;
            }
        }
        if (n < 0) {
            st->rejected++;
            fprintf(rep, "%s:%zu: %s\n", path, line, why);
        }
        vcm_arena_reset(&a);
    }
    if (vcm_store_commit(s) < 0)
        goto store_fail;
    in_tx = 0;
    rc = 0;
    goto out;
store_fail:
    snprintf(err, errlen, "%s", vcm_store_error(s));
out:
    if (in_tx)
        vcm_store_rollback(s);
    vcm_arena_release(&a);
    vcm_buf_release(&text);
    return rc;
}
