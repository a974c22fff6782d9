/* Buffers: appends, the hard cap (nothing written, toobig set), detach, and
 * the three escapers with every character they treat specially. */
#include "testutil.h"

#include <stdint.h>

#include <jansson.h>

#include "core/buf.h"

static void assert_buf(const vcm_buf *b, const char *want, size_t n)
{
    assert_int_equal(b->len, n);
    assert_non_null(b->data);
    assert_memory_equal(b->data, want, n);
    assert_int_equal(b->data[n], '\0');
}
#define ASSERT_BUF(b, lit) assert_buf((b), (lit), sizeof(lit) - 1)

/* Integers in decimal, as printf writes them, the extremes included. */
static void test_put_i64(void **state)
{
    (void)state;
    const int64_t v[] = {0, 1, -1, 9, 10, -10, 42, 1234567890123, INT64_MAX, INT64_MIN,
                         INT64_MIN + 1};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        vcm_buf b;
        vcm_buf_init(&b, 0);
        char want[32];
        snprintf(want, sizeof want, "%lld", (long long)v[i]);
        assert_int_equal(vcm_buf_put_i64(&b, v[i]), 0);
        assert_string_equal(b.data, want);
        vcm_buf_release(&b);
    }
    vcm_buf b;
    vcm_buf_init(&b, 3); /* too small: nothing written */
    assert_int_equal(vcm_buf_put_i64(&b, -1234), -1);
    assert_true(b.toobig);
    assert_int_equal(b.len, 0);
    vcm_buf_release(&b);
}

