"""aivc report without a browser: figures and their readings, CSVs, no-data panels, entity pages with
sources, the output folder's safety, and the command line. (tests/test_report_browser.py opens the
result in Chromium.)

Figures whose data the curated fixture cannot express (openness grades, transparency scores,
mechanism evidence, source conflicts, the fitted logit) are fed by stand-in queries in
tests/fixtures/report/queries/, in the shape of the real stored queries, and a fixed coefficient table.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from pyoxigraph import Store

from aivc import paths
from aivc.build import load_ontology
from aivc.report import FIGURES, make_report, site, svg
from aivc.report.entities import build_index, fill, read_sources

TESTS = Path(__file__).parent
STAND_INS = TESTS / "fixtures" / "report" / "queries"


def fitted_coefficients(store) -> pd.DataFrame:
    """A fixed logit fit in the shape of aivc.economics.open_sourcing_coefficients (120 models)."""
    return pd.DataFrame({"term": ["intercept", "performance edge", "big-tech owner"], "estimate": [-1.0, -0.8, 1.2],
                         "ci_low": [-2.0, -1.5, -0.1], "ci_high": [0.1, -0.1, 2.5], "n": [120] * 3})


STAND_IN_FIGURES = [replace(f, analysis=fitted_coefficients) if f.analysis else f for f in FIGURES]


def stand_in_queries(folder: Path) -> Path:
    """The project's stored queries with the stand-ins laid over them."""
    shutil.copytree(paths.QUERIES, folder)
    for query in STAND_INS.glob("*.rq"):
        shutil.copy(query, folder / query.name)
    return folder


@pytest.fixture(scope="module")
def full_report(fixture_store, tmp_path_factory):
    """The report of the fixture graph with every figure fed: (result, folder)."""
    root = tmp_path_factory.mktemp("full-report")
    out = root / "report"
    return make_report(fixture_store, out, figures=STAND_IN_FIGURES, queries=stand_in_queries(root / "queries"),
                       info={"built_at": "2026-11-23T12:00:00Z", "triples": 1234}), out


@pytest.fixture(scope="module")
def empty_store() -> Store:
    """A graph with the ontology and no data at all."""
    store = Store()
    load_ontology(store)
    return store


# --- charts ------------------------------------------------------------------------------------------------

def test_nice_ticks_are_round_numbers():
    assert svg.nice_ticks(0, 11) == [0, 2, 4, 6, 8, 10, 12]
    assert svg.nice_ticks(0, 133) == [0, 50, 100, 150]
    assert svg.nice_ticks(0, 1) == [0, 1]
    assert svg.nice_ticks(-20.5, 72.6, whole=False) == [-40, -20, 0, 20, 40, 60, 80]


def test_labels_are_clipped_with_the_full_text_in_a_tooltip():
    assert svg.clip("Technology Innovation Institute", 12) == "Technology …"
    assert svg.label(1, 2, "a < b", max_chars=3) == ('<text x="1.0" y="2.0" text-anchor="start"><title>a &lt; b</title>'
                                                     'a …</text>')
    assert svg.wrap("downloadable weights", 15) == ["downloadable", "weights"]


def test_text_colour_follows_the_fill():
    assert svg.ink_on("#1b7837") == "#ffffff"
    assert svg.ink_on("#d9f0d3") == svg.INK


def test_a_stacked_bar_chart_has_its_title_axes_legend_and_one_mark_per_value():
    chart = svg.horizontal_stacked_bars(
        "c", "Models per tier", ["Acme", "Tiny"],
        [svg.Series("closed", "#762a83", [1, 0]), svg.Series("open", "#1b7837", [2, 3])],
        x_label="number of models", y_label="firm", link=lambda name: f"{name.lower()}.html")
    assert '<title id="c-title">Models per tier</title>' in chart
    assert '<text class="axis-label x-axis" x=' in chart and ">number of models</text>" in chart
    assert chart.count('class="mark"') == 3                       # no mark for a zero
    assert chart.count('class="swatch"') == 2
    assert '<a href="acme.html"><text' in chart and "<title>Tiny - open: 3</title>" in chart


