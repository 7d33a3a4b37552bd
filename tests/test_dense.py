"""DenseClassifier and DenseRegressor: the base every estimator shares, seen through the dense networks."""

import copy
import pickle
import re
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import torch
from skorch.callbacks import Callback
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from sknn import DenseClassifier, DenseRegressor
from sknn.dense import forward_numpy

def _find(est, kind):
    """The engine's callback of type ``kind``."""
    return next(cb for _, cb in est.net_.callbacks_ if isinstance(cb, kind))


# The engine's mechanics are tested on the classic multilayer perceptron of MLPClassifier's design (plain Linear
# layers on the features as given, Adam at a constant learning rate, a fixed number of epochs unless told to
# stop early). tests/test_tabular.py tests the default tabular recipe.
CLASSIC = dict(preprocessing=None, numeric_embedding=None, front_scale=False, parametrization="standard",
               learnable_activation=False, activation="relu", dropout=0.0, optimizer="adam", learning_rate="constant",
               regularization_schedule=None, alpha=1e-4, beta_2=0.999, early_stopping=False, n_iter_no_change=10,
               n_jobs=1)
FAST = dict(CLASSIC, hidden_layer_sizes=(32,), max_iter=30, random_state=0, learning_rate_init=0.01)


# -- targets -----------------------------------------------------------------------
@pytest.mark.parametrize("labels", [np.array(["setosa", "versicolor", "virginica"]), np.array([2, 5, 9]),
                                    np.array([True, False])])
def test_labels_of_any_type(iris, labels):
    X, y = iris
    if len(labels) == 2:
        y = y > 0
    y_lab = labels[y.astype(int) if labels.dtype != bool else (~y).astype(int)]
    clf = DenseClassifier(**FAST).fit(X, y_lab)
    assert sorted(clf.classes_.tolist()) == sorted(set(y_lab.tolist()))
    pred = clf.predict(X)
    assert pred.dtype == clf.classes_.dtype
    assert set(pred.tolist()) <= set(y_lab.tolist())
    assert np.mean(pred == y_lab) > 0.9
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), len(clf.classes_))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)
    # columns follow classes_: the arg-max column names the predicted label
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], pred)


def test_single_class_and_continuous_target_are_refused(iris):
    X, _ = iris
    with pytest.raises(ValueError, match="at least 2 different labels.*only one class: 'a'"):
        DenseClassifier().fit(X, np.array(["a"] * len(X)))
    with pytest.raises(ValueError, match="Unknown label type"):
        DenseClassifier().fit(X, np.linspace(0, 1, len(X)))
    # 'yes' and ' yes' (a CSV's stray spaces) would be two classes, each with part of the samples
    with pytest.raises(ValueError, match=r"y holds labels that differ only by surrounding white space: ' yes' and "
                                         r"'yes'.*y.str.strip\(\)"):
        DenseClassifier().fit(X, np.array(["yes", "no", " yes"] * 50))


def test_regressor_keeps_the_shape_of_y(regression):
    X, Y = regression
    reg = DenseRegressor(**FAST).fit(X, Y)
    assert reg.predict(X).shape == Y.shape and reg.n_outputs_ == 2
    assert reg.score(X, Y) > 0.8
    reg1 = DenseRegressor(**FAST).fit(X, Y[:, 0])
    assert reg1.predict(X).shape == (len(X),)
    assert DenseRegressor(**FAST).fit(X, Y[:, :1]).predict(X).shape == (len(X), 1)


def test_a_row_s_prediction_is_the_same_alone_and_in_a_call_of_any_size(regression):
    """A one-output layer computed by a matrix-vector kernel rounds a row differently by the number of rows in the
    call (17, 18, 19, 23, ... rows off from the whole call's in float32's last digits): each row sums on its own."""
    X, Y = regression
    reg = DenseRegressor(**FAST).fit(X, Y[:, 0])
    whole = reg.predict(X)
    assert all(np.array_equal(reg.predict(X[:n]), whole[:n]) for n in range(1, 45))
    order = np.random.default_rng(0).permutation(len(X))
    assert np.array_equal(reg.predict(X[order]), whole[order])


# -- input -------------------------------------------------------------------------
def test_dataframe_lists_float64_int_and_sparse_inputs(iris):
    X, y = iris
    df = pd.DataFrame(X, columns=["sl", "sw", "pl", "pw"])
    clf = DenseClassifier(**FAST).fit(df, y)
    np.testing.assert_array_equal(clf.feature_names_in_, ["sl", "sw", "pl", "pw"])
    ref = clf.predict_proba(df)
    np.testing.assert_allclose(DenseClassifier(**FAST).fit(X.tolist(), y.tolist()).predict_proba(X), ref, rtol=1e-6)
    np.testing.assert_allclose(DenseClassifier(**FAST).fit(X.astype(np.float32), y).predict_proba(X), ref,
                               rtol=1e-6)
    # sparse input trains and predicts like the dense array it stands for
    np.testing.assert_allclose(DenseClassifier(**FAST).fit(sp.csr_matrix(X), y).predict_proba(sp.csr_matrix(X)),
                               ref, rtol=1e-5, atol=1e-6)
    Xi = np.round(X * 10).astype(np.int64)
    assert DenseClassifier(**FAST).fit(Xi, y).score(Xi, y) > 0.85


@pytest.mark.parametrize("bad, message", [
    (lambda X: np.where(np.arange(X.size).reshape(X.shape) == 5, np.nan, X), "Input X contains NaN"),
    (lambda X: np.where(np.arange(X.size).reshape(X.shape) == 5, np.inf, X), "Input X contains infinity"),
    (lambda X: np.full_like(X, 1e300), "too large for dtype\\('float32'\\)"),
    (lambda X: X[:, 0], "Expected a 2-dimensional container|Expected 2D array"),
    (lambda X: X[:0], "0 sample"),
])
def test_bad_training_input_gets_a_clear_error(iris, bad, message):
    X, y = iris
    Xb = bad(X)
    with pytest.raises(ValueError, match=message):
        DenseClassifier(**FAST).fit(Xb, y[:len(Xb)] if len(Xb) else y[:0])


def test_wrong_feature_count_at_predict(iris):
    X, y = iris
    clf = DenseClassifier(**FAST).fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features, but DenseClassifier is expecting 4"):
        clf.predict(X[:, :3])


