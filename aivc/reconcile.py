"""Entity reconciliation: the same organization or asset gets one IRI across every source.

The curated data's IRIs (``org/ID``, ``model/ID``) are canonical. A source record is matched
against what the graph already names (curated records, and the records of sources loaded
before it) by these rules, tried in order; the first that gives one candidate wins:

organizations
  ``exact-name``            the name (or one of its variants: without a parenthetical, the
                            acronym in parentheses, each side of " / ", a group of
                            mappings/organizations.yaml) equals a name or alias, letters and
                            digits compared without case
  ``name-without-suffix``   equal once legal suffixes (Inc., Ltd., Corp...) are dropped
  ``unit-of-organization``  equal to a *curated* organization once unit words (Research, AI,
                            Brain, DeepMind...) are dropped: "Google Brain" -> Google
  a string naming several organizations ("Meta, CMU", "Microsoft & Peking University") is
  split and each part reconciled.
assets (models, datasets, applications; only within one kind)
  ``huggingface-id``        the same Hugging Face repository id
  ``exact-name``            the same name or alias, from an entity whose developer agrees with
                            the record's organization (or its parent or unit); a name with a
                            version or size in it ("ChatGLM-6B") matches its one candidate even
                            when the developers differ: that disagreement is then a conflict
                            the conflict report shows
  ``name-without-size``     equal once a size in parentheses is dropped ("PaLM (540B)"), and
                            the developers agree

Whatever matches nothing gets a new IRI ``KIND/SOURCE/SLUG`` (minted by the first source that
names it). References to upstream assets (dependencies, base models) are resolved with the same
rules but never mint: a name that points at nothing is reported and kept as
``aivc:unresolvedDependency``.

Sources only state what they say (aliases, releases, relations) in their own graphs. What the
graph needs once per entity (one name, a developer) for entities no curated record describes is
chosen by ``derive`` into the graph ``graph/reconciled``: the name and developer of the source
that comes first in the registry order.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field

from pyoxigraph import Literal, NamedNode, Quad, Store

from . import ns
from .mappings import Mappings, default as default_mappings, name_key

RECONCILED_GRAPH = ns.graph("reconciled")
MAPPED_LICENCES_GRAPH = ns.graph("mappings", "licences")
CURATED_PREFIX = ns.graph("curated").value + "/"
SOURCE_PREFIX = ns.graph("source").value + "/"

KIND_CLASSES = {"organization": "Organization", "model": "AIModel", "dataset": "Dataset", "application": "Application"}
KIND_PATHS = {"organization": "org", "model": "model", "dataset": "dataset", "application": "application"}
SIZE_QUALIFIER = re.compile(r"\s*\((?:[^()]*?\b)?\d+(?:\.\d+)?\s*[KMBT]\b[^()]*\)", re.IGNORECASE)
PARENTHETICAL = re.compile(r"\s*\(([^()]*)\)")
ORG_SEPARATORS = re.compile(r"\s*(?:,|;|\s&\s|\s\+\s)\s*")


class Row:
    """A record of a report, as the plain mapping the command line prints and sources.json keeps."""

    def row(self) -> dict:
        return asdict(self)


@dataclass
class Entity:
    iri: str
    kind: str
    curated: bool = False
    names: set[str] = field(default_factory=set)
    orgs: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Match(Row):
    """One record's reconciliation: which entity, by which rule (or 'new' when minted)."""

    source: str
    kind: str
    record: str
    name: str
    iri: str
    rule: str
    curated: bool


@dataclass(frozen=True)
class Unresolved(Row):
    """A reference to an upstream asset that matches nothing in the graph."""

    source: str
    record: str
    field: str
    name: str


def slugify(name: str) -> str:
    import unicodedata
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9.]+", "-", folded).strip("-.") or "unnamed"


def distinctive(name: str) -> bool:
    """A name specific enough to match even when the sources name different developers:
    it carries a version or size ("GPT-4", "ChatGLM-6B"), unlike "Otter" or "Gopher"."""
    return bool(re.search(r"\d", name)) and len(name_key(name)) >= 4


def without_size(name: str) -> str:
    """'PaLM (540B)' -> 'PaLM'; other parentheticals ('GLM-4 (0520)') are part of the name."""
    return SIZE_QUALIFIER.sub("", name).strip()


