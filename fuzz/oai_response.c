/* libFuzzer target for the harvester's reader of OAI-PMH responses
 * (src/io/oai.c over the safe XML reader, src/io/xml.c): the input is a
 * repository's answer. Invariants beyond no crash: every record handed over
 * has a deleted record's header without metadata, or metadata that is an
 * element; the token, date and error fields are NUL-terminated within
 * their arrays; an error names the document.
 * Build with `make fuzz`; run: build/fuzz/oai_response fuzz/corpus/oai_response */
#include <stdlib.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "io/oai.h"

static int on_record(void *ud, const vcm_oai_header *h, const xmlNode *meta, long line,
                     char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    (void)line;
    long *n = ud;
    if ((h->deleted && meta) || (meta && meta->type != XML_ELEMENT_NODE))
        abort();
    if (h->identifier && !*h->identifier)
        abort();
    (*n)++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vcm_oai_page pg;
    char err[600];
    long n = 0;
    int r = vcm_oai_parse_page((const char *)data, size, "fuzz.xml", on_record, &n, &pg, err,
                               sizeof err);
    if (r < 0 && strncmp(err, "fuzz.xml", 8) != 0)
        abort();
    if (r == 0 && (n != pg.records || !pg.response_date[0] ||
                   memchr(pg.token, '\0', sizeof pg.token) == NULL ||
                   memchr(pg.error_code, '\0', sizeof pg.error_code) == NULL))
        abort();
    return 0;
}
