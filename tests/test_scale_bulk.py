"""Bulk loading (aivc/bulk.py), incremental update, `aivc stats` and `aivc bulk-load`, and the
lineage queries, on the made-up Hub dump tests/fixtures/hub/models.jsonl (small data only; the
million-model runs are bench/bench_scale.py's)."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, Store
from typer.testing import CliRunner

from aivc import bulk, ns, queries as library, store as stores
from aivc.build import load_ontology
from aivc.cli import app

TESTS = Path(__file__).parent
DUMP = TESTS / "fixtures" / "hub" / "models.jsonl"
FIXTURE_DATA = TESTS / "fixtures" / "data"
HUB, INFERRED = ns.graph("source", "hub"), bulk.inferred_graph("hub")
A, M = ns.AIVC, ns.BASE + "model/hub/"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Curated fixture data plus the Hub dump, built by the bulk path: (location, BulkResult)."""
    location = tmp_path_factory.mktemp("bulk") / "store"
    return location, bulk.build(location, [("hub", DUMP)], data=FIXTURE_DATA)


def answer(location: Path, name: str, **params) -> list[tuple]:
    columns, rows = library.rows(library.run(stores.open_read_only(location), library.get(name).bound_text(params)))
    return [tuple(row[c] for c in columns) for row in rows]


def test_the_lineage_shapes_find_each_planted_problem_at_its_line(built):
    _, result = built
    assert [(r.location, r.severity, r.component, r.message[:40]) for r in result.report.results] == [
        ("data/orgs/tiny.yaml:7", "warning", "SPARQLConstraintComponent",      # the curated Tiny Chat's licence
         "licence inheritance: declares Apache Lic"),
        ("hub/models.jsonl:10 [loop/model-b]", "violation", "SPARQLConstraintComponent",
         "lineage cycle: the model is among its ow"),
        ("hub/models.jsonl:6 [merger/franken-merge]", "warning", "SPARQLConstraintComponent",
         "licence inheritance: declares Apache Lic"),
        ("hub/models.jsonl:7 [tuner-one/early-tune]", "warning", "SPARQLConstraintComponent",
         "date order: reported released 2022-12-01"),
        ("hub/models.jsonl:8 [tuner-one/orphan-tune]", "violation", "ClassConstraintComponent",
         "a derived model names the known model it"),
        ("hub/models.jsonl:9 [loop/model-a]", "violation", "SPARQLConstraintComponent",
         "lineage cycle: the model is among its ow"),
    ]
    assert result.report.results[4].value == M + "vanished/ghost-model"
    assert result.info["bulk"]["hub"]["counts"] == {"accounts": 10, "lineage references": 11, "models": 14,
                                                    "problems": 13}


def test_entailments_are_those_the_stored_queries_use(built):
    location, _ = built
    graph = stores.open_read_only(location)
    gguf = NamedNode(M + "tuner-one/chat-7b-gguf")
    inferred = {(q.predicate.value, q.object.value) for q in graph.quads_for_pattern(gguf, None, None, INFERRED)}
    assert inferred == {(ns.RDF + "type", A + "AIModel"),
                        (A + "derivedFrom", M + "acme-lab/base-7b-chat"), (A + "dependsOn", M + "acme-lab/base-7b-chat")}
    # no stored query names aivc:DerivedModel or aivc:Release: a million of each would be loaded for nothing
    release = NamedNode(ns.BASE + "release/hub/tuner-one/chat-7b-gguf")
    assert list(graph.quads_for_pattern(release, None, None, INFERRED)) == []


def test_entailments_follow_the_queries_that_use_them(tmp_path):
    only_models = tmp_path / "models.rq"
    only_models.write_text("PREFIX aivc: <https://w3id.org/aivc/ontology#>\nSELECT ?m WHERE { ?m a aivc:AIModel }\n")
    needed = bulk.Entailments.needed(queries=[only_models])
    fine_tuned = f"<{A}FineTunedModel>"
    assert needed.of("<x>", f"<{ns.RDF}type>", fine_tuned) == [("<x>", f"<{ns.RDF}type>", f"<{A}AIModel>")]
    assert needed.of("<x>", f"<{A}fineTunedFrom>", "<y>") == []


def test_the_provenance_of_the_hub_graphs(built):
    location, _ = built
    assert answer(location, "facts-without-source") == []
    graph = stores.open_read_only(location)
    derived = {(q.subject.value, q.object.value) for q in
               graph.quads_for_pattern(None, NamedNode(ns.PROV + "wasDerivedFrom"), None, ns.PROVENANCE_GRAPH)
               if q.subject in (HUB, INFERRED)}
    assert {s for s, _ in derived} == {HUB.value, INFERRED.value}
    assert len({o for _, o in derived}) == 1          # both rest on the one snapshot


