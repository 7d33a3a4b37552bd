"""Hostile use of the scikit-learn workflow: data served in another form than in fit, rebuilt networks,
warm starts with changed settings, tiny classes, callbacks in odd forms."""

import datetime
import warnings
from decimal import Decimal

import numpy as np
import pandas as pd
import scipy.sparse as sp
import pytest
import torch
from sklearn.exceptions import ConvergenceWarning, DataConversionWarning
from sklearn.utils._param_validation import InvalidParameterError
from skorch.callbacks import Callback, EpochScoring, GradientNormClipping

from sknn import DenseClassifier, DenseRegressor, load
from sknn._data import ArrayBatches
from sknn._dense_numpy import forward_numpy
from sknn._tabular import TabularPreprocessor

RNG = np.random.RandomState(0)
X = RNG.normal(size=(60, 3))
DENSE = dict(hidden_layer_sizes=(4,), max_iter=1, early_stopping=False, device="cpu", random_state=0)


def test_number_categories_served_as_text_are_refused():
    # codes 1, 2, 3 read back from a CSV as '1', '2', '3' matched no category: every row became "missing"
    frame = pd.DataFrame({"store": pd.Categorical(RNG.randint(1, 4, 60)), "x": X[:, 0]})
    pre = TabularPreprocessor().fit(frame)
    with pytest.raises(ValueError, match=r"Column 'store' held int categories .* holds strings now .*'\d'"):
        pre.transform(frame.assign(store=frame.store.astype(str)))
    mixed = frame.assign(store=frame.store.astype(object))
    mixed.loc[0, "store"] = "7"  # one unseen text value among numbers: an unseen category, as before
    assert pre.transform(mixed)[0, -1] == 0


def test_boolean_column_with_missing_values_stays_a_number_column():
    flags = RNG.rand(60) > 0.5
    pre = TabularPreprocessor().fit(pd.DataFrame({"member": flags, "x": X[:, 0]}))
    served = pd.DataFrame({"member": [True, None, False], "x": [0.0, 1.0, 2.0]})  # object dtype: a gap
    out = pre.transform(served)
    assert out[0, 0] == 1 and np.isnan(out[1, 0]) and out[2, 0] == 0
    # fitted on such an object column, booleans are numbers too (as in a bool column), not categories
    objects = pd.DataFrame({"member": pd.Series(list(flags[:-1]) + [None], dtype=object), "x": X[:, 0]})
    assert list(TabularPreprocessor().fit(objects).numeric_columns_) == [0, 1]


@pytest.mark.parametrize("kind", ["bool", "boolean", "object", "array", "rows"])
def test_a_number_other_than_0_or_1_in_a_column_of_booleans_is_refused(kind, tmp_path):
    flags = RNG.rand(60) > 0.5
    column = {"bool": flags, "boolean": pd.array(flags, dtype="boolean"), "object": flags.astype(object),
              "array": flags.astype(object), "rows": flags.astype(object)}[kind]
    frame = pd.DataFrame({"x": X[:, 0], "member": column})
    fitted = frame.to_numpy(dtype=object) if kind == "array" else frame.to_numpy(dtype=object).tolist() \
        if kind == "rows" else frame  # (rows: numpy reads [[0.3, True], ...] as numbers, True as 1.0)
    kind = "array" if kind == "rows" else kind
    model = DenseRegressor(**DENSE).fit(fitted, X[:, 1])
    served = frame.head(3).assign(member=[5, 0, 1])  # a count where fit had a flag: read as the flag 5 times set
    with pytest.raises(ValueError, match=r"Column (1|'member') held True/False in fit but holds 5 now: pass "):
        model.predict(served.to_numpy(dtype=object) if kind == "array" else served)
    model.save(tmp_path / "m.safetensors")
    for rebuilt in (load(tmp_path / "m.safetensors"), DenseRegressor.from_network(model.export_network())):
        with pytest.raises(ValueError, match="held True/False in fit but holds 5 now"):
            rebuilt.predict(served.to_numpy(dtype=object) if kind == "array" else served)
    as_numbers = frame.head(3).assign(member=frame.member.head(3).astype(float).to_numpy())  # 0/1 and gaps: fine
    as_numbers.loc[1, "member"] = np.nan
    assert np.isfinite(model.predict(as_numbers.to_numpy(dtype=object) if kind == "array" else as_numbers)).all()
    numbers = frame.assign(member=flags.astype(int))  # a column of 0/1 numbers in fit: 5 stays a number
    model = DenseRegressor(**DENSE).fit(numbers, X[:, 1])
    assert np.isfinite(model.predict(served)).all()
    texts = frame.head(3).assign(member=frame.member.head(3).astype(str))  # read back from a file: 'True'
    if kind != "array":  # (coerced as numbers, every cell would be missing)
        with pytest.raises(ValueError, match=r"Column 'member' held True/False in fit but holds the string "
                                             r"'(True|False)' now .*map\(\{'True': True, 'False': False\}\)"):
            DenseRegressor(**DENSE).fit(frame, X[:, 1]).predict(texts)
    old = DenseRegressor(**DENSE).fit(frame, X[:, 1])
    del old.preprocessor_.boolean_  # a model pickled before boolean_ was recorded: the message of numbers
    with pytest.raises(ValueError, match=r"Column (1|'member') held numbers in fit but holds the string"):
        old.predict(texts.to_numpy(dtype=object) if kind == "array" else texts)
    pre = TabularPreprocessor().fit(frame).fit(sp.csr_matrix(X[:, :2]))  # refitted on numbers: no flag left
    assert pre.transform(np.array([[0.5, 3.0]])).shape == (1, 2)


def test_number_column_served_as_categories_is_named():
    frame = pd.DataFrame({"kids": RNG.randint(0, 4, 60).astype(float), "x": X[:, 0]})
    pre = TabularPreprocessor().fit(frame)
    with pytest.raises(ValueError, match="Column 'kids' held numbers in fit but holds categories now"):
        pre.transform(frame.assign(kids=frame.kids.astype("category")))


def test_from_network_refuses_unsorted_classes_and_the_other_task():
    y = np.array(["a", "b", "c"])[RNG.randint(0, 3, 60)]
    network = DenseClassifier(**DENSE).fit(X, y).export_network()
    shuffled = dict(network, classes=np.array(["b", "a", "c"]))  # partial_fit would train 'a' as 'b'
    with pytest.raises(ValueError, match=r"classes'\] must list each class once.*sorted order.*\['b', 'a', 'c'\]"):
        DenseClassifier.from_network(shuffled)
    with pytest.raises(ValueError, match="exported by a classification estimator: rebuild it with DenseClassifier"):
        DenseRegressor.from_network(network)
    bad = dict(network, params=dict(network["params"], max_iter="abc"))
    with pytest.raises(InvalidParameterError, match="max_iter"):
        DenseClassifier.from_network(bad)


