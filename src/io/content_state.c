/* IIIF Content State: reading and writing the `iiif-content` parameter
 * (io/content_state.h has the contract). Decoding goes base64url → bytes
 * → (percent-decoding when the bytes are not already JSON) → JSON → the
 * targets; each step refuses what it cannot read rather than guessing. */
#include "io/content_state.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "core/banned.h"

#define ANNOTATION_CONTEXT "http://iiif.io/api/presentation/3/context.json"

static int fail(char *err, size_t errlen, const char *msg)
{
    snprintf(err, errlen, "%s", msg);
    return -1;
}

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

/* base64url, padding optional (and only at the end): bytes into out (at
 * least len * 3 / 4 + 3 of room), their count in *n. */
static int b64url_decode(const char *s, size_t len, unsigned char *out, size_t *n)
{
    while (len && s[len - 1] == '=')
        len--;
    if (len % 4 == 1)
        return -1;
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        int v = b64_value((unsigned char)s[i]);
        if (v < 0)
            return -1;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    /* the bits left over must be zero: one encoding a value */
    if (acc != 0)
        return -1;
    *n = o;
    return 0;
}

static int hex(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* decodeURIComponent: %XX sequences into bytes, in place; -1 on a bad one. */
static int percent_decode(unsigned char *s, size_t *n)
{
    size_t o = 0;
    for (size_t i = 0; i < *n; i++) {
        if (s[i] != '%') {
            s[o++] = s[i];
            continue;
        }
        if (i + 2 >= *n)
            return -1;
        int h = hex(s[i + 1]), l = hex(s[i + 2]);
        if (h < 0 || l < 0)
            return -1;
        s[o++] = (unsigned char)(h * 16 + l);
        i += 2;
    }
    *n = o;
    return 0;
}

/* A non-negative integer of at most 9 digits at *p, moved past it. */
static int number(const char **p, int64_t *out)
{
    const char *s = *p;
    int64_t v = 0;
    int n = 0;
    while (*s >= '0' && *s <= '9') {
        if (++n > 9)
            return -1;
        v = v * 10 + (*s++ - '0');
    }
    if (n == 0)
        return -1;
    *out = v;
    *p = s;
    return 0;
}

/* "xywh=x,y,w,h" or "xywh=pixel:x,y,w,h" (the whole value). */
static int xywh(const char *v, vcm_cs_target *t, char *err, size_t errlen)
{
    if (strncmp(v, "xywh=", 5) != 0)
        return fail(err, errlen, "a selector that is not xywh=");
    v += 5;
    if (strncmp(v, "pixel:", 6) == 0)
        v += 6;
    else if (strncmp(v, "percent:", 8) == 0)
        return fail(err, errlen, "xywh in percent is not supported");
    int64_t r[4];
    for (int k = 0; k < 4; k++) {
        if (k && *v++ != ',')
            return fail(err, errlen, "xywh needs four integers");
        if (number(&v, &r[k]) < 0)
            return fail(err, errlen, "xywh needs four non-negative integers");
    }
    if (*v)
        return fail(err, errlen, "xywh needs four integers");
    if (r[2] == 0 || r[3] == 0)
        return fail(err, errlen, "xywh with an empty width or height");
    t->region = true;
    t->x = r[0], t->y = r[1], t->w = r[2], t->h = r[3];
    return 0;
}

/* A canvas URI, with its fragment read as the region when there is one. */
static int canvas_uri(const char *uri, vcm_cs_target *t, char *err, size_t errlen)
{
    size_t len = strlen(uri);
    const char *hash = strchr(uri, '#');
    size_t base = hash ? (size_t)(hash - uri) : len;
    if (base == 0)
        return fail(err, errlen, "a target without a canvas id");
    if (base > VCM_CS_ID_MAX)
        return fail(err, errlen, "a canvas id too long");
    if (strncmp(uri, "http://", 7) != 0 && strncmp(uri, "https://", 8) != 0)
        return fail(err, errlen, "a canvas id that is not an http(s) URI");
    memcpy(t->canvas, uri, base);
    t->canvas[base] = '\0';
    if (hash && xywh(hash + 1, t, err, errlen) < 0)
        return -1;
    return 0;
}

static bool is_type(json_t *o, const char *type)
{
    const char *t = json_string_value(json_object_get(o, "type"));
    return t && strcmp(t, type) == 0;
}

static int target(json_t *v, vcm_cs_target *t, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    if (json_is_string(v))
        return canvas_uri(json_string_value(v), t, err, errlen);
    if (!json_is_object(v))
        return fail(err, errlen, "a target that is neither a URI nor an object");
    if (is_type(v, "SpecificResource")) {
        json_t *src = json_object_get(v, "source");
        const char *id = json_is_string(src) ? json_string_value(src)
                                             : json_string_value(json_object_get(src, "id"));
        if (json_is_object(src) && !is_type(src, "Canvas"))
            return fail(err, errlen, "a SpecificResource whose source is not a Canvas");
        if (!id)
            return fail(err, errlen, "a SpecificResource without a source");
        if (strchr(id, '#'))
            return fail(err, errlen, "a source with a fragment and a selector");
        if (canvas_uri(id, t, err, errlen) < 0)
            return -1;
        json_t *sel = json_object_get(v, "selector");
        if (json_is_array(sel)) {
            if (json_array_size(sel) != 1)
                return fail(err, errlen, "a selector list of other than one");
            sel = json_array_get(sel, 0);
        }
        if (!sel)
            return 0;
        if (!json_is_object(sel) || !is_type(sel, "FragmentSelector"))
            return fail(err, errlen, "a selector that is not a FragmentSelector");
        const char *val = json_string_value(json_object_get(sel, "value"));
        if (!val)
            return fail(err, errlen, "a FragmentSelector without a value");
        return xywh(val, t, err, errlen);
    }
    if (is_type(v, "Canvas")) {
        const char *id = json_string_value(json_object_get(v, "id"));
        if (!id)
            return fail(err, errlen, "a Canvas without an id");
        return canvas_uri(id, t, err, errlen);
    }
    return fail(err, errlen, "a target that is not a Canvas or a SpecificResource");
}

static bool motivated(json_t *m)
{
    if (json_is_string(m))
        return strcmp(json_string_value(m), "contentState") == 0;
    size_t i;
    json_t *v;
    json_array_foreach(m, i, v)
    {
        if (json_is_string(v) && strcmp(json_string_value(v), "contentState") == 0)
            return true;
    }
    return false;
}

int vcm_content_state_decode(const char *value, size_t len, vcm_content_state *out, char *err,
                             size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (len == 0)
        return fail(err, errlen, "an empty content state");
    if (len > VCM_CS_MAX_PARAM)
        return fail(err, errlen, "a content state too long");
    unsigned char *bytes = malloc(len + 4);
    json_t *doc = NULL;
    int rc = -1;
    size_t n;
    if (!bytes)
        return fail(err, errlen, "out of memory");
    if (b64url_decode(value, len, bytes, &n) < 0) {
        fail(err, errlen, "not base64url");
        goto out;
    }
    /* encodeURIComponent leaves no '{': bytes that open one are plain JSON */
    if (!(n && bytes[0] == '{') && percent_decode(bytes, &n) < 0) {
        fail(err, errlen, "a bad percent-encoding inside the content state");
        goto out;
    }
    if (!vcm_utf8_valid((const char *)bytes, n)) {
        fail(err, errlen, "a content state that is not UTF-8");
        goto out;
    }
    json_error_t je;
    doc = json_loadb((const char *)bytes, n, JSON_REJECT_DUPLICATES, &je);
    if (!json_is_object(doc)) {
        fail(err, errlen, doc ? "a content state that is not a JSON object"
                              : "a content state that is not JSON");
        goto out;
    }
    json_t *targets = doc;
    if (is_type(doc, "Annotation")) {
        if (!motivated(json_object_get(doc, "motivation"))) {
            fail(err, errlen, "an Annotation without the contentState motivation");
            goto out;
        }
        targets = json_object_get(doc, "target");
        if (!targets) {
            fail(err, errlen, "an Annotation without a target");
            goto out;
        }
    }
    if (json_is_array(targets)) {
        if (json_array_size(targets) == 0) {
            fail(err, errlen, "an empty list of targets");
            goto out;
        }
        if (json_array_size(targets) > VCM_CS_TARGETS) {
            fail(err, errlen, "more targets than can be compared");
            goto out;
        }
        size_t i;
        json_t *v;
        json_array_foreach(targets, i, v)
        {
            if (target(v, &out->t[out->n], err, errlen) < 0)
                goto out;
            out->n++;
        }
    } else {
        if (target(targets, &out->t[0], err, errlen) < 0)
            goto out;
        out->n = 1;
    }
    rc = 0;
out:
    if (rc < 0)
        out->n = 0;
    json_decref(doc);
    free(bytes);
    return rc;
}

/* encodeURIComponent's unreserved characters. */
static bool unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           strchr("-_.!~*'()", c) != NULL;
}

