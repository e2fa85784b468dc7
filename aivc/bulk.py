"""Bulk loading of big sources (the whole Hugging Face Hub) into the on-disk store.

A million models do not fit the path that small sources take (Python quads added in one
transaction, rules run over the whole store, pyshacl on an in-memory copy). Here:

- **Streaming**: a bulk-capable loader (a module with ``triples(path, context, known)``, e.g.
  loaders/huggingface.py) yields N-Triples terms per record; they are written as N-Quads text into a
  named pipe that ``Store.bulk_load`` reads, so neither the source nor its quads are ever held in
  memory, and the store's loader runs beside the Python code. Loading is lenient: the loader builds
  every IRI from values it has checked.
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

import errno
import io
import json
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import rdflib
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Store, serialize

from . import ns, paths, store as stores
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
        translation of aivc/shapes_sparql.py follows rdfs:subClassOf itself, as SHACL does.
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
    lineage: list[tuple[str, str]] = field(default_factory=list, repr=False)   # (model, base) IRIs written

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


def bulk_load(store: Store, pieces: Iterable[str]) -> None:
    """Bulk-load the N-Quads text that ``pieces`` yield into ``store``.

    The text goes through a named pipe that the store's loader reads as a file: the loader then runs
    without Python's lock, on one core, while the Python code that makes the text runs on the other
    (read through a Python file object, the loader would take the lock for every read). Where there
    are no named pipes, it reads a ``TextStream``.
    """
    if not hasattr(os, "mkfifo"):
        store.bulk_load(TextStream(pieces), format=RdfFormat.N_QUADS, lenient=True)
        return
    failures: list[BaseException] = []
    with tempfile.TemporaryDirectory(prefix="aivc-bulk-") as folder:
        pipe = os.path.join(folder, "quads.nq")
        os.mkfifo(pipe, 0o600)

        def load() -> None:
            try:
                store.bulk_load(path=pipe, format=RdfFormat.N_QUADS, lenient=True)
            except BaseException as failure:       # re-raised in the calling thread
                failures.append(failure)

        loader = threading.Thread(target=load, name="bulk-load", daemon=True)
        loader.start()
        try:
            with _writer(pipe, loader) as sink:
                for piece in pieces:
                    sink.write(piece)
        except BrokenPipeError:
            pass                                    # the loader stopped reading: its failure says why
        finally:
            loader.join()
    if failures:
        raise failures[0]


def _writer(pipe: str, reader: threading.Thread):
    """The pipe opened for writing once the reader has opened it (never waiting on a reader that died)."""
    while True:
        try:
            fd = os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
            break
        except OSError as not_yet:
            if not_yet.errno != errno.ENXIO or not reader.is_alive():
                raise BrokenPipeError("the bulk loader did not open its input") from not_yet
            time.sleep(0.001)
    os.set_blocking(fd, True)
    return open(fd, "w", encoding="utf-8", buffering=1 << 20)


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
    derived_from, lineage = f"<{ns.AIVC}derivedFrom>", run.lineage

    def lines() -> Iterator[str]:
        yield serialize(provenance, format=RdfFormat.N_QUADS).decode("utf-8")
        for facts in module.triples(path, context, known):
            stated = set(facts)
            out = [f"{s} {p} {o} {g} .\n" for s, p, o in facts]
            for s, p, o in facts:
                for a, b, c in entailments.of(s, p, o):
                    if (a, b, c) not in stated:
                        out.append(f"{a} {b} {c} {i} .\n")
                    if b == derived_from:     # kept for the family counts: reading them back costs more
                        lineage.append((a[1:-1], c[1:-1]))
                if p == derived_from:
                    lineage.append((s[1:-1], o[1:-1]))
            yield "".join(out)

    bulk_load(store, lines())
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


# --- what the graph holds --------------------------------------------------------------------------------

def graph_sizes(store: Store) -> dict[str, int]:
    """Triples per named graph, largest first."""
    sizes = {}
    for graph in store.named_graphs():
        row = next(iter(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} }}")))
        sizes[graph.value] = int(row["n"].value)
    return dict(sorted(sizes.items(), key=lambda kv: (-kv[1], kv[0])))


def biggest_families(store: Store, top: int = 10, loaded: Iterable[tuple[str, str]] = (),
                     skip: Iterable[NamedNode] = ()) -> list[dict]:
    """The root models (named in the graph, derived from nothing) with the most descendants at any distance.

    Walking ``aivc:derivedFrom+`` from every root in SPARQL costs a path evaluation per root; the
    edges are read once instead and the families counted here. ``loaded`` are the (model, base)
    edges a bulk load has just written, in the graphs ``skip``: a million of them are taken from
    the load rather than read back (the store spends ~15 us turning each stored IRI into text).
    """
    skipped = ", ".join(f"<{g.value}>" for g in skip)
    rows = store.query(f"SELECT DISTINCT ?m ?b WHERE {{ GRAPH ?g {{ ?m <{ns.AIVC}derivedFrom> ?b }} "
                       + (f"FILTER(?g NOT IN ({skipped})) " if skipped else "") + "}")
    children: dict[str, list[str]] = {}
    derived: set[str] = set()
    for model, base in set(loaded) | {(row["m"].value, row["b"].value) for row in rows}:
        children.setdefault(base, []).append(model)
        derived.add(model)
    sizes = []
    for root in children.keys() - derived:
        seen, todo = set(), list(children[root])
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(children.get(node, ()))
        sizes.append((len(seen), root))
    families = []
    ranked = sorted(sizes, key=lambda s: (-s[0], s[1]))
    for start in range(0, len(ranked), 4 * top):     # a root the graph does not describe (a dangling base) is skipped
        chunk = ranked[start:start + 4 * top]
        names = _labels(store, [root for _, root in chunk])
        families += [{"model": root, "name": names[root], "descendants": n, "direct": len(children[root])}
                     for n, root in chunk if root in names]
        if len(families) >= top:
            break
    return families[:top]


def _labels(store: Store, iris: list[str]) -> dict[str, str]:
    if not iris:
        return {}
    values = " ".join(f"<{i}>" for i in iris)
    rows = store.query(f"SELECT ?e (MIN(STR(?l)) AS ?name) WHERE {{ VALUES ?e {{ {values} }} ?e <{ns.RDFS}label> ?l }} "
                       "GROUP BY ?e", use_default_graph_as_union=True)
    return {r["e"].value: r["name"].value for r in rows if r["name"] is not None}


def tiers_by_source(store: Store) -> list[dict]:
    """Releases per access tier in each source (the curated documents together): a source states
    one release per model, so this is each source's models per tier."""
    curated = ns.graph("curated").value + "/"
    rows = store.query(f"""SELECT ?source ?tier (COUNT(DISTINCT ?r) AS ?n) WHERE {{
          GRAPH ?g {{ ?r <{ns.AIVC}accessTier> ?t }} ?t <{ns.AIVC}slug> ?tier
          BIND(IF(STRSTARTS(STR(?g), "{curated}"), "curated", STR(?g)) AS ?source) }} GROUP BY ?source ?tier""",
                       use_default_graph_as_union=True)
    return sorted(({"graph": r["source"].value, "tier": r["tier"].value, "releases": int(r["n"].value)} for r in rows),
                  key=lambda r: (r["graph"], -r["releases"]))


