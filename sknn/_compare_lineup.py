"""What ``sknn compare`` compares: the task, the metrics and the line-up of models.

Task detection (with the reason it gives), the metrics known by a short name, the default
models for a task (a baseline, a linear model, a forest, gradient boosting, the boosting
libraries when installed, and sknn's network), and the selection among them by alias.
The schedule of fits and the table are in :mod:`sknn._compare`.
"""

from numbers import Number

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone, is_classifier, is_regressor
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.ensemble import (HistGradientBoostingClassifier, HistGradientBoostingRegressor, RandomForestClassifier,
                              RandomForestRegressor)
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, LabelEncoder, OneHotEncoder, StandardScaler
from sklearn.utils.validation import check_is_fitted

from ._compare_checks import FROM_ARRAY
from ._compare_metrics import DEFAULT_SCORING, METRICS, Metric  # noqa: F401 (in __all__)
from ._numeric_targets import check_real_target
from ._numbers import check_exact_in_float64
from ._tabular_columns import frame_column
from ._tabular_numbers import check_number_column
from ._tabular_text import describe_placeholders, placeholder_cells
from ._tabular_numbers import check_exact_column
from ._column_labels import check_unique_columns

__all__ = ["BASELINE", "DEFAULT_SCORING", "METRICS", "MODEL_ALIASES", "Metric", "LabelEncodedClassifier",
           "default_models", "detect_task"]

# Short names accepted by ``models=[...]`` and ``sknn compare --models``: alias -> role.
MODEL_ALIASES = {"dummy": "dummy", "baseline": "dummy", "linear": "linear", "forest": "forest",
                 "boosting": "boosting", "lightgbm": "lightgbm", "xgboost": "xgboost", "catboost": "catboost",
                 "network": "network"}

BASELINE = "Dummy (baseline)"

# --------------------------------------------------------------------------- task

def _is_missing(y):
    if y.dtype.kind in "fc":
        return np.isnan(y)
    if y.dtype.kind == "O" or y.dtype.kind == "T":
        return np.asarray(pd.isna(y), dtype=bool)
    return np.zeros(len(y), dtype=bool)


def _task_with_reason(y):
    task, reason = _guess_task(y)
    y = np.asarray(y)
    if task == "classification" and y.dtype.kind == "f" and np.abs(y).max() > 2**53:
        # class codes beyond what floats hold exactly (the folds would call them 'continuous'), or a quantity?
        raise ValueError(f"y holds whole numbers as large as {np.abs(y).max():.3g}, beyond what floats hold exactly "
                         "(2**53): for classes pass them as strings (y.astype(str)); for a quantity, pass "
                         "task='regression' (--task regression).")
    return task, reason


def _refuse_flags_beside_numbers(y):
    """Refuse an object y of True/False beside numbers (True == 1: one class or value would hold both)."""
    if y.dtype.kind != "O":
        return
    kinds = {type(v) for v in y}
    flags = [k for k in kinds if issubclass(k, (bool, np.bool_))]
    if flags and any(issubclass(k, (Number, np.number)) and k not in flags for k in kinds):
        raise ValueError(f"y mixes True/False with numbers (types {sorted(k.__name__ for k in kinds)}), which Python "
                         "counts as the same values (True == 1); give every label one type (y.astype(int), or "
                         "y.astype(str) for labels).")


