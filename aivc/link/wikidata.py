"""Reconcile aivc's organizations, models and licences with Wikidata items.

Names go to Wikidata in batches (one ``VALUES`` block per batch of records), each candidate item's
facts in a second batched query; candidates are then scored against what aivc knows (below), and
the best one is linked when it clears the threshold and no rival comes close. Identifiers are
matched exactly: SPDX licence ids (P2479) and, when the user names the property, Hugging Face ids.

Score of a candidate (capped at 1.0)             organization   model
  Wikidata label equals an aivc name                 +0.6       +0.6
  Wikidata alias / short name equals an aivc name    +0.5       +0.5
  an organization (P31/P279* Q43229)                 +0.2       -
  not an organization                                reject     -
  country (P17 -> ISO code P297) agrees / differs    +0.2/-0.4  -
  developer (P178) is the developer's item / other   -          +0.3/-0.4
  Hugging Face id equal / different                  -          =1.0/-0.5
  SPDX id equal (licences)                           =1.0

Links go to the graph ``graph/links/wikidata``: skos:exactMatch from ``exact`` (0.7) up, also
owl:sameAs from ``same_as`` (0.9) up, and for each an SSSOM mapping (sssom:Mapping with its
confidence, justification and evidence). What Wikidata adds about a linked item - a ROR id, a
Hugging Face id - is written there too, so its source is Wikidata. Items already given in the
curated data (owl:sameAs wd:Q...) are taken as they are.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Quad, Store

from .. import __version__, ns
from ..linked_data import PAV, ROR, SEMAPV, SSSOM, WD, WDT
from .client import PoliteClient

LINK_GRAPH = ns.graph("links", "wikidata")
WIKIDATA_SPARQL = "https://query.wikidata.org/sparql"
LANGUAGES = ("en", "mul")    # Wikidata's English labels and its language-independent default labels


@dataclass(frozen=True)
class WikidataTerms:
    """The Wikidata properties and classes used, each checked against public queries (docs/linking.md).

    ``huggingface`` is None: no Wikidata property for Hugging Face ids could be confirmed, so that
    match runs only when the user names the property (``--huggingface-property``).
    """

    instance_of: str = "P31"
    subclass_of: str = "P279"
    country: str = "P17"
    iso_code: str = "P297"          # ISO 3166-1 alpha-2 code, on the country item
    short_name: str = "P1813"
    developer: str = "P178"
    ror: str = "P6782"
    spdx: str = "P2479"
    organization: str = "Q43229"
    huggingface: str | None = None


@dataclass
class Record:
    """An aivc resource to reconcile, with what aivc knows that can confirm a candidate."""

    iri: str
    kind: str                                   # organization | model | licence
    names: set[str] = field(default_factory=set)
    label: str = ""
    country: str | None = None
    developer: str | None = None                # the developer organization's aivc IRI (models)
    huggingface: str | None = None
    spdx: str | None = None
    curated: str | None = None                  # a Wikidata item the curated data already gives


@dataclass
class Candidate:
    item: str
    matched: dict[str, str] = field(default_factory=dict)     # name -> label | alias | identifier
    label: str = ""
    is_organization: bool = False
    countries: set[str] = field(default_factory=set)
    developers: set[str] = field(default_factory=set)
    huggingface: set[str] = field(default_factory=set)
    ror: set[str] = field(default_factory=set)


@dataclass
class Link:
    record: Record
    candidate: Candidate
    score: float
    evidence: list[str]
    justification: str          # LexicalMatching | CompositeMatching | ManualMappingCuration


@dataclass
class Reconciliation:
    links: list[Link] = field(default_factory=list)
    ambiguous: list[tuple[Record, list[tuple[float, Candidate]]]] = field(default_factory=list)
    unmatched: list[Record] = field(default_factory=list)


# --- what aivc knows ----------------------------------------------------------------------------------

RECORDS_QUERY = f"""
PREFIX aivc: <{ns.AIVC}>
PREFIX rdfs: <{ns.RDFS}>
PREFIX owl: <{ns.OWL}>
SELECT DISTINCT ?x ?kind ?label ?name ?country ?developer ?hf ?spdx ?curated WHERE {{
  {{ ?x a aivc:Organization BIND("organization" AS ?kind) OPTIONAL {{ ?x aivc:country ?country }} }}
  UNION {{ ?x a aivc:AIModel BIND("model" AS ?kind)
           OPTIONAL {{ ?x aivc:developedBy ?developer }} OPTIONAL {{ ?x aivc:huggingFaceId ?hf }} }}
  UNION {{ ?x a aivc:Licence BIND("licence" AS ?kind) OPTIONAL {{ ?x aivc:spdxId ?spdx }} }}
  OPTIONAL {{ ?x rdfs:label ?label }}
  OPTIONAL {{ ?x aivc:alias ?name }}
  OPTIONAL {{ GRAPH ?g {{ ?x owl:sameAs ?curated }}
             FILTER(STRSTARTS(STR(?curated), "{WD}") && ?g != <{LINK_GRAPH.value}>) }}
}}"""


def records(store: Store, kinds: Iterable[str] = ("organization", "model", "licence")) -> list[Record]:
    """The organizations, models and licences of the graph, in IRI order, as the sources (not an
    earlier run of the linker) describe them."""
    found: dict[str, Record] = {}
    wanted = set(kinds)
    sources = [g for g in store.named_graphs() if g != LINK_GRAPH]      # what the links said before is not evidence
    for row in store.query(RECORDS_QUERY, default_graph=sources):
        if row["kind"].value not in wanted:
            continue
        rec = found.setdefault(row["x"].value, Record(row["x"].value, row["kind"].value))
        for var in ("label", "name"):
            if row[var] is not None:
                rec.names.add(row[var].value)
        if row["label"] is not None:
            rec.label = row["label"].value
        for var, attr in (("country", "country"), ("developer", "developer"), ("hf", "huggingface"),
                          ("spdx", "spdx"), ("curated", "curated")):
            if row[var] is not None:
                setattr(rec, attr, row[var].value)
    return [found[k] for k in sorted(found)]


# --- what Wikidata says -------------------------------------------------------------------------------

def _literals(values: Iterable[str], languages: Iterable[str | None]) -> str:
    """Terms for a VALUES block, serialized by pyoxigraph (escaped), never pasted as raw text."""
    return " ".join(str(Literal(v, language=lang) if lang else Literal(v))
                    for v in sorted(values) for lang in languages)


def names_query(names: Iterable[str], terms: WikidataTerms) -> str:
    return f"""PREFIX rdfs: <{ns.RDFS}>
