/* libFuzzer target for the finding of cataloguers' notes in source texts
 * (src/io/notes.c) and the split the importer makes with it
 * (src/io/texts.c: vcm_texts_strip_notes).
 * Build with `make fuzz`; run:
 *   build/fuzz/notes -max_total_time=60 fuzz/corpus/notes
 *
 * The input is the text; bytes that are not UTF-8 are made '?' first, as
 * the importer's clean-up does before any rule sees a text. Beyond "no
 * crash": the spans are in order, inside the text, do not overlap, and
 * each ends where its cut begins at the latest; the count does not depend
 * on the room given for spans; what is left and every note are valid
 * UTF-8, no longer than the text, without a space at either end, and a
 * text without notes comes back as it was. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/text.h"
#include "io/notes.h"
#include "io/texts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *s, size_t limit)
{
    size_t n = strlen(s);
    if (!vcm_utf8_valid(s, n) || n > limit || (n && (s[0] == ' ' || s[n - 1] == ' ')))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    /* a NUL ends a C string: what the importer sees is the text before it */
    size_t n = strlen(s);
    size_t at = 0;
    while ((at += vcm_utf8_check(s + at, n - at)) < n)
        s[at++] = '?';

    vcm_note_span sp[64], few[2];
    size_t k = vcm_notes_find(s, n, sp, 64);
    if (vcm_notes_find(s, n, few, 2) != k)
        abort();
    size_t last = 0;
    for (size_t i = 0; i < k && i < 64; i++) {
        if (sp[i].start >= sp[i].end || sp[i].end > sp[i].cut_end || sp[i].cut_end > n ||
            sp[i].start < last)
            abort();
        if (i < 2 && (few[i].start != sp[i].start || few[i].end != sp[i].end ||
                      few[i].cut_end != sp[i].cut_end || few[i].rule != sp[i].rule))
            abort();
        if (!*vcm_notes_rule_name(sp[i].rule) || strcmp(vcm_notes_rule_name(sp[i].rule), "?") == 0)
            abort();
        last = sp[i].cut_end;
    }

    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_ltexts notes = {0};
    bool oom;
    const char *rest = vcm_texts_strip_notes(&a, s, "en", &notes, &oom);
    if (!oom) {
        if (k == 0 && n && rest != s)
            abort();
        if (rest && rest != s)
            check_text(rest, n);
        for (size_t i = 0; i < notes.n; i++) {
            check_text(notes.v[i].text, n);
            if (!vcm_lang_valid(notes.v[i].lang))
                abort();
        }
    }
    vcm_arena_release(&a);
    free(s);
    return 0;
}
