/* The OAI-PMH 2.0 provider at /oai (docs/oai-pmh.md).
 *
 * Six verbs; metadata formats oai_dc (written here), lido and edm (the
 * writers of io/lido.h and io/edm.h, the same records as
 * /objects/{id}.lido.xml and .edm.xml); sets per museum, country, region,
 * origin, and the masterpieces; from/until to the second.
 *
 * Every answer first takes its responseDate, then has the store stamp what
 * changed since the last answer (store/harvest.h says why in that order:
 * no datestamp precedes the moment its change became visible, nor a
 * responseDate that did not see it). Lists walk the stamped records in
 * object id order; a page's resumption token holds the query and the last
 * id given (io/oai.h), so any node answers it at any time after.
 *
 * A list's page is streamed (http/req.h's stream): records are read and
 * written a few dozen at a time, each batch in an arena reset after it, so
 * the memory of an answer does not grow with the page size. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/query.h"
#include "io/edm.h"
#include "io/lido.h"
#include "io/oai.h"
#include "store/harvest.h"
#include "web/web.h"
#include "core/banned.h"

#define BATCH 50 /* records read and written at a time */

static const struct {
    const char *prefix, *schema, *ns;
} formats[] = {
    {"oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd", VCM_OAI_DC_NS},
    {"lido", "http://www.lido-schema.org/schema/v1.1/lido-v1.1.xsd", VCM_LIDO_NS},
    {"edm", "http://www.europeana.eu/schemas/edm/EDM.xsd", "http://www.europeana.eu/schemas/edm/"},
};
#define NFORMATS (sizeof formats / sizeof formats[0])

static int format_of(const char *prefix)
{
    for (size_t i = 0; prefix && i < NFORMATS; i++)
        if (strcmp(formats[i].prefix, prefix) == 0)
            return (int)i;
    return -1;
}

/* ---- the request's arguments ---------------------------------------------- */

enum { A_VERB, A_IDENTIFIER, A_PREFIX, A_FROM, A_UNTIL, A_SET, A_TOKEN, A_COUNT };
static const char *const arg_names[A_COUNT] = {
    "verb", "identifier", "metadataPrefix", "from", "until", "set", "resumptionToken",
};

/* Which arguments each verb takes: required (R), optional (O), the
 * exclusive resumptionToken (X). */
static const struct {
    const char *verb;
    char args[A_COUNT + 1];
} verbs[] = {
    {"Identify", "R......"},
    {"ListMetadataFormats", "RO....."},
    {"ListSets", "R.....X"},
    {"GetRecord", "RRR...."},
    {"ListIdentifiers", "R.ROOOX"},
    {"ListRecords", "R.ROOOX"},
};

typedef struct oai_args {
    const char *v[A_COUNT];
    int verb; /* index in verbs */
} oai_args;

/* The query's arguments: NULL, or the error code (badVerb, badArgument)
 * with why. OAI-PMH refuses an argument it does not know, one given twice
 * and one a verb does not take. */
static const char *read_args(const vcm_query *q, oai_args *a, const char **why)
{
    memset(a, 0, sizeof *a);
    a->verb = -1;
    if (q->bad) {
        *why = "an argument is not valid UTF-8 or has a bad escape";
        return "badArgument";
    }
    bool unknown = false, twice = false, verb_twice = false;
    for (int i = 0; i < q->n; i++) {
        int k = 0;
        while (k < A_COUNT && strcmp(arg_names[k], q->pairs[i].name) != 0)
            k++;
        if (k == A_COUNT)
            unknown = true;
        else if (a->v[k])
            *(k == A_VERB ? &verb_twice : &twice) = true;
        else
            a->v[k] = q->pairs[i].value;
    }
    for (size_t i = 0; a->v[A_VERB] && i < sizeof verbs / sizeof verbs[0]; i++)
        if (strcmp(verbs[i].verb, a->v[A_VERB]) == 0)
            a->verb = (int)i;
    if (a->verb < 0 || verb_twice) {
        *why = !a->v[A_VERB] ? "the verb is missing"
               : verb_twice  ? "the verb is repeated"
                             : "the verb is not one of OAI-PMH's";
        return "badVerb";
    }
    if (unknown || twice) {
        *why = unknown ? "an argument is not one of OAI-PMH's" : "an argument is repeated";
        return "badArgument";
    }
    const char *spec = verbs[a->verb].args;
    bool token = a->v[A_TOKEN] != NULL;
    for (int k = 1; k < A_COUNT; k++) {
        if (a->v[k] && spec[k] == '.') {
            *why = "an argument this verb does not take";
            return "badArgument";
        }
        if (token && k != A_TOKEN && a->v[k]) {
            *why = "resumptionToken is an exclusive argument";
            return "badArgument";
        }
        if (!token && spec[k] == 'R' && !a->v[k]) {
            *why = "a required argument is missing";
            return "badArgument";
        }
    }
    return NULL;
}

