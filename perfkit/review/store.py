"""The review store: auditors' decisions on findings, kept across runs in one SQLite file.

One file (``review.sqlite``, beside the unit folders of a run) serves every unit and every run.
Each finding is kept under its unit and ``finding_id`` with its current decision (复核状态, 复核人,
复核意见, 复核日期) and whether it still occurs. Every change — a decision, a finding first seen,
no longer seen or seen again — is a row of ``history`` (who, when, old → new status, note, source).

A WAL journal, a busy timeout and one ``BEGIN IMMEDIATE`` transaction per write let several runs
and imports share the file: each lands whole or not at all. A run records which findings occur;
it never changes a decision. A finding that recurs from the year before (``recurring_from``)
starts 待复核 like any new one; the earlier decision on that defect comes with it as a history row
(kind ``carried``) for the reviewer to read.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from perfkit.errors import InputError
from perfkit.labels import REVIEW_STATUS_LABELS

STORE_NAME = "review.sqlite"
OPEN = "open"
REVIEW_STATUSES = tuple(REVIEW_STATUS_LABELS)
SYSTEM = "perfkit"  # the reviewer of changes a run makes (first seen, resolved, seen again)
BUSY_TIMEOUT_S = 60
_RUN = "perfkit run"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS findings (
    unit_code TEXT NOT NULL, finding_id TEXT NOT NULL, year INTEGER, rule_id TEXT, severity TEXT,
    project_id TEXT, seq INTEGER, message TEXT, evidence TEXT,
    first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, resolved_at TEXT,
    review_status TEXT NOT NULL DEFAULT 'open', reviewer TEXT, review_note TEXT, reviewed_on TEXT,
    decision_version INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_code, finding_id)
);
CREATE TABLE IF NOT EXISTS history (
    id INTEGER PRIMARY KEY AUTOINCREMENT, unit_code TEXT NOT NULL, finding_id TEXT NOT NULL,
    changed_at TEXT NOT NULL, kind TEXT NOT NULL, reviewer TEXT, old_status TEXT, new_status TEXT,
    review_note TEXT, reviewed_on TEXT, source TEXT
);
CREATE INDEX IF NOT EXISTS history_finding ON history (unit_code, finding_id);
"""
FINDING_FIELDS = ["rule_id", "severity", "project_id", "seq", "message", "evidence"]
REVIEW_FIELDS = ["review_status", "reviewer", "review_note", "reviewed_on"]
HISTORY_COLUMNS = ["id", "unit_code", "finding_id", "changed_at", "kind", "reviewer", "old_status", "new_status",
                   "review_note", "reviewed_on", "source"]  # fmt: skip


