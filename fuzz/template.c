/* libFuzzer target: compile arbitrary template text and render it.
 *
 * The input is compiled twice, as "t" and as "p" (so {{> p}} and {{> t}}
 * reach includes and cycles), then rendered alone and inside itself as a
 * layout, into a buffer with a small cap so the cap paths run too. Any crash,
 * sanitizer report or broken invariant (a failed call without a message, a
 * failed render that leaves output behind) is a bug.
 *
 * Build (not part of `make`; needs clang):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c17 -D_GNU_SOURCE \
 *     -Isrc -Ibuild/gen fuzz/template.c src/view/template.c src/core/buf.c \
 *     src/core/arena.c src/core/i18n.c src/core/text.c src/core/asset.c \
 *     build/gen/assets.c -ljansson -licuuc -licui18n -o build/fuzz-template
 *   build/fuzz-template CORPUS_DIR */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/buf.h"
#include "view/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char DATA[] =
    "{\"title\": \"<script>alert(1)</script>\", \"yes\": true, \"no\": false, \"n\": 42231,"
    " \"r\": 1.5, \"list\": [1, \"a\", null, {\"x\": [true]}], \"map\": {\"k\": \"v\", \"j\": 2},"
    " \"object\": {\"title\": \"Bowl\", \"id\": \"o 1\"}, \"u\": \"javascript:alert(1)\"}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static json_t *d;
    if (!d)
        d = json_loads(DATA, 0, NULL);
    vcm_tpl_set *s = vcm_tpl_set_new();
    if (!s)
        return 0;
    char err[256];
    const char *text = (const char *)data;
    int t = vcm_tpl_set_add(s, "t", text, size, err, sizeof err);
    if (t < 0 && strncmp(err, "t:", 2) != 0)
        abort();
    int p = vcm_tpl_set_add(s, "p", text, size, err, sizeof err);
    if (p != t)
        abort(); /* the name must not change whether a text compiles */
    if (t == 0) {
        static const size_t caps[] = {0, 64};
        for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
            vcm_buf b;
            vcm_buf_init(&b, caps[i]);
            if (vcm_tpl_render(s, NULL, "t", d, "en", &b, err, sizeof err) < 0 &&
                (!err[0] || b.len != 0))
                abort();
            vcm_buf_reset(&b);
            if (vcm_tpl_render(s, "p", "t", d, "de", &b, err, sizeof err) < 0 &&
                (!err[0] || b.len != 0))
                abort();
            vcm_buf_release(&b);
        }
    }
    vcm_tpl_set_free(s);
    return 0;
}
