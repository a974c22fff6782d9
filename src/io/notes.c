/* Finding cataloguers' notes in source texts.
 *
 * A note is recognised by its form, never by a list of records. Each rule
 * below was measured on the whole demo collection (docs/formats.md gives
 * the counts) and each is narrow, because a rule that ate a real
 * description would hide what the museum wrote:
 *
 * - capitals: a run of at least three words in capitals with at least 12
 *   letters wrapped in asterisks ("**THIS IS WHITE QUARTZ, NOT
 *   NEPHRITE***") or opening with an instruction ("CHECK OFFICIAL
 *   SPELLING", "NEED SEVEN MINISTERS' TEXTS"), and less than half of the
 *   text's letters. Capitals alone say nothing: MoMA writes book titles so
 *   ("from THE MODERN JAPANESE PRINT") and Mia inscriptions ("E PLURIBUS
 *   UNUM");
 * - catalogue-card: a remark on the museum's catalogue cards ("cat. card
 *   dims L 10-5/8 x W 7-3/4'", "NO PHOTO ON CAT. CARDS", "see cat. card
 *   for better description"), from the remark to the end of its clause, or
 *   of its capitals;
 * - note-trans: a clause that begins "Note trans" (where a translation is
 *   to be found, for the cataloguer);
 * - todo: a clause that begins with an instruction to a colleague
 *   ("determine …", "verify …", "TODO");
 * - see-notes: "(see notes)", or a clause sending the reader to notes that
 *   the record does not publish ("See also notes for Jade056 …");
 * - record-id: a clause naming the cataloguers' own record ids ("Same poem
 *   as Jade016 incised …"): a word glued to a number, which no published
 *   catalogue writes (those write "Jade 010a");
 * - fragment: a short clause without a sentence of its own just before a
 *   todo clause ("Mosca articles for complete; determine …").
 *
 * Clauses are split at ';' and at the end of a sentence, never inside
 * quotation marks or brackets, so a quoted catalogue passage is never cut.
 * A leading label ("Inscription (Outer wall): ") stays with the text. */
#include <stdbool.h>
#include <string.h>

#include "io/notes.h"
#include "core/banned.h"

enum { R_CAPS = 1, R_NOTE_TRANS, R_TODO, R_SEE_NOTES, R_RECORD_ID, R_FRAGMENT, R_CARD };

const char *vcm_notes_rule_name(int rule)
{
    switch (rule) {
    case R_CAPS: return "capitals";
    case R_NOTE_TRANS: return "note-trans";
    case R_TODO: return "todo";
    case R_SEE_NOTES: return "see-notes";
    case R_RECORD_ID: return "record-id";
    case R_FRAGMENT: return "fragment";
    case R_CARD: return "catalogue-card";
    }
    return "?";
}

#define MAX_FOUND 256
#define MAX_CLAUSES 512

struct found {
    vcm_note_span v[MAX_FOUND];
    size_t n;
};

static void add(struct found *f, size_t start, size_t end, size_t cut_end, int rule)
{
    if (f->n < MAX_FOUND && end > start)
        f->v[f->n++] = (vcm_note_span){start, end, cut_end < end ? end : cut_end, rule};
}

static bool upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

static bool lower(char c)
{
    return c >= 'a' && c <= 'z';
}

static bool alnum(char c)
{
    return upper(c) || lower(c) || (c >= '0' && c <= '9');
}

static char fold(char c)
{
    return upper(c) ? (char)(c - 'A' + 'a') : c;
}

/* True when s[at, n) begins with the lower-case word w (ASCII, any case). */
static bool starts_ci(const char *s, size_t at, size_t n, const char *w)
{
    size_t l = strlen(w);
    if (n - at < l)
        return false;
    for (size_t i = 0; i < l; i++)
        if (fold(s[at + i]) != w[i])
            return false;
    return true;
}

/* Where w (lower case) occurs in s[a, b) case-insensitively, or b. */
static size_t find_ci(const char *s, size_t a, size_t b, const char *w)
{
    size_t l = strlen(w);
    for (size_t i = a; i + l <= b; i++)
        if (starts_ci(s, i, b, w))
            return i;
    return b;
}

static size_t letters(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += upper(s[i]) || lower(s[i]);
    return k;
}

