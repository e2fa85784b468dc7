"""Governance and value-capture inference: readable rules, their evidence, and `explain` saying which
rule fired on which sourced facts (on the made-up world of tests/fixtures/library)."""

from __future__ import annotations

import shutil

import pytest
from pyoxigraph import Store

from aivc import explain, ns, paths, queries as library, reasoning
from aivc.explain import Fact, RuleCheck

MECHANISMS = ["cross-subsidization", "data-control", "infrastructure", "infrastructure-lock-in", "platformization",
              "standardization"]
MODEL_CARD = "Initech 7B model card, https://example.org/initech/7b (2023-09-01)"
LICENCE_LIST = "Example licence list, https://example.org/licences (2024-01-01)"
TRACKER = "Tracker: model releases, https://example.org/tracker/compute (2024-04-01)"


def test_every_rule_describes_itself_in_a_readable_header():
    for rule in sorted(paths.RULES.rglob("*.rq")):
        parsed = library.StoredQuery.from_file(rule)
        assert parsed.summary, f"{rule} has no '#+ summary:'"


def test_one_mechanism_rule_per_value_capture_mechanism():
    from aivc import vocab
    assert sorted(p.stem for p in (paths.RULES / "mechanisms").glob("*.rq")) == sorted(vocab.slugs("ValueCaptureMechanism"))
    assert sorted(vocab.slugs("ValueCaptureMechanism")) == MECHANISMS


def test_mechanism_evidence_lives_in_its_own_graph(library_store):
    rows = library.rows(library.run(library_store, f"""
        SELECT ?g (COUNT(DISTINCT ?e) AS ?n) WHERE {{ GRAPH ?g {{ ?e a <{ns.AIVC}MechanismEvidence> }} }} GROUP BY ?g"""))[1]
    assert rows == [{"g": ns.MECHANISM_GRAPH.value, "n": 27}]


def test_explain_governance_shows_the_rule_that_fired_and_the_facts_it_read(library_store):
    curated, tracker = explain.explain_governance(library_store, "Initech 7B")
    assert (curated.release, curated.governance, curated.gvc, curated.rule) == (
        "https://w3id.org/aivc/release/initech-7b", "controlled-openness", "relational", "controlled-openness")
    assert curated.evidence == ("access tier downloadable-weights; licence Apache License 2.0 (OSI-approved, no "
                                "restrictions); training data and code not released",)
    assert [(c.rule, c.fired) for c in curated.checks] == [
        ("captive-externalized", False), ("controlled-openness", True), ("full-openness", False),
        ("hierarchical", False), ("open-platform", False)]
    assert curated.checks[1] == RuleCheck("controlled-openness", True, "Controlled openness - weights downloadable under "
                                          "an OSI-approved licence, training data and code kept back.")
    assert list(curated.facts) == [
        Fact("release/initech-7b", "aivc:accessTier", "downloadable-weights", MODEL_CARD, "library/orgs/initech.yaml:9"),
        Fact("release/initech-7b", "aivc:licence", "Apache License 2.0", MODEL_CARD, "library/orgs/initech.yaml:9"),
        Fact("Apache License 2.0", "rdfs:label", "Apache License 2.0", LICENCE_LIST, "library/licences.yaml:4"),
        Fact("Apache License 2.0", "aivc:osiApproved", "true", LICENCE_LIST, "library/licences.yaml:4")]
    # the tracker reports another tier: its release is classified, and explained, on its own facts
    assert (tracker.governance, tracker.rule) == ("captive-externalized", "captive-externalized")
    assert [c.rule for c in tracker.checks if c.fired] == ["captive-externalized"]
    assert list(tracker.facts) == [Fact("release/tracker/initech-7b", "aivc:accessTier", "cloud-api", TRACKER,
                                        "tracker/releases.csv:6")]


def test_explain_follows_the_licence_to_its_restriction_clauses(library_store):
    tracker, curated = explain.explain_governance(library_store, "umbrella-chat")
    assert (tracker.governance, curated.governance) == ("controlled-openness", "open-platform")
    clauses = sorted(f.value for f in curated.facts if f.property == "aivc:restrictionType")
    assert clauses == ["acceptable-use-policy", "attribution-naming", "no-training-other-models", "user-count-threshold"]


def test_explain_suggests_the_nearest_names(library_store):
    with pytest.raises(explain.NotFound, match="no model with the id or name 'initech 8b' in the graph; "
                                               "did you mean 'initech-7b', 'Initech 7B', 'initech-chat'"):
        explain.explain_governance(library_store, "initech 8b")


def test_a_rule_a_user_writes_is_explained_from_its_own_text(library_store, tmp_path):
    """Explanations read the rules' text: a new rule that reads channels makes explain show channels."""
    rules = tmp_path / "governance"
    shutil.copytree(paths.RULES / "governance", rules)
    (rules / "own-cloud-platform.rq").write_text(
        "#+ summary: Own-cloud platform - open weights distributed through the developer's own cloud.\n"
        "PREFIX aivc: <https://w3id.org/aivc/ontology#>\n"
        "CONSTRUCT { ?release aivc:governanceRule \"own-cloud-platform\" }\n"
        "WHERE { ?release aivc:accessTier/aivc:rank ?rank ; aivc:channel aivc:OwnCloud . FILTER(?rank >= 4) }\n")
    (e, *_) = explain.explain_governance(library_store, "hooli-open", rules)
    assert [c.rule for c in e.checks if c.fired] == ["open-platform", "own-cloud-platform"]
    assert sorted(f.value for f in e.facts if f.property == "aivc:channel") == ["model-hub", "own-cloud"]


def test_explain_mechanisms_lists_each_record_with_its_documents(library_store):
    name, records = explain.explain_mechanisms(library_store, "hooli")
    assert name == "Hooli"
    assert [(r.mechanism, r.sources) for r in records] == [
        ("cross-subsidization", ("https://example.org/hooli", "https://example.org/hooli/chat",
                                 "https://example.org/hooli/open")),
        ("data-control", ("https://example.org/hooli/open", "https://example.org/tracker/compute")),
        ("infrastructure", ("https://example.org/hooli",)),
        ("infrastructure", ("https://example.org/hooli/invest",)),
        ("infrastructure", ("https://example.org/hooli/umbrella",)),
        ("infrastructure-lock-in", ("https://example.org/hooli/open",)),
        ("platformization", ("https://example.org/hooli/chat",)),
        ("standardization", ("https://example.org/hooli/open",))]


def test_mechanism_rules_are_idempotent_and_stable(library_store_path):
    """Running the rules again on the built graph adds nothing: evidence IRIs are stable."""
    from aivc import store as stores
    copy = Store()
    copy.extend(stores.open_read_only(library_store_path).quads_for_pattern(None, None, None, None))
    before = len(copy)
    assert reasoning.apply_rules(copy, paths.RULES / "mechanisms", ns.MECHANISM_GRAPH) == {m: 0 for m in MECHANISMS}
    assert len(copy) == before
