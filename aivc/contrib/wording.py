"""SHACL results in the contributor's words, at the place in their file where the fact stands.

A result names a focus node, a property path and a value as IRIs. The contributor wrote a row and a
column, a line and a key, a JSON pointer. Each contribution remembers where it stated every
(resource, property); a result is placed there (a property the rules derive, such as derivedFrom from
fineTunedFrom, is found through its sub-properties), and phrased for what went wrong: an unknown
name gets the nearest known one, a second value for a resource the graph already describes is a
conflict with the graph's own value and its source, a missing fact says which.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

from pyoxigraph import NamedNode, Store

from aivc import ns, vocab
from aivc.problems import Problem
from aivc.validation import Result

from .contribution import Contribution, Place
from .rdf_facts import words
from .vocabulary import vocabulary

KINDS = {"model": ("model", "AIModel"), "org": ("organization", "Organization"), "licence": ("licence", "Licence"),
         "release": ("release", "Release"), "partnership": ("partnership", "Partnership")}
PROV_DERIVED_FROM = ns.PROV + "wasDerivedFrom"
SOURCE_FILE = NamedNode(ns.AIVC + "sourceFile")
LABEL = NamedNode(ns.RDFS + "label")
RDF_TYPE = NamedNode(ns.RDF + "type")


@dataclass(frozen=True)
class Finding:
    """One thing to tell the contributor: where (in their file's terms), how grave, what."""

    file: str
    syntax: str                 # csv | yaml | jsonld | turtle | rdfxml | file
    line: int | None
    field: str | None
    message: str
    severity: str = "violation"
    check: str = "read"         # read | graph | the shape's name
    focus: str | None = None
    path: str | None = None
    value: str | None = None
    component: str | None = None   # the SHACL constraint component, e.g. ClassConstraintComponent

    def where(self) -> str:
        parts = [self.file]
        if self.syntax == "csv":
            parts += [f"row {self.line}"] if self.line else []
            parts += [f"column {self.field}"] if self.field else []
        elif self.syntax == "jsonld":
            parts += [f"line {self.line}"] if self.line else []
            parts += [self.field] if self.field else []
        else:
            parts += [f"line {self.line}"] if self.line else []
            parts += [("key " if self.syntax == "yaml" else "") + self.field] if self.field else []
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.where()}: {self.severity}: {self.message}"

    def order(self) -> tuple:
        return self.file, self.line or 0, self.field or "", self.message

    def location(self) -> dict:
        """The place in the file, named as the format names it (for the JSON report)."""
        keys = {"csv": ("row", "column"), "yaml": ("line", "key"), "jsonld": ("line", "pointer")}
        line_key, field_key = keys.get(self.syntax, ("line", "property"))
        return {k: v for k, v in ((line_key, self.line), (field_key, self.field)) if v is not None}

    def as_dict(self) -> dict:
        return {"file": self.file, **self.location(), "severity": self.severity, "message": self.message,
                "check": self.check, **{k: v for k, v in (("focus", self.focus), ("path", self.path),
                                                          ("value", self.value)) if v is not None}}


def finding_of(problem: Problem, syntax: str, check: str) -> Finding:
    return Finding(problem.file, syntax, problem.line, problem.field, problem.message, problem.severity, check)


def explain(results: list[Result], contributions: list[Contribution], live: Store, work: Store) -> list[Finding]:
    """Every result as findings placed in the contributor's files (deduplicated, in file order)."""
    phrasing = _Phrasing(contributions, live, work)
    findings = {}
    for result in _preferred(results):
        for f in phrasing.findings(result):
            findings.setdefault((f.file, f.line, f.field, f.message), f)
    return sorted(findings.values(), key=Finding.order)


def _preferred(results: list[Result]) -> list[Result]:
    """The results that say something the others do not: a conflict reported by ConflictShape needs no
    second word from a max-count constraint on the same property, and a fact the rules derive (a
    governance type) is not blamed on the contributor when one of their own facts about it is wrong."""
    conflicts = {(r.focus, r.path) for r in results if (getattr(r, "shape", None) or "").endswith("#ConflictShape")}
    derived = vocabulary().derived
    direct = {r.focus for r in results if r.path not in derived}
    kept = [r for r in results
            if not (r.component == "MaxCountConstraintComponent" and (r.focus, r.path) in conflicts)
            and not (r.path in derived and r.focus in direct)]
    # when two shapes say the same thing at the same place, the one made for it speaks (references first)
    return sorted(kept, key=lambda r: not (getattr(r, "shape", None) or "").endswith(("#ReferenceShape", "#ConflictShape")))


