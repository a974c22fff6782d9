#include <stdio.h>
#include <string.h>

#include "http/cookie.h"
#include "core/banned.h"

static bool is_tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* cookie-octet of RFC 6265: printable ASCII but space, '"', ',', ';', '\\' */
static bool is_octet(unsigned char c)
{
    return c > 0x20 && c < 0x7f && c != '"' && c != ',' && c != ';' && c != '\\';
}

static bool all(const char *s, size_t n, bool (*ok)(unsigned char))
{
    for (size_t i = 0; i < n; i++)
        if (!ok((unsigned char)s[i]))
            return false;
    return true;
}

int vcm_cookie_parse(vcm_arena *a, const char *s, size_t n, vcm_query_pair *out, int max)
{
    int k = 0;
    size_t i = 0;
    while (i < n && k < max) {
        size_t end = i;
        while (end < n && s[end] != ';')
            end++;
        /* one pair: s[i, end) */
        size_t b = i, e = end;
        while (b < e && (s[b] == ' ' || s[b] == '\t'))
            b++;
        while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t'))
            e--;
        const char *eq = memchr(s + b, '=', e - b);
        if (eq) {
            size_t nb = b, ne = (size_t)(eq - s), vb = ne + 1, ve = e;
            while (ne > nb && (s[ne - 1] == ' ' || s[ne - 1] == '\t'))
                ne--;
            while (vb < ve && (s[vb] == ' ' || s[vb] == '\t'))
                vb++;
            if (ve - vb >= 2 && s[vb] == '"' && s[ve - 1] == '"')
                vb++, ve--;
            if (ne > nb && all(s + nb, ne - nb, is_tchar) && all(s + vb, ve - vb, is_octet)) {
                char *name = vcm_arena_strndup(a, s + nb, ne - nb);
                char *value = vcm_arena_strndup(a, s + vb, ve - vb);
                if (!name || !value)
                    return -1;
                out[k].name = name;
                out[k].value = value;
                k++;
            }
        }
        i = end + 1;
    }
    return k;
}

const char *vcm_req_cookie(const vcm_req *req, const char *name)
{
    const char *hdrs[8];
    int nh = vcm_req_header_all(req, "Cookie", hdrs, 8);
    for (int h = 0; h < nh; h++) {
        vcm_query_pair p[VCM_COOKIE_MAX];
        int np = vcm_cookie_parse(req->arena, hdrs[h], strlen(hdrs[h]), p, VCM_COOKIE_MAX);
        for (int i = 0; i < np; i++)
            if (strcmp(p[i].name, name) == 0)
                return p[i].value;
    }
    return NULL;
}

int vcm_resp_cookie(vcm_resp *resp, vcm_req *req, const char *name, const char *value,
                    long max_age, bool secure)
{
    if (!*name || !all(name, strlen(name), is_tchar) || !all(value, strlen(value), is_octet))
        return -1;
    char *v = vcm_arena_printf(req->arena, "%s=%s; Path=/; Max-Age=%ld; HttpOnly; SameSite=Lax%s",
                               name, value, max_age < 0 ? 0 : max_age, secure ? "; Secure" : "");
    return v ? vcm_resp_header(resp, req, "Set-Cookie", v) : -1;
}
