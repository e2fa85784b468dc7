"""Contributed CSV, in one of two layouts told apart by the header.

* **models** (a column ``id``): one row per model, the columns named as the fields of a model record
  of the curated format (``id, name, type, base_model, developer, released, tier, licence, ...``).
  Each row is read by the curated loader's own model reader, so the checks and messages are those of
  data/orgs/*.yaml. Lists (``channels``, ``aliases``) separate values with ``;``.
* **facts** (columns ``subject, property, value``): one row per fact, in the ontology's words
  (``release/my-model, licence, licence/apache-2.0``), for facts about resources already in the graph.

Every row names its source: ``source_url``, ``source_title`` and ``source_date`` (or, for an undated
document, ``source_retrieved``). A row is located as "row N" (the header is row 1), a value as its
column, as a spreadsheet shows them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from pyoxigraph import Literal, NamedNode, Quad

from aivc import ns, vocab
from aivc.problems import Problem
from loaders.curated import FIELDS, BadValue, Ids, Record, date, model, text, url
from loaders.located_yaml import LocatedDict

from .contribution import Contribution, Place, Unreadable, document_key
from .rdf_facts import Stated, acceptable, add_facts, expand, near
from .vocabulary import vocabulary
from .yaml_format import ContributedFile

SOURCE_COLUMNS = ("source_url", "source_title", "source_date", "source_retrieved")
MODEL_COLUMNS = sorted(FIELDS["model"] - {"source", "field_sources"})
FACT_COLUMNS = ("subject", "property", "value")
LISTS = {"aliases", "channels", "base_model"}
DESCRIBED_BY = (NamedNode(ns.DCTERMS + "title"), NamedNode(ns.DCTERMS + "date"),
                NamedNode("http://purl.org/pav/retrievedOn"))
RESOURCE_KINDS = {"AIModel": "model", "AIAsset": "model", "FoundationModel": "model", "Organization": "org",
                  "Licence": "licence", "Release": "release"}


class CsvFile(ContributedFile):
    """The curated loader's view of a CSV file: records are rows, lines are row numbers."""

    def __init__(self, contribution: Contribution, ids: Ids):
        super().__init__(contribution, ids)
        self.described: dict[str, tuple[tuple, int]] = {}   # source URL -> (title, date, retrieved), first row

    def position(self, line: int) -> str:
        return f"{self.name} row {line}"


def read_csv(contribution: Contribution, text_: str, ids: Ids) -> None:
    name = contribution.name
    rows = csv.reader(io.StringIO(text_, newline=""), strict=True)
    try:
        header = [h.strip() for h in next(rows, [""])]
        layout = _layout(name, header)
        table = list(rows)
    except csv.Error as bad:
        why = ("a double quote opens a value that never closes" if "end of data" in str(bad) else str(bad))
        raise Unreadable(Problem(name, rows.line_num, None, f"not valid CSV: {why}")) from None
    columns = _usable_columns(contribution, header, layout)
    read_row = _model_row if layout == "models" else _fact_row
    file = CsvFile(contribution, ids)
    facts: list[tuple[Stated, NamedNode]] = []
    read = 0
    for index, cells in enumerate(table, start=2):
        if not any(c.strip() for c in cells):
            continue
        read += 1
        if len(cells) != len(header):
            contribution.problem(Place(index, None), f"{len(cells)} cells, but the header has {len(header)} columns "
                                                     "(a value with a comma needs double quotes)")
            continue
        row = {col: cell.strip() for col, cell in zip(header, cells) if col in columns and cell.strip()}
        graph = _source(contribution, file, row, index)
        if graph is not None:
            read_row(contribution, file, row, index, graph, facts)
    if not read:
        raise Unreadable(Problem(name, 2, None, "no rows below the header: nothing to contribute"))
    if facts:
        add_facts(contribution, facts)
    contribution.records = read


