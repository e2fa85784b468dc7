"""The Python face of the stored-question library: ``aivc.query(name, **params)`` -> DataFrame.

For notebooks and scripts: the same stored queries as ``aivc query NAME``, bound the same safe way
(values become RDF terms, never query text), answered as a pandas DataFrame whose cells are plain
Python values (IRIs as strings, numbers as numbers, booleans as booleans).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pyoxigraph import Store

from . import paths, queries as library, store as stores


def frame(store: Store, name: str, params: dict[str, object] | None = None) -> pd.DataFrame:
    """Answer stored query ``name`` on an open store as a DataFrame (columns in the query's order)."""
    values = {key: _text(value) for key, value in (params or {}).items()}
    text = library.get(name).bound_text(values)
    columns, rows = library.rows(library.run(store, text))
    # nullable dtypes: a whole-number column with empty cells stays whole numbers (Int64 with <NA>)
    return pd.DataFrame(rows, columns=columns).convert_dtypes()


def query(name: str, store: Store | str | Path | None = None, **params: object) -> pd.DataFrame:
    """Answer the stored question ``name`` (see ``aivc queries``) as a pandas DataFrame.

    ``store`` is an open pyoxigraph Store or the location of a built store (default: $AIVC_STORE or
    the XDG data folder, as for the command line); ``params`` are the query's parameters, e.g.
    ``aivc.query("models-by-tier", org="Meta")``. Raises ``aivc.queries.QueryError`` for an unknown
    query or a parameter that does not fit, ``aivc.store.StoreMissing`` when nothing is built yet.
    """
    if not isinstance(store, Store):
        store = stores.open_read_only(Path(store).expanduser() if store else paths.default_store())
    return frame(store, name, params)


def _text(value: object) -> str:
    """A Python value as the text the parameter parser expects (True -> 'true', 2023 -> '2023')."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
