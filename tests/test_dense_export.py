"""The numpy export of the dense networks (export_network, forward_numpy, from_network): what it holds and refuses."""

import json
import math
import re

import numpy as np
import pandas as pd
import pytest
import torch

from sknn import DenseClassifier, DenseRegressor
from sknn._dense_numpy import _ntk_weight
from sknn._layers import ScaledLinear
from sknn.dense import forward_numpy

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

SMALL = dict(hidden_layer_sizes=(8,), max_iter=2, random_state=0, device="cpu")


def _json(network):
    """The export written as JSON and read back: arrays become lists."""
    return json.loads(json.dumps(network, default=lambda o: o.tolist() if isinstance(o, (np.ndarray, np.generic))
                                 else str(o)))


def _outcome(f, X):
    try:
        return "ok", f(X)
    except (ValueError, TypeError) as exc:
        return type(exc).__name__, str(exc)


# forward_numpy's own messages for X's shape without a preprocessor (tests/test_hostile_params.py)
_SHAPE = r"^X must be a 2-D array of shape|^X has \d+ values per row, but the network's number of input features"


def _same_as_predict(est, network, X):
    """forward_numpy(network, X) refuses X as predict does (same error, same message but for X's shape without a
    preprocessor), or answers as it does."""
    reference = est.predict_proba if hasattr(est, "predict_proba") else est.predict
    (kind, expected), (got_kind, got) = _outcome(reference, X), _outcome(lambda Z: forward_numpy(network, Z), X)
    assert got_kind == kind, (expected, got)
    if kind == "ok":
        np.testing.assert_allclose(np.reshape(got, np.shape(expected)), expected, atol=1e-5)
    elif not re.match(_SHAPE, got):  # (a message naming its caller names forward_numpy)
        assert got.replace("forward_numpy", type(est).__name__) == expected
    return kind


@pytest.mark.parametrize("preprocessing", ["auto", None])
def test_whole_number_column_names_in_another_order_are_refused(preprocessing):
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(60, 3)) * [1, 10, 100])  # columns named 0, 1, 2
    reg = DenseRegressor(preprocessing=preprocessing, **SMALL).fit(X, X[0] + X[1] / 10)
    network = reg.export_network()
    assert network["column_labels_in"].tolist() == [0, 1, 2]
    shuffled = X[[2, 0, 1]]
    message = re.escape("X's columns are named 2, 0, 1: the names of fit's columns in another order")
    for net in (network, _json(network)):  # (read back from JSON too)
        with pytest.raises(ValueError, match=message):
            forward_numpy(net, shuffled)  # (was read by position: wrong answers)
        rebuilt = DenseRegressor.from_network(net)
        with pytest.raises(ValueError, match=message):
            rebuilt.predict(shuffled)
        np.testing.assert_allclose(rebuilt.predict(X), reg.predict(X), atol=1e-5)
        np.testing.assert_allclose(forward_numpy(net, X).ravel(), reg.predict(X), atol=1e-5)
    if preprocessing == "auto":  # the encoding refuses them too, as the fitted one does
        assert network["preprocessor"]["column_labels_in_"].tolist() == [0, 1, 2]
        with pytest.raises(ValueError, match=message):
            DenseRegressor.from_network(network).preprocessor_.transform(shuffled)
    with pytest.raises(ValueError, match=r"network\['column_labels_in'\] holds 2 column names, but the network "
                                         r"reads 3 columns"):
        forward_numpy({**network, "column_labels_in": [0, 1]}, X)


@pytest.mark.parametrize("preprocessing", ["auto", None])
def test_date_and_tuple_column_names_in_another_order_are_refused(preprocessing):
    rng = np.random.default_rng(0)
    tuples = pd.MultiIndex.from_tuples([("p", "a"), ("p", "b"), ("q", "a")])  # groupby().agg([...])'s
    for names in (pd.date_range("2024-01-01", periods=3), tuples):
        X = pd.DataFrame(rng.normal(size=(60, 3)), columns=names)
        reg = DenseRegressor(preprocessing=preprocessing, **SMALL).fit(X, X.iloc[:, 0])
        network = reg.export_network()
        assert len(network["column_label_text_in"]) == 3
        shuffled = X[[X.columns[2], X.columns[0], X.columns[1]]]
        for net in (network, _json(network)):
            with pytest.raises(ValueError, match="the names of fit's columns in another order"):
                forward_numpy(net, shuffled)  # (was read by position: wrong answers)
            with pytest.raises(ValueError, match="the names of fit's columns in another order"):
                DenseRegressor.from_network(net).predict(shuffled)
            np.testing.assert_allclose(forward_numpy(net, X).ravel(), reg.predict(X), atol=1e-5)


