/* vcm museum: what a museum page says of a museum.
 *
 *   vcm museum show MUSEUM                  the profile, one field a line
 *   vcm museum set MUSEUM --FIELD VALUE...  edit fields ("" clears one)
 *   vcm museum load FILE.csv                a table of museums
 *
 * MUSEUM is a museum's number or one of its names. Every value is checked
 * (model/profile.c) before anything is written, and one museum's changes
 * go in one transaction, so a bad value changes nothing. A table's rows
 * are matched to the museums held by name (vcm_museum_name_match: the
 * same name, or the name followed by the city), never by resemblance; a row
 * that names no museum held is reported and left. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/buf.h"
#include "core/text.h"
#include "io/csv.h"
#include "store/store.h"
#include "core/banned.h"

/* Not given: a value no option can hold, so "" can mean "clear". */
#define UNSET "\x01"

static const struct {
    const char *option, *field;
    size_t off;
} set_fields[] = {
    {"name-native", "name_native", offsetof(vcm_museum_opts, name_native)},
    {"city", "city", offsetof(vcm_museum_opts, city)},
    {"country", "country", offsetof(vcm_museum_opts, country)},
    {"website", "website", offsetof(vcm_museum_opts, website)},
    {"address", "address", offsetof(vcm_museum_opts, address)},
    {"lat", "lat", offsetof(vcm_museum_opts, lat)},
    {"lon", "lon", offsetof(vcm_museum_opts, lon)},
    {"coordinates", "coordinates", offsetof(vcm_museum_opts, coordinates)},
    {"languages", "languages", offsetof(vcm_museum_opts, languages)},
    {"description", "description", offsetof(vcm_museum_opts, description)},
};

static const vcm_option museum_options[] = {
    {"name-native", NULL, "TEXT", "museum set: the museum's name in its own script", VCM_OPT_STR, VCM_OPTION_AT(vcm_museum_opts, name_native), 0, 0},
    {"city", NULL, "TEXT", "museum set: the city", VCM_OPT_STR, VCM_OPTION_AT(vcm_museum_opts, city), 0, 0},
    {"country", NULL, "CC", "museum set: the country, ISO 3166-1 alpha-2", VCM_OPT_STR, VCM_OPTION_AT(vcm_museum_opts, country), 0, 0},
    {"website", NULL, "URL", "museum set: the museum's website (http or https)", VCM_OPT_STR, VCM_OPTION_AT(vcm_museum_opts, website), 0, 0},
    {"address", NULL, "TEXT", "museum set: the street address", VCM_OPT_STR, VCM_OPTION_AT(vcm_museum_opts, address), 0, 0},
    {"lat", NULL, "DEGREES", "museum set: latitude, -90 to 90", VCM_OPT_STR, VCM_OPTION_AT(vcm_museum_opts, lat), 0, 0},
    {"lon", NULL, "DEGREES", "museum set: longitude, -180 to 180", VCM_OPT_STR, VCM_OPTION_AT(vcm_museum_opts, lon), 0, 0},
    {"coordinates", NULL, "LAT,LON", "museum set: latitude and longitude at once", VCM_OPT_STR, VCM_OPTION_AT(vcm_museum_opts, coordinates), 0, 0},
    {"languages", NULL, "TAGS", "museum set: the museum's languages, BCP 47 tags separated by spaces, its own first (\"zh-Hant en\")", VCM_OPT_STR, VCM_OPTION_AT(vcm_museum_opts, languages), 0, 0},
    {"description", NULL, "TEXT", "museum set: a short description of the museum", VCM_OPT_STR, VCM_OPTION_AT(vcm_museum_opts, description), 0, 0},
};

void vcm_museum_options(vcm_museum_opts *o, vcm_option_set *set)
{
    memset(o, 0, sizeof *o);
    for (size_t i = 0; i < sizeof set_fields / sizeof set_fields[0]; i++)
        memcpy((char *)o + set_fields[i].off, UNSET, sizeof UNSET);
    *set = (vcm_option_set){museum_options, sizeof museum_options / sizeof *museum_options, o};
}

/* The museum a command names: a number, or one of its names (folded as a
 * table's names are). 1 found, 0 not, -1 store error. */
static int find(vcm_store *s, vcm_arena *a, const char *arg, vcm_museum *m)
{
    char *end;
    errno = 0;
    long long id = strtoll(arg, &end, 10);
    if (*arg && !*end && !errno && id > 0)
        return s->ops->museum_get(s, a, id, m);
    vcm_museum *all;
    size_t n;
    if (s->ops->museum_list(s, a, "", &all, &n) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < all[i].names.n; k++)
            if (vcm_museum_name_match(all[i].names.v[k].text, arg, NULL)) {
                *m = all[i];
                return 1;
            }
    return 0;
}

