"""Checks of hostile or mistaken input, shared by every family: one helper per rule.

Each helper raises a ValueError or TypeError (scikit-learn's ``InvalidParameterError``,
both at once, for parameters) whose message names the input, the value found and the
fix, before any heavy work: never an error from deep inside torch, numpy or PIL, never a
silent guess.
"""

import functools
import inspect
import itertools
import math
import re
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from numbers import Integral, Real

import numpy as np
import pandas as pd
import scipy.sparse as sp
import torch
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.validation import _check_sample_weight, _num_samples
from sklearn.utils.validation import validate_data as _sklearn_validate_data

from ._alignment import check_rows_paired
from ._column_labels import check_column_label_order, check_unique_columns, plain_text_names
from ._input_files import compressed_opener, numbered_lines
from ._numbers import (MAX_MAGNITUDE, check_exact_in_float64, check_float32_columns, check_float64_cells,
                       check_magnitude, float32_features, scaler_example)

__all__ = ["MAX_MAGNITUDE", "check_callbacks", "check_exact_in_float64", "check_fit_params", "check_float32_columns",
           "check_float32_weights", "check_float64_cells", "check_magnitude", "check_nested_params",
           "check_non_negative_weights", "check_not_complex", "check_positive_int", "check_sizes",
           "check_validation_data", "check_width", "checked_sample_weight",
           "class_weight_vector", "compressed_opener", "detached", "first_non_string", "float32_features", "label_list",
           "numbered_lines", "plain_items", "positive_rows", "reads_as_number", "refuse_complex", "refuse_data_loader",
           "refuse_records", "refuse_weights_not_numbers", "unmasked", "validate_data"]


# -- parameters -------------------------------------------------------------------------------
def _is_int(v):
    return isinstance(v, Integral) and not isinstance(v, (bool, np.bool_))


def check_sizes(value, name, *, lengths=None, allow_int=False, allow_empty=True):
    """A size parameter (layer widths, filters, an image size...) as a tuple of positive ints.

    Parameters
    ----------
    value : int or sequence of int
    name : str, the parameter's name, for the message
    lengths : tuple of int or None, the lengths the sequence may have (e.g. (2,) for (height, width))
    allow_int : bool, accept one int (returned as a 1-tuple)
    allow_empty : bool, accept an empty sequence

    Raises
    ------
    InvalidParameterError (a ValueError and a TypeError) naming the parameter and the value.
    """
    if isinstance(value, np.ndarray) and value.ndim == 0:  # np.array(2): the number
        value = value.item()
    if allow_int and _is_int(value):
        sizes = (value,)
    elif isinstance(value, (str, bytes, AbstractSet, Mapping)) or not hasattr(value, "__iter__"):
        sizes = None  # (a set's order is its hashes', a dict's sizes would be its keys)
    else:
        sizes = tuple(value)
    ok = (sizes is not None and all(_is_int(s) and s > 0 for s in sizes)
          and (allow_empty or sizes) and (lengths is None or len(sizes) in lengths or (allow_int and len(sizes) == 1)))
    if not ok:
        shape = "" if lengths is None else f" ({' or '.join(map(str, lengths))} of them)"
        one = "a positive int or " if allow_int else ""
        raise InvalidParameterError(
            f"{name}={value!r} is not valid: {name} must be {one}a sequence of positive ints{shape}, e.g. "
            f"{_size_example(name, lengths)}.")
    return tuple(int(s) for s in sizes)


def _size_example(name, lengths):
    if name == "convs_per_block" and lengths[0] == 0:
        return f"{name}=1 (there are no blocks)"
    if name == "convs_per_block":
        return f"{name}=2, or one count per block: {name}={(1,) + (2,) * (lengths[0] - 1)}"
    if lengths == (2,):
        return f"{name}=(32, 32)"
    if lengths == (2, 3):
        return f"{name}=(28, 28) or (28, 28, 3)"
    return f"{name}=(32, 64)"


def check_flag(value, name):
    """A True/False parameter as a bool, an InvalidParameterError otherwise (the string 'False' is true)."""
    if not isinstance(value, (bool, np.bool_)):
        raise InvalidParameterError(f"{name} must be True or False, got {value!r:.40}.")
    return bool(value)


