"""Side-by-side comparison: cross-validate several models on identical folds.

``compare(X, y)`` answers the first question a data scientist asks of a neural network:
how does it do against the models I already use, on my data, under the same protocol?
"""

import time
import warnings
from numbers import Integral

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor, make_column_selector
from sklearn.exceptions import ConvergenceWarning
from sklearn.ensemble import (HistGradientBoostingClassifier, HistGradientBoostingRegressor, RandomForestClassifier,
                              RandomForestRegressor)
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import check_scoring
from sklearn.model_selection import KFold, StratifiedKFold, check_cv
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler
from sklearn.utils import _safe_indexing
from sklearn.utils.multiclass import type_of_target

from .conv import ConvImageClassifier
from .dense import DenseClassifier, DenseRegressor

__all__ = ["compare", "default_models", "detect_task", "MODEL_ALIASES"]

# Short names accepted by ``models=[...]`` and ``sknn compare --models``.
MODEL_ALIASES = {"linear": 0, "forest": 1, "boosting": 2, "network": 3}


def detect_task(y):
    """'classification' or 'regression', from the target's values.

    Non-numeric labels are classes. Numbers are a regression target when they are not
    all integers, when they are floats with more than 20 distinct values (counts and
    prices stored as floats), or integers with more than 50 distinct values that are
    over half the rows. Pass the task explicitly when this guess is wrong.
    """
    y = np.asarray(y)
    kind = type_of_target(y)
    if kind in ("continuous", "continuous-multioutput"):
        return "regression"
    if kind not in ("binary", "multiclass"):
        raise ValueError(f"Cannot compare models on a {kind!r} target; pass one column of labels or numbers.")
    if y.dtype.kind in "fiu":
        n_unique = len(np.unique(y))
        if (y.dtype.kind == "f" and n_unique > 20) or (n_unique > 50 and n_unique > len(y) / 2):
            return "regression"
    return "classification"


def _flatten_images(X):
    return np.asarray(X).reshape(len(X), -1)


def _preprocessor(X, scale):
    """Imputation, one-hot encoding of the categorical columns and (for scale=True) standard scaling."""
    if isinstance(X, pd.DataFrame):
        numeric = make_pipeline(SimpleImputer(strategy="median"), StandardScaler() if scale else "passthrough")
        categorical = make_pipeline(SimpleImputer(strategy="most_frequent"),
                                    OneHotEncoder(handle_unknown="ignore", sparse_output=False))
        return ColumnTransformer([
            ("numeric", numeric, make_column_selector(dtype_include=np.number)),
            ("categorical", categorical, make_column_selector(dtype_exclude=np.number)),
        ])
    steps = []
    if np.ndim(X) > 2:  # images: the tabular models see one row of pixels per image
        steps.append(FunctionTransformer(_flatten_images))
    if scale:
        steps.append(StandardScaler())
    return make_pipeline(*steps) if steps else None


def _with(pre, model):
    return model if pre is None else make_pipeline(pre, model)


