"""aivc bulk-load: stream a big source (the whole Hugging Face Hub) into the built store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from aivc import bulk, store as stores
from aivc.cli import StoreOption, _fail, _store_path, app, err, out
from aivc.sources import SourceError


@app.command("bulk-load")
def bulk_load(source: Annotated[str, typer.Argument(help="A source with a bulk loader: hub.")],
              path: Annotated[Path, typer.Argument(help="Its snapshot, e.g. a Hub JSONL dump.", exists=True,
                                                   dir_okay=False, readable=True)],
              shown: Annotated[int, typer.Option("--show", min=0, help="How many problems and shape results to "
                                                                       "print (all are counted).")] = 20,
              store: StoreOption = None) -> None:
    """Replace one source's graph in the built store by streaming its snapshot in (millions of records).

    The live store is copied, the source's graph and its entailments are replaced in the copy by
    bulk loading, only the new nodes are validated (the lineage shapes: dangling bases, cycles,
    date order, licence inheritance), and the copy replaces the store when loading ends: an error
    leaves the store as it was. Bad lines are reported with their line number and skipped; shape
    results are reported with the line of the record; neither stops the load.
    """
    location = _store_path(store)
    try:
        with out.status("loading...") as status:
            result = bulk.replace_source(location, source, path, step=lambda s: status.update(f"{s}..."))
    except stores.StoreMissing as missing:
        _fail(str(missing))
    except (SourceError, ValueError) as bad:
        _fail(str(bad), 2)
    run, report = result.run, result.report
    for problem in run.problems[:shown]:
        err.print(str(problem), highlight=False, markup=False)
    for found in report.results[:shown]:
        err.print(str(found), highlight=False, markup=False)
    summary = Table(title=f"{run.name} loaded from {run.path}", show_header=False)
    for key, value in run.counts.items():
        summary.add_row(key, f"{value:,}")
    for check, found in report.by_check().items():
        summary.add_row(f"shape: {check}", f"{found:,}")
    summary.add_row("time (s)", ", ".join(f"{k.removeprefix('bulk-load: ')} {v}" for k, v in
                                          result.info["timings_s"].items() if k.startswith("bulk-load: ")))
    out.print(summary)
