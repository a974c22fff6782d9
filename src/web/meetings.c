/* Meetings on the site: General Conferences and Executive Committee
 * meetings (/network/meetings, /network/meetings/{id}), the iCalendar
 * feed of those to come (/network/meetings.ics, model/ical.h), and the
 * same under /api/v1/network/meetings, where the secretariat writes them. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "core/log.h"
#include "http/form.h"
#include "model/ical.h"
#include "store/governance.h"
#include "web/governance.h"
#include "core/banned.h"

#define MEETING_ITEMS_MAX 200
#define MEETING_PEOPLE_MAX 500

static json_t *str_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

static void today(vcm_gdate *d)
{
    char s[11];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(s, sizeof s, "%Y-%m-%d", &tm);
    vcm_gdate_parse(s, d);
}

/* Whether a meeting is still to come (or going on): its last day is today
 * or later. A meeting with no known date is not. */
static bool upcoming(const vcm_meeting *m, vcm_gdate now)
{
    vcm_gdate s, e;
    if (vcm_gdate_parse(m->start, &s) < 0 || vcm_gdate_parse(m->end, &e) < 0 || !s.y)
        return false;
    return vcm_gdate_last(e.y ? e : s) >= vcm_gdate_first(now);
}

static json_t *meeting_json(vcm_req *req, vcm_store *s, const vcm_meeting *m, bool full)
{
    json_t *j = json_object();
    json_object_set_new(j, "id", json_integer(m->id));
    json_object_set_new(j, "kind", json_string(m->kind));
    json_object_set_new(j, "kind_label",
                        json_string(vcm_web_t(req, vcm_arena_printf(req->arena, "meet.kind.%s",
                                                                    m->kind))));
    json_object_set_new(j, "number", m->number ? json_integer(m->number) : json_null());
    json_object_set_new(j, "title", json_string(m->title));
    json_object_set_new(j, "start", str_or_null(m->start));
    json_object_set_new(j, "end", str_or_null(m->end));
    json_object_set_new(j, "start_label", json_string(vcm_gov_date_label(req, m->start)));
    json_object_set_new(j, "city", str_or_null(m->city));
    json_object_set_new(j, "country", str_or_null(m->country));
    json_object_set_new(j, "host", str_or_null(m->host));
    if (m->host_museum_id)
        json_object_set_new(j, "host_museum_id", json_integer(m->host_museum_id));
    json_object_set_new(j, "theme", str_or_null(m->theme));
    json_object_set_new(j, "minutes", str_or_null(m->minutes));
    json_object_set_new(j, "demo", json_boolean(m->demo));
    json_object_set_new(j, "source", str_or_null(m->source));
    if (!full)
        return j;
    static const char *const kinds[] = {"session", "agenda", "document", "decision"};
    static const char *const lists[] = {"sessions", "agenda", "documents", "decisions"};
    for (size_t k = 0; k < 4; k++) {
        json_t *a = json_array();
        for (size_t i = 0; i < m->nitems; i++) {
            const vcm_meeting_item *it = &m->items[i];
            if (strcmp(it->kind, kinds[k]))
                continue;
            json_array_append_new(a, json_pack("{s:s,s:o,s:o,s:o}", "title", it->title, "who",
                                               str_or_null(it->who), "due", str_or_null(it->due),
                                               "url", str_or_null(it->url)));
        }
        json_object_set_new(j, lists[k], a);
    }
    static const char *const roles[] = {"participant", "speaker", "apologies"};
    static const char *const rlists[] = {"participants", "speakers", "apologies"};
    for (size_t k = 0; k < 3; k++) {
        json_t *a = json_array();
        for (size_t i = 0; i < m->npeople; i++)
            if (!strcmp(m->people[i].role, roles[k]))
                json_array_append_new(
                    a, json_pack("{s:I,s:s}", "person_id", (json_int_t)m->people[i].person_id,
                                 "name", vcm_gov_person_label(req, m->people[i].name)));
        json_object_set_new(j, rlists[k], a);
    }
    /* a quorum is known only where attendance was recorded */
    if (!strcmp(m->kind, "executive_committee") && m->npeople) {
        vcm_gov_body b;
        int64_t members = 0, present = 0;
        int q = -2;
        if (vcm_gov_body_by_key(s, req->arena, "executive_committee", &b) == 1)
            q = vcm_meeting_quorum(s, req->arena, m, b.id, &members, &present);
        if (q == -1) {
            json_decref(j);
            return NULL;
        }
        if (members > 0)
            json_object_set_new(j, "quorum", json_pack("{s:I,s:I,s:b}", "members",
                                                       (json_int_t)members, "present",
                                                       (json_int_t)present, "reached", q == 1));
    }
    return j;
}

