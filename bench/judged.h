/* The judged set (bench/judged/queries.tsv) read and run: for each query,
 * the records a curator expects on the first page, graded 2 (what was
 * asked for, named in the title or by the creator) or 1 (relevant, named
 * elsewhere in the record). Records are named by museum and source id,
 * which stay the same however often the collection is imported.
 *
 * Shared by bench/judged.c (`make bench`: the figures) and
 * tests/search/test_judged.c (the floors): both measure the same way.
 *
 *   precision@10  graded records among the first ten hits, / 10
 *   nDCG@10       sum of (2^grade - 1) / log2(rank + 1) over the first ten
 *                 hits, divided by the same sum for the best possible order
 *                 of the judged records */
#ifndef VCM_BENCH_JUDGED_H
#define VCM_BENCH_JUDGED_H
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/i18n.h"
#include "search/search.h"
#include "store/store.h"

#define VCM_JUDGED_K 10

typedef struct vcm_judged_rec {
    char *museum, *source_id;
    int grade;
} vcm_judged_rec;

typedef struct vcm_judged_query {
    char *q, *lang;
    vcm_judged_rec *recs;
    size_t n, cap;
    double p10[2], ndcg[2]; /* [0] expansions on, [1] off */
} vcm_judged_query;

typedef struct vcm_judged {
    vcm_judged_query *qs;
    size_t n, cap;
    char *text;
} vcm_judged;

static inline void vcm_judged_free(vcm_judged *j)
{
    for (size_t i = 0; i < j->n; i++)
        free(j->qs[i].recs);
    free(j->qs);
    free(j->text);
    memset(j, 0, sizeof *j);
}

/* Reads the TSV (header: query, lang, grade, museum, source_id, title).
 * Lines of one query follow each other. Returns -1 with "FILE:LINE: why". */
static inline int vcm_judged_load(vcm_judged *j, const char *path, char *err, size_t errlen)
{
    memset(j, 0, sizeof *j);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open", path);
        return -1;
    }
    size_t cap = 1 << 20, len = 0;
    j->text = malloc(cap);
    for (size_t r; j->text && (r = fread(j->text + len, 1, cap - len - 1, f)) > 0;) {
        len += r;
        if (len + 1 == cap) {
            char *nt = realloc(j->text, cap *= 2);
            if (!nt) {
                free(j->text);
                j->text = NULL;
            }
            j->text = nt;
        }
    }
    fclose(f);
    if (!j->text) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    j->text[len] = 0;
    int lineno = 0;
    for (char *line = j->text, *next; line && *line; line = next) {
        lineno++;
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        if (lineno == 1 || !*line)
            continue;
        char *fl[6];
        size_t nf = 0;
        fl[nf++] = line;
        for (char *p = line; *p && nf < 6; p++)
            if (*p == '\t') {
                *p = 0;
                fl[nf++] = p + 1;
            }
        if (nf < 5 || !*fl[0] || (strcmp(fl[2], "1") != 0 && strcmp(fl[2], "2") != 0)) {
            snprintf(err, errlen, "%s:%d: want query, lang, grade (1 or 2), museum, source_id",
                     path, lineno);
            goto fail;
        }
        vcm_judged_query *q = j->n ? &j->qs[j->n - 1] : NULL;
        if (!q || strcmp(q->q, fl[0]) != 0) {
            if (j->n == j->cap) {
                size_t nc = j->cap ? j->cap * 2 : 128;
                vcm_judged_query *nq = realloc(j->qs, nc * sizeof *nq);
                if (!nq)
                    goto oom;
                j->qs = nq;
                j->cap = nc;
            }
            q = &j->qs[j->n++];
            memset(q, 0, sizeof *q);
            q->q = fl[0];
            q->lang = fl[1];
        }
        if (q->n == q->cap) {
            size_t nc = q->cap ? q->cap * 2 : 16;
            vcm_judged_rec *nr = realloc(q->recs, nc * sizeof *nr);
            if (!nr)
                goto oom;
            q->recs = nr;
            q->cap = nc;
        }
        q->recs[q->n++] = (vcm_judged_rec){fl[3], fl[4], fl[2][0] - '0'};
    }
    return 0;
oom:
    snprintf(err, errlen, "%s: out of memory", path);
fail:
    vcm_judged_free(j);
    return -1;
}

static inline int vcm_judged_grade(const vcm_judged_query *q, const char *museum, const char *sid)
{
    for (size_t i = 0; i < q->n; i++)
        if (strcmp(q->recs[i].source_id, sid) == 0 && strcmp(q->recs[i].museum, museum) == 0)
            return q->recs[i].grade;
    return 0;
}

static inline double vcm_judged_ideal(const vcm_judged_query *q)
{
    size_t n2 = 0, n1 = 0;
    for (size_t i = 0; i < q->n; i++)
        *(q->recs[i].grade == 2 ? &n2 : &n1) += 1;
    double dcg = 0;
    for (size_t r = 0; r < VCM_JUDGED_K && r < n2 + n1; r++)
        dcg += (r < n2 ? 3.0 : 1.0) / log2((double)r + 2);
    return dcg;
}

/* Runs every query with expansions on and off; figures into each query. */
static inline int vcm_judged_run(vcm_judged *j, vcm_search *s, vcm_store *st, char *err,
                                 size_t errlen)
{
    for (size_t i = 0; i < j->n; i++) {
        vcm_judged_query *q = &j->qs[i];
        for (int off = 0; off < 2; off++) {
            vcm_arena a;
            vcm_arena_init(&a, 0);
            vcm_search_params p;
            vcm_search_params_init(&p);
            p.q = q->q;
            p.limit = VCM_JUDGED_K;
            p.no_expand = off;
            p.want_objects = true;
            vcm_search_results r;
            if (vcm_search_run(s, st, &a, &p, &r, err, errlen) < 0) {
                vcm_arena_release(&a);
                return -1;
            }
            double dcg = 0;
            int rel = 0;
            for (size_t k = 0; k < r.nhits && k < VCM_JUDGED_K; k++) {
                const vcm_object *o = &r.hits[k].object;
                int g = o->source_id && o->museum_name
                            ? vcm_judged_grade(q, o->museum_name, o->source_id)
                            : 0;
                rel += g > 0;
                dcg += (pow(2, g) - 1) / log2((double)k + 2);
            }
            double ideal = vcm_judged_ideal(q);
            q->p10[off] = rel / (double)VCM_JUDGED_K;
            q->ndcg[off] = ideal > 0 ? dcg / ideal : 0;
            vcm_arena_release(&a);
        }
    }
    return 0;
}
#endif
