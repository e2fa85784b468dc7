"""The read-only SPARQL 1.1 Protocol endpoint as a WSGI application, served by waitress.

Routes:
    /                     the query editor (YASGUI, served from the package; works offline)
    /sparql               SPARQL 1.1 Protocol: GET ?query=, POST form or application/sparql-query;
                          GET without a query answers the service description
    /queries              the stored questions as JSON (name, summary, parameters, query text)
    /queries/NAME?p=v     a stored question, its parameters bound as RDF terms (aivc.queries);
                          /queries/NAME.rq?p=v gives the bound query text instead of running it
    /.well-known/void     VoID/DCAT description of the dataset (also /void)
    /context.jsonld       the JSON-LD @context of aivc
    /health               status of the store and the query workers

Updates (SPARQL Update, PUT, DELETE...) are refused with 403/405; queries are time-limited and
result-limited by the worker pool; SERVICE calls only go to hosts the operator allowed.
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from urllib.parse import parse_qs

from .. import __version__, queries as library
from ..description import Statistics, dataset_version, describe, service_description
from ..linked_data import context_bytes
from . import guard
from .formats import GRAPH_FORMATS, NotAcceptable, choose, graph_bytes
from .pool import Busy, TimeLimitExceeded, WorkerFailed, WorkerPool
from .worker import Answer

STATIC = Path(__file__).parent / "static"
MAX_QUERY_BYTES = 1 << 20
RESERVED_PARAMS = {"format", "output"}
READ_ONLY = "this endpoint is read-only: SPARQL Update and graph changes are refused"


@dataclass
class Settings:
    time_limit: float = 30.0
    result_limit: int = 10_000
    allowed_services: tuple[str, ...] = ()
    built_at: str | None = None
    store: str = ""


@dataclass
class Request:
    method: str
    path: str
    params: dict[str, list[str]]
    accept: str
    content_type: str
    body: bytes
    base_url: str

    @classmethod
    def from_environ(cls, environ: dict) -> "Request":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > MAX_QUERY_BYTES:
            raise _Refusal(413, f"request body over {MAX_QUERY_BYTES} bytes")
        body = environ["wsgi.input"].read(length) if length else b""
        host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
        return cls(method=environ["REQUEST_METHOD"].upper(), path=environ.get("PATH_INFO") or "/",
                   params=parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True),
                   accept=environ.get("HTTP_ACCEPT", "*/*"),
                   content_type=(environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower(),
                   body=body, base_url=f"{environ.get('wsgi.url_scheme', 'http')}://{host}")

    def param(self, name: str) -> str | None:
        values = self.params.get(name)
        return values[0] if values else None

    @property
    def format(self) -> str | None:
        return self.param("format") or self.param("output")


class _Refusal(Exception):
    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.answer = Answer.text(status, message)
        self.answer.headers.update(headers or {})


class Endpoint:
    """The WSGI application: routes a request, refuses what is not a read, asks the pool for answers."""

    def __init__(self, pool: WorkerPool, stats: Statistics, settings: Settings):
        self.pool, self.stats, self.settings = pool, stats, settings
        self.library = library.library()         # read once: the stored questions of this release
        self.routes: dict[str, Callable[[Request], Answer]] = {
            "/": self.editor, "/sparql": self.sparql, "/queries": self.list_queries,
            "/.well-known/void": self.void, "/void": self.void, "/context.jsonld": self.context,
            "/health": self.health,
        }

    def __call__(self, environ: dict, start_response) -> Iterable[bytes]:
        try:
            request = Request.from_environ(environ)
            answer = self.route(request)
        except _Refusal as refusal:
            answer = refusal.answer
        headers = [("Content-Type", answer.media_type), ("Content-Length", str(len(answer.body))),
                   ("Access-Control-Allow-Origin", "*"),
                   ("Access-Control-Expose-Headers", "X-SPARQL-MaxRows"), *answer.headers.items()]
        start_response(f"{answer.status} {HTTPStatus(answer.status).phrase}", headers)
        return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [answer.body]

    def route(self, request: Request) -> Answer:
        if request.method == "OPTIONS":
            return Answer(200, "text/plain", b"", {"Allow": "GET, HEAD, POST, OPTIONS",
                                                   "Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
                                                   "Access-Control-Allow-Headers": "Content-Type, Accept"})
        if request.method not in ("GET", "HEAD", "POST"):
            raise _Refusal(405, READ_ONLY, {"Allow": "GET, HEAD, POST"})
        if request.path.startswith("/static/"):
            return self.static(request.path.removeprefix("/static/"))
        if request.path.startswith("/queries/"):
            return self.stored_query(request, request.path.removeprefix("/queries/"))
        handler = self.routes.get(request.path)
        if handler is None:
            raise _Refusal(404, f"no such page: {request.path} (try /sparql, /queries, /.well-known/void)")
        if request.method == "POST" and handler != self.sparql:
            raise _Refusal(405, f"{request.path} answers GET only", {"Allow": "GET, HEAD"})
        return handler(request)

    # --- SPARQL protocol ---------------------------------------------------------------------------

    def sparql(self, request: Request) -> Answer:
        text, dataset_params = self._protocol_query(request)
        if text is None:
            return self._rdf(request, service_description(request.base_url + "/sparql"))
        return self.run(text, request, dataset_params)

    def _protocol_query(self, request: Request) -> tuple[str | None, dict[str, list[str]]]:
        """The query text and the protocol's dataset parameters, from GET or either POST form."""
        params = request.params
        if request.method == "POST":
            if request.content_type == "application/sparql-update":
                raise _Refusal(403, READ_ONLY)
            if request.content_type == "application/x-www-form-urlencoded":
                params = {**params, **parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True)}
            elif request.content_type == "application/sparql-query":
                return request.body.decode("utf-8", "replace"), params
            else:
                raise _Refusal(415, "POST a query as application/sparql-query or as the form field 'query' "
                                    "(application/x-www-form-urlencoded)")
        if "update" in params:
            raise _Refusal(403, READ_ONLY)
        query = params.get("query")
        if query is None and request.method == "POST":
            raise _Refusal(400, "no query: send it in the 'query' parameter")
        return (query[0] if query else None), params

    def run(self, text: str, request: Request, dataset_params: dict[str, list[str]]) -> Answer:
        """Check the query (read-only, allowed SERVICE hosts) and evaluate it on a worker."""
        if guard.is_update(text):
            raise _Refusal(403, READ_ONLY)
        try:
            guard.check_services(text, self.settings.allowed_services)
        except guard.Refused as refused:
            raise _Refusal(403, str(refused)) from None
        job = {"query": text, "accept": request.accept, "format": request.format,
               "limit": self.settings.result_limit,
               "default_graphs": dataset_params.get("default-graph-uri", []),
               "named_graphs": dataset_params.get("named-graph-uri", [])}
        try:
            return self.pool.ask(job)
        except TimeLimitExceeded:
            raise _Refusal(503, f"the query ran longer than the time limit of {self.settings.time_limit:g} s "
                                "and was stopped; narrow it or add a LIMIT") from None
        except Busy as busy:
            raise _Refusal(503, f"{busy}; try again shortly", {"Retry-After": "5"}) from None
        except WorkerFailed as failed:
            raise _Refusal(500, f"the query could not be evaluated: {failed}") from None

    # --- stored queries ----------------------------------------------------------------------------

    def list_queries(self, request: Request) -> Answer:
        listing = [_describe_query(q, request.base_url) for q in self.library.values()]
        return Answer(200, "application/json", json.dumps(listing, indent=1).encode())

    def stored_query(self, request: Request, name: str) -> Answer:
        if request.method == "POST":
            raise _Refusal(405, "stored queries answer GET: /queries/NAME?param=value", {"Allow": "GET, HEAD"})
        values = {k: v[0] for k, v in request.params.items() if k not in RESERVED_PARAMS}
        name, text_only = name.removesuffix(".rq"), name.endswith(".rq")
        stored = self.library.get(name)
        if stored is None:
            try:
                library.get(name)                   # raises, with the nearest name as a hint
            except library.QueryError as unknown:
                raise _Refusal(404, str(unknown)) from None
            raise _Refusal(404, f"no stored query '{name}'")
        try:
            text = stored.bound_text(values)
        except library.QueryError as bad:
            raise _Refusal(400, str(bad).replace("--param ", "")) from None
        if text_only:
            return Answer(200, "application/sparql-query; charset=utf-8", text.encode())
        return self.run(text, request, {})

    # --- descriptions and pages --------------------------------------------------------------------

    def void(self, request: Request) -> Answer:
        return self._rdf(request, describe(self.stats, built_at=self.settings.built_at,
                                           endpoint=request.base_url + "/sparql"))

    def _rdf(self, request: Request, triples) -> Answer:
        try:
            fmt = choose(GRAPH_FORMATS, request.accept, request.format)
        except NotAcceptable as refused:
            raise _Refusal(406, str(refused)) from None
        return Answer(200, fmt.media_type, graph_bytes(list(triples), fmt))

    def context(self, request: Request) -> Answer:
        return Answer(200, "application/ld+json", context_bytes())

    def health(self, request: Request) -> Answer:
        alive = self.pool.alive
        status = {"status": "ok" if alive == self.pool.size else "degraded", "version": __version__,
                  "dataset_version": dataset_version(self.settings.built_at), "store": self.settings.store,
                  "statements": self.stats.statements, "workers": {"alive": alive, "configured": self.pool.size},
                  "time_limit_s": self.settings.time_limit, "result_limit": self.settings.result_limit,
                  "allowed_services": list(self.settings.allowed_services)}
        return Answer(200 if alive else 503, "application/json", json.dumps(status, indent=1).encode())

    def editor(self, request: Request) -> Answer:
        return self.static("index.html")

    def static(self, name: str) -> Answer:
        path = (STATIC / name).resolve()
        if STATIC.resolve() not in path.parents or not path.is_file():
            raise _Refusal(404, f"no such file: /static/{name}")
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if media_type.startswith("text/") or media_type == "application/javascript":
            media_type += "; charset=utf-8"
        return Answer(200, media_type, path.read_bytes(), {"Cache-Control": "max-age=3600"})