def test_from_network_reads_json_and_names_what_does_not_fit():
    import json

    frame = pd.DataFrame({"x": X[:, 0], "z": X[:, 1], "city": ["Oslo", "Lima"] * 30})
    y = (X[:, 0] > 0).astype(int)
    model = DenseClassifier(**dict(DENSE, batch_norm=True, hidden_layer_sizes=(4, 4))).fit(frame, y)
    network = model.export_network()
    as_json = json.loads(json.dumps(network, default=lambda v: v.tolist() if hasattr(v, "tolist") else str(v)))
    as_json["preprocessor"], as_json["classes"] = network["preprocessor"], network["classes"]
    np.testing.assert_allclose(DenseClassifier.from_network(as_json).predict_proba(frame),
                               model.predict_proba(frame), atol=1e-6)  # lists read back from JSON
    layers = network["layers"]
    kinds = [layer["type"] for layer in layers]
    norm = kinds.index("batch_norm")
    eps = dict(network, layers=[dict(layer, eps=0.5) if i == norm else layer for i, layer in enumerate(layers)])
    np.testing.assert_allclose(DenseClassifier.from_network(eps).predict_proba(frame),
                               forward_numpy(eps, frame), atol=1e-5)  # the exported eps, not torch's default
    short = dict(network, layers=[dict(layer, mean=layer["mean"][:-1]) if i == norm else layer
                                  for i, layer in enumerate(layers)])
    with pytest.raises(ValueError, match=rf"layer {norm} \('batch_norm'\): mean has shape"):
        DenseClassifier.from_network(short)
    with pytest.raises(ValueError, match="scales its numbers, which needs the network's 'preprocessor'"):
        DenseClassifier.from_network({k: v for k, v in network.items() if k != "preprocessor"})
    with pytest.raises(ValueError, match="from_network builds one activation for every hidden layer"):
        DenseClassifier.from_network(dict(network, layers=[dict(layer, name="tanh") if layer["type"] == "activation"
                                                           and i == kinds.index("activation") else layer
                                                           for i, layer in enumerate(layers)]))
    with pytest.raises(ValueError, match="has no 'layers' entry"):
        DenseClassifier.from_network({k: v for k, v in network.items() if k != "layers"})


@pytest.mark.parametrize("labels", [
    pd.Series(np.array([2**60, 2**60 + 1, 2**60 + 256])[RNG.randint(0, 3, 60)], dtype="Int64"),
    pd.Series([True, False] * 30, dtype="boolean"),
    pd.array([5, 7, 9] * 20, dtype="Int64"),  # the arrays themselves, not in a Series
    pd.array([True, False] * 30, dtype="boolean"),
    pd.Series(pd.Categorical([True, False] * 30)),  # (scikit-learn's column_or_1d made it 0.0 and 1.0)
    pd.Categorical([True, False] * 30),
])
def test_nullable_labels_keep_their_type_and_values(labels):
    clf = DenseClassifier(**DENSE).fit(X, labels)
    assert len(clf.classes_) == len(set(labels))  # through float64, 2**60 and 2**60 + 1 were one class
    dtype = getattr(labels.dtype, "numpy_dtype", None) or labels.dtype.categories.dtype
    assert clf.predict(X[:2]).dtype == clf.classes_.dtype == dtype


def test_warm_start_refuses_a_changed_target_scaling():
    y = X @ [1.0, 2.0, 3.0]
    reg = DenseRegressor(**DENSE, normalize_y=False).fit(X, y)
    with pytest.raises(ValueError, match="normalize_y=True now, but the network was built with normalize_y=False"):
        reg.set_params(normalize_y=True, warm_start=True).fit(X, 1e5 * y)
    reg = DenseRegressor(**DENSE, clip_predictions=False).fit(X, y)
    with pytest.raises(ValueError, match="clip_predictions=True now"):
        reg.set_params(clip_predictions=True, warm_start=True).fit(X, y)


def test_a_changed_architecture_is_named_before_the_new_parameters_are_checked_together():
    """A warm start read the new hidden_layer_sizes with the fitted dropout: 'dropout has 1 rates but there are 2
    hidden layers', whose fix leads nowhere (the network has one)."""
    clf = DenseClassifier(**{**DENSE, "hidden_layer_sizes": (8,)}, dropout=[0.1]).fit(X, [0, 1] * 30)
    clf.set_params(hidden_layer_sizes=(4, 4))
    for again in (lambda: clf.partial_fit(X, [0, 1] * 30), lambda: clf.set_params(warm_start=True).fit(X, [0, 1] * 30)):
        with pytest.raises(ValueError, match=r"hidden_layer_sizes=\(4, 4\) now, but the network was built with "
                                             r"hidden_layer_sizes=\(8,\)"):
            again()


def test_early_stopping_split_trains_on_a_class_of_one_sample():
    # the one 'rare' sample went to the validation part for some seeds: a class never learned
    y_index = np.array([0] * 99 + [1])
    source = ArrayBatches(torch.zeros(100, 1), torch.from_numpy(y_index), None)
    clf = DenseClassifier(validation_fraction=0.2)
    for seed in range(12):
        train, valid = clf._split_validation(source, y_index, np.random.RandomState(seed))  # (sample indices)
        assert (len(train), len(valid)) == (80, 20)
        assert 1 in y_index[train] and 1 not in y_index[valid]


def test_missing_values_without_preprocessing_name_the_parameter():
    holes = X.copy()
    holes[3, 1] = np.nan
    with pytest.raises(ValueError, match="preprocessing=None .* fit with preprocessing='auto'"):
        DenseClassifier(**DENSE, preprocessing=None).fit(holes, [0, 1] * 30)


def test_callbacks_named_as_sknn_own_or_classes_needing_arguments_are_named():
    with pytest.raises(InvalidParameterError, match="named 'stopping', the name of one of sknn's own callbacks"):
        DenseClassifier(**DENSE, callbacks=[("stopping", EpochScoring("accuracy"))]).fit(X, [0, 1] * 30)
    with pytest.raises(InvalidParameterError, match=r"the class EpochScoring, which needs arguments .*EpochScoring\("):
        DenseClassifier(**DENSE, callbacks=[EpochScoring]).fit(X, [0, 1] * 30)
    # a class skorch can create still works
    DenseClassifier(**DENSE, callbacks=[GradientNormClipping]).fit(X, [0, 1] * 30)


def test_partial_fit_with_a_column_target_keeps_the_predictions_shape():
    y = X @ [1.0, 2.0, 3.0]
    reg = DenseRegressor(**DENSE).fit(X, y)
    reg.partial_fit(X, y[:, None])  # (n, 1): predictions stayed (n,) only until this call
    assert reg.predict(X).shape == (len(X),)


@pytest.mark.parametrize("preprocessing", ["auto", None])
def test_a_classifier_names_a_target_of_several_columns_and_the_wrapper_that_fits_it(preprocessing):
    from sklearn.multioutput import MultiOutputClassifier

    Y = (RNG.rand(60, 3) > 0.5).astype(int)  # multilabel indicator, which MLPClassifier fits
    with pytest.raises(ValueError, match=r"y has 3 columns .*MultiOutputClassifier\(DenseClassifier"):
        DenseClassifier(**DENSE, preprocessing=preprocessing).fit(X, Y)
    assert MultiOutputClassifier(DenseClassifier(**DENSE)).fit(X, Y).predict(X[:2]).shape == (2, 3)
    # one column is still one label per row (scikit-learn's DataConversionWarning)
    with pytest.warns(Warning, match="column-vector y"):
        DenseClassifier(**DENSE, preprocessing=preprocessing).fit(X, Y[:, :1])


