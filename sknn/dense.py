"""Dense (fully connected) networks: DenseClassifier and DenseRegressor.

The module is built from ``hidden_layer_sizes`` as a list of layers; the trained
network can be exported to plain numpy (``export_network``), run without torch
(``forward_numpy``) and rebuilt from such an export (``from_network``).
"""

import math
import os
from numbers import Integral, Real

import numpy as np
import pandas as pd
import torch
from scipy.special import erf
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.utils._param_validation import Interval, StrOptions
import scipy.sparse as sp
from sklearn.utils.validation import _check_y, check_array, check_consistent_length, check_is_fitted, validate_data
from torch import nn

from ._base import BaseNeuralNetwork, NeuralClassifierMixin, NeuralRegressorMixin
from ._engine import resolve_device
from ._layers import (ACTIVATIONS, INITIALIZER_NAMES, EnsembleInput, EnsembleOutput, FrontScale, LearnableActivation,
                      NoisyReLU, ScaledLinear, TabularInput, initialize_weights, make_activation)
from ._tabular import TabularPreprocessor
from ._validation import check_width

__all__ = ["DenseNet", "DenseClassifier", "DenseRegressor", "forward_numpy"]

EXPORT_FORMAT = "sknn.dense/1"


class DenseNet(nn.Module):
    """A multilayer perceptron, optionally with a tabular input layer and a learned front scale.

    ``[input layer] -> [front scale] -> [Linear -> (BatchNorm) -> activation -> (Dropout)] * k -> Linear``

    Parameters
    ----------
    n_inputs, n_outputs : int
        Columns of the rows the network reads (those of the input layer's output when
        there is one), and outputs.
    hidden_layer_sizes : sequence of int
    activation : str, a name of ``sknn._layers.ACTIVATIONS``
    dropout : float or sequence of float, one rate per hidden layer
    batch_norm : bool
    input_layer : torch.nn.Module or None
        The first layer (e.g. :class:`sknn._layers.TabularInput`); it must have ``n_outputs``.
    front_scale : bool
        A learned scale per feature entering the first Linear layer (:class:`sknn._layers.FrontScale`).
    parametrization : {'standard', 'ntk'}
        Plain Linear layers, or layers in the neural-tangent parametrisation
        (:class:`sknn._layers.ScaledLinear`).
    learnable_activation : bool
        Activations that learn, per unit, how much of the non-linearity to apply
        (:class:`sknn._layers.LearnableActivation`).
    """

    def __init__(self, n_inputs, n_outputs, hidden_layer_sizes=(100,), activation="relu", dropout=0.0,
                 batch_norm=False, input_layer=None, front_scale=False, parametrization="standard",
                 learnable_activation=False, n_ensemble=1, output="identity"):
        super().__init__()
        rates = _per_layer(dropout, len(hidden_layer_sizes))
        linear = ScaledLinear if parametrization == "ntk" else nn.Linear
        layers = []
        if input_layer is not None:
            layers.append(input_layer)
            n_inputs = input_layer.n_outputs
        if front_scale:
            layers.append(FrontScale(n_inputs))
        if n_ensemble > 1:
            layers.append(EnsembleInput(n_inputs, n_ensemble))
        width = n_inputs
        for size, rate in zip(hidden_layer_sizes, rates):
            layers.append(linear(width, size))
            if batch_norm:
                layers.append(nn.BatchNorm1d(size))
            layers.append(LearnableActivation(activation, size) if learnable_activation else make_activation(activation))
            if rate > 0:
                layers.append(nn.Dropout(rate))
            width = size
        layers.append(linear(width, n_outputs))
        if n_ensemble > 1:
            layers.append(EnsembleOutput(n_ensemble, output))
        self.layers = nn.Sequential(*layers)

    def forward(self, X):
        return self.layers(X)


_PARALLEL_WORK = 2 ** 24  # multiply-adds of a forward pass over a batch worth spreading over threads


def choose_threads(work):
    """Torch threads for a training step of ``work`` multiply-adds (a forward pass over one batch).

    Small steps run on one thread: spreading them costs more in synchronisation than it
    saves, and when other processes share the cores, torch's waiting threads spin and slow
    a small network down by an order of magnitude. Larger steps keep torch's setting (which
    respects ``OMP_NUM_THREADS`` and ``torch.set_num_threads``), unless the machine is
    already busy (a 1-minute load average of at least its cores), when one thread is used.
    """
    available = torch.get_num_threads()
    if available == 1 or work < _PARALLEL_WORK:
        return 1
    try:
        busy = os.getloadavg()[0] >= (os.cpu_count() or 1)
    except OSError:  # no load average on this platform
        busy = False
    return 1 if busy else available


