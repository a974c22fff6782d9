/* The rules of membership and of the join form (model/network.h). */
#include <string.h>

#include "core/text.h"
#include "model/network.h"
#include "model/user.h"
#include "core/banned.h"

static const char *const state_names[VCM_MS_COUNT] = {
    [VCM_MS_NONE] = "",          [VCM_MS_APPLICANT] = "applicant", [VCM_MS_MEMBER] = "member",
    [VCM_MS_LAPSED] = "lapsed",  [VCM_MS_LEFT] = "left",           [VCM_MS_DECLINED] = "declined",
};

const char *vcm_member_state_name(vcm_member_state s)
{
    return (unsigned)s < VCM_MS_COUNT ? state_names[s] : "";
}

int vcm_member_state_parse(const char *s, vcm_member_state *out)
{
    for (int i = VCM_MS_APPLICANT; s && i < VCM_MS_COUNT; i++)
        if (strcmp(s, state_names[i]) == 0) {
            *out = (vcm_member_state)i;
            return 0;
        }
    return -1;
}

/* The edges a status may follow. A museum with no status yet may apply,
 * or the secretariat may record a membership that predates the platform
 * (the network existed from 2000; its records did not survive). */
bool vcm_member_next(vcm_member_state from, vcm_member_state to)
{
    switch (from) {
    case VCM_MS_NONE:
        return to == VCM_MS_APPLICANT || to == VCM_MS_MEMBER;
    case VCM_MS_APPLICANT:
        return to == VCM_MS_MEMBER || to == VCM_MS_DECLINED;
    case VCM_MS_MEMBER:
        return to == VCM_MS_LAPSED || to == VCM_MS_LEFT;
    case VCM_MS_LAPSED:
        return to == VCM_MS_MEMBER || to == VCM_MS_LEFT;
    case VCM_MS_LEFT:
    case VCM_MS_DECLINED:
        return to == VCM_MS_APPLICANT;
    case VCM_MS_COUNT:
        break;
    }
    return false;
}

static int refuse(vcm_refusal *why, const char *rule, const char *key)
{
    why->rule = rule;
    why->key = key;
    return -1;
}

int vcm_member_check(vcm_member_state from, vcm_member_state to, bool in_partner,
                     bool exception, const char *reason, vcm_refusal *why)
{
    if (!vcm_member_next(from, to))
        return refuse(why, "member-transition", "network.rule.transition");
    bool has_reason = reason && reason[strspn(reason, " \t\r\n")];
    if ((to == VCM_MS_DECLINED || to == VCM_MS_LEFT || to == VCM_MS_LAPSED) && !has_reason)
        return refuse(why, "reason-required", "network.rule.reason");
    /* the rule binds the moment of becoming a member: a member whose
     * country stops being a partner is not thrown out by it */
    if (to == VCM_MS_MEMBER && !in_partner && !exception)
        return refuse(why, "partner-country", "network.rule.partner");
    why->rule = why->key = NULL;
    return 0;
}

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static int num(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

bool vcm_member_date_ok(const char *s)
{
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    size_t n = s ? strlen(s) : 0;
    if (n != 4 && n != 7 && n != 10)
        return false;
    if (!digits(s, 4) || num(s, 4) < 1900 || num(s, 4) > 2999)
        return false;
    if (n == 4)
        return true;
    if (s[4] != '-' || !digits(s + 5, 2) || num(s + 5, 2) < 1 || num(s + 5, 2) > 12)
        return false;
    if (n == 7)
        return true;
    int y = num(s, 4), m = num(s + 5, 2);
    if (s[7] != '-' || !digits(s + 8, 2))
        return false;
    int d = num(s + 8, 2);
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d >= 1 && d <= mdays[m - 1] && !(m == 2 && d == 29 && !leap);
}

static const char *const app_names[] = {"pending", "accepted", "declined"};

const char *vcm_app_state_name(vcm_app_state s)
{
    return (unsigned)s < 3 ? app_names[s] : "";
}

int vcm_app_state_parse(const char *s, vcm_app_state *out)
{
    for (int i = 0; s && i < 3; i++)
        if (strcmp(s, app_names[i]) == 0) {
            *out = (vcm_app_state)i;
            return 0;
        }
    return -1;
}

/* ---- the join form ------------------------------------------------------ */

struct errs {
    vcm_field_error *v;
    size_t n, max;
};

static void err(struct errs *e, const char *field, const char *key)
{
    for (size_t i = 0; i < e->n; i++)
        if (strcmp(e->v[i].field, field) == 0)
            return; /* one message a field: the first problem */
    if (e->n < e->max)
        e->v[e->n++] = (vcm_field_error){field, key};
}

/* Valid UTF-8, at most max bytes, no control characters (but line breaks
 * and tabs when multiline). required: not empty once spaces are left out. */
static void text(struct errs *e, const char *field, const char *s, size_t max, bool required,
                 bool multiline)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || !s[strspn(s, " \t\r\n")]) {
        if (required)
            err(e, field, "form.required");
        return;
    }
    if (n > max) {
        err(e, field, "form.too_long");
        return;
    }
    if (!vcm_utf8_valid(s, n)) {
        err(e, field, "form.bad_text");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        bool allowed = multiline && (c == '\n' || c == '\r' || c == '\t');
        if ((c < 0x20 || c == 0x7f) && !allowed) {
            err(e, field, "form.bad_text");
            return;
        }
    }
}

size_t vcm_join_check(const vcm_join_form *f, vcm_field_error *out, size_t max)
{
    struct errs e = {out, 0, max};
    text(&e, "institution", f->institution, 200, true, false);
    const char *c = f->country;
    if (!c || !*c)
        err(&e, "country", "form.required");
    else if (strlen(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z')
        err(&e, "country", "network.join.bad_country");
    text(&e, "city", f->city, 200, false, false);
    text(&e, "website", f->website, 500, false, false);
    if (f->website && *f->website && strncmp(f->website, "https://", 8) != 0 &&
        strncmp(f->website, "http://", 7) != 0)
        err(&e, "website", "network.join.bad_website");
    text(&e, "contact_name", f->contact_name, 200, true, false);
    text(&e, "contact_position", f->contact_position, 200, false, false);
    const char *why = NULL;
    if (!f->contact_email || !*f->contact_email)
        err(&e, "contact_email", "form.required");
    else if (vcm_email_check(f->contact_email, &why) < 0)
        err(&e, "contact_email", why);
    text(&e, "contact_phone", f->contact_phone, 200, false, false);
    text(&e, "collections", f->collections, 4000, true, true);
    if (!f->ack_definition)
        err(&e, "ack_definition", "network.join.ack_required");
    if (!f->ack_ethics)
        err(&e, "ack_ethics", "network.join.ack_required");
    if (!f->consent)
        err(&e, "consent", "network.join.consent_required");
    return e.n;
}