def test_unknown_and_invalid_parameters(iris):
    X, y = iris
    with pytest.raises(ValueError, match="Invalid parameter 'hiden_layer_sizes'"):
        DenseClassifier().set_params(hiden_layer_sizes=(3,))
    with pytest.raises(InvalidParameterError, match="'activation' parameter of DenseClassifier must be"):
        DenseClassifier(activation="swish").fit(X, y)
    with pytest.raises(ValueError, match="dropout has 1 rates but there are 2 hidden layers"):
        DenseClassifier(hidden_layer_sizes=(4, 4), dropout=[0.1]).fit(X, y)
    with pytest.raises(ValueError, match="CUDA is not available|cuda"):
        if torch.cuda.is_available():
            raise ValueError("cuda present: nothing to check")
        DenseClassifier(device="cuda").fit(X, y)
    with pytest.raises(ValueError, match="not a device torch knows"):
        DenseClassifier(device="gpu0").fit(X, y)


@pytest.mark.parametrize("sizes", [True, (8, True), (np.True_,)])
def test_booleans_are_not_layer_sizes(iris, sizes):
    """True is an int to Python: it reached torch ("empty(): argument 'size' ...")."""
    X, y = iris
    with pytest.raises(InvalidParameterError, match=r"hidden_layer_sizes=.*True.* must be a positive int or a "
                                                    r"sequence of positive ints"):
        DenseClassifier(**dict(FAST, hidden_layer_sizes=sizes, max_iter=1)).fit(X, y)


# -- the engine --------------------------------------------------------------------
def test_random_state_makes_fits_identical(blobs):
    X, y = blobs
    kw = dict(FAST, dropout=0.2, activation="noisy_relu", early_stopping=True)
    a = DenseClassifier(**kw).fit(X, y).predict_proba(X)
    b = DenseClassifier(**kw).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)
    c = DenseClassifier(**dict(kw, random_state=1)).fit(X, y).predict_proba(X)
    assert not np.allclose(a, c)
    # the user's global torch generator is left as it was
    torch.manual_seed(123)
    expected = torch.rand(1)
    torch.manual_seed(123)
    DenseClassifier(**kw).fit(X, y)
    assert torch.rand(1) == expected


def test_history_and_sklearn_attributes(blobs):
    X, y = blobs
    clf = DenseClassifier(**dict(FAST, max_iter=7, n_iter_no_change=None)).fit(X, y)
    assert clf.n_iter_ == 7 and len(clf.loss_curve_) == 7
    assert list(clf.history_["epoch"]) == list(range(1, 8))
    assert {"train_loss", "dur"} <= set(clf.history_.columns)
    assert clf.loss_curve_[-1] < clf.loss_curve_[0]
    assert clf.best_loss_ == min(clf.loss_curve_) and clf.validation_scores_ is None
    es = DenseClassifier(**dict(FAST, early_stopping=True, n_iter_no_change=3)).fit(X, y)
    assert {"valid_loss", "valid_score"} <= set(es.history_.columns)
    assert len(es.validation_scores_) == es.n_iter_
    best = es.history_["valid_loss"].idxmin()  # the restored epoch: lowest validation loss
    assert es.best_validation_score_ == es.validation_scores_[best]


class _Recorder(Callback):
    """Keeps each epoch's validation score and weights (a test helper)."""

    def initialize(self):
        self.scores, self.states = [], []
        return self

    def on_epoch_end(self, net, **kwargs):
        self.scores.append(net.history[-1, "valid_loss"])
        self.states.append(copy.deepcopy(net.module_.state_dict()))


def test_early_stopping_restores_the_best_weights():
    rng = np.random.RandomState(0)
    X = rng.randn(200, 20)
    y = (X[:, 0] + rng.randn(200) > 0).astype(int)  # noisy: a big net overfits
    rec = _Recorder()
    clf = DenseClassifier(hidden_layer_sizes=(256, 256), early_stopping=True, n_iter_no_change=8,
                          learning_rate_init=0.01, max_iter=100, random_state=0, callbacks=[rec]).fit(X, y)
    rec = _find(clf, _Recorder)
    best, threshold = 0, np.inf  # the last epoch that lowered the validation loss by more than tol
    for epoch, loss in enumerate(rec.scores):
        if loss < threshold:
            best, threshold = epoch, loss - clf.tol
    assert clf.n_iter_ < 100 and best < clf.n_iter_ - 1, "the run should stop after overfitting"
    for k, v in clf.net_.module_.state_dict().items():
        torch.testing.assert_close(v, rec.states[best][k])


def test_adaptive_learning_rate_and_optimizers(blobs):
    X, y = blobs
    clf = DenseClassifier(**dict(FAST, learning_rate="adaptive", max_iter=60, n_iter_no_change=None,
                                 learning_rate_init=0.05)).fit(X, y)
    assert clf.net_.optimizer_.param_groups[0]["lr"] < 0.05
    lrs = []
    rec = type("Rec", (Callback,), {"on_epoch_begin": lambda self, net, **kw: lrs.append(
        net.optimizer_.param_groups[0]["lr"])})()
    DenseClassifier(**dict(FAST, learning_rate="cosine", max_iter=10, n_iter_no_change=None,
                           callbacks=[rec])).fit(X, y)
    expected = [0.01 * (1 + np.cos(np.pi * e / 10)) / 2 for e in range(10)]  # half a cosine over max_iter
    np.testing.assert_allclose(lrs, expected, rtol=1e-6)
    for opt in ("sgd", "adam", "adamw", "rmsprop"):
        c = DenseClassifier(**dict(FAST, optimizer=opt, n_iter_no_change=None)).fit(X, y)
        assert c.loss_curve_[-1] < 0.7 * c.loss_curve_[0], opt
    sgd = DenseClassifier(**dict(FAST, optimizer="sgd", momentum=0.9, nesterov=True)).fit(X, y)
    group = sgd.net_.optimizer_.param_groups[0]
    assert group["nesterov"] is True and group["momentum"] == 0.9


def test_l1_and_l2_penalties_shrink_weights(blobs):
    X, y = blobs
    base = DenseClassifier(**dict(FAST, alpha=0.0)).fit(X, y)
    l2 = DenseClassifier(**dict(FAST, alpha=50.0)).fit(X, y)
    l1 = DenseClassifier(**dict(FAST, alpha=0.0, l1=0.5)).fit(X, y)
    norm = lambda c: sum(np.sum(w ** 2) for w in c.coefs_)  # noqa: E731
    assert norm(l2) < 0.5 * norm(base)
    small = lambda c: np.mean(np.abs(c.coefs_[0]) < 1e-2)  # noqa: E731
    assert small(l1) > 2 * small(base)
    # biases are not penalised
    assert l2.net_.optimizer_.param_groups[-1]["weight_decay"] == 0.0 or any(
        g["weight_decay"] == 0.0 for g in l2.net_.optimizer_.param_groups)


