"""Remote SPARQL 1.1 stores: run the stored queries there (SPARQLWrapper), push the graph there (Graph Store
Protocol), with clear errors when the remote is unreachable, slow, refuses, or answers garbage.

A remote answer is parsed by pyoxigraph into the same result types the embedded store gives
(QuerySolutions, QueryBoolean, QueryTriples), so the CLI prints both the same way, and a stored
query's bound text (``StoredQuery.bound_text``) runs unchanged on either. The stored queries expect
the default graph to be the union of the named graphs: Oxigraph server needs ``--union-default-graph``;
Virtuoso, QLever and GraphDB do this by default (see docs/remote.md). ``push`` checks it.
"""

from __future__ import annotations

import ast
import math
import socket
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

from pyoxigraph import (BlankNode, DefaultGraph, QueryResultsFormat, RdfFormat, Store, parse, parse_query_results,
                        serialize)
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from . import __version__, ns
from .server.guard import query_form

USER_AGENT = f"aivc/{__version__} (https://w3id.org/aivc; SPARQL client)"
TRANSIENT_STATUS = {429, 500, 502, 503, 504}


class RemoteError(RuntimeError):
    """A remote endpoint that could not be reached, did not answer in time, refused, or answered garbage.

    ``status`` is the HTTP status when there was one; ``retry_after`` the seconds the server asked to
    wait; ``transient`` says whether asking again later may succeed (time-outs, 429, 5xx).
    """

    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None,
                 transient: bool = False):
        super().__init__(message)
        self.status, self.retry_after = status, retry_after
        self.transient = transient or status in TRANSIENT_STATUS


def _first_lines(body: bytes, n: int = 3) -> str:
    lines = [line.strip() for line in body.decode("utf-8", "replace").splitlines() if line.strip()]
    return " / ".join(lines[:n])[:400] or "(empty body)"


def _response_of(error: SPARQLWrapperException) -> bytes:
    """The server's body that SPARQLWrapper keeps only inside its message."""
    _, found, body = str(error).partition("Response:\n")
    try:
        return ast.literal_eval(body) if found else b""
    except (ValueError, SyntaxError):
        return body.encode()


def explain(error: BaseException, url: str, timeout: float) -> RemoteError:
    """One clear sentence for what went wrong talking to ``url``."""
    if isinstance(error, SPARQLWrapperException):
        status = {"QueryBadFormed": 400, "Unauthorized": 401, "EndPointNotFound": 404, "URITooLong": 414,
                  "EndPointInternalError": 500}.get(type(error).__name__)
        return RemoteError(f"{url} refused the request (HTTP {status}): {_first_lines(_response_of(error))}", status)
    if isinstance(error, urllib.error.HTTPError):
        retry = error.headers.get("Retry-After") if error.headers else None
        body = error.read() if error.fp else b""
        return RemoteError(f"{url} refused the request (HTTP {error.code} {error.reason}): {_first_lines(body)}",
                           error.code, float(retry) if retry and retry.strip().isdigit() else None)
    reason = error.reason if isinstance(error, urllib.error.URLError) else error
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return RemoteError(f"{url} did not answer within {timeout:g} s", transient=True)
    if isinstance(reason, ConnectionRefusedError):
        return RemoteError(f"cannot reach {url}: connection refused (is the server running?)")
    if isinstance(reason, socket.gaierror):
        return RemoteError(f"cannot reach {url}: unknown host ({reason.strerror})")
    return RemoteError(f"cannot reach {url}: {reason}")


@dataclass(frozen=True)
class Fetched:
    body: bytes
    media_type: str
    kind: str        # SELECT, ASK, CONSTRUCT or DESCRIBE, as SPARQLWrapper read the query


