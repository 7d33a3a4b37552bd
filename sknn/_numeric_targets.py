"""Checks of a regressor's target of numbers (one value per row, or one per output column), shared by every family
that regresses; a classifier's labels are :mod:`sknn._labels`'. One helper per rule, each naming the input and the fix.
"""

import datetime

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ._validation import check_exact_in_float64, check_float64_cells, refuse_complex

__all__ = ["MISSING_TARGET", "check_numeric_target", "check_real_target", "check_y_columns", "refuse_sparse_target",
           "y_column_names"]


MISSING_TARGET = "y contains NaN or infinity (a missing value, e.g. None): impute or drop those rows first."


def check_real_target(values, name="y"):
    """Refuse a target of dates, durations or complex numbers, which a cast to float would turn into nanoseconds or
    strip of their imaginary part, and cells float64 cannot hold (10**400, Decimal('sNaN')), naming the fix."""
    check_float64_cells(values, name, "rescale it (divide it by a power of ten, or take its logarithm); if they are "
                        f"labels, pass them as strings ({name}.astype(str)).")
    kind = values.dtype.kind
    if kind == "O" and values.size:  # every cell: an odd one anywhere would fail deep inside numpy
        for v in values.ravel():
            if isinstance(v, (np.datetime64, datetime.date)):
                kind = "M"
            elif isinstance(v, (np.timedelta64, datetime.timedelta)):
                kind = "m"
            elif isinstance(v, (complex, np.complexfloating)):
                kind = "c"
            elif isinstance(v, (list, tuple, dict, set, np.ndarray)):
                raise ValueError(f"{name} holds a {type(v).__name__} ({v!r:.40}) in a cell: a target holds one "
                                 "value per row (several targets: one column each).")
            if kind != "O":
                break
    if kind in "Mm":
        raise ValueError(f"{name} holds {'dates' if kind == 'M' else 'durations'}: turn them into numbers first (for "
                         "instance days since a date, or hours), which a model can predict.")
    if kind == "c":
        refuse_complex(name, "predict their real and imaginary parts (or modulus and angle) as numbers of their own.")


def refuse_sparse_target(y):
    """Refuse a scipy sparse y with scikit-learn's words (numpy would read it as one object, or fail on it)."""
    if sp.issparse(y):
        raise TypeError("Sparse data was passed for y, but dense data is required. Use '.toarray()' to convert to a "
                        "dense numpy array.")


def _cell_of(y, values, position):
    """Where the cell at ``position`` of the flattened ``values`` (``y`` as an array) is, in words: 'value 5 of y'
    for one column, 'row 5, column 'rent' of y' for several (the column's label for a DataFrame)."""
    if values.ndim < 2:
        return f"value {position} of y"
    row, column = divmod(int(position), values.shape[1])
    column = column if getattr(y, "columns", None) is None else y.columns[column]
    return f"row {row}, column {column.item() if isinstance(column, np.generic) else column!r} of y"


