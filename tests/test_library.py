"""The stored-question library: every value-chain question has a query, and each query gives exactly
the expected rows on the made-up world of tests/fixtures/library (see its README)."""

from __future__ import annotations

import math

import pytest

from aivc import queries as library

# The twenty questions of the value-capture library and the stored queries that answer them.
QUESTIONS = {
    "access gradient per firm and year": ["access-gradient", "models-by-tier"],
    "strategic openness": ["strategic-openness-best-closed", "strategic-openness"],
    "performance edge vs openness": ["performance-edge"],
    "openness by owner type": ["openness-by-owner-type"],
    "owner size vs openness": ["openness-by-owner-size", "owner-size"],
    "spillovers before and after open release": ["spillovers-around-open-release"],
    "governance type of every release and per firm": ["governance-by-model", "governance-map"],
    "open-washing": ["open-washing", "open-washing-closed-data"],
    "licence inheritance downstream": ["licence-inheritance"],
    "restriction terms by firm": ["licence-restrictions-by-firm", "restriction-terms-prevalence"],
    "infrastructure lock-in": ["infrastructure-lock-in", "open-models-on-own-cloud"],
    "cross-subsidization": ["cross-subsidization"],
    "standardization": ["standardization"],
    "data control": ["data-control-by-firm"],
    "downstream concentration": ["downstream-concentration"],
    "cloud-lab alliances": ["cloud-lab-alliances"],
    "geography": ["tiers-by-country", "governance-types-by-country"],
    "catch-up": ["catch-up-time"],
    "source conflicts": ["source-conflicts"],
    "coverage": ["facts-without-source", "models-without-licence", "firms-without-country"],
}

G, H, I, U, V = "Globex", "Hooli", "Initech", "Umbrella University", "Vandelay Industries"
GLOBEX_TERMS = "acceptable-use-policy, attribution-naming, no-training-other-models, user-count-threshold"
M = "https://w3id.org/aivc/model/"

