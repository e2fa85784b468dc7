"""Contributed RDF (Turtle, JSON-LD, RDF/XML, CSV fact rows) to quads in the graphs of their sources.

A contributor describes aivc resources (``https://w3id.org/aivc/model/ID``, ``.../org/ID``,
``.../licence/ID``, ``.../release/ID``...) and names, for each, the document that states its facts
with ``dcterms:source <URL>``; the document itself has a ``dcterms:title`` and a ``dcterms:date`` (or
``pav:retrievedOn``). Facts go to the named graph of that document, as curated facts do. Parts
written inline (blank nodes: a licence's restrictions) share the source of what points to them, and
a release shares the source of the model it releases. Facts without a source are kept in a graph
without a document, which the SourceGraphShape rejects: the gate, not the reader, says no.

The reader also refuses what a contribution must not say: descriptions of the ontology or of aivc's
own records, terms the rules derive, unknown properties and classes (with a near miss), IRIs that
are not http(s) and values too long to be facts.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from pyoxigraph import BlankNode, Literal, NamedNode, Quad

from aivc import ns
from aivc.linked_data import PREFIXES, compact

from .contribution import Contribution, Place
from .vocabulary import DCTERMS_SOURCE, DOCUMENT, WRITTEN_BY_AIVC, vocabulary

RESERVED_KINDS = {"ontology", "graph", "dataset", "genid", "merge", "contribution", "agent", "shapes", "context.jsonld"}
RESOURCE = re.compile(r"^https://w3id\.org/aivc/([a-z][a-z-]*)/[a-z0-9][a-z0-9.-]*(/[a-z0-9][a-z0-9.-]*)*$")
MAX_IRI = 2048
MAX_LITERAL = 10_000
RDF_TYPE = ns.RDF + "type"
RELEASE_OF = ns.AIVC + "releaseOf"
HAS_RESTRICTION = ns.AIVC + "hasRestriction"


@dataclass(frozen=True)
class Stated:
    """One triple as the contributor wrote it, and where."""

    subject: NamedNode | BlankNode
    predicate: NamedNode
    object: object
    place: Place


def words(iri: str) -> str:
    """An IRI as a contributor writes it: model/llama-2-7b, aivc:licence, or the IRI itself."""
    if iri.startswith(ns.BASE) and not iri.startswith(ns.AIVC):
        return iri[len(ns.BASE):]
    return compact(iri)


def iri_problem(iri: str) -> str | None:
    """Why an IRI may not enter the graph, or None."""
    if len(iri) > MAX_IRI:
        return f"an IRI of {len(iri):,} characters (at most {MAX_IRI:,})"
    scheme = iri.split(":", 1)[0].lower()
    if scheme not in ("http", "https") and not iri.startswith(ns.BASE):
        return f"'{_short(iri)}' is not an http(s) IRI: contributions may only link to web resources"
    if re.match(r"^https?://[^/]*@", iri):
        return f"'{_short(iri)}' carries a user name or password"
    return None


def _short(text: str, n: int = 80) -> str:
    return text if len(text) <= n else text[:n] + "..."


def near(name: str, candidates: Iterable[str]) -> str:
    match = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else ""


def subject_problem(iri: str, contribution: Contribution) -> str | None:
    if iri.startswith(ns.resource("genid", contribution.ident).value + "/"):
        return None
    if iri.startswith((ns.AIVC, ns.BASE + "shapes")):
        return f"'{words(iri)}' is a term of aivc's vocabulary: contributions describe resources, not the ontology"
    match = RESOURCE.match(iri)
    if not iri.startswith(ns.BASE) or match is None:
        return (f"'{_short(words(iri))}' is not an aivc resource: describe resources as "
                "https://w3id.org/aivc/KIND/ID (model/, org/, licence/, release/, partnership/) with lowercase ids")
    if match.group(1) in RESERVED_KINDS:
        return f"'{words(iri)}' is one of aivc's own records, which contributions do not write"
    return None


def predicate_problem(iri: str) -> str | None:
    vocab = vocabulary()
    if vocab.allowed_predicate(iri):
        return None
    if iri in vocab.derived:
        return f"{words(iri)} is derived by aivc's rules from the other facts: leave it out"
    if iri in WRITTEN_BY_AIVC:
        return f"{words(iri)} is written by aivc itself: leave it out"
    return f"unknown property {words(iri)}" + near(words(iri), [words(p) for p in vocab.predicates()])


def class_problem(iri: str) -> str | None:
    vocab = vocabulary()
    if iri in vocab.derived:
        return f"{words(iri)} is derived by aivc's rules: leave it out"
    if iri in vocab.classes:
        return None
    return f"unknown class {words(iri)}" + near(words(iri), [words(c) for c in vocab.classes])


def add_described(contribution: Contribution, stated: list[Stated]) -> None:
    """Check each triple, then put each resource's facts in the graph of its source."""
    stated = [_skolemized(contribution, s) for s in stated]
    documents = {s.object.value for s in stated if s.predicate.value == DCTERMS_SOURCE and isinstance(s.object, NamedNode)}
    kept = [s for s in stated if acceptable(contribution, s, documents)]
    graphs = _graphs(contribution, kept, documents)
    add_facts(contribution, [(s, graphs[s.subject.value]) for s in kept
                             if s.subject.value not in documents and s.predicate.value != DCTERMS_SOURCE])


