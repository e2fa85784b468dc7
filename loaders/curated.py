"""The curated dataset (data/*.yaml, format in data/README.md) to RDF, each fact in its source's graph.

A file is read as one YAML document (files are small: one organization each); records are turned
into quads one by one. Every fact lands in the named graph of the source that states it
(``graph/curated/FILE/SOURCE-KEY``), whose description in the provenance graph names the document's
URL, title and date. Problems are reported with file, line and field; a bad record emits nothing.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pyoxigraph import Literal, NamedNode, Quad

from aivc import ns, paths, vocab
from aivc.problems import Problem, Report
from loaders.located_yaml import LocatedDict, load

SLUG = re.compile(r"^[a-z0-9][a-z0-9.-]*$")
URL = re.compile(r"^https?://\S+$")
CURATED_DATASET = ns.resource("dataset", "curated")

T = ns.term
RDF_TYPE = NamedNode(ns.RDF + "type")
LABEL = NamedNode(ns.RDFS + "label")
COMMENT = NamedNode(ns.RDFS + "comment")
SEE_ALSO = NamedNode(ns.RDFS + "seeAlso")
IDENTIFIER = NamedNode(ns.DCTERMS + "identifier")
TITLE = NamedNode(ns.DCTERMS + "title")
DATE = NamedNode(ns.DCTERMS + "date")
PUBLISHER = NamedNode(ns.DCTERMS + "publisher")
IS_PART_OF = NamedNode(ns.DCTERMS + "isPartOf")
DERIVED_FROM = NamedNode(ns.PROV + "wasDerivedFrom")
SAME_AS = NamedNode(ns.OWL + "sameAs")
SCHEMA_URL = NamedNode(ns.SCHEMA + "url")
RETRIEVED_ON = NamedNode("http://purl.org/pav/retrievedOn")  # PAV: when a copy of the document was read

MODEL_CLASSES = {
    "foundation": ("FoundationModel", None),
    "fine-tune": ("FineTunedModel", "fineTunedFrom"),
    "quantization": ("QuantizedModel", "quantizedFrom"),
    "merge": ("MergedModel", "mergedFrom"),
    "distillation": ("DistilledModel", "distilledFrom"),
}
PARTNERSHIP_CLASSES = {
    "investment": "Investment",
    "cloud-partnership": "CloudPartnership",
    "distribution-partnership": "DistributionPartnership",
}

# The fields each record may carry; anything else is reported (a typo must not vanish).
FIELDS = {
    "file": {"sources", "organization", "models", "licences", "partnerships"},
    "source": {"url", "title", "date", "retrieved", "publisher"},
    "organization": {"id", "name", "aliases", "owner_type", "country", "parent", "roles", "website",
                     "wikidata", "source", "field_sources"},
    "model": {"id", "name", "aliases", "type", "base_model", "developer", "released", "tier", "licence",
              "channels", "primary_channel", "parameters", "modality", "described_as_open_source",
              "huggingface", "source", "field_sources"},
    "licence": {"id", "name", "url", "spdx", "osi_approved", "restrictions", "source", "field_sources"},
    "restriction": {"type", "threshold", "note", "source"},
    "partnership": {"type", "partner", "date", "exclusive_cloud", "note", "source", "field_sources"},
}


class BadValue(ValueError):
    """A field's value that cannot become a fact; the message says why, in the contributor's words."""


@dataclass
class Ids:
    """Ids defined so far and references waiting to be resolved once every file is read."""

    defined: dict[str, dict[str, str]] = field(default_factory=lambda: {"organization": {}, "model": {}, "licence": {}})
    references: list[tuple[str, str, Problem]] = field(default_factory=list)

    def define(self, kind: str, ident: str, where: str) -> str | None:
        """Register an id; returns where it was first defined when it is a duplicate."""
        first = self.defined[kind].setdefault(ident, where)
        return None if first == where else first

    def expect(self, kind: str, ident: str, where: Problem) -> None:
        self.references.append((kind, ident, where))

    def unresolved(self) -> Iterator[Problem]:
        for kind, ident, where in self.references:
            if ident not in self.defined[kind]:
                near = difflib.get_close_matches(ident, self.defined[kind], n=1)
                hint = f"; did you mean '{near[0]}'?" if near else ""
                yield Problem(where.file, where.line, where.field, f"'{ident}' is not a known {kind} id{hint}")


class Record:
    """One YAML mapping of a curated file, with the helpers that turn its fields into facts."""

    def __init__(self, kind: str, data: LocatedDict, file: "CuratedFile", report: Report):
        self.kind, self.data, self.file, self._report = kind, data, file, report
        self.ok = True

    def problem(self, key: str | None, message: str) -> None:
        self.ok = False
        line = self.data.line_of(key) if key else self.data.line
        self._report(Problem(self.file.name, line, key, message))

    def check_fields(self) -> None:
        for key in self.data:
            if key not in FIELDS[self.kind]:
                allowed = ", ".join(sorted(FIELDS[self.kind]))
                self.problem(str(key), f"unknown field in {self.kind} record (allowed: {allowed})")

    def value(self, key: str, parse, required: bool = False):
        """The field parsed by ``parse``, None when absent; problems are reported, not raised."""
        raw = self.data.get(key)
        if raw is None or raw == "" or raw == []:
            if required:
                self.problem(key, f"required field '{key}' is missing")
            return None
        try:
            return parse(raw)
        except BadValue as bad:
            self.problem(key, str(bad))
            return None

    def graph_for(self, key: str) -> NamedNode | None:
        """The named graph of the source that states this field."""
        overrides = self.data.get("field_sources") or {}
        source = overrides.get(key) if isinstance(overrides, dict) else None
        return self.file.graph_of(source or self.data.get("source"))

    def check_sources(self) -> None:
        if "source" not in self.data or not self.data.get("source"):
            self.problem("source", "every record needs a 'source' (a key of this file's sources)")
        elif self.file.graph_of(self.data["source"]) is None:
            self.problem("source", f"'{self.data['source']}' is not a key of this file's sources")
        overrides = self.data.get("field_sources") or {}
        if not isinstance(overrides, dict):
            self.problem("field_sources", "must be a mapping of field name to source key")
            return
        for key, source in overrides.items():
            if key not in FIELDS[self.kind]:
                self.problem("field_sources", f"'{key}' is not a field of a {self.kind} record")
            elif self.file.graph_of(source) is None:
                self.problem("field_sources", f"'{source}' (for {key}) is not a key of this file's sources")

    def where(self, key: str) -> Problem:
        return Problem(self.file.name, self.data.line_of(key), key, "")


# --- value parsers: raw YAML value -> RDF term, or BadValue with the reason --------------------------

def text(raw) -> Literal:
    if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
        raise BadValue(f"expected text, got {type(raw).__name__}")
    return Literal(str(raw).strip())


def slug(raw) -> str:
    if not isinstance(raw, str) or not SLUG.match(raw):
        raise BadValue(f"'{raw}' is not an id: lowercase letters, digits, '.' and '-' only")
    return raw


def url(raw) -> NamedNode:
    if not isinstance(raw, str) or not URL.match(raw.strip()):
        raise BadValue(f"'{raw}' is not an http(s) URL")
    return NamedNode(raw.strip())


def date(raw) -> Literal:
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if isinstance(raw, dt.date):
        return Literal(raw.isoformat(), datatype=NamedNode(ns.XSD + "date"))
    text_ = str(raw).strip()
    if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text_):
        return Literal(text_, datatype=NamedNode(ns.XSD + "gYearMonth"))
    if re.fullmatch(r"(19|20)\d{2}", text_):
        return Literal(text_, datatype=NamedNode(ns.XSD + "gYear"))
    raise BadValue(f"'{raw}' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)")


def count(raw) -> Literal:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw <= 0:
        raise BadValue(f"'{raw}' is not a positive whole number")
    return Literal(str(raw), datatype=NamedNode(ns.XSD + "integer"))


def boolean(raw) -> Literal:
    if not isinstance(raw, bool):
        raise BadValue(f"'{raw}' is not true or false")
    return Literal("true" if raw else "false", datatype=NamedNode(ns.XSD + "boolean"))


def country(raw) -> Literal:
    if not isinstance(raw, str) or not re.fullmatch(r"[A-Z]{2}", raw):
        raise BadValue(f"'{raw}' is not an ISO 3166-1 alpha-2 country code (e.g. US, FR, CN)")
    return Literal(raw)


def listed(parse):
    def parse_list(raw):
        items = raw if isinstance(raw, list) else [raw]
        return [parse(item) for item in items]
    return parse_list


def one_of(concept_class: str):
    """A slug of the ontology's concept scheme (the allowed values are written once, in schemes.ttl)."""
    def parse(raw) -> NamedNode:
        allowed = vocab.slugs(concept_class)
        if not isinstance(raw, str) or raw not in allowed:   # a list or mapping here is no slug either
            raise BadValue(f"'{raw}' is not one of: {', '.join(allowed)}")
        return NamedNode(allowed[raw])
    return parse