def check_positive_int(value, name, caller):
    """``value`` as an int >= 1; an InvalidParameterError naming ``caller``'s parameter otherwise."""
    if not _is_int(value) or value < 1:
        raise InvalidParameterError(f"The {name!r} parameter of {caller} must be a positive int, got {value!r}.")
    return int(value)


# The names of the callbacks the estimators add themselves (sknn._base and the families: the sequence models'
# "clipnorm") and the engine's own ("epoch_timer", sknn._engine's default callback).
_OWN_CALLBACK_NAMES = ("lr_scheduler", "schedule", "progress_bar", "print_log", "stopping", "module_check",
                       "lr_resume", "clipnorm", "epoch_timer")


def check_callbacks(callbacks, learning_rate="constant"):
    """The user's ``callbacks``: skorch callbacks (instances or classes) or (name, callback) pairs.

    A learning-rate scheduler among them is refused beside a ``learning_rate`` schedule of
    the estimator's own: each would set the rate, and the two would compound silently.
    """
    from skorch.callbacks import Callback, LRScheduler

    for i, item in enumerate(callbacks or ()):
        cb = item
        if isinstance(item, tuple):
            if len(item) != 2 or not isinstance(item[0], str):
                raise InvalidParameterError(f"callbacks[{i}] is the tuple {item!r}; a named callback is a pair "
                                            "(name, callback) with a str name.")
            if item[0] in _OWN_CALLBACK_NAMES:
                raise InvalidParameterError(f"callbacks[{i}] is named {item[0]!r}, the name of one of sknn's own "
                                            f"callbacks ({', '.join(_OWN_CALLBACK_NAMES)}); give it another name.")
            cb = item[1]
        if not (isinstance(cb, Callback) or (isinstance(cb, type) and issubclass(cb, Callback))):
            raise InvalidParameterError(
                f"callbacks[{i}] is {cb!r:.80} (of type {type(cb).__name__}), not a skorch callback: pass instances of "
                "skorch.callbacks.Callback subclasses (e.g. Checkpoint(...), LRScheduler(...)) or (name, callback) "
                "pairs.")
        if isinstance(cb, type):  # skorch creates a class given with no arguments: does it need some?
            try:
                inspect.signature(cb).bind()
            except TypeError as exc:
                raise InvalidParameterError(f"callbacks[{i}] is the class {cb.__name__}, which needs arguments "
                                            f"({exc}): pass an instance, {cb.__name__}(...).") from None
        scheduler = isinstance(cb, LRScheduler) or (isinstance(cb, type) and issubclass(cb, LRScheduler))
        if scheduler and learning_rate != "constant":
            raise InvalidParameterError(
                f"callbacks[{i}] is a learning-rate scheduler, and learning_rate={learning_rate!r} schedules the "
                "rate too: the two would compound. Pass learning_rate='constant' to let your scheduler set the rate.")
    return list(callbacks or ())


# the optimizer's settings that are the estimators' own parameters (skorch's optimizer__<setting>)
_OPTIMIZER_SETTINGS = {"lr": ("learning_rate_init",), "weight_decay": ("alpha",), "momentum": ("momentum",),
                       "nesterov": ("nesterov",), "betas": ("beta_1", "beta_2")}


