"""One reader per contribution format, chosen by the file's extension.

``read_contribution`` is the only entry point: it refuses what is missing, empty, too big or not
UTF-8 text before any parser sees it, and raises ``Unreadable`` (the one error type of the readers)
for a file that cannot be read at all; every other problem is a located ``Problem`` of the result.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from loaders.curated import Ids

from .contribution import MAX_BYTES, Contribution, decode, read_bytes, syntax_of
from .csv_format import read_csv
from .jsonld_format import read_jsonld
from .rdfxml_format import read_rdfxml
from .turtle_format import read_turtle
from .yaml_format import read_yaml

READERS = {
    "csv": lambda c, text, ids: read_csv(c, text, ids),
    "yaml": lambda c, text, ids: read_yaml(c, text, ids),
    "jsonld": lambda c, text, ids: read_jsonld(c, text),
    "turtle": lambda c, text, ids: read_turtle(c, text),
    "rdfxml": lambda c, text, ids: read_rdfxml(c, text),
}


def read_contribution(path: Path, ids: Ids | None = None, max_bytes: int = MAX_BYTES,
                      name: str | None = None) -> Contribution:
    """Read one contributed file. ``ids`` is shared by the files of one contribution, so that the same
    model given twice (in one file or two) is reported."""
    name = name or path.name
    syntax = syntax_of(Path(name) if Path(name).suffix else path)
    data = read_bytes(path, max_bytes, name)
    text, notes = decode(name, data)
    contribution = Contribution(path, name, syntax, hashlib.sha256(data).hexdigest(), problems=notes)
    READERS[syntax](contribution, text, ids if ids is not None else Ids())
    return contribution
