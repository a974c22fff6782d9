/* Virtual exhibitions: the workflow's state machine and the content of a
 * version (read, written, checked). model/vexhibit.h has the design. Pure:
 * no store, no clock. */
#include "model/vexhibit.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "core/banned.h"

static const char *const state_names[VCM_VX_STATES] = {"draft", "submitted", "published",
                                                       "withdrawn"};
static const char *const action_names[VCM_VXA_ACTIONS] = {
    "submit", "request_changes", "publish", "withdraw", "restore", "edit"};
static const char *const action_authz[VCM_VXA_ACTIONS] = {
    "vx.submit", "vx.publish", "vx.publish", "vx.withdraw", "vx.withdraw", "vx.update"};

const char *vcm_vx_state_name(vcm_vx_state s)
{
    return (unsigned)s < VCM_VX_STATES ? state_names[s] : "";
}

int vcm_vx_state_parse(const char *s, vcm_vx_state *out)
{
    for (int i = 0; s && i < VCM_VX_STATES; i++)
        if (strcmp(s, state_names[i]) == 0) {
            *out = (vcm_vx_state)i;
            return 0;
        }
    return -1;
}

const char *vcm_vx_action_name(vcm_vx_action a)
{
    return (unsigned)a < VCM_VXA_ACTIONS ? action_names[a] : "";
}

int vcm_vx_action_parse(const char *s, vcm_vx_action *out)
{
    for (int i = 0; s && i < VCM_VXA_ACTIONS; i++)
        if (strcmp(s, action_names[i]) == 0) {
            *out = (vcm_vx_action)i;
            return 0;
        }
    return -1;
}

const char *vcm_vx_action_authz(vcm_vx_action a)
{
    return (unsigned)a < VCM_VXA_ACTIONS ? action_authz[a] : "";
}

/* Read a row as "from this state": the state each action leads to, -1
 * where it is refused. */
static const signed char machine[VCM_VX_STATES][VCM_VXA_ACTIONS] = {
    /*                   submit          request_changes  publish      withdraw  restore  edit */
    [VCM_VX_DRAFT] = {VCM_VX_SUBMITTED, -1, -1, VCM_VX_WITHDRAWN, -1, -1},
    [VCM_VX_SUBMITTED] = {-1, VCM_VX_DRAFT, VCM_VX_PUBLISHED, VCM_VX_WITHDRAWN, -1, -1},
    [VCM_VX_PUBLISHED] = {-1, -1, -1, VCM_VX_WITHDRAWN, -1, VCM_VX_DRAFT},
    [VCM_VX_WITHDRAWN] = {-1, -1, VCM_VX_PUBLISHED, -1, VCM_VX_DRAFT, -1},
};

int vcm_vx_next(vcm_vx_state from, vcm_vx_action a, vcm_vx_state *to)
{
    if ((unsigned)from >= VCM_VX_STATES || (unsigned)a >= VCM_VXA_ACTIONS)
        return -1;
    int n = machine[from][a];
    if (n < 0)
        return -1;
    *to = (vcm_vx_state)n;
    return 0;
}

bool vcm_vx_editable(vcm_vx_state s)
{
    return s == VCM_VX_DRAFT || s == VCM_VX_PUBLISHED;
}

bool vcm_vx_slug_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > VCM_VX_SLUG_MAX || s[0] == '-' || s[n - 1] == '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return false;
    return true;
}

/* ---- JSON ------------------------------------------------------------------- */

static json_t *texts_json(const vcm_ltexts *t)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < t->n; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s}", "lang", t->v[i].lang, "text",
                                             t->v[i].text));
    return arr;
}

char *vcm_vx_data_to_json(const vcm_vx_data *d, vcm_arena *a)
{
    char *out = NULL;
    json_t *o = json_object(), *secs = json_array();
    if (!o || !secs)
        goto out;
    json_object_set_new(o, "title", texts_json(&d->title));
    json_object_set_new(o, "intro", texts_json(&d->intro));
    for (size_t i = 0; i < d->nsections; i++) {
        const vcm_vx_section *s = &d->sections[i];
        json_t *items = json_array();
        for (size_t k = 0; k < s->nitems; k++) {
            const vcm_vx_item *it = &s->items[k];
            json_t *j = json_pack("{s:I}", "object", (json_int_t)it->object_id);
            if (it->w > 0)
                json_object_set_new(j, "region",
                                    json_pack("[I, I, I, I]", (json_int_t)it->x,
                                              (json_int_t)it->y, (json_int_t)it->w,
                                              (json_int_t)it->h));
            if (it->caption.n)
                json_object_set_new(j, "caption", texts_json(&it->caption));
            json_array_append_new(items, j);
        }
        json_array_append_new(secs, json_pack("{s:o, s:o, s:o}", "title", texts_json(&s->title),
                                              "text", texts_json(&s->text), "items", items));
    }
    json_object_set(o, "sections", secs);
    /* into the arena directly: jansson may be on a request's arena too */
    size_t need = json_dumpb(o, NULL, 0, JSON_COMPACT | JSON_SORT_KEYS);
    if (need && (out = vcm_arena_alloc(a, need + 1))) {
        json_dumpb(o, out, need, JSON_COMPACT | JSON_SORT_KEYS);
        out[need] = '\0';
    }
out:
    json_decref(secs);
    json_decref(o);
    return out;
}

