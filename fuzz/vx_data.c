/* libFuzzer target for what the virtual exhibitions read from outside
 * (src/model/vexhibit.c): the write API's JSON body as a version's content,
 * checked, written and read back (the same content again); and each line
 * of the editor's items field. Checks beyond "no crash": content that
 * passes the checks survives the JSON round trip, and an item line read
 * has a positive object id and a region with a positive width and height
 * or none.
 * Build with `make fuzz`; run: build/fuzz/vx_data -max_total_time=60 fuzz/corpus/vx_data */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/vexhibit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vcm_arena a;
    vcm_arena_init(&a, 0);
    char *text = vcm_arena_strndup(&a, (const char *)data, size);
    vcm_vx_data d, back;
    char err[200], field[64];
    const char *why;
    if (text && vcm_vx_data_from_json(&d, &a, text, err, sizeof err) == 0 &&
        vcm_vx_validate(&d, field, sizeof field, &why) == 0) {
        char *json = vcm_vx_data_to_json(&d, &a);
        if (!json || vcm_vx_data_from_json(&back, &a, json, err, sizeof err) < 0 ||
            back.nsections != d.nsections || back.title.n != d.title.n)
            abort();
        char *again = vcm_vx_data_to_json(&back, &a);
        if (!again || strcmp(again, json) != 0)
            abort();
    }
    /* each line as an item line of the editor */
    for (const char *p = text; p && *p;) {
        size_t n = strcspn(p, "\n");
        char *line = vcm_arena_strndup(&a, p, n);
        vcm_vx_item it;
        if (line && vcm_vx_item_parse(line, &a, "en", &it, &why) == 0) {
            if (it.object_id <= 0 || (it.w != 0 && (it.w <= 0 || it.h <= 0)))
                abort();
        }
        p += n + (p[n] == '\n');
    }
    vcm_arena_release(&a);
    return 0;
}
