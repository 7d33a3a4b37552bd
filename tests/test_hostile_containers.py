"""Inputs in containers numpy and scikit-learn misread or name badly: masked arrays, records, torch tensors of
complex numbers; targets and weights that are not one number or label per sample in order."""

import warnings

import numpy as np
import pandas as pd
import pytest
import torch

from sknn import ConvImageClassifier, DenseClassifier, DenseRegressor, compare

SMALL = dict(hidden_layer_sizes=(8,), max_iter=3, random_state=0)


@pytest.fixture
def table():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 2))
    return X, X[:, 0] + 0.1 * rng.normal(size=60), (X.sum(axis=1) > 0).astype(int)


def _masked(X):
    """X as a masked array whose every third first-column cell is masked over -999, and X with NaN there."""
    masked = np.ma.masked_array(X.copy(), mask=np.zeros_like(X, dtype=bool))
    masked.mask[::3, 0] = True
    masked.data[::3, 0] = -999.0
    missing = X.copy()
    missing[::3, 0] = np.nan
    return masked, missing


def test_masked_cells_of_a_table_are_missing_values_not_the_values_under_the_mask(table):
    X, y, labels = table
    masked, missing = _masked(X)
    fitted = DenseRegressor(**SMALL).fit(masked, y)
    reference = DenseRegressor(**SMALL).fit(missing, y)
    np.testing.assert_array_equal(fitted.predict(missing), reference.predict(missing))
    np.testing.assert_array_equal(reference.predict(masked), reference.predict(missing))
    assert not np.array_equal(reference.predict(masked.data), reference.predict(missing))  # -999 is read otherwise
    # nothing masked: the data; preprocessing=None names the missing values as for NaN
    assert DenseRegressor(**SMALL, preprocessing=None).fit(np.ma.masked_array(X), y).n_features_in_ == 2
    with pytest.raises(ValueError, match="Input X contains NaN: with preprocessing=None"):
        DenseRegressor(**SMALL, preprocessing=None).fit(masked, y)
    # text cells masked: missing categories
    words = np.ma.masked_array(np.where(labels[:, None] == 1, "a", "b").astype(object),
                               mask=np.arange(60)[:, None] % 4 == 0)
    assert DenseClassifier(**SMALL).fit(words, labels).preprocessor_.categories_[0].tolist() == ["a", "b"]
    # compare reads them so too, and leaves out the rows of masked targets as those of missing ones
    kw = dict(models=["linear"], cv=3, repeats=1, verbose=False)
    score = "balanced_accuracy_mean"
    assert compare(masked, labels, **kw)[score].tolist() == compare(missing, labels, **kw)[score].tolist()
    targets = np.ma.masked_array(labels, mask=np.arange(60) % 10 == 0)
    assert "6 row(s) without a target are left out" in compare(X, targets, **kw).attrs["notes"][0]


def test_masked_targets_weights_and_pixels_are_refused(table):
    X, y, labels = table
    hidden = np.arange(60) % 7 == 0
    with pytest.raises(ValueError, match=r"y is a masked array with 9 masked value\(s\).*y.filled\(value\)"):
        DenseClassifier(**SMALL).fit(X, np.ma.masked_array(labels, mask=hidden))
    with pytest.raises(ValueError, match=r"sample_weight is a masked array with 9 masked"):
        DenseRegressor(**SMALL).fit(X, y, sample_weight=np.ma.masked_array(np.ones(60), mask=hidden))
    fitted = DenseClassifier(**SMALL).fit(X, labels)
    with pytest.raises(ValueError, match=r"y is a masked array"):
        fitted.score(X, np.ma.masked_array(labels, mask=hidden))
    images = np.random.RandomState(0).rand(6, 8, 8)
    with pytest.raises(ValueError, match=r"X is a masked array with 1 masked value\(s\).*X.filled"):
        ConvImageClassifier(max_iter=1).fit(np.ma.masked_array(images, mask=images == images.max()), [0, 1] * 3)


