"""Checks of numbers against what float64 (in which sknn takes its statistics) and float32 (in which the networks
compute) can hold: one helper per rule, each naming the input and the fix (re-exported by :mod:`sknn._validation`).
"""

import decimal
import math
import warnings
from fractions import Fraction
from numbers import Integral, Real

import numpy as np
import pandas as pd
import scipy.sparse as sp

__all__ = ["MAX_MAGNITUDE", "category_positions", "check_exact_in_float64", "check_float32_columns",
           "check_float32_vectors", "check_float64_cells", "check_magnitude", "distinct_in_float32", "float32_features",
           "is_real_number", "is_signaling_nan", "plain_categories", "plain_value", "scaler_example", "short_repr",
           "unique_categories"]

# sknn trains in float32 (largest value 3.4e38): inputs or targets above this make squares
# (losses, batch-norm variances, Adam's second moments) overflow, and training meaningless.
MAX_MAGNITUDE = 1e15
_FLOAT64_MAX = float(np.finfo(np.float64).max)
_EXACT_LIMIT = 2**53  # whole numbers beyond it are not all exact in float64
# float64 steps within which a column's values differ by rounding alone (an ulp per operation of a computation)
_ROUNDING_STEPS = 2**14


def is_signaling_nan(v):
    """Whether ``v`` is Decimal('sNaN'), which pandas' missing-value test and numpy's float cast fail on."""
    return isinstance(v, decimal.Decimal) and v.is_snan()


def is_real_number(v):
    """A real number (or a Decimal): not a boolean, and not numpy's complex numbers, durations or dates
    (np.number or np.generic scalars whose cast to float would drop a part or a unit)."""
    if isinstance(v, (bool, np.bool_, np.complexfloating, np.timedelta64, np.datetime64)):
        return False
    return isinstance(v, (Real, np.number, decimal.Decimal))  # Decimal: a database's NUMERIC column


def plain_value(v):
    """A category cell (or a column name) as the Python value it equals: numpy's scalars as Python's, a whole
    Decimal or Fraction as an int, another as a float (Decimal('9.99'): 9.99), a str of a subclass as a str."""
    if isinstance(v, np.generic):
        v = v.item()  # (np.longdouble stays one: below)
    if isinstance(v, str) and type(v) is not str:  # a StrEnum's member: the text it is (saved, matched as such)
        return str.__str__(v)
    if isinstance(v, (decimal.Decimal, Fraction, np.floating)):
        whole = (v.denominator == 1 if isinstance(v, Fraction) else
                 isinstance(v, decimal.Decimal) and v.is_finite() and v == v.to_integral_value())
        return int(v) if whole else float(v)
    return v


def _converted(kind):
    return issubclass(kind, (decimal.Decimal, Fraction, np.generic)) or (issubclass(kind, str) and kind is not str)


def plain_categories(values):
    """The object array ``values`` (categories, or a column's cells) with its Decimals, Fractions and numpy scalars
    as the Python int, float or str each equals (:func:`plain_value`), which a saved model holds and which match the
    same cells again; values without such cells: as they are (a scan of their types). Each distinct value of such a
    type is converted once. Values whose plain forms are equal are then one value (Decimal('0.1') and 0.1, as
    Decimal('0.5') and 0.5 already are for Python): :func:`unique_categories` keeps one of them."""
    kinds = set(map(type, values))
    if not any(_converted(k) for k in kinds):
        return values
    values = np.asarray(values, dtype=object)
    out = values.copy()
    groups = [slice(None)]  # (values equal for Python, 2 and Decimal('2.0'), have equal plain values: one group)
    if any(issubclass(k, (bool, np.bool_)) for k in kinds):  # (but True and 1, whose plain values keep their types)
        types, kinds = pd.factorize(np.fromiter(map(type, values), dtype=object, count=len(values)))
        groups = [types == k for k, kind in enumerate(kinds) if _converted(kind)]
    for at in groups:
        codes, distinct = pd.factorize(values[at])  # (NaN: -1, left as it is: a missing cell)
        plain = np.empty(len(distinct) + 1, dtype=object)
        plain[:-1] = [plain_value(v) for v in distinct]
        out[at] = np.where(codes >= 0, plain[codes], values[at])
    return out


