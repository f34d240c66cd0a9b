"""IRIs of the project's namespaces, graphs and the vocabularies it reuses, as plain strings.

Plain strings (not rdflib objects) so the query path never pays for importing rdflib; the
ontology's terms as a checked namespace are in :mod:`kg.vocabulary`.
"""

from __future__ import annotations

BASE = "https://w3id.org/conflict-kg/"
ONTOLOGY = BASE + "ontology#"
ENTITY = BASE + "id/"
SOURCE = BASE + "source/"
CLAIM = BASE + "claim/"
NOTE = BASE + "note/"
GRAPH = BASE + "graph/"

ENTITIES_GRAPH = GRAPH + "entities"
INFERRED_GRAPH = GRAPH + "inferred"
"""Every triple the build infers goes here, so asserted and inferred stay distinguishable."""
ANALYSIS_GRAPH = GRAPH + "analysis"
"""Measures computed on the network (``kg analyze centrality --save``); never input to a build."""

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"
DCT = "http://purl.org/dc/terms/"
SH = "http://www.w3.org/ns/shacl#"
WD = "http://www.wikidata.org/entity/"
GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"

PREFIXES: dict[str, str] = {
    "kg": ONTOLOGY,
    "kge": ENTITY,
    "kgs": SOURCE,
    "kgc": CLAIM,
    "kgn": NOTE,
    "kgg": GRAPH,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "prov": PROV,
    "oa": OA,
    "dct": DCT,
    "sh": SH,
    "wd": WD,
    "geo": GEO,
}
"""Prefixes available in every query without PREFIX lines, and used to shorten IRIs in output."""


def compact(iri: str) -> str:
    """Shorten an IRI with the longest matching prefix, or return it in angle brackets.

    >>> compact("https://w3id.org/conflict-kg/id/hts")
    'kge:hts'
    >>> compact("https://example.org/x")
    '<https://example.org/x>'
    """
    best = max((ns for ns in PREFIXES.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return f"<{iri}>"
    prefix = next(p for p, ns in PREFIXES.items() if ns == best)
    local = iri[len(best) :]
    if not local or not all(ch.isalnum() or ch in "-_." for ch in local) or local.endswith("."):
        return f"<{iri}>"
    return f"{prefix}:{local}"


def expand(curie: str) -> str | None:
    """The full IRI of ``prefix:local`` for a known prefix, else None.

    >>> expand("kge:hts")
    'https://w3id.org/conflict-kg/id/hts'
    >>> expand("Hayat Tahrir al-Sham") is None
    True
    """
    prefix, sep, local = curie.partition(":")
    if not sep or prefix not in PREFIXES or not local or any(ch.isspace() for ch in local):
        return None
    return PREFIXES[prefix] + local
