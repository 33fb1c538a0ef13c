"""The HTML reports as people see them: the bundled run's unit report, index and portfolio in Chromium.

At 1366 px wide nothing overflows sideways, the tables hold the rows worked out from the bundled
data, every link of the index resolves, the console stays clean; a screenshot of each page is kept
in ``build/screenshots/`` for people to look at. The page text itself has no ``null``, no dtype row
and no quoted strings (what a printed DataFrame shows).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import SCREENSHOTS

PAGES = {"unit": "562301/562301.html", "index": "index.html", "portfolio": "portfolio.html"}
DTYPES = ("str", "f64", "i64", "i32", "u32", "bool", "null", "list[str]")


def page_text(path: Path) -> str:
    """The HTML without inline images (base64 can hold any four letters)."""
    return re.sub(r'src="data:image/[^"]+"', 'src=""', path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", PAGES)
def test_the_html_has_no_null_no_dtype_row_and_no_quoted_strings(bundled_run, name):
    text = page_text(bundled_run / PAGES[name])
    assert "null" not in text and "None" not in text and "NaN" not in text
    assert [c for c in re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", text) if c in DTYPES] == []
    assert re.findall(r"<td[^>]*>(?:&quot;|\")", text) == []  # a string cell never starts with a quote
    assert "<script" not in text and "http://" not in text and "https://" not in text  # offline, no CDN


@pytest.fixture(scope="module")
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    context.close()


def open_page(page, path: Path, name: str) -> None:
    page.errors.clear()
    page.goto(path.as_uri())
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{name}: {width[0]} px wide in a {width[1]} px window"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def rows(page, caption: str) -> list[int]:
    """Body rows of each table with ``caption``."""
    return page.eval_on_selector_all(
        "table",
        f"ts => ts.filter(t => t.caption && t.caption.textContent === {caption!r}).map(t => t.tBodies[0].rows.length)",
    )


def test_the_unit_report_in_chromium(page, bundled_run):
    open_page(page, bundled_run / PAGES["unit"], "unit-562301")
    # worked from the bundled run: 5 projects, 124 findings (10 high, 15 medium, 99 low), all under a project
    assert rows(page, "各项目概况") == [5]
    assert sum(rows(page, "审核发现")) == 124 and len(rows(page, "审核发现")) == 5
    assert len(rows(page, "绩效目标表")) == 5 and sum(rows(page, "绩效目标表")) == 83
    assert page.locator("details").count() == 5
    first = page.locator("table:has(caption:text-is('审核发现')) tbody tr").first
    assert first.locator("td").first.inner_text() == "高"  # high first
    toc = page.locator("nav.toc a")
    targets = toc.evaluate_all("as => as.map(a => document.getElementById(a.hash.slice(1)) !== null)")
    assert toc.count() >= 6 and all(targets), targets
    assert page.errors == []


def test_the_index_and_portfolio_in_chromium(page, bundled_run):
    open_page(page, bundled_run / PAGES["index"], "index")
    assert page.locator("#units tbody tr").count() == 2
    links = page.eval_on_selector_all("a", "as => as.map(a => a.getAttribute('href'))")
    # 2 units × (report, workbook, notebook) + the portfolio's report and workbook
    assert len(links) == 8 and [h for h in links if not (bundled_run / h).is_file()] == []
    assert page.errors == []
    page.locator("#units a", has_text="报告").first.click()
    assert page.url.endswith("562202/562202.html") and page.errors == []
    open_page(page, bundled_run / PAGES["portfolio"], "portfolio")
    assert rows(page, "单位汇总") == [2] and rows(page, "项目得分") == [7]
    assert page.errors == []
