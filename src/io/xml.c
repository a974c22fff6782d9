/* The safe XML reader (see xml.h for the contract).
 *
 * Design. libxml2's text reader (xmlTextReader) pulls the document through
 * an input callback of ours, which is where the guards that must hold
 * before libxml2 sees a byte live: it counts the bytes read for the element
 * being looked for (a record bigger than the cap is refused while it is
 * read, so it never sits whole in memory) and refuses a document that
 * declares an entity ("<!ENTITY", seen across chunk boundaries) before the
 * parser can expand one. libxml2's own limits (depth 256, 10 MB texts, its
 * entity-amplification checks) stay on behind ours: XML_PARSE_HUGE is never
 * set. The element handed over is then walked once for the depth, text and
 * node limits, all errors naming the document and the line. */
#include "io/xml.h"

#include <errno.h>
#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define ENTITY_MARK "<!ENTITY"
#define MARK_LEN (sizeof ENTITY_MARK - 1)

struct vcm_xml {
    xmlTextReaderPtr reader;
    FILE *f;                   /* a file, or NULL for a buffer */
    const char *data;
    size_t size, pos;
    char name[512];
    vcm_xml_limits lim;
    size_t fed;                /* bytes given to libxml2 during this vcm_xml_next */
    long lines;                /* line breaks given to libxml2 so far */
    long why_line;             /* where a guard of ours stopped the input */
    size_t max_bytes;
    char tail[MARK_LEN];       /* the last bytes given, for a mark split across reads */
    size_t ntail;
    bool first;                /* no byte given yet */
    char why[300];             /* a guard of ours that stopped the input */
    char lx[300];              /* libxml2's first error */
    long lx_line;
    bool done;
    bool handed;               /* the reader stands on an element handed over */
};

/* libxml2 asks this for every external entity, DTD or XInclude it would
 * load. Nothing outside the document is ever read, whatever the options:
 * the answer is always no. The loader is process-wide in libxml2, and no
 * XML this program reads may load anything. */
static xmlParserInputPtr refuse_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    (void)url;
    (void)id;
    (void)ctxt;
    return NULL;
}

/* libxml2 reports some errors (of encodings, of input) through its generic
 * handler, which prints to standard error; they reach us through the
 * structured handler or the reader's return as well. */
static void quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static void init_libxml(void)
{
    xmlInitParser();
    xmlSetExternalEntityLoader(refuse_loader);
}

static void on_error(void *arg, xmlErrorPtr e)
{
    vcm_xml *x = arg;
    if (!e || x->lx[0])
        return;
    snprintf(x->lx, sizeof x->lx, "%s", e->message ? e->message : "malformed XML");
    size_t n = strlen(x->lx);
    while (n && (x->lx[n - 1] == '\n' || x->lx[n - 1] == ' '))
        x->lx[--n] = '\0';
    /* one line: libxml2 puts the bytes it choked on after a line break */
    for (char *p = x->lx; *p; p++)
        if (*p == '\n')
            *p = ' ';
    x->lx_line = e->line;
}

/* Looks for the entity mark in what is given now, with the end of what was
 * given before in front of it. */
static bool declares_entity(vcm_xml *x, const char *buf, size_t n)
{
    char joint[2 * MARK_LEN];
    size_t k = n < MARK_LEN ? n : MARK_LEN;
    memcpy(joint, x->tail, x->ntail);
    memcpy(joint + x->ntail, buf, k);
    if (memmem(joint, x->ntail + k, ENTITY_MARK, MARK_LEN) || memmem(buf, n, ENTITY_MARK, MARK_LEN))
        return true;
    /* keep the last MARK_LEN - 1 bytes of the stream */
    size_t keep = MARK_LEN - 1;
    if (n >= keep) {
        memcpy(x->tail, buf + n - keep, keep);
        x->ntail = keep;
    } else {
        size_t old = x->ntail + n > keep ? keep - n : x->ntail;
        memmove(x->tail, x->tail + x->ntail - old, old);
        memcpy(x->tail + old, buf, n);
        x->ntail = old + n;
    }
    return false;
}