def choice(options: dict):
    def parse(raw):
        if not isinstance(raw, str) or raw not in options:
            raise BadValue(f"'{raw}' is not one of: {', '.join(options)}")
        return options[raw]
    return parse


# --- files --------------------------------------------------------------------------------------------

class CuratedFile:
    """One file of the curated format. Contributed files (aivc.contrib) reuse it: their facts go to graphs
    under ``graph_base`` and to their own ``dataset``, their name need not be an organization id, and
    ``stated`` tells them where in the file each fact was read."""

    def __init__(self, path: Path, root: Path, ids: Ids, report: Report, *,
                 graph_base: tuple[str, ...] | None = None, dataset: NamedNode = CURATED_DATASET,
                 file_named_by_org: bool = True):
        self.path, self.ids, self.report = path, ids, report
        self.name = path.relative_to(root.parent).as_posix() if root.parent in path.parents else path.name
        self.stem = path.stem
        self.graph_base = graph_base or ("curated", self.stem)
        self.dataset = dataset
        self.file_named_by_org = file_named_by_org
        self.sources: dict[str, NamedNode] = {}
        self.org_id: str | None = None

    def graph_of(self, source_key) -> NamedNode | None:
        return self.sources.get(source_key) if isinstance(source_key, str) else None

    def position(self, line: int) -> str:
        """Where a record stands, as messages name it (a CSV file says 'row N')."""
        return f"{self.name}:{line}"

    def stated(self, quad: Quad, rec: "Record", key: str | None) -> Quad:
        """Called for every quad a record yields, with the field it was read from; returns the quad."""
        return quad

    def quads(self) -> Iterator[Quad]:
        try:
            doc = load(self.path)
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            line = mark.line + 1 if mark else None
            reason = getattr(err, "problem", None) or str(err).splitlines()[0]
            self.report(Problem(self.name, line, None, f"not valid YAML: {reason}"))
            return
        except UnicodeDecodeError as err:
            self.report(Problem(self.name, None, None, f"not UTF-8 text: {err.reason} at byte {err.start}"))
            return
        if not isinstance(doc, dict):
            self.report(Problem(self.name, 1, None, "a curated file must be a mapping with sources, organization, models..."))
            return
        yield from self.document_quads(doc)

    def document_quads(self, doc: LocatedDict) -> Iterator[Quad]:
        """The quads of a parsed document (a mapping with sources, organization, models...)."""
        top = Record("file", doc, self, self.report)
        top.check_fields()
        yield from self._sources(doc)
        if isinstance(doc.get("organization"), dict):
            yield from organization(Record("organization", doc["organization"], self, self.report))
        elif "organization" in doc:
            top.problem("organization", "must be a mapping")
        for key, build in (("models", model), ("licences", licence), ("partnerships", partnership)):
            items = doc.get(key) or []
            if not isinstance(items, list):
                top.problem(key, f"'{key}' must be a list of records")
                continue
            for item in items:
                if not isinstance(item, dict):
                    top.problem(key, f"each entry of '{key}' must be a mapping, got {item!r}")
                    continue
                yield from build(Record(key.rstrip("s") if key != "licences" else "licence", item, self, self.report))

    def _sources(self, doc: dict) -> Iterator[Quad]:
        sources = doc.get("sources")
        if not isinstance(sources, dict) or not sources:
            Record("file", doc, self, self.report).problem("sources", "a curated file needs a 'sources' mapping")
            return
        prov = ns.PROVENANCE_GRAPH
        for key, entry in sources.items():
            if not isinstance(entry, dict):
                Record("file", doc, self, self.report).problem("sources", f"source '{key}' must be a mapping with url, title, date")
                continue
            rec = Record("source", entry, self, self.report)
            rec.check_fields()
            link, title = rec.value("url", url, True), rec.value("title", text, True)
            stated, retrieved = rec.value("date", date), rec.value("retrieved", date)
            if stated is None and retrieved is None and rec.ok:
                rec.problem("date", "a source needs the date it states ('date'), or, when it states none, "
                                    "the date it was read ('retrieved')")
            if not rec.ok:
                continue
            g = ns.graph(*self.graph_base, str(key))
            self.sources[str(key)] = g
            described = [(g, DERIVED_FROM, link), (g, IS_PART_OF, self.dataset), (g, T("sourceFile"), Literal(self.name)),
                         (link, TITLE, title), (link, DATE, stated), (link, RETRIEVED_ON, retrieved),
                         (link, PUBLISHER, rec.value("publisher", text))]
            for subject, predicate, obj in described:
                if obj is not None:
                    yield self.stated(Quad(subject, predicate, obj, prov), rec, None)


