"""The numeric columns of a table (:mod:`sknn._tabular`): their statistics, what float32, in which the networks
compute, can hold of them (its range, its resolution: the offsets subtracted in float64 before the cast), and the
warnings when the first fit's statistics cannot read the data a network goes on training on.
"""


import numpy as np
import pandas as pd
import scipy.sparse as sp

from ._numbers import distinct_in_float32
from ._validation import check_exact_in_float64, check_float32_columns, check_float64_cells
from ._warnings import warn_user

__all__ = ["at_most_two_values", "check_exact_column", "check_float32_column_values", "check_float64_column",
           "check_number_column", "check_sparse_numbers", "float32_offsets", "held_booleans", "robust_statistics",
           "sparse_column_values", "binary_and_range", "warn_narrow_first_fit", "warn_numbers_beyond_first_fit"]

_LARGEST_SCALE = 1e30  # 1 / spread: columns spread over less than 1e-30 are refused (float32 cannot hold them)
_STAT_ROWS = 200_000  # the medians and scales of larger tables come from a sample of this many rows


def robust_statistics(X, random_state=0):
    """Median and robust scale of each column of the float matrix ``X`` (NaN = missing).

    The scale is 1 / interquartile range, or 2 / range where the quartiles coincide (a
    column that is mostly one value), or 0 for a constant or all-missing column (which then
    carries no information). On more than 200,000 rows they are estimated on a sample.
    """
    if sp.issparse(X):
        X = X.tocsr()
    n = X.shape[0]
    if n > _STAT_ROWS:
        rows = np.sort(np.random.RandomState(random_state).choice(n, _STAT_ROWS, replace=False))
        X = X[rows]
    if X.shape[1] == 0:
        return np.zeros(0), np.zeros(0)
    if sp.issparse(X):  # column by column, its zeros counted, never made dense (200,000 columns of TF-IDF)
        q25, median, q75, low, high = _sparse_column_statistics(X.tocsc())
    else:
        X = np.asarray(X, dtype=np.float64)
        q25, median, q75, low, high = np.full((5, X.shape[1]), np.nan)
        held = ~np.isnan(X).all(axis=0)  # (an all-missing column: NaN, without numpy's warning, whose filter would
        if held.any():                   # be the whole process's)
            some = X if held.all() else X[:, held]
            q25[held], median[held], q75[held] = np.nanquantile(some, [0.25, 0.5, 0.75], axis=0)
            low[held], high[held] = np.nanmin(some, axis=0), np.nanmax(some, axis=0)
    with np.errstate(over="ignore", invalid="ignore"):  # (a range beyond float64's, infinities: refused later)
        spread = q75 - q25
        half_range = 0.5 * (high - low)
    spread = np.where(spread > 0, spread, half_range)
    valid = np.isfinite(spread) & (spread > 0)
    with np.errstate(over="ignore"):  # a spread of subnormal numbers (1e-310): an infinite scale, refused later
        scale = np.where(valid, 1.0 / np.where(valid, spread, 1.0), 0.0)
    return np.nan_to_num(median, nan=0.0), scale


def _sorted_columns(X):
    """The stored values of the CSC matrix ``X`` as float64, sorted within each column (NaN, missing, last), the
    column of each, and each column's count of values other than NaN. Each column sorts its own (short) stretch: one
    sort of every stored value by column and value was slower on tall matrices."""
    data = np.array(X.data, dtype=np.float64)  # (a copy, sorted in place)
    for start, end in zip(X.indptr[:-1].tolist(), X.indptr[1:].tolist()):
        data[start:end].sort()
    column = np.repeat(np.arange(X.shape[1]), np.diff(X.indptr))
    return data, column, np.bincount(column[~np.isnan(data)], minlength=X.shape[1])


def _sparse_column_statistics(X):
    """The quartiles, smallest and largest value of each column of the CSC matrix ``X`` (NaN = missing, left out),
    its implicit zeros counted: as ``np.nanquantile`` (linear) and ``np.nanmin``/``nanmax`` give them on its dense
    copy, to the bit, from each column's stored values alone."""
    n, p = X.shape
    data, column, counts = _sorted_columns(X)
    starts, zeros = X.indptr[:-1], n - np.diff(X.indptr)  # (stored values that are NaN are missing, not zeros)
    below = np.bincount(column[data < 0], minlength=p)  # negative values first, then the zeros, then the rest
    last = np.maximum(counts + zeros - 1, 0)

    def value(k):  # the k-th smallest value of each column (k: a position per column)
        k = np.minimum(k, last)
        at = np.clip(starts + np.where(k < below, k, k - zeros), 0, max(len(data) - 1, 0))
        return np.where((k >= below) & (k < below + zeros), 0.0, data[at] if len(data) else 0.0)

    out = np.full((5, p), np.nan)
    with np.errstate(over="ignore", invalid="ignore"):  # (infinities: as numpy's quantile gives them)
        for row, q in enumerate((0.25, 0.5, 0.75)):
            k = np.floor(q * last).astype(np.int64)
            t = q * last - k
            a, b = value(k), value(k + 1)
            out[row] = np.where(t >= 0.5, b - (b - a) * (1 - t), a + (b - a) * t)  # (numpy's lerp)
        out[3], out[4] = value(np.zeros(p, dtype=np.int64)), value(last)
    out[:, counts + zeros == 0] = np.nan  # (a column all missing)
    return out


