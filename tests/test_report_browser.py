"""The report and the documentation as a person sees them: opened in a real headless Chromium (Debian's
chromium and chromium-driver, installed by .ci/run), with nothing allowed to leave the machine.

Screenshots are kept in artifacts/report-screenshots/ (git-ignored; $AIVC_ARTIFACTS overrides the
folder): the whole report, each figure, an entity page, the no-data report and the documentation.
Chromium runs with a proxy that refuses every connection and a resolver that resolves no name, and
every request it attempts is read from its network log: a page that tried to fetch anything from the
network fails the test (test_the_request_log_catches_a_page_that_reaches_out proves the check works).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import urlparse

import pytest

from aivc.docs import document, make_docs
from aivc.report import FIGURES, make_report
from real_servers import headless_chromium
from test_report import STAND_IN_FIGURES, stand_in_queries

pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHOTS = Path(os.environ.get("AIVC_ARTIFACTS", ROOT / "artifacts")) / "report-screenshots"
FIXTURE_DATA = ROOT / "tests" / "fixtures" / "data"
NETWORK_SCHEMES = {"http", "https", "ws", "wss", "ftp"}

# (chart title, horizontal axis label, vertical axis label, number of marks) of every chart of every figure,
# on the fixture graph with the stand-in answers of tests/fixtures/report/queries.
EXPECTED_CHARTS = {
    "access-gradient": [("Models per access tier, by firm", "number of models", "firm", 7),
                        ("Models per access tier, by release year", "release year", "number of models", 6)],
    "governance-map": [("Models per firm and governance type", "governance type (Foster 2025)", "firm", 7)],
    "openness-dimensions": [("Openness per model and dimension", "openness dimension (European Open Source AI Index)",
                             "model", 9)],
    "transparency-vs-openness": [("Transparency score by most open access tier",
                                  "most open access tier of the developer's models",
                                  "FMTI score (% of indicators disclosed)", 3)],
    "lineage-families": [("Largest model families and their licences", "number of derived models",
                          "family (base model)", 2)],
    "licence-restrictions": [("Restriction terms per licence", "restriction term", "licence", 5)],
    "value-capture": [("Evidence of value-capture mechanisms per firm", "value-capture mechanism (Foster 2025)",
                       "firm", 3)],
    "open-sourcing-regression": [("Open-sourcing logit: coefficients with 95% intervals",
                                  "coefficient (log-odds of open-sourcing)", "term", 3)],
    "data-coverage": [("Coverage of the main facts", "number of resources", "resource: field", 10)],
    "source-conflicts": [("Source conflicts per field", "number of disagreements", "field", 2)],
}

CHARTS_IN_DOM = """
return Array.from(document.querySelectorAll('section.figure')).map(section => ({
  id: section.id, state: section.dataset.state,
  charts: Array.from(section.querySelectorAll('svg.chart')).map(svg => {
    const box = svg.getBoundingClientRect();
    return {title: svg.querySelector(':scope > title').textContent,
            x: (svg.querySelector('.x-axis') || {}).textContent, y: (svg.querySelector('.y-axis') || {}).textContent,
            marks: svg.querySelectorAll('.mark, .cell').length, width: box.width, height: box.height,
            painted: Array.from(svg.querySelectorAll('.mark, .cell')).filter(m => m.getBBox().width > 0).length};
  })}));
