"""Building with the public datasets and loading one of them into a built store, as a user runs it:
`aivc build --sources`, `aivc load SOURCE PATH` (atomic), `aivc reconcile --report`, `aivc conflicts`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from aivc import ns, store as stores
from aivc.build import build
from aivc.sources import SourceError, default_selection, parse_selection, read_runs
from sources_helpers import FIXTURE_DATA, FIXTURE_SOURCES, fixture_selection, rows

ROOT = Path(__file__).resolve().parent.parent
ALL = fixture_selection("ecosystem-graphs", "epoch", "eosai", "fmti")


def aivc(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """The installed command line in a process of its own, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "aivc.cli", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "200", **(env or {})}, timeout=300)


def run(*args: str, cwd: Path | None = None):
    """The same command line in this process (Typer's runner): quicker, for the many small calls."""
    from typer.testing import CliRunner
    from aivc.cli import app
    result = CliRunner(env={"COLUMNS": "200"}).invoke(app, list(args), catch_exceptions=False)
    result.returncode = result.exit_code
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    location = tmp_path_factory.mktemp("built") / "store"
    done = aivc("build", "--store", str(location), "--data", str(FIXTURE_DATA), "--sources", ALL, cwd=location.parent)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        "info: eosai-index/projects/A_sample.yaml:1: the Index's template (no project or org name), not a model; skipped"]
    assert "│ source: epoch" in done.stdout and "│ models                         │ 12" in done.stdout
    return location


def graph_quads(location: Path, graph: str) -> set:
    store = stores.open_read_only(location)
    return set(store.quads_for_pattern(None, None, None, ns.graph(*graph.split("/"))))


@pytest.mark.parametrize("command, words", [
    (["build"], "reconciled with the curated data; their bad records are reported and skipped"),
    (["load"], "replacing that source's named graph only"),
    (["reconcile"], "by which rule"),
    (["conflicts"], "each source's value and record"),
    (["sources"], "data sources aivc can load"),
])
def test_the_source_commands_explain_themselves(tmp_path, command, words):
    done = run(*command, "--help", cwd=tmp_path)
    assert done.returncode == 0 and words in " ".join(done.stdout.split())


def test_sources_are_selected_by_name_with_optional_paths(tmp_path, monkeypatch):
    monkeypatch.setenv("AIVC_SHARED_DATA", str(FIXTURE_SOURCES))
    assert [(s.name, s.path) for s in default_selection()] == [
        ("curated", None), ("ecosystem-graphs", FIXTURE_SOURCES / "ecosystem-graphs"),
        ("epoch", FIXTURE_SOURCES / "epoch-ai"), ("eosai", FIXTURE_SOURCES / "eosai-index"),
        ("fmti", FIXTURE_SOURCES / "fmti")]
    # the Index answers to osai too; the order is the order of trust, whatever the order given
    assert [s.name for s in parse_selection("fmti,osai,curated")] == ["curated", "eosai", "fmti"]
    monkeypatch.setenv("AIVC_SHARED_DATA", str(tmp_path))
    assert [s.name for s in default_selection()] == ["curated"]
    with pytest.raises(SourceError, match=r"unknown source 'nosuch' \(sources: curated, ecosystem-graphs, epoch, eosai, "
                                          r"fmti, hub\)"):
        parse_selection("curated,nosuch")
    with pytest.raises(SourceError, match="source 'hub' has no shared snapshot: give its path, e.g. hub=PATH"):
        parse_selection("hub")
    with pytest.raises(SourceError, match=f"{tmp_path}/none: no such file or folder \\(snapshot of source 'epoch'\\)"):
        parse_selection(f"epoch={tmp_path / 'none'}")


def test_bad_selections_are_clear_errors(tmp_path):
    unknown = aivc("build", "--store", str(tmp_path / "s"), "--sources", "curated,nosuch", cwd=tmp_path)
    assert unknown.returncode == 2 and "error: unknown source 'nosuch'" in unknown.stderr
    assert "Traceback" not in unknown.stderr and not (tmp_path / "s").exists()


