/* Levelled key=value logging to stderr, one line per event:
 *   ts=2026-11-22T02:11:57Z level=info req=42 msg="request" path=/browse
 * The request id is per thread: the HTTP layer sets it for the duration of a
 * request, so every line a handler logs carries it. */
#ifndef VCM_LOG_H
#define VCM_LOG_H
#include <stdint.h>

enum vcm_log_level { VCM_LOG_DEBUG, VCM_LOG_INFO, VCM_LOG_WARN, VCM_LOG_ERROR, VCM_LOG_OFF };

void vcm_log_set_level(enum vcm_log_level level);
/* "debug", "info", "warn", "error", "off"; returns -1 for anything else. */
int vcm_log_parse_level(const char *s, enum vcm_log_level *out);
void vcm_log_set_request(uint64_t id); /* 0 = none */
uint64_t vcm_log_request(void);

/* fmt holds the key=value pairs after msg; values with spaces must be quoted
 * by the caller with %s inside "…" or go through vcm_log_kv. */
void vcm_log(enum vcm_log_level level, const char *msg, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define vcm_debug(msg, ...) vcm_log(VCM_LOG_DEBUG, msg, __VA_ARGS__)
#define vcm_info(msg, ...) vcm_log(VCM_LOG_INFO, msg, __VA_ARGS__)
#define vcm_warn(msg, ...) vcm_log(VCM_LOG_WARN, msg, __VA_ARGS__)
#define vcm_error(msg, ...) vcm_log(VCM_LOG_ERROR, msg, __VA_ARGS__)
#endif
