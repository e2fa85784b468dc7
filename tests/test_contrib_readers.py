"""The contribution readers: every fact in its source's graph, every fact located in the contributor's file."""

from __future__ import annotations

import json
from pathlib import Path
from textwrap import dedent

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from aivc import ns
from aivc.contrib.contribution import Place, Unreadable
from aivc.contrib.readers import read_contribution
from aivc.contrib.turtle_format import statements

TEMPLATES = Path(__file__).parent.parent / "contrib" / "templates"
A = ns.AIVC
PROVENANCE = ns.PROVENANCE_GRAPH.value
DERIVED_FROM = ns.PROV + "wasDerivedFrom"


def graphs_of(contribution) -> dict[str, str]:
    """graph -> the document it is derived from, as the contribution's provenance says."""
    return {q.subject.value: q.object.value for q in contribution.quads
            if q.graph_name.value == PROVENANCE and q.predicate.value == DERIVED_FROM}


def test_csv_rows_are_located_by_row_and_column_and_sourced():
    c = read_contribution(TEMPLATES / "models-example.csv")
    assert (c.syntax, c.records, c.problems) == ("csv", 2, [])
    assert c.place_of(ns.BASE + "release/example-chat-7b-q4", A + "accessTier") == Place(2, "tier")
    assert c.place_of(ns.BASE + "model/example-reader-1b", A + "developedBy") == Place(3, "developer")
    assert c.place_of(ns.BASE + "model/example-reader-1b") == Place(3, None)
    sources = graphs_of(c)
    facts = [q for q in c.quads if q.graph_name.value != PROVENANCE]
    assert {sources[q.graph_name.value] for q in facts} == {"https://example.org/example-lab/quantized",
                                                            "https://example.org/example-lab/reader"}
    assert Quad(NamedNode("https://example.org/example-lab/reader"), NamedNode("http://purl.org/pav/retrievedOn"),
                Literal("2026-01-15", datatype=NamedNode(ns.XSD + "date")), ns.PROVENANCE_GRAPH) in c.quads
    assert Quad(NamedNode(ns.BASE + "model/example-reader-1b"), NamedNode(A + "sourceRecord"),
                Literal("models-example.csv row 3"), ns.PROVENANCE_GRAPH) in c.quads


def test_csv_fact_rows_follow_the_ontology_ranges():
    c = read_contribution(TEMPLATES / "facts-example.csv")
    facts = {(q.subject.value, q.predicate.value): q.object for q in c.quads if q.graph_name.value != PROVENANCE}
    assert facts[(ns.BASE + "release/example-chat-7b", A + "primaryChannel")] == NamedNode(A + "ModelHub")
    assert facts[(ns.BASE + "model/example-chat-7b", A + "parameterCount")] == Literal(
        "7000000000", datatype=NamedNode(ns.XSD + "integer"))
    assert c.place_of(ns.BASE + "model/example-chat-7b", A + "huggingFaceId") == Place(2, "value")


def test_yaml_is_located_by_line_and_key_in_graphs_of_the_contribution():
    c = read_contribution(TEMPLATES / "contribution-example.yaml")
    assert c.problems == [] and c.records == 3
    assert c.place_of(ns.BASE + "model/example-chat-7b", A + "fineTunedFrom") == Place(29, "base_model")
    assert c.place_of(ns.BASE + "licence/example-research-licence/non-commercial", A + "restrictionType") == Place(43, "type")
    assert set(graphs_of(c)) == {ns.graph("contrib", c.ident, key).value for key in ("about", "announcement", "licence-text")}
    assert c.ident == f"contribution-example-{c.digest[:12]}"


