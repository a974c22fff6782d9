/* An object in Linked Art (linkedart.h).
 *
 * The document follows the Linked Art model for objects
 * (https://linked.art/model/object/): a HumanMadeObject with its names
 * (Name, with their languages) and the museum's number (Identifier), its
 * type and materials where the thesaurus gives their Getty AAT concept
 * (the source column of the thesaurus files), its production (TimeSpan from the
 * years, the creators, where it comes from), the texts about it
 * (LinguisticObject, each typed: description, dimensions, materials,
 * credit line, rights), the museum as its owner and keeper (Group), the
 * IIIF manifest and the museum's own page (subject_of), its images
 * (representation: VisualItem shown by DigitalObjects) and its rights
 * (subject_to a Right). Nothing here is a sentence for a visitor: labels
 * are the record's own words and the model's type names. */
#include "web/linkedart.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/asset.h"
#include "search/terms.h"
#include "search/thesaurus.h"
#include "web/web.h"
#include "core/banned.h"

#define AAT "http://vocab.getty.edu/aat/"

/* ---- content negotiation ---------------------------------------------- */

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && strcmp(s + n - k, suffix) == 0;
}

/* The q of each media range of an Accept header that matches type (a
 * wildcard counts only when nothing more precise is listed). */
static double accept_q(const char *accept, const char *type)
{
    double exact = -1, partial = -1, any = -1;
    const char *slash = strchr(type, '/');
    size_t major = slash ? (size_t)(slash - type) : strlen(type);
    for (const char *p = accept; p && *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t len = strcspn(p, ";,");
        const char *range = p;
        while (len && range[len - 1] == ' ')
            len--;
        double q = 1;
        const char *e = p + strcspn(p, ",");
        for (const char *s = strchr(p, ';'); s && s < e; s = strchr(s + 1, ';')) {
            const char *v = s + 1;
            while (*v == ' ')
                v++;
            if ((v[0] == 'q' || v[0] == 'Q') && v[1] == '=') {
                char *end;
                q = strtod(v + 2, &end);
                if (end == v + 2 || q < 0 || q > 1)
                    q = 0;
            }
        }
        if (len == strlen(type) && strncasecmp(range, type, len) == 0)
            exact = q;
        else if (len == major + 2 && strncasecmp(range, type, major + 1) == 0 &&
                 range[major + 1] == '*')
            partial = q;
        else if (len == 3 && strncmp(range, "*/*", 3) == 0)
            any = q;
        p = *e ? e + 1 : e;
    }
    return exact >= 0 ? exact : partial >= 0 ? partial : any >= 0 ? any : 0;
}

bool vcm_linkedart_wanted(const vcm_req *req)
{
    const char *id = vcm_req_param(req, "id");
    if (id && has_suffix(id, ".jsonld"))
        return true;
    const char *accept = vcm_req_header(req, "Accept");
    if (!accept)
        return false;
    double ld = accept_q(accept, "application/ld+json");
    return ld > 0 && ld > accept_q(accept, "text/html");
}

/* ---- the document ----------------------------------------------------- */

static json_t *type_ref(const char *id, const char *label)
{
    json_t *t = json_pack("{s:s, s:s}", "id", id, "type", "Type");
    if (label)
        json_object_set_new(t, "_label", json_string(label));
    return t;
}

static json_t *aat_type(const char *number, const char *label)
{
    char id[80];
    snprintf(id, sizeof id, AAT "%s", number);
    return type_ref(id, label);
}

/* Languages as the model names them: Getty AAT concepts for those the
 * collection holds, else only the tag. */
static json_t *language(const char *tag)
{
    static const struct {
        const char *tag, *aat, *label;
    } langs[] = {{"en", "300388277", "English"}, {"zh", "300388113", "Chinese"},
                 {"ja", "300388486", "Japanese"}, {"ko", "300388633", "Korean"},
                 {"fr", "300388306", "French"},  {"de", "300388344", "German"}};
    size_t n = strcspn(tag, "-");
    for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++)
        if (strlen(langs[i].tag) == n && strncmp(tag, langs[i].tag, n) == 0) {
            char id[80];
            snprintf(id, sizeof id, AAT "%s", langs[i].aat);
            return json_pack("[{s:s, s:s, s:s}]", "id", id, "type", "Language", "_label",
                             langs[i].label);
        }
    return json_pack("[{s:s, s:s}]", "type", "Language", "_label", tag);
}

