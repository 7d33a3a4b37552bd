"""Statistics for comparing models on cross-validation folds and across data sets.

* :func:`corrected_ttest` — the corrected resampled t-test of Nadeau and Bengio (2003),
  in the repeated k-fold form of Bouckaert and Frank (2004).
* :func:`bayesian_ttest` — the Bayesian correlated t-test of Corani and Benavoli (2015),
  as recommended by Benavoli, Corani, Demšar and Zaffalon (2017).
* :func:`holm` — Holm's step-down adjustment of several p-values.
* :func:`friedman_nemenyi` — mean ranks over data sets, Friedman's test and the Nemenyi
  critical difference of Demšar (2006).

Why a correction: the k*r scores of repeated k-fold cross-validation are not independent
(any two training sets share most of their rows), so the plain paired t-test
underestimates the variance of the mean difference and declares differences that are
noise. Nadeau and Bengio inflate the variance by ``n_test / n_train``, the correlation
between two folds' scores under a simple model of that overlap; the Bayesian test uses
the same correlation (``rho = n_test / n``) in its likelihood.

What both tests assume: the per-split differences are normally distributed around their
mean, with a correlation between splits of about ``n_test / n`` (not larger); the
question asked is about *this* data set and this protocol (the algorithms trained on
samples of this size from this population), not about other data sets.
"""

import math

import numpy as np
from scipy import stats

__all__ = ["corrected_ttest", "bayesian_ttest", "holm", "friedman_nemenyi", "nemenyi_q", "mean_difference"]


_ROUNDING = 1e-12  # differences below this, in units of the largest score (at least 1), are rounding


def _differences(a, b):
    """The per-split differences ``a - b`` in units of ``scale`` (the largest score's size, at least 1), and scale.

    Working in those units keeps the mean and the variance finite however large the scores
    (an error of 1e200 squared overflowed to inf, and the t-test said p = 1).
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(f"Paired scores must be two 1-d arrays of the same length; got {a.shape} and {b.shape}.")
    if len(a) < 2:
        raise ValueError("The tests need at least 2 paired scores (use cross-validation with 2 or more splits).")
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise ValueError("Paired scores must be finite: a split with an infinite or missing score is a failed "
                         "split; leave it out of both.")
    scale = max(1.0, float(np.abs(a).max()), float(np.abs(b).max()))
    d = a / scale - b / scale
    # scores equal up to rounding are equal: 0.5 and 0.5 - 1.1e-16 must not give a difference
    # with zero spread (an infinite t), nor 0.93 - 0.83 and 0.95 - 0.85 two different ones
    d[np.abs(d) <= _ROUNDING] = 0.0
    return d, scale


def mean_difference(a, b):
    """The mean of ``a - b``, 0.0 when they differ only by rounding, without overflow."""
    d, scale = _differences(a, b)
    return float(d.mean()) * scale + 0.0


def _step(n, n_test, sizes):
    """The change one row makes to a split's score: the resolution of a score that counts rows.

    A score over ``m`` rows (accuracy) moves by ``1/m`` when one row changes; a mean over ``G``
    groups (balanced accuracy, a macro average over the classes) by ``1/(G m_k)`` for a row of
    group ``k``. ``sizes`` (n_splits,) or (n_splits, n_groups) gives the rows each split's score
    averages over (None: ``n_test``, one number per split, or the mean of k-fold test sets); the
    step is that of the smallest group of at least 10 rows in every split (a class of 1 to 3 test
    rows would make it as large as the differences themselves), else of all the rows. 0 for a
    score that counts no rows (sizes of 0: probabilities, errors).
    """
    if sizes is None:
        sizes = n_test
    sizes = np.asarray(sizes, dtype=float)
    if sizes.ndim == 0:
        low = math.floor(float(sizes))
        return 1.0 / low if low >= 1 else 0.0
    sizes = sizes.reshape(len(sizes), -1)
    if len(sizes) != n:
        raise ValueError(f"sizes must give one row per split ({n}), got {len(sizes)}.")
    present = sizes.max(axis=0) > 0  # (a class absent from every test set is not averaged over)
    if not present.any():
        return 0.0
    groups = sizes[:, present].min(axis=0)
    groups = groups[groups >= _FEWEST_ROWS]
    return 1.0 / (present.sum() * groups.min()) if len(groups) else 1.0 / sizes.sum(axis=1).max()


_FEWEST_ROWS = 10  # (_step)


def _scale(d, n_train, n_test, sizes=None, scale=1.0):
    """Mean difference and the corrected standard error of the mean; 0 when every split gives the same scores.

    The standard error is at least one row's change of the score (:func:`_step`, in the units of
    ``d``: divided by ``scale``) times ``sqrt(1/k + n_test/n_train)``, ``k`` the folds of one
    partition (``n / n_test``; repeats test the same rows again, so a row's step does not average
    out over them): scores that count rows move in steps, and differences that agree to the step
    (the same row wrong in every fold, or a gap of many rows steady to a row) are no evidence of a
    variance of 0. Without a floor a model wrong on one row of every fold of 101 rows was 'worse'
    at p = 3e-7 (now 0.21 on 5 splits, 0.15 on 50); until 2026-12-04 such differences went to the
    sign test, whose p over 5 splits cannot go below 0.0625, so that a baseline at 0.5 was 'tied'
    with a model at 0.999.
    """
    n = len(d)
    mean = float(d.mean())
    step = _step(n, n_test, sizes) / scale
    if np.ptp(d) <= _ROUNDING and (abs(mean) <= _ROUNDING or step == 0.0):  # the same scores, or the same
        return (0.0 if abs(mean) <= _ROUNDING else mean), 0.0  # difference of a score without a step
    n_train, n_test_mean = float(np.mean(n_train)), float(np.mean(n_test))
    ratio = n_test_mean / n_train
    # the splits of one partition (k folds) test each row once: repeats test the same rows again, so a row's
    # step does not average out over them
    folds = min(n, max(2, round(1.0 / ratio + 1.0))) if ratio > 0 else n
    return mean, max(math.sqrt((1.0 / n + ratio) * float(d.var(ddof=1))), step * math.sqrt(1.0 / folds + ratio))


def _sign_test_p(n):
    """The two-sided sign test's p-value when all ``n`` splits favour one model."""
    return min(1.0, 2 * 0.5 ** n)