def _per_layer(dropout, n_layers):
    if isinstance(dropout, Real):
        return [float(dropout)] * n_layers
    rates = [float(r) for r in dropout]
    if len(rates) != n_layers:
        raise ValueError(f"dropout has {len(rates)} rates but there are {n_layers} hidden layers; "
                         "give one rate, or one per hidden layer.")
    return rates


def _check_architecture(hidden_layer_sizes, dropout):
    sizes = [hidden_layer_sizes] if isinstance(hidden_layer_sizes, Integral) else list(hidden_layer_sizes)
    if not all(isinstance(s, Integral) and s > 0 for s in sizes):
        raise ValueError(f"hidden_layer_sizes must be positive integers, got {hidden_layer_sizes!r}.")
    rates = _per_layer(dropout, len(sizes))
    if not all(0.0 <= r < 1.0 for r in rates):
        raise ValueError(f"dropout rates must be in [0, 1), got {dropout!r}.")
    return sizes


class _DenseMixin:
    """What DenseClassifier and DenseRegressor share: the input, the module and its export."""

    _parameter_constraints = {
        **BaseNeuralNetwork._parameter_constraints,
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "dropout": [Interval(Real, 0, 1, closed="left"), "array-like"],
        "batch_norm": ["boolean"],
        "kernel_initializer": [StrOptions(set(INITIALIZER_NAMES))],
        "preprocessing": [StrOptions({"auto"}), None],
        "numeric_embedding": [StrOptions({"periodic"}), None],
        "front_scale": ["boolean"],
        "parametrization": [StrOptions({"standard", "ntk"})],
        "learnable_activation": ["boolean"],
        "regularization_schedule": [StrOptions({"constant", "cosine", "flat_cosine"}), None],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "n_jobs": [Interval(Integral, 1, None, closed="left"), None],
        "n_ensemble": [Interval(Integral, 1, None, closed="left")],
    }

    _architecture_params = ("hidden_layer_sizes", "activation", "dropout", "batch_norm", "kernel_initializer",
                            "preprocessing", "numeric_embedding", "front_scale", "parametrization",
                            "learnable_activation", "n_ensemble")

    def _check_params(self):
        _check_architecture(self.hidden_layer_sizes, self.dropout)

    # -- input -----------------------------------------------------------------------------
    def _preprocessing(self, reset):
        """The preprocessing of this call: the parameter's for a new network, the built network's otherwise."""
        return self.preprocessing if reset else self.architecture_["preprocessing"]

    def _check_X(self, X, reset):
        if self._preprocessing(reset) is None:
            return super()._check_X(X, reset)
        if not isinstance(X, pd.DataFrame):  # 2-D and non-empty, whatever the types of its values
            X = check_array(X, accept_sparse="csr", dtype=None, ensure_all_finite=False)
        validate_data(self, X, reset=reset, skip_check_array=True)
        if reset:
            self.preprocessor_ = TabularPreprocessor().fit(X)
        X = self.preprocessor_.transform(X)
        return X.astype(np.float32) if sp.issparse(X) else X

    def _check_X_y(self, X, y, reset):
        if self._preprocessing(reset) is None:
            return super()._check_X_y(X, y, reset)
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None.")
        X = self._check_X(X, reset)
        y = _check_y(y, multi_output=self._multi_output_y, y_numeric=not self._is_classifier)
        check_consistent_length(X, y)
        return X, y

    def _batch_size(self, n_samples):
        if self.batch_size != "auto":
            return super()._batch_size(n_samples)
        # 256 rows (RealMLP's batch size), larger batches on large tables
        for rows, size in ((30_000, 256), (100_000, 512)):
            if n_samples <= rows:
                return min(size, n_samples)
        return 1024

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        if self.preprocessing is not None:  # missing values are imputed, categories encoded
            tags.input_tags.allow_nan = True
            tags.input_tags.categorical = True
        return tags

    def _n_threads(self, n_rows, batch_size):
        if self.n_jobs is not None:
            return self.n_jobs
        n_weights = sum(p.numel() for p in self.net_.module_.parameters())
        return choose_threads(batch_size * n_weights)

    # -- the module ----------------------------------------------------------------------------
    def _build_module(self, n_inputs, n_outputs):
        arch = self.architecture_  # the parameters as they were when the network was first built
        input_layer = None
        pre = getattr(self, "preprocessor_", None)
        if arch["preprocessing"] is not None and pre is not None:
            input_layer = TabularInput(len(pre.numeric_columns_), [len(c) for c in pre.categories_], pre.center_,
                                       pre.scale_, pre.has_missing_, numeric_embedding=arch["numeric_embedding"])
        elif arch["numeric_embedding"] is not None:
            input_layer = TabularInput(n_inputs, numeric_embedding=arch["numeric_embedding"])
        sizes = _check_architecture(arch["hidden_layer_sizes"], arch["dropout"])
        module = DenseNet(n_inputs, n_outputs, sizes, arch["activation"], arch["dropout"], arch["batch_norm"],
                          input_layer=input_layer, front_scale=arch["front_scale"],
                          parametrization=arch["parametrization"], learnable_activation=arch["learnable_activation"],
                          n_ensemble=arch["n_ensemble"], output="softmax" if self._is_classifier else "identity")
        return initialize_weights(module, arch["kernel_initializer"], arch["activation"])

    def _linear_layers(self):
        check_is_fitted(self, "net_")
        return [m for m in self.net_.module_.layers if isinstance(m, nn.Linear)]

    @property
    def coefs_(self):
        """Weight matrices, one per layer, of shape (n_inputs_of_layer, n_units_of_layer), as MLPClassifier's."""
        return [m.weight.detach().cpu().numpy().T.copy() for m in self._linear_layers()]

    @property
    def intercepts_(self):
        """Bias vectors, one per layer, of shape (n_units_of_layer,)."""
        return [m.bias.detach().cpu().numpy().copy() for m in self._linear_layers()]

    def export_network(self):
        """The fitted network as plain numpy arrays and names: no torch needed to use it.

        Returns
        -------
        network : dict
            ``format``, ``task``, ``n_features_in``, ``output`` ('softmax' or 'identity'),
            ``classes`` (classifiers), ``target_mean``/``target_scale`` (regressors: the
            network predicts the standardised target) and ``target_range`` (with
            ``clip_predictions``: the lowest and highest target of fit), ``params`` (the estimator's
            parameters), ``preprocessor`` (with ``preprocessing='auto'``: the fitted
            column encoding, see :class:`sknn._tabular.TabularPreprocessor`) and
            ``layers``, a list of dicts, each with a ``type``:

            * ``'tabular_input'``: the input layer of :class:`sknn._layers.TabularInput`
              (centring, scaling and clipping of the numbers, missing indicators,
              periodic embeddings, one-hot and embedded categories);
            * ``'scale'``: ``weight`` (n,), a product per feature;
            * ``'ensemble_input'``: ``weight`` (k, n): each row once per member of an
              ensemble of k networks in one (``n_ensemble``), times the member's scales;
              ``'ensemble_output'``: ``n_members``, ``output``: the members' mean (of
              probabilities, returned as log-probabilities, for ``output='softmax'``);
            * ``'dense'``: ``weight`` (n_in, n_out) and ``bias`` (n_out,), as a plain Linear
              layer holds them (whatever the parametrisation in training);
            * ``'batch_norm'``: ``mean``, ``var``, ``gamma``, ``beta``, ``eps``;
            * ``'activation'``: ``name``, and ``weight`` (n,) for a learnable activation
              ``x + weight * (f(x) - x)``.

            Dropout is omitted: it is the identity at prediction time. The layers describe
            the network the estimator holds, whatever ``set_params`` changed since.
            :func:`forward_numpy` runs it.
        """
        check_is_fitted(self, "net_")
        layers = [layer for layer in map(_export_layer, self.net_.module_.layers) if layer is not None]
        params = {k: v for k, v in self.get_params(deep=False).items() if k != "callbacks"}
        network = {"format": EXPORT_FORMAT, "task": "classification" if self._is_classifier else "regression",
                   "n_features_in": int(self.n_features_in_), "layers": layers,
                   "output": "softmax" if self._is_classifier else "identity", "params": params}
        if self._is_classifier:
            network["classes"] = self.classes_.copy()
        else:
            network["y_ndim"] = int(self._y_ndim)
            network["target_mean"], network["target_scale"] = self.y_mean_.copy(), self.y_scale_.copy()
            if getattr(self, "y_range_", None) is not None:
                network["target_range"] = self.y_range_.copy()
        if hasattr(self, "feature_names_in_"):
            network["feature_names_in"] = self.feature_names_in_.copy()
        if self.architecture_["preprocessing"] is not None:
            network["preprocessor"] = _preprocessor_state(self.preprocessor_)
        return network

    @classmethod
    def from_network(cls, network, device="cpu"):
        """Rebuild a fitted estimator from ``export_network()``'s output (or one built by hand).

        The architecture comes from the layers (their types and shapes), the training
        settings from ``params``. The rebuilt estimator predicts as the exported one did and
        can be trained further with ``partial_fit`` or ``warm_start``.
        """
        if not isinstance(network, dict) or network.get("format") != EXPORT_FORMAT:
            raise ValueError(f"Not an exported sknn dense network: expected a dict with format={EXPORT_FORMAT!r}.")
        layers = network["layers"]
        est = cls(**network.get("params", {}))
        dense = [layer for layer in layers if layer["type"] == "dense"]
        activations = [layer for layer in layers if layer["type"] == "activation"]
        tabular = next((layer for layer in layers if layer["type"] == "tabular_input"), None)
        est.set_params(
            hidden_layer_sizes=tuple(int(layer["weight"].shape[1]) for layer in dense[:-1]),
            batch_norm=any(layer["type"] == "batch_norm" for layer in layers),
            front_scale=any(layer["type"] == "scale" for layer in layers),
            n_ensemble=next((len(layer["weight"]) for layer in layers if layer["type"] == "ensemble_input"), 1),
            learnable_activation=any("weight" in layer for layer in activations),
            numeric_embedding="periodic" if tabular is not None and tabular["periodic"] is not None else None,
            preprocessing="auto" if "preprocessor" in network else None, device=device)
        if activations:
            est.activation = activations[0]["name"]
        est.n_features_in_ = int(network["n_features_in"])
        if "feature_names_in" in network:
            est.feature_names_in_ = np.asarray(network["feature_names_in"], dtype=object)
        if "preprocessor" in network:
            est.preprocessor_ = _preprocessor_from_state(network["preprocessor"])
        if est._is_classifier:
            est.classes_ = np.asarray(network["classes"])
            n_outputs = len(est.classes_)
        else:
            n_outputs = int(dense[-1]["weight"].shape[1])
            est.n_outputs_, est._y_ndim = n_outputs, int(network.get("y_ndim", 2))
            est.y_mean_ = np.asarray(network.get("target_mean", np.zeros(n_outputs)), dtype=np.float64)
            est.y_scale_ = np.asarray(network.get("target_scale", np.ones(n_outputs)), dtype=np.float64)
            if "target_range" in network:
                est.y_range_ = np.asarray(network["target_range"], dtype=np.float64)
        n_inputs = est.n_features_in_ if tabular is None else int(tabular["n_numeric"])
        est._record_architecture()
        module = est._build_module(n_inputs, n_outputs)
        mods = [m for m in module.layers if not isinstance(m, nn.Dropout)]
        if len(mods) != len(layers):
            raise ValueError("The exported layers do not match the network described by its parameters.")
        with torch.no_grad():
            for m, layer in zip(mods, layers):
                _load_layer(m, layer)
        dev = resolve_device(device)
        est.net_ = est._make_engine(module, max(1, est.batch_size if est.batch_size != "auto" else 200), dev,
                                    seed=0, incremental=False)
        est.net_.initialize()
        est.device_ = dev
        est._record_history(incremental=True, n_before=0)
        return est


