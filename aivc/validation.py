"""SHACL validation of the graph (pyshacl), each result located in the file its facts came from."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import rdflib
from pyoxigraph import RdfFormat, Store, serialize
from rdflib.namespace import SH

from . import ns, paths

SOURCE_RECORD = rdflib.URIRef(ns.AIVC + "sourceRecord")
RELEASE_OF = rdflib.URIRef(ns.AIVC + "releaseOf")


@dataclass(frozen=True)
class Result:
    severity: str          # violation | warning | info
    focus: str
    path: str | None
    component: str         # the SHACL constraint component's local name, e.g. MinCountConstraintComponent
    message: str
    value: str | None
    location: str | None   # file:line of the record the focus node was read from

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        field = f" {_local(self.path)}:" if self.path else ""
        value = f" (value: {self.value})" if self.value is not None else ""
        return f"{where}{self.severity}: {_local(self.focus)}{field} {self.message}{value}"


@dataclass(frozen=True)
class Report:
    results: tuple[Result, ...]

    @property
    def conforms(self) -> bool:
        return not any(r.severity == "violation" for r in self.results)

    def count(self, severity: str) -> int:
        return sum(r.severity == severity for r in self.results)


def _local(iri: str | None) -> str:
    if iri is None:
        return ""
    for prefix, base in ns.PREFIXES.items():
        if iri.startswith(base):
            return f"{prefix}:{iri[len(base):]}"
    return iri.removeprefix(ns.BASE)


@lru_cache(maxsize=1)
def shapes_graph(folder: Path = paths.SHAPES) -> rdflib.Graph:
    g = rdflib.Graph()
    for f in sorted(folder.glob("*.ttl")):
        g.parse(f)
    return g


def union_graph(store: Store) -> rdflib.Graph:
    """All graphs of the store as one rdflib graph (what SHACL sees)."""
    triples = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
    return rdflib.Graph().parse(data=serialize(triples, format=RdfFormat.N_TRIPLES), format="nt")


def validate(store: Store, shapes: rdflib.Graph | None = None) -> Report:
    import pyshacl   # a fifth of a second to import: only the commands that validate in Python pay it
    data = union_graph(store)
    _, report_graph, _ = pyshacl.validate(data, shacl_graph=shapes or shapes_graph(), inference="none",
                                          advanced=True, allow_warnings=True)
    results = []
    for node in report_graph.subjects(rdflib.RDF.type, SH.ValidationResult):
        value = lambda p: report_graph.value(node, p)  # noqa: E731
        focus = value(SH.focusNode)
        severity = str(value(SH.resultSeverity)).removeprefix(str(SH)).lower()
        results.append(Result(
            severity=severity,
            focus=str(focus),
            path=str(value(SH.resultPath)) if value(SH.resultPath) is not None else None,
            component=str(value(SH.sourceConstraintComponent)).removeprefix(str(SH)),
            message=str(value(SH.resultMessage) or ""),
            value=str(value(SH.value)) if value(SH.value) is not None else None,
            location=_location(data, focus),
        ))
    return Report(tuple(sorted(results, key=lambda r: (r.location or "", r.focus, r.path or "", r.component))))


def _location(data: rdflib.Graph, focus) -> str | None:
    """file:line of the record a node was read from (a release is located at its model's record)."""
    record = data.value(focus, SOURCE_RECORD)
    if record is None and (asset := data.value(focus, RELEASE_OF)) is not None:
        record = data.value(asset, SOURCE_RECORD)
    return str(record) if record is not None else None
