/* The interface languages: the fixed table of the languages the site speaks
 * (code, BCP 47 tag, name in itself, direction, the partner countries each
 * serves), and the pure parts of choosing one for a request: the URL prefix
 * and the Accept-Language header (RFC 9110, section 12.5.4).
 *
 * A language's code is its catalogue's file name (locale/CODE) and its URL
 * prefix (/ko/objects/3); English, the source language, has no prefix. The
 * table is the list of languages whatever catalogues are present: a
 * language without one reads English message by message (core/i18n.h).
 * docs/languages.md lists the table and says how to add a language. */
#ifndef VCM_LANGS_H
#define VCM_LANGS_H
#include <stdbool.h>
#include <stddef.h>

typedef struct vcm_lang {
    const char *code;      /* "ko", "zh": catalogue and URL prefix */
    const char *tag;       /* BCP 47 for lang="": "ko", "zh-Hans" */
    const char *name;      /* the language named in itself: "한국어" */
    bool rtl;              /* written right to left (dir="rtl") */
    const char *countries; /* ISO 3166 codes it serves, space-separated */
} vcm_lang;

/* The source language, the table's first entry. */
#define VCM_LANG_DEFAULT "en"
/* The longest code of the table, plus room. */
#define VCM_LANG_CODE_MAX 8

/* Entry i of the table (0 is English), or NULL past the end. */
const vcm_lang *vcm_lang_at(size_t i);
size_t vcm_lang_count(void);
/* The language whose code is code[0..len), exactly (lower case), or NULL. */
const vcm_lang *vcm_lang_by_code(const char *code, size_t len);
/* The language a BCP 47 tag or language range names, or NULL: compared
 * without regard to case, "ko-KR" and "ko-Kore" are Korean; Chinese in
 * the simplified script ("zh", "zh-Hans", "zh-CN", "zh-SG", "zh-Hans-CN")
 * is "zh", and the traditional script or its regions ("zh-Hant", "zh-TW",
 * "zh-HK", "zh-MO") match none, since the table has no such catalogue;
 * "no" and "nn" (Norwegian) read bokmål. */
const vcm_lang *vcm_lang_by_tag(const char *tag, size_t len);

/* The language an Accept-Language header value asks for: of the ranges it
 * lists with a q-value above 0, the one with the highest q-value (the
 * first of equals) that the table has; "*" stands for English. Ranges that
 * are not language ranges, bad q-values and anything else malformed are
 * skipped, not fatal. NULL when nothing listed is served (the caller falls
 * back to English). Pure, any bytes (len of them, NUL not needed). */
const vcm_lang *vcm_lang_accept(const char *value, size_t len);

/* The language prefix of a request path: when path's first segment is the
 * code of a language other than English ("/ko", "/ko/…"), returns that
 * language and sets *rest to what follows it ("/" for "/ko" and "/ko/");
 * otherwise returns NULL and sets *rest to path. */
const vcm_lang *vcm_lang_prefix(const char *path, const char **rest);

/* Whether the page at path (without prefix) may take a language prefix:
 * the pages people read do; the machine URLs do not: the API (/api/), IIIF
 * (/iiif/), OAI-PMH (/oai), Linked Art contexts, feeds, sitemaps,
 * robots.txt, health checks, static files, and records in a format
 * (/objects/3.lido.xml, a file name with a dot in its last segment). A
 * prefix on one of those is a 404. */
bool vcm_lang_path_localized(const char *path);
#endif