def at_most_two_values(column):
    """Whether a float column (NaN = missing) holds at most two distinct values."""
    present = column[~np.isnan(column)]
    if len(present) == 0:
        return True
    other = present[present != present[0]]
    return len(other) == 0 or bool((other == other[0]).all())


def binary_and_range(columns):
    """Which of ``columns`` (1-D float arrays, NaN = missing; or a CSC matrix, its implicit zeros counted) hold at most
    two distinct values (:func:`at_most_two_values`), and the lowest and highest value of each, as an array of shape
    (n_columns, 2) (0 and 0 for an all-missing column, whose median is taken as 0 too): a binary column's two
    values."""
    if sp.issparse(columns):
        return _sparse_binary_and_range(columns)
    binary = np.array([at_most_two_values(column) for column in columns], dtype=bool)
    value_range = np.zeros((len(binary), 2))
    for i, column in enumerate(columns):
        present = column[~np.isnan(column)]
        if len(present):
            value_range[i] = present.min(), present.max()
    return binary, value_range


def _sparse_binary_and_range(X):
    """:func:`binary_and_range` of the columns of the CSC matrix ``X``, all at once (a loop over 100,000 columns took
    seconds): each column's distinct stored values (NaN left out) and its implicit zeros."""
    n, p = X.shape
    data, column, counts = _sorted_columns(X)
    present = ~np.isnan(data)
    new = present & np.r_[True, (column[1:] != column[:-1]) | (data[1:] != data[:-1])] if len(data) else present
    implicit = np.diff(X.indptr) < n  # (a zero the column does not store)
    distinct = np.bincount(column[new], minlength=p) + (implicit & (np.bincount(column[data == 0], minlength=p) == 0))
    value_range = np.zeros((p, 2))
    held, starts = counts > 0, X.indptr[:-1]
    value_range[held, 0], value_range[held, 1] = data[starts[held]], data[(starts + counts - 1)[held]]
    value_range[implicit & held, 0] = np.minimum(value_range[implicit & held, 0], 0.0)
    value_range[implicit & held, 1] = np.maximum(value_range[implicit & held, 1], 0.0)
    return distinct <= 2, value_range


def sparse_column_values(matrix, j):
    """The distinct values of column ``j`` of a CSC matrix, its implicit zeros included (as floats)."""
    values = np.asarray(matrix.data[matrix.indptr[j]:matrix.indptr[j + 1]], dtype=np.float64)
    return np.unique(np.r_[values, 0.0] if len(values) < matrix.shape[0] else values)


def check_number_column(values, name, fitted_range=None):
    """Refuse a column of numbers (float64, NaN = missing) that holds infinity or numbers beyond float32's range,
    which the networks compute in, naming the column and the fix; ``fitted_range``: (least, largest) of the column
    in the fit of a model that reads it now, which a rescaled column would no longer match: the fix is a clip."""
    if np.isinf(values).any():
        raise ValueError(f"Column {name} of X contains infinity: replace it with a finite number or a missing "
                         "value (NaN).")
    if (np.abs(values) > np.finfo(np.float32).max).any():
        fix = "rescale it (e.g. divide it by a power of ten, or take its logarithm)." if fitted_range is None else (
            f"the model, fitted on values from {fitted_range[0]:.6g} to {fitted_range[1]:.6g} (which rescaled values "
            "would not match), clips its inputs smoothly and reads every value this far out alike: clip the column "
            "to float32's range (X[column].clip(-3.4e38, 3.4e38)) or make those values missing (NaN).")
        raise ValueError(f"Column {name} of X holds values beyond float32's range (3.4e38), which the networks "
                         f"compute in: {fix}")


def check_sparse_numbers(matrix, name_of):
    """:func:`check_number_column` on the stored values of each column of a CSR matrix of float64 (``name_of(j)``:
    the name of column ``j``), which the cast to float32 would make infinite."""
    beyond = np.flatnonzero(np.abs(matrix.data) > np.finfo(np.float32).max)
    if len(beyond):
        j = matrix.indices[beyond[0]]
        check_number_column(matrix.data[matrix.indices == j], name_of(j))


