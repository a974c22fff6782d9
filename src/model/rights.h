/* What a source says about rights, read into three separate things:
 *
 *  - the licence of the metadata (the record's text), as an SPDX id
 *    ("CC0-1.0", "CC-BY-4.0");
 *  - the rights in the object itself, as a RightsStatements.org URI or a
 *    Creative Commons licence or mark URI;
 *  - what the source says about its images ("images not included",
 *    "image not CC0", "thumbnail © holder").
 *
 * Museum exports write all three in one free-text field, in many shapes
 * ("CC0-1.0 (metadata); object is public domain: True", "Mia open data
 * (see README); object rights: In Copyright", "rights per record: NPMT
 * CC-BY-4.0"). vcm_rights_read is the one reader of that text: pure,
 * tested on every shape of the demo (docs/rights.md) and fuzzed
 * (fuzz/rights.c). What the text does not say stays unsaid: a field left
 * NULL means "not stated", never a guess. */
#ifndef VCM_MODEL_RIGHTS_H
#define VCM_MODEL_RIGHTS_H
#include "core/arena.h"

typedef enum vcm_image_rights {
    VCM_IMAGES_NOT_STATED = 0, /* the source says nothing of its images */
    VCM_IMAGES_NOT_INCLUDED,   /* "images not included" */
    VCM_IMAGES_NOT_OPEN,       /* "image(s) not CC0": reserved, see the holder */
} vcm_image_rights;

typedef struct vcm_rights_info {
    const char *metadata;     /* SPDX id; NULL: not stated */
    const char *object;       /* rights URI; NULL: not stated */
    const char *object_term;  /* the source's own term when it names no standard
                                 statement ("open access"); NULL otherwise */
    vcm_image_rights images;
    const char *image_holder; /* "Anish Kapoor" from "thumbnail © Anish Kapoor" */
} vcm_rights_info;

/* Reads a source's rights text (NULL or "" gives all "not stated").
 * Strings are static or copied into a. Returns 0, or -1 when the arena is
 * full (out is then all "not stated"). Never fails on content. */
int vcm_rights_read(const char *text, vcm_arena *a, vcm_rights_info *out);

/* The rights URI of a standard name ("In Copyright", "CC BY 4.0",
 * "CC-BY-4.0", "Public Domain", "Copyright Not Evaluated") or of a URI of
 * creativecommons.org or rightsstatements.org (normalised to http:// and a
 * trailing slash); NULL when it names none. */
const char *vcm_rights_uri_of(const char *name, size_t len);
/* The SPDX id of a licence name ("CC0", "CC0-1.0", "CC BY 4.0"); NULL. */
const char *vcm_rights_spdx_of(const char *name, size_t len);
/* The catalogue key of a rights URI's label ("rights.ccby"); NULL when
 * the URI is none of the known ones. */
const char *vcm_rights_label_key(const char *uri);
#endif
