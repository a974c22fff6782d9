#include "core/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"
#include "core/log.h"

#define STR VCM_OPT_STR
#define NUM VCM_OPT_NUM
#define FLAG VCM_OPT_FLAG
#define S(f) VCM_OPTION_AT(vcm_config, f)
static const vcm_option options[] = {
    {"db", "VCM_DB", "URL", "database: sqlite:PATH or postgres://[USER[:PASSWORD]@]HOST[:PORT]/NAME (default sqlite:var/vcm.db)", STR, S(db), 0, 0},
    {"media", "VCM_MEDIA", "DIR", "folder of images and derivatives (default var/media)", STR, S(media), 0, 0},
    {"index", "VCM_INDEX", "FILE", "search index (default: DB.index beside an SQLite database, else NODE-DIR/search.index or var/vcm.index)", STR, S(index), 0, 0},
    {"data", "VCM_DATA", "DIR", "folder of the demo and test data (default ../shared/data)", STR, S(data), 0, 0},
    {"base-url", "VCM_BASE_URL", "URL", "public base URL for links in pages and data (default: from each request)", STR, S(base_url), 0, 0},
    {"log-level", "VCM_LOG_LEVEL", "LEVEL", "debug, info, warn, error or off (default info)", STR, S(log_level), 0, 0},
    {"batch", "VCM_BATCH", "N", "import: records per transaction (default 1000)", NUM, S(batch), 1, 1000000},
    {"quiet", NULL, NULL, "no progress output", FLAG, S(quiet), 0, 0},
    {"config", "VCM_CONFIG", "FILE", "read options from FILE (name = value per line)", STR, 0, 0, 0, 0},
    {"help", NULL, NULL, "show this help", FLAG, S(help), 0, 0},
    {"version", NULL, NULL, "show the version", FLAG, S(version), 0, 0},
};
#undef S
#define NOPT (sizeof options / sizeof options[0])

static void copy_str(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

void vcm_config_defaults(vcm_config *c)
{
    memset(c, 0, sizeof *c);
    copy_str(c->db, sizeof c->db, "sqlite:var/vcm.db");
    copy_str(c->media, sizeof c->media, "var/media");
    copy_str(c->data, sizeof c->data, "../shared/data");
    copy_str(c->log_level, sizeof c->log_level, "info");
    c->batch = 1000;
}

/* An option found by name, and the struct it fills. */
struct found {
    const vcm_option *o;
    void *base;
};

static struct found find(const vcm_config *c, const char *name, size_t n)
{
    for (size_t i = 0; i < NOPT; i++)
        if (strlen(options[i].name) == n && memcmp(options[i].name, name, n) == 0)
            return (struct found){&options[i], (void *)c};
    for (size_t k = 0; k < c->nsets; k++)
        for (size_t i = 0; i < c->sets[k].n; i++) {
            const vcm_option *o = &c->sets[k].v[i];
            if (strlen(o->name) == n && memcmp(o->name, name, n) == 0)
                return (struct found){o, c->sets[k].base};
        }
    return (struct found){NULL, NULL};
}

/* Sets one option from text; `where` names the source for messages. */
static int set(struct found f, const char *value, const char *where, char *err, size_t errlen)
{
    const vcm_option *o = f.o;
    char *field = (char *)f.base + o->off;
    switch (o->kind) {
    case STR:
        if (strlen(value) >= o->size) {
            snprintf(err, errlen, "%s: value of '%s' is too long (at most %zu bytes)", where,
                     o->name, o->size - 1);
            return -1;
        }
        copy_str(field, o->size, value);
        return 0;
    case NUM: {
        char *end;
        errno = 0;
        long v = strtol(value, &end, 10);
        if (errno || end == value || *end || v < o->min || v > o->max) {
            snprintf(err, errlen, "%s: '%s' needs a whole number from %ld to %ld, not '%s'", where,
                     o->name, o->min, o->max, value);
            return -1;
        }
        *(long *)(void *)field = v;
        return 0;
    }
    case FLAG:
        if (strcmp(value, "1") && strcmp(value, "true") && strcmp(value, "yes") &&
            strcmp(value, "0") && strcmp(value, "false") && strcmp(value, "no")) {
            snprintf(err, errlen, "%s: '%s' takes true or false, not '%s'", where, o->name, value);
            return -1;
        }
        *(int *)(void *)field = value[0] == '1' || value[0] == 't' || value[0] == 'y';
        return 0;
    }
    return -1;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

int vcm_config_file(vcm_config *c, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot open config file '%s': %s", path, strerror(errno));
        return -1;
    }
    char line[1024], where[600];
    int lineno = 0, rc = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        snprintf(where, sizeof where, "%s:%d", path, lineno);
        if (!strchr(line, '\n') && !feof(f)) {
            snprintf(err, errlen, "%s: line is too long", where);
            rc = -1;
            break;
        }
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *s = trim(line);
        if (!*s)
            continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            snprintf(err, errlen, "%s: expected 'name = value'", where);
            rc = -1;
            break;
        }
        *eq = '\0';
        char *name = trim(s), *value = trim(eq + 1);
        struct found o = find(c, name, strlen(name));
        if (!o.o || !o.o->size) {
            snprintf(err, errlen, "%s: unknown option '%s'", where, name);
            rc = -1;
            break;
        }
        if (set(o, value, where, err, errlen) < 0) {
            rc = -1;
            break;
        }
    }
    fclose(f);
    return rc;
}