static int input_read(void *ctx, char *buf, int len)
{
    vcm_xml *x = ctx;
    if (x->why[0])
        return -1;
    size_t n;
    if (x->f) {
        n = fread(buf, 1, (size_t)len, x->f);
        if (n == 0 && ferror(x->f)) {
            snprintf(x->why, sizeof x->why, "cannot read: %s", strerror(errno ? errno : EIO));
            return -1;
        }
    } else {
        n = x->size - x->pos < (size_t)len ? x->size - x->pos : (size_t)len;
        memcpy(buf, x->data + x->pos, n);
        x->pos += n;
    }
    if (x->first && n > 0) {
        x->first = false;
        /* The guards read bytes as ASCII: a document in UTF-16 or UCS-4
         * would slip past them, and museum exports are UTF-8. */
        const unsigned char *u = (const unsigned char *)buf;
        if (u[0] == 0 || (n >= 2 && ((u[0] == 0xFE && u[1] == 0xFF) ||
                                     (u[0] == 0xFF && u[1] == 0xFE) || u[1] == 0))) {
            snprintf(x->why, sizeof x->why, "only XML in UTF-8 (or an ASCII-based encoding) is read");
            return -1;
        }
    }
    if (declares_entity(x, buf, n)) {
        const char *at = memmem(buf, n, ENTITY_MARK, MARK_LEN);
        long line = x->lines + 1;
        for (const char *p = buf; at && p < at; p++)
            line += *p == '\n';
        x->why_line = line;
        snprintf(x->why, sizeof x->why,
                 "the document declares an entity (<!ENTITY): entities are not read");
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        x->lines += buf[i] == '\n';
    x->fed += n;
    if (x->fed > x->max_bytes) {
        snprintf(x->why, sizeof x->why, "an element is larger than %zu bytes", x->max_bytes);
        return -1;
    }
    return (int)n;
}

static int input_close(void *ctx)
{
    (void)ctx;
    return 0;
}

static vcm_xml *open_common(vcm_xml *x, const vcm_xml_limits *lim, char *err, size_t errlen)
{
    pthread_once(&once, init_libxml);
    /* the generic handler is libxml2's per thread: set where the reading is */
    xmlSetGenericErrorFunc(NULL, quiet);
    if (lim)
        x->lim = *lim;
    if (x->lim.max_depth <= 0)
        x->lim.max_depth = 64;
    if (!x->lim.max_text)
        x->lim.max_text = (size_t)1 << 20;
    if (!x->lim.max_nodes)
        x->lim.max_nodes = 200000;
    /* what one element may take, in bytes of the document: its texts and
     * nodes within the limits above, with room for markup */
    x->max_bytes = 32u << 20;
    x->first = true;
    /* No NOENT (entities stay references), no DTDLOAD/DTDATTR/DTDVALID,
     * no XINCLUDE, no HUGE; NONET besides the loader above. Errors come to
     * on_error, never to standard error. */
    int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;
    x->reader = xmlReaderForIO(input_read, input_close, x, x->name, NULL, opts);
    if (!x->reader) {
        snprintf(err, errlen, "%s: cannot start the XML reader", x->name);
        vcm_xml_close(x);
        return NULL;
    }
    xmlTextReaderSetStructuredErrorHandler(x->reader, on_error, x);
    return x;
}

vcm_xml *vcm_xml_open_file(const char *path, const vcm_xml_limits *lim, char *err, size_t errlen)
{
    vcm_xml *x = calloc(1, sizeof *x);
    if (!x) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    snprintf(x->name, sizeof x->name, "%s", path);
    x->f = fopen(path, "rb");
    if (!x->f) {
        snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
        free(x);
        return NULL;
    }
    return open_common(x, lim, err, errlen);
}

vcm_xml *vcm_xml_open_memory(const char *data, size_t n, const char *name,
                             const vcm_xml_limits *lim, char *err, size_t errlen)
{
    vcm_xml *x = calloc(1, sizeof *x);
    if (!x) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    snprintf(x->name, sizeof x->name, "%s", name);
    x->data = data;
    x->size = n;
    return open_common(x, lim, err, errlen);
}

/* Walks the element handed over: depth below it (from base, its own
 * depth in the document), text lengths and node count. */
static int check_tree(vcm_xml *x, const xmlNode *root, int base, char *err, size_t errlen)
{
    size_t nodes = 0;
    int depth = base;
    const xmlNode *n = root;
    while (n) {
        nodes++;
        if (nodes > x->lim.max_nodes) {
            snprintf(err, errlen, "%s:%ld: an element holds more than %zu nodes", x->name,
                     (long)xmlGetLineNo((xmlNode *)root), x->lim.max_nodes);
            return -1;
        }
        if (n->type == XML_ELEMENT_NODE && depth > x->lim.max_depth) {
            snprintf(err, errlen, "%s:%ld: elements nested deeper than %d", x->name,
                     (long)xmlGetLineNo((xmlNode *)n), x->lim.max_depth);
            return -1;
        }
        if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content &&
            strlen((const char *)n->content) > x->lim.max_text) {
            snprintf(err, errlen, "%s:%ld: a text is longer than %zu bytes", x->name,
                     (long)xmlGetLineNo(n->parent ? n->parent : (xmlNode *)n), x->lim.max_text);
            return -1;
        }
        if (n->type == XML_ELEMENT_NODE) {
            for (const xmlAttr *a = n->properties; a; a = a->next)
                if (a->children && a->children->content &&
                    strlen((const char *)a->children->content) > x->lim.max_text) {
                    snprintf(err, errlen, "%s:%ld: an attribute value is longer than %zu bytes",
                             x->name, (long)xmlGetLineNo((xmlNode *)n), x->lim.max_text);
                    return -1;
                }
        }
        if (n->type == XML_ENTITY_REF_NODE) {
            snprintf(err, errlen, "%s:%ld: entity references are not read", x->name,
                     (long)xmlGetLineNo(n->parent ? n->parent : (xmlNode *)n));
            return -1;
        }
        if (n->children && n->type == XML_ELEMENT_NODE) {
            n = n->children;
            depth++;
            continue;
        }
        while (n && n != root && !n->next) {
            n = n->parent;
            depth--;
        }
        if (!n || n == root)
            break;
        n = n->next;
    }
    return 0;
}

