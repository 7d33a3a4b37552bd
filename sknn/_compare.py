"""The implementation of :mod:`sknn.compare` (see there for the public API).

It lives apart from ``sknn/compare.py`` so that importing ``sknn`` and running
``sknn --help`` do not import scikit-learn, pandas or torch.

Why compare schedules its own fits rather than calling ``cross_validate`` once per
model: each fit *is* run by scikit-learn's ``cross_validate`` (cloning, timing,
multi-metric scoring with cached predictions, a failing scorer turned into NaN), on one
split at a time. What ``cross_validate`` and ``cross_val_predict`` cannot do that compare
needs:

* one pool of workers over models x splits (``cross_validate`` parallelises the folds of
  one model, so a fast model leaves workers idle and models cannot interleave);
* a thread limit in each worker (threadpoolctl), so that folds in parallel do not
  oversubscribe the cores with torch/BLAS/OpenMP threads;
* a progress bar over every fit with the time left, and a time budget that is checked
  between fits (stop adding repeats, skip the slowest models);
* out-of-fold predictions from *repeated* k-fold, which ``cross_val_predict`` refuses
  (its splits must be a partition): compare keeps the first repeat's, which is one.
"""

import math
import os
import sys
import time
import warnings
from collections import Counter, namedtuple
from numbers import Integral, Real

import numpy as np
import pandas as pd
from joblib import Parallel, cpu_count, delayed, effective_n_jobs
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor, make_column_selector
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.ensemble import (HistGradientBoostingClassifier, HistGradientBoostingRegressor, RandomForestClassifier,
                              RandomForestRegressor)
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import get_scorer_names
from sklearn.model_selection import KFold, StratifiedKFold, check_cv, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, LabelEncoder, OneHotEncoder, StandardScaler
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import check_is_fitted

from . import _stats
from .compare import default_repeats

__all__ = ["run_compare", "prepare", "execute", "default_models", "detect_task", "rank_datasets", "MODEL_ALIASES",
           "METRICS", "LabelEncodedClassifier"]


# Short names accepted by ``models=[...]`` and ``sknn compare --models``: alias -> role.
MODEL_ALIASES = {"dummy": "dummy", "baseline": "dummy", "linear": "linear", "forest": "forest",
                 "boosting": "boosting", "lightgbm": "lightgbm", "xgboost": "xgboost", "catboost": "catboost",
                 "network": "network"}

BASELINE = "Dummy (baseline)"

# --------------------------------------------------------------------------- metrics

Metric = namedtuple("Metric", "name scorer sign bounded")
Metric.__doc__ = """A column of the table: ``name`` shown, scikit-learn ``scorer`` used,
``sign`` (+1 greater is better, -1 an error shown as a positive number, lower is better),
``bounded`` (scores at most 1: a region of practical equivalence is absolute)."""

#: The metrics known by a short name (any other scikit-learn scorer name works too).
METRICS = {
    "accuracy": Metric("accuracy", "accuracy", 1, True),
    "balanced_accuracy": Metric("balanced_accuracy", "balanced_accuracy", 1, True),
    "log_loss": Metric("log_loss", "neg_log_loss", -1, False),
    "roc_auc": Metric("roc_auc", "roc_auc", 1, True),  # one-vs-rest ('roc_auc_ovr') beyond two classes
    "f1_macro": Metric("f1_macro", "f1_macro", 1, True),
    "r2": Metric("r2", "r2", 1, True),
    "rmse": Metric("rmse", "neg_root_mean_squared_error", -1, False),
    "mae": Metric("mae", "neg_mean_absolute_error", -1, False),
}
_SYNONYMS = {"neg_log_loss": "log_loss", "neg_root_mean_squared_error": "rmse", "neg_mean_absolute_error": "mae",
             "balanced accuracy": "balanced_accuracy", "auc": "roc_auc", "f1": None}
DEFAULT_SCORING = {"classification": ["balanced_accuracy", "accuracy", "log_loss", "roc_auc", "f1_macro"],
                   "regression": ["r2", "rmse", "mae"]}
_CLASSIFICATION_PREFIXES = ("accuracy", "balanced_accuracy", "top_k", "average_precision", "neg_brier", "f1",
                            "precision", "recall", "jaccard", "roc_auc", "neg_log_loss", "log_loss",
                            "matthews", "adjusted_rand", "rand_score", "homogeneity", "completeness", "v_measure",
                            "mutual_info", "adjusted_mutual", "normalized_mutual", "fowlkes", "d2_log_loss",
                            "d2_brier")


def _metric(name, task, n_classes):
    key = name.strip()
    key = _SYNONYMS.get(key, key) or key
    if key in METRICS:
        m = METRICS[key]
        if m.name == "roc_auc" and n_classes > 2:
            m = m._replace(scorer="roc_auc_ovr")
    elif key in get_scorer_names():
        bounded = key.startswith(_CLASSIFICATION_PREFIXES) or key in ("r2", "explained_variance")
        m = Metric(key, key, 1, bounded)
    else:
        known = sorted(set(METRICS) | {"f1_weighted", "precision_macro", "recall_macro", "..."})
        raise ValueError(f"Unknown metric {name!r}; use one of {', '.join(known)} or any scikit-learn scorer name "
                         "(sklearn.metrics.get_scorer_names()).")
    is_cls = m.scorer.startswith(_CLASSIFICATION_PREFIXES)
    if task == "regression" and is_cls:
        raise ValueError(f"Metric {name!r} is for classification but the task is regression; use r2, rmse, mae "
                         "or another regression scorer.")
    if task == "classification" and not is_cls:
        raise ValueError(f"Metric {name!r} is for regression but the task is classification; use accuracy, "
                         "balanced_accuracy, log_loss, roc_auc, f1_macro or another classification scorer.")
    return m