def test_warm_start_and_partial_fit(blobs):
    X, y = blobs
    clf = DenseClassifier(**dict(FAST, max_iter=5, n_iter_no_change=None, warm_start=True)).fit(X, y)
    first = clf.loss_curve_[:]
    clf.fit(X, y)
    assert clf.n_iter_ == 10 and clf.loss_curve_[:5] == first
    assert clf.loss_curve_[5] < first[0]
    pf = DenseClassifier(**FAST)
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        pf.partial_fit(X, y)
    labels = np.array(["a", "b", "c", "d"])  # "d" never appears in the first part
    pf.partial_fit(X[:150], labels[y[:150]], classes=labels)
    for _ in range(15):
        pf.partial_fit(X[150:], labels[y[150:]])
    assert pf.n_iter_ == 16 and list(pf.classes_) == list(labels)
    assert pf.score(X, labels[y]) > 0.7
    with pytest.raises(ValueError, match="labels outside the model.s classes"):
        pf.partial_fit(X[:5], np.array(["z"] * 5))


def test_sample_and_class_weights(blobs):
    X, y = blobs
    keep = y != 2
    # a zero weight removes a row
    w = keep.astype(float)
    a = DenseClassifier(**FAST).fit(X, np.where(keep, y, 0), sample_weight=w)
    b = DenseClassifier(**FAST).fit(X[keep], y[keep])
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X), rtol=1e-6)
    # uniform weights change nothing
    np.testing.assert_array_equal(DenseClassifier(**FAST).fit(X, y, sample_weight=np.full(len(y), 3.0))
                                  .predict_proba(X), DenseClassifier(**FAST).fit(X, y).predict_proba(X))
    # an imbalanced problem: 'balanced' raises the recall of the rare class
    rng = np.random.RandomState(0)
    Xi = rng.randn(600, 2)
    yi = (Xi[:, 0] + 0.8 * rng.randn(600) > 1.6).astype(int)
    recall = lambda c: np.mean(c.predict(Xi[yi == 1]) == 1)  # noqa: E731
    plain = DenseClassifier(**FAST).fit(Xi, yi)
    balanced = DenseClassifier(**dict(FAST, class_weight="balanced")).fit(Xi, yi)
    heavy = DenseClassifier(**dict(FAST, class_weight={0: 1.0, 1: 20.0})).fit(Xi, yi)
    assert recall(balanced) > recall(plain) + 0.2 and recall(heavy) > recall(plain) + 0.2
    with pytest.raises(ValueError, match="class_weight names labels that are not in y: 7; y's classes are 0, 1"):
        DenseClassifier(**dict(FAST, class_weight={7: 2.0})).fit(Xi, yi)
    with pytest.raises(ValueError, match="not in y: '7'; y's classes are 0, 1"):  # a string is not the number
        DenseClassifier(**dict(FAST, class_weight={"7": 2.0})).fit(Xi, yi)
    # every class of y weighed, and one that y lacks (a fold without a rare class): as scikit-learn, fitted (it
    # was refused, and cross_val_score scored the fold NaN)
    np.testing.assert_array_equal(DenseClassifier(**dict(FAST, class_weight={0: 1.0, 1: 20.0, 2: 5.0})).fit(
        Xi, yi).predict_proba(Xi), heavy.predict_proba(Xi))
    with pytest.raises(ValueError, match="not supported by partial_fit"):
        DenseClassifier(class_weight="balanced").partial_fit(Xi, yi, classes=[0, 1])


def test_verbose_progress_bar_and_epoch_lines(blobs, capsys):
    X, y = blobs
    DenseClassifier(**dict(FAST, max_iter=3, n_iter_no_change=None, verbose=1, early_stopping=True)).fit(X, y)
    err = capsys.readouterr().err
    assert "3/3" in err and "valid_score" in err
    DenseClassifier(**dict(FAST, max_iter=3, n_iter_no_change=None, verbose=2)).fit(X, y)  # skorch's PrintLog
    header, rule, *rows = capsys.readouterr().out.splitlines()
    assert header.split()[:2] == ["epoch", "train_loss"] and set(rule) <= {"-", " "}
    assert [row.split()[0] for row in rows] == ["1", "2", "3"]
    assert "\x1b[" not in "".join(rows)  # (not a terminal: no colour codes, which a log file would keep as text)
    DenseClassifier(**dict(FAST, max_iter=3)).fit(X, y)
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""


class _CountBatches(Callback):
    def initialize(self):
        self.batches = 0
        return self

    def on_batch_end(self, net, **kwargs):
        self.batches += 1


def test_user_callbacks_see_every_batch(blobs):
    X, y = blobs
    cb = _CountBatches()
    clf = DenseClassifier(**dict(FAST, max_iter=4, n_iter_no_change=None, batch_size=50, callbacks=[cb])).fit(X, y)
    assert _find(clf, _CountBatches).batches == 4 * 6


class _InterruptAt(Callback):
    """Presses Ctrl-C in the middle of an epoch, after keeping the weights of the previous one."""

    def __init__(self, epoch):
        self.epoch = epoch

    def on_epoch_end(self, net, **kwargs):
        self.last_state = copy.deepcopy(net.module_.state_dict())
        self.last_optimizer = copy.deepcopy(net.optimizer_.state_dict())

    def on_batch_end(self, net, **kwargs):
        if len(net.history) == self.epoch and net.history[-1].get("train_loss") is None:
            self.seen = getattr(self, "seen", 0) + 1
            if self.seen == 2:
                raise KeyboardInterrupt


def test_ctrl_c_keeps_the_last_finished_epoch(blobs):
    X, y = blobs
    cb = _InterruptAt(epoch=4)
    clf = DenseClassifier(**dict(FAST, batch_size=32, n_iter_no_change=None, callbacks=[cb]))
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X, y)
    cb = _find(clf, _InterruptAt)
    assert clf.n_iter_ == 3 and len(clf.history_) == 3
    for k, v in clf.net_.module_.state_dict().items():
        torch.testing.assert_close(v, cb.last_state[k])
    # the optimizer's moments and step counts are those of the last finished epoch too
    restored = clf.net_.optimizer_.state_dict()["state"]
    assert restored.keys() == cb.last_optimizer["state"].keys()
    for i, st in cb.last_optimizer["state"].items():
        for key, value in st.items():
            torch.testing.assert_close(restored[i][key], value)
    assert clf.score(X, y) > 0.6  # usable
    clf.set_params(callbacks=None, warm_start=True, max_iter=2).fit(X, y)  # and trainable further
    assert clf.n_iter_ == 5


