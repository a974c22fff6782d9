/* Masterpiece entries: the workflow's state machine, the content of a
 * version (flattened, compared, checked, kept as JSON). model/entry.h has
 * the design. Pure: no store, no clock. */
#include "model/entry.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "core/banned.h"

static const char *const state_names[VCM_ENTRY_STATES] = {
    "draft", "submitted", "changes_requested", "published", "withdrawn",
};

static const char *const action_names[VCM_EA_ACTIONS] = {
    "submit", "request_changes", "publish", "withdraw", "restore", "edit",
};

static const char *const action_authz[VCM_EA_ACTIONS] = {
    "entry.submit", "entry.request_changes", "entry.publish",
    "entry.withdraw", "entry.restore", "entry.update",
};

const char *vcm_entry_state_name(vcm_entry_state s)
{
    return (unsigned)s < VCM_ENTRY_STATES ? state_names[s] : "";
}

int vcm_entry_state_parse(const char *s, vcm_entry_state *out)
{
    for (int i = 0; s && i < VCM_ENTRY_STATES; i++)
        if (strcmp(s, state_names[i]) == 0) {
            *out = (vcm_entry_state)i;
            return 0;
        }
    return -1;
}

const char *vcm_entry_action_name(vcm_entry_action a)
{
    return (unsigned)a < VCM_EA_ACTIONS ? action_names[a] : "";
}

int vcm_entry_action_parse(const char *s, vcm_entry_action *out)
{
    for (int i = 0; s && i < VCM_EA_ACTIONS; i++)
        if (strcmp(s, action_names[i]) == 0) {
            *out = (vcm_entry_action)i;
            return 0;
        }
    return -1;
}

const char *vcm_entry_action_authz(vcm_entry_action a)
{
    return (unsigned)a < VCM_EA_ACTIONS ? action_authz[a] : "";
}

/* The whole machine: the state each action leads to from each state, or
 * -1 where it is refused. Read a row as "from this state". */
static const signed char machine[VCM_ENTRY_STATES][VCM_EA_ACTIONS] = {
    /*                     submit               request_changes              publish               withdraw             restore          edit */
    [VCM_ENTRY_DRAFT] = {VCM_ENTRY_SUBMITTED, -1, -1, VCM_ENTRY_WITHDRAWN, -1, -1},
    [VCM_ENTRY_SUBMITTED] = {-1, VCM_ENTRY_CHANGES_REQUESTED, VCM_ENTRY_PUBLISHED,
                             VCM_ENTRY_WITHDRAWN, -1, -1},
    [VCM_ENTRY_CHANGES_REQUESTED] = {VCM_ENTRY_SUBMITTED, -1, -1, VCM_ENTRY_WITHDRAWN, -1, -1},
    [VCM_ENTRY_PUBLISHED] = {-1, -1, -1, VCM_ENTRY_WITHDRAWN, -1, VCM_ENTRY_DRAFT},
    [VCM_ENTRY_WITHDRAWN] = {-1, -1, VCM_ENTRY_PUBLISHED, -1, VCM_ENTRY_DRAFT, -1},
};

int vcm_entry_next(vcm_entry_state from, vcm_entry_action action, vcm_entry_state *to)
{
    if ((unsigned)from >= VCM_ENTRY_STATES || (unsigned)action >= VCM_EA_ACTIONS)
        return -1;
    int n = machine[from][action];
    if (n < 0)
        return -1;
    *to = (vcm_entry_state)n;
    return 0;
}

bool vcm_entry_editable(vcm_entry_state s)
{
    return s == VCM_ENTRY_DRAFT || s == VCM_ENTRY_CHANGES_REQUESTED || s == VCM_ENTRY_PUBLISHED;
}

/* ---- flattening and diff ---------------------------------------------------- */

struct fields {
    vcm_entry_field *v;
    size_t n, cap;
    vcm_arena *a;
};

static int put(struct fields *f, const char *key, const char *value)
{
    if (!value || !*value)
        return 0;
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 32;
        vcm_entry_field *nv = vcm_arena_alloc(f->a, cap * sizeof *nv);
        if (!nv)
            return -1;
        if (f->n)
            memcpy(nv, f->v, f->n * sizeof *nv);
        f->v = nv;
        f->cap = cap;
    }
    f->v[f->n++] = (vcm_entry_field){key, value};
    return 0;
}

static int put_texts(struct fields *f, const char *name, const vcm_ltexts *t)
{
    for (size_t i = 0; i < t->n; i++) {
        const char *k = vcm_arena_printf(f->a, "%s:%s", name, t->v[i].lang);
        if (!k || put(f, k, t->v[i].text) < 0)
            return -1;
    }
    return 0;
}

