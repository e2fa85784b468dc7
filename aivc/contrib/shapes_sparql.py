"""The SHACL shapes of shapes/, run as SPARQL queries by the store itself.

pyshacl evaluates each constraint focus node by focus node in Python: about 27 s for a contribution
of 1,000 models. Here every constraint of a shape becomes one SPARQL query that finds all its
violations at once, and pyoxigraph runs it in milliseconds. The shapes stay the single source of
truth: this module reads them, and a shape that uses a SHACL feature it does not translate is handed
to pyshacl whole (``Compiled.leftover``), never skipped. tests/test_contrib_shapes_sparql.py checks
that both paths give the same results on every example of tests/shapes/ and on the fixture graph.

Translated: node shapes with sh:targetClass / sh:targetSubjectsOf / sh:targetObjectsOf /
sh:targetNode; property shapes whose sh:path is one IRI, with sh:minCount, sh:maxCount,
sh:hasValue and the value constraints sh:datatype, sh:class, sh:nodeKind, sh:pattern (+ sh:flags),
sh:minLength, sh:maxLength, sh:min/maxIn/Exclusive, sh:in, sh:or; SPARQL-based constraints
(sh:sparql with sh:select, sh:prefixes); sh:severity, sh:message, sh:deactivated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import rdflib
from pyoxigraph import Literal, Store
from rdflib import RDF, RDFS, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, SKOS

from aivc import ns
from aivc.validation import Result, shapes_graph

XSD = ns.XSD
SEVERITY = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
INSTANCE_OF = f"<{ns.RDF}type>/<{ns.RDFS}subClassOf>*"

# What a node shape or a property shape may carry besides its constraints.
DESCRIPTIVE = {RDF.type, RDFS.label, RDFS.comment, SKOS.definition, SH.name, SH.description, SH.order,
               SH.group, SH.message, SH.severity, SH.deactivated}
TARGETS = {SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode}
COUNTS = {SH.minCount, SH.maxCount, SH.hasValue}
VALUE_CONSTRAINTS = {SH.datatype, SH["class"], SH.nodeKind, SH.pattern, SH.flags, SH.minLength, SH.maxLength,
                     SH.minExclusive, SH.minInclusive, SH.maxExclusive, SH.maxInclusive, SH["in"], SH["or"]}

# Lexical forms of datatypes that SPARQL cannot cast to (the others are checked by casting).
LEXICAL = {XSD + "gYear": r"^-?[0-9]{4,}(Z|[+-][0-9]{2}:[0-9]{2})?$",
           XSD + "gYearMonth": r"^-?[0-9]{4,}-(0[1-9]|1[0-2])(Z|[+-][0-9]{2}:[0-9]{2})?$"}
CASTABLE = {XSD + t for t in ("integer", "decimal", "double", "float", "boolean", "date", "dateTime", "time")}


class Untranslatable(ValueError):
    """A shape uses a SHACL feature this module does not translate; pyshacl runs it instead."""


@dataclass(frozen=True)
class ShapeResult(Result):
    """A validation result that knows the shape it came from (for reports and for the contributor's words)."""

    shape: str | None = None


@dataclass(frozen=True)
class Check:
    """One constraint of one shape as a SPARQL SELECT of ?this (and ?value, ?path when it has them)."""

    shape: str
    component: str
    severity: str
    message: str
    path: str | None
    query: str


@dataclass
class Compiled:
    checks: list[Check] = field(default_factory=list)
    leftover: list[URIRef] = field(default_factory=list)   # node shapes pyshacl must run
    shapes: rdflib.Graph | None = None                      # the graph they were read from


def _term(node) -> str:
    """An rdflib term as SPARQL syntax."""
    if isinstance(node, rdflib.Literal):
        return node.n3()
    if isinstance(node, URIRef):
        return f"<{node}>"
    raise Untranslatable(f"blank node {node} where a term is expected")


def _string(text: str) -> str:
    return str(Literal(text))


def _one(g: rdflib.Graph, node, predicate):
    values = list(g.objects(node, predicate))
    if len(values) > 1:
        raise Untranslatable(f"{node} has several {predicate}")
    return values[0] if values else None


def _message(g: rdflib.Graph, node) -> str | None:
    messages = sorted(str(m) for m in g.objects(node, SH.message))
    return messages[0] if messages else None


def _severity(g: rdflib.Graph, node) -> str:
    value = _one(g, node, SH.severity)
    if value is not None and value not in SEVERITY:
        raise Untranslatable(f"unknown severity {value}")
    return SEVERITY.get(value, "violation")


def _targets(g: rdflib.Graph, shape) -> str:
    """A SPARQL group binding ?this to every focus node of the shape."""
    parts = []
    for cls in g.objects(shape, SH.targetClass):
        parts.append(f"?this {INSTANCE_OF} {_term(cls)} .")
    for p in g.objects(shape, SH.targetSubjectsOf):
        parts.append(f"?this {_term(p)} ?_t .")
    for p in g.objects(shape, SH.targetObjectsOf):
        parts.append(f"?_t {_term(p)} ?this .")
    nodes = list(g.objects(shape, SH.targetNode))
    if nodes:
        parts.append("VALUES ?this { " + " ".join(_term(n) for n in nodes) + " }")
    if not parts:
        return ""
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join("{ " + p + " }" for p in parts) + " } }"


def value_test(g: rdflib.Graph, node, var: str = "?value") -> str:
    """A SPARQL expression that is true when ``var`` meets every value constraint of ``node``."""
    tests = []
    for predicate, obj in g.predicate_objects(node):
        if predicate in DESCRIPTIVE or predicate in COUNTS or predicate in TARGETS or predicate in (SH.path, SH.flags):
            continue
        if predicate not in VALUE_CONSTRAINTS:
            raise Untranslatable(f"{predicate} is not translated")
        tests.append(_value_test(g, node, predicate, obj, var))
    return " && ".join(tests) if tests else "true"


def _value_test(g: rdflib.Graph, node, predicate, obj, var: str) -> str:
    if predicate == SH.datatype:
        return _datatype_test(str(obj), var)
    if predicate == SH["class"]:
        return f"EXISTS {{ {var} {INSTANCE_OF} {_term(obj)} }}"
    if predicate == SH.nodeKind:
        kinds = {SH.IRI: f"isIRI({var})", SH.BlankNode: f"isBlank({var})", SH.Literal: f"isLiteral({var})",
                 SH.BlankNodeOrIRI: f"!isLiteral({var})", SH.IRIOrLiteral: f"!isBlank({var})",
                 SH.BlankNodeOrLiteral: f"!isIRI({var})"}
        return kinds[obj]
    if predicate == SH.pattern:
        flags = _one(g, node, SH.flags)
        return f"(!isBlank({var}) && REGEX(STR({var}), {_string(str(obj))}, {_string(str(flags or ''))}))"
    if predicate in (SH.minLength, SH.maxLength):
        op = ">=" if predicate == SH.minLength else "<="
        return f"(!isBlank({var}) && STRLEN(STR({var})) {op} {int(obj)})"
    if predicate in (SH.minExclusive, SH.minInclusive, SH.maxExclusive, SH.maxInclusive):
        op = {SH.minExclusive: ">", SH.minInclusive: ">=", SH.maxExclusive: "<", SH.maxInclusive: "<="}[predicate]
        return f"COALESCE({var} {op} {_term(obj)}, false)"
    if predicate == SH["in"]:
        members = list(Collection(g, obj))
        return "(" + (" || ".join(f"sameTerm({var}, {_term(m)})" for m in members) or "false") + ")"
    if predicate == SH["or"]:
        members = list(Collection(g, obj))
        return "(" + " || ".join(f"({value_test(g, m, var)})" for m in members) + ")"
    raise Untranslatable(f"{predicate} is not translated")  # pragma: no cover - guarded by value_test


def _datatype_test(datatype: str, var: str) -> str:
    test = f"isLiteral({var}) && DATATYPE({var}) = <{datatype}>"
    if datatype in CASTABLE:
        test += f" && isLiteral(COALESCE(<{datatype}>(STR({var})), BNODE()))"
    elif datatype in LEXICAL:
        test += f" && REGEX(STR({var}), {_string(LEXICAL[datatype])})"
    return f"({test})"


COMPONENT = {SH.datatype: "DatatypeConstraintComponent", SH["class"]: "ClassConstraintComponent",
             SH.nodeKind: "NodeKindConstraintComponent", SH.pattern: "PatternConstraintComponent",
             SH.minLength: "MinLengthConstraintComponent", SH.maxLength: "MaxLengthConstraintComponent",
             SH.minExclusive: "MinExclusiveConstraintComponent", SH.minInclusive: "MinInclusiveConstraintComponent",
             SH.maxExclusive: "MaxExclusiveConstraintComponent", SH.maxInclusive: "MaxInclusiveConstraintComponent",
             SH["in"]: "InConstraintComponent", SH["or"]: "OrConstraintComponent"}


def _property_checks(g: rdflib.Graph, shape, prop, targets: str) -> Iterator[Check]:
    path = _one(g, prop, SH.path)
    if not isinstance(path, URIRef):
        raise Untranslatable("only single-IRI property paths are translated")
    if _one(g, prop, SH.deactivated) == rdflib.Literal(True):
        return
    p, severity, message = _term(path), _severity(g, prop), _message(g, prop)
    make = lambda component, query: Check(str(shape), component, severity, message, str(path), query)
    for predicate, obj in g.predicate_objects(prop):
        if predicate == SH.minCount:
            yield make("MinCountConstraintComponent", f"SELECT ?this WHERE {{ {targets} OPTIONAL {{ ?this {p} ?v }} }} "
                                                      f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {int(obj)})")
        elif predicate == SH.maxCount:
            yield make("MaxCountConstraintComponent", f"SELECT ?this WHERE {{ {targets} ?this {p} ?v }} "
                                                      f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {int(obj)})")
        elif predicate == SH.hasValue:
            yield make("HasValueConstraintComponent",
                       f"SELECT ?this WHERE {{ {targets} FILTER NOT EXISTS {{ ?this {p} {_term(obj)} }} }}")
        elif predicate in COMPONENT:
            test = _value_test(g, prop, predicate, obj, "?value")
            yield make(COMPONENT[predicate],
                       f"SELECT DISTINCT ?this ?value WHERE {{ {targets} ?this {p} ?value . FILTER(!({test})) }}")
        elif predicate not in DESCRIPTIVE and predicate not in (SH.path, SH.flags):
            raise Untranslatable(f"{predicate} is not translated")


_SELECT_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def _prefixes(g: rdflib.Graph, constraint) -> str:
    lines = []
    for owner in g.objects(constraint, SH.prefixes):
        for declaration in g.objects(owner, SH.declare):
            prefix, namespace = g.value(declaration, SH.prefix), g.value(declaration, SH.namespace)
            lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines)))


