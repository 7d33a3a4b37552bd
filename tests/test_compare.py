"""sknn.compare: repeated folds, the tests against the best, metrics, time budget, threads, several data sets."""

import re
import time
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.stats import wilcoxon
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import load_breast_cancer, load_iris, make_regression
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import log_loss, roc_auc_score
from sklearn.model_selection import KFold

from sknn import compare
from sknn.compare import bayesian_ttest, corrected_ttest, detect_task, rank_datasets

FAST = dict(n_jobs=1, threads=1, verbose=False)


class _RowRecorder(ClassifierMixin, BaseEstimator):
    """Predicts the majority class and remembers which rows (column 0 holds the row id) it was fitted on."""

    def fit(self, X, y):
        self.rows_ = np.asarray(X)[:, 0].astype(int)
        values, counts = np.unique(y, return_counts=True)
        self.classes_, self.majority_ = values, values[np.argmax(counts)]
        return self

    def predict(self, X):
        return np.full(len(X), self.majority_)


class _Slow(ClassifierMixin, BaseEstimator):
    """A majority-class model that takes ``seconds`` to fit."""

    def __init__(self, seconds=0.5):
        self.seconds = seconds

    def fit(self, X, y):
        time.sleep(self.seconds)
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


class _ThreadRecorder(ClassifierMixin, BaseEstimator):
    """Records the thread counts that torch and the OpenMP/BLAS libraries would use inside fit."""

    def fit(self, X, y):
        import torch
        from threadpoolctl import threadpool_info

        self.torch_threads_ = torch.get_num_threads()
        self.pool_threads_ = {i["internal_api"]: i["num_threads"] for i in threadpool_info()}
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


def test_every_model_sees_the_same_repeated_folds():
    X, y = load_iris(return_X_y=True)
    X = np.column_stack([np.arange(len(X)), X])  # a row id in column 0
    table, fitted = compare(X, y, models={"a": _RowRecorder(), "b": _RowRecorder()}, cv=4, repeats=2,
                            scoring="accuracy", return_fitted=True, **FAST)
    splits = table.attrs["cv_splits"]
    assert len(splits) == 8 and table.attrs["repeats"] == 2
    for fold, (train, test) in enumerate(splits[:4]):  # the estimators kept are the first repeat's
        np.testing.assert_array_equal(fitted["estimators"]["a"][fold].rows_, train)
        np.testing.assert_array_equal(fitted["estimators"]["b"][fold].rows_, train)
        assert not set(train) & set(test)
    # each repeat is a partition of the rows, shuffled differently, stratified
    for r in range(2):
        tests = np.concatenate([te for _, te in splits[4 * r:4 * r + 4]])
        np.testing.assert_array_equal(np.sort(tests), np.arange(len(y)))
    assert not np.array_equal(splits[0][1], splits[4][1])
    assert all(len(np.unique(y[test])) == 3 for _, test in splits)
    # the first repeat is StratifiedKFold(shuffle=True, random_state) itself: the folds of earlier versions
    from sklearn.model_selection import StratifiedKFold

    for (train, test), (tr, te) in zip(splits[:4], StratifiedKFold(4, shuffle=True, random_state=0).split(X, y)):
        np.testing.assert_array_equal(test, te)


def test_noise_is_not_a_difference_and_a_dummy_is():
    """Two forests that differ only by their seed are not told apart; the majority rule is."""
    X, y = load_breast_cancer(return_X_y=True)
    models = {"forest seed 0": RandomForestClassifier(n_estimators=25, random_state=0),
              "forest seed 1": RandomForestClassifier(n_estimators=25, random_state=1),
              "majority": DummyClassifier(strategy="most_frequent")}
    for test in ("t-test", "bayesian"):
        table = compare(X, y, models=models, cv=5, repeats=3, scoring=["accuracy"], test=test, baseline=False,
                        **FAST)
        forests = table.loc[["forest seed 0", "forest seed 1"], "vs_best"]
        assert set(forests) <= {"best", "tied", "equivalent", "undecided"} and "best" in set(forests), table
        assert table.loc["majority", "vs_best"] == "worse"
        assert list(table["group"]) == [1, 1, 2]  # grouped: the two forests first
        other = [n for n in forests.index if forests[n] != "best"][0]
        assert table.loc[other, "p_value"] > 0.05 and table.loc["majority", "p_value"] < 1e-3
        assert table.loc["majority", "p_best_better"] > 0.99
    # the correction matters: on the same splits the naive paired t-test calls the noise significant more often
    long = table.attrs["scores"].query("metric == 'accuracy'")
    a = long[long.model == "forest seed 0"].sort_values("split")["score"].to_numpy()
    b = long[long.model == "forest seed 1"].sort_values("split")["score"].to_numpy()
    from scipy.stats import ttest_rel

    if np.any(a != b):
        assert corrected_ttest(a, b, 455, 114)[1] > ttest_rel(a, b).pvalue


def test_the_corrected_and_bayesian_tests_by_hand():
    a = np.array([0.90, 0.92, 0.91, 0.93, 0.90, 0.94])
    b = np.array([0.89, 0.92, 0.90, 0.92, 0.91, 0.90])
    d = a - b
    t, p = corrected_ttest(a, b, n_train=800, n_test=200)  # (folds of 200 rows: a step of 1/200, below the spread)
    expected = d.mean() / np.sqrt((1 / 6 + 200 / 800) * d.var(ddof=1))
    assert t == pytest.approx(expected)
    from scipy import stats

    assert p == pytest.approx(2 * stats.t.sf(abs(expected), 5))
    assert p > stats.ttest_rel(a, b).pvalue  # wider than the naive test
    above, rope, below = bayesian_ttest(a, b, 800, 200, rope=0.01)
    assert above + rope + below == pytest.approx(1.0)
    assert above == pytest.approx(stats.t(5, loc=d.mean(), scale=np.sqrt((1 / 6 + 0.25) * d.var(ddof=1))).sf(0.01))
    assert corrected_ttest(a, a, 80, 20) == (0.0, 1.0)  # identical models
    # the same gain on every split: no variance but the score's step (two rows of 20), not certainty (it was p =
    # 0.0, then the sign test's, which over 5 splits cannot go below 0.0625 whatever the gain)
    floor = (1 / 20) * np.sqrt(1 / 5 + 20 / 80)  # a row's step, over the 5 folds of a partition (80 + 20 rows)
    assert corrected_ttest(a + 0.1, a, 80, 20)[0] == pytest.approx(0.1 / floor)
    assert corrected_ttest([0.9, 0.8, 0.7], [0.8, 0.7, 0.6], 80, 20)[1] == pytest.approx(
        2 * stats.t.sf(0.1 / ((1 / 20) * np.sqrt(1 / 3 + 20 / 80)), 2))  # (3 splits: fewer than the folds)
    # a score that counts no rows has no step: the same gain on every split goes to the sign test
    assert corrected_ttest(a + 0.1, a, 80, 20, sizes=np.zeros((6, 1)))[1] == pytest.approx(2 * 0.5 ** len(a))
    assert bayesian_ttest(a, a, 80, 20) == (0.0, 1.0, 0.0)
    # scores equal up to the last bit (another summation order) are the same scores, not a sure loss
    assert corrected_ttest([0.5, 0.25], [0.5 - 1.1e-16, 0.25 - 1.1e-16], 80, 20) == (0.0, 1.0)
    assert bayesian_ttest([0.5, 0.25], [0.5 - 1.1e-16, 0.25 - 1.1e-16], 80, 20) == (0.0, 1.0, 0.0)
    big = np.array([-123456.7, -98765.4])  # large scores (negated squared errors): rounding scales with them
    assert corrected_ttest(big, big + np.array([1e-9, -2e-9]), 80, 20) == (0.0, 1.0)
    with pytest.raises(ValueError, match="at least 2"):
        corrected_ttest([0.9], [0.8], 80, 20)


def test_default_metrics_match_scikit_learn():
    X, y = load_iris(return_X_y=True)
    table, fitted = compare(X, y, models={"logistic": LogisticRegression(max_iter=1000)}, cv=3, repeats=1,
                            return_fitted=True, **FAST)
    assert table.attrs["scoring"] == ["balanced_accuracy", "accuracy", "log_loss", "roc_auc", "f1_macro"]
    assert table.attrs["sort"] == "balanced_accuracy" and table.attrs["lower_is_better"] == ["log_loss"]
    long = table.attrs["scores"]
    assert len(long) == 2 * 3 * (5 + 2)  # models x splits x (metrics + fit and predict time)
    train, test = table.attrs["cv_splits"][0]
    est = fitted["estimators"]["logistic"][0]
    proba = est.predict_proba(X[test])
    row = long[(long.model == "logistic") & (long.split == 0)].set_index("metric")["score"]
    assert row["log_loss"] == pytest.approx(log_loss(y[test], proba))  # positive: lower is better
    assert row["roc_auc"] == pytest.approx(roc_auc_score(y[test], proba, multi_class="ovr"))
    means = long[long.model == "logistic"].groupby("metric")["score"].mean()
    assert table.loc["logistic", "accuracy_mean"] == pytest.approx(means["accuracy"])
    assert table.loc["logistic", "log_loss_mean"] == pytest.approx(means["log_loss"])
    # the baseline: the class frequencies, so log-loss ln(3) and AUC 0.5
    assert table.loc["Dummy (baseline)", "log_loss_mean"] == pytest.approx(np.log(3), abs=0.01)
    assert table.loc["Dummy (baseline)", "roc_auc_mean"] == pytest.approx(0.5)


def test_regression_metrics_sort_and_dataframes_with_categories():
    X, y = make_regression(n_samples=120, n_features=4, noise=5.0, random_state=0)
    frame = pd.DataFrame(X, columns=list("abcd"))
    frame["color"] = np.where(X[:, 0] > 0, "red", "blue")
    frame.loc[3, "b"] = np.nan  # imputed
    table = compare(frame, y * 100, cv=3, repeats=1, models=["linear", "boosting"], sort="rmse", **FAST)
    assert table.attrs["task"] == "regression" and table.attrs["sort"] == "rmse"
    assert table.attrs["scoring"] == ["rmse", "r2", "mae"]
    assert list(table.index) == ["LinearRegression", "HistGradientBoosting", "Dummy (baseline)"]
    assert (table["rmse_mean"] > 0).all() and table["rmse_mean"].is_monotonic_increasing  # lower is better first
    assert table.loc["LinearRegression", "r2_mean"] > 0.9 and table.loc["Dummy (baseline)", "r2_mean"] < 0.05
    assert table.loc["Dummy (baseline)", "vs_best"] == "worse"
    assert table.loc["HistGradientBoosting", "diff_vs_best"] > 0  # rmse: a worse model is above the best


def test_the_printed_table_keeps_tiny_and_huge_errors_readable():
    from sknn.report import text_table

    X, y = make_regression(n_samples=60, n_features=3, noise=5.0, random_state=0)
    for scale, shown in ((1e-6, r"\d\.\d{3}e-0\d"), (1e9, r"\d\.\d{3}e\+(09|10|11)")):
        table = compare(X, y * scale, cv=2, repeats=1, models=["linear"], sort="rmse", **FAST)
        rows = [line for line in text_table(table).splitlines() if line.startswith(("Linear", "Dummy"))]
        lines = {line.split()[0]: line for line in rows}
        # fixed decimals printed 0.0000 for every model at 1e-6 (no model told from another)
        assert "0.0000 ±" not in lines["LinearRegression"]
        for line in lines.values():
            assert re.search(shown, line), line


def test_the_default_line_up_has_the_baseline_and_the_installed_boosting_libraries():
    from sknn.compare import default_models

    X, y = load_iris(return_X_y=True)
    names = list(default_models(X, "classification"))
    assert names[0] == "Dummy (baseline)" and names[-1] == "DenseClassifier (sknn)"
    for lib, name in (("lightgbm", "LightGBM"), ("xgboost", "XGBoost"), ("catboost", "CatBoost")):
        try:
            __import__(lib)
        except ImportError:
            assert name not in names
        else:
            assert name in names
    # a user's own line-up gets the baseline too, unless asked not to
    table = compare(X, y, models={"logistic": LogisticRegression(max_iter=500)}, cv=3, repeats=1, **FAST)
    assert "Dummy (baseline)" in table.index
    table = compare(X, y, models={"logistic": LogisticRegression(max_iter=500)}, cv=3, repeats=1, baseline=False,
                    **FAST)
    assert list(table.index) == ["logistic"]
    # a model of the user's named 'dummy' is not taken for the baseline (it was left out of the best values)
    table = compare(X, y, models={"dummy": LogisticRegression(max_iter=500)}, cv=3, repeats=1, **FAST)
    assert "Dummy (baseline)" in table.index and table.attrs["roles"]["dummy"] != "dummy"


@pytest.mark.parametrize("lib", ["xgboost", "catboost", "lightgbm"])
def test_boosting_libraries_take_string_labels(lib):
    pytest.importorskip(lib)
    X, y = load_iris(return_X_y=True)
    labels = np.array(["setosa", "versicolor", "virginica"])[y]
    table = compare(X, labels, models=[lib], cv=3, repeats=1, scoring=["accuracy", "log_loss"], **FAST)
    name = {"xgboost": "XGBoost", "catboost": "CatBoost", "lightgbm": "LightGBM"}[lib]
    assert table.loc[name, "accuracy_mean"] > 0.85
    assert not any("sum to one" in w for w in table.attrs["warnings"].get(name, {}))  # float64 rows


