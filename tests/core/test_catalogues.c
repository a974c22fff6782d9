/* The interface catalogues as shipped (locale/vcm.pot, locale/LANG.po),
 * held to the rules of docs/languages.md:
 *  - every English message has a context comment and is used by the code
 *    (a "key" literal in src/, templates/ or static/, or a key under a
 *    prefix the code completes at run time: a literal "prefix.%…" or
 *    "prefix.", or a literal of three parts or more, "a.b.c", that the
 *    code completes with ".suffix");
 *  - every language has every English message, no other, with the same
 *    English text it was translated from, and the same placeholders ({} and
 *    {1}…{9}; a plural message's argument);
 *  - at most 10% of a language's messages are identical to English, not
 *    counting those its translators marked "# same as English" (names,
 *    codes).
 * The checks run over the real files, and each is also shown to fail on a
 * small broken catalogue. */
#include "testutil.h"

#include <dirent.h>
#include <sys/stat.h>

#include "core/buf.h"
#include "core/i18n.h"
#include "core/l10n.h"
#include "core/po.h"

#define MAX_MSG 4096

struct msg {
    char *key, *id, *str;
    bool fuzzy, same_ok, commented;
};

struct cat {
    char lang[16];
    struct msg m[MAX_MSG];
    size_t n;
};

static int collect(const vcm_po_entry *e, void *ctx)
{
    struct cat *c = ctx;
    if (!e->ctxt)
        return 0; /* the header */
    if (c->n == MAX_MSG)
        return -1;
    struct msg *m = &c->m[c->n++];
    m->key = strdup(e->ctxt);
    m->id = strdup(e->id);
    m->str = strdup(e->str);
    m->fuzzy = e->fuzzy;
    m->same_ok = strstr(e->translator, "same as English") != NULL;
    m->commented = e->extracted[0] != '\0';
    return 0;
}

static void cat_free(struct cat *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->m[i].key);
        free(c->m[i].id);
        free(c->m[i].str);
    }
    c->n = 0;
}

static void parse_text(struct cat *c, const char *name, const char *text, size_t len)
{
    char err[256];
    if (vcm_po_parse(text, len, collect, c, err, sizeof err) != 0)
        fail_msg("%s:%s", name, err);
}

static void parse_file(struct cat *c, const char *path)
{
    size_t len = 0;
    char *text = vt_read_file(path, &len);
    if (!text)
        fail_msg("cannot read %s", path);
    parse_text(c, path, text, len);
    free(text);
}

static const struct msg *find(const struct cat *c, const char *key)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->m[i].key, key) == 0)
            return &c->m[i];
    return NULL;
}

/* The placeholders of a text, sorted into one string: "{}{}{1}" and, for an
 * ICU message, its argument and kind ("{n,plural}"). */
static void placeholders(const char *s, char *out, size_t cap)
{
    char items[32][24];
    size_t n = 0;
    for (const char *p = s; *p && n < 32; p++) {
        if (*p != '{')
            continue;
        const char *q = p + 1;
        while (*q >= '0' && *q <= '9')
            q++;
        if (*q == '}' && q - p <= 3) {
            snprintf(items[n++], sizeof items[0], "%.*s", (int)(q - p + 1), p);
            continue;
        }
        /* {name, plural, …} or {name, select, …} */
        const char *comma = strchr(p, ',');
        if (comma && comma - p < 16) {
            const char *kind = comma + 1;
            while (*kind == ' ')
                kind++;
            size_t kl = strspn(kind, "abcdefghijklmnopqrstuvwxyz");
            size_t il = strspn(p + 1, " abcdefghijklmnopqrstuvwxyz_0123456789");
            bool icu = (kl == 6 && (strncmp(kind, "plural", 6) == 0 ||
                                    strncmp(kind, "select", 6) == 0)) ||
                       (kl == 13 && strncmp(kind, "selectordinal", 13) == 0);
            if (icu && p + 1 + il == comma) {
                char name[16];
                size_t nl = 0;
                for (const char *r = p + 1; r < comma && nl + 1 < sizeof name; r++)
                    if (*r != ' ')
                        name[nl++] = *r;
                name[nl] = '\0';
                snprintf(items[n++], sizeof items[0], "{%s,%.*s}", name, (int)kl, kind);
            }
        }
    }
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(items[j - 1], items[j]) > 0; j--) {
            char t[24];
            memcpy(t, items[j], sizeof t);
            memcpy(items[j], items[j - 1], sizeof t);
            memcpy(items[j - 1], t, sizeof t);
        }
    out[0] = '\0';
    size_t used = 0;
    for (size_t i = 0; i < n && used + strlen(items[i]) + 1 < cap; i++)
        used += (size_t)snprintf(out + used, cap - used, "%s", items[i]);
}

