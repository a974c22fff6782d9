/* Reading a source's rights text; see rights.h and docs/rights.md.
 *
 * The text is cut into clauses at ';' outside parentheses; each clause is a
 * head and an optional first parenthesis ("CC0-1.0 (metadata, …)",
 * "images not CC0 (thumbnail © Tate)"). A head that introduces a value
 * ("object rights: …", "rights per record: …") says which of the three
 * things the value is; a parenthesis "(metadata…)" marks the metadata's
 * licence; a clause about images says what it says of them; any other
 * clause that names a standard statement is read as the object's rights,
 * which is what a bare "CC BY 4.0" or "Public Domain" states. Names are
 * compared folded (case, runs of spaces, hyphens, en and em dashes and
 * underscores are one '-'), so "In Copyright–Educational Use" and
 * "in copyright - educational use" are one name. */
#include "model/rights.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/banned.h"

#define RS "http://rightsstatements.org/vocab/"
#define CC "http://creativecommons.org/"

static const struct {
    const char *name; /* folded */
    const char *uri, *spdx, *label;
} names[] = {
    {"in-copyright", RS "InC/1.0/", NULL, "rights.inc"},
    {"in-copyright-educational-use-permitted", RS "InC-EDU/1.0/", NULL, "rights.inc_edu"},
    {"in-copyright-educational-use", RS "InC-EDU/1.0/", NULL, NULL},
    {"in-copyright-eu-orphan-work", RS "InC-OW-EU/1.0/", NULL, "rights.inc_ow_eu"},
    {"in-copyright-non-commercial-use-permitted", RS "InC-NC/1.0/", NULL, "rights.inc_nc"},
    {"in-copyright-non-commercial-use", RS "InC-NC/1.0/", NULL, NULL},
    {"in-copyright-rights-holder(s)-unlocatable-or-unidentifiable", RS "InC-RUU/1.0/", NULL,
     "rights.inc_ruu"},
    {"in-copyright-rights-holder(s)-unlocatable", RS "InC-RUU/1.0/", NULL, NULL},
    {"no-copyright-contractual-restrictions", RS "NoC-CR/1.0/", NULL, "rights.noc_cr"},
    {"no-copyright-non-commercial-use-only", RS "NoC-NC/1.0/", NULL, "rights.noc_nc"},
    {"no-copyright-other-known-legal-restrictions", RS "NoC-OKLR/1.0/", NULL, "rights.noc_oklr"},
    {"no-copyright-united-states", RS "NoC-US/1.0/", NULL, "rights.noc_us"},
    {"no-known-copyright", RS "NKC/1.0/", NULL, "rights.nkc"},
    {"copyright-undetermined", RS "UND/1.0/", NULL, "rights.und"},
    {"copyright-not-evaluated", RS "CNE/1.0/", NULL, "rights.cne"},
    {"public-domain", CC "publicdomain/mark/1.0/", NULL, "rights.pdm"},
    {"public-domain-mark", CC "publicdomain/mark/1.0/", NULL, NULL},
    {"public-domain-mark-1.0", CC "publicdomain/mark/1.0/", NULL, NULL},
    {"cc-pdm-1.0", CC "publicdomain/mark/1.0/", NULL, NULL},
    {"cc0", CC "publicdomain/zero/1.0/", "CC0-1.0", "rights.cc0"},
    {"cc0-1.0", CC "publicdomain/zero/1.0/", "CC0-1.0", NULL},
    {"cc-zero", CC "publicdomain/zero/1.0/", "CC0-1.0", NULL},
    {"cc-by-4.0", CC "licenses/by/4.0/", "CC-BY-4.0", "rights.ccby"},
    {"cc-by-sa-4.0", CC "licenses/by-sa/4.0/", "CC-BY-SA-4.0", "rights.ccbysa"},
    {"cc-by-nc-4.0", CC "licenses/by-nc/4.0/", "CC-BY-NC-4.0", "rights.ccbync"},
    {"cc-by-nc-sa-4.0", CC "licenses/by-nc-sa/4.0/", "CC-BY-NC-SA-4.0", "rights.ccbyncsa"},
    {"cc-by-nc-nd-4.0", CC "licenses/by-nc-nd/4.0/", "CC-BY-NC-ND-4.0", "rights.ccbyncnd"},
    {"cc-by-nd-4.0", CC "licenses/by-nd/4.0/", "CC-BY-ND-4.0", "rights.ccbynd"},
};
#define NNAMES (sizeof names / sizeof names[0])

/* Folds s[0..len) into out (see the top); returns the length, or 0 when
 * it does not fit. */