def test_records_and_complex_tensors_are_named_with_their_fix(table):
    X, y, _ = table
    for records, what in (([{"a": a, "b": b} for a, b in X], "a list of dicts"), ({"a": list(X[:, 0])}, "a dict"),
                          (np.zeros(60, dtype=[("a", float), ("b", float)]), "a structured array")):
        with pytest.raises(TypeError, match=rf"X is {what}.*pd.DataFrame\(X\)"):
            DenseRegressor(**SMALL).fit(records, y)
    fitted = DenseRegressor(**SMALL).fit(pd.DataFrame(X, columns=["a", "b"]), y)
    with pytest.raises(TypeError, match="X is a list of dicts"):
        fitted.predict([{"a": 0.0, "b": 1.0}])
    for preprocessing in ("auto", None):
        with pytest.raises(ValueError, match=r"X holds complex numbers.*np.column_stack"):
            DenseRegressor(**SMALL, preprocessing=preprocessing).fit(torch.tensor(X.astype(complex)), y)


def test_infinity_read_as_it_is_is_named_by_column(table):
    X, y, _ = table
    infinite = pd.DataFrame(X, columns=["a", "b"])
    infinite.loc[3, "b"] = np.inf
    with pytest.raises(ValueError, match=r"Input X contains infinity .* in column 'b': with preprocessing=None"):
        DenseRegressor(**SMALL, preprocessing=None).fit(infinite, y)
    fitted = DenseRegressor(**SMALL).fit(X, y)
    low, high = X[:, 0].min(), X[:, 0].max()
    with pytest.raises(ValueError, match=rf"fitted on values from {low:.6g} to {high:.6g}.*clip\(-3.4e38, 3.4e38\)"):
        fitted.predict([[1e39, 0.0]])  # (rescaling new rows alone, the fix in fit, would misread them)
    np.testing.assert_allclose(fitted.predict([[3.4e38, 0.0]]), fitted.predict([[1e30, 0.0]]))  # the clip's reading


def test_weights_that_are_not_numbers_are_named(table):
    X, y, labels = table
    days = np.datetime64("2024-01-01") + np.arange(60).astype("timedelta64[D]")
    for weights, message in ((days, "holds dates, which would be read as counts of their unit since 1970"),
                             (pd.Series(days), "holds dates"), (days - days[0], "holds durations"),
                             ({"a": 1}, "is a dict"), ((1.0 for _ in range(60)), "is a generator"),
                             (np.ones(60) * (1 + 1j), "holds complex numbers"),
                             (["a"] * 60, r"is not an array of numbers .*could not convert"),
                             (pd.Series(["1,5"] * 60), r"is not an array of numbers \(a Series of dtype \w+: could")):
        with pytest.raises((TypeError, ValueError), match=f"sample_weight {message}"):
            DenseClassifier(**SMALL).fit(X, labels, sample_weight=weights)
    with pytest.raises(ValueError, match="sample_weight holds dates"):
        DenseClassifier(**SMALL).fit(X, labels).score(X, labels, sample_weight=days)
    scalar = DenseRegressor(**SMALL).fit(X, y, sample_weight=np.array(2.0))  # a 0-d array: the number, as 2.0 is
    np.testing.assert_array_equal(scalar.predict(X), DenseRegressor(**SMALL).fit(X, y, sample_weight=2.0).predict(X))


def test_targets_that_are_not_one_label_per_sample_in_order_are_named(table):
    X, y, labels = table
    for target, message in (((v for v in labels), r"y is a generator: .*\(list\(y\)\)"),
                            (set(labels), "y is a set, which has no order"),
                            (dict(enumerate(labels)), r"y is a dict: .*list\(y.values\(\)\)"),
                            (labels.reshape(-1, 1, 1), r"y has 3 dimensions \(shape \(60, 1, 1\)\)")):
        with pytest.raises((TypeError, ValueError), match=message):
            DenseClassifier(**SMALL).fit(X, target)
    with pytest.raises(ValueError, match=r"one-hot encoded labels\): pass the label of each row instead, y.idxmax"):
        DenseClassifier(**SMALL).fit(X, pd.get_dummies(pd.Series(labels).astype(str)))
    with pytest.raises(ValueError, match=r"Unknown label type: DenseClassifier predicts classes, and y holds 60 "
                                         r"distinct numbers with fractional parts .*DenseRegressor"):
        DenseClassifier(**SMALL).fit(X, y)
    with pytest.raises(TypeError, match=r"y holds bytes \(b'[pq]'\).*np.char.decode\(y, 'utf-8'\)"):
        DenseClassifier(**SMALL).fit(X, np.where(labels == 1, b"p", b"q"))
    # score checks y as fit does: a missing label and several columns named, not scikit-learn's metric errors
    fitted = DenseClassifier(**SMALL).fit(X, labels)
    with pytest.raises(ValueError, match=r"y\[0\] is NaN: a label cannot be missing"):
        fitted.score(X, np.r_[np.nan, labels[1:]])
    with pytest.raises(ValueError, match=r"y has 2 columns \(a multilabel"):
        fitted.score(X, np.c_[labels, labels])
    with pytest.raises(TypeError, match="y is a generator"):
        DenseRegressor(**SMALL).fit(X, y).score(X, (v for v in y))


