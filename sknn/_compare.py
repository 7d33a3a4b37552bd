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
import time
import warnings
from collections import Counter
from numbers import Integral, Real

import numpy as np
import pandas as pd
from joblib import Parallel, cpu_count, delayed, effective_n_jobs
from sklearn.utils import _safe_indexing

from . import _stats
from ._alignment import check_same_row_order
from ._compare_checks import check_target_not_a_feature, duplicated_rows_note, row_identifier_notes, target_column
from ._compare_datasets import check_alpha, rank_datasets  # noqa: F401 (rank_datasets: the API's, and the CLI's)
from ._compare_defaults import DEFAULT_REPEATS, SMALL_DATA, default_repeats
from ._compare_fit import _duration, _fit_one, _packages, _Progress
from ._compare_lineup import (MODEL_ALIASES, LabelEncodedClassifier, _check_features, _check_target, _is_missing,
                              _select_models, _task_with_reason, default_models, detect_task)
from ._compare_metrics import (METRICS, AllClassesScorer, PresentClassesScorer, _metrics, constant_target_splits,
                               drop_infinite_scores, score_sizes, undefined_splits)
from ._compare_splits import GroupedFolds, holds_row_numbers
from ._compare_splits import splits as _splits
from ._labels import check_label_spellings, numpy_labels, one_label_column, refuse_merged_labels
from ._numeric_targets import check_real_target
from ._validation import refuse_records, unmasked

__all__ = ["run_compare", "prepare", "execute", "default_models", "detect_task", "rank_datasets", "MODEL_ALIASES",
           "METRICS", "LabelEncodedClassifier", "DEFAULT_REPEATS", "SMALL_DATA", "default_repeats"]


# --------------------------------------------------------------------------- the comparison