def default_models(X, task, random_state=0):
    """The default line-up for ``task``: a linear model, a random forest, gradient boosting and sknn's network.

    Linear models and networks get scaled inputs; every model gets imputation and
    one-hot encoding when X is a DataFrame with missing values or categorical columns.
    The regression network also learns a standardised target. For image arrays
    (n, H, W[, C]) the network is a ConvImageClassifier and the other models see the
    pixels as rows.
    """
    scaled, raw = (lambda: _preprocessor(X, scale=True)), (lambda: _preprocessor(X, scale=False))
    if task == "classification" and not isinstance(X, pd.DataFrame) and np.ndim(X) > 2:
        # images: the tabular models see rows of pixels, the network sees the images
        return {
            "LogisticRegression": _with(scaled(), LogisticRegression(max_iter=2000)),
            "RandomForest": _with(raw(), RandomForestClassifier(random_state=random_state)),
            "HistGradientBoosting": _with(raw(), HistGradientBoostingClassifier(random_state=random_state)),
            "ConvImageClassifier (sknn)": ConvImageClassifier(random_state=random_state),
        }
    if task == "classification":
        return {
            "LogisticRegression": _with(scaled(), LogisticRegression(max_iter=2000)),
            "RandomForest": _with(raw(), RandomForestClassifier(random_state=random_state)),
            "HistGradientBoosting": _with(raw(), HistGradientBoostingClassifier(random_state=random_state)),
            "DenseClassifier (sknn)": _with(scaled(), DenseClassifier(random_state=random_state)),
        }
    return {
        "LinearRegression": _with(scaled(), LinearRegression()),
        "RandomForest": _with(raw(), RandomForestRegressor(random_state=random_state)),
        "HistGradientBoosting": _with(raw(), HistGradientBoostingRegressor(random_state=random_state)),
        "DenseRegressor (sknn)": _with(scaled(), TransformedTargetRegressor(
            DenseRegressor(random_state=random_state), transformer=StandardScaler())),
    }


def _select_models(models, X, task, random_state):
    if isinstance(models, dict):
        if not models:
            raise ValueError("models is an empty dict; pass at least one name -> estimator.")
        return dict(models)
    defaults = default_models(X, task, random_state)
    if models == "default" or models is None:
        return defaults
    names = [models] if isinstance(models, str) else list(models)
    chosen = {}
    for name in names:
        key = name.strip().lower()
        if key in MODEL_ALIASES:
            full = list(defaults)[MODEL_ALIASES[key]]
        else:
            full = next((n for n in defaults if n.lower().startswith(key)), None)
        if full is None:
            raise ValueError(f"Unknown model {name!r}; choose among {sorted(MODEL_ALIASES)} or pass a dict of "
                             "name -> estimator.")
        chosen[full] = defaults[full]
    return chosen


def _fit_and_score(name, estimator, X, y, fold, train, test, scorer, keep):
    est = clone(estimator)
    X_train, X_test = _safe_indexing(X, train), _safe_indexing(X, test)
    start = time.perf_counter()
    with warnings.catch_warnings():  # one table, not a warning per fold
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X_train, _safe_indexing(y, train))
    fit_time = time.perf_counter() - start
    start = time.perf_counter()
    y_pred = est.predict(X_test) if keep else None
    scores = scorer(est, X_test, _safe_indexing(y, test))
    predict_time = time.perf_counter() - start
    return {"model": name, "fold": fold, "scores": scores, "fit_time": fit_time, "predict_time": predict_time,
            "estimator": est if keep else None, "y_pred": y_pred}


