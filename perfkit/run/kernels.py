"""Warm kernels for ``perfkit batch``: one started kernel per worker, reused unit after unit.

A kernel start (~0.9 s) and the imports of perfkit, polars and matplotlib in it (~1.2 s) are most
of a unit's cost. Each worker process (or thread, on a Dask worker) keeps one kernel here, started
once with those imports done, and hands it to papermill as ``km=``: nbclient leaves a kernel it
does not own running. Before every unit the kernel is put back to the state it had after the warm
start (:data:`RESET`): namespace, matplotlib figures and settings, working directory, polars config,
``sys.path``, environment variables, warning filters and the execution counter. A kernel that died,
or whose last unit failed, is replaced by a fresh one. ``perfkit batch --fresh-kernels`` starts a
new kernel per unit instead.

Each kernel's IPC sockets live in a folder ``pk-kernel-<pid>-…`` named for the process that started
the kernel: on a Dask worker in the worker's own folder, which Dask removes when the worker closes
or is killed, elsewhere in the temporary folder. A kernel whose parent is killed exits on its own
(ipykernel watches its parent) but cannot remove that folder; the next kernel started there removes
the folders of processes that no longer run (:func:`remove_orphans`), as :mod:`perfkit.output` does
for staging folders.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

from perfkit.output import _process_exists

SOCKET_PREFIX = "pk-kernel-"
SOCKET_BASE_MAX = 60  # characters: an IPC socket path must stay under ~107


def socket_base() -> str:
    """Where this process puts its kernels' socket folders: a Dask worker's own folder, else the temporary folder."""
    if "distributed" in sys.modules:  # never import Dask only to ask
        from distributed import get_worker

        try:
            folder = get_worker().local_directory
            if len(folder) <= SOCKET_BASE_MAX:
                return folder
        except ValueError:  # not on a worker
            pass
    return tempfile.gettempdir()


def remove_orphans(folder: str | Path | None = None) -> None:
    """Remove the kernel socket folders in ``folder`` (default: :func:`socket_base`) of processes that no longer run."""
    for path in Path(folder or socket_base()).glob(f"{SOCKET_PREFIX}*-*"):
        pid = path.name.removeprefix(SOCKET_PREFIX).split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _process_exists(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


class IPCKernelManager(AsyncKernelManager):
    """A kernel manager that talks to its kernel over IPC sockets instead of TCP ports.

    Kernels started in parallel over TCP race for free ports (papermill issue 511); IPC sockets
    live in a private temporary folder, so parallel units cannot collide.
    """

    def __init__(self, **kwargs: Any) -> None:
        base = socket_base()
        remove_orphans(base)
        self._socket_folder = tempfile.mkdtemp(prefix=f"{SOCKET_PREFIX}{os.getpid()}-", dir=base)
        super().__init__(transport="ipc", ip=os.path.join(self._socket_folder, "k"), **kwargs)

    async def _async_interrupt_kernel(self) -> None:
        # jupyter_client interrupts every kernel before shutting it down; an idle kernel then logs
        # "KeyboardInterrupt caught in kernel." as an ERROR in the middle of a clean run. The
        # notebook has finished by then. (A cell timeout interrupts through interrupt_kernel.)
        if not self.shutting_down:
            await super()._async_interrupt_kernel()

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart)
        if not restart:
            shutil.rmtree(self._socket_folder, ignore_errors=True)


# Runs in the kernel once, after its start: the imports a unit needs, then the state to come back to.
# The baseline lives on the shell object, which `%reset` keeps.
WARM_UP = """\
get_ipython().run_line_magic("matplotlib", "inline")
import copy as _copy, os as _os, sys as _sys, warnings as _warnings
import matplotlib as _mpl, matplotlib.pyplot as _plt, polars as _pl
import perfkit.report.charts, perfkit.report.workbook, perfkit.run.unit, perfkit.report.audit
get_ipython()._perfkit_baseline = {
    "path": list(_sys.path), "environ": dict(_os.environ), "filters": list(_warnings.filters),
    "rc": _copy.deepcopy(dict(_mpl.rcParams)),
}
get_ipython().run_line_magic("reset", "-f")
"""

# Runs in the kernel before every unit: back to the baseline, then into the unit's folder.
# The unit's folder comes first: the last unit's folder has been moved away, and `%reset` needs a cwd.
RESET = """\
import os as _os
_os.chdir({cwd!r})
get_ipython().run_line_magic("reset", "-f")
import os as _os, sys as _sys, warnings as _warnings
import matplotlib as _mpl, matplotlib.pyplot as _plt, polars as _pl
_base = get_ipython()._perfkit_baseline
_plt.close("all")
with _warnings.catch_warnings():
    _warnings.simplefilter("ignore")
    _mpl.rcParams.update(_base["rc"])
