/* The origin rule (model/origin.h).
 *
 * Names are matched on a folded form: lower-case ASCII, Latin letters
 * without their accents, apostrophes dropped ("Yisra'el" is "yisrael"),
 * every other character a word break, one space between words and one at
 * each end, so that " japan " is found in " japan edo period 1615 1868 "
 * as a whole word. Names in other scripts are not matched: the museums'
 * culture fields are written in Latin letters, and a Han name inside a
 * title ("明") says too little on its own (title-script covers it).
 *
 * The table is read from the thesaurus built into the program once, on
 * first use, and never changes after; derivation only reads it. */
#include "model/origin.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/asset.h"
#include "core/text.h"
#include "core/banned.h"

static const char *const slugs[VCM_ORIGIN_NREGIONS] = {
    "", "east-asia", "south-asia", "southeast-asia", "central-asia", "west-asia",
    "europe", "africa", "americas", "oceania",
};

const char *vcm_origin_region_slug(vcm_origin_region r)
{
    return (unsigned)r < VCM_ORIGIN_NREGIONS ? slugs[r] : "";
}

vcm_origin_region vcm_origin_region_parse(const char *s)
{
    if (!s || !*s)
        return VCM_ORIGIN_NONE;
    for (int i = 1; i < VCM_ORIGIN_NREGIONS; i++)
        if (strcmp(slugs[i], s) == 0)
            return (vcm_origin_region)i;
    return VCM_ORIGIN_NONE;
}

/* ---- folding ---------------------------------------------------------- */

/* Base letters of U+00C0..U+017F ('.' = not a plain accented letter). */
static const char latin[] =
    "aaaaaa.ceeeeiiii.nooooo.ouuuuy.saaaaaa.ceeeeiiii.nooooo.ouuuuy.y"
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii..jjkk.llllll."
    ".llnnnnnn...oooooo..rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

#define FOLD_MAX 2048

/* Folds s into out (cap bytes, cap >= 3): " word word ". Stops quietly at
 * the cap: a longer text is matched on its beginning. */
static size_t fold(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    out[n++] = ' ';
    if (s) {
        size_t len = strlen(s);
        for (size_t i = 0; i < len && n + 2 < cap;) {
            unsigned cp;
            size_t k = vcm_utf8_decode(s + i, len - i, &cp);
            if (!k) { /* not UTF-8: a break */
                i++;
                cp = ' ';
            } else {
                i += k;
            }
            char c = ' ';
            if (cp < 0x80) {
                if (cp >= 'A' && cp <= 'Z')
                    c = (char)(cp - 'A' + 'a');
                else if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'))
                    c = (char)cp;
                else if (cp == '\'')
                    continue;
            } else if (cp >= 0xC0 && cp < 0xC0 + sizeof latin - 1) {
                c = latin[cp - 0xC0] == '.' ? ' ' : latin[cp - 0xC0];
            } else if (cp == 0x2018 || cp == 0x2019 || cp == 0x02BB || cp == 0x02BC ||
                       (cp >= 0x0300 && cp <= 0x036F)) {
                continue; /* apostrophes and combining accents join */
            }
            if (c == ' ' && out[n - 1] == ' ')
                continue;
            out[n++] = c;
        }
    }
    if (out[n - 1] != ' ')
        out[n++] = ' ';
    out[n] = 0;
    return n;
}

/* ---- the table -------------------------------------------------------- */

typedef struct entry {
    const char *id;
    bool period;
    bool is_country;          /* the first place of its country in the file */
    char country[3];
    vcm_origin_region region;
    const char *label;        /* English name */
    const char **names;       /* folded, " name " */
    size_t nnames;
} entry;

typedef struct table {
    vcm_arena arena;
    entry *e;
    size_t n;
} table;

static table tab;
static int tab_ok;

static size_t split(char *line, char **f, size_t max, char sep)
{
    size_t n = 0;
    f[n++] = line;
    for (char *p = line; *p && n < max; p++)
        if (*p == sep) {
            *p = 0;
            f[n++] = p + 1;
        }
    return n;
}

