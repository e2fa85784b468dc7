"""Benchmark: build the curated data plus the four shared snapshots, as `aivc build` does, against
the naive rdflib + pyshacl path over the same facts.

    python bench/bench_sources.py [--repeat 3] [--naive-timeout 1800] [--shared ../shared/data]

aivc's path: loaders stream quads into the embedded store (pyoxigraph, on disk), reconciliation
and the readable rules run as SPARQL in the store, and the shapes run as SPARQL by the store
(aivc.build.check). The naive path: the same loaders' quads parsed into one rdflib graph, then
pyshacl with RDFS inference and the same shapes. The target of issue 4 is under 15 s for aivc's
path on a 2-core machine. Figures are the median of --repeat runs; the naive path runs once, in a
process of its own, and counts as '> timeout' when it does not finish.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aivc import paths, sources  # noqa: E402
from aivc.build import BuildFailed, build  # noqa: E402

SELECTION = "curated,ecosystem-graphs,epoch,eosai,fmti"


def aivc_build(repeat: int) -> tuple[dict[str, float], object]:
    """Median seconds per step of `aivc build` over ``repeat`` builds, and the last outcome (the
    BuildResult, or BuildFailed when the graph does not conform: the steps are timed all the same)."""
    runs, outcome = [], None
    for _ in range(repeat):
        marks: list[tuple[str, float]] = []
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            try:
                outcome = build(Path(tmp) / "store", paths.DATA, sources=sources.parse_selection(SELECTION),
                                step=lambda name: marks.append((name, time.perf_counter())))
            except BuildFailed as failed:
                outcome = failed
            end = time.perf_counter()
        main_steps = [(n, t) for n, t in marks if n in ("load", "sources", "reason", "validate")]
        bounds = [t for _, t in main_steps] + [end]
        runs.append({**{n: bounds[i + 1] - bounds[i] for i, (n, _) in enumerate(main_steps)}, "total": end - start})
    return {step: statistics.median(r[step] for r in runs) for step in runs[0]}, outcome


NAIVE = r"""
import sys, time
sys.path.insert(0, {root!r})
import pyshacl, rdflib
from pyoxigraph import RdfFormat, Store, serialize
from aivc import paths, sources
from aivc.build import populate
from aivc.validation import shapes_graph
start = time.perf_counter()
store = Store()
populate(store, paths.DATA)
sources.load_sources(store, sources.parse_selection({selection!r}))
union = store.query("CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}", use_default_graph_as_union=True)
graph = rdflib.Graph().parse(data=serialize(union, format=RdfFormat.N_TRIPLES).decode(), format="nt")
loaded = time.perf_counter() - start
conforms, _, _ = pyshacl.validate(graph, shacl_graph=shapes_graph(), inference="rdfs", advanced=True,
                                  allow_warnings=True)
print(f"{{loaded:.2f}} {{time.perf_counter() - start:.2f}} {{len(graph)}} {{conforms}}")
"""


def naive(timeout: float) -> tuple[float | None, str]:
    """Seconds of the rdflib + pyshacl path (None when it does not finish within ``timeout``)."""
    code = NAIVE.format(root=str(ROOT), selection=SELECTION)
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    except subprocess.TimeoutExpired:
        return None, f"did not finish within {timeout:.0f} s"
    if done.returncode != 0:
        return None, "failed: " + (done.stderr.strip().splitlines() or ["?"])[-1]
    loaded, total, triples, conforms = done.stdout.split()
    return float(total), f"rdflib load {loaded} s, {triples} triples, pyshacl conforms={conforms}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--naive-timeout", type=float, default=1800, help="seconds; 0 skips the naive path")
    parser.add_argument("--shared", type=Path, help="folder of the shared snapshots (default ../shared/data)")
    args = parser.parse_args()
    if args.shared:
        os.environ["AIVC_SHARED_DATA"] = str(args.shared)
    missing = [s.name for s in sources.REGISTRY.values() if s.snapshot and not s.default_path().exists()]
    if missing:
        print(f"shared snapshots missing ({', '.join(missing)}) in {sources.shared_data()}", file=sys.stderr)
        return 1
    print(f"aivc build --sources {SELECTION}  ({os.cpu_count()} cores, median of {args.repeat})")
    steps, result = aivc_build(args.repeat)
    for step, seconds in steps.items():
        print(f"  {step:<10} {seconds:7.2f} s")
    if isinstance(result, BuildFailed):
        print(f"  graph not published: {result}")
    else:
        print(f"  graph: {result.triples} triples, {result.models} models, {result.organizations} organizations; "
              f"{'conforms' if result.report.conforms else 'does not conform'}")
    print(f"  target < 15 s: {'met' if steps['total'] < 15 else 'NOT met'}")
    if args.naive_timeout <= 0:
        print("naive rdflib + pyshacl path skipped (--naive-timeout 0)")
        return 0
    seconds, note = naive(args.naive_timeout)
    if seconds is None:
        print(f"naive rdflib + pyshacl (RDFS inference): {note}")
        print(f"ratio: more than {args.naive_timeout / steps['total']:.0f}x")
    else:
        print(f"naive rdflib + pyshacl (RDFS inference): {seconds:.2f} s ({note})")
        print(f"ratio: {seconds / steps['total']:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
