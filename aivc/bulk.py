"""Bulk loading of big sources (the whole Hugging Face Hub) into the on-disk store.

A million models do not fit the path that small sources take (Python quads added in one
transaction, rules run over the whole store, pyshacl on an in-memory copy). Here:

- **Streaming**: a bulk-capable loader (a module with ``triples(path, context, known)``, e.g.
  loaders/huggingface.py) yields N-Triples terms per record; they are written as N-Quads text into
  ``Store.bulk_load`` through a file-like stream, so neither the source nor its quads are ever held
  in memory. Loading is lenient: the loader builds every IRI from values it has checked.
- **Reasoning what the queries need**: the entailments the rules of rules/inference would add
  (subclass and subproperty closure, inverse properties, all read from ontology/*.ttl) are computed
  per triple while streaming, but only for the terms that the stored queries and the rules use (a
  hub model is typed aivc:AIModel because queries ask for it; nobody asks for prov:Entity). They go
  to the source's own graph ``graph/inferred/NAME``, so that reloading the source replaces them too.
  Governance rules are not run over bulk sources (see docs/scaling.md).
- **Incremental update**: ``replace_source`` swaps one source's graphs in a copy of the live store and
  publishes the copy atomically. Deleting quads is slow in the store (about 120 µs per quad here),
  bulk loading fast (about 7 µs), so the copy keeps whichever is cheaper: a checkpoint of the live
  store minus the old graphs (a small source), or a fresh store with the other graphs copied over
  (a big one). Validation then looks only at the nodes the new graphs describe.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import rdflib
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Store, serialize

from . import ns, paths
from .problems import Problem, Report

INFERRED_PREFIX = ns.graph("inferred").value + "/"


def inferred_graph(source: str) -> NamedNode:
    """Where the entailments of a bulk-loaded source's facts go."""
    return ns.graph("inferred", source)


