"""Hostile parameters and values shared by every network: class weights, callbacks, absurd sizes, huge numbers."""

import time
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import torch
from sklearn.utils._param_validation import InvalidParameterError
from skorch.callbacks import Callback

import sknn._memory as memory
from sknn import (
    ConvImageClassifier,
    DenseClassifier,
    DenseRegressor,
    LSTMLanguageModel,
    LSTMSequenceTagger,
    TransferVGGClassifier,
    VGGFeatureExtractor,
    Word2VecTransformer,
)
from sknn.dense import forward_numpy

RNG = np.random.RandomState(0)
X, Y = RNG.normal(size=(40, 4)), np.array(["a", "b"] * 20)
IMAGES = RNG.rand(8, 8, 8)
DENSE = dict(hidden_layer_sizes=(4,), max_iter=1, early_stopping=False, device="cpu", random_state=0)
# a plain perceptron on the features as given: its sizes are simple to count
PLAIN = dict(preprocessing=None, numeric_embedding=None, front_scale=False, learnable_activation=False)
CONV = dict(conv_filters=(2,), dense_layers=(4,), max_iter=1, device="cpu", random_state=0)
SEQ = dict(hidden_size=4, embedding_dim=4, max_iter=1, device="cpu", random_state=0)
VGG = dict(backbone=[4, "M"], weights=None, image_size=8, device="cpu", channels_last=False, random_state=0)
TOKENS, TAGS = [["a", "b"], ["c"]] * 4, [["A", "B"], ["A"]] * 4


# -- class weights: the rule of sample weights ----------------------------------------------------
@pytest.mark.parametrize("weight, error, match", [
    (-1.0, ValueError, "is -1.0; class weights must be finite and non-negative"),
    (float("nan"), ValueError, "is nan; class weights must be finite and non-negative"),
    (float("inf"), ValueError, "is inf; class weights"),
    ("x", TypeError, "is 'x', not a number"),
    (None, TypeError, "is None, not a number"),
])
@pytest.mark.parametrize("make", [
    lambda cw: DenseClassifier(class_weight=cw, **DENSE).fit(X, Y),
    lambda cw: ConvImageClassifier(class_weight={0: 1.0, **{k: v for k, v in cw.items() if k != "a"}, 1: cw["a"]},
                                   **CONV).fit(IMAGES, [0, 1] * 4),
    lambda cw: TransferVGGClassifier(class_weight={1: cw["a"]}, max_iter=1, **VGG).fit(IMAGES, [0, 1] * 4),
])
def test_class_weights_follow_the_rule_of_sample_weights(make, weight, error, match):
    with pytest.raises(error, match=r"class_weight=.*the weight of class .* " + match):
        make({"a": weight})


def test_a_zero_class_weight_leaves_the_class_out_as_a_zero_sample_weight_does():
    by_class = DenseClassifier(class_weight={"a": 0.0}, **DENSE).fit(X, Y)
    by_row = DenseClassifier(**DENSE).fit(X, Y, sample_weight=(Y == "b").astype(float))
    np.testing.assert_array_equal(by_class.predict_proba(X), by_row.predict_proba(X))


# -- callbacks ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("callbacks, match", [
    ([1], r"callbacks\[0\] is 1 \(of type int\), not a skorch callback"),
    ([Callback(), "print"], r"callbacks\[1\] is 'print' \(of type str\)"),
    ([("name",)], r"callbacks\[0\] is the tuple \('name',\)"),
    ([("name", print)], r"callbacks\[0\] is <built-in function print>"),
    ([object], r"callbacks\[0\] is <class 'object'>"),
])
@pytest.mark.parametrize("make", [
    lambda cb: DenseClassifier(callbacks=cb, **DENSE).fit(X, Y),
    lambda cb: LSTMSequenceTagger(callbacks=cb, **SEQ).fit(TOKENS, TAGS),
    lambda cb: ConvImageClassifier(callbacks=cb, **CONV).fit(IMAGES, [0, 1] * 4),
])
def test_callbacks_that_are_not_callbacks_are_named_at_fit(make, callbacks, match):
    with pytest.raises(InvalidParameterError, match=match):
        make(callbacks)


def test_skorch_callbacks_given_as_classes_or_named_pairs_still_work():
    clf = DenseClassifier(callbacks=[Callback, ("mine", Callback())], **DENSE).fit(X, Y)
    assert "mine" in dict(clf.net_.callbacks_)


