/* The feeds' writers (src/model/ical.c): iCalendar's line ends, folding,
 * escaping and required properties (RFC 5545); Atom checked as XML (a small
 * well-formedness reader below) and for the elements RFC 4287 requires. */
#include "testutil.h"

#include "model/ical.h"

static vcm_gdate day(const char *s)
{
    vcm_gdate d;
    assert_int_equal(vcm_gdate_parse(s, &d), 0);
    return d;
}

/* The logical lines of a calendar: every line ends in CRLF, no physical
 * line passes 75 octets or starts inside a UTF-8 sequence; unfolded. */
static char *unfold(const char *cal)
{
    size_t n = strlen(cal);
    char *out = malloc(n + 1), *o = out;
    size_t col = 0;
    for (size_t i = 0; i < n; i++) {
        if (cal[i] == '\n')
            fail_msg("a bare LF at %zu", i);
        if (cal[i] == '\r') {
            assert_int_equal(cal[i + 1], '\n');
            assert_true(col <= 75);
            i++;
            col = 0;
            if (cal[i + 1] == ' ') {
                i++;
                col = 1;
                assert_true(((unsigned char)cal[i + 1] & 0xC0) != 0x80);
                continue;
            }
            *o++ = '\n';
            continue;
        }
        *o++ = cal[i];
        col++;
    }
    assert_int_equal(col, 0); /* ends with CRLF */
    *o = 0;
    return out;
}

static void test_ical(void **state)
{
    (void)state;
    vcm_ical_event ev[] = {
        {"meeting-5@example.org", day("2012-10-04"), day("2012-10-06"),
         "5th General Conference; Seoul, Korea", "National Museum of Korea, Seoul",
         "Theme: New and Sustainable Museum Education\nback\\slash",
         "https://example.org/network/meetings/5"},
        {"meeting-6@example.org", day("2014-12-31"), (vcm_gdate){0}, "One day", NULL, NULL, NULL},
        {"meeting-7@example.org", day("2016"), (vcm_gdate){0}, "Known to the year", NULL, NULL,
         NULL},
    };
    vcm_buf b;
    vcm_buf_init(&b, 0);
    assert_int_equal(vcm_ical_write(&b, "-//VCM//Network//EN", "Meetings", 1349308800, ev, 3), 0);
    char *cal = unfold(b.data);
    assert_true(!strncmp(cal, "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//VCM//Network//EN\n", 54));
    assert_contains(cal, "\nEND:VCALENDAR\n");
    assert_contains(cal, "\nUID:meeting-5@example.org\nDTSTAMP:20121004T000000Z\n"
                         "DTSTART;VALUE=DATE:20121004\nDTEND;VALUE=DATE:20121007\n");
    assert_contains(cal, "\nSUMMARY:5th General Conference\\; Seoul\\, Korea\n");
    assert_contains(cal, "\nLOCATION:National Museum of Korea\\, Seoul\n");
    assert_contains(cal, "\nDESCRIPTION:Theme: New and Sustainable Museum Education\\nback"
                         "\\\\slash\n");
    assert_contains(cal, "\nURL:https://example.org/network/meetings/5\n");
    /* a one-day event across the year's end */
    assert_contains(cal, "DTSTART;VALUE=DATE:20141231\nDTEND;VALUE=DATE:20150101\n");
    /* a date known only to the year cannot be placed */
    assert_not_contains(cal, "meeting-7");
    size_t begins = 0;
    for (const char *p = cal; (p = strstr(p, "BEGIN:VEVENT")); p++)
        begins++;
    assert_int_equal(begins, 2);
    free(cal);

    /* long lines fold at 75 octets, never inside a character */
    char title[600] = "";
    for (int i = 0; i < 60; i++)
        strcat(title, i % 3 ? "국립" : "a,");
    vcm_ical_event longer = {"x@example.org", day("2012-10-04"), (vcm_gdate){0}, title, NULL,
                             NULL, NULL};
    vcm_buf_reset(&b);
    assert_int_equal(vcm_ical_write(&b, "-//VCM//Network//EN", NULL, 0, &longer, 1), 0);
    assert_contains(b.data, "\r\n ");
    cal = unfold(b.data);
    assert_contains(cal, "SUMMARY:a\\,국립국립a\\,");
    free(cal);

    /* controls are left out */
    vcm_ical_event ctl = {"c@example.org", day("2012-10-04"), (vcm_gdate){0}, "a\x01\rb", NULL,
                          NULL, NULL};
    vcm_buf_reset(&b);
    assert_int_equal(vcm_ical_write(&b, "p", NULL, 0, &ctl, 1), 0);
    assert_contains(b.data, "SUMMARY:ab\r\n");

    /* required fields, and the cap */
    vcm_ical_event no_uid = ev[0];
    no_uid.uid = NULL;
    vcm_buf_reset(&b);
    assert_int_equal(vcm_ical_write(&b, "p", NULL, 0, &no_uid, 1), -1);
    vcm_buf small;
    vcm_buf_init(&small, 100);
    assert_int_equal(vcm_ical_write(&small, "p", NULL, 0, ev, 1), -1);
    vcm_buf_release(&small);
    vcm_buf_release(&b);
}

/* ---- a small XML reader: well-formedness and the paths of elements ---------- */

