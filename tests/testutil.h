/* Helpers shared by the test programs: temporary folders, running the real
 * build/vcm, starting the real server on a free loopback port, and HTTP
 * requests over loopback with libcurl. Header-only: each test is one program. */
#ifndef VCM_TESTUTIL_H
#define VCM_TESTUTIL_H
#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

static inline const char *vt_bin(void)
{
    const char *b = getenv("VCM_TEST_BIN");
    return b && *b ? b : "build/vcm";
}

static inline const char *vt_data(void)
{
    const char *d = getenv("VCM_DATA");
    return d && *d ? d : "../shared/data";
}

/* A new empty folder under /tmp; the caller frees the string. */
static inline char *vt_tmpdir(void)
{
    char *p = strdup("/tmp/vcm-test-XXXXXX");
    if (!p || !mkdtemp(p)) {
        fprintf(stderr, "cannot create a temporary folder: %s\n", strerror(errno));
        abort();
    }
    return p;
}

static inline void vt_rmrf(const char *dir)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
}

static inline void vt_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Runs a shell command; returns its exit status and, when out is not NULL,
 * its standard output and error (caller frees). */
/* A whole file, NUL-terminated, in *len its length (len may be NULL); NULL
 * when unreadable. */
static inline char *vt_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 65536, n = 0, got;
    char *text = malloc(cap + 1);
    while (text && (got = fread(text + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *more = realloc(text, 2 * cap + 1);
            if (!more) {
                free(text);
                text = NULL;
                break;
            }
            text = more;
            cap *= 2;
        }
    }
    fclose(f);
    if (text) {
        text[n] = '\0';
        if (len)
            *len = n;
    }
    return text;
}

static inline int vt_sh(char **out, const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    char full[4200];
    snprintf(full, sizeof full, "%s 2>&1", cmd);
    FILE *p = popen(full, "r");
    assert_non_null(p);
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (cap - len < 1024) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    buf[len] = '\0';
    int st = pclose(p);
    if (out)
        *out = buf;
    else
        free(buf);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

/* The PostgreSQL server of the test run (tests/pg.sh), or NULL when the
 * tests run on SQLite. */
static inline const char *vt_pg(void)
{
    const char *u = getenv("VCM_TEST_PG");
    return u && *u ? u : NULL;
}

/* Writes into out the URL of a fresh, empty store for the backend this run
 * tests: sqlite:DIR/NAME.db, or with VCM_TEST_PG set a new schema of the
 * test server's database (a per-connection search_path in the URL). */
static inline void vt_db_url(char *out, size_t size, const char *dir, const char *name)
{
    if (!vt_pg()) {
        snprintf(out, size, "sqlite:%s/%s.db", dir, name);
        return;
    }
    static int serial;
    char schema[64];
    int n = snprintf(schema, sizeof schema, "t%d_%d_", (int)getpid(), ++serial);
    for (const char *p = name; *p && n < (int)sizeof schema - 1; p++)
        schema[n++] = (char)((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ? *p : '_');
    schema[n] = '\0';
    char *out_sh = NULL;
    if (vt_sh(&out_sh, "psql -X -q -d '%s' -c 'CREATE SCHEMA %s'", vt_pg(), schema) != 0)
        fail_msg("cannot create schema %s: %s", schema, out_sh);
    free(out_sh);
    snprintf(out, size, "%s?options=-csearch_path%%3D%s", vt_pg(), schema);
}

/* A fresh store (vt_db_url) holding the whole demo collection. */
static inline void vt_demo_db(char *out, size_t size, const char *dir, const char *name)
{
    char data[600];
    snprintf(data, sizeof data, "%s/collection.jsonl", vt_data());
    if (access(data, R_OK) != 0)
        fail_msg("the demo data is missing: %s (set VCM_DATA)", data);
    vt_db_url(out, size, dir, name);
    if (vt_sh(NULL, "%s import --quiet --db '%s' %s", vt_bin(), out, data) != 0)
        fail_msg("the demo import failed");
}

/* A fresh store (vt_db_url) holding a slice of the demo, quicker to import
 * and index than the whole: its first `lines` records and every record of
 * Taipei (the jades, the texts in Chinese). */
static inline void vt_demo_slice(char *out, size_t size, const char *dir, const char *name,
                                 int lines)
{
    char data[600];
    snprintf(data, sizeof data, "%s/collection.jsonl", vt_data());
    if (access(data, R_OK) != 0)
        fail_msg("the demo data is missing: %s (set VCM_DATA)", data);
    if (vt_sh(NULL, "head -n %d %s > %s/%s.jsonl && grep -F Taipei %s >> %s/%s.jsonl", lines, data,
              dir, name, data, dir, name) != 0)
        fail_msg("cannot cut the demo data");
    vt_db_url(out, size, dir, name);
    if (vt_sh(NULL, "%s import --quiet --db '%s' %s/%s.jsonl", vt_bin(), out, dir, name) != 0)
        fail_msg("the import of a slice of the demo failed");
}

/* Runs one SQL statement on the store at url with the backend's own client
 * (sqlite3 or psql), for tests that look under the store. Output in *out. */
static inline int vt_db_sql(char **out, const char *url, const char *sql)
{
    if (strncmp(url, "sqlite:", 7) == 0)
        /* with the operational file the driver attaches (schema 009); a
         * server writing the file at the same moment is waited for */
        return vt_sh(out,
                     "sqlite3 -readonly -cmd '.timeout 10000' -cmd \"ATTACH '%s-ops' AS ops\" "
                     "'%s' \"%s\"",
                     url + 7, url + 7, sql);
    return vt_sh(out, "psql -X -At -d '%s' -c \"%s\"", url, sql);
}

static inline int vt_free_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t l = sizeof a;
    assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(s, (struct sockaddr *)&a, &l), 0);
    int port = ntohs(a.sin_port);
    close(s);
    return port;
}

