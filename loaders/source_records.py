"""What every loader of a public dataset shares: its graph, provenance, mappings, reconciliation.

A source loader is a function ``read(path, context) -> Iterator[Quad]`` (see aivc/sources.py).
It streams records from the snapshot at ``path`` and asks its ``SourceContext`` to

- locate each record (``context.where(file, line, key)``: file + line + key, kept as
  aivc:sourceRecord on what the record describes),
- reconcile names with the rest of the graph (``organizations``, ``asset``),
- turn the record's claims into a reported release (``release``: tier and licence mapped by
  mappings/*.yaml, the source's own values kept beside them),
- remember references to upstream assets (``refer``) that ``resolved()`` turns into typed
  relations once every record is read, reporting names that point at nothing,
- report what is bad or unknown (``problem``) and keep going.

Every fact lands in the source's one named graph (``graph/source/NAME``); ``snapshot`` describes
the dataset and its snapshot (DCAT) in the provenance graph.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from pyoxigraph import Literal, NamedNode, Quad

from aivc import ns
from aivc.mappings import Mappings, default as default_mappings
from aivc.problems import Problem, Report
from aivc.reconcile import KIND_CLASSES, Reconciler, slugify
from loaders.located_yaml import load

T = ns.term
RDF_TYPE = NamedNode(ns.RDF + "type")
XSD = ns.XSD
UNKNOWN = {"", "unknown", "none", "n/a", "na", "tbd", "unclear", "unspecified", "null", "?"}
MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m} | \
         {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}
UNITS = {"k": 10 ** 3, "m": 10 ** 6, "b": 10 ** 9, "t": 10 ** 12}


class BadValue(ValueError):
    """A field's value that cannot become a fact; the message says why."""


@dataclass(frozen=True)
class DatasetInfo:
    """How aivc describes a public dataset (DCAT), whatever snapshot of it is loaded."""

    name: str
    title: str
    publisher: str
    landing_page: str
    licence: str | None = None
    description: str = ""


@dataclass(frozen=True)
class Location:
    """Where a record stands: file (relative to the snapshot's parent folder), line, key."""

    file: str
    line: int | None
    key: str | None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        return where + (f" [{self.key}]" if self.key else "")


@dataclass
class Reference:
    subject: NamedNode
    relations: dict[str, str]        # upstream kind -> aivc property name
    name: str
    location: Location
    field: str
    orgs: tuple[str, ...] = ()
    derived_class: str | None = None  # e.g. FineTunedModel once the base is found


# --- value parsers shared by the loaders ---------------------------------------------------------

def is_unknown(raw) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip().casefold() in UNKNOWN)


def date(raw) -> Literal | None:
    """A release date in any of the sources' spellings; None when the source says it is unknown.

    Accepted: YAML dates, ISO dates and date-times, YYYY-MM, YYYY (also as a number), YYYY/MM/DD,
    'March 14, 2023', '14 March 2023', 'March 2023'.
    """
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if isinstance(raw, dt.date):
        return Literal(raw.isoformat(), datatype=NamedNode(XSD + "date"))
    if isinstance(raw, int) and not isinstance(raw, bool) and 1900 <= raw <= 2100:
        return Literal(str(raw), datatype=NamedNode(XSD + "gYear"))
    if is_unknown(raw):
        return None
    if not isinstance(raw, str):
        raise BadValue(f"expected a date, got {type(raw).__name__}")
    text = " ".join(raw.split())
    if m := re.fullmatch(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ][\d:.]+Z?)?", text):
        return _full_date(int(m[1]), int(m[2]), int(m[3]), raw)
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        if 1 <= int(m[2]) <= 12:
            return Literal(text, datatype=NamedNode(XSD + "gYearMonth"))
    if re.fullmatch(r"(19|20)\d{2}", text):
        return Literal(text, datatype=NamedNode(XSD + "gYear"))
    if m := re.fullmatch(r"([A-Za-z]+)\.? (\d{1,2}),? (\d{4})", text):
        if m[1].lower() in MONTHS:
            return _full_date(int(m[3]), MONTHS[m[1].lower()], int(m[2]), raw)
    if m := re.fullmatch(r"(\d{1,2}) ([A-Za-z]+)\.?,? (\d{4})", text):
        if m[2].lower() in MONTHS:
            return _full_date(int(m[3]), MONTHS[m[2].lower()], int(m[1]), raw)
    if m := re.fullmatch(r"([A-Za-z]+)\.?,? (\d{4})", text):
        if m[1].lower() in MONTHS:
            return Literal(f"{m[2]}-{MONTHS[m[1].lower()]:02d}", datatype=NamedNode(XSD + "gYearMonth"))
    raise BadValue(f"'{raw}' is not a date (e.g. 2023-03-14, 2023-03, 2023, March 14, 2023)")


