"""``perfkit review import``: read auditors' decisions back from filled-in audit workbooks.

The 审核发现 sheet of an audit workbook carries, per finding, 复核状态 (a drop-down), 复核人,
复核意见 and 复核日期, and two hidden columns — 单位编码 and 复核版本 (the decision the row
showed when the workbook was written). :func:`read_decisions` turns the rows into
:class:`~perfkit.review.store.Decision` values; :func:`import_workbooks` merges every workbook
given into the store in one transaction, so either all of them land or none does.
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

from perfkit.errors import InputError
from perfkit.labels import COLUMN_LABELS, REVIEW_STATUS_LABELS
from perfkit.review.store import OPEN, Decision, ImportResult, ReviewStore

FINDINGS_SHEET = "审核发现"
_STATUS_CODES = {label: code for code, label in REVIEW_STATUS_LABELS.items()} | {c: c for c in REVIEW_STATUS_LABELS}
_COLUMNS = ["finding_id", "unit_code", "review_status", "reviewer", "review_note", "reviewed_on", "decision_version"]
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")


def _text(value: object) -> str | None:
    text = "" if value is None else str(value).strip()
    return text or None


def _date(value: object, file: str, place: str) -> str | None:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = _text(value)
    if text is None:
        return None
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    raise InputError(file, place, f"复核日期“{text}”无法识别（应为日期，如 2026-03-31）")


def _rows(path: Path) -> list[tuple]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    from perfkit.load.formats.sniff import check_office_zip

    try:
        data = path.read_bytes()
        if data.startswith(b"PK\x03\x04"):  # a workbook from other hands: no bombs, no DTDs for openpyxl
            check_office_zip(data, str(path))
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise InputError(path, None, "工作簿不存在") from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise InputError(path, None, f"无法读取工作簿（{type(exc).__name__}）") from None
    try:
        if FINDINGS_SHEET not in book.sheetnames:
            raise InputError(path, None, f"工作簿中没有“{FINDINGS_SHEET}”表（应为 perfkit 生成的审计底稿）")
        return list(book[FINDINGS_SHEET].iter_rows(values_only=True))
    finally:
        book.close()


def read_decisions(path: str | Path, reviewer: str | None = None) -> list[Decision]:
    """The decisions in the 审核发现 sheet of ``path``; ``reviewer`` stands in for an empty 复核人.

    Bad input — no such sheet, a missing column, an unknown status, a decision without a reviewer,
    a date that is not one — is an :class:`InputError` naming the cell.
    """
    from openpyxl.utils import get_column_letter

    path = Path(path)
    file = str(path)
    rows = _rows(path)
    labels = {COLUMN_LABELS[c]: c for c in _COLUMNS}
    top = next((i for i, row in enumerate(rows[:5]) if COLUMN_LABELS["finding_id"] in row), None)
    if top is None:
        raise InputError(file, FINDINGS_SHEET, "找不到表头“问题编号”")
    header = {labels[h]: i for i, h in enumerate(rows[top]) if h in labels}
    missing = [COLUMN_LABELS[c] for c in _COLUMNS if c not in header]
    if missing:
        raise InputError(file, FINDINGS_SHEET, f"缺少列：{'、'.join(missing)}（应为 perfkit 生成的审计底稿）")
    decisions = []
    for number, row in enumerate(rows[top + 1 :], start=top + 2):
        cells = {c: (row[i] if i < len(row) else None) for c, i in header.items()}

        def place(column: str, number: int = number) -> str:
            return f"{FINDINGS_SHEET}!{get_column_letter(header[column] + 1)}{number}"

        finding_id = _text(cells["finding_id"])
        if finding_id is None:
            continue
        label = _text(cells["review_status"]) or REVIEW_STATUS_LABELS[OPEN]
        if label not in _STATUS_CODES:
            choices = "、".join(REVIEW_STATUS_LABELS.values())
            raise InputError(file, place("review_status"), f"未知的复核状态“{label}”（可选：{choices}）")
        status, note = _STATUS_CODES[label], _text(cells["review_note"])
        who = _text(cells["reviewer"]) or (reviewer if status != OPEN or note else None)
        if who is None and (status != OPEN or note):
            raise InputError(file, place("reviewer"), "已填写复核状态或意见，但没有复核人（或用 --reviewer 指定）")
        version = cells["decision_version"]
        decisions.append(
            Decision(
                unit_code=_text(cells["unit_code"]) or "",
                finding_id=finding_id,
                review_status=status,
                reviewer=who,
                review_note=note,
                reviewed_on=_date(cells["reviewed_on"], file, place("reviewed_on")),
                based_on=int(version) if isinstance(version, (int, float)) else None,
                source=file,
                place=place("finding_id"),
            )
        )
    return decisions


def import_workbooks(paths: list[str | Path], store: str | Path, reviewer: str | None = None) -> ImportResult:
    """Merge the decisions of every workbook in ``paths`` into ``store``: all of them, or none on bad input."""
    decisions = [d for path in paths for d in read_decisions(path, reviewer)]
    with ReviewStore(store, create=False) as db:
        return db.apply(decisions, importer="perfkit review import")