def _guess_task(y):
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must be one column of labels or numbers; got an array of shape {y.shape}.")
    check_real_target(y)
    if len(y) == 0:
        raise ValueError("y is empty.")
    if y.dtype.kind == "b":
        return "classification", "true/false values"
    if y.dtype.kind not in "iuf":
        _refuse_flags_beside_numbers(y)
        cells = placeholder_cells(y) if y.dtype.kind in "OUT" else None
        if cells:
            raise ValueError(f"y holds numbers but for {describe_placeholders(cells)}: if those mark missing "
                             "values, make them missing (pd.to_numeric(y, errors='coerce'); on the command line "
                             f"--na-values {','.join(cells)}) and the rows are left out; for classes, pass "
                             "task='classification' (--task classification).")
        try:
            numbers = y.astype(float)
        except (TypeError, ValueError):
            n = len(pd.unique(y))
            return "classification", f"{n} distinct labels that are not numbers"
        if y.dtype.kind in "US" or (y.dtype.kind == "O" and any(isinstance(v, (str, bytes)) for v in y[:1000])):
            return "classification", f"{len(pd.unique(y))} distinct labels that are not numbers"  # (text: classes)
        y = numbers
    if y.dtype.kind == "f":
        if not np.isfinite(y).all():
            raise ValueError("y holds infinite values; remove those rows or fix the target.")
        if not np.array_equal(y, np.round(y)):
            return "regression", "numbers with fractional parts"
    values, counts = np.unique(y, return_counts=True)
    k = len(values)
    shown = f"{values[0]:g}..{values[-1]:g}"
    if k <= 2:
        return "classification", f"{k} distinct values ({', '.join(f'{v:g}' for v in values)})"
    if k > 30:
        return "regression", f"{k} distinct whole numbers ({shown}): a quantity, not class codes"
    codes = values[0] in (0, 1) and values[-1] - values[0] + 1 == k
    if k > 10 and np.median(counts) < 5:
        return "regression", (f"{k} distinct whole numbers ({shown}), most of them in fewer than 5 rows: "
                              "a quantity, not class codes")
    if codes:
        return "classification", f"{k} distinct whole numbers {shown}: class codes"
    if k > 10:  # (class codes run 0..k-1 or 1..k)
        how = "not starting at 0 or 1" if values[-1] - values[0] + 1 == k else "with gaps"
        return "regression", f"{k} distinct whole numbers from {values[0]:g} to {values[-1]:g}, {how}: a quantity"
    return "classification", (f"{k} distinct whole numbers ({', '.join(f'{v:g}' for v in values)}), read as classes "
                              "though not numbered from 0 or 1 without gaps: if they count or measure something, "
                              "pass task='regression' (--task regression)")  # (few values: codes, or a count?)


def detect_task(y, return_reason=False):
    """'classification' or 'regression', from the target's values (and why, with ``return_reason``).

    Labels that are not numbers, and true/false, are classes. Numbers with fractional
    parts are a regression target. Whole numbers are class codes when there are at most
    2 of them, or up to 30 consecutive ones from 0 or 1 (0..9 for digits) with most
    values in 5 rows or more; otherwise they are a quantity (prices, counts, years):
    more than 30 distinct values, more than 10 with gaps between them or not starting at 0
    or 1 (years), or more than 10 that mostly occur in fewer than 5 rows. Pass the task explicitly when this guess is
    wrong (``task=`` or ``sknn compare --task``).

    Examples
    --------
    >>> detect_task([0, 1, 2, 1, 0, 2])
    'classification'
    >>> detect_task([25_000 + 500 * i for i in range(219)], return_reason=True)
    ('regression', '219 distinct whole numbers (25000..134000): a quantity, not class codes')
    >>> detect_task(["yes", "no", "no"], return_reason=True)
    ('classification', '2 distinct labels that are not numbers')
    """
    y = np.asarray(y)
    if y.dtype.kind in "fO":
        y = y[~_is_missing(y)]
    task, reason = _task_with_reason(y)
    return (task, reason) if return_reason else task


def _show(value):
    """repr of a label without numpy's wrapper (np.str_('a') -> 'a')."""
    return repr(value.item() if isinstance(value, np.generic) else value)


# a target beyond this squares (summed over a million rows) past float64's limit, 1.8e308: metrics overflow
_LARGEST_TARGET = 1e150
# errors below this square under float64's smallest normal number, 2.2e-308: r2 divides zeros
_SMALLEST_SPREAD = 1e-150


