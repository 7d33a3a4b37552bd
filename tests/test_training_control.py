"""How a fit starts, stops and ends: the stopping rule, the epoch whose weights a fit keeps and the scores that
describe it, errors inside an epoch, stop requests from callbacks, skorch's schedulers and scorers across calls, the
validation split of rare classes, and callbacks refused before training."""

import math
import re
import warnings

import numpy as np
import pytest
import torch
from skorch.callbacks import BatchScoring, Callback, Checkpoint, EarlyStopping, EpochScoring, LRScheduler
from skorch.history import History
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import mean_absolute_error

from sknn import DenseClassifier, DenseRegressor
from sknn._callbacks import BestEpochStopping

X_CLF, Y_CLF = make_classification(n_samples=300, n_features=6, n_informative=4, random_state=0)
SMALL = dict(hidden_layer_sizes=(16,), random_state=0)


def _weights(module):
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def _same(a, b):
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


class _Weights(Callback):
    """The module's weights at the end of every epoch, by epoch number."""

    def initialize(self):
        self.states = {}
        return self

    def on_epoch_end(self, net, **kwargs):
        self.states[net.history[-1, "epoch"]] = _weights(net.module_)


def _find(est, kind):
    return next(cb for _, cb in est.net_.callbacks_ if isinstance(cb, kind))


# -- 1. best_validation_score_ and best_loss_ describe the weights kept --------------------------------------------
def test_best_scores_describe_the_weights_kept_without_early_stopping():
    clf = DenseClassifier(**SMALL, max_iter=8, learning_rate_init=0.3, early_stopping=False, n_iter_no_change=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X_CLF[:200], Y_CLF[:200], validation_data=(X_CLF[200:], Y_CLF[200:]))
    assert np.argmin(clf.loss_curve_) != len(clf.loss_curve_) - 1  # (the lowest training loss is not the last)
    assert clf.best_validation_score_ == clf.validation_scores_[-1]  # the last epoch's weights are kept
    assert clf.score(X_CLF[200:], Y_CLF[200:]) == pytest.approx(clf.best_validation_score_)
    assert clf.best_loss_ == min(clf.loss_curve_)  # as MLPClassifier's without early stopping
    steady = DenseClassifier(**dict(SMALL, max_iter=2, early_stopping=False, learning_rate="constant"))
    steady.fit(X_CLF[:200], Y_CLF[:200], validation_data=(X_CLF[200:], Y_CLF[200:]))
    scores = steady.validation_scores_
    for _ in range(3):  # partial_fit validates nothing: the fit's scores stay, the lowest training loss follows
        steady.partial_fit(X_CLF[:200], Y_CLF[:200])
    assert steady.validation_scores_ == scores and min(steady.loss_curve_) < min(steady.loss_curve_[:2])
    assert steady.best_loss_ == min(steady.loss_curve_)  # (was the fit's lowest)
    es = DenseClassifier(**SMALL, max_iter=8, early_stopping=True, n_iter_no_change=3).fit(X_CLF, Y_CLF)
    assert es.best_loss_ is None
    assert es.best_validation_score_ == es.validation_scores_[int(np.argmin(es.history_["valid_loss"]))]


# -- 2. an error inside an epoch: back to the last finished epoch, then the error --------------------------------
class _FailMidEpoch(Callback):
    armed = False

    def on_epoch_begin(self, net, **kwargs):
        self.batches = 0

    def on_batch_end(self, net, training=False, **kwargs):
        self.batches += training
        if self.armed and self.batches == 2:
            raise RuntimeError("the logger lost its connection")


@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_an_error_inside_an_epoch_rolls_back_to_the_last_finished_epoch(method):
    fail = _FailMidEpoch()
    clf = DenseClassifier(**SMALL, max_iter=3, batch_size=32, warm_start=True, early_stopping=False,
                          learning_rate="constant", callbacks=[fail]).fit(X_CLF, Y_CLF)
    before, proba, rows = _weights(clf.net_.module_), clf.predict_proba(X_CLF), len(clf.net_.history)
    _find(clf, _FailMidEpoch).armed = True
    with pytest.raises(RuntimeError, match="lost its connection"):
        getattr(clf, method)(X_CLF, Y_CLF)
    assert _same(_weights(clf.net_.module_), before) and clf.n_iter_ == 3 and len(clf.net_.history) == rows
    np.testing.assert_array_equal(clf.predict_proba(X_CLF), proba)


# -- 3. a callback's request to stop: the stopping rule sees the epoch first -------------------------------------
class _StopWhenGoodEnough(Callback):
    def on_epoch_end(self, net, **kwargs):
        if net.history[-1, "valid_score"] > 0.9:
            raise KeyboardInterrupt


def test_the_stopping_rule_sees_the_epoch_a_callback_stops_at():
    X, y = make_regression(n_samples=300, n_features=6, noise=5.0, random_state=0)
    reg = DenseRegressor(**SMALL, max_iter=5, batch_size=32, early_stopping=True,
                         callbacks=[_StopWhenGoodEnough(), _Weights()]).fit(X, y)
    best = int(np.argmin(reg.history_["valid_loss"]))
    assert best == reg.n_iter_ - 1 < 4  # the stop came at the best epoch so far
    assert reg.best_validation_score_ == reg.validation_scores_[best]
    assert _same(_weights(reg.net_.module_), _find(reg, _Weights).states[best + 1])
    # skorch's EarlyStopping in callbacks= asks to stop the same way
    stop = EarlyStopping(monitor="valid_loss", patience=1, threshold=10.0)  # stops after the second epoch
    clf = DenseClassifier(**SMALL, max_iter=6, early_stopping=True, callbacks=[stop]).fit(X_CLF, Y_CLF)
    assert clf.n_iter_ == 2
    assert _find(clf, BestEpochStopping).best_epoch_ == int(np.argmin(clf.history_["valid_loss"])) + 1


# -- 4. a rare class keeps a training row ----------------------------------------------------------------------------
class _Split(Callback):
    def on_train_begin(self, net, X=None, y=None, **kwargs):
        self.train_y, self.valid_y = X.y.numpy(), y.y.numpy()


@pytest.mark.parametrize("fraction", [0.05, 0.9])  # an unstratified split (fewer rows than classes), a large one
def test_every_class_keeps_a_training_row_when_a_validation_split_is_set_aside(fraction):
    y = np.array([0] * 30 + [1] * 30 + [2, 2, 3, 3, 4, 4, 5, 5])
    X = np.random.default_rng(0).normal(size=(len(y), 4))
    for seed in range(40):
        clf = DenseClassifier(hidden_layer_sizes=(4,), random_state=seed, max_iter=1, validation_fraction=fraction,
                              callbacks=[_Split()]).fit(X, y)
        split = _find(clf, _Split)
        assert (np.bincount(split.train_y, minlength=6) >= 1).all(), seed
        assert len(split.valid_y) and len(split.train_y) + len(split.valid_y) == len(y)


