"""The SHACL shapes run as SPARQL by the store (aivc/shapes_sparql.py): exactly what each shape example
states, the same results as pyshacl, located in the source files, limited to changed graphs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import RdfFormat, Store

from aivc import ns, reasoning, shapes_sparql as sv, validation
from aivc.build import load_ontology, populate

EXAMPLES = sorted((Path(__file__).parent / "shapes").glob("*/*.ttl"))
SHAPES = Path(__file__).parent / "shapes"
FIXTURE_DATA = Path(__file__).parent / "fixtures" / "data"
PREFIXES = {"aivc": ns.AIVC, "ex": "https://example.org/", "rdfs": ns.RDFS, "skos": ns.SKOS}


def _short(iri: str | None) -> str:
    for prefix, base in PREFIXES.items():
        if iri and iri.startswith(base):
            return f"{prefix}:{iri[len(base):]}"
    return iri or "-"


def fields(found) -> set[tuple]:
    return {(r.severity, r.focus, r.path, r.component, r.value, r.message, r.location) for r in found}


def example_store(example: Path) -> Store:
    store = Store()
    load_ontology(store)
    store.load(path=str(example), format=RdfFormat.TURTLE, to_graph=ns.graph("example"))
    reasoning.reason(store)
    return store


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_the_translation_finds_exactly_what_each_shape_example_expects(example):
    expected = {tuple(m.groups()) for m in re.finditer(r"^# expect: (\S+) (\S+) (\S+)$", example.read_text(), re.M)}
    found = {(_short(r.focus), _short(r.path), r.component) for r in sv.validate(example_store(example)).results}
    assert found == expected


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_same_results_as_pyshacl_on_the_shape_examples(example):
    store = example_store(example)
    assert fields(sv.validate(store).results) == fields(validation.validate(store).results)


def test_same_results_as_pyshacl_on_the_fixture_graph():
    store = Store()
    populate(store, FIXTURE_DATA)
    reasoning.reason(store)
    found = fields(sv.validate(store).results)
    assert found == fields(validation.validate(store).results)
    assert {(f[1].rsplit("/", 1)[1], f[0]) for f in found} == {("acme-open-7b", "warning"), ("tiny-chat", "warning")}


def test_every_shape_of_the_project_translates_and_each_check_names_its_component():
    compiled = sv.compile_shapes()
    assert compiled.leftover == {}
    shapes = {str(s) for s in validation.shapes_graph().subjects(rdflib.RDF.type, rdflib.SH.NodeShape)}
    assert {c.shape for c in compiled.checks} == shapes
    assert {c.component for c in compiled.checks} >= {"MinCountConstraintComponent", "MaxCountConstraintComponent",
                                                      "ClassConstraintComponent", "DatatypeConstraintComponent",
                                                      "OrConstraintComponent", "SPARQLConstraintComponent"}
    assert {c.shape.rsplit("#", 1)[1] for c in compiled.checks if sv.lineage(c.shape)} == set(sv.LINEAGE_SHAPES)


SHAPE = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
@prefix aivc: <https://w3id.org/aivc/ontology#> .
ex:S a sh:NodeShape ; sh:targetClass aivc:FineTunedModel ; sh:property [ sh:path aivc:fineTunedFrom ; {constraint} ] ."""


@pytest.mark.parametrize("constraint, feature", [
    ("sh:equals aivc:derivedFrom", "sh:equals"),
    ("sh:qualifiedValueShape [ sh:class aivc:FoundationModel ] ; sh:qualifiedMinCount 1", "sh:qualifiedValueShape"),
])
def test_a_shape_the_translation_cannot_run_is_refused_by_name(constraint, feature):
    shapes = rdflib.Graph().parse(data=SHAPE.replace("{constraint}", constraint), format="turtle")
    with pytest.raises(sv.UnsupportedShape, match=rf"https://example.org/S: {feature}\S* is not supported"):
        sv.checks(shapes)
    assert list(sv.compile_shapes(shapes).leftover) == ["https://example.org/S"]


def test_a_shape_it_cannot_translate_is_run_by_pyshacl_not_skipped(monkeypatch):
    shapes = rdflib.Graph().parse(data=SHAPE.replace(
        "{constraint}", "sh:qualifiedValueShape [ sh:class aivc:FoundationModel ] ; sh:qualifiedMinCount 1"),
        format="turtle")
    monkeypatch.setattr(sv, "shapes_graph", lambda: shapes)
    store = example_store(SHAPES / "DerivedModelShape" / "invalid.ttl")
    found = sv.validate(store)
    assert {(_short(r.focus), r.component) for r in found.results} == {
        ("ex:a", "QualifiedMinCountConstraintComponent"), ("ex:b", "QualifiedMinCountConstraintComponent")}
    assert [name for name, _, _ in found.timings] == ["pyshacl: https://example.org/S"]
    with pytest.raises(sv.UnsupportedShape, match="sh:qualifiedValueShape"):
        sv.validate(store, strict=True)


def test_paths_become_sparql_property_paths():
    g = rdflib.Graph().parse(data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
        ex:a sh:path ( ex:p [ sh:inversePath ex:q ] [ sh:zeroOrMorePath ex:r ] [ sh:alternativePath ( ex:s ex:t ) ] ) .""",
                             format="turtle")
    path = sv.sparql_path(g, g.value(rdflib.URIRef("https://example.org/a"), rdflib.SH.path))
    assert path == ("(<https://example.org/p>/^(<https://example.org/q>)/(<https://example.org/r>)*/"
                    "(<https://example.org/s>|<https://example.org/t>))")


def test_only_the_nodes_of_the_changed_graphs_are_validated():
    store = example_store(SHAPES / "DerivedModelShape" / "invalid.ttl")
    store.load(input=b"""<https://example.org/lab2> a <https://w3id.org/aivc/ontology#Organization> .""",
               format=RdfFormat.TURTLE, to_graph=ns.graph("other"))
    everything = {_short(r.focus) for r in sv.validate(store).results}
    other_only = {_short(r.focus) for r in sv.validate(store, focus_graphs=[ns.graph("other").value]).results}
    assert everything == {"ex:a", "ex:b", "ex:orphan", "ex:lab2"}
    assert other_only == {"ex:lab2"}          # the organization without a name; the old cycle is not checked again


def test_the_report_counts_results_per_check():
    store = example_store(SHAPES / "DerivedModelShape" / "invalid.ttl")
    report = sv.validate(store, sv.lineage)
    assert report.by_check() == {"DerivedModelShape SPARQLConstraintComponent": 2,
                                 "DerivedModelShape MinCountConstraintComponent on aivc:derivedFrom": 1}
    assert not report.conforms and report.count("violation") == 3
