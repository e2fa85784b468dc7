"""A contributed file as aivc reads it: its facts as quads, and where in the file each one was stated.

Every reader (one per format) turns a file into a ``Contribution``: quads in named graphs of their own
(``graph/contrib/CONTRIBUTION/SOURCE``), the problems it found while reading, and a map from resources
and facts back to the contributor's file (a CSV row and column, a YAML line and key, a JSON-LD JSON
pointer, a Turtle line). A file that cannot be read at all raises ``Unreadable``, the one error type
readers raise; everything else is a located ``Problem``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad

from aivc import ns
from aivc.problems import Problem

MAX_BYTES = 20 * 1024 * 1024
SYNTAXES = {".csv": "csv", ".yaml": "yaml", ".yml": "yaml", ".jsonld": "jsonld", ".json": "jsonld",
            ".ttl": "turtle", ".rdf": "rdfxml", ".owl": "rdfxml", ".xml": "rdfxml"}
FORMAT_NAMES = {"csv": "CSV", "yaml": "YAML", "jsonld": "JSON-LD", "turtle": "Turtle", "rdfxml": "RDF/XML"}


class ReportFormat(str, Enum):
    """The forms of the gate's report (aivc/contrib/report.py writes them)."""
    text = "text"
    json = "json"
    turtle = "turtle"


PROV_DERIVED_FROM = NamedNode(ns.PROV + "wasDerivedFrom")
IS_PART_OF = NamedNode(ns.DCTERMS + "isPartOf")
SOURCE_FILE = ns.term("sourceFile")
SOURCE_RECORD = ns.term("sourceRecord")


class Unreadable(Exception):
    """The file cannot be read as a contribution at all (wrong encoding, not CSV/YAML/JSON/Turtle, too big,
    unsafe). Carries the located problem; ``aivc validate`` exits 2."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


@dataclass(frozen=True)
class Place:
    """Where something stands in a contributor's file: a line (CSV row) and a field (column, key, JSON pointer)."""

    line: int | None = None
    field: str | None = None


@dataclass
class Contribution:
    path: Path
    name: str                  # the file as the contributor named it
    syntax: str                # csv | yaml | jsonld | turtle | rdfxml
    digest: str                # sha256 of the file's bytes
    quads: list[Quad] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    subjects: dict[str, Place] = field(default_factory=dict)
    facts: dict[tuple[str, str], Place] = field(default_factory=dict)
    records: int = 0           # rows, records or resources read
    sources: dict[str, NamedNode] = field(default_factory=dict)   # document URL -> graph of its facts
    refused: set[tuple[str, str]] = field(default_factory=set)    # (resource, why) already reported

    @property
    def ident(self) -> str:
        """A name for the contribution's graphs: the file's stem and the start of its hash."""
        stem = re.sub(r"[^a-z0-9.-]+", "-", self.path.stem.lower()).strip("-.") or "file"
        return f"{stem[:40]}-{self.digest[:12]}"

    @property
    def dataset(self) -> NamedNode:
        return ns.resource("dataset", "contrib", self.ident)

    def graph(self, key: str) -> NamedNode:
        return ns.graph("contrib", self.ident, key)

    def state(self, quad: Quad, place: Place) -> Quad:
        """Keep a quad and remember where it was read (the first place wins)."""
        self.quads.append(quad)
        subject = quad.subject.value
        # a resource stands where its record starts: the line (row) of a record, the JSON object of a key
        record = place.field.rsplit("/", 1)[0] or "/" if self.syntax == "jsonld" and place.field else None
        self.subjects.setdefault(subject, Place(place.line, record))
        self.facts.setdefault((subject, quad.predicate.value), place)
        return quad

    def problem(self, place: Place, message: str, severity: str = "violation") -> None:
        self.problems.append(Problem(self.name, place.line, place.field, message, severity))

    def place_of(self, subject: str, predicate: str | None = None) -> Place | None:
        if predicate is not None and (subject, predicate) in self.facts:
            return self.facts[(subject, predicate)]
        return self.subjects.get(subject)

    def source_graph(self, document: NamedNode, place: Place) -> NamedNode:
        """The graph of the facts a document states; its provenance says which document it is.
        The document's own description (title, date) is stated by the caller, in the provenance graph."""
        if document.value not in self.sources:
            graph = self.sources[document.value] = self.graph(document_key(document.value))
            for predicate, obj in ((PROV_DERIVED_FROM, document), (IS_PART_OF, self.dataset),
                                   (SOURCE_FILE, Literal(self.name))):
                self.state(Quad(graph, predicate, obj, ns.PROVENANCE_GRAPH), place)
        return self.sources[document.value]

    def unsourced_graph(self, place: Place) -> NamedNode:
        """The graph of facts whose source the file does not give (SourceGraphShape reports it)."""
        graph = self.graph("unsourced")
        self.state(Quad(graph, IS_PART_OF, self.dataset, ns.PROVENANCE_GRAPH), place)
        self.state(Quad(graph, SOURCE_FILE, Literal(self.name), ns.PROVENANCE_GRAPH), place)
        return graph

    def locate(self, subject: NamedNode, place: Place) -> None:
        """Record where a resource was described (aivc:sourceRecord), as the curated loader does."""
        where = f"{self.name}#{place.field or ''}" if self.syntax == "jsonld" else f"{self.name}:{place.line}"
        self.state(Quad(subject, SOURCE_RECORD, Literal(where), ns.PROVENANCE_GRAPH), place)