ANSWERS = [
    ("strategic-openness-best-closed", {}, [
        (G, "Globex Ultra", "cloud-api", "training compute (FLOP)", 1e25, 2, "Globex Open 70B", 8e24),
        (H, "Hooli Chat", "cloud-api", "training compute (FLOP)", 3e24, 1, "Hooli Open", 2.5e24),
        (I, "Initech Large", "cloud-api", "training compute (FLOP)", 2e25, 2, "Initech 7B", 1.2e24)]),
    ("performance-edge", {}, [
        (G, "Globex Vision", "2022-11-01", "hosted", False, 2e23, "Umbrella 1B", 1e22, 20.0, "image", M + "globex-vision"),
        (G, "Globex Ultra", "2023-03-01", "cloud-api", False, 1e25, "Umbrella 1B", 1e22, 1000.0, "text", M + "globex-ultra"),
        (H, "Hooli Chat", "2023-04-01", "cloud-api", False, 3e24, "Globex Ultra", 1e25, 0.3, "text", M + "hooli-chat"),
        (G, "Globex Open 8B", "2023-06-01", "downloadable-weights", True, 5e23, "Hooli Chat", 3e24, 1 / 6, "text",
         M + "globex-open-8b"),
        (I, "Initech 7B", "2023-09-01", "downloadable-weights", True, 1.2e24, "Globex Ultra", 1e25, 0.12, "text",
         M + "initech-7b"),
        (H, "Hooli Open", "2023-12-01", "downloadable-weights", True, 2.5e24, "Globex Ultra", 1e25, 0.25, "text",
         M + "hooli-open"),
        (G, "Globex Open 70B", "2024-01-15", "downloadable-weights", True, 8e24, "Hooli Chat", 3e24, 8 / 3, "text",
         M + "globex-open-70b"),
        (I, "Initech Large", "2024-02-01", "cloud-api", False, 2e25, "Globex Ultra", 1e25, 2.0, "text", M + "initech-large")]),
    ("performance-edge", {"org": "Hooli"}, [
        (H, "Hooli Chat", "2023-04-01", "cloud-api", False, 3e24, "Globex Ultra", 1e25, 0.3, "text", M + "hooli-chat"),
        (H, "Hooli Open", "2023-12-01", "downloadable-weights", True, 2.5e24, "Globex Ultra", 1e25, 0.25, "text",
         M + "hooli-open")]),
    ("openness-by-owner-type", {}, [("academic", 1, 3, 3, 1.0), ("big-tech", 2, 6, 3, 0.5), ("startup", 2, 4, 2, 0.5)]),
    ("openness-by-owner-type", {"kind": "derived"}, [("academic", 1, 2, 2, 1.0), ("startup", 2, 2, 1, 0.5)]),
    ("openness-by-owner-size", {}, [
        ("small (1-3)", False, 2, 6, 5, 0.833, "Initech, Umbrella University"),
        ("small (1-3)", True, 1, 2, 1, 0.5, "Hooli"),
        ("medium (4-9)", False, 1, 1, 0, 0.0, "Vandelay Industries"),
        ("medium (4-9)", True, 1, 4, 2, 0.5, "Globex")]),
    ("owner-size", {}, [
        (G, "big-tech", True, 3, 0.75, 4, 2, 0.5), (I, "startup", False, 1, 0.25, 3, 2, 0.667),
        (H, "big-tech", True, 0, 0.0, 2, 1, 0.5), (U, "academic", False, 0, 0.0, 3, 3, 1.0),
        (V, "startup", False, 0, 0.0, 1, 0, 0.0)]),
    ("spillovers-around-open-release", {}, [
        (U, "Umbrella 1B", "2022-01-01", 0, 0, 0, 0, 0, 0, 0),
        (G, "Globex Open 8B", "2023-06-01", 0, 2, 0, 1, 1, 0, 0),
        (U, "Umbrella Chat", "2023-07-01", 0, 0, 0, 0, 0, 0, 0),
        (I, "Initech Chat", "2023-08-01", 0, 0, 0, 0, 0, 0, 0),
        (I, "Initech 7B", "2023-09-01", 0, 1, 0, 1, 0, 1, 0),
        (U, "Umbrella 7B Q4", "2023-10-01", 0, 0, 0, 0, 0, 0, 0),
        (H, "Hooli Open", "2023-12-01", 0, 1, 0, 0, 0, 0, 0),
        (G, "Globex Open 70B", "2024-01-15", 0, 0, 0, 0, 0, 0, 0)]),
    ("spillovers-around-open-release", {"window": "2"}, [
        (U, "Umbrella 1B", "2022-01-01", 0, 0, 0, 0, 0, 0, 0),
        (G, "Globex Open 8B", "2023-06-01", 0, 1, 0, 0, 1, 0, 0),
        (U, "Umbrella Chat", "2023-07-01", 0, 0, 0, 0, 0, 0, 0),
        (I, "Initech Chat", "2023-08-01", 0, 0, 0, 0, 0, 0, 0),
        (I, "Initech 7B", "2023-09-01", 0, 1, 0, 1, 0, 0, 0),
        (U, "Umbrella 7B Q4", "2023-10-01", 0, 0, 0, 0, 0, 0, 0),
        (H, "Hooli Open", "2023-12-01", 0, 0, 0, 0, 0, 0, 0),
        (G, "Globex Open 70B", "2024-01-15", 0, 0, 0, 0, 0, 0, 0)]),
    ("open-washing-closed-data", {}, [
        (G, "Globex Open 8B", "downloadable-weights", "Globex Community Licence", False, "partial", None, False),
        (H, "Hooli Open", "downloadable-weights", "Hooli Research Licence", False, None, None, False),
        (I, "Initech 7B", "downloadable-weights", "Apache License 2.0", True, "closed", "open", False)]),
    ("licence-inheritance", {}, [
        (I, "Initech Chat", "Apache License 2.0", "Globex Open 8B", G, "Globex Community Licence", True, GLOBEX_TERMS),
        (U, "Umbrella Chat", "Apache License 2.0", "Globex Open 8B", G, "Globex Community Licence", True, GLOBEX_TERMS)]),
    ("restriction-terms-prevalence", {}, [
        ("acceptable-use-policy", 1, 2, 3, 3, "Globex, Umbrella University"),
        ("attribution-naming", 1, 2, 3, 3, "Globex, Umbrella University"),
        ("no-training-other-models", 1, 2, 3, 3, "Globex, Umbrella University"),
        ("user-count-threshold", 1, 2, 3, 3, "Globex, Umbrella University"),
        ("non-commercial", 1, 1, 1, 1, "Hooli"),
        ("use-based-restrictions", 0, 0, 0, 0, None)]),
    ("infrastructure-lock-in", {}, [(G, 2, 1, 1, 1, 1.0), (H, 1, 1, 0, 0, 1.0), (I, 2, 0, 0, 0, 0.0), (U, 3, 0, 0, 0, 0.0)]),
    ("cross-subsidization", {}, [
        (G, 2, 1, True, "Globex Open 70B, Globex Open 8B", "Globex Ultra"),
        (H, 1, 1, True, "Hooli Open", "Hooli Chat"),
        (I, 2, 1, False, "Initech 7B, Initech Chat", "Initech Large")]),
    ("standardization", {}, [
        (G, "Globex Open 8B", "model family", 2, 1, 0.5), (G, "GlobexFlow", "framework", 2, 1, 1.0),
        (I, "Initech 7B", "model family", 1, 1, 0.25), (H, "Hooli Open", "model family", 1, 0, 0.25),
        (G, "Globex Ultra", "model family", 0, 1, 0.0)]),
    ("data-control-by-firm", {}, [(G, 2, 2, 1.0, 1), (H, 1, 1, 1.0, 0), (I, 2, 2, 1.0, 1), (U, 3, 2, 0.667, 1)]),
    ("downstream-concentration", {}, [
        (I, 1, 1, 1.0, "Globex", 1.0), (U, 3, 2, 0.556, "Globex", 0.667), (V, 5, 3, 0.36, "Globex, Initech", 0.4)]),
    ("cloud-lab-alliances", {}, [
        (H, U, "cloud partnership", "2022-01-10", False, 3, "downloadable-weights, fully-open",
         "Umbrella 1B, Umbrella 7B Q4, Umbrella Chat"),
        (H, I, "investment", "2023-05-01", True, 3, "cloud-api, downloadable-weights", "Initech 7B, Initech Chat, Initech Large")]),
    ("cloud-lab-alliances", {"provider": "Globex"}, []),
    ("tiers-by-country", {}, [
        ("(unknown)", "hosted", 2, 1, 1, 1.0), ("CN", "cloud-api", 3, 1, 1, 0.5), ("CN", "downloadable-weights", 4, 1, 1, 0.5),
        ("DE", "downloadable-weights", 4, 2, 1, 0.667), ("DE", "fully-open", 5, 1, 1, 0.333),
        ("FR", "cloud-api", 3, 2, 1, 0.667), ("FR", "downloadable-weights", 4, 2, 1, 0.667),
        ("US", "hosted", 2, 1, 1, 0.25), ("US", "cloud-api", 3, 1, 1, 0.25), ("US", "downloadable-weights", 4, 2, 1, 0.5)]),
    ("governance-types-by-country", {}, [
        ("(unknown)", "hierarchical", "hierarchy", 1, 1, 1), ("CN", "captive-externalized", "captive", 2, 1, 1),
        ("CN", "open-platform", "modular", 2, 1, 1), ("DE", "open-platform", "modular", 1, 1, 1),
        ("DE", "controlled-openness", "relational", 2, 2, 1), ("DE", "full-openness", "market", 2, 1, 1),
        ("FR", "captive-externalized", "captive", 3, 2, 1), ("FR", "controlled-openness", "relational", 2, 2, 1),
        ("US", "hierarchical", "hierarchy", 2, 1, 1), ("US", "captive-externalized", "captive", 2, 1, 1),
        ("US", "open-platform", "modular", 4, 2, 1)]),
    ("catch-up-time", {}, [
        ("Globex Vision", G, "2022-11-01", 2e23, "2023-06-01", "Globex Open 8B", G, 5e23, 7),
        ("Globex Ultra", G, "2023-03-01", 1e25, None, None, None, None, None),
        ("Initech Large", I, "2024-02-01", 2e25, None, None, None, None, None)]),
    ("catch-up-time", {"ratio": "0.5"}, [
        ("Globex Vision", G, "2022-11-01", 2e23, "2023-06-01", "Globex Open 8B", G, 5e23, 7),
        ("Globex Ultra", G, "2023-03-01", 1e25, "2024-01-15", "Globex Open 70B", G, 8e24, 10),
        ("Initech Large", I, "2024-02-01", 2e25, None, None, None, None, None)]),
    ("catch-up-time", {"ratio": "0.04"}, [
        ("Globex Vision", G, "2022-11-01", 2e23, "2023-06-01", "Globex Open 8B", G, 5e23, 7),
        ("Globex Ultra", G, "2023-03-01", 1e25, "2023-06-01", "Globex Open 8B", G, 5e23, 3),
        ("Initech Large", I, "2024-02-01", 2e25, None, None, None, None, None)]),
    ("source-conflicts", {}, [
        (H, "Hooli Open", "date", "2023-12-01", "Hooli Open research release", "2023-12-05", "Tracker: model releases"),
        (I, "Initech 7B", "tier", "downloadable-weights", "Initech 7B model card", "cloud-api", "Tracker: model releases"),
        (U, "Umbrella Chat", "licence", "Globex Community Licence", "Umbrella Chat release note", "Apache License 2.0",
         "Tracker: model releases")]),
    ("source-conflicts", {"field": "licence"}, [
        (U, "Umbrella Chat", "licence", "Globex Community Licence", "Umbrella Chat release note", "Apache License 2.0",
         "Tracker: model releases")]),
    ("models-without-licence", {}, [
        (G, "Globex Ultra", "cloud-api", False), (G, "Globex Vision", "hosted", False), (H, "Hooli Chat", "cloud-api", False),
        (I, "Initech Large", "cloud-api", False), (V, "Vandelay Tuned", "hosted", False)]),
    ("firms-without-country", {}, [(V, "startup", 1)]),
    ("facts-without-source", {}, []),
    ("value-capture-by-firm", {}, [
        (G, "cross-subsidization", 2, 4), (G, "data-control", 2, 7), (G, "infrastructure", 1, 1),
        (G, "infrastructure-lock-in", 2, 5), (G, "platformization", 3, 7), (G, "standardization", 3, 3),
        (H, "cross-subsidization", 1, 3), (H, "data-control", 1, 3), (H, "infrastructure", 3, 3),
        (H, "infrastructure-lock-in", 1, 2), (H, "platformization", 1, 2), (H, "standardization", 1, 1),
        (I, "cross-subsidization", 2, 3), (I, "data-control", 1, 3), (I, "platformization", 1, 2),
        (I, "standardization", 1, 1), (U, "platformization", 1, 2)]),
    ("value-capture-by-firm", {"org": "Initech"}, [
        (I, "cross-subsidization", 2, 3), (I, "data-control", 1, 3), (I, "platformization", 1, 2), (I, "standardization", 1, 1)]),
    ("mechanism-evidence", {"org": "Hooli"}, [
        (H, "cross-subsidization", "cross-subsidization", "Hooli Open is released openly while the firm earns from "
         "Hooli Chat sold through its own API or cloud; the cloud business of Hooli", "Hooli, Hooli Open, release/hooli-chat"),
        (H, "data-control", "data-control", "Hooli Open is released at tier downloadable-weights: weights open, training "
         "data not released", "Hooli Open, release/hooli-open, release/tracker/hooli-open"),
        (H, "infrastructure", "infrastructure", "Hooli develops models and is a cloud-provider", "Hooli"),
        (H, "infrastructure", "infrastructure", "Hooli is the exclusive cloud of Initech (since 2023-05-01)",
         "partnership/hooli-investment-initech-2023-05-01"),
        (H, "infrastructure", "infrastructure", "Hooli provides cloud to Umbrella University (since 2022-01-10)",
         "partnership/hooli-cloud-partnership-umbrella-2022-01-10"),
        (H, "infrastructure-lock-in", "infrastructure-lock-in",
         "Hooli Open is open and distributed through its developer's own cloud", "own cloud, release/hooli-open"),
        (H, "platformization", "platformization", "Hooli Chat is offered through its developer's own API, under the "
         "developer's terms", "Hooli Chat, release/hooli-chat"),
        (H, "standardization", "standardization", "1 asset(s) of 1 other organization(s) are built on Hooli Open",
         "Hooli Open")]),
    ("mechanism-evidence", {"mechanism": "standardization"}, [
        (G, "standardization", "standardization", "1 asset(s) of 1 other organization(s) are built on Globex Ultra",
         "Globex Ultra"),
        (G, "standardization", "standardization", "4 asset(s) of 3 other organization(s) are built on Globex Open 8B",
         "Globex Open 8B"),
        (G, "standardization", "standardization", "4 asset(s) of 3 other organization(s) are built on GlobexFlow",
         "GlobexFlow"),
        (H, "standardization", "standardization", "1 asset(s) of 1 other organization(s) are built on Hooli Open",
         "Hooli Open"),
        (I, "standardization", "standardization", "3 asset(s) of 2 other organization(s) are built on Initech 7B",
         "Initech 7B")]),
]


