"""Helpers shared by the tests of the public-dataset loaders (tests/test_sources_*.py)."""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import Store

from aivc import ns, sources
from aivc.build import populate
from aivc.problems import Problem

TESTS = Path(__file__).parent
FIXTURE_DATA = TESTS / "fixtures" / "data"
FIXTURE_SOURCES = TESTS / "fixtures" / "sources"
FIXTURE_SNAPSHOTS = {"ecosystem-graphs": "ecosystem-graphs", "epoch": "epoch-ai", "eosai": "eosai-index", "fmti": "fmti"}
PREFIX = f"PREFIX aivc: <{ns.AIVC}>\nPREFIX rdfs: <{ns.RDFS}>\n"


def fixture_selection(*names: str) -> str:
    """'--sources' text for the made-up snapshots of tests/fixtures/sources."""
    return ",".join(["curated", *(f"{n}={FIXTURE_SOURCES / FIXTURE_SNAPSHOTS[n]}" for n in names)])


def load(spec: str, data: Path | None = FIXTURE_DATA) -> tuple[Store, list[Problem], dict]:
    """An in-memory store with the ontology, curated data (or none) and the sources of ``spec``."""
    store, problems = Store(), []
    assert populate(store, data) == []
    runs = sources.load_sources(store, sources.parse_selection(spec), problems.append)
    return store, problems, runs


def rows(store: Store, query: str) -> list[tuple]:
    """Solutions as tuples of plain values (IRIs and literals as text, unbound as None)."""
    found = store.query(PREFIX + query, use_default_graph_as_union=True)
    names = [v.value for v in found.variables]
    return [tuple(s[n].value if s[n] is not None else None for n in names) for s in found]


def tiers(store: Store, source: str, kind: str = "AIModel") -> dict[str | None, int]:
    """Reported releases of one source per access tier (None: the source states no tier)."""
    graph = ns.graph("source", source).value
    return {tier: int(n) for tier, n in rows(store, f"""
        SELECT ?tier (COUNT(DISTINCT ?r) AS ?n) WHERE {{
          GRAPH <{graph}> {{ ?r a aivc:ReportedRelease ; aivc:releaseOf ?a }}
          ?a a/rdfs:subClassOf* aivc:{kind} .
          OPTIONAL {{ ?r aivc:accessTier/aivc:slug ?tier }}
        }} GROUP BY ?tier""")}
