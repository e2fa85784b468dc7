"""Why the graph says what it says: which rule fired on which sourced facts.

``aivc explain governance MODEL`` re-runs every rule of rules/governance/ on the model's release
alone, so the user sees which one fires (and that the others do not), and lists the facts those
rules read (tier, licence, OSI approval, restriction clauses, channels...) each with the document
that states it. The predicates shown are read from the rules' own text, so a rule a user edits or
adds is explained the same way. ``aivc explain mechanisms FIRM`` lists a firm's value-capture
evidence records (rules/mechanisms/) with the documents behind each.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Store

from . import ns, paths, queries as library

PREFIXES = "\n".join(f"PREFIX {p}: <{iri}>" for p, iri in ns.PREFIXES.items()) + "\n"
_PREFIXED = re.compile(r"\b(aivc|rdfs|dcterms|schema|skos):([A-Za-z][A-Za-z0-9_]*)\b")
_SYSTEM = ", ".join(f"<{g.value}>" for g in ns.SYSTEM_GRAPHS)


class NotFound(LookupError):
    """No model or firm of that name or id; the message suggests the nearest names."""


@dataclass(frozen=True)
class Fact:
    subject: str
    property: str
    value: str
    source: str
    record: str | None = None


@dataclass(frozen=True)
class RuleCheck:
    rule: str
    fired: bool
    summary: str


@dataclass(frozen=True)
class GovernanceExplanation:
    model: str
    release: str
    governance: str | None
    gvc: str | None
    rule: str | None
    evidence: tuple[str, ...]
    checks: tuple[RuleCheck, ...]
    facts: tuple[Fact, ...]


@dataclass(frozen=True)
class MechanismEvidence:
    mechanism: str
    rule: str
    text: str
    sources: tuple[str, ...]


def _select(store: Store, text: str, **bindings: NamedNode | Literal) -> list[dict]:
    return library.rows(library.run(store, library.bind(PREFIXES + text, bindings)))[1]


def find(store: Store, name: str, cls: str) -> list[str]:
    """IRIs of the resources of class ``cls`` whose id, name or alias is ``name`` (any case)."""
    rows = _select(store, f"""
        SELECT DISTINCT ?x WHERE {{
          ?x a aivc:{cls} .
          {{ ?x dcterms:identifier ?n }} UNION {{ ?x rdfs:label ?n }} UNION {{ ?x aivc:alias ?n }}
          FILTER(LCASE(STR(?n)) = LCASE(?name))
        }} ORDER BY ?x""", name=Literal(name))
    if rows:
        return [r["x"] for r in rows]
    known = [r["n"] for r in _select(store, f"""
        SELECT DISTINCT ?n WHERE {{ ?x a aivc:{cls} . {{ ?x dcterms:identifier ?n }} UNION {{ ?x rdfs:label ?n }} }}""")]
    near = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(repr(n) for n in near)}?" if near else ""
    kind = {"AIModel": "model", "Organization": "firm"}.get(cls, cls)
    raise NotFound(f"no {kind} with the id or name '{name}' in the graph{hint}")


def rules_in(folder: Path) -> list[library.StoredQuery]:
    """The rules of a folder, read with the stored-query header parser (summary, description)."""
    return [library.StoredQuery.from_file(p) for p in sorted(folder.glob("*.rq"))]


def predicates_read_by(rules: list[library.StoredQuery]) -> set[str]:
    """IRIs of the properties the rules' WHERE clauses read: the facts an explanation must show."""
    found = set()
    for rule in rules:
        body = "\n".join(line for line in rule.text.splitlines() if not line.lstrip().startswith("#"))
        where = body[re.search(r"\bWHERE\b", body, re.I).end():]
        for prefix, local in _PREFIXED.findall(where):
            if local[0].islower():
                found.add(ns.PREFIXES[prefix] + local)
    return found


def rule_fires(store: Store, rule: library.StoredQuery, variable: str, node: str) -> bool:
    """Whether ``rule`` builds anything when its ``?variable`` is bound to ``node`` alone."""
    return any(True for _ in library.run(store, library.bind(rule.text, {variable: NamedNode(node)})))


def facts_about(store: Store, start: str, predicates: set[str], hops: int = 4) -> list[Fact]:
    """The sourced facts with these predicates on ``start`` and on what they lead to (licence,
    clauses...), each with the document that states it; aivc's own graphs are left out."""
    seen, frontier, facts = {start}, [start], []
    allowed = " ".join(f"<{p}>" for p in sorted(predicates))
    for _ in range(hops):
        if not frontier:
            break
        subjects = " ".join(f"<{s}>" for s in frontier)
        rows = _select(store, f"""
            SELECT DISTINCT ?s ?p ?o ?g ?doc ?title ?date WHERE {{
              VALUES ?s {{ {subjects} }} VALUES ?p {{ {allowed} }}
              GRAPH ?g {{ ?s ?p ?o }}
              FILTER(?g NOT IN ({_SYSTEM}))
              OPTIONAL {{ GRAPH <{ns.PROVENANCE_GRAPH.value}> {{ ?g prov:wasDerivedFrom ?doc .
                          OPTIONAL {{ ?doc dcterms:title ?title }}
                          OPTIONAL {{ ?doc dcterms:date|dcterms:issued|<http://purl.org/pav/retrievedOn> ?date }} }} }}
            }} ORDER BY ?s ?p ?o ?g""")
        frontier = []
        for r in rows:
            facts.append(Fact(_name(store, r["s"]), _short(r["p"]), _name(store, r["o"]), _document(r),
                              record_of(store, r["s"], r["g"])))
            if _is_iri(r["o"]) and r["o"] not in seen:
                seen.add(r["o"])
                frontier.append(r["o"])
    return facts