# -- the numpy export, layer by layer ------------------------------------------------------------
_ACTIVATION_NAMES = {nn.ReLU: "relu", nn.Tanh: "tanh", nn.Sigmoid: "sigmoid", nn.LeakyReLU: "leaky_relu",
                     NoisyReLU: "noisy_relu", nn.ELU: "elu", nn.GELU: "gelu", nn.SELU: "selu", nn.Mish: "mish",
                     nn.SiLU: "silu", nn.Identity: "identity"}
_PREPROCESSOR_STATE = ("n_features_in_", "numeric_columns_", "categorical_columns_", "categories_", "center_",
                       "scale_", "has_missing_", "_categories_are_strings", "feature_names_in_")


def _numpy(t):
    return t.detach().cpu().numpy().copy()


def _preprocessor_state(pre):
    return {name: getattr(pre, name) for name in _PREPROCESSOR_STATE if hasattr(pre, name)}


def _preprocessor_from_state(state):
    pre = TabularPreprocessor()
    for name, value in state.items():
        setattr(pre, name, value)
    return pre


def _export_layer(m):
    """A layer of the module as a dict of numpy arrays (None for dropout, the identity at prediction time)."""
    if isinstance(m, nn.Dropout):
        return None
    if isinstance(m, TabularInput):
        periodic = None
        if m.periodic is not None:
            p = m.periodic
            periodic = {"frequencies": _numpy(p.frequencies), "phases": _numpy(p.phases), "weight": _numpy(p.weight),
                        "bias": _numpy(p.bias)}
        return {"type": "tabular_input", "n_numeric": m.n_numeric, "scaling": bool(m.scaling),
                "center": _numpy(m.center), "scale": _numpy(m.scale), "missing_columns": _numpy(m.missing_columns),
                "periodic": periodic, "cardinalities": list(m.cardinalities),
                "one_hot_columns": list(m.one_hot_columns), "embedded_columns": list(m.embedded_columns),
                "embedding": None if m.embedding is None else _numpy(m.embedding.weight)}
    if isinstance(m, FrontScale):
        return {"type": "scale", "weight": _numpy(m.weight)}
    if isinstance(m, EnsembleInput):
        return {"type": "ensemble_input", "weight": _numpy(m.weight)}
    if isinstance(m, EnsembleOutput):
        return {"type": "ensemble_output", "n_members": m.n_members, "output": m.output}
    if isinstance(m, nn.Linear):
        weight = m.effective_weight() if isinstance(m, ScaledLinear) else m.weight
        return {"type": "dense", "weight": _numpy(weight).T.copy(), "bias": _numpy(m.bias)}
    if isinstance(m, nn.BatchNorm1d):
        return {"type": "batch_norm", "mean": _numpy(m.running_mean), "var": _numpy(m.running_var),
                "gamma": _numpy(m.weight), "beta": _numpy(m.bias), "eps": float(m.eps)}
    if isinstance(m, LearnableActivation):
        return {"type": "activation", "name": m.name, "weight": _numpy(m.weight)}
    return {"type": "activation", "name": _ACTIVATION_NAMES[type(m)]}


