"""aivc stats: what the store holds (triples per named graph, models per tier per source, the
biggest model families) and how long its last build took."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from aivc import bulk, store as stores
from aivc.cli import Format, StoreOption, _open, _store_path, app, out, print_rows


@app.command()
def stats(top: Annotated[int, typer.Option(min=1, help="How many families and graphs to list.")] = 10,
          fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
          store: StoreOption = None) -> None:
    """Triples per named graph, models per access tier in each source, the biggest model families
    (a root model and everything derived from it, at any distance) and the timings of the last build.

    Counts are read from the store; families and timings from the last build's record
    (build.json), or counted now when the build recorded none.
    """
    graph = _open(store)
    try:
        info = stores.build_info(_store_path(store))
    except (stores.StoreMissing, OSError, ValueError):
        info = {}
    sizes = bulk.graph_sizes(graph)
    families = info.get("families")
    if families is None:
        families = bulk.biggest_families(graph, top)
    timings = {step: seconds for step, seconds in (info.get("timings_s") or {}).items()}
    if fmt is not Format.table:
        print_rows(["section", "name", "value"], _rows(sizes, bulk.tiers_by_source(graph), families[:top], timings),
                   fmt)
        return
    total = Table("named graph", "triples", title=f"triples per named graph ({sum(sizes.values()):,} in "
                                                 f"{len(sizes)} graphs; the largest {min(top, len(sizes))})")
    for name, n in list(sizes.items())[:top]:
        total.add_row(_short(name), f"{n:,}")
    out.print(total)
    tiers = Table("source graph", "access tier", "models (releases)", title="models per access tier, per source")
    for row in bulk.tiers_by_source(graph):
        tiers.add_row(_short(row["graph"]), row["tier"], f"{row['releases']:,}")
    out.print(tiers)
    fams = Table("root model", "descendants", "derived directly", title="biggest model families")
    for row in families[:top]:
        fams.add_row(row["name"] or _short(row["model"]), f"{row['descendants']:,}", f"{row['direct']:,}")
    out.print(fams)
    if timings:
        steps = Table("step", "seconds", title=f"timings of the last build ({info.get('built_at', '?')})")
        for step, seconds in timings.items():
            steps.add_row(step, f"{seconds:.3f}")
        out.print(steps)
    else:
        out.print("the last build recorded no timings", style="dim")


def _rows(sizes: dict, tiers: list[dict], families: list[dict], timings: dict) -> list[dict]:
    rows = [{"section": "triples", "name": g, "value": n} for g, n in sizes.items()]
    rows += [{"section": "tier", "name": f"{t['graph']} {t['tier']}", "value": t["releases"]} for t in tiers]
    rows += [{"section": "family", "name": f["model"], "value": f["descendants"]} for f in families]
    rows += [{"section": "timing_s", "name": step, "value": s} for step, s in timings.items()]
    return rows


def _short(iri: str) -> str:
    return iri.removeprefix("https://w3id.org/aivc/")

