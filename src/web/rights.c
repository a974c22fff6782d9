/* Rights as the object page and the API show them: the metadata's licence,
 * the object's rights and what the source says of its images, apart, each
 * with its label from the catalogue; "not stated" where the source says
 * nothing (docs/rights.md). The object's rights are the stored URI (what
 * the filters count); the rest is read again from the source's own text,
 * which the record keeps. */
#include <string.h>

#include "model/filter.h"
#include "model/rights.h"
#include "web/web.h"
#include "core/banned.h"

static const char *const image_keys[] = {
    [VCM_IMAGES_NOT_STATED] = "rights.images_not_stated",
    [VCM_IMAGES_NOT_INCLUDED] = "rights.images_not_included",
    [VCM_IMAGES_NOT_OPEN] = "rights.images_not_open",
};

static const char *const image_values[] = {
    [VCM_IMAGES_NOT_STATED] = "not-stated",
    [VCM_IMAGES_NOT_INCLUDED] = "not-included",
    [VCM_IMAGES_NOT_OPEN] = "not-open",
};

/* The label of a rights URI; the URI itself when the catalogue has none. */
static const char *uri_label(const vcm_req *req, const char *uri)
{
    const char *key = vcm_rights_label_key(uri);
    return key ? vcm_web_t(req, key) : uri;
}

json_t *vcm_web_rights_json(vcm_req *req, const vcm_object *o)
{
    vcm_rights_info ri;
    if (vcm_rights_read(o->source_licence, req->arena, &ri) < 0)
        memset(&ri, 0, sizeof ri);
    const char *not_stated = vcm_web_t(req, "rights.unknown");

    json_t *meta = json_object();
    const char *uri = o->licence ? vcm_rights_uri_of(o->licence, strlen(o->licence)) : NULL;
    json_object_set_new(meta, "spdx", o->licence ? json_string(o->licence) : json_null());
    json_object_set_new(meta, "label", json_string(o->licence ? (uri ? uri_label(req, uri)
                                                                     : o->licence)
                                                              : not_stated));
    json_object_set_new(meta, "uri", uri ? json_string(uri) : json_null());

    json_t *obj = json_object();
    json_object_set_new(obj, "uri", o->rights ? json_string(o->rights) : json_null());
    json_object_set_new(obj, "open", json_boolean(vcm_rights_open(o->rights)));
    const char *label = not_stated;
    if (o->rights)
        label = uri_label(req, o->rights);
    else if (ri.object_term && strcmp(ri.object_term, "open access") == 0)
        label = vcm_web_t(req, "rights.open_access");
    else if (ri.object_term)
        label = ri.object_term; /* the museum's own words */
    json_object_set_new(obj, "label", json_string(label));
    json_object_set_new(obj, "stated", json_boolean(o->rights || ri.object_term));

    json_t *img = json_object();
    json_object_set_new(img, "statement", json_string(image_values[ri.images]));
    json_object_set_new(img, "label", json_string(vcm_web_t(req, image_keys[ri.images])));
    json_object_set_new(img, "holder", ri.image_holder ? json_string(ri.image_holder)
                                                       : json_null());

    return json_pack("{s:o, s:o, s:o, s:s?}", "metadata", meta, "object", obj, "images", img,
                     "source_text", o->source_licence);
}
