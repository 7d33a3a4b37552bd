"""sknn.compare, the sknn command line and the plots."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import load_iris, make_regression

from sknn import compare
from sknn.cli import main
from sknn.compare import detect_task

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")


class _RowRecorder(ClassifierMixin, BaseEstimator):
    """Predicts the majority class and remembers which rows (column 0 holds the row id) it was fitted on."""

    def fit(self, X, y):
        self.rows_ = np.asarray(X)[:, 0].astype(int)
        values, counts = np.unique(y, return_counts=True)
        self.classes_, self.majority_ = values, values[np.argmax(counts)]
        return self

    def predict(self, X):
        return np.full(len(X), self.majority_)


def test_every_model_sees_the_same_folds():
    X, y = load_iris(return_X_y=True)
    X = np.column_stack([np.arange(len(X)), X])  # a row id in column 0
    table, fitted = compare(X, y, models={"a": _RowRecorder(), "b": _RowRecorder()}, cv=4, verbose=False,
                            return_fitted=True)
    splits = table.attrs["cv_splits"]
    assert len(splits) == 4
    for fold, (train, test) in enumerate(splits):
        rows_a = fitted["estimators"]["a"][fold].rows_
        rows_b = fitted["estimators"]["b"][fold].rows_
        np.testing.assert_array_equal(rows_a, train)
        np.testing.assert_array_equal(rows_a, rows_b)
        assert not set(train) & set(test)
    # stratified and shuffled: each test fold holds every class
    assert all(len(np.unique(y[test])) == 3 for _, test in splits)


def test_the_table_of_the_default_models():
    X, y = load_iris(return_X_y=True)
    table = compare(X, y, cv=3, scoring=["accuracy", "f1_macro"], verbose=False)
    assert list(table.index).count("DenseClassifier (sknn)") == 1 and len(table) == 4
    assert {"accuracy_mean", "accuracy_std", "f1_macro_mean", "f1_macro_std", "fit_time", "predict_time",
            "rank"} <= set(table.columns)
    assert list(table["rank"]) == sorted(table["rank"])
    assert table["accuracy_mean"].iloc[0] == table["accuracy_mean"].max()
    assert (table["accuracy_mean"] > 0.85).all()


def test_regression_and_dataframes_with_categories():
    X, y = make_regression(n_samples=120, n_features=4, noise=1.0, random_state=0)
    frame = pd.DataFrame(X, columns=list("abcd"))
    frame["color"] = np.where(X[:, 0] > 0, "red", "blue")
    frame.loc[3, "b"] = np.nan  # imputed
    table = compare(frame, y * 100, cv=3, models=["linear", "boosting", "network"], verbose=False)
    assert table.attrs["task"] == "regression" and "r2_mean" in table
    assert table.loc["LinearRegression", "r2_mean"] > 0.9


def test_task_detection():
    assert detect_task(np.array(["a", "b", "a"])) == "classification"
    assert detect_task(np.array([0, 1, 2, 1])) == "classification"
    assert detect_task(np.linspace(0, 1, 30)) == "regression"
    assert detect_task(np.arange(100).astype(float)) == "regression"  # integer-valued floats: counts
    with pytest.raises(ValueError, match="single class"):
        compare(np.zeros((10, 2)), np.ones(10, dtype=int), verbose=False)
    with pytest.raises(ValueError, match="Unknown model 'trees'"):
        compare(np.zeros((10, 2)), np.arange(10) % 2, models=["trees"], verbose=False)


def test_cli_errors_are_one_line_with_status_2(tmp_path, capsys):
    csv = tmp_path / "data.csv"
    pd.DataFrame({"x": np.arange(20), "kind": ["a"] * 20, "label": np.arange(20) % 2}).to_csv(csv, index=False)
    cases = [
        (["compare", "--csv", str(tmp_path / "missing.csv"), "--target", "y"], "no such file"),
        (["compare", "--csv", str(csv), "--target", "churned"], "no column 'churned'"),
        (["compare", "--csv", str(csv), "--target", "kind"], "single class"),
    ]
    for argv, message in cases:
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert message in err and len(err.strip().splitlines()) == 1, err


def test_cli_report_and_plots(tmp_path):
    csv = tmp_path / "iris.csv"
    X, y = load_iris(return_X_y=True, as_frame=True)
    X.assign(species=np.array(["setosa", "versicolor", "virginica"])[y]).to_csv(csv, index=False)
    report, plots = tmp_path / "report.html", tmp_path / "plots"
    proc = subprocess.run([sys.executable, "-m", "sknn.cli", "compare", "--csv", str(csv), "--target", "species",
                           "--cv", "3", "--models", "linear,network", "--quiet", "--report", str(report),
                           "--plots", str(plots)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "DenseClassifier (sknn)" in proc.stdout and "LogisticRegression" in proc.stdout
    page = report.read_text()
    assert page.count("data:image/png;base64,") == 4 and "<table" in page
    from matplotlib.image import imread

    for name in ("scores", "fit_times", "history", "confusion_matrix"):
        image = imread(plots / f"{name}.png")
        assert image.shape[0] > 200 and image.shape[1] > 200 and image.std() > 0.05  # not blank


def test_plot_functions_draw():
    from sknn import DenseClassifier, plot

    X, y = load_iris(return_X_y=True)
    clf = DenseClassifier(max_iter=15, early_stopping=True, n_iter_no_change=None, random_state=0).fit(X, y)
    ax = plot.history(clf)
    assert len(ax.get_lines()) == 2 and len(ax.figure.axes) == 2  # losses, and the score on a twin axis
    ax = plot.learning_curve(DenseClassifier(max_iter=10, random_state=0), X, y, cv=3, train_sizes=(0.5, 1.0))
    assert len(ax.get_lines()) == 2
    ax = plot.confusion_matrix(y, clf.predict(X))
    assert ax.get_title() == "Confusion matrix"
    with pytest.raises(ValueError, match="needs a fitted sknn estimator"):
        plot.history(object())


def test_images_get_the_convolutional_network():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    images = X[:300].reshape(-1, 8, 8) / 16
    table = compare(images, y[:300], models=["linear", "network"], cv=3, verbose=False)
    assert set(table.index) == {"LogisticRegression", "ConvImageClassifier (sknn)"}
    assert (table["accuracy_mean"] > 0.8).all()
