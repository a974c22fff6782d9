/* vcm export-site, through the real program, on the backend under test.
 *
 * A slice of the demo (with one record made a draft again, and an account)
 * goes out in English and Korean. The expected files are there, nothing of
 * the draft, the accounts or another language is, and a link checker
 * written here (it shares nothing with src/web/site.c) follows every link
 * of every page written: each is relative and names a file of the export,
 * but for the files the IIIF and search exports write (iiif/, search/).
 * A second export renders nothing; after one record changed, its pages and
 * no others' are written again; a record withdrawn loses its pages. Bad
 * arguments and a folder that cannot be written fail with a message.
 * The store comes from vt_db_url() (through vt_demo_slice): SQLite, and
 * PostgreSQL in the second pass. */
#include <ftw.h>
#include <sys/stat.h>

#include "../testutil.h"

static char *dir;
static char db[1024], out_dir[800];
static long draft, changed, other;

static int vcm_run(char **out, const char *args)
{
    return vt_sh(out,
                 "VCM_DB='%.900s' VCM_MEDIA='%.700s/media' VCM_INDEX='%.700s/index' %.300s "
                 "--quiet --base-url http://example.org/site %.1200s",
                 db, dir, dir, vt_bin(), args);
}

static char *sql(const char *q)
{
    char *out;
    if (vt_db_sql(&out, db, q) != 0)
        fail_msg("%s: %s", q, out);
    return out;
}

/* Writes with the backend's own client (vt_db_sql only reads). */
static void sql_write(const char *q)
{
    char *out;
    int rc = strncmp(db, "sqlite:", 7) == 0 ? vt_sh(&out, "sqlite3 '%s' \"%s\"", db + 7, q)
                                            : vt_sh(&out, "psql -X -q -d '%s' -c \"%s\"", db, q);
    if (rc != 0)
        fail_msg("%s: %s", q, out);
    free(out);
}

static long sql_long(const char *q)
{
    char *s = sql(q);
    long v = atol(s);
    free(s);
    return v;
}

/* The counts vcm export-site prints: written, kept, removed. */
static void export_counts(const char *out, long *written, long *kept, long *removed)
{
    const char *p = strstr(out, "bytes): ");
    if (!p || sscanf(p, "bytes): %ld rendered and written, %ld kept, %ld removed", written, kept,
                     removed) != 3)
        fail_msg("no counts in: %s", out);
}

static void export_ok(long *written, long *kept, long *removed)
{
    char *out, args[1200];
    snprintf(args, sizeof args, "export-site '%s' --langs en,ko", out_dir);
    /* --quiet is for progress; the summary is always printed */
    if (vcm_run(&out, args) != 0)
        fail_msg("vcm export-site failed: %s", out);
    export_counts(out, written, kept, removed);
    free(out);
}

static bool exists(const char *rel)
{
    char p[8192];
    snprintf(p, sizeof p, "%s/%s", out_dir, rel);
    return access(p, F_OK) == 0;
}

static struct timespec mtime_of(const char *rel)
{
    char p[8192];
    snprintf(p, sizeof p, "%s/%s", out_dir, rel);
    struct stat sb;
    if (stat(p, &sb) != 0)
        fail_msg("no file %s", rel);
    return sb.st_mtim;
}

static char *read_text(const char *path)
{
    size_t n;
    char *t = vt_read_file(path, &n);
    if (!t)
        fail_msg("cannot read %s", path);
    return t;
}

static int group_setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    snprintf(out_dir, sizeof out_dir, "%s/site", dir);
    vt_demo_slice(db, sizeof db, dir, "src", 30);
    char *out;
    char args[200];
    snprintf(args, sizeof args, "user add secret-editor@example.org 'Secret Editor' editor");
    if (vcm_run(&out, args) != 0)
        fail_msg("cannot add an account: %s", out);
    free(out);
    draft = sql_long("SELECT max(id) FROM objects");
    changed = sql_long("SELECT min(id) FROM objects");
    other = changed + 1;
    char q[200];
    snprintf(q, sizeof q, "UPDATE objects SET status = 'draft' WHERE id = %ld", draft);
    sql_write(q);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    vt_rmrf(dir);
    free(dir);
    return 0;
}

/* ---- the link checker ---- */

static long pages_checked, links_checked;
static char first_bad[8192];

static void bad_link(const char *page, const char *url, const char *why)
{
    if (!first_bad[0])
        snprintf(first_bad, sizeof first_bad, "%s: %s (%s)", page + strlen(out_dir) + 1, url,
                 why);
}