static int texts_of(vcm_ltexts *t, vcm_arena *a, json_t *arr, const char *field, char *err,
                    size_t errlen)
{
    size_t i;
    json_t *v;
    if (arr && !json_is_array(arr)) {
        snprintf(err, errlen, "%s: not a list of {lang, text}", field);
        return -1;
    }
    json_array_foreach(arr, i, v)
    {
        json_t *l = json_object_get(v, "lang"), *x = json_object_get(v, "text");
        if (!json_is_string(l) || !json_is_string(x)) {
            snprintf(err, errlen, "%s: an item without lang or text", field);
            return -1;
        }
        if (vcm_ltexts_add(t, a, vcm_arena_strdup(a, json_string_value(l)),
                           vcm_arena_strdup(a, json_string_value(x))) < 0) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
    }
    return 0;
}

static int item_of(vcm_vx_item *it, vcm_arena *a, json_t *v, const char *field, char *err,
                   size_t errlen)
{
    json_t *obj = json_object_get(v, "object"), *reg = json_object_get(v, "region");
    if (!json_is_object(v) || !json_is_integer(obj)) {
        snprintf(err, errlen, "%s: an item without an object id", field);
        return -1;
    }
    it->object_id = (int64_t)json_integer_value(obj);
    if (reg && !json_is_null(reg)) {
        if (!json_is_array(reg) || json_array_size(reg) != 4) {
            snprintf(err, errlen, "%s: region is not [x, y, w, h]", field);
            return -1;
        }
        int64_t r[4];
        for (size_t k = 0; k < 4; k++) {
            json_t *n = json_array_get(reg, k);
            if (!json_is_integer(n)) {
                snprintf(err, errlen, "%s: region is not [x, y, w, h]", field);
                return -1;
            }
            r[k] = (int64_t)json_integer_value(n);
        }
        it->x = r[0], it->y = r[1], it->w = r[2], it->h = r[3];
    }
    return texts_of(&it->caption, a, json_object_get(v, "caption"), field, err, errlen);
}

int vcm_vx_data_from_json(vcm_vx_data *d, vcm_arena *a, const char *text, char *err,
                          size_t errlen)
{
    int rc = -1;
    memset(d, 0, sizeof *d);
    json_error_t je;
    json_t *o = json_loads(text, JSON_REJECT_DUPLICATES, &je);
    if (!json_is_object(o)) {
        snprintf(err, errlen, "not a JSON object (line %d: %s)", je.line, je.text);
        goto out;
    }
    if (texts_of(&d->title, a, json_object_get(o, "title"), "title", err, errlen) < 0 ||
        texts_of(&d->intro, a, json_object_get(o, "intro"), "intro", err, errlen) < 0)
        goto out;
    json_t *secs = json_object_get(o, "sections"), *v;
    size_t i;
    if (secs && !json_is_array(secs)) {
        snprintf(err, errlen, "sections: not a list");
        goto out;
    }
    if (json_array_size(secs) > VCM_VX_SECTIONS_MAX) {
        snprintf(err, errlen, "sections: more than %d", VCM_VX_SECTIONS_MAX);
        goto out;
    }
    if (json_array_size(secs) &&
        !(d->sections = vcm_arena_calloc(a, json_array_size(secs), sizeof *d->sections))) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    json_array_foreach(secs, i, v)
    {
        char field[40];
        snprintf(field, sizeof field, "section %zu", i + 1);
        vcm_vx_section *s = &d->sections[d->nsections++];
        if (!json_is_object(v)) {
            snprintf(err, errlen, "%s: not an object", field);
            goto out;
        }
        if (texts_of(&s->title, a, json_object_get(v, "title"), field, err, errlen) < 0 ||
            texts_of(&s->text, a, json_object_get(v, "text"), field, err, errlen) < 0)
            goto out;
        json_t *items = json_object_get(v, "items"), *iv;
        size_t k;
        if (items && !json_is_array(items)) {
            snprintf(err, errlen, "%s: items is not a list", field);
            goto out;
        }
        if (json_array_size(items) > VCM_VX_ITEMS_MAX) {
            snprintf(err, errlen, "%s: more than %d items", field, VCM_VX_ITEMS_MAX);
            goto out;
        }
        if (json_array_size(items) &&
            !(s->items = vcm_arena_calloc(a, json_array_size(items), sizeof *s->items))) {
            snprintf(err, errlen, "out of memory");
            goto out;
        }
        json_array_foreach(items, k, iv)
        {
            if (item_of(&s->items[s->nitems++], a, iv, field, err, errlen) < 0)
                goto out;
        }
    }
    rc = 0;
out:
    json_decref(o);
    return rc;
}

