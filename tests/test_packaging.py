"""The built wheel carries ontology, shapes, queries, rules and data, so aivc works from any folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_works_from_a_temporary_folder(tmp_path):
    dist, target, elsewhere = tmp_path / "dist", tmp_path / "site", tmp_path / "elsewhere"
    elsewhere.mkdir()
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist),
                    str(ROOT)], check=True, timeout=300)
    (wheel,) = dist.glob("aivc-*.whl")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, timeout=300)
    env = {**os.environ, "PYTHONPATH": str(target), "COLUMNS": "200"}
    where = subprocess.run([sys.executable, "-c", "from aivc import paths; print(paths.ROOT)"], cwd=elsewhere, env=env,
                           capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()) == target / "aivc" / "_resources"
    for folder in ("ontology", "shapes", "queries", "rules", "data"):
        assert sorted(p.name for p in (target / "aivc" / "_resources" / folder).iterdir()) == \
               sorted(p.name for p in (ROOT / folder).iterdir() if p.name != "__pycache__")
    built = subprocess.run([sys.executable, "-m", "aivc.cli", "build", "--store", str(tmp_path / "store"), "--data",
                            str(target / "aivc" / "_resources" / "data")], cwd=elsewhere, env=env,
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    listed = subprocess.run([sys.executable, "-m", "aivc.cli", "queries"], cwd=elsewhere, env=env,
                            capture_output=True, text=True, check=True)
    assert "models-by-tier" in listed.stdout
