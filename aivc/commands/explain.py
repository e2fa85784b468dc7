"""aivc explain: which rule fired on which facts (governance types, value-capture mechanisms)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from aivc import explain as why
from aivc.cli import StoreOption, _fail, _open, app, out

explain_app = typer.Typer(help="Show which readable rule assigned a conclusion, and the sourced facts it fired on.",
                          no_args_is_help=True)
app.add_typer(explain_app, name="explain")


@explain_app.command("governance")
def governance(model: Annotated[str, typer.Argument(help="The model's id, name or alias (e.g. llama-2-70b).")],
               store: StoreOption = None) -> None:
    """Explain a model's governance type: every rule of rules/governance/ is re-run on the model's
    release alone, showing which one fired, then the facts those rules read, each with its source."""
    graph = _open(store)
    try:
        explanations = why.explain_governance(graph, model)
    except why.NotFound as missing:
        _fail(str(missing), 2)
    for e in explanations:
        verdict = f"[bold]{e.governance}[/] ({e.gvc})" if e.governance else "[red]no governance type[/]"
        out.print(f"[bold]{e.model}[/]  release {e.release}: {verdict}, by rule [bold]{e.rule or '-'}[/]")
        for line in e.evidence:
            out.print(f"  evidence: {line}", highlight=False)
        checks = Table("rule (rules/governance/)", "fired", "what it assigns", title="rules re-run on this release")
        for c in e.checks:
            checks.add_row(c.rule, "[green]yes[/]" if c.fired else "no", c.summary)
        out.print(checks)
        facts = Table("subject", "property", "value", "source", "record", title="facts the rules read")
        for f in e.facts:
            facts.add_row(f.subject, f.property, f.value, f.source, f.record or "")
        out.print(facts)


@explain_app.command("mechanisms")
def mechanisms(firm: Annotated[str, typer.Argument(help="The firm's id, name or alias (e.g. meta).")],
               store: StoreOption = None) -> None:
    """List a firm's value-capture evidence: the mechanism, the rule of rules/mechanisms/ that found
    it, the facts in words, and the documents those facts come from."""
    graph = _open(store)
    try:
        name, records = why.explain_mechanisms(graph, firm)
    except why.NotFound as missing:
        _fail(str(missing), 2)
    table = Table("mechanism", "rule", "evidence", "sources", title=f"value-capture evidence for {name}")
    for r in records:
        table.add_row(r.mechanism, r.rule, r.text, "\n".join(r.sources))
    out.print(table)
    out.print(f"{len(records)} evidence record(s)", style="dim")
