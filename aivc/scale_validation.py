"""Validation at scale: the SHACL shapes of shapes/ translated into SPARQL that the store runs.

pyshacl validates an in-memory rdflib copy of the graph, node by node: right for a curated build,
hopeless for a million models (the copy alone takes minutes and gigabytes). Here each constraint of
each shape becomes one SELECT over the store that returns the focus nodes violating it, so the work
is done by the store's indexes, set at a time. shapes/*.ttl stay the single source of truth: no
check is written twice, and a shape that uses a feature this translation does not know is refused
with its name (``UnsupportedShape``) rather than skipped.

The SHACL semantics kept: class targets and ``sh:class`` follow ``rdf:type/rdfs:subClassOf*`` (so
entailed types need not be materialized); SHACL paths become SPARQL property paths; value-type and
range constraints (``sh:datatype``, ``sh:nodeKind``, ``sh:pattern``, ``sh:in``, min/max...) become a
condition on each value, and ``sh:or``/``sh:and``/``sh:not``/``sh:xone`` combine such conditions;
``sh:minCount``/``sh:maxCount``/``sh:hasValue`` count per focus node; SHACL-SPARQL constraints run
with the focus nodes joined in at the head of their WHERE clause (pre-binding ``$this``). The
results are the same as pyshacl's on every example of tests/shapes/ (tests/test_scale_validation.py).

``focus_graphs`` limits validation to the nodes that named graphs describe (subjects of their
triples): after reloading one source, only its nodes are checked again.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

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
# Parameters that belong to a constraint rather than being one.
IGNORED = {RDF.type, SH.path, SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group,
           SH.flags, SH.deactivated, SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf,
           SH.property, SH.sparql, SH.defaultValue, rdflib.RDFS.label, rdflib.RDFS.comment,
           rdflib.URIRef(ns.SKOS + "definition")}


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


def _local(iri: str | None) -> str:
    for prefix, base in ns.PREFIXES.items():
        if iri and iri.startswith(base):
            return f"{prefix}:{iri[len(base):]}"
    return iri or ""


# --- terms and paths ------------------------------------------------------------------------------------

def term(node) -> str:
    """An rdflib term in SPARQL syntax."""
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

def value_condition(g: rdflib.Graph, node, shape_name: str, h: Hierarchy) -> list[tuple[str, str]]:
    """(component, condition on ?v) for every value-level constraint of a shape node."""
    conditions = []
    for predicate, obj in g.predicate_objects(node):
        if predicate in IGNORED or predicate in (SH.minCount, SH.maxCount, SH.hasValue):
            continue
        if predicate == SH["class"]:
            conditions.append(("ClassConstraintComponent", f"EXISTS {{ {h.instance_of('v', obj)} }}"))
        elif predicate == SH.datatype:
            conditions.append(("DatatypeConstraintComponent", f"(isLiteral(?v) && datatype(?v) = {term(obj)})"))
        elif predicate == SH.nodeKind:
            conditions.append(("NodeKindConstraintComponent", NODE_KINDS[obj]))
        elif predicate == SH.pattern:
            flags = g.value(node, SH.flags)
            flag_arg = f", {rdflib.Literal(str(flags)).n3()}" if flags else ""
            conditions.append(("PatternConstraintComponent",
                               f"(!isBlank(?v) && REGEX(STR(?v), {rdflib.Literal(str(obj)).n3()}{flag_arg}))"))
        elif predicate in (SH.minLength, SH.maxLength):
            op = ">=" if predicate == SH.minLength else "<="
            name = "MinLength" if predicate == SH.minLength else "MaxLength"
            conditions.append((f"{name}ConstraintComponent", f"(!isBlank(?v) && STRLEN(STR(?v)) {op} {int(obj)})"))
        elif predicate in COMPARISONS:
            name = str(predicate).rsplit("#", 1)[1]
            conditions.append((f"{name[0].upper()}{name[1:]}ConstraintComponent",
                               f"COALESCE(?v {COMPARISONS[predicate]} {term(obj)}, false)"))
        elif predicate == SH["in"]:
            members = ", ".join(term(m) for m in Collection(g, obj))
            conditions.append(("InConstraintComponent", f"(?v IN ({members}))"))
        elif predicate in (SH["or"], SH["and"], SH.xone):
            members = [_conjunction(g, m, shape_name, h) for m in Collection(g, obj)]
            if predicate == SH.xone:
                expression = "(" + " + ".join(f"IF({m}, 1, 0)" for m in members) + ") = 1"
            else:
                expression = "(" + (" || " if predicate == SH["or"] else " && ").join(members) + ")"
            name = {SH["or"]: "Or", SH["and"]: "And", SH.xone: "Xone"}[predicate]
            conditions.append((f"{name}ConstraintComponent", expression))
        elif predicate == SH["not"]:
            conditions.append(("NotConstraintComponent", f"!{_conjunction(g, obj, shape_name, h)}"))
        else:
            raise UnsupportedShape(f"{shape_name}: {_local(str(predicate)) or predicate} is not supported "
                                   "by the SPARQL translation of aivc/scale_validation.py")
    return conditions


def _conjunction(g: rdflib.Graph, node, shape_name: str, h: Hierarchy) -> str:
    """All value conditions of a (nested) shape, as one boolean expression."""
    parts = [c for _, c in value_condition(g, node, shape_name, h)]
    if any(g.value(node, p) is not None for p in (SH.property, SH.sparql, SH.minCount, SH.maxCount, SH.path)):
        raise UnsupportedShape(f"{shape_name}: a shape inside sh:or/sh:and/sh:not/sh:xone may only constrain "
                               "the value itself")
    return "(" + (" && ".join(parts) or "true") + ")"


# --- shapes -> checks ----------------------------------------------------------------------------------

def targets(g: rdflib.Graph, shape, h: Hierarchy) -> str | None:
    """The focus nodes of a node shape as a group pattern binding ?this (None: the shape has none)."""
    parts = [f"{{ SELECT DISTINCT ?this WHERE {{ {h.instance_of('this', c)} }} }}" for c in g.objects(shape, SH.targetClass)]
    parts += [f"{{ VALUES ?this {{ {term(n)} }} }}" for n in g.objects(shape, SH.targetNode)]
    parts += [f"{{ SELECT DISTINCT ?this WHERE {{ ?this {term(p)} ?o }} }}" for p in g.objects(shape, SH.targetSubjectsOf)]
    parts += [f"{{ SELECT DISTINCT ?this WHERE {{ ?s {term(p)} ?this }} }}" for p in g.objects(shape, SH.targetObjectsOf)]
    if (shape, RDF.type, rdflib.RDFS.Class) in g or (shape, RDF.type, rdflib.OWL.Class) in g:
        raise UnsupportedShape(f"{shape}: implicit class targets are not supported")
    return " UNION ".join(parts) if parts else None


def _severity(g: rdflib.Graph, *nodes) -> str:
    for node in nodes:
        if (value := g.value(node, SH.severity)) is not None:
            return SEVERITIES.get(value, "violation")
    return "violation"


def _message(g: rdflib.Graph, *nodes, default: str) -> str:
    for node in nodes:
        if (value := g.value(node, SH.message)) is not None:
            return str(value)
    return default


def checks(g: rdflib.Graph | None = None, hierarchy: Hierarchy | None = None) -> list[Check]:
    """Every constraint of every active node shape, translated; raises UnsupportedShape.

    ``hierarchy`` gives the subclasses of the classes the shapes name (``Hierarchy.of(store)`` for
    the graph to validate; by default the shapes graph's own subClassOf triples, which is enough
    to check that every shape translates)."""
    g = g if g is not None else shapes_graph()
    h = hierarchy or Hierarchy((str(s), str(o)) for s, o in g.subject_objects(rdflib.RDFS.subClassOf))
    out: list[Check] = []
    for shape in sorted(set(g.subjects(RDF.type, SH.NodeShape)), key=str):
        if g.value(shape, SH.deactivated) == rdflib.Literal(True):
            continue
        focus = targets(g, shape, h)
        if focus is None:
            continue
        name = str(shape)
        for constraint in g.objects(shape, SH.sparql):
            out.append(_sparql_check(g, shape, None, constraint, focus))
        for component, condition in value_condition(g, shape, name, h):
            out.append(Check(name, component, _severity(g, shape), _message(g, shape, default=component), None,
                             f"SELECT DISTINCT ?this ?value WHERE {{ {focus} BIND(?this AS ?value) "
                             f"FILTER(!({condition.replace('?v', '?value')})) }}"))
        for prop in g.objects(shape, SH.property):
            if g.value(prop, SH.deactivated) == rdflib.Literal(True):
                continue
            out += _property_checks(g, shape, prop, focus, h)
    return out


def _property_checks(g: rdflib.Graph, shape, prop, focus: str, h: Hierarchy) -> list[Check]:
    name, path_node = str(shape), g.value(prop, SH.path)
    path = sparql_path(g, path_node)
    path_iri = str(path_node) if isinstance(path_node, rdflib.URIRef) else None
    severity = _severity(g, prop, shape)
    message = lambda default: _message(g, prop, default=default)  # noqa: E731
    out = []
    if (n := g.value(prop, SH.minCount)) is not None and int(n) > 0:
        query = (f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {path} ?value }} }}" if int(n) == 1 else
                 f"SELECT ?this WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?value) AS ?n) WHERE {{ {focus} "
                 f"OPTIONAL {{ ?this {path} ?value }} }} GROUP BY ?this }} FILTER(?n < {int(n)}) }}")
        out.append(Check(name, "MinCountConstraintComponent", severity, message(f"fewer than {n} values"),
                         path_iri, query))
    if (n := g.value(prop, SH.maxCount)) is not None:
        out.append(Check(name, "MaxCountConstraintComponent", severity, message(f"more than {n} values"), path_iri,
                         f"SELECT ?this WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?value) AS ?n) WHERE {{ {focus} "
                         f"?this {path} ?value }} GROUP BY ?this }} FILTER(?n > {int(n)}) }}"))
    for value in g.objects(prop, SH.hasValue):
        out.append(Check(name, "HasValueConstraintComponent", severity, message(f"missing the value {value}"),
                         path_iri, f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {path} {term(value)} }} }}"))
    for component, condition in value_condition(g, prop, name, h):
        out.append(Check(name, component, severity, message(component), path_iri,
                         f"SELECT DISTINCT ?this ?value WHERE {{ {focus} ?this {path} ?value "
                         f"FILTER(!({condition.replace('?v', '?value')})) }}"))
    for constraint in g.objects(prop, SH.sparql):
        out.append(_sparql_check(g, shape, prop, constraint, focus, path))
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
        raise UnsupportedShape(f"{name}: only sh:select SPARQL constraints are supported")
    text = str(select)
    for variable in ("$shapesGraph", "$currentShape"):
        if variable in text:
            raise UnsupportedShape(f"{name}: {variable} is not supported")
    if "$PATH" in text:
        if path is None:
            raise UnsupportedShape(f"{name}: $PATH outside a property shape")
        text = text.replace("$PATH", path)
    text = _THIS.sub("?this", text)
    where = _WHERE.search(text)
    if where is None:
        raise UnsupportedShape(f"{name}: a SPARQL constraint needs an explicit WHERE {{ ... }}")
    text = f"{text[:where.end()]} {focus}\n{text[where.end():]}"
    prefixes = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in _prefixes(g, constraint))
    path_node = g.value(prop, SH.path) if prop is not None else None
    return Check(name, "SPARQLConstraintComponent", _severity(g, constraint, prop, shape) if prop else
                 _severity(g, constraint, shape), _message(g, constraint, default="SPARQL constraint"),
                 str(path_node) if isinstance(path_node, rdflib.URIRef) else None, prefixes + text)


def _prefixes(g: rdflib.Graph, constraint) -> list[tuple[str, str]]:
    found = []
    for ontology in g.objects(constraint, SH.prefixes):
        for declaration in g.objects(ontology, SH.declare):
            found.append((str(g.value(declaration, SH.prefix)), str(g.value(declaration, SH.namespace))))
    return found


# --- running -------------------------------------------------------------------------------------------

def store_checks(store: Store, select: Callable[[Check], bool] = lambda c: True) -> list[Check]:
    """The shapes of shapes/ translated for this store's class hierarchy, those ``select`` keeps."""
    return [c for c in checks(shapes_graph(), Hierarchy.of(store)) if c.query and select(c)]


