/* The commands of the vcm program, one file each. Every command takes the
 * loaded configuration and returns the process exit status:
 * 0 success, 1 the job ran but found bad input (e.g. rejected lines),
 * 2 usage error, 3 could not run (file, database, port). */
#ifndef VCM_CLI_H
#define VCM_CLI_H
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#include "core/config.h"
#include "io/mail.h"
#include "store/store.h"

enum { VCM_EXIT_OK = 0, VCM_EXIT_BAD_INPUT = 1, VCM_EXIT_USAGE = 2, VCM_EXIT_FAIL = 3 };

/* vcm serve's own options fill a vcm_web_config (web/web.h) and a
 * vcm_http_config (http/server.h). */
struct vcm_web_config;
struct vcm_http_config;
/* Sets w to its defaults and set to the table that fills it. */
void vcm_serve_options(struct vcm_web_config *w, vcm_option_set *set);
/* mail: checked by vcm_mail_config_check; with an --smtp-url, a thread
 * sends the outbox while the server runs (cli/mail.c). */
struct vcm_harvest_opts;
int vcm_cmd_serve(vcm_config *c, const struct vcm_http_config *http,
                  const struct vcm_web_config *w, const vcm_mail_config *mail,
                  const struct vcm_harvest_opts *harvest);
/* vcm import's and vcm export's own options (cli/import.c, cli/export.c). */
typedef struct vcm_import_cli_opts {
    char map[VCM_CONFIG_STR];    /* a column mapping: FILE is read through it */
    int dry_run;                 /* with map: write nothing, report */
    char report[VCM_CONFIG_STR]; /* LIDO: what was not kept, as JSON, to this file */
    char source_country[8];      /* LIDO: the country of museums records do not place */
} vcm_import_cli_opts;
void vcm_import_options(vcm_import_cli_opts *o, vcm_option_set *set);
int vcm_cmd_import(vcm_config *c, const vcm_import_cli_opts *o);
typedef struct vcm_export_cli_opts {
    char format[16]; /* jsonl (default), lido, edm */
} vcm_export_cli_opts;
void vcm_export_options(vcm_export_cli_opts *o, vcm_option_set *set);
int vcm_cmd_export(vcm_config *c, const vcm_export_cli_opts *o);
int vcm_cmd_stats(vcm_config *c);
/* vcm media add's own options (cli/media.c). */
typedef struct vcm_media_opts {
    long max_pixels;             /* largest image accepted, width × height */
    char id[VCM_CONFIG_STR];     /* the image's identifier */
    char rights[VCM_CONFIG_STR]; /* rights URI of the image */
    char label[VCM_CONFIG_STR];  /* label of the image */
    char attribution[VCM_CONFIG_STR]; /* the credit line its source asks for */
    char museum[VCM_CONFIG_STR]; /* the museum OBJECT is a source id of (add); fetch: filter */
    char list[VCM_CONFIG_STR];   /* add: a CSV table of images */
    char files[VCM_CONFIG_STR];  /* add --list: folder its file names are relative to */
    /* media fetch */
    long limit;                  /* image URLs to try at most; 0 = all */
    char contact[VCM_CONFIG_STR]; /* the site's contact, in the User-Agent */
    long concurrency, per_host, delay_ms, timeout_s, retries, max_bytes;
} vcm_media_opts;
/* Sets o to its defaults and set to the table that fills it. */
void vcm_media_options(vcm_media_opts *o, vcm_option_set *set);
int vcm_cmd_media(vcm_config *c, const vcm_media_opts *o);
int vcm_cmd_media_fetch(vcm_config *c, const vcm_media_opts *o);

/* vcm museum's own options (cli/museum.c): the fields museum set may
 * change, each "\x01" when not given. */
