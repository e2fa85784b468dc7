"""Benchmark: the plan beyond one machine - a built store put on a SPARQL server, and the stored queries there.

    python bench/bench_remote.py --store /tmp/aivc-bench/store-100000/store [--work DIR] [--plain]
    python bench/bench_remote.py --store STORE --endpoint http://127.0.0.1:8890/sparql   # a server loaded already

With the Oxigraph server (`pip install -e '.[test]'` installs it, as the remote-store tests need it):
1. `aivc push --bulk` (and, with --plain, `aivc push` with one transaction per graph) to a fresh
   `oxigraph serve --union-default-graph` on 127.0.0.1: wall time, graphs and triples;
2. every stored query (defaults bound) on the server and on the embedded store: time each, and
   whether the rows are the same (compared as sorted tuples of their lexical values);
3. `aivc export -f nquads` and `oxigraph load` of the export (the read-only public copy): time and size.
With --endpoint, only step 2, against that endpoint (e.g. Virtuoso after its bulk loader read the export).
docs/scaling.md ("Beyond one machine") quotes the figures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from aivc import queries as library, remote, store as stores  # noqa: E402
from real_servers import oxigraph_serve  # noqa: E402  - the server the remote-store tests start


def timed(*command: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{' '.join(command[:2])} failed: {done.stderr.strip()}")
    return time.perf_counter() - started, done.stdout.strip()


def size(path: Path) -> str:
    total = sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.is_dir() else path.stat().st_size
    return f"{total / 1e9:.2f} GB" if total > 1e9 else f"{total / 1e6:.0f} MB"


def push(store: Path, base: str, bulk: bool) -> None:
    seconds, said = timed("aivc", "push", "--store", str(store), "--endpoint", base + "/query",
                          "--graph-store", base + "/store", "--timeout", "3600", *(["--bulk"] if bulk else []))
    print(f"aivc push{' --bulk' if bulk else ''}: {seconds:.1f} s ({said.splitlines()[-1]})", flush=True)


def compare_queries(store: Path, endpoint: str) -> None:
    local = stores.open_read_only(store)

    def answer(result) -> list[tuple]:
        columns, rows = library.rows(result)
        return sorted(tuple(str(row[c]) for c in columns) for row in rows)
    same = 0
    for q in library.library().values():
        text = q.bound_text({p.name: p.default for p in q.parameters if p.required})
        started = time.perf_counter()
        try:
            there = answer(remote.run(endpoint, text, timeout=600))
        except remote.RemoteError as refused:
            print(f"  {q.name:<36} refused remotely: {str(refused).split(' / ')[0][-160:]}", flush=True)
            continue
        remote_s = time.perf_counter() - started
        started = time.perf_counter()
        here = answer(library.run(local, text))
        local_s = time.perf_counter() - started
        same += there == here
        verdict = "same rows" if there == here else f"DIFFERENT ({len(there)} rows remotely)"
        print(f"  {q.name:<36} remote {remote_s:7.2f} s  local {local_s:7.2f} s  {len(here):>7} rows  {verdict}",
              flush=True)
    print(f"{same} of {len(library.library())} stored queries give the embedded store's rows at {endpoint}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="a built aivc store (e.g. from bench_scale.py)")
    parser.add_argument("--work", type=Path, default=None, help="folder for the server stores and the export")
    parser.add_argument("--plain", action="store_true", help="also push with one transaction per graph (slow)")
    parser.add_argument("--endpoint", default=None, help="only compare the stored queries on this endpoint")
    args = parser.parse_args()
    if args.endpoint:
        compare_queries(args.store, args.endpoint)
        return
    if not shutil.which("oxigraph"):
        sys.exit("the oxigraph server is not installed: pip install oxigraph")
    work = args.work or Path(tempfile.mkdtemp(prefix="aivc-remote-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ.pop("AIVC_ENDPOINT", None)
    for bulk in ([False] if args.plain else []) + [True]:
        served = work / f"server-{'bulk' if bulk else 'plain'}"
        shutil.rmtree(served, ignore_errors=True)
        with oxigraph_serve(served, "--union-default-graph") as base:
            push(args.store, base, bulk)
            if bulk:
                compare_queries(args.store, base + "/query")
        print(f"  server store: {size(served)}", flush=True)
    export, loaded = work / "aivc.nq", work / "loaded"
    shutil.rmtree(loaded, ignore_errors=True)
    seconds, _ = timed("aivc", "export", "--store", str(args.store), "-f", "nquads", "-o", str(export))
    print(f"aivc export -f nquads: {seconds:.1f} s ({size(export)})", flush=True)
    seconds, _ = timed("oxigraph", "load", "--location", str(loaded), "--file", str(export))
    print(f"oxigraph load: {seconds:.1f} s (store {size(loaded)}); the embedded store: {size(args.store)}")


if __name__ == "__main__":
    main()
