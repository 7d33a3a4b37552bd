"""sknn.plot: bad inputs refused with a message naming them and the fix, and comparisons with failed fits drawn as
such (no mean over fewer splits drawn as an ordinary one, no model that was never scored drawn as NaN or dropped
without a word, no colour by a verdict computed on another metric)."""

import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.datasets import load_diabetes, load_iris
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge

from sknn import compare

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
from sknn import plot  # noqa: E402

FAST = dict(n_jobs=1, threads=1, verbose=False)


class _Flaky(RegressorMixin, BaseEstimator):
    """Fails to fit on an even number of rows: on diabetes' 3 folds (294, 295, 295 training rows), on 1 of 3."""

    def fit(self, X, y):
        if len(X) % 2 == 0:
            raise RuntimeError("boom")
        self.mean_ = float(np.mean(y))
        return self

    def predict(self, X):
        return np.full(len(X), self.mean_)


class _Zero(RegressorMixin, BaseEstimator):
    """Predicts 0: worse than the best, a verdict of its own colour."""

    def fit(self, X, y):
        return self

    def predict(self, X):
        return np.zeros(len(X))


class _Broken(RegressorMixin, BaseEstimator):
    def fit(self, X, y):
        raise RuntimeError("always")

    def predict(self, X):  # pragma: no cover - never fitted
        return np.zeros(len(X))


