"""aivc link wikidata against a real Oxigraph server holding a small Wikidata-shaped fixture."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, parse

from aivc import queries as library, store as stores, validation
from aivc.build import build
from real_servers import aivc_cli, canned, flaky_proxy, silent_server, thread_server, wikidata_endpoint  # noqa: F401

TESTS = Path(__file__).parent
WD = "http://www.wikidata.org/entity/"
R = "https://w3id.org/aivc/"
EXACT, SAME = "http://www.w3.org/2004/02/skos/core#exactMatch", "http://www.w3.org/2002/07/owl#sameAs"
SSSOM = "https://w3id.org/sssom/"
LINKS = {
    ("org/acme", "Q990000001", 1.0), ("org/commons", "Q990000003", 0.9), ("org/tiny", "Q990000004", 1.0),
    ("model/acme-open-7b", "Q990000010", 0.9), ("model/tiny-chat", "Q990000012", 0.8),
    ("licence/apache-2.0", "Q990000020", 1.0), ("licence/cc-by-nc-4.0", "Q990000021", 1.0),
}


def link(store: Path, endpoint: str, cache: Path, *options: str):
    return aivc_cli("link", "wikidata", "--store", str(store), "--endpoint", endpoint, "--cache", str(cache),
                    "--interval", "0", "--huggingface-property", "P9100", *options)


def statements(nquads: Path) -> set[tuple[str, str, str]]:
    return {(q.subject.value, q.predicate.value, q.object.value) for q in parse(path=str(nquads), format=RdfFormat.N_QUADS)}


def summary(output: str) -> dict[str, str]:
    return {m.group(1).strip(): m.group(2).strip() for m in re.finditer(r"│ ([^│]+?)\s+│ ([^│]+?)\s+│", output)}


@pytest.fixture(scope="module")
def linked(tmp_path_factory, wikidata_endpoint):  # noqa: F811
    """The fixture dataset, built, then linked: (store location, cache, N-Quads of the links, CLI result)."""
    folder = tmp_path_factory.mktemp("linked")
    build(folder / "store", TESTS / "fixtures" / "data")
    result = link(folder / "store", wikidata_endpoint, folder / "cache", "--output", str(folder / "links.nq"))
    assert result.exit_code == 0, result.output
    return folder / "store", folder / "cache", folder / "links.nq", result


def test_links_with_scores_in_their_own_graph(linked):
    location, _, nquads, result = linked
    found = statements(nquads)
    exact = {(s.removeprefix(R), o.removeprefix(WD)) for s, p, o in found if p == EXACT}
    same = {(s.removeprefix(R), o.removeprefix(WD)) for s, p, o in found if p == SAME and o.startswith(WD)}
    assert exact == {(s, o) for s, o, _ in LINKS}
    assert same == {(s, o) for s, o, score in LINKS if score >= 0.9}
    confidence = {s.removeprefix(R + "mapping/wikidata/"): float(o) for s, p, o in found if p == SSSOM + "confidence"}
    assert confidence == {s: score for s, _, score in LINKS}
    comments = {s.removeprefix(R + "mapping/wikidata/"): o for s, p, o in found if p == SSSOM + "comment"}
    assert comments["org/commons"] == "alias 'Commons Lab'; an organization; country DE"
    assert comments["model/tiny-chat"] == "alias 'Tiny Chat'; developer agrees"
    assert comments["licence/apache-2.0"] == "same SPDX id Apache-2.0"
    assert (R + "org/commons", SAME, "https://ror.org/00commons") in found
    assert (R + "model/acme-open-7b", "https://w3id.org/aivc/ontology#huggingFaceId", "acme/open-7b") in found
    assert summary(result.stdout) == {
        "linked (owl:sameAs + skos:exactMatch)": "6", "linked (skos:exactMatch only)": "1",
        "given in the curated data": "0", "ambiguous (not linked)": "1", "no match": "7",
        "requests sent / answers from cache": "6 / 0"}
    assert f"ambiguous: {R}model/acme-big -> Q990000013 (0.90), Q990000014 (0.90)" in result.stdout


def test_the_links_are_in_the_store_with_their_source(linked):
    location, _, nquads, _ = linked
    store = stores.open_read_only(location)
    graph = [q for q in store.quads_for_pattern(None, None, None, None) if q.graph_name.value == R + "graph/links/wikidata"]
    def same_numbers(s, p, o):
        return (s, p, float(o) if p == SSSOM + "confidence" else o)
    assert {same_numbers(q.subject.value, q.predicate.value, q.object.value) for q in graph} == \
        {same_numbers(*s) for s in statements(nquads) if not s[0].startswith((R + "graph/", "http://127.0.0.1"))}
    assert library.rows(library.run(store, library.get("facts-without-source").text))[1] == []
    assert stores.build_info(location)["links"]["wikidata"]["links"] == 7
    assert validation.validate(store).conforms


def test_offline_mode_uses_the_cache_only(linked, tmp_path):
    location, cache, nquads, _ = linked
    with silent_server() as url:
        port = url.split(":")[2].split("/")[0]
    closed = f"http://127.0.0.1:{port}/query"
    again = link(location, closed, cache, "--offline", "--dry-run", "--output", str(tmp_path / "again.nq"))
    assert again.exit_code == 1, again.output       # the cache is keyed by endpoint: none for this one
    assert again.stderr.strip() == (f"error: linking stopped, the store was not changed: offline, and the cache "
                                    f"({cache}) has no answer from {closed} for one of the requests; run once "
                                    "without --offline to fill it")


def test_relinking_offline_from_the_cache_replaces_the_graph(linked, wikidata_endpoint, tmp_path):  # noqa: F811
    location, cache, nquads, _ = linked
    before = location.resolve()
    again = link(location, wikidata_endpoint, cache, "--offline", "--output", str(tmp_path / "again.nq"))
    assert again.exit_code == 0, again.output
    assert summary(again.stdout)["requests sent / answers from cache"] == "0 / 6"
    assert statements(tmp_path / "again.nq") == statements(nquads)
    assert location.resolve() != before and not before.exists()      # a new build, swapped in; the old one removed
    store = stores.open_read_only(location)
    assert sum(1 for q in store if q.graph_name.value == R + "graph/links/wikidata") == \
        sum(1 for s in statements(nquads) if not s[0].startswith((R + "graph/", "http://127.0.0.1")))


def test_polite_retries_and_rate_limit(tmp_path, wikidata_endpoint):  # noqa: F811
    build(tmp_path / "store", TESTS / "fixtures" / "data")
    arrivals: list[float] = []
    with thread_server(flaky_proxy(wikidata_endpoint, failures=2, arrivals=arrivals)) as proxy:
        result = aivc_cli("link", "wikidata", "--store", str(tmp_path / "store"), "--endpoint", proxy + "/query",
                          "--cache", str(tmp_path / "cache"), "--interval", "0.3", "--backoff", "0", "--retries", "3",
                          "--dry-run", "--only", "organization")
    assert result.exit_code == 0, result.output
    assert summary(result.stdout)["requests sent / answers from cache"] == "4 / 0"   # 2 refused, then names, facts
    assert len(arrivals) == 4
    gaps = [b - a for a, b in zip(arrivals, arrivals[1:], strict=False)]
    assert min(gaps) >= 0.29, gaps
    arrivals.clear()
    with thread_server(flaky_proxy(wikidata_endpoint, failures=5, arrivals=arrivals)) as proxy:
        failed = aivc_cli("link", "wikidata", "--store", str(tmp_path / "store"), "--endpoint", proxy + "/query",
                          "--cache", str(tmp_path / "other-cache"), "--interval", "0", "--backoff", "0",
                          "--retries", "1")
    assert failed.exit_code == 1 and len(arrivals) == 2
    assert failed.stderr.strip() == (f"error: linking stopped, the store was not changed: {proxy}/query refused the "
                                     "request (HTTP 503 Service Unavailable): busy (after 2 attempts)")


def test_garbage_from_the_endpoint_changes_nothing(tmp_path):
    build(tmp_path / "store", TESTS / "fixtures" / "data")
    before = (tmp_path / "store").resolve()
    with thread_server(canned(200, "application/sparql-results+json", b'{"head": {"vars": ["x"]}, "results": 7}')) as base:
        result = aivc_cli("link", "wikidata", "--store", str(tmp_path / "store"), "--endpoint", base + "/sparql",
                          "--cache", str(tmp_path / "cache"), "--interval", "0", "--retries", "0")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: linking stopped, the store was not changed: {base}/sparql answered with "
                                    "something that is not SPARQL JSON results (Content-Type application/sparql-results+json): ")
    assert (tmp_path / "store").resolve() == before and not (tmp_path / "cache").exists()


def test_identifiers_and_curated_links_come_first(data_copy, tmp_path, wikidata_endpoint):  # noqa: F811
    acme, tiny = data_copy / "orgs" / "acme.yaml", data_copy / "orgs" / "tiny.yaml"
    acme.write_text(acme.read_text().replace("    described_as_open_source: true\n",
                                             "    described_as_open_source: true\n    huggingface: acme/open-7b\n", 1))
    tiny.write_text(tiny.read_text().replace("country: FR,", "country: FR, wikidata: Q990000005,"))
    build(tmp_path / "store", data_copy)
    result = link(tmp_path / "store", wikidata_endpoint, tmp_path / "cache", "--dry-run", "--output", str(tmp_path / "l.nq"))
    assert result.exit_code == 0, result.output
    found = statements(tmp_path / "l.nq")
    mapping = R + "mapping/wikidata/model/acme-open-7b"
    assert (mapping, SSSOM + "comment", "same Hugging Face id acme/open-7b") in found
    assert (mapping, SSSOM + "confidence", "1") in found or (mapping, SSSOM + "confidence", "1.0") in found
    assert not any(p.endswith("huggingFaceId") for _, p, _ in found)         # the curated id is not repeated
    assert not any(s == R + "mapping/wikidata/org/tiny" for s, _, _ in found)  # a curated link is not re-mapped
    assert not any(s == R + "model/tiny-chat" for s, _, _ in found)           # its developer is now the other Tiny
    assert summary(result.stdout)["given in the curated data"] == "1"
    assert "dry run: the store was not changed" in result.stdout


def test_a_wrong_property_id_is_refused(fixture_store_path, tmp_path):
    result = aivc_cli("link", "wikidata", "--huggingface-property", "huggingface", "--store", str(fixture_store_path),
                      "--cache", str(tmp_path))
    assert (result.exit_code, result.stderr.strip()) == (
        2, "error: --huggingface-property huggingface: a Wikidata property id is P followed by digits")
