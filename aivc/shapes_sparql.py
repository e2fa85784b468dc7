"""The SHACL shapes of shapes/, run as SPARQL by the store itself.

pyshacl validates an in-memory rdflib copy of the graph focus node by focus node in Python: seconds
for the curated data, more than 20 minutes once the public datasets are loaded, and hopeless for a
million Hub models. Here each constraint of each shape becomes one SELECT that returns every focus
node violating it, answered by the store's indexes set at a time. shapes/*.ttl stay the single
source of truth: no check is written twice. A shape that uses a feature this translation does not
know is never skipped: ``validate`` hands it to pyshacl whole (or, with ``strict``, refuses it by name).

What SHACL means is kept: class targets and ``sh:class`` follow ``rdfs:subClassOf`` as the data
graph states it (the subclasses are looked up once and bound with ``VALUES``); paths become SPARQL
property paths; value-type and range constraints become a condition on each value (``sh:or``,
``sh:and``, ``sh:not``, ``sh:xone`` combine them); counts are counted per focus node;
SHACL-SPARQL constraints run with the focus nodes joined in at the head of their WHERE clause
(pre-binding ``$this``). tests/test_shapes_sparql.py checks the results against every example of
tests/shapes/ and against pyshacl.

The queries are shaped for Oxigraph's planner on a big store: a value looked up per focus node costs
an index seek (~10 us on disk), a sub-SELECT is evaluated once and hash-joined, so the focus nodes,
the values of a path and the instances of a class are each read in one pass and joined, and a
missing value is found with MINUS (a hash anti-join) rather than a lookup per node.

``focus_graphs`` limits validation to the focus nodes that named graphs state (their type, or the
triple that targets them): after reloading one source, only its nodes are checked again.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import rdflib
from pyoxigraph import Store
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from . import ns
from .validation import Report, Result, shapes_graph

RDF_TYPE, SUBCLASS = f"<{ns.RDF}type>", f"<{ns.RDFS}subClassOf>"
SEVERITIES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
COMPARISONS = {SH.minExclusive: ">", SH.minInclusive: ">=", SH.maxExclusive: "<", SH.maxInclusive: "<="}
NODE_KINDS = {SH.IRI: "isIRI(?v)", SH.BlankNode: "isBlank(?v)", SH.Literal: "isLiteral(?v)",
              SH.BlankNodeOrIRI: "!isLiteral(?v)", SH.BlankNodeOrLiteral: "!isIRI(?v)",
              SH.IRIOrLiteral: "!isBlank(?v)"}
# Lexical forms of datatypes that SPARQL cannot cast to (the others are checked by casting).
LEXICAL = {ns.XSD + "gYear": r"^-?[0-9]{4,}(Z|[+-][0-9]{2}:[0-9]{2})?$",
           ns.XSD + "gYearMonth": r"^-?[0-9]{4,}-(0[1-9]|1[0-2])(Z|[+-][0-9]{2}:[0-9]{2})?$"}
CASTABLE = {ns.XSD + t for t in ("integer", "decimal", "double", "float", "boolean", "date", "dateTime", "time")}
# What a shape may carry besides its constraints.
DESCRIPTIVE = {RDF.type, SH.path, SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group,
               SH.flags, SH.deactivated, SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf,
               SH.property, SH.sparql, SH.defaultValue, rdflib.RDFS.label, rdflib.RDFS.comment,
               rdflib.URIRef(ns.SKOS + "definition")}
COUNTS = {SH.minCount, SH.maxCount, SH.hasValue}


class UnsupportedShape(ValueError):
    """A shape uses a SHACL feature that this translation does not implement."""


@dataclass(frozen=True)
class Check:
    """One constraint of one shape as a SELECT returning ?this (and ?value, ?path when known)."""

    shape: str
    component: str          # SHACL constraint component, e.g. MinCountConstraintComponent
    severity: str
    message: str
    path: str | None        # the property shape's path, when it is one IRI
    query: str

    def __str__(self) -> str:
        return f"{self.shape.rsplit('#', 1)[-1]} {self.component}" + (f" on {_local(self.path)}" if self.path else "")


@dataclass(frozen=True)
class ShapeResult(Result):
    """A validation result that knows the shape it came from (for reports and the contributor's words)."""

    shape: str | None = None


@dataclass
class Compiled:
    """The checks of the shapes that translate, and the shapes that do not (with the reason)."""

    checks: list[Check] = field(default_factory=list)
    leftover: dict[str, str] = field(default_factory=dict)     # shape IRI -> why it does not translate
    shapes: rdflib.Graph | None = None                          # the graph they were read from


def _local(iri: str | None) -> str:
    for prefix, base in ns.PREFIXES.items():
        if iri and iri.startswith(base):
            return f"{prefix}:{iri[len(base):]}"
    return iri or ""


# --- terms, paths, classes -----------------------------------------------------------------------------

def term(node) -> str:
    """An rdflib term in SPARQL syntax (a blank node cannot name a value in a query)."""
    if isinstance(node, rdflib.BNode):
        raise UnsupportedShape(f"blank node {node} where a term is expected")
    return node.n3()


def sparql_path(g: rdflib.Graph, node) -> str:
    """A SHACL path as a SPARQL property path."""
    if isinstance(node, rdflib.URIRef):
        return term(node)
    if (g.value(node, RDF.first) is not None) or node == RDF.nil:
        return "(" + "/".join(sparql_path(g, step) for step in Collection(g, node)) + ")"
    for predicate, template in ((SH.inversePath, "^({})"), (SH.zeroOrMorePath, "({})*"),
                                (SH.oneOrMorePath, "({})+"), (SH.zeroOrOnePath, "({})?")):
        if (inner := g.value(node, predicate)) is not None:
            return template.format(sparql_path(g, inner))
    if (choices := g.value(node, SH.alternativePath)) is not None:
        return "(" + "|".join(sparql_path(g, c) for c in Collection(g, choices)) + ")"
    raise UnsupportedShape(f"path {node} is not a SHACL path")


class Hierarchy:
    """The subclasses of each class, as the data graph's rdfs:subClassOf triples state them (SHACL's
    notion of instance): a class's instances are then found by one index lookup per subclass
    instead of a property path walked from every node."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()):
        self._subs: dict[str, set[str]] = {}
        for sub, sup in pairs:
            self._subs.setdefault(sup, set()).add(sub)

    @classmethod
    def of(cls, store: Store) -> "Hierarchy":
        rows = store.query(f"SELECT DISTINCT ?sub ?sup WHERE {{ ?sub {SUBCLASS} ?sup }}",
                           use_default_graph_as_union=True)
        return cls((r["sub"].value, r["sup"].value) for r in rows if r["sub"].value != r["sup"].value)

    def subclasses(self, cls: str) -> list[str]:
        """The class and every class below it."""
        seen, todo = {cls}, [cls]
        while todo:
            for sub in self._subs.get(todo.pop(), ()):
                if sub not in seen:
                    seen.add(sub)
                    todo.append(sub)
        return sorted(seen)

    def instance_of(self, variable: str, cls) -> str:
        """SHACL instance: the node's type is the class or one of its subclasses."""
        classes = " ".join(f"<{c}>" for c in self.subclasses(str(cls)))
        return f"?{variable} {RDF_TYPE} ?{variable}Type . VALUES ?{variable}Type {{ {classes} }}"


# --- value conditions ------------------------------------------------------------------------------------

def value_conditions(g: rdflib.Graph, node, h: Hierarchy) -> list[tuple[str, str, rdflib.term.Node]]:
    """(component, condition on ?v, parameter) for every value-level constraint of a shape node."""
    conditions = []
    for predicate, obj in g.predicate_objects(node):
        if predicate in DESCRIPTIVE or predicate in COUNTS:
            continue
        if predicate == SH["class"]:
            conditions.append(("ClassConstraintComponent", f"EXISTS {{ {h.instance_of('v', obj)} }}", obj))
        elif predicate == SH.datatype:
            conditions.append(("DatatypeConstraintComponent", _datatype_test(str(obj)), obj))
        elif predicate == SH.nodeKind:
            conditions.append(("NodeKindConstraintComponent", NODE_KINDS[obj], obj))
        elif predicate == SH.pattern:
            flags = g.value(node, SH.flags)
            flag_arg = f", {rdflib.Literal(str(flags)).n3()}" if flags else ""
            conditions.append(("PatternConstraintComponent",
                               f"(!isBlank(?v) && REGEX(STR(?v), {rdflib.Literal(str(obj)).n3()}{flag_arg}))", obj))
        elif predicate in (SH.minLength, SH.maxLength):
            op, name = (">=", "MinLength") if predicate == SH.minLength else ("<=", "MaxLength")
            conditions.append((f"{name}ConstraintComponent", f"(!isBlank(?v) && STRLEN(STR(?v)) {op} {int(obj)})", obj))
        elif predicate in COMPARISONS:
            name = str(predicate).rsplit("#", 1)[1]
            conditions.append((f"{name[0].upper()}{name[1:]}ConstraintComponent",
                               f"COALESCE(?v {COMPARISONS[predicate]} {term(obj)}, false)", obj))
        elif predicate == SH["in"]:
            members = " || ".join(f"sameTerm(?v, {term(m)})" for m in Collection(g, obj))
            conditions.append(("InConstraintComponent", f"({members or 'false'})", obj))
        elif predicate in (SH["or"], SH["and"], SH.xone):
            members = [_conjunction(g, m, h) for m in Collection(g, obj)]
            if predicate == SH.xone:
                expression = "(" + " + ".join(f"IF({m}, 1, 0)" for m in members) + ") = 1"
            else:
                expression = "(" + (" || " if predicate == SH["or"] else " && ").join(members) + ")"
            name = {SH["or"]: "Or", SH["and"]: "And", SH.xone: "Xone"}[predicate]
            conditions.append((f"{name}ConstraintComponent", expression, obj))
        elif predicate == SH["not"]:
            conditions.append(("NotConstraintComponent", f"!{_conjunction(g, obj, h)}", obj))
        else:
            raise UnsupportedShape(f"{_local(str(predicate)) or predicate} is not supported")
    return conditions


def _datatype_test(datatype: str) -> str:
    """A literal of the datatype whose lexical form is valid for it (SHACL's ill-formed check)."""
    test = f"isLiteral(?v) && datatype(?v) = <{datatype}>"
    if datatype in CASTABLE:
        test += f" && isLiteral(COALESCE(<{datatype}>(STR(?v)), BNODE()))"
    elif datatype in LEXICAL:
        test += f" && REGEX(STR(?v), {rdflib.Literal(LEXICAL[datatype]).n3()})"
    return f"({test})"


def _conjunction(g: rdflib.Graph, node, h: Hierarchy) -> str:
    """All value conditions of a (nested) shape, as one boolean expression."""
    if any(g.value(node, p) is not None for p in (SH.property, SH.sparql, SH.minCount, SH.maxCount, SH.path)):
        raise UnsupportedShape("a shape inside sh:or/sh:and/sh:not/sh:xone may only constrain the value itself")
    parts = [c for _, c, _ in value_conditions(g, node, h)]
    return "(" + (" && ".join(parts) or "true") + ")"


# --- shapes -> checks ----------------------------------------------------------------------------------

def targets(g: rdflib.Graph, shape, h: Hierarchy, focus_graphs: Sequence[str] = ()) -> str | None:
    """The focus nodes of a node shape as a sub-SELECT binding ?this (None: the shape has none),
    only those a triple of ``focus_graphs`` states when given."""
    if (shape, RDF.type, rdflib.RDFS.Class) in g or (shape, RDF.type, rdflib.OWL.Class) in g:
        raise UnsupportedShape("implicit class targets are not supported")
    stated = (lambda p: f"GRAPH ?focusGraph {{ {p} }} VALUES ?focusGraph {{ {' '.join(f'<{x}>' for x in focus_graphs)} }}"
              ) if focus_graphs else (lambda p: p)
    parts = [stated(h.instance_of("this", c)) for c in g.objects(shape, SH.targetClass)]
    parts += [stated(f"?this {term(p)} ?object") for p in g.objects(shape, SH.targetSubjectsOf)]
    parts += [stated(f"?subject {term(p)} ?this") for p in g.objects(shape, SH.targetObjectsOf)]
    nodes = " ".join(term(n) for n in g.objects(shape, SH.targetNode))
    if nodes:
        parts.append(stated(f"?this ?anyPredicate ?anyObject . VALUES ?this {{ {nodes} }}") if focus_graphs
                     else f"VALUES ?this {{ {nodes} }}")
    if not parts:
        return None
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(f"{{ {p} }}" for p in parts) + " } }"


def _values(path: str) -> str:
    """Every (?this, ?value) pair of a path, read in one pass (a sub-SELECT is hash-joined)."""
    return f"{{ SELECT ?this ?value WHERE {{ ?this {path} ?value }} }}"


def _severity(g: rdflib.Graph, *nodes) -> str:
    for node in nodes:
        if (value := g.value(node, SH.severity)) is not None:
            if value not in SEVERITIES:
                raise UnsupportedShape(f"unknown severity {value}")
            return SEVERITIES[value]
    return "violation"


def _message(g: rdflib.Graph, *nodes, default: str) -> str:
    for node in nodes:
        messages = sorted(str(m) for m in g.objects(node, SH.message))
        if messages:
            return messages[0]
    return default


def compile_shapes(g: rdflib.Graph | None = None, hierarchy: Hierarchy | None = None,
                   focus_graphs: Sequence[str] = ()) -> Compiled:
    """Every active node shape of ``g`` as checks, or as leftover when it does not translate.

    ``hierarchy`` gives the subclasses of the classes the shapes name (``Hierarchy.of(store)`` for
    the graph to validate; by default the shapes graph's own subClassOf triples, which is enough to
    see that every shape translates)."""
    g = g if g is not None else shapes_graph()
    h = hierarchy or Hierarchy((str(s), str(o)) for s, o in g.subject_objects(rdflib.RDFS.subClassOf))
    compiled = Compiled(shapes=g)
    for shape in sorted(set(g.subjects(RDF.type, SH.NodeShape)), key=str):
        if g.value(shape, SH.deactivated) == rdflib.Literal(True):
            continue
        try:
            focus = targets(g, shape, h, focus_graphs)
            if focus is not None:
                compiled.checks += _shape_checks(g, shape, focus, h)
        except UnsupportedShape as unsupported:
            compiled.leftover[str(shape)] = str(unsupported)
    return compiled


def checks(g: rdflib.Graph | None = None, hierarchy: Hierarchy | None = None) -> list[Check]:
    """Every constraint of every shape, translated; raises UnsupportedShape naming the first shape
    that does not translate."""
    compiled = compile_shapes(g, hierarchy)
    for shape, why in compiled.leftover.items():
        raise UnsupportedShape(f"{shape}: {why}")
    return compiled.checks


def _shape_checks(g: rdflib.Graph, shape, focus: str, h: Hierarchy) -> list[Check]:
    name = str(shape)
    out = [_sparql_check(g, shape, None, constraint, focus) for constraint in g.objects(shape, SH.sparql)]
    for component, condition, _ in value_conditions(g, shape, h):
        out.append(Check(name, component, _severity(g, shape), _message(g, shape, default=component), None,
                         f"SELECT DISTINCT ?this ?value WHERE {{ {focus} BIND(?this AS ?value) "
                         f"FILTER(!({condition.replace('?v', '?value')})) }}"))
    for prop in g.objects(shape, SH.property):
        if g.value(prop, SH.deactivated) != rdflib.Literal(True):
            out += _property_checks(g, shape, prop, focus, h)
    return [c for c in out if c.query]


def _property_checks(g: rdflib.Graph, shape, prop, focus: str, h: Hierarchy) -> list[Check]:
    name, path_node = str(shape), g.value(prop, SH.path)
    path = sparql_path(g, path_node)
    path_iri = str(path_node) if isinstance(path_node, rdflib.URIRef) else None
    severity = _severity(g, prop, shape)

    def check(component: str, default: str, query: str) -> Check:
        return Check(name, component, severity, _message(g, prop, default=default), path_iri, query)

    out = []
    if (n := g.value(prop, SH.minCount)) is not None and int(n) > 0:
        out.append(check("MinCountConstraintComponent", f"fewer than {n} values",
                         f"SELECT ?this WHERE {{ {focus} MINUS {{ ?this {path} ?value }} }}" if int(n) == 1 else
                         f"SELECT ?this WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?value) AS ?n) WHERE {{ {focus} "
                         f"OPTIONAL {{ ?this {path} ?value }} }} GROUP BY ?this }} FILTER(?n < {int(n)}) }}"))
    if (n := g.value(prop, SH.maxCount)) is not None:
        out.append(check("MaxCountConstraintComponent", f"more than {n} values",
                         f"SELECT ?this WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?value) AS ?n) WHERE {{ {focus} "
                         f"{_values(path)} }} GROUP BY ?this }} FILTER(?n > {int(n)}) }}"))
    for value in g.objects(prop, SH.hasValue):
        out.append(check("HasValueConstraintComponent", f"missing the value {value}",
                         f"SELECT ?this WHERE {{ {focus} MINUS {{ ?this {path} {term(value)} }} }}"))
    for component, condition, parameter in value_conditions(g, prop, h):
        if component == "ClassConstraintComponent":   # the class's instances in one pass, not one lookup per value
            query = (f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {_values(path)} "
                     f"MINUS {{ {h.instance_of('value', parameter)} }} }}")
        else:
            query = (f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {_values(path)} "
                     f"FILTER(!({condition.replace('?v', '?value')})) }}")
        out.append(check(component, component, query))
    out += [_sparql_check(g, shape, prop, constraint, focus, path) for constraint in g.objects(prop, SH.sparql)]
    return out


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_THIS = re.compile(r"\$this\b")


def _sparql_check(g: rdflib.Graph, shape, prop, constraint, focus: str, path: str | None = None) -> Check:
    """A SHACL-SPARQL constraint with the focus nodes joined in at the head of its WHERE group."""
    name = str(shape)
    if g.value(constraint, SH.deactivated) == rdflib.Literal(True):
        return Check(name, "SPARQLConstraintComponent", "info", "deactivated", None, "")
    select = g.value(constraint, SH.select)
    if select is None:
        raise UnsupportedShape("only sh:select SPARQL constraints are supported")
    text = str(select)
    for variable in ("$shapesGraph", "$currentShape"):
        if variable in text:
            raise UnsupportedShape(f"{variable} is not supported")
    if "$PATH" in text:
        if path is None:
            raise UnsupportedShape("$PATH outside a property shape")
        text = text.replace("$PATH", path)
    text = _THIS.sub("?this", text)
    where = _WHERE.search(text)
    if where is None:
        raise UnsupportedShape("a SPARQL constraint needs an explicit WHERE { ... }")
    text = f"{text[:where.end()]} {focus}\n{text[where.end():]}"
    prefixes = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in sorted(set(_prefixes(g, constraint))))
    path_node = g.value(prop, SH.path) if prop is not None else None
    severity = _severity(g, constraint, prop, shape) if prop is not None else _severity(g, constraint, shape)
    return Check(name, "SPARQLConstraintComponent", severity, _message(g, constraint, default="SPARQL constraint"),
                 str(path_node) if isinstance(path_node, rdflib.URIRef) else None, prefixes + text)