def restrict(check: Check, graphs: Sequence[str]) -> str:
    """The check's query with its focus nodes limited to subjects of the given named graphs."""
    values = " ".join(f"<{g}>" for g in graphs)
    guard = f"FILTER EXISTS {{ VALUES ?focusGraph {{ {values} }} GRAPH ?focusGraph {{ ?this ?focusP ?focusO }} }}"
    where = _WHERE.search(check.query)
    return f"{check.query[:where.end()]} {guard} {check.query[where.end():]}"


@dataclass(frozen=True)
class ScaleReport(Report):
    """A validation report that also says, per check, how long it took and how many results it found."""

    timings: tuple[tuple[str, float, int], ...] = ()

    def by_check(self) -> dict[str, int]:
        return {name: found for name, _, found in self.timings if found}


def run_check(store: Store, check: Check, focus_graphs: Sequence[str] = ()) -> tuple[list[Result], float]:
    """One check's results (not yet located) and the seconds it took."""
    started = time.perf_counter()
    query = restrict(check, focus_graphs) if focus_graphs else check.query
    results = []
    for row in store.query(query, use_default_graph_as_union=True):
        value, path = _get(row, "value"), _get(row, "path")
        results.append(Result(severity=check.severity, focus=row["this"].value,
                              path=path.value if path is not None else check.path,
                              component=check.component, message=_fill(check.message, row),
                              value=value.value if value is not None else None, location=None))
    return results, round(time.perf_counter() - started, 3)