static void test_append_puts_putc_printf(void **state)
{
    (void)state;
    vcm_buf b;
    vcm_buf_init(&b, 0);
    assert_int_equal(b.max, VCM_BUF_DEFAULT_MAX);
    assert_int_equal(vcm_buf_str(&b).n, 0);
    assert_string_equal(vcm_buf_str(&b).p, "");
    assert_int_equal(vcm_buf_append(&b, "abc\0def", 7), 0);
    assert_buf(&b, "abc\0def", 7);
    assert_int_equal(vcm_buf_puts(&b, "|"), 0);
    assert_int_equal(vcm_buf_putc(&b, 'x'), 0);
    assert_int_equal(vcm_buf_printf(&b, "[%d:%s]", 1585, "Edo"), 0);
    ASSERT_BUF(&b, "abc\0def|x[1585:Edo]");
    assert_true(vcm_str_eq(vcm_buf_str(&b), (vcm_str){"abc\0def|x[1585:Edo]", 19}));
    /* Growing far past the first allocation keeps what was there. */
    for (int i = 0; i < 1000; i++)
        assert_int_equal(vcm_buf_printf(&b, "%04d", i), 0);
    assert_int_equal(b.len, 19 + 4000);
    assert_memory_equal(b.data, "abc\0def|x[1585:Edo]0000000100020003", 35);
    assert_memory_equal(b.data + b.len - 4, "0999", 4);
    assert_int_equal(b.data[b.len], '\0');
    assert_false(b.toobig);
    vcm_buf_reset(&b);
    ASSERT_BUF(&b, "");
    vcm_buf_release(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
}

static void test_printf_into_empty_buffer(void **state)
{
    (void)state;
    vcm_buf b;
    vcm_buf_init(&b, 0);
    assert_int_equal(vcm_buf_printf(&b, "%s", ""), 0);
    ASSERT_BUF(&b, "");
    assert_int_equal(vcm_buf_printf(&b, "%300d", 5), 0);
    assert_int_equal(b.len, 300);
    assert_int_equal(b.data[299], '5');
    assert_int_equal(b.data[300], '\0');
    vcm_buf_release(&b);
}

static void test_cap_fails_without_writing(void **state)
{
    (void)state;
    vcm_buf b;
    vcm_buf_init(&b, 10);
    assert_int_equal(vcm_buf_puts(&b, "hello"), 0);
    assert_int_equal(vcm_buf_puts(&b, "world!"), -1); /* 11 > 10 */
    assert_true(b.toobig);
    ASSERT_BUF(&b, "hello");
    /* Exactly up to the cap is fine. */
    assert_int_equal(vcm_buf_puts(&b, "world"), 0);
    ASSERT_BUF(&b, "helloworld");
    assert_int_equal(vcm_buf_putc(&b, '!'), -1);
    assert_int_equal(vcm_buf_printf(&b, "%d", 1), -1);
    assert_int_equal(vcm_buf_append(&b, "x", 1), -1);
    ASSERT_BUF(&b, "helloworld");
    assert_true(b.toobig);
    /* An empty append still fits. */
    assert_int_equal(vcm_buf_append(&b, "", 0), 0);
    vcm_buf_reset(&b);
    assert_false(b.toobig);
    ASSERT_BUF(&b, "");
    /* printf that would not fit writes nothing, not a truncated prefix. */
    assert_int_equal(vcm_buf_printf(&b, "%s", "0123456789A"), -1);
    ASSERT_BUF(&b, "");
    assert_true(b.toobig);
    /* A huge request does not overflow the size arithmetic. */
    vcm_buf_reset(&b);
    assert_int_equal(vcm_buf_grow(&b, SIZE_MAX), -1);
    assert_int_equal(vcm_buf_puts(&b, "ab"), 0);
    assert_int_equal(vcm_buf_grow(&b, SIZE_MAX - 1), -1);
    ASSERT_BUF(&b, "ab");
    vcm_buf_release(&b);
    assert_int_equal(b.max, 10); /* release keeps the cap */
}

static void test_escapers_respect_cap(void **state)
{
    (void)state;
    vcm_buf b;
    vcm_buf_init(&b, 8);
    /* "<<" is 8 bytes escaped: fits; one more does not. */
    assert_int_equal(vcm_buf_html(&b, "<<", 2), 0);
    ASSERT_BUF(&b, "&lt;&lt;");
    assert_int_equal(vcm_buf_html(&b, "a", 1), -1);
    assert_true(b.toobig);
    vcm_buf_reset(&b);
    assert_int_equal(vcm_buf_urlenc(&b, "   ", 3), -1);
    assert_true(b.toobig);
    vcm_buf_reset(&b);
    assert_int_equal(vcm_buf_json_str(&b, "<script>", 8), -1);
    assert_true(b.toobig);
    vcm_buf_release(&b);
}

static void test_detach(void **state)
{
    (void)state;
    vcm_buf b;
    vcm_buf_init(&b, 100);
    assert_int_equal(vcm_buf_puts(&b, "owned by the caller"), 0);
    size_t n = 0;
    char *p = vcm_buf_detach(&b, &n);
    assert_non_null(p);
    assert_int_equal(n, 19);
    assert_string_equal(p, "owned by the caller");
    /* The buffer is empty after and usable again, with its cap. */
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.max, 100);
    assert_int_equal(vcm_buf_puts(&b, "next"), 0);
    ASSERT_BUF(&b, "next");
    assert_ptr_not_equal(b.data, p);
    assert_string_equal(p, "owned by the caller");
    free(p);
    vcm_buf_release(&b);

    /* Detaching an untouched buffer gives an empty string, not NULL. */
    vcm_buf_init(&b, 0);
    char *e = vcm_buf_detach(&b, NULL);
    assert_non_null(e);
    assert_string_equal(e, "");
    free(e);
    vcm_buf_release(&b);
}

static char *html(const char *s, size_t n)
{
    vcm_buf b;
    vcm_buf_init(&b, 0);
    assert_int_equal(vcm_buf_html(&b, s, n), 0);
    char *r = vcm_buf_detach(&b, NULL);
    assert_non_null(r);
    return r;
}

