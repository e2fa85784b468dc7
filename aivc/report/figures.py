"""The report's figures: each one answers a stored query (or an analysis of the graph), is drawn as
inline SVG and is read in one sentence computed from the same rows.

A figure whose question has no answer in this graph - the query is not installed yet, it returned no
rows, or it lacks a column the figure needs - shows a "no data" panel saying why, never a broken chart.
Colours, orders and labels of tiers, governance types, restriction terms, mechanisms and openness
dimensions are read from the graph's concept schemes (ontology/schemes.ttl), so they are written once.
Each figure names the columns it needs; anything else a query returns only goes to the CSV.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from pyoxigraph import Store

from .. import ns, paths, queries as library
from . import svg

# Purple (closed) to green (open), from ColorBrewer's colour-blind-safe PRGn: green starts where the
# weights can be downloaded (tier downloadable weights; governance type open platform).
RAMPS = {6: ["#40004b", "#762a83", "#9970ab", "#c2a5cf", "#5aae61", "#1b7837"],
         5: ["#762a83", "#c2a5cf", "#a6dba0", "#5aae61", "#1b7837"]}
GRADIENT = RAMPS[6]
GRADES = {"open": "#1b7837", "partial": "#dfc27d", "closed": "#762a83"}
NEUTRAL, MISSING, DRIFT = "#4b6584", "#d1d5db", "#e67e22"
MAX_ROWS = 30          # rows of a chart; the CSV always holds every row
LIST_SEPARATOR = ", "  # how the stored queries join example names (GROUP_CONCAT separator)


@dataclass(frozen=True)
class Concept:
    """A controlled value of the ontology (tier, governance type...), as the graph describes it."""

    slug: str
    label: str
    rank: int | None
    definition: str = ""


@dataclass
class Context:
    """What every figure may use: the concept schemes and the links to entity pages."""

    schemes: dict[str, list[Concept]]
    link: svg.Link = svg.no_link

    def concepts(self, concept_class: str) -> list[Concept]:
        return self.schemes.get(concept_class, [])

    def label(self, concept_class: str, slug: str) -> str:
        return next((c.label for c in self.concepts(concept_class) if c.slug == slug), slug)

    def rank(self, concept_class: str, slug: str) -> int:
        return next((c.rank for c in self.concepts(concept_class) if c.slug == slug and c.rank is not None), 0)

    def color(self, concept_class: str, slug: str) -> str:
        """The concept's colour on the closed-to-open ramp, by its place in the scheme's order."""
        ordered = self.concepts(concept_class)
        slugs = [c.slug for c in ordered]
        if slug not in slugs:
            return MISSING
        ramp = RAMPS.get(len(slugs), GRADIENT)
        return ramp[round(slugs.index(slug) / max(1, len(slugs) - 1) * (len(ramp) - 1))]


@dataclass
class Drawing:
    """A figure drawn: its charts (SVG), its one-line reading and example names per heading."""

    charts: list[str]
    reading: str
    examples: list[tuple[str, list[str]]] = field(default_factory=list)


@dataclass(frozen=True)
class Figure:
    id: str
    title: str
    draw: Callable[[pd.DataFrame, Context, str], Drawing]
    needs: tuple[str, ...]
    query: str = ""                     # stored query name (queries/NAME.rq)
    params: tuple[tuple[str, str], ...] = ()   # its parameter values, bound as RDF terms
    analysis: str | Callable[[Store], pd.DataFrame] = ""   # or "module:function": store -> DataFrame
    firms: tuple[str, ...] = ()         # columns holding firm names
    models: tuple[str, ...] = ()        # columns holding model names
    model_lists: tuple[str, ...] = ()   # columns holding model names joined by LIST_SEPARATOR
    firm_lists: tuple[str, ...] = ()    # columns holding firm names joined by LIST_SEPARATOR
    empty: str = "The query returned no rows for this graph."

    @property
    def source(self) -> str:
        if callable(self.analysis):
            return f"{self.analysis.__module__}.{self.analysis.__qualname__}"
        return self.query or self.analysis


@dataclass
class Answer:
    """What a figure's source gave: a table, or why there is none (shown in the no-data panel)."""

    frame: pd.DataFrame | None
    text: str = ""          # the query text (or the analysis' description) shown under the figure
    problem: str = ""

    @property
    def empty(self) -> bool:
        return self.frame is None or self.frame.empty


