"""The metrics of ``sknn compare``: the short names, the scorers they stand for, and the check of a choice.

A metric is a column of the table (:class:`Metric`): a short name, the scikit-learn scorer
it runs, its sense and whether it is bounded. :class:`AllClassesScorer` scores
probabilities over every class of the target, so that a split whose training or test
rows lack a rare class is scored too.
"""

from collections import namedtuple

import numpy as np
from sklearn.metrics import d2_log_loss_score, get_scorer_names, log_loss

__all__ = ["DEFAULT_SCORING", "METRICS", "AllClassesScorer", "Metric", "PresentClassesScorer", "at_most_one",
           "drop_infinite_scores", "fold_requirement", "score_sizes", "scorer_task", "undefined_splits"]

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
_BINARY_AVERAGE = ("f1", "precision", "recall", "jaccard")  # scorers of one positive class

# where scikit-learn keeps its metrics: the kind of target each module's metrics score
_MODULE_TASKS = {"sklearn.metrics._regression": "regression", "sklearn.metrics._classification": "classification",
                 "sklearn.metrics._ranking": "classification", "sklearn.metrics.cluster": "classification"}
# scikit-learn's scores of labels or probabilities that are not at most 1 (log-loss, mutual information in nats,
# the likelihood ratios); its other classification, ranking and clustering scores are (accuracy, F1, ROC AUC,
# Matthews, the adjusted Rand index ...), as are r2, explained_variance and the d2_* scores among regression's
_UNBOUNDED = ("log_loss", "mutual_info_score", "class_likelihood_ratios")
_AT_MOST_ONE = ("r2_score", "explained_variance_score")


def _metric_functions(scorer):
    """The scikit-learn metric functions behind a scorer (a name): its score function, or, for a wrapper
    defined with the scorers (the likelihood ratios), the metrics of ``sklearn.metrics`` it calls."""
    from sklearn.metrics import get_scorer

    function = getattr(get_scorer(scorer), "_score_func", None)
    if function is None:
        return []
    if getattr(function, "__module__", "").startswith(tuple(_MODULE_TASKS)):
        return [function]
    names = getattr(getattr(function, "__code__", None), "co_names", ())
    found = [getattr(function, "__globals__", {}).get(n) for n in names]
    return [f for f in found if callable(f) and getattr(f, "__module__", "").startswith(tuple(_MODULE_TASKS))]


def scorer_task(scorer):
    """'classification', 'regression' or None (unknown: either), asked of scikit-learn: the module of the
    scorer's metric, else a scorer of probabilities or decision values is a classification one."""
    from sklearn.metrics import get_scorer

    tasks = {task for f in _metric_functions(scorer) for module, task in _MODULE_TASKS.items()
             if f.__module__.startswith(module)}
    if len(tasks) == 1:
        return tasks.pop()
    methods = getattr(get_scorer(scorer), "_response_method", ())
    methods = (methods,) if isinstance(methods, str) else tuple(methods)
    return "classification" if {"predict_proba", "decision_function"} & set(methods) else None


def at_most_one(scorer):
    """Whether a scorer's scores are at most 1 (1: perfect), so that a region of practical equivalence is an
    absolute difference: the classification scores but log-loss, mutual information and the likelihood
    ratios; r2, explained_variance and every d2_* score (the share of a baseline's loss explained)."""
    functions = [getattr(f, "__name__", "") for f in _metric_functions(scorer)]
    if not functions:
        return False
    if scorer_task(scorer) == "classification":
        return not any(f in _UNBOUNDED for f in functions)
    return all(f in _AT_MOST_ONE or f.startswith("d2_") for f in functions)


def _refused_by_scikit_learn(scorer, classes):
    """scikit-learn's reason why a scorer of predicted labels cannot score a target of ``classes`` (a score of two
    classes on more, a score of multilabel targets, a positive class 1 among 'no' and 'yes'), found on perfect
    predictions (of two classes, the second's probabilities: average precision or a Brier score of a positive
    class 1 among 'no' and 'yes'); None if it can."""
    import warnings

    from sklearn.metrics import get_scorer

    s = get_scorer(scorer)
    labels = np.repeat(classes if len(classes) >= 2 else np.arange(2), 2)
    if not hasattr(s, "_score_func"):
        return None
    if getattr(s, "_response_method", None) == "predict":
        predicted = labels
    elif len(np.unique(labels)) == 2:  # (scores of two classes read the second's column, as compare gives it)
        predicted = (labels == np.unique(labels)[-1]).astype(float)
    else:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            s._score_func(labels, predicted, **s._kwargs)
    except ValueError as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return None


