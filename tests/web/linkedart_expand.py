"""Expands Linked Art documents with a real JSON-LD processor (pyld), offline.

Usage: python3 linkedart_expand.py CONTEXT.json DUMP.jsonl [JOBS]

DUMP holds one document a line (what /objects/{id}.jsonld answers). The
document loader maps the Linked Art context URL to the local file and
refuses every other URL, so nothing is fetched. Each document must expand,
and every member it uses must become a term of the model: an absolute IRI in
CIDOC-CRM, CRMdig, the Linked Art terms, RDFS or Dublin Core (a member the
context does not define would be dropped silently by expansion, so its
absence is checked too), and its object must be a crm:E22_Human-Made_Object.
Prints "expanded N documents" or the first problems, and exits 1 on any.
"""
import json
import sys
from multiprocessing import Pool

from pyld import jsonld

CONTEXT_URL = "https://linked.art/ns/v1/linked-art.json"
MODEL = ("http://www.cidoc-crm.org/cidoc-crm/", "http://www.ics.forth.gr/isl/CRMdig/",
         "https://linked.art/ns/terms/", "http://www.w3.org/2000/01/rdf-schema#",
         "http://purl.org/dc/elements/1.1/", "http://purl.org/dc/terms/")
XSD = "http://www.w3.org/2001/XMLSchema#"
E22 = "http://www.cidoc-crm.org/cidoc-crm/E22_Human-Made_Object"

context_doc = None


def loader(url, options=None):
    if url != CONTEXT_URL:
        raise jsonld.JsonLdError("refused: no network in tests", "loading document failed",
                                 {"url": url}, code="loading document failed")
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
            "document": context_doc}


def defined_terms():
    return set(context_doc["@context"].keys())


def used_members(node, out):
    if isinstance(node, dict):
        for k, v in node.items():
            out.add(k)
            used_members(v, out)
    elif isinstance(node, list):
        for v in node:
            used_members(v, out)


def check_expanded(node, problems):
    if isinstance(node, dict):
        for k, v in node.items():
            if not k.startswith("@") and not k.startswith(MODEL):
                problems.append("member %s is not a term of the model" % k)
            if k == "@type" and "@value" in node:
                if v != XSD + "dateTime":
                    problems.append("a value of type %s" % v)
            elif k == "@type":
                for t in v:
                    if not t.startswith(MODEL):
                        problems.append("type %s is not a class of the model" % t)
            check_expanded(v, problems)
    elif isinstance(node, list):
        for v in node:
            check_expanded(v, problems)


def init(path):
    global context_doc
    with open(path, encoding="utf-8") as f:
        context_doc = json.load(f)
    jsonld.set_document_loader(loader)


def check(chunk):
    """Problems of a chunk of dump lines. The documents are expanded
    together, as the nodes of one @graph under their common context (each
    must name it), which is the same expansion done once per context."""
    problems, nodes = [], []
    for line in chunk:
        try:
            doc = json.loads(line)
        except ValueError as e:
            problems.append("not JSON: %s" % e)
            continue
        used = set()
        used_members(doc, used)
        undefined = sorted(m for m in used if not m.startswith("@") and m not in defined_terms())
        if undefined:
            problems.append("%s: members the context does not define: %s"
                            % (doc.get("id"), ", ".join(undefined)))
        if doc.get("@context") != CONTEXT_URL:
            # alone, so that the processor says what it makes of it
            try:
                jsonld.expand(doc, {"documentLoader": loader})
                problems.append("%s: does not name the Linked Art context" % doc.get("id"))
            except Exception as e:
                problems.append("%s: does not expand: %s" % (doc.get("id"), e))
            continue
        nodes.append({k: v for k, v in doc.items() if k != "@context"})
    if not nodes:
        return problems
    try:
        exp = jsonld.expand({"@context": CONTEXT_URL, "@graph": nodes},
                            {"documentLoader": loader})
    except Exception as e:  # the processor's own error says what failed
        return problems + ["does not expand: %s" % e]
    if len(exp) != len(nodes):
        problems.append("%d documents expanded into %d nodes" % (len(nodes), len(exp)))
    for node in exp:
        found = []
        if E22 not in node.get("@type", []):
            found.append("not a crm:E22_Human-Made_Object")
        check_expanded(node, found)
        problems += ["%s: %s" % (node.get("@id"), p) for p in found]
    return problems


def main():
    ctx, dump = sys.argv[1], sys.argv[2]
    jobs = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    with open(dump, encoding="utf-8") as f:
        lines = [l for l in f if l.strip()]
    init(ctx)
    chunks = [lines[i:i + 500] for i in range(0, len(lines), 500)]
    if jobs > 1:
        with Pool(jobs, initializer=init, initargs=(ctx,)) as pool:
            results = pool.map(check, chunks, chunksize=1)
    else:
        results = [check(c) for c in chunks]
    problems = [p for r in results for p in r]
    for p in problems[:20]:
        print(p)
    print("expanded %d documents, %d problems" % (len(lines), len(problems)))
    sys.exit(1 if problems or not lines else 0)


if __name__ == "__main__":
    main()
