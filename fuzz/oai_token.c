/* libFuzzer target for OAI-PMH resumption tokens and datestamps
 * (src/io/oai.c): the input is a token as a harvester sends it back, and
 * the same bytes read as a from or until. Invariants beyond no crash: a
 * token decoded is one the encoder writes again to the same text (a token
 * has one spelling), its fields are within their bounds; a datestamp read
 * is written back, at seconds granularity, to a date of the same day.
 * Build with `make fuzz`; run: build/fuzz/oai_token fuzz/corpus/oai_token */
#include <stdlib.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "io/oai.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char s[1024];
    if (size >= sizeof s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    vcm_oai_query q;
    if (vcm_oai_token_decode(s, &q) == 0) {
        char again[VCM_OAI_TOKEN_MAX];
        if (vcm_oai_token_encode(&q, again) < 0 || strcmp(again, s) != 0)
            abort();
        if (q.from < 0 || q.until < q.from || q.after < 0 || q.cursor < 0 || q.size < 0 ||
            (q.set[0] && !vcm_oai_set_spec_ok(q.set)))
            abort();
    }
    int64_t t;
    int g = vcm_oai_time_parse(s, false, &t);
    if (g > 0) {
        char out[21];
        vcm_oai_time_format(t, out);
        if (strncmp(out, s, 10) != 0 || (g == 2 && strcmp(out, s) != 0))
            abort();
    }
    return 0;
}
