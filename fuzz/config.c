/* libFuzzer target for the configuration parser (src/core/config.c): a
 * config file's text, environment variables and command-line arguments.
 * Build with `make fuzz`; run: build/fuzz/config -max_total_time=60 fuzz/corpus/config
 *
 * The input is parts separated by NUL bytes: the first is the config file's
 * text (given to the parser as a file in memory, memfd); each later part is
 * an argument, or, when it begins with '$', an environment variable
 * "$VCM_NAME=value" set for this run only. An argument naming another
 * config file (--config X) is pointed at the same memory file, so no input
 * reads the machine's files or waits on a device.
 *
 * Beyond "no crash": a failure has a message; a success leaves every string
 * NUL-terminated inside its field, every number within its bounds, and the
 * remaining arguments among those given, in order. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/config.h"
#include "core/log.h"
#include "http/server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const envs[] = {
    "VCM_DB", "VCM_LISTEN", "VCM_MEDIA", "VCM_INDEX", "VCM_NODE_DIR", "VCM_DATA",
    "VCM_BASE_URL", "VCM_LOG_LEVEL", "VCM_THREADS", "VCM_MAX_CONNECTIONS",
    "VCM_IDLE_TIMEOUT", "VCM_HEADER_TIMEOUT", "VCM_MAX_PER_IP", "VCM_MAX_HEADER", "VCM_MAX_BODY", "VCM_PAGE_CACHE",
    "VCM_CACHE_SIZE", "VCM_MAX_PIXELS", "VCM_BATCH", "VCM_CONFIG",
};
#define NENV (sizeof envs / sizeof envs[0])

static void clear_env(void)
{
    for (size_t i = 0; i < NENV; i++)
        unsetenv(envs[i]);
}

static void check_str(const char *s, size_t size)
{
    if (!memchr(s, '\0', size))
        abort();
}

static void check(const vcm_config *c, const vcm_http_config *h, char **argv, int argc)
{
    check_str(c->db, sizeof c->db);
    check_str(h->listen, sizeof h->listen);
    check_str(c->media, sizeof c->media);
    check_str(c->data, sizeof c->data);
    check_str(c->index, sizeof c->index);
    check_str(c->base_url, sizeof c->base_url);
    check_str(c->log_level, sizeof c->log_level);
    if (h->threads < 0 || h->threads > 256 || h->max_connections < 1 ||
        h->max_connections > 100000 || h->idle_timeout < 1 || h->idle_timeout > 3600 ||
        h->header_timeout < 1 || h->header_timeout > 3600 || h->max_per_ip < 0 ||
        h->max_per_ip > 100000 || h->max_header < 4096 || h->max_header > 1 << 20 ||
        h->max_body < 0 || h->max_body > 1L << 30 || c->batch < 1 || c->batch > 1000000)
        abort();
    if (c->argc < 0 || c->argc > VCM_CONFIG_MAX_ARGS)
        abort();
    int j = 1;
    for (int i = 0; i < c->argc; i++) {
        while (j < argc && argv[j] != c->argv[i])
            j++;
        if (j == argc)
            abort();
        j++;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    const uint8_t *end = data + size, *p = memchr(data, '\0', size);
    size_t flen = p ? (size_t)(p - data) : size;
    int fd = memfd_create("vcm-fuzz-config", 0);
    if (fd < 0)
        return 0;
    if (flen && write(fd, data, flen) != (ssize_t)flen) {
        close(fd);
        return 0;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);

    /* the rest: arguments and environment, each a copy of its own */
    char *argv[80];
    int argc = 0;
    argv[argc++] = strdup("vcm");
    clear_env();
    bool file_named = false;
    for (const uint8_t *s = p ? p + 1 : end; s < end && argc < 79;) {
        const uint8_t *e = memchr(s, '\0', (size_t)(end - s));
        size_t n = e ? (size_t)(e - s) : (size_t)(end - s);
        char *part = strndup((const char *)s, n);
        s += n + 1;
        if (!part)
            break;
        if (part[0] == '$') {
            char *eq = strchr(part, '=');
            if (eq && eq > part + 1) {
                *eq = '\0';
                if (strcmp(part + 1, "VCM_CONFIG") == 0)
                    setenv("VCM_CONFIG", path, 1);
                else
                    setenv(part + 1, eq + 1, 1);
            }
            free(part);
            continue;
        }
        if (strncmp(part, "--config=", 9) == 0) {
            free(part);
            part = malloc(strlen(path) + 10);
            if (!part)
                break;
            memcpy(part, "--config=", 9);
            memcpy(part + 9, path, strlen(path) + 1);
            file_named = true;
        } else if (argc > 1 && strcmp(argv[argc - 1], "--config") == 0) {
            free(part);
            part = strdup(path);
            if (!part)
                break;
            file_named = true;
        }
        argv[argc++] = part;
    }
    argv[argc] = NULL;
    /* "--config" as the last argument names nothing: give it the file too */
    if (!file_named && argc < 79 && strcmp(argv[argc - 1], "--config") == 0) {
        argv[argc++] = strdup(path);
        argv[argc] = NULL;
    }
    char **copy = malloc((size_t)(argc + 1) * sizeof *copy);
    if (copy) {
        memcpy(copy, argv, (size_t)(argc + 1) * sizeof *copy);
        vcm_config c;
        vcm_http_config h;
        vcm_option_set hset;
        char err[1024];
        vcm_config_defaults(&c);
        vcm_http_options(&h, &hset); /* the server's options, as vcm serve reads them */
        c.sets = &hset;
        c.nsets = 1;
        err[0] = '\0';
        if (vcm_config_load(&c, argc, copy, err, sizeof err) == 0)
            check(&c, &h, copy, argc);
        else if (!err[0] || !memchr(err, '\0', sizeof err))
            abort();
        /* and the file alone, as `vcm` reads it when named */
        vcm_config_defaults(&c);
        vcm_http_options(&h, &hset);
        c.sets = &hset;
        c.nsets = 1;
        err[0] = '\0';
        if (vcm_config_file(&c, path, err, sizeof err) == 0)
            check(&c, &h, copy, 1);
        else if (!err[0])
            abort();
        free(copy);
    }
    clear_env();
    vcm_log_set_level(VCM_LOG_OFF);
    for (int i = 0; i < argc; i++)
        free(argv[i]);
    close(fd);
    return 0;
}
