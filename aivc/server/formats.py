"""Content negotiation: which serialization of a result the client asked for.

A client names the format by the HTTP Accept header (with q-values, as the SPARQL 1.1 Protocol
expects) or, for a browser link, by a ``format`` (or Virtuoso-style ``output``) URL parameter.
Solutions (SELECT, ASK) and graphs (CONSTRUCT, DESCRIBE) have separate tables.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    name: str            # short name for ?format=
    media_type: str      # what the response says it is
    accepts: tuple[str, ...]   # media types a client may ask for to get it


SOLUTION_FORMATS = (
    Format("json", "application/sparql-results+json", ("application/sparql-results+json", "application/json")),
    Format("xml", "application/sparql-results+xml", ("application/sparql-results+xml", "application/xml", "text/xml")),
    Format("csv", "text/csv", ("text/csv",)),
    Format("tsv", "text/tab-separated-values", ("text/tab-separated-values",)),
)
GRAPH_FORMATS = (
    Format("turtle", "text/turtle", ("text/turtle", "application/x-turtle")),
    Format("ntriples", "application/n-triples", ("application/n-triples", "text/plain")),
    Format("jsonld", "application/ld+json", ("application/ld+json", "application/json")),
    Format("rdfxml", "application/rdf+xml", ("application/rdf+xml", "application/xml")),
)


class NotAcceptable(ValueError):
    """No format the client accepts is offered for this kind of result."""


def _ranges(accept: str) -> list[tuple[float, int, str]]:
    """Media ranges of an Accept header, best first: (q, order, range)."""
    ranges = []
    for order, part in enumerate(p for p in (accept or "*/*").split(",") if p.strip()):
        fields = [f.strip() for f in part.split(";")]
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:
            ranges.append((-q, order, fields[0].lower()))
    return [(-q, order, r) for q, order, r in sorted(ranges)]


def choose(formats: tuple[Format, ...], accept: str | None, name: str | None = None) -> Format:
    """The format to answer with: the named one, else the best match of the Accept header."""
    if name:
        for f in formats:
            if name.lower() in (f.name, f.media_type):
                return f
        raise NotAcceptable(f"format '{name}' is not offered here; use one of "
                            f"{', '.join(f.name for f in formats)}")
    for _, _, wanted in _ranges(accept or "*/*"):
        if wanted in ("*/*", "*"):
            return formats[0]
        for f in formats:
            if wanted in f.accepts or (wanted.endswith("/*") and f.media_type.startswith(wanted[:-1])):
                return f
    raise NotAcceptable(f"none of the requested types ({accept}) is offered for this result; offered: "
                        f"{', '.join(f.media_type for f in formats)}")


def graph_bytes(triples: list, fmt: Format) -> bytes:
    """A small graph (a CONSTRUCT answer, a description) in one of GRAPH_FORMATS."""
    from pyoxigraph import RdfFormat, serialize

    from ..export import jsonld_bytes
    from ..linked_data import TURTLE_PREFIXES

    if fmt.name == "jsonld":
        return jsonld_bytes(triples)
    rdf = {"turtle": RdfFormat.TURTLE, "ntriples": RdfFormat.N_TRIPLES, "rdfxml": RdfFormat.RDF_XML}[fmt.name]
    return serialize(triples, format=rdf, prefixes=TURTLE_PREFIXES if fmt.name == "turtle" else None)
