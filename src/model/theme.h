/* Themes: curated sets of objects with a title and an introduction in
 * several languages (the Silk Road, Buddhist art, ceramics…), each a saved
 * query (its rule) refined by hand: objects added (shown first, in their
 * order) or removed. The store keeps what a theme selects (store/theme.h);
 * browse and the search filter by it (theme=SLUG, model/filter.h).
 *
 * A rule selects the published objects of which any of these holds:
 *   origins  the derived origin (model/origin.h) is one of these countries
 *            (ISO codes) or regions ("central-asia")
 *   places   the origin's culture is one of these ("place:dunhuang")
 *   words    a title, a description, the culture or the period holds one of
 *            these words (compared in lower case; SQLite folds ASCII only)
 * and, with masterpieces, only objects with a published masterpiece entry.
 * A rule with no origin, place or word selects nothing: a theme made only
 * of hand-picked objects.
 *
 * vcm_theme_parse reads a theme from JSON (a file of data/themes/, the
 * API's body) and is pure and fuzzed (fuzz/theme.c); vcm_theme_check says
 * which field is wrong, so that forms show the error beside it. The format
 * is in docs/curation.md. */
#ifndef VCM_MODEL_THEME_H
#define VCM_MODEL_THEME_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

#define VCM_THEME_SLUG_MAX 64
#define VCM_THEME_LIST_MAX 64    /* origins, places, words each */
#define VCM_THEME_WORD_MAX 64    /* bytes of a word or place */
#define VCM_THEME_PICKS_MAX 500  /* objects added or removed by hand, each */
#define VCM_THEME_LANGS_MAX 40
#define VCM_THEME_TITLE_MAX 200
#define VCM_THEME_INTRO_MAX 8000

typedef struct vcm_theme_rule {
    const char **origins, **places, **words;
    size_t norigins, nplaces, nwords;
    bool masterpieces;
} vcm_theme_rule;

typedef struct vcm_theme_text {
    const char *lang, *title, *intro;
} vcm_theme_text;

/* A hand-picked object: its id, or (from a file, whose ids differ from one
 * database to another) its source id. */
typedef struct vcm_theme_pick {
    int64_t object_id;
    const char *source_id;
} vcm_theme_pick;

typedef struct vcm_theme {
    int64_t id;
    const char *slug;
    int64_t pos;                 /* order on /themes, then the slug */
    vcm_theme_rule rule;
    vcm_theme_text *texts;
    size_t ntexts;
    vcm_theme_pick *add, *remove;
    size_t nadd, nremove;
    /* kept by the store */
    int64_t created, updated, count;
    size_t unmatched;            /* picks by source id that named no object, left out */
    const char *updated_by;
} vcm_theme;

/* Reads a theme from the JSON text j (n bytes): an object with "slug",
 * optional "pos", "titles" and "intros" (objects by language tag), "rule"
 * (origins, places, words: arrays of strings; masterpieces: a boolean),
 * "add" and "remove" (arrays of object ids or source-id strings). Strings
 * come from a. Returns 0, or -1 with *field the member at fault ("slug",
 * "titles", "rule.words"…) and *key a catalogue key saying what is wrong;
 * nothing is checked beyond the form of the values (vcm_theme_check). */
int vcm_theme_parse(vcm_arena *a, const char *j, size_t n, vcm_theme *t, const char **field,
                    const char **key);
/* Reads only a rule (the "rule" member's JSON, as the store keeps it). */
int vcm_theme_rule_parse(vcm_arena *a, const char *j, size_t n, vcm_theme_rule *r,
                         const char **field, const char **key);
/* What a theme must be to be stored: a slug of a-z, 0-9 and '-' (no '-' at
 * either end), an English title, every language tag valid and once, every
 * title and introduction within bounds, every origin a region slug or an
 * ISO code, every word and place 2..VCM_THEME_WORD_MAX bytes without
 * control characters. 0, or -1 with *field and *key as vcm_theme_parse. */
int vcm_theme_check(const vcm_theme *t, const char **field, const char **key);
bool vcm_theme_slug_valid(const char *s);
/* The rule as JSON text, as the store keeps it (words lower-cased: ASCII),
 * from a; NULL when a is full. */
char *vcm_theme_rule_json(vcm_arena *a, const vcm_theme_rule *r);
/* The text of lang, else English, else the first; NULL when none. */
const vcm_theme_text *vcm_theme_text_for(const vcm_theme *t, const char *lang);
/* Reads a comma- or newline-separated list (a form's field) into up to max
 * trimmed, non-empty items from a. Returns the count, or -1 when there are
 * more than max or a is full. */
int vcm_theme_list_split(vcm_arena *a, const char *s, const char ***out, size_t max);
#endif