/* By key, then value: two values under one key (two titles in one
 * language) come in one order whatever order they were given in. */
static int cmp_field(const void *x, const void *y)
{
    const vcm_entry_field *a = x, *b = y;
    int c = strcmp(a->key, b->key);
    return c ? c : strcmp(a->value, b->value);
}

int vcm_entry_flatten(const vcm_entry_data *d, vcm_arena *a, vcm_entry_field **out, size_t *n)
{
    struct fields f = {.a = a};
    if (put_texts(&f, "title", &d->title) < 0 || put_texts(&f, "description", &d->description) < 0)
        return -1;
    for (size_t i = 0; i < d->nstatements; i++) {
        const vcm_statement *st = &d->statements[i];
        const char *k = vcm_arena_printf(a, "statement:%s", st->lang);
        const char *ka = vcm_arena_printf(a, "statement_author:%s", st->lang);
        const char *kd = vcm_arena_printf(a, "statement_date:%s", st->lang);
        const char *dv = vcm_arena_printf(a, "%lld", (long long)st->date);
        if (!k || !ka || !kd || !dv || put(&f, k, st->text) < 0 || put(&f, ka, st->author) < 0 ||
            (st->date && put(&f, kd, dv) < 0))
            return -1;
    }
    if (put(&f, "date_text", d->date_text) < 0 || put(&f, "creators", d->creators) < 0 ||
        put(&f, "classification", d->classification) < 0 ||
        put(&f, "materials", d->materials) < 0 || put(&f, "dimensions", d->dimensions) < 0 ||
        put(&f, "credit_line", d->credit_line) < 0 || put(&f, "rights", d->rights) < 0 ||
        put(&f, "licence", d->licence) < 0)
        return -1;
    for (size_t i = 0; i < d->nimages; i++) {
        /* image:00, image:01…: two digits keep the order in the key order */
        const char *k = vcm_arena_printf(a, "image:%02zu", i);
        const char *v = vcm_arena_printf(a, "%s %s", d->images[i].identifier,
                                         d->images[i].rights ? d->images[i].rights : "");
        if (!k || !v || put(&f, k, v) < 0)
            return -1;
    }
    if (f.n)
        qsort(f.v, f.n, sizeof *f.v, cmp_field);
    *out = f.v;
    *n = f.n;
    return 0;
}

int vcm_entry_diff(const vcm_entry_data *a, const vcm_entry_data *b, vcm_arena *ar,
                   vcm_entry_change **out, size_t *n)
{
    vcm_entry_field *fa, *fb;
    size_t na, nb;
    if (vcm_entry_flatten(a, ar, &fa, &na) < 0 || vcm_entry_flatten(b, ar, &fb, &nb) < 0)
        return -1;
    vcm_entry_change *c = vcm_arena_alloc(ar, (na + nb + 1) * sizeof *c);
    if (!c)
        return -1;
    size_t i = 0, j = 0, k = 0;
    /* a merge of two sorted lists */
    while (i < na || j < nb) {
        int d = i == na ? 1 : j == nb ? -1 : strcmp(fa[i].key, fb[j].key);
        if (d < 0) {
            c[k++] = (vcm_entry_change){fa[i].key, fa[i].value, NULL};
            i++;
        } else if (d > 0) {
            c[k++] = (vcm_entry_change){fb[j].key, NULL, fb[j].value};
            j++;
        } else {
            if (strcmp(fa[i].value, fb[j].value) != 0)
                c[k++] = (vcm_entry_change){fa[i].key, fa[i].value, fb[j].value};
            i++;
            j++;
        }
    }
    *out = c;
    *n = k;
    return 0;
}

void vcm_entry_diff_summary(const vcm_entry_change *c, size_t n, char *buf, size_t size)
{
    size_t used = 0;
    if (size == 0)
        return;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *sep = i ? ", " : "";
        if (i == 6) {
            snprintf(buf + used, size - used, "%s…", sep);
            return;
        }
        int w = snprintf(buf + used, size - used, "%s%s", sep, c[i].key);
        if (w < 0 || (size_t)w >= size - used) {
            buf[used] = '\0';
            return;
        }
        used += (size_t)w;
    }
}

/* ---- from and onto a record ------------------------------------------------- */

static const char *join_creators(vcm_arena *a, const vcm_object *o)
{
    if (!o->ncreators)
        return NULL;
    size_t len = 0;
    for (size_t i = 0; i < o->ncreators; i++)
        len += strlen(o->creators[i]) + 2;
    char *s = vcm_arena_alloc(a, len + 1);
    if (!s)
        return NULL;
    size_t at = 0;
    for (size_t i = 0; i < o->ncreators; i++) {
        size_t l = strlen(o->creators[i]);
        if (i) {
            memcpy(s + at, "; ", 2);
            at += 2;
        }
        memcpy(s + at, o->creators[i], l);
        at += l;
    }
    s[at] = '\0';
    return s;
}

