"""The HTML report: one self-contained file, its embedded data, and its controls working in a
real headless browser."""

from __future__ import annotations

import json
import re
import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import golden as gd
from golden.demo import BLOCKING, COMPARISONS, GOLDEN, TRAINING
from golden.evaluate import estimated_metrics, pairwise_metrics
from golden.report.html import threshold_figures

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
DATA = re.compile(r'<script type="application/json" id="report-data">(.*?)</script>', re.S)
SECTIONS = ("summary", "profile", "blocking", "model", "threshold", "pairs", "clusters",
            "golden", "households", "accuracy")


@dataclass
class Report:
    path: Path
    linker: gd.Linker
    pairs: pd.DataFrame
    truth: pd.Series

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def data(self) -> dict[str, Any]:
        found = DATA.search(self.text)
        assert found is not None
        return json.loads(found.group(1))


def run_report(n: int, path: Path) -> Report:
    people = gd.datasets.make_people(n, random_state=5)
    truth = people.set_index("unique_id")["person_id"]
    records = people.drop(columns=["person_id", "household_id"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        linker = gd.Linker(COMPARISONS, BLOCKING, training_blocking=TRAINING,
                           random_state=0).fit(records)
        pairs = linker.predict(records)
        clusters = linker.cluster(pairs, records)
        golden = GOLDEN.build(records, clusters)
        homes = gd.HouseholdGrouper(reference_date="2026-01-01").fit_transform(golden.records)
        gd.write_report(path, linker, records, pairs=pairs, clusters=clusters, truth=truth,
                        golden=golden, households=homes, title="People <3k>")
    return Report(path, linker, pairs, truth)


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Report:
    return run_report(3_000, tmp_path_factory.mktemp("report") / "run.html")


def test_report_is_one_self_contained_file(report: Report) -> None:
    text = report.text
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:|//|file:|data:)""", text, re.I)
    assert "@import" not in text and "<link" not in text and "url(" not in text
    scripts = re.findall(r"<script([^>]*)>", text)
    assert scripts == [' type="application/json" id="report-data"', ""]  # inline, no src
    assert "<title>People &lt;3k&gt;</title>" in text  # the title is escaped
    found = DATA.search(text)
    assert found is not None and "<" not in found.group(1)  # no "</script>" in the data
    for anchor in SECTIONS:  # the table of contents leads to every section
        assert f'<a href="#{anchor}">' in text and f'<section id="{anchor}"' in text


def test_tables_read_without_the_script(report: Report) -> None:
    text = report.text
    for heading in ("Summary", "Data profile", "Blocking", "The model", "Cluster browser",
                    "Golden records", "Households", "Accuracy against the truth"):
        assert f">{heading}</h2>" in text
    for comparison in report.linker.comparisons_:  # the comparison viewer's level tables
        assert f"<caption>Levels of {comparison.name}, best first</caption>" in text
    assert text.count("<noscript>") == 3  # the charts and explorers say they need script
    kept = int((report.pairs["match_probability"] >= 0.5).sum())
    assert f'<output id="t-kept" for="threshold-slider">{kept:,}</output>' in text


def test_embedded_data_holds_every_section(report: Report) -> None:
    data, pairs = report.data, report.pairs
    assert data["format"] == "golden.report" and data["version"] == 1
    assert {"summary", "profile", "blocking", "model", "threshold", "histogram", "pairs",
            "clusters", "records", "truth", "golden", "households"} <= set(data)
    assert [c["name"] for c in data["model"]["comparisons"]] == [
        c.name for c in report.linker.comparisons_]
    first = data["model"]["comparisons"][0]["levels"]
    assert sum(level["pairs"] for level in first) == len(pairs)

    # The histogram starts the slider on the run's threshold, and gives its figures exactly.
    histogram = data["histogram"]
    assert sum(histogram["pairs"]) == len(pairs)
    start = histogram["start"]
    assert histogram["edges"][start] == pytest.approx(0.0)  # probability 0.5
    assert sum(histogram["pairs"][start:]) == (pairs["match_probability"] >= 0.5).sum()
    figures = threshold_figures(data, start)
    estimated = estimated_metrics(pairs, 0.5)
    assert float(figures["est-precision"]) == pytest.approx(estimated["precision"], abs=1e-3)
    assert float(figures["est-recall"]) == pytest.approx(estimated["recall"], abs=1e-3)
    true = pairwise_metrics(pairs, report.truth, threshold=0.5)
    assert data["truth"]["n_true"] == true["n_true"]
    assert float(figures["true-precision"]) == pytest.approx(true["precision"], abs=1e-3)
    assert float(figures["true-recall"]) == pytest.approx(true["recall"], abs=1e-3)

    # Pairs: a sample across the weight range and the most confident mistakes.
    rows = data["pairs"]["rows"]
    sample = [rows[i] for i in data["pairs"]["sample"]]
    assert len(sample) == 200
    weights = [p["w"] for p in sample]
    assert weights == sorted(weights, reverse=True)
    assert min(weights) < -5 and max(weights) > 20  # across the range, not only matches
    assert all(not rows[i]["same"] and rows[i]["p"] >= 0.5
               for i in data["pairs"]["false_positives"])
    assert all(rows[i]["same"] and rows[i]["p"] < 0.5 for i in data["pairs"]["false_negatives"])
    assert all(len(p["g"]) == len(p["mw"]) == 3 for p in rows)

    # Clusters: the largest first, then the weakest-linked, then a sample.
    clusters = data["clusters"]["rows"]
    whys = [c["why"] for c in clusters]
    assert whys == sorted(whys, key=["largest", "weakest-linked", "sample"].index)
    largest = [c["size"] for c in clusters if c["why"] == "largest"]
    assert len(largest) == 50 and largest == sorted(largest, reverse=True)
    for cluster in clusters:
        assert len(cluster["links"]) == min(cluster["size"] - 1, 100)  # a spanning tree
        members = set(cluster["records"])
        assert all(rows[i]["l"] in members and rows[i]["r"] in members for i in cluster["links"])
    keys = {k for p in rows for k in (p["l"], p["r"])} | {
        k for c in clusters for k in c["records"]}
    assert keys <= set(data["records"]["values"])  # every record shown is embedded
    ids = {str(c["id"]) for c in clusters}
    assert ids <= set(data["golden"]["records"]) and ids <= set(data["households"]["of_entity"])


@pytest.mark.slow
def test_the_report_stays_small_as_data_grows(tmp_path) -> None:
    # Measured: 3k records 422 kB, 20k 515 kB (the embedded data is bounded, not the run).
    report = run_report(20_000, tmp_path / "run.html")
    assert report.path.stat().st_size < 800_000


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None or CHROMEDRIVER is None,
                    reason="needs Debian's chromium and chromium-driver (make browser installs "
                    "them)")
def test_report_works_in_headless_chromium(report: Report) -> None:
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    options = Options()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    data, pairs = report.data, report.pairs
    try:
        driver.get(report.path.as_uri())
        assert driver.title == "People <3k>"
        find = driver.find_element

        # The threshold: the slider moves, and the counts follow.
        kept = find(By.ID, "t-kept")
        assert kept.text == f"{(pairs['match_probability'] >= 0.5).sum():,}"
        slider = find(By.ID, "threshold-slider")
        assert slider.is_displayed()
        line = driver.find_element(By.CSS_SELECTOR, "#histogram svg line[stroke-dasharray='6 3']")
        before = line.get_attribute("x1")
        slider.send_keys(Keys.HOME)  # the lowest weight: every candidate pair is kept
        assert kept.text == f"{len(pairs):,}"
        assert find(By.ID, "t-true-recall").text == (
            f"{sum(data['histogram']['matches']) / data['truth']['n_true']:.3f}")
        assert line.get_attribute("x1") != before
        slider.send_keys(Keys.END)
        assert kept.text == "0" and find(By.ID, "t-est-precision").text == "—"
        for _ in range(8):
            slider.send_keys(Keys.ARROW_LEFT)
        assert int(kept.text.replace(",", "")) == sum(data["histogram"]["pairs"][-8:])

        # The pair explorer: pick a pair, see its waterfall and both records.
        rows = data["pairs"]["rows"]
        pick = driver.find_elements(By.CSS_SELECTOR, "#pair-explorer .list tbody tr button")
        assert len(pick) == 200
        pick[5].click()
        pair = rows[data["pairs"]["sample"][5]]
        title = find(By.ID, "pair-title").text
        assert f"{pair['l']} ~ {pair['r']}" in title
        bars = driver.find_elements(By.CSS_SELECTOR, "#waterfall svg rect")
        assert len(bars) == 1 + len(report.linker.comparisons_) + 1  # prior, each, total
        labels = [t.text for t in driver.find_elements(By.CSS_SELECTOR, "#waterfall svg text")]
        assert "prior" in labels and "total" in labels
        side = driver.find_elements(By.CSS_SELECTOR, "#pair-detail table")[-1].text
        assert pair["l"] in side and pair["r"] in side
        # ... and filter by a comparison's level
        Select(find(By.ID, "pair-comparison")).select_by_index(1)
        Select(find(By.ID, "pair-level")).select_by_visible_text("exact")
        shown = len(driver.find_elements(By.CSS_SELECTOR, "#pair-explorer .list tbody tr"))
        exact = next(lv["gamma"] for lv in data["model"]["comparisons"][0]["levels"]
                     if lv["label"] == "exact")
        assert shown == sum(rows[i]["g"][0] == exact for i in data["pairs"]["sample"])
        assert 0 < shown < 200

        # The cluster browser: find a record, open its entity, explain a link.
        cluster = data["clusters"]["rows"][3]
        search = find(By.ID, "cluster-search")
        search.send_keys(cluster["records"][-1])
        found = driver.find_elements(By.CSS_SELECTOR, "#cluster-browser .list tbody tr")
        assert 1 <= len(found) < len(data["clusters"]["rows"])
        found[[r.get_attribute("data-cluster") for r in found].index("3")].find_element(
            By.TAG_NAME, "button").click()
        assert find(By.ID, "cluster-title").text.startswith(f"Entity {cluster['id']}:")
        detail = find(By.ID, "cluster-detail")
        assert "Golden record" in detail.text and cluster["records"][0] in detail.text
        link = rows[cluster["links"][0]]
        detail.find_elements(By.CSS_SELECTOR, "table")[-1].find_element(
            By.TAG_NAME, "button").click()
        assert f"{link['l']} ~ {link['r']}" in find(By.ID, "pair-title").text
        search.clear()
        search.send_keys("no such record")
        assert "No embedded entity" in find(By.ID, "cluster-count").text

        # Readable: no text under 12 px anywhere on the page.
        smallest = driver.execute_script("""
            return Math.min(...Array.from(document.querySelectorAll('body *'))
              .filter(e => Array.from(e.childNodes).some(
                n => n.nodeType === 3 && n.textContent.trim()))
              .map(e => parseFloat(getComputedStyle(e).fontSize)));""")
        assert smallest >= 12
        errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
        assert errors == []
    finally:
        driver.quit()
