/* libFuzzer target for the search's evaluation (src/search/eval.c, with the
 * index of src/search/index.c under it): a query is parsed as the search
 * parses it (src/search/query.c), made into a plan of the shape search.c
 * makes (terms, phrases, prefixes, fields, OR, AND, NOT, a period) and run
 * against a small index built here from fixed records, with the filters,
 * sort, facets, page and cursor the input asks for; then the next page by
 * cursor, "did you mean" and autocomplete.
 * Build with `make fuzz`; run:
 *   build/fuzz/search_eval -max_total_time=60 fuzz/corpus/search_eval
 *
 * Input: an optional first line of options, "#" then letters each followed
 * by a number: s sort (0..4), f facet bits, o offset, l limit, m museum,
 * r region, c century, i image, p open, t material, y/z date from/to,
 * k classification (index into a fixed list), n country (index); the rest
 * (or all of it without "#") is the query as typed.
 *
 * Beyond "no crash": totals and hits agree (hits within the limit, at most
 * the total, each a record of the index, in order of (key, id)); facet
 * counts are positive and none exceeds the total; the page after a cursor
 * holds only hits that sort after it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/text.h"
#include "model/model.h"
#include "search/index.h"
#include "search/query.h"
#include "search/thesaurus.h"
#include "search/tokenize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct rec {
    int64_t id, museum;
    int32_t ds, de;
    const char *museum_name, *country, *cls;
    uint8_t region, flags;
    const char *title, *creator, *culture, *material, *text;
};

/* A few records of the demo collection's kinds: several scripts, BCE dates,
 * unknown dates, phrases that repeat, two museums of one country. */
static const struct rec recs[] = {
    {1, 1, 1700, 1899, "The Metropolitan Museum of Art", "US", "Leatherwork", VCM_REGION_OTHER, 0,
     "Piece", NULL, "Japan, Edo period (1615–1868)", "Leather", NULL},
    {2, 1, 1585, 1585, "The Metropolitan Museum of Art", "US", "Paintings", VCM_REGION_OTHER,
     VCM_IDOC_IMAGE | VCM_IDOC_OPEN, "明 丁雲鵬 潯陽送客圖 軸", "Ding Yunpeng (Chinese, 1547–ca. 1628)",
     "China, late Ming dynasty (1368–1644)", "Hanging scroll; ink and color on paper",
     "Song of the Lute: ink on silk, ink on paper"},
    {3, 2, -1100, -900, "National Palace Museum", "TW", "Jade", VCM_REGION_ASIA, VCM_IDOC_IMAGE,
     "西周玉獸頭", NULL, "China, Western Zhou dynasty (1046–771 B.C.)", "Jade (nephrite)",
     "Plaque in the shape of an animal head"},
    {4, 3, 1736, 1795, "National Museum of Korea", "KR", "Ceramics", VCM_REGION_ASIA,
     VCM_IDOC_OPEN, "백자 청화 항아리", NULL, "Korea, Joseon dynasty",
     "Porcelain painted in underglaze cobalt blue", "청화백자 porcelain jar with dragons"},
    {5, 4, 1400, 1500, "Rijksmuseum", "NL", "Ceramics", VCM_REGION_EUROPE, VCM_IDOC_IMAGE,
     "Celadon bowl", "Unknown potter", "China, Ming dynasty", "Stoneware with celadon glaze",
     "A bowl of celadon stoneware, traded to Europe."},
    {6, 5, VCM_NO_YEAR, VCM_NO_YEAR, "Musée Guimet", "FR", "", VCM_REGION_EUROPE, 0,
     "Bol à thé", NULL, "Japon", "Grès émaillé", "Un bol à thé (chawan) en grès."},
    {7, 6, 1200, 1300, "Bangkok National Museum", "TH", "Ceramics", VCM_REGION_ASIA, 0,
     "เครื่องปั้นดินเผา", NULL, "Thailand, Sukhothai", "ดินเผา stoneware", "Sawankhalok ware"},
    {8, 1, 1800, 1833, "The Metropolitan Museum of Art", "US", "Prints", VCM_REGION_OTHER,
     VCM_IDOC_IMAGE | VCM_IDOC_OPEN, "Print", "Kitagawa Utamaro (Japanese, ca. 1754–1806)",
     "Japan, Edo period (1615–1868)", "Triptych of woodblock prints; ink and color on paper",
     NULL},
    {9, 7, -500, 300, "Museum Nasional Indonesia", "ID", "Sculpture", VCM_REGION_ASIA, 0, "Ax",
     NULL, "Indonesia, Bronze and Iron Age period", "Dark gray stone", NULL},
    {10, 8, 1662, 1722, "Staatliche Museen zu Berlin", "DE", "Jade", VCM_REGION_EUROPE,
     VCM_IDOC_IMAGE, "Medallion", NULL, "China, Qing dynasty, Kangxi period", "Nephrite",
     "Ein Medaillon aus Nephrit, fein geschnitten."},
    {11, 2, 960, 1127, "National Palace Museum", "TW", "Ceramics", VCM_REGION_ASIA,
     VCM_IDOC_IMAGE | VCM_IDOC_OPEN, "汝窯青瓷無紋水仙盆", NULL, "China, Northern Song dynasty",
     "Ru ware, celadon glaze", "青瓷 celadon narcissus basin"},
    {12, 9, 1100, 1200, "Museum of Cham Sculpture", "VN", "Sculpture", VCM_REGION_ASIA, 0,
     "Tượng Shiva", NULL, "Vietnam, Champa", "Sandstone", "Tượng thần Shiva bằng sa thạch"},
};
#define NRECS (sizeof recs / sizeof recs[0])

