/* The entries' model (model/entry.h): the workflow's state machine, diffs,
 * the content's JSON, the pre-submission checks, the day's choice. */
#include "testutil.h"

#include "core/arena.h"
#include "model/entry.h"

/* Every pair, written out here as the issue states the workflow. */
static void test_machine(void **state)
{
    (void)state;
    struct { vcm_entry_state from; vcm_entry_action a; int to; } want[] = {
        {VCM_ENTRY_DRAFT, VCM_EA_SUBMIT, VCM_ENTRY_SUBMITTED},
        {VCM_ENTRY_DRAFT, VCM_EA_WITHDRAW, VCM_ENTRY_WITHDRAWN},
        {VCM_ENTRY_SUBMITTED, VCM_EA_REQUEST_CHANGES, VCM_ENTRY_CHANGES_REQUESTED},
        {VCM_ENTRY_SUBMITTED, VCM_EA_PUBLISH, VCM_ENTRY_PUBLISHED},
        {VCM_ENTRY_SUBMITTED, VCM_EA_WITHDRAW, VCM_ENTRY_WITHDRAWN},
        {VCM_ENTRY_CHANGES_REQUESTED, VCM_EA_SUBMIT, VCM_ENTRY_SUBMITTED},
        {VCM_ENTRY_CHANGES_REQUESTED, VCM_EA_WITHDRAW, VCM_ENTRY_WITHDRAWN},
        {VCM_ENTRY_PUBLISHED, VCM_EA_WITHDRAW, VCM_ENTRY_WITHDRAWN},
        {VCM_ENTRY_PUBLISHED, VCM_EA_EDIT, VCM_ENTRY_DRAFT},
        {VCM_ENTRY_WITHDRAWN, VCM_EA_RESTORE, VCM_ENTRY_DRAFT},
        {VCM_ENTRY_WITHDRAWN, VCM_EA_PUBLISH, VCM_ENTRY_PUBLISHED},
    };
    int allowed = 0;
    for (int f = 0; f < VCM_ENTRY_STATES; f++)
        for (int a = 0; a < VCM_EA_ACTIONS; a++) {
            int expect = -1;
            for (size_t i = 0; i < sizeof want / sizeof *want; i++)
                if ((int)want[i].from == f && (int)want[i].a == a)
                    expect = want[i].to;
            vcm_entry_state to = VCM_ENTRY_STATES;
            int rc = vcm_entry_next((vcm_entry_state)f, (vcm_entry_action)a, &to);
            if (expect < 0) {
                assert_int_equal(rc, -1);
            } else {
                assert_int_equal(rc, 0);
                assert_int_equal(to, expect);
                allowed++;
            }
        }
    assert_int_equal(allowed, 11);
    vcm_entry_state to;
    assert_int_equal(vcm_entry_next(VCM_ENTRY_STATES, VCM_EA_SUBMIT, &to), -1);
    assert_int_equal(vcm_entry_next(VCM_ENTRY_DRAFT, VCM_EA_ACTIONS, &to), -1);
    assert_true(vcm_entry_editable(VCM_ENTRY_DRAFT));
    assert_true(vcm_entry_editable(VCM_ENTRY_PUBLISHED));
    assert_false(vcm_entry_editable(VCM_ENTRY_SUBMITTED));
    assert_false(vcm_entry_editable(VCM_ENTRY_WITHDRAWN));
    for (int s = 0; s < VCM_ENTRY_STATES; s++) {
        vcm_entry_state back;
        assert_int_equal(vcm_entry_state_parse(vcm_entry_state_name((vcm_entry_state)s), &back),
                         0);
        assert_int_equal(back, s);
    }
    vcm_entry_action act;
    assert_int_equal(vcm_entry_action_parse("request_changes", &act), 0);
    assert_int_equal(act, VCM_EA_REQUEST_CHANGES);
    assert_int_equal(vcm_entry_action_parse("delete", &act), -1);
    assert_string_equal(vcm_entry_action_authz(VCM_EA_PUBLISH), "entry.publish");
}

static vcm_entry_data sample(vcm_arena *a)
{
    vcm_entry_data d = {0};
    vcm_ltexts_add(&d.title, a, "en", "Moon jar");
    vcm_ltexts_add(&d.title, a, "ko", "달항아리");
    d.statements = vcm_arena_calloc(a, 1, sizeof *d.statements);
    d.statements[0] = (vcm_statement){"en", "Because.", "A. Curator", 1700000000};
    d.nstatements = 1;
    d.materials = "porcelain";
    d.images = vcm_arena_calloc(a, 1, sizeof *d.images);
    d.images[0] = (vcm_entry_image){"img-1", "http://rightsstatements.org/vocab/InC/1.0/"};
    d.nimages = 1;
    return d;
}

