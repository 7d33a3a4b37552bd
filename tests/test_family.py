"""The family contract (sknn._family): a new family saves, loads and exports without a line in persist or export."""

import sys
import types

import numpy as np
import pandas as pd
import pytest
import torch

import sknn
from sknn import DenseClassifier, persist
from sknn._tabular import TabularPreprocessor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# A whole family, as a module of sknn would hold it: a batch source of its own (whose weights are read-only: given
# when it is built, never assigned afterwards), a network built from the recorded architecture, an ONNX graph.
TOY_FAMILY = '''
from numbers import Integral

import numpy as np
import torch
from sklearn.base import ClassifierMixin
from sklearn.utils._param_validation import Interval
from torch import nn

from sknn._base import BaseNeuralNetwork
from sknn._targets import NeuralClassifierMixin
from sknn.export import OnnxGraph, Probabilities, proba_output


class ToyBatches:
    def __init__(self, X, y=None, sample_weight=None):
        self.X, self.y, self._weights = X, y, sample_weight

    @property
    def sample_weight(self):
        return self._weights

    def __len__(self):
        return len(self.X)

    def subset(self, indices):
        take = lambda a: None if a is None else a[torch.as_tensor(np.asarray(indices))]
        return ToyBatches(take(self.X), take(self.y), take(self._weights))

    def batches(self, batch_size, shuffle=False, generator=None, device="cpu"):
        order = torch.randperm(len(self), generator=generator) if shuffle else torch.arange(len(self))
        for start in range(0, len(self), batch_size):
            rows = order[start:start + batch_size]
            yield tuple(None if a is None else a[rows].to(device) for a in (self.X, self.y, self._weights))


class ToyClassifier(NeuralClassifierMixin, ClassifierMixin, BaseNeuralNetwork):
    _parameter_constraints = {**BaseNeuralNetwork._parameter_constraints,
                              "width": [Interval(Integral, 1, None, closed="left")], "class_weight": [dict, None]}
    _architecture_params = ("width",)

    def __init__(self, width=8, optimizer="adam", learning_rate_init=0.01, learning_rate="constant", momentum=0.9,
                 nesterov=True, alpha=0.0, l1=0.0, batch_size=16, max_iter=3, shuffle=True, early_stopping=False,
                 validation_fraction=0.1, n_iter_no_change=None, tol=1e-4, class_weight=None, warm_start=False,
                 random_state=None, device="cpu", precision="32", verbose=0, callbacks=None):
        self.width, self.optimizer, self.learning_rate_init = width, optimizer, learning_rate_init
        self.learning_rate, self.momentum, self.nesterov = learning_rate, momentum, nesterov
        self.alpha, self.l1, self.batch_size, self.max_iter = alpha, l1, batch_size, max_iter
        self.shuffle, self.early_stopping = shuffle, early_stopping
        self.validation_fraction, self.n_iter_no_change, self.tol = validation_fraction, n_iter_no_change, tol
        self.class_weight, self.warm_start, self.random_state = class_weight, warm_start, random_state
        self.device, self.precision, self.verbose, self.callbacks = device, precision, verbose, callbacks

    def _source(self, X, y=None, sample_weight=None):
        return ToyBatches(self._as_tensor(X), y, sample_weight)

    def _build_module(self):
        width = self.architecture_["width"]
        return nn.Sequential(nn.Linear(self.n_features_in_, width), nn.ReLU(), nn.Linear(width, self._n_outputs()))

    def _onnx_graph(self, network):
        n = self.n_features_in_
        inputs = [{"name": "X", "dtype": "float32", "shape": ["batch", n], "description": "rows"}]
        return OnnxGraph(Probabilities(network), (torch.zeros(3, n),), inputs, ({0: torch.export.Dim("batch")},),
                         proba_output(["batch", len(self.classes_)]), {"steps_in_graph": ["the network", "softmax"]})

    def _onnx_feed(self, X):
        return {"X": self._check_X(X, reset=False)}
'''


