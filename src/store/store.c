#include "store/store.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/banned.h"

vcm_store *vcm_store_open(const char *url, char *err, size_t errlen)
{
    if (strncmp(url, "sqlite:", 7) == 0)
        return vcm_store_sqlite_open(url + 7, err, errlen);
    if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0)
        return vcm_store_pg_open(url, err, errlen);
    snprintf(err, errlen, "database URL '%s' is neither sqlite:PATH nor postgres://…", url);
    return NULL;
}

/* The tables vcm db copy moves, parents first. schema_migrations is each
 * backend's own; meta holds the database's identity, which stays its own.
 * A table added by a migration (users, versions, the audit log, sessions)
 * is added here too, with the same columns in both backends' schemas, or
 * db copy would leave it behind: its test compares every table listed. */
static const char *const countries_cols[] = {"code", "region", "asem_since"};
static const char *const country_names_cols[] = {"code", "lang", "pos", "name"};
static const char *const museums_cols[] = {"id", "name_key", "country", "city", "lat",
                                           "lon", "website", "joined", "left_on"};
static const char *const museum_names_cols[] = {"museum_id", "lang", "pos", "name"};
static const char *const objects_cols[] = {
    "id", "museum_id", "source_id", "source", "source_licence", "inventory_number", "date_text",
    "date_start", "date_end", "century", "period", "culture", "classification", "materials",
    "technique", "dimensions", "credit_line", "rights", "licence", "source_url", "status",
    "created", "updated", "content_hash"};
static const char *const object_texts_cols[] = {"object_id", "field", "lang", "pos", "value"};
static const char *const object_creators_cols[] = {"object_id", "pos", "name"};
static const char *const media_cols[] = {"id", "object_id", "pos", "file", "format",
                                         "width", "height", "checksum", "rights", "identifier",
                                         "original", "label", "created"};
static const char *const activities_cols[] = {"id", "object_id", "type", "time"};
static const char *const changes_cols[] = {"object_id", "seq"};

#define TABLE(n, types, nkey) {#n, n##_cols, types, sizeof n##_cols / sizeof n##_cols[0], nkey}
const vcm_table vcm_store_tables[] = {
    TABLE(countries, "tti", 1),
    TABLE(country_names, "ttit", 2),
    TABLE(museums, "itttrrttt", 1),
    TABLE(museum_names, "itit", 2),
    TABLE(objects, "iitttttiiitttttttttttiit", 1),
    TABLE(object_texts, "ittit", 3),
    TABLE(object_creators, "iit", 2),
    TABLE(media, "iiittiittttti", 1),
    TABLE(activities, "iiti", 1),
    TABLE(changes, "ii", 1),
};
#undef TABLE
const size_t vcm_store_ntables = sizeof vcm_store_tables / sizeof vcm_store_tables[0];

void vcm_store_close(vcm_store *s)
{
    if (s)
        s->ops->close(s);
}

void vcm_store_url_redact(const char *url, char *out, size_t size)
{
    const char *scheme = strstr(url, "://");
    const char *rest = scheme ? scheme + 3 : NULL;
    const char *at = NULL, *colon = NULL;
    if (rest) { /* the last '@' of the authority: a password may hold one */
        size_t n = strcspn(rest, "/?#");
        for (size_t i = 0; i < n; i++)
            if (rest[i] == '@')
                at = rest + i;
    }
    if (at)
        colon = memchr(rest, ':', (size_t)(at - rest));
    if (colon)
        snprintf(out, size, "%.*s:***%s", (int)(colon - url), url, at);
    else
        snprintf(out, size, "%s", url);
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
