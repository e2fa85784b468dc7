"""Bad input and drift: every loader keeps going, loads every good record and reports each bad or
unknown one with file, line or key, and field - unknown keys, a string where a mapping was expected
(and the reverse), changed capitalization, missing fields, dates in several formats, templates."""

from __future__ import annotations

import csv
from pathlib import Path
from textwrap import dedent

import pytest

from aivc import ns
from loaders.source_records import BadValue, date, number
from sources_helpers import load, rows, tiers

EG_SCHEMA = """\
model: [{name: name}, {name: organization}, {name: created_date}, {name: access}, {name: license},
        {name: size}, {name: dependencies}, {name: modality}, {name: url}, {name: model_card}]
dataset: [{name: name}, {name: organization}, {name: created_date}, {name: access}, {name: license},
          {name: dependencies}]
application: [{name: name}, {name: organization}, {name: created_date}, {name: access}, {name: license},
              {name: dependencies}]
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dedent(text), encoding="utf-8")
    return path


@pytest.mark.parametrize("raw, expected", [
    ("2023-03-14", ("2023-03-14", "date")), ("2023/03/14", ("2023-03-14", "date")),
    ("2023-03-14T10:00:00Z", ("2023-03-14", "date")), ("March 14, 2023", ("2023-03-14", "date")),
    ("14 March 2023", ("2023-03-14", "date")), ("Mar 2023", ("2023-03", "gYearMonth")),
    ("2023-03", ("2023-03", "gYearMonth")), ("2023", ("2023", "gYear")), (2023, ("2023", "gYear")),
    ("unknown", None), ("", None), (None, None)])
def test_dates_in_the_sources_spellings(raw, expected):
    got = date(raw)
    assert (None if got is None else (got.value, got.datatype.value.rsplit("#", 1)[1])) == expected


@pytest.mark.parametrize("raw, message", [
    ("2023-02-30", "'2023-02-30' is not a real date"),
    ("someday", "'someday' is not a date (e.g. 2023-03-14, 2023-03, 2023, March 14, 2023)"),
    (["2023"], "expected a date, got list")])
def test_bad_dates_say_why(raw, message):
    with pytest.raises(BadValue, match=message.replace("(", r"\(").replace(")", r"\)")):
        date(raw)


def test_numbers_in_the_sources_spellings():
    assert [number(v) for v in ("6.7e+09", "175B", "1.2T parameters (sparse)", 7000000000, "306M", "unknown")] == [
        6.7e9, 175e9, 1.2e12, 7e9, 306e6, None]


def test_ecosystem_graphs_drift(tmp_path):
    eg = tmp_path / "ecosystem-graphs"
    write(eg, "schemas.yaml", EG_SCHEMA)
    write(eg, "assets/lab.yaml", """\
        ---
        - type: model
          name: Plain Model
          organization: Drift Lab
          created_date: 2023-03-14
          access: open
          license: Apache 2.0
          size: 7B parameters (dense)
          dependencies: [Drift Data]
        - type: Model
          Name: Capital Model
          Organization: Drift Lab
          Created_Date: March 14, 2023
          ACCESS: {value: Limited, explanation: paid API}
          license: {value: MIT}
          dependencies: Drift Data
          colour: blue
        - type: model
          name: {value: Mapped Name}
          organization: Drift Lab
          created_date: {value: 2023-04, explanation: month only}
          access: [open]
          license: {explanation: nobody knows}
          size: a lot
        - type: model
          name: Orphan Model
          access: closed
        - type: dataset
          name: Drift Data
          organization: Drift Lab
          created_date: someday
          access: open
          license: Very Custom Licence
        - type: gadget
          name: Odd Thing
          organization: Drift Lab
        - just a string
        """)
    write(eg, "assets/broken.yaml", "- type: model\n  name: [unclosed\n")
    store, problems, runs = load(f"ecosystem-graphs={eg}", data=None)
    assert [str(p) for p in problems] == [
        f"ecosystem-graphs: the snapshot states no date; using the date of its newest file ({_newest(eg)})",
        "ecosystem-graphs/assets/broken.yaml:3: not valid YAML: expected ',' or ']', but got '<stream end>'",
        "ecosystem-graphs/assets/lab.yaml:17: colour: unknown field for a model (schemas.yaml does not list it); "
        "ignored (record Capital Model)",
        "ecosystem-graphs/assets/lab.yaml:22: access: expected text or {value, explanation}, got list (record Mapped Name)",
        "ecosystem-graphs/assets/lab.yaml:23: license: expected a value or a mapping with 'value', got a mapping with "
        "keys explanation (record Mapped Name)",
        "ecosystem-graphs/assets/lab.yaml:24: size: 'a lot' is not a number (e.g. 7000000000, 6.7e9, 175B) "
        "(record Mapped Name)",
        "ecosystem-graphs/assets/lab.yaml:25: organization: required field 'organization' is missing; the asset is "
        "skipped (record Orphan Model)",
        "ecosystem-graphs/assets/lab.yaml:31: created_date: 'someday' is not a date (e.g. 2023-03-14, 2023-03, 2023, "
        "March 14, 2023) (record Drift Data)",
        "ecosystem-graphs/assets/lab.yaml:33: license: 'Very Custom Licence' is not a licence string that "
        "mappings/licences.yaml knows; kept as the source's value (record Drift Data)",
        "ecosystem-graphs/assets/lab.yaml:34: type: 'gadget' is not an asset type (model, dataset, application); the "
        "asset is skipped (record Odd Thing)",
        "ecosystem-graphs/assets/lab.yaml: an asset must be a mapping, got 'just a string' (record item 7)"]
    assert runs["ecosystem-graphs"].counts["model"] == 3 and runs["ecosystem-graphs"].counts["dataset"] == 1
    graph = ns.graph("source", "ecosystem-graphs").value
    assert rows(store, f"""SELECT ?name ?tier ?words ?date ?licence ?size WHERE {{ GRAPH <{graph}> {{
          ?r a aivc:ReportedRelease ; aivc:releaseOf ?m ; aivc:sourceRecord ?rec .
          ?m aivc:alias ?name . FILTER(CONTAINS(?rec, ?name))
          OPTIONAL {{ ?r aivc:sourceAccessValue ?words }}
          OPTIONAL {{ ?r aivc:releaseDate ?date }} OPTIONAL {{ ?r aivc:sourceLicenceValue ?licence }}
          OPTIONAL {{ ?r aivc:reportedParameterCount ?size }} }}
          OPTIONAL {{ ?r aivc:accessTier/aivc:slug ?tier }} }} ORDER BY ?name""") == [
        ("Capital Model", "cloud-api", "Limited", "2023-03-14", "MIT", None),
        ("Drift Data", None, "open", None, "Very Custom Licence", None),
        ("Mapped Name", None, None, "2023-04", None, None),
        ("Plain Model", "downloadable-weights", "open", "2023-03-14", "Apache 2.0", "7000000000")]
    # a dependency given as one string instead of a list is read; both models depend on the dataset
    assert rows(store, f"""SELECT ?name WHERE {{ GRAPH <{graph}> {{ ?m aivc:trainedOn ?d ; aivc:alias ?name }} }}
                          ORDER BY ?name""") == [("Capital Model",), ("Plain Model",)]


def test_ecosystem_graphs_without_schema_or_assets(tmp_path):
    store, problems, _ = load(f"ecosystem-graphs={tmp_path}", data=None)
    assert [str(p) for p in problems] == [f"{tmp_path.name}: no assets/*.yaml files in this folder"]
    write(tmp_path, "assets/a.yaml", "- {type: model, name: M, organization: L, whatever: 1}\n")
    store, problems, runs = load(f"ecosystem-graphs={tmp_path}", data=None)
    assert [str(p) for p in problems] == [
        f"{tmp_path.name}: the snapshot states no date; using the date of its newest file ({_newest(tmp_path)})",
        f"{tmp_path.name}/schemas.yaml: no schemas.yaml: unknown fields are not checked"]
    assert runs["ecosystem-graphs"].counts["model"] == 1


def test_epoch_drift(tmp_path):
    table = tmp_path / "notable_ai_models_2024-06-30.csv"
    header = ["Model", "Organization", "Organization categorization", "Country (from Organization)",
              "Publication date", "Parameters", "Model accessibility", "Base model", "Training code accessibility",
              "Shiny new column"]
    with open(table, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerow(["Good LM", "Drift Lab", "Academia", "Canada", "2023-03-14", "7e9", "Open weights (unrestricted)",
                         "", "Open source", "x"])
        writer.writerow(["Tuned LM", "Drift Lab", "Academia", "Canada", "2023-05", "7.0e+09", "API ACCESS",
                         "Good LM, Missing LM", "", ""])
        writer.writerow(["", "Drift Lab", "", "", "2023", "", "", "", "", ""])
        writer.writerow(["Nameless Org LM", "", "", "", "2023", "", "", "", "", ""])
        writer.writerow(["Odd LM", "Drift Lab", "Academia", "Atlantis", "yesterday", "many", "Leaked", "", "Sort of", ""])
        writer.writerow(["Short LM", "Drift Lab"])
    store, problems, runs = load(f"epoch={table}", data=None)
    name = f"{tmp_path.name}/{table.name}"
    assert [str(p) for p in problems] == [
        f"{name}:1: Shiny new column: unknown column (not in the Notable AI Models table as aivc knows it); ignored",
        f"{name}:4: Model: no model name; the row is skipped",
        f"{name}:5: Organization: no organization; the row is skipped (record Nameless Org LM)",
        f"{name}:6: Country (from Organization): 'Atlantis' is not in the mappings (mappings/); ignored (record Odd LM)",
        f"{name}:6: Parameters: 'many' is not a number (e.g. 7000000000, 6.7e9, 175B) (record Odd LM)",
        f"{name}:6: Publication date: 'yesterday' is not a date (e.g. 2023-03-14, 2023-03, 2023, March 14, 2023) "
        "(record Odd LM)",
        f"{name}:6: access: 'Leaked' is not an access value of Epoch AI, Notable AI Models that "
        "mappings/access-tiers.yaml knows; kept without a tier (record Odd LM)",
        f"{name}:6: Training code accessibility: 'Sort of' is not a grade mappings/openness.yaml knows; ignored "
        "(record Odd LM)",
        f"{name}:7: 2 cells where the header has 10; the cells present are read (record Short LM)"]
    assert runs["epoch"].counts["model"] == 4
    assert runs["epoch"].unresolved == [{"source": "epoch", "record": f"{name}:3 [Tuned LM]", "field": "Base model",
                                         "name": "Missing LM"}]
    assert tiers(store, "epoch") == {"downloadable-weights": 1, "cloud-api": 1, None: 2}
    assert rows(store, """SELECT ?name ?base WHERE { ?m a aivc:FineTunedModel ; aivc:alias ?name ;
                              aivc:fineTunedFrom/aivc:alias ?base }""") == [("Tuned LM", "Good LM")]
    assert rows(store, "SELECT ?country ?owner WHERE { ?o aivc:country ?country ; aivc:ownerType/aivc:slug ?owner }") == [
        ("CA", "academic")]


def test_epoch_without_required_columns(tmp_path):
    table = tmp_path / "notable_ai_models.csv"
    table.write_text("Name,Org\nA,B\n", encoding="utf-8")
    _, problems, runs = load(f"epoch={tmp_path}", data=None)
    assert [str(p) for p in problems][-1] == (
        f"{tmp_path.name}/notable_ai_models.csv:1: Model, Organization: required column(s) missing: Model, "
        "Organization; the table is not read")
    assert "model" not in runs["epoch"].counts


def test_index_drift(tmp_path):
    projects = tmp_path / "projects"
    write(projects, "A_sample.yaml", "project: {name: , link: }\norg: {name: }\nopencode: {class: closed}\n")
    write(projects, "good.yaml", """\
        project: {name: Drift Chat, link: https://huggingface.co/drift/chat, llmbase: Drift Base & Other Base,
                  rlbase: "Drift Data (synthetic), various", license: Apache 2.0}
        org: {name: Drift Lab}
        opencode: open
        llmdata: {class: Partial, notes: some of it}
        llmweights: {CLASS: open}
        rldata: {class: closed}
        rlweights: {class: open}
        license: {class: open}
        code: {class: open}
        architecture: {class: open}
        preprint: {class: open}
        paper: {class: maybe}
        modelcard: {class: open}
        datasheet: {notes: no class}
        package: {class: closed}
        sparkle: {class: open}
        """)
    write(projects, "string-project.yaml", "project: Just A Name\norg: {name: Drift Lab}\n")
    write(projects, "no-org.yaml", "project: {name: Lonely Chat}\norg: {link: https://example.org}\n")
    store, problems, runs = load(f"eosai={tmp_path}", data=None)
    assert [str(p) for p in problems] == [
        f"{tmp_path.name}: the snapshot states no date; using the date of its newest file ({_newest(projects)})",
        f"{tmp_path.name}/projects/A_sample.yaml:1: the Index's template (no project or org name), not a model; skipped",
        f"{tmp_path.name}/projects/good.yaml:17: sparkle: unknown dimension (not in mappings/openness.yaml); ignored "
        "(record Drift Chat)",
        f"{tmp_path.name}/projects/good.yaml:13: paper.class: 'maybe' is not a grade (open, partial, closed) "
        "(record Drift Chat)",
        f"{tmp_path.name}/projects/good.yaml:15: datasheet: expected {{class: open | partial | closed, link, notes}}, "
        "got {'notes': 'no class'} (record Drift Chat)",
        f"{tmp_path.name}/projects/good.yaml:1: api: dimension missing; no grade recorded (record Drift Chat)",
        f"{tmp_path.name}/projects/no-org.yaml:1: org.name: required field 'org.name' is missing; the file is skipped "
        "(record Lonely Chat)",
        f"{tmp_path.name}/projects/string-project.yaml:1: project: expected a mapping (name, link, ...), got str; the "
        "file is skipped"]
    assert runs["eosai"].counts["model"] == 1
    assert tiers(store, "eosai") == {"downloadable-weights": 1}
    graph = ns.graph("source", "eosai").value
    assert rows(store, f"""SELECT ?dim ?grade WHERE {{ GRAPH <{graph}> {{ ?a aivc:opennessDimension ?d ;
                               aivc:opennessGrade ?g }} ?d aivc:slug ?dim . ?g aivc:slug ?grade }} ORDER BY ?dim""") == [
        ("architecture-documentation", "open"), ("base-model-data", "partial"), ("base-model-weights", "open"),
        ("code-documentation", "open"), ("instruction-data", "closed"), ("instruction-tuned-weights", "open"),
        ("licensing", "open"), ("model-card", "open"), ("package", "closed"), ("preprint", "open"),
        ("source-code", "open")]
    assert sorted(u["name"] for u in runs["eosai"].unresolved) == ["Drift Base", "Drift Data", "Other Base"]


def test_fmti_drift(tmp_path):
    (tmp_path / "fmti-indicators.csv").write_text(
        "\ufeffDomain,Subdomain,Indicator,Definition\nUpstream,Data,Data size ,Is the data size disclosed?\n"
        "Upstream,Data,Copyrighted data,Is the copyright status disclosed?\nModel,Basics,,No name\n", encoding="utf-8")
    (tmp_path / "May2024_scores.csv").write_text(
        "Indicator,Lab A,Lab B\nData size,1,yes\nData copyright status,0,1\nBrand new indicator,1,1\nTotal,2,5\n",
        encoding="utf-8")
    store, problems, runs = load(f"fmti={tmp_path}", data=None)
    assert [str(p) for p in problems] == [
        f"{tmp_path.name}: the snapshot states no date; using the date of its newest file ({_newest(tmp_path)})",
        f"{tmp_path.name}/fmti-indicators.csv:4: Indicator: no indicator name; the row is skipped",
        f"{tmp_path.name}/May2024_scores.csv:2: Lab B: score 'yes' is not 0 or 1; not recorded (record Data size / Lab B)",
        f"{tmp_path.name}/May2024_scores.csv:4: Indicator: 'Brand new indicator' is not an indicator of "
        "fmti-indicators.csv (nor renamed in mappings/transparency-indicators.yaml); the row is skipped "
        "(record Brand new indicator)",
        f"{tmp_path.name}/May2024_scores.csv:5: Lab A: the Total row says 2, the scores add up to 1 (record Total)",
        f"{tmp_path.name}/May2024_scores.csv:5: Lab B: the Total row says 5, the scores add up to 1 (record Total)"]
    assert (runs["fmti"].counts["indicators"], runs["fmti"].counts["scores"]) == (2, 3)


def _newest(folder: Path) -> str:
    """The date the loaders fall back to for a snapshot that states none: its newest file's."""
    import datetime as dt
    newest = max(p.stat().st_mtime for p in folder.rglob("*") if p.is_file())
    return dt.datetime.fromtimestamp(newest, dt.timezone.utc).date().isoformat()