static void caps_runs(const char *s, size_t n, struct found *f)
{
    size_t all = letters(s, n);
    for (size_t i = 0; i < n;) {
        if (!upper(s[i]) || (i && (alnum(s[i - 1]) || s[i - 1] == '\''))) {
            i++;
            continue;
        }
        size_t start = i, end = i, words = 0, longwords = 0, nlet = 0, j = i;
        for (;;) {
            size_t w = j, wl = 0;
            while (j < n && (upper(s[j]) || ((s[j] == '\'' || s[j] == '-') && j > w &&
                                               j + 1 < n && upper(s[j + 1])))) {
                wl += upper(s[j]);
                j++;
            }
            /* a plural's apostrophe: MINISTERS' */
            if (wl && j < n && s[j] == '\'' && (j + 1 >= n || !alnum(s[j + 1])))
                j++;
            if (wl == 0 || (j < n && (lower(s[j]) || (s[j] >= '0' && s[j] <= '9')))) {
                j = w;
                break;
            }
            words++;
            longwords += wl >= 2;
            nlet += wl;
            end = j;
            /* to the next word: a space, or a comma and a space */
            size_t k = j;
            if (k < n && s[k] == ',')
                k++;
            if (k < n && s[k] == ' ')
                k++;
            else
                break;
            if (k >= n || !upper(s[k]))
                break;
            j = k;
        }
        if (words >= 3 && longwords >= 2 && nlet >= 12) {
            size_t a = start, b = end;
            bool starred = false;
            while (a > 0 && s[a - 1] == '*')
                a--, starred = true;
            while (b < n && s[b] == '*')
                b++, starred = true;
            static const char *const orders[] = {"CHECK ", "NEED ", "VERIFY ", "DETERMINE ",
                                                 "CONFIRM ", "TODO", "FIXME", "FIND "};
            bool order = false;
            for (size_t o = 0; o < sizeof orders / sizeof orders[0] && !order; o++)
                order = strncmp(s + start, orders[o], strlen(orders[o])) == 0;
            if ((starred || order) && nlet * 2 < all) {
                size_t from = a > 0 && s[a - 1] == ' ' ? a - 1 : a;
                add(f, from, b, b, R_CAPS);
            }
        }
        i = end > i ? end : i + 1;
    }
}

/* True when s[at] begins a mention of the catalogue cards. */
static size_t card_at(const char *s, size_t at, size_t n)
{
    if (starts_ci(s, at, n, "cat. card"))
        return 9;
    if (starts_ci(s, at, n, "cat.card"))
        return 8;
    return 0;
}

