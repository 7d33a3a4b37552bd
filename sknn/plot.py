"""Plots for comparisons and training runs (needs matplotlib: ``pip install sknn[plot]``).

Every function draws on ``ax`` (a new figure when None) and returns the Axes.
"""

import numpy as np

__all__ = ["history", "comparison", "fit_times", "fold_scores", "time_vs_score", "critical_difference",
           "learning_curve", "confusion_matrix"]

_GROUP_COLORS = {1: "#3b7dd8", 2: "#9a9a9a", 3: "#d0d0d0"}
_NEUTRAL = "#c8a86e"  # a metric the verdicts were not computed on: one colour, no verdict


def _axes(ax, figsize=(6, 4)):
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("sknn.plot needs matplotlib: pip install 'sknn[plot]' (or pip install matplotlib).") \
            from exc
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    elif not hasattr(ax, "barh") or not hasattr(ax, "figure"):  # (a Figure, or plt.subplots(2)'s array of Axes)
        raise TypeError(f"ax must be one matplotlib Axes, got {type(ax).__name__}: for a grid of them, pass one, "
                        "e.g. axes[0] of fig, axes = plt.subplots(2); for a figure, fig.add_subplot().")
    return ax


def _network(est):
    """The sknn estimator inside a pipeline, a TransformedTargetRegressor or a fitted search (its
    ``best_estimator_``)."""
    for _ in range(5):
        if hasattr(est, "history_") or hasattr(est, "loss_curve_"):  # (a Word2VecTransformer: its loss curve)
            return est
        if hasattr(est, "steps"):
            est = est.steps[-1][1]
        elif hasattr(est, "regressor_"):
            est = est.regressor_
        elif hasattr(est, "best_estimator_"):
            est = est.best_estimator_
        else:
            break
    if hasattr(est, "refit") and hasattr(est, "estimator"):  # a search (GridSearchCV...) without best_estimator_
        raise ValueError(f"history() reads the best_estimator_ of a search, which this {type(est).__name__} has not: "
                         "fit it first, with refit=True (its default).")
    raise ValueError("history() needs a fitted sknn estimator (or a pipeline ending in one, or a fitted search "
                     f"holding one as its best_estimator_); got {type(est).__name__}.")


def history(estimators, ax=None, title="Training history"):
    """Training loss per epoch and, with early stopping, validation loss and score.

    Parameters
    ----------
    estimators : a fitted sknn estimator, pipeline or search (GridSearchCV...: its ``best_estimator_``), or a list
        of them (one curve each, e.g. CV folds); a Word2VecTransformer's ``loss_curve_`` is its training loss

    A training loss that keeps falling while the validation loss rises is over-fitting;
    both still falling at the last epoch is under-fitting (raise ``max_iter``).
    """
    if isinstance(estimators, (list, tuple)) and not len(estimators):
        raise ValueError("history() got an empty list: pass a fitted sknn estimator, or a list of them (one curve "
                         "each).")
    ax = _axes(ax)
    nets = [_network(e) for e in (estimators if isinstance(estimators, (list, tuple)) else [estimators])]
    score_ax, labelled, losses = None, set(), []
    for net in nets:
        h = net.history_ if hasattr(net, "history_") else {
            "epoch": np.arange(1, len(net.loss_curve_) + 1), "train_loss": np.asarray(net.loss_curve_)}
        for key, color, name in (("train_loss", "C0", "train loss"), ("valid_loss", "C1", "validation loss")):
            if key in h:  # (each kind of curve named once, whichever model has it first)
                ax.plot(h["epoch"], h[key], color=color, alpha=0.8, label=None if name in labelled else name)
                labelled.add(name)
                losses.append(np.asarray(h[key], dtype=float))
        if "valid_score" in h:
            score_ax = score_ax or ax.twinx()
            score_ax.plot(h["epoch"], h["valid_score"], color="C2", ls="--", alpha=0.8,
                          label=None if "score" in labelled else "validation score")
            labelled.add("score")
    ax.set_xlabel("epoch")
    values = np.concatenate(losses) if losses else np.ones(1)
    positive = bool((values[np.isfinite(values)] > 0).all())  # (a loss of 0 or below: a user's criterion,
    ax.set_ylabel("loss (log scale)" if positive else "loss")  # an epoch that trained nothing)
    ax.set_yscale("log" if positive else "linear")
    ax.set_title(title)
    handles, labels = ax.get_legend_handles_labels()
    if score_ax is not None:
        score_ax.set_ylabel("validation score")
        h2, l2 = score_ax.get_legend_handles_labels()
        handles, labels = handles + h2, labels + l2
    ax.legend(handles, labels, loc="best")
    return ax


