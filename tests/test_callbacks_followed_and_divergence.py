"""A classifier's score of another label set, in every family; partial_fit's callbacks, rate, penalties and loss
following the parameters set since; and a fit with no validation set whose last steps make the network blow up."""

import warnings

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback, GradientNormClipping
from sklearn.datasets import make_regression

import sknn
from sknn import ConvImageClassifier, DenseClassifier, DenseRegressor, LSTMSequenceTagger, TransferVGGClassifier
from sknn import TrainingDiverged

RNG = np.random.RandomState(0)
X = RNG.normal(size=(60, 3))
Y = np.arange(60) % 3
DENSE = dict(hidden_layer_sizes=(4,), max_iter=1, early_stopping=False, device="cpu", random_state=0)
IMAGES = RNG.rand(12, 8, 8)
SENTENCES = [["a", "b", "c"], ["b", "c", "a", "a"]] * 5
TAGS = [[0, 1, 2], [1, 2, 0, 0]] * 5
TAGGER = dict(hidden_size=4, embedding_dim=4, max_iter=1, device="cpu", random_state=0)


# -- 1. score with numeric labels none of which is a class: warned of in every classifier family ---------------------
def _conv():
    model = ConvImageClassifier(conv_filters=(2,), dense_layers=(4,), max_iter=1, batch_size=4, device="cpu",
                                random_state=0).fit(IMAGES, np.arange(12) % 3)
    return model, IMAGES, np.arange(12) % 3


def _vgg():
    model = TransferVGGClassifier(backbone=[4, "M"], weights=None, image_size=8, device="cpu", channels_last=False,
                                  max_iter=1, batch_size=4, random_state=0).fit(IMAGES, np.arange(12) % 3)
    return model, IMAGES, np.arange(12) % 3


def _tagger():
    return LSTMSequenceTagger(**TAGGER).fit(SENTENCES, TAGS), SENTENCES, TAGS


def _dense():
    return DenseClassifier(**DENSE).fit(X, Y), X, Y


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("make", [_dense, _conv, _vgg, _tagger], ids=["dense", "conv", "vgg", "tagger"])
@pytest.mark.parametrize("offset", [10, 10.0])
def test_every_classifier_family_warns_of_numeric_labels_of_another_label_set(make, offset):
    model, inputs, labels = make()
    shifted = [[t + offset for t in tags] for tags in labels] if make is _tagger else labels + offset
    with pytest.warns(UserWarning, match="None of y's labels is one of the model's classes.*y holds 10"):
        assert model.score(inputs, shifted) == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        model.score(inputs, labels)  # its own classes: no warning


# -- 2. partial_fit's callbacks follow every parameter they are built from -------------------------------------------
def _settings(model):
    """The engine's callbacks by name: their class and settings (the attributes that are not fitted); the schedulers'
    progress (lr_resume) and the user's callbacks aside."""
    return {name: (type(cb), {k: v for k, v in vars(cb).items() if not k.endswith("_")})
            for name, cb in model.net_.callbacks_ if name != "lr_resume" and not name.startswith("user_")}


_CHANGES = [  # (estimator, its parameters, the change): every parameter _callbacks() reads
    (DenseClassifier, dict(learning_rate="adaptive", optimizer="sgd"), dict(tol=0.5)),
    (DenseClassifier, dict(learning_rate="constant"), dict(learning_rate="adaptive")),
    (DenseClassifier, dict(learning_rate="constant"), dict(learning_rate="cosine")),
    (DenseClassifier, dict(learning_rate="cosine"), dict(learning_rate="cosine_log_cycles")),
    (DenseClassifier, dict(learning_rate="cosine", max_iter=3), dict(max_iter=5)),
    (DenseClassifier, dict(regularization_schedule=None), dict(regularization_schedule="cosine")),
    (DenseClassifier, dict(), dict(verbose=2)),
    (LSTMSequenceTagger, dict(), dict(clipnorm=0.01)),
    (LSTMSequenceTagger, dict(), dict(clipnorm=None)),
]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("cls, params, change", _CHANGES, ids=[str(c) for _, _, c in _CHANGES])
def test_partial_fit_follows_every_parameter_its_callbacks_are_built_from(cls, params, change, capsys):
    base, inputs, labels = (TAGGER, SENTENCES, TAGS) if cls is LSTMSequenceTagger else (DENSE, X, Y)
    model = cls(**{**base, **params}).fit(inputs, labels)
    model.set_params(**change).partial_fit(inputs, labels)
    fresh = cls(**{**base, **params, **change}).partial_fit(inputs, labels, classes=np.unique(np.concatenate(
        [np.ravel(t) for t in labels])))  # the callbacks of a partial_fit with the parameters as they are now
    assert _settings(model) == _settings(fresh)  # (the fit's: tol, clipnorm, the schedule's length... as before)
    capsys.readouterr()


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_a_new_tol_takes_effect_and_the_adaptive_schedule_goes_on():
    kw = dict(DENSE, learning_rate="adaptive", optimizer="sgd", max_iter=3)
    kept, changed = DenseClassifier(**kw).fit(X, Y), DenseClassifier(**kw).fit(X, Y)
    kept.partial_fit(X, Y)
    changed.set_params(tol=0.5).partial_fit(X, Y)
    plateaus = [dict(m.net_.callbacks_)["lr_scheduler"].lr_scheduler_ for m in (kept, changed)]
    assert plateaus[0].threshold == 1e-4 and plateaus[1].threshold == 0.5  # the old one kept 1e-4
    assert plateaus[0].last_epoch == plateaus[1].last_epoch == 4  # on from the fit's 3 epochs, not started anew
    np.testing.assert_allclose(plateaus[1]._last_lr, plateaus[0]._last_lr)