def unique_categories(categories):
    """``categories`` as :func:`plain_categories` makes them, each plain value once (the first), in their order."""
    kept = list(dict.fromkeys(plain_categories(np.asarray(categories, dtype=object)).tolist()))
    out = np.empty(len(kept), dtype=object)
    out[:] = kept
    return out


def category_positions(categories, cells, plain=None):
    """The position in ``categories`` (a fitted model's) of each of ``cells`` (-1: none), both matched by their
    plain values (:func:`plain_categories`; ``plain``: the cells' where known). Where two categories have one plain
    value (a model saved before categories were held as plain values: [Decimal('0.1'), 0.1]), a cell matches its own
    category as it did then, else the first equal one."""
    index = pd.Index(plain_categories(categories))
    plain = plain_categories(cells) if plain is None else plain
    if index.is_unique:
        return _single_precision_matches(index, plain, index.get_indexer(plain))
    saved = pd.Index(np.asarray(categories, dtype=object))
    found = saved.get_indexer(cells) if saved.is_unique else np.full(len(cells), -1)
    first = ~index.duplicated()
    rest = index[first].get_indexer(plain[found < 0])
    found[found < 0] = np.where(rest >= 0, np.flatnonzero(first)[rest], -1)
    return found


def _finite_floats(values):
    """The Python floats of the object array ``values`` as float64 (NaN elsewhere, and for infinities)."""
    if set(map(type, values)) <= {float}:  # (a column of floats: at once)
        out = values.astype(np.float64)
        out[~np.isfinite(out)] = np.nan
        return out
    return np.array([v if isinstance(v, float) and math.isfinite(v) else np.nan for v in values], dtype=np.float64)


def _single_precision_matches(index, plain, found):
    """``found`` with each unmatched float cell matched to the float category it was written as, where one of the two
    is a float32 (or float16) value and the other the number it spells (a float32 column's 0.1 is
    0.10000000149011612 as a float: the category 0.1 of a float64 column in fit, and the other way round). A float64
    value near a category (100000000.0 beside 100000001.0, 0.5 beside 0.5000000001) matches nothing."""
    lost = np.flatnonzero(found < 0)
    cats = _finite_floats(np.asarray(index, dtype=object))
    if not len(lost) or np.isnan(cats).all():
        return found
    values = _finite_floats(np.asarray(plain, dtype=object)[lost])
    at = np.full(len(values), -1)
    for narrow in (np.float16, np.float32):
        with np.errstate(over="ignore", invalid="ignore"):
            cats_n, values_n = cats.astype(narrow).astype(np.float64), values.astype(narrow).astype(np.float64)
        # a narrow cell (one the narrow type holds): the category with its narrow value, if the cell spells it
        usable = np.isfinite(cats_n) & ~pd.Index(cats_n).duplicated(keep=False)
        near = pd.Index(cats_n[usable]).get_indexer(np.where(values_n == values, values_n, np.nan))
        cells = np.flatnonzero(near >= 0)
        codes, distinct = pd.factorize(values[cells])  # (at most one value per category: each spelling made once)
        spells = np.array([float(str(narrow(v))) for v in distinct])
        k = np.flatnonzero(usable)[near[cells]]
        at[cells] = np.where(spells[codes] == cats[k], k, -1) if len(cells) else -1
        # a narrow category: the cells that spell it
        spelled = {}
        for k in np.flatnonzero((cats_n == cats) & np.isfinite(cats)):
            meant = float(str(narrow(cats[k])))
            if meant != cats[k]:
                spelled[meant] = -1 if meant in spelled else k
        if spelled:
            hit = pd.Index(list(spelled)).get_indexer(values)
            at = np.where((at < 0) & (hit >= 0), np.array(list(spelled.values()) + [-1])[hit], at)
    found = found.copy()
    found[lost] = at
    return found


def _may_leave_float64(kind):
    """Whether cells of the type ``kind`` may be numbers float64 cannot hold or whole numbers it cannot tell apart."""
    return (issubclass(kind, (decimal.Decimal, Integral, Fraction, np.floating))
            and not issubclass(kind, (bool, np.bool_, float)))


