"""Running audits: one unit in process (:mod:`.unit`), its notebook through papermill
(:mod:`.notebook`), many units (:mod:`.batch`) with their manifest and portfolio, and the
parameter files that steer them (:mod:`.params`)."""
