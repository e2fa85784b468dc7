"""Contributed Turtle: parsed by the store's parser, each triple located at its line.

The whole file is parsed first, so a syntax error is reported with the parser's own line and column.
Then the text is cut into statements (a subject with its predicates, ending with '.') and each is
parsed again under the prefixes declared before it, so every triple knows the statement it came
from and the line of its predicate.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pyoxigraph import RdfFormat, parse

from aivc import ns
from aivc.problems import Problem

from .contribution import Contribution, Place, Unreadable
from .rdf_facts import Stated, add_described

BASE = ns.BASE
RDF_TYPE = ns.RDF + "type"


def syntax_error(name: str, error: SyntaxError, what: str) -> Unreadable:
    """The parser's error, located by its line (and column), in plain words."""
    message = str(error.msg if hasattr(error, "msg") else error)
    message = re.sub(r"^Parser error (at|between) line \d+ column \d+( and line \d+ column \d+)?: ", "", message)
    column = f", column {error.offset}" if getattr(error, "offset", None) else ""
    return Unreadable(Problem(name, getattr(error, "lineno", None), None, f"{what} syntax error{column}: {message}"))


def read_turtle(contribution: Contribution, text: str) -> None:
    try:
        whole = list(parse(text.encode(), RdfFormat.TURTLE, base_iri=BASE, without_named_graphs=True))
    except SyntaxError as bad:
        raise syntax_error(contribution.name, bad, "Turtle") from None
    stated = list(_located(text)) if whole else []
    if len(stated) != len(whole):   # the statement cutter misread the text: keep the facts, locate by file only
        stated = [Stated(q.subject, q.predicate, q.object, Place(None, None)) for q in whole]
    if not stated:
        raise Unreadable(Problem(contribution.name, None, None, "the file states no triples: nothing to contribute"))
    add_described(contribution, stated)


def _located(text: str) -> Iterator[Stated]:
    directives = ""
    for start, end in statements(text):
        statement = text[start:end]
        line = text.count("\n", 0, start) + 1
        if re.match(r"(@prefix|@base|prefix\b|base\b)", statement, re.IGNORECASE):
            directives += statement + "\n"
            continue
        parser = parse((directives + statement).encode(), RdfFormat.TURTLE, base_iri=BASE)
        quads = list(parser)
        for q in quads:
            offset = _predicate_offset(statement, q.predicate.value, parser.prefixes)
            at = line + statement.count("\n", 0, offset) if offset is not None else line
            yield Stated(q.subject, q.predicate, q.object, Place(at, _spelled(statement, offset)))


def _predicate_offset(statement: str, iri: str, prefixes: dict[str, str]) -> int | None:
    spellings = [re.escape(f"<{iri}>")]
    spellings += [re.escape(f"{p}:{iri[len(ns_):]}") + r"(?![\w.:-])" for p, ns_ in prefixes.items() if iri.startswith(ns_)]
    if iri == RDF_TYPE:
        spellings.append(r"(?<![\w:])a(?=\s)")
    match = re.search("|".join(spellings), _blank_literals(statement))
    return match.start() if match else None


def _spelled(statement: str, offset: int | None) -> str | None:
    """The predicate as the contributor spelled it (aivc:licence), for messages."""
    if offset is None:
        return None
    match = re.match(r"<[^>]*>|[\w.:-]+", statement[offset:])
    return match.group(0) if match else None


def _blank_literals(statement: str) -> str:
    """The statement with string contents blanked, so a predicate's name inside a value is not found."""
    return re.sub(r'("""|\'\'\'|"|\')((?:\\.|(?!\1).)*?)\1', lambda m: m.group(1) + " " * len(m.group(2)) + m.group(1),
                  statement, flags=re.DOTALL)


def statements(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) offsets of each top-level statement: directives and triples blocks."""
    i, n = 0, len(text)
    while i < n:
        i = _skip_space(text, i)
        if i >= n:
            return
        start = i
        sparql_directive = re.match(r"(prefix|base)\b", text[i:i + 7], re.IGNORECASE)
        if sparql_directive:
            close = text.find(">", i)
            end = n if close < 0 else close + 1
            yield start, end
            i = end
            continue
        end = _statement_end(text, i)
        yield start, end
        i = end


def _skip_space(text: str, i: int) -> int:
    n = len(text)
    while i < n:
        if text[i].isspace():
            i += 1
        elif text[i] == "#":
            newline = text.find("\n", i)
            i = n if newline < 0 else newline + 1
        else:
            break
    return i


def _statement_end(text: str, i: int) -> int:
    n, depth = len(text), 0
    while i < n:
        c = text[i]
        if c in "\"'":
            i = _string_end(text, i)
            continue
        if c == "<":
            close = text.find(">", i)
            i = n if close < 0 else close + 1
            continue
        if c == "#":
            newline = text.find("\n", i)
            i = n if newline < 0 else newline + 1
            continue
        if c in "[(":
            depth += 1
        elif c in "])":
            depth -= 1
        elif c == "." and depth <= 0 and (i + 1 >= n or text[i + 1].isspace() or text[i + 1] == "#"):
            return i + 1
        i += 1
    return n


def _string_end(text: str, i: int) -> int:
    quote = text[i:i + 3] if text[i:i + 3] in ('"""', "'''") else text[i]
    j = i + len(quote)
    while j < len(text):
        if text[j] == "\\":
            j += 2
            continue
        if text.startswith(quote, j):
            return j + len(quote)
        if len(quote) == 1 and text[j] == "\n":
            return j
        j += 1
    return len(text)