static const char *const classes[] = {"Ceramics", "Jade", "", "Prints", "Nope"};
static const char *const countries[] = {"US", "TW", "KR", "NL", "FR", "XX"};

static vcm_index *idx;

static void build(void)
{
    if (!(idx = vcm_index_new()))
        abort();
    vcm_index_lock_write(idx);
    for (size_t i = 0; i < NRECS; i++) {
        const struct rec *r = &recs[i];
        vcm_index_doc d;
        memset(&d, 0, sizeof d);
        d.id = r->id;
        d.date_start = r->ds;
        d.date_end = r->de;
        d.museum_id = r->museum;
        d.museum_name = r->museum_name;
        memcpy(d.country, r->country, 3);
        d.region = r->region;
        d.classification = r->cls;
        d.sort_title = r->title;
        d.suggest = &r->creator;
        d.nsuggest = r->creator ? 1 : 0;
        d.flags = r->flags;
        const struct {
            int field;
            const char *text;
        } t[] = {{VCM_IF_TITLE, r->title},       {VCM_IF_CREATOR, r->creator},
                 {VCM_IF_CULTURE, r->culture},   {VCM_IF_TYPE, r->cls},
                 {VCM_IF_MATERIAL, r->material}, {VCM_IF_MUSEUM, r->museum_name},
                 {VCM_IF_MUSEUM, r->country},    {VCM_IF_TEXT, r->text}};
        for (size_t k = 0; k < sizeof t / sizeof t[0]; k++)
            if (t[k].text && *t[k].text) {
                d.texts[d.ntexts].field = t[k].field;
                d.texts[d.ntexts++].text = t[k].text;
            }
        vcm_index_prep *p = vcm_index_prepare(&d);
        if (!p || vcm_index_put(idx, p) < 0)
            abort();
    }
    /* a replaced and a removed record, so dead documents are skipped too */
    vcm_index_doc again;
    memset(&again, 0, sizeof again);
    again.id = 5;
    again.date_start = again.date_end = VCM_NO_YEAR;
    again.museum_id = 4;
    again.museum_name = "Rijksmuseum";
    memcpy(again.country, "NL", 3);
    again.region = VCM_REGION_EUROPE;
    again.classification = "Ceramics";
    again.sort_title = "Celadon bowl";
    again.texts[0].field = VCM_IF_TITLE;
    again.texts[0].text = "Celadon bowl, Longquan";
    again.ntexts = 1;
    vcm_index_prep *p = vcm_index_prepare(&again);
    if (!p || vcm_index_put(idx, p) < 0)
        abort();
    vcm_index_remove(idx, 9);
    if (vcm_index_suggest_add(idx, "celadon", VCM_SUGGEST_TERM, 5) < 0 ||
        vcm_index_settle(idx) < 0)
        abort();
    vcm_index_unlock(idx);
}

/* ---- plans from a parsed query, of the shape search.c makes ---- */

struct toks {
    vcm_arena *a;
    const char *t[16];
    uint32_t pos[16];
    size_t n;
};

static int collect(const vcm_token *t, void *ud)
{
    struct toks *q = ud;
    if (q->n == 16)
        return 1;
    q->t[q->n] = vcm_arena_strndup(q->a, t->text, t->len);
    q->pos[q->n++] = t->pos;
    return 0;
}

static unsigned field_mask(vcm_qfield f)
{
    switch (f) {
    case VCM_QF_TITLE: return 1u << VCM_IF_TITLE;
    case VCM_QF_CREATOR: return 1u << VCM_IF_CREATOR;
    case VCM_QF_CULTURE: return 1u << VCM_IF_CULTURE;
    case VCM_QF_TYPE: return 1u << VCM_IF_TYPE;
    case VCM_QF_MATERIAL: return 1u << VCM_IF_MATERIAL;
    case VCM_QF_MUSEUM:
    case VCM_QF_COUNTRY: return 1u << VCM_IF_MUSEUM;
    default: return 0;
    }
}