# -- absurd sizes: the memory a network needs, said before allocating it ------------------------------
@pytest.mark.parametrize("make, named", [
    (lambda: DenseClassifier(hidden_layer_sizes=(10**7, 10**7), max_iter=1, device="cpu").fit(X, Y),
     r"DenseClassifier \(hidden_layer_sizes=\(10000000, 10000000\), 4 input features\)"),
    (lambda: DenseRegressor(hidden_layer_sizes=(8, 10**14), max_iter=1, device="cpu").fit(X, X[:, 0]),
     r"hidden_layer_sizes=\(8, 100000000000000\)"),
    (lambda: ConvImageClassifier(conv_filters=(10**6,), dense_layers=(10**6,), max_iter=1, device="cpu").fit(
        IMAGES, [0, 1] * 4), r"conv_filters=\(1000000,\).*dense_layers=\(1000000,\)"),
    (lambda: LSTMSequenceTagger(hidden_size=10**9, embedding_dim=4, max_iter=1, device="cpu").fit(TOKENS, TAGS),
     r"hidden_size=1000000000.*a vocabulary of 5 words"),
    (lambda: LSTMLanguageModel(hidden_size=4, embedding_dim=10**12, min_count=1, max_iter=1, device="cpu").fit(
        TOKENS), r"embedding_dim=1000000000000"),
    (lambda: Word2VecTransformer(vector_size=10**13, min_count=1, device="cpu").fit(["a b c"] * 3),
     r"vector_size=10000000000000, a vocabulary of 3 words\)"),
    (lambda: VGGFeatureExtractor(backbone=[4, 10**9], weights=None, image_size=8, device="cpu").fit(IMAGES),
     r"backbone=\[4, 1000000000\]"),
])
def test_absurd_sizes_say_how_much_memory_the_network_needs(make, named):
    start = time.perf_counter()
    with pytest.raises(memory.NetworkTooLarge,
                       match=named + r".* needs (at least )?[0-9.]+ [KMGTP]B.*this machine has"):
        make()
    assert time.perf_counter() - start < 10  # nothing was allocated


def test_a_network_too_large_is_refused_before_any_layer_is_drawn(monkeypatch):
    # the first layer of (10**7, 10**7) fits in memory: it was allocated and drawn (seconds) before the refusal
    drawn, normal_ = [], torch.Tensor.normal_

    def spy(tensor, *args, **kwargs):
        drawn.append((tensor.device.type, tensor.numel()))
        return normal_(tensor, *args, **kwargs)

    monkeypatch.setattr(torch.Tensor, "normal_", spy)
    with pytest.raises(memory.NetworkTooLarge, match=r"needs [0-9.]+ [KMGTP]B"):
        DenseClassifier(hidden_layer_sizes=(10**7, 10**7), max_iter=1, device="cpu").fit(X, Y)
    assert drawn and all(device == "meta" for device, n in drawn if n >= 10**7)


def test_the_memory_check_counts_weights_gradients_and_moments(monkeypatch):
    monkeypatch.setattr(memory, "_memory_limits", lambda device: [(10**6, "this machine has {} of memory", True)])
    with pytest.raises(memory.NetworkTooLarge,
                       match=r"needs 3.36 MB: 4x its weights' 840 KB in training .* this machine has 1 MB"):
        DenseClassifier(hidden_layer_sizes=(30_000,), max_iter=1, device="cpu", **PLAIN).fit(X, Y)
    with pytest.raises(memory.NetworkTooLarge, match=r"needs 2.52 MB: 3x its weights'"):  # SGD with momentum
        DenseClassifier(hidden_layer_sizes=(30_000,), optimizer="sgd", max_iter=1, device="cpu", **PLAIN).fit(X, Y)
    DenseClassifier(hidden_layer_sizes=(100,), max_iter=1, device="cpu", **PLAIN).fit(X, Y)  # 11 KB: fits


