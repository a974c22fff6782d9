/* The OAI-PMH provider at /oai, over loopback on a real `vcm serve` with a
 * small store (60 records of the demo; the backend of the run), pages of 15
 * records so that lists take several tokens. Every answer is validated with
 * xmllint against the schemas of ../shared/data/schemas: OAI-PMH with
 * oai_dc, with LIDO 1.1, with EDM (one schema set per format, as their
 * Dublin Core schemas differ). */
#include "testutil.h"

#include <jansson.h>

/* records a page: several pages for 60 records, few answers to validate */
#define PAGE 15
#define PAGE_S "15"

static char *dir, db[1024], xsd[3][800];
static struct vt_server srv;
static const char *const prefixes[3] = {"oai_dc", "lido", "edm"};

static void start(void)
{
    setenv("VCM_OAI_PAGE", PAGE_S, 1);
    setenv("VCM_HARVEST_POLL", "0", 1);
    vt_server_start(&srv, db);
}

static int group_setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    vt_db_url(db, sizeof db, dir, "oai");
    char *out;
    if (vt_sh(&out, "head -n 60 %s/collection.jsonl > %s/s.jsonl && %s import --quiet --db '%s' "
                    "%s/s.jsonl",
              vt_data(), dir, vt_bin(), db, dir) != 0)
        fail_msg("import: %s", out);
    free(out);
    /* one schema per format: OAI-PMH and the format's own, the XML
     * namespace from LIDO's copy (OAI-PMH's names a DTD it cannot load) */
    static const char *const own[3][2] = {
        {"http://www.openarchives.org/OAI/2.0/oai_dc/", "oai-pmh/oai_dc.xsd"},
        {"http://www.lido-schema.org", "lido/lido-v1.1.xsd"},
        {"http://www.w3.org/1999/02/22-rdf-syntax-ns#", "edm/EDM.xsd"},
    };
    char abs[600];
    if (!realpath(vt_data(), abs))
        fail_msg("no data folder %s", vt_data());
    for (int i = 0; i < 3; i++) {
        snprintf(xsd[i], sizeof xsd[i], "%s/oai-%s.xsd", dir, prefixes[i]);
        char text[4096];
        snprintf(text, sizeof text,
                 "<?xml version=\"1.0\"?>\n<schema xmlns=\"http://www.w3.org/2001/XMLSchema\" "
                 "targetNamespace=\"urn:vcm:test\">\n"
                 "<import namespace=\"http://www.w3.org/XML/1998/namespace\" "
                 "schemaLocation=\"%s/schemas/lido/xml.xsd\"/>\n"
                 "<import namespace=\"%s\" schemaLocation=\"%s/schemas/%s\"/>\n"
                 "<import namespace=\"http://www.openarchives.org/OAI/2.0/\" "
                 "schemaLocation=\"%s/schemas/oai-pmh/OAI-PMH.xsd\"/>\n</schema>\n",
                 abs, own[i][0], abs, own[i][1], abs);
        vt_write_file(xsd[i], text);
    }
    start();
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    vt_server_stop(&srv);
    vt_rmrf(dir);
    free(dir);
    return 0;
}

/* GET /oai?query; the body validated against format f's schema set. */
static struct vt_resp oai(const char *query, int f)
{
    char path[1200];
    snprintf(path, sizeof path, "/oai?%s", query);
    struct vt_resp r = vt_get(&srv, path);
    assert_int_equal(r.status, 200);
    assert_contains(vt_header(&r, "Content-Type"), "text/xml");
    char file[800], *out;
    snprintf(file, sizeof file, "%s/answer.xml", dir);
    vt_write_file(file, r.body);
    int rc = vt_sh(&out, "xmllint --noout --nonet --schema '%s' '%s'", xsd[f], file);
    if (rc != 0 || !strstr(out, "validates"))
        fail_msg("/oai?%s does not validate:\n%.2000s\n%.1500s", query, out, r.body);
    free(out);
    return r;
}

