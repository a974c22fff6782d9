/* vcm user add|list|disable|reset-password, vcm audit export, vcm outbox:
 * accounts from the shell (docs/accounts.md). Passwords are never typed
 * here: a new user gets an invitation link and a reset gets a reset link,
 * both queued in the outbox like the site's. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ctype.h>

#include "cli/cli.h"
#include "core/i18n.h"
#include "store/account.h"
#include "store/outbox.h"
#include "web/account.h"
#include "core/banned.h"

static const char *base_of(const vcm_config *c)
{
    return c->base_url[0] ? c->base_url : "http://localhost:8080";
}

static vcm_store *open_store(vcm_config *c, const char *cmd)
{
    char err[1024];
    if (vcm_web_catalogues(err, sizeof err) < 0) {
        fprintf(stderr, "vcm %s: %s\n", cmd, err);
        return NULL;
    }
    vcm_store *s = vcm_store_open(c->db, err, sizeof err);
    if (!s)
        fprintf(stderr, "vcm %s: %s\n", cmd, err);
    return s;
}

static void lower(char *s)
{
    for (; *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

static int user_add(vcm_store *s, vcm_config *c)
{
    if (c->argc < 5 || c->argc > 6) {
        fprintf(stderr, "usage: vcm user add EMAIL NAME ROLE [MUSEUM]\n"
                        "  ROLE: contributor, museum_admin (with MUSEUM, its number), "
                        "editor, secretariat\n");
        return VCM_EXIT_USAGE;
    }
    char email[256];
    snprintf(email, sizeof email, "%s", c->argv[2]);
    lower(email);
    const char *why;
    vcm_user u = {.email = email, .name = c->argv[3]};
    if (vcm_email_check(email, &why) < 0) {
        fprintf(stderr, "vcm user add: '%s' is not an e-mail address\n", c->argv[2]);
        return VCM_EXIT_USAGE;
    }
    if (vcm_role_parse(c->argv[4], &u.role) < 0) {
        fprintf(stderr, "vcm user add: unknown role '%s'\n", c->argv[4]);
        return VCM_EXIT_USAGE;
    }
    if (c->argc == 6) {
        char *end;
        long long m = strtoll(c->argv[5], &end, 10);
        if (*end || m <= 0) {
            fprintf(stderr, "vcm user add: '%s' is not a museum number\n", c->argv[5]);
            return VCM_EXIT_USAGE;
        }
        u.museum_id = m;
    }
    if (vcm_role_has_museum(u.role) != (u.museum_id != 0)) {
        fprintf(stderr, "vcm user add: a %s %s\n", c->argv[4],
                u.museum_id ? "belongs to no museum" : "needs a MUSEUM (its number)");
        return VCM_EXIT_USAGE;
    }
    int rc = vcm_user_add(s, &u);
    if (rc < 0) {
        fprintf(stderr, "vcm user add: %s\n", vcm_store_error(s));
        return rc == -2 ? VCM_EXIT_BAD_INPUT : VCM_EXIT_FAIL;
    }
    vcm_audit e = {.actor = "cli", .event = "user.invited", .subject = email,
                   .detail = vcm_role_name(u.role)};
    if (vcm_account_send_link(s, &u, "invite", base_of(c), (int64_t)time(NULL)) < 0 ||
        vcm_audit_add(s, &e) < 0) {
        fprintf(stderr, "vcm user add: %s\n", vcm_store_error(s));
        return VCM_EXIT_FAIL;
    }
    printf("user %lld added: %s, %s; an invitation is in the outbox (vcm outbox %s)\n",
           (long long)u.id, email, vcm_role_name(u.role), email);
    return VCM_EXIT_OK;
}

static int user_list(vcm_store *s, vcm_config *c)
{
    int64_t museum = c->argc >= 3 ? strtoll(c->argv[2], NULL, 10) : 0;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_user *u;
    size_t n;
    int rc = VCM_EXIT_OK;
    if (vcm_user_list(s, &a, museum, &u, &n) < 0) {
        fprintf(stderr, "vcm user list: %s\n", vcm_store_error(s));
        rc = VCM_EXIT_FAIL;
        goto out;
    }
    printf("id\temail\tname\trole\tmuseum\tstate\n");
    for (size_t i = 0; i < n; i++)
        printf("%lld\t%s\t%s\t%s\t%lld\t%s\n", (long long)u[i].id, u[i].email, u[i].name,
               vcm_role_name(u[i].role), (long long)u[i].museum_id,
               u[i].disabled ? "disabled" : u[i].password_hash ? "active" : "invited");
out:
    vcm_arena_release(&a);
    return rc;
}

static int user_by_arg(vcm_store *s, vcm_arena *a, vcm_config *c, const char *cmd,
                       vcm_user *u)
{
    if (c->argc != 3) {
        fprintf(stderr, "usage: vcm user %s EMAIL\n", cmd);
        return VCM_EXIT_USAGE;
    }
    char email[256];
    snprintf(email, sizeof email, "%s", c->argv[2]);
    lower(email);
    int rc = vcm_user_by_email(s, a, email, u);
    if (rc < 0) {
        fprintf(stderr, "vcm user %s: %s\n", cmd, vcm_store_error(s));
        return VCM_EXIT_FAIL;
    }
    if (rc == 0) {
        fprintf(stderr, "vcm user %s: no account has the address '%s'\n", cmd, email);
        return VCM_EXIT_BAD_INPUT;
    }
    return VCM_EXIT_OK;
}

static int user_disable(vcm_store *s, vcm_config *c)
{
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_user u;
    int rc = user_by_arg(s, &a, c, "disable", &u);
    if (rc == VCM_EXIT_OK) {
        vcm_audit e = {.actor = "cli", .event = "user.disabled", .subject = u.email};
        if (vcm_user_set_disabled(s, u.id, true) < 0 || vcm_session_end_user(s, u.id) < 0 ||
            vcm_audit_add(s, &e) < 0) {
            fprintf(stderr, "vcm user disable: %s\n", vcm_store_error(s));
            rc = VCM_EXIT_FAIL;
        } else {
            printf("user %s disabled; their sessions are ended\n", u.email);
        }
    }
    vcm_arena_release(&a);
    return rc;
}

static int user_reset(vcm_store *s, vcm_config *c)
{
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_user u;
    int rc = user_by_arg(s, &a, c, "reset-password", &u);
    if (rc == VCM_EXIT_OK) {
        vcm_audit e = {.actor = "cli", .event = "user.reset_sent", .subject = u.email};
        if (vcm_account_send_link(s, &u, u.password_hash ? "reset" : "invite", base_of(c),
                                  (int64_t)time(NULL)) < 0 ||
            vcm_audit_add(s, &e) < 0) {
            fprintf(stderr, "vcm user reset-password: %s\n", vcm_store_error(s));
            rc = VCM_EXIT_FAIL;
        } else {
            printf("a password link for %s is in the outbox (vcm outbox %s)\n", u.email,
                   u.email);
        }
    }
    vcm_arena_release(&a);
    return rc;
}

int vcm_cmd_user(vcm_config *c)
{
    const char *sub = c->argc >= 2 ? c->argv[1] : "";
    int (*fn)(vcm_store *, vcm_config *) =
        strcmp(sub, "add") == 0              ? user_add
        : strcmp(sub, "list") == 0           ? user_list
        : strcmp(sub, "disable") == 0        ? user_disable
        : strcmp(sub, "reset-password") == 0 ? user_reset
                                             : NULL;
    if (!fn) {
        fprintf(stderr, "usage: vcm user add EMAIL NAME ROLE [MUSEUM] | list [MUSEUM] | "
                        "disable EMAIL | reset-password EMAIL\n");
        return VCM_EXIT_USAGE;
    }
    vcm_store *s = open_store(c, "user");
    if (!s)
        return VCM_EXIT_FAIL;
    int rc = fn(s, c);
    vcm_store_close(s);
    vcm_i18n_free();
    return rc;
}

static void put(json_t *o, const char *k, const char *v)
{
    if (v)
        json_object_set_new(o, k, json_string(v));
}

/* vcm audit export FILE|-: the whole log as JSON Lines, oldest first. */
int vcm_cmd_audit(vcm_config *c)
{
    if (c->argc != 3 || strcmp(c->argv[1], "export") != 0) {
        fprintf(stderr, "usage: vcm audit export FILE.jsonl (- = stdout)\n");
        return VCM_EXIT_USAGE;
    }
    const char *path = c->argv[2];
    FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
    if (!f) {
        fprintf(stderr, "vcm audit export: cannot open '%s'\n", path);
        return VCM_EXIT_FAIL;
    }
    vcm_store *s = open_store(c, "audit export");
    int rc = s ? VCM_EXIT_OK : VCM_EXIT_FAIL;
    int64_t after = 0;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    while (s) {
        vcm_audit *e;
        size_t n;
        vcm_arena_reset(&a);
        if (vcm_audit_list(s, &a, after, 1000, &e, &n) < 0) {
            fprintf(stderr, "vcm audit export: %s\n", vcm_store_error(s));
            rc = VCM_EXIT_FAIL;
            break;
        }
        for (size_t i = 0; i < n; i++) {
            json_t *o = json_object();
            char when[32];
            time_t t = (time_t)e[i].time;
            struct tm tm;
            if (gmtime_r(&t, &tm))
                strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
            else
                when[0] = '\0';
            json_object_set_new(o, "id", json_integer(e[i].id));
            json_object_set_new(o, "time", json_string(when));
            if (e[i].actor_id)
                json_object_set_new(o, "actor_id", json_integer(e[i].actor_id));
            put(o, "actor", e[i].actor);
            put(o, "event", e[i].event);
            put(o, "subject", e[i].subject);
            put(o, "address", e[i].address);
            put(o, "detail", e[i].detail);
            char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
            if (line) {
                fprintf(f, "%s\n", line);
                free(line);
            }
            json_decref(o);
            after = e[i].id;
        }
        if (n < 1000)
            break;
    }
    vcm_arena_release(&a);
    if (f != stdout && fclose(f) != 0) {
        fprintf(stderr, "vcm audit export: cannot write '%s'\n", path);
        rc = VCM_EXIT_FAIL;
    }
    if (s)
        vcm_store_close(s);
    vcm_i18n_free();
    return rc;
}

/* vcm outbox [EMAIL]: the mail waiting or sent (newest first) as JSON Lines. */
int vcm_cmd_outbox(vcm_config *c)
{
    vcm_store *s = open_store(c, "outbox");
    if (!s)
        return VCM_EXIT_FAIL;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_mail *m;
    size_t n;
    int rc = VCM_EXIT_OK;
    if (vcm_outbox_list(s, &a, c->argc >= 2 ? c->argv[1] : NULL, 1000, &m, &n) < 0) {
        fprintf(stderr, "vcm outbox: %s\n", vcm_store_error(s));
        rc = VCM_EXIT_FAIL;
    }
    for (size_t i = 0; rc == VCM_EXIT_OK && i < n; i++) {
        json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:i, s:I}", "id", (json_int_t)m[i].id,
                              "to", m[i].to, "subject", m[i].subject, "body", m[i].body,
                              "state", m[i].state, "tries", m[i].tries, "next_try",
                              (json_int_t)m[i].next_try);
        put(o, "last_error", m[i].last_error);
        char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (line)
            printf("%s\n", line);
        free(line);
        json_decref(o);
    }
    vcm_arena_release(&a);
    vcm_store_close(s);
    vcm_i18n_free();
    return rc;
}
