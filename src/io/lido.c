/* LIDO records in and out (see lido.h for the contract).
 *
 * Reading marks every node a value is taken from (with its ancestors) in a
 * set kept for the record; once the record is read, the highest elements
 * left unmarked are what the model cannot keep, and their paths are what
 * the import reports. Nothing a record holds is left out without being
 * named: an element is either read into a field or reported. (Attributes
 * that only qualify an element, as lido:type or lido:pref, are not named.)
 *
 * Values are looked for where LIDO 1.0 and 1.1 put them alike; where 1.1
 * gives a term as a skos:Concept instead of lido:term, its prefLabel (in
 * English when it has one) is taken, and its rdf:about where a URI is
 * wanted. The language of a value is its xml:lang, inherited as XML says,
 * or a lido:lang attribute. */
#include "io/lido.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "io/xml.h"
#include "model/country.h"
#include "core/text.h"
#include "core/banned.h"

#define SKOS_NS "http://www.w3.org/2004/02/skos/core#"
#define RDF_NS "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define XML_NS "http://www.w3.org/XML/1998/namespace"

struct pctx {
    vcm_arena *a;
    const xmlNode *root;
    const void **set; /* open addressing, cap a power of two */
    size_t cap;
};

static size_t slot_of(const struct pctx *c, const void *p)
{
    uintptr_t h = (uintptr_t)p;
    h ^= h >> 17;
    h *= 0x9E3779B97F4A7C15u;
    return (size_t)(h >> 7) & (c->cap - 1);
}

static bool marked(const struct pctx *c, const void *p)
{
    for (size_t i = slot_of(c, p);; i = (i + 1) & (c->cap - 1)) {
        if (!c->set[i])
            return false;
        if (c->set[i] == p)
            return true;
    }
}

/* Marks n and its ancestors up to the record as read. The set holds at
 * least twice the record's elements, so it never fills. */
static void mark(struct pctx *c, const xmlNode *n)
{
    for (; n && n != c->root->parent; n = n->parent) {
        size_t i = slot_of(c, n);
        while (c->set[i] && c->set[i] != n)
            i = (i + 1) & (c->cap - 1);
        if (c->set[i])
            return;
        c->set[i] = n;
    }
}

static bool in_ns(const xmlNode *n, const char *ns)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
           strcmp((const char *)n->ns->href, ns) == 0;
}

static bool is(const xmlNode *n, const char *local)
{
    return in_ns(n, VCM_LIDO_NS) && strcmp((const char *)n->name, local) == 0;
}

/* The next LIDO child named local after prev (NULL: the first). */
static const xmlNode *next_child(const xmlNode *parent, const xmlNode *prev, const char *local)
{
    if (!parent)
        return NULL;
    for (const xmlNode *c = prev ? prev->next : parent->children; c; c = c->next)
        if (is(c, local))
            return c;
    return NULL;
}

static const xmlNode *child(const xmlNode *parent, const char *local)
{
    return next_child(parent, NULL, local);
}

/* Follows a path of LIDO children, the first of each. */
static const xmlNode *path(const xmlNode *n, const char *const *names)
{
    for (; n && *names; names++)
        n = child(n, *names);
    return n;
}
#define PATH(n, ...) path((n), (const char *const[]){__VA_ARGS__, NULL})

static bool blank(const char *s)
{
    for (; *s; s++)
        if (!isspace((unsigned char)*s))
            return false;
    return true;
}

/* The element's text, trimmed, in the arena; NULL when it has none. Marks
 * the element as read. */
static const char *text(struct pctx *c, const xmlNode *n)
{
    if (!n)
        return NULL;
    xmlChar *x = xmlNodeGetContent(n);
    if (!x)
        return NULL;
    const char *s = (const char *)x;
    while (isspace((unsigned char)*s))
        s++;
    size_t len = strlen(s);
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    char *out = len ? vcm_arena_strndup(c->a, s, len) : NULL;
    xmlFree(x);
    /* an empty element is read too: it holds nothing to lose */
    mark(c, n);
    return out;
}

static const char *attr(struct pctx *c, const xmlNode *n, const char *name, const char *ns)
{
    if (!n)
        return NULL;
    xmlChar *x = ns ? xmlGetNsProp(n, (const xmlChar *)name, (const xmlChar *)ns)
                    : xmlGetNoNsProp(n, (const xmlChar *)name);
    if (!x)
        return NULL;
    char *out = blank((const char *)x) ? NULL : vcm_arena_strdup(c->a, (const char *)x);
    xmlFree(x);
    return out;
}

/* The language of a value: lido:lang, else xml:lang on it or an ancestor. */
static const char *lang_of(struct pctx *c, const xmlNode *n)
{
    const char *l = attr(c, n, "lang", VCM_LIDO_NS);
    if (l)
        return l;
    xmlChar *x = xmlNodeGetLang(n);
    if (!x)
        return NULL;
    char *out = blank((const char *)x) ? NULL : vcm_arena_strdup(c->a, (const char *)x);
    xmlFree(x);
    return out;
}

static const xmlNode *skos_concept(const xmlNode *n)
{
    for (const xmlNode *k = n ? n->children : NULL; k; k = k->next)
        if (in_ns(k, SKOS_NS) && strcmp((const char *)k->name, "Concept") == 0)
            return k;
    return NULL;
}

/* The label of a term-bearing element: its first lido:term, else the
 * prefLabel of its skos:Concept (English first). */
static const char *term(struct pctx *c, const xmlNode *n)
{
    const char *t = text(c, child(n, "term"));
    if (t)
        return t;
    const xmlNode *k = skos_concept(n), *first = NULL;
    for (const xmlNode *p = k ? k->children : NULL; p; p = p->next) {
        if (!in_ns(p, SKOS_NS) || strcmp((const char *)p->name, "prefLabel") != 0)
            continue;
        if (!first)
            first = p;
        xmlChar *l = xmlNodeGetLang(p);
        bool en = l && strcmp((const char *)l, "en") == 0;
        xmlFree(l);
        if (en)
            return text(c, p);
    }
    return text(c, first);
}