int vcm_content_state_encode(const vcm_content_state *cs, vcm_buf *out)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    int rc = -1;
    char *text = NULL;
    json_t *doc = NULL;
    vcm_buf pct;
    vcm_buf_init(&pct, (size_t)VCM_CS_MAX_PARAM * 4);
    json_t *targets = json_array();
    for (size_t i = 0; targets && i < cs->n && i < VCM_CS_TARGETS; i++) {
        const vcm_cs_target *t = &cs->t[i];
        json_t *src = json_pack("{s:s, s:s}", "id", t->canvas, "type", "Canvas");
        if (!t->region) {
            json_array_append_new(targets, src);
            continue;
        }
        char v[100];
        snprintf(v, sizeof v, "xywh=%lld,%lld,%lld,%lld", (long long)t->x, (long long)t->y,
                 (long long)t->w, (long long)t->h);
        json_array_append_new(targets,
                              json_pack("{s:s, s:o, s:{s:s, s:s}}", "type", "SpecificResource",
                                        "source", src, "selector", "type", "FragmentSelector",
                                        "value", v));
    }
    doc = json_pack("{s:s, s:s, s:s, s:o}", "@context", ANNOTATION_CONTEXT, "type",
                            "Annotation", "motivation", "contentState", "target", targets);
    /* json_dumpb, not json_dumps: jansson may allocate from a request's
     * arena on this thread, whose memory free() must never see */
    size_t need = doc ? json_dumpb(doc, NULL, 0, JSON_COMPACT) : 0;
    if (!need || need > (size_t)VCM_CS_MAX_PARAM || !(text = malloc(need + 1)))
        goto out;
    json_dumpb(doc, text, need, JSON_COMPACT);
    text[need] = '\0';
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        if (unreserved(*p))
            vcm_buf_append(&pct, p, 1);
        else
            vcm_buf_printf(&pct, "%%%02X", *p);
    if (pct.toobig)
        goto out;
    const unsigned char *s = (const unsigned char *)pct.data;
    size_t n = pct.len, i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
        char q[4] = {alphabet[v >> 18], alphabet[(v >> 12) & 63], alphabet[(v >> 6) & 63],
                     alphabet[v & 63]};
        vcm_buf_append(out, q, 4);
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)s[i] << 16;
        char q[2] = {alphabet[v >> 18], alphabet[(v >> 12) & 63]};
        vcm_buf_append(out, q, 2);
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8;
        char q[3] = {alphabet[v >> 18], alphabet[(v >> 12) & 63], alphabet[(v >> 6) & 63]};
        vcm_buf_append(out, q, 3);
    }
    rc = out->toobig ? -1 : 0;
out:
    free(text);
    json_decref(doc);
    vcm_buf_release(&pct);
    return rc;
}
