"""Column names scikit-learn does not record: the names, in order, of a DataFrame's columns named by whole numbers,
dates, floats or tuples (a MultiIndex), checked at predict.

scikit-learn records string column names only (``feature_names_in_``) and reads any other table by position: the
same columns in another order, or other columns, at predict would silently feed each one where another was learned.
Their names are recorded in ``fit``, and at predict the same names in another order, or other names, refused. Names
are compared by value, as Python's ``==`` compares them: 2019 and 2019.0, ``('a', 0)`` and ``('a', 0.0)``, one
instant in two time zones are the same name.
"""

import datetime
import re

import numpy as np
import pandas as pd

from ._numbers import is_real_number, plain_value

__all__ = ["check_column_label_order", "check_unique_columns", "plain_text_names"]

_INT64 = (-2**63, 2**63)
_ZONED = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d")  # a date's text, with its time zone


def _value(c):
    """A column name as the value it equals: numbers as Python's (whole ones as int: 2019.0 is 2019; Decimals,
    Fractions and numpy scalars as the int or float each equals), dates as instants (in UTC where they carry a time
    zone), durations as pandas', tuples (a MultiIndex) element by element."""
    if isinstance(c, tuple):
        return tuple(_value(v) for v in c)
    if isinstance(c, (bool, np.bool_)):
        return bool(c)
    if is_real_number(c):
        v = plain_value(c)
        if isinstance(v, int):
            return v
        v = float(v)
        return int(v) if v.is_integer() else v
    if isinstance(c, (datetime.datetime, np.datetime64)) and not pd.isna(c):
        t = pd.Timestamp(c)
        return t.tz_convert("UTC") if t.tz is not None else t
    if isinstance(c, (datetime.timedelta, np.timedelta64)) and not pd.isna(c):
        return pd.Timedelta(c)
    return c


def _labels(X):
    """X's column names as ('whole', [int], names) when each is a whole number within int64 (2019 or 2019.0), or
    ('other', [text], names) when none is a string (the text of each name's value: :func:`_value`); (None, None,
    None) otherwise (strings: scikit-learn's; a mix of strings and others: refused by scikit-learn; not a DataFrame).
    """
    labels = X.columns.tolist() if hasattr(X, "columns") and hasattr(X, "dtypes") else None
    if not labels or any(isinstance(c, str) for c in labels):
        return None, None, None
    values = [_value(c) for c in labels]
    if all(type(v) is int and _INT64[0] <= v < _INT64[1] for v in values):
        return "whole", values, labels
    return "other", [str(v) for v in values], labels  # Timestamp('2024-01-01') -> '2024-01-01 00:00:00', ('a', 0)


def _same(label, text, fitted):
    """Whether X's column name ``label`` (``text``: :func:`_labels`'s) is fit's, ``fitted`` (an int, or the text of
    a name; of a model saved before names were recorded by value, the name's own text: '2019.0', a time zone's)."""
    if not isinstance(fitted, str):  # a whole number: equal to a number of the same value (0.0, False)
        return (is_real_number(label) or isinstance(label, (bool, np.bool_))) and _value(label) == fitted
    if text == fitted or str(label) == fitted:
        return True
    value = _value(label)
    if isinstance(value, (int, float)):  # ('2019.0', 'True')
        try:
            return value == ({"True": 1, "False": 0}[fitted] if fitted in ("True", "False") else float(fitted))
        except ValueError:
            return False
    return isinstance(value, pd.Timestamp) and value.tz is not None and bool(_ZONED.fullmatch(fitted)) \
        and _value(pd.Timestamp(fitted)) == value  # ('2024-01-01 00:00:00+01:00')


def _shown(labels):
    return ", ".join(map(str, labels[:8])) + (", ..." if len(labels) > 8 else "")


