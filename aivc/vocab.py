"""The controlled values (tiers, owner types, channels...) as written once in ontology/schemes.ttl."""

from __future__ import annotations

from functools import lru_cache

import rdflib

from . import ns, paths


@lru_cache(maxsize=1)
def _schemes() -> rdflib.Graph:
    return rdflib.Graph().parse(paths.ONTOLOGY / "schemes.ttl")


@lru_cache(maxsize=None)
def slugs(concept_class: str) -> dict[str, str]:
    """slug -> IRI of every individual of an aivc concept class, e.g. slugs('AccessTier')."""
    g = _schemes()
    cls = rdflib.URIRef(ns.AIVC + concept_class)
    slug = rdflib.URIRef(ns.AIVC + "slug")
    return {str(g.value(i, slug)): str(i) for i in g.subjects(rdflib.RDF.type, cls) if g.value(i, slug)}


def tier_rank(tier_iri: str) -> int:
    return int(_schemes().value(rdflib.URIRef(tier_iri), rdflib.URIRef(ns.AIVC + "rank")))
