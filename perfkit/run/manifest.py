"""The run manifest of a batch (``manifest.json``) and the fingerprint of each unit.

The manifest records per unit the parameters, the input hashes, status, duration, outputs and
error; it is rewritten atomically after every unit. A unit's fingerprint covers the notebook, the
parameter file, the inputs, the perfkit version and the unit's review decisions, so a unit whose
fingerprint is unchanged and whose outputs exist is skipped on a re-run.

A re-run decides "unchanged" from the manifest alone (:func:`unchanged`), without reading the
parameters or importing the readers: each record keeps what its fingerprint was made of — the
hashes of the parameter file, the notebook and every input, the perfkit version, the listing of
each source folder (so a file added to a folder counts) — and the manifest keeps the review
stores' hashes as they were when the batch ended (so a decision imported since counts).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from perfkit import __version__

MANIFEST = "manifest.json"
NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "1.0-unit-audit.ipynb"


@dataclass(frozen=True)
class Unit:
    """One unit of a batch: its parameter file, unit code and fingerprint."""

    params_file: str
    unit_code: str
    fingerprint: str
    inputs: dict[str, str]
    made_of: dict[str, Any]  # what the fingerprint was made of, for :func:`unchanged`


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(sources: list[str]) -> str:
    """A digest of what ``sources`` name: each folder's entries (name, file or not), each file's path.

    The same listing and the same file contents give the same inputs, whatever the readers skip.
    """
    parts = []
    for source in map(Path, sources):
        if source.is_dir():
            parts.append([str(source), sorted((e.name, e.is_file()) for e in os.scandir(source))])
        else:
            parts.append([str(source), source.is_file()])
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def store_digest(store: str | Path) -> str:
    """The review store's bytes (with its write-ahead log) as a digest; ``absent`` if there is none."""
    files = [Path(store), Path(f"{store}-wal")]
    return (
        hashlib.sha256(b"|".join(p.read_bytes() for p in files if p.is_file())).hexdigest()
        if files[0].is_file()
        else "absent"
    )


def describe(params_file: Path, output: Path | None = None) -> Unit:
    """Validate ``params_file`` and fingerprint everything the unit's outputs depend on.

    The unit's decisions in the review store count too: a unit whose findings were reviewed since
    its last run is run again, so its workbook and notebook show the new decisions.
    """
    from perfkit.load import source_files
    from perfkit.run.params import read_unit_params, review_store_path, run_key, unit_key

    params = read_unit_params(params_file)
    key = run_key(params)  # a unit without a code by its name; with the year when the unit has several
    reviewed = unit_key(params["unit_code"], params.get("unit_name", ""))  # the store's key: no year
    sources = params["targets"] + params["actuals"]  # absolute: resolved against the parameter file
    inputs = {str(p): _sha256(p) for p in source_files(sources)}
    made_of = {"version": __version__, "notebook": _sha256(NOTEBOOK), "params": _sha256(Path(params_file)),
               "sources": sources, "listing": listing(sources)}  # fmt: skip
    parts = [__version__, made_of["notebook"], made_of["params"], json.dumps(inputs, sort_keys=True)]
    if output is not None:
        from perfkit.review.store import decision_digest

        made_of["store"] = review_store_path(params, output)
        made_of["decisions"] = decision_digest(made_of["store"], reviewed)
        if reviewed != key:
            made_of["reviewed_as"] = reviewed
        parts.append(made_of["decisions"])
    fingerprint = hashlib.sha256("|".join(parts).encode()).hexdigest()
    return Unit(str(params_file), key, fingerprint, inputs, made_of)


def read_manifest(output: Path) -> dict[str, Any]:
    """The manifest of a previous run in ``output`` (empty if none or unreadable)."""
    try:
        return json.loads((output / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {"units": {}}


def write_manifest(output: Path, manifest: dict[str, Any]) -> None:
    """Rewrite the manifest atomically, so a kill never leaves it half-written."""
    from perfkit.output import write_text_atomically

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


def unchanged(params_file: str | Path, record: dict[str, Any] | None, manifest: dict[str, Any],
              seen: dict[str, str] | None = None) -> bool:  # fmt: skip
    """Whether the unit of ``params_file`` would get the fingerprint of ``record`` and its outputs exist.

    Decided from what the record's fingerprint was made of, without reading the parameters: the
    same parameter file, notebook, perfkit version, source listings and input hashes, and a
    review store unchanged since the batch that wrote ``manifest`` ended. Anything else — a
    record of an older perfkit without these, another store — is "changed", and the caller
    fingerprints the unit in full (:func:`describe`). ``seen`` keeps the digests of the notebook
    and the stores for the next unit.
    """
    made_of = (record or {}).get("made_of")
    if not made_of or record.get("status") != "ok" or "store" not in made_of:
        return False
    seen = {} if seen is None else seen
    store = made_of["store"]
    if store not in seen:
        seen[store] = store_digest(store)
    if str(NOTEBOOK) not in seen:
        seen[str(NOTEBOOK)] = _sha256(NOTEBOOK)
    return bool(
        made_of["version"] == __version__
        and made_of["notebook"] == seen[str(NOTEBOOK)]
        and Path(params_file).is_file()
        and made_of["params"] == _sha256(Path(params_file))
        and manifest.get("review_stores", {}).get(store) == seen[store]
        and made_of["listing"] == listing(made_of["sources"])
        and all(Path(p).is_file() and _sha256(Path(p)) == sha for p, sha in record.get("inputs", {}).items())
        and all(Path(p).exists() for p in record.get("outputs", {}).values())
    )


def store_digests(records: dict[str, Any], known: dict[str, str]) -> dict[str, str]:
    """``known`` with the digest of each review store of ``records`` as it is now, for :func:`unchanged`.

    A store is left out when a unit's decisions in it changed since the unit was fingerprinted
    (a decision imported while the batch ran): its units are fingerprinted in full next time.
    """
    from perfkit.review.store import decision_digest

    stores: dict[str, list[tuple[str, str]]] = {}
    for code, record in records.items():
        made_of = record.get("made_of") or {}
        if "store" in made_of:
            stores.setdefault(made_of["store"], []).append((made_of.get("reviewed_as", code), made_of["decisions"]))
    digests = dict(known)
    for store, units in stores.items():
        digest = store_digest(store)
        same = all(decision_digest(store, code) == decisions for code, decisions in units)
        if same and store_digest(store) == digest:
            digests[store] = digest
        else:
            digests.pop(store, None)
    return digests
