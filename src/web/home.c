/* The home page: what the collection holds, the Masterpiece of the Day and a
 * few featured masterpieces. Both change with the date (UTC) and are the
 * same for every visitor on that date. Only published masterpieces (the
 * museums' entries) are shown here; the catalogue is linked. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "core/l10n.h"
#include "core/log.h"
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

/* The Masterpiece of the Day (stored when first picked: store/entry.h) and
 * FEATURED other masterpieces, the day's number choosing where in their
 * list the featured start, so that they change with the date and are the
 * same for everyone. Masterpieces only: the catalogue is one link away. */
static int home_masterpieces(vcm_req *req, vcm_store *s, const char *date, json_t *d)
{
    int64_t total;
    vcm_masterpiece *mps;
    size_t n;
    if (vcm_masterpiece_list(s, req->arena, 0, 0, 1, &mps, &n, &total) < 0)
        return -1;
    json_object_set_new(d, "masterpieces", json_integer(total));
    if (total == 0)
        return 0;
    int64_t object_id = 0, entry_id = 0;
    int r = vcm_motd_get(s, date, &object_id, &entry_id);
    if (r < 0) /* a standby cannot store the day's pick: no pick, the rest of the page */
        vcm_warn("masterpiece of the day", "error=\"%s\"", vcm_store_error(s));
    vcm_object o;
    if (r == 1 && (r = s->ops->object_get(s, req->arena, object_id, &o)) < 0)
        return -1;
    vcm_masterpiece mp;
    if (r == 1 && o.status == VCM_PUBLISHED && vcm_web_masterpiece(req, s, &o, &mp) == 1) {
        json_t *card = vcm_web_card(req, &o);
        json_object_set_new(card, "titles", vcm_web_ltexts(&o.title));
        json_t *sts = vcm_web_statements_json(&mp);
        /* the English statement first, as pages show it */
        json_t *first = json_array_get(sts, 0);
        for (size_t i = 0; i < json_array_size(sts); i++)
            if (strcmp(json_string_value(json_object_get(json_array_get(sts, i), "lang")),
                       "en") == 0)
                first = json_array_get(sts, i);
        if (first)
            json_object_set(card, "statement", first);
        json_decref(sts);
        json_object_set_new(d, "motd", card);
        json_t *share = vcm_web_share_image(req, &o);
        if (share)
            json_object_set_new(d, "og_image", share);
    }
    int64_t start = total > FEATURED ? (int64_t)(day_hash(date, 1) % (uint64_t)(total - FEATURED + 1))
                                     : 0;
    if (vcm_masterpiece_list(s, req->arena, 0, start, FEATURED + 1, &mps, &n, NULL) < 0)
        return -1;
    int64_t *ids = vcm_arena_alloc(req->arena, (n + 1) * sizeof *ids);
    vcm_object *objs = vcm_arena_alloc(req->arena, (n + 1) * sizeof *objs);
    bool *found = vcm_arena_alloc(req->arena, (n + 1) * sizeof *found);
    if (!ids || !objs || !found)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < n && k < FEATURED; i++)
        if (!json_object_get(d, "motd") || mps[i].entry.object_id != object_id)
            ids[k++] = mps[i].entry.object_id;
    if (k && s->ops->object_get_many(s, req->arena, ids, k, objs, found) < 0)
        return -1;
    json_t *feat = json_array();
    for (size_t i = 0; i < k; i++)
        if (found[i] && objs[i].status == VCM_PUBLISHED) {
            vcm_entry_apply(&mps[i].data, req->arena, &objs[i]);
            json_array_append_new(feat, vcm_web_card(req, &objs[i]));
        }
    json_object_set_new(d, "featured", feat);
    return 0;
}

#define HOME_ORIGINS 8

/* "From China · Japan · Korea · India …": the countries most objects come
 * from, then the regions, with counts and browse links (the store's origin
 * facets for the whole collection, cached as browse's are; the other eight
 * facets took over ten seconds more at 1,000,000 records). */
static int home_origins(vcm_req *req, vcm_store *s, json_t *d)
{
    vcm_filter f = {0};
    vcm_facets fc;
    if (s->ops->object_origins(s, req->arena, &f, &fc) < 0)
        return -1;
    json_t *countries = json_array(), *regions = json_array();
    for (size_t i = 0; i < fc.norigin_country && i < HOME_ORIGINS; i++)
        json_array_append_new(
            countries, json_pack("{s:s, s:I, s:s}", "label",
                                 vcm_web_origin_label(req, fc.origin_country[i].value), "count",
                                 (json_int_t)fc.origin_country[i].count, "url",
                                 vcm_web_href(req, vcm_arena_printf(req->arena, "/browse?origin=%s",
                                                                    fc.origin_country[i].value))));
    for (size_t i = 0; i < fc.norigin; i++)
        json_array_append_new(
            regions,
            json_pack("{s:s, s:I, s:s}", "label", vcm_web_origin_label(req, fc.origin[i].value),
                      "count", (json_int_t)fc.origin[i].count, "url",
                      vcm_web_href(req, vcm_arena_printf(req->arena, "/browse?origin=%s",
                                                         fc.origin[i].value))));
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
    json_object_set_new(d, "page_title", json_string(vcm_web_t(req, "site.name")));
    json_object_set_new(d, "is_home", json_true());
    json_object_set_new(d, "canonical", json_string(vcm_arena_printf(req->arena, "%s/",
                                                                     vcm_web_base(req))));
    json_object_set_new(d, "stats", json_pack("{s:I, s:I, s:I}", "objects",
                                              (json_int_t)st.objects, "museums",
                                              (json_int_t)st.museums, "countries",
                                              (json_int_t)st.countries));
    json_object_set_new(d, "empty", json_boolean(st.objects == 0));
    /* three counts, each with its noun in the language's plural */
    const char *counts[] = {vcm_web_tn(req, "count.objects", st.objects),
                            vcm_web_tn(req, "count.museums", st.museums),
                            vcm_web_tn(req, "count.countries", st.countries)};
    json_object_set_new(d, "meta_description", json_string(vcm_web_tfv(req, "meta.home", 3, counts)));

    char date[16];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%Y-%m-%d", &tm);
    json_object_set_new(d, "today", json_string(date));
    char day[96];
    vcm_l10n_day(vcm_web_lang(req), (int64_t)now, day, sizeof day);
    json_object_set_new(d, "today_text", json_string(day));
    json_object_set_new(d, "feed", json_string("/feeds/masterpiece-of-the-day.atom"));
    if (home_masterpieces(req, s, date, d) < 0) {
        json_decref(d);
        return vcm_web_store_error(req, resp, s);
    }
    if (st.objects > 0 && home_origins(req, s, d) < 0) {
        json_decref(d);
        return vcm_web_store_error(req, resp, s);
    }
    return vcm_web_page(req, resp, "home", d);
}
