/* Museum open-data records (the shape of ../shared/data/collection.jsonl)
 * turned into VCM objects.
 *
 * Real exports are dirty: HTML entities, runs of white space, line breaks
 * inside fields, and titles that hold two languages separated by '|' (the
 * Met writes "中文 | English"). Every text is cleaned (core/text.h); a '|'
 * title becomes one value per part, its language inferred from the script;
 * the Taipei records bring title_i18n/description_i18n maps besides their
 * own fields, and every text of either is kept (io/texts.c); cataloguers'
 * notes are set apart (io/notes.c). The licence text is kept as the source
 * wrote it; the metadata's licence (SPDX) and the object's rights (a Creative
 * Commons or RightsStatements.org URI) are read from it by vcm_rights_read,
 * and left out when it does not state them. */
#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/text.h"
#include "io/jsonl.h"
#include "io/texts.h"
#include "model/json.h"
#include "model/rights.h"
#include "core/banned.h"

/* True when s needs no cleaning: printable ASCII, no character reference,
 * no white space at the ends or twice in a row. Most fields are like that,
 * and skipping the general path doubles the import's speed. */
static bool already_clean(const char *s)
{
    if (*s == ' ')
        return false;
    char prev = 0;
    for (; *s; s++) {
        char c = *s;
        if (c < 0x20 || c > 0x7E || c == '&' || (c == ' ' && prev == ' '))
            return false;
        prev = c;
    }
    return prev != ' ';
}

/* Cleans s into the arena; NULL when nothing is left. */
static const char *clean(vcm_arena *a, const char *s, int flags)
{
    if (!s || !*s)
        return NULL;
    if (already_clean(s))
        return vcm_arena_strdup(a, s);
    vcm_buf b;
    vcm_buf_init(&b, 1 << 24);
    const char *r = NULL;
    if (vcm_text_clean(&b, s, strlen(s), flags | VCM_TEXT_ENTITIES) == 0 && b.len)
        r = vcm_arena_strndup(a, b.data, b.len);
    vcm_buf_release(&b);
    return r;
}

/* Reads a member that must be a string (or absent/null, giving NULL). */
static int member(json_t *j, const char *k, const char **out, char *err, size_t errlen)
{
    json_t *v = json_object_get(j, k);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v)) {
        snprintf(err, errlen, "%s: expected a string", k);
        return -1;
    }
    *out = json_string_value(v);
    return 0;
}

/* Reads a year: not a whole number, or beyond any date an object can have,
 * makes the record bad. */
static int year(json_t *j, const char *k, int32_t *out, char *err, size_t errlen)
{
    json_t *v = json_object_get(j, k);
    *out = VCM_NO_YEAR;
    if (!v || json_is_null(v))
        return 0;
    if (json_is_string(v) && !*json_string_value(v))
        return 0;
    if (!json_is_integer(v)) {
        snprintf(err, errlen, "impossible date: %s is not a whole year", k);
        return -1;
    }
    json_int_t y = json_integer_value(v);
    if (y < VCM_YEAR_MIN || y > 9999) {
        snprintf(err, errlen, "impossible date: %s %lld is outside %d..9999", k, (long long)y,
                 VCM_YEAR_MIN);
        return -1;
    }
    *out = (int32_t)y;
    return 0;
}

/* A start after the current year, or an end after this century ("21st
 * century" is 2000–2099), cannot be: the source lost something (Mia has
 * "c. late 4000-early 3000 BCE" stored as 4000). The rest of the record is
 * sound, so the years are left out, the museum's date text kept, and the
 * importer warns. */
static const char *check_years(vcm_object *o)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    int32_t this_year = tm.tm_year + 1900, century_end = (this_year / 100 + 1) * 100;
    if ((o->date_start != VCM_NO_YEAR && o->date_start > this_year) ||
        (o->date_end != VCM_NO_YEAR && o->date_end > century_end)) {
        o->date_start = o->date_end = VCM_NO_YEAR;
        return "impossible date: a year in the future; years left out, date text kept";
    }
    return NULL;
}

/* Each text passes through the notes filter first (io/texts.h), then
 * joins the others of its field. */