typedef struct vcm_museum_opts {
    char name_native[VCM_CONFIG_STR], city[VCM_CONFIG_STR], country[VCM_CONFIG_STR];
    char website[VCM_CONFIG_STR], address[VCM_CONFIG_STR], lat[64], lon[64];
    char coordinates[VCM_CONFIG_STR], languages[VCM_CONFIG_STR];
    char description[VCM_CONFIG_STR * 4];
} vcm_museum_opts;
void vcm_museum_options(vcm_museum_opts *o, vcm_option_set *set);
int vcm_cmd_museum(vcm_config *c, const vcm_museum_opts *o);
int vcm_cmd_note(vcm_config *c);
int vcm_cmd_languages(vcm_config *c);
/* vcm masterpieces: entries, quotas, conflicts, the demo selection (cli/entry.c). */
int vcm_cmd_masterpieces(vcm_config *c);
/* vcm exhibitions: the virtual exhibitions, the demo's (cli/vexhibit.c). */
int vcm_cmd_exhibitions(vcm_config *c);
/* vcm network load FILE... and vcm network members (cli/network.c). */
int vcm_cmd_network(vcm_config *c);
int vcm_cmd_governance(vcm_config *c);
/* vcm themes load FILE... | refresh [SLUG] | list (cli/themes.c). */
int vcm_cmd_themes(vcm_config *c);

/* What vcm media add and vcm media fetch do with an image file: ingest it
 * (iiif/image.h: type from its bytes, pixel limit, every pixel decoded,
 * pyramid, checksum) and attach it to object oid in one short transaction.
 * vcm_iiif_init must have been called. Returns one of enum vcm_attach, with
 * what happened in msg. */
typedef struct vcm_media_spec {
    const char *identifier;             /* NULL or "": from the file name */
    const char *rights;                 /* a URI; NULL or "": the object's */
    const char *label, *attribution;    /* NULL or "": none */
} vcm_media_spec;
enum vcm_attach { VCM_ATTACH_ADDED, VCM_ATTACH_UNCHANGED, VCM_ATTACH_REFUSED, VCM_ATTACH_FAILED };
struct vcm_iiif_media;
struct vcm_iiif_ingest_opts;
int vcm_media_attach(vcm_store *s, const char *media_dir, const struct vcm_iiif_ingest_opts *opts,
                     int64_t oid, const char *file, const vcm_media_spec *sp,
                     struct vcm_iiif_media *im, char *msg, size_t msglen);
/* The museum named (any language, any case) or numbered spec. */
int vcm_media_find_museum(vcm_store *s, const char *spec, int64_t *id, char *err,
                          size_t errlen);
/* A rights URI from a URI or an SPDX licence id (CC0-1.0 …); -1 unknown. */
int vcm_media_rights_uri(const char *s, char *out, size_t size);
int vcm_cmd_db(vcm_config *c);
/* cli/user.c: vcm user, vcm audit export, vcm outbox. */
int vcm_cmd_user(vcm_config *c);
int vcm_cmd_audit(vcm_config *c);
int vcm_cmd_outbox(vcm_config *c);

/* cli/mail.c: the outbox sent through io/mail.h. A pass takes the messages
 * due at now (store/outbox.h) and sends each once, counting what became of
 * them; -1 when the store fails (what was marked stays marked). */
typedef struct vcm_mail_counts {
    int sent, retry, failed;
} vcm_mail_counts;
int vcm_mail_pass(vcm_store *s, const vcm_mail_config *mc, int64_t now, vcm_mail_counts *out);
/* A thread making a pass every few seconds on its own connection, until
 * stopped; NULL (nothing started) without an --smtp-url. */
typedef struct vcm_mail_sender vcm_mail_sender;
vcm_mail_sender *vcm_mail_sender_start(const vcm_config *c, const vcm_mail_config *mail);
void vcm_mail_sender_stop(vcm_mail_sender *m);
/* vcm outbox send: one pass, its counts printed. */
int vcm_cmd_outbox_send(vcm_config *c, const vcm_mail_config *mail);
int vcm_cmd_search(vcm_config *c);
int vcm_cmd_export_search(vcm_config *c);

