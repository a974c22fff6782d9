/* libFuzzer driver for the Cookie header parser and the urlencoded form
 * parser (src/http/cookie.c, src/http/form.c). Beyond "no crash" it checks
 * what handlers rely on: every cookie name is a non-empty token and every
 * value cookie-octets; every form field is valid UTF-8 without NUL.
 *
 * The first input byte picks the parser (even: cookie, odd: form); the
 * rest is the header or the body. `make fuzz` builds it (fuzz/README.md). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "http/cookie.h"
#include "http/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *s = (const char *)data + 1;
    size_t n = size - 1;
    vcm_arena a;
    vcm_arena_init(&a, 1 << 20);
    if (data[0] % 2 == 0) {
        vcm_query_pair p[VCM_COOKIE_MAX];
        int k = vcm_cookie_parse(&a, s, n, p, VCM_COOKIE_MAX);
        if (k > VCM_COOKIE_MAX)
            abort();
        for (int i = 0; i < k; i++) {
            if (!*p[i].name || strpbrk(p[i].name, " ;=\",\\\t"))
                abort();
            for (const char *c = p[i].value; *c; c++)
                if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f || strchr("\";,\\", *c))
                    abort();
        }
    } else {
        vcm_query f;
        if (vcm_form_parse(&a, "application/x-www-form-urlencoded", s, n, &f) == VCM_FORM_OK) {
            if (f.n > VCM_FORM_MAX_FIELDS)
                abort();
            for (int i = 0; i < f.n; i++)
                if (!vcm_utf8_valid(f.pairs[i].name, strlen(f.pairs[i].name)) ||
                    !vcm_utf8_valid(f.pairs[i].value, strlen(f.pairs[i].value)))
                    abort();
        }
    }
    vcm_arena_release(&a);
    return 0;
}
