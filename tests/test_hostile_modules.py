"""Hostile networks, losses and parameters of power users: a custom module of the wrong output shape, a criterion
that cannot take the outputs, skorch-style nested parameters, tensors that require grad, and the HTML repr's links."""

import functools
import re
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import torch
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from skorch.callbacks import Callback

import sknn._device as _device
import sknn._module_checks as module_checks
from sknn import (ConvImageClassifier, DenseClassifier, DenseRegressor, LSTMLanguageModel, LSTMSequenceTagger,
                  TransferVGGClassifier, VGGFeatureExtractor, Word2VecTransformer)
from sknn._device import seeded
from sknn._validation import check_nested_params

RNG = np.random.RandomState(0)
X = RNG.randn(60, 3)
Y = np.where(X[:, 0] > 0, "yes", "no")
Y4 = np.digitize(X[:, 0], [-0.7, 0.0, 0.7])  # 4 classes
YR = X[:, 0] * 2 + X[:, 1]
IMAGES, Y_IMAGES = RNG.rand(16, 8, 8), np.arange(16) % 2
SEQS = [["the", "dog", "runs"], ["a", "cat", "sleeps"], ["the", "cat"]] * 4
TAGS = [["DET", "NOUN", "VERB"], ["DET", "NOUN", "VERB"], ["DET", "NOUN"]] * 4
DENSE = dict(hidden_layer_sizes=(4,), max_iter=2, random_state=0, device="cpu", early_stopping=False)
CONV = dict(conv_filters=(2,), dense_layers=(4,), max_iter=1, random_state=0, device="cpu")
VGG = dict(backbone=[4, "M"], weights=None, image_size=8, max_iter=1, random_state=0, device="cpu",
           channels_last=False)
SEQ = dict(hidden_size=4, embedding_dim=4, max_iter=1, random_state=0, device="cpu")


class Linear(torch.nn.Module):
    """A linear layer ``width`` wide (None: the width sknn asks for), optionally squeezed to (n,)."""

    def __init__(self, n_inputs, n_outputs, width=None, squeeze=False):
        super().__init__()
        self.linear, self.squeeze = torch.nn.Linear(n_inputs, width or n_outputs), squeeze

    def forward(self, X):
        out = self.linear(X)
        return out.squeeze(-1) if self.squeeze else out


class Flat(torch.nn.Module):
    """Images (n, C, H, W) to ``width`` outputs (None: as many as sknn asks for)."""

    def __init__(self, channels, size, n_outputs, width=None):
        super().__init__()
        self.linear = torch.nn.Linear(channels * size[0] * size[1], width or n_outputs)

    def forward(self, X):
        return self.linear(X.flatten(1))


class Tokens(torch.nn.Module):
    """The sequence family's forward; ``padded`` returns the padded (B, T, n_outputs) instead of the real tokens."""

    def __init__(self, n_words, n_outputs, width=None, padded=False):
        super().__init__()
        self.embedding = torch.nn.Embedding(n_words, 4)
        self.linear, self.padded = torch.nn.Linear(4, width or n_outputs), padded

    def forward(self, lengths, words, last_only=False, **kwargs):
        out = self.linear(self.embedding(words))
        if self.padded:
            return out
        if last_only:
            return out[torch.arange(len(lengths)), lengths - 1]
        return out[torch.arange(words.shape[1])[None, :] < lengths[:, None]]


class Epochs(Callback):
    """Counts the epochs that began."""

    def initialize(self):
        self.begun = 0
        return self

    def on_epoch_begin(self, net, **kwargs):
        self.begun += 1