static int add_name(entry *e, size_t cap, const char *text)
{
    char buf[256];
    size_t n = fold(text, buf, sizeof buf);
    /* a name of one or two letters ("In", "Li") would match common words */
    if (n < 5 || e->nnames == cap)
        return 0;
    for (size_t i = 0; i < e->nnames; i++)
        if (strcmp(e->names[i], buf) == 0)
            return 0;
    const char *c = vcm_arena_strdup(&tab.arena, buf);
    if (!c)
        return -1;
    e->names[e->nnames++] = c;
    return 0;
}

static vcm_origin_region region_of_country(const char *cc)
{
    for (size_t i = 0; i < tab.n; i++)
        if (!tab.e[i].period && tab.e[i].is_country && strcmp(tab.e[i].country, cc) == 0)
            return tab.e[i].region;
    return VCM_ORIGIN_NONE;
}

static int read_file(const char *path, bool period)
{
    const struct vcm_asset *a = vcm_asset_find(path);
    if (!a)
        return -1;
    char *text = vcm_arena_strndup(&tab.arena, (const char *)a->data, a->len);
    if (!text)
        return -1;
    char *hdr[32];
    size_t nh = 0;
    int lineno = 0;
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        char *f[32];
        size_t nf = split(line, f, 32, '\t');
        if (++lineno == 1) {
            memcpy(hdr, f, nf * sizeof *f);
            nh = nf;
            continue;
        }
        if (nf != nh)
            return -1;
        entry *ne = realloc(tab.e, (tab.n + 1) * sizeof *ne);
        if (!ne)
            return -1;
        tab.e = ne;
        entry *e = &tab.e[tab.n];
        memset(e, 0, sizeof *e);
        e->period = period;
        size_t cap = 48;
        e->names = vcm_arena_calloc(&tab.arena, cap, sizeof *e->names);
        if (!e->names)
            return -1;
        const char *area = "";
        for (size_t i = 0; i < nf; i++) {
            const char *h = hdr[i];
            if (strcmp(h, "id") == 0) {
                e->id = f[i];
            } else if (strcmp(h, "country") == 0) {
                if (*f[i] && strlen(f[i]) != 2)
                    return -1;
                memcpy(e->country, f[i], strlen(f[i]) + 1);
            } else if (strcmp(h, "area") == 0) {
                area = f[i];
            } else if (strcmp(h, "en") == 0 || strcmp(h, "fr") == 0 || strcmp(h, "de") == 0) {
                char *q = strstr(f[i], " (");
                if (h[0] == 'e')
                    e->label = f[i];
                if (q && h[0] != 'e')
                    *q = 0;
                if (add_name(e, cap, f[i]) < 0)
                    return -1;
                if (q && h[0] == 'e') { /* "Iran (Persia)": the name without its qualifier */
                    char tmp[128];
                    size_t l = (size_t)(q - f[i]);
                    if (l < sizeof tmp) {
                        memcpy(tmp, f[i], l);
                        tmp[l] = 0;
                        if (add_name(e, cap, tmp) < 0)
                            return -1;
                    }
                }
            } else if (strcmp(h, "variants") == 0 || strcmp(h, "romanisations") == 0) {
                char *v[64];
                size_t nv = *f[i] ? split(f[i], v, 64, '|') : 0;
                for (size_t j = 0; j < nv; j++)
                    if (add_name(e, cap, v[j]) < 0)
                        return -1;
            }
        }
        if (!e->id || !e->label)
            return -1;
        e->region = vcm_origin_region_parse(area);
        if (*area && e->region == VCM_ORIGIN_NONE)
            return -1;
        if (!period && e->country[0]) {
            e->is_country = true;
            for (size_t i = 0; i < tab.n; i++)
                if (!tab.e[i].period && strcmp(tab.e[i].country, e->country) == 0)
                    e->is_country = false;
        }
        tab.n++;
    }
    return 0;
}

static void load(void)
{
    vcm_arena_init(&tab.arena, 0);
    if (read_file("thesaurus/places.tsv", false) < 0 ||
        read_file("thesaurus/periods.tsv", true) < 0)
        return;
    for (size_t i = 0; i < tab.n; i++)
        if (tab.e[i].period && tab.e[i].country[0])
            tab.e[i].region = region_of_country(tab.e[i].country);
    tab_ok = 1;
}

