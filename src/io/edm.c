/* EDM records (see edm.h). The object is named {base}/objects/{id}#object,
 * its aggregation #aggregation, and its page {base}/objects/{id} is where
 * it is shown (edm:isShownAt). Its image (edm:isShownBy) is the first held
 * here, served by the site's IIIF Image API, else the first image the
 * museum publishes (a IIIF service of the museum's keeps its service). An
 * object whose rights are not stated is marked "Copyright Not Evaluated",
 * the rights statement for that case; edm:rights is required. */
#include "io/edm.h"

#include <string.h>

#include "core/i18n.h"
#include "io/lido.h"
#include "core/banned.h"

#define CNE "http://rightsstatements.org/vocab/CNE/1.0/"
#define IIIF_IMAGE_PROFILE "http://iiif.io/api/image/3/level1.json"

int vcm_edm_open(vcm_buf *b)
{
    return vcm_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                           "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"\n"
                           " xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
                           " xmlns:dcterms=\"http://purl.org/dc/terms/\"\n"
                           " xmlns:edm=\"http://www.europeana.eu/schemas/edm/\"\n"
                           " xmlns:ore=\"http://www.openarchives.org/ore/terms/\"\n"
                           " xmlns:svcs=\"http://rdfs.org/sioc/services#\"\n"
                           " xmlns:doap=\"http://usefulinc.com/ns/doap#\">\n");
}

int vcm_edm_close(vcm_buf *b)
{
    return vcm_buf_puts(b, "</rdf:RDF>\n");
}

static int esc(vcm_buf *b, const char *s)
{
    return vcm_buf_html(b, s, strlen(s));
}

/* <NAME>text</NAME>, with xml:lang when lang is a tag other than "und" */
static int lit(vcm_buf *b, const char *name, const char *lang, const char *s)
{
    if (!s || !*s)
        return 0;
    if (vcm_buf_printf(b, "  <%s", name) < 0)
        return -1;
    if (lang && strcmp(lang, "und") != 0 &&
        (vcm_buf_puts(b, " xml:lang=\"") < 0 || esc(b, lang) < 0 || vcm_buf_putc(b, '"') < 0))
        return -1;
    if (vcm_buf_putc(b, '>') < 0 || esc(b, s) < 0)
        return -1;
    return vcm_buf_printf(b, "</%s>\n", name);
}

static int res(vcm_buf *b, const char *name, const char *prefix, const char *url,
               const char *suffix)
{
    if (vcm_buf_printf(b, "  <%s rdf:resource=\"", name) < 0 || esc(b, prefix) < 0 ||
        (url && esc(b, url) < 0) || (suffix && esc(b, suffix) < 0))
        return -1;
    return vcm_buf_puts(b, "\"/>\n");
}

static int texts(vcm_buf *b, const char *name, const vcm_ltexts *t)
{
    for (size_t i = 0; i < t->n; i++)
        if (lit(b, name, t->v[i].lang, t->v[i].text) < 0)
            return -1;
    return 0;
}

