#include "store/store.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/banned.h"

vcm_store *vcm_store_open(const char *url, char *err, size_t errlen)
{
    if (strncmp(url, "sqlite:", 7) == 0)
        return vcm_store_sqlite_open(url + 7, err, errlen);
    if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0) {
        snprintf(err, errlen, "the PostgreSQL store is not built yet: use sqlite:PATH");
        return NULL;
    }
    snprintf(err, errlen, "database URL '%s' is neither sqlite:PATH nor postgres://…", url);
    return NULL;
}

void vcm_store_close(vcm_store *s)
{
    if (s)
        s->ops->close(s);
}

const char *vcm_store_error(const vcm_store *s)
{
    return s->error;
}

int vcm_store_fail(vcm_store *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->error, sizeof s->error, fmt, ap);
    va_end(ap);
    return -1;
}
