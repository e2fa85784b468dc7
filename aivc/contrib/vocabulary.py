"""What a contribution in RDF may say, read from the ontology and the rules (never listed twice).

A contributed Turtle, JSON-LD or RDF/XML file describes aivc resources with the ontology's classes
and properties. Terms the rules build (governance types, mechanism evidence, inferred roles) and the
provenance aivc writes itself (source records, source files) are not contributed: the rules derive
them from the contributed facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import rdflib
from rdflib import OWL, RDF, RDFS

from aivc import ns, paths

PAV = "http://purl.org/pav/"
DCTERMS_SOURCE = ns.DCTERMS + "source"

# Terms of standard vocabularies a description may use besides the ontology's own properties.
GENERAL = {ns.RDF + "type", ns.RDFS + "label", ns.RDFS + "comment", ns.RDFS + "seeAlso", ns.OWL + "sameAs",
           ns.DCTERMS + "identifier", ns.DCTERMS + "title", ns.DCTERMS + "date", ns.DCTERMS + "publisher",
           DCTERMS_SOURCE, ns.SCHEMA + "url", PAV + "retrievedOn"}
# What a source document's own description may say.
DOCUMENT = {ns.DCTERMS + "title", ns.DCTERMS + "date", ns.DCTERMS + "publisher", PAV + "retrievedOn", ns.RDF + "type"}
WRITTEN_BY_AIVC = {ns.AIVC + "sourceRecord", ns.AIVC + "sourceFile"}
PROPERTY_TYPES = {OWL.ObjectProperty: "object", OWL.DatatypeProperty: "datatype", OWL.AnnotationProperty: "other",
                  RDF.Property: "other"}


@dataclass(frozen=True)
class Vocabulary:
    properties: dict[str, tuple[str, str | None]]   # IRI -> (object | datatype | other, range or None)
    classes: frozenset[str]
    derived: frozenset[str]                          # built by the rules, never contributed
    sub_properties: dict[str, frozenset[str]]        # IRI -> itself and every property below it

    def allowed_predicate(self, iri: str) -> bool:
        return (iri in self.properties or iri in GENERAL) and iri not in self.derived and iri not in WRITTEN_BY_AIVC

    def predicates(self) -> list[str]:
        return sorted((set(self.properties) | GENERAL) - set(self.derived) - WRITTEN_BY_AIVC)

    def range_of(self, iri: str) -> str | None:
        return self.properties.get(iri, ("other", None))[1]


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    g = rdflib.Graph()
    for ttl in sorted(paths.ONTOLOGY.glob("*.ttl")):
        g.parse(ttl)
    properties = {}
    for rdf_type, kind in PROPERTY_TYPES.items():
        for p in g.subjects(RDF.type, rdf_type):
            if isinstance(p, rdflib.URIRef):
                rng = g.value(p, RDFS.range)
                properties.setdefault(str(p), (kind, str(rng) if isinstance(rng, rdflib.URIRef) else None))
    for p, (kind, rng) in list(properties.items()):   # a sub-property without a range has its parent's
        for parent in g.transitive_objects(rdflib.URIRef(p), RDFS.subPropertyOf):
            parent_range = properties.get(str(parent), (kind, None))[1]
            if rng is None and parent_range is not None:
                properties[p] = (kind, parent_range)
                break
    classes = frozenset(str(c) for c in g.subjects(RDF.type, OWL.Class) if isinstance(c, rdflib.URIRef))
    subs = {p: frozenset(str(s) for s in g.transitive_subjects(RDFS.subPropertyOf, rdflib.URIRef(p)))
            for p in properties}
    return Vocabulary(properties, classes, frozenset(_rule_built_terms()), subs)


_CONSTRUCT = re.compile(r"CONSTRUCT\s*\{(.*?)\}\s*WHERE", re.IGNORECASE | re.DOTALL)


def _rule_built_terms() -> set[str]:
    """The aivc terms the rules' CONSTRUCT templates write (rules/*/*.rq)."""
    terms = set()
    for rule in sorted(paths.RULES.glob("*/*.rq")):
        for template in _CONSTRUCT.findall(rule.read_text(encoding="utf-8")):
            terms |= {ns.AIVC + name for name in re.findall(r"\baivc:([A-Za-z][A-Za-z0-9]*)", template)}
    return terms - _values_in_templates()


def _values_in_templates() -> set[str]:
    """Concept individuals a rule writes as values (aivc:Hierarchical) are not themselves derived terms."""
    g = rdflib.Graph().parse(paths.ONTOLOGY / "schemes.ttl")
    return {str(s) for s in g.subjects(RDF.type, OWL.NamedIndividual)}