class Reconciler:
    """The index of named entities and the matching rules (see the module docstring)."""

    def __init__(self, mappings: Mappings | None = None):
        self.mappings = mappings or default_mappings()
        orgs = self.mappings.organizations
        self._legal = set(orgs["legal_suffixes"])
        self._units = set(orgs["unit_words"])
        self._groups: dict[str, list[str]] = {}
        for group in orgs.get("same_organization") or []:
            for member in group:
                self._groups[name_key(member)] = group
        self.entities: dict[str, Entity] = {}
        self._names: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self._sized: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self._org_core: dict[str, set[str]] = defaultdict(set)
        self._org_unitless: dict[str, set[str]] = defaultdict(set)
        self._hf: dict[str, str] = {}
        self._parents: dict[str, set[str]] = defaultdict(set)
        self._minted: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.matches: list[Match] = []
        self._logged: set[tuple] = set()
        self.unresolved: list[Unresolved] = []

    # --- the index ------------------------------------------------------------------------------

    def add(self, iri: str, kind: str, names: Iterable[str] = (), orgs: Iterable[str] = (),
            hf_ids: Iterable[str] = (), curated: bool = False) -> Entity:
        """Register an entity (or more names, developers, Hub ids of one) in the index."""
        entity = self.entities.setdefault(iri, Entity(iri, kind))
        entity.curated = entity.curated or curated
        entity.orgs.update(orgs)
        for name in names:
            if not name or name in entity.names:
                continue
            entity.names.add(name)
            self._names[kind][name_key(name)].add(iri)
            if without_size(name) != name:
                self._sized[kind][name_key(without_size(name))].add(iri)
            if kind == "organization":
                self._org_core[self._core(name)].add(iri)
                if entity.curated:
                    self._org_unitless[self._unitless(name)].add(iri)
        for hf in hf_ids:
            self._hf.setdefault(hf.casefold(), iri)
        return entity

    def add_parent(self, child: str, parent: str) -> None:
        self._parents[child].add(parent)

    def is_curated(self, iri: str) -> bool:
        return iri in self.entities and self.entities[iri].curated

    @classmethod
    def from_store(cls, store: Store, exclude: Sequence[NamedNode] = (), mappings: Mappings | None = None) -> "Reconciler":
        """The index of everything the store names, leaving out the graphs in ``exclude``."""
        rec = cls(mappings)
        skip = ", ".join(str(g) for g in (*exclude, RECONCILED_GRAPH)) or "<urn:none>"
        kinds = " ".join(f"(aivc:{cls_} '{kind}')" for kind, cls_ in KIND_CLASSES.items())
        prefix = f"PREFIX aivc: <{ns.AIVC}>\nPREFIX rdfs: <{ns.RDFS}>\n"
        names = store.query(prefix + f"""
            SELECT DISTINCT ?e ?kind ?name ?g WHERE {{
              VALUES (?class ?kind) {{ {kinds} }}
              GRAPH ?g {{ ?e rdfs:label|aivc:alias ?name }}
              FILTER(?g NOT IN ({skip}))
              ?e a/rdfs:subClassOf* ?class .
            }}""", use_default_graph_as_union=True)
        for row in names:
            graph = row["g"].value
            rec.add(row["e"].value, row["kind"].value, [row["name"].value], curated=graph.startswith(CURATED_PREFIX))
        developers = store.query(prefix + f"""
            SELECT DISTINCT ?e ?org WHERE {{
              {{ GRAPH ?g {{ ?e aivc:developedBy ?org }} }} UNION {{ GRAPH ?g {{ ?r aivc:releaseOf ?e ; aivc:releasedBy ?org }} }}
              FILTER(?g NOT IN ({skip}))
            }}""", use_default_graph_as_union=True)
        for row in developers:
            if row["e"].value in rec.entities:
                rec.entities[row["e"].value].orgs.add(row["org"].value)
        for row in store.query(prefix + f"""
                SELECT ?e ?hf WHERE {{ GRAPH ?g {{ ?e aivc:huggingFaceId ?hf }} FILTER(?g NOT IN ({skip})) }}""",
                use_default_graph_as_union=True):
            rec._hf.setdefault(row["hf"].value.casefold(), row["e"].value)
        for row in store.query(prefix + "SELECT ?c ?p WHERE { ?c aivc:parentOrganization ?p }",
                               use_default_graph_as_union=True):
            rec.add_parent(row["c"].value, row["p"].value)
        return rec

    # --- organizations --------------------------------------------------------------------------

    def _tokens(self, name: str) -> list[str]:
        import unicodedata
        folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
        return re.findall(r"[a-z0-9]+", folded)

    def _core(self, name: str) -> str:
        tokens = self._tokens(name)
        while len(tokens) > 1 and tokens[-1] in self._legal:
            tokens.pop()
        return "".join(tokens)

    def _unitless(self, name: str) -> str:
        tokens = self._tokens(name)
        while len(tokens) > 1 and (tokens[-1] in self._legal or tokens[-1] in self._units):
            tokens.pop()
        return "".join(tokens)

    def _variants(self, name: str) -> list[str]:
        """Other spellings of one organization name that sources use."""
        found = [name]
        bare = PARENTHETICAL.sub("", name).strip()
        if bare and bare != name:
            found.append(bare)
        found += [inner.strip() for inner in PARENTHETICAL.findall(name)
                  if re.fullmatch(r"[A-Z][A-Za-z&]{1,9}", inner.strip())]
        found += [part.strip() for part in re.split(r"\s+/\s+", bare) if part.strip() and " / " in bare]
        for variant in list(found):
            found += self._groups.get(name_key(variant), [])
        return list(dict.fromkeys(found))

    def _find_org(self, name: str) -> tuple[str, str] | None:
        variants = self._variants(name)
        for rule, index, key in (("exact-name", self._names["organization"], name_key),
                                 ("name-without-suffix", self._org_core, self._core),
                                 ("unit-of-organization", self._org_unitless, self._unitless)):
            for variant in variants:
                candidates = index.get(key(variant), set())
                if len(candidates) == 1:
                    return next(iter(candidates)), rule
        return None

    def organizations(self, raw: str, source: str, record: str) -> list[tuple[str, str]]:
        """(IRI, spelling) of each organization a source's organization string names, minting new ones.

        Strings naming several organizations ("Meta, CMU", "A,B", "Microsoft & Peking University")
        are split first; a lone legal suffix stays with its name ("Continue Dev, Inc.")."""
        parts: list[str] = []
        for part in (p for p in ORG_SEPARATORS.split(" ".join(str(raw).split())) if p):
            if parts and name_key(part) in self._legal:
                parts[-1] = f"{parts[-1]}, {part}"
            else:
                parts.append(part)
        found = []
        for part in parts:
            match = self._find_org(part)
            iri = self._matched("organization", part, source, record, *match) if match else \
                self._mint("organization", part, source, record)
            found.append((iri, part))
        return found

    # --- assets ---------------------------------------------------------------------------------

    def _related(self, orgs: Iterable[str]) -> set[str]:
        """Organizations with their parents and children: a unit's model is its group's too."""
        out = set(orgs)
        for org in list(out):
            out |= self._parents.get(org, set())
        out |= {child for child, parents in self._parents.items() if parents & out}
        return out

    def _agrees(self, iri: str, orgs: set[str]) -> bool:
        known = self.entities[iri].orgs
        return not known or not orgs or bool(self._related(known) & self._related(orgs))

    def _choose(self, candidates: set[str], orgs: set[str], one_may_disagree: bool) -> str | None:
        agreeing = [c for c in candidates if self._agrees(c, orgs)]
        if len(agreeing) == 1:
            return agreeing[0]
        if not agreeing and one_may_disagree and len(candidates) == 1:
            return next(iter(candidates))
        curated = [c for c in agreeing if self.entities[c].curated]
        return curated[0] if len(curated) == 1 else None

    def _find_asset(self, kind: str, name: str, orgs: set[str], hf_ids: Iterable[str]) -> tuple[str, str] | None:
        for hf in hf_ids:
            iri = self._hf.get(hf.casefold())
            if iri and self.entities.get(iri, Entity(iri, "")).kind == kind:
                return iri, "huggingface-id"
        exact = self._names[kind].get(name_key(name))
        if exact and (iri := self._choose(exact, orgs, one_may_disagree=distinctive(name))):
            return iri, "exact-name"
        bare = without_size(name)
        sized = set(self._sized[kind].get(name_key(name), ()))          # "Gopher" -> "Gopher (280B)"
        if bare != name:
            sized |= self._names[kind].get(name_key(bare), set())       # "PaLM (540B)" -> "PaLM"
        if sized and (iri := self._choose(sized, orgs, one_may_disagree=False)):
            return iri, "name-without-size"
        return None

    def asset(self, kind: str, name: str, source: str, record: str, orgs: Iterable[str] = (),
              hf_ids: Iterable[str] = ()) -> str:
        """The IRI of the asset a source record describes (minting one when nothing matches)."""
        orgs, hf_ids = set(orgs), [h for h in hf_ids if h]
        found = self._find_asset(kind, name, orgs, hf_ids)
        if found:
            iri = self._matched(kind, name, source, record, *found)
        else:
            iri = self._mint(kind, name, source, record)
        self.add(iri, kind, orgs=orgs, hf_ids=hf_ids)
        return iri

    def reference(self, name: str, kinds: Sequence[str], source: str, record: str, field_: str,
                  orgs: Iterable[str] = ()) -> str | None:
        """The IRI of an upstream asset named by a dependency or base-model field, or None (reported)."""
        for kind in kinds:      # an upstream asset usually has another developer: orgs only break ties
            found = self._find_asset(kind, name, set(), ()) or self._find_asset(kind, name, set(orgs), ())
            if found:
                return found[0]
        self.unresolved.append(Unresolved(source, record, field_, name))
        return None

    # --- bookkeeping ----------------------------------------------------------------------------

    def _log(self, match: Match) -> None:
        """Keep the first record of each (source, kind, name, entity): the report lists names, not mentions."""
        key = (match.source, match.kind, name_key(match.name), match.iri)
        if key not in self._logged:
            self._logged.add(key)
            self.matches.append(match)

    def _matched(self, kind: str, name: str, source: str, record: str, iri: str, rule: str) -> str:
        self.add(iri, kind, [name])
        self._log(Match(source, kind, record, name, iri, rule, self.is_curated(iri)))
        return iri

    def _mint(self, kind: str, name: str, source: str, record: str) -> str:
        base = slugify(name)
        slug, n = base, 1
        while True:
            iri = ns.resource(KIND_PATHS[kind], source, slug).value
            if iri not in self.entities:
                break
            n += 1
            slug = f"{base}-{n}"
        self.add(iri, kind, [name])
        self._log(Match(source, kind, record, name, iri, "new", False))
        return iri


