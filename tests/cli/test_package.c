/* vcm export-package, verify-package and import-package, through the real
 * program.
 *
 * A small fixture on the backend under test (a slice of the demo, the
 * network's facts and governance, one image, masterpieces published and
 * left as drafts, an account that signed an entry and one that did not)
 * goes out as a bag, is checked by a checker written from RFC 8493
 * (tests/cli/check_bag.py: Python's hashlib, nothing of src/), comes back into
 * an empty store and media folder, and goes out again with every payload
 * file identical. What a package leaves out is not in it. Damaged bags
 * (a payload byte, a file removed, a manifest line altered, a file no
 * manifest lists, a wrong Payload-Oxum) fail both checkers; bags that are
 * valid but hold a bad row or a wrong image checksum fail the import, and
 * a store that was empty stays empty, with no image file left behind.
 *
 * On the demo: tests/cli/test_package_demo.c. */
#include "package.h"

static char db[1024], media[700];
static long draft; /* a record that was never published */

static char *sql(const char *url, const char *q)
{
    char *out;
    if (vt_db_sql(&out, url, q) != 0)
        fail_msg("%s: %s", q, out);
    return out;
}

/* Writes with the backend's own client: the fixture's signatures. */
static void sql_write(const char *url, const char *q)
{
    char *out;
    int rc = strncmp(url, "sqlite:", 7) == 0
                 ? vt_sh(&out, "sqlite3 -cmd \"ATTACH '%s-ops' AS ops\" '%s' \"%s\"", url + 7,
                         url + 7, q)
                 : vt_sh(&out, "psql -X -q -d '%s' -c \"%s\"", url, q);
    if (rc != 0)
        fail_msg("%s: %s", q, out);
    free(out);
}

static int group_setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    snprintf(media, sizeof media, "%s/media", dir);
    vt_demo_slice(db, sizeof db, dir, "src", 200);
    char *out;
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "export VCM_DB='%s' VCM_MEDIA='%s' D='%s'; %s import --quiet $D/asem-partners.csv && "
             "%s network load $D/asem-partners.csv data/network/facts.tsv $D/museums.csv && "
             "%s governance load data/network/governance.tsv && "
             "%s media add --quiet --museum 'National Palace Museum, Taipei' 古玉1863 "
             "$D/images/npm_taipei/jade054_00_w250.jpg --id npm-jade054 "
             "--rights http://creativecommons.org/licenses/by/4.0/ --attribution 'NPM' && "
             "%s masterpieces demo 3 && "
             "%s user add signer@example.org 'Sig Ner' editor && "
             "%s user add bystander@example.org 'By Stander' editor",
             db, media, vt_data(), vt_bin(), vt_bin(), vt_bin(), vt_bin(), vt_bin(), vt_bin(),
             vt_bin());
    if (vt_sh(&out, "%s", cmd) != 0)
        fail_msg("cannot make the fixture: %s", out);
    free(out);
    /* an entry signed by the first account, which has a password; the
     * second signed nothing */
    bool lite = strncmp(db, "sqlite:", 7) == 0; /* its accounts live in the ops file */
    sql_write(db, lite ? "UPDATE ops.users SET password_hash = 'argon2-secret-hash' WHERE "
                         "email = 'signer@example.org'"
                       : "UPDATE users SET password_hash = 'argon2-secret-hash' WHERE "
                         "email = 'signer@example.org'");
    /* a record never published: the museum's own, still a draft */
    char *id = sql(db, "SELECT max(id) FROM objects WHERE id NOT IN (SELECT object_id FROM "
                       "entries)");
    draft = atol(id);
    free(id);
    assert_true(draft > 0);
    char q[200];
    snprintf(q, sizeof q, "UPDATE objects SET status = 'draft' WHERE id = %ld", draft);
    sql_write(db, q);
    sql_write(db, "UPDATE entry_versions SET author_id = (SELECT id FROM users WHERE email = "
                  "'signer@example.org'), author = 'Sig Ner' WHERE version = 1");
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    vt_rmrf(dir);
    free(dir);
    return 0;
}