def check_exact_column(values, name):
    """:func:`sknn._validation.check_exact_in_float64` for column ``name`` of X, with the fixes for a column."""
    check_exact_in_float64(values, f"Column {name}", "if they are identifiers, leave the column out (or pass it as "
                           "categories, .astype(str)); if a quantity, subtract an offset first.")


def check_float64_column(values, name):
    """:func:`sknn._validation.check_float64_cells` for an object column ``name`` of X, with the fixes for a column."""
    check_float64_cells(values, f"Column {name} of X", "rescale it (divide it by a power of ten, or take its "
                        "logarithm); if it holds codes or identifiers, pass it as text (.astype(str)).")


def check_float32_column_values(values, names):
    """:func:`sknn._validation.check_float32_columns` for the numeric columns of X as they are cast to float32 (less
    their offsets), named ``names``: those whose values other than 0 lie far from 0 and close together, which the
    offsets (medians, taken with the zeros) leave as they are."""
    nan = "pass X.toarray() with them as NaN" if sp.issparse(values) else "make them NaN instead"  # (sparse: finite)
    check_float32_columns(values, "X", f"Subtract an offset from it first, in float64 (if its zeros mark missing "
                          f"values, {nan}: its median then becomes its offset).", names=names)


def float32_offsets(center, scale, column_values, name_of, sparse=False):
    """What to subtract from each numeric column, in float64, before the float32 cast: its median (``center``) where
    float32 could not tell its values apart (timestamps, ids: 1e9 + i), 0 elsewhere. A column whose spread float32
    cannot hold at all (under 1e-30) is refused.

    ``column_values(i)``: the values of column ``i`` (for the messages); ``name_of(i)``: its name. A ``sparse`` X
    cannot be offset (its implicit zeros would change): a column that would need one is refused when float32 merges
    its distinct values, and gets no offset otherwise (float32 holds them as they are).
    """
    tiny = scale > _LARGEST_SCALE
    if tiny.any():
        i = int(np.argmax(tiny))
        values = column_values(i)
        present = values[~np.isnan(values)]
        spread = 1 / scale[i] if np.isfinite(scale[i]) else float(np.ptp(present))  # (1 / inf: 0, not the spread)
        raise ValueError(f"Column {name_of(i)} holds values within {spread:.1e} of each other, too close for "
                         "float32, which the network computes in: rescale it (multiply it by a power of ten).")
    resolution = np.abs(center) * np.finfo(np.float32).eps  # float32's step near the median
    offsets = np.where((scale > 0) & (resolution * scale > 1e-4), center, 0.0)
    if not sparse:
        return offsets
    for i in np.flatnonzero(offsets):
        distinct, kept = distinct_in_float32(column_values(i))
        if kept < distinct:
            raise ValueError(f"Column {name_of(i)} of the sparse X holds {distinct} distinct values around "
                             f"{center[i]:.6g}, which float32, in which the network computes, makes {kept}. A dense "
                             "X gets its median subtracted first, in float64; a sparse one cannot be (its zeros "
                             "would change): pass X dense (X.toarray()), or subtract an offset from that column "
                             "first.")
    return np.zeros_like(offsets)


# the fix of an encoding learned from too little of the data (the first fit's, or first partial_fit's)
_NARROW_FIT_FIX = ("The encoding is learned by the first fit or the first partial_fit, and stays: give the first "
                   "partial_fit a chunk that holds the columns' range of values (e.g. a sample of the data), fit on "
                   "all the data, or pass preprocessing=None with features you scale yourself.")


def _shown(names):
    """'Column 'a'' or 'Columns 'a', 'b' and 3 more' (the first 5 named)."""
    more = f" and {len(names) - 5} more" if len(names) > 5 else ""
    return f"Column{'' if len(names) == 1 else 's'} {', '.join(names[:5])}{more}"


def warn_narrow_first_fit(n_rows, scale, n_categorical):
    """Warn when the first ``partial_fit``'s rows of weight above 0 (``n_rows``, those the encoding was learned
    from) are too narrow to learn the encoding of ``preprocessing='auto'`` from: fewer than 2 rows, or every numeric
    column constant on them (``scale``: the fitted scales, 0 for a constant column). The network would learn nothing
    of those columns in any later call; of ``n_categorical`` categorical columns, one row gives one category each."""
    if n_rows < 2:
        what = f"The first partial_fit trained on {n_rows} row (of weight above 0): every column of it holds a " \
               "single value"
    elif len(scale) and not np.any(scale):
        what = f"Every numeric column of the {n_rows} rows the first partial_fit trained on holds a single value"
    else:
        return
    effects = ["the network reads each numeric column as constant in every later call, and learns nothing of it"
               ] if len(scale) else []
    if n_categorical and n_rows < 2:
        effects.append("each categorical column knows one category, and the others of later calls train as missing "
                       "values")
    warn_user(f"{what}, so {'; '.join(effects)}. {_NARROW_FIT_FIX}", UserWarning)


