/* Texts in several languages as pages and the API give them: each with its
 * language's name from the catalogue ("lang.zh-Hant"), and whether the tag
 * was inferred rather than given by the source. */
#include <stdio.h>
#include <string.h>

#include "core/banned.h"
#include "core/i18n.h"
#include "core/langs.h"
#include "http/cookie.h"
#include "web/web.h"

const char *vcm_web_lang_label(const vcm_req *req, const char *tag)
{
    char key[80];
    snprintf(key, sizeof key, "lang.%s", tag);
    const char *t = vcm_web_t(req, key);
    if (strcmp(t, key) != 0)
        return t;
    /* "ko-Kore-KR": the language without script and region is named */
    size_t n = strcspn(tag, "-");
    if (n < strlen(tag) && n + 6 < sizeof key) {
        snprintf(key, sizeof key, "lang.%.*s", (int)n, tag);
        t = vcm_web_t(req, key);
        if (strcmp(t, key) != 0)
            return t;
    }
    return tag;
}

json_t *vcm_web_texts_json(const vcm_req *req, const vcm_ltexts *t)
{
    json_t *a = json_array();
    for (size_t i = 0; i < t->n; i++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:b}", "lang", t->v[i].lang, "label",
                                           vcm_web_lang_label(req, t->v[i].lang), "text",
                                           t->v[i].text, "inferred", t->v[i].inferred));
    return a;
}

json_t *vcm_web_public_notes(const vcm_ltexts *notes)
{
    json_t *a = json_array();
    for (size_t i = 0; i < notes->n; i++)
        if (notes->v[i].is_public)
            json_array_append_new(a, json_pack("{s:s, s:s}", "lang", notes->v[i].lang, "text",
                                               notes->v[i].text));
    return a;
}

/* ---- the request's language on a page ------------------------------------
 *
 * The language is chosen once per request (http/req.h, vcm_req_choose_lang);
 * here it reaches the page: the layout's lang and dir, the prefix of every
 * internal link, the switcher, the hreflang alternates and the canonical
 * URL; and the response: the cookie that keeps a choice, and Vary when the
 * page was chosen by what the browser sent rather than by its URL. */

#define LANG_COOKIE_AGE (365L * 24 * 3600)

const vcm_lang *vcm_web_lang_entry(const vcm_req *req)
{
    const char *code = vcm_web_lang(req);
    const vcm_lang *l = vcm_lang_by_code(code, strlen(code));
    return l ? l : vcm_lang_at(0);
}

const char *vcm_web_href(const vcm_req *req, const char *path)
{
    if (!req->lang_prefix || !*req->lang_prefix || !path || path[0] != '/' || path[1] == '/')
        return path;
    const char *p = vcm_arena_printf(req->arena, "%s%s", req->lang_prefix, path);
    return p ? p : path;
}

/* The longest query the switcher's links repeat: each of them carries it,
 * so a long search would make the page 38 times its length; past this the
 * links lead to the page without its query. */
#define SWITCH_QUERY_MAX 512

/* The request's query without its lang parameter, "" when nothing is left
 * or it is longer than SWITCH_QUERY_MAX. */
static const char *query_without_lang(const vcm_req *req)
{
    const char *q = req->query ? req->query : "";
    vcm_buf b;
    vcm_buf_init(&b, 8192);
    while (*q) {
        size_t n = strcspn(q, "&");
        size_t name = strcspn(q, "=&");
        if (n && !(name == 4 && strncmp(q, "lang", 4) == 0)) {
            if (b.len)
                vcm_buf_putc(&b, '&');
            vcm_buf_append(&b, q, n);
        }
        q += n + (q[n] == '&');
    }
    const char *r =
        b.toobig || !b.len || b.len > SWITCH_QUERY_MAX ? "" : vcm_arena_strdup(req->arena, b.data);
    vcm_buf_release(&b);
    return r ? r : "";
}

