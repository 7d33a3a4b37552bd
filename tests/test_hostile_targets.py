"""Hostile names, labels, targets and weights (a probe of 2026-12-06): each was read silently otherwise, or failed
inside pandas, numpy or scikit-learn."""

import enum
import warnings

import numpy as np
import pandas as pd
import pytest

from sknn import DenseClassifier, DenseRegressor
from sknn.persist import load

SMALL = dict(hidden_layer_sizes=(8,), max_iter=3, random_state=0, n_jobs=1)
RNG = np.random.RandomState(0)
X = RNG.randn(40, 3)


class Colour(enum.StrEnum):
    RED = "red"
    GREEN = "green"


@pytest.mark.parametrize("names", [np.array(["age", "income", "debt"]), [Colour.RED, Colour.GREEN, "debt"],
                                   ["age", np.str_("income"), "debt"]])
def test_column_names_of_a_subclass_of_str_are_recorded_and_checked_as_strings(names):
    """np.str_ names (a frame built from an array of names) and StrEnum names were recorded nowhere: the same columns
    in another order were read by position at predict, each where another was learned, without a word."""
    frame = pd.DataFrame(dict(zip(names, X.T)))
    clf = DenseClassifier(**SMALL).fit(frame, X[:, 0] > 0)
    assert clf.feature_names_in_.tolist() == [str.__str__(n) for n in names]
    assert all(type(n) is str for n in clf.feature_names_in_)
    with pytest.raises(ValueError, match="same order as they were in fit"):
        clf.predict(frame[frame.columns[::-1]])
    plain = frame.set_axis([str.__str__(n) for n in names], axis=1)
    np.testing.assert_array_equal(clf.predict_proba(plain), clf.predict_proba(frame))


def test_str_enum_categories_and_labels_are_saved_as_their_text(tmp_path):
    """StrEnum cells and labels trained, but save refused them as 'code'."""
    frame = pd.DataFrame({"x": X[:, 0], "colour": [Colour.RED, Colour.GREEN] * 20})
    labels = pd.Series([Colour.GREEN, Colour.RED, Colour.RED, Colour.GREEN] * 10)
    clf = DenseClassifier(**SMALL).fit(frame, labels)
    assert [type(c) for c in clf.classes_] == [str, str]
    assert clf.classes_.tolist() == ["green", "red"]
    assert {type(c) for c in clf.preprocessor_.categories_[0]} == {str}
    clf.save(tmp_path / "m.sknn")
    as_text = frame.assign(colour=frame["colour"].map(str.__str__))
    np.testing.assert_array_equal(load(tmp_path / "m.sknn").predict_proba(as_text), clf.predict_proba(frame))
    assert clf.score(frame, labels) == clf.score(frame, labels.map(str.__str__))


def test_infinite_class_labels_are_named_by_position():
    with pytest.raises(ValueError, match=r"y\[2\] is inf: a label must be a finite value"):
        DenseClassifier(**SMALL).fit(X, np.array([0.0, 1.0, np.inf, 1.0] * 10))


@pytest.mark.parametrize("given, shown", [(["B"] * 40, "'B' for 'b'"), (["A", "B", "C"] * 13 + ["A"], "and 2 more")])
def test_score_labels_spelled_in_another_case_are_warned_of_however_few(given, shown):
    """One label differing from a class by case scored 0 without a word (three or more were warned of)."""
    clf = DenseClassifier(**SMALL).fit(X, np.array(["b", "c", "a", "b"] * 10))
    with pytest.warns(UserWarning, match=f"spell the model's classes otherwise: .*{shown}"):
        assert clf.score(X, np.array(given)) == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clf.score(X, np.array(["z"] * 40))  # a class never trained on: no other spelling, no warning


def test_a_target_frame_with_repeated_column_names_is_refused_by_name():
    y = pd.DataFrame(np.c_[X[:, 0], -X[:, 0]], columns=["a", "a"])
    with pytest.raises(ValueError, match="y has several columns named 'a'"):
        DenseRegressor(**SMALL).fit(X, y)


def test_the_order_fix_for_target_columns_uses_the_names_own_values():
    """The fix for a y of integer column names in another order read y[['1', '0']], which raises KeyError; and a
    validation target's message said fit had 'y_val's columns'."""
    y = X[:, 0]
    reg = DenseRegressor(**SMALL).fit(X, pd.DataFrame(np.c_[y, -y], columns=[1, 0]))
    with pytest.raises(ValueError, match=r"put them in fit's order first \(y\[\[1, 0\]\]\)"):
        reg.score(X, pd.DataFrame(np.c_[-y, y], columns=[0, 1]))
    frame = pd.DataFrame({"a": y, "b": -y})
    with pytest.raises(ValueError, match=r"fitted on columns named \['a', 'b'\].*y_val\[\['a', 'b'\]\]"):
        DenseRegressor(**SMALL).fit(X, frame, validation_data=(X[:8], frame[["b", "a"]][:8]))


@pytest.mark.parametrize("weights, where", [(pd.Series([1.0] * 39 + [None], dtype="Float64"), "39] is nan"),
                                            ([1.0] * 38 + [np.inf, 1.0], "38] is inf"),
                                            (np.array([1.0] * 39 + [np.nan], dtype=np.float32), "39] is nan")])
def test_missing_or_infinite_weights_are_named_by_position_with_a_fix(weights, where):
    with pytest.raises(ValueError, match=rf"sample_weight\[{where}: a weight must be a finite number; .*weight"):
        DenseClassifier(**SMALL).fit(X, X[:, 0] > 0, sample_weight=weights)