static char *between(const char *s, const char *open, const char *close)
{
    const char *a = strstr(s, open);
    if (!a)
        return NULL;
    a += strlen(open);
    const char *b = strstr(a, close);
    return b ? strndup(a, (size_t)(b - a)) : NULL;
}

static void expect_error(const char *query, const char *code)
{
    struct vt_resp r = oai(query, 0);
    char want[64];
    snprintf(want, sizeof want, "<error code=\"%s\">", code);
    if (!strstr(r.body, want))
        fail_msg("/oai?%s: no %s in\n%s", query, code, r.body);
    vt_resp_free(&r);
}

/* Walks a list to its end: the identifiers once each (fails on a repeat),
 * checking cursor and completeListSize on every page. */
static long walk(const char *verb, int f, const char *args, json_t *seen, long *deleted)
{
    char q[1200];
    snprintf(q, sizeof q, "verb=%s&metadataPrefix=%s%s", verb, prefixes[f], args);
    long n = 0, cursor = 0, pages = 0, size = -1;
    if (deleted)
        *deleted = 0;
    for (;;) {
        struct vt_resp r = oai(q, f);
        pages++;
        long here = 0;
        for (const char *p = r.body; (p = strstr(p, "<header")) != NULL; p++) {
            char *id = between(p, "<identifier>", "</identifier>");
            if (json_object_get(seen, id))
                fail_msg("%s given twice", id);
            json_object_set_new(seen, id, json_true());
            if (deleted)
                *deleted += strncmp(p, "<header status=\"deleted\"", 24) == 0;
            if (strcmp(verb, "ListRecords") == 0 && strncmp(p, "<header status", 14) != 0)
                assert_non_null(strstr(p, "<metadata>"));
            free(id);
            here++;
        }
        n += here;
        const char *t = strstr(r.body, "<resumptionToken");
        if (!t) {
            assert_int_equal(pages, 1);
            vt_resp_free(&r);
            break;
        }
        long c = -1, s = -1;
        assert_int_equal(sscanf(t, "<resumptionToken completeListSize=\"%ld\" cursor=\"%ld\"", &s,
                                &c),
                         2);
        assert_int_equal(c, cursor);
        if (size >= 0)
            assert_int_equal(s, size);
        size = s;
        cursor += here;
        char *tok = between(t, ">", "</resumptionToken>");
        if (!tok || !*tok) {
            free(tok);
            assert_int_equal(size, n);
            vt_resp_free(&r);
            break;
        }
        assert_int_equal(here, PAGE);
        snprintf(q, sizeof q, "verb=%s&resumptionToken=%s", verb, tok);
        free(tok);
        vt_resp_free(&r);
    }
    return n;
}

static void test_identify_formats_sets(void **state)
{
    (void)state;
    struct vt_resp r = oai("verb=Identify", 0);
    assert_contains(r.body, "<protocolVersion>2.0</protocolVersion>");
    assert_contains(r.body, "<deletedRecord>persistent</deletedRecord>");
    assert_contains(r.body, "<granularity>YYYY-MM-DDThh:mm:ssZ</granularity>");
    vt_resp_free(&r);
    r = oai("verb=ListMetadataFormats", 0);
    for (int f = 0; f < 3; f++) {
        char want[64];
        snprintf(want, sizeof want, "<metadataPrefix>%s</metadataPrefix>", prefixes[f]);
        assert_contains(r.body, want);
    }
    vt_resp_free(&r);
    r = oai("verb=ListMetadataFormats&identifier=oai:127.0.0.1:3", 0);
    assert_contains(r.body, "<metadataPrefix>lido</metadataPrefix>");
    vt_resp_free(&r);
    r = oai("verb=ListSets", 0);
    static const char *const sets[] = {"masterpieces", "museum", "museum:1", "country",
                                       "country:US", "region", "region:other", "origin"};
    for (size_t i = 0; i < sizeof sets / sizeof *sets; i++) {
        char want[80];
        snprintf(want, sizeof want, "<setSpec>%s</setSpec>", sets[i]);
        assert_contains(r.body, want);
    }
    vt_resp_free(&r);
}

