"""Namespaces and the minting of aivc IRIs: each kind of resource has one pattern, here."""

from __future__ import annotations

from pyoxigraph import NamedNode

BASE = "https://w3id.org/aivc/"
AIVC = BASE + "ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "https://schema.org/"
SH = "http://www.w3.org/ns/shacl#"
SPDX_LICENCES = "http://spdx.org/licenses/"

PREFIXES = {
    "aivc": AIVC, "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "owl": OWL, "skos": SKOS,
    "dcterms": DCTERMS, "dcat": DCAT, "prov": PROV, "schema": SCHEMA, "sh": SH,
}


def term(name: str) -> NamedNode:
    """An ontology term, e.g. term('Release')."""
    return NamedNode(AIVC + name)


def resource(kind: str, *ids: str) -> NamedNode:
    """A data resource: resource('model', 'llama-2-70b') -> https://w3id.org/aivc/model/llama-2-70b."""
    return NamedNode(BASE + "/".join((kind, *ids)))


def graph(*parts: str) -> NamedNode:
    """A named graph: graph('curated', 'meta', 'llama2-paper')."""
    return resource("graph", *parts)


ONTOLOGY_GRAPH = graph("ontology")
INFERRED_GRAPH = graph("inferred")
GOVERNANCE_GRAPH = graph("governance")
PROVENANCE_GRAPH = graph("provenance")
QUERY_LIBRARY_GRAPH = graph("queries")
MECHANISM_GRAPH = graph("mechanisms")

# Graphs that hold what aivc itself derives or describes, not facts taken from a source.
SYSTEM_GRAPHS = (ONTOLOGY_GRAPH, INFERRED_GRAPH, GOVERNANCE_GRAPH, PROVENANCE_GRAPH, QUERY_LIBRARY_GRAPH,
                 MECHANISM_GRAPH)