def validate(store: Store, select: Callable[[Check], bool] = lambda c: True, focus_graphs: Sequence[str] = (),
             locate: bool = True, step: Callable[[str], None] = lambda s: None) -> ScaleReport:
    """Run the translated shapes (those ``select`` keeps, e.g. ``lineage``) on ``store``, the union
    of its graphs, on the nodes of ``focus_graphs`` only when given; results located by source record."""
    checks_ = store_checks(store, select)
    done = []
    for check in checks_:
        step(str(check))
        done.append(run_check(store, check, focus_graphs))
    results = [r for found, _ in done for r in found]
    timings = tuple((str(c), seconds, len(found)) for c, (found, seconds) in zip(checks_, done))
    if locate and results:
        where = locations(store, {r.focus for r in results})
        results = [Result(**{**r.__dict__, "location": where.get(r.focus)}) for r in results]
    unique = sorted(set(results), key=lambda r: (r.location or "", r.focus, r.path or "", r.component, r.value or ""))
    return ScaleReport(tuple(unique), timings)


def _get(row, name: str):
    try:
        return row[name]
    except (KeyError, IndexError):
        return None


_PLACEHOLDER = re.compile(r"\{[?$](\w+)\}")


def _fill(message: str, row) -> str:
    """SHACL message templates: {?var} and {$this} replaced by the row's values."""
    def value(match):
        found = _get(row, "this" if match[1] == "this" else match[1])
        return found.value if found is not None else match[0]
    return _PLACEHOLDER.sub(value, message)


