/* The object page: the work first, then its facts, the museum's reasons why
 * it is a masterpiece, its description, and where the record comes from.
 * A schema.org VisualArtwork in JSON-LD describes it for search engines. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/i18n.h"
#include "core/l10n.h"
#include "model/json.h"
#include "web/curation.h"
#include "web/my.h"
#include "web/web.h"
#include "core/banned.h"

int vcm_web_masterpiece(vcm_req *req, vcm_store *s, vcm_object *o, vcm_masterpiece *mp)
{
    int r = vcm_masterpiece_of_object(s, req->arena, o->id, mp);
    if (r == 1)
        vcm_entry_apply(&mp->data, req->arena, o);
    return r;
}

json_t *vcm_web_statements_json(const vcm_masterpiece *mp)
{
    json_t *a = json_array();
    for (size_t i = 0; i < mp->data.nstatements; i++) {
        const vcm_statement *st = &mp->data.statements[i];
        char when[32] = "";
        if (st->date)
            vcm_time_iso(st->date, when);
        json_array_append_new(a, json_pack("{s:s, s:s, s:s*, s:s*}", "lang", st->lang, "text",
                                           st->text, "author", st->author, "date",
                                           when[0] ? when : NULL));
    }
    return a;
}

static void fact(const vcm_req *req, json_t *facts, const char *key, const char *value)
{
    json_t *f = json_object();
    json_object_set_new(f, "label", json_string(vcm_web_t(req, key)));
    if (value && *value)
        json_object_set_new(f, "value", json_string(value));
    json_array_append_new(facts, f);
}

/* A record's rights in JSON-LD: schema.org's license names a licence (a
 * Creative Commons URI); a RightsStatements.org URI is not one, so it is
 * usageInfo; anything else the source wrote is only a notice. */
static void jsonld_rights(json_t *j, const char *rights)
{
    if (!rights || !*rights)
        return;
    bool uri = strncmp(rights, "http://", 7) == 0 || strncmp(rights, "https://", 8) == 0;
    const char *key = !uri                                         ? "copyrightNotice"
                      : strstr(rights, "creativecommons.org/") ? "license"
                                                                   : "usageInfo";
    json_object_set_new(j, key, json_string(rights));
}

/* The metadata licence (an SPDX id such as CC0-1.0) as its SPDX page, or
 * as written when it is not an id. */
static json_t *spdx(vcm_req *req, const char *id)
{
    bool plain = *id != '\0';
    for (const char *p = id; plain && *p; p++)
        plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
                *p == '.' || *p == '-' || *p == '+';
    return json_string(plain ? vcm_arena_printf(req->arena, "https://spdx.org/licenses/%s", id)
                             : id);
}

/* The first image held here as a schema.org ImageObject: the IIIF image,
 * a thumbnail, its size and its own rights (the object's when the image
 * states none). Images the museum publishes elsewhere are not ours to
 * describe, so an object without one held here has no image at all. */
static json_t *jsonld_image(vcm_req *req, const vcm_object *o, const char *base)
{
    const vcm_media *m = o->nmedia ? &o->media[0] : NULL;
    const char *svc = m ? vcm_web_iiif_path(req, m->identifier) : NULL;
    if (!svc)
        return NULL;
    json_t *im = json_object();
    json_object_set_new(im, "@type", json_string("ImageObject"));
    json_object_set_new(im, "contentUrl",
                        json_string(vcm_arena_printf(req->arena, "%s%s/full/max/0/default.jpg",
                                                     base, svc)));
    json_object_set_new(im, "thumbnailUrl",
                        json_string(vcm_arena_printf(req->arena, "%s%s/full/!%d,%d/0/default.jpg",
                                                     base, svc, VCM_THUMB_SIZE, VCM_THUMB_SIZE)));
    json_object_set_new(im, "encodingFormat", json_string("image/jpeg"));
    if (m->width > 0 && m->height > 0) {
        json_object_set_new(im, "width", json_integer(m->width));
        json_object_set_new(im, "height", json_integer(m->height));
    }
    jsonld_rights(im, m->rights && *m->rights ? m->rights : o->rights);
    if (m->attribution)
        json_object_set_new(im, "creditText", json_string(m->attribution));
    return im;
}

