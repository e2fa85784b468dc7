"""aivc reproduce: re-run published analyses of openness on the graph (see aivc/economics.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from aivc.cli import StoreOption, _fail, _open, app, err, out

reproduce_app = typer.Typer(help="Re-run published analyses of AI openness on the graph and write their tables.",
                            no_args_is_help=True)
app.add_typer(reproduce_app, name="reproduce")


@reproduce_app.command("open-sourcing")
def open_sourcing(
        out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for the CSV tables, the figure and summary.md.")
                           ] = Path("open-sourcing"),
        window: Annotated[int, typer.Option(help="Months before and after an open release to count dependents in.",
                                            min=1)] = 12,
        store: StoreOption = None) -> None:
    """Reproduce the economics of open-sourcing (Habibi 2025) on the graph.

    Builds a model-level table (open or not; performance edge at release = training compute over the
    best earlier rival's; big-tech owner; owner size = share of the applications built on AI models,
    and its square; year; modality), fits a logit of P(open) with statsmodels and prints the
    coefficients with 95% confidence intervals and the sample size; then compares the derivatives,
    applications and datasets built on each open model in windows before and after its release.
    Writes model-table.csv, logit-coefficients.csv/.svg, before-after.csv and summary.md to --out.
    """
    from aivc import economics   # pandas and statsmodels: loaded by the commands that use them only
    graph = _open(store)
    problems: list[str] = []
    with out.status("building the model table...") as status:
        table = economics.model_table(graph)
        status.update("fitting the logit...")
        fit = _attempt(economics.fit_open_sourcing, table, problems)
        status.update("comparing downstream activity before and after open releases...")
        spill = _attempt(lambda s: economics.before_after(s, window), graph, problems)
    out.print(f"models with a performance edge: {len(table)} ({int(table['open'].sum()) if len(table) else 0} open)")
    if fit is not None:
        _print_fit(fit)
    if spill is not None:
        _print_before_after(spill)
    written = economics.write_outputs(out_dir, table, fit, spill, problems)
    out.print("wrote " + ", ".join(str(p) for p in written), style="dim")
    for caveat in economics.CAVEATS:
        out.print(f"caveat: {caveat}", style="dim", highlight=False)
    if fit is None and spill is None:
        _fail("neither analysis could run on this graph (see above)")


def _attempt(step, argument, problems: list[str]):
    """Run one analysis; its AnalysisError becomes a one-line message, and the other analysis still runs."""
    from aivc import economics
    try:
        return step(argument)
    except economics.AnalysisError as cannot:
        problems.append(str(cannot))
        err.print(f"[bold yellow]note:[/] {cannot}", highlight=False)
        return None


def _print_fit(fit: economics.LogitFit) -> None:
    table = Table("term", "estimate", "std. error", "95% CI", "p", "expected", "finding",
                  title=f"logit of P(open): N = {fit.n} models ({fit.n_open} open), pseudo R² = {fit.pseudo_r2:.3f}, "
                        f"log-likelihood = {fit.log_likelihood:.2f}")
    for r in fit.coefficients.itertuples(index=False):
        table.add_row(r.term, f"{r.estimate:.3f}", f"{r.std_error:.3f}", f"[{r.ci_low:.3f}, {r.ci_high:.3f}]",
                      f"{r.p_value:.3f}", r.expected, r.finding)
    out.print(table)
    note = f"year is centred on {fit.year_centre}"
    if fit.dropped:
        note += f"; left out for lack of variation: {', '.join(fit.dropped)}"
    out.print(note, style="dim")


def _print_before_after(spill: economics.BeforeAfter) -> None:
    p = "n/a (no model changed)" if spill.p_value is None else f"{spill.p_value:.3f}"
    table = Table("open models", "mean before", "mean after", "more after", "fewer after", "same", "Wilcoxon p",
                  title=f"dependents built by other organizations, {spill.window} months before vs after the open release")
    table.add_row(str(len(spill.table)), f"{spill.mean_before:.2f}", f"{spill.mean_after:.2f}", str(spill.more_after),
                  str(spill.fewer_after), str(spill.same), p)
    out.print(table)
    out.print(f"left out: {spill.left_out} open model(s) whose window runs past the graph's last date ({spill.horizon})",
              style="dim")