int vcm_edm_write(vcm_buf *b, const vcm_object *o, const char *country, const char *base)
{
    (void)country;
    char id[32], years[48] = "";
    snprintf(id, sizeof id, "%lld", (long long)o->id);
    if (o->date_start != VCM_NO_YEAR && o->date_end != VCM_NO_YEAR && o->date_end != o->date_start)
        snprintf(years, sizeof years, "%d/%d", (int)o->date_start, (int)o->date_end);
    else if (o->date_start != VCM_NO_YEAR || o->date_end != VCM_NO_YEAR)
        snprintf(years, sizeof years, "%d",
                 (int)(o->date_start != VCM_NO_YEAR ? o->date_start : o->date_end));
    const char *museum = o->museum_name ? o->museum_name : "";

    /* the image: held here first, else the museum's */
    vcm_buf shown, service;
    vcm_buf_init(&shown, 8192);
    vcm_buf_init(&service, 8192);
    int rc = -1;
    if (o->nmedia) {
        if (vcm_buf_printf(&service, "%s/iiif/", base) < 0 ||
            vcm_buf_urlenc(&service, o->media[0].identifier, strlen(o->media[0].identifier)) < 0)
            goto out;
    } else {
        for (size_t i = 0; i < o->nlinks && !service.len && !shown.len; i++) {
            if (strcmp(o->links[i].rel, "iiif-image") == 0 &&
                vcm_buf_puts(&service, o->links[i].url) < 0)
                goto out;
            if (strcmp(o->links[i].rel, "image") == 0 && vcm_buf_puts(&shown, o->links[i].url) < 0)
                goto out;
        }
    }
    if (service.len && vcm_buf_printf(&shown, "%s/full/max/0/default.jpg", service.data) < 0)
        goto out;

    if (vcm_buf_puts(b, " <edm:ProvidedCHO rdf:about=\"") < 0 || esc(b, base) < 0 ||
        vcm_buf_printf(b, "/objects/%s#object\">\n", id) < 0)
        goto out;
    for (size_t i = 0; i < o->ncreators; i++)
        if (lit(b, "dc:creator", NULL, o->creators[i]) < 0)
            goto out;
    if (lit(b, "dc:date", NULL, o->date_text) < 0 || texts(b, "dc:description", &o->description) < 0 ||
        lit(b, "dc:identifier", NULL, o->inventory_number ? o->inventory_number : o->source_id) < 0 ||
        lit(b, "dc:rights", NULL, o->credit_line) < 0 || texts(b, "dc:title", &o->title) < 0 ||
        lit(b, "dc:type", NULL, o->classification) < 0 || lit(b, "dcterms:created", NULL, years) < 0 ||
        lit(b, "dcterms:extent", NULL, o->dimensions) < 0 ||
        lit(b, "dcterms:medium", NULL, o->materials) < 0 ||
        lit(b, "dcterms:medium", NULL, o->technique) < 0 ||
        lit(b, "dcterms:temporal", NULL, o->period) < 0 ||
        lit(b, "edm:currentLocation", NULL, museum) < 0 ||
        vcm_buf_puts(b, "  <edm:type>IMAGE</edm:type>\n </edm:ProvidedCHO>\n") < 0)
        goto out;

    const char *rights = o->rights && *o->rights ? o->rights : CNE;
    if (shown.len) {
        if (vcm_buf_puts(b, " <edm:WebResource rdf:about=\"") < 0 || esc(b, shown.data) < 0 ||
            vcm_buf_puts(b, "\">\n") < 0 ||
            (o->nmedia && lit(b, "dc:rights", NULL, o->media[0].attribution) < 0) ||
            res(b, "edm:rights", o->nmedia && o->media[0].rights && *o->media[0].rights
                                     ? o->media[0].rights
                                     : rights,
                NULL, NULL) < 0 ||
            (service.len && res(b, "svcs:has_service", service.data, NULL, NULL) < 0) ||
            vcm_buf_puts(b, " </edm:WebResource>\n") < 0)
            goto out;
        if (service.len &&
            (vcm_buf_puts(b, " <svcs:Service rdf:about=\"") < 0 || esc(b, service.data) < 0 ||
             vcm_buf_puts(b, "\">\n") < 0 ||
             res(b, "dcterms:conformsTo", "http://iiif.io/api/image", NULL, NULL) < 0 ||
             res(b, "doap:implements", IIIF_IMAGE_PROFILE, NULL, NULL) < 0 ||
             vcm_buf_puts(b, " </svcs:Service>\n") < 0))
            goto out;
    }
    if (vcm_buf_puts(b, " <ore:Aggregation rdf:about=\"") < 0 || esc(b, base) < 0 ||
        vcm_buf_printf(b, "/objects/%s#aggregation\">\n", id) < 0 ||
        res(b, "edm:aggregatedCHO", base, "/objects/", NULL) < 0)
        goto out;
    /* the resource just written ends with "/objects/": add the id */
    b->len -= 4;
    if (vcm_buf_printf(b, "%s#object\"/>\n", id) < 0 || lit(b, "edm:dataProvider", NULL, museum) < 0 ||
        vcm_buf_puts(b, "  <edm:isShownAt rdf:resource=\"") < 0 || esc(b, base) < 0 ||
        vcm_buf_printf(b, "/objects/%s\"/>\n", id) < 0 ||
        (shown.len && res(b, "edm:isShownBy", shown.data, NULL, NULL) < 0) ||
        lit(b, "edm:provider", NULL, vcm_t("en", "site.name")) < 0 ||
        res(b, "edm:rights", rights, NULL, NULL) < 0 ||
        vcm_buf_puts(b, " </ore:Aggregation>\n") < 0)
        goto out;
    rc = 0;
out:
    vcm_buf_release(&shown);
    vcm_buf_release(&service);
    return rc;
}

int vcm_export_edm(vcm_store *s, const char *path, const char *base, int64_t *objects,
                   char *err, size_t errlen)
{
    return vcm_export_xml(s, path, base, vcm_edm_open, vcm_edm_write, vcm_edm_close, objects, err,
                          errlen);
}
