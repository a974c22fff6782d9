/* Visitors' collections: /my and what hangs from it (web/my.h,
 * docs/curation.md "Visitors' collections").
 *
 * Design:
 * - Owner: a signed-in user's collections are the account's; anyone else's
 *   are the visitor cookie's. The cookie is a capability (as a mailed link
 *   is): whoever holds it holds the collections, so it is HttpOnly,
 *   SameSite=Lax, Secure over TLS, and the store knows only its SHA-256.
 *   On sign-in the cookie's collections move to the account
 *   (vcm_my_attach_login) and the cookie is dropped.
 * - Who may see a collection: its owner always; anyone with its share
 *   link when it is "link" or "published"; anyone when it is "published"
 *   and an editor approved it. Only an account may share or publish (a
 *   cookie is too easily lost to hand out links to). A collection the
 *   visitor does not own answers 404, as one that does not exist does.
 * - Saving works without JavaScript: the object page's form posts here;
 *   a visitor who has no CSRF cookie yet goes through /my/save (a GET
 *   that sets it) first.
 * - Export: a IIIF Presentation 3.0 Collection whose items are the
 *   objects' manifests and, for a detail, a manifest of the detail
 *   (/my/detail/…): a Collection may only hold Manifests and Collections,
 *   so the canvas fragment (xywh) of the detail is that manifest's start. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/token.h"
#include "http/cookie.h"
#include "http/form.h"
#include "store/my.h"
#include "store/outbox.h"
#include "web/my.h"
#include "core/banned.h"

#define IIIF_TYPE                                                                             \
    "application/ld+json;profile=\"http://iiif.io/api/presentation/3/context.json\""

/* ---- helpers ---------------------------------------------------------------- */

static bool secure_site(vcm_req *req)
{
    const vcm_app *app = vcm_web_app(req);
    if (app && app->cfg && strncmp(app->cfg->base_url, "https:", 6) == 0)
        return true;
    const char *proto = vcm_req_header(req, "X-Forwarded-Proto");
    return proto && strcmp(proto, "https") == 0 && vcm_req_from_loopback(req);
}

static int redirect(vcm_req *req, vcm_resp *resp, const char *to)
{
    resp->status = 303;
    vcm_resp_header(resp, req, "Location", to);
    return 0;
}

static const char *field(vcm_web_who *w, const char *name)
{
    const char *v = vcm_form_get(&w->form, name);
    return v ? v : "";
}

static json_t *page(vcm_req *req, vcm_web_who *w, const char *title_key)
{
    json_t *d = json_object();
    json_object_set_new(d, "page_title", json_string(vcm_web_t(req, title_key)));
    json_object_set_new(d, "noindex", json_true());
    json_object_set_new(d, "csrf", json_string(w->csrf ? w->csrf : ""));
    json_object_set_new(d, "signed_in", json_boolean(w->user.id != 0));
    json_object_set_new(d, "editor", json_boolean(vcm_authz_allow(&w->user, "my.review", NULL)));
    return d;
}

static int render(vcm_req *req, vcm_resp *resp, int status, const char *tpl, json_t *d)
{
    if (vcm_web_page(req, resp, tpl, d) < 0)
        return -1;
    resp->status = status;
    return 0;
}

static int not_found(vcm_req *req, vcm_resp *resp)
{
    return vcm_web_error(req, resp, 404, vcm_web_t(req, "my.missing"));
}