def _metrics(scoring, sort, task, n_classes):
    if scoring is None:
        names = list(DEFAULT_SCORING[task])
    else:
        names = [scoring] if isinstance(scoring, str) else list(scoring)
        names = [n for n in (str(n).strip() for n in names) if n]
        if not names:
            raise ValueError("scoring names no metric; pass e.g. 'accuracy' or ['accuracy', 'f1_macro'].")
    metrics = []
    for n in names:
        m = _metric(n, task, n_classes)
        if m.name not in [x.name for x in metrics]:
            metrics.append(m)
    if sort is not None:
        s = _metric(sort, task, n_classes)
        metrics = [s] + [m for m in metrics if m.name != s.name]
    return metrics


# --------------------------------------------------------------------------- task

def _is_missing(y):
    if y.dtype.kind in "fc":
        return np.isnan(y)
    if y.dtype.kind == "O" or y.dtype.kind == "T":
        return np.asarray(pd.isna(y), dtype=bool)
    return np.zeros(len(y), dtype=bool)


def _task_with_reason(y):
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must be one column of labels or numbers; got an array of shape {y.shape}.")
    if len(y) == 0:
        raise ValueError("y is empty.")
    if y.dtype.kind == "b":
        return "classification", "true/false values"
    if y.dtype.kind not in "iuf":
        try:
            numbers = y.astype(float)
        except (TypeError, ValueError):
            n = len(pd.unique(y))
            return "classification", f"{n} distinct labels that are not numbers"
        if y.dtype.kind == "O" and any(isinstance(v, str) for v in y[:1000]):
            return "classification", f"{len(pd.unique(y))} distinct labels that are not numbers"
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
    if k > 10:
        return "regression", f"{k} distinct whole numbers from {values[0]:g} to {values[-1]:g} with gaps: a quantity"
    return "classification", f"{k} distinct whole numbers ({', '.join(f'{v:g}' for v in values)})"


def detect_task(y, return_reason=False):
    """'classification' or 'regression', from the target's values (and why, with ``return_reason``).

    Labels that are not numbers, and true/false, are classes. Numbers with fractional
    parts are a regression target. Whole numbers are class codes when there are at most
    2 of them, or up to 30 consecutive ones from 0 or 1 (0..9 for digits) with most
    values in 5 rows or more; otherwise they are a quantity (prices, counts, years):
    more than 30 distinct values, more than 10 with gaps between them, or more than 10
    that mostly occur in fewer than 5 rows. Pass the task explicitly when this guess is
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


def _check_target(y, task):
    """Refuse a target that cannot serve the task, naming it and the fix."""
    if task == "regression":
        if y.dtype.kind == "b":
            raise ValueError("task='regression' needs numbers, but y holds true/false values; use "
                             "task='classification'.")
        if y.dtype.kind not in "iuf":
            try:
                return y.astype(float)
            except (TypeError, ValueError):
                labels = ", ".join(_show(v) for v in pd.unique(y)[:3])
                raise ValueError(f"task='regression' needs numbers, but y holds labels such as {labels}; use "
                                 "task='classification' (or --task classification).") from None
        if not np.isfinite(y.astype(float)).all():
            raise ValueError("y holds infinite values; remove those rows or fix the target.")
        return y
    if y.dtype.kind == "f" and not np.array_equal(y, np.round(y)):
        n = len(np.unique(y))
        raise ValueError(f"task='classification' but y holds {n} distinct numbers with fractional parts; use "
                         "task='regression' (or --task regression).")
    if y.dtype.kind == "O":
        kinds = {type(v) for v in y}
        if len(kinds) > 1 and str in kinds:
            raise ValueError(f"y mixes labels of types {sorted(k.__name__ for k in kinds)}; give every label the "
                             "same type (e.g. all strings).")
    values, counts = np.unique(y, return_counts=True)
    if len(values) < 2:
        raise ValueError(f"The target has a single class ({_show(values[0])}): there is nothing to classify.")
    return y


# --------------------------------------------------------------------------- models

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


def _network(X, task, random_state):
    """sknn's network in the default line-up: (name, estimator). The one place that builds it."""
    from .conv import ConvImageClassifier
    from .dense import DenseClassifier, DenseRegressor

    if task == "classification" and not isinstance(X, pd.DataFrame) and np.ndim(X) > 2:
        # images: the tabular models see rows of pixels, the network sees the images
        return "ConvImageClassifier (sknn)", ConvImageClassifier(random_state=random_state)
    if task == "classification":
        return "DenseClassifier (sknn)", _with(_preprocessor(X, scale=True), DenseClassifier(random_state=random_state))
    return "DenseRegressor (sknn)", _with(_preprocessor(X, scale=True), TransformedTargetRegressor(
        DenseRegressor(random_state=random_state), transformer=StandardScaler()))


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
    rs = random_state
    threads = int(n_threads or 1)
    if task == "classification":
        models = {"dummy": (BASELINE, DummyClassifier(strategy="prior")),
                  "linear": ("LogisticRegression", _with(scaled(), LogisticRegression(max_iter=2000))),
                  "forest": ("RandomForest", _with(raw(), RandomForestClassifier(random_state=rs, n_jobs=threads))),
                  "boosting": ("HistGradientBoosting", _with(raw(), HistGradientBoostingClassifier(random_state=rs)))}
    else:
        models = {"dummy": (BASELINE, DummyRegressor(strategy="mean")),
                  "linear": ("LinearRegression", _with(scaled(), LinearRegression())),
                  "forest": ("RandomForest", _with(raw(), RandomForestRegressor(random_state=rs, n_jobs=threads))),
                  "boosting": ("HistGradientBoosting", _with(raw(), HistGradientBoostingRegressor(random_state=rs)))}
    for role, (name, est) in _boosting_libraries(task, rs, threads).items():
        models[role] = (name, _with(raw(), est))
    models["network"] = _network(X, task, rs)
    return models