def _load_layer(m, layer):
    """Copy an exported layer's arrays into the module ``m`` built for it."""
    as_tensor = lambda a: torch.as_tensor(np.asarray(a, dtype=np.float32))  # noqa: E731
    kind = layer["type"]
    if kind == "dense":
        w = as_tensor(layer["weight"]).T
        if w.shape != m.weight.shape:
            raise ValueError(f"A dense layer's weight has shape {tuple(w.shape[::-1])}, "
                             f"expected {tuple(m.weight.shape[::-1])}.")
        m.weight.copy_(w * math.sqrt(m.in_features) if isinstance(m, ScaledLinear) else w)
        m.bias.copy_(as_tensor(layer["bias"]))
    elif kind == "batch_norm":
        m.running_mean.copy_(as_tensor(layer["mean"]))
        m.running_var.copy_(as_tensor(layer["var"]))
        m.weight.copy_(as_tensor(layer["gamma"]))
        m.bias.copy_(as_tensor(layer["beta"]))
    elif kind in ("scale", "ensemble_input") or (kind == "activation" and "weight" in layer):
        m.weight.copy_(as_tensor(layer["weight"]))
    elif kind == "tabular_input":
        m.center.copy_(as_tensor(layer["center"]))
        m.scale.copy_(as_tensor(layer["scale"]))
        if layer["periodic"] is not None:
            for name, value in layer["periodic"].items():
                getattr(m.periodic, name).copy_(as_tensor(value))
        if layer["embedding"] is not None:
            m.embedding.weight.copy_(as_tensor(layer["embedding"]))


