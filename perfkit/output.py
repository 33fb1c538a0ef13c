"""Write tables atomically: all files of one command appear together or not at all."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import polars as pl


def write_table(frame: pl.DataFrame, path: Path) -> None:
    """Write ``frame`` as CSV (UTF-8 with BOM, so Excel shows Chinese) or Parquet by suffix."""
    if path.suffix.lower() == ".parquet":
        frame.write_parquet(path)
    elif path.suffix.lower() == ".csv":
        frame.write_csv(path, include_bom=True)
    else:
        raise ValueError(f"unsupported table suffix: {path.suffix}")


def write_table_atomically(frame: pl.DataFrame, path: Path) -> Path:
    """Write one table so that ``path`` holds either the old file or the complete new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".partial-") as staging:
        staged = Path(staging) / path.name
        write_table(frame, staged)
        os.replace(staged, path)
    return path


def write_tables_atomically(tables: Mapping[str, pl.DataFrame], directory: Path) -> list[Path]:
    """Write each ``name → frame`` into ``directory``; nothing is replaced unless all succeed.

    Files are written to a temporary folder beside ``directory`` and then moved in with
    ``os.replace``, so a crash leaves either the old outputs or the new ones, never half a file.
    """
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(dir=directory, prefix=".partial-") as staging:
        for name, frame in tables.items():
            write_table(frame, Path(staging) / name)
        for name in tables:
            os.replace(Path(staging) / name, directory / name)
            written.append(directory / name)
    return written
