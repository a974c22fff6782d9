/* The static export (site.h): URL to file, link rewriting, the crawl and
 * its incremental state.
 *
 * The crawl starts from the home page of every language asked, the seed
 * lists (every published object's page and API document, the museums, the
 * countries, the sitemap, robots.txt, the static files) and every file of
 * the previous export, and follows the links of each page it renders.
 * A link is exported when the router takes it as a public GET (a route
 * without an action: authz.c decides the others, which need a server), in
 * a language asked, and it is not one of the URLs the other exports or no
 * export write: /search (the static search), /iiif/ (the IIIF export), the
 * API apart from the object documents, OAI-PMH, the health checks. A URL
 * with a query is exported when it has at most one parameter besides page
 * (each facet value alone, and its pages): every combination of facets
 * would multiply without end. Other links are dropped (the attribute goes;
 * the text stays).
 *
 * Fingerprints. A file's fingerprint hashes the export's settings (program
 * version, base URL, languages), the public tables other than the objects'
 * (museums, countries, masterpiece entries, the network...; accounts,
 * sessions, mail and logs are left out), and the change sequence of every
 * object the page shows or links to (store.h, changes_since: an object's
 * sequence moves when it, its images or its museum's names change). A page
 * that is not an object's (lists, home, museums) also hashes the published
 * objects' ids and the collection's facet counts, and the home page the
 * day (the Masterpiece of the Day). So after one record changed, its pages
 * and the list pages showing it are rendered again, and nothing else. */
#include "web/site.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "core/asset.h"
#include "core/langs.h"
#include "core/strmap.h"
#include "http/router.h"
#include "web/web.h"
#include "core/banned.h"

#define STATE_FILE ".vcm-export"
#define STATE_MAGIC "vcm-export 1"
#define MAX_SEGMENT 200
#define MAX_DEPS 4096 /* object ids one page depends on, at most */

/* ---- pure parts ---- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int vcm_site_decode(const char *link, vcm_buf *out)
{
    for (const char *p = link; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '%') {
            int h = hexval(p[1]), l = h < 0 ? -1 : hexval(p[2]);
            if (l < 0)
                return -1;
            c = (unsigned char)(h * 16 + l);
            if (c == '/' || c < 0x20 || c == 0x7F)
                return -1;
            p += 2;
        } else if (c < 0x20 || c == 0x7F) {
            return -1;
        }
        if (vcm_buf_putc(out, (char)c) < 0)
            return -1;
    }
    return 0;
}

/* Decodes n bytes of a query name or value ('+' a space); -1 on a bad escape. */
static int query_decode(const char *s, size_t n, vcm_buf *out)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            int h = i + 2 < n ? hexval(s[i + 1]) : -1;
            int l = h < 0 ? -1 : hexval(s[i + 2]);
            if (l < 0)
                return -1;
            c = (char)(h * 16 + l);
            i += 2;
        }
        if (vcm_buf_putc(out, c) < 0)
            return -1;
    }
    return 0;
}

/* Writes s (n bytes) keeping [A-Za-z0-9] and every other byte as _XX. */
static void seg_escape(vcm_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (alnum(c)) {
            vcm_buf_putc(b, (char)c);
        } else {
            char e[3] = {'_', hex[c >> 4], hex[c & 15]};
            vcm_buf_append(b, e, 3);
        }
    }
}

struct qpair {
    const char *name, *value;
    size_t nlen, vlen;
};

static int qpair_cmp(const void *a, const void *b)
{
    const struct qpair *x = a, *y = b;
    size_t n = x->nlen < y->nlen ? x->nlen : y->nlen;
    int c = memcmp(x->name, y->name, n);
    if (c)
        return c;
    if (x->nlen != y->nlen)
        return x->nlen < y->nlen ? -1 : 1;
    /* equal names: by value, so that the order given never matters */
    n = x->vlen < y->vlen ? x->vlen : y->vlen;
    c = memcmp(x->value, y->value, n);
    return c ? c : (x->vlen > y->vlen) - (x->vlen < y->vlen);
}

#define MAX_PAIRS 16

/* The query's segment (after "~q/"); -1 when it is bad or too long. */
static int query_segment(const char *q, vcm_buf *out)
{
    struct qpair ps[MAX_PAIRS];
    size_t n = 0;
    vcm_buf dec;
    vcm_buf_init(&dec, 4096);
    int rc = -1;
    /* decoded names and values, NUL-separated, then pointed at */
    size_t offs[MAX_PAIRS][4];
    for (const char *p = q; *p;) {
        size_t len = strcspn(p, "&");
        if (len) {
            if (n == MAX_PAIRS)
                goto out;
            const char *eq = memchr(p, '=', len);
            size_t nl = eq ? (size_t)(eq - p) : len;
            if (nl == 0)
                goto out; /* a value without a name names nothing */
            offs[n][0] = dec.len;
            if (query_decode(p, nl, &dec) < 0)
                goto out;
            offs[n][1] = dec.len - offs[n][0];
            offs[n][2] = dec.len;
            if (eq && query_decode(eq + 1, len - nl - 1, &dec) < 0)
                goto out;
            offs[n][3] = dec.len - offs[n][2];
            n++;
        }
        p += len;
        if (*p == '&')
            p++;
    }
    if (dec.toobig || n == 0)
        goto out;
    for (size_t i = 0; i < n; i++)
        ps[i] = (struct qpair){dec.data + offs[i][0], dec.data + offs[i][2], offs[i][1],
                               offs[i][3]};
    qsort(ps, n, sizeof *ps, qpair_cmp);
    size_t start = out->len;
    for (size_t i = 0; i < n; i++) {
        if (i)
            vcm_buf_putc(out, '~');
        seg_escape(out, ps[i].name, ps[i].nlen);
        vcm_buf_putc(out, '=');
        seg_escape(out, ps[i].value, ps[i].vlen);
    }
    rc = out->toobig || out->len - start > MAX_SEGMENT ? -1 : 0;
out:
    vcm_buf_release(&dec);
    return rc;
}

int vcm_site_file(const char *target, vcm_buf *out)
{
    if (!target || target[0] != '/')
        return -1;
    size_t plen = strcspn(target, "?#");
    if (target[plen] == '#')
        return -1;
    const char *query = target[plen] == '?' ? target + plen + 1 : NULL;
    size_t start = out->len;
    /* the path's segments, checked as the router checks them */
    const char *last = NULL;
    size_t lastlen = 0;
    for (size_t i = 1; i < plen;) {
        size_t n = 0;
        while (i + n < plen && target[i + n] != '/')
            n++;
        const char *seg = target + i;
        if (n == 0 || n > MAX_SEGMENT || (n == 1 && seg[0] == '.') ||
            (n == 2 && seg[0] == '.' && seg[1] == '.'))
            return -1;
        char dec[MAX_SEGMENT + 1];
        size_t dn = 0;
        for (size_t k = 0; k < n; k++) {
            unsigned char c = (unsigned char)seg[k];
            if (c <= 0x20 || c == 0x7F || c == '"' || c == '\\' || c == '<' || c == '>')
                return -1;
            if (c == '%') {
                int h = k + 2 < n ? hexval(seg[k + 1]) : -1;
                int l = h < 0 ? -1 : hexval(seg[k + 2]);
                if (l < 0)
                    return -1;
                c = (unsigned char)(h * 16 + l);
                if (c == '/' || c < 0x20 || c == 0x7F)
                    return -1;
                k += 2;
            }
            dec[dn++] = (char)c;
        }
        /* %2e%2e: a ".." in disguise */
        if ((dn == 1 && dec[0] == '.') || (dn == 2 && dec[0] == '.' && dec[1] == '.'))
            return -1;
        vcm_buf_append(out, seg, n);
        last = seg;
        lastlen = n;
        i += n;
        if (i < plen) {
            i++; /* the '/' */
            if (i == plen)
                return -1; /* a trailing slash: /objects/3/ is not /objects/3 */
            vcm_buf_putc(out, '/');
        }
    }
    bool api_object = strncmp(target, "/api/v1/objects/", 16) == 0 && plen > 16 &&
                      strspn(target + 16, "0123456789") == plen - 16;
    if (query) {
        if (out->len > start)
            vcm_buf_putc(out, '/');
        vcm_buf_puts(out, "~q/");
        if (query_segment(query, out) < 0)
            return -1;
        vcm_buf_puts(out, "/index.html");
    } else if (api_object) {
        vcm_buf_puts(out, ".json");
    } else if (!last || !memchr(last, '.', lastlen)) {
        vcm_buf_puts(out, out->len > start ? "/index.html" : "index.html");
    }
    return out->toobig ? -1 : 0;
}

