#include "model/json.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/banned.h"

json_t *vcm_ltexts_to_json(const vcm_ltexts *t)
{
    json_t *o = json_object();
    for (size_t i = 0; o && i < t->n; i++)
        /* one value a language here: the first, which ranks first; every
         * text with its language is in the API's "texts" */
        if (!json_object_get(o, t->v[i].lang))
            json_object_set_new(o, t->v[i].lang, json_string(t->v[i].text));
    return o;
}

static void set_str(json_t *o, const char *k, const char *v)
{
    json_object_set_new(o, k, v && *v ? json_string(v) : json_null());
}

static void set_year(json_t *o, const char *k, int32_t y)
{
    json_object_set_new(o, k, y == VCM_NO_YEAR ? json_null() : json_integer(y));
}

void vcm_time_iso(int64_t t, char buf[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int vcm_time_parse(const char *s, int64_t *out)
{
    struct tm tm = {0};
    const char *e = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (!e || *e)
        return -1;
    struct tm parsed = tm;
    time_t t = timegm(&tm);
    /* timegm moves 30 February to 2 March: refuse days that do not exist */
    struct tm back;
    gmtime_r(&t, &back);
    if (back.tm_year != parsed.tm_year || back.tm_mon != parsed.tm_mon ||
        back.tm_mday != parsed.tm_mday || back.tm_hour != parsed.tm_hour ||
        back.tm_min != parsed.tm_min || back.tm_sec != parsed.tm_sec)
        return -1;
    *out = (int64_t)t;
    return 0;
}

json_t *vcm_country_to_json(const vcm_country *c)
{
    json_t *o = json_object();
    json_object_set_new(o, "code", json_string(c->code));
    json_object_set_new(o, "names", vcm_ltexts_to_json(&c->names));
    json_object_set_new(o, "region", json_string(vcm_region_name(c->region)));
    json_object_set_new(o, "asem_since", c->asem_since ? json_integer(c->asem_since) : json_null());
    return o;
}

json_t *vcm_museum_to_json(const vcm_museum *m)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", m->id ? json_integer(m->id) : json_null()); /* 0: unsaved */
    json_object_set_new(o, "names", vcm_ltexts_to_json(&m->names));
    set_str(o, "city", m->city);
    json_object_set_new(o, "country", json_string(m->country));
    json_object_set_new(o, "lat", m->has_coords ? json_real(m->lat) : json_null());
    json_object_set_new(o, "lon", m->has_coords ? json_real(m->lon) : json_null());
    set_str(o, "website", m->website);
    set_str(o, "joined", m->joined);
    set_str(o, "left", m->left);
    return o;
}

json_t *vcm_object_to_json(const vcm_object *o, const char *museum_name)
{
    json_t *j = json_object();
    json_object_set_new(j, "id", o->id ? json_integer(o->id) : json_null()); /* 0: unsaved */
    json_object_set_new(j, "museum", json_string(museum_name ? museum_name : ""));
    set_str(j, "source_id", o->source_id);
    set_str(j, "source", o->source);
    set_str(j, "source_licence", o->source_licence);
    set_str(j, "inventory_number", o->inventory_number);
    json_object_set_new(j, "title", vcm_ltexts_to_json(&o->title));
    json_object_set_new(j, "description", vcm_ltexts_to_json(&o->description));
    json_object_set_new(j, "statement", vcm_ltexts_to_json(&o->statement));
    json_t *cr = json_array();
    for (size_t i = 0; i < o->ncreators; i++)
        json_array_append_new(cr, json_string(o->creators[i]));
    json_object_set_new(j, "creators", cr);
    set_str(j, "date_text", o->date_text);
    set_year(j, "date_start", o->date_start);
    set_year(j, "date_end", o->date_end);
    set_str(j, "period", o->period);
    set_str(j, "culture", o->culture);
    set_str(j, "classification", o->classification);
    set_str(j, "materials", o->materials);
    set_str(j, "technique", o->technique);
    set_str(j, "dimensions", o->dimensions);
    set_str(j, "credit_line", o->credit_line);
    set_str(j, "rights", o->rights);
    set_str(j, "licence", o->licence);
    set_str(j, "source_url", o->source_url);
    json_object_set_new(j, "status", json_string(vcm_status_name(o->status)));
    json_t *media = json_array();
    for (size_t i = 0; i < o->nmedia; i++) {
        const vcm_media *m = &o->media[i];
        json_t *mj = json_object();
        set_str(mj, "identifier", m->identifier);
        set_str(mj, "label", m->label);
        set_str(mj, "file", m->file);
        set_str(mj, "original", m->original);
        set_str(mj, "format", m->format);
        json_object_set_new(mj, "width", json_integer(m->width));
        json_object_set_new(mj, "height", json_integer(m->height));
        set_str(mj, "checksum", m->checksum);
        set_str(mj, "rights", m->rights);
        set_str(mj, "attribution", m->attribution);
        json_array_append_new(media, mj);
    }
    json_object_set_new(j, "media", media);
    char t[32];
    vcm_time_iso(o->created, t);
    json_object_set_new(j, "created", json_string(t));
    vcm_time_iso(o->updated, t);
    json_object_set_new(j, "updated", json_string(t));
    return j;
}

int vcm_ltexts_from_json(vcm_ltexts *t, vcm_arena *a, json_t *j, const char *field, char *err,
                         size_t errlen)
{
    memset(t, 0, sizeof *t);
    if (!j || json_is_null(j))
        return 0;
    if (!json_is_object(j)) {
        snprintf(err, errlen, "%s: expected an object of language: text", field);
        return -1;
    }
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v) {
        if (!json_is_string(v)) {
            snprintf(err, errlen, "%s.%s: expected a string", field, k);
            return -1;
        }
        if (!vcm_lang_valid(k)) {
            snprintf(err, errlen, "%s: '%s' is not a language tag", field, k);
            return -1;
        }
        const char *lang = vcm_arena_strdup(a, k), *text = vcm_arena_strdup(a, json_string_value(v));
        if (!lang || !text || vcm_ltexts_add(t, a, lang, text) < 0) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
    }
    return 0;
}