# --- what the graph needs once per entity -----------------------------------------------------------

def source_of_graph(graph: str) -> str | None:
    return graph[len(SOURCE_PREFIX):].split("/")[0] if graph.startswith(SOURCE_PREFIX) else None


def derive(store: Store, order: Sequence[str], mappings: Mappings | None = None) -> dict[str, int]:
    """Rebuild graph/reconciled (one name and developer per source-described entity) and
    graph/mappings/licences (descriptions of mapped licences no curated record describes).

    ``order`` lists source names, most trusted first. Returns how many facts each part added.
    """
    mappings = mappings or default_mappings()
    for graph in (RECONCILED_GRAPH, MAPPED_LICENCES_GRAPH):
        if store.contains_named_graph(graph):
            store.remove_graph(graph)
        for quad in list(store.quads_for_pattern(graph, None, None, ns.PROVENANCE_GRAPH)):
            store.remove(quad)
    rank = {name: i for i, name in enumerate(order)}

    def priority(graph: str, value: str) -> tuple:
        return rank.get(source_of_graph(graph), len(rank)), value

    prefix = f"PREFIX aivc: <{ns.AIVC}>\nPREFIX rdfs: <{ns.RDFS}>\n"
    label, developer = NamedNode(ns.RDFS + "label"), ns.term("developedBy")
    quads: list[Quad] = []
    names: dict[str, tuple] = {}
    for row in store.query(prefix + """
            SELECT ?e ?g ?name WHERE { GRAPH ?g { ?e aivc:alias ?name } FILTER NOT EXISTS { ?e rdfs:label ?l } }""",
            use_default_graph_as_union=True):
        candidate = priority(row["g"].value, row["name"].value)
        names[row["e"].value] = min(names.get(row["e"].value, candidate), candidate)
    quads += [Quad(NamedNode(e), label, Literal(name), RECONCILED_GRAPH) for e, (_, name) in names.items()]
    developers: dict[str, dict[tuple, set[str]]] = defaultdict(lambda: defaultdict(set))
    # From the releases that name who released them: the store would otherwise start from every
    # reported release (the Hub's million, which name no one) and look each one up.
    for row in store.query(prefix + """
            SELECT ?e ?g ?org WHERE {
              GRAPH ?g { ?r aivc:releasedBy ?org ; aivc:releaseOf ?e }
              FILTER EXISTS { GRAPH ?g { ?r a aivc:ReportedRelease } }
              FILTER NOT EXISTS { ?e aivc:developedBy ?any } }""", use_default_graph_as_union=True):
        developers[row["e"].value][priority(row["g"].value, "")].add(row["org"].value)
    for e, by_source in developers.items():
        quads += [Quad(NamedNode(e), developer, NamedNode(org), RECONCILED_GRAPH) for org in by_source[min(by_source)]]
    counts = {"names": len(names), "developers": len(developers)}
    # GROUP BY first: each licence is looked up once, not once per release that names it.
    licences = [row["l"].value for row in store.query(prefix + """
            SELECT ?l WHERE { { SELECT ?l WHERE { ?r aivc:licence ?l } GROUP BY ?l }
                              FILTER NOT EXISTS { ?l rdfs:label ?name } }""",
            use_default_graph_as_union=True)]
    by_iri = {entry.iri.value: entry for entry in mappings.licences.values()}
    described = [by_iri[iri] for iri in licences if iri in by_iri]
    quads += list(_licence_descriptions(described, mappings))
    counts["licences"] = len(described)
    snapshots = {row["d"] for row in store.query(f"""
            SELECT ?d WHERE {{ GRAPH <{ns.PROVENANCE_GRAPH.value}> {{ ?g <{ns.PROV}wasDerivedFrom> ?d }}
                              FILTER(STRSTARTS(STR(?g), "{SOURCE_PREFIX}")) }}""")}
    quads += list(_derived_provenance(sorted(snapshots, key=str), mappings, bool(described)))
    store.extend(quads)
    return counts


