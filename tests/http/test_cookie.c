/* The Cookie header parser, Set-Cookie, and form bodies (urlencoded). */
#include "testutil.h"

#include "http/cookie.h"
#include "http/form.h"
#include "http/http_int.h"

static int parse(vcm_arena *a, const char *s, vcm_query_pair *p, int max)
{
    return vcm_cookie_parse(a, s, strlen(s), p, max);
}

static void test_cookie_pairs(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 1 << 16);
    vcm_query_pair p[8];
    assert_int_equal(parse(&a, "a=1; vcm_session=abc;b=\"q v\";c=\"x\" ; d = 2", p, 8), 4);
    assert_string_equal(p[0].name, "a");
    assert_string_equal(p[0].value, "1");
    assert_string_equal(p[1].name, "vcm_session");
    assert_string_equal(p[1].value, "abc");
    /* b's quoted value holds a space: skipped */
    assert_string_equal(p[2].name, "c");
    assert_string_equal(p[2].value, "x");
    assert_string_equal(p[3].name, "d");
    assert_string_equal(p[3].value, "2");
    /* no '=', empty name, bad name, control character, comma, backslash */
    assert_int_equal(parse(&a, "flag; =v; a b=1; x=\x01; y=a,b; z=a\\b; ok=", p, 8), 1);
    assert_string_equal(p[0].name, "ok");
    assert_string_equal(p[0].value, "");
    assert_int_equal(parse(&a, "", p, 8), 0);
    assert_int_equal(parse(&a, ";;;", p, 8), 0);
    /* at most max pairs */
    assert_int_equal(parse(&a, "a=1; b=2; c=3", p, 2), 2);
    /* the string is not read past n */
    assert_int_equal(vcm_cookie_parse(&a, "a=1; b=2", 3, p, 8), 1);
    vcm_arena_release(&a);
}

static void test_cookie_arena_exhausted(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 64);
    vcm_query_pair p[4];
    char big[600];
    memset(big, 'v', sizeof big - 1);
    big[0] = 'n', big[1] = '=', big[sizeof big - 1] = '\0';
    assert_int_equal(parse(&a, big, p, 4), -1);
    vcm_arena_release(&a);
}

static void test_set_cookie(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 1 << 16);
    vcm_req req = {.arena = &a};
    vcm_resp resp;
    vcm_resp_init(&resp);
    assert_int_equal(vcm_resp_cookie(&resp, &req, "vcm_session", "ab12", 3600, false), 0);
    assert_int_equal(vcm_resp_cookie(&resp, &req, "s", "x", 0, true), 0);
    assert_int_equal(vcm_resp_cookie(&resp, &req, "s", "a;b", 0, true), -1);
    assert_int_equal(vcm_resp_cookie(&resp, &req, "s s", "x", 0, true), -1);
    assert_int_equal(vcm_resp_cookie(&resp, &req, "s", "x\r\nLocation: /", 0, true), -1);
    struct vcm_resp_hdr *h = resp.hdrs_;
    assert_non_null(h);
    assert_string_equal(h->name, "Set-Cookie");
    assert_string_equal(h->value, "vcm_session=ab12; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax");
    assert_non_null(h->next);
    assert_string_equal(h->next->value, "s=x; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure");
    assert_null(h->next->next);
    vcm_resp_release(&resp);
    vcm_arena_release(&a);
}

static void test_form_type(void **state)
{
    (void)state;
    assert_true(vcm_form_type_ok("application/x-www-form-urlencoded"));
    assert_true(vcm_form_type_ok("Application/X-WWW-Form-Urlencoded; charset=UTF-8"));
    assert_true(vcm_form_type_ok("application/x-www-form-urlencoded;charset=\"utf-8\""));
    assert_false(vcm_form_type_ok("application/x-www-form-urlencoded; charset=latin1"));
    assert_false(vcm_form_type_ok("application/x-www-form-urlencodedx"));
    assert_false(vcm_form_type_ok("multipart/form-data; boundary=x"));
    assert_false(vcm_form_type_ok("text/plain"));
    assert_false(vcm_form_type_ok(NULL));
}

static void test_form_parse(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 1 << 20);
    vcm_query f;
    const char *b = "email=a%40b.org&password=p+w%21&csrf=123&empty=&email=second";
    assert_int_equal(vcm_form_parse(&a, "application/x-www-form-urlencoded", b, strlen(b), &f),
                     VCM_FORM_OK);
    assert_string_equal(vcm_form_get(&f, "email"), "a@b.org");
    assert_string_equal(vcm_form_get(&f, "password"), "p w!");
    assert_string_equal(vcm_form_get(&f, "empty"), "");
    assert_null(vcm_form_get(&f, "missing"));
    assert_int_equal(vcm_form_parse(&a, "text/plain", b, strlen(b), &f), VCM_FORM_BAD_TYPE);
    assert_int_equal(vcm_form_parse(&a, "application/x-www-form-urlencoded", "a=%zz", 5, &f),
                     VCM_FORM_BAD);
    assert_int_equal(vcm_form_parse(&a, "application/x-www-form-urlencoded", "a=%00", 5, &f),
                     VCM_FORM_BAD);
    assert_int_equal(vcm_form_parse(&a, "application/x-www-form-urlencoded", "a=%C3", 5, &f),
                     VCM_FORM_BAD);
    /* too many fields */
    vcm_buf many;
    vcm_buf_init(&many, 1 << 20);
    for (int i = 0; i <= VCM_FORM_MAX_FIELDS; i++)
        vcm_buf_printf(&many, "f%d=1&", i);
    assert_int_equal(vcm_form_parse(&a, "application/x-www-form-urlencoded", many.data, many.len, &f),
                     VCM_FORM_BAD);
    vcm_buf_release(&many);
    vcm_arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cookie_pairs),
        cmocka_unit_test(test_cookie_arena_exhausted),
        cmocka_unit_test(test_set_cookie),
        cmocka_unit_test(test_form_type),
        cmocka_unit_test(test_form_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