static bool ready(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, load);
    return tab_ok;
}

vcm_origin_region vcm_origin_country_region(const char *code)
{
    if (!code || !ready())
        return VCM_ORIGIN_NONE;
    return region_of_country(code);
}

const char *vcm_origin_country_label(const char *code)
{
    if (!code || !ready())
        return NULL;
    for (size_t i = 0; i < tab.n; i++)
        if (!tab.e[i].period && tab.e[i].is_country && strcmp(tab.e[i].country, code) == 0)
            return tab.e[i].label;
    return NULL;
}

const char *vcm_origin_culture_label(const char *culture)
{
    if (!culture || !*culture)
        return NULL;
    bool period = strncmp(culture, "period:", 7) == 0;
    if ((period || strncmp(culture, "place:", 6) == 0) && ready()) {
        const char *id = culture + (period ? 7 : 6);
        for (size_t i = 0; i < tab.n; i++)
            if (tab.e[i].period == period && strcmp(tab.e[i].id, id) == 0)
                return tab.e[i].label;
    }
    return culture;
}

/* ---- matching --------------------------------------------------------- */

#define MAX_HITS 16

typedef struct hit {
    const entry *e;
    size_t pos, len;
} hit;

/* The entries of one kind named in the folded text t, in the order of their
 * first occurrence (at one place, the longest name first); a name inside a
 * longer one found at the same place is not a second place ("dutch" inside
 * "dutch east indies"). At most max. */
static size_t find(const char *t, bool periods, hit *h, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < tab.n && n < max; i++) {
        const entry *e = &tab.e[i];
        if (e->period != periods)
            continue;
        size_t best = SIZE_MAX, blen = 0;
        for (size_t j = 0; j < e->nnames; j++) {
            const char *p = strstr(t, e->names[j]);
            size_t l = strlen(e->names[j]);
            if (p && ((size_t)(p - t) < best || ((size_t)(p - t) == best && l > blen))) {
                best = (size_t)(p - t);
                blen = l;
            }
        }
        if (best != SIZE_MAX)
            h[n++] = (hit){e, best, blen};
    }
    for (size_t i = 1; i < n; i++) /* insertion sort: n is small */
        for (size_t k = i; k > 0 && (h[k].pos < h[k - 1].pos ||
                                     (h[k].pos == h[k - 1].pos && h[k].len > h[k - 1].len));
             k--) {
            hit tmp = h[k];
            h[k] = h[k - 1];
            h[k - 1] = tmp;
        }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        bool inside = false;
        for (size_t k = 0; k < n && !inside; k++)
            inside = k != i && h[i].len < h[k].len && h[i].pos >= h[k].pos &&
                     h[i].pos + h[i].len <= h[k].pos + h[k].len;
        if (!inside)
            h[m++] = h[i];
    }
    return m;
}

/* What a set of hits says: the one country, else the one region. */
typedef struct verdict {
    char country[3];
    vcm_origin_region region;
    const entry *place;  /* the most specific place of that country */
    bool mixed;          /* several countries named */
    bool any;
} verdict;

static void judge(const hit *h, size_t n, verdict *v)
{
    for (size_t i = 0; i < n; i++) {
        const entry *e = h[i].e;
        v->any = true;
        if (e->country[0]) {
            if (!v->country[0] && !v->mixed)
                memcpy(v->country, e->country, 3);
            else if (v->country[0] && strcmp(v->country, e->country) != 0) {
                v->mixed = true;
                v->country[0] = 0;
            }
        }
    }
    /* the region: of the most specific place of the country (Kashgar rather
     * than China); without one country, the region all the names share */
    vcm_origin_region shared = VCM_ORIGIN_NONE;
    bool differ = false;
    for (size_t i = 0; i < n; i++) {
        const entry *e = h[i].e;
        if (e->region == VCM_ORIGIN_NONE)
            continue;
        if (shared == VCM_ORIGIN_NONE)
            shared = e->region;
        else if (shared != e->region)
            differ = true;
    }
    if (v->country[0]) {
        v->region = region_of_country(v->country);
        for (size_t i = 0; i < n; i++) {
            const entry *e = h[i].e;
            if (!e->period && strcmp(e->country, v->country) == 0 &&
                (!v->place || (v->place->is_country && !e->is_country))) {
                v->place = e;
                if (!e->is_country && e->region != VCM_ORIGIN_NONE)
                    v->region = e->region;
            }
        }
        if (v->region == VCM_ORIGIN_NONE && !differ)
            v->region = shared;
    } else if (!differ) {
        v->region = shared;
        for (size_t i = 0; i < n && !v->mixed; i++)
            if (!h[i].e->period && !v->place)
                v->place = h[i].e;
    }
}

