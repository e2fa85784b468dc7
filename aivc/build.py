"""aivc build: ontology + curated data -> reasoning -> validation -> live store.

The build writes into a new store and publishes it only when every step succeeded, so a bad
input file or a failed validation leaves the previous graph untouched.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pyoxigraph import RdfFormat, Store

from . import ns, paths, queries, reasoning, store as stores, validation
from .problems import Problem
from loaders.curated import read_curated

T = TypeVar("T")


class BuildFailed(RuntimeError):
    def __init__(self, message: str, problems: Iterable[Problem] = (), report: validation.Report | None = None):
        super().__init__(message)
        self.problems = list(problems)
        self.report = report


@dataclass
class BuildResult:
    triples: int
    models: int
    organizations: int
    releases_by_governance: dict[str, int]
    report: validation.Report
    timings: dict[str, float] = field(default_factory=dict)
    inferred: dict[str, int] = field(default_factory=dict)
    sources: dict[str, dict] = field(default_factory=dict)          # source -> counts (aivc/sources.py)
    source_problems: list[Problem] = field(default_factory=list)    # reported, never fatal

    def info(self) -> dict:
        return {"triples": self.triples, "models": self.models, "organizations": self.organizations,
                "governance": self.releases_by_governance, "timings_s": self.timings,
                "rules": self.inferred, "conforms": self.report.conforms, "sources": self.sources,
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}


class Steps:
    """The steps of a build: each one announced (``step``) and timed (``timings``: seconds by name)."""

    def __init__(self, step: Callable[[str], None] = lambda s: None):
        self.step, self.timings = step, {}

    def __call__(self, name: str, fn: Callable[[], T]) -> T:
        self.step(name)
        started = time.perf_counter()
        try:
            return fn()
        finally:
            self.timings[name] = round(time.perf_counter() - started, 3)


def load_ontology(store: Store, folder: Path = paths.ONTOLOGY) -> None:
    for ttl in sorted(folder.glob("*.ttl")):
        store.load(path=str(ttl), format=RdfFormat.TURTLE, to_graph=ns.ONTOLOGY_GRAPH)


def populate(store: Store, data: Path | None = paths.DATA, report=None) -> list[Problem]:
    """Load ontology and curated data (none when ``data`` is None) into ``store``; returns the
    problems found in the data."""
    problems: list[Problem] = []
    load_ontology(store)
    store.extend(queries.library_quads())   # the stored questions, listed by any endpoint serving the graph
    if data is not None:
        store.extend(list(read_curated(data, report or problems.append)))
    return problems


def check(store: Store) -> validation.Report:
    """The project's shapes run as SPARQL by the store itself (aivc/shapes_sparql.py; a shape it
    cannot translate goes to pyshacl), each result located at the record its focus node came from.

    pyshacl checks focus node by focus node in Python: seconds for the curated data, but more than
    15 minutes once the public datasets are loaded (70,000 triples); the store answers in about a second.
    """
    from . import shapes_sparql
    return shapes_sparql.validate(store)


def count(store: Store, cls: str) -> int:
    q = f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a <{ns.AIVC}{cls}> }}"
    return int(next(iter(store.query(q, use_default_graph_as_union=True)))["n"].value)


def governance_counts(store: Store) -> dict[str, int]:
    q = f"""SELECT ?slug (COUNT(?r) AS ?n) WHERE {{
              ?r <{ns.AIVC}governanceType>/<{ns.AIVC}slug> ?slug }} GROUP BY ?slug ORDER BY ?slug"""
    return {s["slug"].value: int(s["n"].value) for s in store.query(q, use_default_graph_as_union=True)}


def build(location: Path, data: Path | None = paths.DATA, step: Callable[[str], None] = lambda s: None,
          sources: Sequence = ()) -> BuildResult:
    """Build the graph into a new store and publish it at ``location`` if it is valid.

    ``sources`` are aivc.sources.Selection values of public datasets to load after the curated
    data (none by default); their bad records are reported in ``source_problems``, not fatal.
    """
    from .sources import load_sources, write_runs
    source_problems: list[Problem] = []
    timed = Steps(step)
    with stores.new_build(location) as (store, folder):
        problems = timed("load", lambda: populate(store, data))
        if problems:
            raise BuildFailed(f"{len(problems)} problem(s) in the curated data; the store was not changed", problems)
        runs = timed("sources", lambda: load_sources(store, sources, source_problems.append, step)) if [
            s for s in sources if s.name != "curated"] else {}
        inferred = timed("reason", lambda: reasoning.reason(store))
        report = timed("validate", lambda: check(store))
        if not report.conforms:
            raise BuildFailed(f"the graph does not conform to the shapes ({report.count('violation')} violation(s)); "
                              "the store was not changed", report=report)
        result = BuildResult(triples=len(store), models=count(store, "AIModel"),
                             organizations=count(store, "Organization"),
                             releases_by_governance=governance_counts(store), report=report,
                             timings=timed.timings, inferred=inferred, source_problems=source_problems)
        if runs:
            result.sources = {name: run["counts"] for name, run in write_runs(folder, runs).items()}
        store.flush()
        del store
        stores.publish(location, folder, result.info())
    return result