static size_t fold(const char *s, size_t len, char *out, size_t cap)
{
    size_t n = 0;
    bool dash = true; /* drops leading separators */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        bool sep = c == ' ' || c == '\t' || c == '-' || c == '_' || c == '\n' || c == '\r';
        /* U+2013 EN DASH, U+2014 EM DASH, U+2010 HYPHEN, U+2011 NB HYPHEN */
        if (c == 0xE2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
            ((unsigned char)s[i + 2] == 0x93 || (unsigned char)s[i + 2] == 0x94 ||
             (unsigned char)s[i + 2] == 0x90 || (unsigned char)s[i + 2] == 0x91)) {
            sep = true;
            i += 2;
        }
        if (sep) {
            if (!dash) {
                if (n + 1 >= cap)
                    return 0;
                out[n++] = '-';
            }
            dash = true;
            continue;
        }
        if (n + 1 >= cap)
            return 0;
        out[n++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        dash = false;
    }
    while (n && out[n - 1] == '-')
        n--;
    out[n] = 0;
    return n;
}

/* The entry of names[] for s, also after dropping up to three leading
 * words (a holder's code before the licence: "NPMT CC-BY-4.0"); -1. */
static int lookup(const char *s, size_t len)
{
    char f[256];
    size_t n = fold(s, len, f, sizeof f);
    if (!n)
        return -1;
    const char *p = f;
    for (int drop = 0; drop <= 3 && p; drop++) {
        for (size_t i = 0; i < NNAMES; i++)
            if (strcmp(p, names[i].name) == 0)
                return (int)i;
        p = strchr(p, '-');
        if (p)
            p++;
    }
    return -1;
}

/* A creativecommons.org or rightsstatements.org URI, normalised. */
static const char *known_uri(const char *s, size_t len)
{
    size_t skip = len >= 8 && strncmp(s, "https://", 8) == 0   ? 8
                  : len >= 7 && strncmp(s, "http://", 7) == 0 ? 7
                                                               : 0;
    if (!skip)
        return NULL;
    const char *p = s + skip;
    size_t rest = len - skip;
    if (rest >= 4 && strncmp(p, "www.", 4) == 0)
        p += 4, rest -= 4;
    for (size_t i = 0; i < rest; i++) {
        char c = p[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '/' || c == '.' || c == '-';
        if (!ok)
            return NULL;
    }
    for (size_t i = 0; i < NNAMES; i++) {
        const char *u = names[i].uri + 7; /* past "http://" */
        size_t ul = strlen(u);
        /* with or without the trailing slash */
        if ((rest == ul && memcmp(p, u, ul) == 0) ||
            (rest + 1 == ul && memcmp(p, u, rest) == 0))
            return names[i].uri;
    }
    return NULL;
}

const char *vcm_rights_uri_of(const char *name, size_t len)
{
    const char *u = known_uri(name, len);
    if (u)
        return u;
    int i = lookup(name, len);
    return i < 0 ? NULL : names[i].uri;
}

const char *vcm_rights_spdx_of(const char *name, size_t len)
{
    int i = lookup(name, len);
    if (i >= 0 && names[i].spdx)
        return names[i].spdx;
    /* "public domain" states no licence of a text; a URI of a licence does */
    const char *u = known_uri(name, len);
    for (size_t k = 0; u && k < NNAMES; k++)
        if (names[k].uri == u && names[k].spdx)
            return names[k].spdx;
    return NULL;
}

const char *vcm_rights_label_key(const char *uri)
{
    const char *key = NULL;
    for (size_t i = 0; uri && i < NNAMES; i++) {
        if (names[i].label)
            key = names[i].label; /* the first name of each URI carries its label */
        if (strcmp(uri, names[i].uri) == 0)
            return key;
    }
    return NULL;
}

static void trim(const char **s, size_t *len)
{
    while (*len && (**s == ' ' || **s == '\t' || **s == '\n' || **s == '\r'))
        (*s)++, (*len)--;
    while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t' || (*s)[*len - 1] == '\n' ||
                    (*s)[*len - 1] == '\r'))
        (*len)--;
}

/* Whether s (len bytes) starts with the ASCII prefix p, ignoring case. */
static bool starts(const char *s, size_t len, const char *p)
{
    size_t n = strlen(p);
    if (len < n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != p[i])
            return false;
    }
    return true;
}

static bool contains(const char *s, size_t len, const char *p)
{
    size_t n = strlen(p);
    for (size_t i = 0; i + n <= len; i++)
        if (starts(s + i, len - i, p))
            return true;
    return false;
}

/* "open access", "OA": what the source says, with no statement of terms. */
static bool open_access(const char *s, size_t len)
{
    char f[64];
    size_t n = fold(s, len, f, sizeof f);
    return n && (strcmp(f, "oa") == 0 || strcmp(f, "open-access") == 0);
}