def test_the_default_table_on_iris_with_the_network():
    X, y = load_iris(return_X_y=True)
    table = compare(X, y, cv=3, repeats=1, scoring=["accuracy", "f1_macro"], **FAST)
    assert list(table.index).count("DenseClassifier (sknn)") == 1 and "Dummy (baseline)" in table.index
    assert {"vs_best", "group", "p_value", "accuracy_mean", "accuracy_std", "f1_macro_mean", "fit_time",
            "predict_time", "threads", "cpu_use", "rank"} <= set(table.columns)
    assert table["group"].is_monotonic_increasing
    assert (table.drop("Dummy (baseline)")["accuracy_mean"] > 0.85).all()
    assert (table["threads"] == 1).all()


def test_consecutive_whole_numbers_away_from_0_and_1_are_not_said_to_have_gaps():
    """Years 1990..2010 (or years of education 2..18) were 'a quantity with gaps': the verdict was right, the reason
    was not."""
    task, reason = detect_task(np.arange(1990, 2011).repeat(6), return_reason=True)
    assert task == "regression" and "with gaps" not in reason
    assert reason == "21 distinct whole numbers from 1990 to 2010, not starting at 0 or 1: a quantity"
    assert detect_task(np.arange(15).repeat(6) * 10, return_reason=True) == (
        "regression", "15 distinct whole numbers from 0 to 140, with gaps: a quantity")


def test_task_detection_from_whole_numbers():
    rng = np.random.default_rng(0)
    price = rng.choice(np.arange(25_000, 190_000, 500), size=546)  # a price: ~219 distinct whole numbers
    assert len(np.unique(price)) > 150
    task, reason = detect_task(price, return_reason=True)
    assert task == "regression" and "distinct whole numbers" in reason
    counts = rng.poisson(20, size=800)  # a count, about 35 distinct values
    assert detect_task(counts) == "regression"
    assert detect_task(rng.integers(0, 60, 300)) == "regression"  # 60 distinct values
    assert detect_task(rng.integers(0, 10, 500), return_reason=True) == (
        "classification", "10 distinct whole numbers 0..9: class codes")
    assert detect_task(np.arange(15).repeat(2) * 10) == "regression"  # gaps: a quantity
    assert detect_task(np.array([3, 7, 7, 3, 12])) == "classification"
    # a count of few values with gaps (AER's Affairs: 0, 1, 2, 3, 7, 12) is read as classes, and the reason says
    # how to read it otherwise
    task, reason = detect_task(np.array([0, 1, 2, 3, 7, 12] * 10), return_reason=True)
    assert task == "classification" and "not numbered from 0 or 1 without gaps" in reason and "--task regression" in \
        reason
    assert detect_task(np.array(["a", "b", "a"])) == "classification"
    assert detect_task(np.array([True, False, True])) == "classification"
    assert detect_task(np.linspace(0, 1, 30)) == "regression"
    assert detect_task(np.arange(100).astype(float)) == "regression"
    assert detect_task(np.array([1.0, 2.0, np.nan, 1.0])) == "classification"  # missing values aside


def test_missing_numbers_in_an_array_are_imputed_as_in_a_data_frame():
    X, y = load_iris(return_X_y=True)
    X = X.copy()
    X[::7, 2] = np.nan  # the array failed on every fold inside scikit-learn ('Input X contains NaN')
    as_array = compare(X, y, models=["linear"], cv=3, repeats=1, **FAST)
    as_frame = compare(pd.DataFrame(X), y, models=["linear"], cv=3, repeats=1, **FAST)
    assert as_array["failed_fits"].sum() == 0
    assert as_array["accuracy_mean"].tolist() == as_frame["accuracy_mean"].tolist()


def test_rows_with_a_missing_target_are_counted_and_left_out():
    X, y = load_iris(return_X_y=True)
    y = y.astype(float)
    y[[0, 60, 120]] = np.nan
    table = compare(X, y, models=["linear"], cv=3, repeats=1, **FAST)
    assert table.attrs["n_dropped"] == 3 and table.attrs["n_samples"] == 147
    labels = np.array(["a", "b", "c"], dtype=object)[load_iris().target]
    labels[5] = None
    table = compare(X, labels, models=["linear"], cv=3, repeats=1, **FAST)
    assert table.attrs["n_dropped"] == 1 and table.attrs["task"] == "classification"
    # the columns are read on the rows that are compared: placeholders only in rows without a target go with them
    frame = pd.DataFrame({"x": X[:, 0], "n": pd.Series(X[:, 1], dtype=object)})
    frame.loc[[0, 60, 120], "n"] = "n.a."
    y = load_iris().target.astype(float)
    y[[0, 60, 120]] = np.nan
    table = compare(frame, y, models=["linear"], cv=3, repeats=1, **FAST)  # (refused: "numbers but for 3 cells")
    assert table.attrs["n_dropped"] == 3 and table["failed_fits"].sum() == 0


