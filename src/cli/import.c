#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "io/csv.h"
#include "io/jsonl.h"
#include "search/terms.h"
#include "store/entry.h"
#include "store/store.h"
#include "core/banned.h"

static long peak_rss_kb(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : 0;
}

int vcm_cmd_import(vcm_config *c)
{
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
    for (int i = 1; i < c->argc; i++) {
        const char *path = c->argv[i];
        size_t pl = strlen(path);
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