/* Every verb's list in every format, walked through its tokens: each
 * record once, all of them, each page valid. */
static void test_lists_walk_every_record_once(void **state)
{
    (void)state;
    for (int f = 0; f < 3; f++) {
        json_t *seen = json_object();
        assert_int_equal(walk("ListRecords", f, "", seen, NULL), 60);
        json_decref(seen);
        seen = json_object();
        assert_int_equal(walk("ListIdentifiers", f, "", seen, NULL), 60);
        json_decref(seen);
    }
}

/* A list's page is streamed (sent chunked, made while it is sent); and
 * /oai takes no POST. */
static void test_lists_streamed(void **state)
{
    (void)state;
    struct vt_resp r = oai("verb=ListRecords&metadataPrefix=edm", 2);
    const char *te = vt_header(&r, "Transfer-Encoding");
    assert_non_null(te);
    assert_contains(te, "chunked");
    vt_resp_free(&r);
    char url[200];
    snprintf(url, sizeof url, "%s/oai", srv.base);
    r = vt_http("POST", url, "verb=Identify", "Content-Type: application/x-www-form-urlencoded");
    assert_int_equal(r.status, 405);
    vt_resp_free(&r);
}

static void test_get_record_each_format(void **state)
{
    (void)state;
    for (int f = 0; f < 3; f++) {
        char q[200];
        snprintf(q, sizeof q, "verb=GetRecord&identifier=oai:127.0.0.1:5&metadataPrefix=%s",
                 prefixes[f]);
        struct vt_resp r = oai(q, f);
        assert_contains(r.body, "<identifier>oai:127.0.0.1:5</identifier>");
        assert_contains(r.body, "<metadata>");
        vt_resp_free(&r);
    }
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("", "badVerb");
    expect_error("verb=Nonsense", "badVerb");
    expect_error("verb=Identify&verb=Identify", "badVerb");
    expect_error("verb=Identify&extra=1", "badArgument");
    expect_error("verb=ListRecords", "badArgument");
    expect_error("verb=ListRecords&metadataPrefix=lido&metadataPrefix=edm", "badArgument");
    expect_error("verb=ListRecords&metadataPrefix=lido&from=yesterday", "badArgument");
    expect_error("verb=ListRecords&metadataPrefix=lido&from=2020-01-01&until=2030-01-01T00:00:00Z",
                 "badArgument");
    expect_error("verb=ListRecords&metadataPrefix=lido&from=2030-01-01&until=2020-01-01",
                 "badArgument");
    expect_error("verb=ListIdentifiers&resumptionToken=x&metadataPrefix=lido", "badArgument");
    expect_error("verb=GetRecord&identifier=oai:127.0.0.1:5", "badArgument");
    expect_error("verb=ListRecords&metadataPrefix=marc21", "cannotDisseminateFormat");
    expect_error("verb=GetRecord&identifier=oai:127.0.0.1:5&metadataPrefix=marc21",
                 "cannotDisseminateFormat");
    expect_error("verb=GetRecord&identifier=oai:127.0.0.1:999999&metadataPrefix=lido",
                 "idDoesNotExist");
    expect_error("verb=GetRecord&identifier=oai:elsewhere.org:5&metadataPrefix=lido",
                 "idDoesNotExist");
    expect_error("verb=ListMetadataFormats&identifier=nothing", "idDoesNotExist");
    expect_error("verb=ListRecords&resumptionToken=not-a-token", "badResumptionToken");
    expect_error("verb=ListSets&resumptionToken=abc", "badResumptionToken");
    expect_error("verb=ListRecords&metadataPrefix=lido&set=museum:424242", "noRecordsMatch");
    expect_error("verb=ListRecords&metadataPrefix=lido&until=2000-01-01", "noRecordsMatch");
    /* a token of one verb is no token of another */
    struct vt_resp r = oai("verb=ListIdentifiers&metadataPrefix=lido", 1);
    char *tok = between(strstr(r.body, "<resumptionToken"), ">", "<");
    char q[600];
    snprintf(q, sizeof q, "verb=ListRecords&resumptionToken=%s", tok);
    expect_error(q, "badResumptionToken");
    free(tok);
    vt_resp_free(&r);
}

