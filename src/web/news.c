/* News from the secretariat and the members: /network/news, one page per
 * item, the Atom feed /network/news.atom (model/ical.h), the form that
 * posts news, and /api/v1/network/news. The public author of an item is
 * its museum, or the secretariat: never the account that posted it. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "core/l10n.h"
#include "core/log.h"
#include "model/ical.h"
#include "store/governance.h"
#include "web/governance.h"
#include "core/banned.h"

#define NEWS_PAGE 50
#define NEWS_FEED 30
#define NEWS_TITLE_MAX 300
#define NEWS_BODY_MAX 20000

static const char *author(vcm_req *req, vcm_store *s, int64_t museum_id)
{
    vcm_museum m;
    if (museum_id && s->ops->museum_get(s, req->arena, museum_id, &m) == 1)
        return vcm_web_name(&m.names);
    return vcm_web_t(req, "news.secretariat");
}

static const char *iso(vcm_req *req, int64_t t)
{
    char s[32];
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || !strftime(s, sizeof s, "%Y-%m-%d", &tm))
        return "";
    return vcm_arena_strdup(req->arena, s);
}

static json_t *news_json(vcm_req *req, vcm_store *s, const vcm_news *n)
{
    json_t *j = json_object();
    json_object_set_new(j, "id", json_integer(n->id));
    json_object_set_new(j, "title", json_string(n->title));
    json_object_set_new(j, "body", json_string(n->body));
    json_object_set_new(j, "author", json_string(author(req, s, n->museum_id)));
    if (n->museum_id)
        json_object_set_new(j, "museum_id", json_integer(n->museum_id));
    json_object_set_new(j, "published", json_string(iso(req, n->published)));
    json_object_set_new(j, "demo", json_boolean(n->demo));
    json_object_set_new(j, "source", n->source ? json_string(n->source) : json_null());
    return j;
}

/* Pages show the day in the visitor's language beside the ISO date the
 * API and <time datetime> keep. */
static json_t *with_day(vcm_req *req, json_t *j, int64_t t)
{
    char day[96];
    vcm_l10n_day(vcm_web_lang(req), t, day, sizeof day);
    json_object_set_new(j, "published_text", json_string(day));
    return j;
}

int vcm_page_news(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    vcm_news *list;
    size_t n;
    if (vcm_news_list(s, req->arena, NEWS_PAGE, &list, &n) < 0)
        return vcm_web_store_error(req, resp, s);
    json_t *d = json_object(), *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, with_day(req, news_json(req, s, &list[i]), list[i].published));
    json_object_set_new(d, "items", items);
    json_object_set_new(d, "page_title", json_string(vcm_web_t(req, "news.title")));
    json_object_set_new(d, "meta_description", json_string(vcm_web_t(req, "news.intro")));
    return vcm_web_page(req, resp, "news", d);
}

int vcm_page_news_item(vcm_req *req, vcm_resp *resp)
{
    int64_t id = vcm_web_id(vcm_req_param(req, "id"));
    if (!id)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "news.missing"));
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    vcm_news n;
    int r = vcm_news_get(s, req->arena, id, &n);
    if (r < 0)
        return vcm_web_store_error(req, resp, s);
    if (r == 0)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "news.missing"));
    json_t *d = json_object();
    json_object_set_new(d, "item", with_day(req, news_json(req, s, &n), n.published));
    json_object_set_new(d, "page_title", json_string(n.title));
    return vcm_web_page(req, resp, "news_item", d);
}

int vcm_news_atom(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    vcm_news *list;
    size_t n;
    if (vcm_news_list(s, req->arena, NEWS_FEED, &list, &n) < 0)
        return vcm_web_store_error(req, resp, s);
    const char *base = vcm_web_base(req);
    vcm_atom_entry *e = vcm_arena_calloc(req->arena, n + 1, sizeof *e);
    if (!e)
        return -1;
    /* an empty feed is as old as the site's clock says: nothing newer */
    int64_t updated = n ? 0 : (int64_t)time(NULL);
    for (size_t i = 0; i < n; i++) {
        const char *url = vcm_arena_printf(req->arena, "%s/network/news/%lld", base,
                                           (long long)list[i].id);
        e[i] = (vcm_atom_entry){.id = url, .title = list[i].title, .summary = list[i].body,
                                .author = author(req, s, list[i].museum_id), .link = url,
                                .updated = list[i].updated, .published = list[i].published};
        if (list[i].updated > updated)
            updated = list[i].updated;
    }
    vcm_atom_feed f = {.id = vcm_arena_printf(req->arena, "%s/network/news", base),
                       .title = vcm_web_t(req, "news.title"),
                       .author = vcm_web_t(req, "news.secretariat"),
                       .self = vcm_arena_printf(req->arena, "%s/network/news.atom", base),
                       .alternate = vcm_arena_printf(req->arena, "%s/network/news", base),
                       .lang = "en",
                       .updated = updated};
    resp->content_type = "application/atom+xml; charset=utf-8";
    return vcm_atom_write(&resp->body, &f, e, n);
}