def default_models(X, task, random_state=0, n_threads=None):
    """The default line-up for ``task``: name -> estimator.

    A baseline (``DummyClassifier(strategy='prior')``: the class frequencies, or
    ``DummyRegressor``: the mean), a linear model, a random forest, histogram gradient
    boosting, LightGBM, XGBoost and CatBoost when installed (``pip install
    'sknn[boosting]'``), and sknn's network. Linear models and networks get scaled inputs;
    every model gets imputation and one-hot encoding when X is a DataFrame. The
    regression network also learns a standardised target. For image arrays
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
        chosen = {str(k): v for k, v in models.items()}
        roles = {k: k for k in chosen}
    else:
        lineup = _lineup(X, task, random_state, n_threads)
        if models is None or (isinstance(models, str) and models == "default"):
            chosen = {name: est for name, est in lineup.values()}
            roles = {name: role for role, (name, _) in lineup.items()}
        else:
            names = [models] if isinstance(models, str) else list(models)
            names = [str(n).strip() for n in names if str(n).strip()]
            if not names:
                raise ValueError("models names no model; choose among "
                                 f"{', '.join(sorted(set(MODEL_ALIASES)))} or pass a dict of name -> estimator.")
            chosen, roles = {}, {}
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
                    match = next((v for k, v in by_name.items() if k.startswith(key)), None)
                    if match is None:
                        raise ValueError(f"Unknown model {n!r}; choose among {', '.join(sorted(MODEL_ALIASES))}, "
                                         "or pass a dict of name -> estimator.")
                    role, name, est = match
                chosen[name], roles[name] = est, role
    for name, est in chosen.items():
        if not hasattr(est, "fit") or not hasattr(est, "get_params"):
            raise ValueError(f"Model {name!r} is not a scikit-learn estimator (it has no fit/get_params): "
                             f"{type(est).__name__}.")
    if baseline and BASELINE not in chosen and "dummy" not in roles.values():
        dummy = DummyClassifier(strategy="prior") if task == "classification" else DummyRegressor(strategy="mean")
        chosen = {BASELINE: dummy, **chosen}
        roles = {BASELINE: "dummy", **roles}
    return chosen, roles


# --------------------------------------------------------------------------- one fit

def _last_line(text):
    lines = [ln.strip() for ln in str(text).strip().splitlines() if ln.strip()]
    return lines[-1] if lines else str(text)


def _short_warning(w):
    message = str(w.message)
    if message.startswith("Scoring failed"):
        return f"scoring failed: {_last_line(message)}"
    first = message.strip().splitlines()[0] if message.strip() else w.category.__name__
    return (f"{w.category.__name__}: {first}")[:240]


def _usable_scorers(estimator, scorers):
    """The scorers ``estimator`` can serve, and metric -> why not for the others.

    scikit-learn's multi-metric scorer raises for every metric when one of them needs a
    method the model lacks (``predict_proba`` for log-loss): those are left out here and
    get NaN, with a note.
    """
    from sklearn.metrics import get_scorer

    usable, missing = {}, {}
    for name, scorer in scorers.items():
        methods = getattr(get_scorer(scorer), "_response_method", "predict")
        methods = (methods,) if isinstance(methods, str) else tuple(methods)
        if any(hasattr(estimator, m) for m in methods):
            usable[name] = scorer
        else:
            missing[name] = f"{name} not computed: the model has no {' or '.join(methods)}"
    return usable, missing


def _packages(estimators):
    """The modules of every estimator of the line-up, nested ones included."""
    out = set()
    for est in estimators:
        parts = [est] + [v for v in est.get_params(deep=True).values() if hasattr(v, "get_params")]
        out |= {type(p).__module__ for p in parts}
    return sorted(out)


def _fit_one(name, estimator, X, y, split, train, test, scorers, threads, keep, packages=()):
    """Fit and score ``estimator`` on one split with scikit-learn's cross_validate, in at most ``threads`` threads.

    ``packages`` are imported first: a loky worker measures its "reference" memory after
    its first task and restarts itself when it has grown by 300 MB since, which importing
    torch and the boosting libraries for a later task would do (every restart imports them
    all again); imported in the first task, they are part of the reference.
    """
    import importlib

    from threadpoolctl import threadpool_limits

    for package in packages:
        importlib.import_module(package)

    record = {"model": name, "split": split, "error": None, "estimator": None, "y_pred": None}
    wanted = scorers
    scorers, missing = _usable_scorers(estimator, wanted)
    with warnings.catch_warnings(record=True) as caught, threadpool_limits(limits=threads):
        warnings.simplefilter("always")
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            out = cross_validate(estimator, X, y, cv=[(train, test)], scoring=scorers or "accuracy",
                                 error_score=np.nan, return_estimator=keep)
        except ValueError as exc:
            if "fits failed" not in str(exc):
                raise
            out = None
            record["error"] = _last_line(exc)
        if out is not None and keep:
            est = out["estimator"][0]
            record["estimator"] = est
            try:
                record["y_pred"] = np.asarray(est.predict(_safe_indexing(X, test)))
            except Exception:  # noqa: BLE001 - a model that predicts nothing has no confusion matrix
                pass
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    scores = {k: np.nan for k in wanted}
    if out is None:
        record.update(fit_time=np.nan, score_time=np.nan)
    else:
        scores.update({k: float(out[f"test_{k}"][0]) for k in scorers})
        record.update(fit_time=float(out["fit_time"][0]), score_time=float(out["score_time"][0]))
    record.update(scores=scores, threads=threads, cpu_time=cpu, wall_time=wall, pid=os.getpid(),
                  warnings=[_short_warning(w) for w in caught if not issubclass(w.category, DeprecationWarning)]
                  + list(missing.values()))
    return record


# --------------------------------------------------------------------------- progress

class _Progress:
    """A progress bar over fits with an estimate of the time left from each model's measured times."""

    def __init__(self, total, n_workers, enabled, label):
        self.n_workers, self.done, self.times = n_workers, Counter(), {}
        self.bar = None
        if enabled:
            from tqdm.auto import tqdm

            tty = hasattr(sys.stderr, "isatty") and sys.stderr.isatty()
            self.bar = tqdm(total=total, desc=label, unit="fit", dynamic_ncols=True, mininterval=0.5 if tty else 15,
                            bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} fits "
                                       "[{elapsed} elapsed{postfix}]")

    def estimate(self, pending):
        """Seconds left for the (model,) names in ``pending``."""
        if not self.times:
            return None
        overall = float(np.mean([np.mean(v) for v in self.times.values()]))
        return sum(float(np.mean(self.times.get(m, [overall]))) for m in pending) / self.n_workers

    def update(self, record, pending):
        self.times.setdefault(record["model"], []).append(record["wall_time"])
        if self.bar is not None:
            left = self.estimate(pending)
            self.bar.set_postfix_str(f"about {_duration(left)} left" if left is not None else "", refresh=False)
            self.bar.update(1)

    def set_total(self, total):
        if self.bar is not None:
            self.bar.total = total
            self.bar.refresh()

    def close(self):
        if self.bar is not None:
            self.bar.close()