def test_the_memory_check_counts_a_training_batch_s_activations_beside_the_weights(monkeypatch):
    """A periodic embedding keeps 32 values per number of a batch's rows for the backward pass: 1,048,576 columns
    (HashingVectorizer's) passed the check of the weights, then the allocator failed in the first batch."""
    monkeypatch.setattr(memory, "_memory_limits", lambda device: [(3 * 10**8, "this machine has {} of memory", True)])
    wide = np.random.RandomState(0).normal(size=(300, 20_000)).astype(np.float32)
    labels = np.arange(300) % 2
    with pytest.raises(memory.NetworkTooLarge, match=r"20000 input features\) needs [0-9.]+ MB: 4x its weights' "
                                                     r".* and at least 6[0-9]{2} MB for a training batch's activations "
                                                     r"\(lower batch_size, or give fewer input columns\), but this "
                                                     r"machine has 300 MB"):
        DenseClassifier(hidden_layer_sizes=(4,), max_iter=1, device="cpu").fit(wide, labels)
    DenseClassifier(hidden_layer_sizes=(4,), numeric_embedding=None, max_iter=1, device="cpu").fit(wide, labels)
    bounds = [(3 * 10**8, "this container may use {} of memory", False), (10**11, "the GPU has {} free", True)]
    monkeypatch.setattr(memory, "_memory_limits", lambda device: bounds)  # (batches on a GPU: not in the host's)
    DenseClassifier(hidden_layer_sizes=(4,), max_iter=1, device="cpu").fit(wide, labels)


def test_the_memory_check_counts_the_process_s_address_space_limit(monkeypatch):
    """Under ulimit -v the check compared with the machine's RAM: the network passed it, then the allocator failed."""
    import os
    import resource

    if not os.path.exists("/proc/self/statm"):
        pytest.skip("only Linux says how much of its address space a process has mapped")
    with open("/proc/self/statm") as f:
        mapped = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    monkeypatch.setattr(resource, "getrlimit", lambda kind: (mapped + 2 * 10**9, resource.RLIM_INFINITY)
                        if kind == resource.RLIMIT_AS else (resource.RLIM_INFINITY,) * 2)
    assert 1.5 * 10**9 < memory._address_space_left() <= 2 * 10**9  # (what it maps meanwhile counts)
    with pytest.raises(memory.NetworkTooLarge, match=r"needs 14.4 GB.* but this process may map [0-9.]+ GB more "
                                                     r"\(its address-space limit, ulimit -v\)"):
        DenseClassifier(hidden_layer_sizes=(30_000, 30_000), max_iter=1, device="cpu", **PLAIN).fit(X, Y)


def test_running_out_of_memory_in_a_batch_names_the_batch_size():
    class OutOfMemory(Callback):
        def on_batch_begin(self, net, **kwargs):
            raise RuntimeError("[enforce fail at alloc_cpu.cpp:127] DefaultCPUAllocator: can't allocate memory: "
                               "you tried to allocate 400000000000 bytes.")

    with pytest.raises(MemoryError, match=r"Training ran out of memory on cpu with batches of 40 samples.*batch_size, "
                                          r"or the sizes of the network or of each sample \(fewer columns"):
        DenseClassifier(callbacks=[OutOfMemory()], **DENSE).fit(X, Y)


# -- numbers beyond float32 training ----------------------------------------------------------------------
def test_regression_targets_that_overflow_float32_blame_the_target():
    # a target the network learns as it is (normalize_y=False) must suit float32 training
    for y in (np.full(40, 1e40), np.r_[np.zeros(39), -1e20]):
        with pytest.raises(ValueError, match=r"^y holds values up to .*Scale the target"):
            DenseRegressor(**DENSE, normalize_y=False).fit(X, y)
    with pytest.raises(ValueError, match=r"^y holds values up to 1e\+30"):
        DenseRegressor(**DENSE, normalize_y=False).fit(X, np.c_[X[:, 0], np.full(40, 1e30)])
    # standardised in float64 first (the default), any finite scale trains, and predictions come back in it
    y = 1e30 * X[:, 0]
    reg = DenseRegressor(**dict(DENSE, max_iter=20)).fit(X, y)
    pred = reg.predict(X)
    assert np.isfinite(pred).all() and np.corrcoef(pred, y)[0, 1] > 0.5 and np.abs(pred).max() <= np.abs(y).max()