def _cases(X):
    named = pd.DataFrame(X, columns=["a", "b", "c"])
    cases = {"names in another order": named[["c", "a", "b"]], "0 rows": X[:0], "0 rows, named": named.iloc[:0],
             "1-D": X[0], "3-D": X[None], "a column too many": np.c_[X, X[:, :1]], "sparse": None,
             "text": np.array([["1.5", "x", "2"]], dtype=object), "numbers as text": X[:3].astype(str).astype(object),
             "a torch DataLoader": torch.utils.data.DataLoader(torch.zeros(3, 3))}
    for label, value in (("NaN", np.nan), ("infinity", np.inf), ("1e20", 1e20)):
        bad = X.copy()
        bad[1, 1] = value
        cases[label] = bad
    import scipy.sparse as sp

    cases["sparse"] = sp.csr_matrix(X)
    return named, cases


@pytest.mark.filterwarnings("ignore:X does not have valid feature names")
@pytest.mark.parametrize("preprocessing", [None, "auto"])
def test_forward_numpy_refuses_what_predict_refuses(preprocessing):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3)) * [1, 10, 100]
    named, cases = _cases(X)
    clf = DenseClassifier(preprocessing=preprocessing, **SMALL).fit(named, np.where(X[:, 0] > 0, "pos", "neg"))
    network = clf.export_network()
    refused = {label: _same_as_predict(clf, network, Z) != "ok" for label, Z in cases.items()}
    assert _same_as_predict(clf, network, named) == "ok"
    expected = {"names in another order", "0 rows", "0 rows, named", "1-D", "3-D", "a column too many", "text",
                "NaN", "infinity", "1e20", "a torch DataLoader"}
    if preprocessing == "auto":  # missing values are imputed; numbers as text are refused column by column
        expected = (expected - {"NaN", "1e20"}) | {"numbers as text"}
    assert {label for label, r in refused.items() if r} == expected


def test_export_params_are_the_architecture_the_network_was_built_with():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 3))
    y = np.where(X[:, 0] > 0, "p", "n")

    class Linear(torch.nn.Module):
        def __init__(self, n_in, n_out):
            super().__init__()
            self.linear = torch.nn.Linear(n_in, n_out)

        def forward(self, x):
            return self.linear(x)

    for change in (dict(dropout=(0.1, 0.1, 0.1)), dict(module=Linear), dict(parametrization="standard"),
                   dict(hidden_layer_sizes=(4,), n_ensemble=2, max_iter=7)):
        clf = DenseClassifier(hidden_layer_sizes=(8, 6), max_iter=2, random_state=0, device="cpu").fit(X, y)
        network = clf.set_params(**change).export_network()
        for key in clf._architecture_params:
            assert network["params"][key] == clf.architecture_[key], key
        assert network.get("sparse_input", False) is clf.architecture_["sparse_input"] is False  # (what X was)
        assert network["params"]["max_iter"] == clf.max_iter  # training settings: as they are now
        rebuilt = DenseClassifier.from_network(network)  # (failed, or built another network)
        assert rebuilt.architecture_ == clf.architecture_
        np.testing.assert_allclose(rebuilt.predict_proba(X), clf.predict_proba(X), atol=1e-6)
    # the precision the network computes in, as save records it (a precision set since changed the rebuilt one's,
    # not the model's: other predictions, where the CPU computes in bfloat16)
    clf = DenseClassifier(hidden_layer_sizes=(8,), max_iter=2, random_state=0, device="cpu").fit(X, y)
    assert clf.set_params(precision="bf16").export_network()["params"]["precision"] == "32"


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_an_export_read_back_from_json(kind):
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"a": rng.normal(size=100), "b": rng.normal(size=100), "c": rng.choice(["x", "y", "z"], 100),
                       "n": pd.Categorical(rng.choice([1, 2, 3, 4], 100))})
    df.loc[::7, "b"] = np.nan
    est = (DenseClassifier(**SMALL).fit(df, rng.choice(["u", "v"], 100)) if kind == "classifier"
           else DenseRegressor(**SMALL).fit(df, rng.normal(size=100)))
    reference = est.predict_proba if kind == "classifier" else est.predict
    network = _json(est.export_network())
    assert network["layers"][0]["plain_columns"] == []  # (a float array to numpy: an IndexError in forward_numpy)
    np.testing.assert_allclose(np.ravel(forward_numpy(network, df)), np.ravel(reference(df)), atol=1e-5)
    rebuilt = type(est).from_network(network)  # (failed on pre.center_ - pre.offset_ of lists)
    np.testing.assert_allclose(np.ravel(rebuilt.predict_proba(df) if kind == "classifier" else rebuilt.predict(df)),
                               np.ravel(reference(df)), atol=1e-5)
    pre = rebuilt.preprocessor_
    assert pre.numeric_columns_.dtype == np.int64 and pre.center_.dtype == np.float64 and pre.has_missing_.dtype == bool
    assert [c.dtype for c in pre.categories_] == [object, object] and pre.categories_[1].tolist() == [1, 2, 3, 4]
    with pytest.raises(ValueError, match="Column 'c' held strings in fit"):  # the encoding's own checks, restored
        rebuilt.predict(df.assign(c=1))