def check_numeric_target(y, caller):
    """A regressor's y must hold numbers: a string in it is named, with the classifier as the fix; dates, durations
    and complex numbers are refused (:func:`check_real_target`)."""
    refuse_sparse_target(y)
    if y is None or not hasattr(y, "__len__"):
        return
    for column, dtype in (y.dtypes.items() if hasattr(y, "dtypes") and hasattr(y, "columns") else ()):
        if dtype.kind in "Mmc":  # before numpy, which cannot join dates and numbers in one array
            check_real_target(np.empty(0, dtype), f"y's column {column!r}")
    try:
        values = np.asarray(y)
    except ValueError:  # numpy's own words: 'an inhomogeneous shape after 1 dimensions'
        _refuse_ragged_rows(y)
        raise
    if values.ndim == 2 and values.shape[1] == 0:  # (scikit-learn's words would be about X's features)
        raise ValueError(f"y has no output columns (shape {values.shape}): {caller} predicts one value per row, or "
                         "one per column of y; pass the target column(s).")
    check_real_target(values)
    if values.dtype.kind == "f" and not np.isfinite(values).all():
        first = int(np.flatnonzero(~np.isfinite(values.ravel()))[0])
        cell = np.asarray(y, dtype=object).ravel()[first]  # (a nullable column's <NA>, read by numpy as NaN)
        raise ValueError(f"{MISSING_TARGET} The first: {_cell_of(y, values, first)}, "
                         f"{cell if cell is pd.NA else float(values.ravel()[first])!r}.")
    if values.dtype.kind == "O":
        flat = values.ravel()
        missing = np.flatnonzero(pd.isna(flat))
        if len(missing):  # pd.NA has no truth value: scikit-learn's check would fail on it
            raise ValueError(f"{MISSING_TARGET} The first: {_cell_of(y, values, missing[0])}, {flat[missing[0]]!r}.")
    check_exact_in_float64(values, "y", "subtract an offset first (y - y.min()), or rescale it.")
    if values.dtype.kind in "UST":
        first = str(values.ravel()[0]) if values.size else None
    elif values.dtype.kind == "O":
        first = next((v for v in values.ravel() if isinstance(v, (str, bytes))), None)
    else:
        return
    if first is not None:
        raise ValueError(f"{caller} predicts numbers, but y holds the string {first!r}: for labels use a "
                         "classifier (e.g. DenseClassifier); otherwise convert y to numbers first.")


def _refuse_ragged_rows(y, name="y"):
    """Name the first row of ``y`` (a list of rows) whose number of values differs from its first row's."""
    def width(row):  # None: a single value (a number, a string, a 0-d array or tensor, which len() refuses)
        if isinstance(row, (str, bytes)) or not hasattr(row, "__len__") or getattr(row, "ndim", 1) == 0:
            return None
        return len(row)

    rows = list(y)
    first = width(rows[0]) if rows else None
    i = next((i for i, row in enumerate(rows) if width(row) != first), None)
    if i is None:
        return

    def holds(n, row):
        return f"a single value ({row!r:.40})" if n is None else f"{n} value{'s' * (n != 1)}"
    raise ValueError(f"The rows of {name} differ in length: {name}[0] holds {holds(first, rows[0])} but {name}[{i}] "
                     f"holds {holds(width(rows[i]), rows[i])}. Each row holds one value per output (the same "
                     "outputs in every row): fill in the missing values, or drop those rows.")


def y_column_names(y):
    """The text of each column name of a DataFrame ``y`` (a regressor's outputs), in order; None for any other y."""
    return [str(c) for c in y.columns] if isinstance(y, pd.DataFrame) else None


def check_y_columns(y, fitted, caller):
    """Refuse a DataFrame ``y`` that holds a column of ``fitted`` (:func:`y_column_names` of fit's y) at another
    position than fit's: outputs are matched by position, so that column would be scored, or trained, against
    another's predictions (fit's columns in another order). Other names are read by position, as scikit-learn
    reads them (a one-column y, a renamed frame); a y of another width is left to the count of outputs; an array,
    or a model fitted on one (``fitted`` None), is not checked."""
    names = y_column_names(y)
    repeated = next((c for i, c in enumerate(names or ()) if c in names[:i]), None)
    if repeated is not None:
        raise ValueError(f"y has several columns named {repeated!r}: each output is a column of its own name; rename "
                         "or drop the repeated ones.")
    if names is None or fitted is None or len(names) != len(fitted) or len(names) == 1:
        return
    fitted = list(fitted)
    moved = next((i for i, name in enumerate(names) if name in fitted and fitted.index(name) != i), None)
    if moved is None:
        return
    if sorted(names) == sorted(fitted):  # (y's own names, for y[[...]]: 1 for a column named 1, not '1')
        fix = f"put them in fit's order first (y[{y.columns[[names.index(name) for name in fitted]].tolist()}])"
    else:
        fix = "pass fit's columns in fit's order, or y.to_numpy() to match them by position"
    raise ValueError(f"y's columns are named {names}, but {caller} was fitted on columns named {fitted}: "
                     f"outputs are matched by position, so {names[moved]!r} would be matched with the predictions "
                     f"of fit's {fitted[moved]!r}; {fix}.")