def test_a_frame_fitted_model_given_an_array_warns_once_by_its_own_name():
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    clf = DenseClassifier(**DENSE).fit(frame, np.arange(60) % 2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf.predict(X[:3])
    messages = [str(w.message) for w in caught if "feature names" in str(w.message)]
    assert len(messages) == 1 and "DenseClassifier was fitted with feature names" in messages[0]  # not its preprocessor


def test_rows_of_weight_zero_leave_the_preprocessing_too():
    # far-off rows of weight 0 moved the robust scaling and clip of the table (probabilities 0.4 apart)
    y = (X[:, 0] > 0).astype(int)
    far = np.vstack([X, [[1e3, -1e3, 50.0]] * 20])
    weights = np.r_[np.ones(len(X)), np.zeros(20)]
    params = dict(hidden_layer_sizes=(8,), max_iter=5, random_state=0, device="cpu")
    masked = DenseClassifier(**params).fit(far, np.r_[y, [1] * 20], sample_weight=weights)
    np.testing.assert_allclose(masked.predict_proba(X), DenseClassifier(**params).fit(X, y).predict_proba(X),
                               atol=1e-5)
    frame = pd.DataFrame({"x": far[:, 0], "city": ["Oslo", "Lima"] * 30 + ["Rome"] * 20})
    assert list(DenseClassifier(**params).fit(frame, np.r_[y, [1] * 20], sample_weight=weights)
                .preprocessor_.categories_[0]) == ["Lima", "Oslo"]  # 'Rome' only in rows of weight 0
    # nor the target's: rows of weight 0 marked -999 set its standardisation and the range predictions keep to
    target = X[:, 0] * 2.0
    regressor = DenseRegressor(**params).fit(far, np.r_[target, [-999.0] * 20], sample_weight=weights)
    alone = DenseRegressor(**params).fit(X, target)
    np.testing.assert_allclose(regressor.y_range_, alone.y_range_)
    np.testing.assert_allclose(regressor.predict(X), alone.predict(X), rtol=1e-5, atol=1e-6)


def test_regressor_targets_float64_cannot_hold_or_already_standardised():
    X = np.random.RandomState(0).normal(size=(60, 2))
    params = dict(hidden_layer_sizes=(4,), max_iter=2, random_state=0, device="cpu")
    with pytest.raises(ValueError, match=r"y holds whole numbers as large as .* subtract an offset"):
        DenseRegressor(**params).fit(X, 2**60 + np.arange(60, dtype=np.int64))  # float64 merges them into 2 values
    # a target in the 1e20s trains (standardised in float64 first), and so does the same target as validation data
    big = 1e20 * (1 + X[:, 0])
    DenseRegressor(**params).fit(X[:40], big[:40], validation_data=(X[40:], big[40:]))


def test_classifier_scores_labels_read_as_in_fit():
    # true/false labels in an object column (a column with a gap, dropped) fit as booleans; score read them as
    # scikit-learn's 'unknown' type and failed
    X = np.random.RandomState(0).normal(size=(60, 2))
    y = pd.Series(list(X[:, 0] > 0), dtype=object)
    model = DenseClassifier(hidden_layer_sizes=(4,), max_iter=2, random_state=0, device="cpu").fit(X, y)
    assert model.score(X, y) == pytest.approx(np.mean(model.predict(X) == y.to_numpy(dtype=bool)))


def test_balanced_class_weights_count_the_sample_weights():
    # 'balanced' counted every row, those of weight 0 too: a fit with them differed from one without by 0.36
    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 2))
    y = np.where(X[:, 0] > 0.3, "pos", "neg")
    weights = np.where((y == "neg") & (np.arange(120) % 2 == 0), 0.0, 1.0)
    params = dict(hidden_layer_sizes=(4,), max_iter=3, random_state=0, device="cpu", class_weight="balanced")
    kept = weights > 0
    masked = DenseClassifier(**params).fit(X, y, sample_weight=weights)
    alone = DenseClassifier(**params).fit(X[kept], y[kept])
    np.testing.assert_allclose(masked.predict_proba(X), alone.predict_proba(X), atol=1e-5)
    counts = {c: (y[kept] == c).sum() for c in ("neg", "pos")}
    np.testing.assert_allclose(masked._class_weight_vector(np.searchsorted(masked.classes_, y), weights),
                               [kept.sum() / (2 * counts["neg"]), kept.sum() / (2 * counts["pos"])])


def test_a_later_partial_fit_warns_of_categories_the_encoding_has_not_seen():
    first = pd.DataFrame({"city": ["Oslo", "Lima"] * 10, "x": np.arange(20.0)})
    later = pd.DataFrame({"city": ["Rome", "Oslo"] * 10, "x": np.arange(20.0)})
    model = DenseClassifier(hidden_layer_sizes=(4,), random_state=0, device="cpu")
    model.partial_fit(first, [0, 1] * 10, classes=[0, 1])
    with pytest.warns(UserWarning, match=r"Column 'city' holds categories the first fit did not see \(\['Rome'\]"):
        model.partial_fit(later, [0, 1] * 10)
    assert model.preprocessor_.categories_[0].tolist() == ["Lima", "Oslo"]  # the encoding stays the first call's


# -- the life cycle: what a refused, failed or interrupted call leaves ----------------------------------
def test_early_stopping_keeps_the_epoch_of_the_lowest_validation_loss_whatever_tol():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 4))
    y = (X[:, 0] + 0.5 * rng.normal(size=200) > 0).astype(int)
    for tol in (0.05, 1e-4):  # tol counts progress for the patience only (scikit-learn's MLP rule)
        clf = DenseClassifier(hidden_layer_sizes=(8,), max_iter=6, early_stopping=True, n_iter_no_change=10,
                              tol=tol, learning_rate_init=1e-3, random_state=0).fit(X, y)
        losses = clf.history_["valid_loss"].to_numpy()
        best = int(np.argmin(losses))
        assert clf.net_.callbacks_[-1][1].best_epoch_ == best + 1, (tol, losses)
        assert clf.best_validation_score_ == clf.validation_scores_[best]


class _InterruptAt(Callback):
    def __init__(self, batch):
        self.batch = batch

    def on_batch_end(self, net, **kwargs):
        self.seen_ = getattr(self, "seen_", 0) + 1
        if self.seen_ == self.batch:
            raise KeyboardInterrupt


def test_ctrl_c_before_the_first_epoch_ends_leaves_an_unfitted_estimator():
    X, y = np.random.RandomState(0).normal(size=(64, 3)), np.arange(64) % 2
    clf = DenseClassifier(hidden_layer_sizes=(4,), batch_size=8, max_iter=3, callbacks=[_InterruptAt(2)])
    with pytest.raises(KeyboardInterrupt):  # skorch's EarlyStopping read an empty history (IndexError)
        clf.fit(X, y)
    assert not hasattr(clf, "net_") and not hasattr(clf, "classes_")  # nothing trained: nothing to predict with


