"""The (document, format) pairs where perfkit's output differs from the truth today, with why.

Each is a strict xfail in test_realworld.py: when a reader change makes one pass, its test turns
red and its entry here must be removed. ``python -m tests.realworld.report`` lists the differences
in full and names the entries that no longer hold. A reason is the first refusal (with quoted names
elided) or the kinds of difference and their counts; ``--write-known`` rewrites the pairs and
their reasons from a run. Why each document differs is written by hand in ``CAUSES``, which the
rewrite keeps: every listed document has a cause, and every cause a listed document.
"""

# document → why perfkit does not read it as its truth, in one line (what the document does that
# perfkit does not read, and what perfkit says instead)
CAUSES: dict[str, str] = {}


KNOWN_DIFFERENCES: dict[tuple[str, str], str] = {}