def _sparql_checks(g: rdflib.Graph, shape, targets: str) -> Iterator[Check]:
    for constraint in g.objects(shape, SH.sparql):
        if _one(g, constraint, SH.deactivated) == rdflib.Literal(True):
            continue
        select = _one(g, constraint, SH.select)
        if select is None or re.search(r"\$(?!this\b)\w+", str(select)):
            raise Untranslatable("only sh:select constraints with no pre-bound variable but $this are translated")
        text = str(select).replace("$this", "?this")
        where = _SELECT_WHERE.search(text)
        if where is None:
            raise Untranslatable("a sh:select without WHERE")
        text = f"{text[:where.end()]} {targets} {text[where.end():]}"
        message = _message(g, constraint) or _message(g, shape) or "SPARQL constraint"
        yield Check(str(shape), "SPARQLConstraintComponent", _severity(g, shape), message, None,
                    _prefixes(g, constraint) + "\n" + text)


def compile_shapes(g: rdflib.Graph) -> Compiled:
    """Every node shape of ``g`` as SPARQL checks, or as leftover for pyshacl."""
    compiled = Compiled(shapes=g)
    for shape in sorted(set(g.subjects(RDF.type, SH.NodeShape))):
        try:
            if _one(g, shape, SH.deactivated) == rdflib.Literal(True):
                continue
            targets = _targets(g, shape)
            if not targets:
                continue
            checks = []
            for predicate in set(g.predicates(shape)):
                if predicate not in DESCRIPTIVE and predicate not in TARGETS and predicate not in (SH.property, SH.sparql):
                    raise Untranslatable(f"node-level {predicate} is not translated")
            for prop in g.objects(shape, SH.property):
                checks += _property_checks(g, shape, prop, targets)
            checks += _sparql_checks(g, shape, targets)
        except Untranslatable:
            compiled.leftover.append(shape)
            continue
        compiled.checks += checks
    return compiled