def fetch(endpoint: str, text: str, timeout: float = 60.0) -> Fetched:
    """POST a query to a SPARQL 1.1 endpoint; results as SPARQL JSON, graphs as Turtle."""
    client = SPARQLWrapper(endpoint, agent=USER_AGENT)
    client.setMethod("POST")
    client.setQuery(text)
    # SPARQLWrapper guesses the form with a regex that words such as "downloadable" fool (LOAD);
    # aivc's tokenizer skips comments, strings and IRIs.
    client.queryType = query_form(text) or "SELECT"
    client.setReturnFormat(JSON if client.queryType in ("SELECT", "ASK") else TURTLE)
    client.setTimeout(max(1, math.ceil(timeout)))
    try:
        response = client.query().response
        body = response.read()
    except (SPARQLWrapperException, urllib.error.URLError, OSError) as failed:
        raise explain(failed, endpoint, timeout) from failed
    media_type = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    return Fetched(body, media_type, client.queryType)


def run(endpoint: str, text: str, timeout: float = 60.0):
    """Run a query remotely; the answer as pyoxigraph QuerySolutions, QueryBoolean or QueryTriples."""
    got = fetch(endpoint, text, timeout)
    try:
        if got.kind in ("SELECT", "ASK"):
            fmt = QueryResultsFormat.from_media_type(got.media_type) or QueryResultsFormat.JSON
            checked = parse_query_results(got.body, fmt)
            if not isinstance(checked, bool) and hasattr(checked, "variables"):
                list(checked)                        # parsing is lazy: read it all once to find garbage
            return parse_query_results(got.body, fmt)
        fmt = RdfFormat.from_media_type(got.media_type) or RdfFormat.TURTLE
        graph = Store()
        graph.extend(q for q in parse(got.body, fmt))
    except (SyntaxError, ValueError) as garbage:
        raise RemoteError(f"{endpoint} answered with something that is not SPARQL results "
                          f"(Content-Type {got.media_type or 'missing'}): {garbage}") from garbage
    return graph.query("CONSTRUCT WHERE { ?s ?p ?o }")


# --- where the CLI's queries go -------------------------------------------------------------------

@dataclass
class Target:
    """Where `aivc query` and `aivc sparql` run: the embedded store, or the --endpoint given to `aivc`."""

    endpoint: str | None = None
    timeout: float = 60.0


TARGET = Target()


def answer(text: str, open_store: Callable[[], Store], allow_service: tuple[str, ...] = ()):
    """Run a query on the --endpoint when one is set, else on the embedded store.

    On the embedded store a SERVICE clause may only call the hosts the user allowed (no remote
    fetches unless the user allows them); a remote endpoint applies its own policy.
    """
    if TARGET.endpoint:
        return run(TARGET.endpoint, text, TARGET.timeout)
    from .queries import run as run_embedded
    from .server.guard import check_services
    check_services(text, allow_service)
    return run_embedded(open_store(), text)


# --- Graph Store Protocol --------------------------------------------------------------------------

@dataclass
class PushReport:
    graphs: dict[str, int] = field(default_factory=dict)      # graph IRI ('' for the default graph) -> triples
    removed: list[str] = field(default_factory=list)           # stale aivc graphs deleted on the remote
    mismatched: dict[str, tuple[int, int]] = field(default_factory=dict)   # graph -> (local, remote)
    union_default_graph: bool | None = None                   # does the remote's default graph see the named graphs?


def _graph_url(graph_store: str, graph: str | None, bulk: bool = False) -> str:
    joiner = "&" if "?" in graph_store else "?"
    target = "default" if graph is None else "graph=" + urllib.parse.quote(graph, safe="")
    # Oxigraph server loads a body sent with ?no_transaction through its bulk loader: ~6x faster, not atomic
    return graph_store + joiner + target + ("&no_transaction" if bulk else "")


def graph_store_opener(url: str, user: str | None = None, password: str | None = None) -> urllib.request.OpenerDirector:
    """An HTTP opener for the Graph Store, answering Basic or Digest challenges when a user is given
    (Virtuoso's /sparql-graph-crud-auth asks for Digest)."""
    if not user:
        return urllib.request.build_opener()
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, url, user, password or "")
    return urllib.request.build_opener(urllib.request.HTTPBasicAuthHandler(passwords),
                                       urllib.request.HTTPDigestAuthHandler(passwords))