def check_nested_params(estimator, params):
    """Refuse skorch-style nested parameters of ``set_params`` (``module__hidden``, ``criterion__reduction``,
    ``optimizer__weight_decay``) where the parameter is not an estimator with parameters of its own: scikit-learn
    would call ``set_params`` on a class, a loss or a name (an AttributeError from inside it). Names the fix."""
    own = estimator.get_params(deep=False)
    for key, value in params.items():
        name, _, setting = key.partition("__")
        current = own.get(name)
        if not setting or name not in own or (hasattr(current, "set_params") and not isinstance(current, type)):
            continue  # a plain parameter, an unknown one (scikit-learn names it), or an estimator's own parameter
        given = f"{key}={value!r:.60}: sknn's estimators take no skorch-style nested parameters"
        if name == "optimizer":
            mine = [p for p in _OPTIMIZER_SETTINGS.get(setting, ()) if p in own]
            settings = ", ".join(p for ps in _OPTIMIZER_SETTINGS.values() for p in ps if p in own)
            fix = (f"the optimizer's {setting} is the estimator's own parameter {' and '.join(mine)}: pass "
                   f"{', '.join(p + '=...' for p in mine)}" if mine else
                   f"sknn sets no {setting} of the optimizer; its settings are the estimator's parameters {settings}")
            if setting == "weight_decay" and mine:
                fix += " (the L2 penalty: weight_decay is alpha with optimizer='adamw', alpha / batch_size otherwise)"
            raise ValueError(f"{given}, and optimizer={current!r} is the optimizer's name; {fix}.")
        if name in ("module", "criterion"):
            with_setting = _with_setting(current, setting, value, "YourNet" if name == "module" else "YourLoss")
            raise ValueError(f"{given}, and {name}={current!r:.80} is not an estimator with parameters of its own. "
                             f"Give the setting with the {name}: {name}={with_setting} (or a function that builds "
                             f"it); in a grid search, a list of those as the values of {name!r}.")
        raise ValueError(f"{given}, and {name}={current!r:.80} is not an estimator with parameters of its own: set "
                         f"{name} itself, set_params({name}=...).")


def _with_setting(current, setting, value, placeholder):
    """How to write ``current`` (a class, a factory, a partial, an instance or None) with ``setting=value``."""
    base = current.func if isinstance(current, functools.partial) else current
    if base is not None and (isinstance(base, torch.nn.Module) or not hasattr(base, "__name__")):
        return f"an instance or factory of {type(base).__name__} with {setting}={value!r:.60}"
    kept = current.keywords if isinstance(current, functools.partial) else {}
    settings = ", ".join(f"{k}={v!r:.60}" for k, v in {**kept, setting: value}.items())
    return f"functools.partial({placeholder if base is None else base.__name__}, {settings})"


def positive_rows(sample_weight, X, y=None, class_weight=None):
    """The rows of X whose weight is above 0 when some weights are 0 (by ``sample_weight``, or a ``class_weight``
    of 0 for the label of ``y``), else None: a fit learns its preprocessing (scaling, categories, vocabulary)
    from the rows it trains on. Weights that are not numbers are refused (:func:`refuse_weights_not_numbers`); others
    that do not pass their checks give None (the checks after name them)."""
    zero_labels = [k for k, v in class_weight.items() if v == 0] if isinstance(class_weight, dict) else []
    if sample_weight is None and not zero_labels:
        return None
    refuse_weights_not_numbers(sample_weight, "sample_weight")
    try:
        n = _num_samples(X)
        w = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        dates = getattr(getattr(y, "dtype", None), "kind", None) in ("m", "M")  # (as objects: nanoseconds, or dates)
        labels = None if y is None else np.asarray(y) if dates else np.asarray(y, dtype=object)
        if dates:  # (a key of another moment names no class: cast, it would name one)
            zero_labels = [k for k in (_in_unit(k, labels.dtype) for k in zero_labels)
                           if getattr(k, "dtype", None) == labels.dtype]
        if labels is not None and labels.ndim == 2 and labels.shape[1] == 1:  # a column of labels
            labels = labels[:, 0]
        if zero_labels and labels is not None and labels.ndim == 1 and len(labels) == len(w):
            w = np.where(np.isin(labels, np.asarray(zero_labels, dtype=labels.dtype)), 0.0, w)
    except (TypeError, ValueError):
        return None
    if w.shape != (n,) or not np.isfinite(w).all() or (w < 0).any() or w.all() or not w.any():
        return None
    return np.flatnonzero(w > 0)


def check_float32_weights(positive):
    """Refuse weights (those above 0) that float32, the precision partial_fit steps by them in, cannot hold: they
    would become 0 (no step) or infinity (a diverged fit blamed on the features)."""
    info = np.finfo(np.float32)
    odd = positive[(positive > info.max) | (positive < info.tiny)]
    if len(odd):
        raise ValueError(f"sample_weight (with any class_weight) holds {odd[0]:.3g}, which float32, the precision "
                         f"partial_fit trains in, cannot hold (weights above 0 must lie within {info.tiny:.3g} to "
                         f"{info.max:.3g}); partial_fit steps by each call's weights as given: rescale them, e.g. to a "
                         "mean of 1.")


