"""Property tests: whatever a file holds, a reader returns a contribution or raises its one documented
error (Unreadable); it never crashes, and every problem it reports is located in that file.

Kept small (tens of examples each) so that they run in seconds; hypothesis remembers failures.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aivc.contrib.check import check
from aivc.contrib.contribution import Contribution, Unreadable
from aivc.contrib.readers import read_contribution

TEMPLATES = Path(__file__).parent.parent / "contrib" / "templates"
EXTENSIONS = [".csv", ".yaml", ".jsonld", ".ttl", ".rdf"]
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def read(name: str, data: bytes) -> Contribution | None:
    """The reader's answer; fails the test on anything but a contribution or Unreadable."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            contribution = read_contribution(path, max_bytes=100_000)
        except Unreadable as unreadable:
            assert unreadable.problem.file == name and unreadable.problem.message
            return None
    assert all(p.file == name and p.message and p.severity in ("violation", "warning", "info")
               for p in contribution.problems)
    assert all((q.subject.value, q.predicate.value) in contribution.facts for q in contribution.quads)
    return contribution


@FAST
@given(data=st.binary(max_size=600), extension=st.sampled_from(EXTENSIONS))
def test_random_bytes_never_crash_a_reader(data, extension):
    read("random" + extension, data)


@FAST
@given(data=st.text(max_size=400), extension=st.sampled_from(EXTENSIONS))
def test_random_text_never_crashes_a_reader(data, extension):
    read("text" + extension, data.encode("utf-8"))


CELLS = st.one_of(st.text(max_size=12), st.sampled_from(
    ["", "2024-13-45", "2024-02", "true", "maybe", "7000000000", "-1", "model/x", "acme-open-7b", "hosted",
     "fully-opne", "a;b;;c", '"quoted', "javascript:alert(1)", "https://example.org/x", "\u00e9t\u00e9", "0x00"]))


@FAST
@given(row=st.lists(CELLS, min_size=1, max_size=22), column=st.integers(min_value=0, max_value=18))
def test_near_valid_csv_rows_never_crash_the_reader(row, column):
    lines = (TEMPLATES / "models-example.csv").read_text().splitlines()
    cells = lines[1].split(",")
    cells[column % len(cells)] = row[0].replace(",", " ").replace("\n", " ")
    read("models.csv", "\n".join([lines[0], ",".join(cells), ",".join(row)]).encode())


@FAST
@given(value=st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), CELLS,
                       st.lists(CELLS, max_size=3), st.dictionaries(st.text(max_size=5), CELLS, max_size=2)),
       key=st.sampled_from(["id", "name", "type", "base_model", "released", "tier", "licence", "channels", "source",
                            "parameters", "developer", "relased", "field_sources"]))
def test_near_valid_yaml_records_never_crash_the_reader(value, key):
    text = (TEMPLATES / "contribution-example.yaml").read_text()
    record = json.dumps({key: value})          # JSON is YAML: a record with one field replaced
    text = text.replace("    base_model: llama-2-7b\n", f"    {json.dumps(key)}: {json.dumps(value)}\n"
                        if key != "base_model" else f"    base_model: {json.dumps(value)}\n")
    assert record
    read("contribution.yaml", text.encode())


@FAST
@given(value=st.one_of(st.none(), st.booleans(), st.integers(), CELLS, st.lists(CELLS, max_size=2),
                       st.dictionaries(st.sampled_from(["@id", "@value", "@type", "@context", "@import", "x"]),
                                       CELLS, max_size=2)),
       key=st.sampled_from(["@id", "@type", "rdfs:label", "aivc:developedBy", "aivc:releaseDate", "@context",
                            "dcterms:source", "aivc:unknown", "@graph"]))
def test_near_valid_jsonld_never_crashes_the_reader(value, key):
    doc = json.loads((TEMPLATES / "contribution-example.jsonld").read_text())
    doc["@graph"][0][key] = value
    read("contribution.jsonld", json.dumps(doc).encode())


@FAST
@given(token=st.one_of(CELLS, st.sampled_from(['"x"', "<model/x>", "aivc:Nope", "[]", "()", "1.5", ";", ".", "_:b",
                                                "<file:///etc/passwd>", '"""', "@prefix", "a"])))
def test_near_valid_turtle_never_crashes_the_reader(token):
    text = (TEMPLATES / "contribution-example.ttl").read_text()
    read("contribution.ttl", text.replace('"Example Coder 1B"', token, 1).encode())


@settings(max_examples=15, deadline=None)
@given(row=st.lists(CELLS, min_size=12, max_size=12))
def test_near_valid_rows_never_crash_the_gate(fixture_store, row):
    """Past the reader: the shapes and the wording take whatever a readable row becomes."""
    header = "id,name,type,base_model,developer,released,tier,licence,channels,source_url,source_title,source_date"
    row[0] = "ex-" + "".join(ch for ch in row[0].lower() if ch.isalnum())
    row[9:] = ["https://example.org/card", "Card", "2024-03-01"]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rows.csv"
        path.write_text(header + "\n" + ",".join(c.replace(",", " ").replace('"', "").replace("\n", " ")
                                                 for c in row) + "\n")
        outcome = check(fixture_store, [path])
    assert outcome.exit_code in (0, 1, 2)
    assert all(f.file == "rows.csv" for f in outcome.all_findings)