int vcm_page_meetings(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    vcm_meeting *ms;
    size_t n;
    if (vcm_meeting_list(s, req->arena, NULL, &ms, &n) < 0)
        return vcm_web_store_error(req, resp, s);
    vcm_gdate now;
    today(&now);
    json_t *d = json_object(), *up = json_array(), *past = json_array();
    for (size_t i = n; i-- > 0;) /* soonest first */
        if (upcoming(&ms[i], now))
            json_array_append_new(up, meeting_json(req, s, &ms[i], false));
    for (size_t i = 0; i < n; i++)
        if (!upcoming(&ms[i], now))
            json_array_append_new(past, meeting_json(req, s, &ms[i], false));
    json_object_set_new(d, "upcoming", up);
    json_object_set_new(d, "past", past);
    json_object_set_new(d, "page_title", json_string(vcm_web_t(req, "meet.title")));
    json_object_set_new(d, "meta_description", json_string(vcm_web_t(req, "meet.intro")));
    return vcm_web_page(req, resp, "meetings", d);
}

/* The meeting of the route's id: 1 with *s and *m, or the answer given. */
static int load(vcm_req *req, vcm_resp *resp, vcm_store **s, vcm_meeting *m)
{
    int64_t id = vcm_web_id(vcm_req_param(req, "id"));
    *s = NULL;
    if (!id)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "meet.missing"));
    vcm_store *st = vcm_web_store(req, resp);
    if (!st)
        return 0;
    int r = vcm_meeting_get(st, req->arena, id, m);
    if (r < 0)
        return vcm_web_store_error(req, resp, st);
    if (r == 0)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "meet.missing"));
    *s = st;
    return 1;
}

int vcm_page_meeting(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s;
    vcm_meeting m;
    int lr = load(req, resp, &s, &m);
    if (lr != 1)
        return lr;
    json_t *mj = meeting_json(req, s, &m, true);
    if (!mj)
        return vcm_web_store_error(req, resp, s);
    json_t *d = json_object();
    json_object_set_new(d, "meeting", mj);
    json_object_set_new(d, "page_title", json_string(m.title));
    if (m.theme)
        json_object_set_new(d, "meta_description", json_string(m.theme));
    return vcm_web_page(req, resp, "meeting", d);
}

int vcm_meetings_ics(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    vcm_meeting *ms;
    size_t n;
    if (vcm_meeting_list(s, req->arena, NULL, &ms, &n) < 0)
        return vcm_web_store_error(req, resp, s);
    vcm_gdate now;
    today(&now);
    vcm_ical_event *ev = vcm_arena_calloc(req->arena, n + 1, sizeof *ev);
    if (!ev)
        return -1;
    /* the UID's domain: the site's host, never a value of the request's
     * that could vary from one fetch to the next */
    const char *base = vcm_web_base(req), *host = strstr(base, "://");
    host = host ? host + 3 : base;
    size_t k = 0;
    for (size_t i = n; i-- > 0;) {
        const vcm_meeting *m = &ms[i];
        if (!upcoming(m, now))
            continue;
        vcm_ical_event *e = &ev[k++];
        e->uid = vcm_arena_printf(req->arena, "meeting-%lld@%s", (long long)m->id, host);
        vcm_gdate_parse(m->start, &e->start);
        vcm_gdate_parse(m->end, &e->end);
        e->summary = m->title;
        e->location = m->city && m->host ? vcm_arena_printf(req->arena, "%s, %s", m->host, m->city)
                      : m->city          ? m->city
                                         : m->host;
        e->description = m->theme;
        e->url = vcm_arena_printf(req->arena, "%s/network/meetings/%lld", base, (long long)m->id);
    }
    resp->content_type = "text/calendar; charset=utf-8";
    if (vcm_ical_write(&resp->body, "-//VCM//Network meetings//EN", vcm_web_t(req, "meet.title"),
                       (int64_t)time(NULL), ev, k) < 0)
        return -1;
    return 0;
}

int vcm_api_meetings(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    vcm_meeting *ms;
    size_t n;
    if (vcm_meeting_list(s, req->arena, NULL, &ms, &n) < 0)
        return vcm_web_store_error(req, resp, s);
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, meeting_json(req, s, &ms[i], false));
    return vcm_web_json(req, resp, 200, json_pack("{s:o}", "meetings", list));
}

int vcm_api_meeting(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s;
    vcm_meeting m;
    int lr = load(req, resp, &s, &m);
    if (lr != 1)
        return lr;
    json_t *d = meeting_json(req, s, &m, true);
    return d ? vcm_web_json(req, resp, 200, d) : vcm_web_store_error(req, resp, s);
}