static void test_round_trip(void **state)
{
    (void)state;
    char bag[800], bag2[800], url2[1024], media2[800], *out;
    snprintf(bag, sizeof bag, "%s/bag", dir);
    snprintf(bag2, sizeof bag2, "%s/bag2", dir);
    snprintf(media2, sizeof media2, "%s/media2", dir);
    export_to(db, media, bag, "");
    assert_valid(bag);

    /* what it holds */
    char *lsout = sh_ok("cd '%s' && ls data data/tables data/iiif && find data/media -type f%s",
                        bag, "");
    assert_contains(lsout, "collection.jsonl");
    assert_contains(lsout, "lido.xml");
    assert_contains(lsout, "linked-art.jsonl");
    assert_contains(lsout, "licences.jsonl");
    assert_contains(lsout, "entry_versions.jsonl");
    assert_contains(lsout, "gov_terms.jsonl");
    assert_contains(lsout, "data/media/originals/");
    assert_not_contains(lsout, "sessions.jsonl");
    assert_not_contains(lsout, "outbox.jsonl");
    assert_not_contains(lsout, "tokens.jsonl");
    assert_not_contains(lsout, "audit.jsonl");
    free(lsout);
    char *info = sh_ok("cat '%s/bag-info.txt'%s", bag, "");
    assert_contains(info, "Source-Organization: ");
    assert_contains(info, "Bagging-Date: 20");
    assert_contains(info, "Payload-Oxum: ");
    assert_contains(info, "External-Identifier: urn:uuid:");
    assert_contains(info, "Bag-Size: ");
    free(info);
    /* the one image, byte for byte, and its checksum beside its licence */
    char *sum = sh_ok("sha256sum %s/images/npm_taipei/jade054_00_w250.jpg | cut -c1-64%s",
                      vt_data(), "");
    sum[64] = '\0';
    char *lic = sh_ok("grep -h '\"image\"' '%s/data/licences.jsonl'%s", bag, "");
    assert_contains(lic, sum);
    assert_contains(lic, "creativecommons.org/licenses/by/4.0/");
    free(lic);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "find '%s/data/media' -type f -exec sha256sum {} + | cut -c1-64",
             bag);
    assert_int_equal(vt_sh(&out, "%s", cmd), 0);
    assert_contains(out, sum);
    free(out);
    /* one manifest per object with an image */
    char *mf = sh_ok("cat %s/data/iiif/*.json%s", bag, "");
    assert_contains(mf, "\"type\":\"Manifest\"");
    assert_contains(mf, "npm-jade054");
    free(mf);

    /* the accounts: only the one who signed, as a name */
    char *all = sh_ok("cat '%s'/data/*.jsonl '%s'/data/tables/*.jsonl", bag, bag);
    assert_not_contains(all, "signer@example.org");
    assert_not_contains(all, "bystander@example.org");
    assert_not_contains(all, "argon2-secret-hash");
    free(all);
    char *users = sh_ok("cat '%s/data/tables/users.jsonl'%s", bag, "");
    assert_contains(users, "\"name\":\"Sig Ner\"");
    assert_contains(users, "\"password_hash\":null");
    assert_contains(users, "\"disabled\":1");
    assert_not_contains(users, "By Stander");
    free(users);

    /* drafts: records and entries never published are left out, unless
     * asked */
    char obj[64], text[64];
    snprintf(obj, sizeof obj, "{\"id\":%ld,", draft);
    snprintf(text, sizeof text, "{\"object_id\":%ld,", draft);
    char *coll = sh_ok("cat '%s/data/collection.jsonl' '%s/data/tables/objects.jsonl'", bag, bag);
    assert_contains(coll, "{\"id\":");
    assert_not_contains(coll, obj);
    free(coll);
    coll = sh_ok("cat '%s'/data/tables/object_*.jsonl '%s'/data/linked-art.jsonl", bag, bag);
    assert_contains(coll, "{\"object_id\":");
    assert_not_contains(coll, text);
    free(coll);
    char *live = sql(db, "SELECT count(*) FROM entries WHERE live_version <> 0");
    char *every = sql(db, "SELECT count(*) FROM entries");
    assert_string_not_equal(live, every);
    char *n = sh_ok("wc -l < '%s/data/tables/entries.jsonl'%s", bag, "");
    assert_int_equal(atoi(n), atoi(live));
    free(n);
    char bagd[800];
    snprintf(bagd, sizeof bagd, "%s/bag-drafts", dir);
    export_to(db, media, bagd, "--drafts");
    n = sh_ok("wc -l < '%s/data/tables/entries.jsonl'%s", bagd, "");
    assert_int_equal(atoi(n), atoi(every));
    free(n);
    coll = sh_ok("cat '%s/data/collection.jsonl' '%s/data/tables/objects.jsonl'", bagd, bagd);
    assert_contains(coll, obj);
    free(coll);
    coll = sh_ok("cat '%s'/data/tables/object_*.jsonl%s", bagd, "");
    assert_contains(coll, text);
    free(coll);
    free(live);
    free(every);
    assert_valid(bagd);
    vt_rmrf(bagd);

    /* a folder that is not empty is refused, and left as it was */
    assert_int_not_equal(vcm(&out, db, media, "export-package 'tests'"), 0);
    assert_contains(out, "not empty");
    free(out);

    /* into an empty store and media folder, and out again: the same */
    vt_db_url(url2, sizeof url2, dir, "restored");
    char args[900];
    snprintf(args, sizeof args, "import-package '%s'", bag);
    if (vcm(&out, url2, media2, args) != 0)
        fail_msg("import-package: %s", out);
    assert_contains(out, "restored");
    free(out);
    char *signer = sql(url2, "SELECT name, disabled, coalesce(password_hash, 'none') FROM users");
    assert_contains(signer, "Sig Ner");
    assert_contains(signer, "none");
    free(signer);
    /* the search index was built, and finds what the store holds */
    char q[900];
    snprintf(q, sizeof q, "%s.index", media2);
    assert_int_equal(access(q, R_OK), 0);
    assert_int_equal(vcm(&out, url2, media2, "search query 玉"), 0);
    assert_contains(out, "total ");
    assert_not_contains(out, "total 0\n");
    free(out);
    export_to(url2, media2, bag2, "");
    assert_valid(bag2);
    char *a = manifest(bag), *b = manifest(bag2);
    assert_string_equal(a, b);
    free(a);
    free(b);
    free(sum);
    vt_rmrf(bag2);
}