@pytest.fixture(scope="module")
def failed():
    """A table of rmse, r2 and mae (sorted on rmse) where flaky was scored on 2 of 3 splits and broken on none, and
    zero is worse than the best."""
    X, y = load_diabetes(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        models = {"ridge": Ridge(), "ols": LinearRegression(), "flaky": _Flaky(), "zero": _Zero(), "broken": _Broken()}
        table = compare(X, y, models=models, cv=3, repeats=1, scoring=["rmse", "r2", "mae"], **FAST)
    assert list(table["failed_fits"][["flaky", "broken"]]) == [1, 3] and table.loc["zero", "vs_best"] == "worse"
    return table


@pytest.fixture(autouse=True)
def _close():
    import matplotlib.pyplot as plt

    yield
    plt.close("all")


def _ticks(ax):
    return [t.get_text() for t in ax.get_yticklabels()]


# confusion_matrix


def test_confusion_matrix_refuses_labels_none_of_which_occur_naming_the_types():
    """labels=['0', '1'] for y of 0 and 1 drew an all-zero matrix."""
    y_true, y_pred = np.array([0, 1, 1, 0]), np.array([0, 1, 0, 0])
    with pytest.raises(ValueError, match=r"None of labels \('0', '1', of type str\) occurs in y_true or y_pred, "
                                         r"which hold labels of type int \(0, 1\).*labels=\[0, 1\]"):
        plot.confusion_matrix(y_true, y_pred, labels=["0", "1"])
    with pytest.raises(ValueError, match="labels='ab' is not a list of labels"):
        plot.confusion_matrix(y_true, y_pred, labels="ab")


def test_confusion_matrix_warns_of_classes_labels_leave_out():
    """labels=['c', 'b'] dropped the samples of 'a' without a word."""
    y_true, y_pred = np.array(["b", "a", "c", "a"]), np.array(["a", "a", "c", "b"])
    with pytest.warns(UserWarning, match=r"labels leaves out 1 of the labels .*\('a'\): their samples are not "
                                         r"counted") as caught:
        ax = plot.confusion_matrix(y_true, y_pred, labels=["c", "b"])
    assert caught[0].filename == __file__  # (the user's line)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["c", "b"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plot.confusion_matrix(y_true, y_pred, labels=["c", "b", "a", "z"])  # every class: no warning


def test_confusion_matrix_refuses_continuous_values():
    """A regressor's predictions reached scikit-learn's 'Unknown label type: (array(...), array(...))'."""
    with pytest.raises(ValueError, match=r"y_pred holds 3 distinct numbers with fractional parts \(such as 2.25\): "
                                         r"continuous values .*confusion matrix counts classes"):
        plot.confusion_matrix(np.array([1, 2, 3]), np.array([1.0, 2.25, 3.5]))
    with pytest.raises(ValueError, match=r"y_true holds 3 distinct numbers .*np.round\(y_true\)"):
        plot.confusion_matrix(np.array([0.1, 0.2, 0.3]), np.array([0.1, 0.25, 0.3]))
    plot.confusion_matrix(np.array([0.0, 1.0, 1.0]), np.array([0, 1, 0]))  # whole numbers as floats: classes


def test_confusion_matrix_refuses_missing_labels_naming_the_sample():
    """None among strings: TypeError from sorting; NaN: scikit-learn's 'Input contains NaN'."""
    with pytest.raises(ValueError, match=r"y_true\[1\] is None: a label cannot be missing; drop those samples"):
        plot.confusion_matrix(np.array(["a", None], dtype=object), np.array(["a", "a"], dtype=object))
    with pytest.raises(ValueError, match=r"y_pred\[1\] is NaN: a label cannot be missing"):
        plot.confusion_matrix(np.array([1.0, 2.0, 2.0]), np.array([1.0, np.nan, 2.0]))
    with pytest.raises(ValueError, match=r"The labels mix types: y_true\[0\] is 1 \(a number\) but y_true\[1\] is "
                                         r"'a' \(a string\)"):
        plot.confusion_matrix([1, "a"], [1, "a"])
    with pytest.raises(ValueError, match=r"labels\[2\] is None: a label cannot be missing"):
        plot.confusion_matrix(["a", "b"], ["a", "a"], labels=["a", "b", None])  # (numpy's sort failed on it)


def test_confusion_matrix_refuses_other_bad_targets_naming_them():
    with pytest.raises(ValueError, match="y_true holds 2 labels and y_pred 3: pass one prediction per true label"):
        plot.confusion_matrix([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match=r"y_true holds number labels \(such as 1\) but y_pred holds string labels "
                                         r"\(such as '1'\).*astype\(str\)"):
        plot.confusion_matrix(np.array([1, 2]), np.array(["1", "2"]))
    with pytest.raises(TypeError, match="y_true is None: pass one label per sample"):
        plot.confusion_matrix(None, [1])
    with pytest.raises(ValueError, match="normalize='rows' is none of 'true'"):
        plot.confusion_matrix([1, 2], [1, 2], normalize="rows")


# comparison, fold_scores, time_vs_score with failed fits


def test_comparison_marks_partial_models_and_leaves_out_unscored_ones(failed):
    """A mean over 2 of 3 splits was an ordinary bar; a model never scored got a 'nan' bar label."""
    ax = plot.comparison(failed)
    ticks = _ticks(ax)
    assert "flaky (2 of 3 splits)" in ticks and "ridge" in ticks and not any("broken" in t for t in ticks)
    assert len(ax.patches) == len(failed) - 1 and np.isfinite([p.get_width() for p in ax.patches]).all()
    assert not any("nan" in t.get_text() for t in ax.texts)
    assert "lower is better" in ax.get_xlabel() and "not scored on rmse, not drawn: broken" in ax.get_xlabel()
    assert "higher is better" in plot.comparison(failed, "r2").get_xlabel()


def test_fold_scores_counts_the_splits_of_each_model(failed):
    """The title said '3 splits per model' from the first model only."""
    ax = plot.fold_scores(failed)
    assert "2 to 3 splits per model" in ax.get_title()
    assert "flaky (2 of 3 splits)" in _ticks(ax) and "ridge" in _ticks(ax)
    assert not any("broken" in t for t in _ticks(ax)) and "not drawn: broken" in ax.get_xlabel()


def test_time_vs_score_marks_partial_models_and_names_unscored_ones(failed):
    """broken was dropped without a word; flaky's mean over 2 of 3 splits looked like the others'."""
    ax = plot.time_vs_score(failed)
    names = [t.get_text() for t in ax.texts]
    assert "flaky (2 of 3 splits)" in names and "ridge" in names and not any("broken" in n for n in names)
    assert "not scored on rmse, not drawn: broken" in ax.get_xlabel()


def test_plots_refuse_a_metric_no_model_was_scored_on(failed):
    """Before, an empty plot (or a NaN bar) without a word."""
    for draw in (plot.comparison, plot.fold_scores, plot.time_vs_score):
        with pytest.raises(ValueError, match=r"No model to draw has a score on rmse \(broken: every fit failed.*"
                                             r"make the fits succeed"):
            draw(failed.loc[["broken"]])


def test_verdict_colours_only_for_the_metric_of_the_verdicts(failed):
    """Boxes and points were coloured by the verdicts on rmse while r2 was drawn."""
    assert failed.attrs["sort"] == "rmse"
    ax = plot.fold_scores(failed)  # the verdicts' metric: blue and grey by verdict
    assert len({tuple(p.get_facecolor()) for p in ax.patches}) > 1 and "verdicts" not in ax.get_xlabel()
    ax = plot.fold_scores(failed, "r2")
    assert len({tuple(p.get_facecolor()) for p in ax.patches}) == 1
    assert "the verdicts (best, tied, worse) are on rmse" in ax.get_xlabel()
    ax = plot.time_vs_score(failed, "r2")
    assert len({line.get_color() for line in ax.lines if line.get_marker() == "o"}) == 1
    assert "the verdicts (best, tied, worse) are on rmse" in ax.get_xlabel()
    ax = plot.time_vs_score(failed)
    assert len({line.get_color() for line in ax.lines if line.get_marker() == "o"}) > 1


# learning_curve, history


def test_learning_curve_takes_compare_s_metric_names():
    """'rmse', 'mae' and 'log_loss' raised scikit-learn's InvalidParameterError listing its ~50 scorers."""
    X, y = load_iris(return_X_y=True)
    for scoring in ("rmse", "mae"):
        ax = plot.learning_curve(Ridge(), X, y.astype(float), cv=2, train_sizes=(0.5, 1.0), scoring=scoring)
        assert all((line.get_ydata() > 0).all() for line in ax.get_lines())  # errors, as compare shows them
        assert scoring in ax.get_ylabel()
    ax = plot.learning_curve(LogisticRegression(max_iter=200), X, y, cv=2, train_sizes=(0.5, 1.0),
                             scoring="log_loss")
    assert all((line.get_ydata() > 0).all() for line in ax.get_lines())
    with pytest.raises(ValueError, match=r"Unknown metric 'acc'; use one of accuracy, .*get_scorer_names"):
        plot.learning_curve(LogisticRegression(), X, y, cv=2, scoring="acc")


def test_history_refuses_an_empty_list():
    with pytest.raises(ValueError, match="history\\(\\) got an empty list: pass a fitted sknn estimator"):
        plot.history([])