/* A text about the object, typed by an AAT concept ("Description"…) that
 * is itself typed as a brief text, as the model's statements are. */
static void statement(json_t *refs, const char *text, const char *lang, const char *aat,
                      const char *label)
{
    if (!text || !*text)
        return;
    json_t *t = aat_type(aat, label);
    json_object_set_new(t, "classified_as", json_pack("[o]", aat_type("300418049", "Brief Text")));
    json_t *s = json_pack("{s:s, s:s, s:[o]}", "type", "LinguisticObject", "content", text,
                          "classified_as", t);
    if (lang && strcmp(lang, "und") != 0)
        json_object_set_new(s, "language", language(lang));
    json_array_append_new(refs, s);
}

/* The Getty AAT number the thesaurus gives concept id in file (the source
 * column reads "AAT 300010662"), or NULL. */
static const char *aat_of(vcm_req *req, const char *file, const char *id)
{
    const struct vcm_asset *a = vcm_asset_find(file);
    if (!a || !id)
        return NULL;
    size_t idl = strlen(id);
    const char *p = (const char *)a->data, *end = p + a->len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        if ((size_t)(le - p) > idl && strncmp(p, id, idl) == 0 && p[idl] == '\t') {
            const char *tab = p;
            for (const char *q = p; q < le; q++)
                if (*q == '\t')
                    tab = q;
            if (le - tab > 5 && strncmp(tab + 1, "AAT ", 4) == 0) {
                const char *d = tab + 5;
                size_t k = 0;
                while (d + k < le && d[k] >= '0' && d[k] <= '9')
                    k++;
                if (k >= 6)
                    return vcm_arena_strndup(req->arena, d, k);
            }
            return NULL;
        }
        p = le + 1;
    }
    return NULL;
}

/* A year as the bound of a time-span (xsd:dateTime; year 0 is 1 BCE). */
static const char *instant(vcm_req *req, int32_t year, bool end)
{
    int y = year < 0 ? year + 1 : year;
    return vcm_arena_printf(req->arena, "%s%04d-%s", y < 0 ? "-" : "", y < 0 ? -y : y,
                            end ? "12-31T23:59:59Z" : "01-01T00:00:00Z");
}

static json_t *digital(const char *url, const char *format, const char *conforms)
{
    json_t *d = json_pack("{s:s, s:[{s:s, s:s}]}", "type", "DigitalObject", "access_point", "id",
                          url, "type", "DigitalObject");
    if (format)
        json_object_set_new(d, "format", json_string(format));
    if (conforms)
        json_object_set_new(d, "conforms_to",
                            json_pack("[{s:s, s:s}]", "id", conforms, "type", "InformationObject"));
    return d;
}

static json_t *production(vcm_req *req, const vcm_object *o)
{
    json_t *p = json_pack("{s:s}", "type", "Production");
    if (o->date_text || o->date_start != VCM_NO_YEAR) {
        json_t *ts = json_pack("{s:s}", "type", "TimeSpan");
        if (o->date_text)
            json_object_set_new(ts, "identified_by",
                                json_pack("[{s:s, s:s}]", "type", "Name", "content", o->date_text));
        if (o->date_start != VCM_NO_YEAR) {
            int32_t e = o->date_end != VCM_NO_YEAR && o->date_end >= o->date_start ? o->date_end
                                                                                   : o->date_start;
            json_object_set_new(ts, "begin_of_the_begin",
                                json_string(instant(req, o->date_start, false)));
            json_object_set_new(ts, "end_of_the_end", json_string(instant(req, e, true)));
        }
        json_object_set_new(p, "timespan", ts);
    }
    if (o->ncreators) {
        json_t *c = json_array();
        for (size_t i = 0; i < o->ncreators; i++)
            json_array_append_new(c, json_pack("{s:s, s:s}", "type", "Actor", "_label",
                                               o->creators[i]));
        json_object_set_new(p, "carried_out_by", c);
    }
    const vcm_origin *g = &o->origin;
    const char *where = g->country[0] ? vcm_web_origin_label(req, g->country)
                        : *vcm_origin_region_slug(g->region)
                            ? vcm_web_origin_label(req, vcm_origin_region_slug(g->region))
                            : NULL;
    if (where && *where)
        json_object_set_new(p, "took_place_at",
                            json_pack("[{s:s, s:s}]", "type", "Place", "_label", where));
    if (o->technique) {
        json_t *refs = json_array();
        statement(refs, o->technique, "en", "300435431", "Technique Statement");
        json_object_set_new(p, "referred_to_by", refs);
    }
    if (json_object_size(p) == 1) {
        json_decref(p);
        return NULL;
    }
    return p;
}

