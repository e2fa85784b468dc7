"""The economics of open-sourcing (Habibi 2025, "Open Sourcing GPTs"), reproduced on the graph.

Two analyses, both built from stored queries so that every number can be traced to a question a
user can run:

1. **Who open-sources?** A logit of P(open) on the model's performance edge at release (log10 of its
   training compute over the best earlier rival's: ``performance-edge``), a big-tech owner, the
   owner's size (its share of the applications built on AI models: ``owner-size``) and its square,
   the release year and the modality. Habibi's expected directions: P(open) falls with the edge,
   rises for big tech, and is an inverted U in owner size. The fit reports what the graph shows,
   whether or not it agrees; nothing here is tuned toward the expected signs.
2. **Does opening spur activity?** For each model with an open release, the derivatives,
   applications and datasets of other organizations built on it in a window before and after the
   release (``spillovers-around-open-release``), compared pairwise.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from pyoxigraph import Store

from .api import frame

MIN_CATEGORY = 5          # modalities with fewer models than this are pooled into "other"
EXPECTED = {"edge_log10": "-", "big_tech": "+", "owner_size": "+", "owner_size_sq": "-"}
TERMS = {"const": "intercept", "edge_log10": "performance edge (log10 compute ratio)", "big_tech": "big-tech owner",
         "owner_size": "owner size (app share)", "owner_size_sq": "owner size squared", "year": "release year"}
CAVEATS = (
    "Sample: only models with a reported training compute and release date, and an earlier model of "
    "another organization to compare with (Epoch AI's notable models, mostly); open means any source puts "
    "a release at tier downloadable-weights or above.",
    "Performance edge is proxied by training compute relative to the best earlier rival, not by benchmark "
    "scores (none are in the graph yet); dates known only to the year or month count from its first day.",
    "Owner size is the owner's share of the applications built on AI models that the graph records "
    "(Ecosystem Graphs' applications, mostly), measured once, not at each release.",
    "Models whose accessibility no source states have no tier and are left out; a model of several "
    "developers takes the largest owner size among them and counts as big tech when any of them is.",
    "Before/after: a derivative can rarely exist before the weights it is built on, so the before window "
    "holds only dependents of an earlier (e.g. API) release or inconsistently dated ones; the comparison is "
    "descriptive and biased toward 'after', not a test of Habibi's research-activity effect.",
    "Associations, not causal effects; small samples make the intervals wide and separation likely.",
)


class AnalysisError(ValueError):
    """The graph cannot support the analysis (too few models, no variation); the message says what is missing."""


@dataclass
class LogitFit:
    coefficients: pd.DataFrame      # term, variable, estimate, std_error, z, p_value, ci_low, ci_high, expected, finding
    n: int
    n_open: int
    pseudo_r2: float
    log_likelihood: float
    year_centre: int
    dropped: list[str] = field(default_factory=list)


@dataclass
class BeforeAfter:
    table: pd.DataFrame             # one row per model with complete windows: before, after
    window: int
    horizon: str
    left_out: int                   # open models whose after-window runs past the graph's last date
    mean_before: float
    mean_after: float
    more_after: int
    fewer_after: int
    same: int
    p_value: float | None           # Wilcoxon signed-rank, two-sided; None when every pair is equal


# --- the model-level table -------------------------------------------------------------------------

def model_table(store: Store) -> pd.DataFrame:
    """One row per model with a performance edge: open or not, edge, big-tech owner, owner size, year, modality."""
    edges = frame(store, "performance-edge")
    if edges.empty:
        return pd.DataFrame(columns=["model", "org", "released", "open", "edge", "edge_log10", "big_tech",
                                     "owner_size", "owner_size_sq", "year", "modality", "model_iri"])
    owners = frame(store, "owner-size")[["org", "big_tech", "app_share"]]
    joined = edges.merge(owners, on="org", how="left")
    table = joined.groupby("model_iri", sort=False).agg(
        model=("model", "first"), org=("org", lambda names: ", ".join(sorted(set(names)))),
        released=("released", "first"), tier=("tier", "first"), open=("open", "first"),
        compute=("compute", "first"), rival_model=("rival_model", "first"), edge=("edge", "first"),
        big_tech=("big_tech", lambda flags: bool(flags.fillna(False).astype(bool).any())),
        owner_size=("app_share", lambda shares: float(pd.to_numeric(shares).fillna(0).max())),
        modality=("modality", "first")).reset_index()
    table["open"] = table["open"].astype(bool)
    table["edge_log10"] = np.log10(table["edge"].astype(float))
    table["owner_size_sq"] = table["owner_size"] ** 2
    table["year"] = table["released"].str[:4].astype(int)
    table["modality"] = table["modality"].map(modality_group)
    columns = ["model", "org", "released", "tier", "open", "compute", "rival_model", "edge", "edge_log10",
               "big_tech", "owner_size", "owner_size_sq", "year", "modality", "model_iri"]
    return table[columns].sort_values(["released", "model"], ignore_index=True)


def modality_group(raw) -> str:
    """The modality words sources give (comma-separated) as one of: language, vision, code, speech,
    multimodal (several of these, or said so), other, unknown."""
    if raw is None or raw is pd.NA or (isinstance(raw, float) and math.isnan(raw)) or not str(raw).strip():
        return "unknown"
    words = {w.strip() for w in str(raw).lower().replace(";", ",").split(",") if w.strip()}
    groups = {MODALITY_GROUPS.get(word, "other") for word in words}
    if "multimodal" in groups or len(groups - {"other"}) > 1:
        return "multimodal"
    return next(iter(groups - {"other"}), "other")


MODALITY_GROUPS = {
    "language": "language", "text": "language", "nlp": "language", "vision": "vision", "image": "vision",
    "image generation": "vision", "video": "vision", "code": "code", "speech": "speech", "audio": "speech",
    "multimodal": "multimodal"}


# --- who open-sources: the logit -------------------------------------------------------------------

def design(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series, int, list[str]]:
    """The regressors (with a constant), the outcome, the centre year, and the terms left out for lack of variation."""
    import statsmodels.api as sm
    counts = table["modality"].value_counts()
    modality = table["modality"].where(table["modality"].map(counts) >= MIN_CATEGORY, "other")
    baseline = modality.value_counts().idxmax() if len(modality) else "language"
    centre = int(table["year"].median()) if len(table) else 0
    x = pd.DataFrame({"edge_log10": table["edge_log10"], "big_tech": table["big_tech"].astype(float),
                      "owner_size": table["owner_size"], "owner_size_sq": table["owner_size_sq"],
                      "year": table["year"] - centre})
    for level in sorted(set(modality) - {baseline}):
        x[f"modality: {level}"] = (modality == level).astype(float)
    dropped = [c for c in x.columns if x[c].nunique() < 2]
    x = sm.add_constant(x.drop(columns=dropped), has_constant="add")
    return x, table["open"].astype(float), centre, dropped


def fit_open_sourcing(table: pd.DataFrame) -> LogitFit:
    """Fit the logit of P(open); AnalysisError when the table cannot identify it."""
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning
    n, n_open = len(table), int(table["open"].sum()) if len(table) else 0
    x, y, centre, dropped = design(table)
    if n_open in (0, n) or n <= x.shape[1]:
        raise AnalysisError(f"cannot fit the open-sourcing logit: {n} model(s) with a performance edge, {n_open} open, "
                            f"for {x.shape[1]} coefficients; the graph needs more models with training compute "
                            "(load the Epoch AI source)")
    with warnings.catch_warnings():
        warnings.simplefilter("error", PerfectSeparationWarning)
        warnings.simplefilter("error", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            result = sm.Logit(y, x).fit(disp=0, maxiter=200)
        except PerfectSeparationWarning:
            raise AnalysisError(f"cannot fit the open-sourcing logit: the {n} models are perfectly separated "
                                "(some combination of the regressors predicts open or closed exactly); "
                                "the graph needs more, and more varied, models") from None
        except (ConvergenceWarning, np.linalg.LinAlgError) as failed:
            raise AnalysisError(f"cannot fit the open-sourcing logit on {n} models: {failed}") from None
    ci = result.conf_int(0.05)
    rows = []
    for variable in result.params.index:
        estimate, low, high = float(result.params[variable]), float(ci.loc[variable, 0]), float(ci.loc[variable, 1])
        expected = EXPECTED.get(variable, "")
        rows.append({"term": TERMS.get(variable, variable), "variable": variable, "estimate": estimate,
                     "std_error": float(result.bse[variable]), "z": float(result.tvalues[variable]),
                     "p_value": float(result.pvalues[variable]), "ci_low": low, "ci_high": high,
                     "expected": expected, "finding": finding(expected, estimate, low, high)})
    return LogitFit(pd.DataFrame(rows), n, n_open, float(result.prsquared), float(result.llf), centre, dropped)


def finding(expected: str, estimate: float, low: float, high: float) -> str:
    """How a coefficient compares with the literature's expected sign, in words."""
    if not expected:
        return ""
    agrees = (estimate < 0) == (expected == "-")
    clear = not low <= 0 <= high
    return ("as expected" if agrees else "opposite sign") + ("" if clear else ", 95% interval includes 0")