static int copy_texts(vcm_ltexts *dst, vcm_arena *a, const vcm_ltexts *src)
{
    for (size_t i = 0; i < src->n; i++) {
        bool seen = false; /* one value a language: the first, as pages show */
        for (size_t j = 0; j < dst->n; j++)
            seen |= strcmp(dst->v[j].lang, src->v[i].lang) == 0;
        if (!seen && vcm_ltexts_add(dst, a, src->v[i].lang, src->v[i].text) < 0)
            return -1;
    }
    return 0;
}

int vcm_entry_data_from_object(vcm_entry_data *d, vcm_arena *a, const vcm_object *o)
{
    memset(d, 0, sizeof *d);
    if (copy_texts(&d->title, a, &o->title) < 0 ||
        copy_texts(&d->description, a, &o->description) < 0)
        return -1;
    d->date_text = o->date_text;
    d->creators = join_creators(a, o);
    d->classification = o->classification;
    d->materials = o->materials;
    d->dimensions = o->dimensions;
    d->credit_line = o->credit_line;
    d->rights = o->rights;
    d->licence = NULL; /* the licence of the statements is the museum's to state */
    if (o->nmedia) {
        d->images = vcm_arena_calloc(a, o->nmedia, sizeof *d->images);
        if (!d->images)
            return -1;
        for (size_t i = 0; i < o->nmedia; i++)
            d->images[i] = (vcm_entry_image){o->media[i].identifier,
                                             o->media[i].rights ? o->media[i].rights : o->rights};
        d->nimages = o->nmedia;
    }
    return 0;
}