def _start(rec: Record, kind: str) -> str | None:
    """Common opening of a record with an id: fields known, sources resolvable, id new."""
    rec.check_fields()
    rec.check_sources()
    ident = rec.value("id", slug, True)
    if ident:
        first = rec.file.ids.define(kind, ident, rec.file.position(rec.data.line))
        if first:
            rec.problem("id", f"{kind} id '{ident}' is already defined at {first}")
    return ident


def _emit(rec: Record, facts: Iterable[tuple[NamedNode, NamedNode, object, str]]) -> Iterator[Quad]:
    """Quads for (subject, predicate, object, field) facts, each in the graph of its field's source."""
    if not rec.ok:
        return
    for subject, predicate, obj, key in facts:
        if obj is None:
            continue
        graph = rec.graph_for(key)
        for o in obj if isinstance(obj, list) else [obj]:
            yield rec.file.stated(Quad(subject, predicate, o, graph), rec, key)


def _emit_record(rec: Record, node: NamedNode, facts) -> Iterator[Quad]:
    """A record's facts, then where it stands (file:line) in the provenance graph."""
    yield from _emit(rec, facts)
    if rec.ok:
        yield rec.file.stated(Quad(node, T("sourceRecord"), Literal(rec.file.position(rec.data.line)),
                                   ns.PROVENANCE_GRAPH), rec, None)


