"""Power users: a custom module and loss in every family, an explicit validation set, skorch's callbacks through
``callbacks=`` (on DenseClassifier and ConvImageClassifier), DataLoaders refused clearly, the HTML repr's doc link."""

import importlib.util
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.datasets import load_digits
from sklearn.metrics import f1_score, roc_auc_score
from sklearn.utils._param_validation import InvalidParameterError
from skorch.callbacks import BatchScoring, Callback, Checkpoint, EarlyStopping, EpochScoring, LRScheduler

from sknn import (ConvImageClassifier, DenseClassifier, DenseRegressor, LSTMLanguageModel, LSTMSequenceTagger,
                  TransferVGGClassifier)

CLASSIC = dict(preprocessing=None, numeric_embedding=None, front_scale=False, parametrization="standard",
               learnable_activation=False, activation="relu", dropout=0.0, optimizer="adam", learning_rate="constant",
               regularization_schedule=None, early_stopping=False, n_iter_no_change=None, n_jobs=1,
               hidden_layer_sizes=(16,), learning_rate_init=0.01, max_iter=4, random_state=0, device="cpu")
CONV = dict(conv_filters=(4,), dense_layers=(8,), dropout=0.0, image_shape=(8, 8), batch_size=32, max_iter=3,
            random_state=0, device="cpu")
TAGGER = dict(hidden_size=8, embedding_dim=8, max_iter=3, random_state=0, device="cpu")

_digits = load_digits()
X_IMG, Y_IMG = _digits.data[:200] / 16, _digits.target[:200] % 2  # binary: roc_auc applies
rng = np.random.RandomState(0)
X_TAB = rng.randn(240, 6)
Y_TAB = (X_TAB[:, 0] + X_TAB[:, 1] > 0).astype(int)

# One other family beside the dense one for every callback: the convolutional classifier, on 8x8 digits.
FAMILIES = {
    "dense": (lambda **kw: DenseClassifier(**{**CLASSIC, **kw}), X_TAB[:160], Y_TAB[:160], X_TAB[160:], Y_TAB[160:]),
    "conv": (lambda **kw: ConvImageClassifier(**{**CONV, **kw}), X_IMG[:140], Y_IMG[:140], X_IMG[140:], Y_IMG[140:]),
}
family = pytest.mark.parametrize("name", list(FAMILIES))


def _family(name):
    return FAMILIES[name]


class _Snapshots(Callback):
    """The module's weights at the end of every epoch."""

    def initialize(self):
        self.states = []
        return self

    def on_epoch_end(self, net, **kwargs):
        self.states.append({k: v.detach().clone() for k, v in net.module_.state_dict().items()})


def _callback(est, kind):
    return next(cb for _, cb in est.net_.callbacks_ if isinstance(cb, kind))


# -- a custom module, in every family --------------------------------------------------------------------------
class TinyDense(torch.nn.Module):
    def __init__(self, n_inputs, n_outputs):
        super().__init__()
        self.dims = (n_inputs, n_outputs)
        self.linear = torch.nn.Linear(n_inputs, n_outputs)

    def forward(self, X):
        return self.linear(X)


class TinyConv(torch.nn.Module):
    def __init__(self, in_channels, image_size, n_outputs):
        super().__init__()
        self.dims = (in_channels, image_size, n_outputs)
        self.linear = torch.nn.Linear(in_channels * image_size[0] * image_size[1], n_outputs)

    def forward(self, X):
        return self.linear(X.flatten(1))


class TinyTagger(torch.nn.Module):
    """Word ids in, one output per real token out: the forward contract of the sequence family's modules."""

    def __init__(self, n_words, n_outputs):
        super().__init__()
        self.dims = (n_words, n_outputs)
        self.embedding = torch.nn.Embedding(n_words, 8)
        self.linear = torch.nn.Linear(8, n_outputs)

    def forward(self, lengths, words, last_only=False, **kwargs):
        out = self.linear(self.embedding(words))
        if last_only:
            return out[torch.arange(len(lengths)), lengths.to(out.device) - 1]
        mask = torch.arange(words.shape[1])[None, :] < lengths[:, None]
        return out[mask.to(out.device)]


