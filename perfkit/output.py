"""Write outputs atomically: a file appears complete under its name, or not at all.

Every writer puts its file in a staging folder (``.partial-<pid>-…``) beside the target and moves
it into place with ``os.replace``, which is atomic on one file system. A process killed mid-write
leaves only its staging folder, never a half-written output; the next writer in the same folder
removes staging folders whose process is gone.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import polars as pl

STAGING_PREFIX = ".partial-"


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def remove_stale_staging(directory: Path) -> None:
    """Remove the staging folders in ``directory`` left by processes that no longer run."""
    for folder in directory.glob(f"{STAGING_PREFIX}*-*"):
        pid = folder.name.removeprefix(STAGING_PREFIX).split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _process_exists(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def staging(directory: str | Path) -> Iterator[Path]:
    """A private folder inside ``directory`` to write files in before moving them into place.

    The folder is removed on exit, whatever happens; one left by a killed process is removed by
    the next call for the same ``directory``.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(directory)
    with tempfile.TemporaryDirectory(dir=directory, prefix=f"{STAGING_PREFIX}{os.getpid()}-") as folder:
        yield Path(folder)


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A staging path to write ``path`` to; it is moved to ``path`` when the block ends without error.

    >>> with atomic_path(Path(tempfile.mkdtemp()) / "a.txt") as staged:
    ...     _ = staged.write_text("complete")
    """
    path = Path(path)
    with staging(path.parent) as folder:
        yield folder / path.name
        os.replace(folder / path.name, path)


def write_text_atomically(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) so that ``path`` holds either the old file or the complete new one."""
    with atomic_path(path) as staged:
        staged.write_text(text, encoding="utf-8")
    return Path(path)


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
    with atomic_path(path) as staged:
        write_table(frame, staged)
    return path


def write_tables_atomically(tables: Mapping[str, pl.DataFrame], directory: Path) -> list[Path]:
    """Write each ``name → frame`` into ``directory``; nothing is replaced unless all succeed.

    Files are written to a temporary folder beside ``directory`` and then moved in with
    ``os.replace``, so a crash leaves either the old outputs or the new ones, never half a file.
    """
    written = []
    with staging(directory) as folder:
        for name, frame in tables.items():
            write_table(frame, folder / name)
        for name in tables:
            os.replace(folder / name, directory / name)
            written.append(directory / name)
    return written