void vcm_entry_apply(const vcm_entry_data *d, vcm_arena *a, vcm_object *o)
{
    if (d->title.n)
        o->title = d->title;
    if (d->description.n)
        o->description = d->description;
    vcm_ltexts st = {0};
    for (size_t i = 0; i < d->nstatements; i++)
        if (vcm_ltexts_add(&st, a, d->statements[i].lang, d->statements[i].text) < 0)
            return;
    if (st.n)
        o->statement = st;
#define SET(f)                                                                                \
    if (d->f && *d->f)                                                                         \
    o->f = d->f
    SET(date_text);
    SET(classification);
    SET(materials);
    SET(dimensions);
    SET(credit_line);
    SET(rights);
#undef SET
    if (d->creators && *d->creators) {
        o->creators = vcm_arena_alloc(a, sizeof *o->creators);
        if (o->creators) {
            o->creators[0] = d->creators;
            o->ncreators = 1;
        } else {
            o->ncreators = 0;
        }
    }
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

static void set_opt(json_t *o, const char *k, const char *v)
{
    if (v && *v)
        json_object_set_new(o, k, json_string(v));
}

char *vcm_entry_data_to_json(const vcm_entry_data *d, vcm_arena *a)
{
    char *out = NULL;
    json_t *o = json_object();
    json_t *st = json_array(), *im = json_array();
    if (!o || !st || !im)
        goto out;
    json_object_set_new(o, "title", texts_json(&d->title));
    json_object_set_new(o, "description", texts_json(&d->description));
    for (size_t i = 0; i < d->nstatements; i++) {
        const vcm_statement *s = &d->statements[i];
        json_t *j = json_pack("{s:s, s:s, s:I}", "lang", s->lang, "text", s->text, "date",
                              (json_int_t)s->date);
        if (j && s->author)
            json_object_set_new(j, "author", json_string(s->author));
        json_array_append_new(st, j);
    }
    json_object_set(o, "statements", st);
    set_opt(o, "date_text", d->date_text);
    set_opt(o, "creators", d->creators);
    set_opt(o, "classification", d->classification);
    set_opt(o, "materials", d->materials);
    set_opt(o, "dimensions", d->dimensions);
    set_opt(o, "credit_line", d->credit_line);
    set_opt(o, "rights", d->rights);
    set_opt(o, "licence", d->licence);
    for (size_t i = 0; i < d->nimages; i++) {
        json_t *j = json_pack("{s:s}", "identifier", d->images[i].identifier);
        if (j && d->images[i].rights)
            json_object_set_new(j, "rights", json_string(d->images[i].rights));
        json_array_append_new(im, j);
    }
    json_object_set(o, "images", im);
    char *text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    if (text) {
        out = vcm_arena_strdup(a, text);
        free(text);
    }
out:
    json_decref(st);
    json_decref(im);
    json_decref(o);
    return out;
}

static const char *str_of(vcm_arena *a, json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? vcm_arena_strdup(a, json_string_value(v)) : NULL;
}

static int texts_of(vcm_ltexts *t, vcm_arena *a, json_t *arr, const char *field, char *err,
                    size_t errlen)
{
    size_t i;
    json_t *v;
    if (arr && !json_is_array(arr)) {
        snprintf(err, errlen, "%s: not a list", field);
        return -1;
    }
    json_array_foreach(arr, i, v)
    {
        const char *lang = str_of(a, v, "lang"), *text = str_of(a, v, "text");
        if (!lang || !text) {
            snprintf(err, errlen, "%s: an item without lang or text", field);
            return -1;
        }
        if (vcm_ltexts_add(t, a, lang, text) < 0) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
    }
    return 0;
}

int vcm_entry_data_from_json(vcm_entry_data *d, vcm_arena *a, const char *text, char *err,
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
        texts_of(&d->description, a, json_object_get(o, "description"), "description", err,
                 errlen) < 0)
        goto out;
    json_t *st = json_object_get(o, "statements"), *v;
    size_t i;
    if (st && !json_is_array(st)) {
        snprintf(err, errlen, "statements: not a list");
        goto out;
    }
    if (json_array_size(st)) {
        d->statements = vcm_arena_calloc(a, json_array_size(st), sizeof *d->statements);
        if (!d->statements)
            goto out;
    }
    json_array_foreach(st, i, v)
    {
        vcm_statement *s = &d->statements[d->nstatements];
        s->lang = str_of(a, v, "lang");
        s->text = str_of(a, v, "text");
        s->author = str_of(a, v, "author");
        json_t *dt = json_object_get(v, "date");
        s->date = json_is_integer(dt) ? (int64_t)json_integer_value(dt) : 0;
        if (!s->lang || !s->text) {
            snprintf(err, errlen, "statements: an item without lang or text");
            goto out;
        }
        d->nstatements++;
    }
    d->date_text = str_of(a, o, "date_text");
    d->creators = str_of(a, o, "creators");
    d->classification = str_of(a, o, "classification");
    d->materials = str_of(a, o, "materials");
    d->dimensions = str_of(a, o, "dimensions");
    d->credit_line = str_of(a, o, "credit_line");
    d->rights = str_of(a, o, "rights");
    d->licence = str_of(a, o, "licence");
    json_t *im = json_object_get(o, "images");
    if (im && !json_is_array(im)) {
        snprintf(err, errlen, "images: not a list");
        goto out;
    }
    if (json_array_size(im)) {
        d->images = vcm_arena_calloc(a, json_array_size(im), sizeof *d->images);
        if (!d->images)
            goto out;
    }
    json_array_foreach(im, i, v)
    {
        vcm_entry_image *m = &d->images[d->nimages];
        m->identifier = str_of(a, v, "identifier");
        m->rights = str_of(a, v, "rights");
        if (!m->identifier) {
            snprintf(err, errlen, "images: an item without identifier");
            goto out;
        }
        d->nimages++;
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

static bool text_ok(const char *s, size_t max)
{
    return s && vcm_utf8_valid(s, strlen(s)) && chars(s) <= max;
}

#define FIELD_MAX 4000 /* characters of a title, a date, a list of materials… */

int vcm_entry_validate(const vcm_entry_data *d, const char **field, const char **why)
{
    const vcm_ltexts *lists[] = {&d->title, &d->description};
    const char *names[] = {"title", "description"};
    for (size_t l = 0; l < 2; l++)
        for (size_t i = 0; i < lists[l]->n; i++) {
            *field = names[l];
            if (!vcm_lang_valid(lists[l]->v[i].lang)) {
                *why = "entry.err.lang";
                return -1;
            }
            if (!text_ok(lists[l]->v[i].text, l ? VCM_STATEMENT_MAX : FIELD_MAX)) {
                *why = "entry.err.text";
                return -1;
            }
        }
    for (size_t i = 0; i < d->nstatements; i++) {
        *field = "statement";
        if (!vcm_lang_valid(d->statements[i].lang)) {
            *why = "entry.err.lang";
            return -1;
        }
        if (!text_ok(d->statements[i].text, VCM_STATEMENT_MAX) ||
            (d->statements[i].author && !text_ok(d->statements[i].author, 200))) {
            *why = "entry.err.text";
            return -1;
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(d->statements[j].lang, d->statements[i].lang) == 0) {
                *why = "entry.err.statement_twice";
                return -1;
            }
    }
    const char *scalars[] = {d->date_text,   d->creators,    d->classification, d->materials,
                             d->dimensions,  d->credit_line, d->rights,         d->licence};
    const char *snames[] = {"date_text",  "creators",    "classification", "materials",
                            "dimensions", "credit_line", "rights",         "licence"};
    for (size_t i = 0; i < sizeof scalars / sizeof *scalars; i++)
        if (scalars[i] && !text_ok(scalars[i], FIELD_MAX)) {
            *field = snames[i];
            *why = "entry.err.text";
            return -1;
        }
    for (size_t i = 0; i < d->nimages; i++)
        if (!text_ok(d->images[i].identifier, 200) || !*d->images[i].identifier) {
            *field = "images";
            *why = "entry.err.text";
            return -1;
        }
    return 0;
}

/* The museum's own language: the first of its list when not English. */
static void own_lang(const char *langs, char *out, size_t size)
{
    out[0] = '\0';
    if (!langs)
        return;
    size_t n = strcspn(langs, " ");
    if (n == 0 || n >= size)
        return;
    memcpy(out, langs, n);
    out[n] = '\0';
    if (strcmp(out, "en") == 0)
        out[0] = '\0';
}

/* Whether tag is lang or a form of it ("zh-Hant" for "zh"; "zh" for "zh-Hant"). */
static bool same_lang(const char *tag, const char *lang)
{
    size_t a = strcspn(tag, "-"), b = strcspn(lang, "-");
    return a == b && strncmp(tag, lang, a) == 0;
}

static bool has_text(const vcm_ltexts *t, const char *lang)
{
    for (size_t i = 0; i < t->n; i++)
        if (same_lang(t->v[i].lang, lang) && t->v[i].text && *t->v[i].text)
            return true;
    return false;
}

static const vcm_statement *statement_in(const vcm_entry_data *d, const char *lang)
{
    for (size_t i = 0; i < d->nstatements; i++)
        if (same_lang(d->statements[i].lang, lang))
            return &d->statements[i];
    return NULL;
}

int vcm_entry_check(const vcm_entry_data *d, const char *langs, bool waived,
                    vcm_entry_problem *out, size_t max, size_t *n)
{
    *n = 0;
#define PROBLEM(f, w)                                                                         \
    do {                                                                                      \
        if (*n < max)                                                                         \
            out[*n] = (vcm_entry_problem){f, w};                                              \
        (*n)++;                                                                               \
    } while (0)
    char own[32];
    own_lang(langs, own, sizeof own);
    const char *need[2] = {"en", own[0] ? own : NULL};
    for (size_t l = 0; l < 2 && need[l]; l++) {
        if (!has_text(&d->title, need[l]))
            PROBLEM(l ? "title:own" : "title:en", "entry.err.title_missing");
        const vcm_statement *st = statement_in(d, need[l]);
        const char *key = l ? "statement:own" : "statement:en";
        if (!st || !st->text || !*st->text)
            PROBLEM(key, "entry.err.statement_missing");
        else if (chars(st->text) < VCM_STATEMENT_MIN)
            PROBLEM(key, "entry.err.statement_short");
        else if (!st->author || !*st->author)
            PROBLEM(key, "entry.err.statement_author");
    }
    bool image = false;
    for (size_t i = 0; i < d->nimages; i++)
        image |= d->images[i].rights && *d->images[i].rights;
    if (!image && !waived)
        PROBLEM("images", d->nimages ? "entry.err.image_rights" : "entry.err.image_missing");
    if (!d->licence || !*d->licence)
        PROBLEM("licence", "entry.err.licence_missing");
#undef PROBLEM
    return 0;
}

/* ---- the Masterpiece of the Day ---------------------------------------------- */

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 14695981039346656037u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

long vcm_motd_choose(const vcm_motd_candidate *c, size_t n, const char *day,
                     const char *cutoff)
{
    if (n == 0)
        return -1;
    for (int tier = 0; tier < 4; tier++) {
        size_t count = 0;
        for (size_t pass = 0; pass < 2; pass++) {
            uint64_t want = pass ? fnv1a(day) % count : 0;
            size_t k = 0;
            for (size_t i = 0; i < n; i++) {
                bool fresh = !c[i].last || strcmp(c[i].last, cutoff) < 0;
                bool in = tier == 0 ? fresh && c[i].image
                        : tier == 1 ? fresh
                        : tier == 2 ? c[i].image
                                    : true;
                if (!in)
                    continue;
                if (pass && k == want)
                    return (long)i;
                k++;
            }
            count = k;
            if (!count)
                break;
        }
    }
    return -1;
}
