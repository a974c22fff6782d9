#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/i18n.h"
#include "io/edm.h"
#include "io/jsonl.h"
#include "io/lido.h"
#include "store/store.h"
#include "core/banned.h"

static const vcm_option export_options[] = {
    {"format", NULL, "jsonl|lido|edm", "export: JSON Lines of everything (default), or LIDO 1.1 or EDM of the public objects; harvest add: the metadataPrefix asked, lido or oai_dc", VCM_OPT_STR, VCM_OPTION_AT(vcm_export_cli_opts, format), 0, 0},
};

void vcm_export_options(vcm_export_cli_opts *o, vcm_option_set *set)
{
    memset(o, 0, sizeof *o);
    *set = (vcm_option_set){export_options, sizeof export_options / sizeof *export_options, o};
}

int vcm_cmd_export(vcm_config *c, const vcm_export_cli_opts *eo)
{
    const char *fmt = eo->format[0] ? eo->format : "jsonl";
    if (strcmp(fmt, "jsonl") != 0 && strcmp(fmt, "lido") != 0 && strcmp(fmt, "edm") != 0) {
        fprintf(stderr, "vcm export: --format takes jsonl, lido or edm, not '%s'\n", fmt);
        return VCM_EXIT_USAGE;
    }
    if (c->argc != 2) {
        fprintf(stderr, "vcm export: name one file to write (FILE, or - for stdout)\n");
        return VCM_EXIT_USAGE;
    }
    /* EDM names every resource by URL: the site's own must be known */
    if (strcmp(fmt, "edm") == 0 && !c->base_url[0]) {
        fprintf(stderr, "vcm export: --format edm needs --base-url (the site's public URL)\n");
        return VCM_EXIT_USAGE;
    }
    char err[1024];
    /* EDM names the network, as the site does, from the catalogue */
    if (strcmp(fmt, "edm") == 0 && vcm_i18n_load_builtin(err, sizeof err) < 0) {
        fprintf(stderr, "vcm export: %s\n", err);
        return VCM_EXIT_FAIL;
    }
    vcm_store *s = vcm_store_open(c->db, err, sizeof err);
    if (!s) {
        fprintf(stderr, "vcm export: %s\n", err);
        return VCM_EXIT_FAIL;
    }
    int64_t n = 0;
    int rc = strcmp(fmt, "lido") == 0  ? vcm_export_lido(s, c->argv[1], c->base_url, &n, err,
                                                         sizeof err)
             : strcmp(fmt, "edm") == 0 ? vcm_export_edm(s, c->argv[1], c->base_url, &n, err,
                                                        sizeof err)
                                       : vcm_export_jsonl(s, c->argv[1], &n, err, sizeof err);
    vcm_store_close(s);
    if (rc < 0) {
        fprintf(stderr, "vcm export: %s\n", err);
        return VCM_EXIT_FAIL;
    }
    fprintf(stderr, "vcm export: %lld objects written to %s\n", (long long)n, c->argv[1]);
    return VCM_EXIT_OK;
}
