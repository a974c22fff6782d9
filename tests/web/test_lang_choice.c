/* Choosing the request's language (http/req.h, web/lang.c), through a real
 * server on loopback over a one-record store: each source of the choice
 * (URL prefix, lang parameter, vcm_lang cookie, Accept-Language, English)
 * and their order; the cookie set by a prefix or lang and honoured after;
 * unknown values passed over; no prefix on machine URLs; html lang and dir,
 * hreflang alternates, the canonical URL, the switcher and the links of a
 * prefixed page; Vary; redirects; and a page cache that never serves one
 * language's page to another. A small Korean and Urdu catalogue is loaded
 * beside the built-in English, so that a page still in English fails. */
#include "testutil.h"

#include <jansson.h>

#include "core/config.h"
#include "core/i18n.h"
#include "core/log.h"
#include "http/server.h"
#include "iiif/image.h"
#include "web/web.h"

static char *dir;
static vcm_config cfg;
static vcm_http_config hcfg;
static vcm_web_config wcfg;
static vcm_app app;
static vcm_router *router;
static vcm_server *srv;
static char base[64];

static const char KO[] = "site.name\t가상 컬렉션\n"
                         "nav.browse\t둘러보기\n"
                         "nav.museums\t박물관\n"
                         "langs.summary\t언어\n"
                         "error.404.title\t페이지를 찾을 수 없습니다\n";
static const char UR[] = "nav.browse\tبراؤز کریں\n";

/* A GET with up to two extra headers; Set-Cookie and the rest in headers. */
static struct vt_resp get2(const char *path, const char *h1, const char *h2)
{
    struct vt_resp r = {0};
    struct {
        char *buf;
        size_t len;
    } b = {NULL, 0}, h = {NULL, 0};
    char url[2048];
    snprintf(url, sizeof url, "%s%s", base, path);
    CURL *c = curl_easy_init();
    assert_non_null(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, vt_collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, vt_collect);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
    struct curl_slist *hl = NULL;
    if (h1)
        hl = curl_slist_append(hl, h1);
    if (h2)
        hl = curl_slist_append(hl, h2);
    if (hl)
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK)
        fail_msg("GET %s: %s", url, curl_easy_strerror(rc));
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(hl);
    curl_easy_cleanup(c);
    r.body = b.buf ? b.buf : strdup("");
    r.len = b.len;
    r.headers = h.buf ? h.buf : strdup("");
    r.hlen = h.len;
    return r;
}

/* The page's <html lang> value, into out. */
static const char *html_lang(const struct vt_resp *r, char *out, size_t size)
{
    const char *p = strstr(r->body, "<html lang=\"");
    if (!p)
        fail_msg("no <html lang>: %.200s", r->body);
    p += 12;
    snprintf(out, size, "%.*s", (int)strcspn(p, "\""), p);
    return out;
}

/* Asserts the page at path, asked with headers h1 and h2, is in tag. */
static void expect_lang(const char *path, const char *h1, const char *h2, const char *tag)
{
    struct vt_resp r = get2(path, h1, h2);
    char got[32];
    if (r.status != 200)
        fail_msg("%s: status %ld", path, r.status);
    if (strcmp(html_lang(&r, got, sizeof got), tag) != 0)
        fail_msg("%s with %s, %s: lang %s, not %s", path, h1 ? h1 : "-", h2 ? h2 : "-", got, tag);
    vt_resp_free(&r);
}