/* A token taken before a restart of the server is answered after it. */
static void test_token_survives_restart(void **state)
{
    (void)state;
    struct vt_resp r = oai("verb=ListIdentifiers&metadataPrefix=oai_dc", 0);
    char *tok = between(strstr(r.body, "<resumptionToken"), ">", "<");
    vt_resp_free(&r);
    assert_int_equal(vt_server_stop(&srv), 0);
    start();
    char q[600];
    snprintf(q, sizeof q, "verb=ListIdentifiers&resumptionToken=%s", tok);
    r = oai(q, 0);
    assert_contains(r.body, "cursor=\"" PAGE_S "\"");
    assert_contains(r.body, "<identifier>oai:127.0.0.1:16</identifier>");
    free(tok);
    vt_resp_free(&r);
}

static void test_sets_and_dates_select(void **state)
{
    (void)state;
    json_t *seen = json_object();
    assert_int_equal(walk("ListIdentifiers", 1, "&set=museum:1", seen, NULL), 60);
    json_decref(seen);
    seen = json_object();
    assert_int_equal(walk("ListIdentifiers", 1, "&set=country:US", seen, NULL), 60);
    json_decref(seen);
    seen = json_object();
    assert_int_equal(walk("ListIdentifiers", 1, "&from=2000-01-01&until=9999-12-31", seen, NULL),
                     60);
    json_decref(seen);
}

/* The datestamp of a change is when it became visible, never the record's
 * own times: a record re-imported with an `updated` of 2001 is stamped now,
 * and a harvest from just before the change finds it. A withdrawal is a
 * deleted record. */
