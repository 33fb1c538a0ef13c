"""Keep the unit notebook diff-friendly and nbval-tested: store only the checked outputs.

``make notebooks`` runs the notebook on the bundled data and keeps the outputs of the cells
marked ``# NBVAL_CHECK_OUTPUT`` (plain text only); every other output, execution count and
kernel-specific metadata is dropped. ``make test`` then runs the notebook under ``nbval-lax``
and compares those outputs, so a change in any figure the notebook prints fails a test.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import nbformat
import papermill

from perfkit.output import atomic_path
from perfkit.run.notebook import IPCKernelManager

CHECK_MARK = "# NBVAL_CHECK_OUTPUT"


def strip_notebook(node: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop unchecked outputs and run metadata, number the cells 1..n (in place; returns ``node``)."""
    node.metadata = {key: node.metadata[key] for key in ("kernelspec", "language_info") if key in node.metadata}
    node.metadata["language_info"] = {"name": "python"}
    count = 0
    for cell in node.cells:
        cell.metadata = {k: v for k, v in cell.metadata.items() if k == "tags" and v}
        cell.pop("id", None)
        if cell.cell_type != "code":
            continue
        count += 1
        cell.execution_count = count  # nbval compares only cells that were run; numbers stay stable
        if not cell.source.startswith(CHECK_MARK):
            cell.outputs = []
            continue
        kept = []
        for output in cell.outputs:
            if output.output_type == "stream" and output.name == "stdout":
                kept.append(nbformat.v4.new_output("stream", name="stdout", text=output.text))
        cell.outputs = kept
    node.nbformat_minor = 4
    return node


def refresh(notebook: Path) -> None:
    """Run ``notebook`` with its default parameters and store its checked outputs."""
    with tempfile.TemporaryDirectory() as tmp:
        executed = Path(tmp) / notebook.name
        # IPC kernels, as perfkit run uses: over TCP, kernels started while others start elsewhere on
        # the machine can race for a port and wait forever
        papermill.execute_notebook(
            str(notebook), str(executed), cwd=str(notebook.parent), progress_bar=False,
            kernel_manager_class=IPCKernelManager,
        )  # fmt: skip
        node = nbformat.read(executed, as_version=4)
    with atomic_path(notebook) as staged:  # an interrupted refresh leaves the notebook as it was
        nbformat.write(strip_notebook(node), staged)


if __name__ == "__main__":
    for name in sys.argv[1:]:
        refresh(Path(name))