def document_key(url: str) -> str:
    """A short, stable graph key for a source document."""
    return "doc-" + hashlib.sha1(url.encode()).hexdigest()[:10]


def syntax_of(path: Path) -> str:
    syntax = SYNTAXES.get(path.suffix.lower())
    if syntax is None:
        known = ", ".join(sorted(SYNTAXES))
        raise Unreadable(Problem(path.name, None, None,
                                 f"unknown contribution format '{path.suffix or path.name}': use one of {known}"))
    return syntax


def read_bytes(path: Path, max_bytes: int = MAX_BYTES, name: str | None = None) -> bytes:
    """The file's bytes, refusing what is missing, empty or over the size limit before reading it."""
    name = name or path.name
    if not path.exists():
        raise Unreadable(Problem(name, None, None, "no such file"))
    if not path.is_file():
        raise Unreadable(Problem(name, None, None, "not a file"))
    size = path.stat().st_size
    if size > max_bytes:
        raise Unreadable(Problem(name, None, None, f"the file is {_size(size)}; contributions are limited to "
                                                   f"{_size(max_bytes)}: split it into several files"))
    data = path.read_bytes()
    if not data.strip():
        raise Unreadable(Problem(name, None, None, "the file is empty: nothing to contribute"))
    return data


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n:,} bytes"


BOMS = {b"\xff\xfe\x00\x00": "UTF-32", b"\x00\x00\xfe\xff": "UTF-32", b"\xff\xfe": "UTF-16", b"\xfe\xff": "UTF-16"}


def decode(name: str, data: bytes) -> tuple[str, list[Problem]]:
    """UTF-8 text; a UTF-8 byte-order mark is dropped (noted as info), other encodings are refused."""
    notes = []
    for bom, encoding in BOMS.items():
        if data.startswith(bom):
            raise Unreadable(Problem(name, 1, None, f"the file is {encoding} text (byte-order mark); save it as UTF-8"))
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        notes.append(Problem(name, 1, None, "the file starts with a byte-order mark (BOM); it was ignored", "info"))
    if b"\x00" in data:
        line = data[:data.index(b"\x00")].count(b"\n") + 1
        raise Unreadable(Problem(name, line, None, "the file contains NUL bytes: it is not a text file"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as bad:
        line = data[:bad.start].count(b"\n") + 1
        raise Unreadable(Problem(name, line, None, f"not UTF-8 text (byte 0x{data[bad.start]:02x} at byte "
                                                   f"{bad.start}): save the file as UTF-8")) from None
    if not text.strip():
        raise Unreadable(Problem(name, None, None, "the file is empty: nothing to contribute"))
    return text, notes