static char *counts(const char *url)
{
    return sql(url, "SELECT (SELECT count(*) FROM objects) || ' ' || (SELECT count(*) FROM "
                    "entries) || ' ' || (SELECT count(*) FROM media) || ' ' || (SELECT "
                    "coalesce(sum(length(content_hash)), 0) FROM objects) || ' ' || (SELECT "
                    "count(*) FROM users)");
}

static void test_refuses_a_store_that_is_not_empty(void **state)
{
    (void)state;
    char bag[800], *out;
    snprintf(bag, sizeof bag, "%s/bag", dir);
    char *before = counts(db);
    char args[900];
    snprintf(args, sizeof args, "import-package '%s'", bag);
    int rc = vcm(&out, db, media, args);
    assert_int_equal(rc, 2);
    assert_contains(out, "not empty");
    free(out);
    char *after = counts(db);
    assert_string_equal(before, after);
    free(before);
    free(after);
}

/* Imports bag into a new empty store and media folder, which must fail
 * with want and want2 (unless NULL) in the message and leave both empty. */
static void import_fails(const char *bag, const char *name, const char *want,
                         const char *want2)
{
    char url[1024], m[800], args[900], *out;
    vt_db_url(url, sizeof url, dir, name);
    snprintf(m, sizeof m, "%s/media-%s", dir, name);
    if (vcm(&out, url, m, "stats") != 0) /* the store made, empty */
        fail_msg("cannot make an empty store: %s", out);
    free(out);
    snprintf(args, sizeof args, "import-package '%s'", bag);
    int rc = vcm(&out, url, m, args);
    if (rc == 0)
        fail_msg("a bad package was imported (%s): %s", want, out);
    assert_contains(out, want);
    if (want2)
        assert_contains(out, want2);
    assert_contains(out, "left as it was");
    free(out);
    char *c = counts(url);
    assert_string_equal(c, "0 0 0 0 0\n");
    free(c);
    char cmd[1000];
    snprintf(cmd, sizeof cmd, "find '%s' -type f 2>/dev/null | grep -v '/cache/' | wc -l", m);
    assert_int_equal(vt_sh(&out, "%s", cmd), 0);
    assert_int_equal(atoi(out), 0);
    free(out);
}

