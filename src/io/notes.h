/* Cataloguers' notes inside the texts of a source record: remarks meant for
 * colleagues ("THIS IS WHITE QUARTZ, NOT NEPHRITE", "Note trans Teng 2004
 * p40", "determine which 810 characters are here", "(see notes)") that
 * the museum's export left in titles, descriptions and cultures. The
 * importer keeps them apart from the text a visitor reads (io/notes.c has
 * the rules and why each one is safe). Pure: no allocation, no state. */
#ifndef VCM_IO_NOTES_H
#define VCM_IO_NOTES_H
#include <stddef.h>

typedef struct vcm_note_span {
    size_t start, end; /* the note: text[start, end) */
    size_t cut_end;    /* end of what removing it takes (its separator) */
    int rule;          /* which rule found it (enum in notes.c), for reports */
} vcm_note_span;

/* Finds the notes of text (n bytes of UTF-8). Writes at most max spans, in
 * order and not overlapping, and returns how many there are (more than max
 * when max was too small). */
size_t vcm_notes_find(const char *text, size_t n, vcm_note_span *spans, size_t max);
/* The name of a rule, for reports ("capitals", "see-notes", …). */
const char *vcm_notes_rule_name(int rule);
#endif