def _auto_threads(n_workers):
    """Threads per fit for ``threads='auto'``, and why.

    The cores divided among the workers, but one thread when ``OMP_NUM_THREADS`` says so or when the machine is
    already busy (a 1-minute load average of half its cores or more): threads that wait for each other spin, and
    with 2 threads per fit on busy cores the main job took about 6 times as long (benchmarks/RESULTS.md, "compare").
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


def _check_random_state(random_state):
    if random_state is None or isinstance(random_state, np.random.RandomState):
        return
    if not isinstance(random_state, Integral) or isinstance(random_state, bool) or not 0 <= random_state < 2**32:
        raise ValueError(f"random_state must be an int from 0 to 2**32 - 1 (the seed of the folds and the models), "
                         f"None or a numpy RandomState; got {random_state!r}.")


def _check_params(repeats, test, alpha, rope, n_jobs, threads, time_budget):
    if repeats is not None and (not isinstance(repeats, Integral) or isinstance(repeats, bool) or repeats < 1):
        raise ValueError(f"repeats must be an int >= 1, got {repeats!r}.")
    if test not in ("t-test", "bayesian"):
        raise ValueError(f"test must be 't-test' (corrected resampled t-test) or 'bayesian' (correlated Bayesian "
                         f"t-test), got {test!r}.")
    check_alpha(alpha)
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
    _check_random_state(random_state)
    if not isinstance(baseline, (bool, np.bool_)):  # ('no' is true)
        raise ValueError(f"baseline must be True or False, got {baseline!r}.")
    cv = 5 if cv is None else cv  # scikit-learn's meaning, 5 folds, drawn as compare draws them (shuffled, repeated)
    row_order_note = check_same_row_order(X, y)  # (before the labels are dropped)
    X, y = unmasked(refuse_records(X), missing=True), unmasked(y, "y", missing=True)  # masked: missing (y's: left out)
    if isinstance(X, pd.DataFrame):
        X = X.reset_index(drop=True)
    elif isinstance(X, pd.Series):
        X = X.to_frame()
    elif not (hasattr(X, "__len__") or hasattr(X, "nnz")) or isinstance(X, (str, bytes)):
        raise ValueError(f"X must be an array, a DataFrame or a list of rows; got {type(X).__name__}.")
    y, categorical = target_column(X, y)
    check_real_target(y)
    missing = _is_missing(y)
    n_dropped = int(missing.sum())
    if n_dropped:
        if n_dropped == len(y):
            raise ValueError("Every value of y is missing: there is nothing to learn.")
        keep_rows = np.flatnonzero(~missing)
        if isinstance(cv, GroupedFolds) and len(cv.groups) == len(missing):  # a group per row: the kept rows' own
            cv = GroupedFolds(cv.n_splits, cv.groups[keep_rows], cv.n_repeats, cv.stratify, cv.random_state)
        X = _safe_indexing(X, keep_rows)
        if isinstance(X, pd.DataFrame):
            X = X.reset_index(drop=True)
        y = y[keep_rows]
    X = _check_features(X)  # on the rows that are compared: the kind of a column can depend on them
    given, y = y, numpy_labels(y, labels=False)  # numbers in an object array (a CSV column with gaps, a pandas
    if task == "auto" and categorical:  # object column)
        task, task_reason = "classification", "a pandas Categorical: its categories are classes"
    elif task == "auto":
        task, task_reason = _task_with_reason(y)
    elif task in ("classification", "regression"):
        task_reason = "chosen by the caller"
    else:
        raise ValueError(f"task must be 'auto', 'classification' or 'regression', got {task!r}.")
    if task == "classification":
        refuse_merged_labels(one_label_column(given), np.asarray(y))
    if categorical and task == "classification" and any(isinstance(v, float) and not v.is_integer() for v in y):
        y = np.asarray(y).astype(str)  # categories 1.5, 2.5: labels, which scikit-learn takes as text only
    y = _check_target(y, task)
    target_copy_notes = check_target_not_a_feature(X, y, task)
    if task == "classification":
        check_label_spellings(pd.unique(y))
    classes = np.unique(y) if task == "classification" else np.zeros(0)
    n_classes = len(classes)
    metrics = _metrics(scoring, sort, task, classes)
    if test == "bayesian" and metrics[0].bounded and rope >= 0.5:
        raise ValueError(f"rope={rope:g} is 0.5 or more on {metrics[0].name}, a score of at most 1: differences that "
                         "large leave nearly every model practically equivalent; pass a difference that matters to "
                         "you, e.g. 0.01.")
    repeats_asked = default_repeats(len(y)) if repeats is None and isinstance(cv, Integral) else repeats
    if n_dropped and not isinstance(cv, (Integral, GroupedFolds)) and (not hasattr(cv, "split")
                                                                    or holds_row_numbers(cv)):
        raise ValueError(f"cv's splits number the rows of X, but {n_dropped} row(s) have no target and are left out, "
                         "which renumbers the others: leave those rows out before making the splits.")
    splits = _splits(X, y, cv, repeats_asked, task, random_state)
    smallest = min(len(te) for _, _, _, te in splits)
    if smallest < 2 and any(m.name == "r2" for m in metrics):  # known before any fit (refused after them all)
        raise ValueError(f"r2 needs at least 2 test rows per split (it compares the errors with the test rows' "
                         f"spread), but some split tests {smallest} row: score with rmse or mae, or use fewer folds.")
    k = 1 + max(f for _, f, _, _ in splits)
    n_repeats = 1 + max(r for r, _, _, _ in splits)

    n_workers = effective_n_jobs(n_jobs)
    if threads == "auto":
        n_threads, threads_reason = _auto_threads(n_workers)
    else:
        n_threads, threads_reason = int(threads), "chosen by the caller"
        if n_threads > cpu_count():  # (threads beyond the cores wait for each other, spinning: slower fits)
            threads_reason += f"; more than the {cpu_count()} cores, which makes fits slower"
    estimators, roles = _select_models(models, X, task, random_state, n_threads, baseline)
    asked, n_workers = n_workers, max(1, min(n_workers, len(estimators) * len(splits)))
    if n_workers < asked:  # (no more workers than fits: the threads were shared among those asked for)
        threads_reason += f" asked; {len(estimators) * len(splits)} fits need {n_workers}"
    scorers = {m.name: m.scorer for m in metrics}
    notes, class_counts, undefined = [row_order_note] if row_order_note else [], {}, {}
    if task == "classification":
        labels, counts = np.unique(y, return_counts=True)
        scorers = {name: AllClassesScorer(s, labels) if AllClassesScorer.applies(s)
                   else PresentClassesScorer(s) if PresentClassesScorer.applies(s) else s
                   for name, s in scorers.items()}
        class_counts = {(v.item() if hasattr(v, "item") else v): int(c) for v, c in zip(labels, counts)}
        single = labels[counts == 1]
        if len(labels) - len(single) < 2 and 2 * len(single) > len(labels):
            raise ValueError(f"{len(single)} of the {len(labels)} classes of y have 1 row: an identifier or a name is "
                             "not a class; choose another target" + (", or pass task='regression' (--task regression) "
                             "for a quantity." if labels.dtype.kind in "iuf" else "."))
        if len(labels) - len(single) < 2:  # the fold that tests a one-row class would train on one class only
            raise ValueError(f"The class {single[0].item() if hasattr(single[0], 'item') else single[0]!r} of y has "
                             "1 row: the fold that tests it would train every model on a single class; add rows of "
                             "it, or leave that row out.")
        if counts.min() < k:
            fewer = f" (with at most {counts.min()} folds each holds every class)" if counts.min() > 1 else ""
            notes.append(f"the smallest class has {counts.min()} row{'s' if counts.min() > 1 else ''}, fewer than "
                         f"the {k} folds: some test folds lack it{fewer}")
        chosen = sort is not None or scoring is not None  # a default sort metric undefined almost everywhere: accuracy
        metrics, undefined, undefined_notes = undefined_splits(metrics, y, splits, chosen)
        notes += undefined_notes
        cased = {}
        for label in labels.tolist():
            if isinstance(label, str):
                cased.setdefault(label.casefold(), []).append(label)
        same = [spellings for spellings in cased.values() if len(spellings) > 1]
        if same:  # 'yes' and 'Yes': two classes, each with part of one's rows, if they are one
            notes.append(f"classes that differ only by case: {', '.join(' and '.join(map(repr, s)) for s in same[:3])}"
                         f"{' ...' if len(same) > 3 else ''}; if each pair is one class, write it one way in the data")
    else:  # (r2 on a test fold of one target value: undefined, not scikit-learn's 0.0)
        metrics, undefined, undefined_notes = constant_target_splits(metrics, y, splits, sort is not None or scoring)
        notes += undefined_notes

    notes += target_copy_notes + [n for n in [duplicated_rows_note(X, y, cv)] if n] + row_identifier_notes(X, y, task)
    notes += [f"{n_dropped} row(s) without a target are left out: the rows of cv_splits and of the predictions are "
              f"the {len(y)} kept, numbered 0 to {len(y) - 1} in their order in X"] * bool(n_dropped)
    return Plan(X=X, y=y, task=task, task_reason=task_reason, n_dropped=n_dropped, n_classes=n_classes,
                class_counts=class_counts, metrics=metrics, splits=splits, n_repeats=n_repeats, k=k,
                repeats_asked=repeats_asked, n_workers=n_workers, n_threads=n_threads,
                threads_reason=threads_reason, estimators=estimators,
                roles=roles, scorers=scorers, notes=notes, undefined=undefined, test=test, alpha=alpha, rope=rope,
                time_budget=time_budget, random_state=random_state)


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
    undefined_at = {}  # split -> the metrics not defined on it
    for metric, lacking in plan.get("undefined", {}).items():
        for s in lacking:
            undefined_at.setdefault(s, []).append(metric)

    def jobs_for(split_ids, model_names):
        return [(m, s) for s in split_ids for m in model_names]

    def run(parallel, jobs):
        pending = Counter(m for m, _ in jobs)
        keep_split = {s for s, (r, _, _, _) in enumerate(splits) if r == 0}
        tasks = (delayed(_fit_one)(m, estimators[m], X, y, s, splits[s][2], splits[s][3], scorers, n_threads,
                                   return_fitted and s in keep_split, packages, undefined_at.get(s, ()))
                 for m, s in jobs)
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
    drop_infinite_scores(records)  # (a failed split, with a warning)
    table, long = _tabulate(records, names, roles, splits, metrics, plan.test, plan.alpha, plan.rope, y, task)
    errors = {}
    for r in records:
        if r["error"] and r["model"] not in errors:
            errors[r["model"]] = r["error"]
    if len(errors) == len(names):
        raise ValueError(f"Every model failed to fit; {names[0]}: {errors[names[0]]}")
    others = [n for n in names if roles.get(n) != "dummy"]
    if others and all(n in errors for n in others) and len(others) < len(names):  # the baseline would be 'best'
        failed = {n: sum(1 for r in records if r["model"] == n and r["error"]) for n in others}
        shown = ", ".join(f"{n} on {k} of {len(splits)} splits" for n, k in list(failed.items())[:3])
        some = "" if all(k == len(splits) for k in failed.values()) else \
            f" on some split ({shown}), so none can be compared on every split"
        raise ValueError(f"Every model but the baseline failed to fit{some}; {others[0]}: {errors[others[0]]}")
    sort = metrics[0].name
    if others and (table.attrs["best"] is None or roles.get(table.attrs["best"]) == "dummy") and \
            table.loc[others, f"{sort}_mean"].isna().all():  # no verdict, or the baseline's by default
        raise ValueError(f"No model{' but the baseline' if len(others) < len(names) else ''} could be scored on "
                         f"{sort} on 2 splits or more (see each model's warnings: a method it lacks, or a metric "
                         f"undefined on these test sets): sort by another metric (sort=..., --sort).")
    elapsed = time.perf_counter() - started
    if time_budget is not None and elapsed > 1.1 * time_budget:  # the first repeat of the models kept runs whole
        over = (f"took {_duration(elapsed)}, past the time budget of {_duration(time_budget)}: the models kept are "
                "fitted on every split of the first repeat")
        stopped = f"{stopped}; it {over}" if stopped else f"it {over}"
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
        threads_reason=plan.threads_reason, roles=roles, random_state=plan.random_state,
        scores=long, skipped=skipped, stopped=stopped, errors=errors,
        warnings={m: dict(c) for m, c in warned.items()}, notes=plan.notes + table.attrs.pop("notes", []) + [
            f"{n} is not compared: " + (f"its fit failed on every split ({errors[n]})" if n in errors else
                                        f"not scored on {sort} ({next(iter(warned.get(n, {'no score': 0})))})")
            for n in names if np.isnan(table.loc[n, f"{sort}_mean"])], elapsed=elapsed)
    if not return_fitted:
        return table
    fitted = {"estimators": {}, "predictions": {}}
    first = [s for s, sp in enumerate(splits) if sp[0] == 0]
    tested = np.bincount(np.concatenate([splits[s][3] for s in first]), minlength=len(y))
    partition = bool((tested == 1).all())  # out-of-fold predictions exist only where each row is tested once
    for name in names:
        mine = {r["split"]: r for r in records if r["model"] == name}
        fitted["estimators"][name] = [mine[s]["estimator"] if s in mine else None for s in first]
        preds = [mine[s]["y_pred"] if s in mine else None for s in first]
        # a column (n, 1) is the split's predictions; any other shape is none (the scores said so already)
        preds = [p.ravel() if p is not None and p.ndim == 2 and p.shape[1] == 1 else p for p in preds]
        preds = [p if p is not None and p.shape == (len(splits[s][3]),) else None for s, p in zip(first, preds)]
        if partition and all(p is not None for p in preds):
            oof = np.empty(len(y), dtype=np.result_type(*[p.dtype for p in preds]))
            for s, p in zip(first, preds):
                oof[splits[s][3]] = p
            fitted["predictions"][name] = oof
    return table, fitted


def _nanmean(values):
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    return float(values.mean()) if len(values) else np.nan


def _mean_std(values):
    """Mean and standard deviation (NaN below 2 values) of finite values, in units of the largest: an error of
    2e199 on one split overflowed the variance (inf, and numpy's RuntimeWarning)."""
    scale = max(1.0, float(np.abs(values).max(initial=0.0)))
    scaled = values / scale
    return (float(scaled.mean()) * scale if len(values) else np.nan,
            float(scaled.std(ddof=1)) * scale if len(values) > 1 else np.nan)


def _paired(base, other):
    """Two models' scores (``base``, ``other``: Series by split) on the splits both were scored on, and those
    splits: ``(a, b, splits)``."""
    both = pd.concat([base, other], axis=1).dropna()
    return both.iloc[:, 0].to_numpy(), both.iloc[:, 1].to_numpy(), both.index.to_numpy()


def _below_baseline(names, dummy, complete, failed, goodness, n_train, n_test, sizes, alpha):
    """The models (without a failed fit) whose scores on the sort metric (``complete``: each model's, by split,
    greater is better) are below the baseline's (``dummy``) by the corrected resampled t-test, Holm-adjusted."""
    if dummy is None:
        return []
    base = complete[dummy]
    tested = [n for n in names if n != dummy and not failed[n] and goodness[n] < goodness[dummy]]
    p = []
    for n in tested:
        a, b, at = _paired(base, complete[n])
        p.append(_stats.corrected_ttest(a, b, n_train[at], n_test[at], sizes[at])[1] if len(at) >= 2 else np.nan)
    adjusted = _stats.holm(p) if p else []
    return [n for n, q in zip(tested, adjusted) if q < alpha]


def _other_metrics_best(table, metrics, sort, best, ranked, roles):
    """[(metric, model)] for each metric but ``sort`` whose mean ranks first a model of ``ranked`` (the baseline
    aside) other than ``best``, ahead of it by more than twice the larger standard deviation of the two models'
    scores over the splits (not a difference of noise, as between accuracy's and balanced accuracy's near-ties), the
    clearest lead (in those deviations) first."""
    rivals = []
    for m in metrics:
        if best is None or m.name == sort.name:
            continue
        goodness = (m.sign * table.loc[[n for n in ranked if roles.get(n) != "dummy"], f"{m.name}_mean"]).dropna()
        if best not in goodness.index or len(goodness) < 2:  # (greater is better)
            continue
        top = goodness.idxmax()
        spread = np.nan_to_num(table.loc[[best, top], f"{m.name}_std"]).max()  # (a constant best's 0: any lead)
        lead = (goodness[top] - goodness[best]) / max(spread, 1e-12)
        if top != best and lead > 2:
            rivals.append((lead, m.name, top))
    return [(name, top) for _, name, top in sorted(rivals, key=lambda r: -r[0])]


def _ranks(goodness, failed):
    """1 = best by ``goodness`` (greater is better, ties share the lower rank), the models with ``failed[name]``
    after all the others; NA for a model without a score."""
    key = {n: (failed[n], -g) for n, g in goodness.items() if not np.isnan(g)}
    ranks = pd.Series(pd.NA, index=goodness.index, dtype="Int64")
    for n, k in key.items():
        ranks[n] = 1 + sum(other < k for other in key.values())
    return ranks


def _tabulate(records, names, roles, splits, metrics, test, alpha, rope, y=None, task=None):
    """The table (one row per model) and the long-format scores; ``attrs['notes']``: what its verdicts need said."""
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

    # splits some model was scored on, by the sort metric: a model without a score there failed there, whether its
    # fit raised or its predictions could not be scored (NaN predictions), unless it lacks the metric's method
    scored = {r["split"] for r in records if not np.isnan(r["scores"][sort.name])}

    def failed_on(r):
        return r["error"] is not None or (r["split"] in scored and np.isnan(r["scores"][sort.name])
                                          and sort.name not in r.get("not_computed", ()))

    rows = []
    for name in names:
        mine = sorted((r for r in records if r["model"] == name), key=lambda r: r["split"])
        row = {"model": name}
        for m in metrics:
            values = np.array([m.sign * r["scores"][m.name] for r in mine], dtype=float)
            row[f"{m.name}_mean"], row[f"{m.name}_std"] = _mean_std(values[np.isfinite(values)])
        row["fit_time"] = _nanmean([r["fit_time"] for r in mine])
        row["predict_time"] = _nanmean([r["score_time"] for r in mine])
        row["threads"] = int(mine[0]["threads"]) if mine else 0
        busy = [r["cpu_time"] / r["wall_time"] for r in mine if r["wall_time"] > 0]
        row["cpu_use"] = float(np.mean(busy)) if busy else np.nan
        row["failed_fits"] = int(sum(failed_on(r) for r in mine))
        rows.append(row)
    table = pd.DataFrame(rows).set_index("model")

    # each model against the best on the sort metric
    key = f"{sort.name}_mean"
    # greater is better; to 12 digits, so that equal means summed in another order tie (0.46666666666666673)
    goodness = (sort.sign * table[key]).map(lambda g: float(f"{g:.12g}") if np.isfinite(g) else g)
    n_train, n_test = (np.array([len(sp[i]) for sp in splits]) for i in (2, 3))
    sizes = score_sizes(sort.scorer, y, splits, task) if y is not None else n_test  # what no spread tells
    complete = {n: oriented(n) for n in names}
    candidates = [n for n in names if complete[n].notna().sum() >= 2]
    # a model without a failed fit is preferred: a mean over the folds a model survived is not the others' mean
    failed = {n: bool(table.loc[n, "failed_fits"]) for n in names}
    whole = [n for n in candidates if not failed[n]]
    best = max(whole or candidates, key=lambda n: (goodness[n], roles.get(n) != "dummy")) if candidates else None
    diff, p_raw, p_better, p_rope, p_worse, shared = ({n: np.nan for n in names} for _ in range(6))
    width = np.nan
    if best is not None:
        base = complete[best]
        width = rope if sort.bounded else rope * abs(float(base.mean()))
        for n in names:
            if n == best:
                continue
            a, b, at = _paired(base, complete[n])
            if len(at) < 2:
                continue
            shared[n] = len(at)
            diff[n] = _stats.mean_difference(a, b)
            p_raw[n] = _stats.corrected_ttest(a, b, n_train[at], n_test[at], sizes[at])[1]
            p_better[n], p_rope[n], p_worse[n] = _stats.bayesian_ttest(a, b, n_train[at], n_test[at], rope=width,
                                                                       sizes=sizes[at])
    # Holm's adjustment, for the t-test's p-values and the Bayesian test's 1 - P: the best is chosen after the fact
    p_adj, q_better, q_worse = (dict(zip(names, _stats.holm([f(n) for n in names]))) for f in (
        p_raw.get, lambda n: 1 - p_better[n], lambda n: 1 - p_worse[n]))
    verdict, notes = {}, []
    for n in names:
        if n == best:
            verdict[n] = "best"
        elif np.isnan(p_raw[n]) and np.isnan(p_better[n]):
            verdict[n] = "n/a"
        elif test == "t-test":
            verdict[n] = "tied" if not p_adj[n] < alpha else "worse" if diff[n] > 0 else "better where scored"
        else:
            verdict[n] = ("worse" if q_better[n] <= alpha else "better where scored" if q_worse[n] <= alpha
                          else "equivalent" if p_rope[n] >= 1 - alpha else "undecided")
        if verdict[n] == "better where scored":  # only a model scored on fewer splits than the best can be
            evidence = f"p = {p_adj[n]:.2g}" if test == "t-test" else f"P(better) = {p_worse[n]:.3f}"
            notes.append(f"{n}: better than {best} on the {shared[n]} of {len(splits)} splits both were scored on "
                         f"({evidence}), but not scored on the others ({int(table.loc[n, 'failed_fits'])} failed): "
                         "it cannot be ranked with the models scored on every split; make its fits succeed")
    baseline = [n for n in names if roles.get(n) == "dummy" and verdict[n] in ("best", "tied", "equivalent",
                                                                             "undecided")]
    if baseline and len(names) > 1:
        level = (f"scores best on {sort.name}" if baseline[0] == best else
                 f"is not distinguishable from the best, {best}, on {sort.name} ({verdict[baseline[0]]})")
        notes.append(f"the baseline ({baseline[0]}) {level}: no model is shown to predict better than it; more "
                     "splits or another metric may tell them apart")
    dummy = next((n for n in names if roles.get(n) == "dummy"), None)  # (every metric's mean and spread: one alike
    shown = [f"{m.name}_{s}" for m in metrics for s in ("mean", "std")]  # by chance, 0.5 of one class, is not a copy)
    copies = [n for n in names if n != dummy and dummy is not None and table.loc[n, shown].notna().any()
              and np.allclose(table.loc[n, shown].astype(float), table.loc[dummy, shown].astype(float), equal_nan=True)]
    if copies:  # (HistGradientBoosting's 20 rows a leaf on a table of 30: no split, the baseline's predictions)
        notes.append(f"{', '.join(copies)} scored exactly as the baseline on every split: "
                     f"{'it' if len(copies) == 1 else 'they'} learned nothing from the features (too few rows for "
                     "the model's settings, such as a least number of rows per leaf?)")
    below = _below_baseline(names, dummy, complete, failed, goodness, n_train, n_test, sizes, alpha)
    if below:  # (the verdict tests each model against the best only: a model worse than no model at all is told)
        notes.append(f"{', '.join(below)} {'predicts' if len(below) == 1 else 'predict'} worse than the baseline on "
                     f"{sort.name} (corrected t-test, Holm-adjusted p < {alpha:g}): worse than ignoring the features; "
                     "over-fitted, or settings that do not suit these data")
    rivals = _other_metrics_best(table, metrics, sort, best, whole or candidates, roles)
    if rivals:  # the verdict tests one metric: where another's means put another model first, the reader should know
        listed = "; ".join(f"{name} puts {top} first" for name, top in rivals)
        which = "that metric matters" if len(rivals) == 1 else "one of those matters"
        notes.append(f"the verdict is on {sort.name}, where {best} is best; by their means (untested), {listed}: if "
                     f"{which} more, sort={rivals[0][0]!r} tests it")
    compared = [shared[n] for n in names if not np.isnan(p_raw[n])]
    if compared and min(compared) < 5:  # (the splits both models of a comparison were scored on)
        notes.append(f"{min(compared)} splits: the tests have {min(compared) - 1} degree(s) of freedom and tell "
                     "only large differences apart; use 5 splits or more (repeats, or a splitter of more splits)")
    table.insert(0, "vs_best", pd.Series(verdict))
    # group 4: better than the best on the splits it was scored on, not ranked as it failed on others
    table.insert(1, "group", table["vs_best"].map({"best": 1, "tied": 1, "equivalent": 1, "undecided": 1,
                                                   "worse": 2, "n/a": 3, "better where scored": 4}).astype(int))
    table.insert(2, "diff_vs_best", -pd.Series(diff) * sort.sign + 0.0)  # model - best, in the metric's units
    table.insert(3, "p_value", pd.Series(p_adj))
    table.insert(4, "p_best_better", pd.Series(p_better))
    table.insert(5, "p_equivalent", pd.Series(p_rope))
    # models with a failed fit rank after the others, as they cannot be the best
    table["rank"] = _ranks(goodness, failed)
    order = sorted(names, key=lambda n: (table.loc[n, "group"], n != best, failed[n],
                                         -np.nan_to_num(goodness[n], nan=-np.inf)))
    table = table.loc[order]
    table.attrs["best"] = best
    table.attrs["rope_width"] = width if best is not None else np.nan  # the rope in the metric's units
    table.attrs["notes"] = notes
    return table, long