PREFIX skos: <{ns.SKOS}>
PREFIX wdt: <{WDT}>
SELECT DISTINCT ?name ?item ?how WHERE {{
  VALUES ?name {{ {_literals(names, LANGUAGES)} }}
  {{ ?item rdfs:label ?name BIND("label" AS ?how) }}
  UNION {{ ?item skos:altLabel ?name BIND("alias" AS ?how) }}
  UNION {{ ?item wdt:{terms.short_name} ?name BIND("alias" AS ?how) }}
}}"""


def identifiers_query(values: Iterable[str], prop: str) -> str:
    return f"""PREFIX wdt: <{WDT}>
SELECT DISTINCT ?id ?item WHERE {{
  VALUES ?id {{ {_literals(values, [None])} }}
  ?item wdt:{prop} ?id .
}}"""


def facts_query(items: Iterable[str], terms: WikidataTerms) -> str:
    """One row per fact (?what, ?value) of each item: label, organization, country, developer, ids."""
    ids = " ".join(f"<{i}>" for i in sorted(items))
    hf = (f'\n  UNION {{ ?item wdt:{terms.huggingface} ?value BIND("huggingface" AS ?what) }}'
          if terms.huggingface else "")
    return f"""PREFIX rdfs: <{ns.RDFS}>
PREFIX wd: <{WD}>
PREFIX wdt: <{WDT}>
SELECT DISTINCT ?item ?what ?value WHERE {{
  VALUES ?item {{ {ids} }}
  {{ ?item rdfs:label ?value FILTER(LANG(?value) IN ("en", "mul")) BIND("label" AS ?what) }}
  UNION {{ ?item wdt:{terms.instance_of}/wdt:{terms.subclass_of}* wd:{terms.organization}
          BIND("organization" AS ?what) BIND(true AS ?value) }}
  UNION {{ ?item wdt:{terms.country}/wdt:{terms.iso_code} ?value BIND("country" AS ?what) }}
  UNION {{ ?item wdt:{terms.developer} ?value BIND("developer" AS ?what) }}
  UNION {{ ?item wdt:{terms.ror} ?value BIND("ror" AS ?what) }}{hf}
}}"""


def _batches(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


# --- scoring ------------------------------------------------------------------------------------------

def score(record: Record, cand: Candidate, developer_items: dict[str, str]) -> tuple[float, list[str]]:
    """The candidate's score for this record and the evidence for it, in words (see the module table)."""
    evidence: list[str] = []
    if record.kind == "licence":
        same_id = cand.matched.get(record.spdx or "") == "identifier"
        return (1.0, [f"same SPDX id {record.spdx}"]) if same_id else (0.0, [])
    if record.kind == "model" and record.huggingface and record.huggingface in cand.huggingface:
        return 1.0, [f"same Hugging Face id {record.huggingface}"]
    how = set(cand.matched.values())
    names = ", ".join(f"'{n}'" for n in sorted(cand.matched))
    if "label" in how:
        total = 0.6
        evidence.append(f"label {names}")
    elif "alias" in how:
        total = 0.5
        evidence.append(f"alias {names}")
    else:
        return 0.0, []
    if record.kind == "organization":
        if not cand.is_organization:
            return 0.0, ["not an organization"]
        total += 0.2
        evidence.append("an organization")
        if record.country and cand.countries:
            agrees = record.country in cand.countries
            total += 0.2 if agrees else -0.4
            says = "/".join(sorted(cand.countries))
            evidence.append(f"country {record.country}" + ("" if agrees else f" but Wikidata says {says}"))
    if record.kind == "model":
        mine = developer_items.get(record.developer or "")
        if mine and cand.developers:
            agrees = mine in cand.developers
            total += 0.3 if agrees else -0.4
            evidence.append("developer agrees" if agrees else "developer differs")
        if record.huggingface and cand.huggingface:
            total -= 0.5
            evidence.append(f"Hugging Face id differs ({'/'.join(sorted(cand.huggingface))})")
    return round(min(total, 1.0), 3), evidence


