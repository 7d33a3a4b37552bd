"""Column names scikit-learn does not record: the names, in order, of a DataFrame's columns named by whole numbers,
dates, floats or tuples (a MultiIndex), checked at predict.

scikit-learn records string column names only (``feature_names_in_``) and reads any other table by position: the
same columns in another order, or other columns, at predict would silently feed each one where another was learned.
Their names are recorded in ``fit``, and at predict the same names in another order, or other names, refused.
"""

import numpy as np

__all__ = ["check_column_label_order"]


def _whole(c):
    return isinstance(c, (int, np.integer)) and not isinstance(c, (bool, np.bool_))


def _labels(X):
    """X's column names as ('whole', [int], names) or ('other', [str], names) when none is a string; (None, None,
    None) otherwise (strings: scikit-learn's; a mix of strings and others: refused by scikit-learn; not a DataFrame)."""
    labels = X.columns.tolist() if hasattr(X, "columns") and hasattr(X, "dtypes") else None
    if not labels or any(isinstance(c, str) for c in labels):
        return None, None, None
    if all(_whole(c) for c in labels):
        return "whole", [int(c) for c in labels], labels
    return "other", [str(c) for c in labels], labels  # Timestamp('2024-01-01') -> '2024-01-01 00:00:00', ('a', 'b')


def _shown(labels):
    return ", ".join(map(str, labels[:8])) + (", ..." if len(labels) > 8 else "")


def check_column_label_order(estimator, X, reset):
    """Record (``reset``) or check X's column names when none is a string.

    Whole numbers (``pd.DataFrame(array)``, ``read_csv(header=None)``) are recorded as ``column_labels_in_`` (int64);
    other names (dates of a pivot table, floats, tuples of a MultiIndex from ``groupby().agg([...])``) as their text,
    ``column_label_text_in_``. At predict, a DataFrame whose names are not strings must bear fit's names in fit's
    order: the same names in another order, or other names (fit on columns 0, 1, 2, predict on 1, 2, 3), are refused,
    naming fit's; its columns would otherwise be read by position, each where another was learned. An array, or a
    DataFrame of another width (refused by the count of its features), is not checked here.
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
    fitted_kind = "whole" if hasattr(estimator, "column_labels_in_") else "other"
    fitted = getattr(estimator, "column_labels_in_" if fitted_kind == "whole" else "column_label_text_in_", None)
    if kind is None or fitted is None or len(fitted) != len(labels):
        return
    fitted = fitted.tolist()
    if labels == fitted or (fitted_kind == "whole" and kind != "whole" and all(a == b for a, b in zip(raw, fitted))):
        return  # (0.0, 1.0 for fit's 0, 1: the same names)
    more = "..." if len(fitted) > 8 else ""
    if kind == fitted_kind and sorted(labels) == sorted(fitted):
        order = f"X[{fitted[:8]}{more}]" if kind == "whole" else f"fit's order: {_shown(fitted)}"
        raise ValueError(f"X's columns are named {_shown(labels)}: the names of fit's columns in another order. "
                         f"Columns are read by position; put them in fit's order first ({order}).")
    rename = f"X.columns = {fitted}" if fitted_kind == "whole" and not more else "X.columns = fit's names"
    raise ValueError(f"X's columns are named {_shown(labels)}, but fit's were named {_shown(fitted)}: columns are "
                     "read by position, and each would feed the network where another column was learned. Pass the "
                     "columns fit had, under fit's names; if these are fit's columns named otherwise, rename them "
                     f"({rename}), or pass X.to_numpy() to read them by position.")
