/* The judged set's figures: precision@10 and nDCG@10 of every query of
 * bench/judged/queries.tsv on a database holding the demo collection, with
 * the thesaurus expansions on and off, then the means by language and
 * overall. Run by bench/judged.sh (part 7 of `make bench`).
 *
 *   judged DB_URL INDEX_PATH QUERIES.tsv [FLOORS.tsv]
 *
 * With FLOORS.tsv (query, p10, ndcg) it says which queries fall more than
 * 0.05 below their floor, and exits 1 when one does; with "-" as FLOORS it
 * prints the current figures in the floors' format instead. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "judged.h"
#include "core/banned.h"

static void means(const vcm_judged *j, const char *lang)
{
    double s[4] = {0};
    size_t n = 0;
    for (size_t i = 0; i < j->n; i++) {
        const vcm_judged_query *q = &j->qs[i];
        if (lang && strcmp(q->lang, lang) != 0)
            continue;
        s[0] += q->p10[0];
        s[1] += q->ndcg[0];
        s[2] += q->p10[1];
        s[3] += q->ndcg[1];
        n++;
    }
    if (n)
        printf("%-8s %4zu  %5.3f  %5.3f   %5.3f  %5.3f\n", lang ? lang : "all", n, s[0] / n,
               s[1] / n, s[2] / n, s[3] / n);
}

static int check(const vcm_judged *j, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "judged: %s: cannot open\n", path);
        return 2;
    }
    char line[1024];
    int bad = 0, lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (lineno == 1 || !t2)
            continue;
        *t1 = 0;
        double p = atof(t1 + 1), n = atof(t2 + 1);
        for (size_t i = 0; i < j->n; i++)
            if (strcmp(j->qs[i].q, line) == 0 &&
                (j->qs[i].p10[0] < p - 0.05 || j->qs[i].ndcg[0] < n - 0.05)) {
                printf("below its floor: %s: p@10 %.3f (floor %.3f), nDCG@10 %.3f (floor %.3f)\n",
                       line, j->qs[i].p10[0], p, j->qs[i].ndcg[0], n);
                bad = 1;
            }
    }
    fclose(f);
    return bad;
}

int main(int argc, char **argv)
{
    if (argc < 4 || argc > 5) {
        fprintf(stderr, "usage: judged DB_URL INDEX_PATH QUERIES.tsv [FLOORS.tsv|-]\n");
        return 2;
    }
    char err[1024];
    int rc = 2;
    vcm_judged j;
    if (vcm_judged_load(&j, argv[3], err, sizeof err) < 0) {
        fprintf(stderr, "judged: %s\n", err);
        return 2;
    }
    vcm_search *s = NULL;
    vcm_store *st = NULL;
    if (vcm_i18n_load_builtin(err, sizeof err) < 0 ||
        !(s = vcm_search_open(argv[1], argv[2], false, NULL, NULL, err, sizeof err)) ||
        !(st = vcm_store_open(argv[1], err, sizeof err)) ||
        vcm_judged_run(&j, s, st, err, sizeof err) < 0) {
        fprintf(stderr, "judged: %s\n", err);
        goto out;
    }
    if (argc == 5 && strcmp(argv[4], "-") == 0) {
        printf("query\tp10\tndcg\n");
        for (size_t i = 0; i < j.n; i++)
            printf("%s\t%.3f\t%.3f\n", j.qs[i].q, j.qs[i].p10[0], j.qs[i].ndcg[0]);
        rc = 0;
        goto out;
    }
    printf("%-20s %-4s  expansions on   expansions off\n", "query", "lang");
    printf("%-20s %-4s  p@10   nDCG     p@10   nDCG\n", "", "");
    for (size_t i = 0; i < j.n; i++)
        printf("%-20s %-4s  %5.3f  %5.3f    %5.3f  %5.3f\n", j.qs[i].q, j.qs[i].lang,
               j.qs[i].p10[0], j.qs[i].ndcg[0], j.qs[i].p10[1], j.qs[i].ndcg[1]);
    printf("\nmeans    queries  on: p@10  nDCG   off: p@10  nDCG\n");
    static const char *const langs[] = {"en", "zh", "ja", "ko", "fr", "de", "vi"};
    for (size_t i = 0; i < sizeof langs / sizeof *langs; i++)
        means(&j, langs[i]);
    means(&j, NULL);
    rc = argc == 5 ? check(&j, argv[4]) : 0;
out:
    vcm_store_close(st);
    vcm_search_close(s);
    vcm_judged_free(&j);
    return rc;
}
