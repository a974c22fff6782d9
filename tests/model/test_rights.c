/* Reading sources' rights texts (src/model/rights.c): every shape of the
 * demo collection (the table of docs/rights.md), one case each, and what a
 * text does not say stays "not stated". */
#include "testutil.h"

#include "model/filter.h"
#include "model/rights.h"

#define PDM "http://creativecommons.org/publicdomain/mark/1.0/"
#define CCBY "http://creativecommons.org/licenses/by/4.0/"
#define RS(x) "http://rightsstatements.org/vocab/" x "/1.0/"

struct want {
    const char *text, *metadata, *object, *term;
    vcm_image_rights images;
    const char *holder;
};

/* Every distinct pattern of ../shared/data/collection.jsonl (docs/rights.md),
 * and a few spellings of the same names. */
static const struct want cases[] = {
    {"CC0-1.0 (metadata); object is public domain: True", "CC0-1.0", PDM, NULL, 0, NULL},
    {"CC0-1.0 (metadata); object is public domain: False", "CC0-1.0", NULL, NULL, 0, NULL},
    {"Mia open data (see README); object rights: Public Domain", "CC0-1.0", PDM, NULL, 0, NULL},
    {"Mia open data (see README); object rights: In Copyright", "CC0-1.0", RS("InC"), NULL, 0,
     NULL},
    {"Mia open data (see README); object rights: In Copyright–Educational Use", "CC0-1.0",
     RS("InC-EDU"), NULL, 0, NULL},
    {"Mia open data (see README); object rights: In Copyright–Non-Commercial Use", "CC0-1.0",
     RS("InC-NC"), NULL, 0, NULL},
    {"Mia open data (see README); object rights: In Copyright–Rights-holder(s) Unlocatable",
     "CC0-1.0", RS("InC-RUU"), NULL, 0, NULL},
    {"Mia open data (see README); object rights: No Known Copyright", "CC0-1.0", RS("NKC"), NULL,
     0, NULL},
    {"Mia open data (see README); object rights: No Copyright–United States", "CC0-1.0",
     RS("NoC-US"), NULL, 0, NULL},
    {"Mia open data (see README); object rights: Copyright Undetermined", "CC0-1.0", RS("UND"),
     NULL, 0, NULL},
    {"Mia open data (see README); object rights: Copyright Not Evaluated", "CC0-1.0", RS("CNE"),
     NULL, 0, NULL},
    {"Mia open data (see README); object rights:", "CC0-1.0", NULL, NULL, 0, NULL},
    {"CC0-1.0 (metadata); images not included", "CC0-1.0", NULL, NULL, VCM_IMAGES_NOT_INCLUDED,
     NULL},
    {"CC0-1.0 (metadata); image not CC0", "CC0-1.0", NULL, NULL, VCM_IMAGES_NOT_OPEN, NULL},
    {"CC0-1.0 (metadata, tategallery/collection LICENCE); images not CC0 (thumbnail copyright "
     "not stated)",
     "CC0-1.0", NULL, NULL, VCM_IMAGES_NOT_OPEN, NULL},
    {"CC0-1.0 (metadata, tategallery/collection LICENCE); images not CC0 (thumbnail © Anish "
     "Kapoor)",
     "CC0-1.0", NULL, NULL, VCM_IMAGES_NOT_OPEN, "Anish Kapoor"},
    {"CC0-1.0 (metadata, tategallery/collection LICENCE); images not CC0 (thumbnail © Estate of "
     "Tristram Hillier. All Rights Reserved 2010 / Bridgeman Art Library)",
     "CC0-1.0", NULL, NULL, VCM_IMAGES_NOT_OPEN,
     "Estate of Tristram Hillier. All Rights Reserved 2010 / Bridgeman Art Library"},
    {"rights per record: NPMT CC-BY-4.0 (NPM open data; see README)", "CC-BY-4.0", CCBY, NULL, 0,
     NULL},
    {"rights per record: OA (NPM open data; see README)", NULL, NULL, "open access", 0, NULL},
    {"rights per record:  (NPM open data; see README)", NULL, NULL, NULL, 0, NULL},
    /* bare statements, other spellings */
    {"CC BY 4.0", NULL, CCBY, NULL, 0, NULL},
    {"Public Domain", NULL, PDM, NULL, 0, NULL},
    {"in copyright - educational use permitted", NULL, RS("InC-EDU"), NULL, 0, NULL},
    {"https://rightsstatements.org/vocab/InC/1.0", NULL, RS("InC"), NULL, 0, NULL},
    {"Open Access", NULL, NULL, "open access", 0, NULL},
    {"object rights: Ask the museum", NULL, NULL, "Ask the museum", 0, NULL},
    {"", NULL, NULL, NULL, 0, NULL},
    {"whatever the museum wrote", NULL, NULL, NULL, 0, NULL},
};

