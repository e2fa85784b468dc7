"""Ecosystem Graphs (Stanford CRFM): assets/*.yaml -> models, datasets, applications, their releases
and their dependencies, in the graph ``graph/source/ecosystem-graphs``.

Each file is a list of assets (``type``: model, dataset, application) with ``name``,
``organization``, ``created_date``, ``access``, ``license``, ``size``, ``modality``,
``dependencies``... ``schemas.yaml`` of the snapshot says which fields each type has; any other
field is reported. ``access``, ``license``, ``created_date`` and ``size`` come as a plain value or as
a mapping ``{value, explanation}``; both are read. Dependencies name assets by display name and
become typed relations once every file is read: model -> dataset ``trainedOn``, application ->
model ``builtOn``, anything else ``dependsOn`` (the source does not say how a model uses another).
Names that match nothing are reported and kept (aivc:unresolvedDependency).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import yaml
from pyoxigraph import Literal, NamedNode, Quad

from aivc import ns
from loaders.located_yaml import LocatedDict
from loaders.source_records import (BadValue, DatasetInfo, Location, SourceContext, date, huggingface_ids, names,
                                    number, snapshot_from_readme, text, value_of, words)

DATASET = DatasetInfo(
    name="ecosystem-graphs", title="Ecosystem Graphs",
    publisher="Stanford Center for Research on Foundation Models (CRFM)",
    landing_page="https://crfm.stanford.edu/ecosystem-graphs/",
    description="Foundation models, the datasets they are trained on and the applications built on them, "
                "with access, licence and dependencies (one YAML file per organization).")
ORIGIN = "https://github.com/stanford-crfm/ecosystem-graphs/tree/"
KINDS = ("model", "dataset", "application")
RELATIONS = {
    "model": {"dataset": "trainedOn", "model": "dependsOn", "application": "dependsOn"},
    "application": {"model": "builtOn", "application": "dependsOn", "dataset": "dependsOn"},
    "dataset": {"dataset": "dependsOn", "model": "dependsOn", "application": "dependsOn"},
}
SEE_ALSO = NamedNode(ns.RDFS + "seeAlso")
DESCRIPTION = NamedNode(ns.DCTERMS + "description")


def read(path: Path, context: SourceContext) -> Iterator[Quad]:
    """Stream the quads of an Ecosystem Graphs snapshot (the folder holding assets/ and schemas.yaml)."""
    folder, files = context.files(path, "assets", "*.yaml")
    if not files:
        return
    version, stated = snapshot_from_readme(folder)
    schema = folder / "schemas.yaml"
    yield from context.snapshot(version, stated, files + ([schema] if schema.is_file() else []),
                                ORIGIN + version if version else None)
    fields = known_fields(schema, context)
    for file in files:
        for record in asset_records(file, context):
            yield from asset(record, file, fields, context)
    yield from context.resolved()


def known_fields(schema: Path, context: SourceContext) -> dict[str, set[str]] | None:
    """Field names per asset type, from the snapshot's own schemas.yaml (None: not checked)."""
    if not schema.is_file():
        context.problem(context.where(schema, None), None, "no schemas.yaml: unknown fields are not checked", "info")
        return None
    try:
        doc = yaml.safe_load(schema.read_text(encoding="utf-8"))
        return {kind.casefold(): {str(f["name"]).casefold() for f in entries} | {"type"}
                for kind, entries in doc.items()}
    except (yaml.YAMLError, AttributeError, KeyError, TypeError) as err:
        context.problem(context.where(schema, None), None, f"schemas.yaml is not a list of fields per type ({err}); "
                                                           "unknown fields are not checked")
        return None


def asset_records(file: Path, context: SourceContext) -> Iterator[LocatedDict]:
    """The asset mappings of one file; a file that is not a YAML list of mappings is reported."""
    read_, doc = context.yaml_document(file)
    if not read_ or doc is None:
        return
    if not isinstance(doc, list):
        context.problem(context.where(file, 1), None, "an asset file must be a list of assets")
        return
    for i, item in enumerate(doc):
        if isinstance(item, dict):
            yield item
        else:
            context.problem(context.where(file, None, f"item {i + 1}"), None, f"an asset must be a mapping, got {item!r}")


def asset(record: LocatedDict, file: Path, fields: dict[str, set[str]] | None, context: SourceContext) -> Iterator[Quad]:
    """One asset: its reconciled node, its release as Ecosystem Graphs reports it, its dependencies."""
    data = {str(k).casefold(): v for k, v in record.items()}
    lines = {str(k).casefold(): record.line_of(k) for k in record}
    name = context.parsed(Location(context.relative(file), record.line, None), "name", text, data.get("name"))
    where = context.where(file, record.line, name)

    def at(key: str) -> Location:
        return Location(where.file, lines.get(key, record.line), where.key)

    if name is None:
        context.problem(where, "name", "required field 'name' is missing; the asset is skipped")
        return
    kind = str(data.get("type") or "").strip().casefold()
    if kind not in KINDS:
        context.problem(at("type"), "type", f"'{data.get('type')}' is not an asset type ({', '.join(KINDS)}); "
                                            "the asset is skipped")
        return
    for key in data:
        if fields is not None and key not in fields.get(kind, set()):
            context.problem(at(key), key, f"unknown field for a {kind} (schemas.yaml does not list it); ignored")
    organization = context.parsed(at("organization"), "organization", text, data.get("organization"))
    if organization is None:
        context.problem(at("organization"), "organization", "required field 'organization' is missing; the asset is skipped")
        return
    orgs, org_facts = context.organizations(organization, at("organization"))
    hf = huggingface_ids(value_of_or_none(data.get("model_card")), value_of_or_none(data.get("url")))
    node, facts = context.asset(kind, name, where, orgs, hf)
    yield from org_facts
    yield from facts
    yield from descriptive_facts(node, data, at, context)
    yield from context.release(
        node, where, kind=kind, orgs=orgs,
        released=context.parsed(at("created_date"), "created_date", lambda r: date(value_of(r)), data.get("created_date")),
        access=context.parsed(at("access"), "access", words, data.get("access")),
        licence=context.parsed(at("license"), "license", words, data.get("license")),
        parameters=context.parsed(at("size"), "size", lambda r: number(value_of(r)), data.get("size"))
        if kind == "model" else None, at=at)
    dependencies = context.parsed(at("dependencies"), "dependencies", names, data.get("dependencies"))
    context.refer(node, RELATIONS[kind], dependencies or [], at("dependencies"), "dependencies", orgs)


def value_of_or_none(raw):
    try:
        return value_of(raw)
    except BadValue:
        return None


def descriptive_facts(node: NamedNode, data: dict, at, context: SourceContext) -> Iterator[Quad]:
    if modality := context.parsed(at("modality"), "modality", text, data.get("modality")):
        for value in sorted({m.strip().casefold() for m in modality.replace(";", ",").split(",") if m.strip()}):
            yield context.fact(node, ns.term("modality"), Literal(value))
    url = value_of_or_none(data.get("url"))
    if isinstance(url, str) and url.strip().startswith(("http://", "https://")) and " " not in url.strip():
        yield context.fact(node, SEE_ALSO, NamedNode(url.strip()))
    if description := value_of_or_none(data.get("description")):
        if isinstance(description, str) and description.strip():
            yield context.fact(node, DESCRIPTION, Literal(" ".join(description.split())))
