/* Every sentence a visitor reads comes from the catalogue: the pages are
 * rendered by a server whose catalogue (VCM_LOCALE_DIR) is locale/vcm.pot
 * with every message bracketed, ⟦like this⟧, and the visible text of each
 * page (text nodes, and the alt, title, aria-label and placeholder
 * attributes; not scripts or styles) must hold no letter outside brackets
 * that is not record data: titles, names, dates and the like of the
 * records the page shows, read from the API, and what the visitor asked
 * for (the query, the path). */
#include "testutil.h"

#include <jansson.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "core/langs.h"
#include "core/l10n.h"
#include "core/po.h"
#include "core/buf.h"

static char *dir;
static char db[1024];
static struct vt_server srv;

/* ---- the record data a page was built from ---- */

struct strs {
    char **v;
    size_t n, cap;
};

static struct strs record; /* of the page being checked */

static void add(struct strs *s, const char *t)
{
    if (!t || strlen(t) < 2)
        return;
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i], t) == 0)
            return;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 256;
        s->v = realloc(s->v, s->cap * sizeof *s->v);
        assert_non_null(s->v);
    }
    s->v[s->n++] = strdup(t);
}

static void clear(struct strs *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

/* A date the API gives (2026-01-01…) as the pages write it in the
 * language's own words, by ICU's CLDR data (core/l10n.h): record data too. */
static void add_day(struct strs *s, const char *t)
{
    int y, m, d;
    if (!t || sscanf(t, "%4d-%2d-%2d", &y, &m, &d) != 3)
        return;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12};
    char day[96];
    if (vcm_l10n_day("en", (int64_t)timegm(&tm), day, sizeof day) == 0)
        add(s, day);
}

/* Every string in j, keys of objects left out. */
static void add_json(struct strs *s, json_t *j)
{
    const char *k;
    json_t *v;
    size_t i;
    if (json_is_string(j)) {
        add(s, json_string_value(j));
        add_day(s, json_string_value(j));
    } else if (json_is_object(j)) {
        json_object_foreach(j, k, v)
            add_json(s, v);
    } else if (json_is_array(j)) {
        json_array_foreach(j, i, v)
            add_json(s, v);
    }
}

static json_t *get_json(const char *path)
{
    struct vt_resp r = vt_get(&srv, path);
    if (r.status != 200)
        fail_msg("%s: status %ld", path, r.status);
    json_t *j = json_loadb(r.body, r.len, 0, NULL);
    vt_resp_free(&r);
    if (!j)
        fail_msg("%s: not JSON", path);
    return j;
}

static void add_api(const char *path)
{
    json_t *j = get_json(path);
    add_json(&record, j);
    json_decref(j);
}

/* What the search API says of the same search: the thesaurus' names of
 * what it expanded, the suggested queries, and the labels of the facets
 * that name records (museums, countries, classifications, materials, countries
 * of origin), not
 * those the site labels itself (regions, centuries, images, licences). */
static void add_search(const char *query)
{
    char path[1200];
    snprintf(path, sizeof path, "/api/v1/search?%s", query);
    json_t *j = get_json(path);
    add_json(&record, json_object_get(j, "expansions"));
    add_json(&record, json_object_get(j, "alternatives"));
    add(&record, json_string_value(json_object_get(j, "query")));
    const char *kinds[] = {"museum", "country", "classification", "material", "origin_country"};
    json_t *f = json_object_get(j, "facets");
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        size_t i;
        json_t *it;
        json_array_foreach(json_object_get(f, kinds[k]), i, it)
            add(&record, json_string_value(json_object_get(it, "label")));
    }
    json_decref(j);
}

/* ---- the visible text of a page ---- */

