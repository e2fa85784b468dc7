"""YAML read safely, remembering the line of every mapping and key.

Contributors need "meta.yaml line 42, field released", so the safe loader is extended (no new
tags, no object construction: it stays yaml.SafeLoader) to keep line numbers.
"""

from __future__ import annotations

from pathlib import Path

import yaml


class LocatedDict(dict):
    """A mapping that knows its own line and each key's line (1-based)."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _LocatingLoader(yaml.SafeLoader):
    def construct_mapping(self, node, deep=False):
        mapping = LocatedDict(super().construct_mapping(node, deep=deep))
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {k.value: k.start_mark.line + 1 for k, _ in node.value if hasattr(k, "value")}
        return mapping


def _timestamp_or_text(loader, node):
    """A date-looking scalar that is no real date (2023-13-45) stays text, so it can be reported."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_LocatingLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LocatingLoader.construct_mapping)
_LocatingLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


def load(path: Path):
    """Parse one YAML document; raises yaml.YAMLError (with its mark) when the file is not YAML."""
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=_LocatingLoader)  # noqa: S506 - a SafeLoader subclass
