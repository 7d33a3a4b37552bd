"""Checks of what a model learns to predict: labels (their types, their spellings, the classes) and targets of numbers,
shared by every family; one helper per rule, each naming the input and the fix (as in :mod:`sknn._validation`).
"""

import bisect
import datetime
import math
from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.exceptions import DataConversionWarning

from ._numbers import is_signaling_nan, plain_value, short_repr
from ._numeric_targets import check_numeric_target, refuse_sparse_target
from ._text_checks import check_one_spelling_per_label, near_spellings, spacing_twins
from ._validation import refuse_complex
from ._warnings import warn_user

__all__ = ["check_classes", "check_label_spellings", "check_label_types", "check_label_values", "check_labels",
           "check_not_quantities", "check_one_label_column", "check_same_label_kind", "check_y_for_estimator",
           "fit_classes", "fitted_classes", "fractional_numbers", "label_indices", "numpy_labels", "one_label_column",
           "refuse_merged_labels", "warn_of_another_label_set"]


def fractional_numbers(y):
    """(how many distinct values, one with a fractional part) of labels ``y`` that are such numbers (a quantity, as
    classes one per value), or None: labels of another kind, or whole numbers (beyond int64 too, which scikit-learn's
    type_of_target calls continuous). Infinity is left to the checks of missing values."""
    from sklearn.utils.multiclass import type_of_target

    values = np.asarray(y) if not isinstance(y, np.ndarray) else y
    if values.dtype.kind == "f" and np.isinf(values).any():
        return None
    if values.dtype.kind not in "fO" or type_of_target(values) != "continuous":
        return None
    distinct = np.unique(values[np.asarray(pd.notna(values))]) if values.dtype.kind == "f" else pd.unique(
        values.ravel())
    fractional = next((v for v in distinct if isinstance(v, Real) and math.isfinite(v) and v != round(v)), None)
    return None if fractional is None else (len(distinct), float(fractional))


def check_not_quantities(y, caller, fix=None, classes=None):
    """Refuse labels that are numbers with fractional parts (a quantity): as classes, one per distinct value. The
    message starts as scikit-learn's ("Unknown label type"); ``fix``: what to do instead (default: a regressor).
    ``classes``: a fitted classifier's, which no such number is among (labels it was not fitted on, not a target
    to regress)."""
    found = fractional_numbers(y)
    if found is None:
        return
    n_distinct, fractional = found
    if classes is not None:
        shown = ", ".join(repr(c) for c in np.asarray(classes).tolist()[:5]) + (", ..." if len(classes) > 5 else "")
        raise ValueError(f"y holds labels {caller} was not fitted on, numbers with fractional parts (such as "
                         f"{short_repr(fractional)}); its classes are {shown}: give y of those labels.")
    fix = fix or ("fit a regressor (DenseRegressor) to predict a quantity, or pass the labels as strings "
                  "(y.astype(str)) if they are classes.")
    raise ValueError(f"Unknown label type: {caller} predicts classes, and y holds {n_distinct} distinct numbers "
                     f"with fractional parts (such as {short_repr(fractional)}), a quantity: {fix}")


def fitted_classes(estimator, reset):
    """``estimator``'s classes when y is checked for a fitted model (not ``reset``: a score, validation data), else
    None (:func:`check_y_for_estimator`'s ``classes``)."""
    return None if reset else getattr(estimator, "classes_", None)


