"""The Hugging Face Hub's model metadata (JSONL: one model per line, as the Hub's model API lists
them) -> models, their lineage, their releases and the accounts that publish them, in the graph
``graph/source/hub``.

Per line: ``id`` (``owner/name``, the model's key), ``author``, ``createdAt`` (the release date),
``gated`` (false | auto | manual: the access tier, by mappings/access-tiers.yaml), ``tags`` with
``license:TAG`` (the licence, by mappings/licences.yaml) and the base-model tags the Hub writes for
a derived model: ``base_model:OWNER/NAME`` plus ``base_model:RELATION:OWNER/NAME`` with RELATION
one of finetune, quantized, merge, adapter (cardData's ``base_model`` and ``base_model_relation``
when the tags name none). ``downloads`` and ``likes`` are checked (an absurd count is reported) but,
like ``pipeline_tag``, ``library_name`` and the rest of ``cardData``, not kept: a 30-day download
figure changes daily, and every fact per model costs a million quads at the Hub's scale.

What a line becomes (the Hub is the only source that names its own models, so a model it mints
carries its name and account directly; a model the graph already knows by its Hub id -- a curated
model with ``huggingface:`` -- keeps its IRI, name and developer and gets the Hub's release and lineage):

    model/hub/OWNER/NAME   a aivc:FineTunedModel (QuantizedModel, MergedModel, AdapterModel;
                           DerivedModel for a bare base_model tag; AIModel without a base)
                           rdfs:label, aivc:huggingFaceId "OWNER/NAME", aivc:publishedBy account/hub/OWNER,
                           aivc:fineTunedFrom (quantizedFrom, mergedFrom, adapterOf, derivedFrom) BASE
    release/hub/OWNER/NAME a aivc:ReportedRelease ; aivc:releaseOf, aivc:sourceRecord "FILE:LINE [ID]",
                           aivc:releaseDate, aivc:accessTier with aivc:sourceAccessValue (the gated
                           value), aivc:licence (aivc:sourceLicenceValue for a tag no mapping knows)
    account/hub/OWNER      a aivc:HubAccount ; rdfs:label, aivc:huggingFaceId. The Hub's metadata does
                           not say whether a person or an organization owns an account, so an account
                           is not an aivc:Organization and a Hub model has no aivc:developedBy: the
                           questions about firms answer for the organizations sourced documents name.

Each model's record (file, line, Hub id) is kept once, on its release; the model, the release and
the model's lineage are all facts of that record.

Bad lines are reported with file, line and field, and the rest loads: invalid UTF-8, truncated or
non-object JSON, ids with spaces or non-ASCII letters (skipped, as is a repeated id), absurd counts
and dates (the field is dropped). Licence tags and gating values that the mappings do not know are
reported once each, with how many lines use them and the first line. References to models that
are not in the file, cycles, licence drift and date order are properties of the graph, not of a
line: the shapes find them (aivc/scale_validation.py), located through the release's record.

``read`` is the loader of the source registry (aivc/sources.py); ``triples`` streams the same facts
as N-Triples terms for the bulk loader (aivc/bulk.py), which a million models need.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pyoxigraph import Quad, RdfFormat, parse

from aivc import ns
from aivc.bulk import TextStream
from loaders.source_records import DatasetInfo, SourceContext

DATASET = DatasetInfo(
    name="hub", title="Hugging Face Hub model metadata", publisher="Hugging Face",
    landing_page="https://huggingface.co/models",
    description="The metadata of the models on the Hugging Face Hub as its model API lists them: id, "
                "author, creation date, downloads, gating, licence and base-model tags.")

# The Hub's base-model relations -> (aivc class, aivc property); a bare base_model tag says only
# that the model is derived.
RELATIONS = {
    "finetune": ("FineTunedModel", "fineTunedFrom"),
    "quantized": ("QuantizedModel", "quantizedFrom"),
    "merge": ("MergedModel", "mergedFrom"),
    "adapter": ("AdapterModel", "adapterOf"),
}
DERIVED = ("DerivedModel", "derivedFrom")
_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9_])?"
HUB_ID = re.compile(rf"(?:{_NAME}/)?{_NAME}")
ACCOUNT = re.compile(_NAME)
CREATED = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")
MAX_COUNT = 10 ** 12          # more downloads or likes than that is not a count, it is a bug
EARLIEST, LATEST = dt.date(2016, 1, 1), dt.date(2100, 1, 1)
GATED = {False: "false", True: "true", "auto": "auto", "manual": "manual"}

_RDF_TYPE = f"<{ns.RDF}type>"
_LABEL = f"<{ns.RDFS}label>"
_XSD_DATE = f"<{ns.XSD}date>"


@lru_cache(maxsize=None)
def _t(name: str) -> str:
    return f"<{ns.AIVC}{name}>"


_ESCAPED = re.compile(r'[\\"\n\r]')


def literal(text: str) -> str:
    """An N-Triples string literal."""
    if _ESCAPED.search(text) is None:          # almost every Hub id: nothing to escape
        return f'"{text}"'
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


def model_iri(hub_id: str) -> str:
    return f"{ns.BASE}model/hub/{hub_id}"


def account_iri(author: str) -> str:
    """The account's IRI as an N-Triples term."""
    return f"<{ns.BASE}account/hub/{author}>"


