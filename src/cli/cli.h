/* The commands of the vcm program, one file each. Every command takes the
 * loaded configuration and returns the process exit status:
 * 0 success, 1 the job ran but found bad input (e.g. rejected lines),
 * 2 usage error, 3 could not run (file, database, port). */
#ifndef VCM_CLI_H
#define VCM_CLI_H
#include "core/config.h"

enum { VCM_EXIT_OK = 0, VCM_EXIT_BAD_INPUT = 1, VCM_EXIT_USAGE = 2, VCM_EXIT_FAIL = 3 };

/* vcm serve's own options fill a vcm_web_config (web/web.h) and a
 * vcm_http_config (http/server.h). */
struct vcm_web_config;
struct vcm_http_config;
/* Sets w to its defaults and set to the table that fills it. */
void vcm_serve_options(struct vcm_web_config *w, vcm_option_set *set);
int vcm_cmd_serve(vcm_config *c, const struct vcm_http_config *http,
                  const struct vcm_web_config *w);
int vcm_cmd_import(vcm_config *c);
int vcm_cmd_export(vcm_config *c);
int vcm_cmd_stats(vcm_config *c);
/* vcm media add's own options (cli/media.c). */
typedef struct vcm_media_opts {
    long max_pixels;             /* largest image accepted, width × height */
    char id[VCM_CONFIG_STR];     /* the image's identifier */
    char rights[VCM_CONFIG_STR]; /* rights URI of the image */
    char label[VCM_CONFIG_STR];  /* label of the image */
} vcm_media_opts;
/* Sets o to its defaults and set to the table that fills it. */
void vcm_media_options(vcm_media_opts *o, vcm_option_set *set);
int vcm_cmd_media(vcm_config *c, const vcm_media_opts *o);
int vcm_cmd_db(vcm_config *c);
int vcm_cmd_search(vcm_config *c);
#endif