# --- reconciliation -----------------------------------------------------------------------------------

@dataclass
class Thresholds:
    exact: float = 0.7      # skos:exactMatch from here
    same_as: float = 0.9    # owl:sameAs too from here
    margin: float = 0.1     # the runner-up must be this far behind, else the record is ambiguous


def _candidates(client: PoliteClient, group: list[Record], terms: WikidataTerms, batch: int,
                progress: Callable[[str], None]) -> dict[str, dict[str, Candidate]]:
    """record IRI -> item -> Candidate, from names and identifiers, then the items' facts."""
    found: dict[str, dict[str, Candidate]] = defaultdict(dict)
    by_name: dict[str, list[Record]] = defaultdict(list)
    for rec in group:
        for name in rec.names if rec.kind != "licence" else ():    # licences are matched by SPDX id only
            by_name[name].append(rec)
    names = sorted(by_name)
    for chunk in _batches(names, batch):
        progress(f"names {chunk[0]}...")
        for row in client.select(names_query(chunk, terms)):
            for rec in by_name[row["name"].value]:
                cand = found[rec.iri].setdefault(row["item"].value, Candidate(row["item"].value))
                if cand.matched.get(row["name"].value) != "label":
                    cand.matched[row["name"].value] = row["how"].value
    for attr, prop in (("spdx", terms.spdx), ("huggingface", terms.huggingface)):
        by_id = {getattr(r, attr): r for r in group if getattr(r, attr)}
        if not prop or not by_id:
            continue
        for chunk in _batches(sorted(by_id), batch):
            progress(f"{attr} ids {chunk[0]}...")
            for row in client.select(identifiers_query(chunk, prop)):
                rec = by_id[row["id"].value]
                cand = found[rec.iri].setdefault(row["item"].value, Candidate(row["item"].value))
                cand.matched[row["id"].value] = "identifier"
                if attr == "huggingface":
                    cand.huggingface.add(row["id"].value)
    items = sorted({item for per in found.values() for item in per} | {r.curated for r in group if r.curated})
    facts: dict[str, Candidate] = {i: Candidate(i) for i in items}
    for chunk in _batches(items, batch):
        progress(f"facts {chunk[0].rsplit('/', 1)[-1]}...")
        for row in client.select(facts_query(chunk, terms)):
            c, what, value = facts[row["item"].value], row["what"].value, row["value"].value
            if what == "label":
                c.label = c.label or value
            elif what == "organization":
                c.is_organization = True
            else:
                getattr(c, {"country": "countries", "developer": "developers", "ror": "ror",
                            "huggingface": "huggingface"}[what]).add(value)
    for per in found.values():
        for item, cand in per.items():
            known = facts[item]
            cand.label, cand.is_organization = known.label, known.is_organization
            cand.countries, cand.developers, cand.ror = known.countries, known.developers, known.ror
            cand.huggingface |= known.huggingface
    for rec in group:
        if rec.curated:
            found[rec.iri] = {rec.curated: facts[rec.curated]}
    return found