int vcm_site_relative(const char *from, const char *to, vcm_buf *out)
{
    /* the common folders */
    size_t common = 0;
    for (size_t i = 0; from[i] && from[i] == to[i]; i++)
        if (from[i] == '/')
            common = i + 1;
    for (const char *p = from + common; *p; p++)
        if (*p == '/')
            vcm_buf_puts(out, "../");
    vcm_buf_puts(out, to + common);
    return out->toobig ? -1 : 0;
}

/* Attribute values: character references decoded for fn, and escaped back. */
static void attr_unescape(const char *s, size_t n, vcm_buf *out)
{
    static const struct {
        const char *name;
        char c;
    } named[] = {{"amp;", '&'}, {"quot;", '"'}, {"apos;", '\''}, {"lt;", '<'}, {"gt;", '>'}};
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '&') {
            vcm_buf_putc(out, s[i]);
            continue;
        }
        bool done = false;
        for (size_t k = 0; k < sizeof named / sizeof named[0] && !done; k++) {
            size_t l = strlen(named[k].name);
            if (i + 1 + l <= n && memcmp(s + i + 1, named[k].name, l) == 0) {
                vcm_buf_putc(out, named[k].c);
                i += l;
                done = true;
            }
        }
        if (!done && i + 2 < n && s[i + 1] == '#') {
            /* a numeric reference to an ASCII character */
            size_t k = i + 2;
            bool hex = k < n && (s[k] == 'x' || s[k] == 'X');
            if (hex)
                k++;
            long v = 0;
            size_t digits = 0;
            while (k < n && digits < 6 && (hex ? hexval(s[k]) >= 0 : (s[k] >= '0' && s[k] <= '9'))) {
                v = v * (hex ? 16 : 10) + (hex ? hexval(s[k]) : s[k] - '0');
                k++;
                digits++;
            }
            if (digits && k < n && s[k] == ';' && v >= 0x20 && v < 0x7F) {
                vcm_buf_putc(out, (char)v);
                i = k;
                done = true;
            }
        }
        if (!done)
            vcm_buf_putc(out, '&');
    }
}

static void attr_escape(vcm_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '&': vcm_buf_puts(b, "&amp;"); break;
        case '"': vcm_buf_puts(b, "&quot;"); break;
        case '<': vcm_buf_puts(b, "&lt;"); break;
        case '>': vcm_buf_puts(b, "&gt;"); break;
        default: vcm_buf_putc(b, s[i]);
        }
    }
}

enum attr_kind { ATTR_NONE, ATTR_URL, ATTR_SRCSET, ATTR_LIST };

static enum attr_kind attr_kind(const char *name, size_t n)
{
    static const struct {
        const char *name;
        enum attr_kind kind;
    } kinds[] = {{"href", ATTR_URL},   {"src", ATTR_URL},       {"action", ATTR_URL},
                 {"poster", ATTR_URL}, {"srcset", ATTR_SRCSET}, {"data-info", ATTR_LIST}};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strlen(kinds[i].name) == n && strncasecmp(kinds[i].name, name, n) == 0)
            return kinds[i].kind;
    return ATTR_NONE;
}

/* One URL through fn: appends what replaces it (raw, unescaped) to val and
 * returns 1, 0 (keep: its decoded text appended), -1 (dropped), -2 failed. */
static int one_url(vcm_site_resolve_fn fn, void *ud, const char *tag, const char *attr,
                   const char *url, size_t n, vcm_buf *val, vcm_buf *tmp)
{
    vcm_buf_reset(tmp);
    vcm_buf_append(tmp, url, n);
    if (tmp->toobig)
        return -2;
    size_t mark = val->len;
    int r = fn(ud, tag, attr, tmp->data ? tmp->data : "", val);
    if (r == 0) {
        val->len = mark;
        vcm_buf_append(val, url, n);
    } else if (r < 0) {
        val->len = mark;
    }
    if (val->data)
        val->data[val->len] = '\0';
    return r < -1 ? -2 : r;
}

/* Rewrites one attribute value (raw bytes v, n); the new raw value in val.
 * Returns 1 changed, 0 unchanged, -1 drop the attribute, -2 failed. */
