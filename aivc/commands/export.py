"""aivc export: the graph as a file, with its VoID/DCAT description and version."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from aivc.cli import StoreOption, _fail, _open, _store_path, app, out
from aivc.export import EXPORT_FORMATS

ExportName = Enum("ExportName", {name: name for name in EXPORT_FORMATS}, type=str)


@app.command("export")
def export_graph(fmt: Annotated[ExportName, typer.Option(
                     "--format", "-f", help="nquads, trig and jsonld keep every named graph (each fact's source); "
                                            "turtle and ntriples hold the merged graph, each triple once.")],
                 output: Annotated[Optional[Path], typer.Option(
                     "--output", "-o", help="File to write (default: aivc.EXT in the current folder).")] = None,
                 base_url: Annotated[Optional[str], typer.Option(
                     "--base-url", metavar="URL", help="Where the file will be published (for dcat:downloadURL).")]
                 = None,
                 store: StoreOption = None) -> None:
    """Export the graph, with a VoID/DCAT description (version, size, SHA-256) beside it.

    The description goes to NAME.void.ttl next to the file; a JSON-LD export is compacted with aivc's
    published @context (written beside it as context.jsonld and carried inline, so the file reads
    back offline). Re-importing an export gives the same statements.
    """
    from aivc import export as exporting, store as stores

    chosen = EXPORT_FORMATS[fmt.value]
    path = output or Path(f"aivc.{chosen.extension}")
    if not path.parent.is_dir():
        _fail(f"{path.parent}: no such folder", 2)
    graph = _open(store)
    built_at = stores.build_info(_store_path(store)).get("built_at")
    try:
        result = exporting.export(graph, chosen, path, built_at=built_at, base_url=base_url)
    except OSError as cannot:
        _fail(f"cannot write {path}: {cannot.strerror or cannot}")
    out.print(f"wrote {result.file} ({result.distribution.byte_size} bytes, sha256 {result.distribution.sha256[:12]}...), "
              f"description {result.description}" + (f", context {result.context}" if result.context else ""),
              highlight=False)
