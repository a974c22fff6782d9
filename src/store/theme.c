/* Themes (store/theme.h, schema 014) and the lists of the entity pages, the
 * map and the timeline. Written once for both engines: a rule is evaluated
 * by a few constant statements, one run per origin, place or word, each
 * adding what it finds to theme_objects (ON CONFLICT DO NOTHING), so that no
 * text is put together from a rule. Words are compared with replace(), a
 * substring test alike in both dialects (LIKE reads '_' and '%'). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/theme.h"
#include "store/store_int.h"
#include "core/banned.h"

enum {
    T_ID, T_INSERT, T_UPDATE, T_UPDATED, T_TEXTS_DEL, T_TEXT_ADD, T_PICKS_DEL, T_PICK_ADD,
    T_GET, T_LIST, T_TEXTS, T_PICKS, T_COUNT, T_BY_SOURCE, T_OBJ_EXISTS,
    T_MEMBERS_DEL, T_ADD_PICKED, T_ADD_COUNTRY, T_ADD_REGION, T_ADD_PLACE, T_ADD_WORD,
    T_DROP_REMOVED, T_ALL, T_PAGE, T_IDS, T_OF_OBJECT, T_HISTORY,
    T_E_PERSON, T_E_PERSON_N, T_E_PLACE, T_E_PLACE_N, T_E_PERIOD, T_E_PERIOD_N,
    T_E_MATERIAL, T_E_MATERIAL_N, T_ORIGIN_COUNTS, T_POINTS, T_MASTER_DATES,
    T_NSTMT
};
_Static_assert(T_NSTMT <= 64, "too few theme slots");

/* a published object that, when the rule asks, has a live masterpiece entry */
#define PUBLISHED_IN(o)                                                                        \
    "o.status = 'published' AND (?2 = 0 OR EXISTS (SELECT 1 FROM entries e WHERE "           \
    "e.object_id = " o ".id AND e.live_version > 0))"
#define ORDER_BY_DATE " ORDER BY o.date_start IS NULL, o.date_start, o.id"
#define NAME_HAS(col, n) "replace(lower(" col "), ?" n ", '') <> lower(" col ")"

