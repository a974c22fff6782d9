/* Masterpiece entries in the store (store/entry.h) on a real database: a
 * SQLite file, or with VCM_TEST_PG set a fresh schema of the test run's
 * PostgreSQL server. */
#include "testutil.h"

#include "core/arena.h"
#include "model/country.h"
#include "model/entry.h"
#include "store/account.h"
#include "store/entry.h"
#include "store/outbox.h"
#include "store/store.h"

struct fx {
    char *dir;
    char url[900];
    vcm_store *s;
    vcm_arena a;
    int64_t museum;
};

static const vcm_actor curator = {0, "A. Curator"};
static const vcm_actor editor = {0, "E. Ditor"};

static int64_t add_museum(struct fx *f, const char *name, const char *country)
{
    vcm_country c;
    assert_int_equal(vcm_country_from_code(&c, &f->a, country), 0);
    assert_int_equal(f->s->ops->country_upsert(f->s, &c), 0);
    vcm_museum m = {0};
    memcpy(m.country, country, 3);
    vcm_ltexts_add(&m.names, &f->a, "en", name);
    bool created;
    assert_int_equal(f->s->ops->museum_ensure(f->s, &m, &created), 0);
    return m.id;
}

static int64_t add_object(struct fx *f, int64_t museum, const char *sid, const char *title,
                          const char *materials, bool image)
{
    vcm_object o;
    vcm_object_init(&o);
    o.museum_id = museum;
    o.source_id = sid;
    o.source = "test";
    vcm_ltexts_add(&o.title, &f->a, "en", title);
    o.materials = materials;
    o.rights = "http://creativecommons.org/publicdomain/mark/1.0/";
    o.status = VCM_PUBLISHED;
    vcm_upsert r;
    char hash[200];
    snprintf(hash, sizeof hash, "%s|%s|%s", sid, title, materials);
    assert_int_equal(f->s->ops->object_upsert(f->s, &o, hash, false, &r), 0);
    if (image) {
        vcm_media m = {0};
        char id[64];
        snprintf(id, sizeof id, "img-%s", sid);
        m.identifier = vcm_arena_strdup(&f->a, id);
        m.file = "x.tif";
        m.format = "image/tiff";
        m.width = m.height = 10;
        m.rights = o.rights;
        assert_int_equal(f->s->ops->media_add(f->s, o.id, &m), 0);
    }
    return o.id;
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    f->dir = vt_tmpdir();
    vt_db_url(f->url, sizeof f->url, f->dir, "t");
    char err[600];
    f->s = vcm_store_open(f->url, err, sizeof err);
    if (!f->s)
        fail_msg("open: %s", err);
    vcm_arena_init(&f->a, 0);
    f->museum = add_museum(f, "Museum of Tests", "KR");
    vcm_museum_profile p = {.languages = "ko en"};
    assert_int_equal(f->s->ops->museum_profile_put(f->s, f->museum, &p), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    vcm_store_close(f->s);
    vcm_arena_release(&f->a);
    vt_rmrf(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static const char long_en[] =
    "This bowl is a masterpiece because its glaze shows the finest control of the kiln that "
    "the potters of its time achieved, and its form has been copied ever since.";
static const char long_ko[] =
    "이 그릇은 당대 도공들이 이룬 가마 조절의 가장 뛰어난 솜씨를 보여 주는 유약과 그 뒤로 "
    "줄곧 본보기가 된 형태 때문에 걸작이다. 이 그릇은 당대 도공들이 이룬 가마 조절의 가장 "
    "뛰어난 솜씨를 보여 준다.";

/* The latest version of an entry made ready to submit. */
static vcm_entry_data ready(struct fx *f, int64_t id)
{
    vcm_entry e;
    vcm_entry_version v;
    assert_int_equal(vcm_entry_get(f->s, &f->a, id, &e), 1);
    assert_int_equal(vcm_entry_version_get(f->s, &f->a, id, e.version, &v), 1);
    vcm_entry_data d = v.data;
    vcm_ltexts_add(&d.title, &f->a, "ko", "청자 그릇");
    d.statements = vcm_arena_calloc(&f->a, 2, sizeof *d.statements);
    d.statements[0] = (vcm_statement){"en", long_en, "A. Curator", 1700000000};
    d.statements[1] = (vcm_statement){"ko", long_ko, "A. Curator", 1700000000};
    d.nstatements = 2;
    d.licence = "https://creativecommons.org/licenses/by/4.0/";
    return d;
}

static int64_t entry_ready(struct fx *f, const char *sid)
{
    int64_t obj = add_object(f, f->museum, sid, "Celadon bowl", "stoneware", true), id, v;
    assert_int_equal(vcm_entry_create(f->s, f->museum, obj, NULL, &curator, 1000, &id), 0);
    vcm_entry_data d = ready(f, id);
    assert_int_equal(vcm_entry_save(f->s, id, 1, &d, &curator, 1001, &v), 0);
    assert_int_equal(v, 2);
    return id;
}

static int step(struct fx *f, int64_t id, vcm_entry_action a)
{
    return vcm_entry_transition(f->s, id, a, "ok", &editor, 2000, NULL, 0, NULL);
}

static void test_create_save_stale_revert(void **state)
{
    struct fx *f = *state;
    int64_t obj = add_object(f, f->museum, "s1", "Celadon bowl", "stoneware", true), id, v;
    assert_int_equal(vcm_entry_create(f->s, f->museum, obj, NULL, &curator, 1000, &id), 0);
    /* one entry a record */
    int64_t id2;
    assert_int_equal(vcm_entry_create(f->s, f->museum, obj, NULL, &curator, 1000, &id2),
                     VCM_ENTRY_TAKEN);
    /* a record of another museum cannot be selected */
    int64_t other = add_museum(f, "Other Museum", "FR");
    assert_int_equal(vcm_entry_create(f->s, other, obj, NULL, &curator, 1000, &id2), -1);

    vcm_entry e;
    assert_int_equal(vcm_entry_get(f->s, &f->a, id, &e), 1);
    assert_int_equal(e.state, VCM_ENTRY_DRAFT);
    assert_int_equal(e.version, 1);
    assert_int_equal(e.live_version, 0);
    vcm_entry_data d = ready(f, id);
    assert_int_equal(vcm_entry_save(f->s, id, 1, &d, &curator, 1001, &v), 0);
    assert_int_equal(v, 2);
    /* a save against version 1 again (a stale ETag) is refused, and v2 kept */
    vcm_entry_data d2 = d;
    d2.materials = "porcelain";
    assert_int_equal(vcm_entry_save(f->s, id, 1, &d2, &curator, 1002, &v), VCM_ENTRY_STALE);
    vcm_entry_version got;
    assert_int_equal(vcm_entry_version_get(f->s, &f->a, id, 2, &got), 1);
    assert_string_equal(got.data.materials, "stoneware");
    assert_int_equal(vcm_entry_version_get(f->s, &f->a, id, 3, &got), 0);
    assert_int_equal(vcm_entry_save(f->s, id, 2, &d2, &curator, 1003, &v), 0);
    assert_int_equal(v, 3);
    assert_int_equal(vcm_entry_version_get(f->s, &f->a, id, 3, &got), 1);
    assert_string_equal(got.data.materials, "porcelain");
    assert_string_equal(got.author, "A. Curator");
    assert_int_equal(got.time, 1003);
    assert_string_equal(got.summary, "materials");
    /* revert to 2 is a new version 4 with 2's content */
    assert_int_equal(vcm_entry_revert(f->s, id, 2, 3, &editor, 1004, &v), 0);
    assert_int_equal(v, 4);
    assert_int_equal(vcm_entry_version_get(f->s, &f->a, id, 4, &got), 1);
    assert_string_equal(got.data.materials, "stoneware");
    assert_non_null(strstr(got.summary, "revert to 2"));
    vcm_entry_version *all;
    size_t n;
    assert_int_equal(vcm_entry_versions(f->s, &f->a, id, &all, &n), 0);
    assert_int_equal(n, 4);
    assert_int_equal(all[0].version, 1);
    assert_string_equal(all[0].data.title.v[0].text, "Celadon bowl");
    /* invalid content is refused with the field named, nothing saved */
    vcm_entry_data bad = d;
    bad.title.v = vcm_arena_calloc(&f->a, 1, sizeof *bad.title.v);
    bad.title.v[0] = (vcm_ltext){.lang = "not a tag!", .text = "x"};
    bad.title.n = 1;
    assert_int_equal(vcm_entry_save(f->s, id, 4, &bad, &curator, 1005, &v), -1);
    assert_non_null(strstr(vcm_store_error(f->s), "title"));
    assert_int_equal(vcm_entry_get(f->s, &f->a, id, &e), 1);
    assert_int_equal(e.version, 4);
}

/* Every action from every state, through the store: allowed ones move the
 * entry and record the step, refused ones change nothing. */
static void test_every_transition(void **state)
{
    struct fx *f = *state;
    assert_int_equal(vcm_entry_quota_set(f->s, f->museum, 1000), 0);
    int k = 0;
    for (int from = 0; from < VCM_ENTRY_STATES; from++)
        for (int act = 0; act < VCM_EA_ACTIONS; act++) {
            char sid[32];
            snprintf(sid, sizeof sid, "t%d", k++);
            int64_t id = entry_ready(f, sid);
            /* bring the entry to state from */
            switch (from) {
            case VCM_ENTRY_DRAFT:
                break;
            case VCM_ENTRY_SUBMITTED:
                assert_int_equal(step(f, id, VCM_EA_SUBMIT), 0);
                break;
            case VCM_ENTRY_CHANGES_REQUESTED:
                assert_int_equal(step(f, id, VCM_EA_SUBMIT), 0);
                assert_int_equal(step(f, id, VCM_EA_REQUEST_CHANGES), 0);
                break;
            case VCM_ENTRY_PUBLISHED:
                assert_int_equal(step(f, id, VCM_EA_SUBMIT), 0);
                assert_int_equal(step(f, id, VCM_EA_PUBLISH), 0);
                break;
            case VCM_ENTRY_WITHDRAWN:
                assert_int_equal(step(f, id, VCM_EA_WITHDRAW), 0);
                break;
            }
            vcm_entry e;
            assert_int_equal(vcm_entry_get(f->s, &f->a, id, &e), 1);
            assert_int_equal(e.state, from);
            vcm_entry_state to;
            bool allowed = vcm_entry_next((vcm_entry_state)from, (vcm_entry_action)act, &to) == 0;
            int rc = step(f, id, (vcm_entry_action)act);
            if (act == VCM_EA_EDIT) { /* only a save makes this step */
                assert_int_equal(rc, -1);
                continue;
            }
            vcm_entry after;
            assert_int_equal(vcm_entry_get(f->s, &f->a, id, &after), 1);
            if (!allowed) {
                assert_int_equal(rc, VCM_ENTRY_REFUSED);
                assert_int_equal(after.state, from);
                continue;
            }
            assert_int_equal(rc, 0);
            assert_int_equal(after.state, to);
            vcm_entry_event *ev;
            size_t n;
            assert_int_equal(vcm_entry_events(f->s, &f->a, id, &ev, &n), 0);
            assert_true(n >= 2);
            assert_string_equal(ev[n - 1].action, vcm_entry_action_name((vcm_entry_action)act));
            assert_int_equal(ev[n - 1].from, from);
            assert_int_equal(ev[n - 1].to, to);
            assert_string_equal(ev[n - 1].actor, "E. Ditor");
            assert_string_equal(ev[n - 1].comment, "ok");
            assert_int_equal(ev[n - 1].time, 2000);
            assert_int_equal(after.live_version != 0, to == VCM_ENTRY_PUBLISHED);
        }
}

static void test_published_stays_while_edited(void **state)
{
    struct fx *f = *state;
    int64_t id = entry_ready(f, "p1"), v;
    assert_int_equal(step(f, id, VCM_EA_SUBMIT), 0);
    assert_int_equal(step(f, id, VCM_EA_PUBLISH), 0);
    vcm_entry e;
    assert_int_equal(vcm_entry_get(f->s, &f->a, id, &e), 1);
    assert_int_equal(e.live_version, 2);
    vcm_masterpiece m;
    assert_int_equal(vcm_masterpiece_of_object(f->s, &f->a, e.object_id, &m), 1);
    vcm_entry_data d = m.data;
    d.materials = "a later edit";
    assert_int_equal(vcm_entry_save(f->s, id, 2, &d, &curator, 3000, &v), 0);
    assert_int_equal(vcm_entry_get(f->s, &f->a, id, &e), 1);
    assert_int_equal(e.state, VCM_ENTRY_DRAFT);
    assert_int_equal(e.live_version, 2);
    /* the public still sees version 2 */
    assert_int_equal(vcm_masterpiece_of_object(f->s, &f->a, e.object_id, &m), 1);
    assert_string_equal(m.data.materials, "stoneware");
    /* the edit was recorded as a step */
    vcm_entry_event *ev;
    size_t n;
    assert_int_equal(vcm_entry_events(f->s, &f->a, id, &ev, &n), 0);
    assert_string_equal(ev[n - 1].action, "edit");
    /* submitted entries wait: no save */
    assert_int_equal(step(f, id, VCM_EA_SUBMIT), 0);
    assert_int_equal(vcm_entry_save(f->s, id, 3, &d, &curator, 3001, &v), VCM_ENTRY_REFUSED);
    assert_int_equal(step(f, id, VCM_EA_PUBLISH), 0);
    assert_int_equal(vcm_masterpiece_of_object(f->s, &f->a, e.object_id, &m), 1);
    assert_string_equal(m.data.materials, "a later edit");
    /* withdrawal hides it, and nothing is lost */
    assert_int_equal(step(f, id, VCM_EA_WITHDRAW), 0);
    assert_int_equal(vcm_masterpiece_of_object(f->s, &f->a, e.object_id, &m), 0);
    vcm_entry_version *all;
    assert_int_equal(vcm_entry_versions(f->s, &f->a, id, &all, &n), 0);
    assert_int_equal(n, 3);
}

static void test_checks_and_waiver(void **state)
{
    struct fx *f = *state;
    int64_t obj = add_object(f, f->museum, "c1", "Bowl", "stoneware", false), id, v;
    assert_int_equal(vcm_entry_create(f->s, f->museum, obj, NULL, &curator, 1000, &id), 0);
    vcm_entry_problem p[16];
    size_t n;
    assert_int_equal(vcm_entry_transition(f->s, id, VCM_EA_SUBMIT, NULL, &curator, 1, p, 16, &n),
                     VCM_ENTRY_INCOMPLETE);
    /* title:ko, statement:en, statement:ko, images, licence */
    assert_int_equal(n, 5);
    assert_string_equal(p[0].field, "statement:en");
    assert_string_equal(p[1].field, "title:own");
    vcm_entry_data d = ready(f, id);
    assert_int_equal(vcm_entry_save(f->s, id, 0, &d, &curator, 1001, &v), 0);
    assert_int_equal(vcm_entry_transition(f->s, id, VCM_EA_SUBMIT, NULL, &curator, 1, p, 16, &n),
                     VCM_ENTRY_INCOMPLETE);
    assert_int_equal(n, 1);
    assert_string_equal(p[0].field, "images");
    assert_string_equal(p[0].why, "entry.err.image_missing");
    assert_int_equal(vcm_entry_waive(f->s, id, "the museum has no photograph yet", &editor, 5),
                     0);
    vcm_entry e;
    assert_int_equal(vcm_entry_get(f->s, &f->a, id, &e), 1);
    assert_string_equal(e.waiver, "the museum has no photograph yet");
    assert_int_equal(e.waiver_at, 5);
    assert_int_equal(vcm_entry_transition(f->s, id, VCM_EA_SUBMIT, NULL, &curator, 6, p, 16, &n),
                     0);
    assert_int_equal(n, 0);
}

static void test_quota(void **state)
{
    struct fx *f = *state;
    int64_t quota;
    assert_int_equal(vcm_entry_quota_get(f->s, f->museum, &quota), 0);
    assert_int_equal(quota, 25);
    int64_t ids[26];
    for (int i = 0; i < 26; i++) {
        char sid[16];
        snprintf(sid, sizeof sid, "q%d", i);
        ids[i] = entry_ready(f, sid);
        assert_int_equal(step(f, ids[i], VCM_EA_SUBMIT), 0);
    }
    for (int i = 0; i < 25; i++)
        assert_int_equal(step(f, ids[i], VCM_EA_PUBLISH), 0);
    assert_int_equal(step(f, ids[25], VCM_EA_PUBLISH), VCM_ENTRY_QUOTA);
    assert_non_null(strstr(vcm_store_error(f->s), "quota"));
    vcm_entry e;
    assert_int_equal(vcm_entry_get(f->s, &f->a, ids[25], &e), 1);
    assert_int_equal(e.state, VCM_ENTRY_SUBMITTED);
    int64_t live;
    assert_int_equal(vcm_entry_count_live(f->s, f->museum, &live), 0);
    assert_int_equal(live, 25);
    /* a larger quota, or one withdrawn, makes room */
    assert_int_equal(vcm_entry_quota_set(f->s, f->museum, 26), 0);
    assert_int_equal(step(f, ids[25], VCM_EA_PUBLISH), 0);
    assert_int_equal(vcm_entry_count_live(f->s, f->museum, &live), 0);
    assert_int_equal(live, 26);
    int64_t counts[VCM_ENTRY_STATES];
    assert_int_equal(vcm_entry_counts(f->s, f->museum, counts, &live), 0);
    assert_int_equal(counts[VCM_ENTRY_PUBLISHED], 26);
    assert_int_equal(live, 26);
}

static void test_reimport_conflict(void **state)
{
    struct fx *f = *state;
    int64_t obj = add_object(f, f->museum, "r1", "Celadon bowl", "stoneware", true), id, v;
    assert_int_equal(vcm_entry_create(f->s, f->museum, obj, NULL, &curator, 1000, &id), 0);
    vcm_entry_data d = ready(f, id);
    d.materials = "celadon-glazed stoneware"; /* the curator's edit */
    assert_int_equal(vcm_entry_save(f->s, id, 1, &d, &curator, 1001, &v), 0);
    int64_t found;
    assert_int_equal(vcm_entry_reconcile(f->s, f->museum, 1100, &found), 0);
    assert_int_equal(found, 0);
    /* the museum's next export changes materials and the title */
    assert_int_equal(add_object(f, f->museum, "r1", "Bowl, celadon", "porcelain", false), obj);
    assert_int_equal(vcm_entry_reconcile(f->s, f->museum, 1200, &found), 0);
    assert_int_equal(found, 1); /* the title was not edited: no conflict */
    vcm_entry_conflict *c;
    size_t n;
    assert_int_equal(vcm_entry_conflicts(f->s, &f->a, f->museum, &c, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(c[0].field, "materials");
    assert_string_equal(c[0].kept, "celadon-glazed stoneware");
    assert_string_equal(c[0].incoming, "porcelain");
    assert_false(c[0].resolved);
    /* the edit is kept */
    vcm_entry_version got;
    assert_int_equal(vcm_entry_version_get(f->s, &f->a, id, 2, &got), 1);
    assert_string_equal(got.data.materials, "celadon-glazed stoneware");
    /* the same conflict is not recorded twice */
    assert_int_equal(vcm_entry_reconcile(f->s, 0, 1300, &found), 0);
    assert_int_equal(found, 0);
    assert_int_equal(vcm_entry_conflict_resolve(f->s, c[0].id), 1);
    assert_int_equal(vcm_entry_conflicts(f->s, &f->a, f->museum, &c, &n), 0);
    assert_true(c[0].resolved);
}

/* A published statement is among its record's texts (the search reads
 * records), gone when withdrawn, and written again after an import that
 * rewrote the record. */
static void test_statements_in_record(void **state)
{
    struct fx *f = *state;
    int64_t id = entry_ready(f, "st1");
    vcm_entry e;
    vcm_object o;
    assert_int_equal(vcm_entry_get(f->s, &f->a, id, &e), 1);
    assert_int_equal(f->s->ops->object_get(f->s, &f->a, e.object_id, &o), 1);
    assert_int_equal(o.statement.n, 0); /* a draft's statements are not the record's */
    assert_int_equal(step(f, id, VCM_EA_SUBMIT), 0);
    assert_int_equal(f->s->ops->object_get(f->s, &f->a, e.object_id, &o), 1);
    assert_int_equal(o.statement.n, 0);
    assert_int_equal(step(f, id, VCM_EA_PUBLISH), 0);
    assert_int_equal(f->s->ops->object_get(f->s, &f->a, e.object_id, &o), 1);
    assert_int_equal(o.statement.n, 2);
    assert_string_equal(o.statement.v[0].text, long_en);
    /* the museum's next export rewrites the record: reconcile restores them */
    assert_int_equal(add_object(f, f->museum, "st1", "Celadon bowl, renamed", "stoneware", false),
                     e.object_id);
    assert_int_equal(f->s->ops->object_get(f->s, &f->a, e.object_id, &o), 1);
    assert_int_equal(o.statement.n, 0);
    int64_t found;
    assert_int_equal(vcm_entry_reconcile(f->s, 0, 5000, &found), 0);
    assert_int_equal(f->s->ops->object_get(f->s, &f->a, e.object_id, &o), 1);
    assert_int_equal(o.statement.n, 2);
    assert_int_equal(step(f, id, VCM_EA_WITHDRAW), 0);
    assert_int_equal(f->s->ops->object_get(f->s, &f->a, e.object_id, &o), 1);
    assert_int_equal(o.statement.n, 0);
}

static void test_created_record(void **state)
{
    struct fx *f = *state;
    vcm_entry_data d = {0};
    vcm_ltexts_add(&d.title, &f->a, "en", "A new jar");
    vcm_ltexts_add(&d.title, &f->a, "ko", "새 항아리");
    int64_t id, obj;
    assert_int_equal(vcm_entry_create_record(f->s, f->museum, &d, &curator, 10, &id, &obj), 0);
    vcm_object o;
    assert_int_equal(f->s->ops->object_get(f->s, &f->a, obj, &o), 1);
    assert_int_equal(o.status, VCM_DRAFT);
    assert_string_equal(o.source, "vcm");
    d = ready(f, id);
    int64_t v;
    assert_int_equal(vcm_entry_save(f->s, id, 1, &d, &curator, 11, &v), 0);
    assert_int_equal(vcm_entry_waive(f->s, id, "photograph to come", &editor, 12), 0);
    assert_int_equal(step(f, id, VCM_EA_SUBMIT), 0);
    assert_int_equal(step(f, id, VCM_EA_PUBLISH), 0);
    assert_int_equal(f->s->ops->object_get(f->s, &f->a, obj, &o), 1);
    assert_int_equal(o.status, VCM_PUBLISHED);
    assert_int_equal(o.statement.n, 2);
    assert_int_equal(step(f, id, VCM_EA_WITHDRAW), 0);
    assert_int_equal(f->s->ops->object_get(f->s, &f->a, obj, &o), 1);
    assert_int_equal(o.status, VCM_WITHDRAWN);
}

static void test_comments_and_mail(void **state)
{
    struct fx *f = *state;
    vcm_user c = {.email = "c@example.org", .name = "C", .role = VCM_ROLE_CONTRIBUTOR,
                  .museum_id = f->museum};
    vcm_user e = {.email = "e@example.org", .name = "E", .role = VCM_ROLE_EDITOR};
    assert_int_equal(vcm_user_add(f->s, &c), 0);
    assert_int_equal(vcm_user_add(f->s, &e), 0);
    int64_t id = entry_ready(f, "m1"), cid;
    assert_int_equal(vcm_entry_comment_add(f->s, id, "Please check the date.", &editor, 7, &cid),
                     0);
    assert_int_equal(vcm_entry_comment_add(f->s, id, "", &editor, 7, &cid), -1);
    vcm_entry_comment *cm;
    size_t n;
    assert_int_equal(vcm_entry_comments(f->s, &f->a, id, &cm, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(cm[0].body, "Please check the date.");
    assert_string_equal(cm[0].author, "E. Ditor");
    assert_int_equal(step(f, id, VCM_EA_SUBMIT), 0);
    vcm_mail *m;
    assert_int_equal(vcm_outbox_list(f->s, &f->a, "e@example.org", 10, &m, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(vcm_outbox_list(f->s, &f->a, "c@example.org", 10, &m, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(step(f, id, VCM_EA_REQUEST_CHANGES), 0);
    assert_int_equal(vcm_outbox_list(f->s, &f->a, "c@example.org", 10, &m, &n), 0);
    assert_int_equal(n, 1);
    assert_non_null(strstr(m[0].body, "ok"));
}

static void test_motd(void **state)
{
    struct fx *f = *state;
    int64_t oid, eid;
    assert_int_equal(vcm_motd_get(f->s, "2026-12-07", &oid, &eid), 0); /* none public */
    assert_int_equal(vcm_motd_get(f->s, "2026-13-07", &oid, &eid), -1);
    int64_t ids[3];
    for (int i = 0; i < 3; i++) {
        char sid[16];
        snprintf(sid, sizeof sid, "d%d", i);
        ids[i] = entry_ready(f, sid);
        assert_int_equal(step(f, ids[i], VCM_EA_SUBMIT), 0);
        assert_int_equal(step(f, ids[i], VCM_EA_PUBLISH), 0);
    }
    /* three days, three different masterpieces (none repeats in a year) */
    int64_t seen[3];
    const char *days[] = {"2026-12-01", "2026-12-02", "2026-12-03"};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(vcm_motd_get(f->s, days[i], &oid, &seen[i]), 1);
        for (int j = 0; j < i; j++)
            assert_int_not_equal(seen[i], seen[j]);
    }
    /* a past day never changes, even when its masterpiece is withdrawn */
    assert_int_equal(step(f, seen[0], VCM_EA_WITHDRAW), 0);
    assert_int_equal(vcm_motd_get(f->s, days[0], &oid, &eid), 1);
    assert_int_equal(eid, seen[0]);
    /* a second connection (another node) reads the same pick */
    char err[600];
    vcm_store *s2 = vcm_store_open(f->url, err, sizeof err);
    assert_non_null(s2);
    int64_t e2;
    assert_int_equal(vcm_motd_get(s2, "2026-12-04", &oid, &e2), 1);
    assert_int_equal(vcm_motd_get(f->s, "2026-12-04", &oid, &eid), 1);
    assert_int_equal(eid, e2);
    vcm_store_close(s2);
    vcm_motd *list;
    size_t n;
    assert_int_equal(vcm_motd_list(f->s, &f->a, "2026-12-03", 10, &list, &n), 0);
    assert_int_equal(n, 3);
    assert_string_equal(list[0].day, "2026-12-03");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_save_stale_revert, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_transition, setup, teardown),
        cmocka_unit_test_setup_teardown(test_published_stays_while_edited, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checks_and_waiver, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quota, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reimport_conflict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_statements_in_record, setup, teardown),
        cmocka_unit_test_setup_teardown(test_created_record, setup, teardown),
        cmocka_unit_test_setup_teardown(test_comments_and_mail, setup, teardown),
        cmocka_unit_test_setup_teardown(test_motd, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