# -- a custom module's output shape --------------------------------------------------------------------------------
WRONG_SHAPES = {
    "classifier, 3 outputs for 2 classes": (
        lambda cb: DenseClassifier(module=functools.partial(Linear, width=3), callbacks=[cb], **DENSE), X, Y,
        r"\(4, 3\) for a training batch of 4 targets, but DenseClassifier's loss needs shape \(4, 2\): logits"),
    "classifier, 1 output for 2 classes": (
        lambda cb: DenseClassifier(module=functools.partial(Linear, width=1), callbacks=[cb], **DENSE), X, Y,
        r"\(4, 1\) for a training batch of 4 targets, but DenseClassifier's loss needs shape \(4, 2\)"),
    "regressor, squeezed to (n,)": (
        lambda cb: DenseRegressor(module=functools.partial(Linear, squeeze=True), callbacks=[cb], **DENSE), X, YR,
        r"\(4,\) for a training batch of 4 targets, but DenseRegressor's loss needs shape \(4, 1\).*do not squeeze"),
    "regressor without preprocessing": (
        lambda cb: DenseRegressor(module=functools.partial(Linear, width=2), preprocessing=None, callbacks=[cb],
                                  **DENSE), X, YR,
        r"\(4, 2\) for a training batch of 4 targets, but DenseRegressor's loss needs shape \(4, 1\)"),
    "conv": (
        lambda cb: ConvImageClassifier(module=functools.partial(Flat, width=3), callbacks=[cb], **CONV), IMAGES,
        Y_IMAGES, r"\(4, 3\) for a training batch of 4 targets, but ConvImageClassifier's loss needs shape \(4, 2\)"),
    "transfer head": (
        lambda cb: TransferVGGClassifier(module=functools.partial(Linear, width=5), callbacks=[cb], **VGG), IMAGES,
        Y_IMAGES, r"\(4, 5\) for a training batch of 4 targets, but TransferVGGClassifier's loss needs shape \(4, 2\)"),
    "tagger, padded outputs": (
        lambda cb: LSTMSequenceTagger(module=functools.partial(Tokens, padded=True), callbacks=[cb], **SEQ), SEQS,
        TAGS, r"\(4, 3, 3\) for a training batch of 11 targets, but LSTMSequenceTagger's loss needs shape \(11, 3\): "
              r"logits of shape \(n_tokens, n_classes\)"),
    "language model, too narrow": (
        lambda cb: LSTMLanguageModel(module=functools.partial(Tokens, width=3), min_count=1, callbacks=[cb], **SEQ),
        SEQS, None, r"\(15, 3\) for a training batch of 15 targets, but LSTMLanguageModel's loss needs shape "
                    r"\(15, 10\): the next word's logits"),
}


@pytest.mark.parametrize("case", list(WRONG_SHAPES))
def test_a_module_of_the_wrong_output_shape_is_refused_before_training(case):
    make, X_, y, match = WRONG_SHAPES[case]
    epochs = Epochs()
    est = make(epochs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match=r"^module=functools.partial\(.*\) returned outputs of shape " + match):
            est.fit(X_, y)
    assert epochs.begun == 0 and not hasattr(est, "net_")  # before the first epoch; an unfitted estimator


def test_a_module_that_returns_no_tensor_is_refused():
    class Pair(Linear):
        def forward(self, X):
            return self.linear(X), X

    with pytest.raises(ValueError, match=r"module=Pair returned a tuple, not a tensor: DenseClassifier's loss needs a "
                                         r"tensor of shape \(4, 2\)"):
        DenseClassifier(module=Pair, **DENSE).fit(X, Y)


def test_a_module_or_criterion_giving_nan_before_training_is_named_not_called_diverged():
    class Undefined(Linear):
        def forward(self, X):
            return torch.log(self.linear(X) - 1e3)  # NaN for every input

    class LogOfZero(torch.nn.Module):
        def forward(self, outputs, targets):
            return torch.log(outputs * 0).mean()

    epochs = Epochs()
    with pytest.raises(ValueError, match=r"^module=Undefined returned NaN on the first 4 training samples, before "
                                         r"any training step"):
        DenseRegressor(module=Undefined, callbacks=[epochs], **DENSE).fit(X, YR)
    with pytest.raises(ValueError, match=r"^criterion=LogOfZero returned NaN or infinity on the first 4 training "
                                         r"samples, before any training step, for finite outputs"):
        DenseRegressor(criterion=LogOfZero, callbacks=[epochs], **DENSE).fit(X, YR)
    assert epochs.begun == 0


class Noisy(torch.nn.Module):
    """Draws from torch's generator in every forward, evaluation included; a frozen batch norm stays in eval mode."""

    def __init__(self, n_inputs, n_outputs):
        super().__init__()
        self.frozen = torch.nn.BatchNorm1d(n_inputs).eval()
        self.linear = torch.nn.Linear(n_inputs, n_outputs)

    def forward(self, X):
        return self.linear(torch.nn.functional.dropout(self.frozen(X), 0.3, training=True))