def answer(store, name: str, **params) -> list[tuple]:
    columns, rows = library.rows(library.run(store, library.get(name).bound_text(params)))
    return [tuple(row[c] for c in columns) for row in rows]


def same(got: list[tuple], expected: list[tuple]) -> bool:
    """Rows equal value for value; floats to 12 significant digits (SPARQL arithmetic is binary)."""
    def equal(a, b) -> bool:
        if isinstance(a, float) or isinstance(b, float):
            return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-12)
        return a == b
    return len(got) == len(expected) and all(
        len(g) == len(e) and all(equal(a, b) for a, b in zip(g, e)) for g, e in zip(got, expected))


def test_every_question_of_the_issue_has_a_stored_query():
    stored = library.library()
    missing = {q: [n for n in names if n not in stored] for q, names in QUESTIONS.items()}
    assert {q: names for q, names in missing.items() if names} == {}
    assert len(stored) >= 30


@pytest.mark.parametrize("name, params, expected", ANSWERS,
                         ids=[f"{n}{'-' + '-'.join(p.values()) if p else ''}" for n, p, _ in ANSWERS])
def test_exact_answer_on_the_library_world(library_store, name, params, expected):
    got = answer(library_store, name, **params)
    assert same(got, expected), got


def test_every_query_of_this_library_has_an_exact_test():
    tested = {name for name, _, _ in ANSWERS}
    mine = {n for names in QUESTIONS.values() for n in names} | {"value-capture-by-firm", "mechanism-evidence",
                                                                 "owner-size"}
    untested = sorted(n for n in mine - tested
                      if n not in {"access-gradient", "models-by-tier", "strategic-openness", "governance-by-model",
                                   "governance-map", "open-washing", "licence-restrictions-by-firm",
                                   "open-models-on-own-cloud"})   # tested in test_queries.py or by their owners
    assert untested == []


def test_allowed_values_are_enforced():
    with pytest.raises(library.QueryError, match="parameter field: 'owner' is not one of tier, licence, date"):
        library.get("source-conflicts").bindings({"field": "owner"})
    with pytest.raises(library.QueryError, match="parameter window: 'a year' is not a whole number"):
        library.get("spillovers-around-open-release").bindings({"window": "a year"})