static bool hex32(const char *s)
{
    if (!s || strlen(s) != 32)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

static const char *digest(vcm_req *req, const char *token)
{
    char *h = vcm_arena_alloc(req->arena, VCM_TOKEN_HEX);
    if (h)
        vcm_token_digest(token, h);
    return h;
}

const char *vcm_my_visitor(vcm_req *req)
{
    const char *c = vcm_req_cookie(req, VCM_VISITOR_COOKIE);
    return hex32(c) ? digest(req, c) : NULL;
}

/* 128 random bits as 32 hex digits, from the request's arena. */
static char *secret128(vcm_req *req)
{
    unsigned char raw[16];
    char *t = vcm_arena_alloc(req->arena, 33);
    if (!t || sodium_init() < 0)
        return NULL;
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(t, 33, raw, sizeof raw);
    return t;
}

const char *vcm_my_visitor_make(vcm_req *req, vcm_resp *resp)
{
    const char *h = vcm_my_visitor(req);
    if (h)
        return h;
    char *t = secret128(req);
    if (!t || vcm_resp_cookie(resp, req, VCM_VISITOR_COOKIE, t, VCM_VISITOR_TTL,
                              secure_site(req)) < 0)
        return NULL;
    return digest(req, t);
}

static vcm_my_owner owner_of(vcm_req *req, vcm_web_who *w)
{
    vcm_my_owner o = {0};
    if (w->user.id)
        o.user_id = w->user.id;
    else
        o.visitor = vcm_my_visitor(req);
    return o;
}

/* What a collection is to the request's authorisation: its account, and
 * whether the request holds the cookie that owns it. */
static vcm_authz_res res_of(vcm_req *req, vcm_web_who *w, const vcm_my_list *l)
{
    vcm_my_owner o = owner_of(req, w);
    vcm_authz_res r = {.user_id = l->user_id};
    r.holder = !l->user_id && o.visitor && vcm_my_owns(l, &o);
    return r;
}

/* The collection of the route's {id} if the request may act on it as its
 * owner (1); otherwise 0 with a 404 in resp. */
static int load_own(vcm_req *req, vcm_resp *resp, vcm_web_who *w, const char *action,
                    vcm_my_list *l)
{
    int64_t id = vcm_web_id(vcm_req_param(req, "id"));
    int rc = id ? vcm_my_list_get(w->s, req->arena, id, l) : 0;
    if (rc < 0)
        return vcm_web_store_error(req, resp, w->s), 0;
    vcm_authz_res r;
    if (rc == 1)
        r = res_of(req, w, l);
    if (rc == 0 || !vcm_authz_allow(&w->user, action, &r))
        return not_found(req, resp), 0;
    return 1;
}

void vcm_my_attach_login(vcm_req *req, vcm_web_who *w)
{
    const char *v = vcm_my_visitor(req);
    int64_t moved = 0;
    if (!v || !w->user.id)
        return;
    if (vcm_my_attach(w->s, v, w->user.id, &moved) < 0)
        vcm_error("cannot give a visitor's collections to an account", "user=%lld error=\"%s\"",
                  (long long)w->user.id, vcm_store_error(w->s));
    else if (moved)
        vcm_info("collections given to an account", "user=%lld collections=%lld",
                 (long long)w->user.id, (long long)moved);
}

/* ---- JSON of collections and items ------------------------------------------- */

/* The object of an item if it is public (1), 0 when it is gone or not
 * public (the item is then left out of every view). */
static int item_object(vcm_req *req, vcm_store *s, const vcm_my_item *it, vcm_object *o)
{
    int rc = s->ops->object_get(s, req->arena, it->object_id, o);
    if (rc == 1 && o->status != VCM_PUBLISHED)
        rc = 0;
    return rc;
}

static const vcm_media *item_media(const vcm_my_item *it, const vcm_object *o)
{
    if (!it->media)
        return NULL;
    for (size_t i = 0; i < o->nmedia; i++)
        if (strcmp(o->media[i].identifier, it->media) == 0)
            return &o->media[i];
    return NULL;
}

/* The language of the title vcm_web_title picks, for the lang attribute
 * beside it: a record's title is often in another language than the page. */
const char *vcm_web_title_lang(const vcm_req *req, const vcm_object *o)
{
    const char *ui = vcm_web_lang_entry(req)->tag;
    const vcm_ltext *t = vcm_ltexts_pick(&o->title, ui);
    return t && t->lang ? t->lang : ui;
}

static json_t *items_json(vcm_req *req, vcm_store *s, const vcm_my_item *items, size_t n,
                          int *err)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        const vcm_my_item *it = &items[i];
        vcm_object o;
        int rc = item_object(req, s, it, &o);
        if (rc < 0) {
            *err = -1;
            return a;
        }
        if (rc == 0)
            continue;
        json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:s*, s:b, s:b}", "id", (json_int_t)it->id,
                              "object_id", (json_int_t)o.id, "title", vcm_web_title(req, &o), "href",
                              vcm_web_href(req, vcm_arena_printf(req->arena, "/objects/%lld", (long long)o.id)),
                              "note", it->note, "first", i == 0, "last", i + 1 == n);
        json_object_set_new(j, "title_lang", json_string(vcm_web_title_lang(req, &o)));
        const vcm_media *m = item_media(it, &o);
        const vcm_media *shown = m ? m : o.nmedia ? &o.media[0] : NULL;
        const char *svc = shown ? vcm_web_iiif_path(req, shown->identifier) : NULL;
        if (svc)
            json_object_set_new(j, "image",
                                json_string(vcm_arena_printf(req->arena,
                                                             "%s/%s/!400,400/0/default.jpg", svc,
                                                             m && it->region ? it->region
                                                                             : "full")));
        if (m && it->region)
            json_object_set_new(j, "region", json_string(it->region));
        json_array_append_new(a, j);
    }
    return a;
}

static json_t *list_json(vcm_req *req, const vcm_my_list *l)
{
    const char *vis = vcm_arena_printf(req->arena, "my.visibility.%s", l->visibility);
    const char *rev = vcm_arena_printf(req->arena, "my.reviewstate.%s", l->review);
    return json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:b}", "id",
                     (json_int_t)l->id, "name", l->name, "items", (json_int_t)l->items,
                     "visibility", l->visibility, "visibility_label", vcm_web_t(req, vis),
                     "review", l->review, "review_label", vcm_web_t(req, rev), "href",
                     vcm_web_href(req, vcm_arena_printf(req->arena, "/my/lists/%lld", (long long)l->id)),
                     "shared",
                     l->shared, "published", vcm_my_public(l));
}