def test_a_failed_or_refused_continuation_leaves_the_model_it_had():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 3))
    y = X @ [1.0, 2.0, 0.5]
    reg = DenseRegressor(hidden_layer_sizes=(8,), max_iter=3, random_state=0, clip_predictions=True).fit(X, y)
    before, y_range = reg.predict(X * 5), reg.y_range_.copy()
    with pytest.raises(ValueError, match="sample_weight"):  # refused after the target was read
        reg.partial_fit(X, y * 100, sample_weight=-np.ones(60))
    np.testing.assert_array_equal(reg.y_range_, y_range)
    np.testing.assert_array_equal(reg.predict(X * 5), before)
    with pytest.raises(ValueError, match="diverged"):  # a bad chunk: the epoch is rolled back
        reg.partial_fit(X, y, sample_weight=np.full(60, 3e38))  # (the weighted loss overflows float32)
    assert reg.n_iter_ == 3 and np.isfinite(reg.predict(X)).all()
    np.testing.assert_array_equal(reg.predict(X * 5), before)
    weights = np.r_[np.ones(59), 0.0]
    reg.partial_fit(X, np.r_[y[:59], 1e6], sample_weight=weights)  # a row of weight 0 sets no range
    assert reg.y_range_[1] < 1e3


def test_a_refused_new_fit_leaves_no_fitted_attribute():
    X = np.random.RandomState(0).normal(size=(20, 3))
    clf = DenseClassifier(hidden_layer_sizes=(4,), max_iter=1)
    with pytest.raises(ValueError, match="at least 2 different labels"):
        clf.fit(X, np.zeros(20))
    assert not [k for k in vars(clf) if k.endswith("_") and not k.startswith("_")]


def test_other_columns_in_a_continuation_are_named_by_the_estimator():
    rng = np.random.RandomState(0)
    X, y = rng.randn(40, 4), np.arange(40) % 2
    clf = DenseClassifier(hidden_layer_sizes=(4,), max_iter=1, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match=r"^X has 5 features, but DenseClassifier is expecting 4"):
        clf.partial_fit(np.c_[X, X[:, 0]], y)
    with pytest.raises(ValueError, match=r"^validation_data: X_val has 2 features, but DenseClassifier is expecting 4"):
        clf.fit(X, y, validation_data=(X[:, :2], y))


def test_raw_input_errors_and_module_instances_are_named():
    X = np.array([["red", 1.0], ["blue", 2.0]] * 10, dtype=object)
    with pytest.raises(ValueError, match=r"Input X contains text \('red'\): with preprocessing=None .*'auto'"):
        DenseClassifier(preprocessing=None, max_iter=1).fit(X, [0, 1] * 10)
    with pytest.raises(TypeError, match=r"module is a Linear instance; pass its class, or a function"):
        DenseClassifier(module=torch.nn.Linear(4, 2), max_iter=1).fit(np.ones((8, 4)), [0, 1] * 4)


@pytest.mark.parametrize("beside", [pd.array(range(20), dtype="Int64"), np.arange(20.0),
                                    pd.array([True, False] * 10, dtype="boolean")])
def test_raw_input_categories_of_text_are_named_whatever_stands_beside_them(beside):
    # beside a nullable column, pandas' own 'Cannot cast str dtype to float32' came first
    X = pd.DataFrame({"a": beside, "k": pd.Categorical(["u", "v"] * 10)})
    with pytest.raises(ValueError, match=r"Input X contains text \('u'\): with preprocessing=None .*'auto'"):
        DenseClassifier(preprocessing=None, max_iter=1).fit(X, [0, 1] * 10)
    numbered = X.assign(k=pd.Categorical([1, 2] * 10))  # categories that are numbers: read as numbers
    assert DenseClassifier(preprocessing=None, max_iter=1).fit(numbered, [0, 1] * 10).n_features_in_ == 2
    held = X.assign(k=pd.Categorical([1, 2] * 10, categories=pd.Index([1, 2], dtype=object)))  # (in an object index)
    assert DenseClassifier(preprocessing=None, max_iter=1).fit(held, [0, 1] * 10).n_features_in_ == 2


@pytest.mark.parametrize("preprocessing", ["auto", None])
@pytest.mark.parametrize("as_matrix", [np.asarray, sp.csr_matrix, lambda Z: Z.tolist(), lambda Z: Z.astype(object)])
@pytest.mark.parametrize("estimator", [DenseClassifier, DenseRegressor])
def test_complex_arrays_are_refused_by_name_with_the_fix(estimator, as_matrix, preprocessing):
    X = as_matrix(np.random.RandomState(0).randn(20, 2) + 1j)  # scikit-learn's error printed every value
    stack = r"scipy\.sparse\.hstack" if sp.issparse(X) else r"np\.column_stack"  # (each makes its own kind)
    with pytest.raises(ValueError, match=r"^Complex data not supported: X holds complex numbers; pass their real and "
                                         r"imaginary parts .*" + stack + r"\(\[X.real, X.imag\]\)\)\.$"):
        estimator(preprocessing=preprocessing, max_iter=1).fit(X, [0, 1] * 10)


def test_a_continuation_checks_its_parameters_and_a_fit_its_device_first():
    X, y = np.random.RandomState(0).normal(size=(40, 3)), np.arange(40) % 2
    clf = DenseClassifier(hidden_layer_sizes=(4,), max_iter=1, random_state=0).fit(X, y)
    for bad in (dict(batch_size=0), dict(batch_size=2.5), dict(n_jobs=0)):  # scikit-learn validates in fit only
        with pytest.raises(InvalidParameterError):
            clf.set_params(**bad).partial_fit(X, y)
        clf.set_params(batch_size="auto", n_jobs=None)
    before = clf.predict_proba(X)
    with pytest.raises(ValueError, match="CUDA is not available"):  # refused before the fitted model is cleared
        clf.set_params(device="cuda").fit(X, y)
    np.testing.assert_array_equal(clf.predict_proba(X), before)


class _FailAt(Callback):
    def __init__(self, epoch):
        self.epoch = epoch

    def on_epoch_end(self, net, **kwargs):
        if len(net.history) == self.epoch:
            raise RuntimeError("a callback failed")


def test_a_failed_warm_start_keeps_the_epochs_it_finished_and_says_so():
    X, y = np.random.RandomState(0).normal(size=(40, 3)), np.arange(40) % 2
    clf = DenseClassifier(hidden_layer_sizes=(4,), max_iter=2, early_stopping=False, random_state=0).fit(X, y)
    with pytest.raises(RuntimeError, match="a callback failed"):  # at the end of the warm start's second epoch
        clf.set_params(warm_start=True, callbacks=[_FailAt(4)]).fit(X, y)
    assert clf.n_iter_ == 4 == len(clf.net_.history) == len(clf.history_)  # the weights are those of epoch 4
    clf.set_params(callbacks=None).partial_fit(X, y)
    assert clf.n_iter_ == 5 == len(clf.net_.history)


def test_a_continuation_failing_in_its_first_epoch_restores_what_it_changed():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 3))
    y = X @ [1.0, 2.0, 0.5]
    reg = DenseRegressor(hidden_layer_sizes=(8,), max_iter=2, random_state=0, clip_predictions=True).fit(X, y)
    y_range = reg.y_range_.copy()
    with pytest.raises(KeyError):  # at the first batch: no epoch finished, nothing trained is kept
        reg.set_params(callbacks=[_BatchFails()]).partial_fit(X, y * 100)
    np.testing.assert_array_equal(reg.y_range_, y_range)


class _BatchFails(Callback):
    def on_batch_end(self, net, **kwargs):
        raise KeyError("a callback failed at the first batch")


