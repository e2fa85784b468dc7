"""aivc merge FILE... and the file mode of aivc validate: the gate for contributed datasets.

Both read the files with aivc.contrib's readers, check them against the current graph, and report
every finding at its place in the contributor's file. ``validate`` only reports; ``merge`` adds the
contribution to the store when it has no violation, atomically, with a PROV record of the merge.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from aivc import store as stores
from aivc.cli import StoreOption, _store_path, app, err
from aivc.contrib import report
from aivc.contrib.contribution import MAX_BYTES, ReportFormat

FormatOption = Annotated[ReportFormat, typer.Option(
    "--format", "-f", help="text for people, json for scripts, turtle for the W3C SHACL validation report.")]
MaxSizeOption = Annotated[int, typer.Option(
    "--max-size", metavar="BYTES", help="Refuse files larger than this.")]


def write_report(outcome, fmt: ReportFormat) -> None:
    render = {ReportFormat.text: report.text, ReportFormat.json: report.as_json, ReportFormat.turtle: report.turtle}[fmt]
    sys.stdout.write(render(outcome))


def _names(files: list[Path]) -> dict[Path, str]:
    """Files are named in reports as the user typed them."""
    return {f: str(f) for f in files}


def _live(store: Optional[Path]):
    try:
        return stores.open_read_only(_store_path(store))
    except stores.StoreMissing as missing:
        err.print(f"[bold red]error:[/] {missing}", highlight=False)
        raise typer.Exit(2)


def validate_files(files: list[Path], fmt: ReportFormat, store: Optional[Path], max_size: int) -> int:
    """`aivc validate FILE...`: the gate's report, nothing written."""
    from aivc.contrib.check import check
    outcome = check(_live(store), files, max_size, _names(files))
    write_report(outcome, fmt)
    return outcome.exit_code


@app.command()
def merge(files: Annotated[list[Path], typer.Argument(help="Contributed files: .csv, .yaml, .jsonld, .ttl, .rdf.",
                                                      show_default=False)],
          by: Annotated[Optional[str], typer.Option(
              "--by", help="Who contributes (recorded as the PROV agent) [default: your user name].")] = None,
          fmt: FormatOption = ReportFormat.text,
          max_size: MaxSizeOption = MAX_BYTES,
          store: StoreOption = None) -> None:
    """Validate contributed files against the current graph, then merge them all or nothing.

    Nothing is merged when any file has a violation or cannot be read: the store is unchanged.
    Otherwise every fact is added in one atomic swap of the store (a merge that is interrupted, even
    killed, leaves the store as it was), and the merge is recorded as PROV provenance: who, which
    files with their sha256, when. Exit 0 when merged (or already merged), 1 on violations, 2 when a
    file cannot be read.
    """
    from aivc.contrib.merge import MergeRefused
    from aivc.contrib.merge import merge as merge_files
    location = _store_path(store)
    try:
        merged = merge_files(location, files, by, max_size, _names(files),
                             step=lambda s: err.print(f"[dim]{s}...[/]", highlight=False))
    except MergeRefused as refused:
        write_report(refused.outcome, fmt)
        err.print(f"[bold red]not merged:[/] {refused}", highlight=False)
        raise typer.Exit(refused.outcome.exit_code or 1)
    except stores.StoreMissing as missing:
        err.print(f"[bold red]error:[/] {missing}", highlight=False)
        raise typer.Exit(2)
    except RuntimeError as failed:
        err.print(f"[bold red]error:[/] {failed}; the store was not changed", highlight=False)
        raise typer.Exit(1)
    write_report(merged.outcome, fmt)
    err.print(f"[green]{merged.note}[/]", highlight=False)