def _as_floats(cells):
    """The object array ``cells`` as float64 (None: NaN), or None where a cell does not convert (text, pd.NA,
    a number beyond float64's range, a signaling NaN)."""
    try:
        with np.errstate(over="ignore", invalid="ignore"):  # (numpy's, per thread: no warning filter of the process)
            return cells.astype(np.float64)
    except (TypeError, ValueError, ArithmeticError):  # (OverflowError, decimal.InvalidOperation: ArithmeticError)
        return None


def short_repr(v):
    """A cell for a message, short even for a whole number of thousands of digits."""
    if isinstance(v, Integral) and not isinstance(v, (bool, np.bool_)) and abs(int(v)) > 10**40:
        return f"a whole number of {len(str(abs(int(v)))) if abs(int(v)).bit_length() < 13000 else 'thousands of'} " \
               "digits"
    if isinstance(v, Fraction) and abs(v) > 10**40:
        return f"the fraction {v!r:.40}..."
    return f"{v!r:.60}"


def _beyond_float64(v):
    """Whether the number ``v`` is finite but beyond float64's range (10**400, Decimal('1e400'))."""
    if isinstance(v, (bool, np.bool_, str)):
        return False
    if isinstance(v, decimal.Decimal):
        return v.is_finite() and abs(v) > decimal.Decimal(_FLOAT64_MAX)
    if isinstance(v, (Integral, Fraction)):
        return abs(v) > _FLOAT64_MAX  # (exact comparison of a Python int or Fraction with a float)
    if isinstance(v, np.floating):  # np.longdouble: finite up to 1e4932; float16/32/64: within (compared as they
        # are, 1.8e308 would overflow their type)
        return v.dtype.itemsize > 8 and bool(np.isfinite(v)) and abs(v) > np.longdouble(_FLOAT64_MAX)
    return False


def check_float64_cells(values, name, fix):
    """Refuse a cell of an object array that float64, in which sknn reads numbers, cannot hold: a finite number
    beyond its range (10**400, Fraction(10**400), Decimal('1e400'), which numpy fails on or makes infinite), or a
    signaling NaN (Decimal('sNaN'), which pandas and numpy fail on). An array of np.longdouble is checked for the
    first: its cast to float64 would make such numbers infinite. ``fix``: what to do about the first."""
    cells = np.asarray(values, dtype=object).ravel() if isinstance(values, (list, tuple)) else np.asarray(values)
    if cells.dtype.kind == "f" and cells.dtype.itemsize > 8:
        cells = cells.ravel()
        beyond = np.flatnonzero(np.isfinite(cells) & (np.abs(cells) > np.longdouble(_FLOAT64_MAX)))
        if len(beyond):
            raise ValueError(f"{name} holds {cells[beyond[0]]!r:.60} (at position {beyond[0]}), beyond float64's "
                             f"range (1.8e+308), in which sknn reads numbers: {fix}")
        return
    if cells.dtype != object:
        return
    cells = cells.ravel()
    if not any(_may_leave_float64(kind) for kind in set(map(type, cells))):  # (text, floats, None: at once)
        return
    floats = _as_floats(cells)
    suspects = range(len(cells)) if floats is None else np.flatnonzero(np.isinf(floats))
    for i in suspects:
        v = cells[i]
        if not _may_leave_float64(type(v)):
            continue
        if is_signaling_nan(v):
            raise ValueError(f"{name} holds a signaling NaN, {v!r} (at position {i}), which numpy and pandas cannot "
                             "read: replace it with a number, or with a missing value (None) where missing values "
                             "are allowed.")
        if _beyond_float64(v):
            raise ValueError(f"{name} holds {short_repr(v)} (at position {i}), beyond float64's range (1.8e+308), in "
                             f"which sknn reads numbers: {fix}")