/* ---- checks ----------------------------------------------------------------- */

static size_t chars(const char *s)
{
    size_t n = 0;
    for (; s && *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static const char *texts_problem(const vcm_ltexts *t, size_t max)
{
    for (size_t i = 0; i < t->n; i++) {
        if (!vcm_lang_valid(t->v[i].lang))
            return "vx.err.lang";
        const char *s = t->v[i].text;
        if (!s || !vcm_utf8_valid(s, strlen(s)) || chars(s) > max)
            return "vx.err.text";
        for (size_t j = 0; j < i; j++)
            if (strcmp(t->v[j].lang, t->v[i].lang) == 0)
                return "vx.err.lang_twice";
    }
    return NULL;
}

/* The largest coordinate a region may name: far beyond any image, small
 * enough that x + w cannot overflow anywhere. */
#define REGION_MAX 1000000

int vcm_vx_validate(const vcm_vx_data *d, char *field, size_t fieldlen, const char **why)
{
    snprintf(field, fieldlen, "title");
    bool titled = false;
    for (size_t i = 0; i < d->title.n; i++)
        titled = titled || (d->title.v[i].text && *d->title.v[i].text);
    if (!titled) {
        *why = "vx.err.title";
        return -1;
    }
    if ((*why = texts_problem(&d->title, VCM_VX_TITLE_MAX)))
        return -1;
    snprintf(field, fieldlen, "intro");
    if ((*why = texts_problem(&d->intro, VCM_VX_TEXT_MAX)))
        return -1;
    if (d->nsections > VCM_VX_SECTIONS_MAX) {
        snprintf(field, fieldlen, "sections");
        *why = "vx.err.too_many";
        return -1;
    }
    for (size_t i = 0; i < d->nsections; i++) {
        const vcm_vx_section *s = &d->sections[i];
        snprintf(field, fieldlen, "section %zu", i + 1);
        if ((*why = texts_problem(&s->title, VCM_VX_TITLE_MAX)) ||
            (*why = texts_problem(&s->text, VCM_VX_TEXT_MAX)))
            return -1;
        if (s->nitems > VCM_VX_ITEMS_MAX) {
            *why = "vx.err.too_many";
            return -1;
        }
        for (size_t k = 0; k < s->nitems; k++) {
            const vcm_vx_item *it = &s->items[k];
            snprintf(field, fieldlen, "section %zu item %zu", i + 1, k + 1);
            if (it->object_id <= 0) {
                *why = "vx.err.object";
                return -1;
            }
            bool whole = it->x == 0 && it->y == 0 && it->w == 0 && it->h == 0;
            if (!whole && (it->x < 0 || it->y < 0 || it->w <= 0 || it->h <= 0 ||
                           it->x > REGION_MAX || it->y > REGION_MAX || it->w > REGION_MAX ||
                           it->h > REGION_MAX)) {
                *why = "vx.err.region";
                return -1;
            }
            if ((*why = texts_problem(&it->caption, VCM_VX_TITLE_MAX)))
                return -1;
        }
    }
    *why = NULL;
    return 0;
}

/* A non-negative decimal of at most 7 digits at *p, moved past it. */
static int number(const char **p, int64_t *out)
{
    const char *s = *p;
    int64_t v = 0;
    int n = 0;
    while (*s >= '0' && *s <= '9' && n < 8) {
        v = v * 10 + (*s++ - '0');
        n++;
    }
    if (n == 0 || n > 7)
        return -1;
    *out = v;
    *p = s;
    return 0;
}

static const char *skip_spaces(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

int vcm_vx_item_parse(const char *line, vcm_arena *a, const char *lang, vcm_vx_item *out,
                      const char **why)
{
    memset(out, 0, sizeof *out);
    const char *p = skip_spaces(line);
    *why = "vx.err.item";
    if (number(&p, &out->object_id) < 0 || out->object_id == 0)
        return -1;
    p = skip_spaces(p);
    if (*p >= '0' && *p <= '9') {
        int64_t r[4];
        for (int k = 0; k < 4; k++) {
            if (k && *p++ != ',')
                return *why = "vx.err.region", -1;
            p = skip_spaces(p);
            if (number(&p, &r[k]) < 0)
                return *why = "vx.err.region", -1;
            p = skip_spaces(p);
        }
        if (r[2] == 0 || r[3] == 0)
            return *why = "vx.err.region", -1;
        out->x = r[0], out->y = r[1], out->w = r[2], out->h = r[3];
    }
    p = skip_spaces(p);
    if (*p == '|') {
        p = skip_spaces(p + 1);
        size_t n = strlen(p);
        while (n && (p[n - 1] == ' ' || p[n - 1] == '\r' || p[n - 1] == '\t'))
            n--;
        if (n) {
            char *c = vcm_arena_strndup(a, p, n);
            if (!c || vcm_ltexts_add(&out->caption, a, lang, c) < 0)
                return *why = "vx.err.text", -1;
        }
    } else if (*p && *p != '\r') {
        return -1;
    }
    *why = NULL;
    return 0;
}