@dataclass(slots=True)
class HubModel:
    """One line's model, with the values that passed their checks (None otherwise)."""

    line: int
    hub_id: str
    author: str | None
    created: str | None                      # YYYY-MM-DD
    gated: str | None                        # false | auto | manual, as the Hub writes it
    licence: str | None                      # the licence tag, e.g. apache-2.0
    bases: list[tuple[str | None, str]] = field(default_factory=list)   # (relation or None, base id)


class HubReader:
    """Reads the lines of a Hub JSONL file into ``HubModel``s, reporting what is wrong with each.

    ``lines`` maps every loaded model id to its line; values seen on many lines (licence tags and
    gating values that no mapping knows) are reported once, with their count, by ``finish``.
    """

    def __init__(self, path: Path, context: SourceContext):
        self.path, self.context = Path(path), context
        self.lines: dict[str, int] = {}
        self._unmapped: dict[tuple[str, str], list[int]] = {}
        self._days: dict[str, str | None] = {}
        self.skipped = 0

    def problem(self, line: int, key: str | None, field_: str | None, message: str,
                severity: str = "warning") -> None:
        self.context.problem(self.context.where(self.path, line, key), field_, message, severity)

    def models(self) -> Iterator[HubModel]:
        with open(self.path, "rb") as f:
            for number, raw in enumerate(f, 1):
                if raw.strip():
                    model = self._model(number, raw)
                    if model is None:
                        self.skipped += 1
                    else:
                        yield model

    def _model(self, number: int, raw: bytes) -> HubModel | None:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            self.problem(number, None, None, f"not UTF-8 text (byte 0x{raw[err.start]:02x} at column "
                                             f"{err.start + 1}); the line is skipped", "violation")
            return None
        try:
            record = json.loads(text)
        except json.JSONDecodeError as err:
            cut = " - the line is cut short" if err.pos >= len(text.rstrip()) else ""
            self.problem(number, None, None, f"not valid JSON ({err.msg} at column {err.colno}{cut}); "
                                             "the line is skipped", "violation")
            return None
        if not isinstance(record, dict):
            self.problem(number, None, None, f"a line must be one JSON object (a model), got a "
                                             f"{type(record).__name__}; the line is skipped", "violation")
            return None
        hub_id = record.get("id", record.get("modelId"))
        if not isinstance(hub_id, str) or not HUB_ID.fullmatch(hub_id):
            self.problem(number, None, "id", f"{_shown(hub_id)} is not a Hub model id (OWNER/NAME of ASCII "
                                             "letters, digits, '-', '_' and '.'); the line is skipped", "violation")
            return None
        if (first := self.lines.setdefault(hub_id, number)) != number:
            self.problem(number, hub_id, "id", f"'{hub_id}' is listed again (first at line {first}); "
                                               "the line is skipped", "violation")
            return None
        for key in ("downloads", "likes"):
            self._check_count(number, hub_id, key, record.get(key))
        return HubModel(
            line=number, hub_id=hub_id,
            author=self._author(number, hub_id, record.get("author")),
            created=self._created(number, hub_id, record.get("createdAt")),
            gated=self._gated(number, record.get("gated", False)),
            **self._tags(number, hub_id, record))

    # --- fields -------------------------------------------------------------------------------

    def _author(self, number: int, hub_id: str, raw) -> str | None:
        if isinstance(raw, str) and ACCOUNT.fullmatch(raw):
            return raw
        owner = hub_id.split("/")[0] if "/" in hub_id else None
        if raw is not None:
            self.problem(number, hub_id, "author", f"{_shown(raw)} is not a Hub account name"
                                                   + (f"; using the id's owner '{owner}'" if owner else ""))
        return owner

    def _created(self, number: int, hub_id: str, raw) -> str | None:
        if isinstance(raw, str) and CREATED.fullmatch(raw):
            day = self._days.get(raw[:10], False)
            if day is False:
                day = self._days[raw[:10]] = _day(raw[:10])
            if day is not None:
                return day
        if raw is not None:
            self.problem(number, hub_id, "createdAt", f"{_shown(raw)} is not a creation date "
                                                      "(e.g. 2023-07-18T16:08:04.000Z); the model has no release date")
        return None

    def _check_count(self, number: int, hub_id: str, key: str, raw) -> None:
        if raw is None or isinstance(raw, int) and not isinstance(raw, bool) and 0 <= raw <= MAX_COUNT:
            return
        self.problem(number, hub_id, key, f"{_shown(raw)} is not a count of {key} (a whole number from 0 to "
                                          f"{MAX_COUNT:,})")

    def _gated(self, number: int, raw) -> str | None:
        value = GATED.get(raw) if isinstance(raw, (bool, str)) else None
        if value is None:
            self.unmapped("gated", raw if isinstance(raw, str) else json.dumps(raw), number)
        return value

    def _tags(self, number: int, hub_id: str, record: dict) -> dict:
        """The licence tag and the (relation, base id) pairs, in one pass over the tags: the
        qualified base-model tags, then the bare ones that no qualified tag names; cardData's
        license and base_model when the tags name none."""
        tags = record.get("tags")
        if tags is not None and not isinstance(tags, list):
            self.problem(number, hub_id, "tags", f"expected a list of tags, got {type(tags).__name__}; ignored")
            tags = None
        licence, qualified, bare = None, {}, []
        for tag in tags or ():
            if not isinstance(tag, str):
                continue
            if tag.startswith("base_model:"):
                parts = tag.split(":")
                if len(parts) == 2:
                    bare.append(parts[1])
                elif len(parts) == 3 and parts[1] in RELATIONS:
                    qualified.setdefault(parts[2], parts[1])
                else:
                    self.problem(number, hub_id, "tags", f"'{tag}' is not a base-model tag aivc knows "
                                                         f"(base_model:ID or base_model:{{{','.join(RELATIONS)}}}:ID)")
            elif licence is None and tag.startswith("license:"):
                licence = tag[8:]
        card = record.get("cardData")
        if not isinstance(card, dict):
            card = {}
        if licence is None:
            licence = card.get("license")
            if isinstance(licence, list):
                licence = licence[0] if licence else None
            if not isinstance(licence, str) or not licence.strip():
                licence = None
        if not qualified and not bare:
            qualified, bare = self._card_bases(number, hub_id, card)
        pairs = [(relation, base) for base, relation in qualified.items()]
        pairs += [(None, base) for base in dict.fromkeys(bare) if base not in qualified]
        bases = []
        for relation, base in pairs:
            if HUB_ID.fullmatch(base):
                bases.append((relation, base))
            else:
                self.problem(number, hub_id, "tags", f"base model {_shown(base)} is not a Hub model id; "
                                                     "that reference is left out")
        return {"licence": licence, "bases": bases}

    def _card_bases(self, number: int, hub_id: str, card) -> tuple[dict[str, str], list[str]]:
        """cardData's base_model (one id or a list) and base_model_relation, when no tag names a base."""
        if card.get("base_model") in (None, "", []):
            return {}, []
        named = card["base_model"]
        named = [named] if isinstance(named, str) else named
        if not isinstance(named, list) or not all(isinstance(b, str) for b in named):
            self.problem(number, hub_id, "cardData.base_model", "expected a model id or a list of ids; ignored")
            return {}, []
        relation = card.get("base_model_relation")
        if relation in RELATIONS:
            return {b: relation for b in named}, []
        if relation is not None:
            self.problem(number, hub_id, "cardData.base_model_relation",
                         f"{_shown(relation)} is not one of {', '.join(RELATIONS)}; the models are kept as bases")
        return {}, named

    def unmapped(self, field_: str, value: str, number: int) -> None:
        """Count a value that the mappings do not know (reported once by ``finish``)."""
        seen = self._unmapped.setdefault((field_, value), [number, 0])
        seen[1] += 1

    def finish(self) -> None:
        """Report each unknown value once, with how many lines carry it and the first of them."""
        files = {"gated": "mappings/access-tiers.yaml (hub)", "license": "mappings/licences.yaml"}
        for (field_, value), (first, count) in sorted(self._unmapped.items(), key=lambda kv: kv[1][0]):
            self.problem(first, None, field_, f"'{value}' is not a value {files[field_]} knows; kept as the "
                                              f"source's value ({count:,} line(s), the first here)")
        self._unmapped.clear()