/* Checks one language against English; returns the problems found, each
 * written to report. */
static int check_language(const struct cat *en, const struct cat *c, vcm_buf *report)
{
    int bad = 0;
    size_t same = 0;
    for (size_t i = 0; i < en->n; i++) {
        const struct msg *s = &en->m[i];
        const struct msg *t = find(c, s->key);
        if (!t || !t->str[0]) {
            vcm_buf_printf(report, "%s: no text for %s\n", c->lang, s->key);
            bad++;
            continue;
        }
        if (strcmp(t->id, s->id) != 0) {
            vcm_buf_printf(report, "%s: %s was translated from an older English text\n",
                           c->lang, s->key);
            bad++;
        }
        char a[256], b[256];
        placeholders(s->id, a, sizeof a);
        placeholders(t->str, b, sizeof b);
        if (strcmp(a, b) != 0) {
            vcm_buf_printf(report, "%s: %s has placeholders %s, English %s\n", c->lang,
                           s->key, b[0] ? b : "(none)", a[0] ? a : "(none)");
            bad++;
        }
        if (strcmp(t->str, s->id) == 0 && !t->same_ok)
            same++;
    }
    for (size_t i = 0; i < c->n; i++)
        if (!find(en, c->m[i].key)) {
            vcm_buf_printf(report, "%s: %s is not an English message\n", c->lang,
                           c->m[i].key);
            bad++;
        }
    if (same * 10 > en->n) {
        vcm_buf_printf(report, "%s: %zu of %zu messages are identical to English and not "
                               "marked \"# same as English\"\n",
                       c->lang, same, en->n);
        bad++;
    }
    return bad;
}

/* ---- the code's keys ---- */

static void slurp_tree(vcm_buf *all, const char *dir, const char *const *exts)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            slurp_tree(all, path, exts);
            continue;
        }
        bool want = false;
        size_t pl = strlen(path);
        for (const char *const *e = exts; *e; e++)
            if (pl > strlen(*e) && strcmp(path + pl - strlen(*e), *e) == 0)
                want = true;
        if (!want)
            continue;
        size_t len = 0;
        char *text = vt_read_file(path, &len);
        if (text) {
            vcm_buf_append(all, text, len);
            vcm_buf_putc(all, '\n');
        }
        free(text);
    }
    closedir(d);
}

/* Prefixes the code completes at run time: every literal "a.b.%…" gives
 * "a.b."; a literal "a.b." given whole gives itself. */
static size_t dynamic_prefixes(const char *all, char prefixes[][64], size_t cap)
{
    size_t n = 0;
    for (const char *p = strchr(all, '"'); p && n < cap; p = strchr(p + 1, '"')) {
        const char *q = p + 1;
        size_t l = strspn(q, "abcdefghijklmnopqrstuvwxyz0123456789_.-");
        if (l == 0 || l >= 63 || strchr(q, '.') > q + l)
            continue;
        bool runtime = q[l] == '%' && q[l - 1] == '.';
        bool whole = q[l] == '"' && q[l - 1] == '.';
        /* "mail.entry.published" completed with ".subject" by the code */
        int dots = 0;
        for (size_t i = 0; i < l; i++)
            dots += q[i] == '.';
        bool stem = q[l] == '"' && q[l - 1] != '.' && dots >= 2;
        if (!runtime && !whole && !stem)
            continue;
        snprintf(prefixes[n], 64, "%.*s%s", (int)l, q, stem ? "." : "");
        bool seen = false;
        for (size_t i = 0; i < n; i++)
            seen |= strcmp(prefixes[i], prefixes[n]) == 0;
        n += !seen;
    }
    return n;
}