static void test_datestamps_follow_changes(void **state)
{
    (void)state;
    char *out;
    time_t before = time(NULL);
    if (vt_sh(&out, "%s export --quiet --db '%s' - | grep -F '\"type\":\"object\"' | head -n 2",
              vt_bin(), db) != 0)
        fail_msg("%s", out);
    char *second = strchr(out, '\n') + 1;
    json_t *a = json_loads(out, JSON_DISABLE_EOF_CHECK, NULL), *b = json_loads(second, 0, NULL);
    assert_non_null(a);
    assert_non_null(b);
    free(out);
    json_object_set_new(a, "title", json_pack("{s:s}", "en", "Restamped"));
    json_object_set_new(a, "updated", json_string("2001-01-01T00:00:00Z"));
    json_object_set_new(b, "status", json_string("withdrawn"));
    char *sa = json_dumps(a, JSON_COMPACT), *sb = json_dumps(b, JSON_COMPACT);
    long ida = (long)json_integer_value(json_object_get(a, "id"));
    long idb = (long)json_integer_value(json_object_get(b, "id"));
    char text[131072], file[800];
    snprintf(text, sizeof text, "%s\n%s\n", sa, sb);
    snprintf(file, sizeof file, "%s/change.jsonl", dir);
    vt_write_file(file, text);
    free(sa);
    free(sb);
    json_decref(a);
    json_decref(b);
    if (vt_sh(&out, "%s import --quiet --db '%s' %s", vt_bin(), db, file) != 0)
        fail_msg("%s", out);
    free(out);
    struct tm tm;
    char from[32], args[64];
    gmtime_r(&before, &tm);
    strftime(from, sizeof from, "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(args, sizeof args, "&from=%s", from);
    json_t *seen = json_object();
    long deleted;
    long n = walk("ListIdentifiers", 1, args, seen, &deleted);
    assert_true(n >= 2);
    assert_int_equal(deleted, 1);
    char key[64];
    snprintf(key, sizeof key, "oai:127.0.0.1:%ld", ida);
    assert_non_null(json_object_get(seen, key));
    snprintf(key, sizeof key, "oai:127.0.0.1:%ld", idb);
    assert_non_null(json_object_get(seen, key));
    json_decref(seen);
    char q[200];
    snprintf(q, sizeof q, "verb=GetRecord&identifier=oai:127.0.0.1:%ld&metadataPrefix=lido", idb);
    struct vt_resp r = oai(q, 1);
    assert_contains(r.body, "<header status=\"deleted\">");
    assert_not_contains(r.body, "<metadata>");
    vt_resp_free(&r);
    snprintf(q, sizeof q, "verb=GetRecord&identifier=oai:127.0.0.1:%ld&metadataPrefix=oai_dc",
             ida);
    r = oai(q, 0);
    char *stamp = between(r.body, "<datestamp>", "</datestamp>");
    assert_true(strcmp(stamp, from) >= 0);
    assert_contains(r.body, "Restamped");
    free(stamp);
    vt_resp_free(&r);
}

/* Entering a set is a change of the record, also when the record itself
 * does not change: the museum's country moved to another region (a country
 * table imported) stamps its records from that moment; the masterpieces
 * the editors publish are stamped as they enter their set. */
static void test_set_membership_restamps(void **state)
{
    (void)state;
    expect_error("verb=ListIdentifiers&metadataPrefix=lido&set=region:europe", "noRecordsMatch");
    expect_error("verb=ListIdentifiers&metadataPrefix=lido&set=masterpieces", "noRecordsMatch");
    sleep(1);
    time_t before = time(NULL);
    char *out, file[800];
    snprintf(file, sizeof file, "%s/countries.csv", dir);
    vt_write_file(file, "iso2,name_en,asem_group,joined\nUS,United States,Europe,\n");
    if (vt_sh(&out, "%s import --quiet --db '%s' %s && %s masterpieces demo 3 --db '%s'",
              vt_bin(), db, file, vt_bin(), db) != 0)
        fail_msg("%s", out);
    free(out);
    struct tm tm;
    char from[32], args[96];
    gmtime_r(&before, &tm);
    strftime(from, sizeof from, "%Y-%m-%dT%H:%M:%SZ", &tm);
    /* every record shown, not deleted, has moved */
    long deleted, other_deleted;
    json_t *seen = json_object();
    long live = walk("ListIdentifiers", 1, "", seen, &deleted) - deleted;
    json_decref(seen);
    seen = json_object();
    snprintf(args, sizeof args, "&set=region:europe&from=%s", from);
    assert_int_equal(walk("ListIdentifiers", 1, args, seen, NULL), live);
    json_decref(seen);
    seen = json_object();
    long other = walk("ListIdentifiers", 1, "&set=region:other", seen, &other_deleted);
    assert_int_equal(other, other_deleted);
    json_decref(seen);
    seen = json_object();
    long n = walk("ListIdentifiers", 1, "&set=masterpieces", seen, NULL);
    assert_true(n >= 1);
    json_decref(seen);
    seen = json_object();
    snprintf(args, sizeof args, "&set=masterpieces&from=%s", from);
    assert_int_equal(walk("ListIdentifiers", 1, args, seen, NULL), n);
    json_decref(seen);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identify_formats_sets),
        cmocka_unit_test(test_lists_walk_every_record_once),
        cmocka_unit_test(test_lists_streamed),
        cmocka_unit_test(test_get_record_each_format),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_token_survives_restart),
        cmocka_unit_test(test_sets_and_dates_select),
        cmocka_unit_test(test_datestamps_follow_changes),
        cmocka_unit_test(test_set_membership_restamps),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
