/* The JSON writer against jansson's compact dump: the same values, the
 * same bytes, for random strings (controls, quotes, every UTF-8 length,
 * invalid sequences), integers and reals, in nested objects and arrays;
 * values jansson refuses leave nothing, their keys included; the
 * buffer's cap holds. */
#include "testutil.h"

#include <math.h>
#include <stdint.h>

#include <jansson.h>

#include "core/jsonw.h"

static uint64_t rng = 0x9E3779B97F4A7C15u;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* A random string: mostly text, some of it broken on purpose. */
static size_t random_string(char *s, size_t cap)
{
    static const char *const pieces[] = {
        "a", "Z", " ", "\"", "\\", "/", "\n", "\t", "\r", "\b", "\f", "\x01", "\x1f", "\x7f",
        "é", "白磁", "청자", "ภาษาไทย", "\u2028", "\u2029", "😀", "\xef\xbf\xbf",
        "\xf4\x8f\xbf\xbf", /* the last code point */
        "\xc0\xaf",         /* overlong '/' */
        "\xe0\x80\xaf",     /* overlong, 3 bytes */
        "\xed\xa0\x80",     /* a surrogate */
        "\xf4\x90\x80\x80", /* past U+10FFFF */
        "\x80", "\xc3", "\xe7\x99", "\xf5\x80\x80\x80", "\xff",
    };
    size_t n = 0, npieces = sizeof pieces / sizeof pieces[0];
    size_t count = next() % 8;
    for (size_t i = 0; i < count; i++) {
        /* a broken piece one time in eight */
        size_t k = next() % 8 ? next() % 22 : next() % npieces;
        size_t len = strlen(pieces[k]);
        if (n + len >= cap)
            break;
        memcpy(s + n, pieces[k], len);
        n += len;
    }
    s[n] = '\0';
    return n;
}

static double random_real(void)
{
    switch (next() % 6) {
    case 0: return (double)(float)((double)(next() % 100000) / 997.0); /* a score */
    case 1: return (double)(int64_t)(next() % 2000) - 1000;            /* integral */
    case 2: return ldexp((double)(next() % 1000000), (int)(next() % 200) - 100);
    case 3: return -ldexp((double)(next() % 7 + 1), (int)(next() % 2000) - 1000);
    case 4: return (next() % 2 ? 1e21 : 1e-7) * (double)(next() % 9 + 1);
    default: {
        uint64_t bits = next();
        double d;
        memcpy(&d, &bits, sizeof d);
        return d; /* NaN and infinities among them */
    }
    }
}

static int64_t random_int(void)
{
    switch (next() % 4) {
    case 0: return INT64_MIN;
    case 1: return INT64_MAX;
    case 2: return (int64_t)(next() % 2000) - 1000;
    default: return (int64_t)next();
    }
}

/* One random value written both ways; depth bounds the nesting. */
static json_t *value(vcm_jw *w, int depth, bool *ok);

static json_t *container(vcm_jw *w, int depth, bool object)
{
    json_t *j = object ? json_object() : json_array();
    vcm_jw_open(w, object ? '{' : '[');
    size_t n = next() % 5;
    for (size_t i = 0; i < n; i++) {
        char key[64];
        if (object) {
            /* keys of text only, each once: jansson keeps one per name */
            snprintf(key, sizeof key, "k%zu", i);
            vcm_jw_mark m = vcm_jw_mark_now(w);
            vcm_jw_key(w, key);
            bool ok;
            json_t *v = value(w, depth + 1, &ok);
            if (!ok) {
                vcm_jw_back(w, m);
                assert_null(v);
                assert_int_equal(json_object_set_new(j, key, v), -1);
                continue;
            }
            assert_int_equal(json_object_set_new(j, key, v), 0);
        } else {
            bool ok;
            json_t *v = value(w, depth + 1, &ok);
            if (ok)
                assert_int_equal(json_array_append_new(j, v), 0);
        }
    }
    vcm_jw_close(w, object ? '}' : ']');
    return j;
}

