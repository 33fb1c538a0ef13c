"""What a Dask task carries (perfkit.run.ship): contents checked by SHA-256, shared storage passed through."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import pytest
import yaml

from perfkit.errors import InputError
from perfkit.run import ship
from perfkit.run.kernels import remove_orphans
from perfkit.run.ship import pack, receive, run_shipped
from tests.run.test_dask_cluster import copy_client

TARGETS = "data/raw/targets/tianjin-womens-federation-2025-targets.txt"
SELFEVAL = "data/raw/selfeval/ILLUSTRATIVE-selfeval-tianjin-womens-federation-2025.txt"


@pytest.fixture
def client(tmp_path):
    return copy_client(tmp_path / "client")


class Spy:
    """Stands in for run_one: records the params file it is given and what it names."""

    def __init__(self) -> None:
        self.params: dict | None = None

    def __call__(self, params_file: str, output: str, cell_timeout, warm) -> dict:
        self.params = yaml.safe_load(Path(params_file).read_text(encoding="utf-8"))
        self.params_file, self.output = params_file, output
        return {"status": "ok", "error": None, "outputs": {}, "duration_s": 0.0}


def test_a_unit_ships_every_file_it_reads_by_sha256(client, tmp_path):
    shipment, contents = pack(client / "params" / "562202.yaml", tmp_path / "out")
    # worked by hand: the targets folder holds one file, the selfeval folder one besides its README (not read)
    expected = {str(client / name): hashlib.sha256((client / name).read_bytes()).hexdigest() for name in (TARGETS, SELFEVAL)}  # fmt: skip
    assert shipment.files == expected
    assert set(contents) == set(expected.values())
    assert all(hashlib.sha256(data).hexdigest() == sha for sha, data in contents.items())


def test_the_worker_runs_on_copies_at_the_clients_paths_below_its_own_folder(client, tmp_path):
    shipment, contents = pack(client / "params" / "562202.yaml", tmp_path / "out")
    spy = Spy()
    record = run_shipped(spy, shipment, contents, 600, False)
    assert record["status"] == "ok"
    folder = spy.params_file.removesuffix(str(client / "params" / "562202.yaml"))
    assert folder and not Path(folder).exists()  # the private folder is gone after the unit
    assert spy.params["targets"] == [folder + str(client / "data/raw/targets")]
    assert spy.params["actuals"] == [folder + str(client / "data/raw/selfeval")]
    assert spy.output == folder + str((tmp_path / "out").resolve())


def test_a_tampered_file_is_refused_naming_it(client, tmp_path):
    shipment, contents = pack(client / "params" / "562202.yaml", tmp_path / "out")
    sha = shipment.files[str(client / TARGETS)]
    contents[sha] = contents[sha] + b"\n"  # changed on the way
    got = hashlib.sha256((client / TARGETS).read_bytes() + b"\n").hexdigest()
    spy = Spy()
    record = run_shipped(spy, shipment, contents, 600, False)
    assert spy.params is None  # nothing ran
    assert record["status"] == "failed" and record["files"] == {}
    assert record["error"] == (
        f"{client / TARGETS}: 传送到工作节点的内容与其 SHA-256 不符（应为 {sha[:12]}…，收到 {got[:12]}…），拒绝运行"
    )


def test_shared_storage_passes_the_paths_as_they_are(client, tmp_path):
    params = client / "params" / "562202.yaml"
    params.write_text(params.read_text(encoding="utf-8") + "shared_storage: true\n", encoding="utf-8")
    shipment, contents = pack(params, tmp_path / "out")
    assert shipment.files == {} and contents == {}
    spy = Spy()
    assert run_shipped(spy, shipment, contents, 600, False)["status"] == "ok"
    assert spy.params["targets"] == [str(client / "data/raw/targets")]
    assert spy.params["actuals"] == [str(client / "data/raw/selfeval")]


def test_shared_storage_takes_only_a_boolean(client, tmp_path):
    params = client / "params" / "562202.yaml"
    params.write_text(params.read_text(encoding="utf-8") + "shared_storage: yes please\n", encoding="utf-8")
    with pytest.raises(InputError, match="shared_storage: 应为 bool"):
        pack(params, tmp_path / "out")


def test_a_file_too_large_to_ship_is_named(client, tmp_path, monkeypatch):
    size = (client / TARGETS).stat().st_size
    monkeypatch.setattr(ship, "SHIP_LIMIT", size - 1)
    with pytest.raises(InputError) as error:
        pack(client / "params" / "562202.yaml", tmp_path / "out")
    assert error.value.file == str(client / TARGETS)
    assert "文件过大" in error.value.message and "shared_storage: true" in error.value.message


def test_the_client_writes_what_the_worker_sends_back_into_the_run_folder(client, tmp_path):
    shipment, _ = pack(client / "params" / "562202.yaml", tmp_path / "out")
    final = tmp_path / "out" / "562202"
    final.mkdir(parents=True)
    (final / "562202.failed.ipynb").write_text("{}")  # left by an earlier failure
    (final / "project_scores.parquet").write_bytes(b"stale")  # from an earlier run with actuals
    record = {"status": "ok", "error": None, "outputs": {}, "files": {"summary.json": b"{}"}, "store_rows": None,
              "history_seen": 0}  # fmt: skip
    assert receive(record, shipment) == {"status": "ok", "error": None, "outputs": {}}
    assert sorted(p.name for p in final.iterdir()) == ["summary.json"]
    assert (final / "summary.json").read_bytes() == b"{}"


def test_kernel_socket_folders_of_dead_processes_are_removed(tmp_path):
    gone = subprocess.Popen(["true"])
    gone.wait()  # its pid now names no process
    dead, alive = tmp_path / f"pk-kernel-{gone.pid}-abc", tmp_path / f"pk-kernel-{os.getpid()}-def"
    other = tmp_path / f"pk-kernel-{gone.pid}"  # not a name perfkit gives
    for folder in (dead, alive, other):
        folder.mkdir()
    remove_orphans(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, other.name])