def corrected_ttest(a, b, n_train, n_test, sizes=None):
    """Corrected resampled t-test: is the mean of ``a - b`` over the splits different from 0?

    Parameters
    ----------
    a, b : array-like of shape (n_splits,)
        Paired scores of two models on the same splits (repeated k-fold: ``k * r`` of them), finite.
    n_train, n_test : int, float or array-like of shape (n_splits,)
        Rows in each split's training and test set (or their means: one number each).
    sizes : array-like of shape (n_splits,) or (n_splits, n_groups), default=None
        The numbers of rows each split's score averages over, which set the score's step (see
        Returns): the test rows (None: ``n_test``), each class's test rows for an average over
        the classes (balanced accuracy, a macro average), or zeros for a score that counts no
        rows (probabilities, errors).

    Returns
    -------
    t : float
        ``mean(d) / sqrt((1/J + n_test/n_train) * var(d))`` with ``J = len(d)``, its
        denominator at least ``step * sqrt(1/k + n_test/n_train)``: ``step`` one row's change of
        the score (``1/m`` for a score over ``m`` rows, ``1/(G m)`` for a mean over ``G``
        classes of the smallest class of 10 rows or more), ``k`` the folds of one partition.
        Differences that agree to the step (the same row wrong in every fold) are not a
        variance of 0, nor is a gap of many rows that is steady to a row a variance to ignore.
    p : float
        Two-sided p-value from Student's t with ``J - 1`` degrees of freedom. 1.0 when every
        split gives the same scores. Where nothing sets a step (a score that counts no rows) and
        every split gives the same non-zero difference, t is infinite and p the sign test's,
        ``2 * 0.5 ** J``.

    Examples
    --------
    >>> t, p = corrected_ttest([0.90, 0.92, 0.91, 0.93, 0.90], [0.89, 0.92, 0.90, 0.92, 0.91], 800, 200)
    >>> round(p, 3)
    0.541
    >>> t, p = corrected_ttest([1.0] * 5, [20 / 21] + [19 / 20] * 4, 80.8, 20.2)  # one row wrong in every fold
    >>> round(p, 2)  # one row in 101: no evidence
    0.21
    >>> t, p = corrected_ttest([0.999] * 5, [0.5, 0.4955, 0.5, 0.5, 0.5], 800, 200, sizes=np.full((5, 2), 100))
    >>> p < 1e-6  # a baseline at 0.5 against a model at 0.999, on 5 folds of 200 rows
    True
    """
    d, scale = _differences(a, b)
    mean, se = _scale(d, n_train, n_test, sizes, scale)
    if se == 0.0:
        return (0.0, 1.0) if mean == 0.0 else (math.copysign(math.inf, mean), _sign_test_p(len(d)))
    t = mean / se
    return float(t), float(2 * stats.t.sf(abs(t), df=len(d) - 1))


