/* vcm exhibitions: the virtual exhibitions (store/vexhibit.h) from the
 * shell: their list, and the demo's exhibition (make run). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "store/vexhibit.h"
#include "web/web.h"
#include "core/banned.h"

#define DEMO_SLUG "jade-and-ink"

static const vcm_actor demo_editor = {0, "VCM demo (editors)"};

/* The record of image identifier (its first image then), or 0. */
static int64_t by_image(vcm_store *s, vcm_arena *a, const char *identifier, vcm_media *m)
{
    int64_t id = 0;
    return s->ops->media_find(s, a, identifier, m, &id) == 1 ? id : 0;
}

/* A public record of source id with an image, or 0. */
static int64_t by_source(vcm_store *s, vcm_arena *a, const char *source_id)
{
    int64_t ids[8];
    size_t n = 0;
    if (s->ops->object_by_source_id(s, source_id, ids, 8, &n) < 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        vcm_object o;
        if (s->ops->object_get(s, a, ids[i], &o) == 1 && o.status == VCM_PUBLISHED && o.nmedia)
            return ids[i];
    }
    return 0;
}

static void text(vcm_ltexts *t, vcm_arena *a, const char *lang, const char *v)
{
    vcm_ltexts_add(t, a, lang, v);
}

/* The demo: jades of Taipei and prints of the Met, with a detail of a jade
 * cut from the middle of its first image. Made once: an exhibition of that
 * name already there is left as it is. */
static int demo(vcm_store *s)
{
    vcm_arena a;
    vcm_arena_init(&a, 1 << 20);
    int rc = VCM_EXIT_FAIL;
    vcm_vx old;
    int found = vcm_vx_by_slug(s, &a, DEMO_SLUG, &old);
    if (found != 0) {
        if (found == 1) {
            printf("exhibition %s is there already\n", DEMO_SLUG);
            rc = VCM_EXIT_OK;
        } else {
            fprintf(stderr, "vcm exhibitions demo: %s\n", vcm_store_error(s));
        }
        goto out;
    }
    vcm_media jm, jm2;
    int64_t jade = by_image(s, &a, "npm-jade070-0", &jm), jade2 = by_image(s, &a, "npm-jade054-0", &jm2);
    int64_t print1 = by_source(s, &a, "36520"), print2 = by_source(s, &a, "36521");
    if (!jade || !jade2 || !print1 || !print2) {
        fprintf(stderr, "vcm exhibitions demo: the demo's jades and prints are not all there "
                        "with their images (run scripts/demo.sh first)\n");
        rc = VCM_EXIT_BAD_INPUT;
        goto out;
    }
    vcm_vx_data d = {0};
    text(&d.title, &a, "en", "Jade and ink: Self and Other");
    text(&d.title, &a, "zh-Hant", "玉與墨：自我與他者");
    text(&d.intro, &a, "en",
         "Two ways of holding a world in the hand. Carved jades from the National Palace Museum "
         "in Taipei, worked slowly from one of the hardest stones, and woodblock prints from "
         "Edo Japan in the Metropolitan Museum of Art, made to be many and cheap.\n\n"
         "Look closely: the details below are cut from the museums' own images.");
    d.sections = vcm_arena_calloc(&a, 3, sizeof *d.sections);
    d.nsections = 3;
    vcm_vx_section *s1 = &d.sections[0], *s2 = &d.sections[1], *s3 = &d.sections[2];
    text(&s1->title, &a, "en", "Stone that keeps its shape");
    text(&s1->title, &a, "zh-Hant", "守形之石");
    text(&s1->text, &a, "en",
         "Jade cannot be cut, only worn away with abrasive sand. Every line of these pieces is "
         "hours of work; the detail shows how the carver let the stone's colour lead.");
    s1->items = vcm_arena_calloc(&a, 3, sizeof *s1->items);
    s1->nitems = 3;
    s1->items[0] = (vcm_vx_item){.object_id = jade};
    /* the middle of the first image, a third of its width and height */
    s1->items[1] = (vcm_vx_item){.object_id = jade, .x = jm.width / 3, .y = jm.height / 3,
                                 .w = jm.width / 3 > 0 ? jm.width / 3 : 1,
                                 .h = jm.height / 3 > 0 ? jm.height / 3 : 1};
    text(&s1->items[1].caption, &a, "en", "Detail: the surface, worn smooth by the carver's sand");
    s1->items[2] = (vcm_vx_item){.object_id = jade2};
    text(&s2->title, &a, "en", "Prints that travel");
    text(&s2->text, &a, "en",
         "Hiroshige's stations of the Tōkaidō were sold by the thousand to travellers and to "
         "those who dreamt of travelling. Mist and rain are made by the printer's hand, one "
         "block for each colour.");
    s2->items = vcm_arena_calloc(&a, 2, sizeof *s2->items);
    s2->nitems = 2;
    s2->items[0] = (vcm_vx_item){.object_id = print1};
    s2->items[1] = (vcm_vx_item){.object_id = print2};
    text(&s3->title, &a, "en", "Self and Other");
    text(&s3->text, &a, "en",
         "Side by side, a jade and a print: one unique and slow, one multiple and quick. Open "
         "them together and zoom into both at once.");
    s3->items = vcm_arena_calloc(&a, 2, sizeof *s3->items);
    s3->nitems = 2;
    s3->items[0] = (vcm_vx_item){.object_id = jade};
    s3->items[1] = (vcm_vx_item){.object_id = print1};
    int64_t id;
    time_t now = time(NULL);
    if (vcm_vx_create(s, DEMO_SLUG, &d, &demo_editor, (int64_t)now, &id) < 0 ||
        vcm_vx_transition(s, id, VCM_VXA_SUBMIT, "the demo", &demo_editor, (int64_t)now) < 0 ||
        vcm_vx_transition(s, id, VCM_VXA_PUBLISH, "the demo", &demo_editor, (int64_t)now) < 0) {
        fprintf(stderr, "vcm exhibitions demo: %s\n", vcm_store_error(s));
        goto out;
    }
    printf("exhibition %s published: /exhibitions/%s\n", DEMO_SLUG, DEMO_SLUG);
    rc = VCM_EXIT_OK;
out:
    vcm_arena_release(&a);
    return rc;
}

