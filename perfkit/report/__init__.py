"""Everything perfkit writes for people: the unit workbook (审计工作底稿), charts, the actuals
template, the index page and the portfolio workbook. Takes tables and the dataclasses of the
layers below; knows nothing of how a run is executed."""