def checked_sample_weight(sample_weight, rows):
    """``sample_weight`` as float64, one per row of ``rows``, refused unless numbers, finite and non-negative
    (scikit-learn's check, as fit and score apply it; what it would read as numbers or name no input for, by
    :func:`refuse_weights_not_numbers`)."""
    if isinstance(sample_weight, np.ndarray) and sample_weight.ndim == 0:  # np.array(2.0): the number, as 2.0 is
        sample_weight = sample_weight.item()
    refuse_weights_not_numbers(sample_weight, "sample_weight")
    try:
        return _check_sample_weight(sample_weight, rows, dtype=np.float64, ensure_non_negative=True)
    except (TypeError, ValueError) as exc:
        if "contains NaN" in str(exc) or "contains infinity" in str(exc):  # (scikit-learn's names no fix)
            values = pd.Series(np.ravel(np.asarray(sample_weight, dtype=object))).to_numpy(np.float64, na_value=np.nan)
            at = int(np.flatnonzero(~np.isfinite(values))[0])  # (sklearn found one: so do these same values)
            raise ValueError(f"sample_weight[{at}] is {values[at]}: a weight must be a finite number; give those "
                             "samples a weight (0 leaves them out) or drop them.") from None
        if "sample_weight" in str(exc) or "Sample weight" in str(exc):  # scikit-learn's, naming it
            raise
        given = f"a {type(sample_weight).__name__} of dtype {sample_weight.dtype}" if hasattr(sample_weight, "dtype") \
            else f"{sample_weight!r:.60}"  # (a Series' or an array's repr runs over lines)
        raise ValueError(f"sample_weight is not an array of numbers ({given}: {exc}); give one number per "
                         "sample.") from None


def refuse_weights_not_numbers(weights, name):
    """Refuse weights that numpy would read as numbers they are not (dates as nanoseconds since 1970, durations in
    their unit), complex ones, containers without an order (a dict, a set, a generator) and masked arrays with
    values masked (:func:`unmasked`: the values under the mask are no weights), by ``name``."""
    unmasked(weights, name)
    if isinstance(weights, (Mapping, AbstractSet)) or inspect.isgenerator(weights):
        raise TypeError(f"{name} is a {type(weights).__name__}: give one number per sample, in the samples' order, as "
                        "a list, array or pandas Series.")
    kind = getattr(getattr(weights, "dtype", None), "kind", None)
    if kind is None and isinstance(weights, (list, tuple)) and len(weights):
        kind = getattr(np.asarray(weights[:1]).dtype, "kind", None) if not isinstance(weights[0], str) else None
    if kind in ("M", "m"):
        what = "dates, which would be read as counts of their unit since 1970" if kind == "M" else \
            "durations, which would be read as counts of their unit"
        raise ValueError(f"{name} holds {what}: give numbers (e.g. weights growing with time: 1 + (t - t.min()) / "
                         "np.timedelta64(1, 'D')).")
    if kind == "c":
        refuse_complex(name, "give real, non-negative weights.")


def check_non_negative_weights(weights, name):
    """Weights as a float64 array, refused unless numbers, finite and non-negative (the rule of
    ``sample_weight``)."""
    refuse_weights_not_numbers(weights, name)
    try:
        w = np.asarray(weights, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} is not an array of numbers ({weights!r:.60}); give one number per sample (one per "
                         "sequence for the sequence models).") from None
    bad = np.flatnonzero(~np.isfinite(w) | (w < 0))
    if bad.size:
        raise ValueError(f"{name} holds {float(w.flat[bad[0]])!r} (at position {bad[0]}); weights must be finite "
                         "and non-negative (0 leaves the samples out).")
    return w


def _class_weight_values(class_weight):
    """The dict ``class_weight``'s weights as floats, each checked by the rule of sample weights."""
    values = {}
    for label, weight in class_weight.items():
        if not isinstance(weight, Real) or isinstance(weight, (bool, np.bool_)):
            raise InvalidParameterError(f"class_weight={class_weight!r}: the weight of class {label!r} is "
                                        f"{weight!r}, not a number.")
        if not (math.isfinite(weight) and weight >= 0):
            raise ValueError(f"class_weight={class_weight!r}: the weight of class {label!r} is {weight!r}; class "
                             "weights must be finite and non-negative, as sample weights are (0 leaves the class "
                             "out).")
        values[label] = float(weight)
    return values