# --- reading the graph -----------------------------------------------------------------------------------

SCHEME_CLASSES = ("AccessTier", "GovernanceType", "RestrictionTerm", "ValueCaptureMechanism", "OpennessDimension")


def read_schemes(store: Store, classes: Sequence[str] = SCHEME_CLASSES) -> dict[str, list[Concept]]:
    """The concepts of each scheme, ordered by rank then label."""
    schemes = {}
    for concept_class in classes:
        text = f"""
            PREFIX aivc: <{ns.AIVC}> PREFIX rdfs: <{ns.RDFS}> PREFIX skos: <{ns.SKOS}>
            SELECT ?slug (SAMPLE(?name) AS ?label) (SAMPLE(?r) AS ?rank) (SAMPLE(?d) AS ?definition) WHERE {{
              ?c a aivc:{concept_class} ; aivc:slug ?slug .
              OPTIONAL {{ ?c skos:prefLabel|rdfs:label ?l }} OPTIONAL {{ ?c aivc:rank ?r }}
              OPTIONAL {{ ?c skos:definition ?d }}
              BIND(COALESCE(?l, ?slug) AS ?name)
            }} GROUP BY ?slug"""
        _, rows = library.rows(library.run(store, text))
        concepts = [Concept(r["slug"], r["label"], r["rank"], r["definition"] or "") for r in rows]
        schemes[concept_class] = sorted(concepts, key=lambda c: (c.rank if c.rank is not None else 99, c.label))
    return schemes


def answer(store: Store, figure: Figure, folder: Path = paths.QUERIES) -> Answer:
    """Run the figure's source; every way it can fail becomes the reason shown in its panel."""
    if figure.analysis:
        return _analysis(store, figure)
    if not (folder / f"{figure.query}.rq").is_file():
        return Answer(None, problem=f"The stored query '{figure.query}' is not in this aivc yet "
                                    f"(queries/{figure.query}.rq); it should return the columns "
                                    f"{', '.join(figure.needs)}.")
    try:
        stored = library.get(figure.query, folder)
        text = stored.bound_text(dict(figure.params))
    except library.QueryError as bad:
        return Answer(None, problem=f"The stored query '{figure.query}' cannot be used: {bad}")
    try:
        columns, rows = library.rows(library.run(store, text))
    except (SyntaxError, OSError, ValueError, RuntimeError) as failed:
        return Answer(None, stored.text, f"The stored query '{figure.query}' failed on this graph: {failed}")
    return _checked(figure, pd.DataFrame(rows, columns=columns, dtype=object), stored.text)


def _analysis(store: Store, figure: Figure) -> Answer:
    function = figure.analysis
    if not callable(function):
        module_name, _, function_name = function.partition(":")
        try:
            function = getattr(importlib.import_module(module_name), function_name)
        except (ImportError, AttributeError):
            return Answer(None, problem=f"The analysis {module_name}.{function_name} is not in this aivc yet; it "
                                        f"should return a table with the columns {', '.join(figure.needs)}.")
    description = inspect.getdoc(function) or figure.source
    try:
        frame = function(store)
    except Exception as failed:  # an analysis is third-party code to the report: any failure is shown
        return Answer(None, description, f"The analysis {figure.source} failed on this graph: {failed}")
    if frame is None:
        return Answer(pd.DataFrame(columns=list(figure.needs)), description)
    return _checked(figure, pd.DataFrame(frame), description)


def _checked(figure: Figure, frame: pd.DataFrame, text: str) -> Answer:
    missing = [c for c in figure.needs if c not in frame.columns]
    if missing:
        return Answer(None, text, f"'{figure.source}' gives the columns {', '.join(map(str, frame.columns))}; "
                                  f"this figure needs {', '.join(missing)} as well.")
    return Answer(frame, text)


def names(figure: Figure, frame: pd.DataFrame) -> tuple[set[str], set[str]]:
    """The firm and model names a figure shows, so that each can link to its page."""
    def found(single: tuple[str, ...], listed: tuple[str, ...]) -> set[str]:
        values = [str(v) for c in single if c in frame for v in frame[c].dropna()]
        values += [name for c in listed if c in frame
                   for v in frame[c].dropna() for name in str(v).split(LIST_SEPARATOR)]
        return {v for v in values if v}
    return found(figure.firms, figure.firm_lists), found(figure.models, figure.model_lists)


