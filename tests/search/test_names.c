/* The names table of the thesaurus (src/search/names.c): the parser's
 * refusals with file and line, lookups by any spelling and by a creator
 * as records write it, and the built-in table checked against the records
 * it cites (each row's spellings seen together in the demo collection). */
#include "testutil.h"

#include <jansson.h>

#include "search/names.h"
#include "search/tokenize.h"

#define HEAD "id\ten\tja\tzh-Hant\tko\tvariants\tsource\n"

static vcm_names *parse(const char *text, char *err, size_t errlen)
{
    return vcm_names_parse("t.tsv", text, strlen(text), err, errlen);
}

static void refused(const char *text, const char *why)
{
    char err[256] = "";
    vcm_names *n = parse(text, err, sizeof err);
    if (n)
        fail_msg("accepted: %s", text);
    if (!strstr(err, why))
        fail_msg("'%s' does not say '%s'", err, why);
}

static const vcm_name_entry *by(const vcm_names *n, const char *spelling)
{
    char key[256];
    int kl = vcm_tokenize_key(spelling, strlen(spelling), VCM_TOK_STEM, key, sizeof key);
    return kl > 0 ? vcm_names_lookup(n, key, (size_t)kl) : NULL;
}

static void test_parse_and_lookup(void **state)
{
    (void)state;
    char err[256];
    vcm_names *n = parse(HEAD "katsushika_hokusai\tKatsushika Hokusai\t葛飾北斎\t\t\tHokusai|北斎\tMet 1\n"
                              "kim_hongdo\tKim Hong-do\t\t金弘道\t김홍도\tDanwon|단원\tMet 2\n",
                         err, sizeof err);
    assert_non_null(n);
    assert_int_equal(vcm_names_count(n), 2);
    const vcm_name_entry *e = vcm_names_entry(n, 0);
    assert_string_equal(e->id, "katsushika_hokusai");
    assert_string_equal(e->label, "Katsushika Hokusai");
    assert_int_equal(e->nnames, 4);
    assert_string_equal(e->source, "Met 1");
    /* any spelling, any case, Traditional or Simplified Han */
    assert_ptr_equal(by(n, "HOKUSAI"), e);
    assert_ptr_equal(by(n, "北斎"), e);
    assert_ptr_equal(by(n, "葛飾北斎"), e);
    assert_ptr_equal(by(n, "金弘道"), vcm_names_entry(n, 1));
    assert_ptr_equal(by(n, "金弘道"), by(n, "김홍도"));
    assert_null(by(n, "Hiroshige"));
    /* a creator as records write it */
    const char *c = "Katsushika Hokusai (Japanese, Tokyo (Edo) 1760–1849 Tokyo (Edo))";
    assert_ptr_equal(vcm_names_of_creator(n, c, strlen(c)), e);
    c = "Katsushika Hokusai; Publisher: Nishimuraya Yohachi";
    assert_ptr_equal(vcm_names_of_creator(n, c, strlen(c)), e);
    c = "Hokusai School";
    assert_null(vcm_names_of_creator(n, c, strlen(c)));
    vcm_names_free(n);
    /* columns in any order; no newline at the end */
    n = parse("source\ten\tid\tvariants\tko\tzh-Hant\tja\nMet\tA B\tab\tB\t\t\t", err, sizeof err);
    assert_non_null(n);
    assert_ptr_equal(by(n, "b"), vcm_names_entry(n, 0));
    vcm_names_free(n);
}

