"""The run manifest of a batch (``manifest.json``) and the fingerprint of each unit.

The manifest records per unit the parameters, the input hashes, status, duration, outputs and
error; it is rewritten atomically after every unit. A unit's fingerprint covers the notebook, the
parameter file, the inputs, the perfkit version and the unit's review decisions, so a unit whose
fingerprint is unchanged and whose outputs exist is skipped on a re-run.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from perfkit import __version__
from perfkit.output import write_text_atomically

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Unit:
    """One unit of a batch: its parameter file, unit code and fingerprint."""

    params_file: str
    unit_code: str
    fingerprint: str
    inputs: dict[str, str]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def describe(params_file: Path, output: Path | None = None) -> Unit:
    """Validate ``params_file`` and fingerprint everything the unit's outputs depend on.

    The unit's decisions in the review store count too: a unit whose findings were reviewed since
    its last run is run again, so its workbook and notebook show the new decisions.
    """
    from perfkit.load import source_files
    from perfkit.run.notebook import NOTEBOOK
    from perfkit.run.params import read_unit_params, review_store_path

    params = read_unit_params(params_file)
    inputs = {str(p): _sha256(p) for p in source_files(params["targets"] + params["actuals"])}
    parts = [__version__, _sha256(NOTEBOOK), _sha256(params_file), json.dumps(inputs, sort_keys=True)]
    if output is not None:
        from perfkit.review.store import decision_digest

        parts.append(decision_digest(review_store_path(params, output), params["unit_code"]))
    fingerprint = hashlib.sha256("|".join(parts).encode()).hexdigest()
    return Unit(str(params_file), params["unit_code"], fingerprint, inputs)


def read_manifest(output: Path) -> dict[str, Any]:
    """The manifest of a previous run in ``output`` (empty if none or unreadable)."""
    try:
        return json.loads((output / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {"units": {}}


def write_manifest(output: Path, manifest: dict[str, Any]) -> None:
    """Rewrite the manifest atomically, so a kill never leaves it half-written."""
    write_text_atomically(output / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))


LOCK_FILE = ".manifest.lock"


@contextmanager
def manifest_lock(output: Path) -> Iterator[None]:
    """Hold the run folder's manifest lock (``fcntl``: released by the system if the holder dies)."""
    with open(output / LOCK_FILE, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def update_manifest(output: Path, units: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    """Merge ``units`` (records by unit code or params file) and top-level ``fields`` into the
    manifest on disk, under the lock, and return the merged manifest.

    Two batches writing into one folder each add their own units: reading, merging and writing
    under one lock means neither overwrites the other's records (last writer no longer wins).
    """
    with manifest_lock(output):
        manifest = read_manifest(output)
        manifest.setdefault("units", {}).update(units or {})
        manifest.update(fields)
        write_manifest(output, manifest)
    return manifest


def is_done(record: dict[str, Any] | None, unit: Unit) -> bool:
    """Whether ``unit`` ran before with the same fingerprint and all its outputs still exist."""
    return bool(
        record
        and record.get("status") == "ok"
        and record.get("fingerprint") == unit.fingerprint
        and all(Path(p).exists() for p in record.get("outputs", {}).values())
    )