def test_a_target_far_from_standardised_learned_as_it_is_is_warned_of():
    """Was silent: with normalize_y=False, y = 1e4 + a signal of spread 2 trained to a constant (R^2 -5.6)."""
    signal = X[:, 0] * 2 + X[:, 1]
    centred = (signal - signal.mean()) / signal.std()
    for y in (1e4 + signal, 1e-4 * signal, 0.05 * centred, 1e5 * centred):  # far from 0, or spread far from 1
        with pytest.warns(UserWarning, match=r"learns y as it is \(normalize_y=False\), but its mean .* far from"):
            DenseRegressor(**DENSE, normalize_y=False).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        for spread in (0.2, 1.0, 100.0):  # (spreads of 10 to 1000 learned as well as the standardised target)
            DenseRegressor(**DENSE, normalize_y=False).fit(X, spread * centred)
        DenseRegressor(**DENSE).fit(X, 1e4 + signal)  # standardised: nothing to warn of
        DenseRegressor(**DENSE, normalize_y=False, criterion=torch.nn.PoissonNLLLoss).fit(X, 30 + signal)  # its own


@pytest.mark.parametrize("scale", [1e200, 1e307, -1e300, 1e-300])
def test_a_standardised_target_trains_the_same_at_any_float64_scale(scale):
    # its mean and spread are taken without squaring numbers beyond float64 (1e200 ** 2 overflows)
    y = X @ np.array([1.0, 2.0, 3.0, 4.0])
    unit = DenseRegressor(**dict(DENSE, max_iter=10)).fit(X, y if scale > 0 else -y).predict(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow on the way
        scaled = DenseRegressor(**dict(DENSE, max_iter=10)).fit(X, y * scale).predict(X)
    np.testing.assert_allclose(scaled / abs(scale), unit, rtol=1e-5)


@pytest.mark.parametrize("make_X", [lambda: X * 1e30, lambda: np.r_[X[:39], [[1e20, 0, 0, 0]]],
                                    lambda: sp.csr_matrix(X * 1e30), lambda: (X * 1e30).astype(np.float32)])
def test_features_beyond_float32_training_name_x_and_ask_for_scaling(make_X):
    # features given as they are (preprocessing=None) must be of a scale float32 training can use
    for est in (DenseClassifier(**DENSE, **PLAIN), DenseRegressor(**DENSE, **PLAIN)):
        target = Y if est._is_classifier else X[:, 0]
        with pytest.raises(ValueError, match=r"^X holds values up to .*Scale the features"):
            est.fit(make_X(), target)
        est.fit(X, target)
        with pytest.raises(ValueError, match=r"^X holds values up to"):
            est.predict(make_X())


def test_the_built_in_preprocessing_scales_huge_features_but_refuses_those_beyond_float32():
    clf = DenseClassifier(**DENSE).fit(X * 1e30, Y)  # robust scaling brings them back
    np.testing.assert_array_equal(clf.predict(X * 1e30), DenseClassifier(**DENSE).fit(X, Y).predict(X))
    with pytest.raises(ValueError, match=r"Column 0 of X holds values beyond float32's range.*rescale it"):
        DenseClassifier(**DENSE).fit(np.c_[X[:, :1] * 1e300, X[:, 1:]], Y)


def test_forward_numpy_names_the_expected_width():
    with pytest.raises(ValueError, match=r"X has 3 features, but .* is expecting 4 features"):
        forward_numpy(DenseClassifier(**DENSE).fit(X, Y).export_network(), X[:, :3])
    network = DenseClassifier(**DENSE, **PLAIN).fit(X, Y).export_network()
    with pytest.raises(ValueError, match=r"X has 3 values per row, but the network's number of input features "
                                         r"\(n_features_in\) is 4"):
        forward_numpy(network, X[:, :3])
    with pytest.raises(ValueError, match=r"X must be a 2-D array .* shape \(4,\)"):
        forward_numpy(network, X[0])
    assert forward_numpy(network, X).shape == (40, 2)


def test_a_validation_fraction_that_leaves_nothing_to_train_on_names_itself():
    X, y = np.random.RandomState(0).rand(50, 3), np.arange(50) % 2
    with pytest.raises(ValueError, match=r"validation_fraction=0.99 sets aside 50 of the 50 samples, leaving none"):
        DenseClassifier(**dict(DENSE, early_stopping=True, validation_fraction=0.99)).fit(X, y)
    DenseClassifier(**dict(DENSE, early_stopping=True, validation_fraction=0.5)).fit(X, y)
