/* vcm languages: the interface catalogues as maintainers need to see them.
 *
 *   vcm languages          one line per language: messages translated, of
 *                          those how many need review (machine-made or not
 *                          yet reviewed), and how many are missing
 *   vcm languages LANG     every message of LANG with its status: reviewed,
 *                          needs review, or missing (English shows)
 *
 * The catalogues read are those built into the program (locale/). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/i18n.h"
#include "core/banned.h"

#define MAX_LIST 128

int vcm_cmd_languages(vcm_config *c)
{
    int rc = VCM_EXIT_USAGE;
    if (c->argc > 2) {
        fprintf(stderr, "vcm languages: usage: vcm languages [LANG]\n");
        return rc;
    }
    char err[512];
    if (vcm_i18n_load_builtin(err, sizeof err) < 0) {
        fprintf(stderr, "vcm languages: %s\n", err);
        return VCM_EXIT_FAIL;
    }
    const char *langs[MAX_LIST];
    size_t n = vcm_i18n_languages(langs, MAX_LIST);
    if (c->argc == 2) {
        const char *lang = c->argv[1];
        vcm_i18n_counts k;
        if (strcmp(lang, "en") == 0 || vcm_i18n_stats(lang, &k) < 0) {
            fprintf(stderr, "vcm languages: no catalogue for '%s' (vcm languages lists them)\n",
                    lang);
            rc = VCM_EXIT_USAGE;
            goto out;
        }
        size_t total = vcm_i18n_count("en");
        for (size_t i = 0; i < total; i++) {
            const char *key = vcm_i18n_key_at("en", i);
            int r = vcm_i18n_review(lang, key);
            printf("%s\t%s\t%s\n", key,
                   r < 0 ? "missing" : r ? "needs review" : "reviewed",
                   r < 0 ? vcm_t("en", key) : vcm_t(lang, key));
        }
        rc = 0;
        goto out;
    }
    printf("%-8s %10s %13s %8s\n", "language", "translated", "needs review", "missing");
    for (size_t i = 0; i < n; i++) {
        vcm_i18n_counts k;
        if (strcmp(langs[i], "en") == 0 || vcm_i18n_stats(langs[i], &k) < 0)
            continue;
        printf("%-8s %10zu %13zu %8zu\n", langs[i], k.translated, k.review,
               k.source > k.translated ? k.source - k.translated : 0);
    }
    rc = 0;
out:
    vcm_i18n_free();
    return rc;
}