def _whole_numbers_beyond_exact(values):
    """The whole numbers of ``values`` beyond 2**53 in magnitude, as an int64/uint64 array or a list of Python ints
    (those of an object array: Python ints, numpy integers, integral Decimals and Fractions within float64's
    range)."""
    if values.dtype.kind in "iu":
        return values[(values > _EXACT_LIMIT) | (values < -_EXACT_LIMIT)]
    if values.dtype != object or not any(_may_leave_float64(kind) for kind in set(map(type, values))):
        return values[:0]
    floats = _as_floats(values)
    suspects = values if floats is None else values[~(np.abs(floats) <= _EXACT_LIMIT)]  # (NaN: a suspect)
    whole = []
    for v in suspects:
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (Integral, Fraction, decimal.Decimal)):
            continue
        if isinstance(v, decimal.Decimal) and not v.is_finite() or _beyond_float64(v) or v != int(v):
            continue  # (infinity, NaN and numbers beyond float64's range: refused by their own checks)
        if abs(int(v)) > _EXACT_LIMIT:
            whole.append(int(v))
    return whole


def check_exact_in_float64(values, name, fix):
    """Refuse whole numbers beyond 2**53 that float64, in which sknn takes its statistics, would merge (2**62 + i
    would all become one value). ``values``: an integer array, or an object array or list whose cells may be
    whole numbers (Python ints, integral Decimals); ``name``: what holds them; ``fix``: what to do."""
    values = np.asarray(values, dtype=object) if isinstance(values, (list, tuple)) else np.asarray(values)
    big = _whole_numbers_beyond_exact(values.ravel())
    if not len(big):
        return
    big = big.tolist() if isinstance(big, np.ndarray) else big  # Python ints: no wrap of abs(-2**63)
    if len(set(big)) > len({float(v) for v in big}):
        extreme = max(big, key=abs)
        size = f"as large as {extreme}" if extreme > 0 else f"as large in magnitude as {extreme}"
        raise ValueError(f"{name} holds whole numbers {size}, which differ by less than float64 can tell apart "
                         f"beyond 2**53: {fix}")


def check_magnitude(values, name, fix):
    """Refuse numbers that are NaN, infinite or larger than ``MAX_MAGNITUDE`` in absolute value.

    Parameters
    ----------
    values : ndarray or sparse matrix, of any numeric dtype (checked before a cast to float32)
    name : str, what holds them (``'X'``, ``'y'``, ``'X[3]'``...)
    fix : str, the sentence that says what to do
    """
    data = values.data if sp.issparse(values) else np.asarray(values)
    if data.dtype.kind not in "iuf" or data.size == 0:
        return values
    lo, hi = data.min(), data.max()
    if data.dtype.kind == "f" and (np.isnan(lo) or np.isnan(hi)):
        raise ValueError(f"{name} contains NaN: impute or drop the missing values first.")
    biggest = max(abs(float(lo)), abs(float(hi)))
    if not math.isfinite(biggest):
        raise ValueError(f"{name} contains infinity: replace or drop those values first.")
    if biggest > MAX_MAGNITUDE:
        raise ValueError(f"{name} holds values up to {biggest:.3g} in absolute value, too large for dtype('float32'), "
                         f"in which sknn trains: beyond {MAX_MAGNITUDE:.0e}, losses and gradients overflow (float32 "
                         f"ends at 3.4e+38) and training is meaningless. {fix}")
    return values


def scaler_example(X):
    """A scaler of X in a pipeline, for a message's fix: one that keeps a sparse X sparse (StandardScaler refuses to
    centre it)."""
    return ("make_pipeline(MaxAbsScaler(), estimator), which keeps a sparse X sparse" if sp.issparse(X) else
            "make_pipeline(StandardScaler(), estimator)")


def float32_features(X, name="X"):
    """Features (an array or a sparse matrix, float32 or float64) checked by :func:`check_magnitude`, as float32."""
    check_magnitude(X, name, fix=f"Scale the features first, e.g. {scaler_example(X)}.")
    return X.astype(np.float32, copy=False)


