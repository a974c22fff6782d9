/* The Atom feed of the Masterpiece of the Day (RFC 4287):
 * /feeds/masterpiece-of-the-day.atom lists today's pick and those of past
 * days, newest first, as stored when each was first made (store/entry.h),
 * so an entry of the feed never changes. A day whose masterpiece has since
 * been withdrawn is left out: withdrawn entries are not public. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "core/log.h"
#include "model/json.h"
#include "web/web.h"
#include "core/banned.h"

#define FEED_DAYS 30
#define ATOM_NS "http://www.w3.org/2005/Atom"

static void text_el(vcm_buf *b, const char *name, const char *text, const char *lang)
{
    vcm_buf_printf(b, "<%s", name);
    if (lang) {
        vcm_buf_puts(b, " xml:lang=\"");
        vcm_buf_html(b, lang, strlen(lang));
        vcm_buf_putc(b, '"');
    }
    vcm_buf_putc(b, '>');
    vcm_buf_html(b, text, strlen(text));
    vcm_buf_printf(b, "</%s>\n", name);
}

/* One day's entry; 0 also when the day's masterpiece is no longer public
 * (left out), -1 on a store error. */
static int put_day(vcm_req *req, vcm_store *s, vcm_buf *b, const vcm_motd *day,
                   const char *base)
{
    vcm_object o;
    vcm_masterpiece mp;
    int r = s->ops->object_get(s, req->arena, day->object_id, &o);
    if (r <= 0)
        return r;
    if (o.status != VCM_PUBLISHED)
        return 0;
    if ((r = vcm_web_masterpiece(req, s, &o, &mp)) <= 0)
        return r;
    char when[32];
    vcm_time_iso(day->picked, when);
    const char *url = vcm_arena_printf(req->arena, "%s/objects/%lld", base,
                                       (long long)o.id);
    vcm_buf_puts(b, "<entry>\n");
    text_el(b, "title", vcm_arena_printf(req->arena, "%s: %s", day->day, vcm_web_title(req, &o)),
            NULL);
    /* the day makes the entry: the same masterpiece may come back another year */
    text_el(b, "id", vcm_arena_printf(req->arena, "%s/feeds/masterpiece-of-the-day/%s", base,
                                      day->day),
            NULL);
    text_el(b, "updated", when, NULL);
    vcm_buf_puts(b, "<link rel=\"alternate\" type=\"text/html\" href=\"");
    vcm_buf_html(b, url, strlen(url));
    vcm_buf_puts(b, "\"/>\n");
    for (size_t i = 0; i < mp.data.nstatements; i++)
        if (strcmp(mp.data.statements[i].lang, "en") == 0 || i + 1 == mp.data.nstatements) {
            text_el(b, "summary", mp.data.statements[i].text, mp.data.statements[i].lang);
            break;
        }
    vcm_buf_puts(b, "</entry>\n");
    return 0;
}

int vcm_feed_motd(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    char today[16];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(today, sizeof today, "%Y-%m-%d", &tm);
    int64_t oid, eid;
    /* today's pick is made here if no page has made it yet; a standby
     * cannot store it, and lists the days stored so far */
    if (vcm_motd_get(s, today, &oid, &eid) < 0)
        vcm_warn("masterpiece of the day", "error=\"%s\"", vcm_store_error(s));
    vcm_motd *days;
    size_t n;
    if (vcm_motd_list(s, req->arena, today, FEED_DAYS, &days, &n) < 0)
        return vcm_web_store_error(req, resp, s);
    const char *base = vcm_web_base(req);
    vcm_buf *b = &resp->body;
    char updated[32];
    vcm_time_iso(n ? days[0].picked : (int64_t)now, updated);
    vcm_buf_puts(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"" ATOM_NS
                    "\" xml:lang=\"en\">\n");
    text_el(b, "title", vcm_web_t(req, "feed.title"), NULL);
    text_el(b, "subtitle", vcm_web_t(req, "feed.subtitle"), NULL);
    const char *self = vcm_arena_printf(req->arena, "%s/feeds/masterpiece-of-the-day.atom", base);
    text_el(b, "id", self, NULL);
    vcm_buf_puts(b, "<link rel=\"self\" href=\"");
    vcm_buf_html(b, self, strlen(self));
    vcm_buf_puts(b, "\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
    vcm_buf_html(b, base, strlen(base));
    vcm_buf_puts(b, "/\"/>\n");
    text_el(b, "updated", updated, NULL);
    vcm_buf_puts(b, "<author><name>");
    const char *site = vcm_web_t(req, "site.name");
    vcm_buf_html(b, site, strlen(site));
    vcm_buf_puts(b, "</name></author>\n");
    for (size_t i = 0; i < n; i++)
        if (put_day(req, s, b, &days[i], base) < 0) {
            vcm_buf_reset(b);
            return vcm_web_store_error(req, resp, s);
        }
    vcm_buf_puts(b, "</feed>\n");
    resp->content_type = "application/atom+xml; charset=utf-8";
    return b->toobig ? -1 : 0;
}