def _prefixes(g: rdflib.Graph, constraint) -> list[tuple[str, str]]:
    return [(str(g.value(d, SH.prefix)), str(g.value(d, SH.namespace)))
            for owner in g.objects(constraint, SH.prefixes) for d in g.objects(owner, SH.declare)]


# --- running -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ShapeReport(Report):
    """A validation report that also says, per check, how long it took and how many results it found."""

    timings: tuple[tuple[str, float, int], ...] = ()

    def by_check(self) -> dict[str, int]:
        return {name: found for name, _, found in self.timings if found}


def run_check(store: Store, check: Check) -> tuple[list[ShapeResult], float]:
    """One check's results (not yet located) and the seconds it took."""
    started = time.perf_counter()
    results = []
    solutions = store.query(check.query, use_default_graph_as_union=True)
    names = {v.value for v in solutions.variables}
    for row in solutions:
        focus = row["this"]
        value = row["value"] if "value" in names else None
        path = row["path"] if "path" in names else None
        if value is None and check.component == "SPARQLConstraintComponent":
            value = focus      # SHACL: a SPARQL result without ?value is about the focus node
        results.append(ShapeResult(
            severity=check.severity, focus=focus.value, path=path.value if path is not None else check.path,
            component=check.component, message=_fill(check.message, row, names),
            value=value.value if value is not None else None, location=None, shape=check.shape))
    return results, round(time.perf_counter() - started, 3)


