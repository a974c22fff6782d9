/* Search over HTTP with real `vcm serve` processes: the /search page (no
 * JavaScript needed), /api/v1/search and /api/v1/suggest, bad input, the
 * index following writes, and catching up after the server is killed
 * during a burst of writes. */
#include "testutil.h"

#include <jansson.h>

static char *dir;
static char db[1024];
static struct vt_server srv;

/* Waits until the server's search answers (it builds its index first). */
static void wait_ready(const struct vt_server *s)
{
    for (int i = 0; i < 1200; i++) {
        struct vt_resp r = vt_get(s, "/api/v1/search?q=a&limit=1&facets=none");
        long st = r.status;
        vt_resp_free(&r);
        if (st == 200)
            return;
        if (st != 503)
            fail_msg("search answered %ld while starting", st);
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    fail_msg("search was not ready within 120 s");
}

static json_t *get_json(const struct vt_server *s, const char *path, long want)
{
    struct vt_resp r = vt_get(s, path);
    if (r.status != want)
        fail_msg("%s: status %ld, wanted %ld: %.300s", path, r.status, want, r.body ? r.body : "");
    json_error_t e;
    json_t *j = json_loadb(r.body, r.len, 0, &e);
    if (!j)
        fail_msg("%s: not JSON: %s", path, e.text);
    vt_resp_free(&r);
    return j;
}

/* vt_get for addresses longer than its 2 KB buffer. */
static struct vt_resp get_long(const struct vt_server *s, const char *path)
{
    size_t n = strlen(s->base) + strlen(path) + 1;
    char *url = malloc(n);
    assert_non_null(url);
    snprintf(url, n, "%s%s", s->base, path);
    struct vt_resp r = vt_http("GET", url, NULL, NULL);
    free(url);
    return r;
}

static int64_t api_total(const struct vt_server *s, const char *qenc)
{
    char path[512];
    snprintf(path, sizeof path, "/api/v1/search?q=%s&limit=1&facets=none", qenc);
    json_t *j = get_json(s, path, 200);
    int64_t t = json_integer_value(json_object_get(j, "total"));
    json_decref(j);
    return t;
}

static int group_setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    /* a slice of the demo: enough to search, quick to index */
    vt_demo_slice(db, sizeof db, dir, "part", 4000);
    vt_server_start(&srv, db);
    wait_ready(&srv);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    assert_int_equal(vt_server_stop(&srv), 0);
    vt_rmrf(dir);
    free(dir);
    return 0;
}

static void test_page_without_javascript(void **state)
{
    (void)state;
    struct vt_resp r = vt_get(&srv, "/search?q=celadon");
    assert_int_equal(r.status, 200);
    const char *b = r.body;
    /* a plain GET form, the results and the facets are in the HTML itself */
    assert_non_null(strstr(b, "<form class=\"search-page\" role=\"search\" action=\"/search\" method=\"get\">"));
    assert_non_null(strstr(b, "value=\"celadon\""));
    assert_non_null(strstr(b, "<ol class=\"hits\">"));
    assert_non_null(strstr(b, "<mark>"));
    assert_non_null(strstr(b, "<section class=\"facet\">"));
    assert_non_null(strstr(b, "href=\"/search?q=celadon&amp;museum="));
    assert_non_null(strstr(b, "<span class=\"n\">"));
    /* the expansions used, each with a link that turns it off */
    assert_non_null(strstr(b, "class=\"expansions\""));
    assert_non_null(strstr(b, "青瓷"));
    assert_non_null(strstr(b, "noexpand=celadon"));
    assert_non_null(strstr(b, "<meta name=\"robots\" content=\"noindex\">"));
    vt_resp_free(&r);
    /* following a facet link narrows the results; the chip removes it */
    json_t *j = get_json(&srv, "/api/v1/search?q=celadon&facets=museum&limit=1", 200);
    json_t *m = json_array_get(json_object_get(json_object_get(j, "facets"), "museum"), 0);
    assert_non_null(m);
    char path[256];
    snprintf(path, sizeof path, "/search?q=celadon&museum=%s", json_string_value(json_object_get(m, "value")));
    r = vt_get(&srv, path);
    assert_int_equal(r.status, 200);
    char count[64];
    snprintf(count, sizeof count, "<strong>%lld result", (long long)json_integer_value(json_object_get(m, "count")));
    assert_non_null(strstr(r.body, count));
    assert_non_null(strstr(r.body, "class=\"chip\""));
    vt_resp_free(&r);
    json_decref(j);
    /* every page has the search box */
    r = vt_get(&srv, "/");
    assert_non_null(strstr(r.body, "<form class=\"find\" role=\"search\" action=\"/search\""));
    vt_resp_free(&r);
}