/* The URI of a term-bearing element: its lido:conceptID, else its
 * skos:Concept's rdf:about. */
static const char *concept_uri(struct pctx *c, const xmlNode *n)
{
    const char *t = text(c, child(n, "conceptID"));
    if (t)
        return t;
    const xmlNode *k = skos_concept(n);
    const char *u = attr(c, k, "about", RDF_NS);
    if (u)
        mark(c, k);
    return u;
}

static bool has(const char *s, const char *needle)
{
    return s && strcasestr(s, needle) != NULL;
}

/* A year from a LIDO date ("1482", "-0500", "1482-05-01"); false when the
 * text does not start with one. */
static bool parse_year(const char *s, long *out)
{
    if (!s)
        return false;
    bool neg = *s == '-';
    const char *p = s + neg;
    size_t n = 0;
    long v = 0;
    while (isdigit((unsigned char)p[n]) && n < 7)
        v = v * 10 + (p[n++] - '0');
    if (n == 0 || (p[n] && p[n] != '-'))
        return false;
    *out = neg ? -v : v;
    return true;
}

static int set_str(json_t *j, const char *k, const char *v)
{
    return v ? json_object_set_new(j, k, json_string(v)) : 0;
}

/* Values with a language into map (the first of each language) or more
 * (the others), the first without one into *plain; further values without
 * a language are left unmarked, so reported. */
static void take_lang_value(struct pctx *c, const xmlNode *v, json_t *map, vcm_ltexts *more,
                            const char **plain)
{
    const char *l = lang_of(c, v);
    if (l && !json_object_get(map, l)) {
        const char *t = text(c, v);
        if (t)
            json_object_set_new(map, l, json_string(t));
    } else if (l) {
        const char *t = text(c, v);
        if (t)
            vcm_ltexts_add(more, c->a, l, t);
    } else if (!*plain) {
        *plain = text(c, v);
    }
}

static int join(struct pctx *c, const char **acc, const char *v, const char *sep)
{
    if (!v)
        return 0;
    *acc = *acc ? vcm_arena_printf(c->a, "%s%s%s", *acc, sep, v) : v;
    return *acc ? 0 : -1;
}

static bool is_production(struct pctx *c, const xmlNode *ev)
{
    const xmlNode *et = child(ev, "eventType");
    const char *t = term(c, et), *u = concept_uri(c, et);
    return has(t, "produc") || has(t, "herstell") || has(t, "creation") ||
           has(u, "lido00007") || has(u, "300054713");
}

static void read_event(struct pctx *c, const xmlNode *ev, json_t *j, vcm_lido_record *out,
                       const char **artists, const char **medium)
{
    (void)term(c, child(ev, "eventType"));
    for (const xmlNode *ea = child(ev, "eventActor"); ea; ea = next_child(ev, ea, "eventActor")) {
        const char *name = NULL;
        for (const xmlNode *air = child(ea, "actorInRole"); air && !name;
             air = next_child(ea, air, "actorInRole")) {
            const xmlNode *set = PATH(air, "actor", "nameActorSet");
            name = text(c, child(set, "appellationValue"));
        }
        if (!name)
            name = text(c, child(ea, "displayActorInRole"));
        join(c, artists, name, "|");
    }
    const xmlNode *ed = child(ev, "eventDate");
    set_str(j, "date_text", text(c, child(ed, "displayDate")));
    const xmlNode *d = child(ed, "date");
    long y;
    const xmlNode *e = child(d, "earliestDate"), *l = child(d, "latestDate");
    xmlChar *es = e ? xmlNodeGetContent(e) : NULL, *ls = l ? xmlNodeGetContent(l) : NULL;
    const char *et = es ? (const char *)es : NULL, *lt = ls ? (const char *)ls : NULL;
    while (et && isspace((unsigned char)*et))
        et++;
    while (lt && isspace((unsigned char)*lt))
        lt++;
    if (parse_year(et, &y)) {
        json_object_set_new(j, "date_start", json_integer(y));
        mark(c, e);
    }
    if (parse_year(lt, &y)) {
        json_object_set_new(j, "date_end", json_integer(y));
        mark(c, l);
    }
    xmlFree(es);
    xmlFree(ls);
    const char *period = term(c, child(ev, "periodName"));
    if (period)
        out->period = period;
    set_str(j, "culture", term(c, child(ev, "culture")));
    for (const xmlNode *mt = child(ev, "eventMaterialsTech"); mt;
         mt = next_child(ev, mt, "eventMaterialsTech")) {
        const char *disp = text(c, child(mt, "displayMaterialsTech"));
        if (disp && !*medium)
            *medium = disp;
        const xmlNode *m = child(mt, "materialsTech");
        for (const xmlNode *t = child(m, "termMaterialsTech"); t;
             t = next_child(m, t, "termMaterialsTech")) {
            const char *ty = attr(c, t, "type", VCM_LIDO_NS);
            if (has(ty, "techni") && !out->technique)
                out->technique = term(c, t);
            else if (!disp && !has(ty, "techni"))
                join(c, medium, term(c, t), "; ");
        }
    }
}

/* The rel a resource link is kept under. */
static const char *resource_key(const char *type, const char *format, const char *url)
{
    if ((has(type, "iiif") || has(format, "iiif")) &&
        (has(type, "manifest") || has(format, "manifest")))
        return "iiif_manifest";
    if (has(type, "iiif") || has(format, "iiif"))
        return "iiif_image";
    size_t n = strlen(url);
    if (n > 10 && strcmp(url + n - 10, "/info.json") == 0)
        return "iiif_image";
    if (has(url, "manifest"))
        return "iiif_manifest";
    return "image_url";
}

