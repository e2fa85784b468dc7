"""Benchmark: the whole model hub on one machine, against the naive rdflib + pyshacl path.

For each size (default 10k, 100k, 1M models) it writes a synthetic Hub dump (bench/gen_hub.py,
not timed), then, each in a fresh process so that peak memory is its own:

1. **build** -- ``aivc.bulk.build``: ontology and curated data (reasoned, validated), the dump
   streamed through the real Hub loader into the on-disk store by bulk loading, with the
   entailments the stored queries need; reconciliation; the lineage shapes over the new nodes
   (aivc/shapes_sparql.py); the biggest families;
2. **queries** -- every stored query of queries/, each in its own process that opens the store
   read-only: time to open plus time to the last row (the first one run is the "reopen + one
   stored query" figure). Queries with parameters run with their defaults; the lineage queries
   run again on the biggest family of the dump.

At the naive size (default 100k) the same graph (dumped from the built store, entailments and all)
is parsed by rdflib and validated by pyshacl with the same lineage shapes, side by side, and the
ratio of end-to-end times is printed. The machine's load average is printed with every figure:
on a shared machine the wall times depend on what else runs.

    python bench/bench_scale.py                         # 10k, 100k, 1M + naive at 100k
    python bench/bench_scale.py --sizes 10000 --naive 10000 --work /tmp/aivc-bench

Results are also written to WORK/results.json (docs/scaling.md quotes them).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

TARGETS = {"build_and_queries_1m_s": 120, "peak_rss_1m_gib": 4, "reopen_query_s": 2, "query_1m_s": 5, "ratio": 20}
LINEAGE_QUERIES = ("model-descendants", "licence-drift")


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _child(*args: str, timeout: float) -> dict:
    """Run this script in a child process and return the JSON it prints last (what it printed
    before being stopped, when it runs out of time)."""
    try:
        done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as expired:
        printed = expired.stdout.decode() if isinstance(expired.stdout, bytes) else (expired.stdout or "")
        partial = json.loads(printed.strip().splitlines()[-1]) if printed.strip() else {}
        return {**partial, "error": f"stopped after {timeout:.0f} s"}
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the steps, each run in a child process ----------------------------------------------------------------

def run_build(dump: Path, location: Path) -> dict:
    from aivc import bulk
    load = os.getloadavg()[0]
    started, cpu = time.perf_counter(), _cpu_s()
    result = bulk.build(location, [("hub", dump)])
    wall = time.perf_counter() - started
    hub = result.info["bulk"]["hub"]
    return {"wall_s": round(wall, 2), "cpu_s": round(_cpu_s() - cpu, 2), "peak_rss_mib": round(_peak_rss_mib()),
            "load_before": round(load, 2), "load_after": round(os.getloadavg()[0], 2),
            "steps_s": result.info["timings_s"], "counts": hub["counts"], "validation": hub["validation"]["by_check"],
            "families": result.info["families"][:5], "problems": len(result.run.problems)}


def run_query(location: Path, name: str, params: str) -> dict:
    started = time.perf_counter()
    from aivc import queries, store as stores
    graph = stores.open_read_only(location)
    opened = time.perf_counter()
    text = queries.get(name).bound_text(json.loads(params))
    _, rows = queries.rows(queries.run(graph, text))
    done = time.perf_counter()
    return {"open_s": round(opened - started, 3), "query_s": round(done - opened, 3), "total_s": round(done - started, 3),
            "rows": len(rows), "peak_rss_mib": round(_peak_rss_mib())}


def run_naive(location: Path, nt: Path) -> dict:
    """rdflib parse + pyshacl validation (the lineage shapes) of the graph the build made."""
    import pyshacl
    import rdflib
    from pyoxigraph import RdfFormat
    from aivc import store as stores
    from aivc.validation import shapes_graph
    graph = stores.open_read_only(location)
    triples = graph.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
    triples.serialize(str(nt), format=RdfFormat.N_TRIPLES)
    del graph
    shapes = lineage_shapes(shapes_graph())
    load = os.getloadavg()[0]
    started, cpu = time.perf_counter(), _cpu_s()
    data = rdflib.Graph().parse(str(nt), format="nt")
    parsed = time.perf_counter()
    print(json.dumps({"parse_s": round(parsed - started, 2), "triples": len(data), "load_before": round(load, 2),
                      "peak_rss_mib": round(_peak_rss_mib())}), flush=True)
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                           allow_warnings=True)
    validated = time.perf_counter()
    results = len(list(report.subjects(rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/shacl#ValidationResult"))))
    return {"parse_s": round(parsed - started, 2), "validate_s": round(validated - parsed, 2),
            "wall_s": round(validated - started, 2), "cpu_s": round(_cpu_s() - cpu, 2), "triples": len(data),
            "results": results, "peak_rss_mib": round(_peak_rss_mib()), "load_before": round(load, 2)}


def lineage_shapes(shapes):
    """The shapes graph cut down to the lineage shapes (and everything they are made of)."""
    import rdflib
    from aivc.shapes_sparql import described, lineage
    return described(shapes, [s for s in shapes.subjects(rdflib.RDF.type, rdflib.SH.NodeShape) if lineage(str(s))])


# --- the driver ------------------------------------------------------------------------------------------

def measure(size: int, work: Path, query_timeout: float) -> dict:
    from gen_hub import generate
    dump = work / f"hub-{size}.jsonl"
    if not dump.is_file():
        print(f"writing {dump} ...", flush=True)
        generated = generate(size, dump)
        (work / f"hub-{size}.json").write_text(json.dumps(generated))
    written = json.loads((work / f"hub-{size}.json").read_text())
    location = work / f"store-{size}" / "store"
    location.parent.mkdir(parents=True, exist_ok=True)
    print(f"[{size:,}] building (load avg {os.getloadavg()[0]:.1f}) ...", flush=True)
    build = _child("build", str(dump), str(location), timeout=3600)
    if "error" in build:
        return {"size": size, "written": written, "build": build}
    print(f"[{size:,}] built in {build['wall_s']} s, peak {build['peak_rss_mib']} MiB; running the stored queries ...",
          flush=True)
    return {"size": size, "written": written, "build": build,
            "queries": run_queries(location, build, query_timeout)}


def run_queries(location: Path, build: dict, timeout: float) -> dict:
    from aivc import queries
    timings = {}
    family = build["families"][0]["name"] if build.get("families") else None
    jobs = [(q.name, {}) for q in queries.library().values()]
    if family:
        jobs += [(f"{name} (biggest family)", {"model": family}) for name in LINEAGE_QUERIES]
    for label, params in jobs:
        name = label.split(" (")[0]
        timings[label] = _child("query", str(location), name, json.dumps(params), timeout=timeout)
        shown = timings[label].get("total_s", timings[label].get("error"))
        print(f"    {label:<48} {shown} s, {timings[label].get('rows', '-')} rows", flush=True)
    return timings


def summary(results: list[dict], naive: dict | None) -> None:
    print("\n== measured curve ==")
    print(f"{'models':>10} {'build s':>9} {'cpu s':>8} {'queries s':>10} {'total s':>9} {'peak MiB':>9} "
          f"{'slowest query':>28} {'load':>5}")
    for r in results:
        b, q = r["build"], r.get("queries", {})
        if "error" in b:
            print(f"{r['size']:>10,} build failed: {b['error']}")
            continue
        times = {k: v.get("total_s") for k, v in q.items() if "total_s" in v}
        slowest = max(times.items(), key=lambda kv: kv[1]) if times else ("-", 0)
        query_sum = sum(v.get("query_s", 0) for v in q.values())
        peak = max([b["peak_rss_mib"]] + [v.get("peak_rss_mib", 0) for v in q.values()])
        r["total_s"] = round(b["wall_s"] + query_sum, 2)
        print(f"{r['size']:>10,} {b['wall_s']:>9} {b['cpu_s']:>8} {query_sum:>10.2f} {r['total_s']:>9} {peak:>9} "
              f"{slowest[0][:20] + ' ' + str(slowest[1]):>28} {b['load_before']:>5}")
        failed = {k: v["error"] for k, v in q.items() if "error" in v}
        for name, why in failed.items():
            print(f"{'':>10} query {name}: {why}")
    if naive:
        mine = next((r for r in results if r["size"] == naive["size"] and "total_s" in r), None)
        print("\n== naive rdflib + pyshacl on the same graph ==")
        stopped = "error" in naive
        if "parse_s" not in naive:
            print(f"naive path: {naive.get('error')}")
            return
        validated = f"validate > {naive['timeout_s'] - naive['parse_s']:.0f} s (stopped)" if stopped else \
            f"validate {naive['validate_s']} s ({naive['results']} results)"
        naive["wall_s"] = naive["timeout_s"] if stopped else naive["wall_s"]
        print(f"{naive['size']:,} models, {naive['triples']:,} triples: parse {naive['parse_s']} s, {validated}; "
              f"peak {naive['peak_rss_mib']} MiB (load {naive['load_before']})")
        if mine:
            ratio = naive["wall_s"] / mine["total_s"]
            naive["ratio"] = round(ratio, 1)
            print(f"aivc end to end (load, reason, validate, every stored query): {mine['total_s']} s -> "
                  f"{'at least ' if stopped else ''}{ratio:.1f}x faster (target >= {TARGETS['ratio']}x)")


def main(argv: list[str]) -> int:
    if argv and argv[0] in ("build", "query", "naive"):
        mode, *args = argv
        result = {"build": lambda: run_build(Path(args[0]), Path(args[1])),
                  "query": lambda: run_query(Path(args[0]), args[1], args[2]),
                  "naive": lambda: run_naive(Path(args[0]), Path(args[1]))}[mode]()
        print(json.dumps(result))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated model counts")
    parser.add_argument("--naive", type=int, default=100000, help="size at which to run the naive path (0: skip)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/aivc-bench"), help="folder for dumps and stores")
    parser.add_argument("--query-timeout", type=float, default=120.0, help="seconds before a query is stopped")
    parser.add_argument("--naive-timeout", type=float, default=1800.0,
                        help="seconds before the naive path is stopped (the ratio is then a lower bound)")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    results = [measure(int(size), args.work, args.query_timeout) for size in args.sizes.split(",") if size]
    naive = None
    if args.naive:
        if not any(r["size"] == args.naive for r in results):
            results.append(measure(args.naive, args.work, args.query_timeout))
        print(f"[{args.naive:,}] naive rdflib + pyshacl (load avg {os.getloadavg()[0]:.1f}) ...", flush=True)
        naive = {"size": args.naive, "timeout_s": args.naive_timeout,
                 **_child("naive", str(args.work / f"store-{args.naive}" / "store"),
                          str(args.work / f"graph-{args.naive}.nt"), timeout=args.naive_timeout)}
    summary(results, naive)
    (args.work / "results.json").write_text(json.dumps({"results": results, "naive": naive, "targets": TARGETS},
                                                       indent=1))
    print(f"\nresults written to {args.work / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
