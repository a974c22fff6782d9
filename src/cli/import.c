#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "io/csv.h"
#include "io/csvmap.h"
#include "io/jsonl.h"
#include "io/lido.h"
#include "search/terms.h"
#include "store/entry.h"
#include "store/store.h"
#include "core/banned.h"

static long peak_rss_kb(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : 0;
}

/* The options only this command reads. */
static const vcm_option import_options[] = {
    {"map", NULL, "MAPPING.json", "import: read FILE (a CSV file, or a folder of .json files) through this column mapping (docs/formats.md)", VCM_OPT_STR, VCM_OPTION_AT(vcm_import_cli_opts, map), 0, 0},
    {"dry-run", NULL, NULL, "import --map: write nothing; tell how each column maps, which rows would fail and why, and what would be created or updated", VCM_OPT_FLAG, VCM_OPTION_AT(vcm_import_cli_opts, dry_run), 0, 1},
    {"report", NULL, "FILE", "import: write what LIDO records held that was not kept, as JSON, to FILE", VCM_OPT_STR, VCM_OPTION_AT(vcm_import_cli_opts, report), 0, 0},
    {"source-country", NULL, "CC", "import: the country (ISO 3166-1 alpha-2) of museums that LIDO records name without placing them", VCM_OPT_STR, VCM_OPTION_AT(vcm_import_cli_opts, source_country), 0, 0},
};

void vcm_import_options(vcm_import_cli_opts *o, vcm_option_set *set)
{
    memset(o, 0, sizeof *o);
    *set = (vcm_option_set){import_options, sizeof import_options / sizeof *import_options, o};
}

/* One LIDO file: its summary on stdout, what was not kept after it, and the
 * same into the JSON report. VCM_EXIT_* */
static int import_lido(vcm_store *s, vcm_config *c, const vcm_import_cli_opts *io,
                       const char *path, json_t *report)
{
    char err[1024];
    vcm_lido_opts lo = {.batch = (int)c->batch,
                        .country = io->source_country[0] ? io->source_country : NULL};
    vcm_import_stats st;
    vcm_lido_report rep = {0};
    int rc = VCM_EXIT_OK;
    if (vcm_import_lido(s, path, &lo, &st, &rep, err, sizeof err) < 0) {
        fprintf(stderr, "vcm import: %s\n", err);
        fprintf(stderr, "vcm import: stopped after %lld records; committed batches are kept\n",
                (long long)st.read);
        rc = VCM_EXIT_FAIL;
    }
    printf("%s: read %lld, inserted %lld, updated %lld, unchanged %lld, rejected %lld, warnings "
           "%lld; %lld museums and %lld countries created; %.2f s\n",
           path, (long long)st.read, (long long)st.inserted, (long long)st.updated,
           (long long)st.unchanged, (long long)st.rejected, (long long)st.warnings,
           (long long)st.museums_created, (long long)st.countries_created, st.seconds);
    json_t *nk = json_array();
    for (size_t i = 0; i < rep.n; i++) {
        printf("%s: not kept: %s: %lld record%s\n", path, rep.v[i].path,
               (long long)rep.v[i].records, rep.v[i].records == 1 ? "" : "s");
        json_array_append_new(nk, json_pack("{s:s,s:I}", "path", rep.v[i].path, "records",
                                            (json_int_t)rep.v[i].records));
    }
    json_array_append_new(report,
                          json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:o}", "file", path, "read",
                                    (json_int_t)st.read, "inserted", (json_int_t)st.inserted,
                                    "updated", (json_int_t)st.updated, "unchanged",
                                    (json_int_t)st.unchanged, "rejected",
                                    (json_int_t)st.rejected, "not_kept", nk));
    fflush(stdout);
    vcm_lido_report_release(&rep);
    if (rc == VCM_EXIT_OK && st.rejected)
        rc = VCM_EXIT_BAD_INPUT;
    return rc;
}

/* vcm import FILE --map MAPPING.json [--dry-run] */
static int import_mapped(vcm_store *s, vcm_config *c, const vcm_import_cli_opts *io)
{
    int status = VCM_EXIT_OK;
    char err[1024];
    for (int i = 1; i < c->argc; i++) {
        vcm_csvmap_opts o = {.dry_run = io->dry_run != 0,
                             .import = {.batch = (int)c->batch,
                                        .progress = c->quiet ? 0 : isatty(STDERR_FILENO) ? 2 : 1}};
        vcm_csvmap_stats st;
        if (vcm_csvmap_import(s, c->argv[i], io->map, &o, &st, err, sizeof err) < 0) {
            fprintf(stderr, "vcm import: %s\n", err);
            return VCM_EXIT_FAIL;
        }
        if (io->dry_run)
            printf("%s: dry run: read %lld rows, %lld would be rejected; would create %lld "
                   "records, update %lld, leave %lld unchanged; %lld museums would be created; "
                   "peak RSS %.1f MiB\n",
                   c->argv[i], (long long)st.rows, (long long)st.rejected, (long long)st.create,
                   (long long)st.update, (long long)st.unchanged, (long long)st.museums_new,
                   peak_rss_kb() / 1024.0);
        else
            printf("%s: read %lld rows, rejected %lld; inserted %lld, updated %lld, unchanged "
                   "%lld, rejected by the store %lld; %lld museums and %lld countries created; "
                   "%.2f s, peak RSS %.1f MiB\n",
                   c->argv[i], (long long)st.rows, (long long)st.rejected,
                   (long long)st.import.inserted, (long long)st.import.updated,
                   (long long)st.import.unchanged, (long long)st.import.rejected,
                   (long long)st.import.museums_created, (long long)st.import.countries_created,
                   st.import.seconds, peak_rss_kb() / 1024.0);
        fflush(stdout);
        if (st.rejected || st.import.rejected)
            status = VCM_EXIT_BAD_INPUT;
    }
    return status;
}