struct vt_server {
    pid_t pid;
    int port;
    char base[64];
};

/* Waits until the server s started accepts connections on its port; fails
 * the test when it exits first or does not listen within 20 s. */
static inline void vt_server_wait(struct vt_server *s)
{
    for (int i = 0; i < 400; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->port),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        int ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
        close(fd);
        if (ok)
            return;
        int st;
        if (waitpid(s->pid, &st, WNOHANG) == s->pid)
            fail_msg("vcm serve exited before listening (status %d)", st);
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    kill(s->pid, SIGKILL);
    fail_msg("vcm serve did not listen on %d within 20 s", s->port);
}

/* Runs the test PostgreSQL server's pg_ctl with what ("stop -m fast",
 * "start"), as tests/run.sh names it in VCM_TEST_PG_CTL; returns its status. */
static inline int vt_pg_ctl(const char *what)
{
    const char *ctl = getenv("VCM_TEST_PG_CTL");
    if (!ctl || !*ctl)
        fail_msg("VCM_TEST_PG_CTL is not set (tests/run.sh sets it)");
    char *out;
    int rc = vt_sh(&out, "%s %s", ctl, what);
    if (rc != 0)
        fprintf(stderr, "pg_ctl %s: %s\n", what, out);
    free(out);
    return rc;
}

/* Starts `vcm serve` on a free loopback port with the database given and
 * waits until it accepts connections. */
static inline void vt_server_start(struct vt_server *s, const char *db)
{
    s->port = vt_free_port();
    snprintf(s->base, sizeof s->base, "http://127.0.0.1:%d", s->port);
    char listen[32];
    snprintf(listen, sizeof listen, "127.0.0.1:%d", s->port);
    /* images beside the database file; each server's derivative cache in
     * a folder of its own (one process a cache folder) */
    char media[1024], node[1100];
    const char *slash = strrchr(db, '/');
    if (strncmp(db, "sqlite:", 7) == 0 && slash) {
        snprintf(media, sizeof media, "%.*s/media", (int)(slash - db - 7), db + 7);
        snprintf(node, sizeof node, "%.*s/node-%d", (int)(slash - db - 7), db + 7, s->port);
    } else {
        snprintf(media, sizeof media, "/tmp/vcm-test-media-%d-%d", (int)getpid(), s->port);
        snprintf(node, sizeof node, "%s", media);
    }
    s->pid = fork();
    assert_true(s->pid >= 0);
    if (s->pid == 0) {
        const char *lvl = getenv("VCM_TEST_LOG") ? getenv("VCM_TEST_LOG") : "warn";
        /* the search index: beside an SQLite file (the default), else beside media */
        char index[1100];
        snprintf(index, sizeof index, "%s.index", media);
        if (strncmp(db, "sqlite:", 7) == 0)
            snprintf(index, sizeof index, "%s.index", db + 7);
        execl(vt_bin(), vt_bin(), "serve", "--db", db, "--listen", listen, "--log-level", lvl,
              "--media", media, "--node-dir", node, "--index", index, (char *)NULL);
        _exit(127);
    }
    vt_server_wait(s);
}

