# Picks the hand-labelled origin sample: a fixed seed, stratified by museum.
import json, random, sys
quota = {"The Metropolitan Museum of Art": 95, "Minneapolis Institute of Art (Mia)": 85,
         "The Museum of Modern Art (MoMA)": 55, "Carnegie Museum of Art": 55,
         "Tate": 40, "National Palace Museum, Taipei": 20}
by = {}
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    by.setdefault(r["source_museum"], []).append(r)
rng = random.Random(20261206)
out = []
for m in sorted(quota):
    recs = by[m]
    idx = sorted(rng.sample(range(len(recs)), min(quota[m], len(recs))))
    out += [recs[i] for i in idx]
for r in out:
    print(json.dumps(r, ensure_ascii=False))
