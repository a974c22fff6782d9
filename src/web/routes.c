#include "web/web.h"
#include "core/banned.h"

/* Every handler runs with jansson on the request's arena (app.c); pages go
 * through the page cache (cache.c) as well. The API and static files, which
 * carry headers of their own, are not cached, nor is the search page: it
 * follows the search index, which follows the store a moment later. */
#define PAGE(h)                                                                               \
    static int page_##h(vcm_req *req, vcm_resp *resp)                                       \
    {                                                                                         \
        vcm_arena *old = vcm_web_json_arena(req->arena);                                      \
        int r = vcm_web_cached(req, resp, h);                                                 \
        vcm_web_json_arena(old);                                                              \
        return r;                                                                             \
    }
#define DATA(h)                                                                               \
    static int data_##h(vcm_req *req, vcm_resp *resp)                                       \
    {                                                                                         \
        vcm_arena *old = vcm_web_json_arena(req->arena);                                      \
        int r = h(req, resp);                                                                 \
        vcm_web_json_arena(old);                                                              \
        return r;                                                                             \
    }
PAGE(vcm_page_home)
PAGE(vcm_page_browse)
PAGE(vcm_page_object)
PAGE(vcm_page_museums)
PAGE(vcm_page_museum)
PAGE(vcm_page_countries)
PAGE(vcm_page_country)
PAGE(vcm_page_region)
DATA(vcm_page_search)
DATA(vcm_sitemap)
DATA(vcm_sitemap_file)
DATA(vcm_api_search)
DATA(vcm_api_suggest)
DATA(vcm_api_objects)
DATA(vcm_api_object)
DATA(vcm_api_museums)
DATA(vcm_api_museum)
DATA(vcm_api_countries)
DATA(vcm_api_country)
DATA(vcm_iiif_base)
DATA(vcm_iiif_info)
DATA(vcm_iiif_image)
DATA(vcm_iiif_manifest)
DATA(vcm_iiif_collection_top)
DATA(vcm_iiif_collection_museum)
DATA(vcm_iiif_collection_country)
DATA(vcm_iiif_activity)
DATA(vcm_iiif_activity_page)

/* Every URL of the site and the API. These are public and stable: links,
 * bookmarks and harvesters depend on them. */
static const struct {
    const char *method, *pattern;
    vcm_handler h;
} routes[] = {
    {"GET", "/", page_vcm_page_home},
    {"GET", "/browse", page_vcm_page_browse},
    {"GET", "/search", data_vcm_page_search},
    {"GET", "/objects/{id}", page_vcm_page_object},
    {"GET", "/museums", page_vcm_page_museums},
    {"GET", "/museums/{id}", page_vcm_page_museum},
    {"GET", "/countries", page_vcm_page_countries},
    {"GET", "/countries/{code}", page_vcm_page_country},
    {"GET", "/regions/{region}", page_vcm_page_region},
    {"GET", "/sitemap.xml", data_vcm_sitemap},
    {"GET", "/sitemaps/{file}", data_vcm_sitemap_file},
    {"GET", "/robots.txt", vcm_robots},
    {"GET", "/static/{*path}", vcm_static},
    {"GET", "/healthz", vcm_health_live},
    {"GET", "/readyz", vcm_health_ready},
    {"GET", "/api/v1/search", data_vcm_api_search},
    {"GET", "/api/v1/suggest", data_vcm_api_suggest},
    {"GET", "/api/v1/objects", data_vcm_api_objects},
    {"GET", "/api/v1/objects/{id}", data_vcm_api_object},
    {"GET", "/api/v1/museums", data_vcm_api_museums},
    {"GET", "/api/v1/museums/{id}", data_vcm_api_museum},
    {"GET", "/api/v1/countries", data_vcm_api_countries},
    {"GET", "/api/v1/countries/{code}", data_vcm_api_country},
    {"OPTIONS", "/api/v1/{*path}", vcm_api_options},
    {"GET", "/iiif/manifest/{id}", data_vcm_iiif_manifest},
    {"GET", "/iiif/collection/top", data_vcm_iiif_collection_top},
    {"GET", "/iiif/collection/museum/{id}", data_vcm_iiif_collection_museum},
    {"GET", "/iiif/collection/country/{code}", data_vcm_iiif_collection_country},
    {"GET", "/iiif/activity/", data_vcm_iiif_activity},
    {"GET", "/iiif/activity/page/{n}", data_vcm_iiif_activity_page},
    {"GET", "/iiif/{id}", data_vcm_iiif_base},
    {"GET", "/iiif/{id}/info.json", data_vcm_iiif_info},
    {"GET", "/iiif/{id}/{region}/{size}/{rotation}/{quality}", data_vcm_iiif_image},
    {"GET", "/iiif/{*path}", vcm_iiif_unknown},
    {"OPTIONS", "/iiif/{*path}", vcm_api_options},
};

int vcm_app_routes(vcm_router *r)
{
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
        if (vcm_router_add(r, routes[i].method, routes[i].pattern, routes[i].h) < 0)
            return -1;
    return 0;
}