/* Whether the editors have been asked about l (a badge says where it is). */
static bool offered(const vcm_my_list *l)
{
    return strcmp(l->review, "none") != 0;
}

/* ---- IIIF ------------------------------------------------------------------------ */

static json_t *lmap(const char *lang, const char *s)
{
    return json_pack("{s:[s]}", lang, s);
}

/* A IIIF Presentation 3.0 Collection of the items, with id `id`. */
static json_t *iiif_collection(vcm_req *req, vcm_store *s, const vcm_my_list *l,
                               const vcm_my_item *items, size_t n, const char *id, int *err)
{
    const char *base = vcm_web_base(req);
    json_t *c = json_pack("{s:s, s:s, s:s, s:o}", "@context",
                          "http://iiif.io/api/presentation/3/context.json", "id", id, "type",
                          "Collection", "label", lmap("none", l->name));
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        const vcm_my_item *it = &items[i];
        vcm_object o;
        int rc = item_object(req, s, it, &o);
        if (rc < 0) {
            *err = -1;
            break;
        }
        if (rc == 0)
            continue;
        const vcm_media *m = item_media(it, &o);
        const char *title = vcm_web_title(req, &o);
        json_t *ref;
        if (m && it->region) {
            size_t k = (size_t)(m - o.media) + 1;
            ref = json_pack("{s:s, s:s, s:o}", "id",
                            vcm_arena_printf(req->arena, "%s/my/detail/%lld/%zu/%s", base,
                                             (long long)o.id, k, it->region),
                            "type", "Manifest", "label",
                            lmap("none", vcm_web_tf(req, "my.detail_of", title)));
        } else {
            ref = json_pack("{s:s, s:s, s:o}", "id",
                            vcm_arena_printf(req->arena, "%s/iiif/manifest/%lld", base,
                                             (long long)o.id),
                            "type", "Manifest", "label", lmap("none", title));
        }
        if (it->note && *it->note)
            json_object_set_new(ref, "summary", lmap("none", it->note));
        json_array_append_new(a, ref);
    }
    json_object_set_new(c, "items", a);
    return c;
}

static int send_collection(vcm_req *req, vcm_resp *resp, vcm_web_who *w, const vcm_my_list *l,
                           const char *path)
{
    vcm_my_item *items;
    size_t n;
    if (vcm_my_items(w->s, req->arena, l->id, &items, &n) < 0)
        return vcm_web_store_error(req, resp, w->s);
    int err = 0;
    json_t *c = iiif_collection(req, w->s, l, items, n,
                                vcm_arena_printf(req->arena, "%s%s", vcm_web_base(req), path),
                                &err);
    if (err < 0) {
        json_decref(c);
        return vcm_web_store_error(req, resp, w->s);
    }
    int rc = vcm_web_json(req, resp, 200, c);
    resp->content_type = IIIF_TYPE;
    return rc;
}

int vcm_my_detail_manifest(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s;
    vcm_object o;
    if (vcm_web_load_object(req, resp, &s, &o) <= 0)
        return 0;
    char *end;
    const char *ns = vcm_req_param(req, "n");
    long k = strtol(ns, &end, 10);
    if (*end || k < 1 || (size_t)k > o.nmedia)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "my.missing"));
    const vcm_media *m = &o.media[k - 1];
    vcm_iiif_req r;
    if (vcm_iiif_parse(vcm_req_param(req, "region"), "max", "0", "default.jpg", m->width,
                       m->height, NULL, &r, NULL) != 0)
        return vcm_web_error(req, resp, 400, vcm_web_t(req, "my.error.region"));
    const char *base = vcm_web_base(req);
    const char *id = vcm_arena_printf(req->arena, "%s/my/detail/%lld/%ld/%d,%d,%d,%d", base,
                                      (long long)o.id, k, r.rx, r.ry, r.rw, r.rh);
    const char *svc = vcm_arena_printf(req->arena, "%s%s", base,
                                       vcm_web_iiif_path(req, m->identifier));
    const char *canvas = vcm_arena_printf(req->arena, "%s/canvas", id);
    const char *object_canvas = vcm_arena_printf(req->arena, "%s/iiif/manifest/%lld/canvas/%ld",
                                                 base, (long long)o.id, k);
    json_t *body = json_pack(
        "{s:s, s:s, s:s, s:i, s:i, s:[{s:s, s:s, s:s}]}", "id",
        vcm_arena_printf(req->arena, "%s/%d,%d,%d,%d/max/0/default.jpg", svc, r.rx, r.ry, r.rw,
                         r.rh),
        "type", "Image", "format", "image/jpeg", "width", r.w, "height", r.h, "service", "id",
        svc, "type", "ImageService3", "profile", "level2");
    json_t *anno = json_pack("{s:s, s:s, s:s, s:o, s:s}", "id",
                             vcm_arena_printf(req->arena, "%s/annotation", id), "type",
                             "Annotation", "motivation", "painting", "body", body, "target",
                             canvas);
    json_t *pagej = json_pack("{s:s, s:s, s:[o]}", "id",
                              vcm_arena_printf(req->arena, "%s/page", id), "type",
                              "AnnotationPage", "items", anno);
    json_t *cv = json_pack("{s:s, s:s, s:i, s:i, s:[o]}", "id", canvas, "type", "Canvas",
                           "width", r.w, "height", r.h, "items", pagej);
    json_t *man = json_pack(
        "{s:s, s:s, s:s, s:o, s:[o], s:{s:s, s:s, s:{s:s, s:s, s:s}}, s:[{s:s, s:s, s:o, s:s}]}",
        "@context", "http://iiif.io/api/presentation/3/context.json", "id", id, "type",
        "Manifest", "label", lmap("none", vcm_web_tf(req, "my.detail_of", vcm_web_title(req, &o))),
        "items", cv, "start", "type", "SpecificResource", "source", object_canvas, "selector",
        "type", "FragmentSelector", "conformsTo", "http://www.w3.org/TR/media-frags/", "value",
        vcm_arena_printf(req->arena, "xywh=%d,%d,%d,%d", r.rx, r.ry, r.rw, r.rh), "homepage",
        "id", vcm_arena_printf(req->arena, "%s/objects/%lld", base, (long long)o.id), "type",
        "Text", "label", lmap("none", vcm_web_title(req, &o)), "format", "text/html");
    int rc = vcm_web_json(req, resp, 200, man);
    resp->content_type = IIIF_TYPE;
    return rc;
}