/* ---- writing ---------------------------------------------------------------- */

static int esc(vcm_buf *b, const char *s)
{
    return vcm_buf_html(b, s, strlen(s));
}

static int head(vcm_buf *b, int64_t now, const char *base, const oai_args *a, bool echo)
{
    char date[21];
    vcm_oai_time_format(now, date);
    if (vcm_buf_printf(b,
                       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                       "<OAI-PMH xmlns=\"" VCM_OAI_NS "\" "
                       "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                       "xsi:schemaLocation=\"" VCM_OAI_NS " "
                       "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd\">\n"
                       "<responseDate>%s</responseDate>\n<request",
                       date) < 0)
        return -1;
    /* the arguments are echoed only when the request was a valid one */
    for (int k = 0; echo && k < A_COUNT; k++)
        if (a->v[k] && (vcm_buf_printf(b, " %s=\"", arg_names[k]) < 0 || esc(b, a->v[k]) < 0 ||
                        vcm_buf_putc(b, '"') < 0))
            return -1;
    if (vcm_buf_putc(b, '>') < 0 || esc(b, base) < 0)
        return -1;
    return vcm_buf_puts(b, "/oai</request>\n");
}

static int foot(vcm_buf *b)
{
    return vcm_buf_puts(b, "</OAI-PMH>\n");
}

static int answer_error(vcm_req *req, vcm_resp *resp, int64_t now, const oai_args *a,
                        const char *code, const char *why)
{
    bool echo = strcmp(code, "badVerb") != 0 && strcmp(code, "badArgument") != 0;
    vcm_buf *b = &resp->body;
    vcm_buf_reset(b);
    if (head(b, now, vcm_web_base(req), a, echo) < 0 ||
        vcm_buf_printf(b, "<error code=\"%s\">", code) < 0 || esc(b, why) < 0 ||
        vcm_buf_puts(b, "</error>\n") < 0 || foot(b) < 0)
        return -1;
    return 0;
}

/* The repository's name in identifiers: the public host, without port. */
static const char *repo_id(vcm_req *req)
{
    const char *base = vcm_web_base(req);
    const char *h = strstr(base, "://");
    h = h ? h + 3 : base;
    size_t n = strcspn(h, ":/");
    if (*h == '[') /* an IPv6 literal keeps its brackets out */
        n = strcspn(h, "]") + 1;
    char *id = vcm_arena_strndup(req->arena, h, n);
    return id && *id ? id : "localhost";
}

/* The object id an identifier names, 0 when it names none of ours. */
static int64_t identifier_id(const char *repo, const char *identifier)
{
    size_t n = strlen(repo);
    if (strncmp(identifier, "oai:", 4) != 0 || strncmp(identifier + 4, repo, n) != 0 ||
        identifier[4 + n] != ':')
        return 0;
    return vcm_web_id(identifier + 5 + n);
}

static int header_xml(vcm_buf *b, const char *repo, const vcm_oai_item *it)
{
    char date[21];
    vcm_oai_time_format(it->stamp, date);
    if (vcm_buf_printf(b, "<header%s><identifier>oai:", it->deleted ? " status=\"deleted\"" : "") <
            0 ||
        esc(b, repo) < 0 ||
        vcm_buf_printf(b, ":%lld</identifier><datestamp>%s</datestamp>",
                       (long long)it->object_id, date) < 0)
        return -1;
    for (const char *p = it->sets; p && *p;) {
        size_t n = strcspn(p, " ");
        if (n && (vcm_buf_puts(b, "<setSpec>") < 0 || vcm_buf_html(b, p, n) < 0 ||
                  vcm_buf_puts(b, "</setSpec>") < 0))
            return -1;
        p += n;
        p += *p == ' ';
    }
    return vcm_buf_puts(b, "</header>");
}

