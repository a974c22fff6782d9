#include "core/i18n.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/asset.h"
#include "core/po.h"
#include "core/text.h"
#include "core/banned.h"

#define MAX_LANGS 64

struct entry {
    char *key, *text;
    bool review; /* "#, fuzzy" in its PO file: machine-made or not reviewed */
};
struct catalogue {
    char lang[16];
    struct entry *e;
    size_t n;
    size_t review; /* entries that need review */
};

static struct catalogue cats[MAX_LANGS];
static size_t ncats;

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const struct entry *)a)->key, ((const struct entry *)b)->key);
}

static struct catalogue *find_cat(const char *lang)
{
    for (size_t i = 0; i < ncats; i++)
        if (strcmp(cats[i].lang, lang) == 0)
            return &cats[i];
    return NULL;
}

static void free_entries(struct entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(e[i].key);
        free(e[i].text);
    }
    free(e);
}

/* Sorts the entries and puts them in place of lang's catalogue; a key given
 * twice is an error (the earlier line is not known here: the key is named). */
static int install(const char *lang, const char *file, struct entry *e, size_t n, char *err,
                   size_t errlen)
{
    if (n)
        qsort(e, n, sizeof *e, cmp_entry);
    for (size_t i = 1; i < n; i++)
        if (strcmp(e[i].key, e[i - 1].key) == 0) {
            snprintf(err, errlen, "%s: the key '%s' is given twice", file, e[i].key);
            free_entries(e, n);
            return -1;
        }
    struct catalogue *c = find_cat(lang);
    if (c) {
        free_entries(c->e, c->n);
    } else {
        c = &cats[ncats++];
        snprintf(c->lang, sizeof c->lang, "%s", lang);
    }
    c->e = e;
    c->n = n;
    c->review = 0;
    for (size_t i = 0; i < n; i++)
        c->review += e[i].review;
    return 0;
}

int vcm_i18n_load(const char *lang, const char *text, size_t len, char *err, size_t errlen)
{
    if (strlen(lang) >= sizeof cats[0].lang || (!find_cat(lang) && ncats == MAX_LANGS)) {
        snprintf(err, errlen, "cannot add catalogue '%s'", lang);
        return -1;
    }
    if (!vcm_utf8_valid(text, len)) {
        snprintf(err, errlen, "catalogue '%s' is not valid UTF-8", lang);
        return -1;
    }
    struct entry *e = NULL;
    size_t n = 0, cap = 0, line = 0;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        line++;
        if (le > p && *p != '#') {
            const char *tab = memchr(p, '\t', (size_t)(le - p));
            if (!tab || tab == p) {
                snprintf(err, errlen, "locale/%s.tsv:%zu: expected key<TAB>text", lang, line);
                goto fail;
            }
            if (n == cap) {
                cap = cap ? cap * 2 : 256;
                struct entry *ne = realloc(e, cap * sizeof *e);
                if (!ne)
                    goto fail;
                e = ne;
            }
            e[n].key = strndup(p, (size_t)(tab - p));
            e[n].text = strndup(tab + 1, (size_t)(le - tab - 1));
            e[n].review = false;
            if (!e[n].key || !e[n].text) {
                free(e[n].key);
                free(e[n].text);
                goto fail;
            }
            n++;
        }
        p = le + 1;
    }
    char file[64];
    snprintf(file, sizeof file, "locale/%s.tsv", lang);
    return install(lang, file, e, n, err, errlen);
fail:
    free_entries(e, n);
    return -1;
}

struct po_load {
    const char *lang, *file;
    bool source; /* the template: the text is msgid */
    struct entry *e;
    size_t n, cap;
    char *err;
    size_t errlen;
};

static int po_entry(const vcm_po_entry *pe, void *ctx)
{
    struct po_load *l = ctx;
    if (!pe->ctxt) {
        if (!pe->id[0])
            return 0; /* the header */
        snprintf(l->err, l->errlen, "%s:%zu: a message without msgctxt (its key)", l->file,
                 pe->line);
        return -1;
    }
    if (!pe->ctxt[0]) {
        snprintf(l->err, l->errlen, "%s:%zu: an empty msgctxt", l->file, pe->line);
        return -1;
    }
    const char *text = l->source ? pe->id : pe->str;
    if (!l->source && !text[0])
        return 0; /* not translated yet: English is shown */
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        struct entry *ne = realloc(l->e, cap * sizeof *ne);
        if (!ne)
            goto oom;
        l->e = ne;
        l->cap = cap;
    }
    struct entry *e = &l->e[l->n];
    e->key = strdup(pe->ctxt);
    e->text = strdup(text);
    e->review = !l->source && pe->fuzzy;
    if (!e->key || !e->text) {
        free(e->key);
        free(e->text);
        goto oom;
    }
    l->n++;
    return 0;