static void read_resources(struct pctx *c, const xmlNode *wrap, json_t *j)
{
    const char *acc[3] = {NULL, NULL, NULL};
    static const char *const keys[3] = {"image_url", "iiif_image", "iiif_manifest"};
    for (const xmlNode *set = child(wrap, "resourceSet"); set;
         set = next_child(wrap, set, "resourceSet"))
        for (const xmlNode *rp = child(set, "resourceRepresentation"); rp;
             rp = next_child(set, rp, "resourceRepresentation")) {
            const xmlNode *lr = child(rp, "linkResource");
            const char *url = text(c, lr);
            if (!url)
                continue;
            const char *k = resource_key(attr(c, rp, "type", VCM_LIDO_NS),
                                         attr(c, lr, "formatResource", VCM_LIDO_NS), url);
            size_t n = strlen(url);
            if (strcmp(k, "iiif_image") == 0 && n > 10 && strcmp(url + n - 10, "/info.json") == 0)
                url = vcm_arena_strndup(c->a, url, n - 10);
            for (int i = 0; i < 3; i++)
                if (strcmp(keys[i], k) == 0)
                    join(c, &acc[i], url, "|");
        }
    for (int i = 0; i < 3; i++)
        set_str(j, keys[i], acc[i]);
}

/* An element that holds no text and no element: nothing is lost with it. */
static bool empty_element(const xmlNode *n)
{
    for (const xmlNode *k = n->children; k; k = k->next) {
        if (k->type == XML_ELEMENT_NODE)
            return false;
        if ((k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) && k->content &&
            !blank((const char *)k->content))
            return false;
    }
    return true;
}

/* Appends the highest unmarked elements below n to out. */
static int collect_unkept(struct pctx *c, const xmlNode *n, vcm_buf *p, const char ***v,
                          size_t *nv, size_t *cap)
{
    for (const xmlNode *k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE || empty_element(k))
            continue;
        size_t at = p->len;
        const char *prefix = in_ns(k, VCM_LIDO_NS) ? "lido"
                             : in_ns(k, SKOS_NS)   ? "skos"
                             : k->ns && k->ns->prefix ? (const char *)k->ns->prefix
                                                      : NULL;
        if (vcm_buf_printf(p, "%s%s%s%s", at ? "/" : "", prefix ? prefix : "",
                           prefix ? ":" : "", (const char *)k->name) < 0)
            return -1;
        if (marked(c, k)) {
            if (collect_unkept(c, k, p, v, nv, cap) < 0)
                return -1;
        } else {
            bool dup = false;
            for (size_t i = 0; i < *nv && !dup; i++)
                dup = strcmp((*v)[i], p->data) == 0;
            if (!dup) {
                if (*nv == *cap) {
                    size_t nc = *cap ? *cap * 2 : 16;
                    const char **nvv = vcm_arena_alloc(c->a, nc * sizeof *nvv);
                    if (!nvv)
                        return -1;
                    if (*nv)
                        memcpy(nvv, *v, *nv * sizeof *nvv);
                    *v = nvv;
                    *cap = nc;
                }
                if (!((*v)[(*nv)++] = vcm_arena_strdup(c->a, p->data)))
                    return -1;
            }
        }
        p->len = at;
        p->data[at] = '\0';
    }
    return 0;
}

