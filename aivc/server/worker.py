"""A query worker: a separate process that evaluates queries on the read-only store.

Queries run in worker processes, not in the HTTP server, so that a query over its time limit can be
stopped for real (the process is killed and replaced, see ``pool``) instead of running on in a
thread. The server talks to a worker over its stdin/stdout: one JSON line per request; the answer is
one JSON header line (status, media type, extra headers, body length) followed by the body bytes.

Run as ``python -m aivc.server.worker STORE_DIR`` (the pyoxigraph folder of a live build).
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field

from pyoxigraph import (BlankNode, Literal, NamedNode, QueryBoolean, QueryResultsFormat, QuerySolutions,
                        QueryTriples, Store, parse_query_results)

from .. import ns
from .formats import GRAPH_FORMATS, SOLUTION_FORMATS, NotAcceptable, choose, graph_bytes
from .guard import syntax_message

XSD_STRING = ns.XSD + "string"
RESULTS_FORMATS = {"json": QueryResultsFormat.JSON, "xml": QueryResultsFormat.XML,
                   "csv": QueryResultsFormat.CSV, "tsv": QueryResultsFormat.TSV}


@dataclass
class Answer:
    status: int
    media_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def text(cls, status: int, message: str) -> "Answer":
        return cls(status, "text/plain; charset=utf-8", (message + "\n").encode())


def term_json(term) -> dict:
    """A term in the SPARQL 1.1 Query Results JSON format."""
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {"subject": term_json(term.subject), "predicate": term_json(term.predicate),
                                        "object": term_json(term.object)}}


def _first(iterable, limit: int) -> tuple[list, bool]:
    """Up to ``limit`` items, and whether there were more."""
    items = []
    for item in iterable:
        if len(items) == limit:
            return items, True
        items.append(item)
    return items, False


def _solutions_answer(json_body: bytes, accept: str, name: str | None) -> Answer:
    fmt = choose(SOLUTION_FORMATS, accept, name)
    if fmt.name == "json":
        return Answer(200, fmt.media_type, json_body)
    converted = parse_query_results(json_body, QueryResultsFormat.JSON).serialize(format=RESULTS_FORMATS[fmt.name])
    return Answer(200, fmt.media_type + ("; charset=utf-8" if fmt.media_type.startswith("text/") else ""), converted)


def answer(store: Store, request: dict) -> Answer:
    """Evaluate one protocol request: the query, its dataset, the wanted format and the result limit."""
    text, limit = request["query"], int(request["limit"])
    accept, name = request.get("accept") or "*/*", request.get("format")
    dataset: dict = {"use_default_graph_as_union": True}
    if request.get("default_graphs") or request.get("named_graphs"):
        dataset = {"default_graph": [NamedNode(g) for g in request.get("default_graphs") or []],
                   "named_graphs": [NamedNode(g) for g in request.get("named_graphs") or []] or None}
    try:
        result = store.query(text, **dataset)
        headers = {}
        if isinstance(result, QueryBoolean):
            return _solutions_answer(json.dumps({"head": {}, "boolean": bool(result)}).encode(), accept, name)
        if isinstance(result, QuerySolutions):
            variables = [v.value for v in result.variables]
            rows, truncated = _first(result, limit)
            bindings = [{v: term_json(row[v]) for v in variables if row[v] is not None} for row in rows]
            body = json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}, ensure_ascii=False)
            out = _solutions_answer(body.encode(), accept, name)
        else:
            assert isinstance(result, QueryTriples)
            fmt = choose(GRAPH_FORMATS, accept, name)
            triples, truncated = _first(result, limit)
            out = Answer(200, fmt.media_type, graph_bytes(triples, fmt))
        if truncated:
            headers["X-SPARQL-MaxRows"] = str(limit)
        out.headers.update(headers)
        return out
    except SyntaxError as bad:
        return Answer.text(400, syntax_message(text, bad))
    except NotAcceptable as refused:
        return Answer.text(406, str(refused))
    except (OSError, RuntimeError, ValueError) as failed:
        return Answer.text(500, f"the query failed: {failed}")


def main(argv: list[str]) -> int:
    store = Store.read_only(argv[0])
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)                      # anything printed by accident goes to stderr, not into the protocol
    out.write(b"ready\n")
    out.flush()
    for line in sys.stdin.buffer:
        try:
            reply = answer(store, json.loads(line))
        except Exception as crash:    # noqa: BLE001 - report, keep serving
            print(f"aivc query worker: {type(crash).__name__}: {crash}", file=sys.stderr)
            reply = Answer.text(500, f"internal error while evaluating the query ({type(crash).__name__})")
        header = {"status": reply.status, "media_type": reply.media_type, "headers": reply.headers,
                  "length": len(reply.body)}
        out.write(json.dumps(header).encode() + b"\n" + reply.body)
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
