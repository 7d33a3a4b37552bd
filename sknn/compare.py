"""Side-by-side comparison: cross-validate several models on identical folds, and test the differences.

``compare(X, y)`` answers the first question a data scientist asks of a neural network:
how does it do against the models I already use, on my data, under the same protocol,
and is the difference real or noise?

This module only defines the public functions; the work is in ``sknn._compare`` and
``sknn._stats``, imported on first use, so that ``import sknn`` and ``sknn --help`` stay
fast.
"""

__all__ = ["compare", "default_models", "detect_task", "rank_datasets", "corrected_ttest", "bayesian_ttest",
           "MODEL_ALIASES", "DEFAULT_REPEATS", "SMALL_DATA", "default_repeats", "METRICS",
           "LabelEncodedClassifier", "GroupedFolds"]

_FROM_STATS = ("corrected_ttest", "bayesian_ttest")
_FROM_SPLITS = ("GroupedFolds",)

from ._compare_defaults import DEFAULT_REPEATS, SMALL_DATA, default_repeats  # noqa: E402  (light)

def compare(X, y, models="default", cv=5, repeats=None, scoring=None, sort=None, test="t-test", alpha=0.05,
            rope=0.01, n_jobs=-1, threads="auto", time_budget=None, task="auto", baseline=True, random_state=0,
            verbose=True, return_fitted=False):
    """Cross-validate several models on the same repeated folds, tabulate them and test each against the best.

    Every model is fitted and scored on the same ``cv`` folds, drawn ``repeats`` times
    with different shuffles. On the sort metric, each model is then compared with the
    best one (highest mean) by a test that accounts for the overlap of cross-validation
    training sets, and the table says whether it is distinguishable from the best.

    Parameters
    ----------
    X : array-like or DataFrame of shape (n_samples, n_features), or images (n_samples, H, W[, C])
        A DataFrame's columns reach every model as sknn's networks read them: booleans and
        nullable numbers as numbers, text and mixed labels as categories; columns no model
        can read (dates, lists, numbers with placeholder cells such as '?') are refused
        before any fit, and so is a column equal to ``y`` (the target left among the
        features; a column of 2 values on fewer than 50 rows, which can agree with a binary
        target by chance, gets a note instead), and a column of numbers that tells the target
        almost alone gets a note (a threshold separating 2 classes; a rank correlation of 0.99
        with a regression's target: derived from it?). A sparse matrix is made dense.
        ``table.attrs['notes']`` warns of rows repeated exactly (features and target: copies
        straddle the folds, which favours the models that memorise) when they are 5% of the
        rows or more and some numeric column is mostly distinct (repeats unlikely by chance),
        and of a row identifier: a column named like one ('id', 'index', 'customer_id',
        'Unnamed: 0', ...) with a different whole number or text in every row, or the row
        numbers 0..n-1 (or 1..n) out of order beside other columns.
        When X and y are both pandas objects whose indexes hold the same labels in another
        order, rows are paired by position: refused when neither index is the default
        0..n-1, else a note; by labels, ``y = y.loc[X.index]``, by position,
        ``y = y.reset_index(drop=True)``.
    y : array-like of shape (n_samples,)
        Rows whose target is missing (NaN, None) are left out and counted
        (``table.attrs['n_dropped']``).
    models : 'default', list of str, or dict of name -> estimator, default='default'
        'default' is the line-up of :func:`default_models`: a baseline, a linear model,
        a random forest, histogram gradient boosting, LightGBM, XGBoost and CatBoost
        when installed, and sknn's network. A list picks among them by alias ('dummy',
        'linear', 'forest', 'boosting', 'lightgbm', 'xgboost', 'catboost', 'network')
        or name; a dict brings your own estimators or pipelines.
    cv : int, cross-validation splitter or None, default=5
        An int means ``StratifiedKFold`` (classification) or ``KFold`` (regression),
        shuffled (None: 5): the first repeat with ``random_state``, repeat ``r >= 1`` with a
        seed drawn from numpy's ``SeedSequence([random_state, r])``, so that two values of
        ``random_state`` give unrelated splits. A splitter (e.g.
        ``RepeatedStratifiedKFold``) is used as is, and so is a list of (train, test) index
        pairs: for groups, ``GroupedFolds(5, groups, n_repeats=3, stratify=True)`` (each fold
        tests whole groups, shuffled anew each repeat; ``sknn compare --groups``), or
        ``list(GroupKFold(5).split(X, y, groups))``. Every model sees the
        same splits. Balanced accuracy and the macro averages (F1, precision, recall,
        Jaccard) are computed over the classes a test fold holds, and are not defined on a
        fold of one class; a score of the positive class (F1, precision, recall, average
        precision) is not defined on a fold without it, ROC AUC on a fold lacking a class.
        Such a metric is NaN there for every model, with a note, and its means and tests
        are over the other splits. When the sort metric is defined on fewer than 2 splits,
        the table is sorted by accuracy instead, with a note (refused before any fit when
        ``sort`` or ``scoring`` chose it).
    repeats : int, default=None
        How many times the k-fold split is drawn (an int ``cv`` only). None is 3 below
        1,000 rows, where the scores of one k-fold are noisy and fits are quick, and 1
        from 1,000 rows, so that the main job, ``sknn compare`` on digits, runs in under
        a minute on 2 CPU cores. More repeats give the tests more power.
    scoring : str or list of str, default=None
        Metrics, by short name ('accuracy', 'balanced_accuracy', 'log_loss', 'roc_auc'
        (one-vs-rest beyond two classes), 'f1_macro', 'r2', 'rmse', 'mae') or any
        scikit-learn scorer name. None is balanced accuracy, accuracy, log-loss, ROC AUC
        and macro F1 for classification; R², RMSE and MAE for regression. log_loss,
        rmse and mae are shown as positive numbers, lower is better.
    sort : str, default=None
        The metric that ranks the models and that the tests use; None is the first
        metric of ``scoring`` (balanced accuracy or R² by default). A note names each other
        metric whose means put another model than the best first (the baseline aside), by more
        than twice the best's standard deviation over the splits (untested).
    test : {'t-test', 'bayesian'}, default='t-test'
        What decides ``vs_best`` (both are always computed):

        * 't-test': the corrected resampled t-test (Nadeau and Bengio 2003, in the
          repeated k-fold form of Bouckaert and Frank 2004), two-sided, its p-values
          Holm-adjusted over the comparisons with the best. ``vs_best`` is 'worse' when
          the adjusted p-value is below ``alpha``, 'tied' otherwise. For scores that count
          rows (accuracy, balanced accuracy, F1...), the standard error is at least one
          row's change of the score (1/m on m test rows; 1/P on the P positive rows for
          recall or F1; the smallest class of 10 rows or more for an average over classes)
          times sqrt(1/k + n_test/n_train), k folds: differences steady to a row (the same
          row wrong in every fold, however many repeats) are not a variance of 0, and a gap
          of many rows steady to a row is evidence however few the splits.
        * 'bayesian': the Bayesian correlated t-test (Corani and Benavoli 2015; Benavoli
          et al. 2017). 'worse' when the posterior probability that the best is better
          by more than ``rope`` is at least ``1 - alpha``, Holm-adjusted over the comparisons
          with the best as the t-test's p-values (one minus it as the p-value: the best is
          chosen after the fact), 'equivalent' when the difference is within the rope with
          probability at least ``1 - alpha``, 'undecided' otherwise. ``p_best_better`` is
          the unadjusted probability. Its posterior has the t-test's scale, the same floor
          included.

        A model whose fits failed on some splits and that is significantly better than
        the best on the splits it was scored on is 'better where scored' (``group`` 4,
        with a note): it is not ranked, since its failures are not scores. An infinite
        score counts as a failed split, with a warning.

        What both assume: the per-split differences between two models are roughly
        normal, and two splits' scores are correlated by about ``n_test / n`` (the
        share of rows two training sets have in common, as the correction models it);
        the conclusion is about this data set and this protocol, not about other data.
        They cannot see past the folds: a leak shared by all models (a feature computed
        from the target, duplicated rows across folds) is not detected.
    alpha : float, default=0.05
        Significance level of the t-test, and of the Bayesian test's 'worse' and 'better
        where scored' verdicts (one minus the posterior probability, Holm-adjusted);
        'equivalent' needs a posterior probability of ``1 - alpha``.
    rope : float, default=0.01
        Half-width of the Bayesian test's region of practical equivalence: an absolute
        difference for scores bounded by 1 (accuracy, balanced accuracy, ROC AUC, F1,
        R²; below 0.5, or every model is equivalent), a fraction of the best model's mean
        for errors (log-loss, RMSE, MAE).
    n_jobs : int, default=-1
        Worker processes fitting in parallel over models x splits (joblib; -1: one per
        core).
    threads : 'auto' or int, default='auto'
        Threads each fit may use: torch, BLAS and OpenMP are limited with threadpoolctl
        around each fit, and the default line-up passes it to the forest, LightGBM,
        XGBoost and CatBoost. 'auto' shares the cores among the workers, at least one
        thread each (with the default ``n_jobs=-1``, one thread per fit), and gives one
        thread when ``OMP_NUM_THREADS`` says so or when the machine is already busy (a
        1-minute load average of half the cores or more); ``attrs['threads_reason']``
        says which. One thread per fit and folds in parallel keeps its speed when another
        program takes a core, while threads that wait for each other spin: with 2
        threads per fit on busy cores the main job took about 6 times as long
        (benchmarks/RESULTS.md, "compare").
    time_budget : float, default=None
        Seconds. After the first fold of every model, the slowest models are skipped
        (and listed in ``attrs['skipped']``) until the first repeat fits in the budget;
        each further repeat is run only if it fits in what is left
        (``attrs['stopped']`` says when it stopped).
    task : {'auto', 'classification', 'regression'}, default='auto'
        'auto' decides from y (:func:`detect_task`); ``attrs['task_reason']`` says why.
    baseline : bool, default=True
        Add a ``DummyClassifier(strategy='prior')`` / ``DummyRegressor()`` row, so that
        the table shows at once whether any model beats the trivial rule.
    random_state : int, default=0
        Seeds the folds (see ``cv``) and the default models.
    verbose : bool, default=True
        A progress bar over the fits with the time left (on stderr).
    return_fitted : bool, default=False
        Also return a dict with each model's fitted estimators of the first repeat
        (``'estimators'``, one per fold) and its out-of-fold predictions on that repeat
        (``'predictions'``; only when the test folds of that repeat cover every row once, as
        k-fold's do: a ``ShuffleSplit`` or a list of splits gives none).

    Returns
    -------
    table : pandas.DataFrame
        One row per model, grouped: first the best and the models not distinguishable
        from it (``group`` 1), then those worse than the best (``group`` 2), then models
        without a score (3), then models better than the best where they were scored
        (4); by the sort metric within a group. Columns:

        * ``vs_best``: 'best', 'tied' / 'equivalent' / 'undecided', 'worse', 'n/a' or
          'better where scored';
        * ``diff_vs_best``: mean of the model minus the best, in the sort metric, over the splits both were
          scored on (a model whose fits failed on some splits: its mean there, not its mean shown);
        * ``p_value``: the corrected t-test's Holm-adjusted p-value against the best;
        * ``p_best_better``, ``p_equivalent``: the Bayesian test's probabilities that
          the best is better by more than the rope, and that they are within it;
        * ``<metric>_mean``, ``<metric>_std`` for each metric, over the splits;
        * ``fit_time``, ``predict_time``: mean seconds per split (predict and score);
        * ``threads``: the thread limit of each fit; ``cpu_use``: CPU seconds per second
          of fitting and scoring (about the number of cores the model kept busy);
        * ``failed_fits`` and ``rank`` (1 = best on the sort metric). ``failed_fits`` counts
          the splits where the model's fit raised, or where its sort metric could not be
          scored (NaN predictions, say) while another model's was. A model with a failed
          fit is scored on the splits it survived: it is never the best while another model
          was scored on every split, and it ranks after those.

        ``table.attrs`` holds the protocol and the raw material: ``task`` and
        ``task_reason``, ``n_samples``, ``n_dropped``, ``scoring``, ``sort``,
        ``lower_is_better``, ``test``, ``alpha``, ``rope``, ``cv``, ``repeats``,
        ``cv_splits`` (train and test indices of every split), ``scores`` (long
        format: one row per model, repeat, fold and metric, fit and predict times
        included), ``n_jobs``, ``threads``, ``skipped``, ``stopped``, ``errors``,
        ``warnings`` (per model, each distinct warning with the number of fits that
        raised it), ``notes`` and ``elapsed`` (seconds).

    See Also
    --------
    rank_datasets : mean ranks and the critical difference over several data sets.
    sknn.plot.fold_scores, sknn.plot.time_vs_score : the per-split scores as figures.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.dummy import DummyClassifier
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sknn import compare
    >>> X, y = load_iris(return_X_y=True)
    >>> table = compare(X, y, models={"logistic": LogisticRegression(max_iter=1000)}, cv=5, repeats=2,
    ...                 scoring=["accuracy", "log_loss"], verbose=False)
    >>> table[["vs_best", "accuracy_mean"]].round(2)
                     vs_best  accuracy_mean
    model
    logistic            best           0.96
    Dummy (baseline)   worse           0.33
    >>> scores = table.attrs["scores"]             # one row per model, split and metric
    >>> scores.query("metric == 'accuracy'").pivot(index="split", columns="model", values="score").shape
    (10, 2)
    """
    from ._compare import run_compare

    return run_compare(X, y, models=models, cv=cv, repeats=repeats, scoring=scoring, sort=sort, test=test,
                       alpha=alpha, rope=rope, n_jobs=n_jobs, threads=threads, time_budget=time_budget, task=task,
                       baseline=baseline, random_state=random_state, verbose=verbose, return_fitted=return_fitted)


def __getattr__(name):
    if name in _FROM_STATS:
        from . import _stats

        return getattr(_stats, name)
    if name in _FROM_SPLITS:
        from . import _compare_splits

        return getattr(_compare_splits, name)
    if name in __all__:
        from . import _compare

        return getattr(_compare, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