static size_t count_elements(const xmlNode *n)
{
    size_t k = 1;
    for (const xmlNode *c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            k += count_elements(c);
    return k;
}

int vcm_lido_parse(const xmlNode *lido, vcm_arena *a, vcm_lido_record *out, char *err,
                   size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!is(lido, "lido")) {
        snprintf(err, errlen, "not a lido:lido element");
        return -1;
    }
    struct pctx c = {.a = a, .root = lido};
    size_t ne = count_elements(lido);
    c.cap = 64;
    while (c.cap < 2 * ne + 2)
        c.cap *= 2;
    c.set = vcm_arena_calloc(a, c.cap, sizeof *c.set);
    json_t *j = json_object(), *ti = json_object(), *di = json_object();
    vcm_buf p;
    vcm_buf_init(&p, 64 << 10);
    int rc = -1;
    if (!c.set || !j || !ti || !di) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    const char *sid = text(&c, child(lido, "lidoRecID"));
    if (!sid) {
        snprintf(err, errlen, "the record has no lido:lidoRecID");
        goto out;
    }
    set_str(j, "source_id", sid);

    const xmlNode *dm = child(lido, "descriptiveMetadata");
    const xmlNode *ow = child(dm, "objectIdentificationWrap");
    const xmlNode *oc = child(dm, "objectClassificationWrap");
    const xmlNode *am = child(lido, "administrativeMetadata");

    /* the museum: the repository's name, else the record's source */
    const char *museum = NULL;
    const xmlNode *rw = child(ow, "repositoryWrap");
    for (const xmlNode *rs = child(rw, "repositorySet"); rs && !museum;
         rs = next_child(rw, rs, "repositorySet")) {
        const xmlNode *lb = PATH(rs, "repositoryName", "legalBodyName");
        museum = text(&c, child(lb, "appellationValue"));
        if (museum) {
            out->inventory_number = text(&c, child(rs, "workID"));
            const xmlNode *loc = child(rs, "repositoryLocation");
            for (const xmlNode *pid = child(loc, "placeID"); pid;
                 pid = next_child(loc, pid, "placeID")) {
                const char *ty = attr(&c, pid, "type", VCM_LIDO_NS);
                if (has(ty, "3166")) {
                    out->country = text(&c, pid);
                    break;
                }
            }
        }
    }
    if (!museum)
        museum = text(&c, PATH(am, "recordWrap", "recordSource", "legalBodyName",
                               "appellationValue"));
    if (!museum) {
        snprintf(err, errlen, "record %s names no museum (lido:repositoryName or "
                              "lido:recordSource)", sid);
        goto out;
    }
    set_str(j, "source_museum", museum);

    /* titles and descriptions, one per language */
    const char *title = NULL, *desc = NULL;
    const xmlNode *tw = child(ow, "titleWrap");
    for (const xmlNode *ts = child(tw, "titleSet"); ts; ts = next_child(tw, ts, "titleSet"))
        for (const xmlNode *v = child(ts, "appellationValue"); v;
             v = next_child(ts, v, "appellationValue"))
            take_lang_value(&c, v, ti, &out->more_titles, &title);
    const xmlNode *dw = child(ow, "objectDescriptionWrap");
    for (const xmlNode *ds = child(dw, "objectDescriptionSet"); ds;
         ds = next_child(dw, ds, "objectDescriptionSet"))
        for (const xmlNode *v = child(ds, "descriptiveNoteValue"); v;
             v = next_child(ds, v, "descriptiveNoteValue"))
            take_lang_value(&c, v, di, &out->more_descriptions, &desc);
    if (title)
        set_str(j, "title", title);
    else if (json_object_size(ti) == 0)
        set_str(j, "title", "");
    else
        json_object_set_new(j, "title", json_null());
    if (json_object_size(ti))
        json_object_set(j, "title_i18n", ti);
    if (json_object_size(di))
        json_object_set(j, "description_i18n", di);
    set_str(j, "description", desc);

    const xmlNode *owt = PATH(oc, "objectWorkTypeWrap", "objectWorkType");
    const char *cls = term(&c, owt);
    set_str(j, "classification", cls);
    /* what vcm_lido_write() says for an object with no classification */
    const xmlNode *cid = child(owt, "conceptID");
    xmlChar *cv = !cls && cid ? xmlNodeGetContent(cid) : NULL;
    if (cv && strcmp((const char *)cv, "unclassified") == 0)
        mark(&c, cid);
    xmlFree(cv);
    set_str(j, "dimensions", text(&c, PATH(ow, "objectMeasurementsWrap",
                                           "objectMeasurementsSet", "displayObjectMeasurements")));

    /* the production event; other events are reported */
    const char *artists = NULL, *medium = NULL;
    const xmlNode *ew = child(dm, "eventWrap");
    for (const xmlNode *es = child(ew, "eventSet"); es; es = next_child(ew, es, "eventSet")) {
        const xmlNode *ev = child(es, "event");
        if (ev && is_production(&c, ev)) {
            read_event(&c, ev, j, out, &artists, &medium);
            break;
        }
    }
    set_str(j, "artist", artists);
    set_str(j, "medium", medium);

    /* rights in the work, and the record's link */
    const xmlNode *rws = PATH(am, "rightsWorkWrap", "rightsWorkSet");
    const xmlNode *rt = child(rws, "rightsType");
    const char *lic = text(&c, child(rt, "term"));
    if (!lic)
        lic = concept_uri(&c, rt);
    set_str(j, "license", lic);
    set_str(j, "credit_line", text(&c, child(rws, "creditLine")));
    set_str(j, "source_url", text(&c, PATH(am, "recordWrap", "recordInfoSet", "recordInfoLink")));
    /* the record's own id and type are how LIDO frames a record, not data */
    (void)text(&c, PATH(am, "recordWrap", "recordID"));
    (void)term(&c, PATH(am, "recordWrap", "recordType"));
    /* the record's source, when it is the museum itself, is said already */
    const xmlNode *rsrc = PATH(am, "recordWrap", "recordSource", "legalBodyName",
                               "appellationValue");
    xmlChar *rsn = rsrc ? xmlNodeGetContent(rsrc) : NULL;
    if (rsn && strcmp((const char *)rsn, museum) == 0)
        mark(&c, rsrc);
    xmlFree(rsn);
    read_resources(&c, child(am, "resourceWrap"), j);

    size_t cap = 0;
    if (collect_unkept(&c, lido, &p, &out->unkept, &out->nunkept, &cap) < 0) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    out->source = j;
    j = NULL;
    rc = 0;
out:
    json_decref(j);
    json_decref(ti);
    json_decref(di);
    vcm_buf_release(&p);
    return rc;
}

static int add_more(vcm_arena *a, vcm_ltexts *t, const vcm_ltexts *more, int flags)
{
    vcm_buf b;
    vcm_buf_init(&b, 4u << 20);
    int rc = 0;
    for (size_t i = 0; i < more->n && rc == 0; i++) {
        vcm_buf_reset(&b);
        if (vcm_text_clean(&b, more->v[i].text, strlen(more->v[i].text), flags) < 0 || !b.len)
            continue;
        char *s = vcm_arena_strndup(a, b.data, b.len);
        bool held = false;
        for (size_t k = 0; k < t->n && !held; k++)
            held = strcmp(t->v[k].text, s ? s : "") == 0;
        if (!s || (!held && vcm_ltexts_add(t, a, more->v[i].lang, s) < 0))
            rc = -1;
    }
    vcm_buf_release(&b);
    return rc;
}

int vcm_lido_to_object(const vcm_lido_record *r, vcm_arena *a, const char *fallback,
                       vcm_object *o, const char **museum, const char **country,
                       const char **warning, char *err, size_t errlen)
{
    const char *cc = r->country ? r->country : fallback;
    if (!cc) {
        const char *m = json_string_value(json_object_get(r->source, "source_museum"));
        snprintf(err, errlen,
                 "the museum '%s' is not known here and the record gives no country "
                 "(lido:repositoryLocation/lido:placeID of type ISO 3166-1 alpha-2): "
                 "give one with --source-country CC",
                 m ? m : "");
        return -1;
    }
    if (json_object_set_new(r->source, "source_country", json_string(cc)) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (vcm_record_from_source(r->source, a, o, museum, country, warning, err, errlen) < 0)
        return -1;
    o->period = r->period;
    o->technique = r->technique;
    o->inventory_number = r->inventory_number;
    /* further texts in a language already given, cleaned as the rest,
     * then all put in the order the JSON Lines importer gives them */
    const char *langs = vcm_country_languages(*country);
    if (add_more(a, &o->title, &r->more_titles, 0) < 0 ||
        add_more(a, &o->description, &r->more_descriptions, VCM_TEXT_MULTILINE) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    vcm_ltexts_order(&o->title, langs);
    vcm_ltexts_order(&o->description, langs);
    return 0;
}

void vcm_lido_report_release(vcm_lido_report *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->v[i].path);
    free(r->v);
    memset(r, 0, sizeof *r);
}

static int report_add(vcm_lido_report *r, const char *path)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->v[i].path, path) == 0) {
            r->v[i].records++;
            return 0;
        }
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        vcm_lido_unkept *nv = realloc(r->v, cap * sizeof *nv);
        if (!nv)
            return -1;
        r->v = nv;
        r->cap = cap;
    }
    if (!(r->v[r->n].path = strdup(path)))
        return -1;
    r->v[r->n++].records = 1;
    return 0;
}