@lru_cache(maxsize=1)
def project_checks() -> Compiled:
    return compile_shapes(shapes_graph())


def _fill(message: str, solution, variables: Iterable[str]) -> str:
    """SHACL message templates: {?name} and {$name} take the solution's values."""
    for name in variables:
        term = solution[name]
        if term is not None:
            message = re.sub(r"\{[?$]" + re.escape(name) + r"\}", term.value, message)
    return message


def run(store: Store, compiled: Compiled | None = None) -> list[Result]:
    """Every result of the shapes on the store's union graph (locations are left to the caller)."""
    compiled = compiled or project_checks()
    results = []
    for check in compiled.checks:
        solutions = store.query(check.query, use_default_graph_as_union=True)
        names = [v.value for v in solutions.variables]
        for s in solutions:
            focus = s["this"]
            value = s["value"] if "value" in names else None
            path = s["path"] if "path" in names else None
            if check.component == "SPARQLConstraintComponent" and value is None:
                value = focus   # SHACL: a node shape's SPARQL result without ?value is about the focus node
            results.append(ShapeResult(
                shape=check.shape, severity=check.severity, focus=focus.value,
                path=path.value if path is not None else check.path,
                component=check.component,
                message=_fill(check.message, s, names),
                value=value.value if value is not None else None, location=None))
    if compiled.leftover:
        results += _pyshacl(store, compiled.leftover, compiled.shapes)
    return results


def _pyshacl(store: Store, shapes: list[URIRef], graph: rdflib.Graph | None = None) -> list[Result]:
    """The shapes this module cannot translate, run by pyshacl on the same union graph."""
    from aivc import validation
    return list(validation.validate(store, shapes=_described(graph or shapes_graph(), shapes)).results)


def _described(g: rdflib.Graph, roots: Iterable) -> rdflib.Graph:
    """The shapes ``roots`` with everything they are made of (blank nodes, lists, prefix declarations)."""
    out, todo, seen = rdflib.Graph(), list(roots), set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in g.predicate_objects(node):
            out.add((node, p, o))
            if isinstance(o, rdflib.BNode) or p == SH.prefixes:
                todo.append(o)
    return out
