/* The search of a static copy of the site: the index written as files that
 * a browser fetches on demand (static/search-static.js), so that a search
 * needs no server. The layout of the files is described at the top of
 * static.c; docs/preservation.md says how it is used. */
#ifndef VCM_SEARCH_STATIC_H
#define VCM_SEARCH_STATIC_H
#include <stddef.h>

typedef struct vcm_static_stats {
    size_t docs;       /* objects in the index */
    size_t terms;
    size_t files;      /* files written */
    size_t bytes;      /* their total size */
    size_t largest;    /* the largest file, bytes */
} vcm_static_stats;

/* Builds the search index of the store at db_url afresh and writes it,
 * with the thesaurus and the folding tables the script needs, under
 * dir/search/ (dir must exist; search/ is created or its files replaced).
 * Returns 0, or -1 with a message in err ("cannot write 'DIR/search/…'"). */
int vcm_search_export_static(const char *db_url, const char *dir, vcm_static_stats *stats,
                             char *err, size_t errlen);

/* Writes the tokens of text (query flags: stemming) as one JSON array of
 * [text, kind, pos, start, end] into out (NUL-terminated). For comparing
 * the script's tokenizer with this one. Returns 0, or -1 when the text is
 * not UTF-8 or out is too small. */
int vcm_search_tokens_json(const char *text, size_t len, int flags, char *out, size_t cap);
#endif
