#!/usr/bin/env python3
"""Proposes rows for thesaurus/names.tsv: creators whose name the records
give in Latin letters (the artist field) and in Chinese, Japanese or Korean
script (inside the record's title, e.g. "葛飾北斎画 燕子花|Grasshopper and
Iris" by Katsushika Hokusai).

Reads VCM JSON Lines (an import file or `vcm export -`) on standard input or
from the files named; prints TSV rows in the names.tsv format. A run of CJK
characters is proposed for a creator when at least a third of the creator's
records with CJK titles hold it (and at least two), and at least 80% of all
the records holding it are the creator's: a name, not a word of titles.
The source column cites the records (museum and source ids) where both
spellings were seen. Rows are proposals: a curator checks each one before it
goes into names.tsv (thesaurus/README.md).

Usage: python3 scripts/propose-names.py ../shared/data/collection.jsonl > proposed.tsv
"""
import collections
import fileinput
import json
import re
import sys
import unicodedata

CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]+")


def latin_name(artist):
    name = re.split(r"[(;,]", artist or "")[0].strip()
    # one person, written in Latin letters
    if not name or CJK.search(name) or not re.search(r"[A-Za-z]", name):
        return ""
    if re.search(r"\b(unknown|unidentified|school|workshop|style|after|attributed|studio)\b",
                 name, re.I):
        return ""
    return name


def substrings(runs):
    out = set()
    for run in runs:
        for i in range(len(run)):
            for j in range(i + 2, min(len(run), i + 6) + 1):
                out.add(run[i:j])
    return out


def script_column(s):
    if re.search(r"[\uac00-\ud7af]", s):
        return "ko"
    if re.search(r"[\u3040-\u30ff]", s):
        return "ja"
    return ""


def slug(name):
    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", s).strip("_")


def main():
    recs = []
    by = collections.defaultdict(list)
    glob = collections.Counter()
    for line in fileinput.input():
        line = line.strip()
        if not line:
            continue
        r = json.loads(line)
        name = latin_name(r.get("artist") or r.get("creator") or "")
        title = r.get("title") or ""
        if isinstance(title, dict):
            title = " ".join(title.values())
        subs = substrings(CJK.findall(title))
        for s in subs:
            glob[s] += 1
        recs.append((name, subs, r.get("source_museum", ""), r.get("source_id", ""),
                     r.get("culture", "")))
        if name and subs:
            by[name].append(len(recs) - 1)
    rows = []
    for name, idx in sorted(by.items()):
        if len(idx) < 2:
            continue
        count = collections.Counter()
        for i in idx:
            for s in recs[i][1]:
                count[s] += 1
        need = max(2, (len(idx) + 2) // 3)
        cands = [(c, len(s), s) for s, c in count.items()
                 if c >= need and c / glob[s] >= 0.8]
        if not cands:
            continue
        # the words titles put around a name are no part of it: 伝 (attributed
        # to) before, 画 筆 作 造 書 (painted, brushed, made, written by) after
        cands = [x for x in cands if x[2][0] not in "伝傳" and x[2][-1] not in "画畫筆作造書款"]
        if not cands:
            continue
        # the most frequent, then the longest: 葛飾北斎 rather than 北斎
        c, _, native = max(cands)
        longer = [x for x in cands if x[0] == c and native in x[2] and x[2] != native]
        if longer:
            native = max(longer, key=lambda x: x[1])[2]
        seen = [i for i in idx if native in recs[i][1]][:3]
        museum = recs[seen[0]][2]
        ids = ", ".join(recs[i][3] for i in seen)
        culture = recs[seen[0]][4]
        col = script_column(native) or ("ja" if "Japan" in culture else
                                        "ko" if "Korea" in culture else "zh-Hant")
        words = name.split()
        variants = []
        if len(words) == 2 and col != "ko":
            # art or given name alone, as catalogues and visitors write it
            variants.append(words[1])
            if len(native) == 4:
                variants.append(native[2:])
            elif len(native) == 3:
                variants.append(native[1:])
        cols = {"ja": "", "zh-Hant": "", "ko": ""}
        cols[col] = native
        rows.append([slug(name), name, cols["ja"], cols["zh-Hant"], cols["ko"], "|".join(variants),
                     "%s records %s (artist; title)" % (museum, ids)])
    w = sys.stdout
    w.write("id\ten\tja\tzh-Hant\tko\tvariants\tsource\n")
    for r in rows:
        w.write("\t".join(r) + "\n")


if __name__ == "__main__":
    main()