static const char *const sql[T_NSTMT] = {
    [T_ID] = "SELECT id, updated FROM themes WHERE slug = ?1",
    [T_INSERT] = "INSERT INTO themes(slug, rule, pos, created, updated, updated_by) VALUES "
                 "(?1, ?2, ?3, ?4, ?4, ?5) RETURNING id",
    [T_UPDATE] = "UPDATE themes SET rule = ?2, pos = ?3, updated = ?4, updated_by = ?5 WHERE "
                 "id = ?1",
    [T_UPDATED] = "SELECT rule, pos FROM themes WHERE id = ?1",
    [T_TEXTS_DEL] = "DELETE FROM theme_texts WHERE theme_id = ?1",
    [T_TEXT_ADD] = "INSERT INTO theme_texts(theme_id, lang, title, intro) VALUES (?1, ?2, ?3, ?4)",
    [T_PICKS_DEL] = "DELETE FROM theme_picks WHERE theme_id = ?1",
    [T_PICK_ADD] = "INSERT INTO theme_picks(theme_id, object_id, pick, pos) VALUES (?1, ?2, ?3, "
                   "?4) ON CONFLICT (theme_id, object_id) DO UPDATE SET pick = excluded.pick, "
                   "pos = excluded.pos",
    [T_GET] = "SELECT id, slug, rule, pos, created, updated, updated_by FROM themes WHERE "
              "slug = ?1",
    [T_LIST] = "SELECT id, slug, rule, pos, created, updated, updated_by FROM themes ORDER BY "
               "pos, slug",
    [T_TEXTS] = "SELECT lang, title, intro FROM theme_texts WHERE theme_id = ?1 ORDER BY "
                "lang <> 'en', lang",
    [T_PICKS] = "SELECT object_id, pick FROM theme_picks WHERE theme_id = ?1 ORDER BY pick DESC, "
                "pos, object_id",
    [T_COUNT] = "SELECT count(*) FROM theme_objects t JOIN objects o ON o.id = t.object_id "
                "WHERE t.theme_id = ?1 AND o.status = 'published'",
    [T_BY_SOURCE] = "SELECT id FROM objects WHERE source_id = ?1 ORDER BY status <> "
                    "'published', id LIMIT 1",
    [T_OBJ_EXISTS] = "SELECT count(*) FROM objects WHERE id = ?1",
    [T_MEMBERS_DEL] = "DELETE FROM theme_objects WHERE theme_id = ?1",
    [T_ADD_PICKED] = "INSERT INTO theme_objects(theme_id, object_id, pos) SELECT theme_id, "
                     "object_id, pos FROM theme_picks WHERE theme_id = ?1 AND pick = 1",
    [T_ADD_COUNTRY] = "INSERT INTO theme_objects(theme_id, object_id, pos) SELECT ?1, o.id, 0 "
                      "FROM objects o JOIN object_origins g ON g.object_id = o.id WHERE "
                      "g.country = ?3 AND " PUBLISHED_IN("o") " ON CONFLICT DO NOTHING",
    [T_ADD_REGION] = "INSERT INTO theme_objects(theme_id, object_id, pos) SELECT ?1, o.id, 0 "
                     "FROM objects o JOIN object_origins g ON g.object_id = o.id WHERE "
                     "g.region = ?3 AND " PUBLISHED_IN("o") " ON CONFLICT DO NOTHING",
    [T_ADD_PLACE] = "INSERT INTO theme_objects(theme_id, object_id, pos) SELECT ?1, o.id, 0 "
                    "FROM objects o JOIN object_origins g ON g.object_id = o.id WHERE "
                    "g.culture = ?3 AND " PUBLISHED_IN("o") " ON CONFLICT DO NOTHING",
    [T_ADD_WORD] = "INSERT INTO theme_objects(theme_id, object_id, pos) SELECT ?1, o.id, 0 "
                   "FROM objects o WHERE " PUBLISHED_IN("o") " AND (" NAME_HAS("o.culture", "3")
                   " OR " NAME_HAS("o.period", "3") " OR EXISTS (SELECT 1 FROM object_texts x "
                   "WHERE x.object_id = o.id AND x.field IN ('title', 'description') AND "
                   NAME_HAS("x.value", "3") ")) ON CONFLICT DO NOTHING",
    [T_DROP_REMOVED] = "DELETE FROM theme_objects WHERE theme_id = ?1 AND object_id IN (SELECT "
                       "object_id FROM theme_picks WHERE theme_id = ?1 AND pick = 0)",
    [T_ALL] = "SELECT id, rule FROM themes WHERE ?1 = 0 OR id = ?1 ORDER BY id",
    [T_PAGE] = "SELECT o.id FROM theme_objects t JOIN objects o ON o.id = t.object_id WHERE "
               "t.theme_id = ?1 AND o.status = 'published' ORDER BY t.pos = 0, t.pos, "
               "o.date_start IS NULL, o.date_start, o.id LIMIT ?2 OFFSET ?3",
    [T_IDS] = "SELECT o.id FROM themes h JOIN theme_objects t ON t.theme_id = h.id JOIN objects "
              "o ON o.id = t.object_id WHERE h.slug = ?1 AND o.status = 'published' ORDER BY "
              "o.id",
    [T_OF_OBJECT] = "SELECT h.slug, coalesce((SELECT x.title FROM theme_texts x WHERE "
                    "x.theme_id = h.id ORDER BY x.lang <> ?2, x.lang <> 'en', x.lang LIMIT 1), "
                    "h.slug) FROM theme_objects t JOIN themes h ON h.id = t.theme_id WHERE "
                    "t.object_id = ?1 ORDER BY h.pos, h.slug",
    [T_HISTORY] = "INSERT INTO network_history(time, actor, entity, entity_id, action, detail) "
                  "VALUES (?1, ?2, 'theme', ?3, ?4, ?5)",
    [T_E_PERSON] = "SELECT o.id FROM objects o WHERE o.status = 'published' AND o.id IN (SELECT "
                   "c.object_id FROM object_creators c WHERE " NAME_HAS("c.name", "1") " OR "
                   NAME_HAS("c.name", "2") " OR " NAME_HAS("c.name", "3") " OR "
                   NAME_HAS("c.name", "4") " OR " NAME_HAS("c.name", "5") " OR "
                   NAME_HAS("c.name", "6") " OR " NAME_HAS("c.name", "7") " OR "
                   NAME_HAS("c.name", "8") ")" ORDER_BY_DATE " LIMIT ?9 OFFSET ?10",
    [T_E_PERSON_N] = "SELECT count(*) FROM objects o WHERE o.status = 'published' AND o.id IN "
                     "(SELECT c.object_id FROM object_creators c WHERE " NAME_HAS("c.name", "1")
                     " OR " NAME_HAS("c.name", "2") " OR " NAME_HAS("c.name", "3") " OR "
                     NAME_HAS("c.name", "4") " OR " NAME_HAS("c.name", "5") " OR "
                     NAME_HAS("c.name", "6") " OR " NAME_HAS("c.name", "7") " OR "
                     NAME_HAS("c.name", "8") ")",
    [T_E_PLACE] = "SELECT o.id FROM objects o JOIN object_origins g ON g.object_id = o.id WHERE "
                  "o.status = 'published' AND g.culture = ?1" ORDER_BY_DATE
                  " LIMIT ?2 OFFSET ?3",
    [T_E_PLACE_N] = "SELECT count(*) FROM objects o JOIN object_origins g ON g.object_id = o.id "
                    "WHERE o.status = 'published' AND g.culture = ?1",
    [T_E_PERIOD] = "SELECT o.id FROM objects o JOIN object_origins g ON g.object_id = o.id WHERE "
                   "o.status = 'published' AND (g.culture = ?1 OR (g.country = ?2 AND "
                   "o.date_start >= ?3 AND o.date_start <= ?4))" ORDER_BY_DATE
                   " LIMIT ?5 OFFSET ?6",
    [T_E_PERIOD_N] = "SELECT count(*) FROM objects o JOIN object_origins g ON g.object_id = o.id "
                     "WHERE o.status = 'published' AND (g.culture = ?1 OR (g.country = ?2 AND "
                     "o.date_start >= ?3 AND o.date_start <= ?4))",
    [T_E_MATERIAL] = "SELECT o.id FROM objects o JOIN object_terms m ON m.object_id = o.id AND "
                     "m.kind = 'material' WHERE o.status = 'published' AND m.term = ?1"
                     ORDER_BY_DATE " LIMIT ?2 OFFSET ?3",
    [T_E_MATERIAL_N] = "SELECT count(*) FROM objects o JOIN object_terms m ON m.object_id = o.id "
                       "AND m.kind = 'material' WHERE o.status = 'published' AND m.term = ?1 "
                       "",
    [T_ORIGIN_COUNTS] = "SELECT g.country, count(*) FROM objects o JOIN object_origins g ON "
                        "g.object_id = o.id WHERE o.status = 'published' AND g.country IS NOT "
                        "NULL GROUP BY g.country ORDER BY 2 DESC, 1",
    [T_POINTS] = "SELECT m.id, m.lat, m.lon, coalesce((SELECT n.name FROM museum_names n WHERE "
                 "n.museum_id = m.id ORDER BY n.lang <> 'en', n.pos LIMIT 1), ''), "
                 "coalesce(m.city, ''), m.country, (SELECT count(*) FROM objects o WHERE "
                 "o.museum_id = m.id AND o.status = 'published') FROM museums m WHERE m.lat IS "
                 "NOT NULL AND m.lon IS NOT NULL ORDER BY m.id",
    [T_MASTER_DATES] = "SELECT o.id, o.date_start, coalesce(o.date_end, o.date_start) FROM "
                       "entries e JOIN objects o ON o.id = e.object_id WHERE e.live_version > 0 "
                       "AND o.status = 'published' AND o.date_start IS NOT NULL ORDER BY "
                       "o.date_start, o.id",
};

