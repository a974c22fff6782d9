/* vcm: the one program of VCM. `vcm help` lists what it does. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/config.h"
#include "http/server.h"
#include "io/mail.h"
#include "web/web.h"
#include "core/banned.h"

/* The options of the commands that have their own. */
struct command_opts {
    vcm_http_config http;
    vcm_web_config serve;
    vcm_media_opts media;
    vcm_thesaurus_opts thesaurus;
    vcm_mail_config mail;
    vcm_museum_opts museum;
    vcm_import_cli_opts import;
    vcm_export_cli_opts export;
    vcm_harvest_opts harvest;
    vcm_package_opts package;
    vcm_iiif_export_cli_opts iiif_export;
    vcm_site_opts site;
};

static int run_serve(vcm_config *c, const struct command_opts *o)
{
    /* the mail options are checked before the server starts, so a wrong
     * --smtp-url or --mail-from stops it at once, not at the first mail */
    vcm_mail_config mail = o->mail;
    char err[1024];
    if (vcm_mail_config_check(&mail, err, sizeof err) < 0) {
        fprintf(stderr, "vcm serve: %s\n", err);
        return VCM_EXIT_USAGE;
    }
    return vcm_cmd_serve(c, &o->http, &o->serve, &mail, &o->harvest);
}

static int run_harvest(vcm_config *c, const struct command_opts *o)
{
    return vcm_cmd_harvest(c, &o->harvest, o->media.museum, o->export.format);
}

static int run_media(vcm_config *c, const struct command_opts *o)
{
    return vcm_cmd_media(c, &o->media);
}

static int run_thesaurus(vcm_config *c, const struct command_opts *o)
{
    return vcm_cmd_thesaurus(c, &o->thesaurus);
}

static int run_outbox(vcm_config *c, const struct command_opts *o)
{
    if (c->argc >= 2 && strcmp(c->argv[1], "send") == 0)
        return vcm_cmd_outbox_send(c, &o->mail);
    return vcm_cmd_outbox(c);
}

static int run_import(vcm_config *c, const struct command_opts *o)
{
    return vcm_cmd_import(c, &o->import);
}

static int run_museum(vcm_config *c, const struct command_opts *o)
{
    return vcm_cmd_museum(c, &o->museum);
}

static int run_export(vcm_config *c, const struct command_opts *o)
{
    return vcm_cmd_export(c, &o->export);
}

static int run_export_package(vcm_config *c, const struct command_opts *o)
{
    return vcm_cmd_export_package(c, &o->package);
}

static int run_export_iiif(vcm_config *c, const struct command_opts *o)
{
    return vcm_cmd_export_iiif(c, &o->iiif_export);
}

static int run_export_site(vcm_config *c, const struct command_opts *o)
{
    return vcm_cmd_export_site(c, &o->site);
}

