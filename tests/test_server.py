"""aivc serve as users use it: a real server process on 127.0.0.1, asked over plain HTTP and with SPARQLWrapper."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
import rdflib
from rdflib import compare
from pyoxigraph import QueryResultsFormat, RdfFormat, parse, parse_query_results
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

from aivc import queries as library, store as stores
from aivc.description import dataset_version
from aivc.linked_data import context
from aivc.server.app import STATIC
from real_servers import aivc_cli, aivc_serve, wikidata_endpoint  # noqa: F401 - fixture

AIVC = "https://w3id.org/aivc/ontology#"
FOUNDATION_LABELS = ["Acme Big", "Acme Internal", "Acme Open 7B", "Commons 1B", "Commons NC", "Tiny Pro"]
LABELS_QUERY = (f"PREFIX aivc: <{AIVC}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
                "SELECT ?label WHERE { ?m a aivc:FoundationModel ; rdfs:label ?label } ORDER BY ?label")
CONSTRUCT_ORGS = f"CONSTRUCT {{ ?o a <{AIVC}Organization> }} WHERE {{ ?o a <{AIVC}Organization> }}"
ORGS = {f"https://w3id.org/aivc/org/{o}" for o in ("acme", "commons", "tiny")}
READ_ONLY = "this endpoint is read-only: SPARQL Update and graph changes are refused\n"


@pytest.fixture(scope="module")
def endpoint(fixture_store_path):
    with aivc_serve(fixture_store_path, "--result-limit", "100", "--time-limit", "20", "--workers", "2") as base:
        yield base


@pytest.fixture(scope="module")
def strict_endpoint(fixture_store_path, wikidata_endpoint):  # noqa: F811
    host = urllib.parse.urlsplit(wikidata_endpoint).netloc
    with aivc_serve(fixture_store_path, "--time-limit", "1", "--workers", "2", "--allow-service", host) as base:
        yield base


def http(method: str, url: str, data: bytes | None = None, headers: dict | None = None):
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.headers, refused.read()


def get(url: str, **params):
    accept = params.pop("accept", None)
    query = urllib.parse.urlencode(params)
    return http("GET", url + ("?" + query if query else ""), headers={"Accept": accept} if accept else {})


def labels(body: bytes) -> list[str]:
    return [b["label"]["value"] for b in json.loads(body)["results"]["bindings"]]


def test_select_by_get_and_both_posts(endpoint):
    status, headers, body = get(endpoint + "/sparql", query=LABELS_QUERY)
    assert (status, headers["Content-Type"]) == (200, "application/sparql-results+json")
    assert labels(body) == FOUNDATION_LABELS
    form = urllib.parse.urlencode({"query": LABELS_QUERY}).encode()
    assert labels(http("POST", endpoint + "/sparql", form,
                       {"Content-Type": "application/x-www-form-urlencoded"})[2]) == FOUNDATION_LABELS
    assert labels(http("POST", endpoint + "/sparql", LABELS_QUERY.encode(),
                       {"Content-Type": "application/sparql-query"})[2]) == FOUNDATION_LABELS


@pytest.mark.parametrize("accept, media_type, results_format", [
    ("application/sparql-results+xml", "application/sparql-results+xml", QueryResultsFormat.XML),
    ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8", QueryResultsFormat.TSV),
    ("text/html;q=0.9, application/json;q=0.5", "application/sparql-results+json", QueryResultsFormat.JSON),
])
def test_solutions_in_every_format(endpoint, accept, media_type, results_format):
    status, headers, body = get(endpoint + "/sparql", query=LABELS_QUERY, accept=accept)
    assert (status, headers["Content-Type"]) == (200, media_type)
    assert [s["label"].value for s in parse_query_results(body, results_format)] == FOUNDATION_LABELS


def test_csv_and_the_format_parameter(endpoint):
    status, headers, body = get(endpoint + "/sparql", query=LABELS_QUERY, format="csv")
    assert (status, headers["Content-Type"]) == (200, "text/csv; charset=utf-8")
    assert list(csv.reader(io.StringIO(body.decode()))) == [["label"], *([x] for x in FOUNDATION_LABELS)]


@pytest.mark.parametrize("accept, media_type, rdf_format", [
    ("text/turtle", "text/turtle", RdfFormat.TURTLE),
    ("application/n-triples", "application/n-triples", RdfFormat.N_TRIPLES),
    ("application/ld+json", "application/ld+json", RdfFormat.JSON_LD),
    ("application/rdf+xml", "application/rdf+xml", RdfFormat.RDF_XML),
])
def test_graphs_in_every_format(endpoint, accept, media_type, rdf_format):
    status, headers, body = get(endpoint + "/sparql", query=CONSTRUCT_ORGS, accept=accept)
    assert (status, headers["Content-Type"]) == (200, media_type)
    assert {q.subject.value for q in parse(body, rdf_format)} == ORGS


def test_a_format_nobody_offers_is_refused(endpoint):
    status, _, body = get(endpoint + "/sparql", query=LABELS_QUERY, accept="image/png")
    assert status == 406
    assert body.decode() == ("none of the requested types (image/png) is offered for this result; offered: "
                             "application/sparql-results+json, application/sparql-results+xml, text/csv, "
                             "text/tab-separated-values\n")


def test_sparqlwrapper_select_ask_construct(endpoint):
    client = SPARQLWrapper(endpoint + "/sparql")
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    client.setQuery(LABELS_QUERY)
    assert [b["label"]["value"] for b in client.query().convert()["results"]["bindings"]] == FOUNDATION_LABELS
    client.setQuery(f"ASK {{ ?m <{AIVC}describedAsOpenSource> true }}")
    assert client.query().convert()["boolean"] is True
    client.setQuery(CONSTRUCT_ORGS)
    client.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=client.query().convert(), format="turtle")
    assert {str(s) for s in graph.subjects()} == ORGS


def test_stored_questions_are_listed_and_callable(endpoint):
    status, _, body = get(endpoint + "/queries")
    listed = json.loads(body)
    assert status == 200 and [q["name"] for q in listed] == list(library.library())
    by_name = {q["name"]: q for q in listed}
    assert by_name["models-by-tier"]["parameters"] == [
        {"name": "org", "type": "string", "required": False, "default": None, "allowed": []}]
    assert by_name["models-by-tier"]["url"] == endpoint + "/queries/models-by-tier"
    status, _, body = get(endpoint + "/queries/models-by-tier", org="Acme AI", format="csv")
    assert status == 200
    assert body.decode().splitlines() == ["org,tier,rank,models", "Acme AI,fully-closed,0,1",
                                          "Acme AI,cloud-api,3,1", "Acme AI,downloadable-weights,4,2"]
    status, _, text = get(endpoint + "/queries/models-by-tier.rq", org="Acme AI")
    assert status == 200 and '  VALUES (?__org) { ("Acme AI") }' in text.decode()


def test_stored_question_errors(endpoint):
    status, _, body = get(endpoint + "/queries/models-by-tier", firm="Acme")
    assert (status, body) == (400, b"models-by-tier has no parameter firm (it takes: org)\n")
    status, _, body = get(endpoint + "/queries/model-by-tier")
    assert (status, body) == (404, b"no stored query 'model-by-tier'; did you mean 'models-by-tier'?\n")


@pytest.mark.parametrize("method, data, headers, status", [
    ("POST", b"update=INSERT+DATA+%7B+%3Ca%3E+%3Cb%3E+%3Cc%3E+%7D", {"Content-Type": "application/x-www-form-urlencoded"}, 403),
    ("POST", b"INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }", {"Content-Type": "application/sparql-update"}, 403),
    ("POST", b"PREFIX x: <http://x/> # a comment\nDELETE WHERE { ?s ?p ?o }", {"Content-Type": "application/sparql-query"}, 403),
    ("PUT", b"<http://x/a> <http://x/b> <http://x/c> .", {"Content-Type": "application/n-triples"}, 405),
    ("DELETE", None, {}, 405),
])
def test_updates_are_refused(endpoint, fixture_store_path, method, data, headers, status):
    answer = http(method, endpoint + "/sparql", data, headers)
    assert (answer[0], answer[2].decode()) == (status, READ_ONLY)
    assert len(stores.open_read_only(fixture_store_path)) == stores.build_info(fixture_store_path)["triples"]


def test_a_malformed_query_gets_the_parsers_message_and_position(endpoint):
    status, _, body = get(endpoint + "/sparql", query="SELECT ?x WHERE {\n  ?x ?y ?z .\n  FILTER(?z = ) }")
    assert status == 400
    lines = body.decode().splitlines()
    assert lines[0] == ("malformed SPARQL query at line 3, column 18: expected one of ABS, AVG, DAY, IRI, MAX, MD5, "
                        "MIN, NOT, NOW, PREDICATE, STR, STRBEFORE, STRSTARTS, SUM, URI, [_], isLITERAL, isNUMERIC")
    assert lines[1:] == ["    FILTER(?z = ) }", " " * 19 + "^"]


def test_the_result_limit_cuts_and_says_so(endpoint):
    status, headers, body = get(endpoint + "/sparql", query="SELECT * WHERE { ?s ?p ?o }")
    assert status == 200 and headers["X-SPARQL-MaxRows"] == "100"
    assert len(json.loads(body)["results"]["bindings"]) == 100
    status, headers, body = get(endpoint + "/sparql", query=LABELS_QUERY)
    assert headers["X-SPARQL-MaxRows"] is None and len(labels(body)) == 6


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_the_time_limit_stops_a_runaway_query_and_the_server_keeps_serving(strict_endpoint):
    started = time.monotonic()
    status, _, body = get(strict_endpoint + "/sparql", query=RUNAWAY)
    took = time.monotonic() - started
    assert (status, body) == (503, b"the query ran longer than the time limit of 1 s and was stopped; "
                                   b"narrow it or add a LIMIT\n")
    assert 1.0 <= took < 5.0
    assert labels(get(strict_endpoint + "/sparql", query=LABELS_QUERY)[2]) == FOUNDATION_LABELS
    deadline = time.monotonic() + 30
    while json.loads(get(strict_endpoint + "/health")[2])["workers"]["alive"] != 2:   # the killed worker is replaced
        assert time.monotonic() < deadline, "the stopped worker was not replaced"
        time.sleep(0.2)


def test_service_is_refused_unless_the_host_is_allowed(endpoint, strict_endpoint, wikidata_endpoint):  # noqa: F811
    federated = ("SELECT ?label WHERE { SERVICE <%s> { <http://www.wikidata.org/entity/Q990000001> "
                 "<http://www.w3.org/2000/01/rdf-schema#label> ?label } }" % wikidata_endpoint)
    host = urllib.parse.urlsplit(wikidata_endpoint).netloc
    status, _, body = get(endpoint + "/sparql", query=federated)
    assert (status, body.decode()) == (403, f"SERVICE <{wikidata_endpoint}> is not allowed (no SERVICE host is "
                                            f"allowed); allow it with --allow-service {host}\n")
    status, _, body = get(strict_endpoint + "/sparql", query=federated)
    assert status == 200 and labels(body) == ["Acme AI"]
    status, _, body = get(strict_endpoint + "/queries/developer-parents-from-wikidata")
    assert (status, body.decode()) == (403, f"SERVICE <https://query.wikidata.org/sparql> is not allowed (allowed "
                                            f"hosts: {host}); allow it with --allow-service query.wikidata.org\n")
    status, _, body = get(strict_endpoint + "/sparql",
                          query="SELECT * WHERE { BIND(<%s> AS ?e) SERVICE ?e { ?s ?p ?o } }" % wikidata_endpoint)
    assert (status, body.decode()) == (403, "SERVICE ?e: a SERVICE endpoint given by a variable cannot be checked; "
                                            "name the endpoint with an IRI\n")


def test_void_description(endpoint, fixture_store_path):
    status, headers, body = get(endpoint + "/.well-known/void")
    assert (status, headers["Content-Type"]) == (200, "text/turtle")
    g = rdflib.Graph().parse(data=body, format="turtle")
    void, dcat = rdflib.Namespace("http://rdfs.org/ns/void#"), rdflib.Namespace("http://www.w3.org/ns/dcat#")
    dataset = rdflib.URIRef("https://w3id.org/aivc/dataset/aivc")
    store = stores.open_read_only(fixture_store_path)
    assert g.value(dataset, void.triples).toPython() == len(store)
    assert str(g.value(dataset, dcat.version)) == dataset_version(stores.build_info(fixture_store_path)["built_at"])
    assert g.value(dataset, void.sparqlEndpoint) == rdflib.URIRef(endpoint + "/sparql")
    partition = rdflib.URIRef("https://w3id.org/aivc/dataset/aivc/class/AIModel")
    assert g.value(partition, void.entities).toPython() == 9
    assert {str(s) for s in g.objects(dataset, void.subset)} == {graph.value for graph in store.named_graphs()}
    same = rdflib.Graph().parse(data=get(endpoint + "/void", format="jsonld")[2], format="json-ld")
    assert compare.isomorphic(g, same)


def test_service_description_health_and_context(endpoint, fixture_store_path):
    status, _, body = get(endpoint + "/sparql", accept="application/n-triples")
    sd = {(q.subject.value, q.predicate.value.rsplit("#", 1)[-1], q.object.value) for q in parse(body, RdfFormat.N_TRIPLES)}
    service = endpoint + "/sparql"
    assert (service, "supportedLanguage", "http://www.w3.org/ns/sparql-service-description#SPARQL11Query") in sd
    assert (service, "feature", "http://www.w3.org/ns/sparql-service-description#UnionDefaultGraph") in sd
    health = json.loads(get(endpoint + "/health")[2])
    assert {k: health[k] for k in ("status", "statements", "workers", "time_limit_s", "result_limit")} == {
        "status": "ok", "statements": len(stores.open_read_only(fixture_store_path)),
        "workers": {"alive": 2, "configured": 2}, "time_limit_s": 20.0, "result_limit": 100}
    assert json.loads(get(endpoint + "/context.jsonld")[2]) == context()


def test_the_query_library_is_in_the_graph(endpoint):
    status, _, body = get(endpoint + "/sparql", query="""
        PREFIX sh: <http://www.w3.org/ns/shacl#>
        SELECT ?id ?text WHERE { GRAPH <https://w3id.org/aivc/graph/queries> {
          ?q a sh:SPARQLExecutable ; <http://purl.org/dc/terms/identifier> ?id ; sh:select ?text } } ORDER BY ?id""")
    rows = {b["id"]["value"]: b["text"]["value"] for b in json.loads(body)["results"]["bindings"]}
    assert set(rows) == set(library.library())
    assert rows["models-by-tier"] == "\n".join(
        line for line in library.get("models-by-tier").text.splitlines() if not line.startswith("#+")).strip() + "\n"


def test_the_editor_is_served_from_the_package(endpoint):
    status, headers, page = get(endpoint + "/")
    assert (status, headers["Content-Type"]) == (200, "text/html; charset=utf-8")
    assert re.findall(r'(?:src|href)="([^"]+)"', page.decode()) == [
        "data:,", "/static/vendor/yasgui/yasgui.min.css", "/static/editor.css", "/queries", "/.well-known/void",
        "/context.jsonld", "/health", "/static/vendor/yasgui/yasgui.min.js", "/static/editor.js"]
    record = (STATIC / "vendor" / "yasgui" / "VENDORED.md").read_text()
    for name in ("yasgui.min.js", "yasgui.min.css"):
        served = get(endpoint + "/static/vendor/yasgui/" + name)[2]
        assert f"| {name} | {hashlib.sha256(served).hexdigest()} |" in record
    assert get(endpoint + "/static/../app.py")[0] == 404


def test_serve_errors_are_clear(endpoint, fixture_store_path, tmp_path):
    port = urllib.parse.urlsplit(endpoint).port
    missing = aivc_cli("serve", "--store", str(tmp_path / "none"), "--port", str(port))
    assert (missing.exit_code, missing.stderr.strip()) == (
        1, f"error: no aivc graph at {tmp_path / 'none'}: run 'aivc build' first (or pass --store)")
    taken = aivc_cli("serve", "--store", str(fixture_store_path), "--port", str(port), "--workers", "1")
    assert (taken.exit_code, taken.stderr.strip()) == (1, f"error: cannot listen on 127.0.0.1:{port}: Address already in use")
