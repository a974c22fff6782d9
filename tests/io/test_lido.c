/* LIDO in and out (src/io/lido.c) and EDM out (src/io/edm.c): the pure
 * parser on records written for the test, the import of the LIDO samples
 * with its report of what was not kept, the round trip export → import →
 * export, and every export, per object over HTTP and in bulk, valid
 * against the LIDO 1.1 and EDM schemas of ../shared/data/schemas (xmllint,
 * offline). */
#include "testutil.h"

#include "core/arena.h"
#include "io/lido.h"
#include "io/xml.h"

static char *dir;

static int group_setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (!getenv("VCM_TEST_KEEP"))
        vt_rmrf(dir);
    free(dir);
    return 0;
}

#define L "xmlns:lido=\"http://www.lido-schema.org\""

static const char record_a[] =
    "<lido:lidoWrap " L " xmlns:skos=\"http://www.w3.org/2004/02/skos/core#\""
    " xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
    "<lido:lido><lido:lidoRecID lido:type=\"local\">ID-7</lido:lidoRecID>"
    "<lido:descriptiveMetadata xml:lang=\"de\">"
    "<lido:objectClassificationWrap><lido:objectWorkTypeWrap><lido:objectWorkType>"
    "<skos:Concept rdf:about=\"http://vocab.getty.edu/aat/300033618\">"
    "<skos:prefLabel xml:lang=\"de\">Gemälde</skos:prefLabel>"
    "<skos:prefLabel xml:lang=\"en\">painting</skos:prefLabel></skos:Concept>"
    "</lido:objectWorkType></lido:objectWorkTypeWrap></lido:objectClassificationWrap>"
    "<lido:objectIdentificationWrap><lido:titleWrap><lido:titleSet>"
    "<lido:appellationValue>Der Frühling</lido:appellationValue>"
    "<lido:appellationValue xml:lang=\"en\">Spring</lido:appellationValue>"
    "<lido:appellationValue xml:lang=\"en\">Allegory of Spring</lido:appellationValue>"
    "<lido:appellationValue lido:lang=\"it\">La Primavera</lido:appellationValue>"
    "</lido:titleSet></lido:titleWrap>"
    "<lido:repositoryWrap><lido:repositorySet><lido:repositoryName><lido:legalBodyName>"
    "<lido:appellationValue>Galleria Test</lido:appellationValue></lido:legalBodyName>"
    "</lido:repositoryName><lido:workID>Inv. 8360</lido:workID><lido:repositoryLocation>"
    "<lido:placeID lido:type=\"ISO 3166-1 alpha-2\">IT</lido:placeID></lido:repositoryLocation>"
    "</lido:repositorySet></lido:repositoryWrap>"
    "<lido:objectDescriptionWrap><lido:objectDescriptionSet>"
    "<lido:descriptiveNoteValue xml:lang=\"en\">A garden.</lido:descriptiveNoteValue>"
    "</lido:objectDescriptionSet></lido:objectDescriptionWrap>"
    "<lido:objectMeasurementsWrap><lido:objectMeasurementsSet><lido:displayObjectMeasurements>"
    "203 x 314 cm</lido:displayObjectMeasurements></lido:objectMeasurementsSet>"
    "</lido:objectMeasurementsWrap></lido:objectIdentificationWrap>";
static const char record_b[] =
    "<lido:eventWrap><lido:eventSet><lido:event><lido:eventType><lido:term>Herstellung</lido:term>"
    "</lido:eventType><lido:eventActor><lido:actorInRole><lido:actor><lido:nameActorSet>"
    "<lido:appellationValue>Botticelli, Sandro</lido:appellationValue></lido:nameActorSet>"
    "</lido:actor><lido:roleActor><lido:term>Maler</lido:term></lido:roleActor></lido:actorInRole>"
    "</lido:eventActor><lido:eventActor><lido:displayActorInRole>Workshop</lido:displayActorInRole>"
    "</lido:eventActor><lido:culture><lido:term>Florentine</lido:term></lido:culture>"
    "<lido:eventDate><lido:displayDate>um 1482</lido:displayDate><lido:date>"
    "<lido:earliestDate>1478</lido:earliestDate><lido:latestDate>1482-12-31</lido:latestDate>"
    "</lido:date></lido:eventDate><lido:periodName><lido:term>Renaissance</lido:term>"
    "</lido:periodName><lido:eventPlace><lido:displayPlace>Florenz</lido:displayPlace>"
    "</lido:eventPlace><lido:eventMaterialsTech><lido:displayMaterialsTech>Tempera auf Holz"
    "</lido:displayMaterialsTech><lido:materialsTech><lido:termMaterialsTech "
    "lido:type=\"technique\"><lido:term>tempera painting</lido:term></lido:termMaterialsTech>"
    "</lido:materialsTech></lido:eventMaterialsTech></lido:event></lido:eventSet>"
    "<lido:eventSet><lido:event><lido:eventType><lido:term>Erwerb</lido:term></lido:eventType>"
    "</lido:event></lido:eventSet></lido:eventWrap>"
    "<lido:objectRelationWrap><lido:subjectWrap><lido:subjectSet><lido:displaySubject>Flora"
    "</lido:displaySubject></lido:subjectSet></lido:subjectWrap></lido:objectRelationWrap>"
    "</lido:descriptiveMetadata>";
