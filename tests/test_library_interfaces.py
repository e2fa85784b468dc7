"""The ways users reach the library: aivc.query(...) from Python, `aivc queries --tag`, `aivc query
--format md` and `aivc explain` from the command line (on the library's made-up world)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import aivc
from aivc.queries import QueryError


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aivc.cli", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "200"}, timeout=300)


def test_python_api_answers_a_stored_question_as_a_dataframe(library_store_path):
    frame = aivc.query("owner-size", store=library_store_path)
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == ["org", "owner_type", "big_tech", "applications", "app_share", "models",
                                   "open_models", "open_share"]
    assert frame.iloc[0].to_dict() == {"org": "Globex", "owner_type": "big-tech", "big_tech": True, "applications": 3,
                                       "app_share": 0.75, "models": 4, "open_models": 2, "open_share": 0.5}
    assert len(frame) == 5


def test_python_api_takes_parameters_of_any_type(library_store_path, library_store):
    by_path = aivc.query("catch-up-time", store=str(library_store_path), ratio=0.5)
    by_store = aivc.query("catch-up-time", store=library_store, ratio="0.5")
    assert by_path.equals(by_store)
    assert by_path["months"].tolist() == [7, 10, pd.NA]     # whole numbers stay whole, empty stays empty
    assert aivc.query("spillovers-around-open-release", store=library_store, window=2)["derivatives_after"].sum() == 2


def test_python_api_errors_are_clear(library_store, tmp_path):
    with pytest.raises(QueryError, match="no stored query 'owner-sizes'; did you mean 'owner-size'"):
        aivc.query("owner-sizes", store=library_store)
    with pytest.raises(QueryError, match="parameter kind: 'giant' is not one of foundation, derived"):
        aivc.query("openness-by-owner-type", store=library_store, kind="giant")
    from aivc.store import StoreMissing
    with pytest.raises(StoreMissing, match="run 'aivc build' first"):
        aivc.query("owner-size", store=tmp_path / "nowhere")


def test_importing_aivc_does_not_load_the_query_api(tmp_path):
    probe = subprocess.run([sys.executable, "-c", "import sys, aivc; print('pandas' in sys.modules, "
                            "'aivc.api' in sys.modules); aivc.query; print('aivc.api' in sys.modules)"],
                           cwd=tmp_path, capture_output=True, text=True, check=True)
    assert probe.stdout.split() == ["False", "False", "True"]


@pytest.mark.parametrize("command, words", [
    (["explain"], "which readable rule assigned a conclusion"),
    (["explain", "governance"], "every rule of rules/governance/ is re-run on the model's release alone"),
    (["explain", "mechanisms"], "the documents those facts come from"),
    (["reproduce", "open-sourcing"], "fits a logit of P(open) with statsmodels"),
    (["query"], "--format"),
])
def test_the_new_commands_explain_themselves(tmp_path, command, words):
    result = cli(*command, "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert words in " ".join(result.stdout.replace("│", " ").split())


def test_queries_can_be_filtered_by_tag(tmp_path):
    listed = cli("queries", "--tag", "mechanisms", cwd=tmp_path)
    assert listed.returncode == 0
    names = [line.split("│")[1].strip() for line in listed.stdout.splitlines() if line.startswith("│")]
    assert names == ["mechanism-evidence", "value-capture-by-firm"]
    unknown = cli("queries", "--tag", "nope", cwd=tmp_path)
    assert unknown.returncode == 2 and "no stored query has the tag 'nope' (tags: " in unknown.stderr


def test_query_answers_in_markdown(library_store_path, tmp_path):
    md = cli("query", "source-conflicts", "-p", "field=tier", "--format", "md", "--store", str(library_store_path),
             cwd=tmp_path)
    assert md.stdout.splitlines() == [
        "| org | model | field | value | source | other_value | other_source |",
        "|---|---|---|---|---|---|---|",
        "| Initech | Initech 7B | tier | downloadable-weights | Initech 7B model card | cloud-api | Tracker: model releases |"]


def test_explain_governance_from_the_command_line(library_store_path, tmp_path):
    run = cli("explain", "governance", "Hooli Open", "--store", str(library_store_path), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert "Hooli Open  release https://w3id.org/aivc/release/hooli-open: open-platform (modular), by rule open-platform" in lines
    assert ("  evidence: access tier downloadable-weights; licence Hooli Research Licence (not OSI-approved); "
            "restrictions: non-commercial") in lines
    fired = [line.split("│")[1].strip() for line in lines if line.startswith("│") and "│ yes " in line]
    assert fired == ["open-platform", "open-platform"]      # the curated and the tracker's release
    assert any("aivc:osiApproved" in line and "false" in line and "library/orgs/hooli.yaml:" in line for line in lines)
    missing = cli("explain", "governance", "hooli closed", "--store", str(library_store_path), cwd=tmp_path)
    assert missing.returncode == 2 and "error: no model with the id or name 'hooli closed' in the graph" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_explain_mechanisms_from_the_command_line(library_store_path, tmp_path):
    run = cli("explain", "mechanisms", "Initech", "--store", str(library_store_path), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "value-capture evidence for Initech" in run.stdout and "5 evidence record(s)" in run.stdout