# --- the report on the fixture graph ------------------------------------------------------------------------

EXPECTED_READINGS = {
    "access-gradient": "6 of 9 models (67%) from 3 firms are released with downloadable weights or fully open; "
                       "the open share was 67% in 2022 and 67% in 2023.",
    "governance-map": "Open platform is the most common governance type (3 of 9 models); 3 of 3 firms release "
                      "models under more than one type.",
    "openness-dimensions": "3 models graded on 3 dimensions; source code is most often closed (1 of 3 models); "
                           "1 open on every dimension.",
    "transparency-vs-openness": "4 developers scored by the FMTI, 3 with releases in this graph; Spearman "
                                "correlation between score and most open tier: +0.87 (more open developers "
                                "disclose more); the chart leaves out 1 developer without a release.",
    "lineage-families": "The largest family is Acme Open 7B (Acme AI) with 3 derived models; 2 of 3 derived "
                        "models carry another licence than their base.",
    "licence-restrictions": "2 of 2 licences restrict downstream use; the most common term is acceptable-use "
                            "policy (1 licence); 1 licence with a cap on users (the lowest 700,000,000 monthly "
                            "users).",
    "value-capture": "Platformization is the most evidenced mechanism (3 pieces of evidence across 1 firm); at "
                     "least one mechanism is evidenced for 2 firms.",
    "open-sourcing-regression": "Logit of open-sourcing on 120 models: performance edge -0.8 [-1.5, -0.1] (95% "
                                "intervals excluding zero).",
    "data-coverage": "Least covered: Hugging Face id of models (0 of 9, 0%); 5 of 8 fields are complete.",
    "source-conflicts": "3 disagreements between sources about 2 models; most of them on date (2).",
}


def test_every_figure_is_drawn_with_its_reading(full_report):
    result, _ = full_report
    assert {f.id: f.drawing.reading if f.drawing else f.message for f in result.figures} == EXPECTED_READINGS


def test_each_figure_writes_its_rows_as_csv(full_report):
    _, out = full_report
    with open(out / "data" / "access-gradient.csv", newline="") as rows:
        assert list(csv.reader(rows)) == [
            ["org", "year", "tier", "rank", "models"],
            ["Acme AI", "2022", "fully-closed", "0", "1"], ["Acme AI", "2023", "cloud-api", "3", "1"],
            ["Acme AI", "2023", "downloadable-weights", "4", "2"],
            ["Commons Lab", "2022", "downloadable-weights", "4", "1"], ["Commons Lab", "2022", "fully-open", "5", "1"],
            ["Tiny Startup", "2023", "hosted", "2", "1"], ["Tiny Startup", "2023", "downloadable-weights", "4", "2"]]
    assert sorted(p.name for p in (out / "data").iterdir()) == sorted(f"{f.id}.csv" for f in FIGURES)


def test_the_page_shows_each_figure_with_its_query_and_download(full_report):
    _, out = full_report
    page = (out / "index.html").read_text()
    for figure in FIGURES:
        assert f'<section class="figure" id="{figure.id}" data-state="drawn">' in page
        assert f'<a class="csv" href="data/{figure.id}.csv" download>' in page
    assert page.count('<details class="query">') == len(FIGURES)
    assert "SELECT ?org ?year ?tier ?rank (COUNT(DISTINCT ?model) AS ?models)" in page    # the query text itself
    assert "Graph built 2026-11-23T12:00:00Z; 1,234 triples." in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "").split("<details")[0]


def test_names_in_figures_link_to_their_pages(full_report):
    result, out = full_report
    page = (out / "index.html").read_text()
    assert '<a href="entities/firm-acme.html"><text' in page              # a firm in a chart
    assert '<a href="entities/model-acme-open-7b.html">Acme Open 7B</a>' in page   # a model among examples
    assert sorted(p.name for p in (out / "entities").iterdir()) == [
        "firm-acme.html", "firm-commons.html", "firm-tiny.html", "model-acme-big.html", "model-acme-internal.html",
        "model-acme-open-7b-chat.html", "model-acme-open-7b.html", "model-commons-1b.html", "model-commons-nc.html",
        "model-tiny-chat-q4.html", "model-tiny-chat.html", "model-tiny-pro.html"]
    assert result.pages == 12


