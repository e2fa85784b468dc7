"""aivc export: every format re-imports to the same statements; a VoID/DCAT description and a version beside it."""

from __future__ import annotations

import hashlib
import json
from collections import Counter

import pytest
import rdflib
from pyoxigraph import RdfFormat, parse

from aivc import store as stores
from aivc.description import dataset_version
from aivc.export import EXPORT_FORMATS, merged_triples
from aivc.linked_data import context
from real_servers import aivc_cli

PARSE = {"nquads": RdfFormat.N_QUADS, "trig": RdfFormat.TRIG, "jsonld": RdfFormat.JSON_LD,
         "turtle": RdfFormat.TURTLE, "ntriples": RdfFormat.N_TRIPLES}


@pytest.mark.parametrize("name", sorted(EXPORT_FORMATS))
def test_every_format_round_trips(name, fixture_store_path, fixture_store, tmp_path):
    fmt = EXPORT_FORMATS[name]
    path = tmp_path / f"aivc.{fmt.extension}"
    result = aivc_cli("export", "--format", name, "--output", str(path), "--store", str(fixture_store_path))
    assert result.exit_code == 0, result.output
    back = Counter(parse(path=str(path), format=PARSE[name]))
    if fmt.keeps_graphs:
        assert back == Counter(fixture_store)                       # every statement, in its named graph, once
    else:
        assert set(back.values()) == {1}
        assert {q.triple for q in back} == set(merged_triples(fixture_store))
        assert len(back) == len({q.triple for q in fixture_store})


def test_the_description_gives_version_size_and_checksum(fixture_store_path, fixture_store, tmp_path):
    path = tmp_path / "aivc.nq"
    result = aivc_cli("export", "-f", "nquads", "-o", str(path), "--base-url", "https://example.org/dumps/",
                      "--store", str(fixture_store_path))
    assert result.exit_code == 0, result.output
    g = rdflib.Graph().parse(tmp_path / "aivc.void.ttl", format="turtle")
    void, dcat = rdflib.Namespace("http://rdfs.org/ns/void#"), rdflib.Namespace("http://www.w3.org/ns/dcat#")
    spdx = rdflib.Namespace("http://spdx.org/rdf/terms#")
    dataset = rdflib.URIRef("https://w3id.org/aivc/dataset/aivc")
    built_at = stores.build_info(fixture_store_path)["built_at"]
    assert str(g.value(dataset, dcat.version)) == dataset_version(built_at) == "0.1.0+" + \
        built_at.replace("-", "").replace(":", "")
    assert g.value(dataset, void.triples).toPython() == len(fixture_store)
    dist = rdflib.URIRef("https://w3id.org/aivc/dataset/aivc/distribution/aivc.nq")
    assert g.value(dist, dcat.byteSize).toPython() == path.stat().st_size
    assert str(g.value(g.value(dist, spdx.checksum), spdx.checksumValue)) == hashlib.sha256(path.read_bytes()).hexdigest()
    assert g.value(dist, dcat.downloadURL) == rdflib.URIRef("https://example.org/dumps/aivc.nq")
    assert g.value(dataset, void.dataDump) == rdflib.URIRef("https://example.org/dumps/aivc.nq")


def test_json_ld_uses_the_published_context(fixture_store_path, fixture_store, tmp_path):
    path = tmp_path / "aivc.jsonld"
    assert aivc_cli("export", "-f", "jsonld", "-o", str(path), "--store", str(fixture_store_path)).exit_code == 0
    doc = json.loads(path.read_text())
    assert json.loads((tmp_path / "context.jsonld").read_text()) == context()
    assert doc["@context"] == context()["@context"]
    acme = next(g for g in doc["@graph"] if g["@id"] == "aivcr:graph/curated/acme/about")
    org = next(n for n in acme["@graph"] if n["@id"] == "aivcr:org/acme")
    assert org["@type"] == ["aivc:Organization"] and org["rdfs:label"] == ["Acme AI"]
    assert org["aivc:ownerType"] == [{"@id": "aivc:BigTech"}]
    # a second, independent JSON-LD processor reads the same statements
    other = rdflib.Dataset()
    other.parse(path, format="json-ld")
    default = rdflib.graph.DATASET_DEFAULT_GRAPH_ID
    theirs = Counter((str(s), str(p), str(o), "" if g in (None, default) else str(g)) for s, p, o, g in other.quads())
    ours = Counter((q.subject.value, q.predicate.value, q.object.value, q.graph_name.value if q.graph_name.value else "")
                   for q in fixture_store)
    assert theirs == ours


def test_export_errors_are_clear(fixture_store_path, tmp_path):
    missing = aivc_cli("export", "-f", "turtle", "-o", str(tmp_path / "no" / "such" / "x.ttl"),
                       "--store", str(fixture_store_path))
    assert (missing.exit_code, missing.stderr.strip()) == (2, f"error: {tmp_path / 'no' / 'such'}: no such folder")
    nostore = aivc_cli("export", "-f", "turtle", "-o", str(tmp_path / "x.ttl"), "--store", str(tmp_path / "none"))
    assert nostore.exit_code == 1 and "run 'aivc build' first" in nostore.stderr
    assert not (tmp_path / "x.ttl").exists()


@pytest.mark.parametrize("command, words", [
    (["serve"], "read-only SPARQL 1.1 endpoint, with a query editor"),
    (["push"], "every named graph kept"),
    (["export"], "Re-importing an export gives the same statements"),
    (["link", "wikidata"], "Reconcile organizations, models and licences with Wikidata items"),
])
def test_the_new_commands_explain_themselves(command, words):
    result = aivc_cli(*command, "--help")
    assert result.exit_code == 0 and words in " ".join(result.stdout.split())
