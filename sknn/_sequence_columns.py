"""The columns of numeric sequences: what their values are, and the names of a DataFrame's columns.

A numeric sequence is an array of shape (length, n_features) or a DataFrame (one row a step), and the network reads
its features by position. As scikit-learn does for a table, the string column names of DataFrame sequences are
recorded in fit (``feature_names_in_``) and checked at predict, so that the same columns in another order are refused
instead of silently feeding each feature where another was learned; within one call, every DataFrame sequence has
the same names in the same order. Values that are not numbers (text, categories, dates, complex numbers) are refused
with their column and the fix, before they could be mistaken for tokens.
"""

import warnings

import numpy as np
import pandas as pd
from sklearn.utils.validation import _get_feature_names

from ._numbers import is_real_number
from ._text_checks import is_missing

__all__ = ["check_feature_names", "check_step_array", "frame_columns"]

_NUMBERS = object()  # a sentinel: "every value is a number"
_TOKENS_ONLY = "this model reads token sequences only: pass each sequence as a list of strings (its tokens)."


def _is_frame(seq):
    return hasattr(seq, "columns") and hasattr(seq, "dtypes") and getattr(seq, "ndim", 2) == 2


def _is_number(v):
    return is_real_number(v) or isinstance(v, (bool, np.bool_))


def _values_problem(kind, dtype, values):
    """What keeps values of numpy dtype kind ``kind`` (or, for objects, the ``values`` themselves) from being
    features, and its fix: (what they hold, fix), or None when they are numbers."""
    if kind in "biuf":
        return None
    if kind == "c":
        return (f"complex numbers (dtype {dtype})", "convert them to float (e.g. the real and imaginary parts as two "
                "features)")
    if kind in "mM":
        return (f"dates or durations (dtype {dtype})", "convert them to float (e.g. seconds since a start: "
                "(t - t.min()) / np.timedelta64(1, 's'))")
    if kind in "US":
        return f"text (dtype {dtype})", "encode it as numbers (e.g. one-hot columns)"
    odd = next((v for v in values if not _is_number(v)), _NUMBERS)
    if odd is _NUMBERS:
        return None  # objects that are all numbers (as a DataFrame's object column of floats)
    if is_missing(odd):
        return f"a missing value ({odd!r})", "impute or drop the missing values first"
    if isinstance(odd, (str, np.str_)):
        return f"strings (such as {odd!r:.30})", "encode it as numbers (e.g. one-hot columns)"
    return (f"{type(odd).__name__} values (such as {odd!r:.30})", "convert them to float (features must be "
            "numbers)")


def frame_columns(seq, where, numeric=True):
    """The string names of a DataFrame sequence's columns (an array, as scikit-learn's ``feature_names_in_``), None
    for another sequence or other names. A DataFrame column, or a Series, of values that are not numbers (text,
    categories, dates, complex numbers) is refused first, naming the column and the fix (1-D text is tokens);
    ``numeric``: whether the model takes numeric sequences (else any DataFrame is refused)."""
    if hasattr(seq, "dtype") and hasattr(seq, "iloc") and getattr(seq, "ndim", 1) == 1:  # a Series: tokens or steps
        kind = getattr(seq.dtype, "kind", "O")
        if kind in "cmM" or isinstance(seq.dtype, pd.PeriodDtype):
            what, fix = _values_problem("M" if kind == "O" else kind, seq.dtype, ())
            raise TypeError(f"{where} is a Series of {what}, neither tokens nor numbers: "
                            + (f"{fix}." if numeric else _TOKENS_ONLY))
        return None
    if not _is_frame(seq):
        return None
    if not numeric:
        raise TypeError(f"{where} is a DataFrame (columns {_shown(list(seq.columns))}): {_TOKENS_ONLY}")
    for name, dtype in seq.dtypes.items():
        if isinstance(dtype, pd.CategoricalDtype):
            raise TypeError(f"{where} is a DataFrame whose column {name!r} is categorical: a numeric sequence's "
                            f"features must be numbers; encode it as numbers (e.g. one-hot columns: pd.get_dummies("
                            f"df, columns=[{name!r}]), or its codes: df[{name!r}].cat.codes).")
        kind = "M" if isinstance(dtype, pd.PeriodDtype) else getattr(dtype, "kind", "O")
        kind = "f" if kind == "O" and pd.api.types.is_numeric_dtype(dtype) else kind  # (pandas' nullable numbers)
        problem = _values_problem(kind, dtype, seq[name].tolist() if kind == "O" else ())
        if problem is not None:
            raise TypeError(f"{where} is a DataFrame whose column {name!r} holds {problem[0]}: a numeric sequence's "
                            f"features must be numbers; {problem[1]}.")
    try:
        return _get_feature_names(seq)
    except TypeError as exc:  # column names of several types, strings among them
        raise TypeError(f"{where}: {exc}") from None


