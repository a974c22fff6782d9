/* Pure decisions of the image fetcher; see fetch.h. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "io/fetch.h"
#include "core/banned.h"

bool vcm_fetch_rights_open(const char *rights, const char *source_licence)
{
    static const char *const open[] = {
        "creativecommons.org/publicdomain/zero/",
        "creativecommons.org/publicdomain/mark/",
        "creativecommons.org/licenses/by/",
        "creativecommons.org/licenses/by-sa/",
        "rightsstatements.org/vocab/NoC-US/",
        "rightsstatements.org/vocab/NKC/",
    };
    /* what sources write when the record is open and its images are not */
    static const char *const closed[] = {"image not", "images not", "©", "(c)"};
    if (!rights)
        return false;
    bool ok = false;
    for (size_t i = 0; i < sizeof open / sizeof open[0] && !ok; i++)
        ok = strstr(rights, open[i]) != NULL;
    for (size_t i = 0; ok && source_licence && i < sizeof closed / sizeof closed[0]; i++)
        if (strcasestr(source_licence, closed[i]))
            ok = false;
    return ok;
}

const char *vcm_fetch_sniff(const unsigned char *p, size_t n)
{
    if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
        return "jpeg";
    if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
        return "png";
    if (n >= 4 && (memcmp(p, "II*\0", 4) == 0 || memcmp(p, "MM\0*", 4) == 0))
        return "tiff";
    if (n >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
        return "webp";
    if (n >= 12 && memcmp(p, "\0\0\0\x0cjP  \r\n\x87\n", 12) == 0)
        return "jp2k";
    if (n >= 4 && memcmp(p, "\xff\x4f\xff\x51", 4) == 0)
        return "jp2k";
    if (n >= 6 && (memcmp(p, "GIF87a", 6) == 0 || memcmp(p, "GIF89a", 6) == 0))
        return "gif";
    return NULL;
}

static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT", the one form RFC 9110
 * requires senders to use. */
static int http_date(const char *s, time_t *out)
{
    const char *c = strchr(s, ',');
    if (!c)
        return -1;
    char mon[4] = "";
    int d, y, hh, mm, ss, used = 0;
    if (sscanf(c + 1, " %2d %3s %4d %2d:%2d:%2d GMT%n", &d, mon, &y, &hh, &mm, &ss, &used) != 6 ||
        !used || c[1 + used] != '\0')
        return -1;
    int m = -1;
    for (int i = 0; i < 12; i++)
        if (strcmp(mon, months[i]) == 0)
            m = i;
    if (m < 0 || d < 1 || d > 31 || y < 1970 || hh > 23 || mm > 59 || ss > 60)
        return -1;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m, .tm_mday = d, .tm_hour = hh,
                    .tm_min = mm, .tm_sec = ss};
    *out = timegm(&tm);
    return 0;
}

long vcm_fetch_retry_after(const char *v, time_t now, long max)
{
    if (!v)
        return -1;
    while (*v == ' ' || *v == '\t')
        v++;
    if (isdigit((unsigned char)*v)) {
        long s = 0;
        for (; isdigit((unsigned char)*v); v++)
            if ((s = s * 10 + (*v - '0')) > max)
                s = max;
        while (*v == ' ' || *v == '\t')
            v++;
        return *v ? -1 : s;
    }
    time_t t;
    if (http_date(v, &t) < 0)
        return -1;
    return t <= now ? 0 : (t - now > max ? max : (long)(t - now));
}
