#include <string.h>
#include <strings.h>

#include "http/form.h"
#include "core/banned.h"

static const char FORM_TYPE[] = "application/x-www-form-urlencoded";

bool vcm_form_type_ok(const char *ct)
{
    if (!ct)
        return false;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    size_t n = sizeof FORM_TYPE - 1;
    if (strncasecmp(ct, FORM_TYPE, n) != 0)
        return false;
    const char *p = ct + n;
    while (*p == ' ' || *p == '\t')
        p++;
    if (!*p)
        return true;
    if (*p != ';')
        return false;
    /* parameters: only a charset that is UTF-8 (any case, maybe quoted) */
    const char *cs = strcasestr(p, "charset=");
    if (!cs)
        return true;
    cs += 8;
    if (*cs == '"')
        cs++;
    return strncasecmp(cs, "utf-8", 5) == 0 && (!cs[5] || strchr("\"; \t", cs[5]));
}

enum vcm_form_status vcm_form_parse(vcm_arena *a, const char *content_type, const char *body,
                                    size_t n, vcm_query *f)
{
    memset(f, 0, sizeof *f);
    if (!vcm_form_type_ok(content_type))
        return VCM_FORM_BAD_TYPE;
    if (vcm_query_parse(a, body, n, f) < 0)
        return VCM_FORM_NO_MEMORY;
    if (f->bad || f->n > VCM_FORM_MAX_FIELDS)
        return VCM_FORM_BAD;
    return VCM_FORM_OK;
}

const char *vcm_form_get(const vcm_query *f, const char *name)
{
    for (int i = 0; i < f->n; i++)
        if (strcmp(f->pairs[i].name, name) == 0)
            return f->pairs[i].value;
    return NULL;
}