def test_every_source_graph_says_where_it_comes_from(built):
    store = stores.open_read_only(built)
    assert rows(store, f"""PREFIX dcat: <{ns.DCAT}> PREFIX dcterms: <{ns.DCTERMS}> PREFIX prov: <{ns.PROV}>
        SELECT ?graph ?title ?snapshot ?date ?version WHERE {{ GRAPH <{ns.PROVENANCE_GRAPH.value}> {{
          ?graph prov:wasDerivedFrom ?snapshot ; dcterms:isPartOf ?dataset .
          ?dataset a dcat:Dataset ; dcterms:title ?title ; dcat:hasVersion ?snapshot .
          ?snapshot dcterms:date ?date OPTIONAL {{ ?snapshot dcat:version ?version }} }} }} ORDER BY ?graph""") == [
        (ns.graph("source", "ecosystem-graphs").value, "Ecosystem Graphs",
         ns.resource("dataset", "ecosystem-graphs", "abc1234").value, "2024-01-02", "abc1234"),
        (ns.graph("source", "eosai").value, "European Open Source AI Index",
         ns.resource("dataset", "eosai", "def5678").value, "2024-02-03", "def5678"),
        (ns.graph("source", "epoch").value, "Epoch AI, Notable AI Models",
         ns.resource("dataset", "epoch", "2024-05-01").value, "2024-05-01", "2024-05-01"),
        (ns.graph("source", "fmti").value, "Foundation Model Transparency Index",
         ns.resource("dataset", "fmti", "0a1b2c3").value, "2024-05-20", "0a1b2c3")]
    # every reported release and every assessment names its record; a mapped tier or licence keeps
    # the source's own words beside it
    assert rows(store, """SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE {
        { ?r a aivc:ReportedRelease } UNION { ?r a aivc:OpennessAssessment } UNION { ?r a aivc:TransparencyAssessment }
        FILTER NOT EXISTS { ?r aivc:sourceRecord ?where } }""") == [("0",)]
    assert rows(store, """SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a aivc:ReportedRelease .
        { ?r aivc:accessTier ?t FILTER NOT EXISTS { ?r aivc:sourceAccessValue ?words } } UNION
        { ?r aivc:licence ?l FILTER NOT EXISTS { ?r aivc:sourceLicenceValue ?words } } }""") == [("0",)]


def test_building_twice_with_the_sources_gives_the_same_graph(tmp_path):
    first = build(tmp_path / "a", FIXTURE_DATA, sources=parse_selection(ALL))
    second = build(tmp_path / "b", FIXTURE_DATA, sources=parse_selection(ALL))
    def dump(location: Path) -> list[str]:      # blank nodes of the ontology files get new ids each time
        return sorted(s for s in map(str, stores.open_read_only(location).quads_for_pattern(None, None, None))
                      if "_:" not in s)
    assert first.triples == second.triples and dump(tmp_path / "a") == dump(tmp_path / "b")
    assert first.sources["epoch"] == {"model": 6, "releases": 6, "releases with a tier": 5, "resolved references": 1,
                                      "problems": 0}


def test_reconcile_report(built, tmp_path):
    summary = run("reconcile", "--format", "csv", "--store", str(built), cwd=tmp_path)
    assert summary.stdout.splitlines() == [
        "source,records,exact-name,new,unresolved,problems",
        "ecosystem-graphs,9,4,5,1,0", "epoch,10,8,2,0,0", "eosai,4,3,1,0,1", "fmti,2,2,0,0,0"]
    unmatched = run("reconcile", "--report", "--only", "unmatched", "--source", "epoch", "--format", "csv",
                     "--store", str(built), cwd=tmp_path)
    assert unmatched.stdout.splitlines() == [
        "source,kind,name,rule,iri,curated,record",
        "epoch,organization,Example University,new,https://w3id.org/aivc/org/epoch/example-university,False,"
        "epoch-ai/notable_ai_models_2024-05-01.csv:7 [Uni Net]",
        "epoch,model,Uni Net,new,https://w3id.org/aivc/model/epoch/uni-net,False,"
        "epoch-ai/notable_ai_models_2024-05-01.csv:7 [Uni Net]"]
    unresolved = run("reconcile", "--report", "--only", "unresolved", "--format", "csv", "--store", str(built),
                      cwd=tmp_path)
    assert unresolved.stdout.splitlines() == [
        "source,record,field,name",
        "ecosystem-graphs,ecosystem-graphs/assets/widget.yaml:22 [Widget Assistant],dependencies,Mystery Model"]
    wrong = run("reconcile", "--source", "hub", "--store", str(built), cwd=tmp_path)
    assert wrong.returncode == 2 and "the store holds no source 'hub' (it holds: ecosystem-graphs, epoch, eosai, fmti)" \
        in wrong.stderr


def test_conflicts_command(built, tmp_path):
    tier = run("conflicts", "--field", "tier", "--format", "csv", "--store", str(built), cwd=tmp_path)
    assert tier.stdout.splitlines() == [
        "name,field,source,value,record",
        "Commons 1B,tier,curated,fully-open,data/orgs/commons.yaml:6",
        "Commons 1B,tier,epoch,downloadable-weights,epoch-ai/notable_ai_models_2024-05-01.csv:5 [Commons 1B]"]
    bad = run("conflicts", "--field", "colour", "--store", str(built), cwd=tmp_path)
    assert bad.returncode == 2 and "--field must be one of tier, licence, date, organization, parameters" in bad.stderr


