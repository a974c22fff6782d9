/* Every statement of the store, written once with ?N placeholders (the
 * PostgreSQL driver rewrites them $N). The few whose text truly differs
 * between the engines are in `differ`, side by side, with the reason. */
#include <stddef.h>

#include "store/store_int.h"
#include "core/banned.h"

#define OBJECT_COLS                                                                           \
    "museum_id, source_id, source, source_licence, inventory_number, date_text, date_start, " \
    "date_end, century, period, culture, classification, materials, technique, dimensions, "  \
    "credit_line, rights, licence, source_url, status, created, updated, content_hash"
#define MEDIA_COLS                                                                            \
    "id, file, format, width, height, checksum, rights, identifier, original, label, attribution"
#define MEDIA_PUT                                                                             \
    "INSERT INTO media(object_id, pos, file, format, width, height, checksum, rights, "       \
    "identifier, original, label, created, attribution, entry_id, held) "                     \
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) RETURNING id"
/* A museum's or a country's name for a label: English, else the first. */
#define FIRST_NAME(table, key, ref)                                                           \
    "(SELECT name FROM " table " n WHERE n." key " = " ref " ORDER BY n.lang <> 'en', n.pos "  \
    "LIMIT 1)"

static const char *const common[S_COUNT] = {
    [S_COUNTRY_PUT] = "INSERT INTO countries(code, region, asem_since) VALUES (?1, ?2, ?3) "
                      "ON CONFLICT(code) DO UPDATE SET region = ?2, asem_since = ?3",
    [S_COUNTRY_NAMES_DEL] = "DELETE FROM country_names WHERE code = ?1",
    [S_COUNTRY_NAME_PUT] = "INSERT INTO country_names(code, lang, pos, name) VALUES (?1, ?2, ?3, ?4)",
    [S_COUNTRY_GET] = "SELECT code, region, asem_since FROM countries WHERE code = ?1",
    [S_COUNTRY_NAMES] = "SELECT lang, name FROM country_names WHERE code = ?1 ORDER BY pos",
    [S_MUSEUM_FIND] = "SELECT museum_id FROM museum_names WHERE name = ?1 LIMIT 1",
    [S_MUSEUM_FIND_KEY] = "SELECT id FROM museums WHERE name_key = ?1",
    [S_MUSEUM_UPDATE] = "UPDATE museums SET name_key = ?2, country = ?3, city = ?4, lat = ?5, "
                        "lon = ?6, website = ?7, joined = ?8, left_on = ?9 WHERE id = ?1",
    [S_MUSEUM_NAMES_DEL] = "DELETE FROM museum_names WHERE museum_id = ?1",
    [S_MUSEUM_NAME_PUT] =
        "INSERT INTO museum_names(museum_id, lang, pos, name) VALUES (?1, ?2, ?3, ?4)",
    [S_MUSEUM_GET] =
        "SELECT id, country, city, lat, lon, website, joined, left_on FROM museums WHERE id = ?1",
    [S_MUSEUM_NAMES] = "SELECT lang, name FROM museum_names WHERE museum_id = ?1 ORDER BY pos",
    [S_MUSEUM_LIST] =
        "SELECT id, country, city, lat, lon, website, joined, left_on FROM museums ORDER BY name_key",
    [S_MUSEUM_LIST_COUNTRY] =
        "SELECT id, country, city, lat, lon, website, joined, left_on FROM museums "
        "WHERE country = ?1 ORDER BY name_key",
    [S_OBJECT_FIND] =
        "SELECT id, content_hash, created FROM objects WHERE museum_id = ?1 AND source_id = ?2",
    [S_OBJECT_UPDATE] =
        "UPDATE objects SET museum_id = ?2, source_id = ?3, source = ?4, source_licence = ?5, "
        "inventory_number = ?6, date_text = ?7, date_start = ?8, date_end = ?9, century = ?10, "
        "period = ?11, culture = ?12, classification = ?13, materials = ?14, technique = ?15, "
        "dimensions = ?16, credit_line = ?17, rights = ?18, licence = ?19, source_url = ?20, "
        "status = ?21, created = ?22, updated = ?23, content_hash = ?24 WHERE id = ?1",
    [S_OBJECT_KEYS] = "SELECT source_id FROM objects",
    [S_OBJECT_ID_FREE] = "SELECT NOT EXISTS (SELECT 1 FROM objects WHERE id = ?1)",
    [S_TEXTS_DEL] = "DELETE FROM object_texts WHERE object_id = ?1",
    [S_CREATORS_DEL] = "DELETE FROM object_creators WHERE object_id = ?1",
    /* an entry's uploads are not the record's: an import keeps them */
    [S_MEDIA_DEL] = "DELETE FROM media WHERE object_id = ?1 AND entry_id IS NULL",
    [S_MEDIA_PUT] = MEDIA_PUT,
    [S_STATS] = "SELECT (SELECT count(*) FROM objects WHERE status = 'published'), "
                "(SELECT count(*) FROM objects), "
                "(SELECT count(DISTINCT museum_id) FROM objects WHERE status = 'published'), "
                "(SELECT count(*) FROM museums), "
                "(SELECT count(DISTINCT country) FROM museums), "
                "(SELECT count(*) FROM countries), "
                "(SELECT count(*) FROM media WHERE held = 0)",
    [S_MUSEUM_COUNTS] =
        "SELECT m.id, m.country, (SELECT count(*) FROM objects o WHERE o.museum_id = m.id "
        "AND o.status = 'published') FROM museums m",
    [S_MEDIA_NEXT_POS] = "SELECT coalesce(max(pos) + 1, 0) FROM media WHERE object_id = ?1",
    [S_MEDIA_FIND] =
        "SELECT " MEDIA_COLS ", object_id, held, entry_id FROM media WHERE identifier = ?1",
    [S_BY_SOURCE_ID] = "SELECT id FROM objects WHERE source_id = ?1 ORDER BY id LIMIT ?2",
    [S_ACTIVITY_LIST] =
        "SELECT id, object_id, type, time FROM activities ORDER BY id LIMIT ?1 OFFSET ?2",
    [S_ACTIVITY_COUNT] = "SELECT count(*) FROM activities",
    [S_HAS_MEDIA] = "SELECT EXISTS (SELECT 1 FROM media WHERE object_id = ?1 AND held = 0)",
    [S_OBJECT_PUBLIC] = "SELECT count(*) FROM objects WHERE id = ?1 AND status <> 'draft'",
    [S_CHANGES_SINCE] = "SELECT seq, object_id FROM changes WHERE seq > ?1 ORDER BY seq LIMIT ?2",
    [S_OBJECT_STAMPS] = "SELECT id, updated FROM objects WHERE status = 'published' AND id > ?1 "
                        "ORDER BY id LIMIT ?2 OFFSET ?3",
    [S_CHANGE_HEAD] = "SELECT coalesce(max(seq), 0) FROM changes",
    [S_INSTANCE_ID] = "SELECT value FROM meta WHERE key = 'instance'",
    [S_META_GET] = "SELECT value FROM meta WHERE key = ?1",
    [S_META_PUT] = "INSERT INTO meta(key, value) VALUES (?1, ?2) "
                   "ON CONFLICT(key) DO UPDATE SET value = ?2",
    [S_MIGRATION_DONE] = "SELECT 1 FROM schema_migrations WHERE version = ?1",
    [S_MIGRATION_PUT] =
        "INSERT INTO schema_migrations(version, name, applied) VALUES (?1, ?2, ?3)",
    /* links.c */
    [S_LINKS_DEL] = "DELETE FROM object_links WHERE object_id = ?1",
    [S_LINKS_GET] = "SELECT rel, url FROM object_links WHERE object_id = ?1 ORDER BY rel, pos",
    [S_FETCH_LIST] =
        "SELECT l.object_id, o.museum_id, l.rel, l.url, o.rights, o.source_licence "
        "FROM object_links l JOIN objects o ON o.id = l.object_id "
        "WHERE l.rel IN ('image', 'iiif-image') AND o.status = 'published' "
        "AND (?1 = 0 OR o.museum_id = ?1) ORDER BY l.object_id, l.rel, l.pos",
    /* terms.c */
    [S_RIGHTS_PUT] = "UPDATE objects SET rights = ?2, licence = ?3 WHERE id = ?1",
    [S_FETCH_GET] = "SELECT url, object_id, state, http_status, etag, last_modified, "
                    "identifier, tries, checked, error FROM fetch_state WHERE url = ?1",
    [S_FETCH_PUT] =
        "INSERT INTO fetch_state(url, object_id, state, http_status, etag, last_modified, "
        "identifier, tries, checked, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
        "ON CONFLICT(url) DO UPDATE SET object_id = ?2, state = ?3, http_status = ?4, "
        "etag = ?5, last_modified = ?6, identifier = ?7, tries = ?8, checked = ?9, error = ?10",
    /* origin.c */
    [S_ORIGIN_DEL] = "DELETE FROM object_origins WHERE object_id = ?1",
    /* a plain insert after S_ORIGIN_DEL: an upsert's conflict clause would
     * override the OR REPLACE of SQLite's change trigger */
    [S_ORIGIN_PUT] = "INSERT INTO object_origins(object_id, country, region, culture, rule) "
                     "VALUES (?1, ?2, ?3, ?4, ?5)",
    [S_ORIGIN_TODO] = "SELECT o.id FROM objects o WHERE o.id > ?1 AND (?2 = 1 OR NOT EXISTS "
                      "(SELECT 1 FROM object_origins g WHERE g.object_id = o.id)) "
                      "ORDER BY o.id LIMIT ?3",
    [S_NOTE_FIND] = "SELECT count(*) FROM object_texts WHERE object_id = ?1 AND field = 'note' "
                    "AND pos = ?2",
    [S_NOTE_PUBLIC] = "UPDATE object_texts SET public = ?3 WHERE object_id = ?1 AND "
                      "field = 'note' AND pos = ?2",
    [S_NOTES_PUBLIC_GET] = "SELECT value FROM object_texts WHERE object_id = ?1 AND "
                           "field = 'note' AND public = 1",
    [S_PROFILE_GET] = "SELECT name_native, address, languages, description FROM museum_profiles "
                      "WHERE museum_id = ?1",
    [S_PROFILE_PUT] =
        "INSERT INTO museum_profiles(museum_id, name_native, address, languages, description) "
        "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(museum_id) DO UPDATE SET name_native = ?2, "
        "address = ?3, languages = ?4, description = ?5",
};