class _ClippedByAlpha(DenseClassifier):
    """A family whose callbacks read a parameter sknn's own do not (as a parameter added later would)."""

    def _callbacks(self, incremental):
        return [("clip", GradientNormClipping(self.alpha)), *super()._callbacks(incremental)]


def test_a_parameter_a_family_builds_a_callback_from_is_followed_without_being_listed():
    model = _ClippedByAlpha(**DENSE, alpha=1e-4).fit(X, Y)
    model.set_params(alpha=0.5).partial_fit(X, Y)
    assert dict(model.net_.callbacks_)["clip"].gradient_clip_value == 0.5


def test_partial_fit_with_nothing_changed_keeps_its_callbacks():
    model = DenseClassifier(**DENSE, learning_rate="adaptive", callbacks=[GradientNormClipping(1.0)]).fit(X, Y)
    before = dict(model.net_.callbacks_)
    model.partial_fit(X, Y)
    assert all(cb is before[name] for name, cb in model.net_.callbacks_)  # not rebuilt: the same objects


# -- 2b. partial_fit trains at the rate, with the penalties and the loss, set since (a fine-tune's lower rate) -------
def _moved(model, before):
    return max(float((p.detach() - b).abs().max()) for p, b in zip(model.net_.module_.parameters(), before))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("cls, schedule", [(DenseClassifier, "constant"), (DenseClassifier, "cosine"),
                                           (DenseClassifier, "adaptive"), (LSTMSequenceTagger, None)])
def test_partial_fit_trains_at_the_learning_rate_set_since(cls, schedule):
    base, inputs, labels = (TAGGER, SENTENCES, TAGS) if cls is LSTMSequenceTagger else \
        (dict(DENSE, alpha=0.0, learning_rate=schedule), X, Y)
    moved = {}
    for rate in (None, 1e-9):
        model = cls(**base).fit(inputs, labels)
        before = [p.detach().clone() for p in model.net_.module_.parameters()]
        model.set_params(**({} if rate is None else {"learning_rate_init": rate})).partial_fit(inputs, labels)
        moved[rate] = _moved(model, before)
    assert moved[None] > 1e-3 and moved[1e-9] < 1e-6, moved  # (it went on at the fit's rate)


SEPARABLE = X + 3 * np.eye(3)[Y]  # three balanced classes a network learns in a few epochs