static vcm_plan *plan_new(vcm_arena *a, vcm_plan_kind k, size_t nkids)
{
    vcm_plan *p = vcm_arena_calloc(a, 1, sizeof *p);
    if (!p)
        return NULL;
    p->kind = k;
    if (nkids && !(p->kids = vcm_arena_calloc(a, nkids, sizeof *p->kids)))
        return NULL;
    return p;
}

static vcm_plan *term_plan(vcm_arena *a, const vcm_qterm *t)
{
    struct toks q = {a, {0}, {0}, 0};
    if (vcm_tokenize(t->text, t->len, t->prefix ? 0 : VCM_TOK_STEM, collect, &q) < 0 || !q.n)
        return NULL;
    for (size_t i = 0; i < q.n; i++)
        if (!q.t[i])
            return NULL;
    vcm_plan *p = plan_new(a, t->prefix && q.n == 1 ? VCM_PLAN_PREFIX : VCM_PLAN_TERM, 0);
    if (!p)
        return NULL;
    p->terms = vcm_arena_calloc(a, q.n, sizeof *p->terms);
    p->offsets = vcm_arena_calloc(a, q.n, sizeof *p->offsets);
    if (!p->terms || !p->offsets)
        return NULL;
    for (size_t i = 0; i < q.n; i++) {
        p->terms[i] = q.t[i];
        p->offsets[i] = q.pos[i] - q.pos[0];
    }
    p->nterms = q.n;
    p->fields = field_mask(t->field);
    p->boost = t->phrase ? 1.5f : 1;
    return p;
}

static void plan_query(vcm_arena *a, const vcm_squery *q, vcm_index_request *req)
{
    vcm_plan *must = plan_new(a, VCM_PLAN_AND, q->nclauses + 1);
    vcm_plan *not = plan_new(a, VCM_PLAN_OR, q->nclauses);
    if (!must || !not)
        return;
    for (size_t i = 0; i < q->nclauses; i++) {
        const vcm_qclause *c = &q->clauses[i];
        vcm_plan *or = plan_new(a, VCM_PLAN_OR, c->nalts);
        if (!or)
            return;
        for (size_t k = 0; k < c->nalts; k++) {
            vcm_plan *t = term_plan(a, &c->alts[k]);
            if (t)
                or->kids[or->nkids++] = t;
        }
        if (or->nkids)
            (c->negated ? not : must)->kids[c->negated ? not->nkids++ : must->nkids++] =
                or->nkids == 1 ? or->kids[0] : or;
    }
    if (q->has_date) {
        /* as a period concept does: dated within, made in a region */
        vcm_plan *pd = plan_new(a, VCM_PLAN_PERIOD, 0), *or = plan_new(a, VCM_PLAN_OR, 2);
        if (pd && or) {
            pd->from = q->date_from;
            pd->to = q->date_to;
            pd->regions = (unsigned)(q->date_from & 7);
            pd->boost = 0.3f;
            or->kids[or->nkids++] = pd;
            or->kids[or->nkids++] = plan_new(a, VCM_PLAN_ALL, 0);
            if (or->kids[1])
                must->kids[must->nkids++] = or;
        }
    }
    req->must = must->nkids ? must : NULL;
    req->must_not = not->nkids ? not : NULL;
}

/* ---- options ---- */