def test_an_epoch_snapshot_on_disk_restores_every_tensor_exactly():
    """Engine(epoch_snapshot='disk'), as word vectors use it: the weights go to a temporary file, not to a
    second copy in memory; tensors numpy cannot view (bfloat16) stay in memory; restore is exact."""
    from sknn._engine import _EpochSnapshot

    module = torch.nn.Sequential(torch.nn.Linear(5, 4), torch.nn.BatchNorm1d(4))
    module.register_buffer("brain", torch.randn(3).bfloat16())
    optimizer = torch.optim.Adam(module.parameters())
    snapshot = _EpochSnapshot(on_disk=True)
    for _ in range(2):  # the second take rewrites the file
        with torch.no_grad():
            for v in module.state_dict().values():
                v.add_(1)
        expected = copy.deepcopy(module.state_dict())
        snapshot.take(module, optimizer)
        assert list(snapshot.module) == ["brain"]  # weights, running statistics and counts are on disk
        with torch.no_grad():
            for v in module.state_dict().values():
                v.mul_(-3).add_(7)
        snapshot.restore(module, optimizer)
        for k, v in module.state_dict().items():
            assert torch.equal(v, expected[k]), k
    file = snapshot.file
    snapshot.close()  # an anonymous file: closing it deletes it
    assert file.closed and snapshot.file is None


def test_diverging_training_gets_a_clear_error(blobs):
    X, y = blobs
    with pytest.raises(ValueError, match="diverged"):
        DenseClassifier(**dict(CLASSIC, optimizer="sgd", learning_rate_init=1e6, max_iter=20, random_state=0)).fit(
            X * 1e3, y)


def test_a_network_whose_outputs_are_nan_refuses_to_predict(blobs):
    """Weights that overflow float32 made every prediction class 0 (the arg-max of NaN) without a word."""
    X, y = blobs
    clf = DenseClassifier(**dict(FAST, max_iter=1)).fit(X, y)
    with torch.no_grad():
        for weights in clf.net_.module_.parameters():
            weights.fill_(float("inf"))
    for predict in (clf.predict, clf.predict_proba):
        with pytest.raises(ValueError, match=r"The network's outputs are NaN or infinite for \d+ of its \d+ output "
                                             "rows .*smaller learning_rate_init"):
            predict(X)


# -- persistence -------------------------------------------------------------------
def test_pickle_and_joblib_round_trips(blobs, tmp_path):
    X, y = blobs
    clf = DenseClassifier(**dict(FAST, batch_norm=True, dropout=0.1)).fit(X, y)
    ref = clf.predict_proba(X)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(clf)).predict_proba(X), ref)
    joblib.dump(clf, tmp_path / "m.joblib")
    np.testing.assert_array_equal(joblib.load(tmp_path / "m.joblib").predict_proba(X), ref)


def test_a_pickled_model_holds_its_network_once_and_trains_on_as_before(blobs):
    """skorch pickles module_ apart from the rest: the network stood twice in a pickle and in memory after loading,
    and the list of weight matrices the L1 penalty read (pickled with the rest) held copies, so a partial_fit after
    unpickling trained without the penalty."""
    X, y = blobs
    clf = DenseClassifier(**dict(FAST, hidden_layer_sizes=(256, 256), l1=0.05, early_stopping=False, max_iter=3))
    clf.fit(X, y)
    weights = sum(p.numel() * p.element_size() for p in clf.net_.module_.parameters())
    blob = pickle.dumps(clf)
    assert len(blob) < 3.6 * weights  # the weights, Adam's two moments, and little else
    loaded = pickle.loads(blob)
    assert loaded.net_.module is loaded.net_.module_
    for model in (clf, loaded):
        model.partial_fit(X, y)
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))


def test_a_model_saved_on_a_gpu_loads_on_a_cpu_only_machine(blobs, monkeypatch):
    X, y = blobs
    clf = DenseClassifier(**FAST).fit(X, y)
    ref = clf.predict_proba(X)
    clf.net_.device, clf.device_ = "cuda", torch.device("cuda")  # as if it had been fitted on a GPU
    blob = pickle.dumps(clf)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loaded = pickle.loads(blob)
    assert loaded.device_ == torch.device("cpu")
    np.testing.assert_array_equal(loaded.predict_proba(X), ref)


# -- export ------------------------------------------------------------------------
@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "leaky_relu", "noisy_relu", "elu", "gelu",
                                        "identity"])
def test_export_runs_in_numpy_and_rebuilds(blobs, activation):
    X, y = blobs
    clf = DenseClassifier(**dict(FAST, hidden_layer_sizes=(16, 8), activation=activation, batch_norm=True,
                                 dropout=0.1)).fit(X, y)
    assert [w.shape for w in clf.coefs_] == [(8, 16), (16, 8), (8, 3)]
    assert [b.shape for b in clf.intercepts_] == [(16,), (8,), (3,)]
    network = clf.export_network()
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(forward_numpy(network, X), proba, atol=1e-5)
    rebuilt = DenseClassifier.from_network(pickle.loads(pickle.dumps(network)))
    np.testing.assert_allclose(rebuilt.predict_proba(X), proba, atol=1e-6)
    np.testing.assert_array_equal(rebuilt.predict(X), clf.predict(X))


def test_export_of_a_regressor(regression):
    X, Y = regression
    reg = DenseRegressor(**FAST).fit(X, Y)
    network = reg.export_network()
    np.testing.assert_allclose(forward_numpy(network, X), reg.predict(X), atol=1e-5)
    np.testing.assert_allclose(DenseRegressor.from_network(network).predict(X), reg.predict(X), atol=1e-6)
    with pytest.raises(ValueError, match="Not an exported sknn dense network"):
        DenseRegressor.from_network({"layers": []})


# -- in scikit-learn's workflow ------------------------------------------------------
def test_grid_search_over_a_pipeline_with_dataframe_and_string_labels(iris):
    X, y = iris
    df = pd.DataFrame(X, columns=list("abcd"))
    y_str = np.array(["setosa", "versicolor", "virginica"])[y]
    pipe = make_pipeline(StandardScaler(), DenseClassifier(
        hidden_layer_sizes=(16,), activation="tanh", dropout=0.5, batch_norm=True, optimizer="sgd",
        momentum=0.9, nesterov=True, early_stopping=True, max_iter=40, learning_rate_init=0.05, random_state=0))
    threads = lambda est, X_, y_: float(torch.get_num_threads())  # noqa: E731
    search = GridSearchCV(pipe, {"denseclassifier__hidden_layer_sizes": [(8,), (16, 8)],
                                 "denseclassifier__alpha": [1e-4, 1e-2]}, n_jobs=2, cv=3,
                          scoring={"accuracy": "accuracy", "threads": threads}, refit="accuracy")
    search.fit(df, y_str)
    assert search.best_score_ > 0.8
    assert set(search.predict(df)) <= set(y_str)
    # each of the two workers trains on one thread: no oversubscription of the 2 cores
    assert set(search.cv_results_["mean_test_threads"]) == {1.0}
    assert cross_val_score(clone(pipe), df, y_str, cv=3).mean() > 0.8


