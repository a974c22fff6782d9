/* libFuzzer target for the readers of a BagIt bag's text files
 * (src/io/bagit.c): manifest lines, the "Label: value" lines of bagit.txt
 * and bag-info.txt, and Payload-Oxum. The first byte chooses the reader and
 * its options; the rest is the text. Invariants: a manifest line read is a
 * digest of the algorithm's length in lower-case hex and a path that is
 * relative, free of "."/".." segments and on the side of data/ asked for,
 * and writing it back (vcm_bagit_path_encode) reads back to the same; every
 * label handed out is non-empty and starts with no space, every value
 * starts with none; an Oxum read prints back as given.
 * Build with `make fuzz`; run: build/fuzz/bagit -max_total_time=60 fuzz/corpus/bagit */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/bagit.h"

static int on_tag(void *ud, const char *label, const char *value, size_t line, char *err,
                  size_t errlen)
{
    (void)err;
    (void)errlen;
    size_t *lines = ud;
    if (!*label || label[0] == ' ' || label[0] == '\t' || value[0] == ' ' ||
        value[0] == '\t' || line == 0 || line <= *lines)
        abort();
    *lines = line;
    return 0;
}

static void manifest(const char *text, size_t size, vcm_bagit_alg alg, int payload)
{
    char digest[129], path[VCM_BAGIT_LINE_MAX + 1], again[VCM_BAGIT_LINE_MAX + 1], err[300];
    for (size_t i = 0; i < size;) {
        const char *nl = memchr(text + i, '\n', size - i);
        size_t len = nl ? (size_t)(nl - (text + i)) : size - i;
        if (vcm_bagit_manifest_line(text + i, len, alg, payload, digest, path, sizeof path, err,
                                    sizeof err) == 0) {
            if (strlen(digest) != vcm_bagit_hexlen(alg) || path[0] == '/' ||
                strstr(path, "//") || (payload != (strncmp(path, "data/", 5) == 0)))
                abort();
            for (const char *d = digest; *d; d++)
                if (!((*d >= '0' && *d <= '9') || (*d >= 'a' && *d <= 'f')))
                    abort();
            vcm_buf b;
            vcm_buf_init(&b, 4 * VCM_BAGIT_LINE_MAX);
            vcm_buf_printf(&b, "%s ", digest);
            vcm_bagit_path_encode(&b, path);
            char d2[129];
            if (!b.toobig &&
                (vcm_bagit_manifest_line(b.data, b.len, alg, payload, d2, again, sizeof again,
                                         err, sizeof err) != 0 ||
                 strcmp(d2, digest) != 0 || strcmp(again, path) != 0))
                abort();
            vcm_buf_release(&b);
        }
        i += len + 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int mode = data[0] % 4;
    char *text = malloc(size);
    if (!text)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    size_t n = size - 1;
    if (mode == 0 || mode == 1) {
        manifest(text, n, (data[0] >> 2) & 1 ? VCM_BAGIT_SHA256 : VCM_BAGIT_SHA512, mode == 0);
    } else if (mode == 2) {
        size_t lines = 0, errline;
        char err[300];
        vcm_bagit_tags(text, n, on_tag, &lines, &errline, err, sizeof err);
    } else {
        int64_t octets, files;
        if (vcm_bagit_oxum(text, &octets, &files) == 0) {
            char back[64];
            snprintf(back, sizeof back, "%" PRId64 ".%" PRId64, octets, files);
            if (strcmp(back, text) != 0)
                abort();
        }
        vcm_bagit_alg alg;
        int tag, known;
        if (vcm_bagit_manifest_name(text, &alg, &tag, &known) == 0 && !known)
            abort();
    }
    free(text);
    return 0;
}