def check_y_for_estimator(y, caller, classifier, quantity_fix=None, classes=None):
    """The first check of y by an estimator's kind, before any heavy work: for a classifier, one column of labels
    (:func:`check_one_label_column`; a one-column frame or (n, 1) array is read as its column,
    :func:`one_label_column`) of values it can tell apart (:func:`check_label_values`, :func:`check_label_types`),
    none missing (:func:`check_labels`, which names the row: scikit-learn's checks that follow say only "Input y
    contains NaN"), none with a fractional part (:func:`check_not_quantities`, ``quantity_fix`` its fix, ``classes``
    a fitted model's); numbers for a regressor
    (:func:`check_numeric_target`); for both, one value per sample in order (:func:`refuse_unordered_target`)."""
    refuse_unordered_target(y)
    if not classifier:
        check_numeric_target(y, caller)
        return
    refuse_sparse_target(y)
    check_one_label_column(y, caller)
    column = one_label_column(y)
    check_label_values(column)
    check_label_types(column)
    _refuse_bytes_labels(column, caller)
    if hasattr(column, "isna") and np.asarray(column.isna()).any():  # pandas' missing values (pd.NA, None, NaN)
        check_labels(np.asarray(column, dtype=object))
    elif isinstance(column, np.ndarray) and column.ndim == 1 and column.dtype.kind in "fO":
        check_labels(column)
    values = np.asarray(column) if isinstance(column, (list, tuple, pd.Series)) else column  # (as numpy reads it)
    if isinstance(values, np.ndarray) and values.ndim == 1 and values.dtype.kind == "f":
        check_not_quantities(values, caller, quantity_fix, classes)  # (labels of 0.5 and 1.5: a regression target)


def _refuse_bytes_labels(column, caller):
    """Refuse labels that are bytes (a numpy 'S' array, or bytes in an object array), which scikit-learn refuses
    deep in its checks without naming y or the fix: decode them to strings first."""
    kind = getattr(getattr(column, "dtype", None), "kind", None)
    first = None if kind not in ("S", "O") else next((v for v in np.ravel(np.asarray(column, dtype=object))
                                                        if isinstance(v, bytes)), None)
    if first is not None:
        raise TypeError(f"y holds bytes ({first!r:.40}), which {caller} cannot take as labels: decode them to "
                        "strings first (np.char.decode(y, 'utf-8'), or y.str.decode('utf-8') for a pandas Series).")


def check_label_values(y, name="y", as_strings=None):
    """Refuse labels a classifier cannot tell apart or compare: complex numbers, whole numbers beyond 2**53 that no
    one numpy integer type holds (2**70, or -1 beside 2**63: numpy makes them objects or merges them in floats), and
    signaling NaN (Decimal('sNaN'), which no comparison accepts). ``as_strings``: the code that turns the labels
    into strings, for the message (default ``{name}.astype(str)``)."""
    fix = f"if they are labels, pass them as strings ({as_strings or f'{name}.astype(str)'})."
    dtype = getattr(y, "dtype", None)
    if getattr(dtype, "categories", None) is not None:  # a Categorical: by its categories' type (dates: at once)
        dtype = dtype.categories.dtype
    if getattr(dtype, "kind", None) == "c":
        refuse_complex(name, fix)
    if getattr(dtype, "kind", "O") != "O":
        return
    try:
        cells = np.asarray(y, dtype=object).ravel()
    except ValueError:  # ragged rows: named by the checks of the shape
        return
    _refuse_compound_labels(cells, name)
    if not any(issubclass(kind, (complex, np.complexfloating, Decimal, Integral)) for kind in set(map(type, cells))):
        return  # (text, floats, booleans: at once)
    whole, real = [], None
    for v in cells:
        if isinstance(v, (complex, np.complexfloating)):
            refuse_complex(name, fix)
        if is_signaling_nan(v):
            raise ValueError(f"{name} holds a signaling NaN, {v!r}: a label cannot be missing; drop those samples or "
                             "give them a label.")
        if isinstance(v, Integral) and not isinstance(v, (bool, np.bool_, np.timedelta64)):  # (a numpy integer)
            whole.append(v)
        elif real is None and isinstance(v, (float, np.floating)):
            real = v
    if whole and max(abs(int(v)) for v in whole) > 2**53 and (np.asarray(whole).dtype.kind not in "iu"
                                                                or real is not None):
        extreme = max(whole, key=lambda v: abs(int(v)))
        beside = "" if real is None else f" beside floats (such as {real!r})"
        raise ValueError(f"{name} holds whole numbers beyond 2**53{beside} that no 64-bit integer type holds together "
                         f"(such as {short_repr(int(extreme))}), which numpy would merge as floats or leave unordered: "
                         f"{fix}")


_COMPOUND = (list, tuple, set, frozenset, dict, np.ndarray)