class _NeverFitted(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        raise AssertionError("a model was fitted before the metric was refused")

    def predict(self, X):  # (a model: compare refuses one without predict)
        raise AssertionError("never fitted")


@pytest.mark.parametrize("metric, fix", [("precision", "precision_macro"), ("f1", "f1_macro"),
                                         ("average_precision", "log_loss"), ("neg_brier_score", "log_loss")])
def test_a_score_of_the_positive_class_1_on_labels_without_it_is_refused_before_any_fit(metric, fix):
    """precision, f1, recall, average precision and the Brier score read the positive class 1: on 'no' and 'yes'
    every model failed after all the fits, with an error that hid the cause ('No model but the baseline could be
    scored'), or the column was empty."""
    X, y = np.zeros((30, 2)), np.array(["no", "yes"] * 15)
    for scoring in (metric, ["accuracy", metric]):
        with pytest.raises(ValueError, match=rf"Metric '{metric}' cannot score this target \(2 classes\): scikit-"
                                             rf"learn says .*; use {fix}"):
            compare(X, y, models={"never": _NeverFitted()}, scoring=scoring, **FAST)


def test_clear_errors_before_any_fit():
    X, y = np.zeros((30, 2)), np.arange(30) % 2
    with pytest.raises(ValueError, match="single class"):
        compare(X, np.ones(30, dtype=int), **FAST)
    with pytest.raises(ValueError, match="Unknown model 'trees'"):
        compare(X, y, models=["trees"], **FAST)
    with pytest.raises(ValueError, match="names no model"):
        compare(X, y, models=[], **FAST)
    with pytest.raises(ValueError, match=r"models names RandomForest twice \('forest' and 'Random'\); name each"):
        compare(X, y, models=["forest", "linear", "Random"], **FAST)  # one row would hold the two
    with pytest.raises(ValueError, match="names no model"):
        compare(X, y, models=[" ", ""], **FAST)
    with pytest.raises(ValueError, match="empty dict"):
        compare(X, y, models={}, **FAST)
    with pytest.raises(ValueError, match="needs numbers, but y holds labels such as 'a'"):
        compare(X, np.array(["a", "b"] * 15), task="regression", **FAST)
    with pytest.raises(ValueError, match="fractional parts; use task='regression'"):
        compare(X, np.linspace(0, 1, 30), task="classification", **FAST)
    with pytest.raises(ValueError, match="y holds infinite values"):  # numbers given as text are checked too
        compare(X, np.array(["1.5", "inf"] * 15, dtype=object), task="regression", **FAST)
    with pytest.raises(ValueError, match=r"y reaches 2.9e\+250: squared errors .* divide it by 1e250"):
        compare(X, np.arange(30) * 1e249, **FAST)
    # refused before any fit (each failed every model, with scikit-learn's words, after fitting them)
    with pytest.raises(ValueError, match=r"X has no feature column \(shape \(30, 0\)\)"):
        compare(np.zeros((30, 0)), y, **FAST)
    with pytest.raises(ValueError, match=r"Model 'd' begins the names of Dummy \(baseline\) and DenseClassifier "
                                         r"\(sknn\): name one of them in full"):  # (the first was taken)
        compare(X, y, models=["d"], **FAST)
    texts = ["a good film", "a bad film"] * 15  # (every fit ran, then failed in scikit-learn's words)
    holed = texts[:3] + [None] + texts[4:]  # (named after every fit, by its position in a fold)
    with pytest.raises(ValueError, match=r"X\[3\] is missing \(1 row\(s\) so\): give each row its document"):
        compare(holed, y, models={"never": _NeverFitted()}, **FAST)
    with pytest.raises(ValueError, match=r"X is a list of texts, and the built-in models take a table"):
        compare(texts, y, models=["linear", "forest"], **FAST)
    from sknn import Word2VecTransformer
    with pytest.raises(ValueError, match=r"Model 'w2v' \(Word2VecTransformer\) has no predict: a transformer is no "
                                         r"model; put it before one in a pipeline"):  # ('no model could be scored')
        compare(texts, y, models={"w2v": Word2VecTransformer()}, **FAST)
    for tags in ([["D", "N"], ["D"]] * 15, [["D", "N", "V"]] * 30):  # (numpy's 'inhomogeneous shape'; 'shape (30, 3)')
        with pytest.raises(ValueError, match=r"y holds a list of labels in each row \(a tagger's labels"):
            compare([["a", "b", "c"]] * 30, tags, **FAST)
    table = pd.DataFrame({"a": np.arange(30.0), "y": y})
    with pytest.raises(ValueError, match=r"y is 'y', one value; pass the target's values, one per row: "
                                         r"compare\(X.drop\(columns='y'\), X\['y'\]\)"):
        compare(table, "y", **FAST)  # (the command's --target: 'y must be one column...; an array of shape ()')
    for empty in (pd.DataFrame({"a": [np.nan] * 30, "b": [None] * 30}), np.full((30, 2), np.nan)):
        with pytest.raises(ValueError, match=r"Every feature column of X is empty \(all missing\)"):
            compare(empty, y, **FAST)
    with pytest.raises(ValueError, match=r"X's column names mix strings and int values.*astype\(str\)"):
        compare(pd.DataFrame({0: np.arange(30.0), "b": np.arange(30.0)}), y, models=["linear"], **FAST)
    from sklearn.linear_model import LinearRegression
    with pytest.raises(ValueError, match=r"Model 'lr' \(LinearRegression\) is a regression model, but the task is "
                                         "classification"):
        compare(X, y, models={"lr": LinearRegression()}, **FAST)
    with pytest.raises(ValueError, match=r"Model 'lr' \(LogisticRegression\) is a classification model"):
        compare(X, np.linspace(0, 1, 30), models={"lr": LogisticRegression()}, **FAST)
    with pytest.raises(ValueError, match=r"The class 'q' of y has 1 row: the fold that tests it would train every "
                                         "model on a single class"):
        compare(X, np.array(["p"] * 29 + ["q"]), models=["linear"], **FAST)
    with pytest.raises(ValueError, match=r"27 of the 28 classes of y have 1 row: an identifier or a name"):
        compare(X, np.array(["p"] * 3 + [f"star {i}" for i in range(27)]), models=["linear"], cv=3, repeats=1, **FAST)
    with pytest.raises(ValueError, match="Unknown metric 'acc'"):
        compare(X, y, scoring="acc", **FAST)
    with pytest.raises(ValueError, match="is for regression but the task is classification"):
        compare(X, y, scoring="rmse", **FAST)
    with pytest.raises(ValueError, match="repeats must be an int >= 1"):
        compare(X, y, repeats=0, **FAST)
    with pytest.raises(ValueError, match="time_budget must be a positive"):
        compare(X, y, time_budget=-1, **FAST)
    with pytest.raises(ValueError, match="cv=50 folds need at least 50 rows"):
        compare(X, y, cv=50, **FAST)
    with pytest.raises(ValueError, match="Every value of y is missing"):
        compare(X, np.full(30, np.nan), **FAST)
    with pytest.raises(ValueError, match="not a scikit-learn estimator"):
        compare(X, y, models={"x": object()}, **FAST)


def test_every_model_reads_the_columns_the_network_reads():
    """Booleans, nullable numbers, text with pd.NA and columns mixing labels and numbers reach every model of
    the line-up (a True/False column once made each scikit-learn model fail, leaving the network 'best')."""
    rng = np.random.RandomState(0)
    x = rng.normal(size=40)
    y = (x > 0).astype(int)
    X = pd.DataFrame({"x": x, "flag": x > 0.2, "maybe": pd.array(list(x > 0.5), dtype="boolean"),
                      "count": pd.array([1, None] * 20, dtype="Int64"),
                      "text": pd.array(["a", None, "b", "c"] * 10, dtype="string"), "mixed": [1, "a"] * 20})
    table = compare(X, y, models=["linear", "forest", "boosting"], **FAST)
    assert table.attrs["errors"] == {}, table.attrs["errors"]
    assert table.loc["LogisticRegression", "balanced_accuracy_mean"] > 0.9
    sparse = pytest.importorskip("scipy.sparse")
    table = compare(sparse.csr_matrix(np.c_[x, x ** 2]), y, models=["linear"], **FAST)
    assert table.attrs["errors"] == {} and table.loc["LogisticRegression", "balanced_accuracy_mean"] > 0.9


def test_a_baseline_left_alone_is_no_verdict_and_odd_frames_reach_every_model():
    rng = np.random.RandomState(0)
    x = rng.normal(size=40)
    y = (x > 0).astype(int)
    from sklearn.preprocessing import FunctionTransformer

    def refuse(X):
        raise TypeError("no")

    failing = make_pipeline(FunctionTransformer(refuse), LogisticRegression())
    with pytest.raises(ValueError, match="Every model but the baseline failed to fit; mine: TypeError"):
        compare(x[:, None], y, models={"mine": failing}, **FAST)  # the dummy was 'best'
    # records (a list of dicts, a dict of columns) are refused before any fit, with the table that reads them
    for records in ([{"a": v} for v in x], {"a": list(x)}):
        with pytest.raises(TypeError, match=r"X is a (list of dicts|dict).*pd.DataFrame\(X\)"):
            compare(records, y, models=["linear"], **FAST)
    layered = pd.DataFrame(np.c_[x, x], columns=pd.MultiIndex.from_tuples([("a", "b"), ("a", "c")]))
    with pytest.raises(ValueError, match="column names of several levels; flatten them first"):
        compare(layered, y, **FAST)
    table = compare(pd.DataFrame({"empty": [None] * 40, "x": x}), y, models=["linear"], **FAST)
    assert table.attrs["errors"] == {} and table.loc["LogisticRegression", "balanced_accuracy_mean"] > 0.9


def test_tables_no_model_can_read_are_refused_before_any_fit():
    rng = np.random.RandomState(0)
    x = rng.normal(size=40)
    y = (x > 0).astype(int)
    with pytest.raises(TypeError, match="Column 'day' holds dates"):
        compare(pd.DataFrame({"x": x, "day": pd.date_range("2020", periods=40)}), y, **FAST)
    with pytest.raises(ValueError, match=r"X is one-dimensional \(shape \(40,\)\).*X.reshape\(-1, 1\)"):
        compare(x, y, **FAST)
    twice = pd.DataFrame(np.c_[x, x], columns=["a", "a"])
    with pytest.raises(ValueError, match="X has several columns named 'a'"):
        compare(twice, y, **FAST)
    numbers = pd.Series(x.round(3)).astype(str).astype(object)
    numbers[[3, 7]] = "?"
    with pytest.raises(ValueError, match=r"Column 'x' holds numbers but for 2 cells '\?'.*na_values=\['\?'\]"):
        compare(pd.DataFrame({"x": numbers}), y, **FAST)
    target = numbers.to_numpy().copy()
    with pytest.raises(ValueError, match=r"y holds numbers but for 2 cells '\?'.*--na-values \?"):
        compare(pd.DataFrame({"x": x}), target, **FAST)
    with pytest.raises(ValueError, match=r"Every class of y has fewer rows than the 5 folds \(40 classes in 40 "
                                         r"rows\): an identifier or a number is not a class; choose another target\.$"):
        compare(pd.DataFrame({"x": x}), np.array([f"id{i}" for i in range(40)]), **FAST)  # (no fold count helps)
    with pytest.raises(ValueError, match=r"choose another target, pass task='regression' \(--task regression\) for a "
                                         r"quantity or use at most 2 folds \(cv=2, --cv 2\)\.$"):
        compare(pd.DataFrame({"x": x}), np.r_[np.arange(30), np.arange(10)] * 7, task="classification", **FAST)
    names = np.array(["a", "a"] + [f"s{i}" for i in range(38)])  # one class of two rows: fewer folds cannot help
    with pytest.raises(ValueError, match=r"\(39 classes in 40 rows\): .*; choose another target\.$"):
        compare(pd.DataFrame({"x": x}), names, task="classification", **FAST)
    with pytest.raises(ValueError, match=r"38 of the 39 classes of y have 1 row: .*; choose another target\.$"):
        compare(pd.DataFrame({"x": x}), names, task="classification", cv=2, **FAST)  # (text: no regression)


def test_protocols_and_targets_that_would_give_a_wrong_verdict_are_refused_or_handled():
    from sklearn.model_selection import GroupKFold, ShuffleSplit

    X, y = load_iris(return_X_y=True)
    logistic = {"lr": LogisticRegression(max_iter=500)}
    # test folds that do not cover every row once: no out-of-fold predictions (they were uninitialised memory)
    table, fitted = compare(X, y, models=logistic, cv=ShuffleSplit(3, test_size=0.2, random_state=0),
                            scoring="accuracy", return_fitted=True, **FAST)
    assert fitted["predictions"] == {} and len(fitted["estimators"]["lr"]) == 3
    table, fitted = compare(X, y, models=logistic, cv=3, repeats=1, scoring="accuracy", return_fitted=True, **FAST)
    assert (fitted["predictions"]["lr"] == y).mean() > 0.9
    # true/false with a gap (a nullable 'boolean' column, or object), once the gap's row is left out
    flags = pd.array([bool(v) for v in y[:-1] > 0] + [None], dtype="boolean")
    for target in (flags, np.array(list(flags), dtype=object)):
        table = compare(X, target, models=logistic, cv=3, repeats=1, **FAST)  # was StratifiedKFold's 'unknown'
        assert table.attrs["task"] == "classification" and table.loc["lr", "accuracy_mean"] > 0.9
    # labels 0, 1, 2 in an object array are classes (scikit-learn called them 'unknown')
    table = compare(X, np.array(y, dtype=object), models=logistic, cv=3, repeats=1, **FAST)
    assert table.attrs["task"] == "classification" and table.loc["lr", "accuracy_mean"] > 0.9
    with pytest.raises(ValueError, match=r"splits by groups, .* cv=list\(cv.split\(X, y, groups\)\)"):
        compare(X, y, models=logistic, cv=GroupKFold(3), **FAST)
    # splits given by hand: each must be disjoint and within the rows (an overlap scored a forest 1.0 on noise)
    rows = np.arange(len(y))
    for cv, match in (([(rows, rows[:30]), (rows[30:], rows[:30])], r"cv's split 0 has rows both in its training "
                       r"and its test part \(such as row 0, 30 in all\)"),
                      ([(rows[30:], rows[:30]), (rows[:120], np.r_[rows[120:], 150])],
                       r"split 1 has the row number 150 in its test part, but the data has 150 rows"),
                      ([(rows[30:], []), (rows[:120], rows[120:])], r"split 0 has a test part that is not a "
                       "non-empty list")):
        with pytest.raises(ValueError, match=match):
            compare(X, y, models=logistic, cv=cv, **FAST)
    masks = [(rows % 2 == 0, rows % 2 == 1), (rows % 2 == 1, rows % 2 == 0)]  # boolean masks read as rows
    assert compare(X, y, models=logistic, cv=masks, **FAST).loc["lr", "accuracy_mean"] > 0.5
    with pytest.raises(ValueError, match=r"cv's splits number the rows of X, but 1 row\(s\) have no target"):
        compare(X, np.r_[y[:-1], np.nan], models=logistic, cv=[(rows[30:], rows[:30]), (rows[:30], rows[30:])],
                **FAST)
    with pytest.raises(ValueError, match=r"cv=13 folds: the largest class of y has 12 rows.*at most 12 folds"):
        compare(X[:24], np.r_[np.zeros(12), np.ones(12)], models=logistic, cv=13, **FAST)
    with pytest.raises(ValueError, match=r"at most 12 folds .*, or at most 6 for every test fold to hold every class"):
        compare(X[:18], np.r_[np.zeros(12), np.ones(6)], models=logistic, cv=13, **FAST)  # (6: the smallest class)
    for target, match in ((pd.Series(pd.date_range("2020", periods=150)), "y holds dates: turn them into numbers"),
                          (pd.Series(pd.to_timedelta(rows, unit="h")), "y holds durations"),
                          (rows + 1j, "y holds complex numbers")):  # were nanoseconds, or lost their imaginary part
        with pytest.raises(ValueError, match=match):
            compare(X, target, models=logistic, **FAST)
        with pytest.raises(ValueError, match=match):
            detect_task(np.asarray(target))
    with pytest.raises(ValueError, match=r"whole numbers as large as 2e\+20, beyond what floats hold exactly"):
        detect_task(np.array([1e20, 2e20] * 20))  # classification, said the detection; 'continuous', said the folds
    with pytest.raises(ValueError, match=r"repeats=99999999999 is too many"):
        compare(X, y, models=logistic, repeats=99999999999, **FAST)
    with pytest.raises(ValueError, match=r"repeats=100000 is too many: with 5 folds each, 500,000 fits"):
        compare(X, y, models=logistic, repeats=100_000, **FAST)  # (built 3 GB of splits before the first fit)
    with pytest.raises(ValueError, match="r2 needs at least 2 test rows per split"):  # (known only after every fit)
        compare(X[:30], np.arange(30.0), models=["linear"], cv=30, repeats=1, **FAST)
    with pytest.raises(ValueError, match="rope=5 is 0.5 or more on balanced_accuracy, a score of at most 1"):
        compare(X, y, models=logistic, test="bayesian", rope=5, **FAST)
    with pytest.raises(ValueError, match="scoring must name metrics"):
        compare(X, y, models=logistic, scoring=lambda est, X, y: 0.0, **FAST)
    rng = np.random.RandomState(0)
    Xr = rng.normal(size=(60, 3))
    with pytest.raises(ValueError, match=r"y holds one value \(3.7\) in every row: there is nothing to predict"):
        compare(Xr, np.full(60, 3.7), task="regression", **FAST)
    with pytest.raises(ValueError, match=r"y spans only 4.\d+e-170: squared errors that small underflow .* 1e170"):
        compare(Xr, (Xr[:, 0] + 0.1 * rng.normal(size=60)) * 1e-170, **FAST)
    tiny = compare(Xr, Xr[:, 0] * 1e-100 + 0.01 * 1e-100 * rng.normal(size=60), models=["linear"], cv=3, **FAST)
    assert tiny.loc["Dummy (baseline)", "vs_best"] == "worse"  # small but not underflowing: a fair verdict


def test_the_time_budget_skips_the_slowest_model_and_stops_repeats():
    X, y = load_iris(return_X_y=True)
    models = {"slow": _Slow(0.6), "quick": LogisticRegression(max_iter=300)}
    start = time.perf_counter()
    table = compare(X, y, models=models, cv=3, repeats=5, scoring="accuracy", time_budget=1.0, **FAST)
    assert time.perf_counter() - start < 6
    assert "slow" not in table.index and "slow" in table.attrs["skipped"]
    assert "time budget of 1 s" in table.attrs["skipped"]["slow"]
    table = compare(X, y, models={"slow": _Slow(0.6), "quick": LogisticRegression(max_iter=300)}, cv=3, repeats=1,
                    scoring="accuracy", time_budget=0.3, **FAST)
    assert "time budget of 0.3 s" in table.attrs["skipped"]["slow"]  # (it read '0 s')
    assert "quick" in table.index and "Dummy (baseline)" in table.index
    # a budget that allows some repeats but not all
    models = {"medium": _Slow(0.05), "quick": LogisticRegression(max_iter=300)}
    table = compare(X, y, models=models, cv=3, repeats=40, scoring="accuracy", time_budget=1.5, **FAST)
    assert 1 <= table.attrs["repeats"] < 40 and "stopped after" in table.attrs["stopped"]
    assert len(table.attrs["cv_splits"]) == 3 * table.attrs["repeats"]
    assert table.attrs["skipped"] == {}


def test_each_fit_runs_within_the_thread_limit():
    X, y = load_iris(return_X_y=True)
    for threads in (1, 2):
        table, fitted = compare(X, y, models={"rec": _ThreadRecorder()}, cv=3, repeats=1, scoring="accuracy",
                                n_jobs=1, threads=threads, verbose=False, return_fitted=True)
        assert (table["threads"] == threads).all()
        for est in fitted["estimators"]["rec"]:
            assert est.torch_threads_ == threads
            assert all(n == threads for n in est.pool_threads_.values())


def test_parallel_workers_share_the_cores():
    X, y = load_breast_cancer(return_X_y=True)
    from sklearn.ensemble import HistGradientBoostingClassifier

    table = compare(X, y, models={"hgb": HistGradientBoostingClassifier(max_iter=30)}, cv=4, repeats=1,
                    scoring="accuracy", n_jobs=2, threads="auto", verbose=False)
    assert table.attrs["n_jobs"] == 2 and table.attrs["threads"] == max(1, __import__("os").cpu_count() // 2)
    if table.attrs["threads"] == 1:
        assert table.loc["hgb", "cpu_use"] < 1.3  # one busy thread per fit


def test_failing_models_and_scorers_are_reported_not_fatal():
    class Broken(ClassifierMixin, BaseEstimator):
        def fit(self, X, y):
            raise RuntimeError("this model cannot fit")

        def predict(self, X):
            raise RuntimeError("never fitted")

    X, y = load_iris(return_X_y=True)
    table = compare(X, y, models={"broken": Broken(), "rows": _RowRecorder()}, cv=3, repeats=1,
                    scoring=["accuracy", "log_loss"], **FAST)
    assert "this model cannot fit" in table.attrs["errors"]["broken"]
    assert table.loc["broken", "failed_fits"] == 3 and table.loc["broken", "vs_best"] == "n/a"
    assert np.isnan(table.loc["rows", "log_loss_mean"])  # no predict_proba: NaN, not a crash
    assert any("log_loss not computed: the model has no predict_proba" in w for w in table.attrs["warnings"]["rows"])


class _FailsOnOddRows(LogisticRegression):
    """A logistic regression that refuses a training set of an odd number of rows."""

    def fit(self, X, y):
        if len(X) % 2:
            raise RuntimeError("odd")
        return super().fit(X, y)


def test_a_model_with_failed_fits_is_not_the_best_on_the_folds_it_survived():
    from sklearn.tree import DecisionTreeClassifier

    X, y = load_iris(return_X_y=True)  # 4 folds of 150 rows: 2 training sets of 112 rows, 2 of 113
    table = compare(X, y, models={"flaky": _FailsOnOddRows(max_iter=500), "stump": DecisionTreeClassifier(max_depth=1)},
                    cv=4, repeats=1, scoring="accuracy", **FAST)
    assert table.loc["flaky", "failed_fits"] == 2
    assert table.loc["flaky", "accuracy_mean"] > table.loc["stump", "accuracy_mean"] + 0.2  # better where it fitted
    assert table.attrs["best"] == "stump" and table.loc["stump", "vs_best"] == "best"
    assert table.loc["stump", "rank"] == 1 and table.loc["flaky", "rank"] > table.loc["Dummy (baseline)", "rank"]
    assert table.index[0] == "stump"


def test_the_default_network_reads_text_codes_as_categories_on_every_fold():
    # station codes: mostly digits, four with a letter. On the whole column, four distinct strings among
    # numbers: categories. A fold that holds only three of them would read them as placeholders in numbers.
    rng = np.random.default_rng(0)
    codes = np.array([str(100 + i % 30) for i in range(120)], dtype=object)
    codes[[5, 40, 75, 110]] = ["c1", "c2", "c3", "c4"]
    X = pd.DataFrame({"station": codes, "dist": rng.normal(size=120)})
    y = 2 * X["dist"] + rng.normal(scale=0.1, size=120)
    table = compare(X, y, models=["network"], cv=4, repeats=1, **FAST)
    assert table["failed_fits"].sum() == 0, table.attrs["errors"]


def test_probability_metrics_of_two_classes_score_the_positive_class():
    from sklearn.model_selection import cross_validate

    X, y = load_breast_cancer(return_X_y=True)
    y = np.where(y == 1, "benign", "malignant")
    model = LogisticRegression(max_iter=3000)
    table = compare(X, y, models={"lr": model}, cv=3, repeats=1, scoring=["roc_auc", "log_loss"], **FAST)
    ref = cross_validate(model, X, y, cv=table.attrs["cv_splits"], scoring=["roc_auc", "neg_log_loss"])
    assert table.loc["lr", "roc_auc_mean"] == pytest.approx(ref["test_roc_auc"].mean())
    assert table.loc["lr", "log_loss_mean"] == pytest.approx(-ref["test_neg_log_loss"].mean())


def test_a_metric_scored_on_some_splits_only_says_so_and_names_itself():
    from sknn import report

    X, y = load_iris(return_X_y=True)
    y = np.r_[y.astype(str)[:148], ["rare", "rare"]]  # a class of 2 rows: 3 folds cannot all hold it
    table = compare(X, y, models=["linear"], cv=3, repeats=1, scoring=["accuracy", "roc_auc"], **FAST)
    lines = report.notes(table)
    # ROC AUC is undefined on a test fold without a class: NaN there for every model, said once
    assert any(line.startswith("roc_auc is not defined on some test folds") and
               re.search(r"and (1 of the 3 splits lacks|2 of the 3 splits lack) what it needs", line)
               for line in lines), lines
    assert not any(line.startswith("roc_auc: means over the splits") for line in lines), lines
    scores = table.attrs["scores"].query("metric == 'roc_auc'").pivot(index="split", columns="model", values="score")
    assert (scores.isna().all(axis=1) | scores.notna().all(axis=1)).all(), scores
    # a model that cannot be scored where the others are is still named
    table = compare(X, y, models={"rows": _RowRecorder(), "lr": LogisticRegression(max_iter=500)}, cv=3, repeats=1,
                    scoring=["accuracy", "log_loss"], **FAST)
    assert not any(line.startswith("log_loss: means") for line in report.notes(table))  # rows: none at all


def test_log_loss_is_scored_on_splits_that_lack_a_class():
    # a class of 2 rows in 3 folds: one split trains without it, another tests without it; scikit-learn's
    # scorer fails on both ("different number of classes"); the model gives an unseen class probability 0
    X, y = load_iris(return_X_y=True)
    y = np.r_[y.astype(str)[:148], ["rare", "rare"]]
    table = compare(X, y, models={"lr": LogisticRegression(max_iter=500)}, cv=3, repeats=1,
                    scoring=["accuracy", "log_loss"], **FAST)
    scores = table.attrs["scores"]
    rows = scores[(scores["model"] == "lr") & (scores["metric"] == "log_loss")]["score"]
    assert rows.notna().all() and len(rows) == 3, rows
    classes = np.unique(y)
    for train, test in table.attrs["cv_splits"]:
        model = LogisticRegression(max_iter=500).fit(X[train], y[train])
        proba = np.zeros((len(test), len(classes)))
        proba[:, np.searchsorted(classes, model.classes_)] = model.predict_proba(X[test])
        expected = log_loss(y[test], proba, labels=classes)
        assert np.isclose(rows, expected, rtol=1e-3).any(), (rows.tolist(), expected)
    assert not any("log_loss" in line for line in table.attrs["notes"])


def test_verdicts_need_evidence_and_a_metric_the_models_have():
    from sklearn.svm import LinearSVC

    X, y = load_iris(return_X_y=True)
    folds = list(KFold(5, shuffle=True, random_state=0).split(X))
    with pytest.raises(ValueError, match="cv's splits 0 and 5 are the same: each split is evidence once"):
        compare(X, y, models={"lr": LogisticRegression(max_iter=500)}, cv=folds * 2, **FAST)
    with pytest.raises(ValueError, match="No model but the baseline could be scored on log_loss .* sort by another"):
        compare(X, y, models={"svc": LinearSVC()}, cv=3, repeats=1, scoring=["log_loss", "accuracy"], **FAST)
    # the same model twice: tied, its difference 0 (not -0.0)
    table = compare(X, y, models={"a": LogisticRegression(max_iter=500), "b": LogisticRegression(max_iter=500)},
                    cv=3, repeats=1, scoring="accuracy", **FAST)
    assert set(table.loc[["a", "b"], "vs_best"]) == {"best", "tied"}
    assert str(table["diff_vs_best"].dropna().iloc[0]) == "0.0"


def test_a_time_budget_passed_is_said():
    X, y = load_iris(return_X_y=True)
    table = compare(X, y, models={"slow": _Slow(0.4)}, cv=3, repeats=1, time_budget=0.2, **FAST)
    assert "past the time budget of" in (table.attrs["stopped"] or "")


def test_the_protocol_and_the_rope_are_described_as_they_were():
    from sklearn.model_selection import ShuffleSplit

    from sknn.report import describe, significance_sentence

    X, y = make_regression(n_samples=120, n_features=3, noise=20, random_state=0)
    table = compare(X, y, models={"ridge": Ridge()}, cv=ShuffleSplit(4, test_size=0.2, random_state=0), **FAST)
    assert any("4 train/test splits (not k-fold: " in line for line in describe(table, "d"))
    table = compare(X, y, models={"ridge": Ridge()}, cv=3, repeats=1, scoring="rmse", test="bayesian", **FAST)
    width = table.attrs["rope_width"]  # 1% of the best's rmse, in rmse's units
    assert width == pytest.approx(0.01 * table.loc["ridge", "rmse_mean"], rel=0.05)
    assert f"rope {width:.3g} (0.01 of the best's rmse)" in significance_sentence(table)


def test_the_baseline_is_never_the_best_on_a_tie_and_labels_are_drawn_as_text():
    from sknn import report

    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 2))
    y = np.array(["$\\frac$ promo", "$50k-$100k", "plain"])[rng.randint(0, 3, 60)]  # matplotlib formulas
    table, fitted = compare(X, y, models={"prior": DummyClassifier(strategy="prior")}, cv=3, repeats=1,
                            scoring="accuracy", return_fitted=True, **FAST)
    assert table.attrs["best"] == "prior"  # tied with the baseline: the model, not the baseline
    formula = compare(X, y, models={"x$^$y": LogisticRegression()}, cv=3, repeats=1, scoring="accuracy",
                      return_fitted=True, **FAST)  # a model's name in a figure's title: no formula either
    assert all(png.startswith(b"\x89PNG") for _, png in report.figures(*formula, X, y).values())
    page = report._html_table(table)
    assert 'class="metric best"' in page.split('data-model="Dummy (baseline)"')[0].split('data-model="prior"')[1]
    assert 'class="metric best"' not in page.split('data-model="Dummy (baseline)"')[1]
    figures = report.figures(table, fitted, X, y)  # a '$...$' class name failed inside matplotlib
    assert figures and all(png.startswith(b"\x89PNG") for _, png in figures.values())


