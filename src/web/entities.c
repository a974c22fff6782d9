/* Entity pages (web/curation.h): a person of thesaurus/names.tsv, a place,
 * period or material of the thesaurus, each with its names in every
 * language and script the thesaurus gives, its published objects (paged)
 * and a link to browse or search them. A page's objects come from the
 * store (store/theme.h, vcm_entity_objects): a person's by the names their
 * records give the creator, a place's and a period's by the objects'
 * derived origin (and a period's also by date within its country), a
 * material's by the concepts kept per object (object_terms). */
#include <string.h>

#include "search/names.h"
#include "search/thesaurus.h"
#include "store/theme.h"
#include "web/curation.h"
#include "core/banned.h"

#define PAGE_SIZE 24

static const vcm_th_entry *th_find(vcm_th_kind kind, const char *id)
{
    const vcm_thesaurus *th = vcm_thesaurus_builtin();
    size_t n = th ? vcm_thesaurus_count(th) : 0;
    for (size_t i = 0; i < n; i++) {
        const vcm_th_entry *e = vcm_thesaurus_entry(th, i);
        if (e->kind == kind && strcmp(e->id, id) == 0)
            return e;
    }
    return NULL;
}

/* [{lang, label, text}]: every name, the languages first, variants after. */
static json_t *names_json(vcm_req *req, const vcm_th_entry *e)
{
    json_t *l = json_array();
    for (size_t i = 0; i < e->nnames; i++)
        if (!e->names[i].typed_only || e->names[i].lang[0]) {
            const char *lang = e->names[i].lang;
            json_array_append_new(l, json_pack("{s:s, s:s, s:s}", "lang", lang, "label",
                                               lang[0] ? vcm_web_lang_label(req, lang) : "",
                                               "text", e->names[i].text));
        }
    return l;
}

/* The entry's name in lang, else in English, else its id; *in is set to
 * the language of what is returned (pages mark it with lang). */
static const char *label_in(const vcm_th_entry *e, const char *lang, const char **in)
{
    const char *en = e->id;
    for (size_t i = 0; i < e->nnames; i++) {
        if (lang && strcmp(e->names[i].lang, lang) == 0) {
            *in = e->names[i].lang;
            return e->names[i].text;
        }
        if (strcmp(e->names[i].lang, "en") == 0 && en == e->id)
            en = e->names[i].text;
    }
    *in = "en";
    return en;
}

static const char *label_of(const vcm_th_entry *e, const char *lang)
{
    const char *in;
    return label_in(e, lang, &in);
}

static int entity_page(vcm_req *req, vcm_resp *resp, const vcm_entity_query *q,
                       const char *title, const char *title_lang, json_t *names,
                       const char *kind_key,
                       const char *base, const char *browse_url)
{
    vcm_store *s = vcm_web_store(req, resp);
    if (!s) {
        json_decref(names);
        return 0;
    }
    int64_t page = vcm_curation_page(req), total;
    int64_t *ids;
    size_t n;
    if (vcm_entity_objects(s, req->arena, q, (page - 1) * PAGE_SIZE, PAGE_SIZE, &ids, &n,
                           &total) < 0) {
        json_decref(names);
        return vcm_web_store_error(req, resp, s);
    }
    json_t *items = vcm_curation_cards(req, s, ids, n);
    if (!items) {
        json_decref(names);
        return vcm_web_store_error(req, resp, s);
    }
    json_t *d = json_object();
    json_object_set_new(d, "page_title", json_string(title));
    json_object_set_new(d, "title_lang", json_string(title_lang));
    json_object_set_new(d, "kind", json_string(vcm_web_t(req, kind_key)));
    json_object_set_new(d, "meta_description",
                        json_string(vcm_web_tnv(req, "entity.meta", total, 1,
                                                (const char *[]){title})));
    json_object_set_new(d, "names", names);
    json_object_set_new(d, "items", items);
    json_object_set_new(d, "total", json_integer(total));
    if (browse_url)
        json_object_set_new(d, "browse_url", json_string(vcm_web_href(req, browse_url)));
    vcm_curation_pager(req, d, vcm_web_href(req, base), page, total, PAGE_SIZE);
    return vcm_web_page(req, resp, "entity", d);
}

int vcm_page_person(vcm_req *req, vcm_resp *resp)
{
    const char *id = vcm_req_param(req, "id");
    const vcm_names *nm = vcm_names_builtin();
    const vcm_name_entry *p = NULL;
    for (size_t i = 0; nm && id && i < vcm_names_count(nm) && !p; i++)
        if (strcmp(vcm_names_entry(nm, i)->id, id) == 0)
            p = vcm_names_entry(nm, i);
    if (!p)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "entity.missing"));
    vcm_entity_query q = {.kind = VCM_ENTITY_PERSON, .id = p->id};
    json_t *names = json_array();
    for (size_t i = 0; i < p->nnames && i < VCM_ENTITY_NAMES; i++) {
        q.names[i] = p->names[i];
        json_array_append_new(names, json_pack("{s:s, s:s, s:s}", "lang", "", "label", "",
                                               "text", p->names[i]));
    }
    /* the search for the name, escaped for the URL */
    vcm_buf b;
    vcm_buf_init(&b, 1024);
    vcm_buf_puts(&b, "/search?q=");
    vcm_buf_urlenc(&b, p->label, strlen(p->label));
    const char *search = b.toobig ? NULL : vcm_arena_strdup(req->arena, b.data);
    vcm_buf_release(&b);
    return entity_page(req, resp, &q, p->label, "", names, "entity.person",
                       vcm_arena_printf(req->arena, "/people/%s", p->id), search);
}

