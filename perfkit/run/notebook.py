"""``perfkit run``: execute the unit audit notebook for one unit through papermill.

Outputs (per unit, in ``<output>/<unit_code>/``): the executed notebook, the audit workbook and an
HTML export with the code hidden. They are produced in a staging folder and moved in only when
the whole run succeeded. The executed notebook names its inputs, outputs and review store relative
to the unit folder (:func:`~perfkit.run.params.relative_parameters`), so it names no folder of the
machine and no staging folder, and re-runs where its inputs keep their relative places. A failed
run keeps its partly executed notebook as ``<unit_code>.failed.ipynb`` for debugging and leaves no
workbook behind.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

# jsonschema imports rfc3987_syntax, when installed, for the `iri` format, and that module compiles
# ~35 Lark grammars at import: 2.5 s here, on every run (jsonschema#1428; opendatahub-io/notebooks
# #3532 measured the same). Notebook schemas use no `iri` format, so this process skips it.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

import nbformat  # noqa: E402

# papermill's I/O module tries pyarrow.fs for hdfs:// paths (0.4 s of imports); perfkit names local
# files only, so papermill goes without it, and pyarrow.fs stays importable for anything else.
_blocked = "pyarrow.fs" not in sys.modules and not sys.modules.setdefault("pyarrow.fs", None)  # type: ignore[arg-type]
import papermill  # noqa: E402
from papermill.engines import NBClientEngine, papermill_engines  # noqa: E402
from papermill.iorw import write_ipynb  # noqa: E402

if _blocked:
    del sys.modules["pyarrow.fs"]

from perfkit.errors import InputError  # noqa: E402
from perfkit.output import atomic_path, staging, write_text_atomically  # noqa: E402
from perfkit.report.page import notebook_page  # noqa: E402
from perfkit.run import kernels  # noqa: E402
from perfkit.run.kernels import IPCKernelManager  # noqa: E402
from perfkit.run.manifest import NOTEBOOK  # noqa: E402
from perfkit.run.params import UNIT_PARAMETERS, read_unit_params, relative_parameters, unit_output_dir  # noqa: E402

PORTFOLIO_NOTEBOOK = NOTEBOOK.with_name("2.0-portfolio.ipynb")
DEFAULT_OUTPUT = Path("build") / "units"
ENGINE = "perfkit"


class _Engine(NBClientEngine):
    """papermill's nbclient engine, saving the executed notebook once and naming no folder of the machine.

    papermill saves the executed notebook before and after every cell (about fifty writes of a
    growing notebook for the unit audit); here it is written once, by papermill at the end, or
    with what ran so far when the run fails. papermill names the template and the executed
    notebook as given (absolute, the executed one inside the staging folder); here, by file name.
    """

    @classmethod
    def execute_notebook(cls, nb: Any, kernel_name: str, output_path: str | None = None, **kwargs: Any) -> Any:
        nb.metadata.papermill.update(input_path=Path(kwargs["input_path"]).name, output_path=Path(output_path).name)
        try:
            return super().execute_notebook(nb, kernel_name, output_path=None, **kwargs)
        except BaseException:  # the kernel died, a cell timed out: keep the partly executed notebook
            write_ipynb(nb, output_path)
            raise


papermill_engines.register(ENGINE, _Engine)
_declared: dict[tuple[str, int], set[str]] = {}


def notebook_parameters(notebook: Path = NOTEBOOK) -> set[str]:
    """Names declared in the notebook's ``parameters`` cell (read once per version of the file)."""
    key = (str(notebook), notebook.stat().st_mtime_ns)
    if key not in _declared:
        _declared[key] = set(papermill.inspect_notebook(str(notebook)))
    return _declared[key]


def _check_declared(params: dict[str, Any], notebook: Path) -> None:
    declared = notebook_parameters(notebook)
    missing = set(UNIT_PARAMETERS) - declared
    if missing:  # a notebook that cannot take our parameters is a bug, not bad input
        raise RuntimeError(f"{notebook.name} does not declare parameters {sorted(missing)}")


def _check_rule_params(params: dict[str, Any], file: str) -> None:
    """Refuse bad ``checks``/``scoring``/``rescoring`` sections before a kernel starts or a folder appears."""
    from perfkit.checks.engine import resolve_settings
    from perfkit.scoring.params import scoring_params
    from perfkit.scoring.rescoring import RESCORING_RULES

    resolve_settings(params["checks"], file)
    resolve_settings(params["rescoring"], file, RESCORING_RULES, "rescoring")
    scoring_params(params["scoring"], file)


def export_html(executed: Path | Any, html: Path) -> None:
    """Write ``executed`` (a notebook file, or the executed notebook in memory) as a standalone HTML
    report without code (offline: no CDN, no scripts)."""
    if isinstance(executed, Path):
        executed, title = nbformat.read(executed, as_version=4), executed.stem
    else:
        title = html.stem
    write_text_atomically(html, notebook_page(executed, title=title))


KERNEL_START_TRIES = 3