def _metric(name, task, classes):
    n_classes = len(classes)
    key = name.strip()
    key = _SYNONYMS.get(key, key) or key
    if key in METRICS:
        m = METRICS[key]
        if m.name == "roc_auc" and n_classes > 2:
            m = m._replace(scorer="roc_auc_ovr")
    elif key in get_scorer_names():
        m = Metric(key, key, 1, at_most_one(key))
    else:
        known = sorted(set(METRICS) | {"f1_weighted", "precision_macro", "recall_macro"})
        raise ValueError(f"Unknown metric {name!r}; use one of {', '.join(known)}, or any scikit-learn scorer name "
                         "(sklearn.metrics.get_scorer_names()).")
    kind = scorer_task(m.scorer)
    if task == "regression" and kind == "classification":
        raise ValueError(f"Metric {name!r} is for classification but the task is regression; use r2, rmse, mae "
                         "or another regression scorer.")
    if task == "classification" and kind == "regression":
        raise ValueError(f"Metric {name!r} is for regression but the task is classification; use accuracy, "
                         "balanced_accuracy, log_loss, roc_auc, f1_macro or another classification scorer.")
    if task == "classification" and n_classes > 2 and m.scorer in _BINARY_AVERAGE:
        raise ValueError(f"Metric {name!r} scores one positive class of two (average='binary'), and the target has "
                         f"{n_classes} classes; use {m.scorer}_macro or {m.scorer}_weighted.")
    reason = _refused_by_scikit_learn(m.scorer, classes) if task == "classification" else None
    if reason:
        use = (f"{m.scorer}_macro (every class alike)" if m.scorer in _BINARY_AVERAGE else
               "log_loss or roc_auc (scores of the probabilities)" if "brier" in m.scorer or "precision" in m.scorer
               else "accuracy, balanced_accuracy, f1_macro or another classification scorer")
        raise ValueError(f"Metric {name!r} cannot score this target ({n_classes} classes): scikit-learn says "
                         f"\"{reason}\"; use {use}.")
    return m


def _metrics(scoring, sort, task, classes):
    if scoring is None:
        names = list(DEFAULT_SCORING[task])
    else:
        if not isinstance(scoring, (str, list, tuple)) or not all(isinstance(n, str) for n in scoring):
            raise ValueError(f"scoring must name metrics (a name or a list of names, e.g. ['accuracy', 'f1_macro']; "
                             f"any scikit-learn scorer name works), got {scoring!r:.60}.")
        names = [scoring] if isinstance(scoring, str) else list(scoring)
        names = [n for n in (str(n).strip() for n in names) if n]
        if not names:
            raise ValueError("scoring names no metric; pass e.g. 'accuracy' or ['accuracy', 'f1_macro'].")
    metrics = []
    for n in names:
        m = _metric(n, task, classes)
        if m.name not in [x.name for x in metrics]:
            metrics.append(m)
    if sort is not None:
        if not isinstance(sort, str):
            raise ValueError(f"sort must name a metric (e.g. 'accuracy'; any scikit-learn scorer name), got "
                             f"{sort!r:.60}.")
        s = _metric(sort, task, classes)
        metrics = [s] + [m for m in metrics if m.name != s.name]
    return metrics


