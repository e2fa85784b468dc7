"""aivc docs: the ontology's documentation, generated from ontology/, shapes/, queries/ and data/.

Every class and property with its label, definition, logical definition, super- and sub-terms,
alignments to standard vocabularies (alignments.ttl), the shapes that constrain it and examples -
its own ``skos:example`` annotations and real instances from the curated dataset, each with the
source it comes from. The concept schemes (access tiers, governance types...) are listed with their
definitions and order, and the stored queries with their headers. Nothing is written by hand, so the
documentation cannot drift from the files (pyLODE was considered: it fetches its fonts, scripts
and stylesheets from CDNs and knows nothing of shapes or stored queries).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import rdflib
from markupsafe import Markup
from pyoxigraph import Store
from rdflib import OWL, RDF, RDFS, SKOS, BNode, URIRef
from rdflib.namespace import DCTERMS, SH

from . import ns, paths, queries as library, reasoning
from .problems import Problem
from .report import site
from loaders.curated import read_curated

AIVC = rdflib.Namespace(ns.AIVC)
PREFIXES = {**ns.PREFIXES, "org": "http://www.w3.org/ns/org#", "odrl": "http://www.w3.org/ns/odrl/2/",
            "vann": "http://purl.org/vocab/vann/", "pav": "http://purl.org/pav/",
            "aivcsh": "https://w3id.org/aivc/shapes#"}
PROPERTY_KINDS = {OWL.ObjectProperty: "object property", OWL.DatatypeProperty: "datatype property",
                  OWL.AnnotationProperty: "annotation property"}
CHARACTERISTICS = {OWL.FunctionalProperty: "functional", OWL.TransitiveProperty: "transitive",
                   OWL.SymmetricProperty: "symmetric", OWL.InverseFunctionalProperty: "inverse functional"}
MATCHES = (OWL.equivalentClass, OWL.equivalentProperty, SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch,
           SKOS.narrowMatch, SKOS.relatedMatch, OWL.sameAs)
EXAMPLES_PER_TERM = 3


def curie(iri: str) -> str:
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda p: -len(p[1])):
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def anchor_of(iri: str) -> str:
    return curie(iri).replace(":", "-")


def is_own(iri) -> bool:
    return isinstance(iri, URIRef) and str(iri).startswith(ns.AIVC)


def term_link(iri) -> Markup:
    """An aivc term links to its section; an external one to its own IRI."""
    return site.anchor(curie(str(iri)), f"#{anchor_of(str(iri))}" if is_own(iri) else str(iri))


@dataclass
class Shape:
    """What a SHACL node shape asks of the instances of a class, in short rows."""

    name: str
    scope: str = "every {}"                                                   # {} is the term's label
    constraints: list[tuple[Markup, str, str]] = field(default_factory=list)   # (path, rule, message)
    sparql: list[tuple[str, str]] = field(default_factory=list)               # (message, SELECT)


@dataclass
class Term:
    iri: str
    kind: str
    label: str
    definition: str
    rows: list[tuple[str, list[Markup]]] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    shapes: list[Shape] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return anchor_of(self.iri)

    @property
    def curie(self) -> str:
        return curie(self.iri)


@dataclass
class Scheme:
    iri: str
    label: str
    definition: str
    source: str | None
    concepts: list[dict]

    @property
    def anchor(self) -> str:
        return anchor_of(self.iri)


@dataclass
class Documentation:
    title: str
    definition: str
    version: str
    licence: str | None
    namespace: str
    classes: list[Term]
    properties: list[Term]
    schemes: list[Scheme]
    queries: list[library.StoredQuery]
    problems: list[Problem]


def read_graph(folder: Path) -> rdflib.Graph:
    graph = rdflib.Graph()
    for ttl in sorted(folder.glob("*.ttl")):
        graph.parse(ttl)
    return graph


def text(graph: rdflib.Graph, subject, *predicates) -> str:
    """The first English (or untagged) value of the first predicate that has one."""
    for predicate in predicates:
        values = list(graph.objects(subject, predicate))
        for value in sorted(values, key=lambda v: (getattr(v, "language", None) not in (None, "en"), str(v))):
            return " ".join(str(value).split())
    return ""


def class_expression(graph: rdflib.Graph, node) -> Markup:
    """An OWL class expression in words (Manchester-like): 'organization and (developer of some foundation model)'."""
    if isinstance(node, URIRef):
        return term_link(node)
    if (members := graph.value(node, OWL.intersectionOf)) is not None:
        return Markup(" and ").join(_parenthesized(graph, m) for m in rdflib.collection.Collection(graph, members))
    if (members := graph.value(node, OWL.unionOf)) is not None:
        return Markup(" or ").join(_parenthesized(graph, m) for m in rdflib.collection.Collection(graph, members))
    on = graph.value(node, OWL.onProperty)
    for restriction, word in ((OWL.someValuesFrom, "some"), (OWL.allValuesFrom, "only"), (OWL.hasValue, "value")):
        if (filler := graph.value(node, restriction)) is not None:
            return Markup(f"{term_link(on)} {word} {class_expression(graph, filler)}")
    return Markup("(an anonymous class)")


def _parenthesized(graph: rdflib.Graph, node) -> Markup:
    inner = class_expression(graph, node)
    return inner if isinstance(node, URIRef) else Markup(f"({inner})")


def _links(nodes: Iterable) -> list[Markup]:
    return [term_link(n) for n in sorted(nodes, key=str)]


def describe_class(graph: rdflib.Graph, cls: URIRef) -> Term:
    term = Term(str(cls), "class", text(graph, cls, RDFS.label), text(graph, cls, SKOS.definition, RDFS.comment))
    supers = list(graph.objects(cls, RDFS.subClassOf))
    equivalents = list(graph.objects(cls, OWL.equivalentClass))
    rows = [
        ("subclass of", _links(s for s in supers if is_own(s))),
        ("defined as", [class_expression(graph, e) for e in equivalents if isinstance(e, BNode)]),
        ("subclasses", _links(graph.subjects(RDFS.subClassOf, cls))),
        ("aligned to", _links([s for s in supers if isinstance(s, URIRef) and not is_own(s)] +
                              [m for p in MATCHES for m in graph.objects(cls, p) if isinstance(m, URIRef)])),
        ("properties (domain)", _links(graph.subjects(RDFS.domain, cls))),
        ("values of (range)", _links(graph.subjects(RDFS.range, cls))),
        ("instances in the ontology", _links(s for s in graph.subjects(RDF.type, cls) if is_own(s))),
    ]
    term.rows = [(name, values) for name, values in rows if values]
    return term


def describe_property(graph: rdflib.Graph, prop: URIRef) -> Term:
    types = set(graph.objects(prop, RDF.type))
    kind = next((k for t, k in PROPERTY_KINDS.items() if t in types), "property")
    term = Term(str(prop), kind, text(graph, prop, RDFS.label), text(graph, prop, SKOS.definition, RDFS.comment))
    supers = list(graph.objects(prop, RDFS.subPropertyOf))
    inverse = list(graph.objects(prop, OWL.inverseOf)) + list(graph.subjects(OWL.inverseOf, prop))
    rows = [
        ("domain", [class_expression(graph, d) for d in graph.objects(prop, RDFS.domain)]),
        ("range", [class_expression(graph, r) for r in graph.objects(prop, RDFS.range)]),
        ("characteristics", [Markup(CHARACTERISTICS[t]) for t in sorted(types & set(CHARACTERISTICS), key=str)]),
        ("inverse of", _links(inverse)),
        ("subproperty of", _links(s for s in supers if is_own(s))),
        ("subproperties", _links(graph.subjects(RDFS.subPropertyOf, prop))),
        ("aligned to", _links([s for s in supers if not is_own(s)] +
                              [m for p in MATCHES for m in graph.objects(prop, p) if isinstance(m, URIRef)])),
    ]
    term.rows = [(name, values) for name, values in rows if values]
    return term


def describe_schemes(graph: rdflib.Graph) -> list[Scheme]:
    schemes = []
    for scheme in sorted(graph.subjects(RDF.type, SKOS.ConceptScheme), key=str):
        concepts = []
        for concept in graph.subjects(SKOS.inScheme, scheme):
            rank = graph.value(concept, AIVC.rank)
            aligned = [m for p in (AIVC.gvcType, *MATCHES) for m in graph.objects(concept, p)]
            concepts.append({"iri": str(concept), "anchor": anchor_of(str(concept)),
                             "slug": str(graph.value(concept, AIVC.slug) or ""),
                             "label": text(graph, concept, SKOS.prefLabel, RDFS.label),
                             "rank": int(rank) if rank is not None else None,
                             "definition": text(graph, concept, SKOS.definition),
                             "aligned": _links(set(aligned))})
        concepts.sort(key=lambda c: (c["rank"] if c["rank"] is not None else 99, c["label"]))
        source = graph.value(scheme, DCTERMS.source)
        schemes.append(Scheme(str(scheme), text(graph, scheme, RDFS.label, SKOS.prefLabel),
                              text(graph, scheme, SKOS.definition), str(source) if source else None, concepts))
    return schemes


SCOPES = {SH.targetClass: "every {}", SH.targetSubjectsOf: "every subject of {}",
          SH.targetObjectsOf: "every value of {}"}


def summarize_shapes(shapes: rdflib.Graph) -> dict[str, list[Shape]]:
    """Term IRI -> the node shapes that target it (its instances, or the subjects or values of a
    property), in short rows."""
    by_term: dict[str, list[Shape]] = {}
    for node in sorted(shapes.subjects(RDF.type, SH.NodeShape), key=str):
        shape = Shape(curie(str(node)))
        for prop in shapes.objects(node, SH.property):
            path = shapes.value(prop, SH.path)
            shape.constraints.append((term_link(path) if isinstance(path, URIRef) else Markup("(a path)"),
                                      constraint_words(shapes, prop), text(shapes, prop, SH.message)))
        shape.constraints.sort(key=lambda c: str(c[0]))
        for sparql in shapes.objects(node, SH.sparql):
            select = str(shapes.value(sparql, SH.select)).strip()
            shape.sparql.append((text(shapes, sparql, SH.message),
                                 "\n".join(line.strip() for line in select.splitlines())))
        for target_kind, scope in SCOPES.items():
            for target in shapes.objects(node, target_kind):
                by_term.setdefault(str(target), []).append(replace(shape, scope=scope))
    return by_term


def constraint_words(shapes: rdflib.Graph, prop) -> str:
    """A property shape's constraints in short words: '1..1 · datatype xsd:string'."""
    low, high = shapes.value(prop, SH.minCount), shapes.value(prop, SH.maxCount)
    words = [f"{low or 0}..{high if high is not None else '*'}"]
    for predicate, name in ((SH.datatype, "datatype"), (SH["class"], "instance of"), (SH.hasValue, "has value"),
                            (SH.pattern, "matches"), (SH.minExclusive, "greater than"), (SH.minInclusive, "at least"),
                            (SH.maxInclusive, "at most")):
        for value in shapes.objects(prop, predicate):
            words.append(f"{name} {curie(str(value))}")
    for alternatives in shapes.objects(prop, SH["or"]):
        options = [curie(str(shapes.value(o, SH.datatype) or shapes.value(o, SH["class"])))
                   for o in rdflib.collection.Collection(shapes, alternatives)]
        words.append("one of " + " | ".join(options))
    return " · ".join(words)


