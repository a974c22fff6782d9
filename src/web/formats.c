/* An object's record in the museum formats: /objects/{id}.lido.xml (LIDO
 * 1.1) and /objects/{id}.edm.xml (EDM, as Europeana ingests it), from the
 * writers of io/lido.h and io/edm.h, for published objects only (a draft
 * or a withdrawn record answers 404, as its page does). The router gives a
 * parameter its whole segment, so /objects/{id} comes here first and what
 * is not a record in a format goes on to the page. */
#include <string.h>

#include "io/edm.h"
#include "io/lido.h"
#include "web/web.h"
#include "core/banned.h"

static const struct {
    const char *suffix;
    int (*write)(vcm_buf *b, const vcm_object *o, const char *country, const char *base);
    int (*open)(vcm_buf *b);
    int (*close)(vcm_buf *b);
} formats[] = {
    {".lido.xml", vcm_lido_write, vcm_lido_open, vcm_lido_close},
    {".edm.xml", vcm_edm_write, vcm_edm_open, vcm_edm_close},
};

int vcm_web_object_format(const vcm_req *req)
{
    const char *v = vcm_req_param(req, "id");
    size_t n = v ? strlen(v) : 0;
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        size_t k = strlen(formats[i].suffix);
        if (n > k && strcmp(v + n - k, formats[i].suffix) == 0)
            return (int)i + 1;
    }
    return 0;
}

int vcm_object_record(vcm_req *req, vcm_resp *resp)
{
    int f = vcm_web_object_format(req) - 1;
    const char *missing = vcm_web_t(req, "object.missing");
    if (f < 0)
        return vcm_web_error(req, resp, 404, missing);
    const char *v = vcm_req_param(req, "id");
    size_t n = strlen(v) - strlen(formats[f].suffix);
    char num[24];
    int64_t id = 0;
    if (n > 0 && n < sizeof num) {
        memcpy(num, v, n);
        num[n] = '\0';
        id = vcm_web_id(num);
    }
    if (!id)
        return vcm_web_error(req, resp, 404, missing);
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    vcm_object o;
    int r = s->ops->object_get(s, req->arena, id, &o);
    if (r < 0)
        return vcm_web_store_error(req, resp, s);
    /* drafts and withdrawn records are not public */
    if (r == 0 || o.status != VCM_PUBLISHED)
        return vcm_web_error(req, resp, 404, missing);
    const char *base = vcm_web_base(req);
    if (formats[f].open(&resp->body) < 0 ||
        formats[f].write(&resp->body, &o, o.country, base) < 0 ||
        formats[f].close(&resp->body) < 0)
        return -1;
    resp->content_type = "application/xml; charset=utf-8";
    return 0;
}
