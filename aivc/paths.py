"""Where the project's artefacts live, in a source checkout and in an installed wheel.

A wheel carries ontology/, shapes/, queries/, rules/ and data/ inside the package under
``aivc/_resources`` (see pyproject.toml); a checkout or editable install reads them from the
repository root. Nothing else in the code needs to know which case it is in.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_BUNDLED = _PACKAGE / "_resources"
ROOT = _BUNDLED if (_BUNDLED / "ontology").is_dir() else _PACKAGE.parent

ONTOLOGY = ROOT / "ontology"
SHAPES = ROOT / "shapes"
QUERIES = ROOT / "queries"
RULES = ROOT / "rules"
DATA = ROOT / "data"


def default_store() -> Path:
    """The embedded store's location: $AIVC_STORE, else the XDG data folder."""
    if env := os.environ.get("AIVC_STORE"):
        return Path(env)
    xdg = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(xdg) / "aivc" / "store"
