"""The columns of numeric sequences: what their values are, and the names of a DataFrame's columns.

A numeric sequence is an array of shape (length, n_features) or a DataFrame (one row a step), and the network reads
its features by position. As scikit-learn does for a table, the string column names of DataFrame sequences are
recorded in fit (``feature_names_in_``) and checked at predict, so that the same columns in another order are refused
instead of silently feeding each feature where another was learned; within one call, every DataFrame sequence has
the same names in the same order. Values that are not numbers (text, categories, dates, complex numbers) are refused
with their column and the fix, before they could be mistaken for tokens.
"""

import numpy as np
import pandas as pd

from ._numbers import is_real_number
from ._text_checks import is_missing
from ._warnings import warn_user

__all__ = ["check_feature_names", "check_step_array", "frame_columns", "frame_labels", "frame_rows", "is_step_value",
           "refuse_frame_of_numbers", "unpadded_rows"]

_NUMBERS = object()  # a sentinel: "every value is a number"
_TOKENS_ONLY = "this model reads token sequences only: pass each sequence as a list of strings (its tokens)."


def is_step_value(v):
    """Whether ``v`` is a value a numeric sequence's step may hold: a real number or a boolean (read as 0 or 1)."""
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
    if kind in "UST":
        return f"text (dtype {dtype})", "encode it as numbers (e.g. one-hot columns)"
    odd = next((v for v in values if not is_step_value(v)), _NUMBERS)
    if odd is _NUMBERS:
        return None  # objects that are all numbers (as a DataFrame's object column of floats)
    if is_missing(odd):
        return f"a missing value ({odd!r})", "impute or drop the missing values first"
    if isinstance(odd, (str, np.str_)):
        return f"strings (such as {odd!r:.30})", "encode it as numbers (e.g. one-hot columns)"
    return (f"{type(odd).__name__} values (such as {odd!r:.30})", "convert them to float (features must be "
            "numbers)")


def frame_columns(seq, where, i, numeric=True, seen=None):
    """The string names of a DataFrame sequence's columns (an array, as scikit-learn's ``feature_names_in_``), None
    for another sequence or other names. A DataFrame column, or a Series, of values that are not numbers (text,
    categories, dates, complex numbers) is refused first, naming the column and the fix (1-D text is tokens), and so
    are columns of one name. ``where``, ``i``: the sequence is ``where[i]`` (named in errors only); ``numeric``:
    whether the model takes numeric sequences (else any DataFrame is refused); ``seen``: a dict, one per call, of
    the verdicts on the columns and dtypes met so far (the values of object columns are read in every sequence)."""
    if isinstance(seq, pd.Series):  # tokens or steps
        kind = getattr(seq.dtype, "kind", "O")
        if kind in "cmM" or isinstance(seq.dtype, pd.PeriodDtype):
            what, fix = _values_problem("M" if kind == "O" else kind, seq.dtype, ())
            raise TypeError(f"{where}[{i}] is a Series of {what}, neither tokens nor numbers: "
                            + (f"{fix}." if numeric else _TOKENS_ONLY))
        return None
    if not isinstance(seq, pd.DataFrame):
        return None
    if not numeric:
        raise TypeError(f"{where}[{i}] is a DataFrame (columns {_shown(seq.columns)}): {_TOKENS_ONLY}")
    dtypes = tuple(seq.dtypes)  # (a Series built per call: read once)
    key = (tuple(seq.columns), dtypes)
    verdict = None if seen is None else seen.get(key)
    if verdict is None:
        verdict = _columns_verdict(seq.columns, dtypes, where, i)
        if seen is not None:
            seen[key] = verdict
    names, object_columns = verdict
    for j in object_columns:  # objects: numbers (as a column of Decimals) or not, cell by cell
        problem = _values_problem("O", dtypes[j], seq.iloc[:, j].tolist())
        if problem is not None:
            raise _column_problem(where, i, seq.columns[j], *problem)
    return names


def _column_problem(where, i, name, what, fix):
    return TypeError(f"{where}[{i}] is a DataFrame whose column {name!r} holds {what}: a numeric sequence's features "
                     f"must be numbers; {fix}.")


def _columns_verdict(columns, dtypes, where, i):
    """(the string names of the columns or None, the positions of the object columns, whose values are still to
    check) of a DataFrame sequence ``where[i]`` with ``columns`` of ``dtypes``; columns of one name, and columns of
    a dtype that holds no numbers, are refused."""
    if not columns.is_unique:
        repeated = columns[columns.duplicated()].unique().tolist()
        raise ValueError(f"{where}[{i}] is a DataFrame with several columns named {_shown(repeated)[1:-1]}: the "
                         "names of a numeric sequence's columns are its features' names, recorded in fit and checked "
                         "after it, so each column needs its own name; rename the copies, or drop them (s.loc[:, "
                         "~s.columns.duplicated()]).")
    object_columns = []
    for j, (name, dtype) in enumerate(zip(columns, dtypes)):
        if isinstance(dtype, pd.CategoricalDtype):
            raise TypeError(f"{where}[{i}] is a DataFrame whose column {name!r} is categorical: a numeric sequence's "
                            f"features must be numbers; encode it as numbers (e.g. one-hot columns: pd.get_dummies("
                            f"df, columns=[{name!r}]), or its codes: df[{name!r}].cat.codes).")
        kind = "M" if isinstance(dtype, pd.PeriodDtype) else getattr(dtype, "kind", "O")
        kind = "f" if kind == "O" and pd.api.types.is_numeric_dtype(dtype) else kind  # (pandas' nullable numbers)
        if kind == "O":
            object_columns.append(j)
        elif (problem := _values_problem(kind, dtype, ())) is not None:
            raise _column_problem(where, i, name, *problem)
    return _string_names(columns, where, i), tuple(object_columns)


