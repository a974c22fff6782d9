/* The image fetcher's pure decisions (src/io/fetch.c): which records'
 * images may be reused (on the rights strings of the demo's six museums),
 * which bytes are an image, and Retry-After. */
#include "testutil.h"

#include "io/fetch.h"

static void test_rights(void **state)
{
    (void)state;
    const char *cc0 = "http://creativecommons.org/publicdomain/zero/1.0/";
    const char *pdm = "http://creativecommons.org/publicdomain/mark/1.0/";
    const char *by = "http://creativecommons.org/licenses/by/4.0/";
    const char *cne = "http://rightsstatements.org/vocab/CNE/1.0/";
    const char *inc = "http://rightsstatements.org/vocab/InC/1.0/";
    const char *edu = "http://rightsstatements.org/vocab/InC-EDU/1.0/";
    /* the Met and Mia: public domain, nothing said against the images */
    assert_true(vcm_fetch_rights_open(pdm, "CC0-1.0 (metadata); object is public domain: True"));
    assert_true(vcm_fetch_rights_open(pdm, "Mia open data (see README); object rights: Public Domain"));
    assert_true(vcm_fetch_rights_open(cc0, NULL));
    assert_true(vcm_fetch_rights_open(by, "rights per record: NPMT CC-BY-4.0"));
    assert_true(vcm_fetch_rights_open("http://rightsstatements.org/vocab/NoC-US/1.0/", NULL));
    /* Carnegie, MoMA, Tate: the record is open, its images are not */
    assert_false(vcm_fetch_rights_open(pdm, "CC0-1.0 (metadata); image not CC0"));
    assert_false(vcm_fetch_rights_open(cc0, "CC0-1.0 (metadata); images not included"));
    assert_false(vcm_fetch_rights_open(cc0, "CC0-1.0 (metadata, tategallery/collection LICENCE); "
                                            "images not CC0 (thumbnail © Tate)"));
    /* in copyright, not evaluated, or nothing said */
    assert_false(vcm_fetch_rights_open(inc, NULL));
    assert_false(vcm_fetch_rights_open(edu, NULL));
    assert_false(vcm_fetch_rights_open(cne, "rights per record: OA"));
    assert_false(vcm_fetch_rights_open(NULL, "CC0"));
    assert_false(vcm_fetch_rights_open("http://creativecommons.org/licenses/by-nc/4.0/", NULL));
    assert_false(vcm_fetch_rights_open("http://creativecommons.org/licenses/by-nd/4.0/", NULL));
}

static void test_sniff(void **state)
{
    (void)state;
    assert_string_equal(vcm_fetch_sniff((const unsigned char *)"\xff\xd8\xff\xe0", 4), "jpeg");
    assert_string_equal(vcm_fetch_sniff((const unsigned char *)"\x89PNG\r\n\x1a\n", 8), "png");
    assert_string_equal(vcm_fetch_sniff((const unsigned char *)"II*\0", 4), "tiff");
    assert_string_equal(vcm_fetch_sniff((const unsigned char *)"MM\0*", 4), "tiff");
    assert_string_equal(vcm_fetch_sniff((const unsigned char *)"RIFF\1\2\3\4WEBP", 12), "webp");
    assert_null(vcm_fetch_sniff((const unsigned char *)"<html><body>", 12));
    assert_null(vcm_fetch_sniff((const unsigned char *)"\xff\xd8", 2)); /* too short */
    assert_null(vcm_fetch_sniff((const unsigned char *)"RIFF\1\2\3\4WAVE", 12));
    assert_null(vcm_fetch_sniff((const unsigned char *)"", 0));
}

static void test_retry_after(void **state)
{
    (void)state;
    time_t now = 784111777; /* Sun, 06 Nov 1994 08:49:37 GMT */
    assert_int_equal(vcm_fetch_retry_after("120", now, 300), 120);
    assert_int_equal(vcm_fetch_retry_after(" 5 ", now, 300), 5);
    assert_int_equal(vcm_fetch_retry_after("99999999999999999999999", now, 300), 300);
    assert_int_equal(vcm_fetch_retry_after("Sun, 06 Nov 1994 08:50:37 GMT", now, 300), 60);
    assert_int_equal(vcm_fetch_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now, 300), 0);
    assert_int_equal(vcm_fetch_retry_after("Sun, 06 Nov 1994 09:49:37 GMT", now, 300), 300);
    assert_int_equal(vcm_fetch_retry_after("12s", now, 300), -1);
    assert_int_equal(vcm_fetch_retry_after("-1", now, 300), -1);
    assert_int_equal(vcm_fetch_retry_after("Sun, 06 Foo 1994 08:50:37 GMT", now, 300), -1);
    assert_int_equal(vcm_fetch_retry_after("Sun, 06 Nov 1994 08:50:37 GMT x", now, 300), -1);
    assert_int_equal(vcm_fetch_retry_after("", now, 300), -1);
    assert_int_equal(vcm_fetch_retry_after(NULL, now, 300), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rights),
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_retry_after),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
