/* vcm media fetch, through the real program, against an HTTP server this
 * test runs on 127.0.0.1 (plain sockets, one thread a connection) that
 * serves images, a redirect, a 404, a 429 with Retry-After, a slow body, a
 * truncated body, a page sent as image/jpeg, a file that starts like a JPEG
 * but is none, a decompression bomb (a small PNG declaring 60,000 × 60,000
 * pixels), a path robots.txt disallows, and an image whose record's rights
 * do not allow reuse. Each gets its outcome; the object page links to the
 * museum's image until one is held; a second run asks with the validators
 * of the first, is answered 304, and changes nothing stored. */
#include <pthread.h>

#include "testutil.h"

/* ---- the museum's server ---------------------------------------------------- */

#define MAX_LOG 256

struct hit {
    char path[128], inm[64], ua[256], host[64];
    double t;
};

static struct {
    int fd, port;
    pthread_mutex_t mu;
    struct hit log[MAX_LOG];
    int nlog;
    int busy_calls;
    char *jpeg_a, *jpeg_b, *jpeg_c;
    size_t na, nb, nc;
} srv;

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot read %s", path);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)len);
    assert_int_equal(fread(b, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    *n = (size_t)len;
    return b;
}

static uint32_t crc32_of(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = c & 1 ? (c >> 1) ^ 0xEDB88320u : c >> 1;
    }
    return c ^ 0xFFFFFFFFu;
}

static size_t chunk(unsigned char *out, const char *type, const unsigned char *data, size_t n)
{
    out[0] = (unsigned char)(n >> 24);
    out[1] = (unsigned char)(n >> 16);
    out[2] = (unsigned char)(n >> 8);
    out[3] = (unsigned char)n;
    memcpy(out + 4, type, 4);
    memcpy(out + 8, data, n);
    uint32_t c = crc32_of(out + 4, n + 4);
    out[8 + n] = (unsigned char)(c >> 24);
    out[9 + n] = (unsigned char)(c >> 16);
    out[10 + n] = (unsigned char)(c >> 8);
    out[11 + n] = (unsigned char)c;
    return n + 12;
}

/* A valid PNG header that declares 60,000 × 60,000 RGB pixels (3.6
 * gigapixels), with a few bytes of image data: 80 bytes in all. */
static size_t bomb_png(unsigned char *out)
{
    static const unsigned char ihdr[13] = {0, 0, 0xEA, 0x60, 0, 0, 0xEA, 0x60, 8, 2, 0, 0, 0};
    static const unsigned char idat[] = {0x78, 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01};
    size_t n = 8;
    memcpy(out, "\x89PNG\r\n\x1a\n", 8);
    n += chunk(out + n, "IHDR", ihdr, sizeof ihdr);
    n += chunk(out + n, "IDAT", idat, sizeof idat);
    n += chunk(out + n, "IEND", (const unsigned char *)"", 0);
    return n;
}

static void send_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        c += w;
        n -= (size_t)w;
    }
}

static void respond(int fd, const char *status, const char *headers, const void *body, size_t n)
{
    char head[1024];
    int hn = snprintf(head, sizeof head, "HTTP/1.1 %s\r\nContent-Length: %zu\r\n%sConnection: "
                                         "close\r\n\r\n", status, n, headers);
    send_all(fd, head, (size_t)hn);
    if (body && n)
        send_all(fd, body, n);
}

static void header_value(const char *req, const char *name, char *out, size_t size)
{
    out[0] = '\0';
    const char *p = strcasestr(req, name);
    if (!p)
        return;
    p += strlen(name);
    while (*p == ' ')
        p++;
    size_t n = strcspn(p, "\r\n");
    snprintf(out, size, "%.*s", (int)(n < size ? n : size - 1), p);
}

