"""Benchmark: every stored question, `aivc explain governance` and `aivc reproduce open-sourcing` on a
built graph, against the naive path (the same queries in an rdflib Dataset with the union default graph).

    python bench/bench_library.py [--store PATH] [--repeat 3] [--naive-timeout 120] [--no-naive]

aivc's path: the embedded store (pyoxigraph, on disk) answers each stored query with its defaults
bound, as `aivc query NAME` does. The naive path: the store's quads parsed into rdflib and the same
bound query text run by rdflib's SPARQL engine, each query in a process of its own, counted as
'> timeout' when it does not finish. Figures are medians of --repeat runs; the ratio is naive / aivc.
Without --store, the live store (AIVC_STORE or the default location) is used.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aivc import economics, explain, paths, queries as library, store as stores  # noqa: E402


def timed(fn, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def naive_run(nquads: str, text: str, out) -> None:
    import rdflib
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(nquads, format="nquads")
    start = time.perf_counter()
    try:
        list(dataset.query(text))
    except Exception as failed:           # rdflib's engine is the baseline, not the subject: report it
        out.put(f"error: {type(failed).__name__}")
        return
    out.put(time.perf_counter() - start)


def naive(nquads: str, text: str, timeout: float) -> float | str | None:
    """rdflib's time for one query (parsing excluded), its error, or None when it exceeds ``timeout``."""
    out = mp.Queue()
    process = mp.Process(target=naive_run, args=(nquads, text, out))
    process.start()
    process.join(timeout + 60)            # parsing the graph comes on top of the query's own time
    if process.is_alive():
        process.kill()
        process.join()
        return None
    return out.get() if not out.empty() else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=paths.default_store())
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--naive-timeout", type=float, default=120)
    parser.add_argument("--no-naive", action="store_true")
    args = parser.parse_args()
    store = stores.open_read_only(args.store)
    print(f"graph: {len(store)} quads at {args.store}")
    dump = None
    if not args.no_naive:
        from pyoxigraph import RdfFormat, serialize
        dump = tempfile.NamedTemporaryFile(suffix=".nq", delete=False).name
        Path(dump).write_bytes(serialize(store, format=RdfFormat.N_QUADS))
    print(f"{'question':38s} {'rows':>6s} {'aivc s':>8s} {'rdflib s':>9s} {'ratio':>7s}")
    total = 0.0
    for q in library.library().values():
        text = q.bound_text({p.name: p.default for p in q.parameters if p.required})
        rows = len(library.rows(library.run(store, text))[1])
        ours = timed(lambda: library.rows(library.run(store, text)), args.repeat)
        total += ours
        theirs = None if dump is None else naive(dump, text, args.naive_timeout)
        if dump is None:
            shown, ratio = "-", ""
        elif theirs is None or isinstance(theirs, str):
            shown, ratio = theirs or f"> {args.naive_timeout:.0f}", ""
        else:
            shown, ratio = f"{theirs:.3f}", f"{theirs / ours:.0f}x"
        print(f"{q.name:38s} {rows:6d} {ours:8.3f} {shown:>9s} {ratio:>7s}")
    print(f"all {len(library.library())} stored questions: {total:.2f} s")
    model = next(iter(library.rows(library.run(store, "SELECT ?id WHERE { ?m a <https://w3id.org/aivc/ontology#AIModel> ; "
                                                      "<http://purl.org/dc/terms/identifier> ?id } ORDER BY ?id LIMIT 1"))[1]),
                 {}).get("id")
    if model:
        print(f"explain governance {model}: {timed(lambda: explain.explain_governance(store, model), args.repeat):.3f} s")
    table = economics.model_table(store)
    print(f"model table ({len(table)} models): {timed(lambda: economics.model_table(store), args.repeat):.3f} s")
    try:
        print(f"logit fit: {timed(lambda: economics.fit_open_sourcing(table), args.repeat):.3f} s")
    except economics.AnalysisError as cannot:
        print(f"logit fit: {cannot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