# --- incremental update -----------------------------------------------------------------------------------

REMOVE_PER_LOAD = 15     # deleting a quad costs about this many bulk-loaded quads here (120 us vs 8 us)


def _source_graphs(name: str) -> list[NamedNode]:
    return [ns.graph("source", name), inferred_graph(name)]


def _stale_provenance(quad: Quad, dropped: set[str], dataset: str) -> bool:
    subject = quad.subject.value
    return subject in dropped or subject == dataset or subject.startswith(dataset + "/")


def _copy_without(old: Store, store: Store, dropped: set[str], dataset: str) -> None:
    """Fill ``store`` with every graph of ``old`` but the dropped ones (and their provenance)."""
    kept = [g for g in old.named_graphs() if g.value not in dropped]   # store iterators stay in this thread

    def pieces() -> Iterator[str]:
        for graph in kept:
            quads = list(old.quads_for_pattern(None, None, None, graph))
            if graph == ns.PROVENANCE_GRAPH:
                quads = [q for q in quads if not _stale_provenance(q, dropped, dataset)]
            yield serialize(quads, format=RdfFormat.N_QUADS).decode("utf-8")
    bulk_load(store, pieces())


def _checkpoint_without(old: Store, target: Path, dropped: set[str], dataset: str) -> Store:
    """A checkpoint copy of ``old`` (hard links) with the dropped graphs removed."""
    old.backup(str(target))
    store = Store(str(target))
    for graph in dropped:
        node = NamedNode(graph)
        if store.contains_named_graph(node):
            store.remove_graph(node)
    for quad in [q for q in store.quads_for_pattern(None, None, None, ns.PROVENANCE_GRAPH)
                 if _stale_provenance(q, dropped, dataset)]:
        store.remove(quad)
    return store


@dataclass
class BulkResult:
    run: BulkRun
    report: "shapes_sparql.ShapeReport"
    info: dict