def test_plot_history_reads_a_fitted_search_s_best_estimator(iris):
    """history() refused a GridSearchCV ("needs a fitted sknn estimator"); one without best_estimator_ is named."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from sknn import plot

    X, y = iris
    search = GridSearchCV(DenseClassifier(**dict(FAST, max_iter=3)), {"alpha": [1e-4]}, cv=2)
    with pytest.raises(ValueError, match="best_estimator_ of a search, which this GridSearchCV has not"):
        plot.history(search)
    search.fit(X, y)
    assert len(plot.history(search).get_lines()) == 1  # the training loss of best_estimator_
    with pytest.raises(ValueError, match="best_estimator_ of a search.*refit=True"):
        plot.history(clone(search).set_params(refit=False).fit(X, y))
    matplotlib.pyplot.close("all")


def test_plot_history_draws_a_word2vec_transformer_s_loss_curve():
    """A Word2VecTransformer keeps its loss by epoch as loss_curve_ (no history_): it was refused as not fitted."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from sknn import Word2VecTransformer, plot

    w2v = Word2VecTransformer(vector_size=4, min_count=1, epochs=3, random_state=0).fit(["a b c d", "b c d a"] * 5)
    (line,) = plot.history(w2v).get_lines()
    np.testing.assert_allclose(line.get_ydata(), w2v.loss_curve_)
    np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3])
    matplotlib.pyplot.close("all")


def test_batch_norm_with_a_lone_last_row_and_tiny_data(blobs):
    X, y = blobs
    # 201 rows in batches of 50: the lone last row joins the batch before it
    clf = DenseClassifier(**dict(FAST, batch_norm=True, batch_size=50, max_iter=3)).fit(X[:201], y[:201])
    assert clf.n_iter_ == 3
    with pytest.raises(ValueError, match="Batch normalisation needs batches of at least 2 rows"):
        DenseRegressor(**dict(CLASSIC, batch_norm=True)).fit(X[:1], y[:1].astype(float))
    with pytest.raises(ValueError, match="batch_size=1"):
        DenseClassifier(batch_norm=True, batch_size=1, max_iter=1).fit(X, y)


def test_a_failed_refit_leaves_an_unfitted_estimator(blobs):
    X, y = blobs
    clf = DenseClassifier(**FAST).fit(X[:, :4], y)
    with pytest.raises(ValueError, match="dropout has 2 rates"):
        clf.set_params(dropout=[0.1, 0.2]).fit(X, y)
    assert clf.n_features_in_ == 4 and clf.predict(X[:, :4]).shape == (len(X),)  # checked before any change
    with pytest.raises(ValueError, match="Input X contains NaN"):
        clf.set_params(dropout=0.0).fit(np.full_like(X, np.nan), y)
    assert not hasattr(clf, "net_") and not hasattr(clf, "n_features_in_")


def test_partial_fit_follows_each_call(blobs):
    X, y = blobs
    clf = DenseClassifier(**dict(FAST, alpha=1e-3))
    clf.partial_fit(X[:5], y[:5], classes=[0, 1, 2])
    assert clf.net_.batch_size == 5
    clf.partial_fit(X, y)
    assert clf.net_.batch_size == 256
    decays = {g["weight_decay"] for g in clf.net_.optimizer_.param_groups}
    assert decays == {0.0, 1e-3 / 256}
    with pytest.raises(ValueError, match="not the same as on the first call"):
        clf.partial_fit(X, y, classes=[0, 1, 2, 3])
    # a first call whose classes miss some of y's labels is named as such (it blamed the data: 'one class')
    for classes, match in (([0], r"y holds labels not in classes: \[1, 2\]; classes=\[0\] must hold every label"),
                           ([0, 5], r"y holds labels not in classes: \[1, 2\]"),
                           ("ab", r"classes='ab' is not a list of labels"), (3, r"classes=3 is not a list")):
        with pytest.raises(ValueError, match=match):
            DenseClassifier(**FAST).partial_fit(X, y, classes=classes)
    # weights keep their meaning from one call to the next: chunks of one class each
    Xa, ya = X[y == 0], y[y == 0]
    Xb, yb = X[y == 1], y[y == 1]

    def run(**kw):
        c = DenseClassifier(**FAST)
        for _ in range(5):
            c.partial_fit(Xa, ya, classes=[0, 1], sample_weight=np.full(len(ya), kw.get("wa", 1.0)))
            c.partial_fit(Xb, yb, sample_weight=np.full(len(yb), kw.get("wb", 1.0)))
        return c.predict_proba(X[y < 2])[:, 0].mean()

    assert run(wa=20.0) > run() + 0.05


@pytest.mark.parametrize("learning_rate", ["constant", "adaptive"])
def test_partial_fit_after_a_fit_with_early_stopping(blobs, learning_rate):
    # partial_fit sets no validation data aside (as in MLPClassifier): what watched the
    # validation loss in fit watches the training loss from then on
    X, y = blobs
    clf = DenseClassifier(**dict(FAST, early_stopping=True, learning_rate=learning_rate)).fit(X, y)
    n, curve = clf.n_iter_, list(clf.loss_curve_)
    clf.partial_fit(X, y)
    clf.partial_fit(X, y)
    assert clf.n_iter_ == n + 2 and clf.loss_curve_[:n] == curve and len(clf.loss_curve_) == n + 2
    monitors = {getattr(cb, "monitor", None) for _, cb in clf.net_.callbacks_} - {None}
    assert "valid_loss" not in monitors
    assert clf.score(X, y) > 0.9


class _TwoGradListeners(Callback):
    def initialize(self):
        self.count = 0
        return self

    def on_grad_computed(self, net, named_parameters, **kwargs):
        self.count += sum(1 for _ in named_parameters)


def test_standard_skorch_callbacks_work(blobs, tmp_path):
    from skorch.callbacks import Checkpoint, GradientNormClipping, LRScheduler

    X, y = blobs
    a, b = _TwoGradListeners(), _TwoGradListeners()
    ckpt = Checkpoint(monitor="train_loss_best", dirname=str(tmp_path), f_optimizer=None, f_history=None,
                      f_criterion=None)
    clf = DenseClassifier(**dict(FAST, max_iter=3, n_iter_no_change=None, batch_size=100, callbacks=[
        a, b, GradientNormClipping(1.0), ckpt,
        LRScheduler(policy=torch.optim.lr_scheduler.OneCycleLR, max_lr=0.05, total_steps=9,
                    step_every="batch")])).fit(X, y)
    a, b = [cb for _, cb in clf.net_.callbacks_ if isinstance(cb, _TwoGradListeners)]
    assert a.count == b.count == 9 * 4  # every listener sees every parameter of every step
    assert (tmp_path / "params.pt").exists()
    assert clf.history_["train_loss_best"].iloc[0]


