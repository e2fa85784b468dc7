"""A VoID / DCAT description of the graph, and a SPARQL service description of an endpoint serving it.

Both are written from measured statistics (statements per named graph, instances per aivc class,
the source document behind each graph), so the description says what is in this build and where
each part comes from. ``aivc serve`` answers it at /.well-known/void; ``aivc export`` writes it
beside each export file with the file's size and checksum.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from pyoxigraph import DefaultGraph, Literal, NamedNode, Store, Triple

from . import __version__, ns
from .linked_data import FORMATS, SD, SPDX_TERMS, VOID

DATASET = ns.resource("dataset", "aivc")
XSD_INTEGER = NamedNode(ns.XSD + "integer")
XSD_DATETIME = NamedNode(ns.XSD + "dateTime")

RDF_TYPE = NamedNode(ns.RDF + "type")
TITLE, DESCRIPTION = NamedNode(ns.DCTERMS + "title"), NamedNode(ns.DCTERMS + "description")
MODIFIED, CONFORMS_TO = NamedNode(ns.DCTERMS + "modified"), NamedNode(ns.DCTERMS + "conformsTo")
IDENTIFIER, DERIVED_FROM = NamedNode(ns.DCTERMS + "identifier"), NamedNode(ns.PROV + "wasDerivedFrom")


def _void(name: str) -> NamedNode:
    return NamedNode(VOID + name)


def _dcat(name: str) -> NamedNode:
    return NamedNode(ns.DCAT + name)


def _sd(name: str) -> NamedNode:
    return NamedNode(SD + name)


def _int(n: int) -> Literal:
    return Literal(str(n), datatype=XSD_INTEGER)


@dataclass
class Statistics:
    """What the store holds: statements per named graph, in the default graph, instances per class."""

    graphs: dict[str, int] = field(default_factory=dict)
    default_graph: int = 0
    classes: dict[str, int] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def statements(self) -> int:
        return self.default_graph + sum(self.graphs.values())


def statistics(store: Store) -> Statistics:
    """Count the store's statements per graph and the instances of each aivc class (one pass each)."""
    stats = Statistics()
    for row in store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"):
        stats.graphs[row["g"].value] = int(row["n"].value)
    stats.default_graph = sum(1 for _ in store.quads_for_pattern(None, None, None, DefaultGraph()))
    classes = f"""SELECT ?c (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a ?c FILTER(STRSTARTS(STR(?c), "{ns.AIVC}")) }}
                  GROUP BY ?c"""
    for row in store.query(classes, use_default_graph_as_union=True):
        stats.classes[row["c"].value] = int(row["n"].value)
    sources = f"SELECT ?g ?doc WHERE {{ GRAPH <{ns.PROVENANCE_GRAPH.value}> {{ ?g <{ns.PROV}wasDerivedFrom> ?doc }} }}"
    for row in store.query(sources):
        stats.sources[row["g"].value] = row["doc"].value
    return stats


def dataset_version(built_at: str | None) -> str:
    """The dataset's version: the software version plus the build time as semver build metadata."""
    stamp = (built_at or "").replace("-", "").replace(":", "")
    return f"{__version__}+{stamp}" if stamp else __version__


@dataclass(frozen=True)
class Distribution:
    """A file of the dataset: name, media type, size and SHA-256, and where it can be downloaded."""

    name: str
    media_type: str
    byte_size: int
    sha256: str
    url: str | None = None