/* A copy of the fixture's bag (test_round_trip made it) to damage. */
static char *copy_bag(const char *name)
{
    char *to = malloc(800), *out;
    assert_non_null(to);
    snprintf(to, 800, "%s/%s", dir, name);
    if (vt_sh(&out, "rm -rf '%s' && cp -r '%s/bag' '%s'", to, dir, to) != 0)
        fail_msg("cannot copy the bag: %s", out);
    free(out);
    return to;
}

/* The manifests and Payload-Oxum made again over a payload changed on
 * purpose: a valid bag whose content is bad. */
static void rebag(const char *bag)
{
    char *out;
    if (vt_sh(&out, "python3 tests/cli/check_bag.py '%s' rebag", bag) != 0)
        fail_msg("cannot make the bag again: %s", out);
    free(out);
}

static void test_damaged_bags(void **state)
{
    (void)state;
    char *bag = copy_bag("damaged"), path[1000], *out;
    assert_valid(bag);
    /* one byte of the payload */
    snprintf(path, sizeof path, "%s/data/lido.xml", bag);
    out = sh_ok("printf 'X' | dd of='%s' bs=1 seek=100 conv=notrunc 2>/dev/null%s", path, "");
    free(out);
    assert_invalid(bag, "manifest-sha512.txt:");
    assert_invalid(bag, "'data/lido.xml' has changed");
    import_fails(bag, "byte", "data/lido.xml", "nothing was imported");
    free(bag);

    /* a file removed */
    bag = copy_bag("removed");
    out = sh_ok("rm '%s/data/tables/museums.jsonl'%s", bag, "");
    free(out);
    assert_invalid(bag, "'data/tables/museums.jsonl' is missing");
    free(bag);

    /* a manifest line altered: another digest */
    bag = copy_bag("altered");
    out = sh_ok("sed -i '3{s/^0/X/;s/^[1-9a-f]/0/;s/^X/1/}' '%s/manifest-sha512.txt'%s", bag, "");
    free(out);
    assert_invalid(bag, "manifest-sha512.txt:3:");
    /* and the tag manifest sees the manifest changed */
    assert_invalid(bag, "tagmanifest-sha512.txt:3:");
    free(bag);

    /* a file no manifest lists; the Oxum wrong */
    bag = copy_bag("extra");
    out = sh_ok("echo extra > '%s/data/extra.txt'%s", bag, "");
    free(out);
    assert_invalid(bag, "data/extra.txt: a payload file that a manifest does not list");
    assert_invalid(bag, "Payload-Oxum says");
    free(bag);

    /* a path that leaves the bag */
    bag = copy_bag("escape");
    out = sh_ok("sed -i '1s|  data/|  data/../../|' '%s/manifest-sha512.txt'%s", bag, "");
    free(out);
    assert_invalid(bag, "manifest-sha512.txt:1: the path has an empty, '.' or '..' segment");
    free(bag);
}

static void test_bad_content_in_a_valid_bag(void **state)
{
    (void)state;
    char *out;
    /* a row the store's table does not have, after objects went in */
    char *bag = copy_bag("badrow");
    out = sh_ok("sed -i '$s/^{/{\"colour\":\"red\",/' '%s/data/tables/object_texts.jsonl'%s",
                bag, "");
    free(out);
    rebag(bag);
    assert_valid(bag);
    import_fails(bag, "badrow", "data/tables/object_texts.jsonl:",
                 "object_texts has no column 'colour'");
    free(bag);

    /* an image whose bytes are not the ones its row names: found after the
     * tables, so the images made so far are removed too */
    bag = copy_bag("badsum");
    out = sh_ok("sed -i 's/\"checksum\":\"[0-9a-f]/\"checksum\":\"g/' "
                "'%s/data/tables/media.jsonl'%s",
                bag, "");
    free(out);
    rebag(bag);
    assert_valid(bag);
    import_fails(bag, "badsum", "data/media/originals/", "the image's row says g");
    free(bag);

    /* not JSON */
    bag = copy_bag("notjson");
    out = sh_ok("echo '{\"id\": 1,' >> '%s/data/tables/countries.jsonl'%s", bag, "");
    free(out);
    rebag(bag);
    import_fails(bag, "notjson", "data/tables/countries.jsonl:", "not JSON");
    free(bag);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_refuses_a_store_that_is_not_empty),
        cmocka_unit_test(test_damaged_bags),
        cmocka_unit_test(test_bad_content_in_a_valid_bag),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
