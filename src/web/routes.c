#include "web/web.h"
#include "core/banned.h"

/* Every URL of the site and the API. These are public and stable: links,
 * bookmarks and harvesters depend on them. */
static const struct {
    const char *method, *pattern;
    vcm_handler h;
} routes[] = {
    {"GET", "/", vcm_page_home},
    {"GET", "/browse", vcm_page_browse},
    {"GET", "/objects/{id}", vcm_page_object},
    {"GET", "/museums", vcm_page_museums},
    {"GET", "/museums/{id}", vcm_page_museum},
    {"GET", "/countries", vcm_page_countries},
    {"GET", "/countries/{code}", vcm_page_country},
    {"GET", "/regions/{region}", vcm_page_region},
    {"GET", "/static/{*path}", vcm_static},
    {"GET", "/api/v1/objects", vcm_api_objects},
    {"GET", "/api/v1/objects/{id}", vcm_api_object},
    {"GET", "/api/v1/museums", vcm_api_museums},
    {"GET", "/api/v1/museums/{id}", vcm_api_museum},
    {"GET", "/api/v1/countries", vcm_api_countries},
    {"GET", "/api/v1/countries/{code}", vcm_api_country},
    {"OPTIONS", "/api/v1/{*path}", vcm_api_options},
};

int vcm_app_routes(vcm_router *r)
{
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
        if (vcm_router_add(r, routes[i].method, routes[i].pattern, routes[i].h) < 0)
            return -1;
    return 0;
}
