"""The stored queries the report draws (access gradient, governance map, lineage families, licence
restriction matrix, data coverage): exact answers on the fixture dataset."""

from __future__ import annotations

import textwrap

from aivc import queries as library, store as stores
from aivc.build import build


def answer(store, name: str, **params) -> list[tuple]:
    columns, rows = library.rows(library.run(store, library.get(name).bound_text(params)))
    return [tuple(row[c] for c in columns) for row in rows]


def test_access_gradient_counts_models_per_firm_year_and_tier(fixture_store):
    assert answer(fixture_store, "access-gradient") == [
        ("Acme AI", 2022, "fully-closed", 0, 1), ("Acme AI", 2023, "cloud-api", 3, 1),
        ("Acme AI", 2023, "downloadable-weights", 4, 2),
        ("Commons Lab", 2022, "downloadable-weights", 4, 1), ("Commons Lab", 2022, "fully-open", 5, 1),
        ("Tiny Startup", 2023, "hosted", 2, 1), ("Tiny Startup", 2023, "downloadable-weights", 4, 2)]


def test_access_gradient_for_one_firm(fixture_store):
    assert answer(fixture_store, "access-gradient", org="Tiny Startup") == [
        ("Tiny Startup", 2023, "hosted", 2, 1), ("Tiny Startup", 2023, "downloadable-weights", 4, 2)]


def test_governance_map_counts_and_examples(fixture_store):
    assert answer(fixture_store, "governance-map") == [
        ("Acme AI", "hierarchical", 1, "hierarchy", 1, "Acme Internal"),
        ("Acme AI", "captive-externalized", 2, "captive", 1, "Acme Big"),
        ("Acme AI", "open-platform", 3, "modular", 2, "Acme Open 7B, Acme Open 7B Chat"),
        ("Commons Lab", "open-platform", 3, "modular", 1, "Commons NC"),
        ("Commons Lab", "full-openness", 5, "market", 1, "Commons 1B"),
        ("Tiny Startup", "hierarchical", 1, "hierarchy", 1, "Tiny Pro"),
        ("Tiny Startup", "controlled-openness", 4, "relational", 2, "Tiny Chat, Tiny Chat Q4")]


def test_lineage_families_show_licence_drift(fixture_store):
    # Acme Open 7B <- Acme Open 7B Chat (same licence) <- Tiny Chat <- Tiny Chat Q4 (both Apache 2.0)
    assert answer(fixture_store, "lineage-families") == [
        ("Acme Open 7B", "Acme AI", 3, "Acme Community Licence", "Acme Community Licence", False, 1),
        ("Acme Open 7B", "Acme AI", 3, "Acme Community Licence", "Apache License 2.0", True, 2)]


def test_licence_restriction_matrix(fixture_store):
    # Apache 2.0 has an SPDX id and no restriction: it is not a custom or restricting licence.
    assert answer(fixture_store, "licence-restriction-matrix") == [
        ("Acme Community Licence", None, False, "acceptable-use-policy", None, 2),
        ("Acme Community Licence", None, False, "user-count-threshold", 700000000, 2),
        ("Creative Commons Attribution Non Commercial 4.0 International", "CC-BY-NC-4.0", False, "non-commercial",
         None, 1)]


def test_data_coverage(fixture_store):
    assert answer(fixture_store, "data-coverage") == [
        ("model", "Hugging Face id", 0, 9), ("model", "parameter count", 2, 9),
        ("open-weight release", "licence", 6, 6),
        ("organization", "country", 3, 3), ("organization", "owner type", 3, 3),
        ("release", "access tier", 9, 9), ("release", "channel", 7, 9), ("release", "release date", 9, 9)]


UNDATED = textwrap.dedent("""\
    sources:
      page: {url: https://example.org/quiet, title: Quiet Lab page, retrieved: 2024-05-01}
    organization: {id: quiet, name: Quiet Lab, source: page}
    models:
      - {id: quiet-1, name: Quiet One, type: foundation, tier: downloadable-weights, licence: quiet-licence,
         source: page}
      - {id: quiet-1-ft, name: Quiet One Tuned, type: fine-tune, base_model: quiet-1, tier: downloadable-weights,
         licence: quiet-licence, source: page}
    licences:
      - {id: quiet-licence, name: Quiet Licence, osi_approved: false, source: page}
    """)


def _quiet_store(tmp_path, data_copy):
    (data_copy / "orgs" / "quiet.yaml").write_text(UNDATED)
    build(tmp_path / "store", data_copy)
    return stores.open_read_only(tmp_path / "store")


def test_undated_releases_and_unrestricted_custom_licences(tmp_path, data_copy):
    store = _quiet_store(tmp_path, data_copy)
    assert [r for r in answer(store, "access-gradient") if r[0] == "Quiet Lab"] == [
        ("Quiet Lab", None, "downloadable-weights", 4, 2)]
    assert [r for r in answer(store, "licence-restriction-matrix") if r[0] == "Quiet Licence"] == [
        ("Quiet Licence", None, False, None, None, 2)]
    assert [r for r in answer(store, "lineage-families") if r[0] == "Quiet One"] == [
        ("Quiet One", "Quiet Lab", 1, "Quiet Licence", "Quiet Licence", False, 1)]