class AllClassesScorer:
    """A scorer of probabilities told every class of the target (log-loss, multi-class ROC AUC, ...).

    scikit-learn's scorers take the classes from the test rows and the model's columns: on a
    split whose training rows lack a rare class, or whose test rows lack one, log-loss fails
    ("y_true and y_pred contain different number of classes"). Here the model gives a class it
    never saw probability 0 (as ``cross_val_predict`` does) and the metric is computed over all
    of the target's classes (``labels=``). A model without ``predict_proba`` is scored by the
    scorer itself. Picklable, for compare's workers.
    """

    def __init__(self, scorer, classes):
        from sklearn.metrics import get_scorer

        self.scorer, self.classes = scorer, np.asarray(classes)
        self._response_method = getattr(get_scorer(scorer), "_response_method", "predict_proba")

    @staticmethod
    def applies(scorer):
        """Whether ``scorer`` (a name) scores probabilities with a metric that takes ``labels=``."""
        import inspect

        from sklearn.metrics import get_scorer

        scorer = get_scorer(scorer)
        methods = getattr(scorer, "_response_method", ())
        takes = "labels" in inspect.signature(getattr(scorer, "_score_func", len)).parameters
        return takes and "predict_proba" in ((methods,) if isinstance(methods, str) else methods)

    def __call__(self, estimator, X, y, **kwargs):
        from sklearn.metrics import get_scorer

        scorer = get_scorer(self.scorer)
        index = {c: i for i, c in enumerate(self.classes.tolist())}
        known = getattr(estimator, "classes_", None)
        if (known is None or not hasattr(estimator, "predict_proba") or kwargs
                or any(c not in index for c in np.asarray(known).tolist())):
            return scorer(estimator, X, y, **kwargs)
        given = np.asarray(estimator.predict_proba(X))
        proba = np.zeros((len(y), len(self.classes)))
        proba[:, [index[c] for c in np.asarray(known).tolist()]] = given
        if given.dtype.kind == "f" and given.dtype.itemsize < 8:  # (rows summing to 1 in float32 only: said not to
            totals = proba.sum(axis=1, keepdims=True)  # sum to one by log_loss's float64 check, blaming the model)
            proba = np.divide(proba, totals, out=proba, where=totals > 0)
        if len(self.classes) == 2 and scorer._score_func not in (log_loss, d2_log_loss_score):
            proba = proba[:, 1]  # ROC AUC, top-k, Brier: two classes are scored by the positive one's column
        return scorer._sign * scorer._score_func(y, proba, labels=self.classes, **scorer._kwargs)

    def __repr__(self):
        return f"AllClassesScorer({self.scorer!r})"


# --------------------------------------------------------------------------- splits a metric is not defined on

_PER_CLASS_SCORES = ("f1_score", "precision_score", "recall_score", "fbeta_score", "jaccard_score")


def _score_function(scorer):
    """The scikit-learn scorer ``scorer`` names (or is), its metric function's name and its options."""
    from sklearn.metrics import get_scorer

    scorer = get_scorer(scorer)
    return scorer, getattr(getattr(scorer, "_score_func", None), "__name__", ""), getattr(scorer, "_kwargs", {})


def _averages_present_classes(scorer):
    """Whether ``scorer`` averages a per-class rate with equal weights: balanced accuracy, a macro average."""
    _, function, options = _score_function(scorer)
    return function == "balanced_accuracy_score" or (function in _PER_CLASS_SCORES
                                                      and options.get("average") == "macro")


def fold_requirement(scorer, classes):
    """What a test fold must hold for ``scorer`` (a name) to be defined on it: (fewest classes, classes needed).

    An average over the classes (balanced accuracy, a macro average) needs 2 classes in the test
    rows, and is taken over those (:class:`PresentClassesScorer`): on a fold of one class, the
    majority rule would score 1.0. A score of the positive class (F1, precision, recall, average
    precision) needs that class; ROC AUC needs every class. ``(0, ())``: defined on any fold.
    """
    _, function, options = _score_function(scorer)
    labels = np.asarray(classes).tolist()
    positive = options.get("pos_label", 1)
    positive = (positive,) if positive in labels else ()  # another positive label fails on every split (said so)
    if _averages_present_classes(scorer):
        return 2, ()
    if function == "roc_auc_score":
        return 0, tuple(labels)
    if function in _PER_CLASS_SCORES and options.get("average", "binary") == "binary":
        return 0, positive
    if function == "average_precision_score":
        return 0, positive if len(labels) == 2 else tuple(labels)
    return 0, ()


class PresentClassesScorer:
    """Balanced accuracy or a macro average over the classes of the test rows (``labels=``), picklable.

    scikit-learn's macro averages also count a class the model predicts but the test rows lack
    (F1 0 for it: one such prediction costs a fifth of the score with 5 classes), and balanced
    accuracy warns about it. Here a model is charged for such a prediction through the classes
    that are there (the row it got wrong), as on every other fold.
    """

    _response_method = "predict"

    def __init__(self, scorer):
        self.scorer = scorer

    applies = staticmethod(_averages_present_classes)

    def __call__(self, estimator, X, y, **kwargs):
        from sklearn.metrics import recall_score

        scorer, function, options = _score_function(self.scorer)
        present, predicted = np.unique(y), estimator.predict(X)
        if function != "balanced_accuracy_score":
            return scorer._sign * scorer._score_func(y, predicted, labels=present, **{**options, **kwargs})
        options = dict(options)
        adjusted = options.pop("adjusted", False)
        score = recall_score(y, predicted, labels=present, average="macro", **{**options, **kwargs})
        chance = 1 / len(present)
        return scorer._sign * ((score - chance) / (1 - chance) if adjusted else score)

    def __repr__(self):
        return f"PresentClassesScorer({self.scorer!r})"