def _refuse_compound_labels(cells, name):
    """Refuse a label that is itself several values (a tuple, a set...): scikit-learn would read a column of them
    as a legacy multilabel format, or a label of 'unknown' type; the message names the cell and how to join its
    parts into one string label."""
    if not any(issubclass(kind, _COMPOUND) for kind in set(map(type, cells))):
        return
    i = next(i for i, v in enumerate(cells) if isinstance(v, _COMPOUND))
    v = cells[i]
    parts = "sorted(map(str, label))" if isinstance(v, (set, frozenset)) else "map(str, label)"
    raise ValueError(f"{name}[{i}] is a {type(v).__name__}, {v!r:.40}: a label is one value per row (a string or a "
                     f"number). Join its parts into a string label ({name} = ['|'.join({parts}) for label in "
                     f"{name}]); for several labels per row, fit one model per label column with "
                     "sklearn.multioutput.MultiOutputClassifier.")


def one_label_column(y):
    """A one-column DataFrame or (n, 1) array of labels as its one column (a Series keeps the column's dtype, such
    as nullable integers, and its index), which the rules of labels read as a 1-D y; anything else as it is."""
    if isinstance(y, pd.DataFrame) and y.shape[1] == 1:
        return y.iloc[:, 0]
    if isinstance(y, np.ndarray) and y.ndim == 2 and y.shape[1] == 1:
        return y[:, 0]
    return y


_PLAIN_LABEL_TYPES = (str, bytes, bool, np.bool_, Real, np.number, type(None))


def check_label_types(labels, name="y", as_strings=None):
    """Refuse labels of a type scikit-learn reads as labels of 'unknown' type: Decimals, Fractions, dates with a time
    zone, pandas Periods and Intervals (``pd.cut``'s bins), dates as Python or numpy objects in an object array, naming
    the type and the fix (strings, which ``predict`` then returns, by ``as_strings`` where given; numpy dates for naive
    dates). Strings, bytes, booleans, numbers, numpy dates (a Categorical of dates too) and missing values pass (the
    last are named by :func:`check_labels`). Only an object array is read cell by cell; a Categorical, by its
    categories."""
    categories = getattr(getattr(labels, "dtype", None), "categories", None)  # a Categorical: O(categories)
    try:
        values = np.asarray(labels if categories is None else categories)
    except (TypeError, ValueError):  # ragged rows: named by the checks of the shape
        return
    if values.dtype.kind != "O":
        return  # (numbers, booleans, strings, numpy's dates: at once)
    cells = values.ravel()
    odd = {kind for kind in set(map(type, cells)) if (not issubclass(kind, _PLAIN_LABEL_TYPES) or issubclass(
        kind, Fraction)) and kind.__name__ not in ("NAType", "NaTType")}  # (a Fraction: no number to scikit-learn)
    if not odd:
        return
    v = next(v for v in cells if type(v) in odd)
    fix = as_strings or f"{name}.astype(str)"
    if as_strings is None and isinstance(v, (Decimal, Fraction)):
        fix = f"{name}.astype(str), or to numbers ({name}.astype(int) or {name}.astype(float))"
    elif as_strings is None and isinstance(v, (datetime.date, np.datetime64)) and getattr(v, "tzinfo", None) is None:
        fix = f"pd.to_datetime({name}) (datetime64 labels are supported), or {name}.astype(str)"
    raise ValueError(f"{name} holds labels of type {type(v).__name__} (such as {v!r:.60}), which scikit-learn reads as "
                     f"labels of 'unknown' type: convert the labels with {fix}; predict then returns labels of that "
                     "type.")


def refuse_unordered_target(y):
    """Refuse a y that is not one value per sample in the samples' order: a generator (read once, and named as one
    label), a set or a dict (no order, or keys beside values): both kinds of estimator."""
    if isinstance(y, (set, frozenset, dict)) or isinstance(y, Iterator):
        what = "a generator" if isinstance(y, Iterator) else f"a {type(y).__name__}"
        fix = "list(y)" if isinstance(y, Iterator) else "list(y.values())" if isinstance(y, dict) else None
        raise TypeError(f"y is {what}{'' if fix else ', which has no order'}: pass one value per sample, in the "
                        f"samples' order, as a list, array or pandas Series{f' ({fix})' if fix else ''}.")
    if len(shape := getattr(y, "shape", None) or ()) > 2:
        raise ValueError(f"y has {len(shape)} dimensions (shape {tuple(shape)}): pass one value per sample (a 1-D "
                         "array), or one column per output.")