def _epoch_loss(model, smoothing):
    """The cross-entropy of the network's outputs (unchanged by a partial_fit at a rate of 0) over the rows."""
    log_proba = torch.log(torch.as_tensor(model.predict_proba(SEPARABLE), dtype=torch.float64))
    return float(torch.nn.functional.cross_entropy(log_proba, torch.as_tensor(Y), label_smoothing=smoothing))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_partial_fit_trains_with_the_label_smoothing_and_the_l1_penalty_set_since():
    plain = dict(DENSE, dropout=0.0, batch_norm=False, alpha=0.0, batch_size=60, label_smoothing=0.0, max_iter=30)
    model = DenseClassifier(**plain).fit(SEPARABLE, Y)
    model.set_params(label_smoothing=0.6, learning_rate_init=1e-12).partial_fit(SEPARABLE, Y)
    assert model.loss_curve_[-1] == pytest.approx(_epoch_loss(model, 0.6), rel=1e-4)
    assert _epoch_loss(model, 0.6) - _epoch_loss(model, 0.0) > 0.1  # (the fit's loss, without smoothing, before)
    weights = sum(float(p.detach().abs().sum()) for p in model.net_.module_.parameters() if p.ndim > 1)
    model.set_params(l1=1.0).partial_fit(SEPARABLE, Y)
    assert model.loss_curve_[-1] == pytest.approx(_epoch_loss(model, 0.6) + weights / 60, rel=1e-3)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_partial_fit_trains_with_a_criterion_given_since_and_keeps_an_unchanged_one():
    reg = DenseRegressor(**dict(REG, max_iter=2)).fit(X, X[:, 0])
    kept = reg.net_.criterion_
    reg.partial_fit(X, X[:, 0])
    assert reg.net_.criterion_ is kept  # nothing changed: the same loss goes on
    reg.set_params(criterion=torch.nn.L1Loss, learning_rate_init=1e-12).partial_fit(X, X[:, 0])
    errors = (reg.predict(X) - X[:, 0]) / reg.y_scale_[0]  # (the loss is the standardised target's; predict clips
    absolute, squared = np.abs(errors).mean(), (errors ** 2).mean()  # to the range trained on: 3%)
    assert reg.loss_curve_[-1] == pytest.approx(absolute, rel=0.03) and abs(squared - absolute) > 0.2


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_a_new_rate_keeps_the_adaptive_schedule_s_cuts_and_a_schedule_removed_leaves_the_new_base():
    kw = dict(DENSE, learning_rate="adaptive", optimizer="sgd", tol=10.0, max_iter=4)  # a cut every epoch
    model = DenseClassifier(**kw).fit(X, Y)
    cut = [g["lr"] / (g["lr_factor"] * model.net_.lr) for g in model.net_.optimizer_.param_groups]
    assert max(cut) < 0.5  # (the schedule cut the rate before the change)
    model.set_params(learning_rate_init=model.learning_rate_init / 10).partial_fit(X, Y)
    after = [g["lr"] / (g["lr_factor"] * model.net_.lr) for g in model.net_.optimizer_.param_groups]
    np.testing.assert_allclose(after, [c * 0.2 for c in cut])  # the cuts so far, one more, from the new base
    cosine = DenseClassifier(**dict(DENSE, learning_rate="cosine", max_iter=6, learning_rate_init=0.01)).fit(X, Y)
    cosine.set_params(learning_rate="constant").partial_fit(X, Y)  # (it trained at the cosine's last, near-0 rate)
    np.testing.assert_allclose([g["lr"] / g["lr_factor"] for g in cosine.net_.optimizer_.param_groups], 0.01)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_the_adaptive_schedule_records_the_base_rate_as_the_others_do():
    """history_['event_lr'] is the rate of learning_rate_init's units for every schedule: the adaptive one recorded
    the first parameter group's, 0.1 times it in a dense network (its parametrization's groups)."""
    model = DenseClassifier(**dict(DENSE, learning_rate="adaptive", tol=10.0, max_iter=5,
                                   learning_rate_init=0.05)).fit(X, Y)  # no epoch gains: a cut every second one
    assert {g["lr_factor"] for g in model.net_.optimizer_.param_groups} > {1.0}  # (groups at other rates)
    np.testing.assert_allclose(model.history_["event_lr"], [0.05, 0.05, 0.05, 0.01, 0.01], rtol=1e-9)
    model.partial_fit(X, Y)  # (the rate each epoch trained at)
    assert model.history_["event_lr"].iloc[-1] == pytest.approx(0.002, rel=1e-9)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_partial_fit_refuses_what_the_engine_is_built_with_and_keeps_the_moments_when_alpha_leaves_0(tmp_path):
    images = ConvImageClassifier(conv_filters=(2,), dense_layers=(4,), max_iter=1, batch_size=4, device="cpu",
                                 random_state=0).fit(IMAGES, np.arange(12) % 3)
    with pytest.raises(ValueError, match=r"^compile=True: partial_fit goes on with the network as it was fitted "
                                         r"\(compile=False\); fit again to change it"):
        images.set_params(compile=True).partial_fit(IMAGES, np.arange(12) % 3)
    vgg = TransferVGGClassifier(backbone=[4, "M"], weights=None, image_size=8, device="cpu", channels_last=False,
                                max_iter=1, batch_size=4, random_state=0, fine_tune_blocks=1)
    vgg.fit(IMAGES, np.arange(12) % 3)
    with pytest.raises(ValueError, match=r"^backbone_lr_ratio=10: partial_fit goes on with the network as it was"):
        vgg.set_params(backbone_lr_ratio=10).partial_fit(IMAGES, np.arange(12) % 3)  # (its groups kept 0.1)
    vgg.save(tmp_path / "vgg.safetensors")  # the file keeps what the engine was built with, not the parameter set since
    loaded = sknn.load(tmp_path / "vgg.safetensors")  # its engine built as the saved one was: the backbone at 0.1
    assert [g["lr_factor"] for g in loaded.net_.optimizer_.param_groups] == [
        g["lr_factor"] for g in vgg.net_.optimizer_.param_groups]
    with pytest.raises(ValueError, match=r"^backbone_lr_ratio=10: partial_fit .* \(backbone_lr_ratio=0.1\)"):
        loaded.partial_fit(IMAGES, np.arange(12) % 3)
    model = DenseClassifier(**dict(DENSE, alpha=0.0, max_iter=3)).fit(X, Y)
    model.set_params(device="cpu").partial_fit(X, Y)  # the device it has: nothing changes
    model.set_params(alpha=0.5).partial_fit(X, Y)  # the groups are rebuilt (decay on the weights): Adam's moments stay
    assert {int(state["step"]) for state in model.net_.optimizer_.state.values()} == {5}  # (3 + 1, then 1: restarted)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_a_refused_partial_fit_changes_no_setting_of_the_engine():
    model = DenseClassifier(**dict(DENSE, batch_norm=True)).fit(X, Y[:60] // 2)  # shares 2/3 and 1/3
    lr, loss, prior = model.net_.lr, model.net_.criterion_, model.net_.criterion_.class_prior.clone()
    with pytest.raises(ValueError, match="batch"):  # one row: batch norm cannot train on it
        model.set_params(learning_rate_init=1e-9, label_smoothing=0.5).partial_fit(X[:1], Y[:1] // 2)
    assert model.net_.lr == lr and model.net_.criterion_ is loss  # (the loss's class shares counted the row too)
    torch.testing.assert_close(model.net_.criterion_.class_prior, prior)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_partial_fit_follows_the_optimizer_s_settings_and_refuses_another_optimizer():
    model = DenseClassifier(**DENSE, optimizer="rmsprop", momentum=0.0).fit(X, Y)
    model.set_params(momentum=0.9, shuffle=False).partial_fit(X, Y)  # (torch's RMSprop: KeyError 'momentum_buffer')
    buffers = [state["momentum_buffer"] for state in model.net_.optimizer_.state.values()]
    assert buffers and all(float(b.abs().sum()) > 0 for b in buffers) and model.net_.shuffle is False
    adam = DenseClassifier(**DENSE, optimizer="adam", beta_1=0.9).fit(X, Y)
    adam.set_params(beta_1=0.5).partial_fit(X, Y)
    assert {group["betas"][0] for group in adam.net_.optimizer_.param_groups} == {0.5}
    before = adam.predict_proba(X)
    with pytest.raises(ValueError, match=r"optimizer='adamw': partial_fit goes on with the optimizer the network was "
                                         r"trained with \(Adam\).*fit again"):
        adam.set_params(optimizer="adamw").partial_fit(X, Y)  # (AdamW's decay is not Adam's; its state neither)
    np.testing.assert_array_equal(adam.predict_proba(X), before)


# -- 3. a fit with no validation set whose last step blows the network up: TrainingDiverged, as with one ---------------
class _BlowUpLastLayer(Callback):
    """Sets the last layer's bias to ``value`` after every training step of epoch ``epoch``."""

    def __init__(self, value, epoch=1):
        self.value, self.epoch = value, epoch

    def on_batch_end(self, net, training=False, **kwargs):
        if training and len(net.history) == self.epoch:
            with torch.no_grad():
                [m for m in net.module_.modules() if getattr(m, "bias", None) is not None][-1].bias.fill_(self.value)


REG = dict(hidden_layer_sizes=(8,), max_iter=1, random_state=0, learning_rate="constant", optimizer="sgd",
           regularization_schedule=None, parametrization="standard", preprocessing=None, numeric_embedding=None,
           early_stopping=False, batch_size=60, learning_rate_init=1e-3)


def test_a_last_step_whose_outputs_overflow_the_loss_is_called_diverged():
    reg = DenseRegressor(**REG, callbacks=[_BlowUpLastLayer(1e20)])  # finite weights, outputs whose square is not
    with pytest.raises(TrainingDiverged, match=r"training loss became inf after the last training steps of epoch 1 "
                                               r".*diverged.*lower learning_rate_init"):
        reg.fit(X, X[:, 0])  # (it returned without a word, and predict refused)
    assert not hasattr(reg, "net_")  # a new fit: unfitted, as ever
    continued = DenseRegressor(**REG, callbacks=[_BlowUpLastLayer(1e20, epoch=2)]).fit(X, X[:, 0])
    before = continued.predict(X)
    with pytest.raises(TrainingDiverged, match="after the last training steps of epoch 2"):
        continued.partial_fit(X, X[:, 0])
    assert continued.n_iter_ == 1
    np.testing.assert_array_equal(continued.predict(X), before)  # rolled back to its last finished epoch


def test_a_validation_loss_overflowed_by_a_blown_up_network_is_not_blamed_on_the_validation_targets():
    reg = DenseRegressor(**REG, callbacks=[_BlowUpLastLayer(1e20)])
    with pytest.raises(TrainingDiverged, match="validation loss became inf at epoch 1, and the training loss"):
        reg.fit(X, X[:, 0], validation_data=(X[:20], X[:20, 0]))  # ('the validation targets lie too far' before)


def test_an_absurd_learning_rate_that_blows_up_in_the_last_epoch_fails_the_fit_not_predict():
    Xr, yr = make_regression(n_samples=200, n_features=5, noise=1.0, random_state=0)
    reg = DenseRegressor(hidden_layer_sizes=(16,), optimizer="sgd", learning_rate_init=1e12, max_iter=2,
                         early_stopping=False, random_state=0)
    with pytest.raises(TrainingDiverged, match="epoch 2: the optimisation diverged|after the last training steps"):
        reg.fit(Xr, yr)


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_a_last_step_that_makes_the_weights_not_finite_is_called_diverged(value):
    with pytest.raises(TrainingDiverged, match="weights became NaN or infinite in the last training steps of epoch 1"):
        DenseRegressor(**REG, callbacks=[_BlowUpLastLayer(value)]).fit(X, X[:, 0])


class _CountForwards(Callback):
    """Counts the network's forward passes in training."""

    def on_train_begin(self, net, **kwargs):
        self.calls = 0
        net.module_.register_forward_hook(lambda *args: setattr(self, "calls", self.calls + 1))


def test_a_network_that_did_not_grow_far_takes_no_extra_pass_for_the_check():
    counter = _CountForwards()
    DenseRegressor(**dict(REG, max_iter=4, batch_size=20), callbacks=[counter]).fit(X, X[:, 0])
    assert counter.calls == 4 * 3  # one forward per batch: the weights alone were looked at after each epoch


def test_a_diverged_regressor_trained_on_y_s_own_scale_names_normalize_y():
    """normalize_y=False with a target of spread 1000 diverged under SGD, and the message blamed the features only
    (which preprocessing scales anyway); it now names normalize_y=True. With it, the same fit trains."""
    X = np.random.default_rng(0).normal(size=(80, 3))
    y = 1000 * X[:, 0]
    kw = dict(hidden_layer_sizes=(8,), optimizer="sgd", max_iter=3, device="cpu", random_state=0)
    with pytest.raises(TrainingDiverged, match=r"diverged\. .* With normalize_y=False the network learns y on its own "
                                               r"scale: normalize_y=True standardises it\.$"):
        DenseRegressor(normalize_y=False, **kw).fit(X, y)
    assert np.isfinite(DenseRegressor(**kw).fit(X, y).predict(X)).all()


def test_the_weights_check_reads_each_tensor_in_its_own_dtype():
    """The check of the weights after each epoch reads each tensor's extremes: read in float32, a finite float64 buffer
    beyond float32's range (1e300) was taken for an infinite weight, and a sound fit raised 'diverged'. NaN weights are
    still refused."""
    class Net(torch.nn.Module):
        def __init__(self, n_inputs, n_outputs):
            super().__init__()
            self.linear = torch.nn.Linear(n_inputs, n_outputs)
            self.register_buffer("huge", torch.tensor(1e300, dtype=torch.float64))

        def forward(self, X):
            return self.linear(X)

    X, y = np.random.RandomState(0).rand(40, 3), np.random.RandomState(1).rand(40)
    fitted = DenseRegressor(module=Net, early_stopping=False, max_iter=2, random_state=0).fit(X, y)
    assert fitted.n_iter_ == 2

    class Broken(Net):
        def forward(self, X):
            with torch.no_grad():
                self.linear.weight[0, 0] = float("nan")  # (after the loss: the epoch's last step leaves NaN)
            return self.linear(X).nan_to_num()

    with pytest.raises(ValueError, match="weights became NaN or infinite"):
        DenseRegressor(module=Broken, early_stopping=False, max_iter=2, random_state=0).fit(X, y)
