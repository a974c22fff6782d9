/* Templates: HTML pages from JSON data, escaped for where each value lands.
 *
 * A set holds compiled templates by name ("object", "layout",
 * "partials/card"). Compiling reads the HTML around every {{tag}} and fixes
 * its escaping then (text, quoted attribute, URL, query, <script>); a tag in a
 * place no escaper can make safe (unquoted attribute, tag name, comment,
 * <style>, on* and style attributes) is a compile error. Raw output exists
 * only as {{raw path}}. Syntax and contexts: see the note in template.c.
 *
 * Lifecycle: build a set at start-up (vcm_tpl_set_add* are not thread-safe),
 * then render it from any number of threads; free it when nobody renders. */
#ifndef VCM_VIEW_TEMPLATE_H
#define VCM_VIEW_TEMPLATE_H
#include <stddef.h>

#include <jansson.h>

#include "core/buf.h"

typedef struct vcm_tpl_set vcm_tpl_set;

/* A new empty set, or NULL when memory is short. */
vcm_tpl_set *vcm_tpl_set_new(void);
/* Frees the set and every template in it. NULL is allowed. */
void vcm_tpl_set_free(vcm_tpl_set *s);

/* Compiles `text` (len bytes, need not end in NUL) under `name`. A template
 * already in the set under that name is replaced, and includes of it follow
 * the new one. Includes may name templates that are added later.
 * Returns 0, or -1 with "NAME:LINE: message" in err (err may be NULL); on
 * error the set is unchanged. */
int vcm_tpl_set_add(vcm_tpl_set *s, const char *name, const char *text, size_t len, char *err,
                    size_t errlen);

/* Adds every built-in asset templates/X.html under the name X
 * (templates/partials/card.html -> "partials/card"). Stops at the first
 * template that does not compile: -1 with its error in err. */
int vcm_tpl_set_add_builtin(vcm_tpl_set *s, char *err, size_t errlen);

/* Renders template `name` with `data` (a JSON object, only read: neither
 * modified nor stolen; NULL renders as an empty object) and appends the
 * result to out. `lang` selects the catalogue for {{t "key"}} (NULL: English).
 * When `layout` is not NULL the layout template is rendered and the page
 * appears where the layout says {{yield}}.
 * Returns 0, or -1 with a message in err: unknown template, include nested
 * deeper than 16 (a cycle), output over out's cap. On error out is cut back to
 * its length at the call (out->toobig tells a cap overflow).
 * Thread-safe: a set is read-only once built and may be rendered from many
 * threads at once, as long as vcm_t's catalogues are loaded and `data` is not
 * modified meanwhile. */
int vcm_tpl_render(const vcm_tpl_set *s, const char *layout, const char *name, json_t *data,
                   const char *lang, vcm_buf *out, char *err, size_t errlen);
#endif