# -- pandas X and y whose rows are labelled in another order ------------------------------------------------------
def test_pandas_x_and_y_labelled_in_another_order_are_refused_in_fit_and_score():
    frame = pd.DataFrame(X, index=range(100, 160))
    target = pd.Series(np.where(X[:, 0] > 0, "yes", "no"), index=frame.index)
    ordered = frame.sort_values(0)  # X sorted, y not: by position every row would get another row's label
    match = (r"X and y have the same index labels in a different order \(row 0 is labelled \d+ in X and 100 in y\).*"
             r"y = y.loc\[X.index\].*y = y.reset_index\(drop=True\)")
    with pytest.raises(ValueError, match=match):
        DenseClassifier(**DENSE).fit(ordered, target)
    clf = DenseClassifier(**DENSE).fit(frame, target)
    with pytest.raises(ValueError, match=match):
        clf.score(ordered, target)
    assert clf.score(ordered, target.loc[ordered.index]) == clf.score(frame, target)  # aligned: the same rows
    DenseClassifier(**DENSE).fit(ordered.reset_index(drop=True), target.loc[ordered.index])  # one side 0..n-1
    with pytest.raises(ValueError, match=r"^X_val and y_val have the same index labels in a different order"):
        DenseClassifier(**DENSE).fit(frame, target, validation_data=(ordered, target))
    reg = DenseRegressor(**DENSE).fit(frame, pd.Series(X[:, 0], index=frame.index))
    with pytest.raises(ValueError, match=match):
        reg.score(ordered, pd.Series(X[:, 0], index=frame.index))


# -- labels and targets given in another form than a 1-D array ------------------------------------------------------
BIG = np.array([0, 1, 1000])[np.arange(60) % 3] + 2**60  # three classes, which float64 merges into fewer


@pytest.mark.parametrize("column", [
    pd.DataFrame({"t": pd.array(BIG, dtype="Int64")}),  # through float64: 2 classes, predicted as floats
    pd.DataFrame({"t": BIG.astype(object)}),  # scikit-learn: 'Unknown label type: unknown'
    BIG.astype(object)[:, None],
], ids=["Int64 frame", "object frame", "object (n, 1) array"])
def test_a_one_column_frame_of_labels_is_read_as_its_column(column):
    with pytest.warns(Warning, match="column-vector y"):  # still scikit-learn's DataConversionWarning
        clf = DenseClassifier(**DENSE).fit(X, column)
    assert clf.classes_.tolist() == sorted(set(BIG.tolist())) and clf.predict(X[:2]).dtype == np.int64
    # score compared float64 truth with int64 predictions: an accuracy of 1.0 against the true 0.55
    assert clf.score(X, column) == clf.score(X, BIG) == np.mean(clf.predict(X) == BIG)
    with pytest.warns(Warning, match="column-vector y"):
        DenseClassifier(**DENSE).fit(X, BIG, validation_data=(X, column))
    streamed = DenseClassifier(**DENSE)
    with pytest.warns(Warning, match="column-vector y"):
        streamed.partial_fit(X, column, classes=pd.DataFrame({"c": pd.array(np.unique(BIG), dtype="Int64")}))
    assert streamed.classes_.tolist() == clf.classes_.tolist()


def test_a_one_column_frame_of_labels_names_its_missing_label_and_images_read_it_too():
    from sknn import ConvImageClassifier

    for missing in (pd.DataFrame({"t": pd.array(BIG, dtype="Int64")}), pd.DataFrame({"t": BIG.astype(object)})):
        missing.iloc[4, 0] = None  # scikit-learn's 'Input y contains NaN' named no row
        with pytest.raises(ValueError, match=r"^y\[4\] is (<NA>|None|nan): a label cannot be missing"):
            DenseClassifier(**DENSE).fit(X, missing)
        with pytest.raises(ValueError, match=r"^y\[4\] is (<NA>|None|nan): a label cannot be missing"):
            DenseClassifier(**DENSE).fit(X, BIG).score(X, missing)
    images = RNG.rand(60, 8, 8).astype(np.float32)
    conv = ConvImageClassifier(conv_filters=(2,), dense_layers=(4,), max_iter=1, random_state=0, device="cpu")
    with pytest.warns(Warning, match="column-vector y"):
        assert len(conv.fit(images, pd.DataFrame({"t": pd.array(BIG, dtype="Int64")})).classes_) == 3


@pytest.mark.parametrize("preprocessing", ["auto", None])
def test_a_missing_float_label_is_named_by_sknn_before_scikit_learn(preprocessing):
    y = (X[:, 0] > 0).astype(float)
    y[7] = np.nan  # DenseClassifier said scikit-learn's 'Input y contains NaN.', the image classifiers sknn's words
    for labels in (y, y[:, None]):
        with pytest.raises(ValueError, match=r"^y\[7\] is NaN: a label cannot be missing; drop those samples"):
            DenseClassifier(**DENSE, preprocessing=preprocessing).fit(X, labels)


def test_score_refuses_a_label_that_is_a_class_but_for_white_space():
    y = np.where(X[:, 0] > 0, "a", "b")
    clf = DenseClassifier(**DENSE).fit(X, y)
    with pytest.raises(ValueError, match=r"differ only by surrounding white space: 'a ' is not the model's class 'a'"
                                         r"; strip them first \(y.str.strip\(\)"):
        clf.score(X, np.where(y == "a", "a ", y))  # scored as wrong, a lower accuracy without a word
    assert clf.score(X, np.where(y == "a", "c", y)) < 1  # a label of no class is merely wrong


@pytest.mark.parametrize("labels", [
    pd.Series([Decimal(i % 2) for i in range(60)], dtype=object),
    pd.Series(pd.to_datetime(["2020-01-01", "2021-01-01"] * 30)).dt.tz_localize("UTC"),
    pd.Series(pd.period_range("2020", periods=2, freq="M").repeat(30)),
    pd.cut(X[:, 0], 2),
], ids=["Decimal", "Timestamp", "Period", "Interval"])
def test_labels_of_a_type_scikit_learn_cannot_read_are_named_with_the_fix(labels):
    kind = type(np.asarray(labels, dtype=object)[0]).__name__  # scikit-learn said 'Unknown label type: unknown'
    with pytest.raises(ValueError, match=rf"^y holds labels of type {kind} .*convert the labels with y.astype\(str\)"):
        DenseClassifier(**DENSE).fit(X, labels)


def test_regressor_score_names_another_number_of_outputs():
    y = X @ [1.0, 2.0, 3.0]
    reg = DenseRegressor(**DENSE).fit(X, y)
    with pytest.raises(ValueError, match=r"^y has 2 outputs, but DenseRegressor was fitted with 1"):
        reg.score(X, np.c_[y, y])  # numpy's broadcast error
    with pytest.raises(ValueError, match=r"^y has 1 outputs, but DenseRegressor was fitted with 2"):
        DenseRegressor(**DENSE).fit(X, np.c_[y, y]).score(X, y)
    assert reg.score(X, y[:, None]) == reg.score(X, y)
    with pytest.raises(ValueError, match=r"^y has 2 outputs, but DenseRegressor was fitted with 1: pass y of 1 "
                                         r"outputs, as fit's \(a warm start .*fit a new one\)"):
        reg.set_params(warm_start=True).fit(X, np.c_[y, y])  # (the fix named)
    assert reg.set_params(warm_start=False).fit(X, np.c_[y, y]).n_outputs_ == 2