def bayesian_ttest(a, b, n_train, n_test, rope=0.01, sizes=None):
    """Bayesian correlated t-test: the posterior of the mean difference ``a - b``.

    The posterior is Student's t with ``J - 1`` degrees of freedom, located at the mean
    difference, with scale ``sqrt((1/J + rho/(1 - rho)) * var(d))``, ``rho = n_test / n``
    (Corani and Benavoli 2015, with the non-informative prior of Benavoli et al. 2017).

    Parameters
    ----------
    a, b : array-like of shape (n_splits,)
    n_train, n_test : int, float or array-like of shape (n_splits,)
    rope : float, default=0.01
        Half-width of the region of practical equivalence: differences within
        ``[-rope, rope]`` are too small to matter.
    sizes : array-like of shape (n_splits,) or (n_splits, n_groups), default=None
        As in :func:`corrected_ttest`.

    Returns
    -------
    p_a_better, p_rope, p_b_better : float
        Posterior probabilities that the mean difference is above ``rope``, within
        ``[-rope, rope]``, and below ``-rope``; they sum to 1. Every split giving the same
        scores: ``(0, 1, 0)``. Its scale is at least one row's step, as the standard error of
        :func:`corrected_ttest`; where nothing sets a step and every split gives the same
        non-zero difference, the region that holds it gets ``1 - q`` and the two others
        ``q / 2`` each, with ``q = 2 * 0.5 ** J`` the sign test's p-value.

    Examples
    --------
    >>> [round(p, 2) for p in bayesian_ttest([0.95, 0.96, 0.94, 0.95], [0.80, 0.82, 0.79, 0.81], 750, 250)]
    [1.0, 0.0, 0.0]
    >>> [round(p, 2) for p in bayesian_ttest([1, 1], [0.98, 0.98], 50, 50)]  # one row of 50 on 2 splits
    [0.62, 0.16, 0.22]
    """
    if rope < 0:
        raise ValueError(f"rope must be >= 0, got {rope}.")
    d, scale = _differences(a, b)
    mean, se = _scale(d, n_train, n_test, sizes, scale)
    rope = rope / scale  # (d is in units of scale)
    if se == 0.0:
        if mean == 0.0:  # every split gives the same scores
            return 0.0, 1.0, 0.0
        q = _sign_test_p(len(d))
        out = [q / 2] * 3
        out[0 if mean > rope else 2 if mean < -rope else 1] = 1.0 - q
        return tuple(out)
    dist = stats.t(df=len(d) - 1, loc=mean, scale=se)
    above, below = float(dist.sf(rope)), float(dist.cdf(-rope))
    return above, max(0.0, 1.0 - above - below), below


