/* vcm note: cataloguers' notes, which the importer keeps apart from what
 * visitors read (src/io/notes.c).
 *
 *   vcm note list OBJECT          each note with its number and whether shown
 *   vcm note show|hide OBJECT N   let visitors read note N, or not
 *
 * OBJECT is the object's number. A note shown stays shown when a later
 * import brings the same note again. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "store/store.h"
#include "core/banned.h"

static int64_t number(const char *s)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    return *s && !*end && !errno && v >= 0 ? (int64_t)v : -1;
}

int vcm_cmd_note(vcm_config *c)
{
    const char *sub = c->argc >= 2 ? c->argv[1] : "";
    bool list = strcmp(sub, "list") == 0, show = strcmp(sub, "show") == 0,
         hide = strcmp(sub, "hide") == 0;
    if (!((list && c->argc == 3) || ((show || hide) && c->argc == 4))) {
        fprintf(stderr, "vcm note: usage: vcm note list OBJECT | vcm note show|hide OBJECT N\n");
        return VCM_EXIT_USAGE;
    }
    int64_t id = number(c->argv[2]), pos = list ? 0 : number(c->argv[3]);
    if (id <= 0 || pos < 0) {
        fprintf(stderr, "vcm note: '%s' is not %s\n", id <= 0 ? c->argv[2] : c->argv[3],
                id <= 0 ? "an object's number" : "a note's number (see vcm note list)");
        return VCM_EXIT_USAGE;
    }
    char err[1024];
    vcm_store *s = vcm_store_open(c->db, err, sizeof err);
    if (!s) {
        fprintf(stderr, "vcm note: %s\n", err);
        return VCM_EXIT_FAIL;
    }
    vcm_arena a;
    vcm_arena_init(&a, 0);
    int rc = VCM_EXIT_OK, r;
    if (list) {
        vcm_object o;
        r = s->ops->object_get(s, &a, id, &o);
        if (r > 0)
            for (size_t i = 0; i < o.notes.n; i++)
                printf("%zu\t%s\t%s\t%s\n", i, o.notes.v[i].is_public ? "shown" : "hidden",
                       o.notes.v[i].lang, o.notes.v[i].text);
    } else {
        r = s->ops->note_public(s, id, pos, show);
    }
    if (r < 0) {
        fprintf(stderr, "vcm note: %s\n", vcm_store_error(s));
        rc = VCM_EXIT_FAIL;
    } else if (r == 0) {
        if (list)
            fprintf(stderr, "vcm note: no object %s\n", c->argv[2]);
        else
            fprintf(stderr, "vcm note: object %s has no note %s\n", c->argv[2], c->argv[3]);
        rc = VCM_EXIT_USAGE;
    }
    vcm_arena_release(&a);
    vcm_store_close(s);
    return rc;
}