def _day(text: str) -> str | None:
    """YYYY-MM-DD if it is a real day in the Hub's lifetime, else None."""
    try:
        day = dt.date(int(text[:4]), int(text[5:7]), int(text[8:10]))
    except ValueError:
        return None
    return day.isoformat() if EARLIEST <= day < LATEST else None


def _shown(raw) -> str:
    text = json.dumps(raw, ensure_ascii=False) if not isinstance(raw, str) else f"'{raw}'"
    return text if len(text) <= 80 else text[:77] + "..."


class HubFacts:
    """``HubModel`` -> (subject, predicate, object) N-Triples terms, all stated by the Hub.

    ``known`` maps Hub ids (casefolded) to the IRIs the graph already gives them (curated models
    with a ``huggingface:`` id); those keep their IRI, name and developer, and get the Hub's release
    and lineage. Everything else is minted under model/hub/.
    """

    def __init__(self, context: SourceContext, reader: HubReader, known: dict[str, str] | None = None):
        self.context, self.reader = context, reader
        self.file = context.relative(reader.path)
        self.known = known or {}
        self.accounts: set[str] = set()
        self._licences: dict[str, tuple[bool, str | None]] = {}
        self._tiers: dict[str, tuple[bool, str | None]] = {}

    def iri(self, hub_id: str) -> tuple[str, bool]:
        """(IRI, minted here) of a Hub id."""
        found = self.known.get(hub_id.casefold())
        return (found, False) if found else (model_iri(hub_id), True)

    def of(self, model: HubModel) -> list[tuple[str, str, str]]:
        iri, minted = self.iri(model.hub_id)
        m = f"<{iri}>"
        facts = [(m, _t("huggingFaceId"), literal(model.hub_id))]
        classes = {RELATIONS[r][0] if r else DERIVED[0] for r, _ in model.bases} or {"AIModel"}
        facts += [(m, _RDF_TYPE, _t(c)) for c in sorted(classes)]
        if minted:
            facts.append((m, _LABEL, literal(model.hub_id)))
            if model.author:
                facts.append((m, _t("publishedBy"), account_iri(model.author)))
                facts += self._account(model.author)
        for relation, base in model.bases:
            facts.append((m, _t(RELATIONS[relation][1] if relation else DERIVED[1]), f"<{self.iri(base)[0]}>"))
        return facts + self._release(model, m)

    def _account(self, author: str) -> list[tuple[str, str, str]]:
        if author in self.accounts:
            return []
        self.accounts.add(author)
        self.context.count("accounts")
        account = account_iri(author)
        return [(account, _RDF_TYPE, _t("HubAccount")), (account, _LABEL, literal(author)),
                (account, _t("huggingFaceId"), literal(author))]

    def _release(self, model: HubModel, m: str) -> list[tuple[str, str, str]]:
        r = f"<{ns.BASE}release/hub/{model.hub_id}>"
        facts = [(r, _RDF_TYPE, _t("ReportedRelease")), (r, _t("releaseOf"), m),
                 (r, _t("sourceRecord"), literal(f"{self.file}:{model.line} [{model.hub_id}]"))]
        if model.created:
            facts.append((r, _t("releaseDate"), f'"{model.created}"^^{_XSD_DATE}'))
        if model.gated is not None:
            known, tier = self._tier(model.gated)
            if not known:
                self.reader.unmapped("gated", model.gated, model.line)
            if tier:
                facts.append((r, _t("accessTier"), f"<{tier}>"))
            facts.append((r, _t("sourceAccessValue"), literal(model.gated)))
        if model.licence:
            known, licence = self._licence(model.licence)
            if licence:
                facts.append((r, _t("licence"), f"<{licence}>"))
            else:
                facts.append((r, _t("sourceLicenceValue"), literal(model.licence)))
                if not known:
                    self.reader.unmapped("license", model.licence, model.line)
        return facts

    def _tier(self, gated: str) -> tuple[bool, str | None]:
        if gated not in self._tiers:
            self._tiers[gated] = self.context.mappings.access_tier("hub", "model", gated)
        return self._tiers[gated]

    def _licence(self, tag: str) -> tuple[bool, str | None]:
        if tag not in self._licences:
            known, entry = self.context.mappings.licence(tag)
            self._licences[tag] = (known, entry.iri.value if entry else None)
        return self._licences[tag]


