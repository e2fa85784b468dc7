"""The four shared snapshots, read in place: exact counts of what each loader reads, maps and reports."""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from aivc import ns, paths
from aivc.mappings import default as mappings
from sources_helpers import load, rows, tiers

from conftest import SHARED_DATA

pytestmark = pytest.mark.skipif(not SHARED_DATA.is_dir(), reason=f"real source snapshots not present at {SHARED_DATA}")


@pytest.fixture(scope="module")
def real():
    """Curated data plus the four shared snapshots, loaded and reconciled (not reasoned)."""
    return load("curated,ecosystem-graphs,epoch,eosai,fmti", paths.DATA)


def problems_of(real, source: str) -> list[str]:
    return real[2][source].problems


def test_ecosystem_graphs_assets_by_type_and_tier(real):
    store, _, runs = real
    counts = runs["ecosystem-graphs"].counts
    assert (counts["model"], counts["dataset"], counts["application"], counts["releases"]) == (237, 97, 94, 428)
    # access: open / limited / closed for models -> downloadable weights / cloud API / fully closed;
    # datasets and applications keep their value without a tier
    assert tiers(store, "ecosystem-graphs") == {"downloadable-weights": 127, "cloud-api": 42, "fully-closed": 68}
    assert tiers(store, "ecosystem-graphs", "Dataset") == {None: 97}
    assert tiers(store, "ecosystem-graphs", "Application") == {None: 94}
    graph = ns.graph("source", "ecosystem-graphs").value
    assert dict(rows(store, f"""SELECT ?value (COUNT(?r) AS ?n) WHERE {{
        GRAPH <{graph}> {{ ?r aivc:sourceAccessValue ?value }} }} GROUP BY ?value""")) == {
        "open": "206", "limited": "103", "closed": "119"}


def test_ecosystem_graphs_problems_are_located(real):
    assert problems_of(real, "ecosystem-graphs") == [
        "ecosystem-graphs/assets/anthropic.yaml:379: license: expected a value or a mapping with 'value', got a "
        "mapping with keys explanation (record Anthropic RLHF models)",
        "ecosystem-graphs/assets/openai.yaml:161: license: expected a value or a mapping with 'value', got a mapping "
        "with keys explanation (record Codex dataset)",
        "ecosystem-graphs/assets/you.yaml:32: size: 'unknkown' is not a number (e.g. 7000000000, 6.7e9, 175B) "
        "(record You model)",
        "ecosystem-graphs/assets/nvidia.yaml:60: dependencies: 'VIMA dataset' names the record's own asset; not a "
        "dependency (record VIMA dataset)"]


def test_ecosystem_graphs_dependencies_become_typed_relations(real):
    store, _, runs = real
    run = runs["ecosystem-graphs"]
    assert (run.counts["resolved references"], run.counts["unresolved references"]) == (412, 207)
    graph = ns.graph("source", "ecosystem-graphs").value
    assert dict(rows(store, f"""SELECT ?p (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }}
        FILTER(?p IN (aivc:trainedOn, aivc:builtOn, aivc:dependsOn, aivc:unresolvedDependency)) }} GROUP BY ?p""")) == {
        ns.AIVC + "trainedOn": "143", ns.AIVC + "builtOn": "59", ns.AIVC + "dependsOn": "210",
        ns.AIVC + "unresolvedDependency": "207"}
    # names that point at nothing are reported, not dropped
    assert {"ImageNet", "Common Crawl", "Mystery Model"} & {u["name"] for u in run.unresolved} == {"ImageNet", "Common Crawl"}


def test_epoch_rows_by_tier(real):
    store, _, runs = real
    table = SHARED_DATA / "epoch-ai" / "notable_ai_models_2025-02-24.csv"
    with open(table, encoding="utf-8", newline="") as f:
        values = [row["Model accessibility"] for row in csv.DictReader(f)]
    mapped = Counter(mappings().access_tier("epoch", "model", v)[1] if v else None for v in values)
    short = {None if t is None else t.rsplit("#", 1)[1]: n for t, n in mapped.items()}
    assert len(values) == 895
    assert short == {None: 425, "FullyClosed": 197, "DownloadableWeights": 221, "CloudAPI": 41, "Hosted": 11}
    # 13 rows name no organization and are reported; the others are loaded
    assert runs["epoch"].counts["model"] == 882
    assert tiers(store, "epoch") == {None: 413, "fully-closed": 197, "downloadable-weights": 220, "cloud-api": 41,
                                     "hosted": 11}
    assert len(problems_of(real, "epoch")) == 13
    assert problems_of(real, "epoch")[0] == ("epoch-ai/notable_ai_models_2025-02-24.csv:5295: Organization: no "
                                             "organization; the row is skipped (record SSD)")