def _string_names(columns, where, i):
    """The column names as scikit-learn's ``_get_feature_names`` reads those of a table: an object array when all
    are strings, None when none is; names of several types, strings among them, are refused (its TypeError)."""
    names = np.asarray(columns, dtype=object)
    types = sorted({type(name).__qualname__ for name in names})
    if len(types) > 1 and "str" in types:
        raise TypeError(f"{where}[{i}]: Feature names are only supported if all input features have string names, "
                        f"but your input has {types} as feature name / column name types. If you want feature names "
                        "to be stored and validated, you must convert them all to strings, by using X.columns = "
                        "X.columns.astype(str) for example. Otherwise you can remove feature / column names from your "
                        "input data, or convert them all to a non-string data type.")
    return names if types == ["str"] else None


def check_step_array(seq, where, i, numeric=True):
    """Refuse an array sequence ``where[i]`` of values that are not numbers: a 2-D (or deeper) one, or a 1-D one of
    complex numbers, dates or durations (a 1-D array of text is tokens), naming its dtype and the fix."""
    if not isinstance(seq, np.ndarray) or seq.dtype.kind in "biuf" or (seq.ndim == 1 and seq.dtype.kind not in "cmM"):
        return
    problem = _values_problem(seq.dtype.kind, seq.dtype, seq.ravel().tolist() if seq.dtype == object else ())
    if problem is None:
        return
    if not numeric:
        raise TypeError(f"{where}[{i}] is a {seq.ndim}-D array of {problem[0]}: {_TOKENS_ONLY}")
    shape = " (a token sequence is 1-D: a list of strings)" if seq.dtype.kind in "USO" else ""
    raise TypeError(f"{where}[{i}] is a {seq.ndim}-D array of {problem[0]}, not numbers: a numeric sequence's features "
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
    agreed = set()  # the ids of the name arrays found right (sequences of one verdict share theirs)
    for i in named:
        if id(names[i]) in agreed:
            continue
        if len(names[i]) != len(expected) or not np.all(names[i] == expected):
            raise _names_differ(where, i, names[i], expected, fitted_by, in_call=fitted is None)
        agreed.add(id(names[i]))
    if expected is not None and len(named) < len(names):
        i = next(i for i, n in enumerate(names) if n is None)
        warn_user(f"{where}[{i}] does not have valid feature names, but {fitted_by} "
                  f"{'was fitted with' if fitted is not None else 'has'} feature names: its features are read by "
                  "position, in their order.")
    elif not reset and named and fitted is None:
        warn_user(f"{where}[{named[0]}] has feature names, but {cls} was fitted without feature names: its features "
                  "are read by position.")
    if reset and expected is not None:
        estimator.feature_names_in_ = np.asarray(expected, dtype=object)
    elif reset and hasattr(estimator, "feature_names_in_"):
        del estimator.feature_names_in_


def refuse_frame_of_numbers(X, name="X", numeric=True):
    """Refuse a DataFrame of numbers given as X itself to a model that reads numeric sequences (``numeric``; one of
    tokens says to pass word strings): a DataFrame given so is read as one sequence of tokens per row, and a row of
    numbers is neither tokens nor, whatever its last missing cells, one series for sure."""
    if numeric and getattr(X, "ndim", 1) == 2 and hasattr(X, "iloc") and len(X.columns) and all(
            pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype) for dtype in X.dtypes):
        raise ValueError(
            f"{name} is a DataFrame of numbers; a DataFrame given as {name} is read as one sequence of tokens per "
            f"row. For one series (rows the steps, columns the features), pass [{name}]; for one series per row, "
            f"[row.loc[:row.last_valid_index()].to_numpy()[:, None] for _, row in {name}.iterrows()]; for a long "
            f"table of several series, split it: [g[features] for _, g in {name}.groupby(key)].")


def frame_labels(labels, where):
    """The labels of one sequence given as a one-column DataFrame, as a list (iterating a DataFrame gives its column
    names); a DataFrame of several columns refused. Anything else as it is."""
    if not (getattr(labels, "ndim", 1) == 2 and hasattr(labels, "iloc")):
        return labels
    if labels.shape[1] != 1:
        raise ValueError(f"{where} is a DataFrame of {labels.shape[1]} columns; the labels of a sequence are one "
                         f"column: pass {where}[column] (or a list of labels).")
    return labels.iloc[:, 0].tolist()