/* ---- the import ---------------------------------------------------------- */

struct known {
    char *name;
    int64_t id;
    char country[3];
};

struct limp {
    vcm_store *s;
    vcm_import_stats *st;
    struct known *m;
    size_t nm, capm;
    bool listed;                 /* every museum of the store is in m */
    char countries[256][3];
    size_t nc;
};

static int remember(struct limp *im, const char *name, int64_t id, const char *cc)
{
    if (im->nm == im->capm) {
        size_t cap = im->capm ? im->capm * 2 : 16;
        struct known *nv = realloc(im->m, cap * sizeof *nv);
        if (!nv)
            return -1;
        im->m = nv;
        im->capm = cap;
    }
    if (!(im->m[im->nm].name = strdup(name)))
        return -1;
    im->m[im->nm].id = id;
    snprintf(im->m[im->nm].country, 3, "%s", cc);
    im->nm++;
    return 0;
}

/* The museum of that name the store has (any of its names), read once per
 * import; NULL when none. */
static const struct known *find_museum(struct limp *im, vcm_arena *a, const char *name)
{
    if (!im->listed) {
        vcm_museum *all;
        size_t n;
        if (im->s->ops->museum_list(im->s, a, "", &all, &n) < 0)
            return NULL;
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < all[i].names.n; k++)
                if (remember(im, all[i].names.v[k].text, all[i].id, all[i].country) < 0)
                    return NULL;
        im->listed = true;
    }
    for (size_t i = 0; i < im->nm; i++)
        if (strcmp(im->m[i].name, name) == 0)
            return &im->m[i];
    return NULL;
}

/* -1 bad record (err says why), -2 store failure. */
static int ensure_country(struct limp *im, vcm_arena *a, const char *cc, char *err, size_t errlen)
{
    for (size_t i = 0; i < im->nc; i++)
        if (memcmp(im->countries[i], cc, 3) == 0)
            return 0;
    vcm_country c;
    int r = im->s->ops->country_get(im->s, a, cc, &c);
    if (r < 0)
        goto store;
    if (r == 0) {
        if (vcm_country_from_code(&c, a, cc) < 0 || strcmp(c.code, cc) != 0) {
            snprintf(err, errlen, "unknown country code '%s'", cc);
            return -1;
        }
        if (im->s->ops->country_upsert(im->s, &c) < 0)
            goto store;
        im->st->countries_created++;
    }
    if (im->nc < sizeof im->countries / sizeof im->countries[0])
        memcpy(im->countries[im->nc++], cc, 3);
    return 0;
store:
    snprintf(err, errlen, "%s", vcm_store_error(im->s));
    return -2;
}

static int ensure_museum(struct limp *im, vcm_arena *a, const char *name, const char *cc,
                         int64_t *id, char *err, size_t errlen)
{
    const struct known *k = find_museum(im, a, name);
    if (!k && !im->listed)
        goto store;
    if (k) {
        *id = k->id;
        return 0;
    }
    int r = ensure_country(im, a, cc, err, errlen);
    if (r < 0)
        return r;
    vcm_museum m = {0};
    memcpy(m.country, cc, 3);
    if (vcm_ltexts_add(&m.names, a, "en", name) < 0) {
        snprintf(err, errlen, "out of memory");
        return -2;
    }
    if (vcm_museum_validate(&m, err, errlen) < 0)
        return -1;
    bool created;
    if (im->s->ops->museum_ensure(im->s, &m, &created) < 0)
        goto store;
    im->st->museums_created += created;
    *id = m.id;
    return remember(im, name, m.id, cc) < 0 ? -2 : 0;
store:
    snprintf(err, errlen, "%s", vcm_store_error(im->s));
    return -2;
}

/* One record into the store: 0, -1 refused (why), -2 store failure. */
static int import_one(struct limp *im, vcm_arena *a, const vcm_lido_record *rec,
                      const char *fallback, const char **warning, char *why, size_t wl)
{
    const char *mname = json_string_value(json_object_get(rec->source, "source_museum"));
    const struct known *k = mname ? find_museum(im, a, mname) : NULL;
    if (mname && !k && !im->listed) {
        snprintf(why, wl, "%s", vcm_store_error(im->s));
        return -2;
    }
    vcm_object o;
    const char *museum, *country;
    if (vcm_lido_to_object(rec, a, k ? k->country : fallback, &o, &museum, &country, warning,
                           why, wl) < 0)
        return -1;
    if (vcm_object_validate_content(&o, why, wl) < 0)
        return -1;
    int r = ensure_country(im, a, country, why, wl);
    if (r == 0)
        r = ensure_museum(im, a, museum, country, &o.museum_id, why, wl);
    if (r < 0)
        return r;
    if (vcm_object_validate(&o, why, wl) < 0)
        return -1;
    char hash[33];
    if (vcm_object_hash(&o, museum, hash) < 0) {
        snprintf(why, wl, "out of memory");
        return -2;
    }
    vcm_upsert res;
    if (im->s->ops->object_upsert(im->s, &o, hash, false, &res) < 0) {
        snprintf(why, wl, "%s", vcm_store_error(im->s));
        return -2;
    }
    im->st->inserted += res == VCM_UPSERT_INSERTED;
    im->st->updated += res == VCM_UPSERT_UPDATED;
    im->st->unchanged += res == VCM_UPSERT_UNCHANGED;
    return 0;
}