def label_list(labels):
    """A numpy array of labels as a list of Python values (``tolist``), dates and durations kept as numpy's (``tolist``
    gives nanoseconds as ints, or ``datetime.date``)."""
    return list(labels) if labels.dtype.kind in "mM" else labels.tolist()


def class_weight_vector(class_weight, classes):
    """The weight of each class of ``classes`` given the dict ``class_weight`` (1 for classes it omits). Labels it
    names that are not in ``classes`` are refused where it omits one of them (a misspelt label, as scikit-learn's
    rule), and pass where it weighs them all (a fold of a cross-validation that holds no row of a rare class)."""
    values = _class_weight_values(class_weight)
    labels = label_list(classes)
    if classes.dtype.kind in "mM":  # keys of dates and durations: in the classes' unit
        values = {_in_unit(k, classes.dtype): v for k, v in values.items()}
    unknown = set(values) - set(labels)
    if unknown and not all(c in values for c in labels):
        shown = ", ".join(repr(v) for v in sorted(unknown, key=str))  # sorted as text: labels may mix types
        raise ValueError(f"class_weight names labels that are not in y: {shown}; y's classes are "
                         f"{', '.join(repr(c) for c in labels[:20])}.")
    return np.array([values.get(c, 1.0) for c in labels])


def _in_unit(key, dtype):
    """A class_weight key as a label of the dates or durations ``dtype``: in its unit where the key is exactly such a
    moment or span (an hour's key beside classes of days stays itself, naming no class), else as it is."""
    if isinstance(key, (int, float, str)):
        return key
    try:
        exact = (np.datetime64 if dtype.kind == "M" else np.timedelta64)(key)
        in_unit = exact.astype(dtype)
    except (TypeError, ValueError):
        return key
    return in_unit if in_unit == exact else key


def check_fit_params(est):
    """What every network checks at ``fit`` beyond ``_parameter_constraints``, before touching the data."""
    check_callbacks(getattr(est, "callbacks", None), getattr(est, "learning_rate", "constant"))
    class_weight = getattr(est, "class_weight", None)
    if isinstance(class_weight, dict):
        _class_weight_values(class_weight)


# -- values (the checks of numbers are in sknn._numbers) ------------------------------------------
def check_width(n_values, expected, name, expected_name, unit="values per row"):
    """Refuse input of ``n_values`` values where ``expected`` are needed, naming both."""
    if n_values != expected:
        raise ValueError(f"{name} has {n_values} {unit}, but {expected_name} is {expected}; pass {expected} "
                         f"{unit}.")


def reads_as_number(text):
    """Whether the string ``text`` reads as a number to float() ('2.5', ' 1e3', 'nan')."""
    try:
        float(text)
        return True
    except ValueError:
        return False


def first_non_string(tokens):
    """Index of the first item of ``tokens`` (a sequence) that is not a str (None included), or -1."""
    if all(map(isinstance, tokens, itertools.repeat(str))):  # (at C speed: a corpus holds millions of tokens)
        return -1
    for j, t in enumerate(tokens):
        if not isinstance(t, str):
            return j
    return -1


# -- data containers ---------------------------------------------------------------------------------
def merged_validation_data(validation_data, X_val=None, y_val=None, sample_weight_val=None, needs_y=True):
    """``fit``'s validation set, given as ``validation_data`` (Keras' form) or as ``X_val``, ``y_val`` and
    ``sample_weight_val`` (scikit-learn's, HistGradientBoosting's: a Pipeline transforms X_val with
    ``transform_input=['X_val']``), as ``validation_data``."""
    given = [name for name, value in (("X_val", X_val), ("y_val", y_val), ("sample_weight_val", sample_weight_val))
             if value is not None]
    if not given:
        return validation_data
    if validation_data is not None:
        raise ValueError(f"validation_data and {', '.join(given)} are given together: pass the validation set once, "
                         "as validation_data=(X_val, y_val) or as X_val=..., y_val=... (scikit-learn's names, which "
                         "Pipeline(..., transform_input=['X_val']) transforms).")
    if X_val is None:
        raise ValueError(f"{given[0]} is given without X_val: pass the validation inputs as X_val too.")
    if needs_y and y_val is None:
        raise ValueError("X_val is given without y_val: pass the validation targets as y_val too.")
    return (X_val, y_val) if sample_weight_val is None else (X_val, y_val, sample_weight_val)


