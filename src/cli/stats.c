#include <stdio.h>

#include "cli/cli.h"
#include "store/store.h"
#include "core/banned.h"

int vcm_cmd_stats(vcm_config *c)
{
    char err[1024];
    vcm_store *s = vcm_store_open(c->db, err, sizeof err);
    if (!s) {
        fprintf(stderr, "vcm stats: %s\n", err);
        return VCM_EXIT_FAIL;
    }
    vcm_stats st;
    int rc = s->ops->stats(s, &st);
    if (rc < 0) {
        fprintf(stderr, "vcm stats: %s\n", vcm_store_error(s));
    } else {
        printf("objects %lld\nobjects_all %lld\nmuseums %lld\nmuseums_all %lld\n"
               "countries %lld\ncountries_all %lld\nmedia %lld\n",
               (long long)st.objects, (long long)st.objects_all, (long long)st.museums,
               (long long)st.museums_all, (long long)st.countries, (long long)st.countries_all,
               (long long)st.media);
    }
    vcm_store_close(s);
    return rc < 0 ? VCM_EXIT_FAIL : VCM_EXIT_OK;
}