def reconcile(store: Store, client: PoliteClient, terms: WikidataTerms = WikidataTerms(),
              thresholds: Thresholds | None = None, batch: int = 50,
              kinds: Iterable[str] = ("organization", "model", "licence"),
              progress: Callable[[str], None] = lambda step: None) -> Reconciliation:
    """Organizations first (models are confirmed by their developer's item), then models, then licences."""
    thresholds = thresholds or Thresholds()
    result = Reconciliation()
    developer_items: dict[str, str] = {}
    everything = records(store, kinds)
    for kind in ("organization", "model", "licence"):
        group = [r for r in everything if r.kind == kind]
        if not group:
            continue
        found = _candidates(client, group, terms, batch, progress)
        for rec in group:
            if rec.curated:
                link = Link(rec, found[rec.iri][rec.curated], 1.0, ["given in the curated data"],
                            "ManualMappingCuration")
            else:
                scored = sorted(((score(rec, c, developer_items), c) for c in found.get(rec.iri, {}).values()),
                                key=lambda sc: (-sc[0][0], sc[1].item))
                scored = [(s, ev, c) for (s, ev), c in scored if s > 0]
                if not scored or scored[0][0] < thresholds.exact:
                    result.unmatched.append(rec)
                    continue
                if len(scored) > 1 and scored[0][0] - scored[1][0] < thresholds.margin:
                    result.ambiguous.append((rec, [(s, c) for s, _, c in scored[:3]]))
                    continue
                best, evidence, cand = scored[0]
                lexical_only = len(evidence) == 1 or evidence[0].startswith("same ")
                link = Link(rec, cand, best, evidence, "LexicalMatching" if lexical_only else "CompositeMatching")
            result.links.append(link)
            if kind == "organization":
                developer_items[rec.iri] = link.candidate.item
    return result


# --- the link graph -----------------------------------------------------------------------------------

def _q(s, p: str, o) -> Quad:
    return Quad(s, NamedNode(p), o, LINK_GRAPH)


def link_quads(result: Reconciliation, thresholds: Thresholds, mapping_date: str) -> Iterator[Quad]:
    """skos:exactMatch / owl:sameAs links, their SSSOM mappings, and the ROR / Hugging Face ids
    Wikidata gives for the linked items."""
    double = NamedNode(ns.XSD + "double")
    for link in result.links:
        subject, item = NamedNode(link.record.iri), NamedNode(link.candidate.item)
        if link.justification != "ManualMappingCuration":
            same = link.score >= thresholds.same_as
            yield _q(subject, ns.SKOS + "exactMatch", item)
            if same:
                yield _q(subject, ns.OWL + "sameAs", item)
            mapping = NamedNode(ns.BASE + "mapping/wikidata/" + link.record.iri.removeprefix(ns.BASE))
            yield _q(mapping, ns.RDF + "type", NamedNode(SSSOM + "Mapping"))
            yield _q(mapping, ns.OWL + "annotatedSource", subject)
            predicate = ns.OWL + "sameAs" if same else ns.SKOS + "exactMatch"
            yield _q(mapping, ns.OWL + "annotatedProperty", NamedNode(predicate))
            yield _q(mapping, ns.OWL + "annotatedTarget", item)
            yield _q(mapping, SSSOM + "confidence", Literal(repr(float(link.score)), datatype=double))
            yield _q(mapping, SSSOM + "mapping_justification", NamedNode(SEMAPV + link.justification))
            yield _q(mapping, SSSOM + "subject_label", Literal(link.record.label))
            if link.candidate.label:
                yield _q(mapping, SSSOM + "object_label", Literal(link.candidate.label))
            for name in sorted(link.candidate.matched):
                yield _q(mapping, SSSOM + "match_string", Literal(name))
            yield _q(mapping, SSSOM + "comment", Literal("; ".join(link.evidence)))
            yield _q(mapping, SSSOM + "mapping_tool", Literal(f"aivc link wikidata {__version__}"))
            yield _q(mapping, SSSOM + "mapping_date", Literal(mapping_date, datatype=NamedNode(ns.XSD + "date")))
        if link.record.kind == "organization":
            for ror in sorted(link.candidate.ror):
                if re.fullmatch(r"0[a-z0-9]{8}", ror):
                    yield _q(subject, ns.OWL + "sameAs", NamedNode(ROR + ror))
        if link.record.kind == "model" and not link.record.huggingface:
            for hf in sorted(link.candidate.huggingface):
                yield _q(subject, ns.AIVC + "huggingFaceId", Literal(hf))


def provenance_quads(endpoint: str, retrieved: Iterable[str]) -> Iterator[Quad]:
    """The link graph's source: the endpoint, when its answers were retrieved, what made the links."""
    prov, g, source = ns.PROVENANCE_GRAPH, LINK_GRAPH, NamedNode(endpoint)
    yield Quad(g, NamedNode(ns.PROV + "wasDerivedFrom"), source, prov)
    yield Quad(g, NamedNode(PAV + "createdWith"), Literal(f"aivc link wikidata {__version__}"), prov)
    yield Quad(source, NamedNode(ns.DCTERMS + "title"), Literal(f"Wikidata, via the SPARQL endpoint {endpoint}"), prov)
    dates = sorted({r[:10] for r in retrieved})
    if dates:
        yield Quad(source, NamedNode(PAV + "retrievedOn"),
                   Literal(dates[-1], datatype=NamedNode(ns.XSD + "date")), prov)