int vcm_import_lido(vcm_store *s, const char *path, const vcm_lido_opts *opts,
                    vcm_import_stats *stats, vcm_lido_report *rep, char *err, size_t errlen)
{
    memset(stats, 0, sizeof *stats);
    FILE *out = opts && opts->report ? opts->report : stderr;
    int batch = opts && opts->batch > 0 ? opts->batch : 1000;
    struct limp im = {.s = s, .st = stats};
    vcm_arena a;
    vcm_arena_init(&a, 64u << 20);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = -1, pending = 0;
    bool in_tx = false;
    vcm_xml *x = vcm_xml_open_file(path, NULL, err, errlen);
    if (!x)
        goto out;
    for (;;) {
        xmlNode *node;
        long line = 0;
        int r = vcm_xml_next(x, VCM_LIDO_NS, "lido", &node, &line, err, errlen);
        if (r < 0)
            goto out;
        if (r == 0)
            break;
        stats->read++;
        vcm_arena_reset(&a);
        if (!in_tx) {
            if (vcm_store_begin(s) < 0) {
                snprintf(err, errlen, "%s", vcm_store_error(s));
                goto out;
            }
            in_tx = true;
        }
        vcm_lido_record rec;
        char why[600];
        const char *warning = NULL;
        int res = vcm_lido_parse(node, &a, &rec, why, sizeof why);
        if (res == 0) {
            for (size_t i = 0; i < rec.nunkept; i++)
                if (report_add(rep, rec.unkept[i]) < 0) {
                    json_decref(rec.source);
                    snprintf(err, errlen, "out of memory");
                    goto out;
                }
            res = import_one(&im, &a, &rec, opts ? opts->country : NULL, &warning, why,
                             sizeof why);
            json_decref(rec.source);
        }
        if (res == -2) {
            snprintf(err, errlen, "%s:%ld: %s (the batch in flight was rolled back)", path, line,
                     why);
            goto out;
        }
        if (res < 0) {
            stats->rejected++;
            fprintf(out, "%s:%ld: %s\n", path, line, why);
        } else if (warning) {
            stats->warnings++;
            fprintf(out, "%s:%ld: warning: %s\n", path, line, warning);
        }
        if (++pending >= batch) {
            if (vcm_store_commit(s) < 0) {
                snprintf(err, errlen, "%s", vcm_store_error(s));
                goto out;
            }
            in_tx = false;
            pending = 0;
        }
    }
    if (in_tx && vcm_store_commit(s) < 0) {
        snprintf(err, errlen, "%s", vcm_store_error(s));
        goto out;
    }
    in_tx = false;
    rc = 0;
out:
    if (in_tx)
        vcm_store_rollback(s);
    vcm_xml_close(x);
    vcm_arena_release(&a);
    for (size_t i = 0; i < im.nm; i++)
        free(im.m[i].name);
    free(im.m);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    stats->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    return rc;
}

/* ---- writing --------------------------------------------------------------- */

static int esc(vcm_buf *b, const char *s)
{
    return vcm_buf_html(b, s, strlen(s));
}

/* <lido:NAME>text</lido:NAME> when text is given. */
static int el(vcm_buf *b, const char *name, const char *attrs, const char *s)
{
    if (!s || !*s)
        return 0;
    if (vcm_buf_printf(b, "<lido:%s%s>", name, attrs ? attrs : "") < 0 || esc(b, s) < 0)
        return -1;
    return vcm_buf_printf(b, "</lido:%s>", name);
}

static int lang_values(vcm_buf *b, const char *name, const vcm_ltexts *t)
{
    for (size_t i = 0; i < t->n; i++) {
        if (!t->v[i].text || !*t->v[i].text)
            continue;
        /* always tagged, "und" too: the record's xml:lang would be inherited */
        int r = vcm_buf_printf(b, "<lido:%s xml:lang=\"", name) < 0 ||
                        esc(b, t->v[i].lang ? t->v[i].lang : "und") < 0 ||
                        vcm_buf_puts(b, "\">") < 0
                    ? -1
                    : 0;
        if (r < 0 || esc(b, t->v[i].text) < 0 || vcm_buf_printf(b, "</lido:%s>", name) < 0)
            return -1;
    }
    return 0;
}

static bool any_text(const vcm_ltexts *t)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].text && *t->v[i].text)
            return true;
    return false;
}

/* open, then s as an appellationValue, then close (markup as given) */
static int appellation(vcm_buf *b, const char *open, const char *s, const char *close)
{
    if (vcm_buf_puts(b, open) < 0 || el(b, "appellationValue", NULL, s) < 0)
        return -1;
    return vcm_buf_puts(b, close);
}

static const char *const link_types[][2] = {
    {"image", "image"}, {"iiif-image", "iiif-image"}, {"iiif-manifest", "iiif-manifest"}};

int vcm_lido_open(vcm_buf *b)
{
    return vcm_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                           "<lido:lidoWrap xmlns:lido=\"" VCM_LIDO_NS "\">\n");
}

int vcm_lido_close(vcm_buf *b)
{
    return vcm_buf_puts(b, "</lido:lidoWrap>\n");
}