/* The value after "label:" in a head, trimmed. */
static void after_colon(const char *head, size_t hl, const char **v, size_t *vl)
{
    const char *c = memchr(head, ':', hl);
    *v = c ? c + 1 : head + hl;
    *vl = (size_t)(head + hl - *v);
    trim(v, vl);
}

/* The object's rights from a value that states them: a standard name or
 * URI, "open access", or any other term, kept as the source's own. */
static int object_value(const char *v, size_t vl, vcm_arena *a, vcm_rights_info *out)
{
    if (!vl)
        return 0;
    const char *u = vcm_rights_uri_of(v, vl);
    if (u) {
        out->object = u;
        return 0;
    }
    if (open_access(v, vl)) {
        out->object_term = "open access";
        return 0;
    }
    return (out->object_term = vcm_arena_strndup(a, v, vl)) ? 0 : -1;
}

static int clause(const char *s, size_t len, vcm_arena *a, vcm_rights_info *out)
{
    trim(&s, &len);
    if (!len)
        return 0;
    /* head ( paren ) */
    /* a parenthesis follows a space: "holder(s)" is a word */
    const char *open = NULL, *paren = NULL;
    for (size_t i = 0; i < len && !open; i++)
        if (s[i] == '(' && (i == 0 || s[i - 1] == ' '))
            open = s + i;
    size_t hl = open ? (size_t)(open - s) : len, pl = 0;
    if (open) {
        int depth = 0;
        for (const char *p = open; p < s + len; p++) {
            if (*p == '(')
                depth++;
            else if (*p == ')' && --depth == 0) {
                paren = open + 1;
                pl = (size_t)(p - paren);
                break;
            }
        }
        if (!paren) { /* unclosed: the rest */
            paren = open + 1;
            pl = (size_t)(s + len - paren);
        }
        trim(&paren, &pl);
    }
    const char *head = s, *v;
    size_t vl;
    trim(&head, &hl);
    if (starts(head, hl, "object rights:") || starts(head, hl, "object rights statement:")) {
        after_colon(head, hl, &v, &vl);
        return object_value(v, vl, a, out);
    }
    if (starts(head, hl, "object is public domain:")) {
        after_colon(head, hl, &v, &vl);
        /* "False" says only what the object is not */
        if (vl == 4 && starts(v, vl, "true"))
            out->object = CC "publicdomain/mark/1.0/";
        return 0;
    }
    if (starts(head, hl, "rights per record:")) {
        /* the record's own rights (National Palace Museum, Taipei): of the
         * object and of the record's text alike */
        after_colon(head, hl, &v, &vl);
        if (vl && !out->metadata)
            out->metadata = vcm_rights_spdx_of(v, vl);
        return object_value(v, vl, a, out);
    }
    if (starts(head, hl, "image") && contains(head, hl, "not included")) {
        out->images = VCM_IMAGES_NOT_INCLUDED;
        return 0;
    }
    if (starts(head, hl, "image not") || starts(head, hl, "images not")) {
        out->images = VCM_IMAGES_NOT_OPEN;
        if (paren && starts(paren, pl, "thumbnail")) {
            const char *h = paren + 9;
            size_t l = pl - 9;
            trim(&h, &l);
            if (starts(h, l, "\xC2\xA9")) /* © */
                h += 2, l -= 2;
            else if (starts(h, l, "(c)") || starts(h, l, "copyright")) {
                /* "copyright not stated": no holder named */
                l = 0;
            }
            trim(&h, &l);
            if (l && !(out->image_holder = vcm_arena_strndup(a, h, l)))
                return -1;
        }
        return 0;
    }
    if (paren && starts(paren, pl, "metadata")) {
        out->metadata = vcm_rights_spdx_of(head, hl);
        return 0;
    }
    if (starts(head, hl, "mia open data")) {
        /* the Minneapolis Institute of Art's open data: its README
         * releases the records under CC0 */
        out->metadata = "CC0-1.0";
        return 0;
    }
    /* a bare statement: the object's */
    if (open_access(head, hl)) {
        out->object_term = "open access";
        return 0;
    }
    const char *u = vcm_rights_uri_of(head, hl);
    if (u)
        out->object = u;
    return 0;
}

int vcm_rights_read(const char *text, vcm_arena *a, vcm_rights_info *out)
{
    memset(out, 0, sizeof *out);
    if (!text)
        return 0;
    const char *start = text;
    int depth = 0;
    for (const char *p = text;; p++) {
        if (*p == '(')
            depth++;
        else if (*p == ')' && depth)
            depth--;
        if (*p == 0 || (*p == ';' && depth == 0)) {
            if (clause(start, (size_t)(p - start), a, out) < 0) {
                memset(out, 0, sizeof *out);
                return -1;
            }
            if (!*p)
                break;
            start = p + 1;
        }
    }
    return 0;
}
