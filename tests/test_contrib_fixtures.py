"""The bad-input fixtures of tests/fixtures/contrib: each gives exactly its expected report and exit code.

expectations.yaml says, for every file, what it tries, the exit code of `aivc validate FILE` against
the fixture graph, and the report lines (place in the file's own terms, severity, message).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from aivc import store as stores
from aivc.contrib.check import check
from aivc.contrib.contribution import MAX_BYTES

FIXTURES = Path(__file__).parent / "fixtures" / "contrib"
EXPECTED = yaml.safe_load((FIXTURES / "expectations.yaml").read_text(encoding="utf-8"))


def test_there_are_at_least_forty_bad_inputs_each_with_its_expectation():
    files = sorted(p.name for p in FIXTURES.iterdir() if p.name != "expectations.yaml")
    assert files == sorted(EXPECTED)
    assert len(files) >= 40
    assert sum(e["exit"] > 0 for e in EXPECTED.values()) >= 40


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_gives_exactly_the_expected_report(fixture_store_path, name):
    expected = EXPECTED[name]
    path = FIXTURES / name
    outcome = check(stores.open_read_only(fixture_store_path), [path], expected.get("max_bytes", MAX_BYTES), {path: name})
    assert [str(f) for f in outcome.all_findings] == expected["report"]
    assert outcome.exit_code == expected["exit"]