/* ---- /my ----------------------------------------------------------------------- */

int vcm_my_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_my_owner o = owner_of(req, w);
    json_t *d = page(req, w, "my.title");
    json_t *lists = json_array();
    if (o.user_id || o.visitor) {
        vcm_my_list *l;
        size_t n;
        if (vcm_my_lists(w->s, req->arena, &o, &l, &n) < 0) {
            json_decref(d);
            json_decref(lists);
            return vcm_web_store_error(req, resp, w->s);
        }
        for (size_t i = 0; i < n; i++)
            json_array_append_new(lists, list_json(req, &l[i]));
    }
    json_object_set_new(d, "lists", lists);
    json_object_set_new(d, "name", json_string(""));
    json_object_set_new(d, "errors", json_object());
    return render(req, resp, 200, "my", d);
}

/* A collection's name from the form: trimmed, 1 to VCM_MY_NAME_MAX bytes;
 * NULL with the catalogue key of the reason in *why. */
static const char *list_name(vcm_req *req, const char *v, const char **why)
{
    while (*v == ' ')
        v++;
    size_t n = strlen(v);
    while (n && v[n - 1] == ' ')
        n--;
    if (!n) {
        *why = "my.error.name";
        return NULL;
    }
    if (n > VCM_MY_NAME_MAX) {
        *why = "my.error.name_long";
        return NULL;
    }
    return vcm_arena_strndup(req->arena, v, n);
}

int vcm_my_list_create(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    const char *why = NULL;
    const char *name = list_name(req, field(w, "name"), &why);
    if (!name) {
        json_t *d = page(req, w, "my.title");
        json_object_set_new(d, "lists", json_array());
        json_object_set_new(d, "name", json_string(field(w, "name")));
        json_object_set_new(d, "errors", json_pack("{s:s}", "name", vcm_web_t(req, why)));
        return render(req, resp, 400, "my", d);
    }
    vcm_my_owner o = owner_of(req, w);
    if (!o.user_id && !(o.visitor = vcm_my_visitor_make(req, resp)))
        return -1;
    int64_t id;
    int rc = vcm_my_list_add(w->s, &o, name, &id);
    if (rc == -2)
        return vcm_web_error(req, resp, 409, vcm_web_t(req, "my.error.too_many"));
    if (rc < 0)
        return vcm_web_store_error(req, resp, w->s);
    return redirect(req, resp, vcm_arena_printf(req->arena, "/my/lists/%lld", (long long)id));
}

/* ---- saving an object ---------------------------------------------------------- */

static json_t *save_data(vcm_req *req, vcm_web_who *w, const vcm_object *o, json_t *errors)
{
    json_t *d = page(req, w, "my.save.title");
    json_object_set_new(
        d, "object",
        json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)o->id, "title", vcm_web_title(req, o),
                  "title_lang", vcm_web_title_lang(req, o), "href",
                  vcm_web_href(req, vcm_arena_printf(req->arena, "/objects/%lld", (long long)o->id))));
    json_t *imgs = json_array();
    for (size_t i = 0; i < o->nmedia; i++)
        json_array_append_new(imgs, json_pack("{s:I, s:s, s:i, s:i}", "n", (json_int_t)(i + 1),
                                              "label",
                                              o->media[i].label && *o->media[i].label
                                                  ? o->media[i].label
                                                  : vcm_arena_printf(req->arena, "%zu", i + 1),
                                              "width", o->media[i].width, "height",
                                              o->media[i].height));
    json_object_set_new(d, "images", imgs);
    vcm_my_owner ow = owner_of(req, w);
    json_t *lists = json_array();
    if (ow.user_id || ow.visitor) {
        vcm_my_list *l;
        size_t n;
        if (vcm_my_lists(w->s, req->arena, &ow, &l, &n) == 0)
            for (size_t i = 0; i < n; i++)
                json_array_append_new(lists, list_json(req, &l[i]));
    }
    json_object_set_new(d, "lists", lists);
    json_object_set_new(d, "form", json_pack("{s:s, s:s, s:s, s:s}", "note", field(w, "note"),
                                              "region", field(w, "region"), "new_name",
                                              field(w, "new_name"), "image", field(w, "image")));
    json_object_set_new(d, "errors", errors ? errors : json_object());
    return d;
}