static int dc_el(vcm_buf *b, const char *name, const char *lang, const char *v)
{
    if (!v || !*v)
        return 0;
    if (vcm_buf_printf(b, "<dc:%s", name) < 0 ||
        (lang && *lang && (vcm_buf_puts(b, " xml:lang=\"") < 0 || esc(b, lang) < 0 ||
                           vcm_buf_putc(b, '"') < 0)) ||
        vcm_buf_putc(b, '>') < 0 || esc(b, v) < 0)
        return -1;
    return vcm_buf_printf(b, "</dc:%s>", name);
}

/* Every language's value, without xml:lang: the oai_dc schema's simple
 * Dublin Core (simpledc20021212.xsd) gives its elements no attribute. */
static int dc_texts(vcm_buf *b, const char *name, const vcm_ltexts *t)
{
    for (size_t i = 0; i < t->n; i++)
        if (dc_el(b, name, NULL, t->v[i].text) < 0)
            return -1;
    return 0;
}

/* Simple Dublin Core: what a harvester that knows nothing of museums can
 * show. */
static int dc_write(vcm_buf *b, const vcm_object *o, const char *base)
{
    if (vcm_buf_puts(b, "<oai_dc:dc xmlns:oai_dc=\"" VCM_OAI_DC_NS "\" xmlns:dc=\"" VCM_DC_NS
                        "\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                        "xsi:schemaLocation=\"" VCM_OAI_DC_NS
                        " http://www.openarchives.org/OAI/2.0/oai_dc.xsd\">") < 0 ||
        dc_texts(b, "title", &o->title) < 0)
        return -1;
    for (size_t i = 0; i < o->ncreators; i++)
        if (dc_el(b, "creator", NULL, o->creators[i]) < 0)
            return -1;
    char url[600];
    snprintf(url, sizeof url, "%s/objects/%lld", base, (long long)o->id);
    if (dc_texts(b, "description", &o->description) < 0 ||
        dc_el(b, "date", NULL, o->date_text) < 0 ||
        dc_el(b, "type", NULL, o->classification) < 0 ||
        dc_el(b, "format", NULL, o->materials) < 0 ||
        dc_el(b, "format", NULL, o->dimensions) < 0 ||
        dc_el(b, "coverage", NULL, o->culture) < 0 ||
        dc_el(b, "publisher", NULL, o->museum_name) < 0 ||
        dc_el(b, "identifier", NULL, url) < 0 ||
        dc_el(b, "identifier", NULL, o->inventory_number) < 0 ||
        dc_el(b, "source", NULL, o->source_url) < 0 ||
        dc_el(b, "rights", NULL, o->rights) < 0 || dc_el(b, "rights", NULL, o->credit_line) < 0)
        return -1;
    return vcm_buf_puts(b, "</oai_dc:dc>");
}

/* An EDM record is an rdf:RDF of its own, without the document's XML
 * declaration that vcm_edm_open writes. */
static int edm_write(vcm_buf *b, const vcm_object *o, const char *base)
{
    size_t at = b->len;
    if (vcm_edm_open(b) < 0)
        return -1;
    const char *decl = "?>\n";
    char *end = memmem(b->data + at, b->len - at, decl, 3);
    if (end) {
        size_t cut = (size_t)(end + 3 - (b->data + at));
        memmove(b->data + at, b->data + at + cut, b->len - at - cut);
        b->len -= cut;
    }
    if (vcm_edm_write(b, o, o->country, base) < 0)
        return -1;
    return vcm_edm_close(b);
}

static int metadata_xml(vcm_buf *b, int format, const vcm_object *o, const char *base)
{
    if (vcm_buf_puts(b, "<metadata>") < 0)
        return -1;
    int r = format == 0   ? dc_write(b, o, base)
            : format == 1 ? vcm_lido_write(b, o, o->country, base)
                          : edm_write(b, o, base);
    if (r < 0)
        return -1;
    return vcm_buf_puts(b, "</metadata>");
}

/* ---- the lists, streamed ---------------------------------------------------- */