int vcm_api_news(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    vcm_news *list;
    size_t n;
    if (vcm_news_list(s, req->arena, NEWS_PAGE, &list, &n) < 0)
        return vcm_web_store_error(req, resp, s);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, news_json(req, s, &list[i]));
    return vcm_web_json(req, resp, 200, json_pack("{s:o}", "news", items));
}

/* The museums the user may post news for: the secretariat any (or none:
 * the secretariat's own news), a museum admin theirs. */
static json_t *form_doc(vcm_req *req, vcm_web_who *w)
{
    json_t *d = json_object();
    json_object_set_new(d, "csrf", json_string(w->csrf ? w->csrf : ""));
    json_object_set_new(d, "secretariat", json_boolean(w->user.role == VCM_ROLE_SECRETARIAT));
    json_object_set_new(d, "page_title", json_string(vcm_web_t(req, "news.post.title")));
    return d;
}

int vcm_news_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    json_t *d = form_doc(req, w);
    json_object_set_new(d, "form", json_object());
    json_object_set_new(d, "errors", json_object());
    return vcm_web_page(req, resp, "news_form", d);
}

/* Posts w's form: 0 (n->id), -3 bad input (errs), -4 not allowed, -1. */
static int post(vcm_req *req, vcm_web_who *w, vcm_news *n, json_t *errs)
{
    memset(n, 0, sizeof *n);
    n->title = vcm_gov_field(w, "title");
    n->body = vcm_gov_field(w, "body");
    int bad = 0;
    if (!*n->title || strlen(n->title) > NEWS_TITLE_MAX) {
        json_object_set_new(errs, "title", json_string(vcm_web_t(req, "news.error.title")));
        bad = 1;
    }
    if (!*n->body || strlen(n->body) > NEWS_BODY_MAX) {
        json_object_set_new(errs, "body", json_string(vcm_web_t(req, "news.error.body")));
        bad = 1;
    }
    if (bad)
        return -3;
    /* a museum admin posts for their museum; the secretariat as itself */
    n->museum_id = w->user.role == VCM_ROLE_SECRETARIAT ? 0 : w->user.museum_id;
    vcm_authz_res res = {.museum_id = n->museum_id};
    if (!vcm_authz_allow(&w->user, "news.post", &res))
        return -4;
    const char *actor = w->user.email ? w->user.email : "unknown";
    n->posted_by = actor;
    if (vcm_news_add(w->s, n, actor) < 0)
        return -1;
    vcm_gov_audit(w, "news.post", vcm_arena_printf(req->arena, "news %lld", (long long)n->id),
                  n->title);
    return 0;
}

int vcm_news_post(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_news n;
    json_t *errs = json_object();
    int rc = post(req, w, &n, errs);
    if (rc == 0) {
        json_decref(errs);
        resp->status = 303;
        vcm_resp_header(resp, req, "Location",
                        vcm_arena_printf(req->arena, "/network/news/%lld", (long long)n.id));
        return 0;
    }
    if (rc == -4 || rc == -1) {
        json_decref(errs);
        return rc == -4 ? vcm_web_error(req, resp, 403, vcm_web_t(req, "error.403"))
                        : vcm_web_store_error(req, resp, w->s);
    }
    json_t *d = form_doc(req, w);
    json_object_set_new(d, "form", json_pack("{s:s,s:s}", "title", vcm_gov_field(w, "title"),
                                             "body", vcm_gov_field(w, "body")));
    json_object_set_new(d, "errors", errs);
    resp->status = 400;
    return vcm_web_page(req, resp, "news_form", d);
}

int vcm_api_news_post(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_news n;
    json_t *errs = json_object();
    int rc = post(req, w, &n, errs);
    if (rc == -3) {
        json_t *d = json_pack("{s:s,s:i,s:s,s:o}", "title", vcm_web_t(req, "error.400.title"),
                              "status", 400, "detail", vcm_web_t(req, "news.error.form"),
                              "errors", errs);
        return vcm_web_json(req, resp, 400, d);
    }
    json_decref(errs);
    if (rc == -4)
        return vcm_web_error(req, resp, 403, vcm_web_t(req, "error.403"));
    if (rc < 0)
        return vcm_web_store_error(req, resp, w->s);
    return vcm_web_json(req, resp, 201, news_json(req, w->s, &n));
}
