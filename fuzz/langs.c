/* libFuzzer driver for the interface languages' parsers (src/core/langs.c):
 * an Accept-Language value, a language tag and a request path's language
 * prefix. Beyond "no crash" it checks what the request's choice relies on:
 * whatever is chosen is an entry of the table; a prefix is never English and
 * leaves a rest that starts with '/'; parsing never reads past len (the
 * input is copied to a buffer of exactly its size).
 *
 * `make fuzz` builds it (fuzz/README.md). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/langs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void in_table(const vcm_lang *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < vcm_lang_count(); i++)
        if (vcm_lang_at(i) == l)
            return;
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size ? size : 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    in_table(vcm_lang_accept(s, size));
    in_table(vcm_lang_by_tag(s, size));
    in_table(vcm_lang_by_code(s, size));
    free(s);
    /* the path functions want a NUL-terminated path */
    char *p = malloc(size + 1);
    if (!p)
        return 0;
    memcpy(p, data, size);
    p[size] = '\0';
    const char *rest = NULL;
    const vcm_lang *l = vcm_lang_prefix(p, &rest);
    in_table(l);
    if (l && (strcmp(l->code, VCM_LANG_DEFAULT) == 0 || rest[0] != '/'))
        abort();
    if (!l && rest != p)
        abort();
    (void)vcm_lang_path_localized(p);
    free(p);
    return 0;
}
