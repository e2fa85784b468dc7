"""The gate: a contribution checked against the current graph, every result located in the contributor's file.

The live store is never written here. A small working store is assembled instead: the ontology, the
part of the graph the contribution touches (the resources it names, their lineage up to the
foundation model, their developers, releases and licences, and models with the same name or Hugging
Face id), and the contribution itself. The rules run on it as ``aivc build`` runs them, then the
shapes of shapes/ run as SPARQL (``shapes_sparql``). Only results about what the contribution
states are reported, and only those the graph did not already have: a contributor answers for their
file, not for the graph.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, Store

from aivc import ns, paths, reasoning
from aivc.problems import Problem
from aivc.validation import Result
from loaders.curated import Ids

from aivc import shapes_sparql
from .contribution import MAX_BYTES, Contribution, Unreadable
from .rdf_facts import words
from .readers import read_contribution
from .vocabulary import vocabulary
from .wording import Finding, explain, finding_of

DERIVED_FROM = ns.AIVC + "derivedFrom"
RELEASE_OF = NamedNode(ns.AIVC + "releaseOf")
DEVELOPED_BY = NamedNode(ns.AIVC + "developedBy")
LOOKED_UP = (NamedNode(ns.RDFS + "label"), NamedNode(ns.AIVC + "huggingFaceId"))
CONTEXT_DEPTH = 3


@dataclass
class Outcome:
    """What the gate found: the contributions read, the files it could not read, and every finding."""

    contributions: list[Contribution] = field(default_factory=list)
    unreadable: list[Finding] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)   # the SHACL results behind the findings
    already_known: int = 0                                # contributed facts the graph already holds
    known: set = field(default_factory=set)               # results the graph had before, about contributed resources

    @property
    def all_findings(self) -> list[Finding]:
        return sorted(self.unreadable + self.findings, key=Finding.order)

    def count(self, severity: str) -> int:
        return sum(f.severity == severity for f in self.all_findings)

    @property
    def exit_code(self) -> int:
        """0 clean (warnings and infos allowed), 1 violations, 2 a file could not be read."""
        return 2 if self.unreadable else 1 if self.count("violation") else 0

    def quads(self) -> list[Quad]:
        return [q for c in self.contributions for q in c.quads]


def read_all(paths: Iterable[Path], max_bytes: int = MAX_BYTES, names: dict[Path, str] | None = None) -> Outcome:
    """Read every file (one set of ids for all, so a model given twice is found across files)."""
    outcome, ids = Outcome(), Ids()
    for path in paths:
        name = (names or {}).get(path, path.name)
        try:
            contribution = read_contribution(path, ids, max_bytes, name)
        except Unreadable as unreadable:
            outcome.unreadable.append(finding_of(unreadable.problem, _syntax_guess(path), "read"))
            continue
        outcome.contributions.append(contribution)
        outcome.findings += [finding_of(p, contribution.syntax, "read") for p in contribution.problems]
    return outcome


def _syntax_guess(path: Path) -> str:
    from .contribution import SYNTAXES
    return SYNTAXES.get(path.suffix.lower(), "file")


def check(live: Store, paths: Iterable[Path], max_bytes: int = MAX_BYTES,
          names: dict[Path, str] | None = None) -> Outcome:
    """Read the files and validate what could be read against the live graph."""
    outcome = read_all(paths, max_bytes, names)
    if outcome.contributions:
        validate(live, outcome)
    return outcome


def validate(live: Store, outcome: Outcome) -> None:
    contributed = outcome.quads()
    subjects = {q.subject.value for q in contributed}
    context = neighbourhood(live, contributed)
    work = working_store(live, context, contributed)
    results = [r for r in shapes_sparql.run(work) if r.focus in subjects]
    existing = {s for s in subjects if _described_in(live, s)}
    if existing and results:
        before = working_store(live, context, [])
        outcome.known = {_key(r) for r in shapes_sparql.run(before) if r.focus in existing}
        results = [r for r in results if _key(r) not in outcome.known]
    outcome.results = results
    outcome.already_known = sum(1 for q in contributed if q.graph_name != ns.PROVENANCE_GRAPH
                                and _stated_in_graph(live, q))
    outcome.findings += explain(results, outcome.contributions, live, work)
    outcome.findings += untyped(outcome.contributions, work)
    if outcome.already_known:
        outcome.findings.append(Finding(
            file=", ".join(c.name for c in outcome.contributions), syntax="file", line=None, field=None,
            severity="info", check="graph",
            message=f"{outcome.already_known} of the contributed facts are already in the graph; "
                    "the contribution's source will be recorded beside the existing ones"))


def untyped(contributions: list[Contribution], work: Store) -> list[Finding]:
    """Resources the contribution describes without saying what they are: no shape would look at them."""
    rdf_type = NamedNode(ns.RDF + "type")
    own_records = tuple(ns.BASE + kind + "/" for kind in ("graph", "dataset", "genid"))
    found = []
    for c in contributions:
        for subject, place in c.subjects.items():
            if subject.startswith(ns.BASE) and not subject.startswith(own_records) and not subject.startswith(ns.AIVC) \
                    and next(iter(work.quads_for_pattern(NamedNode(subject), rdf_type, None)), None) is None:
                found.append(Finding(c.name, c.syntax, place.line, place.field, f"{words(subject)} has no type: say what "
                                     "it is (aivc:FoundationModel, aivc:FineTunedModel, aivc:Release, aivc:Organization, "
                                     "aivc:Licence...)", "violation", "graph", subject))
    return found


def _key(result: Result) -> tuple:
    return result.focus, result.path, result.component, result.value


def _described_in(store: Store, iri: str) -> bool:
    return next(iter(store.quads_for_pattern(NamedNode(iri), None, None)), None) is not None


def _stated_in_graph(store: Store, quad: Quad) -> bool:
    return next(iter(store.quads_for_pattern(quad.subject, quad.predicate, quad.object)), None) is not None


def working_store(live: Store, context: list[Quad], contributed: list[Quad]) -> Store:
    """Ontology + the graph around the contribution + the contribution, reasoned as the build reasons.

    Only the rules the shapes of records need run here (inference, governance types): the
    value-capture mechanisms are evidence about firms, derived from many records at once; they are
    built for the whole graph when the contribution is merged."""
    work = Store()
    work.extend(list(live.quads_for_pattern(None, None, None, ns.ONTOLOGY_GRAPH)))
    work.extend(context)
    work.extend(contributed)
    reasoning.apply_rules(work, paths.RULES / "inference", ns.INFERRED_GRAPH)
    reasoning.apply_rules(work, paths.RULES / "governance", ns.GOVERNANCE_GRAPH)
    return work


def neighbourhood(live: Store, contributed: list[Quad]) -> list[Quad]:
    """The quads of the live graph that the shapes need to judge the contributed resources.

    From every IRI the contribution names: the resources it reaches by following facts outwards
    (developer, licence and its restrictions, base models all the way up the lineage), the releases
    of the models reached, whatever points at a contributed resource, and the models that share a
    contributed name or Hugging Face id. Inverse properties (developerOf) are not followed: they would
    pull in every model of a firm.
    """
    vocab = vocabulary()
    inverse_side = _inverse_properties(live)
    lineage = vocab.sub_properties.get(DERIVED_FROM, frozenset({DERIVED_FROM}))
    subjects = {q.subject.value for q in contributed}
    todo: list[tuple[str, int]] = [(iri, CONTEXT_DEPTH) for iri in _named(contributed)]
    todo += [(s, 1) for s in _same_names(live, contributed)]
    seen: dict[str, int] = {}
    quads: list[Quad] = []
    while todo:
        iri, depth = todo.pop()
        if seen.get(iri, -1) >= depth or iri.startswith(ns.AIVC):
            continue
        first_visit = iri not in seen
        seen[iri] = depth
        node = NamedNode(iri)
        found = list(live.quads_for_pattern(node, None, None))
        if first_visit:
            quads += found
            if iri in subjects:
                quads += _pointing_at(live, node, todo)
            for q in live.quads_for_pattern(None, RELEASE_OF, node):
                todo.append((q.subject.value, depth))
        for q in found:
            p = q.predicate.value
            if isinstance(q.object, NamedNode) and p not in inverse_side and (depth > 1 or p in lineage):
                todo.append((q.object.value, depth if p in lineage else depth - 1))
    return quads


def _pointing_at(live: Store, node: NamedNode, todo: list) -> list[Quad]:
    """Facts of the graph about other resources that point at a contributed one, with those resources' types."""
    out = []
    for q in live.quads_for_pattern(None, None, node):
        out.append(q)
        out += live.quads_for_pattern(q.subject, NamedNode(ns.RDF + "type"), None)
    return out


def _named(quads: list[Quad]) -> set[str]:
    named = set()
    for q in quads:
        named.add(q.subject.value)
        if isinstance(q.object, NamedNode):
            named.add(q.object.value)
    return named


def _same_names(live: Store, contributed: list[Quad]) -> set[str]:
    """Resources of the graph with a contributed model's exact name or Hugging Face id (duplicate checks)."""
    found = set()
    for q in contributed:
        if q.predicate in LOOKED_UP and isinstance(q.object, Literal):
            found |= {m.subject.value for m in live.quads_for_pattern(None, q.predicate, q.object)}
    return found


def _inverse_properties(live: Store) -> set[str]:
    """Properties declared as the inverse of another (their facts are materialized from the other side)."""
    inverse_of = NamedNode(ns.OWL + "inverseOf")
    return {q.object.value for q in live.quads_for_pattern(None, inverse_of, None, ns.ONTOLOGY_GRAPH)}


def problems_of(outcome: Outcome) -> list[Problem]:
    """The findings as the shared Problem shape (file, line, field, message, severity)."""
    return [Problem(f.file, f.line, f.field, f.message, f.severity) for f in outcome.all_findings]