/* Stops the server with SIGTERM and returns its exit status. */
static inline int vt_server_stop(struct vt_server *s)
{
    int st = 0;
    kill(s->pid, SIGTERM);
    for (int i = 0; i < 400; i++) {
        if (waitpid(s->pid, &st, WNOHANG) == s->pid)
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    kill(s->pid, SIGKILL);
    waitpid(s->pid, &st, 0);
    return -1;
}

struct vt_resp {
    long status;
    char *body;
    size_t len;
    char *headers;
    size_t hlen;
};

static size_t vt_collect(char *p, size_t size, size_t n, void *ud)
{
    char **bufp = ud;
    size_t *lenp = (size_t *)(bufp + 1);
    size_t add = size * n;
    char *nb = realloc(*bufp, *lenp + add + 1);
    if (!nb)
        return 0;
    memcpy(nb + *lenp, p, add);
    *lenp += add;
    nb[*lenp] = '\0';
    *bufp = nb;
    return add;
}

/* One request. extra_header may be NULL ("Name: value"; several separated
 * by newlines). */
static inline struct vt_resp vt_http(const char *method, const char *url, const char *body,
                                     const char *extra_header)
{
    struct vt_resp r = {0};
    struct {
        char *buf;
        size_t len;
    } b = {NULL, 0}, h = {NULL, 0};
    CURL *c = curl_easy_init();
    assert_non_null(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, vt_collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, vt_collect);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    if (body)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    struct curl_slist *hl = NULL;
    for (const char *p = extra_header; p && *p;) {
        size_t n = strcspn(p, "\n");
        char *one = strndup(p, n);
        assert_non_null(one);
        hl = curl_slist_append(hl, one);
        free(one);
        p += n + (p[n] == '\n');
    }
    if (hl)
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK)
        fail_msg("%s %s: %s", method, url, curl_easy_strerror(rc));
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(hl);
    curl_easy_cleanup(c);
    r.body = b.buf ? b.buf : strdup("");
    r.len = b.len;
    r.headers = h.buf ? h.buf : strdup("");
    r.hlen = h.len;
    return r;
}

static inline struct vt_resp vt_get(const struct vt_server *s, const char *path)
{
    char url[2048];
    snprintf(url, sizeof url, "%s%s", s->base, path);
    return vt_http("GET", url, NULL, NULL);
}

static inline void vt_resp_free(struct vt_resp *r)
{
    free(r->body);
    free(r->headers);
    memset(r, 0, sizeof *r);
}

/* Case-insensitive search for "Name: value" among the response headers. */
static inline const char *vt_header(const struct vt_resp *r, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = r->headers; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (strncasecmp(p, name, n) == 0 && p[n] == ':')
            return p + n + 1 + (p[n + 1] == ' ');
    return NULL;
}

/* VT_DEMO_SIZED; on a line of its own, at file scope: this program runs code
 * that smaller tests also cover, over the whole demo collection. The plain
 * pass runs it; the sanitizer pass leaves it out (tests/run.sh), because
 * sanitizers make it several times slower and find nothing the small tests
 * do not reach. */
#define VT_DEMO_SIZED _Static_assert(1, "demo-sized test")
/* VT_DEMO_ON_PG; beside VT_DEMO_SIZED: the PostgreSQL pass runs it as well
 * (which it does not for the others), because no smaller test covers its
 * SQL on PostgreSQL. */
#define VT_DEMO_ON_PG _Static_assert(1, "demo-sized test, on PostgreSQL too")
/* VT_ALONE; on a line of its own, at file scope: tests/run.sh runs this
 * program by itself, after the others (which it runs two at a time): it
 * stops and starts the test PostgreSQL server, or measures work done in a
 * time. */
#define VT_ALONE _Static_assert(1, "test run alone")
/* VT_NOT_SANITIZED; on a line of its own, at file scope: the sanitizer pass
 * leaves this program out (tests/run.sh), as it does VT_DEMO_SIZED ones: it
 * checks configuration files with the tools that read them, and what it runs
 * of vcm other programs run under the sanitizers. */
#define VT_NOT_SANITIZED _Static_assert(1, "test left out of the sanitizer pass")

#define assert_contains(hay, needle)                                                       \
    do {                                                                                   \
        const char *h_ = (hay), *n_ = (needle);                                            \
        if (!h_ || !strstr(h_, n_))                                                        \
            fail_msg("expected to find \"%s\" in: %.400s", n_, h_ ? h_ : "(null)");         \
    } while (0)
#define assert_not_contains(hay, needle)                                                   \
    do {                                                                                   \
        const char *h_ = (hay), *n_ = (needle);                                            \
        if (h_ && strstr(h_, n_))                                                          \
            fail_msg("did not expect \"%s\" in: %.400s", n_, strstr(h_, n_));              \
    } while (0)
#endif