static json_t *linkedart(vcm_req *req, vcm_store *s, const vcm_object *o, const vcm_museum *m)
{
    const char *base = vcm_web_base(req);
    const char *url = vcm_arena_printf(req->arena, "%s/objects/%lld", base, (long long)o->id);
    json_t *j = json_object();
    json_object_set_new(j, "@context", json_string(VCM_LINKEDART_CONTEXT));
    json_object_set_new(j, "id", json_string(url));
    json_object_set_new(j, "type", json_string("HumanMadeObject"));
    json_object_set_new(j, "_label", json_string(vcm_web_title(req, o)));

    json_t *ids = json_array();
    for (size_t i = 0; i < o->title.n; i++) {
        json_t *n = json_pack("{s:s, s:s}", "type", "Name", "content", o->title.v[i].text);
        if (i == 0)
            json_object_set_new(n, "classified_as",
                                json_pack("[o]", aat_type("300404670", "Primary Name")));
        if (strcmp(o->title.v[i].lang, "und") != 0)
            json_object_set_new(n, "language", language(o->title.v[i].lang));
        json_array_append_new(ids, n);
    }
    const char *number = o->inventory_number ? o->inventory_number : o->source_id;
    if (number)
        json_array_append_new(ids, json_pack("{s:s, s:s, s:[o]}", "type", "Identifier", "content",
                                             number, "classified_as",
                                             aat_type("300312355", "Accession Number")));
    json_object_set_new(j, "identified_by", ids);

    /* the type of work: the thesaurus' concept when it has an AAT number */
    json_t *cls = json_array();
    char key[VCM_TERMS_KEY_MAX];
    const vcm_th_entry *e = vcm_terms_type_key(o->classification, key, sizeof key)
                                ? vcm_terms_concept(key)
                                : NULL;
    const char *aat = e ? aat_of(req, "thesaurus/types.tsv", e->id) : NULL;
    if (aat)
        json_array_append_new(cls, aat_type(aat, vcm_th_label(e)));
    if (json_array_size(cls))
        json_object_set_new(j, "classified_as", cls);
    else
        json_decref(cls);

    json_t *refs = json_array();
    for (size_t i = 0; i < o->description.n; i++)
        statement(refs, o->description.v[i].text, o->description.v[i].lang, "300435416",
                  "Description");
    statement(refs, o->dimensions, "en", "300435430", "Dimensions Description");
    statement(refs, o->materials, "en", "300435429", "Material Statement");
    statement(refs, o->credit_line, "en", "300435418", "Credit Line");
    statement(refs, o->culture, "en", "300055768", "Culture");
    statement(refs, o->source_licence, NULL, "300435434", "Copyright/License Statement");
    if (json_array_size(refs))
        json_object_set_new(j, "referred_to_by", refs);
    else
        json_decref(refs);

    json_t *prod = production(req, o);
    if (prod)
        json_object_set_new(j, "produced_by", prod);

    const char *mats[16];
    size_t nm = vcm_terms_materials(o->materials, mats, 16);
    json_t *made = json_array();
    for (size_t i = 0; i < nm; i++) {
        const char *a = aat_of(req, "thesaurus/materials.tsv", mats[i]);
        if (a) {
            char id[80];
            snprintf(id, sizeof id, AAT "%s", a);
            json_array_append_new(made, json_pack("{s:s, s:s, s:s}", "id", id, "type", "Material",
                                                  "_label", mats[i]));
        }
    }
    if (json_array_size(made))
        json_object_set_new(j, "made_of", made);
    else
        json_decref(made);

    const char *murl = vcm_arena_printf(req->arena, "%s/museums/%lld", base, (long long)m->id);
    const char *mname = vcm_web_name(&m->names);
    json_object_set_new(j, "current_owner",
                        json_pack("[{s:s, s:s, s:s}]", "id", murl, "type", "Group", "_label", mname));
    json_object_set_new(j, "current_keeper",
                        json_pack("[{s:s, s:s, s:s}]", "id", murl, "type", "Group", "_label", mname));

    /* what is about it: the IIIF manifest (held images, or the museum's),
     * and the museum's own page */
    json_t *about = json_array(), *reps = json_array();
    if (o->nmedia) {
        const char *man =
            vcm_arena_printf(req->arena, "%s/iiif/manifest/%lld", base, (long long)o->id);
        json_array_append_new(
            about, json_pack("{s:s, s:[o]}", "type", "InformationObject", "digitally_carried_by",
                             digital(man,
                                     "application/ld+json;profile=\"http://iiif.io/api/"
                                     "presentation/3/context.json\"",
                                     "http://iiif.io/api/presentation")));
        json_t *shown = json_array();
        for (size_t i = 0; i < o->nmedia; i++) {
            const char *svc = vcm_web_iiif_path(req, o->media[i].identifier);
            if (!svc)
                continue;
            json_array_append_new(
                shown, digital(vcm_arena_printf(req->arena, "%s%s/full/max/0/default.jpg", base, svc),
                               "image/jpeg", "http://iiif.io/api/image"));
        }
        if (json_array_size(shown))
            json_array_append_new(reps, json_pack("{s:s, s:o}", "type", "VisualItem",
                                                  "digitally_shown_by", shown));
        else
            json_decref(shown);
    }
    vcm_link *links = NULL;
    size_t nl = 0;
    if (s->ops->object_links(s, req->arena, o->id, &links, &nl) < 0)
        nl = 0;
    json_t *remote = json_array();
    for (size_t i = 0; i < nl; i++) {
        if (strcmp(links[i].rel, "iiif-manifest") == 0)
            json_array_append_new(
                about, json_pack("{s:s, s:[o]}", "type", "InformationObject",
                                 "digitally_carried_by",
                                 digital(links[i].url, "application/ld+json",
                                         "http://iiif.io/api/presentation")));
        else if (strcmp(links[i].rel, "iiif-image") == 0)
            json_array_append_new(remote, digital(links[i].url, NULL, "http://iiif.io/api/image"));
        else
            json_array_append_new(remote, digital(links[i].url, NULL, NULL));
    }
    if (json_array_size(remote))
        json_array_append_new(reps, json_pack("{s:s, s:o}", "type", "VisualItem",
                                              "digitally_shown_by", remote));
    else
        json_decref(remote);
    if (o->source_url) {
        json_t *page = digital(o->source_url, "text/html", NULL);
        json_object_set_new(page, "classified_as",
                            json_pack("[o]", aat_type("300264578", "Web Page")));
        json_array_append_new(about, json_pack("{s:s, s:[o]}", "type", "LinguisticObject",
                                               "digitally_carried_by", page));
    }
    if (json_array_size(about))
        json_object_set_new(j, "subject_of", about);
    else
        json_decref(about);
    if (json_array_size(reps))
        json_object_set_new(j, "representation", reps);
    else
        json_decref(reps);

    if (o->rights && (strncmp(o->rights, "http://", 7) == 0 || strncmp(o->rights, "https://", 8) == 0))
        json_object_set_new(j, "subject_to",
                            json_pack("[{s:s, s:[o]}]", "type", "Right", "classified_as",
                                      type_ref(o->rights, NULL)));
    return j;
}

