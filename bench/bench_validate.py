"""Benchmark: validate a 1,000-row CSV contribution against the full graph (target: under 2 s).

    python bench/bench_validate.py [--rows 1000] [--repeat 3] [--skip-naive]

Builds the full graph as `aivc build` does (curated data and every source snapshot found in
../shared/data) into a temporary store, merges made-up organizations (the contributors' labs, so
that no fact is invented about a real firm), writes a CSV of made-up models (fine-tunes and
quantizations of real base models of the graph, and foundation models) and times
``aivc.contrib.check.check`` on it: read, assemble the graph around it, reason, run the shapes as
SPARQL, place every finding in the file. The naive path for comparison loads the same graph plus the
contribution into rdflib and runs pyshacl with the same shapes (``aivc.validation.validate``); it
takes about 20 minutes on the full graph (measured: 1,383 s), so --skip-naive leaves it out.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pyoxigraph import Store

from aivc import reasoning, validation
from aivc import store as stores
from aivc.build import build
from aivc.contrib.check import check
from aivc.contrib.merge import merge
from aivc.sources import default_selection

LABS = [f"bench-lab-{i}" for i in range(1, 6)]
BASES = """SELECT DISTINCT ?id WHERE {
  ?release a <https://w3id.org/aivc/ontology#CuratedRelease> ; <https://w3id.org/aivc/ontology#releaseOf> ?m ;
           <https://w3id.org/aivc/ontology#accessTier>/<https://w3id.org/aivc/ontology#rank> ?rank ;
           <https://w3id.org/aivc/ontology#releaseDate> ?date .
  ?m <http://purl.org/dc/terms/identifier> ?id .
  FILTER(?rank >= 4 && STR(?date) < "2024-06")
} ORDER BY ?id"""
COLUMNS = ["id", "name", "type", "base_model", "developer", "released", "tier", "licence", "channels",
           "source_url", "source_title", "source_date"]


def build_graph(location: Path) -> None:
    build(location, sources=default_selection())
    labs = location.parent / "labs"
    labs.mkdir()
    for lab in LABS:
        (labs / f"{lab}.yaml").write_text(
            "sources:\n  about: {url: https://example.org/" + lab + ", title: " + lab + " (made up), date: 2025-01-01}\n"
            f"organization: {{id: {lab}, name: Bench Lab {lab[-1]}, owner_type: startup, country: FR, source: about}}\n")
    merge(location, sorted(labs.glob("*.yaml")), "benchmark")


def write_contribution(path: Path, bases: list[str], rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(COLUMNS)
        for i in range(rows):
            kind = ("fine-tune", "quantization", "foundation")[i % 3]
            base = "" if kind == "foundation" else (
                rng.choice(bases) if kind == "fine-tune" or i < 3 else f"bench-model-{i - 1}")
            licence = "" if kind == "foundation" else "apache-2.0"
            tier = "cloud-api" if kind == "foundation" else "downloadable-weights"
            out.writerow([f"bench-model-{i}", f"Bench Model {i}", kind, base, LABS[i % len(LABS)],
                          f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}", tier, licence, "model-hub" if licence else "own-api",
                          f"https://example.org/bench/{i // 50}", f"Bench announcement {i // 50} (made up)", "2025-01-01"])


def naive(location: Path, contribution: Path) -> float:
    """rdflib + pyshacl on the whole graph with the contribution in it (what `aivc validate` did before)."""
    outcome = check(stores.open_read_only(location), [contribution])
    work = Store()
    work.extend(stores.open_read_only(location).quads_for_pattern(None, None, None))
    work.extend(outcome.quads())
    reasoning.reason(work)
    start = time.perf_counter()
    validation.validate(work)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-naive", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        location = Path(tmp) / "store"
        start = time.perf_counter()
        build_graph(location)
        live = stores.open_read_only(location)
        print(f"full graph: {len(live):,} quads, built in {time.perf_counter() - start:.1f} s")
        bases = [r["id"].value for r in live.query(BASES, use_default_graph_as_union=True)]
        contribution = Path(tmp) / "contribution.csv"
        write_contribution(contribution, bases, args.rows)
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            outcome = check(live, [contribution])
            times.append(time.perf_counter() - start)
        counts = {s: outcome.count(s) for s in ("violation", "warning", "info")}
        best = min(times)
        print(f"validate {args.rows}-row CSV ({len(outcome.quads()):,} quads, {counts}): "
              f"best {best:.2f} s, median {statistics.median(times):.2f} s over {args.repeat} runs "
              f"(target < 2 s: {'met' if best < 2 else 'MISSED'})")
        if not args.skip_naive:
            slow = naive(location, contribution)
            print(f"naive rdflib + pyshacl on the same graph and contribution: {slow:.1f} s "
                  f"(ratio {slow / best:.0f}x)")


if __name__ == "__main__":
    main()