struct list {
    vcm_store *s;
    vcm_arena a;
    vcm_oai_query q;
    int format;
    bool records;          /* ListRecords (else ListIdentifiers) */
    char *base, *repo;
    int64_t page, given;   /* the page's size, the records given so far */
    bool done;
    vcm_oai_item *first;   /* read by the handler, to know the list is not empty */
    size_t nfirst;
};

static void list_end(void *ud)
{
    struct list *l = ud;
    vcm_arena_release(&l->a);
    free(l->base);
    free(l->repo);
    free(l);
}

/* One batch of records: their objects in one read, then their XML. */
static int write_batch(struct list *l, vcm_buf *b, const vcm_oai_item *it, size_t n)
{
    int64_t ids[BATCH];
    size_t nids = 0;
    for (size_t i = 0; i < n; i++)
        if (!it[i].deleted && l->records)
            ids[nids++] = it[i].object_id;
    vcm_object os[BATCH];
    bool found[BATCH];
    if (nids && l->s->ops->object_get_many(l->s, &l->a, ids, nids, os, found) < 0)
        return -1;
    for (size_t i = 0, k = 0; i < n; i++) {
        vcm_oai_item item = it[i];
        const vcm_object *o = NULL;
        if (!item.deleted && l->records) {
            o = found[k] ? &os[k] : NULL;
            k++;
        }
        /* withdrawn after the stamp was read: deleted now; its next stamp
         * tells the harvesters that rely on datestamps */
        if (l->records && !item.deleted && (!o || o->status != VCM_PUBLISHED))
            item.deleted = true;
        if ((l->records && vcm_buf_puts(b, "<record>") < 0) ||
            header_xml(b, l->repo, &item) < 0 ||
            (o && !item.deleted && metadata_xml(b, l->format, o, l->base) < 0) ||
            (l->records && vcm_buf_puts(b, "</record>") < 0) || vcm_buf_putc(b, '\n') < 0)
            return -1;
    }
    return 0;
}

/* The end of a page: the token of the next, or the empty one of the last
 * page of a list that had several. */
static int write_tail(struct list *l, vcm_buf *b)
{
    vcm_oai_item *more;
    size_t n;
    if (vcm_oai_list(l->s, &l->a, l->q.set, l->q.from, l->q.until, l->q.after, 1, &more, &n) < 0)
        return -1;
    vcm_oai_query next = l->q;
    next.cursor = l->q.cursor + l->given;
    char token[VCM_OAI_TOKEN_MAX] = "";
    if (n && vcm_oai_token_encode(&next, token) < 0)
        return -1;
    /* a list that grew since its count: the size said is at least what is known */
    int64_t size = l->q.size > next.cursor + (int64_t)n ? l->q.size : next.cursor + (int64_t)n;
    if ((n || l->q.cursor > 0) &&
        vcm_buf_printf(b, "<resumptionToken completeListSize=\"%lld\" cursor=\"%lld\">%s"
                          "</resumptionToken>\n",
                       (long long)size, (long long)l->q.cursor, token) < 0)
        return -1;
    return vcm_buf_printf(b, "</%s>\n", l->records ? "ListRecords" : "ListIdentifiers") < 0 ||
                   foot(b) < 0
               ? -1
               : 0;
}

static int list_stream(void *ud, vcm_buf *out)
{
    struct list *l = ud;
    if (l->done)
        return 0;
    vcm_arena_reset(&l->a);
    int64_t want = l->page - l->given < BATCH ? l->page - l->given : BATCH;
    vcm_oai_item *it = NULL;
    size_t n = 0;
    if (want > 0 && vcm_oai_list(l->s, &l->a, l->q.set, l->q.from, l->q.until, l->q.after,
                                 (int)want, &it, &n) < 0)
        return -1;
    if (n && write_batch(l, out, it, n) < 0)
        return -1;
    if (n) {
        l->given += (int64_t)n;
        l->q.after = it[n - 1].object_id;
    }
    if ((int64_t)n < want || l->given >= l->page) {
        l->done = true;
        return write_tail(l, out) < 0 ? -1 : 0;
    }
    return 1;
}

