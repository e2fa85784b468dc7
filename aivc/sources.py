"""The registry of data sources and how they are loaded into a store, together or one at a time.

A source is a public dataset of AI models with a loader in ``loaders/``: a function
``read(path, context) -> Iterator[Quad]`` (see loaders/source_records.py for ``SourceContext``)
and a module-level ``DATASET`` (loaders.source_records.DatasetInfo) naming it for DCAT. The
registry order is the order of trust: the curated data first, then the sources in the order
below; reconciliation names an entity after the first source that describes it.

Adding a source (e.g. the Hugging Face Hub): write ``loaders/NAME.py`` with ``DATASET`` and
``read``, and add a ``Source`` below. The Hub is registered already as ``hub`` with no shared
snapshot, so ``aivc build --sources curated,hub=PATH`` and ``aivc load hub PATH`` work as soon as
``loaders/huggingface.py`` exists.

Each source writes one named graph (``graph/source/NAME``). ``aivc load`` replaces that graph
(and the source's part of the provenance graph) in a copy of the live store, re-derives what
depends on it, validates, and swaps the copy in: a failure leaves the live store untouched.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import NamedNode, Store

from . import ns, paths, reasoning, store as stores, validation
from .mappings import Mappings, default as default_mappings
from .problems import Problem, Report
from .reconcile import MAPPED_LICENCES_GRAPH, RECONCILED_GRAPH, Reconciler, derive

CURATED = "curated"
SOURCES_FILE = "sources.json"
MAX_LISTED = 20_000        # records listed per source in sources.json (counts are always complete)


@dataclass(frozen=True)
class Source:
    name: str
    loader: str                 # "module:function"
    snapshot: str | None        # default snapshot, relative to the shared data folder
    description: str
    aliases: tuple[str, ...] = ()

    def module(self):
        module_name = self.loader.split(":")[0]
        try:
            return importlib.import_module(module_name)
        except ModuleNotFoundError as missing:
            if missing.name == module_name:
                raise SourceError(f"source '{self.name}' has no loader yet ({module_name}.py is missing)") from None
            raise

    def reader(self) -> Callable:
        return getattr(self.module(), self.loader.split(":")[1])

    def dataset(self):
        return self.module().DATASET

    def default_path(self) -> Path | None:
        return shared_data() / self.snapshot if self.snapshot else None


REGISTRY: dict[str, Source] = {s.name: s for s in (
    Source("ecosystem-graphs", "loaders.ecosystem_graphs:read", "ecosystem-graphs",
           "Stanford CRFM Ecosystem Graphs: models, datasets, applications, dependencies (YAML)"),
    Source("epoch", "loaders.epoch:read", "epoch-ai",
           "Epoch AI Notable AI Models: organizations, dates, parameters, compute, accessibility (CSV)",
           aliases=("epoch-ai",)),
    Source("eosai", "loaders.eosai_index:read", "eosai-index",
           "European Open Source AI Index: 14 openness dimensions graded per model (YAML)",
           aliases=("osai", "eosai-index")),
    Source("fmti", "loaders.fmti:read", "fmti",
           "Foundation Model Transparency Index: 100 indicators scored per developer (CSV)"),
    Source("hub", "loaders.huggingface:read", None,
           "Hugging Face Hub model metadata, one JSON object per line (no shared snapshot: give a PATH)",
           aliases=("huggingface",)),
)}
ORDER = list(REGISTRY)


class SourceError(ValueError):
    """A source selection or snapshot that cannot be loaded; the message says why."""


def shared_data() -> Path:
    """The folder of shared snapshots: $AIVC_SHARED_DATA, else ../shared/data beside the project."""
    return Path(os.environ.get("AIVC_SHARED_DATA") or paths.ROOT.parent / "shared" / "data")


def source(name: str) -> Source:
    for s in REGISTRY.values():
        if name == s.name or name in s.aliases:
            return s
    raise SourceError(f"unknown source '{name}' (sources: {', '.join([CURATED, *REGISTRY])})")


@dataclass(frozen=True)
class Selection:
    name: str
    path: Path | None        # None for curated (the --data folder)


def parse_selection(spec: str) -> list[Selection]:
    """'curated,ecosystem-graphs,hub=PATH' -> selections in trust order; a missing snapshot is an error."""
    chosen: dict[str, Selection] = {}
    for item in (part.strip() for part in spec.split(",")):
        if not item:
            continue
        name, _, path = item.partition("=")
        if name.strip() == CURATED:
            chosen[CURATED] = Selection(CURATED, None)
            continue
        src = source(name.strip())
        where = Path(path).expanduser() if path else src.default_path()
        if where is None:
            raise SourceError(f"source '{src.name}' has no shared snapshot: give its path, e.g. {src.name}=PATH")
        if not where.exists():
            raise SourceError(f"{where}: no such file or folder (snapshot of source '{src.name}')")
        chosen[src.name] = Selection(src.name, where)
    return [chosen[n] for n in [CURATED, *ORDER] if n in chosen]


def default_selection() -> list[Selection]:
    """The curated data plus every shared snapshot that is present."""
    present = [Selection(s.name, s.default_path()) for s in REGISTRY.values()
               if s.default_path() is not None and s.default_path().exists()]
    return [Selection(CURATED, None), *present]


# --- loading -------------------------------------------------------------------------------------

@dataclass
class SourceRun:
    """What loading one source did: counts, problems, reconciliation log."""

    name: str
    path: str
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    matches: list[dict] = field(default_factory=list)
    unresolved: list[dict] = field(default_factory=list)
    rules: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"path": self.path, "counts": self.counts, "rules": self.rules, "problems": self.problems,
                "matches": self.matches[:MAX_LISTED], "unresolved": self.unresolved[:MAX_LISTED]}


def load_sources(store: Store, selections: Sequence[Selection], report: Report = lambda p: None,
                 step: Callable[[str], None] = lambda s: None, mappings: Mappings | None = None
                 ) -> dict[str, SourceRun]:
    """Load each selected source (not curated) into ``store``, reconciled with what it holds,
    then derive the reconciled graph. Problems go to ``report``; loading never stops on them."""
    mappings = mappings or default_mappings()
    reconciler = Reconciler.from_store(store, mappings=mappings)
    runs = {}
    for selection in selections:
        if selection.name == CURATED:
            continue
        step(f"loading {selection.name}")
        runs[selection.name] = _load_one(store, selection, reconciler, report, mappings)
    step("reconciling")
    derive(store, ORDER, mappings)
    return runs


def _load_one(store: Store, selection: Selection, reconciler: Reconciler, report: Report,
              mappings: Mappings) -> SourceRun:
    from loaders.source_records import SourceContext
    src = source(selection.name)
    run = SourceRun(src.name, str(selection.path))
    first_match, first_unresolved = len(reconciler.matches), len(reconciler.unresolved)

    def collect(problem: Problem) -> None:
        run.problems.append(str(problem) + ("" if problem.severity == "warning" else f" ({problem.severity})"))
        report(problem)

    context = SourceContext(src.dataset(), selection.path, reconciler, collect, mappings)
    try:
        store.extend(src.reader()(selection.path, context))
    except SourceError:
        raise
    except Exception as failure:   # a loader must never end in a traceback: say where it stopped
        raise SourceError(f"{src.name}: loading {selection.path} stopped at an unexpected error "
                          f"({type(failure).__name__}: {failure}); the store was not changed") from failure
    run.counts = dict(sorted(context.counts.items()))
    run.counts["problems"] = len(run.problems)
    matches = reconciler.matches[first_match:]
    run.matches = [m.row() for m in matches]
    run.unresolved = [u.row() for u in reconciler.unresolved[first_unresolved:]]
    for m in matches:
        run.rules[m.rule] = run.rules.get(m.rule, 0) + 1
    return run


def write_runs(folder: Path, runs: dict[str, SourceRun], previous: dict | None = None) -> dict:
    """Save the runs (with the previous runs of other sources) as FOLDER/sources.json."""
    merged = dict(previous or {})
    merged.update({name: run.as_json() for name, run in runs.items()})
    merged = {name: merged[name] for name in ORDER if name in merged}
    (folder / SOURCES_FILE).write_text(json.dumps(merged, indent=1, sort_keys=False))
    return merged


def read_runs(location: Path) -> dict:
    """The sources.json of the live store ({} when the store holds no source)."""
    path = stores.live_folder(location) / SOURCES_FILE
    return json.loads(path.read_text()) if path.is_file() else {}


# --- replacing one source in a built store ---------------------------------------------------------

class SourceLoadFailed(RuntimeError):
    def __init__(self, message: str, report: validation.Report | None = None):
        super().__init__(message)
        self.report = report


def _kept_graphs(store: Store, replaced: NamedNode) -> set[str]:
    """Graphs that hold stated facts (described in the provenance graph) or aivc's fixed content."""
    sourced = {row["g"].value for row in store.query(
        f"SELECT DISTINCT ?g WHERE {{ GRAPH <{ns.PROVENANCE_GRAPH.value}> {{ ?g <{ns.PROV}wasDerivedFrom> ?d }} }}")}
    fixed = {ns.ONTOLOGY_GRAPH.value, ns.PROVENANCE_GRAPH.value, ns.QUERY_LIBRARY_GRAPH.value}
    return (sourced | fixed) - {replaced.value, RECONCILED_GRAPH.value, MAPPED_LICENCES_GRAPH.value}