def _check_target(y, task):
    """Refuse a target that cannot serve the task, naming it and the fix."""
    if task == "regression":
        check_exact_in_float64(y, "y", "subtract an offset first (y - y.min()), or rescale it.")  # (as the networks)
        if y.dtype.kind == "b":
            raise ValueError("task='regression' needs numbers, but y holds true/false values; use "
                             "task='classification'.")
        if y.dtype.kind not in "iuf":
            try:
                y = y.astype(float)
            except (TypeError, ValueError):
                labels = ", ".join(_show(v) for v in pd.unique(y)[:3])
                raise ValueError(f"task='regression' needs numbers, but y holds labels such as {labels}; use "
                                 "task='classification' (or --task classification).") from None
        magnitude = np.abs(y.astype(float))
        if not np.isfinite(magnitude).all():
            raise ValueError("y holds infinite values; remove those rows or fix the target.")
        if len(y) and magnitude.max() > _LARGEST_TARGET:
            exponent = int(np.floor(np.log10(magnitude.max())))
            raise ValueError(f"y reaches {magnitude.max():.3g}: squared errors that large overflow float64, so r2 and "
                             f"rmse cannot be computed; rescale the target (e.g. divide it by 1e{exponent}).")
        values = np.unique(y.astype(float))
        if len(values) == 1:
            raise ValueError(f"y holds one value ({values[0]:g}) in every row: there is nothing to predict.")
        spread = float(values[-1] - values[0])
        if spread < _SMALLEST_SPREAD:
            exponent = int(np.floor(np.log10(spread)))
            raise ValueError(f"y spans only {spread:.3g}: squared errors that small underflow float64 to zero, so "
                             f"every model would score a perfect r2; rescale the target (e.g. multiply it by "
                             f"1e{-exponent}).")
        return y
    if y.dtype.kind == "f" and not np.array_equal(y, np.round(y)):
        n = len(np.unique(y))
        raise ValueError(f"task='classification' but y holds {n} distinct numbers with fractional parts; use "
                         "task='regression' (or --task regression).")
    if y.dtype.kind == "O":
        kinds = {type(v) for v in y}
        if len(kinds) > 1 and any(issubclass(k, (str, bytes)) for k in kinds):  # numpy.str_ too
            raise ValueError(f"y mixes labels of types {sorted(k.__name__ for k in kinds)}; give every label the "
                             "same type (e.g. all strings).")
        _refuse_flags_beside_numbers(y)
    values, counts = np.unique(y, return_counts=True)
    if len(values) < 2:
        raise ValueError(f"The target has a single class ({_show(values[0])}): there is nothing to classify.")
    return y


_LARGEST_DENSE = 50_000_000  # cells of a sparse X made dense for the line-up (400 MB of float64)


def _rows_with_text(X):
    """Whether X is a 2-D object array or a list of rows holding text in some cell (numbers and text mixed)."""
    if isinstance(X, np.ndarray):
        return X.ndim == 2 and X.dtype == object and any(isinstance(v, str) for v in X.ravel()[:100_000])
    if isinstance(X, (list, tuple)) and X and isinstance(X[0], (list, tuple)):
        return any(isinstance(v, str) for row in X[:1000] for v in row)
    return False


def _check_column_names(columns):
    """Refuse names other than strings or the positions 0, 1, 2... (pd.DataFrame(array)): scikit-learn's column
    selectors read dates, floats and tuples as no column and other whole numbers as positions, and its models would
    fail on every fold (or read the wrong columns) while the network, which needs no selector, is ranked alone."""
    odd = next((c for j, c in enumerate(columns) if not isinstance(c, str)
                and not (isinstance(c, (int, np.integer)) and not isinstance(c, (bool, np.bool_)) and c == j)), None)
    if odd is not None:
        raise ValueError(f"X's column names are {type(odd).__name__} values (such as {odd!s:.40}): scikit-learn's "
                         "models select columns by string names (whole numbers they read as positions), and would "
                         "fail on every fold; make them strings (X.columns = X.columns.astype(str)).")