def test_an_entity_page_lists_every_fact_with_its_source(fixture_store):
    index = build_index(fixture_store, firms=set(), models={"Tiny Chat Q4"})
    fill(fixture_store, index, read_sources(fixture_store))
    model = index.by_iri["https://w3id.org/aivc/model/tiny-chat-q4"]
    assert model.records == ["data/orgs/tiny.yaml:10"]
    card = ("Tiny Chat model card", "https://example.org/tiny/card", "2023-09-01")
    assert [(f.about, f.property, f.value, f.href, (f.source.title, f.source.url, f.source.date))
            for f in model.facts] == [
        ("", "developed by", "Tiny Startup", "firm-tiny.html", card),
        ("", "identifier", "tiny-chat-q4", None, card),
        ("", "label", "Tiny Chat Q4", None, card),
        ("", "quantized from", "Tiny Chat", "model-tiny-chat.html", card),
        ("", "type", "quantized model", None, card),
        ("release", "access tier", "downloadable weights", None, card),
        ("release", "governance evidence",
         "access tier downloadable-weights; licence Apache License 2.0 (OSI-approved, no restrictions); "
         "training data and code not released", None,
         ("aivc rule rules/governance/controlled-openness.rq", None, None)),
        ("release", "governance rule", "controlled-openness", None,
         ("aivc rule rules/governance/controlled-openness.rq", None, None)),
        ("release", "governance type", "controlled openness", None,
         ("aivc rule rules/governance/controlled-openness.rq", None, None)),
        ("release", "licence", "Apache License 2.0", None, card),
        ("release", "release date", "2023-09-02", None, card),
        ("release", "released by", "Tiny Startup", "firm-tiny.html", card),
        ("release", "type", "release", None, card)]
    firm = index.by_iri["https://w3id.org/aivc/org/tiny"]
    assert firm.models == [("Tiny Chat", "https://w3id.org/aivc/model/tiny-chat"),
                           ("Tiny Chat Q4", "https://w3id.org/aivc/model/tiny-chat-q4"),
                           ("Tiny Pro", "https://w3id.org/aivc/model/tiny-pro")]
    assert ("", "country", "FR", None, ("Tiny Startup home page", "https://example.org/tiny", "2023-02-01")) in [
        (f.about, f.property, f.value, f.href, (f.source.title, f.source.url, f.source.date)) for f in firm.facts]


# --- no data, bad data ------------------------------------------------------------------------------------------

def test_a_graph_without_data_shows_a_no_data_panel_for_every_figure(empty_store, tmp_path):
    result = make_report(empty_store, tmp_path / "report")
    assert {f.id: f.message for f in result.figures} == {f.id: f.empty for f in FIGURES}
    assert result.drawn == [] and result.pages == 0
    page = (tmp_path / "report" / "index.html").read_text()
    assert page.count('<p class="no-data-title">No data</p>') == len(FIGURES)
    assert "<svg" not in page
    assert "None: no figure of this graph names one." in page


def test_a_missing_query_says_which_query_and_columns_the_figure_needs(fixture_store, tmp_path):
    figure = replace(FIGURES[0], query="not-written-yet")
    [shown] = make_report(fixture_store, tmp_path / "report", figures=[figure]).figures
    assert shown.drawing is None and shown.csv is None
    assert shown.message == ("The stored query 'not-written-yet' is not in this aivc yet (queries/not-written-yet.rq); "
                             "it should return the columns org, year, tier, rank, models.")


def test_a_query_without_the_needed_columns_is_named(fixture_store, tmp_path):
    figure = replace(FIGURES[0], query="models-by-tier")
    [shown] = make_report(fixture_store, tmp_path / "report", figures=[figure]).figures
    assert shown.message == ("'models-by-tier' gives the columns org, tier, rank, models; "
                             "this figure needs year as well.")


