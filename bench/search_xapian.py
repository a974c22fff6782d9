#!/usr/bin/python3
"""Xapian, the reference of part 4 of the benchmarks (bench/search.sh).

    search_xapian.py index DB FILE.jsonl [PROCESSES]
    search_xapian.py run DB QUERIES SECONDS > RESULTS.tsv
    search_xapian.py concurrent DB QUERIES LABEL PROCESSES SECONDS

Debian's libxapian through python3-xapian, in-process: what an application
embedding Xapian gets. Both sides see the same text and are asked the same
literal query:

- index: the records as vcm import stores them (source.c): HTML character
  references decoded, white space folded, NFC; the title from title_i18n
  when the record has one (every language), else the title; the same for
  the description and description_i18n. Indexed as free text, each field
  at a new position range (a phrase never spans two fields), the fields
  vcm indexes (search.c, prepare_object): title(s), artists, culture, date
  text, classification, medium, museum name, the country's English name,
  description(s). TermGenerator with FLAG_CJK_NGRAM (Han, kana and Hangul
  cut into 1- and 2-character terms) and the English stemmer with
  STEM_SOME. Value slots: date_start and date_end (sortable_serialise; the
  years as vcm keeps them, see years()) for the date filter, the museum
  name for the museum facet. Document data: the title, which every hit
  reads back, as vcm's answer carries it. PROCESSES (default 1) processes
  each index a share of the records into a database of their own, then
  one compaction merges them.
- run: QUERIES is tab-separated, one query a line: LABEL, KIND (search or
  suggest), Q, and extra parameters in URL form (offset=N, facets=museum,
  date=A..B), the same lines bench/search.sh turns into vcm's URLs. Each
  query is parsed by a QueryParser with the same stemmer and STEM_SOME,
  FLAG_CJK_NGRAM|PHRASE|WILDCARD|BOOLEAN|LOVEHATE|DEFAULT, AND as the
  default operator; the top 20 hits are read (their data included) with
  checkatleast = the number of documents, so the total is exact. A date
  range A..B keeps what overlaps it: date_start <= B and date_end >= A
  (OP_VALUE_LE / OP_VALUE_GE, filters, no weight). facets=museum counts
  the museums of every match with a ValueCountMatchSpy. suggest is the
  nearest thing Xapian has to autocomplete: the prefix parsed with
  FLAG_PARTIAL, top 10, no exact count. Each query is warmed up for a
  tenth of SECONDS, then run again and again for SECONDS (at least 20
  times); one line a query: LABEL, hits, p50 ms, p99 ms, runs, facets
  (JSON {value: count}, or "").
- concurrent: PROCESSES processes run the query LABEL for SECONDS each, on
  their own Database; prints queries/s of all of them together.
"""
import html
import json
import os
import re
import shutil
import sys
import time
import unicodedata
import urllib.parse

import xapian

SLOT_START, SLOT_END, SLOT_MUSEUM = 0, 1, 2
# The English names vcm indexes for the countries of the bench collection
# (ICU's, as vcm import stores them); other codes are indexed as they are.
COUNTRIES = {
    "AT": "Austria", "BE": "Belgium", "CN": "China", "CZ": "Czechia", "DE": "Germany",
    "DK": "Denmark", "ES": "Spain", "FI": "Finland", "FR": "France", "GB": "United Kingdom",
    "ID": "Indonesia", "IE": "Ireland", "IN": "India", "IT": "Italy", "JP": "Japan",
    "KR": "South Korea", "MN": "Mongolia", "MY": "Malaysia", "NL": "Netherlands",
    "PH": "Philippines", "PL": "Poland", "PT": "Portugal", "SE": "Sweden", "SG": "Singapore",
    "TH": "Thailand", "TW": "Taiwan", "US": "United States", "VN": "Vietnam",
}
WS = re.compile(r"\s+")
CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(s):
    """vcm's cleaning of a text (core/text.h), as far as search sees it."""
    if not s:
        return ""
    s = CTRL.sub("", html.unescape(s))
    return unicodedata.normalize("NFC", WS.sub(" ", s).strip())


def texts(rec, field):
    """The values vcm stores for title or description: the _i18n map wins."""
    m = rec.get(field + "_i18n")
    if isinstance(m, dict) and m:
        return [clean(v) for v in m.values() if isinstance(v, str)]
    return [clean(rec.get(field) or "")]


