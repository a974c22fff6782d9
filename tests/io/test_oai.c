/* OAI-PMH's pure parts (src/io/oai.c): datestamps, resumption tokens and
 * the harvester's reader of responses. */
#include "testutil.h"

#include "io/oai.h"

static void test_datestamps(void **state)
{
    (void)state;
    int64_t t;
    assert_int_equal(vcm_oai_time_parse("1970-01-01T00:00:00Z", false, &t), 2);
    assert_int_equal(t, 0);
    assert_int_equal(vcm_oai_time_parse("2024-02-29", false, &t), 1);
    assert_int_equal(t, 1709164800);
    assert_int_equal(vcm_oai_time_parse("2024-02-29", true, &t), 1);
    assert_int_equal(t, 1709164800 + 86399);
    static const char *const bad[] = {"2023-02-29", "2024-13-01", "2024-01-01T24:00:00Z",
                                      "2024-01-01T00:00:00", "2024-1-01", "2024-01-01 00:00:00Z",
                                      "", "yesterday", "2024-01-01T00:00:00+01:00"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (vcm_oai_time_parse(bad[i], false, &t) >= 0)
            fail_msg("'%s' read as a datestamp", bad[i]);
    char out[21];
    vcm_oai_time_format(1709164800 + 3661, out);
    assert_string_equal(out, "2024-02-29T01:01:01Z");
    /* a year of three digits keeps four (found by fuzz/oai_token.c) */
    assert_int_equal(vcm_oai_time_parse("0690-02-21", false, &t), 1);
    vcm_oai_time_format(t, out);
    assert_string_equal(out, "0690-02-21T00:00:00Z");
}

static void test_tokens(void **state)
{
    (void)state;
    /* zeroed whole, padding included, as the decoder leaves what it fills */
    vcm_oai_query q;
    memset(&q, 0, sizeof q);
    q.verb = VCM_OAI_LIST_RECORDS;
    snprintf(q.prefix, sizeof q.prefix, "lido");
    snprintf(q.set, sizeof q.set, "museum:12");
    q.from = 5;
    q.until = 99;
    q.after = 42;
    q.cursor = 7;
    q.size = 60;
    char tok[VCM_OAI_TOKEN_MAX];
    assert_int_equal(vcm_oai_token_encode(&q, tok), 0);
    /* URL-safe as it is */
    assert_int_equal(strspn(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
                     strlen(tok));
    vcm_oai_query back;
    assert_int_equal(vcm_oai_token_decode(tok, &back), 0);
    assert_memory_equal(&back, &q, sizeof q);
    /* one character changed: no token of ours, or another query */
    tok[3] = tok[3] == 'A' ? 'B' : 'A';
    vcm_oai_query other;
    if (vcm_oai_token_decode(tok, &other) == 0)
        assert_memory_not_equal(&other, &q, sizeof q);
    /* what the encoder would not write */
    static const char *const bad[] = {"", "x", "abc=", "MXxSfGxpZG98fDB8MXwwfDB8MA==",
                                      "not a token", "MXx8fHx8fHx8"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(vcm_oai_token_decode(bad[i], &other), -1);
    /* a set with a character OAI-PMH does not allow cannot be carried */
    snprintf(q.set, sizeof q.set, "a|b");
    assert_int_equal(vcm_oai_token_encode(&q, tok), -1);
    snprintf(q.set, sizeof q.set, "a::b");
    assert_int_equal(vcm_oai_token_encode(&q, tok), -1);
    assert_true(vcm_oai_set_spec_ok("origin:east-asia"));
    assert_false(vcm_oai_set_spec_ok(":museum"));
    assert_false(vcm_oai_prefix_ok("oai:dc"));
}

struct seen {
    int live, deleted;
    char ids[4][64];
};

static int on_record(void *ud, const vcm_oai_header *h, const xmlNode *meta, long line,
                     char *err, size_t errlen)
{
    (void)line;
    (void)err;
    (void)errlen;
    struct seen *s = ud;
    int k = s->live + s->deleted;
    if (k < 4)
        snprintf(s->ids[k], sizeof s->ids[k], "%s", h->identifier ? h->identifier : "-");
    if (h->deleted) {
        assert_null(meta);
        s->deleted++;
    } else {
        s->live++;
    }
    return 0;
}

static void test_responses(void **state)
{
    (void)state;
    const char *page =
        "<?xml version=\"1.0\"?>\n<OAI-PMH xmlns=\"http://www.openarchives.org/OAI/2.0/\">"
        "<responseDate>2026-01-02T03:04:05Z</responseDate><request>http://x/oai</request>"
        "<ListRecords><record><header status=\"deleted\"><identifier>oai:x:1</identifier>"
        "<datestamp>2026-01-01</datestamp></header></record>"
        "<record><header><identifier> oai:x:2 </identifier><datestamp>2026-01-01</datestamp>"
        "</header><metadata><oai_dc:dc xmlns:oai_dc=\"http://www.openarchives.org/OAI/2.0/"
        "oai_dc/\"/></metadata></record>"
        "<resumptionToken completeListSize=\"9\" cursor=\"3\">tok-1</resumptionToken>"
        "</ListRecords></OAI-PMH>";
    struct seen s = {0};
    vcm_oai_page pg;
    char err[600];
    assert_int_equal(vcm_oai_parse_page(page, strlen(page), "p.xml", on_record, &s, &pg, err,
                                        sizeof err),
                     0);
    assert_int_equal(s.live, 1);
    assert_int_equal(s.deleted, 1);
    assert_string_equal(s.ids[1], "oai:x:2");
    assert_string_equal(pg.response_date, "2026-01-02T03:04:05Z");
    assert_string_equal(pg.token, "tok-1");
    assert_int_equal(pg.cursor, 3);
    assert_int_equal(pg.size, 9);
    assert_string_equal(pg.error_code, "");

    /* ListIdentifiers: headers alone; the last page's empty token */
    const char *ids =
        "<OAI-PMH xmlns=\"http://www.openarchives.org/OAI/2.0/\"><responseDate>2026-01-02"
        "</responseDate><ListIdentifiers><header><identifier>a</identifier></header>"
        "<header><identifier>b</identifier></header><resumptionToken cursor=\"2\"/>"
        "</ListIdentifiers></OAI-PMH>";
    memset(&s, 0, sizeof s);
    assert_int_equal(vcm_oai_parse_page(ids, strlen(ids), "i.xml", on_record, &s, &pg, err,
                                        sizeof err),
                     0);
    assert_int_equal(s.live, 2);
    assert_string_equal(s.ids[1], "b");
    assert_true(pg.has_token);
    assert_string_equal(pg.token, "");

    const char *error = "<OAI-PMH xmlns=\"http://www.openarchives.org/OAI/2.0/\"><responseDate>"
                        "x</responseDate><error code=\"badResumptionToken\">gone</error>"
                        "</OAI-PMH>";
    assert_int_equal(vcm_oai_parse_page(error, strlen(error), "e.xml", on_record, &s, &pg, err,
                                        sizeof err),
                     0);
    assert_string_equal(pg.error_code, "badResumptionToken");
    assert_string_equal(pg.error_text, "gone");

    /* not an answer of the protocol; an entity; malformed */
    const char *bad[] = {"<html><body>busy</body></html>",
                         "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><OAI-PMH "
                         "xmlns=\"http://www.openarchives.org/OAI/2.0/\"><responseDate>&a;"
                         "</responseDate></OAI-PMH>",
                         "<OAI-PMH xmlns=\"http://www.openarchives.org/OAI/2.0/\"><responseDate>"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(vcm_oai_parse_page(bad[i], strlen(bad[i]), "b.xml", on_record, &s, &pg,
                                            err, sizeof err),
                         -1);
        assert_contains(err, "b.xml");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_datestamps),
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_responses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