def _np_activation(name, a):
    if name in ("relu", "noisy_relu"):
        return np.maximum(a, 0)
    if name == "tanh":
        return np.tanh(a)
    if name in ("sigmoid", "logistic"):
        return 1.0 / (1.0 + np.exp(-a))
    if name == "leaky_relu":
        return np.where(a > 0, a, 0.01 * a)
    if name == "elu":
        return np.where(a > 0, a, np.expm1(np.minimum(a, 0)))
    if name == "selu":
        return 1.0507009873554805 * np.where(a > 0, a, 1.6732632423543772 * np.expm1(np.minimum(a, 0)))
    if name == "gelu":
        return 0.5 * a * (1.0 + erf(a / np.sqrt(2.0)))
    if name == "mish":
        return a * np.tanh(np.logaddexp(0.0, a))
    if name == "silu":
        return a / (1.0 + np.exp(-a))
    if name == "identity":
        return a
    raise ValueError(f"Unknown activation {name!r} in the exported network.")


def _np_tabular_input(layer, x):
    n = layer["n_numeric"]
    numbers = x[:, :n]
    if layer["scaling"]:
        numbers = np.clip((numbers - layer["center"]) * layer["scale"], -3e6, 3e6)
        numbers = numbers / np.sqrt(1.0 + (numbers / 3.0) ** 2)
    missing = np.isnan(numbers)
    numbers = np.where(missing, 0.0, numbers)
    parts = [numbers]
    if layer["periodic"] is not None:
        p = layer["periodic"]
        z = np.cos(2 * np.pi * numbers[:, :, None] * p["frequencies"] + p["phases"])
        z = np.einsum("nfk,fkm->nfm", z, p["weight"]) + p["bias"]
        parts = [np.concatenate([z, numbers[:, :, None]], axis=2).reshape(len(x), -1)]
    if len(layer["missing_columns"]):
        parts.append(missing[:, layer["missing_columns"]].astype(np.float64))
    codes = x[:, n:].astype(np.int64)
    for j in layer["one_hot_columns"]:
        size = layer["cardinalities"][j] + 1
        parts.append(np.eye(size)[codes[:, j]][:, 1:])
    if layer["embedded_columns"]:
        offsets = np.cumsum([0] + [layer["cardinalities"][j] + 1 for j in layer["embedded_columns"]])[:-1]
        table = layer["embedding"].astype(np.float64)
        parts.append(table[codes[:, layer["embedded_columns"]] + offsets].reshape(len(x), -1))
    return np.concatenate(parts, axis=1)


