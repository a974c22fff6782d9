#include "core/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/banned.h"

static atomic_int min_level = VCM_LOG_INFO;
static _Thread_local uint64_t request_id;

void vcm_log_set_level(enum vcm_log_level level)
{
    atomic_store(&min_level, (int)level);
}

int vcm_log_parse_level(const char *s, enum vcm_log_level *out)
{
    static const char *names[] = {"debug", "info", "warn", "error", "off"};
    for (int i = 0; i <= VCM_LOG_OFF; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (enum vcm_log_level)i;
            return 0;
        }
    return -1;
}

void vcm_log_set_request(uint64_t id)
{
    request_id = id;
}

uint64_t vcm_log_request(void)
{
    return request_id;
}

void vcm_log(enum vcm_log_level level, const char *msg, const char *fmt, ...)
{
    static const char *names[] = {"debug", "info", "warn", "error"};
    if ((int)level < atomic_load(&min_level) || level >= VCM_LOG_OFF)
        return;
    char line[2048];
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    int n = snprintf(line, sizeof line, "ts=%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ level=%s",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                     tm.tm_sec, ts.tv_nsec / 1000000, names[level]);
    if (request_id && n > 0 && (size_t)n < sizeof line)
        n += snprintf(line + n, sizeof line - (size_t)n, " req=%llu",
                      (unsigned long long)request_id);
    if (n > 0 && (size_t)n < sizeof line)
        n += snprintf(line + n, sizeof line - (size_t)n, " msg=\"%s\"", msg);
    if (fmt && *fmt && n > 0 && (size_t)n < sizeof line - 1) {
        line[n++] = ' ';
        va_list ap;
        va_start(ap, fmt);
        int m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
        va_end(ap);
        if (m > 0)
            n += m;
    }
    if (n < 0)
        return;
    if ((size_t)n >= sizeof line - 1)
        n = (int)sizeof line - 2;
    line[n++] = '\n';
    fwrite(line, 1, (size_t)n, stderr);
}