static vcm_stmt *st(store *s, int k)
{
    return vcm_st_slot(s, SLOT_THEMES + (unsigned)k, sql[k]);
}

static int refuse(const char **field, const char **key, const char *f, const char *k)
{
    *field = f;
    *key = k;
    return -2;
}

static int history(store *s, const char *actor, const char *slug, const char *action,
                   const char *detail)
{
    vcm_stmt *q = st(s, T_HISTORY);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, vcm_now());
    s->d->bind_text(q, 2, actor && *actor ? actor : "unknown");
    s->d->bind_text(q, 3, slug);
    s->d->bind_text(q, 4, action);
    vcm_bind_opt(s, q, 5, detail);
    return vcm_run(s, q, "cannot write a theme's history");
}

/* The object of a pick: its id, checked, or the first found by source id;
 * 1, 0 none, -1. */
static int pick_id(store *s, const vcm_theme_pick *p, int64_t *id)
{
    vcm_stmt *q = st(s, p->source_id ? T_BY_SOURCE : T_OBJ_EXISTS);
    if (!q)
        return -1;
    if (p->source_id) {
        s->d->bind_text(q, 1, p->source_id);
        int rc = vcm_one_row(s, q, "cannot find a theme's object");
        if (rc == 1) {
            *id = s->d->col_int(q, 0);
            s->d->reset(q);
        }
        return rc;
    }
    s->d->bind_int(q, 1, p->object_id);
    int64_t n = 0;
    if (vcm_first_int(s, q, "cannot find a theme's object", &n) < 0)
        return -1;
    *id = p->object_id;
    return n > 0;
}

