#include <stdio.h>

#include "cli/cli.h"
#include "io/jsonl.h"
#include "store/store.h"
#include "core/banned.h"

int vcm_cmd_export(vcm_config *c)
{
    if (c->argc != 2) {
        fprintf(stderr, "vcm export: name one file to write (FILE.jsonl, or - for stdout)\n");
        return VCM_EXIT_USAGE;
    }
    char err[1024];
    vcm_store *s = vcm_store_open(c->db, err, sizeof err);
    if (!s) {
        fprintf(stderr, "vcm export: %s\n", err);
        return VCM_EXIT_FAIL;
    }
    int64_t n = 0;
    int rc = vcm_export_jsonl(s, c->argv[1], &n, err, sizeof err);
    vcm_store_close(s);
    if (rc < 0) {
        fprintf(stderr, "vcm export: %s\n", err);
        return VCM_EXIT_FAIL;
    }
    fprintf(stderr, "vcm export: %lld objects written to %s\n", (long long)n, c->argv[1]);
    return VCM_EXIT_OK;
}
