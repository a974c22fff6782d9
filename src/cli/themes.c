/* vcm themes: load themes from their JSON files (data/themes/, the format
 * of docs/curation.md), recompute what they select after an import, and
 * list them. A file is read whole, checked, and stored in one transaction;
 * a bad one is refused with its path and what is wrong (the line, for JSON
 * that does not parse), and nothing of it is written. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/buf.h"
#include "core/i18n.h"
#include "store/theme.h"
#include "core/banned.h"

#define ACTOR "vcm themes load"

static int load_file(vcm_store *s, const char *path, bool quiet)
{
    char err[600];
    vcm_buf text;
    vcm_buf_init(&text, 1 << 20);
    vcm_arena a;
    vcm_arena_init(&a, 0);
    int rc = VCM_EXIT_BAD_INPUT;
    if (vcm_buf_read_file(&text, path, err, sizeof err) < 0) {
        fprintf(stderr, "vcm themes load: %s\n", err);
        rc = VCM_EXIT_FAIL;
        goto out;
    }
    /* JSON that does not parse: say where */
    json_error_t je;
    json_t *probe = json_loadb(text.data ? text.data : "", text.len, JSON_REJECT_DUPLICATES, &je);
    if (!probe) {
        fprintf(stderr, "vcm themes load: %s:%d:%d: %s\n", path, je.line, je.column, je.text);
        goto out;
    }
    json_decref(probe);
    vcm_theme t;
    const char *field = NULL, *key = NULL;
    if (vcm_theme_parse(&a, text.data, text.len, &t, &field, &key) < 0) {
        fprintf(stderr, "vcm themes load: %s: %s: %s\n", path, field, vcm_t("en", key));
        goto out;
    }
    int r = vcm_theme_save(s, &a, &t, ACTOR, 0, &field, &key);
    if (r == -2) {
        fprintf(stderr, "vcm themes load: %s: %s: %s\n", path, field, vcm_t("en", key));
        goto out;
    }
    if (r < 0) {
        fprintf(stderr, "vcm themes load: %s: %s\n", path, vcm_store_error(s));
        rc = VCM_EXIT_FAIL;
        goto out;
    }
    if (t.unmatched)
        fprintf(stderr, "vcm themes load: %s: %zu source ids of \"add\" or \"remove\" name no "
                        "object in this database: left out\n",
                path, t.unmatched);
    if (!quiet)
        printf("theme %s: %lld objects\n", t.slug, (long long)t.count);
    rc = VCM_EXIT_OK;
out:
    vcm_buf_release(&text);
    vcm_arena_release(&a);
    return rc;
}

static int list(vcm_store *s)
{
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_theme *t;
    size_t n;
    int rc = VCM_EXIT_OK;
    if (vcm_theme_list(s, &a, &t, &n) < 0) {
        fprintf(stderr, "vcm themes: %s\n", vcm_store_error(s));
        rc = VCM_EXIT_FAIL;
        goto out;
    }
    printf("slug\tobjects\ttitle\n");
    for (size_t i = 0; i < n; i++) {
        const vcm_theme_text *x = vcm_theme_text_for(&t[i], "en");
        printf("%s\t%lld\t%s\n", t[i].slug, (long long)t[i].count, x ? x->title : "");
    }
out:
    vcm_arena_release(&a);
    return rc;
}

static int refresh(vcm_store *s, const char *slug)
{
    int64_t id = 0;
    if (slug) {
        vcm_arena a;
        vcm_arena_init(&a, 0);
        vcm_theme t;
        int r = vcm_theme_get(s, &a, slug, &t);
        id = t.id;
        vcm_arena_release(&a);
        if (r <= 0) {
            fprintf(stderr, "vcm themes refresh: %s\n",
                    r < 0 ? vcm_store_error(s) : "no such theme");
            return r < 0 ? VCM_EXIT_FAIL : VCM_EXIT_BAD_INPUT;
        }
    }
    if (vcm_theme_refresh(s, id) < 0) {
        fprintf(stderr, "vcm themes refresh: %s\n", vcm_store_error(s));
        return VCM_EXIT_FAIL;
    }
    return list(s);
}

int vcm_cmd_themes(vcm_config *c)
{
    const char *sub = c->argc >= 2 ? c->argv[1] : "";
    bool load = strcmp(sub, "load") == 0;
    if (!(load && c->argc >= 3) && strcmp(sub, "list") != 0 && strcmp(sub, "refresh") != 0) {
        fprintf(stderr, "vcm themes: usage: vcm themes load FILE... | refresh [SLUG] | list\n");
        return VCM_EXIT_USAGE;
    }
    char err[1024];
    /* the checks' sentences, for a file's errors */
    if (vcm_i18n_load_builtin(err, sizeof err) < 0) {
        fprintf(stderr, "vcm themes: %s\n", err);
        return VCM_EXIT_FAIL;
    }
    vcm_store *s = vcm_store_open(c->db, err, sizeof err);
    if (!s) {
        fprintf(stderr, "vcm themes: %s\n", err);
        vcm_i18n_free();
        return VCM_EXIT_FAIL;
    }
    int rc = VCM_EXIT_OK;
    if (load)
        for (int i = 2; i < c->argc && rc == VCM_EXIT_OK; i++)
            rc = load_file(s, c->argv[i], c->quiet);
    else if (strcmp(sub, "refresh") == 0)
        rc = refresh(s, c->argc >= 3 ? c->argv[2] : NULL);
    else
        rc = list(s);
    vcm_store_close(s);
    vcm_i18n_free();
    return rc;
}
