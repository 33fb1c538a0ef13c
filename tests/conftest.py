"""Shared fixtures: the bundled seed and its expected tables."""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest

from perfkit.load import TargetTables, load_targets

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "raw" / "targets" / "tianjin-womens-federation-2025-targets.txt"


@pytest.fixture(scope="session")
def seed_tables() -> TargetTables:
    """The bundled seed loaded once for the whole session (tests must not mutate it)."""
    return load_targets(SEED)


# --- real clients: LibreOffice, poppler's pdftotext, Chromium (through Playwright) -------------
# `make test` installs them as root; elsewhere the tests that need them are skipped and the summary
# names the packages, and under CI (CI=true) a missing client fails the run instead.
CLIENTS = {
    "soffice": ("libreoffice-calc-nogui", lambda: shutil.which("soffice")),
    "pdftotext": ("poppler-utils", lambda: shutil.which("pdftotext")),
    # .doc and .wps are converted by LibreOffice's Writer (Calc alone cannot open them)
    "writer": ("libreoffice-writer-nogui", lambda: next((p for p in WRITER_LIBRARIES if Path(p).exists()), None)),
    "chromium": ("chromium", lambda: next((p for p in CHROMIUM_PATHS if Path(p).exists()), None)),
    "playwright": ("playwright (pip, in .[dev])", lambda: importlib.util.find_spec("playwright") and "playwright"),
}
CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
WRITER_LIBRARIES = ("/usr/lib/libreoffice/program/libswlo.so",)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]  # fmt: skip
_missing: dict[str, str] = {}


def client(*names: str) -> str:
    """The path of each client in ``names`` (the last one's is returned); skips the test when any is
    missing, naming all the packages to install (fails it under CI=true)."""
    found = {name: CLIENTS[name][1]() for name in names}
    missing = {name: CLIENTS[name][0] for name, path in found.items() if not path}
    if not missing:
        return found[names[-1]]
    _missing.update(missing)
    message = (
        f"{', '.join(missing)} 未安装：apt-get install {' '.join(missing.values())}（make test 以 root 运行时自动安装）"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI: {message}", pytrace=False)
    pytest.skip(message)


def pytest_terminal_summary(terminalreporter) -> None:
    if _missing:
        packages = " ".join(sorted(set(_missing.values())))
        terminalreporter.write_line(
            f"跳过了需要真实客户端的测试（{', '.join(sorted(_missing))}）：以 root 运行 make test，"
            f"或 apt-get install -y --no-install-recommends {packages}",
            yellow=True,
        )


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium driven by Playwright (the system's Chromium: no browser download)."""
    executable = client("playwright", "chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def bundled_run(tmp_path_factory) -> Path:
    """``perfkit batch params`` on the bundled data, once per session: unit folders, index, portfolio."""
    from perfkit.cli import main

    out = tmp_path_factory.mktemp("bundled") / "units"
    assert main(["batch", str(ROOT / "params"), "-o", str(out)]) == 0
    return out


SCREENSHOTS = ROOT / "build" / "screenshots"