def forward_numpy(network, X):
    """Run an exported dense network with numpy alone.

    Parameters
    ----------
    network : dict, from ``DenseClassifier.export_network()`` or ``DenseRegressor.export_network()``
    X : array-like or DataFrame of shape (n_samples, n_features)
        As the estimator takes it: with a ``preprocessor`` in the network, X is encoded as
        in ``predict`` first (numpy and pandas, no torch).

    Returns
    -------
    out : ndarray
        Class probabilities (columns in ``network['classes']`` order) for a classifier,
        predicted values of shape (n_samples, n_outputs) for a regressor.
    """
    if not isinstance(network, dict) or "layers" not in network:
        raise TypeError("network must be the dict that export_network() returns.")
    if "preprocessor" in network:  # checks X's columns as predict does
        X = _preprocessor_from_state(network["preprocessor"]).transform(X)
    a = np.asarray(X.toarray() if sp.issparse(X) else X, dtype=np.float64)
    if a.ndim != 2:
        raise ValueError(f"X must be a 2-D array of shape (n_samples, n_features), got an array of shape {a.shape}.")
    if "preprocessor" not in network:
        dense = [layer for layer in network["layers"] if layer["type"] == "dense"]
        expected = network.get("n_features_in", dense[0]["weight"].shape[0] if dense else a.shape[1])
        check_width(a.shape[1], int(expected), "X", "the network's number of input features (n_features_in)")
    for layer in network["layers"]:
        kind = layer["type"]
        if kind == "tabular_input":
            a = _np_tabular_input(layer, a)
        elif kind == "scale":
            a = a * layer["weight"]
        elif kind == "ensemble_input":  # each row once per member, times the member's scales
            a = (a[:, None, :] * layer["weight"]).reshape(-1, a.shape[1])
        elif kind == "ensemble_output":  # the members' mean (of probabilities, as log-probabilities)
            a = a.reshape(-1, layer["n_members"], a.shape[1])
            if layer["output"] == "softmax":
                p = np.exp(a - a.max(axis=2, keepdims=True))
                a = np.log((p / p.sum(axis=2, keepdims=True)).mean(axis=1))
            else:
                a = a.mean(axis=1)
        elif kind == "dense":
            a = a @ layer["weight"].astype(np.float64) + layer["bias"]
        elif kind == "batch_norm":
            a = (a - layer["mean"]) / np.sqrt(layer["var"].astype(np.float64) + layer["eps"]) * layer["gamma"] \
                + layer["beta"]
        else:
            f = _np_activation(layer["name"], a)
            a = f if "weight" not in layer else a + (f - a) * layer["weight"]
    if network["output"] == "softmax":
        a = np.exp(a - a.max(axis=1, keepdims=True))
        a /= a.sum(axis=1, keepdims=True)
    elif "target_mean" in network:
        a = a * network["target_scale"] + network["target_mean"]
        if "target_range" in network:
            a = np.clip(a, network["target_range"][0], network["target_range"][1])
    return a