SEQS = [["the", "dog", "runs"], ["a", "cat", "sleeps"], ["the", "cat", "runs"]] * 10
TAGS = [["DET", "NOUN", "VERB"]] * 30

CUSTOM = {
    "dense": (lambda: DenseClassifier(module=TinyDense, **CLASSIC), TinyDense, X_TAB, Y_TAB, (6, 2)),
    "dense_tabular": (lambda: DenseClassifier(module=TinyDense, hidden_layer_sizes=(16,), max_iter=3, random_state=0,
                                              device="cpu"), TinyDense, X_TAB, Y_TAB, None),
    "regressor": (lambda: DenseRegressor(module=TinyDense, **CLASSIC), TinyDense, X_TAB, X_TAB[:, :2], (6, 2)),
    "conv": (lambda: ConvImageClassifier(module=TinyConv, **CONV), TinyConv, X_IMG, Y_IMG, (1, (8, 8), 2)),
    "tagger": (lambda: LSTMSequenceTagger(module=TinyTagger, **TAGGER), TinyTagger, SEQS, TAGS, (8, 3)),
    "language_model": (lambda: LSTMLanguageModel(module=TinyTagger, min_count=1, **TAGGER), TinyTagger, SEQS, None,
                       (10, 10)),
    "transfer": (lambda: TransferVGGClassifier(module=TinyDense, backbone=[4, "M"], weights=None, image_size=8,
                                               image_shape=(8, 8), max_iter=3, random_state=0, device="cpu"),
                 TinyDense, X_IMG, Y_IMG, (4, 2)),
}


@pytest.mark.parametrize("case", list(CUSTOM))
def test_every_family_trains_a_custom_module_with_its_dimensions(case):
    make, kind, X, y, dims = CUSTOM[case]
    est = make().fit(X, y)
    net = est._fitted_module()
    custom = net.head if case == "transfer" else net[-1] if isinstance(net, torch.nn.Sequential) else net
    assert isinstance(custom, kind) and est.architecture_["module"] is kind
    if dims is not None:
        assert custom.dims == dims
    else:  # after the tabular input layer: as many inputs as the layer gives
        assert custom.dims == (net[0].n_outputs, 2)
    assert all(p.grad is not None for p in custom.parameters())  # it trained
    before = est.predict(X) if case != "language_model" else est.perplexity(X)
    est.set_params(module=None)  # a fitted model follows the network it has
    after = est.predict(X) if case != "language_model" else est.perplexity(X)
    assert np.array_equal(np.asarray(before, dtype=object), np.asarray(after, dtype=object))
    with pytest.raises(ValueError, match="module=None now, but the network was built with module="):
        est.set_params(warm_start=True).fit(X, y)


def test_a_module_factory_that_builds_no_module_is_named():
    with pytest.raises(TypeError, match=r"module=<function .*> returned tuple, not a torch.nn.Module.*\(6, 2\)"):
        DenseClassifier(module=lambda n_in, n_out: (n_in, n_out), **CLASSIC).fit(X_TAB, Y_TAB)


def test_the_dense_layer_views_refuse_a_custom_module_clearly():
    clf = DenseClassifier(module=TinyDense, **CLASSIC).fit(X_TAB, Y_TAB)
    for read in (lambda: clf.coefs_, clf.export_network):
        with pytest.raises(ValueError, match="reads the layers of sknn's DenseNet"):
            read()


def test_the_dense_layer_views_of_a_custom_module_read_as_absent_so_the_html_repr_draws():
    """coefs_ raised a plain ValueError, which hasattr and inspect.getmembers (scikit-learn's HTML repr, drawn by
    Jupyter after every fit) let through: now an error that is also an AttributeError, as NotFittedError is."""
    from sklearn.model_selection import GridSearchCV

    clf = DenseClassifier(module=TinyDense, **CLASSIC).fit(X_TAB, Y_TAB)
    assert not hasattr(clf, "coefs_") and not hasattr(clf, "intercepts_")
    with pytest.raises(AttributeError, match="reads the layers of sknn's DenseNet"):
        clf.intercepts_
    assert "DenseClassifier" in clf._repr_html_()
    search = GridSearchCV(DenseClassifier(module=TinyDense, **CLASSIC), {"alpha": [1e-4]}, cv=2).fit(X_TAB, Y_TAB)
    assert "DenseClassifier" in search._repr_html_()