int vcm_config_load(vcm_config *c, int argc, char **argv, char *err, size_t errlen)
{
    /* The config file comes first, wherever --config stands. */
    const char *file = getenv("VCM_CONFIG");
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strncmp(argv[i], "--config=", 9) == 0)
            file = argv[i] + 9;
        else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            file = argv[i + 1];
    }
    if (file && *file && vcm_config_file(c, file, err, errlen) < 0)
        return -1;

    for (size_t k = 0; k <= c->nsets; k++) {
        const vcm_option *v = k ? c->sets[k - 1].v : options;
        size_t n = k ? c->sets[k - 1].n : NOPT;
        void *base = k ? c->sets[k - 1].base : (void *)c;
        for (size_t i = 0; i < n; i++) {
            const char *e = v[i].env ? getenv(v[i].env) : NULL;
            if (e && v[i].size) {
                char where[64];
                snprintf(where, sizeof where, "environment %s", v[i].env);
                if (set((struct found){&v[i], base}, e, where, err, errlen) < 0)
                    return -1;
            }
        }
    }

    c->argc = 0;
    int options_done = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!options_done && strcmp(a, "--") == 0) {
            options_done = 1;
            continue;
        }
        if (options_done || strncmp(a, "--", 2) != 0 || a[2] == '\0') {
            if (c->argc >= VCM_CONFIG_MAX_ARGS) {
                snprintf(err, errlen, "too many arguments (at most %d)", VCM_CONFIG_MAX_ARGS);
                return -1;
            }
            c->argv[c->argc++] = argv[i];
            continue;
        }
        const char *name = a + 2, *eq = strchr(name, '=');
        size_t n = eq ? (size_t)(eq - name) : strlen(name);
        struct found f = find(c, name, n);
        const vcm_option *o = f.o;
        if (!o) {
            snprintf(err, errlen, "unknown option '%.*s' (see vcm --help)", (int)(n + 2), a);
            return -1;
        }
        const char *value;
        if (o->kind == FLAG) {
            value = eq ? eq + 1 : "1";
        } else if (eq) {
            value = eq + 1;
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            snprintf(err, errlen, "option '--%s' needs a value %s", o->name, o->arg);
            return -1;
        }
        if (!o->size)
            continue; /* --config: already read */
        char where[80];
        snprintf(where, sizeof where, "option --%s", o->name);
        if (set(f, value, where, err, errlen) < 0)
            return -1;
    }
    enum vcm_log_level lvl;
    if (vcm_log_parse_level(c->log_level, &lvl) < 0) {
        snprintf(err, errlen, "log level '%s' is not one of debug, info, warn, error, off",
                 c->log_level);
        return -1;
    }
    vcm_log_set_level(lvl);
    return 0;
}

static void usage_of(FILE *f, const vcm_option *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char left[64];
        snprintf(left, sizeof left, "--%s%s%s", v[i].name, v[i].arg ? " " : "",
                 v[i].arg ? v[i].arg : "");
        fprintf(f, "  %-26s %s", left, v[i].help);
        if (v[i].env)
            fprintf(f, " [%s]", v[i].env);
        fputc('\n', f);
    }
}

void vcm_config_usage_sets(void *stream, const vcm_option_set *sets, size_t nsets)
{
    usage_of(stream, options, NOPT);
    for (size_t k = 0; k < nsets; k++)
        usage_of(stream, sets[k].v, sets[k].n);
}

void vcm_config_usage(void *stream)
{
    vcm_config_usage_sets(stream, NULL, 0);
}