def check_one_label_column(y, caller):
    """A classifier's y is one label per row: a y of several columns (multilabel or multi-output) is refused with
    the wrapper that fits it (scikit-learn's own message only asked for a 1-D array); one-hot rows (a single 1 in
    each, 0 elsewhere: ``pd.get_dummies`` or Keras' ``to_categorical``) with the labels they encode."""
    shape = getattr(y, "shape", None)  # an array or a frame; a list of rows by its first row
    if shape is None and isinstance(y, (list, tuple)) and len(y) and isinstance(y[0], (list, tuple, np.ndarray)):
        shape = (len(y), len(y[0]))
    if shape is not None and len(shape) == 2 and shape[1] > 1:
        if _one_hot(y):
            index = "y.idxmax(axis=1)" if hasattr(y, "columns") else "np.argmax(y, axis=1)"
            raise ValueError(f"{caller} predicts one label per row, and y has {shape[1]} columns of 0 and 1 with a "
                             f"single 1 in each row (one-hot encoded labels): pass the label of each row instead, "
                             f"{index}.")
        if shape[0] == 1:  # (a row vector: the labels of shape[1] samples, given as one row)
            raise ValueError(f"y has shape {tuple(shape)}, one row of {shape[1]} labels: {caller} predicts one label "
                             "per row of X, and the labels of the rows are one column; pass np.ravel(y).")
        raise ValueError(f"{caller} predicts one label per row, and y has {shape[1]} columns (a multilabel or "
                         f"multi-output target): fit one model per column with sklearn.multioutput."
                         f"MultiOutputClassifier({caller}(...)), or pass a single column.")


def _one_hot(y):
    """Whether the rows of the 2-D ``y`` are one-hot: numbers (or booleans), 0 or 1, one 1 in each."""
    try:
        values = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return values.ndim == 2 and bool(np.isin(values, (0.0, 1.0)).all()) and bool((values.sum(axis=1) == 1).all())


_NUMBER_TYPES = (Real, np.number)


def _label_kind(v):
    """The kind of a label for the mixing rule: 'string', 'bytes', 'boolean', 'number' or the type's name;
    None for a missing label (None, NaN, pd.NA, pd.NaT)."""
    if v is None or type(v).__name__ in ("NAType", "NaTType"):  # pandas' missing values
        return None
    if isinstance(v, str):
        return "string"
    if isinstance(v, bytes):
        return "bytes"
    if isinstance(v, (bool, np.bool_)):
        return "boolean"
    if isinstance(v, _NUMBER_TYPES):
        return None if isinstance(v, (float, np.floating)) and math.isnan(v) else "number"
    return type(v).__name__


def refuse_merged_labels(given, numbers):
    """Refuse the labels ``given`` where ``numbers``, their numeric array, is float64 that may have merged whole
    numbers beyond 2**53 (2**60 and 2**60 + 1 beside 1.0: one float class): :func:`check_label_values` on them."""
    if numbers.dtype.kind == "f" and np.nanmax(np.abs(numbers), initial=0.0) > 2**53:
        check_label_values(given)