def comparison(table, metric=None, ax=None):
    """Bars of each model's mean score with the standard deviation over folds as error bars.

    A model scored on fewer splits than the others (failed fits) is named with its count, such as
    "(2 of 3 splits)"; a model scored on none has no bar and is named under the axis.
    """
    metric = _metric_of(table, metric)
    scored, unscored = _scored_models(table, metric, list(table.index))
    counts = _scored_splits(table, metric)
    colors = [f"C{i}" for i, m in enumerate(table.index) if m in scored]  # (each model's colour, as in fit_times)
    ax = _axes(ax)
    mean, std = table.loc[scored, f"{metric}_mean"], table.loc[scored, f"{metric}_std"]
    y = np.arange(len(scored))[::-1]
    ax.barh(y, mean, xerr=std, color=colors, capsize=4)
    ax.set_yticks(y, [_text(m) + _partial(counts[m]) for m in scored])
    lowest = float((mean - std.fillna(0)).min())
    # a score of [0, 1] zoomed on its range; one that reaches below 0 (r2, a negated error) drawn from its lowest
    low = max(0.0, float((mean - 3 * std.fillna(0)).min()) - 0.02) if lowest >= 0 and metric != "r2" else \
        min(0.0, lowest)
    high = max(0.0, float((mean + std.fillna(0)).max()))
    ax.set_xlim(low, high + 0.25 * (high - low))  # room for the labels
    for yi, m, s in zip(y, mean, std):
        ax.text(m + s, yi, f"  {m:.4f}", va="center", ha="left", fontsize=9)
    ax.set_xlabel(f"{metric} (mean ± std over folds, {_direction(table, metric)})" + _caption(unscored, metric))
    ax.set_title("Model comparison")
    return ax


def fit_times(table, ax=None):
    """Bars of each model's mean fit time per fold (log scale)."""
    _check_table(table)
    ax = _axes(ax)
    y = np.arange(len(table))[::-1]
    ax.barh(y, table["fit_time"], color=[f"C{i}" for i in range(len(table))])
    ax.set_yticks(y, [_text(m) for m in table.index])
    ax.set_xscale("log")
    ax.set_xlabel("fit time per fold (s, log scale)")
    ax.set_title("Fit time")
    return ax


def _check_table(table, user="The plots draw"):
    """Refuse anything but a table of :func:`sknn.compare` as it was returned, holding a model at least (``user``:
    who reads it, for the messages; sknn.report's renderings too)."""
    if not hasattr(table, "attrs") or not hasattr(table, "columns"):
        raise TypeError(f"{user} the DataFrame returned by sknn.compare; got {type(table).__name__}.")
    if "model" in table.columns or "scores" not in table.attrs:
        raise ValueError(f"{user} the DataFrame returned by sknn.compare, as it was returned (models as its index, "
                         "the scores of every split in its attrs): not a copy with its index reset.")
    if len(table) == 0:
        raise ValueError("The table holds no model (all its rows were filtered out?): there is nothing to show.")


def _metric_of(table, metric):
    """The metric to draw, after checking ``table`` is a table of :func:`sknn.compare` (:func:`_check_table`)."""
    _check_table(table)
    metric = metric or table.attrs.get("sort") or table.attrs.get(
        "scoring", [c[:-5] for c in table.columns if c.endswith("_mean")])[0]
    if f"{metric}_mean" not in table:
        raise ValueError(f"The table has no metric {metric!r}; it has "
                         f"{', '.join(c[:-5] for c in table.columns if c.endswith('_mean'))}.")
    return metric


def _lower_is_better(table, metric):
    return metric in table.attrs.get("lower_is_better", ())


def _direction(table, metric):
    return "lower is better" if _lower_is_better(table, metric) else "higher is better"