static void catalogue_cards(const char *s, size_t n, struct found *f)
{
    for (size_t i = 0; i < n; i++) {
        size_t ml = card_at(s, i, n);
        if (!ml || (i && alnum(s[i - 1])))
            continue;
        bool caps = upper(s[i]) && upper(s[i + ml - 1]);
        size_t a = i;
        /* what leads into the mention: "see ", "Note on ", "NO PHOTO ON " */
        if (a >= 4 && starts_ci(s, a - 4, n, "see "))
            a -= 4;
        else if (a >= 8 && starts_ci(s, a - 8, n, "note on "))
            a -= 8;
        else
            while (a >= 2 && s[a - 1] == ' ' &&
                   (upper(s[a - 2]) || (a >= 3 && s[a - 2] == '.' && upper(s[a - 3])))) {
                /* a word of capitals, a full stop after it at most */
                size_t w = a - 1;
                if (s[w - 1] == '.')
                    w--;
                size_t e = w;
                while (w > 0 && upper(s[w - 1]))
                    w--;
                if (e - w < 2 || (w > 0 && (alnum(s[w - 1]) || s[w - 1] == '.')))
                    break;
                a = w;
            }
        size_t b = i + ml;
        if (caps) {
            /* whole words in capitals: "NO PHOTO ON CAT. CARDS" */
            for (;;) {
                size_t w = b;
                while (w < n && (s[w] == ' ' || s[w] == '.'))
                    w++;
                size_t e = w;
                while (e < n && upper(s[e]))
                    e++;
                if (e == w || (e < n && alnum(s[e])))
                    break;
                b = e;
            }
            /* and what it says in brackets after: "(numeric or object)" */
            if (b + 2 < n && s[b] == ' ' && s[b + 1] == '(') {
                const char *close = memchr(s + b, ')', n - b);
                if (close && close - (s + b) < 80)
                    b = (size_t)(close - s) + 1;
            }
        } else {
            int depth = 0;
            bool first = true;
            for (; b < n; b++) {
                if (s[b] == '(') {
                    depth++;
                } else if (s[b] == ')') {
                    if (!depth)
                        break;
                    depth--;
                } else if (depth == 0 && s[b] == ';') {
                    break;
                } else if (depth == 0 && s[b] == '.' &&
                           (b + 1 >= n || (b + 3 < n && s[b + 1] == ' ' && upper(s[b + 2]) &&
                                           lower(s[b + 3])))) {
                    b++;
                    break;
                } else if (depth == 0 && s[b] == ' ' && b + 3 < n && upper(s[b + 1]) &&
                           lower(s[b + 2]) && lower(s[b + 3])) {
                    /* a new phrase: a capitalised word after the remark's
                     * first word ("cat. card doesn't … on it Unidentified
                     * arms"); "Dims" just after the mention is its own */
                    if (!first && s[b - 1] != ',')
                        break;
                    first = false;
                } else if (s[b] == ' ') {
                    first = false;
                }
            }
        }
        /* a remark inside brackets takes them: "(…, no cat. cards)" */
        size_t open = a;
        while (open > 0 && s[open - 1] != '(' && s[open - 1] != ')' && s[open - 1] != ';' &&
               a - open < 80)
            open--;
        if (open > 0 && s[open - 1] == '(' && b < n && s[b] == ')') {
            a = open - 1;
            b++;
        }
        while (b > a && s[b - 1] == ' ')
            b--;
        size_t from = a > 0 && s[a - 1] == ' ' ? a - 1 : a;
        add(f, from, b, b, R_CARD);
        i = b > i ? b - 1 : i;
    }
}

static void see_notes(const char *s, size_t n, struct found *f)
{
    for (size_t i = 0; i < n;) {
        size_t at = find_ci(s, i, n, "(see notes)");
        if (at >= n)
            break;
        size_t from = at > 0 && s[at - 1] == ' ' ? at - 1 : at;
        add(f, from, at + 11, at + 11, R_SEE_NOTES);
        i = at + 11;
    }
}

/* A capitalised word of three or more letters glued to three or more
 * digits (an optional letter after): "Jade056", "Jade016a". */
static bool record_id(const char *s, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++) {
        if (!upper(s[i]) || (i > a && alnum(s[i - 1])))
            continue;
        size_t j = i + 1, l = 0, d = 0;
        while (j < b && lower(s[j]))
            j++, l++;
        while (j < b && s[j] >= '0' && s[j] <= '9')
            j++, d++;
        if (j < b && lower(s[j]))
            j++;
        if (l >= 2 && d >= 3 && (j >= b || !alnum(s[j])))
            return true;
    }
    return false;
}

static const char *const todo_words[] = {"determine ", "verify ", "confirm ", "check whether ",
                                         "check if ", "need to ", "todo", "to do:", "tbd ",
                                         "fixme", "xxx "};

struct clause {
    size_t start, body, end, next;
    char delim;
    int rule;
};

/* The start of the text after a label "Words (…): " at the head of a
 * clause, or body itself. */
static size_t after_label(const char *s, size_t body, size_t end)
{
    if (body >= end || !upper(s[body]))
        return body;
    size_t lim = end - body > 80 ? body + 80 : end;
    for (size_t i = body; i + 1 < lim; i++) {
        if (s[i] == '"' || s[i] == ';' || s[i] == '.')
            return body;
        if (s[i] == ':' && s[i + 1] == ' ') {
            size_t j = i + 2;
            while (j < end && s[j] == ' ')
                j++;
            return j;
        }
    }
    return body;
}

