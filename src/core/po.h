/* The gettext PO format, as the interface catalogues are written
 * (locale/vcm.pot, locale/LANG.po; docs/languages.md): one entry per
 * message, its key in msgctxt, the English text in msgid, the translation
 * in msgstr. The reader is pure: text in, entries out through a callback;
 * what translators' tools write (comments of every kind, flags, strings
 * split over several lines, escapes, obsolete entries) is read, and what
 * the catalogues do not use (plural forms written the gettext way; plurals
 * are ICU messages inside one msgstr) is refused with the line. */
#ifndef VCM_PO_H
#define VCM_PO_H
#include <stdbool.h>
#include <stddef.h>

typedef struct vcm_po_entry {
    const char *ctxt;      /* msgctxt, NULL when absent */
    const char *id;        /* msgid; "" for the header entry */
    const char *str;       /* msgstr */
    const char *extracted; /* "#." lines joined by newlines; "" when none */
    const char *translator; /* "# " lines joined by newlines; "" when none */
    bool fuzzy;            /* "#, fuzzy": the translation needs review */
    size_t line;           /* of the entry's first line */
} vcm_po_entry;

/* Calls each(entry, ctx) for every entry in order (the header included; an
 * obsolete "#~" entry is skipped); a non-zero return stops the walk and is
 * returned. Errors: -1 with "LINE: message" in err. The strings of an entry
 * live until the callback returns. */
typedef int (*vcm_po_each)(const vcm_po_entry *e, void *ctx);
int vcm_po_parse(const char *text, size_t len, vcm_po_each each, void *ctx, char *err,
                 size_t errlen);
#endif