def check_step_array(seq, where, numeric=True):
    """Refuse an array sequence of values that are not numbers: a 2-D (or deeper) one, or a 1-D one of complex
    numbers, dates or durations (a 1-D array of text is tokens), naming its dtype and the fix."""
    if not isinstance(seq, np.ndarray) or seq.dtype.kind in "biuf" or (seq.ndim == 1 and seq.dtype.kind not in "cmM"):
        return
    problem = _values_problem(seq.dtype.kind, seq.dtype, seq.ravel().tolist() if seq.dtype == object else ())
    if problem is None:
        return
    if not numeric:
        raise TypeError(f"{where} is a {seq.ndim}-D array of {problem[0]}: {_TOKENS_ONLY}")
    shape = " (a token sequence is 1-D: a list of strings)" if seq.dtype.kind in "USO" else ""
    raise TypeError(f"{where} is a {seq.ndim}-D array of {problem[0]}, not numbers: a numeric sequence's features "
                    f"must be numbers; {problem[1]}{shape}.")


def _shown(names):
    names = list(names)
    return "[" + ", ".join(map(repr, names[:8])) + (", ...]" if len(names) > 8 else "]")


def _names_differ(where, i, given, expected, fitted_by, in_call):
    """The error for sequence ``i`` whose column names ``given`` are not ``expected``: the fitted estimator's, named
    ``fitted_by``, or (``in_call``: in fit, or after a fit without names) those of the call's sequence ``fitted_by``."""
    given, expected = list(given), list(expected)
    unseen, missing = [n for n in given if n not in expected], [n for n in expected if n not in given]
    if not unseen and not missing:
        why = ("Feature names must be in the same order in every sequence." if in_call else
               "Feature names must be in the same order as they were in fit.")
    elif in_call:
        why = " ".join(([f"Feature names not in {fitted_by}: {_shown(unseen)}."] if unseen else [])
                       + ([f"Feature names of {fitted_by} missing here: {_shown(missing)}."] if missing else []))
    else:
        why = " ".join(([f"Feature names unseen at fit time: {_shown(unseen)}."] if unseen else [])
                       + ([f"Feature names seen at fit time, yet now missing: {_shown(missing)}."] if missing else []))
    if in_call:
        return ValueError(f"{where}[{i}] has the columns {_shown(given)} but {fitted_by} has {_shown(expected)}: the "
                          f"features of every sequence are read by position, so the feature names should match in "
                          f"every sequence. {why} Select the columns in one order, e.g. [s[{_shown(expected)}] for s "
                          f"in {where}].")
    return ValueError(f"{where}[{i}] has the columns {_shown(given)}, but {fitted_by} was fitted with "
                      f"{_shown(expected)}: the feature names should match those that were passed during fit. {why} "
                      f"Select the columns of fit, in its order: [s[list(model.feature_names_in_)] for s in {where}].")


def check_feature_names(estimator, names, reset, where="X"):
    """Record (``reset``) or check ``feature_names_in_`` of ``estimator`` from ``names``, the column names of each
    sequence of one call (:func:`frame_columns`'s: None for a sequence without). Every named sequence must have the
    names of fit (or, in fit, of the call's first named sequence), in the same order; a sequence without names among
    named ones, or named ones after a fit without names, is read by position, with scikit-learn's warning. A fit
    without names deletes the attribute; a model fitted on tokens (its ``input_kind_``) is not checked here."""
    cls = type(estimator).__name__
    if not reset and getattr(estimator, "input_kind_", "features") != "features":
        return
    fitted = None if reset else getattr(estimator, "feature_names_in_", None)
    named = [i for i, n in enumerate(names) if n is not None]
    expected, fitted_by = (fitted, cls) if fitted is not None else (
        (names[named[0]], f"{where}[{named[0]}]") if named else (None, None))
    for i in named:
        if len(names[i]) != len(expected) or not np.all(names[i] == expected):
            raise _names_differ(where, i, names[i], expected, fitted_by, in_call=fitted is None)
    if expected is not None and len(named) < len(names):
        i = next(i for i, n in enumerate(names) if n is None)
        warnings.warn(f"{where}[{i}] does not have valid feature names, but {fitted_by} "
                      f"{'was fitted with' if fitted is not None else 'has'} feature names: its features are read by "
                      "position, in their order.", UserWarning, stacklevel=6)
    elif not reset and named and fitted is None:
        warnings.warn(f"{where}[{named[0]}] has feature names, but {cls} was fitted without feature names: its "
                      "features are read by position.", UserWarning, stacklevel=6)
    if reset and expected is not None:
        estimator.feature_names_in_ = np.asarray(expected, dtype=object)
    elif reset and hasattr(estimator, "feature_names_in_"):
        del estimator.feature_names_in_