static void test_html_escapes_every_special_character(void **state)
{
    (void)state;
    char *r = html("&<>\"'", 5);
    assert_string_equal(r, "&amp;&lt;&gt;&quot;&#39;");
    free(r);
    const char *in = "<a href=\"x\" title='y'>Tom & Jerry</a> 東京 é";
    r = html(in, strlen(in));
    assert_string_equal(r, "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Tom &amp; Jerry&lt;/a&gt; 東京 é");
    free(r);
    /* Plain text passes unchanged, including text around the specials. */
    r = html("plain text / = ; : ` ()", 23);
    assert_string_equal(r, "plain text / = ; : ` ()");
    free(r);
    /* Already-escaped text is escaped again: the escaper is not clever. */
    r = html("&amp;", 5);
    assert_string_equal(r, "&amp;amp;");
    free(r);
}

static void test_html_drops_nul(void **state)
{
    (void)state;
    vcm_buf b;
    vcm_buf_init(&b, 0);
    assert_int_equal(vcm_buf_html(&b, "a\0<\0b", 5), 0);
    ASSERT_BUF(&b, "a&lt;b");
    assert_int_equal(vcm_buf_html(&b, "", 0), 0);
    assert_int_equal(vcm_buf_html(&b, "\0", 1), 0);
    ASSERT_BUF(&b, "a&lt;b");
    /* n bounds the input: what follows is not read. */
    assert_int_equal(vcm_buf_html(&b, "xy<", 2), 0);
    ASSERT_BUF(&b, "a&lt;bxy");
    vcm_buf_release(&b);
}

static void test_urlenc(void **state)
{
    (void)state;
    vcm_buf b;
    vcm_buf_init(&b, 0);
    const char *in = "a b&c=d/é?#+%~-._AZaz09";
    assert_int_equal(vcm_buf_urlenc(&b, in, strlen(in)), 0);
    assert_string_equal(b.data, "a%20b%26c%3Dd%2F%C3%A9%3F%23%2B%25~-._AZaz09");
    vcm_buf_reset(&b);
    assert_int_equal(vcm_buf_urlenc(&b, "\0\x01\x7f\xff<>\"'", 8), 0);
    ASSERT_BUF(&b, "%00%01%7F%FF%3C%3E%22%27");
    vcm_buf_release(&b);
}

static void test_json_str_every_special_character(void **state)
{
    (void)state;
    vcm_buf b;
    vcm_buf_init(&b, 0);
    static const char in[] = "\"\\\n\r\t\x01\x1f\b\f<>&\0/é";
    assert_int_equal(vcm_buf_json_str(&b, in, sizeof in - 1), 0);
    assert_string_equal(b.data, "\"\\\"\\\\\\n\\r\\t\\u0001\\u001f\\u0008\\u000c"
                                "\\u003c\\u003e\\u0026\\u0000/é\"");
    vcm_buf_reset(&b);
    assert_int_equal(vcm_buf_json_str(&b, "", 0), 0);
    ASSERT_BUF(&b, "\"\"");
    vcm_buf_release(&b);
}

static void test_json_str_cannot_close_script(void **state)
{
    (void)state;
    vcm_buf b;
    vcm_buf_init(&b, 0);
    const char *in = "</script><script>alert('x')</script><!-- -->";
    assert_int_equal(vcm_buf_json_str(&b, in, strlen(in)), 0);
    assert_not_contains(b.data, "</script");
    assert_not_contains(b.data, "<");
    assert_not_contains(b.data, ">");
    assert_not_contains(b.data, "<!--");
    assert_contains(b.data, "\\u003c/script\\u003e");
    vcm_buf_release(&b);
}