def holm(p_values):
    """Holm's step-down adjustment: p-values that keep the family-wise error rate.

    NaN entries are left out of the family and stay NaN.

    >>> holm([0.01, 0.04, 0.03]).round(3).tolist()
    [0.03, 0.06, 0.06]
    """
    p = np.asarray(p_values, dtype=float)
    out = np.full_like(p, np.nan)
    ok = np.flatnonzero(~np.isnan(p))
    m = len(ok)
    running = 0.0
    for i, idx in enumerate(ok[np.argsort(p[ok], kind="stable")]):
        running = max(running, min(1.0, (m - i) * p[idx]))
        out[idx] = running
    return out


# Critical values q_alpha of the Nemenyi test (Demšar 2006, Table 5): the studentized range
# statistic for infinite degrees of freedom divided by sqrt(2); k = 2..10 models.
_NEMENYI_Q = {0.05: [1.960, 2.343, 2.569, 2.728, 2.850, 2.949, 3.031, 3.102, 3.164],
              0.10: [1.645, 2.052, 2.291, 2.459, 2.589, 2.693, 2.780, 2.855, 2.920]}


def nemenyi_q(k, alpha=0.05):
    """The Nemenyi test's critical value for ``k`` models (Demšar's table; scipy beyond it)."""
    if k < 2:
        raise ValueError("The Nemenyi test needs at least 2 models.")
    if alpha in _NEMENYI_Q and k <= 10:
        return _NEMENYI_Q[alpha][k - 2]
    return float(stats.studentized_range.ppf(1 - alpha, k, 1e6) / math.sqrt(2))


def friedman_nemenyi(scores, alpha=0.05):
    """Mean ranks of models over data sets, Friedman's test and Nemenyi's critical difference.

    Parameters
    ----------
    scores : pandas.DataFrame
        One row per data set, one column per model, greater is better.

    Returns
    -------
    dict
        ``ranks`` (DataFrame, 1 = best in each data set, ties share the mean rank),
        ``mean_ranks`` (Series, best first), ``friedman_p`` (the p-value of Friedman's test;
        with two models, of Wilcoxon's signed-rank test of their differences, Demšar's
        test for two models over data sets; NaN with one model or one data set), ``test``
        (which of the two), ``cd`` (two models whose mean ranks differ by less are not
        significantly different at ``alpha``; NaN for two models, which Wilcoxon's test alone
        tells apart or not), ``n_datasets``, ``alpha``.

    Examples
    --------
    >>> import pandas as pd
    >>> scores = pd.DataFrame({"a": [0.9, 0.8, 0.95], "b": [0.85, 0.82, 0.9], "c": [0.5, 0.6, 0.55]})
    >>> out = friedman_nemenyi(scores)
    >>> out["mean_ranks"].round(2).to_dict(), round(out["cd"], 2)
    ({'a': 1.33, 'b': 1.67, 'c': 3.0}, 1.91)
    """
    scores = scores.astype(float)
    n, k = scores.shape
    ranks = scores.rank(axis=1, ascending=False, method="average")
    mean_ranks = ranks.mean().sort_values()
    friedman_p, test = math.nan, "Friedman"
    columns = [scores[c].to_numpy() for c in scores.columns]
    if k >= 3 and n >= 2:
        if np.ptp(ranks.to_numpy(), axis=1).any():
            friedman_p = float(stats.friedmanchisquare(*columns).pvalue)
        else:
            friedman_p = 1.0
    elif k == 2 and n >= 2:  # Friedman's test needs 3 models; two are compared by their differences
        test = "Wilcoxon signed-rank"
        differences = np.round(columns[0] - columns[1], 12)  # equal gaps tie, whatever the float sums
        friedman_p = float(stats.wilcoxon(differences).pvalue) if np.any(differences != 0) else 1.0
    # (two models: Wilcoxon's test decides, and no critical difference, which could say otherwise)
    cd = nemenyi_q(k, alpha) * math.sqrt(k * (k + 1) / (6.0 * n)) if k >= 3 else math.nan
    return {"ranks": ranks, "mean_ranks": mean_ranks, "friedman_p": friedman_p, "test": test, "cd": float(cd),
            "n_datasets": n, "alpha": alpha}
