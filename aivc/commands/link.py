"""aivc link: connect the graph's organizations, models and licences to external open data."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from aivc.cli import StoreOption, _fail, _open, _store_path, app, err, out

link_app = typer.Typer(help="Link the graph with external open data (Wikidata).", no_args_is_help=True)
app.add_typer(link_app, name="link")


def _default_cache() -> Path:
    xdg = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(xdg) / "aivc" / "wikidata"


@link_app.command("wikidata")
def wikidata(
        store: StoreOption = None,
        endpoint: Annotated[str, typer.Option(metavar="URL", help="Wikidata SPARQL endpoint (or a mirror).")]
        = "https://query.wikidata.org/sparql",
        cache: Annotated[Optional[Path], typer.Option(
            help="Folder of cached answers (default: $XDG_CACHE_HOME/aivc/wikidata).", show_default=False)] = None,
        offline: Annotated[bool, typer.Option("--offline", help="Use cached answers only; send nothing.")] = False,
        batch_size: Annotated[int, typer.Option(min=1, max=500, help="Names or items per query (VALUES block).")] = 50,
        interval: Annotated[float, typer.Option(min=0.0, help="Seconds between two requests.")] = 1.0,
        retries: Annotated[int, typer.Option(min=0, help="Retries after a time-out, 429 or 5xx answer.")] = 3,
        backoff: Annotated[float, typer.Option(min=0.0, help="First wait before a retry (doubles each time), "
                                                              "unless the server sends Retry-After.")] = 2.0,
        timeout: Annotated[float, typer.Option(min=0.1, help="Seconds to wait for one answer.")] = 60.0,
        exact: Annotated[float, typer.Option(min=0.0, max=1.0, help="Score from which skos:exactMatch is written.")]
        = 0.7,
        same_as: Annotated[float, typer.Option("--same-as", min=0.0, max=1.0,
                                               help="Score from which owl:sameAs is written too.")] = 0.9,
        huggingface_property: Annotated[Optional[str], typer.Option(
            "--huggingface-property", metavar="PID",
            help="Wikidata property holding Hugging Face ids (e.g. P1234); without it, models are matched by "
                 "name and developer only.")] = None,
        only: Annotated[list[str], typer.Option(
            "--only", metavar="KIND", help="organization, model or licence (repeatable; default: all three).")] = [],
        dry_run: Annotated[bool, typer.Option("--dry-run", help="Report the links; do not change the store.")]
        = False,
        output: Annotated[Optional[Path], typer.Option(
            help="Also write the link graph to this N-Quads file, for review.")] = None) -> None:
    """Reconcile organizations, models and licences with Wikidata items and store the links.

    Names are sent in batches (VALUES), each candidate's facts (type, country, developer, ROR and
    SPDX ids) fetched the same way, candidates scored (docs/linking.md), and the best one linked
    when it clears --exact and no rival comes within 0.1: skos:exactMatch, plus owl:sameAs from
    --same-as, each with an SSSOM mapping giving its score and evidence, in the named graph
    https://w3id.org/aivc/graph/links/wikidata. Answers are cached on disk; requests are spaced by
    --interval and retried on 429/5xx. After 'aivc build', run again with --offline to restore the links.
    """
    from pyoxigraph import RdfFormat, serialize

    from aivc import remote
    from aivc.link import client as clients, graph as graphs, wikidata as wd

    kinds = only or ["organization", "model", "licence"]
    for kind in kinds:
        if kind not in ("organization", "model", "licence"):
            _fail(f"--only {kind}: choose organization, model or licence", 2)
    if huggingface_property is not None and not re.fullmatch(r"P[1-9][0-9]*", huggingface_property):
        _fail(f"--huggingface-property {huggingface_property}: a Wikidata property id is P followed by digits", 2)
    location = _store_path(store)
    graph = _open(store)
    client = clients.PoliteClient(endpoint, (cache or _default_cache()).expanduser(), offline=offline,
                                  interval=interval, retries=retries, backoff=backoff, timeout=timeout)
    thresholds = wd.Thresholds(exact=exact, same_as=same_as)
    try:
        with err.status("asking Wikidata...") as status:
            result = wd.reconcile(graph, client, wd.WikidataTerms(huggingface=huggingface_property), thresholds,
                                  batch_size, kinds, progress=lambda step: status.update(f"asking Wikidata: {step}"))
    except remote.RemoteError as failed:
        _fail(f"linking stopped, the store was not changed: {failed}")
    del graph
    quads = list(wd.link_quads(result, thresholds, time.strftime("%Y-%m-%d")))
    provenance = list(wd.provenance_quads(endpoint, client.retrieved))
    if output:
        output.write_bytes(serialize(quads + provenance, format=RdfFormat.N_QUADS))
    _report(result, thresholds, client)
    if dry_run:
        out.print("dry run: the store was not changed")
        return
    info = {"links": {"wikidata": {"endpoint": endpoint, "links": len(result.links), "statements": len(quads),
                                   "linked_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}}}
    n = graphs.replace_graph(location, wd.LINK_GRAPH, quads, provenance, info)
    out.print(f"wrote {n} statement(s) to {wd.LINK_GRAPH.value}", highlight=False)


def _report(result, thresholds, client) -> None:
    """Counts, then every ambiguous record with its candidates."""
    curated = sum(1 for link in result.links if link.justification == "ManualMappingCuration")
    same = sum(1 for link in result.links if link.score >= thresholds.same_as) - curated
    table = Table(title="aivc link wikidata", show_header=False)
    table.add_row("linked (owl:sameAs + skos:exactMatch)", str(same))
    table.add_row("linked (skos:exactMatch only)", str(len(result.links) - same - curated))
    table.add_row("given in the curated data", str(curated))
    table.add_row("ambiguous (not linked)", str(len(result.ambiguous)))
    table.add_row("no match", str(len(result.unmatched)))
    table.add_row("requests sent / answers from cache", f"{client.requests} / {client.cache_hits}")
    out.print(table)
    for rec, candidates in result.ambiguous:
        listed = ", ".join(f"{c.item.rsplit('/', 1)[-1]} ({s:.2f})" for s, c in candidates)
        out.print(f"ambiguous: {rec.iri} -> {listed}", highlight=False, markup=False)