/* Reads an optional string member; NULL when absent or null. */
static int get_str(json_t *j, const char *k, vcm_arena *a, const char **out, char *err,
                   size_t errlen)
{
    json_t *v = json_object_get(j, k);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v)) {
        snprintf(err, errlen, "%s: expected a string", k);
        return -1;
    }
    if (!(*out = vcm_arena_strdup(a, json_string_value(v)))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

static int get_year(json_t *j, const char *k, int32_t *out, char *err, size_t errlen)
{
    json_t *v = json_object_get(j, k);
    *out = VCM_NO_YEAR;
    if (!v || json_is_null(v))
        return 0;
    json_int_t y = json_is_integer(v) ? json_integer_value(v) : 0;
    if (!json_is_integer(v) || y < VCM_YEAR_MIN || y > VCM_YEAR_MAX) {
        snprintf(err, errlen, "impossible date: %s must be a whole year from %d to %d", k,
                 VCM_YEAR_MIN, VCM_YEAR_MAX);
        return -1;
    }
    *out = (int32_t)y;
    return 0;
}

/* Reads an optional id: absent or null leaves 0 (the store assigns one);
 * anything else must be a whole number in 1..VCM_ID_MAX. A larger id would
 * be taken, and every id the store assigns after it would be larger still:
 * beyond what the site's URLs and JavaScript readers of the API hold. */
static int get_id(json_t *j, const char *what, int64_t *out, char *err, size_t errlen)
{
    json_t *v = json_object_get(j, "id");
    *out = 0;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v)) {
        snprintf(err, errlen, "%s: id must be a whole number from 1 to %lld", what,
                 (long long)VCM_ID_MAX);
        return -1;
    }
    json_int_t id = json_integer_value(v);
    if (id < 1 || id > VCM_ID_MAX) {
        snprintf(err, errlen, "%s: id %lld is outside 1..%lld", what, (long long)id,
                 (long long)VCM_ID_MAX);
        return -1;
    }
    *out = (int64_t)id;
    return 0;
}