def test_n_jobs_minus_one_means_every_core_as_in_scikit_learn():
    clf = DenseClassifier(hidden_layer_sizes=(4,), max_iter=1, n_jobs=-1, early_stopping=False).fit([[0.0], [1.0]],
                                                                                                   [0, 1])
    assert clf._n_threads(2, 2) == joblib.cpu_count()
    with pytest.raises(InvalidParameterError, match="n_jobs"):
        DenseClassifier(n_jobs=0).fit([[0.0], [1.0]], [0, 1])


def test_score_reads_labels_and_weights_by_fit_s_rules_and_r2_at_any_scale():
    from sklearn.metrics import accuracy_score, r2_score

    rng = np.random.RandomState(0)
    X = rng.rand(60, 2)
    labels = np.where(X[:, 0] > 0.5, "1", "2")
    clf = DenseClassifier(hidden_layer_sizes=(8,), max_iter=2, random_state=0).fit(X, labels)
    assert clf.score(X, list(labels)) == accuracy_score(labels, clf.predict(X))
    with pytest.raises(ValueError, match="The labels mix types"):  # ['1', 1]: numpy made both strings
        clf.score(X, ["1", 1] * 30)
    with pytest.raises(ValueError, match="validation_data: The labels mix types"):
        DenseClassifier(hidden_layer_sizes=(8,), max_iter=1).fit(X, labels, validation_data=(X, ["1", 1] * 30))
    with pytest.raises(ValueError, match="Negative values"):  # an 'accuracy' of 1.49 before
        clf.score(X, labels, sample_weight=np.r_[-np.ones(30), 3 * np.ones(30)])
    y = X[:, 0] + 0.1 * rng.rand(60)
    reg = DenseRegressor(hidden_layer_sizes=(8,), max_iter=3, random_state=0)
    plain = reg.fit(X, y).score(X, y, sample_weight=np.arange(60.0))
    assert plain == pytest.approx(r2_score(y, reg.predict(X), sample_weight=np.arange(60.0)))
    with pytest.raises(ValueError, match="Negative values"):
        reg.score(X, y, sample_weight=-np.ones(60))
    for scale in (1e-200, 1e300):  # squares under- and overflowed: R² 1.0 and NaN, for the same fit
        assert reg.fit(X, y * scale).score(X, y * scale) == pytest.approx(reg.fit(X, y).score(X, y), rel=1e-6)
    Y = np.c_[y * 1e5, y * 1e-160]  # each output at its own scale: the same R² as at one scale
    assert reg.fit(X, Y).score(X, Y) == pytest.approx(reg.fit(X, np.c_[y, y]).score(X, np.c_[y, y]), rel=1e-6)


def test_weights_of_any_finite_scale_fit_alike_and_partial_fit_refuses_what_float32_loses():
    rng = np.random.RandomState(0)
    X = rng.randn(80, 3)
    y = (X[:, 0] > 0).astype(int)
    w = rng.randint(1, 4, 80).astype(float)
    small = dict(hidden_layer_sizes=(8,), max_iter=2, random_state=0)
    ref = DenseClassifier(**small).fit(X, y, sample_weight=w, validation_data=(X, y, w))
    huge = DenseClassifier(**small).fit(X, y, sample_weight=w * 1e306, validation_data=(X, y, w * 1e306))
    # the sum of the weights overflowed: every weight became 0 and nothing was learned, silently
    np.testing.assert_allclose(huge.predict_proba(X), ref.predict_proba(X), atol=1e-6)
    np.testing.assert_allclose(huge.history_["valid_loss"], ref.history_["valid_loss"], rtol=1e-5)
    with pytest.raises(ValueError, match="the weights leave 1 of the 80 rows above 0"):  # 'n_samples=1; more data'
        DenseClassifier(**small, early_stopping=True).fit(X, y, sample_weight=np.r_[1.0, np.zeros(79)])
    for scale in (1e-50, 1e300):  # 0 in float32 (no step, silently), or infinity (blamed on the features)
        with pytest.raises(ValueError, match=re.escape(f"holds {scale:.3g}, which float32")):
            DenseClassifier(**small).partial_fit(X, y, classes=[0, 1], sample_weight=np.full(80, scale))


# -- partial_fit follows the target's mean and scale (PopArt) -----------------------------------------------------
def _prices(n=400):
    from sklearn.datasets import make_regression

    X, y = make_regression(n_samples=n, n_features=5, noise=1.0, random_state=0)
    return X, 50_000 + 1_000 * y


class _PredictionsAtEachCall(Callback):
    """The estimator's predictions as each partial_fit call begins to train (its statistics and layers updated)."""

    def __init__(self, X):
        self.X, self.estimator, self.seen = X, None, []

    def on_train_begin(self, net, **kwargs):
        self.seen.append(self.estimator.predict(self.X))


def test_partial_fit_learns_the_target_scale_of_every_call_from_a_first_chunk_of_one_row():
    X, y = _prices()
    scores = {}
    for first in (1, 2):  # (preprocessing=None: X's encoding learned from one row has no spread, a matter of X)
        reg = DenseRegressor(hidden_layer_sizes=(32,), preprocessing=None, random_state=0, n_jobs=1)
        reg.partial_fit(X[:first], y[:first])
        for _ in range(10):
            reg.partial_fit(X, y)
        scores[first] = reg.score(X, y)
        seen = np.r_[y[:first], np.tile(y, 10)]  # every row trained on, each counted once per call
        np.testing.assert_allclose(reg.y_mean_, [seen.mean()], rtol=1e-12)
        np.testing.assert_allclose(reg.y_scale_, [seen.std()], rtol=1e-9)
    assert scores[1] > 0.8 and abs(scores[1] - scores[2]) < 0.1  # the first row's scale of 1 was kept: R² -0.09


def _sequential(n_in, n_out):
    return torch.nn.Sequential(torch.nn.Linear(n_in, 8), torch.nn.ReLU(), torch.nn.Linear(8, n_out))


@pytest.mark.parametrize("params", [dict(preprocessing=None), dict(n_ensemble=2), dict(module=_sequential)],
                         ids=["ntk", "tabular-ensemble", "custom-sequential"])