static void test_page_when_nothing_matches(void **state)
{
    (void)state;
    struct vt_resp r = vt_get(&srv, "/search?q=porcelian");
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "Nothing matches"));
    assert_non_null(strstr(r.body, "href=\"/search?q=porcelain\""));
    vt_resp_free(&r);
    r = vt_get(&srv, "/search?q=celadon%20zzqqxx");
    assert_non_null(strstr(r.body, "href=\"/search?q=celadon\""));
    vt_resp_free(&r);
}

static void test_bad_input_never_5xx(void **state)
{
    (void)state;
    /* what visitors type: always 200, with a note (on the API, a date: it
     * cannot read is the 400 of date=abc: test_errors_same_everywhere) */
    const char *qs[] = {"%22blue%20and%20white", "date%3Aabc%20vase", "%22", "-", "OR", "%2A",
                        "%E7%8E%89%22%22%22", "museum%3A", "country%3AZZ"};
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
        char path[256];
        snprintf(path, sizeof path, "/search?q=%s", qs[i]);
        struct vt_resp r = vt_get(&srv, path);
        if (r.status != 200)
            fail_msg("%s: %ld", path, r.status);
        vt_resp_free(&r);
        snprintf(path, sizeof path, "/api/v1/search?q=%s", qs[i]);
        r = vt_get(&srv, path);
        long want = strstr(qs[i], "date%3Aabc") ? 400 : 200;
        if (r.status != want)
            fail_msg("%s: %ld, wanted %ld", path, r.status, want);
        vt_resp_free(&r);
    }
    struct vt_resp r = vt_get(&srv, "/search?q=%22blue");
    assert_non_null(strstr(r.body, "quotation mark"));
    vt_resp_free(&r);
    r = vt_get(&srv, "/search?q=date%3Aabc");
    assert_non_null(strstr(r.body, "&#39;abc&#39;"));
    vt_resp_free(&r);
    /* 10,000 characters */
    size_t n = 10000;
    char *path = malloc(n + 64);
    int k = snprintf(path, 64, "/api/v1/search?q=");
    for (size_t i = 0; i < n; i++)
        path[k + i] = i % 9 == 8 ? '+' : 'a';
    path[k + n] = 0;
    /* more than a search takes: a problem document on the API, a note on
     * the page */
    r = get_long(&srv, path);
    assert_int_equal(r.status, 400);
    json_t *j = json_loadb(r.body, r.len, 0, NULL);
    assert_non_null(j);
    assert_non_null(strstr(json_string_value(json_object_get(j, "detail")), "too long"));
    json_decref(j);
    vt_resp_free(&r);
    path[1] = 's'; /* the page too: "/search?q=…" */
    memmove(path, "/search?q=", 10);
    memmove(path + 10, path + k, n + 1);
    r = get_long(&srv, path);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "This search is too long"));
    vt_resp_free(&r);
    free(path);
    /* parameters only software sends: 400 on the API, with a reason */
    const char *bad[] = {"limit=0", "limit=abc", "sort=bogus", "facets=bogus", "offset=-1",
                         "cursor=zzz", "date=abc", "image=maybe", "licence=free", "century=0",
                         "country=Korea", "museum=x", "material=unobtainium", "q=%ff"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char p2[128];
        snprintf(p2, sizeof p2, "/api/v1/search?q=vase&%s", bad[i]);
        struct vt_resp e = vt_get(&srv, p2);
        if (e.status != 400)
            fail_msg("%s: %ld", p2, e.status);
        assert_non_null(strstr(e.body, "\"detail\""));
        vt_resp_free(&e);
        /* the page shows the results without the bad parameter, and a note
         * naming it */
        snprintf(p2, sizeof p2, "/search?q=vase&%s", bad[i]);
        e = vt_get(&srv, p2);
        if (e.status != 200)
            fail_msg("%s: %ld", p2, e.status);
        char name[32];
        snprintf(name, sizeof name, "%.*s", (int)strcspn(bad[i], "="), bad[i]);
        const char *notes = strstr(e.body, "<div id=\"q-notes\" role=\"status\"><ul class=\"notes\">");
        if (!notes || !strstr(notes, name))
            fail_msg("%s: no note naming %s", p2, name);
        vt_resp_free(&e);
    }
    r = vt_get(&srv, "/api/v1/suggest?q=a&limit=500");
    assert_int_equal(r.status, 400);
    vt_resp_free(&r);
}