static void test_refusals(void **state)
{
    (void)state;
    refused("", "empty");
    refused("id\ten\tsource\n", "t.tsv:1: the header has no 'ja' column");
    refused(HEAD "x\tA\tB\n", "t.tsv:2: 3 fields, the header has 7");
    refused(HEAD "Bad\tA\tB\t\t\t\ts\n", "t.tsv:2: the id must be");
    refused(HEAD "x\tA\tB\t\t\t\t\n", "t.tsv:2: the source is empty");
    refused(HEAD "x\t\tB\t\t\t\ts\n", "t.tsv:2: the en name is empty");
    refused(HEAD "x\tA\t\t\t\t\ts\n", "t.tsv:2: 'x' has no other spelling");
    refused(HEAD "x\tA\tB\t\t\t\ts\nx\tC\tD\t\t\t\ts\n", "t.tsv:3: the id 'x' is used twice");
    refused(HEAD "x\tA\tB\t\t\t\ts\ny\tC\t\t\t\tb\ts\n", "t.tsv:3: 'b' is also a spelling of 'x'");
    refused(HEAD "x\tA\tB\t\t\tC||D\ts\n", "t.tsv:2: an empty spelling");
    refused(HEAD "x\tA\tB\t\t\tC|\ts\n", "t.tsv:2: an empty spelling");
    refused(HEAD "x\tA\t!!\t\t\t\ts\n", "t.tsv:2: '!!' has no letters");
    refused(HEAD "x\tA\tB\t\t\t\ts\r\n", "t.tsv:2: a carriage return");
    refused("id\ten\xff\n", "not UTF-8");
}

/* Every row of thesaurus/names.tsv, as built in: its spellings were seen
 * together in the records its source cites ("MUSEUM records ID, ID
 * (artist; title)"): the Latin spelling in the artist, the others in the
 * title. */
static void test_builtin_rows_hold(void **state)
{
    (void)state;
    const vcm_names *n = vcm_names_builtin();
    assert_non_null(n);
    assert_true(vcm_names_count(n) >= 50);
    char path[1024];
    snprintf(path, sizeof path, "%s/collection.jsonl", vt_data());
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("the demo data is missing: %s (set VCM_DATA)", path);
    json_t *recs = json_object(); /* "museum|id" -> record */
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        json_t *r = json_loads(line, 0, NULL);
        if (!r)
            continue;
        char k[512];
        snprintf(k, sizeof k, "%s|%s", json_string_value(json_object_get(r, "source_museum")),
                 json_string_value(json_object_get(r, "source_id")));
        json_object_set_new(recs, k, r);
    }
    free(line);
    fclose(f);
    for (size_t i = 0; i < vcm_names_count(n); i++) {
        const vcm_name_entry *e = vcm_names_entry(n, i);
        const char *rec = strstr(e->source, " records ");
        if (!rec)
            fail_msg("%s: the source names no records: %s", e->id, e->source);
        char museum[256];
        snprintf(museum, sizeof museum, "%.*s", (int)(rec - e->source), e->source);
        const char *ids = rec + strlen(" records ");
        size_t cited = 0;
        while (*ids >= '0' && *ids <= '9') {
            char k[512];
            size_t l = strspn(ids, "0123456789");
            snprintf(k, sizeof k, "%s|%.*s", museum, (int)l, ids);
            json_t *r = json_object_get(recs, k);
            if (!r)
                fail_msg("%s: record %s is not in the demo collection", e->id, k);
            const char *artist = json_string_value(json_object_get(r, "artist"));
            const char *title = json_string_value(json_object_get(r, "title"));
            if (!artist || !strstr(artist, e->label))
                fail_msg("%s: record %s's artist is not %s", e->id, k, e->label);
            bool other = false;
            for (size_t s = 1; s < e->nnames; s++)
                other |= title && (unsigned char)e->names[s][0] >= 0xE0 &&
                         strstr(title, e->names[s]) != NULL;
            if (!other)
                fail_msg("%s: record %s's title holds none of its other scripts", e->id, k);
            cited++;
            ids += l;
            if (ids[0] == ',' && ids[1] == ' ')
                ids += 2;
        }
        if (!cited)
            fail_msg("%s: the source cites no record", e->id);
    }
    json_decref(recs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_and_lookup),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_builtin_rows_hold),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