static int rewrite_value(enum attr_kind kind, const char *tag, const char *attr, const char *v,
                         size_t n, vcm_site_resolve_fn fn, void *ud, vcm_buf *val)
{
    vcm_buf dec, tmp;
    vcm_buf_init(&dec, 1 << 20);
    vcm_buf_init(&tmp, 1 << 20);
    attr_unescape(v, n, &dec);
    int rc = 0;
    const char *s = dec.data ? dec.data : "";
    size_t len = dec.len;
    vcm_buf_reset(val);
    if (dec.toobig) {
        rc = -2;
    } else if (kind == ATTR_URL) {
        /* browsers strip the spaces around a URL */
        size_t a = 0, z = len;
        while (a < z && (s[a] == ' ' || s[a] == '\t' || s[a] == '\n' || s[a] == '\r'))
            a++;
        while (z > a && (s[z - 1] == ' ' || s[z - 1] == '\t' || s[z - 1] == '\n' || s[z - 1] == '\r'))
            z--;
        rc = one_url(fn, ud, tag, attr, s + a, z - a, val, &tmp);
    } else {
        /* a list: srcset items "URL descriptor" by commas, or URLs by spaces */
        char sep = kind == ATTR_SRCSET ? ',' : ' ';
        bool any = false, changed = false;
        size_t items = 0;
        for (size_t i = 0; i < len;) {
            while (i < len && (s[i] == ' ' || s[i] == sep || s[i] == '\t' || s[i] == '\n'))
                i++;
            if (i >= len)
                break;
            size_t u = i;
            while (i < len && s[i] != ' ' && s[i] != '\t' && s[i] != '\n' &&
                   !(kind == ATTR_LIST && s[i] == sep))
                i++;
            size_t ue = i;
            size_t d = i;
            if (kind == ATTR_SRCSET) {
                while (i < len && s[i] != ',')
                    i++;
            }
            size_t de = i;
            size_t mark = val->len;
            items++;
            if (any)
                vcm_buf_puts(val, kind == ATTR_SRCSET ? ", " : " ");
            int r = one_url(fn, ud, tag, attr, s + u, ue - u, val, &tmp);
            if (r == -2) {
                rc = -2;
                break;
            }
            if (r < 0) {
                val->len = mark;
                if (val->data)
                    val->data[mark] = '\0';
                changed = true;
                continue;
            }
            changed |= r == 1;
            while (d < de && s[d] == ' ')
                d++;
            while (de > d && s[de - 1] == ' ')
                de--;
            if (de > d) {
                vcm_buf_putc(val, ' ');
                vcm_buf_append(val, s + d, de - d);
            }
            any = true;
        }
        if (rc == 0)
            rc = items && !any ? -1 : changed ? 1 : 0;
    }
    if (val->toobig)
        rc = -2;
    vcm_buf_release(&dec);
    vcm_buf_release(&tmp);
    return rc;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Where the raw text of a script or style element ends: at its end tag. */
static size_t raw_text_end(const char *h, size_t len, size_t i, const char *name, size_t nl)
{
    for (; i + 2 + nl <= len; i++)
        if (h[i] == '<' && h[i + 1] == '/' && strncasecmp(h + i + 2, name, nl) == 0)
            return i;
    return len;
}

int vcm_site_rewrite(const char *h, size_t len, vcm_site_resolve_fn fn, void *ud, vcm_buf *out)
{
    vcm_buf val;
    vcm_buf_init(&val, 1 << 20);
    int rc = 0;
    size_t i = 0;
    while (i < len) {
        const char *lt = memchr(h + i, '<', len - i);
        size_t at = lt ? (size_t)(lt - h) : len;
        vcm_buf_append(out, h + i, at - i);
        i = at;
        if (i >= len)
            break;
        if (len - i >= 4 && memcmp(h + i, "<!--", 4) == 0) {
            const char *end = NULL;
            for (size_t k = i + 4; k + 3 <= len; k++)
                if (memcmp(h + k, "-->", 3) == 0) {
                    end = h + k + 3;
                    break;
                }
            size_t e = end ? (size_t)(end - h) : len;
            vcm_buf_append(out, h + i, e - i);
            i = e;
            continue;
        }
        size_t k = i + 1;
        if (k >= len || !((h[k] >= 'a' && h[k] <= 'z') || (h[k] >= 'A' && h[k] <= 'Z'))) {
            /* an end tag, a declaration, or a lone '<': copied to its '>' */
            const char *gt = memchr(h + i, '>', len - i);
            size_t e = gt ? (size_t)(gt - h) + 1 : len;
            if (k < len && h[k] != '/' && h[k] != '!' && h[k] != '?')
                e = i + 1; /* a '<' in text */
            vcm_buf_append(out, h + i, e - i);
            i = e;
            continue;
        }
        /* a start tag: its name, then its attributes */
        size_t ns = k;
        while (k < len && !is_space(h[k]) && h[k] != '>' && h[k] != '/')
            k++;
        const char *tname = h + ns;
        size_t tnl = k - ns;
        char tag[16] = "";
        if (tnl < sizeof tag)
            for (size_t c = 0; c <= tnl; c++)
                tag[c] = c == tnl ? '\0'
                                  : (char)((tname[c] >= 'A' && tname[c] <= 'Z') ? tname[c] + 32
                                                                                : tname[c]);
        vcm_buf_append(out, h + i, k - i);
        i = k;
        for (;;) {
            size_t ws = i;
            while (i < len && (is_space(h[i]) || h[i] == '/'))
                i++;
            if (i >= len || h[i] == '>') {
                vcm_buf_append(out, h + ws, i - ws);
                break;
            }
            size_t an = i;
            while (i < len && !is_space(h[i]) && h[i] != '=' && h[i] != '>' && h[i] != '/')
                i++;
            if (i == an) /* a lone '=': part of nothing, copied */
                i++;
            size_t ane = i;
            size_t vs = 0, ve = 0, end = i;
            bool has_value = false;
            size_t q = i;
            while (q < len && is_space(h[q]))
                q++;
            if (q < len && h[q] == '=') {
                q++;
                while (q < len && is_space(h[q]))
                    q++;
                has_value = true;
                if (q < len && (h[q] == '"' || h[q] == '\'')) {
                    const char *close = memchr(h + q + 1, h[q], len - q - 1);
                    vs = q + 1;
                    ve = close ? (size_t)(close - h) : len;
                    end = close ? ve + 1 : len;
                } else {
                    vs = q;
                    ve = q;
                    while (ve < len && !is_space(h[ve]) && h[ve] != '>')
                        ve++;
                    end = ve;
                }
            }
            enum attr_kind kind = has_value ? attr_kind(h + an, ane - an) : ATTR_NONE;
            if (kind == ATTR_NONE) {
                vcm_buf_append(out, h + ws, end - ws);
                i = end;
                continue;
            }
            char aname[16];
            size_t al = ane - an;
            for (size_t c = 0; c < al; c++)
                aname[c] = (char)((h[an + c] >= 'A' && h[an + c] <= 'Z') ? h[an + c] + 32
                                                                         : h[an + c]);
            aname[al] = '\0';
            int r = rewrite_value(kind, tag, aname, h + vs, ve - vs, fn, ud, &val);
            if (r == -2) {
                rc = -1;
                goto out;
            }
            if (r == 0) {
                vcm_buf_append(out, h + ws, end - ws);
            } else if (r == 1) {
                vcm_buf_append(out, h + ws, ane - ws);
                vcm_buf_puts(out, "=\"");
                attr_escape(out, val.data ? val.data : "", val.len);
                vcm_buf_putc(out, '"');
            }
            /* r == -1: the attribute and the space before it go */
            i = end;
        }
        if (i < len) {
            vcm_buf_putc(out, '>');
            i++;
        }
        if ((tnl == 6 && strncasecmp(tname, "script", 6) == 0) ||
            (tnl == 5 && strncasecmp(tname, "style", 5) == 0)) {
            size_t e = raw_text_end(h, len, i, tname, tnl);
            vcm_buf_append(out, h + i, e - i);
            i = e;
        }
    }
out:
    vcm_buf_release(&val);
    if (out->toobig)
        rc = -1;
    return rc;
}

/* ---- the export ---- */

struct objseq {
    int64_t id, seq;
};

struct prev_file {
    char *target, *fp, *deps;
};

struct site {
    vcm_site_export *x;
    vcm_strmap seen;     /* targets, in the order found: the crawl's queue */
    vcm_strmap prev;     /* the previous export's files: index + 1 in prevs */
    struct prev_file *prevs;
    size_t nprev;
    char *prev_text;     /* the state file as read; prevs point into it */
    vcm_strmap produced; /* files written or kept by this export */
    struct objseq *seqs; /* every object's change sequence, by id */
    size_t nseqs;
    int64_t *published;  /* the published objects' ids, ascending */
    size_t npublished, cappublished;
    unsigned char settings[16], tables[16], listing[16];
    int64_t head;        /* the highest change sequence */
    char day[16];
    FILE *state;         /* the new state, a line per file as it is made */
    vcm_arena scratch;   /* for route matching while links are decided */
    /* the page whose links are being rewritten */
    const char *file;
    int64_t deps[MAX_DEPS];
    size_t ndeps;
    uint64_t reqs;
    char *err;
    size_t errlen;
};

static bool lang_wanted(const struct site *st, const char *code)
{
    for (size_t i = 0; i < st->x->nlangs; i++)
        if (strcmp(st->x->langs[i], code) == 0)
            return true;
    return false;
}

/* The object a target is the page or document of, else 0: /objects/3,
 * /objects/3.jsonld, /ko/objects/3, /api/v1/objects/3. */
static int64_t object_of(const char *target)
{
    const char *rest;
    vcm_lang_prefix(target, &rest);
    const char *p = NULL;
    if (strncmp(rest, "/objects/", 9) == 0)
        p = rest + 9;
    else if (strncmp(target, "/api/v1/objects/", 16) == 0)
        p = target + 16;
    if (!p)
        return 0;
    size_t n = strspn(p, "0123456789");
    if (n == 0 || n > 18 || (p[n] && p[n] != '.'))
        return 0;
    return strtoll(p, NULL, 10);
}

static bool starts_seg(const char *path, const char *prefix)
{
    size_t n = strlen(prefix);
    return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/' || path[n] == '?');
}

/* Whether target ("/path?query", no fragment) is a file of this export. */
static bool exportable(struct site *st, const char *target)
{
    size_t plen = strcspn(target, "?");
    const char *query = target[plen] ? target + plen + 1 : NULL;
    vcm_arena_reset(&st->scratch);
    char *path = vcm_arena_strndup(&st->scratch, target, plen);
    if (!path)
        return false;
    const char *rest;
    const vcm_lang *pl = vcm_lang_prefix(path, &rest);
    if (pl ? !lang_wanted(st, pl->code)
           : vcm_lang_path_localized(path) && !lang_wanted(st, VCM_LANG_DEFAULT))
        return false;
    /* what other exports write, or none: a server's own */
    if (starts_seg(rest, "/search") || starts_seg(rest, "/iiif") || starts_seg(rest, "/oai") ||
        starts_seg(rest, "/healthz") || starts_seg(rest, "/readyz"))
        return false;
    if (starts_seg(path, "/api") && (query || object_of(path) == 0))
        return false;
    /* the comparison is of the objects its address names (exhibitions link
     * to theirs); bare, it is the target of a form that adds one */
    if (strcmp(rest, "/compare") == 0 && !query)
        return false;
    if (query) {
        /* one parameter besides page: each facet value and its pages */
        int others = 0, pages = 0;
        for (const char *q = query; *q;) {
            size_t n = strcspn(q, "&");
            size_t nl = strcspn(q, "=&");
            if (n) {
                if (nl == 4 && strncmp(q, "page", 4) == 0)
                    pages++;
                else if (nl == 4 && strncmp(q, "lang", 4) == 0)
                    return false; /* the prefix says the language */
                else
                    others++;
            }
            q += n;
            if (*q == '&')
                q++;
        }
        if (others > 1 || pages > 1)
            return false;
    }
    vcm_route route;
    const char *prefix, *after;
    if (vcm_router_match_lang(st->x->router, &st->scratch, "GET", path, &route, &prefix,
                              &after) != VCM_ROUTE_FOUND ||
        route.action)
        return false;
    vcm_buf f;
    vcm_buf_init(&f, 4096);
    bool ok = vcm_site_file(target, &f) == 0;
    vcm_buf_release(&f);
    return ok;
}

static void enqueue(struct site *st, const char *target, size_t n)
{
    int added;
    vcm_strmap_put(&st->seen, target, n, 0, &added);
}

static void add_dep(struct site *st, int64_t id)
{
    for (size_t i = 0; i < st->ndeps; i++)
        if (st->deps[i] == id)
            return;
    if (st->ndeps < MAX_DEPS)
        st->deps[st->ndeps++] = id;
}

static bool iiif_image_request(const char *rest)
{
    /* /iiif/{id}/{region}/{size}/{rotation}/{quality}: four slashes after the id */
    int slashes = 0;
    for (const char *p = rest + 6; *p && *p != '?'; p++)
        slashes += *p == '/';
    return slashes == 4 && !starts_seg(rest, "/iiif/manifest") &&
           !starts_seg(rest, "/iiif/collection") && !starts_seg(rest, "/iiif/activity");
}

/* vcm_site_resolve_fn for the pages: see the file comment. */
static int resolve(void *ud, const char *tag, const char *attr, const char *url, vcm_buf *out)
{
    struct site *st = ud;
    (void)attr;
    size_t bl = strlen(st->x->base_url);
    if (strncmp(url, st->x->base_url, bl) == 0 && url[bl] == '/' && url[bl + 1] != '/') {
        url += bl; /* the site's own absolute URL */
        if (strcmp(tag, "link") == 0) {
            /* canonical and hreflang links stay absolute, for the pages the
             * export holds: those of another language go */
            const char *rest;
            const vcm_lang *pl = vcm_lang_prefix(url, &rest);
            return lang_wanted(st, pl ? pl->code : VCM_LANG_DEFAULT) ? 0 : -1;
        }
    } else if (url[0] != '/' || url[1] == '/') {
        return 0; /* relative, another site's, a fragment: left as it is */
    }
    size_t tlen = strcspn(url, "#");
    const char *frag = url + tlen;
    char target[4096];
    if (tlen >= sizeof target)
        return -1;
    memcpy(target, url, tlen);
    target[tlen] = '\0';
    size_t plen = strcspn(target, "?");
    const char *rest;
    char save = target[plen];
    target[plen] = '\0';
    const vcm_lang *pl = vcm_lang_prefix(target, &rest);
    target[plen] = save;
    vcm_buf to;
    vcm_buf_init(&to, 8192);
    int rc = -1;
    if (starts_seg(rest, "/iiif") && !pl) {
        if (iiif_image_request(rest) && plen == tlen) {
            /* an image, written by the IIIF export at its URL */
            if (vcm_site_file(target, &to) == 0 && vcm_site_relative(st->file, to.data, out) == 0)
                rc = 1;
        } else {
            /* info.json, manifests: their ids are absolute */
            vcm_buf_printf(out, "%s%s", st->x->base_url, url);
            rc = 1;
        }
    } else if (starts_seg(rest, "/search") && (plen == 7 + (pl ? strlen(pl->code) + 1 : 0))) {
        /* the static search's page, with the query it is given */
        if (lang_wanted(st, pl ? pl->code : VCM_LANG_DEFAULT)) {
            vcm_buf_printf(&to, "%s%ssearch/index.html", pl ? pl->code : "", pl ? "/" : "");
            if (vcm_site_relative(st->file, to.data, out) == 0) {
                vcm_buf_puts(out, target + plen);
                vcm_buf_puts(out, frag);
                rc = 1;
            }
        }
    } else if (exportable(st, target)) {
        if (vcm_site_file(target, &to) == 0 && vcm_site_relative(st->file, to.data, out) == 0) {
            vcm_buf_puts(out, frag);
            enqueue(st, target, tlen);
            int64_t id = object_of(target);
            if (id)
                add_dep(st, id);
            rc = 1;
        }
    }
    vcm_buf_release(&to);
    if (out->toobig)
        return -2;
    return rc;
}

static bool is_published(const struct site *st, int64_t id)
{
    size_t lo = 0, hi = st->npublished;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (st->published[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < st->npublished && st->published[lo] == id;
}

static int64_t seq_of(const struct site *st, int64_t id)
{
    size_t lo = 0, hi = st->nseqs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (st->seqs[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < st->nseqs && st->seqs[lo].id == id ? st->seqs[lo].seq : -1;
}

/* The fingerprint of target made from the objects deps (n of them). */
static void fingerprint(const struct site *st, const char *target, bool html,
                        const int64_t *deps, size_t n, char hex[33])
{
    crypto_generichash_state h;
    unsigned char d[16];
    crypto_generichash_init(&h, NULL, 0, sizeof d);
    crypto_generichash_update(&h, st->settings, sizeof st->settings);
    crypto_generichash_update(&h, (const unsigned char *)target, strlen(target) + 1);
    if (!starts_seg(target, "/static")) {
        crypto_generichash_update(&h, st->tables, sizeof st->tables);
        int64_t own = object_of(target);
        if (own) {
            /* withdrawn, or made a draft again: its page goes */
            unsigned char pub = is_published(st, own);
            crypto_generichash_update(&h, &pub, 1);
        } else {
            crypto_generichash_update(&h, st->listing, sizeof st->listing);
            const char *rest;
            vcm_lang_prefix(target, &rest);
            if (strcmp(rest, "/") == 0)
                crypto_generichash_update(&h, (const unsigned char *)st->day, strlen(st->day));
            /* the sitemap, feeds, tables: what they list is not linked */
            if (!html)
                crypto_generichash_update(&h, (const unsigned char *)&st->head, sizeof st->head);
        }
        for (size_t i = 0; i < n; i++) {
            int64_t pair[2] = {deps[i], seq_of(st, deps[i])};
            crypto_generichash_update(&h, (const unsigned char *)pair, sizeof pair);
        }
    }
    crypto_generichash_final(&h, d, sizeof d);
    sodium_bin2hex(hex, 33, d, sizeof d);
}

/* Makes the folders above the file path (inside the export). */
static int make_parents(const char *path)
{
    char p[4096];
    if (strlen(path) >= sizeof p)
        return -1;
    memcpy(p, path, strlen(path) + 1);
    for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        if (mkdir(p, 0755) < 0 && errno != EEXIST) {
            *s = '/';
            return -1;
        }
        *s = '/';
    }
    return 0;
}

/* DIR/link decoded into path. */
static int disk_path(const struct site *st, const char *link, vcm_buf *path)
{
    vcm_buf_printf(path, "%s/", st->x->dir);
    return vcm_site_decode(link, path) < 0 || path->toobig ? -1 : 0;
}

static int write_file(struct site *st, const char *link, const char *data, size_t n)
{
    vcm_buf path;
    vcm_buf_init(&path, 8192);
    int rc = -1;
    if (disk_path(st, link, &path) < 0) {
        snprintf(st->err, st->errlen, "no file name for '%s'", link);
        goto out;
    }
    if (make_parents(path.data) < 0) {
        snprintf(st->err, st->errlen, "cannot make the folder of '%s': %s", path.data,
                 strerror(errno));
        goto out;
    }
    /* written beside, then renamed: a file is never left half written */
    vcm_buf tmp;
    vcm_buf_init(&tmp, 8200);
    vcm_buf_printf(&tmp, "%s.tmp~", path.data);
    FILE *f = tmp.toobig ? NULL : fopen(tmp.data, "wb");
    if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0 || rename(tmp.data, path.data) < 0) {
        snprintf(st->err, st->errlen, "cannot write '%s': %s", path.data, strerror(errno));
        if (tmp.data)
            unlink(tmp.data);
        vcm_buf_release(&tmp);
        goto out;
    }
    vcm_buf_release(&tmp);
    rc = 0;
out:
    vcm_buf_release(&path);
    return rc;
}

static long long file_size(const struct site *st, const char *link)
{
    vcm_buf path;
    vcm_buf_init(&path, 8192);
    struct stat sb;
    long long r = disk_path(st, link, &path) == 0 && stat(path.data, &sb) == 0 &&
                          S_ISREG(sb.st_mode)
                      ? (long long)sb.st_size
                      : -1;
    vcm_buf_release(&path);
    return r;
}

static void state_line(struct site *st, const char *link, const char *fp, const char *deps,
                       const char *target)
{
    fprintf(st->state, "%s\t%s\t%s\t%s\n", link, fp, deps && *deps ? deps : "-", target);
    int added;
    vcm_strmap_put(&st->produced, link, strlen(link), 0, &added);
}

/* The first s in the n bytes at h, or NULL. */
static const char *strstr_n(const char *h, size_t n, const char *s)
{
    size_t sl = strlen(s);
    for (size_t i = 0; i + sl <= n; i++)
        if (memcmp(h + i, s, sl) == 0)
            return h + i;
    return NULL;
}

/* The sitemap's index names its files: they are exported too. */
static void sitemap_files(struct site *st, const char *body, size_t n)
{
    char want[600];
    snprintf(want, sizeof want, "<loc>%s/sitemaps/", st->x->base_url);
    size_t wl = strlen(want), bl = strlen(st->x->base_url);
    for (size_t i = 0; i + wl <= n; i++) {
        if (memcmp(body + i, want, wl) != 0)
            continue;
        const char *path = body + i + 5 + bl;
        const char *end = memchr(path, '<', n - (size_t)(path - body));
        if (end && end - path < 200)
            enqueue(st, path, (size_t)(end - path));
    }
}

/* The language of a URL of the sitemap (base + path), or of an hreflang. */
static bool url_wanted(const struct site *st, const char *u, size_t n)
{
    size_t bl = strlen(st->x->base_url);
    if (n < bl || memcmp(u, st->x->base_url, bl) != 0)
        return true;
    char path[512];
    size_t pl = n - bl < sizeof path - 1 ? n - bl : sizeof path - 1;
    memcpy(path, u + bl, pl);
    path[pl] = '\0';
    const char *rest;
    const vcm_lang *l = vcm_lang_prefix(path, &rest);
    if (l)
        return lang_wanted(st, l->code);
    return !vcm_lang_path_localized(path) || lang_wanted(st, VCM_LANG_DEFAULT);
}

/* The sitemap without the pages of the languages not exported: its <url>
 * entries and its xhtml:link alternates that name them. */
static void sitemap_langs(const struct site *st, const char *b, size_t n, vcm_buf *out)
{
    static const char url_open[] = "<url><loc>", link_open[] = "<xhtml:link ";
    size_t i = 0;
    while (i < n) {
        const char *lt = memchr(b + i, '<', n - i);
        size_t at = lt ? (size_t)(lt - b) : n;
        vcm_buf_append(out, b + i, at - i);
        i = at;
        if (i >= n)
            break;
        size_t rem = n - i;
        if (rem > sizeof url_open - 1 && memcmp(b + i, url_open, sizeof url_open - 1) == 0) {
            const char *loc = b + i + sizeof url_open - 1;
            const char *le = memchr(loc, '<', n - (size_t)(loc - b));
            size_t bl = strlen(st->x->base_url);
            if (le && !url_wanted(st, loc, (size_t)(le - loc)) && (size_t)(le - loc) >= bl) {
                /* an English page, English not exported: the page in the
                 * first language that is (every page is in each) */
                vcm_buf_printf(out, "%s%s/%s", url_open, st->x->base_url, st->x->langs[0]);
                vcm_buf_append(out, loc + bl, (size_t)(le - loc) - bl);
                i = (size_t)(le - b);
                continue;
            }
        } else if (rem > sizeof link_open - 1 &&
                   memcmp(b + i, link_open, sizeof link_open - 1) == 0) {
            const char *end = strstr_n(b + i, rem, "/>");
            const char *href = strstr_n(b + i, end ? (size_t)(end - (b + i)) : 0, "href=\"");
            if (end && href) {
                const char *u = href + 6, *ue = memchr(u, '"', (size_t)(end - u));
                if (ue && !url_wanted(st, u, (size_t)(ue - u))) {
                    i = (size_t)(end - b) + 2;
                    continue;
                }
            }
        }
        vcm_buf_putc(out, b[i]);
        i++;
    }
}

/* Exports one target: kept when its fingerprint says nothing changed, else
 * rendered (and its links followed). 0, or -1 on an error that stops the
 * export (a file that cannot be written). */
static int visit(struct site *st, const char *target)
{
    vcm_site_export *x = st->x;
    vcm_buf link;
    vcm_buf_init(&link, 4096);
    if (vcm_site_file(target, &link) < 0) {
        vcm_buf_release(&link);
        x->skipped++;
        return 0;
    }
    /* two spellings of one URL (its parameters in another order): one file */
    if (vcm_strmap_get(&st->produced, link.data, link.len)) {
        vcm_buf_release(&link);
        return 0;
    }
    uint32_t *pi = vcm_strmap_get(&st->prev, link.data, link.len);
    const struct prev_file *pf = pi ? &st->prevs[*pi - 1] : NULL;
    if (pf && strcmp(pf->target, target) == 0 && !x->full) {
        int64_t deps[MAX_DEPS];
        size_t n = 0;
        for (const char *p = pf->deps; *p && *p != '-' && n < MAX_DEPS;) {
            deps[n++] = strtoll(p, NULL, 10);
            p += strcspn(p, ",");
            if (*p == ',')
                p++;
        }
        char fp[33];
        /* HTML or not, as the file's name says: index.html is a page */
        size_t ll = link.len;
        bool html = ll >= 10 && strcmp(link.data + ll - 10, "index.html") == 0;
        fingerprint(st, target, html, deps, n, fp);
        long long size = strcmp(fp, pf->fp) == 0 ? file_size(st, link.data) : -1;
        if (size >= 0) {
            state_line(st, link.data, pf->fp, pf->deps, target);
            x->kept++;
            x->bytes += size;
            vcm_buf_release(&link);
            return 0;
        }
    }
    /* rendered, as vcm serve would answer it */
    int rc = 0;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    size_t plen = strcspn(target, "?");
    vcm_req req = {0};
    req.arena = &a;
    req.id = ++st->reqs;
    req.method = "GET";
    req.path = vcm_arena_strndup(&a, target, plen);
    req.query = target[plen] ? target + plen + 1 : "";
    req.app = x->app;
    vcm_resp resp;
    vcm_resp_init(&resp);
    int hrc = -1;
    vcm_buf page;
    vcm_buf_init(&page, 0);
    x->rendered++;
    if (!req.path || vcm_router_run(x->router, &req, &resp, &hrc) != VCM_ROUTE_FOUND || hrc < 0 ||
        vcm_resp_drain(&resp) < 0 || resp.status != 200 || resp.body.toobig) {
        x->skipped++;
        goto out;
    }
    bool html = !resp.content_type || strncmp(resp.content_type, "text/html", 9) == 0;
    size_t ll = link.len;
    bool html_file = ll >= 10 && strcmp(link.data + ll - 10, "index.html") == 0;
    /* a page at a name with a dot, or data at a name without: no file
     * whose type a static server would get right */
    bool api = object_of(target) && strncmp(target, "/api/", 5) == 0;
    if (html != html_file && !api) {
        x->skipped++;
        goto out;
    }
    st->ndeps = 0;
    int64_t own = object_of(target);
    if (own)
        add_dep(st, own);
    const char *data = resp.body.data ? resp.body.data : "";
    size_t n = resp.body.len;
    if (html) {
        st->file = link.data;
        if (vcm_site_rewrite(data, n, resolve, st, &page) < 0) {
            snprintf(st->err, st->errlen, "cannot rewrite the links of %s", target);
            rc = -1;
            goto out;
        }
        data = page.data ? page.data : "";
        n = page.len;
    } else if (strcmp(target, "/sitemap.xml") == 0 || strncmp(target, "/sitemaps/", 10) == 0) {
        sitemap_files(st, data, n);
        sitemap_langs(st, data, n, &page);
        data = page.data ? page.data : "";
        n = page.len;
    }
    if (write_file(st, link.data, data, n) < 0) {
        rc = -1;
        goto out;
    }
    char fp[33];
    fingerprint(st, target, html, st->deps, st->ndeps, fp);
    vcm_buf deps;
    vcm_buf_init(&deps, 0);
    for (size_t i = 0; i < st->ndeps; i++)
        vcm_buf_printf(&deps, "%s%lld", i ? "," : "", (long long)st->deps[i]);
    state_line(st, link.data, fp, deps.data, target);
    vcm_buf_release(&deps);
    x->written++;
    x->bytes += (long long)n;
out:
    vcm_buf_release(&page);
    vcm_resp_release(&resp);
    vcm_arena_release(&a);
    vcm_buf_release(&link);
    return rc;
}

/* ---- what the fingerprints are made of ---- */

static int objseq_cmp(const void *a, const void *b)
{
    const struct objseq *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

static int read_seqs(struct site *st, vcm_store *s)
{
    size_t cap = 0;
    int64_t after = 0, ids[4096], seqs[4096];
    for (;;) {
        size_t n = 0;
        if (s->ops->changes_since(s, after, ids, seqs, 4096, &n) < 0)
            return -1;
        if (n == 0)
            break;
        if (st->nseqs + n > cap) {
            cap = (st->nseqs + n) * 2;
            struct objseq *m = realloc(st->seqs, cap * sizeof *m);
            if (!m)
                return -1;
            st->seqs = m;
        }
        for (size_t i = 0; i < n; i++)
            st->seqs[st->nseqs++] = (struct objseq){ids[i], seqs[i]};
        after = seqs[n - 1];
    }
    st->head = after;
    /* by id, for seq_of; an id appears once (its earlier seqs are gone) */
    qsort(st->seqs, st->nseqs, sizeof *st->seqs, objseq_cmp);
    return 0;
}

/* The tables the pages show besides the objects': all but the objects' own
 * (their changes are the objects' sequences) and what changes without
 * changing a page (accounts, sessions, mail, logs, the day's pick, which
 * the home page's fingerprint takes from the date). */
static bool table_hashed(const char *name)
{
    static const char *const skip[] = {
        "objects",   "object_texts", "object_creators", "media",    "object_origins",
        "activities", "changes",     "object_links",    "fetch_state", "object_terms",
        "users",     "sessions",     "throttles",       "tokens",   "links",
        "audit",     "outbox",       "masterpiece_days",
    };
    for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
        if (strcmp(name, skip[i]) == 0)
            return false;
    return true;
}

static int hash_row(void *ud, const vcm_value *row)
{
    struct {
        crypto_generichash_state *h;
        size_t ncols;
    } *c = ud;
    for (size_t i = 0; i < c->ncols; i++) {
        const vcm_value *v = &row[i];
        unsigned char t = (unsigned char)v->type;
        crypto_generichash_update(c->h, &t, 1);
        if (v->type == VCM_V_INT)
            crypto_generichash_update(c->h, (const unsigned char *)&v->i, sizeof v->i);
        else if (v->type == VCM_V_REAL)
            crypto_generichash_update(c->h, (const unsigned char *)&v->r, sizeof v->r);
        else if (v->type == VCM_V_TEXT)
            crypto_generichash_update(c->h, (const unsigned char *)v->t, strlen(v->t) + 1);
    }
    return 0;
}

static int hash_tables(struct site *st, vcm_store *s)
{
    crypto_generichash_state h;
    crypto_generichash_init(&h, NULL, 0, sizeof st->tables);
    for (size_t i = 0; i < vcm_store_ntables; i++) {
        const vcm_table *t = &vcm_store_tables[i];
        if (!table_hashed(t->name))
            continue;
        crypto_generichash_update(&h, (const unsigned char *)t->name, strlen(t->name) + 1);
        struct {
            crypto_generichash_state *h;
            size_t ncols;
        } c = {&h, t->ncols};
        if (s->ops->table_scan(s, i, hash_row, &c) < 0)
            return -1;
    }
    crypto_generichash_final(&h, st->tables, sizeof st->tables);
    return 0;
}

static void hash_facet(crypto_generichash_state *h, const vcm_facet *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        crypto_generichash_update(h, (const unsigned char *)(f[i].value ? f[i].value : ""),
                                  strlen(f[i].value ? f[i].value : "") + 1);
        crypto_generichash_update(h, (const unsigned char *)&f[i].count, sizeof f[i].count);
    }
    crypto_generichash_update(h, (const unsigned char *)&n, sizeof n);
}

/* The published objects' ids (also the seed list of their pages) and the
 * collection's facet counts: what every list page follows. */
static int hash_listing(struct site *st, vcm_store *s)
{
    crypto_generichash_state h;
    crypto_generichash_init(&h, NULL, 0, sizeof st->listing);
    int64_t after = 0, ids[2048], upd[2048];
    size_t langs = st->x->nlangs;
    for (;;) {
        size_t n = 0;
        if (s->ops->object_stamps(s, after, 0, ids, upd, 2048, &n) < 0)
            return -1;
        if (n == 0)
            break;
        crypto_generichash_update(&h, (const unsigned char *)ids, n * sizeof *ids);
        if (st->npublished + n > st->cappublished) {
            size_t cap = (st->npublished + n) * 2;
            int64_t *m = realloc(st->published, cap * sizeof *m);
            if (!m)
                return -1;
            st->published = m;
            st->cappublished = cap;
        }
        memcpy(st->published + st->npublished, ids, n * sizeof *ids);
        st->npublished += n;
        for (size_t i = 0; i < n; i++) {
            char t[64];
            int tl = snprintf(t, sizeof t, "/api/v1/objects/%lld", (long long)ids[i]);
            enqueue(st, t, (size_t)tl);
            for (size_t l = 0; l < langs; l++) {
                const char *code = st->x->langs[l];
                bool en = strcmp(code, VCM_LANG_DEFAULT) == 0;
                tl = snprintf(t, sizeof t, "%s%s/objects/%lld", en ? "" : "/", en ? "" : code,
                              (long long)ids[i]);
                enqueue(st, t, (size_t)tl);
            }
        }
        after = ids[n - 1];
    }
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_filter f = {0};
    vcm_facets fc;
    int rc = s->ops->object_facets(s, &a, &f, &fc);
    if (rc == 0) {
        hash_facet(&h, fc.region, fc.nregion);
        hash_facet(&h, fc.country, fc.ncountry);
        hash_facet(&h, fc.museum, fc.nmuseum);
        hash_facet(&h, fc.classification, fc.nclassification);
        hash_facet(&h, fc.century, fc.ncentury);
        hash_facet(&h, fc.image, fc.nimage);
        hash_facet(&h, fc.licence, fc.nlicence);
        hash_facet(&h, fc.origin, fc.norigin);
        hash_facet(&h, fc.origin_country, fc.norigin_country);
        hash_facet(&h, fc.material, fc.nmaterial);
    }
    vcm_arena_release(&a);
    crypto_generichash_final(&h, st->listing, sizeof st->listing);
    return rc;
}

static void hash_settings(struct site *st)
{
    crypto_generichash_state h;
    crypto_generichash_init(&h, NULL, 0, sizeof st->settings);
    const char *parts[] = {VCM_VERSION, st->x->base_url};
    for (size_t i = 0; i < 2; i++)
        crypto_generichash_update(&h, (const unsigned char *)parts[i], strlen(parts[i]) + 1);
    for (size_t i = 0; i < st->x->nlangs; i++)
        crypto_generichash_update(&h, (const unsigned char *)st->x->langs[i],
                                  strlen(st->x->langs[i]) + 1);
    /* the built-in templates, catalogues and static files */
    if (st->x->app->asset_hash)
        crypto_generichash_update(&h, (const unsigned char *)st->x->app->asset_hash,
                                  vcm_assets_count * sizeof *st->x->app->asset_hash);
    crypto_generichash_final(&h, st->settings, sizeof st->settings);
}

/* ---- the state file ---- */

static int read_state(struct site *st)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", st->x->dir, STATE_FILE);
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno == ENOENT ? 0 : -1;
    vcm_buf b;
    vcm_buf_init(&b, (size_t)4 << 30);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (vcm_buf_append(&b, chunk, n) < 0)
            break;
    bool bad = ferror(f) || b.toobig;
    fclose(f);
    if (bad) {
        vcm_buf_release(&b);
        return -1;
    }
    st->prev_text = vcm_buf_detach(&b, &n);
    if (!st->prev_text)
        return 0;
    /* a state of another kind is no state: everything is made again */
    char *line = st->prev_text, *next;
    size_t ml = strlen(STATE_MAGIC);
    if (strncmp(line, STATE_MAGIC, ml) != 0 || line[ml] != '\n')
        return 0;
    size_t cap = 0;
    for (line += ml + 1; *line; line = next) {
        next = strchr(line, '\n');
        if (!next)
            break;
        *next++ = '\0';
        char *fields[4];
        char *p = line;
        int nf = 0;
        for (; nf < 4 && p; nf++) {
            fields[nf] = p;
            p = strchr(p, '\t');
            if (p)
                *p++ = '\0';
        }
        if (nf != 4 || strlen(fields[1]) != 32)
            continue;
        if (st->nprev == cap) {
            cap = cap ? cap * 2 : 1024;
            struct prev_file *m = realloc(st->prevs, cap * sizeof *m);
            if (!m)
                return -1;
            st->prevs = m;
        }
        int added;
        uint32_t *v = vcm_strmap_put(&st->prev, fields[0], strlen(fields[0]),
                                     (uint32_t)st->nprev + 1, &added);
        if (!v)
            return -1;
        if (!added)
            continue;
        st->prevs[st->nprev++] = (struct prev_file){fields[3], fields[1], fields[2]};
    }
    return 0;
}

/* Removes the files of the previous export that this one did not make,
 * and the folders they leave empty. */
static void remove_stale(struct site *st)
{
    for (size_t i = 0; i < st->prev.n; i++) {
        size_t kl;
        const char *k = vcm_strmap_key(&st->prev, i, &kl);
        if (vcm_strmap_get(&st->produced, k, kl))
            continue;
        vcm_buf path;
        vcm_buf_init(&path, 8192);
        vcm_buf_printf(&path, "%s/", st->x->dir);
        size_t base = path.len;
        vcm_buf_append(&path, k, kl);
        vcm_buf dec;
        vcm_buf_init(&dec, 8192);
        vcm_buf_append(&dec, path.data, base);
        if (!path.toobig && vcm_site_decode(path.data + base, &dec) == 0 && !dec.toobig &&
            unlink(dec.data) == 0) {
            st->x->removed++;
            for (char *s = strrchr(dec.data, '/'); s && (size_t)(s - dec.data) > base - 1;
                 s = strrchr(dec.data, '/')) {
                *s = '\0';
                if (strlen(dec.data) < base || rmdir(dec.data) < 0)
                    break;
            }
        }
        vcm_buf_release(&dec);
        vcm_buf_release(&path);
    }
}

/* The static files built into the program, at their URLs. */
static void seed_static(struct site *st)
{
    static const char osd[] = "node_modules/openseadragon/build/openseadragon/";
    for (size_t i = 0; i < vcm_assets_count; i++) {
        const char *p = vcm_assets[i].path;
        char t[600];
        int n = 0;
        if (strncmp(p, "static/", 7) == 0)
            n = snprintf(t, sizeof t, "/%s", p);
        else if (strncmp(p, osd, sizeof osd - 1) == 0)
            n = snprintf(t, sizeof t, "/static/osd/%s", p + sizeof osd - 1);
        if (n > 0 && (size_t)n < sizeof t)
            enqueue(st, t, (size_t)n);
    }
}

static void seed_places(struct site *st, vcm_store *s)
{
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_museum *ms = NULL;
    vcm_country *cs = NULL;
    size_t nm = 0, nc = 0;
    if (s->ops->museum_list(s, &a, NULL, &ms, &nm) < 0)
        nm = 0;
    if (s->ops->country_list(s, &a, true, &cs, &nc) < 0)
        nc = 0;
    for (size_t l = 0; l < st->x->nlangs; l++) {
        const char *code = st->x->langs[l];
        bool en = strcmp(code, VCM_LANG_DEFAULT) == 0;
        char t[128];
        int n = snprintf(t, sizeof t, "%s%s/", en ? "" : "/", en ? "" : code);
        enqueue(st, t, (size_t)(en ? n : n - 1)); /* "/" or "/ko" */
        for (size_t i = 0; i < nm; i++) {
            n = snprintf(t, sizeof t, "%s%s/museums/%lld", en ? "" : "/", en ? "" : code,
                         (long long)ms[i].id);
            enqueue(st, t, (size_t)n);
        }
        for (size_t i = 0; i < nc; i++) {
            n = snprintf(t, sizeof t, "%s%s/countries/%s", en ? "" : "/", en ? "" : code,
                         cs[i].code);
            enqueue(st, t, (size_t)n);
        }
    }
    enqueue(st, "/sitemap.xml", 12);
    enqueue(st, "/robots.txt", 11);
    vcm_arena_release(&a);
}

/* The static search's pages (DIR/search/index.html, DIR/LANG/search/
 * index.html), which the search export wrote before with the site's links as
 * the server writes them: their links are rewritten here as a page's are,
 * relative, and what they link to joins the crawl. The page of a language
 * not exported goes. */
static int rewrite_search_pages(struct site *st)
{
    int rc = 0;
    vcm_buf path, page, html;
    vcm_buf_init(&path, 8192);
    vcm_buf_init(&page, 0);
    vcm_buf_init(&html, 0);
    for (size_t i = 0; i < vcm_lang_count() && rc == 0; i++) {
        const vcm_lang *l = vcm_lang_at(i);
        bool en = strcmp(l->code, VCM_LANG_DEFAULT) == 0;
        char link[64];
        snprintf(link, sizeof link, "%s%ssearch/index.html", en ? "" : l->code, en ? "" : "/");
        vcm_buf_reset(&path);
        if (disk_path(st, link, &path) < 0)
            continue;
        if (!lang_wanted(st, l->code)) {
            if (unlink(path.data) == 0) {
                /* and its folders, when nothing else is in them */
                path.data[path.len - strlen("/index.html")] = '\0';
                rmdir(path.data);
                if (!en) {
                    vcm_buf_reset(&path);
                    vcm_buf_printf(&path, "%s/%s", st->x->dir, l->code);
                    if (!path.toobig)
                        rmdir(path.data);
                }
            }
            continue;
        }
        if (access(path.data, F_OK) < 0)
            continue; /* no search exported in this language */
        vcm_buf_reset(&html);
        if (vcm_buf_read_file(&html, path.data, st->err, st->errlen) < 0) {
            rc = -1;
            break;
        }
        vcm_buf_reset(&page);
        st->file = link;
        st->ndeps = 0;
        if (vcm_site_rewrite(html.data ? html.data : "", html.len, resolve, st, &page) < 0) {
            snprintf(st->err, st->errlen, "cannot rewrite the links of %s", link);
            rc = -1;
        } else {
            rc = write_file(st, link, page.data ? page.data : "", page.len);
        }
    }
    vcm_buf_release(&path);
    vcm_buf_release(&page);
    vcm_buf_release(&html);
    return rc;
}

int vcm_site_export_pages(vcm_site_export *x, char *err, size_t errlen)
{
    struct site st = {.x = x, .err = err, .errlen = errlen};
    vcm_strmap_init(&st.seen);
    vcm_strmap_init(&st.prev);
    vcm_strmap_init(&st.produced);
    vcm_arena_init(&st.scratch, 0);
    int rc = -1;
    char path[4200], tmp[4300];
    snprintf(path, sizeof path, "%s/%s", x->dir, STATE_FILE);
    snprintf(tmp, sizeof tmp, "%s.tmp~", path);
    if (mkdir(x->dir, 0755) < 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot make '%s': %s", x->dir, strerror(errno));
        goto out;
    }
    if (read_state(&st) < 0) {
        snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
        goto out;
    }
    if (!(st.state = fopen(tmp, "wb"))) {
        snprintf(err, errlen, "cannot write in '%s': %s", x->dir, strerror(errno));
        goto out;
    }
    fprintf(st.state, "%s\n", STATE_MAGIC);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(st.day, sizeof st.day, "%Y-%m-%d", &tm);
    hash_settings(&st);
    vcm_store *s = x->store;
    /* the home pages first, so that the crawl follows the site's order */
    seed_places(&st, s);
    if (read_seqs(&st, s) < 0 || hash_tables(&st, s) < 0 || hash_listing(&st, s) < 0) {
        snprintf(err, errlen, "%s", vcm_store_error(s));
        goto out;
    }
    seed_static(&st);
    if (rewrite_search_pages(&st) < 0)
        goto out;
    /* what the last export wrote: its pages are looked at again, as they
     * may have changed, or gone */
    for (size_t i = 0; i < st.nprev; i++)
        enqueue(&st, st.prevs[i].target, strlen(st.prevs[i].target));
    for (size_t i = 0; i < st.seen.n; i++) {
        size_t kl;
        const char *k = vcm_strmap_key(&st.seen, i, &kl);
        char target[4096];
        if (kl >= sizeof target)
            continue;
        memcpy(target, k, kl);
        target[kl] = '\0';
        /* a seed or an old file may be out of bounds now (--langs) */
        if (!exportable(&st, target)) {
            x->skipped++;
            continue;
        }
        if (visit(&st, target) < 0)
            goto out;
        if (!x->quiet && (x->rendered + x->kept) % 5000 == 0 && x->rendered + x->kept)
            fprintf(stderr, "vcm export-site: %ld pages rendered, %ld kept, %zu found\n",
                    x->rendered, x->kept, st.seen.n);
    }
    if (fclose(st.state) != 0) {
        st.state = NULL;
        snprintf(err, errlen, "cannot write '%s': %s", tmp, strerror(errno));
        goto out;
    }
    st.state = NULL;
    remove_stale(&st);
    if (rename(tmp, path) < 0) {
        snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
        goto out;
    }
    x->files = (long)st.produced.n;
    rc = 0;
out:
    if (st.state) {
        fclose(st.state);
        unlink(tmp);
    }
    vcm_arena_release(&st.scratch);
    vcm_strmap_release(&st.seen);
    vcm_strmap_release(&st.prev);
    vcm_strmap_release(&st.produced);
    free(st.prevs);
    free(st.prev_text);
    free(st.seqs);
    free(st.published);
    return rc;
}