static json_t *jsonld(vcm_req *req, const vcm_object *o, const vcm_museum *m, const char *base,
                      const char *url, const vcm_masterpiece *mp)
{
    json_t *j = json_object();
    json_object_set_new(j, "@context", json_string("https://schema.org"));
    json_object_set_new(j, "@type", json_string("VisualArtwork"));
    json_object_set_new(j, "@id", json_string(url));
    json_object_set_new(j, "url", json_string(url));
    json_t *names = json_array();
    for (size_t i = 0; i < o->title.n; i++)
        json_array_append_new(names, json_pack("{s:s, s:s}", "@language", o->title.v[i].lang,
                                               "@value", o->title.v[i].text));
    json_object_set_new(j, "name", names);
    if (o->description.n) {
        json_t *d = json_array();
        for (size_t i = 0; i < o->description.n; i++)
            json_array_append_new(d, json_pack("{s:s, s:s}", "@language",
                                               o->description.v[i].lang, "@value",
                                               o->description.v[i].text));
        json_object_set_new(j, "description", d);
    }
    /* why the museum holds it a masterpiece: the statements, with their
     * authors, as the work's abstract */
    if (mp && mp->data.nstatements) {
        json_t *ab = json_array();
        for (size_t i = 0; i < mp->data.nstatements; i++)
            json_array_append_new(ab, json_pack("{s:s, s:s}", "@language",
                                                mp->data.statements[i].lang, "@value",
                                                mp->data.statements[i].text));
        json_object_set_new(j, "abstract", ab);
    }
    if (o->ncreators) {
        json_t *c = json_array();
        for (size_t i = 0; i < o->ncreators; i++)
            json_array_append_new(c, json_pack("{s:s, s:s}", "@type", "Person", "name",
                                               o->creators[i]));
        json_object_set_new(j, "creator", c);
    }
    if (o->date_text)
        json_object_set_new(j, "dateCreated", json_string(o->date_text));
    if (o->materials)
        json_object_set_new(j, "artMedium", json_string(o->materials));
    if (o->classification)
        json_object_set_new(j, "artform", json_string(o->classification));
    if (o->culture)
        json_object_set_new(j, "genre", json_string(o->culture));
    /* Where the object comes from: schema.org's countryOfOrigin (a Country,
     * by its ISO code and name) and locationCreated (a Place: the region, and
     * the culture or dynasty when the thesaurus names it), never the holding
     * museum's country, which is the provider's. */
    const vcm_origin *g = &o->origin;
    const char *region = vcm_origin_region_slug(g->region);
    if (g->country[0])
        json_object_set_new(j, "countryOfOrigin",
                            json_pack("{s:s, s:s, s:s}", "@type", "Country", "identifier",
                                      g->country, "name", vcm_web_origin_label(req, g->country)));
    if (*region) {
        const char *culture = vcm_origin_culture_label(g->culture);
        json_t *place = json_pack("{s:s, s:s}", "@type", "Place", "name",
                                  vcm_web_origin_label(req, region));
        if (culture)
            json_object_set_new(place, "description", json_string(culture));
        json_object_set_new(j, "locationCreated", place);
    }
    if (o->dimensions)
        json_object_set_new(j, "size", json_string(o->dimensions));
    json_t *image = jsonld_image(req, o, base);
    if (image)
        json_object_set_new(j, "image", image);
    jsonld_rights(j, o->rights);
    if (o->source_id)
        json_object_set_new(j, "identifier", json_string(o->source_id));
    if (o->credit_line)
        json_object_set_new(j, "creditText", json_string(o->credit_line));
    if (o->source_url)
        json_object_set_new(j, "sameAs", json_string(o->source_url));
    /* The record (the text of this page and of the API) has a licence of
     * its own, apart from the rights in the object and its images. */
    json_t *rec = json_object();
    json_object_set_new(rec, "@type", json_string("CreativeWork"));
    const char *api = vcm_arena_printf(req->arena, "%s/api/v1/objects/%lld", base, (long long)o->id);
    json_object_set_new(rec, "url", json_string(api));
    json_object_set_new(rec, "encodingFormat", json_string("application/json"));
    if (o->licence && *o->licence)
        json_object_set_new(rec, "license", spdx(req, o->licence));
    json_object_set_new(j, "subjectOf", rec);
    json_t *prov = json_object();
    json_object_set_new(prov, "@type", json_string("Museum"));
    json_object_set_new(prov, "name", json_string(vcm_web_name(&m->names)));
    if (m->website)
        json_object_set_new(prov, "url", json_string(m->website));
    json_object_set_new(j, "provider", prov);
    return j;
}