class TextStream(io.RawIOBase):
    """A binary file object over an iterator of text pieces, so that pyoxigraph can parse or
    bulk-load what a generator writes without the whole text ever being in memory."""

    def __init__(self, pieces: Iterable[str], batch: int = 512):
        self._pieces = iter(pieces)
        self._batch = batch
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while len(self._buffer) < len(target):
            chunk = "".join(_take(self._pieces, self._batch))
            if not chunk:
                break
            self._buffer += chunk.encode("utf-8")
        n = min(len(target), len(self._buffer))
        target[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n


def _take(pieces: Iterator[str], n: int) -> list[str]:
    out = []
    for piece in pieces:
        out.append(piece)
        if len(out) >= n:
            break
    return out


# --- reasoning what the queries need -------------------------------------------------------------------

_PREFIX_DECL = re.compile(r"PREFIX\s+([A-Za-z][\w-]*)?:\s*<([^>]*)>", re.IGNORECASE)
_PREFIXED = re.compile(r"(?<![\w<])([A-Za-z][\w-]*):([A-Za-z_][\w-]*)")
_FULL_IRI = re.compile(r"<(https?://[^>\s]+)>")


def used_terms(files: Iterable[Path]) -> set[str]:
    """Every IRI that the SPARQL files name (full, or prefixed with a prefix they declare)."""
    terms: set[str] = set()
    for file in files:
        text = file.read_text(encoding="utf-8")
        body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
        prefixes = {p or "": iri for p, iri in _PREFIX_DECL.findall(body)}
        terms.update(_FULL_IRI.findall(body))
        terms.update(prefixes[p] + local for p, local in _PREFIXED.findall(body) if p in prefixes)
        if re.search(r"\ba\b", body):
            terms.add(ns.RDF + "type")
    return terms


@dataclass(frozen=True)
class Entailments:
    """The entailments of single triples that the consumers of the graph use, by N-Triples term.

    ``types[C]`` lists the classes a member of C also belongs to; ``properties[P]`` lists
    (Q, inverse) pairs: a triple s P o entails s Q o, or o Q s when ``inverse``.
    """

    types: dict[str, tuple[str, ...]]
    properties: dict[str, tuple[tuple[str, bool], ...]]

    @classmethod
    def needed(cls, ontology: Path = paths.ONTOLOGY, queries: Iterable[Path] | None = None) -> "Entailments":
        """Entailments read from the ontology, kept when a stored query names the entailed aivc term.

        Terms of the aligned vocabularies (prov:, schema:, org:...) link aivc to other data; no stored
        query asks a bulk source for them. Rules are not run over bulk sources, and the SHACL
        translation of aivc/scale_validation.py follows rdfs:subClassOf itself, as SHACL does.
        """
        files = queries if queries is not None else paths.QUERIES.glob("*.rq")
        used = frozenset(t for t in used_terms(files) if t.startswith(ns.AIVC))
        return _entailments(ontology, used)

    def of(self, s: str, p: str, o: str) -> list[tuple[str, str, str]]:
        if p == _RDF_TYPE:
            return [(s, p, c) for c in self.types.get(o, ())]
        out = []
        for q, inverse in self.properties.get(p, ()):
            if not inverse:
                out.append((s, q, o))
            elif o.startswith("<"):
                out.append((o, q, s))
        return out


_RDF_TYPE = f"<{ns.RDF}type>"


@lru_cache(maxsize=4)
def _entailments(ontology: Path, used: frozenset[str]) -> Entailments:
    g = rdflib.Graph()
    for ttl in sorted(ontology.glob("*.ttl")):
        g.parse(ttl)
    RDFS, OWL = rdflib.RDFS, rdflib.OWL

    def closure(predicate) -> dict[str, set[str]]:
        direct: dict[str, set[str]] = {}
        for a, b in g.subject_objects(predicate):
            if isinstance(a, rdflib.URIRef) and isinstance(b, rdflib.URIRef) and a != b:
                direct.setdefault(str(a), set()).add(str(b))
        full = {}
        for start in direct:
            seen, todo = set(), list(direct[start])
            while todo:
                node = todo.pop()
                if node not in seen and node != start:
                    seen.add(node)
                    todo.extend(direct.get(node, ()))
            full[start] = seen
        return full

    supers = closure(RDFS.subClassOf)
    superprops = closure(RDFS.subPropertyOf)
    inverses: dict[str, set[str]] = {}
    for a, b in g.subject_objects(OWL.inverseOf):
        inverses.setdefault(str(a), set()).add(str(b))
        inverses.setdefault(str(b), set()).add(str(a))
    types = {f"<{c}>": tuple(f"<{d}>" for d in sorted(ds) if d in used) for c, ds in supers.items()}
    properties = {}
    for p in set(superprops) | set(inverses):
        implied = [(q, False) for q in sorted(superprops.get(p, ())) if q in used]
        for q in sorted({p} | superprops.get(p, set())):
            implied += [(i, True) for i in sorted(inverses.get(q, ())) if i in used]
        properties[f"<{p}>"] = tuple((f"<{q}>", inverse) for q, inverse in implied)
    return Entailments({c: ts for c, ts in types.items() if ts}, {p: qs for p, qs in properties.items() if qs})


# --- loading one source --------------------------------------------------------------------------------

@dataclass
class BulkRun:
    """What bulk-loading one source did: counts, problems, and where each record stands."""

    name: str
    path: str
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    def as_json(self, listed: int = 200) -> dict:
        return {"path": self.path, "counts": self.counts, "seconds": round(self.seconds, 3),
                "problems": [str(p) for p in self.problems[:listed]]}


def known_hub_ids(store: Store, exclude: Iterable[NamedNode] = ()) -> dict[str, str]:
    """Hub ids (casefolded) -> the IRIs the store already gives them, outside ``exclude``."""
    skip = {g.value for g in exclude}
    found: dict[str, str] = {}
    for row in store.query(f"SELECT ?e ?id ?g WHERE {{ GRAPH ?g {{ ?e <{ns.AIVC}huggingFaceId> ?id }} }}"):
        if row["g"].value not in skip and row["e"].value.startswith(ns.BASE + "model/"):
            found.setdefault(row["id"].value.casefold(), row["e"].value)
    return found


def load_source(store: Store, name: str, path: Path, report: Report = lambda p: None,
                entailments: Entailments | None = None) -> BulkRun:
    """Stream one source into ``store`` (its graph, its provenance, its entailments) by bulk loading.

    The source's module must be bulk-capable: ``snapshot(path, context)`` (provenance quads) and
    ``triples(path, context, known)`` (the facts of each record, as N-Triples terms).
    """
    from loaders.source_records import SourceContext
    from .sources import source
    src = source(name)
    module = src.module()
    if not hasattr(module, "triples"):
        raise ValueError(f"source '{src.name}' has no bulk loader (its module defines no triples())")
    entailments = entailments or Entailments.needed()
    run = BulkRun(src.name, str(path))
    started = time.perf_counter()

    def collect(problem: Problem) -> None:
        run.problems.append(problem)
        report(problem)

    path = Path(path).resolve()
    context = SourceContext(src.dataset(), path, None, collect)
    graph, inferred = context.graph, inferred_graph(src.name)
    provenance = list(module.snapshot(path, context))
    provenance += _entailment_provenance(provenance, graph, inferred)
    known = known_hub_ids(store, exclude=[graph])
    g, i = f"<{graph.value}>", f"<{inferred.value}>"

    def lines() -> Iterator[str]:
        yield serialize(provenance, format=RdfFormat.N_QUADS).decode("utf-8")
        for facts in module.triples(path, context, known):
            stated = set(facts)
            out = [f"{s} {p} {o} {g} .\n" for s, p, o in facts]
            for s, p, o in facts:
                out += [f"{a} {b} {c} {i} .\n" for a, b, c in entailments.of(s, p, o) if (a, b, c) not in stated]
            yield "".join(out)

    store.bulk_load(TextStream(lines(), batch=256), format=RdfFormat.N_QUADS, lenient=True)
    run.counts = dict(sorted(context.counts.items()))
    run.counts["problems"] = len(run.problems)
    run.seconds = time.perf_counter() - started
    return run


def _entailment_provenance(provenance: list[Quad], graph: NamedNode, inferred: NamedNode) -> list[Quad]:
    """The entailment graph rests on the same snapshot as the source graph (and on the ontology)."""
    derived = NamedNode(ns.PROV + "wasDerivedFrom")
    snapshots = [q.object for q in provenance if q.subject == graph and q.predicate == derived]
    note = Literal("Entailments of the source graph's facts that the stored queries and rules use (subclass, "
                   "subproperty and inverse closure of ontology/*.ttl), computed while bulk loading (aivc/bulk.py).")
    return [Quad(inferred, derived, s, ns.PROVENANCE_GRAPH) for s in snapshots] + \
           [Quad(inferred, NamedNode(ns.DCTERMS + "description"), note, ns.PROVENANCE_GRAPH)]