def test_a_baseline_that_scores_best_is_highlighted_and_a_model_that_copies_it_is_noted():
    from sklearn.ensemble import HistGradientBoostingClassifier

    from sknn import report

    rng = np.random.default_rng(50)
    X = rng.normal(size=(30, 4))
    y = ((X[:, 0] * X[:, 1]) > 0).astype(int)  # no model learns this from 24 rows: the baseline scores best
    table = compare(X, y, models={"linear": LogisticRegression()}, cv=5, repeats=1, **FAST)
    assert table.attrs["best"] == "Dummy (baseline)"
    page = report._html_table(table)
    baseline_row = page.split('data-model="Dummy (baseline)"')[1].split("</tr>")[0]
    assert 'class="metric best"' in baseline_row  # (the model it beat was painted best)
    # 20 rows a leaf on 24 training rows: no split, the baseline's predictions on every split
    table = compare(X, y, models={"linear": LogisticRegression(), "boosting": HistGradientBoostingClassifier()}, cv=5,
                    repeats=1, **FAST)
    assert any(n.startswith("boosting scored exactly as the baseline on every split") for n in table.attrs["notes"])
    # a model with signal predicting the majority class (balanced accuracy 0.5, as the baseline's) is no copy
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 3))
    rare = (rng.random(400) < 1 / (1 + np.exp(4.5 - 1.2 * X[:, 0]))).astype(int)
    table = compare(X, rare, models={"linear": LogisticRegression()}, cv=5, repeats=1, **FAST)
    assert table.loc["linear", "balanced_accuracy_mean"] == 0.5 and table.loc["linear", "roc_auc_mean"] > 0.7
    assert not any("scored exactly as the baseline" in n for n in table.attrs["notes"])
    assert "±: the standard deviation over the splits" in report.describe(table, "xor")[-1]


def test_bayesian_worse_verdicts_are_holm_adjusted_over_the_models(monkeypatch):
    from sknn import _stats

    def confident(a, b, *args, **kwargs):  # P(best better) 0.97 against each: 'worse' alone, not as a family of 3
        return 0.97, 0.02, 0.01

    monkeypatch.setattr(_stats, "bayesian_ttest", confident)
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 4))
    y = (X[:, 0] > 0).astype(int)
    models = {f"m{i}": make_pipeline(LogisticRegression()) for i in range(4)}
    table = compare(X, y, models=models, cv=5, repeats=1, test="bayesian", baseline=False, **FAST)
    others = table.index[table.index != table.attrs["best"]]
    assert (table.loc[others, "p_best_better"] == 0.97).all()  # shown unadjusted
    assert (table.loc[others, "vs_best"] == "undecided").all()  # 3 x 0.03 > 0.05
    alone = compare(X, y, models=dict(list(models.items())[:2]), cv=5, repeats=1, test="bayesian", baseline=False,
                    **FAST)
    assert (alone["vs_best"] == "worse").sum() == 1  # one comparison: 0.03 <= 0.05


def test_data_sets_named_alike_get_their_own_plots_and_sections():
    from sknn.report import slugs

    assert slugs(["a b.csv", "a-b.csv", "c.csv", "a_b.csv"]) == ["a-b-csv", "a-b-csv-2", "c-csv", "a-b-csv-3"]
    assert slugs(["x.csv", "X.csv", "x-csv-2"]) == ["x-csv", "x-csv-3", "x-csv-2"]  # (a number another name holds)
    assert slugs(name for name in ["a", "a"]) == ["a", "a-2"]  # (a generator, as the command passes)


def test_rank_datasets_shows_each_data_set_in_its_own_metric():
    X, y = load_iris(return_X_y=True)
    models = {"lr": LogisticRegression(max_iter=500), "stump": RandomForestClassifier(n_estimators=5, max_depth=1)}
    accuracy = compare(X, y, models=models, cv=3, repeats=1, scoring="accuracy", **FAST)
    loss = compare(X, y, models=models, cv=3, repeats=1, scoring="log_loss", **FAST)
    shown = rank_datasets({"acc": accuracy, "loss": loss})
    assert shown.loc["acc", "lr"] == pytest.approx(accuracy.loc["lr", "accuracy_mean"])  # not its negative
    assert shown.loc["loss", "lr"] == pytest.approx(loss.loc["lr", "log_loss_mean"])


