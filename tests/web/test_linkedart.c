/* Linked Art through the real server: /objects/{id}.jsonld, content
 * negotiation on /objects/{id} with Vary: Accept on both answers, the
 * context served from the program, and the documents expanded offline by a
 * real JSON-LD processor (tests/web/linkedart_expand.py, pyld) on a slice
 * of the demo. test_linkedart_demo.c does the same for every demo object. */
#include "testutil.h"

static char *dir;
static struct vt_server srv;

static int group_setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    char db[1024];
    vt_demo_slice(db, sizeof db, dir, "la", 200);
    vt_server_start(&srv, db);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    vt_server_stop(&srv);
    if (!getenv("VCM_TEST_KEEP"))
        vt_rmrf(dir);
    free(dir);
    return 0;
}

static struct vt_resp get(const char *path, const char *accept)
{
    char url[256], h[256];
    snprintf(url, sizeof url, "%s%s", srv.base, path);
    if (!accept)
        return vt_http("GET", url, NULL, NULL);
    snprintf(h, sizeof h, "Accept: %s", accept);
    return vt_http("GET", url, NULL, h);
}

static void test_suffix(void **state)
{
    (void)state;
    struct vt_resp r = get("/objects/1.jsonld", NULL);
    assert_int_equal(r.status, 200);
    assert_contains(vt_header(&r, "Content-Type"), "application/ld+json");
    assert_contains(vt_header(&r, "Vary"), "Accept");
    assert_contains(r.body, "\"@context\":\"https://linked.art/ns/v1/linked-art.json\"");
    assert_contains(r.body, "\"type\":\"HumanMadeObject\"");
    assert_contains(r.body, "\"current_owner\"");
    vt_resp_free(&r);
}

static void test_negotiation(void **state)
{
    (void)state;
    struct vt_resp a = get("/objects/1.jsonld", NULL);
    struct vt_resp b = get("/objects/1", "application/ld+json");
    assert_int_equal(b.status, 200);
    assert_contains(vt_header(&b, "Content-Type"), "application/ld+json");
    assert_contains(vt_header(&b, "Vary"), "Accept");
    assert_string_equal(a.body, b.body);
    /* a browser's Accept: the page, which varies by Accept too */
    struct vt_resp c =
        get("/objects/1", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
    assert_int_equal(c.status, 200);
    assert_contains(vt_header(&c, "Content-Type"), "text/html");
    assert_contains(vt_header(&c, "Vary"), "Accept");
    /* asked after the page was cached: still Linked Art */
    struct vt_resp d = get("/objects/1", "application/ld+json;q=0.9, text/html;q=0.5");
    assert_contains(vt_header(&d, "Content-Type"), "application/ld+json");
    /* no Accept at all: the page */
    struct vt_resp e = get("/objects/1", NULL);
    assert_contains(vt_header(&e, "Content-Type"), "text/html");
    vt_resp_free(&a);
    vt_resp_free(&b);
    vt_resp_free(&c);
    vt_resp_free(&d);
    vt_resp_free(&e);
}

static void test_missing(void **state)
{
    (void)state;
    struct vt_resp r = get("/objects/999999.jsonld", NULL);
    assert_int_equal(r.status, 404);
    vt_resp_free(&r);
    r = get("/objects/abc.jsonld", NULL);
    assert_int_equal(r.status, 404);
    vt_resp_free(&r);
    r = get("/objects/.jsonld", NULL);
    assert_int_equal(r.status, 404);
    vt_resp_free(&r);
}

static void test_context(void **state)
{
    (void)state;
    struct vt_resp r = get("/linked-art/context.json", NULL);
    assert_int_equal(r.status, 200);
    assert_contains(vt_header(&r, "Content-Type"), "application/ld+json");
    FILE *f = fopen("data/linked-art/linked-art.json", "rb");
    assert_non_null(f);
    char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    assert_int_equal(r.len, n);
    assert_memory_equal(r.body, buf, n);
    vt_resp_free(&r);
}

/* Every object of the slice expands into Linked Art terms. */
static void test_expand(void **state)
{
    (void)state;
    char dump[1200];
    snprintf(dump, sizeof dump, "%s/dump.jsonl", dir);
    FILE *f = fopen(dump, "w");
    assert_non_null(f);
    int n = 0;
    for (int id = 1;; id++) {
        char path[64];
        snprintf(path, sizeof path, "/objects/%d.jsonld", id);
        struct vt_resp r = get(path, NULL);
        if (r.status == 404) {
            vt_resp_free(&r);
            break;
        }
        assert_int_equal(r.status, 200);
        fprintf(f, "%s\n", r.body);
        n++;
        vt_resp_free(&r);
    }
    fclose(f);
    assert_true(n >= 200);
    char *out;
    int rc = vt_sh(&out, "sh tests/web/linkedart_expand.sh %s 1", dump);
    print_message("%s", out);
    assert_int_equal(rc, 0);
    char want[64];
    snprintf(want, sizeof want, "expanded %d documents, 0 problems", n);
    assert_contains(out, want);
    free(out);
}

/* The check itself fails on a document outside the model. */
static void test_expand_refuses(void **state)
{
    (void)state;
    char path[1200], *out;
    snprintf(path, sizeof path, "%s/bad.jsonl", dir);
    vt_write_file(path, "{\"@context\":\"https://linked.art/ns/v1/linked-art.json\","
                        "\"id\":\"http://x/1\",\"type\":\"HumanMadeObject\",\"colour\":\"red\"}\n"
                        "{\"@context\":\"https://example.org/other.json\",\"id\":\"http://x/2\"}\n");
    int rc = vt_sh(&out, "sh tests/web/linkedart_expand.sh %s 1", path);
    assert_int_not_equal(rc, 0);
    assert_contains(out, "colour");
    assert_contains(out, "does not expand");
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_suffix),  cmocka_unit_test(test_negotiation),
        cmocka_unit_test(test_missing), cmocka_unit_test(test_context),
        cmocka_unit_test(test_expand),  cmocka_unit_test(test_expand_refuses),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