static int load_object_field(vcm_req *req, vcm_resp *resp, vcm_store *s, const char *v,
                             vcm_object *o)
{
    int64_t id = vcm_web_id(v);
    int rc = id ? s->ops->object_get(s, req->arena, id, o) : 0;
    if (rc < 0)
        return vcm_web_store_error(req, resp, s), 0;
    if (rc == 0 || o->status != VCM_PUBLISHED)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "object.missing")), 0;
    return 1;
}

int vcm_my_save_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_object o;
    const char *id = vcm_req_query_get(req, "object");
    if (!load_object_field(req, resp, w->s, id ? id : "", &o))
        return 0;
    json_t *d = save_data(req, w, &o, NULL);
    const char *region = vcm_req_query_get(req, "region");
    if (region)
        json_object_set_new(json_object_get(d, "form"), "region", json_string(region));
    return render(req, resp, 200, "my_save", d);
}

int vcm_my_item_add_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_object o;
    if (!load_object_field(req, resp, w->s, field(w, "object"), &o))
        return 0;
    json_t *errors = json_object();
    vcm_my_item it = {.object_id = o.id};
    /* a detail: an image of the object and a region of it */
    const char *region = field(w, "region");
    if (*region) {
        char *end;
        long k = strtol(*field(w, "image") ? field(w, "image") : "1", &end, 10);
        vcm_iiif_req r;
        if (*end || k < 1 || (size_t)k > o.nmedia)
            json_object_set_new(errors, "image", json_string(vcm_web_t(req, "my.error.image")));
        else if (vcm_iiif_parse(region, "max", "0", "default.jpg", o.media[k - 1].width,
                                o.media[k - 1].height, NULL, &r, NULL) != 0 ||
                 strncmp(region, "full", 4) == 0 || strncmp(region, "square", 6) == 0)
            json_object_set_new(errors, "region", json_string(vcm_web_t(req, "my.error.region")));
        else {
            it.media = o.media[k - 1].identifier;
            it.region = vcm_arena_printf(req->arena, "%d,%d,%d,%d", r.rx, r.ry, r.rw, r.rh);
        }
    }
    const char *note = field(w, "note");
    if (strlen(note) > VCM_MY_NOTE_MAX)
        json_object_set_new(errors, "note", json_string(vcm_web_t(req, "my.error.note")));
    it.note = note;
    /* which collection: one of the visitor's, or a new one */
    vcm_my_owner ow = owner_of(req, w);
    const char *list = field(w, "list");
    int64_t list_id = strcmp(list, "new") == 0 || !*list ? 0 : vcm_web_id(list);
    vcm_my_list l;
    if (!*list && (ow.user_id || ow.visitor)) {
        /* the object page's one button: the visitor's first collection */
        vcm_my_list *all;
        size_t n;
        if (vcm_my_lists(w->s, req->arena, &ow, &all, &n) < 0) {
            json_decref(errors);
            return vcm_web_store_error(req, resp, w->s);
        }
        if (n)
            list_id = all[0].id;
    }
    const char *name = NULL, *why = NULL;
    if (list_id) {
        int rc = vcm_my_list_get(w->s, req->arena, list_id, &l);
        if (rc < 0) {
            json_decref(errors);
            return vcm_web_store_error(req, resp, w->s);
        }
        vcm_authz_res r = rc ? res_of(req, w, &l) : (vcm_authz_res){0};
        if (!rc || !vcm_authz_allow(&w->user, "my.edit", &r))
            json_object_set_new(errors, "list", json_string(vcm_web_t(req, "my.error.list")));
    } else {
        const char *nn = field(w, "new_name");
        name = list_name(req, *nn ? nn : vcm_web_t(req, "my.default_name"), &why);
        if (!name)
            json_object_set_new(errors, "new_name", json_string(vcm_web_t(req, why)));
    }
    if (json_object_size(errors))
        return render(req, resp, 400, "my_save", save_data(req, w, &o, errors));
    json_decref(errors);
    if (!ow.user_id && !(ow.visitor = vcm_my_visitor_make(req, resp)))
        return -1;
    if (!list_id) {
        int rc = vcm_my_list_add(w->s, &ow, name, &list_id);
        if (rc == -2)
            return vcm_web_error(req, resp, 409, vcm_web_t(req, "my.error.too_many"));
        if (rc < 0)
            return vcm_web_store_error(req, resp, w->s);
    }
    int64_t item;
    int rc = vcm_my_item_add(w->s, list_id, &it, &item);
    if (rc == -2)
        return vcm_web_error(req, resp, 409, vcm_web_t(req, "my.error.full"));
    if (rc < 0)
        return vcm_web_store_error(req, resp, w->s);
    return redirect(req, resp,
                    vcm_arena_printf(req->arena, "/my/lists/%lld?added=1", (long long)list_id));
}