def _licence_descriptions(entries, mappings: Mappings):
    g = MAPPED_LICENCES_GRAPH
    for entry in entries:
        node = entry.iri
        yield Quad(node, NamedNode(ns.RDF + "type"), ns.term("Licence"), g)
        yield Quad(node, NamedNode(ns.DCTERMS + "identifier"), Literal(entry.ident), g)
        yield Quad(node, NamedNode(ns.RDFS + "label"), Literal(entry.name), g)
        yield Quad(node, ns.term("osiApproved"), Literal(entry.osi_approved), g)
        if entry.spdx:
            yield Quad(node, ns.term("spdxId"), Literal(entry.spdx), g)
            yield Quad(node, NamedNode(ns.OWL + "sameAs"), NamedNode(ns.SPDX_LICENCES + entry.spdx), g)


def _derived_provenance(snapshots, mappings: Mappings, licences: bool):
    prov = ns.PROVENANCE_GRAPH
    derived, title = NamedNode(ns.PROV + "wasDerivedFrom"), NamedNode(ns.DCTERMS + "title")
    description = NamedNode(ns.DCTERMS + "description")
    yield Quad(RECONCILED_GRAPH, description, Literal(
        "The one name and developer of each entity that no curated record describes, taken from the "
        "source that comes first in aivc's source order (aivc/reconcile.py)."), prov)
    for snapshot in snapshots:
        yield Quad(RECONCILED_GRAPH, derived, snapshot, prov)
    if licences:
        yield Quad(MAPPED_LICENCES_GRAPH, description, Literal(
            "Descriptions of the licences that mappings/licences.yaml maps source licence strings to."), prov)
        for source in mappings.licence_sources:
            document = NamedNode(source["url"])
            yield Quad(MAPPED_LICENCES_GRAPH, derived, document, prov)
            yield Quad(document, title, Literal(source["title"]), prov)