def now() -> str:
    """The current UTC time as the store writes it (ISO 8601, seconds)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Decision:
    """One reviewer's decision on one finding, as read from a workbook row.

    ``based_on`` is the decision version the workbook showed (``decision_version`` when it was
    written): a row that still shows that version's values was left untouched and changes nothing.
    """

    unit_code: str
    finding_id: str
    review_status: str
    reviewer: str | None
    review_note: str | None
    reviewed_on: str | None
    based_on: int | None = None
    source: str = ""
    place: str = ""


@dataclass(frozen=True)
class ImportResult:
    """What an import changed: decisions applied, rows left as they were, and later decisions replaced."""

    applied: int
    unchanged: int
    overrode: list[str]


@dataclass(frozen=True)
class RunChanges:
    """What one run changed in the store: findings first seen, no longer seen, seen again."""

    new: int
    resolved: int
    reappeared: int


class ReviewStore:
    """An open review store; use as a context manager (``with ReviewStore(path) as store``)."""

    def __init__(self, path: str | Path, create: bool = True) -> None:
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise InputError(self.path, None, "复核库不存在（先运行 perfkit run 或 perfkit batch）")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
            self.db.execute("PRAGMA journal_mode = WAL")
            with self.transaction():
                for statement in filter(str.strip, _SCHEMA.split(";")):
                    self.db.execute(statement)
        except sqlite3.DatabaseError as exc:
            self.db.close()
            if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                raise  # busy past the timeout: not bad input
            raise InputError(self.path, None, f"不是可用的复核库（{exc}）") from None

    def __enter__(self) -> ReviewStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: taken at once (``BEGIN IMMEDIATE``), committed whole or rolled back."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _log(self, rows: list[tuple], at: str) -> None:
        self.db.executemany(
            "INSERT INTO history (unit_code, finding_id, changed_at, kind, reviewer, old_status, new_status,"
            " review_note, reviewed_on, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*row[:2], at, *row[2:]) for row in rows],
        )

    def record_run(self, unit_code: str, year: int, findings: pl.DataFrame, at: str | None = None) -> RunChanges:
        """Record the findings of one run of ``unit_code`` for ``year``; decisions stay as they are.

        New findings start as 待复核 (``open``); findings of the unit and year that this run no
        longer produces are marked resolved; resolved ones that occur again are open to view again.
        """
        at = at or now()
        rows = findings.select("finding_id", *FINDING_FIELDS).unique("finding_id", keep="first").rows()
        with self.transaction() as db:
            known = dict(
                db.execute(
                    "SELECT finding_id, resolved_at IS NOT NULL FROM findings WHERE unit_code = ? AND year = ?",
                    (unit_code, year),
                ).fetchall()
            )
            others = {
                fid
                for (fid,) in db.execute(
                    "SELECT finding_id FROM findings WHERE unit_code = ? AND year IS NOT ?", (unit_code, year)
                )
            }
            current = {r[0] for r in rows}
            new = [r for r in rows if r[0] not in known and r[0] not in others]
            back = [fid for fid in current if known.get(fid)]
            gone = [fid for fid, resolved in known.items() if not resolved and fid not in current]
            db.executemany(
                "INSERT INTO findings (unit_code, finding_id, year, rule_id, severity, project_id, seq, message,"
                " evidence, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(unit_code, r[0], year, *r[1:], at, at) for r in new],
            )
            db.executemany(  # an id the unit has under another year (a finding without a project) stays there
                "UPDATE findings SET last_seen = ?, resolved_at = NULL WHERE unit_code = ? AND finding_id = ?",
                [(at, unit_code, fid) for fid in current - others],
            )
            db.executemany(
                "UPDATE findings SET resolved_at = ? WHERE unit_code = ? AND finding_id = ?",
                [(at, unit_code, fid) for fid in gone],
            )
            status = self._statuses(unit_code, back + gone)
            self._log(
                [(unit_code, r[0], "seen", SYSTEM, None, OPEN, "首次发现", None, _RUN) for r in new]
                + self._carried(unit_code, findings, {r[0] for r in new})
                + [(unit_code, f, "reappeared", SYSTEM, status[f], status[f], "再次出现", None, _RUN) for f in back]
                + [
                    (unit_code, f, "resolved", SYSTEM, status[f], status[f], "本次运行未再出现", None, _RUN)
                    for f in gone
                ],
                at,
            )
        return RunChanges(len(new), len(gone), len(back))

    def _carried(self, unit_code: str, findings: pl.DataFrame, new: set[str]) -> list[tuple]:
        """History rows that carry the decision on the same defect the year before (``recurring_from``)
        to a finding first seen now: as history to read, never as its decision (it starts 待复核)."""
        if "recurring_from" not in findings.columns or not new:
            return []
        links = findings.filter(pl.col("recurring_from").is_not_null() & pl.col("finding_id").is_in(list(new)))
        rows = []
        for fid, earlier in links.select("finding_id", "recurring_from").unique("finding_id").iter_rows():
            found = self.db.execute(
                "SELECT year, review_status, reviewer, review_note, reviewed_on FROM findings"
                " WHERE unit_code = ? AND finding_id = ? AND review_status != ?",
                (unit_code, earlier, OPEN),
            ).fetchone()
            if found:
                year, status, reviewer, note, on = found
                text = f"上年同一问题（{earlier}，{year}年）的复核结论：{REVIEW_STATUS_LABELS[status]}" + (
                    f"；{note}" if note else ""
                )
                rows.append((unit_code, fid, "carried", reviewer, status, OPEN, text, on, _RUN))
        return rows

    def _statuses(self, unit_code: str, finding_ids: list[str]) -> dict[str, str]:
        if not finding_ids:
            return {}
        rows = self.db.execute(
            "SELECT finding_id, review_status FROM findings WHERE unit_code = ?", (unit_code,)
        ).fetchall()
        wanted = set(finding_ids)
        return {fid: status for fid, status in rows if fid in wanted}

    def apply(self, decisions: list[Decision], importer: str = "") -> ImportResult:
        """Merge ``decisions`` in one transaction; a finding id the store does not know is an :class:`InputError`.

        A decision equal to what its workbook showed is skipped (the reviewer left the row alone),
        so an old workbook never undoes a later decision by someone else; a changed row is applied
        and, if the store had moved on since the workbook was written, named in ``overrode``.
        """
        applied = unchanged = 0
        overrode: list[str] = []
        at = now()
        with self.transaction() as db:
            for d in decisions:
                row = db.execute(
                    "SELECT review_status, reviewer, review_note, reviewed_on, decision_version FROM findings"
                    " WHERE unit_code = ? AND finding_id = ?",
                    (d.unit_code, d.finding_id),
                ).fetchone()
                if row is None:
                    raise InputError(d.source, d.place, f"复核库中没有单位 {d.unit_code} 的问题编号 {d.finding_id}")
                *current, version = row
                shown = current if d.based_on in (None, version) else self._state_at(d, d.based_on)
                if any(_same(d, state) for state in (shown, current)):
                    unchanged += 1
                    continue
                if d.based_on is not None and d.based_on != version:
                    overrode.append(d.finding_id)
                decided = [d.review_status, d.reviewer, d.review_note, d.reviewed_on or at[:10]]
                source = " ".join(filter(None, [d.source, importer]))
                cursor = db.execute(
                    "INSERT INTO history (unit_code, finding_id, changed_at, kind, reviewer, old_status, new_status,"
                    " review_note, reviewed_on, source) VALUES (?, ?, ?, 'decision', ?, ?, ?, ?, ?, ?)",
                    (d.unit_code, d.finding_id, at, d.reviewer, current[0], d.review_status, *decided[2:], source),
                )
                db.execute(
                    "UPDATE findings SET review_status = ?, reviewer = ?, review_note = ?, reviewed_on = ?,"
                    " decision_version = ? WHERE unit_code = ? AND finding_id = ?",
                    (*decided, cursor.lastrowid, d.unit_code, d.finding_id),
                )
                applied += 1
        return ImportResult(applied, unchanged, overrode)

    def _state_at(self, d: Decision, version: int) -> list:
        """The decision a finding had at ``version`` (a history id; 0 = never decided)."""
        row = self.db.execute(
            "SELECT new_status, reviewer, review_note, reviewed_on FROM history"
            " WHERE id = ? AND unit_code = ? AND finding_id = ? AND kind = 'decision'",
            (version, d.unit_code, d.finding_id),
        ).fetchone()
        return list(row) if row else [OPEN, None, None, None]

    def findings(self, unit_code: str | None = None, year: int | None = None) -> pl.DataFrame:
        """Every finding the store knows (of one unit and year if given), with its decision."""
        columns = ["unit_code", "finding_id", "year", *FINDING_FIELDS, "first_seen", "last_seen", "resolved_at",
                   *REVIEW_FIELDS, "decision_version"]  # fmt: skip
        where, args = _where(unit_code=unit_code, year=year)
        rows = self.db.execute(f"SELECT {', '.join(columns)} FROM findings{where} ORDER BY unit_code, rowid", args)
        schema = {c: pl.String for c in columns} | {"year": pl.Int64, "seq": pl.Int32, "decision_version": pl.Int64}
        return pl.DataFrame(rows.fetchall(), schema=schema, orient="row")

    def history(self, unit_code: str | None = None, finding_id: str | None = None) -> pl.DataFrame:
        """Every change, oldest first (of one unit or finding if given)."""
        where, args = _where(unit_code=unit_code, finding_id=finding_id)
        rows = self.db.execute(f"SELECT {', '.join(HISTORY_COLUMNS)} FROM history{where} ORDER BY id", args)
        schema = {c: pl.String for c in HISTORY_COLUMNS} | {"id": pl.Int64}
        return pl.DataFrame(rows.fetchall(), schema=schema, orient="row")

    def decision_digest(self, unit_code: str) -> str:
        """A fingerprint of the unit's decisions: it changes when a decision is imported, not when a run records."""
        count, last = self.db.execute(
            "SELECT COUNT(*), MAX(id) FROM history WHERE unit_code = ? AND kind = 'decision'", (unit_code,)
        ).fetchone()
        return _digest(unit_code, count, last)


def decision_digest(store: str | Path, unit_code: str) -> str:
    """:meth:`ReviewStore.decision_digest` of the file ``store``; a store not yet created has no decisions."""
    if not Path(store).is_file():
        return _digest(unit_code, 0, None)
    with ReviewStore(store) as db:
        return db.decision_digest(unit_code)


def _digest(unit_code: str, count: int, last: int | None) -> str:
    return hashlib.sha256(f"{unit_code}|{count}|{last}".encode()).hexdigest()[:16]


def _same(d: Decision, state: list) -> bool:
    """``d`` says what ``state`` says (an empty date leaves the date as it was)."""
    given = [d.review_status, d.reviewer, d.review_note]
    return given == state[:3] and d.reviewed_on in (None, state[3])


def _where(**conditions: object) -> tuple[str, list]:
    given = {k: v for k, v in conditions.items() if v is not None}
    if not given:
        return "", []
    return " WHERE " + " AND ".join(f"{k} = ?" for k in given), list(given.values())
