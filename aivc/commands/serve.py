"""aivc serve: the graph as a read-only SPARQL 1.1 endpoint with a query editor."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from aivc.cli import StoreOption, _fail, _store_path, app, err


@app.command()
def serve(store: StoreOption = None,
          host: Annotated[str, typer.Option(help="Address to listen on (127.0.0.1: this machine only).")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="TCP port.")] = 7878,
          time_limit: Annotated[float, typer.Option("--time-limit", min=0.1,
                                                    help="Seconds a query may run before it is stopped.")] = 30.0,
          result_limit: Annotated[int, typer.Option("--result-limit", min=1,
                                                    help="Most rows (or triples) one answer returns; more are cut "
                                                         "and the X-SPARQL-MaxRows header says so.")] = 10_000,
          workers: Annotated[int, typer.Option(min=1, help="Query worker processes (queries evaluated at once).")]
          = min(4, os.cpu_count() or 1),
          allow_service: Annotated[list[str], typer.Option(
              "--allow-service", metavar="HOST[:PORT]",
              help="Let SERVICE clauses call this host (repeatable); all others are refused.")] = []) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint, with a query editor at /.

    GET/POST /sparql (SPARQL 1.1 Protocol; JSON, XML, CSV, TSV results; Turtle, N-Triples, JSON-LD
    graphs), the stored questions at /queries/NAME?param=value, a VoID/DCAT description at
    /.well-known/void and /health. Updates are refused; each query is stopped after --time-limit
    seconds and cut at --result-limit rows; SERVICE calls only go to --allow-service hosts. The
    editor is served from the package and works offline.
    """
    from aivc import store as stores
    from aivc.server.app import Settings, serve as run_server
    from aivc.server.pool import WorkerFailed

    location = _store_path(store)
    try:
        stores.live_folder(location)
    except stores.StoreMissing as missing:
        _fail(str(missing))
    settings = Settings(time_limit=time_limit, result_limit=result_limit, allowed_services=tuple(allow_service),
                        store=str(location))
    try:
        run_server(location, host=host, port=port, workers=workers, settings=settings,
                   announce=lambda line: err.print(line, highlight=False, markup=False))
    except OSError as cannot:
        _fail(f"cannot listen on {host}:{port}: {cannot.strerror or cannot}")
    except WorkerFailed as failed:
        _fail(str(failed))