def open_sourcing_coefficients(store: Store) -> pd.DataFrame | None:
    """Logit of P(open) on performance edge, big-tech owner, owner size and its square, year and
    modality (Habibi 2025), fitted on the graph's models with training compute: one row per term
    with its estimate and 95% interval. None when the graph cannot support the fit."""
    try:
        fit = fit_open_sourcing(model_table(store))
    except AnalysisError:
        return None
    return fit.coefficients.assign(n=fit.n)[["term", "estimate", "ci_low", "ci_high", "p_value", "n"]]


# --- does opening spur activity: before and after ---------------------------------------------------

def _month(day: str) -> int:
    return int(day[:4]) * 12 + int(day[5:7])


def last_date(store: Store) -> str:
    """The latest release date in the graph, as YYYY-MM-DD: where the windows must end."""
    from . import queries as library
    rows = library.rows(library.run(store, """
        SELECT (MAX(SUBSTR(CONCAT(STR(?d), "-01-01"), 1, 10)) AS ?last)
        WHERE { ?r <https://w3id.org/aivc/ontology#releaseDate> ?d }"""))[1]
    return rows[0]["last"] or "0000-00-00"


def before_after(store: Store, window: int = 12) -> BeforeAfter:
    """Dependents built on each open model in the ``window`` months before and after its open
    release; models whose after-window runs past the graph's last date are left out."""
    from scipy.stats import wilcoxon
    if window < 1:
        raise AnalysisError(f"the window must be at least one month, got {window}")
    spill = frame(store, "spillovers-around-open-release", {"window": window})
    horizon = last_date(store)
    table = pd.DataFrame({
        "model": spill["model"], "org": spill["org"], "open_release": spill["open_release"],
        "before": spill[["derivatives_before", "applications_before", "datasets_before"]].sum(axis=1),
        "after": spill[["derivatives_after", "applications_after", "datasets_after"]].sum(axis=1),
    }) if not spill.empty else pd.DataFrame(columns=["model", "org", "open_release", "before", "after"])
    # one pair per model: a model of several developers comes once per developer from the query
    table = table.groupby(["model", "open_release", "before", "after"], sort=False, as_index=False).agg(
        org=("org", lambda names: ", ".join(sorted(set(names)))))[["model", "org", "open_release", "before", "after"]]
    complete = table["open_release"].map(lambda day: _month(day) + window <= _month(horizon)) if len(table) else []
    kept = table[complete].reset_index(drop=True) if len(table) else table
    if kept.empty:
        raise AnalysisError(f"no open model has a complete {window}-month window before the graph's last date "
                            f"({horizon}); the graph needs dated open releases and dependents")
    diff = kept["after"] - kept["before"]
    p_value = None if (diff == 0).all() else float(wilcoxon(kept["after"].astype(float), kept["before"].astype(float)).pvalue)
    return BeforeAfter(kept, window, horizon, len(table) - len(kept), float(kept["before"].mean()),
                       float(kept["after"].mean()), int((diff > 0).sum()), int((diff < 0).sum()),
                       int((diff == 0).sum()), p_value)


