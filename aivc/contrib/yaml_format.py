"""Contributed YAML in the curated format (data/README.md), read by the curated loader itself.

The same records, fields, value checks and messages as data/orgs/*.yaml, with three differences for
a file from outside: it is parsed from text already checked (size, encoding), YAML aliases are
refused (a few lines could otherwise expand into millions of records), and the file's name need
not be an organization id. References to ids the file does not define are left to the shapes,
which know the current graph.
"""

from __future__ import annotations

import yaml

from aivc.problems import Problem
from loaders.curated import CuratedFile, Ids, Record
from loaders.located_yaml import LocatedDict, _LocatingLoader

from .contribution import Contribution, Place, Unreadable


class _ContributionLoader(_LocatingLoader):
    """The curated loader's safe, line-keeping YAML loader, without aliases."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "YAML aliases (*name) are not accepted in contributions: "
                                                          "write each record out", event.start_mark)
        return super().compose_node(parent, index)


class ContributedFile(CuratedFile):
    """A contributed file as the curated loader reads it: its facts go to the contribution's graphs,
    each stated at its record's line and field."""

    def __init__(self, contribution: Contribution, ids: Ids):
        super().__init__(contribution.path, contribution.path.parent, ids, contribution.problems.append,
                         graph_base=("contrib", contribution.ident), dataset=contribution.dataset,
                         file_named_by_org=False)
        self.contribution = contribution
        self.name = contribution.name

    def stated(self, quad, rec: Record, key):
        line = rec.data.line_of(key) if key else rec.data.line
        self.contribution.state(quad, Place(line, key))
        return quad


def read_yaml(contribution: Contribution, text: str, ids: Ids) -> None:
    name = contribution.name
    try:
        doc = yaml.load(text, Loader=_ContributionLoader)
    except yaml.YAMLError as bad:
        mark = getattr(bad, "problem_mark", None)
        reason = getattr(bad, "problem", None) or str(bad).splitlines()[0]
        if context := getattr(bad, "context", None):
            reason = f"{context}, {reason}"
        if "could not determine a constructor for the tag" in str(reason):
            tag = str(reason).split("tag", 1)[1].strip(" '")
            reason = (f"the YAML tag '{tag}' is not accepted: contributions are plain data "
                      "(mappings, lists, text, numbers, dates)")
        else:
            reason = f"not valid YAML: {reason}"
        raise Unreadable(Problem(name, mark.line + 1 if mark else None, None, reason)) from None
    if not isinstance(doc, dict):
        raise Unreadable(Problem(name, 1, None, "a curated YAML file is a mapping with sources, organization, "
                                                "models, licences, partnerships"))
    if bad := _not_unicode(doc, 1, None):
        line, key = bad
        raise Unreadable(Problem(name, line, key, "an escape (\\uD800-\\uDFFF) stands for half a character: "
                                                  "the text is not valid Unicode"))
    for _ in ContributedFile(contribution, ids).document_quads(doc):
        pass
    contribution.records = sum(len(doc.get(k) or []) for k in ("models", "licences", "partnerships")
                               if isinstance(doc.get(k), list)) + isinstance(doc.get("organization"), dict)


def _not_unicode(node, line: int, key) -> tuple[int, str | None] | None:
    """Where a YAML escape left a lone surrogate (not encodable, so it can be no fact), if anywhere."""
    if isinstance(node, str):
        return None if not any("\ud800" <= ch <= "\udfff" for ch in node) else (line, key)
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for k, value in items:
        where = node.line_of(k) if isinstance(node, LocatedDict) else line
        found = _not_unicode(k, where, str(k)) if isinstance(k, str) else None
        found = found or _not_unicode(value, where, str(k) if isinstance(node, dict) else key)
        if found:
            return found
    return None
