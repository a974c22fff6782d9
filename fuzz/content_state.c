/* libFuzzer target for the IIIF Content State reader (src/io/content_state.c):
 * the input is an iiif-content parameter's value. Checks beyond "no crash":
 * a state read has 1 to VCM_CS_TARGETS targets, each with an http(s) canvas
 * id and a region with a positive width and height when it has one; and
 * writing it again and reading that back gives the same targets (the
 * comparison page's share link round trip).
 * Build with `make fuzz`; run: build/fuzz/content_state -max_total_time=60 fuzz/corpus/content_state */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/content_state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vcm_content_state cs, back;
    char err[200];
    if (vcm_content_state_decode((const char *)data, size, &cs, err, sizeof err) < 0) {
        if (!err[0])
            abort(); /* a refusal always says why */
        return 0;
    }
    if (cs.n == 0 || cs.n > VCM_CS_TARGETS)
        abort();
    for (size_t i = 0; i < cs.n; i++) {
        const vcm_cs_target *t = &cs.t[i];
        if (strncmp(t->canvas, "http", 4) != 0 || strchr(t->canvas, '#'))
            abort();
        if (t->region && (t->w <= 0 || t->h <= 0 || t->x < 0 || t->y < 0))
            abort();
    }
    vcm_buf b;
    vcm_buf_init(&b, (size_t)VCM_CS_MAX_PARAM * 8);
    if (vcm_content_state_encode(&cs, &b) == 0 && b.len <= VCM_CS_MAX_PARAM) {
        if (vcm_content_state_decode(b.data, b.len, &back, err, sizeof err) < 0 || back.n != cs.n)
            abort();
        for (size_t i = 0; i < cs.n; i++)
            if (strcmp(back.t[i].canvas, cs.t[i].canvas) != 0 ||
                back.t[i].region != cs.t[i].region ||
                (cs.t[i].region && (back.t[i].x != cs.t[i].x || back.t[i].y != cs.t[i].y ||
                                    back.t[i].w != cs.t[i].w || back.t[i].h != cs.t[i].h)))
                abort();
    }
    vcm_buf_release(&b);
    return 0;
}