oom:
    snprintf(l->err, l->errlen, "%s: out of memory", l->file);
    return -1;
}

int vcm_i18n_load_po(const char *lang, bool source, const char *text, size_t len, char *err,
                     size_t errlen)
{
    if (strlen(lang) >= sizeof cats[0].lang || (!find_cat(lang) && ncats == MAX_LANGS)) {
        snprintf(err, errlen, "cannot add catalogue '%s'", lang);
        return -1;
    }
    char file[64], perr[200] = "";
    if (source)
        snprintf(file, sizeof file, "locale/vcm.pot");
    else
        snprintf(file, sizeof file, "locale/%s.po", lang);
    struct po_load l = {.lang = lang, .file = file, .source = source, .err = err,
                        .errlen = errlen};
    err[0] = '\0';
    int rc = vcm_po_parse(text, len, po_entry, &l, perr, sizeof perr);
    if (rc != 0) {
        if (rc < 0 && !err[0])
            snprintf(err, errlen, "%s:%s", file, perr);
        free_entries(l.e, l.n);
        return -1;
    }
    return install(lang, file, l.e, l.n, err, errlen);
}

int vcm_i18n_load_builtin(char *err, size_t errlen)
{
    for (size_t i = 0; i < vcm_assets_count; i++) {
        const char *path = vcm_assets[i].path;
        size_t pl = strlen(path);
        if (strncmp(path, "locale/", 7) != 0)
            continue;
        const char *data = (const char *)vcm_assets[i].data;
        size_t len = vcm_assets[i].len;
        char lang[16];
        int rc = 0;
        if (strcmp(path, "locale/vcm.pot") == 0) {
            rc = vcm_i18n_load_po("en", true, data, len, err, errlen);
        } else if (pl > 10 && pl - 10 < sizeof lang && strcmp(path + pl - 3, ".po") == 0) {
            snprintf(lang, sizeof lang, "%.*s", (int)(pl - 10), path + 7);
            rc = vcm_i18n_load_po(lang, false, data, len, err, errlen);
        } else if (pl > 11 && pl - 11 < sizeof lang && strcmp(path + pl - 4, ".tsv") == 0) {
            snprintf(lang, sizeof lang, "%.*s", (int)(pl - 11), path + 7);
            rc = vcm_i18n_load(lang, data, len, err, errlen);
        }
        if (rc < 0)
            return -1;
    }
    return 0;
}

static const char *lookup(const char *lang, const char *key)
{
    struct catalogue *c = find_cat(lang);
    if (!c || !c->n)
        return NULL;
    struct entry k = {(char *)key, NULL, false};
    struct entry *e = bsearch(&k, c->e, c->n, sizeof *c->e, cmp_entry);
    return e ? e->text : NULL;
}

const char *vcm_t(const char *lang, const char *key)
{
    const char *t = lang ? lookup(lang, key) : NULL;
    if (!t)
        t = lookup("en", key);
    return t ? t : key;
}

int vcm_i18n_review(const char *lang, const char *key)
{
    struct catalogue *c = lang ? find_cat(lang) : NULL;
    if (!c || !c->n)
        return -1;
    struct entry k = {(char *)key, NULL, false};
    struct entry *e = bsearch(&k, c->e, c->n, sizeof *c->e, cmp_entry);
    return e ? e->review : -1;
}

int vcm_i18n_stats(const char *lang, vcm_i18n_counts *out)
{
    memset(out, 0, sizeof *out);
    struct catalogue *c = find_cat(lang), *en = find_cat("en");
    if (!c)
        return -1;
    out->source = en ? en->n : 0;
    for (size_t i = 0; i < c->n; i++) {
        if (en && !bsearch(&c->e[i], en->e, en->n, sizeof *en->e, cmp_entry)) {
            out->unknown++;
            continue;
        }
        out->translated++;
        out->review += c->e[i].review;
    }
    return 0;
}

size_t vcm_i18n_languages(const char **out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < ncats && n < cap; i++)
        out[n++] = cats[i].lang;
    return n;
}

size_t vcm_i18n_unreviewed(const char *lang)
{
    struct catalogue *c = lang ? find_cat(lang) : NULL;
    return c ? c->review : 0;
}

size_t vcm_i18n_count(const char *lang)
{
    struct catalogue *c = find_cat(lang);
    return c ? c->n : 0;
}

const char *vcm_i18n_key_at(const char *lang, size_t i)
{
    struct catalogue *c = find_cat(lang);
    return c && i < c->n ? c->e[i].key : NULL;
}

void vcm_i18n_free(void)
{
    for (size_t i = 0; i < ncats; i++) {
        for (size_t k = 0; k < cats[i].n; k++) {
            free(cats[i].e[k].key);
            free(cats[i].e[k].text);
        }
        free(cats[i].e);
    }
    ncats = 0;
}
