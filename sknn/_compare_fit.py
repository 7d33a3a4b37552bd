"""One fit of ``sknn compare`` in a worker, and the progress bar over all of them.

:func:`_fit_one` fits and scores one model on one split with scikit-learn's
``cross_validate``, under a thread limit, and turns a failure into a short message; the
schedule of fits is in :mod:`sknn._compare`.
"""

import os
import re
import sys
import time
import warnings
from collections import Counter

import numpy as np
from sklearn.model_selection import cross_validate
from sklearn.utils import _safe_indexing


# --------------------------------------------------------------------------- one fit

def _exception_line(text):
    """The line of a traceback that names the exception ('ValueError: ...'), not the end of a long message."""
    lines = [ln.strip() for ln in str(text).strip().splitlines() if ln.strip()]
    named = [ln for ln in lines if re.match(r"[A-Za-z_][\w.]*(Error|Exception|Warning): ", ln)]
    return named[-1] if named else (lines[-1] if lines else str(text))


def _failed_metric(text):
    """The metric whose scoring raised, from scikit-learn's traceback (its first public function in
    sklearn.metrics, such as log_loss), or None."""
    frames = re.findall(r'File "([^"]+)", line \d+, in (\w+)', str(text))
    names = [f for path, f in frames if "metrics" in path and "_scorer" not in path and not f.startswith("_")]
    return names[0] if names else None


_WARNING_CHARACTERS = 600  # a warning's first line as recorded: enough to keep the fix sknn's warnings end with


def _short_warning(w):
    message = str(w.message)
    if message.startswith("Scoring failed"):
        metric = _failed_metric(message)
        return f"scoring failed{f' ({metric})' if metric else ''}: {_exception_line(message)}"[:_WARNING_CHARACTERS]
    first = message.strip().splitlines()[0] if message.strip() else w.category.__name__
    return (f"{w.category.__name__}: {first}")[:_WARNING_CHARACTERS]


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


def _fit_one(name, estimator, X, y, split, train, test, scorers, threads, keep, packages=(), undefined=()):
    """Fit and score ``estimator`` on one split with scikit-learn's cross_validate, in at most ``threads`` threads.

    The metrics named in ``undefined`` have no value on this split (its test rows lack a class they
    need): they are not computed, NaN for every model, with one note in the table rather than a
    warning per fit. ``record['not_computed']`` names them and the metrics the model has no method for.

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
    scorers, missing = _usable_scorers(estimator, {k: v for k, v in wanted.items() if k not in undefined})
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
            record["error"] = _exception_line(exc)
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
    record.update(scores=scores, not_computed=set(missing) | set(undefined), threads=threads, cpu_time=cpu,
                  wall_time=wall, pid=os.getpid(),
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
    if seconds < 10:  # (a budget of 0.01 s was shown as '0 s')
        return f"{seconds:.2g} s"
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.1f} min"