def _check_one_spelling(values, spelled, column):
    """Refuse two values of a text column of another type each with one spelling (1 and '1'): scikit-learn's
    encoders would read them as one text, the network as two categories."""
    if len(set(map(type, values))) < 2:  # (one type: one spelling per value)
        return
    kinds = pd.DataFrame({"text": spelled, "kind": [type(v).__name__ for v in values]}).drop_duplicates()
    twins = kinds[kinds["text"].duplicated(keep=False)]
    if len(twins):
        text = twins["text"].iloc[0]
        a, b = twins.loc[twins["text"] == text, "kind"].iloc[:2]
        raise ValueError(f"Column {column} holds {text!r} both of type {a} and of type {b}: scikit-learn's models "
                         "would read them as one text and the network as two categories; make them one value "
                         "(.astype(str)) or give them distinct spellings.")


def _check_features(X):
    """X as every model of the line-up can read it, or a ValueError naming the problem and the fix.

    A DataFrame's columns are read by the networks' rule (:func:`sknn._tabular_columns.frame_column`):
    booleans and nullable numbers become float columns (NaN where missing), strings and mixed
    labels become text categories (missing stays missing), and dates, complex numbers, lists or
    numbers with placeholder strings are refused, before any model is fitted. A list of rows or an
    object array with text in its cells is read so too, as a DataFrame of columns x0, x1, ... A sparse matrix
    is made dense (the scikit-learn peers need it); a 1-D array of numbers (one feature not
    made a column) is refused.
    """
    if hasattr(X, "tocsr") and hasattr(X, "nnz"):  # scipy.sparse, without importing it
        if X.shape[0] * X.shape[1] > _LARGEST_DENSE:
            raise ValueError(f"X is a sparse matrix of shape {X.shape}, too large to compare dense; reduce its "
                             "columns first (e.g. sklearn.decomposition.TruncatedSVD).")
        X = X.toarray()
    if hasattr(X, "shape") and len(X.shape) == 2 and X.shape[1] == 0:
        raise ValueError(f"X has no feature column (shape {X.shape}); pass at least one.")
    from_array = not isinstance(X, pd.DataFrame) and _rows_with_text(X)
    if from_array:  # typed column by column, as a DataFrame's
        X = pd.DataFrame(np.asarray(X, dtype=object)).rename(columns=lambda j: f"x{j}")
    if isinstance(X, pd.DataFrame):
        check_unique_columns(X)
        kinds = {type(c).__name__ for c in X.columns if not isinstance(c, str)}
        if kinds and any(isinstance(c, str) for c in X.columns):
            raise ValueError(f"X's column names mix strings and {', '.join(sorted(kinds))} values: scikit-learn's "
                             "models need one kind; make them all strings (X.columns = X.columns.astype(str)).")
        if isinstance(X.columns, pd.MultiIndex):
            raise ValueError("X has column names of several levels; flatten them first, e.g. X.columns = "
                             "['_'.join(map(str, name)) for name in X.columns].")
        _check_column_names(X.columns)
        columns = {}
        for j, name in enumerate(X.columns):
            kind, values = frame_column(X[name])
            if X[name].isna().all():  # no value at all: an empty number column for every model
                columns[name] = np.full(len(X), np.nan)
            elif kind == "numeric" or (isinstance(X[name].dtype, pd.CategoricalDtype)
                                       and len({isinstance(c, str) for c in X[name].cat.categories}) < 2):
                if kind == "numeric":  # numbers in an object column too: the peers' selectors pick float columns
                    values = np.where(pd.isna(values), np.nan, values).astype(np.float64)
                    check_number_column(values, f"{j} (counting from 0)" if from_array else repr(name))
                columns[name] = values if kind == "numeric" else X[name]
            else:  # one type for the encoders: text, with missing cells left missing (categories of text and
                # numbers too, which scikit-learn's encoders refuse)
                text = np.array(values, dtype=object)
                missing = np.asarray(pd.isna(text), dtype=bool)
                spelled = [str(v) for v in text[~missing]]
                _check_one_spelling(text[~missing], spelled, f"{j} (counting from 0)" if from_array else repr(name))
                text[~missing] = spelled
                text[missing] = np.nan
                columns[name] = text
        X = pd.DataFrame(columns, index=X.index)
        if len(X) and X.isna().all().all():  # (every model would fail after the fits, in its own words)
            raise ValueError("Every feature column of X is empty (all missing): give the models some values.")
        X.attrs[FROM_ARRAY] = from_array  # its columns are named by position to the user (a column 1, not 'x1')
        return X
    if np.ndim(X) == 1 and np.asarray(X).dtype.kind in "OUST":  # documents, for the user's text pipelines
        missing = np.flatnonzero(np.asarray(pd.isna(pd.Series(np.asarray(X, dtype=object))), dtype=bool))
        if len(missing):  # (a fold's own position was named, after every fit)
            raise ValueError(f"X[{missing[0]}] is missing ({len(missing)} row(s) so): give each row its document "
                             "(an empty text: ''), or leave those rows out of X and y.")
    if np.ndim(X) == 1 and np.asarray(X).dtype.kind in "biuf":  # (a 1-D list of texts is for the user's models)
        raise ValueError(f"X is one-dimensional (shape ({len(X)},)); it needs one row of features per sample: "
                         "for a single feature pass X.reshape(-1, 1) or a one-column DataFrame.")
    if np.ndim(X) == 2 and np.asarray(X).dtype.kind == "f":
        if np.asarray(X).size and np.isnan(np.asarray(X)).all():
            raise ValueError("Every feature column of X is empty (all missing): give the models some values.")
        for j, column in enumerate(np.asarray(X).T):
            check_number_column(column.astype(np.float64), str(j))
    if np.ndim(X) == 2 and np.asarray(X).dtype.kind in "iu":  # (2**62 + i: one value for every float model)
        for j, column in enumerate(np.asarray(X).T):
            check_exact_column(column, str(j))
    return X