def _listed(names):
    """'a', 'a and b', 'a, b and c'."""
    names = list(names)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _defined_on(minimum, needed, test_labels):
    present = np.unique(test_labels)
    return len(present) >= minimum and not len(np.setdiff1d(needed, present))


def undefined_splits(metrics, y, splits, sort_chosen=True):
    """The splits each metric is not defined on (see :func:`fold_requirement`), with notes.

    Returns ``(metrics, {metric name: [split numbers]}, notes)``. When the sort metric is
    defined on fewer than 2 splits, no model can be ranked by it: refused when the caller chose
    it, else the table is sorted by accuracy instead (``metrics`` reordered), with a note.
    """
    classes = np.unique(y)
    out = {}
    for m in metrics:
        minimum, needed = fold_requirement(m.scorer, classes)
        if minimum or needed:
            lacking = [s for s, (_, _, _, test) in enumerate(splits) if not _defined_on(minimum, needed, y[test])]
            if lacking:
                out[m.name] = lacking
    notes, sort = [], metrics[0].name
    if sort in out and len(splits) - len(out[sort]) < 2:
        n_defined = len(splits) - len(out[sort])
        minimum, needed = fold_requirement(metrics[0].scorer, classes)
        holds = ("2 classes or more" if minimum else "the positive class" if len(needed) == 1 else "every class")
        if sort_chosen or not any(m.name == "accuracy" for m in metrics):
            raise ValueError(f"{sort} is defined only on a test fold that holds {holds}, and {n_defined} of the "
                             f"{len(splits)} splits do: no model could be compared on it; sort by a metric defined "
                             "on any fold (sort='accuracy' or 'log_loss'), or use splits whose test folds hold "
                             f"{holds} (an int cv draws stratified folds).")
        metrics = sorted(metrics, key=lambda m: m.name != "accuracy")  # (stable: the others keep their order)
        notes.append(f"the table is sorted by accuracy, not {sort}: {sort} is defined only on a test fold that "
                     f"holds {holds}, and {n_defined} of the {len(splits)} splits do")
    nowhere = [name for name, lacking in out.items() if len(lacking) == len(splits)]
    if nowhere:  # (no split: no mean, nor test, over 'the other splits')
        one = len(nowhere) == 1
        notes.append(f"{_listed(nowhere)} {'is' if one else 'are'} defined on no split (an average over the classes "
                     "needs 2 of them in a test fold, a score of the positive class that class, ROC AUC every class): "
                     "NaN throughout; use splits whose test folds hold what it needs (an int cv draws stratified "
                     "folds; fewer of them hold more), or another metric")
    some = {name: lacking for name, lacking in out.items() if name not in nowhere}
    if some:
        counts = sorted({len(v) for v in some.values()})
        many = f"{counts[0]}" if len(counts) == 1 else f"{counts[0]} to {counts[-1]}"
        one = len(some) == 1
        notes.append(f"{_listed(some)} {'is' if one else 'are'} not defined on some test folds (an average over the "
                     "classes needs 2 of them, a score of the positive class that class, ROC AUC every class), and "
                     f"{many} of the {len(splits)} splits {'lacks' if many == '1' else 'lack'} what "
                     f"{'it needs' if one else 'they need'}: those "
                     f"splits are left out of {'it' if one else 'them'} for every model (NaN), "
                     f"{'its' if one else 'their'} means and tests are over the other splits")
    return metrics, out, notes