static const char *options(const char *s, size_t n, vcm_index_request *req)
{
    req->limit = 10;
    if (n == 0 || s[0] != '#')
        return s;
    const char *end = memchr(s, '\n', n);
    if (!end)
        end = s + n;
    for (const char *p = s + 1; p < end;) {
        char k = *p++;
        long long v = 0;
        bool neg = p < end && *p == '-';
        if (neg)
            p++;
        while (p < end && *p >= '0' && *p <= '9' && v < 100000000)
            v = v * 10 + (*p++ - '0');
        if (neg)
            v = -v;
        switch (k) {
        case 's': req->sort = (enum vcm_sort)((unsigned long long)v % 5); break;
        case 'f': req->facets = (unsigned)v & ((1u << VCM_FACET_KINDS) - 1); break;
        case 'o': req->offset = v < 0 ? 0 : v > 1000 ? 1000 : (size_t)v; break;
        case 'l': req->limit = v < 1 ? 1 : v > 100 ? 100 : (size_t)v; break;
        case 'm': req->filter.museum = v; break;
        /* r, i, p, t: -1 any, then the value (the corpus was written so) */
        case 'r': req->filter.regions = v >= 0 && v < 3 ? 1u << v : 0; break;
        case 'c': req->filter.century = (int)v; break;
        case 'i': req->filter.image = v == 1 ? VCM_YES : v == 0 ? VCM_NO : VCM_ANY; break;
        case 'p': req->filter.open = v == 1 ? VCM_YES : v == 0 ? VCM_NO : VCM_ANY; break;
        case 't': {
            /* the v-th material's id; one of no material past the end */
            const vcm_thesaurus *th = vcm_thesaurus_builtin();
            size_t e = vcm_thesaurus_first(th, VCM_TH_MATERIAL) + (size_t)(v < 0 ? 0 : v);
            req->filter.material = v < 0 ? NULL
                                   : e < vcm_thesaurus_count(th) &&
                                           vcm_thesaurus_entry(th, e)->kind == VCM_TH_MATERIAL
                                       ? vcm_thesaurus_entry(th, e)->id
                                       : "no-such-material";
            break;
        }
        case 'y': req->filter.has_date = true; req->filter.date_from = (int32_t)v; break;
        case 'z': req->filter.has_date = true; req->filter.date_to = (int32_t)v; break;
        case 'k':
            req->filter.classification = classes[(unsigned long long)v % 5];
            break;
        case 'n': memcpy(req->filter.country, countries[(unsigned long long)v % 6], 3); break;
        default: break;
        }
    }
    return end < s + n ? end + 1 : s + n;
}

static bool known(int64_t id)
{
    for (size_t i = 0; i < NRECS; i++)
        if (recs[i].id == id)
            return id != 9;
    return false;
}

static void check(const vcm_index_request *req, const vcm_index_result *r)
{
    if (r->total < 0 || r->nhits > req->limit || (int64_t)r->nhits > r->total)
        abort();
    for (size_t i = 0; i < r->nhits; i++) {
        if (!known(r->hits[i].id))
            abort();
        if (i && (r->hits[i].key < r->hits[i - 1].key ||
                  (r->hits[i].key == r->hits[i - 1].key && r->hits[i].id <= r->hits[i - 1].id)))
            abort();
        if (req->has_after && (r->hits[i].key < req->after_key ||
                               (r->hits[i].key == req->after_key && r->hits[i].id <= req->after_id)))
            abort();
    }
    for (int k = 0; k < VCM_FACET_KINDS; k++) {
        if (r->nfacets[k] && !(req->facets & (1u << k)))
            abort();
        for (size_t i = 0; i < r->nfacets[k]; i++)
            if (r->facets[k][i].count <= 0 || r->facets[k][i].count > r->total ||
                !r->facets[k][i].value || !r->facets[k][i].label)
                abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!idx)
        build();
    if (size > 4096)
        return 0;
    vcm_index_request req;
    memset(&req, 0, sizeof req);
    const char *s = (const char *)data, *q = options(s, size, &req);
    size_t qlen = size - (size_t)(q - s);
    vcm_arena a;
    vcm_arena_init(&a, 1 << 22);
    vcm_squery sq;
    if (vcm_squery_parse(q, qlen, &a, &sq) == 0) {
        plan_query(&a, &sq, &req);
        if (sq.has_date && !req.filter.has_date) {
            req.filter.has_date = true;
            req.filter.date_from = sq.date_from;
            req.filter.date_to = sq.date_to;
        }
        vcm_index_result r;
        vcm_index_lock_read(idx);
        if (vcm_index_search(idx, &a, &req, &r) == 0) {
            check(&req, &r);
            if (r.more && r.nhits) {
                /* the next page by cursor, as the pages walk it */
                vcm_index_request next = req;
                next.has_after = true;
                next.after_key = r.hits[r.nhits - 1].key;
                next.after_id = r.hits[r.nhits - 1].id;
                next.offset = 0;
                vcm_index_result r2;
                if (vcm_index_search(idx, &a, &next, &r2) == 0) {
                    check(&next, &r2);
                    if (r2.total != r.total)
                        abort();
                }
            }
        }
        /* "did you mean" and autocomplete take words as typed */
        for (size_t i = 0; i < sq.nclauses; i++) {
            const vcm_qterm *t = &sq.clauses[i].alts[0];
            char key[128];
            int kl = vcm_tokenize_key(t->text, t->len, 0, key, sizeof key);
            const char *sim[3];
            if (kl > 0)
                vcm_index_similar(idx, &a, key, (size_t)kl, sim, 3);
            vcm_suggestion sug[8];
            vcm_index_suggest(idx, &a, t->text, t->len, sug, 8);
        }
        vcm_index_unlock(idx);
    }
    vcm_arena_release(&a);
    return 0;
}
