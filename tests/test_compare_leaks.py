"""sknn.compare and what the folds cannot see: unscored splits, metrics undefined on a fold, leaks, row order, seeds."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.model_selection import KFold

from sknn import compare
from sknn._alignment import check_same_row_order
from sknn._compare import prepare
from sknn._compare_metrics import PresentClassesScorer, fold_requirement
from sknn._compare_splits import splits as make_splits

FAST = dict(n_jobs=1, threads=1, verbose=False)


class _NaNWhereRowZeroIsTested(RegressorMixin, BaseEstimator):
    """A linear regression on columns 1.., whose predictions are NaN when row 0 (column 0: the row number) is tested."""

    def fit(self, X, y):
        X = np.asarray(X)
        self.model_ = LinearRegression().fit(X[:, 1:], y)
        return self

    def predict(self, X):
        X = np.asarray(X)
        predicted = self.model_.predict(X[:, 1:])
        return np.full(len(X), np.nan) if 0 in X[:, 0] else predicted


class _NeverFitted(ClassifierMixin, BaseEstimator):
    """Fails the test if compare fits it: a refusal must come before any fit."""

    def fit(self, X, y):
        raise AssertionError("fitted before the refusal")

    def predict(self, X):  # (a model: compare refuses one without predict)
        raise AssertionError("never fitted")


class _RidgeWithoutRowNumbers(Ridge):
    def fit(self, X, y):
        return super().fit(np.asarray(X)[:, 1:], y)

    def predict(self, X):
        return super().predict(np.asarray(X)[:, 1:])


def test_a_model_unscored_where_the_others_are_scored_failed_there_and_is_not_the_best():
    rng = np.random.RandomState(0)
    features = rng.randn(40, 3)
    y = features @ [3.0, -2.0, 1.0] + rng.randn(40)
    X = np.c_[np.arange(40), features]
    models = {"nan": _NaNWhereRowZeroIsTested(), "ridge": _RidgeWithoutRowNumbers(alpha=20)}
    table = compare(X, y, models=models, cv=4, repeats=2, scoring="r2", **FAST)
    assert table.loc["nan", "r2_mean"] > table.loc["ridge", "r2_mean"]  # better on the splits it was scored on
    assert table.loc["nan", "failed_fits"] == 2 and table.loc["ridge", "failed_fits"] == 0
    assert table.attrs["best"] == "ridge" and table.loc["nan", "vs_best"] != "best"
    assert table.loc["nan", "rank"] == 3 and table.index[0] == "ridge"
    from sknn import report

    assert ("nan: r2 could not be scored on 2 of 8 splits where other models were (see its warnings): they count as "
            "failed fits, so it cannot be the best") in report.notes(table)


def test_a_model_without_the_sort_metrics_method_has_no_failed_fit():
    from sklearn.svm import LinearSVC

    X, y = np.random.RandomState(0).randn(40, 2), np.arange(40) % 2
    table = compare(X, y, models={"svc": LinearSVC(), "lr": LogisticRegression()}, cv=4, repeats=1,
                    scoring=["log_loss", "accuracy"], **FAST)
    assert table.loc["svc", "failed_fits"] == 0 and table.loc["svc", "vs_best"] == "n/a"


def _rare_positives(n=40, positives=2):
    rng = np.random.RandomState(0)
    X = rng.randn(n, 2)
    y = np.zeros(n, int)
    y[:positives] = 1
    X[:positives] += 3
    return X, y


def test_per_class_averages_are_nan_for_every_model_on_a_test_fold_lacking_a_class():
    X, y = _rare_positives()  # 2 positives in 4 folds: 2 test folds lack them
    table = compare(X, y, models={"lr": LogisticRegression(class_weight="balanced")}, cv=4, repeats=1,
                    scoring=["balanced_accuracy", "f1_macro", "accuracy", "log_loss"], **FAST)
    scores = table.attrs["scores"]
    lacking = [s for s, (_, test) in enumerate(table.attrs["cv_splits"]) if 1 not in y[test]]
    assert len(lacking) == 2
    for metric in ("balanced_accuracy", "f1_macro"):
        per_split = scores.query("metric == @metric").pivot(index="split", columns="model", values="score")
        assert per_split.loc[lacking].isna().all().all() and per_split.drop(index=lacking).notna().all().all()
    baseline = scores.query("model == 'Dummy (baseline)' and metric == 'balanced_accuracy'")["score"].dropna()
    assert (baseline == 0.5).all() and table.loc["Dummy (baseline)", "balanced_accuracy_mean"] == 0.5  # not 0.75
    for metric in ("accuracy", "log_loss"):  # defined on any fold
        assert scores.query("metric == @metric")["score"].notna().all()
    assert ("balanced_accuracy and f1_macro are not defined on some test folds (an average over the classes needs 2 "
            "of them, a score of the positive class that class, ROC AUC every class), and 2 of the 4 splits lack what "
            "they need") in " ".join(table.attrs["notes"])
    assert "with at most 2 folds each holds every class" in table.attrs["notes"][0]
    assert table["failed_fits"].sum() == 0 and not table.attrs["warnings"].get("lr")


class _Predicts(ClassifierMixin, BaseEstimator):
    """Predicts the labels it was made with, whatever the rows."""

    def __init__(self, labels=None):
        self.labels = labels

    def predict(self, X):
        return np.asarray(self.labels)


def test_per_class_averages_are_over_the_classes_the_test_fold_holds():
    y_true = np.array([0, 0, 1, 1, 2, 2, 3, 3])  # class 4 is absent from this fold
    wrong = _Predicts(np.array([0, 0, 1, 1, 2, 2, 3, 4]))  # one row of class 3 called 4: charged through class 3
    X = np.zeros((8, 1))
    assert PresentClassesScorer("balanced_accuracy")(wrong, X, y_true) == pytest.approx(0.875)
    assert PresentClassesScorer("f1_macro")(wrong, X, y_true) == pytest.approx((3 + 2 / 3) / 4)  # not 0.733 (/5)
    assert PresentClassesScorer("recall_macro")(wrong, X, y_true) == pytest.approx(0.875)
    assert PresentClassesScorer.applies("precision_macro") and not PresentClassesScorer.applies("f1_weighted")
    assert not PresentClassesScorer.applies("accuracy")
    # two classes of 2 rows among 5: no test fold of 5 holds every class, yet every fold holds 2 classes or more
    rng = np.random.RandomState(0)
    y = np.r_[np.repeat(["cp", "im", "pp"], 30), ["imL", "imL", "imS", "imS"]]
    table = compare(rng.randn(len(y), 3), y, models=["linear"], repeats=1, **FAST)
    assert table.attrs["sort"] == "balanced_accuracy" and table["balanced_accuracy_mean"].notna().all()
    scores = table.attrs["scores"].query("metric in ['balanced_accuracy', 'f1_macro']")["score"]
    assert scores.notna().all()
    assert any(n.startswith("roc_auc is defined on no split") for n in table.attrs["notes"])  # (no fold holds all)


def _one_class_test_folds():
    X = np.random.RandomState(0).randn(40, 2)
    y = np.repeat([0, 1], 20)
    return X, y, list(KFold(4).split(X))  # unshuffled: every test fold holds one class, every training set two


def test_a_default_sort_metric_defined_on_fewer_than_two_splits_falls_back_to_accuracy():
    X, y, cv = _one_class_test_folds()
    table = compare(X, y, models=["linear"], cv=cv, **FAST)
    assert table.attrs["sort"] == "accuracy" and table.attrs["best"] is not None
    assert table["balanced_accuracy_mean"].isna().all()
    assert ("the table is sorted by accuracy, not balanced_accuracy: balanced_accuracy is defined only on a test fold "
            "that holds 2 classes or more, and 0 of the 4 splits do") in table.attrs["notes"]
    assert any(n.startswith("balanced_accuracy, roc_auc and f1_macro are defined on no split")
               for n in table.attrs["notes"]), table.attrs["notes"]
    assert not any("over the other splits" in n for n in table.attrs["notes"])


@pytest.mark.parametrize("chosen", [dict(sort="balanced_accuracy"), dict(scoring=["f1_macro", "accuracy"])])
def test_a_chosen_sort_metric_defined_on_fewer_than_two_splits_is_refused_before_any_fit(chosen):
    X, y, cv = _one_class_test_folds()
    name = chosen.get("sort") or chosen["scoring"][0]
    refused = (rf"{name} is defined only on a test fold that holds 2 classes or more, and 0 of the 4 splits do: no "
               r"model could be compared on it; sort by a metric defined on any fold \(sort='accuracy' or 'log_loss'\)")
    with pytest.raises(ValueError, match=refused):
        compare(X, y, models={"never fitted": _NeverFitted()}, cv=cv, **chosen, **FAST)


def test_what_each_metric_needs_on_a_test_fold():
    two, three = np.array([0, 1]), np.array(["a", "b", "c"])
    assert fold_requirement("balanced_accuracy", two) == (2, ())
    assert fold_requirement("f1_macro", three) == (2, ()) and fold_requirement("jaccard_macro", three) == (2, ())
    assert fold_requirement("roc_auc_ovr", three) == (0, ("a", "b", "c"))
    assert fold_requirement("f1", two) == (0, (1,)) and fold_requirement("average_precision", two) == (0, (1,))
    assert fold_requirement("recall", two) == (0, (1,))
    for defined in ("accuracy", "neg_log_loss", "f1_weighted", "f1_micro", "matthews_corrcoef"):
        assert fold_requirement(defined, two) == (0, ())


def test_rows_repeated_exactly_get_a_note():
    rng = np.random.RandomState(2)
    X = rng.randn(30, 2)
    y = 3 * X[:, 0] + rng.randn(30)
    table = compare(np.repeat(X, 3, axis=0), np.repeat(y, 3), models=["linear"], cv=3, repeats=1, **FAST)
    assert ["60 of the 90 rows (67%) repeat another row exactly, features and target: copies of a row land in both "
            "training and test folds, which favours the models that memorise rows; if they are copies of one record, "
            "keep the first copy (keep = ~pd.DataFrame(X).assign(_y=np.asarray(y)).duplicated(); then X[keep], "
            "y[keep]) or keep each record's copies in one fold (cv=GroupedFolds(5, groups), from sknn.compare)"] == [
                n for n in table.attrs["notes"] if "repeat another row" in n]
    y_changed = np.repeat(y, 3) + rng.randn(90)  # same features, other targets: not copies of a row
    table = compare(np.repeat(X, 3, axis=0), y_changed, models=["linear"], cv=3, repeats=1, **FAST)
    assert not any("repeat another row" in note for note in table.attrs["notes"])
    frame = pd.DataFrame({"a": np.repeat(X[:, 0], 2), "kind": np.repeat(np.array(list("xyz") * 10), 2)})
    table = compare(frame, np.repeat(y, 2), models=["linear"], cv=3, repeats=1, **FAST)
    assert any(note.startswith("30 of the 60 rows (50%) repeat another row") and
               "keep = ~X.assign(_y=np.asarray(y)).duplicated()" in note for note in table.attrs["notes"])


def test_repeats_that_chance_gives_get_no_note():
    rng = np.random.RandomState(0)
    few_values = rng.randint(0, 2, (100, 2))  # 8 possible rows with the target: 92 of 100 rows repeat one
    assert prepare(few_values, rng.randint(0, 2, 100), models=["linear"], n_jobs=1, threads=1).notes == []
    counts = rng.poisson(np.repeat([14, 15, 2, 5, 3, 16], 12))[:, None]  # insects per plot, 6 sprays: ties by chance
    assert not any("repeat another row" in note for note in
                   prepare(counts, np.repeat(list("ABCDEF"), 12), models=["linear"], n_jobs=1, threads=1).notes)
    texts = ["great", "bad", "ok", "great film", "awful"] * 8  # short texts repeat naturally
    assert not any("repeat another row" in n for n in prepare(texts, np.arange(40) % 5, models=["dummy"], n_jobs=1,
                                                              threads=1).notes)


def test_a_row_identifier_gets_a_note_naming_the_column():
    rng = np.random.RandomState(0)
    y = np.sort(rng.randint(0, 2, 60))  # rows sorted by the target
    frame = pd.DataFrame({"id": np.arange(100, 160), "noise": rng.randn(60), "count": rng.randint(0, 1000, 60)})
    table = compare(frame, y, models=["linear"], cv=3, repeats=1, **FAST)
    notes = [n for n in table.attrs["notes"] if "row identifier" in n]
    assert notes == ["X's column 'id' holds a distinct value in every row: if it is a row identifier, it "
                     "predicts nothing for new rows, yet models can read the order of the rows from it, and here the "
                     "target follows that order (each class in one run: a file sorted by the target, or a trend over "
                     "time), so it may leak the target: drop it (X.drop(columns='id')); if it is a time index, split "
                     "by time "
                     "(cv=list(TimeSeriesSplit(5).split(X)))"]
    mixed = prepare(frame, rng.permutation(y), models=["linear"], n_jobs=1, threads=1).notes  # rows not sorted
    assert [n for n in mixed if "row identifier" in n and "(a file sorted by the target leaks it)" in n]
    assert not [n for n in mixed if "follows that order" in n]
    prices = np.sort(rng.lognormal(size=60))  # a quantity, rows sorted by it
    sorted_by = prepare(frame, prices, models=["linear"], n_jobs=1, threads=1).notes
    assert [n for n in sorted_by if "the target follows that order (Spearman 1.000" in n], sorted_by
    shuffled = rng.permutation(60).astype(float)  # a float array: whole numbers all the same
    table = compare(np.c_[rng.randn(60), shuffled], y, models=["linear"], cv=3, repeats=1, **FAST)
    assert any(n.startswith("X's column 1 (counting from 0) holds a distinct value") and
               "np.delete(X, 1, axis=1)" in n for n in table.attrs["notes"]), table.attrs["notes"]
    for name, values in [("PassengerId", rng.permutation(900)[:60] + 1), ("Unnamed: 0", np.arange(60)),
                         ("customer_id", [f"C{i:03d}" for i in rng.permutation(60)]), ("ROW", np.arange(1, 61))]:
        notes = prepare(frame[["noise"]].assign(**{name: values}), y, models=["linear"], n_jobs=1, threads=1).notes
        assert [n for n in notes if n.startswith(f"X's column {name!r} holds a distinct value")], (name, notes)


def test_a_time_index_or_a_column_of_row_numbers_in_order_gets_no_identifier_note():
    rng = np.random.RandomState(0)
    year = np.arange(1961, 2021)
    for X, y in [(pd.DataFrame({"year": year, "co2": rng.rand(60)}), 0.02 * (year - 1961) + rng.randn(60)),
                 (np.arange(60.0).reshape(-1, 1), 2 * np.arange(60.0) + rng.randn(60)),  # the textbook X = arange(n)
                 (np.c_[np.arange(60), rng.randn(60)], rng.randn(60)),  # in order: a time step as likely
                 (rng.permutation(60)[:, None], rng.randn(60)),  # alone: it is the feature
                 (pd.DataFrame({"id": [1, 2] * 30, "paid": rng.permutation(99)[:60]}), rng.randn(60))]:  # "paid"
        notes = prepare(X, y, models=["linear"], n_jobs=1, threads=1).notes
        assert not [n for n in notes if "distinct value in every row" in n], notes
        # (a column that ranks the target as y = 2x + noise does is noted, hedged, as a float column is)
        assert notes == [] or len(notes) == 1 and "follows the target y almost exactly" in notes[0] and \
            "a real feature may, on an easy task" in notes[0] and X.shape[1] == 1, notes


def test_the_target_left_among_the_features_is_refused_before_any_fit():
    rng = np.random.RandomState(0)
    frame = pd.DataFrame({"a": rng.randn(60), "b": rng.randn(60)})
    frame["target"] = rng.randint(0, 2, 60)
    never = {"never fitted": _NeverFitted()}
    with pytest.raises(ValueError, match=r"X's column 'target' equals the target y in every row: it is the target left "
                                         r"among the features.*drop it from X \(X.drop\(columns='target'\)\)"):
        compare(frame, frame["target"], models=never, **FAST)
    with pytest.raises(ValueError, match=r"X's column 'flag' equals the target y"):  # True/False and 1/0 agree
        compare(frame.assign(flag=frame["target"] == 1).drop(columns="target"), frame["target"], models=never, **FAST)
    with pytest.raises(ValueError, match=r"X's column 2 \(counting from 0\) equals the target y.*np.delete\(X, 2"):
        compare(frame.to_numpy(dtype=float), frame["target"].to_numpy(), models=never, **FAST)
    labels = np.where(frame["target"] == 1, "yes", "no")
    with pytest.raises(ValueError, match=r"X's column 'answer' equals the target y"):
        compare(frame[["a"]].assign(answer=labels), labels, models=never, **FAST)
    with pytest.raises(ValueError, match=r"X's column 'copy' equals the target y"):  # 3 values: not chance, even small
        compare(frame[["a"]][:18].assign(copy=np.arange(18) % 3), np.arange(18) % 3, models=never, **FAST)
    table = compare(frame[["a", "b"]], frame["target"], models=["linear"], cv=2, repeats=1, **FAST)
    assert len(table) == 2
    for texts in (list(labels), labels):  # a 1-D X of documents for a text pipeline: as a column, refused
        with pytest.raises(ValueError, match=r"X equals the target y in every row: .*pass the features \(the "
                                             r"documents\), not the labels"):
            compare(texts, labels, models=never, **FAST)


def test_a_small_binary_feature_agreeing_with_the_target_gets_a_note():
    disease = np.array([0, 1] * 9)  # 18 rows: a real binary feature can agree in every row by chance
    X = pd.DataFrame({"age": np.random.RandomState(0).randint(30, 80, 18), "smoker": disease.astype(bool)})
    table = compare(X, disease, models=["linear"], cv=3, repeats=1, **FAST)
    assert ("X's column 'smoker' equals the target y in every row: on 18 rows a feature of 2 values can agree with the "
            "target by chance, but if it is the target left among the features, every model reads the answer from "
            "it: drop it (X.drop(columns='smoker'))") in table.attrs["notes"]


def test_a_text_code_for_each_value_of_a_regression_target_is_refused_and_a_number_for_each_noted():
    """Was unseen: a rating of 1-5 as the regression target with its words among the features scored R^2 1.0."""
    rng = np.random.RandomState(0)
    rating = rng.randint(1, 6, 300).astype(float)
    words = np.array(["one", "two", "three", "four", "five"])[(rating - 1).astype(int)]
    never = {"never fitted": _NeverFitted()}
    with pytest.raises(ValueError, match=r"X's column 'stars' pairs one to one with the values of the target y "
                                         r"\(.*\): it is the target under other names"):
        compare(pd.DataFrame({"a": rng.randn(300), "stars": words}), rating, models=never, task="regression", **FAST)
    table = compare(pd.DataFrame({"a": rng.randn(300), "squared": rating ** 2}), rating, models=["linear"], cv=2,
                    repeats=1, task="regression", **FAST)  # numbers: a noiseless toy's function of y, a note
    assert any("'squared' pairs one to one with the values of the target y" in note for note in table.attrs["notes"])
    rows = np.c_[rng.randn(300).astype(object), words]  # an array with text in its rows: columns by position
    with pytest.raises(ValueError, match=r"X's column 1 \(counting from 0\) pairs one .*np.delete\(X, 1, axis=1"):
        compare(rows, rating, models=never, task="regression", **FAST)
    table = compare(pd.DataFrame({"a": rng.randn(300), "noisy": np.where(rng.rand(300) < 0.9, words, "one")}),
                    rating, models=["linear"], cv=2, repeats=1, task="regression", **FAST)
    assert not any("one to one" in note for note in table.attrs["notes"])  # a predictive feature, not a copy


def test_the_target_under_other_names_is_refused_and_a_linear_copy_of_a_regression_target_noted():
    rng = np.random.RandomState(0)
    labels = rng.choice(["no", "yes", "maybe"], 120)
    frame = pd.DataFrame({"a": rng.randn(120), "code": pd.Series(labels).map({"no": 0, "yes": 1, "maybe": 7})})
    never = {"never fitted": _NeverFitted()}
    with pytest.raises(ValueError, match=r"X's column 'code' pairs one to one with the classes of the target y "
                                         r"\(0 with 'no', .*\): it is the target under other names.*"
                                         r"X.drop\(columns='code'\)"):  # (an exact copy only, before: scored 1.0)
        compare(frame, labels, models=never, **FAST)
    with pytest.raises(ValueError, match=r"X's column 1 \(counting from 0\) pairs one to one.*np.delete\(X, 1"):
        compare(np.c_[frame["a"], 10 * frame["code"] + 5], labels, models=never, **FAST)  # an array of codes
    text_codes = np.array([f"{c}_level" for c in frame["code"]], dtype=object)  # a text for each numeric class
    with pytest.raises(ValueError, match=r"X's column 'level' pairs one to one.*'0_level' with 0"):
        compare(frame[["a"]].assign(level=text_codes), frame["code"].to_numpy(), models=never, **FAST)
    predictive = np.where(rng.rand(120) < 0.95, labels, "no")  # agrees in most rows, not all: a feature
    finer = np.where(labels == "no", rng.choice(["n1", "n2"], 120), labels)  # two values of one class
    identifier = np.arange(120)  # one value a row: a row number, left to row_identifier_notes
    table = compare(frame[["a"]].assign(p=predictive, f=finer, rowid=identifier), labels, models=["linear"], cv=2,
                    repeats=1, **FAST)
    assert not any("one to one" in note for note in table.attrs["notes"])
    y = rng.randn(120)
    table = compare(pd.DataFrame({"a": rng.randn(120), "in_k": y / 1000 + 3, "noisy": y + 1e-3 * rng.randn(120)}),
                    y, models=["linear"], cv=2, repeats=1, **FAST)
    assert [note for note in table.attrs["notes"] if "linear function" in note] == [
        "X's column 'in_k' is an exact linear function of the target y in every row (the target in other units?): "
        "every model can read the answer from it; drop it (X.drop(columns='in_k')) if it was derived from the target"]
    rare = np.r_[np.ones(5, int), np.zeros(295, int)]  # a flag on a class of 5 rows: a feature as likely, a note
    table = compare(pd.DataFrame({"a": rng.randn(300), "flag": np.where(rare, "on", "off")}), rare,
                    models=["linear"], cv=2, repeats=1, **FAST)
    assert any("'flag' pairs one to one with the classes" in note and "a class of 5 rows" in note
               for note in table.attrs["notes"])
    big = rng.choice(["no", "yes"], 1500)  # beyond the 1,000 rows judged first
    with pytest.raises(ValueError, match="'late' pairs one to one"):
        compare(pd.DataFrame({"a": rng.randn(1500), "late": (big == "yes").astype(float)}), big, models=never,
                **FAST)
    almost = (big == "yes").astype(float)
    almost[1200] = 1 - almost[1200]  # one row past the first 1,000 that disagrees: a feature
    big_y = rng.randn(1500)
    table = compare(pd.DataFrame({"a": rng.randn(1500), "almost": almost}), big, models=["linear"], cv=2, repeats=1,
                    **FAST)
    assert not any("one to one" in note for note in table.attrs["notes"])
    table = compare(pd.DataFrame({"cents": 100 * big_y, "a": rng.randn(1500)}), big_y, models=["linear"], cv=2,
                    repeats=1, **FAST)
    assert any("'cents' is an exact linear function" in note for note in table.attrs["notes"])
    lost = frame["code"].to_numpy(dtype=float)
    lost[:6] = np.nan  # a copy with a few cells lost is a copy all the same
    with pytest.raises(ValueError, match=r"'lost' pairs one to one with the classes of the target y \(.*its 6 "
                                         r"missing cells aside\)"):
        compare(frame[["a"]].assign(lost=lost), labels, models=never, **FAST)
    present_in = np.r_[np.full(12, None), np.full(108, "US")].astype(object)  # missing for one class's rows and 2
    ordered = np.r_[np.full(10, "yes"), np.full(110, "no")]
    for order in (slice(None), slice(None, None, -1)):  # (a class's code must not decide: it did in one order)
        table = compare(frame[["a"]].assign(country=present_in[order]), ordered[order], models=["linear"], cv=2,
                        repeats=1, **FAST)  # constant where present: no pairing to speak of
        assert not any("one to one" in note for note in table.attrs["notes"])
    lost[:20] = np.nan  # a sixth of it missing: a feature as likely, not judged
    table = compare(frame[["a"]].assign(lost=lost), labels, models=["linear"], cv=2, repeats=1, **FAST)
    assert not any("one to one" in note for note in table.attrs["notes"])
    cents = 100 * y
    cents[7] = np.nan
    table = compare(pd.DataFrame({"a": rng.randn(120), "cents": cents}), y, models=["linear"], cv=2, repeats=1,
                    **FAST)
    assert any("'cents' is an exact linear function of the target y in every row, its 1 missing cell aside" in note
               for note in table.attrs["notes"])
    small = np.array([0, 1] * 9)
    table = compare(pd.DataFrame({"age": rng.randint(30, 80, 18), "sex": np.where(small, "f", "m")}), small,
                    models=["linear"], cv=3, repeats=1, **FAST)  # 18 rows: agreement by chance, a note
    assert any("'sex' pairs one to one with the classes" in note and "on 18 rows" in note
               for note in table.attrs["notes"])


def _shuffled_frame(index):
    rng = np.random.RandomState(0)
    frame = pd.DataFrame({"a": rng.randn(40), "b": rng.randn(40)}, index=index)
    frame["target"] = (frame["a"] > 0).astype(int)
    return frame


def test_pandas_x_and_y_with_the_same_labels_in_another_order_neither_the_default_are_refused():
    frame = _shuffled_frame(np.arange(100, 140))
    X, y = frame.sort_values("b")[["a", "b"]], frame["target"]
    with pytest.raises(ValueError, match=rf"X and y have the same index labels in a different order \(row 0 is "
                                         rf"labelled {X.index[0]} in X and 100 in y\), and rows are paired by "
                                         r"position: each row may get another row's target; if rows are paired by "
                                         r"their labels, align them first \(y = y.loc\[X.index\]\); if by position, "
                                         r"drop y's labels \(y = y.reset_index\(drop=True\)\)\."):
        compare(X, y, models=["linear"], **FAST)
    table = compare(X, y.loc[X.index], models=["linear"], cv=2, repeats=1, scoring="accuracy", **FAST)
    assert table.loc["LogisticRegression", "accuracy_mean"] > 0.85
    multi = frame.set_index(pd.MultiIndex.from_arrays([np.arange(40), list("ab") * 20]))
    with pytest.raises(ValueError, match=r"labelled \(\d+, '[ab]'\) in X and \(0, 'a'\) in y"):  # not np.int64(..)
        compare(multi.sort_values("b")[["a", "b"]], multi["target"], models=["linear"], **FAST)


def test_a_default_index_on_one_side_is_paired_by_position_with_a_note():
    frame = _shuffled_frame(None).sample(frac=1, random_state=1)  # shuffled: the index a permutation of 0..39
    X, y = frame[["a", "b"]].reset_index(drop=True), frame["target"]  # X reset (get_dummies, concat), y not
    table = compare(X, y, models=["linear"], cv=2, repeats=1, scoring="accuracy", **FAST)
    assert table.loc["LogisticRegression", "accuracy_mean"] > 0.85  # paired by position, rightly
    assert table.attrs["notes"][0].startswith(f"X and y have the same index labels in a different order (row 0 is "
                                              f"labelled 0 in X and {y.index[0]} in y), and rows are paired by "
                                              "position, as scikit-learn does: if rows are paired by their labels")
    table = compare(frame[["a", "b"]], frame["target"].reset_index(drop=True), models=["linear"], cv=2, repeats=1,
                    **FAST)  # the other side reset
    assert "y = y.reset_index(drop=True)" in table.attrs["notes"][0]
    compare(frame[["a", "b"]].set_axis(np.arange(40) + 50), y, models=["linear"], cv=2, repeats=1, **FAST)  # other


def test_the_row_order_helper_on_its_own():
    X = pd.DataFrame({"a": range(4)}, index=["w", "x", "y", "z"])
    with pytest.raises(ValueError, match=r"features and labels have the same index labels in a different order \(row 0 "
                                         r"is labelled 'w' in features and 'x' in labels\)"):
        check_same_row_order(X, pd.Series(range(4), index=["x", "w", "y", "z"]), "features", "labels")
    assert check_same_row_order(X, pd.Series(range(4), index=["w", "x", "y", "z"])) is None  # aligned
    assert check_same_row_order(X, pd.Series(range(4))) is None  # other labels
    assert check_same_row_order(X, np.arange(4)) is None  # numpy: no labels
    assert check_same_row_order(X, pd.Series(range(4), index=["x", "x", "w", "y"])) is None  # repeated labels
    assert "y = y.loc[X.index]" in check_same_row_order(X.set_axis([1, 0, 2, 3]), pd.Series(range(4)))


def test_two_seeds_give_unrelated_repeats():
    X, y = np.zeros((60, 1)), np.arange(60) % 2

    def tests_of(seed):
        return [tuple(np.sort(te)) for r, f, _, te in make_splits(X, y, 3, 4, "classification", seed) if f == 0]

    zero, one = tests_of(0), tests_of(1)
    assert not set(zero) & set(one)  # random_state + r shared 3 of the 4 repeats
    assert len(set(zero)) == 4
    assert make_splits(X, y, 3, 2, "classification", 2**32 - 1)  # the largest seed serves any number of repeats
    first = [tuple(te) for _, te in KFold(3, shuffle=True, random_state=5).split(X)]
    assert [tuple(te) for _, _, _, te in make_splits(X, y.astype(float), 3, 1, "regression", 5)] == first


def test_dummy_is_untouched_by_the_checks():
    X, y = np.random.RandomState(0).randn(30, 2), np.arange(30) % 3
    table = compare(X, y, models={"majority": DummyClassifier()}, cv=3, repeats=1, baseline=False, **FAST)
    assert table.attrs["notes"] == []


def test_a_column_that_tells_the_target_almost_alone_gets_a_note():
    """R's birthwt: 'bwt' (the birth weight) beside the target 'low' (bwt < 2500), and PSID1976's hours beside
    'participation', gave scores near 1 without a word: only exact copies, linear functions and codes were noted."""
    from sknn._compare_checks import check_target_not_a_feature

    rng = np.random.default_rng(0)
    weight = rng.normal(3000, 600, 200)
    low = np.where(weight < 2500, "yes", "no")
    X = pd.DataFrame({"bwt": weight, "age": rng.normal(25, 5, 200), "row": rng.permutation(200) + 1,
                      "noisy": weight + rng.normal(0, 400, 200)})
    notes = check_target_not_a_feature(X, low)
    assert len(notes) == 1 and notes[0].startswith("X's column 'bwt' alone separates the 2 classes: every 'yes' from ")
    assert "drop it (X.drop(columns='bwt')) if it is one" in notes[0]  # (not the row numbers, nor a noisy measure)
    y = rng.normal(20, 5, 200)
    X = pd.DataFrame({"in_cents": y * 100 + rng.normal(0, 1, 200), "rounded": y.round(),
                      "real": y + rng.normal(0, 3, 200)})
    notes = check_target_not_a_feature(X, y, "regression")
    assert [n.split(" follows")[0] for n in notes] == ["X's column 'in_cents'", "X's column 'rounded'"]
    assert "follows the target y almost exactly (rank correlation 1.0000)" in notes[0]
    result = compare(pd.DataFrame({"bwt": weight, "age": X["real"]}), low, models=["linear"], cv=2, repeats=1,
                     **FAST)
    assert any("'bwt' alone separates" in n for n in result.attrs["notes"])


def test_a_column_of_sample_weights_is_said_to_be_read_as_a_feature():
    """compare takes no weights, and a file's sample_weight column was a feature without a word."""
    rng = np.random.RandomState(0)
    X = pd.DataFrame({"a": rng.randn(60), "Sample_Weight": rng.rand(60)})
    table = compare(X, X["a"] + rng.randn(60), models=["linear"], cv=3, repeats=1, **FAST)
    assert ["X's column 'Sample_Weight' is read as a feature: compare weighs every row alike (it takes no sample "
            "weights); if the column weighs the rows, drop it (X.drop(columns='Sample_Weight'))"] == [
                n for n in table.attrs["notes"] if "weigh" in n]
    table = compare(X.rename(columns={"Sample_Weight": "weight"}), X["a"] + 1, models=["linear"], cv=3, repeats=1,
                    **FAST)
    assert not any("weigh" in n for n in table.attrs["notes"])  # (a body's weight: a feature like any)


def test_the_target_kept_as_one_hot_columns_gets_a_note():
    """A file that kept the target's 0/1 columns beside it (COUNT/medpar's type1-type3 for its 3 types): each column
    alone has 2 values for 3 classes, so no check of one column found them, and every model scored 1.0 unexplained."""
    rng = np.random.RandomState(0)
    y = rng.choice(["a", "b", "c"], 120)
    X = pd.DataFrame({"x": rng.randn(120), "t1": (y == "a").astype(int), "t2": (y == "b").astype(int),
                      "t3": (y == "c").astype(int)})
    for columns in (["t1", "t2", "t3"], ["t1", "t2"]):  # (all the classes, or all but one)
        notes = prepare(X[["x", *columns]], y, models=["linear"], n_jobs=1, threads=1).notes
        assert any("are the classes of the target y written as 0/1 columns" in n and all(c in n for c in columns)
                   for n in notes), notes
    assert prepare(X[["x", "t1"]], y, models=["linear"], n_jobs=1, threads=1).notes == []  # one class: a feature