def test_rank_datasets_mean_ranks_and_critical_difference():
    def table(values, sort="accuracy"):
        t = pd.DataFrame({f"{sort}_mean": values}, index=["net", "forest", "Dummy (baseline)"])
        t.attrs.update(sort=sort, roles={"net": "network", "forest": "forest", "Dummy (baseline)": "dummy"},
                       lower_is_better=[])
        return t

    tables = {f"d{i}": table([0.9 + 0.01 * i, 0.88, 0.5]) for i in range(6)}
    tables["d6"] = table([0.85, 0.87, 0.5])
    ranks = rank_datasets(tables)
    assert list(ranks.columns) == ["net", "forest", "Dummy (baseline)"]
    assert ranks.loc["mean rank"].tolist() == pytest.approx([8 / 7, 13 / 7, 3.0])
    a = ranks.attrs
    assert a["cd"] == pytest.approx(2.343 * np.sqrt(3 * 4 / (6 * 7)))
    assert a["friedman_p"] < 0.01 and a["test"] == "Friedman"
    # two models: Friedman's test needs three; Wilcoxon's signed-rank test of their differences (Demšar 2006)
    two = {name: t.drop(index="Dummy (baseline)") for name, t in tables.items()}
    a = rank_datasets(two).attrs
    net, forest = np.array([0.9 + 0.01 * i for i in range(6)] + [0.85]), np.array([0.88] * 6 + [0.87])
    assert a["test"] == "Wilcoxon signed-rank"
    assert a["friedman_p"] == pytest.approx(wilcoxon(np.round(net - forest, 12)).pvalue) and a["friedman_p"] < 0.05
    # Wilcoxon's test alone decides: a critical difference said otherwise both ways (4 data sets: p 0.125 at best,
    # yet a rank gap of 1 beat the CD of 0.98; here p < 0.05 with ranks 1.14 and 1.86, within the CD of 0.74)
    from sknn import report

    assert np.isnan(a["cd"])
    assert "the two models are significantly different over these data sets" in report.rank_test_sentence(a)
    assert "are not significantly different" in report.rank_test_sentence({**a, "friedman_p": 0.125})
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sknn import plot

    for p, joined in ((a["friedman_p"], 0), (0.125, 1)):
        ranked = pd.DataFrame()
        ranked.attrs.update({**a, "friedman_p": p})
        ax = plot.critical_difference(ranked)
        assert len([c for c in ax.collections if max(c.get_linewidths()) == 4]) == joined  # the joining bar
        plt.close(ax.figure)
    with pytest.raises(ValueError, match="at least 2 data sets"):
        rank_datasets({"d0": tables["d0"]})
    partial = {**tables, "d0": tables["d0"].drop(index="forest")}  # a model missing from a data set: named
    assert rank_datasets(partial).attrs["left_out"] == ["forest"]
    renamed = tables["d0"].rename(index={"forest": "RandomForest"})
    renamed.attrs = {**tables["d0"].attrs, "roles": {**tables["d0"].attrs["roles"], "RandomForest": "forest"}}
    renamed = renamed.drop(index="net")
    renamed.attrs["roles"].pop("net", None)
    assert rank_datasets({**tables, "d0": renamed}).attrs["left_out"] == ["net"]


def test_plots_of_a_comparison():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from sknn import plot

    X, y = load_iris(return_X_y=True)
    table = compare(X, y, models={"logistic": LogisticRegression(max_iter=500)}, cv=3, repeats=2,
                    scoring="accuracy", **FAST)
    ax = plot.fold_scores(table)
    points = sum(len(c.get_offsets()) for c in ax.collections)
    assert points == 6  # one point per split for the logistic model; the baseline is off the scale
    assert "baseline" in ax.get_title()
    ax = plot.time_vs_score(table)
    assert ax.get_xscale() == "log"
    tables = {f"d{i}": table for i in range(3)}
    ax = plot.critical_difference(rank_datasets(tables))  # two models: Wilcoxon's test, no critical difference
    assert not any("CD =" in t.get_text() for t in ax.texts) and "Wilcoxon" in ax.get_title()
    three = compare(X, y, models={"logistic": LogisticRegression(max_iter=500), "forest": RandomForestClassifier(
        n_estimators=5, random_state=0)}, cv=3, repeats=1, scoring="accuracy", **FAST)
    ax = plot.critical_difference(rank_datasets({f"d{i}": three for i in range(3)}))
    assert any("CD =" in t.get_text() for t in ax.texts)
    with pytest.raises(ValueError, match="not a copy with its index reset"):  # (fit_times drew row numbers)
        plot.fit_times(table.reset_index())
    assert len(plot.fit_times(table[["fit_time"]]).patches) == 2  # its own column is all it needs
    with pytest.raises(TypeError, match=r"ax must be one matplotlib Axes, got ndarray: .*axes\[0\]"):
        plot.comparison(table, ax=matplotlib.pyplot.subplots(2)[1])  # (an AttributeError inside the function)
    for draw in (plot.fold_scores, plot.comparison, plot.time_vs_score):
        with pytest.raises(ValueError, match="no metric 'f1'"):
            draw(table, "f1")
        with pytest.raises(ValueError, match="as it was returned .*not a copy with its index reset"):
            draw(table.reset_index())
        with pytest.raises(TypeError, match="draw the DataFrame returned by sknn.compare; got ndarray"):
            draw(table.to_numpy())
        with pytest.raises(ValueError, match="holds no model"):
            draw(table.iloc[:0])  # (failed inside matplotlib)
    assert len(plot.comparison(table).patches) == 2
    # many classes: a figure that grows with them (up to a page), counts left out beyond 30
    y40 = np.arange(400) % 40
    ax = plot.confusion_matrix(y40, np.roll(y40, 1))
    assert ax.figure.get_size_inches()[0] == pytest.approx(12) and not ax.texts
    # a time axis within one decade keeps the numbers of its minor ticks (the only ones in view)
    narrow = compare(X, y, models={"a": LogisticRegression(max_iter=500), "b": LogisticRegression(C=0.5, max_iter=500)},
                     cv=3, repeats=1, scoring="accuracy", **FAST)
    narrow["fit_time"] = [0.00111 if name == "a" else 0.00124 for name in narrow.index]
    ax = plot.time_vs_score(narrow)
    ax.figure.canvas.draw()
    low, high = ax.get_xlim()
    labels = [t.get_text() for t in ax.xaxis.get_majorticklabels() + ax.xaxis.get_minorticklabels()
              if low <= t.get_position()[0] <= high]
    assert any(labels), labels
    matplotlib.pyplot.close("all")


def test_images_get_the_convolutional_network():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    images = X[:300].reshape(-1, 8, 8) / 16
    table = compare(images, y[:300], models=["linear", "network"], cv=3, repeats=1, scoring="accuracy", **FAST)
    assert set(table.index) == {"LogisticRegression", "ConvImageClassifier (sknn)", "Dummy (baseline)"}
    assert (table.drop("Dummy (baseline)")["accuracy_mean"] > 0.8).all()


def test_plot_functions_draw():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from sknn import DenseClassifier, plot

    X, y = load_iris(return_X_y=True)
    clf = DenseClassifier(max_iter=15, early_stopping=True, n_iter_no_change=None, random_state=0).fit(X, y)
    ax = plot.history(clf)
    assert len(ax.get_lines()) == 2 and len(ax.figure.axes) == 2  # losses, and the score on a twin axis
    ax = plot.learning_curve(DenseClassifier(max_iter=10, random_state=0), X, y, cv=3, train_sizes=(0.5, 1.0))
    assert len(ax.get_lines()) == 2
    with warnings.catch_warnings():  # iris's rows are sorted by class: its first 10% held one class, and failed
        warnings.simplefilter("error", FitFailedWarning)
        ax = plot.learning_curve(DenseClassifier(max_iter=1, random_state=0), X, y, cv=3)
    assert all(len(line.get_ydata()) == 5 and np.isfinite(line.get_ydata()).all() for line in ax.get_lines())
    for one in ((1.0,), 0.5, (0.5, 0.5)):  # (scikit-learn's display failed inside: 'zero-size array', an IndexError)
        with pytest.raises(ValueError, match=r"gives a curve no second point: pass 2 sizes or more"):
            plot.learning_curve(DenseClassifier(max_iter=1), X, y, cv=3, train_sizes=one)
    ax = plot.confusion_matrix(y, clf.predict(X))
    assert ax.get_title() == "Confusion matrix"
    with pytest.raises(ValueError, match=r"y_pred has shape \(150, 3\), a row of scores a sample .*predict\(X\)"):
        plot.confusion_matrix(y, clf.predict_proba(X))  # (scikit-learn's 'Mix type of y not allowed')
    with pytest.raises(ValueError, match="needs a fitted sknn estimator"):
        plot.history(object())
    matplotlib.pyplot.close("all")


def test_a_regression_user_line_up():
    X, y = make_regression(n_samples=80, n_features=3, noise=10.0, random_state=1)
    table = compare(X, y, models={"ols": LinearRegression(), "ridge": Ridge(alpha=1e-3)}, cv=4, repeats=2,
                    **FAST)
    # two nearly identical linear models: not distinguishable; the mean: worse
    assert set(table.loc[["ols", "ridge"], "vs_best"]) == {"best", "tied"}
    assert table.loc["Dummy (baseline)", "vs_best"] == "worse"


def test_numbers_in_an_object_column_reach_every_model_as_numbers():
    from decimal import Decimal
    from sknn._compare_lineup import _check_features
    X = pd.DataFrame({"a": pd.Series([1, 2.5, None, 4], dtype=object),  # e.g. read from JSON or a database
                      "price": [Decimal("1.5"), Decimal("2"), pd.NA, Decimal("3")]})
    checked = _check_features(X)  # an object column would reach the peers' encoders as categories
    assert checked.dtypes.tolist() == [np.float64, np.float64]
    np.testing.assert_array_equal(checked["price"].to_numpy(), [1.5, 2.0, np.nan, 3.0])


def test_classes_that_differ_only_by_case_are_noted():
    X, y = load_iris(return_X_y=True)
    y = np.array(["setosa", "versicolor", "virginica"])[y]
    y[::7] = np.char.capitalize(y[::7])  # 'Setosa' beside 'setosa': four, five, six classes where three are
    table = compare(X, y, models={"lr": LogisticRegression(max_iter=500)}, cv=3, repeats=1, scoring="accuracy",
                    **FAST)
    assert any("classes that differ only by case: 'Setosa' and 'setosa'" in n for n in table.attrs["notes"]), \
        table.attrs["notes"]


def test_rows_with_text_are_typed_as_a_dataframe_is():
    rng = np.random.RandomState(0)
    frame = pd.DataFrame({"num": rng.normal(size=60), "city": rng.choice(["Oslo", "Lima", "Rome"], 60)})
    y = np.where((frame.num > 0) ^ (frame.city == "Oslo"), "p", "q")
    kw = dict(models=["linear"], cv=3, repeats=1, scoring="accuracy", **FAST)
    expected = compare(frame, y, **kw)["accuracy_mean"]
    for rows in (frame.values.tolist(), frame.to_numpy(dtype=object)):  # every peer failed on the text before
        table = compare(rows, y, **kw)
        assert not table.attrs["errors"]
        np.testing.assert_allclose(table["accuracy_mean"], expected)
    with pytest.raises(ValueError, match=r"y mixes labels of types \['int', 'str_'\]"):
        compare(frame, np.array([np.str_("a"), 1] * 30, dtype=object), **kw)


def test_hostile_model_names_splits_and_arguments_are_refused_naming_them():
    from sklearn.model_selection import PredefinedSplit, check_cv

    X, y = load_iris(return_X_y=True)
    lr = LogisticRegression(max_iter=500)
    kw = dict(cv=3, repeats=1, scoring="accuracy", **FAST)
    for models, message in (({1: lr, "1": clone(lr)}, r"two keys named '1' as text \(\[1, '1'\]\)"),
                            ({"": lr}, "a model with an empty name"),
                            ({"Dummy (baseline)": lr}, r"names a LogisticRegression 'Dummy \(baseline\)'"),
                            ({"lr": LogisticRegression}, r"is the class LogisticRegression, not an estimator")):
        with pytest.raises(ValueError, match=message):
            compare(X, y, models=models, **kw)
    folds = list(KFold(3, shuffle=True, random_state=0).split(X))
    with pytest.raises(ValueError, match=r"split 0 has the row \d+ 2 times in its test part"):
        compare(X, y, models={"lr": lr}, cv=[(tr, np.r_[te, te[:1]]) for tr, te in folds], **FAST)
    with pytest.raises(ValueError, match=r"cv's split 0 is not a pair"):
        compare(X, y, models={"lr": lr}, cv=[(tr, te, te) for tr, te in folds], **FAST)
    with pytest.raises(ValueError, match=r"cv must be a number of folds .* got True"):
        compare(X, y, models={"lr": lr}, cv=True, **FAST)
    for seed in (-1, 1.5):
        with pytest.raises(ValueError, match=r"random_state must be an int from 0 to 2\*\*32 - 1"):
            compare(X, y, models={"lr": lr}, random_state=seed, **kw)
    with pytest.raises(ValueError, match="sort must name a metric"):
        compare(X, y, models={"lr": lr}, sort=len, **kw)
    # splitters made of row numbers are renumbered by rows left out for a missing target, as lists are
    y_missing = y.astype(float)
    y_missing[:5] = np.nan
    for cv in (check_cv(folds), PredefinedSplit(np.arange(150) % 3)):
        with pytest.raises(ValueError, match=r"cv's splits number the rows of X, but 5 row\(s\) have no target"):
            compare(X, y_missing, models={"lr": lr}, task="classification", cv=cv, **FAST)


def test_predictions_of_a_column_are_the_splits_predictions():
    class ColumnPredictions(ClassifierMixin, BaseEstimator):
        def fit(self, X, y):
            self.model_ = LogisticRegression(max_iter=500).fit(X, y)
            self.classes_ = self.model_.classes_
            return self

        def predict(self, X):
            return self.model_.predict(X)[:, None]

    X, y = load_iris(return_X_y=True)
    table, fitted = compare(X, y, models={"col": ColumnPredictions()}, cv=3, repeats=1, scoring="accuracy",
                            return_fitted=True, **FAST)
    assert fitted["predictions"]["col"].shape == (150,)


