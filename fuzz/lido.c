/* libFuzzer target for the LIDO reader: the safe XML reader (src/io/xml.c)
 * streaming lido:lido elements, each through the pure parser and the
 * mapping to an object (src/io/lido.c). Build with `make fuzz`; run:
 * build/fuzz/lido -max_total_time=60 fuzz/corpus/lido */
#include <stdlib.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "io/lido.h"
#include "io/xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[600];
    vcm_xml *x = vcm_xml_open_memory((const char *)data, size, "fuzz.xml", NULL, err, sizeof err);
    if (!x)
        return 0;
    vcm_arena a;
    vcm_arena_init(&a, 64u << 20);
    for (int i = 0; i < 1000; i++) {
        xmlNode *n;
        long line;
        if (vcm_xml_next(x, VCM_LIDO_NS, "lido", &n, &line, err, sizeof err) <= 0)
            break;
        /* every error names the document and a line */
        vcm_lido_record rec;
        if (vcm_lido_parse(n, &a, &rec, err, sizeof err) == 0) {
            for (size_t k = 0; k < rec.nunkept; k++)
                if (!rec.unkept[k] || !*rec.unkept[k])
                    abort();
            vcm_object o;
            const char *museum, *country, *warning;
            if (vcm_lido_to_object(&rec, &a, "DE", &o, &museum, &country, &warning, err,
                                   sizeof err) == 0 &&
                (!museum || !o.source_id))
                abort();
            json_decref(rec.source);
        }
        vcm_arena_reset(&a);
    }
    vcm_xml_close(x);
    vcm_arena_release(&a);
    return 0;
}
