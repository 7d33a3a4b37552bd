"""Dense (fully connected) networks: DenseClassifier and DenseRegressor.

The module is built from ``hidden_layer_sizes`` as a list of layers; the trained
network can be exported to plain numpy (``export_network``), run without torch
(``forward_numpy``) and rebuilt from such an export (``from_network``).
"""

from numbers import Integral, Real

import numpy as np
import torch
from scipy.special import erf
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted
from torch import nn

from ._base import BaseNeuralNetwork, NeuralClassifierMixin, NeuralRegressorMixin
from ._engine import resolve_device
from ._layers import ACTIVATIONS, INITIALIZER_NAMES, initialize_weights, make_activation
from ._validation import check_width

__all__ = ["DenseNet", "DenseClassifier", "DenseRegressor", "forward_numpy"]

EXPORT_FORMAT = "sknn.dense/1"


class DenseNet(nn.Module):
    """A multilayer perceptron: ``[Linear -> (BatchNorm) -> activation -> (Dropout)] * k -> Linear``.

    Parameters
    ----------
    n_inputs, n_outputs : int
    hidden_layer_sizes : sequence of int
    activation : str, a name of ``sknn._layers.ACTIVATIONS``
    dropout : float or sequence of float, one rate per hidden layer
    batch_norm : bool
    """

    def __init__(self, n_inputs, n_outputs, hidden_layer_sizes=(100,), activation="relu", dropout=0.0,
                 batch_norm=False):
        super().__init__()
        rates = _per_layer(dropout, len(hidden_layer_sizes))
        layers, width = [], n_inputs
        for size, rate in zip(hidden_layer_sizes, rates):
            layers.append(nn.Linear(width, size))
            if batch_norm:
                layers.append(nn.BatchNorm1d(size))
            layers.append(make_activation(activation))
            if rate > 0:
                layers.append(nn.Dropout(rate))
            width = size
        layers.append(nn.Linear(width, n_outputs))
        self.layers = nn.Sequential(*layers)

    def forward(self, X):
        return self.layers(X)


def _per_layer(dropout, n_layers):
    if isinstance(dropout, Real):
        return [float(dropout)] * n_layers
    rates = [float(r) for r in dropout]
    if len(rates) != n_layers:
        raise ValueError(f"dropout has {len(rates)} rates but there are {n_layers} hidden layers; "
                         "give one rate, or one per hidden layer.")
    return rates


def _check_architecture(est):
    sizes = est.hidden_layer_sizes
    sizes = [sizes] if isinstance(sizes, Integral) else list(sizes)
    if not all(isinstance(s, Integral) and s > 0 for s in sizes):
        raise ValueError(f"hidden_layer_sizes must be positive integers, got {est.hidden_layer_sizes!r}.")
    rates = _per_layer(est.dropout, len(sizes))
    if not all(0.0 <= r < 1.0 for r in rates):
        raise ValueError(f"dropout rates must be in [0, 1), got {est.dropout!r}.")
    return sizes