def numpy_labels(y, labels=True):
    """Labels whose type numpy would lose, as a numpy array of their own type; anything else unchanged.

    A one-column DataFrame or (n, 1) array is read as its column (:func:`one_label_column`), with scikit-learn's
    DataConversionWarning for a column-vector y. A pandas column of nullable integers or booleans (``Int64``,
    ``boolean``), or a Categorical of booleans, without missing values becomes int64/bool: through float64 large
    integers (2**60 and 2**60 + 1) would merge into one class and predictions would come back as floats. A 1-D object
    array of plain numbers (a pandas object column holding 0, 1, 2) becomes a numeric array, one of booleans a bool
    array: scikit-learn's checks call such labels of 'unknown' type; one whose whole numbers beyond 2**53 float64
    would merge is refused (:func:`check_label_values`) unless ``labels`` is False (a target not yet known to be
    labels)."""
    column = one_label_column(y)
    if column is not y:  # (pointing at the user's line, however deep in sknn the labels are read)
        warn_user("A column-vector y was passed when a 1d array was expected. Please change the shape of y to "
                  "(n_samples, ), for example using ravel().", DataConversionWarning)
        y = column
    if isinstance(y, np.ndarray) and y.dtype.kind == "T":  # numpy 2's StringDType: text, as an object array
        y = y.astype(object)
    numpy_dtype = getattr(getattr(y, "dtype", None), "numpy_dtype", None)  # pandas' masked (nullable) arrays
    if getattr(getattr(getattr(y, "dtype", None), "categories", None), "dtype", None) == bool:  # (not the floats
        numpy_dtype = np.dtype(bool)  # scikit-learn's column_or_1d makes of a Categorical of True/False)
    if numpy_dtype is not None and hasattr(y, "isna") and not np.asarray(y.isna()).any():  # a Series or an array
        return y.to_numpy(dtype=numpy_dtype)
    text = isinstance(getattr(y, "dtype", None), pd.StringDtype)  # (pandas keeps a StrEnum's members in one)
    if (getattr(y, "dtype", None) != object and not text) or getattr(y, "ndim", 0) != 1 or len(y) == 0:
        return y
    values = y.tolist()
    if all(isinstance(v, _NUMBER_TYPES) and not isinstance(v, (bool, np.bool_)) for v in values):
        numbers = np.asarray(values)
        if labels:
            refuse_merged_labels(y, numbers)
        return numbers
    if all(isinstance(v, (bool, np.bool_)) for v in values):  # true/false read with a gap (a CSV column, 'boolean')
        return np.asarray(values, dtype=bool)
    if all(isinstance(v, str) for v in values) and any(type(v) is not str for v in values):
        return np.asarray([plain_value(v) for v in values], dtype=object)  # (StrEnum members: the text they are)
    return y


def check_labels(labels, name="y", lengths=None):
    """Refuse missing labels (None, NaN) and labels that mix types ('D' and 1, True and 1).

    Parameters
    ----------
    labels : 1-D array-like
    name : str
    lengths : list of int or None
        For flattened label sequences, the length of each sequence: the message then names the sequence and the
        position (``y[3][1]``)."""
    starts = None if lengths is None else np.cumsum([0, *lengths[:-1]]).tolist()

    def where(i):
        if starts is None:
            return f"{name}[{i}]"
        s = bisect.bisect_right(starts, i) - 1
        return f"{name}[{s}][{i - starts[s]}]"

    if isinstance(labels, np.ndarray) and labels.dtype.kind in "biuUS":
        return
    if isinstance(labels, np.ndarray) and labels.dtype.kind == "f":
        missing = np.flatnonzero(np.isnan(labels))
        if missing.size:
            raise ValueError(f"{where(missing[0])} is NaN: a label cannot be missing; drop those samples or give "
                             "them a label.")
        endless = np.flatnonzero(np.isinf(labels))
        if endless.size:
            raise ValueError(f"{where(endless[0])} is {labels[endless[0]]}: a label must be a finite value; drop "
                             "those samples or give them a label.")
        return
    types = set(map(type, labels))  # all strings (np.str_ too), or all whole numbers: nothing missing or mixed
    if all(issubclass(t, str) for t in types) or all(issubclass(t, Integral) and not issubclass(t, (bool, np.bool_))
                                                     for t in types):
        return
    first = None
    for i, v in enumerate(labels):
        kind = _label_kind(v)
        if kind is None:
            raise ValueError(f"{where(i)} is {v!r}: a label cannot be missing; drop those samples or give them a "
                             "label.")
        if first is None:
            first = (i, v, kind)
        elif kind != first[2]:
            raise ValueError(f"The labels mix types: {where(first[0])} is {first[1]!r} (a {first[2]}) but {where(i)} "
                             f"is {v!r} (a {kind}); use one type for all labels (e.g. all strings).")