static int fail(vcm_xml *x, char *err, size_t errlen)
{
    long line = x->why_line > 0  ? x->why_line
                : x->lx_line > 0 ? x->lx_line
                                 : xmlTextReaderGetParserLineNumber(x->reader);
    if (x->why[0])
        snprintf(err, errlen, "%s:%ld: %s", x->name, line, x->why);
    else if (x->lx[0])
        snprintf(err, errlen, "%s:%ld: %s", x->name, line, x->lx);
    else
        snprintf(err, errlen, "%s:%ld: malformed XML", x->name, line);
    x->done = true;
    return -1;
}

/* Whether name is one of the '|'-separated names of list. */
static bool name_in(const char *name, const char *list)
{
    size_t n = strlen(name);
    for (const char *p = list;;) {
        const char *bar = strchr(p, '|');
        size_t k = bar ? (size_t)(bar - p) : strlen(p);
        if (k == n && memcmp(p, name, n) == 0)
            return true;
        if (!bar)
            return false;
        p = bar + 1;
    }
}

int vcm_xml_next(vcm_xml *x, const char *ns, const char *local, xmlNode **node, long *line,
                 char *err, size_t errlen)
{
    *node = NULL;
    if (x->done)
        return 0;
    x->fed = 0;
    for (;;) {
        if (x->lim.max_depth && xmlTextReaderDepth(x->reader) > x->lim.max_depth) {
            snprintf(err, errlen, "%s:%d: elements nested deeper than %d", x->name,
                     xmlTextReaderGetParserLineNumber(x->reader), x->lim.max_depth);
            x->done = true;
            return -1;
        }
        /* the reader stands on the element handed over last: step over
         * its subtree, which the reader then frees */
        int rr = x->handed ? xmlTextReaderNext(x->reader) : xmlTextReaderRead(x->reader);
        x->handed = false;
        if (rr < 0 || x->why[0] || x->lx[0])
            return fail(x, err, errlen);
        if (rr == 0) {
            x->done = true;
            return 0;
        }
        int type = xmlTextReaderNodeType(x->reader);
        if (type == XML_READER_TYPE_DOCUMENT_TYPE) {
            /* (xmlTextReaderCurrentDoc would make the reader keep every
             * node from here on: the node is asked for instead) */
            xmlNodePtr dn = xmlTextReaderCurrentNode(x->reader);
            xmlDtdPtr dtd = dn && dn->type == XML_DTD_NODE ? (xmlDtdPtr)dn : NULL;
            if (dtd && (dtd->entities || dtd->pentities)) {
                snprintf(x->why, sizeof x->why,
                         "the document declares an entity: entities are not read");
                return fail(x, err, errlen);
            }
            continue;
        }
        if (type == XML_READER_TYPE_ENTITY_REFERENCE) {
            snprintf(x->why, sizeof x->why, "entity references are not read");
            return fail(x, err, errlen);
        }
        if (type != XML_READER_TYPE_ELEMENT)
            continue;
        const xmlChar *ln = xmlTextReaderConstLocalName(x->reader);
        const xmlChar *uri = xmlTextReaderConstNamespaceUri(x->reader);
        if (!ln || !name_in((const char *)ln, local) || !uri || strcmp((const char *)uri, ns) != 0)
            continue;
        int depth = xmlTextReaderDepth(x->reader);
        xmlNode *n = xmlTextReaderExpand(x->reader);
        if (!n || x->why[0] || x->lx[0])
            return fail(x, err, errlen);
        if (check_tree(x, n, depth, err, errlen) < 0) {
            x->done = true;
            return -1;
        }
        *node = n;
        *line = xmlGetLineNo(n);
        x->handed = true;
        return 1;
    }
}

void vcm_xml_close(vcm_xml *x)
{
    if (!x)
        return;
    if (x->reader)
        xmlFreeTextReader(x->reader);
    if (x->f)
        fclose(x->f);
    free(x);
}

char *vcm_xml_text(const xmlNode *n)
{
    xmlChar *c = xmlNodeGetContent(n);
    if (!c)
        return NULL;
    char *s = strdup((const char *)c);
    xmlFree(c);
    return s;
}