static void test_json_str_round_trips_through_a_parser(void **state)
{
    (void)state;
    /* Every byte 1..127 and some UTF-8, then NUL: a real JSON parser must
     * read back exactly the input. */
    char in[200];
    size_t n = 0;
    for (int c = 1; c < 128; c++)
        in[n++] = (char)c;
    const char *u = "東京 한국 ไทย ü 😀";
    memcpy(in + n, u, strlen(u));
    n += strlen(u);
    in[n++] = '\0';
    in[n++] = 'z';
    vcm_buf b;
    vcm_buf_init(&b, 0);
    assert_int_equal(vcm_buf_json_str(&b, in, n), 0);
    for (size_t i = 0; i < b.len; i++)
        assert_true((unsigned char)b.data[i] >= 0x20); /* no raw control bytes */
    json_error_t e;
    json_t *j = json_loadb(b.data, b.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
    if (!j)
        fail_msg("not JSON: %s in %s", e.text, b.data);
    assert_true(json_is_string(j));
    assert_int_equal(json_string_length(j), n);
    assert_memory_equal(json_string_value(j), in, n);
    json_decref(j);
    vcm_buf_release(&b);
}

static void test_str_helpers(void **state)
{
    (void)state;
    vcm_str s = VCM_STR("abc");
    assert_int_equal(s.n, 3);
    assert_true(vcm_str_eqc(s, "abc"));
    assert_false(vcm_str_eqc(s, "abcd"));
    assert_false(vcm_str_eqc(s, "abd"));
    assert_true(vcm_str_eqc(vcm_str_c(NULL), ""));
    assert_true(vcm_str_eq((vcm_str){NULL, 0}, VCM_STR("")));
}

/* A whole file into a buffer: its bytes, NULs included; a file that is not
 * there, or larger than the cap, is an error naming it, and leaves what was
 * read within the cap. */
static void test_read_file(void **state)
{
    (void)state;
    char *dir = vt_tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/f.bin", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    static const char bytes[] = "one\0two\nthree";
    assert_int_equal(fwrite(bytes, 1, sizeof bytes - 1, f), sizeof bytes - 1);
    for (int i = 0; i < 70000; i++)
        fputc('x', f);
    assert_int_equal(fclose(f), 0);
    char err[600];
    vcm_buf b;
    vcm_buf_init(&b, 0);
    assert_int_equal(vcm_buf_read_file(&b, path, err, sizeof err), 0);
    assert_int_equal(b.len, sizeof bytes - 1 + 70000);
    assert_memory_equal(b.data, bytes, sizeof bytes - 1);
    vcm_buf_release(&b);
    vcm_buf_init(&b, 1 << 16);
    assert_int_equal(vcm_buf_read_file(&b, path, err, sizeof err), -1);
    assert_contains(err, path);
    assert_contains(err, "larger than 65536 bytes");
    vcm_buf_release(&b);
    vcm_buf_init(&b, 1 << 20);
    for (int i = 0; i < 20; i++)
        assert_int_equal(vcm_buf_append(&b, "0123456789abcdef0123456789abcdef0123456789abcdef"
                                            "0123456789abcdef", 64), 0);
    snprintf(path, sizeof path, "%s/big", dir);
    f = fopen(path, "wb");
    assert_non_null(f);
    for (int i = 0; i < (1 << 20); i++)
        fputc('y', f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(vcm_buf_read_file(&b, path, err, sizeof err), -1);
    assert_contains(err, "larger than 1 MiB");
    vcm_buf_release(&b);
    vcm_buf_init(&b, 0);
    snprintf(path, sizeof path, "%s/none", dir);
    assert_int_equal(vcm_buf_read_file(&b, path, err, sizeof err), -1);
    assert_contains(err, "cannot open");
    assert_contains(err, path);
    assert_int_equal(b.len, 0);
    vcm_buf_release(&b);
    vt_rmrf(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_puts_putc_printf),
        cmocka_unit_test(test_put_i64),
        cmocka_unit_test(test_printf_into_empty_buffer),
        cmocka_unit_test(test_cap_fails_without_writing),
        cmocka_unit_test(test_escapers_respect_cap),
        cmocka_unit_test(test_detach),
        cmocka_unit_test(test_html_escapes_every_special_character),
        cmocka_unit_test(test_html_drops_nul),
        cmocka_unit_test(test_urlenc),
        cmocka_unit_test(test_json_str_every_special_character),
        cmocka_unit_test(test_json_str_cannot_close_script),
        cmocka_unit_test(test_json_str_round_trips_through_a_parser),
        cmocka_unit_test(test_str_helpers),
        cmocka_unit_test(test_read_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
