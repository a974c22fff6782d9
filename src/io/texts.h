/* The texts of a source record as an object keeps them: every text the
 * source gives, each tagged with its language (inferred where the source
 * does not say, and marked so), cataloguers' notes set apart. */
#ifndef VCM_IO_TEXTS_H
#define VCM_IO_TEXTS_H
#include "core/arena.h"
#include "model/model.h"

/* Takes the notes out of text (io/notes.h) into notes, and returns what a
 * visitor reads: text without them, its spaces tidied; NULL when nothing is
 * left (or the arena is full: *oom set). langs: the museum's languages. */
const char *vcm_texts_strip_notes(vcm_arena *a, const char *text, const char *langs,
                                  vcm_ltexts *notes, bool *oom);
/* Adds text to t (after vcm_texts_strip_notes), tagged given (NULL: none)
 * or as vcm_lang_infer() says. Nothing is lost and nothing repeated: a
 * text equal to one held, or contained in one held, adds nothing (the
 * source's tag wins over an inferred one); a text that contains one held
 * replaces it; any other is kept, even in a language already held.
 * Returns -1 when the arena is full. */
int vcm_texts_add(vcm_ltexts *t, vcm_arena *a, const char *text, const char *given,
                  const char *langs);
#endif