static bool starts_with(const char *folded, const char *word)
{
    return strncmp(folded, word, strlen(word)) == 0;
}

/* A segment that names a style, not where the thing was made. */
static bool style_only(const char *folded)
{
    return starts_with(folded, " archaizing ") || starts_with(folded, " archaistic ") ||
           starts_with(folded, " mixed ") || starts_with(folded, " in the style ") ||
           starts_with(folded, " style of ");
}

static void set_rule(vcm_origin *o, const char *rule)
{
    snprintf(o->rule, sizeof o->rule, "%s", rule);
}

static void set_from(vcm_origin *o, const verdict *v)
{
    memcpy(o->country, v->country, 3);
    o->region = v->region;
}

/* The culture field, segment by segment (';' separates what museums list). */
static bool from_culture(const char *culture, const char *title, vcm_origin *o)
{
    char seg[FOLD_MAX];
    const char *rest = culture;
    bool birth = false;
    const char *pfx = "artist born in ";
    if (strncmp(rest, pfx, strlen(pfx)) == 0) {
        rest += strlen(pfx);
        birth = true;
    }
    hit all[MAX_HITS];
    size_t nall = 0;
    bool only_periods = true;
    while (*rest) {
        const char *end = strchr(rest, ';');
        size_t len = end ? (size_t)(end - rest) : strlen(rest);
        char raw[FOLD_MAX];
        if (len >= sizeof raw)
            len = sizeof raw - 1;
        memcpy(raw, rest, len);
        raw[len] = 0;
        rest += len + (end ? 1 : 0);
        fold(raw, seg, sizeof seg);
        if (style_only(seg))
            continue;
        /* "China for Western market", "Newari for Tibetan market": made in the first */
        char *mk = strstr(seg, " market ");
        char *fo = mk ? strstr(seg, " for ") : NULL;
        if (fo && fo < mk)
            fo[1] = 0;
        hit h[MAX_HITS];
        size_t n = find(seg, false, h, MAX_HITS);
        if (n)
            only_periods = false;
        else
            n = find(seg, true, h, MAX_HITS);
        for (size_t i = 0; i < n && nall < MAX_HITS; i++)
            all[nall++] = h[i];
    }
    if (!nall)
        return false;
    verdict v = {0};
    judge(all, nall, &v);
    if (v.mixed && title) {
        /* makers of several nationalities: a place the title names decides */
        char t[FOLD_MAX];
        fold(title, t, sizeof t);
        hit h[MAX_HITS];
        size_t n = find(t, false, h, MAX_HITS);
        verdict tv = {0};
        judge(h, n, &tv);
        if (tv.country[0]) {
            set_from(o, &tv);
            set_rule(o, "culture:title-place");
            return true;
        }
    }
    set_from(o, &v);
    set_rule(o, birth ? "culture:birthplace"
                : v.mixed ? "culture:mixed"
                : only_periods ? "culture:period"
                : "culture:place");
    return o->country[0] || o->region != VCM_ORIGIN_NONE || v.mixed;
}