static json_t *value(vcm_jw *w, int depth, bool *ok)
{
    *ok = true;
    switch (next() % (depth < 4 ? 8 : 6)) {
    case 0: {
        char s[256];
        size_t n = random_string(s, sizeof s);
        json_t *j = json_stringn(s, n);
        *ok = vcm_jw_strn(w, s, n);
        assert_int_equal(*ok, j != NULL);
        return j;
    }
    case 1: {
        int64_t v = random_int();
        vcm_jw_int(w, v);
        return json_integer(v);
    }
    case 2: {
        double d = random_real();
        json_t *j = json_real(d);
        *ok = vcm_jw_real(w, d);
        assert_int_equal(*ok, j != NULL);
        return j;
    }
    case 3: {
        bool b = next() % 2;
        vcm_jw_bool(w, b);
        return json_boolean(b);
    }
    case 4: vcm_jw_null(w); return json_null();
    case 5: {
        char s[64];
        random_string(s, sizeof s);
        json_t *j = json_string(s);
        *ok = vcm_jw_str(w, s);
        assert_int_equal(*ok, j != NULL);
        return j;
    }
    case 6: return container(w, depth, true);
    default: return container(w, depth, false);
    }
}

static void test_same_bytes_as_jansson(void **state)
{
    (void)state;
    for (int round = 0; round < 20000; round++) {
        vcm_buf b;
        vcm_buf_init(&b, 0);
        vcm_jw w;
        vcm_jw_init(&w, &b);
        json_t *j = container(&w, 0, round % 2 == 0);
        char *want = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
        assert_non_null(want);
        assert_false(b.toobig);
        if (strcmp(b.data, want) != 0)
            fail_msg("round %d:\nwant %s\ngot  %s", round, want, b.data);
        free(want);
        json_decref(j);
        vcm_buf_release(&b);
    }
}

static void test_refused_values_leave_nothing(void **state)
{
    (void)state;
    vcm_buf b;
    vcm_buf_init(&b, 0);
    vcm_jw w;
    vcm_jw_init(&w, &b);
    vcm_jw_open(&w, '{');
    assert_false(vcm_jw_kstr(&w, "a", NULL));
    assert_false(vcm_jw_kstr(&w, "b", "bad \xff"));
    assert_false(vcm_jw_kreal(&w, "c", NAN));
    assert_false(vcm_jw_kreal(&w, "d", INFINITY));
    assert_true(vcm_jw_kstr(&w, "e", "ok"));
    assert_false(vcm_jw_kstr(&w, "f", "\xed\xa0\x80"));
    vcm_jw_kint(&w, "g", -5);
    vcm_jw_kbool(&w, "h", false);
    vcm_jw_knull(&w, "i");
    assert_true(vcm_jw_kreal(&w, "j", 0.1f));
    vcm_jw_key(&w, "k");
    vcm_jw_open(&w, '[');
    assert_false(vcm_jw_str(&w, NULL));
    vcm_jw_int(&w, 1);
    assert_false(vcm_jw_str(&w, "\xc0\xaf"));
    vcm_jw_mark m = vcm_jw_mark_now(&w);
    vcm_jw_open(&w, '{');
    vcm_jw_kint(&w, "dropped", 2);
    vcm_jw_close(&w, '}');
    vcm_jw_back(&w, m);
    assert_true(vcm_jw_real(&w, 1e21));
    assert_true(vcm_jw_real(&w, 3));
    assert_true(vcm_jw_real(&w, -1e-7));
    vcm_jw_close(&w, ']');
    vcm_jw_close(&w, '}');
    assert_string_equal(b.data, "{\"e\":\"ok\",\"g\":-5,\"h\":false,\"i\":null,"
                                "\"j\":0.10000000149011612,\"k\":[1,1e21,3.0,-9.9999999999999995e-8]}");
    vcm_buf_release(&b);
}

/* A buffer's cap holds: past it the writer writes nothing more and the
 * buffer says so, whatever the value. */
static void test_cap(void **state)
{
    (void)state;
    for (size_t max = 1; max < 64; max++) {
        vcm_buf b;
        vcm_buf_init(&b, max);
        vcm_jw w;
        vcm_jw_init(&w, &b);
        vcm_jw_open(&w, '[');
        for (int i = 0; i < 20; i++) {
            vcm_jw_str(&w, "a \"quoted\" text\n");
            vcm_jw_int(&w, INT64_MIN);
            vcm_jw_real(&w, 0.1);
            vcm_jw_bool(&w, true);
            assert_false(vcm_jw_str(&w, "broken \xff"));
        }
        vcm_jw_close(&w, ']');
        assert_true(b.toobig);
        assert_true(b.len <= max);
        assert_int_equal(b.data ? b.data[b.len] : 0, '\0');
        vcm_buf_release(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_bytes_as_jansson),
        cmocka_unit_test(test_refused_values_leave_nothing),
        cmocka_unit_test(test_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