static void test_diff_and_json(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_entry_data x = sample(&a), y = sample(&a);
    vcm_entry_change *c;
    size_t n;
    assert_int_equal(vcm_entry_diff(&x, &y, &a, &c, &n), 0);
    assert_int_equal(n, 0);
    y.materials = "stoneware";
    y.licence = "https://creativecommons.org/licenses/by/4.0/";
    y.title.v[1].text = "백자 달항아리";
    assert_int_equal(vcm_entry_diff(&x, &y, &a, &c, &n), 0);
    assert_int_equal(n, 3);
    assert_string_equal(c[0].key, "licence");
    assert_null(c[0].before);
    assert_string_equal(c[1].key, "materials");
    assert_string_equal(c[1].before, "porcelain");
    assert_string_equal(c[1].after, "stoneware");
    assert_string_equal(c[2].key, "title:ko");
    char sum[100];
    vcm_entry_diff_summary(c, n, sum, sizeof sum);
    assert_string_equal(sum, "licence, materials, title:ko");
    /* the JSON a version is kept as gives the same content back */
    const char *j = vcm_entry_data_to_json(&y, &a);
    assert_non_null(j);
    vcm_entry_data back;
    char err[200];
    assert_int_equal(vcm_entry_data_from_json(&back, &a, j, err, sizeof err), 0);
    assert_int_equal(vcm_entry_diff(&y, &back, &a, &c, &n), 0);
    assert_int_equal(n, 0);
    assert_string_equal(back.statements[0].author, "A. Curator");
    assert_int_equal(back.statements[0].date, 1700000000);
    assert_int_equal(vcm_entry_data_from_json(&back, &a, "[1]", err, sizeof err), -1);
    assert_int_equal(vcm_entry_data_from_json(&back, &a, "{\"title\":[{\"lang\":\"en\"}]}", err,
                                              sizeof err),
                     -1);
    assert_non_null(strstr(err, "title"));
    vcm_arena_release(&a);
}

static void test_check(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_entry_data d = sample(&a);
    vcm_entry_problem p[8];
    size_t n;
    /* a Korean museum: English and Korean needed; statements too short */
    vcm_entry_check(&d, "ko en", false, p, 8, &n);
    assert_int_equal(n, 3);
    assert_string_equal(p[0].field, "statement:en");
    assert_string_equal(p[0].why, "entry.err.statement_short");
    assert_string_equal(p[1].field, "statement:own");
    assert_string_equal(p[1].why, "entry.err.statement_missing");
    assert_string_equal(p[2].field, "licence");
    /* an English museum needs English only */
    char long_text[300];
    memset(long_text, 'a', 150);
    long_text[150] = '\0';
    d.statements[0].text = long_text;
    d.licence = "https://creativecommons.org/licenses/by/4.0/";
    vcm_entry_check(&d, "en", false, p, 8, &n);
    assert_int_equal(n, 0);
    d.statements[0].author = NULL;
    vcm_entry_check(&d, "en", false, p, 8, &n);
    assert_int_equal(n, 1);
    assert_string_equal(p[0].why, "entry.err.statement_author");
    d.statements[0].author = "A. Curator";
    /* an image without its rights, then the editors' waiver */
    d.images[0].rights = NULL;
    vcm_entry_check(&d, "en", false, p, 8, &n);
    assert_int_equal(n, 1);
    assert_string_equal(p[0].why, "entry.err.image_rights");
    vcm_entry_check(&d, "en", true, p, 8, &n);
    assert_int_equal(n, 0);
    /* validation on save */
    const char *field, *why;
    assert_int_equal(vcm_entry_validate(&d, &field, &why), 0);
    d.title.v[0].text = "\xff\xfe";
    assert_int_equal(vcm_entry_validate(&d, &field, &why), -1);
    assert_string_equal(field, "title");
    vcm_arena_release(&a);
}

static void test_motd_choose(void **state)
{
    (void)state;
    vcm_motd_candidate c[] = {
        {1, 10, false, NULL},
        {2, 20, true, "2026-06-01"}, /* picked within the year */
        {3, 30, true, NULL},
        {4, 40, true, "2025-01-01"}, /* picked more than a year ago */
    };
    /* with an image and not recent: 3 or 4, the same for the same day */
    for (int d = 1; d <= 28; d++) {
        char day[11];
        snprintf(day, sizeof day, "2026-12-%02d", d);
        long i = vcm_motd_choose(c, 4, day, "2025-12-01");
        assert_true(i == 2 || i == 3);
        assert_int_equal(vcm_motd_choose(c, 4, day, "2025-12-01"), i);
    }
    /* when every one with an image is recent: one without */
    c[2].last = c[3].last = "2026-11-01";
    assert_int_equal(vcm_motd_choose(c, 4, "2026-12-07", "2025-12-07"), 0);
    /* when all are recent: those with an image again */
    c[0].last = "2026-10-01";
    long i = vcm_motd_choose(c, 4, "2026-12-07", "2025-12-07");
    assert_true(i >= 1);
    assert_int_equal(vcm_motd_choose(c, 0, "2026-12-07", "2025-12-07"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_machine),
        cmocka_unit_test(test_diff_and_json),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_motd_choose),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