_COMMON_DOC = """
    Parameters
    ----------
    hidden_layer_sizes : int or tuple of int, default=(256,)
        Number of units of each hidden layer. (MLPClassifier's default is (100,); one
        wider layer scores higher on small tabular sets at little cost.)
    activation : {'relu', 'tanh', 'sigmoid', 'logistic', 'leaky_relu', 'noisy_relu', 'elu', 'gelu', \
'identity'}, default='relu'
        Activation of the hidden layers. 'noisy_relu' adds Gaussian noise of variance
        sigmoid(x) before the rectifier in training only; 'logistic' is 'sigmoid'.
    dropout : float or tuple of float, default=0.0
        Dropout rate after each hidden layer (one rate, or one per layer).
    batch_norm : bool, default=False
        Batch normalisation after each hidden linear layer.
    kernel_initializer : str, default='glorot_uniform'
        Weight initialisation, Keras' names: 'glorot_uniform', 'glorot_normal', 'he_uniform',
        'he_normal', 'lecun_uniform', 'lecun_normal', 'orthogonal', 'uniform', 'normal', or
        'torch' (PyTorch's default). Biases start at zero.
    optimizer : {'adam', 'sgd', 'adamw', 'rmsprop'}, default='adam'
    learning_rate_init : float, default=0.001
    learning_rate : {'constant', 'adaptive', 'cosine'}, default='constant'
        'adaptive' divides the learning rate by 5 each time two epochs in a row fail to
        lower the monitored loss (validation loss with early stopping, else training
        loss) by ``tol``. 'cosine' lowers it from ``learning_rate_init`` towards 0 along
        half a cosine over ``max_iter`` epochs (Keras' ``CosineDecay``).
    momentum : float, default=0.9
        Momentum of 'sgd' and 'rmsprop'.
    nesterov : bool, default=True
        Nesterov momentum for 'sgd'.
    alpha : float, default=0.0001
        L2 penalty on the weights (not the biases), scaled as in MLPClassifier: the
        loss of a batch of n rows gets ``alpha / (2 n) * ||W||^2``. With 'adamw' it is
        AdamW's decoupled weight decay, as it stands.
    l1 : float, default=0.0
        L1 penalty on the weights, ``l1 / n * sum|W|`` per batch.
    batch_size : int or 'auto', default='auto'
        Rows per gradient step; 'auto' is ``min(200, n_samples)``.
    max_iter : int, default=200
        Maximum number of epochs.
    shuffle : bool, default=True
        Reshuffle the rows before each epoch.
    early_stopping : bool, default=False
        Set ``validation_fraction`` of the data aside (stratified for classifiers), and
        stop when its loss has not fallen by ``tol`` for ``n_iter_no_change`` epochs; the
        weights of the lowest validation loss are restored. (MLPClassifier watches the
        validation accuracy instead, which saturates on small validation sets; the loss
        is Keras' default.) The validation score is recorded each epoch.
    validation_fraction : float, default=0.1
    n_iter_no_change : int or None, default=10
        Patience, in epochs. Without early stopping it applies to the training loss
        (as in MLPClassifier); None trains for exactly ``max_iter`` epochs (with early
        stopping, the best weights are still restored at the end).
    tol : float, default=1e-4
    warm_start : bool, default=False
        Continue from the previous fit's weights (with a fresh optimizer).
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation, dropout, shuffling and the validation split: two fits with
        the same int give identical predictions on the CPU.
    device : str, default='auto'
        'auto' (CUDA, then MPS, then CPU), 'cpu', 'cuda', 'cuda:N' or 'mps'. Inside a
        Dask worker, 'auto' takes the worker's own GPU (see the README's Dask section).
    precision : {'32', 'bf16', 'fp16'}, default='32'
        Mixed precision on a GPU: the forward pass and the loss run under
        ``torch.autocast`` in bfloat16 or float16 (with loss scaling), the weights and
        the optimizer stay in float32. Inert on the CPU, which always computes in
        float32, so one configuration runs on any machine. 'bf16' needs an Ampere or
        newer GPU.
    verbose : int, default=0
        0 silent, 1 a progress bar, 2 a line per epoch.
    callbacks : list of skorch callbacks or None, default=None
        Extra callbacks for power users, run by the training engine after sknn's own
        and before the stopping rule: those that read the history or act on the module
        and optimizer (``Checkpoint``, ``LRScheduler``, ``GradientNormClipping``,
        ``EarlyStopping``...) work. skorch's scoring callbacks do not: the validation
        score is recorded as ``valid_score``.
"""

_COMMON_ATTRS = """
    Attributes
    ----------
    n_features_in_ : int
    feature_names_in_ : ndarray of str, when X was a DataFrame with string column names
    coefs_ : list of ndarray
        Weight matrix of each layer, shape (inputs, units).
    intercepts_ : list of ndarray
    n_iter_ : int
        Epochs run.
    loss_curve_ : list of float
        Training loss of each epoch.
    best_loss_ : float or None
    validation_scores_ : list of float or None
        Validation score of each epoch, with early stopping.
    best_validation_score_ : float or None
        With early stopping, the validation score of the epoch whose weights were
        restored (the lowest validation loss).
    history_ : pandas.DataFrame
        One row per epoch: ``epoch``, ``train_loss``, ``valid_loss``, ``valid_score``, ``dur``.
    device_ : torch.device
        The device the network lives on.
    net_ : sknn.Engine
        The underlying skorch net; ``net_.module_`` is the torch module.
"""


