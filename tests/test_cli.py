"""The command line as a user runs it: the installed `aivc` script, from a folder outside the repo."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def aivc(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aivc.cli", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "200", **(env or {})}, timeout=300)


@pytest.mark.parametrize("command, words", [
    ([], "knowledge graph of the AI value chain"),
    (["build"], "replaces the previous store only when it succeeds"),
    (["queries"], "stored questions"),
    (["query"], "never pasted into the query"),
    (["sparql"], "union of all named graphs"),
    (["validate"], "exit 0 when it conforms"),
])
def test_every_command_explains_itself(tmp_path, command, words):
    result = aivc(*command, "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert words in " ".join(result.stdout.split())


def test_build_then_query_from_another_folder(tmp_path):
    store = tmp_path / "store"
    built = aivc("build", "--store", str(store), "--data", str(ROOT / "tests" / "fixtures" / "data"), cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert "triples" in built.stdout and "│ models" in built.stdout and "conforms" in built.stdout
    csv = aivc("query", "models-by-tier", "--param", "org=Acme AI", "--format", "csv", "--store", str(store), cwd=tmp_path)
    assert csv.stdout.splitlines() == ["org,tier,rank,models", "Acme AI,fully-closed,0,1", "Acme AI,cloud-api,3,1",
                                       "Acme AI,downloadable-weights,4,2"]
    js = aivc("query", "open-models-on-own-cloud", "-f", "json", env={"AIVC_STORE": str(store)}, cwd=tmp_path)
    assert json.loads(js.stdout) == [{"org": "Acme AI", "model": "Acme Open 7B", "tier": "downloadable-weights",
                                      "primary": True}]
    table = aivc("query", "strategic-openness", "--store", str(store), cwd=tmp_path)
    assert "Tiny Startup" in table.stdout and "2 row(s)" in table.stdout
    ask = aivc("sparql", "ASK { ?m <https://w3id.org/aivc/ontology#describedAsOpenSource> true }", "--store", str(store),
               cwd=tmp_path)
    assert ask.stdout.strip() == "true"
    (tmp_path / "q.rq").write_text("SELECT (COUNT(*) AS ?n) WHERE { ?m a <https://w3id.org/aivc/ontology#AIModel> }")
    count = aivc("sparql", "-f", "q.rq", "--format", "csv", "--store", str(store), cwd=tmp_path)
    assert count.stdout.splitlines() == ["n", "9"]
    valid = aivc("validate", "--store", str(store), cwd=tmp_path)
    assert valid.returncode == 0 and "conforms: 0 violation(s)" in valid.stdout


def test_clear_errors_without_tracebacks(tmp_path):
    missing = aivc("query", "models-by-tier", "--store", str(tmp_path / "nowhere"), cwd=tmp_path)
    assert missing.returncode == 1
    assert " ".join(missing.stderr.split()) == (   # said once, not followed by a second "the query failed"
        f"error: no aivc graph at {tmp_path / 'nowhere'}: run 'aivc build' first (or pass --store)")
    unknown = aivc("query", "model-by-tier", "--store", str(tmp_path / "nowhere"), cwd=tmp_path)
    assert unknown.returncode == 2 and "did you mean 'models-by-tier'" in unknown.stderr
    bad_param = aivc("query", "models-by-tier", "-p", "firm=Meta", cwd=tmp_path)
    assert bad_param.returncode == 2 and "models-by-tier has no parameter firm (it takes: org)" in bad_param.stderr
    malformed = aivc("query", "models-by-tier", "-p", "org", cwd=tmp_path)
    assert malformed.returncode == 2 and "--param takes NAME=VALUE, got 'org'" in malformed.stderr
    for result in (missing, unknown, bad_param, malformed):
        assert "Traceback" not in result.stderr


def test_bad_sparql_and_bad_data_are_reported(tmp_path, fixture_store_path, data_copy):
    bad = aivc("sparql", "SELECT WHERE {", "--store", str(fixture_store_path), cwd=tmp_path)
    assert bad.returncode == 2 and "not a valid SPARQL query" in bad.stderr
    (data_copy / "orgs" / "tiny.yaml").write_text((data_copy / "orgs" / "tiny.yaml").read_text()
                                                  .replace("released: 2023-09-01", "released: someday"))
    failed = aivc("build", "--store", str(tmp_path / "s"), "--data", str(data_copy), cwd=tmp_path)
    assert failed.returncode == 1
    assert "data/orgs/tiny.yaml:7: released: 'someday' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)" in failed.stderr
    assert "the store was not changed" in failed.stderr and "Traceback" not in failed.stderr