/* ---- one collection ---------------------------------------------------------------- */

static int show_list(vcm_req *req, vcm_resp *resp, vcm_web_who *w, const vcm_my_list *l,
                     bool own, const char *share_url, const char *iiif)
{
    vcm_my_item *items;
    size_t n;
    if (vcm_my_items(w->s, req->arena, l->id, &items, &n) < 0)
        return vcm_web_store_error(req, resp, w->s);
    int err = 0;
    json_t *d = page(req, w, "my.list.title");
    json_object_set_new(d, "page_title", json_string(l->name));
    json_object_set_new(d, "list", list_json(req, l));
    json_object_set_new(json_object_get(d, "list"), "offered", json_boolean(offered(l)));
    json_object_set_new(d, "items", items_json(req, w->s, items, n, &err));
    if (err < 0) {
        json_decref(d);
        return vcm_web_store_error(req, resp, w->s);
    }
    json_object_set_new(d, "own", json_boolean(own));
    json_object_set_new(d, "iiif", json_string(iiif));
    if (share_url)
        json_object_set_new(d, "share_url", json_string(share_url));
    if (own && vcm_req_query_get(req, "added"))
        json_object_set_new(d, "notice", json_string(vcm_web_t(req, "my.added")));
    const char *vis[] = {"private", "link", "published"};
    json_t *opts = json_array();
    for (size_t i = 0; i < 3; i++)
        json_array_append_new(opts, json_pack("{s:s, s:s, s:b}", "value", vis[i], "label",
                                              vcm_web_t(req, vcm_arena_printf(
                                                                 req->arena, "my.visibility.%s",
                                                                 vis[i])),
                                              "selected", strcmp(l->visibility, vis[i]) == 0));
    json_object_set_new(d, "visibilities", opts);
    json_object_set_new(d, "can_share", json_boolean(own && w->user.id != 0));
    return render(req, resp, 200, "my_list", d);
}

int vcm_my_list_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_my_list l;
    if (!load_own(req, resp, w, "my.read", &l))
        return 0;
    return show_list(req, resp, w, &l, true, NULL,
                     vcm_arena_printf(req->arena, "/my/lists/%lld/collection.json",
                                      (long long)l.id));
}

int vcm_my_list_iiif(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_my_list l;
    if (!load_own(req, resp, w, "my.read", &l))
        return 0;
    return send_collection(req, resp, w, &l,
                           vcm_arena_printf(req->arena, "/my/lists/%lld/collection.json",
                                            (long long)l.id));
}

int vcm_my_list_edit(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_my_list l;
    if (!load_own(req, resp, w, "my.edit", &l))
        return 0;
    const char *op = field(w, "op");
    if (strcmp(op, "delete") == 0) {
        if (vcm_my_list_delete(w->s, l.id) < 0)
            return vcm_web_store_error(req, resp, w->s);
        return redirect(req, resp, "/my");
    }
    if (strcmp(op, "rename") != 0)
        return vcm_web_error(req, resp, 400, vcm_web_t(req, "error.400"));
    const char *why = NULL, *name = list_name(req, field(w, "name"), &why);
    if (!name)
        return vcm_web_error(req, resp, 400, vcm_web_t(req, why));
    if (vcm_my_list_rename(w->s, l.id, name) < 0)
        return vcm_web_store_error(req, resp, w->s);
    return redirect(req, resp, vcm_arena_printf(req->arena, "/my/lists/%lld", (long long)l.id));
}

int vcm_my_item_edit(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_my_list l;
    if (!load_own(req, resp, w, "my.edit", &l))
        return 0;
    int64_t item = vcm_web_id(vcm_req_param(req, "item"));
    const char *op = field(w, "op");
    int rc;
    if (strcmp(op, "up") == 0 || strcmp(op, "down") == 0)
        rc = vcm_my_item_move(w->s, l.id, item, op[0] == 'u' ? -1 : 1);
    else if (strcmp(op, "remove") == 0)
        rc = vcm_my_item_remove(w->s, l.id, item);
    else if (strcmp(op, "note") == 0) {
        const char *note = field(w, "note");
        if (strlen(note) > VCM_MY_NOTE_MAX)
            return vcm_web_error(req, resp, 400, vcm_web_t(req, "my.error.note"));
        rc = vcm_my_item_note(w->s, l.id, item, note);
    } else
        return vcm_web_error(req, resp, 400, vcm_web_t(req, "error.400"));
    if (rc < 0)
        return vcm_web_store_error(req, resp, w->s);
    /* moving the first item up does nothing, and says nothing */
    if (rc == 0 && (strcmp(op, "remove") == 0 || strcmp(op, "note") == 0))
        return not_found(req, resp);
    return redirect(req, resp, vcm_arena_printf(req->arena, "/my/lists/%lld", (long long)l.id));
}

