"""Benchmark the PDF reader on a 100-page disclosure-like PDF: pages per second and peak memory.

The PDF is written once by python-docx and LibreOffice (``soffice`` must be on PATH) into
``build/bench/disclosure.pdf``: section after section of a 部门预算 disclosure — a paragraph of
text, an unrelated ruled table (收支总表, 12 rows) and the seed's seven target tables, their first
rows repeated on every page they run over, every third section on landscape pages — until it has
at least 100 pages. The reading runs in a fresh process, so the peak resident memory is the
reader's own (with perfkit's imports); the growth is the peak less the memory after the imports.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "build" / "bench" / "disclosure.pdf"
READ = """
import json, resource, sys, time
from pathlib import Path
from perfkit.load.formats import pdf
import pdfplumber  # imported before the baseline, as a reader would have it
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
data = Path(sys.argv[1]).read_bytes()
start = time.perf_counter()
tables = pdf.document_tables(data, sys.argv[1])
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with pdfplumber.open(sys.argv[1]) as document:
    pages = len(document.pages)
print(json.dumps({"pages": pages, "tables": len(tables), "seconds": round(seconds, 2),
                  "pages_per_s": round(pages / seconds, 1), "peak_mb": round(peak / 1024),
                  "growth_mb": round((peak - before) / 1024)}))
"""


def build(path: Path, min_pages: int = 100) -> Path:
    """Write the disclosure-like PDF (sections added until it has ``min_pages`` pages)."""
    import pdfplumber
    from docx import Document

    sys.path.insert(0, str(ROOT))
    from tests.builders import _add_project_table, _set_cell_text, indicators_by_project
    from tests.fixtures.make_pdfs import _landscape, _repeat_first_row, convert
    from tests.seed_expected import INDICATORS, PROJECTS

    sections = 10
    while True:
        document = Document()
        for section in range(sections):
            if section % 3 == 2:
                _landscape(document, landscape=True)
            elif section % 3 == 0 and section:
                _landscape(document, landscape=False)
            document.add_heading(f"第{section + 1}部分 部门预算公开（示例，插图用数据）", level=1)
            document.add_paragraph("本部分公开部门收支总表及项目支出绩效目标表。" * 6)
            totals = document.add_table(rows=12, cols=4)
            totals.style = "Table Grid"
            for r in range(12):
                for c, text in enumerate([f"收入项目{r}", f"{r * 10}.00", f"支出项目{r}", f"{r * 7}.00"]):
                    _set_cell_text(totals.cell(r, c), text)
            for i, (project, rows) in enumerate(
                zip(PROJECTS, indicators_by_project(PROJECTS, INDICATORS), strict=True)
            ):
                document.add_heading(f"{i + 1}.{project['project_name']}绩效目标表", level=2)
                _add_project_table(document, project, rows)
                _repeat_first_row(document.tables[-1])
        with tempfile.TemporaryDirectory() as work:
            source = Path(work) / "disclosure.docx"
            document.save(str(source))
            converted = convert(source, "pdf", Path(work))
            with pdfplumber.open(converted) as pdf:
                pages = len(pdf.pages)
            if pages >= min_pages:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(converted.read_bytes())
                return path
        sections = sections * min_pages // pages + 1


def measure() -> dict:
    if not OUT.exists():
        build(OUT)
    out = subprocess.run([sys.executable, "-c", READ, str(OUT)], cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rebuild", action="store_true", help="write the PDF again")
    if parser.parse_args().rebuild and OUT.exists():
        OUT.unlink()
    print(json.dumps(measure()))