/* A URL of the page at path (absolute file name). */
static void check_url(const char *path, const char *url, size_t n)
{
    char u[2048];
    if (n == 0 || n >= sizeof u)
        return;
    /* &amp; and friends: the checker only needs the path */
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (url[i] == '&' && strncmp(url + i, "&amp;", 5) == 0)
            i += 4;
        u[k++] = url[i];
    }
    u[k] = '\0';
    if (u[0] == '#' || strncmp(u, "data:", 5) == 0 || strstr(u, "://") ||
        strncmp(u, "mailto:", 7) == 0)
        return;
    links_checked++;
    if (u[0] == '/') {
        bad_link(path, u, "not relative");
        return;
    }
    u[strcspn(u, "?#")] = '\0';
    /* the page's folder, then the link's segments */
    char target[4096];
    snprintf(target, sizeof target, "%s", path);
    *strrchr(target, '/') = '\0';
    for (char *seg = u; *seg;) {
        size_t len = strcspn(seg, "/");
        if (len == 2 && strncmp(seg, "..", 2) == 0) {
            char *s = strrchr(target, '/');
            if (!s || strlen(target) <= strlen(out_dir)) {
                bad_link(path, url, "climbs out of the export");
                return;
            }
            *s = '\0';
        } else if (!(len == 1 && seg[0] == '.') && len) {
            size_t tl = strlen(target);
            target[tl] = '/';
            /* percent-decoded, as a browser finds the file */
            size_t o = tl + 1;
            for (size_t i = 0; i < len && o < sizeof target - 1; i++) {
                unsigned int c;
                if (seg[i] == '%' && i + 2 < len + 1 && sscanf(seg + i + 1, "%2x", &c) == 1) {
                    target[o++] = (char)c;
                    i += 2;
                } else {
                    target[o++] = seg[i];
                }
            }
            target[o] = '\0';
        }
        seg += len;
        if (*seg == '/')
            seg++;
    }
    const char *rel = target + strlen(out_dir);
    if (strncmp(target, out_dir, strlen(out_dir)) != 0 || (*rel && *rel != '/')) {
        bad_link(path, url, "outside the export");
        return;
    }
    /* written by the IIIF export and the static search */
    if (strncmp(rel, "/iiif/", 6) == 0 || strcmp(rel, "/search/index.html") == 0 ||
        (strlen(rel) == 21 && strcmp(rel + 3, "/search/index.html") == 0))
        return;
    struct stat sb;
    if (stat(target, &sb) != 0 || !S_ISREG(sb.st_mode))
        bad_link(path, url, "no such file");
}

static void check_attr_list(const char *path, const char *v, size_t n, bool srcset)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && (v[i] == ' ' || v[i] == ','))
            i++;
        size_t s = i;
        while (i < n && v[i] != ' ' && v[i] != ',')
            i++;
        check_url(path, v + s, i - s);
        if (srcset)
            while (i < n && v[i] != ',')
                i++;
    }
}

static int check_page(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    size_t pl = strlen(path);
    if (type != FTW_F || pl < 5 || strcmp(path + pl - 5, ".html") != 0)
        return 0;
    pages_checked++;
    size_t len;
    char *h = vt_read_file(path, &len);
    assert_non_null(h);
    static const char *const attrs[] = {" href=\"", " src=\"", " action=\"", " srcset=\"",
                                        " data-info=\""};
    for (size_t a = 0; a < sizeof attrs / sizeof *attrs; a++) {
        size_t al = strlen(attrs[a]);
        for (char *p = strstr(h, attrs[a]); p; p = strstr(p + 1, attrs[a])) {
            /* inside the JSON-LD script there are no attributes */
            char *v = p + al, *end = strchr(v, '"');
            if (!end)
                break;
            if (a >= 3)
                check_attr_list(path, v, (size_t)(end - v), a == 3);
            else
                check_url(path, v, (size_t)(end - v));
        }
    }
    free(h);
    return 0;
}

/* ---- tests ---- */