def _scored_splits(table, metric):
    """model -> (the splits it has a score of ``metric`` on, the splits any model has one on), from the table's
    scores: a mean over fewer splits than the others' (failed fits) is not a mean over the same splits."""
    rows = table.attrs["scores"]
    rows = rows[rows["metric"] == metric]
    n = int(rows.groupby("split")["score"].apply(lambda s: s.notna().any()).sum())
    counts = rows.groupby("model")["score"].apply(lambda s: int(s.notna().sum()))
    return {m: (int(counts.get(m, 0)), n) for m in table.index}


def _partial(count):
    """' (2 of 3 splits)' after the name of a model scored on some of the splits only; '' otherwise."""
    k, n = count
    return f" ({k} of {n} splits)" if 0 < k < n else ""


def _few(names, limit=3):
    shown = ", ".join(_text(m) for m in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _scored_models(table, metric, names):
    """``names`` split into the models with a mean score on ``metric`` and those without (every fit failed, or
    could not be scored), refused when none has one: there would be nothing to draw."""
    mean = table[f"{metric}_mean"].astype(float)
    scored = [m for m in names if np.isfinite(mean[m])]
    if not scored:
        others = [c[:-5] for c in table.columns if c.endswith("_mean") and c != f"{metric}_mean"
                  and table[c].notna().any()]
        raise ValueError(f"No model to draw has a score on {metric} ({_few(names)}: every fit failed or could not "
                         f"be scored; see sknn.report.notes(table)): "
                         + (f"draw another metric ({', '.join(others)})." if others else "make the fits succeed."))
    return scored, [m for m in names if m not in scored]


def _caption(unscored, metric, note=""):
    """A second line under the axis naming what is not drawn: the models not scored, ``note``."""
    parts = ([f"not scored on {metric}, not drawn: {_few(unscored)}"] if unscored else []) + ([note] if note else [])
    return "\n" + "; ".join(parts) if parts else ""


def _verdict_colors(table, metric):
    """Each model's colour by its verdict (the table's 'group', blue: the best and those tied with it) and a note.
    The verdicts were computed on the sort metric: the models of another metric are one neutral colour, and the
    note says so."""
    sort = table.attrs.get("sort")
    if "group" not in table:
        return {m: _GROUP_COLORS[1] for m in table.index}, ""
    if sort is not None and metric != sort:
        return {m: _NEUTRAL for m in table.index}, f"one colour: the verdicts (best, tied, worse) are on {sort}"
    return {m: _GROUP_COLORS.get(int(g), _GROUP_COLORS[1]) for m, g in table["group"].items()}, ""


def fold_scores(table, metric=None, ax=None, title=None):
    """Each model's scores over the splits: a box plot with every split as a point.

    Parameters
    ----------
    table : the DataFrame returned by :func:`sknn.compare` (its ``attrs['scores']``)
    metric : str, default=None
        None is the table's sort metric.

    Boxes are blue for the best and the models not distinguishable from it, grey for
    those worse than the best; all one colour for a metric other than the one the verdicts
    were computed on (the table's sort metric), as the caption says. The baseline is drawn as a dashed line when it
    lies within the other models' range, and named in the title otherwise, so that it does not
    squash the boxes that matter. A model scored on fewer splits than the others (failed
    fits) is named with its count, such as "(2 of 3 splits)"; one scored on none is named in the caption.
    """
    metric = _metric_of(table, metric)
    long = table.attrs.get("scores")
    if long is None:
        raise ValueError("fold_scores needs the table returned by sknn.compare (with attrs['scores']).")
    roles = table.attrs.get("roles", {})
    models = [m for m in table.index if roles.get(m) != "dummy"] or list(table.index)
    baseline = [m for m in table.index if roles.get(m) == "dummy" and m not in models]
    models, unscored = _scored_models(table, metric, models)
    counts = _scored_splits(table, metric)
    data = [long[(long["model"] == m) & (long["metric"] == metric)]["score"].dropna().to_numpy() for m in models]
    ax = _axes(ax, figsize=(7, 0.55 * len(models) + 1.6))
    pos = np.arange(len(models))[::-1]
    kw = dict(positions=pos, widths=0.55, patch_artist=True, showfliers=False)
    try:
        boxes = ax.boxplot(data, orientation="horizontal", **kw)
    except TypeError:  # matplotlib < 3.10
        boxes = ax.boxplot(data, vert=False, **kw)
    colors, note = _verdict_colors(table, metric)
    for patch, m in zip(boxes["boxes"], models):
        patch.set_facecolor(colors[m])
        patch.set_alpha(0.35)
    for med in boxes["medians"]:
        med.set_color("black")
    rng = np.random.default_rng(0)
    for p, values in zip(pos, data):
        ax.scatter(values, p + rng.uniform(-0.18, 0.18, len(values)), s=12, color="black", alpha=0.6, zorder=3)
    ax.set_yticks(pos, [_text(m) + _partial(counts[m]) for m in models])
    extra = ""
    values = np.concatenate([d for d in data if len(d)]) if any(len(d) for d in data) else np.array([0.0])
    for b in baseline:
        mean = float(table.loc[b, f"{metric}_mean"])
        if values.min() <= mean <= values.max():
            ax.axvline(mean, color="#c44", ls="--", lw=1, label=f"{_text(b)}: {mean:.4f}")
            ax.legend(loc="best", fontsize=8)
        elif np.isfinite(mean):
            extra = f" (baseline {mean:.4f}, off the scale)"
    ax.set_xlabel(f"{metric} on each split ({_direction(table, metric)})" + _caption(unscored, metric, note))
    sizes = sorted({len(d) for d in data})  # (fewer for a model with failed fits)
    splits = f"{sizes[0]} splits per model" if len(sizes) == 1 else f"{sizes[0]} to {sizes[-1]} splits per model"
    ax.set_title(title or f"{metric} per split, {splits}{extra}")
    ax.grid(axis="x", alpha=0.3)
    return ax


def time_vs_score(table, metric=None, ax=None):
    """Mean fit time per split (log scale) against the mean score, one labelled point per model with its std.

    The baseline is a dashed line (within the others' range) or named in the title, so
    that it does not squash the models that matter. Points are coloured by verdict for the
    metric the verdicts were computed on (the table's sort metric) only. A model scored on fewer splits than the
    others (failed fits) is named with its count, such as "(2 of 3 splits)"; one scored on none is named in the
    caption.
    """
    metric = _metric_of(table, metric)
    roles = table.attrs.get("roles", {})
    models = [m for m in table.index if roles.get(m) != "dummy"] or list(table.index)
    unscored = _scored_models(table, metric, models)[1]
    counts = _scored_splits(table, metric)
    colors, note = _verdict_colors(table, metric)
    ax = _axes(ax, figsize=(7, 4.5))
    points = []
    for name in models:
        x, y, err = table.loc[name, "fit_time"], table.loc[name, f"{metric}_mean"], table.loc[name, f"{metric}_std"]
        if np.isfinite(x) and np.isfinite(y):
            points.append((name, max(float(x), 1e-4), float(y), float(err) if np.isfinite(err) else 0.0))
    for i, (name, x, y, err) in enumerate(sorted(points, key=lambda p: p[1])):
        ax.errorbar([x], [y], yerr=[err], fmt="o", color=colors[name], ecolor=colors[name], capsize=3, markersize=7,
                    markeredgecolor="black")
        ax.annotate(_text(name) + _partial(counts[name]), (x, y), textcoords="offset points",
                    xytext=(6, 6 if i % 2 == 0 else -12), fontsize=8)
    extra = ""
    if points:
        low = min(y - e for _, _, y, e in points)
        high = max(y + e for _, _, y, e in points)
        for b in (m for m in table.index if m not in models):
            mean = float(table.loc[b, f"{metric}_mean"])
            if low <= mean <= high:
                ax.axhline(mean, color="#c44", ls="--", lw=1, label=f"{_text(b)}: {mean:.4f}")
                ax.legend(loc="best", fontsize=8)
            elif np.isfinite(mean):
                extra = f" (baseline {mean:.4f}, off the scale)"
    ax.set_xscale("log")
    from matplotlib.ticker import NullFormatter

    times = [x for _, x, _, _ in points]
    if not times or max(times) / min(times) >= 10:  # the labels of the minor ticks would overlap
        ax.xaxis.set_minor_formatter(NullFormatter())
    # (within one decade, the minor ticks' labels are the only numbers on the axis: kept)
    ax.set_xlabel("fit time per split (s, log scale)" + _caption(unscored, metric, note))
    ax.set_ylabel(f"{metric} (mean ± std, {_direction(table, metric)})")
    ax.set_title(f"Score against fit time{extra}")
    ax.grid(alpha=0.3)
    return ax


def critical_difference(ranks, ax=None, title=None):
    """Critical-difference diagram (Demšar 2006) from :func:`sknn.compare.rank_datasets`
    (``from sknn.compare import rank_datasets``: ``sknn.compare`` itself is the function).

    Models are placed at their mean rank (1, the best, on the left); a thick bar joins
    models whose mean ranks differ by less than the critical difference, drawn above the
    axis: they are not significantly different over these data sets (Nemenyi test; for two models, joined
    as Wilcoxon's signed-rank test tells, with no critical difference).
    """
    attrs = getattr(ranks, "attrs", {})
    if "mean_ranks" not in attrs or "cd" not in attrs:
        raise ValueError("critical_difference needs the table rank_datasets returns (from sknn.compare import "
                         "rank_datasets; rank_datasets({name: compare(...) table, ...})).")
    mean_ranks, cd = attrs["mean_ranks"].sort_values(), float(attrs["cd"])
    names, values = list(mean_ranks.index), mean_ranks.to_numpy(dtype=float)
    k = len(names)
    ax = _axes(ax, figsize=(8, 1.4 + 0.25 * k))
    lo, hi = 1, max(k, 2)
    ax.set_xlim(lo - 0.3, hi + 0.3)
    ax.set_ylim(-(0.45 * ((k + 1) // 2) + 0.5), 2.2)
    ax.axis("off")
    ax.hlines(0, lo, hi, color="black", lw=1)
    for r in range(lo, hi + 1):
        ax.vlines(r, 0, 0.15, color="black", lw=1)
        ax.text(r, 0.3, str(r), ha="center", va="bottom", fontsize=9)
    # the critical difference, as a scale bar
    if np.isfinite(cd):
        ax.hlines(1.5, lo, lo + cd, color="#c44", lw=2)
        ax.vlines([lo, lo + cd], 1.35, 1.65, color="#c44", lw=2)
        ax.text(lo + cd / 2, 1.75, f"CD = {cd:.2f}", ha="center", va="bottom", fontsize=9, color="#c44")
    half = (k + 1) // 2
    for i, (name, r) in enumerate(zip(names, values)):
        left = i < half
        level = -(i + 1) if left else -(k - i)
        x_text = lo - 0.25 if left else hi + 0.25
        ax.plot([r, r, x_text], [0, level * 0.45, level * 0.45], color="black", lw=0.8)
        ax.text(x_text, level * 0.45, f"{_text(name)} ({r:.2f})" if left else f"({r:.2f}) {_text(name)}",
                ha="right" if left else "left", va="center", fontsize=9)
    # cliques: maximal runs of models within cd of each other; two models, joined as Wilcoxon's test tells
    cliques, last_end = [], -1
    p = attrs.get("friedman_p", np.nan)
    if k == 2 and not np.isfinite(cd):
        cliques = [] if p < attrs.get("alpha", 0.05) else [(0, 1)]
    for i in range(k if np.isfinite(cd) else 0):
        j = i
        while j + 1 < k and values[j + 1] - values[i] < cd:
            j += 1
        if j > i and j > last_end:
            cliques.append((i, j))
            last_end = j
    for n, (i, j) in enumerate(cliques):
        y = -0.15 - 0.18 * n
        ax.hlines(y, values[i] - 0.03, values[j] + 0.03, color="#3b7dd8", lw=4)
    ax.set_title(title or f"Mean ranks over {attrs.get('n_datasets', '?')} data sets "
                          f"({attrs.get('test', 'Friedman')} p = {p:.3g}); "
                          f"joined: not significantly different", fontsize=10)
    return ax


def learning_curve(estimator, X, y, cv=5, train_sizes=(0.1, 0.325, 0.55, 0.775, 1.0), scoring=None, n_jobs=None,
                   ax=None, shuffle=True, random_state=0):
    """Training and validation score against the number of training samples, on ``ax``.

    scikit-learn's ``LearningCurveDisplay`` draws it (it serves sknn's estimators as they
    are); this function gives it sknn's axes convention and returns the Axes. The training rows are shuffled
    (``random_state``) before the first ``train_sizes`` of them are taken (``shuffle``): rows sorted by class
    would give the smallest sizes one class, and a curve without its first points. ``scoring``: a name of
    :func:`sknn.compare`'s (``'rmse'``, ``'mae'``, ``'log_loss'``: errors, drawn as they are, lower is better) or of
    scikit-learn's scorers (``sklearn.metrics.get_scorer_names()``).
    """
    from sklearn.base import is_classifier
    from sklearn.model_selection import LearningCurveDisplay

    from ._compare_metrics import _metric

    negate, name = False, None
    if isinstance(scoring, str):  # compare's names (scikit-learn knows 'rmse' not), as compare reads them
        task = "classification" if is_classifier(estimator) else "regression"
        metric = _metric(scoring, task, np.unique(np.asarray(y, dtype=object)) if task == "classification" else ())
        scoring, negate, name = metric.scorer, metric.sign < 0, metric.name
    sizes = np.atleast_1d(np.asarray(train_sizes))
    if sizes.ndim != 1 or len(np.unique(sizes)) < 2:  # (scikit-learn's display failed inside on one size)
        raise ValueError(f"train_sizes={train_sizes!r} gives a curve no second point: pass 2 sizes or more (shares "
                         "of the training rows, e.g. (0.1, 0.55, 1.0), or numbers of rows).")
    ax = _axes(ax)
    LearningCurveDisplay.from_estimator(estimator, X, y, cv=cv, train_sizes=sizes, scoring=scoring,
                                        n_jobs=n_jobs, ax=ax, score_type="both", std_display_style="fill_between",
                                        shuffle=shuffle, random_state=random_state if shuffle else None,
                                        negate_score=negate, score_name=name)
    ax.set_title("Learning curve")
    return ax


def _text(name):
    """A model's or class's name as matplotlib draws it as it is: a '$' is no formula ('$50k-$100k')."""
    return str(name).replace("$", r"\$")


def _listed(values, limit=5):
    return ", ".join(repr(v) for v in values[:limit]) + (", ..." if len(values) > limit else "")


def _check_predictions(y_true, y_pred, labels, normalize):
    """Refuse what a confusion matrix cannot count, naming the input and the fix (scikit-learn's own errors name
    neither, or sort None among strings): no labels, lengths that differ, missing labels, continuous values, string
    labels against numbers, ``labels`` none of which occurs; warn when ``labels`` leaves out classes that occur."""
    from ._labels import _distinct_labels, _label_kind, check_labels, fractional_numbers
    from ._numbers import short_repr
    from ._warnings import warn_user

    if normalize not in (None, "true", "pred", "all"):
        raise ValueError(f"normalize={normalize!r:.40} is none of 'true' (each row, a true label, sums to 1), 'pred' "
                         "(each column), 'all' or None (counts).")
    columns = []
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        if y is None or isinstance(y, (str, bytes)) or np.ndim(y) == 0:
            raise TypeError(f"{name} is {y!r:.40}: pass one label per sample (a list, an array or a pandas Series).")
        values = np.asarray(y)
        values = values[:, 0] if values.ndim == 2 and values.shape[1] == 1 else values
        if values.ndim == 2 and name == "y_pred":  # (scikit-learn: 'Mix type')
            raise ValueError(f"y_pred has shape {np.shape(y_pred)}, a row of scores a sample (predict_proba's?): the "
                             "matrix counts labels; pass predict(X), or model.classes_[proba.argmax(axis=1)].")
        if values.ndim != 1:
            raise ValueError(f"{name} has shape {values.shape}: pass one label per sample (a 1-D array).")
        columns.append(values)
    t, p = columns
    if len(t) != len(p):
        raise ValueError(f"y_true holds {len(t)} labels and y_pred {len(p)}: pass one prediction per true label (the "
                         "predictions of the same samples, in the same order).")
    if not len(t):
        raise ValueError("y_true and y_pred hold no label: there is nothing to count.")
    for name, values in (("y_true", t), ("y_pred", p)):
        given = y_true if name == "y_true" else y_pred  # (a list of 1 and 'a': numpy makes it strings)
        check_labels(np.asarray(given, dtype=object).reshape(len(values)) if isinstance(given, (list, tuple))
                     else values, name)
        found = fractional_numbers(values)
        if found is not None:
            raise ValueError(f"{name} holds {found[0]} distinct numbers with fractional parts (such as "
                             f"{short_repr(found[1])}): continuous values (a regressor's?), and a confusion matrix "
                             "counts classes. For a regression, draw the predictions against the truth (e.g. "
                             f"plt.scatter(y_true, y_pred)); if they are classes, pass them as labels ({name}.astype("
                             f"int), or np.round({name}).astype(int) for predicted numbers).")
    firsts = [v.item() if isinstance(v, np.generic) else v for v in (t[0], p[0])]
    kinds = [_label_kind(v) for v in firsts]
    if kinds[0] != kinds[1] and "string" in kinds:  # ('1' never equals 1)
        raise ValueError(f"y_true holds {kinds[0]} labels (such as {firsts[0]!r}) but y_pred holds {kinds[1]} labels "
                         f"(such as {firsts[1]!r}): a label of one never equals one of the other; convert one to "
                         "the other's type (e.g. np.asarray(y_pred).astype(str)).")
    if labels is None:
        return
    present = _distinct_labels(t)
    present += [v for v in _distinct_labels(p) if v not in set(present)]
    if isinstance(labels, (str, bytes)) or np.ndim(labels) != 1 or not len(labels):
        raise ValueError(f"labels={labels!r:.60} is not a list of labels: pass the classes to show, in order (e.g. "
                         f"labels={present[:3]!r}), or labels=None for all of them.")
    check_labels(np.asarray(list(labels), dtype=object), "labels")  # (None among strings failed in numpy's sort)
    given = np.asarray(labels).tolist()
    if set(given).isdisjoint(present):
        raise ValueError(f"None of labels ({_listed(given)}, of type {type(given[0]).__name__}) occurs in y_true or "
                         f"y_pred, which hold labels of type {type(present[0]).__name__} ({_listed(present)}): the "
                         f"matrix would count nothing; pass labels of their type (e.g. labels={present[:3]!r}), or "
                         "labels=None for all of them.")
    left_out = [v for v in present if v not in set(given)]
    if left_out:
        warn_user(f"labels leaves out {len(left_out)} of the labels that occur in y_true or y_pred "
                  f"({_listed(left_out, 3)}): their samples are not counted in the matrix; add them to labels, or "
                  "pass labels=None for all of them.")


def confusion_matrix(y_true, y_pred, labels=None, normalize=None, ax=None, title="Confusion matrix"):
    """The confusion matrix of predictions against the truth (rows: true labels).

    Parameters
    ----------
    y_true, y_pred : array-like of labels, one per sample, of one kind (strings, or numbers)
    labels : list, default=None
        The classes to show, in order; None: every label of y_true and y_pred. A label of y_true or y_pred left out
        is warned of: its samples are not counted.
    normalize : {'true', 'pred', 'all'} or None
        Shares of each row (true label), of each column, or of all; None: counts.
    ax : matplotlib Axes, default=None
        Where to draw (None: a new figure, sized to the number of labels).
    title : str, default="Confusion matrix"

    Returns
    -------
    matplotlib Axes
    """
    from sklearn.metrics import ConfusionMatrixDisplay
    from sklearn.utils.multiclass import unique_labels

    _check_predictions(y_true, y_pred, labels, normalize)
    shown = labels if labels is not None else unique_labels(y_true, y_pred)
    n = len(shown)
    side = min(14, max(5, 0.3 * n))  # a cell's count stays readable, up to a page
    ax = _axes(ax, figsize=(side, side))
    ConfusionMatrixDisplay.from_predictions(y_true, y_pred, labels=labels, normalize=normalize, ax=ax,
                                            colorbar=False, values_format=".2f" if normalize else "d",
                                            display_labels=[_text(v) for v in shown],
                                            include_values=n <= 30, xticks_rotation="vertical" if n > 10 else
                                            "horizontal")
    if n > 45:  # more names than fit beside the cells
        ax.set_xticks([])
        ax.set_yticks([])
    ax.set_title(title)
    return ax
