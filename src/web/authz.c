/* The one authorization function (authz.h). Rules are written as code, one
 * case per action, so each reads as a sentence of docs/accounts.md. */
#include <string.h>

#include "web/authz.h"
#include "core/banned.h"

const char *const vcm_authz_actions[] = {
    "session.create", "session.end", "reset.request", "reset.complete", "invite.accept",
    "account.read", "account.password", "account.sessions_end", "token.create",
    "token.revoke", "user.list", "user.invite", "user.disable", "user.enable", "user.reset",
    "user.role", "audit.read", "record.read", "record.draft", "record.publish",
    "museum.edit", "entry.read", "entry.create", "entry.update", "entry.submit",
    "entry.withdraw", "entry.restore", "entry.comment", "entry.request_changes",
    "entry.publish", "entry.waive", "entry.quota", "entry.conflict",
    "member.apply", "member.review", "member.status", "partner.exception",
    "collection.edit", "person.read", "person.edit", "person.export", "person.erase",
    /* governance, meetings, news (docs/governance.md) */
    "governance.appoint", "governance.override", "election.manage", "vote.cast",
    "meeting.edit", "news.post",
    /* loans, exhibitions, the exchange programme (docs/loans.md) */
    "loan.read", "loan.request", "loan.transition", "exhibition.read", "exhibition.edit",
    "exchange.read", "exchange.post", "exchange.match", "exchange.report",
    /* themes (docs/curation.md) */
    "theme.edit",
    /* virtual exhibitions (docs/curation.md) */
    "vx.read", "vx.create", "vx.update", "vx.submit", "vx.publish", "vx.withdraw",
    /* visitors' collections and comments (docs/curation.md) */
    "my.read", "my.edit", "my.share", "my.review", "visitor.signup", "comment.post",
    "comment.moderate", NULL,
};

