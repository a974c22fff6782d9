/* vcm search: rebuild the index from the database, and search from a
 * shell (the same code the pages and the API run). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "search/search.h"
#include "search/static.h"
#include "search/tokenize.h"
#include "web/web.h"
#include "core/banned.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void progress(size_t done, size_t total, void *ud)
{
    const vcm_config *c = ud;
    if (!c->quiet && (done % 50000 < 1000 || done == total))
        fprintf(stderr, "\rvcm search: indexed %zu of %zu objects", done, total);
}

static void index_path(const vcm_config *c, char *out, size_t size)
{
    if (c->index[0])
        snprintf(out, size, "%s", c->index);
    else
        vcm_search_index_path(c->db, out, size);
}

static int reindex(vcm_config *c)
{
    char path[1024], err[1024];
    index_path(c, path, sizeof path);
    double t0 = now();
    size_t docs = 0;
    if (vcm_search_reindex(c->db, path, progress, c, &docs, err, sizeof err) < 0) {
        fprintf(stderr, "%svcm search reindex: %s\n", c->quiet ? "" : "\n", err);
        return VCM_EXIT_FAIL;
    }
    if (!c->quiet)
        fprintf(stderr, "\n");
    printf("indexed %zu objects into %s in %.1f s\n", docs, path, now() - t0);
    return VCM_EXIT_OK;
}

/* The search as the server has it: its index file, caught up. */
static vcm_search *open_search(vcm_config *c)
{
    char path[1024], err[1024];
    index_path(c, path, sizeof path);
    vcm_search *s = vcm_search_open(c->db, path, false, progress, c, err, sizeof err);
    if (!s)
        fprintf(stderr, "vcm search: %s\n", err);
    return s;
}

static int query(vcm_config *c, const char *q)
{
    char err[1024];
    vcm_search *s = open_search(c);
    if (!s)
        return VCM_EXIT_FAIL;
    vcm_store *st = vcm_store_open(c->db, err, sizeof err);
    vcm_arena a;
    vcm_arena_init(&a, 0);
    /* the search's notes are the visitor's sentences, from the catalogue */
    if (vcm_i18n_load_builtin(err, sizeof err) < 0) {
        fprintf(stderr, "vcm search: %s\n", err);
        vcm_search_close(s);
        return VCM_EXIT_FAIL;
    }
    vcm_search_params p;
    vcm_search_params_init(&p);
    p.q = q;
    p.want_objects = st != NULL;
    p.want_alternatives = true;
    vcm_search_results r;
    int rc = VCM_EXIT_FAIL;
    if (!st || vcm_search_run(s, st, &a, &p, &r, err, sizeof err) < 0) {
        fprintf(stderr, "vcm search: %s\n", err);
        goto out;
    }
    for (size_t i = 0; i < r.nmessages; i++)
        printf("note: %s\n", r.messages[i]);
    for (size_t i = 0; i < r.nexpansions; i++)
        printf("expanded: %s -> %s (%s, %zu names)%s\n", r.expansions[i].typed,
               r.expansions[i].label, r.expansions[i].kind, r.expansions[i].nnames,
               r.expansions[i].off ? " off" : "");
    printf("total %lld\n", (long long)r.total);
    for (size_t i = 0; i < r.nhits; i++) {
        printf("%lld\t%.3f\t", (long long)r.hits[i].id, r.hits[i].score);
        for (size_t k = 0; k < r.hits[i].title.nparts; k++)
            printf(r.hits[i].title.parts[k].match ? "[%s]" : "%s", r.hits[i].title.parts[k].text);
        printf("\n");
    }
    for (size_t i = 0; i < r.nalternatives; i++)
        printf("try: %s (%s, %lld)\n", r.alternatives[i].q, r.alternatives[i].why,
               (long long)r.alternatives[i].total);
    rc = VCM_EXIT_OK;
out:
    vcm_arena_release(&a);
    vcm_store_close(st);
    vcm_search_close(s);
    return rc;
}

static int suggest(vcm_config *c, const char *prefix)
{
    vcm_search *s = open_search(c);
    if (!s)
        return VCM_EXIT_FAIL;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_suggestion out[10];
    size_t n = vcm_search_suggest(s, &a, prefix, strlen(prefix), out, 10);
    for (size_t i = 0; i < n; i++)
        printf("%s\t%u\n", out[i].text, out[i].weight);
    vcm_arena_release(&a);
    vcm_search_close(s);
    return VCM_EXIT_OK;
}

