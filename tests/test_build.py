"""aivc build: idempotent, atomic (a failed build leaves the previous store untouched), honest counts."""

from __future__ import annotations

import pytest

from aivc import store as stores
from aivc.build import BuildFailed, build


def test_build_counts_and_governance(fixture_store_path):
    info = stores.build_info(fixture_store_path)
    assert (info["organizations"], info["models"]) == (3, 9)
    assert info["governance"] == {"captive-externalized": 1, "controlled-openness": 2, "full-openness": 1,
                                  "hierarchical": 2, "open-platform": 3}
    assert info["conforms"] is True


def test_building_twice_gives_the_same_graph(tmp_path, data_copy):
    first = build(tmp_path / "store", data_copy)
    second = build(tmp_path / "store", data_copy)
    assert first.triples == second.triples
    assert len(list((tmp_path / "store.builds").iterdir())) == 1, "the replaced build is removed"


def test_a_failed_build_leaves_the_previous_store_untouched(tmp_path, data_copy):
    location = tmp_path / "store"
    good = build(location, data_copy)
    live_before = location.resolve()
    (data_copy / "orgs" / "tiny.yaml").write_text("sources: [broken\n")
    with pytest.raises(BuildFailed) as failed:
        build(location, data_copy)
    assert [str(p) for p in failed.value.problems] == [
        "data/orgs/tiny.yaml:2: not valid YAML: expected ',' or ']', but got '<stream end>'",
        "data/orgs/acme.yaml:42: partner: 'tiny' is not a known organization id"]
    assert location.resolve() == live_before
    assert len(stores.open_read_only(location)) == good.triples
    assert list((tmp_path / "store.builds").iterdir()) == [live_before], "the failed build is cleaned up"


def test_a_graph_that_violates_the_shapes_is_not_published(tmp_path, data_copy):
    location = tmp_path / "store"
    build(location, data_copy)
    before = stores.build_info(location)
    # downloadable weights without a licence: no governance rule can classify the release
    text = (data_copy / "orgs" / "commons.yaml").read_text().replace("licence: cc-by-nc-4.0, ", "")
    (data_copy / "orgs" / "commons.yaml").write_text(text)
    with pytest.raises(BuildFailed) as failed:
        build(location, data_copy)
    assert sorted(str(r) for r in failed.value.report.results if r.severity == "violation") == [
        "data/orgs/commons.yaml:8: violation: release/commons-nc aivc:governanceType: the governance rules must "
        "assign exactly one governance type (check tier and licence)",
        "data/orgs/commons.yaml:8: violation: release/commons-nc aivc:licence: downloadable weights need a "
        "licence: the governance type depends on it (value: https://w3id.org/aivc/release/commons-nc)"]
    assert stores.build_info(location) == before
