/* The home page: what the collection holds, the Masterpiece of the Day and a
 * few featured works. Both change with the date (UTC) and are the same for
 * every visitor on that date: the day's number picks them, among the
 * objects with an image when there are enough. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "web/web.h"
#include "core/banned.h"

#define FEATURED 8

/* A well-mixed number from the date and a salt (FNV-1a, then a finaliser). */
static uint64_t day_hash(const char *date, uint64_t salt)
{
    uint64_t h = 1469598103934665603ull ^ salt;
    for (const char *p = date; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h;
}

/* The first published object after id n (or the first of all, past the
 * end), into out: a seek, not a count, however large the collection. Ids
 * are dense enough that this picks evenly. Returns 1, 0, -1. */
static int nth(vcm_store *s, vcm_arena *a, int64_t n, vcm_object *out)
{
    vcm_filter f = {.after_id = n, .limit = 1};
    vcm_object *list;
    size_t count;
    if (s->ops->object_list(s, a, &f, &list, &count) < 0)
        return -1;
    if (!count && n > 0)
        return nth(s, a, 0, out);
    if (!count)
        return 0;
    *out = list[0];
    return 1;
}

/* The k-th of the published objects that have an image, in id order.
 * Objects with images are few and bunched (a museum's photographs come
 * together), so a seek by id would pick the first of a bunch again and
 * again: these are counted and taken by their rank. Returns 1, 0, -1. */
static int nth_with_image(vcm_store *s, vcm_arena *a, int64_t k, vcm_object *out)
{
    vcm_filter f = {.image = VCM_YES, .offset = k, .limit = 1};
    vcm_object *list;
    size_t count;
    if (s->ops->object_list(s, a, &f, &list, &count) < 0)
        return -1;
    if (!count)
        return 0;
    *out = list[0];
    return 1;
}

/* The day's i-th pick (0: the Masterpiece of the Day, then the featured
 * works): among the objects with an image when there are enough of them
 * for every pick to differ, so that the first page a visitor sees shows
 * pictures; else among all. */
static int pick(vcm_store *s, vcm_arena *a, const char *date, int i, int64_t with_image,
                int64_t all, vcm_object *out)
{
    if (with_image > FEATURED) {
        /* spread over the whole list (a museum's images come together),
         * FEATURED + 1 picks that cannot meet: stride * FEATURED < with_image */
        uint64_t stride = (uint64_t)with_image / (FEATURED + 1);
        return nth_with_image(s, a, (int64_t)((day_hash(date, 0) + (uint64_t)i * stride) %
                                               (uint64_t)with_image), out);
    }
    return nth(s, a, (int64_t)(day_hash(date, (uint64_t)i) % (uint64_t)all), out);
}

#define HOME_ORIGINS 8

/* "From China · Japan · Korea · India …": the countries most objects come
 * from, then the regions, with counts and browse links (the store's facet
 * counts for the whole collection, cached as browse's are). */
static int home_origins(vcm_req *req, vcm_store *s, json_t *d)
{
    vcm_filter f = {0};
    vcm_facets fc;
    if (s->ops->object_facets(s, req->arena, &f, &fc) < 0)
        return -1;
    json_t *countries = json_array(), *regions = json_array();
    for (size_t i = 0; i < fc.norigin_country && i < HOME_ORIGINS; i++)
        json_array_append_new(countries, json_pack(
            "{s:s, s:I, s:s}", "label", vcm_web_origin_label(req, fc.origin_country[i].value),
            "count", (json_int_t)fc.origin_country[i].count, "url",
            vcm_arena_printf(req->arena, "/browse?origin=%s", fc.origin_country[i].value)));
    for (size_t i = 0; i < fc.norigin; i++)
        json_array_append_new(regions, json_pack(
            "{s:s, s:I, s:s}", "label", vcm_web_origin_label(req, fc.origin[i].value), "count",
            (json_int_t)fc.origin[i].count, "url",
            vcm_arena_printf(req->arena, "/browse?origin=%s", fc.origin[i].value)));
    json_object_set_new(d, "origin_countries", countries);
    json_object_set_new(d, "origin_regions", regions);
    return 0;
}

int vcm_page_home(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    vcm_stats st;
    if (s->ops->stats(s, &st) < 0)
        return vcm_web_store_error(req, resp, s);
    json_t *d = json_object();
    json_object_set_new(d, "page_title", json_string(vcm_t("en", "site.name")));
    json_object_set_new(d, "is_home", json_true());
    json_object_set_new(d, "canonical", json_string(vcm_arena_printf(req->arena, "%s/",
                                                                     vcm_web_base(req))));
    json_object_set_new(d, "stats", json_pack("{s:I, s:I, s:I}", "objects",
                                              (json_int_t)st.objects, "museums",
                                              (json_int_t)st.museums, "countries",
                                              (json_int_t)st.countries));
    json_object_set_new(d, "empty", json_boolean(st.objects == 0));
    const char *counts[] = {vcm_web_count(req, st.objects), vcm_web_count(req, st.museums),
                            vcm_web_count(req, st.countries)};
    json_object_set_new(d, "meta_description", json_string(vcm_web_tfv(req, "meta.home", 3, counts)));

    char date[16];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%Y-%m-%d", &tm);
    json_object_set_new(d, "today", json_string(date));
    if (st.objects > 0) {
        vcm_object o;
        vcm_filter imf = {.image = VCM_YES};
        int64_t with_image;
        if (s->ops->object_count(s, &imf, &with_image) < 0) {
            json_decref(d);
            return vcm_web_store_error(req, resp, s);
        }
        int r = pick(s, req->arena, date, 0, with_image, st.objects_all, &o);
        if (r < 0) {
            json_decref(d);
            return vcm_web_store_error(req, resp, s);
        }
        if (r) {
            json_t *mp = vcm_web_card(&o);
            json_object_set_new(mp, "titles", vcm_web_ltexts(&o.title));
            const vcm_ltext *why = vcm_ltexts_pick(&o.statement, "en");
            const vcm_ltext *desc = vcm_ltexts_pick(&o.description, "en");
            if (why)
                json_object_set_new(mp, "statement", json_pack("{s:s, s:s}", "lang", why->lang,
                                                               "text", why->text));
            else if (desc)
                json_object_set_new(mp, "description", json_pack("{s:s, s:s}", "lang",
                                                                 desc->lang, "text", desc->text));
            json_object_set_new(d, "motd", mp);
            json_t *share = vcm_web_share_image(req, &o);
            if (share)
                json_object_set_new(d, "og_image", share);
        }
        json_t *feat = json_array();
        for (int i = 1; i <= FEATURED && (int64_t)i < st.objects; i++) {
            r = pick(s, req->arena, date, i, with_image, st.objects_all, &o);
            if (r < 0) {
                json_decref(feat);
                json_decref(d);
                return vcm_web_store_error(req, resp, s);
            }
            if (r)
                json_array_append_new(feat, vcm_web_card(&o));
        }
        json_object_set_new(d, "featured", feat);
        if (home_origins(req, s, d) < 0) {
            json_decref(d);
            return vcm_web_store_error(req, resp, s);
        }
    }
    return vcm_web_page(req, resp, "home", d);
}