def test_model_descendants_of_a_hub_base(built):
    location, _ = built
    assert answer(location, "model-descendants", model="acme-lab/base-7b") == [
        ("acme-lab/base-7b-chat", "fine-tuned from", "acme-lab/base-7b", "Apache License 2.0"),
        ("card-only/tune", "fine-tuned from", "acme-lab/base-7b", "MIT License"),
        ("merger/franken-merge", "merged from", "acme-lab/base-7b-chat", "Apache License 2.0"),
        ("plain/derived", "derived from", "acme-lab/base-7b", "made-up-licence-1.0"),
        ("tuner-one/chat-7b-gguf", "quantized from", "acme-lab/base-7b-chat", "MIT License"),
        ("tuner-one/early-tune", "fine-tuned from", "acme-lab/base-7b", "Apache License 2.0"),
        ("tuner-two/chat-lora", "adapter of", "acme-lab/base-7b-chat",
         "Creative Commons Attribution Non Commercial 4.0 International")]


def test_licence_drift_along_a_family(built):
    location, _ = built
    assert answer(location, "licence-drift", model="acme-lab/base-7b") == [
        ("card-only/tune", "MIT License", "acme-lab/base-7b", "Apache License 2.0"),
        ("plain/derived", "made-up-licence-1.0", "acme-lab/base-7b", "Apache License 2.0"),
        ("tuner-one/chat-7b-gguf", "MIT License", "acme-lab/base-7b-chat", "Apache License 2.0"),
        ("tuner-two/chat-lora", "Creative Commons Attribution Non Commercial 4.0 International",
         "acme-lab/base-7b-chat", "Apache License 2.0")]
    assert answer(location, "licence-drift", model="other-lab/nc-13b") == [
        ("merger/franken-merge", "Apache License 2.0", "other-lab/nc-13b",
         "Creative Commons Attribution Non Commercial 4.0 International")]


def test_lineage_queries_reach_curated_models_through_their_ids(built):
    location, _ = built
    assert answer(location, "model-descendants", model="acme-open-7b") == [
        ("Acme Open 7B Chat", "fine-tuned from", "Acme Open 7B", "Acme Community Licence"),
        ("Tiny Chat", "fine-tuned from", "Acme Open 7B Chat", "Apache License 2.0"),
        ("Tiny Chat Q4", "quantized from", "Tiny Chat", "Apache License 2.0")]


def test_the_biggest_families(built):
    _, result = built
    assert [(f["name"], f["descendants"], f["direct"]) for f in result.info["families"]] == [
        ("acme-lab/base-7b", 7, 4), ("Acme Open 7B", 3, 1), ("other-lab/nc-13b", 1, 1)]


def test_stats_lists_graphs_tiers_families_and_timings(built):
    location, _ = built
    done = CliRunner().invoke(app, ["stats", "--store", str(location), "--format", "json"])
    assert done.exit_code == 0, done.output
    rows = json.loads(done.output)
    by = lambda section: {r["name"]: r["value"] for r in rows if r["section"] == section}  # noqa: E731
    sizes = by("triples")
    graph = stores.open_read_only(location)
    assert sizes[HUB.value] == sum(1 for _ in graph.quads_for_pattern(None, None, None, HUB))
    assert sizes[INFERRED.value] == sum(1 for _ in graph.quads_for_pattern(None, None, None, INFERRED))
    assert by("tier")[f"{HUB.value} downloadable-weights"] == 13       # every model but odd/values ('sometimes')
    assert by("family") == {M + "acme-lab/base-7b": 7, ns.BASE + "model/acme-open-7b": 3, M + "other-lab/nc-13b": 1}
    assert set(by("timing_s")) == {"load curated", "reason curated", "validate curated", "load hub", "reconcile",
                                   "validate lineage", "families"}
    table = CliRunner().invoke(app, ["stats", "--store", str(location)])
    assert table.exit_code == 0 and "biggest model families" in table.output and "graph/source/hub" in table.output


def _copy_store(location: Path, target: Path) -> Path:
    """A private copy of a built store (the link and its build folder) that a test may change."""
    copy = target / "store"
    build = stores.builds_dir(copy) / "build"
    shutil.copytree(location.resolve(), build)
    copy.symlink_to(build)
    return copy