static const char record_c[] =
    "<lido:administrativeMetadata xml:lang=\"de\">"
    "<lido:rightsWorkWrap><lido:rightsWorkSet><lido:rightsType><lido:conceptID>"
    "http://creativecommons.org/publicdomain/zero/1.0/</lido:conceptID></lido:rightsType>"
    "<lido:creditLine>Gift of a friend</lido:creditLine></lido:rightsWorkSet></lido:rightsWorkWrap>"
    "<lido:recordWrap><lido:recordID>7</lido:recordID><lido:recordSource><lido:legalBodyName>"
    "<lido:appellationValue>Galleria Test</lido:appellationValue></lido:legalBodyName>"
    "</lido:recordSource><lido:recordInfoSet><lido:recordInfoLink>https://museum.example/7"
    "</lido:recordInfoLink></lido:recordInfoSet></lido:recordWrap>"
    "<lido:resourceWrap><lido:resourceSet><lido:resourceRepresentation>"
    "<lido:linkResource>https://museum.example/7.jpg</lido:linkResource>"
    "</lido:resourceRepresentation><lido:resourceRepresentation lido:type=\"iiif-image\">"
    "<lido:linkResource>https://museum.example/iiif/7/info.json</lido:linkResource>"
    "</lido:resourceRepresentation><lido:resourceRepresentation>"
    "<lido:linkResource>https://museum.example/iiif/7/manifest.json</lido:linkResource>"
    "</lido:resourceRepresentation><lido:rightsResource><lido:rightsType><lido:term>CC BY"
    "</lido:term></lido:rightsType></lido:rightsResource></lido:resourceSet></lido:resourceWrap>"
    "</lido:administrativeMetadata></lido:lido>\n</lido:lidoWrap>\n";

static bool has_text(const vcm_ltexts *t, const char *lang, const char *text)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->v[i].lang, lang) == 0 && strcmp(t->v[i].text, text) == 0)
            return true;
    return false;
}

static bool unkept(const vcm_lido_record *r, const char *path)
{
    for (size_t i = 0; i < r->nunkept; i++)
        if (strcmp(r->unkept[i], path) == 0)
            return true;
    return false;
}

/* Parses the first lido:lido of doc into r and o (strings in a). */
static int parse(const char *doc, vcm_arena *a, vcm_lido_record *r, vcm_object *o,
                 const char **museum, const char **country, char *err, size_t errlen)
{
    vcm_xml *x = vcm_xml_open_memory(doc, strlen(doc), "t.xml", NULL, err, errlen);
    assert_non_null(x);
    xmlNode *n;
    long line;
    assert_int_equal(vcm_xml_next(x, VCM_LIDO_NS, "lido", &n, &line, err, errlen), 1);
    int rc = vcm_lido_parse(n, a, r, err, errlen);
    const char *warning;
    if (rc == 0)
        rc = vcm_lido_to_object(r, a, NULL, o, museum, country, &warning, err, errlen);
    vcm_xml_close(x);
    return rc;
}