/* A rule's statement (?1 the theme, ?2 masterpieces only, ?3 the value),
 * or with no value one that takes the theme alone. */
static int run_value(store *s, int k, int64_t theme, bool masterpieces, const char *v)
{
    vcm_stmt *q = st(s, k);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, theme);
    if (v) {
        s->d->bind_int(q, 2, masterpieces);
        s->d->bind_text(q, 3, v);
    }
    return vcm_run(s, q, "cannot select a theme's objects");
}

/* theme_objects of one theme from its rule (JSON as stored) and picks. */
static int refresh_one(store *s, int64_t id, const char *rule_json)
{
    vcm_arena a;
    vcm_arena_init(&a, 256 * 1024);
    vcm_theme_rule r;
    const char *field, *key;
    int rc = -1;
    if (vcm_theme_rule_parse(&a, rule_json, strlen(rule_json), &r, &field, &key) < 0) {
        vcm_store_fail(&s->base, "theme %lld: its stored rule cannot be read", (long long)id);
        goto out;
    }
    if (run_value(s, T_MEMBERS_DEL, id, false, NULL) < 0 ||
        run_value(s, T_ADD_PICKED, id, false, NULL) < 0)
        goto out;
    for (size_t i = 0; i < r.norigins; i++) {
        bool region = vcm_origin_region_parse(r.origins[i]) != VCM_ORIGIN_NONE;
        if (run_value(s, region ? T_ADD_REGION : T_ADD_COUNTRY, id, r.masterpieces,
                      r.origins[i]) < 0)
            goto out;
    }
    for (size_t i = 0; i < r.nplaces; i++)
        if (run_value(s, T_ADD_PLACE, id, r.masterpieces, r.places[i]) < 0)
            goto out;
    for (size_t i = 0; i < r.nwords; i++)
        if (run_value(s, T_ADD_WORD, id, r.masterpieces, r.words[i]) < 0)
            goto out;
    rc = run_value(s, T_DROP_REMOVED, id, false, NULL);
out:
    vcm_arena_release(&a);
    return rc;
}

int vcm_theme_refresh(vcm_store *b, int64_t theme_id)
{
    store *s = S(b);
    bool own;
    if (vcm_tx_begin(s, &own) < 0)
        return -1;
    vcm_arena a;
    vcm_arena_init(&a, 64 * 1024);
    int64_t *ids = NULL;
    const char **rules = NULL;
    size_t n = 0;
    int rc = 0;
    vcm_stmt *q = st(s, T_ALL);
    if (!q) {
        rc = -1;
    } else {
        s->d->bind_int(q, 1, theme_id);
        int r;
        while ((r = s->d->step(q)) == VCM_ROW) {
            size_t k = n;
            int64_t *v = vcm_grow(&a, ids, &k, sizeof *ids);
            const char **w = v ? vcm_grow(&a, rules, &n, sizeof *rules) : NULL;
            if (!w) {
                rc = vcm_store_fail(b, "out of memory");
                break;
            }
            ids = v;
            rules = w;
            ids[n - 1] = s->d->col_int(q, 0);
            rules[n - 1] = vcm_col_dup(s, &a, q, 1);
        }
        if (r < 0)
            rc = vcm_fail_db(s, "cannot list the themes");
        s->d->reset(q);
    }
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = refresh_one(s, ids[i], rules[i] ? rules[i] : "{}");
    vcm_arena_release(&a);
    return vcm_tx_end(s, own, rc);
}

static int count_of(store *s, int64_t id, int64_t *count)
{
    vcm_stmt *q = st(s, T_COUNT);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    return vcm_first_int(s, q, "cannot count a theme's objects", count);
}