def test_rank_datasets_refuses_what_it_cannot_rank():
    X, y = load_iris(return_X_y=True)
    t = compare(X, y, models={"lr": LogisticRegression(max_iter=500)}, cv=3, repeats=1, scoring="accuracy", **FAST)
    with pytest.raises(ValueError, match="alpha must be a number between 0 and 1"):
        rank_datasets({"a": t, "b": t}, alpha=1.5)
    with pytest.raises(TypeError, match="tables must be a dict of data-set name -> table"):
        rank_datasets([t, t])
    with pytest.raises(ValueError, match="named 'mean rank'"):
        rank_datasets({"a": t, "mean rank": t})


def test_cv_none_is_the_default_and_the_seed_is_recorded():
    X, y = load_iris(return_X_y=True)
    kw = dict(models={"lr": LogisticRegression(max_iter=500)}, repeats=1, scoring="accuracy", random_state=3, **FAST)
    default, none = compare(X, y, cv=5, **kw), compare(X, y, cv=None, **kw)  # (None was 5 folds unshuffled)
    assert none.attrs["random_state"] == 3
    for (tr_a, te_a), (tr_b, te_b) in zip(default.attrs["cv_splits"], none.attrs["cv_splits"]):
        np.testing.assert_array_equal(te_a, te_b)


class _OneRowWrong(ClassifierMixin, BaseEstimator):
    """A perfect tree on a threshold, but the first row of every predict call gets the other class."""

    def fit(self, X, y):
        from sklearn.tree import DecisionTreeClassifier

        self.tree_ = DecisionTreeClassifier().fit(X, y)
        self.classes_ = self.tree_.classes_
        return self

    def predict(self, X):
        predicted = self.tree_.predict(X)
        predicted[0] = 1 - predicted[0]
        return predicted


def test_a_baseline_level_with_the_best_and_too_few_splits_are_said():
    """Was silent: on noise every model tied the baseline and one was called 'best'; 2 or 3 splits decided."""
    rng = np.random.RandomState(0)
    X, y = rng.randn(200, 3), (rng.rand(200) < 0.5).astype(int)
    notes = compare(X, y, models=["linear"], cv=5, repeats=1, **FAST).attrs["notes"]
    assert any(n.startswith("the baseline (Dummy (baseline)) scores best on balanced_accuracy: no model") or
               n.startswith("the baseline (Dummy (baseline)) is not distinguishable from the best") for n in notes)
    assert not any("splits: the tests have" in n for n in notes)
    X, y = load_iris(return_X_y=True)
    notes = compare(X, y, models=["linear"], cv=3, repeats=1, **FAST).attrs["notes"]
    assert any(n.startswith("3 splits: the tests have 2 degree(s) of freedom") for n in notes)
    assert not any("baseline" in n for n in notes)  # (worse than the best: nothing to say)


@pytest.mark.parametrize("data, metric", [("wine", "roc_auc"), ("breast_cancer", "roc_auc"),
                                          ("iris", "top_k_accuracy")])
def test_a_steady_gain_in_roc_auc_or_top_k_accuracy_is_evidence(data, metric):
    """ROC AUC 1.0 on every split against the baseline's 0.5 was 'tied' (p = 0.0625, the sign test's least on 5
    splits): a score of probabilities had no step, though ROC AUC counts pairs of rows and top-k accuracy rows."""
    from sklearn import datasets

    X, y = getattr(datasets, f"load_{data}")(return_X_y=True)
    table = compare(X, y, models={"logistic": make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))},
                    scoring=[metric], cv=5, repeats=1, **FAST)
    assert table.loc["Dummy (baseline)", "vs_best"] == "worse" and table.loc["Dummy (baseline)", "p_value"] < 1e-3
    from sknn._compare_metrics import score_sizes

    sizes = score_sizes("roc_auc", (np.arange(40) < 10).astype(int), [(0, 0, None, np.arange(40))], "classification")
    assert sizes.tolist() == [[10]]  # (the smaller side: one of its rows ranked anew moves ROC AUC by 1/10)
    from sknn._stats import corrected_ttest

    # the same row ranked below the others in every fold: no evidence, as one row wrong in every fold for accuracy
    assert corrected_ttest([1.0] * 5, [0.996] * 5, 400, 100, np.full((5, 1), 50))[1] > 0.1


def test_an_estimator_given_as_models_is_told_to_be_named_in_a_dict():
    """models=LogisticRegression() failed in list(models) ('object is not iterable'); a Pipeline was read as its
    steps ('Unknown model StandardScaler()')."""
    X, y = load_iris(return_X_y=True)
    for models in (LogisticRegression(), make_pipeline(StandardScaler(), LogisticRegression()), 42):
        with pytest.raises(TypeError, match=r"^models is \w+.*: pass names .* or a dict of name -> estimator, e\.g\. "
                                            r"models=\{'mine': model\}"):
            compare(X, y, models=models, cv=2, repeats=1, **FAST)


def test_baseline_must_be_a_bool():
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match=r"baseline must be True or False, got 'no'"):
        compare(X, y, models=["linear"], baseline="no", cv=2, repeats=1, **FAST)


def test_a_models_warnings_keep_their_fix_in_the_notes():
    """The notes cut a warning at 160 characters, and the fits' records at 240: sknn's name the fix last ('Leave an
    identifier out; ... TfidfVectorizer)')."""
    from sknn import report

    rng = np.random.RandomState(0)
    X = pd.DataFrame({"x": rng.randn(60), "note": [f"visit {i}: fine" for i in range(60)]})
    table = compare(X, (X["x"] > 0).astype(int), models=["network"], cv=2, repeats=1, **FAST)
    assert any("a different value in almost every row" in line and line.endswith(
        "(sknn.Word2VecTransformer, TfidfVectorizer).") for line in report.notes(table)), report.notes(table)


def test_a_metric_defined_on_no_split_is_said_so_alone():
    """The note said the metric's means and tests were 'over the other splits', then that it was defined on none."""
    rng = np.random.RandomState(0)
    y = np.array(["a"] * 50 + ["b"] * 4 + ["c"] * 3 + ["d"] * 3)  # 3 rows of a class: no 5-fold test fold holds all
    notes = compare(rng.rand(60, 2), y, models=["linear"], cv=5, repeats=1, **FAST).attrs["notes"]
    said = [n for n in notes if "roc_auc" in n and "defined" in n]
    assert said == ["roc_auc is defined on no split (an average over the classes needs 2 of them in a test fold, a "
                    "score of the positive class that class, ROC AUC every class): NaN throughout; use splits whose "
                    "test folds hold what it needs (an int cv draws stratified folds; fewer of them hold more), or "
                    "another metric"]


def test_a_model_worse_than_the_baseline_is_said():
    """The verdict tests each model against the best only: a model that predicts worse than ignoring the features
    (an over-confident forest's log-loss, a constant far off) was 'worse' than the best, without a word that it was
    worse than no model at all."""
    from sklearn.dummy import DummyRegressor

    X, y = make_regression(n_samples=120, n_features=4, noise=5.0, random_state=0)
    table = compare(X, y, models={"linear": LinearRegression(), "off": DummyRegressor(strategy="constant",
                                                                                     constant=300.0)},
                    cv=5, repeats=1, **FAST)
    notes = [n for n in table.attrs["notes"] if "worse than the baseline" in n]
    assert notes == ["off predicts worse than the baseline on r2 (corrected t-test, Holm-adjusted p < 0.05): worse "
                     "than ignoring the features; over-fitted, or settings that do not suit these data"]
    near = DummyRegressor(strategy="constant", constant=float(np.mean(y)) + 1.0)  # below the mean, within noise
    notes = compare(X, y, models={"linear": LinearRegression(), "near": near}, cv=5, repeats=1, **FAST).attrs["notes"]
    assert not any("worse than the baseline" in n for n in notes)


