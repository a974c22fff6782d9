/* Configuration: defaults, then a file (--config FILE or VCM_CONFIG), then
 * environment variables, then command-line flags; each later source wins.
 *
 * The names of --db/VCM_DB, --listen/VCM_LISTEN, --media/VCM_MEDIA and
 * --data/VCM_DATA are fixed: scripts and deployments rely on them. A config
 * file has one `name = value` per line, names as the long options without
 * the dashes; `#` starts a comment.
 *
 * vcm_config holds the options several commands read. An option only one
 * command reads belongs to that command: it declares a table of vcm_option
 * over a struct of its own and hands it in as a vcm_option_set (c->sets),
 * so that flags, environment and files fill it the same way, and --help
 * lists it with the others (vcm serve: the site's, web/web.h; vcm media
 * add: the image's, cli/cli.h; the HTTP server's, http/server.h). What is
 * left here is read by more than one command: the database, the media and
 * data folders, the search index, the public base URL (pages, and the
 * links of what other commands write), the log level, import's batch (also
 * read by db copy). */
#ifndef VCM_CONFIG_H
#define VCM_CONFIG_H
#include <stddef.h>

#define VCM_CONFIG_STR 512
#define VCM_CONFIG_MAX_ARGS 32

/* One option: its name (--name), environment variable (or NULL), the word
 * --help shows for its value (NULL for a flag), its help, and where it
 * goes: off and size in the struct the option set fills. NUM takes a long
 * from min to max; FLAG an int, 0 or 1; STR a char[size]. */
enum vcm_option_kind { VCM_OPT_STR, VCM_OPT_NUM, VCM_OPT_FLAG };
typedef struct vcm_option {
    const char *name, *env, *arg, *help;
    enum vcm_option_kind kind;
    size_t off, size;
    long min, max;
} vcm_option;
/* off and size of field f of type: VCM_OPTION_AT(struct x, f). */
#define VCM_OPTION_AT(type, f) offsetof(type, f), sizeof(((type *)0)->f)

/* A command's own options: the table v[n], filling the struct at base. */
typedef struct vcm_option_set {
    const vcm_option *v;
    size_t n;
    void *base;
} vcm_option_set;

typedef struct vcm_config {
    char db[VCM_CONFIG_STR];        /* sqlite:PATH or postgres://… */
    char media[VCM_CONFIG_STR];
    char data[VCM_CONFIG_STR];
    char index[VCM_CONFIG_STR];     /* search index file; "" = beside the database */
    char base_url[VCM_CONFIG_STR];  /* public base URL; empty = from the request */
    char log_level[16];
    long batch;                     /* import: records per transaction */
    int help, version, quiet;
    /* The options of commands, read along with these (NULL: none). */
    const vcm_option_set *sets;
    size_t nsets;
    /* What is left once options are taken: the command and its arguments. */
    int argc;
    char *argv[VCM_CONFIG_MAX_ARGS];
} vcm_config;

void vcm_config_defaults(vcm_config *c);
/* Reads file, environment and argv (argv[0] is skipped). On error writes a
 * message saying what and where into err and returns -1. */
int vcm_config_load(vcm_config *c, int argc, char **argv, char *err, size_t errlen);
/* Reads one config file; lines are reported as FILE:LINE in err. */
int vcm_config_file(vcm_config *c, const char *path, char *err, size_t errlen);
/* Writes the option list for --help: these, then those of the sets. */
void vcm_config_usage(void *stream);
void vcm_config_usage_sets(void *stream, const vcm_option_set *sets, size_t nsets);
#endif
