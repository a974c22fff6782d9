#!/usr/bin/env python3
"""Derives data/map/countries.tsv from Natural Earth's 1:110m admin-0
countries (geojson/ne_110m_admin_0_countries.geojson of
nvkelso/natural-earth-vector; public domain): one line per shape, its
ISO 3166-1 alpha-2 code ("" when Natural Earth gives none), its English
name, and its outline as SVG path data in an equirectangular projection
measured in tenths of a degree (x = (lon + 180) * 10, y = (90 - lat) * 10),
each ring simplified (Douglas-Peucker, 0.2 degree) and rings smaller than
a few points dropped. Antarctica is left out.

    python3 data/map/derive.py ne_110m_admin_0_countries.geojson > data/map/countries.tsv
"""
import json
import sys

EPS = 2.0  # tenths of a degree
# Natural Earth writes -99 where the code is disputed or unassigned; these
# two are not
FIX = {"FRA": "FR", "NOR": "NO"}


def simplify(pts, eps):
    if len(pts) < 3:
        return pts
    (x1, y1), (x2, y2) = pts[0], pts[-1]
    dx, dy = x2 - x1, y2 - y1
    norm = (dx * dx + dy * dy) ** 0.5
    best, at = -1.0, 0
    for i in range(1, len(pts) - 1):
        x, y = pts[i]
        d = abs(dy * x - dx * y + x2 * y1 - y2 * x1) / norm if norm else ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
        if d > best:
            best, at = d, i
    if best <= eps:
        return [pts[0], pts[-1]]
    return simplify(pts[: at + 1], eps)[:-1] + simplify(pts[at:], eps)


def ring_path(ring):
    pts = [(round((lon + 180) * 10), round((90 - lat) * 10)) for lon, lat in ring]
    # split the closed ring in two so that its ends stay put
    half = len(pts) // 2
    s = simplify(pts[: half + 1], EPS)[:-1] + simplify(pts[half:], EPS)
    out = []
    for p in s:
        if not out or out[-1] != p:
            out.append(p)
    if len(out) > 1 and out[0] == out[-1]:
        out.pop()
    if len(out) < 3:
        return ""
    return "M" + "L".join("%d %d" % p for p in out) + "Z"


def main():
    data = json.load(open(sys.argv[1], encoding="utf-8"))
    print("iso\tname\tpath")
    for f in data["features"]:
        p = f["properties"]
        if p["ADM0_A3"] == "ATA":
            continue
        iso = p["ISO_A2"] if len(str(p["ISO_A2"])) == 2 else FIX.get(p["ADM0_A3"], "")
        g = f["geometry"]
        polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        d = "".join(ring_path(r) for poly in polys for r in poly[:1])
        if d:
            print("%s\t%s\t%s" % (iso, p["NAME"], d))


main()