static void put_entity(const char **pp, char **out)
{
    const char *p = *pp;
    static const struct {
        const char *e, *c;
    } named[] = {{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""},
                 {"&#39;", "'"}, {"&nbsp;", " "}, {"&apos;", "'"}};
    for (size_t i = 0; i < sizeof named / sizeof *named; i++)
        if (strncmp(p, named[i].e, strlen(named[i].e)) == 0) {
            *out += sprintf(*out, "%s", named[i].c);
            *pp = p + strlen(named[i].e);
            return;
        }
    if (p[1] == '#') {
        char *end;
        long cp = p[2] == 'x' ? strtol(p + 3, &end, 16) : strtol(p + 2, &end, 10);
        if (*end == ';' && cp > 0 && cp < 0x110000) {
            int32_t o = 0;
            uint8_t buf[4];
            UBool err = false;
            U8_APPEND((uint8_t *)buf, o, 4, (UChar32)cp, err);
            if (err)
                o = 0;
            memcpy(*out, buf, (size_t)o);
            *out += o;
            *pp = end + 1;
            return;
        }
    }
    *(*out)++ = *p;
    *pp = p + 1;
}

/* The visible text of html as segments separated by '\n': a tag ends a
 * segment, but <mark> (a matched word inside a title) does not. */
static char *visible_text(const char *html)
{
    char *out = malloc(strlen(html) * 2 + 16), *o = out;
    const char *p = html;
    while (*p) {
        if (strncmp(p, "<!--", 4) == 0) {
            const char *e = strstr(p, "-->");
            p = e ? e + 3 : p + strlen(p);
            continue;
        }
        if (strncasecmp(p, "<script", 7) == 0 || strncasecmp(p, "<style", 6) == 0) {
            const char *e = strcasestr(p, p[1] == 's' && p[2] == 'c' ? "</script>" : "</style>");
            p = e ? strchr(e, '>') + 1 : p + strlen(p);
            *o++ = '\n';
            continue;
        }
        if (*p == '<') {
            const char *e = strchr(p, '>');
            if (!e)
                break;
            bool inline_mark = strncmp(p, "<mark>", 6) == 0 || strncmp(p, "</mark>", 7) == 0;
            /* attributes people read */
            static const char *const attrs[] = {" alt=\"", " title=\"", " aria-label=\"",
                                                " placeholder=\""};
            for (size_t i = 0; i < sizeof attrs / sizeof *attrs; i++) {
                const char *a = p;
                while ((a = strstr(a, attrs[i])) && a < e) {
                    a += strlen(attrs[i]);
                    *o++ = '\n';
                    while (*a && *a != '"') {
                        if (*a == '&')
                            put_entity(&a, &o);
                        else
                            *o++ = *a++;
                    }
                    *o++ = '\n';
                }
            }
            if (!inline_mark)
                *o++ = '\n';
            p = e + 1;
            continue;
        }
        if (*p == '&')
            put_entity(&p, &o);
        else
            *o++ = *p++;
    }
    *o = '\0';
    return out;
}

/* Drops what lies within ⟦ ⟧ (nested: a message inside a message). */
static void drop_brackets(char *s)
{
    static const char open[] = "⟦", close[] = "⟧";
    int depth = 0;
    char *o = s;
    for (char *p = s; *p;) {
        if (strncmp(p, open, 3) == 0) {
            depth++;
            p += 3;
        } else if (strncmp(p, close, 3) == 0) {
            depth = depth ? depth - 1 : 0;
            p += 3;
            *o++ = '\n'; /* what stood on either side is not one word */
        } else {
            if (!depth)
                *o++ = *p;
            p++;
        }
    }
    *o = '\0';
}

static bool has_letter(const char *s)
{
    int32_t i = 0, n = (int32_t)strlen(s);
    while (i < n) {
        UChar32 c;
        U8_NEXT((const uint8_t *)s, i, n, c);
        if (c > 0 && u_isalpha(c))
            return true;
    }
    return false;
}

static int by_length(const void *a, const void *b)
{
    size_t la = strlen(*(char *const *)a), lb = strlen(*(char *const *)b);
    return la < lb ? 1 : la > lb ? -1 : 0;
}