class Modes(Callback):
    """The module's and its frozen layer's modes when training begins (after the check)."""

    def on_train_begin(self, net, **kwargs):
        module = net.module_[-1] if isinstance(net.module_, torch.nn.Sequential) else net.module_  # (after sknn's
        self.modes = (net.module_.training, module.training, module.frozen.training)  # input layer)


@pytest.mark.parametrize("make", [
    lambda: DenseRegressor(module=Noisy, criterion=torch.nn.HuberLoss, preprocessing=None, **DENSE),
    lambda: DenseClassifier(module=Noisy, preprocessing=None, **{**DENSE, "early_stopping": True}),
])
def test_the_check_leaves_a_seeded_fit_as_it_would_be_without_it(make, monkeypatch):
    y = YR if isinstance(make(), DenseRegressor) else Y
    checked = [make().fit(X, y) for _ in range(2)]
    modes = Modes()
    make().set_params(callbacks=[modes]).fit(X, y)
    assert modes.modes == (True, True, False)  # each submodule's mode restored
    assert "module_check" in dict(checked[0].net_.callbacks_)
    monkeypatch.setattr(module_checks, "check_module_outputs", lambda *args, **kwargs: None)
    unchecked = make().fit(X, y)
    for est in checked:  # (its predictions draw noise: the weights and losses are compared)
        for (name, value), expected in zip(est.net_.module_.state_dict().items(),
                                           unchecked.net_.module_.state_dict().values()):
            torch.testing.assert_close(value, expected, rtol=0, atol=0, msg=name)
        assert est.loss_curve_ == unchecked.loss_curve_


def test_sknn_own_network_and_loss_are_not_checked():
    est = DenseClassifier(**DENSE).fit(X, Y)
    assert "module_check" not in dict(est.net_.callbacks_)


