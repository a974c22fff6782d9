/* Static files (CSS, icons, the few scripts pages need), built into the
 * program. Their ETag is a hash of their bytes, computed once when the app
 * is made. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/asset.h"
#include "web/web.h"
#include "core/banned.h"

static const char *content_type(const char *path)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".css", "text/css; charset=utf-8"},  {".js", "text/javascript; charset=utf-8"},
        {".svg", "image/svg+xml"},            {".png", "image/png"},
        {".ico", "image/x-icon"},             {".txt", "text/plain; charset=utf-8"},
        {".json", "application/json"},        {".woff2", "font/woff2"},
    };
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

/* The hash of a built-in file, computed once by vcm_app_init. */
static uint64_t asset_hash(const vcm_app *app, const struct vcm_asset *a)
{
    size_t i = (size_t)(a - vcm_assets);
    return i < vcm_assets_count ? app->asset_hash[i] : 0;
}

int vcm_static(vcm_req *req, vcm_resp *resp)
{
    const char *rest = vcm_req_param(req, "path");
    char path[512];
    /* /static/osd/… is the deep-zoom viewer from npm, built in as it is */
    bool osd = rest && strncmp(rest, "osd/", 4) == 0;
    if (!rest || strstr(rest, "..") ||
        snprintf(path, sizeof path, "%s%s",
                 osd ? "node_modules/openseadragon/build/openseadragon/" : "static/",
                 osd ? rest + 4 : rest) >= (int)sizeof path)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "static.missing"));
    const struct vcm_asset *a = vcm_asset_find(path);
    if (!a)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "static.missing"));
    char etag[24];
    snprintf(etag, sizeof etag, "%016llx", (unsigned long long)asset_hash(vcm_web_app(req), a));
    vcm_resp_header(resp, req, "Cache-Control", "public, max-age=86400");
    resp->content_type = content_type(path);
    if (vcm_resp_etag(resp, req, etag))
        return 0;
    return vcm_buf_append(&resp->body, a->data, a->len);
}
