"""compare over several data sets: each model's mean rank, Friedman's test and Nemenyi's critical difference
(Demšar 2006; Wilcoxon's signed-rank test for two models), from the tables :func:`sknn.compare.compare`
returns."""

from numbers import Real

import pandas as pd

from . import _stats

__all__ = ["check_alpha", "rank_datasets"]


def check_alpha(alpha):
    """Refuse a significance level outside (0, 1)."""
    if not isinstance(alpha, Real) or isinstance(alpha, bool) or not 0 < alpha < 1:
        raise ValueError(f"alpha must be a number between 0 and 1, got {alpha!r}.")


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
        are not significantly different; NaN when two models are ranked, which Wilcoxon's
        test of ``friedman_p`` tells apart), ``alpha``, ``metric`` and ``left_out``
        (models missing from some data set or without a score there).
    """
    if not isinstance(tables, dict):
        raise TypeError(f"tables must be a dict of data-set name -> table of compare, got {type(tables).__name__}.")
    if len(tables) < 2:
        raise ValueError("rank_datasets needs the tables of at least 2 data sets.")
    check_alpha(alpha)
    if "mean rank" in tables:  # the row of the mean ranks
        raise ValueError("A data set is named 'mean rank', the name of the table's last row: rename it.")
    keyed, labels, signs = {}, {}, {}
    for ds, table in tables.items():
        m = metric or table.attrs.get("sort")
        if f"{m}_mean" not in table:
            raise ValueError(f"Data set {ds!r} has no metric {m!r}.")
        sign = signs[ds] = -1 if m in table.attrs.get("lower_is_better", []) else 1
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
    left_out = [" / ".join(sorted(labels[r])) for r in left_out]  # (their names, not their roles: 'RandomForest')
    frame = frame.rename(columns=name_of)
    out = _stats.friedman_nemenyi(frame, alpha=alpha)
    order = list(out["mean_ranks"].index)
    shown = frame[order].copy()
    metric_names = {metric or t.attrs.get("sort") for t in tables.values()}
    shown = shown.mul(pd.Series(signs), axis=0)  # each data set's values in its own metric's sense
    shown.loc["mean rank"] = out["mean_ranks"][order]
    shown.attrs.update(ranks=out["ranks"][order], mean_ranks=out["mean_ranks"], friedman_p=out["friedman_p"],
                       test=out["test"], cd=out["cd"], alpha=alpha, metric=" / ".join(sorted(metric_names)),
                       left_out=left_out,
                       n_datasets=out["n_datasets"])
    return shown