int vcm_lido_write(vcm_buf *b, const vcm_object *o, const char *country, const char *base)
{
    const char *museum = o->museum_name ? o->museum_name : "";
    char y1[16] = "", y2[16] = "";
    bool dated = o->date_start != VCM_NO_YEAR || o->date_end != VCM_NO_YEAR;
    if (dated) {
        /* both ends are required: a year alone is its own earliest and latest */
        int32_t s = o->date_start != VCM_NO_YEAR ? o->date_start : o->date_end;
        int32_t e = o->date_end != VCM_NO_YEAR ? o->date_end : o->date_start;
        snprintf(y1, sizeof y1, "%d", (int)s);
        snprintf(y2, sizeof y2, "%d", (int)e);
    }
    if (vcm_buf_puts(b, "<lido:lido xmlns:lido=\"" VCM_LIDO_NS "\">") < 0 ||
        el(b, "lidoRecID", " lido:type=\"local\"", o->source_id) < 0 ||
        vcm_buf_puts(b, "<lido:descriptiveMetadata xml:lang=\"en\">"
                        "<lido:objectClassificationWrap><lido:objectWorkTypeWrap>"
                        "<lido:objectWorkType>") < 0)
        return -1;
    /* a work type is required: with no classification, an identifier saying so */
    if (o->classification && *o->classification ? el(b, "term", NULL, o->classification)
                                                : el(b, "conceptID", " lido:type=\"local\"",
                                                     "unclassified"))
        return -1;
    if (vcm_buf_puts(b, "</lido:objectWorkType></lido:objectWorkTypeWrap>"
                        "</lido:objectClassificationWrap><lido:objectIdentificationWrap>"
                        "<lido:titleWrap><lido:titleSet>") < 0)
        return -1;
    if (any_text(&o->title) ? lang_values(b, "appellationValue", &o->title)
                            : vcm_buf_puts(b, "<lido:appellationValue/>"))
        return -1;
    if (vcm_buf_puts(b, "</lido:titleSet></lido:titleWrap><lido:repositoryWrap>"
                        "<lido:repositorySet>") < 0 ||
        appellation(b, "<lido:repositoryName><lido:legalBodyName>", museum,
                    "</lido:legalBodyName></lido:repositoryName>") < 0 ||
        el(b, "workID", " lido:type=\"inventory number\"", o->inventory_number) < 0)
        return -1;
    if (country && *country &&
        (vcm_buf_puts(b, "<lido:repositoryLocation>") < 0 ||
         el(b, "placeID", " lido:type=\"ISO 3166-1 alpha-2\"", country) < 0 ||
         vcm_buf_puts(b, "</lido:repositoryLocation>") < 0))
        return -1;
    if (vcm_buf_puts(b, "</lido:repositorySet></lido:repositoryWrap>") < 0)
        return -1;
    if (any_text(&o->description) &&
        (vcm_buf_puts(b, "<lido:objectDescriptionWrap><lido:objectDescriptionSet>") < 0 ||
         lang_values(b, "descriptiveNoteValue", &o->description) < 0 ||
         vcm_buf_puts(b, "</lido:objectDescriptionSet></lido:objectDescriptionWrap>") < 0))
        return -1;
    if (o->dimensions && *o->dimensions &&
        (vcm_buf_puts(b, "<lido:objectMeasurementsWrap><lido:objectMeasurementsSet>") < 0 ||
         el(b, "displayObjectMeasurements", NULL, o->dimensions) < 0 ||
         vcm_buf_puts(b, "</lido:objectMeasurementsSet></lido:objectMeasurementsWrap>") < 0))
        return -1;
    if (vcm_buf_puts(b, "</lido:objectIdentificationWrap>") < 0)
        return -1;
    bool event = o->ncreators || o->date_text || dated || o->culture || o->period ||
                 o->materials || o->technique;
    if (event) {
        if (vcm_buf_puts(b, "<lido:eventWrap><lido:eventSet><lido:event><lido:eventType>"
                            "<lido:conceptID lido:type=\"uri\">"
                            "http://terminology.lido-schema.org/lido00007</lido:conceptID>"
                            "<lido:term xml:lang=\"en\">Production</lido:term>"
                            "</lido:eventType>") < 0)
            return -1;
        for (size_t i = 0; i < o->ncreators; i++)
            if (appellation(b, "<lido:eventActor><lido:actorInRole><lido:actor><lido:nameActorSet>",
                            o->creators[i],
                            "</lido:nameActorSet></lido:actor></lido:actorInRole>"
                            "</lido:eventActor>") < 0)
                return -1;
        if (o->culture && *o->culture &&
            (vcm_buf_puts(b, "<lido:culture>") < 0 || el(b, "term", NULL, o->culture) < 0 ||
             vcm_buf_puts(b, "</lido:culture>") < 0))
            return -1;
        if ((o->date_text || dated) &&
            (vcm_buf_puts(b, "<lido:eventDate>") < 0 ||
             el(b, "displayDate", NULL, o->date_text) < 0 ||
             (dated && (vcm_buf_puts(b, "<lido:date>") < 0 ||
                        el(b, "earliestDate", NULL, y1) < 0 || el(b, "latestDate", NULL, y2) < 0 ||
                        vcm_buf_puts(b, "</lido:date>") < 0)) ||
             vcm_buf_puts(b, "</lido:eventDate>") < 0))
            return -1;
        if (o->period && *o->period &&
            (vcm_buf_puts(b, "<lido:periodName>") < 0 || el(b, "term", NULL, o->period) < 0 ||
             vcm_buf_puts(b, "</lido:periodName>") < 0))
            return -1;
        if (((o->materials && *o->materials) || (o->technique && *o->technique)) &&
            (vcm_buf_puts(b, "<lido:eventMaterialsTech>") < 0 ||
             el(b, "displayMaterialsTech", NULL, o->materials) < 0 ||
             (o->technique && *o->technique &&
              (vcm_buf_puts(b, "<lido:materialsTech><lido:termMaterialsTech "
                               "lido:type=\"technique\">") < 0 ||
               el(b, "term", NULL, o->technique) < 0 ||
               vcm_buf_puts(b, "</lido:termMaterialsTech></lido:materialsTech>") < 0)) ||
             vcm_buf_puts(b, "</lido:eventMaterialsTech>") < 0))
            return -1;
        if (vcm_buf_puts(b, "</lido:event></lido:eventSet></lido:eventWrap>") < 0)
            return -1;
    }
    if (vcm_buf_puts(b, "</lido:descriptiveMetadata><lido:administrativeMetadata "
                        "xml:lang=\"en\">") < 0)
        return -1;
    /* the rights as the source stated them, from which the rest is read
     * again; a rights URI alone when the source stated none */
    const char *lic = o->source_licence && *o->source_licence ? o->source_licence : NULL;
    const char *uri = !lic && o->rights && *o->rights ? o->rights : NULL;
    if ((lic || uri || (o->credit_line && *o->credit_line)) &&
        (vcm_buf_puts(b, "<lido:rightsWorkWrap><lido:rightsWorkSet>") < 0 ||
         ((lic || uri) && (vcm_buf_puts(b, "<lido:rightsType>") < 0 ||
                           el(b, "conceptID", " lido:type=\"uri\"", uri) < 0 ||
                           el(b, "term", NULL, lic) < 0 ||
                           vcm_buf_puts(b, "</lido:rightsType>") < 0)) ||
         el(b, "creditLine", NULL, o->credit_line) < 0 ||
         vcm_buf_puts(b, "</lido:rightsWorkSet></lido:rightsWorkWrap>") < 0))
        return -1;
    if (vcm_buf_puts(b, "<lido:recordWrap>") < 0 ||
        el(b, "recordID", " lido:type=\"local\"", o->source_id) < 0 ||
        vcm_buf_puts(b, "<lido:recordType><lido:term xml:lang=\"en\">item</lido:term>"
                        "</lido:recordType>") < 0 ||
        appellation(b, "<lido:recordSource><lido:legalBodyName>", museum,
                    "</lido:legalBodyName></lido:recordSource>") < 0)
        return -1;
    if (o->source_url && *o->source_url &&
        (vcm_buf_puts(b, "<lido:recordInfoSet>") < 0 ||
         el(b, "recordInfoLink", NULL, o->source_url) < 0 ||
         vcm_buf_puts(b, "</lido:recordInfoSet>") < 0))
        return -1;
    if (vcm_buf_puts(b, "</lido:recordWrap>") < 0)
        return -1;
    bool media = base && *base && o->nmedia;
    if (media || o->nlinks) {
        if (vcm_buf_puts(b, "<lido:resourceWrap>") < 0)
            return -1;
        for (size_t i = 0; media && i < o->nmedia; i++) {
            if (vcm_buf_puts(b, "<lido:resourceSet><lido:resourceRepresentation "
                                "lido:type=\"iiif-image\"><lido:linkResource>") < 0 ||
                esc(b, base) < 0 || vcm_buf_puts(b, "/iiif/") < 0 ||
                vcm_buf_urlenc(b, o->media[i].identifier, strlen(o->media[i].identifier)) < 0 ||
                vcm_buf_puts(b, "</lido:linkResource></lido:resourceRepresentation>"
                                "</lido:resourceSet>") < 0)
                return -1;
        }
        for (size_t i = 0; i < o->nlinks; i++) {
            const char *t = "image";
            for (size_t k = 0; k < sizeof link_types / sizeof link_types[0]; k++)
                if (strcmp(o->links[i].rel, link_types[k][0]) == 0)
                    t = link_types[k][1];
            if (vcm_buf_printf(b, "<lido:resourceSet><lido:resourceRepresentation "
                                  "lido:type=\"%s\">",
                               t) < 0 ||
                el(b, "linkResource", NULL, o->links[i].url) < 0 ||
                vcm_buf_puts(b, "</lido:resourceRepresentation></lido:resourceSet>") < 0)
                return -1;
        }
        if (vcm_buf_puts(b, "</lido:resourceWrap>") < 0)
            return -1;
    }
    return vcm_buf_puts(b, "</lido:administrativeMetadata></lido:lido>\n");
}

