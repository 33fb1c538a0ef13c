"""The real-world corpus: every document rendered in its published format(s) and read by perfkit
through its commands, compared with the hand-made truth (tests/realworld/README.md)."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import CLIENTS, client
from tests.realworld.known_differences import CAUSES, KNOWN_DIFFERENCES
from tests.realworld.render import (
    FORMATS,
    NO_SOFFICE,
    cases,
    document_ids,
    load_formats,
    load_source,
    page_lines,
    placed_cells,
    render,
    render_all,
)
from tests.realworld.truth import compare, load_truth, says_problems, truth_problems

CASES = cases()


@pytest.fixture(scope="session")
def rendered(tmp_path_factory) -> dict[tuple[str, str], Path | str]:
    """Every (document, format) rendered once per session; the PDFs printed in one LibreOffice call."""
    soffice = CLIENTS["soffice"][1]() if CLIENTS["writer"][1]() else None
    return render_all(CASES, tmp_path_factory.mktemp("realworld"), soffice)


def _case(doc_id: str, fmt: str):
    reason = KNOWN_DIFFERENCES.get((doc_id, fmt))
    marks = [pytest.mark.xfail(strict=True, reason=f"{CAUSES.get(doc_id)}（{reason}）")] if reason else []
    return pytest.param(doc_id, fmt, id=f"{doc_id}-{fmt}", marks=marks)


@pytest.mark.parametrize(("doc_id", "fmt"), [_case(*c) for c in CASES])
def test_document_read_as_truth(doc_id: str, fmt: str, rendered, tmp_path: Path) -> None:
    path = rendered[doc_id, fmt]
    if path == NO_SOFFICE:
        client("soffice", "writer")  # skipped without LibreOffice Writer, failed under CI=true
    differences = compare(doc_id, path, tmp_path)
    assert not differences, f"{doc_id} [{fmt}]：{len(differences)} 处差异\n" + "\n".join(map(str, differences))


@pytest.mark.parametrize("doc_id", document_ids())
def test_truth_well_formed(doc_id: str) -> None:
    assert not truth_problems(doc_id)
    assert load_truth(doc_id)["family"] == load_source(doc_id)["family"]


def test_every_document_has_formats_and_every_entry_a_document() -> None:
    formats = load_formats()
    assert sorted(formats) == document_ids(), "formats.json 与 sources/ 的文档不一致"
    for doc_id, entry in formats.items():
        assert entry["formats"] and set(entry["formats"]) <= set(FORMATS), doc_id
        assert entry["why"].strip(), doc_id
    truths = sorted(path.stem for path in (Path(__file__).parent / "truth").glob("*.json"))
    assert truths == document_ids(), "truth/ 与 sources/ 的文档不一致"


def test_known_differences_name_cases() -> None:
    assert set(KNOWN_DIFFERENCES) <= set(CASES), set(KNOWN_DIFFERENCES) - set(CASES)


def test_every_known_difference_has_its_cause() -> None:
    listed = {doc_id for doc_id, _ in KNOWN_DIFFERENCES}
    assert set(CAUSES) == listed, {"无原因": listed - set(CAUSES), "已不在列表中": set(CAUSES) - listed}


def test_grids_are_consistent() -> None:
    """Every complete row of a grid covers the same columns (the last row of a cut table may be short)."""
    for doc_id in document_ids():
        grid = load_source(doc_id)["grid"]
        placed, width = placed_cells(grid)
        covered: dict[int, int] = {}
        for r, _c, _t, height, span in placed:
            for dr in range(height):
                covered[r + dr] = covered.get(r + dr, 0) + span
        assert all(covered[r] == width for r in range(len(grid) - 1)), doc_id


# --- the renderer writes the grid it was given -------------------------------------------------


def _source_cells(doc_id: str) -> list[tuple[int, int, str, int, int]]:
    placed, _ = placed_cells(load_source(doc_id)["grid"])
    return sorted(placed)


class _Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[list]] = []
        self.cell: list | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag == "td":
            a = dict(attrs)
            self.cell = ["", int(a.get("rowspan", 1)), int(a.get("colspan", 1))]
            self.rows[-1].append(self.cell)
        elif tag == "br" and self.cell is not None:
            self.cell[0] += "\n"

    def handle_endtag(self, tag):
        if tag == "td":
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[0] += data.replace("\xa0", " ")


def _read_html(path: Path) -> list[tuple[int, int, str, int, int]]:
    raw = path.read_bytes()
    assert b"charset=gb2312" in raw
    parser = _Cells()
    parser.feed(raw.decode("gbk"))
    grid = [[{"t": t, "rs": rs, "cs": cs} for t, rs, cs in row] for row in parser.rows]
    return sorted(placed_cells(grid)[0])


def _read_docx(path: Path) -> list[tuple[int, int, str, int, int]]:
    import docx
    from docx.oxml.ns import qn

    table = docx.Document(str(path)).tables[0]
    starts: dict[tuple[int, int], list] = {}
    for r, tr in enumerate(table._tbl.tr_lst):
        c = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            merge = tc.tcPr.find(qn("w:vMerge")) if tc.tcPr is not None else None
            if merge is not None and merge.get(qn("w:val")) != "restart":
                above = next(cell for (rr, cc), cell in sorted(starts.items(), reverse=True) if cc == c and rr < r)
                above[3] += 1
            else:
                text = "\n".join(p.text for p in tc.iter(qn("w:p")) for p in [docx.text.paragraph.Paragraph(p, None)])
                starts[r, c] = [r, c, text, 1, span]
            c += span
    return sorted(tuple(cell) for cell in starts.values())


def _read_xlsx(path: Path, doc_id: str) -> list[tuple[int, int, str, int, int]]:
    import openpyxl

    sheet = openpyxl.load_workbook(path).active
    top = len(page_lines(load_source(doc_id)["before"]))
    spans = {(m.min_row, m.min_col): (m.max_row - m.min_row + 1, m.max_col - m.min_col + 1) for m in sheet.merged_cells}
    inside = {(r, c) for m in sheet.merged_cells for r, c in m.cells if (r, c) != (m.min_row, m.min_col)}
    out = []
    for row in sheet.iter_rows(min_row=top + 1, max_row=top + len(load_source(doc_id)["grid"])):
        for cell in row:
            if (cell.row, cell.column) in inside:
                continue
            value = "" if cell.value is None else cell.value
            if isinstance(value, int | float):
                decimals = len(cell.number_format) - 2 if cell.number_format.startswith("0.") else 0
                value = f"{value:.{decimals}f}"
            out.append((cell.row - top - 1, cell.column - 1, str(value), *spans.get((cell.row, cell.column), (1, 1))))
    return sorted(out)


@pytest.mark.parametrize("fmt", ["html", "docx", "xlsx"])
@pytest.mark.parametrize("doc_id", document_ids())
def test_rendered_table_is_the_source_grid(doc_id: str, fmt: str, tmp_path: Path) -> None:
    path = render(load_source(doc_id), fmt, tmp_path)
    read = {"html": _read_html, "docx": _read_docx, "xlsx": lambda p: _read_xlsx(p, doc_id)}[fmt](path)
    want = _source_cells(doc_id)
    if fmt != "html":  # Word and Excel fill a cut table's short last row with empty cells
        read = [cell for cell in read if cell[2] != "" or (cell[0], cell[1]) in {(w[0], w[1]) for w in want}]
    missing, extra = sorted(set(want) - set(read)), sorted(set(read) - set(want))
    assert read == want, json.dumps({"应有": missing[:3], "实有": extra[:3]}, ensure_ascii=False)


def test_a_says_that_nothing_would_check_is_not_well_formed() -> None:
    # hand-made truths: a person's reading with nothing that makes perfkit say why the field is empty;
    # a re-scoring rule on a target table, or under a score that must refuse; a well-formed one
    selfeval, target = {"family": "selfeval_10hao"}, {"family": "project_target"}
    assert says_problems(selfeval, {"expected_score_by_person": 3}) == [
        "expected_score_by_person 缺少 says：留空之处须有 perfkit 说明原因"
    ]
    unchecked = "says 中的复核规则不会被检查（不是自评表，或 score 应拒绝读取）"
    assert says_problems(target, {"says": ["indicator_unscored"]}) == [unchecked]
    refused = {**selfeval, "refuses": {"score": "未找到"}}
    assert says_problems(refused, {"says": ["execution_unscored"]}) == [unchecked]
    assert says_problems(selfeval, {"says": ["no_such_rule"]}) == ["says 应为审核或复核规则编号的列表"]
    assert says_problems(selfeval, {"says": ["indicator_unscored"], "expected_score_by_person": 3}) == []
