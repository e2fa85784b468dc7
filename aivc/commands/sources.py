"""Commands for the public datasets of AI models: list the sources, load one into a built store,
report how their records were reconciled, and list where the sources disagree."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from aivc import store as stores
from aivc.cli import Format, StoreOption, _fail, _open, _store_path, app, err, out, print_rows
from aivc.reconcile import CONFLICT_FIELDS, conflicts as find_conflicts
from aivc.sources import (CURATED, REGISTRY, SourceError, SourceLoadFailed, read_runs, replace_source, shared_data)


@app.command("sources")
def list_sources() -> None:
    """List the data sources aivc can load, with their shared snapshots (present or not)."""
    table = Table("name", "description", "shared snapshot", title=f"data sources (snapshots in {shared_data()})")
    table.add_row(CURATED, "aivc's curated data (data/, or 'aivc build --data FOLDER')", "-")
    for source in REGISTRY.values():
        path = source.default_path()
        where = "-" if path is None else f"{path.name} ({'present' if path.exists() else 'absent'})"
        table.add_row(source.name + (f" ({', '.join(source.aliases)})" if source.aliases else ""), source.description, where)
    out.print(table)


@app.command()
def load(source: Annotated[str, typer.Argument(help="Source name (see 'aivc sources'), e.g. epoch.")],
         path: Annotated[Path, typer.Argument(help="The source's snapshot: its folder or file.")],
         store: StoreOption = None) -> None:
    """Load one source's snapshot into the built store, replacing that source's named graph only.

    The live store is copied, the source's graph is replaced in the copy, reconciliation, reasoning
    and validation run again, and the copy replaces the store only when it conforms: a failure
    leaves the store as it was. Bad records are reported (file, line or key, field) and skipped.
    """
    location = _store_path(store)
    try:
        with out.status("loading...") as status:
            run, info = replace_source(location, source, path, step=lambda s: status.update(f"{s}..."))
    except stores.StoreMissing as missing:
        _fail(str(missing))
    except SourceError as bad:
        _fail(str(bad), 2)
    except SourceLoadFailed as failed:
        for result in failed.report.results if failed.report else ():
            if result.severity == "violation":
                err.print(str(result), highlight=False, markup=False)
        _fail(str(failed))
    for problem in run.problems:
        err.print(problem, highlight=False, markup=False)
    summary = Table(title=f"{run.name} loaded from {run.path}", show_header=False)
    for key, value in run.counts.items():
        summary.add_row(key, str(value))
    summary.add_row("matched by rule", ", ".join(f"{k} {v}" for k, v in sorted(run.rules.items())))
    summary.add_row("graph", f"{info['triples']} triples, {info['models']} models, {info['organizations']} organizations")
    out.print(summary)


class Listing(str, Enum):
    matched = "matched"
    unmatched = "unmatched"
    unresolved = "unresolved"
    problems = "problems"


@app.command()
def reconcile(report: Annotated[bool, typer.Option("--report", help="List every record: what it matched and by "
                                                                     "which rule, what stayed unmatched.")] = False,
              source: Annotated[Optional[str], typer.Option(help="Only this source.")] = None,
              only: Annotated[Optional[Listing], typer.Option(help="With --report: only matched records, unmatched "
                                                                    "ones, unresolved references or problems.")] = None,
              fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
              store: StoreOption = None) -> None:
    """How the sources' records were reconciled with the curated data and with each other.

    Without --report: per source, how many names matched by each rule (exact-name,
    name-without-suffix, unit-of-organization, huggingface-id, name-without-size) and how many
    got a new IRI ('new'), with unresolved references and problems. With --report: one row per
    name, with the record it was read from and the IRI it got.
    """
    location = _store_path(store)
    _open(store)
    runs = read_runs(location)
    if source is not None:
        if source not in runs:
            _fail(f"the store holds no source '{source}' (it holds: {', '.join(runs) or 'none'})", 2)
        runs = {source: runs[source]}
    if not report:
        columns = ["source", "records", *sorted({r for run in runs.values() for r in run["rules"]}),
                   "unresolved", "problems"]
        rows = [{"source": name, "records": sum(run["rules"].values()), **{r: run["rules"].get(r, 0) for r in columns[2:-2]},
                 "unresolved": len(run["unresolved"]), "problems": len(run["problems"])} for name, run in runs.items()]
        print_rows(columns, rows, fmt, title="reconciliation (aivc reconcile --report lists the records)")
        return
    if only is Listing.problems:
        print_rows(["source", "problem"], [{"source": n, "problem": p} for n, run in runs.items() for p in run["problems"]],
                   fmt, title="problems in the sources' records")
        return
    if only is Listing.unresolved:
        print_rows(["source", "record", "field", "name"], [u for run in runs.values() for u in run["unresolved"]], fmt,
                   title="references to upstream assets that match nothing")
        return
    rows = [m for run in runs.values() for m in run["matches"]
            if only is None or (only is Listing.unmatched) == (m["rule"] == "new")]
    print_rows(["source", "kind", "name", "rule", "iri", "curated", "record"], rows, fmt,
               title="reconciliation: each name a source uses, and the IRI it got")


@app.command()
def conflicts(field: Annotated[Optional[str], typer.Option(help=f"Only one field: {', '.join(CONFLICT_FIELDS)}.")] = None,
              fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
              store: StoreOption = None) -> None:
    """List every fact on which the sources disagree, with each source's value and record.

    Fields: tier, licence, date (compared at the precision both give), organization (sources
    that name no organization in common), parameters (counts more than 5% apart). Nothing is
    overwritten: each source keeps its claim in its own graph.
    """
    if field is not None and field not in CONFLICT_FIELDS:
        _fail(f"--field must be one of {', '.join(CONFLICT_FIELDS)}, got '{field}'", 2)
    found = find_conflicts(_open(store), [field] if field else CONFLICT_FIELDS)
    print_rows(["name", "field", "source", "value", "record"], [c.row() for c in found], fmt,
               title="where the sources disagree")