static void test_shipped_catalogues(void **state)
{
    (void)state;
    static struct cat en, c;
    cat_free(&en);
    parse_file(&en, "locale/vcm.pot");
    assert_true(en.n > 500);
    vcm_buf report;
    vcm_buf_init(&report, 0);
    int bad = 0;

    /* English: comments, and every key used. */
    vcm_buf code;
    vcm_buf_init(&code, 0);
    const char *const src_ext[] = {".c", ".h", NULL}, *const tpl_ext[] = {".html", NULL},
                      *const js_ext[] = {".js", NULL};
    slurp_tree(&code, "src", src_ext);
    slurp_tree(&code, "templates", tpl_ext);
    slurp_tree(&code, "static", js_ext);
    assert_true(code.len > 100000);
    static char prefixes[512][64];
    size_t np = dynamic_prefixes(code.data, prefixes, 512);
    for (size_t i = 0; i < en.n; i++) {
        const struct msg *m = &en.m[i];
        if (!m->commented) {
            vcm_buf_printf(&report, "en: %s has no context comment (#.)\n", m->key);
            bad++;
        }
        char quoted[256];
        snprintf(quoted, sizeof quoted, "\"%s\"", m->key);
        bool used = strstr(code.data, quoted) != NULL;
        for (size_t k = 0; !used && k < np; k++)
            used = strncmp(m->key, prefixes[k], strlen(prefixes[k])) == 0;
        if (!used) {
            vcm_buf_printf(&report, "en: %s is not used by the code\n", m->key);
            bad++;
        }
    }
    vcm_buf_release(&code);

    /* Every language. */
    DIR *d = opendir("locale");
    assert_non_null(d);
    struct dirent *de;
    int langs = 0;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l < 4 || strcmp(de->d_name + l - 3, ".po") != 0)
            continue;
        char path[300];
        snprintf(path, sizeof path, "locale/%s", de->d_name);
        cat_free(&c);
        snprintf(c.lang, sizeof c.lang, "%.*s", (int)(l - 3), de->d_name);
        parse_file(&c, path);
        bad += check_language(&en, &c, &report);
        langs++;
        /* every plural and ordinal message says every number in this
         * language's rules: parsed, each category the language has
         * answered, nothing left unreplaced */
        size_t len = 0;
        char *text = vt_read_file(path, &len), err[256];
        if (!text || vcm_i18n_load_po(c.lang, false, text, len, err, sizeof err) != 0)
            fail_msg("%s: %s", path, text ? err : "unreadable");
        free(text);
        static const int64_t ns[] = {0, 1, 2, 3, 4, 5, 11, 12, 21, 22, 101, 1000000};
        for (size_t i = 0; i < c.n; i++) {
            const struct msg *m = &c.m[i];
            if (!strstr(m->str, ", plural,") && !strstr(m->str, ", selectordinal,"))
                continue;
            for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++) {
                char out[1024];
                if (vcm_tn(c.lang, m->key, ns[k], out, sizeof out) != 0 || !out[0] ||
                    strstr(out, "{n") || strchr(out, '#')) {
                    vcm_buf_printf(&report, "%s: %s does not say %lld: '%s'\n", c.lang, m->key,
                                   (long long)ns[k], out);
                    bad++;
                    break;
                }
            }
        }
    }
    closedir(d);
    if (bad)
        fail_msg("%d problems in the catalogues:\n%.*s", bad,
                 (int)(report.len > 6000 ? 6000 : report.len), report.data);
    print_message("%d languages beside English, %zu messages each\n", langs, en.n);
    assert_true(langs >= 35);
    cat_free(&c);
    cat_free(&en);
    vcm_buf_release(&report);
    vcm_i18n_free();
    vcm_l10n_free();
}