def example_store(data: Path, problems: list[Problem]) -> Store:
    """The ontology and the curated data in memory, reasoned as ``aivc build`` does (not validated)."""
    from .build import load_ontology
    store = Store()
    load_ontology(store)
    store.extend(list(read_curated(data, problems.append)))
    reasoning.reason(store)
    return store


def data_examples(store: Store, term: Term) -> list[str]:
    """Up to three instances (for a class) or statements (for a property) from the curated data,
    each with the document it was read from (or the note that aivc's rules derived it)."""
    if term.kind == "class":
        pattern = f"GRAPH ?g {{ ?x a ?type }} ?x a <{term.iri}> . OPTIONAL {{ ?x <{ns.RDFS}label> ?xl }}"
        shown = 'IF(BOUND(?xl), CONCAT(?xl, " <", STR(?x), ">"), STR(?x))'
    else:
        pattern = (f"GRAPH ?g {{ ?x <{term.iri}> ?o }} OPTIONAL {{ ?x <{ns.RDFS}label> ?xl }} "
                   f"OPTIONAL {{ ?o <{ns.RDFS}label>|<{ns.SKOS}prefLabel> ?ol }}")
        shown = 'CONCAT(COALESCE(?xl, STR(?x)), " → ", COALESCE(?ol, STR(?o)))'
    query = f"""SELECT ?text (SAMPLE(?title) AS ?source) WHERE {{
        {pattern}
        FILTER NOT EXISTS {{ GRAPH <{ns.ONTOLOGY_GRAPH.value}> {{ ?x a ?declared }} }}
        OPTIONAL {{ GRAPH <{ns.PROVENANCE_GRAPH.value}> {{ ?g <{ns.PROV}wasDerivedFrom>/<{ns.DCTERMS}title> ?title }} }}
        BIND({shown} AS ?text)
      }} GROUP BY ?text ORDER BY LCASE(?text) LIMIT {EXAMPLES_PER_TERM}"""
    return [f"{row['text']} ({'source: ' + row['source'] if row['source'] else 'derived by aivc rules'})"
            for row in library.rows(library.run(store, query))[1]]


