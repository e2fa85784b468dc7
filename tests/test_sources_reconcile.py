"""Reconciliation: each matching rule on a small index, and the hand-checked sample of real matches."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from aivc import paths
from aivc.reconcile import Reconciler
from conftest import SHARED_DATA
from sources_helpers import load

SAMPLE = Path(__file__).parent / "fixtures" / "reconcile_sample.csv"
ORG, MODEL = "https://w3id.org/aivc/org/", "https://w3id.org/aivc/model/"


@pytest.fixture
def index() -> Reconciler:
    """A tiny curated world: Google (with a research unit), Meta, Mistral AI, and a few of their models."""
    rec = Reconciler()
    rec.add(ORG + "google", "organization", ["Google", "Google LLC"], curated=True)
    rec.add(ORG + "meta", "organization", ["Meta", "Meta AI", "Facebook"], curated=True)
    rec.add(ORG + "mistral-ai", "organization", ["Mistral AI", "Mistral"], curated=True)
    rec.add(ORG + "tii", "organization", ["Technology Innovation Institute", "TII"], curated=True)
    rec.add(MODEL + "palm-2", "model", ["PaLM 2", "Otter"], orgs=[ORG + "google"], curated=True)
    rec.add(MODEL + "llama-2-70b", "model", ["Llama 2 70B", "Llama-2-70b"], orgs=[ORG + "meta"],
            hf_ids=["meta-llama/Llama-2-70b-hf"], curated=True)
    rec.add(MODEL + "mistral-7b", "model", ["Mistral 7B"], orgs=[ORG + "mistral-ai"], curated=True)
    return rec


def org_rule(rec: Reconciler, name: str) -> list[tuple[str, str]]:
    found = rec.organizations(name, "test", "file:1")
    return [(iri.removeprefix(ORG), next(m.rule for m in reversed(rec.matches) if m.iri == iri)) for iri, _ in found]


@pytest.mark.parametrize("name, expected", [
    ("Meta AI", [("meta", "exact-name")]),                                    # a curated alias
    ("facebook", [("meta", "exact-name")]),                                   # case does not matter
    ("Google LLC.", [("google", "exact-name")]),
    ("Mistral AI, Inc.", [("mistral-ai", "name-without-suffix")]),            # a legal suffix stays with its name
    ("Google Brain", [("google", "unit-of-organization")]),
    ("Facebook AI Research", [("meta", "unit-of-organization")]),
    ("UAE Technology Innovation Institute", [("tii", "exact-name")]),         # a group of mappings/organizations.yaml
    ("Meta AI,Google Research", [("meta", "exact-name"), ("google", "unit-of-organization")]),
    ("Mistral & Meta", [("mistral-ai", "exact-name"), ("meta", "exact-name")]),
    ("Carnegie Mellon University (CMU)", [("test/carnegie-mellon-university-cmu", "new")]),
])
def test_organization_rules(index, name, expected):
    assert org_rule(index, name) == expected


def test_an_acronym_in_parentheses_and_units_only_of_curated_organizations(index):
    index.organizations("CMU", "first", "a:1")
    assert org_rule(index, "Carnegie Mellon University (CMU)") == [("first/cmu", "exact-name")]
    index.organizations("Acme", "first", "a:2")              # not curated: "Acme Research" is not its unit
    assert org_rule(index, "Acme Research") == [("test/acme-research", "new")]


def asset(rec: Reconciler, name: str, orgs=(), hf=()) -> tuple[str, str]:
    iri = rec.asset("model", name, "test", "file:1", [ORG + o for o in orgs], hf)
    return iri.removeprefix(MODEL), rec.matches[-1].rule


def test_asset_rules(index):
    assert asset(index, "Llama-2-70B", ["meta"]) == ("llama-2-70b", "exact-name")
    assert asset(index, "LLaMA 2 70B chat", ["meta"]) == ("test/llama-2-70b-chat", "new")
    assert asset(index, "Something Else", ["meta"], ["META-LLAMA/llama-2-70b-hf"]) == ("llama-2-70b", "huggingface-id")
    # a distinctive name matches even when the developers differ (a conflict the report shows) ...
    assert asset(index, "Mistral 7B", ["google"]) == ("mistral-7b", "exact-name")
    # ... a plain word does not: Otter by another developer is another model
    assert asset(index, "Otter", ["meta"]) == ("test/otter", "new")
    assert asset(index, "Otter", ["google"]) == ("palm-2", "exact-name")
    # a size in parentheses is dropped when the developers agree
    assert asset(index, "PaLM 2 (340B)", ["meta"]) == ("test/palm-2-340b", "new")
    assert asset(index, "PaLM 2 (540B)", ["google"]) == ("palm-2", "name-without-size")
    # other parentheticals are part of the name
    assert asset(index, "Mistral 7B (0520)", ["mistral-ai"]) == ("test/mistral-7b-0520", "new")


def test_references_never_mint_and_are_reported(index):
    assert index.reference("llama 2 70b", ["model"], "test", "f:3", "base_model") == MODEL + "llama-2-70b"
    assert index.reference("Nowhere Model", ["model", "dataset"], "test", "f:4", "base_model") is None
    assert [u.row() for u in index.unresolved] == [{"source": "test", "record": "f:4", "field": "base_model",
                                                    "name": "Nowhere Model"}]
    assert MODEL + "test/nowhere-model" not in index.entities


def sample_rows() -> list[dict]:
    with open(SAMPLE, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_the_hand_checked_sample_is_large_enough_and_judged():
    rows = sample_rows()
    verdicts = [r["verdict"] for r in rows]
    assert len(rows) >= 50 and set(verdicts) == {"correct", "incorrect"}
    assert all(r["note"] for r in rows if r["verdict"] == "incorrect"), "every wrong match says why"


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason=f"real source snapshots not present at {SHARED_DATA}")
def test_the_matcher_still_makes_the_checked_matches():
    """Every cross-source match of the real snapshots is in the hand-checked sample, and every match
    of the sample is still made: a change of rules, mappings or curated aliases shows up here and
    calls for checking the new matches by hand."""
    _, _, runs = load("curated,ecosystem-graphs,epoch,eosai,fmti", paths.DATA)
    made = {(m["source"], m["kind"], m["name"], m["iri"], m["rule"])
            for name, run in runs.items() for m in run.matches
            if m["rule"] != "new" and f"/{name}/" not in m["iri"]}
    checked = {(r["source"], r["kind"], r["name"], r["iri"], r["rule"]) for r in sample_rows()}
    assert sorted(checked - made) == [] and sorted(made - checked) == []