def test_parameters_of_sknn_s_network_that_a_module_replaces_are_named_not_dropped_silently():
    """n_ensemble=3 with module= trained one network without a word (architecture_ said 3): a warning names what is
    not applied; none at the defaults, none when partial_fit goes on with the network built."""
    quiet = dict(max_iter=1, random_state=0, device="cpu", early_stopping=False)
    with pytest.warns(UserWarning, match=r"module= replaces sknn's network, so hidden_layer_sizes=\(4,\), "
                                         r"n_ensemble=3 are not applied .*leave them at their defaults"):
        DenseClassifier(module=Linear, hidden_layer_sizes=(4,), n_ensemble=3, **quiet).fit(X, Y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = DenseClassifier(module=Linear, hidden_layer_sizes=[256, 256, 256], **quiet).fit(X, Y)  # (a list)
        DenseRegressor(module=Linear, **quiet).fit(X, YR)
        model.set_params(n_ensemble=2)
        with pytest.raises(ValueError, match="n_ensemble"):  # (refused before any warning: the network is built)
            model.partial_fit(X, Y)


def test_a_right_custom_module_trains_in_every_family():
    DenseClassifier(module=Linear, **DENSE).fit(X, Y4)
    DenseRegressor(module=Linear, **DENSE).fit(X, np.c_[YR, YR])
    ConvImageClassifier(module=Flat, **CONV).fit(IMAGES, Y_IMAGES)
    TransferVGGClassifier(module=Linear, cache_features=True, **VGG).fit(IMAGES, Y_IMAGES)
    LSTMSequenceTagger(module=Tokens, **SEQ).fit(SEQS, TAGS)
    LSTMLanguageModel(module=Tokens, min_count=1, **SEQ).fit(SEQS)


# -- a criterion that cannot take the outputs and targets ---------------------------------------------------------
@pytest.mark.parametrize("y", [Y, Y4], ids=["2 classes", "4 classes, as many as the rows checked"])
def test_a_criterion_that_cannot_take_a_classifiers_logits_and_labels_is_refused(y):
    epochs = Epochs()
    match = (r"^criterion=MSELoss cannot take what DenseClassifier trains it on: the network's outputs, logits of "
             r"shape \(n, n_classes\).*and the targets, class indices of shape \(n,\).*RuntimeError.*CrossEntropyLoss")
    with pytest.raises(ValueError, match=match) as e:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            DenseClassifier(criterion=torch.nn.MSELoss, callbacks=[epochs], **DENSE).fit(X, y)
    assert isinstance(e.value.__cause__, RuntimeError) and epochs.begun == 0


def test_a_criterion_that_cannot_take_a_taggers_outputs_is_refused():
    with pytest.raises(ValueError, match=r"^criterion=BCEWithLogitsLoss\(\) cannot take what LSTMSequenceTagger "
                                         r"trains it on: .*\(n_tokens, n_classes\).*label indices of shape "
                                         r"\(n_tokens,\)"):
        LSTMSequenceTagger(criterion=torch.nn.BCEWithLogitsLoss(), **SEQ).fit(SEQS, TAGS)


def test_criteria_that_take_them_train():
    DenseClassifier(criterion=functools.partial(torch.nn.CrossEntropyLoss, reduction="sum"), **DENSE).fit(X, Y)
    DenseRegressor(criterion=torch.nn.HuberLoss, **DENSE).fit(X, YR, sample_weight=np.arange(60) % 3)
    LSTMLanguageModel(criterion=torch.nn.CrossEntropyLoss, min_count=1, **SEQ).fit(SEQS)


# -- skorch-style nested parameters -------------------------------------------------------------------------------
@pytest.mark.parametrize("params, match", [
    ({"module__width": 8}, r"^module__width=8: sknn's estimators take no skorch-style nested parameters.*"
                           r"module=functools.partial\(Linear, width=8\)"),
    ({"criterion__reduction": "sum"}, r"^criterion__reduction='sum': .*criterion=functools.partial\("
                                      r"CrossEntropyLoss, reduction='sum'\)"),
    ({"optimizer__weight_decay": 0.1}, r"^optimizer__weight_decay=0.1: .*the optimizer's weight_decay is the "
                                       r"estimator's own parameter alpha: pass alpha=..."),
    ({"optimizer__lr": 0.1}, r"^optimizer__lr=0.1: .*parameter learning_rate_init"),
    ({"hidden_layer_sizes__0": 3}, r"^hidden_layer_sizes__0=3: .*set hidden_layer_sizes itself"),
])
def test_skorch_style_nested_parameters_are_refused_naming_the_fix(params, match):
    est = DenseClassifier(module=Linear, criterion=torch.nn.CrossEntropyLoss)
    with pytest.raises(ValueError, match=match):
        est.set_params(**params)
    assert est.module is Linear and est.criterion is torch.nn.CrossEntropyLoss  # unchanged


def test_a_grid_search_over_a_nested_parameter_gets_the_clear_error_and_partials_search():
    with pytest.raises(ValueError, match=r"module__width=2: .*functools.partial\(Linear, width=2\)"):
        GridSearchCV(DenseClassifier(module=Linear, **DENSE), {"module__width": [2, 8]}, cv=2).fit(X, Y)
    grid = {"module": [functools.partial(Linear, width=None), Linear]}
    assert GridSearchCV(DenseClassifier(**DENSE), grid, cv=2).fit(X, Y).best_params_["module"] in grid["module"]


def test_nested_parameters_of_real_estimators_still_work():
    pipe = make_pipeline(StandardScaler(), DenseClassifier()).set_params(denseclassifier__alpha=0.5)
    assert pipe[-1].alpha == 0.5
    with pytest.raises(ValueError, match="denseclassifier__module__hidden|module__hidden=8: sknn's estimators"):
        pipe.set_params(denseclassifier__module__hidden=8)
    with pytest.raises(ValueError, match="Invalid parameter 'iterator_train'"):  # scikit-learn's own message
        DenseClassifier().set_params(iterator_train__shuffle=True)

    class Holder(BaseEstimator):
        def __init__(self, inner=None):
            self.inner = inner

    check_nested_params(Holder(LogisticRegression()), {"inner__C": 2.0})  # an estimator's own parameter: allowed


# -- tensors that require grad --------------------------------------------------------------------------------------
@pytest.mark.parametrize("preprocessing", ["auto", None])
def test_a_tensor_that_requires_grad_is_read_as_its_values(preprocessing):
    Xt, yt = torch.tensor(X, requires_grad=True), torch.tensor(YR, requires_grad=True)
    kw = dict(preprocessing=preprocessing, **DENSE)
    reference = DenseRegressor(**kw).fit(X, YR)
    est = DenseRegressor(**kw).fit(Xt, yt)
    np.testing.assert_array_equal(est.predict(Xt), reference.predict(X))
    est.set_params(warm_start=True).fit(Xt, YR)
    est.partial_fit(Xt, yt)
    clf = DenseClassifier(**kw).fit(Xt, Y)
    np.testing.assert_array_equal(clf.predict_proba(Xt), DenseClassifier(**kw).fit(X, Y).predict_proba(X))


def test_images_as_a_tensor_that_requires_grad_are_read_as_their_values():
    images = torch.tensor(IMAGES, dtype=torch.float32, requires_grad=True)[:, None]
    est = ConvImageClassifier(**CONV).fit(images, Y_IMAGES)
    reference = ConvImageClassifier(**CONV).fit(IMAGES.astype(np.float32)[:, None], Y_IMAGES)
    np.testing.assert_array_equal(est.predict_proba(images), reference.predict_proba(images.detach().numpy()))



def test_labels_weights_and_validation_data_as_tensors_that_require_grad_are_read_as_their_values():
    def grad(a):
        return torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=True)

    weights = np.linspace(0.5, 2.0, len(X))
    est = ConvImageClassifier(**CONV).fit(IMAGES[:, None], grad(Y_IMAGES))
    reference = ConvImageClassifier(**CONV).fit(IMAGES[:, None], Y_IMAGES.astype(np.float64))
    np.testing.assert_array_equal(est.predict_proba(IMAGES[:, None]), reference.predict_proba(IMAGES[:, None]))
    assert est.score(IMAGES[:, None], grad(Y_IMAGES)) == reference.score(IMAGES[:, None], Y_IMAGES)
    kw = dict(DENSE, early_stopping=True)
    clf = DenseClassifier(**kw).fit(X, Y4, sample_weight=grad(weights), validation_data=(X, grad(Y4), grad(weights)))
    reference = DenseClassifier(**kw).fit(X, Y4, sample_weight=weights, validation_data=(X, Y4, weights))
    np.testing.assert_array_equal(clf.predict_proba(X), reference.predict_proba(X))
    assert clf.score(X, grad(Y4), sample_weight=grad(weights)) == reference.score(X, Y4, sample_weight=weights)
    reg = DenseRegressor(**DENSE).fit(X, YR)
    assert reg.score(X, grad(YR), sample_weight=grad(weights)) == reg.score(X, YR, sample_weight=weights)


