/* libFuzzer target for the search index file loader (src/search/file.c),
 * and for searching what it loaded (src/search/eval.c, index.c): an index
 * file is outside input, since a damaged or foreign file may sit where the
 * index belongs, and a loaded index is searched without further checks.
 * Build with `make fuzz`; run:
 *   build/fuzz/index_file -max_total_time=60 fuzz/corpus/index_file
 *
 * The input is the file. When its length is a multiple of 8 the target
 * writes the right checksum into its last 8 bytes first (else nearly every
 * mutation would stop at the checksum); other lengths test the size check.
 * The file is given to the loader through a memfd.
 *
 * Beyond "no crash": a refusal has a message; a loaded index holds what
 * searching takes for granted (postings in order, inside their arrays),
 * answers every kind of plan over all its terms (each posting's positions
 * decoded), its facets and autocomplete, takes a new document and a
 * removal, and once packed and saved (to a temporary folder) loads again. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/arena.h"
#include "search/index.h"
#include "search/index_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HEADER_SIZE 136 /* struct header of file.c */

static uint64_t mix64(uint64_t h, uint64_t w)
{
    h ^= w * 0x9E3779B97F4A7C15ull;
    return (h << 27 | h >> 37) * 0xC2B2AE3D27D4EB4Full;
}

static void search_all(vcm_index *x, vcm_arena *a)
{
    /* up to 8 dictionary terms, alone, as a phrase and by field */
    const char *words[8];
    size_t nw = 0;
    for (size_t i = 0; i < x->dict.n && nw < 8; i += 1 + x->dict.n / 8) {
        size_t l;
        const char *k = vcm_strmap_key(&x->dict, i, &l);
        words[nw++] = vcm_arena_strndup(a, k, l);
        if (!words[nw - 1])
            return;
    }
    static const uint32_t offs[2] = {0, 1};
    vcm_plan terms[8], phrase[8], every = {.kind = VCM_PLAN_PREFIX, .nterms = 1,
                                            .fields = 1u << VCM_IF_TITLE | 1u << VCM_IF_TEXT};
    const char *empty = "";
    every.terms = &empty;
    vcm_plan *kids[10];
    size_t nk = 0;
    for (size_t i = 0; i < nw; i++) {
        terms[i] = (vcm_plan){.kind = VCM_PLAN_TERM, .terms = &words[i], .nterms = 1,
                              .fields = i % 2 ? 1u << VCM_IF_MUSEUM : 0};
        phrase[i] = (vcm_plan){.kind = VCM_PLAN_TERM, .terms = &words[i > 0 ? i - 1 : 0],
                               .offsets = (uint32_t *)offs, .nterms = i > 0 ? 2 : 1};
        kids[nk++] = &terms[i];
    }
    kids[nk++] = &every;
    vcm_plan period = {.kind = VCM_PLAN_PERIOD, .from = -1000, .to = 2000, .regions = 3};
    kids[nk++] = &period;
    vcm_plan or = {.kind = VCM_PLAN_OR, .kids = kids, .nkids = nk};
    vcm_plan *pk[8];
    for (size_t i = 0; i < nw; i++)
        pk[i] = &phrase[i];
    vcm_plan phrases = {.kind = VCM_PLAN_OR, .kids = pk, .nkids = nw};
    vcm_plan *andk[2] = {&or, &phrases};
    vcm_plan and = {.kind = VCM_PLAN_AND, .kids = andk, .nkids = 2};
    const vcm_plan *plans[] = {&or, &phrases, &and, NULL};
    for (size_t p = 0; p < sizeof plans / sizeof plans[0]; p++)
        for (int sort = VCM_SORT_RELEVANCE; sort <= VCM_SORT_MUSEUM; sort++) {
            vcm_index_request r = {.must = plans[p], .must_not = p == 3 ? &phrases : NULL,
                                   .sort = (enum vcm_sort)sort, .limit = 5, .offset = 1,
                                   .facets = (1u << VCM_FACET_KINDS) - 1};
            if (sort == VCM_SORT_TITLE) {
                r.filter.has_date = true;
                r.filter.date_from = -500;
                r.filter.date_to = 1900;
                r.filter.classification = "Ceramics";
                r.filter.century = 17;
                r.filter.material = "jade";
            }
            vcm_index_result res;
            if (vcm_index_search(x, a, &r, &res) == 0 && res.more && res.nhits) {
                r.has_after = true;
                r.after_key = res.hits[res.nhits - 1].key;
                r.after_id = res.hits[res.nhits - 1].id;
                vcm_index_search(x, a, &r, &res);
            }
        }
    vcm_suggestion sug[8];
    vcm_index_suggest(x, a, "", 0, sug, 8);
    vcm_index_suggest(x, a, "c", 1, sug, 8);
    const char *sim[3];
    for (size_t i = 0; i < nw; i++)
        vcm_index_similar(x, a, words[i], strlen(words[i]), sim, 3);
}

