"""Column names scikit-learn does not record: the order of a DataFrame's columns named by whole numbers, dates, floats
or tuples (a MultiIndex), checked at predict.

scikit-learn records string column names only (``feature_names_in_``) and reads any other table by position: the
same columns in another order at predict would silently feed each one where another was learned. Their names are
recorded in ``fit`` and the same names in another order refused.
"""

import numpy as np

__all__ = ["check_column_label_order"]


def _whole(c):
    return isinstance(c, (int, np.integer)) and not isinstance(c, (bool, np.bool_))


def _labels(X):
    """X's column names as ('whole', [int]) or ('other', [str]) when none is a string; (None, None) otherwise
    (strings: scikit-learn's; a mix of strings and others: refused by scikit-learn; not a DataFrame)."""
    labels = X.columns.tolist() if hasattr(X, "columns") and hasattr(X, "dtypes") else None
    if not labels or any(isinstance(c, str) for c in labels):
        return None, None
    if all(_whole(c) for c in labels):
        return "whole", [int(c) for c in labels]
    return "other", [str(c) for c in labels]  # Timestamp('2024-01-01') -> '2024-01-01 00:00:00', ('a', 'b'), '0.5'


def check_column_label_order(estimator, X, reset):
    """Record (``reset``) or check the order of X's column names when none is a string.

    Whole numbers (``pd.DataFrame(array)``, ``read_csv(header=None)``) are recorded as ``column_labels_in_`` (int64);
    other names (dates of a pivot table, floats, tuples of a MultiIndex from ``groupby().agg([...])``) as their text,
    ``column_label_text_in_``. At predict, the same names in another order are refused, naming fit's order.
    """
    kind, labels = _labels(X)
    if reset:
        for name in ("column_labels_in_", "column_label_text_in_"):
            if hasattr(estimator, name):
                delattr(estimator, name)
        if kind == "whole":
            estimator.column_labels_in_ = np.asarray(labels, dtype=np.int64)
        elif kind == "other":
            estimator.column_label_text_in_ = np.asarray(labels, dtype=object)
        return
    fitted = getattr(estimator, "column_labels_in_" if kind == "whole" else "column_label_text_in_", None)
    if kind is None or fitted is None:
        return
    fitted = fitted.tolist()
    if labels == fitted or sorted(labels) != sorted(fitted):
        return
    shown = ", ".join(map(str, labels[:8])) + (", ..." if len(labels) > 8 else "")
    more = "..." if len(fitted) > 8 else ""
    order = f"X[{fitted[:8]}{more}]" if kind == "whole" else f"fit's order: {', '.join(map(str, fitted[:8]))}{more}"
    raise ValueError(f"X's columns are named {shown}: the names of fit's columns in another order. Columns are read "
                     f"by position; put them in fit's order first ({order}).")
