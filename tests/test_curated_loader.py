"""The curated loader: every fact in its source's graph; bad records located by file, line and field."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
from pyoxigraph import Store

from aivc import ns, paths
from aivc.problems import Problem
from loaders.curated import read_curated

GOOD_HEAD = """\
sources:
  s: {url: https://example.org/s, title: A source, date: 2024-01-01}
organization: {id: bad, name: Bad Lab, owner_type: startup, source: s}
"""


def problems_of(data: Path) -> list[str]:
    found: list[Problem] = []
    for _ in read_curated(data, found.append):
        pass
    return [str(p) for p in sorted(found, key=lambda p: (p.file, p.line or 0, p.field or ""))]


def write_bad(data: Path, text: str) -> None:
    (data / "orgs" / "bad.yaml").write_text(dedent(text), encoding="utf-8")


def test_fixture_dataset_loads_without_problems():
    assert problems_of(Path(__file__).parent / "fixtures" / "data") == []


def test_real_curated_dataset_loads_without_problems():
    assert problems_of(paths.DATA) == []


def test_every_fact_lands_in_a_graph_whose_source_is_described(data_copy):
    store = Store()
    store.extend(list(read_curated(data_copy, report=pytest.fail)))
    graphs = {q.graph_name.value for q in store.quads_for_pattern(None, None, None)}
    described = {r["g"].value for r in store.query(
        "SELECT ?g WHERE { GRAPH <%s> { ?g <http://www.w3.org/ns/prov#wasDerivedFrom> ?doc } }"
        % ns.PROVENANCE_GRAPH.value)}
    assert graphs - described == {ns.PROVENANCE_GRAPH.value}
    # acme 5 sources, tiny 2, commons 1, licences.yaml 1: one graph per source
    assert len(described) == 9


@pytest.mark.parametrize("text, expected", [
    ("sources: [unclosed\n", ["data/orgs/bad.yaml:2: not valid YAML: expected ',' or ']', but got '<stream end>'"]),
    ("- just\n- a list\n", ["data/orgs/bad.yaml:1: a curated file must be a mapping with sources, organization, models..."]),
    (GOOD_HEAD + "models:\n  - {id: m1, name: M1, type: foundation, released: 2023-13-45, tier: hosted, source: s}\n",
     ["data/orgs/bad.yaml:5: released: '2023-13-45' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)"]),
    (GOOD_HEAD + "models:\n  - {id: m1, name: M1, type: foundation, tier: hosted}\n",
     ["data/orgs/bad.yaml:5: source: every record needs a 'source' (a key of this file's sources)"]),
    (GOOD_HEAD + "models:\n  - {id: m1, name: M1, type: foundation, tier: hosted, source: nowhere}\n",
     ["data/orgs/bad.yaml:5: source: 'nowhere' is not a key of this file's sources"]),
    (GOOD_HEAD + "models:\n  - {id: m1, name: M1, type: foundation, tier: open, source: s}\n",
     ["data/orgs/bad.yaml:5: tier: 'open' is not one of: fully-closed, gradual-staged, hosted, cloud-api, "
      "downloadable-weights, fully-open"]),
    (GOOD_HEAD + "models:\n  - {id: m1, name: M1, type: foundation, tier: hosted, relased: 2023-01-01, source: s}\n",
     ["data/orgs/bad.yaml:5: relased: unknown field in model record (allowed: aliases, base_model, channels, "
      "described_as_open_source, developer, field_sources, huggingface, id, licence, modality, name, parameters, "
      "primary_channel, released, source, tier, type)"]),
    (GOOD_HEAD + "models:\n  - {id: m1, name: M1, type: fine-tune, base_model: acme-open-7b-caht, tier: hosted, source: s}\n",
     ["data/orgs/bad.yaml:5: base_model: 'acme-open-7b-caht' is not a known model id; did you mean 'acme-open-7b-chat'?"]),
    (GOOD_HEAD + "models:\n  - {id: m1, name: M1, type: fine-tune, tier: hosted, source: s}\n",
     ["data/orgs/bad.yaml:5: base_model: a fine-tune model needs a base_model"]),
    (GOOD_HEAD + "models:\n  - {id: acme-big, name: Again, type: foundation, tier: hosted, source: s}\n",
     ["data/orgs/bad.yaml:5: id: model id 'acme-big' is already defined at data/orgs/acme.yaml:15"]),
    (GOOD_HEAD + "partnerships:\n  - {type: investment, partner: nobody, source: s}\n",
     ["data/orgs/bad.yaml:5: partner: 'nobody' is not a known organization id"]),
    (GOOD_HEAD.replace("owner_type: startup", "owner_type: unicorn"),
     ["data/orgs/bad.yaml:3: owner_type: 'unicorn' is not one of: big-tech, startup, academic, government, non-profit"]),
    (GOOD_HEAD.replace("id: bad,", "id: worse,"),
     ["data/orgs/bad.yaml:3: id: organization id 'worse' must equal the file name 'bad'"]),
    (GOOD_HEAD + "licences:\n  - id: l1\n    name: L1\n    osi_approved: maybe\n    source: s\n"
                 "    restrictions:\n      - {type: user-count-threshold, source: s}\n",
     ["data/orgs/bad.yaml:7: osi_approved: 'maybe' is not true or false",
      "data/orgs/bad.yaml:10: threshold: a user-count-threshold restriction needs the threshold (monthly active users)"]),
    (GOOD_HEAD.replace("date: 2024-01-01", "retrieved: 2026-11-23"), []),
    (GOOD_HEAD.replace(", date: 2024-01-01", ""),
     ["data/orgs/bad.yaml:2: date: a source needs the date it states ('date'), or, when it states none, the date "
      "it was read ('retrieved')",
      "data/orgs/bad.yaml:3: source: 's' is not a key of this file's sources"]),
    (GOOD_HEAD.replace("date: 2024-01-01", "date: soon"),
     ["data/orgs/bad.yaml:2: date: 'soon' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)",
      "data/orgs/bad.yaml:3: source: 's' is not a key of this file's sources"]),
])
def test_bad_records_are_reported_with_file_line_and_field(data_copy, text, expected):
    write_bad(data_copy, text)
    assert problems_of(data_copy) == expected


def test_a_file_that_is_not_utf8_is_reported(data_copy):
    head = GOOD_HEAD.encode() + b"# caf"
    (data_copy / "orgs" / "bad.yaml").write_bytes(head + b"\xe9\n")
    assert problems_of(data_copy) == [f"data/orgs/bad.yaml: not UTF-8 text: invalid continuation byte at byte {len(head)}"]


def test_a_bad_record_emits_nothing_but_the_others_load(data_copy):
    write_bad(data_copy, GOOD_HEAD + "models:\n"
              "  - {id: good-1, name: Good, type: foundation, tier: hosted, source: s}\n"
              "  - {id: bad-1, name: Bad, type: foundation, tier: nope, source: s}\n")
    store, found = Store(), []
    store.extend(list(read_curated(data_copy, found.append)))
    assert [p.field for p in found] == ["tier"]
    labels = {r["l"].value for r in store.query(
        "SELECT ?l WHERE { GRAPH ?g { ?m a <https://w3id.org/aivc/ontology#FoundationModel> ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?l } }")}
    assert "Good" in labels and "Bad" not in labels