def test_epoch_base_models_and_code_openness(real):
    store, _, runs = real
    assert (runs["epoch"].counts["resolved references"], runs["epoch"].counts["unresolved references"]) == (68, 18)
    graph = ns.graph("source", "epoch").value
    assert rows(store, f"""SELECT ?dim ?grade (COUNT(?a) AS ?n) WHERE {{ GRAPH <{graph}> {{
        ?a aivc:opennessDimension ?d ; aivc:opennessGrade ?g }} ?d aivc:slug ?dim . ?g aivc:slug ?grade }}
        GROUP BY ?dim ?grade ORDER BY ?dim ?grade""") == [
        ("inference-code", "closed", "9"), ("inference-code", "open", "158"), ("inference-code", "partial", "33"),
        ("source-code", "closed", "229"), ("source-code", "open", "142"), ("source-code", "partial", "40")]


def test_index_grades_and_tiers(real):
    store, _, runs = real
    assert runs["eosai"].counts["model"] == 27
    assert problems_of(real, "eosai") == [
        "eosai-index/projects/A_sample.yaml:1: the Index's template (no project or org name), not a model; skipped (info)",
        "eosai-index/projects/text-generation-webui.yaml:2: project.name: required field 'project.name' is missing; "
        "the file is skipped",
        "eosai-index/projects/bloomz.yaml:2: project.llmbase: 'BLOOMZ' names the record's own asset; not a dependency "
        "(record BLOOMZ)"]
    graph = ns.graph("source", "eosai").value
    assert dict(rows(store, f"""SELECT ?grade (COUNT(?a) AS ?n) WHERE {{ GRAPH <{graph}> {{
        ?a aivc:opennessGrade ?g }} ?g aivc:slug ?grade }} GROUP BY ?grade""")) == {"open": "106", "partial": "114",
                                                                         "closed": "158"}
    assert tiers(store, "eosai") == {"downloadable-weights": 12, None: 15}


def test_fmti_indicators_and_scores(real):
    store, _, runs = real
    assert (runs["fmti"].counts["indicators"], runs["fmti"].counts["scores"]) == (100, 1400)
    assert problems_of(real, "fmti") == []      # the Total row of every developer adds up
    scores = dict(rows(store, """SELECT ?developer (SUM(?s) AS ?score) WHERE {
        ?a a aivc:TransparencyAssessment ; aivc:assessmentOf ?org ; aivc:transparencyScore ?s .
        GRAPH ?g { ?org aivc:alias ?developer } FILTER(STRENDS(STR(?g), "/fmti")) } GROUP BY ?developer"""))
    assert scores == {"Adept": "33", "AI21 Labs": "75", "Aleph Alpha": "75", "Amazon": "41", "Anthropic": "51",
                      "BigCode": "85", "Google": "47", "IBM": "64", "Meta": "60", "Microsoft": "62", "Mistral": "55",
                      "OpenAI": "49", "Stability": "58", "Writer": "56"}


def test_one_command_builds_every_source_reconciled_valid_and_sourced(tmp_path):
    """What a new user gets from `aivc build` with the shared snapshots: one published graph that
    conforms, where every fact has a source and the sources' disagreements are listed."""
    from aivc import queries as library, reconcile, store as stores
    from aivc.build import build
    from aivc.sources import parse_selection
    result = build(tmp_path / "store", paths.DATA, sources=parse_selection("curated,ecosystem-graphs,epoch,eosai,fmti"))
    assert result.report.conforms and set(result.sources) == {"ecosystem-graphs", "epoch", "eosai", "fmti"}
    store = stores.open_read_only(tmp_path / "store")
    assert library.rows(library.run(store, library.get("facts-without-source").text))[1] == []
    disagreements = {(c.name, c.field, c.source, c.value) for c in reconcile.conflicts(store)}
    assert {("AudioGen", "parameters", "ecosystem-graphs", "1500000000"), ("AudioGen", "parameters", "epoch", "1000000000"),
            ("BEiT-3", "tier", "ecosystem-graphs", "downloadable-weights"), ("BEiT-3", "tier", "epoch", "fully-closed"),
            ("ChatGLM-6B", "organization", "curated", "Zhipu AI"), ("ChatGLM-6B", "organization", "eosai", "THUDM")
            } <= disagreements