static int list(vcm_store *s)
{
    vcm_arena a;
    vcm_arena_init(&a, 1 << 20);
    vcm_vx *v;
    size_t n;
    int rc = VCM_EXIT_OK;
    if (vcm_vx_list(s, &a, false, &v, &n) < 0) {
        fprintf(stderr, "vcm exhibitions list: %s\n", vcm_store_error(s));
        rc = VCM_EXIT_FAIL;
        goto out;
    }
    printf("slug\tstate\tversion\tpublic version\n");
    for (size_t i = 0; i < n; i++)
        printf("%s\t%s\t%lld\t%lld\n", v[i].slug, vcm_vx_state_name(v[i].state),
               (long long)v[i].version, (long long)v[i].live_version);
out:
    vcm_arena_release(&a);
    return rc;
}

int vcm_cmd_exhibitions(vcm_config *c)
{
    const char *sub = c->argc >= 2 ? c->argv[1] : "";
    if (c->argc != 2 || (strcmp(sub, "list") != 0 && strcmp(sub, "demo") != 0)) {
        fprintf(stderr, "usage: vcm exhibitions list | demo\n");
        return VCM_EXIT_USAGE;
    }
    char err[1024];
    /* the store's messages name their causes from the catalogue */
    if (vcm_web_catalogues(err, sizeof err) < 0) {
        fprintf(stderr, "vcm exhibitions: %s\n", err);
        return VCM_EXIT_FAIL;
    }
    vcm_store *s = vcm_store_open(c->db, err, sizeof err);
    if (!s) {
        fprintf(stderr, "vcm exhibitions: %s\n", err);
        return VCM_EXIT_FAIL;
    }
    int rc = strcmp(sub, "demo") == 0 ? demo(s) : list(s);
    vcm_store_close(s);
    return rc;
}