def _full_date(year: int, month: int, day: int, raw) -> Literal:
    try:
        return Literal(dt.date(year, month, day).isoformat(), datatype=NamedNode(XSD + "date"))
    except ValueError:
        raise BadValue(f"'{raw}' is not a real date") from None


def number(raw) -> Decimal | None:
    """A number as the sources write it: 7000000000, '6.7e+09', '175B', '1.2T parameters (sparse)'."""
    if is_unknown(raw):
        return None
    if isinstance(raw, bool):
        raise BadValue(f"'{raw}' is not a number")
    if isinstance(raw, (int, float)):
        return Decimal(str(raw))
    text = str(raw).strip().replace(",", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        pass
    if m := re.match(r"^~?\s*(\d+(?:\.\d+)?)\s*([KMBT])\b", text, re.IGNORECASE):
        return Decimal(m[1]) * UNITS[m[2].lower()]
    raise BadValue(f"'{raw}' is not a number (e.g. 7000000000, 6.7e9, 175B)")


def integer_literal(value: Decimal) -> Literal:
    return Literal(str(int(value.to_integral_value())), datatype=NamedNode(XSD + "integer"))


def value_of(raw):
    """A field that sources give either as a value or as a mapping {value, explanation}."""
    if isinstance(raw, dict):
        if not raw:
            return None
        lowered = {str(k).casefold(): v for k, v in raw.items()}
        if "value" not in lowered:
            raise BadValue(f"expected a value or a mapping with 'value', got a mapping with keys {', '.join(map(str, raw))}")
        return lowered["value"]
    return raw


def text(raw) -> str | None:
    """A short text field; a list or mapping where text was expected is a problem."""
    raw = value_of(raw)
    if is_unknown(raw):
        return None
    if isinstance(raw, (list, dict)) or isinstance(raw, bool):
        raise BadValue(f"expected text, got {type(raw).__name__}")
    return " ".join(str(raw).split())


def words(raw) -> str | None:
    """A value kept in the source's own words (an access or licence string), given as text or as
    {value, explanation}; 'unknown' and 'NA' are kept, only a blank value is None."""
    raw = value_of(raw)
    if raw is None or isinstance(raw, str) and not raw.strip():
        return None
    if isinstance(raw, (dict, list)):
        raise BadValue(f"expected text or {{value, explanation}}, got {type(raw).__name__}")
    return " ".join(str(raw).split())


def names(raw) -> list[str]:
    """A list of names, which sources also give as one string or as a {value} mapping."""
    raw = value_of(raw)
    if raw is None:
        return []
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        raise BadValue(f"expected a list of names, got {type(raw).__name__}")
    out = []
    for item in raw:
        item = value_of(item)
        if isinstance(item, (list, dict)) or item is None:
            raise BadValue(f"expected a name, got {type(item).__name__}")
        if str(item).strip():
            out.append(" ".join(str(item).split()))
    return out


HF_URL = re.compile(r"huggingface\.co/(?!datasets/|spaces/|docs/|blog/)([A-Za-z0-9][\w.-]*/[\w.-]+)")


def huggingface_ids(*texts) -> list[str]:
    """Hugging Face model repository ids in URLs (e.g. https://huggingface.co/facebook/flava-full)."""
    found = []
    for value in texts:
        if isinstance(value, str):
            found += [m.rstrip(".") for m in HF_URL.findall(value)]
    return list(dict.fromkeys(found))


# --- snapshots -----------------------------------------------------------------------------------

def snapshot_from_readme(folder: Path) -> tuple[str | None, str | None]:
    """(version, date) stated by a snapshot's README ('at commit abc123 (2023-12-25)')."""
    readme = folder / "README.md"
    if not readme.is_file():
        return None, None
    found = re.search(r"commit\s+([0-9a-f]{7,40})\s*\((\d{4}-\d{2}-\d{2})\)", readme.read_text(encoding="utf-8"))
    return (found[1], found[2]) if found else (None, None)


def file_date(paths: Iterable[Path]) -> str:
    newest = max((p.stat().st_mtime for p in paths), default=0)
    return dt.datetime.fromtimestamp(newest, dt.timezone.utc).date().isoformat()


# --- the context ---------------------------------------------------------------------------------

class SourceContext:
    """One source's loading session: its graph, mappings, reconciler and problem report."""

    def __init__(self, dataset: DatasetInfo, path: Path, reconciler: Reconciler, report: Report,
                 mappings: Mappings | None = None):
        self.dataset, self.path = dataset, Path(path)
        self.name = dataset.name
        self.reconciler, self._report = reconciler, report
        self.mappings = mappings or default_mappings()
        self.graph = ns.graph("source", self.name)
        self.root = self.path if self.path.is_dir() else self.path.parent
        self._references: list[Reference] = []
        self._release_slugs: set[str] = set()
        self.counts: dict[str, int] = {}
        self.problems = 0

    # --- locations and problems -----------------------------------------------------------------

    def relative(self, file: Path) -> str:
        """A file's name as problems and records show it: relative to the snapshot's parent folder."""
        if Path(file) == self.root:
            return self.root.name
        try:
            return f"{self.root.name}/{Path(file).relative_to(self.root).as_posix()}"
        except ValueError:
            return Path(file).name

    def where(self, file: Path, line: int | None, key: str | None = None) -> Location:
        return Location(self.relative(file), line, key)

    def problem(self, where: Location, field: str | None, message: str, severity: str = "warning") -> None:
        self.problems += 1
        suffix = f" (record {where.key})" if where.key else ""
        self._report(Problem(where.file, where.line, field, message + suffix, severity))

    def files(self, path: Path, subfolder: str, pattern: str) -> tuple[Path, list[Path]]:
        """(folder, files) of a snapshot kept as many files in a subfolder (``assets/*.yaml``), given
        the snapshot's folder or the subfolder itself; no file at all is reported."""
        folder = Path(path)
        where = folder / subfolder if (folder / subfolder).is_dir() else folder
        found = sorted(where.glob(pattern))
        if not found:
            self.problem(self.where(where, None), None, f"no {subfolder}/{pattern} files in this folder", "violation")
        return folder, found

    def yaml_document(self, file: Path) -> tuple[bool, object]:
        """(read, document) of one YAML file, read safely with the line of every key; a file that is
        not YAML (or not UTF-8) is reported with its line and gives (False, None)."""
        try:
            return True, load(file)
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            self.problem(self.where(file, mark.line + 1 if mark else None), None,
                         f"not valid YAML: {getattr(err, 'problem', None) or err}")
        except UnicodeDecodeError as err:
            self.problem(self.where(file, None), None, f"not UTF-8 text: {err.reason} at byte {err.start}")
        return False, None

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    def parsed(self, where: Location, field: str, parse: Callable, raw):
        """``parse(raw)``, or None with the problem reported (file, line, key, field)."""
        try:
            return parse(raw)
        except BadValue as bad:
            self.problem(where, field, str(bad))
            return None

    # --- facts ----------------------------------------------------------------------------------

    def fact(self, subject: NamedNode, predicate: NamedNode, obj) -> Quad:
        return Quad(subject, predicate, obj, self.graph)

    def snapshot(self, version: str | None, date_: str | None, files: Iterable[Path], origin: str | None = None
                 ) -> Iterator[Quad]:
        """The DCAT description of the dataset and of the snapshot this graph is read from."""
        prov, ds = ns.PROVENANCE_GRAPH, self.dataset
        files = sorted(files)
        if date_ is None:
            date_ = file_date(files)
            self.problem(Location(self.root.name, None, None), None,
                         f"the snapshot states no date; using the date of its newest file ({date_})", "info")
        dataset = ns.resource("dataset", self.name)
        snapshot = ns.resource("dataset", self.name, version or date_)
        title, dct = NamedNode(ns.DCTERMS + "title"), ns.DCTERMS
        yield Quad(dataset, RDF_TYPE, NamedNode(ns.DCAT + "Dataset"), prov)
        yield Quad(dataset, title, Literal(ds.title), prov)
        yield Quad(dataset, NamedNode(dct + "publisher"), Literal(ds.publisher), prov)
        yield Quad(dataset, NamedNode(ns.DCAT + "landingPage"), NamedNode(ds.landing_page), prov)
        if ds.description:
            yield Quad(dataset, NamedNode(dct + "description"), Literal(ds.description), prov)
        if ds.licence:
            yield Quad(dataset, NamedNode(dct + "license"), NamedNode(ds.licence), prov)
        yield Quad(dataset, NamedNode(ns.DCAT + "hasVersion"), snapshot, prov)
        yield Quad(snapshot, RDF_TYPE, NamedNode(ns.DCAT + "Dataset"), prov)
        yield Quad(snapshot, title, Literal(f"{ds.title}, snapshot of {date_}"), prov)
        yield Quad(snapshot, NamedNode(dct + "date"), Literal(date_, datatype=NamedNode(XSD + "date")), prov)
        if version:
            yield Quad(snapshot, NamedNode(ns.DCAT + "version"), Literal(version), prov)
        if origin:
            yield Quad(snapshot, NamedNode(dct + "source"), NamedNode(origin), prov)
        yield Quad(self.graph, NamedNode(ns.PROV + "wasDerivedFrom"), snapshot, prov)
        yield Quad(self.graph, NamedNode(dct + "isPartOf"), dataset, prov)
        for file in files:
            yield Quad(self.graph, T("sourceFile"), Literal(self.relative(file)), prov)

    # --- reconciliation -------------------------------------------------------------------------

    def organizations(self, raw: str | None, where: Location) -> tuple[list[NamedNode], list[Quad]]:
        """The reconciled organizations a source's organization string names, and the facts
        naming them (type, the source's spelling as an alias, the record's location)."""
        if not raw:
            return [], []
        orgs, facts = [], []
        for iri, spelling in self.reconciler.organizations(raw, self.name, str(where)):
            org = NamedNode(iri)
            orgs.append(org)
            facts += [*self._typed(org, "Organization"), self.fact(org, T("alias"), Literal(spelling)),
                      self.fact(org, T("sourceRecord"), Literal(str(where)))]
        return list(dict.fromkeys(orgs)), facts

    def asset(self, kind: str, name: str, where: Location, orgs: Iterable[NamedNode] = (),
              hf_ids: Iterable[str] = (), cls: str | None = None) -> tuple[NamedNode, list[Quad]]:
        """The reconciled IRI of the asset a record describes, and the facts naming it."""
        iri = NamedNode(self.reconciler.asset(kind, name, self.name, str(where), [o.value for o in orgs], hf_ids))
        facts = [*self._typed(iri, cls or KIND_CLASSES[kind]),
                 self.fact(iri, T("alias"), Literal(name)),
                 self.fact(iri, T("sourceRecord"), Literal(str(where)))]
        facts += [self.fact(iri, T("huggingFaceId"), Literal(h)) for h in hf_ids]
        self.count(kind)
        return iri, facts

    def _typed(self, node: NamedNode, cls: str) -> list[Quad]:
        """The class of an entity, unless a curated record states what it is (the curated type stands,
        and queries do not meet the same entity typed in several graphs)."""
        return [] if self.reconciler.is_curated(node.value) else [self.fact(node, RDF_TYPE, T(cls))]

    def refer(self, subject: NamedNode, relations: dict[str, str], raw_names: Iterable[str], where: Location,
              field_: str, orgs: Iterable[NamedNode] = (), derived_class: str | None = None) -> None:
        """Remember references to upstream assets; ``resolved`` turns them into relations."""
        for name in raw_names:
            self._references.append(Reference(subject, relations, name, where, field_,
                                              tuple(o.value for o in orgs), derived_class))

    def resolved(self) -> Iterator[Quad]:
        """Typed upstream relations for every reference that names a known asset; the others
        are reported and kept as aivc:unresolvedDependency."""
        for ref in self._references:
            target = self.reconciler.reference(ref.name, list(ref.relations), self.name, str(ref.location),
                                               ref.field, ref.orgs)
            if target is None:
                yield self.fact(ref.subject, T("unresolvedDependency"), Literal(ref.name))
                self.count("unresolved references")
                continue
            if target == ref.subject.value:
                self.problem(ref.location, ref.field, f"'{ref.name}' names the record's own asset; not a dependency")
                continue
            kind = self.reconciler.entities[target].kind
            yield self.fact(ref.subject, T(ref.relations[kind]), NamedNode(target))
            if ref.derived_class and ref.relations[kind] not in ("dependsOn", "trainedOn"):
                yield from self._typed(ref.subject, ref.derived_class)
            self.count("resolved references")
        self._references.clear()

    # --- reported releases ----------------------------------------------------------------------

    def release(self, asset: NamedNode, where: Location, *, kind: str, orgs: Iterable[NamedNode] = (),
                released=None, access=None, licence=None, parameters=None, extra: Iterable[tuple] = (),
                at: Callable[[str], Location] | None = None) -> Iterator[Quad]:
        """The source's claims about an asset's release, as an aivc:ReportedRelease of its own.

        ``access`` and ``licence`` are the source's raw values: they are mapped by
        mappings/access-tiers.yaml and mappings/licences.yaml and kept beside the mapped value;
        an unmapped value is reported (at ``at(field)`` when the loader knows each field's line).
        ``released`` is a date Literal, ``parameters`` a number.
        """
        at = at or (lambda field_: where)
        slug = slugify(where.key or asset.value.rsplit("/", 1)[-1])
        unique, n = slug, 1
        while unique in self._release_slugs:
            n += 1
            unique = f"{slug}-{n}"
        self._release_slugs.add(unique)
        node = ns.resource("release", self.name, unique)
        yield self.fact(node, RDF_TYPE, T("ReportedRelease"))
        yield self.fact(node, T("releaseOf"), asset)
        yield self.fact(node, T("sourceRecord"), Literal(str(where)))
        for org in orgs:
            yield self.fact(node, T("releasedBy"), org)
        if released is not None:
            yield self.fact(node, T("releaseDate"), released)
        if access is not None:
            yield from self._access(node, kind, access, at("access"))
        if licence is not None:
            yield from self._licence(node, licence, at("license"))
        if parameters is not None:
            yield self.fact(node, T("reportedParameterCount"), integer_literal(parameters))
        for predicate, obj in extra:
            yield self.fact(node, T(predicate), obj)
        self.count("releases")

    def _access(self, node: NamedNode, kind: str, value, where: Location) -> Iterator[Quad]:
        if isinstance(value, tuple):          # (tier IRI or None, the source's own words)
            tier, words = value
        else:
            known, tier = self.mappings.access_tier(self.name, kind, value)
            words = str(value).strip()
            if not known:
                self.problem(where, "access", f"'{words}' is not an access value of {self.dataset.title} that "
                                              "mappings/access-tiers.yaml knows; kept without a tier")
        yield self.fact(node, T("sourceAccessValue"), Literal(words))
        if tier:
            yield self.fact(node, T("accessTier"), NamedNode(tier))
            self.count("releases with a tier")

    def _licence(self, node: NamedNode, value: str, where: Location) -> Iterator[Quad]:
        words = " ".join(str(value).split())
        known, entry = self.mappings.licence(words)
        yield self.fact(node, T("sourceLicenceValue"), Literal(words))
        if not known:
            self.problem(where, "license", f"'{words}' is not a licence string that mappings/licences.yaml knows; "
                                           "kept as the source's value")
        elif entry is not None:
            yield self.fact(node, T("licence"), entry.iri)
            self.count("releases with a licence")


def assessment_iri(source: str, *parts: str) -> NamedNode:
    return ns.resource("assessment", source, *(slugify(p) for p in parts))


__all__ = ["BadValue", "DatasetInfo", "Location", "SourceContext", "date", "number", "text", "words", "names",
           "value_of", "huggingface_ids", "snapshot_from_readme", "is_unknown", "integer_literal",
           "assessment_iri", "Problem"]