int vcm_linkedart_object(vcm_req *req, vcm_resp *resp)
{
    /* "/objects/12.jsonld" routes as /objects/{id} with id "12.jsonld":
     * the object is 12 */
    for (int i = 0; i < req->nparams; i++)
        if (strcmp(req->param_names[i], "id") == 0 && has_suffix(req->params[i], ".jsonld"))
            req->params[i] = vcm_arena_strndup(req->arena, req->params[i],
                                               strlen(req->params[i]) - strlen(".jsonld"));
    vcm_store *s;
    vcm_object o;
    if (vcm_web_load_object(req, resp, &s, &o) <= 0)
        return 0;
    vcm_museum m;
    int r = s->ops->museum_get(s, req->arena, o.museum_id, &m);
    if (r <= 0)
        return vcm_web_store_error(req, resp, s);
    int rc = vcm_web_json(req, resp, 200, linkedart(req, s, &o, &m));
    resp->content_type = "application/ld+json;profile=\"" VCM_LINKEDART_CONTEXT "\"";
    return rc;
}

int vcm_linkedart_context(vcm_req *req, vcm_resp *resp)
{
    const struct vcm_asset *a = vcm_asset_find("data/linked-art/linked-art.json");
    if (!a)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "static.missing"));
    vcm_resp_header(resp, req, "Cache-Control", "public, max-age=86400");
    vcm_resp_header(resp, req, "Access-Control-Allow-Origin", "*");
    resp->content_type = "application/ld+json";
    return vcm_buf_append(&resp->body, a->data, a->len);
}
