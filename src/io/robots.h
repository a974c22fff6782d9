/* robots.txt (RFC 9309): which paths of a site a crawler may fetch.
 *
 * A pure reader over a buffer, so any input can be tested and fuzzed. The
 * rules kept are those of the groups whose user-agent line names our
 * product token (case-insensitive), else those of the "*" groups; groups
 * naming the same agent are merged. A path is allowed unless its longest
 * matching rule is a Disallow (an Allow of the same length wins); '*'
 * matches any run of characters and a final '$' the end of the path. The
 * non-standard Crawl-delay of the chosen groups is kept, in milliseconds.
 * Only the first VCM_ROBOTS_MAX_BYTES are read (the RFC's 500 KiB), and at
 * most VCM_ROBOTS_MAX_RULES rules: a file cannot make the reader grow
 * without bound. */
#ifndef VCM_IO_ROBOTS_H
#define VCM_IO_ROBOTS_H
#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"

#define VCM_ROBOTS_MAX_BYTES (500 * 1024)
#define VCM_ROBOTS_MAX_RULES 4096
#define VCM_ROBOTS_MAX_LINE 4096
#define VCM_ROBOTS_MAX_DELAY_MS 600000

typedef struct vcm_robots_rule {
    const char *pattern;
    size_t len;
    bool allow;
} vcm_robots_rule;

typedef struct vcm_robots {
    vcm_robots_rule *rules;
    size_t n;
    long delay_ms;   /* Crawl-delay; -1 when not given */
    bool disallow_all; /* set by the caller: robots.txt could not be had (RFC 9309 2.3.1.4) */
} vcm_robots;

/* Reads text (len bytes, not NUL-terminated) for the crawler named agent
 * (a product token such as "VCM"). Strings go into a. Returns 0, or -1
 * when the arena is full. */
int vcm_robots_parse(vcm_robots *r, vcm_arena *a, const char *text, size_t len,
                     const char *agent);
/* Whether path (from its first '/', query included) may be fetched. */
bool vcm_robots_allowed(const vcm_robots *r, const char *path);
#endif