def test_missing_values_written_as_text_are_warned_of_as_categories(table):
    X, y, labels = table
    cells = np.where(np.arange(60) % 5 == 0, "nan", np.where(labels == 1, "p", "q"))
    frame = pd.DataFrame({"x": X[:, 0], "c": cells})
    with pytest.warns(UserWarning, match=r"Column 'c' holds the text 'nan'.*X.replace\('nan', np.nan\)"):
        DenseRegressor(**SMALL).fit(frame, y)
    frame["c"] = np.where(labels == 1, "none", "some")  # a category spelt 'none' (no hair) is not a missing value
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        DenseRegressor(**SMALL).fit(frame, y)


def test_masked_items_of_sequences_images_and_documents_are_refused_by_position():
    from sknn import LSTMLanguageModel, LSTMSequenceTagger, Word2VecTransformer

    words = [["the", "dog", "runs"], ["a", "cat", "sleeps"], ["the", "cat", "runs"], ["a", "dog", "sleeps"]]
    tags = [["DET", "NOUN", "VERB"]] * 3 + [["X", "X", "X"]]
    tagger = LSTMSequenceTagger(hidden_size=8, embedding_dim=8, char_features=False, max_iter=2, random_state=0,
                                num_layers=1).fit(words, tags)
    hidden_weight = np.ma.masked_array([1.0, 1.0, 1.0, 100.0], mask=[0, 0, 0, 1])
    with pytest.raises(ValueError, match="sample_weight is a masked array with 1 masked"):
        tagger.score(words, tags, sample_weight=hidden_weight)  # (was read as 100)
    model = LSTMLanguageModel(hidden_size=8, embedding_dim=8, max_iter=1, min_count=1, random_state=0).fit(words)
    with pytest.raises(ValueError, match="sample_weight is a masked array"):
        model.score(words, sample_weight=hidden_weight)
    grid = np.ma.masked_array(np.array(words), mask=np.eye(4, 3, dtype=bool))
    with pytest.raises(ValueError, match=r"X is a masked array with 3 masked"):  # (was read with '--' as a word)
        tagger.predict(grid)
    with pytest.raises(ValueError, match=r"y is a masked array with 3 masked"):
        tagger.score(words, np.ma.masked_array(np.array(tags), mask=np.eye(4, 3, dtype=bool)))
    rng = np.random.RandomState(0)
    series = [rng.rand(5, 2) for _ in range(6)]
    numeric = LSTMSequenceTagger(hidden_size=8, max_iter=2, random_state=0, num_layers=1).fit(
        series, [(s[:, 0] > 0.5).astype(int).tolist() for s in series])
    with pytest.raises(ValueError, match=r"X\[0\] is a masked array with 1 masked"):
        numeric.predict([np.ma.masked_array(series[0], mask=np.arange(10).reshape(5, 2) == 2)] + series[1:])
    images = [np.ma.masked_array(rng.rand(8, 8), mask=rng.rand(8, 8) < 0.1) for _ in range(6)]
    with pytest.raises(ValueError, match=r"X\[0\] is a masked array"):
        ConvImageClassifier(max_iter=1).fit(images, [0, 1] * 3)
    vectors = Word2VecTransformer(vector_size=4, min_count=1, epochs=1, random_state=0, workers=1).fit(
        ["the dog runs", "a cat sleeps"] * 5)
    with pytest.raises(ValueError, match="X is a masked array with 1 masked"):
        vectors.transform(np.ma.masked_array(["the dog runs"] * 3, mask=[1, 0, 0]))