static int list_verb(vcm_req *req, vcm_resp *resp, vcm_store *s, int64_t now, const oai_args *a)
{
    bool records = strcmp(verbs[a->verb].verb, "ListRecords") == 0;
    vcm_oai_query q = {0};
    if (a->v[A_TOKEN]) {
        if (vcm_oai_token_decode(a->v[A_TOKEN], &q) < 0 ||
            q.verb != (records ? VCM_OAI_LIST_RECORDS : VCM_OAI_LIST_IDENTIFIERS))
            return answer_error(req, resp, now, a, "badResumptionToken",
                                "the resumption token is not one of this repository's lists");
    } else {
        q.verb = records ? VCM_OAI_LIST_RECORDS : VCM_OAI_LIST_IDENTIFIERS;
        int gf = 0, gu = 0;
        q.from = 0;
        q.until = INT64_C(253402300799); /* 9999-12-31T23:59:59Z */
        if (a->v[A_FROM] && (gf = vcm_oai_time_parse(a->v[A_FROM], false, &q.from)) < 0)
            return answer_error(req, resp, now, a, "badArgument", "from is not a UTC datestamp");
        if (a->v[A_UNTIL] && (gu = vcm_oai_time_parse(a->v[A_UNTIL], true, &q.until)) < 0)
            return answer_error(req, resp, now, a, "badArgument", "until is not a UTC datestamp");
        if (gf && gu && gf != gu)
            return answer_error(req, resp, now, a, "badArgument",
                                "from and until have different granularities");
        if (q.from > q.until)
            return answer_error(req, resp, now, a, "badArgument", "from is later than until");
        if (format_of(a->v[A_PREFIX]) < 0)
            return answer_error(req, resp, now, a, "cannotDisseminateFormat",
                                "the formats are oai_dc, lido and edm");
        snprintf(q.prefix, sizeof q.prefix, "%s", a->v[A_PREFIX]);
        if (a->v[A_SET]) {
            if (!vcm_oai_set_spec_ok(a->v[A_SET]))
                return answer_error(req, resp, now, a, "badArgument", "set is not a setSpec");
            snprintf(q.set, sizeof q.set, "%s", a->v[A_SET]);
        }
        if (vcm_oai_count(s, q.set, q.from, q.until, &q.size) < 0)
            return vcm_web_store_error(req, resp, s);
    }
    int format = format_of(q.prefix);
    if (format < 0)
        return answer_error(req, resp, now, a, "badResumptionToken",
                            "the resumption token names no format of this repository");
    struct list *l = calloc(1, sizeof *l);
    if (!l)
        return -1;
    vcm_arena_init(&l->a, 0);
    l->s = s;
    l->q = q;
    l->format = format;
    l->records = records;
    l->page = vcm_web_app(req)->web.oai_page > 0 ? vcm_web_app(req)->web.oai_page : 500;
    l->base = strdup(vcm_web_base(req));
    l->repo = strdup(repo_id(req));
    if (!l->base || !l->repo) {
        list_end(l);
        return -1;
    }
    /* one record read now: an empty list is an error, said before any of
     * the list is sent */
    vcm_oai_item *one;
    size_t n;
    if (vcm_oai_list(s, &l->a, q.set, q.from, q.until, q.after, 1, &one, &n) < 0) {
        list_end(l);
        return vcm_web_store_error(req, resp, s);
    }
    if (n == 0) {
        list_end(l);
        return answer_error(req, resp, now, a, "noRecordsMatch",
                            q.cursor ? "the rest of this list is gone: no record matches"
                                     : "no record matches these arguments");
    }
    if (head(&resp->body, now, l->base, a, true) < 0 ||
        vcm_buf_printf(&resp->body, "<%s>\n", records ? "ListRecords" : "ListIdentifiers") < 0) {
        list_end(l);
        return -1;
    }
    resp->stream = list_stream;
    resp->stream_end = list_end;
    resp->stream_ud = l;
    return 0;
}

/* ---- the other verbs -------------------------------------------------------- */

