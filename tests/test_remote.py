"""Remote stores: push the graph to a real Oxigraph server, then every stored query gives the embedded store's rows;
unreachable, slow and garbage-speaking remotes give clear errors."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from aivc import queries as library, remote
from real_servers import aivc_cli, basic_auth_proxy, canned, oxigraph_serve, recording_proxy, silent_server, thread_server

def aivc(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aivc.cli", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "200"}, timeout=300)


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory, fixture_store_path):
    """An Oxigraph server with the fixture graph pushed by `aivc push`: (query URL, store URL, push output)."""
    with oxigraph_serve(tmp_path_factory.mktemp("oxigraph") / "db", "--union-default-graph") as base:
        pushed = aivc("push", "--endpoint", base + "/query", "--graph-store", base + "/store",
                      "--store", str(fixture_store_path), cwd=tmp_path_factory.mktemp("cwd"))
        yield base + "/query", base + "/store", pushed


def answer(result) -> list[tuple]:
    columns, rows = library.rows(result)
    return [tuple(row[c] for c in columns) for row in rows]


def test_push_keeps_every_named_graph(oxigraph, fixture_store):
    query_url, _, pushed = oxigraph
    local = {g.value: sum(1 for _ in fixture_store.quads_for_pattern(None, None, None, g))
             for g in fixture_store.named_graphs()}
    assert pushed.returncode == 0, pushed.stderr
    assert pushed.stdout.strip() == f"pushed {len(local)} graph(s), {sum(local.values())} triple(s) to " \
                                    f"{query_url.removesuffix('/query')}/store"
    assert remote.remote_graph_sizes(query_url, 30) == local


def test_every_stored_query_gives_the_same_rows_remotely(oxigraph, fixture_store):
    query_url = oxigraph[0]
    compared = 0
    for q in library.library().values():
        text = q.bound_text({p.name: p.default for p in q.parameters if p.required})
        here = answer(library.run(fixture_store, text))
        there = answer(remote.run(query_url, text, timeout=60))
        assert there == here, q.name
        compared += 1
    assert compared == len(library.library()) > 0


def test_the_cli_runs_stored_queries_on_the_endpoint(oxigraph, fixture_store_path, tmp_path):
    query_url = oxigraph[0]
    args = ["query", "models-by-tier", "-p", "org=Acme AI", "-f", "csv"]
    remote_csv = aivc("--endpoint", query_url, *args, cwd=tmp_path)          # the installed script, as users run it
    local_csv = aivc_cli(*args, "--store", str(fixture_store_path))
    assert remote_csv.returncode == 0, remote_csv.stderr
    assert remote_csv.stdout == local_csv.stdout
    assert remote_csv.stdout.splitlines() == ["org,tier,rank,models", "Acme AI,fully-closed,0,1",
                                              "Acme AI,cloud-api,3,1", "Acme AI,downloadable-weights,4,2"]
    ask = aivc_cli("--endpoint", query_url, "sparql", "ASK { ?m <https://w3id.org/aivc/ontology#describedAsOpenSource> true }")
    assert ask.stdout.strip() == "true"
    graph = aivc_cli("--endpoint", query_url, "sparql",
                     "CONSTRUCT { ?o a <https://w3id.org/aivc/ontology#Organization> } WHERE "
                     "{ ?o a <https://w3id.org/aivc/ontology#Organization> }")
    assert sorted(graph.stdout.strip().splitlines()) == [
        f"<https://w3id.org/aivc/org/{o}> a <https://w3id.org/aivc/ontology#Organization> ." for o in ("acme", "commons", "tiny")]


def test_a_malformed_query_is_refused_by_the_remote_with_its_message(oxigraph, tmp_path):
    bad = aivc_cli("--endpoint", oxigraph[0], "sparql", "SELECT WHERE {")
    assert bad.exit_code == 1 and "Traceback" not in bad.stderr
    assert bad.stderr.startswith(f"error: {oxigraph[0]} refused the request (HTTP 400): ")
    assert "error at 1:15" in bad.stderr


def test_push_replaces_graphs_and_removes_stale_aivc_graphs(tmp_path, fixture_store_path, fixture_store):
    with oxigraph_serve(tmp_path / "db", "--union-default-graph") as base:
        for graph in ("https://w3id.org/aivc/graph/curated/gone/src", "http://example.org/someone-elses"):
            request = urllib.request.Request(f"{base}/store?graph={graph}", data=b"<http://x/a> <http://x/b> <http://x/c> .",
                                             method="PUT", headers={"Content-Type": "application/n-triples"})
            urllib.request.urlopen(request, timeout=10).read()
        pushed = aivc_cli("push", "--endpoint", base + "/query", "--graph-store", base + "/store",
                          "--store", str(fixture_store_path))
        assert pushed.exit_code == 0, pushed.stderr
        assert "removed 1 graph(s) the local store no longer has" in pushed.stdout
        sizes = remote.remote_graph_sizes(base + "/query", 30)
        assert "https://w3id.org/aivc/graph/curated/gone/src" not in sizes
        assert sizes["http://example.org/someone-elses"] == 1
        again = aivc_cli("push", "--endpoint", base + "/query", "--graph-store", base + "/store",
                         "--store", str(fixture_store_path))
        assert again.exit_code == 0 and remote.remote_graph_sizes(base + "/query", 30) == sizes


def test_bulk_push_loads_each_graph_through_oxigraphs_bulk_loader(tmp_path, fixture_store_path, fixture_store):
    local = {g.value: sum(1 for _ in fixture_store.quads_for_pattern(None, None, None, g))
             for g in fixture_store.named_graphs()}
    with oxigraph_serve(tmp_path / "db", "--union-default-graph") as base:
        seen: list[str] = []
        with thread_server(recording_proxy(base + "/store", seen)) as recorded:
            for _ in range(2):   # the second push replaces every graph: nothing doubles
                pushed = aivc_cli("push", "--endpoint", base + "/query", "--graph-store", recorded + "/store",
                                  "--bulk", "--store", str(fixture_store_path))
                assert pushed.exit_code == 0, pushed.output
                assert remote.remote_graph_sizes(base + "/query", 30) == local
        text = library.get("models-by-tier").bound_text({})
        assert answer(remote.run(base + "/query", text, timeout=60)) == answer(library.run(fixture_store, text))
    assert len(seen) == 2 * len(local)
    assert all(request.startswith("PUT /store?graph=") and request.endswith("&no_transaction") for request in seen)


def test_push_warns_when_the_default_graph_is_not_the_union(tmp_path, fixture_store_path):
    with oxigraph_serve(tmp_path / "db") as base:
        pushed = aivc_cli("push", "--endpoint", base + "/query", "--graph-store", base + "/store",
                          "--store", str(fixture_store_path))
    assert pushed.exit_code == 0
    assert " ".join(pushed.stderr.split()) == (
        "warning: the remote's default graph does not include the named graphs, so the stored queries will find "
        "nothing there; make it the union (Oxigraph: serve --union-default-graph; see docs/remote.md)")


def test_an_unreachable_endpoint(tmp_path):
    with silent_server() as url:
        port = url.split(":")[2].split("/")[0]
    closed = f"http://127.0.0.1:{port}/sparql"
    result = aivc_cli("--endpoint", closed, "--timeout", "2", "query", "models-by-tier")
    assert (result.exit_code, result.stderr.strip()) == (
        1, f"error: cannot reach {closed}: connection refused (is the server running?)")
    pushed = aivc_cli("push", "--endpoint", closed, "--store", str(tmp_path / "nowhere"))
    assert pushed.exit_code == 1 and "run 'aivc build' first" in pushed.stderr


def test_a_slow_endpoint_gives_up_after_the_timeout(tmp_path):
    with silent_server() as url:
        started = time.monotonic()
        result = aivc("--endpoint", url, "--timeout", "1", "query", "models-by-tier", cwd=tmp_path)
        took = time.monotonic() - started
    assert (result.returncode, result.stderr.strip()) == (1, f"error: {url} did not answer within 1 s")
    assert took < 20


def test_garbage_from_a_remote_is_reported(tmp_path):
    with thread_server(canned(200, "application/sparql-results+json", b"<html>Sorry, we are down</html>")) as base:
        result = aivc_cli("--endpoint", base + "/sparql", "query", "models-by-tier")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {base}/sparql answered with something that is not SPARQL results "
                                    "(Content-Type application/sparql-results+json): ")
    with thread_server(canned(502, "text/html", b"<h1>Bad gateway</h1>\n<p>upstream down</p>")) as base:
        result = aivc_cli("--endpoint", base + "/sparql", "query", "models-by-tier")
    assert result.stderr.strip() == (f"error: {base}/sparql refused the request (HTTP 502 Bad Gateway): "
                                     "<h1>Bad gateway</h1> / <p>upstream down</p>")


def test_federated_stored_query_is_refused_on_the_embedded_store_without_permission(fixture_store_path, tmp_path):
    result = aivc_cli("query", "developer-parents-from-wikidata", "--store", str(fixture_store_path))
    assert (result.exit_code, result.stderr.strip()) == (
        2, "error: SERVICE <https://query.wikidata.org/sparql> is not allowed (no SERVICE host is allowed); "
           "allow it with --allow-service query.wikidata.org")


def test_push_logs_in_when_the_graph_store_asks(tmp_path, fixture_store_path, fixture_store, monkeypatch):
    with oxigraph_serve(tmp_path / "db", "--union-default-graph") as base:
        refused: list[str] = []
        with thread_server(basic_auth_proxy(base + "/store", "loader", "s3cret", refused)) as guarded:
            anonymous = aivc_cli("push", "--endpoint", base + "/query", "--graph-store", guarded + "/store",
                                 "--store", str(fixture_store_path))
            assert anonymous.exit_code == 1
            assert anonymous.stderr.strip() == (
                f"error: push stopped: {guarded}/store?graph=https%3A%2F%2Fw3id.org%2Faivc%2Fgraph%2Fcurated%2Facme%2Fabout "
                "refused the request (HTTP 401 Unauthorized): (empty body); give --user NAME and the password in "
                "$AIVC_REMOTE_PASSWORD")
            assert refused == ["PUT"]
            monkeypatch.setenv("AIVC_REMOTE_PASSWORD", "s3cret")
            pushed = aivc_cli("push", "--endpoint", base + "/query", "--graph-store", guarded + "/store",
                              "--user", "loader", "--store", str(fixture_store_path))
        assert pushed.exit_code == 0, pushed.output
        assert remote.remote_graph_sizes(base + "/query", 30) == {
            g.value: sum(1 for _ in fixture_store.quads_for_pattern(None, None, None, g)) for g in fixture_store.named_graphs()}
