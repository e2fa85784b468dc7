"""The Foundation Model Transparency Index (CSV) -> transparency indicators and each developer's
scores with the disclosed evidence, in the graph ``graph/source/fmti``.

``fmti-indicators.csv`` defines the indicators (Domain, Subdomain, Indicator, Definition, Notes);
each becomes an aivc:TransparencyIndicator. An edition's ``EDITION_scores.csv`` has one row per
indicator and one column per developer (1 disclosed, 0 not) and a final ``Total`` row, which is
checked against the scores; ``EDITION_disclosures.csv`` has the same shape with the developer's
disclosed evidence, kept as the comment of each score. Score-sheet names that differ from the
indicator list are mapped by mappings/transparency-indicators.yaml; an unknown indicator, a cell
that is not 0 or 1, or a total that does not add up is reported with file, line and column.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad

from aivc import ns
from aivc.mappings import name_key
from loaders.source_records import DatasetInfo, Location, SourceContext, assessment_iri, slugify, snapshot_from_readme

DATASET = DatasetInfo(
    name="fmti", title="Foundation Model Transparency Index",
    publisher="Stanford Center for Research on Foundation Models (CRFM)",
    landing_page="https://crfm.stanford.edu/fmti/",
    licence="https://creativecommons.org/licenses/by/4.0/",
    description="100 indicators of what foundation-model developers disclose, and each developer's "
                "score on each indicator with the disclosed evidence.")
ORIGIN = "https://github.com/stanford-crfm/fmti/tree/"
INDICATORS = "fmti-indicators.csv"
T = ns.term
RDF_TYPE = NamedNode(ns.RDF + "type")
SKOS = ns.SKOS


def read(path: Path, context: SourceContext) -> Iterator[Quad]:
    """Stream the quads of an FMTI snapshot: the indicator list and every edition's score sheets."""
    folder = Path(path)
    indicator_file = next(iter(sorted(folder.rglob(INDICATORS))), None)
    editions = sorted(folder.rglob("*_scores.csv"))
    if indicator_file is None or not editions:
        context.problem(context.where(folder, None), None,
                        f"an FMTI snapshot needs {INDICATORS} and EDITION_scores.csv files", "violation")
        return
    version, stated = snapshot_from_readme(folder)
    disclosures = [d for d in (s.with_name(s.name.replace("_scores", "_disclosures")) for s in editions) if d.is_file()]
    yield from context.snapshot(version, stated, [indicator_file, *editions, *disclosures],
                                ORIGIN + version if version else None)
    known: dict[str, NamedNode] = {}
    yield from indicators(indicator_file, context, known)
    for scores in editions:
        yield from edition(scores, known, context)