def test_regressor_names_a_sparse_or_ragged_target():
    from scipy import sparse

    y = X @ [1.0, 2.0, 3.0]
    with pytest.raises(TypeError, match=r"^Sparse data was passed for y, but dense data is required. Use '.toarray"):
        DenseRegressor(**DENSE).fit(X, sparse.csr_matrix(np.c_[y, y]))  # 'setting an array element with a sequence'
    ragged = [[v, v] for v in y]
    ragged[5] = [y[5]]
    with pytest.raises(ValueError, match=r"^The rows of y differ in length: y\[0\] holds 2 values but y\[5\] holds 1 "
                                         r"value\. .*fill in the missing values"):
        DenseRegressor(**DENSE).fit(X, ragged)  # numpy's 'inhomogeneous shape after 1 dimensions'
    zero_d = [np.array(v) for v in y]
    zero_d[2] = np.array([y[2], y[2]])  # 'TypeError: len() of unsized object' named no row
    with pytest.raises(ValueError, match=r"^The rows of y differ in length: y\[0\] holds a single value \(array\("
                                         r".*\) but y\[2\] holds 2 values\."):
        DenseRegressor(**DENSE).fit(X, zero_d)


def test_regressor_refuses_a_frame_target_whose_columns_are_not_fits(tmp_path):
    import pickle

    import sknn

    Y = pd.DataFrame({"rent": X @ [1.0, 2.0, 3.0], "size": X[:, 0] - X[:, 1]})
    reg = DenseRegressor(**dict(DENSE, max_iter=5)).fit(X, Y)
    swapped, renamed = Y[["size", "rent"]], Y.set_axis(["a", "b"], axis=1)
    reg.save(tmp_path / "reg.safetensors")
    for model in (reg, pickle.loads(pickle.dumps(reg)), sknn.load(tmp_path / "reg.safetensors")):
        # scored silently, each column against the other's predictions: -15 instead of 0.88
        with pytest.raises(ValueError, match=r"^y's columns are named \['size', 'rent'\], but DenseRegressor was "
                                             r"fitted on columns named \['rent', 'size'\]: .* so 'size' would "
                                             r"be matched with the predictions of fit's 'rent'.*fit's order"):
            model.score(X, swapped)
        with pytest.raises(ValueError, match=r"named \['size', 'b'\], but .*\['rent', 'size'\].*'size' would be"):
            model.score(X, Y.set_axis(["size", "b"], axis=1))  # one of fit's columns moved, the other renamed
        assert model.score(X, Y) == model.score(X, Y.to_numpy())  # fit's columns, or an array (by position)
        assert model.score(X, renamed) == model.score(X, Y)  # other names: by position, as scikit-learn reads them
    reg.partial_fit(X, renamed)
    with pytest.raises(ValueError, match=r"^validation_data: y_val's columns are named \['size', 'rent'\]"):
        DenseRegressor(**DENSE).fit(X, Y, validation_data=(X, swapped))


def test_regressor_reads_a_renamed_one_column_frame_target():
    # fitted on a column 't', then given one named 'u': refused as "matched with another's predictions"
    y = pd.DataFrame({"t": X @ [1.0, 2.0, 3.0]})
    reg = DenseRegressor(**DENSE).fit(X, y)
    renamed = y.rename(columns={"t": "u"})
    assert reg.score(X, renamed) == reg.score(X, y)
    assert reg.partial_fit(X, renamed).n_outputs_ == 1
    DenseRegressor(**DENSE).fit(X, y, validation_data=(X, renamed))


# -- the labels' types, the warning's line, and what the checks cost on many labels ---------------------------------
@pytest.mark.parametrize("wrap", [lambda c: c, lambda c: pd.DataFrame({"t": c})], ids=["Categorical", "frame"])
def test_a_categorical_of_dates_fits_and_predicts_dates(wrap):
    # check_label_types read the Categorical's Timestamps as objects and refused them; numpy reads them as dates
    dates = pd.to_datetime(["2020-01-01", "2021-01-01"] * 30)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataConversionWarning)  # (the frame: a column-vector y)
        clf = DenseClassifier(**DENSE).fit(X, wrap(pd.Categorical(dates)))
    assert clf.classes_.dtype.kind == "M" and clf.classes_.tolist() == np.unique(dates.to_numpy()).tolist()
    assert clf.predict(X[:3]).dtype.kind == "M"


def test_fraction_labels_are_refused_as_decimal_ones_are():
    """A Fraction is a Real to Python, but scikit-learn's 'Unknown label type: unknown' said it was a regression."""
    from fractions import Fraction

    for labels in ([Fraction(1), Fraction(2)] * 30, [Fraction(1, 2), Fraction(3, 2)] * 30):
        with pytest.raises(ValueError, match=r"y holds labels of type Fraction \(such as Fraction\(1, \d\)\).*"
                                             r"y.astype\(str\), or to numbers"):
            DenseClassifier(**DENSE).fit(X, labels)


@pytest.mark.parametrize("labels", [
    np.array(pd.to_datetime(["2020-01-01", "2021-01-01"] * 30).tolist(), dtype=object),  # naive Timestamps
    [datetime.date(2020, 1, 1 + i % 2) for i in range(60)],
    np.array([np.datetime64("2020-01-01"), np.datetime64("2021-01-01")] * 30, dtype=object),
], ids=["Timestamp", "date", "datetime64"])
def test_dates_as_objects_are_refused_with_numpy_dates_as_the_fix(labels):
    with pytest.raises(ValueError, match=r"of 'unknown' type: convert the labels with pd.to_datetime\(y\) "
                                         r"\(datetime64 labels are supported\), or y.astype\(str\)"):
        DenseClassifier(**DENSE).fit(X, labels)
    assert DenseClassifier(**DENSE).fit(X, pd.to_datetime(labels)).predict(X[:2]).dtype.kind == "M"  # the fix


def test_the_column_vector_warning_points_at_the_callers_line():
    column = np.where(X[:, 0] > 0, "a", "b")[:, None]
    calls = {"fit": lambda: DenseClassifier(**DENSE).fit(X, column),
             "partial_fit": lambda: DenseClassifier(**DENSE).partial_fit(X, column, classes=["a", "b"]),
             "validation_data": lambda: DenseClassifier(**DENSE).fit(X, column[:, 0], validation_data=(X, column))}
    for call in calls.values():
        with pytest.warns(DataConversionWarning, match="column-vector y") as record:
            call()  # (stacklevel=2 pointed into sknn/_base.py or sknn/_targets.py)
        assert [w.filename for w in record if "column-vector" in str(w.message)] == [__file__]


def test_string_labels_as_numpy_strings_in_an_object_array_take_the_fast_path(monkeypatch):
    import sknn._labels

    def per_label(v):
        raise AssertionError("read label by label")

    labels = np.array(list(np.where(X[:, 0] > 0, "a", "b")), dtype=object)  # np.str_ cells: 0.17 -> 0.46 s per 1e6
    monkeypatch.setattr(sknn._labels, "_label_kind", per_label)
    for fast in (labels, np.array([1, np.int64(2), np.int32(3)] * 20, dtype=object)):
        sknn._labels.check_labels(fast)
    with pytest.raises(AssertionError, match="label by label"):  # booleans among whole numbers: still read
        sknn._labels.check_labels(np.array([1, True] * 30, dtype=object))


class _CountedLabel(str):
    """A string label that counts the calls of its ``strip``."""
    strips = 0

    def strip(self, *args):
        type(self).strips += 1
        return super().strip(*args)


