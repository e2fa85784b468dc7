"""Materialize what the queries rely on, by the readable rules in rules/ (see rules/README.md)."""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import NamedNode, Quad, Store

from . import ns, paths


def apply_rules(store: Store, folder: Path, graph: NamedNode) -> dict[str, int]:
    """Run each CONSTRUCT rule of ``folder`` in name order; add what it builds to ``graph``.

    Rules see the union of all graphs, including what earlier rules built.
    Returns how many new triples each rule added.
    """
    added = {}
    for rule in sorted(folder.glob("*.rq")):
        before = len(store)
        built = store.query(rule.read_text(encoding="utf-8"), use_default_graph_as_union=True)
        store.extend([Quad(t.subject, t.predicate, t.object, graph) for t in built])
        added[rule.stem] = len(store) - before
    return added


def reason(store: Store, rules: Path = paths.RULES) -> dict[str, int]:
    """Inference first (types and property closure), then governance classification, then the
    value-capture mechanisms (whose rules may read the governance types)."""
    added = apply_rules(store, rules / "inference", ns.INFERRED_GRAPH)
    added.update(apply_rules(store, rules / "governance", ns.GOVERNANCE_GRAPH))
    added.update(apply_rules(store, rules / "mechanisms", ns.MECHANISM_GRAPH))
    return added
