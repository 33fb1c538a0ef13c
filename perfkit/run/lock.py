"""``environment.lock``: the exact versions of Python, perfkit and every library it depends on.

The versions are read with :mod:`importlib.metadata` from the environment that runs: perfkit's
requirements, followed through their own requirements (an extra such as ``dask[distributed]``
brings the requirements of that extra). A bundle carries the lock so that a reviewer's
``perfkit verify`` can name every library whose version differs on the reviewer's machine.

The file holds one ``name==version`` a line, sorted, after a comment line::

    # perfkit environment.lock …
    python==3.12.3
    perfkit==0.9.0
    polars==2.1.0
"""

from __future__ import annotations

import platform
import re
from importlib.metadata import PackageNotFoundError, requires, version

LOCK_NAME = "environment.lock"
_REQUIREMENT = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?")
_EXTRA = re.compile(r"""extra\s*==\s*["']([^"']+)["']""")


def canonical(name: str) -> str:
    """A distribution name as packaging compares them (PEP 503): lower case, runs of ``-_.`` as ``-``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirements(name: str, extras: set[str]) -> list[tuple[str, set[str]]]:
    """The distributions ``name`` requires (with the extras asked of them), for its ``extras``."""
    found = []
    for line in requires(name) or []:
        spec, _, marker = line.partition(";")
        extra = _EXTRA.search(marker)
        if extra and canonical(extra.group(1)) not in extras:
            continue
        match = _REQUIREMENT.match(spec)
        if match:
            wanted = {canonical(e) for e in (match.group(2) or "").split(",") if e.strip()}
            found.append((canonical(match.group(1)), wanted))
    return found


def installed_versions(root: str = "perfkit") -> dict[str, str]:
    """``name → version`` of ``root`` and of every installed distribution it requires, transitively.

    Requirements that are not installed (a marker excluded them on this platform) are left out.
    """
    versions: dict[str, str] = {}
    seen: set[tuple[str, frozenset[str]]] = set()
    todo = [(canonical(root), set[str]())]
    while todo:
        name, extras = todo.pop()
        if (name, frozenset(extras)) in seen:
            continue
        seen.add((name, frozenset(extras)))
        try:
            versions[name] = version(name)
            todo.extend(_requirements(name, extras))
        except PackageNotFoundError:
            continue
    return versions


def lock_text() -> str:
    """The content of ``environment.lock`` for the running environment."""
    lines = [f"python=={platform.python_version()}"]
    lines += [f"{name}=={v}" for name, v in sorted(installed_versions().items())]
    header = "# perfkit environment.lock: versions of the environment that made this bundle (importlib.metadata)"
    return "\n".join([header, *lines]) + "\n"


def parse_lock(text: str) -> dict[str, str]:
    """``name → version`` from the text of a lock file; comment and blank lines are skipped.

    >>> parse_lock("# c\\npython==3.12.3\\nPolars==2.1.0\\n")
    {'python': '3.12.3', 'polars': '2.1.0'}
    """
    locked = {}
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, sep, ver = line.partition("==")
            if sep:
                locked[canonical(name.strip())] = ver.strip()
    return locked


def version_differences(locked: dict[str, str]) -> list[str]:
    """One Chinese line per locked library whose version differs here (or that is not installed here)."""
    lines = []
    for name, wanted in sorted(locked.items()):
        if name == "python":
            here = platform.python_version()
        else:
            try:
                here = version(name)
            except PackageNotFoundError:
                here = "未安装"
        if here != wanted:
            lines.append(f"{name}：打包时 {wanted}，本机 {here}")
    return lines
