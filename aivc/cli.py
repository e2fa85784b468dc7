"""The aivc command line: build the AI value-chain graph, ask it stored questions, validate it."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from . import __version__, paths, queries as library, store as stores
from .contrib.contribution import MAX_BYTES, ReportFormat

app = typer.Typer(
    help="aivc: an open knowledge graph of the AI value chain.\n\n"
         "Build the curated graph into an embedded store, ask it stored value-capture questions or "
         "your own SPARQL, and validate it against the project's SHACL shapes.",
    no_args_is_help=True, rich_markup_mode="markdown", pretty_exceptions_enable=False)
out = Console()
err = Console(stderr=True, soft_wrap=True)


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    md = "md"


StoreOption = Annotated[Path, typer.Option(
    "--store", envvar="AIVC_STORE", show_default=False,
    help=f"Location of the embedded store [default: {paths.default_store()}]")]


def _store_path(store: Optional[Path]) -> Path:
    return (store or paths.default_store()).expanduser()


def _fail(message: str, code: int = 1) -> None:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def _open(store: Optional[Path]):
    try:
        return stores.open_read_only(_store_path(store))
    except stores.StoreMissing as missing:
        _fail(str(missing))


AllowServiceOption = Annotated[list[str], typer.Option(
    "--allow-service", metavar="HOST[:PORT]",
    help="Let SERVICE clauses call this host (repeatable); without it a query with SERVICE is refused.")]


def _show(text: str, store: Optional[Path], allow_service: list[str], fmt: "Format", title: str | None = None) -> None:
    """Run a query where `aivc --endpoint` points (else the embedded store) and print its answer."""
    from . import remote
    from .server.guard import Refused, syntax_message
    try:
        _print(remote.answer(text, lambda: _open(store), tuple(allow_service)), fmt, title=title)
    except SyntaxError as bad:
        _fail(f"not a valid SPARQL query: {syntax_message(text, bad)}", 2)
    except Refused as refused:
        _fail(str(refused), 2)
    except remote.RemoteError as failed:
        _fail(str(failed))
    except typer.Exit:      # a RuntimeError too: _open has said what is wrong already
        raise
    except (OSError, RuntimeError) as failed:     # e.g. an allowed SERVICE that cannot be reached
        _fail(f"the query failed: {failed}")


@app.callback()
def main(version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False,
         endpoint: Annotated[Optional[str], typer.Option(
             "--endpoint", envvar="AIVC_ENDPOINT", metavar="URL",
             help="Run 'query' and 'sparql' on this SPARQL 1.1 endpoint instead of the embedded store "
                  "(the same stored queries, unchanged).")] = None,
         timeout: Annotated[float, typer.Option(
             "--timeout", min=0.1, help="Seconds to wait for the --endpoint before giving up.")] = 60.0) -> None:
    from . import remote
    remote.TARGET.endpoint, remote.TARGET.timeout = endpoint, timeout
    if version:
        out.print(f"aivc {__version__}")
        raise typer.Exit()


@app.command()
def build(store: StoreOption = None,
          data: Annotated[Optional[Path], typer.Option(help="Folder of curated YAML files.", show_default=False)] = None,
          sources: Annotated[Optional[str], typer.Option(
              "--sources", show_default=False,
              help="Comma-separated data sources to load: curated, ecosystem-graphs, epoch, eosai, fmti, hub=PATH "
                   "(any source also takes NAME=PATH). Default: curated plus every shared snapshot present in "
                   "../shared/data (or $AIVC_SHARED_DATA); with --data, the curated data only.")] = None) -> None:
    """Load the ontology and the curated data, reason, validate, and publish the store.

    With --sources (or by default, the shared snapshots that are present) the public datasets of AI
    models are loaded too, each in its own named graph, reconciled with the curated data; their bad
    records are reported and skipped. The build is written aside and replaces the previous store
    only when it succeeds, so a bad data file leaves the old graph in place. Building twice gives
    the same graph.
    """
    from .build import BuildFailed, build as build_graph
    from .sources import CURATED, SourceError, default_selection, parse_selection
    location = _store_path(store)
    try:
        selection = parse_selection(sources) if sources is not None else (
            default_selection() if data is None else parse_selection(CURATED))
    except SourceError as bad:
        _fail(str(bad), 2)
    curated = (data or paths.DATA) if any(s.name == CURATED for s in selection) else None
    try:
        with out.status("building...") as status:
            result = build_graph(location, curated, step=lambda s: status.update(f"{s}..."), sources=selection)
    except SourceError as bad:
        _fail(str(bad))
    except BuildFailed as failed:
        for problem in failed.problems:
            err.print(str(problem), highlight=False, markup=False)
        if failed.report:
            for r in failed.report.results:
                err.print(str(r), highlight=False, markup=False)
        _fail(str(failed))
    summary = Table(title=f"aivc graph at {location}", show_header=False)
    summary.add_row("triples", str(result.triples))
    summary.add_row("organizations", str(result.organizations))
    summary.add_row("models", str(result.models))
    for slug, n in result.releases_by_governance.items():
        summary.add_row(f"releases: {slug}", str(n))
    verdict = "conforms" if result.report.conforms else "does not conform"
    summary.add_row("validation", f"{verdict} ({result.report.count('warning')} warnings)")
    for name, counts in result.sources.items():
        summary.add_row(f"source: {name}", ", ".join(f"{k} {v}" for k, v in counts.items()))
    summary.add_row("time (s)", ", ".join(f"{k} {v}" for k, v in result.timings.items()))
    for problem in result.source_problems:
        err.print(f"{problem.severity}: {problem}", highlight=False, markup=False)
    out.print(summary)


@app.command("queries")
def list_queries(tag: Annotated[Optional[str], typer.Option(
        "--tag", "-t", help="Only the questions with this tag (e.g. governance, value-capture).")] = None) -> None:
    """List the stored questions with their summaries, tags and parameters."""
    stored = [q for q in library.library().values() if tag is None or tag in q.tags]
    if not stored:
        known = sorted({t for q in library.library().values() for t in q.tags})
        _fail(f"no stored query has the tag '{tag}' (tags: {', '.join(known)})", 2)
    table = Table("name", "summary", "tags", "parameters", title="stored queries (aivc query NAME)")
    for q in stored:
        params = ", ".join(
            f"{p.name}{'' if p.required else '?'}" + (f"={p.default}" if p.default else "") for p in q.parameters)
        table.add_row(q.name, q.summary, ", ".join(q.tags), params or "-")
    out.print(table)


def _parse_params(pairs: list[str]) -> dict[str, str]:
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            _fail(f"--param takes NAME=VALUE, got '{pair}'", 2)
        values[name.strip()] = value
    return values


@app.command()
def query(name: Annotated[str, typer.Argument(help="Name of a stored query (see 'aivc queries').")],
          param: Annotated[list[str], typer.Option("--param", "-p", help="NAME=VALUE, repeatable.")] = [],
          fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
          store: StoreOption = None, allow_service: AllowServiceOption = []) -> None:
    """Run a stored question; parameters are bound as RDF terms, never pasted into the query."""
    try:
        stored = library.get(name)
        text = stored.bound_text(_parse_params(param))
    except library.QueryError as bad:
        _fail(str(bad), 2)
    _show(text, store, allow_service, fmt, title=stored.summary)


@app.command()
def sparql(text: Annotated[Optional[str], typer.Argument(help="A SPARQL 1.1 query.")] = None,
           file: Annotated[Optional[Path], typer.Option("--file", "-f", help="Read the query from a file.")] = None,
           fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
           store: StoreOption = None, allow_service: AllowServiceOption = []) -> None:
    """Run any SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE) against the store.

    The default graph is the union of all named graphs; use GRAPH ?g { ... } to see provenance.
    """
    if (text is None) == (file is None):
        _fail("give a query text or --file FILE (one of them)", 2)
    if file is not None:
        if not file.is_file():
            _fail(f"{file}: no such file", 2)
        text = file.read_text(encoding="utf-8")
    _show(text, store, allow_service, fmt)


def _print(result, fmt: Format, title: str | None = None) -> None:
    from pyoxigraph import QueryBoolean, QuerySolutions, QueryTriples, RdfFormat, serialize
    if isinstance(result, QueryBoolean):
        out.print("true" if bool(result) else "false")
        return
    if isinstance(result, QueryTriples):
        sys.stdout.write(serialize(result, format=RdfFormat.TURTLE).decode())
        return
    assert isinstance(result, QuerySolutions)
    print_rows(*library.rows(result), fmt, title)


def print_rows(columns: list[str], rows: list[dict], fmt: Format, title: str | None = None) -> None:
    """Rows of plain values as a table, CSV, JSON or Markdown (shared by the commands that list things)."""
    if fmt is Format.csv:
        import pandas as pd   # imported here: it costs half a second of every command's start-up
        sys.stdout.write(pd.DataFrame(rows, columns=columns, dtype=object).to_csv(index=False))
    elif fmt is Format.json:
        sys.stdout.write(json.dumps(rows, indent=2, default=str) + "\n")
    elif fmt is Format.md:
        sys.stdout.write(_markdown(columns, rows))
    else:
        table = Table(*columns, title=title)
        for row in rows:
            table.add_row(*("" if row[c] is None else str(row[c]) for c in columns))
        out.print(table)
        out.print(f"{len(rows)} row(s)", style="dim")


def _markdown(columns: list[str], rows: list[dict]) -> str:
    """A GitHub-flavoured Markdown table, for pasting answers into notes and issues."""
    def cell(value) -> str:
        return "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(row[c]) for c in columns) + " |" for row in rows]
    return "\n".join(lines) + "\n"


@app.command()
def validate(files: Annotated[Optional[list[Path]], typer.Argument(
                 help="Contributed files (.csv, .yaml, .jsonld, .ttl, .rdf) to check against the graph; "
                      "none: the built graph itself.", show_default=False)] = None,
             fmt: Annotated[ReportFormat, typer.Option(
                 "--format", "-f", help="text, json, or turtle (a W3C SHACL validation report).")] = ReportFormat.text,
             max_size: Annotated[int, typer.Option(
                 "--max-size", metavar="BYTES", help="Refuse contributed files larger than this.")] = MAX_BYTES,
             store: StoreOption = None) -> None:
    """Validate the built graph against the SHACL shapes; exit 0 when it conforms.

    With FILES, validate contributed files against the current graph instead (nothing is written):
    each finding is placed at its CSV row and column, YAML line and key, JSON-LD pointer or Turtle
    line, in plain words; exit 0 clean (warnings allowed), 1 violations, 2 a file cannot be read.
    """
    if files:
        from .commands.contributions import validate_files
        raise typer.Exit(validate_files(files, fmt, store, max_size))
    from .build import check      # the shapes run as SPARQL by the store, as `aivc build` runs them
    report = check(_open(store))
    if fmt is not ReportFormat.text:
        from .contrib.report import graph_report
        sys.stdout.write(graph_report(report, fmt.value))
        raise typer.Exit(0 if report.conforms else 1)
    for r in report.results:
        out.print(str(r), highlight=False, markup=False)
    state = "[green]conforms[/]" if report.conforms else "[red]does not conform[/]"
    out.print(f"{state}: {report.count('violation')} violation(s), {report.count('warning')} warning(s), "
              f"{report.count('info')} info")
    raise typer.Exit(0 if report.conforms else 1)


from .commands import register_all  # noqa: E402 - commands register themselves on `app`

register_all()

if __name__ == "__main__":
    # `python -m aivc.cli` runs this file as __main__; the commands registered themselves on the
    # imported module aivc.cli, so run that one's app.
    from aivc.cli import app as registered_app
    registered_app()
