/* Themes' definitions (theme.h): the JSON reader, the checks and the rule's
 * stored form. Pure: text in, a theme out (fuzz/theme.c). */
#include "model/theme.h"

#include <ctype.h>
#include <jansson.h>
#include <string.h>

#include "core/text.h"
#include "model/model.h"
#include "model/origin.h"
#include "core/banned.h"

static int fail(const char **field, const char **key, const char *f, const char *k)
{
    *field = f;
    *key = k;
    return -1;
}

/* A string member as a copy in a; NULL with *bad when it is not a string. */
static const char *copy_str(vcm_arena *a, json_t *v, bool *bad)
{
    if (!json_is_string(v)) {
        *bad = true;
        return NULL;
    }
    const char *s = vcm_arena_strndup(a, json_string_value(v), json_string_length(v));
    if (!s)
        *bad = true;
    return s;
}

static int str_list(vcm_arena *a, json_t *v, const char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!v)
        return 0;
    if (!json_is_array(v) || json_array_size(v) > VCM_THEME_LIST_MAX)
        return -1;
    *out = vcm_arena_calloc(a, json_array_size(v) + 1, sizeof **out);
    if (!*out)
        return -1;
    bool bad = false;
    for (size_t i = 0; i < json_array_size(v) && !bad; i++)
        (*out)[(*n)++] = copy_str(a, json_array_get(v, i), &bad);
    return bad ? -1 : 0;
}

static int rule_read(vcm_arena *a, json_t *r, vcm_theme_rule *out, const char **field,
                     const char **key)
{
    memset(out, 0, sizeof *out);
    if (!r)
        return 0;
    if (!json_is_object(r))
        return fail(field, key, "rule", "theme.error.rule");
    const char *name;
    json_t *v;
    json_object_foreach(r, name, v)
    {
        if (strcmp(name, "origins") && strcmp(name, "places") && strcmp(name, "words") &&
            strcmp(name, "masterpieces"))
            return fail(field, key, "rule", "theme.error.rule");
    }
    if (str_list(a, json_object_get(r, "origins"), &out->origins, &out->norigins) < 0)
        return fail(field, key, "rule.origins", "theme.error.list");
    if (str_list(a, json_object_get(r, "places"), &out->places, &out->nplaces) < 0)
        return fail(field, key, "rule.places", "theme.error.list");
    if (str_list(a, json_object_get(r, "words"), &out->words, &out->nwords) < 0)
        return fail(field, key, "rule.words", "theme.error.list");
    v = json_object_get(r, "masterpieces");
    if (v && !json_is_boolean(v))
        return fail(field, key, "rule.masterpieces", "theme.error.rule");
    out->masterpieces = json_is_true(v);
    return 0;
}

static int picks_read(vcm_arena *a, json_t *v, vcm_theme_pick **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!v)
        return 0;
    if (!json_is_array(v) || json_array_size(v) > VCM_THEME_PICKS_MAX)
        return -1;
    *out = vcm_arena_calloc(a, json_array_size(v) + 1, sizeof **out);
    if (!*out)
        return -1;
    for (size_t i = 0; i < json_array_size(v); i++) {
        json_t *e = json_array_get(v, i);
        bool bad = false;
        if (json_is_integer(e) && json_integer_value(e) > 0)
            (*out)[i].object_id = (int64_t)json_integer_value(e);
        else if (!((*out)[i].source_id = copy_str(a, e, &bad)) || !(*out)[i].source_id[0])
            return -1;
        (*n)++;
    }
    return 0;
}

static int texts_read(vcm_arena *a, json_t *titles, json_t *intros, vcm_theme *t)
{
    size_t cap = json_object_size(titles) + json_object_size(intros) + 1;
    t->texts = vcm_arena_calloc(a, cap, sizeof *t->texts);
    if (!t->texts)
        return -1;
    const char *lang;
    json_t *v;
    bool bad = false;
    json_object_foreach(titles, lang, v)
    {
        vcm_theme_text *x = &t->texts[t->ntexts++];
        x->lang = vcm_arena_strdup(a, lang);
        x->title = copy_str(a, v, &bad);
        json_t *in = json_object_get(intros, lang);
        x->intro = in ? copy_str(a, in, &bad) : "";
        if (bad || !x->lang)
            return -1;
    }
    /* an introduction needs its title */
    json_object_foreach(intros, lang, v)
    {
        if (!json_object_get(titles, lang))
            return -1;
    }
    return 0;
}

