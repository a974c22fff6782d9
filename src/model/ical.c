/* iCalendar (RFC 5545) and Atom (RFC 4287) writers (model/ical.h).
 *
 * iCalendar: a content line is built whole, then folded into the output so
 * that no physical line passes 75 octets (RFC 5545 3.1) and no UTF-8
 * sequence is cut; the fold's leading space counts toward the next line.
 * Atom: every text goes through one XML escaper, which also leaves out
 * what XML 1.0 cannot carry (C0 controls other than tab and new lines). */
#include <string.h>
#include <time.h>

#include "model/ical.h"
#include "core/banned.h"

#define ICAL_LINE_MAX 75

/* Length of the UTF-8 sequence that starts with byte c (1 for anything
 * that does not start one, so a stray byte is copied, not swallowed). */
static size_t seq_len(unsigned char c)
{
    return c >= 0xF0 && c < 0xF8 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

static int fold(vcm_buf *b, const char *s, size_t n)
{
    size_t col = 0;
    for (size_t i = 0; i < n;) {
        size_t len = seq_len((unsigned char)s[i]);
        if (len > n - i)
            len = n - i;
        if (col + len > ICAL_LINE_MAX) {
            if (vcm_buf_append(b, "\r\n ", 3) < 0)
                return -1;
            col = 1;
        }
        if (vcm_buf_append(b, s + i, len) < 0)
            return -1;
        col += len;
        i += len;
    }
    return vcm_buf_append(b, "\r\n", 2);
}

/* TEXT (RFC 5545 3.3.11): backslash, semicolon, comma and new lines
 * escaped; other controls left out. */
static int text(vcm_buf *l, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        int rc = 0;
        if (c == '\\' || c == ';' || c == ',')
            rc = vcm_buf_putc(l, '\\') < 0 ? -1 : vcm_buf_putc(l, (char)c);
        else if (c == '\n')
            rc = vcm_buf_append(l, "\\n", 2);
        else if (c < 0x20 || c == 0x7f)
            continue;
        else
            rc = vcm_buf_putc(l, (char)c);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int prop(vcm_buf *b, vcm_buf *l, const char *name, const char *value, bool is_text)
{
    vcm_buf_reset(l);
    if (vcm_buf_puts(l, name) < 0 || vcm_buf_putc(l, ':') < 0)
        return -1;
    if (is_text ? text(l, value) < 0 : vcm_buf_puts(l, value) < 0)
        return -1;
    return fold(b, l->data, l->len);
}

static bool full(vcm_gdate d)
{
    return d.y && d.m && d.d;
}

static vcm_gdate next_day(vcm_gdate d)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (d.y % 4 == 0 && d.y % 100 != 0) || d.y % 400 == 0;
    int last = d.m == 2 && leap ? 29 : days[d.m - 1];
    if (++d.d > last) {
        d.d = 1;
        if (++d.m > 12) {
            d.m = 1;
            d.y++;
        }
    }
    return d;
}

static void ical_date(vcm_gdate d, char out[9])
{
    char iso[11];
    vcm_gdate_format(d, iso);
    memcpy(out, iso, 4);
    memcpy(out + 4, iso + 5, 2);
    memcpy(out + 6, iso + 8, 2);
    out[8] = 0;
}

int vcm_ical_write(vcm_buf *b, const char *prodid, const char *name, int64_t stamp,
                   const vcm_ical_event *ev, size_t n)
{
    int rc = -1;
    vcm_buf l;
    vcm_buf_init(&l, 64 * 1024);
    char when[32], day[9];
    time_t t = (time_t)stamp;
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(when, sizeof when, "%Y%m%dT%H%M%SZ", &tm))
        goto out;
    if (fold(b, "BEGIN:VCALENDAR", 15) < 0 || fold(b, "VERSION:2.0", 11) < 0 ||
        prop(b, &l, "PRODID", prodid, false) < 0 || fold(b, "CALSCALE:GREGORIAN", 18) < 0 ||
        fold(b, "METHOD:PUBLISH", 14) < 0 || (name && prop(b, &l, "X-WR-CALNAME", name, true) < 0))
        goto out;
    for (size_t i = 0; i < n; i++) {
        const vcm_ical_event *e = &ev[i];
        if (!e->uid || !*e->uid || !e->summary || !*e->summary)
            goto out;
        if (!full(e->start))
            continue;
        vcm_gdate end = full(e->end) && vcm_gdate_first(e->end) >= vcm_gdate_first(e->start)
                            ? e->end
                            : e->start;
        if (fold(b, "BEGIN:VEVENT", 12) < 0 || prop(b, &l, "UID", e->uid, false) < 0 ||
            prop(b, &l, "DTSTAMP", when, false) < 0)
            goto out;
        ical_date(e->start, day);
        if (prop(b, &l, "DTSTART;VALUE=DATE", day, false) < 0)
            goto out;
        ical_date(next_day(end), day);
        if (prop(b, &l, "DTEND;VALUE=DATE", day, false) < 0 ||
            prop(b, &l, "SUMMARY", e->summary, true) < 0 ||
            (e->location && prop(b, &l, "LOCATION", e->location, true) < 0) ||
            (e->description && prop(b, &l, "DESCRIPTION", e->description, true) < 0) ||
            (e->url && prop(b, &l, "URL", e->url, false) < 0) || fold(b, "END:VEVENT", 10) < 0)
            goto out;
    }
    rc = fold(b, "END:VCALENDAR", 13);
out:
    vcm_buf_release(&l);
    return rc;
}

