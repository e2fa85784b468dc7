"""Export the graph as Turtle, N-Triples, N-Quads, TriG or JSON-LD, with a VoID/DCAT description.

Dataset formats (N-Quads, TriG, JSON-LD) keep every named graph, so each fact keeps its source;
triple formats (Turtle, N-Triples) hold the merged graph, each triple once. An export re-imports to
the same statements. JSON-LD is written by a streaming writer, subject by subject within each named
graph, compacted with aivc's published @context (see ``aivc.linked_data``), which it carries inline
so the file reads back offline.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, RdfFormat, Store, Triple, serialize

from . import ns
from .description import Distribution, describe, statistics
from .linked_data import TURTLE_PREFIXES, compact, context, context_bytes

RDF_TYPE = ns.RDF + "type"
XSD_STRING = ns.XSD + "string"


@dataclass(frozen=True)
class ExportFormat:
    name: str
    media_type: str
    extension: str
    keeps_graphs: bool
    rdf_format: RdfFormat | None   # None: aivc's JSON-LD writer


EXPORT_FORMATS = {f.name: f for f in (
    ExportFormat("nquads", "application/n-quads", "nq", True, RdfFormat.N_QUADS),
    ExportFormat("trig", "application/trig", "trig", True, RdfFormat.TRIG),
    ExportFormat("jsonld", "application/ld+json", "jsonld", True, None),
    ExportFormat("turtle", "text/turtle", "ttl", False, RdfFormat.TURTLE),
    ExportFormat("ntriples", "application/n-triples", "nt", False, RdfFormat.N_TRIPLES),
)}


# --- JSON-LD ------------------------------------------------------------------------------------------

def _node_id(term) -> str:
    if isinstance(term, BlankNode):
        return "_:" + term.value
    if isinstance(term, NamedNode):
        return compact(term.value)
    raise ValueError(f"JSON-LD 1.1 cannot hold the RDF 1.2 triple term {term}")


def _value(term):
    if not isinstance(term, Literal):
        return {"@id": _node_id(term)}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype.value == XSD_STRING:
        return term.value
    return {"@value": term.value, "@type": compact(term.datatype.value)}


def node_object(subject, statements: Iterable) -> dict:
    """One JSON-LD node object for a subject's statements (triples or quads): @type, then properties."""
    node: dict = {"@id": _node_id(subject)}
    types = []
    for s in statements:
        if s.predicate.value == RDF_TYPE and isinstance(s.object, NamedNode):
            types.append(compact(s.object.value))
        else:
            node.setdefault(compact(s.predicate.value), []).append(_value(s.object))
    if types:
        node["@type"] = types
    return node


def _nodes(statements: Iterable) -> Iterator[dict]:
    for subject, group in itertools.groupby(statements, key=lambda s: s.subject):
        yield node_object(subject, group)


def jsonld_chunks(graphs: Iterable[tuple[NamedNode | None, Iterable]]) -> Iterator[str]:
    """Streaming JSON-LD text for (graph, statements) pairs; statements of a subject must be adjacent.

    Statements of graph None go at the top level (the default graph), the others in a named graph
    object ``{"@id": graph, "@graph": [...]}``.
    """
    yield '{"@context": ' + json.dumps(context()["@context"], indent=1) + ',\n "@graph": ['
    first = True
    for graph, statements in graphs:
        nodes = _nodes(statements)
        if graph is None:
            for node in nodes:
                yield ("\n  " if first else ",\n  ") + json.dumps(node, ensure_ascii=False)
                first = False
            continue
        head = ("\n  " if first else ",\n  ") + '{"@id": ' + json.dumps(_node_id(graph)) + ', "@graph": ['
        inner = [json.dumps(node, ensure_ascii=False) for node in itertools.islice(nodes, 1)]
        if not inner:
            continue
        yield head + "\n    " + inner[0]
        first = False
        for node in nodes:
            yield ",\n    " + json.dumps(node, ensure_ascii=False)
        yield "]}"
    yield "\n]}\n"


def jsonld_bytes(triples: Iterable[Triple]) -> bytes:
    """A small graph (e.g. a CONSTRUCT result) as compact JSON-LD."""
    ordered = sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return "".join(jsonld_chunks([(None, ordered)])).encode()


def _store_graphs(store: Store) -> Iterator[tuple[NamedNode | None, Iterable[Quad]]]:
    """The store graph by graph, default graph first, named graphs in IRI order."""
    yield None, store.quads_for_pattern(None, None, None, DefaultGraph())
    for graph in sorted(store.named_graphs(), key=lambda g: g.value):
        yield graph, store.quads_for_pattern(None, None, None, graph)


# --- export -------------------------------------------------------------------------------------------

def merged_triples(store: Store) -> Iterator[Triple]:
    """Every triple of the union of the graphs, once (CONSTRUCT yields a set)."""
    return store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)


def write(store: Store, fmt: ExportFormat, output: BinaryIO) -> None:
    """Serialize the store in ``fmt`` to a binary stream."""
    if fmt.rdf_format is None:
        for chunk in jsonld_chunks(_store_graphs(store)):
            output.write(chunk.encode())
    elif fmt.keeps_graphs:
        serialize(store, output, fmt.rdf_format, prefixes=TURTLE_PREFIXES if fmt.name == "trig" else None)
    else:
        serialize(merged_triples(store), output, fmt.rdf_format,
                  prefixes=TURTLE_PREFIXES if fmt.name == "turtle" else None)


@dataclass(frozen=True)
class ExportResult:
    file: Path
    description: Path
    context: Path | None
    distribution: Distribution


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def export(store: Store, fmt: ExportFormat, path: Path, *, built_at: str | None,
           base_url: str | None = None) -> ExportResult:
    """Write the export to ``path`` (via a temporary file, so a failure leaves no half file), then its
    VoID/DCAT description to PATH-without-suffix.void.ttl and, for JSON-LD, the @context beside it."""
    tmp = path.with_name(path.name + ".part")
    try:
        with tmp.open("wb") as output:
            write(store, fmt, output)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    dist = Distribution(name=path.name, media_type=fmt.media_type, byte_size=path.stat().st_size,
                        sha256=sha256(path), url=f"{base_url.rstrip('/')}/{path.name}" if base_url else None)
    description = path.with_name(path.name.rsplit(".", 1)[0] + ".void.ttl")
    description.write_bytes(serialize(describe(statistics(store), built_at=built_at, distributions=[dist]),
                                      format=RdfFormat.TURTLE, prefixes=TURTLE_PREFIXES))
    context_file = None
    if fmt.rdf_format is None:
        context_file = path.with_name("context.jsonld")
        context_file.write_bytes(context_bytes())
    return ExportResult(path, description, context_file, dist)