@pytest.mark.parametrize("param, value", [("module", TinyDense), ("criterion", torch.nn.HuberLoss),
                                          ("criterion", torch.nn.HuberLoss())])
def test_save_refuses_code_valued_parameters(tmp_path, param, value):
    reg = DenseRegressor(**{**CLASSIC, "max_iter": 1, param: value}).fit(X_TAB, X_TAB[:, 0])
    with pytest.raises(TypeError, match=f"DenseRegressor's parameter '{param}' holds .*cannot be saved safely"):
        reg.save(tmp_path / "model.safetensors")
    assert not (tmp_path / "model.safetensors").exists()


def test_save_names_data_it_does_not_store_as_data_not_code(tmp_path):
    """The message called data the format does not store unsafe code (datetime labels, stored since 2026-12-06: their
    int64 counts and unit; complex numbers are not)."""
    y = pd.Series(pd.to_datetime(["2020-01-01", "2021-01-01"] * (len(X_TAB) // 2)))
    clf = DenseClassifier(**{**CLASSIC, "max_iter": 1}).fit(X_TAB, y)
    clf.extra_ = np.array([1 + 2j, 3j])
    with pytest.raises(TypeError, match=r"'extra_' holds an array of dtype complex128.*a kind of data sknn's save "
                                        r"does not store.*y.astype\(str\)") as info:
        clf.save(tmp_path / "model.safetensors")
    assert "code" not in str(info.value)


# -- a custom loss --------------------------------------------------------------------------------------------------
def test_a_criterion_class_is_the_loss_the_engine_reports():
    X, y, X_val, y_val = X_TAB[:160], X_TAB[:160, 0] * 3 + 1, X_TAB[160:], X_TAB[160:, 0] * 3 + 1
    reg = DenseRegressor(criterion=torch.nn.HuberLoss, clip_predictions=False, **CLASSIC)
    reg.fit(X, y, validation_data=(X_val, y_val))
    # the last epoch's validation loss is the Huber loss of the model's predictions, in the standardised units
    standardised = lambda v: torch.tensor((v - reg.y_mean_[0]) / reg.y_scale_[0])  # noqa: E731
    huber = torch.nn.functional.huber_loss(standardised(reg.predict(X_val)), standardised(y_val)).item()
    assert reg.history_["valid_loss"].iloc[-1] == pytest.approx(huber, rel=1e-4)
    assert huber != pytest.approx(torch.nn.functional.mse_loss(standardised(reg.predict(X_val)),
                                                               standardised(y_val)).item(), rel=1e-2)


def test_a_criterion_with_mean_reduction_still_weights_the_samples():
    w = np.where(X_TAB[:, 2] > 0, 3.0, 0.5)
    loss = torch.nn.MSELoss()  # reduction='mean': the engine asks a copy for per-sample losses
    given = DenseRegressor(criterion=loss, **CLASSIC).fit(X_TAB, X_TAB[:, 0], sample_weight=w)
    default = DenseRegressor(**CLASSIC).fit(X_TAB, X_TAB[:, 0], sample_weight=w)
    np.testing.assert_allclose(given.predict(X_TAB), default.predict(X_TAB), rtol=1e-5, atol=1e-6)
    assert loss.reduction == "mean"  # the user's instance is left as it was


class BatchMSE(torch.nn.Module):
    """A loss without ``reduction``: one value per batch."""

    def forward(self, pred, target):
        return ((pred - target) ** 2).mean()


def test_a_loss_of_one_value_per_batch_cannot_take_sample_weights():
    DenseRegressor(criterion=BatchMSE, **CLASSIC).fit(X_TAB, X_TAB[:, 0])  # unweighted: fine
    with pytest.raises(ValueError, match="returns one loss per batch, so the sample weights"):
        DenseRegressor(criterion=BatchMSE, **CLASSIC).fit(X_TAB, X_TAB[:, 0], sample_weight=np.arange(1.0, 241))


# -- an explicit validation set ------------------------------------------------------------------------------------
class _Sources(Callback):
    def on_train_begin(self, net, X=None, y=None, **kwargs):
        self.sizes = (len(X), None if y is None else len(y))


@family
def test_validation_data_replaces_the_split_and_gives_the_best_epoch(name):
    make, X, y, X_val, y_val = _family(name)
    est = make(early_stopping=True, max_iter=5, callbacks=[_Sources()]).fit(X, y, validation_data=(X_val, y_val))
    assert _callback(est, _Sources).sizes == (len(X), len(X_val))  # all of X trains
    best = int(np.argmin(est.history_["valid_loss"]))
    assert est.best_validation_score_ == est.validation_scores_[best]
    assert est.score(X_val, y_val) == pytest.approx(est.best_validation_score_)  # the weights of that epoch


def test_validation_data_without_early_stopping_is_watched_only():
    make, X, y, X_val, y_val = _family("dense")
    clf = make(max_iter=3, callbacks=[_Snapshots()]).fit(X, y, validation_data=(X_val, y_val, np.ones(len(y_val))))
    assert len(clf.validation_scores_) == 3 and clf.score(X_val, y_val) == pytest.approx(clf.validation_scores_[-1])
    last = _callback(clf, _Snapshots).states[-1]
    assert all(torch.equal(v, last[k]) for k, v in clf.net_.module_.state_dict().items())  # the last epoch's


def test_validation_data_for_the_sequence_family():
    tagger = LSTMSequenceTagger(early_stopping=True, **TAGGER).fit(SEQS, TAGS, validation_data=(SEQS[:3], TAGS[:3]))
    assert len(tagger.validation_scores_) == 3
    lm = LSTMLanguageModel(min_count=1, **TAGGER).fit(SEQS, validation_data=(SEQS[:3], None))
    assert lm.history_["valid_loss"].notna().all()


@pytest.mark.parametrize("validation_data, match", [
    ([X_TAB, Y_TAB], "validation_data is list; pass a tuple"),
    ((X_TAB,), "validation_data is a tuple of 1; pass a tuple"),
    ((X_TAB[:, :3], Y_TAB), "validation_data: X_val has 3 features"),
    ((X_TAB, Y_TAB + 5), r"validation_data: y_val contains labels outside the model.s classes: \[5, 6\]"),
])
def test_validation_data_mistakes_are_named(validation_data, match):
    with pytest.raises(ValueError, match=match):
        DenseClassifier(**CLASSIC).fit(X_TAB, Y_TAB, validation_data=validation_data)


def test_a_validation_label_never_trained_on_is_refused_with_the_fixes():
    # 'fixed when it was first fitted' gave no fix on a first fit, which has no classes argument
    with pytest.raises(ValueError, match=r"validation_data: y_val contains labels outside the model.s classes: \[5, 6\]; "
                                         r".* Leave the samples of those labels out .* pass every label that will "
                                         r"ever appear as classes= to its first call"):
        DenseClassifier(**CLASSIC).fit(X_TAB, Y_TAB, validation_data=(X_TAB, Y_TAB + 5))
    DenseClassifier(**CLASSIC).fit(X_TAB, Y_TAB, validation_data=(X_TAB[Y_TAB < 5], Y_TAB[Y_TAB < 5]))


@pytest.mark.parametrize("clip", [True, False])
def test_validation_scores_are_the_score_of_the_validation_set_clipped_as_predict_clips(clip):
    X = np.linspace(0, 4, 200)[:, None] * [1.0, -1.0]
    y = 3 * X[:, 0] + 1
    train, valid = X[:, 0] < 1, X[:, 0] >= 1  # the validation targets lie beyond the training range
    reg = DenseRegressor(**{**CLASSIC, "max_iter": 10, "learning_rate_init": 0.05}, clip_predictions=clip)
    reg.fit(X[train], y[train], validation_data=(X[valid], y[valid], np.linspace(1, 2, valid.sum())))
    assert (reg.predict(X[valid]) == y[train].max()).mean() > 0.5 if clip else reg.predict(X).max() > y[train].max()
    # MLPRegressor's validation score is score() on the validation set; the clipping of predict was left out
    assert reg.validation_scores_[-1] == pytest.approx(
        reg.score(X[valid], y[valid], sample_weight=np.linspace(1, 2, valid.sum())), rel=1e-5, abs=1e-5)
    assert reg.best_validation_score_ == reg.validation_scores_[-1]


# -- skorch's callbacks through callbacks=, on two families ------------------------------------------------------------
@family
def test_checkpoint_saves_the_best_epoch_and_loads_back(name, tmp_path):
    make, X, y, X_val, y_val = _family(name)
    cp = Checkpoint(dirname=str(tmp_path))  # monitor='valid_loss_best', history and optimizer too
    est = make(max_iter=4, callbacks=[cp, _Snapshots()]).fit(X, y, validation_data=(X_val, y_val))
    assert {"params.pt", "optimizer.pt", "history.json"} <= {p.name for p in tmp_path.iterdir()}
    best = max(i for i, flag in enumerate(est.history_["valid_loss_best"]) if flag)
    saved = _callback(est, _Snapshots).states[best]
    other = make(max_iter=1).fit(X, y)  # any fitted estimator of the same network
    other.net_.load_params(checkpoint=cp)
    assert all(torch.equal(v, saved[k]) for k, v in other.net_.module_.state_dict().items())
    est.net_.load_params(checkpoint=cp)
    np.testing.assert_array_equal(other.predict_proba(X_val), est.predict_proba(X_val))
    assert len(est.net_.history) == best + 1  # the history as it was at the checkpoint


@family
def test_epoch_scoring_takes_scorer_names_and_callables(name):
    make, X, y, X_val, y_val = _family(name)

    def macro_f1(net, X, y):  # a callable scorer: net is the engine, y its targets
        return f1_score(y, net.predict(X), average="macro")

    est = make(max_iter=3, callbacks=[EpochScoring("roc_auc", lower_is_better=False),
                                      EpochScoring("accuracy", lower_is_better=False, name="acc"),
                                      EpochScoring(macro_f1, lower_is_better=False)])
    est.fit(X, y, validation_data=(X_val, y_val))
    assert est.history_["acc"].tolist() == pytest.approx(est.validation_scores_)
    proba = est.predict_proba(X_val)[:, 1]
    assert est.history_["roc_auc"].iloc[-1] == pytest.approx(roc_auc_score(y_val, proba), abs=1e-3)
    assert est.history_["macro_f1"].iloc[-1] == pytest.approx(f1_score(y_val, est.predict(X_val), average="macro"))


@family
def test_batch_scoring_averages_the_validation_batches_by_their_sizes(name):
    """skorch's BatchScoring read the batch sizes skorch's own loop records: a KeyError from inside skorch."""
    make, X, y, X_val, y_val = _family(name)
    est = make(max_iter=2, batch_size=24, callbacks=[BatchScoring("accuracy", lower_is_better=False, name="acc")])
    est.fit(X, y, validation_data=(X_val, y_val))  # 80 validation rows for the dense family, 60 for conv: a last
    rows = est.net_.history[-1, "batches"]  # batch smaller than the others, which a plain mean would weigh as much
    n = len(y_val)
    assert [row["valid_batch_size"] for row in rows if "valid_batch_size" in row] == [24] * (n // 24) + [n % 24]
    assert est.history_["acc"].tolist() == pytest.approx(est.validation_scores_)


def test_epoch_scoring_without_a_validation_set_is_said_to_record_nothing():
    """It recorded nothing without a word, and history_['acc'] then raised a KeyError."""
    import warnings

    scorer = EpochScoring("accuracy", lower_is_better=False, name="acc")
    y = (X_TAB[:, 0] > 0).astype(int)
    with pytest.warns(UserWarning, match=r"EpochScoring\(name='acc'\) scores the validation set, which this fit does "
                                         r"not have: it records nothing.*on_train=True"):
        DenseClassifier(**{**CLASSIC, "early_stopping": False, "callbacks": [scorer]}).fit(X_TAB, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        on_train = EpochScoring("accuracy", lower_is_better=False, name="acc", on_train=True)
        fitted = DenseClassifier(**{**CLASSIC, "early_stopping": False, "callbacks": [on_train]}).fit(X_TAB, y)
    assert len(fitted.history_["acc"]) == fitted.n_iter_


def test_epoch_scoring_on_a_regressor_scores_its_targets():
    reg = DenseRegressor(**{**CLASSIC, "callbacks": [EpochScoring("r2", lower_is_better=False)]})
    reg.fit(X_TAB[:160], X_TAB[:160, 0], validation_data=(X_TAB[160:], X_TAB[160:, 0]))
    assert reg.history_["r2"].tolist() == pytest.approx(reg.validation_scores_, abs=1e-6)


@family
def test_lr_scheduler_steps_every_epoch(name):
    make, X, y, _, _ = _family(name)
    step = LRScheduler(policy=torch.optim.lr_scheduler.StepLR, step_size=1, gamma=0.5)
    est = make(max_iter=3, learning_rate="constant", learning_rate_init=0.01, callbacks=[step]).fit(X, y)
    assert est.history_["event_lr"].tolist() == pytest.approx([0.01, 0.005, 0.0025])
    assert est.net_.optimizer_.param_groups[0]["lr"] == pytest.approx(0.00125)
    # beside a schedule of the estimator's own, the two would compound: refused before training
    with pytest.raises(InvalidParameterError, match="learning_rate='constant'"):
        make(max_iter=3, learning_rate="cosine", callbacks=[step]).fit(X, y)
    with pytest.raises(InvalidParameterError, match="compound"):
        make(max_iter=3, learning_rate="adaptive", callbacks=[("lr", LRScheduler)]).fit(X, y)


@family
def test_partial_fit_goes_on_along_the_learning_rate_schedule_and_starts_it_again(name, tmp_path):
    import pickle

    import sknn

    make, X, y, _, _ = _family(name)
    kw = {"max_iter": 3, "learning_rate": "cosine", "learning_rate_init": 0.01}
    cosine = 0.01 * 0.5 * (1 + np.cos(np.pi * np.arange(3) / 3))
    fitted = make(**kw).fit(X, y)
    np.testing.assert_allclose(fitted.history_["event_lr"], cosine, rtol=1e-9)
    calls = make(**kw)
    for _ in range(7):  # one epoch a call: the fit's schedule, then again, each step at the middle of its part
        calls.partial_fit(X, y, classes=np.unique(y))
    batches = -(-len(X) // calls.net_.batch_size)
    middle = 0.01 * 0.5 * (1 + np.cos(np.pi * (np.arange(3) + 0.5 / batches) / 3))
    np.testing.assert_allclose(calls.history_["event_lr"], np.resize(middle, 7), rtol=1e-9)
    for _ in range(2):  # after a fit too: every call trains
        before = [p.detach().clone() for p in fitted.net_.module_.parameters()]
        fitted.partial_fit(X, y)
        assert any(not torch.equal(a, b) for a, b in zip(before, fitted.net_.module_.parameters()))
    np.testing.assert_allclose(fitted.history_["event_lr"], np.r_[cosine, middle[:2]], rtol=1e-9)
    # a copy by pickle and one saved and loaded go on from the same point of the schedule
    fitted.save(tmp_path / "model.safetensors")
    for copy in (pickle.loads(pickle.dumps(fitted)), sknn.load(tmp_path / "model.safetensors")):
        assert copy.partial_fit(X, y).history_["event_lr"].iloc[-1] == pytest.approx(middle[2])
    # a schedule that starts at 0 (RealMLP's cycles) left every third one-epoch call untrained
    cycles = make(max_iter=3, learning_rate="cosine_log_cycles").partial_fit(X, y, classes=np.unique(y))
    for _ in range(3):
        before = [p.detach().clone() for p in cycles.net_.module_.parameters()]
        cycles.partial_fit(X, y)
        assert any(not torch.equal(a, b) for a, b in zip(before, cycles.net_.module_.parameters()))
    assert (cycles.history_["event_lr"] > 0).all()


@family
def test_a_fit_of_one_step_on_a_schedule_that_starts_at_0_trains(name):
    """Was: max_iter=1 on one batch (any table of up to 256 rows for the dense networks' defaults) read the cycles at
    t=0 and returned the network as it was initialised, whatever learning_rate_init said."""
    make, X, y, _, _ = _family(name)
    kw = {"max_iter": 1, "learning_rate": "cosine_log_cycles", "batch_size": len(X), "early_stopping": False}
    slow, fast = (make(**kw, learning_rate_init=rate).fit(X, y) for rate in (1e-3, 1e-1))
    assert slow.history_["event_lr"].iloc[0] > 0
    assert not np.allclose(slow.predict_proba(X), fast.predict_proba(X))


@family
def test_skorch_early_stopping_stops_and_restores(name):
    make, X, y, X_val, y_val = _family(name)
    stop = EarlyStopping(monitor="valid_loss", patience=1, threshold=10.0, load_best=True)  # no epoch is enough
    est = make(max_iter=6, callbacks=[stop, _Snapshots()]).fit(X, y, validation_data=(X_val, y_val))
    assert est.n_iter_ == 2
    first = _callback(est, _Snapshots).states[0]
    assert all(torch.equal(v, first[k]) for k, v in est.net_.module_.state_dict().items())


@pytest.mark.skipif(importlib.util.find_spec("tensorboard") is None, reason="needs tensorboard (the test extra)")
@family
def test_tensorboard_logs_every_epoch(name, tmp_path):
    from skorch.callbacks import TensorBoard
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from torch.utils.tensorboard import SummaryWriter

    make, X, y, X_val, y_val = _family(name)
    est = make(max_iter=3, callbacks=[TensorBoard(SummaryWriter(log_dir=str(tmp_path)))])
    est.fit(X, y, validation_data=(X_val, y_val))
    events = EventAccumulator(str(tmp_path)).Reload()
    assert [e.value for e in events.Scalars("Loss/train_loss")] == pytest.approx(est.loss_curve_)
    assert [e.step for e in events.Scalars("Loss/valid_loss")] == [1, 2, 3]


@pytest.mark.skipif(importlib.util.find_spec("mlflow") is None, reason="needs mlflow (the test extra)")
@family
def test_mlflow_logger_writes_metrics_and_artifacts_to_a_local_store(name, tmp_path, monkeypatch):
    from mlflow.tracking import MlflowClient
    from skorch.callbacks import MlflowLogger

    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")  # a file store under tmp_path: no server, no network
    make, X, y, X_val, y_val = _family(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # mlflow's notices about its file store
        client = MlflowClient(tracking_uri=(tmp_path / "mlruns").as_uri())
        run = client.create_run(client.create_experiment("sknn"))
        est = make(max_iter=2, callbacks=[MlflowLogger(run, client)]).fit(X, y, validation_data=(X_val, y_val))
        history = client.get_metric_history(run.info.run_id, "train_loss")
        artifacts = {a.path for a in client.list_artifacts(run.info.run_id)}
        status = client.get_run(run.info.run_id).info.status
    assert [m.value for m in sorted(history, key=lambda m: m.step)] == pytest.approx(est.loss_curve_)
    assert {"params.pth", "history.json"} <= artifacts and status == "FINISHED"


# -- what predict takes --------------------------------------------------------------------------------------------------
def test_a_torch_data_loader_is_refused_with_what_to_pass():
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.tensor(X_TAB), torch.tensor(Y_TAB)))
    clf = DenseClassifier(**{**CLASSIC, "max_iter": 1}).fit(X_TAB, Y_TAB)
    for call in (lambda: clf.predict(loader), lambda: clf.predict_proba(loader),
                 lambda: DenseClassifier(**CLASSIC).fit(loader, Y_TAB),
                 lambda: ConvImageClassifier(**CONV).fit(loader, Y_TAB),
                 lambda: LSTMSequenceTagger(**TAGGER).fit(loader, TAGS)):
        with pytest.raises(TypeError, match=r"got a torch DataLoader as X.*pass X as an array.*torch.cat"):
            call()


# -- the HTML repr --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("est, section", [(DenseRegressor(), "quick-start"), (ConvImageClassifier(), "images"),
                                          (LSTMLanguageModel(), "sequences")])
def test_the_html_repr_links_to_the_readme_section(est, section):
    link = f"https://github.com/sknn/sknn/blob/main/README.md#{section}"
    assert est._get_doc_link() == link and link in est._repr_html_()