# --------------------------------------------------------------------------- models

def _flatten_images(X):
    return np.asarray(X).reshape(len(X), -1)


_LEAF_ROWS = HistGradientBoostingClassifier().min_samples_leaf  # (20)


def _preprocessor(X, scale, min_frequency=None):
    """Imputation, one-hot encoding of the categorical columns and (for scale=True) standard scaling;
    ``min_frequency``: categories of fewer training rows share one column (and a category never trained on)."""
    if isinstance(X, pd.DataFrame):
        numeric = make_pipeline(SimpleImputer(strategy="median"), StandardScaler() if scale else "passthrough")
        one_hot = (OneHotEncoder(handle_unknown="ignore", sparse_output=False) if min_frequency is None else
                   OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=min_frequency,
                                 sparse_output=False))
        categorical = make_pipeline(SimpleImputer(strategy="most_frequent"), one_hot)
        return ColumnTransformer([
            ("numeric", numeric, make_column_selector(dtype_include=np.number)),
            ("categorical", categorical, make_column_selector(dtype_exclude=np.number)),
        ])
    steps = []
    if np.ndim(X) > 2:  # images: the tabular models see one row of pixels per image
        steps.append(FunctionTransformer(_flatten_images))
    elif scale and _has_missing_numbers(X):  # the linear model's, as a DataFrame's numeric columns (it failed on
        # every fold inside scikit-learn); the forests and boosting read missing values themselves
        steps.append(SimpleImputer(strategy="median", keep_empty_features=True))
    if scale:
        steps.append(StandardScaler())
    return make_pipeline(*steps) if steps else None


def _has_missing_numbers(X):
    """Whether an array (dense or sparse) of numbers holds NaN."""
    values = X.data if hasattr(X, "tocsr") else X
    values = np.asarray(values)
    return values.dtype.kind == "f" and bool(np.isnan(values).any())


def _with(pre, model):
    return model if pre is None else make_pipeline(pre, model)


def _text_as_categories(X):
    """The text columns of a table checked by :func:`_check_features` as pandas categoricals.

    compare has typed each column on all the rows it compares; a network given the text would
    type it again on each fold's rows, and could read a fold's column differently (codes such as
    '117' with a few 'c118' are refused as numbers with placeholders on the folds that hold few of
    the letters). As categoricals, they are categories on every fold.
    """
    text = [name for name in X.columns if _is_text(X[name].dtype)]
    return X.astype({name: "category" for name in text}) if text else X


def _is_text(dtype):
    """Whether a column of a checked table holds text (object, or pandas' string dtype)."""
    return not pd.api.types.is_numeric_dtype(dtype) and not isinstance(dtype, pd.CategoricalDtype)


