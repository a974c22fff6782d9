/* The Linked Art of every object of the demo collection expands with a
 * real JSON-LD processor (pyld, offline: tests/web/linkedart_expand.py)
 * into terms of the model. The documents are fetched from the real server
 * over one kept-alive connection and checked in two processes. */
#include "testutil.h"

VT_DEMO_SIZED;

static size_t to_file(char *p, size_t size, size_t n, void *ud)
{
    return fwrite(p, size, n, ud);
}

static void test_every_object(void **state)
{
    (void)state;
    char *dir = vt_tmpdir(), db[1024], dump[1100];
    vt_demo_db(db, sizeof db, dir, "demo");
    struct vt_server srv;
    vt_server_start(&srv, db);
    snprintf(dump, sizeof dump, "%s/dump.jsonl", dir);
    FILE *f = fopen(dump, "w");
    assert_non_null(f);
    CURL *c = curl_easy_init();
    assert_non_null(c);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, to_file);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, f);
    long n = 0;
    struct timespec t0, t1, t2;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long id = 1;; id++) {
        char url[128];
        snprintf(url, sizeof url, "%s/objects/%ld.jsonld", srv.base, id);
        curl_easy_setopt(c, CURLOPT_URL, url);
        long pos = ftell(f);
        assert_int_equal(curl_easy_perform(c), CURLE_OK);
        long status;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        if (status == 404) {
            /* the error page is not a document: cut it off */
            fflush(f);
            assert_int_equal(ftruncate(fileno(f), pos), 0);
            fseek(f, pos, SEEK_SET);
            break;
        }
        assert_int_equal(status, 200);
        fputc('\n', f);
        n++;
    }
    curl_easy_cleanup(c);
    fclose(f);
    vt_server_stop(&srv);
    assert_int_equal(n, 42231);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    char *out;
    int rc = vt_sh(&out, "sh tests/web/linkedart_expand.sh %s 2", dump);
    clock_gettime(CLOCK_MONOTONIC, &t2);
    print_message("%sfetched %ld documents in %.1f s, expanded in %.1f s\n", out, n,
                  (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
                  (double)(t2.tv_sec - t1.tv_sec) + (t2.tv_nsec - t1.tv_nsec) / 1e9);
    assert_int_equal(rc, 0);
    assert_contains(out, "expanded 42231 documents, 0 problems");
    free(out);
    if (!getenv("VCM_TEST_KEEP"))
        vt_rmrf(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_object),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