def test_score_reads_only_the_labels_outside_the_classes_for_white_space_twins():
    y = np.where(X[:, 0] > 0, "z", "y")
    clf = DenseClassifier(**DENSE).fit(X, y)
    clf.score(X, np.array([_CountedLabel(v) for v in y], dtype=object))
    assert _CountedLabel.strips == 0  # every label was read in a Python loop: 0.44 s per 1e6 labels
    given = np.array([*"abcdefgh", "z "] + list(y[9:]), dtype=object)  # the twin after 8 other unknown labels
    with pytest.raises(ValueError, match=r"'z ' is not the model's class 'z'"):
        clf.score(X, given)


class _Armed(Callback):
    """Fails the epoch once armed: a callback that must no longer run."""
    armed = False

    def on_epoch_end(self, net, **kwargs):
        if self.armed:
            raise AssertionError("a callback set_params removed still runs")


@pytest.mark.parametrize("early_stopping", [False, True])
def test_partial_fit_takes_the_callbacks_and_verbose_set_since_the_last_call(early_stopping):
    # the callbacks were rebuilt only after a fit with early stopping: an old callback kept running
    y = np.arange(60) % 2
    kw = dict(DENSE, learning_rate="adaptive", optimizer="sgd", tol=10.0, max_iter=3, early_stopping=early_stopping)
    kept, changed = DenseClassifier(**kw).fit(X, y), DenseClassifier(**kw, callbacks=[_Armed()]).fit(X, y)
    changed.callbacks[0].armed = True
    kept.partial_fit(X, y)
    changed.set_params(callbacks=None, verbose=1).partial_fit(X, y)  # (_Armed would fail its epoch)
    assert "progress_bar" in dict(changed.net_.callbacks_)
    # the adaptive schedule goes on from the fit's last epoch, as where nothing changed
    plateaus = [dict(clf.net_.callbacks_)["lr_scheduler"].lr_scheduler_.state_dict() for clf in (kept, changed)]
    assert plateaus[0]["last_epoch"] == plateaus[1]["last_epoch"] == (1 if early_stopping else 4)
    assert plateaus[0]["num_bad_epochs"] == plateaus[1]["num_bad_epochs"]
    np.testing.assert_allclose(plateaus[1]["_last_lr"], plateaus[0]["_last_lr"])


def test_callbacks_named_as_the_engines_own_and_classes_are_named():
    # 'epoch_timer' gave skorch's "Found duplicate user-set callback name"; a class was named user_0_type
    with pytest.raises(InvalidParameterError, match="named 'epoch_timer', the name of one of sknn's own callbacks"):
        DenseClassifier(**DENSE, callbacks=[("epoch_timer", Callback())]).fit(X, [0, 1] * 30)
    clf = DenseClassifier(**DENSE, callbacks=[GradientNormClipping]).fit(X, [0, 1] * 30)
    assert "user_0_GradientNormClipping" in dict(clf.net_.callbacks_)


def test_classifier_score_warns_of_labels_of_another_label_set():
    clf = DenseClassifier(**DENSE).fit(X, np.array(["ADJ", "NOUN", "VERB"])[np.arange(60) % 3])
    with pytest.warns(UserWarning, match="y holds labels that spell the model's classes otherwise: 'adj' for 'ADJ' "
                                         "and 2 more; each counts as wrong"):
        assert clf.score(X, np.array(["adj", "noun", "verb"])[np.arange(60) % 3]) == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clf.score(X[:2], ["JJ", "NN"])  # two unknown labels: a plain mismatch


@pytest.mark.parametrize("offset", [10, 10.0])
def test_classifier_score_warns_of_numeric_labels_of_another_label_set(offset):
    numbers = DenseClassifier(**DENSE).fit(X, np.arange(60) % 3)
    with pytest.warns(UserWarning, match="None of y's labels is one of the model's classes.*y holds 10"):
        assert numbers.score(X, np.arange(60) % 3 + offset) == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        numbers.score(X, np.arange(60) % 2)  # some of the classes: no warning
        assert DenseClassifier(**DENSE).fit(X, np.arange(60) % 2 == 1).score(X, np.arange(60) % 2) > 0  # 0/1 = bools
    for strings in (np.array(["a", "b", "c"] * 20), pd.Series(["a", "b", "c"] * 20), pd.array(["a", "b", "c"] * 20)):
        with pytest.raises(ValueError, match=r"y holds string labels \(such as 'a'\) but the model was fitted on num"):
            numbers.score(X, strings)  # (scikit-learn's 'Mix of label input types' before)
    letters = DenseClassifier(**DENSE).fit(X, pd.Series(list("abc") * 20))
    with pytest.raises(ValueError, match=r"y holds number labels \(such as 0\) but the model was fitted on string"):
        letters.score(X, np.arange(60) % 3)


def test_fit_warnings_point_at_the_users_line():
    with pytest.warns(UserWarning, match="larger than the 60 training samples") as record:
        DenseClassifier(**dict(DENSE, batch_size=100)).fit(X, [0, 1] * 30)
    assert {w.filename for w in record if "larger than" in str(w.message)} == {__file__}
    with pytest.warns(ConvergenceWarning, match="maximum number of epochs") as record:
        DenseClassifier(**DENSE, n_iter_no_change=5, learning_rate="constant").fit(X, [0, 1] * 30)
    assert {w.filename for w in record if w.category is ConvergenceWarning} == {__file__}


@pytest.mark.parametrize("estimator", [DenseClassifier, DenseRegressor])
def test_score_before_fit_is_not_fitted_error(estimator):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):  # (an AttributeError on classes_ or n_outputs_ before)
        estimator().score(X, np.arange(60) % 2)


def test_a_warm_start_regressor_learns_the_statistics_of_its_own_targets():
    rng = np.random.RandomState(0)
    features = rng.randn(200, 4)
    y = features[:, 0] + 0.5 * features[:, 1]
    kw = dict(hidden_layer_sizes=(16,), max_iter=10, early_stopping=False, random_state=0, warm_start=True)
    reg = DenseRegressor(**kw).fit(features, y)
    first = reg.y_mean_.copy(), reg.y_scale_.copy()
    reg.fit(features, y)  # the same rows: the same statistics
    np.testing.assert_array_equal(reg.y_mean_, first[0])
    np.testing.assert_array_equal(reg.y_scale_, first[1])
    before = reg.predict(features)
    reg.set_params(max_iter=1).fit(features[features[:, 0] > 0.5], y[features[:, 0] > 0.5])  # a fine-tune on new rows
    assert reg.y_mean_[0] == pytest.approx(y[features[:, 0] > 0.5].mean())  # their statistics, the final layer
    assert reg.score(features, y) > 0.9 and np.corrcoef(reg.predict(features), before)[0, 1] > 0.99  # rewritten
    other_units = y * 1000 + 5000
    reg.set_params(max_iter=10).fit(features, other_units)  # the first fit's kept: trained at 1000x the scale
    np.testing.assert_allclose(reg.y_mean_, [other_units.mean()])
    np.testing.assert_allclose(reg.y_scale_, [other_units.std()], rtol=1e-3)