static bool alnum_at(const char *p)
{
    return (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9');
}

/* Removes every occurrence of the record strings from s, longest first;
 * one that starts or ends with a letter or digit only where it is a whole
 * word ("en", a language, is no part of "green"). */
static void subtract(char *s)
{
    char **v = malloc((record.n + 1) * sizeof *v);
    assert_non_null(v);
    memcpy(v, record.v, record.n * sizeof *v);
    qsort(v, record.n, sizeof *v, by_length);
    for (size_t i = 0; i < record.n; i++) {
        size_t l = strlen(v[i]);
        for (char *at = s; (at = strstr(at, v[i]));) {
            if ((at > s && alnum_at(v[i]) && alnum_at(at - 1)) ||
                (alnum_at(v[i] + l - 1) && alnum_at(at + l))) {
                at++;
                continue;
            }
            memmove(at, at + l, strlen(at + l) + 1);
        }
    }
    free(v);
}

/* Checks one page; returns how many pieces of text were not from the
 * catalogue nor record data, and prints them. */
static int check_page(const char *path, long want)
{
    struct vt_resp r = vt_get(&srv, path);
    if (r.status != want)
        fail_msg("%s: status %ld, wanted %ld", path, r.status, want);
    assert_non_null(strstr(r.body, "⟦"));
    /* the objects it shows */
    if (strncmp(path, "/objects/", 9) == 0 && strtol(path + 9, NULL, 10) > 0 && want == 200) {
        char api[64];
        snprintf(api, sizeof api, "/api/v1%s", path);
        add_api(api);
    }
    for (const char *p = r.body; (p = strstr(p, "href=\"/objects/"));) {
        p += 15;
        long id = strtol(p, NULL, 10);
        /* the language switcher links the page to itself, also a 404 */
        if (id > 0 && !(strncmp(path, "/objects/", 9) == 0 && strtol(path + 9, NULL, 10) == id)) {
            char api[64];
            snprintf(api, sizeof api, "/api/v1/objects/%ld", id);
            add_api(api);
        }
    }
    /* the filters its links carry (classification values are the records') */
    for (const char *p = r.body; (p = strstr(p, "classification="));) {
        p += 15;
        char v[300];
        size_t n = strcspn(p, "&\"");
        snprintf(v, sizeof v, "%.*s", (int)(n < 299 ? n : 299), p);
        char dec[300], *o = dec;
        for (const char *q = v; *q; q++) {
            if (*q == '%' && q[1] && q[2]) {
                char hex[3] = {q[1], q[2], 0};
                *o++ = (char)strtol(hex, NULL, 16);
                q += 2;
            } else {
                *o++ = *q == '+' ? ' ' : *q;
            }
        }
        *o = '\0';
        add(&record, dec);
        /* the value is a concept's key (search/terms.h): its label, as the
         * search's facet gives it, is the thesaurus' name or the record's */
        char q[400];
        snprintf(q, sizeof q, "classification=%s&limit=1&facets=classification", v);
        add_search(q);
    }
    add(&record, path);
    /* the language switcher names each language in itself (core/langs.h),
     * the same in every catalogue */
    for (size_t i = 0; i < vcm_lang_count(); i++)
        add(&record, vcm_lang_at(i)->name);
    char *text = visible_text(r.body);
    int bad = 0;
    for (char *seg = strtok(text, "\n"); seg; seg = strtok(NULL, "\n")) {
        char *s = strdup(seg);
        drop_brackets(s);
        for (char *piece = s, *nl; piece; piece = nl ? nl + 1 : NULL) {
            nl = strchr(piece, '\n');
            if (nl)
                *nl = '\0';
            /* a passage of a record (a snippet, "…" where it was cut) is
             * record data too; short pieces could be inside any long text */
            char *core = piece;
            while (*core == ' ' || strncmp(core, "…", 3) == 0)
                core += *core == ' ' ? 1 : 3;
            size_t cl = strlen(core);
            while (cl && (core[cl - 1] == ' ' || (cl >= 3 && strncmp(core + cl - 3, "…", 3) == 0)))
                cl -= core[cl - 1] == ' ' ? 1 : 3;
            char *passage = strndup(core, cl);
            bool inside = false;
            for (size_t i = 0; i < record.n && !inside && cl >= 16; i++)
                inside = strstr(record.v[i], passage) != NULL;
            free(passage);
            if (inside)
                continue;
            char *rest = strdup(piece);
            subtract(rest);
            if (has_letter(rest)) {
                print_message("%s: not from the catalogue: \"%s\" (left: \"%s\")\n", path,
                              piece, rest);
                bad++;
            }
            free(rest);
        }
        free(s);
    }
    free(text);
    vt_resp_free(&r);
    return bad;
}

/* ---- set-up ---- */

struct bracket {
    FILE *out;
    size_t n;
};

static int bracket_entry(const vcm_po_entry *e, void *ctx)
{
    struct bracket *b = ctx;
    if (!e->ctxt)
        return 0;
    fprintf(b->out, "%s\t⟦%s⟧\n", e->ctxt, e->id);
    b->n++;
    return 0;
}

static int group_setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    /* the pseudo-catalogue: every message of locale/vcm.pot in brackets */
    size_t len = 0;
    char *pot = vt_read_file("locale/vcm.pot", &len);
    if (!pot)
        fail_msg("locale/vcm.pot not found: run from the source tree");
    char path[700];
    snprintf(path, sizeof path, "%s/locale", dir);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/locale/en.tsv", dir);
    struct bracket b = {fopen(path, "w"), 0};
    assert_non_null(b.out);
    char perr[200];
    if (vcm_po_parse(pot, len, bracket_entry, &b, perr, sizeof perr) != 0)
        fail_msg("locale/vcm.pot:%s", perr);
    free(pot);
    fclose(b.out);
    size_t n = b.n;
    assert_true(n > 100);

    vt_demo_slice(db, sizeof db, dir, "part", 3000);
    /* the network's governance and meetings, as make run loads them */
    char *load = NULL;
    if (vt_sh(&load, "%s network load --quiet --db '%s' '%s/asem-partners.csv' "
                     "data/network/facts.tsv && %s governance load --quiet --db '%s' "
                     "data/network/governance.tsv", vt_bin(), db, vt_data(), vt_bin(), db) != 0)
        fail_msg("network and governance load: %s", load);
    free(load);
    snprintf(path, sizeof path, "%s/locale", dir);
    setenv("VCM_LOCALE_DIR", path, 1);
    vt_server_start(&srv, db);
    unsetenv("VCM_LOCALE_DIR");
    /* the search answers once its index is built */
    for (int i = 0; i < 1200; i++) {
        struct vt_resp r = vt_get(&srv, "/api/v1/search?q=a&limit=1&facets=none");
        long st = r.status;
        vt_resp_free(&r);
        if (st == 200)
            break;
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    /* record data every page may show: museums, countries */
    add_api("/api/v1/museums");
    add_api("/api/v1/countries?all=1");
    /* and the countries objects come from (the thesaurus' names) */
    add_search("limit=1");
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    assert_int_equal(vt_server_stop(&srv), 0);
    vt_rmrf(dir);
    free(dir);
    clear(&record);
    return 0;
}

/* The museums and countries stay in the record data of every page. */
static size_t base_n;

static int keep_base(void **state)
{
    (void)state;
    if (!base_n)
        base_n = record.n;
    for (size_t i = base_n; i < record.n; i++)
        free(record.v[i]);
    record.n = base_n;
    return 0;
}

static void test_site_pages(void **state)
{
    (void)state;
    json_t *m = get_json("/api/v1/museums");
    long museum = (long)json_integer_value(json_object_get(json_array_get(json_object_get(m, "items"), 0), "id"));
    json_decref(m);
    json_t *o = get_json("/api/v1/objects?limit=1&country=TW");
    long object = (long)json_integer_value(json_object_get(json_array_get(json_object_get(o, "items"), 0), "id"));
    json_decref(o);
    assert_true(museum > 0 && object > 0);
    char mpath[64], opath[64];
    snprintf(mpath, sizeof mpath, "/museums/%ld", museum);
    snprintf(opath, sizeof opath, "/objects/%ld", object);
    struct {
        const char *path;
        long status;
    } pages[] = {
        {"/", 200},
        {"/browse", 200},
        {"/browse?country=TW&century=abc&colour=blue", 200}, /* chips, and notes */
        {"/browse?image=no&licence=other&date=1600..1700", 200}, /* chips without facets */
        {"/browse?page=2", 200},
        {opath, 200},
        {"/museums", 200},
        {mpath, 200},
        {"/countries", 200},
        {"/countries/TW", 200},
        {"/regions/asia", 200},
        {"/regions/europe", 200},
        {"/nope", 404},
        {"/objects/999999999", 404},
        {"/regions/mars", 404},
        {"/objects/%FF", 400},
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) {
        keep_base(NULL);
        bad += check_page(pages[i].path, pages[i].status);
    }
    if (bad)
        fail_msg("%d pieces of visible text are not from the catalogue", bad);
}

static void test_search_pages(void **state)
{
    (void)state;
    const char *queries[] = {
        "q=celadon",                        /* results, facets, expansions */
        "q=qzxwvk",                         /* no results */
        "q=celadn",                         /* a spelling suggestion */
        "q=%22blue+and&sort=date&image=yes&licence=open&century=17", /* notes, chips */
        "q=vase&limit=3&region=mars",       /* parameters left out, with notes */
        "q=jade&date=1600..1700&expand=0",
        "q=vase&page=abc&museum=x",          /* notes of the page's own parameters */
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        keep_base(NULL);
        char api[600], page[600];
        /* the search API takes what the page took, and no page number */
        snprintf(api, sizeof api, "%s", queries[i]);
        char *lim = strstr(api, "&limit=");
        if (lim)
            memmove(lim, lim + 8, strlen(lim + 8) + 1);
        const char *drop[] = {"&region=mars", "&page=abc", "&museum=x"};
        for (size_t k = 0; k < sizeof drop / sizeof *drop; k++) {
            char *at = strstr(api, drop[k]);
            if (at)
                memmove(at, at + strlen(drop[k]), strlen(at + strlen(drop[k])) + 1);
        }
        add_search(api);
        snprintf(page, sizeof page, "/search?%s", queries[i]);
        bad += check_page(page, 200);
    }
    /* the spelling suggestion is there to be checked */
    struct vt_resp r = vt_get(&srv, "/search?q=celadn");
    assert_non_null(strstr(r.body, "class=\"alternatives\""));
    vt_resp_free(&r);
    if (bad)
        fail_msg("%d pieces of visible text are not from the catalogue", bad);
}

/* The problem document of a bad IIIF image request: its title and detail
 * are catalogue sentences, the parser's arguments (the segment, the
 * image's size) inside them. */
static void test_iiif_error_answer(void **state)
{
    (void)state;
    keep_base(NULL);
    /* an image, in the media folder the server was given (vt_server_start) */
    char media[1100], *out = NULL;
    const char *slash = strrchr(db, '/');
    if (strncmp(db, "sqlite:", 7) == 0 && slash)
        snprintf(media, sizeof media, "%.*s/media", (int)(slash - db - 7), db + 7);
    else
        snprintf(media, sizeof media, "/tmp/vcm-test-media-%d-%d", (int)getpid(), srv.port);
    if (vt_sh(&out, "%s media add --quiet --db '%s' --media %s 古玉3888 "
                    "%s/images/npm_taipei/jade070_00.jpg --id sentences-a",
              vt_bin(), db, media, vt_data()) != 0)
        fail_msg("media add failed: %s", out);
    free(out);
    const struct {
        const char *path;
        long status;
    } cases[] = {
        {"/iiif/sentences-a/bogus/max/0/default.jpg", 400},
        {"/iiif/sentences-a/99999,0,10,10/max/0/default.jpg", 400},
        {"/iiif/sentences-a/0,0,10,10/11,12/0/default.jpg", 400},
        {"/iiif/sentences-a/full/max/0/default.gif", 501},
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct vt_resp r = vt_get(&srv, cases[i].path);
        if (r.status != cases[i].status)
            fail_msg("%s: status %ld, wanted %ld", cases[i].path, r.status, cases[i].status);
        json_t *j = json_loadb(r.body, r.len, 0, NULL);
        vt_resp_free(&r);
        if (!j)
            fail_msg("%s: not a problem document", cases[i].path);
        const char *fields[] = {"title", "detail"};
        for (size_t k = 0; k < 2; k++) {
            const char *v = json_string_value(json_object_get(j, fields[k]));
            if (!v || !strstr(v, "⟦"))
                fail_msg("%s: %s \"%s\" is not from the catalogue", cases[i].path, fields[k],
                         v ? v : "(none)");
            char *rest = strdup(v);
            drop_brackets(rest);
            if (has_letter(rest)) {
                print_message("%s: %s not from the catalogue: \"%s\" (left: \"%s\")\n",
                              cases[i].path, fields[k], v, rest);
                bad++;
            }
            free(rest);
        }
        json_decref(j);
    }
    if (bad)
        fail_msg("%d pieces of an IIIF error answer are not from the catalogue", bad);
}

/* The check itself finds text that is not from the catalogue. */
static void test_check_can_fail(void **state)
{
    (void)state;
    keep_base(NULL);
    char html[] = "<p>⟦Held by⟧ Tate</p><p>Hello there</p><img alt=\"a picture\">"
                  "<script>var english = 'words';</script><p>1,234 · →</p>";
    add(&record, "Tate");
    char *text = visible_text(html);
    int bad = 0;
    for (char *seg = strtok(text, "\n"); seg; seg = strtok(NULL, "\n")) {
        char *s = strdup(seg);
        drop_brackets(s);
        subtract(s);
        bad += has_letter(s);
        free(s);
    }
    free(text);
    assert_int_equal(bad, 2); /* "Hello there" and "a picture" */
}

/* Governance, meetings and news (web/governance.c, meetings.c, news.c),
 * with the demo network's facts: their record data is what their API
 * gives. */
static void test_governance_pages(void **state)
{
    (void)state;
    keep_base(NULL);
    add_api("/api/v1/network/governance");
    add_api("/api/v1/network/meetings");
    add_api("/api/v1/network/news");
    int bad = 0;
    const char *pages[] = {"/network/governance", "/network/governance/elections",
                           "/network/meetings", "/network/news"};
    for (size_t i = 0; i < sizeof pages / sizeof *pages; i++)
        bad += check_page(pages[i], 200);
    /* one page of each kind, found through the lists */
    const char *lists[][2] = {{"/network/governance", "/network/governance/offices/"},
                              {"/network/meetings", "/network/meetings/"},
                              {"/network/news", "/network/news/"}};
    for (size_t i = 0; i < sizeof lists / sizeof *lists; i++) {
        struct vt_resp r = vt_get(&srv, lists[i][0]);
        char want[80], path[120];
        snprintf(want, sizeof want, "href=\"%s", lists[i][1]);
        const char *at = strstr(r.body, want);
        assert_non_null(at);
        snprintf(path, sizeof path, "%s%ld", lists[i][1], strtol(at + strlen(want), NULL, 10));
        vt_resp_free(&r);
        bad += check_page(path, 200);
    }
    bad += check_page("/network/meetings/999999", 404);
    bad += check_page("/network/governance/offices/999999", 404);
    if (bad)
        fail_msg("%d pieces of visible text are not from the catalogue", bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_can_fail),
        cmocka_unit_test(test_site_pages),
        cmocka_unit_test(test_search_pages),
        cmocka_unit_test(test_governance_pages),
        cmocka_unit_test(test_iiif_error_answer),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
