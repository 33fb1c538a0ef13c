"""The promise "explore anomalies interactively", tested as a user would: JupyterLab in Chromium.

A JupyterLab server on 127.0.0.1 with a token, in a temporary copy of the project's notebooks and
data; Chromium opens ``notebooks/3.0-explore-anomalies.ipynb``, runs all cells, picks a unit in
the drop-down and searches the interactive (itables) table.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, SCREENSHOTS

NOTEBOOK = "notebooks/3.0-explore-anomalies.ipynb"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def lab(tmp_path: Path):
    """A JupyterLab server on a copy of notebooks/ and data/raw/; yields its base URL and token."""
    for part in ("notebooks", "data/raw"):
        shutil.copytree(ROOT / part, tmp_path / part)
    port, token = free_port(), secrets.token_hex(16)
    home = tmp_path / "home"
    env = os.environ | {"JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_DATA_DIR": str(home / "data"),
                        "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "IPYTHONDIR": str(home / "ipython")}  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--ServerApp.port={port}",
         "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={tmp_path}",
         "--LabApp.expose_app_in_browser=True", "--ServerApp.port_retries=0", "--allow-root"],
        cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):  # the server answers its status API once it is up
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("jupyter lab did not start")
        yield base, token
    finally:
        server.terminate()
        server.wait(timeout=30)


def unit_cells(picker) -> list[str]:
    """The 单位编码 cells of the rows the interactive table shows."""
    return picker.locator("table.dataTable").last.evaluate(
        """t => { const i = [...t.tHead.rows[0].cells].findIndex(c => c.textContent.trim() === '单位编码');
                  return [...t.tBodies[0].rows].map(r => r.cells[i].textContent.trim()); }"""
    )


def test_explore_notebook_in_jupyterlab_drop_down_and_search(lab, browser):
    base, token = lab
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{base}/lab/tree/{NOTEBOOK}?token={token}")
        page.wait_for_function("window.jupyterapp && window.jupyterapp.shell.currentWidget", timeout=60_000)
        page.wait_for_function(
            "(() => { const w = window.jupyterapp.shell.currentWidget;"
            " return w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel"
            " && w.sessionContext.session.kernel.status === 'idle'; })()",
            timeout=60_000,
        )
        page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
        units = page.get_by_label("单位", exact=True)
        units.wait_for(timeout=120_000)
        picker = page.locator(".widget-vbox").filter(has=units)
        # the drop-down's table is itables: pick a unit, every row shown is that unit's
        units.select_option(label="562202")
        # worked from the seed: 562202 has 2 projects with 38 findings (162 in all, 124 of 562301)
        info = picker.locator(".dt-info")
        info.filter(has_text=re.compile(r"of 38 entries")).wait_for(timeout=30_000)
        cells = unit_cells(picker)
        assert len(cells) == 10 and set(cells) == {"562202"}, cells  # the first page of 10
        # search the drop-down's table: 金额单位只写“万” is 2 findings, both of 562301 (none of 562202)
        search = picker.locator(".dt-search input")
        search.fill("金额单位只写")
        info.filter(has_text=re.compile(r"of 0 entries")).wait_for(timeout=10_000)
        units.select_option(label="全部")
        info.filter(has_text=re.compile(r"of 162 entries")).wait_for(timeout=30_000)  # a new table, no search
        picker.locator(".dt-search input").fill("金额单位只写")
        info.filter(has_text=re.compile(r"of 2 entries")).wait_for(timeout=30_000)
        assert unit_cells(picker) == ["562301", "562301"]
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        units.scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / "jupyterlab-explore.png"))
    finally:
        context.close()
