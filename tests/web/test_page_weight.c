/* The first view of every public page stays light: the HTML, the
 * stylesheets, fonts and scripts the HTML asks for before any image (the
 * bytes sent to a browser, which accepts gzip) are under 50 KB together.
 * Scripts a page fetches only after its load event (the deep-zoom viewer's
 * OpenSeadragon) and images are not part of it.
 *
 * A real `vcm serve` over loopback, on a slice of the National Palace
 * Museum's records with one image (jade-a on 古玉3888). Each page's figures
 * (sent and uncompressed) are printed. */
#include "testutil.h"

#include <jansson.h>

#define FIRST_VIEW_MAX (50 * 1024)

static char *dir;
static char db[1024];
static struct vt_server srv;

static int group_setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    vt_db_url(db, sizeof db, dir, "weight");
    char *out;
    if (vt_sh(&out, "grep -m 60 'National Palace Museum' %s/collection.jsonl > %s/npm.jsonl && "
                    "grep '古玉3888' %s/collection.jsonl >> %s/npm.jsonl && "
                    "%s import --quiet --db '%s' %s/npm.jsonl",
              vt_data(), dir, vt_data(), dir, vt_bin(), db, dir) != 0)
        fail_msg("import failed: %s", out);
    free(out);
    char media[700];
    const char *slash = strrchr(db, '/');
    if (strncmp(db, "sqlite:", 7) == 0 && slash)
        snprintf(media, sizeof media, "%.*s/media", (int)(slash - db - 7), db + 7);
    else
        snprintf(media, sizeof media, "/tmp/vcm-test-media-%d", (int)getpid());
    if (vt_sh(&out, "%s media add --quiet --db '%s' --media %s 古玉3888 "
                    "%s/images/npm_taipei/jade070_00.jpg --id jade-a",
              vt_bin(), db, media, vt_data()) != 0)
        fail_msg("media add failed: %s", out);
    free(out);
    vt_server_start(&srv, db);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    vt_server_stop(&srv);
    vt_rmrf(dir);
    free(dir);
    return 0;
}

struct weight {
    size_t sent, plain;
    int files;
};

static struct vt_resp fetch(const char *path, const char *accept)
{
    char url[2048];
    snprintf(url, sizeof url, "%s%s", srv.base, path);
    return vt_http("GET", url, NULL, accept);
}

/* Adds one response's body to w: as sent with gzip accepted, and without. */
static void count(struct weight *w, const char *path, char **html)
{
    struct vt_resp z = fetch(path, "Accept-Encoding: gzip, deflate, br");
    if (z.status != 200)
        fail_msg("GET %s: %ld", path, z.status);
    struct vt_resp p = fetch(path, NULL);
    assert_int_equal(p.status, 200);
    w->sent += z.len;
    w->plain += p.len;
    w->files++;
    if (html)
        *html = strdup(p.body);
    vt_resp_free(&z);
    vt_resp_free(&p);
}

/* The value of attribute name in the tag starting at tag (up to its '>'),
 * into out; false when absent. */
static bool attr(const char *tag, const char *name, char *out, size_t size)
{
    const char *end = strchr(tag, '>');
    char key[32];
    snprintf(key, sizeof key, " %s=\"", name);
    const char *a = strstr(tag, key);
    if (!a || (end && a > end))
        return false;
    a += strlen(key);
    const char *q = strchr(a, '"');
    if (!q)
        return false;
    snprintf(out, size, "%.*s", (int)(q - a), a);
    return true;
}

/* Everything the page's HTML makes a browser fetch before images:
 * <link rel="stylesheet">, <link rel="preload"> of fonts, styles and
 * scripts, and <script src> (deferred or not). Same-site only; anything
 * else would be a finding of its own. */
static void count_assets(struct weight *w, const char *html)
{
    for (const char *p = html; (p = strchr(p, '<')); p++) {
        char href[512], rel[64], as[32];
        bool script = strncmp(p, "<script", 7) == 0 && attr(p, "src", href, sizeof href);
        bool link = strncmp(p, "<link", 5) == 0 && attr(p, "rel", rel, sizeof rel) &&
                    attr(p, "href", href, sizeof href) &&
                    (strcmp(rel, "stylesheet") == 0 ||
                     (strcmp(rel, "preload") == 0 && attr(p, "as", as, sizeof as) &&
                      (strcmp(as, "font") == 0 || strcmp(as, "style") == 0 ||
                       strcmp(as, "script") == 0)));
        if (!script && !link)
            continue;
        if (href[0] != '/' || href[1] == '/')
            fail_msg("the page loads %s from another site", href);
        count(w, href, NULL);
    }
}