def check_classes(classes, caller, name="y"):
    """``classes`` (the sorted distinct labels), refused when fewer than 2 or when two differ only by white space."""
    check_label_spellings(classes, name)
    if len(classes) < 2:
        raise ValueError(f"{caller} needs at least 2 different labels (classes), but {name} holds only one class: "
                         f"{classes.tolist()[0]!r}.")
    return classes


def fit_classes(y, classes, caller, fitted=None, first_partial_fit=False):
    """The classes of a fit: the distinct labels of ``classes`` when given (every label that will ever appear:
    ``partial_fit(X, y, classes=...)``), else of ``y``; ``fitted`` (the classes of an earlier fit, kept by a warm
    start or a later ``partial_fit``) when not None, after checking that ``classes``, if given, are the same.
    ``first_partial_fit`` makes ``classes`` required (scikit-learn's rule for a classifier's first partial_fit)."""
    if classes is not None:
        classes = numpy_labels(one_label_column(classes))  # read as the labels of y are
        if isinstance(classes, (str, bytes)) or np.ndim(classes) != 1:
            raise ValueError(f"classes={classes!r:.60} is not a list of labels: pass every label that will ever "
                             "appear, e.g. classes=['cat', 'dog'] or np.unique(y_all).")
        check_labels(classes if isinstance(classes, (list, tuple)) else np.asarray(classes), "classes")
    elif first_partial_fit:
        raise ValueError("classes must be passed on the first call to partial_fit: all the labels that "
                         "will ever appear, e.g. partial_fit(X, y, classes=np.unique(y_all)).")
    if fitted is not None:
        if classes is not None and not np.array_equal(np.unique(np.asarray(classes)), fitted):
            raise ValueError(f"classes={np.unique(np.asarray(classes)).tolist()} is not the same as on the first "
                             f"call, {fitted.tolist()}; the classes are fixed by the first fit.")
        return fitted
    try:
        found = np.unique(y if classes is None else np.asarray(classes))
    except TypeError as exc:
        raise ValueError("The labels mix types (e.g. strings and numbers); use one type for all labels.") from exc
    if classes is not None:
        outside = _labels_outside(y, found)
        if outside:
            raise ValueError(f"y holds labels not in classes: {outside}; classes={found.tolist()} must hold "
                             "every label that will ever appear (e.g. np.unique(y_all)).")
    return check_classes(found, caller, "classes" if classes is not None else "y")


def _labels_outside(y, classes, limit=5):
    """Up to ``limit`` (None: all) distinct labels of ``y`` that are not in ``classes`` (sorted, unique), as a list,
    sorted where they compare. The distinct values of an object array are found by hashing (``pd.unique``): numpy
    sorts a million objects in over a second."""
    known = set(classes.tolist())
    return [v for v in _distinct_labels(y) if v not in known][:limit]


def _distinct_labels(y):
    """The distinct labels of ``y`` as a list, sorted where they compare (mixed types, refused with their own message
    by check_labels: in order of appearance); an object array's by hashing (``pd.unique``): numpy sorts a million
    objects in over a second."""
    values = np.asarray(y).ravel()
    labels = (pd.unique(values) if values.dtype.kind == "O" else np.unique(values)).tolist()
    try:
        labels.sort()
    except TypeError:
        pass
    return labels


#: how many distinct labels a scored y needs before none of them among the classes reads as another label set
_A_FEW_LABELS = 3


def warn_of_another_label_set(labels, classes, name="y"):
    """Warn when none of the distinct labels given to ``score`` is one of the fitted ``classes``, though there are a
    few of them (``_A_FEW_LABELS``): another label set (XPOS tags for a UPOS model), which would score 0 without a
    word. A few unknown labels alone (a sample of a class never trained on) are not warned of; labels that spell a
    class otherwise (lower-cased tags), however few, are (:func:`check_label_spellings`)."""
    distinct = _distinct_labels(labels)
    fitted = classes.tolist()
    if len(distinct) < _A_FEW_LABELS or not len(fitted) or not set(distinct).isdisjoint(fitted):
        return

    def shown(values):
        return ", ".join(repr(v) for v in values[:5]) + (", ..." if len(values) > 5 else "")

    warn_user(f"None of {name}'s labels is one of the model's classes, so every prediction counts as wrong: another "
              f"label set (tag set)? {name} holds {shown(distinct)}; the model's classes are {shown(fitted)}.")