/* What changed, for the history: the members of the definition that differ. */
static const char *changes(vcm_arena *a, const vcm_theme *old, const vcm_theme *t,
                           const char *rule, const char *old_rule)
{
    char buf[256] = "";
    size_t len = 0;
#define ADD(cond, word)                                                                        \
    if (cond)                                                                                  \
        len += (size_t)snprintf(buf + len, len < sizeof buf ? sizeof buf - len : 0, "%s%s",      \
                                len ? ", " : "", word)
    ADD(strcmp(rule, old_rule ? old_rule : "") != 0, "rule");
    ADD(old->pos != t->pos, "pos");
    bool texts = old->ntexts != t->ntexts;
    for (size_t i = 0; i < t->ntexts && !texts; i++) {
        const vcm_theme_text *o = vcm_theme_text_for(old, t->texts[i].lang);
        texts = !o || strcmp(o->lang, t->texts[i].lang) || strcmp(o->title, t->texts[i].title) ||
                strcmp(o->intro, t->texts[i].intro);
    }
    ADD(texts, "titles");
    bool picks = old->nadd != t->nadd || old->nremove != t->nremove;
    for (size_t i = 0; i < t->nadd && !picks; i++)
        picks = old->add[i].object_id != t->add[i].object_id;
    for (size_t i = 0; i < t->nremove && !picks; i++)
        picks = old->remove[i].object_id != t->remove[i].object_id;
    ADD(picks, "picks");
#undef ADD
    return vcm_arena_strdup(a, len ? buf : "nothing");
}

static int read_theme(store *s, vcm_arena *a, vcm_stmt *q, vcm_theme *t)
{
    memset(t, 0, sizeof *t);
    t->id = s->d->col_int(q, 0);
    t->slug = vcm_col_dup(s, a, q, 1);
    const char *rule = vcm_col_dup(s, a, q, 2);
    t->pos = s->d->col_int(q, 3);
    t->created = s->d->col_int(q, 4);
    t->updated = s->d->col_int(q, 5);
    t->updated_by = vcm_col_dup(s, a, q, 6);
    const char *field, *key;
    if (!t->slug || !rule)
        return -1;
    return vcm_theme_rule_parse(a, rule, strlen(rule), &t->rule, &field, &key);
}

static int texts_of(store *s, vcm_arena *a, vcm_theme *t)
{
    vcm_stmt *q = st(s, T_TEXTS);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, t->id);
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_theme_text *v = vcm_grow(a, t->texts, &t->ntexts, sizeof *v);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(&s->base, "out of memory");
        }
        t->texts = v;
        v[t->ntexts - 1] = (vcm_theme_text){vcm_col_dup(s, a, q, 0), vcm_col_dup(s, a, q, 1),
                                            vcm_col_dup(s, a, q, 2)};
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot read a theme's texts");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

static int picks_of(store *s, vcm_arena *a, vcm_theme *t)
{
    vcm_stmt *q = st(s, T_PICKS);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, t->id);
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        bool add = s->d->col_int(q, 1) != 0;
        vcm_theme_pick **l = add ? &t->add : &t->remove;
        size_t *n = add ? &t->nadd : &t->nremove;
        vcm_theme_pick *v = vcm_grow(a, *l, n, sizeof *v);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(&s->base, "out of memory");
        }
        *l = v;
        v[*n - 1] = (vcm_theme_pick){.object_id = s->d->col_int(q, 0)};
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot read a theme's objects");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

int vcm_theme_get(vcm_store *b, vcm_arena *a, const char *slug, vcm_theme *out)
{
    store *s = S(b);
    vcm_stmt *q = st(s, T_GET);
    if (!q)
        return -1;
    s->d->bind_text(q, 1, slug);
    int rc = vcm_one_row(s, q, "cannot read a theme");
    if (rc != 1)
        return rc;
    int r = read_theme(s, a, q, out);
    s->d->reset(q);
    if (r < 0)
        return vcm_store_fail(b, "theme '%s': its stored rule cannot be read", slug);
    if (texts_of(s, a, out) < 0 || picks_of(s, a, out) < 0 || count_of(s, out->id, &out->count) < 0)
        return -1;
    return 1;
}

int vcm_theme_list(vcm_store *b, vcm_arena *a, vcm_theme **out, size_t *n)
{
    store *s = S(b);
    *out = NULL;
    *n = 0;
    vcm_stmt *q = st(s, T_LIST);
    if (!q)
        return -1;
    int rc;
    bool bad = false;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_theme *v = vcm_grow(a, *out, n, sizeof *v);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *out = v;
        bad |= read_theme(s, a, q, &v[*n - 1]) < 0;
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot list the themes");
    s->d->reset(q);
    if (rc < 0)
        return -1;
    if (bad)
        return vcm_store_fail(b, "a theme's stored rule cannot be read");
    for (size_t i = 0; i < *n; i++)
        if (texts_of(s, a, &(*out)[i]) < 0 || count_of(s, (*out)[i].id, &(*out)[i].count) < 0)
            return -1;
    return 0;
}

