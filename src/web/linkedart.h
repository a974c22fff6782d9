/* An object in Linked Art (https://linked.art/): JSON-LD over CIDOC-CRM,
 * at /objects/{id}.jsonld and at /objects/{id} for a client that asks for
 * application/ld+json; the context it names is built into the program and
 * served at /linked-art/context.json (data/linked-art/). */
#ifndef VCM_WEB_LINKEDART_H
#define VCM_WEB_LINKEDART_H
#include <stdbool.h>

#include "http/req.h"

#define VCM_LINKEDART_CONTEXT "https://linked.art/ns/v1/linked-art.json"

/* Whether the request for /objects/{id} wants Linked Art: an id ending in
 * ".jsonld", or an Accept header that rates application/ld+json above
 * text/html. */
bool vcm_linkedart_wanted(const vcm_req *req);
/* GET /objects/{id} (as above): the object as a HumanMadeObject. */
int vcm_linkedart_object(vcm_req *req, vcm_resp *resp);
/* GET /linked-art/context.json */
int vcm_linkedart_context(vcm_req *req, vcm_resp *resp);
#endif
