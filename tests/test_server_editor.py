"""The query editor in a real headless Chromium: it loads from the package, runs a stored question, shows rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from real_servers import aivc_serve, headless_chromium

pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def browser():
    with headless_chromium() as driver:
        yield driver


@pytest.fixture(scope="module")
def editor(fixture_store_path: Path):
    with aivc_serve(fixture_store_path, "--workers", "1") as base:
        yield base


def table_rows(driver) -> list[list[str]]:
    """The result table's rows, without YASR's row-number column (read in one go: the table re-renders)."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('.yasr table.dataTable tbody tr'))"
        ".map(r => Array.from(r.querySelectorAll('td')).slice(1).map(c => c.innerText.trim()))")


def test_the_editor_runs_a_stored_question_and_shows_its_rows(browser, editor):
    browser.get(editor + "/")
    wait = WebDriverWait(browser, 30)
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, 'button[data-query="open-models-on-own-cloud"]')).click()
    rows = wait.until(lambda d: table_rows(d) or False)
    assert rows == [["Acme AI", "Acme Open 7B", "downloadable-weights",
                     '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>']]
    assert "PREFIX" in browser.execute_script("return Yasgui && document.querySelector('.CodeMirror').CodeMirror.getValue()")
    loaded = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert loaded and all(url.startswith(editor + "/") for url in loaded), loaded


def test_a_question_with_a_parameter_is_bound_by_the_server(browser, editor):
    browser.get(editor + "/")
    wait = WebDriverWait(browser, 30)
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, 'button[data-query="models-by-tier"]')).click()
    field = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, '#parameters input[name="org"]'))
    wait.until(lambda d: len(table_rows(d)) == 7)          # all firms first: the parameter is optional
    field.send_keys("Tiny Startup")
    browser.find_element(By.CSS_SELECTOR, "#parameters button[type=submit]").click()
    wait.until(lambda d: len(table_rows(d)) == 2)
    integer = '"{}"^^<http://www.w3.org/2001/XMLSchema#integer>'.format
    assert table_rows(browser) == [["Tiny Startup", "hosted", integer(2), integer(1)],
                                   ["Tiny Startup", "downloadable-weights", integer(4), integer(2)]]