static int keep_text(vcm_object *o, vcm_ltexts *t, vcm_arena *a, const char *text,
                     const char *given, const char *langs)
{
    bool oom;
    const char *rest = vcm_texts_strip_notes(a, text, langs, &o->notes, &oom);
    if (oom)
        return -1;
    return rest ? vcm_texts_add(t, a, rest, given, langs) : 0;
}

/* "中文 | English" → one text per part, each tagged by its script. */
static int split_languages(vcm_object *o, vcm_ltexts *t, vcm_arena *a, const char *s, int flags,
                           const char *langs)
{
    char *copy = vcm_arena_strdup(a, s);
    if (!copy)
        return -1;
    char *save = NULL;
    for (char *part = strtok_r(copy, "|", &save); part; part = strtok_r(NULL, "|", &save)) {
        const char *c = clean(a, part, flags);
        if (c && keep_text(o, t, a, c, NULL, langs) < 0)
            return -1;
    }
    return 0;
}

static int i18n_map(vcm_object *o, vcm_ltexts *t, vcm_arena *a, json_t *map, const char *field,
                    int flags, const char *langs, char *err, size_t errlen)
{
    if (!map || json_is_null(map))
        return 0;
    if (!json_is_object(map)) {
        snprintf(err, errlen, "%s: expected an object of language: text", field);
        return -1;
    }
    const char *lang;
    json_t *v;
    json_object_foreach(map, lang, v) {
        if (!json_is_string(v) || !vcm_lang_valid(lang)) {
            snprintf(err, errlen, "%s.%s: expected a language tag and a string", field, lang);
            return -1;
        }
        const char *c = clean(a, json_string_value(v), flags);
        if (c && keep_text(o, t, a, c, vcm_arena_strdup(a, lang), langs) < 0) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
    }
    return 0;
}

/* The links a source may give to where the museum publishes an object's
 * images. Only absolute http(s) URLs without spaces or control characters
 * are kept: anything else cannot be fetched or linked to safely. */
static const struct {
    const char *key, *rel;
} link_keys[] = {
    {"image_url", "image"},
    {"iiif_image", "iiif-image"},
    {"iiif_service", "iiif-image"},
    {"iiif_manifest", "iiif-manifest"},
};

static bool fetchable_url(const char *u)
{
    if (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0)
        return false;
    if (strlen(u) > 2048)
        return false;
    for (const unsigned char *p = (const unsigned char *)u; *p; p++)
        if (*p <= 0x20 || *p == 0x7F)
            return false;
    return u[strcspn(u, ":") + 3] != '\0' && u[strcspn(u, ":") + 3] != '/';
}

/* Each link member may hold several URLs separated by '|' (Carnegie gives
 * a record's every view so), each kept in order. */
static int read_links(json_t *j, vcm_arena *a, vcm_object *o, const char **warning, char *err,
                      size_t errlen)
{
    size_t nk = sizeof link_keys / sizeof link_keys[0], cap = 0;
    const char *vals[sizeof link_keys / sizeof link_keys[0]];
    for (size_t i = 0; i < nk; i++) {
        if (member(j, link_keys[i].key, &vals[i], err, errlen) < 0)
            return -1;
        for (const char *p = vals[i]; p && *p; p++)
            cap += *p == '|';
        cap += vals[i] != NULL;
    }
    if (!cap)
        return 0;
    if (!(o->links = vcm_arena_calloc(a, cap, sizeof *o->links)))
        goto oom;
    for (size_t i = 0; i < nk; i++) {
        if (!vals[i])
            continue;
        char *copy = vcm_arena_strdup(a, vals[i]), *save = NULL;
        if (!copy)
            goto oom;
        for (char *part = strtok_r(copy, "|", &save); part; part = strtok_r(NULL, "|", &save)) {
            const char *u = clean(a, part, 0);
            if (!u)
                continue;
            if (!fetchable_url(u)) {
                if (!*warning)
                    *warning = "a link to an image is not an http(s) URL; left out";
                continue;
            }
            o->links[o->nlinks++] = (vcm_link){link_keys[i].rel, u};
        }
    }
    return 0;
oom:
    snprintf(err, errlen, "out of memory");
    return -1;
}

