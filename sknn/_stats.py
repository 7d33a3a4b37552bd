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

__all__ = ["corrected_ttest", "bayesian_ttest", "holm", "friedman_nemenyi", "nemenyi_q"]


def _differences(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(f"Paired scores must be two 1-d arrays of the same length; got {a.shape} and {b.shape}.")
    if len(a) < 2:
        raise ValueError("The tests need at least 2 paired scores (use cross-validation with 2 or more splits).")
    # scores equal up to rounding are equal: 0.5 and 0.5 - 1.1e-16 must not give a difference
    # with zero spread (an infinite t), nor 0.93 - 0.83 and 0.95 - 0.85 two different ones
    both = np.abs(np.concatenate([a, b]))
    rounding = 1e-12 * max(1.0, float(both[np.isfinite(both)].max(initial=0.0)))
    d = a - b
    d[np.abs(d) <= rounding] = 0.0
    return d, rounding


def _scale(d, rounding, n_train, n_test):
    """Mean difference and the corrected standard error of the mean (0 when every split agrees)."""
    n = len(d)
    if np.ptp(d) <= rounding:
        mean = float(d.mean())
        return (0.0 if abs(mean) <= rounding else mean), 0.0
    return float(d.mean()), math.sqrt((1.0 / n + n_test / n_train) * float(d.var(ddof=1)))


def corrected_ttest(a, b, n_train, n_test):
    """Corrected resampled t-test: is the mean of ``a - b`` over the splits different from 0?

    Parameters
    ----------
    a, b : array-like of shape (n_splits,)
        Paired scores of two models on the same splits (repeated k-fold: ``k * r`` of them).
    n_train, n_test : int
        Rows in a training and a test fold (their means when the folds differ by one row).

    Returns
    -------
    t : float
        ``mean(d) / sqrt((1/J + n_test/n_train) * var(d))`` with ``J = len(d)``.
    p : float
        Two-sided p-value from Student's t with ``J - 1`` degrees of freedom. 1.0 when
        every split gives the same difference 0. When every split gives the same non-zero
        difference (a discrete metric on small test sets: one row each time) the variance
        is 0 and t infinite, which is no evidence by itself: the p-value is then the sign
        test's, ``2 * 0.5 ** J`` (0.25 for 3 splits, 0.002 for 10).

    Examples
    --------
    >>> t, p = corrected_ttest([0.90, 0.92, 0.91, 0.93, 0.90], [0.89, 0.92, 0.90, 0.92, 0.91], 80, 20)
    >>> round(p, 3)
    0.541
    """
    d, rounding = _differences(a, b)
    mean, se = _scale(d, rounding, n_train, n_test)
    if se == 0.0:
        return (0.0, 1.0) if mean == 0.0 else (math.copysign(math.inf, mean), min(1.0, 2 * 0.5 ** len(d)))
    t = mean / se
    return float(t), float(2 * stats.t.sf(abs(t), df=len(d) - 1))


def bayesian_ttest(a, b, n_train, n_test, rope=0.01):
    """Bayesian correlated t-test: the posterior of the mean difference ``a - b``.

    The posterior is Student's t with ``J - 1`` degrees of freedom, located at the mean
    difference, with scale ``sqrt((1/J + rho/(1 - rho)) * var(d))``, ``rho = n_test / n``
    (Corani and Benavoli 2015, with the non-informative prior of Benavoli et al. 2017).

    Parameters
    ----------
    a, b : array-like of shape (n_splits,)
    n_train, n_test : int
    rope : float, default=0.01
        Half-width of the region of practical equivalence: differences within
        ``[-rope, rope]`` are too small to matter.

    Returns
    -------
    p_a_better, p_rope, p_b_better : float
        Posterior probabilities that the mean difference is above ``rope``, within
        ``[-rope, rope]``, and below ``-rope``; they sum to 1.

    Examples
    --------
    >>> [round(p, 2) for p in bayesian_ttest([0.95, 0.96, 0.94, 0.95], [0.80, 0.82, 0.79, 0.81], 75, 25)]
    [1.0, 0.0, 0.0]
    """
    if rope < 0:
        raise ValueError(f"rope must be >= 0, got {rope}.")
    d, rounding = _differences(a, b)
    mean, se = _scale(d, rounding, n_train, n_test)
    if se == 0.0:  # every split agrees: all the mass at the mean
        above, below = float(mean > rope), float(mean < -rope)
        return above, 1.0 - above - below, below
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