/* url(…) of fonts in a stylesheet: fetched before the text shows. */
static void count_fonts(struct weight *w, const char *html)
{
    for (const char *p = html; (p = strstr(p, "<link")); p++) {
        char rel[64], href[512];
        if (!attr(p, "rel", rel, sizeof rel) || strcmp(rel, "stylesheet") != 0 ||
            !attr(p, "href", href, sizeof href))
            continue;
        struct vt_resp css = fetch(href, NULL);
        for (const char *u = css.body; (u = strstr(u, "url(")); u++) {
            const char *b = u + 4 + (u[4] == '"' || u[4] == '\'');
            size_t n = strcspn(b, "\"')");
            char path[512];
            snprintf(path, sizeof path, "%.*s", (int)n, b);
            if (strstr(path, ".woff") || strstr(path, ".ttf") || strstr(path, ".otf"))
                count(w, path, NULL);
        }
        vt_resp_free(&css);
    }
}

static void weigh(const char *name, const char *path)
{
    struct weight w = {0};
    char *html = NULL;
    count(&w, path, &html);
    count_assets(&w, html);
    count_fonts(&w, html);
    fflush(stderr);
    printf("first view of %-16s %-40s %2d files, %6zu bytes sent (%6zu uncompressed)\n", name, path,
           w.files, w.sent, w.plain);
    if (w.sent > FIRST_VIEW_MAX)
        fail_msg("the first view of %s (%s) is %zu bytes, over %d", name, path, w.sent,
                 FIRST_VIEW_MAX);
    fflush(stdout);
    free(html);
}

/* The path of the first link on page whose target starts with prefix. */
static void first_link(const char *page, const char *prefix, char *out, size_t size)
{
    struct vt_resp r = fetch(page, NULL);
    assert_int_equal(r.status, 200);
    char key[128];
    snprintf(key, sizeof key, "href=\"%s", prefix);
    const char *a = strstr(r.body, key);
    if (!a)
        fail_msg("no link to %s… on %s", prefix, page);
    a += 6;
    snprintf(out, size, "%.*s", (int)strcspn(a, "\"?#"), a);
    vt_resp_free(&r);
}

static void test_public_pages_are_light(void **state)
{
    (void)state;
    /* the search index is built after the server starts: 503 until then */
    for (int i = 0;; i++) {
        struct vt_resp r = fetch("/api/v1/search?q=a&facets=none", NULL);
        long st = r.status;
        vt_resp_free(&r);
        if (st == 200)
            break;
        assert_true(i < 600);
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    struct vt_resp r = fetch("/api/v1/objects?source_id=%E5%8F%A4%E7%8E%893888", NULL);
    assert_int_equal(r.status, 200);
    json_t *j = json_loads(r.body, 0, NULL);
    assert_non_null(j);
    char with_image[128];
    json_t *id = json_object_get(json_array_get(json_object_get(j, "items"), 0), "id");
    assert_true(json_is_integer(id) || json_is_string(id));
    if (json_is_integer(id))
        snprintf(with_image, sizeof with_image, "/objects/%lld", (long long)json_integer_value(id));
    else
        snprintf(with_image, sizeof with_image, "/objects/%s", json_string_value(id));
    json_decref(j);
    vt_resp_free(&r);
    char without_image[128], museum[128], country[128];
    first_link("/browse?image=no", "/objects/", without_image, sizeof without_image);
    first_link("/museums", "/museums/", museum, sizeof museum);
    first_link("/countries", "/countries/", country, sizeof country);

    weigh("home", "/");
    weigh("browse", "/browse");
    weigh("search", "/search?q=%E7%8E%89");
    weigh("search, none", "/search?q=zzqxjvwk");
    weigh("object, image", with_image);
    weigh("object, no image", without_image);
    weigh("museums", "/museums");
    weigh("museum", museum);
    weigh("countries", "/countries");
    weigh("country", country);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_ALL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_public_pages_are_light),
    };
    int rc = cmocka_run_group_tests(tests, group_setup, group_teardown);
    curl_global_cleanup();
    return rc;
}