int vcm_country_from_json(vcm_country *c, vcm_arena *a, json_t *j, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    const char *code, *region;
    if (get_str(j, "code", a, &code, err, errlen) < 0 ||
        get_str(j, "region", a, &region, err, errlen) < 0)
        return -1;
    if (!code || strlen(code) != 2) {
        snprintf(err, errlen, "country: code must be ISO 3166-1 alpha-2");
        return -1;
    }
    memcpy(c->code, code, 3);
    if (region && vcm_region_parse(region, &c->region) < 0) {
        snprintf(err, errlen, "country: region '%s' is not asia, europe or other", region);
        return -1;
    }
    json_t *since = json_object_get(j, "asem_since");
    if (since && !json_is_null(since)) {
        if (!json_is_integer(since)) {
            snprintf(err, errlen, "country: asem_since must be a year");
            return -1;
        }
        c->asem_since = (int)json_integer_value(since);
    }
    if (vcm_ltexts_from_json(&c->names, a, json_object_get(j, "names"), "names", err, errlen) < 0)
        return -1;
    return vcm_country_validate(c, err, errlen);
}

int vcm_museum_from_json(vcm_museum *m, vcm_arena *a, json_t *j, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    const char *country;
    if (vcm_ltexts_from_json(&m->names, a, json_object_get(j, "names"), "names", err, errlen) < 0 ||
        get_str(j, "city", a, &m->city, err, errlen) < 0 ||
        get_str(j, "country", a, &country, err, errlen) < 0 ||
        get_str(j, "website", a, &m->website, err, errlen) < 0 ||
        get_str(j, "joined", a, &m->joined, err, errlen) < 0 ||
        get_str(j, "left", a, &m->left, err, errlen) < 0)
        return -1;
    if (country && strlen(country) == 2)
        memcpy(m->country, country, 3);
    json_t *lat = json_object_get(j, "lat"), *lon = json_object_get(j, "lon");
    if (json_is_number(lat) && json_is_number(lon)) {
        m->has_coords = true;
        m->lat = json_number_value(lat);
        m->lon = json_number_value(lon);
    }
    if (get_id(j, "museum", &m->id, err, errlen) < 0)
        return -1;
    return vcm_museum_validate(m, err, errlen);
}

