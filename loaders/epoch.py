"""Epoch AI's Notable AI Models table (CSV, one row per model) -> models, releases, organizations,
lineage and code openness, in the graph ``graph/source/epoch``.

Per row: the model (``Model``), its organizations (``Organization``, several joined by commas,
with ``Organization categorization`` and ``Country (from Organization)`` in the same order),
``Publication date``, ``Parameters`` and ``Training compute (FLOP)`` (numbers, often in scientific
notation), ``Model accessibility`` (mapped to a tier by mappings/access-tiers.yaml), ``Training
code accessibility`` and ``Inference code accessibility`` (openness grades, mappings/openness.yaml),
``Base model`` (fine-tuned from; several joined by commas), ``Frontier model``. Blank cells say
nothing. A row without a model name or organization is reported and skipped; an unknown column
is reported once, with the header line.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad

from aivc import ns
from loaders.source_records import (DatasetInfo, Location, SourceContext, assessment_iri, date, huggingface_ids,
                                    number)

DATASET = DatasetInfo(
    name="epoch", title="Epoch AI, Notable AI Models", publisher="Epoch AI",
    landing_page="https://epoch.ai/data/notable-ai-models",
    licence="https://creativecommons.org/licenses/by/4.0/",
    description="Notable machine-learning models with their organizations, dates, parameters, training "
                "compute and accessibility (CC BY 4.0; cite Epoch AI).")
REQUIRED = ("Model", "Organization")
COLUMNS = {
    "Model", "Domain", "Organization", "Organization categorization", "Country (from Organization)", "Authors",
    "Publication date", "Reference", "Link", "Citations", "Notability criteria", "Notability criteria notes",
    "Parameters", "Parameters notes", "Training compute (FLOP)", "Training compute notes", "Training dataset",
    "Training dataset notes", "Training dataset size (datapoints)", "Dataset size notes", "Epochs",
    "Training time (hours)", "Training time notes", "Training hardware", "Hardware quantity",
    "Hardware utilization", "Training compute cost (2023 USD)", "Compute cost notes", "Confidence", "Abstract",
    "Base model", "Finetune compute (FLOP)", "Finetune compute notes", "Batch size", "Batch size notes",
    "Model accessibility", "Training code accessibility", "Inference code accessibility", "Accessibility notes",
    "Frontier model", "Training power draw (W)", "Training compute estimation method"}
FILE = re.compile(r"notable_ai_models.*\.csv$")


def snapshot_file(path: Path) -> Path | None:
    """The table itself, or the newest notable_ai_models*.csv of a folder."""
    if path.is_file():
        return path
    found = sorted(p for p in path.glob("*.csv") if FILE.search(p.name))
    return found[-1] if found else None


def read(path: Path, context: SourceContext) -> Iterator[Quad]:
    """Stream the quads of an Epoch AI Notable AI Models snapshot (the CSV file or its folder)."""
    table = snapshot_file(Path(path))
    if table is None:
        context.problem(context.where(Path(path), None), None, "no notable_ai_models*.csv in this folder", "violation")
        return
    stated = re.search(r"(\d{4}-\d{2}-\d{2})", table.name)
    yield from context.snapshot(stated[1] if stated else None, stated[1] if stated else None, [table])
    organizations = OrganizationFacts(context)
    with open(table, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            context.problem(context.where(table, 1), None, "the table is empty", "violation")
            return
        if not header_is_usable(header, table, context):
            return
        while True:
            line = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as err:
                context.problem(context.where(table, line), None, f"not a CSV row: {err}")
                continue
            row = {h: c.strip() for h, c in zip(header, cells)}
            if len(cells) != len(header):
                context.problem(context.where(table, line, row.get("Model")), None,
                                f"{len(cells)} cells where the header has {len(header)}; the cells present are read")
            yield from model_row(row, context.where(table, line, row.get("Model") or None), context, organizations)
    yield from context.resolved()


def header_is_usable(header: list[str], table: Path, context: SourceContext) -> bool:
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        context.problem(context.where(table, 1), ", ".join(missing),
                        f"required column(s) missing: {', '.join(missing)}; the table is not read", "violation")
        return False
    for column in header:
        if column not in COLUMNS:
            context.problem(context.where(table, 1), column, "unknown column (not in the Notable AI Models table as "
                                                           "aivc knows it); ignored")
    return True


def model_row(row: dict[str, str], where: Location, context: SourceContext,
              organizations: "OrganizationFacts") -> Iterator[Quad]:
    if not row.get("Model"):
        context.problem(where, "Model", "no model name; the row is skipped")
        return
    if not row.get("Organization"):
        context.problem(where, "Organization", "no organization; the row is skipped")
        return
    orgs, facts = context.organizations(row["Organization"], where)
    yield from facts
    yield from organizations.facts(orgs, row, where)
    node, facts = context.asset("model", row["Model"], where, orgs, huggingface_ids(row.get("Link")))
    yield from facts
    for domain in filter(None, (d.strip().casefold() for d in row.get("Domain", "").split(","))):
        yield context.fact(node, ns.term("modality"), Literal(domain))
    extra = []
    if compute := context.parsed(where, "Training compute (FLOP)", number, row.get("Training compute (FLOP)")):
        extra.append(("reportedTrainingCompute", Literal(f"{float(compute):.6g}", datatype=NamedNode(ns.XSD + "double"))))
    if row.get("Frontier model"):
        extra.append(("reportedFrontier", Literal(row["Frontier model"].casefold() == "true")))
    parameters = context.parsed(where, "Parameters", number, row.get("Parameters"))
    yield from context.release(
        node, where, kind="model", orgs=orgs,
        released=context.parsed(where, "Publication date", date, row.get("Publication date")),
        access=row.get("Model accessibility") or None,
        parameters=parameters if parameters and parameters > 0 else None, extra=extra)
    yield from code_openness(node, row, where, context)
    bases = [b.strip() for b in row.get("Base model", "").split(",") if b.strip()]
    context.refer(node, {"model": "fineTunedFrom"}, bases, where, "Base model", derived_class="FineTunedModel")


def code_openness(node: NamedNode, row: dict[str, str], where: Location, context: SourceContext) -> Iterator[Quad]:
    """Training and inference code accessibility as graded openness dimensions."""
    T = ns.term
    for column, (slug, dimension) in context.mappings.dimensions("epoch").items():
        value = row.get(column)
        if not value:
            continue
        grade = context.mappings.grade("epoch", value)
        if grade is None:
            context.problem(where, column, f"'{value}' is not a grade mappings/openness.yaml knows; ignored")
            continue
        assessment = assessment_iri("epoch", where.key or "", slug)
        yield context.fact(assessment, NamedNode(ns.RDF + "type"), T("OpennessAssessment"))
        yield context.fact(assessment, T("assessmentOf"), node)
        yield context.fact(assessment, T("opennessDimension"), NamedNode(dimension))
        yield context.fact(assessment, T("opennessGrade"), NamedNode(grade[1]))
        yield context.fact(assessment, NamedNode(ns.RDFS + "comment"), Literal(f"{column}: {value}"))
        yield context.fact(assessment, T("sourceRecord"), Literal(str(where)))


class OrganizationFacts:
    """Country and owner type of organizations no curated record describes, the first time a row
    states them unambiguously (one organization, one country); a later different value is reported."""

    def __init__(self, context: SourceContext):
        self.context = context
        self.stated: dict[tuple[str, str], str] = {}

    def facts(self, orgs: list[NamedNode], row: dict[str, str], where: Location) -> Iterator[Quad]:
        categories = [c.strip() for c in row.get("Organization categorization", "").split(",") if c.strip()]
        countries = [c.strip() for c in row.get("Country (from Organization)", "").split(",") if c.strip()]
        for i, org in enumerate(orgs):
            if self.context.reconciler.is_curated(org.value):
                continue
            if len(categories) == len(orgs):
                yield from self._once(org, "ownerType", "Organization categorization", categories[i], where,
                                      self.context.mappings.owner_type, lambda iri: NamedNode(iri))
            if len(orgs) == 1 and len(countries) == 1:
                yield from self._once(org, "country", "Country (from Organization)", countries[0], where,
                                      self.context.mappings.country, Literal)

    def _once(self, org, prop, column, value, where, mapping, term) -> Iterator[Quad]:
        known, mapped = mapping(value)
        if not known:
            self.context.problem(where, column, f"'{value}' is not in the mappings (mappings/); ignored")
            return
        if mapped is None:
            return
        first = self.stated.setdefault((org.value, prop), mapped)
        if first != mapped:
            self.context.problem(where, column, f"'{value}' differs from what an earlier row states for this "
                                                "organization; the first is kept", "info")
            return
        yield self.context.fact(org, ns.term(prop), term(mapped))