static void test_api(void **state)
{
    (void)state;
    json_t *j = get_json(&srv, "/api/v1/search?q=vase&facets=museum,century&limit=5", 200);
    int64_t total = json_integer_value(json_object_get(j, "total"));
    assert_true(total > 5);
    json_t *hits = json_object_get(j, "hits");
    assert_int_equal(json_array_size(hits), 5);
    json_t *h = json_array_get(hits, 0);
    assert_true(json_integer_value(json_object_get(h, "id")) > 0);
    assert_non_null(json_string_value(json_object_get(h, "title")));
    assert_non_null(json_object_get(h, "title_marked"));
    json_t *f = json_object_get(j, "facets");
    assert_non_null(json_object_get(f, "museum"));
    assert_non_null(json_object_get(f, "century"));
    assert_null(json_object_get(f, "region"));
    assert_true(json_array_size(json_object_get(j, "expansions")) >= 1);
    const char *next = json_string_value(json_object_get(j, "next"));
    assert_non_null(next);
    /* the next page has other hits */
    char path[512];
    snprintf(path, sizeof path, "/api/v1/search?q=vase&facets=none&limit=5&cursor=%s", next);
    json_t *j2 = get_json(&srv, path, 200);
    json_t *h2 = json_array_get(json_object_get(j2, "hits"), 0);
    assert_true(json_integer_value(json_object_get(h2, "id")) != json_integer_value(json_object_get(h, "id")));
    assert_int_equal(json_integer_value(json_object_get(j2, "total")), total);
    json_decref(j2);
    json_decref(j);
    /* the same with the thesaurus off: fewer or as many */
    assert_true(api_total(&srv, "vase&expand=0") <= total);
    /* autocomplete in several scripts */
    const char *prefixes[] = {"porc", "%EC%B2%AD", "%E7%8E%89", "cel"};
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
        snprintf(path, sizeof path, "/api/v1/suggest?q=%s", prefixes[i]);
        json_t *s = get_json(&srv, path, 200);
        if (json_array_size(json_object_get(s, "suggestions")) < 1)
            fail_msg("no suggestion for %s", prefixes[i]);
        json_decref(s);
    }
    /* CORS like the rest of the API */
    struct vt_resp r = vt_get(&srv, "/api/v1/search?q=vase");
    assert_non_null(vt_header(&r, "Access-Control-Allow-Origin"));
    assert_non_null(vt_header(&r, "Link"));
    vt_resp_free(&r);
}