static int save(store *s, vcm_arena *a, vcm_theme *t, const char *actor, int64_t expect,
                const char **field, const char **key)
{
    const char *rule = vcm_theme_rule_json(a, &t->rule);
    if (!rule)
        return vcm_store_fail(&s->base, "out of memory");
    vcm_stmt *q = st(s, T_ID);
    if (!q)
        return -1;
    s->d->bind_text(q, 1, t->slug);
    int found = vcm_one_row(s, q, "cannot read a theme");
    if (found < 0)
        return -1;
    int64_t updated = 0;
    t->id = 0;
    if (found) {
        t->id = s->d->col_int(q, 0);
        updated = s->d->col_int(q, 1);
        s->d->reset(q);
    }
    if (expect && expect != updated)
        return -3;
    /* the picks' ids, checked */
    t->unmatched = 0;
    for (int pass = 0; pass < 2; pass++) {
        vcm_theme_pick *p = pass ? t->remove : t->add;
        size_t *np = pass ? &t->nremove : &t->nadd, kept = 0;
        for (size_t i = 0; i < *np; i++) {
            int64_t id = 0;
            int rc = pick_id(s, &p[i], &id);
            if (rc < 0)
                return -1;
            if (rc == 0 && !p[i].source_id)
                return refuse(field, key, pass ? "remove" : "add", "theme.error.no_object");
            if (rc == 0) {
                t->unmatched++;
                continue;
            }
            p[kept].object_id = id;
            p[kept++].source_id = NULL;
        }
        *np = kept;
    }
    const char *detail = "created";
    int64_t now = vcm_now();
    if (t->id) {
        vcm_theme old;
        if (vcm_theme_get(&s->base, a, t->slug, &old) != 1)
            return -1;
        vcm_stmt *r = st(s, T_UPDATED);
        if (!r)
            return -1;
        s->d->bind_int(r, 1, t->id);
        if (vcm_one_row(s, r, "cannot read a theme") != 1)
            return -1;
        const char *old_rule = vcm_col_dup(s, a, r, 0);
        s->d->reset(r);
        detail = changes(a, &old, t, rule, old_rule);
        if (now <= updated)
            now = updated + 1; /* a later edit always has a later stamp */
        q = st(s, T_UPDATE);
        if (!q)
            return -1;
        s->d->bind_int(q, 1, t->id);
        s->d->bind_text(q, 2, rule);
        s->d->bind_int(q, 3, t->pos);
        s->d->bind_int(q, 4, now);
        s->d->bind_text(q, 5, actor && *actor ? actor : "unknown");
        if (vcm_run(s, q, "cannot store a theme") < 0)
            return -1;
    } else {
        q = st(s, T_INSERT);
        if (!q)
            return -1;
        s->d->bind_text(q, 1, t->slug);
        s->d->bind_text(q, 2, rule);
        s->d->bind_int(q, 3, t->pos);
        s->d->bind_int(q, 4, now);
        s->d->bind_text(q, 5, actor && *actor ? actor : "unknown");
        if (vcm_returning(s, q, "cannot store a theme", &t->id) != 1)
            return -1;
    }
    if (run_value(s, T_TEXTS_DEL, t->id, false, NULL) < 0)
        return -1;
    for (size_t i = 0; i < t->ntexts; i++) {
        q = st(s, T_TEXT_ADD);
        if (!q)
            return -1;
        s->d->bind_int(q, 1, t->id);
        s->d->bind_text(q, 2, t->texts[i].lang);
        s->d->bind_text(q, 3, t->texts[i].title);
        s->d->bind_text(q, 4, t->texts[i].intro ? t->texts[i].intro : "");
        if (vcm_run(s, q, "cannot store a theme's texts") < 0)
            return -1;
    }
    vcm_stmt *del = st(s, T_PICKS_DEL);
    if (!del)
        return -1;
    s->d->bind_int(del, 1, t->id);
    if (vcm_run(s, del, "cannot store a theme's objects") < 0)
        return -1;
    /* a removal wins over an addition of the same object */
    for (int pass = 0; pass < 2; pass++) {
        vcm_theme_pick *p = pass ? t->remove : t->add;
        size_t np = pass ? t->nremove : t->nadd;
        for (size_t i = 0; i < np; i++) {
            q = st(s, T_PICK_ADD);
            if (!q)
                return -1;
            s->d->bind_int(q, 1, t->id);
            s->d->bind_int(q, 2, p[i].object_id);
            s->d->bind_int(q, 3, pass ? 0 : 1);
            s->d->bind_int(q, 4, (int64_t)i + 1);
            if (vcm_run(s, q, "cannot store a theme's objects") < 0)
                return -1;
        }
    }
    if (refresh_one(s, t->id, rule) < 0 || count_of(s, t->id, &t->count) < 0)
        return -1;
    t->updated = now;
    return history(s, actor, t->slug, found ? "change" : "create", detail);
}

