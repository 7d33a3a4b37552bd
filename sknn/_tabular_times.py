"""Dates and durations in a table (:mod:`sknn._tabular`): refused, with the fix, by the networks that read X as
numbers (cast to numbers, dates are counts of their unit, which another unit changes a thousandfold).
"""

import datetime

import numpy as np
import pandas as pd

__all__ = ["TIME_CELLS", "check_no_time_columns", "check_not_time", "time_message"]

# the cells of an object column that are dates, times or durations
TIME_CELLS = (datetime.date, datetime.time, datetime.timedelta, np.datetime64, np.timedelta64, pd.Period)


def time_message(what, cell=None):
    """The refusal of dates or durations in ``what`` ('Column 'b''; ``cell``: one of its values, for an object column
    of dates), with the fix: cast to numbers they are counts of their unit, which the same values stored in another
    unit (seconds, milliseconds) change a thousandfold."""
    held = "dates or durations" if cell is None else \
        f"a value of type {type(cell).__name__} ({cell!s:.40}), one of its dates or durations"
    return (f"{what} holds {held}: turn them into numbers first (for instance the year, the day of the week, or "
            "seconds since an origin).")


def check_not_time(dtype, what):
    """Refuse a column or array of dates or durations (:func:`time_message`)."""
    if (pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype)
            or isinstance(dtype, pd.PeriodDtype)):
        raise TypeError(time_message(what))


def check_no_time_columns(X):
    """Refuse an array or DataFrame holding dates or durations, for a network that reads X as numbers as it is."""
    if isinstance(X, pd.DataFrame):
        for name, dtype in X.dtypes.items():
            check_not_time(dtype, f"Column {name!r}")
    elif hasattr(X, "dtype"):
        check_not_time(X.dtype, "X")