/* One line of stdin at a time, its tokens as a JSON array on one line of
 * stdout (with stem: as a query's words are cut): what the static
 * site's tokenizer is compared with. */
static int tokens(bool stem)
{
    static char line[1 << 16], out[1 << 20];
    long n = 0;
    while (fgets(line, sizeof line, stdin)) {
        size_t len = strlen(line);
        n++;
        if (len && line[len - 1] == '\n')
            line[--len] = 0;
        if (vcm_search_tokens_json(line, len, stem ? VCM_TOK_STEM : 0, out, sizeof out) < 0) {
            fprintf(stderr, "vcm search tokens: stdin:%ld: not UTF-8 text, or too long\n", n);
            return VCM_EXIT_FAIL;
        }
        puts(out);
    }
    return VCM_EXIT_OK;
}

int vcm_cmd_export_search(vcm_config *c)
{
    if (c->argc != 2) {
        fprintf(stderr, "vcm export-search: use 'vcm export-search DIR'\n");
        return VCM_EXIT_USAGE;
    }
    char err[1024];
    vcm_static_stats st;
    double t0 = now();
    /* the catalogues first: the export probes the word breaker with them */
    if (vcm_web_catalogues(err, sizeof err) < 0) {
        fprintf(stderr, "vcm export-search: %s\n", err);
        return VCM_EXIT_FAIL;
    }
    if (vcm_search_export_static(c->db, c->argv[1], &st, err, sizeof err) < 0) {
        fprintf(stderr, "vcm export-search: %s\n", err);
        return VCM_EXIT_FAIL;
    }
    /* the page, rendered as the site renders its pages */
    vcm_web_config wcfg;
    vcm_web_config_defaults(&wcfg);
    wcfg.no_search = true; /* the page needs no index of the server's: it has its own */
    /* a folder of its own for what the site keeps per node (image cache,
     * search index), so that a server running on the same files is left
     * alone; removed after */
    if (vcm_cli_node_temp(&wcfg, err, sizeof err) < 0) {
        fprintf(stderr, "vcm export-search: %s\n", err);
        return VCM_EXIT_FAIL;
    }
    vcm_app app;
    if (vcm_app_init(&app, c, &wcfg, err, sizeof err) < 0) {
        fprintf(stderr, "vcm export-search: %s\n", err);
        vcm_cli_node_remove(&wcfg);
        return VCM_EXIT_FAIL;
    }
    int prc = vcm_web_static_search_pages(&app, c->argv[1], err, sizeof err);
    vcm_app_stop_taking(&app);
    vcm_app_release(&app);
    vcm_cli_node_remove(&wcfg);
    if (prc < 0) {
        fprintf(stderr, "vcm export-search: %s\n", err);
        return VCM_EXIT_FAIL;
    }
    printf("wrote the search of %zu objects (%zu terms) into %s/search: %zu files, %zu bytes, "
           "the largest %zu bytes, in %.1f s\n",
           st.docs, st.terms, c->argv[1], st.files, st.bytes, st.largest, now() - t0);
    return VCM_EXIT_OK;
}

int vcm_cmd_search(vcm_config *c)
{
    const char *sub = c->argc > 1 ? c->argv[1] : "";
    if (strcmp(sub, "reindex") == 0 && c->argc == 2)
        return reindex(c);
    if (strcmp(sub, "query") == 0 && c->argc == 3)
        return query(c, c->argv[2]);
    if (strcmp(sub, "tokens") == 0 && (c->argc == 2 || (c->argc == 3 && strcmp(c->argv[2], "stem") == 0)))
        return tokens(c->argc == 3);
    if (strcmp(sub, "suggest") == 0 && c->argc == 3)
        return suggest(c, c->argv[2]);
    fprintf(stderr, "vcm search: use 'vcm search reindex', 'vcm search query QUERY' or "
                    "'vcm search suggest PREFIX' or 'vcm search tokens [stem] < LINES'\n");
    return VCM_EXIT_USAGE;
}
