"""environment.lock: versions read with importlib.metadata, and the differences named."""

from __future__ import annotations

import platform
from importlib.metadata import version

from perfkit.run.lock import canonical, installed_versions, lock_text, parse_lock, version_differences


def test_the_lock_holds_perfkit_its_requirements_and_theirs():
    locked = parse_lock(lock_text())
    assert locked["python"] == platform.python_version()
    assert locked["perfkit"] == version("perfkit")
    # direct requirements; distributed, reached only through the extra of dask[distributed]; nbclient, a
    # requirement of papermill that perfkit does not name
    for name in ("polars", "papermill", "xlsxwriter", "distributed", "nbclient"):
        assert locked[name] == version(name), name
    assert "pytest" not in locked  # a dev extra of perfkit, not imported by it


def test_names_are_compared_as_packaging_does():
    assert canonical("Python_Docx") == canonical("python-docx") == canonical("python.docx") == "python-docx"
    assert set(installed_versions()) == {canonical(n) for n in installed_versions()}


def test_each_differing_library_is_named():
    here = version("polars")
    locked = {"polars": here, "papermill": "0.0.1", "no-such-library-for-perfkit": "1.0", "python": "2.7.18"}
    assert version_differences(locked) == [
        "no-such-library-for-perfkit：打包时 1.0，本机 未安装",
        f"papermill：打包时 0.0.1，本机 {version('papermill')}",
        f"python：打包时 2.7.18，本机 {platform.python_version()}",
    ]
