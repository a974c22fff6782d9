#!/usr/bin/python3
"""URLs and the table of part 4 of the benchmarks (bench/search.sh).

    search_report.py urls QUERIES BASE
        one vcm URL a query of QUERIES (see search_xapian.py), in order
    search_report.py table QUERIES DIR
        the side-by-side table, from what search.sh left in DIR:
          vcm-N.json   vcm's answer to query N (1-based), from curl
          vcm.tsv      LABEL p50 p99 requests errors, one a query (wrk)
          xapian.tsv   LABEL hits p50 p99 runs facets (search_xapian.py run)
          fts5.tsv     the same from search_fts5 (optional)
        and, when VCM_BENCH_SUMMARY names a file, rows for run.sh's summary.
    search_report.py stores QUERIES DIR
        part 5's table (bench/pg.sh): the same vcm on its SQLite store and on
        its PostgreSQL store, from sqlite-N.json, pg-N.json, sqlite.tsv and
        pg.tsv in DIR (as vcm-N.json and vcm.tsv above); summary rows too.

The goals are the search issue's: vcm's p99 at most Xapian's on every
query, measured in the same run; the same hit count as Xapian on the CJK
queries (their terms are cut the same way on both sides); autocomplete
p99 under 10 ms. English queries may count a few hits differently: Xapian
stems with Porter's English stemmer, vcm folds plurals only; such
differences are printed, not judged.
"""
import json
import os
import re
import sys
import urllib.parse