def _duration(seconds):
    seconds = max(0.0, float(seconds))
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.1f} min"


# --------------------------------------------------------------------------- the comparison

def _auto_threads(n_workers):
    """Threads per fit for ``threads='auto'``, and why.

    The cores divided among the workers, but one thread when ``OMP_NUM_THREADS`` says so
    or when the machine is already busy (a 1-minute load average of half its cores or
    more): threads that wait for each other spin, and with 2 threads per fit on busy
    cores the main job took about 6 times as long (benchmarks/RESULTS.md, "compare").
    """
    cores = cpu_count()
    n = max(1, cores // n_workers)
    if n == 1:
        return 1, f"{cores} core(s) for {n_workers} worker(s)"
    env = os.environ.get("OMP_NUM_THREADS", "").strip()
    if env.isdigit() and int(env) >= 1 and int(env) < n:
        return int(env), f"OMP_NUM_THREADS={env}"
    try:
        load = os.getloadavg()[0]
    except (OSError, AttributeError):  # no load average on this platform
        load = 0.0
    if load >= cores / 2:
        return 1, f"the machine is busy (load average {load:.1f} on {cores} cores)"
    return n, f"{cores} cores for {n_workers} worker(s)"


def _splits(X, y, cv, repeats, task, random_state):
    """[(repeat, fold, train, test)]: k-fold repeated with seeds random_state, random_state + 1, ..."""
    if isinstance(cv, Integral) and not isinstance(cv, bool):
        if cv < 2:
            raise ValueError(f"cv must be at least 2 folds, got {cv}.")
        if cv > len(y):
            raise ValueError(f"cv={cv} folds need at least {cv} rows with a target; there are {len(y)}.")
        kind = StratifiedKFold if task == "classification" else KFold
        if random_state is None or isinstance(random_state, Integral):
            seeds = [None if random_state is None else int(random_state) + r for r in range(repeats)]
        else:
            seeds = [random_state] * repeats  # a RandomState instance: successive draws
        out = []
        with warnings.catch_warnings():  # a class smaller than the folds: a note in the table, not a warning
            warnings.filterwarnings("ignore", message="The least populated class in y has only")
            for r, seed in enumerate(seeds):
                splitter = kind(int(cv), shuffle=True, random_state=seed)
                out += [(r, f, np.asarray(tr), np.asarray(te)) for f, (tr, te) in enumerate(splitter.split(X, y))]
        return out
    if repeats not in (None, 1):
        raise ValueError("repeats applies to an int cv; pass a repeated splitter (e.g. RepeatedStratifiedKFold) "
                         "as cv instead.")
    splitter = check_cv(cv, y, classifier=task == "classification")
    out = [(0, f, np.asarray(tr), np.asarray(te)) for f, (tr, te) in enumerate(splitter.split(X, y))]
    if len(out) < 2:
        raise ValueError("cv gives fewer than 2 splits; the comparison needs at least 2.")
    n_repeats = getattr(splitter, "n_repeats", None)
    if isinstance(n_repeats, Integral) and n_repeats > 1 and len(out) % n_repeats == 0:
        k = len(out) // n_repeats
        out = [(i // k, i % k, tr, te) for i, (_, _, tr, te) in enumerate(out)]
    return out


def _check_params(repeats, test, alpha, rope, n_jobs, threads, time_budget):
    if repeats is not None and (not isinstance(repeats, Integral) or isinstance(repeats, bool) or repeats < 1):
        raise ValueError(f"repeats must be an int >= 1, got {repeats!r}.")
    if test not in ("t-test", "bayesian"):
        raise ValueError(f"test must be 't-test' (corrected resampled t-test) or 'bayesian' (correlated Bayesian "
                         f"t-test), got {test!r}.")
    if not isinstance(alpha, Real) or not 0 < alpha < 1:
        raise ValueError(f"alpha must be a number between 0 and 1, got {alpha!r}.")
    if not isinstance(rope, Real) or not rope >= 0 or math.isinf(rope):
        raise ValueError(f"rope must be a number >= 0, got {rope!r}.")
    if not isinstance(n_jobs, Integral) or isinstance(n_jobs, bool) or n_jobs == 0:
        raise ValueError(f"n_jobs must be a non-zero int (-1: every core), got {n_jobs!r}.")
    if threads != "auto" and (not isinstance(threads, Integral) or isinstance(threads, bool) or threads < 1):
        raise ValueError(f"threads must be 'auto' or an int >= 1, got {threads!r}.")
    if time_budget is not None and (not isinstance(time_budget, Real) or isinstance(time_budget, bool)
                                    or not time_budget > 0 or math.isinf(time_budget)):
        raise ValueError(f"time_budget must be a positive number of seconds, got {time_budget!r}.")


def run_compare(X, y, models="default", cv=5, repeats=None, scoring=None, sort=None, test="t-test", alpha=0.05,
                rope=0.01, n_jobs=-1, threads="auto", time_budget=None, task="auto", baseline=True, random_state=0,
                verbose=True, return_fitted=False, label="compare"):
    """See :func:`sknn.compare.compare`; ``label`` names the progress bar."""
    plan = prepare(X, y, models=models, cv=cv, repeats=repeats, scoring=scoring, sort=sort, test=test, alpha=alpha,
                   rope=rope, n_jobs=n_jobs, threads=threads, time_budget=time_budget, task=task, baseline=baseline,
                   random_state=random_state)
    return execute(plan, verbose=verbose, return_fitted=return_fitted, label=label)


class Plan(dict):
    """Everything :func:`execute` needs: the checked data, the splits, the models, the metrics."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def prepare(X, y, models="default", cv=5, repeats=None, scoring=None, sort=None, test="t-test", alpha=0.05,
            rope=0.01, n_jobs=-1, threads="auto", time_budget=None, task="auto", baseline=True, random_state=0):
    """Check the inputs and plan the comparison, without fitting anything (errors come here, before the work)."""
    _check_params(repeats, test, alpha, rope, n_jobs, threads, time_budget)
    if isinstance(X, pd.DataFrame):
        X = X.reset_index(drop=True)
    elif isinstance(X, pd.Series):
        X = X.to_frame()
    elif not hasattr(X, "__len__") or isinstance(X, (str, bytes)):
        raise ValueError(f"X must be an array, a DataFrame or a list of rows; got {type(X).__name__}.")
    if isinstance(y, (pd.Series, pd.Index)) and isinstance(y.dtype, pd.CategoricalDtype):
        y = y.astype(object)
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y.ravel()
    if y.ndim != 1:
        raise ValueError(f"y must be one column of labels or numbers; got an array of shape {y.shape}.")
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} rows but y has {len(y)}.")
    missing = _is_missing(y)
    n_dropped = int(missing.sum())
    if n_dropped:
        if n_dropped == len(y):
            raise ValueError("Every value of y is missing: there is nothing to learn.")
        keep_rows = np.flatnonzero(~missing)
        X = _safe_indexing(X, keep_rows)
        if isinstance(X, pd.DataFrame):
            X = X.reset_index(drop=True)
        y = y[keep_rows]
        if y.dtype.kind == "O":
            try:
                y = y.astype(float) if all(isinstance(v, (int, float, np.number)) for v in y) else y
            except (TypeError, ValueError):
                pass
    if task == "auto":
        task, task_reason = _task_with_reason(y)
    elif task in ("classification", "regression"):
        task_reason = "chosen by the caller"
    else:
        raise ValueError(f"task must be 'auto', 'classification' or 'regression', got {task!r}.")
    y = _check_target(y, task)
    n_classes = len(np.unique(y)) if task == "classification" else 0
    metrics = _metrics(scoring, sort, task, n_classes)
    repeats_asked = default_repeats(len(y)) if repeats is None and isinstance(cv, Integral) else repeats
    splits = _splits(X, y, cv, repeats_asked, task, random_state)
    k = 1 + max(f for _, f, _, _ in splits)
    n_repeats = 1 + max(r for r, _, _, _ in splits)

    n_workers = effective_n_jobs(n_jobs)
    if threads == "auto":
        n_threads, threads_reason = _auto_threads(n_workers)
    else:
        n_threads, threads_reason = int(threads), "chosen by the caller"
    estimators, roles = _select_models(models, X, task, random_state, n_threads, baseline)
    n_workers = max(1, min(n_workers, len(estimators) * len(splits)))
    scorers = {m.name: m.scorer for m in metrics}
    notes, class_counts = [], {}
    if task == "classification":
        labels, counts = np.unique(y, return_counts=True)
        class_counts = {(v.item() if hasattr(v, "item") else v): int(c) for v, c in zip(labels, counts)}
        if counts.min() < k:
            notes.append(f"the smallest class has {counts.min()} rows, fewer than the {k} folds: some test folds "
                         "lack it")

    return Plan(X=X, y=y, task=task, task_reason=task_reason, n_dropped=n_dropped, n_classes=n_classes,
                class_counts=class_counts, metrics=metrics, splits=splits, n_repeats=n_repeats, k=k,
                repeats_asked=repeats_asked, n_workers=n_workers, n_threads=n_threads,
                threads_reason=threads_reason, estimators=estimators,
                roles=roles, scorers=scorers, notes=notes, test=test, alpha=alpha, rope=rope,
                time_budget=time_budget)


def execute(plan, verbose=True, return_fitted=False, label="compare"):
    """Run a :func:`prepare`d comparison: the fits, the table, the tests."""
    started = time.perf_counter()
    X, y, splits, estimators, roles = plan.X, plan.y, plan.splits, plan.estimators, plan.roles
    n_workers, n_threads, scorers, n_repeats = plan.n_workers, plan.n_threads, plan.scorers, plan.n_repeats
    time_budget, metrics, task = plan.time_budget, plan.metrics, plan.task
    records, skipped, stopped = [], {}, None
    packages = _packages(estimators.values()) if n_workers > 1 else ()
    progress = _Progress(len(estimators) * len(splits), n_workers, verbose, label)
    names = list(estimators)

    def jobs_for(split_ids, model_names):
        return [(m, s) for s in split_ids for m in model_names]

    def run(parallel, jobs):
        pending = Counter(m for m, _ in jobs)
        keep_split = {s for s, (r, _, _, _) in enumerate(splits) if r == 0}
        tasks = (delayed(_fit_one)(m, estimators[m], X, y, s, splits[s][2], splits[s][3], scorers, n_threads,
                                   return_fitted and s in keep_split, packages) for m, s in jobs)
        for record in parallel(tasks):
            pending[record["model"]] -= 1
            records.append(record)
            progress.update(record, list(pending.elements()))

    def seconds_per_fit():
        out = {}
        for r in records:
            out.setdefault(r["model"], []).append(r["wall_time"])
        return {m: float(np.mean(v)) for m, v in out.items()}

    try:
        with warnings.catch_warnings(), Parallel(n_jobs=n_workers, return_as="generator_unordered") as parallel:
            # loky replaces a worker whose memory grew (torch's allocator): not the user's concern
            warnings.filterwarnings("ignore", message="A worker stopped while some jobs were given")
            by_repeat = [[s for s, sp in enumerate(splits) if sp[0] == r] for r in range(n_repeats)]
            if time_budget is None:
                run(parallel, jobs_for(range(len(splits)), names))
            else:
                # first fold of every model: how long each takes
                run(parallel, jobs_for(by_repeat[0][:1], names))
                per_fit = seconds_per_fit()
                rest = by_repeat[0][1:]
                left = time_budget - (time.perf_counter() - started)

                def cost(models_, n_splits_):
                    return sum(per_fit[m] for m in models_) * n_splits_ / n_workers

                kept = list(names)
                while len(kept) > 1 and cost(kept, len(rest)) > left:
                    candidates = [m for m in kept if roles.get(m) != "dummy"]
                    if len(candidates) <= 1:
                        break
                    slowest = max(candidates, key=per_fit.get)
                    kept.remove(slowest)
                    skipped[slowest] = (f"skipped: {per_fit[slowest]:.1f} s a fit, and the first repeat of every "
                                        f"model would not fit in the time budget of {_duration(time_budget)}")
                progress.set_total(len(records) + len(kept) * (len(splits) - 1))
                run(parallel, jobs_for(rest, kept))
                done_repeats = 1
                for r in range(1, n_repeats):
                    per_fit = seconds_per_fit()
                    left = time_budget - (time.perf_counter() - started)
                    if cost(kept, len(by_repeat[r])) > left:
                        stopped = (f"stopped after {done_repeats} of {n_repeats} repeats: the next one would pass "
                                   f"the time budget of {_duration(time_budget)}")
                        break
                    run(parallel, jobs_for(by_repeat[r], kept))
                    done_repeats += 1
                progress.set_total(len(records))
                names = kept
                n_repeats = done_repeats
    finally:
        progress.close()
    records = [r for r in records if r["model"] in names and splits[r["split"]][0] < n_repeats]
    splits = [sp for sp in splits if sp[0] < n_repeats]
    table, long = _tabulate(records, names, roles, splits, metrics, plan.test, plan.alpha, plan.rope)
    errors = {}
    for r in records:
        if r["error"] and r["model"] not in errors:
            errors[r["model"]] = r["error"]
    if len(errors) == len(names):
        raise ValueError(f"Every model failed to fit; {names[0]}: {errors[names[0]]}")
    warned = {}
    for r in records:
        for w in set(r["warnings"]):
            warned.setdefault(r["model"], Counter())[w] += 1
    n_train = float(np.mean([len(sp[2]) for sp in splits]))
    n_test = float(np.mean([len(sp[3]) for sp in splits]))
    table.attrs.update(
        task=task, task_reason=plan.task_reason, scoring=[m.name for m in metrics], sort=metrics[0].name,
        lower_is_better=[m.name for m in metrics if m.sign < 0], test=plan.test, alpha=plan.alpha, rope=plan.rope,
        cv=plan.k, repeats=n_repeats, repeats_requested=plan.repeats_asked or 1,
        cv_splits=[(sp[2], sp[3]) for sp in splits], n_samples=len(y), n_dropped=plan.n_dropped,
        n_classes=plan.n_classes, class_counts=plan.class_counts, n_train=n_train, n_test=n_test, n_jobs=n_workers,
        threads=n_threads,
        threads_reason=plan.threads_reason, roles=roles,
        scores=long, skipped=skipped, stopped=stopped, errors=errors,
        warnings={m: dict(c) for m, c in warned.items()}, notes=plan.notes,
        elapsed=time.perf_counter() - started)
    if not return_fitted:
        return table
    fitted = {"estimators": {}, "predictions": {}}
    first = [s for s, sp in enumerate(splits) if sp[0] == 0]
    for name in names:
        mine = {r["split"]: r for r in records if r["model"] == name}
        fitted["estimators"][name] = [mine[s]["estimator"] if s in mine else None for s in first]
        preds = [mine[s]["y_pred"] if s in mine else None for s in first]
        if all(p is not None for p in preds):
            oof = np.empty(len(y), dtype=np.result_type(*[p.dtype for p in preds]))
            for s, p in zip(first, preds):
                oof[splits[s][3]] = p
            fitted["predictions"][name] = oof
    return table, fitted


def _nanmean(values):
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    return float(values.mean()) if len(values) else np.nan


def _tabulate(records, names, roles, splits, metrics, test, alpha, rope):
    """The table (one row per model) and the long-format scores."""
    sort = metrics[0]
    long_rows = []
    for r in records:
        rep, fold = splits[r["split"]][0], splits[r["split"]][1]
        for m in metrics:
            long_rows.append((r["model"], rep, fold, r["split"], m.name, m.sign * r["scores"][m.name]))
        long_rows.append((r["model"], rep, fold, r["split"], "fit_time", r["fit_time"]))
        long_rows.append((r["model"], rep, fold, r["split"], "predict_time", r["score_time"]))
    long = pd.DataFrame(long_rows, columns=["model", "repeat", "fold", "split", "metric", "score"])
    long = long.sort_values(["model", "split", "metric"], kind="stable").reset_index(drop=True)

    def oriented(name):
        """The sort metric on each split, greater is better (the scorer's own sign), indexed by split."""
        return pd.Series({r["split"]: r["scores"][sort.name] for r in records if r["model"] == name}, dtype=float)

    rows = []
    for name in names:
        mine = sorted((r for r in records if r["model"] == name), key=lambda r: r["split"])
        row = {"model": name}
        for m in metrics:
            values = np.array([m.sign * r["scores"][m.name] for r in mine], dtype=float)
            ok = values[~np.isnan(values)]
            row[f"{m.name}_mean"] = float(ok.mean()) if len(ok) else np.nan
            row[f"{m.name}_std"] = float(ok.std(ddof=1)) if len(ok) > 1 else np.nan
        row["fit_time"] = _nanmean([r["fit_time"] for r in mine])
        row["predict_time"] = _nanmean([r["score_time"] for r in mine])
        row["threads"] = int(mine[0]["threads"]) if mine else 0
        busy = [r["cpu_time"] / r["wall_time"] for r in mine if r["wall_time"] > 0]
        row["cpu_use"] = float(np.mean(busy)) if busy else np.nan
        row["failed_fits"] = int(sum(r["error"] is not None for r in mine))
        rows.append(row)
    table = pd.DataFrame(rows).set_index("model")

    # each model against the best on the sort metric
    key = f"{sort.name}_mean"
    goodness = sort.sign * table[key]  # greater is better
    n_train = float(np.mean([len(sp[2]) for sp in splits]))
    n_test = float(np.mean([len(sp[3]) for sp in splits]))
    complete = {n: oriented(n) for n in names}
    candidates = [n for n in names if complete[n].notna().sum() >= 2]
    best = max(candidates, key=lambda n: goodness[n]) if candidates else None
    diff, p_raw, p_better, p_rope, p_worse = ({n: np.nan for n in names} for _ in range(5))
    if best is not None:
        base = complete[best]
        width = rope if sort.bounded else rope * abs(float(base.mean()))
        for n in names:
            if n == best:
                continue
            both = pd.concat([base, complete[n]], axis=1).dropna()
            if len(both) < 2:
                continue
            a, b = both.iloc[:, 0].to_numpy(), both.iloc[:, 1].to_numpy()
            diff[n] = float((a - b).mean())
            p_raw[n] = _stats.corrected_ttest(a, b, n_train, n_test)[1]
            p_better[n], p_rope[n], p_worse[n] = _stats.bayesian_ttest(a, b, n_train, n_test, rope=width)
    p_adj = dict(zip(names, _stats.holm([p_raw[n] for n in names])))
    verdict = {}
    for n in names:
        if n == best:
            verdict[n] = "best"
        elif np.isnan(p_raw[n]) and np.isnan(p_better[n]):
            verdict[n] = "n/a"
        elif test == "t-test":
            verdict[n] = "worse" if p_adj[n] < alpha and diff[n] > 0 else "tied"
        else:
            if p_better[n] >= 1 - alpha:
                verdict[n] = "worse"
            elif p_rope[n] >= 1 - alpha:
                verdict[n] = "equivalent"
            else:
                verdict[n] = "undecided"
    table.insert(0, "vs_best", pd.Series(verdict))
    table.insert(1, "group", table["vs_best"].map({"best": 1, "tied": 1, "equivalent": 1, "undecided": 1,
                                                   "worse": 2, "n/a": 3}).astype(int))
    table.insert(2, "diff_vs_best", -pd.Series(diff) * sort.sign)  # model - best, in the metric's units
    table.insert(3, "p_value", pd.Series(p_adj))
    table.insert(4, "p_best_better", pd.Series(p_better))
    table.insert(5, "p_equivalent", pd.Series(p_rope))
    table["rank"] = goodness.rank(ascending=False, method="min").astype("Int64")
    order = sorted(names, key=lambda n: (table.loc[n, "group"], -np.nan_to_num(goodness[n], nan=-np.inf)))
    table = table.loc[order]
    table.attrs["best"] = best
    return table, long


# --------------------------------------------------------------------------- several data sets

def rank_datasets(tables, metric=None, alpha=0.05):
    """Mean ranks of the models over several data sets, Friedman's test and the critical difference.

    Parameters
    ----------
    tables : dict of data-set name -> table returned by :func:`compare`
    metric : str, default=None
        The metric to rank by; None is each table's sort metric.
    alpha : float, default=0.05

    Returns
    -------
    pandas.DataFrame
        One row per data set, one column per model (the metric's mean over the splits),
        and a last row ``mean rank``; columns ordered best first. ``attrs`` holds
        ``ranks`` (rank per data set), ``mean_ranks``, ``friedman_p``, ``cd`` (Nemenyi's
        critical difference of Demšar 2006: two models whose mean ranks differ by less
        are not significantly different), ``alpha``, ``metric`` and ``left_out``
        (models missing from some data set or without a score there).
    """
    if len(tables) < 2:
        raise ValueError("rank_datasets needs the tables of at least 2 data sets.")
    keyed, labels = {}, {}
    for ds, table in tables.items():
        m = metric or table.attrs.get("sort")
        if f"{m}_mean" not in table:
            raise ValueError(f"Data set {ds!r} has no metric {m!r}.")
        sign = -1 if m in table.attrs.get("lower_is_better", []) else 1
        roles = table.attrs.get("roles", {})
        keyed[ds] = {}
        for name in table.index:
            role = roles.get(name, name)
            keyed[ds][role] = sign * table.loc[name, f"{m}_mean"]
            labels.setdefault(role, set()).add(name)
    common = set.intersection(*(set(v) for v in keyed.values()))
    left_out = sorted(set.union(*(set(v) for v in keyed.values())) - common)
    frame = pd.DataFrame({ds: {r: v for r, v in row.items() if r in common} for ds, row in keyed.items()}).T
    nan_cols = [c for c in frame.columns if frame[c].isna().any()]
    left_out += nan_cols
    frame = frame.drop(columns=nan_cols)
    if frame.shape[1] < 2:
        raise ValueError("Fewer than 2 models have a score on every data set: nothing to rank.")
    name_of = {r: " / ".join(sorted(labels[r])) for r in frame.columns}
    frame = frame.rename(columns=name_of)
    out = _stats.friedman_nemenyi(frame, alpha=alpha)
    order = list(out["mean_ranks"].index)
    shown = frame[order].copy()
    metric_names = {metric or t.attrs.get("sort") for t in tables.values()}
    lower = any(m in t.attrs.get("lower_is_better", []) for t in tables.values() for m in metric_names)
    if lower:
        shown = -shown
    shown.loc["mean rank"] = out["mean_ranks"][order]
    shown.attrs.update(ranks=out["ranks"][order], mean_ranks=out["mean_ranks"], friedman_p=out["friedman_p"],
                       cd=out["cd"], alpha=alpha, metric=" / ".join(sorted(metric_names)), left_out=left_out,
                       n_datasets=out["n_datasets"])
    return shown