int vcm_public_objects(vcm_store *s, vcm_public_fn fn, void *arg, int64_t *objects, char *err,
                       size_t errlen)
{
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_filter flt = {.limit = 500};
    int rc = -1;
    *objects = 0;
    for (;;) {
        vcm_object *os;
        size_t n;
        if (s->ops->object_list(s, &a, &flt, &os, &n) < 0) {
            snprintf(err, errlen, "%s", vcm_store_error(s));
            goto out;
        }
        for (size_t i = 0; i < n; i++) {
            if (os[i].status == VCM_PUBLISHED && fn(arg, &os[i], os[i].country, err, errlen) < 0)
                goto out;
            *objects += os[i].status == VCM_PUBLISHED;
            flt.after_id = os[i].id;
        }
        vcm_arena_reset(&a);
        if (n < (size_t)flt.limit)
            break;
    }
    rc = 0;
out:
    vcm_arena_release(&a);
    return rc;
}

struct xml_out {
    FILE *f;
    vcm_buf b;
    vcm_item_fn item;
    const char *base;
};

static int flush_buf(struct xml_out *w, char *err, size_t errlen)
{
    if (w->b.len && fwrite(w->b.data, 1, w->b.len, w->f) != w->b.len) {
        snprintf(err, errlen, "cannot write: %s", strerror(errno));
        return -1;
    }
    vcm_buf_reset(&w->b);
    return 0;
}

static int write_item(void *arg, const vcm_object *o, const char *country, char *err,
                      size_t errlen)
{
    struct xml_out *w = arg;
    if (w->item(&w->b, o, country, w->base) < 0) {
        snprintf(err, errlen, "object %lld: too large to write", (long long)o->id);
        return -1;
    }
    return w->b.len > (1u << 20) ? flush_buf(w, err, errlen) : 0;
}

int vcm_export_xml(vcm_store *s, const char *path, const char *base, int (*head)(vcm_buf *),
                   vcm_item_fn item, int (*tail)(vcm_buf *), int64_t *objects, char *err,
                   size_t errlen)
{
    bool to_stdout = strcmp(path, "-") == 0;
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
    struct xml_out w = {.f = to_stdout ? stdout : fopen(tmp, "w"), .item = item, .base = base};
    if (!w.f) {
        snprintf(err, errlen, "cannot write '%s': %s", tmp, strerror(errno));
        return -1;
    }
    vcm_buf_init(&w.b, 64u << 20);
    int rc = -1;
    if (head(&w.b) < 0 || vcm_public_objects(s, write_item, &w, objects, err, errlen) < 0 ||
        tail(&w.b) < 0 || flush_buf(&w, err, errlen) < 0)
        goto out;
    if (to_stdout ? fflush(w.f) != 0 : fclose(w.f) != 0) {
        w.f = NULL;
        snprintf(err, errlen, "cannot write '%s': %s", to_stdout ? "standard output" : tmp,
                 strerror(errno));
        goto out;
    }
    w.f = NULL;
    if (!to_stdout && rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot rename '%s' to '%s': %s", tmp, path, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (w.f && !to_stdout)
        fclose(w.f);
    if (rc < 0 && !to_stdout)
        unlink(tmp);
    vcm_buf_release(&w.b);
    return rc;
}

int vcm_export_lido(vcm_store *s, const char *path, const char *base, int64_t *objects,
                    char *err, size_t errlen)
{
    return vcm_export_xml(s, path, base, vcm_lido_open, vcm_lido_write, vcm_lido_close, objects,
                          err, errlen);
}