/* What searching takes for granted in a loaded index, without checking. */
static void check_loaded(const vcm_index *x)
{
    for (size_t i = 0; i < x->nterms; i++) {
        const struct term *t = &x->terms[i];
        for (uint32_t j = 0; j < t->n; j++)
            if (t->docs[j] >= x->ndocs || t->poff[j] >= t->plen ||
                (j && (t->docs[j] <= t->docs[j - 1] || t->poff[j] <= t->poff[j - 1])))
                abort();
    }
    for (size_t i = 0; i < x->ndocs; i++)
        if (x->docs[i].museum >= x->nmuseums || x->docs[i].cls >= x->classes.n)
            abort();
}

static void change(vcm_index *x)
{
    vcm_index_doc d;
    memset(&d, 0, sizeof d);
    d.id = 424242;
    d.date_start = 1600;
    d.date_end = 1700;
    d.museum_id = 77;
    d.museum_name = "Museum of Fuzzing";
    memcpy(d.country, "KR", 3);
    d.classification = "Ceramics";
    d.sort_title = "celadon bowl";
    d.texts[0].field = VCM_IF_TITLE;
    d.texts[0].text = "celadon bowl with ink on silk";
    d.ntexts = 1;
    vcm_index_prep *p = vcm_index_prepare(&d);
    if (p && vcm_index_put(x, p) < 0)
        abort();
    if (x->ndocs)
        vcm_index_remove(x, x->docs[0].id);
    if (vcm_index_settle(x) < 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 20)
        return 0;
    uint8_t *buf = malloc(size ? size : 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    if (size >= HEADER_SIZE + 8 && size % 8 == 0) {
        uint64_t sum = 0;
        for (size_t i = 0; i + 8 < size; i += 8) {
            uint64_t v;
            memcpy(&v, buf + i, 8);
            sum = mix64(sum, v);
        }
        memcpy(buf + size - 8, &sum, 8);
    }
    int fd = memfd_create("vcm-fuzz-index", 0);
    if (fd < 0 || (size && write(fd, buf, size) != (ssize_t)size)) {
        if (fd >= 0)
            close(fd);
        free(buf);
        return 0;
    }
    free(buf);
    char path[64], err[600];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    err[0] = '\0';
    vcm_index *x = vcm_index_load(path, err, sizeof err);
    close(fd);
    if (!x) {
        if (!err[0])
            abort();
        return 0;
    }
    vcm_arena a;
    vcm_arena_init(&a, 1 << 24);
    vcm_index_lock_write(x);
    check_loaded(x);
    search_all(x, &a);
    vcm_arena_reset(&a);
    change(x);
    search_all(x, &a);
    vcm_arena_release(&a);
    /* a folder of its own for the save's temporary file and rename */
    char dir[256], file[300];
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/vcm-fuzz-index-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        abort();
    snprintf(file, sizeof file, "%s/index", dir);
    if (vcm_index_pack(x) < 0 || vcm_index_save(x, file, err, sizeof err) < 0)
        abort();
    vcm_index_unlock(x);
    vcm_index_free(x);
    vcm_index *y = vcm_index_load(file, err, sizeof err);
    if (!y)
        abort(); /* what the index wrote must load */
    vcm_index_free(y);
    unlink(file);
    rmdir(dir);
    return 0;
}
