"""The ontology is consistent under HermiT, every term is documented, and the reasoner really runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import owlready2
import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from aivc import paths

pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs a Java runtime")
FIXTURES = Path(__file__).parent / "fixtures" / "ontology"


def ontology_graph(*extra: Path) -> rdflib.Graph:
    g = rdflib.Graph()
    for f in [*sorted(paths.ONTOLOGY.glob("*.ttl")), *extra]:
        g.parse(f)
    # Everything is loaded locally: drop owl:imports so owlready2 never reaches for the network.
    g.remove((None, OWL.imports, None))
    return g


def reason(graph: rdflib.Graph, tmp_path: Path):
    """Load into a fresh owlready2 world (RDF/XML) and run HermiT; returns the world."""
    rdfxml = tmp_path / "aivc.owl"
    graph.serialize(rdfxml, format="xml")
    world = owlready2.World()
    world.get_ontology(rdfxml.as_uri()).load()
    owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    return world


def unsatisfiable(world) -> list[str]:
    """IRIs of the classes HermiT found unsatisfiable (owl:Nothing itself aside)."""
    return sorted(c.iri for c in world.inconsistent_classes() if c is not owlready2.Nothing)


def test_ontology_is_consistent_with_no_unsatisfiable_class(tmp_path):
    world = reason(ontology_graph(), tmp_path)
    assert unsatisfiable(world) == []


def test_reasoner_reports_an_inconsistent_fixture(tmp_path):
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        reason(ontology_graph(FIXTURES / "inconsistent.ttl"), tmp_path)


def test_reasoner_reports_an_unsatisfiable_class(tmp_path):
    world = reason(ontology_graph(FIXTURES / "unsatisfiable.ttl"), tmp_path)
    assert unsatisfiable(world) == ["https://example.org/ModelDataset"]


def test_every_aivc_term_has_a_label_and_a_definition():
    g = ontology_graph()
    undocumented = sorted(
        str(t) for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual)
        for t in g.subjects(RDF.type, kind)
        if str(t).startswith("https://w3id.org/aivc/")
        and not (g.value(t, RDFS.label) and g.value(t, SKOS.definition)))
    assert undocumented == []


def test_no_two_aivc_terms_share_a_label():
    g = ontology_graph()
    labels: dict[str, list[str]] = {}
    for t, label in g.subject_objects(RDFS.label):
        if isinstance(t, rdflib.URIRef) and str(t).startswith("https://w3id.org/aivc/ontology#"):
            labels.setdefault(f"{label}|{_kind(g, t)}", []).append(str(t))
    assert {k: v for k, v in labels.items() if len(v) > 1} == {}


def _kind(g: rdflib.Graph, t) -> str:
    # A class and the property that points at it may share a label ("access tier"); two classes may not.
    return "property" if (t, RDF.type, OWL.ObjectProperty) in g or (t, RDF.type, OWL.DatatypeProperty) in g else "entity"


def test_access_tiers_are_an_ordered_scheme_of_six():
    g = ontology_graph()
    aivc = rdflib.Namespace("https://w3id.org/aivc/ontology#")
    ranked = sorted((int(g.value(t, aivc.rank)), str(g.value(t, aivc.slug)))
                    for t in g.subjects(RDF.type, aivc.AccessTier))
    assert ranked == [(0, "fully-closed"), (1, "gradual-staged"), (2, "hosted"), (3, "cloud-api"),
                      (4, "downloadable-weights"), (5, "fully-open")]


def test_governance_types_align_to_the_five_gvc_types():
    g = ontology_graph()
    aivc = rdflib.Namespace("https://w3id.org/aivc/ontology#")
    pairs = sorted((int(g.value(t, aivc.rank)), str(g.value(t, aivc.slug)), str(g.value(g.value(t, aivc.gvcType), aivc.slug)))
                   for t in g.subjects(RDF.type, aivc.GovernanceType))
    assert pairs == [(1, "hierarchical", "hierarchy"), (2, "captive-externalized", "captive"),
                     (3, "open-platform", "modular"), (4, "controlled-openness", "relational"),
                     (5, "full-openness", "market")]