int vcm_theme_save(vcm_store *b, vcm_arena *a, vcm_theme *t, const char *actor,
                   int64_t expect_updated, const char **field, const char **key)
{
    store *s = S(b);
    if (vcm_theme_check(t, field, key) < 0)
        return -2;
    bool own;
    if (vcm_tx_begin(s, &own) < 0)
        return -1;
    int rc = save(s, a, t, actor, expect_updated, field, key);
    return vcm_tx_end(s, own, rc);
}

/* Runs q (bound but for its paging at lim, off) into *ids, a page. */
static int id_rows(store *s, vcm_arena *a, vcm_stmt *q, int64_t **ids, size_t *n,
                   const char *what)
{
    *ids = NULL;
    *n = 0;
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        int64_t *v = vcm_grow(a, *ids, n, sizeof *v);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(&s->base, "out of memory");
        }
        *ids = v;
        v[*n - 1] = s->d->col_int(q, 0);
    }
    if (rc < 0)
        vcm_fail_db(s, what);
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

static int clamp_limit(int limit)
{
    return limit > 0 && limit <= 1000 ? limit : 20;
}

int vcm_theme_objects(vcm_store *b, vcm_arena *a, int64_t theme_id, int64_t offset, int limit,
                      int64_t **ids, size_t *n, int64_t *total)
{
    store *s = S(b);
    if (count_of(s, theme_id, total) < 0)
        return -1;
    vcm_stmt *q = st(s, T_PAGE);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, theme_id);
    s->d->bind_int(q, 2, clamp_limit(limit));
    s->d->bind_int(q, 3, offset > 0 ? offset : 0);
    return id_rows(s, a, q, ids, n, "cannot list a theme's objects");
}

int vcm_theme_ids(vcm_store *b, vcm_arena *a, const char *slug, int64_t **ids, size_t *n)
{
    store *s = S(b);
    vcm_stmt *q = st(s, T_IDS);
    if (!q)
        return -1;
    s->d->bind_text(q, 1, slug);
    return id_rows(s, a, q, ids, n, "cannot list a theme's objects");
}

int vcm_theme_of_object(vcm_store *b, vcm_arena *a, int64_t object_id, const char *lang,
                        const char ***slugs, const char ***titles, size_t *n)
{
    store *s = S(b);
    *slugs = *titles = NULL;
    *n = 0;
    vcm_stmt *q = st(s, T_OF_OBJECT);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, object_id);
    s->d->bind_text(q, 2, lang ? lang : "en");
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        size_t k = *n;
        const char **v = vcm_grow(a, *slugs, &k, sizeof *v);
        const char **w = v ? vcm_grow(a, *titles, n, sizeof *w) : NULL;
        if (!w) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *slugs = v;
        *titles = w;
        v[*n - 1] = vcm_col_dup(s, a, q, 0);
        w[*n - 1] = vcm_col_dup(s, a, q, 1);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot read an object's themes");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

/* ---- entity pages, the map, the timeline -------------------------------- */

/* Binds an entity's values into a page statement, or with limit 0 into
 * its count (the same values without the paging). */