# --- the files -------------------------------------------------------------------------------------

def write_outputs(out: Path, table: pd.DataFrame, fit: LogitFit | None, spill: BeforeAfter | None,
                  problems: list[str]) -> list[Path]:
    """CSV tables, the coefficient figure (SVG) and a Markdown summary; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "model-table.csv"]
    table.to_csv(written[0], index=False)
    if fit is not None:
        fit.coefficients.to_csv(out / "logit-coefficients.csv", index=False)
        (out / "logit-coefficients.svg").write_text(coefficient_figure(fit), encoding="utf-8")
        written += [out / "logit-coefficients.csv", out / "logit-coefficients.svg"]
    if spill is not None:
        spill.table.to_csv(out / "before-after.csv", index=False)
        written.append(out / "before-after.csv")
    (out / "summary.md").write_text(summary(table, fit, spill, problems), encoding="utf-8")
    return written + [out / "summary.md"]


def coefficient_figure(fit: LogitFit) -> str:
    from .report import svg
    rows = [svg.Interval(r.term, r.estimate, r.ci_low, r.ci_high)
            for r in fit.coefficients.itertuples(index=False) if r.variable != "const"]
    return svg.intervals("open-sourcing-logit", f"Open-sourcing logit on {fit.n} models: coefficients, 95% intervals",
                         rows, x_label="coefficient (log-odds of an open release)", y_label="term")


def summary(table: pd.DataFrame, fit: LogitFit | None, spill: BeforeAfter | None, problems: list[str]) -> str:
    lines = ["# The economics of open-sourcing, reproduced on the aivc graph", "",
             f"Models with a performance edge: {len(table)} ({int(table['open'].sum()) if len(table) else 0} open).", ""]
    if problems:
        lines += ["## Not run", ""] + [f"- {p}" for p in problems] + [""]
    if fit is not None:
        lines += [f"## Logit of P(open), N = {fit.n} ({fit.n_open} open), pseudo R² = {fit.pseudo_r2:.3f}", "",
                  "| term | estimate | 95% CI | p | expected | finding |", "|---|---|---|---|---|---|"]
        lines += [f"| {r.term} | {r.estimate:.3f} | [{r.ci_low:.3f}, {r.ci_high:.3f}] | {r.p_value:.3f} | "
                  f"{r.expected} | {r.finding} |" for r in fit.coefficients.itertuples(index=False)]
        lines += ["", f"Year is centred on {fit.year_centre}."]
        if fit.dropped:
            lines.append(f"Left out for lack of variation: {', '.join(fit.dropped)}.")
        lines.append("")
    if spill is not None:
        p = "n/a" if spill.p_value is None else f"{spill.p_value:.3f}"
        lines += [f"## Downstream activity {spill.window} months before and after the open release", "",
                  f"{len(spill.table)} open models (left out: {spill.left_out} whose window runs past {spill.horizon}); "
                  f"mean dependents before {spill.mean_before:.2f}, after {spill.mean_after:.2f}; more after: "
                  f"{spill.more_after}, fewer: {spill.fewer_after}, same: {spill.same}; Wilcoxon p = {p}.", ""]
    lines += ["## Caveats", ""] + [f"- {c}" for c in CAVEATS]
    return "\n".join(lines) + "\n"
