"""Contributed JSON-LD: aivc's own @context is read from aivc, never fetched; any other remote context is refused.

A JSON-LD document may name its @context by URL; a processor would fetch it, which lets a file make
aivc read the network (and lets the context's owner change what the file means). aivc's published
context (``aivc.linked_data.CONTEXT_URL``) is substituted from aivc itself; every other remote
context, ``@import`` included, is refused with its JSON pointer. Inline contexts are fine.
Each fact is located by the JSON pointer of the key that states it (``/@graph/3/aivc:licence``).
"""

from __future__ import annotations

import json
import re
from urllib.parse import urljoin

from pyoxigraph import BlankNode, RdfFormat, parse

from aivc import ns
from aivc.linked_data import CONTEXT_URL
from aivc.linked_data import context as project_context
from aivc.problems import Problem

from .contribution import Contribution, Place, Unreadable
from .rdf_facts import Stated, add_described

RDF_TYPE = ns.RDF + "type"


class _DuplicateKey(ValueError):
    pass


def _object(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKey(key)
        seen[key] = value
    return seen


def read_jsonld(contribution: Contribution, text: str) -> None:
    name = contribution.name
    try:
        doc = json.loads(text, object_pairs_hook=_object)
    except json.JSONDecodeError as bad:
        raise Unreadable(Problem(name, bad.lineno, None, f"not valid JSON (column {bad.colno}): {bad.msg}")) from None
    except _DuplicateKey as dup:
        raise Unreadable(Problem(name, None, None, f"the key '{dup}' appears twice in one JSON object; "
                                                   "JSON keeps only one of them, so the other's facts would be lost")) from None
    except RecursionError:
        raise Unreadable(Problem(name, None, None, "the JSON is nested too deeply")) from None
    if not isinstance(doc, (dict, list)):
        raise Unreadable(Problem(name, 1, None, "a JSON-LD document is a JSON object or array"))
    doc = _with_local_contexts(name, doc, "")
    try:
        quads = list(parse(json.dumps(doc).encode(), RdfFormat.JSON_LD, base_iri=ns.BASE, without_named_graphs=True))
    except SyntaxError as bad:
        message = str(getattr(bad, "msg", bad))
        message = re.sub(r"^Parser error (at|between) line \d+ column \d+( and line \d+ column \d+)?: ", "", message)
        if "named graph" in message.lower():
            message = "named graphs are not accepted in contributions: put the descriptions in \"@graph\" at the top, without an \"@id\""
        raise Unreadable(Problem(name, None, None, f"not valid JSON-LD: {message}")) from None
    if not quads:
        raise Unreadable(Problem(name, None, None, "the document states no facts: nothing to contribute "
                                                   f"(is its @context \"{CONTEXT_URL}\" or an inline one?)"))
    pointers = _Pointers(doc)
    parents = {q.object.value: (q.subject.value, q.predicate.value) for q in quads if isinstance(q.object, BlankNode)}

    def place(subject, predicate: str) -> Place:
        key = subject.value
        if isinstance(subject, BlankNode) and key in parents:
            key, predicate = parents[key]
        return Place(None, pointers.facts.get((key, predicate)) or pointers.subjects.get(key) or "")
    add_described(contribution, [Stated(q.subject, q.predicate, q.object, place(q.subject, q.predicate.value))
                                 for q in quads])


def _with_local_contexts(name: str, node, pointer: str):
    """The document with aivc's context written in place of its URL; other remote contexts refused."""
    if isinstance(node, list):
        return [_with_local_contexts(name, item, f"{pointer}/{i}") for i, item in enumerate(node)]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        here = f"{pointer}/{_escape(key)}"
        if key == "@context":
            out[key] = _context(name, value, here)
        elif key == "@import":
            raise _remote(name, value, here)
        else:
            out[key] = _with_local_contexts(name, value, here)
    return out


def _context(name: str, value, pointer: str):
    if isinstance(value, list):
        return [_context(name, item, f"{pointer}/{i}") for i, item in enumerate(value)]
    if isinstance(value, str):
        if value.rstrip("/") == CONTEXT_URL:
            return project_context()["@context"]
        raise _remote(name, value, pointer)
    return _with_local_contexts(name, value, pointer)


def _remote(name: str, value, pointer: str) -> Unreadable:
    return Unreadable(Problem(name, None, pointer, f"remote @context '{value}' is not fetched: use aivc's context "
                                                   f"\"{CONTEXT_URL}\" (read from aivc itself) or write the context inline"))


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


class _Pointers:
    """JSON pointers of node objects and of their keys, by the IRIs they expand to (for messages)."""

    def __init__(self, doc):
        self.terms: dict[str, str] = {}
        self.vocab: str | None = None
        self.ids = {"@id"}
        self.types = {"@type"}
        self._read_contexts(doc)
        self.subjects: dict[str, str] = {}
        self.facts: dict[tuple[str, str], str] = {}
        self._walk(doc, "")

    def _read_contexts(self, node) -> None:
        if isinstance(node, list):
            for item in node:
                self._read_contexts(item)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key == "@context":
                    for ctx in value if isinstance(value, list) else [value]:
                        self._terms(ctx)
                else:
                    self._read_contexts(value)

    def _terms(self, ctx) -> None:
        if not isinstance(ctx, dict):
            return
        for term, definition in ctx.items():
            target = definition.get("@id") if isinstance(definition, dict) else definition
            if term == "@vocab" and isinstance(definition, str):
                self.vocab = definition
            elif target == "@id":
                self.ids.add(term)
            elif target == "@type":
                self.types.add(term)
            elif isinstance(target, str) and not term.startswith("@"):
                self.terms[term] = target

    def expand(self, name: str) -> str:
        if name in self.terms:
            return self.expand(self.terms[name]) if self.terms[name] != name else name
        prefix, sep, local = name.partition(":")
        if sep and prefix in self.terms and not local.startswith("//"):
            return self.terms[prefix] + local
        if sep or self.vocab is None:
            return name
        return self.vocab + name

    def _walk(self, node, pointer: str) -> None:
        if isinstance(node, list):
            for i, item in enumerate(node):
                self._walk(item, f"{pointer}/{i}")
            return
        if not isinstance(node, dict) or "@value" in node:
            return
        ident = next((node[k] for k in self.ids if isinstance(node.get(k), str)), None)
        subject = urljoin(ns.BASE, self.expand(ident)) if ident else None
        if subject and any(k not in self.ids for k in node):   # a description, not a mere reference
            self.subjects.setdefault(subject, pointer)
        for key, value in node.items():
            here = f"{pointer}/{_escape(key)}"
            if key == "@context":
                continue
            if subject and key in self.types:
                self.facts.setdefault((subject, RDF_TYPE), here)
            elif subject and not key.startswith("@") and key not in self.ids:
                self.facts.setdefault((subject, self.expand(key)), here)
            self._walk(value, here)