def compare(X, y, models="default", cv=5, scoring=None, n_jobs=1, task="auto", random_state=0, verbose=True,
            return_fitted=False):
    """Cross-validate several models on the same folds and tabulate their scores and times.

    Parameters
    ----------
    X : array-like or DataFrame of shape (n_samples, n_features), or images (n_samples, H, W[, C])
    y : array-like of shape (n_samples,)
    models : 'default', list of str, or dict of name -> estimator, default='default'
        'default' picks, for the task, a linear model, a random forest, histogram gradient
        boosting and sknn's dense network (see :func:`default_models`); a list picks among
        them by alias ('linear', 'forest', 'boosting', 'network') or name; a dict brings
        your own estimators or pipelines.
    cv : int or cross-validation splitter, default=5
        An int means ``StratifiedKFold`` (classification) or ``KFold`` (regression),
        shuffled with ``random_state``. The folds are drawn once: every model sees the
        same ones.
    scoring : str or list of str, default=None
        Scorer names; None is 'accuracy' (classification) or 'r2' (regression). The
        first one ranks the models.
    n_jobs : int, default=1
        Folds and models trained in parallel (joblib).
    task : {'auto', 'classification', 'regression'}, default='auto'
    random_state : int, default=0
        Seeds the folds and the default models.
    verbose : bool, default=True
        A progress bar over models and folds (on stderr).
    return_fitted : bool, default=False
        Also return a dict with each model's fitted fold estimators (``'estimators'``)
        and out-of-fold predictions (``'predictions'``).

    Returns
    -------
    table : pandas.DataFrame
        One row per model, best first: ``<score>_mean`` and ``<score>_std`` for each
        score, ``fit_time`` and ``predict_time`` (mean seconds per fold) and ``rank``.
        ``table.attrs`` holds ``task``, ``scoring`` and ``cv_splits`` (the folds'
        train and test indices).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sknn import compare
    >>> X, y = load_iris(return_X_y=True)
    >>> table = compare(X, y, models=["linear", "forest"], cv=3, verbose=False)
    >>> list(table.columns[:3])
    ['accuracy_mean', 'accuracy_std', 'fit_time']
    """
    if isinstance(X, pd.DataFrame):
        X = X.reset_index(drop=True)
    y = np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} rows but y has {len(y)}.")
    task = detect_task(y) if task == "auto" else task
    if task not in ("classification", "regression"):
        raise ValueError(f"task must be 'auto', 'classification' or 'regression', got {task!r}.")
    if task == "classification" and len(np.unique(y)) < 2:
        raise ValueError(f"The target has a single class ({np.unique(y)[0]!r}): there is nothing to classify.")
    estimators = _select_models(models, X, task, random_state)
    if isinstance(cv, Integral):
        splitter = (StratifiedKFold if task == "classification" else KFold)(
            int(cv), shuffle=True, random_state=random_state)
    else:
        splitter = check_cv(cv, y, classifier=task == "classification")
    splits = [(np.asarray(tr), np.asarray(te)) for tr, te in splitter.split(X, y)]
    scoring = [scoring] if isinstance(scoring, str) else list(scoring or [])
    scoring = scoring or ["accuracy" if task == "classification" else "r2"]
    first = next(iter(estimators.values()))
    scorer = check_scoring(first, scoring=scoring)

    jobs = [delayed(_fit_and_score)(name, est, X, y, i, tr, te, scorer, return_fitted)
            for name, est in estimators.items() for i, (tr, te) in enumerate(splits)]
    bar = None
    if verbose:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(jobs), desc="compare", unit="fit")
    results = []
    for res in Parallel(n_jobs=n_jobs, return_as="generator_unordered")(jobs):
        results.append(res)
        if bar is not None:
            bar.set_postfix_str(f"{res['model']} fold {res['fold'] + 1}", refresh=False)
            bar.update(1)
    if bar is not None:
        bar.close()

    rows = []
    for name in estimators:
        mine = sorted((r for r in results if r["model"] == name), key=lambda r: r["fold"])
        row = {"model": name}
        for s in scoring:
            values = np.array([r["scores"][s] for r in mine], dtype=float)
            row[f"{s}_mean"], row[f"{s}_std"] = values.mean(), values.std()
        row["fit_time"] = float(np.mean([r["fit_time"] for r in mine]))
        row["predict_time"] = float(np.mean([r["predict_time"] for r in mine]))
        rows.append(row)
    table = pd.DataFrame(rows).set_index("model")
    table["rank"] = table[f"{scoring[0]}_mean"].rank(ascending=False, method="min").astype(int)
    table = table.sort_values("rank")
    table.attrs.update(task=task, scoring=scoring, cv_splits=splits)
    if not return_fitted:
        return table
    fitted = {"estimators": {}, "predictions": {}}
    for name in estimators:
        mine = sorted((r for r in results if r["model"] == name), key=lambda r: r["fold"])
        fitted["estimators"][name] = [r["estimator"] for r in mine]
        oof = np.empty(len(y), dtype=np.asarray(mine[0]["y_pred"]).dtype)
        for r, (_, te) in zip(mine, splits):
            oof[te] = r["y_pred"]
        fitted["predictions"][name] = oof
    return table, fitted
