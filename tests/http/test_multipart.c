/* The multipart/form-data parser (pure): the boundary from the Content-Type,
 * fields and files as browsers and curl send them, file names cut to their
 * last component, and each kind of malformed body refused with its error. */
#include "testutil.h"

#include "http/multipart.h"

static vcm_arena arena;

#define CT "multipart/form-data; boundary=XyZ"

static int parse(const char *ct, const char *body, size_t n, const vcm_mp_limits *lim,
                 vcm_multipart *mp)
{
    vcm_arena_reset(&arena);
    return vcm_multipart_parse(&arena, ct, body, n, lim, mp);
}

static void ok(const char *ct, const char *body, vcm_multipart *mp)
{
    if (parse(ct, body, strlen(body), NULL, mp) != 0)
        fail_msg("refused: %s", mp->message);
}

static void refused(const char *ct, const char *body, const vcm_mp_limits *lim,
                    vcm_mp_error want)
{
    vcm_multipart mp;
    assert_int_equal(parse(ct, body, strlen(body), lim, &mp), -1);
    if (mp.error != want)
        fail_msg("error %d (%s), expected %d", mp.error, mp.message, want);
    assert_true(mp.message[0] != '\0');
    assert_int_equal(mp.n, 0);
}

static void test_boundary(void **state)
{
    (void)state;
    char b[VCM_MP_BOUNDARY_MAX + 1];
    assert_int_equal(vcm_multipart_boundary(CT, b), VCM_MP_OK);
    assert_string_equal(b, "XyZ");
    assert_int_equal(vcm_multipart_boundary("Multipart/Form-Data ; charset=utf-8; "
                                            "BOUNDARY=\"a b:c?=\"",
                                            b),
                     VCM_MP_OK);
    assert_string_equal(b, "a b:c?=");
    assert_int_equal(vcm_multipart_boundary("multipart/form-data;boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW", b), VCM_MP_OK);
    assert_string_equal(b, "----WebKitFormBoundary7MA4YWxkTrZu0gW");
    assert_int_equal(vcm_multipart_boundary("application/x-www-form-urlencoded", b),
                     VCM_MP_NOT_MULTIPART);
    assert_int_equal(vcm_multipart_boundary("multipart/form-datax; boundary=a", b),
                     VCM_MP_NOT_MULTIPART);
    assert_int_equal(vcm_multipart_boundary(NULL, b), VCM_MP_NOT_MULTIPART);
    const char *bad[] = {"multipart/form-data",
                         "multipart/form-data; boundary=",
                         "multipart/form-data; boundary=\"\"",
                         "multipart/form-data; boundary=\"unterminated",
                         "multipart/form-data; boundary=a; boundary=b",
                         "multipart/form-data; boundary=\"ends with space \"",
                         "multipart/form-data; boundary=bad{char}",
                         "multipart/form-data; boundary=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                         "multipart/form-data; boundary",
                         "multipart/form-data boundary=a",
                         NULL};
    for (int i = 0; bad[i]; i++)
        if (vcm_multipart_boundary(bad[i], b) != VCM_MP_NO_BOUNDARY)
            fail_msg("'%s' gave a boundary", bad[i]);
    assert_string_equal(b, "");
}

static void test_fields_and_files(void **state)
{
    (void)state;
    const char *body = "--XyZ\r\n"
                       "Content-Disposition: form-data; name=\"title\"\r\n"
                       "\r\n"
                       "Bronze ding, 國寶\r\n"
                       "--XyZ\r\n"
                       "content-disposition: form-data; name=\"image\"; filename=\"ding.jpg\"\r\n"
                       "Content-Type: image/jpeg\r\n"
                       "\r\n"
                       "\xff\xd8\xff\xe0\r\n--X not the boundary\0\r\n"
                       "--XyZ\r\n"
                       "Content-Disposition: form-data; name=empty\r\n"
                       "\r\n"
                       "\r\n"
                       "--XyZ--\r\n"
                       "epilogue, ignored";
    size_t n = strlen(body) + strlen(body + strlen(body) + 1) + 1; /* one NUL inside */
    vcm_multipart mp;
    assert_int_equal(parse(CT, body, n, NULL, &mp), 0);
    assert_int_equal(mp.n, 3);
    assert_string_equal(mp.parts[0].name, "title");
    assert_null(mp.parts[0].filename);
    assert_string_equal(mp.parts[0].content_type, "text/plain");
    assert_int_equal(mp.parts[0].len, strlen("Bronze ding, 國寶"));
    assert_memory_equal(mp.parts[0].data, "Bronze ding, 國寶", mp.parts[0].len);
    const vcm_mp_part *img = vcm_multipart_get(&mp, "image");
    assert_ptr_equal(img, &mp.parts[1]);
    assert_string_equal(img->filename, "ding.jpg");
    assert_string_equal(img->content_type, "image/jpeg");
    const char want[] = "\xff\xd8\xff\xe0\r\n--X not the boundary\0";
    assert_int_equal(img->len, sizeof want - 1);
    assert_memory_equal(img->data, want, sizeof want - 1);
    assert_string_equal(mp.parts[2].name, "empty");
    assert_int_equal(mp.parts[2].len, 0);
    assert_null(vcm_multipart_get(&mp, "missing"));
    /* no parts at all, a preamble, white space after a delimiter */
    ok(CT, "--XyZ--", &mp);
    assert_int_equal(mp.n, 0);
    ok(CT, "preamble\r\n--XyZ  \t\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--XyZ--",
       &mp);
    assert_int_equal(mp.n, 1);
    assert_int_equal(mp.parts[0].len, 1);
    /* an empty file input: a file part with an empty name */
    ok(CT, "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"\"\r\n"
           "Content-Type: application/octet-stream\r\n\r\n\r\n--XyZ--\r\n",
       &mp);
    assert_string_equal(mp.parts[0].filename, "");
}

