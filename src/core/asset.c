#include "core/asset.h"

#include <string.h>

#include "core/banned.h"

const struct vcm_asset *vcm_asset_find(const char *path)
{
    for (size_t i = 0; i < vcm_assets_count; i++)
        if (strcmp(vcm_assets[i].path, path) == 0)
            return &vcm_assets[i];
    return NULL;
}
