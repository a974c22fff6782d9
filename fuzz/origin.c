/* libFuzzer target for the origin rule (src/model/origin.c): the input is a
 * record's culture, artist, title and description, separated by NUL bytes
 * (missing parts are NULL). Checks beyond "no crash": the country is empty
 * or two upper-case letters, the region one of the slugs, the culture and
 * the rule NUL-terminated within their buffers, a culture label for every
 * culture, the same answer twice (the rule is pure), and an origin filter
 * read from the same bytes (vcm_filter_origin_parse) either refused or
 * holding only known regions and upper-case codes.
 * Build with `make fuzz`; run: build/fuzz/origin -max_total_time=60 fuzz/corpus/origin */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/filter.h"
#include "model/origin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = 0;
    const char *part[4] = {NULL, NULL, NULL, NULL};
    size_t np = 0;
    for (size_t i = 0; i <= size && np < 4;) {
        part[np++] = buf + i;
        i += strlen(buf + i) + 1;
    }
    vcm_origin_source src = {part[0], part[1], part[2], part[3]};
    vcm_origin a, b;
    if (vcm_origin_derive(&src, &a) != 0)
        abort();
    if (a.country[0] && (a.country[0] < 'A' || a.country[0] > 'Z' || a.country[1] < 'A' ||
                         a.country[1] > 'Z' || a.country[2]))
        abort();
    if ((unsigned)a.region >= VCM_ORIGIN_NREGIONS ||
        vcm_origin_region_parse(vcm_origin_region_slug(a.region)) != a.region)
        abort();
    if (!memchr(a.culture, 0, sizeof a.culture) || !memchr(a.rule, 0, sizeof a.rule))
        abort();
    if (a.culture[0] && !vcm_origin_culture_label(a.culture))
        abort();
    if (vcm_origin_derive(&src, &b) != 0 || memcmp(&a, &b, sizeof a) != 0)
        abort();
    vcm_filter f = {0};
    if (vcm_filter_origin_parse(&f, (const char *)data, size) == 0) {
        if (f.origin_regions & ~(((1u << VCM_ORIGIN_NREGIONS) - 1) & ~1u))
            abort();
        for (size_t i = 0; i < VCM_FILTER_ORIGINS; i++)
            if (f.origin_countries[i][0] &&
                (f.origin_countries[i][0] < 'A' || f.origin_countries[i][0] > 'Z'))
                abort();
    }
    free(buf);
    return 0;
}
