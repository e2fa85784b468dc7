"""The gate's report in three forms: text for people, JSON for scripts, Turtle as a W3C SHACL validation report.

Text lines read ``FILE, row 14, column base_model: violation: ...``. The JSON report lists each
finding with its place in the file's own terms (row/column, line/key, pointer, line/property). The
Turtle report is an ``sh:ValidationReport`` whose ``sh:result``s carry the SHACL fields plus
``aivc:sourceRecord``, the place in the contributor's file; problems found while reading a file
(before SHACL) are results of the constraint component ``aivcsh:ContributionReader``.
"""

from __future__ import annotations

import json

import rdflib
from rdflib import RDF, RDFS, XSD, BNode, Literal, Namespace, URIRef
from rdflib.namespace import SH, SKOS

from aivc import ns
from aivc.validation import Report

from .check import Outcome
from .contribution import ReportFormat
from .wording import Finding

AIVCSH = Namespace("https://w3id.org/aivc/shapes#")
AIVC = Namespace(ns.AIVC)
SEVERITY = {"violation": SH.Violation, "warning": SH.Warning, "info": SH.Info}
READER = AIVCSH.ContributionReader


def summary(outcome: Outcome) -> str:
    counts = f"{outcome.count('violation')} violation(s), {outcome.count('warning')} warning(s), {outcome.count('info')} info"
    if outcome.unreadable:
        return f"unreadable: {len(outcome.unreadable)} file(s) could not be read; {counts}"
    read = ", ".join(f"{c.name}: {c.records} record(s), {len(c.quads)} quads" for c in outcome.contributions)
    verdict = "conforms" if outcome.exit_code == 0 else "does not conform"
    return f"{verdict}: {counts} ({read})"


def text(outcome: Outcome) -> str:
    return "".join(f"{f}\n" for f in outcome.all_findings) + summary(outcome) + "\n"


def as_json(outcome: Outcome) -> str:
    report = {
        "conforms": outcome.exit_code == 0,
        "exit_code": outcome.exit_code,
        "counts": {s: outcome.count(s) for s in ("violation", "warning", "info")},
        "files": [{"file": c.name, "format": c.syntax, "sha256": c.digest, "records": c.records, "quads": len(c.quads)}
                  for c in outcome.contributions] + [{"file": f.file, "readable": False} for f in outcome.unreadable],
        "findings": [f.as_dict() for f in outcome.all_findings],
    }
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def turtle(outcome: Outcome) -> str:
    g = rdflib.Graph()
    for prefix, namespace in (("sh", SH), ("aivc", AIVC), ("aivcsh", AIVCSH), ("skos", SKOS), ("xsd", XSD)):
        g.bind(prefix, namespace)
    report = BNode()
    g.add((report, RDF.type, SH.ValidationReport))
    g.add((report, SH.conforms, Literal(outcome.exit_code == 0)))
    g.add((READER, RDFS.label, Literal("contribution reader", lang="en")))
    g.add((READER, SKOS.definition, Literal("The checks aivc makes while reading a contributed file, before the "
                                            "shapes: the file is readable, and each record's values parse.", lang="en")))
    for finding in outcome.all_findings:
        result = BNode()
        g.add((report, SH.result, result))
        for p, o in _result(finding):
            g.add((result, p, o))
    return g.serialize(format="turtle")


def _result(f: Finding):
    yield RDF.type, SH.ValidationResult
    yield SH.resultSeverity, SEVERITY[f.severity]
    yield SH.resultMessage, Literal(f.message)
    yield AIVC.sourceRecord, Literal(f.where())
    yield SH.focusNode, URIRef(f.focus) if f.focus else Literal(f.file)
    if f.path:
        yield SH.resultPath, URIRef(f.path)
    if f.value is not None:
        yield SH.value, URIRef(f.value) if f.value.startswith(("http://", "https://")) else Literal(f.value)
    if f.check in ("read", "graph"):
        yield SH.sourceConstraintComponent, READER
    else:
        yield SH.sourceShape, AIVCSH[f.check]
        yield SH.sourceConstraintComponent, SH[f.component] if f.component else READER


def graph_report(shacl: Report, fmt: str) -> str:
    """`aivc validate --format json|turtle` on the built graph: its results, located at their records."""
    outcome = Outcome()
    for r in shacl.results:
        file, _, line = (r.location or "graph").rpartition(":") if r.location and r.location[-1:].isdigit() else (r.location or "graph", "", "")
        outcome.findings.append(Finding(file or "graph", "file", int(line) if line else None, None, r.message,
                                        r.severity, (getattr(r, "shape", None) or "shapes").rsplit("#", 1)[-1],
                                        r.focus, r.path, r.value, r.component))
    return as_json(outcome) if fmt == "json" else turtle(outcome)