# --- small helpers ------------------------------------------------------------------------------------------

def counted(n: float, noun: str, plural: str = "") -> str:
    """'1 firm', '3 firms': a count with its noun, for the readings."""
    return f"{n:g} {noun if n == 1 else (plural or noun + 's')}"


def share(part: float, whole: float) -> str:
    return f"{round(100 * part / whole)}%" if whole else "0%"


def largest(frame: pd.DataFrame, by: str, weight: str, keep: int = MAX_ROWS) -> tuple[list[str], str]:
    """The ``keep`` groups of column ``by`` with the largest total ``weight`` (ties by name), largest
    first, and a note for the reading when some are left out."""
    totals = pd.to_numeric(frame[weight]).groupby(frame[by], sort=False).sum()
    groups = sorted(totals.index, key=lambda g: (-totals[g], str(g)))
    if len(groups) <= keep:
        return groups, ""
    return groups[:keep], f" The chart shows the {keep} largest of {len(groups)}; the CSV has them all."


def pivot(frame: pd.DataFrame, index: str, columns: str, values: str) -> pd.DataFrame:
    numbers = frame.assign(**{values: pd.to_numeric(frame[values], errors="coerce").fillna(0)})
    return numbers.pivot_table(index=index, columns=columns, values=values, aggfunc="sum", fill_value=0,
                               sort=False)


def stacked(table: pd.DataFrame, ctx: Context, concept_class: str) -> list[svg.Series]:
    """One series per concept of the scheme present in the table, in scheme order."""
    present = [c for c in ctx.concepts(concept_class) if c.slug in table.columns]
    present += [Concept(s, s, None) for s in table.columns if s not in {c.slug for c in present}]
    return [svg.Series(c.label, ctx.color(concept_class, c.slug), [float(v) for v in table[c.slug]])
            for c in present]


# --- the figures --------------------------------------------------------------------------------------------

def draw_access_gradient(frame: pd.DataFrame, ctx: Context, chart_id: str) -> Drawing:
    open_rank = ctx.rank("AccessTier", "downloadable-weights")
    frame = frame.assign(models=pd.to_numeric(frame["models"]), rank=pd.to_numeric(frame["rank"]),
                         year=frame["year"].map(lambda y: "undated" if pd.isna(y) else str(int(y))))
    by_firm = pivot(frame, "org", "tier", "models")
    open_by_firm = frame[frame["rank"] >= open_rank].groupby("org")["models"].sum()
    totals = by_firm.sum(axis=1)
    order = sorted(by_firm.index, key=lambda f: (-totals[f], f))[:MAX_ROWS]
    order.sort(key=lambda f: (-open_by_firm.get(f, 0) / totals[f], -totals[f], f))
    by_firm = by_firm.loc[order]
    by_year = pivot(frame, "year", "tier", "models")
    years = sorted(by_year.index, key=lambda y: (y == "undated", y))
    by_year = by_year.loc[years]
    total, opened = frame["models"].sum(), frame.loc[frame["rank"] >= open_rank, "models"].sum()
    firms = frame["org"].nunique()
    dated = [y for y in years if y != "undated"]
    reading = (f"{opened:g} of {total:g} models ({share(opened, total)}) from {counted(firms, 'firm')} are "
               f"released with downloadable weights or fully open")
    per_year = frame.groupby("year")["models"].sum()
    busy = [y for y in dated if per_year[y] >= 10] or dated     # a share of two models says little
    if len(busy) >= 2:
        first, last = busy[0], busy[-1]
        opened_in = frame[frame["rank"] >= open_rank].groupby("year")["models"].sum()
        share_in = lambda y: share(opened_in.get(y, 0), per_year[y])  # noqa: E731
        reading += f"; the open share was {share_in(first)} in {first} and {share_in(last)} in {last}"
    left_out = f" The firm chart shows the {MAX_ROWS} firms with most models." if totals.size > MAX_ROWS else ""
    charts = [
        svg.horizontal_stacked_bars(f"{chart_id}-firm", "Models per access tier, by firm", list(by_firm.index),
                                    stacked(by_firm, ctx, "AccessTier"), x_label="number of models",
                                    y_label="firm", link=ctx.link),
        svg.vertical_stacked_bars(f"{chart_id}-year", "Models per access tier, by release year", years,
                                  stacked(by_year, ctx, "AccessTier"), x_label="release year",
                                  y_label="number of models"),
    ]
    return Drawing(charts, reading + "." + left_out)


