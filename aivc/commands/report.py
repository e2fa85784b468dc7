"""aivc report and aivc docs: the graph and the ontology as static HTML sites that work offline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from aivc.cli import StoreOption, _fail, _open, _store_path, app, out


@app.command()
def report(out_dir: Annotated[Path, typer.Option(
               "--out", "-o", help="Folder to write the report into; replaced as a whole if aivc wrote it before.")]
           = Path("aivc-report"),
           store: StoreOption = None) -> None:
    """Write an HTML report of the graph: the access gradient, governance map, licence terms, lineage...

    Every figure is drawn (as inline SVG) from a stored query, with the query, a one-line reading and
    its data as CSV; every firm and model it names links to a page of that entity's facts and their
    sources. A figure without data in this graph shows a 'no data' panel saying why. The report
    works offline: open OUT/index.html in any browser.
    """
    from aivc import store as stores
    from aivc.report import make_report
    from aivc.report.site import OutputError

    graph = _open(store)
    try:
        info = stores.build_info(_store_path(store))
    except (OSError, ValueError):
        info = {}
    try:
        with out.status("writing the report...") as status:
            result = make_report(graph, out_dir, info=info, step=lambda s: status.update(f"{s}..."))
    except OutputError as bad:
        _fail(str(bad), 2)
    except OSError as cannot:
        _fail(f"cannot write {out_dir}: {cannot.strerror or cannot}")
    table = Table("figure", "shows", title=f"aivc report in {out_dir}/index.html")
    for figure in result.figures:
        table.add_row(figure.title, "drawn" if figure.drawing else f"[yellow]no data[/]: {figure.message}")
    out.print(table)
    out.print(f"{len(result.drawn)} of {len(result.figures)} figures drawn, {result.pages} firm and model pages; "
              f"open {(out_dir / 'index.html').resolve()}", highlight=False)


@app.command()
def docs(out_dir: Annotated[Path, typer.Option(
             "--out", "-o", help="Folder to write the documentation into; replaced as a whole if aivc wrote it "
                                 "before.")] = Path("aivc-docs")) -> None:
    """Write the ontology's documentation as HTML, generated from ontology/, shapes/ and queries/.

    Every class and property with its label, definition, alignments and examples (from the curated
    data, with their sources); the access tiers, governance types and other concept schemes; the
    SHACL shapes summarized per class; the stored queries with their headers. Works offline.
    """
    from aivc.docs import make_docs
    from aivc.report.site import OutputError

    try:
        with out.status("writing the documentation...") as status:
            result = make_docs(out_dir, step=lambda s: status.update(f"{s}..."))
    except OutputError as bad:
        _fail(str(bad), 2)
    except OSError as cannot:
        _fail(f"cannot write {out_dir}: {cannot.strerror or cannot}")
    out.print(f"{len(result.classes)} classes, {len(result.properties)} properties, {len(result.schemes)} concept "
              f"schemes, {len(result.queries)} stored queries; open {(out_dir / 'index.html').resolve()}",
              highlight=False)
    if result.problems:
        out.print(f"[yellow]note:[/] the curated data has {len(result.problems)} problem(s) ('aivc build' lists "
                  "them); the examples come from the records that load")
