"""Explore anomalies across units and years (the functions behind ``3.0-explore-anomalies.ipynb``).

Open data (:func:`open_sources`, :func:`open_batch`), pick rows (:func:`select`), see a project in
full (:func:`project_view`, :func:`finding_view`), read the cross-unit analytics with their peer
groups (:mod:`perfkit.explore.peers`), show tables interactively or statically (:func:`show`), pick
findings with drop-downs in JupyterLab (:func:`picker`).
"""

from perfkit.explore.data import Exploration, open_batch, open_sources, overview_lines
from perfkit.explore.filters import select
from perfkit.explore.project import ProjectView, finding_view, project_view
from perfkit.explore.tables import set_interactive, show, static_html
from perfkit.explore.widgets import picker

__all__ = [
    "Exploration", "ProjectView", "finding_view", "open_batch", "open_sources", "overview_lines", "picker",
    "project_view", "select", "set_interactive", "show", "static_html",
]  # fmt: skip
