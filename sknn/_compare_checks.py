"""What ``sknn compare`` checks in the data before any fit: leaks the folds cannot see.

Cross-validation scores every model on rows it did not learn, but some data makes that promise
empty for reasons no test on the scores can detect: the target among the features (refused
when that cannot be chance, else a note), rows repeated exactly where repeats are unlikely by
chance (copies straddle the folds) and a row identifier (its order can follow the target). The
two last ones can be meant, so they are notes in ``table.attrs['notes']``.
"""

import re

import numpy as np
import pandas as pd

__all__ = ["check_target_not_a_feature", "duplicated_rows_note", "row_identifier_notes"]

#: Rows repeating another row, as a share of the rows, from which the note is given: a few
#: repeats are common in discrete data and change little.
DUPLICATE_SHARE = 0.05
#: A column equal to a target of at most 2 values is refused from this many rows on; below, a
#: real binary feature can agree with it by chance (90% agreement over 18 rows: 15%), so a note.
TARGET_COPY_MIN_ROWS = 50
#: Rows below which a column holding the row numbers in another order is as likely a small feature.
IDENTIFIER_MIN_ROWS = 20
#: A share of distinct values (among the distinct rows) from which a column makes exact repeats of
#: a row unlikely by chance, and the fewest distinct values that count.
DISTINCT_SHARE, DISTINCT_MIN = 0.9, 10  # (counts and rounded values tie by chance below)
#: Column names that say "row identifier" (lower case), besides names ending in '_id', ' id' or 'Id'.
IDENTIFIER_NAMES = {"id", "ids", "index", "idx", "row", "rowid", "row_id", "rownames", "rowname", "row_names",
                    "row_number", "row number", "rownum", "level_0", "uuid", "guid"}


def _columns(X):
    """(name as shown, values) of each column of a 2-D X; nothing for images or a list of texts."""
    if isinstance(X, pd.DataFrame):
        for name in X.columns:
            yield f"column {str(name)!r}", f"X.drop(columns={str(name)!r})", np.asarray(X[name])
        return
    try:
        values = np.asarray(X)
    except (TypeError, ValueError):  # ragged rows: the user's own models read them
        return
    if values.ndim != 2:
        return
    for j in range(values.shape[1]):
        yield f"column {j} (counting from 0)", f"np.delete(X, {j}, axis=1)", values[:, j]


def _as_float(values):
    """The values as floats, or None when some are not numbers."""
    if values.dtype.kind in "biuf":
        return values.astype(np.float64)
    if values.dtype.kind != "O" or any(isinstance(v, (str, bytes)) for v in values[:1000]):
        return None
    try:
        return values.astype(np.float64)
    except (TypeError, ValueError):
        return None


def _same_values(values, y, y_float):
    """Whether a column holds y in every row: as numbers when both are numbers (1 and 1.0 and True agree),
    else as text."""
    if len(values) == 0:
        return False
    column = _as_float(values)
    if column is not None or y_float is not None:
        return column is not None and y_float is not None and np.array_equal(column, y_float)
    return bool((values.astype(str) == y.astype(str)).all())


def check_target_not_a_feature(X, y):
    """Refuse an X with a column equal to the target y in every row, naming it and how to drop it.

    Every model would read the answer from that column and score perfectly (``compare(df,
    df['target'])`` with the target left in ``df``). A column of at most 2 values on fewer than
    ``TARGET_COPY_MIN_ROWS`` rows can agree with a binary target by chance: a note, not an error.

    Returns
    -------
    notes : list of str
        One for each such small binary column.
    """
    y = np.asarray(y)
    y_float = _as_float(y)
    notes = []
    for shown, drop, values in _columns(X):
        first = None if y_float is None else y_float[:1]
        if not (_same_values(values[:1], y[:1], first) and _same_values(values, y, y_float)):  # (first row: quick)
            continue
        if len(y) < TARGET_COPY_MIN_ROWS and len(pd.unique(y)) <= 2:
            notes.append(f"X's {shown} equals the target y in every row: on {len(y)} rows a feature of 2 values can "
                         "agree with the target by chance, but if it is the target left among the features, every "
                         f"model reads the answer from it: drop it ({drop})")
            continue
        raise ValueError(f"X's {shown} equals the target y in every row: it is the target left among the "
                         "features, and every model would read the answer from it; drop it from X "
                         f"({drop}), or remove it from the file.")
    return notes


def _row_keys(X, y):
    """One hash per row of (features, target), or None when some cell cannot be hashed."""
    try:
        if isinstance(X, pd.DataFrame):
            features = pd.util.hash_pandas_object(X, index=False).to_numpy()
        else:
            values = np.asarray(X)
            if values.dtype.kind in "biufc" and values.ndim >= 2:  # numbers and images: the bytes of each row
                rows = np.ascontiguousarray(values.reshape(len(values), -1))
                features = np.fromiter((hash(r.tobytes()) for r in rows), dtype=np.int64, count=len(rows))
            else:
                frame = pd.DataFrame(values.reshape(len(values), -1)) if values.ndim >= 2 else pd.Series(values)
                features = pd.util.hash_pandas_object(frame, index=False).to_numpy()
        target = pd.util.hash_pandas_object(pd.Series(np.asarray(y)), index=False).to_numpy()
    except (TypeError, ValueError):  # unhashable cells (lists): the user's own models' data, not checked
        return None
    return pd.DataFrame({"features": features, "target": target})