"""


@pytest.fixture(scope="module")
def browser():
    SHOTS.mkdir(parents=True, exist_ok=True)
    with headless_chromium("--window-size=1280,900",
                           "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",  # nothing gets out...
                           "--host-resolver-rules=MAP * ~NOTFOUND", logs=True) as driver:            # ...nor resolves
        yield driver


def visit(driver, page: Path | str) -> tuple[list[str], list[str]]:
    """Open a page; return the network requests it attempted and its console errors."""
    driver.get_log("performance")
    driver.get_log("browser")
    driver.get(page.resolve().as_uri() if isinstance(page, Path) else page)
    return network_requests(driver), [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def network_requests(driver) -> list[str]:
    """URLs of every request the page made to the network (file:, data: and chrome: stay on the machine)."""
    events = (json.loads(entry["message"])["message"] for entry in driver.get_log("performance"))
    urls = [e["params"]["request"]["url"] for e in events if e["method"] == "Network.requestWillBeSent"]
    return [url for url in urls if urlparse(url).scheme in NETWORK_SCHEMES]


def screenshot(driver, name: str) -> Path:
    """The whole page (the window grows to the page's height) as SHOTS/name."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(height + 40, 20000))
    path = SHOTS / name
    assert driver.save_screenshot(str(path)), f"no screenshot written to {path}"
    driver.set_window_size(1280, 900)
    return path


@pytest.fixture(scope="module")
def report(fixture_store, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("browser-report")
    make_report(fixture_store, root / "report", figures=STAND_IN_FIGURES, queries=stand_in_queries(root / "queries"))
    return root / "report"


def test_every_figure_renders_with_its_title_axes_and_marks(browser, report):
    requests, errors = visit(browser, report / "index.html")
    assert requests == [] and errors == []
    screenshot(browser, "report.png")
    for section in browser.find_elements(By.CSS_SELECTOR, "section.figure"):
        section.screenshot(str(SHOTS / f"figure-{section.get_attribute('id')}.png"))
    shown = browser.execute_script(CHARTS_IN_DOM)
    assert [s["id"] for s in shown] == [f.id for f in FIGURES]
    for section in shown:
        assert section["state"] == "drawn", section["id"]
        assert [(c["title"], c["x"], c["y"], c["marks"]) for c in section["charts"]] == EXPECTED_CHARTS[section["id"]]
        for chart in section["charts"]:
            assert chart["width"] > 300 and chart["height"] > 100, (section["id"], chart)
            assert chart["painted"] == chart["marks"], (section["id"], chart)      # every mark has an area


def test_each_figure_offers_its_csv_and_query(browser, report):
    visit(browser, report / "index.html")
    for figure in FIGURES:
        section = browser.find_element(By.ID, figure.id)
        link = section.find_element(By.CSS_SELECTOR, "a.csv")
        assert link.get_attribute("href") == (report / "data" / f"{figure.id}.csv").as_uri()
        assert link.get_attribute("download") == ""
        assert section.find_element(By.CSS_SELECTOR, "p.reading").text
    query = browser.find_element(By.CSS_SELECTOR, "#governance-map details.query")
    query.find_element(By.TAG_NAME, "summary").click()
    assert "?release aivc:releaseOf ?m ; aivc:governanceType ?type ." in query.find_element(By.TAG_NAME, "pre").text


def test_a_firm_in_a_chart_leads_to_its_facts_and_sources(browser, report):
    visit(browser, report / "index.html")
    browser.find_element(By.CSS_SELECTOR, '#chart-access-gradient-firm a[href="entities/firm-acme.html"]').click()
    assert browser.current_url == (report / "entities" / "firm-acme.html").as_uri()
    assert network_requests(browser) == []
    screenshot(browser, "entity-firm-acme.png")
    rows = browser.execute_script(
        "return Array.from(document.querySelectorAll('table.facts tbody tr'))"
        ".map(r => Array.from(r.cells).map(c => c.innerText.trim()))")
    assert ["firm", "country", "US", "About Acme AI (2020-01-01)"] in rows
    assert ["firm", "role", "cloud provider", "About Acme AI (2020-01-01)"] in rows
    browser.find_element(By.LINK_TEXT, "Acme Open 7B").click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "Acme Open 7B"
    assert browser.find_element(By.CSS_SELECTOR, "p.iri").text.endswith("Read from data/orgs/acme.yaml:18")


def test_a_graph_without_data_shows_no_data_panels(browser, tmp_path):
    from pyoxigraph import Store
    from aivc.build import load_ontology
    empty = Store()
    load_ontology(empty)
    make_report(empty, tmp_path / "report")
    requests, errors = visit(browser, tmp_path / "report" / "index.html")
    assert requests == [] and errors == []
    screenshot(browser, "report-no-data.png")
    panels = browser.execute_script(
        "return Array.from(document.querySelectorAll('section.figure')).map(s => [s.dataset.state,"
        " s.querySelectorAll('svg').length, s.querySelector('.no-data-title').innerText,"
        " s.querySelector('.no-data-why').innerText])")
    assert panels == [["no-data", 0, "No data", f.empty] for f in FIGURES]


def test_the_documentation_renders_offline(browser, tmp_path):
    docs = document(data=FIXTURE_DATA)
    make_docs(tmp_path / "docs", docs)
    requests, errors = visit(browser, tmp_path / "docs" / "index.html")
    assert requests == [] and errors == []
    screenshot(browser, "docs.png")
    browser.find_element(By.ID, "aivc-AIModel").screenshot(str(SHOTS / "docs-class-AIModel.png"))
    browser.find_element(By.ID, "aivc-AccessTierScheme").screenshot(str(SHOTS / "docs-access-tiers.png"))
    counted = browser.execute_script(
        "return ['class', 'object property', 'datatype property'].map("
        "k => document.querySelectorAll(`.term[data-kind='${k}']`).length)")
    assert counted == [len(docs.classes), sum(t.kind == "object property" for t in docs.properties),
                       sum(t.kind == "datatype property" for t in docs.properties)]
    tiers = browser.execute_script(
        "return Array.from(document.querySelectorAll('#aivc-AccessTierScheme tbody tr'))"
        ".map(r => [r.cells[0].innerText, r.cells[1].innerText, r.cells[2].innerText])")
    assert tiers == [["0", "fully-closed", "fully closed"], ["1", "gradual-staged", "gradual / staged"],
                     ["2", "hosted", "hosted"], ["3", "cloud-api", "cloud / API"],
                     ["4", "downloadable-weights", "downloadable weights"], ["5", "fully-open", "fully open"]]
    browser.find_element(By.CSS_SELECTOR, '#aivc-FoundationModel a[href="#aivc-AIModel"]').click()
    assert browser.current_url.endswith("#aivc-AIModel")


def test_the_request_log_catches_a_page_that_reaches_out(browser, tmp_path):
    page = tmp_path / "leaky.html"
    page.write_text('<!doctype html><link rel="stylesheet" href="https://cdn.example.org/x.css">'
                    '<img src="http://images.example.org/pixel.png">')
    requests, _ = visit(browser, page)
    assert sorted(requests) == ["http://images.example.org/pixel.png", "https://cdn.example.org/x.css"]