def check_label_spellings(classes, name="y", fitted=None):
    """Refuse string labels that differ only by surrounding white space ('yes' and ' yes'), a CSV's stray spaces
    (:func:`check_one_spelling_per_label` too): two classes of one, each with part of its samples. With ``fitted``,
    ``classes`` are the labels given to ``score`` (an array of any length): those of them that are not among
    ``fitted`` (their distinct values, :func:`_labels_outside`: a short list) but equal one once stripped; and
    none of them among ``fitted`` is warned of (:func:`warn_of_another_label_set`)."""
    def plain(values):  # (plain str, not np.str_)
        return values.tolist() if isinstance(values, np.ndarray) else values
    twins = None
    if fitted is None:
        check_one_spelling_per_label(plain(classes), name)  # ('1' and '1.0'; 'caf\xe9' and 'cafe\u0301')
        spelt = next((spellings for spellings in spacing_twins(plain(classes)).values() if len(spellings) > 1), None)
        twins = spelt and f"{spelt[0]!r} and {spelt[1]!r} would be two classes"
    else:
        known = {c.strip(): c for c in plain(fitted) if isinstance(c, str)}
        outside = [c for c in plain(_labels_outside(classes, fitted, limit=None)) if isinstance(c, str)]
        other = next(((c, known[c.strip()]) for c in outside if known.get(c.strip(), c) != c), None)
        twins = other and f"{other[0]!r} is not the model's class {other[1]!r}"
    if twins:
        raise ValueError(f"{name} holds labels that differ only by surrounding white space: {twins}; strip them "
                         "first (y.str.strip()).")
    if fitted is not None:
        near = near_spellings(outside, plain(fitted))  # (other case, Unicode form: however few, each scores 0)
        if near:
            warn_user(f"{name} holds labels that spell the model's classes otherwise: {near[0][0]!r} for "
                      f"{near[0][1]!r}" + (f" and {len(near) - 1} more" if len(near) > 1 else "") + "; each counts "
                      "as wrong, never as that class: pass labels spelled as in fit.")
        else:
            warn_of_another_label_set(classes, fitted, name)


def check_same_label_kind(labels, classes, name="y"):
    """``labels``, refused when they are of another kind than the fitted ``classes`` (strings against numbers):
    '1' never equals 1, so a score would be 0 without a word; warned of when none of them is among ``classes``
    (:func:`warn_of_another_label_set`), for the same reason."""
    if len(labels) and len(classes):
        given, fitted = _label_kind(labels[0]), _label_kind(classes[0])
        if given != fitted:
            shown = [v.item() if isinstance(v, np.generic) else v for v in (labels[0], classes[0])]
            raise ValueError(f"{name} holds {given} labels (such as {shown[0]!r}) but the model was fitted on "
                             f"{fitted} labels (such as {shown[1]!r}): pass labels of the kind of fit.")
        warn_of_another_label_set(labels, classes, name)
    return labels


def label_indices(y, classes, name="y"):
    """The index of each label of ``y`` in the sorted ``classes`` (int64), refusing labels outside them."""
    unknown = ~np.isin(y, classes)
    if unknown.any():
        raise ValueError(f"{name} contains labels outside the model's classes: {np.unique(y[unknown])[:10].tolist()}; "
                         f"its classes are {classes.tolist()}, fixed when it was first fitted (by the training "
                         "labels of fit, or the classes= of the first partial_fit). Leave the samples of those labels "
                         "out (the rows, or the sentences of a sequence model; a validation sample of a class never "
                         "trained on cannot be scored), or train on them: with partial_fit, pass every label that "
                         "will ever appear as classes= to its first call (e.g. classes=np.unique(y_all)); with "
                         "warm_start=True, fit a new network (warm_start=False) on all the labels.")
    return np.searchsorted(classes, y).astype(np.int64)