def rows(file: Path) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of a CSV file that may start with a byte-order mark and quote newlines."""
    with open(file, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        while True:
            line = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            yield line, cells


def indicators(file: Path, context: SourceContext, known: dict[str, NamedNode]) -> Iterator[Quad]:
    table = rows(file)
    _, header = next(table, (1, []))
    columns = {h.strip().casefold(): i for i, h in enumerate(header)}
    missing = [c for c in ("domain", "subdomain", "indicator", "definition") if c not in columns]
    if missing:
        context.problem(context.where(file, 1), ", ".join(missing), "required column(s) missing; no indicators read",
                        "violation")
        return
    for line, cells in table:
        cell = {name: (cells[i].strip() if i < len(cells) else "") for name, i in columns.items()}
        where = context.where(file, line, cell["indicator"] or None)
        if not cell["indicator"]:
            context.problem(where, "Indicator", "no indicator name; the row is skipped")
            continue
        node = ns.resource("indicator", "fmti", slugify(cell["indicator"]))
        known[name_key(cell["indicator"])] = node
        yield context.fact(node, RDF_TYPE, T("TransparencyIndicator"))
        yield context.fact(node, NamedNode(SKOS + "inScheme"), T("TransparencyIndicatorScheme"))
        yield context.fact(node, NamedNode(ns.RDFS + "label"), Literal(cell["indicator"]))
        yield context.fact(node, T("sourceRecord"), Literal(str(where)))
        if cell["definition"]:
            yield context.fact(node, NamedNode(SKOS + "definition"), Literal(" ".join(cell["definition"].split())))
        else:
            context.problem(where, "Definition", "the indicator has no definition")
        if cell.get("notes"):
            yield context.fact(node, NamedNode(SKOS + "note"), Literal(" ".join(cell["notes"].split())))
        for column, prop in (("domain", "indicatorDomain"), ("subdomain", "indicatorSubdomain")):
            if cell[column]:
                yield context.fact(node, T(prop), Literal(cell[column]))
        context.count("indicators")


def edition(scores: Path, known: dict[str, NamedNode], context: SourceContext) -> Iterator[Quad]:
    """One edition's scores (and disclosures) as aivc:TransparencyAssessment per developer and indicator."""
    name = scores.name.removesuffix("_scores.csv")
    renamed = context.mappings.indicator_names(name)
    evidence = disclosures(scores.with_name(f"{name}_disclosures.csv"))
    table = rows(scores)
    _, header = next(table, (1, []))
    developers = [h.strip() for h in header[1:]]
    orgs: list[NamedNode | None] = []
    for developer in developers:
        found, facts = context.organizations(developer, context.where(scores, 1, developer))
        yield from facts
        orgs.append(found[0] if len(found) == 1 else None)
    totals = [0] * len(developers)
    for line, cells in table:
        indicator_name = cells[0].strip() if cells else ""
        if name_key(indicator_name) == "total":
            _check_totals(cells[1:], totals, developers, context.where(scores, line, "Total"), context)
            continue
        key = renamed.get(name_key(indicator_name), name_key(indicator_name))
        indicator = known.get(key)
        if indicator is None:
            context.problem(context.where(scores, line, indicator_name), "Indicator",
                            f"'{indicator_name}' is not an indicator of {INDICATORS} (nor renamed in "
                            "mappings/transparency-indicators.yaml); the row is skipped")
            continue
        for i, developer in enumerate(developers):
            where = context.where(scores, line, f"{indicator_name.strip()} / {developer}")
            raw = cells[i + 1].strip() if i + 1 < len(cells) else ""
            if raw not in ("0", "1"):
                context.problem(where, developer, f"score '{raw}' is not 0 or 1; not recorded")
                continue
            totals[i] += int(raw)
            if orgs[i] is None:
                continue
            node = assessment_iri("fmti", name, developer, indicator.value.rsplit("/", 1)[1])
            yield context.fact(node, RDF_TYPE, T("TransparencyAssessment"))
            yield context.fact(node, T("assessmentOf"), orgs[i])
            yield context.fact(node, T("transparencyIndicator"), indicator)
            yield context.fact(node, T("transparencyScore"), Literal(raw, datatype=NamedNode(ns.XSD + "integer")))
            yield context.fact(node, T("sourceRecord"), Literal(str(where)))
            if text := evidence.get((name_key(indicator_name), name_key(developer))):
                yield context.fact(node, NamedNode(ns.RDFS + "comment"), Literal(text))
            context.count("scores")


def disclosures(file: Path) -> dict[tuple[str, str], str]:
    """(indicator key, developer key) -> the disclosed evidence (blank cells left out)."""
    if not file.is_file():
        return {}
    table = rows(file)
    _, header = next(table, (1, []))
    found = {}
    for _, cells in table:
        for developer, cell in zip(header[1:], cells[1:]):
            if cell.strip():
                found[(name_key(cells[0]), name_key(developer))] = " ".join(cell.split())
    return found


def _check_totals(cells: list[str], totals: list[int], developers: list[str], where: Location,
                  context: SourceContext) -> None:
    for stated, computed, developer in zip(cells, totals, developers):
        if re.fullmatch(r"\d+", stated.strip()) and int(stated) != computed:
            context.problem(where, developer, f"the Total row says {stated.strip()}, the scores add up to {computed}")