static void test_parse_record(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_lido_record r;
    vcm_object o;
    const char *museum, *country;
    char err[600];
    char record[16384];
    snprintf(record, sizeof record, "%s%s%s", record_a, record_b, record_c);
    assert_int_equal(parse(record, &a, &r, &o, &museum, &country, err, sizeof err), 0);
    assert_string_equal(museum, "Galleria Test");
    assert_string_equal(country, "IT");
    assert_string_equal(o.source_id, "ID-7");
    assert_string_equal(o.inventory_number, "Inv. 8360");
    /* multilingual: xml:lang, lido:lang, inherited xml:lang="de", two in English */
    assert_true(has_text(&o.title, "en", "Spring"));
    assert_true(has_text(&o.title, "en", "Allegory of Spring"));
    assert_true(has_text(&o.title, "it", "La Primavera"));
    assert_true(has_text(&o.title, "de", "Der Frühling"));
    assert_string_equal(o.title.v[0].lang, "en");
    assert_true(has_text(&o.description, "en", "A garden."));
    /* production event */
    assert_int_equal(o.ncreators, 2);
    assert_string_equal(o.creators[0], "Botticelli, Sandro");
    assert_string_equal(o.creators[1], "Workshop");
    assert_string_equal(o.date_text, "um 1482");
    assert_int_equal(o.date_start, 1478);
    assert_int_equal(o.date_end, 1482);
    assert_string_equal(o.period, "Renaissance");
    assert_string_equal(o.culture, "Florentine");
    assert_string_equal(o.materials, "Tempera auf Holz");
    assert_string_equal(o.technique, "tempera painting");
    assert_string_equal(o.classification, "painting");
    assert_string_equal(o.dimensions, "203 x 314 cm");
    /* rights and links */
    assert_string_equal(o.rights, "http://creativecommons.org/publicdomain/zero/1.0/");
    assert_string_equal(o.credit_line, "Gift of a friend");
    assert_string_equal(o.source_url, "https://museum.example/7");
    assert_int_equal(o.nlinks, 3);
    assert_string_equal(o.links[0].rel, "image");
    assert_string_equal(o.links[1].rel, "iiif-image");
    assert_string_equal(o.links[1].url, "https://museum.example/iiif/7");
    assert_string_equal(o.links[2].rel, "iiif-manifest");
    /* what is not kept is named, never dropped */
    const char *expect[] = {
        /* the German label of the work type: the English one is kept */
        "lido:descriptiveMetadata/lido:objectClassificationWrap/lido:objectWorkTypeWrap/"
        "lido:objectWorkType/skos:Concept/skos:prefLabel",
        "lido:descriptiveMetadata/lido:eventWrap/lido:eventSet/lido:event/lido:eventActor/"
        "lido:actorInRole/lido:roleActor",
        "lido:descriptiveMetadata/lido:eventWrap/lido:eventSet/lido:event/lido:eventPlace",
        "lido:descriptiveMetadata/lido:eventWrap/lido:eventSet",
        "lido:descriptiveMetadata/lido:objectRelationWrap",
        "lido:administrativeMetadata/lido:resourceWrap/lido:resourceSet/lido:rightsResource",
    };
    for (size_t i = 0; i < sizeof expect / sizeof *expect; i++)
        if (!unkept(&r, expect[i]))
            fail_msg("not reported: %s", expect[i]);
    for (size_t i = 0; i < r.nunkept; i++)
        print_message("not kept: %s\n", r.unkept[i]);
    assert_int_equal(r.nunkept, sizeof expect / sizeof *expect);
    json_decref(r.source);
    vcm_arena_release(&a);
}

static void test_refused_records(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_lido_record r;
    vcm_object o;
    const char *museum, *country;
    char err[600];
    assert_int_equal(parse("<lido:lido " L "><lido:descriptiveMetadata/></lido:lido>", &a, &r,
                           &o, &museum, &country, err, sizeof err),
                     -1);
    assert_contains(err, "lidoRecID");
    assert_int_equal(parse("<lido:lido " L "><lido:lidoRecID>x</lido:lidoRecID></lido:lido>", &a,
                           &r, &o, &museum, &country, err, sizeof err),
                     -1);
    assert_contains(err, "names no museum");
    /* no country, and no fallback: says how to give one */
    assert_int_equal(parse("<lido:lido " L "><lido:lidoRecID>x</lido:lidoRecID>"
                           "<lido:administrativeMetadata><lido:recordWrap><lido:recordSource>"
                           "<lido:legalBodyName><lido:appellationValue>M</lido:appellationValue>"
                           "</lido:legalBodyName></lido:recordSource></lido:recordWrap>"
                           "</lido:administrativeMetadata></lido:lido>",
                           &a, &r, &o, &museum, &country, err, sizeof err),
                     -1);
    assert_contains(err, "--source-country");
    json_decref(r.source);
    vcm_arena_release(&a);
}

/* xmllint against a schema, offline; the test fails when the schema cannot
 * load as much as when the file is invalid. */
static void validate(const char *file, const char *schema)
{
    char *out;
    int rc = vt_sh(&out, "xmllint --noout --nonet --stream --schema '%s/schemas/%s' '%s'",
                   vt_data(), schema, file);
    if (rc != 0 || !strstr(out, "validates") || strstr(out, "failed to compile") ||
        strstr(out, "failed to load"))
        fail_msg("%s does not validate against %s:\n%.3000s", file, schema, out);
    free(out);
}