int vcm_my_visibility(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_my_list l;
    if (!load_own(req, resp, w, "my.edit", &l))
        return 0;
    vcm_authz_res r = res_of(req, w, &l);
    if (!vcm_authz_allow(&w->user, "my.share", &r))
        return vcm_web_error(req, resp, 403, vcm_web_t(req, "my.error.account"));
    const char *v = field(w, "visibility");
    if (strcmp(v, "private") != 0 && strcmp(v, "link") != 0 && strcmp(v, "published") != 0)
        return vcm_web_error(req, resp, 400, vcm_web_t(req, "my.error.visibility"));
    /* a new link each time one is asked for: the old one stops working */
    char *tok = NULL;
    if (strcmp(v, "private") != 0 && (!l.shared || *field(w, "new_link")))
        if (!(tok = secret128(req)))
            return -1;
    if (vcm_my_list_visibility(w->s, l.id, v, tok ? digest(req, tok) : NULL) < 0 ||
        vcm_my_list_get(w->s, req->arena, l.id, &l) < 0)
        return vcm_web_store_error(req, resp, w->s);
    if (!tok)
        return redirect(req, resp,
                        vcm_arena_printf(req->arena, "/my/lists/%lld", (long long)l.id));
    /* the link is shown once, here: the store keeps only its hash */
    return show_list(req, resp, w, &l, true,
                     vcm_arena_printf(req->arena, "%s/my/shared/%s", vcm_web_base(req), tok),
                     vcm_arena_printf(req->arena, "/my/lists/%lld/collection.json",
                                      (long long)l.id));
}

/* ---- shared and published ------------------------------------------------------------ */

static int load_shared(vcm_req *req, vcm_resp *resp, vcm_web_who *w, vcm_my_list *l)
{
    const char *tok = vcm_req_param(req, "token");
    int rc = hex32(tok) ? vcm_my_list_by_share(w->s, req->arena, digest(req, tok), l) : 0;
    if (rc < 0)
        return vcm_web_store_error(req, resp, w->s), 0;
    vcm_authz_res r = {.user_id = rc ? l->user_id : 0, .holder = rc == 1};
    if (rc == 0 || !vcm_authz_allow(&w->user, "my.read", &r))
        return not_found(req, resp), 0;
    return 1;
}

int vcm_my_shared_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_my_list l;
    if (!load_shared(req, resp, w, &l))
        return 0;
    vcm_my_owner o = owner_of(req, w);
    return show_list(req, resp, w, &l, vcm_my_owns(&l, &o), NULL,
                     vcm_arena_printf(req->arena, "/my/shared/%s/collection.json",
                                      vcm_req_param(req, "token")));
}

int vcm_my_shared_iiif(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_my_list l;
    if (!load_shared(req, resp, w, &l))
        return 0;
    return send_collection(req, resp, w, &l,
                           vcm_arena_printf(req->arena, "/my/shared/%s/collection.json",
                                            vcm_req_param(req, "token")));
}

static int load_public(vcm_req *req, vcm_resp *resp, vcm_web_who *w, vcm_my_list *l)
{
    int64_t id = vcm_web_id(vcm_req_param(req, "id"));
    int rc = id ? vcm_my_list_get(w->s, req->arena, id, l) : 0;
    if (rc < 0)
        return vcm_web_store_error(req, resp, w->s), 0;
    /* only an approved collection is public: not even its owner sees it here before */
    if (rc == 0 || !vcm_my_public(l))
        return not_found(req, resp), 0;
    return 1;
}

int vcm_my_public_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_my_list l;
    if (!load_public(req, resp, w, &l))
        return 0;
    vcm_my_owner o = owner_of(req, w);
    return show_list(req, resp, w, &l, vcm_my_owns(&l, &o), NULL,
                     vcm_arena_printf(req->arena, "/my/collections/%lld/collection.json",
                                      (long long)l.id));
}

int vcm_my_public_iiif(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_my_list l;
    if (!load_public(req, resp, w, &l))
        return 0;
    return send_collection(req, resp, w, &l,
                           vcm_arena_printf(req->arena, "/my/collections/%lld/collection.json",
                                            (long long)l.id));
}

/* ---- the editors' review ----------------------------------------------------------------- */