def test_jsonld_uses_aivcs_own_context_and_points_into_the_document(tmp_path):
    c = read_contribution(TEMPLATES / "contribution-example.jsonld")
    assert c.problems == []
    assert c.place_of(ns.BASE + "release/example-vision-2b", A + "accessTier") == Place(None, "/@graph/1/aivc:accessTier")
    assert c.place_of(ns.BASE + "model/example-vision-2b") == Place(None, "/@graph/0")
    inline = {"@context": {"m": ns.BASE + "model/", "name": ns.RDFS + "label", "a": ns.AIVC,
                           "terms": {"@id": ns.AIVC + "hasRestriction"}},
              "@id": ns.BASE + "licence/x", "@type": "a:Licence", "name": "X",
              "terms": [{"@type": "a:LicenceRestriction", "a:restrictionType": {"@id": "a:NonCommercial"}}],
              "http://purl.org/dc/terms/source": {"@id": "https://example.org/x",
                                                  "http://purl.org/dc/terms/title": "X"}}
    (tmp_path / "inline.jsonld").write_text(json.dumps(inline))
    c = read_contribution(tmp_path / "inline.jsonld")
    restriction = [q for q in c.quads if q.predicate.value == A + "restrictionType"]
    assert len(restriction) == 1 and restriction[0].subject.value.startswith(ns.BASE + "genid/")
    assert c.place_of(ns.BASE + "licence/x", ns.RDFS + "label") == Place(None, "/name")
    assert graphs_of(c)[restriction[0].graph_name.value] == "https://example.org/x", "an inline part shares its source"


def test_turtle_facts_are_located_at_their_own_line(tmp_path):
    c = read_contribution(TEMPLATES / "contribution-example.ttl")
    assert c.problems == []
    assert c.place_of(ns.BASE + "release/example-coder-1b", A + "licence") == Place(21, "aivc:licence")
    assert c.place_of(ns.BASE + "model/example-coder-1b", A + "describedAsOpenSource") == Place(15, "aivc:describedAsOpenSource")
    assert graphs_of(c)[next(q.graph_name.value for q in c.quads if q.predicate.value == A + "releaseOf")] == \
        "https://example.org/example-lab/coder", "a release shares the source of the model it releases"


def test_turtle_statements_are_cut_where_turtle_ends_them():
    text = dedent('''\
        @prefix ex: <http://e/> .   # a comment with a . in it
        PREFIX b: <http://b/>
        ex:a ex:p "a value. with dots." , """long
        text . """ ; ex:q <http://e/x#frag.ment> .
        ex:b ex:p [ ex:q ( 1.5 2 ) ] ; ex:r ex:c.d .
        ''')
    pieces = [text[s:e] for s, e in statements(text)]
    assert pieces == ["@prefix ex: <http://e/> .", "PREFIX b: <http://b/>",
                      'ex:a ex:p "a value. with dots." , """long\ntext . """ ; ex:q <http://e/x#frag.ment> .',
                      "ex:b ex:p [ ex:q ( 1.5 2 ) ] ; ex:r ex:c.d ."]


def test_rdfxml_without_a_dtd_is_read(tmp_path):
    (tmp_path / "m.rdf").write_text(dedent(f'''\
        <?xml version="1.0"?>
        <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:aivc="{ns.AIVC}"
                 xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#" xmlns:dcterms="http://purl.org/dc/terms/">
          <rdf:Description rdf:about="model/ex-xml">
            <rdf:type rdf:resource="{ns.AIVC}FoundationModel"/>
            <rdfs:label>Ex XML</rdfs:label>
            <dcterms:source rdf:resource="https://example.org/xml"/>
          </rdf:Description>
          <rdf:Description rdf:about="https://example.org/xml"><dcterms:title>X</dcterms:title></rdf:Description>
        </rdf:RDF>
        '''))
    c = read_contribution(tmp_path / "m.rdf")
    assert (c.syntax, c.records, c.problems) == ("rdfxml", 1, [])
    assert c.place_of(ns.BASE + "model/ex-xml", ns.RDFS + "label") == Place(4, None)


def test_a_huge_file_is_refused_before_it_is_read(tmp_path):
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as f:
        f.truncate(21 * 1024 * 1024)     # sparse: 21 MB that take no disk
    with pytest.raises(Unreadable) as refused:
        read_contribution(huge)
    assert str(refused.value) == ("huge.csv: the file is 21.0 MB; contributions are limited to 20.0 MB: "
                                  "split it into several files")


@pytest.mark.parametrize("name, message", [
    ("missing.csv", "missing.csv: no such file"),
    ("folder.ttl", "folder.ttl: not a file"),
])
def test_missing_files_and_folders_are_unreadable(tmp_path, name, message):
    (tmp_path / "folder.ttl").mkdir()
    with pytest.raises(Unreadable) as refused:
        read_contribution(tmp_path / name)
    assert str(refused.value) == message