# --- where the sources disagree ----------------------------------------------------------------------

CONFLICT_FIELDS = ("tier", "licence", "date", "organization", "parameters")
PARAMETER_TOLERANCE = 0.05     # parameter counts within 5% are the same size, rounded differently

_CLAIMS = {
    "tier": "GRAPH ?g { ?release aivc:accessTier ?t } ?t aivc:slug ?value .",
    "licence": "GRAPH ?g { ?release aivc:licence ?l } ?l rdfs:label ?value .",
    "date": "GRAPH ?g { ?release aivc:releaseDate ?d } BIND(STR(?d) AS ?value)",
    "organization": "GRAPH ?g { ?release aivc:releasedBy ?o } ?o rdfs:label ?value .",
    "parameters": """{ GRAPH ?g { ?release aivc:reportedParameterCount ?n } } UNION
                     { ?release a aivc:CuratedRelease . GRAPH ?g { ?asset aivc:parameterCount ?n } }
                     BIND(STR(?n) AS ?value)""",
}


@dataclass(frozen=True)
class Claim(Row):
    asset: str
    name: str
    field: str
    source: str
    value: str
    record: str


def _source_name(graph: str) -> str:
    if graph.startswith(CURATED_PREFIX):
        return "curated"
    return source_of_graph(graph) or graph


