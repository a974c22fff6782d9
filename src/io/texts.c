/* Every text a source gives, kept (io/texts.h).
 *
 * The Taipei records give a title or description twice: the museum's own
 * field, often the fuller text ("Inscription (Outer wall): … 'the Fragrant
 * Concubine.'"), and a title_i18n/description_i18n map whose English entry
 * may be a short translation, or a part of the same text. Neither replaces
 * the other by its place in the record: the longer holds the shorter when
 * one contains the other, and two different texts in one language are both
 * kept, each at its own position. */
#include <stdbool.h>
#include <string.h>

#include "io/notes.h"
#include "io/texts.h"
#include "core/banned.h"

#define MAX_SPANS 64

/* Copies s[0, n) with runs of spaces made one, no space before , ; : . )
 * and none at either end, a dangling ';' or ',' at the end dropped. */
static char *tidy(vcm_arena *a, const char *s, size_t n)
{
    char *out = vcm_arena_alloc(a, n + 1);
    if (!out)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == ' ' && (k == 0 || out[k - 1] == ' ' || out[k - 1] == '\n'))
            continue;
        if ((c == ',' || c == ';' || c == ':' || c == '.' || c == ')') && k && out[k - 1] == ' ')
            k--;
        /* what a note between two separators leaves: ",;" or ";;" */
        if (c == ';' && k && (out[k - 1] == ',' || out[k - 1] == ';'))
            k--;
        if (c == '\n')
            while (k && out[k - 1] == ' ')
                k--;
        out[k++] = c;
    }
    while (k && (out[k - 1] == ' ' || out[k - 1] == '\n' || out[k - 1] == ';' ||
                 out[k - 1] == ','))
        k--;
    /* what a removed clause left first: "; rest" */
    size_t from = 0;
    while (from < k && (out[from] == ';' || out[from] == ',' || out[from] == ' '))
        from++;
    memmove(out, out + from, k - from);
    out[k - from] = '\0';
    return out;
}

static bool has_letter_or_digit(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80 || (*s >= '0' && *s <= '9') ||
            ((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z'))
            return true;
    return false;
}

static int add_note(vcm_ltexts *notes, vcm_arena *a, const char *text, size_t n,
                    const char *langs)
{
    char *t = tidy(a, text, n);
    if (!t)
        return -1;
    /* the asterisks around a shouted note are its emphasis, not its words */
    size_t l = strlen(t), b = 0;
    while (b < l && (t[b] == '*' || t[b] == ' '))
        b++;
    while (l > b && (t[l - 1] == '*' || t[l - 1] == ' '))
        l--;
    t[l] = '\0';
    t += b;
    if (!*t)
        return 0;
    for (size_t i = 0; i < notes->n; i++)
        if (strcmp(notes->v[i].text, t) == 0)
            return 0;
    bool inferred;
    const char *lang = vcm_lang_infer(t, NULL, langs, &inferred);
    if (vcm_ltexts_add(notes, a, lang, t) < 0)
        return -1;
    notes->v[notes->n - 1].inferred = inferred;
    return 0;
}

const char *vcm_texts_strip_notes(vcm_arena *a, const char *text, const char *langs,
                                  vcm_ltexts *notes, bool *oom)
{
    *oom = false;
    if (!text || !*text)
        return NULL;
    size_t n = strlen(text);
    vcm_note_span sp[MAX_SPANS];
    size_t k = vcm_notes_find(text, n, sp, MAX_SPANS);
    if (k > MAX_SPANS)
        k = MAX_SPANS;
    if (k == 0)
        return text;
    char *rest = vcm_arena_alloc(a, n + 1);
    if (!rest)
        goto oom;
    size_t len = 0, at = 0;
    for (size_t i = 0; i < k; i++) {
        memcpy(rest + len, text + at, sp[i].start - at);
        len += sp[i].start - at;
        if (add_note(notes, a, text + sp[i].start, sp[i].end - sp[i].start, langs) < 0)
            goto oom;
        at = sp[i].cut_end;
        /* a removed note between two words leaves one space */
        if (len && rest[len - 1] != ' ' && at < n && text[at] != ' ' && sp[i].cut_end > sp[i].end)
            rest[len++] = ' ';
    }
    memcpy(rest + len, text + at, n - at);
    len += n - at;
    const char *r = tidy(a, rest, len);
    if (!r)
        goto oom;
    return has_letter_or_digit(r) ? r : NULL;
oom:
    *oom = true;
    return NULL;
}

/* Same primary language subtag: "zh-Hant" and "zh". */
static bool same_language(const char *x, const char *y)
{
    size_t a = strcspn(x, "-"), b = strcspn(y, "-");
    return a == b && strncmp(x, y, a) == 0;
}

int vcm_texts_add(vcm_ltexts *t, vcm_arena *a, const char *text, const char *given,
                  const char *langs)
{
    bool inferred;
    const char *lang = vcm_lang_infer(text, given, langs, &inferred);
    for (size_t i = 0; i < t->n; i++) {
        vcm_ltext *v = &t->v[i];
        if (strcmp(v->text, text) == 0) {
            if (v->inferred && !inferred) {
                v->lang = lang;
                v->inferred = false;
            }
            return 0;
        }
        if (strstr(v->text, text))
            return 0;
        if (strstr(text, v->text)) {
            /* the fuller text takes the place of the part it holds; the
             * tag the source gave the part stays if it is the same
             * language */
            v->text = text;
            if (!(inferred && !v->inferred && same_language(v->lang, lang))) {
                v->lang = lang;
                v->inferred = inferred;
            }
            return 0;
        }
    }
    if (vcm_ltexts_add(t, a, lang, text) < 0)
        return -1;
    t->v[t->n - 1].inferred = inferred;
    return 0;
}
