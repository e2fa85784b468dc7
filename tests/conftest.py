"""Shared fixtures: graphs built by the real build path, the real source snapshots when present."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from aivc import paths, store as stores
from aivc.build import build

TESTS = Path(__file__).parent
FIXTURE_DATA = TESTS / "fixtures" / "data"
SHARED_DATA = paths.ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def fixture_store_path(tmp_path_factory) -> Path:
    """The made-up fixture dataset, built with `aivc build` semantics (reasoned and validated)."""
    location = tmp_path_factory.mktemp("fixture-store") / "store"
    build(location, FIXTURE_DATA)
    return location


@pytest.fixture(scope="session")
def fixture_store(fixture_store_path):
    return stores.open_read_only(fixture_store_path)


@pytest.fixture(scope="session")
def curated_build(tmp_path_factory):
    """The real curated dataset of data/, built once for the session: (location, BuildResult)."""
    location = tmp_path_factory.mktemp("curated-store") / "store"
    return location, build(location)


@pytest.fixture(scope="session")
def curated_store(curated_build):
    return stores.open_read_only(curated_build[0])


LIBRARY_DATA = TESTS / "fixtures" / "library"


def build_world(location: Path, curated: Path | None, *trig: Path) -> None:
    """A made-up world through the build's own steps - curated files (if any) and TriG files of
    source-like facts loaded, reasoned, validated (it must conform) and published at ``location``."""
    from pyoxigraph import RdfFormat
    from aivc import reasoning
    from aivc.build import check, load_ontology, populate
    with stores.new_build(location) as (store, folder):
        if curated is None:
            load_ontology(store)
        else:
            assert populate(store, curated) == []
        for path in trig:
            store.load(path=str(path), format=RdfFormat.TRIG)
        reasoning.reason(store)
        report = check(store)
        assert report.conforms, [str(r) for r in report.results]
        store.flush()
        del store
        stores.publish(location, folder, {"fixture": location.parent.name})


@pytest.fixture(scope="session")
def library_store_path(tmp_path_factory) -> Path:
    """The made-up world on which the stored-question library and the economics are tested."""
    location = tmp_path_factory.mktemp("library-store") / "store"
    build_world(location, LIBRARY_DATA, LIBRARY_DATA / "tracker.trig")
    return location


@pytest.fixture(scope="session")
def library_store(library_store_path):
    return stores.open_read_only(library_store_path)


@pytest.fixture
def shared_data() -> Path:
    """../shared/data beside the project, or a clean skip when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real source snapshots not present at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A writable copy of the fixture dataset, for tests that break it on purpose."""
    target = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, target)
    return target
