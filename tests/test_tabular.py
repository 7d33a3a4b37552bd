"""Tables with numbers, strings, categoricals and missing values, straight into the dense networks."""

import pickle

import numpy as np
import pandas as pd
import pytest
import torch

import sknn
from sknn import DenseClassifier, DenseRegressor
from sknn._layers import TabularInput, smooth_clip
from sknn._tabular import TabularPreprocessor, robust_statistics
from sknn.dense import forward_numpy

SMALL = dict(hidden_layer_sizes=(16,), max_iter=40, random_state=0, n_jobs=1)


def _table(n=240, seed=0):
    """A table of every kind of column; the target depends on a number, a string and a missing value."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    city = rng.choice(["Oslo", "Lima", "Pune"], n)
    shop = pd.Categorical(rng.choice([f"s{i}" for i in range(30)], n))  # many categories: an embedding
    income = np.where(rng.random(n) < 0.3, np.nan, rng.lognormal(size=n))
    frame = pd.DataFrame({"x": x, "city": city, "shop": shop, "income": income,
                          "member": rng.random(n) < 0.5, "constant": 7.0, "empty": np.nan})
    y = (x + 2.0 * (city == "Lima") - 2.0 * np.isnan(income) > 0).astype(int)
    return frame, np.where(y == 1, "yes", "no")


# -- the preprocessor ---------------------------------------------------------------------------
def test_columns_are_typed_and_encoded():
    frame, _ = _table()
    pre = TabularPreprocessor().fit(frame)
    assert frame.columns[pre.numeric_columns_].tolist() == ["x", "income", "member", "constant", "empty"]
    assert frame.columns[pre.categorical_columns_].tolist() == ["city", "shop"]
    assert pre.categories_[0].tolist() == ["Lima", "Oslo", "Pune"]
    assert pre.has_missing_.tolist() == [False, True, False, False, True]
    out = pre.transform(frame)
    assert out.dtype == np.float32 and out.shape == (len(frame), 7)
    np.testing.assert_array_equal(out[:, 0], frame["x"].to_numpy(np.float32))  # numbers pass as they are
    assert np.isnan(out[:, 1]).sum() == frame["income"].isna().sum()  # missing stays missing (NaN)
    codes = out[:, 5]
    np.testing.assert_array_equal(pre.categories_[0][codes.astype(int) - 1], frame["city"])  # codes 1..K
    np.testing.assert_array_equal(pre.feature_names_in_, frame.columns)


def test_constant_and_all_missing_columns_carry_no_information():
    frame, _ = _table()
    pre = TabularPreprocessor().fit(frame)
    constant, empty = 3, 4  # positions among the numeric columns
    assert pre.scale_[constant] == 0 and pre.scale_[empty] == 0 and pre.center_[empty] == 0
    layer = TabularInput(5, center=pre.center_, scale=pre.scale_, has_missing=pre.has_missing_)
    numbers = layer(torch.from_numpy(pre.transform(frame)[:, :5]))
    assert torch.isfinite(numbers).all()
    assert (numbers[:, constant] == 0).all() and (numbers[:, empty] == 0).all()


def test_robust_statistics_and_smooth_clipping_tame_outliers():
    X = np.c_[np.arange(100.0), np.r_[np.zeros(95), [1, 2, 3, 4, 1e9]]]
    center, scale = robust_statistics(X)
    np.testing.assert_allclose(center, [49.5, 0.0])
    np.testing.assert_allclose(scale[0], 1 / 49.5)  # 1 / interquartile range
    np.testing.assert_allclose(scale[1], 2 / 1e9)  # quartiles equal: 2 / range
    clipped = smooth_clip(torch.tensor([-3e38, -1e9, -1.0, 0.0, 0.5, 1e9, 3e38]))
    assert clipped.abs().max() <= 3 and abs(float(clipped[4]) - 0.5) < 0.01  # bounded, the identity near 0
    assert clipped[0] < -2.99 and clipped[-1] > 2.99  # huge values do not overflow to 0


def test_unknown_and_missing_categories_share_code_zero():
    frame, y = _table()
    pre = TabularPreprocessor().fit(frame)
    new = frame.head(3).copy()
    new["city"] = ["Rome", None, "Oslo"]
    codes = pre.transform(new)[:, 5]
    assert codes.tolist() == [0.0, 0.0, 2.0]


def test_a_column_that_changes_kind_between_fit_and_predict_is_refused():
    frame, y = _table()
    clf = DenseClassifier(**dict(SMALL, max_iter=2)).fit(frame, y)
    bad = frame.head(4).astype({"x": object})
    bad.loc[1, "x"] = "twelve"
    with pytest.raises(ValueError, match="'x' held numbers in fit but holds the string 'twelve'"):
        clf.predict(bad)
    bad = frame.head(4).copy()
    bad["city"] = [1, 2, 3, 4]
    with pytest.raises(ValueError, match="'city' held strings in fit"):
        clf.predict(bad)


@pytest.mark.parametrize("column, message", [
    (pd.to_datetime(["2020-01-01"] * 10), "'when' holds dates"),
    ([{"a": 1}] * 10, "the argument must be a string or a number"),
])
def test_unsupported_columns_are_named(column, message):
    frame = pd.DataFrame({"when": column, "x": np.arange(10.0)})
    with pytest.raises(TypeError, match=message):
        DenseClassifier(**SMALL).fit(frame, np.arange(10) % 2)


def test_infinity_is_refused_with_its_column():
    frame, y = _table()
    frame.loc[3, "x"] = np.inf
    with pytest.raises(ValueError, match="infinity in column 'x'"):
        DenseClassifier(**SMALL).fit(frame, y)


# -- the networks on raw tables -----------------------------------------------------------------
def test_a_raw_table_trains_without_a_column_transformer():
    frame, y = _table(600)
    clf = DenseClassifier(**dict(SMALL, max_iter=60)).fit(frame[:400], y[:400])
    # the target needs the number, the string and the missingness of income: all three reach the network
    assert clf.score(frame[400:], y[400:]) > 0.8
    layer = clf.net_.module_.layers[0]
    assert isinstance(layer, TabularInput)
    assert layer.one_hot_columns == [0] and layer.embedded_columns == [1]  # city one-hot, 30 shops embedded
    assert len(layer.missing_columns) == 2  # income and the empty column get indicators
    proba = clf.predict_proba(frame[400:])
    assert proba.shape == (200, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-12)  # to float64 precision


def test_unknown_category_at_predict_is_predicted_as_missing():
    frame, y = _table()
    clf = DenseClassifier(**dict(SMALL, max_iter=5)).fit(frame, y)
    unseen, missing = frame.head(5).copy(), frame.head(5).copy()
    unseen["city"], missing["city"] = "Rome", None
    np.testing.assert_array_equal(clf.predict_proba(unseen), clf.predict_proba(missing))


def test_regressor_on_a_raw_table_and_its_standardised_target():
    frame, _ = _table(400)
    y = 1000.0 + 50.0 * frame["x"].to_numpy() + np.where(frame["city"] == "Lima", 200.0, 0.0)
    reg = DenseRegressor(**dict(SMALL, max_iter=80)).fit(frame[:300], y[:300])
    assert reg.y_mean_[0] == pytest.approx(y[:300].mean()) and reg.y_scale_[0] == pytest.approx(y[:300].std())
    assert reg.score(frame[300:], y[300:]) > 0.8


def test_arrays_prepared_by_the_user_skip_the_preprocessing(iris):
    X, y = iris
    clf = DenseClassifier(**dict(SMALL, preprocessing=None, numeric_embedding=None)).fit(X, y)
    assert not hasattr(clf, "preprocessor_") and isinstance(clf.net_.module_.layers[0], torch.nn.Module)
    assert not isinstance(clf.net_.module_.layers[0], TabularInput)
    with pytest.raises(ValueError, match="could not convert string to float"):
        DenseClassifier(**dict(SMALL, preprocessing=None)).fit(np.array([["a", 1.0], ["b", 2.0]] * 5), [0, 1] * 5)


def test_the_preprocessing_survives_pickle_save_and_numpy_export(tmp_path):
    frame, y = _table()
    clf = DenseClassifier(**dict(SMALL, max_iter=5)).fit(frame, y)
    expected = clf.predict_proba(frame)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(clf)).predict_proba(frame), expected)
    clf.save(tmp_path / "model.safetensors")
    again = sknn.load(tmp_path / "model.safetensors")
    np.testing.assert_array_equal(again.predict_proba(frame), expected)
    assert again.preprocessor_.categories_[0].tolist() == ["Lima", "Oslo", "Pune"]
    network = clf.export_network()
    np.testing.assert_allclose(forward_numpy(network, frame), expected, atol=1e-5)
    np.testing.assert_allclose(DenseClassifier.from_network(network).predict_proba(frame), expected, atol=1e-5)


def test_a_fitted_model_describes_the_network_it_has(tmp_path):
    frame, y = _table()
    clf = DenseClassifier(**dict(SMALL, max_iter=5, activation="selu")).fit(frame, y)
    expected = clf.predict_proba(frame)
    clf.set_params(activation="relu", hidden_layer_sizes=(4, 4), numeric_embedding=None, preprocessing=None)
    np.testing.assert_array_equal(clf.predict_proba(frame), expected)  # the trained network, as it was built
    assert {layer.get("name") for layer in clf.export_network()["layers"]} >= {"selu"}
    np.testing.assert_allclose(forward_numpy(clf.export_network(), frame), expected, atol=1e-5)
    clf.save(tmp_path / "model.safetensors")
    np.testing.assert_array_equal(sknn.load(tmp_path / "model.safetensors").predict_proba(frame), expected)
    with pytest.raises(ValueError, match=r"hidden_layer_sizes=\(4, 4\) now, but the network was built with "
                                         r"hidden_layer_sizes=\(16,\)"):
        clf.set_params(warm_start=True).fit(frame, y)
    clf.set_params(warm_start=False, preprocessing="auto").fit(frame, y)  # a new network follows the new parameters
    assert clf.architecture_["hidden_layer_sizes"] == (4, 4)
