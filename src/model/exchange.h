/* The Education Exchange and Outreach Programme as data: offers and
 * requests of staff placements and education exchanges posted by member
 * museums, and how well an offer and a request match. No SQL, no HTTP.
 *
 * A match pairs an offer with a request of the same kind, one side the
 * host and the other the home museum, one museum in the Asian and the
 * other in the European group of ASEM (the partner group of each museum's
 * country). Its score (0 to 100) is the sum of four parts, each shown on
 * the match page: topic (words shared, up to 40), skills (skills shared,
 * up to 30), languages (a language in common: 20), dates (periods that
 * overlap: 10). docs/loans.md gives the same in words. */
#ifndef VCM_MODEL_EXCHANGE_H
#define VCM_MODEL_EXCHANGE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/model.h"

typedef enum vcm_xkind { VCM_X_PLACEMENT, VCM_X_EDUCATION } vcm_xkind;

typedef struct vcm_xpost {
    int64_t id, museum_id;
    bool offer;          /* an offer (else a request) */
    bool host;           /* the museum hosts (else it is the home museum) */
    vcm_xkind kind;
    const char *topic;
    const char *skills;    /* comma-separated */
    const char *languages; /* comma-separated (BCP 47 tags or names) */
    const char *start, *end; /* YYYY-MM-DD, inclusive */
    vcm_region group;      /* ASIA or EUROPE: the partner group of its country */
    bool open;
    int64_t created;
} vcm_xpost;

typedef struct vcm_xscore {
    int topic, skills, languages, dates, total;
    bool eligible;      /* offer with request, same kind, host with home, Asia with Europe */
    const char *why_not; /* catalogue key when not eligible */
} vcm_xscore;

const char *vcm_xkind_name(vcm_xkind k); /* "placement", "education" */
int vcm_xkind_parse(const char *s, vcm_xkind *out);
/* The checks of a new post: 0, or -1 with *key (catalogue key) and
 * *field (the form field at fault). */
int vcm_xpost_check(const vcm_xpost *p, const char **field, const char **key);
/* The score of a and b (in either order). */
void vcm_xmatch(const vcm_xpost *a, const vcm_xpost *b, vcm_xscore *out);
#endif
