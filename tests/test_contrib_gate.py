"""The gate as a user meets it: `aivc validate FILE...` and `aivc merge FILE...`, merges all or nothing.

Merges run on a fresh copy of the fixture graph (tests/fixtures/data, made-up firms) for each test.
The kill test runs `aivc merge` as a real process and sends it SIGKILL while it adds the facts.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import SH

from aivc import ns
from aivc import queries as library
from aivc import store as stores
from aivc.build import build
from aivc.contrib.check import check
from aivc.contrib.merge import MergeRefused, merge

TESTS = Path(__file__).parent
FIXTURES = TESTS / "fixtures" / "contrib"
TEMPLATES = TESTS.parent / "contrib" / "templates"
HEADER = "id,name,type,base_model,developer,released,tier,licence,channels,source_url,source_title,source_date\n"
ORG = """sources:
  about: {url: https://example.org/bench-lab, title: About Bench Lab, retrieved: 2026-01-15}
  card: {url: https://example.org/bench-lab/card, title: Bench Chat card, date: 2024-03-01}
organization: {id: bench-lab, name: Bench Lab, owner_type: startup, country: DE, source: about}
models:
  - {id: bench-chat, name: Bench Chat, type: fine-tune, base_model: acme-open-7b, released: 2024-03-01,
     tier: downloadable-weights, licence: acme-community, channels: [model-hub], source: card}
"""


def models_csv(n: int, first: int = 0) -> str:
    """n made-up quantizations of bench-chat by bench-lab, valid against the fixture graph."""
    return HEADER + "".join(f"bench-q{i},Bench Q{i},quantization,bench-chat,bench-lab,2024-04-01,downloadable-weights,"
                            f"acme-community,model-hub,https://example.org/bench-lab/q,Bench quantizations,2024-04-01\n"
                            for i in range(first, first + n))


def aivc(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aivc.cli", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "200"}, timeout=300)


@pytest.fixture
def graph(tmp_path) -> Path:
    """A fresh, writable fixture graph."""
    location = tmp_path / "store"
    build(location, TESTS / "fixtures" / "data")
    return location


def test_validate_exit_codes_and_report_formats(tmp_path, fixture_store_path):
    (tmp_path / "ok.csv").write_text(HEADER + "ok-chat,OK Chat,fine-tune,acme-open-7b,tiny,2024-03-01,"
                                     "downloadable-weights,acme-community,model-hub,https://example.org/ok,OK card,2024-03-01\n")
    store = ["--store", str(fixture_store_path)]
    clean = aivc("validate", "ok.csv", *store, cwd=tmp_path)
    assert (clean.returncode, clean.stdout) == (0, "conforms: 0 violation(s), 0 warning(s), 0 info (ok.csv: 1 record(s), 18 quads)\n")
    bad = aivc("validate", str(FIXTURES / "csv-dangling-base.csv"), *store, cwd=tmp_path)
    assert bad.returncode == 1
    assert bad.stdout.splitlines()[0] == (
        f"{FIXTURES / 'csv-dangling-base.csv'}, row 2, column base_model: violation: 'acme-open-7b-caht' is not a "
        "known model; did you mean 'acme-open-7b-chat' (Acme Open 7B Chat)?")
    unreadable = aivc("validate", "ok.csv", str(FIXTURES / "jsonld-remote-context.jsonld"), *store, cwd=tmp_path)
    assert unreadable.returncode == 2 and "Traceback" not in unreadable.stderr
    assert "remote @context 'https://example.org/evil-context.jsonld' is not fetched" in unreadable.stdout

    as_json = json.loads(aivc("validate", str(FIXTURES / "csv-dangling-base.csv"), "--format", "json", *store,
                              cwd=tmp_path).stdout)
    assert as_json["exit_code"] == 1 and as_json["counts"] == {"violation": 1, "warning": 0, "info": 0}
    finding = as_json["findings"][0]
    assert {k: finding[k] for k in ("row", "column", "severity", "check", "focus", "value")} == {
        "row": 2, "column": "base_model", "severity": "violation", "check": "ReferenceShape",
        "focus": "https://w3id.org/aivc/model/ex-a", "value": "https://w3id.org/aivc/model/acme-open-7b-caht"}

    turtle = aivc("validate", str(FIXTURES / "csv-dangling-base.csv"), "--format", "turtle", *store, cwd=tmp_path)
    report = rdflib.Graph().parse(data=turtle.stdout, format="turtle")
    (node,) = report.subjects(rdflib.RDF.type, SH.ValidationReport)
    assert report.value(node, SH.conforms) == rdflib.Literal(False)
    (result,) = report.objects(node, SH.result)
    assert report.value(result, SH.focusNode) == rdflib.URIRef("https://w3id.org/aivc/model/ex-a")
    assert report.value(result, SH.resultPath) == rdflib.URIRef(ns.AIVC + "fineTunedFrom")
    assert report.value(result, SH.resultSeverity) == SH.Violation
    assert str(report.value(result, rdflib.URIRef(ns.AIVC + "sourceRecord"))).endswith("row 2, column base_model")


def test_validate_without_files_still_checks_the_built_graph(tmp_path, fixture_store_path):
    text = aivc("validate", "--store", str(fixture_store_path), cwd=tmp_path)
    assert text.returncode == 0 and "conforms: 0 violation(s), 2 warning(s), 0 info" in text.stdout
    as_json = json.loads(aivc("validate", "--format", "json", "--store", str(fixture_store_path), cwd=tmp_path).stdout)
    assert sorted((f["check"], f["focus"]) for f in as_json["findings"]) == [
        ("LicenceInheritanceShape", "https://w3id.org/aivc/release/tiny-chat"),
        ("OpenWashingShape", "https://w3id.org/aivc/model/acme-open-7b")]


def test_merge_adds_every_fact_and_records_who_what_when(tmp_path, graph):
    (tmp_path / "bench-lab.yaml").write_text(ORG)
    (tmp_path / "quantized.csv").write_text(models_csv(3))
    before = stores.build_info(graph)
    files = [tmp_path / "bench-lab.yaml", tmp_path / "quantized.csv"]
    merged = merge(graph, files, "Ada Lovelace")
    contributed = merged.outcome.quads()
    live = stores.open_read_only(graph)
    # bench-lab.yaml: 17 facts + 12 provenance quads; quantized.csv: 3 rows x 12 facts + 8 provenance quads
    assert sum(1 for q in contributed if q in live) == len(contributed) == 29 + 44
    info = stores.build_info(graph)
    assert (info["models"], info["organizations"]) == (before["models"] + 4, before["organizations"] + 1)
    assert [m["by"] for m in info["merges"]] == ["Ada Lovelace"]
    prov = library.rows(live.query(f"""
        PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX spdx: <http://spdx.org/rdf/terms#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?who ?file ?sha ?start WHERE {{ GRAPH <{ns.PROVENANCE_GRAPH.value}> {{
          <{merged.activity}> a prov:Activity ; prov:wasAssociatedWith/rdfs:label ?who ; prov:startedAtTime ?start ;
             prov:used ?used . ?used dcterms:title ?file ; spdx:checksum/spdx:checksumValue ?sha }} }} ORDER BY ?file"""))[1]
    assert [(r["who"], r["file"], r["sha"]) for r in prov] == [
        ("Ada Lovelace", "bench-lab.yaml", hashlib.sha256((tmp_path / "bench-lab.yaml").read_bytes()).hexdigest()),
        ("Ada Lovelace", "quantized.csv", hashlib.sha256((tmp_path / "quantized.csv").read_bytes()).hexdigest())]
    assert library.rows(library.run(live, library.get("facts-without-source").text))[1] == []
    assert check(live, [tmp_path / "quantized.csv"]).findings[-1].message.startswith(
        "36 of the contributed facts are already in the graph")
    triples = len(live)
    del live
    again = merge(graph, files, "Ada Lovelace")
    assert again.activity is None and again.note.endswith("merged before (same sha256); nothing to do")
    assert len(stores.open_read_only(graph)) == triples


def test_a_refused_merge_changes_nothing(tmp_path, graph):
    live_before, info_before = graph.resolve(), stores.build_info(graph)
    triples = len(stores.open_read_only(graph))
    refused = aivc("merge", str(FIXTURES / "csv-conflict.csv"), "--store", str(graph), cwd=tmp_path)
    assert refused.returncode == 1
    assert "conflict with the graph: release/acme-big already has aivc:accessTier 'cloud-api'" in refused.stdout
    assert "not merged: the contribution does not pass the gate; the store was not changed" in refused.stderr
    unreadable = aivc("merge", str(FIXTURES / "yaml-python-tag.yaml"), "--store", str(graph), cwd=tmp_path)
    assert unreadable.returncode == 2
    with pytest.raises(MergeRefused):
        merge(graph, [FIXTURES / "csv-cycle.csv"])
    assert graph.resolve() == live_before and stores.build_info(graph) == info_before
    assert len(stores.open_read_only(graph)) == triples
    assert list((tmp_path / "store.builds").iterdir()) == [live_before]


def test_a_merge_killed_midway_leaves_the_store_as_it_was(tmp_path, graph):
    (tmp_path / "bench-lab.yaml").write_text(ORG)
    merge(graph, [tmp_path / "bench-lab.yaml"])
    (tmp_path / "many.csv").write_text(models_csv(3000))
    live_before, info_before = graph.resolve(), stores.build_info(graph)
    triples = len(stores.open_read_only(graph))
    process = subprocess.Popen([sys.executable, "-m", "aivc.cli", "merge", "many.csv", "--store", str(graph)],
                               cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seen = []
    for line in process.stderr:
        seen.append(line.strip())
        if line.startswith("adding"):
            os.kill(process.pid, signal.SIGKILL)   # the copy is made and being written: kill it there
            break
    assert process.wait(timeout=120) == -signal.SIGKILL, seen
    assert seen[:2] == ["validating the contribution against the graph...", "copying the store..."]
    assert graph.resolve() == live_before and stores.build_info(graph) == info_before
    assert len(stores.open_read_only(graph)) == triples
    (tmp_path / "few.csv").write_text(models_csv(2, first=5000))
    assert merge(graph, [tmp_path / "few.csv"]).activity is not None, "the store still takes merges"
    assert len(stores.open_read_only(graph)) > triples


def test_the_filled_templates_pass_against_the_curated_graph(curated_store):
    outcome = check(curated_store, sorted(TEMPLATES.glob("*-example.*")))
    assert [str(f) for f in outcome.all_findings] == []
    assert [(c.name, c.records) for c in outcome.contributions] == [
        ("contribution-example.jsonld", 2), ("contribution-example.ttl", 2), ("contribution-example.yaml", 3),
        ("facts-example.csv", 3), ("models-example.csv", 2)]


def test_the_templates_are_readable_and_name_every_field(tmp_path):
    header = (TEMPLATES / "models.csv").read_text().strip().split(",")
    assert header == (TEMPLATES / "models-example.csv").read_text().splitlines()[0].split(",")
    from loaders.curated import FIELDS
    assert set(header) == (FIELDS["model"] - {"source", "field_sources"}) | {
        "source_url", "source_title", "source_date", "source_retrieved"}


def test_every_command_explains_itself(tmp_path):
    merge_help = " ".join(aivc("merge", "--help", cwd=tmp_path).stdout.split())
    assert "all or nothing" in merge_help and "PROV provenance" in merge_help
    validate_help = " ".join(aivc("validate", "--help", cwd=tmp_path).stdout.split())
    assert "exit 0 clean (warnings allowed), 1 violations, 2 a file cannot be read" in validate_help