# -- the HTML repr's links ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("est, section", [
    (DenseClassifier(), "quick-start"), (ConvImageClassifier(), "images"), (Word2VecTransformer(), "word-embeddings"),
    (DenseRegressor(**DENSE).fit(X, YR), "quick-start"),
])
def test_the_html_repr_links_the_estimator_s_readme_section_and_no_text_the_page_lacks(est, section):
    page = "https://github.com/sknn/sknn/blob/main/README.md"
    html = est._repr_html_()
    links = set(re.findall(r'href="([^"]+)"', html))
    assert f"{page}#{section}" in links  # the estimator's link: its README section
    # scikit-learn's links of each parameter pointed at docstring text the README lacks (its top opened)
    assert not [link for link in links if ":~:text=" in link]
    assert "hidden_layer_sizes" in html or "conv_filters" in html or "vector_size" in html  # the parameters shown


# -- ensembles, and losses that take other shapes (the day's review) -------------------------------------------------
class _MemberCrossEntropy(torch.nn.Module):
    """A loss written for an ensemble's training outputs, (n, members, classes): each member its own loss."""

    def forward(self, outputs, target):
        members = target.unsqueeze(1).expand(-1, outputs.shape[1])
        return torch.nn.functional.cross_entropy(outputs.transpose(1, 2), members)


