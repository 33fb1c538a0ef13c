"""Numbers for repeated values and slices of whole projects (illustrative values)."""

from __future__ import annotations

import polars as pl

from perfkit.scoring.numbering import numbered, per_run, whole_slices


def test_per_run_gives_each_row_its_run_and_each_run_its_values():
    frame = pl.DataFrame({"p": ["a", "a", "b", "a"], "u": ["1", "1", "1", "1"]})
    run, runs = per_run(frame, ["p", "u"])
    # worked by hand: runs a a | b | a
    assert run.to_list() == [0, 0, 1, 2]
    assert runs.rows() == [("a", "1"), ("b", "1"), ("a", "1")]


def test_equal_values_get_one_number_wherever_they_are():
    frame = pl.DataFrame({"p": ["a", "b", "a", None, "b", None], "g": [1, 1, 1, 1, 2, 1]})
    # worked by hand, numbers in order of first appearance, nulls a value of their own
    assert numbered(frame, ["p"]).to_list() == [0, 1, 0, 2, 1, 2]
    assert numbered(frame, ["p", "g"]).to_list() == [0, 1, 0, 2, 3, 2]


def test_slices_never_cut_a_project():
    # worked by hand: projects 0 | 1 1 | 2 | 3 3 3 may be cut before rows 0, 1, 3, 4; in the stretches
    # of 2 rows [0, 2), [2, 4), [4, 6), [6, 7) the first such rows are 0, 3, 4 and none
    assert whole_slices(pl.Series([0, 1, 1, 2, 3, 3, 3]), 2) == [(0, 3), (3, 1), (4, 3)]
    # project 0 comes back at the end: nothing can be cut off before it
    assert whole_slices(pl.Series([0, 1, 2, 0]), 1) == [(0, 4)]
    assert whole_slices(pl.Series([], dtype=pl.UInt32), 2) == []
