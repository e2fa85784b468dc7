"""Benchmark: 50 concurrent clients against `aivc serve` on loopback, and against a naive rdflib endpoint.

    python bench/bench_endpoint.py [--clients 50] [--seconds 60] [--max-requests 200000]
                                   [--baseline-seconds 20] [--store PATH] [--workers N]

aivc's path: a real `aivc serve` process (waitress in front, pyoxigraph query workers behind it,
time- and result-limited). The naive path: the same graph in an rdflib Dataset behind Python's
ThreadingHTTPServer, answering the same requests. Each client is a thread with its own keep-alive
connection that cycles through the requests: every stored question at /queries/NAME (defaults
bound) and a few ad-hoc queries at /sparql, GET and POST. The run is bounded in time (--seconds)
and in count (--max-requests). Printed: requests, throughput, p50/p95/max latency, errors (any
non-200 answer or failed connection), and the ratios of aivc's figures to the naive endpoint's.
Without --store, the made-up fixture dataset of tests/ is built into a temporary store.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aivc import queries as library, store as stores  # noqa: E402
from aivc.build import build  # noqa: E402

AD_HOC = [
    "PREFIX aivc: <https://w3id.org/aivc/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    "SELECT ?m ?label WHERE { ?m a aivc:AIModel ; rdfs:label ?label } ORDER BY ?label LIMIT 50",
    "PREFIX aivc: <https://w3id.org/aivc/ontology#> SELECT ?tier (COUNT(DISTINCT ?r) AS ?n) "
    "WHERE { ?r aivc:accessTier/aivc:slug ?tier } GROUP BY ?tier ORDER BY ?tier",
    "ASK { ?m <https://w3id.org/aivc/ontology#describedAsOpenSource> true }",
]


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    body: bytes | None = None


def calls() -> list[Call]:
    """The request mix: each stored question (defaults bound), then the ad-hoc queries by GET and POST."""
    mix = []
    for q in library.library().values():
        if "federated" in q.tags:
            continue
        values = {p.name: p.default for p in q.parameters if p.default is not None}
        mix.append(Call("GET", f"/queries/{q.name}?" + urllib.parse.urlencode(values)))
    for text in AD_HOC:
        mix.append(Call("GET", "/sparql?" + urllib.parse.urlencode({"query": text})))
        mix.append(Call("POST", "/sparql", urllib.parse.urlencode({"query": text}).encode()))
    return mix


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def error(self, what: str) -> None:
        with self.lock:
            self.errors[what] = self.errors.get(what, 0) + 1


def client(port: int, mix: list[Call], offset: int, deadline: float, budget: threading.Semaphore, tally: Tally) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    i = offset
    mine = []
    while time.monotonic() < deadline and budget.acquire(blocking=False):
        call = mix[i % len(mix)]
        i += 1
        headers = {"Accept": "application/sparql-results+json"}
        if call.body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            conn.request(call.method, call.path, body=call.body, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                tally.error(f"HTTP {response.status} {call.path.split('?')[0]}")
                continue
            mine.append(time.perf_counter() - started)
        except (OSError, http.client.HTTPException) as failed:
            tally.error(type(failed).__name__)
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.close()
    with tally.lock:
        tally.latencies.extend(mine)


def load(port: int, clients: int, seconds: float, max_requests: int) -> dict:
    mix, tally = calls(), Tally()
    budget = threading.Semaphore(max_requests)
    started = time.monotonic()
    deadline = started + seconds
    threads = [threading.Thread(target=client, args=(port, mix, k * 7, deadline, budget, tally)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    lat = sorted(tally.latencies)
    q = statistics.quantiles(lat, n=100) if len(lat) >= 2 else [float("nan")] * 99
    return {"requests": len(lat) + sum(tally.errors.values()), "ok": len(lat), "seconds": round(elapsed, 1),
            "throughput_rps": round(len(lat) / elapsed, 1), "p50_ms": round(q[49] * 1000, 1),
            "p95_ms": round(q[94] * 1000, 1), "max_ms": round(lat[-1] * 1000, 1) if lat else None,
            "errors": tally.errors, "distinct_requests": len(mix)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


def naive_endpoint(store_path: Path) -> tuple[ThreadingHTTPServer, int]:
    """The naive path: an rdflib Dataset (union default graph) behind ThreadingHTTPServer."""
    import rdflib
    from pyoxigraph import RdfFormat, serialize

    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(data=serialize(stores.open_read_only(store_path), format=RdfFormat.N_QUADS), format="nquads")
    lock = threading.Lock()        # rdflib's in-memory store is not safe for concurrent readers

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _run(self, text: str) -> None:
            try:
                with lock:
                    body = dataset.query(text).serialize(format="json")
                self.send_response(200)
            except Exception as failed:  # noqa: BLE001
                body = str(failed).encode()
                self.send_response(400)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            path, _, query = self.path.partition("?")
            params = {k: v[0] for k, v in urllib.parse.parse_qs(query).items()}
            if path.startswith("/queries/"):
                self._run(library.get(path.removeprefix("/queries/")).bound_text(params))
            else:
                self._run(params["query"])

        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            self._run(urllib.parse.parse_qs(body.decode())["query"][0])

        def log_message(self, *args):
            pass
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--baseline-seconds", type=float, default=20, help="0 skips the naive endpoint")
    parser.add_argument("--store", type=Path, help="a built store (default: the fixture dataset, built now)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        store = args.store
        if store is None:
            store = Path(tmp) / "store"
            build(store, ROOT / "tests" / "fixtures" / "data")
        statements = len(stores.open_read_only(store))
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "aivc.cli", "serve", "--store", str(store), "--port", str(port),
                                   "--workers", str(args.workers)], stderr=subprocess.DEVNULL, cwd=tmp)
        try:
            wait_up(port)
            load(port, 4, 2, 1000)                                  # warm-up
            ours = load(port, args.clients, args.seconds, args.max_requests)
        finally:
            server.terminate()
            server.wait(timeout=30)
        print(json.dumps({"path": "aivc serve", "statements": statements, "clients": args.clients,
                          "workers": args.workers, "cpus": os.cpu_count(), **ours}, indent=1))
        if args.baseline_seconds > 0:
            naive, naive_port = naive_endpoint(store)
            try:
                theirs = load(naive_port, args.clients, args.baseline_seconds, args.max_requests)
            finally:
                naive.shutdown()
            print(json.dumps({"path": "naive rdflib endpoint", **theirs}, indent=1))
            if theirs["ok"]:
                print(f"throughput ratio aivc/naive: {ours['throughput_rps'] / theirs['throughput_rps']:.1f}x; "
                      f"p50 latency ratio naive/aivc: {theirs['p50_ms'] / ours['p50_ms']:.1f}x; "
                      f"p95 naive/aivc: {theirs['p95_ms'] / ours['p95_ms']:.1f}x")
    return 0 if not ours["errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