def check_validation_data(validation_data):
    """``fit``'s ``validation_data`` as ``(X_val, y_val, sample_weight_val)``, from a tuple of 2 or 3 (Keras' form),
    or None."""
    if validation_data is None:
        return None
    if not isinstance(validation_data, tuple) or len(validation_data) not in (2, 3):
        found = (f"a tuple of {len(validation_data)}" if isinstance(validation_data, tuple)
                 else f"{type(validation_data).__name__}")
        raise ValueError(f"validation_data is {found}; pass a tuple (X_val, y_val) or (X_val, y_val, "
                         "sample_weight_val), X_val and y_val in the form fit takes X and y (y_val=None for a "
                         "language model).")
    X_val, y_val, *weights = map(detached, validation_data)  # tensors that require grad: their values
    y_val = unmasked(y_val, "y_val")  # (X_val: by fit's rule for X; sample_weight_val: by the weights')
    w_val = weights[0] if weights else None
    check_rows_paired(X_val, y_val, w_val, ("X_val", "y_val", "sample_weight_val"))  # (before labels lose an index)
    return X_val, y_val, w_val


def is_unordered(items):
    """Whether ``items`` is a set or a mapping: its order is not the order a user gave (refused where order is read)."""
    return isinstance(items, (AbstractSet, Mapping))


def validate_data(estimator, X, *args, **kwargs):
    """scikit-learn's ``validate_data``, after :func:`check_unique_columns` and
    :func:`sknn._column_labels.check_column_label_order`. Column names of a subclass of str (``np.str_`` from an
    array of names, a ``StrEnum``) are read as the strings they are: scikit-learn records str names only, and would
    read such a table by position, its columns in another order at predict too."""
    X = plain_text_names(X)
    check_unique_columns(X)
    check_column_label_order(estimator, X, kwargs.get("reset", True))
    return _sklearn_validate_data(estimator, X, *args, **kwargs)


def raw_input_checked(check, *args):
    """``check(*args)`` of an estimator reading X as it is (``preprocessing=None``; ``args``: X, y in a fit, then
    ``reset``), with scikit-learn's messages for text and NaN in X, which suggest other estimators or name no fix,
    replaced by ones that do. In a new fit (``reset``), X's columns that float32 would lose are refused
    (:func:`check_float32_columns`): the network would never see what they hold."""
    X = args[0]
    # a pandas categorical of text: pandas' own error where a nullable column stands beside it ('Cannot cast str
    # dtype to float32'), scikit-learn's where none does: named as text either way, before any conversion
    for column, dtype in getattr(X, "dtypes", {}).items():
        if getattr(dtype, "name", None) == "category" and len(dtype.categories) and pd.api.types.infer_dtype(
                dtype.categories, skipna=True) in ("string", "bytes", "mixed", "mixed-integer"):
            raise _raw_text_error(repr(dtype.categories[0]))
    check_not_complex(X, objects=True)
    check_float64_cells(X.to_numpy() if hasattr(X, "columns") else X, "X", _raw_fix(X))
    try:
        checked = check(*args)
    except ValueError as exc:  # scikit-learn's messages, which suggest other estimators or name no fix
        if "could not convert string to float" in str(exc):
            raise _raw_text_error(re.sub(r"^np\.str_\((.*)\)$", r"\1", str(exc).split(": ", 1)[-1])) from None
        if "Input X contains infinity" in str(exc):
            raise ValueError(f"Input X contains infinity (or a value too large for float32) in {_infinite_column(X)}: "
                             "with preprocessing=None the network reads X as it is; replace it with a finite number, "
                             "or with a missing value and fit with preprocessing='auto' (the default).") from None
        if "encoded as NaN" not in str(exc):
            raise
        if sp.issparse(X):  # (preprocessing='auto' reads no missing value of a sparse X either)
            raise ValueError("Input X contains NaN in its stored values: a sparse X must hold numbers; impute them "
                             "first (e.g. SimpleImputer in a Pipeline), or pass X.toarray(), whose missing values "
                             "preprocessing='auto' (the default) handles.") from None
        raise ValueError("Input X contains NaN: with preprocessing=None the network reads X as it is; fit with "
                         "preprocessing='auto' (the default), which handles missing values, or impute them first "
                         "(e.g. SimpleImputer in a Pipeline).") from None
    if args[-1] is True:
        names = [repr(c) for c in X.columns] if hasattr(X, "columns") else None
        check_float32_columns(_as_float64(X), "X", _raw_fix(X), names=names)
    return checked