int vcm_theme_parse(vcm_arena *a, const char *j, size_t n, vcm_theme *t, const char **field,
                    const char **key)
{
    memset(t, 0, sizeof *t);
    json_error_t je;
    json_t *o = json_loadb(j, n, JSON_REJECT_DUPLICATES, &je);
    int rc = -1;
    if (!o || !json_is_object(o)) {
        fail(field, key, "json", "theme.error.json");
        goto out;
    }
    const char *name;
    json_t *v;
    json_object_foreach(o, name, v)
    {
        if (strcmp(name, "slug") && strcmp(name, "pos") && strcmp(name, "titles") &&
            strcmp(name, "intros") && strcmp(name, "rule") && strcmp(name, "add") &&
            strcmp(name, "remove")) {
            fail(field, key, "json", "theme.error.member");
            goto out;
        }
    }
    bool bad = false;
    /* absent: the route names it (PUT), or the check refuses the theme */
    v = json_object_get(o, "slug");
    t->slug = v ? copy_str(a, v, &bad) : NULL;
    if (bad) {
        fail(field, key, "slug", "theme.error.slug");
        goto out;
    }
    v = json_object_get(o, "pos");
    if (v && !json_is_integer(v)) {
        fail(field, key, "pos", "theme.error.pos");
        goto out;
    }
    t->pos = v ? (int64_t)json_integer_value(v) : 0;
    json_t *titles = json_object_get(o, "titles"), *intros = json_object_get(o, "intros");
    if (!json_is_object(titles) || (intros && !json_is_object(intros)) ||
        texts_read(a, titles, intros, t) < 0) {
        fail(field, key, "titles", "theme.error.titles");
        goto out;
    }
    if (rule_read(a, json_object_get(o, "rule"), &t->rule, field, key) < 0)
        goto out;
    if (picks_read(a, json_object_get(o, "add"), &t->add, &t->nadd) < 0) {
        fail(field, key, "add", "theme.error.picks");
        goto out;
    }
    if (picks_read(a, json_object_get(o, "remove"), &t->remove, &t->nremove) < 0) {
        fail(field, key, "remove", "theme.error.picks");
        goto out;
    }
    rc = 0;
out:
    json_decref(o);
    return rc;
}

int vcm_theme_rule_parse(vcm_arena *a, const char *j, size_t n, vcm_theme_rule *r,
                         const char **field, const char **key)
{
    json_error_t je;
    json_t *o = json_loadb(j, n, JSON_REJECT_DUPLICATES, &je);
    int rc = o ? rule_read(a, o, r, field, key) : fail(field, key, "rule", "theme.error.rule");
    json_decref(o);
    return rc;
}

bool vcm_theme_slug_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > VCM_THEME_SLUG_MAX || s[0] == '-' || s[n - 1] == '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return false;
    return true;
}

/* 2..VCM_THEME_WORD_MAX bytes of UTF-8 without control characters. */
static bool word_valid(const char *w)
{
    size_t n = strlen(w);
    if (n < 2 || n > VCM_THEME_WORD_MAX || !vcm_utf8_valid(w, n))
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)w[i] < 0x20 || w[i] == 0x7f)
            return false;
    return true;
}

static bool origin_valid(const char *o)
{
    if (vcm_origin_region_parse(o) != VCM_ORIGIN_NONE)
        return true;
    return strlen(o) == 2 && isupper((unsigned char)o[0]) && isupper((unsigned char)o[1]);
}

static bool text_ok(const char *s, size_t max, bool need)
{
    size_t n = s ? strlen(s) : 0;
    return (!need || n > 0) && n <= max && vcm_utf8_valid(s ? s : "", n);
}