static void *serve_one(void *arg)
{
    int fd = (int)(intptr_t)arg;
    char req[8192] = "";
    size_t len = 0;
    while (len < sizeof req - 1 && !strstr(req, "\r\n\r\n")) {
        ssize_t r = recv(fd, req + len, sizeof req - 1 - len, 0);
        if (r <= 0)
            break;
        len += (size_t)r;
        req[len] = '\0';
    }
    req[len] = '\0';
    struct hit h = {.t = mono()};
    sscanf(req, "GET %127s", h.path);
    header_value(req, "\r\nIf-None-Match:", h.inm, sizeof h.inm);
    header_value(req, "\r\nUser-Agent:", h.ua, sizeof h.ua);
    header_value(req, "\r\nHost:", h.host, sizeof h.host);
    pthread_mutex_lock(&srv.mu);
    if (srv.nlog < MAX_LOG)
        srv.log[srv.nlog++] = h;
    int busy = strcmp(h.path, "/busy.jpg") == 0 ? ++srv.busy_calls : 0;
    pthread_mutex_unlock(&srv.mu);
    const char *jpg = "Content-Type: image/jpeg\r\n";
    if (strncmp(h.host, "localhost", 9) == 0) {
        /* the same server by another name: a site whose robots.txt fails */
        respond(fd, "503 Service Unavailable", "Content-Type: text/plain\r\n", "down", 4);
    } else if (strcmp(h.path, "/robots.txt") == 0) {
        const char *t = "User-agent: *\nDisallow: /private/\n";
        respond(fd, "200 OK", "Content-Type: text/plain\r\n", t, strlen(t));
    } else if (strcmp(h.path, "/img/a.jpg") == 0) {
        if (strcmp(h.inm, "\"va\"") == 0)
            respond(fd, "304 Not Modified", "ETag: \"va\"\r\n", NULL, 0);
        else
            respond(fd, "200 OK",
                    "Content-Type: image/jpeg\r\nETag: \"va\"\r\n"
                    "Last-Modified: Sun, 06 Dec 2026 10:00:00 GMT\r\n",
                    srv.jpeg_a, srv.na);
    } else if (strcmp(h.path, "/redir") == 0) {
        respond(fd, "302 Found", "Location: /img/b.jpg\r\n", NULL, 0);
    } else if (strcmp(h.path, "/img/b.jpg") == 0) {
        respond(fd, "200 OK", jpg, srv.jpeg_b, srv.nb);
    } else if (strcmp(h.path, "/busy.jpg") == 0) {
        if (busy == 1)
            respond(fd, "429 Too Many Requests", "Retry-After: 3\r\n", "slow down", 9);
        else
            respond(fd, "200 OK", jpg, srv.jpeg_c, srv.nc);
    } else if (strcmp(h.path, "/slow.jpg") == 0) {
        char head[256];
        int hn = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\n"
                                             "Content-Length: %zu\r\n\r\n", srv.na);
        send_all(fd, head, (size_t)hn);
        for (size_t i = 0; i < 8 && i * 16 < srv.na; i++) { /* 16 bytes a second */
            send_all(fd, srv.jpeg_a + i * 16, 16);
            sleep(1);
        }
    } else if (strcmp(h.path, "/truncated.jpg") == 0) {
        char head[256];
        int hn = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\n"
                                             "Content-Length: %zu\r\n\r\n", srv.na);
        send_all(fd, head, (size_t)hn);
        send_all(fd, srv.jpeg_a, srv.na / 3);
    } else if (strcmp(h.path, "/fake.jpg") == 0) {
        const char *t = "<html><body>The image you asked for is not here.</body></html>";
        respond(fd, "200 OK", jpg, t, strlen(t));
    } else if (strcmp(h.path, "/corrupt.jpg") == 0) {
        char bad[4096];
        memset(bad, 0x5A, sizeof bad);
        memcpy(bad, "\xFF\xD8\xFF\xE0\x00\x10JFIF\x00", 11);
        respond(fd, "200 OK", jpg, bad, sizeof bad);
    } else if (strcmp(h.path, "/bomb.png") == 0) {
        unsigned char png[128];
        size_t n = bomb_png(png);
        respond(fd, "200 OK", "Content-Type: image/png\r\n", png, n);
    } else {
        respond(fd, "404 Not Found", "Content-Type: text/plain\r\n", "not found", 9);
    }
    close(fd);
    return NULL;
}