def _infinite_column(X):
    """"column 'name'" (or "column 3"): the first column of X holding an infinite number; "a column" where none is
    found so (infinity written as text)."""
    try:
        if sp.issparse(X):  # its stored values only (a dense copy could take all the memory there is)
            entries = X.tocoo()
            j = int(entries.col[~np.isfinite(np.asarray(entries.data, dtype=np.float64))][0])
        else:
            j = int(np.flatnonzero(~np.isfinite(np.asarray(X, dtype=np.float64)).all(axis=0))[0])
    except (TypeError, ValueError, IndexError):
        return "a column"
    return f"column {X.columns[j]!r}" if hasattr(X, "columns") else f"column {j}"


def _raw_text_error(value):
    """The error for text (``value``, as it is shown) in X read as it is (``preprocessing=None``)."""
    return ValueError(f"Input X contains text ({value}): with preprocessing=None the network reads X as it is; fit "
                      "with preprocessing='auto' (the default), which encodes categories, or encode them first (e.g. "
                      "OneHotEncoder).")


def refuse_complex(name, fix):
    """The refusal of complex numbers in ``name``, with scikit-learn's words (its estimator checks look for them)."""
    raise ValueError(f"Complex data not supported: {name} holds complex numbers; {fix}")


def check_not_complex(X, name="X", objects=False):
    """``X``, refused by name if it is an array, sparse matrix or DataFrame of complex numbers, or a list of rows
    whose first row holds one (scikit-learn's error prints every value and names no fix); with ``objects``, an
    object array's first row is looked at too (elsewhere the column rules name its column)."""
    kinds = [dtype.kind for dtype in X.dtypes] if hasattr(X, "dtypes") and not hasattr(X, "dtype") else \
        ["c" if X.is_complex() else None] if isinstance(X, torch.Tensor) else \
        [getattr(getattr(X, "dtype", None), "kind", None)]
    rows = isinstance(X, (list, tuple)) or (objects and isinstance(X, np.ndarray) and X.dtype == object)
    if rows and len(X):  # a list of rows, or an object array: the values of its first row
        kinds = ["c" for v in np.ravel(np.asarray(X[0], dtype=object)) if isinstance(v, (complex, np.complexfloating))]
    if "c" in kinds:
        stack = "scipy.sparse.hstack" if sp.issparse(X) else "np.column_stack"
        refuse_complex(name, f"pass their real and imaginary parts (or their modulus and angle) as columns of real "
                             f"numbers (e.g. {stack}([{name}.real, {name}.imag])).")
    return X


def unmasked(values, name="X", missing=False):
    """``values`` without numpy's mask (numpy and scikit-learn read the values under it): a masked array's masked
    cells as missing values where ``missing`` (a table's X: NaN among floats, None in other cells, which the column
    rules read as missing), refused by ``name`` elsewhere (targets, weights, images). Nothing masked: its data."""
    if not isinstance(values, np.ma.MaskedArray):
        return values
    mask, data = np.ma.getmaskarray(values), np.asarray(values.data)
    if not mask.any():
        return data
    if not missing:
        raise ValueError(f"{name} is a masked array with {int(mask.sum())} masked value(s), which would be read as "
                         f"the values under the mask: fill them ({name}.filled(value)) or leave those samples out.")
    if data.dtype.kind == "f" or (data.dtype.kind in "iub" and np.abs(data, dtype=np.float64).max(initial=0) <= 2**53):
        return np.where(mask, np.nan, data.astype(np.float64))  # (whole numbers float64 holds exactly; booleans 0/1)
    cells = data.astype(object)
    cells[mask] = None
    return cells