/* Each check of check_language fails on a catalogue broken that way. */
static void test_checks_can_fail(void **state)
{
    (void)state;
    static struct cat en, c;
    cat_free(&en);
    const char pot[] = "#. a\nmsgctxt \"a\"\nmsgid \"{1} museums\"\nmsgstr \"\"\n\n"
                       "#. b\nmsgctxt \"b\"\nmsgid \"Home\"\nmsgstr \"\"\n\n"
                       "#. c\nmsgctxt \"c\"\nmsgid \"{n, plural, one {# item} other {# items}}\"\n"
                       "msgstr \"\"\n";
    parse_text(&en, "pot", pot, sizeof pot - 1);
    assert_int_equal(en.n, 3);
    struct {
        const char *po, *want;
    } cases[] = {
        {"msgctxt \"a\"\nmsgid \"{1} museums\"\nmsgstr \"{1} musées\"\n"
         "msgctxt \"c\"\nmsgid \"{n, plural, one {# item} other {# items}}\"\n"
         "msgstr \"{n, plural, one {# objet} other {# objets}}\"\n",
         "no text for b"},
        {"msgctxt \"a\"\nmsgid \"{1} museums\"\nmsgstr \"musées\"\n"
         "msgctxt \"b\"\nmsgid \"Home\"\nmsgstr \"Accueil\"\n"
         "msgctxt \"c\"\nmsgid \"{n, plural, one {# item} other {# items}}\"\n"
         "msgstr \"{n, plural, one {# objet} other {# objets}}\"\n",
         "a has placeholders (none), English {1}"},
        {"msgctxt \"a\"\nmsgid \"{1} museums\"\nmsgstr \"{1} musées\"\n"
         "msgctxt \"b\"\nmsgid \"Home\"\nmsgstr \"Accueil\"\n"
         "msgctxt \"c\"\nmsgid \"{n, plural, one {# item} other {# items}}\"\n"
         "msgstr \"{n} objets\"\n",
         "c has placeholders"},
        {"msgctxt \"a\"\nmsgid \"{1} museums\"\nmsgstr \"{1} musées\"\n"
         "msgctxt \"b\"\nmsgid \"Start\"\nmsgstr \"Accueil\"\n"
         "msgctxt \"c\"\nmsgid \"{n, plural, one {# item} other {# items}}\"\n"
         "msgstr \"{n, plural, one {# objet} other {# objets}}\"\n",
         "b was translated from an older English text"},
        {"msgctxt \"a\"\nmsgid \"{1} museums\"\nmsgstr \"{1} musées\"\n"
         "msgctxt \"b\"\nmsgid \"Home\"\nmsgstr \"Accueil\"\n"
         "msgctxt \"c\"\nmsgid \"{n, plural, one {# item} other {# items}}\"\n"
         "msgstr \"{n, plural, one {# objet} other {# objets}}\"\n"
         "msgctxt \"d\"\nmsgid \"Old\"\nmsgstr \"Vieux\"\n",
         "d is not an English message"},
        {"msgctxt \"a\"\nmsgid \"{1} museums\"\nmsgstr \"{1} musées\"\n"
         "msgctxt \"b\"\nmsgid \"Home\"\nmsgstr \"Home\"\n"
         "msgctxt \"c\"\nmsgid \"{n, plural, one {# item} other {# items}}\"\n"
         "msgstr \"{n, plural, one {# objet} other {# objets}}\"\n",
         "1 of 3 messages are identical to English"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cat_free(&c);
        snprintf(c.lang, sizeof c.lang, "xx");
        parse_text(&c, "po", cases[i].po, strlen(cases[i].po));
        vcm_buf report;
        vcm_buf_init(&report, 0);
        int bad = check_language(&en, &c, &report);
        if (bad == 0 || !strstr(report.data ? report.data : "", cases[i].want))
            fail_msg("case %zu: expected '%s', got %d problems: %s", i, cases[i].want, bad,
                     report.data ? report.data : "");
        vcm_buf_release(&report);
    }
    /* Marked as meant to be identical: no problem. */
    const char ok[] = "msgctxt \"a\"\nmsgid \"{1} museums\"\nmsgstr \"{1} musées\"\n"
                      "# same as English: the word is the same in French\n"
                      "msgctxt \"b\"\nmsgid \"Home\"\nmsgstr \"Home\"\n"
                      "msgctxt \"c\"\nmsgid \"{n, plural, one {# item} other {# items}}\"\n"
                      "msgstr \"{n, plural, one {# objet} many {# objets} other {# objets}}\"\n";
    cat_free(&c);
    parse_text(&c, "po", ok, sizeof ok - 1);
    vcm_buf report;
    vcm_buf_init(&report, 0);
    assert_int_equal(check_language(&en, &c, &report), 0);
    vcm_buf_release(&report);
    cat_free(&c);
    cat_free(&en);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_checks_can_fail),
        cmocka_unit_test(test_shipped_catalogues),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
