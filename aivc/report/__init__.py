"""aivc report: a static HTML report of the graph that works offline.

Each figure answers a stored query (figures.py), is drawn as inline SVG (svg.py) with a one-line
reading, its query text and a CSV of its rows; each firm and model it names links to a page listing
that entity's facts with their sources (entities.py). The site is one folder written at once (site.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Store

from .. import paths
from . import entities, site
from .figures import FIGURES, Answer, Context, Drawing, Figure, answer, names, read_schemes

__all__ = ["FIGURES", "Shown", "ReportResult", "make_report"]


@dataclass
class Shown:
    """A figure as the report shows it: drawn, or a no-data panel with the reason."""

    id: str
    title: str
    source: str
    source_kind: str         # "query" or "analysis"
    text: str                # the query (or analysis description) behind it
    drawing: Drawing | None
    message: str = ""        # why there is no drawing
    csv: str | None = None   # relative path of its data


@dataclass
class ReportResult:
    out: Path
    figures: list[Shown]
    pages: int

    @property
    def drawn(self) -> list[Shown]:
        return [f for f in self.figures if f.drawing]


def show(figure: Figure, got: Answer, ctx: Context) -> Shown:
    """Draw a figure, or say in its panel why it has no data; never let bad rows break the report."""
    kind = "analysis" if figure.analysis else "query"
    shown = Shown(figure.id, figure.title, figure.source, kind, got.text, None,
                  csv=f"data/{figure.id}.csv" if got.frame is not None else None)
    if got.problem:
        shown.message = got.problem
    elif got.empty:
        shown.message = figure.empty
    else:
        try:
            shown.drawing = drawing = figure.draw(got.frame, ctx, f"chart-{figure.id}")
            drawing.reading = drawing.reading[:1].upper() + drawing.reading[1:]
        except (ValueError, TypeError, KeyError, AttributeError, ZeroDivisionError) as bad:
            shown.message = f"The rows of '{figure.source}' could not be drawn: {type(bad).__name__}: {bad}"
    return shown


def make_report(store: Store, out: Path, *, info: dict | None = None, figures: Sequence[Figure] = FIGURES,
                queries: Path = paths.QUERIES, step: Callable[[str], None] = lambda s: None) -> ReportResult:
    """Query the graph for every figure, draw them, write the entity pages, and publish the site at ``out``."""
    site.check_output(out)
    step("reading the concept schemes")
    schemes = read_schemes(store)
    answers: dict[str, Answer] = {}
    firms: set[str] = set()
    models: set[str] = set()
    for figure in figures:
        step(f"asking {figure.source}")
        answers[figure.id] = got = answer(store, figure, queries)
        if not got.empty:
            shown_firms, shown_models = names(figure, got.frame)
            firms |= shown_firms
            models |= shown_models
    step("reading the facts of the firms and models shown")
    index = entities.build_index(store, firms, models)
    entities.fill(store, index, entities.read_sources(store))

    def link(label: str) -> str | None:
        page = index.page(label)
        return f"entities/{page}" if page else None

    ctx = Context(schemes, link)
    step("drawing")
    shown = [show(figure, answers[figure.id], ctx) for figure in figures]
    files = {"style.css": site.stylesheet()}
    for figure in figures:
        if answers[figure.id].frame is not None:
            files[f"data/{figure.id}.csv"] = answers[figure.id].frame.to_csv(index=False)
    files["index.html"] = site.render(
        "report.html", root="", info=info or {}, figures=shown, drawn=sum(1 for s in shown if s.drawing),
        firms=index.entities("firm"), models=index.entities("model"),
        link=lambda name: site.anchor(name, link(name)))
    pages = {e.iri: e.page for e in index.by_iri.values()}
    for entity in index.by_iri.values():
        files[f"entities/{entity.page}"] = site.render("entity.html", root="../", entity=entity, pages=pages,
                                                       anchor=site.anchor)
    step("writing")
    site.publish(out, files, "report")
    return ReportResult(out, shown, len(index.by_iri))

