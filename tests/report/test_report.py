"""The HTML report: one self-contained file that a real browser renders without errors."""

from __future__ import annotations

import base64
import re
import shutil
import warnings
from pathlib import Path

import pytest

import golden as gd
from golden.demo import BLOCKING, COMPARISONS, GOLDEN, TRAINING

pytest.importorskip("matplotlib")
CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    people = gd.datasets.make_people(3_000, random_state=5)
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
        path = tmp_path_factory.mktemp("report") / "run.html"
        return gd.write_report(path, linker, records, pairs=pairs, clusters=clusters,
                               truth=truth, golden=golden, households=homes,
                               title="People <3k>")


def test_report_is_one_self_contained_file(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//|file:)""", text)
    assert "<script" not in text and "<link" not in text
    images = re.findall(r'<img alt="chart" src="data:image/png;base64,([^"]+)"', text)
    assert len(images) >= 9
    assert all(base64.b64decode(i)[:8] == b"\x89PNG\r\n\x1a\n" for i in images)
    for heading in ("Data profile", "Blocking", "Learned parameters", "Match weights",
                    "Explained pairs", "Clusters", "Golden records", "Households",
                    "Accuracy against the truth"):
        assert f"<h2>{heading}</h2>" in text
    assert "People &lt;3k&gt;" in text  # the title is escaped


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None or CHROMEDRIVER is None,
                    reason="needs Debian's chromium and chromium-driver (make test installs them)")
def test_report_renders_in_headless_chromium(report: Path) -> None:
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.get(report.as_uri())
        assert driver.title == "People <3k>"
        loaded = driver.execute_script(
            "return Array.from(document.images).map(i => i.complete && i.naturalWidth > 0)")
        assert len(loaded) >= 9 and all(loaded)
        errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
        assert errors == []
    finally:
        driver.quit()