int vcm_theme_check(const vcm_theme *t, const char **field, const char **key)
{
    if (!vcm_theme_slug_valid(t->slug))
        return fail(field, key, "slug", "theme.error.slug");
    bool english = false;
    for (size_t i = 0; i < t->ntexts; i++) {
        const vcm_theme_text *x = &t->texts[i];
        if (!x->lang || !vcm_lang_valid(x->lang))
            return fail(field, key, "titles", "theme.error.lang");
        for (size_t k = 0; k < i; k++)
            if (strcmp(t->texts[k].lang, x->lang) == 0)
                return fail(field, key, "titles", "theme.error.lang");
        if (!text_ok(x->title, VCM_THEME_TITLE_MAX, true))
            return fail(field, key, "titles", "theme.error.title");
        if (!text_ok(x->intro, VCM_THEME_INTRO_MAX, false))
            return fail(field, key, "intros", "theme.error.intro");
        english |= strcmp(x->lang, "en") == 0;
    }
    if (!english)
        return fail(field, key, "titles", "theme.error.title");
    for (size_t i = 0; i < t->rule.norigins; i++)
        if (!origin_valid(t->rule.origins[i]))
            return fail(field, key, "rule.origins", "theme.error.origin");
    for (size_t i = 0; i < t->rule.nplaces; i++)
        if (!word_valid(t->rule.places[i]))
            return fail(field, key, "rule.places", "theme.error.word");
    for (size_t i = 0; i < t->rule.nwords; i++)
        if (!word_valid(t->rule.words[i]))
            return fail(field, key, "rule.words", "theme.error.word");
    if (t->nadd > VCM_THEME_PICKS_MAX)
        return fail(field, key, "add", "theme.error.picks");
    if (t->nremove > VCM_THEME_PICKS_MAX)
        return fail(field, key, "remove", "theme.error.picks");
    return 0;
}

static json_t *list_json(const char **v, size_t n, bool lower)
{
    json_t *l = json_array();
    for (size_t i = 0; i < n; i++) {
        char buf[VCM_THEME_WORD_MAX + 1];
        size_t k = strlen(v[i]);
        if (k > VCM_THEME_WORD_MAX)
            k = VCM_THEME_WORD_MAX;
        memcpy(buf, v[i], k);
        buf[k] = '\0';
        for (size_t c = 0; lower && c < k; c++)
            buf[c] = (char)tolower((unsigned char)buf[c]);
        json_array_append_new(l, json_string(buf));
    }
    return l;
}

char *vcm_theme_rule_json(vcm_arena *a, const vcm_theme_rule *r)
{
    json_t *o = json_pack("{s:o, s:o, s:o, s:b}", "origins", list_json(r->origins, r->norigins, false),
                          "places", list_json(r->places, r->nplaces, false), "words",
                          list_json(r->words, r->nwords, true), "masterpieces", r->masterpieces);
    /* into the arena directly: jansson may be allocating from a request's
     * arena, whose memory free() must never see */
    size_t cap = 64 * 1024;
    char *buf = o ? vcm_arena_alloc(a, cap) : NULL;
    size_t n = buf ? json_dumpb(o, buf, cap - 1, JSON_COMPACT) : 0;
    json_decref(o);
    if (!buf || n == 0 || n >= cap)
        return NULL;
    buf[n] = '\0';
    return buf;
}

const vcm_theme_text *vcm_theme_text_for(const vcm_theme *t, const char *lang)
{
    const vcm_theme_text *en = NULL;
    for (size_t i = 0; i < t->ntexts; i++) {
        if (lang && strcmp(t->texts[i].lang, lang) == 0)
            return &t->texts[i];
        if (strcmp(t->texts[i].lang, "en") == 0)
            en = &t->texts[i];
    }
    return en ? en : t->ntexts ? &t->texts[0] : NULL;
}

int vcm_theme_list_split(vcm_arena *a, const char *s, const char ***out, size_t max)
{
    *out = vcm_arena_calloc(a, max + 1, sizeof **out);
    if (!*out)
        return -1;
    size_t n = 0;
    while (s && *s) {
        size_t k = strcspn(s, ",\n");
        const char *b = s, *e = s + k;
        while (b < e && isspace((unsigned char)*b))
            b++;
        while (e > b && isspace((unsigned char)e[-1]))
            e--;
        if (e > b) {
            if (n == max)
                return -1;
            if (!((*out)[n++] = vcm_arena_strndup(a, b, (size_t)(e - b))))
                return -1;
        }
        s += k;
        if (*s)
            s++;
    }
    return (int)n;
}
