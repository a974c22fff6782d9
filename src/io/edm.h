/* EDM (the Europeana Data Model) out, as Europeana ingests it: per object an
 * edm:ProvidedCHO (what the object is), an ore:Aggregation (who provides it,
 * where it is shown, under what rights) and, for its image, an
 * edm:WebResource with the IIIF Image service that serves it (svcs:Service).
 * Valid against the EDM external schema (../shared/data/schemas/edm). */
#ifndef VCM_IO_EDM_H
#define VCM_IO_EDM_H
#include <stdint.h>

#include "core/buf.h"
#include "model/model.h"
#include "store/store.h"

/* The start and end of an EDM document (an rdf:RDF). */
int vcm_edm_open(vcm_buf *b);
int vcm_edm_close(vcm_buf *b);
/* One object's resources, between vcm_edm_open() and vcm_edm_close().
 * base: the site's public base URL (every resource is named under it). */
int vcm_edm_write(vcm_buf *b, const vcm_object *o, const char *country, const char *base);
/* Every published object to path ("-" = standard output). */
int vcm_export_edm(vcm_store *s, const char *path, const char *base, int64_t *objects,
                   char *err, size_t errlen);
#endif