def claims(store: Store, field_: str) -> list[Claim]:
    """Every source's claim on one field of an asset's release, with the record it was read from."""
    prefix = f"PREFIX aivc: <{ns.AIVC}>\nPREFIX rdfs: <{ns.RDFS}>\n"
    rows = store.query(prefix + f"""
        SELECT DISTINCT ?asset ?name ?g ?value ?record WHERE {{
          ?release aivc:releaseOf ?asset .
          {_CLAIMS[field_]}
          ?asset rdfs:label ?name .
          OPTIONAL {{ ?release aivc:sourceRecord ?own }}
          OPTIONAL {{ GRAPH <{ns.PROVENANCE_GRAPH.value}> {{ ?asset aivc:sourceRecord ?curated }} }}
          BIND(COALESCE(?own, ?curated, "") AS ?record)
        }}""", use_default_graph_as_union=True)
    return [Claim(r["asset"].value, r["name"].value, field_, _source_name(r["g"].value), r["value"].value,
                  r["record"].value) for r in rows]


def _disagree(field_: str, values: list[str]) -> bool:
    distinct = set(values)
    if field_ == "date":      # '2023-07' and '2023-07-18' agree: compare at the precision both give
        return any(not (a.startswith(b) or b.startswith(a)) for a in distinct for b in distinct)
    if field_ == "parameters":
        numbers = [float(v) for v in distinct]
        return max(numbers) > min(numbers) * (1 + PARAMETER_TOLERANCE)
    return len(distinct) > 1


def conflicts(store: Store, fields: Sequence[str] = CONFLICT_FIELDS) -> list[Claim]:
    """The claims on every (asset, field) where sources disagree, each with its source and record.

    Tier, licence, date: the values differ (dates at the precision both give). Organization: two
    sources name organizations none of which the other names. Parameters: the counts differ by
    more than 5%. Nothing is overwritten: every source keeps its claim, this lists them side by side.
    """
    found: list[Claim] = []
    for field_ in fields:
        by_asset: dict[str, list[Claim]] = defaultdict(list)
        for claim in claims(store, field_):
            by_asset[claim.asset].append(claim)
        for asset, group in by_asset.items():
            per_source: dict[str, set[str]] = defaultdict(set)
            for claim in group:
                per_source[claim.source].add(claim.value)
            if len(per_source) < 2:
                continue
            if field_ == "organization":
                sets = list(per_source.values())
                disputed = any(not (a & b) for a in sets for b in sets)
            else:
                disputed = _disagree(field_, [v for values in per_source.values() for v in values])
            if disputed:
                found += group
    return sorted(set(found), key=lambda c: (c.name, c.asset, CONFLICT_FIELDS.index(c.field), c.source, c.value))
