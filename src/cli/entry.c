/* vcm masterpieces: the museums' masterpiece entries from the shell
 * (docs/masterpieces.md).
 *
 *   vcm masterpieces list [MUSEUM]        entries with their state and versions
 *   vcm masterpieces quota MUSEUM [N]     show or set a museum's quota
 *   vcm masterpieces reconcile [MUSEUM]   record re-import conflicts (vcm import does it)
 *   vcm masterpieces conflicts [MUSEUM]   list them
 *   vcm masterpieces demo [N]             the demo's selection: up to N (25) a museum
 *
 * The demo acts as the network's editors: for each museum without entries
 * it selects up to N of its published records, those with images first,
 * then those with a description; each statement quotes the museum's own
 * description and says so (or says that the museum has written none yet);
 * an entry without an image carries the editors' waiver with its reason.
 * It submits and publishes each entry the checks accept, and leaves the
 * others as drafts, saying what they lack. Running it again changes
 * nothing for a museum that has entries. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/i18n.h"
#include "store/entry.h"
#include "web/web.h"
#include "core/banned.h"

static int64_t number(const char *s)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    return *s && !*end && !errno && v >= 0 ? (int64_t)v : -1;
}

static const vcm_actor demo_editors = {0, "VCM demo (the network's editors)"};

#define QUOTE_MAX 1200 /* bytes of a description quoted, cut at a word */

/* The description to quote: English first, else the first. */
static const vcm_ltext *description_of(const vcm_object *o)
{
    const vcm_ltext *d = vcm_ltexts_pick(&o->description, "en");
    return d && d->text && strlen(d->text) >= 40 ? d : NULL;
}

/* A quotation cut at a space before QUOTE_MAX bytes. */
static const char *quote(vcm_arena *a, const char *text)
{
    size_t n = strlen(text);
    if (n <= QUOTE_MAX)
        return text;
    n = QUOTE_MAX;
    while (n > 0 && text[n] != ' ')
        n--;
    return vcm_arena_printf(a, "%.*s …", (int)n, text);
}

/* The demo's statement of o, in the language of what it quotes. */
static vcm_statement demo_statement(vcm_arena *a, const vcm_object *o, const char *museum,
                                    int64_t now)
{
    const vcm_ltext *d = description_of(o);
    vcm_statement st = {.author = vcm_arena_printf(a, "%s", demo_editors.name), .date = now};
    if (d) {
        st.lang = d->lang;
        st.text = vcm_arena_printf(a, "“%s” %s", quote(a, d->text),
                                   vcm_t("en", "entry.demo.quoted"));
    } else {
        const vcm_ltext *t = vcm_ltexts_pick(&o->title, "en");
        st.lang = "en";
        st.text = vcm_arena_printf(a, "%s %s%s%s%s%s.", vcm_t("en", "entry.demo.none"),
                                   t ? t->text : "", o->date_text ? ", " : "",
                                   o->date_text ? o->date_text : "", o->culture ? ", " : "",
                                   o->culture ? o->culture : "");
    }
    (void)museum;
    return st;
}

struct demo_count {
    int64_t published, drafts, waived;
};

static int demo_one(vcm_store *s, vcm_arena *a, const vcm_museum *m, const vcm_object *o,
                    int64_t now, struct demo_count *count)
{
    vcm_entry_data d;
    if (vcm_entry_data_from_object(&d, a, o) < 0)
        return -1;
    d.statements = vcm_arena_calloc(a, 1, sizeof *d.statements);
    if (!d.statements)
        return -1;
    d.statements[0] = demo_statement(a, o, NULL, now);
    d.nstatements = 1;
    /* the licence of the texts: the record's metadata licence as the
     * museum states it, else the rights of the record */
    d.licence = o->licence && *o->licence ? o->licence
              : o->source_licence && *o->source_licence ? o->source_licence
              : o->rights;
    if (!d.licence || !*d.licence)
        d.licence = "https://creativecommons.org/publicdomain/zero/1.0/";
    int64_t id;
    int rc = vcm_entry_create(s, m->id, o->id, &d, &demo_editors, now, &id);
    if (rc == VCM_ENTRY_TAKEN)
        return 0;
    if (rc < 0)
        return -1;
    bool image = false;
    for (size_t i = 0; i < d.nimages; i++)
        image |= d.images[i].rights && *d.images[i].rights;
    if (!image) {
        if (vcm_entry_waive(s, id, vcm_t("en", "entry.demo.waiver"), &demo_editors, now) < 0)
            return -1;
        count->waived++;
    }
    vcm_entry_problem p[8];
    size_t np;
    rc = vcm_entry_transition(s, id, VCM_EA_SUBMIT, vcm_t("en", "entry.demo.submitted"),
                              &demo_editors, now, p, 8, &np);
    if (rc == VCM_ENTRY_INCOMPLETE) {
        count->drafts++;
        return 0;
    }
    if (rc < 0)
        return -1;
    rc = vcm_entry_transition(s, id, VCM_EA_PUBLISH, vcm_t("en", "entry.demo.published"),
                              &demo_editors, now, NULL, 0, NULL);
    if (rc == VCM_ENTRY_QUOTA || rc == VCM_ENTRY_INCOMPLETE) {
        count->drafts++;
        return 0;
    }
    if (rc < 0)
        return -1;
    count->published++;
    return 0;
}