static void test_samples_import_with_report(void **state)
{
    (void)state;
    char db[1024], *out;
    vt_db_url(db, sizeof db, dir, "samples");
    const char *files[][2] = {
        {"LIDO-Example_FMobj00154983-LaPrimavera.xml", "read 1,"},
        {"LIDO-Example_FMobj20344012-Fontana_del_Moro.xml", "read 3,"},
        {"LIDO-v1.1-Example_FMobj00154983-LaPrimavera.xml", "read 1,"},
        {"LIDO-v1.1-Example_FMobj20344012-Fontana_del_Moro.xml", "read 3,"},
        {"kenom_oai_chunk20.xml", "read 20,"},
        {"minimaldatensatz.xml", "read 1,"},
    };
    char list[4096] = "";
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        size_t n = strlen(list);
        snprintf(list + n, sizeof list - n, " '%s/samples/lido/%s'", vt_data(), files[i][0]);
    }
    char rep[1024];
    snprintf(rep, sizeof rep, "%s/report.json", dir);
    int rc = vt_sh(&out, "%s import --quiet --db '%s' --source-country DE --report '%s'%s",
                   vt_bin(), db, rep, list);
    if (rc != 0)
        fail_msg("import of the samples: %d\n%s", rc, out);
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char line[600];
        snprintf(line, sizeof line, "%s: %s", files[i][0], files[i][1]);
        assert_contains(out, line);
    }
    assert_contains(out, "rejected 0,");
    assert_not_contains(out, "rejected 1");
    /* the report, printed and in the file, names what was not kept */
    assert_contains(out, "not kept: lido:descriptiveMetadata/lido:objectRelationWrap:");
    assert_contains(out, "lido:eventPlace");
    json_error_t je;
    json_t *j = json_load_file(rep, 0, &je);
    assert_non_null(j);
    json_t *fs = json_object_get(j, "files");
    assert_int_equal(json_array_size(fs), 6);
    bool subject = false;
    size_t i;
    json_t *f;
    json_array_foreach(fs, i, f)
    {
        assert_int_equal(json_integer_value(json_object_get(f, "rejected")), 0);
        size_t k;
        json_t *p;
        const char *fname = json_string_value(json_object_get(f, "file"));
        json_array_foreach(json_object_get(f, "not_kept"), k, p)
        {
            assert_true(json_integer_value(json_object_get(p, "records")) >= 1);
            /* an empty element (LIDO 1.0's <lido:objectDescriptionWrap/>) holds nothing */
            const char *path = json_string_value(json_object_get(p, "path"));
            if (strstr(fname, "LIDO-Example_FMobj00154983") &&
                (strstr(path, "objectDescriptionWrap") || strstr(path, "rightsWorkWrap")))
                fail_msg("%s: an empty element reported: %s", fname, path);
            if (strstr(json_string_value(json_object_get(p, "path")), "lido:objectRelationWrap"))
                subject = true;
        }
    }
    assert_true(subject);
    json_decref(j);
    free(out);

    /* what was imported exports as valid LIDO and EDM, and round-trips */
    char x1[1024], x2[1024], e1[1024], db2[1024];
    snprintf(x1, sizeof x1, "%s/s1.lido.xml", dir);
    snprintf(x2, sizeof x2, "%s/s2.lido.xml", dir);
    snprintf(e1, sizeof e1, "%s/s1.edm.xml", dir);
    assert_int_equal(vt_sh(NULL, "%s export --db '%s' --format lido '%s'", vt_bin(), db, x1), 0);
    assert_int_equal(vt_sh(NULL, "%s export --db '%s' --format edm --base-url https://vcm.example "
                                 "'%s'",
                           vt_bin(), db, e1),
                     0);
    validate(x1, "lido/lido-v1.1.xsd");
    validate(e1, "edm/EDM.xsd");
    assert_int_equal(vt_sh(NULL, "grep -q '<edm:provider>Virtual Collection of Masterpieces<' '%s'",
                           e1),
                     0);
    vt_db_url(db2, sizeof db2, dir, "again");
    rc = vt_sh(&out, "%s import --quiet --db '%s' '%s'", vt_bin(), db2, x1);
    if (rc != 0)
        fail_msg("import of the export: %s", out);
    assert_not_contains(out, "not kept");
    free(out);
    assert_int_equal(vt_sh(NULL, "%s export --db '%s' --format lido '%s'", vt_bin(), db2, x2), 0);
    assert_int_equal(vt_sh(&out, "cmp '%s' '%s'", x1, x2), 0);
    free(out);
}