def _network(X, task, random_state):
    """sknn's network in the default line-up: (name, estimator). The one place that builds it."""
    from .conv import ConvImageClassifier
    from .dense import DenseClassifier, DenseRegressor

    if task == "classification" and not isinstance(X, pd.DataFrame) and np.ndim(X) > 2:
        # images: the tabular models see rows of pixels, the network sees the images
        return "ConvImageClassifier (sknn)", ConvImageClassifier(random_state=random_state)
    # the network takes the table as it is: it encodes, scales and imputes inside (and learns a standardised target)
    if task == "classification":
        name, network = "DenseClassifier (sknn)", DenseClassifier(random_state=random_state)
    else:
        name, network = "DenseRegressor (sknn)", DenseRegressor(random_state=random_state)
    if isinstance(X, pd.DataFrame) and any(_is_text(X[column].dtype) for column in X.columns):
        return name, make_pipeline(FunctionTransformer(_text_as_categories), network)
    return name, network


class LabelEncodedClassifier(ClassifierMixin, MetaEstimatorMixin, BaseEstimator):
    """A classifier fitted on the codes 0..n_classes-1 of any labels, predicting the labels.

    XGBoost accepts only such codes, and CatBoost's ``predict`` returns a column; through
    this wrapper both take strings or any labels and predict a 1-d array, like
    scikit-learn's classifiers. ``predict`` is the most probable class; ``predict_proba``
    rows sum to 1 in float64 (XGBoost's float32 rows make scikit-learn's ``log_loss`` warn).
    """

    def __init__(self, estimator):
        self.estimator = estimator

    def fit(self, X, y, **fit_params):
        self.encoder_ = LabelEncoder().fit(y)
        self.classes_ = self.encoder_.classes_
        self.estimator_ = clone(self.estimator).fit(X, self.encoder_.transform(y), **fit_params)
        return self

    def predict_proba(self, X):
        check_is_fitted(self)
        proba = np.asarray(self.estimator_.predict_proba(X), dtype=np.float64)  # XGBoost's are float32
        return proba / proba.sum(axis=1, keepdims=True)

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


def _boosting_libraries(task, random_state, n_threads):
    """LightGBM, XGBoost and CatBoost, each when installed (``pip install 'sknn[boosting]'``): role -> (name, est)."""
    out = {}
    threads = int(n_threads or 1)
    cls = task == "classification"
    try:
        import lightgbm
    except ImportError:
        pass
    else:
        kind = lightgbm.LGBMClassifier if cls else lightgbm.LGBMRegressor
        out["lightgbm"] = ("LightGBM", kind(random_state=random_state, n_jobs=threads, verbose=-1))
    try:
        import xgboost
    except ImportError:
        pass
    else:
        if cls:
            est = LabelEncodedClassifier(xgboost.XGBClassifier(random_state=random_state, n_jobs=threads))
        else:
            est = xgboost.XGBRegressor(random_state=random_state, n_jobs=threads)
        out["xgboost"] = ("XGBoost", est)
    try:
        import catboost
    except ImportError:
        pass
    else:
        # 300 trees rather than 1,000: CatBoost picks its learning rate for the number of
        # trees, and 1,000 multiclass trees alone would take the main job past a minute.
        common = dict(iterations=300, random_seed=random_state, thread_count=threads, verbose=0,
                      allow_writing_files=False)
        est = (LabelEncodedClassifier(catboost.CatBoostClassifier(**common)) if cls
               else catboost.CatBoostRegressor(**common))
        out["catboost"] = ("CatBoost", est)
    return out


