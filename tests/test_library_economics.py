"""The open-sourcing economics: the model table built from the graph, the logit, the before/after
comparison, and `aivc reproduce open-sourcing` as a user runs it. Two made-up worlds: the library's
(too small to fit: the failure is reported), and a generated one of 60 models (fitted exactly)."""

from __future__ import annotations

import math
import os
import random
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from aivc import economics, store as stores
from conftest import build_world

FIRMS = [("f0", "BigTech", 6), ("f1", "BigTech", 3), ("f2", "Startup", 2), ("f3", "Startup", 1),
         ("f4", "Academic", 0), ("f5", "NonProfit", 0)]         # id, owner type, applications on its models


def generated_world(n: int = 60, seed: int = 7) -> str:
    """A TriG world of n models, one a month from 2019-01, six firms; a model is open with a
    probability that falls with its compute edge and rises for big tech (all numbers made up)."""
    rng = random.Random(seed)
    lines = ["@prefix aivc: <https://w3id.org/aivc/ontology#> .", "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
             "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .", "@prefix prov: <http://www.w3.org/ns/prov#> .",
             "@prefix w: <https://w3id.org/aivc/synthetic/> .",
             "<https://w3id.org/aivc/graph/provenance> { w:graph prov:wasDerivedFrom <https://example.org/generated> . }",
             "w:graph {", "w:apache a aivc:Licence ; rdfs:label \"Apache\" ; aivc:osiApproved true ."]
    for firm, owner, apps in FIRMS:
        lines.append(f"w:{firm} a aivc:Organization ; rdfs:label \"Firm {firm}\" ; aivc:ownerType aivc:{owner} .")
        lines += [f"w:{firm}-app{k} a aivc:Application ; rdfs:label \"App {firm}-{k}\" ; aivc:developedBy w:f5 ; "
                  f"aivc:builtOn w:m{FIRMS.index((firm, owner, apps))} ." for k in range(apps)]
    best: dict[str, float] = {}
    for i in range(n):
        firm, owner, _ = FIRMS[i % len(FIRMS)]
        compute = 10 ** (21 + 4 * rng.random() + i / 20)
        rival = max((c for f, c in best.items() if f != firm), default=None)
        edge = math.log10(compute / rival) if rival else 0.0
        p = 1 / (1 + math.exp(-(-1.2 - 0.9 * edge + (1.5 if owner == "BigTech" else 0.0))))
        is_open = rng.random() < p
        best[firm] = max(best.get(firm, 0), compute)
        tier = ("aivc:DownloadableWeights ; aivc:licence w:apache ; aivc:sourceAccessValue \"open\"" if is_open
                else "aivc:CloudAPI ; aivc:sourceAccessValue \"api\"")
        modality = "image" if i % 7 == 3 else "text"
        lines += [f"w:m{i} a aivc:FoundationModel ; rdfs:label \"Model {i}\" ; aivc:developedBy w:{firm} ; "
                  f"aivc:modality \"{modality}\" .",
                  f"w:r{i} a aivc:ReportedRelease ; aivc:releaseOf w:m{i} ; aivc:accessTier {tier} ; "
                  f"aivc:sourceRecord \"generated.csv:{i + 2}\" ; "
                  f"aivc:releaseDate \"{2019 + i // 12}-{i % 12 + 1:02d}-01\"^^xsd:date ; "
                  f"aivc:reportedTrainingCompute \"{compute:.6e}\"^^xsd:double ."]
    return "\n".join(lines + ["}"]) + "\n"


@pytest.fixture(scope="module")
def generated_store_path(tmp_path_factory) -> Path:
    """The generated world, loaded, reasoned and validated as a build would, then published."""
    folder = tmp_path_factory.mktemp("generated")
    (folder / "world.trig").write_text(generated_world())
    location = folder / "store"
    build_world(location, None, folder / "world.trig")
    return location