def _describe_query(q: library.StoredQuery, base_url: str) -> dict:
    """A stored question as listed at /queries: its header, parameters, text and where to run it."""
    return {"name": q.name, "summary": q.summary, "description": q.description, "tags": q.tags,
            "parameters": [{"name": p.name, "type": p.kind, "required": p.required, "default": p.default,
                            "allowed": list(p.allowed)} for p in q.parameters],
            "query": q.text, "url": f"{base_url}/queries/{q.name}"}


def serve(location: Path, *, host: str, port: int, workers: int, settings: Settings,
          announce: Callable[[str], None] = print) -> None:
    """Serve the live store at ``location`` until interrupted (Ctrl-C or SIGTERM)."""
    import signal

    import waitress

    from .. import store as stores
    from ..description import statistics

    stats = statistics(stores.open_read_only(location))
    settings.built_at = settings.built_at or stores.build_info(location).get("built_at")
    pool = WorkerPool(lambda: stores.live_folder(location) / "oxigraph", workers, settings.time_limit)
    server = None

    def stop(*_):
        raise KeyboardInterrupt
    try:
        server = waitress.create_server(Endpoint(pool, stats, settings), host=host, port=port,
                                        threads=max(4, 2 * workers), connection_limit=256,
                                        max_request_body_size=MAX_QUERY_BYTES, ident="aivc")
        signal.signal(signal.SIGTERM, stop)
        announce(f"aivc SPARQL endpoint on http://{host}:{server.effective_port}/sparql "
                 f"(editor: http://{host}:{server.effective_port}/); {workers} workers, time limit "
                 f"{settings.time_limit:g} s, result limit {settings.result_limit}")
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        if server is not None:
            server.close()
        pool.close()