def describe(stats: Statistics, *, built_at: str | None, endpoint: str | None = None,
             distributions: Iterable[Distribution] = ()) -> Iterator[Triple]:
    """VoID and DCAT triples describing the dataset, its named graphs, classes and distributions."""
    d = DATASET
    yield Triple(d, RDF_TYPE, _void("Dataset"))
    yield Triple(d, RDF_TYPE, _dcat("Dataset"))
    yield Triple(d, TITLE, Literal("aivc: an open knowledge graph of the AI value chain", language="en"))
    yield Triple(d, DESCRIPTION, Literal(
        "Firms, AI models, their releases, access tiers, licence terms, governance relations between lead "
        "firms and downstream firms, and value-capture mechanisms; every fact in the named graph of its "
        "source.", language="en"))
    yield Triple(d, _dcat("version"), Literal(dataset_version(built_at)))
    if built_at:
        yield Triple(d, MODIFIED, Literal(built_at, datatype=XSD_DATETIME))
    yield Triple(d, CONFORMS_TO, NamedNode(ns.BASE + "ontology"))
    yield Triple(d, _void("vocabulary"), NamedNode(ns.AIVC))
    yield Triple(d, _void("uriSpace"), Literal(ns.BASE))
    yield Triple(d, _void("triples"), _int(stats.statements))
    yield Triple(d, _void("classes"), _int(len(stats.classes)))
    for cls, n in sorted(stats.classes.items()):
        part = ns.resource("dataset", "aivc", "class", cls.rsplit("#", 1)[-1])
        yield Triple(d, _void("classPartition"), part)
        yield Triple(part, _void("class"), NamedNode(cls))
        yield Triple(part, _void("entities"), _int(n))
    for graph, n in sorted(stats.graphs.items()):
        g = NamedNode(graph)
        yield Triple(d, _void("subset"), g)
        yield Triple(g, RDF_TYPE, _void("Dataset"))
        yield Triple(g, _void("triples"), _int(n))
        if graph in stats.sources:
            yield Triple(g, DERIVED_FROM, NamedNode(stats.sources[graph]))
    if endpoint:
        service = NamedNode(endpoint)
        yield Triple(d, _void("sparqlEndpoint"), service)
        access = ns.resource("dataset", "aivc", "distribution", "sparql")
        yield Triple(d, _dcat("distribution"), access)
        yield Triple(access, RDF_TYPE, _dcat("Distribution"))
        yield Triple(access, _dcat("accessService"), service)
        yield Triple(service, RDF_TYPE, _dcat("DataService"))
        yield Triple(service, _dcat("endpointURL"), service)
        yield Triple(service, _dcat("servesDataset"), d)
    for dist in distributions:
        node = ns.resource("dataset", "aivc", "distribution", dist.name)
        yield Triple(d, _dcat("distribution"), node)
        yield Triple(node, RDF_TYPE, _dcat("Distribution"))
        yield Triple(node, IDENTIFIER, Literal(dist.name))
        yield Triple(node, _dcat("mediaType"), NamedNode("https://www.iana.org/assignments/media-types/" + dist.media_type))
        yield Triple(node, _dcat("byteSize"), _int(dist.byte_size))
        checksum = ns.resource("dataset", "aivc", "distribution", dist.name, "sha256")
        yield Triple(node, NamedNode(SPDX_TERMS + "checksum"), checksum)
        yield Triple(checksum, NamedNode(SPDX_TERMS + "algorithm"), NamedNode(SPDX_TERMS + "checksumAlgorithm_sha256"))
        yield Triple(checksum, NamedNode(SPDX_TERMS + "checksumValue"), Literal(dist.sha256))
        if dist.url:
            yield Triple(node, _dcat("downloadURL"), NamedNode(dist.url))
            yield Triple(d, _void("dataDump"), NamedNode(dist.url))


RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                  "Turtle", "N-Triples", "JSON-LD", "RDF_XML")


def service_description(endpoint: str) -> Iterator[Triple]:
    """SPARQL 1.1 Service Description of a read-only aivc endpoint (answered at GET /sparql)."""
    s = NamedNode(endpoint)
    yield Triple(s, RDF_TYPE, _sd("Service"))
    yield Triple(s, _sd("endpoint"), s)
    yield Triple(s, _sd("supportedLanguage"), _sd("SPARQL11Query"))
    yield Triple(s, _sd("feature"), _sd("UnionDefaultGraph"))
    for name in RESULT_FORMATS:
        yield Triple(s, _sd("resultFormat"), NamedNode(FORMATS + name))
    yield Triple(s, _sd("defaultDataset"), DATASET)
    yield Triple(DATASET, RDF_TYPE, _sd("Dataset"))