static int group_setup(void **state)
{
    (void)state;
    vcm_log_set_level(getenv("VCM_TEST_LOG") ? VCM_LOG_DEBUG : VCM_LOG_ERROR);
    char err[1024];
    if (vcm_i18n_load_builtin(err, sizeof err) < 0 || vcm_iiif_init(err, sizeof err) < 0)
        fail_msg("%s", err);
    if (vcm_i18n_load("ko", KO, strlen(KO), err, sizeof err) < 0 ||
        vcm_i18n_load("ur", UR, strlen(UR), err, sizeof err) < 0)
        fail_msg("test catalogue: %s", err);
    dir = vt_tmpdir();
    vcm_config_defaults(&cfg);
    vcm_web_config_defaults(&wcfg);
    vt_db_url(cfg.db, sizeof cfg.db, dir, "lang");
    char path[800];
    snprintf(path, sizeof path, "%s/one.jsonl", dir);
    vt_write_file(path, "{\"source_museum\": \"Alpha Museum\", \"source_country\": \"KR\", "
                        "\"source_id\": \"a-1\", \"title\": \"Moon jar\", \"date_start\": 1600, "
                        "\"date_end\": 1650}\n");
    if (vt_sh(NULL, "%s import --quiet --db '%s' %s", vt_bin(), cfg.db, path) != 0)
        fail_msg("the import failed");
    snprintf(cfg.media, sizeof cfg.media, "%s/media", dir);
    snprintf(cfg.index, sizeof cfg.index, "%s/index", dir);
    vcm_http_config_defaults(&hcfg);
    snprintf(hcfg.listen, sizeof hcfg.listen, "127.0.0.1:0");
    /* one thread, with the page cache on: every request finds what the
     * ones before it kept */
    hcfg.threads = 1;
    wcfg.render_threads = 1;
    wcfg.page_cache = 64;
    if (vcm_app_init(&app, &cfg, &wcfg, err, sizeof err) < 0)
        fail_msg("app: %s", err);
    router = vcm_router_new();
    assert_int_equal(vcm_app_routes(router), 0);
    srv = vcm_server_start(&hcfg, router, &app, vcm_app_error, err, sizeof err);
    if (!srv)
        fail_msg("server: %s", err);
    snprintf(base, sizeof base, "http://127.0.0.1:%d", vcm_server_port(srv));
    size_t done, total;
    for (int i = 0; i < 400 && vcm_web_search_ready(&app, &done, &total) != 1; i++) {
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    vcm_app_stop_taking(&app);
    vcm_server_stop(srv);
    vcm_router_free(router);
    vcm_app_release(&app);
    vcm_iiif_shutdown();
    vcm_i18n_free();
    vt_rmrf(dir);
    free(dir);
    return 0;
}

/* /ko/: Korean from the URL, the cookie set, links kept under /ko/. */
static void test_prefix(void **state)
{
    (void)state;
    struct vt_resp r = get2("/ko/", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "<html lang=\"ko\" dir=\"ltr\">");
    /* the Korean catalogue's sentences, not the English ones */
    assert_contains(r.body, "둘러보기");
    assert_not_contains(r.body, ">Browse<");
    const char *sc = vt_header(&r, "Set-Cookie");
    assert_non_null(sc);
    assert_contains(sc, "vcm_lang=ko");
    assert_contains(sc, "Path=/");
    assert_contains(sc, "SameSite=Lax");
    assert_contains(sc, "Max-Age=31536000");
    /* chosen by its URL: the page does not vary by header */
    const char *vary = vt_header(&r, "Vary");
    assert_true(!vary || !strstr(vary, "Accept-Language"));
    /* links of the site keep the prefix; the machine URLs take none */
    assert_contains(r.body, "href=\"/ko/browse\"");
    assert_contains(r.body, "href=\"/ko/museums\"");
    assert_contains(r.body, "action=\"/ko/search\"");
    assert_contains(r.body, "class=\"brand\" href=\"/ko/\"");
    assert_not_contains(r.body, "href=\"/browse\"");
    assert_not_contains(r.body, "href=\"/museums\"");
    assert_contains(r.body, "href=\"/static/vcm.css\"");
    assert_contains(r.body, "href=\"/api/v1/objects\"");
    vt_resp_free(&r);
    /* a page below the prefix */
    r = get2("/ko/objects/1", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "<html lang=\"ko\"");
    assert_not_contains(r.body, "href=\"/browse");
    vt_resp_free(&r);
    /* a record's title in another language than the page's says so */
    r = get2("/ko/browse?view=catalogue", NULL, NULL);
    assert_contains(r.body, "<span class=\"ct\" lang=\"en\" dir=\"auto\">Moon jar</span>");
    assert_contains(r.body, "href=\"/ko/objects/1\"");
    vt_resp_free(&r);
    r = get2("/ko/objects/1", NULL, NULL);
    assert_contains(r.body, "<span lang=\"en\" dir=\"auto\" class=\"t\">");
    vt_resp_free(&r);
    /* "/ko" alone is the Korean home */
    expect_lang("/ko", NULL, NULL, "ko");
}

static void test_html_lang_and_dir(void **state)
{
    (void)state;
    struct vt_resp r = get2("/ur/", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "<html lang=\"ur\" dir=\"rtl\">");
    assert_contains(r.body, "براؤز کریں");
    vt_resp_free(&r);
    r = get2("/zh/museums", NULL, NULL);
    assert_contains(r.body, "<html lang=\"zh-Hans\" dir=\"ltr\">");
    vt_resp_free(&r);
    r = get2("/museums", NULL, NULL);
    assert_contains(r.body, "<html lang=\"en\" dir=\"ltr\">");
    vt_resp_free(&r);
}

static void test_param(void **state)
{
    (void)state;
    struct vt_resp r = get2("/?lang=ko", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "<html lang=\"ko\"");
    assert_non_null(vt_header(&r, "Set-Cookie"));
    assert_contains(vt_header(&r, "Set-Cookie"), "vcm_lang=ko");
    /* no prefix in the URL: none on the links either */
    assert_contains(r.body, "href=\"/browse\"");
    vt_resp_free(&r);
    /* a tag is read as its language */
    expect_lang("/museums?lang=ko-KR", NULL, NULL, "ko");
    /* a cookie that already says so is not set again */
    r = get2("/?lang=ko", "Cookie: vcm_lang=ko", NULL);
    assert_null(vt_header(&r, "Set-Cookie"));
    vt_resp_free(&r);
}

static void test_cookie(void **state)
{
    (void)state;
    struct vt_resp r = get2("/museums", "Cookie: vcm_lang=ko", NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "<html lang=\"ko\"");
    assert_null(vt_header(&r, "Set-Cookie"));
    assert_non_null(vt_header(&r, "Vary"));
    assert_contains(vt_header(&r, "Vary"), "Accept-Language, Cookie");
    vt_resp_free(&r);
    /* unknown values are passed over */
    expect_lang("/museums", "Cookie: vcm_lang=xx", NULL, "en");
    expect_lang("/museums", "Cookie: vcm_lang=xx", "Accept-Language: ur", "ur");
}

static void test_accept_language(void **state)
{
    (void)state;
    struct vt_resp r = get2("/museums", "Accept-Language: fr;q=0.5, ko-KR;q=0.8, xx", NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "<html lang=\"ko\"");
    assert_contains(vt_header(&r, "Vary"), "Accept-Language, Cookie");
    assert_null(vt_header(&r, "Set-Cookie")); /* only a choice made on purpose is kept */
    vt_resp_free(&r);
    expect_lang("/museums", "Accept-Language: zh-CN,zh;q=0.9", NULL, "zh-Hans");
    expect_lang("/museums", "Accept-Language: zh-TW", NULL, "en");
    expect_lang("/museums", "Accept-Language: !!garbage;;q=x", NULL, "en");
    /* nothing asked: English, still varying by what might ask */
    r = get2("/museums", NULL, NULL);
    assert_contains(r.body, "<html lang=\"en\"");
    assert_contains(vt_header(&r, "Vary"), "Accept-Language, Cookie");
    vt_resp_free(&r);
}

/* prefix, then lang, then the cookie, then Accept-Language */
static void test_order(void **state)
{
    (void)state;
    expect_lang("/ko/museums?lang=ur", "Cookie: vcm_lang=fr", "Accept-Language: de", "ko");
    expect_lang("/museums?lang=ur", "Cookie: vcm_lang=fr", "Accept-Language: de", "ur");
    expect_lang("/museums", "Cookie: vcm_lang=fr", "Accept-Language: de", "fr");
    expect_lang("/museums", "Accept-Language: de", NULL, "de");
    expect_lang("/museums?lang=xx", "Cookie: vcm_lang=fr", NULL, "fr");
    expect_lang("/museums", NULL, NULL, "en");
    /* lang=en is how a visitor with another cookie gets back to English */
    expect_lang("/museums?lang=en", "Cookie: vcm_lang=ko", NULL, "en");
}

static void expect_status(const char *path, long status)
{
    struct vt_resp r = get2(path, NULL, NULL);
    if (r.status != status)
        fail_msg("%s: status %ld, not %ld", path, r.status, status);
    vt_resp_free(&r);
}

static void test_prefixes_refused(void **state)
{
    (void)state;
    /* unknown prefixes, English's, and upper case: no such page */
    expect_status("/xx/museums", 404);
    expect_status("/en/museums", 404);
    expect_status("/KO/museums", 404);
    /* machine URLs take none */
    expect_status("/api/v1/objects", 200);
    expect_status("/ko/api/v1/objects", 404);
    expect_status("/ko/iiif/collection/top", 404);
    expect_status("/ko/static/vcm.css", 404);
    expect_status("/ko/sitemap.xml", 404);
    expect_status("/ko/robots.txt", 404);
    expect_status("/ko/objects/1.jsonld", 404);
    expect_status("/ko/feeds/masterpiece-of-the-day.atom", 404);
    /* a 404 under /ko/ is a Korean page */
    struct vt_resp r = get2("/ko/objects/999", NULL, NULL);
    assert_int_equal(r.status, 404);
    assert_contains(r.body, "<html lang=\"ko\"");
    assert_contains(r.body, "페이지를 찾을 수 없습니다");
    vt_resp_free(&r);
    /* the API answers alike whatever the browser says */
    r = get2("/api/v1/objects", "Accept-Language: ko", "Cookie: vcm_lang=ko");
    assert_int_equal(r.status, 200);
    assert_null(vt_header(&r, "Set-Cookie"));
    vt_resp_free(&r);
}

static void test_alternates_and_canonical(void **state)
{
    (void)state;
    struct vt_resp r = get2("/ko/museums", NULL, NULL);
    char want[256];
    snprintf(want, sizeof want, "<link rel=\"canonical\" href=\"%s/ko/museums\">", base);
    assert_contains(r.body, want);
    snprintf(want, sizeof want,
             "<link rel=\"alternate\" hreflang=\"x-default\" href=\"%s/museums\">", base);
    assert_contains(r.body, want);
    snprintf(want, sizeof want, "<link rel=\"alternate\" hreflang=\"en\" href=\"%s/museums\">",
             base);
    assert_contains(r.body, want);
    snprintf(want, sizeof want,
             "<link rel=\"alternate\" hreflang=\"zh-Hans\" href=\"%s/zh/museums\">", base);
    assert_contains(r.body, want);
    snprintf(want, sizeof want, "<link rel=\"alternate\" hreflang=\"ur\" href=\"%s/ur/museums\">",
             base);
    assert_contains(r.body, want);
    /* one alternate a language, and x-default */
    int n = 0;
    for (const char *p = r.body; (p = strstr(p, "rel=\"alternate\" hreflang=")); p++)
        n++;
    assert_int_equal(n, 39);
    /* the switcher: each language named in itself, tagged, to the same page */
    assert_contains(r.body,
                    "<a href=\"/ur/museums\" hreflang=\"ur\" lang=\"ur\" dir=\"rtl\">اردو</a>");
    assert_contains(r.body, "<a href=\"/ko/museums\" hreflang=\"ko\" lang=\"ko\" dir=\"ltr\" "
                            "aria-current=\"true\">한국어</a>");
    assert_contains(r.body, "<a href=\"/museums?lang=en\" hreflang=\"en\" lang=\"en\" dir=\"ltr\">"
                            "English</a>");
    vt_resp_free(&r);
    /* the home page's canonical address in Korean ends in a slash; the
     * switcher keeps the query but for lang */
    r = get2("/?lang=ko&x=1", NULL, NULL);
    snprintf(want, sizeof want, "<link rel=\"canonical\" href=\"%s/ko/\">", base);
    assert_contains(r.body, want);
    assert_contains(r.body, "href=\"/ur/?x=1\"");
    assert_contains(r.body, "href=\"/?lang=en&amp;x=1\"");
    vt_resp_free(&r);
    /* a page whose address holds its query (browse's filters) keeps it in
     * every language */
    r = get2("/ko/browse?museum=1", NULL, NULL);
    snprintf(want, sizeof want, "<link rel=\"canonical\" href=\"%s/ko/browse?museum=1\">", base);
    assert_contains(r.body, want);
    snprintf(want, sizeof want,
             "<link rel=\"alternate\" hreflang=\"ur\" href=\"%s/ur/browse?museum=1\">", base);
    assert_contains(r.body, want);
    vt_resp_free(&r);
    /* but not a long one, which would make the page 38 times its length */
    char path[1200] = "/museums?lang=ko&q=";
    memset(path + strlen(path), 'x', 600);
    r = get2(path, NULL, NULL);
    assert_contains(r.body, "href=\"/ur/museums\" hreflang=\"ur\"");
    assert_true(r.len < 40000);
    vt_resp_free(&r);
}

static void test_redirect_keeps_prefix(void **state)
{
    (void)state;
    struct vt_resp r = get2("/ko/account", NULL, NULL);
    assert_int_equal(r.status, 303);
    assert_non_null(vt_header(&r, "Location"));
    assert_true(strncmp(vt_header(&r, "Location"), "/ko/login", 9) == 0);
    vt_resp_free(&r);
    r = get2("/account", NULL, NULL);
    assert_true(strncmp(vt_header(&r, "Location"), "/login", 6) == 0);
    vt_resp_free(&r);
}

/* The page cache (on here) keeps one page per language: asked for /ko/
 * then /, or for / in Korean then in French, nobody gets another's. */
static void test_cache_keeps_languages_apart(void **state)
{
    (void)state;
    for (int round = 0; round < 2; round++) {
        expect_lang("/ko/", NULL, NULL, "ko");
        expect_lang("/", NULL, NULL, "en");
        expect_lang("/ko/browse", NULL, NULL, "ko");
        expect_lang("/browse", NULL, NULL, "en");
        expect_lang("/browse", "Accept-Language: ko", NULL, "ko");
        expect_lang("/browse", "Accept-Language: fr", NULL, "fr");
        expect_lang("/browse", "Cookie: vcm_lang=ur", NULL, "ur");
        expect_lang("/browse", NULL, NULL, "en");
    }
    /* the headers of the choice come with a cached page too */
    struct vt_resp r = get2("/ko/browse", NULL, NULL);
    assert_non_null(vt_header(&r, "Set-Cookie"));
    vt_resp_free(&r);
    r = get2("/browse", "Accept-Language: ko", NULL);
    assert_non_null(vt_header(&r, "Vary"));
    vt_resp_free(&r);
}

/* The sitemap names the pages' versions in every language, each prefixed
 * home among them. */
static void test_sitemap(void **state)
{
    (void)state;
    struct vt_resp r = get2("/sitemap.xml", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "xmlns:xhtml=\"http://www.w3.org/1999/xhtml\"");
    char want[256];
    snprintf(want, sizeof want, "<xhtml:link rel=\"alternate\" hreflang=\"ko\" href=\"%s/ko/\"/>",
             base);
    assert_contains(r.body, want);
    snprintf(want, sizeof want,
             "<xhtml:link rel=\"alternate\" hreflang=\"ur\" href=\"%s/ur/museums\"/>", base);
    assert_contains(r.body, want);
    snprintf(want, sizeof want,
             "<xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"%s/browse\"/>", base);
    assert_contains(r.body, want);
    vt_resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prefix),
        cmocka_unit_test(test_html_lang_and_dir),
        cmocka_unit_test(test_param),
        cmocka_unit_test(test_cookie),
        cmocka_unit_test(test_accept_language),
        cmocka_unit_test(test_order),
        cmocka_unit_test(test_prefixes_refused),
        cmocka_unit_test(test_alternates_and_canonical),
        cmocka_unit_test(test_redirect_keeps_prefix),
        cmocka_unit_test(test_cache_keeps_languages_apart),
        cmocka_unit_test(test_sitemap),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