class _Phrasing:
    def __init__(self, contributions: list[Contribution], live: Store, work: Store):
        self.contributions, self.live, self.work = contributions, live, work
        self._candidates: dict[str, dict[str, str]] = {}
        self._stated: dict[tuple[str, str, str], tuple[Contribution, Place]] = {}   # (s, p, o) -> where
        self._pointing: dict[str, tuple[Contribution, Place]] = {}                  # object -> where it is named
        self._about: dict[str, list] = {}                                           # subject -> its quads
        for c in contributions:
            for q in c.quads:
                self._about.setdefault(q.subject.value, []).append(q)
                where = (c, c.facts[(q.subject.value, q.predicate.value)])
                self._stated.setdefault((q.subject.value, q.predicate.value, q.object.value), where)
                self._pointing.setdefault(q.object.value, where)

    # --- where --------------------------------------------------------------------------------------

    def place(self, focus: str, path: str | None, value: str | None = None) -> tuple[Contribution, Place] | None:
        subs = vocabulary().sub_properties.get(path or "", frozenset({path})) if path else frozenset()
        if value is not None:   # the file that states this very value, when several state the property
            for predicate in sorted(subs):
                if (focus, predicate, value) in self._stated:
                    return self._stated[(focus, predicate, value)]
        for c in self.contributions:
            for predicate in [path, *sorted(subs - {path})] if path else []:
                if (focus, predicate) in c.facts:
                    return c, c.facts[(focus, predicate)]
        for c in self.contributions:
            if focus in c.subjects:
                return c, c.subjects[focus]
        return self._pointing.get(focus)   # a part written inline: where its parent points at it

    # --- what ---------------------------------------------------------------------------------------

    def findings(self, r: Result) -> list[Finding]:
        shape = (getattr(r, "shape", None) or "").rsplit("#", 1)[-1] or "shapes"
        if shape == "SourceGraphShape" and r.component != "SPARQLConstraintComponent":
            return self._unsourced(r, shape)
        located = self.place(r.focus, r.path, r.value)
        if located is None:   # pragma: no cover - results are filtered to contributed resources
            return []
        c, place = located
        field = place.field or (words(r.path) if r.path else None)
        message = self.message(r, field)
        return [Finding(c.name, c.syntax, place.line, field, message, r.severity, shape,
                        r.focus, r.path, r.value, r.component)] if message else []

    def message(self, r: Result, field: str | None) -> str:
        text = _plain(r.message)
        value = r.value if r.value != r.focus else None
        if value is not None and self._dangling(r, value):
            if any(value in c.subjects for c in self.contributions):
                return ""   # described in the contribution without a type: its own record says so
            return self._unknown(value, r.path)
        if r.component == "MaxCountConstraintComponent" or (getattr(r, "shape", "") or "").endswith("#ConflictShape"):
            return self._conflict(r, text)
        if r.component == "MinCountConstraintComponent":
            return f"{text}: {field or words(r.path)} is missing"
        if value is not None and r.component != "SPARQLConstraintComponent":
            return f"'{self.shown(value)}': {text}"
        return text

    def _dangling(self, r: Result, value: str) -> bool:
        if r.component not in ("ClassConstraintComponent", "SPARQLConstraintComponent"):
            return False
        if r.component == "SPARQLConstraintComponent" and not (getattr(r, "shape", None) or "").endswith("#ReferenceShape"):
            return False
        is_iri = re.match(r"^[a-z][a-z0-9+.-]*:", value) is not None
        return not is_iri or next(iter(self.work.quads_for_pattern(NamedNode(value), RDF_TYPE, None)), None) is None

    def _unknown(self, value: str, path: str | None) -> str:
        """'llama-9' is not a known model; did you mean 'llama-2-7b' (Llama 2 7B)?"""
        if value.startswith(ns.BASE) and not value.startswith(ns.AIVC):
            kind, ident = value[len(ns.BASE):].split("/", 1)
            noun = KINDS.get(kind, (kind, None))[0]
            return f"'{ident}' is not a known {noun}{self._suggest(kind, ident)}"
        rng = vocabulary().range_of(path or "")
        scheme = vocab.slugs(rng.removeprefix(ns.AIVC)) if rng and rng.startswith(ns.AIVC) else {}
        name = value.removeprefix(ns.AIVC)
        if scheme:
            noun = _label(rng)
            match = difflib.get_close_matches(_slug_like(name), list(scheme), n=1, cutoff=0.5)
            hint = f"; did you mean '{match[0]}'?" if match else f" (one of: {', '.join(scheme)})"
            return f"'{name}' is not {'an' if noun[0] in 'aeiou' else 'a'} {noun}{hint}"
        return f"'{words(value)}' is not known: it is neither in the graph nor in the contribution"

    def _suggest(self, kind: str, ident: str) -> str:
        candidates = self.candidates(kind)
        match = difflib.get_close_matches(ident, list(candidates), n=1, cutoff=0.6)
        if not match:
            by_label = {label.lower(): i for i, label in candidates.items() if label}
            near = difflib.get_close_matches(ident.replace("-", " ").lower(), list(by_label), n=1, cutoff=0.6)
            match = [by_label[near[0]]] if near else []
        if not match:
            return ""
        label = candidates[match[0]]
        return f"; did you mean '{match[0]}'" + (f" ({label})" if label and label != match[0] else "") + "?"

    def candidates(self, kind: str) -> dict[str, str]:
        """id -> name of every resource of a kind in the graph and in the contribution."""
        if kind not in self._candidates:
            prefix = f"{ns.BASE}{kind}/"
            found: dict[str, str] = {}
            for store in (self.live, self.work):
                for q in store.quads_for_pattern(None, LABEL, None):
                    if q.subject.value.startswith(prefix) and "/" not in q.subject.value[len(prefix):]:
                        found.setdefault(q.subject.value[len(prefix):], q.object.value)
            self._candidates[kind] = found
        return self._candidates[kind]

    def _conflict(self, r: Result, text: str) -> str:
        """A second value: the graph's own (with its source) against the contribution's, or two in the file."""
        path = r.path or ""
        subs = vocabulary().sub_properties.get(path, frozenset({path}))
        focus = NamedNode(r.focus)
        existing = [q for p in subs for q in self.live.quads_for_pattern(focus, NamedNode(p), None)]
        contributed = [q for q in self._about.get(r.focus, []) if q.predicate.value in subs]
        new = sorted({self.shown(q.object.value) for q in contributed} - {self.shown(q.object.value) for q in existing})
        if existing and new:
            old = existing[0]
            return (f"conflict with the graph: {words(r.focus)} already has {words(path)} "
                    f"'{self.shown(old.object.value)}' ({self.source_of(old.graph_name)}); this file says "
                    f"'{', '.join(new)}'. Contributions never overwrite: correct the value or leave it out")
        values = sorted({self.shown(q.object.value) for q in contributed})
        if len(values) > 1:
            return f"{words(r.focus)} is given {len(values)} values for {words(path)} ({', '.join(values)}): {text}"
        return text

    def source_of(self, graph) -> str:
        """A graph of facts as its source: the document and the file it was read from."""
        if not isinstance(graph, NamedNode):
            return "no source"
        document = next(iter(self.live.quads_for_pattern(graph, NamedNode(PROV_DERIVED_FROM), None)), None)
        file = next(iter(self.live.quads_for_pattern(graph, SOURCE_FILE, None)), None)
        parts = [p for p in (document and document.object.value, file and file.object.value) if p]
        return "source: " + ", ".join(parts) if parts else words(graph.value)

    def _unsourced(self, r: Result, shape: str) -> list[Finding]:
        """Facts in a graph without a document: one finding per resource so described."""
        out = []
        for c in self.contributions:
            subjects = sorted({q.subject.value for q in c.quads if q.graph_name.value == r.focus})
            for subject in subjects:
                place = c.subjects[subject]
                out.append(Finding(c.name, c.syntax, place.line, place.field,
                                   f"the facts about {words(subject)} have no source: name the document that states "
                                   "them (dcterms:source <URL>, described with dcterms:title and dcterms:date)",
                                   r.severity, shape, subject, r.path, r.value, r.component))
        return out

    def shown(self, value: str) -> str:
        """A value as the contributor wrote it: a slug for a concept, an id for a resource."""
        return _slug_of(value) or (words(value) if re.match(r"^https?://", value) else value)


@lru_cache(maxsize=None)
def _slugs_by_iri() -> dict[str, str]:
    import rdflib
    g = rdflib.Graph().parse(vocab.paths.ONTOLOGY / "schemes.ttl")
    slug = rdflib.URIRef(ns.AIVC + "slug")
    return {str(s): str(o) for s, o in g.subject_objects(slug)}


def _slug_of(value: str) -> str | None:
    return _slugs_by_iri().get(value)


@lru_cache(maxsize=None)
def _label(cls: str) -> str:
    import rdflib
    g = rdflib.Graph()
    for ttl in vocab.paths.ONTOLOGY.glob("*.ttl"):
        g.parse(ttl)
    label = g.value(rdflib.URIRef(cls), rdflib.RDFS.label)
    return str(label) if label else words(cls)


def _slug_like(name: str) -> str:
    """AccessTier-style local names and free text as slugs (FullyOpen -> fully-open)."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name).lower().replace(" ", "-")


def _plain(message: str) -> str:
    """Messages name aivc resources by their short form (model/llama-2-7b), not their full IRI."""
    return re.sub(r"https://w3id\.org/aivc/[^\s,;)'\"]+", lambda m: words(m.group(0)), message)

