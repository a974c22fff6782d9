/* The timeline (web/curation.h): the published masterpieces by the start
 * year of their date, grouped by century, each linking to its object.
 * Server-rendered, a list per century: nothing to run in the browser. */
#include <stdio.h>
#include <string.h>

#include "core/l10n.h"
#include "store/theme.h"
#include "web/curation.h"
#include "core/banned.h"

int vcm_page_timeline(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    int64_t *ids;
    int32_t *start, *end;
    size_t n;
    if (vcm_masterpiece_dates(s, req->arena, &ids, &start, &end, &n) < 0)
        return vcm_web_store_error(req, resp, s);
    vcm_object *objs = vcm_arena_calloc(req->arena, n ? n : 1, sizeof *objs);
    bool *found = vcm_arena_calloc(req->arena, n ? n : 1, sizeof *found);
    if (!objs || !found)
        return -1;
    if (n && s->ops->object_get_many(s, req->arena, ids, n, objs, found) < 0)
        return vcm_web_store_error(req, resp, s);
    json_t *d = json_object(), *groups = json_array(), *cur = NULL;
    int century = 0;
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        if (!found[i])
            continue;
        int c = vcm_century(start[i]);
        if (first || c != century) {
            first = false;
            century = c;
            cur = json_array();
            /* "9th century", "3rd century BCE" in the visitor's language */
            json_array_append_new(groups, json_pack("{s:s, s:o}", "label",
                                                    vcm_web_century(req, c), "items", cur));
        }
        json_t *card = vcm_web_card(req, &objs[i]);
        char year[128];
        if (vcm_l10n_year(vcm_web_lang(req), start[i], year, sizeof year) < 0)
            snprintf(year, sizeof year, "%d", (int)start[i]);
        json_object_set_new(card, "year", json_string(year));
        json_array_append_new(cur, card);
    }
    json_object_set_new(d, "page_title", json_string(vcm_web_t(req, "timeline.title")));
    json_object_set_new(d, "meta_description", json_string(vcm_web_t(req, "timeline.intro")));
    json_object_set_new(d, "groups", groups);
    json_object_set_new(d, "total", json_integer((json_int_t)n));
    return vcm_web_page(req, resp, "timeline", d);
}