int vcm_record_from_source(json_t *j, vcm_arena *a, vcm_object *o, const char **museum,
                           const char **country, const char **warning, char *err, size_t errlen)
{
    vcm_object_init(o);
    *warning = NULL;
    if (!json_is_object(j)) {
        snprintf(err, errlen, "expected a JSON object");
        return -1;
    }
    const char *m, *c, *sid, *title, *artist, *date_text, *culture, *cls, *medium, *dims, *desc,
        *credit, *lic, *url;
    if (member(j, "source_museum", &m, err, errlen) < 0 ||
        member(j, "source_country", &c, err, errlen) < 0 ||
        member(j, "source_id", &sid, err, errlen) < 0 ||
        member(j, "title", &title, err, errlen) < 0 ||
        member(j, "artist", &artist, err, errlen) < 0 ||
        member(j, "date_text", &date_text, err, errlen) < 0 ||
        member(j, "culture", &culture, err, errlen) < 0 ||
        member(j, "classification", &cls, err, errlen) < 0 ||
        member(j, "medium", &medium, err, errlen) < 0 ||
        member(j, "dimensions", &dims, err, errlen) < 0 ||
        member(j, "description", &desc, err, errlen) < 0 ||
        member(j, "credit_line", &credit, err, errlen) < 0 ||
        member(j, "license", &lic, err, errlen) < 0 ||
        member(j, "source_url", &url, err, errlen) < 0 ||
        year(j, "date_start", &o->date_start, err, errlen) < 0 ||
        year(j, "date_end", &o->date_end, err, errlen) < 0)
        return -1;
    *warning = check_years(o);
    *museum = clean(a, m, 0);
    if (!*museum) {
        snprintf(err, errlen, "missing source_museum");
        return -1;
    }
    if (!c || strlen(c) != 2) {
        snprintf(err, errlen, "source_country must be an ISO 3166-1 alpha-2 code");
        return -1;
    }
    /* "gb" is GB: one spelling, or the importer would take the two for
     * different countries. */
    char *code = vcm_arena_strdup(a, c);
    if (!code)
        goto oom;
    for (char *p = code; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    *country = code;
    o->source_id = clean(a, sid, 0);
    if (!o->source_id) {
        snprintf(err, errlen, "missing source_id");
        return -1;
    }
    json_t *ti18n = json_object_get(j, "title_i18n");
    /* A record must say what its title is; "" is the museum saying it has
     * none, and is kept (the page shows it as untitled). */
    json_t *tj = json_object_get(j, "title");
    if (!tj && !ti18n) {
        snprintf(err, errlen, "missing title");
        return -1;
    }
    /* null is not "": it says nothing, and is most often a field lost on
     * the way from the museum's database. Refused unless title_i18n gives
     * the title. */
    if ((tj && json_is_null(tj) && !(ti18n && json_is_object(ti18n))) ||
        (ti18n && json_is_null(ti18n) && !json_is_string(tj))) {
        snprintf(err, errlen, "title: null; a title is required (\"\" when the museum gives "
                              "none)");
        return -1;
    }
    /* Every text is kept: the maps' texts with the tags the source gives,
     * then the record's own fields, unless a text held already says it. */
    const char *langs = vcm_country_languages(code);
    if (i18n_map(o, &o->title, a, ti18n, "title_i18n", 0, langs, err, errlen) < 0 ||
        i18n_map(o, &o->description, a, json_object_get(j, "description_i18n"),
                 "description_i18n", VCM_TEXT_MULTILINE, langs, err, errlen) < 0)
        return -1;
    if (title && split_languages(o, &o->title, a, title, 0, langs) < 0)
        goto oom;
    const char *d = clean(a, desc, VCM_TEXT_MULTILINE);
    if (d && keep_text(o, &o->description, a, d, NULL, langs) < 0)
        goto oom;
    vcm_ltexts_order(&o->title, langs);
    vcm_ltexts_order(&o->description, langs);
    if (artist) {
        char *copy = vcm_arena_strdup(a, artist), *save = NULL;
        size_t cap = 1;
        for (const char *p = artist; *p; p++)
            cap += *p == '|';
        o->creators = vcm_arena_calloc(a, cap, sizeof *o->creators);
        if (!copy || !o->creators)
            goto oom;
        for (char *part = strtok_r(copy, "|", &save); part; part = strtok_r(NULL, "|", &save)) {
            const char *n = clean(a, part, 0);
            if (n)
                o->creators[o->ncreators++] = n;
        }
    }
    o->date_text = clean(a, date_text, 0);
    bool oom;
    o->culture = vcm_texts_strip_notes(a, clean(a, culture, 0), langs, &o->notes, &oom);
    if (oom)
        goto oom;
    o->classification = clean(a, cls, 0);
    o->materials = clean(a, medium, 0);
    o->dimensions = clean(a, dims, VCM_TEXT_MULTILINE);
    o->credit_line = clean(a, credit, 0);
    o->source_licence = clean(a, lic, 0);
    /* the three things the text may state, read apart (model/rights.h) */
    vcm_rights_info ri;
    if (vcm_rights_read(o->source_licence, a, &ri) < 0)
        goto oom;
    o->licence = ri.metadata;
    o->rights = ri.object;
    o->source_url = clean(a, url, 0);
    o->source = *museum;
    o->status = VCM_PUBLISHED;
    if (read_links(j, a, o, warning, err, errlen) < 0)
        return -1;
    return 0;
oom:
    snprintf(err, errlen, "out of memory");
    return -1;
}

/* Feeds one field into the hash, length first, so that no two different
 * records can produce the same stream. */
static void feed(crypto_generichash_state *h, const char *tag, const char *v)
{
    uint32_t n = v ? (uint32_t)strlen(v) + 1 : 0;
    crypto_generichash_update(h, (const unsigned char *)tag, strlen(tag) + 1);
    crypto_generichash_update(h, (const unsigned char *)&n, sizeof n);
    if (v)
        crypto_generichash_update(h, (const unsigned char *)v, n - 1);
}

static void feed_texts(crypto_generichash_state *h, const char *tag, const vcm_ltexts *t)
{
    for (size_t i = 0; i < t->n; i++) {
        feed(h, tag, t->v[i].lang);
        feed(h, tag, t->v[i].text);
        /* whether a note is public is the curator's, not the source's */
        feed(h, tag, t->v[i].inferred ? "inferred" : "given");
    }
}

int vcm_object_hash(const vcm_object *o, const char *museum, char out[33])
{
    /* Every field that makes a record what it is, and nothing the store
     * assigns (id, times). Change this and every record reads as updated
     * once, which is harmless. */
    crypto_generichash_state h;
    char num[64];
    crypto_generichash_init(&h, NULL, 0, 16);
    feed(&h, "museum", museum);
    feed(&h, "source_id", o->source_id);
    feed(&h, "source", o->source);
    feed(&h, "source_licence", o->source_licence);
    feed(&h, "inventory_number", o->inventory_number);
    feed_texts(&h, "title", &o->title);
    feed_texts(&h, "description", &o->description);
    feed_texts(&h, "statement", &o->statement);
    feed_texts(&h, "note", &o->notes);
    for (size_t i = 0; i < o->ncreators; i++)
        feed(&h, "creator", o->creators[i]);
    feed(&h, "date_text", o->date_text);
    snprintf(num, sizeof num, "%ld %ld %d", (long)o->date_start, (long)o->date_end, (int)o->status);
    feed(&h, "years_status", num);
    feed(&h, "period", o->period);
    feed(&h, "culture", o->culture);
    feed(&h, "classification", o->classification);
    feed(&h, "materials", o->materials);
    feed(&h, "technique", o->technique);
    feed(&h, "dimensions", o->dimensions);
    feed(&h, "credit_line", o->credit_line);
    feed(&h, "rights", o->rights);
    feed(&h, "licence", o->licence);
    feed(&h, "source_url", o->source_url);
    for (size_t i = 0; i < o->nlinks; i++) {
        feed(&h, "link", o->links[i].rel);
        feed(&h, "link", o->links[i].url);
    }
    for (size_t i = 0; i < o->nmedia; i++) {
        const vcm_media *m = &o->media[i];
        snprintf(num, sizeof num, "%d %d", m->width, m->height);
        feed(&h, "media", m->identifier);
        feed(&h, "media", m->label);
        feed(&h, "media", m->original);
        feed(&h, "media", m->file);
        feed(&h, "media", m->format);
        feed(&h, "media", num);
        feed(&h, "media", m->checksum);
        feed(&h, "media", m->rights);
        feed(&h, "media", m->attribution);
    }
    unsigned char bin[16];
    crypto_generichash_final(&h, bin, sizeof bin);
    sodium_bin2hex(out, 33, bin, sizeof bin);
    return 0;
}