static int identify(vcm_req *req, vcm_resp *resp, vcm_store *s, int64_t now, const oai_args *a)
{
    int64_t earliest;
    if (vcm_oai_earliest(s, now, &earliest) < 0)
        return vcm_web_store_error(req, resp, s);
    char date[21];
    vcm_oai_time_format(earliest, date);
    const char *base = vcm_web_base(req);
    const char *admin = vcm_web_app(req)->web.oai_admin;
    const char *repo = repo_id(req);
    vcm_buf *b = &resp->body;
    if (head(b, now, base, a, true) < 0 ||
        vcm_buf_puts(b, "<Identify><repositoryName>VCM: ") < 0 || esc(b, base) < 0 ||
        vcm_buf_puts(b, "</repositoryName><baseURL>") < 0 || esc(b, base) < 0 ||
        vcm_buf_puts(b, "/oai</baseURL><protocolVersion>2.0</protocolVersion><adminEmail>") < 0)
        return -1;
    /* the schema wants user@domain.tld; a bare host (localhost, an
     * address) gets a domain reserved for the purpose */
    if (admin && *admin ? esc(b, admin) < 0
                        : (vcm_buf_puts(b, "webmaster@") < 0 ||
                           esc(b, strchr(repo, '.') && strspn(repo, "0123456789.") != strlen(repo)
                                      ? repo
                                      : "vcm.invalid") < 0))
        return -1;
    return vcm_buf_printf(b,
                          "</adminEmail><earliestDatestamp>%s</earliestDatestamp>"
                          "<deletedRecord>persistent</deletedRecord>"
                          "<granularity>YYYY-MM-DDThh:mm:ssZ</granularity>"
                          "</Identify>\n",
                          date) < 0 ||
                   foot(b) < 0
               ? -1
               : 0;
}

/* The record an identifier names: 1, 0 (the error answered), -1. */
static int named(vcm_req *req, vcm_resp *resp, vcm_store *s, int64_t now, const oai_args *a,
                 vcm_oai_item *it)
{
    int64_t id = identifier_id(repo_id(req), a->v[A_IDENTIFIER]);
    int r = id ? vcm_oai_get(s, req->arena, id, it) : 0;
    if (r < 0)
        return vcm_web_store_error(req, resp, s) < 0 ? -1 : 0;
    if (r == 0)
        return answer_error(req, resp, now, a, "idDoesNotExist",
                            "no record of this repository has this identifier") < 0
                   ? -1
                   : 0;
    return 1;
}

static int list_formats(vcm_req *req, vcm_resp *resp, vcm_store *s, int64_t now,
                        const oai_args *a)
{
    if (a->v[A_IDENTIFIER]) {
        vcm_oai_item it;
        int r = named(req, resp, s, now, a, &it);
        if (r <= 0)
            return r;
    }
    vcm_buf *b = &resp->body;
    if (head(b, now, vcm_web_base(req), a, true) < 0 ||
        vcm_buf_puts(b, "<ListMetadataFormats>") < 0)
        return -1;
    for (size_t i = 0; i < NFORMATS; i++)
        if (vcm_buf_printf(b,
                           "<metadataFormat><metadataPrefix>%s</metadataPrefix><schema>%s"
                           "</schema><metadataNamespace>%s</metadataNamespace>"
                           "</metadataFormat>",
                           formats[i].prefix, formats[i].schema, formats[i].ns) < 0)
            return -1;
    return vcm_buf_puts(b, "</ListMetadataFormats>\n") < 0 || foot(b) < 0 ? -1 : 0;
}

static int get_record(vcm_req *req, vcm_resp *resp, vcm_store *s, int64_t now,
                      const oai_args *a)
{
    int format = format_of(a->v[A_PREFIX]);
    vcm_oai_item it;
    int r = named(req, resp, s, now, a, &it);
    if (r <= 0)
        return r;
    if (format < 0)
        return answer_error(req, resp, now, a, "cannotDisseminateFormat",
                            "the formats are oai_dc, lido and edm");
    vcm_object o;
    if (!it.deleted) {
        int g = s->ops->object_get(s, req->arena, it.object_id, &o);
        if (g < 0)
            return vcm_web_store_error(req, resp, s);
        it.deleted = g == 0 || o.status != VCM_PUBLISHED;
    }
    const char *base = vcm_web_base(req);
    vcm_buf *b = &resp->body;
    if (head(b, now, base, a, true) < 0 || vcm_buf_puts(b, "<GetRecord><record>") < 0 ||
        header_xml(b, repo_id(req), &it) < 0 ||
        (!it.deleted && metadata_xml(b, format, &o, base) < 0) ||
        vcm_buf_puts(b, "</record></GetRecord>\n") < 0)
        return -1;
    return foot(b);
}

