"""Plots for comparisons and training runs (needs matplotlib: ``pip install sknn[plot]``).

Every function draws on ``ax`` (a new figure when None) and returns the Axes.
"""

import numpy as np

__all__ = ["history", "comparison", "fit_times", "learning_curve", "confusion_matrix"]


def _axes(ax, figsize=(6, 4)):
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("sknn.plot needs matplotlib: pip install 'sknn[plot]' (or pip install matplotlib).") \
            from exc
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _network(est):
    """The sknn estimator inside a pipeline or TransformedTargetRegressor."""
    for _ in range(5):
        if hasattr(est, "history_"):
            return est
        if hasattr(est, "steps"):
            est = est.steps[-1][1]
        elif hasattr(est, "regressor_"):
            est = est.regressor_
        else:
            break
    raise ValueError("history() needs a fitted sknn estimator (or a pipeline ending in one); "
                     f"got {type(est).__name__}.")


def history(estimators, ax=None, title="Training history"):
    """Training loss per epoch and, with early stopping, validation loss and score.

    Parameters
    ----------
    estimators : a fitted sknn estimator or pipeline, or a list of them (one curve each, e.g. CV folds)

    A training loss that keeps falling while the validation loss rises is over-fitting;
    both still falling at the last epoch is under-fitting (raise ``max_iter``).
    """
    ax = _axes(ax)
    nets = [_network(e) for e in (estimators if isinstance(estimators, (list, tuple)) else [estimators])]
    score_ax = None
    for i, net in enumerate(nets):
        h = net.history_
        ax.plot(h["epoch"], h["train_loss"], color="C0", alpha=0.8, label="train loss" if i == 0 else None)
        if "valid_loss" in h:
            ax.plot(h["epoch"], h["valid_loss"], color="C1", alpha=0.8, label="validation loss" if i == 0 else None)
        if "valid_score" in h:
            score_ax = score_ax or ax.twinx()
            score_ax.plot(h["epoch"], h["valid_score"], color="C2", ls="--", alpha=0.8,
                          label="validation score" if i == 0 else None)
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss (log scale)")
    ax.set_yscale("log")
    ax.set_title(title)
    handles, labels = ax.get_legend_handles_labels()
    if score_ax is not None:
        score_ax.set_ylabel("validation score")
        h2, l2 = score_ax.get_legend_handles_labels()
        handles, labels = handles + h2, labels + l2
    ax.legend(handles, labels, loc="best")
    return ax


def comparison(table, metric=None, ax=None):
    """Bars of each model's mean score with the standard deviation over folds as error bars."""
    ax = _axes(ax)
    metric = metric or table.attrs.get("scoring", [c[:-5] for c in table.columns if c.endswith("_mean")])[0]
    mean, std = table[f"{metric}_mean"], table[f"{metric}_std"]
    y = np.arange(len(table))[::-1]
    ax.barh(y, mean, xerr=std, color=[f"C{i}" for i in range(len(table))], capsize=4)
    ax.set_yticks(y, table.index)
    low = max(0.0, float((mean - 3 * std).min()) - 0.02) if metric != "r2" else min(0.0, float(mean.min()))
    high = float((mean + std).max())
    ax.set_xlim(low, high + 0.25 * (high - low))  # room for the labels
    for yi, m, s in zip(y, mean, std):
        ax.text(m + s, yi, f"  {m:.4f}", va="center", ha="left", fontsize=9)
    ax.set_xlabel(f"{metric} (mean ± std over folds)")
    ax.set_title("Model comparison")
    return ax


def fit_times(table, ax=None):
    """Bars of each model's mean fit time per fold (log scale)."""
    ax = _axes(ax)
    y = np.arange(len(table))[::-1]
    ax.barh(y, table["fit_time"], color=[f"C{i}" for i in range(len(table))])
    ax.set_yticks(y, table.index)
    ax.set_xscale("log")
    ax.set_xlabel("fit time per fold (s, log scale)")
    ax.set_title("Fit time")
    return ax


def learning_curve(estimator, X, y, cv=5, train_sizes=(0.1, 0.325, 0.55, 0.775, 1.0), scoring=None, n_jobs=None,
                   ax=None):
    """Training and validation score against the number of training samples (scikit-learn's learning_curve)."""
    from sklearn.model_selection import learning_curve as sk_learning_curve

    ax = _axes(ax)
    sizes, train, test = sk_learning_curve(estimator, X, y, cv=cv, train_sizes=np.asarray(train_sizes),
                                           scoring=scoring, n_jobs=n_jobs)
    for scores, label, color in ((train, "training score", "C0"), (test, "validation score", "C1")):
        ax.plot(sizes, scores.mean(1), "o-", color=color, label=label)
        ax.fill_between(sizes, scores.mean(1) - scores.std(1), scores.mean(1) + scores.std(1), color=color,
                        alpha=0.2)
    ax.set_xlabel("training samples")
    ax.set_ylabel(scoring or "score")
    ax.set_title("Learning curve")
    ax.legend(loc="best")
    return ax


def confusion_matrix(y_true, y_pred, labels=None, normalize=None, ax=None, title="Confusion matrix"):
    """The confusion matrix of predictions against the truth (rows: true labels)."""
    from sklearn.metrics import ConfusionMatrixDisplay

    ax = _axes(ax, figsize=(5, 5))
    ConfusionMatrixDisplay.from_predictions(y_true, y_pred, labels=labels, normalize=normalize, ax=ax,
                                            colorbar=False, values_format=".2f" if normalize else "d")
    ax.set_title(title)
    return ax