/* The culture's dynasty or place as an id, else the culture text. */
static void set_culture(const char *culture, vcm_origin *o)
{
    if (!culture || !*culture)
        return;
    char t[FOLD_MAX];
    fold(culture, t, sizeof t);
    hit h[MAX_HITS];
    size_t n = find(t, true, h, MAX_HITS);
    for (size_t i = 0; i < n; i++)
        if (!o->country[0] || !h[i].e->country[0] || strcmp(h[i].e->country, o->country) == 0) {
            snprintf(o->culture, sizeof o->culture, "period:%s", h[i].e->id);
            return;
        }
    n = find(t, false, h, MAX_HITS);
    for (size_t i = 0; i < n; i++)
        if (!h[i].e->is_country && (!o->country[0] || strcmp(h[i].e->country, o->country) == 0)) {
            snprintf(o->culture, sizeof o->culture, "place:%s", h[i].e->id);
            return;
        }
    /* the museum's own words, cut at a character boundary */
    size_t len = strlen(culture), cut = 0;
    while (cut < len) {
        unsigned cp;
        size_t k = vcm_utf8_decode(culture + cut, len - cut, &cp);
        if (!k || cut + k >= sizeof o->culture)
            break;
        cut += k;
    }
    memcpy(o->culture, culture, cut);
    o->culture[cut] = 0;
}

/* "(Chinese, 1547–ca. 1628)", "unknown Chinese", "Unknown Japanese". */
static bool from_artist(const char *artist, vcm_origin *o)
{
    char bits[FOLD_MAX];
    size_t n = 0;
    bits[0] = 0;
    for (const char *p = artist; *p && n + 2 < sizeof bits; p++) {
        if (*p == '(') {
            const char *q = p + 1;
            while (*q && *q != ',' && *q != ')' && n + 2 < sizeof bits)
                bits[n++] = *q++;
            bits[n++] = ';';
        }
    }
    char t[FOLD_MAX];
    fold(artist, t, sizeof t);
    const char *u = strstr(t, " unknown ");
    for (const char *q = u ? u + 9 : NULL; q && *q && *q != ' ' && n + 2 < sizeof bits; q++)
        bits[n++] = *q;
    bits[n] = 0;
    if (!n)
        return false;
    fold(bits, t, sizeof t);
    hit h[MAX_HITS];
    size_t nh = find(t, false, h, MAX_HITS);
    verdict v = {0};
    judge(h, nh, &v);
    if (!v.country[0])
        return false;
    set_from(o, &v);
    set_rule(o, "artist-nationality");
    return true;
}

static bool from_script(const char *title, vcm_origin *o)
{
    bool han = false, kana = false, hangul = false;
    size_t len = strlen(title);
    for (size_t i = 0; i < len;) {
        unsigned cp;
        size_t k = vcm_utf8_decode(title + i, len - i, &cp);
        if (!k)
            break;
        i += k;
        if ((cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x31F0 && cp <= 0x31FF))
            kana = true;
        else if ((cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0x1100 && cp <= 0x11FF))
            hangul = true;
        else if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF))
            han = true;
    }
    const char *cc = kana ? "JP" : hangul ? "KR" : han ? "CN" : NULL;
    if (!cc)
        return false;
    memcpy(o->country, cc, 3);
    o->region = region_of_country(cc);
    set_rule(o, "title-script");
    return true;
}

static bool from_text(const char *text, vcm_origin *o)
{
    char t[FOLD_MAX];
    fold(text, t, sizeof t);
    hit h[MAX_HITS];
    size_t n = find(t, false, h, MAX_HITS);
    for (size_t i = 0; i < n; i++)
        if (h[i].e->country[0]) {
            memcpy(o->country, h[i].e->country, 3);
            o->region = h[i].e->is_country ? h[i].e->region : region_of_country(o->country);
            set_rule(o, "museum-text");
            return true;
        }
    return false;
}

int vcm_origin_derive(const vcm_origin_source *src, vcm_origin *out)
{
    memset(out, 0, sizeof *out);
    if (!ready())
        return -1;
    const char *culture = src->culture && *src->culture ? src->culture : NULL;
    bool found = culture && from_culture(culture, src->title, out);
    if (!found)
        memset(out, 0, sizeof *out);
    if (!found && src->artist && *src->artist)
        found = from_artist(src->artist, out);
    if (!found && src->title && *src->title)
        found = from_script(src->title, out);
    if (!found && src->description && *src->description)
        found = from_text(src->description, out);
    if (!found && src->title && *src->title)
        found = from_text(src->title, out);
    set_culture(culture, out);
    return 0;
}