def draw_governance_map(frame: pd.DataFrame, ctx: Context, chart_id: str) -> Drawing:
    types = ctx.concepts("GovernanceType") or [Concept(s, s, None) for s in dict.fromkeys(frame["governance"])]
    frame = frame.assign(models=pd.to_numeric(frame["models"]))
    firms, left_out = largest(frame, "org", "models")
    biggest = frame["models"].max()
    cells = {}
    for row in frame.itertuples(index=False):
        if row.org not in firms:
            continue
        column = ctx.label("GovernanceType", row.governance)
        strength = 0.35 + 0.65 * row.models / biggest
        cells[(row.org, column)] = svg.Cell(str(row.models), _blend(ctx.color("GovernanceType", row.governance),
                                                                    strength),
                                            f"{row.org} - {column}: {row.models} model(s): {row.examples}")
    per_type = frame.groupby("governance")["models"].sum()
    common = per_type.idxmax()
    spread = (frame.groupby("org")["governance"].nunique() > 1).sum()
    reading = (f"{ctx.label('GovernanceType', common)} is the most common governance type "
               f"({per_type[common]:g} of {per_type.sum():g} models); {spread} of {frame['org'].nunique()} firms "
               f"release models under more than one type.{left_out}")
    examples = []
    aligned = dict(zip(frame["governance"], frame["gvc"])) if "gvc" in frame else {}
    for concept in types:
        listed = frame[frame.governance == concept.slug]["examples"]
        found = [n for v in listed for n in str(v).split(LIST_SEPARATOR)]
        if found:
            gvc = f" ({aligned[concept.slug]})" if aligned.get(concept.slug) else ""
            examples.append((concept.label + gvc, found[:8]))
    chart = svg.matrix(chart_id, "Models per firm and governance type", firms, [c.label for c in types], cells,
                       x_label="governance type (Foster 2025)", y_label="firm", link=ctx.link, cell_width=52)
    return Drawing([chart], reading, examples)


