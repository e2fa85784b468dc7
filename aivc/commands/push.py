"""aivc push: upload the graph, named graphs and all, to a remote SPARQL 1.1 store."""

from __future__ import annotations

import os
from typing import Annotated, Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from aivc.cli import StoreOption, _fail, _open, app, err, out


@app.command()
def push(endpoint: Annotated[str, typer.Option("--endpoint", metavar="URL",
                                               help="SPARQL 1.1 query endpoint of the remote store.")],
         graph_store: Annotated[Optional[str], typer.Option(
             "--graph-store", metavar="URL",
             help="Graph Store Protocol URL (default: the --endpoint URL); for Oxigraph server: http://HOST:PORT/store, "
                  "Fuseki: http://HOST:PORT/DATASET/data.")] = None,
         timeout: Annotated[float, typer.Option(min=0.1, help="Seconds to wait for each request.")] = 120.0,
         user: Annotated[Optional[str], typer.Option(
             help="User for a Graph Store that asks for a login (Basic or Digest); the password is read from "
                  "$AIVC_REMOTE_PASSWORD, never from the command line.")] = None,
         bulk: Annotated[bool, typer.Option(
             "--bulk", help="Oxigraph server only: load each graph with the server's bulk loader (?no_transaction), "
                            "about 6x faster for big graphs but not atomic - a graph whose upload fails is left "
                            "incomplete on the remote, and the count check after the push reports it.")] = False,
         store: StoreOption = None) -> None:
    """Upload the graph to a remote store with the Graph Store Protocol, every named graph kept.

    Each graph is replaced (HTTP PUT), aivc graphs the store no longer has are deleted from the
    remote, and the remote's triple counts are checked against the local ones. The stored queries
    then run there unchanged: aivc --endpoint URL query NAME. They expect the remote's default graph
    to be the union of its named graphs (Oxigraph: serve --union-default-graph); push says so when not.
    """
    from aivc import remote

    local = _open(store)
    graphs = sum(1 for _ in local.named_graphs())
    try:
        with Progress(TextColumn("pushing"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                      console=err, transient=True) as bar:
            task = bar.add_task("", total=graphs)
            report = remote.push(local, endpoint, graph_store or endpoint, timeout,
                                 progress=lambda g: bar.update(task, advance=1, description=g[-60:]),
                                 opener=remote.graph_store_opener(graph_store or endpoint, user,
                                                                  os.environ.get("AIVC_REMOTE_PASSWORD")),
                                 bulk=bulk)
    except remote.RemoteError as failed:
        hint = "; give --user NAME and the password in $AIVC_REMOTE_PASSWORD" if failed.status == 401 else ""
        _fail(f"push stopped: {failed}{hint}")
    triples = sum(report.graphs.values())
    out.print(f"pushed {len(report.graphs)} graph(s), {triples} triple(s) to {graph_store or endpoint}", highlight=False)
    if report.removed:
        out.print(f"removed {len(report.removed)} graph(s) the local store no longer has", highlight=False)
    if report.union_default_graph is False:
        err.print("warning: the remote's default graph does not include the named graphs, so the stored queries "
                  "will find nothing there; make it the union (Oxigraph: serve --union-default-graph; "
                  "see docs/remote.md)", highlight=False)
    if report.mismatched:
        for graph, (mine, theirs) in sorted(report.mismatched.items()):
            err.print(f"{graph}: {mine} triple(s) here, {theirs} on the remote", highlight=False, markup=False)
        _fail(f"{len(report.mismatched)} graph(s) differ on the remote after the push")
