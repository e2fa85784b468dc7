"""Each SHACL shape has a valid example (no result) and an invalid one with exactly the expected results."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import RdfFormat, Store
from rdflib.namespace import RDF, SH

from aivc import ns, reasoning
from aivc.build import load_ontology
from aivc.validation import shapes_graph, validate

EXAMPLES = Path(__file__).parent / "shapes"
PREFIXES = {"aivc": ns.AIVC, "ex": "https://example.org/", "rdfs": ns.RDFS, "skos": ns.SKOS}
SHAPES = sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir())


def results_for(example: Path) -> set[tuple[str, str, str]]:
    """Validate ontology + example the way `aivc build` does: reason first, then SHACL."""
    store = Store()
    load_ontology(store)
    store.load(path=str(example), format=RdfFormat.TURTLE, to_graph=ns.graph("example"))
    reasoning.reason(store)
    return {(_short(r.focus), _short(r.path) if r.path else "-", r.component) for r in validate(store).results}


def _short(iri: str) -> str:
    for prefix, base in PREFIXES.items():
        if iri.startswith(base):
            return f"{prefix}:{iri[len(base):]}"
    return iri


def expected_results(example: Path) -> set[tuple[str, str, str]]:
    return {tuple(m.groups()) for m in re.finditer(r"^# expect: (\S+) (\S+) (\S+)$", example.read_text(), re.M)}


def test_every_node_shape_has_examples():
    g = shapes_graph()
    names = sorted(str(s).rsplit("#", 1)[1] for s in g.subjects(RDF.type, SH.NodeShape))
    assert names == SHAPES


@pytest.mark.parametrize("shape", SHAPES)
def test_valid_example_conforms(shape):
    assert results_for(EXAMPLES / shape / "valid.ttl") == set()


@pytest.mark.parametrize("shape", SHAPES)
def test_invalid_example_gives_exactly_the_expected_results(shape):
    example = EXAMPLES / shape / "invalid.ttl"
    expected = expected_results(example)
    assert expected, "an invalid example states the results it expects"
    assert results_for(example) == expected