def _blend(color: str, strength: float) -> str:
    """``color`` mixed with white: ``strength`` 1 is the full colour, 0 is white."""
    rgb = [int(color[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - (255 - c) * strength):02x}" for c in rgb)


OPENNESS_COUNTS = ("model", "developer", "source", "open", "partial", "closed")


def draw_openness(frame: pd.DataFrame, ctx: Context, chart_id: str) -> Drawing:
    """The Index's table: one row per model, one column per dimension (the query's other columns)."""
    dimensions = [c for c in frame.columns if c not in OPENNESS_COUNTS and (frame[c].fillna("") != "").any()]
    labels = {d: ctx.label("OpennessDimension", d.replace("_", "-")) for d in dimensions}
    models = list(dict.fromkeys(frame["model"]))
    shown, left_out = models[:MAX_ROWS], (f" The chart shows the {MAX_ROWS} most open of {len(models)} models."
                                          if len(models) > MAX_ROWS else "")
    cells = {}
    for row in frame[frame["model"].isin(shown)].to_dict("records"):
        for d in dimensions:
            grade = str(row[d] or "").lower()
            if grade:
                cells[(row["model"], labels[d])] = svg.Cell("", GRADES.get(grade, svg.GRID),
                                                            f"{row['model']} - {labels[d]}: {grade}")
    grades = frame[dimensions].apply(lambda column: column.fillna("").str.lower())
    closed = (grades == "closed").sum()
    fully = int((grades == "open").all(axis=1).sum())
    reading = f"{len(models)} models graded on {len(dimensions)} dimensions"
    if closed.max() > 0:
        worst = closed.idxmax()
        reading += f"; {labels[worst]} is most often closed ({closed[worst]} of {len(frame)} models)"
    reading += f"; {fully} open on every dimension.{left_out}"
    chart = svg.matrix(chart_id, "Openness per model and dimension", shown, [labels[d] for d in dimensions], cells,
                       x_label="openness dimension (European Open Source AI Index)", y_label="model",
                       link=ctx.link, cell_width=30, legend=list(GRADES.items()))
    return Drawing([chart], reading)


def draw_transparency(frame: pd.DataFrame, ctx: Context, chart_id: str) -> Drawing:
    """Each developer's FMTI score (share of indicators disclosed) at its most open tier."""
    frame = frame.assign(percent=100 * pd.to_numeric(frame["score"]) / pd.to_numeric(frame["indicators"]))
    placed = frame.dropna(subset=["most_open_tier"])
    placed = placed[placed["most_open_tier"] != ""]
    unplaced = len(frame) - len(placed)
    tiers = ctx.concepts("AccessTier")
    ranks = {t.slug: float(t.rank if t.rank is not None else k) for k, t in enumerate(tiers)}
    points = [svg.Point(ranks.get(r.most_open_tier, 0.0), float(r.percent), str(r.developer),
                        ctx.color("AccessTier", r.most_open_tier)) for r in placed.itertuples(index=False)]
    reading = f"{counted(len(frame), 'developer')} scored by the FMTI, {len(placed)} with releases in this graph"
    if len(placed) >= 3 and placed["most_open_tier"].nunique() > 1 and placed["percent"].nunique() > 1:
        rho = placed["percent"].corr(placed["most_open_tier"].map(ranks), method="spearman")
        reading += (f"; Spearman correlation between score and most open tier: {rho:+.2f} "
                    f"({'more open developers disclose more' if rho > 0 else 'openness does not go with disclosure'})")
    if unplaced:
        reading += f"; the chart leaves out {counted(unplaced, 'developer')} without a release"
    chart = svg.scatter(chart_id, "Transparency score by most open access tier", points,
                        x_ticks=[(ranks[t.slug], t.label) for t in tiers], y_low=0, y_high=100,
                        x_label="most open access tier of the developer's models",
                        y_label="FMTI score (% of indicators disclosed)", link=ctx.link)
    return Drawing([chart], reading + ".")


def draw_lineage(frame: pd.DataFrame, ctx: Context, chart_id: str) -> Drawing:
    frame = frame.assign(models=pd.to_numeric(frame["models"]), drift=frame["drift"].astype(bool))
    kind = frame.apply(lambda r: "no licence recorded" if r.licence == "(none recorded)" else
                       "other licence than the base (drift)" if r.drift else "same licence as the base", axis=1)
    table = pivot(frame.assign(kind=kind), "family", "kind", "models")
    families, left_out = largest(frame, "family", "models")
    table = table.loc[families]
    colors = {"same licence as the base": NEUTRAL, "other licence than the base (drift)": DRIFT,
              "no licence recorded": MISSING}
    series = [svg.Series(k, c, [float(v) for v in table[k]]) for k, c in colors.items() if k in table]
    bases = frame.drop_duplicates("family").set_index("family")
    notes = [f"{bases.at[f, 'org']} · base: {bases.at[f, 'base_licence']}" for f in families]
    drifted = frame[frame.drift]
    first = families[0]
    reading = (f"The largest family is {first} ({bases.at[first, 'org']}) with "
               f"{counted(table.loc[first].sum(), 'derived model')}; {drifted['models'].sum():g} of "
               f"{frame['models'].sum():g} derived models carry another licence than their base.{left_out}")
    examples = [(f"{family} ({rows.iloc[0].base_licence}) →",
                 [f"{r.licence} ({r.models:g})" for r in rows.itertuples()])
                for family, rows in drifted.groupby("family", sort=False)][:8]
    chart = svg.horizontal_stacked_bars(chart_id, "Largest model families and their licences", families, series,
                                        x_label="number of derived models", y_label="family (base model)",
                                        link=ctx.link, notes=notes)
    return Drawing([chart], reading, examples)


def draw_restrictions(frame: pd.DataFrame, ctx: Context, chart_id: str) -> Drawing:
    terms = ctx.concepts("RestrictionTerm") or [Concept(s, s, None) for s in frame["restriction"].dropna().unique()]
    licences = list(dict.fromkeys(frame["licence"]))
    per_licence = frame.drop_duplicates("licence")
    most_used, left_out = largest(per_licence, "licence", "models")
    shown = [name for name in licences if name in most_used]
    released = "models released"
    cells = {}
    for r in frame.itertuples(index=False):
        if r.licence not in shown:
            continue
        cells[(r.licence, released)] = svg.Cell(str(r.models), "#f3f4f6", f"{r.licence}: {r.models} model(s) released")
        if isinstance(r.restriction, str):
            term = ctx.label("RestrictionTerm", r.restriction)
            has_threshold = r.threshold is not None and not pd.isna(r.threshold)
            text = _short_number(float(r.threshold)) if has_threshold else "✓"
            tip = f"{r.licence} - {term}" + (f": above {int(r.threshold):,} monthly users" if has_threshold else "")
            cells[(r.licence, term)] = svg.Cell(text, "#b45309", tip)
    restricting = frame.dropna(subset=["restriction"])
    per_term = restricting.groupby("restriction")["licence"].nunique()
    reading = f"{restricting['licence'].nunique()} of {len(licences)} licences restrict downstream use"
    if not per_term.empty:
        common = per_term.idxmax()
        reading += (f"; the most common term is {ctx.label('RestrictionTerm', common)} "
                    f"({counted(per_term[common], 'licence')})")
    thresholds = pd.to_numeric(frame["threshold"], errors="coerce").dropna()
    if not thresholds.empty:
        reading += (f"; {counted(frame.loc[thresholds.index, 'licence'].nunique(), 'licence')} with a cap on "
                    f"users (the lowest {int(thresholds.min()):,} monthly users)")
    chart = svg.matrix(chart_id, "Restriction terms per licence", shown, [t.label for t in terms] + [released], cells,
                       x_label="restriction term", y_label="licence", cell_width=50)
    return Drawing([chart], reading + "." + left_out)


def _short_number(value: float) -> str:
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if value >= size:
            return f"{value / size:g}{suffix}"
    return f"{value:g}"


def draw_value_capture(frame: pd.DataFrame, ctx: Context, chart_id: str) -> Drawing:
    mechanisms = ctx.concepts("ValueCaptureMechanism") or [Concept(s, s, None) for s in frame["mechanism"].unique()]
    frame = frame.assign(evidence=pd.to_numeric(frame["evidence"]))
    firms, left_out = largest(frame, "org", "evidence")
    biggest = frame["evidence"].max()
    cells = {(r.org, ctx.label("ValueCaptureMechanism", r.mechanism)):
             svg.Cell(f"{r.evidence:g}", _blend("#b45309", 0.3 + 0.7 * r.evidence / biggest),
                      f"{r.org} - {ctx.label('ValueCaptureMechanism', r.mechanism)}: "
                      f"{r.evidence:g} piece(s) of evidence")
             for r in frame.itertuples(index=False) if r.org in firms}
    per = frame.groupby("mechanism").agg(evidence=("evidence", "sum"), firms=("org", "nunique"))
    top = per["evidence"].idxmax()
    reading = (f"{ctx.label('ValueCaptureMechanism', top)} is the most evidenced mechanism "
               f"({counted(per.at[top, 'evidence'], 'piece', 'pieces')} of evidence across "
               f"{counted(per.at[top, 'firms'], 'firm')}); at least one mechanism is evidenced for "
               f"{counted(frame['org'].nunique(), 'firm')}.{left_out}")
    chart = svg.matrix(chart_id, "Evidence of value-capture mechanisms per firm", firms,
                       [m.label for m in mechanisms], cells, x_label="value-capture mechanism (Foster 2025)",
                       y_label="firm", link=ctx.link, cell_width=52)
    return Drawing([chart], reading)


def draw_regression(frame: pd.DataFrame, ctx: Context, chart_id: str) -> Drawing:
    rows = [svg.Interval(str(r.term), float(r.estimate), float(r.ci_low), float(r.ci_high))
            for r in frame.itertuples(index=False)]
    clear = [r for r in rows if not r.low <= 0 <= r.high]
    size = f" on {int(frame['n'].iloc[0])} models" if "n" in frame and not pd.isna(frame["n"].iloc[0]) else ""
    reading = (f"Logit of open-sourcing{size}: "
               + ("; ".join(f"{r.label} {r.estimate:+.3g} [{r.low:.3g}, {r.high:.3g}]" for r in clear)
                  if clear else "no coefficient's 95% interval excludes zero")
               + (" (95% intervals excluding zero)." if clear else "."))
    chart = svg.intervals(chart_id, "Open-sourcing logit: coefficients with 95% intervals", rows,
                          x_label="coefficient (log-odds of open-sourcing)", y_label="term")
    return Drawing([chart], reading)


def draw_coverage(frame: pd.DataFrame, ctx: Context, chart_id: str) -> Drawing:
    frame = frame.assign(with_value=pd.to_numeric(frame["with_value"]), total=pd.to_numeric(frame["total"]))
    frame = frame[frame.total > 0]
    categories = [f"{r.subject}: {r.field}" for r in frame.itertuples(index=False)]
    series = [svg.Series("has the fact", NEUTRAL, list(frame.with_value.astype(float))),
              svg.Series("missing", MISSING, list((frame.total - frame.with_value).astype(float)))]
    ratio = frame.with_value / frame.total
    worst = frame.loc[ratio.idxmin()]
    complete = [c for c, r in zip(categories, ratio) if r == 1]
    reading = (f"Least covered: {worst.field} of {worst.subject}s ({worst.with_value:g} of {worst.total:g}, "
               f"{share(worst.with_value, worst.total)}); {len(complete)} of {len(categories)} fields are complete.")
    chart = svg.horizontal_stacked_bars(chart_id, "Coverage of the main facts", categories, series,
                                        x_label="number of resources", y_label="resource: field")
    return Drawing([chart], reading)


def draw_conflicts(frame: pd.DataFrame, ctx: Context, chart_id: str) -> Drawing:
    per_field = frame.groupby("field").size().sort_values(ascending=False)
    series = [svg.Series("disagreements between two sources", DRIFT, [float(v) for v in per_field])]
    subject = next((c for c in ("model", "subject", "org") if c in frame), None)
    examples = ([(str(f), sorted(set(map(str, frame[frame.field == f][subject].dropna())))[:8])
                 for f in per_field.index] if subject else [])
    on = f" about {counted(frame[subject].nunique(), subject)}" if subject else ""
    reading = (f"{counted(len(frame), 'disagreement')} between sources{on}; most of them on {per_field.index[0]} "
               f"({per_field.iloc[0]}).")
    chart = svg.horizontal_stacked_bars(chart_id, "Source conflicts per field", list(map(str, per_field.index)),
                                        series, x_label="number of disagreements", y_label="field")
    return Drawing([chart], reading, examples)


FIGURES: tuple[Figure, ...] = (
    Figure("access-gradient", "The access gradient: models by tier, per firm and per year", draw_access_gradient,
           ("org", "year", "tier", "rank", "models"), query="access-gradient", firms=("org",)),
    Figure("governance-map", "Governance map: firms by the five governance types", draw_governance_map,
           ("org", "governance", "models", "examples"), query="governance-map", firms=("org",),
           model_lists=("examples",)),
    Figure("openness-dimensions", "Openness dimensions: models by the Index's dimensions", draw_openness,
           ("model", "open", "partial", "closed"), query="openness-dimensions", params=(("source", "eosai"),),
           models=("model",), firm_lists=("developer",),
           empty="No model in this graph has openness grades (load the European Open Source AI Index)."),
    Figure("transparency-vs-openness", "Transparency vs openness: FMTI score against access tier",
           draw_transparency, ("developer", "score", "indicators", "most_open_tier"),
           query="transparency-vs-access-tier", firms=("developer",),
           empty="No developer in this graph has a transparency score (load the FMTI)."),
    Figure("lineage-families", "Lineage: the largest model families and the licences along them", draw_lineage,
           ("family", "org", "base_licence", "licence", "drift", "models"), query="lineage-families",
           firms=("org",), models=("family",), empty="No model in this graph is derived from a foundation model."),
    Figure("licence-restrictions", "Licence restriction matrix: custom licences by restriction terms",
           draw_restrictions, ("licence", "restriction", "threshold", "models"), query="licence-restriction-matrix",
           empty="No custom or restricting licence in this graph."),
    Figure("value-capture", "Value-capture mechanisms by firm, with evidence counts", draw_value_capture,
           ("org", "mechanism", "evidence"), query="value-capture-by-firm", firms=("org",),
           empty="No value-capture mechanism is evidenced in this graph."),
    Figure("open-sourcing-regression", "The open-sourcing regression: coefficients with confidence intervals",
           draw_regression, ("term", "estimate", "ci_low", "ci_high"),
           analysis="aivc.economics:open_sourcing_coefficients",
           empty="The graph has too few models with the needed variables to fit the regression."),
    Figure("data-coverage", "Data quality: coverage of the main facts", draw_coverage,
           ("subject", "field", "with_value", "total"), query="data-coverage",
           empty="The graph has no releases, models or organizations to measure."),
    Figure("source-conflicts", "Data quality: conflicts between sources", draw_conflicts, ("field",),
           query="source-conflicts", firms=("org",), models=("model",),
           empty="No conflicts: where several sources state the same fact, they agree."),
)