/* Rights under which anyone may take the whole image. */
static bool open_rights(const char *uri)
{
    return uri && (strstr(uri, "creativecommons.org/publicdomain/") ||
                   strstr(uri, "creativecommons.org/licenses/by/") ||
                   strstr(uri, "rightsstatements.org/vocab/NoC-"));
}

/* The images of an object: a deep-zoom source (info.json) for the viewer,
 * and IIIF sizes for pages read without JavaScript. */
static json_t *images(vcm_req *req, const vcm_object *o)
{
    json_t *arr = json_array();
    const char *title = vcm_web_title(req, o);
    for (size_t i = 0; i < o->nmedia; i++) {
        const vcm_media *m = &o->media[i];
        vcm_buf b;
        vcm_buf_init(&b, 4096);
        vcm_buf_puts(&b, "/iiif/");
        vcm_buf_urlenc(&b, m->identifier, strlen(m->identifier));
        if (b.toobig) {
            vcm_buf_release(&b);
            continue;
        }
        const char *svc = vcm_arena_strdup(req->arena, b.data);
        vcm_buf_release(&b);
        json_t *im = json_object();
        json_object_set_new(im, "info", json_string(vcm_arena_printf(req->arena, "%s/info.json", svc)));
        json_object_set_new(im, "small", json_string(vcm_arena_printf(req->arena, "%s/full/!600,600/0/default.jpg", svc)));
        json_object_set_new(im, "large", json_string(vcm_arena_printf(req->arena, "%s/full/!1200,1200/0/default.jpg", svc)));
        json_object_set_new(im, "thumb", json_string(vcm_arena_printf(req->arena, "%s/full/!200,200/0/default.jpg", svc)));
        json_object_set_new(im, "width", json_integer(m->width));
        json_object_set_new(im, "height", json_integer(m->height));
        json_object_set_new(im, "alt", json_string(m->label && *m->label
                                                       ? vcm_arena_printf(req->arena, "%s: %s", title, m->label)
                                                       : vcm_arena_printf(req->arena, "%s (%zu/%zu)", title, i + 1, o->nmedia)));
        if (m->attribution)
            json_object_set_new(im, "attribution", json_string(m->attribution));
        if (open_rights(m->rights ? m->rights : o->rights))
            json_object_set_new(im, "download", json_string(vcm_arena_printf(req->arena, "%s/full/max/0/default.jpg", svc)));
        json_array_append_new(arr, im);
    }
    return arr;
}

/* Until an image is held here, the page links to where the museum
 * publishes it (the links its record gives), and says that it is there. */
static int remote_images(vcm_req *req, vcm_store *s, const vcm_object *o, json_t *d)
{
    vcm_link *l;
    size_t n;
    if (s->ops->object_links(s, req->arena, o->id, &l, &n) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(l[i].rel, "image") == 0 && !json_object_get(d, "remote_image"))
            json_object_set_new(d, "remote_image", json_string(l[i].url));
        else if (strcmp(l[i].rel, "iiif-image") == 0 && !json_object_get(d, "remote_iiif"))
            json_object_set_new(d, "remote_iiif",
                                json_string(vcm_arena_printf(req->arena, "%s/info.json", l[i].url)));
        else if (strcmp(l[i].rel, "iiif-manifest") == 0 && !json_object_get(d, "remote_manifest"))
            json_object_set_new(d, "remote_manifest", json_string(l[i].url));
    }
    if (n)
        json_object_set_new(d, "remote", json_true());
    return 0;
}

/* What a search result or a shared link says of the object: its title,
 * who made it and when, and which museum holds it. */
static const char *describe(vcm_req *req, const vcm_object *o, const vcm_museum *m)
{
    const char *by = NULL;
    if (o->ncreators) {
        vcm_buf b;
        vcm_buf_init(&b, 2048);
        for (size_t i = 0; i < o->ncreators; i++) {
            if (i)
                vcm_buf_puts(&b, "; ");
            vcm_buf_puts(&b, o->creators[i]);
        }
        by = b.toobig ? NULL : vcm_arena_strdup(req->arena, b.data);
        vcm_buf_release(&b);
    }
    const char *date = o->date_text && *o->date_text ? o->date_text : NULL;
    const char *museum = vcm_web_name(&m->names);
    const char *title = vcm_web_title(req, o);
    if (by && date)
        return vcm_web_tfv(req, "meta.object", 4, (const char *[]){title, by, date, museum});
    if (by)
        return vcm_web_tfv(req, "meta.object.undated", 3, (const char *[]){title, by, museum});
    if (date)
        return vcm_web_tfv(req, "meta.object.anonymous", 3, (const char *[]){title, date, museum});
    return vcm_web_tfv(req, "meta.object.anonymous_undated", 2, (const char *[]){title, museum});
}

