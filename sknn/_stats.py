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


def _resolution(n, n_test, sizes):
    """How much two splits' differences may differ, relatively, and still be the same evidence.

    A score over ``m`` rows resolves about one row in ``m``: the same rows changed give differences
    that agree within ``1/m`` of each other (F1's non-linearity aside, a nearly constant 0.050, 0.050,
    0.051), and within ``(largest - smallest) / smallest`` when the splits' sizes differ (one row is
    1/21 of one fold and 1/20 of another). The larger of the two, over the sizes the scores average
    over: ``sizes`` (n_splits,) or (n_splits, n_groups), else ``n_test`` when it is one size per split; a
    single ``n_test`` that is not whole is the mean of k-fold test sets of its floor and ceiling. A group
    with fewer than 10 rows in some split (a rare class) is left out: its sizes would excuse any spread
    (1 row in one fold, 3 in another); a group of zeros (a score that counts no rows) gives 0. At most
    0.25: differences apart by more are evidence whatever the sizes.
    """
    if sizes is None:
        sizes = n_test
    sizes = np.asarray(sizes, dtype=float)
    if sizes.ndim == 0:
        low = math.floor(float(sizes))
        return min(1.0 / low, _MOST_RESOLUTION) if low >= 1 else 0.0  # (floor and ceiling: one row apart)
    sizes = sizes.reshape(len(sizes), -1)
    if len(sizes) != n:
        raise ValueError(f"sizes must give one row per split ({n}), got {len(sizes)}.")
    groups = sizes[:, sizes.min(axis=0) >= _FEWEST_ROWS]
    low, high = groups.min(axis=0), groups.max(axis=0)
    return min(float(np.max(np.maximum((high - low) / low, 1.0 / low), initial=0.0)), _MOST_RESOLUTION)


_FEWEST_ROWS, _MOST_RESOLUTION = 10, 0.25  # (_resolution)


def _scale(d, n_train, n_test, sizes=None):
    """Mean difference and the corrected standard error of the mean, 0 when no split's difference tells.

    The standard error is 0 (a degenerate case the tests answer with the sign test) when every
    split gives the same difference, and also when the differences have one sign and vary no more
    than the scores' resolution makes them vary: a model wrong on one row of every test fold loses
    1/21 on a fold of 21 rows and 1/20 on one of 20, a spread that is no evidence, but whose variance
    (near 0) made t enormous (p = 3e-7 with 101 rows, the sign test's 0.0625 with 100). Such
    differences count as constant when ``max|d| - min|d| <= min|d| * resolution``
    (:func:`_resolution`: ``1/m`` for ``m`` rows, or the sizes' relative spread if larger).
    """
    n = len(d)
    mean = float(d.mean())
    n_train, n_test_mean = float(np.mean(n_train)), float(np.mean(n_test))
    size = np.abs(d)
    one_sign = bool((d > 0).all() or (d < 0).all())
    if np.ptp(d) <= _ROUNDING or (one_sign and size.max() - size.min()
                                  <= size.min() * _resolution(n, n_test, sizes) + _ROUNDING):
        return (0.0 if abs(mean) <= _ROUNDING else mean), 0.0
    return mean, math.sqrt((1.0 / n + n_test_mean / n_train) * float(d.var(ddof=1)))


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
        The numbers of rows each split's score averages over, which decide what spread of the
        differences is no evidence (see Returns): the test rows (None: ``n_test``), or each
        class's test rows for an average over the classes (balanced accuracy, a macro average).

    Returns
    -------
    t : float
        ``mean(d) / sqrt((1/J + n_test/n_train) * var(d))`` with ``J = len(d)``.
    p : float
        Two-sided p-value from Student's t with ``J - 1`` degrees of freedom. 1.0 when
        every split gives the same difference 0. When every split gives the same non-zero
        difference (a discrete metric on small test sets: one row each time) the variance
        is 0 and t infinite, which is no evidence by itself: the p-value is then the sign
        test's, ``2 * 0.5 ** J`` (0.25 for 3 splits, 0.002 for 10). So it is when the
        differences have one sign and vary no more than the scores' resolution makes them
        vary: ``max|d| - min|d| <= min|d| * r``, with ``r`` the larger of ``1 / m`` (a score
        over ``m`` rows resolves one row in ``m``) and ``(largest m - smallest m) / smallest m``
        (test sets of unequal size: with 101 rows in 5 folds, a row is 1/21 of one fold and
        1/20 of the others), over the sizes ``m`` of ``sizes`` (one number ``n_test`` that is not
        whole: k-fold test sets of its floor and ceiling). The same evidence gets the same
        p-value whether the folds are equal or not; t is then infinite.

    Examples
    --------
    >>> t, p = corrected_ttest([0.90, 0.92, 0.91, 0.93, 0.90], [0.89, 0.92, 0.90, 0.92, 0.91], 80, 20)
    >>> round(p, 3)
    0.541
    >>> corrected_ttest([1.0] * 5, [20 / 21] + [19 / 20] * 4, 80.8, 20.2)  # one row wrong in every fold
    (inf, 0.0625)
    """
    d, _ = _differences(a, b)
    mean, se = _scale(d, n_train, n_test, sizes)
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
        difference 0: ``(0, 1, 0)``. A degenerate posterior (the variance is 0: every split
        gives the same non-zero difference, or differences that vary no more than the scores'
        resolution makes them vary, see :func:`corrected_ttest`) is not certainty: the region that holds the
        mean difference gets ``1 - q`` and the two others ``q / 2`` each, with ``q = 2 * 0.5 ** J``
        the sign test's p-value, so that a decision at ``1 - alpha`` is taken exactly when the
        t-test's sign-test floor decides (2 splits: 0.5, undecided; 6 or more: above 0.95).

    Examples
    --------
    >>> [round(p, 2) for p in bayesian_ttest([0.95, 0.96, 0.94, 0.95], [0.80, 0.82, 0.79, 0.81], 75, 25)]
    [1.0, 0.0, 0.0]
    >>> bayesian_ttest([1, 1], [0.98, 0.98], 50, 50)  # the same gain on 2 splits
    (0.5, 0.25, 0.25)
    """
    if rope < 0:
        raise ValueError(f"rope must be >= 0, got {rope}.")
    d, scale = _differences(a, b)
    mean, se = _scale(d, n_train, n_test, sizes)
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
        significantly different at ``alpha``), ``n_datasets``, ``alpha``.

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
    cd = nemenyi_q(k, alpha) * math.sqrt(k * (k + 1) / (6.0 * n)) if k >= 2 else math.nan
    return {"ranks": ranks, "mean_ranks": mean_ranks, "friedman_p": friedman_p, "test": test, "cd": float(cd),
            "n_datasets": n, "alpha": alpha}