def add_facts(contribution: Contribution, facts: list[tuple[Stated, NamedNode]]) -> None:
    """State each fact in its graph, and where each resource was described (aivc:sourceRecord)."""
    located: dict[str, Stated] = {}
    for s, graph in facts:
        contribution.state(Quad(s.subject, s.predicate, s.object, graph), s.place)
        located.setdefault(s.subject.value, s)
    for s in located.values():
        contribution.locate(s.subject, contribution.subjects[s.subject.value])
    contribution.records = len(located)


def _skolemized(contribution: Contribution, s: Stated) -> Stated:
    """Blank nodes become IRIs of this contribution, so that results on them can be located."""
    def named(term):
        return ns.resource("genid", contribution.ident, term.value) if isinstance(term, BlankNode) else term
    return Stated(named(s.subject), s.predicate, named(s.object), s.place)


def acceptable(contribution: Contribution, s: Stated, documents: set[str]) -> bool:
    subject, predicate = s.subject.value, s.predicate.value
    problem = iri_problem(subject) or (None if subject in documents else subject_problem(subject, contribution))
    if subject in documents and predicate not in DOCUMENT:
        problem = problem or (f"{words(predicate)}: a source document is described by "
                              f"{', '.join(words(p) for p in sorted(DOCUMENT))} only")
    problem = problem or iri_problem(predicate) or (None if subject in documents else predicate_problem(predicate))
    if problem is None and isinstance(s.object, NamedNode):
        problem = iri_problem(s.object.value)
        if problem is None and predicate == RDF_TYPE and subject not in documents:
            problem = class_problem(s.object.value)
    if problem is None and isinstance(s.object, Literal) and len(s.object.value) > MAX_LITERAL:
        problem = f"a value of {len(s.object.value):,} characters (at most {MAX_LITERAL:,})"
    if problem and (subject, problem) not in contribution.refused:   # a refused resource is reported once
        contribution.refused.add((subject, problem))
        contribution.problem(s.place, problem)
    return problem is None


def _graphs(contribution: Contribution, kept: list[Stated], documents: set[str]) -> dict[str, NamedNode]:
    """Subject -> the graph of its source (own dcterms:source, else inherited, else 'unsourced')."""
    sources: dict[str, list[Stated]] = defaultdict(list)
    parents: dict[str, str] = {}
    for s in kept:
        if s.predicate.value == DCTERMS_SOURCE:
            sources[s.subject.value].append(s)
        elif isinstance(s.object, NamedNode) and s.object.value not in documents and (
                s.predicate.value == HAS_RESTRICTION or "/genid/" in s.object.value):
            parents.setdefault(s.object.value, s.subject.value)
        if s.predicate.value == RELEASE_OF and isinstance(s.object, NamedNode):
            parents.setdefault(s.subject.value, s.object.value)
    described = _document_descriptions(kept, documents)
    graphs: dict[str, NamedNode] = {}
    for subject, claims in sources.items():
        for extra in claims[1:]:
            contribution.problem(extra.place, "a resource names one source (dcterms:source); describe what another "
                                              "document states in a resource of its own or leave it out")
        document = claims[0].object
        graphs[subject] = _source_graph(contribution, document, described.get(document.value, {}), claims[0].place)
    for s in kept:
        subject = s.subject.value
        if subject in documents or subject in graphs:
            continue
        seen, node = {subject}, parents.get(subject)
        while node is not None and node not in graphs and node not in seen:
            seen.add(node)
            node = parents.get(node)
        graphs[subject] = graphs[node] if node in graphs else contribution.unsourced_graph(s.place)
    return graphs


def _document_descriptions(kept: list[Stated], documents: set[str]) -> dict[str, dict[str, Stated]]:
    out: dict[str, dict[str, Stated]] = defaultdict(dict)
    for s in kept:
        if s.subject.value in documents:
            out[s.subject.value].setdefault(s.predicate.value, s)
    return out


def _source_graph(contribution: Contribution, document: NamedNode, described: dict[str, Stated], place: Place) -> NamedNode:
    if document.value in contribution.sources:
        return contribution.sources[document.value]
    graph = contribution.source_graph(document, place)
    for s in described.values():
        contribution.state(Quad(document, s.predicate, s.object, ns.PROVENANCE_GRAPH), s.place)
    return graph


def expand(name: str, prefixes: dict[str, str] | None = None) -> str | None:
    """A compact IRI (aivc:licence, model/x under aivc's base) or an IRI, expanded; None if it is neither."""
    prefixes = prefixes or PREFIXES
    if re.match(r"^https?://", name):
        return name
    prefix, sep, local = name.partition(":")
    if sep and prefix in prefixes:
        return prefixes[prefix] + local
    return None
