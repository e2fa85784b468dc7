"""aivc docs: the documentation is complete with respect to the ontology, shapes and stored queries it
is generated from, and states their contents exactly. (The browser test is in test_report_browser.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, SKOS

from aivc import ns, paths, queries as library
from aivc.docs import curie, document, make_docs, read_graph

FIXTURE_DATA = Path(__file__).parent / "fixtures" / "data"


@pytest.fixture(scope="module")
def docs():
    """The documentation, with examples drawn from the fixture dataset."""
    return document(data=FIXTURE_DATA)


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return read_graph(paths.ONTOLOGY)


def terms(docs) -> dict:
    return {t.curie: t for t in docs.classes + docs.properties}


def own(graph: rdflib.Graph, kind) -> set[str]:
    return {curie(str(s)) for s in graph.subjects(RDF.type, kind) if str(s).startswith(ns.AIVC)}


def test_every_class_and_property_is_documented_once_with_its_label_and_definition(docs, ontology):
    assert [t.curie for t in docs.classes] == sorted({t.curie for t in docs.classes},
                                                      key=lambda c: (terms(docs)[c].label.lower(), c))
    assert {t.curie for t in docs.classes} == own(ontology, OWL.Class)
    assert {t.curie for t in docs.properties} == (own(ontology, OWL.ObjectProperty)
                                                  | own(ontology, OWL.DatatypeProperty)
                                                  | own(ontology, OWL.AnnotationProperty))
    for term in docs.classes + docs.properties:
        iri = rdflib.URIRef(term.iri)
        assert term.label == str(ontology.value(iri, RDFS.label)), term.curie
        assert term.definition == " ".join(str(ontology.value(iri, SKOS.definition)).split()), term.curie


def test_a_class_shows_its_place_logic_and_alignments(docs):
    developer = terms(docs)["aivc:FoundationModelDeveloper"]
    assert [(name, [str(v) for v in values]) for name, values in developer.rows] == [
        ("subclass of", ['<a href="#aivc-Organization">aivc:Organization</a>']),
        ("defined as", ['<a href="#aivc-Organization">aivc:Organization</a> and (<a href="#aivc-developerOf">'
                        'aivc:developerOf</a> some <a href="#aivc-FoundationModel">aivc:FoundationModel</a>)'])]
    licence_rows = dict(terms(docs)["aivc:Licence"].rows)
    assert [str(v) for v in licence_rows["aligned to"]] == [
        '<a href="http://purl.org/dc/terms/LicenseDocument">dcterms:LicenseDocument</a>',
        '<a href="http://www.w3.org/ns/odrl/2/Policy">odrl:Policy</a>']


def test_a_property_shows_domain_range_characteristics_and_alignments(docs):
    rows = {name: [str(v) for v in values] for name, values in terms(docs)["aivc:developedBy"].rows}
    assert rows["domain"] == ['<a href="#aivc-AIAsset">aivc:AIAsset</a>']
    assert rows["range"] == ['<a href="#aivc-Organization">aivc:Organization</a>']
    assert rows["inverse of"] == ['<a href="#aivc-developerOf">aivc:developerOf</a>']
    assert rows["aligned to"] == ['<a href="http://www.w3.org/ns/prov#wasAttributedTo">prov:wasAttributedTo</a>',
                                  '<a href="https://schema.org/creator">schema:creator</a>']
    assert dict(terms(docs)["aivc:releaseOf"].rows)["characteristics"] == ["functional"]


def test_examples_come_from_the_data_with_their_sources(docs):
    assert terms(docs)["aivc:FoundationModel"].examples == [
        "Acme Big <https://w3id.org/aivc/model/acme-big> (source: Acme Big announcement)",
        "Acme Internal <https://w3id.org/aivc/model/acme-internal> (source: About Acme AI)",
        "Acme Open 7B <https://w3id.org/aivc/model/acme-open-7b> (source: Acme Open announcement)"]
    assert terms(docs)["aivc:quantizedFrom"].examples == ["Tiny Chat Q4 → Tiny Chat (source: Tiny Chat model card)"]
    assert terms(docs)["aivc:derivedFrom"].examples == [        # materialized by the inference rules
        "Acme Open 7B Chat → Acme Open 7B (derived by aivc rules)",
        "Tiny Chat Q4 → Tiny Chat (derived by aivc rules)",
        "Tiny Chat → Acme Open 7B Chat (derived by aivc rules)"]


def test_shapes_are_summarized_on_the_terms_they_target(docs):
    [shape] = [s for s in terms(docs)["aivc:AIModel"].shapes if s.name == "aivcsh:AIModelShape"]
    assert [(str(path), rule, message) for path, rule, message in shape.constraints] == [
        ('<a href="#aivc-describedAsOpenSource">aivc:describedAsOpenSource</a>', "0..1 · datatype xsd:boolean",
         "described-as-open-source is true or false"),
        ('<a href="#aivc-developedBy">aivc:developedBy</a>', "0..* · instance of aivc:Organization",
         "a model is developed by a known organization"),
        ('<a href="#aivc-parameterCount">aivc:parameterCount</a>', "0..1 · datatype xsd:integer · greater than 0",
         "the parameter count is one positive whole number"),
        ('<a href="http://www.w3.org/2000/01/rdf-schema#label">rdfs:label</a>', "1..1 · datatype xsd:string",
         "a model has exactly one name")]
    assert [message for message, _ in shape.sparql] == [
        "a model names who made it: the organization that developed it (or, for a model a hub lists, the account "
        "that publishes it)"]
    [derived] = terms(docs)["aivc:DerivedModel"].shapes
    assert derived.sparql[0][0] == "lineage cycle: the model is among its own ancestors"
    [assignment] = terms(docs)["aivc:governanceType"].shapes
    assert (assignment.name, assignment.scope) == ("aivcsh:GovernanceAssignmentShape", "every subject of {}")


def test_the_tier_scheme_and_governance_types_in_their_order(docs):
    schemes = {s.label: s for s in docs.schemes}
    assert [(c["rank"], c["slug"], c["label"]) for c in schemes["access tiers"].concepts] == [
        (0, "fully-closed", "fully closed"), (1, "gradual-staged", "gradual / staged"), (2, "hosted", "hosted"),
        (3, "cloud-api", "cloud / API"), (4, "downloadable-weights", "downloadable weights"),
        (5, "fully-open", "fully open")]
    governance = schemes["governance types of openness"].concepts
    assert [(c["slug"], [str(a) for a in c["aligned"]]) for c in governance] == [
        ("hierarchical", ['<a href="#aivc-GVCHierarchy">aivc:GVCHierarchy</a>']),
        ("captive-externalized", ['<a href="#aivc-GVCCaptive">aivc:GVCCaptive</a>']),
        ("open-platform", ['<a href="#aivc-GVCModular">aivc:GVCModular</a>']),
        ("controlled-openness", ['<a href="#aivc-GVCRelational">aivc:GVCRelational</a>']),
        ("full-openness", ['<a href="#aivc-GVCMarket">aivc:GVCMarket</a>'])]
    assert governance[2]["definition"].startswith("Weights are downloadable, but a licence that is not open source")
    assert schemes["governance types of openness"].source == "https://arxiv.org/abs/2509.10220"


def test_every_stored_query_is_listed_with_its_header(docs):
    assert [q.name for q in docs.queries] == list(library.library())


def test_the_written_page_links_every_term_and_query(docs, tmp_path):
    make_docs(tmp_path / "docs", docs)
    page = (tmp_path / "docs" / "index.html").read_text()
    for term in docs.classes + docs.properties:
        assert f'<div class="term" id="{term.anchor}" data-kind="{term.kind}">' in page
        assert f'<a href="#{term.anchor}">' in page
    for query in docs.queries:
        assert f'<div class="term" id="query-{query.name}">' in page
    assert '<tr id="aivc-DownloadableWeights"><td>4</td><td><code>downloadable-weights</code></td>' in page
    assert (tmp_path / "docs" / "style.css").is_file()