def everything(shape: str) -> bool:
    return True


def validate(store: Store, select: Callable[[str], bool] = everything, focus_graphs: Sequence[str] = (),
             strict: bool = False, locate: bool = True, threads: int = 2,
             step: Callable[[str], None] = lambda s: None) -> ShapeReport:
    """Run the shapes that ``select`` keeps (a predicate on the shape's IRI, e.g. ``lineage``) on the
    union of ``store``'s graphs - on the focus nodes ``focus_graphs`` state, when given - each result
    located at the record its focus node was read from.

    Checks run in ``threads`` threads (the store answers queries in parallel). A shape that does not
    translate runs in pyshacl, on the whole graph; ``strict`` refuses it instead (a million models
    are not for pyshacl)."""
    compiled = compile_shapes(shapes_graph(), Hierarchy.of(store), focus_graphs)
    leftover = [shape for shape in compiled.leftover if select(shape)]
    if leftover and (strict or focus_graphs):
        raise UnsupportedShape("; ".join(f"{shape}: {compiled.leftover[shape]}" for shape in leftover))
    selected = [c for c in compiled.checks if select(c.shape)]

    def run(check: Check) -> tuple[list[ShapeResult], float]:
        step(str(check))
        return run_check(store, check)

    with ThreadPoolExecutor(max(1, threads)) as pool:
        done = list(pool.map(run, selected))
    results = [r for found, _ in done for r in found]
    timings = tuple((str(c), seconds, len(found)) for c, (found, seconds) in zip(selected, done))
    if leftover:
        started = time.perf_counter()
        results += _pyshacl(store, leftover, compiled.shapes)
        timings += (("pyshacl: " + ", ".join(s.rsplit("#", 1)[-1] for s in leftover),
                     round(time.perf_counter() - started, 3), len(results) - sum(len(f) for f, _ in done)),)
    if locate and results:
        where = locations(store, {r.focus for r in results})
        results = [replace(r, location=where.get(r.focus)) for r in results]
    unique = sorted(set(results), key=lambda r: (r.location or "", r.focus, r.path or "", r.component, r.value or ""))
    return ShapeReport(tuple(unique), timings)