static void check_str(const char *what, const char *text, const char *got, const char *want)
{
    if ((got == NULL) != (want == NULL) || (got && strcmp(got, want) != 0))
        fail_msg("'%s': %s is '%s', expected '%s'", text, what, got ? got : "(not stated)",
                 want ? want : "(not stated)");
}

static void test_every_pattern(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct want *w = &cases[i];
        vcm_rights_info r;
        assert_int_equal(vcm_rights_read(w->text, &a, &r), 0);
        check_str("metadata licence", w->text, r.metadata, w->metadata);
        check_str("object rights", w->text, r.object, w->object);
        check_str("object term", w->text, r.object_term, w->term);
        check_str("image holder", w->text, r.image_holder, w->holder);
        if (r.images != w->images)
            fail_msg("'%s': images %d, expected %d", w->text, (int)r.images, (int)w->images);
    }
    vcm_arena_release(&a);
}

/* The two Taipei jades under CC BY 4.0 are open; "open access" without
 * terms, and a text that says nothing, are not. */
static void test_jades_open(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_rights_info r;
    vcm_rights_read("rights per record: NPMT CC-BY-4.0 (NPM open data; see README)", &a, &r);
    assert_true(vcm_rights_open(r.object));
    assert_string_equal(vcm_rights_label_key(r.object), "rights.ccby");
    vcm_rights_read("rights per record: OA (NPM open data; see README)", &a, &r);
    assert_false(vcm_rights_open(r.object));
    vcm_rights_read("CC0-1.0 (metadata); images not included", &a, &r);
    assert_false(vcm_rights_open(r.object));
    vcm_arena_release(&a);
}

static void test_labels(void **state)
{
    (void)state;
    assert_string_equal(vcm_rights_label_key(RS("InC-EDU")), "rights.inc_edu");
    assert_string_equal(vcm_rights_label_key(RS("InC-NC")), "rights.inc_nc");
    assert_string_equal(vcm_rights_label_key(PDM), "rights.pdm");
    assert_null(vcm_rights_label_key("http://example.org/"));
    assert_null(vcm_rights_label_key(NULL));
    assert_string_equal(vcm_rights_spdx_of("CC BY 4.0", 9), "CC-BY-4.0");
    assert_null(vcm_rights_spdx_of("Public Domain", 13));
}

/* A full arena gives "not stated" everywhere and -1. */
static void test_arena_full(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 64);
    char holder[200];
    memset(holder, 'x', sizeof holder - 1);
    holder[sizeof holder - 1] = 0;
    char *text = NULL;
    assert_true(asprintf(&text, "CC0-1.0 (metadata); images not CC0 (thumbnail © %s)", holder) > 0);
    vcm_rights_info r;
    assert_int_equal(vcm_rights_read(text, &a, &r), -1);
    assert_null(r.metadata);
    assert_null(r.image_holder);
    free(text);
    vcm_arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_pattern),
        cmocka_unit_test(test_jades_open),
        cmocka_unit_test(test_labels),
        cmocka_unit_test(test_arena_full),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