class _DenseMixin:
    """What DenseClassifier and DenseRegressor share: the module and its export."""

    _parameter_constraints = {
        **BaseNeuralNetwork._parameter_constraints,
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "dropout": [Interval(Real, 0, 1, closed="left"), "array-like"],
        "batch_norm": ["boolean"],
        "kernel_initializer": [StrOptions(set(INITIALIZER_NAMES))],
    }

    def _check_params(self):
        _check_architecture(self)

    def _build_module(self, n_inputs, n_outputs):
        sizes = _check_architecture(self)
        module = DenseNet(n_inputs, n_outputs, sizes, self.activation, self.dropout, self.batch_norm)
        return initialize_weights(module, self.kernel_initializer, self.activation)

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
            ``classes`` (classifiers), ``params`` (the estimator's parameters) and
            ``layers``, a list of dicts: ``{'type': 'dense', 'weight': (n_in, n_out),
            'bias': (n_out,)}``, ``{'type': 'batch_norm', 'mean', 'var', 'gamma', 'beta',
            'eps'}`` and ``{'type': 'activation', 'name': ...}``. Dropout is omitted: it
            is the identity at prediction time. :func:`forward_numpy` runs it.
        """
        check_is_fitted(self, "net_")
        layers = []
        for m in self.net_.module_.layers:
            if isinstance(m, nn.Linear):
                layers.append({"type": "dense", "weight": m.weight.detach().cpu().numpy().T.copy(),
                               "bias": m.bias.detach().cpu().numpy().copy()})
            elif isinstance(m, nn.BatchNorm1d):
                layers.append({"type": "batch_norm", "mean": m.running_mean.cpu().numpy().copy(),
                               "var": m.running_var.cpu().numpy().copy(),
                               "gamma": m.weight.detach().cpu().numpy().copy(),
                               "beta": m.bias.detach().cpu().numpy().copy(), "eps": float(m.eps)})
            elif isinstance(m, nn.Dropout):
                continue
            else:
                layers.append({"type": "activation", "name": self.activation})
        params = {k: v for k, v in self.get_params(deep=False).items() if k != "callbacks"}
        network = {"format": EXPORT_FORMAT, "task": "classification" if self._is_classifier else "regression",
                   "n_features_in": int(self.n_features_in_), "layers": layers,
                   "output": "softmax" if self._is_classifier else "identity", "params": params}
        if self._is_classifier:
            network["classes"] = self.classes_.copy()
        else:
            network["y_ndim"] = int(self._y_ndim)
        if hasattr(self, "feature_names_in_"):
            network["feature_names_in"] = self.feature_names_in_.copy()
        return network

    @classmethod
    def from_network(cls, network, device="cpu"):
        """Rebuild a fitted estimator from ``export_network()``'s output (or one built by hand).

        The rebuilt estimator predicts as the exported one did and can be trained further
        with ``partial_fit`` or ``warm_start``.
        """
        if not isinstance(network, dict) or network.get("format") != EXPORT_FORMAT:
            raise ValueError(f"Not an exported sknn dense network: expected a dict with format={EXPORT_FORMAT!r}.")
        est = cls(**network.get("params", {}))
        dense = [layer for layer in network["layers"] if layer["type"] == "dense"]
        est.hidden_layer_sizes = tuple(int(layer["weight"].shape[1]) for layer in dense[:-1])
        est.batch_norm = any(layer["type"] == "batch_norm" for layer in network["layers"])
        est.device = device
        est.n_features_in_ = int(network["n_features_in"])
        if "feature_names_in" in network:
            est.feature_names_in_ = np.asarray(network["feature_names_in"], dtype=object)
        if est._is_classifier:
            est.classes_ = np.asarray(network["classes"])
            n_outputs = len(est.classes_)
        else:
            n_outputs = int(dense[-1]["weight"].shape[1])
            est.n_outputs_, est._y_ndim = n_outputs, int(network.get("y_ndim", 2))
        module = est._build_module(est.n_features_in_, n_outputs)
        mods = [m for m in module.layers if not isinstance(m, nn.Dropout)]
        if len(mods) != len(network["layers"]):
            raise ValueError("The exported layers do not match the network described by its parameters.")
        with torch.no_grad():
            for m, layer in zip(mods, network["layers"]):
                if layer["type"] == "dense":
                    w = torch.as_tensor(np.asarray(layer["weight"], dtype=np.float32).T)
                    if w.shape != m.weight.shape:
                        raise ValueError(f"A dense layer's weight has shape {tuple(w.shape[::-1])}, "
                                         f"expected {tuple(m.weight.shape[::-1])}.")
                    m.weight.copy_(w)
                    m.bias.copy_(torch.as_tensor(np.asarray(layer["bias"], dtype=np.float32)))
                elif layer["type"] == "batch_norm":
                    m.running_mean.copy_(torch.as_tensor(np.asarray(layer["mean"], dtype=np.float32)))
                    m.running_var.copy_(torch.as_tensor(np.asarray(layer["var"], dtype=np.float32)))
                    m.weight.copy_(torch.as_tensor(np.asarray(layer["gamma"], dtype=np.float32)))
                    m.bias.copy_(torch.as_tensor(np.asarray(layer["beta"], dtype=np.float32)))
        dev = resolve_device(device)
        est.net_ = est._make_engine(module, max(1, est.batch_size if est.batch_size != "auto" else 200), dev,
                                    seed=0, incremental=False)
        est.net_.initialize()
        est.device_ = dev
        est._record_history(incremental=True, n_before=0)
        return est


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
    if name == "gelu":
        return 0.5 * a * (1.0 + erf(a / np.sqrt(2.0)))
    if name == "identity":
        return a
    raise ValueError(f"Unknown activation {name!r} in the exported network.")


def forward_numpy(network, X):
    """Run an exported dense network with numpy alone.

    Parameters
    ----------
    network : dict, from ``DenseClassifier.export_network()`` or ``DenseRegressor.export_network()``
    X : array-like of shape (n_samples, n_features)

    Returns
    -------
    out : ndarray
        Class probabilities (columns in ``network['classes']`` order) for a classifier,
        predicted values of shape (n_samples, n_outputs) for a regressor.
    """
    if not isinstance(network, dict) or "layers" not in network:
        raise TypeError("network must be the dict that export_network() returns.")
    a = np.asarray(X, dtype=np.float64)
    if a.ndim != 2:
        raise ValueError(f"X must be a 2-D array of shape (n_samples, n_features), got an array of shape {a.shape}.")
    dense = [layer for layer in network["layers"] if layer["type"] == "dense"]
    expected = network.get("n_features_in", dense[0]["weight"].shape[0] if dense else a.shape[1])
    check_width(a.shape[1], int(expected), "X", "the network's number of input features (n_features_in)")
    for layer in network["layers"]:
        if layer["type"] == "dense":
            a = a @ layer["weight"].astype(np.float64) + layer["bias"]
        elif layer["type"] == "batch_norm":
            a = (a - layer["mean"]) / np.sqrt(layer["var"].astype(np.float64) + layer["eps"]) * layer["gamma"] \
                + layer["beta"]
        else:
            a = _np_activation(layer["name"], a)
    if network["output"] == "softmax":
        a = np.exp(a - a.max(axis=1, keepdims=True))
        a /= a.sum(axis=1, keepdims=True)
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
    }

    def __init__(self, hidden_layer_sizes=(256,), activation="relu", dropout=0.0, batch_norm=False,
                 kernel_initializer="glorot_uniform", optimizer="adam", learning_rate_init=0.001,
                 learning_rate="constant", momentum=0.9, nesterov=True, alpha=0.0001, l1=0.0, batch_size="auto",
                 max_iter=200, shuffle=True, early_stopping=False, validation_fraction=0.1, n_iter_no_change=10,
                 tol=1e-4, class_weight=None, warm_start=False, random_state=None, device="auto", precision="32", verbose=0,
                 callbacks=None):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.dropout = dropout
        self.batch_norm = batch_norm
        self.kernel_initializer = kernel_initializer
        self.optimizer = optimizer
        self.learning_rate_init = learning_rate_init
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.nesterov = nesterov
        self.alpha = alpha
        self.l1 = l1
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.class_weight = class_weight
        self.warm_start = warm_start
        self.random_state = random_state
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

    def __init__(self, hidden_layer_sizes=(256,), activation="relu", dropout=0.0, batch_norm=False,
                 kernel_initializer="glorot_uniform", optimizer="adam", learning_rate_init=0.001,
                 learning_rate="constant", momentum=0.9, nesterov=True, alpha=0.0001, l1=0.0, batch_size="auto",
                 max_iter=200, shuffle=True, early_stopping=False, validation_fraction=0.1, n_iter_no_change=10,
                 tol=1e-4, warm_start=False, random_state=None, device="auto", precision="32", verbose=0, callbacks=None):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.dropout = dropout
        self.batch_norm = batch_norm
        self.kernel_initializer = kernel_initializer
        self.optimizer = optimizer
        self.learning_rate_init = learning_rate_init
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.nesterov = nesterov
        self.alpha = alpha
        self.l1 = l1
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.warm_start = warm_start
        self.random_state = random_state
        self.device = device
        self.precision = precision
        self.verbose = verbose
        self.callbacks = callbacks
