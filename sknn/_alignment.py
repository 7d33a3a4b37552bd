"""Whether the rows of X and y are paired as their owner meant: pandas labels, which numpy drops.

scikit-learn pairs the rows of X and y by position. When both are pandas objects whose indexes
hold the same labels in another order, the owner may have meant either pairing: by labels (X
sorted or shuffled, y not: a position pairs each row with another row's target, and the models
learn noise) or by position (X.reset_index(drop=True) beside a shuffled y, or a y built from
X's rows). With neither index the default 0..n-1, a pairing by position is unlikely: refused.
With one of them the default, both readings are plausible: a note names them. Indexes with
different labels are paired by position as scikit-learn does, on purpose.
"""

__all__ = ["check_rows_paired", "check_same_row_order", "check_same_step_order"]


def _index(data):
    """The row labels of a pandas DataFrame or Series, or None for anything else (numpy has no labels)."""
    import pandas as pd

    return data.index if isinstance(data, (pd.DataFrame, pd.Series)) else None


def _plain(label):
    """A label as the Python value it holds, so that the message shows 83 and (1, 'a'), not np.int64(83)."""
    import numpy as np

    if isinstance(label, tuple):  # a MultiIndex label
        return tuple(_plain(part) for part in label)
    return label.item() if isinstance(label, np.generic) else label


def _is_default(index):
    """Whether ``index`` is the default row numbers 0..n-1 in order (a RangeIndex or the same labels)."""
    import numpy as np
    import pandas as pd

    if pd.api.types.is_integer_dtype(index.dtype) and not index.hasnans:  # Int64, int64[pyarrow]: equals() says no
        return bool(np.array_equal(index.to_numpy(dtype=np.float64), np.arange(len(index))))
    return index.equals(pd.RangeIndex(len(index)))


def check_same_row_order(X, y, x_name="X", y_name="y", holds="target"):
    """Refuse pandas ``X`` and ``y`` whose indexes hold the same labels in another order, neither the default.

    Parameters
    ----------
    X, y : array-like, DataFrame or Series
        The features and what is paired with them row by row by position (the target, or the sample weights).
    x_name, y_name : str, default='X', 'y'
        How the message names them.
    holds : str, default='target'
        What ``y`` gives each row ('target', 'weight'), for the message.

    Returns
    -------
    note : str or None
        When both are pandas objects whose indexes hold the same labels (each once) in another
        order and one of them is the default 0..n-1: rows are paired by position, which may be
        meant; the note names the first row that differs and the fix for either reading.

    Raises
    ------
    ValueError
        In that case with neither index the default 0..n-1: the message names the first row
        that differs and the fix for either reading.
    """
    x_index, y_index = _index(X), _index(y)
    if x_index is None or y_index is None or len(x_index) != len(y_index) or x_index.equals(y_index):
        return None
    if not (x_index.is_unique and y_index.is_unique):  # labels that repeat pair no row with one other: nothing to say
        return None
    if len(x_index.difference(y_index, sort=False)) or len(y_index.difference(x_index, sort=False)):
        return None  # different labels: paired by position, as scikit-learn does
    first = next((i for i, (a, b) in enumerate(zip(x_index, y_index)) if a != b and a == a), 0)  # (NaN != NaN)
    x_label, y_label = _plain(x_index[first]), _plain(y_index[first])
    said = (f"{x_name} and {y_name} have the same index labels in a different order (row {first} is labelled "
            f"{x_label!r} in {x_name} and {y_label!r} in {y_name}), and rows are paired by position")
    fixes = (f"if rows are paired by their labels, align them first ({y_name} = {y_name}.loc[{x_name}.index]); if "
             f"by position, drop {y_name}'s labels ({y_name} = {y_name}.reset_index(drop=True))")
    if _is_default(x_index) or _is_default(y_index):  # one side numbered 0..n-1: a pairing by position is plausible
        return f"{said}, as scikit-learn does: {fixes}"
    raise ValueError(f"{said}: each row may get another row's {holds}; {fixes}.")


def _refuse_row_vector(X, y, x_name, y_name):
    """Refuse a ``y`` of one row holding a value for each row of ``X`` (shape (1, n) beside n rows: a row vector, which
    the checks that follow call a multi-output target of one sample, or a count that differs)."""
    shape = getattr(y, "shape", None)
    if shape is None or len(shape) != 2 or shape[0] != 1 or shape[1] < 2:
        return
    if isinstance(X, (list, tuple)) and len(X) and isinstance(X[0], (str, bytes)):  # (one sentence's tokens as X:
        return  # the sequence checks name that)
    try:
        n = X.shape[0] if hasattr(X, "shape") else len(X)
    except TypeError:  # (a generator, an iterable corpus: no count to compare)
        return
    if n == shape[1]:
        raise ValueError(f"{y_name} has shape {tuple(shape)}, one row of {n} values, beside the {n} rows of {x_name}: "
                         f"one value of {y_name} per row of {x_name} is one column, np.ravel({y_name}); a row of {n} "
                         f"outputs goes with one row of {x_name}.")


def check_rows_paired(X, y, sample_weight=None, names=("X", "y", "sample_weight")):
    """:func:`check_same_row_order` for each pair of the inputs a fit or a score pairs row by row: X and y, X and the
    weights, and y and the weights (which decide alone beside a numpy X); ``names`` for the messages. A ``y`` of one
    row, a value for each row of X, is refused first (:func:`_refuse_row_vector`)."""
    x_name, y_name, w_name = names
    _refuse_row_vector(X, y, x_name, y_name)
    check_same_row_order(X, y, x_name, y_name)
    check_same_row_order(X, sample_weight, x_name, w_name, holds="weight")
    check_same_row_order(y, sample_weight, y_name, w_name, holds="weight")


def check_same_step_order(X, y):
    """:func:`check_same_row_order` within each sequence of the lists ``X`` and ``y``: a sequence's tokens and its
    labels given as pandas Series of the same index in another order are refused (paired by position, each token
    would get another's label), whatever holds the sequences: lists, tuples, pandas Series or 1-D object arrays
    (iterators, read once, and other containers are left alone)."""
    import numpy as np
    import pandas as pd

    def sequences(container):
        if isinstance(container, (list, tuple)):
            return container
        if isinstance(container, pd.Series) or (isinstance(container, np.ndarray) and container.dtype == object
                                                and container.ndim == 1):
            return list(container)
        return None

    X, y = sequences(X), sequences(y)
    if X is not None and y is not None:
        for i, (steps, labels) in enumerate(zip(X, y)):
            check_same_row_order(steps, labels, x_name=f"X[{i}]", y_name=f"y[{i}]")