static int set_xml(vcm_buf *b, const char *spec, const char *name)
{
    if (vcm_buf_puts(b, "<set><setSpec>") < 0 || esc(b, spec) < 0 ||
        vcm_buf_puts(b, "</setSpec><setName>") < 0 || esc(b, name) < 0)
        return -1;
    return vcm_buf_puts(b, "</setName></set>\n");
}

static const char *first_name(const vcm_ltexts *t, const char *fallback)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].lang && strcmp(t->v[i].lang, "en") == 0)
            return t->v[i].text;
    return t->n ? t->v[0].text : fallback;
}

/* Every set in one answer: they are a few hundred at most (the network's
 * museums and countries), so no token is needed. */
static int list_sets(vcm_req *req, vcm_resp *resp, vcm_store *s, int64_t now, const oai_args *a)
{
    if (a->v[A_TOKEN])
        return answer_error(req, resp, now, a, "badResumptionToken",
                            "the list of sets comes in one answer: it has no token");
    vcm_arena *ar = req->arena;
    vcm_museum *ms;
    vcm_country *cs;
    const char **origins;
    size_t nm, nc, no;
    if (s->ops->museum_list(s, ar, "", &ms, &nm) < 0 ||
        s->ops->country_list(s, ar, true, &cs, &nc) < 0 || vcm_oai_origins(s, ar, &origins, &no) < 0)
        return vcm_web_store_error(req, resp, s);
    vcm_buf *b = &resp->body;
    char spec[64];
    if (head(b, now, vcm_web_base(req), a, true) < 0 || vcm_buf_puts(b, "<ListSets>\n") < 0 ||
        set_xml(b, "masterpieces", "The network's masterpieces") < 0 ||
        set_xml(b, "museum", "By museum") < 0)
        return -1;
    for (size_t i = 0; i < nm; i++) {
        snprintf(spec, sizeof spec, "museum:%lld", (long long)ms[i].id);
        if (set_xml(b, spec, first_name(&ms[i].names, spec)) < 0)
            return -1;
    }
    if (set_xml(b, "country", "By the museum's country") < 0)
        return -1;
    for (size_t i = 0; i < nc; i++) {
        snprintf(spec, sizeof spec, "country:%s", cs[i].code);
        if (set_xml(b, spec, first_name(&cs[i].names, cs[i].code)) < 0)
            return -1;
    }
    static const char *const regions[][2] = {
        {"asia", "Asia"}, {"europe", "Europe"}, {"other", "Elsewhere"}};
    if (set_xml(b, "region", "By the museum's region") < 0)
        return -1;
    for (size_t i = 0; i < 3; i++) {
        snprintf(spec, sizeof spec, "region:%s", regions[i][0]);
        if (set_xml(b, spec, regions[i][1]) < 0)
            return -1;
    }
    if (set_xml(b, "origin", "By where the object comes from") < 0)
        return -1;
    for (size_t i = 0; i < no; i++) {
        snprintf(spec, sizeof spec, "origin:%s", origins[i]);
        if (vcm_oai_set_spec_ok(spec) && set_xml(b, spec, origins[i]) < 0)
            return -1;
    }
    return vcm_buf_puts(b, "</ListSets>\n") < 0 || foot(b) < 0 ? -1 : 0;
}

int vcm_oai(vcm_req *req, vcm_resp *resp)
{
    /* first of all: see the design note */
    int64_t now = (int64_t)time(NULL);
    resp->content_type = "text/xml; charset=utf-8";
    vcm_query q;
    oai_args a;
    const char *why = NULL;
    if (vcm_query_parse(req->arena, req->query, strlen(req->query), &q) < 0)
        return -1;
    const char *code = read_args(&q, &a, &why);
    if (code)
        return answer_error(req, resp, now, &a, code, why);
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    if (vcm_oai_catch_up(s, now) < 0)
        return vcm_web_store_error(req, resp, s);
    const char *verb = verbs[a.verb].verb;
    if (strcmp(verb, "Identify") == 0)
        return identify(req, resp, s, now, &a);
    if (strcmp(verb, "ListMetadataFormats") == 0)
        return list_formats(req, resp, s, now, &a);
    if (strcmp(verb, "ListSets") == 0)
        return list_sets(req, resp, s, now, &a);
    if (strcmp(verb, "GetRecord") == 0)
        return get_record(req, resp, s, now, &a);
    return list_verb(req, resp, s, now, &a);
}