static void entity(const char **p)
{
    static const char *const ok[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
    for (size_t i = 0; i < 5; i++)
        if (!strncmp(*p, ok[i], strlen(ok[i]))) {
            *p += strlen(ok[i]);
            return;
        }
    fail_msg("a bare & at '%.20s'", *p);
}

static const char *name(const char *p, char *out, size_t size)
{
    size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ:_-");
    assert_true(n > 0 && n < size);
    memcpy(out, p, n);
    out[n] = 0;
    return p + n;
}

/* Checks that doc is one well-formed element (after an XML declaration);
 * writes the path of every element, one a line, into paths. */
static void xml_check(const char *doc, vcm_buf *paths)
{
    char stack[8][32];
    int depth = 0, roots = 0;
    const char *p = doc;
    assert_true(!strncmp(p, "<?xml ", 6));
    p = strstr(p, "?>") + 2;
    while (*p) {
        if (*p == '&') {
            entity(&p);
            continue;
        }
        if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r')
            fail_msg("a control character in XML");
        if (*p != '<') {
            assert_true(depth > 0 || *p == '\n');
            p++;
            continue;
        }
        p++;
        if (*p == '/') {
            char n[32];
            p = name(p + 1, n, sizeof n);
            assert_true(depth > 0);
            assert_string_equal(n, stack[--depth]);
            assert_int_equal(*p++, '>');
            continue;
        }
        assert_true(depth < 8);
        if (depth == 0)
            roots++;
        p = name(p, stack[depth], sizeof stack[depth]);
        for (int i = 0; i <= depth; i++)
            vcm_buf_printf(paths, "/%s", stack[i]);
        vcm_buf_putc(paths, '\n');
        for (;;) {
            p += strspn(p, " ");
            if (*p == '/' || *p == '>')
                break;
            char a[32];
            p = name(p, a, sizeof a);
            assert_int_equal(*p++, '=');
            assert_int_equal(*p++, '"');
            while (*p != '"') {
                assert_true(*p && *p != '<');
                if (*p == '&')
                    entity(&p);
                else
                    p++;
            }
            p++;
        }
        if (*p == '/') {
            assert_int_equal(p[1], '>');
            p += 2;
        } else {
            p++;
            depth++;
        }
    }
    assert_int_equal(depth, 0);
    assert_int_equal(roots, 1);
}

static size_t count(const char *paths, const char *path)
{
    size_t n = 0, len = strlen(path);
    for (const char *p = paths; (p = strstr(p, path)); p += len)
        if ((p == paths || p[-1] == '\n') && p[len] == '\n')
            n++;
    return n;
}

static void test_atom(void **state)
{
    (void)state;
    vcm_atom_feed f = {"https://example.org/network/news", "News <of> the network",
                       "Secretariat & members", "https://example.org/network/news.atom",
                       "https://example.org/network/news", "en", 1386000000};
    vcm_atom_entry e[] = {
        {"https://example.org/network/news/2", "Members: 97 \"museums\"", "Grew <b>&</b>\x01",
         NULL, "https://example.org/network/news/2", 1386000000, 1385000000},
        {"https://example.org/network/news/1", "Without a link", NULL, "A member", NULL,
         1355000000, 0},
    };
    vcm_buf b, paths;
    vcm_buf_init(&b, 0);
    vcm_buf_init(&paths, 0);
    assert_int_equal(vcm_atom_write(&b, &f, e, 2), 0);
    xml_check(b.data, &paths);
    const char *ps = paths.data;
    assert_int_equal(count(ps, "/feed"), 1);
    assert_int_equal(count(ps, "/feed/id"), 1);
    assert_int_equal(count(ps, "/feed/title"), 1);
    assert_int_equal(count(ps, "/feed/updated"), 1);
    assert_int_equal(count(ps, "/feed/author/name"), 1);
    assert_int_equal(count(ps, "/feed/entry"), 2);
    assert_int_equal(count(ps, "/feed/entry/id"), 2);
    assert_int_equal(count(ps, "/feed/entry/title"), 2);
    assert_int_equal(count(ps, "/feed/entry/updated"), 2);
    assert_int_equal(count(ps, "/feed/entry/published"), 1);
    /* an entry with no link carries content */
    assert_int_equal(count(ps, "/feed/entry/content"), 1);
    assert_int_equal(count(ps, "/feed/entry/summary"), 1);
    assert_contains(b.data, "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\">");
    assert_contains(b.data, "<updated>2013-12-02T16:00:00Z</updated>");
    assert_contains(b.data, "<title>News &lt;of&gt; the network</title>");
    assert_contains(b.data, "<title>Members: 97 &quot;museums&quot;</title>");
    assert_contains(b.data, "<summary type=\"text\">Grew &lt;b&gt;&amp;&lt;/b&gt;</summary>");
    assert_contains(b.data, "<name>Secretariat &amp; members</name>");
    assert_contains(b.data, "<link rel=\"self\" type=\"application/atom+xml\" "
                            "href=\"https://example.org/network/news.atom\"/>");

    /* an empty feed is still a feed */
    vcm_buf_reset(&b);
    vcm_buf_reset(&paths);
    assert_int_equal(vcm_atom_write(&b, &f, NULL, 0), 0);
    xml_check(b.data, &paths);
    assert_int_equal(count(paths.data, "/feed/entry"), 0);

    /* required fields */
    vcm_atom_feed nof = f;
    nof.author = NULL;
    assert_int_equal(vcm_atom_write(&b, &nof, e, 2), -1);
    vcm_atom_entry noid = e[0];
    noid.id = "";
    vcm_buf_reset(&b);
    assert_int_equal(vcm_atom_write(&b, &f, &noid, 1), -1);
    vcm_buf_release(&b);
    vcm_buf_release(&paths);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ical),
        cmocka_unit_test(test_atom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
