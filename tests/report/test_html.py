"""The HTML report in a real headless browser: pages load cleanly, links resolve, sorting works."""

import shutil
from pathlib import Path

import pytest

from grader.grading import grade
from grader.report.html import histogram_svg, page_name, render_page, write_html
from tests.conftest import REPO

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
needs_browser = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None, reason="needs Debian's chromium and chromium-driver"
)


@pytest.fixture(scope="module")
def site(assignment, mnist, tmp_path_factory):
    """A class of three, one of them trained (curves and diagnoses), and one that cannot load."""
    folder = tmp_path_factory.mktemp("class")
    (folder / "zed.py").write_text("def part1_large(:\n")
    rows = [
        (
            "notebook",
            grade(
                REPO / "reference" / "notebook_submission.py",
                assignment,
                dataset=mnist.head(2000, 500),
            ),
        ),
        ("bob", grade(REPO / "submissions" / "bob.py", assignment, train=False)),
        ("zed", grade(folder / "zed.py", assignment, train=False)),
    ]
    return write_html(tmp_path_factory.mktemp("html"), rows, title="mnist-mlp: 3 submissions"), rows


def test_pages_are_self_contained(site):
    index, rows = site
    for page in [index, *(index.parent / page_name(student) for student, _ in rows)]:
        text = page.read_text()
        assert "http://" not in text.replace("http://www.w3.org/2000/svg", "")
        assert "https://" not in text and "<link" not in text and "src='http" not in text
    notebook = (index.parent / "notebook.html").read_text()
    assert notebook.count("data:image/png;base64,") == 6  # a curve per trained part
    assert "Diagnosis: vanishing gradients." in notebook
    assert "Written answer: part2 · hypothesis" in notebook


def test_student_text_is_escaped(assignment, write_submission):
    result = grade(
        write_submission("<script>alert(1)</script>\n", name="x.py"), assignment, train=False
    )
    assert "<script>alert(1)</script>" not in render_page("<b>x</b>", result)


def test_histogram_counts_each_score_once():
    svg = histogram_svg([0, 27, 27, 13.5], 27)
    assert svg.count("<rect") == 10
    assert "<title>2 scoring from 24.3</title>" in svg and "<title>1 scoring from 0</title>" in svg


@needs_browser
def test_index_in_a_headless_browser(site, tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    index, _rows = site
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--window-size=1280,1000"):  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    try:
        driver.get(index.as_uri())

        def students():
            return [
                r.find_element(By.TAG_NAME, "a").text
                for r in driver.find_elements(By.CSS_SELECTOR, "#summary tbody tr")
            ]

        assert students() == ["notebook", "bob", "zed"]
        headers = {
            h.text.strip(" ⇅"): h for h in driver.find_elements(By.CSS_SELECTOR, "#summary th")
        }
        headers["score"].click()
        scores = [
            float(c.get_attribute("data-value"))
            for c in driver.find_elements(By.CSS_SELECTOR, "#summary tbody tr td:nth-child(2)")
        ]
        assert scores == sorted(scores)
        headers["student"].click()
        assert students() == ["bob", "notebook", "zed"]
        driver.save_screenshot(str(tmp_path / "index.png"))
        assert (tmp_path / "index.png").read_bytes()[:4] == b"\x89PNG"
        links = [
            a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "#summary a")
        ]
        for link in links:
            driver.get(link)
            assert Path(link.removeprefix("file://")).exists()
            assert driver.find_element(By.TAG_NAME, "h1").text.split(":")[0] in (
                "notebook",
                "bob",
                "zed",
            )
            driver.find_element(By.LINK_TEXT, "← class index")
        driver.save_screenshot(str(tmp_path / "page.png"))
        errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
        assert errors == []
    finally:
        driver.quit()