def plain_items(X, name="X"):
    """X itself, or for a list (or tuple) holding torch tensors or masked arrays (images, sequences), the list of
    their values as numpy reads them: tensors detached (one that requires grad, or on a GPU), masked arrays refused
    by name (:func:`unmasked`: their masked cells would be read as the values under the mask)."""
    if isinstance(X, (list, tuple)) and any(isinstance(x, (torch.Tensor, np.ma.MaskedArray)) for x in X):
        return [unmasked(detached(x, f"{name}[{i}]").numpy() if isinstance(x, torch.Tensor) else x, f"{name}[{i}]")
                for i, x in enumerate(X)]
    return X


def refuse_records(X, name="X"):
    """Refuse a table given as records or named fields, which scikit-learn reads as one column of objects (its
    message then advises a reshape): a dict of columns, a list of dicts, a structured numpy array. The fix:
    ``pd.DataFrame(X)``, which reads each of them by its names. X itself otherwise."""
    what = ("a dict (of columns?)" if isinstance(X, Mapping) and not sp.issparse(X)  # (a dok_matrix is a dict)
            else "a list of dicts (records)" if isinstance(X, (list, tuple)) and len(X) and isinstance(X[0], Mapping)
            else "a structured array" if getattr(getattr(X, "dtype", None), "names", None) else None)
    if what:
        raise TypeError(f"{name} is {what}: pass it as a table, pd.DataFrame({name}), whose columns are its names.")
    return X


def _raw_fix(X):
    return f"Scale it first, in float64 (e.g. {scaler_example(X)})."


def _as_float64(X):
    """X (checked numbers) as the float64 matrix that becomes float32; None when X is float32 already."""
    if sp.issparse(X):
        return X if X.dtype == np.float64 else X.astype(np.float64) if X.dtype.kind in "iub" else None
    values = np.asarray(X)
    return None if values.dtype == np.float32 else values.astype(np.float64)


_NUMPY_FLOATS = (torch.float16, torch.float32, torch.float64)  # the floating-point dtypes numpy has


def detached(X, name="X"):
    """A torch tensor as numpy reads it: detached from the autograd graph and on the CPU, the same values (numpy
    refuses a tensor that requires grad, or one on a GPU); floats of a type numpy lacks (bfloat16, float8) as
    float32, complex32 as complex64, quantized tensors as their float32 values, all exactly; anything else as it
    is. A sparse tensor (which numpy cannot read) is refused by ``name``."""
    if not isinstance(X, torch.Tensor):
        return X
    if X.layout != torch.strided:
        raise TypeError(f"{name} is a torch tensor of layout {str(X.layout).replace('torch.', '')}, which numpy "
                        f"cannot read: pass {name}.to_dense()"
                        + (" (or a scipy.sparse matrix, where the estimator takes one)." if name == "X" else "."))
    X = X.detach().cpu().resolve_conj().resolve_neg()
    if X.is_quantized:
        return X.dequantize()
    if X.dtype.is_floating_point and X.dtype not in _NUMPY_FLOATS:
        return X.float()
    return X.to(torch.complex64) if X.dtype == torch.complex32 else X


def refuse_data_loader(X, caller):
    """Refuse a torch DataLoader or Dataset as X, naming what to pass instead (sknn batches the data itself), and a
    set, which has no order for the predictions to follow."""
    if isinstance(X, (set, frozenset)):
        raise TypeError(f"{caller} got a set as X, which has no order: pass a list or an array of its items (in the "
                        "order the outputs are to follow).")
    if isinstance(X, (torch.utils.data.DataLoader, torch.utils.data.Dataset)):
        raise TypeError(f"{caller} got a torch {type(X).__name__} as X; sknn's estimators take the data "
                        "itself and batch it themselves (batch_size): pass X as an array, DataFrame, sparse matrix, "
                        "list of sequences or image paths, e.g. X = torch.cat([x for x, *_ in loader]).numpy() for a "
                        "loader of (x, y) tensor batches.")