int vcm_my_review_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    json_t *d = page(req, w, "my.review.title");
    static const char *const states[] = {"pending", "approved", "refused"};
    for (size_t k = 0; k < 3; k++) {
        vcm_my_list *l;
        size_t n;
        if (vcm_my_review_list(w->s, req->arena, states[k], 200, &l, &n) < 0) {
            json_decref(d);
            return vcm_web_store_error(req, resp, w->s);
        }
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++) {
            vcm_my_item *items;
            size_t ni;
            int err = 0;
            if (vcm_my_items(w->s, req->arena, l[i].id, &items, &ni) < 0) {
                json_decref(d);
                json_decref(a);
                return vcm_web_store_error(req, resp, w->s);
            }
            json_t *j = list_json(req, &l[i]);
            json_object_set_new(j, "entries", items_json(req, w->s, items, ni, &err));
            json_object_set_new(j, "public_href",
                                json_string(vcm_web_href(
                                    req, vcm_arena_printf(req->arena, "/my/collections/%lld",
                                                          (long long)l[i].id))));
            json_array_append_new(a, j);
        }
        json_object_set_new(d, states[k], a);
    }
    return render(req, resp, 200, "my_review", d);
}

int vcm_my_review_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    int64_t id = vcm_web_id(vcm_req_param(req, "id"));
    const char *dec = field(w, "decision");
    bool approve = strcmp(dec, "approve") == 0;
    if (!approve && strcmp(dec, "refuse") != 0)
        return vcm_web_error(req, resp, 400, vcm_web_t(req, "error.400"));
    int rc = id ? vcm_my_decide(w->s, id, approve) : 0;
    if (rc < 0)
        return vcm_web_store_error(req, resp, w->s);
    if (rc == 0)
        return vcm_web_error(req, resp, 409, vcm_web_t(req, "my.error.not_pending"));
    vcm_audit e = {.actor_id = w->user.id, .actor = w->user.email,
                   .event = approve ? "collection.approve" : "collection.refuse",
                   .subject = vcm_arena_printf(req->arena, "collection %lld", (long long)id),
                   .address = w->address};
    if (vcm_audit_add(w->s, &e) < 0)
        vcm_error("cannot write the audit log", "error=\"%s\"", vcm_store_error(w->s));
    return redirect(req, resp, "/my/review");
}

/* ---- visitor accounts -------------------------------------------------------------------- */

static json_t *signup_data(vcm_req *req, vcm_web_who *w, json_t *errors)
{
    json_t *d = page(req, w, "my.signup.title");
    json_object_set_new(d, "email", json_string(field(w, "email")));
    json_object_set_new(d, "name", json_string(field(w, "name")));
    json_object_set_new(d, "errors", errors ? errors : json_object());
    return d;
}

int vcm_my_signup_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    json_t *d = signup_data(req, w, NULL);
    if (vcm_req_query_get(req, "sent"))
        json_object_set_new(d, "sent", json_true());
    return render(req, resp, 200, "my_signup", d);
}

int vcm_my_signup(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    json_t *errors = json_object();
    const char *why = NULL;
    /* as account.c keeps addresses: trimmed, lower case */
    const char *raw = field(w, "email");
    while (*raw == ' ')
        raw++;
    char *email = vcm_arena_strdup(req->arena, raw);
    if (!email)
        return -1;
    for (char *p = email + strlen(email); p > email && p[-1] == ' ';)
        *--p = 0;
    for (char *p = email; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    if (vcm_email_check(email, &why) < 0)
        json_object_set_new(errors, "email", json_string(vcm_web_t(req, why)));
    const char *name = field(w, "name");
    if (!*name || strlen(name) > VCM_MY_NAME_MAX)
        json_object_set_new(errors, "name", json_string(vcm_web_t(req, "my.error.person")));
    if (json_object_size(errors))
        return render(req, resp, 400, "my_signup", signup_data(req, w, errors));
    json_decref(errors);
    vcm_user u = {.email = email, .name = name, .role = VCM_ROLE_VISITOR};
    int rc = vcm_user_add(w->s, &u);
    /* an address with an account already gets the same answer, so the form
     * tells no one who has an account; that account is left as it is */
    if (rc == -1)
        return vcm_web_store_error(req, resp, w->s);
    if (rc == 0) {
        char tok[VCM_TOKEN_HEX], hash[VCM_TOKEN_HEX];
        int64_t now = (int64_t)time(NULL);
        if (vcm_token_new(tok) < 0)
            return -1;
        vcm_token_digest(tok, hash);
        const vcm_app *app = vcm_web_app(req);
        const char *base = app && app->cfg && app->cfg->base_url[0]
                               ? app->cfg->base_url
                               : vcm_arena_printf(req->arena, "http://%s",
                                                  app && app->listen ? app->listen : "localhost");
        const char *link = vcm_arena_printf(req->arena, "%s/invite/%s", base, tok);
        if (vcm_link_add(w->s, hash, u.id, "invite", now, now + VCM_INVITE_TTL) < 0 ||
            vcm_outbox_add(w->s, email, vcm_web_t(req, "my.signup.mail_subject"),
                           vcm_web_tf(req, "my.signup.mail_body", link), NULL) < 0)
            return vcm_web_store_error(req, resp, w->s);
        vcm_audit e = {.event = "visitor.signup", .subject = email, .address = w->address};
        if (vcm_audit_add(w->s, &e) < 0)
            vcm_error("cannot write the audit log", "error=\"%s\"", vcm_store_error(w->s));
    }
    return redirect(req, resp, "/my/signup?sent=1");
}