def _drop_source(store: Store, name: str) -> None:
    """Remove a source's graph, its provenance, and every derived graph (rebuilt afterwards)."""
    graph = ns.graph("source", name)
    keep = _kept_graphs(store, graph)
    for g in list(store.named_graphs()):
        if g.value not in keep:
            store.remove_graph(g)
    dataset = ns.resource("dataset", name).value
    stale = [q for q in store.quads_for_pattern(None, None, None, ns.PROVENANCE_GRAPH)
             if q.subject.value == graph.value or q.subject.value == dataset or q.subject.value.startswith(dataset + "/")]
    for quad in stale:
        store.remove(quad)


def replace_source(location: Path, name: str, path: Path, report: Report = lambda p: None,
                   step: Callable[[str], None] = lambda s: None) -> tuple[SourceRun, dict]:
    """Replace one source's graph in the live store at ``location``, atomically.

    The live store is copied (a RocksDB checkpoint), the source's graph and all derived graphs
    are dropped from the copy, the new snapshot is loaded and reconciled, reasoning and SHACL
    validation run again, and only a conforming copy is published. Returns (run, build info).
    """
    from .build import check, count, governance_counts
    if name == CURATED:
        raise SourceError("the curated data is loaded by 'aivc build --data FOLDER', not by 'aivc load'")
    src = source(name)
    selection = parse_selection(f"{src.name}={path}")[0]
    live = stores.live_folder(location)
    previous_info = json.loads((live / stores.BUILD_INFO).read_text()) if (live / stores.BUILD_INFO).is_file() else {}
    previous_runs = read_runs(location)
    stores.builds_dir(location).mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=time.strftime("%Y%m%dT%H%M%S-load-"), dir=stores.builds_dir(location)))
    try:
        step("copying the live store")
        Store.read_only(str(live / "oxigraph")).backup(str(folder / "oxigraph"))
        store = Store(str(folder / "oxigraph"))
        _drop_source(store, src.name)
        runs = load_sources(store, [selection], report, step)
        step("reasoning")
        inferred = reasoning.reason(store)
        step("validating")
        checked = check(store)
        if not checked.conforms:
            raise SourceLoadFailed(f"with this snapshot of {src.name} the graph does not conform to the shapes "
                                   f"({checked.count('violation')} violation(s)); the store was not changed", checked)
        merged = write_runs(folder, runs, previous_runs)
        info = {**previous_info, "triples": len(store), "models": count(store, "AIModel"),
                "organizations": count(store, "Organization"), "governance": governance_counts(store),
                "rules": inferred, "conforms": True, "sources": {n: r["counts"] for n, r in merged.items()},
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        store.flush()
        del store
        stores.publish(location, folder, info)
        return runs[src.name], info
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