static int th_page(vcm_req *req, vcm_resp *resp, vcm_th_kind kind, vcm_entity_kind ek,
                   const char *path, const char *kind_key)
{
    const char *id = vcm_req_param(req, "id");
    const vcm_th_entry *e = id ? th_find(kind, id) : NULL;
    if (!e)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "entity.missing"));
    vcm_entity_query q = {.kind = ek, .id = e->id, .start = e->start, .end = e->end};
    static const struct {
        unsigned bit;
        const char *code;
    } regions[] = {{VCM_TH_CN, "CN"}, {VCM_TH_KR, "KR"}, {VCM_TH_JP, "JP"}, {VCM_TH_IN, "IN"}};
    /* a period of one country's history: also the objects made there then */
    for (size_t i = 0; ek == VCM_ENTITY_PERIOD && e->has_years && i < 4; i++)
        if (e->regions == regions[i].bit)
            memcpy(q.country, regions[i].code, 3);
    const char *browse = ek == VCM_ENTITY_MATERIAL
                             ? vcm_arena_printf(req->arena, "/browse?material=%s", e->id)
                             : NULL;
    const char *in;
    const char *title = label_in(e, vcm_web_lang(req), &in);
    return entity_page(req, resp, &q, title, in, names_json(req, e), kind_key,
                       vcm_arena_printf(req->arena, "/%s/%s", path, e->id), browse);
}

int vcm_page_place(vcm_req *req, vcm_resp *resp)
{
    return th_page(req, resp, VCM_TH_PLACE, VCM_ENTITY_PLACE, "places", "entity.place");
}

int vcm_page_period(vcm_req *req, vcm_resp *resp)
{
    return th_page(req, resp, VCM_TH_PERIOD, VCM_ENTITY_PERIOD, "periods", "entity.period");
}

int vcm_page_material(vcm_req *req, vcm_resp *resp)
{
    return th_page(req, resp, VCM_TH_MATERIAL, VCM_ENTITY_MATERIAL, "materials",
                   "entity.material");
}

const char *vcm_curation_place_label(vcm_req *req, const char *value)
{
    const vcm_th_entry *e = NULL;
    if (strncmp(value, "place:", 6) == 0)
        e = th_find(VCM_TH_PLACE, value + 6);
    else if (strncmp(value, "period:", 7) == 0)
        e = th_find(VCM_TH_PERIOD, value + 7);
    return e ? label_of(e, vcm_web_lang(req)) : value;
}

/* ---- the object page's links ------------------------------------------------- */

static void related_add(json_t *l, const char *url, const char *kind, const char *label)
{
    size_t i;
    json_t *it;
    json_array_foreach(l, i, it)
        if (strcmp(json_string_value(json_object_get(it, "url")), url) == 0)
            return;
    json_array_append_new(l, json_pack("{s:s, s:s, s:s}", "url", url, "kind", kind, "label",
                                       label));
}

json_t *vcm_curation_related(vcm_req *req, vcm_store *s, const vcm_object *o)
{
    json_t *l = json_array();
    const vcm_names *nm = vcm_names_builtin();
    for (size_t i = 0; nm && i < o->ncreators; i++) {
        const vcm_name_entry *p =
            vcm_names_of_creator(nm, o->creators[i], strlen(o->creators[i]));
        if (p)
            related_add(l, vcm_web_href(req, vcm_arena_printf(req->arena, "/people/%s", p->id)),
                        vcm_web_t(req, "entity.person"), p->label);
    }
    const char *c = o->origin.culture;
    const vcm_th_entry *e = NULL;
    if (strncmp(c, "place:", 6) == 0 && (e = th_find(VCM_TH_PLACE, c + 6)))
        related_add(l, vcm_web_href(req, vcm_arena_printf(req->arena, "/places/%s", e->id)),
                    vcm_web_t(req, "entity.place"), label_of(e, vcm_web_lang(req)));
    if (strncmp(c, "period:", 7) == 0 && (e = th_find(VCM_TH_PERIOD, c + 7)))
        related_add(l, vcm_web_href(req, vcm_arena_printf(req->arena, "/periods/%s", e->id)),
                    vcm_web_t(req, "entity.period"), label_of(e, vcm_web_lang(req)));
    json_t *concepts = vcm_web_concepts_json(req, o);
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(concepts, "materials"), i, m)
    {
        const char *id = json_string_value(json_object_get(m, "id"));
        if (id && (e = th_find(VCM_TH_MATERIAL, id)))
            related_add(l, vcm_web_href(req, vcm_arena_printf(req->arena, "/materials/%s", id)),
                        vcm_web_t(req, "entity.material"), label_of(e, vcm_web_lang(req)));
    }
    json_decref(concepts);
    const char **slugs, **titles;
    size_t n;
    if (vcm_theme_of_object(s, req->arena, o->id, vcm_web_lang(req), &slugs, &titles, &n) == 0)
        for (size_t k = 0; k < n; k++)
            related_add(l, vcm_web_href(req, vcm_arena_printf(req->arena, "/themes/%s", slugs[k])),
                        vcm_web_t(req, "entity.theme"), titles[k]);
    return l;
}