int vcm_cmd_import(vcm_config *c, const vcm_import_cli_opts *io)
{
    if (io->dry_run && !io->map[0]) {
        fprintf(stderr, "vcm import: --dry-run goes with --map\n");
        return VCM_EXIT_USAGE;
    }
    if (c->argc < 2) {
        fprintf(stderr, "vcm import: name a file to import (FILE.jsonl, or - for stdin)\n");
        return VCM_EXIT_USAGE;
    }
    char err[1024];
    vcm_store *s = vcm_store_open(c->db, err, sizeof err);
    if (!s) {
        fprintf(stderr, "vcm import: %s\n", err);
        return VCM_EXIT_FAIL;
    }
    int status = VCM_EXIT_OK;
    if (io->map[0]) {
        status = import_mapped(s, c, io);
        if (io->dry_run) {
            vcm_store_close(s);
            return status;
        }
    }
    json_t *report = json_array();
    for (int i = 1; i < c->argc && !io->map[0]; i++) {
        const char *path = c->argv[i];
        size_t pl = strlen(path);
        if (pl > 4 && strcmp(path + pl - 4, ".xml") == 0) {
            int r = import_lido(s, c, io, path, report);
            if (r == VCM_EXIT_FAIL) {
                status = r;
                break;
            }
            if (r != VCM_EXIT_OK)
                status = r;
            continue;
        }
        if (pl > 4 && strcmp(path + pl - 4, ".csv") == 0) {
            vcm_csv_stats cs;
            if (vcm_import_countries_csv(s, path, stderr, &cs, err, sizeof err) < 0) {
                fprintf(stderr, "vcm import: %s\n", err);
                status = VCM_EXIT_FAIL;
                break;
            }
            printf("%s: read %ld, countries %ld, rejected %ld\n", path, cs.read, cs.countries,
                   cs.rejected);
            if (cs.rejected)
                status = VCM_EXIT_BAD_INPUT;
            continue;
        }
        vcm_import_opts o = {.batch = (int)c->batch,
                             .progress = c->quiet ? 0 : isatty(STDERR_FILENO) ? 2 : 1};
        vcm_import_stats st;
        if (vcm_import_jsonl(s, c->argv[i], &o, &st, err, sizeof err) < 0) {
            fprintf(stderr, "vcm import: %s\n", err);
            fprintf(stderr, "vcm import: stopped after %lld records; committed batches are kept, "
                            "run the same command again to complete it\n",
                    (long long)st.read);
            status = VCM_EXIT_FAIL;
            break;
        }
        printf("%s: read %lld, inserted %lld, updated %lld, unchanged %lld, rejected %lld, warnings %lld; "
               "%lld museums and %lld countries created; %.2f s, %.0f records/s, "
               "peak RSS %.1f MiB\n",
               c->argv[i], (long long)st.read, (long long)st.inserted, (long long)st.updated,
               (long long)st.unchanged, (long long)st.rejected, (long long)st.warnings, (long long)st.museums_created,
               (long long)st.countries_created, st.seconds,
               st.seconds > 0 ? (double)st.read / st.seconds : 0.0, peak_rss_kb() / 1024.0);
        fflush(stdout);
        if (st.rejected)
            status = VCM_EXIT_BAD_INPUT;
    }
    json_t *doc = json_pack("{s:O}", "files", report);
    if (io->report[0] && (!doc || json_dump_file(doc, io->report, JSON_INDENT(2)) < 0)) {
        fprintf(stderr, "vcm import: cannot write '%s'\n", io->report);
        status = VCM_EXIT_FAIL;
    }
    json_decref(doc);
    json_decref(report);
    /* the concepts of the records written (search/terms.h), so that browse
     * groups them from the moment the import ends */
    if (status != VCM_EXIT_FAIL && vcm_terms_sync(s, NULL, err, sizeof err) < 0) {
        fprintf(stderr, "vcm import: %s\n", err);
        status = VCM_EXIT_FAIL;
    }
    /* A re-import never changes an entry: where it brought another value
     * for a field a curator edited, the edit stays and a conflict is
     * recorded for the museum's dashboard (store/entry.h). */
    int64_t conflicts = 0;
    if (status != VCM_EXIT_FAIL &&
        vcm_entry_reconcile(s, 0, (int64_t)time(NULL), &conflicts) < 0) {
        fprintf(stderr, "vcm import: %s\n", vcm_store_error(s));
        status = VCM_EXIT_FAIL;
    }
    if (conflicts)
        printf("vcm import: %lld fields a curator edited now differ in the catalogue: the "
               "edits are kept (vcm masterpieces conflicts)\n", (long long)conflicts);
    vcm_store_close(s);
    return status;
}