/* Writes m and p in one transaction. */
static int save(vcm_store *s, vcm_museum *m, const vcm_museum_profile *p, char *err,
                size_t errlen)
{
    if (vcm_museum_validate(m, err, errlen) < 0)
        return -1;
    if (vcm_store_begin(s) < 0 || s->ops->museum_put(s, m) < 0 ||
        s->ops->museum_profile_put(s, m->id, p) < 0 || vcm_store_commit(s) < 0) {
        snprintf(err, errlen, "%s", vcm_store_error(s));
        vcm_store_rollback(s);
        return -1;
    }
    return 0;
}

static void show(const vcm_museum *m, const vcm_museum_profile *p)
{
    printf("id %lld\nname %s\n", (long long)m->id, m->names.n ? m->names.v[0].text : "");
    printf("name_native %s\ncity %s\ncountry %s\nwebsite %s\naddress %s\n",
           p->name_native ? p->name_native : "", m->city ? m->city : "", m->country,
           m->website ? m->website : "", p->address ? p->address : "");
    if (m->has_coords)
        printf("coordinates %.6f,%.6f\n", m->lat, m->lon);
    else
        printf("coordinates \n");
    printf("languages %s\ndescription %s\n", p->languages ? p->languages : "",
           p->description ? p->description : "");
}

static int cmd_set(vcm_store *s, vcm_arena *a, const vcm_config *c, const vcm_museum_opts *o,
                   bool set)
{
    if (c->argc != 3) {
        fprintf(stderr, "vcm museum: usage: vcm museum %s MUSEUM%s\n", set ? "set" : "show",
                set ? " --FIELD VALUE..." : "");
        return VCM_EXIT_USAGE;
    }
    vcm_museum m;
    vcm_museum_profile p;
    int r = find(s, a, c->argv[2], &m);
    if (r > 0)
        r = s->ops->museum_profile_get(s, a, m.id, &p) < 0 ? -1 : 1;
    if (r < 0) {
        fprintf(stderr, "vcm museum: %s\n", vcm_store_error(s));
        return VCM_EXIT_FAIL;
    }
    if (r == 0) {
        fprintf(stderr, "vcm museum: no museum '%s'\n", c->argv[2]);
        return VCM_EXIT_USAGE;
    }
    if (!set) {
        show(&m, &p);
        return VCM_EXIT_OK;
    }
    char err[600];
    size_t given = 0;
    for (size_t i = 0; i < sizeof set_fields / sizeof set_fields[0]; i++) {
        const char *v = (const char *)o + set_fields[i].off;
        if (strcmp(v, UNSET) == 0)
            continue;
        given++;
        if (vcm_museum_field_set(&m, &p, a, set_fields[i].field, v, err, sizeof err) < 0) {
            fprintf(stderr, "vcm museum set: %s\n", err);
            return VCM_EXIT_USAGE;
        }
    }
    if (!given) {
        fprintf(stderr, "vcm museum set: nothing to set (give --city, --website, … ; see vcm "
                        "help)\n");
        return VCM_EXIT_USAGE;
    }
    if (save(s, &m, &p, err, sizeof err) < 0) {
        fprintf(stderr, "vcm museum set: %s\n", err);
        return VCM_EXIT_FAIL;
    }
    if (!c->quiet)
        show(&m, &p);
    return VCM_EXIT_OK;
}

/* The columns a table of museums may have, and the field each fills. */
static const struct {
    const char *column, *field;
} load_columns[] = {
    {"name_native", "name_native"}, {"city", "city"},
    {"country_code", "country"},    {"country", "country"},
    {"website", "website"},         {"address", "address"},
    {"latitude", "lat"},            {"lat", "lat"},
    {"longitude", "lon"},           {"lon", "lon"},
    {"languages", "languages"},     {"description", "description"},
};

static int column(char **hdr, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(hdr[i], name) == 0)
            return i;
    return -1;
}

