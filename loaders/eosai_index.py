"""The European Open Source AI Index (projects/*.yaml, one file per instruction-tuned model) ->
openness assessments, releases and lineage, in the graph ``graph/source/eosai``.

Each file has ``project`` {name, link, llmbase, rlbase, license}, ``org`` {name, link} and one
entry per openness dimension (opencode, llmdata, llmweights, rldata, rlweights, license, code,
architecture, preprint, paper, modelcard, datasheet, package, api), each {class: open | partial |
closed, link, notes}. Every grade becomes an aivc:OpennessAssessment (mappings/openness.yaml);
the grades give the release's tier by the rules of mappings/access-tiers.yaml; ``llmbase`` is the
base model it was fine-tuned from and ``rlbase`` the instruction data it was trained on.
The project's template ``A_sample.yaml`` (no project or organization name) is reported and skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad

from aivc import ns
from loaders.source_records import (BadValue, DatasetInfo, Location, SourceContext, assessment_iri,
                                    huggingface_ids, is_unknown, snapshot_from_readme, text, words)

DATASET = DatasetInfo(
    name="eosai", title="European Open Source AI Index",
    publisher="Opening up ChatGPT project (Liesenfeld, Lopez and Dingemanse, Radboud University Nijmegen)",
    landing_page="https://opening-up-chatgpt.github.io/",
    licence="https://www.apache.org/licenses/LICENSE-2.0",
    description="Instruction-tuned text generators graded open, partial or closed on 14 dimensions of "
                "availability, documentation and access.")
ORIGIN = "https://github.com/opening-up-chatgpt/opening-up-chatgpt.github.io/tree/"
PARTS = ("project", "org")
SEPARATORS = re.compile(r"\s*(?:,|;|\s&\s|\sand\s)\s*")
NOT_A_NAME = {"various", "unspecified", "unknown", "unclear", "own", "none", "na", "n/a"}
T = ns.term


def read(path: Path, context: SourceContext) -> Iterator[Quad]:
    """Stream the quads of an Index snapshot (the repository folder, or its projects/ folder)."""
    folder, files = context.files(path, "projects", "*.yaml")
    if not files:
        return
    version, stated = snapshot_from_readme(folder)
    yield from context.snapshot(version, stated, files, ORIGIN + version if version else None)
    dimensions = context.mappings.dimensions("eosai")
    for file in files:
        yield from project(file, dimensions, context)
    yield from context.resolved()


def project(file: Path, dimensions: dict[str, str], context: SourceContext) -> Iterator[Quad]:
    read_, doc = context.yaml_document(file)
    if not read_:
        return
    if not isinstance(doc, dict):
        context.problem(context.where(file, 1), None, "a project file must be a mapping (project, org, dimensions)")
        return
    data = {str(k).casefold(): v for k, v in doc.items()}
    lines = {str(k).casefold(): doc.line_of(k) for k in doc}
    parts = {}
    for part in PARTS:
        value = data.get(part)
        if value is not None and not isinstance(value, dict):
            context.problem(context.where(file, lines.get(part)), part,
                            f"expected a mapping (name, link, ...), got {type(value).__name__}; the file is skipped")
            return
        parts[part] = {str(k).casefold(): v for k, v in (value or {}).items()}
    name = context.parsed(context.where(file, lines.get("project")), "project.name", text, parts["project"].get("name"))
    org_name = context.parsed(context.where(file, lines.get("org")), "org.name", text, parts["org"].get("name"))
    if name is None and org_name is None:
        context.problem(context.where(file, 1), None, "the Index's template (no project or org name), not a model; "
                                                      "skipped", "info")
        return
    where = context.where(file, doc.line, name)
    for key in data:
        if key not in PARTS and key not in dimensions:
            context.problem(Location(where.file, lines[key], name), key, "unknown dimension (not in "
                                                                          "mappings/openness.yaml); ignored")
    for missing, what in ((name, "project.name"), (org_name, "org.name")):
        if missing is None:
            context.problem(where, what, f"required field '{what}' is missing; the file is skipped")
            return
    orgs, facts = context.organizations(org_name, Location(where.file, lines.get("org"), name))
    yield from facts
    link = parts["project"].get("link")
    node, facts = context.asset("model", name, where, orgs, huggingface_ids(link))
    yield from facts
    grades = {}
    for key, (slug, dimension) in dimensions.items():
        grade, quads = assessment(node, key, slug, dimension, data.get(key),
                                  Location(where.file, lines.get(key, where.line), name), context)
        grades[slug] = (key, grade)
        yield from quads
    licence = context.parsed(where, "project.license", words, parts["project"].get("license"))
    yield from context.release(node, where, kind="model", orgs=orgs, access=tier(grades, context), licence=licence)
    context.refer(node, {"model": "fineTunedFrom"}, base_names(parts["project"].get("llmbase")), where, "project.llmbase",
                  derived_class="FineTunedModel")
    context.refer(node, {"dataset": "trainedOn"}, base_names(parts["project"].get("rlbase")), where, "project.rlbase")


def assessment(node: NamedNode, key: str, slug: str, dimension: str, raw, where: Location, context: SourceContext
               ) -> tuple[str | None, list[Quad]]:
    """One dimension's grade as an aivc:OpennessAssessment; (grade slug, quads)."""
    if raw is None:
        context.problem(where, key, "dimension missing; no grade recorded")
        return None, []
    entry = {"class": raw} if isinstance(raw, str) else {str(k).casefold(): v for k, v in raw.items()} \
        if isinstance(raw, dict) else None
    if entry is None or not entry.get("class"):
        context.problem(where, key, f"expected {{class: open | partial | closed, link, notes}}, got {raw!r}")
        return None, []
    grade = context.mappings.grade("eosai", entry["class"])
    if grade is None:
        context.problem(where, f"{key}.class", f"'{entry['class']}' is not a grade (open, partial, closed)")
        return None, []
    iri = assessment_iri("eosai", where.key or "", slug)
    quads = [context.fact(iri, NamedNode(ns.RDF + "type"), T("OpennessAssessment")),
             context.fact(iri, T("assessmentOf"), node),
             context.fact(iri, T("opennessDimension"), NamedNode(dimension)),
             context.fact(iri, T("opennessGrade"), NamedNode(grade[1])),
             context.fact(iri, T("sourceRecord"), Literal(str(where)))]
    if isinstance(entry.get("notes"), str) and entry["notes"].strip() and not is_unknown(entry["notes"]):
        quads.append(context.fact(iri, NamedNode(ns.RDFS + "comment"), Literal(" ".join(entry["notes"].split()))))
    link = entry.get("link")
    if isinstance(link, str) and re.match(r"^https?://\S+$", link.strip()):
        quads.append(context.fact(iri, NamedNode(ns.RDFS + "seeAlso"), NamedNode(link.strip())))
    return grade[0], quads


def tier(grades: dict[str, tuple[str, str | None]], context: SourceContext) -> tuple[str | None, str]:
    """(tier IRI or None, the Index grades that decided) by the rules of mappings/access-tiers.yaml."""
    slugs = {dim: grade for dim, (_, grade) in grades.items()}
    for tier_iri, when in context.mappings.tier_rules("eosai"):
        if all(slugs.get(dim) in allowed for dim, allowed in when.items()):
            return tier_iri, _words(grades, when)
    return None, _words(grades, {"instruction-tuned-weights": (), "api-access": ()})


def _words(grades, dims) -> str:
    return ", ".join(f"{grades[d][0]} {grades[d][1] or 'not graded'}" for d in dims if d in grades)


def base_names(raw) -> list[str]:
    """Model or dataset names of llmbase / rlbase: 'LLaMA & BLOOMZ', 'alpaca, shareGPT, Belle (synthetic)'."""
    try:
        value = text(raw)
    except BadValue:
        return []
    if value is None:
        return []
    names = [re.sub(r"\s*\([^)]*\)", "", part).strip() for part in SEPARATORS.split(value)]
    return [n for n in names if n and n.casefold() not in NOT_A_NAME]