def _reference(rec: Record, key: str, kind: str, ident: str | None) -> NamedNode | None:
    if ident is None:
        return None
    rec.file.ids.expect(kind, ident, rec.where(key))
    return ns.resource({"organization": "org"}.get(kind, kind), ident)


def organization(rec: Record) -> Iterator[Quad]:
    ident = _start(rec, "organization")
    if ident and rec.file.file_named_by_org and ident != rec.file.stem:
        rec.problem("id", f"organization id '{ident}' must equal the file name '{rec.file.stem}'")
    rec.file.org_id = ident
    node = ns.resource("org", ident or "_")
    facts = [
        (node, RDF_TYPE, T("Organization"), "id"),
        (node, IDENTIFIER, Literal(ident or ""), "id"),
        (node, LABEL, rec.value("name", text, True), "name"),
        (node, T("alias"), rec.value("aliases", listed(text)), "aliases"),
        (node, T("ownerType"), rec.value("owner_type", one_of("OwnerType")), "owner_type"),
        (node, T("country"), rec.value("country", country), "country"),
        (node, T("parentOrganization"), _reference(rec, "parent", "organization", rec.value("parent", slug)), "parent"),
        (node, T("role"), rec.value("roles", listed(one_of("OrganizationRole"))), "roles"),
        (node, SCHEMA_URL, rec.value("website", url), "website"),
        (node, SAME_AS, rec.value("wikidata", _wikidata), "wikidata"),
    ]
    yield from _emit_record(rec, node, facts)


