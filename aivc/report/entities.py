"""Pages for the firms and models a report names: every fact about them with the source that states it.

A fact's source is the named graph it sits in; the provenance graph says which document (URL, title,
date) that graph was read from (loaders/curated.py). Facts assigned by aivc's own rules (governance
types) name the rule instead. Pages are made for the names the figures show, their developers and
those firms' models (bounded per firm), never for the whole graph: a graph of a million hub models
still gives a report of a few hundred pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Store

from .. import ns, queries as library

MODELS_PER_FIRM = 200
PAV_RETRIEVED_ON = "http://purl.org/pav/retrievedOn"
HIDDEN_GRAPHS = (ns.ONTOLOGY_GRAPH, ns.INFERRED_GRAPH, ns.QUERY_LIBRARY_GRAPH)
STRUCTURAL = {ns.AIVC + "releaseOf", ns.AIVC + "sourceRecord"}
KINDS = {"firm": "Organization", "model": "AIModel"}


@dataclass(frozen=True)
class Source:
    """Where a fact comes from: a document, or the aivc rule that derived it."""

    title: str
    url: str | None = None
    date: str | None = None
    derived: bool = False


@dataclass(frozen=True)
class Fact:
    property: str
    value: str
    href: str | None          # another entity's page, or an external document
    source: Source
    about: str = ""           # "release" for facts of the entity's release


@dataclass
class Entity:
    iri: str
    label: str
    kind: str                 # firm | model
    page: str                 # file name inside entities/
    facts: list[Fact] = field(default_factory=list)
    records: list[str] = field(default_factory=list)
    models: list[tuple[str, str]] = field(default_factory=list)   # (label, iri) of a firm's models
    more_models: int = 0


class Index:
    """Label -> entity for the firms and models of a report, and their page file names."""

    def __init__(self) -> None:
        self.by_iri: dict[str, Entity] = {}
        self.by_label: dict[tuple[str, str], Entity] = {}
        self._pages: set[str] = set()

    def add(self, iri: str, label: str, kind: str) -> Entity:
        if iri not in self.by_iri:
            entity = Entity(iri, label, kind, self._page_name(iri, kind))
            self.by_iri[iri] = entity
            self.by_label.setdefault((kind, label), entity)
        return self.by_iri[iri]

    def _page_name(self, iri: str, kind: str) -> str:
        tail = iri.removeprefix(ns.BASE).split("/", 1)[-1] if iri.startswith(ns.BASE) else iri
        stem = f"{kind}-" + (re.sub(r"[^a-z0-9.-]+", "-", tail.lower()).strip("-.") or "x")[:80]
        name, n = stem, 1
        while f"{name}.html" in self._pages:
            n += 1
            name = f"{stem}-{n}"
        self._pages.add(f"{name}.html")
        return f"{name}.html"

    def page(self, label: str, kind: str | None = None) -> str | None:
        """The page of the firm (or model) with this name, when the report has one."""
        kinds = [kind] if kind else ["firm", "model"]
        entity = next((self.by_label[(k, label)] for k in kinds if (k, label) in self.by_label), None)
        return entity.page if entity else None

    def entities(self, kind: str) -> list[Entity]:
        return sorted((e for e in self.by_iri.values() if e.kind == kind), key=lambda e: e.label.lower())


def _values(terms: Iterable) -> str:
    return " ".join(str(t) for t in terms)


def _select(store: Store, text: str) -> list[dict]:
    return library.rows(library.run(store, text))[1]


def build_index(store: Store, firms: set[str], models: set[str]) -> Index:
    """Resolve the names shown in the figures to resources, then add their developers and those firms' models."""
    index = Index()
    for kind, labels in (("firm", firms), ("model", models)):
        if labels:
            for row in _select(store, f"""
                    SELECT ?x ?label WHERE {{
                      VALUES ?label {{ {_values(Literal(v) for v in sorted(labels))} }}
                      ?x <{ns.RDFS}label> ?label ; a <{ns.AIVC}{KINDS[kind]}> }} ORDER BY ?x"""):
                index.add(row["x"], row["label"], kind)
    models_iris = [NamedNode(e.iri) for e in index.entities("model")]
    if models_iris:
        for row in _select(store, f"""
                SELECT DISTINCT ?firm ?label WHERE {{
                  VALUES ?m {{ {_values(models_iris)} }}
                  ?m <{ns.AIVC}developedBy> ?firm . ?firm <{ns.RDFS}label> ?label }} ORDER BY ?firm"""):
            index.add(row["firm"], row["label"], "firm")
    for firm in index.entities("firm"):
        rows = _select(store, f"""
            SELECT DISTINCT ?m ?label WHERE {{
              ?m <{ns.AIVC}developedBy> <{firm.iri}> ; a <{ns.AIVC}AIModel> ; <{ns.RDFS}label> ?label }}
            ORDER BY LCASE(?label) ?m LIMIT {MODELS_PER_FIRM + 1}""")
        firm.more_models = max(0, len(rows) - MODELS_PER_FIRM)
        for row in rows[:MODELS_PER_FIRM]:
            index.add(row["m"], row["label"], "model")
            firm.models.append((row["label"], row["m"]))
    return index