def run(store: Store) -> list[ShapeResult]:
    """Every result of every shape on the store's union graph, not located (the contribution gate
    places them in the contributor's files itself)."""
    return list(validate(store, locate=False, threads=1).results)


_PLACEHOLDER = re.compile(r"\{[?$](\w+)\}")


def _fill(message: str, row, names: set[str]) -> str:
    """SHACL message templates: {?var} and {$this} replaced by the row's values."""
    def value(match):
        found = row[match[1]] if match[1] in names else None
        return found.value if found is not None else match[0]
    return _PLACEHOLDER.sub(value, message)


def _pyshacl(store: Store, shapes: Iterable[str], g: rdflib.Graph | None = None) -> list[ShapeResult]:
    """The shapes this translation cannot run, run by pyshacl on the same union graph."""
    from . import validation
    graph = described(g if g is not None else shapes_graph(), [rdflib.URIRef(s) for s in shapes])
    return [ShapeResult(**r.__dict__) for r in validation.validate(store, shapes=graph).results]


def described(g: rdflib.Graph, roots: Iterable) -> rdflib.Graph:
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


def locations(store: Store, foci: Iterable[str], chunk: int = 2000) -> dict[str, str]:
    """The record (file:line) each node was read from: its own record, else (a model) its release's,
    else (a release) its asset's; a curated record (in the provenance graph) before a source's, and
    the first in order among equals."""
    found: dict[str, tuple] = {}
    nodes = sorted(f for f in foci if not f.startswith("_:"))
    record, release_of = f"<{ns.AIVC}sourceRecord>", f"<{ns.AIVC}releaseOf>"
    for i in range(0, len(nodes), chunk):
        values = " ".join(f"<{n}>" for n in nodes[i:i + chunk])
        for row in store.query(f"""
                SELECT ?focus ?record ?own ?curated WHERE {{
                  VALUES ?focus {{ {values} }}
                  {{ GRAPH ?g {{ ?focus {record} ?record }} BIND(2 AS ?own) }}
                  UNION {{ ?focus {release_of} ?asset . GRAPH ?g {{ ?asset {record} ?record }} BIND(1 AS ?own) }}
                  UNION {{ ?release {release_of} ?focus . GRAPH ?g {{ ?release {record} ?record }} BIND(0 AS ?own) }}
                  BIND(?g = <{ns.PROVENANCE_GRAPH.value}> AS ?curated)
                }}""", use_default_graph_as_union=True):
            rank = (int(row["own"].value), row["curated"].value == "true")
            key, where = row["focus"].value, row["record"].value
            if key not in found or rank > found[key][0] or (rank == found[key][0] and where < found[key][1]):
                found[key] = (rank, where)
    return {focus: where for focus, (_, where) in found.items()}


LINEAGE_SHAPES = ("DerivedModelShape", "ReleaseOrderShape", "ReportedReleaseOrderShape", "LicenceInheritanceShape")


def lineage(shape: str) -> bool:
    """The shapes that matter for lineage: dangling bases and cycles (DerivedModelShape), date order
    (ReleaseOrderShape for aivc's own releases, ReportedReleaseOrderShape for the sources') and
    licence drift towards more permissive terms (LicenceInheritanceShape)."""
    return shape.rsplit("#", 1)[-1] in LINEAGE_SHAPES