/* Whether o is among the n ids already taken. */
static bool taken(const int64_t *ids, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] == id)
            return true;
    return false;
}

/* The museum's selection: up to want records, images first, then those
 * with a description, then the first others, in id order. */
#define DEMO_SCAN 5000 /* records looked at a museum for descriptions */
static int demo_pick(vcm_store *s, vcm_arena *a, int64_t museum, int64_t want, vcm_object *out,
                     size_t *n)
{
    int64_t ids[100];
    *n = 0;
    for (int pass = 0; pass < 3 && (int64_t)*n < want; pass++) {
        vcm_filter f = {.museum = museum, .limit = 500};
        if (pass == 0)
            f.image = VCM_YES;
        for (int64_t seen = 0; seen < DEMO_SCAN && (int64_t)*n < want;) {
            vcm_object *list;
            size_t got;
            if (s->ops->object_list(s, a, &f, &list, &got) < 0)
                return -1;
            if (!got)
                break;
            for (size_t i = 0; i < got && (int64_t)*n < want; i++) {
                if (taken(ids, *n, list[i].id) || (pass == 1 && !description_of(&list[i])))
                    continue;
                ids[*n] = list[i].id;
                out[(*n)++] = list[i];
            }
            seen += (int64_t)got;
            f.after_id = list[got - 1].id;
        }
    }
    return 0;
}

static int demo(vcm_store *s, int64_t per_museum)
{
    vcm_arena a;
    vcm_arena_init(&a, 0);
    int rc = VCM_EXIT_FAIL;
    int64_t now = (int64_t)time(NULL);
    vcm_museum *ms;
    size_t nm;
    struct demo_count total = {0};
    if (s->ops->museum_list(s, &a, "", &ms, &nm) < 0)
        goto fail;
    for (size_t i = 0; i < nm; i++) {
        vcm_entry *have;
        size_t nh;
        if (vcm_entry_list(s, &a, ms[i].id, -1, &have, &nh) < 0)
            goto fail;
        if (nh) /* the museum's own selection, or the demo's of an earlier start */
            continue;
        vcm_arena one;
        vcm_arena_init(&one, 0);
        vcm_object picks[100];
        size_t np;
        struct demo_count c = {0};
        int64_t quota;
        if (vcm_entry_quota_get(s, ms[i].id, &quota) < 0 ||
            demo_pick(s, &one, ms[i].id, per_museum < quota ? per_museum : quota, picks,
                      &np) < 0) {
            vcm_arena_release(&one);
            goto fail;
        }
        for (size_t k = 0; k < np; k++)
            if (demo_one(s, &one, &ms[i], &picks[k], now, &c) < 0) {
                vcm_arena_release(&one);
                goto fail;
            }
        const vcm_ltext *name = vcm_ltexts_pick(&ms[i].names, "en");
        if (np)
            printf("masterpieces: %s: %lld published, %lld left as drafts (texts missing in "
                   "the museum's language), %lld with the editors' waiver of the image rule\n",
                   name ? name->text : "?", (long long)c.published, (long long)c.drafts,
                   (long long)c.waived);
        total.published += c.published;
        total.drafts += c.drafts;
        vcm_arena_release(&one);
    }
    printf("masterpieces: %lld published, %lld drafts\n", (long long)total.published,
           (long long)total.drafts);
    rc = VCM_EXIT_OK;
    goto out;
fail:
    fprintf(stderr, "vcm masterpieces demo: %s\n", vcm_store_error(s));
out:
    vcm_arena_release(&a);
    return rc;
}

static int list(vcm_store *s, int64_t museum)
{
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_entry *e;
    size_t n;
    if (vcm_entry_list(s, &a, museum, -1, &e, &n) < 0) {
        fprintf(stderr, "vcm masterpieces list: %s\n", vcm_store_error(s));
        vcm_arena_release(&a);
        return VCM_EXIT_FAIL;
    }
    printf("entry\tmuseum\tobject\tstate\tversion\tlive\twaiver\n");
    for (size_t i = 0; i < n; i++)
        printf("%lld\t%lld\t%lld\t%s\t%lld\t%lld\t%s\n", (long long)e[i].id,
               (long long)e[i].museum_id, (long long)e[i].object_id,
               vcm_entry_state_name(e[i].state), (long long)e[i].version,
               (long long)e[i].live_version, e[i].waiver ? e[i].waiver : "");
    vcm_arena_release(&a);
    return VCM_EXIT_OK;
}

