"""Stored queries: headers, safe parameter binding, and exact results on the fixture dataset."""

from __future__ import annotations

import pytest

from aivc import ns, queries as library



def answer(store, name: str, **params) -> list[tuple]:
    columns, rows = library.rows(library.run(store, library.get(name).bound_text(params)))
    return [tuple(row[c] for c in columns) for row in rows]


def test_every_stored_query_describes_itself():
    for q in library.library().values():
        assert q.summary, f"{q.name} has no '#+ summary:'"
        assert q.description, f"{q.name} has no '#+ description:'"
        assert q.tags, f"{q.name} has no '#+ tags:'"


def test_every_stored_query_runs_on_the_curated_graph(curated_store):
    for q in library.library().values():
        values = {p.name: p.default for p in q.parameters if p.required}
        library.rows(library.run(curated_store, q.bound_text(values)))


def test_models_by_tier(fixture_store):
    assert answer(fixture_store, "models-by-tier") == [
        ("Acme AI", "fully-closed", 0, 1), ("Acme AI", "cloud-api", 3, 1), ("Acme AI", "downloadable-weights", 4, 2),
        ("Commons Lab", "downloadable-weights", 4, 1), ("Commons Lab", "fully-open", 5, 1),
        ("Tiny Startup", "hosted", 2, 1), ("Tiny Startup", "downloadable-weights", 4, 2)]


def test_models_by_tier_for_one_firm(fixture_store):
    assert answer(fixture_store, "models-by-tier", org="Tiny Startup") == [
        ("Tiny Startup", "hosted", 2, 1), ("Tiny Startup", "downloadable-weights", 4, 2)]


def test_strategic_openness(fixture_store):
    assert answer(fixture_store, "strategic-openness") == [
        ("Acme AI", 2, 2, "Acme Open 7B, Acme Open 7B Chat", "Acme Big, Acme Internal"),
        ("Tiny Startup", 2, 1, "Tiny Chat, Tiny Chat Q4", "Tiny Pro")]


def test_governance_by_model(fixture_store):
    rows = answer(fixture_store, "governance-by-model")
    assert [(org, model, gov, gvc) for org, model, gov, gvc, _ in rows] == [
        ("Acme AI", "Acme Big", "captive-externalized", "captive"),
        ("Acme AI", "Acme Internal", "hierarchical", "hierarchy"),
        ("Acme AI", "Acme Open 7B", "open-platform", "modular"),
        ("Acme AI", "Acme Open 7B Chat", "open-platform", "modular"),
        ("Commons Lab", "Commons 1B", "full-openness", "market"),
        ("Commons Lab", "Commons NC", "open-platform", "modular"),
        ("Tiny Startup", "Tiny Chat", "controlled-openness", "relational"),
        ("Tiny Startup", "Tiny Chat Q4", "controlled-openness", "relational"),
        ("Tiny Startup", "Tiny Pro", "hierarchical", "hierarchy")]
    evidence = {model: ev for _, model, _, _, ev in rows}
    assert evidence["Commons NC"] == ("access tier downloadable-weights; licence Creative Commons Attribution Non "
                                      "Commercial 4.0 International (not OSI-approved); restrictions: non-commercial")


def test_licence_restrictions_by_firm(fixture_store):
    assert answer(fixture_store, "licence-restrictions-by-firm") == [
        ("Acme AI", "Acme Community Licence", "acceptable-use-policy", None, 2),
        ("Acme AI", "Acme Community Licence", "user-count-threshold", 700000000, 2),
        ("Commons Lab", "Creative Commons Attribution Non Commercial 4.0 International", "non-commercial", None, 1)]


def test_model_lineage_nearest_first(fixture_store):
    assert answer(fixture_store, "model-lineage", model="tiny-chat-q4") == [
        ("tiny-chat", "Tiny Chat", "Tiny Startup", "Apache License 2.0", 1),
        ("acme-open-7b-chat", "Acme Open 7B Chat", "Acme AI", "Acme Community Licence", 2),
        ("acme-open-7b", "Acme Open 7B", "Acme AI", "Acme Community Licence", 3)]


def test_open_washing(fixture_store):
    assert answer(fixture_store, "open-washing") == [
        ("Acme AI", "Acme Open 7B", "Acme Community Licence", False, "acceptable-use-policy, user-count-threshold")]


def test_open_models_on_own_cloud(fixture_store):
    assert answer(fixture_store, "open-models-on-own-cloud") == [("Acme AI", "Acme Open 7B", "downloadable-weights", True)]


def test_facts_without_source_is_empty(fixture_store, curated_store):
    assert answer(fixture_store, "facts-without-source") == []
    assert answer(curated_store, "facts-without-source") == []


def test_facts_without_source_lists_a_graph_that_names_no_document(fixture_store):
    from pyoxigraph import Literal, NamedNode, Quad, Store
    store = Store()
    store.extend(fixture_store.quads_for_pattern(None, None, None, None))
    unsourced = NamedNode("https://w3id.org/aivc/graph/curated/stray/no-document")
    store.add(Quad(NamedNode("https://w3id.org/aivc/model/stray"), NamedNode(ns.RDFS + "label"), Literal("Stray"),
                   unsourced))
    assert answer(store, "facts-without-source") == [
        (unsourced.value, "https://w3id.org/aivc/model/stray", ns.RDFS + "label", "Stray")]


def test_a_build_writes_nothing_outside_the_named_graphs(fixture_store, curated_store):
    """facts-without-source reads the named graphs; the store's own default graph must stay empty."""
    from pyoxigraph import DefaultGraph
    for store in (fixture_store, curated_store):
        assert next(iter(store.quads_for_pattern(None, None, None, DefaultGraph())), None) is None


def test_a_required_parameter_must_be_given():
    with pytest.raises(library.QueryError, match="model-lineage has no parameter colour"):
        library.get("model-lineage").bindings({"colour": "red"})


def test_defaults_fill_missing_parameters():
    assert library.get("model-lineage").bound_text({}).count('"llama-2-70b-chat"') == 1


def test_parameter_values_cannot_inject_sparql(fixture_store):
    hostile = 'Acme AI" } } UNION { ?firm ?p ?o } #'
    assert answer(fixture_store, "models-by-tier", org=hostile) == []
    text = library.get("models-by-tier").bound_text({"org": hostile})
    assert 'VALUES (?__org) { ("Acme AI\\" } } UNION { ?firm ?p ?o } #") }' in text


def test_unknown_query_suggests_the_nearest_name():
    with pytest.raises(library.QueryError, match="did you mean 'models-by-tier'"):
        library.get("model-by-tier")


def test_typed_parameters_are_checked():
    p = library.Parameter(name="year", variable="_year_integer", kind="integer")
    with pytest.raises(library.QueryError, match="'2023; DROP' is not a whole number"):
        p.term("2023; DROP")
    assert str(p.term("2023")) == '"2023"^^<http://www.w3.org/2001/XMLSchema#integer>'