def _lineup(X, task, random_state=0, n_threads=None):
    """The default models as {role: (name, estimator)}."""
    scaled, raw = (lambda: _preprocessor(X, scale=True)), (lambda: _preprocessor(X, scale=False))
    # histogram boosting's leaves hold 20 rows or more: a category of fewer is no split of its own, only work (a
    # text column of a value per row made it 30 to 60 times slower); they share one column
    boosting_input = _preprocessor(X, scale=False, min_frequency=_LEAF_ROWS)
    rs = random_state
    threads = int(n_threads or 1)
    if task == "classification":
        models = {"dummy": (BASELINE, DummyClassifier(strategy="prior")),
                  "linear": ("LogisticRegression", _with(scaled(), LogisticRegression(max_iter=2000))),
                  "forest": ("RandomForest", _with(raw(), RandomForestClassifier(random_state=rs, n_jobs=threads))),
                  "boosting": ("HistGradientBoosting", _with(boosting_input,
                                                             HistGradientBoostingClassifier(random_state=rs)))}
    else:
        models = {"dummy": (BASELINE, DummyRegressor(strategy="mean")),
                  "linear": ("LinearRegression", _with(scaled(), LinearRegression())),
                  "forest": ("RandomForest", _with(raw(), RandomForestRegressor(random_state=rs, n_jobs=threads))),
                  "boosting": ("HistGradientBoosting", _with(boosting_input,
                                                             HistGradientBoostingRegressor(random_state=rs)))}
    for role, (name, est) in _boosting_libraries(task, rs, threads).items():
        models[role] = (name, _with(raw(), est))
    models["network"] = _network(X, task, rs)
    return models


def default_models(X, task, random_state=0, n_threads=None):
    """The default line-up for ``task``: name -> estimator.

    A baseline (``DummyClassifier(strategy='prior')``: the class frequencies, or
    ``DummyRegressor``: the mean), a linear model, a random forest, histogram gradient
    boosting, LightGBM, XGBoost and CatBoost when installed (``pip install
    'sknn[boosting]'``), and sknn's network. The linear model gets scaled inputs, and the
    other scikit-learn models imputation and one-hot encoding when X is a DataFrame (for histogram boosting, whose
    leaves hold 20 rows or more, the categories of fewer rows share one column; the
    linear model gets an array's missing numbers imputed by their column's median too); the
    network takes X as it is (its built-in preprocessing encodes, scales and imputes, and
    the regressor learns a standardised target). For image arrays
    (n, H, W[, C]) the network is a ConvImageClassifier and the other models see the
    pixels as rows. ``n_threads`` is each library's own thread count (1 by default; the
    threads of OpenMP and BLAS are limited around each fit by :func:`compare`).
    """
    return {name: est for name, est in _lineup(X, task, random_state, n_threads).values()}