def test_one_row_wrong_in_every_fold_gets_one_verdict_whether_the_folds_are_equal_or_not():
    """101 rows in 5 folds: the one wrong row costs 1/21 or 1/20, a spread whose variance is near 0: 'worse' with
    p = 3e-7, where 100 rows (1/20 each time) gave the sign test's 0.0625; both now have the variance of one row's
    step at least."""
    from sklearn.tree import DecisionTreeClassifier

    seen = set()
    for n in (100, 101):
        X, y = np.arange(n, dtype=float)[:, None], (np.arange(n) >= n // 2).astype(int)
        for scoring in ("accuracy", "balanced_accuracy", "f1_macro", "recall", "f1"):  # class sizes 10/11, F1's
            for repeats in (1,) if scoring != "accuracy" else (1, None):  # non-linearity; recall's step: a
                # positive row (1/10); 3 repeats by default test the same rows again
                table = compare(X, y, models={"tree": DecisionTreeClassifier(), "one_wrong": _OneRowWrong()},
                                cv=5, repeats=repeats, scoring=scoring, baseline=False, **FAST)
                seen.add((table.loc["one_wrong", "vs_best"], round(table.loc["one_wrong", "p_value"], 6)))
    assert {verdict for verdict, _ in seen} == {"tied"} and 0.05 < min(p for _, p in seen), seen
    # by hand: differences steady to a row have the variance of one row's step at least ...
    wrong = np.array([20 / 21] + [19 / 20] * 4)
    unequal, mean = (corrected_ttest(np.ones(5), wrong, n_train, n_test)[1]
                     for n_train, n_test in (([80, 81, 81, 81, 81], [21, 20, 20, 20, 20]), (80.8, 20.2)))
    assert unequal == pytest.approx(mean) and 0.05 < mean < 0.3
    for repeats in (3, 10):  # the same rows tested again: a row's step does not average out over repeats
        assert corrected_ttest(np.ones(5 * repeats), np.tile(wrong, repeats), 80.8, 20.2)[1] > 0.1
    # ... a gap of many rows steady to a row is evidence (the sign test's floor, 0.0625, called a baseline at 0.5
    # 'tied' with a model at 0.999 on 5 folds of 200 rows) ...
    assert corrected_ttest([0.999] * 5, [0.5, 0.4955, 0.5, 0.5, 0.5], 800, 200, sizes=np.full((5, 2), 100))[1] < 1e-6
    # ... and a spread beyond them is evidence, for the t-test as before
    t, p = corrected_ttest(np.ones(5), np.array([0.80, 0.78, 0.82, 0.79, 0.81]), 800, 200)
    assert np.isfinite(t) and p < 1e-3


def test_a_posterior_of_differences_steady_to_a_row_is_not_certainty():
    # the same gain on 2 splits was certainty (1.0, 0.0, 0.0): 'worse' where the t-test says p = 0.5
    above, rope, below = bayesian_ttest([1, 1], [0.98, 0.98], 50, 50)  # one row of 50, twice
    assert 0.5 < above < 0.95 and above + rope + below == pytest.approx(1.0)
    assert bayesian_ttest([0.98, 0.98], [1, 1], 50, 50) == pytest.approx((below, rope, above))
    assert np.argmax(bayesian_ttest([0.905, 0.905], [0.9, 0.9], 500, 500, rope=0.01)) == 1  # in the rope
    for j in range(2, 9):  # the posterior and the t-test read one distribution: P(a better) = 1 - p / 2
        a, b = np.ones(j), np.full(j, 0.9)
        assert bayesian_ttest(a, b, 80, 20, rope=0.0)[0] == pytest.approx(1 - corrected_ttest(a, b, 80, 20)[1] / 2)
    X, y = np.arange(100, dtype=float)[:, None], (np.arange(100) >= 50).astype(int)
    from sklearn.tree import DecisionTreeClassifier

    table = compare(X, y, models={"tree": DecisionTreeClassifier(), "one_wrong": _OneRowWrong()}, cv=2, repeats=1,
                    scoring="accuracy", test="bayesian", baseline=False, **FAST)
    assert table.loc["one_wrong", "vs_best"] == "undecided" and table.loc["one_wrong", "p_best_better"] < 0.95


class _FailsWithoutRowZero(LogisticRegression):
    """A logistic regression that cannot fit when row 0 (of the data set below) is not among its training rows."""

    def fit(self, X, y):
        if not (np.asarray(X) == _CANCER[0][0]).all(axis=1).any():
            raise RuntimeError("boom")
        return super().fit(X, y)


_CANCER = load_breast_cancer(return_X_y=True)
_CANCER = ((_CANCER[0] - _CANCER[0].mean(0)) / _CANCER[0].std(0), _CANCER[1])


def test_a_model_better_than_the_best_where_it_fitted_is_not_called_tied():
    X, y = _CANCER
    for test in ("t-test", "bayesian"):
        table = compare(X, y, models={"flaky": _FailsWithoutRowZero(max_iter=2000), "weak": LogisticRegression(C=1e-4)},
                        cv=5, repeats=2, scoring="accuracy", baseline=False, test=test, **FAST)
        assert table.attrs["best"] == "weak" and table.loc["flaky", "failed_fits"] == 2
        row = table.loc["flaky"]
        assert row["vs_best"] == "better where scored" and row["group"] == 4 and row["diff_vs_best"] > 0.2, row
        assert table.index[-1] == "flaky" and table["group"].is_monotonic_increasing
        assert any(note.startswith("flaky: better than weak on the 8 of 10 splits both were scored on")
                   for note in table.attrs["notes"]), table.attrs["notes"]
        # never 'tied' (not distinguishable) with a significant p-value
        assert not ((table["vs_best"] == "tied") & (table["p_value"] < 0.05)).any()


def test_likelihood_ratios_are_binary_classification_metrics_checked_before_any_fit():
    from sklearn.base import RegressorMixin
    from sklearn.metrics import get_scorer_names

    from sknn._compare_metrics import scorer_task

    X, y = _CANCER
    table = compare(X[:200], y[:200], models={"lr": LogisticRegression(max_iter=500)}, cv=3, repeats=1,
                    scoring=["positive_likelihood_ratio", "neg_negative_likelihood_ratio"], **FAST)
    assert table.loc["lr", "failed_fits"] == 0 and table.loc["lr", "positive_likelihood_ratio_mean"] > 1

    class NeverFitted(RegressorMixin, BaseEstimator):
        def fit(self, X, y):
            raise AssertionError("fitted before the refusal")

    Xr, yr = make_regression(n_samples=40, n_features=2, random_state=0)
    with pytest.raises(ValueError, match="'neg_negative_likelihood_ratio' is for classification but the task is "
                                         "regression"):
        compare(Xr, yr, models={"never": NeverFitted()}, scoring="neg_negative_likelihood_ratio", **FAST)
    Xi, yi = load_iris(return_X_y=True)
    for scoring in ("positive_likelihood_ratio", "f1_samples"):  # two classes only; multilabel targets only
        with pytest.raises(ValueError, match=f"Metric '{scoring}' cannot score this target .*scikit-learn says"):
            compare(Xi, yi, models={"never": _FailsWithoutRowZero()}, scoring=scoring, **FAST)
    assert all(scorer_task(name) in ("classification", "regression") for name in get_scorer_names())


class _LinearOnFeatures(LinearRegression):
    """A linear regression on the columns after the first (the row number)."""

    def fit(self, X, y):
        return super().fit(np.asarray(X)[:, 1:], y)

    def predict(self, X):
        return super().predict(np.asarray(X)[:, 1:])


class _ExplodesOnRowZero(_LinearOnFeatures):
    """Predicts 1e200 on the test fold that holds row 0."""

    def predict(self, X):
        return np.full(len(X), 1e200) if 0 in np.asarray(X)[:, 0] else super().predict(X)


def test_an_infinite_or_enormous_score_is_a_failed_split_or_a_finite_variance():
    import warnings

    X, y = make_regression(n_samples=100, n_features=3, noise=10.0, random_state=0)
    X = np.c_[np.arange(100), X]
    models = {"lin": _LinearOnFeatures(), "explodes": _ExplodesOnRowZero()}
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # (numpy's overflow warnings reached stderr)
        rmse = compare(X, y, models=models, cv=5, repeats=1, scoring="rmse", **FAST)
        mae = compare(X, y, models=models, cv=5, repeats=1, scoring="mae", baseline=False, **FAST)
    # rmse overflows to inf: a failed split, said, not 'n/a' among the models not scored
    assert rmse.loc["explodes", "failed_fits"] == 1 and rmse.loc["explodes", "vs_best"] != "n/a"
    assert np.isfinite(rmse.loc["explodes", "rmse_mean"]) and rmse.loc["explodes", "group"] != 3
    assert any("rmse is infinite on this split" in w for w in rmse.attrs["warnings"]["explodes"])
    # mae is 2e199 on one split: finite, so scored, with a variance that does not overflow (p was 1.0)
    scores = mae.attrs["scores"].query("metric == 'mae' and model == 'explodes'")["score"].to_numpy()
    assert mae.loc["explodes", "mae_std"] == pytest.approx(np.std(scores / 1e199, ddof=1) * 1e199)
    assert 0.3 < mae.loc["explodes", "p_value"] < 0.9
    lin = mae.attrs["scores"].query("metric == 'mae' and model == 'lin'")["score"].to_numpy()
    assert corrected_ttest(scores / 1e190, lin / 1e190, 80, 20) == pytest.approx(corrected_ttest(scores, lin, 80, 20))
    with pytest.raises(ValueError, match="Paired scores must be finite"):
        corrected_ttest([1.0, np.inf], [1.0, 2.0], 80, 20)


def test_scores_at_most_1_get_an_absolute_rope():
    from sknn._compare_metrics import _metric

    for name, task in (("d2_absolute_error_score", "regression"), ("explained_variance", "regression"),
                       ("d2_log_loss_score", "classification"), ("matthews_corrcoef", "classification")):
        assert _metric(name, task, np.arange(2)).bounded, name
    for name, task in (("neg_mean_poisson_deviance", "regression"), ("mutual_info_score", "classification"),
                       ("positive_likelihood_ratio", "classification")):
        assert not _metric(name, task, np.arange(2)).bounded, name
    X, y = make_regression(n_samples=60, n_features=3, noise=10.0, random_state=0)
    with pytest.raises(ValueError, match="rope=0.6 is 0.5 or more on d2_absolute_error_score"):
        compare(X, y, models=["linear"], scoring="d2_absolute_error_score", test="bayesian", rope=0.6, **FAST)
    table = compare(X, y, models=["linear"], cv=3, repeats=1, scoring="d2_absolute_error_score", test="bayesian",
                    **FAST)
    assert table.attrs["rope_width"] == 0.01  # not 1% of the best's mean


def test_the_command_names_its_options_in_the_messages_of_compare(capsys, monkeypatch):
    """(a test of the command: it belongs with tests/test_cli.py's list of bad inputs)"""
    from sknn import _compare
    from sknn.cli import main

    def no_work(*args, **kwargs):
        raise AssertionError("the comparison started before the input was checked")

    monkeypatch.setattr(_compare, "execute", no_work)
    for argv, said in ((["--random-state", "4294967296"], "--random-state must be a whole number from 0 to "
                                                           "4294967295 (the seed of the folds and the models), got "
                                                           "4294967296"),
                       (["--test", "bayesian", "--rope", "0.6"], "--rope 0.6 is 0.5 or more on")):
        assert main(["compare", "--data", "iris", *argv]) == 2
        err = capsys.readouterr().err
        assert said in err and "random_state" not in err and "rope=" not in err, err


def test_a_rare_class_or_a_score_of_probabilities_does_not_excuse_a_consistent_difference():
    """The rule that near-constant differences are the sign test's (one row wrong in folds of unequal size) took
    a class of 1 to 3 test rows as the scores' resolution (any spread within 3x excused: p 0.0625 for gains of 2
    to 6 points), and gave log-loss and RMSE a resolution of rows they do not count."""
    import numpy as np

    from sknn._compare_metrics import score_sizes
    from sknn._stats import corrected_ttest

    base, gain = np.full(5, 0.80), np.array([0.02, 0.05, 0.03, 0.06, 0.04])
    rare = np.array([[300, 1], [300, 3], [300, 2], [300, 3], [300, 1]])
    assert corrected_ttest(base + gain, base, 1200, 301, sizes=rare)[1] < 0.05
    y = np.repeat([0, 1], 50)
    splits = [(None, None, np.arange(100)[i::5][:0], np.arange(100)[i::5]) for i in range(5)]
    assert score_sizes("neg_log_loss", y, splits, "classification").max() == 0
    assert score_sizes("roc_auc", y, splits, "classification").ravel().tolist() == [10] * 5  # its smaller side
    assert score_sizes("accuracy", y, splits, "classification").min() == 20
    assert score_sizes("balanced_accuracy", y, splits, "classification").min() == 10
    # one positive row moves recall (and F1 about as much) by 1/P, not by 1/m: a false 'worse' at 10% positives
    few = np.r_[np.ones(10, int), np.zeros(90, int)]
    assert score_sizes("recall", few, splits, "classification").ravel().tolist() == [2] * 5
    assert score_sizes("f1", few, splits, "classification").ravel().tolist() == [2] * 5
    assert score_sizes("matthews_corrcoef", few, splits, "classification").ravel().tolist() == [2] * 5
    assert score_sizes("f1_micro", few, splits, "classification").ravel().tolist() == [20] * 5
    logloss = np.array([0.100, 0.101, 0.102, 0.103, 0.1015])
    assert corrected_ttest(base + logloss, base, 80, 20, sizes=np.zeros((5, 1)))[1] < 1e-4


def test_a_categorical_target_is_classes_and_a_model_never_scored_is_said_so():
    """A pandas Categorical of class labels 1.5 ... 12.5 was read as a quantity (regression, R^2, the baseline 'best');
    a model whose fit failed on every split, or never scored on the sort metric (no predict_proba for log_loss),
    stood at 'n/a' with no note."""
    from sklearn.svm import SVC

    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 3))
    labels = pd.Series(pd.Categorical(rng.choice(np.arange(1.5, 5.5), 120)))
    table = compare(X, labels, models={"lr": LogisticRegression()}, cv=3, **FAST)
    assert table.attrs["task"] == "classification" and "Categorical" in table.attrs["task_reason"]
    y = (X[:, 0] > 0).astype(int)
    texts = pd.DataFrame(X, columns=list("abc")).assign(c=rng.choice(["x", "y"], 120))
    table = compare(texts, y, models={"lr": DummyClassifier(), "rf": RandomForestClassifier(n_estimators=5)}, cv=3,
                    **FAST)
    assert any(n.startswith("rf is not compared: its fit failed on every split (ValueError") for n in
               table.attrs["notes"])
    table = compare(X, y, models={"lr": LogisticRegression(), "svc": SVC()}, scoring=["log_loss", "accuracy"], cv=3,
                    **FAST)
    assert "svc is not compared: not scored on log_loss (log_loss not computed: the model has no predict_proba)" \
        in table.attrs["notes"]
    gaps = y.astype(float)
    gaps[[3, 50]] = np.nan  # the splits and predictions number the kept rows: said so
    table = compare(X, gaps, models={"lr": LogisticRegression()}, cv=3, **FAST)
    assert "2 row(s) without a target are left out: the rows of cv_splits and of the predictions are the 118 kept, " \
        "numbered 0 to 117 in their order in X" in table.attrs["notes"]


class _OneColumnRule(ClassifierMixin, BaseEstimator):
    """Class 1 where column ``column`` is positive, with ``confidence`` as its probability."""

    def __init__(self, column=0, confidence=1.0):
        self.column, self.confidence = column, confidence

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        p = np.where(np.asarray(X)[:, self.column] > 0, self.confidence, 1 - self.confidence)
        return np.column_stack([1 - p, p])

    def predict(self, X):
        return self.classes_[(self.predict_proba(X)[:, 1] > 0.5).astype(int)]


def test_a_metric_whose_means_put_another_model_first_is_noted():
    """The verdict tests the sort metric only: a model best by accuracy but far worse by log-loss (certain of every
    answer, a tenth of them wrong) was shown best without a word of the other metric."""
    rng = np.random.default_rng(0)
    y = np.arange(1000) % 2
    X = np.column_stack([np.where(rng.random(1000) < 0.9, y, 1 - y), np.where(rng.random(1000) < 0.8, y, 1 - y)]) - 0.5
    models = {"certain": _OneColumnRule(0, 1.0), "hedged": _OneColumnRule(1, 0.7)}
    result = compare(X, y, models=models, scoring=["accuracy", "log_loss"], cv=5, repeats=1, **FAST)
    assert result.attrs["best"] == "certain"
    assert ("the verdict is on accuracy, where certain is best; by their means (untested), log_loss puts hedged "
            "first: if that metric matters more, sort='log_loss' tests it") in result.attrs["notes"]
    agreeing = compare(X, y, models={"certain": _OneColumnRule(0, 0.9), "hedged": _OneColumnRule(1, 0.7)},
                       scoring=["accuracy", "log_loss"], cv=5, repeats=1, **FAST)
    assert not any("the verdict is on" in n for n in agreeing.attrs["notes"])


def test_boosting_s_rare_categories_share_one_column_and_predict_as_a_column_each():
    """A text column of a value per row was one-hot encoded into a column per value for HistGradientBoosting, whose
    leaves of 20 rows or more never split on one: 20 times the work, the same model. Categories of fewer than 20
    rows now share one column: where all of a column's are so rare (here), the predictions are those of the full
    encoding (where rare ones hold 20 rows together, their column is one more the trees may split on)."""
    from sklearn.ensemble import HistGradientBoostingRegressor

    from sknn._compare_lineup import _lineup, _preprocessor

    rng = np.random.RandomState(0)
    n = 300
    X = pd.DataFrame({"a": rng.normal(size=n), "note": [f"w{i}" for i in rng.randint(0, 250, n)],
                      "group": rng.choice(["x", "y", "z"], n)})
    y = 2 * X["a"] + (X["group"] == "x") + rng.normal(size=n)
    name, boosting = _lineup(X, "regression")["boosting"]
    boosting.fit(X, y)
    assert name == "HistGradientBoosting" and boosting[:-1].transform(X).shape == (n, 1 + 1 + 3)  # a, rare, x/y/z
    every_value = make_pipeline(_preprocessor(X, scale=False), HistGradientBoostingRegressor(random_state=0)).fit(X, y)
    assert every_value[:-1].transform(X).shape[1] > 150
    np.testing.assert_allclose(boosting.predict(X), every_value.predict(X))
    unseen = X.head(3).assign(note=["new", "w1", None])
    assert np.isfinite(boosting.predict(unseen)).all()


def test_text_class_codes_are_classes_whatever_the_array_s_dtype():
    """numpy's string arrays were read as numbers (a regression on 40 codes) where an object array of the same
    strings was classes."""
    codes = np.random.RandomState(0).randint(0, 40, 200).astype(str)
    for y in (codes, codes.astype(object), codes.astype("S"), codes.astype("S").astype(object)):
        assert detect_task(y) == "classification"