class _SqueezedLinear(torch.nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.linear = torch.nn.Linear(n_in, 1)

    def forward(self, X):
        return self.linear(X).squeeze(-1)  # (n,): the loss below reads it as (n, 1)


class _FlatMSE(torch.nn.MSELoss):
    def forward(self, a, b):
        return super().forward(a.reshape(len(a), -1), b.reshape(len(b), -1))


def test_the_check_sees_an_ensembles_training_outputs():
    rng = np.random.RandomState(0)
    X = rng.randn(60, 3)
    y = (X[:, 0] > 0).astype(int)
    # a loss for (n, members, classes) trains, by fit and by partial_fit (the check ran the evaluation shape: refused)
    params = dict(hidden_layer_sizes=(4,), n_ensemble=3, criterion=_MemberCrossEntropy, max_iter=3, random_state=0)
    assert DenseClassifier(**params, early_stopping=False).fit(X, y).predict_proba(X).shape == (60, 2)
    DenseClassifier(**params).partial_fit(X, y, classes=[0, 1])
    # a loss that cannot take them is refused before training (it passed the check, then failed inside torch)
    with pytest.raises(ValueError, match=r"criterion=MSELoss cannot take"):
        DenseRegressor(hidden_layer_sizes=(4,), n_ensemble=2, criterion=torch.nn.MSELoss, max_iter=2,
                       random_state=0).fit(X, X[:, 0])


def test_a_users_loss_judges_outputs_of_another_shape_holding_the_values():
    X = np.random.RandomState(0).randn(60, 3)
    reg = DenseRegressor(module=_SqueezedLinear, criterion=_FlatMSE, max_iter=50, random_state=0,
                         early_stopping=False).fit(X, 2 * X[:, 0])
    assert reg.score(X, 2 * X[:, 0]) > 0.9 and reg.predict(X[:3]).shape == (3,)
    with pytest.raises(ValueError, match=r"do not squeeze its last dimension"):  # sknn's own loss: refused
        DenseRegressor(module=_SqueezedLinear, max_iter=2, random_state=0).fit(X, 2 * X[:, 0])


class _SqueezedInTraining(torch.nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.linear = torch.nn.Linear(n_in, n_out)

    def forward(self, X):
        out = self.linear(X)
        return out.squeeze(-1) if self.training else out  # (n,) in training only: the check sees (n, 1)


class _TupleInTraining(_SqueezedInTraining):
    def forward(self, X):
        out = self.linear(X)
        return (out, out) if self.training else out  # an auxiliary output in training (Inception-style)


def test_outputs_that_change_in_training_are_refused_by_sknns_loss():
    X = np.random.RandomState(0).randn(60, 3)
    for module, message in ((_SqueezedInTraining, r"shape \(\d+,\) in training"), (_TupleInTraining, "a tuple")):
        with pytest.raises(ValueError, match=message):  # (the squeezed one learned only the mean, silently)
            DenseRegressor(module=module, max_iter=2, random_state=0).fit(X, 2 * X[:, 0])


def test_a_users_loss_that_broadcasts_squeezed_outputs_is_refused():
    X = np.random.RandomState(0).randn(60, 3)
    with pytest.raises(ValueError, match=r"broadcasts them against the targets.*learn their mean"):
        DenseRegressor(module=_SqueezedLinear, criterion=torch.nn.MSELoss, max_iter=2, random_state=0).fit(X, X[:, 0])


class _Pause(Callback):
    """Sleeps a moment after each batch, so that fits in threads interleave (where nothing makes them take turns)."""

    def on_batch_end(self, net, **kwargs):
        time.sleep(0.002)


def test_seeded_fits_in_threads_take_turns_and_leave_the_callers_generator_as_it_was():
    def fit(seed):
        return DenseClassifier(hidden_layer_sizes=(8,), dropout=0.3, max_iter=3, batch_size=8, random_state=seed,
                               n_jobs=1, device="cpu", callbacks=[_Pause()]).fit(X, Y4).predict_proba(X)

    sequential = [fit(0), fit(1)]
    torch.manual_seed(123)
    before = torch.get_rng_state()
    torch.set_default_dtype(torch.float64)  # (process-wide too: each fit restores the default it found)
    try:
        with ThreadPoolExecutor(2) as pool:
            threaded = list(pool.map(fit, [0, 1]))
        assert torch.get_default_dtype() == torch.float64
    finally:
        torch.set_default_dtype(torch.float32)
    assert torch.equal(torch.get_rng_state(), before)  # the caller's generator, as it was
    for alone, in_thread in zip(sequential, threaded):
        np.testing.assert_array_equal(in_thread, alone)  # each fit drew exactly what it draws alone


@pytest.mark.parametrize("error", [ValueError, KeyboardInterrupt])
def test_a_seeded_region_lets_go_of_its_lock_on_errors_and_nests_in_one_thread(error):
    def nest_then_fail():
        with seeded(1, torch.device("cpu")), seeded(2, torch.device("cpu")):  # nested in one thread: no deadlock
            raise error

    failed = []

    def run():
        try:
            nest_then_fail()
        except BaseException as exc:  # (a KeyboardInterrupt too, here in a thread)
            failed.append(type(exc))

    worker = threading.Thread(target=run, daemon=True)  # (a region that kept its lock: the test fails, not hangs)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive() and failed == [error]

    def take_and_release():
        taken = _device._PROCESS_STATE_LOCK.acquire(timeout=5)
        if taken:
            _device._PROCESS_STATE_LOCK.release()
        return taken

    with ThreadPoolExecutor(1) as pool:  # another thread takes the region at once
        assert pool.submit(take_and_release).result(timeout=10)


def test_a_seeded_region_reseeds_only_the_generators_it_restores(monkeypatch):
    """torch.manual_seed also reseeds every GPU's generator, which a fit on the CPU does not restore: the caller's
    CUDA and MPS draws changed. The CPU's draws are those of torch.manual_seed all the same."""
    reseeded = []
    monkeypatch.setattr(torch.cuda, "manual_seed_all", lambda seed: reseeded.append("cuda"))
    monkeypatch.setattr(torch.mps, "manual_seed", lambda seed: reseeded.append("mps"))
    with seeded(7, torch.device("cpu")):
        drawn = torch.rand(5)
    assert reseeded == []
    np.testing.assert_array_equal(drawn, torch.rand(5, generator=torch.Generator().manual_seed(7)))


def test_a_region_kept_waiting_by_another_thread_warns_once_then_waits_on(monkeypatch):
    monkeypatch.setattr(_device, "_PATIENCE_S", 0.05)
    holding, release = threading.Event(), threading.Event()

    def hold():
        with seeded(0, torch.device("cpu")):
            holding.set()
            release.wait(timeout=10)

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    assert holding.wait(timeout=10)
    threading.Timer(0.3, release.set).start()
    with pytest.warns(UserWarning, match=r"waiting for an sknn fit in another thread \(fits in threads of one "
                                         r"process take turns\)") as caught:
        with _device.float32_default():
            assert release.is_set()  # it waited on after the warning, until the other region ended
    assert len(caught) == 1
    holder.join(timeout=10)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a region nobody holds (or its own thread's) is taken without a word
        with seeded(0, torch.device("cpu")), _device.float32_default():
            pass


def _grad_off():
    return torch.set_grad_enabled(False)


@pytest.mark.parametrize("mode", [torch.no_grad, torch.inference_mode, _grad_off],
                         ids=["no_grad", "inference_mode", "set_grad_enabled(False)"])
def test_a_fit_inside_a_grad_free_mode_trains_and_leaves_the_mode_as_it_was(mode):
    expected = DenseClassifier(**DENSE).fit(X, Y).predict_proba(X)
    try:
        with mode():
            clf = DenseClassifier(**DENSE).fit(X, Y)
            assert not torch.is_grad_enabled()  # the caller's mode, as it was
            inference = torch.is_inference_mode_enabled()
        assert inference == (mode is torch.inference_mode)
    finally:
        torch.set_grad_enabled(True)
    np.testing.assert_array_equal(clf.predict_proba(X), expected)
    assert all(p.requires_grad and not p.is_inference() for p in clf.net_.module_.parameters())


@pytest.mark.parametrize("make, data", [
    (lambda: DenseClassifier(**DENSE), (X, Y)),
    (lambda: DenseRegressor(**DENSE), (X, YR)),
    (lambda: ConvImageClassifier(**CONV), (IMAGES, Y_IMAGES)),
    (lambda: LSTMSequenceTagger(**SEQ), (SEQS, TAGS)),
    (lambda: Word2VecTransformer(vector_size=4, min_count=1, sample=0, epochs=1, random_state=0, device="cpu"),
     ([" ".join(s) for s in SEQS],)),
], ids=["dense classifier", "dense regressor", "conv", "tagger", "word2vec"])
def test_a_fit_under_a_float64_default_dtype_builds_and_trains_the_float32_network(make, data):
    def fitted():
        est = make().fit(*data)
        out = next(getattr(est, name) for name in ("predict_proba", "transform", "predict") if hasattr(est, name))
        return np.concatenate([np.ravel(np.asarray(row, dtype=float)) for row in out(data[0])]), est.net_.module_

    expected, _ = fitted()
    torch.set_default_dtype(torch.float64)
    try:
        got, module = fitted()
        assert torch.get_default_dtype() == torch.float64  # the caller's default, as it was
    finally:
        torch.set_default_dtype(torch.float32)
    assert {p.dtype for p in module.parameters()} == {torch.float32}
    np.testing.assert_array_equal(got, expected)


class _Float64Linear(torch.nn.Module):
    def __init__(self, n_inputs, n_outputs):
        super().__init__()
        self.linear = torch.nn.Linear(n_inputs, n_outputs, dtype=torch.float64)

    def forward(self, X):
        return self.linear(X.double())


def test_a_users_float64_network_stays_float64_under_either_default_dtype():
    expected = DenseClassifier(module=_Float64Linear, **DENSE).fit(X, Y).predict_proba(X)
    torch.set_default_dtype(torch.float64)
    try:
        clf = DenseClassifier(module=_Float64Linear, **DENSE).fit(X, Y)
    finally:
        torch.set_default_dtype(torch.float32)
    assert torch.float64 in {p.dtype for p in clf.net_.module_.parameters()}  # not cast: the user's network, as built
    np.testing.assert_array_equal(clf.predict_proba(X), expected)


_EXTRACTOR = dict(backbone=[4, "M"], weights=None, image_size=8, random_state=0, device="cpu", channels_last=False)


@pytest.mark.parametrize("make, output", [
    (lambda: TransferVGGClassifier(**VGG), "predict_proba"),
    (lambda: VGGFeatureExtractor(**_EXTRACTOR), "transform"),
], ids=["transfer classifier", "feature extractor"])
def test_the_vgg_estimators_build_float32_networks_of_ordinary_tensors_whatever_the_dtype_and_grad_mode(make, output):
    def fitted():
        est = make().fit(IMAGES, Y_IMAGES)
        return getattr(est, output)(IMAGES), getattr(est, "net_", est).module_

    expected, _ = fitted()
    torch.set_default_dtype(torch.float64)
    try:
        got, module = fitted()
        assert torch.get_default_dtype() == torch.float64
    finally:
        torch.set_default_dtype(torch.float32)
    assert {p.dtype for p in module.parameters()} == {torch.float32}
    np.testing.assert_array_equal(got, expected)
    with torch.inference_mode():  # parameters built in inference mode would be inference tensors (no autograd)
        got, module = fitted()
    assert not any(p.is_inference() for p in module.parameters())
    np.testing.assert_array_equal(got, expected)


class _WordsOnly(torch.nn.Module):
    """A tagger of its own: an embedding ``dim`` wide, then a linear layer, on the real tokens."""

    def __init__(self, n_inputs, n_classes, dim=6):
        super().__init__()
        self.embedding, self.out = torch.nn.Embedding(n_inputs, dim), torch.nn.Linear(dim, n_classes)

    def forward(self, words, lengths, **kwargs):
        return self.out(self.embedding(words)[words > 0])


def test_word_vectors_for_a_module_s_embedding_of_another_width_are_refused_naming_both_shapes():
    """The vectors went into a custom module's embedding by torch's copy_: 'The size of tensor a (6) must match...'."""
    sentences, tags = [["the", "cat", "sat"], ["a", "dog", "ran"]] * 5, [["D", "N", "V"]] * 10
    vectors = {"the": np.ones(4), "cat": np.ones(4)}
    kw = dict(embedding_dim=4, pretrained_embeddings=vectors, char_features=False, max_iter=1, random_state=0)
    with pytest.raises(ValueError, match=r"make a table of 8 x 4 \(the vocabulary's words x embedding_dim\), but "
                                         r"module=.* built an 'embedding' of 8 x 6: build it as "
                                         r"nn.Embedding\(n_inputs, 4\), or pass embedding_dim=6"):
        LSTMSequenceTagger(module=_WordsOnly, **kw).fit(sentences, tags)
    fitted = LSTMSequenceTagger(module=functools.partial(_WordsOnly, dim=4), **kw).fit(sentences, tags)
    assert [len(labels) for labels in fitted.predict(sentences[:2])] == [3, 3]  # (the right width trains)