def test_partial_fit_rewrites_the_final_layer_so_that_predictions_stay_the_same_to_float32_rounding(params):
    X, y = _prices(120)
    Y = np.c_[y, y / 1e4 + 3]  # two outputs, each of its own mean and scale
    recorder = _PredictionsAtEachCall(X)
    reg = DenseRegressor(hidden_layer_sizes=(8,), clip_predictions=False, callbacks=[recorder], random_state=0,
                         n_jobs=1, **params)
    recorder.estimator = reg
    after = []
    for chunk in (slice(0, 3), slice(3, 40), slice(40, 120), slice(0, 120)):  # the statistics move each call
        reg.partial_fit(X[chunk], Y[chunk])
        after.append(reg.predict(X))
        first_scale = reg.y_scale_ if len(after) == 1 else first_scale
    assert np.all(np.abs(np.log(reg.y_scale_ / first_scale)) > 0.1)
    unit = np.abs(Y).max(axis=0)  # (each output compared at its own scale)
    for before, rescaled in zip(after[:-1], recorder.seen[1:]):
        np.testing.assert_allclose(rescaled / unit, before / unit, rtol=1e-5, atol=1e-6)
    # a call refused after the rewrite (a weight float32 cannot hold) leaves statistics and layer as they were
    mean, scale = reg.y_mean_, reg.y_scale_
    with pytest.raises(ValueError, match="which float32"):
        reg.partial_fit(X[:20], Y[:20] * 5, sample_weight=np.full(20, 1e300))
    assert reg.y_mean_ is mean and reg.y_scale_ is scale
    np.testing.assert_allclose(reg.predict(X) / unit, after[-1] / unit, rtol=1e-5, atol=1e-6)


def test_partial_fit_follows_a_target_whose_scale_drifts_and_keeps_a_custom_network_s_statistics():
    X, y = _prices(400)
    y = y - 50_000
    reg = DenseRegressor(hidden_layer_sizes=(32,), preprocessing=None, random_state=0, n_jobs=1)
    for _ in range(5):
        reg.partial_fit(X[:200], y[:200])
    for _ in range(20):  # the second half of the stream at 1000 times the scale: frozen, its R² stayed near 0
        reg.partial_fit(X[200:], 1000 * y[200:])
    assert reg.score(X[200:], 1000 * y[200:]) > 0.8

    class Plain(torch.nn.Module):  # its final layer is no clear rule's to find: the first call's statistics stay
        def __init__(self, n_in, n_out):
            super().__init__()
            self.linear = torch.nn.Linear(n_in, n_out)

        def forward(self, X):
            return self.linear(X)

    custom = DenseRegressor(module=Plain, preprocessing=None, random_state=0).partial_fit(X[:50], y[:50])
    scale = custom.y_scale_.copy()
    custom.partial_fit(X[200:], 1000 * y[200:])
    np.testing.assert_array_equal(custom.y_scale_, scale)


class _SkipSequential(torch.nn.Sequential):
    """A Sequential whose forward adds the first input to its output: a skip connection past the last layer."""

    def forward(self, X):
        return super().forward(X) + X[:, :1]


def _last_layer(kind):
    """A custom module whose last layer is a Linear wrapped by ``kind``."""
    def build(n_in, n_out):
        if kind == "sequential_subclass":
            return _SkipSequential(torch.nn.Linear(n_in, 8), torch.nn.ReLU(), torch.nn.Linear(8, n_out))
        last = torch.nn.Linear(8, n_out)
        with warnings.catch_warnings():  # (the old weight_norm is deprecated)
            warnings.simplefilter("ignore", FutureWarning)
            last = {"plain": lambda m: m, "weight_norm": torch.nn.utils.parametrizations.weight_norm,
                    "spectral_norm": torch.nn.utils.parametrizations.spectral_norm,
                    "old_weight_norm": torch.nn.utils.weight_norm}[kind](last)
        return torch.nn.Sequential(torch.nn.Linear(n_in, 8), torch.nn.ReLU(), last)
    return build


@pytest.mark.parametrize("kind", ["plain", "weight_norm", "spectral_norm", "old_weight_norm", "sequential_subclass"])
def test_partial_fit_rewrites_only_a_final_linear_layer_that_computes_plainly(kind):
    """A parametrised last layer (predictions moved by 15), a Sequential subclass with a skip connection (by 4.6)
    were rewritten as if plain; the old weight_norm's hook made every partial_fit after a predict fail (an inference
    tensor written in place). Their statistics now stay the first call's; a plain Sequential's still follow."""
    rng = np.random.RandomState(0)
    X = rng.randn(60, 3)
    y = 10 + 3 * X[:, 0] + rng.randn(60)
    reg = DenseRegressor(module=_last_layer(kind), max_iter=1, random_state=0, early_stopping=False, optimizer="sgd",
                         learning_rate="constant", learning_rate_init=1e-12, preprocessing=None,
                         numeric_embedding=None, clip_predictions=False, n_jobs=1).partial_fit(X[:30], y[:30])
    before, mean = reg.predict(X), reg.y_mean_.copy()
    reg.partial_fit(X[30:], 2 * y[30:] + 40)  # the statistics move; a rate of 1e-12 changes no weight visibly
    np.testing.assert_allclose(reg.predict(X), before, rtol=1e-6)
    assert (reg.y_mean_ != mean).all() if kind == "plain" else (reg.y_mean_ == mean).all()


def test_the_final_layers_rewritten_are_plain_linear_layers_in_plain_sequentials():
    from sknn._targets import final_affine_layers

    linear = torch.nn.Linear(3, 1)
    assert final_affine_layers(torch.nn.Sequential(torch.nn.Sequential(torch.nn.ReLU(), linear))) == [linear]
    hooked = torch.nn.Sequential(torch.nn.ReLU(), linear)
    handle = hooked.register_forward_hook(lambda module, inputs, output: output * 2)  # on the container
    assert final_affine_layers(hooked) is None and final_affine_layers(torch.nn.Sequential(hooked)) is None
    handle.remove()
    handle = linear.register_forward_pre_hook(lambda module, inputs: None)  # on the layer
    assert final_affine_layers(hooked) is None
    handle.remove()
    assert final_affine_layers(torch.nn.Sequential(torch.nn.ReLU(), torch.nn.Linear(3, 1, bias=False))) is None
    with torch.inference_mode():
        frozen = torch.nn.Linear(3, 1)  # its weights inference tensors, which cannot be written in place
    assert final_affine_layers(frozen) is None and final_affine_layers(linear) == [linear]