def test_a_regressor_s_validation_split_of_one_sample_is_told():
    """R^2 of one sample is undefined: validation_scores_ were NaN, and the best epoch that sample's, without a word
    (a classifier's split of 2 samples is refused, naming the class it would take whole)."""
    X = np.random.RandomState(0).normal(size=(5, 3))
    with pytest.warns(UserWarning, match=r"early_stopping=True sets 1 of the 5 samples aside: its score is undefined "
                                         r"\(validation_scores_ NaN\).*pass early_stopping=False"):
        DenseRegressor(**SMALL, max_iter=3).fit(X, X[:, 0] * 10 + 100)
    with pytest.warns(UserWarning, match=r"validation_data holds 1 sample: its score is undefined \(validation_scores_ "
                                         r"NaN\) .*; give it more samples"):  # (as silent as the split was)
        DenseRegressor(**SMALL, max_iter=2, early_stopping=False).fit(X, X[:, 0], validation_data=(X[:1], X[:1, 0]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # two samples set aside: scored
        DenseRegressor(**SMALL, max_iter=3, n_iter_no_change=None).fit(np.tile(X, (4, 1)), np.tile(X[:, 0], 4))


def test_a_class_the_validation_split_would_take_whole_is_refused_by_name():
    for seed in range(4):  # whichever class the split sets aside is named
        with pytest.raises(ValueError, match="sets 1 of the 2 samples aside for validation, which would leave class "
                                             "'[ab]' no training sample .*smaller validation_fraction"):
            DenseClassifier(hidden_layer_sizes=(4,), max_iter=1, random_state=seed).fit([[0.0], [1.0]], ["a", "b"])
    with pytest.raises(ValueError, match="1 training row\\(s\\) left once early_stopping set 1 aside for "
                                         "validation; pass more data, or early_stopping=False, or batch_norm=False"):
        DenseRegressor(hidden_layer_sizes=(4,), batch_norm=True, max_iter=1, random_state=0).fit([[0.0], [1.0]],
                                                                                                 [0.0, 1.0])


# -- 5. scikit-learn's tol rule, and the weights of the lowest loss --------------------------------------------------
def _stops_after(losses, patience, tol):
    rule = BestEpochStopping(monitor="train_loss", patience=patience, threshold=tol, threshold_mode="abs",
                             load_best=False, sink=lambda *a: None)
    net = type("Net", (), {"verbose": 0, "history": History()})()
    rule.on_train_begin(net)
    for epoch, loss in enumerate(losses, 1):
        net.history.new_epoch()
        net.history.record("epoch", epoch)
        net.history.record("train_loss", loss)
        try:
            rule.on_epoch_end(net)
        except KeyboardInterrupt:
            return epoch, rule.best_epoch_
    return None, rule.best_epoch_


def test_the_stopping_rule_compares_with_the_best_loss_as_scikit_learn_does():
    # steady progress of 0.04 an epoch is no progress by tol=0.05: two epochs without it (2 and 3) stop the fit
    assert _stops_after([1.0, 0.96, 0.92, 0.88, 0.84, 0.80, 0.76], 2, 0.05) == (3, 3)
    assert _stops_after([1.0, 0.9, 0.9, 0.9, 0.9, 0.9], 2, 1e-4) == (4, 2)  # a plateau
    assert _stops_after([1.0, 0.9, 0.9, 0.9], 1, 1e-4) == (3, 2)
    assert _stops_after([1.0, 0.8, 0.7, 0.75, 0.6, 0.59], 2, 0.05) == (None, 6)  # 0.6 is progress, 0.59 not
    assert _stops_after([1.0, 0.8, 0.7, 0.75, 0.69], 2, 0.05) == (5, 5)  # 0.69: no progress, but the lowest loss


# -- 6. skorch's LRScheduler goes on across warm fits and partial_fit, one step an epoch ------------------------------
def test_an_lr_scheduler_continues_across_warm_fits_and_partial_fit():
    kw = dict(SMALL, max_iter=3, learning_rate="constant", learning_rate_init=0.01, early_stopping=False)
    step = LRScheduler(policy=torch.optim.lr_scheduler.StepLR, step_size=1, gamma=0.5)
    warm = DenseClassifier(**kw, warm_start=True, callbacks=[step]).fit(X_CLF, Y_CLF)
    warm.fit(X_CLF, Y_CLF)
    first = warm.history_["event_lr"].iloc[0]  # (group 0's rate: 0.01 times its parametrization's factor)
    np.testing.assert_allclose(warm.history_["event_lr"], first * 0.5 ** np.arange(6), rtol=1e-9)
    calls = DenseClassifier(**kw, callbacks=[LRScheduler(policy=torch.optim.lr_scheduler.StepLR, step_size=1,
                                                         gamma=0.5)])
    for _ in range(4):
        calls.partial_fit(X_CLF, Y_CLF, classes=[0, 1])
    np.testing.assert_allclose(calls.history_["event_lr"], first * 0.5 ** np.arange(4), rtol=1e-9)
    group = calls.net_.optimizer_.param_groups[0]
    assert group["lr"] / group["lr_factor"] == pytest.approx(0.01 * 0.5 ** 4)


# -- 7. scorers see a regressor's y in its own units ---------------------------------------------------------------
def test_epoch_scoring_sees_a_regressor_in_the_units_of_y():
    X, y = make_regression(n_samples=300, n_features=6, noise=5.0, random_state=0)
    y = y * 1000 + 5e4
    reg = DenseRegressor(**SMALL, max_iter=3, early_stopping=False,
                         callbacks=[EpochScoring("neg_mean_absolute_error"), EpochScoring("r2")])
    reg.fit(X[:200], y[:200], validation_data=(X[200:], y[200:]))
    mae = mean_absolute_error(y[200:], reg.predict(X[200:]))
    assert reg.history_["neg_mean_absolute_error"].iloc[-1] == pytest.approx(-mae, rel=1e-6)
    assert reg.history_["r2"].iloc[-1] == pytest.approx(reg.score(X[200:], y[200:]), abs=1e-6)


# -- 8. a callback that reads a key the history will not hold: refused before training ------------------------------
@pytest.mark.parametrize("kw, match", [
    (dict(early_stopping=False, callbacks=[EarlyStopping()]),
     r"user_0_EarlyStopping \(EarlyStopping\) reads 'valid_loss' .* no validation set: pass fit\(\.\.\., "
     r"validation_data=.* records: dur, epoch, event_lr, train_loss, train_loss_best\."),
    (dict(callbacks=[EarlyStopping(monitor="valid_acc")]),
     r"reads 'valid_acc' .* EpochScoring\(\.\.\., name='valid_acc'\).* valid_loss, valid_loss_best, valid_score\."),
    (dict(callbacks=[Checkpoint(dirname="unused", f_params="p_{last_batch[train_loss]}.pt")]),
     r"Checkpoint\) reads 'train_loss' from the history of each batch.*last_epoch\[\.\.\.\]"),
    (dict(early_stopping=False, callbacks=[Checkpoint(dirname="unused")]),  # monitor='valid_loss_best'
     r"reads 'valid_loss_best'.* no validation set"),
])
def test_a_callback_reading_a_key_the_history_lacks_is_refused_before_training(kw, match, monkeypatch):
    from sknn._engine import Engine

    monkeypatch.setattr(Engine, "partial_fit", lambda *a, **k: pytest.fail("training started"))
    with pytest.raises(ValueError, match=match):
        DenseClassifier(**{**SMALL, "max_iter": 2, **kw}).fit(X_CLF, Y_CLF)


def test_callbacks_reading_keys_the_history_holds_train(tmp_path):
    scored = [EpochScoring("accuracy", lower_is_better=False, name="valid_acc"),
              EarlyStopping(monitor="valid_acc", lower_is_better=False),
              Checkpoint(dirname=str(tmp_path), f_params="p_{last_epoch[valid_loss]:.3f}.pt", f_optimizer=None,
                         f_history=None, f_criterion=None)]
    clf = DenseClassifier(**SMALL, max_iter=2, early_stopping=True, callbacks=scored).fit(X_CLF, Y_CLF)
    assert clf.n_iter_ == 2 and "valid_acc" in clf.history_ and any(tmp_path.iterdir())


def test_a_batch_key_the_engine_records_is_not_refused(tmp_path):
    """The engine records each batch's size where a callback listens to batches (skorch's BatchScoring reads it;
    sknn's schedule always listens): a Checkpoint naming its files by the epoch's last batch (a validation batch, or
    a training batch without validation) trains, alone or beside a BatchScoring; the other kind's key is refused."""
    def checkpoint(folder, key, monitor="valid_loss_best"):
        return Checkpoint(dirname=str(tmp_path / folder), f_params=f"p_{{last_batch[{key}]}}.pt", f_optimizer=None,
                          f_history=None, f_criterion=None, monitor=monitor)

    for folder, callbacks in (("alone", []), ("beside", [BatchScoring("accuracy", lower_is_better=False)])):
        callbacks = [*callbacks, checkpoint(folder, "valid_batch_size")]
        DenseClassifier(**SMALL, max_iter=2, callbacks=callbacks).fit(X_CLF, Y_CLF)
        assert [p.name for p in (tmp_path / folder).iterdir()] == ["p_60.pt"]  # (60 validation rows, one batch)
    DenseClassifier(**SMALL, max_iter=2, early_stopping=False, batch_size=100,
                    callbacks=[checkpoint("train", "train_batch_size", "train_loss_best")]).fit(X_CLF, Y_CLF)
    assert [p.name for p in (tmp_path / "train").iterdir()] == ["p_100.pt"]  # (300 rows: the last batch of 100)
    with pytest.raises(ValueError, match=r"reads 'train_batch_size' from the history of each batch"):
        DenseClassifier(**SMALL, max_iter=2, callbacks=[checkpoint("no", "train_batch_size")]).fit(X_CLF, Y_CLF)


# -- 9. no ConvergenceWarning where the stopping rule ended the fit ---------------------------------------------------
def test_no_convergence_warning_when_the_rule_stops_at_max_iter():
    kw = dict(SMALL, learning_rate="constant", learning_rate_init=0.3, n_iter_no_change=2)
    free = DenseClassifier(**kw, max_iter=30).fit(X_CLF, Y_CLF)
    assert free.n_iter_ < 30
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        assert DenseClassifier(**kw, max_iter=free.n_iter_).fit(X_CLF, Y_CLF).n_iter_ == free.n_iter_
    with pytest.warns(ConvergenceWarning, match="raise max_iter"):  # one epoch fewer: the rule did not stop it
        DenseClassifier(**kw, max_iter=free.n_iter_ - 1).fit(X_CLF, Y_CLF)


# -- 10. verbose=2 prints the epoch at which the rule stops ----------------------------------------------------------
def test_verbose_2_prints_every_epoch_then_why_it_stopped(capsys):
    clf = DenseClassifier(**SMALL, max_iter=30, learning_rate="constant", learning_rate_init=0.3, n_iter_no_change=2,
                          verbose=2).fit(X_CLF[:200], Y_CLF[:200])
    out = re.sub(r"\x1b\[[0-9;]*m", "", capsys.readouterr().out)
    epochs = [int(line.split()[0]) for line in out.splitlines() if line.strip()[:1].isdigit()]
    assert epochs == list(range(1, clf.n_iter_ + 1)) and clf.n_iter_ < 30
    assert out.index("Stopping since valid_loss") > out.index(f"\n{clf.n_iter_:>7} ")


def test_fits_stay_identical_for_a_random_state():
    kw = dict(SMALL, max_iter=4, n_iter_no_change=2)
    a, b = DenseClassifier(**kw).fit(X_CLF, Y_CLF), DenseClassifier(**kw).fit(X_CLF, Y_CLF)
    np.testing.assert_array_equal(a.predict_proba(X_CLF), b.predict_proba(X_CLF))
    assert a.loss_curve_ == b.loss_curve_ and not math.isnan(a.best_validation_score_)


# -- 9. partial_fit's classes and sample_weight by keyword; the weights partial_fit and validation_data take -------
def _classifiers_with_partial_fit():
    from sknn import ConvImageClassifier, LSTMSequenceTagger, TransferVGGClassifier

    return [(DenseClassifier(hidden_layer_sizes=(4,)), X_CLF[:20], Y_CLF[:20]),
            (ConvImageClassifier(), np.zeros((4, 8, 8, 1)), [0, 1, 0, 1]),
            (TransferVGGClassifier(), np.zeros((4, 32, 32, 3)), [0, 1, 0, 1]),
            (LSTMSequenceTagger(), [["a"], ["b"]], [["N"], ["V"]])]


def test_partial_fit_takes_classes_and_sample_weight_by_keyword_only():
    import inspect

    for est, X, y in _classifiers_with_partial_fit():  # MLPClassifier's order (weights third) read as classes before
        assert str(inspect.signature(type(est).partial_fit)) == "(self, X, y, *, classes=None, sample_weight=None)"
        with pytest.raises(TypeError, match=rf"{type(est).__name__}\.partial_fit takes classes= and sample_weight= "
                                            r"by keyword.*MLPClassifier and SGDClassifier.*classes=\[\.\.\.\], "
                                            r"sample_weight=w\)"):
            est.partial_fit(X, y, np.ones(len(y)))
        assert not hasattr(est, "net_")  # refused before any work
    X, y = X_CLF[:40], Y_CLF[:40]
    w = (np.arange(40) % 3 != 0).astype(float)
    clf = DenseClassifier(hidden_layer_sizes=(4,), random_state=0).partial_fit(X=X, y=y, classes=[0, 1],
                                                                               sample_weight=w)
    assert clf.classes_.tolist() == [0, 1]
    import sklearn
    from sklearn.multioutput import MultiOutputClassifier

    with sklearn.config_context(enable_metadata_routing=True):  # routing still sees the keyword-only weights
        routed = DenseClassifier(hidden_layer_sizes=(4,), random_state=0).set_partial_fit_request(sample_weight=True)
        assert routed.get_metadata_routing().partial_fit.requests == {"classes": None, "sample_weight": True}
        meta = MultiOutputClassifier(routed).partial_fit(X, np.c_[y, y], classes=[[0, 1]] * 2, sample_weight=w)
    np.testing.assert_allclose(meta.estimators_[0].predict_proba(X), clf.predict_proba(X))


def test_partial_fit_docstrings_say_what_the_scale_of_the_weights_means():
    from sknn import LSTMLanguageModel, LSTMSequenceTagger, TransferVGGClassifier

    for est in (DenseClassifier, DenseRegressor):
        entry = est.partial_fit.__doc__.split("sample_weight : ")[1].split("Returns")[0]
        assert "rescales the weights to mean 1" in entry and "double the loss" in entry
    for est in (TransferVGGClassifier, LSTMSequenceTagger, LSTMLanguageModel):
        assert "mean 1" in " ".join(est.partial_fit.__doc__.split()), est
    # what they say: fit rescales the weights, a partial_fit call steps by them as given
    X, y = X_CLF[:40], Y_CLF[:40]

    def probabilities(scale, **kw):
        clf = DenseClassifier(hidden_layer_sizes=(4,), optimizer="sgd", random_state=0, early_stopping=False,
                              max_iter=2)
        if kw:
            clf.partial_fit(X, y, classes=[0, 1], sample_weight=np.full(40, scale))
        else:
            clf.fit(X, y, sample_weight=np.full(40, scale))
        return clf.predict_proba(X)

    np.testing.assert_allclose(probabilities(1.0), probabilities(5.0), atol=1e-6)
    assert np.abs(probabilities(1.0, partial=True) - probabilities(5.0, partial=True)).max() > 1e-3


def test_validation_data_rows_take_the_class_weights_of_the_training_data():
    from sklearn.utils.class_weight import compute_class_weight

    rng = np.random.RandomState(0)
    X, Xv = rng.randn(80, 3), rng.randn(40, 3)
    y, yv = (X[:, 0] > 0.8).astype(int), (Xv[:, 0] > -0.5).astype(int)  # classes in other shares
    clf = DenseClassifier(hidden_layer_sizes=(4,), max_iter=2, random_state=0, early_stopping=False,
                          class_weight="balanced").fit(X, y, validation_data=(Xv, yv))
    trained = compute_class_weight("balanced", classes=np.array([0, 1]), y=y)
    own = compute_class_weight("balanced", classes=np.array([0, 1]), y=yv)
    assert clf.validation_scores_[-1] == pytest.approx(clf.score(Xv, yv, sample_weight=trained[yv]), abs=1e-6)
    assert clf.validation_scores_[-1] != pytest.approx(clf.score(Xv, yv, sample_weight=own[yv]), abs=1e-3)
    # the same weights as the rows of a validation split: a validation_fraction split's rows, given as validation_data
    source = clf._validation_source(Xv, yv, None, class_weights=trained)
    np.testing.assert_allclose(source.sample_weight.numpy(), trained[yv] / trained[yv].mean(), rtol=1e-6)


@pytest.mark.parametrize("Model", [DenseRegressor, DenseClassifier])
def test_the_weights_of_the_rows_set_aside_change_neither_training_nor_the_mean_validation_loss(Model):
    """The weights were brought to mean 1 over all rows before early_stopping's split: rows set aside at 1000 times
    the weight of the others scaled every training step down 160-fold (R^2 0.96 -> 0.05 on the training rows) and
    the validation loss up, where validation_data's weights are of mean 1 on their own. Each part's weights of one
    value each are now an unweighted fit's."""
    from sklearn.utils import check_random_state

    from sknn._validation_split import validation_indices

    X, y = make_regression(300, 5, noise=5, random_state=0) if Model is DenseRegressor else (X_CLF, Y_CLF)
    n = len(X)
    _, valid = validation_indices(n, 0.2, None if Model is DenseRegressor else Y_CLF, check_random_state(0))
    weights = np.ones(n)
    weights[valid] = 1000.0
    params = dict(hidden_layer_sizes=(8,), max_iter=5, random_state=0, optimizer="sgd")
    plain = Model(**params).fit(X, y)
    weighed = Model(**params).fit(X, y, sample_weight=weights)
    np.testing.assert_allclose(weighed.history_.valid_loss.values, plain.history_.valid_loss.values, rtol=1e-4)
    np.testing.assert_allclose(weighed.history_.train_loss.values, plain.history_.train_loss.values, rtol=1e-4)
    np.testing.assert_allclose(weighed.predict(X), plain.predict(X), rtol=1e-4, atol=1e-5)
    if Model is DenseClassifier:  # nor the classes' shares that label smoothing spreads by (rows of class 0 only)
        heavy = np.where(np.isin(np.arange(n), valid) & (y == 0), 1000.0, 1.0)
        assert Model(**params).fit(X, y, sample_weight=heavy).class_prior_.tolist() == plain.class_prior_.tolist()
    weights[valid] = np.where(np.arange(len(valid)) % 2, 3.0, 1.0)  # a weighted mean over the rows set aside
    one = Model(**params).fit(X, y, sample_weight=weights)
    weights[valid] *= 50.0
    np.testing.assert_allclose(Model(**params).fit(X, y, sample_weight=weights).history_.valid_loss.values,
                               one.history_.valid_loss.values, rtol=1e-4)


def test_validation_data_errors_name_y_val_wherever_the_message_names_y():
    """Only a message that started with 'y' was renamed: 'The labels mix types: y[0] is 0 but y[1] is 'a'' and a
    fix of 'y.astype(str)' named fit's y for validation_data's labels."""
    X, y = X_CLF[:60], Y_CLF[:60]
    with pytest.raises(ValueError, match=r"^validation_data: The labels mix types: y_val\[0\] is 0 \(a number\) but "
                                         r"y_val\[1\] is 'a'"):
        DenseClassifier(hidden_layer_sizes=(4,), max_iter=1).fit(X, y, validation_data=(X[:3], [0, "a", 1]))
    with pytest.raises(ValueError, match=r"y_val holds labels DenseClassifier was not fitted on, numbers with "
                                         r"fractional parts \(such as 0\.5\); its classes are .*: give y_val of those"):
        DenseClassifier(hidden_layer_sizes=(4,), max_iter=1).fit(X, y, validation_data=(X[:3], [0.5, 1.5, 2.5]))
    fitted = DenseClassifier(hidden_layer_sizes=(4,), max_iter=1).fit(X, y)  # (was told to fit a regressor)
    with pytest.raises(ValueError, match=r"^y holds labels DenseClassifier was not fitted on, numbers with fractional"):
        fitted.score(X[:3], np.array([0.0, 0.5, 1.0]))
    with pytest.raises(ValueError, match=r"y holds 2 distinct numbers with fractional parts .* fit a regressor"):
        DenseClassifier(hidden_layer_sizes=(4,), max_iter=1).fit(X[:4], [0.5, 1.5] * 2)  # (a new fit: a quantity)
    # X_val of another width, as a Pipeline gives it without transform_input: where that comes from
    with pytest.raises(ValueError, match=r"X_val has 2 features, but DenseClassifier is expecting 6 features as "
                                         r"input\. In a Pipeline, .*transform_input=\['X_val'\]"):
        DenseClassifier(hidden_layer_sizes=(4,), max_iter=1).fit(X, y, validation_data=(X[:3, :2], y[:3]))


@pytest.mark.parametrize("params", [{"dropout": 0.5}, {"batch_norm": True, "dropout": 0.0}])
def test_a_prediction_made_while_training_leaves_the_epoch_training(params):
    """predict set the network to evaluation mode and left it there: after a callback's predict between two batches,
    the rest of the epoch trained without dropout, or with batch norm's statistics frozen (probabilities 0.09 to
    0.33 away from the same seeded fit without the callback)."""
    class Peek(Callback):
        def __init__(self, predict):
            self.predict = predict

        def on_batch_end(self, net, training=False, **kwargs):
            if training and self.predict:
                model.predict(X_CLF[:3])
            assert net.module_.training == training

    fits = []
    for predict in (False, True):
        model = DenseClassifier(hidden_layer_sizes=(16,), max_iter=2, batch_size=20, random_state=0,
                                callbacks=[Peek(predict)], **params)
        fits.append(model.fit(X_CLF, Y_CLF).predict_proba(X_CLF))
    np.testing.assert_array_equal(fits[1], fits[0])


def test_a_fitted_or_loaded_network_is_in_evaluation_mode_for_threads_that_predict_with_it(tmp_path):
    """With predict putting back the mode it found, a network left training by a fit without a validation pass or by
    load made each finished predict switch dropout on under another thread's predict (1 answer in 240 off by 0.42)."""
    import sknn

    for early_stopping in (True, False):
        model = DenseClassifier(hidden_layer_sizes=(16,), dropout=0.5, max_iter=2, random_state=0,
                                early_stopping=early_stopping).fit(X_CLF, Y_CLF)
        assert not model.net_.module_.training
        model.predict(X_CLF[:3])
        assert not model.net_.module_.training
        model.partial_fit(X_CLF, Y_CLF)
        assert not model.net_.module_.training
    class Fails(Callback):
        def on_batch_end(self, net, training=False, **kwargs):
            if training:
                raise RuntimeError("a callback's own failure")

    model.set_params(callbacks=[Fails()])
    with pytest.raises(RuntimeError, match="a callback's own failure"):  # a continued fit that fails: rolled back,
        model.partial_fit(X_CLF, Y_CLF)  # and in evaluation mode as any fit leaves it
    assert not model.net_.module_.training
    model.set_params(callbacks=None)
    model.save(tmp_path / "m.safetensors")
    loaded = sknn.load(tmp_path / "m.safetensors")
    assert not loaded.net_.module_.training
    np.testing.assert_array_equal(loaded.predict_proba(X_CLF), model.predict_proba(X_CLF))


def test_a_class_weight_of_0_for_every_validation_row_is_named():
    X, y = X_CLF[:40], Y_CLF[:40]
    clf = DenseClassifier(hidden_layer_sizes=(4,), max_iter=1, class_weight={1: 0})
    with pytest.raises(ValueError, match=r"validation_data: class_weight=\{1: 0\} gives every validation row weight "
                                         r"0: their classes \(1\) have weight 0.*give validation_data rows of a class "
                                         "of weight above 0"):
        clf.fit(X, y, validation_data=(X[y == 1], y[y == 1]))


def test_the_tagger_vocabulary_counts_a_weighted_sequence_once_as_its_docstring_says():
    from sknn import LSTMSequenceTagger

    doc = " ".join(LSTMSequenceTagger.fit.__doc__.split())
    assert "counts as the sequence given twice; the vocabulary and ``min_count`` count each sequence once" in doc
    X, y = [["a", "b"], ["a", "c"]], [["N", "V"], ["N", "V"]]
    tagger = LSTMSequenceTagger(hidden_size=4, embedding_dim=4, char_features=False, max_iter=1, random_state=0,
                                early_stopping=False, min_count=2).fit(X, y, sample_weight=[1, 3])
    assert "c" not in tagger.vocabulary_  # weight 3, but seen once: under min_count=2


# -- 11. the epoch kept when a callback of the user's restores a best epoch of its own too ---------------------------
def test_best_validation_score_is_the_score_of_the_weights_kept_beside_a_users_early_stopping():
    """sknn's rule restored nothing where its best epoch was the last (skorch's shortcut), so the weights an
    EarlyStopping(load_best=True) earlier in the chain restored stayed, under the scores of sknn's best epoch."""
    rng = np.random.RandomState(0)
    X = rng.randn(120, 4)
    y = (X[:, 0] + 0.8 * rng.randn(120) > 0).astype(int)
    Xv = rng.randn(60, 4)
    yv = (Xv[:, 0] + 0.8 * rng.randn(60) > 0).astype(int)
    differ = 0
    for seed in range(8):
        best_score = EarlyStopping(monitor="valid_score", lower_is_better=False, load_best=True, patience=100)
        clf = DenseClassifier(hidden_layer_sizes=(8,), max_iter=6, random_state=seed, early_stopping=True,
                              learning_rate="constant", regularization_schedule=None, learning_rate_init=0.3,
                              callbacks=[best_score]).fit(X, y, validation_data=(Xv, yv))
        rule = _find(clf, BestEpochStopping)
        users = next(cb for _, cb in clf.net_.callbacks_ if type(cb) is EarlyStopping)
        differ += rule.best_epoch_ == clf.n_iter_ != users.best_epoch_
        assert clf.best_validation_score_ == pytest.approx(clf.score(Xv, yv))
        assert clf.best_validation_score_ == clf.validation_scores_[rule.best_epoch_ - 1]
    assert differ  # (some seed gives the case: sknn's best epoch the last, the user's an earlier one)


def test_a_users_early_stopping_whose_best_epoch_is_the_last_restores_nothing(tmp_path):
    """skorch's EarlyStopping loads no weights where its best epoch is the last: a Checkpoint's restored epoch
    before it in the chain stays, and the scores describe that one."""
    saves = Checkpoint(monitor=lambda net: net.history[-1, "epoch"] == 2, load_best=True, f_history=None,
                       f_optimizer=None, f_criterion=None, dirname=str(tmp_path))
    stop = EarlyStopping(monitor="valid_loss", load_best=True, patience=100)
    clf = DenseClassifier(**SMALL, max_iter=4, learning_rate="constant", learning_rate_init=0.003,
                          early_stopping=False, callbacks=[saves, stop])
    clf.fit(X_CLF[:200], Y_CLF[:200], validation_data=(X_CLF[200:], Y_CLF[200:]))
    assert int(np.argmin(clf.history_["valid_loss"])) == clf.n_iter_ - 1 == 3  # its best epoch: the last
    assert clf.best_validation_score_ == clf.validation_scores_[1]  # the checkpoint's epoch 2
    assert clf.score(X_CLF[200:], Y_CLF[200:]) == pytest.approx(clf.best_validation_score_)


# -- 12. a loss that is not finite after the epoch's last steps: diverged, never the best epoch ----------------------
def test_a_network_that_blows_up_in_the_last_steps_is_called_diverged():
    from sknn._engine import TrainingDiverged

    rng = np.random.RandomState(0)
    X = rng.randn(60, 4)
    y = X[:, 0]
    kw = dict(hidden_layer_sizes=(8,), max_iter=1, random_state=0, learning_rate="constant",
              regularization_schedule=None, optimizer="sgd", parametrization="standard", preprocessing=None,
              numeric_embedding=None, early_stopping=True)
    reg = DenseRegressor(**kw, learning_rate_init=1e20)  # one step (the training loss before it is finite)
    with pytest.raises(TrainingDiverged, match=r"validation loss became nan at epoch 1: the network's outputs are "
                                               r"NaN or infinite .*diverged.*lower learning_rate_init"):
        reg.fit(X, y)
    assert not hasattr(reg, "net_") and not hasattr(reg, "n_iter_")  # a new fit: unfitted, as ever
    warm = DenseRegressor(**dict(kw, max_iter=2), learning_rate_init=1e-3, warm_start=True).fit(X, y)
    before = warm.predict(X)
    with pytest.raises(TrainingDiverged, match="validation loss became nan at epoch 3"):
        warm.set_params(learning_rate_init=1e20, max_iter=1).fit(X, y)
    assert warm.n_iter_ == 2 and len(warm.net_.history) == 2  # the model it had
    np.testing.assert_array_equal(warm.predict(X), before)
    # a validation target too large for the loss is named, not taken for a divergence (nor for a best epoch)
    with pytest.raises(ValueError, match=r"validation loss became inf at epoch 1 though the network's outputs .* "
                                         r"are finite: the targets are standardised .* validation targets") as error:
        DenseRegressor(**dict(kw, early_stopping=False), learning_rate_init=1e-3).fit(
            X, y, validation_data=(X[:10], np.r_[y[:9], 3e38]))
    assert not isinstance(error.value, TrainingDiverged)


@pytest.mark.parametrize("early_stopping", [False, True])  # True: validation loss; False: none, the weights looked at
def test_a_fit_without_validation_whose_last_step_blows_up_is_called_diverged(early_stopping):
    from sknn._engine import TrainingDiverged

    rng = np.random.RandomState(0)
    X = rng.randn(60, 4)
    kw = dict(hidden_layer_sizes=(8,), max_iter=1, random_state=0, learning_rate="constant", optimizer="sgd",
              regularization_schedule=None, parametrization="standard", preprocessing=None, numeric_embedding=None,
              early_stopping=early_stopping, batch_size=60)
    reg = DenseRegressor(**kw, learning_rate_init=1e38)  # one step (its loss before it is finite): infinite weights
    with pytest.raises(TrainingDiverged, match="(weights|validation loss) became (NaN or infinite|nan).* epoch 1"):
        reg.fit(X, X[:, 0])  # (it returned without a word with no validation set, and predict refused)
    warm = DenseRegressor(**dict(kw, max_iter=2), learning_rate_init=1e-3, warm_start=True).fit(X, X[:, 0])
    before = warm.predict(X)
    with pytest.raises(TrainingDiverged, match="epoch 3"):
        warm.set_params(learning_rate_init=1e38, max_iter=1).fit(X, X[:, 0])
    np.testing.assert_array_equal(warm.predict(X), before)  # rolled back to its last finished epoch


# -- 13. a callback stops training from on_epoch_end; raised elsewhere, KeyboardInterrupt is a Ctrl-C -----------------
class _InterruptFrom(Callback):
    def __init__(self, hook, epoch=3):
        self.hook, self.epoch = hook, epoch

    def on_epoch_begin(self, net, **kwargs):
        if self.hook == "on_epoch_begin" and len(net.history) == self.epoch:
            raise KeyboardInterrupt

    def on_epoch_end(self, net, **kwargs):
        if self.hook == "on_epoch_end" and len(net.history) == self.epoch:
            raise KeyboardInterrupt


def test_a_callback_stops_training_from_on_epoch_end_and_elsewhere_is_a_ctrl_c():
    kw = dict(SMALL, max_iter=6, early_stopping=False)
    assert DenseClassifier(**kw, callbacks=[_InterruptFrom("on_epoch_end")]).fit(X_CLF, Y_CLF).n_iter_ == 3
    clf = DenseClassifier(**kw, callbacks=[_InterruptFrom("on_epoch_begin")])
    with pytest.raises(KeyboardInterrupt, match=r"^Training was interrupted during epoch 3: the model keeps its last "
                                                r"finished epoch\.$"):  # (no early stopping: no best one)
        clf.fit(X_CLF, Y_CLF)
    assert clf.n_iter_ == 2 and clf.predict(X_CLF[:3]).shape == (3,)  # the last finished epoch's model


# -- 14. what a fit that stops on a validation loss that is not finite, or on a Ctrl-C, says ---------------------------
def test_far_validation_targets_are_named_whatever_their_units_when_targets_are_standardised():
    """normalize_y standardises the validation targets with the training mean and standard deviation: scaling y
    changes nothing, and the message says how far they lie rather than asking for smaller units."""
    rng = np.random.RandomState(0)
    X = rng.randn(60, 4)
    y = X[:, 0]
    messages = []
    for scale in (1.0, 1e-12):
        with pytest.raises(ValueError) as error:
            DenseRegressor(hidden_layer_sizes=(8,), max_iter=2, random_state=0).fit(
                X, y * scale, validation_data=(X[:10], np.r_[y[:9], 1e20] * scale))
        messages.append(str(error.value))
    assert messages[0] == messages[1]  # 1e20 lies 8.9e19 of the training targets' standard deviations away
    assert re.search(r"standardised with the training targets' mean and standard deviation, and the validation "
                     r"targets \(validation_data's, .*\) lie too far from the training targets \(about 8.9e\+19 of "
                     r"their standard deviations\).*Check them for corrupt values", messages[0])
    assert "smaller units" not in messages[0]


@pytest.mark.parametrize("estimator", [DenseRegressor, DenseClassifier])
def test_validation_inputs_beyond_float16_are_named_not_called_a_divergence(estimator, monkeypatch):
    """A validation row whose outputs overflow float16 while every weight, and every training row's output, is
    finite is the validation set's fault (the CPU trains in float16 here as a GPU would)."""
    from sknn._engine import TrainingDiverged

    monkeypatch.setattr("sknn._base.resolve_precision", lambda p, d: torch.float16 if p == "fp16" else None)
    rng = np.random.RandomState(0)
    X, X_val = rng.randn(200, 4), rng.randn(20, 4)
    X_val[3] = 6e4  # within float16's range; the first layer's outputs are not
    y, y_val = (X[:, 0], X_val[:, 0]) if estimator is DenseRegressor else (X[:, 0] > 0, X_val[:, 0] > 0)
    est = estimator(hidden_layer_sizes=(64,), max_iter=4, random_state=0, precision="fp16", preprocessing=None)
    assert est.fit(X, y).net_.amp_dtype == torch.float16  # (float16 training without the outlier is fine)
    with pytest.raises(ValueError, match=r"network's weights, and its outputs on every training row, are finite: "
                                         r"its outputs on the validation inputs \(validation_data's X.*\) are NaN or "
                                         r"infinite \(such as validation row 3\), where float16.*train with "
                                         r"precision='bf16' or '32', or scale the features") as error:
        est.fit(X, y, validation_data=(X_val, y_val))
    assert not isinstance(error.value, TrainingDiverged)


def test_a_ctrl_c_with_early_stopping_keeps_the_best_epoch_and_says_so(monkeypatch):
    from sknn._engine import Engine

    original = Engine._train_step

    def interrupted_in_epoch_6(self, batch, module, optimizer, **kwargs):
        if len(self.history) == 6:
            raise KeyboardInterrupt
        return original(self, batch, module, optimizer, **kwargs)

    monkeypatch.setattr(Engine, "_train_step", interrupted_in_epoch_6)
    rng = np.random.RandomState(0)
    X = rng.randn(120, 4)
    y = (X[:, 0] + rng.randn(120) > 0).astype(int)
    clf = DenseClassifier(hidden_layer_sizes=(32,), max_iter=10, random_state=0, early_stopping=True,
                          learning_rate="constant", learning_rate_init=0.3, callbacks=[_Weights()])
    with pytest.raises(KeyboardInterrupt) as error:
        clf.fit(X, y)
    best = int(np.argmin(clf.history_["valid_loss"])) + 1
    assert clf.n_iter_ == 5 and best < 5  # the model kept is the best epoch's, not the last finished one's
    assert _same(_weights(clf.net_.module_), _find(clf, _Weights).states[best])
    assert str(error.value) == ("Training was interrupted during epoch 6: the model keeps its last finished epoch "
                                "(its best one with early stopping).")


def test_a_ctrl_c_during_word2vec_training_keeps_the_engines_message(monkeypatch):
    import sknn.word2vec as word2vec

    original = word2vec._PairStepEngine._train_step

    def interrupted_in_epoch_3(self, batch, module, optimizer, **kwargs):
        if len(self.history) == 3:
            raise KeyboardInterrupt
        return original(self, batch, module, optimizer, **kwargs)

    monkeypatch.setattr(word2vec._PairStepEngine, "_train_step", interrupted_in_epoch_3)
    sentences = [["a", "b", "c", "d"], ["b", "c", "a"], ["d", "a", "b"]] * 10
    w2v = word2vec.Word2VecTransformer(vector_size=4, min_count=1, epochs=6, sample=0, random_state=0)
    with pytest.raises(KeyboardInterrupt, match=r"^Training was interrupted during epoch 3: the model keeps its last "
                                                r"finished epoch"):
        w2v.fit(sentences)
    assert w2v.n_iter_ == 2 and w2v.transform([["a"]]).shape == (1, 4)


def test_a_ctrl_c_before_any_epoch_finished_leaves_what_was_there(monkeypatch):
    """Was: word vectors left fitted at their random start, 'keeps its last finished epoch' said of none, and a
    continuation interrupted in its first epoch rewrote the best epoch's score (the weights stayed the best's)."""
    from sklearn.exceptions import NotFittedError

    import sknn.word2vec as word2vec
    from sknn._engine import Engine

    def interrupted(original):
        def step(self, batch, module, optimizer, **kwargs):
            if self.interrupt_at == len(self.history):
                raise KeyboardInterrupt
            return original(self, batch, module, optimizer, **kwargs)
        return step

    for engine in (Engine, word2vec._PairStepEngine):
        monkeypatch.setattr(engine, "_train_step", interrupted(engine._train_step))
    monkeypatch.setattr(Engine, "interrupt_at", 1, raising=False)  # the first epoch of a fresh fit
    w2v = word2vec.Word2VecTransformer(vector_size=4, min_count=1, epochs=3, sample=0, random_state=0)
    with pytest.raises(KeyboardInterrupt, match=r"during epoch 1: no epoch had finished, so nothing is kept"):
        w2v.fit([["a", "b", "c"], ["b", "c", "a"]] * 10)
    with pytest.raises(NotFittedError):
        w2v.transform([["a"]])
    rng = np.random.RandomState(0)
    X = rng.randn(120, 4)
    y = X[:, 0] + rng.randn(120)
    monkeypatch.setattr(Engine, "interrupt_at", None, raising=False)
    reg = DenseRegressor(hidden_layer_sizes=(32,), max_iter=8, random_state=0, early_stopping=True,
                         learning_rate="constant", learning_rate_init=0.3).fit(X, y)
    best, scores = reg.best_validation_score_, reg.validation_scores_
    assert best != scores[-1] and reg.best_loss_ is None  # (a best epoch before the last: kept)
    monkeypatch.setattr(Engine, "interrupt_at", reg.n_iter_ + 1, raising=False)  # the continuation's first epoch
    for again in (lambda: reg.partial_fit(X, y), lambda: reg.set_params(warm_start=True).fit(X, y)):
        with pytest.raises(KeyboardInterrupt, match="the model keeps its last finished epoch"):
            again()
        assert (reg.best_validation_score_, reg.validation_scores_, reg.best_loss_) == (best, scores, None)


# -- the validation set in scikit-learn's form: X_val, y_val, sample_weight_val (a Pipeline transforms X_val) ------
def test_a_pipeline_transforms_x_val_for_the_network_as_it_transforms_x():
    import sklearn
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer

    rng = np.random.RandomState(0)
    X, X_val = rng.lognormal(size=(200, 3)), rng.lognormal(size=(80, 3))
    y, y_val = (np.log(X[:, 0]) > 0).astype(int), (np.log(X_val[:, 0]) > 0).astype(int)
    kw = dict(SMALL, max_iter=3, preprocessing=None)
    with sklearn.config_context(enable_metadata_routing=True):
        net = DenseClassifier(**kw).set_fit_request(X_val=True, y_val=True, sample_weight=False)
        pipe = Pipeline([("log", FunctionTransformer(np.log)), ("net", net)], transform_input=["X_val"])
        pipe.fit(X, y, X_val=X_val, y_val=y_val)
    logged = DenseClassifier(**kw).fit(np.log(X), y, validation_data=(np.log(X_val), y_val))
    raw = DenseClassifier(**kw).fit(np.log(X), y, validation_data=(X_val, y_val))  # (validation_data's way)
    assert pipe[-1].validation_scores_ == logged.validation_scores_ != raw.validation_scores_
    weighted = DenseClassifier(**kw).fit(np.log(X), y, X_val=np.log(X_val), y_val=y_val,
                                         sample_weight_val=np.r_[np.ones(40), np.zeros(40)])
    assert weighted.validation_scores_ == DenseClassifier(**kw).fit(
        np.log(X), y, validation_data=(np.log(X_val[:40]), y_val[:40])).validation_scores_


@pytest.mark.parametrize("given, match", [
    (dict(validation_data=(X_CLF[:20], Y_CLF[:20]), X_val=X_CLF[:20], y_val=Y_CLF[:20]),
     r"^validation_data and X_val, y_val are given together: pass the validation set once"),
    (dict(y_val=Y_CLF[:20]), r"^y_val is given without X_val: pass the validation inputs as X_val too\.$"),
    (dict(X_val=X_CLF[:20]), r"^X_val is given without y_val: pass the validation targets as y_val too\.$")])
def test_a_validation_set_given_twice_or_in_half_is_refused_by_name(given, match):
    with pytest.raises(ValueError, match=match):
        DenseClassifier(**SMALL, max_iter=1).fit(X_CLF, Y_CLF, **given)


def test_sequence_models_take_x_val_as_their_validation_data():
    from sknn import LSTMLanguageModel, LSTMSequenceTagger

    sentences, tags = [["a", "b", "c"], ["b", "c", "a", "a"]] * 6, [[0, 1, 2], [1, 2, 0, 0]] * 6
    kw = dict(hidden_size=4, embedding_dim=4, max_iter=2, device="cpu", random_state=0)
    tagger = LSTMSequenceTagger(**kw).fit(sentences, tags, X_val=sentences[:4], y_val=tags[:4])
    assert tagger.validation_scores_ == LSTMSequenceTagger(**kw).fit(
        sentences, tags, validation_data=(sentences[:4], tags[:4])).validation_scores_
    lm = LSTMLanguageModel(**kw).fit(sentences, X_val=sentences[:4])  # (no targets: y_val is not asked for)
    losses = lm.history_["valid_loss"].tolist()
    assert len(losses) == 2 and losses == LSTMLanguageModel(**kw).fit(
        sentences, validation_data=(sentences[:4], None)).history_["valid_loss"].tolist()


def test_loss_is_the_last_epoch_s_as_in_mlpclassifier_and_survives_save_and_load(tmp_path):
    import sknn

    clf = DenseClassifier(**SMALL, max_iter=3).fit(X_CLF, Y_CLF)
    assert clf.loss_ == clf.loss_curve_[-1] == clf.history_["train_loss"].iloc[-1]
    clf.partial_fit(X_CLF, Y_CLF)
    assert clf.loss_ == clf.loss_curve_[-1] and len(clf.loss_curve_) == 4
    clf.save(tmp_path / "m.safetensors")
    assert sknn.load(tmp_path / "m.safetensors").loss_ == clf.loss_


class _StopOnce(Callback):
    """Raises KeyboardInterrupt at the next batch's end once armed (Ctrl-C inside a partial_fit)."""
    armed = False

    def on_batch_end(self, net, **kwargs):
        if self.armed:
            self.armed = False
            raise KeyboardInterrupt


def test_a_partial_fit_interrupted_or_failed_before_an_epoch_leaves_the_targets_statistics_it_found():
    """The target's mean, scale, range and running totals (a regressor) and the class totals (a classifier) took the
    chunk in before it trained; Ctrl-C left them so (and a failure left the classifier's totals), so a retry of the
    chunk counted its rows twice: predictions 1.5 off, class priors 0.13 / 0.87 for 0.2 / 0.8."""
    rng = np.random.RandomState(0)
    X, X2 = rng.randn(60, 3), rng.randn(60, 3)
    y, y2 = X[:, 0] * 10 + 100, X2[:, 0] * 10 + 300
    kw = dict(hidden_layer_sizes=(8,), max_iter=1, random_state=0, batch_size=20, learning_rate="constant")
    for model, first, second, extra in ((DenseRegressor, y, y2, {}),
                                        (DenseClassifier, (X[:, 0] > 0).astype(int), np.ones(60, int),
                                         {"classes": [0, 1]})):
        options = dict(kw, label_smoothing=0.1) if model is DenseClassifier else kw
        straight = model(**options).partial_fit(X, first, **extra).partial_fit(X2, second)
        stop = _StopOnce()
        retried = model(**options, callbacks=[stop]).partial_fit(X, first, **extra)
        stop.armed = True
        with pytest.raises(KeyboardInterrupt):
            retried.partial_fit(X2, second)
        retried.partial_fit(X2, second)
        np.testing.assert_array_equal(retried.predict(X2), straight.predict(X2))
    assert retried.class_prior_.tolist() == straight.class_prior_.tolist() == [0.2, 0.8]
    # a warm start's fit rewrites the final layer for its own rows' statistics before it trains: interrupted,
    # it kept the rewritten layer read with the old statistics (predictions 30 off)
    straight = DenseRegressor(**kw).fit(X, y).set_params(warm_start=True).fit(X2, y2)
    stop = _StopOnce()
    warm = DenseRegressor(**kw, callbacks=[stop]).fit(X, y).set_params(warm_start=True)
    before = warm.predict(X2)
    stop.armed = True
    with pytest.raises(KeyboardInterrupt):
        warm.fit(X2, y2)
    np.testing.assert_array_equal(warm.predict(X2), before)
    np.testing.assert_array_equal(warm.fit(X2, y2).predict(X2), straight.predict(X2))
    assert not hasattr(warm, "_layers_before_call")
    diverging = DenseClassifier(**dict(kw, optimizer="sgd", parametrization="standard")).partial_fit(
        X, (X[:, 0] > 0).astype(int), classes=[0, 1])
    totals = diverging._class_totals.copy()
    with pytest.raises(Exception):
        diverging.set_params(learning_rate_init=1e30).partial_fit(X2, np.ones(60, int))
    np.testing.assert_array_equal(diverging._class_totals, totals)


class _FailIn(Callback):
    """Raises ``error`` after the ``batch``-th training step of the ``epoch``-th epoch (1-based, over the whole
    history)."""

    def __init__(self, epoch, batch=1, error=RuntimeError):
        self.epoch, self.batch, self.error = epoch, batch, error

    def on_epoch_begin(self, net, **kwargs):
        self.steps_ = 0

    def on_batch_end(self, net, training=False, **kwargs):
        self.steps_ += training
        if training and len(net.history) == self.epoch and self.steps_ == self.batch:
            raise self.error("raised inside an epoch")


class _Rates(Callback):
    def on_train_begin(self, net, **kwargs):
        self.seen = []

    def on_batch_end(self, net, training=False, **kwargs):
        self.seen += [m.p for m in net.module_.modules() if isinstance(m, torch.nn.Dropout)]


def test_a_fit_that_fails_inside_an_epoch_puts_the_scheduled_dropout_back():
    """The dropout schedule lowers each layer's rate during an epoch and put it back only at the end of training: a
    fit that failed inside an epoch left the lowered rate as the base of every later fit, without a word."""
    X, y = np.random.RandomState(0).randn(64, 3), np.arange(64) % 2
    clf = DenseClassifier(hidden_layer_sizes=(8,), dropout=0.5, max_iter=2, batch_size=16, random_state=0,
                          early_stopping=False, warm_start=True).fit(X, y)
    rates = lambda: [m.p for m in clf.net_.module_.modules() if isinstance(m, torch.nn.Dropout)]  # noqa: E731
    assert rates() == [0.5]
    failing = _FailIn(epoch=4, batch=4)  # the epoch's last step: the schedule's rate is lowered by then
    clf.set_params(callbacks=[failing, _Rates()])
    with pytest.raises(RuntimeError, match="raised inside an epoch"):
        clf.fit(X, y)
    assert min(clf.net_.callbacks_[-1][1].seen) < 0.5  # (the schedule had lowered it)
    assert clf.n_iter_ == 3 and rates() == [0.5]  # the last finished epoch kept, and the network's own rate


def test_a_ctrl_c_in_the_first_epoch_with_skorch_s_best_model_callbacks_is_a_keyboard_interrupt():
    """skorch's EarlyStopping(load_best=True) read an empty history in on_train_end: an IndexError instead of the
    Ctrl-C."""
    X, y = np.random.RandomState(0).randn(32, 3), np.arange(32) % 2
    ended = _Ended()
    clf = DenseClassifier(hidden_layer_sizes=(4,), max_iter=3, early_stopping=False, random_state=0,
                          callbacks=[EarlyStopping(load_best=True), ended, _FailIn(epoch=1, error=KeyboardInterrupt)])
    with pytest.raises(KeyboardInterrupt, match=r"during epoch 1: no epoch had finished"):
        clf.fit(X, y)
    assert not hasattr(clf, "net_") or not len(clf.net_.history)
    assert ended.calls == 1  # every other callback ends its training (a logger closes its run), as skorch's nets do


class _Ended(Callback):
    calls = 0

    def on_train_end(self, net, **kwargs):
        self.calls += 1


def test_a_scoring_callback_naming_no_scorer_is_refused_before_training():
    """sklearn's error came after the first epoch, naming no callback."""
    clf = DenseClassifier(**SMALL, callbacks=[EpochScoring("not_a_scorer", name="mine"), _FailIn(epoch=1)])
    with pytest.raises(ValueError, match=r"callbacks: .*\(EpochScoring\) scores with 'not_a_scorer', which names no "
                                         r"scikit-learn scorer.*get_scorer_names"):
        clf.fit(X_CLF, Y_CLF)  # (_FailIn: an epoch begun would raise its RuntimeError instead)


@pytest.mark.parametrize("key", ["valid_loss", "train_loss", "epoch"])
def test_a_scoring_callback_named_as_a_key_the_fit_records_is_refused_before_training(key):
    """Its scores replaced the fit's own: an AUC read as the validation loss kept the worst epoch; loss_curve_ and
    the epochs' numbers held AUCs."""
    scorer = EpochScoring("roc_auc", name=key, lower_is_better=False)
    clf = DenseClassifier(**SMALL, early_stopping=True, callbacks=[scorer, _FailIn(epoch=1)])
    with pytest.raises(ValueError, match=rf"\(EpochScoring\) records its scores as '{key}', a key the fit records "
                                         r"itself .*give it a name of its own"):
        clf.fit(X_CLF, Y_CLF)


@pytest.mark.parametrize("kind", ["EpochScoring", "BatchScoring"])
def test_a_scoring_callback_without_a_scorer_is_refused_before_training(kind):
    """scoring=None asks the engine for a score method of its own: sklearn's TypeError came after the first epoch."""
    import skorch.callbacks

    clf = DenseClassifier(**SMALL, callbacks=[getattr(skorch.callbacks, kind)(None), _FailIn(epoch=1)])
    with pytest.raises(ValueError, match=rf"\({kind}\) has scoring=None.*pass a scorer name such as 'accuracy'"):
        clf.fit(X_CLF, Y_CLF)


def test_best_epoch_selection_never_keeps_the_untrained_network():
    """Epochs of one batch on a schedule that starts at 0: epoch 1 trained at a rate of 0, and where its validation
    loss was the lowest the fit gave back the untrained network (two targets, the same probabilities)."""
    from sklearn.datasets import make_multilabel_classification

    X, Y = make_multilabel_classification(40, 5, n_classes=3, random_state=0)
    fits = [DenseClassifier(hidden_layer_sizes=(4,), max_iter=50, random_state=0).fit(X, Y[:, j]) for j in range(2)]
    for clf in fits:
        assert clf.history_["event_lr"].iloc[0] == 0  # (the case: epoch 1 trained nothing)
        assert dict(clf.net_.callbacks_)["stopping"].best_epoch_ > 1
    assert not np.allclose(fits[0].predict_proba(X), fits[1].predict_proba(X))


def test_a_warm_start_s_first_epoch_at_a_rate_of_0_keeps_the_trained_weights_as_a_candidate():
    """Its weights are the first fit's, trained: skipped as 'untrained', a warm refit kept later epochs worse than the
    model it started from (3 seeds of 6)."""
    from sklearn.datasets import make_classification

    for seed in range(3):
        X, y = make_classification(120, 6, random_state=seed)
        clf = DenseClassifier(max_iter=20, random_state=seed, warm_start=True, n_iter_no_change=4).fit(X, y)
        first = clf.n_iter_
        clf.fit(X, y)
        losses = dict(zip(clf.history_["epoch"], clf.history_["valid_loss"]))
        kept = dict(clf.net_.callbacks_)["stopping"].best_epoch_
        assert losses[kept] <= losses[first + 1]  # (the warm start's first epoch: the first fit's weights)


def test_a_ctrl_c_as_training_ends_still_loads_the_best_epoch_its_scores_describe():
    """A KeyboardInterrupt from a callback's on_train_end stopped the chain before sknn's stopping rule (the last):
    the weights were the last epoch's, best_validation_score_ the best one's."""

    class EndWithCtrlC(Callback):
        def on_train_end(self, net, **kwargs):
            raise KeyboardInterrupt

    rng = np.random.RandomState(0)
    X, X_val = rng.randn(200, 4), rng.randn(60, 4)
    clf = DenseClassifier(hidden_layer_sizes=(8,), max_iter=6, random_state=0, learning_rate="constant",
                          learning_rate_init=0.5, callbacks=[EndWithCtrlC()])
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X, X[:, 0] > 0, validation_data=(X_val, X_val[:, 0] > 0))
    assert clf.validation_scores_[-1] < clf.best_validation_score_  # (the case: the last epoch is not the best)
    assert clf.score(X_val, X_val[:, 0] > 0) == pytest.approx(clf.best_validation_score_)


@pytest.mark.parametrize("early_stopping", [False, True])
def test_a_checkpoint_that_loads_its_best_keeps_the_history_of_every_epoch(tmp_path, early_stopping):
    """skorch's Checkpoint(load_best=True) loaded its saved history with its weights as training ended: the history
    ended at its epoch, so n_iter_ and loss_curve_ lost the epochs run since, and sknn's stopping rule scored another
    epoch than the one whose weights it then restored."""
    rng = np.random.RandomState(0)
    X = rng.randn(200, 4)
    y = (X[:, 0] > 0).astype(int)
    Xv, yv = X[:50], y[:50]
    clf = DenseClassifier(hidden_layer_sizes=(8,), batch_size=32, learning_rate="constant", learning_rate_init=0.5,
                          max_iter=6, random_state=0, early_stopping=early_stopping,
                          callbacks=[EpochScoring("accuracy", name="acc", lower_is_better=False),
                                     Checkpoint(dirname=str(tmp_path), monitor="acc_best", load_best=True)])
    clf.fit(X, y, validation_data=(Xv, yv))
    assert clf.n_iter_ == 6 and len(clf.loss_curve_) == 6 and clf.history_["epoch"].tolist() == [1, 2, 3, 4, 5, 6]
    if early_stopping:  # the weights held are those the best validation score was scored on
        assert clf.best_validation_score_ == pytest.approx(clf.score(Xv, yv))


def test_epochs_that_start_at_a_rate_of_0_and_train_nothing_are_no_misses():
    """'cosine_log_cycles' is 0 where 1 + 15t is a power of 2: over epochs of one batch and max_iter=15, epochs 4 and 8
    trained nothing, and counted as misses: n_iter_no_change=1 stopped the fit after one real step, and a warm start
    ended on its first two epochs, at a rate of 0, with every weight as before."""
    rng = np.random.RandomState(0)
    X = rng.randn(150, 4)
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    clf = DenseClassifier(hidden_layer_sizes=(16,), max_iter=15, n_iter_no_change=1, tol=0.0, random_state=0)
    clf.fit(X, y)  # (120 training rows: one batch an epoch)
    rates = clf.history_["event_lr"].tolist()
    assert rates[3] == 0.0 and rates[7] == 0.0  # (the schedule's zeros this test is about)
    assert clf.n_iter_ > 4 and (clf.n_iter_ == 15 or rates[clf.n_iter_ - 1] > 0)
    before = {k: v.clone() for k, v in clf.net_.module_.state_dict().items()}
    clf.set_params(warm_start=True).fit(X, y)
    assert clf.net_.history[-1, "epoch"] > clf.n_iter_ - 15 + 2  # past its first two epochs, at a rate of 0
    assert any(not torch.equal(v, before[k]) for k, v in clf.net_.module_.state_dict().items())