def years(rec):
    """date_start, date_end as vcm keeps them (source.c, check_years): both
    left out when the start is after this year or the end after this
    century; the index takes the start for a missing end, and no years
    without a start (search.c, prepare_object)."""
    start, end = rec.get("date_start"), rec.get("date_end")
    this_year = time.gmtime().tm_year
    if (start is not None and start > this_year) or (end is not None and end > (this_year // 100 + 1) * 100):
        return None, None
    if start is None:
        return None, None
    return start, start if end is None else end


def stemmer():
    return xapian.Stem("english")


def index_part(db_path, src, part, parts):
    """Indexes the records of src whose line number is part modulo parts."""
    db = xapian.WritableDatabase(db_path, xapian.DB_CREATE_OR_OVERWRITE)
    tg = xapian.TermGenerator()
    tg.set_stemmer(stemmer())
    tg.set_stemming_strategy(xapian.TermGenerator.STEM_SOME)
    tg.set_flags(xapian.TermGenerator.FLAG_CJK_NGRAM)
    n = 0
    t0 = time.monotonic()
    with open(src, encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i % parts != part or not line.strip():
                continue
            r = json.loads(line)
            doc = xapian.Document()
            tg.set_document(doc)
            titles = texts(r, "title")
            fields = titles + [clean(a) for a in (r.get("artist") or "").split("|")]
            fields += [clean(r.get(k) or "") for k in ("culture", "date_text", "classification", "medium")]
            museum = clean(r["source_museum"])
            fields += [museum, COUNTRIES.get(r["source_country"], r["source_country"])]
            fields += texts(r, "description")
            for text in fields:
                if text:
                    tg.index_text(text)
                    tg.increase_termpos(100)
            start, end = years(r)
            if start is not None:
                doc.add_value(SLOT_START, xapian.sortable_serialise(start))
            if end is not None:
                doc.add_value(SLOT_END, xapian.sortable_serialise(end))
            doc.add_value(SLOT_MUSEUM, museum)
            doc.set_data(" ".join(titles))
            db.add_document(doc)
            n += 1
            if part == 0 and n % 100000 == 0:
                print("xapian: %d records, %.0f s" % (n * parts, time.monotonic() - t0),
                      file=sys.stderr, flush=True)
    db.commit()
    db.close()
    return n


def index(db_path, src, parts):
    """One process per part, each writing its own database, then one
    compaction merging them (xapian-compact's work, through the API): the
    way to use several cores that Xapian's documentation gives, and a
    compacted database is what a search service would serve."""
    t0 = time.monotonic()
    if parts == 1:
        n = index_part(db_path + ".part0", src, 0, 1)
    else:
        kids = []
        for part in range(parts):
            r, w = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(r)
                code = 1
                try:
                    os.write(w, b"%d" % index_part("%s.part%d" % (db_path, part), src, part, parts))
                    code = 0
                finally:
                    os._exit(code)
            os.close(w)
            kids.append((pid, r))
        n = 0
        for pid, r in kids:
            with os.fdopen(r) as f:
                out = f.read()
            _, status = os.waitpid(pid, 0)
            if status != 0 or not out:
                sys.exit("search_xapian.py: an indexing process failed")
            n += int(out)
    t1 = time.monotonic()
    merged = xapian.Database()
    for part in range(parts):
        merged.add_database(xapian.Database("%s.part%d" % (db_path, part)))
    merged.compact(db_path)
    merged.close()
    for part in range(parts):
        shutil.rmtree("%s.part%d" % (db_path, part))
    secs = time.monotonic() - t0
    print("xapian: indexed %d records in %.2f s (%d processes %.2f s, compaction %.2f s), "
          "%.0f records/s" % (n, secs, parts, t1 - t0, secs - (t1 - t0), n / secs if secs else 0))


def read_queries(path):
    qs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            label, kind, q, params = (line.split("\t") + ["", "", ""])[:4]
            qs.append((label, kind, q, dict(urllib.parse.parse_qsl(params))))
    return qs


class Searcher:
    def __init__(self, db_path):
        self.db = xapian.Database(db_path)
        self.size = self.db.get_doccount()
        self.qp = xapian.QueryParser()
        self.qp.set_database(self.db)
        self.qp.set_stemmer(stemmer())
        self.qp.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
        self.qp.set_default_op(xapian.Query.OP_AND)
        qp = xapian.QueryParser
        self.flags = (qp.FLAG_CJK_NGRAM | qp.FLAG_PHRASE | qp.FLAG_WILDCARD | qp.FLAG_BOOLEAN
                      | qp.FLAG_LOVEHATE | qp.FLAG_DEFAULT)

    def once(self, kind, q, params):
        """One query, as an application would answer it: returns (hits, facets)."""
        enq = xapian.Enquire(self.db)
        if kind == "suggest":
            enq.set_query(self.qp.parse_query(q, xapian.QueryParser.FLAG_PARTIAL | self.flags))
            mset = enq.get_mset(0, int(params.get("limit", 10)))
            for m in mset:
                m.document.get_data()
            return mset.size(), None
        query = self.qp.parse_query(q, self.flags)
        if "date" in params:
            a, b = params["date"].split("..")
            rng = xapian.Query(xapian.Query.OP_AND,
                               xapian.Query(xapian.Query.OP_VALUE_LE, SLOT_START,
                                            xapian.sortable_serialise(int(b))),
                               xapian.Query(xapian.Query.OP_VALUE_GE, SLOT_END,
                                            xapian.sortable_serialise(int(a))))
            query = xapian.Query(xapian.Query.OP_FILTER, query, rng)
        enq.set_query(query)
        spy = None
        if params.get("facets") == "museum":
            spy = xapian.ValueCountMatchSpy(SLOT_MUSEUM)
            enq.add_matchspy(spy)
        mset = enq.get_mset(int(params.get("offset", 0)), int(params.get("limit", 20)), self.size)
        for m in mset:
            m.document.get_data()
        total = mset.get_matches_estimated()
        assert total == mset.get_matches_lower_bound() == mset.get_matches_upper_bound()
        facets = None
        if spy is not None:
            facets = {}
            for t in spy.values():
                facets[t.term.decode("utf-8")] = t.termfreq
        return total, facets


def percentile(sorted_ms, p):
    """Nearest-rank percentile of a sorted list."""
    k = max(0, min(len(sorted_ms) - 1, int(-(-p * len(sorted_ms) // 100)) - 1))
    return sorted_ms[k]


def run(db_path, qpath, secs):
    s = Searcher(db_path)
    for label, kind, q, params in read_queries(qpath):
        hits, facets = s.once(kind, q, params)
        end = time.perf_counter() + secs / 10
        while time.perf_counter() < end:
            s.once(kind, q, params)
        times = []
        end = time.perf_counter() + secs
        while time.perf_counter() < end or len(times) < 20:
            t0 = time.perf_counter()
            s.once(kind, q, params)
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        print("%s\t%d\t%.3f\t%.3f\t%d\t%s" % (label, hits, percentile(times, 50), percentile(times, 99),
                                            len(times), json.dumps(facets, ensure_ascii=False)
                                            if facets is not None else ""), flush=True)


def concurrent(db_path, qpath, label, procs, secs):
    qs = [x for x in read_queries(qpath) if x[0] == label]
    if not qs:
        sys.exit("search_xapian.py: no query labelled '%s'" % label)
    _, kind, q, params = qs[0]
    pipes = []
    for _ in range(procs):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            s = Searcher(db_path)
            s.once(kind, q, params)
            n = 0
            t0 = time.perf_counter()
            while time.perf_counter() - t0 < secs:
                s.once(kind, q, params)
                n += 1
            os.write(w, ("%d %f\n" % (n, time.perf_counter() - t0)).encode())
            os._exit(0)
        os.close(w)
        pipes.append((pid, r))
    rate = 0.0
    for pid, r in pipes:
        with os.fdopen(r) as f:
            out = f.read().split()
        os.waitpid(pid, 0)
        if len(out) == 2:
            rate += int(out[0]) / float(out[1])
    print("%.1f" % rate)


def main():
    a = sys.argv[1:]
    if len(a) in (3, 4) and a[0] == "index":
        index(a[1], a[2], int(a[3]) if len(a) == 4 else 1)
    elif len(a) == 4 and a[0] == "run":
        run(a[1], a[2], float(a[3]))
    elif len(a) == 6 and a[0] == "concurrent":
        concurrent(a[1], a[2], a[3], int(a[4]), float(a[5]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