def test_every_key_of_the_export_is_documented():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(40, 2)), columns=["a", "b"])
    keys = set()
    for est in (DenseClassifier(**SMALL).fit(X, rng.choice(["u", "v"], 40)),
                DenseRegressor(**SMALL).fit(X, rng.normal(size=40)),
                DenseRegressor(**SMALL).fit(pd.DataFrame(X.to_numpy()), rng.normal(size=40))):
        keys |= set(est.export_network())
    assert {"y_ndim", "feature_names_in", "column_labels_in"} <= keys
    doc = DenseClassifier.export_network.__doc__
    assert [key for key in sorted(keys) if f"``{key}``" not in doc] == []


@pytest.mark.parametrize("params", [dict(), dict(n_ensemble=2, hidden_layer_sizes=(5, 7)),
                                    dict(parametrization="standard")])
def test_from_network_predicts_exactly_as_the_exported_estimator(params):
    """The neural-tangent layers (the default) export W / sqrt(n_in): rebuilt, their weight is the one whose forward
    pass gives that product exactly (multiplying back by sqrt(n_in) in float32 was off by ~3e-8)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 13))
    for est in (DenseClassifier(**{**SMALL, **params}).fit(X, rng.choice(["u", "v", "w"], 60)),
                DenseRegressor(**{**SMALL, **params}).fit(X, rng.normal(size=60) * 1e3)):
        reference = est.predict_proba if hasattr(est, "predict_proba") else est.predict
        for network in (est.export_network(), _json(est.export_network())):
            rebuilt = type(est).from_network(network)
            np.testing.assert_array_equal(rebuilt.predict_proba(X) if hasattr(est, "predict_proba")
                                          else rebuilt.predict(X), reference(X))


def test_from_network_keeps_what_a_network_without_hidden_layers_cannot_say():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    clf = DenseClassifier(**{**SMALL, "hidden_layer_sizes": (), "batch_norm": True,
                             "learnable_activation": True}).fit(X, rng.choice(["u", "v"], 40))
    rebuilt = DenseClassifier.from_network(clf.export_network())
    assert rebuilt.batch_norm and rebuilt.learnable_activation  # (were set to False: no layer has them)
    assert rebuilt.architecture_ == clf.architecture_
    # with hidden layers, the layers say (whatever the params entry claims)
    network = DenseClassifier(**SMALL, batch_norm=False, learnable_activation=True).fit(
        X, rng.choice(["u", "v"], 40)).export_network()
    network["params"].update(batch_norm=True, learnable_activation=False)
    rebuilt = DenseClassifier.from_network(network)
    assert not rebuilt.batch_norm and rebuilt.learnable_activation


def test_from_network_rebuilds_the_float32_network_under_a_bfloat16_default():
    """from_network builds the float32 network whatever torch's default dtype (a bfloat16 default made bfloat16
    neural-tangent weights, which numpy cannot read: TypeError), and it predicts exactly as the exported one."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 13))
    est = DenseRegressor(**SMALL).fit(X, rng.normal(size=60))
    default = torch.get_default_dtype()
    torch.set_default_dtype(torch.bfloat16)
    try:
        rebuilt = DenseRegressor.from_network(est.export_network())
    finally:
        torch.set_default_dtype(default)
    pairs = [(m, o) for m, o in zip(rebuilt.net_.module_.modules(), est.net_.module_.modules())
             if isinstance(m, ScaledLinear)]
    assert len(pairs) == 2
    for module, original in pairs:
        assert module.weight.dtype == torch.float32
        torch.testing.assert_close(module.effective_weight(), original.effective_weight(), rtol=0, atol=0)
    np.testing.assert_array_equal(rebuilt.predict(X), est.predict(X))