_pl.Config.restore_defaults()
_sys.path[:] = _base["path"]
_os.environ.clear()
_os.environ.update(_base["environ"])
_warnings.filters[:] = _base["filters"]
get_ipython().execution_count = 1
get_ipython().run_line_magic("reset", "-f")
"""


class WarmKernelManager(IPCKernelManager):
    """An IPC kernel manager that remembers the clients nbclient opens on it, to close them after a unit."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.opened: list[Any] = []

    def client(self, **kwargs: Any) -> Any:
        kc = super().client(**kwargs)
        self.opened.append(kc)
        return kc

    def close_clients(self) -> None:
        while self.opened:
            self.opened.pop().stop_channels()


def _run(km: WarmKernelManager, code: str, timeout: float = 120) -> None:
    """Execute ``code`` silently in the kernel; raise if it fails."""
    kc = km.client()
    try:
        kc.start_channels()
        run_sync(kc.wait_for_ready)(timeout=timeout)
        reply = run_sync(kc.execute_interactive)(code, silent=True, store_history=False, timeout=timeout)
    finally:
        km.close_clients()
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"kernel reset failed: {reply['content'].get('ename')}: {reply['content'].get('evalue')}")


def _start() -> WarmKernelManager:
    km = WarmKernelManager(kernel_name="python3")
    # started in its empty socket folder, as a fresh kernel starts in an empty staging folder
    run_sync(km.start_kernel)(cwd=km._socket_folder)
    try:
        _run(km, WARM_UP)
    except Exception:
        _shutdown(km)
        raise
    return km


def _shutdown(km: WarmKernelManager) -> None:
    try:
        km.close_clients()
        if run_sync(km.is_alive)():
            run_sync(km.shutdown_kernel)(now=True)
        else:
            run_sync(km.cleanup_resources)()
    except Exception:  # shutting down a dead or half-started kernel: nothing more to save
        shutil.rmtree(km._socket_folder, ignore_errors=True)


_held = threading.local()  # this thread's kernel: one per worker process, or per Dask worker thread
_all: list[WarmKernelManager] = []


def kernel_for(cwd: Path) -> WarmKernelManager:
    """This thread's warm kernel, reset and in ``cwd``; a dead kernel, or one that will not reset, is replaced."""
    km = getattr(_held, "km", None)
    if km is not None:
        try:
            if not run_sync(km.is_alive)():
                raise RuntimeError("kernel died")
            _run(km, RESET.format(cwd=str(cwd)))
            return km
        except Exception:
            discard()
    km = _start()
    _run(km, RESET.format(cwd=str(cwd)))
    _held.km = km
    _all.append(km)
    return km


def current_id() -> str | None:
    """The id of this thread's warm kernel (recorded per unit by a Dask batch), or None."""
    km = getattr(_held, "km", None)
    return km.kernel_id if km is not None else None


def release(km: WarmKernelManager, ok: bool) -> None:
    """After a unit: close its clients and keep the kernel, or shut it down if the unit failed."""
    km.close_clients()
    if not ok:
        discard()


def discard() -> None:
    """Shut down this thread's kernel; the next unit starts a fresh one."""
    km = getattr(_held, "km", None)
    _held.km = None
    if km is not None:
        _all.remove(km)
        _shutdown(km)


def shutdown_all() -> None:
    """Shut down every warm kernel of this process (at exit)."""
    while _all:
        _shutdown(_all.pop())


atexit.register(shutdown_all)