class DenseClassifier(NeuralClassifierMixin, ClassifierMixin, _DenseMixin, BaseNeuralNetwork):
    __doc__ = """Multilayer perceptron classifier on PyTorch, a drop-in for MLPClassifier.

    Softmax output trained with cross-entropy. Labels may be of any type; predictions
    come back in those labels and ``predict_proba``'s columns follow ``classes_``.
    """ + _COMMON_DOC + """    class_weight : dict, 'balanced' or None, default=None
        Weights of the classes in the loss, multiplied with ``sample_weight``.
    """ + _COMMON_ATTRS + """    classes_ : ndarray of shape (n_classes,)

    See Also
    --------
    DenseRegressor : the same network for regression.
    sklearn.neural_network.MLPClassifier : scikit-learn's numpy implementation.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sknn import DenseClassifier
    >>> X, y = load_iris(return_X_y=True, as_frame=True)
    >>> clf = make_pipeline(StandardScaler(), DenseClassifier(random_state=0))
    >>> clf.fit(X, y).score(X, y) > 0.9
    True
    """

    _parameter_constraints = {
        **_DenseMixin._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "label_smoothing": [Interval(Real, 0, 1, closed="left")],
    }

    def __init__(self, hidden_layer_sizes=(256, 256, 256), activation="selu", dropout=0.15, batch_norm=False,
                 kernel_initializer="glorot_uniform", preprocessing="auto", numeric_embedding="periodic",
                 front_scale=True, parametrization="ntk", learnable_activation=True, optimizer="adamw",
                 learning_rate_init=0.04, learning_rate="cosine_log_cycles", regularization_schedule="flat_cosine",
                 momentum=0.9, nesterov=True, beta_1=0.9, beta_2=0.95, alpha=0.02, l1=0.0, label_smoothing=0.1,
                 batch_size="auto", max_iter=256, shuffle=True, early_stopping=True, validation_fraction=0.2,
                 n_iter_no_change=None, tol=1e-4, class_weight=None, n_ensemble=1, warm_start=False,
                 random_state=None, n_jobs=None, device="auto", precision="32", verbose=0, callbacks=None):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.dropout = dropout
        self.batch_norm = batch_norm
        self.kernel_initializer = kernel_initializer
        self.preprocessing = preprocessing
        self.numeric_embedding = numeric_embedding
        self.front_scale = front_scale
        self.parametrization = parametrization
        self.learnable_activation = learnable_activation
        self.optimizer = optimizer
        self.learning_rate_init = learning_rate_init
        self.learning_rate = learning_rate
        self.regularization_schedule = regularization_schedule
        self.momentum = momentum
        self.nesterov = nesterov
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.alpha = alpha
        self.l1 = l1
        self.label_smoothing = label_smoothing
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.class_weight = class_weight
        self.n_ensemble = n_ensemble
        self.warm_start = warm_start
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.device = device
        self.precision = precision
        self.verbose = verbose
        self.callbacks = callbacks


class DenseRegressor(NeuralRegressorMixin, RegressorMixin, _DenseMixin, BaseNeuralNetwork):
    __doc__ = """Multilayer perceptron regressor on PyTorch, a drop-in for MLPRegressor.

    Linear output trained with the mean squared error; one or several outputs, and
    predictions in the shape y had in ``fit``.
    """ + _COMMON_DOC + _COMMON_ATTRS + """    n_outputs_ : int

    See Also
    --------
    DenseClassifier : the same network for classification.
    sklearn.neural_network.MLPRegressor : scikit-learn's numpy implementation.

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from sknn import DenseRegressor
    >>> X, y = make_regression(n_samples=300, n_features=5, noise=1.0, random_state=0)
    >>> reg = DenseRegressor(hidden_layer_sizes=(64,), learning_rate_init=0.01, max_iter=300, random_state=0)
    >>> reg.fit(X, y / 100).score(X, y / 100) > 0.9
    True
    """

    _parameter_constraints = {
        **_DenseMixin._parameter_constraints,
        "normalize_y": ["boolean"],
        "clip_predictions": ["boolean"],
    }

    def __init__(self, hidden_layer_sizes=(256, 256, 256), activation="mish", dropout=0.15, batch_norm=False,
                 kernel_initializer="glorot_uniform", preprocessing="auto", numeric_embedding="periodic",
                 front_scale=True, parametrization="ntk", learnable_activation=True, optimizer="adamw",
                 learning_rate_init=0.2, learning_rate="cosine_log_cycles", regularization_schedule="flat_cosine",
                 momentum=0.9, nesterov=True, beta_1=0.9, beta_2=0.95, alpha=0.02, l1=0.0, normalize_y=True,
                 clip_predictions=True, batch_size="auto", max_iter=256, shuffle=True, early_stopping=True, validation_fraction=0.2,
                 n_iter_no_change=None, tol=1e-4, n_ensemble=1, warm_start=False, random_state=None, n_jobs=None,
                 device="auto", precision="32", verbose=0, callbacks=None):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.dropout = dropout
        self.batch_norm = batch_norm
        self.kernel_initializer = kernel_initializer
        self.preprocessing = preprocessing
        self.numeric_embedding = numeric_embedding
        self.front_scale = front_scale
        self.parametrization = parametrization
        self.learnable_activation = learnable_activation
        self.optimizer = optimizer
        self.learning_rate_init = learning_rate_init
        self.learning_rate = learning_rate
        self.regularization_schedule = regularization_schedule
        self.momentum = momentum
        self.nesterov = nesterov
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.alpha = alpha
        self.l1 = l1
        self.normalize_y = normalize_y
        self.clip_predictions = clip_predictions
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.n_ensemble = n_ensemble
        self.warm_start = warm_start
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.device = device
        self.precision = precision
        self.verbose = verbose
        self.callbacks = callbacks