def check_column_label_order(estimator, X, reset):
    """Record (``reset``) or check X's column names when none is a string.

    Whole numbers (``pd.DataFrame(array)``, ``read_csv(header=None)``, or floats such as 2019.0) are recorded as
    ``column_labels_in_`` (int64); other names (dates of a pivot table, floats, tuples of a MultiIndex from
    ``groupby().agg([...])``) as the text of their values, ``column_label_text_in_`` (dates with a time zone in UTC,
    whole numbers in a tuple as ints). At predict, a DataFrame whose names are not strings must bear fit's names in
    fit's order, compared by value (as Python's ``==``: 2019 for 2019.0, ``('a', 0.0)`` for ``('a', 0)``, the same
    instant in another time zone): the same names in another order, or other names (fit on columns 0, 1, 2, predict
    on 1, 2, 3), are refused, naming fit's; its columns would otherwise be read by position, each where another was
    learned. An array, or a DataFrame of another width (refused by the count of its features), is not checked here.
    """
    kind, labels, raw = _labels(X)
    if reset:
        for name in ("column_labels_in_", "column_label_text_in_"):
            if hasattr(estimator, name):
                delattr(estimator, name)
        if kind == "whole":
            estimator.column_labels_in_ = np.asarray(labels, dtype=np.int64)
        elif kind == "other":
            estimator.column_label_text_in_ = np.asarray(labels, dtype=object)
        return
    _refuse_transposed(estimator, X)
    fitted_kind = "whole" if hasattr(estimator, "column_labels_in_") else "other"
    fitted = getattr(estimator, "column_labels_in_" if fitted_kind == "whole" else "column_label_text_in_", None)
    if kind is None and fitted is not None:
        _check_names_as_text(X, fitted.tolist())
    if kind is None or fitted is None or len(fitted) != len(labels):
        return
    fitted = fitted.tolist()
    if all(_same(c, t, f) for c, t, f in zip(raw, labels, fitted)):
        return
    more = "..." if len(fitted) > 8 else ""
    if kind == fitted_kind and sorted(labels) == sorted(fitted):
        order = f"X[{fitted[:8]}{more}]" if kind == "whole" else f"fit's order: {_shown(fitted)}"
        raise ValueError(f"X's columns are named {_shown(raw)}: the names of fit's columns in another order. "
                         f"Columns are read by position; put them in fit's order first ({order}).")
    rename = f"X.columns = {fitted}" if fitted_kind == "whole" and not more else "X.columns = fit's names"
    raise ValueError(f"X's columns are named {_shown(raw)}, but fit's were named {_shown(fitted)}: columns are "
                     "read by position, and each would feed the network where another column was learned. Pass the "
                     "columns fit had, under fit's names; if these are fit's columns named otherwise, rename them "
                     f"({rename}), or pass X.to_numpy() to read them by position.")


def _refuse_transposed(estimator, X):
    """Refuse a DataFrame whose rows are labelled with fit's column names, and its columns not: a table transposed
    (``df.T``), each of fit's columns a row, whose rows would be predicted as samples."""
    names = getattr(estimator, "feature_names_in_", None)
    index = getattr(X, "index", None)
    if names is None or index is None or not hasattr(X, "columns") or len(index) != len(names):
        return
    if [str(i) for i in index] == list(names) and [str(c) for c in X.columns] != list(names):
        raise ValueError(f"X's rows are labelled with the names of fit's columns ({_shown(list(names))}) and its "
                         f"{X.shape[1]} columns are not: X looks transposed, a column of fit's a row. Pass X.T.")


def _check_names_as_text(X, fitted):
    """Refuse string column names that are the text of fit's names in another order (fit on columns 0, 1, predict on
    '1', '0', as after ``X.columns = X.columns.astype(str)`` and a selection): scikit-learn only warns that fit had
    no feature names, and reads the columns by position. Other string names (the same order, or names of their own)
    are left to scikit-learn's warning."""
    names = X.columns.tolist() if hasattr(X, "columns") and hasattr(X, "dtypes") else []
    if len(names) != len(fitted) or not all(isinstance(c, str) for c in names):
        return
    values = [str(_text_value(c)) for c in names]  # '2019.0' and '2019' for 2019, '2024-01-01' for a date
    fitted_texts = [str(f) for f in fitted]
    if values != fitted_texts and sorted(values) == sorted(fitted_texts):
        order = [names[values.index(f)] for f in fitted_texts[:8]]
        raise ValueError(f"X's columns are named {_shown(names)}: the names of fit's columns ({_shown(fitted)}) as "
                         "text, in another order. Columns are read by position; put them in fit's order first "
                         f"(X[{order}{'...' if len(names) > 8 else ''}]).")


def _text_value(name):
    """What a column name written as text stands for, as :func:`_value` gives fit's names: a number ('2019.0' is
    2019), an instant ('2024-01-01'), or the text itself."""
    try:
        return _value(float(name))
    except ValueError:
        pass
    if re.match(r"\d{4}-\d\d-\d\d", name):
        try:
            return _value(pd.Timestamp(name))
        except ValueError:
            pass
    return name


def check_unique_columns(X):
    """Refuse a DataFrame whose columns are not uniquely named (columns are matched by name)."""
    columns = getattr(X, "columns", None)
    if columns is not None and hasattr(columns, "duplicated") and columns.duplicated().any():
        name = columns[columns.duplicated()].tolist()[0]  # a Python value: 0, not np.int64(0)
        raise ValueError(f"X has several columns named {name!r}; give each column its own name.")


def plain_text_names(X):
    """X, its column names of a subclass of str (``np.str_`` from an array of names, a ``StrEnum``) as the strings
    they are: scikit-learn records names of type str only, and reads any other table by position."""
    columns = getattr(X, "columns", None)
    if columns is None or not hasattr(X, "dtypes") or not any(
            isinstance(c, str) and type(c) is not str for c in columns):
        return X
    return X.set_axis([plain_value(c) if isinstance(c, str) else c for c in columns], axis=1)