@pytest.mark.parametrize("strategy", ["checkpoint", "fresh copy"])
def test_reloading_the_hub_replaces_its_graphs_only(built, tmp_path, monkeypatch, strategy):
    location = _copy_store(built[0], tmp_path)
    monkeypatch.setattr(bulk, "REMOVE_PER_LOAD", 10 ** 9 if strategy == "fresh copy" else 0)
    before = stores.open_read_only(location)
    curated = {g.value: sum(1 for _ in before.quads_for_pattern(None, None, None, g))
               for g in before.named_graphs() if g.value.startswith(ns.graph("curated").value)}
    del before
    smaller = tmp_path / "hub-2024-06-01.jsonl"
    smaller.write_bytes(b"".join(DUMP.read_bytes().splitlines(keepends=True)[:3]))
    result = bulk.replace_source(location, "hub", smaller)
    after = stores.open_read_only(location)
    models = {q.subject.value for q in after.quads_for_pattern(None, NamedNode(A + "huggingFaceId"), None, HUB)
              if q.subject.value.startswith(M)}
    assert models == {M + "acme-lab/base-7b", M + "acme-lab/base-7b-chat", M + "tuner-one/chat-7b-gguf"}
    assert not any(after.quads_for_pattern(NamedNode(M + "loop/model-a"), None, None, INFERRED))
    assert {g.value: sum(1 for _ in after.quads_for_pattern(None, None, None, g))
            for g in after.named_graphs() if g.value.startswith(ns.graph("curated").value)} == curated
    snapshots = {q.object.value for q in after.quads_for_pattern(HUB, NamedNode(ns.PROV + "wasDerivedFrom"), None,
                                                                 ns.PROVENANCE_GRAPH)}
    assert snapshots == {ns.BASE + "dataset/hub/2024-06-01"}
    assert result.report.results == () and result.run.counts["models"] == 3
    assert result.info["timings_s"]["load hub"] > 0 and "bulk-load: load hub" in result.info["timings_s"]


def test_a_failed_reload_leaves_the_store_as_it_was(built, tmp_path):
    location = _copy_store(built[0], tmp_path)
    live = location.resolve()
    with pytest.raises(ValueError, match="source 'epoch' has no bulk loader"):
        bulk.replace_source(location, "epoch", DUMP)
    assert location.resolve() == live and list(stores.builds_dir(location).iterdir()) == [live]


def test_bulk_load_command_reports_and_summarises(built, tmp_path):
    location = _copy_store(built[0], tmp_path)
    done = CliRunner().invoke(app, ["bulk-load", "hub", str(DUMP), "--store", str(location), "--show", "2"])
    assert done.exit_code == 0, done.output
    assert "hub/models.jsonl:13: not valid JSON" in done.output
    assert "shape: DerivedModelShape" in done.output and "lineage references" in done.output


def test_bulk_load_needs_a_built_store(tmp_path):
    done = CliRunner().invoke(app, ["bulk-load", "hub", str(DUMP), "--store", str(tmp_path / "none")])
    assert done.exit_code == 1
    assert "no aivc graph at" in done.output and "Traceback" not in done.output


def test_the_generator_plants_what_validation_finds(tmp_path):
    sys.path.insert(0, str(TESTS.parent / "bench"))
    from gen_hub import generate
    dump = tmp_path / "hub.jsonl"
    written = generate(3000, dump, seed=5)
    store = Store()
    load_ontology(store)          # the class hierarchy the shapes' targets follow, as in a build
    run = bulk.load_source(store, "hub", dump)
    from aivc import shapes_sparql as sv
    found = sv.validate(store, sv.lineage, locate=False).by_check()
    assert run.counts["models"] == 3000 - 5       # six broken lines, of which the absurd count still loads
    assert found["DerivedModelShape ClassConstraintComponent on aivc:derivedFrom"] == written["dangling base references"]
    assert found["DerivedModelShape SPARQLConstraintComponent"] == written["models in cycles"]
    assert sum(1 for p in run.problems if p.severity == "violation") == 5


QUAD = '<https://example.org/s> <https://example.org/p> "{}" <https://example.org/g> .\n'


def test_bulk_load_streams_text_through_the_store_loader():
    store = Store()
    bulk.bulk_load(store, (QUAD.format(i) for i in range(5000)))
    assert len(store) == 5000


def test_a_failing_producer_fails_the_load_without_hanging():
    def pieces():
        yield QUAD.format(1)
        raise ValueError("line 2 cannot be read")
    with pytest.raises(ValueError, match="line 2"):
        bulk.bulk_load(Store(), pieces())


def test_a_failing_loader_fails_the_load_without_hanging(tmp_path):
    Store(str(tmp_path / "db")).flush()
    read_only = Store.read_only(str(tmp_path / "db"))
    with pytest.raises(RuntimeError, match="read-write"):        # the store's own error, once it stops reading
        bulk.bulk_load(read_only, (QUAD.format(i) for i in range(100_000)))