def _repeats_unlikely_by_chance(X, first_copies):
    """Whether some numeric column of X holds mostly distinct values among the distinct rows.

    Two rows then agree exactly in that column only by being copies; with few values in every
    column (two binary features), exact repeats are what chance gives.
    """
    n_distinct_rows = int(first_copies.sum())
    for _, _, values in _columns(X):
        column = _as_float(values)
        if column is not None:
            distinct = len(np.unique(column[first_copies]))
            if distinct >= max(DISTINCT_MIN, DISTINCT_SHARE * n_distinct_rows):
                return True
    return False


def _drop_copies_hint(X):
    """How to find the first copy of each row of X, features and target, for the kind of X it is."""
    if isinstance(X, pd.DataFrame):
        return "keep = ~X.assign(_y=np.asarray(y)).duplicated()"
    if np.ndim(X) == 2:
        return "keep = ~pd.DataFrame(X).assign(_y=np.asarray(y)).duplicated()"
    return "keep = ~pd.DataFrame(np.reshape(X, (len(X), -1))).assign(_y=np.asarray(y)).duplicated()"


def duplicated_rows_note(X, y):
    """A note when a meaningful share of the rows repeat another row exactly (features and target), else None.

    Copies of one row land in training and test folds, so a model that memorises rows (a forest,
    boosting, nearest neighbours) is scored on rows it has seen, and the verdict can flip. Only
    where repeats are unlikely by chance (:func:`_repeats_unlikely_by_chance`): a list of texts,
    images and tables of few values repeat rows naturally, and get no note.
    """
    keys = _row_keys(X, y)
    if keys is None:
        return None
    copies = keys.duplicated().to_numpy()
    repeated = int(copies.sum())
    if repeated < max(2, DUPLICATE_SHARE * len(keys)) or not _repeats_unlikely_by_chance(X, ~copies):
        return None
    return (f"{repeated} of the {len(keys)} rows ({repeated / len(keys):.0%}) repeat another row exactly, features "
            "and target: copies of a row land in both training and test folds, which favours the models that "
            f"memorise rows; if they are copies of one record, keep the first copy ({_drop_copies_hint(X)}; then "
            "X[keep], y[keep]) or keep each record's copies in one fold (cv=list(GroupKFold(5).split(X, y, groups)))")


def _named_like_an_identifier(name):
    """Whether a column name says "row identifier": 'id', 'index', 'Unnamed: 0', 'customer_id', 'PassengerId'."""
    text = str(name).strip()
    lower = text.lower()
    return (lower in IDENTIFIER_NAMES or lower.startswith("unnamed:") or lower.endswith(("_id", " id", "-id", ".id"))
            or re.search(r"[a-z](Id|ID)$", text) is not None)


def _is_row_number(column):
    """Whether a column of numbers is 0..n-1 or 1..n in another order than its own (shuffled row numbers).

    In order, it has another reading (a time step, the textbook X = arange(n)): no note.
    """
    n = len(column)
    if n < IDENTIFIER_MIN_ROWS or column.min() not in (0, 1) or column.max() != column.min() + n - 1:
        return False
    if (np.diff(column) > 0).all() or (np.diff(column) < 0).all():
        return False
    return np.array_equal(np.sort(column), np.arange(column.min(), column.min() + n))


def row_identifier_notes(X):
    """A note for each row identifier of X: a column named like one with a distinct value in every row, or
    the row numbers in another order beside other columns.

    An identifier predicts nothing for new rows, but its order can follow the target (a file
    sorted by it, rows appended over time), which the folds cannot see. A time index also has
    that order, and is a feature: the note says how to test it.
    """
    out = []
    names = list(X.columns) if isinstance(X, pd.DataFrame) else None
    columns = list(_columns(X))
    for j, (shown, drop, values) in enumerate(columns):
        named = names is not None and _named_like_an_identifier(names[j])
        column = _as_float(values)
        if (column is None and not named) or (column is not None and not np.isfinite(column).all()):
            continue
        whole = column is not None and bool((column == np.round(column)).all())
        if named:
            text = column is None and all(isinstance(v, str) for v in values)
            if not ((whole or text) and len(values) > 1 and len(pd.unique(values)) == len(values)):
                continue
        elif not (whole and len(columns) > 1 and _is_row_number(column)):  # unnamed: only shuffled row numbers
            continue
        time = "; if it is a time index, split by time (cv=list(TimeSeriesSplit(5).split(X)))" if whole else ""
        out.append(f"X's {shown} holds a distinct value in every row: if it is a row identifier, it predicts nothing "
                   "for new rows, yet models can read the order of the rows from it (a file sorted by the target "
                   f"leaks it): drop it ({drop}){time}")
    return out
