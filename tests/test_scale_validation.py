"""The SHACL shapes translated to SPARQL (aivc/scale_validation.py): the same results as the shapes'
examples state and as pyshacl gives, located in the source files, limited to changed graphs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import RdfFormat, Store

from aivc import ns, reasoning, scale_validation as sv
from aivc.build import load_ontology, populate
from aivc.validation import validate as pyshacl_validate

EXAMPLES = Path(__file__).parent / "shapes"
FIXTURE_DATA = Path(__file__).parent / "fixtures" / "data"
PREFIXES = {"aivc": ns.AIVC, "ex": "https://example.org/", "rdfs": ns.RDFS, "skos": ns.SKOS}


def _short(iri: str | None) -> str:
    for prefix, base in PREFIXES.items():
        if iri and iri.startswith(base):
            return f"{prefix}:{iri[len(base):]}"
    return iri or "-"


def example_store(example: Path) -> Store:
    store = Store()
    load_ontology(store)
    store.load(path=str(example), format=RdfFormat.TURTLE, to_graph=ns.graph("example"))
    reasoning.reason(store)
    return store


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*/*.ttl")), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_the_translation_finds_exactly_what_each_shape_example_expects(example):
    expected = {tuple(m.groups()) for m in re.finditer(r"^# expect: (\S+) (\S+) (\S+)$", example.read_text(), re.M)}
    found = {(_short(r.focus), _short(r.path), r.component) for r in sv.validate(example_store(example)).results}
    assert found == expected


def test_the_translation_gives_pyshacl_results_on_the_fixture_graph():
    store = Store()
    populate(store, FIXTURE_DATA)
    reasoning.reason(store)
    fields = lambda r: (r.severity, r.focus, r.path, r.component, r.value, r.location)  # noqa: E731
    assert {fields(r) for r in sv.validate(store).results} == {fields(r) for r in pyshacl_validate(store).results}


def test_every_shape_translates_and_each_check_names_its_component():
    checks = sv.checks()
    assert {c.component for c in checks} >= {"MinCountConstraintComponent", "MaxCountConstraintComponent",
                                              "ClassConstraintComponent", "DatatypeConstraintComponent",
                                              "OrConstraintComponent", "SPARQLConstraintComponent"}
    lineage = {c.shape.rsplit("#", 1)[1] for c in checks if sv.lineage(c)}
    assert lineage == set(sv.LINEAGE_SHAPES)


SHAPE = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; {constraint} ] ."""


@pytest.mark.parametrize("constraint, feature", [
    ("sh:equals ex:q", "sh:equals"),
    ("sh:qualifiedValueShape [ sh:class ex:D ] ; sh:qualifiedMinCount 1", "sh:qualifiedValueShape"),
])
def test_a_shape_the_translation_cannot_run_is_refused_by_name(constraint, feature):
    shapes = rdflib.Graph().parse(data=SHAPE.replace("{constraint}", constraint), format="turtle")
    with pytest.raises(sv.UnsupportedShape, match=r"https://example.org/S: .*is not supported"):
        sv.checks(shapes)


def test_paths_become_sparql_property_paths():
    g = rdflib.Graph().parse(data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
        ex:a sh:path ( ex:p [ sh:inversePath ex:q ] [ sh:zeroOrMorePath ex:r ] [ sh:alternativePath ( ex:s ex:t ) ] ) .""",
                             format="turtle")
    path = sv.sparql_path(g, g.value(rdflib.URIRef("https://example.org/a"), rdflib.SH.path))
    assert path == ("(<https://example.org/p>/^(<https://example.org/q>)/(<https://example.org/r>)*/"
                    "(<https://example.org/s>|<https://example.org/t>))")


def test_only_the_nodes_of_the_changed_graphs_are_validated():
    store = example_store(EXAMPLES / "DerivedModelShape" / "invalid.ttl")
    store.load(input=b"""<https://example.org/lab2> a <https://w3id.org/aivc/ontology#Organization> .""",
               format=RdfFormat.TURTLE, to_graph=ns.graph("other"))
    everything = {_short(r.focus) for r in sv.validate(store).results}
    other_only = {_short(r.focus) for r in sv.validate(store, focus_graphs=[ns.graph("other").value]).results}
    assert everything == {"ex:a", "ex:b", "ex:orphan", "ex:lab2"}
    assert other_only == {"ex:lab2"}          # the organization without a name; the old cycle is not checked again


def test_the_report_counts_results_per_check():
    store = example_store(EXAMPLES / "DerivedModelShape" / "invalid.ttl")
    report = sv.validate(store, sv.lineage)
    assert report.by_check() == {"DerivedModelShape SPARQLConstraintComponent": 2,
                                 "DerivedModelShape MinCountConstraintComponent on aivc:derivedFrom": 1}
    assert not report.conforms and report.count("violation") == 3