int vcm_page_object(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s;
    vcm_object o;
    if (vcm_web_load_object(req, resp, &s, &o) <= 0)
        return 0;
    vcm_museum m;
    vcm_country c;
    vcm_masterpiece mp;
    int r = vcm_web_masterpiece(req, s, &o, &mp);
    if (r < 0)
        return vcm_web_store_error(req, resp, s);
    bool is_mp = r == 1;
    if ((r = s->ops->museum_get(s, req->arena, o.museum_id, &m)) <= 0 ||
        (r = s->ops->country_get(s, req->arena, m.country, &c)) <= 0)
        return vcm_web_store_error(req, resp, s);

    const char *base = vcm_web_base(req);
    char *url = vcm_arena_printf(req->arena, "%s/objects/%lld", base, (long long)o.id);
    json_t *d = json_object(), *obj = json_object();
    const char *title = vcm_web_title(req, &o);
    json_object_set_new(d, "page_title", json_string(title));
    json_object_set_new(d, "canonical", json_string(url));
    json_object_set_new(d, "meta_description", json_string(describe(req, &o, &m)));
    json_t *share = vcm_web_share_image(req, &o);
    if (share)
        json_object_set_new(d, "og_image", share);
    json_object_set_new(obj, "id", json_integer(o.id));
    json_object_set_new(obj, "title", json_string(title));
    json_object_set_new(obj, "titles", vcm_web_texts_json(req, &o.title));
    json_object_set_new(obj, "bilingual", json_boolean(o.title.n > 1));
    json_object_set_new(obj, "untitled", json_boolean(o.title.n == 0));
    json_t *cr = json_array();
    for (size_t i = 0; i < o.ncreators; i++)
        json_array_append_new(cr, json_string(o.creators[i]));
    json_object_set_new(obj, "creators", cr);
    json_object_set_new(obj, "date", o.date_text ? json_string(o.date_text) : json_null());
    json_object_set_new(obj, "culture", o.culture ? json_string(o.culture) : json_null());
    json_object_set_new(obj, "origin", vcm_web_origin_json(req, &o.origin));
    /* its creators', place's, period's, materials' and themes' pages */
    json_object_set_new(obj, "related", vcm_curation_related(req, s, &o));
    /* which one this page shows: a masterpiece, with its statements and
     * their authors, or a record of the museum's catalogue */
    json_t *sts = is_mp ? vcm_web_statements_json(&mp) : vcm_web_ltexts(&o.statement);
    /* the day of each statement in the visitor's language; the ISO time
     * stays for <time datetime> */
    for (size_t i = 0; is_mp && i < mp.data.nstatements && i < json_array_size(sts); i++)
        if (mp.data.statements[i].date) {
            char day[96];
            vcm_l10n_day(vcm_web_lang(req), mp.data.statements[i].date, day, sizeof day);
            json_object_set_new(json_array_get(sts, i), "date_text", json_string(day));
        }
    json_object_set_new(obj, "statement", sts);
    json_object_set_new(obj, "masterpiece", json_boolean(is_mp));
    json_object_set_new(obj, "catalogue_url",
                        json_string(vcm_web_href(
                            req, vcm_arena_printf(req->arena, "/browse?view=catalogue&museum=%lld",
                                                  (long long)o.museum_id))));
    json_object_set_new(
        obj, "masterpieces_url",
        json_string(vcm_web_href(
            req, vcm_arena_printf(req->arena, "/browse?museum=%lld", (long long)o.museum_id))));
    json_object_set_new(obj, "description", vcm_web_texts_json(req, &o.description));
    json_object_set_new(obj, "notes", vcm_web_public_notes(&o.notes));
    json_object_set_new(obj, "two_descriptions", json_boolean(o.description.n > 1));
    json_object_set_new(obj, "rights", o.rights ? json_string(o.rights) : json_null());
    json_object_set_new(obj, "rights_label", json_string(vcm_web_rights_label(req, o.rights)));
    json_object_set_new(obj, "licence", o.licence ? json_string(o.licence) : json_null());
    json_object_set_new(obj, "source_licence",
                        o.source_licence ? json_string(o.source_licence) : json_null());
    json_object_set_new(obj, "rights_info", vcm_web_rights_json(req, &o));
    json_object_set_new(obj, "source_url", o.source_url ? json_string(o.source_url) : json_null());
    json_object_set_new(obj, "source_id", json_string(o.source_id));
    json_object_set_new(obj, "museum", json_pack("{s:I, s:s, s:s*}", "id", (json_int_t)m.id,
                                                 "name", vcm_web_name(&m.names), "website",
                                                 m.website));
    json_object_set_new(obj, "country", json_pack("{s:s, s:s, s:s}", "code", c.code, "name",
                                                  vcm_web_name(&c.names), "region",
                                                  vcm_region_name(c.region)));
    json_t *facts = json_array();
    const char *years = NULL;
    if (o.date_start != VCM_NO_YEAR) {
        /* the language's own years and range ("1603 – 1868", "1603年～1868年"),
         * BCE as its era, never a minus sign; the museum's date text stays
         * as written */
        char yb[160];
        int32_t end = o.date_end != VCM_NO_YEAR ? o.date_end : o.date_start;
        vcm_l10n_years(vcm_web_lang(req), o.date_start, end, yb, sizeof yb);
        years = vcm_arena_strdup(req->arena, yb);
    }
    fact(req, facts, "object.date", o.date_text);
    fact(req, facts, "object.years", years);
    fact(req, facts, "object.period", o.period);
    fact(req, facts, "object.culture", o.culture);
    fact(req, facts, "object.classification", o.classification);
    /* the thesaurus' concepts beside the museum's own words (web/terms.c) */
    const char *concept = vcm_web_class_concept(req, o.classification);
    if (concept)
        fact(req, facts, "object.concept", concept);
    fact(req, facts, "object.materials", o.materials);
    const char *mats = vcm_web_material_concepts(req, &o);
    if (mats)
        fact(req, facts, "object.material_concepts", mats);
    fact(req, facts, "object.technique", o.technique);
    fact(req, facts, "object.dimensions", o.dimensions);
    fact(req, facts, "object.inventory", o.inventory_number ? o.inventory_number : o.source_id);
    fact(req, facts, "object.credit", o.credit_line);
    json_object_set_new(d, "facts", facts);
    /* comments and saving to a collection (comments.c) */
    if (vcm_web_object_visitor(req, s, &o, obj) < 0) {
        json_decref(d);
        json_decref(obj);
        return vcm_web_store_error(req, resp, s);
    }
    json_object_set_new(d, "object", obj);
    json_object_set_new(d, "api_url", json_string(vcm_arena_printf(
                                          req->arena, "/api/v1/objects/%lld", (long long)o.id)));
    /* the object's record in the museum formats (formats.c), linked from
     * the page and announced in its head */
    json_t *alt = json_array();
    static const char *const fmts[][3] = {
        {"lido.xml", "object.format_lido", "application/xml"},
        {"edm.xml", "object.format_edm", "application/xml"},
        {"jsonld", "object.format_linkedart", "application/ld+json"}};
    for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++)
        json_array_append_new(
            alt, json_pack("{s:s, s:s, s:s}", "type", fmts[i][2], "label",
                           vcm_web_t(req, fmts[i][1]), "href",
                           vcm_arena_printf(req->arena, "/objects/%lld.%s", (long long)o.id,
                                            fmts[i][0])));
    json_object_set_new(d, "alternates", alt);
    json_object_set_new(d, "jsonld", jsonld(req, &o, &m, base, url, is_mp ? &mp : NULL));
    if (o.nmedia) {
        json_object_set_new(d, "viewer", json_true());
        json_object_set_new(d, "images", images(req, &o));
        json_object_set_new(d, "manifest", json_string(vcm_arena_printf(
                                               req->arena, "/iiif/manifest/%lld", (long long)o.id)));
    } else if (remote_images(req, s, &o, d) < 0) {
        return vcm_web_store_error(req, resp, s);
    }
    return vcm_web_page(req, resp, "object", d);
}
