/* BagIt 1.0 (RFC 8493): the pure readers and writers of its text files.
 *
 * A bag is a folder: bagit.txt (version and encoding), bag-info.txt
 * (labels and values about the bag), manifest-ALG.txt (one line a payload
 * file: its digest, then its path under data/), tagmanifest-ALG.txt (the
 * same over the tag files). A bag comes from outside when it is restored,
 * so everything here reads its text without trusting it: lines are
 * bounded, paths that would leave the bag are refused, and nothing touches
 * the file system (cli/package.c does that). Fuzzed by fuzz/bagit.c.
 *
 * Paths in manifests are percent-encoded only where the RFC asks: CR as
 * %0D, LF as %0A and % as %25 (and nothing else is decoded). */
#ifndef VCM_IO_BAGIT_H
#define VCM_IO_BAGIT_H
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* The digests VCM can check; a manifest of another algorithm is reported,
 * not skipped. */
typedef enum vcm_bagit_alg { VCM_BAGIT_SHA256, VCM_BAGIT_SHA512 } vcm_bagit_alg;
/* The algorithm a manifest's file name names (manifest-sha512.txt,
 * tagmanifest-sha256.txt), with *tag set for a tag manifest. Returns 0, or
 * -1 when name is not a manifest or names an algorithm VCM cannot check
 * (*known tells which). */
int vcm_bagit_manifest_name(const char *name, vcm_bagit_alg *alg, int *tag, int *known);
/* Hex digits of a digest of alg. */
size_t vcm_bagit_hexlen(vcm_bagit_alg alg);

/* The longest manifest line, tag line or path VCM reads. */
#define VCM_BAGIT_LINE_MAX 8192

/* One line of a manifest (without its line ending): the digest, in lower
 * case, into digest (at least 129 bytes) and the path, decoded, into path
 * (pathcap bytes). The path must be relative, use '/', name no "." or ".."
 * segment and no empty one, and hold no NUL, backslash or control
 * character once decoded except those the encoding allows (CR, LF).
 * payload: it must lie under data/; otherwise it must not. Returns 0, or
 * -1 with why in err. */
int vcm_bagit_manifest_line(const char *line, size_t len, vcm_bagit_alg alg, int payload,
                            char *digest, char *path, size_t pathcap, char *err, size_t errlen);

/* Appends path to b as a manifest writes it (CR, LF and % encoded). */
int vcm_bagit_path_encode(vcm_buf *b, const char *path);

/* Reads the labels and values of bagit.txt or bag-info.txt: "Label: value"
 * lines, a value continued on following lines that start with a space or
 * a tab (joined with one space). fn gets each label and value and the line
 * the label is on; it returns 0 to go on or -1 to stop (then this returns
 * -1 with err as fn left it). Returns 0, or -1 with why in err and the
 * line in *errline. Labels keep their case; the caller compares. */
typedef int (*vcm_bagit_tag_fn)(void *ud, const char *label, const char *value, size_t line,
                                char *err, size_t errlen);
int vcm_bagit_tags(const char *text, size_t len, vcm_bagit_tag_fn fn, void *ud, size_t *errline,
                   char *err, size_t errlen);

/* Payload-Oxum: "OctetCount.StreamCount". Returns 0, or -1 when malformed. */
int vcm_bagit_oxum(const char *value, int64_t *octets, int64_t *files);

/* Bag-Size as people read it: "123 B", "4.5 kB", "67.8 MB", "9.1 GB". */
void vcm_bagit_size(int64_t bytes, char *out, size_t size);
#endif