static void test_file_names(void **state)
{
    (void)state;
    const char *cases[][2] = {
        {"C:\\Users\\kim\\Pictures\\jade.png", "jade.png"},
        {"../../etc/passwd", "passwd"},
        {"/abs/path/x.tif", "x.tif"},
        {"a\\\"b.jpg", "a\"b.jpg"},
        {"dir/", ""},
        {"玉璧.jpg", "玉璧.jpg"},
        {"..hidden", "..hidden"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char body[512];
        snprintf(body, sizeof body,
                 "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"%s\"\r\n\r\n"
                 "x\r\n--XyZ--",
                 cases[i][0]);
        vcm_multipart mp;
        ok(CT, body, &mp);
        assert_string_equal(mp.parts[0].filename, cases[i][1]);
    }
    refused(CT, "--XyZ\r\nContent-Disposition: form-data; name=f; filename=\"a/..\"\r\n\r\n"
                "x\r\n--XyZ--", NULL, VCM_MP_BAD_NAME);
    refused(CT, "--XyZ\r\nContent-Disposition: form-data; name=f; filename=.\r\n\r\n"
                "x\r\n--XyZ--", NULL, VCM_MP_BAD_NAME);
    refused(CT, "--XyZ\r\nContent-Disposition: form-data; name=f; filename=\"a\xff.jpg\"\r\n\r\n"
                "x\r\n--XyZ--", NULL, VCM_MP_BAD_NAME);
    refused(CT, "--XyZ\r\nContent-Disposition: form-data; name=f; filename=\"a\tb\"\r\n\r\n"
                "x\r\n--XyZ--", NULL, VCM_MP_BAD_NAME);
}

static void test_malformed(void **state)
{
    (void)state;
    const char *part = "Content-Disposition: form-data; name=a\r\n\r\n1\r\n";
    char body[256];
    refused("text/plain", "--XyZ--", NULL, VCM_MP_NOT_MULTIPART);
    refused("multipart/form-data", "--XyZ--", NULL, VCM_MP_NO_BOUNDARY);
    refused(CT, "", NULL, VCM_MP_NO_START);
    refused(CT, "--Other\r\n\r\n", NULL, VCM_MP_NO_START);
    refused(CT, "--XyZ", NULL, VCM_MP_UNTERMINATED);
    refused(CT, "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nno end", NULL,
            VCM_MP_UNTERMINATED);
    refused(CT, "--XyZ\r\nContent-Disposition: form-data; name=a\r\n", NULL,
            VCM_MP_UNTERMINATED);
    snprintf(body, sizeof body, "--XyZ\r\n%s--XyZ", part);
    refused(CT, body, NULL, VCM_MP_UNTERMINATED); /* neither "--" nor a next part */
    snprintf(body, sizeof body, "--XyZ\r\n%s--XyZjunk\r\n", part);
    refused(CT, body, NULL, VCM_MP_BAD_HEADER);
    refused(CT, "--XyZ\r\n\r\nheaderless\r\n--XyZ--", NULL, VCM_MP_BAD_DISPOSITION);
    refused(CT, "--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--", NULL,
            VCM_MP_BAD_DISPOSITION);
    refused(CT, "--XyZ\r\nContent-Disposition: attachment; name=a\r\n\r\nx\r\n--XyZ--", NULL,
            VCM_MP_BAD_DISPOSITION);
    refused(CT, "--XyZ\r\nContent-Disposition: form-data; filename=a\r\n\r\nx\r\n--XyZ--",
            NULL, VCM_MP_BAD_DISPOSITION);
    refused(CT, "--XyZ\r\nContent-Disposition: form-data; name=a; name=b\r\n\r\nx\r\n--XyZ--",
            NULL, VCM_MP_BAD_DISPOSITION);
    refused(CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--XyZ--", NULL,
            VCM_MP_BAD_DISPOSITION);
    refused(CT, "--XyZ\r\nContent-Disposition: form-data; name=\"\"\r\n\r\nx\r\n--XyZ--", NULL,
            VCM_MP_BAD_NAME);
    refused(CT, "--XyZ\r\nContent-Disposition: form-data; name=a\r\n folded: no\r\n\r\nx\r\n--XyZ--",
            NULL, VCM_MP_BAD_HEADER);
    refused(CT, "--XyZ\r\nContent-Disposition: form-data; name=a\nX: bare LF\r\n\r\nx\r\n--XyZ--",
            NULL, VCM_MP_BAD_HEADER);
    refused(CT, "--XyZ\r\nno colon here\r\n\r\nx\r\n--XyZ--", NULL, VCM_MP_BAD_HEADER);
    refused(CT, "--XyZ\r\nContent-Disposition: form-data; name=a\r\nContent-Type: \x01\r\n\r\n"
                "x\r\n--XyZ--", NULL, VCM_MP_BAD_TYPE);
    refused(CT, "--XyZ\r\nContent-Disposition: form-data; name=a\r\nContent-Type: a/b\r\n"
                "Content-Type: c/d\r\n\r\nx\r\n--XyZ--", NULL, VCM_MP_BAD_TYPE);
}

static void test_limits(void **state)
{
    (void)state;
    const char *part = "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n";
    char body[4096] = "";
    for (int i = 0; i < 5; i++)
        strncat(body, part, sizeof body - strlen(body) - 1);
    strncat(body, "--XyZ--", sizeof body - strlen(body) - 1);
    vcm_mp_limits lim = {.max_parts = 5};
    vcm_multipart mp;
    assert_int_equal(parse(CT, body, strlen(body), &lim, &mp), 0);
    assert_int_equal(mp.n, 5);
    lim.max_parts = 4;
    refused(CT, body, &lim, VCM_MP_TOO_MANY_PARTS);
    lim = (vcm_mp_limits){.max_body = strlen(body)};
    assert_int_equal(parse(CT, body, strlen(body), &lim, &mp), 0);
    lim.max_body--;
    refused(CT, body, &lim, VCM_MP_TOO_LARGE);
    /* headers: exactly at the limit, then one byte over, then never ending */
    const char *h = "Content-Disposition: form-data; name=a\r\n";
    lim = (vcm_mp_limits){.max_header = strlen(h)};
    snprintf(body, sizeof body, "--XyZ\r\n%s\r\nx\r\n--XyZ--", h);
    assert_int_equal(parse(CT, body, strlen(body), &lim, &mp), 0);
    lim.max_header--;
    refused(CT, body, &lim, VCM_MP_HEADERS_TOO_LONG);
    lim.max_header = 64;
    char longh[4096] = "--XyZ\r\nContent-Disposition: form-data; name=a\r\nX-Pad: ";
    memset(longh + strlen(longh), 'p', 2000);
    strncat(longh, "\r\n\r\nx\r\n--XyZ--", sizeof longh - strlen(longh) - 1);
    refused(CT, longh, &lim, VCM_MP_HEADERS_TOO_LONG);
    /* the default limits hold too: 64 parts, 4096 bytes of headers */
    char *many = malloc(70 * strlen(part) + 16);
    many[0] = '\0';
    for (int i = 0; i < 65; i++)
        strncat(many, part, 70 * strlen(part));
    strncat(many, "--XyZ--", 8);
    refused(CT, many, NULL, VCM_MP_TOO_MANY_PARTS);
    free(many);
    /* an arena too small: an error, not a crash */
    vcm_arena small;
    vcm_arena_init(&small, 64);
    snprintf(body, sizeof body, "%s%s%s--XyZ--", part, part, part);
    assert_int_equal(vcm_multipart_parse(&small, CT, body, strlen(body), NULL, &mp), -1);
    assert_int_equal(mp.error, VCM_MP_NO_MEMORY);
    vcm_arena_release(&small);
}

int main(void)
{
    vcm_arena_init(&arena, 1 << 20);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_boundary),
        cmocka_unit_test(test_fields_and_files),
        cmocka_unit_test(test_file_names),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_limits),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    vcm_arena_release(&arena);
    return rc;
}