static int conflicts(vcm_store *s, int64_t museum)
{
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_entry_conflict *c;
    size_t n;
    if (vcm_entry_conflicts(s, &a, museum, &c, &n) < 0) {
        fprintf(stderr, "vcm masterpieces conflicts: %s\n", vcm_store_error(s));
        vcm_arena_release(&a);
        return VCM_EXIT_FAIL;
    }
    printf("conflict\tentry\tobject\tfield\tkept\tincoming\tresolved\n");
    for (size_t i = 0; i < n; i++)
        printf("%lld\t%lld\t%lld\t%s\t%s\t%s\t%s\n", (long long)c[i].id,
               (long long)c[i].entry_id, (long long)c[i].object_id, c[i].field,
               c[i].kept ? c[i].kept : "", c[i].incoming ? c[i].incoming : "",
               c[i].resolved ? "yes" : "no");
    vcm_arena_release(&a);
    return VCM_EXIT_OK;
}

int vcm_cmd_masterpieces(vcm_config *c)
{
    const char *sub = c->argc >= 2 ? c->argv[1] : "";
    int64_t arg = c->argc >= 3 ? number(c->argv[2]) : 0;
    bool known = strcmp(sub, "list") == 0 || strcmp(sub, "quota") == 0 ||
                 strcmp(sub, "reconcile") == 0 || strcmp(sub, "conflicts") == 0 ||
                 strcmp(sub, "demo") == 0;
    if (!known || c->argc > 4 || (strcmp(sub, "quota") == 0 && c->argc < 3) ||
        (strcmp(sub, "quota") != 0 && c->argc > 3)) {
        fprintf(stderr, "usage: vcm masterpieces list [MUSEUM] | quota MUSEUM [N] | "
                        "reconcile [MUSEUM] | conflicts [MUSEUM] | demo [N]\n");
        return VCM_EXIT_USAGE;
    }
    if (arg < 0) {
        fprintf(stderr, "vcm masterpieces %s: '%s' is not a number\n", sub, c->argv[2]);
        return VCM_EXIT_USAGE;
    }
    int64_t n = c->argc == 4 ? number(c->argv[3]) : -1;
    if (c->argc == 4 && n < 0) {
        fprintf(stderr, "vcm masterpieces quota: '%s' is not a quota (0 or more)\n",
                c->argv[3]);
        return VCM_EXIT_USAGE;
    }
    char err[1024];
    if (vcm_web_catalogues(err, sizeof err) < 0) {
        fprintf(stderr, "vcm masterpieces: %s\n", err);
        return VCM_EXIT_FAIL;
    }
    vcm_store *s = vcm_store_open(c->db, err, sizeof err);
    if (!s) {
        fprintf(stderr, "vcm masterpieces: %s\n", err);
        return VCM_EXIT_FAIL;
    }
    int rc = VCM_EXIT_OK;
    if (strcmp(sub, "list") == 0) {
        rc = list(s, arg);
    } else if (strcmp(sub, "conflicts") == 0) {
        rc = conflicts(s, arg);
    } else if (strcmp(sub, "demo") == 0) {
        rc = demo(s, c->argc == 3 ? (arg > 100 ? 100 : arg) : VCM_QUOTA_DEFAULT);
    } else if (strcmp(sub, "reconcile") == 0) {
        int64_t found;
        if (vcm_entry_reconcile(s, arg, (int64_t)time(NULL), &found) < 0) {
            fprintf(stderr, "vcm masterpieces reconcile: %s\n", vcm_store_error(s));
            rc = VCM_EXIT_FAIL;
        } else {
            printf("masterpieces: %lld new conflicts between curators' edits and the "
                   "catalogue\n", (long long)found);
        }
    } else { /* quota */
        vcm_museum m;
        vcm_arena a;
        vcm_arena_init(&a, 0);
        int got = s->ops->museum_get(s, &a, arg, &m);
        vcm_arena_release(&a);
        int64_t q;
        if (got == 0) {
            fprintf(stderr, "vcm masterpieces quota: no museum %lld\n", (long long)arg);
            rc = VCM_EXIT_BAD_INPUT;
        } else if (got < 0 || (n >= 0 && vcm_entry_quota_set(s, arg, n) < 0) ||
                   vcm_entry_quota_get(s, arg, &q) < 0) {
            fprintf(stderr, "vcm masterpieces quota: %s\n", vcm_store_error(s));
            rc = VCM_EXIT_FAIL;
        } else {
            int64_t live;
            if (vcm_entry_count_live(s, arg, &live) < 0)
                live = -1;
            printf("museum %lld: quota %lld, %lld published\n", (long long)arg, (long long)q,
                   (long long)live);
        }
    }
    vcm_store_close(s);
    return rc;
}