def _present_values(numbers, columns):
    """The present (not missing) values of ``columns`` of ``numbers`` (a float matrix, NaN = missing, or a sparse
    matrix), flat, with the position in ``columns`` of each: in one pass over the matrix, a sparse one's implicit
    zeros as one 0 for each column that has any."""
    if not sp.issparse(numbers):
        block = numbers[:, columns]
        position, values = np.broadcast_to(np.arange(len(columns)), block.shape).ravel(), block.ravel()
    else:
        entries = numbers.tocoo()
        entries.sum_duplicates()
        lookup = np.full(numbers.shape[1], -1)
        lookup[columns] = np.arange(len(columns))
        chosen = lookup[entries.col] >= 0
        position, values = lookup[entries.col[chosen]], np.asarray(entries.data[chosen], dtype=np.float64)
        with_zeros = np.flatnonzero(np.bincount(position, minlength=len(columns)) < numbers.shape[0])
        position, values = np.r_[position, with_zeros], np.r_[values, np.zeros(len(with_zeros))]
    present = ~np.isnan(values)
    return position[present], values[present]


def _columns_beyond(numbers, columns, scale, value_range):
    """Which of ``columns`` (positions, each of at most two values in the first fit) hold other values in
    ``numbers``: values other than those of ``value_range`` (the lowest and highest of each column in the first fit),
    or, where it is None, more distinct values than the first fit held (1 for a constant column, ``scale`` 0; else 2).
    A boolean array, one per column."""
    position, values = _present_values(numbers, columns)
    if value_range is not None:
        low, high = value_range[columns, 0], value_range[columns, 1]
        other = (values != low[position]) & (values != high[position])
        return np.bincount(position[other], minlength=len(columns)) > 0
    order = np.lexsort((values, position))  # (a preprocessor rebuilt without them, by from_network)
    position, values = position[order], values[order]
    new = np.r_[len(values) > 0, (position[1:] != position[:-1]) | (values[1:] != values[:-1])][:len(values)]
    distinct = np.bincount(position[new], minlength=len(columns))
    return distinct > np.where(scale[columns] == 0, 1, 2)


def warn_numbers_beyond_first_fit(numbers, scale, binary, value_range, names):
    """Warn when numeric columns of data a network goes on training on (a warm start, a later ``partial_fit``)
    hold values the first fit's encoding cannot read: a column constant in the first fit (``scale`` 0) holds other
    values now (the network reads it as constant), and one of two values there (``binary``: those of ``value_range``,
    the lowest and highest of each column; any two when it is None) holds values beyond those two now (the network
    reads it scaled and clipped by them, as a yes/no column).

    ``numbers``: the numeric columns of X as a float matrix (NaN = missing) or a sparse matrix, or None (not numbers:
    ``transform`` names the column); ``names``: the names of its columns."""
    columns = np.flatnonzero(binary)
    if numbers is None or not len(columns):
        return
    grown = columns[_columns_beyond(numbers, columns, scale, value_range)]
    constant = [names[i] for i in grown if scale[i] == 0]
    two_values = [names[i] for i in grown if scale[i] != 0]
    if constant:
        warn_user(f"{_shown(constant)} held a single value in the first fit or partial_fit, and other "
                  "values now: the network reads them as constant, and learns nothing of them. " + _NARROW_FIT_FIX,
                  UserWarning)
    if two_values:
        warn_user(f"{_shown(two_values)} held two values in the first fit or partial_fit, and others "
                  "now: the network reads them as yes/no columns, scaled and clipped by those two values. "
                  + _NARROW_FIT_FIX, UserWarning)


def held_booleans(X, j, values):
    """Whether column ``j`` of X, numeric in fit with ``values``, is a column of booleans: of a bool dtype
    (pandas' nullable ``boolean`` too) or of True/False cells only (missing cells aside)."""
    if values.dtype == bool or isinstance(X, pd.DataFrame) and pd.api.types.is_bool_dtype(X.dtypes.iloc[j]):
        return True
    if values.dtype != object:
        return False
    head = values[:1000][~np.asarray(pd.isna(values[:1000]), dtype=bool)]  # (a float first: no scan of 1e6 cells)
    if len(head) and not isinstance(head[0], (bool, np.bool_)):
        return False
    present = values[~np.asarray(pd.isna(values), dtype=bool)]
    return len(present) > 0 and all(isinstance(v, (bool, np.bool_)) for v in present.tolist())