def record_of(store: Store, subject: str, graph: str) -> str | None:
    """Where in the source files of ``graph`` the record stating ``subject`` stands (file:line);
    a release is located at its asset's record when it has none of its own."""
    rows = _select(store, f"""
        SELECT DISTINCT ?record WHERE {{
          GRAPH <{ns.PROVENANCE_GRAPH.value}> {{ ?g aivc:sourceFile ?file }}
          {{ ?s aivc:sourceRecord ?record }} UNION {{ ?s aivc:releaseOf/aivc:sourceRecord ?record }}
          FILTER(STRSTARTS(?record, ?file))
        }} ORDER BY ?record""", s=NamedNode(subject), g=NamedNode(graph))
    return "; ".join(r["record"] for r in rows) or None


def _is_iri(value) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://"))


def _document(row: dict) -> str:
    if row["doc"] is None:
        return _short(row["g"])
    title = f"{row['title']}, " if row["title"] else ""
    date = f" ({row['date']})" if row["date"] else ""
    return f"{title}{row['doc']}{date}"


def _short(iri: str) -> str:
    for prefix, base in ns.PREFIXES.items():
        if iri.startswith(base):
            return f"{prefix}:{iri[len(base):]}"
    return iri.removeprefix(ns.BASE)


def _name(store: Store, value) -> str:
    """A readable name for a value: the slug or label of an IRI, the text of a literal."""
    if not _is_iri(value):
        return str(value).lower() if isinstance(value, bool) else str(value)
    rows = _select(store, "SELECT ?n WHERE { OPTIONAL { ?x aivc:slug ?s } OPTIONAL { ?x rdfs:label ?l } "
                          "BIND(COALESCE(?s, ?l) AS ?n) } LIMIT 1", x=NamedNode(value))
    return str(rows[0]["n"]) if rows and rows[0]["n"] is not None else _short(value)


def explain_governance(store: Store, model: str, rules: Path = paths.RULES / "governance") -> list[GovernanceExplanation]:
    """One explanation per release of the model named ``model`` (id, name or alias)."""
    governance_rules = rules_in(rules)
    read = predicates_read_by(governance_rules)
    out = []
    for iri in find(store, model, "AIModel"):
        for r in _select(store, """
                SELECT ?release ?label ?type ?gvc ?rule WHERE {
                  ?release aivc:releaseOf ?m . ?m rdfs:label ?label .
                  OPTIONAL { ?release aivc:governanceType ?t . ?t aivc:slug ?type . OPTIONAL { ?t aivc:gvcType/aivc:slug ?gvc } }
                  OPTIONAL { ?release aivc:governanceRule ?rule }
                } ORDER BY ?release""", m=NamedNode(iri)):
            release = r["release"]
            evidence = tuple(e["e"] for e in _select(
                store, "SELECT DISTINCT ?e WHERE { ?r aivc:governanceEvidence ?e } ORDER BY ?e", r=NamedNode(release)))
            checks = tuple(RuleCheck(rule.name, rule_fires(store, rule, "release", release), rule.summary)
                           for rule in governance_rules)
            out.append(GovernanceExplanation(r["label"], release, r["type"], r["gvc"], r["rule"], evidence, checks,
                                             tuple(facts_about(store, release, read))))
    return out


def explain_mechanisms(store: Store, firm: str) -> tuple[str, list[MechanismEvidence]]:
    """The firm's name and its value-capture evidence records, each with the documents behind its facts."""
    (iri, *_) = find(store, firm, "Organization")
    name = _name(store, iri)
    records = []
    for r in _select(store, """
            SELECT ?e ?mechanism ?rule (GROUP_CONCAT(DISTINCT ?text; separator=" / ") AS ?texts) WHERE {
              ?e aivc:capturingFirm ?firm ; aivc:mechanism/aivc:slug ?mechanism ; aivc:evidenceRule ?rule ;
                 aivc:evidenceText ?text .
            } GROUP BY ?e ?mechanism ?rule ORDER BY ?mechanism ?texts""", firm=NamedNode(iri)):
        docs = _select(store, f"""
            SELECT DISTINCT ?doc WHERE {{
              ?e aivc:evidenceFact ?fact .
              GRAPH ?g {{ ?fact ?p ?o }} FILTER(?g NOT IN ({_SYSTEM}))
              GRAPH <{ns.PROVENANCE_GRAPH.value}> {{ ?g prov:wasDerivedFrom ?doc }}
            }} ORDER BY ?doc""", e=NamedNode(r["e"]))
        records.append(MechanismEvidence(r["mechanism"], r["rule"], r["texts"], tuple(d["doc"] for d in docs)))
    return name, records