/* base + the prefix of language l + path: the page's address in l. */
static const char *url_in(vcm_req *req, const char *base, const char *path, const vcm_lang *l)
{
    bool plain = strcmp(l->code, VCM_LANG_DEFAULT) == 0;
    return vcm_arena_printf(req->arena, "%s%s%s%s", base, plain ? "" : "/", plain ? "" : l->code,
                            strcmp(path, "/") == 0 && !plain ? "/" : path);
}

void vcm_web_lang_page(vcm_req *req, json_t *data)
{
    const vcm_lang *cur = vcm_web_lang_entry(req);
    const char *base = vcm_web_base(req);
    json_object_set_new(data, "lang", json_string(cur->tag));
    json_object_set_new(data, "dir", json_string(cur->rtl ? "rtl" : "ltr"));
    json_object_set_new(data, "lang_name", json_string(cur->name));
    json_object_set_new(data, "lp", json_string(req->lang_prefix ? req->lang_prefix : ""));
    /* A handler's canonical URL names the page in English (with the query
     * that makes it, on browse); the page's address in every language is
     * that one with the language's prefix. */
    const char *page = req->path;
    json_t *c = json_object_get(data, "canonical");
    size_t bl = strlen(base);
    bool ours = !c;
    if (json_is_string(c) && strncmp(json_string_value(c), base, bl) == 0 &&
        json_string_value(c)[bl] == '/') {
        vcm_lang_prefix(json_string_value(c) + bl, &page);
        /* a copy: the canonical string is replaced below */
        page = vcm_arena_strdup(req->arena, page);
        if (!page)
            page = req->path;
        ours = true;
    }
    if (ours)
        json_object_set_new(data, "canonical", json_string(url_in(req, base, page, cur)));
    const char *q = query_without_lang(req);
    json_t *langs = json_array(), *alts = json_array();
    bool index = !json_is_true(json_object_get(data, "noindex"));
    for (size_t i = 0; i < vcm_lang_count(); i++) {
        const vcm_lang *l = vcm_lang_at(i);
        bool plain = i == 0;
        /* English has no prefix, so its link says lang=en: without it a
         * visitor whose cookie says Korean would get Korean again. */
        const char *href = vcm_arena_printf(
            req->arena, "%s%s%s%s%s%s", plain ? "" : "/", plain ? "" : l->code,
            strcmp(req->path, "/") == 0 && !plain ? "/" : req->path, plain || *q ? "?" : "",
            plain ? "lang=en" : "", plain && *q ? "&" : "");
        href = vcm_arena_printf(req->arena, "%s%s", href ? href : "/", q);
        json_array_append_new(langs,
                              json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "code", l->code, "tag",
                                        l->tag, "name", l->name, "dir", l->rtl ? "rtl" : "ltr",
                                        "href", href ? href : "/", "current", l == cur));
        if (index)
            json_array_append_new(alts, json_pack("{s:s, s:s}", "hreflang", l->tag, "href",
                                                  url_in(req, base, page, l)));
    }
    if (index)
        json_array_append_new(alts, json_pack("{s:s, s:s}", "hreflang", "x-default", "href",
                                              url_in(req, base, page, vcm_lang_at(0))));
    json_object_set_new(data, "langs", langs);
    json_object_set_new(data, "hreflangs", alts);
}

void vcm_web_lang_headers(vcm_req *req, vcm_resp *resp)
{
    if (req->lang_from == VCM_LANG_FROM_PREFIX || req->lang_from == VCM_LANG_FROM_PARAM) {
        const char *had = vcm_req_cookie(req, VCM_LANG_COOKIE);
        const char *code = vcm_web_lang(req);
        if (!had || strcmp(had, code) != 0)
            vcm_resp_cookie(resp, req, VCM_LANG_COOKIE, code, LANG_COOKIE_AGE,
                            strncmp(vcm_web_base(req), "https:", 6) == 0);
    } else {
        /* the same URL gives another language to another visitor */
        vcm_resp_header(resp, req, "Vary", "Accept-Language, Cookie");
    }
}
