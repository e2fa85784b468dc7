"""Contributed RDF/XML: accepted without a DTD only, so no external entity is ever read or fetched.

An XML document type declaration (<!DOCTYPE ...>) can declare entities that pull in local files or
URLs (XXE) or expand into gigabytes (billion laughs); XML parsers differ in what they do with them.
aivc refuses any DTD before parsing: RDF/XML needs none (write full IRIs instead of entities).
"""

from __future__ import annotations

import re

from pyoxigraph import RdfFormat, parse

from aivc import ns
from aivc.problems import Problem

from .contribution import Contribution, Place, Unreadable
from .rdf_facts import Stated, add_described
from .turtle_format import syntax_error

DOCTYPE = re.compile(r"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


def read_rdfxml(contribution: Contribution, text: str) -> None:
    if found := DOCTYPE.search(text):
        line = text.count("\n", 0, found.start()) + 1
        external = re.search(r"<!ENTITY[^>]*\b(SYSTEM|PUBLIC)\b", text, re.IGNORECASE)
        why = ("it declares an external entity, which could read local files or fetch URLs"
               if external else "entity declarations can expand without bound")
        raise Unreadable(Problem(contribution.name, line, None,
                                 f"RDF/XML with a document type declaration (DTD) is refused: {why}; "
                                 "nothing was read or fetched. Write full IRIs instead of entities."))
    try:
        quads = list(parse(text.encode(), RdfFormat.RDF_XML, base_iri=ns.BASE))
    except SyntaxError as bad:
        raise syntax_error(contribution.name, bad, "RDF/XML") from None
    if not quads:
        raise Unreadable(Problem(contribution.name, None, None, "the file states no triples: nothing to contribute"))
    lines = _description_lines(text)
    add_described(contribution, [Stated(q.subject, q.predicate, q.object,
                                        Place(lines.get(q.subject.value), None)) for q in quads])


def _description_lines(text: str) -> dict[str, int]:
    """The line of each rdf:about="..." (a description's subject), by its IRI as written and resolved."""
    lines: dict[str, int] = {}
    for match in re.finditer(r'\brdf:about\s*=\s*"([^"]*)"', text):
        iri = match.group(1) if re.match(r"^[a-z][a-z0-9+.-]*:", match.group(1)) else ns.BASE + match.group(1)
        lines.setdefault(iri, text.count("\n", 0, match.start()) + 1)
    return lines