/* Per object, over HTTP: a sample of the demo's objects (its first 300
 * records), each record valid; a missing one is 404; the page links both. */
static void test_per_object_records(void **state)
{
    (void)state;
    char db[1024], *out;
    vt_db_url(db, sizeof db, dir, "head");
    int rc = vt_sh(&out, "head -n 300 '%s/collection.jsonl' > '%s/head.jsonl' && %s import --quiet "
                         "--db '%s' '%s/head.jsonl'",
                   vt_data(), dir, vt_bin(), db, dir);
    if (rc != 0)
        fail_msg("import of the first records of the demo: %s", out);
    free(out);
    /* only public records: a withdrawn one is not given, in bulk or alone */
    char *sq = NULL;
    const char *upd = "UPDATE objects SET status = 'withdrawn' WHERE id = 4";
    if ((strncmp(db, "sqlite:", 7) == 0 ? vt_sh(&sq, "sqlite3 '%s' \"%s\"", db + 7, upd)
                                        : vt_sh(&sq, "psql -X -q -d '%s' -c \"%s\"", db, upd)) != 0)
        fail_msg("cannot withdraw an object: %s", sq);
    free(sq);
    char bulk[1024];
    snprintf(bulk, sizeof bulk, "%s/head.lido.xml", dir);
    assert_int_equal(vt_sh(&out, "%s export --db '%s' --format lido '%s'", vt_bin(), db, bulk), 0);
    assert_contains(out, "299 objects written");
    free(out);
    struct vt_server s;
    vt_server_start(&s, db);
    struct vt_resp w = vt_get(&s, "/objects/4.lido.xml");
    assert_int_equal(w.status, 404);
    vt_resp_free(&w);
    int ids[] = {1, 2, 3, 50, 120, 199, 201, 230, 299, 300};
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
        const char *fmt[][2] = {{"lido", "lido/lido-v1.1.xsd"}, {"edm", "edm/EDM.xsd"}};
        for (int k = 0; k < 2; k++) {
            char path[128], file[1024];
            snprintf(path, sizeof path, "/objects/%d.%s.xml", ids[i], fmt[k][0]);
            struct vt_resp r = vt_get(&s, path);
            if (r.status != 200)
                fail_msg("%s: %ld", path, r.status);
            assert_true(strncmp(vt_header(&r, "Content-Type"), "application/xml; charset=utf-8",
                                30) == 0);
            snprintf(file, sizeof file, "%s/o%d.%s.xml", dir, ids[i], fmt[k][0]);
            FILE *f = fopen(file, "w");
            assert_non_null(f);
            fwrite(r.body, 1, r.len, f);
            fclose(f);
            validate(file, fmt[k][1]);
            vt_resp_free(&r);
        }
    }
    struct vt_resp r = vt_get(&s, "/objects/99999999.lido.xml");
    assert_int_equal(r.status, 404);
    vt_resp_free(&r);
    r = vt_get(&s, "/objects/abc.edm.xml");
    assert_int_equal(r.status, 404);
    vt_resp_free(&r);
    r = vt_get(&s, "/objects/3");
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "<link rel=\"alternate\" type=\"application/xml\" "
                            "href=\"/objects/3.lido.xml\"");
    assert_contains(r.body, "href=\"/objects/3.edm.xml\"");
    vt_resp_free(&r);
    vt_server_stop(&s);
}

/* The export's format is checked before anything is written. */
static void test_export_usage(void **state)
{
    (void)state;
    char db[1024], *out;
    vt_db_url(db, sizeof db, dir, "usage");
    assert_int_equal(vt_sh(&out, "%s export --db '%s' --format marc '%s/x'", vt_bin(), db, dir), 2);
    assert_contains(out, "--format takes jsonl, lido or edm");
    free(out);
    assert_int_equal(vt_sh(&out, "%s export --db '%s' --format edm '%s/x'", vt_bin(), db, dir), 2);
    assert_contains(out, "--base-url");
    free(out);
    /* a LIDO file that is not well-formed stops the import, naming its line */
    char bad[1024];
    snprintf(bad, sizeof bad, "%s/bad.xml", dir);
    vt_write_file(bad, "<lido:lidoWrap " L ">\n<lido:lido>\n</lido:lidoWrap>\n");
    assert_int_equal(vt_sh(&out, "%s import --db '%s' '%s'", vt_bin(), db, bad), 3);
    assert_contains(out, "bad.xml:3:");
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_record),
        cmocka_unit_test(test_refused_records),
        cmocka_unit_test(test_samples_import_with_report),
        cmocka_unit_test(test_per_object_records),
        cmocka_unit_test(test_export_usage),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
