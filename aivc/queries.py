"""Stored queries: one question per .rq file, described by a grlc-style header.

Header lines start with ``#+`` and together form YAML::

    #+ summary: Models per access tier per firm
    #+ description: ...
    #+ tags: [gradient]
    #+ defaults:
    #+   - org: Meta
    #+ enumerate:
    #+   - tier: [fully-closed, hosted]

Parameters are the query's variables that start with ``?_`` (required) or ``?__`` (optional), as in
grlc; a suffix gives the type (``?_year_integer``, ``?_model_iri``), otherwise a plain string.
Values are checked, turned into RDF terms and bound by a ``VALUES`` block at the head of the
outermost WHERE group (``bind``): user text never becomes query syntax, and the same bound query
runs on the embedded store and on any remote SPARQL 1.1 endpoint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml
from pyoxigraph import Literal, NamedNode, Store

from . import ns, paths

PARAM = re.compile(r"\?(__?)([A-Za-z][A-Za-z0-9]*?)(?:_(iri|integer|decimal|boolean|date|string))?\b")
XSD_TYPES = {"integer", "decimal", "boolean", "date"}


class QueryError(ValueError):
    """A stored query that does not exist or a parameter value that does not fit."""


@dataclass(frozen=True)
class Parameter:
    name: str
    variable: str
    kind: str = "string"
    required: bool = True
    default: str | None = None
    allowed: tuple[str, ...] = ()

    def term(self, value: str):
        """The RDF term for a user's value, checked against the parameter's type and allowed values."""
        if self.allowed and value not in self.allowed:
            raise QueryError(f"parameter {self.name}: '{value}' is not one of {', '.join(self.allowed)}")
        if self.kind == "iri":
            if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]*$", value):
                raise QueryError(f"parameter {self.name}: '{value}' is not an IRI")
            return NamedNode(value)
        if self.kind == "integer" and not re.fullmatch(r"[+-]?\d+", value):
            raise QueryError(f"parameter {self.name}: '{value}' is not a whole number")
        if self.kind in XSD_TYPES:
            return Literal(value, datatype=NamedNode(ns.XSD + self.kind))
        return Literal(value)


@dataclass
class StoredQuery:
    name: str
    path: Path
    text: str
    header: dict = field(default_factory=dict)

    @classmethod
    def from_file(cls, path: Path) -> "StoredQuery":
        text = path.read_text(encoding="utf-8")
        lines = [line[2:].removeprefix(" ") for line in text.splitlines() if line.startswith("#+")]
        try:
            header = yaml.safe_load("\n".join(lines)) or {}
        except yaml.YAMLError as err:
            raise QueryError(f"{path.name}: the '#+' header is not valid YAML: {err}") from err
        return cls(path.stem, path, text, header)

    @property
    def summary(self) -> str:
        return str(self.header.get("summary", "")).strip()

    @property
    def description(self) -> str:
        return " ".join(str(self.header.get("description", "")).split())

    @property
    def tags(self) -> list[str]:
        return list(self.header.get("tags") or [])

    @cached_property
    def parameters(self) -> list[Parameter]:
        body = "\n".join(line for line in self.text.splitlines() if not line.lstrip().startswith("#"))
        defaults = _merged(self.header.get("defaults"))
        allowed = _merged(self.header.get("enumerate"))
        found: dict[str, Parameter] = {}
        for underscores, name, kind in PARAM.findall(body):
            variable = f"{underscores}{name}" + (f"_{kind}" if kind else "")
            found.setdefault(name, Parameter(
                name=name, variable=variable, kind=kind or "string", required=underscores == "_",
                default=None if defaults.get(name) is None else str(defaults[name]),
                allowed=tuple(str(v) for v in allowed.get(name, ()) or ())))
        return list(found.values())

    def bindings(self, values: dict[str, str]) -> dict[str, object]:
        """Variable name -> RDF term: given values, else defaults; a missing required one is an error."""
        known = {p.name: p for p in self.parameters}
        unknown = set(values) - set(known)
        if unknown:
            raise QueryError(f"{self.name} has no parameter {', '.join(sorted(unknown))} "
                             f"(it takes: {', '.join(known) or 'none'})")
        bound = {}
        for p in self.parameters:
            value = values.get(p.name, p.default)
            if value is None:
                if p.required:
                    raise QueryError(f"{self.name} needs --param {p.name}=VALUE")
                continue
            bound[p.variable] = p.term(value)
        return bound

    def bound_text(self, values: dict[str, str]) -> str:
        """The query text with the parameter values bound (see ``bind``)."""
        return bind(self.text, self.bindings(values))


def _merged(entries) -> dict:
    """grlc writes defaults/enumerate as a list of one-key mappings; accept a mapping too."""
    if isinstance(entries, dict):
        return entries
    merged: dict = {}
    for entry in entries or []:
        if isinstance(entry, dict):
            merged.update(entry)
    return merged


def library(folder: Path = paths.QUERIES) -> dict[str, StoredQuery]:
    """Every stored query by name, in name order."""
    return {q.name: q for q in (StoredQuery.from_file(p) for p in sorted(folder.glob("*.rq")))}


def get(name: str, folder: Path = paths.QUERIES) -> StoredQuery:
    path = folder / f"{name}.rq"
    if not path.is_file():
        from difflib import get_close_matches
        near = get_close_matches(name, [p.stem for p in folder.glob("*.rq")], n=1)
        hint = f"; did you mean '{near[0]}'?" if near else "; 'aivc queries' lists them"
        raise QueryError(f"no stored query '{name}'{hint}")
    return StoredQuery.from_file(path)


_OUTER_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def bind(text: str, bindings: dict[str, object]) -> str:
    """The query with a VALUES block of RDF terms opening its outermost WHERE group.

    Terms are serialized by pyoxigraph (escaped N-Triples syntax), so a value can never close a
    string or a group; FILTERs anywhere in the group see the bound value.
    """
    if not bindings:
        return text
    body = "\n".join("" if line.lstrip().startswith("#") else line for line in text.splitlines())
    where = _OUTER_WHERE.search(body)
    if where is None:
        raise QueryError("a query with parameters needs an explicit WHERE { ... } group")
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(str(term) for term in bindings.values())
    return f"{body[:where.end()]}\n  VALUES ({names}) {{ ({terms}) }}{body[where.end():]}"


def run(store: Store, text: str):
    """Run SPARQL on the embedded store; the default graph is the union of all named graphs."""
    return store.query(text, use_default_graph_as_union=True)


def rows(solutions) -> tuple[list[str], list[dict[str, object]]]:
    """Column names and rows of plain Python values (IRIs as strings, literals as their value)."""
    columns = [v.value for v in solutions.variables]
    out = []
    for solution in solutions:
        out.append({c: python_value(solution[c]) for c in columns})
    return columns, out


def python_value(term):
    if term is None:
        return None
    if isinstance(term, Literal):
        dtype = term.datatype.value.removeprefix(ns.XSD)
        if dtype in ("integer", "int", "long", "nonNegativeInteger"):
            return int(term.value)
        if dtype in ("decimal", "double", "float"):
            return float(term.value)
        if dtype == "boolean":
            return term.value == "true"
        return term.value
    return term.value


SHACL_EXECUTABLES = {"SELECT": ("SPARQLSelectExecutable", "select"), "ASK": ("SPARQLAskExecutable", "ask"),
                     "CONSTRUCT": ("SPARQLConstructExecutable", "construct"),
                     "DESCRIBE": ("SPARQLDescribeExecutable", "describe")}   # SHACL 1.2 draft, as sib-swiss uses


def library_quads(folder: Path = paths.QUERIES):
    """The stored queries as ``sh:SPARQLExecutable`` resources in the query-library graph.

    As in sib-swiss/sparql-examples: the query text (without its ``#+`` header) under sh:select /
    sh:ask / sh:construct, the summary as rdfs:label, the description as rdfs:comment, the tags as
    schema:keywords, so an endpoint serving the graph (or a remote store it is pushed to) lists them.
    """
    from pyoxigraph import Quad

    from .server.guard import query_form

    def quad(s, p, o):
        return Quad(s, NamedNode(p), o, ns.QUERY_LIBRARY_GRAPH)

    for q in library(folder).values():
        text = "\n".join(line for line in q.text.splitlines() if not line.startswith("#+")).strip() + "\n"
        cls, prop = SHACL_EXECUTABLES.get(query_form(text) or "SELECT", SHACL_EXECUTABLES["SELECT"])
        node = ns.resource("query", q.name)
        yield quad(node, ns.RDF + "type", NamedNode(ns.SH + "SPARQLExecutable"))
        yield quad(node, ns.RDF + "type", NamedNode(ns.SH + cls))
        yield quad(node, ns.SH + prop, Literal(text))
        yield quad(node, ns.DCTERMS + "identifier", Literal(q.name))
        yield quad(node, ns.RDFS + "label", Literal(q.summary))
        if q.description:
            yield quad(node, ns.RDFS + "comment", Literal(q.description))
        for tag in q.tags:
            yield quad(node, ns.SCHEMA + "keywords", Literal(str(tag)))