def _layout(name: str, header: list[str]) -> str:
    if len(header) == 1 and (sep := next((s for s in ";\t|" if s in header[0]), None)):
        shown = {";": "';'", "\t": "tabs", "|": "'|'"}[sep]
        raise Unreadable(Problem(name, 1, None, f"the header is one column '{header[0][:60]}': the file seems to "
                                                f"separate values with {shown}; aivc reads comma-separated values"))
    missing = [c for c in SOURCE_COLUMNS[:2] if c not in header]
    if set(FACT_COLUMNS) <= set(header):
        layout = "facts"
    elif "id" in header:
        layout = "models"
    else:
        raise Unreadable(Problem(name, 1, None, "the header has neither an 'id' column (one row per model: "
                                                f"{', '.join(MODEL_COLUMNS)}) nor the columns subject, property, "
                                                "value (one row per fact)"))
    if missing:
        raise Unreadable(Problem(name, 1, None, f"the header lacks {', '.join(missing)}: every row names the "
                                                "document that states its facts (source_url, source_title, and "
                                                "source_date or source_retrieved)"))
    for i, column in enumerate(header):
        if column in header[:i]:
            raise Unreadable(Problem(name, 1, column, f"the column '{column}' appears twice"))
    return layout


def _usable_columns(contribution: Contribution, header: list[str], layout: str) -> set[str]:
    allowed = set(SOURCE_COLUMNS) | (set(MODEL_COLUMNS) if layout == "models" else set(FACT_COLUMNS))
    for column in header:
        if column not in allowed:
            contribution.problem(Place(1, column), f"unknown column '{column}'{near(column, allowed)} "
                                                   f"(columns: {', '.join(sorted(allowed))})")
    return allowed & set(header)


def _source(contribution: Contribution, file: CsvFile, row: dict, index: int) -> NamedNode | None:
    """The graph of the row's source document, described once per URL; None (reported) if the row has none."""
    values = {}
    for column, parse in (("source_url", url), ("source_title", text), ("source_date", date),
                          ("source_retrieved", date)):
        raw = _typed(column, row.get(column)) if column in row else None
        if raw is None:
            continue
        try:
            values[column] = parse(raw)
        except BadValue as bad:
            contribution.problem(Place(index, column), str(bad))
            return None
    for column in SOURCE_COLUMNS[:2]:
        if column not in values:
            contribution.problem(Place(index, column), "every row names the document that states its facts: "
                                                       f"'{column}' is empty")
            return None
    if "source_date" not in values and "source_retrieved" not in values:
        contribution.problem(Place(index, "source_date"), "a source needs the date it states (source_date) or, when "
                                                          "it states none, the date it was read (source_retrieved)")
        return None
    document = values["source_url"]
    description = tuple(values.get(c) for c in SOURCE_COLUMNS[1:])
    if document.value in file.described:
        first, first_row = file.described[document.value]
        if first != description:
            contribution.problem(Place(index, "source_url"), f"the source {document.value} has another title or date "
                                                             f"in row {first_row}: describe a document the same way each time")
            return None
    else:
        file.described[document.value] = (description, index)
        contribution.source_graph(document, Place(index, "source_url"))
        for column, predicate, value in zip(SOURCE_COLUMNS[1:], DESCRIBED_BY, description):
            if value is not None:
                contribution.state(Quad(document, predicate, value, ns.PROVENANCE_GRAPH), Place(index, column))
    key = document_key(document.value)
    file.sources[key] = contribution.sources[document.value]
    row["source"] = key
    return file.sources[key]


def _typed(column: str, cell: str | None):
    """A cell as the type the curated reader expects for its field (CSV cells are all text)."""
    if cell is None:
        return None
    if column in LISTS:
        return [item.strip() for item in cell.split(";") if item.strip()]
    if column == "parameters" and re.fullmatch(r"\d+", cell):
        return int(cell)
    if column == "described_as_open_source" and cell.lower() in ("true", "false"):
        return cell.lower() == "true"
    if column in ("released", "source_date", "source_retrieved") and re.fullmatch(r"\d{4}-\d{2}-\d{2}", cell):
        try:
            return dt.date.fromisoformat(cell)
        except ValueError:
            return cell
    return cell


