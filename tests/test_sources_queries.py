"""Stored queries that read the public datasets, and the curated queries kept correct beside them:
exact results on the fixture dataset plus the made-up snapshots of tests/fixtures/sources."""

from __future__ import annotations

import pytest

from aivc import queries as library, reconcile, store as stores
from aivc.build import build
from aivc.sources import parse_selection
from sources_helpers import FIXTURE_DATA, fixture_selection

ALL = fixture_selection("ecosystem-graphs", "epoch", "eosai", "fmti")
CURATED_QUERIES = ["models-by-tier", "governance-by-model", "licence-restrictions-by-firm", "open-models-on-own-cloud",
                   "open-washing", "strategic-openness", "facts-without-source"]


@pytest.fixture(scope="module")
def sources_store(tmp_path_factory):
    location = tmp_path_factory.mktemp("sources-store") / "store"
    result = build(location, FIXTURE_DATA, sources=parse_selection(ALL))
    assert result.report.conforms
    return stores.open_read_only(location)


def answer(store, name: str, **params) -> list[tuple]:
    columns, rows = library.rows(library.run(store, library.get(name).bound_text(params)))
    return [tuple(row[c] for c in columns) for row in rows]


@pytest.mark.parametrize("name", CURATED_QUERIES)
def test_curated_questions_answer_the_same_with_the_sources_loaded(fixture_store, sources_store, name):
    assert answer(sources_store, name) == answer(fixture_store, name)


def test_model_lineage_is_unchanged_by_the_sources(fixture_store, sources_store):
    assert answer(sources_store, "model-lineage", model="tiny-chat-q4") == \
        answer(fixture_store, "model-lineage", model="tiny-chat-q4")


def test_access_gradient_by_source(sources_store):
    assert answer(sources_store, "access-gradient-by-source") == [
        ("curated", "Acme AI", 2022, "fully-closed", 0, 1), ("curated", "Acme AI", 2023, "cloud-api", 3, 1),
        ("curated", "Acme AI", 2023, "downloadable-weights", 4, 2),
        ("curated", "Commons Lab", 2022, "downloadable-weights", 4, 1),
        ("curated", "Commons Lab", 2022, "fully-open", 5, 1), ("curated", "Tiny Startup", 2023, "hosted", 2, 1),
        ("curated", "Tiny Startup", 2023, "downloadable-weights", 4, 2),
        ("ecosystem-graphs", "Acme AI", 2023, "cloud-api", 3, 1),
        ("ecosystem-graphs", "Acme AI", 2023, "downloadable-weights", 4, 1),
        ("ecosystem-graphs", "Widget Corp", 2023, "fully-closed", 0, 1),
        ("eosai", "Acme AI", None, "downloadable-weights", 4, 1), ("eosai", "Commons Lab", None, "fully-open", 5, 1),
        ("epoch", "Acme AI", 2023, "cloud-api", 3, 1), ("epoch", "Acme AI", 2023, "downloadable-weights", 4, 1),
        ("epoch", "Tiny Startup", 2023, "downloadable-weights", 4, 1),
        ("epoch", "Widget Corp", 2022, "downloadable-weights", 4, 1), ("epoch", "Widget Corp", 2023, "fully-closed", 0, 1)]
    assert answer(sources_store, "access-gradient-by-source", org="Widget Corp", source="epoch") == [
        ("epoch", "Widget Corp", 2022, "downloadable-weights", 4, 1), ("epoch", "Widget Corp", 2023, "fully-closed", 0, 1)]


def test_openness_dimensions(sources_store):
    assert answer(sources_store, "openness-dimensions") == [
        ("Commons Chat", "Commons Lab", "eosai", "open", "open", "open", "open", "open", "open", "open", "open", "open",
         "partial", "open", "open", "closed", "closed", "", 11, 1, 2),
        ("Acme Open 7B Chat", "Acme AI", "eosai", "open", "closed", "open", "partial", "open", "partial", "open",
         "partial", "open", "closed", "open", "closed", "closed", "open", "", 7, 3, 4),
        ("Acme Open 7B", "Acme AI", "epoch", "open", "", "", "", "", "", "", "", "", "", "", "", "", "", "open", 2, 0, 0),
        ("Commons 1B", "Commons Lab", "epoch", "open", "", "", "", "", "", "", "", "", "", "", "", "", "", "open", 2, 0, 0),
        ("Acme Big", "Acme AI", "epoch", "closed", "", "", "", "", "", "", "", "", "", "", "", "", "", "", 0, 0, 1)]
    assert [row[:3] for row in answer(sources_store, "openness-dimensions", source="eosai")] == [
        ("Commons Chat", "Commons Lab", "eosai"), ("Acme Open 7B Chat", "Acme AI", "eosai")]