def test_true_false_beside_numbers_in_y_is_refused_by_name():
    X = np.random.RandomState(0).normal(size=(60, 3))
    for y in (np.array([True, 0] * 30, dtype=object), np.array([True, 0.5] * 30, dtype=object)):
        with pytest.raises(ValueError, match=r"y mixes True/False with numbers \(types \['bool', '(int|float)'\]\)"):
            compare(X, y, models={"lr": LogisticRegression()}, verbose=False)


def test_a_cv_given_as_text_or_leaving_one_row_out_is_refused_before_any_fit():
    from sklearn.model_selection import LeaveOneOut

    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 3))
    y = (X[:, 0] > 0).astype(int)
    with pytest.raises(ValueError, match=r"cv must be a number of folds .* got '5'"):
        compare(X, y, models={"lr": LogisticRegression()}, cv="5", verbose=False)
    # one row a split: a clearly better model was 'tied' with the baseline (each split's score is 0 or 1)
    with pytest.raises(ValueError, match=r"cv's 40 test sets hold one row each \(leave-one-out\).*cv=10"):
        compare(X, y, models={"lr": LogisticRegression()}, cv=LeaveOneOut(), verbose=False)
    table = compare(X, X[:, 0] + X[:, 1], models={"lr": LinearRegression()}, cv=LeaveOneOut(), scoring="mae",
                    verbose=False)  # a regression's error on one row is a number of its own: read
    assert table.loc["lr", "vs_best"] == "best"


def test_grouped_folds_as_cv_test_whole_groups_with_repeats_numbered():
    """compare's cv takes GroupedFolds (sknn compare --groups): every test fold holds whole groups, the repeats are
    numbered as an int cv's, and a regression's folds are GroupKFold's."""
    from sknn.compare import GroupedFolds

    rng = np.random.RandomState(0)
    groups = np.repeat(np.arange(20), 4)
    X = rng.normal(size=(80, 2)) + groups[:, None] * 0.1
    for y, stratify in [((X[:, 0] > 1).astype(int), True), (X[:, 0] + rng.normal(size=80) * 0.1, False)]:
        table = compare(X, y, models=["linear"], cv=GroupedFolds(4, groups, n_repeats=2, stratify=stratify),
                        n_jobs=1, verbose=False)
        splits = table.attrs["cv_splits"]
        assert len(splits) == 8 and all(not set(groups[tr]) & set(groups[te]) for tr, te in splits)
    with pytest.raises(ValueError, match=r"groups holds 20 group\(s\), fewer than the 30 folds"):
        GroupedFolds(30, groups)
    # groups of distinct sizes, one class each: GroupKFold's and StratifiedGroupKFold's repeats were the same folds
    sizes = np.arange(3, 33)
    patients, outcome = np.repeat(np.arange(30), sizes), np.repeat(np.arange(30) % 2, sizes)
    folds = list(GroupedFolds(5, patients, n_repeats=5, stratify=True).split(patients[:, None], outcome))
    assert len({te.tobytes() for _, te in folds}) == 25  # every fold new
    assert all(abs(outcome[te].mean() - outcome.mean()) < 0.1 for _, te in folds)  # the classes' shares kept
    big = np.r_[np.zeros(180, int), np.random.RandomState(0).randint(1, 30, 120)]  # one group: 60% of the rows
    folds = list(GroupedFolds(5, big, n_repeats=3).split(big[:, None]))
    assert len({te.tobytes() for _, te in folds}) == 15  # (placed first, it was a fold alone in every repeat)
    stores = np.repeat(np.arange(6), 30)  # 6 groups in 5 folds: one set of folds, no second without a repeat
    with pytest.raises(ValueError, match=r"6 groups, which give 1 repeat\(s\) of 5 folds none of which repeats a "
                                         r"fold; pass fewer repeats \(--repeats 1\)"):
        list(GroupedFolds(5, stores, n_repeats=2).split(stores[:, None]))
    y = X[:, 0] + rng.normal(size=80)
    y[:3] = np.nan  # rows compare leaves out: the groups, one per row of X, are those of the rows kept
    table = compare(X, y, models=["linear"], cv=GroupedFolds(4, groups), n_jobs=1, verbose=False)
    kept = groups[3:]  # (refused: 'cv's splits number the rows of X, but 3 row(s) have no target')
    assert all(not set(kept[tr]) & set(kept[te]) for tr, te in table.attrs["cv_splits"])
    with pytest.raises(ValueError, match=r"GroupedFolds has 80 groups, one per row, but X has 77 rows"):
        list(GroupedFolds(4, groups).split(X[3:], y[3:]))
    with pytest.raises(ValueError, match=r"GroupedFolds has 20 groups, one per row, but X has 77 rows"):
        compare(X[3:], y[3:], models=["linear"], cv=GroupedFolds(4, groups[::4]), n_jobs=1, verbose=False)
    # (its own errors were said to be those of a splitter given no groups)
    for missing in (np.where(groups == 3, np.nan, groups), np.where(groups == 3, None, groups.astype(object))):
        with pytest.raises(ValueError, match=r"groups: 4 row\(s\) have no group \(row 12 first\)"):
            GroupedFolds(4, missing)  # (NaN groups were one group, silently; None failed in numpy's sort)
    mixed = np.where(groups < 10, groups, groups.astype(str)).astype(object)  # numbers beside text: 20 groups
    assert all(not set(mixed[tr]) & set(mixed[te]) for tr, te in GroupedFolds(4, mixed).split(X))
    from sklearn.model_selection import GroupKFold  # a splitter that needs groups compare has not: told this one

    with pytest.raises(ValueError, match=r"splits by groups, and compare has no groups to give it: pass "
                                         r"cv=GroupedFolds\(5, groups\)"):
        compare(X[3:], y[3:], models=["linear"], cv=GroupKFold(3), n_jobs=1, verbose=False)


def test_plots_draw_scores_below_zero_and_losses_of_any_sign_with_each_curve_named():
    """comparison fixed the axis at 0 for every metric but r2: a negated error's bars filled an inverted axis, and
    negative explained variance was out of view; history's log axis dropped losses of 0 or below (a user's criterion,
    a word2vec epoch that trained nothing) without a word, and named a second model's validation curve nowhere."""
    import torch
    from sklearn.tree import DecisionTreeRegressor

    from sknn import DenseRegressor, plot

    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(60, 3)), rng.normal(size=60)
    table = compare(X, y, models={"ridge": Ridge(), "tree": DecisionTreeRegressor(random_state=0)}, cv=3, repeats=1,
                    scoring=["neg_mean_squared_error"], **FAST)
    ax = plot.comparison(table)
    low, high = ax.get_xlim()
    widths = [p.get_width() for p in ax.patches]
    assert low < high and low <= min(widths) < 0 <= high

    class Shifted(torch.nn.Module):  # a loss below 0
        def forward(self, a, b):
            return torch.nn.functional.mse_loss(a.squeeze(-1), b.squeeze(-1)) - 5

    small = dict(hidden_layer_sizes=(4,), max_iter=3, random_state=0)
    shifted = DenseRegressor(**small, early_stopping=False, criterion=Shifted).fit(X, y)
    watched = DenseRegressor(**small).fit(X, y)
    ax = plot.history([shifted, watched])
    assert ax.get_yscale() == "linear"
    np.testing.assert_allclose(ax.lines[0].get_ydata(), shifted.history_["train_loss"])
    assert {"train loss", "validation loss"} <= set(ax.get_legend_handles_labels()[1])


class _Float32Probabilities(ClassifierMixin, BaseEstimator):
    """A logistic regression whose probabilities are float32 (as a torch model's, or on float32 features)."""

    def fit(self, X, y):
        from sklearn.linear_model import LogisticRegression

        self.model_ = LogisticRegression().fit(X, y)
        self.classes_ = self.model_.classes_
        return self

    def predict(self, X):
        return self.model_.predict(X)

    def predict_proba(self, X):
        proba = self.model_.predict_proba(X).astype(np.float32)
        return proba / proba.sum(axis=1, keepdims=True)


def test_float32_probabilities_are_no_warning_of_the_model_s():
    """Copied into float64 columns, rows summing to 1 in float32 were said not to sum to one, on every fit, as a
    warning of the user's model."""
    X, y = np.random.RandomState(0).randn(90, 3), np.arange(90) % 3
    table = compare(X, y, models={"f32": _Float32Probabilities()}, cv=3, repeats=1, scoring=["accuracy", "log_loss"],
                    **FAST)
    assert table.attrs["warnings"] == {} and np.isfinite(table.loc["f32", "log_loss_mean"])


class _Flagged(ClassifierMixin, BaseEstimator):
    """Right where its column of X holds 1, wrong elsewhere (X's last column: the row's number, y = it % 2)."""

    def __init__(self, column=0):
        self.column = column

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        X = np.asarray(X)
        truth = X[:, -1].astype(int) % 2
        return np.where(X[:, self.column] == 1, truth, 1 - truth)


def test_equal_means_summed_in_another_order_share_a_rank():
    """Fold accuracies 0.1, 0.2, 0.3 and 0.3, 0.2, 0.1 have means 0.20000000000000004 and 0.19999999999999998: two
    ranks for one score, and 'best' chosen by the rounding."""
    tests = [np.arange(0, 30), np.arange(30, 60), np.arange(60, 90)]
    flags = np.zeros((90, 2))
    for j, rights in enumerate([(3, 6, 9), (9, 6, 3)]):
        for te, k in zip(tests, rights):
            flags[te[:k], j] = 1
    splits = [(np.setdiff1d(np.arange(90), te), te) for te in tests]
    table = compare(np.c_[flags, np.arange(90)], np.arange(90) % 2, models={"a": _Flagged(0), "b": _Flagged(1)},
                    cv=splits, scoring=["accuracy"], baseline=False, **FAST)
    assert table.loc["a", "accuracy_mean"] != table.loc["b", "accuracy_mean"]  # (the float sums differ)
    assert table["rank"].tolist() == [1, 1] and table.loc[table.attrs["best"], "vs_best"] == "best"


def test_another_metric_s_lead_is_judged_against_both_models_spread():
    """A best model of no spread (a constant classifier: roc_auc 0.5 on every split) let any lead pass for one of
    more than twice its spread: 'roc_auc puts lr first' for 0.52 against 0.50 on noise, with a spread of 0.11."""
    from sklearn.tree import DecisionTreeClassifier

    X, y = np.random.RandomState(0).normal(size=(30, 3)), np.array([0, 1] * 15)
    models = {"lr": LogisticRegression(max_iter=3), "tree": DecisionTreeClassifier(max_depth=1, random_state=0),
              "mf": DummyClassifier(strategy="most_frequent")}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = compare(X, y, models=models, cv=3, repeats=1, **FAST)
    assert table.attrs["best"] == "mf" and table.loc["mf", "roc_auc_std"] == 0
    assert table.loc["lr", "roc_auc_mean"] - 0.5 < 2 * table.loc["lr", "roc_auc_std"]
    assert not any("roc_auc puts lr first" in note for note in table.attrs["notes"])


def test_r2_on_a_test_fold_of_one_target_value_is_undefined_not_zero():
    """scikit-learn's r2_score gives 0.0 to every model on a test fold whose target is constant: compare kept it in the
    means and the test without a word (a target mostly 0 draws such folds)."""
    rng = np.random.RandomState(3)
    X, y = rng.randn(30, 3), np.zeros(30)
    y[:4] = [3, 5, 2, 7]
    table = compare(X, y, models=["dummy", "linear"], n_jobs=1, verbose=False, task="regression", repeats=1)
    scores = table.attrs["scores"]
    r2 = scores[scores.metric == "r2"].pivot(index="split", columns="model", values="score")
    constant = [s for s in r2.index if np.ptp(y[table.attrs["cv_splits"][s][1]]) == 0]
    assert constant and r2.loc[constant].isna().all().all() and r2.drop(index=constant).notna().all().all()
    assert any("r2 is not defined on a test fold whose target is constant" in n and f"{len(constant)} of the 5" in n
               for n in table.attrs["notes"]), table.attrs["notes"]
    np.testing.assert_allclose(table["r2_mean"], r2.drop(index=constant).mean()[table.index])
    rmse = scores[scores.metric == "rmse"]
    assert rmse.score.notna().all()  # (defined on any fold)
    with pytest.raises(ValueError, match="r2 is not defined on a test fold whose target is constant, and 4 of the 5"):
        compare(X, np.r_[np.zeros(29), 1.0], models=["dummy", "linear"], n_jobs=1, verbose=False,
                task="regression", repeats=1, sort="r2")


def test_a_column_of_distinct_whole_numbers_that_tells_the_target_gets_a_note():
    """Distinct whole numbers were skipped as row numbers for the identifier notes, which note only a column named
    like an identifier or shuffled row numbers: a sorted file's 1000.. column, or y * 1000 rounded, went unnoted."""
    rng = np.random.RandomState(0)
    y = np.sort(rng.randn(150))
    X = pd.DataFrame(rng.randn(150, 3), columns=list("abc")).assign(t=np.arange(150) + 1000)
    notes = compare(X, y, models=["dummy", "linear"], n_jobs=1, verbose=False, repeats=1).attrs["notes"]
    assert any("column 't' follows the target y almost exactly" in n for n in notes), notes
    amounts = rng.randn(200) * 10 + 50
    X = pd.DataFrame(rng.randn(200, 3), columns=list("abc")).assign(leak=np.round(amounts * 1000).astype(int))
    notes = compare(X, (amounts > 50).astype(int), models=["dummy", "linear"], n_jobs=1, verbose=False,
                    repeats=1).attrs["notes"]
    assert any("column 'leak' alone separates the 2 classes" in n for n in notes), notes
