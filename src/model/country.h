/* Country facts that need no database: names in the languages of the
 * network from ICU's locale data, and the continent from ICU's region
 * containment (UN M.49), used when no ASEM group is known. */
#ifndef VCM_COUNTRY_H
#define VCM_COUNTRY_H
#include "model/model.h"

/* Fills c for an ISO 3166-1 alpha-2 code: code, names, region.
 * Returns -1 when ICU does not know the code as a territory. */
int vcm_country_from_code(vcm_country *c, vcm_arena *a, const char *code);
#endif
