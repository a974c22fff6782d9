/* vcm thesaurus check: what the thesaurus would add to searches on the
 * current collection, for a curator to review. Prints the names the loader
 * refused (and why), then every name whose words alone find more than
 * --factor times the records that the concept's English name finds: such a
 * name widens every search for the concept by mostly other things. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "search/search.h"
#include "search/thesaurus.h"
#include "core/banned.h"

static const vcm_option thesaurus_options[] = {
    {"factor", NULL, "N", "thesaurus check: show names finding more than N times the records of the concept's English name (default 5)", VCM_OPT_NUM, VCM_OPTION_AT(vcm_thesaurus_opts, factor), 1, 1000000},
};

void vcm_thesaurus_options(vcm_thesaurus_opts *o, vcm_option_set *set)
{
    memset(o, 0, sizeof *o);
    o->factor = 5;
    set->v = thesaurus_options;
    set->n = sizeof thesaurus_options / sizeof *thesaurus_options;
    set->base = o;
}

/* Records found by a name as typed, without expansions; -1 on failure. */
static long long hits(vcm_search *s, const char *name, char *err, size_t errlen)
{
    char q[600];
    /* quoted, so that a name holding a field name or a minus stays words */
    if (strchr(name, '"') || snprintf(q, sizeof q, "\"%s\"", name) >= (int)sizeof q)
        return 0;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_search_params p;
    vcm_search_params_init(&p);
    p.q = q;
    p.limit = 1;
    p.no_expand = true;
    vcm_search_results r;
    long long n = vcm_search_run(s, NULL, &a, &p, &r, err, errlen) < 0 ? -1 : r.total;
    vcm_arena_release(&a);
    return n;
}

static int check(vcm_config *c, const vcm_thesaurus_opts *o)
{
    const vcm_thesaurus *t = vcm_thesaurus_builtin();
    if (!t) {
        fprintf(stderr, "vcm thesaurus check: the built-in thesaurus is malformed (see the log)\n");
        return VCM_EXIT_FAIL;
    }
    const vcm_th_refusal *rf;
    size_t nr = vcm_thesaurus_refused(t, &rf);
    for (size_t i = 0; i < nr; i++)
        printf("refused\tthesaurus/%s.tsv:%d\t%s\t%s\t%s\n", rf[i].file, rf[i].line, rf[i].id,
               rf[i].name, rf[i].why);
    char path[1024], err[1024];
    if (c->index[0])
        snprintf(path, sizeof path, "%s", c->index);
    else
        vcm_search_index_path(c->db, path, sizeof path);
    if (vcm_i18n_load_builtin(err, sizeof err) < 0) {
        fprintf(stderr, "vcm thesaurus check: %s\n", err);
        return VCM_EXIT_FAIL;
    }
    vcm_search *s = vcm_search_open(c->db, path, false, NULL, NULL, err, sizeof err);
    if (!s) {
        fprintf(stderr, "vcm thesaurus check: %s\n", err);
        return VCM_EXIT_FAIL;
    }
    int rc = VCM_EXIT_OK;
    size_t flagged = 0;
    for (size_t i = 0; i < vcm_thesaurus_count(t); i++) {
        const vcm_th_entry *e = vcm_thesaurus_entry(t, i);
        const char *label = vcm_th_label(e);
        long long base = hits(s, label, err, sizeof err);
        if (base < 0)
            goto fail;
        for (size_t j = 0; j < e->nnames; j++) {
            if (e->names[j].text == label)
                continue;
            long long n = hits(s, e->names[j].text, err, sizeof err);
            if (n < 0)
                goto fail;
            if (n > o->factor * (base ? base : 1)) {
                printf("wide\t%s\t%s\t%lld records\t%s: %lld records\n", e->id, e->names[j].text,
                       n, label, base);
                flagged++;
            }
        }
    }
    printf("%zu names refused; %zu names find more than %ld times the records of their "
           "concept's English name\n",
           nr, flagged, o->factor);
    goto out;
fail:
    fprintf(stderr, "vcm thesaurus check: %s\n", err);
    rc = VCM_EXIT_FAIL;
out:
    vcm_search_close(s);
    return rc;
}

int vcm_cmd_thesaurus(vcm_config *c, const vcm_thesaurus_opts *o)
{
    if (c->argc == 2 && strcmp(c->argv[1], "check") == 0)
        return check(c, o);
    fprintf(stderr, "vcm thesaurus: use 'vcm thesaurus check [--factor N]'\n");
    return VCM_EXIT_USAGE;
}