def locations(store: Store, focus: Iterable[str], chunk: int = 2000) -> dict[str, str]:
    """focus IRI -> the source record (file:line) it was read from: its own, its release's (a
    model), or its asset's (a release); the first one in order when there are several."""
    found: dict[str, str] = {}
    nodes = sorted(f for f in focus if f.startswith("http"))
    record, release_of = f"<{ns.AIVC}sourceRecord>", f"<{ns.AIVC}releaseOf>"
    for i in range(0, len(nodes), chunk):
        values = " ".join(f"<{n}>" for n in nodes[i:i + chunk])
        rows = store.query(f"""SELECT ?f (MIN(STR(?r)) AS ?record) WHERE {{
              VALUES ?f {{ {values} }}
              {{ ?f {record} ?r }} UNION {{ ?release {release_of} ?f ; {record} ?r }} UNION {{ ?f {release_of}/{record} ?r }}
            }} GROUP BY ?f""", use_default_graph_as_union=True)
        for row in rows:
            if row["record"] is not None:
                found[row["f"].value] = row["record"].value
    return found


LINEAGE_SHAPES = ("DerivedModelShape", "ReleaseOrderShape", "ReportedReleaseOrderShape", "LicenceInheritanceShape")


def lineage(check: Check) -> bool:
    """The shapes that matter for lineage: dangling bases and cycles (DerivedModelShape), date order
    (ReleaseOrderShape for aivc's own releases, ReportedReleaseOrderShape for the sources') and
    licence drift towards more permissive terms (LicenceInheritanceShape)."""
    return check.shape.rsplit("#", 1)[-1] in LINEAGE_SHAPES
