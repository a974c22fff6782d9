/* OAI-PMH 2.0: what the provider (src/web/oai.c) and the harvester
 * (src/cli/harvest.c) share, all of it pure: no store, no network.
 *
 * - Datestamps: UTC, "YYYY-MM-DDThh:mm:ssZ" (the provider's granularity)
 *   or "YYYY-MM-DD", read and written.
 * - Resumption tokens: a token carries the whole of its list's query
 *   (verb, metadataPrefix, set, from, until), where the list stands (the
 *   last object id given, the cursor) and the completeListSize counted
 *   when the list began. Nothing is kept on the server, so a token never
 *   expires and survives a restart of any node. A token is outside input:
 *   vcm_oai_token_decode() checks every field and refuses anything it
 *   would not have written (fuzz/oai_token.c).
 * - Responses: vcm_oai_parse_page() reads one response of a repository
 *   (any OAI-PMH 2.0 provider, this one or another) through the safe XML
 *   reader (io/xml.h), handing each record over as it is read, and tells
 *   the response's date, its error, and its resumption token
 *   (fuzz/oai_response.c). */
#ifndef VCM_IO_OAI_H
#define VCM_IO_OAI_H
#include <libxml/tree.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VCM_OAI_NS "http://www.openarchives.org/OAI/2.0/"
#define VCM_OAI_DC_NS "http://www.openarchives.org/OAI/2.0/oai_dc/"
#define VCM_DC_NS "http://purl.org/dc/elements/1.1/"

/* ---- datestamps --------------------------------------------------------- */

/* Reads a UTC datestamp: 2 for seconds granularity, 1 for a day (then the
 * day's first second, or its last when end is true), -1 when s is not one. */
int vcm_oai_time_parse(const char *s, bool end, int64_t *out);
/* Writes t as "YYYY-MM-DDThh:mm:ssZ". */
void vcm_oai_time_format(int64_t t, char out[21]);

/* ---- resumption tokens -------------------------------------------------- */

typedef enum vcm_oai_verb {
    VCM_OAI_LIST_RECORDS = 'R',
    VCM_OAI_LIST_IDENTIFIERS = 'I',
    VCM_OAI_LIST_SETS = 'S',
} vcm_oai_verb;

typedef struct vcm_oai_query {
    vcm_oai_verb verb;
    char prefix[16];           /* metadataPrefix; "" for ListSets */
    char set[128];             /* "" for none */
    int64_t from, until;       /* Unix seconds, inclusive */
    int64_t after;             /* the last key given (an object id, a set's number) */
    int64_t cursor;            /* records given before this page */
    int64_t size;              /* completeListSize when the list began */
} vcm_oai_query;

#define VCM_OAI_TOKEN_MAX 400

/* The token of q, URL-safe (base64url of its fields): 0, or -1 when a
 * field cannot be written (a set or prefix with a character OAI-PMH does
 * not allow in them). */
int vcm_oai_token_encode(const vcm_oai_query *q, char out[VCM_OAI_TOKEN_MAX]);
/* q from a token: 0, or -1 when the token is not one this provider writes. */
int vcm_oai_token_decode(const char *token, vcm_oai_query *q);

/* Whether s is a setSpec (OAI-PMH's characters, ':' between parts) or a
 * metadataPrefix (the same characters, no ':'). */
bool vcm_oai_set_spec_ok(const char *s);
bool vcm_oai_prefix_ok(const char *s);

/* ---- the harvester's reader -------------------------------------------- */

typedef struct vcm_oai_header {
    const char *identifier;    /* NULL when the record has none */
    const char *datestamp;     /* NULL when none */
    bool deleted;
} vcm_oai_header;

/* Called for each record of a page: metadata is the record's metadata
 * element's first element child (a lido:lido, an oai_dc:dc), NULL for a
 * deleted record or one without. Returns 0, or -1 to stop the reading
 * (vcm_oai_parse_page then returns -1 with err as fn left it). */
typedef int (*vcm_oai_record_fn)(void *ud, const vcm_oai_header *h, const xmlNode *metadata,
                                 long line, char *err, size_t errlen);

typedef struct vcm_oai_page {
    char response_date[32];    /* as the response gives it; "" none */
    char error_code[48];       /* the first error's code; "" none */
    char error_text[256];
    char token[1024];          /* the resumption token; "" for the last page */
    bool has_token;            /* a resumptionToken element was there (maybe empty) */
    int64_t cursor, size;      /* -1 when not told */
    long records;              /* records handed to fn */
} vcm_oai_page;

/* Reads one response (n bytes of data, called name in messages). Returns
 * 0 when it was read to its end, -1 when it is not a well-formed OAI-PMH
 * response (or fn stopped) with "NAME:LINE: reason" in err. */
int vcm_oai_parse_page(const char *data, size_t n, const char *name, vcm_oai_record_fn fn,
                       void *ud, vcm_oai_page *out, char *err, size_t errlen);
#endif
