"""The Hugging Face Hub loader on a small made-up dump: facts, lineage, bad lines (tests/fixtures/hub)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyoxigraph import Quad, RdfFormat, parse

from aivc import ns
from aivc.reconcile import Reconciler
from loaders import huggingface as hub
from loaders.source_records import SourceContext

DUMP = Path(__file__).parent / "fixtures" / "hub" / "models.jsonl"
A, M, R, O = ns.AIVC, ns.BASE + "model/hub/", ns.BASE + "release/hub/", ns.BASE + "account/hub/"
RDF_TYPE, LABEL = ns.RDF + "type", ns.RDFS + "label"


def context(problems: list, path: Path = DUMP) -> SourceContext:
    return SourceContext(hub.DATASET, path, Reconciler(), problems.append)


def facts_by_subject(path: Path = DUMP, known=None) -> tuple[dict[str, set], list]:
    """subject IRI -> {(predicate, object)} of every triple the loader states, and the problems."""
    problems: list = []
    subjects: dict[str, set] = {}
    for facts in hub.triples(path, context(problems, path), known):
        for s, p, o in facts:
            subjects.setdefault(s.strip("<>"), set()).add((p.strip("<>"), o.strip("<>") if o.startswith("<") else o))
    return subjects, problems


def test_every_bad_line_is_reported_with_its_line_and_the_rest_loads():
    subjects, problems = facts_by_subject()
    assert [str(p) for p in problems] == [
        "hub/models.jsonl:13: not valid JSON (Expecting ':' delimiter at column 1 - the line is cut short); "
        "the line is skipped",
        "hub/models.jsonl:14: not UTF-8 text (byte 0xff at column 50); the line is skipped",
        "hub/models.jsonl:15: id: 'spaced/has a space' is not a Hub model id (OWNER/NAME of ASCII letters, digits, "
        "'-', '_' and '.'); the line is skipped",
        "hub/models.jsonl:16: id: 'accents/modèle' is not a Hub model id (OWNER/NAME of ASCII letters, digits, "
        "'-', '_' and '.'); the line is skipped",
        "hub/models.jsonl:17: downloads: -5 is not a count of downloads (a whole number from 0 to "
        "1,000,000,000,000) (record counts/odd)",
        "hub/models.jsonl:17: likes: 1000000000000000000000000000000 is not a count of likes (a whole number from 0 "
        "to 1,000,000,000,000) (record counts/odd)",
        "hub/models.jsonl:18: a line must be one JSON object (a model), got a list; the line is skipped",
        "hub/models.jsonl:19: id: 'acme-lab/base-7b' is listed again (first at line 1); the line is skipped "
        "(record acme-lab/base-7b)",
        "hub/models.jsonl:20: createdAt: 'yesterday' is not a creation date (e.g. 2023-07-18T16:08:04.000Z); the "
        "model has no release date (record odd/values)",
        "hub/models.jsonl:20: tags: base model 'bad id' is not a Hub model id; that reference is left out "
        "(record odd/values)",
        "hub/models.jsonl:12: license: 'made-up-licence-1.0' is not a value mappings/licences.yaml knows; kept as "
        "the source's value (2 line(s), the first here)",
        "hub/models.jsonl:20: gated: 'sometimes' is not a value mappings/access-tiers.yaml (hub) knows; kept as "
        "the source's value (1 line(s), the first here)",
    ]
    assert [p.severity for p in problems].count("violation") == 6      # the six skipped lines
    models = sorted(s.removeprefix(M) for s in subjects if s.startswith(M))
    assert models == ["acme-lab/base-7b", "acme-lab/base-7b-chat", "card-only/tune", "counts/odd", "loop/model-a",
                      "loop/model-b", "merger/franken-merge", "odd/values", "other-lab/nc-13b", "plain/derived",
                      "tuner-one/chat-7b-gguf", "tuner-one/early-tune", "tuner-one/orphan-tune", "tuner-two/chat-lora"]


def test_a_quantization_its_release_and_its_account():
    subjects, _ = facts_by_subject()
    assert subjects[M + "tuner-one/chat-7b-gguf"] == {
        (RDF_TYPE, A + "QuantizedModel"), (LABEL, '"tuner-one/chat-7b-gguf"'),
        (A + "huggingFaceId", '"tuner-one/chat-7b-gguf"'), (A + "publishedBy", O + "tuner-one"),
        (A + "quantizedFrom", M + "acme-lab/base-7b-chat")}
    assert subjects[R + "tuner-one/chat-7b-gguf"] == {
        (RDF_TYPE, A + "ReportedRelease"), (A + "releaseOf", M + "tuner-one/chat-7b-gguf"),
        (A + "sourceRecord", '"hub/models.jsonl:3 [tuner-one/chat-7b-gguf]"'),
        (A + "releaseDate", f'"2023-02-05"^^<{ns.XSD}date>'), (A + "accessTier", A + "DownloadableWeights"),
        (A + "sourceAccessValue", '"auto"'), (A + "licence", ns.BASE + "licence/mit")}
    assert subjects[O + "tuner-one"] == {(RDF_TYPE, A + "HubAccount"), (LABEL, '"tuner-one"'),
                                         (A + "huggingFaceId", '"tuner-one"')}


@pytest.mark.parametrize("model, relations", [
    ("acme-lab/base-7b", {(RDF_TYPE, A + "AIModel")}),
    ("acme-lab/base-7b-chat", {(RDF_TYPE, A + "FineTunedModel"), (A + "fineTunedFrom", M + "acme-lab/base-7b")}),
    ("tuner-two/chat-lora", {(RDF_TYPE, A + "AdapterModel"), (A + "adapterOf", M + "acme-lab/base-7b-chat")}),
    ("merger/franken-merge", {(RDF_TYPE, A + "MergedModel"), (A + "mergedFrom", M + "acme-lab/base-7b-chat"),
                              (A + "mergedFrom", M + "other-lab/nc-13b")}),
    ("plain/derived", {(RDF_TYPE, A + "DerivedModel"), (A + "derivedFrom", M + "acme-lab/base-7b")}),
    ("card-only/tune", {(RDF_TYPE, A + "FineTunedModel"), (A + "fineTunedFrom", M + "acme-lab/base-7b")}),
    ("tuner-one/orphan-tune", {(RDF_TYPE, A + "FineTunedModel"), (A + "fineTunedFrom", M + "vanished/ghost-model")}),
    ("odd/values", {(RDF_TYPE, A + "AIModel")}),
])
def test_each_base_model_relation_becomes_its_class_and_property(model, relations):
    subjects, _ = facts_by_subject()
    lineage = {(p, o) for p, o in subjects[M + model] if p == RDF_TYPE or p.endswith(("From", "Of"))}
    assert lineage == relations


def test_gating_and_licence_as_the_source_states_them():
    subjects, _ = facts_by_subject()
    manual = subjects[R + "other-lab/nc-13b"]
    assert {(p, o) for p, o in manual if "ccess" in p or "licence" in p} == {
        (A + "accessTier", A + "DownloadableWeights"), (A + "sourceAccessValue", '"manual"'),
        (A + "licence", ns.BASE + "licence/cc-by-nc-4.0")}
    unknown = subjects[R + "odd/values"]
    assert {(p, o) for p, o in unknown if "ccess" in p or "icence" in p or "Date" in p} == {
        (A + "sourceLicenceValue", '"made-up-licence-1.0"')}     # no tier for 'sometimes', no date for 'yesterday'


def test_a_model_the_graph_knows_by_its_hub_id_keeps_its_iri_name_and_developer():
    curated = ns.BASE + "model/acme-open-7b"
    subjects, _ = facts_by_subject(known={"acme-lab/base-7b": curated})
    assert subjects[curated] == {(RDF_TYPE, A + "AIModel"), (A + "huggingFaceId", '"acme-lab/base-7b"')}
    assert (A + "fineTunedFrom", curated) in subjects[M + "acme-lab/base-7b-chat"]
    assert (A + "releaseOf", curated) in subjects[R + "acme-lab/base-7b"]
    assert M + "acme-lab/base-7b" not in subjects


def test_the_registry_loader_yields_the_same_facts_with_provenance():
    problems: list = []
    quads = list(hub.read(DUMP, context(problems)))
    graph = ns.graph("source", "hub")
    stated = {(q.subject.value, q.predicate.value, q.object.value) for q in quads if q.graph_name == graph}
    subjects, _ = facts_by_subject()
    expected = {(s, p, o.strip('"').split('"^^')[0]) for s, pos in subjects.items() for p, o in pos}
    assert stated == expected
    provenance = {(q.subject.value, q.predicate.value) for q in quads if q.graph_name == ns.PROVENANCE_GRAPH}
    assert (graph.value, ns.PROV + "wasDerivedFrom") in provenance
    assert (graph.value, A + "sourceFile") in provenance
    assert len(problems) == 13         # the twelve of the dump and the snapshot's missing date (info)


def test_a_missing_dump_is_one_clear_problem(tmp_path):
    problems: list = []
    assert list(hub.read(tmp_path / "absent.jsonl", context(problems, tmp_path / "absent.jsonl"))) == []
    assert [p.message for p in problems] == ["a Hub snapshot is one JSONL file"]


def test_the_snapshot_date_comes_from_the_file_name(tmp_path):
    dump = tmp_path / "hub-2024-05-01.jsonl"
    dump.write_text(json.dumps({"id": "a/b", "author": "a", "createdAt": "2024-04-01T00:00:00.000Z"}) + "\n")
    problems: list = []
    quads = list(hub.read(dump, context(problems, dump)))
    snapshots = {q.object.value for q in quads if q.predicate.value == ns.PROV + "wasDerivedFrom"}
    assert snapshots == {ns.BASE + "dataset/hub/2024-05-01"} and problems == []


def test_text_stream_feeds_the_parser_piece_by_piece():
    from aivc.bulk import TextStream
    lines = (f"<http://x/{i}> <http://p> \"{i}\" <http://g> .\n" for i in range(5000))
    parsed = list(parse(TextStream(lines, batch=7), format=RdfFormat.N_QUADS))
    assert len(parsed) == 5000 and isinstance(parsed[0], Quad) and parsed[-1].object.value == "4999"