static void bind_entity(store *s, vcm_stmt *q, const vcm_entity_query *e, vcm_arena *a,
                        int64_t offset, int limit)
{
    int page = 2; /* where the limit goes */
    switch (e->kind) {
    case VCM_ENTITY_PERSON:
        for (int i = 0; i < VCM_ENTITY_NAMES; i++) {
            /* '' never shortens a name: an unused slot matches nothing */
            const char *v = e->names[i] ? e->names[i] : "";
            char *low = vcm_arena_strdup(a, v);
            for (char *c = low; c && *c; c++)
                if (*c >= 'A' && *c <= 'Z')
                    *c = (char)(*c - 'A' + 'a');
            s->d->bind_text(q, i + 1, low ? low : "");
        }
        page = 9;
        break;
    case VCM_ENTITY_PLACE:
    case VCM_ENTITY_PERIOD:
        s->d->bind_text(q, 1, vcm_arena_printf(a, "%s:%s",
                                               e->kind == VCM_ENTITY_PLACE ? "place" : "period",
                                               e->id));
        if (e->kind == VCM_ENTITY_PERIOD) {
            s->d->bind_text(q, 2, e->country[0] ? e->country : "");
            s->d->bind_int(q, 3, e->start);
            s->d->bind_int(q, 4, e->end);
            page = 5;
        }
        break;
    case VCM_ENTITY_MATERIAL:
        s->d->bind_text(q, 1, e->id);
        break;
    }
    if (limit == 0)
        return;
    s->d->bind_int(q, page, clamp_limit(limit));
    s->d->bind_int(q, page + 1, offset > 0 ? offset : 0);
}

int vcm_entity_objects(vcm_store *b, vcm_arena *a, const vcm_entity_query *e, int64_t offset,
                       int limit, int64_t **ids, size_t *n, int64_t *total)
{
    store *s = S(b);
    static const int page[] = {T_E_PERSON, T_E_PLACE, T_E_PERIOD, T_E_MATERIAL};
    int k = page[e->kind];
    vcm_stmt *q = st(s, k + 1);
    if (!q)
        return -1;
    bind_entity(s, q, e, a, 0, 0);
    if (vcm_first_int(s, q, "cannot count an entity's objects", total) < 0)
        return -1;
    if (!(q = st(s, k)))
        return -1;
    bind_entity(s, q, e, a, offset, limit > 0 ? limit : 20);
    return id_rows(s, a, q, ids, n, "cannot list an entity's objects");
}

int vcm_origin_country_counts(vcm_store *b, vcm_arena *a, vcm_name_count **out, size_t *n)
{
    store *s = S(b);
    *out = NULL;
    *n = 0;
    vcm_stmt *q = st(s, T_ORIGIN_COUNTS);
    if (!q)
        return -1;
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_name_count *v = vcm_grow(a, *out, n, sizeof *v);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *out = v;
        v[*n - 1] = (vcm_name_count){vcm_col_dup(s, a, q, 0), s->d->col_int(q, 1)};
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot count the origins");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

int vcm_museum_points(vcm_store *b, vcm_arena *a, vcm_museum_point **out, size_t *n)
{
    store *s = S(b);
    *out = NULL;
    *n = 0;
    vcm_stmt *q = st(s, T_POINTS);
    if (!q)
        return -1;
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_museum_point *v = vcm_grow(a, *out, n, sizeof *v);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *out = v;
        vcm_museum_point *p = &v[*n - 1];
        p->id = s->d->col_int(q, 0);
        p->lat = s->d->col_real(q, 1);
        p->lon = s->d->col_real(q, 2);
        p->name = vcm_col_dup(s, a, q, 3);
        p->city = vcm_col_dup(s, a, q, 4);
        vcm_col_code(s, q, 5, p->country);
        p->count = s->d->col_int(q, 6);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot list the museums' positions");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

int vcm_masterpiece_dates(vcm_store *b, vcm_arena *a, int64_t **ids, int32_t **start,
                          int32_t **end, size_t *n)
{
    store *s = S(b);
    *ids = NULL;
    *start = *end = NULL;
    *n = 0;
    vcm_stmt *q = st(s, T_MASTER_DATES);
    if (!q)
        return -1;
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        size_t k1 = *n, k2 = *n;
        int64_t *v = vcm_grow(a, *ids, &k1, sizeof *v);
        int32_t *w = v ? vcm_grow(a, *start, &k2, sizeof *w) : NULL;
        int32_t *x = w ? vcm_grow(a, *end, n, sizeof *x) : NULL;
        if (!x) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *ids = v;
        *start = w;
        *end = x;
        v[*n - 1] = s->d->col_int(q, 0);
        w[*n - 1] = (int32_t)s->d->col_int(q, 1);
        x[*n - 1] = (int32_t)s->d->col_int(q, 2);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot list the masterpieces' dates");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}
