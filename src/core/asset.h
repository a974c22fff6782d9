/* Files built into the program (SQL migrations, templates, static files,
 * message catalogues): see scripts/embed.sh. */
#ifndef VCM_ASSET_H
#define VCM_ASSET_H
#include <stddef.h>

struct vcm_asset {
    const char *path; /* as in the source tree: "templates/object.html" */
    const unsigned char *data;
    size_t len;
};
extern const struct vcm_asset vcm_assets[];
extern const size_t vcm_assets_count;

/* NULL when there is no such file. */
const struct vcm_asset *vcm_asset_find(const char *path);
#endif