static void test_pages_in_two_languages(void **state)
{
    (void)state;
    long written, kept, removed;
    export_ok(&written, &kept, &removed);
    assert_true(written > 100);
    assert_int_equal(kept, 0);
    char p[4096];
    static const char *const want[] = {
        "index.html",           "ko/index.html",         "browse/index.html",
        "ko/browse/index.html", "museums/index.html",    "ko/museums/index.html",
        "countries/index.html", "ko/countries/index.html", "network/index.html",
        "ko/network/index.html", "sitemap.xml",          "robots.txt",
        "static/vcm.css",       "browse/~q/view=catalogue/index.html",
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        if (!exists(want[i]))
            fail_msg("no %s in the export", want[i]);
    snprintf(p, sizeof p, "objects/%ld/index.html", changed);
    assert_true(exists(p));
    snprintf(p, sizeof p, "ko/objects/%ld/index.html", changed);
    assert_true(exists(p));
    snprintf(p, sizeof p, "api/v1/objects/%ld.json", changed);
    assert_true(exists(p));
    /* the pages are in their language */
    snprintf(p, sizeof p, "%s/ko/index.html", out_dir);
    char *h = read_text(p);
    assert_contains(h, "<html lang=\"ko\"");
    free(h);
    /* the sitemap names the export's URLs */
    snprintf(p, sizeof p, "%s/sitemap.xml", out_dir);
    h = read_text(p);
    assert_contains(h, "<loc>http://example.org/site/</loc>");
    assert_contains(h, "hreflang=\"ko\" href=\"http://example.org/site/ko/\"");
    /* and only the languages exported */
    assert_not_contains(h, "hreflang=\"fr\"");
    free(h);
    /* the search and the images are written with the pages, in the
     * languages exported only */
    static const char *const also[] = {"search/index.html", "ko/search/index.html",
                                       "search/meta.json", "static/search-static.js"};
    for (size_t i = 0; i < sizeof also / sizeof *also; i++)
        if (!exists(also[i]))
            fail_msg("%s is not in the export", also[i]);
    /* nothing of a draft, of accounts, of forms, of other languages */
    snprintf(p, sizeof p, "objects/%ld", draft);
    assert_false(exists(p));
    snprintf(p, sizeof p, "api/v1/objects/%ld.json", draft);
    assert_false(exists(p));
    static const char *const never[] = {"login", "account", "users", "dashboard", "review",
                                        "my", "audit", "fr", "fr/search", "compare/index.html",
                                        "network/join", "reset"};
    for (size_t i = 0; i < sizeof never / sizeof *never; i++)
        if (exists(never[i]))
            fail_msg("%s is in the export", never[i]);
    char *out;
    snprintf(p, sizeof p, "grep -rl 'secret-editor@example.org' '%s' || true", out_dir);
    assert_int_equal(vt_sh(&out, "%s", p), 0);
    assert_string_equal(out, "");
    free(out);
}

static void test_every_link_resolves(void **state)
{
    (void)state;
    pages_checked = links_checked = 0;
    first_bad[0] = '\0';
    assert_int_equal(nftw(out_dir, check_page, 32, FTW_PHYS), 0);
    if (first_bad[0])
        fail_msg("a broken link: %s", first_bad);
    assert_true(pages_checked > 100);
    assert_true(links_checked > pages_checked * 10);
    /* links to pages not exported are gone: the account page, the API's list */
    char p[4096];
    snprintf(p, sizeof p, "%s/ko/index.html", out_dir);
    char *h = read_text(p);
    assert_not_contains(h, "href=\"/");
    assert_not_contains(h, "account");
    assert_contains(h, "action=\"search/index.html\"");
    free(h);
}

static void test_incremental(void **state)
{
    (void)state;
    long written, kept, removed;
    export_ok(&written, &kept, &removed);
    /* nothing changed: nothing rendered */
    assert_int_equal(written, 0);
    assert_true(kept > 100);
    assert_int_equal(removed, 0);
    long files = kept;

    char a[100], b[100], c[100];
    snprintf(a, sizeof a, "objects/%ld/index.html", changed);
    snprintf(b, sizeof b, "ko/objects/%ld/index.html", changed);
    snprintf(c, sizeof c, "objects/%ld/index.html", other);
    struct timespec before_other = mtime_of(c), before_changed = mtime_of(a);
    /* one record changes, through an import of its line with a new title */
    char *out;
    if (vt_sh(&out,
              "head -n 1 '%s/src.jsonl' | sed 's/\"title\": \"[^\"]*\"/\"title\": \"A title "
              "changed for the export\"/' > '%s/one.jsonl' && grep -c 'changed for the export' "
              "'%s/one.jsonl'",
              dir, dir, dir) != 0)
        fail_msg("cannot change the record: %s", out);
    free(out);
    char args[4096];
    snprintf(args, sizeof args, "import '%s/one.jsonl'", dir);
    if (vcm_run(&out, args) != 0)
        fail_msg("the import failed: %s", out);
    assert_contains(out, "updated 1");
    free(out);
    export_ok(&written, &kept, &removed);
    /* its two pages, its API document and formats, and the lists showing it */
    assert_true(written >= 3);
    assert_true(written * 5 < files);
    assert_int_equal(removed, 0);
    char p[4096];
    snprintf(p, sizeof p, "%s/%s", out_dir, a);
    char *h = read_text(p);
    assert_contains(h, "A title changed for the export");
    free(h);
    snprintf(p, sizeof p, "%s/%s", out_dir, b);
    h = read_text(p);
    assert_contains(h, "A title changed for the export");
    free(h);
    struct timespec after_other = mtime_of(c), after_changed = mtime_of(a);
    assert_true(after_other.tv_sec == before_other.tv_sec &&
                after_other.tv_nsec == before_other.tv_nsec);
    assert_false(after_changed.tv_sec == before_changed.tv_sec &&
                 after_changed.tv_nsec == before_changed.tv_nsec);

    /* a record withdrawn: its pages and document go, and no page links it */
    char q[200];
    snprintf(q, sizeof q, "UPDATE objects SET status = 'withdrawn' WHERE id = %ld", other);
    sql_write(q);
    export_ok(&written, &kept, &removed);
    assert_true(removed >= 3);
    assert_false(exists(c));
    snprintf(p, sizeof p, "ko/objects/%ld/index.html", other);
    assert_false(exists(p));
    snprintf(p, sizeof p, "api/v1/objects/%ld.json", other);
    assert_false(exists(p));
    first_bad[0] = '\0';
    assert_int_equal(nftw(out_dir, check_page, 32, FTW_PHYS), 0);
    if (first_bad[0])
        fail_msg("a broken link after the withdrawal: %s", first_bad);

    /* --full renders everything again */
    snprintf(args, sizeof args, "export-site '%s' --langs en,ko --full", out_dir);
    if (vcm_run(&out, args) != 0)
        fail_msg("vcm export-site --full failed: %s", out);
    export_counts(out, &written, &kept, &removed);
    free(out);
    assert_int_equal(kept, 0);
    assert_true(written > 100);
}

static void usage_fails(const char *args, int want, const char *msg)
{
    char *out;
    int rc = vcm_run(&out, args);
    if (rc != want)
        fail_msg("'%s' exited %d, not %d: %s", args, rc, want, out);
    assert_contains(out, msg);
    free(out);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    char args[1200];
    usage_fails("export-site", 2, "name the folder to write");
    snprintf(args, sizeof args, "export-site '%s/x' --langs en,xx", dir);
    usage_fails(args, 2, "'xx' is not a language code");
    snprintf(args, sizeof args, "export-site '%s/x' --langs en,,ko", dir);
    usage_fails(args, 2, "is not a language code");
    snprintf(args, sizeof args, "--base-url '' export-site '%s/x'", dir);
    usage_fails(args, 2, "--base-url must give");
    snprintf(args, sizeof args, "--base-url ftp://example.org export-site '%s/x'", dir);
    usage_fails(args, 2, "--base-url must give");
    snprintf(args, sizeof args, "export-site '%s/src.jsonl'", dir);
    usage_fails(args, 2, "is not a folder");
    assert_false(access("x", F_OK) == 0);
}

static void test_unwritable_folder(void **state)
{
    (void)state;
    char args[1200];
    /* under a file: no folder can be made there (root too) */
    snprintf(args, sizeof args, "export-site '%s/src.jsonl/site' --langs en", dir);
    usage_fails(args, 3, "cannot make");
    /* a file where a folder of the export must go: the export stops with
     * the file named, and the previous state stays as it was */
    char d[900], p[1000];
    snprintf(d, sizeof d, "%s/blocked", dir);
    mkdir(d, 0755);
    snprintf(p, sizeof p, "%s/static", d);
    vt_write_file(p, "not a folder");
    snprintf(args, sizeof args, "export-site '%s' --langs en", d);
    usage_fails(args, 3, "/blocked/static/");
    snprintf(p, sizeof p, "%s/.vcm-export", d);
    assert_false(access(p, F_OK) == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pages_in_two_languages),
        cmocka_unit_test(test_every_link_resolves),
        cmocka_unit_test(test_incremental),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_unwritable_folder),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
