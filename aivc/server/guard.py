"""What a query may do here: read, never update, and call out (SERVICE) only to hosts the operator allows.

The checks read the query's tokens, not its parse tree: IRIs, strings and comments are recognised
first, so a keyword inside a literal or an IRI never counts, and a SERVICE whose target cannot be
read is refused rather than guessed at. The evaluating engine (pyoxigraph) still parses the query
itself and reports syntax errors with their line and column (``syntax_message``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

_TOKEN = re.compile(r"""
    (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<string>\"\"\"(?:[^\\]|\\.)*?\"\"\"|'''(?:[^\\]|\\.)*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<comment>\#[^\n]*)
  | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
  | (?P<word>(?:[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*)?:[\w.\-:%\u00B7\u00C0-\uFFFF]*|[A-Za-z_][\w\-]*)
  | (?P<other>\S)
""", re.VERBOSE)

UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}


class Refused(ValueError):
    """A query this endpoint will not run; the message says why, in the user's words."""


def tokens(text: str) -> Iterator[tuple[str, str]]:
    """(kind, text) of each token outside comments: iri, string, var, word or other."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind != "comment":
            yield kind, match.group()


def _prologue(toks: Iterator[tuple[str, str]]) -> tuple[dict[str, str], str | None, tuple[str, str] | None]:
    """PREFIX declarations, BASE, and the first token after the prologue (read no further)."""
    prefixes: dict[str, str] = {}
    base = None
    for kind, value in toks:
        keyword = value.upper() if kind == "word" else ""
        if keyword == "BASE":
            base = next(toks, ("", "<>"))[1][1:-1]
        elif keyword == "PREFIX":
            name, iri = next(toks, ("", "")), next(toks, ("", "<>"))
            prefixes[name[1].rstrip(":")] = iri[1][1:-1]
        else:
            return prefixes, base, (kind, value)
    return prefixes, base, None


def query_form(text: str) -> str | None:
    """The request's first keyword after its prologue, upper-cased: SELECT, ASK, CONSTRUCT, DESCRIBE,
    or an update's INSERT, DELETE, LOAD...; None when there is none."""
    _, _, first = _prologue(tokens(text))
    return first[1].upper() if first and first[0] == "word" else None


def is_update(text: str) -> bool:
    """True when the text is a SPARQL Update request (INSERT, DELETE, LOAD, DROP...), not a query."""
    return query_form(text) in UPDATE_KEYWORDS


def service_targets(text: str) -> list[str]:
    """The endpoint IRIs named by the query's SERVICE clauses; Refused when one cannot be read."""
    toks = list(tokens(text))
    prefixes, _, _ = _prologue(iter(toks))
    targets = []
    for i, (kind, value) in enumerate(toks):
        if kind != "word" or value.upper() != "SERVICE":
            continue
        j = i + 1
        if j < len(toks) and toks[j][0] == "word" and toks[j][1].upper() == "SILENT":
            j += 1
        target_kind, target = toks[j] if j < len(toks) else ("other", "")
        if target_kind == "iri":
            targets.append(target[1:-1])
        elif target_kind == "word" and ":" in target and target.split(":", 1)[0] in prefixes:
            prefix, local = target.split(":", 1)
            targets.append(prefixes[prefix] + local)
        elif target_kind == "var":
            raise Refused(f"SERVICE {target}: a SERVICE endpoint given by a variable cannot be checked; "
                          "name the endpoint with an IRI")
        else:
            raise Refused(f"SERVICE {target}: cannot read the SERVICE endpoint")
    return targets


def host_of(iri: str) -> str:
    """host or host:port of an http(s) IRI, as written in an --allow-service list."""
    parts = urlsplit(iri)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(f"SERVICE <{iri}>: only http(s) endpoints can be called")
    return parts.hostname + (f":{parts.port}" if parts.port else "")


def check_services(text: str, allowed: Iterable[str]) -> None:
    """Refuse a query whose SERVICE clauses call a host not in ``allowed`` (host or host:port)."""
    if "service" not in text.lower():
        return
    allowed = {a.lower() for a in allowed}
    for target in service_targets(text):
        host = host_of(target).lower()
        if host not in allowed and host.split(":")[0] not in allowed:
            hint = (f"allowed hosts: {', '.join(sorted(allowed))}" if allowed
                    else "no SERVICE host is allowed")
            raise Refused(f"SERVICE <{target}> is not allowed ({hint}); "
                          f"allow it with --allow-service {host}")


_POSITION = re.compile(r"^error at (\d+):(\d+): ?")


def syntax_message(text: str, error: BaseException) -> str:
    """The parser's message with its position, and the offending line with a caret under the column."""
    message = str(error)
    found = _POSITION.match(message)
    if not found:
        return f"malformed SPARQL query: {message}"
    line, column = int(found.group(1)), int(found.group(2))
    lines = text.splitlines() or [""]
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    return (f"malformed SPARQL query at line {line}, column {column}: {message[found.end():]}\n"
            f"  {source}\n  {' ' * max(column - 1, 0)}^")
