/* The one way VCM reads XML (every XML reader of the program goes through it).
 *
 * Outside XML is read with libxml2 set up so that a document can neither
 * reach outside itself nor make the reader spend without bound:
 * - no external entity, DTD or XInclude is ever loaded (XML_PARSE_NONET,
 *   no XML_PARSE_NOENT, no XML_PARSE_DTDLOAD, and an entity loader that
 *   refuses every URL, so even a path libxml2 would try is closed);
 * - a document that declares entities is refused outright: museum exports
 *   never need them, and refusing is the only answer to entity expansion
 *   that does not depend on libxml2's own amplification guards;
 * - limits on nesting depth, on the length of one text and on the size of
 *   one record: a document past a limit is refused with an error naming the
 *   limit, never cut short.
 * Errors name the document (a file name, or the name a caller gives a
 * buffer) and the line: "records.xml:12: …".
 *
 * The reader streams: vcm_xml_next() hands over one element at a time (a
 * lido:lido record, say) as a small tree, and what came before it is freed,
 * so a file of any size is read in the memory of its largest record. */
#ifndef VCM_IO_XML_H
#define VCM_IO_XML_H
#include <libxml/tree.h>
#include <stddef.h>

typedef struct vcm_xml_limits {
    int max_depth;         /* elements nested in one another; 0 = 64 */
    size_t max_text;       /* bytes in one text or attribute value; 0 = 1 MiB */
    size_t max_nodes;      /* nodes in one element handed over; 0 = 200,000 */
} vcm_xml_limits;

typedef struct vcm_xml vcm_xml;

/* Opens a file, or a buffer of n bytes that name stands for in messages
 * (the buffer must outlive the reader). NULL, with the reason in err. */
vcm_xml *vcm_xml_open_file(const char *path, const vcm_xml_limits *lim, char *err,
                           size_t errlen);
vcm_xml *vcm_xml_open_memory(const char *data, size_t n, const char *name,
                             const vcm_xml_limits *lim, char *err, size_t errlen);

/* Moves to the next element, anywhere below, whose namespace is ns and
 * local name is local (or one of local's names apart by '|': "a|b"), and hands it over as a tree in *node (valid until
 * the next call) with the line it starts on. Returns 1, 0 at the end of the
 * document, -1 on an error (malformed XML, a limit passed, an entity
 * declaration) with "NAME:LINE: reason" in err; after -1 the reader is
 * done. */
int vcm_xml_next(vcm_xml *x, const char *ns, const char *local, xmlNode **node, long *line,
                 char *err, size_t errlen);

void vcm_xml_close(vcm_xml *x);

/* The whole text of an element (its text descendants), or NULL when it has
 * none; a copy in *buf grown with malloc, which the caller frees. */
char *vcm_xml_text(const xmlNode *n);
#endif