static const struct command {
    const char *name, *args, *help;
    int (*run)(vcm_config *c);
    int (*run_opts)(vcm_config *c, const struct command_opts *o);
} commands[] = {
    {"serve", "", "serve the collection over HTTP (pages, API, IIIF) on --listen", NULL, run_serve},
    {"import", "FILE...", "import museum records or a VCM export (.jsonl; - = stdin), LIDO records (.xml), or a country table (.csv); --map MAPPING.json: a museum's CSV export or folder of JSON files", NULL, run_import},
    {"export", "FILE", "write the whole collection as JSON Lines, or its public objects as LIDO or EDM (--format; - = stdout)", NULL, run_export},
    {"export-package", "PATH", "write the collection, its masterpieces, the network's records and the original images as a BagIt 1.0 bag in the new folder PATH (--drafts: drafts too)", NULL, run_export_package},
    {"export-site", "DIR", "write the public site as static files in DIR: every page in every interface language (--langs en,ko: those), the API's object documents, the sitemap, its search (as export-search), its images, manifests and viewers (as export-iiif); links relative; again: only what changed (--full: all); needs --base-url", NULL, run_export_site},
    {"verify-package", "PATH", "check a BagIt bag: every file listed and its SHA-512 (or SHA-256), Payload-Oxum, tag manifests", vcm_cmd_verify_package, NULL},
    {"import-package", "PATH", "restore a package of export-package into an empty database and media folder, then index it", vcm_cmd_import_package, NULL},
    {"export-iiif", "DIR", "write every published image as IIIF level-0 files (info.json, tiles, sizes), the manifests and collections, and the viewers into DIR, for a static host at --base-url (required); again: only what changed (--redo: every image)", NULL, run_export_iiif},
    {"stats", "", "print counts of objects, museums, countries and media", vcm_cmd_stats, NULL},
    {"search", "reindex|query Q|suggest P", "rebuild the search index from the database, or search from the shell", vcm_cmd_search, NULL},
    {"search", "tokens [stem]", "print the search's tokens of each line of stdin as JSON", vcm_cmd_search, NULL},
    {"export-search", "DIR", "write the search of a static copy of the site into DIR/search: the index in shards fetched on demand, the thesaurus and folding tables", vcm_cmd_export_search, NULL},
    {"thesaurus", "check", "list the thesaurus names refused, and those that widen searches more than --factor times", NULL, run_thesaurus},
    {"media", "add OBJECT FILE", "add an image to an object (its number, or its source id with --museum); --list FILE.csv: many", NULL, run_media},
    {"media", "fetch", "download the images museums publish, where the record's rights allow reuse (--contact required)", NULL, run_media},
    {"museum", "show|set MUSEUM", "show or edit a museum's profile (--name-native, --city, --country, --website, --address, --lat, --lon, --languages, --description; \"\" clears)", NULL, run_museum},
    {"museum", "load FILE.csv", "fill museum profiles from a table (name_en, name_native, city, country_code, latitude, longitude, website, address, languages, description)", NULL, run_museum},
    {"note", "list OBJECT", "the cataloguers' notes kept apart from an object's texts, numbered", vcm_cmd_note, NULL},
    {"note", "show|hide OBJECT N", "let visitors read note N of an object (pages, API), or not", vcm_cmd_note, NULL},
    {"masterpieces", "list [MUSEUM]", "the museums' masterpiece entries: state, versions, the version the public sees", vcm_cmd_masterpieces, NULL},
    {"masterpieces", "quota MUSEUM [N]", "show or set how many masterpieces a museum may publish (25 unless set)", vcm_cmd_masterpieces, NULL},
    {"masterpieces", "conflicts|reconcile [MUSEUM]", "list the fields a re-import would have changed under a curator's edit, or look for new ones (vcm import does)", vcm_cmd_masterpieces, NULL},
    {"masterpieces", "demo [N]", "as the editors, select and publish up to N (25) records a museum for the demo, images first", vcm_cmd_masterpieces, NULL},
    {"exhibitions", "list|demo", "the virtual exhibitions (state, versions); demo: make and publish the demo's, from the jades of Taipei and prints of the Met", vcm_cmd_exhibitions, NULL},
    {"network", "load FILE...", "load the network's facts (.tsv, data/network/facts.tsv), the ASEM partners or a table of museums (.csv)", vcm_cmd_network, NULL},
    {"network", "members", "list the museums with a membership status", vcm_cmd_network, NULL},
    {"governance", "load FILE...", "load the network's governance and meetings (.tsv, data/network/governance.tsv): offices, rules, terms, meetings, news", vcm_cmd_governance, NULL},
    {"harvest", "add URL", "harvest an OAI-PMH repository into a museum: --museum ID --format lido|oai_dc [--set SPEC] [--every SECONDS]", NULL, run_harvest},
    {"harvest", "run [SOURCE]", "harvest every source (or one) now: incremental, resuming an interrupted harvest from its last token", NULL, run_harvest},
    {"harvest", "list", "the sources, where each harvest stands, its refused records and unmapped elements", NULL, run_harvest},
    {"themes", "load FILE...", "load themes from their JSON files (data/themes/*.json, docs/curation.md): texts, rule, objects picked by hand", vcm_cmd_themes, NULL},
    {"themes", "refresh [SLUG]|list", "recompute what the themes select (after an import), or list them with their counts", vcm_cmd_themes, NULL},
    {"db", "copy FROM TO", "copy a whole database (sqlite:PATH, postgres://…) into another, then verify it", vcm_cmd_db, NULL},
    {"db", "origins [all]", "derive where objects come from for those without an origin (all: every object again, after a thesaurus change)", vcm_cmd_db, NULL},
    {"user", "add EMAIL NAME ROLE [MUSEUM]", "add an account (contributor, museum_admin with its museum's number, editor, secretariat) and queue its invitation", vcm_cmd_user, NULL},
    {"user", "list [MUSEUM]", "list the accounts (of one museum)", vcm_cmd_user, NULL},
    {"user", "disable EMAIL", "disable an account and end its sessions", vcm_cmd_user, NULL},
    {"user", "reset-password EMAIL", "queue a link to set a new password", vcm_cmd_user, NULL},
    {"audit", "export FILE.jsonl", "write the audit log as JSON Lines (- = stdout)", vcm_cmd_audit, NULL},
    {"outbox", "[EMAIL]", "print the mail in the outbox (to one address) as JSON Lines", NULL, run_outbox},
    {"outbox", "send", "send the mail that is due through --smtp-url, once (vcm serve does it every few seconds)", NULL, run_outbox},
    {"languages", "[LANG]", "the interface catalogues: per language, messages translated, needing review and missing; with LANG, each message's status", vcm_cmd_languages, NULL},
    {"version", "", "print the version", NULL, NULL},
    {"help", "", "show this help", NULL, NULL},
};