static void *accept_loop(void *arg)
{
    (void)arg;
    for (;;) {
        int c = accept(srv.fd, NULL, NULL);
        if (c < 0)
            return NULL;
        pthread_t t;
        pthread_create(&t, NULL, serve_one, (void *)(intptr_t)c);
        pthread_detach(t);
    }
}

static void museum_start(void)
{
    srv.fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(srv.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t l = sizeof a;
    assert_int_equal(bind(srv.fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(srv.fd, (struct sockaddr *)&a, &l), 0);
    srv.port = ntohs(a.sin_port);
    assert_int_equal(listen(srv.fd, 64), 0);
    pthread_mutex_init(&srv.mu, NULL);
    pthread_t t;
    pthread_create(&t, NULL, accept_loop, NULL);
    pthread_detach(t);
}

/* How many requests for path the server saw since hit from; the first's
 * index in *first. */
static int hits_on(const char *host, const char *path, int from, int *first)
{
    int n = 0;
    pthread_mutex_lock(&srv.mu);
    for (int i = from; i < srv.nlog; i++)
        if (strcmp(srv.log[i].path, path) == 0 &&
            strncmp(srv.log[i].host, host, strlen(host)) == 0) {
            if (!n && first)
                *first = i;
            n++;
        }
    pthread_mutex_unlock(&srv.mu);
    return n;
}

static int hits(const char *path, int from, int *first)
{
    return hits_on("127.0.0.1", path, from, first);
}

/* ---- the collection ------------------------------------------------------- */

static char *dir, db[1024], media[700];
static struct vt_server site; /* stopped by the teardown even when a check fails */

static const char *const paths[] = {
    "/img/a.jpg", "/redir", "/missing.jpg", "/busy.jpg", "/slow.jpg", "/truncated.jpg",
    "/fake.jpg", "/corrupt.jpg", "/bomb.png", "/private/c.jpg",
};
#define NPATHS (sizeof paths / sizeof paths[0])

static int group_setup(void **state)
{
    (void)state;
    char p[800];
    snprintf(p, sizeof p, "%s/images/npm_taipei/jade070_00_w250.jpg", vt_data());
    srv.jpeg_a = slurp(p, &srv.na);
    snprintf(p, sizeof p, "%s/images/npm_taipei/jade054_00_w250.jpg", vt_data());
    srv.jpeg_b = slurp(p, &srv.nb);
    snprintf(p, sizeof p, "%s/images/npm_taipei/jade001_01_w250.jpg", vt_data());
    srv.jpeg_c = slurp(p, &srv.nc);
    museum_start();
    dir = vt_tmpdir();
    vt_db_url(db, sizeof db, dir, "fetch");
    snprintf(media, sizeof media, "%s/media", dir);
    /* one public-domain record per path, and one whose images are not open */
    char *jl = malloc(1 << 16);
    size_t n = 0;
    for (size_t i = 0; i < NPATHS; i++)
        n += (size_t)snprintf(jl + n, (1 << 16) - n,
                              "{\"source_museum\": \"Test Museum\", \"source_country\": \"GB\", "
                              "\"source_id\": \"T%zu\", \"title\": \"Object %zu\", "
                              "\"license\": \"CC0-1.0 (metadata); object is public domain: "
                              "True\", \"image_url\": \"http://127.0.0.1:%d%s\"}\n",
                              i, i, srv.port, paths[i]);
    n += (size_t)snprintf(jl + n, (1 << 16) - n,
                          "{\"source_museum\": \"Test Museum\", \"source_country\": \"GB\", "
                          "\"source_id\": \"closed\", \"title\": \"Closed\", \"license\": "
                          "\"CC0-1.0 (metadata); object is public domain: True; images not "
                          "CC0\", \"image_url\": \"http://127.0.0.1:%d/img/closed.jpg\"}\n",
                          srv.port);
    n += (size_t)snprintf(jl + n, (1 << 16) - n,
                          "{\"source_museum\": \"Test Museum\", \"source_country\": \"GB\", "
                          "\"source_id\": \"down\", \"title\": \"Down\", \"license\": "
                          "\"CC0-1.0 (metadata); object is public domain: True\", \"image_url\": "
                          "\"http://localhost:%d/img/a.jpg\"}\n", srv.port);
    snprintf(p, sizeof p, "%s/records.jsonl", dir);
    vt_write_file(p, jl);
    free(jl);
    char *out;
    if (vt_sh(&out, "%s import --quiet --db '%s' %s", vt_bin(), db, p) != 0)
        fail_msg("import failed: %s", out);
    free(out);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (site.pid > 0)
        vt_server_stop(&site);
    vt_rmrf(dir);
    free(dir);
    free(srv.jpeg_a);
    free(srv.jpeg_b);
    free(srv.jpeg_c);
    return 0;
}

static int fetch(char **out)
{
    return vt_sh(out, "%s media fetch --db '%s' --media '%s' --contact "
                      "https://vcm.example/contact --fetch-delay 100 --fetch-timeout 2 "
                      "--fetch-retries 2 --quiet",
                 vt_bin(), db, media);
}

static char *sql(const char *q)
{
    char *out;
    if (vt_db_sql(&out, db, q) != 0)
        fail_msg("%s: %s", q, out);
    return out;
}

/* The state of the URL ending in path: "state|http_status|error". */
static char *state_of(const char *path)
{
    char q[512];
    snprintf(q, sizeof q, "SELECT state || '|' || coalesce(http_status, 0) || '|' || "
                          "coalesce(error, '') FROM fetch_state WHERE url = "
                          "'http://127.0.0.1:%d%s'", srv.port, path);
    return sql(q);
}

static const char *const media_dump = "SELECT o.source_id, m.identifier, m.checksum, m.file, "
                                      "m.width, m.height, m.rights FROM media m JOIN objects o "
                                      "ON o.id = m.object_id ORDER BY o.source_id";

static void test_fetch(void **state)
{
    (void)state;
    char *out;
    /* before: the object page says the image is at the museum, and links it */
    vt_server_start(&site, db);
    char *id = sql("SELECT id FROM objects WHERE source_id = 'T0'");
    id[strcspn(id, "\n")] = '\0';
    char path[64], want[128];
    snprintf(path, sizeof path, "/objects/%s", id);
    struct vt_resp r = vt_get(&site, path);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "The museum publishes an image of this object on its own website");
    snprintf(want, sizeof want, "href=\"http://127.0.0.1:%d/img/a.jpg\"", srv.port);
    assert_contains(r.body, want);
    vt_resp_free(&r);

    /* run 1 (the server stays up: fetching never blocks it) */
    int rc = fetch(&out);
    assert_int_equal(rc, 1); /* some URLs failed or were refused */
    snprintf(want, sizeof want, "http://127.0.0.1:%d: 3 images added", srv.port);
    assert_contains(out, want);
    assert_contains(out, "1 not open (rights)");
    free(out);

    char *m = sql("SELECT count(*) FROM media");
    assert_string_equal(m, "3\n");
    free(m);
    m = sql("SELECT o.source_id FROM media m JOIN objects o ON o.id = m.object_id "
            "ORDER BY o.source_id");
    assert_string_equal(m, "T0\nT1\nT3\n"); /* a.jpg, the redirect, busy after the 429 */
    free(m);
    struct {
        const char *path, *want;
    } outcomes[] = {
        {"/img/a.jpg", "done|200|\n"},
        {"/redir", "done|200|\n"},
        {"/busy.jpg", "done|200|\n"},
        {"/missing.jpg", "failed|404|HTTP 404\n"},
        {"/slow.jpg", "failed|0|timed out after 2 s\n"},
        {"/truncated.jpg", "failed|200|the body ended early (truncated)\n"},
        {"/fake.jpg", "refused|200|not an image (its first bytes are no image type)\n"},
        {"/private/c.jpg", "refused|0|robots.txt disallows it\n"},
    };
    for (size_t i = 0; i < sizeof outcomes / sizeof outcomes[0]; i++) {
        char *s = state_of(outcomes[i].path);
        if (strcmp(s, outcomes[i].want) != 0)
            fail_msg("%s: '%s', not '%s'", outcomes[i].path, s, outcomes[i].want);
        free(s);
    }
    /* libvips cannot load it, though it starts like a JPEG; the bomb is
     * refused from its header, before any decoding */
    char *s = state_of("/corrupt.jpg");
    assert_true(strncmp(s, "refused|200|", 12) == 0);
    free(s);
    s = state_of("/bomb.png");
    assert_true(strncmp(s, "refused|200|", 12) == 0);
    assert_contains(s, "pixels");
    free(s);

    /* politeness: robots.txt first, the disallowed path and the closed
     * image never asked for, the 429's Retry-After waited for, retries
     * bounded, and the User-Agent names VCM and the contact */
    int first = -1, busy1 = -1;
    assert_int_equal(hits("/robots.txt", 0, &first), 1);
    for (int i = 0; i < first; i++) /* nothing asked of this site before it */
        assert_false(strncmp(srv.log[i].host, "127.0.0.1", 9) == 0);
    assert_int_equal(hits("/private/c.jpg", 0, NULL), 0);
    assert_int_equal(hits("/img/closed.jpg", 0, NULL), 0);
    assert_int_equal(hits("/busy.jpg", 0, &busy1), 2);
    int busy2 = -1;
    hits("/busy.jpg", busy1 + 1, &busy2);
    /* Retry-After: 3 is longer than the first backoff (2 s) */
    assert_true(srv.log[busy2].t - srv.log[busy1].t >= 2.95);
    assert_int_equal(hits("/missing.jpg", 0, NULL), 1); /* a 404 is not retried */
    assert_int_equal(hits("/slow.jpg", 0, NULL), 2);
    assert_int_equal(hits("/truncated.jpg", 0, NULL), 2);
    /* a site whose robots.txt fails is left alone, and tried again next run */
    assert_int_equal(hits_on("localhost", "/robots.txt", 0, NULL), 1);
    assert_int_equal(hits_on("localhost", "/img/a.jpg", 0, NULL), 0);
    char q[300];
    snprintf(q, sizeof q, "SELECT state || '|' || error FROM fetch_state WHERE url = "
                          "'http://localhost:%d/img/a.jpg'", srv.port);
    s = sql(q);
    assert_string_equal(s, "failed|robots.txt could not be read: the site is left alone\n");
    free(s);
    assert_contains(srv.log[first].ua, "VCM/");
    assert_contains(srv.log[first].ua, "https://vcm.example/contact");

    /* the page now shows the image */
    r = vt_get(&site, path);
    assert_contains(r.body, "id=\"viewer\"");
    assert_not_contains(r.body, "The museum publishes an image of this object");
    vt_resp_free(&r);

    /* run 2: conditional requests, answered 304; nothing stored changes */
    char *before = sql(media_dump);
    char *states = sql("SELECT url, state, etag, last_modified, identifier, checked FROM "
                       "fetch_state WHERE state = 'done' ORDER BY url");
    int mark = srv.nlog;
    rc = fetch(&out);
    assert_int_equal(rc, 1);
    snprintf(want, sizeof want, "http://127.0.0.1:%d: 0 images added, 3 unchanged", srv.port);
    assert_contains(out, want);
    free(out);
    int at = -1;
    assert_int_equal(hits("/img/a.jpg", mark, &at), 1);
    assert_string_equal(srv.log[at].inm, "\"va\"");
    assert_int_equal(hits("/fake.jpg", mark, NULL), 0);   /* a refusal stands */
    assert_int_equal(hits("/bomb.png", mark, NULL), 0);
    assert_int_equal(hits("/private/c.jpg", mark, NULL), 0);
    char *after = sql(media_dump);
    assert_string_equal(before, after);
    char *states2 = sql("SELECT url, state, etag, last_modified, identifier, checked FROM "
                        "fetch_state WHERE state = 'done' ORDER BY url");
    assert_string_equal(states, states2);
    free(before);
    free(after);
    free(states);
    free(states2);
    free(id);
    int st = vt_server_stop(&site);
    site.pid = 0;
    assert_int_equal(st, 0);
}

static void test_needs_contact(void **state)
{
    (void)state;
    char *out;
    assert_int_equal(vt_sh(&out, "VCM_CONTACT= %s media fetch --db '%s' --media '%s'", vt_bin(),
                           db, media),
                     2);
    assert_contains(out, "--contact");
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_needs_contact),
        cmocka_unit_test(test_fetch),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
