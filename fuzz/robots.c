/* libFuzzer target for the robots.txt reader (src/io/robots.c): the input
 * is a robots.txt; every rule it yields is then asked about paths made from
 * its own patterns and fixed ones. Checks beyond "no crash": /robots.txt is
 * always allowed, the rules never outnumber the cap, and a Crawl-delay is
 * within its bounds.
 * Build with `make fuzz`; run: build/fuzz/robots -max_total_time=60 fuzz/corpus/robots */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/robots.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_robots r;
    if (vcm_robots_parse(&r, &a, (const char *)data, size, "VCM") == 0) {
        if (r.n > VCM_ROBOTS_MAX_RULES || r.delay_ms > VCM_ROBOTS_MAX_DELAY_MS ||
            !vcm_robots_allowed(&r, "/robots.txt"))
            abort();
        static const char *const paths[] = {"/", "/a", "/images/x.jpg", "/a?b=c", "", "/$"};
        for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
            (void)vcm_robots_allowed(&r, paths[i]);
        for (size_t i = 0; i < r.n && i < 64; i++) {
            char path[512];
            size_t n = r.rules[i].len < sizeof path - 1 ? r.rules[i].len : sizeof path - 1;
            memcpy(path, r.rules[i].pattern, n);
            path[n] = '\0';
            (void)vcm_robots_allowed(&r, path);
        }
    }
    vcm_arena_release(&a);
    return 0;
}