def test_a_set_as_x_and_fractional_labels_in_a_list_are_named(table):
    X, _, labels = table
    fitted = DenseClassifier(**SMALL).fit(X, labels)
    with pytest.raises(TypeError, match="got a set as X, which has no order"):
        fitted.predict({1, 2})
    with pytest.raises(ValueError, match=r"Unknown label type: ConvImageClassifier predicts classes, .*fractional"):
        ConvImageClassifier(max_iter=1).fit(np.random.RandomState(0).rand(6, 8, 8), [0.5, 1.5] * 3)
    with pytest.raises(ValueError, match=r"y holds labels DenseClassifier was not fitted on, numbers with fractional "
                                         r"parts \(such as 0\.5\)"):
        fitted.score(X, [0.5, 1.0] * 30)


def test_review_holes_validation_targets_sparse_infinity_integer_masks_and_refits(table):
    import scipy.sparse as sp

    from sknn._tabular import TabularPreprocessor

    X, y, labels = table
    hidden = np.arange(20) % 3 == 0
    with pytest.raises(ValueError, match=r"y_val is a masked array with 7 masked"):  # (was scored on the mask's)
        DenseRegressor(**SMALL).fit(X, y, X_val=X[:20], y_val=np.ma.masked_array(y[:20], mask=hidden))
    rows = np.arange(0, 60, 3)
    sparse = sp.csr_matrix((np.ones(len(rows)), (rows, rows % 7)), shape=(60, 7))
    sparse.data[4] = np.inf  # (found among the stored values: no dense copy)
    with pytest.raises(ValueError, match=rf"Input X contains infinity .* in column {rows[4] % 7}:"):
        DenseRegressor(**SMALL, preprocessing=None).fit(sparse, y)
    infinite = labels.astype(float)
    infinite[3] = np.inf  # an infinite label is y's, not X's
    for preprocessing in ("auto", None):
        with pytest.raises(ValueError, match=r"y\[3\] is inf: a label must be a finite value"):
            DenseClassifier(**SMALL, preprocessing=preprocessing).fit(X, infinite)
    with pytest.raises(ValueError, match="Unknown label type: DenseClassifier predicts classes"):
        DenseClassifier(**SMALL).fit(X, pd.Series(y))  # a float Series, as df['price'] is
    refitted = TabularPreprocessor().fit(X[:, :1])
    assert refitted.fit(X).n_features_in_ == 2  # (a refit read the first fit's ranges)
    # integer cells masked: numbers with missing values, which every model of compare reads (None was not)
    codes = np.random.RandomState(0).randint(0, 5, (60, 3))
    mask = np.zeros_like(codes, dtype=bool)
    mask[::4, 1] = True
    kw = dict(models=["linear"], cv=3, repeats=1, verbose=False)
    table_ = compare(np.ma.masked_array(codes, mask=mask), (codes[:, 0] > 2).astype(int), **kw)
    assert table_.attrs["errors"] == {}
    as_nan = np.where(mask, np.nan, codes.astype(float))
    assert table_["balanced_accuracy_mean"].tolist() == compare(as_nan, (codes[:, 0] > 2).astype(int), **kw)[
        "balanced_accuracy_mean"].tolist()


def test_a_column_of_distinct_texts_is_warned_of_as_categories_that_cannot_predict(table):
    X, y, labels = table
    frame = pd.DataFrame({"x": X[:, 0], "note": [f"visit {i}: fine" for i in range(60)],
                          "group": np.where(labels == 1, "p", "q")})
    with pytest.warns(UserWarning, match=r"Column 'note' holds a different value in almost every row that has one: .*unseen "
                                         r"\(read as missing\).*sknn.Word2VecTransformer"):
        DenseRegressor(**SMALL).fit(frame, y)
    # 26 distinct values in 30 present cells, under nine in ten: None and NaN are no values of their own
    notes = [f"visit {i}" for i in range(25)] + ["same"] * 5 + [None] * 5 + [np.nan] * 5
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        DenseRegressor(**SMALL).fit(pd.DataFrame({"x": X[:40, 0], "note": notes}), y[:40])
    with warnings.catch_warnings():  # a few categories, or fewer than 30 rows: nothing to say
        warnings.simplefilter("error")
        DenseRegressor(**SMALL).fit(frame.drop(columns="note"), y)
        DenseRegressor(**SMALL).fit(frame.iloc[:25], y[:25])
