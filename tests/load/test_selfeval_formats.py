"""A self-evaluation as PDF, as .xls and as a web page gives the same actuals and the same scores as
the same self-evaluation as .docx (all built from the illustrative one in data/raw/selfeval/)."""

from __future__ import annotations

from html import escape
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from perfkit.load.actuals import load_actuals
from perfkit.scoring import score
from tests.fixtures.make_pdfs import selfeval_docx, selfeval_rows

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PLACES = ["source_file", "source_ref"]


def selfeval_page(path: Path) -> Path:
    """The self-evaluations as a GBK web page, each row's last cell spanning the rest of the grid."""
    tables = []
    for title, rows, width in selfeval_rows():
        lines = []
        for cells in rows:
            tds = []
            for c, text in enumerate(cells):
                span = f' colspan="{width - len(cells) + 1}"' if c == len(cells) - 1 and len(cells) < width else ""
                tds.append(f"<td{span}>" + "<br>".join(escape(t) for t in text.split("\n")) + "</td>")
            lines.append("<tr>" + "".join(tds) + "</tr>")
        tables.append(f"<h3>{escape(title)}</h3><table border=1>{''.join(lines)}</table>")
    page = '<html><head><meta charset="gbk"></head><body>' + "".join(tables) + "</body></html>"
    path.write_bytes(page.encode("gbk"))
    return path


@pytest.fixture(scope="module")
def from_docx(tmp_path_factory):
    return load_actuals(selfeval_docx(tmp_path_factory.mktemp("docx") / "selfeval.docx"))


@pytest.mark.parametrize("source", ["selfeval.pdf", "selfeval.xls", "selfeval.html"])
def test_same_actuals_and_scores_as_docx(source, from_docx, tmp_path):
    path = selfeval_page(tmp_path / source) if source.endswith(".html") else FIXTURES / source
    loaded = load_actuals(path)
    assert_frame_equal(loaded.indicators.drop(PLACES), from_docx.indicators.drop(PLACES))
    assert_frame_equal(loaded.projects.drop(PLACES), from_docx.projects.drop(PLACES))
    assert_frame_equal(score(loaded).project_scores, score(from_docx).project_scores)
    # worked by hand from the illustrative self-evaluation: project 1 executed 4.80 of 5.00 万元,
    # and it has 13 indicators
    assert loaded.projects["executed"][0] == 4.8
    assert loaded.indicators.filter(loaded.indicators["project_id"] == loaded.projects["project_id"][0]).height == 13