def _wikidata(raw) -> NamedNode:
    if not isinstance(raw, str) or not re.fullmatch(r"Q\d+", raw):
        raise BadValue(f"'{raw}' is not a Wikidata item id (Q followed by digits)")
    return NamedNode("http://www.wikidata.org/entity/" + raw)


def model(rec: Record) -> Iterator[Quad]:
    ident = _start(rec, "model")
    node, release = ns.resource("model", ident or "_"), ns.resource("release", ident or "_")
    kind = rec.value("type", choice(MODEL_CLASSES), True)
    base = rec.value("base_model", listed(slug))
    if kind and kind[1] and not base:
        rec.problem("base_model", f"a {rec.data['type']} model needs a base_model")
    if kind and not kind[1] and base:
        rec.problem("base_model", "a foundation model has no base_model (use type fine-tune, quantization, merge or distillation)")
    developer_id = rec.value("developer", slug) or rec.file.org_id
    if developer_id is None:
        rec.problem("developer", "no developer: the file has no organization and the model names none")
    developer = _reference(rec, "developer", "organization", developer_id) if rec.data.get("developer") else (
        ns.resource("org", developer_id) if developer_id else None)
    channels = rec.value("channels", listed(one_of("DistributionChannel")))
    primary = rec.value("primary_channel", one_of("DistributionChannel"))
    if primary and channels and primary not in channels:
        rec.problem("primary_channel", f"'{rec.data['primary_channel']}' is not among the model's channels")
    licence_id = rec.value("licence", slug)
    facts = [
        (node, RDF_TYPE, T(kind[0]) if kind else None, "type"),
        (node, IDENTIFIER, Literal(ident or ""), "id"),
        (node, LABEL, rec.value("name", text, True), "name"),
        (node, T("alias"), rec.value("aliases", listed(text)), "aliases"),
        (node, T("developedBy"), developer, "developer"),
        (node, T(kind[1]) if kind and kind[1] else None,
         [_reference(rec, "base_model", "model", b) for b in base or []] or None, "base_model"),
        (node, T("parameterCount"), rec.value("parameters", count), "parameters"),
        (node, T("modality"), rec.value("modality", text), "modality"),
        (node, T("describedAsOpenSource"), rec.value("described_as_open_source", boolean), "described_as_open_source"),
        (node, T("huggingFaceId"), rec.value("huggingface", text), "huggingface"),
        (release, RDF_TYPE, T("Release"), "id"),
        (release, T("releaseOf"), node, "id"),
        (release, T("releasedBy"), developer, "developer"),
        (release, T("releaseDate"), rec.value("released", date), "released"),
        (release, T("accessTier"), rec.value("tier", one_of("AccessTier"), True), "tier"),
        (release, T("licence"), _reference(rec, "licence", "licence", licence_id), "licence"),
        (release, T("channel"), channels, "channels"),
        (release, T("primaryChannel"), primary, "primary_channel"),
    ]
    yield from _emit_record(rec, node, facts)