def _model_row(contribution, file: CsvFile, row: dict, index: int, graph, facts) -> None:
    record = LocatedDict({k: _typed(k, v) for k, v in row.items() if k not in SOURCE_COLUMNS})
    record.line, record.key_lines = index, {k: index for k in record}
    for _ in model(Record("model", record, file, contribution.problems.append)):
        pass


def _fact_row(contribution, file, row: dict, index: int, graph, facts) -> None:
    """One fact in the ontology's words: subject (model/ID), property (licence, aivc:releaseDate...), value."""
    missing = [c for c in FACT_COLUMNS if c not in row]
    if missing:
        contribution.problem(Place(index, missing[0]), f"'{missing[0]}' is empty: a fact row has a subject, "
                                                       "a property and a value")
        return
    place = Place(index, "value")
    subject = _resource(row["subject"])
    predicate = _property(row["property"])
    if subject is None:
        contribution.problem(Place(index, "subject"), f"'{row['subject']}' is not a resource: write KIND/ID "
                                                      "(model/llama-2-7b, org/meta, licence/apache-2.0, release/llama-2-7b)")
        return
    if predicate is None:
        names = [p.removeprefix(ns.AIVC) for p in vocabulary().predicates() if p.startswith(ns.AIVC)]
        contribution.problem(Place(index, "property"), f"unknown property '{row['property']}'{near(row['property'], names)}")
        return
    stated = Stated(subject, predicate, _value(predicate.value, row["value"]), place)
    if acceptable(contribution, stated, set()):
        facts.append((stated, graph))


def _resource(name: str) -> NamedNode | None:
    iri = expand(name) or (ns.BASE + name if re.fullmatch(r"[a-z][a-z-]*/[a-z0-9][a-z0-9./-]*", name) else None)
    return NamedNode(iri) if iri else None


def _property(name: str) -> NamedNode | None:
    aliases = {"name": ns.RDFS + "label", "label": ns.RDFS + "label", "type": ns.RDF + "type"}
    iri = aliases.get(name) or expand(name) or (ns.AIVC + name if re.fullmatch(r"[A-Za-z]+", name) else None)
    return NamedNode(iri) if iri and (iri in vocabulary().properties or iri in aliases.values()
                                      or ":" in name) else None


def _value(predicate: str, raw: str):
    """The value as the property's range types it; what does not fit stays text, for the shapes to report."""
    voc = vocabulary()
    if predicate == ns.RDF + "type":
        return NamedNode(expand(raw) or ns.AIVC + raw)
    kind, rng = voc.properties.get(predicate, ("other", None))
    if kind == "object" and rng:
        local = rng.removeprefix(ns.AIVC)
        if slugs := vocab.slugs(local):
            return NamedNode(slugs[raw]) if raw in slugs else (NamedNode(expand(raw)) if expand(raw) else Literal(raw))
        if (kind_ := RESOURCE_KINDS.get(local)) and re.fullmatch(r"[a-z0-9][a-z0-9.-]*", raw):
            return ns.resource(kind_, raw)
        return _resource(raw) or Literal(raw)
    if kind == "object" or predicate in (ns.OWL + "sameAs", ns.SCHEMA + "url", ns.RDFS + "seeAlso"):
        return _resource(raw) or Literal(raw)
    if rng == ns.XSD + "decimal" and re.fullmatch(r"[+-]?\d+", raw):
        return Literal(raw, datatype=NamedNode(ns.XSD + "integer"))   # a whole number is a decimal too
    if rng and rng.startswith(ns.XSD) and rng != ns.XSD + "string":
        return Literal(raw, datatype=NamedNode(rng))
    if predicate == ns.AIVC + "releaseDate":
        try:
            return date(_typed("released", raw))
        except BadValue:
            return Literal(raw)
    return Literal(raw)