/* vcm harvest (cli/harvest.c, docs/oai-pmh.md): OAI-PMH sources harvested
 * into museums; its own options, and --museum and --format shared with
 * vcm media and vcm export. */
typedef struct vcm_harvest_opts {
    char set[128];   /* add: the repository's set harvested; "" all */
    long every;      /* add: seconds between scheduled harvests */
    long overlap;    /* seconds an incremental harvest asks from before the last began */
    long retries;    /* tries of a page */
    long poll;       /* serve: seconds between looks for sources due; 0 = no schedule */
} vcm_harvest_opts;
void vcm_harvest_options(vcm_harvest_opts *o, vcm_option_set *set);
int vcm_cmd_harvest(vcm_config *c, const vcm_harvest_opts *o, const char *museum,
                    const char *format);
/* One harvest of source id under owner's lock, progress lines to progress
 * (NULL: none); it ends after the page under way when *stop becomes true
 * (stop NULL: never). 0 done, 1 another node holds the source, -1 failed or
 * stopped (err; an interrupted harvest keeps its token for the next run). */
int vcm_harvest_run(vcm_store *s, int64_t id, const vcm_harvest_opts *o, const char *owner,
                    const atomic_bool *stop, FILE *progress, char *err, size_t errlen);
/* vcm serve's schedule: a thread that harvests the sources due, on its own
 * connection, until stopped; NULL (nothing started) when o->poll is 0. */
typedef struct vcm_harvester vcm_harvester;
vcm_harvester *vcm_harvester_start(const vcm_config *c, const vcm_harvest_opts *o);
void vcm_harvester_stop(vcm_harvester *h);
/* cli/package.c: the collection as a BagIt bag (docs/preservation.md). */
typedef struct vcm_package_opts {
    int drafts;                         /* export: drafts and unpublished entries too */
    char organization[VCM_CONFIG_STR];  /* export: Source-Organization */
} vcm_package_opts;
void vcm_package_options(vcm_package_opts *o, vcm_option_set *set);
int vcm_cmd_export_package(vcm_config *c, const vcm_package_opts *o);
int vcm_cmd_verify_package(vcm_config *c);
int vcm_cmd_import_package(vcm_config *c);

/* cli/iiif_export.c: vcm export-iiif, the IIIF part of the static export
 * (web/iiif_export.h, docs/preservation.md). */
typedef struct vcm_iiif_export_cli_opts {
    int redo; /* make every image again, whatever the last run left */
} vcm_iiif_export_cli_opts;
void vcm_iiif_export_options(vcm_iiif_export_cli_opts *o, vcm_option_set *set);
int vcm_cmd_export_iiif(vcm_config *c, const vcm_iiif_export_cli_opts *o);
/* cli/site.c: vcm export-site DIR, the site as static files (web/site.h). */
typedef struct vcm_site_opts {
    char langs[VCM_CONFIG_STR]; /* codes, comma-separated; "" = every language */
    int full;                   /* render everything again */
} vcm_site_opts;
void vcm_site_options(vcm_site_opts *o, vcm_option_set *set);
int vcm_cmd_export_site(vcm_config *c, const vcm_site_opts *o);

/* vcm thesaurus check (src/cli/thesaurus.c). */
typedef struct vcm_thesaurus_opts {
    long factor; /* report names finding more than factor × the English name's records */
} vcm_thesaurus_opts;
void vcm_thesaurus_options(vcm_thesaurus_opts *o, vcm_option_set *set);
int vcm_cmd_thesaurus(vcm_config *c, const vcm_thesaurus_opts *o);
/* cli/node.c: a temporary node folder (web.node_dir) for a command that
 * renders pages beside a running server on the same --media, and its
 * removal with everything in it. */
struct vcm_web_config;
int vcm_cli_node_temp(struct vcm_web_config *w, char *err, size_t errlen);
void vcm_cli_node_remove(const struct vcm_web_config *w);

#endif
