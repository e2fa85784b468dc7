"""The shapes run as SPARQL by the store give pyshacl's results, on every shape example and the fixture graph."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from pyoxigraph import RdfFormat, Store

from aivc import ns, reasoning, validation
from aivc.build import load_ontology
from aivc.contrib import shapes_sparql

EXAMPLES = sorted((Path(__file__).parent / "shapes").glob("*/*.ttl"))


def results(found) -> set[tuple]:
    return {(r.focus, r.path, r.component, r.severity, r.value, r.message) for r in found}


def example_store(example: Path) -> Store:
    store = Store()
    load_ontology(store)
    store.load(path=str(example), format=RdfFormat.TURTLE, to_graph=ns.graph("example"))
    reasoning.reason(store)
    return store


def test_every_shape_of_the_project_is_translated():
    compiled = shapes_sparql.project_checks()
    assert compiled.leftover == []
    shapes = {str(s) for s in validation.shapes_graph().subjects(rdflib.RDF.type, rdflib.SH.NodeShape)}
    assert {c.shape for c in compiled.checks} == shapes


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_same_results_as_pyshacl_on_the_shape_examples(example):
    store = example_store(example)
    assert results(shapes_sparql.run(store)) == results(validation.validate(store).results)


def test_same_results_as_pyshacl_on_the_fixture_graph(fixture_store):
    found = results(shapes_sparql.run(fixture_store))
    assert found == results(validation.validate(fixture_store).results)
    assert {(f[0].rsplit("/", 1)[1], f[3]) for f in found} == {("acme-open-7b", "warning"), ("tiny-chat", "warning")}


def test_a_shape_it_cannot_translate_is_run_by_pyshacl_not_skipped():
    shapes = rdflib.Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
        @prefix aivc: <https://w3id.org/aivc/ontology#> .
        ex:OneBaseShape a sh:NodeShape ; sh:targetClass aivc:FineTunedModel ;
            sh:property [ sh:path aivc:fineTunedFrom ; sh:qualifiedValueShape [ sh:class aivc:FoundationModel ] ;
                          sh:qualifiedMinCount 1 ] .""", format="turtle")
    compiled = shapes_sparql.compile_shapes(shapes)
    assert (compiled.checks, [str(s) for s in compiled.leftover]) == ([], ["https://example.org/OneBaseShape"])
    store = example_store(Path(__file__).parent / "shapes" / "DerivedModelShape" / "invalid.ttl")
    found = shapes_sparql._pyshacl(store, compiled.leftover, shapes)
    assert {(r.focus, r.component) for r in found} == {
        ("https://example.org/a", "QualifiedMinCountConstraintComponent"),
        ("https://example.org/b", "QualifiedMinCountConstraintComponent")}