static void write_records(const char *path, int from, int to, const char *word)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (int i = from; i < to; i++)
        fprintf(f, "{\"source_museum\": \"Burst Museum\", \"source_country\": \"KR\", "
                   "\"source_id\": \"b%d\", \"title\": \"Record %d %s\", \"date_start\": 1500, "
                   "\"date_end\": 1600, \"culture\": \"Korea\"}\n", i, i, word);
    fclose(f);
}

/* A write through the store is searchable a moment later. */
static void test_follows_writes(void **state)
{
    (void)state;
    char path[700];
    snprintf(path, sizeof path, "%s/one.jsonl", dir);
    write_records(path, 0, 3, "zyzzyvaqx");
    assert_int_equal(api_total(&srv, "zyzzyvaqx"), 0);
    assert_int_equal(vt_sh(NULL, "%s import --quiet --db '%s' %s", vt_bin(), db, path), 0);
    int64_t t = 0;
    for (int i = 0; i < 100 && t != 3; i++) {
        t = api_total(&srv, "zyzzyvaqx");
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    assert_int_equal(t, 3);
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* Two nodes on one database, each with its own index: a write made by a
 * third process is searchable on both within a second. */
static void test_two_nodes_follow_within_a_second(void **state)
{
    (void)state;
    struct vt_server two;
    vt_server_start(&two, db);
    wait_ready(&two);
    assert_int_equal(api_total(&two, "celadon"), api_total(&srv, "celadon"));
    char path[700];
    snprintf(path, sizeof path, "%s/two.jsonl", dir);
    write_records(path, 500, 505, "qqtwonode");
    assert_int_equal(vt_sh(NULL, "%s import --quiet --db '%s' %s", vt_bin(), db, path), 0);
    double t0 = now_ms(), seen[2] = {-1, -1};
    const struct vt_server *nodes[2] = {&srv, &two};
    while (now_ms() - t0 < 5000 && (seen[0] < 0 || seen[1] < 0))
        for (int i = 0; i < 2; i++)
            if (seen[i] < 0 && api_total(nodes[i], "qqtwonode") == 5)
                seen[i] = now_ms() - t0;
    print_message("a write searchable after %.0f ms on node 1, %.0f ms on node 2\n", seen[0], seen[1]);
    assert_true(seen[0] >= 0 && seen[0] <= 1000);
    assert_true(seen[1] >= 0 && seen[1] <= 1000);
    assert_int_equal(vt_server_stop(&two), 0);
}

/* SIGKILL during a burst of writes, then a restart: the index catches up
 * with every write the store committed, whether the index file saw it or
 * not. */
static void test_sigkill_during_writes(void **state)
{
    (void)state;
    char kdb[1024], a[700], b[700], kdir[700];
    /* a folder of its own: a server's media folder is beside its database */
    snprintf(kdir, sizeof kdir, "%s/burst", dir);
    assert_int_equal(mkdir(kdir, 0700), 0);
    vt_db_url(kdb, sizeof kdb, kdir, "burst");
    snprintf(a, sizeof a, "%s/burst-a.jsonl", dir);
    snprintf(b, sizeof b, "%s/burst-b.jsonl", dir);
    write_records(a, 0, 3000, "qqburst");
    write_records(b, 0, 500, "qqchanged");
    /* a first record, so that the server starts with an index file */
    char one[700];
    snprintf(one, sizeof one, "%s/burst-0.jsonl", dir);
    write_records(one, 100000, 100001, "qqfirst");
    assert_int_equal(vt_sh(NULL, "%s import --quiet --db '%s' %s", vt_bin(), kdb, one), 0);
    struct vt_server k;
    vt_server_start(&k, kdb);
    wait_ready(&k);
    assert_int_equal(api_total(&k, "qqfirst"), 1);
    /* the burst: 3000 inserts then 500 updates, in batches of 50 */
    pid_t w = fork();
    assert_true(w >= 0);
    if (w == 0) {
        char cmd[8192];
        snprintf(cmd, sizeof cmd, "%s import --quiet --batch 50 --db '%s' %s && "
                                  "%s import --quiet --batch 50 --db '%s' %s",
                 vt_bin(), kdb, a, vt_bin(), kdb, b);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    /* kill the server once the index has followed part of the burst */
    int64_t seen = 0;
    for (int i = 0; i < 2000 && seen < 200; i++) {
        seen = api_total(&k, "qqburst");
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    assert_int_equal(kill(k.pid, SIGKILL), 0);
    int st;
    waitpid(k.pid, &st, 0);
    assert_true(WIFSIGNALED(st));
    assert_int_equal(waitpid(w, &st, 0), w);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    /* what the store holds */
    char *out = NULL;
    assert_int_equal(vt_db_sql(&out, kdb, "SELECT count(*) FROM objects"), 0);
    assert_int_equal(atoi(out), 3001);
    free(out);
    vt_server_start(&k, kdb);
    wait_ready(&k);
    assert_int_equal(api_total(&k, "qqburst"), 2500);
    assert_int_equal(api_total(&k, "qqchanged"), 500);
    assert_int_equal(api_total(&k, "qqfirst"), 1);
    assert_int_equal(api_total(&k, "record"), 3001);
    assert_int_equal(vt_server_stop(&k), 0);
}

/* The answer to any search address is small (2,700 quotation marks once
 * made a page of 2.9 MB: hundreds of facet links each repeating them, and
 * any long parameter did the same). A query longer than a search takes is
 * refused: 400 on the API, a note on the page, which keeps only what fits. */
/* One mistake, one answer: a 30 or 40 KB address is a 414 problem
 * document on the API (an error page elsewhere), and date:abc in q the
 * same 400 as date=abc. */
static void test_errors_same_everywhere(void **state)
{
    (void)state;
    char *path = malloc(40 * 1024 + 64);
    assert_non_null(path);
    const char *bases[] = {"/api/v1/search?q=", "/search?q=", "/api/v1/search?q=", "/search?q="};
    for (size_t b = 0; b < 4; b++) {
        size_t n = (b < 2 ? 30 : 40) * 1024;
        int l = snprintf(path, 64, "%s", bases[b]);
        memset(path + l, 'a', n);
        path[l + n] = '\0';
        struct vt_resp r = get_long(&srv, path);
        if (r.status != 414)
            fail_msg("%s (%zu KB): status %ld, wanted 414", bases[b], n / 1024, r.status);
        if (b % 2 == 0) {
            assert_contains(vt_header(&r, "Content-Type"), "application/problem+json");
            json_error_t e;
            json_t *j = json_loadb(r.body, r.len, 0, &e);
            assert_non_null(j);
            assert_int_equal(json_integer_value(json_object_get(j, "status")), 414);
            assert_non_null(json_string_value(json_object_get(j, "title")));
            json_decref(j);
        } else {
            assert_contains(vt_header(&r, "Content-Type"), "text/html");
        }
        vt_resp_free(&r);
    }
    free(path);
    json_t *a = get_json(&srv, "/api/v1/search?date=abc", 400);
    json_t *q = get_json(&srv, "/api/v1/search?q=date%3Aabc", 400);
    assert_string_equal(json_string_value(json_object_get(a, "type")),
                        json_string_value(json_object_get(q, "type")));
    assert_string_equal(json_string_value(json_object_get(a, "title")),
                        json_string_value(json_object_get(q, "title")));
    assert_string_equal(json_string_value(json_object_get(a, "detail")),
                        json_string_value(json_object_get(q, "detail")));
    json_decref(a);
    json_decref(q);
    /* a date the language reads is no error */
    json_decref(get_json(&srv, "/api/v1/search?q=date%3A1600..1700&limit=1", 200));
}

static void test_answers_bounded_in_size(void **state)
{
    (void)state;
    enum { PAGE_MAX = 200 * 1024 };
    struct vt_resp r = vt_get(&srv, "/search?q=vase");
    assert_int_equal(r.status, 200);
    size_t usual = r.len;
    vt_resp_free(&r);
    char *path = malloc(40000);
    struct {
        const char *what, *piece;
        int times;
        bool refused; /* on the API */
    } cases[] = {
        {"2,700 quotation marks", "%22", 2700, true},
        {"500 quotation marks (250 empty phrases)", "%22", 500, true},
        {"65 words", "ab+", 65, true},
        {"10,000 letters", "x", 10000, true},
        /* within the limits, matching every record: 498 bytes of Chinese
         * left out, so that every facet has every item */
        {"a long query that matches everything", "-%E4%B8%AD", 1, false},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        for (int api = 0; api < 2; api++) {
            int n = snprintf(path, 40000, "%s?q=", api ? "/api/v1/search" : "/search");
            if (c == 4) {
                n += snprintf(path + n, 40000 - (size_t)n, "-");
                for (int i = 0; i < 166; i++)
                    n += snprintf(path + n, 40000 - (size_t)n, "%%E4%%B8%%AD");
            } else {
                for (int i = 0; i < cases[c].times; i++)
                    n += snprintf(path + n, 40000 - (size_t)n, "%s", cases[c].piece);
            }
            /* and every free-text filter as long as it may be */
            if (c == 4)
                n += snprintf(path + n, 40000 - (size_t)n, "&noexpand=%0300d", 0);
            r = get_long(&srv, path);
            if (r.len > PAGE_MAX)
                fail_msg("%s, %s: %zu bytes (a usual search page: %zu)", api ? "API" : "page",
                         cases[c].what, r.len, usual);
            if (api) {
                if (r.status != (cases[c].refused ? 400 : 200))
                    fail_msg("API, %s: status %ld", cases[c].what, r.status);
                if (cases[c].refused && !strstr(r.body, "too long"))
                    fail_msg("API, %s: %s", cases[c].what, r.body);
            } else {
                if (r.status != 200)
                    fail_msg("page, %s: status %ld", cases[c].what, r.status);
                if (cases[c].refused && !strstr(r.body, "This search is too long"))
                    fail_msg("page, %s: no note that it is too long", cases[c].what);
            }
            vt_resp_free(&r);
        }
    }
    /* long filters: 400 on the API; the page searches without them and
     * its links do not repeat them */
    const char *filters[] = {"classification", "noexpand", "expand", "region", "date", "sort"};
    for (size_t f = 0; f < sizeof filters / sizeof *filters; f++) {
        for (int api = 0; api < 2; api++) {
            int n = snprintf(path, 40000, "%s?q=&%s=", api ? "/api/v1/search" : "/search",
                             filters[f]);
            for (int i = 0; i < 2700; i++)
                n += snprintf(path + n, 40000 - (size_t)n, "%%22");
            r = get_long(&srv, path);
            if (r.len > PAGE_MAX)
                fail_msg("%s with a long %s: %zu bytes", api ? "API" : "page", filters[f], r.len);
            if (r.status != (api ? 400 : 200))
                fail_msg("%s with a long %s: status %ld", api ? "API" : "page", filters[f],
                         r.status);
            vt_resp_free(&r);
        }
    }
    /* a query within the limits is searched as before */
    r = vt_get(&srv, "/api/v1/search?q=%22blue+and+white%22+OR+celadon+-japan&limit=1");
    assert_int_equal(r.status, 200);
    vt_resp_free(&r);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_page_without_javascript),
        cmocka_unit_test(test_page_when_nothing_matches),
        cmocka_unit_test(test_bad_input_never_5xx),
        cmocka_unit_test(test_answers_bounded_in_size),
        cmocka_unit_test(test_errors_same_everywhere),
        cmocka_unit_test(test_api),
        cmocka_unit_test(test_follows_writes),
        cmocka_unit_test(test_two_nodes_follow_within_a_second),
        cmocka_unit_test(test_sigkill_during_writes),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