/* The i-th value of a repeated form field, or NULL. */
static const char *nth(vcm_web_who *w, const char *name, size_t i)
{
    for (int k = 0; k < w->form.n; k++)
        if (!strcmp(w->form.pairs[k].name, name) && i-- == 0)
            return w->form.pairs[k].value;
    return NULL;
}

static size_t count(vcm_web_who *w, const char *name)
{
    size_t n = 0;
    for (int k = 0; k < w->form.n; k++)
        n += !strcmp(w->form.pairs[k].name, name);
    return n;
}

static const char *opt(vcm_web_who *w, const char *name)
{
    const char *v = vcm_gov_field(w, name);
    return *v ? v : NULL;
}

static const char *opt_nth(vcm_web_who *w, const char *name, size_t i)
{
    const char *v = nth(w, name, i);
    return v && *v ? v : NULL;
}

/* POST /api/v1/network/meetings (new) and …/meetings/{id} (replace): the
 * fields of a meeting, its items as repeated item_kind, item_title,
 * item_who, item_due, item_url (the n-th of each together), its people as
 * repeated person and role. */
int vcm_api_meeting_put(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    const char *idp = vcm_req_param(req, "id");
    vcm_meeting m = {0};
    if (idp && !(m.id = vcm_web_id(idp)))
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "meet.missing"));
    const char *number = vcm_gov_field(w, "number");
    int64_t num = *number ? vcm_web_id(number) : 0;
    int64_t host = vcm_gov_field_id(w, "host_museum");
    if ((*number && (num <= 0 || num > 1000)) || host < 0)
        return vcm_web_error(req, resp, 400, vcm_web_t(req, "meet.error.field"));
    m.kind = vcm_gov_field(w, "kind");
    m.number = (int)num;
    m.title = vcm_gov_field(w, "title");
    m.start = opt(w, "start");
    m.end = opt(w, "end");
    m.city = opt(w, "city");
    m.country = opt(w, "country");
    m.host = opt(w, "host");
    m.host_museum_id = host > 0 ? host : 0;
    m.theme = opt(w, "theme");
    m.minutes = opt(w, "minutes");
    size_t ni = count(w, "item_kind"), np = count(w, "person");
    if (ni > MEETING_ITEMS_MAX || np > MEETING_PEOPLE_MAX || count(w, "role") != np ||
        count(w, "item_title") != ni)
        return vcm_web_error(req, resp, 400, vcm_web_t(req, "meet.error.items"));
    m.items = vcm_arena_calloc(req->arena, ni + 1, sizeof *m.items);
    m.people = vcm_arena_calloc(req->arena, np + 1, sizeof *m.people);
    if (!m.items || !m.people)
        return -1;
    for (size_t i = 0; i < ni; i++)
        m.items[i] = (vcm_meeting_item){nth(w, "item_kind", i), nth(w, "item_title", i),
                                        opt_nth(w, "item_who", i), opt_nth(w, "item_due", i),
                                        opt_nth(w, "item_url", i)};
    for (size_t i = 0; i < np; i++) {
        m.people[i].person_id = vcm_web_id(nth(w, "person", i));
        m.people[i].role = nth(w, "role", i);
        if (!m.people[i].person_id)
            return vcm_web_error(req, resp, 400, vcm_web_t(req, "meet.error.items"));
    }
    m.nitems = ni;
    m.npeople = np;
    const char *actor = w->user.email ? w->user.email : "unknown";
    int rc = vcm_meeting_put(w->s, &m, actor);
    if (rc == 0)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "meet.missing"));
    if (rc == -2)
        return vcm_web_error(req, resp, 409, vcm_web_t(req, "meet.error.number"));
    if (rc < 0) {
        /* a kind, a date or a person the store refused: the log names which */
        vcm_warn("meeting refused by the store", "error=\"%s\"", vcm_store_error(w->s));
        return vcm_web_error(req, resp, 400, vcm_web_t(req, "meet.error.field"));
    }
    vcm_gov_audit(w, "meeting.edit", vcm_arena_printf(req->arena, "meeting %lld", (long long)m.id),
                  m.title);
    vcm_meeting g;
    if (vcm_meeting_get(w->s, req->arena, m.id, &g) != 1)
        return vcm_web_store_error(req, resp, w->s);
    json_t *d = meeting_json(req, w->s, &g, true);
    return d ? vcm_web_json(req, resp, idp ? 200 : 201, d) : vcm_web_store_error(req, resp, w->s);
}