def document(ontology: Path = paths.ONTOLOGY, shapes: Path = paths.SHAPES, queries: Path = paths.QUERIES,
             data: Path | None = paths.DATA, step: Callable[[str], None] = lambda s: None) -> Documentation:
    """Everything the documentation shows, read from the project's files."""
    step("reading the ontology")
    graph = read_graph(ontology)
    shaped = summarize_shapes(read_graph(shapes))
    problems: list[Problem] = []
    store = None
    if data is not None:
        step("reading the curated data for examples")
        store = example_store(data, problems)
    classes = [describe_class(graph, c) for c in set(graph.subjects(RDF.type, OWL.Class)) if is_own(c)]
    properties = [describe_property(graph, p) for kind in PROPERTY_KINDS
                  for p in set(graph.subjects(RDF.type, kind)) if is_own(p)]
    for term in classes + properties:
        term.examples = [" ".join(str(e).split()) for e in graph.objects(URIRef(term.iri), SKOS.example)]
        if store is not None:
            term.examples += data_examples(store, term)
        term.shapes = shaped.get(term.iri, [])
    head = next(graph.subjects(RDF.type, OWL.Ontology))
    own = URIRef(ns.BASE + "ontology")
    head = own if (own, RDF.type, OWL.Ontology) in graph else head
    by_label = lambda t: (t.label.lower() or t.curie, t.iri)  # noqa: E731
    return Documentation(
        title=text(graph, head, DCTERMS.title, RDFS.label), definition=text(graph, head, SKOS.definition),
        version=text(graph, head, OWL.versionInfo), licence=str(graph.value(head, DCTERMS.license) or "") or None,
        namespace=ns.AIVC, classes=sorted(classes, key=by_label),
        properties=sorted({p.iri: p for p in properties}.values(), key=by_label),
        schemes=describe_schemes(graph), queries=list(library.library(queries).values()), problems=problems)


def make_docs(out: Path, docs: Documentation | None = None, step: Callable[[str], None] = lambda s: None,
              **sources) -> Documentation:
    """Write the documentation site (index.html and its stylesheet) at ``out``."""
    site.check_output(out)
    docs = docs or document(step=step, **sources)
    step("writing")
    site.publish(out, {"index.html": site.render("docs.html", root="", docs=docs, curie=curie),
                       "style.css": site.stylesheet()}, "documentation")
    return docs