def replace_source(location: Path, name: str, path: Path, report: Report = lambda p: None,
                   step: Callable[[str], None] = lambda s: None, select: Callable | None = None) -> BulkResult:
    """Replace one bulk-capable source's graphs in the live store at ``location``, atomically.

    The new store is the live one minus the source's graph, its entailments and their provenance
    -- kept by a checkpoint and deletion when the old graphs are small, by copying the rest into a
    fresh store when they are big -- plus the new snapshot, bulk loaded. Only the nodes of the new
    graphs are validated again (the lineage shapes by default). Bad records and shape results are
    reported, not fatal: the Hub's problems are facts about the Hub.
    """
    from . import shapes_sparql
    from .build import Steps
    from .reconcile import derive
    from .sources import ORDER, source
    select = select or shapes_sparql.lineage
    src = source(name)
    live = stores.live_folder(location)
    info_file = live / stores.BUILD_INFO
    previous = json.loads(info_file.read_text()) if info_file.is_file() else {}
    stores.builds_dir(location).mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=time.strftime("%Y%m%dT%H%M%S-bulk-"), dir=stores.builds_dir(location)))
    timed = Steps(step)

    def copy() -> Store:
        """The live store without the source's graphs: a checkpoint minus them when they are small, a
        fresh store with every other graph copied in when they are big."""
        old = Store.read_only(str(live / "oxigraph"))
        sizes = graph_sizes(old)
        dropped = {g.value for g in _source_graphs(src.name)}
        dropped_size = sum(n for g, n in sizes.items() if g in dropped)
        dataset = ns.resource("dataset", src.name).value
        if dropped_size * REMOVE_PER_LOAD > sum(sizes.values()) - dropped_size:
            store = Store(str(folder / "oxigraph"))
            _copy_without(old, store, dropped, dataset)
            return store
        return _checkpoint_without(old, folder / "oxigraph", dropped, dataset)

    try:
        store = timed("copy", copy)
        run = timed(f"load {src.name}", lambda: load_source(store, src.name, path, report))
        timed("reconcile", lambda: derive(store, ORDER))
        checked = timed("validate", lambda: shapes_sparql.validate(
            store, select, focus_graphs=[g.value for g in _source_graphs(src.name)], strict=True))
        families = timed("families", lambda: biggest_families(store, loaded=run.lineage, skip=_source_graphs(src.name)))
        info = {**previous, "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "families": families,
                "bulk": {**previous.get("bulk", {}), src.name: {**run.as_json(), "validation": _summary(checked)}},
                "timings_s": {**previous.get("timings_s", {}),
                              **{f"bulk-load: {k}": v for k, v in timed.timings.items()}}}
        store.flush()
        del store
        stores.publish(location, folder, info)
        return BulkResult(run, checked, info)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _summary(report) -> dict:
    return {"violations": report.count("violation"), "warnings": report.count("warning"),
            "by_check": report.by_check(), "seconds": round(sum(s for _, s, _ in report.timings), 3),
            "first": [str(r) for r in report.results[:50]]}


# --- a whole build ------------------------------------------------------------------------------------

def build(location: Path, bulk: Sequence[tuple[str, Path]], data: Path | None = paths.DATA,
          report: Report = lambda p: None, step: Callable[[str], None] = lambda s: None,
          select: Callable | None = None) -> BulkResult:
    """Build a new store at ``location``: ontology and curated data (reasoned, and validated by all
    shapes as a gate, as ``aivc build`` does), then each bulk source streamed in and its nodes
    validated by the lineage shapes (reported, not a gate). Published only when every step ends.
    """
    from . import reasoning, shapes_sparql
    from .build import BuildFailed, Steps, populate
    from .reconcile import derive
    from .sources import ORDER
    select = select or shapes_sparql.lineage
    timed = Steps(step)
    runs: dict[str, BulkRun] = {}

    with stores.new_build(location) as (store, folder):
        problems = timed("load curated", lambda: populate(store, data))
        if problems:
            raise BuildFailed(f"{len(problems)} problem(s) in the curated data; the store was not changed", problems)
        inferred = timed("reason curated", lambda: reasoning.reason(store))
        gate = timed("validate curated", lambda: shapes_sparql.validate(store))
        if not gate.conforms:
            raise BuildFailed(f"the curated graph does not conform to the shapes ({gate.count('violation')} "
                              "violation(s)); the store was not changed", report=gate)
        for name, path in bulk:
            runs[name] = timed(f"load {name}", lambda: load_source(store, name, path, report))
        if runs:
            timed("reconcile", lambda: derive(store, ORDER))
        # Every node is new in a fresh build: the lineage shapes run over the whole graph (the
        # curated part has passed every shape already), without a per-node graph test.
        checked = timed("validate lineage", lambda: shapes_sparql.validate(store, select, strict=True)) \
            if runs else gate
        families = timed("families", lambda: biggest_families(
            store, loaded=[edge for run in runs.values() for edge in run.lineage],
            skip=[g for name in runs for g in _source_graphs(name)]))
        info = {"built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "rules": inferred,
                "conforms": gate.conforms, "families": families, "timings_s": timed.timings,
                "bulk": {name: {**run.as_json(), "validation": _summary(checked)} for name, run in runs.items()}}
        store.flush()
        del store
        stores.publish(location, folder, info)
    return BulkResult(next(iter(runs.values())) if runs else BulkRun("curated", str(data)), checked, info)