def _execute(notebook: Path, executed: Path, parameters: dict, progress: bool, cell_timeout: int | None, cwd: Path,
             warm: bool = False) -> Any:  # fmt: skip
    """papermill with IPC kernels in ``cwd``; returns the executed notebook (also written to ``executed``).

    A kernel that fails to start is retried, nothing else is. ``warm``: run in this worker's warm
    kernel (:mod:`perfkit.run.kernels`), reset for this unit.
    """

    def execute(**kernel: Any) -> Any:
        return papermill.execute_notebook(
            str(notebook), str(executed), parameters=parameters, cwd=str(cwd), progress_bar=progress,
            kernel_name="python3", language="python", execution_timeout=cell_timeout, engine_name=ENGINE, **kernel,
        )  # fmt: skip

    if warm:
        km = kernels.kernel_for(cwd)
        ok = False
        try:
            node = execute(km=km)
            ok = True
        finally:
            kernels.release(km, ok)
        return node
    for attempt in range(1, KERNEL_START_TRIES + 1):
        try:
            return execute(kernel_manager_class=IPCKernelManager)
        except papermill.PapermillExecutionError:
            raise
        except Exception:
            started = executed.exists() and any(
                c.get("execution_count") for c in nbformat.read(executed, as_version=4).cells if c.cell_type == "code"
            )
            if started or attempt == KERNEL_START_TRIES:
                raise


def _named_as_given(message: str, relative: dict[str, Any], params: dict[str, Any]) -> str:
    """The kernel's one-line error naming the input as this process knows it, not relative to the unit folder."""
    pairs = zip([*relative["targets"], *relative["actuals"]], [*params["targets"], *params["actuals"]], strict=True)
    for inside, known in sorted(pairs, key=lambda pair: -len(pair[0])):
        if message.startswith(inside):
            return known + message[len(inside) :]
    return message


def run_unit(params_file: str | Path, output: str | Path | None = None, progress: bool | None = None,
             notebook: Path = NOTEBOOK, cell_timeout: int | None = 600, warm: bool = False) -> dict[str, Path]:  # fmt: skip
    """Run the notebook for the unit in ``params_file``; returns the paths of the outputs.

    ``warm`` runs it in this worker's warm kernel (``perfkit batch``) instead of a new one.

    ``cell_timeout`` bounds each cell in seconds. A kernel that dies (out of memory) or a cell that
    times out fails this unit with an exception; the partly executed notebook is kept.
    """
    params = read_unit_params(params_file)
    progress = sys.stderr.isatty() if progress is None else progress  # no progress bar in logs
    _check_declared(params, notebook)
    _check_rule_params(params, str(params_file))
    root = Path(output or params["output_dir"] or DEFAULT_OUTPUT)
    final = unit_output_dir(params, root)
    final.mkdir(parents=True, exist_ok=True)
    for stale in final.glob(".partial-*"):  # left by a run that was killed: never a valid output
        shutil.rmtree(stale, ignore_errors=True)
    code = final.name  # the unit code, or the name of a unit without one, and the year if named so (run_key)
    # the tables (findings, scores) are for the portfolio across units; scores only with actuals
    names = {"notebook": f"{code}.ipynb", "workbook": f"{code}-审计底稿.xlsx", "html": f"{code}.html",
             "summary": "summary.json", "findings": "findings.parquet", "project_scores": "project_scores.parquet"}  # fmt: skip
    optional = {"project_scores"}
    # the staging folder lies beside the unit folder, at the same depth: the kernel runs in it, and the
    # paths in the parameters, relative to the unit folder, hold there and after the move alike
    with staging(final.parent) as folder:
        executed = folder / names["notebook"]
        try:
            relative = relative_parameters(params, final)
            node = _execute(notebook, executed, relative, progress, cell_timeout, folder, warm)
        except Exception as exc:
            failed = final / f"{code}.failed.ipynb"
            if executed.exists():
                with atomic_path(failed) as staged:
                    shutil.copy(executed, staged)
            if isinstance(exc, papermill.PapermillExecutionError) and exc.ename == "InputError":
                message = _named_as_given(exc.evalue, relative, params)
                raise InputError(params_file, None, f"{message}（执行失败的笔记本：{failed}）") from None
            raise
        export_html(node, folder / names["html"])
        produced = {
            kind: folder / name for kind, name in names.items() if kind not in optional or (folder / name).exists()
        }
        missing = [p.name for p in produced.values() if not p.exists()]
        if missing:
            raise RuntimeError(f"the notebook did not produce {missing}")
        (final / f"{code}.failed.ipynb").unlink(missing_ok=True)
        for kind in optional - set(produced):
            (final / names[kind]).unlink(missing_ok=True)  # a stale table from an earlier run
        for path in produced.values():
            os.replace(path, final / path.name)
    return {kind: final / path.name for kind, path in produced.items()}


def run_portfolio(batch_dir: str | Path, cell_timeout: int | None = 600, warm: bool = False) -> dict[str, Path]:
    """Run the portfolio notebook over the unit folders of ``batch_dir``; outputs land beside them.

    ``warm``: in this thread's warm kernel (``perfkit batch`` starts it while its last units run).
    """
    batch_dir = Path(batch_dir).resolve()
    names = {"notebook": "portfolio.ipynb", "html": "portfolio.html", "workbook": "portfolio.xlsx"}
    with staging(batch_dir) as folder:
        executed = folder / names["notebook"]
        # the kernel runs in the batch folder, which the notebook then names as "."
        node = _execute(PORTFOLIO_NOTEBOOK, executed, {"batch_dir": "."}, False, cell_timeout, batch_dir, warm)
        export_html(node, folder / names["html"])
        os.replace(executed, batch_dir / names["notebook"])
        os.replace(folder / names["html"], batch_dir / names["html"])
    return {kind: batch_dir / name for kind, name in names.items()}