static void usage(FILE *f, const vcm_config *c)
{
    fprintf(f, "vcm %s: the Virtual Collection of Masterpieces\n\n"
               "usage: vcm [OPTION...] COMMAND [ARG...]\n\ncommands:\n",
            VCM_VERSION);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        char left[64];
        snprintf(left, sizeof left, "%s %s", commands[i].name, commands[i].args);
        fprintf(f, "  %-26s %s\n", left, commands[i].help);
    }
    fprintf(f, "\noptions (each also read from the environment variable in brackets,\n"
               "or from a config file given by --config):\n");
    vcm_config_usage_sets(f, c->sets, c->nsets);
    fprintf(f, "\nexit status: 0 done, 1 done but some input was rejected, 2 usage error,\n"
               "3 could not run (file, database, port).\n");
}

int main(int argc, char **argv)
{
    vcm_config c;
    char err[1024];
    struct command_opts opts;
    vcm_option_set sets[12];
    vcm_http_options(&opts.http, &sets[0]);
    vcm_serve_options(&opts.serve, &sets[1]);
    vcm_media_options(&opts.media, &sets[2]);
    vcm_thesaurus_options(&opts.thesaurus, &sets[3]);
    vcm_mail_options(&opts.mail, &sets[4]);
    vcm_museum_options(&opts.museum, &sets[5]);
    vcm_import_options(&opts.import, &sets[6]);
    vcm_export_options(&opts.export, &sets[7]);
    vcm_harvest_options(&opts.harvest, &sets[8]);
    vcm_package_options(&opts.package, &sets[9]);
    vcm_iiif_export_options(&opts.iiif_export, &sets[10]);
    vcm_site_options(&opts.site, &sets[11]);
    vcm_config_defaults(&c);
    c.sets = sets;
    c.nsets = sizeof sets / sizeof *sets;
    if (vcm_config_load(&c, argc, argv, err, sizeof err) < 0) {
        fprintf(stderr, "vcm: %s\n", err);
        return VCM_EXIT_USAGE;
    }
    if (c.version) {
        printf("vcm %s\n", VCM_VERSION);
        return 0;
    }
    if (c.help || c.argc == 0) {
        usage(c.argc == 0 && !c.help ? stderr : stdout, &c);
        return c.help ? 0 : VCM_EXIT_USAGE;
    }
    const char *name = c.argv[0];
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(name, commands[i].name) != 0)
            continue;
        if (strcmp(name, "version") == 0) {
            printf("vcm %s\n", VCM_VERSION);
            return 0;
        }
        if (strcmp(name, "help") == 0) {
            usage(stdout, &c);
            return 0;
        }
        return commands[i].run_opts ? commands[i].run_opts(&c, &opts) : commands[i].run(&c);
    }
    fprintf(stderr, "vcm: unknown command '%s' (see vcm help)\n", name);
    return VCM_EXIT_USAGE;
}