def test_sample_weight_with_x_s_labels_in_another_order_is_refused_as_y_is():
    rng = np.random.RandomState(0)
    X = pd.DataFrame(rng.randn(40, 2), columns=["a", "b"], index=1000 + np.arange(40))  # house ids
    y = pd.Series(X["a"].to_numpy() + 0.1 * rng.randn(40), index=X.index)
    w = pd.Series(np.where(y > 0, 0.0, 1.0), index=X.index).sample(frac=1, random_state=0)  # the same ids, shuffled
    match = (r"X and sample_weight have the same index labels in a different order \(row 0 is labelled 1000 in X "
             rf"and {w.index[0]} in sample_weight\), and rows are paired by position: each row may get another row's "
             r"weight; if rows are paired by their labels, align them first \(sample_weight = sample_weight.loc")
    reg = DenseRegressor(hidden_layer_sizes=(4,), max_iter=1, random_state=0)
    with pytest.raises(ValueError, match=match):  # fit paired each row with another row's weight, silently
        reg.fit(X, y, sample_weight=w)
    reg.fit(X, y, sample_weight=w.loc[X.index])
    assert reg.y_range_.max() <= 0  # learned from the rows of weight above 0, by their labels
    with pytest.raises(ValueError, match=match):
        reg.score(X, y, sample_weight=w)
    with pytest.raises(ValueError, match="X_val and sample_weight_val have the same index labels"):
        reg.fit(X, y, validation_data=(X, y, w))
    clf = DenseClassifier(hidden_layer_sizes=(4,), max_iter=1, random_state=0).fit(X, y > 0)
    with pytest.raises(ValueError, match=match):
        clf.score(X, y > 0, sample_weight=w)
    assert 0 <= clf.score(X, y > 0, sample_weight=w.reset_index(drop=True)) <= 1  # one side 0..n-1: by position


def test_y_and_sample_weight_with_labels_in_another_order_are_refused_beside_a_numpy_x():
    """With X a numpy array, y's and the weights' own labels decide alone: paired by position, class 2's rows got
    the weight of other rows, silently."""
    rng = np.random.RandomState(0)
    X = rng.randn(30, 3)
    y = pd.Series([0, 1, 2] * 10, index=rng.permutation(30) + 100)
    w = (y != 2).astype(float).sort_index()  # weight 0 for class 2, by label
    match = r"y and sample_weight have the same index labels in a different order.*another row's weight"
    clf = DenseClassifier(hidden_layer_sizes=(4,), max_iter=1, random_state=0)
    with pytest.raises(ValueError, match=match):
        clf.fit(X, y, sample_weight=w)
    clf.fit(X, y, sample_weight=w.loc[y.index])
    assert clf.class_prior_[2] == 0
    with pytest.raises(ValueError, match=match):
        clf.score(X, y, sample_weight=w)
    for y_val in (y, y.astype("Int64")):  # (nullable labels were made numpy, without their index, before the check)
        with pytest.raises(ValueError, match="y_val and sample_weight_val have the same index labels"):
            clf.fit(X, y, validation_data=(X, y_val, w))


def test_an_index_of_0_to_n_minus_1_in_a_nullable_dtype_is_the_default_one():
    """Int64 row numbers 0..n-1 were taken for labels: a y in another order was refused, not paired by position."""
    y = pd.Series([0, 1] * 4, index=range(7, -1, -1))
    for dtype in ("int64", "Int64", "UInt8"):
        X = pd.DataFrame({"a": np.arange(8.0)}, index=pd.Index(range(8), dtype=dtype))
        DenseClassifier(hidden_layer_sizes=(4,), max_iter=1, random_state=0).fit(X, y)  # by position, as sklearn
    X = pd.DataFrame({"a": np.arange(8.0)}, index=pd.Index([1, 0, 2, 3, 4, 5, 6, 7], dtype="Int64"))  # not 0..n-1
    with pytest.raises(ValueError, match="same index labels in a different order"):
        DenseClassifier(hidden_layer_sizes=(4,), max_iter=1, random_state=0).fit(X, y)


def test_a_warm_start_fit_predicts_in_the_shape_of_its_own_y_and_partial_fit_in_the_first_fit_s():
    """predict gives the shape y had in fit: a warm start's fit with y of (n, 1) after a 1-D one predicted (n,)."""
    X = np.random.default_rng(0).normal(size=(60, 3))
    y = X[:, 0]
    reg = DenseRegressor(hidden_layer_sizes=(4,), max_iter=1, device="cpu", random_state=0, warm_start=True).fit(X, y)
    assert reg.fit(X, y.reshape(-1, 1)).predict(X[:2]).shape == (2, 1)
    assert reg.partial_fit(X, y).predict(X[:2]).shape == (2, 1)  # (partial_fit: the shape of the fit before it)
    assert reg.fit(X, y).predict(X[:2]).shape == (2,)


def test_r2_on_a_validation_set_of_one_row_is_nan_as_scikit_learn_s():
    """One row has no spread to explain: scikit-learn's r2_score is NaN; the validation scores said 0.0 (or 1.0)."""
    X = np.random.default_rng(0).normal(size=(60, 3))
    reg = DenseRegressor(hidden_layer_sizes=(4,), max_iter=2, validation_fraction=0.01, device="cpu",
                         random_state=0).fit(X, X[:, 0])
    assert len(reg.validation_scores_) == 2 and np.isnan(reg.validation_scores_).all()
    assert np.isnan(reg.best_validation_score_) and np.isfinite(reg.loss_)  # (the epoch kept by its loss)


def test_a_wide_table_predicts_in_batches_its_numbers_embeddings_fit_in(monkeypatch):
    """Predictions took rows of at most 2**25 inputs, but a periodic embedding computes about 40 values per number:
    a 5,000 x 5,000 table predicted at a peak of 3.6 GB (the fit's 1.5 GB). Its batches now count those values;
    without the embedding they are as before."""
    from sknn._engine import Engine

    X = np.random.default_rng(0).normal(size=(50, 1000)).astype(np.float32)
    y = np.arange(50) % 2
    sizes, predict_source = [], Engine.predict_source

    def recorded(self, source, batch_size=None, **kwargs):
        sizes.append(batch_size)
        return predict_source(self, source, batch_size=batch_size, **kwargs)

    monkeypatch.setattr(Engine, "predict_source", recorded)
    for embedding in ("periodic", None):
        DenseClassifier(hidden_layer_sizes=(4,), max_iter=1, numeric_embedding=embedding, random_state=0,
                        device="cpu").fit(X, y).predict_proba(X)
    assert sizes == [2 ** 25 // (1000 + 40 * 1000), 4096]  # (the row's numbers and their embeddings)


def test_a_batch_size_larger_than_the_data_is_warned_of_once():
    """The memory check's estimate read the batch size a second time: its warning came twice."""
    X = np.random.default_rng(0).normal(size=(60, 3))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        DenseClassifier(hidden_layer_sizes=(4,), batch_size=1000, max_iter=1, random_state=0).fit(X, X[:, 0] > 0)
    assert [str(w.message)[:40] for w in caught if "larger than" in str(w.message)] == [
        "Got batch_size=1000 larger than the 48 t"]