/* The reads of a page of objects by id: one list bound as one value. */
#define IDS_SQLITE(col) col " IN (SELECT value FROM json_each(?1))"
#define IDS_PG(col) col " = ANY(?1::bigint[])"
#define OBJECTS_GET(ids)                                                                      \
    "SELECT o.id, " OBJECT_COLS ", " FIRST_NAME("museum_names", "museum_id", "o.museum_id")  \
    ", m.country, g.g_country, g.g_region, g.g_culture, g.g_rule FROM objects o JOIN museums m " \
    "ON m.id = o.museum_id LEFT JOIN (SELECT object_id AS g_id, country AS g_country, region "   \
    "AS g_region, culture AS g_culture, rule AS g_rule FROM object_origins) g ON g.g_id = o.id " \
    "WHERE " ids
/* Texts and creators in one go: a creator is a row whose field is ''. */
#define OBJECTS_TEXTS(ids1, ids2)                                                             \
    "SELECT object_id, field, lang, value, pos, inferred, public FROM object_texts WHERE "    \
    ids1 " UNION ALL SELECT object_id, '', '', name, pos, 0, 0 FROM object_creators WHERE "   \
    ids2                                                                                      \
    " ORDER BY 1, 2, 5"
/* held images (an entry's, awaiting publication) are nobody's to see here */
#define OBJECTS_MEDIA(ids)                                                                    \
    "SELECT " MEDIA_COLS ", object_id FROM media WHERE held = 0 AND " ids                      \
    " ORDER BY object_id, pos"