def constant_target_splits(metrics, y, splits, sort_chosen=True):
    """Regression's counterpart of :func:`undefined_splits`: the splits whose test rows hold one target value, on
    which a share of the target's variance explained (r2, explained_variance, a d2_* score) is not defined:
    scikit-learn's gives 0.0 there to every model, a made-up score in the means and the test (a target mostly 0,
    counts or amounts, draws such folds). Returns ``(metrics, {metric name: [split numbers]}, notes)``; the table is
    sorted by rmse instead (or refused, the sort metric chosen) where the sort metric is left fewer than 2 splits."""
    constant = [s for s, (_, _, _, test) in enumerate(splits) if np.ptp(np.asarray(y[test], dtype=np.float64)) == 0]
    shares = [m.name for m in metrics if any(f.__name__ in _AT_MOST_ONE or f.__name__.startswith("d2_")
                                             for f in _metric_functions(m.scorer))]
    if not constant or not shares:
        return metrics, {}, []
    notes, sort, n_defined = [], metrics[0].name, len(splits) - len(constant)
    if sort in shares and n_defined < 2:
        if sort_chosen or not any(m.name == "rmse" for m in metrics):
            raise ValueError(f"{sort} is not defined on a test fold whose target is constant, and {len(constant)} of "
                             f"the {len(splits)} splits test one: no model could be compared on it; sort by rmse or "
                             "mae, or use fewer folds.")
        metrics = sorted(metrics, key=lambda m: m.name != "rmse")  # (stable: the others keep their order)
        notes.append(f"the table is sorted by rmse, not {sort}: {sort} is not defined on a test fold whose target "
                     f"is constant, and {n_defined} of the {len(splits)} splits hold another")
    one = len(shares) == 1
    notes.append(f"{_listed(shares)} {'is' if one else 'are'} not defined on a test fold whose target is constant (a "
                 f"share of its variance, which is 0), and {len(constant)} of the {len(splits)} splits test one: "
                 f"those splits are left out of {'it' if one else 'them'} for every model (NaN)")
    return metrics, {name: constant for name in shares}, notes


# --------------------------------------------------------------------------- what the tests need of the scores

def score_sizes(scorer, y, splits, task):
    """The rows each split's score averages over, shape (n_splits, n_groups): its test rows, or, for an
    average over the classes (balanced accuracy, a macro average), each class's test rows; for ROC AUC, the rows
    of the smaller side of each class against the others (min(P, N) of two classes), one of which ranked anew moves
    it by 1 / those rows;
    zeros for a score that counts neither (of probabilities, as log-loss, or a regression's errors). Differences
    between two models that vary across splits no more than these sizes make are no evidence
    (:func:`sknn._stats.corrected_ttest`)."""
    tests = [sp[3] for sp in splits]
    function = _score_function(scorer)[1] if task == "classification" else ""
    if function == "roc_auc_score":  # the share of pairs of a class and another ordered right: one row of the
        counts = _class_counts(y, tests)  # smaller side ranked anew moves it by 1 / its rows, for each class against
        sides = np.minimum(counts, counts.sum(axis=1, keepdims=True) - counts)  # the others (two: one group)
        return sides[:, :1] if counts.shape[1] == 2 else sides
    if function == "top_k_accuracy_score":  # (of probabilities, but a share of rows)
        return np.array([[len(t)] for t in tests])
    if task != "classification" or getattr(_score_function(scorer)[0], "_response_method", None) != "predict":
        return np.zeros((len(tests), 1))  # a score of probabilities or of numbers counts no rows: no resolution
    if _averages_present_classes(scorer):
        return _class_counts(y, tests)
    _, function, options = _score_function(scorer)
    if function in _PER_CLASS_SCORES and options.get("average", "binary") == "binary":  # the positive class's
        positive = options.get("pos_label", 1)  # rows: one of them moves recall by 1/P, F1 by about as much
        return np.array([[int(np.sum(np.asarray(y)[t] == positive))] for t in tests])
    if function not in ("accuracy_score",) and options.get("average") != "micro":  # MCC, kappa, a weighted
        # average: a row of the smallest class moves them most
        return _class_counts(y, tests).min(axis=1, keepdims=True)
    return np.array([[len(t)] for t in tests])


def _class_counts(y, tests):
    """The rows of each class (columns, in sorted order) in each split's test rows ``tests``."""
    classes, codes = np.unique(y, return_inverse=True)
    return np.array([np.bincount(codes[t], minlength=len(classes)) for t in tests])


def drop_infinite_scores(records):
    """An infinite score (an error that overflowed: predictions of 1e200) is no score: NaN, so that the split
    counts as a failed one for the model (as a split its predictions could not be scored on), with a warning
    that says why. Changes ``records`` in place."""
    for r in records:
        for name, value in r["scores"].items():
            if np.isinf(value):
                r["scores"][name] = np.nan
                r["warnings"].append(f"{name} is infinite on this split (predictions too large to score?): left "
                                     "out, the split counts as a failed one")