@pytest.fixture
def toy_family(monkeypatch):
    """The toy family's module, defined as sknn's own ``sknn._toy_family`` (and forgotten afterwards)."""
    module = types.ModuleType("sknn._toy_family")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    exec(compile(TOY_FAMILY, "<the toy family>", "exec"), module.__dict__)
    yield module
    persist._LOADABLE.pop("ToyClassifier", None)


def test_a_new_family_saves_loads_and_exports(toy_family, tmp_path):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 4))
    y = np.where(X[:, 0] > 0, "yes", "no")
    weights = np.r_[np.zeros(10), np.ones(70)]  # zero-weight rows are left out through the source's subset
    clf = toy_family.ToyClassifier(random_state=0).fit(X, y, sample_weight=weights)
    assert "ToyClassifier" in persist.loadable_classes()
    clf.set_params(width=3)  # saving and exporting follow the recorded architecture
    clf.save(tmp_path / "toy.safetensors")
    loaded = sknn.load(tmp_path / "toy.safetensors")
    assert type(loaded) is toy_family.ToyClassifier and loaded.architecture_ == {"width": 8}
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    assert loaded.set_params(width=8).partial_fit(X, y).n_iter_ == 4  # training continues from the saved state
    ort = pytest.importorskip("onnxruntime", reason='pip install "sknn[onnx]"')
    pytest.importorskip("onnxscript", reason='pip install "sknn[onnx]"')
    from sknn.export import onnx_inputs, to_onnx

    session = ort.InferenceSession(to_onnx(clf, tmp_path / "toy.onnx"), providers=["CPUExecutionProvider"])
    (proba,) = session.run(["probabilities"], onnx_inputs(clf, X))
    np.testing.assert_allclose(proba, clf.predict_proba(X), atol=1e-5)


def test_only_sknn_public_concrete_classes_are_loadable(tmp_path):
    loadable = persist.loadable_classes()
    assert {"DenseClassifier", "ConvImageClassifier", "LSTMSequenceTagger", "LSTMLanguageModel", "VGGFeatureExtractor",
            "TransferVGGClassifier", "Word2VecTransformer", "TabularPreprocessor"} <= set(loadable)
    assert not {"BaseNeuralNetwork", "FamilyEstimator", "SequenceModel", "SaveMixin"} & set(loadable)  # abstract

    class MyClassifier(DenseClassifier):  # defined outside sknn: load never builds it, so save refuses it
        pass

    assert "MyClassifier" not in persist.loadable_classes()
    with pytest.raises(TypeError, match="not a MyClassifier"):
        MyClassifier().save(tmp_path / "m.safetensors")


def test_two_loadable_classes_of_one_name_are_refused(monkeypatch):
    module = types.ModuleType("sknn._another_family")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    with pytest.raises(TypeError, match="Two loadable sknn classes are named DenseClassifier"):
        exec("from sknn.persist import SaveMixin\nclass DenseClassifier(SaveMixin):\n    pass\n", module.__dict__)
    assert persist.loadable_classes()["DenseClassifier"] is DenseClassifier


def test_the_tabular_preprocessor_is_loadable_data(tmp_path):
    frame = pd.DataFrame({"age": [30.0, None, 50.0], "city": ["Oslo", "Lima", None]})
    pre = TabularPreprocessor().fit(frame)
    pre.save(tmp_path / "pre.safetensors")
    loaded = sknn.load(tmp_path / "pre.safetensors")
    np.testing.assert_array_equal(loaded.transform(frame), pre.transform(frame))
    assert loaded.categories_[0].tolist() == ["Lima", "Oslo"]


def test_word2vec_keeps_no_corpus_after_fit():
    import gc
    import weakref

    from sknn import Word2VecTransformer

    class Corpus:  # a re-iterable corpus a weak reference can watch
        def __iter__(self):
            return iter(["a b c", "b c d"] * 5)

    corpus = Corpus()
    watch = weakref.ref(corpus)
    w2v = Word2VecTransformer(vector_size=4, min_count=1, epochs=1, random_state=0).fit(corpus)
    del corpus
    gc.collect()
    assert watch() is None  # read while training, let go at the end: the corpus is no part of the model
    assert torch.is_tensor(w2v.net_.module_.input.weight)