static int cmd_load(vcm_store *s, vcm_arena *a, const vcm_config *c)
{
    if (c->argc != 3) {
        fprintf(stderr, "vcm museum: usage: vcm museum load FILE.csv\n");
        return VCM_EXIT_USAGE;
    }
    const char *path = c->argv[2];
    char err[600];
    vcm_buf text;
    vcm_buf_init(&text, 16 << 20);
    int rc = VCM_EXIT_OK;
    long updated = 0, unmatched = 0, bad = 0;
    if (vcm_read_text_file(&text, path, err, sizeof err) < 0) {
        fprintf(stderr, "vcm museum load: %s\n", err);
        rc = VCM_EXIT_FAIL;
        goto out;
    }
    vcm_csv csv;
    vcm_csv_init(&csv, text.data ? text.data : "", text.len);
    char *hdr[VCM_CSV_MAX_FIELDS], *row[VCM_CSV_MAX_FIELDS];
    int nh = vcm_csv_next(&csv, a, hdr, err, sizeof err);
    int cname = nh > 0 ? column(hdr, nh, "name_en") : -1;
    if (cname < 0 && nh > 0)
        cname = column(hdr, nh, "name");
    if (cname < 0) {
        fprintf(stderr, "vcm museum load: %s:1: not a table of museums (the header must name "
                        "name_en)\n", path);
        rc = VCM_EXIT_USAGE;
        goto out;
    }
    int ccity = column(hdr, nh, "city"), cnative = column(hdr, nh, "name_native");
    vcm_museum *all;
    size_t nall;
    if (s->ops->museum_list(s, a, "", &all, &nall) < 0) {
        fprintf(stderr, "vcm museum load: %s\n", vcm_store_error(s));
        rc = VCM_EXIT_FAIL;
        goto out;
    }
    for (;;) {
        size_t line = csv.line;
        int n = vcm_csv_next(&csv, a, row, err, sizeof err);
        if (n == 0)
            break;
        if (n > 0 && n != nh) {
            snprintf(err, sizeof err, "expected %d fields, found %d", nh, n);
            n = -1;
        }
        if (n < 0) {
            fprintf(stderr, "%s:%zu: %s\n", path, line, err);
            bad++;
            continue;
        }
        const char *city = ccity >= 0 ? row[ccity] : NULL;
        vcm_museum *m = NULL;
        for (size_t i = 0; i < nall && !m; i++)
            for (size_t k = 0; k < all[i].names.n && !m; k++)
                if (vcm_museum_name_match(all[i].names.v[k].text, row[cname], city) ||
                    (cnative >= 0 &&
                     vcm_museum_name_match(all[i].names.v[k].text, row[cnative], city)))
                    m = &all[i];
        if (!m) {
            if (!c->quiet)
                fprintf(stderr, "%s:%zu: no museum '%s' in the collection; row left\n", path,
                        line, row[cname]);
            unmatched++;
            continue;
        }
        vcm_museum mm = *m;
        vcm_museum_profile p;
        if (s->ops->museum_profile_get(s, a, mm.id, &p) < 0) {
            fprintf(stderr, "vcm museum load: %s\n", vcm_store_error(s));
            rc = VCM_EXIT_FAIL;
            goto out;
        }
        bool ok = true;
        /* An empty cell says nothing: what the museum has stays. */
        for (size_t k = 0; k < sizeof load_columns / sizeof load_columns[0] && ok; k++) {
            int col = column(hdr, nh, load_columns[k].column);
            if (col < 0 || !*row[col])
                continue;
            if (vcm_museum_field_set(&mm, &p, a, load_columns[k].field, row[col], err,
                                     sizeof err) < 0) {
                fprintf(stderr, "%s:%zu: %s: %s\n", path, line, load_columns[k].column, err);
                ok = false;
            }
        }
        if (!ok) {
            bad++;
            continue;
        }
        if (save(s, &mm, &p, err, sizeof err) < 0) {
            fprintf(stderr, "%s:%zu: %s\n", path, line, err);
            rc = VCM_EXIT_FAIL;
            goto out;
        }
        *m = mm;
        updated++;
    }
    if (!c->quiet)
        printf("%s: %ld museums updated, %ld rows name no museum held, %ld rows rejected\n",
               path, updated, unmatched, bad);
    if (bad)
        rc = VCM_EXIT_BAD_INPUT;
out:
    vcm_buf_release(&text);
    return rc;
}

int vcm_cmd_museum(vcm_config *c, const vcm_museum_opts *o)
{
    const char *sub = c->argc >= 2 ? c->argv[1] : "";
    if (strcmp(sub, "set") != 0 && strcmp(sub, "show") != 0 && strcmp(sub, "load") != 0) {
        fprintf(stderr, "vcm museum: expected show, set or load (see vcm help)\n");
        return VCM_EXIT_USAGE;
    }
    char err[1024];
    vcm_store *s = vcm_store_open(c->db, err, sizeof err);
    if (!s) {
        fprintf(stderr, "vcm museum: %s\n", err);
        return VCM_EXIT_FAIL;
    }
    vcm_arena a;
    vcm_arena_init(&a, 0);
    int rc = strcmp(sub, "load") == 0 ? cmd_load(s, &a, c)
                                      : cmd_set(s, &a, c, o, strcmp(sub, "set") == 0);
    vcm_arena_release(&a);
    vcm_store_close(s);
    return rc;
}