def snapshot_date(path: Path) -> str | None:
    """The date a dump's file name states (hub-2024-05-01.jsonl), if any."""
    found = re.search(r"(\d{4}-\d{2}-\d{2})", Path(path).name)
    return found[1] if found else None


def triples(path: Path, context: SourceContext, known: dict[str, str] | None = None
            ) -> Iterator[list[tuple[str, str, str]]]:
    """The facts of a Hub dump, one list of (s, p, o) N-Triples terms per model, in file order;
    problems go to ``context``."""
    reader = HubReader(path, context)
    facts = HubFacts(context, reader, known)
    for model in reader.models():
        context.count("models")
        context.count("lineage references", len(model.bases))
        yield facts.of(model)
    reader.finish()


def snapshot(path: Path, context: SourceContext) -> Iterator[Quad]:
    """The DCAT description of the dump (its date from the file name, else the file's date)."""
    stated = snapshot_date(path)
    return context.snapshot(None, stated, [Path(path)])


def known_ids(reconciler) -> dict[str, str]:
    """Hub ids (casefolded) -> IRIs the rest of the graph already uses (from issue 4's reconciler)."""
    return dict(getattr(reconciler, "_hf", None) or {})


def read(path: Path, context: SourceContext) -> Iterator[Quad]:
    """Stream the quads of a Hub dump (the registry's loader; see ``triples`` for bulk loading)."""
    path = Path(path)
    if not path.is_file():
        context.problem(context.where(path, None), None, "a Hub snapshot is one JSONL file", "violation")
        return
    yield from snapshot(path, context)
    graph = f"<{context.graph.value}>"
    lines = (" ".join((s, p, o, graph, ".\n")) for facts in triples(path, context, known_ids(context.reconciler))
             for s, p, o in facts)
    yield from parse(TextStream(lines), format=RdfFormat.N_QUADS)