def _token_list(cell):
    """Whether a DataFrame's cell holds a list of tokens (a sequence of strings), which no token is."""
    return isinstance(cell, (list, tuple, np.ndarray)) and len(cell) > 0 and all(
        isinstance(t, (str, np.str_)) for t in list(cell)[:5])


def frame_rows(data, name="X", whole_sequences=False):
    """A pandas Series as the list of its items; a DataFrame as one list per row, without the missing cells that end
    a row (pandas pads shorter rows of ``pd.DataFrame(list_of_lists)`` with them). A DataFrame whose every row is one
    cell, one of them a text of several words, is a column of texts: refused (each would be read as one token).
    ``whole_sequences``: whether each row is meant as a whole sequence (the X of fit or predict, not labels or a
    language model's contexts), where a table of a few fields a row is warned of (:func:`_warn_of_fields`)."""
    if getattr(data, "ndim", 1) == 1:
        return data.tolist()
    rows = []
    for row in data.to_numpy(dtype=object):
        present = np.flatnonzero(~pd.isna(row))
        rows.append(row[:present[-1] + 1].tolist() if len(present) else [])
    listed = next((j for j in range(data.shape[1]) if _token_list(data.iloc[0, j])), None) if len(data) else None
    if listed is not None:  # a column of token lists (df[['tokens']]): its cells are sequences
        column = f"{name}[{data.columns[listed]!r}]"
        raise TypeError(f"{name} is a DataFrame whose column {data.columns[listed]!r} holds lists (such as "
                        f"{str(data.iloc[0, listed])!r:.40}): a row of a DataFrame is read as one sequence, a token a "
                        f"cell. Pass that column, {column} (a Series of lists), as the sequences.")
    if rows and all(len(row) == 1 for row in rows):
        i = next((i for i, row in enumerate(rows) if isinstance(row[0], (str, np.str_)) and len(row[0].split()) > 1),
                 None)
        if i is not None:
            column = f"{name}[{data.columns[0]!r}]"
            raise TypeError(f"{name} is a DataFrame whose rows each hold one cell, texts such as {name}.iloc[{i}, 0] "
                            f"= {str(rows[i][0])!r:.40}: a row of a DataFrame is read as one sequence, a token a "
                            f"cell, so each text would be one token. Split the texts into tokens first: "
                            f"{column}.str.split() (a Series of token lists), or [s.split() for s in {column}].")
    if whole_sequences:
        _warn_of_fields(data, rows, name)
    return rows


def _warn_of_fields(data, rows, name):
    """Warn of a DataFrame of one to three named columns, no cell missing, read as short sequences of one length: the
    shape of a table of one token per row (a CoNLL-U file read into pandas: the form, its tag, its lemma), whose
    fields would be read as the tokens of a sequence and each token cut off from its sentence. The columns of
    ``pd.DataFrame(list_of_lists)`` are positions (0, 1, ..., as text after a CSV's round trip), not fields: never
    warned of."""
    k = data.shape[1]
    positions = [str(c) for c in data.columns] == [str(i) for i in range(k)]  # (0, 1, 2; '0', '1', '2' of a CSV)
    if not 1 <= k <= 3 or positions or len(rows) < 2 or any(len(r) != k for r in rows):
        return
    first, s = data.nunique().idxmax(), "s" * (k > 1)  # (the forms: more of them than of tags or sentence ids)
    warn_user(f"{name} is a DataFrame of {k} column{s} ({_shown(data.columns)[1:-1]}) read as {len(rows)} "
              f"sequences of {k} token{s} each: a row of a DataFrame is one sequence, a token a cell. For a "
              f"table of one token per row (as a CoNLL-U file read into pandas), pass each sentence's tokens as one "
              f"list, e.g. {name}.groupby(sentence_id)[{first!r}].agg(list) (and its labels the same way); for "
              f"sequences this short, pass {name}.to_numpy().tolist().")


def unpadded_rows(X, name, pads):
    """The rows of ``X``, a 2-D array of text (one sequence per row, each cell a token), refused by ``name`` where
    cells are padding (empty, white space only, or a padding symbol of ``pads``, '<pad>'), which no token is: the
    fix of a padded array is a list of its sequences, each as long as it is (the cells' own errors named a token)."""
    padded = (np.char.strip(X) == "") | np.isin(X, list(pads))
    if padded.any():
        cell = str(X[padded][0])
        keep = "t.strip()" + (f" and t != {cell!r}" if cell.strip() else "")
        raise ValueError(f"{name} is a 2-D array of text padded with {cell!r} ({int(padded.sum())} cells): a 2-D "
                         "array is one sequence per row, each cell a token, and no token is empty, white space or a "
                         f"padding symbol; pass the sequences without their padding, [[t for t in row if {keep}] "
                         f"for row in {name}].")
    return X