def test_transparency_vs_access_tier(sources_store):
    # Acme discloses 2 of 3 indicators; its curated models span fully closed to downloadable weights
    assert answer(sources_store, "transparency-vs-access-tier") == [
        ("Acme AI", 2, 3, 4, 2, "downloadable-weights", "fully-closed"),
        ("Tiny Startup", 1, 3, 3, 2, "downloadable-weights", "hosted")]
    assert answer(sources_store, "transparency-vs-access-tier", source="ecosystem-graphs") == [
        ("Acme AI", 2, 3, 2, 1, "downloadable-weights", "cloud-api"), ("Tiny Startup", 1, 3, None, None, None, None)]


def test_downstream_dependents(sources_store):
    assert answer(sources_store, "downstream-dependents") == [
        ("Acme AI", "Acme Big", "Widget Assistant", "application", "Widget Corp", True),
        ("Acme AI", "Acme Open 7B", "Tiny App", "application", "Tiny Startup", False),
        ("Acme AI", "Acme Open 7B", "Widget Assistant", "application", "Widget Corp", False),
        ("Acme AI", "Acme Open 7B", "Tiny Chat", "model", "Tiny Startup", False),
        ("Acme AI", "Acme Open 7B", "Tiny Chat Q4", "model", "Tiny Startup", False),
        ("Acme AI", "Acme Open 7B", "Widget LM", "model", "Widget Corp", True),
        ("Acme AI", "Acme Open 7B Chat", "Tiny App", "application", "Tiny Startup", False),
        ("Acme AI", "Acme Open 7B Chat", "Tiny Chat", "model", "Tiny Startup", True),
        ("Acme AI", "Acme Open 7B Chat", "Tiny Chat Q4", "model", "Tiny Startup", False)]


def test_conflicts_list_each_sources_claim_with_its_record(sources_store):
    assert [(c.name, c.field, c.source, c.value, c.record) for c in reconcile.conflicts(sources_store)] == [
        ("Acme Open 7B", "licence", "curated", "Acme Community Licence", "data/orgs/acme.yaml:18"),
        ("Acme Open 7B", "licence", "ecosystem-graphs", "Apache License 2.0",
         "ecosystem-graphs/assets/acme.yaml:14 [Acme Open 7B]"),
        ("Acme Open 7B", "date", "curated", "2023-07-01", "data/orgs/acme.yaml:18"),
        ("Acme Open 7B", "date", "ecosystem-graphs", "2023-07-15", "ecosystem-graphs/assets/acme.yaml:14 [Acme Open 7B]"),
        ("Acme Open 7B", "date", "epoch", "2023-07-01", "epoch-ai/notable_ai_models_2024-05-01.csv:3 [Acme Open 7B]"),
        ("Acme Open 7B", "parameters", "curated", "7000000000", "data/orgs/acme.yaml:18"),
        ("Acme Open 7B", "parameters", "ecosystem-graphs", "6000000000",
         "ecosystem-graphs/assets/acme.yaml:14 [Acme Open 7B]"),
        ("Acme Open 7B", "parameters", "epoch", "7000000000", "epoch-ai/notable_ai_models_2024-05-01.csv:3 [Acme Open 7B]"),
        ("Acme Open 7B Chat", "licence", "curated", "Acme Community Licence", "data/orgs/acme.yaml:30"),
        ("Acme Open 7B Chat", "licence", "eosai", "Apache License 2.0",
         "eosai-index/projects/acme-open-7b-chat.yaml:2 [Acme Open 7B Chat]"),
        ("Commons 1B", "tier", "curated", "fully-open", "data/orgs/commons.yaml:6"),
        ("Commons 1B", "tier", "epoch", "downloadable-weights", "epoch-ai/notable_ai_models_2024-05-01.csv:5 [Commons 1B]"),
        ("Commons 1B", "organization", "curated", "Commons Lab", "data/orgs/commons.yaml:6"),
        ("Commons 1B", "organization", "epoch", "Widget Corp", "epoch-ai/notable_ai_models_2024-05-01.csv:5 [Commons 1B]")]
    assert {c.field for c in reconcile.conflicts(sources_store, ["date"])} == {"date"}
