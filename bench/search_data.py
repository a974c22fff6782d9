#!/usr/bin/python3
"""Makes the collection of part 4 of the benchmarks (bench/search.sh).

    search_data.py IN.jsonl OUT.jsonl [RECORDS]

Replicates the demo collection (IN, one museum record a line) until OUT
holds RECORDS lines (default 1,000,000; the last copy is cut short). Copy 0
is the demo collection as it is; in copy k >= 1 each record gets
  - source_id "ID~k", so that every record is new to the importer, which
    upserts by (museum, source_id);
  - date_start and date_end shifted together by -30..+30 years (never past
    2020: a later end would be refused by the importer as impossible);
  - one of 26 holdings of its museum: the museum itself, or the museum under
    a city's name in another country ("Tate, Seoul", KR), so that the six
    museums become 156 and facets and country filters have work to do.
Titles, descriptions and every other field are kept, so each query finds
about as many records in each copy. Deterministic: a fixed seed, and the
records are visited in file order.

Python 3 standard library only (Debian's python3)."""
import json
import random
import sys

SEED = 20250601
LATEST = 2020
# (city, ISO 3166-1 alpha-2): ASEM partners, so that the network's regions
# both show up in facets.
HOLDINGS = [
    ("Tokyo", "JP"), ("Seoul", "KR"), ("Beijing", "CN"), ("Singapore", "SG"),
    ("Bangkok", "TH"), ("Hanoi", "VN"), ("Jakarta", "ID"), ("Manila", "PH"),
    ("Kuala Lumpur", "MY"), ("New Delhi", "IN"), ("Ulaanbaatar", "MN"),
    ("Paris", "FR"), ("Berlin", "DE"), ("Madrid", "ES"), ("Rome", "IT"),
    ("Amsterdam", "NL"), ("Brussels", "BE"), ("Vienna", "AT"),
    ("Stockholm", "SE"), ("Copenhagen", "DK"), ("Helsinki", "FI"),
    ("Warsaw", "PL"), ("Prague", "CZ"), ("Lisbon", "PT"), ("Dublin", "IE"),
]


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: search_data.py IN.jsonl OUT.jsonl [RECORDS]")
    want = int(sys.argv[3]) if len(sys.argv) == 4 else 1000000
    with open(sys.argv[1], encoding="utf-8") as f:
        lines = [ln for ln in f if ln.strip()]
    if not lines:
        sys.exit("search_data.py: no records in '%s'" % sys.argv[1])
    records = [json.loads(ln) for ln in lines]
    rng = random.Random(SEED)
    n = 0
    k = 0
    with open(sys.argv[2], "w", encoding="utf-8") as out:
        while n < want:
            if k == 0:
                part = lines[:want]
                out.writelines(part)
                n += len(part)
                k += 1
                continue
            for r in records:
                if n >= want:
                    break
                c = dict(r)
                c["source_id"] = "%s~%d" % (r["source_id"], k)
                shift = rng.randint(-30, 30)
                ends = [y for y in (r["date_start"], r["date_end"]) if y is not None]
                if ends and max(ends) + shift > LATEST:
                    shift = -abs(shift)
                if r["date_start"] is not None:
                    c["date_start"] = r["date_start"] + shift
                if r["date_end"] is not None:
                    c["date_end"] = r["date_end"] + shift
                h = rng.randrange(len(HOLDINGS) + 1)
                if h:
                    city, cc = HOLDINGS[h - 1]
                    c["source_museum"] = "%s, %s" % (r["source_museum"], city)
                    c["source_country"] = cc
                out.write(json.dumps(c, ensure_ascii=False))
                out.write("\n")
                n += 1
            k += 1
    m = len(records)
    if n <= m:
        print("the first {:,} of the {:,} records".format(n, m))
    else:
        print("{} copies of the {:,} records{}".format(k, m, ", the last one cut short" if n % m else ""))


if __name__ == "__main__":
    main()