def test_rows_that_cannot_be_drawn_give_a_panel_not_an_exception(fixture_store, tmp_path):
    folder = tmp_path / "queries"
    folder.mkdir()
    (folder / "bad-gradient.rq").write_text(
        '#+ summary: bad\nSELECT ?org ?year ?tier ?rank ?models WHERE { VALUES (?org ?year ?tier ?rank ?models) '
        '{ ("Acme AI" 2023 "cloud-api" 3 "many") } }\n')
    figure = replace(FIGURES[0], query="bad-gradient")
    [shown] = make_report(fixture_store, tmp_path / "report", figures=[figure], queries=folder).figures
    assert shown.message == ("The rows of 'bad-gradient' could not be drawn: ValueError: "
                             "Unable to parse string 'many' at position 0")


def test_a_failing_analysis_is_reported_in_its_panel(fixture_store, tmp_path):
    def broken(store):
        raise RuntimeError("the graph has no compute figures")
    figure = replace(FIGURES[7], analysis=broken)
    [shown] = make_report(fixture_store, tmp_path / "report", figures=[figure]).figures
    assert shown.message == (f"The analysis {__name__}.test_a_failing_analysis_is_reported_in_its_panel."
                             "<locals>.broken failed on this graph: the graph has no compute figures")


# --- the output folder ------------------------------------------------------------------------------------------

def test_a_folder_aivc_did_not_write_is_never_replaced(fixture_store, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(site.OutputError, match=f"{tmp_path} is not empty and was not written by aivc"):
        make_report(fixture_store, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    with pytest.raises(site.OutputError, match="notes.txt is a file; --out needs a folder"):
        make_report(fixture_store, tmp_path / "notes.txt")


def test_writing_again_replaces_the_previous_report(fixture_store, tmp_path):
    out = tmp_path / "report"
    make_report(fixture_store, out, figures=FIGURES[:1])
    (out / "data" / "stale.csv").write_text("old")
    make_report(fixture_store, out, figures=FIGURES[1:2])
    assert sorted(p.name for p in (out / "data").iterdir()) == ["governance-map.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]          # no temporary folder left


def test_a_failed_write_leaves_the_previous_report(fixture_store, tmp_path, monkeypatch):
    out = tmp_path / "report"
    make_report(fixture_store, out, figures=FIGURES[:1])
    before = (out / "index.html").read_text()
    real_write = Path.write_text

    def full_disk(self, text, *args, **kwargs):
        if self.name.endswith(".html") and "entities" in self.parts:
            raise OSError(28, "No space left on device")
        return real_write(self, text, *args, **kwargs)
    monkeypatch.setattr(Path, "write_text", full_disk)
    with pytest.raises(OSError, match="No space left on device"):
        make_report(fixture_store, out)
    monkeypatch.undo()
    assert (out / "index.html").read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


# --- the command line ---------------------------------------------------------------------------------------------

def aivc(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aivc.cli", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "200"}, timeout=300)


@pytest.mark.parametrize("command, words", [
    ("report", "A figure without data in this graph shows a 'no data' panel saying why"),
    ("docs", "the SHACL shapes summarized per class; the stored queries with their headers"),
])
def test_the_commands_explain_themselves(tmp_path, command, words):
    result = aivc(command, "--help", cwd=tmp_path)
    assert result.returncode == 0 and words in " ".join(result.stdout.split())


def test_aivc_report_from_another_folder(fixture_store_path, tmp_path):
    result = aivc("report", "--store", str(fixture_store_path), "--out", "site", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "12 firm and model pages" in result.stdout
    assert f"open{tmp_path / 'site' / 'index.html'}" in "".join(result.stdout.split())   # rich may wrap it
    assert (tmp_path / "site" / "index.html").is_file()
    assert (tmp_path / "site" / "entities" / "firm-acme.html").is_file()
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("do not delete")
    refused = aivc("report", "--store", str(fixture_store_path), "--out", "mine", cwd=tmp_path)
    assert refused.returncode == 2
    assert refused.stderr.strip() == ("error: mine is not empty and was not written by aivc; choose another --out "
                                      "(aivc replaces the whole folder)")
    missing = aivc("report", "--store", str(tmp_path / "nowhere"), cwd=tmp_path)
    assert missing.returncode == 1 and "run 'aivc build' first" in missing.stderr and "Traceback" not in missing.stderr
