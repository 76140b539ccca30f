"""Reading an appendix workbook (.xlsx) into PlanData, without touching the database.

Columns are found by their header text, not their position; the header may be on any of the
first rows and may span two rows. The workbook is opened read-only (rows are streamed, so a
large sheet costs little memory) and never evaluated: formula cells give their formula text.
"""

from .columns import COLUMN_PHRASES, FIELD_LABELS, HEADER_SEARCH_ROWS, REQUIRED, find_header, header_key
from .files import OLE2_SIGNATURE, ZIP_SIGNATURE, open_workbook
from .sheet import EMPTY_ROWS_BEFORE_STOP, read_plan_workbook

__all__ = [
    "COLUMN_PHRASES",
    "EMPTY_ROWS_BEFORE_STOP",
    "FIELD_LABELS",
    "HEADER_SEARCH_ROWS",
    "OLE2_SIGNATURE",
    "REQUIRED",
    "ZIP_SIGNATURE",
    "find_header",
    "header_key",
    "open_workbook",
    "read_plan_workbook",
]