int vcm_object_from_json(vcm_object *o, vcm_arena *a, json_t *j, const char **museum_name,
                         char *err, size_t errlen)
{
    vcm_object_init(o);
    const char *status = NULL, *created = NULL, *updated = NULL;
    if (get_str(j, "museum", a, museum_name, err, errlen) < 0 ||
        get_str(j, "source_id", a, &o->source_id, err, errlen) < 0 ||
        get_str(j, "source", a, &o->source, err, errlen) < 0 ||
        get_str(j, "source_licence", a, &o->source_licence, err, errlen) < 0 ||
        get_str(j, "inventory_number", a, &o->inventory_number, err, errlen) < 0 ||
        get_str(j, "date_text", a, &o->date_text, err, errlen) < 0 ||
        get_str(j, "period", a, &o->period, err, errlen) < 0 ||
        get_str(j, "culture", a, &o->culture, err, errlen) < 0 ||
        get_str(j, "classification", a, &o->classification, err, errlen) < 0 ||
        get_str(j, "materials", a, &o->materials, err, errlen) < 0 ||
        get_str(j, "technique", a, &o->technique, err, errlen) < 0 ||
        get_str(j, "dimensions", a, &o->dimensions, err, errlen) < 0 ||
        get_str(j, "credit_line", a, &o->credit_line, err, errlen) < 0 ||
        get_str(j, "rights", a, &o->rights, err, errlen) < 0 ||
        get_str(j, "licence", a, &o->licence, err, errlen) < 0 ||
        get_str(j, "source_url", a, &o->source_url, err, errlen) < 0 ||
        get_str(j, "status", a, &status, err, errlen) < 0 ||
        get_str(j, "created", a, &created, err, errlen) < 0 ||
        get_str(j, "updated", a, &updated, err, errlen) < 0 ||
        get_year(j, "date_start", &o->date_start, err, errlen) < 0 ||
        get_year(j, "date_end", &o->date_end, err, errlen) < 0)
        return -1;
    if (!*museum_name || !**museum_name) {
        snprintf(err, errlen, "museum: required");
        return -1;
    }
    json_t *title = json_object_get(j, "title");
    if (!title) {
        snprintf(err, errlen, "missing title");
        return -1;
    }
    /* {} is an object without a title; null says nothing at all, and is
     * most often a field lost on the way. */
    if (json_is_null(title)) {
        snprintf(err, errlen, "title: null; expected an object of language: text ({} for none)");
        return -1;
    }
    if (vcm_ltexts_from_json(&o->title, a, title, "title", err, errlen) < 0 ||
        vcm_ltexts_from_json(&o->description, a, json_object_get(j, "description"),
                             "description", err, errlen) < 0 ||
        vcm_ltexts_from_json(&o->statement, a, json_object_get(j, "statement"), "statement", err,
                             errlen) < 0)
        return -1;
    if (status && vcm_status_parse(status, &o->status) < 0) {
        snprintf(err, errlen, "status '%s' is not draft, published or withdrawn", status);
        return -1;
    }
    if ((created && vcm_time_parse(created, &o->created) < 0) ||
        (updated && vcm_time_parse(updated, &o->updated) < 0)) {
        snprintf(err, errlen, "created/updated must be ISO 8601 UTC times (2026-01-31T12:00:00Z)");
        return -1;
    }
    if (get_id(j, "object", &o->id, err, errlen) < 0)
        return -1;
    json_t *cr = json_object_get(j, "creators");
    if (cr && !json_is_null(cr)) {
        if (!json_is_array(cr)) {
            snprintf(err, errlen, "creators: expected an array of strings");
            return -1;
        }
        size_t n = json_array_size(cr);
        o->creators = vcm_arena_calloc(a, n + 1, sizeof *o->creators);
        if (!o->creators)
            goto oom;
        for (size_t i = 0; i < n; i++) {
            json_t *v = json_array_get(cr, i);
            if (!json_is_string(v)) {
                snprintf(err, errlen, "creators[%zu]: expected a string", i);
                return -1;
            }
            if (!(o->creators[i] = vcm_arena_strdup(a, json_string_value(v))))
                goto oom;
            o->ncreators = i + 1;
        }
    }
    json_t *media = json_object_get(j, "media");
    if (media && !json_is_null(media)) {
        if (!json_is_array(media)) {
            snprintf(err, errlen, "media: expected an array");
            return -1;
        }
        size_t n = json_array_size(media);
        o->media = vcm_arena_calloc(a, n + 1, sizeof *o->media);
        if (!o->media)
            goto oom;
        for (size_t i = 0; i < n; i++) {
            json_t *mj = json_array_get(media, i);
            vcm_media *m = &o->media[i];
            if (!json_is_object(mj) || get_str(mj, "file", a, &m->file, err, errlen) < 0 ||
                get_str(mj, "identifier", a, &m->identifier, err, errlen) < 0 ||
                get_str(mj, "label", a, &m->label, err, errlen) < 0 ||
                get_str(mj, "original", a, &m->original, err, errlen) < 0 ||
                get_str(mj, "format", a, &m->format, err, errlen) < 0 ||
                get_str(mj, "checksum", a, &m->checksum, err, errlen) < 0 ||
                get_str(mj, "rights", a, &m->rights, err, errlen) < 0 ||
                get_str(mj, "attribution", a, &m->attribution, err, errlen) < 0 || !m->file) {
                snprintf(err, errlen, "media[%zu]: expected {file, format, width, height, …}", i);
                return -1;
            }
            m->width = (int)json_integer_value(json_object_get(mj, "width"));
            m->height = (int)json_integer_value(json_object_get(mj, "height"));
            o->nmedia = i + 1;
        }
    }
    return 0;
oom:
    snprintf(err, errlen, "out of memory");
    return -1;
}
