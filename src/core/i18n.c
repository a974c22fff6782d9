#include "core/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/asset.h"
#include "core/banned.h"
#include "core/text.h"

#define MAX_LANGS 32

struct entry {
    char *key, *text;
};
struct catalogue {
    char lang[16];
    struct entry *e;
    size_t n;
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
            if (!e[n].key || !e[n].text) {
                free(e[n].key);
                free(e[n].text);
                goto fail;
            }
            n++;
        }
        p = le + 1;
    }
    if (n)
        qsort(e, n, sizeof *e, cmp_entry);
    struct catalogue *c = find_cat(lang);
    if (c) {
        for (size_t i = 0; i < c->n; i++) {
            free(c->e[i].key);
            free(c->e[i].text);
        }
        free(c->e);
    } else {
        c = &cats[ncats++];
        snprintf(c->lang, sizeof c->lang, "%s", lang);
    }
    c->e = e;
    c->n = n;
    return 0;
fail:
    for (size_t i = 0; i < n; i++) {
        free(e[i].key);
        free(e[i].text);
    }
    free(e);
    return -1;
}

int vcm_i18n_load_builtin(char *err, size_t errlen)
{
    for (size_t i = 0; i < vcm_assets_count; i++) {
        const char *path = vcm_assets[i].path;
        size_t pl = strlen(path);
        if (strncmp(path, "locale/", 7) || pl < 12 || strcmp(path + pl - 4, ".tsv"))
            continue;
        char lang[16];
        snprintf(lang, sizeof lang, "%.*s", (int)(pl - 11), path + 7);
        if (vcm_i18n_load(lang, (const char *)vcm_assets[i].data, vcm_assets[i].len, err,
                          errlen) < 0)
            return -1;
    }
    return 0;
}

static const char *lookup(const char *lang, const char *key)
{
    struct catalogue *c = find_cat(lang);
    if (!c || !c->n)
        return NULL;
    struct entry k = {(char *)key, NULL};
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