@pytest.mark.parametrize("unit", ["ns", "D"])
def test_class_weight_keyed_by_date_labels_weighs_them(unit):
    """Keys as the labels themselves were refused as 'not in y' (the classes compared as nanoseconds or dates)."""
    from sknn._validation import class_weight_vector

    y = np.array(["2020-01-01", "2021-01-01", "2022-01-01"] * 20, dtype=f"datetime64[{unit}]")
    days = np.unique(y)
    for keys in (days, [np.datetime64("2020-01-01", "s"), days[1], days[2]], [pd.Timestamp(d) for d in days]):
        weights = dict(zip(keys, [3.0, 1.0, 2.0]))
        clf = DenseClassifier(**DENSE, class_weight=weights).fit(X, y)
        np.testing.assert_array_equal(class_weight_vector(weights, clf.classes_), [3.0, 1.0, 2.0])
    with pytest.raises(ValueError, match=r"class_weight names labels that are not in y: np.datetime64\('2019-01-01"):
        DenseClassifier(**DENSE, class_weight={np.datetime64("2019-01-01"): 2.0}).fit(X, y)
    noon = {np.datetime64("2020-01-01T00", "h"): 3.0, np.datetime64("2020-01-01T12", "h"): 5.0}  # noon: no class
    with pytest.raises(ValueError, match=r"names labels that are not in y: np.datetime64\('2020-01-01T12"):
        DenseClassifier(**DENSE, class_weight=noon).fit(X, y)
    # a class of weight 0 is left out of what the preprocessing learns, as rows of sample weight 0 are
    column = pd.DataFrame({"a": np.where(y == days[0], 1000.0, X[:, 0])})
    for key in (days[0], pd.Timestamp(days[0])):
        clf = DenseClassifier(**DENSE, class_weight={key: 0.0}).fit(column, y)
        assert clf.preprocessor_.value_range_.max() < 1000
    every = {**dict.fromkeys(days, 1.0), np.datetime64("2020-01-01T12", "h"): 0.0}  # noon's 0 names no class
    assert DenseClassifier(**DENSE, class_weight=every).fit(column, y).preprocessor_.value_range_.max() == 1000


def test_values_a_network_started_from_set_anew_before_it_goes_on_are_named_not_dropped_silently(tmp_path):
    """Word vectors (or a backbone's weights) set after the fit only start a new network: a warm start or partial_fit
    of the built one dropped them without a word. The same object again, None (to save a model without them), a
    model loaded from a file as it was saved, or a new network warn of nothing."""
    import pickle

    from sknn import LSTMSequenceTagger, TransferVGGClassifier

    sentences, tags = [["the", "cat", "sat"], ["a", "dog", "ran"]] * 5, [["D", "N", "V"]] * 10
    vectors = {w: np.full(4, i, dtype=float) for i, w in enumerate(["the", "cat", "sat", "a", "dog", "ran"])}
    tagger = LSTMSequenceTagger(hidden_size=4, embedding_dim=4, pretrained_embeddings=vectors, max_iter=1,
                                random_state=0).fit(sentences, tags)
    tagger.save(tmp_path / "as_fitted.safetensors")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tagger.set_params(pretrained_embeddings=vectors).partial_fit(sentences, tags)  # (the same vectors)
        load(tmp_path / "as_fitted.safetensors").partial_fit(sentences, tags)
        tagger.set_params(pretrained_embeddings=None).partial_fit(sentences, tags)
    tagger.set_params(pretrained_embeddings=dict(vectors))
    tagger.set_params(pretrained_embeddings=None).save(tmp_path / "set_anew.safetensors")  # (then unset, to save)
    for model in (tagger, pickle.loads(pickle.dumps(tagger)), load(tmp_path / "set_anew.safetensors")):
        with pytest.warns(UserWarning, match=r"^pretrained_embeddings was set anew since the network was built: "
                                             r"warm_start and partial_fit go on with the network's own weights"):
            model.partial_fit(sentences, tags)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tagger.set_params(pretrained_embeddings=vectors).fit(sentences, tags)  # (a new network, from them)
        tagger.partial_fit(sentences, tags)
    images, labels = np.random.RandomState(0).rand(8, 3, 8, 8).astype(np.float32), [0, 1] * 4
    vgg = TransferVGGClassifier(backbone=[4, "M"], weights=None, image_size=8, max_iter=1, random_state=0,
                                warm_start=True, device="cpu").fit(images, labels)
    with pytest.warns(UserWarning, match=r"^weights was set anew"):
        vgg.set_params(weights={}).fit(images, labels)


@pytest.mark.parametrize("Model", [DenseClassifier, DenseRegressor])
def test_a_row_vector_y_is_told_to_be_raveled(Model):
    """y of shape (1, n) beside n rows was called a multilabel target (the classifier) or a count that differs
    (scikit-learn's 'inconsistent numbers of samples: [60, 1]'), neither naming the fix."""
    y = np.arange(60) % 2 if Model is DenseClassifier else X[:, 0]
    with pytest.raises(ValueError, match=r"^y has shape \(1, 60\), one row of 60 values, beside the 60 rows of X: .*"
                                         r"np\.ravel\(y\); a row of 60 outputs goes with one row of X\.$"):
        Model(**DENSE).fit(X, y[None, :])
    model = Model(**DENSE).fit(X, y)
    with pytest.raises(ValueError, match=r"np\.ravel\(y\)"):
        model.score(X, pd.DataFrame(y[None, :]))
    if Model is DenseRegressor:  # one row of several outputs stays one: a later partial_fit's single row
        two = Model(**DENSE).fit(X, np.c_[y, -y])
        two.partial_fit(X[:1], np.c_[y, -y][:1])


def test_fit_and_predict_leave_the_process_s_warning_filters_alone(monkeypatch):
    """Filters are the whole process's, and warnings.catch_warnings is not thread-safe: fits in threads (a GridSearchCV
    on joblib's threading backend) left sknn's 'ignore RuntimeWarning' behind, hiding the user's own warnings. No fit
    or predict path sets a filter now (numpy's errstate, which is per thread, and checks before the fact instead)."""
    import sys

    from sknn import ConvImageClassifier, TransferVGGClassifier

    calls = []
    for name in ("simplefilter", "filterwarnings"):
        def spy(*args, _original=getattr(warnings, name), **kwargs):
            caller = sys._getframe(1).f_globals.get("__name__", "")
            if caller.startswith("sknn"):
                calls.append(caller)
            return _original(*args, **kwargs)
        monkeypatch.setattr(warnings, name, spy)
    frame = pd.DataFrame({"a": X[:, 0], "empty": np.nan, "kind": np.array(["u", "v", "w"], dtype=object)[
        np.arange(60) % 3], "count": pd.Series([Decimal(i) for i in range(60)], dtype=object)})
    y = X[:, 0] > 0
    clf = DenseClassifier(**DENSE).fit(frame, y)  # (an all-missing column, a column of Decimals)
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        clf.predict(frame.to_numpy())
    clf.set_params(warm_start=True).fit(frame.assign(kind="new"), y)  # (training rows of no category read)
    clf.partial_fit(frame.assign(kind="new"), y)
    images = np.random.RandomState(0).rand(8, 8, 8, 1)
    ConvImageClassifier(conv_filters=(2,), dense_layers=(4,), max_iter=1, random_state=0).fit(images, [0, 1] * 4) \
        .predict(images)
    TransferVGGClassifier(backbone=[4, "M"], weights=None, image_size=8, head_layers=(4,), max_iter=1,
                          random_state=0).fit(images, [0, 1] * 4).predict(np.repeat(images, 3, axis=-1))
    assert not calls, calls