SUGGEST_GOAL_MS = 10.0
CJK = re.compile("[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def read_queries(path):
    qs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            label, kind, q, params = (line.split("\t") + ["", "", ""])[:4]
            qs.append((label, kind, q, params))
    return qs


def url(base, kind, q, params):
    if kind == "suggest":
        p = [("q", q), ("limit", "10")]
    else:
        p = [("q", q), ("limit", "20"), ("expand", "0")]
    extra = urllib.parse.parse_qsl(params)
    p += extra
    if kind != "suggest" and "facets" not in dict(extra):
        p.append(("facets", "none"))  # the API counts every facet when not told
    path = "/api/v1/suggest" if kind == "suggest" else "/api/v1/search"
    return base + path + "?" + urllib.parse.urlencode(p, quote_via=urllib.parse.quote)


def read_tsv(path):
    rows = {}
    if not os.path.exists(path):
        return rows
    with open(path, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if cols and cols[0]:
                rows[cols[0]] = cols[1:]
    return rows


def num(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def ms(v):
    return "-" if v is None else ("%.2f" % v if v < 10 else "%.1f" % v)


def group(n):
    return "-" if n is None else "{:,}".format(n)


def vcm_answer(d, i, kind, prefix="vcm"):
    """(hits, facets {label: count} or None, note) from vcm's JSON (PREFIX-N.json)."""
    try:
        with open(os.path.join(d, "%s-%d.json" % (prefix, i)), encoding="utf-8") as f:
            j = json.load(f)
    except (OSError, ValueError) as e:
        return None, None, "no JSON answer (%s)" % e.__class__.__name__
    if kind == "suggest":
        s = j.get("suggestions")
        return (len(s), None, "") if isinstance(s, list) else (None, None, "no suggestions")
    total = j.get("total")
    facets = None
    fm = (j.get("facets") or {}).get("museum")
    if isinstance(fm, list):
        facets = {str(x.get("label") or x.get("value")): x.get("count") for x in fm}
    return (total if isinstance(total, int) else None), facets, ""


def print_table(head, rows):
    """Columns sized to their content; the first left-aligned, the others right."""
    widths = [max(len(str(r[c])) for r in rows + [head]) for c in range(len(head))]

    def line(r):
        return "  ".join((str(c).rjust(widths[k]) if k else str(c).ljust(widths[k]))
                         for k, c in enumerate(r)).rstrip()
    print(line(head))
    for r in rows:
        print(line(r))


def table(qpath, d):
    queries = read_queries(qpath)
    vcm = read_tsv(os.path.join(d, "vcm.tsv"))
    xap = read_tsv(os.path.join(d, "xapian.tsv"))
    fts = read_tsv(os.path.join(d, "fts5.tsv"))
    have_fts = bool(fts)
    head = ["query", "VCM hits", "Xapian hits", "VCM p50", "VCM p99", "Xapian p50", "Xapian p99",
            "p99 ratio", "goal"]
    if have_fts:
        head += ["FTS5 hits", "FTS5 p50", "FTS5 p99"]
    rows = []
    notes = []
    slow = []
    summary = []
    met = total = 0
    for i, (label, kind, q, params) in enumerate(queries, 1):
        hits, vfacets, vnote = vcm_answer(d, i, kind)
        v = vcm.get(label, [])
        x = xap.get(label, [])
        f = fts.get(label, [])
        vp50, vp99 = num(v[0] if v else None), num(v[1] if len(v) > 1 else None)
        xhits = int(x[0]) if x and x[0].isdigit() else None
        xp50, xp99 = num(x[1] if len(x) > 1 else None), num(x[2] if len(x) > 2 else None)
        ratio = "-"
        if vp99 is not None and xp99:
            ratio = "%.2f×" % (vp99 / xp99)
        # The goals of this row.
        goals = []
        if vp99 is not None and xp99 is not None:
            goals.append(vp99 <= xp99)
        if kind == "suggest" and vp99 is not None:
            goals.append(vp99 < SUGGEST_GOAL_MS)
        cjk = bool(CJK.search(q))
        if cjk and kind == "search" and hits is not None and xhits is not None:
            goals.append(hits == xhits)
            if hits != xhits:
                notes.append("%s: CJK hit counts differ: VCM %s, Xapian %s" % (label, group(hits), group(xhits)))
        elif kind == "search" and hits is not None and xhits is not None and hits != xhits:
            notes.append("%s: hit counts differ: VCM %s, Xapian %s (%+.1f%%)" % (
                label, group(hits), group(xhits), 100.0 * (hits - xhits) / xhits if xhits else 0))
        if vnote:
            notes.append("%s: VCM: %s" % (label, vnote))
        if v and len(v) > 3 and v[3]:
            notes.append("%s: VCM: wrk counted errors: %s" % (label, v[3]))
        if x and len(x) > 4 and x[4] and vfacets is not None:
            xf = json.loads(x[4])
            diff = [k for k in set(xf) | set(vfacets) if xf.get(k) != vfacets.get(k)]
            if diff:
                notes.append("%s: museum facet: %d of %d values count differently (e.g. %s: VCM %s, Xapian %s)"
                             % (label, len(diff), len(set(xf) | set(vfacets)), sorted(diff)[0],
                                vfacets.get(sorted(diff)[0]), xf.get(sorted(diff)[0])))
            else:
                notes.append("%s: museum facet: the same %d value%s and counts on both"
                             % (label, len(xf), "" if len(xf) == 1 else "s"))
        if goals:
            total += 1
            met += all(goals)
            goal = "yes" if all(goals) else "NO"
        else:
            goal = "-"
        row = [label, group(hits), group(xhits), ms(vp50), ms(vp99), ms(xp50), ms(xp99), ratio, goal]
        if have_fts:
            fhits = int(f[0]) if f and f[0].isdigit() else None
            row += [group(fhits), ms(num(f[1]) if len(f) > 1 else None), ms(num(f[2]) if len(f) > 2 else None)]
            if cjk and kind == "search" and fhits is not None and xhits is not None and fhits != xhits:
                notes.append("%s: FTS5 finds %s, Xapian %s" % (label, group(fhits), group(xhits)))
            if len(f) > 3 and f[3].isdigit() and int(f[3]) < 20:
                slow.append("%s (%s runs)" % (label, f[3]))
        rows.append(row)
        ref = "Xapian p99 %s ms" % ms(xp99)
        if kind == "suggest":
            ref += ", goal < %d ms" % SUGGEST_GOAL_MS
        summary.append(("search", "search p99, %s" % label,
                        ("%s ms" % ms(vp99)) if vp99 is not None else "-",
                        "%s (%s, %s)" % (ref, ratio, "goal met" if goal == "yes" else
                                         "goal not met" if goal == "NO" else "no goal")))
    print_table(head, rows)
    print("(ms; hits = exact total, or suggestions returned; p99 ratio = VCM / Xapian; "
          "goal: VCM p99 <= Xapian p99, CJK hits identical, autocomplete p99 < %d ms)" % SUGGEST_GOAL_MS)
    print("goals met on %d of %d queries" % (met, total))
    if slow:
        notes.append("FTS5: p99 of fewer than 20 runs is their slowest: " + ", ".join(slow))
    for n in notes:
        print("note: " + n)
    out = os.environ.get("VCM_BENCH_SUMMARY")
    if out:
        with open(out, "a", encoding="utf-8") as f:
            f.write("search\tsearch, queries meeting their goals\t%d of %d\tVCM p99 <= Xapian p99, CJK hits equal\n"
                    % (met, total))
            for s in summary:
                f.write("\t".join(s) + "\n")


def stores(qpath, d):
    """Part 5: one vcm, one index engine, two stores; the p99 ratio is
    PostgreSQL's over SQLite's (above 1: PostgreSQL slower)."""
    queries = read_queries(qpath)
    lite = read_tsv(os.path.join(d, "sqlite.tsv"))
    pg = read_tsv(os.path.join(d, "pg.tsv"))
    head = ["query", "hits", "SQLite p50", "SQLite p99", "PostgreSQL p50", "PostgreSQL p99",
            "p50 ratio", "p99 ratio"]
    rows, notes, summary, ratios = [], [], [], []
    for i, (label, kind, q, params) in enumerate(queries, 1):
        lhits, _, lnote = vcm_answer(d, i, kind, "sqlite")
        phits, _, pnote = vcm_answer(d, i, kind, "pg")
        lv, pv = lite.get(label, []), pg.get(label, [])
        l50, l99 = num(lv[0] if lv else None), num(lv[1] if len(lv) > 1 else None)
        p50, p99 = num(pv[0] if pv else None), num(pv[1] if len(pv) > 1 else None)
        r50 = "%.2f×" % (p50 / l50) if p50 is not None and l50 else "-"
        r99 = "%.2f×" % (p99 / l99) if p99 is not None and l99 else "-"
        if p99 is not None and l99:
            ratios.append(p99 / l99)
        if lhits != phits:
            notes.append("%s: hit counts differ: SQLite %s, PostgreSQL %s" % (label, group(lhits), group(phits)))
        for store, note, v in (("SQLite", lnote, lv), ("PostgreSQL", pnote, pv)):
            if note:
                notes.append("%s: %s: %s" % (label, store, note))
            if len(v) > 3 and v[3]:
                notes.append("%s: %s: wrk counted errors: %s" % (label, store, v[3]))
        hits = group(lhits) if lhits == phits else "%s / %s" % (group(lhits), group(phits))
        rows.append([label, hits, ms(l50), ms(l99), ms(p50), ms(p99), r50, r99])
        summary.append(("pg", "PostgreSQL search p99, %s" % label,
                        ("%s ms" % ms(p99)) if p99 is not None else "-",
                        "SQLite %s ms (%s)" % (ms(l99), r99)))
    print_table(head, rows)
    print("(ms, wrk's p50 and p99; hits = exact total, or suggestions returned; "
          "ratio = PostgreSQL / SQLite, above 1 = PostgreSQL slower)")
    gm = None
    if ratios:
        gm = 1.0
        for r in ratios:
            gm *= r
        gm **= 1.0 / len(ratios)
        print("p99 ratio over the %d queries: geometric mean %.2f×, from %.2f× to %.2f×"
              % (len(ratios), gm, min(ratios), max(ratios)))
    for n in notes:
        print("note: " + n)
    out = os.environ.get("VCM_BENCH_SUMMARY")
    if out:
        with open(out, "a", encoding="utf-8") as f:
            f.write("pg\tPostgreSQL / SQLite search p99, geometric mean\t%s\tover %d queries, same index, "
                    "same URLs\n" % ("%.2f×" % gm if gm is not None else "-", len(ratios)))
            for r in summary:
                f.write("\t".join(r) + "\n")


def main():
    a = sys.argv[1:]
    if len(a) == 3 and a[0] == "urls":
        for label, kind, q, params in read_queries(a[1]):
            print(url(a[2], kind, q, params))
    elif len(a) == 3 and a[0] == "table":
        table(a[1], a[2])
    elif len(a) == 3 and a[0] == "stores":
        stores(a[1], a[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