class _Replayable:
    """A body that starts over once read to its end, so that an HTTP login retry (401, then the same
    request with credentials) sends it whole again."""

    def __init__(self, file):
        self.file = file

    def read(self, size: int = -1) -> bytes:
        chunk = self.file.read(size)
        if not chunk:
            self.file.seek(0)
        return chunk


def _send(opener: urllib.request.OpenerDirector, method: str, url: str, timeout: float, body=None,
          length: int = 0) -> None:
    request = urllib.request.Request(url, data=body, method=method, headers={"User-Agent": USER_AGENT})
    if body is not None:
        request.add_header("Content-Type", "application/n-triples")
        request.add_header("Content-Length", str(length))
    try:
        with opener.open(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as refused:
        if method == "DELETE" and refused.code == 404:
            return
        raise explain(refused, url, timeout) from refused
    except (urllib.error.URLError, OSError) as failed:
        raise explain(failed, url, timeout) from failed


def put_graph(store: Store, graph, graph_store: str, timeout: float, opener: urllib.request.OpenerDirector,
              bulk: bool = False) -> int:
    """Replace one graph on the remote with the store's (PUT, N-Triples, spooled to disk when large)."""
    count = 0

    def triples():
        nonlocal count
        for quad in store.quads_for_pattern(None, None, None, graph):
            count += 1
            yield quad.triple
    with tempfile.SpooledTemporaryFile(max_size=16 << 20) as body:
        serialize(triples(), body, RdfFormat.N_TRIPLES)
        length = body.tell()
        body.seek(0)
        _send(opener, "PUT", _graph_url(graph_store, None if isinstance(graph, DefaultGraph) else graph.value, bulk),
              timeout, _Replayable(body), length)
    return count


def remote_graph_sizes(endpoint: str, timeout: float) -> dict[str, int]:
    solutions = run(endpoint, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", timeout)
    return {row["g"].value: int(row["n"].value) for row in solutions}


def push(store: Store, endpoint: str, graph_store: str, timeout: float = 60.0,
         progress: Callable[[str], None] = lambda graph: None,
         opener: urllib.request.OpenerDirector | None = None, bulk: bool = False) -> PushReport:
    """Upload every named graph (and the default graph, if it holds anything), remove stale aivc
    graphs from the remote, then check the remote's counts and its union default graph. ``bulk``
    asks an Oxigraph server to load each graph without a transaction (a failed upload leaves that
    graph incomplete, which the count check reports)."""
    report = PushReport()
    opener = opener or graph_store_opener(graph_store)
    graphs = sorted(store.named_graphs(), key=lambda g: g.value)
    if next(iter(store.quads_for_pattern(None, None, None, DefaultGraph())), None) is not None:
        graphs = [DefaultGraph(), *graphs]
    for graph in graphs:
        name = "" if isinstance(graph, DefaultGraph) else graph.value
        progress(name or "(default graph)")
        report.graphs[name] = put_graph(store, graph, graph_store, timeout, opener, bulk)
    remote = remote_graph_sizes(endpoint, timeout)
    for stale in sorted(set(remote) - set(report.graphs)):
        if stale.startswith(ns.BASE + "graph/"):
            _send(opener, "DELETE", _graph_url(graph_store, stale), timeout)
            report.removed.append(stale)
    report.mismatched = {g: (n, remote.get(g, 0)) for g, n in report.graphs.items()
                         if g and remote.get(g, 0) != n}
    probe = next((q for g in graphs if not isinstance(g, DefaultGraph)
                  for q in store.quads_for_pattern(None, None, None, g)
                  if not isinstance(q.subject, BlankNode) and not isinstance(q.object, BlankNode)), None)
    if probe is not None:
        ask = f"ASK {{ {probe.subject} {probe.predicate} {probe.object} }}"
        report.union_default_graph = bool(run(endpoint, ask, timeout))
    return report