static bool is(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

/* A user of this museum: its contributors and its admins. */
static bool member(const vcm_user *u, int64_t museum_id)
{
    return vcm_role_has_museum(u->role) && museum_id != 0 && u->museum_id == museum_id;
}

/* Managing users: the secretariat every user; a museum admin the users of
 * their museum, with museum roles only, and not themselves (for what
 * could lock them out: disabling, a role). */
static bool manage(const vcm_user *u, const char *action, const vcm_authz_res *r)
{
    if (r && r->user_id == u->id && (is(action, "user.disable") || is(action, "user.role")))
        return false;
    if (u->role == VCM_ROLE_SECRETARIAT)
        return true;
    if (u->role != VCM_ROLE_MUSEUM_ADMIN)
        return false;
    if (!r)
        return true;
    bool museum_role = r->role == VCM_ROLE_NONE || vcm_role_has_museum(r->role);
    return r->museum_id == u->museum_id && museum_role;
}

bool vcm_authz_allow(const vcm_user *u, const char *action, const vcm_authz_res *r)
{
    if (!action)
        return false;
    bool anon = !u || u->role == VCM_ROLE_NONE || u->disabled || u->id == 0;
    /* Anyone, signed in or not: signing in, and the links sent by mail
     * (the secret in the link is the authority). */
    if (is(action, "session.create") || is(action, "reset.request") ||
        is(action, "reset.complete") || is(action, "invite.accept"))
        return true;
    /* The network's join form is open to every museum, with no fee. */
    if (is(action, "member.apply"))
        return true;
    /* Visitors' collections: anyone keeps some (a cookie or an account);
     * one collection is its account's, or its cookie's holder's; a share
     * link is its own authority (holder). Anyone may sign up as a visitor
     * and comment (comments wait for the editors). */
    if (is(action, "my.read") || is(action, "my.edit"))
        return !r || r->holder || (!anon && r->user_id != 0 && r->user_id == u->id);
    if (is(action, "visitor.signup") || is(action, "comment.post"))
        return true;
    /* Travelling exhibitions and the exchange programme are public. */
    if (is(action, "exhibition.read") || is(action, "exchange.read"))
        return true;
    if (is(action, "record.read")) {
        if (!r || !r->draft)
            return true;
        /* a museum's drafts: that museum and the editors (and the secretariat) */
        return !anon && (u->role == VCM_ROLE_EDITOR || u->role == VCM_ROLE_SECRETARIAT ||
                         member(u, r->museum_id));
    }
    if (anon)
        return false;
    /* Sharing and publishing a collection: its account only. */
    if (is(action, "my.share"))
        return !r || (r->user_id != 0 && r->user_id == u->id);
    /* Editors and the secretariat approve collections and comments. */
    if (is(action, "my.review") || is(action, "comment.moderate"))
        return u->role == VCM_ROLE_EDITOR || u->role == VCM_ROLE_SECRETARIAT;
    /* A visitor account has its own account pages and nothing of the
     * staff's: every rule below names the staff roles it allows, and API
     * tokens (the write API) are for staff. */
    if (u->role == VCM_ROLE_VISITOR && (is(action, "token.create") || is(action, "token.revoke")))
        return false;
    /* One's own account. */
    if (is(action, "session.end") || is(action, "account.read") ||
        is(action, "account.password") || is(action, "account.sessions_end") ||
        is(action, "token.create") || is(action, "token.revoke"))
        return !r || r->user_id == 0 || r->user_id == u->id;
    if (is(action, "user.list"))
        return u->role == VCM_ROLE_SECRETARIAT ||
               (u->role == VCM_ROLE_MUSEUM_ADMIN && (!r || r->museum_id == u->museum_id));
    if (is(action, "user.invite") || is(action, "user.disable") || is(action, "user.enable") ||
        is(action, "user.reset") || is(action, "user.role"))
        return manage(u, action, r);
    if (is(action, "audit.read"))
        return u->role == VCM_ROLE_SECRETARIAT;
    if (is(action, "record.draft"))
        return u->role == VCM_ROLE_SECRETARIAT || (!r ? vcm_role_has_museum(u->role)
                                                      : member(u, r->museum_id));
    if (is(action, "record.publish"))
        return u->role == VCM_ROLE_EDITOR || u->role == VCM_ROLE_SECRETARIAT;
    if (is(action, "museum.edit"))
        return u->role == VCM_ROLE_SECRETARIAT ||
               (u->role == VCM_ROLE_MUSEUM_ADMIN && (!r || r->museum_id == u->museum_id));
    /* Masterpiece entries (docs/masterpieces.md): a museum's own people work
     * on its entries, submit and withdraw them; the editors and the
     * secretariat do that for every museum and alone publish, ask for
     * changes, waive the image rule and set quotas. */
    if (is(action, "entry.read") || is(action, "entry.create") ||
        is(action, "entry.update") || is(action, "entry.submit") ||
        is(action, "entry.withdraw") || is(action, "entry.restore") ||
        is(action, "entry.comment") || is(action, "entry.conflict"))
        return u->role == VCM_ROLE_EDITOR || u->role == VCM_ROLE_SECRETARIAT ||
               (!r ? vcm_role_has_museum(u->role) : member(u, r->museum_id));
    if (is(action, "entry.publish") || is(action, "entry.request_changes") ||
        is(action, "entry.waive") || is(action, "entry.quota"))
        return u->role == VCM_ROLE_EDITOR || u->role == VCM_ROLE_SECRETARIAT;
    /* The network: the secretariat reviews applications, records statuses
     * and exceptions, and keeps people's data; a museum admin keeps the
     * directory entries of their own museum's collections. */
    if (is(action, "member.review") || is(action, "member.status") ||
        is(action, "partner.exception") || is(action, "person.read") ||
        is(action, "person.edit") || is(action, "person.export") || is(action, "person.erase"))
        return u->role == VCM_ROLE_SECRETARIAT;
    if (is(action, "collection.edit"))
        return u->role == VCM_ROLE_SECRETARIAT ||
               (u->role == VCM_ROLE_MUSEUM_ADMIN && (!r || r->museum_id == u->museum_id));
    /* The network's governance: the secretariat keeps it. Votes: a museum
     * admin casts the vote of their member museum (the store then holds it
     * against the voters rule); the secretariat records any vote. News:
     * the secretariat, and a museum admin for their museum. */
    if (is(action, "governance.appoint") || is(action, "governance.override") ||
        is(action, "election.manage") || is(action, "meeting.edit"))
        return u->role == VCM_ROLE_SECRETARIAT;
    if (is(action, "vote.cast") || is(action, "news.post"))
        return u->role == VCM_ROLE_SECRETARIAT ||
               (u->role == VCM_ROLE_MUSEUM_ADMIN && (!r || r->museum_id == u->museum_id));
    /* Loans: seen by the museums involved (the handler asks once for the
     * lender, once for the borrower), the editors and the secretariat;
     * requested by the borrowing museum's users; moved on by the users of
     * the museums involved and the secretariat (editors only read). */
    if (is(action, "loan.read"))
        return u->role == VCM_ROLE_EDITOR || u->role == VCM_ROLE_SECRETARIAT ||
               (!r ? vcm_role_has_museum(u->role) : member(u, r->museum_id));
    if (is(action, "loan.request") || is(action, "loan.transition"))
        return u->role == VCM_ROLE_SECRETARIAT ||
               (!r ? vcm_role_has_museum(u->role) : member(u, r->museum_id));
    /* Exhibitions: the secretariat, the editors and museum admins (of the
     * organising museum once there is one). */
    if (is(action, "exhibition.edit"))
        return u->role == VCM_ROLE_SECRETARIAT || u->role == VCM_ROLE_EDITOR ||
               (u->role == VCM_ROLE_MUSEUM_ADMIN && (!r || r->museum_id == u->museum_id));
    /* The exchange programme: a museum's users post for their museum and
     * report on its placements; its admin agrees a placement; the
     * secretariat does all of it. */
    if (is(action, "exchange.post") || is(action, "exchange.report"))
        return u->role == VCM_ROLE_SECRETARIAT ||
               (!r ? vcm_role_has_museum(u->role) : member(u, r->museum_id));
    if (is(action, "exchange.match"))
        return u->role == VCM_ROLE_SECRETARIAT ||
               (u->role == VCM_ROLE_MUSEUM_ADMIN && (!r || r->museum_id == u->museum_id));
    /* Themes: the network's editors and the secretariat curate them. */
    if (is(action, "theme.edit"))
        return u->role == VCM_ROLE_EDITOR || u->role == VCM_ROLE_SECRETARIAT;
    /* Virtual exhibitions belong to the network, not to one museum: every
     * museum's people and the editors write them and submit them; the
     * editors and the secretariat alone publish, ask for changes, withdraw
     * and restore. */
    if (is(action, "vx.read") || is(action, "vx.create") || is(action, "vx.update") ||
        is(action, "vx.submit"))
        return vcm_role_has_museum(u->role) || u->role == VCM_ROLE_EDITOR ||
               u->role == VCM_ROLE_SECRETARIAT;
    if (is(action, "vx.publish") || is(action, "vx.withdraw"))
        return u->role == VCM_ROLE_EDITOR || u->role == VCM_ROLE_SECRETARIAT;
    return false; /* an action nobody named here */
}