def aivc(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aivc.cli", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "200"}, timeout=300)


def test_model_table_of_the_library_world(library_store):
    table = economics.model_table(library_store)
    rows = table[["model", "org", "released", "open", "big_tech", "owner_size", "year", "modality"]]
    assert rows.values.tolist() == [
        ["Globex Vision", "Globex", "2022-11-01", False, True, 0.75, 2022, "vision"],
        ["Globex Ultra", "Globex", "2023-03-01", False, True, 0.75, 2023, "language"],
        ["Hooli Chat", "Hooli", "2023-04-01", False, True, 0.0, 2023, "language"],
        ["Globex Open 8B", "Globex", "2023-06-01", True, True, 0.75, 2023, "language"],
        ["Initech 7B", "Initech", "2023-09-01", True, False, 0.25, 2023, "language"],
        ["Hooli Open", "Hooli", "2023-12-01", True, True, 0.0, 2023, "language"],
        ["Globex Open 70B", "Globex", "2024-01-15", True, True, 0.75, 2024, "language"],
        ["Initech Large", "Initech", "2024-02-01", False, False, 0.25, 2024, "language"]]
    assert table["edge_log10"].round(4).tolist() == [1.301, 3.0, -0.5229, -0.7782, -0.9208, -0.6021, 0.426, 0.301]
    assert table["owner_size_sq"].tolist() == [0.5625, 0.5625, 0.0, 0.5625, 0.0625, 0.0, 0.5625, 0.0625]


def test_a_world_too_small_to_fit_says_so(library_store):
    with pytest.raises(economics.AnalysisError, match="the 8 models are perfectly separated"):
        economics.fit_open_sourcing(economics.model_table(library_store))
    assert economics.open_sourcing_coefficients(library_store) is None


def test_before_after_on_the_library_world(library_store):
    result = economics.before_after(library_store, window=12)
    assert result.table.values.tolist() == [["Umbrella 1B", "Umbrella University", "2022-01-01", 0, 0],
                                           ["Globex Open 8B", "Globex", "2023-06-01", 1, 3]]
    assert (result.horizon, result.left_out, result.mean_before, result.mean_after) == ("2024-06-01", 6, 0.5, 1.5)
    assert (result.more_after, result.fewer_after, result.same, result.p_value) == (1, 0, 1, 1.0)
    with pytest.raises(economics.AnalysisError, match="no open model has a complete 40-month window"):
        economics.before_after(library_store, window=40)


@pytest.mark.parametrize("raw, group", [("text", "language"), ("language, text", "language"), ("image", "vision"),
                                        ("language, vision", "multimodal"), ("multimodal", "multimodal"),
                                        ("Speech", "speech"), ("biology", "other"), ("biology, language", "language"),
                                        (None, "unknown"), ("", "unknown")])
def test_modalities_are_grouped(raw, group):
    assert economics.modality_group(raw) == group


def test_the_logit_on_the_generated_world(generated_store_path):
    table = economics.model_table(stores.open_read_only(generated_store_path))
    assert (len(table), int(table["open"].sum())) == (59, 39)
    fit = economics.fit_open_sourcing(table)
    assert (fit.n, fit.n_open, fit.year_centre, fit.dropped) == (59, 39, 2021, [])
    coefficients = fit.coefficients.set_index("variable")
    assert coefficients["estimate"].round(3).to_dict() == EXPECTED_ESTIMATES
    assert coefficients["finding"].to_dict() == EXPECTED_FINDINGS
    assert (coefficients["ci_low"] < coefficients["estimate"]).all() and (coefficients["estimate"] < coefficients["ci_high"]).all()


EXPECTED_ESTIMATES = {"const": -0.959, "edge_log10": -1.31, "big_tech": 4.92, "owner_size": -7.153,
                      "owner_size_sq": -4.923, "year": -0.503, "modality: vision": 1.055}
EXPECTED_FINDINGS = {"const": "", "edge_log10": "as expected", "big_tech": "as expected",
                     "owner_size": "opposite sign, 95% interval includes 0",
                     "owner_size_sq": "as expected, 95% interval includes 0", "year": "", "modality: vision": ""}


def test_reproduce_open_sourcing_writes_tables_figure_and_summary(generated_store_path, tmp_path):
    run = aivc("reproduce", "open-sourcing", "--store", str(generated_store_path), "--out", "results", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "logit of P(open): N = 59 models (39 open)" in run.stdout
    assert "performance edge (log10 compute ratio)" in run.stdout and "Wilcoxon p" in run.stdout
    written = sorted(p.name for p in (tmp_path / "results").iterdir())
    assert written == ["before-after.csv", "logit-coefficients.csv", "logit-coefficients.svg", "model-table.csv",
                       "summary.md"]
    coefficients = pd.read_csv(tmp_path / "results" / "logit-coefficients.csv")
    assert coefficients["variable"].tolist() == list(EXPECTED_ESTIMATES)
    svg = (tmp_path / "results" / "logit-coefficients.svg").read_text()
    assert svg.startswith("<svg") and "Open-sourcing logit on 59 models" in svg and svg.count("<circle") == 6


def test_reproduce_on_a_world_too_small_reports_and_still_compares(library_store_path, tmp_path):
    run = aivc("reproduce", "open-sourcing", "--store", str(library_store_path), "--out", "r", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "note: cannot fit the open-sourcing logit: the 8 models are perfectly separated" in " ".join(run.stderr.split())
    assert sorted(p.name for p in (tmp_path / "r").iterdir()) == ["before-after.csv", "model-table.csv", "summary.md"]
    assert "Traceback" not in run.stderr