def copy_store(built: Path, tmp_path: Path) -> Path:
    """A private copy of the built store (its build folder and the link to it)."""
    target = tmp_path / "store"
    shutil.copytree(built.resolve(), tmp_path / "store.builds" / "first")
    target.symlink_to(tmp_path / "store.builds" / "first")
    return target


def test_load_replaces_only_that_sources_graph(built, tmp_path):
    location = copy_store(built, tmp_path)
    snapshot = tmp_path / "epoch-ai"
    shutil.copytree(FIXTURE_SOURCES / "epoch-ai", snapshot)
    table = snapshot / "notable_ai_models_2024-05-01.csv"
    table.write_text(table.read_text().replace("Acme Big,Language,Acme AI,Industry,United States of America,2023-03-01,"
                                               ",5e+11,2.0e+25,,API access",
                                               "Acme Big,Language,Acme AI,Industry,United States of America,2023-03-01,"
                                               ",5e+11,2.0e+25,,Hosted access (no API)"))
    before = {g: graph_quads(location, g) for g in ("source/ecosystem-graphs", "source/eosai", "source/fmti",
                                                     "source/epoch")}
    done = aivc("load", "epoch", str(snapshot), "--store", str(location), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "│ releases with a tier │ 5" in done.stdout
    after = {g: graph_quads(location, g) for g in before}
    assert all(after[g] == before[g] for g in ("source/ecosystem-graphs", "source/eosai", "source/fmti"))
    changed = {(q.subject.value.rsplit("/", 1)[1], q.predicate.value.rsplit("#", 1)[1], q.object.value)
               for q in after["source/epoch"] ^ before["source/epoch"]}
    assert changed == {("acme-big", "accessTier", ns.AIVC + "Hosted"), ("acme-big", "accessTier", ns.AIVC + "CloudAPI"),
                       ("acme-big", "sourceAccessValue", "Hosted access (no API)"),
                       ("acme-big", "sourceAccessValue", "API access")}
    assert read_runs(location)["epoch"]["path"] == str(snapshot)
    assert json.loads((location / "build.json").read_text())["conforms"] is True
    assert [p.name for p in (tmp_path / "store.builds").iterdir()] != ["first"], "the new build replaced the copy"


def test_a_load_that_breaks_the_graph_leaves_the_store_untouched(built, tmp_path):
    location = copy_store(built, tmp_path)
    live, info = location.resolve(), (location / "build.json").read_text()
    snapshot = tmp_path / "notable_ai_models_2024-06-01.csv"
    snapshot.write_text("Model,Organization,Base model\nLoop A,Acme AI,Loop B\nLoop B,Acme AI,Loop A\n")
    failed = run("load", "epoch", str(snapshot), "--store", str(location), cwd=tmp_path)
    assert failed.returncode == 1
    assert f"{tmp_path.name}/{snapshot.name}:2 [Loop A]: violation: model/epoch/loop-a lineage cycle: the model is " \
           "among its own ancestors (value: https://w3id.org/aivc/model/epoch/loop-a)" in failed.stderr
    assert "the store was not changed" in failed.stderr and "Traceback" not in failed.stderr
    assert location.resolve() == live and (location / "build.json").read_text() == info
    assert sorted(p.name for p in (tmp_path / "store.builds").iterdir()) == ["first"]


def test_load_refuses_what_it_cannot_do(built, tmp_path):
    curated = run("load", "curated", str(FIXTURE_DATA), "--store", str(built), cwd=tmp_path)
    assert curated.returncode == 2 and "the curated data is loaded by 'aivc build --data FOLDER'" in curated.stderr
    missing = run("load", "epoch", str(FIXTURE_SOURCES / "epoch-ai"), "--store", str(tmp_path / "none"), cwd=tmp_path)
    assert missing.returncode == 1 and "run 'aivc build' first" in missing.stderr
    for result in (curated, missing):
        assert "Traceback" not in result.stderr


def test_the_wheel_carries_the_mappings(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path),
                    str(ROOT)], check=True, timeout=300)
    (wheel,) = tmp_path.glob("aivc-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"aivc/_resources/mappings/{p.name}" for p in (ROOT / "mappings").glob("*.yaml")}
    assert len(expected) == 6 and expected <= names
    assert {"loaders/ecosystem_graphs.py", "loaders/epoch.py", "loaders/eosai_index.py", "loaders/fmti.py",
            "loaders/source_records.py", "aivc/sources.py", "aivc/reconcile.py", "aivc/mappings.py"} <= names