def licence(rec: Record) -> Iterator[Quad]:
    ident = _start(rec, "licence")
    node = ns.resource("licence", ident or "_")
    spdx = rec.value("spdx", _spdx)
    facts = [
        (node, RDF_TYPE, T("Licence"), "id"),
        (node, IDENTIFIER, Literal(ident or ""), "id"),
        (node, LABEL, rec.value("name", text, True), "name"),
        (node, SEE_ALSO, rec.value("url", url), "url"),
        (node, T("spdxId"), spdx, "spdx"),
        (node, SAME_AS, NamedNode(ns.SPDX_LICENCES + spdx.value) if spdx else None, "spdx"),
        (node, T("osiApproved"), rec.value("osi_approved", boolean, True), "osi_approved"),
    ]
    restrictions = rec.data.get("restrictions") or []
    if not isinstance(restrictions, list):
        rec.problem("restrictions", "must be a list of restriction records")
        restrictions = []
    clauses = [Record("restriction", r, rec.file, rec._report) for r in restrictions if isinstance(r, dict)]
    if len(clauses) != len(restrictions):
        rec.problem("restrictions", "each restriction must be a mapping with type, source and optional threshold, note")
    seen: set[str] = set()
    for clause in clauses:
        clause.check_fields()
        clause.check_sources()
        kind = clause.value("type", one_of("RestrictionTerm"), True)
        if kind is None:
            continue
        slug_ = clause.data["type"]
        if slug_ in seen:
            clause.problem("type", f"restriction '{slug_}' is listed twice for licence '{ident}'")
        seen.add(slug_)
        threshold = clause.value("threshold", count)
        if slug_ == "user-count-threshold" and threshold is None:
            clause.problem("threshold", "a user-count-threshold restriction needs the threshold (monthly active users)")
        r = ns.resource("licence", ident or "_", slug_)
        facts += [(node, T("hasRestriction"), r, "restrictions")]
        yield from _emit(clause, [
            (r, RDF_TYPE, T("LicenceRestriction"), "type"),
            (r, T("restrictionType"), kind, "type"),
            (r, T("userThreshold"), threshold, "threshold"),
            (r, COMMENT, clause.value("note", text), "note"),
        ])
        rec.ok = rec.ok and clause.ok
    yield from _emit_record(rec, node, facts)


def _spdx(raw) -> Literal:
    if not isinstance(raw, str) or not re.fullmatch(r"[A-Za-z0-9.+-]+", raw):
        raise BadValue(f"'{raw}' is not an SPDX licence id")
    return Literal(raw)


def partnership(rec: Record) -> Iterator[Quad]:
    rec.check_fields()
    rec.check_sources()
    kind = rec.value("type", choice(PARTNERSHIP_CLASSES), True)
    partner_id = rec.value("partner", slug, True)
    stated = rec.value("date", date)
    lead = rec.file.org_id
    if lead is None:
        rec.problem("partnerships", "partnerships belong in an organization's file")
    node = ns.resource("partnership", f"{lead}-{rec.data.get('type')}-{partner_id}-{stated.value if stated else 'undated'}")
    yield from _emit_record(rec, node, [
        (node, RDF_TYPE, T(kind) if kind else None, "type"),
        (node, T("leadPartner"), ns.resource("org", lead) if lead else None, "source"),
        (node, T("partner"), _reference(rec, "partner", "organization", partner_id), "partner"),
        (node, DATE, stated, "date"),
        (node, T("exclusiveCloud"), rec.value("exclusive_cloud", boolean), "exclusive_cloud"),
        (node, COMMENT, rec.value("note", text), "note"),
    ])


def curated_files(root: Path) -> list[Path]:
    """The curated YAML files under root (data/), in a stable order."""
    return sorted(p for p in root.rglob("*.yaml") if p.is_file())


def read_curated(root: Path = paths.DATA, report: Report = print, files: Iterable[Path] | None = None) -> Iterator[Quad]:
    """Stream the quads of the curated dataset; problems go to ``report``.

    References (base models, parents, partners, licences) may point into any file, so they are
    checked once all files are read.
    """
    ids = Ids()
    yield Quad(CURATED_DATASET, RDF_TYPE, NamedNode(ns.DCAT + "Dataset"), ns.PROVENANCE_GRAPH)
    yield Quad(CURATED_DATASET, TITLE, Literal("aivc curated dataset"), ns.PROVENANCE_GRAPH)
    for path in files if files is not None else curated_files(root):
        yield from CuratedFile(Path(path), root, ids, report).quads()
    for problem in ids.unresolved():
        report(problem)


def main(argv: list[str]) -> int:
    """Check curated files: python -m loaders.curated [FILE...] (default: all of data/).

    All of data/ is read, since references cross files; problems are shown for the files named.
    """
    problems: list[Problem] = []
    n = sum(1 for _ in read_curated(paths.DATA, problems.append))
    names = {Path(a).name for a in argv}
    problems = [p for p in problems if not names or Path(p.file).name in names]
    for p in sorted(problems, key=lambda p: (p.file, p.line or 0)):
        print(p)
    print(f"{n} quads, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