def _select_models(models, X, task, random_state, n_threads, baseline):
    """(name -> estimator, name -> role)."""
    if isinstance(models, dict):
        if not models:
            raise ValueError("models is an empty dict; pass at least one name -> estimator.")
        chosen = {str(k).strip(): v for k, v in models.items()}
        if len(chosen) < len(models):  # {1: a, '1': b}: one row for two models
            names = [str(k).strip() for k in models]
            twice = next(n for n in names if names.count(n) > 1)
            keys = [k for k in models if str(k).strip() == twice]
            raise ValueError(f"models has two keys named {twice!r} as text ({keys}): give each model its own name.")
        if "" in chosen:
            raise ValueError("models has a model with an empty name; give each model a name.")
        if BASELINE in chosen and not isinstance(chosen[BASELINE], (DummyClassifier, DummyRegressor)):
            raise ValueError(f"models names a {type(chosen[BASELINE]).__name__} {BASELINE!r}, the name of the "
                             "baseline compare adds: give it another name.")
        # a model's name is its role, but the baseline's role goes to a dummy only: a model of the user's named
        # 'dummy' would have been left out of the best values and plots as the baseline, and the baseline dropped
        yours = next(r for r in ("dummy (yours)", *(f"dummy (yours) {i}" for i in range(2, len(chosen) + 2)))
                     if r not in chosen)  # a role no other model's name holds
        roles = {k: k if k != "dummy" or isinstance(v, (DummyClassifier, DummyRegressor)) else yours
                 for k, v in chosen.items()}
    else:
        lineup = _lineup(X, task, random_state, n_threads)
        if models is None or (isinstance(models, str) and models == "default"):
            chosen = {name: est for name, est in lineup.values()}
            roles = {name: role for role, (name, _) in lineup.items()}
        else:
            if hasattr(models, "fit") or not isinstance(models, str) and not hasattr(models, "__iter__"):
                kind = f"{type(models).__name__}{' (an estimator)' if hasattr(models, 'fit') else ''}"
                raise TypeError(f"models is {kind}: pass names (a list such as ['linear', 'forest'], or 'default') or "
                                "a dict of name -> estimator, e.g. models={'mine': model}.")
            names = [models] if isinstance(models, str) else list(models)
            names = [str(n).strip() for n in names if str(n).strip()]
            if not names:
                raise ValueError("models names no model; choose among "
                                 f"{', '.join(sorted(set(MODEL_ALIASES)))} or pass a dict of name -> estimator.")
            chosen, roles, asked = {}, {}, {}
            by_name = {name.lower(): (role, name, est) for role, (name, est) in lineup.items()}
            for n in names:
                key = n.lower()
                if key in MODEL_ALIASES and MODEL_ALIASES[key] in lineup:
                    role = MODEL_ALIASES[key]
                    name, est = lineup[role]
                elif key in MODEL_ALIASES:
                    extra = " (pip install 'sknn[boosting]')" if key in ("lightgbm", "xgboost", "catboost") else ""
                    raise ValueError(f"Model {n!r} is not installed{extra}.")
                else:
                    matches = [v for k, v in by_name.items() if k.startswith(key)]
                    if not matches:
                        raise ValueError(f"Unknown model {n!r}; choose among {', '.join(sorted(MODEL_ALIASES))}, "
                                         "or pass a dict of name -> estimator.")
                    if len(matches) > 1:  # ('l': LogisticRegression, or LightGBM?)
                        raise ValueError(f"Model {n!r} begins the names of {' and '.join(m[1] for m in matches)}: "
                                         "name one of them in full.")
                    role, name, est = matches[0]
                if name in asked:  # 'forest,rf' gave one row for the two the user asked for
                    raise ValueError(f"models names {name} twice ({asked[name]!r} and {n!r}); name each model once.")
                chosen[name], roles[name], asked[name] = est, role, n
        texts = np.ndim(X) == 1 and len(X) and isinstance(np.asarray(X, dtype=object).ravel()[0], str)
        if texts and any(role != "dummy" for role in roles.values()):  # (every fit failed, in scikit-learn's words)
            raise ValueError("X is a list of texts, and the built-in models take a table: pass models of your own, "
                             "e.g. models={'tfidf': make_pipeline(TfidfVectorizer(), LogisticRegression()), "
                             "'word2vec': make_pipeline(sknn.Word2VecTransformer(), LogisticRegression())}.")
    for name, est in chosen.items():
        if isinstance(est, type):
            raise ValueError(f"Model {name!r} is the class {est.__name__}, not an estimator: pass an instance, "
                             f"{est.__name__}().")
        if not hasattr(est, "fit") or not hasattr(est, "get_params"):
            raise ValueError(f"Model {name!r} is not a scikit-learn estimator (it has no fit/get_params): "
                             f"{type(est).__name__}.")
        if not hasattr(est, "predict"):  # (a transformer: every fit ran, then 'no model could be scored')
            raise ValueError(f"Model {name!r} ({type(est).__name__}) has no predict: a transformer is no model; put "
                             f"it before one in a pipeline (make_pipeline({type(est).__name__}(...), "
                             "LogisticRegression())).")
        other = "regression" if task == "classification" else "classification"
        if (is_regressor(est) if task == "classification" else is_classifier(est)):
            raise ValueError(f"Model {name!r} ({type(est).__name__}) is a {other} model, but the task is {task}: "
                             f"pass a {task} model, or task='{other}' (--task {other}) if that is the task.")
    if baseline and BASELINE not in chosen and "dummy" not in roles.values():
        dummy = DummyClassifier(strategy="prior") if task == "classification" else DummyRegressor(strategy="mean")
        chosen = {BASELINE: dummy, **chosen}
        roles = {BASELINE: "dummy", **roles}
    return chosen, roles