/* ---- Atom ------------------------------------------------------------------------ */

static int xml(vcm_buf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        int rc;
        if (c == '&')
            rc = vcm_buf_puts(b, "&amp;");
        else if (c == '<')
            rc = vcm_buf_puts(b, "&lt;");
        else if (c == '>')
            rc = vcm_buf_puts(b, "&gt;");
        else if (c == '"')
            rc = vcm_buf_puts(b, "&quot;");
        else if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
            continue;
        else
            rc = vcm_buf_putc(b, (char)c);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* <name>text</name> */
static int elem(vcm_buf *b, const char *indent, const char *name, const char *value)
{
    if (vcm_buf_printf(b, "%s<%s>", indent, name) < 0 || xml(b, value) < 0)
        return -1;
    return vcm_buf_printf(b, "</%s>\n", name);
}

static int stamp(vcm_buf *b, const char *indent, const char *name, int64_t when)
{
    char s[32];
    time_t t = (time_t)when;
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", &tm))
        return -1;
    return elem(b, indent, name, s);
}

static int link(vcm_buf *b, const char *indent, const char *rel, const char *type,
                const char *href)
{
    if (vcm_buf_printf(b, "%s<link rel=\"%s\"", indent, rel) < 0 ||
        (type && vcm_buf_printf(b, " type=\"%s\"", type) < 0) || vcm_buf_puts(b, " href=\"") < 0 ||
        xml(b, href) < 0)
        return -1;
    return vcm_buf_puts(b, "\"/>\n");
}

static int author(vcm_buf *b, const char *indent, const char *name)
{
    if (vcm_buf_printf(b, "%s<author><name>", indent) < 0 || xml(b, name) < 0)
        return -1;
    return vcm_buf_puts(b, "</name></author>\n");
}

int vcm_atom_write(vcm_buf *b, const vcm_atom_feed *f, const vcm_atom_entry *e, size_t n)
{
    if (!f->id || !f->title || !f->author)
        return -1;
    if (vcm_buf_puts(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                        "<feed xmlns=\"http://www.w3.org/2005/Atom\"") < 0)
        return -1;
    if (f->lang && (vcm_buf_puts(b, " xml:lang=\"") < 0 || xml(b, f->lang) < 0 ||
                    vcm_buf_putc(b, '"') < 0))
        return -1;
    if (vcm_buf_puts(b, ">\n") < 0 || elem(b, "  ", "id", f->id) < 0 ||
        elem(b, "  ", "title", f->title) < 0 || stamp(b, "  ", "updated", f->updated) < 0 ||
        author(b, "  ", f->author) < 0 ||
        (f->self && link(b, "  ", "self", "application/atom+xml", f->self) < 0) ||
        (f->alternate && link(b, "  ", "alternate", "text/html", f->alternate) < 0))
        return -1;
    for (size_t i = 0; i < n; i++) {
        const vcm_atom_entry *x = &e[i];
        if (!x->id || !*x->id || !x->title)
            return -1;
        if (vcm_buf_puts(b, "  <entry>\n") < 0 || elem(b, "    ", "id", x->id) < 0 ||
            elem(b, "    ", "title", x->title) < 0 || stamp(b, "    ", "updated", x->updated) < 0 ||
            (x->published && stamp(b, "    ", "published", x->published) < 0) ||
            (x->author && author(b, "    ", x->author) < 0) ||
            (x->link && link(b, "    ", "alternate", "text/html", x->link) < 0))
            return -1;
        /* an entry without a link must carry content (RFC 4287 4.1.1.1) */
        const char *tag = x->link ? "summary" : "content";
        if (x->summary || !x->link) {
            if (vcm_buf_printf(b, "    <%s type=\"text\">", tag) < 0 ||
                xml(b, x->summary ? x->summary : x->title) < 0 ||
                vcm_buf_printf(b, "</%s>\n", tag) < 0)
                return -1;
        }
        if (vcm_buf_puts(b, "  </entry>\n") < 0)
            return -1;
    }
    return vcm_buf_puts(b, "</feed>\n");
}
