"""Read the CSV flat tables of a load together: the rows :func:`perfkit.load.layout.flat.read_csv` gives
file by file, in one polars read per header.

Python's csv module reads some tens of MB a second and every polars call costs about a
millisecond: over thousands of files both cost more than reading the files. Only the first
records of each file (where the header is searched) go through the csv module. A file whose
body is *regular* — every record as wide as the header, quotes only around whole fields
(RFC 4180), no blank line inside, nothing the csv module refuses — reads the same in polars;
the bodies of all such files with one header are read by one ``pl.read_csv``, each after a
marker record that tells the files apart. Every other file is read by ``flat.read_csv``, whose
messages name the problem and its place.
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass

import polars as pl

from perfkit.errors import InputError
from perfkit.frames import running_sum
from perfkit.load.formats.sniff import decode_text
from perfkit.load.layout import flat

_MARK = "\x1f"  # the marker record's first field (a body that holds it is read by flat.read_csv)
_FIRST_WINDOW = 8192  # characters of a file's start parsed for its header, grown as needed


@dataclass(frozen=True)
class Regular:
    """A CSV source whose header was found as read_csv finds it, and whose body polars may read."""

    file: str
    number: int
    delimiter: str
    header: tuple[str, ...]
    start: int  # the line of the first body record, as read_csv numbers it
    body: memoryview  # UTF-8, from the first body record to the end
    scale: float  # 万元 per unit of the budget columns
    source: bytes | str  # the file's bytes (UTF-8), or its text, to read it again if polars may not


def regular(text: str, data: bytes | None, file: str, number: int) -> Regular | None:
    """The header of a CSV source (``text`` decoded; ``data`` its bytes when they are UTF-8),
    found as read_csv finds it; None when read_csv must read the file (a problem in its first records)."""
    begin = 0
    while text.startswith("\ufeff", begin):  # read_csv strips every leading BOM
        begin += 1
    first_end = text.find("\n", begin)
    first_line = text[begin : first_end if first_end >= 0 else len(text)]
    delimiter = max(",\t;", key=first_line.count)
    wanted = flat._HEADER_SEARCH_ROWS
    window = _FIRST_WINDOW
    while True:
        # whole lines only; all records but the last read from a window are complete
        end = len(text) if begin + window >= len(text) else text.rfind("\n", begin, begin + window) + 1
        if end > begin:
            whole = end == len(text)
            reader = csv.reader(io.StringIO(text[begin:end]), delimiter=delimiter)
            rows, lines = [], []
            try:
                for record in reader:
                    rows.append(record)
                    lines.append(reader.line_num)
                    if len(rows) > wanted:
                        break
            except csv.Error:
                return None
            if whole or len(rows) > wanted:
                break
        window *= 4
    try:
        header_at = flat._find_header_row(rows[:wanted], file, "")
    except InputError:
        return None
    if len(rows[header_at]) < 2:
        return None
    start = header_at + 2 + flat._breaks(rows[: header_at + 1])
    # the body starts after the lines that the records up to the header took
    utf8 = data if data is not None else text[begin:].encode()
    body = _after_lines(utf8, lines[header_at])
    try:
        scale = _money_scale(tuple(rows[header_at]), tuple(map(tuple, rows[:header_at])))
    except InputError as exc:  # the scale is worked out once per header, for any file: name this one
        raise InputError(file, exc.place, exc.message) from None
    return Regular(file, number, delimiter, tuple(rows[header_at]), start, body, scale, data or text)


@functools.lru_cache(maxsize=256)  # files of one source system share their header
def _money_scale(header: tuple[str, ...], above: tuple[tuple[str, ...], ...]) -> float:
    return flat._money_scale(list(header), [list(row) for row in above])


def irregular_text(source: Regular) -> str:
    """The text of a source that polars may not read, for flat.read_csv."""
    return source.source if isinstance(source.source, str) else decode_text(source.source, source.file)


def read_regular(sources: list[Regular]) -> tuple[pl.DataFrame | None, list[Regular]]:
    """The canonical rows of the regular sources (in load order, with ``_file_no``), as
    flat.read_csv gives them, and the sources whose bodies are not regular after all."""
    groups: dict[tuple, list[Regular]] = {}
    for source in sources:
        groups.setdefault((source.delimiter, source.header), []).append(source)
    frames, irregular = [], []
    for (delimiter, header), members in groups.items():
        frame, left = _read_group(delimiter, header, members)
        frames.append(frame)
        irregular += left
    if not frames:
        return None, irregular
    if len(frames) == 1:
        return frames[0], irregular
    return pl.concat(frames).sort("_file_no", maintain_order=True).rechunk(), irregular


def _after_lines(data: bytes, count: int) -> memoryview:
    """``data`` after its first ``count`` line breaks (empty when it has fewer)."""
    at = 0
    for _ in range(count):
        found = data.find(b"\n", at)
        if found < 0:
            return memoryview(b"")
        at = found + 1
    return memoryview(data)[at:]


def _trimmed(body: memoryview) -> memoryview:
    """``body`` without its closing line breaks (blank lines at the end are no records)."""
    end = len(body)
    while end and body[end - 1] in (10, 13):
        end -= 1
    return body[:end]


def _patterns(delimiter: str, width: int) -> str:
    """The regex of a marker record and a regular body of ``width`` fields (the marker
    character is counted apart: the classes stay simple, which keeps the regex fast)."""
    d = {"\t": r"\t"}.get(delimiter, delimiter)
    field = rf'(?:"(?:[^"]|"")*"|[^"{d}\r\n]*)'
    record = rf"{field}(?:{d}{field}){{{width - 1}}}"
    return rf"^\x1f{d * (width - 1)}\n(?:{record}\r?\n)*$"


def _read_group(delimiter: str, header: tuple[str, ...], members: list[Regular]) -> tuple[pl.DataFrame, list[Regular]]:
    """The canonical rows of the regular files of one header, and the files that are not regular."""
    width = len(header)
    mark = (_MARK + delimiter * (width - 1) + "\n").encode()
    # each body after a marker record, ending with one line break (blank lines at the end are no records)
    parts = [b"".join([mark, body, b"\n"]) if len(body := _trimmed(m.body)) else mark for m in members]
    marked = pl.Series(parts, dtype=pl.Binary).cast(pl.String, strict=False)
    ok = marked.str.contains(_patterns(delimiter, width)) & (marked.str.count_matches(_MARK, literal=True) == 1)
    ok = ok.fill_null(False).to_list()
    del marked
    irregular = [m for m, fine in zip(members, ok, strict=True) if not fine]
    members = [m for m, fine in zip(members, ok, strict=True) if fine]
    buffer = b"".join(part for part, fine in zip(parts, ok, strict=True) if fine)
    del parts
    names = [f"c{i}" for i in range(width)]
    rows = pl.read_csv(
        buffer or mark,
        has_header=False,
        separator=delimiter,
        quote_char='"',
        schema=dict.fromkeys(names, pl.String),
        empty_string_is_null=False,
    )
    is_mark = pl.col("c0") == _MARK
    rows = rows.with_columns(_fi=(is_mark.cum_sum() - 1).cast(pl.Int32)).filter(~is_mark)
    # a field longer than the csv module takes (only in a body longer than that): read_csv names it
    limit = csv.field_size_limit()
    if any(len(m.body) > limit for m in members):
        too_long = rows.filter(pl.max_horizontal(pl.col(names).str.len_bytes()) > limit)
        bad = set(too_long["_fi"].unique().to_list())
        irregular += [m for i, m in enumerate(members) if i in bad]
        rows = rows.filter(~pl.col("_fi").is_in(list(bad)))
    split, renames = flat.header_columns(list(header))
    meta = pl.DataFrame(
        {
            "_fi": range(len(members)),
            "_file": [m.file for m in members],
            "_file_no": [m.number for m in members],
            "_start": [m.start for m in members],
            "_scale": [m.scale for m in members],
        },
        schema={"_fi": pl.Int32, "_file": pl.String, "_file_no": pl.Int32, "_start": pl.Int64, "_scale": pl.Float64},
    )
    # line breaks inside quoted cells push every later record of the file down (none without a quote)
    pushed = pl.lit(0, dtype=pl.Int64)
    if b'"' in buffer:
        rows = rows.with_columns(_breaks=pl.sum_horizontal(pl.col(names).str.count_matches("\n", literal=True)))
        pushed = running_sum(pl.col("_breaks"), "_fi") - pl.col("_breaks")
    number = running_sum(pl.col("_fi").is_not_null(), "_fi")  # the record's number in its file (contiguous)
    line = pl.col("_start") + number - 1 + pushed
    frame = rows.join(meta, on="_fi", how="left", maintain_order="left").select(
        "_file",
        _prefix=pl.lit(""),
        _split=pl.lit(split),
        _scale="_scale",
        _line=line.cast(pl.Int64),
        **flat.canonical_columns(renames),
        _file_no="_file_no",
    )
    return frame, irregular