#define NEXT_ID(seq) "coalesce(?1::bigint, nextval('" seq "'))"
#define FOLLOW(seq) "SELECT setval('" seq "', greatest(?1::bigint, (SELECT last_value FROM " seq ")))"
#define FINISH(col, table, seq)                                                               \
    "setval('" seq "', greatest((SELECT max(" col ") FROM " table "), "                       \
    "(SELECT last_value FROM " seq ")))"

static const struct {
    enum stmt k;
    const char *sql[VCM_DIALECTS];
    const char *why;
} differ[] = {
    {S_COUNTRY_LIST,
     {"SELECT c.code, c.region, c.asem_since FROM countries c ORDER BY (SELECT name FROM "
      "country_names n WHERE n.code = c.code AND n.lang = 'en'), c.code",
      "SELECT c.code, c.region, c.asem_since FROM countries c ORDER BY (SELECT name FROM "
      "country_names n WHERE n.code = c.code AND n.lang = 'en'), c.code COLLATE \"C\""},
     "SQLite compares bytes; PostgreSQL must be told to (its \"C\" collation)"},
    {S_COUNTRY_LIST_USED,
     {"SELECT c.code, c.region, c.asem_since FROM countries c WHERE EXISTS (SELECT 1 FROM "
      "museums m WHERE m.country = c.code) ORDER BY (SELECT name FROM country_names n "
      "WHERE n.code = c.code AND n.lang = 'en'), c.code",
      "SELECT c.code, c.region, c.asem_since FROM countries c WHERE EXISTS (SELECT 1 FROM "
      "museums m WHERE m.country = c.code) ORDER BY (SELECT name FROM country_names n "
      "WHERE n.code = c.code AND n.lang = 'en'), c.code COLLATE \"C\""},
     "as S_COUNTRY_LIST"},
    {S_MUSEUM_INSERT,
     {"INSERT INTO museums(id, name_key, country, city, lat, lon, website, joined, left_on) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
      "INSERT INTO museums(id, name_key, country, city, lat, lon, website, joined, left_on) "
      "VALUES (" NEXT_ID("museums_id_seq") ", ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id"},
     "a null id: SQLite picks the next rowid, PostgreSQL wants the sequence named"},
    {S_OBJECT_INSERT,
     {"INSERT INTO objects(id, " OBJECT_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
      "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24) RETURNING id",
      "INSERT INTO objects(id, " OBJECT_COLS ") SELECT " NEXT_ID("objects_id_seq") ", ?2, "
      "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, "
      "?21, ?22, ?23, ?24 FROM (SELECT pg_advisory_xact_lock(7758701)) writers RETURNING id"},
     "as S_MUSEUM_INSERT; and on PostgreSQL every object id is drawn under the writers' lock "
     "(S_OBJECT_IDS_BACK)"},
    {S_MUSEUM_ID_FOLLOW, {NULL, FOLLOW("museums_id_seq")},
     "an id given: SQLite's rowid follows the highest by itself, a sequence must be moved"},
    {S_OBJECT_ID_FOLLOW, {NULL, FOLLOW("objects_id_seq")}, "as S_MUSEUM_ID_FOLLOW"},
    {S_OBJECT_IDS,
     {NULL, "SELECT nextval('objects_id_seq') FROM generate_series(1, ?1)"},
     "a block of ids for gathered objects: only a driver that gathers draws one"},
    {S_OBJECT_AHEAD,
     {NULL, "SELECT museum_id, source_id, id, content_hash, created FROM objects "
            "WHERE source_id = ANY(?1::text[])"},
     "the stored objects of the records an import is about to write, in one request: only "
     "a driver that gathers reads ahead, as a look-up is no round trip on the other"},
    {S_OBJECT_IDS_BACK,
     {NULL, "SELECT setval('objects_id_seq', ?1, false) FROM objects_id_seq "
            "WHERE last_value = ?2"},
     "what a block did not use goes back before the commit, under the writers' lock that "
     "every drawing of an object id takes (S_OBJECT_INSERT), so none is drawn meanwhile; "
     "unless an id given (S_OBJECT_ID_FOLLOW) moved the sequence since"},
    {S_FINISH,
     {NULL, "SELECT " FINISH("id", "museums", "museums_id_seq") ", "
            FINISH("id", "objects", "objects_id_seq") ", " FINISH("id", "media", "media_id_seq")
            ", " FINISH("id", "activities", "activities_id_seq") ", "
            FINISH("seq", "changes", "changes_seq") ", " FINISH("id", "users", "users_id_seq")
            ", " FINISH("id", "tokens", "tokens_id_seq") ", " FINISH("id", "audit", "audit_id_seq")
            ", " FINISH("id", "outbox", "outbox_id_seq") ", "
            FINISH("id", "entries", "entries_id_seq") ", "
            FINISH("id", "entry_events", "entry_events_id_seq") ", "
            FINISH("id", "entry_comments", "entry_comments_id_seq") ", "
            FINISH("id", "entry_conflicts", "entry_conflicts_id_seq")
            ", " FINISH("id", "people", "people_id_seq") ", "
            FINISH("id", "member_status", "member_status_id_seq") ", "
            FINISH("id", "applications", "applications_id_seq") ", "
            FINISH("id", "collections", "collections_id_seq") ", "
            FINISH("id", "network_history", "network_history_id_seq") ", "
            FINISH("id", "gov_bodies", "gov_bodies_id_seq") ", "
            FINISH("id", "gov_offices", "gov_offices_id_seq") ", "
            FINISH("id", "gov_rules", "gov_rules_id_seq") ", "
            FINISH("id", "gov_elections", "gov_elections_id_seq") ", "
            FINISH("id", "gov_candidates", "gov_candidates_id_seq") ", "
            FINISH("id", "gov_terms", "gov_terms_id_seq") ", "
            FINISH("id", "meetings", "meetings_id_seq") ", " FINISH("id", "news", "news_id_seq")},
     "after rows copied with their ids: as S_MUSEUM_ID_FOLLOW, for every sequence; the rest in "
     "S_FINISH_MORE"},
    {S_FINISH_MORE,
     {NULL, "SELECT " FINISH("id", "virtual_exhibitions", "virtual_exhibitions_id_seq") ", "
            FINISH("id", "vx_events", "vx_events_id_seq") ", "
            FINISH("id", "my_lists", "my_lists_id_seq") ", "
            FINISH("id", "my_items", "my_items_id_seq") ", "
            FINISH("id", "comments", "comments_id_seq") ", "
            FINISH("id", "comment_events", "comment_events_id_seq") ", "
            FINISH("id", "harvest_sources", "harvest_sources_id_seq") ", "
            FINISH("id", "themes", "themes_id_seq") ", "
            FINISH("id", "exhibitions", "exhibitions_id_seq") ", "
            FINISH("id", "loans", "loans_id_seq") ", "
            FINISH("id", "loan_bookings", "loan_bookings_id_seq") ", "
            FINISH("id", "exchange_posts", "exchange_posts_id_seq") ", "
            FINISH("id", "placements", "placements_id_seq") ", "
            FINISH("id", "placement_reports", "placement_reports_id_seq")},
     "as S_FINISH, which cannot hold them all: C limits a string's length"},
    {S_OBJECTS_GET, {OBJECTS_GET(IDS_SQLITE("o.id")), OBJECTS_GET(IDS_PG("o.id"))},
     "a list as one value: SQLite has no arrays, but reads a JSON one"},
    {S_OBJECTS_TEXTS,
     {OBJECTS_TEXTS(IDS_SQLITE("object_id"), IDS_SQLITE("object_id")),
      OBJECTS_TEXTS(IDS_PG("object_id"), IDS_PG("object_id"))},
     "as S_OBJECTS_GET"},
    {S_OBJECTS_MEDIA, {OBJECTS_MEDIA(IDS_SQLITE("object_id")), OBJECTS_MEDIA(IDS_PG("object_id"))},
     "as S_OBJECTS_GET"},
    {S_TERMS_DEL,
     {"DELETE FROM object_terms WHERE " IDS_SQLITE("object_id"),
      "DELETE FROM object_terms WHERE " IDS_PG("object_id")},
     "as S_OBJECTS_GET"},
};

const char *vcm_sql(enum stmt k, vcm_dialect d)
{
    if (common[k])
        return common[k];
    for (size_t i = 0; i < sizeof differ / sizeof differ[0]; i++)
        if (differ[i].k == k)
            return differ[i].sql[d];
    return NULL;
}

/* Statements that never read the gathered tables, so they may run while
 * rows wait: drawing ids and looking objects up (objects never wait: the
 * driver ends their bulk write before it sends anything else). */
bool vcm_sql_blind(enum stmt k)
{
    return k == S_OBJECT_IDS || k == S_OBJECT_FIND || k == S_OBJECT_AHEAD;
}

const char *vcm_sql_list(vcm_dialect d)
{
    return d == VCM_PG ? "{}" : "[]";
}