def _nonzero_statistics(X):
    """(count, mean, standard deviation, largest magnitude) of each column's values other than 0 and NaN, for a
    float64 matrix (dense: in blocks of columns, a copy of some 128 MB at most; sparse: its stored values)."""
    if sp.issparse(X):
        X = X.tocsr()
        keep = (X.data != 0) & ~np.isnan(X.data)
        data, columns = X.data[keep], X.indices[keep]
        count = np.bincount(columns, minlength=X.shape[1]).astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.bincount(columns, data, minlength=X.shape[1]) / count
            std = np.sqrt(np.bincount(columns, (data - mean[columns]) ** 2, minlength=X.shape[1]) / count)
        biggest = np.zeros(X.shape[1])
        np.maximum.at(biggest, columns, np.abs(data))
        return count, mean, std, biggest
    parts, width = [], max(1, 2**24 // max(1, X.shape[0]))
    for start in range(0, X.shape[1], width):
        block = X[:, start:start + width]
        mask = (block != 0) & ~np.isnan(block)
        count = mask.sum(axis=0).astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(mask, block, 0.0).sum(axis=0) / count
            std = np.sqrt((np.where(mask, block - mean, 0.0) ** 2).sum(axis=0) / count)
        parts.append((count, mean, std, np.where(mask, np.abs(block), 0.0).max(axis=0, initial=0.0)))
    return tuple(np.concatenate(p) for p in zip(*parts))


def _nonzero_column(X, j):
    """The values of column ``j`` of a float matrix other than 0 and NaN."""
    values = X[:, [j]].toarray().ravel() if sp.issparse(X) else X[:, j]
    return values[(values != 0) & ~np.isnan(values)]


def distinct_in_float32(values):
    """(distinct values, distinct values left after the cast to float32) of a float64 array."""
    distinct = np.unique(values)
    return len(distinct), len(np.unique(distinct.astype(np.float32)))


def check_float32_columns(X, name, fix, names=None):
    """Refuse a column of the float64 matrix ``X`` (dense or sparse) that the cast to float32, in which the networks
    compute, would lose: one whose values other than 0 all lie below float32's smallest normal number (1.2e-38: they
    become 0, or keep a few bits), or whose values other than 0 spread less than float32's step at their magnitude
    (1e9 + 10 * x: a standard deviation of 10 where float32's step is 64) and become fewer distinct values (counted
    before and after the cast). Values that differ by float64's rounding alone (within a few thousand of its steps:
    0.1 * 3 and 0.3) count as one. Zeros stay apart: 0 is exact in float32. ``names``: each column's name for the
    messages (e.g. "'price'"), else its position."""
    if getattr(X, "dtype", None) != np.float64 or X.ndim != 2 or X.shape[0] == 0 or X.shape[1] == 0:
        return
    count, mean, std, biggest = _nonzero_statistics(X)
    smallest_normal = np.finfo(np.float32).tiny
    magnitude = np.nan_to_num(np.abs(mean))
    with np.errstate(over="ignore", invalid="ignore"):
        step = np.spacing(magnitude.astype(np.float32)).astype(np.float64)  # float32's step at the mean
        underflow = (count > 0) & (biggest < smallest_normal)
        merging = (count > 1) & (std < step) & (std > _ROUNDING_STEPS * np.spacing(magnitude))
    for j in np.flatnonzero(underflow | merging):
        column = f"Column {names[j] if names is not None else j} of {name}"
        if underflow[j]:
            raise ValueError(f"{column} holds no value larger than {biggest[j]:.2e} in magnitude but 0, below "
                             f"float32's smallest normal number ({smallest_normal:.2e}), in which the network "
                             f"computes: its values would become 0 or lose their precision. {fix}")
        values = _nonzero_column(X, j)
        distinct, kept = distinct_in_float32(values)
        if kept < distinct:
            raise ValueError(f"{column} holds {distinct} distinct values around {mean[j]:.10g}, spread by "
                             f"{std[j]:.3g} (their standard deviation), which float32, in which the network "
                             f"computes, makes {kept} (its step there is {step[j]:.3g}). {fix}")


def check_float32_vectors(values, name):
    """Refuse vectors (pretrained embeddings: ``name``) whose values the networks' float32 products would overflow."""
    top = float(np.abs(values).max()) if np.size(values) else 0.0
    if top > 1e30:  # the network computes in float32 (3.4e38): such vectors overflow its first products
        raise ValueError(f"{name} holds values up to {top:.3g}, beyond what the network's float32 arithmetic can "
                         "use; rescale the vectors (e.g. divide them by their largest norm).")