static size_t split_clauses(const char *s, size_t n, struct clause *c, size_t max)
{
    size_t k = 0, start = 0;
    int depth = 0;
    bool inq = false;
    for (size_t i = 0; i <= n && k < max; i++) {
        char delim = 0;
        size_t end = i, next = i;
        if (i == n) {
            delim = '$';
        } else if (s[i] == '"') {
            inq = !inq;
        } else if (i + 3 <= n && !memcmp(s + i, "\xE2\x80\x9C", 3)) {
            inq = true;
        } else if (i + 3 <= n && !memcmp(s + i, "\xE2\x80\x9D", 3)) {
            inq = false;
        } else if (s[i] == '(' || s[i] == '[') {
            depth++;
        } else if ((s[i] == ')' || s[i] == ']') && depth > 0) {
            depth--;
        } else if (!inq && depth == 0) {
            if (s[i] == ';') {
                delim = ';';
                next = i + 1;
            } else if (s[i] == '.' && i + 2 < n && s[i + 1] == ' ' && upper(s[i + 2])) {
                delim = '.';
                end = next = i + 1;
            } else if (i + 3 <= n && !memcmp(s + i, "\xE3\x80\x82", 3)) {
                delim = '.';
                end = next = i + 3;
            }
        }
        if (!delim)
            continue;
        while (next < n && (s[next] == ' ' || s[next] == '\n'))
            next++;
        size_t body = start;
        while (body < end && (s[body] == ' ' || s[body] == '\n'))
            body++;
        c[k++] = (struct clause){start, after_label(s, body, end), end, next, delim, 0};
        start = next;
        i = next > i ? next - 1 : i;
    }
    return k;
}

static void clause_rules(const char *s, size_t n, struct found *f)
{
    struct clause c[MAX_CLAUSES];
    size_t k = split_clauses(s, n, c, MAX_CLAUSES);
    for (size_t i = 0; i < k; i++) {
        size_t b = c[i].body, e = c[i].end;
        if (b >= e)
            continue;
        if (starts_ci(s, b, e, "note trans "))
            c[i].rule = R_NOTE_TRANS;
        for (size_t w = 0; !c[i].rule && w < sizeof todo_words / sizeof todo_words[0]; w++)
            if (starts_ci(s, b, e, todo_words[w]))
                c[i].rule = R_TODO;
        if (!c[i].rule && (find_ci(s, b, e, "see also notes") < e ||
                           (find_ci(s, b, e, "see notes") < e &&
                            find_ci(s, b, e, "(see notes)") >= e)))
            c[i].rule = R_SEE_NOTES;
        if (!c[i].rule && record_id(s, b, e))
            c[i].rule = R_RECORD_ID;
    }
    for (size_t i = 1; i < k; i++) {
        struct clause *p = &c[i - 1];
        if (c[i].rule != R_TODO || p->rule || p->delim != ';' || p->end - p->body >= 80)
            continue;
        bool plain = true;
        for (size_t j = p->body; j < p->end && plain; j++)
            plain = (unsigned char)s[j] < 0x80 && s[j] != '"' && s[j] != '.';
        if (plain && p->end > p->body)
            p->rule = R_FRAGMENT;
    }
    for (size_t i = 0; i < k; i++)
        if (c[i].rule)
            add(f, c[i].body, c[i].end, c[i].delim == '$' ? c[i].end : c[i].next, c[i].rule);
}

static void sort_spans(struct found *f)
{
    for (size_t i = 1; i < f->n; i++) {
        vcm_note_span x = f->v[i];
        size_t j = i;
        while (j > 0 && f->v[j - 1].start > x.start) {
            f->v[j] = f->v[j - 1];
            j--;
        }
        f->v[j] = x;
    }
}

size_t vcm_notes_find(const char *text, size_t n, vcm_note_span *spans, size_t max)
{
    struct found f;
    f.n = 0;
    if (!text || !n)
        return 0;
    clause_rules(text, n, &f);
    caps_runs(text, n, &f);
    catalogue_cards(text, n, &f);
    see_notes(text, n, &f);
    sort_spans(&f);
    /* A span inside another is the same note; overlapping ones join. */
    size_t out = 0;
    vcm_note_span last = {0, 0, 0, 0};
    for (size_t i = 0; i < f.n; i++) {
        vcm_note_span x = f.v[i];
        if (out && x.start < last.cut_end) {
            if (x.end > last.end)
                last.end = x.end;
            if (x.cut_end > last.cut_end)
                last.cut_end = x.cut_end;
            if (out <= max)
                spans[out - 1] = last;
            continue;
        }
        last = x;
        if (out < max)
            spans[out] = x;
        out++;
    }
    return out;
}