def _assert_within_one_step(got, expected):
    """Each value of ``got`` is the one of ``expected`` or a neighbour (one ulp away) of its dtype."""
    up, down = (torch.nextafter(expected, torch.tensor(v, dtype=expected.dtype)) for v in (math.inf, -math.inf))
    assert bool(((got == expected) | (got == up) | (got == down)).all())


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.bfloat16, torch.float16])
@pytest.mark.parametrize("n_in", [1, 2, 3, 7, 1000, 4097])
def test_ntk_weights_reach_every_exported_product_and_any_value_within_one_step(dtype, n_in):
    """_ntk_weight's promise: an exported effective weight (a weight of ``dtype`` times 1 / sqrt(n_in), as the forward
    pass rounds it) is reached exactly, across the dtype's range; a value built by hand, within one ulp."""
    factor = 1.0 / math.sqrt(n_in)
    info = torch.finfo(dtype)
    generator = torch.Generator().manual_seed(n_in)

    def spread(high):  # values of random signs and exponents, from subnormal numbers to 2 ** high
        low = math.log2(info.tiny) - 8
        exponents = low + (high - low) * torch.rand(20_000, generator=generator, dtype=torch.float64)
        return ((torch.randint(0, 2, (20_000,), generator=generator) * 2 - 1) * torch.exp2(exponents)).to(dtype)

    exported = spread(math.log2(info.max) - 0.5) * factor
    np.testing.assert_array_equal((_ntk_weight(exported.double().numpy(), n_in, dtype) * factor).double().numpy(),
                                  exported.double().numpy())
    by_hand = spread(math.log2(info.max * factor) - 0.5)  # (beyond max * factor, a weight would be infinite)
    _assert_within_one_step(_ntk_weight(by_hand.double().numpy(), n_in, dtype) * factor, by_hand)


def test_forward_numpy_refuses_a_network_edited_or_built_by_hand_naming_what_is_wrong():
    """A layer without its weight, a typo in a layer's type, a missing 'output' failed with KeyError: 'weight',
    'name' or 'output'; a bias of one value was stretched over the layer silently; 3 classes beside a last layer of
    2 gave 2 probabilities a row without a word."""
    import copy

    X = np.random.default_rng(0).normal(size=(30, 3))
    net = DenseClassifier(hidden_layer_sizes=(4,), max_iter=2, random_state=0).fit(X, X[:, 0] > 0).export_network()
    dense = [i for i, layer in enumerate(net["layers"]) if layer["type"] == "dense"]

    def edited(change):
        network = copy.deepcopy(net)
        change(network)
        return network

    for change, match in (
            (lambda n: n.pop("output"), r"network\['output'\] is None; an exported network says 'softmax'"),
            (lambda n: n["layers"][-1].update(type="dens"), r"network\['layers'\]\[\d\] is a layer of type 'dens'"),
            (lambda n: n["layers"][dense[0]].pop("weight"), r"a dense layer, has no 'weight' entry"),
            (lambda n: n["layers"][dense[-1]].update(bias=n["layers"][dense[-1]]["bias"][:1]),
             r"a dense layer's bias has shape \(1,\), not \(2,\)"),
            (lambda n: n.update(classes=np.array([False, True, 2])),
             r"last layer gives 2 values a row, but network\['classes'\] lists 3 classes")):
        with pytest.raises(ValueError, match=match):
            forward_numpy(edited(change), X)
    np.testing.assert_allclose(forward_numpy(net, X).sum(axis=1), 1.0)
    with pytest.raises(ValueError, match=r"network has no 'classes' entry: a classifier's export lists its classes"):
        DenseClassifier.from_network(edited(lambda n: n.pop("classes")))
    for i in dense:  # (from_network said KeyError: 'weight' where forward_numpy pointed to it)
        with pytest.raises(ValueError, match=rf"network\['layers'\]\[{i}\], a dense layer, has no 'weight' entry"):
            DenseClassifier.from_network(edited(lambda n: n["layers"][i].pop("weight")))