def read_sources(store: Store) -> dict[str, Source]:
    """Named graph -> the document it was read from, as the provenance graph describes it."""
    sources = {ns.GOVERNANCE_GRAPH.value: Source("aivc governance rules (rules/governance/)", derived=True)}
    for row in _select(store, f"""
            PREFIX prov: <{ns.PROV}> PREFIX dcterms: <{ns.DCTERMS}>
            SELECT ?g (SAMPLE(?doc) AS ?url) (SAMPLE(?t) AS ?title) (SAMPLE(?d) AS ?date) (SAMPLE(?r) AS ?read)
            WHERE {{ GRAPH <{ns.PROVENANCE_GRAPH.value}> {{
              ?g prov:wasDerivedFrom ?doc .
              OPTIONAL {{ ?doc dcterms:title ?t }} OPTIONAL {{ ?doc dcterms:date ?d }}
              OPTIONAL {{ ?doc <{PAV_RETRIEVED_ON}> ?r }} }} }} GROUP BY ?g"""):
        date = row["date"] or (f"undated; read {row['read']}" if row["read"] else None)
        sources[row["g"]] = Source(row["title"] or row["url"], row["url"], date)
    return sources


def fill(store: Store, index: Index, sources: dict[str, Source]) -> None:
    """Read every entity's facts (and its releases' facts) with their sources."""
    hidden = ", ".join(f"<{g.value}>" for g in HIDDEN_GRAPHS)
    for entity in index.by_iri.values():
        rows = _select(store, f"""
            SELECT ?about ?p ?o ?g ?rule WHERE {{
              {{ BIND(<{entity.iri}> AS ?s) BIND("" AS ?about) }}
              UNION {{ ?s <{ns.AIVC}releaseOf> <{entity.iri}> . BIND("release" AS ?about) }}
              GRAPH ?g {{ ?s ?p ?o }}
              FILTER(?g NOT IN ({hidden}))
              OPTIONAL {{ ?s <{ns.AIVC}governanceRule> ?rule }}
            }} ORDER BY ?about ?p ?o""")
        labels = _labels(store, {r["p"] for r in rows} | {r["o"] for r in rows if _is_iri(r["o"])})
        for row in rows:
            if row["g"] == ns.PROVENANCE_GRAPH.value:
                if row["p"] == ns.AIVC + "sourceRecord" and not row["about"]:
                    entity.records.append(str(row["o"]))
                continue
            if row["p"] in STRUCTURAL:
                continue
            source = sources.get(row["g"]) or Source(f"named graph {row['g']} (no source described)")
            if source.derived and row["rule"]:
                source = Source(f"aivc rule rules/governance/{row['rule']}.rq", derived=True)
            entity.facts.append(_fact(row, labels, index, source))
        entity.facts.sort(key=lambda f: (f.about, f.property, f.value))


def _is_iri(value) -> bool:
    return isinstance(value, str) and re.match(r"^[a-z][a-z0-9+.-]*:", value) is not None and " " not in value


def _labels(store: Store, iris: set[str]) -> dict[str, str]:
    nodes = [NamedNode(i) for i in iris if _is_iri(i)]
    if not nodes:
        return {}
    rows = _select(store, f"""
        SELECT ?x (SAMPLE(?l) AS ?label) WHERE {{
          VALUES ?x {{ {_values(nodes)} }} ?x <{ns.RDFS}label>|<{ns.SKOS}prefLabel> ?l }} GROUP BY ?x""")
    return {r["x"]: r["label"] for r in rows}


def _fact(row: dict, labels: dict[str, str], index: Index, source: Source) -> Fact:
    value, href = row["o"], None
    if isinstance(value, bool):
        value = "yes" if value else "no"
    elif _is_iri(value):
        entity = index.by_iri.get(value)
        href = entity.page if entity else (value if value.startswith(("http://", "https://")) and
                                           not value.startswith(ns.BASE) else None)
        value = labels.get(value, value)
    prop = labels.get(row["p"]) or row["p"].rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return Fact(prop, f"{value:,}" if isinstance(value, int) else str(value), href, source, row["about"])
