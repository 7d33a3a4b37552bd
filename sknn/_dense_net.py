"""The network of DenseClassifier and DenseRegressor, and the rules it is built and trained by.

``DenseNet`` is a stack of fully connected layers, after an optional tabular input layer
(:class:`sknn._layers.TabularInput`) and front scale, optionally as an ensemble of
independent members; ``choose_threads`` picks the torch threads of a fit from its size,
``auto_batch_size`` its rows per step; ``own_dense_network`` is the DenseNet the layer views
(``coefs_``, ``export_network``) read.
"""

import os
from numbers import Real

import torch
from torch import nn

from ._family import replaced_parameters_warning
from ._layers import (Ensemble, FrontScale, LearnableActivation, PlainLinear, ScaledLinear,
                      make_activation)
from ._validation import check_sizes

__all__ = ["CustomModuleError", "DenseNet", "auto_batch_size", "check_architecture", "choose_threads",
           "own_dense_network", "warn_of_replaced_parameters"]

#: the parameters of sknn's own network, which a ``module`` of the user's replaces (sknn's input layer, of
#: ``preprocessing`` and ``numeric_embedding``, comes before either)
REPLACED_BY_MODULE = ("hidden_layer_sizes", "activation", "dropout", "batch_norm", "kernel_initializer", "front_scale",
                      "parametrization", "learnable_activation", "n_ensemble")


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
    n_ensemble : int
        Independent copies of everything after the input layer, averaged
        (:class:`sknn._layers.Ensemble`), with ``output`` 'softmax' or 'identity'.
    """

    def __init__(self, n_inputs, n_outputs, hidden_layer_sizes=(100,), activation="relu", dropout=0.0,
                 batch_norm=False, input_layer=None, front_scale=False, parametrization="standard",
                 learnable_activation=False, n_ensemble=1, output="identity"):
        super().__init__()
        layers = []
        if input_layer is not None:
            layers.append(input_layer)
            n_inputs = input_layer.n_outputs

        def mlp():
            rates = _per_layer(dropout, len(hidden_layer_sizes))
            linear = ScaledLinear if parametrization == "ntk" else PlainLinear
            stack = [FrontScale(n_inputs)] if front_scale else []
            width = n_inputs
            for size, rate in zip(hidden_layer_sizes, rates):
                stack.append(linear(width, size))
                if batch_norm:
                    stack.append(nn.BatchNorm1d(size))
                stack.append(LearnableActivation(activation, size) if learnable_activation
                             else make_activation(activation))
                if rate > 0:
                    stack.append(nn.Dropout(rate))
                width = size
            stack.append(linear(width, n_outputs))
            return stack

        if n_ensemble > 1:  # the members share the input layer, nothing else
            layers.append(Ensemble([nn.Sequential(*mlp()) for _ in range(n_ensemble)], output))
        else:
            layers.extend(mlp())
        self.layers = nn.Sequential(*layers)

    def forward(self, X):
        return self.layers(X)

    def output_layers(self):
        """The Linear layers whose outputs are the network's: the last layer, or the last of each member of an
        ensemble that averages values (``output='identity'``); None for an ensemble of probabilities."""
        last = self.layers[-1]
        if isinstance(last, Ensemble):
            return [member[-1] for member in last.members] if last.output == "identity" else None
        return [last]


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


def auto_batch_size(n_samples):
    """Rows per step of ``batch_size='auto'``: 256 (RealMLP's), 512 above 30,000 rows, 1,024 above 100,000, at most
    ``n_samples``."""
    for rows, size in ((30_000, 256), (100_000, 512)):
        if n_samples <= rows:
            return min(size, n_samples)
    return 1024


class CustomModuleError(ValueError, AttributeError):
    """A view of sknn's own DenseNet (``coefs_``, ``intercepts_``, ``export_network``) asked of a model built with a
    custom ``module``: a ValueError, and an AttributeError (as scikit-learn's NotFittedError is both), so that
    ``hasattr`` and ``inspect.getmembers`` (scikit-learn's HTML repr) read the views as absent."""


def own_dense_network(module, what, custom):
    """``module`` when it is sknn's DenseNet, which ``what`` reads layer by layer; a :class:`CustomModuleError`
    naming the ``custom`` module (the ``module`` parameter it was built with) and the ways to its weights otherwise."""
    if not isinstance(module, DenseNet):
        raise CustomModuleError(f"{what} reads the layers of sknn's DenseNet, and this model was built with module="
                                f"{custom!r}: read its weights from net_.module_ (a torch module), or export it with "
                                "sknn.export.to_onnx.")
    return module


def warn_of_replaced_parameters(estimator, architecture):
    """:func:`sknn._family.warn_of_replaced_parameters` for the dense networks' own parameters."""
    replaced_parameters_warning(estimator, architecture, REPLACED_BY_MODULE,
                                "sknn's input layer, of preprocessing and numeric_embedding, is")


def _per_layer(dropout, n_layers):
    if isinstance(dropout, Real):
        return [float(dropout)] * n_layers
    rates = [float(r) for r in dropout]
    if len(rates) != n_layers:
        raise ValueError(f"dropout has {len(rates)} rates but there are {n_layers} hidden layers; "
                         "give one rate, or one per hidden layer.")
    return rates


def check_architecture(hidden_layer_sizes, dropout):
    """The hidden layer sizes as a list of positive ints (True and False refused: they are not sizes), once
    ``dropout`` is checked against them."""
    sizes = list(check_sizes(hidden_layer_sizes, "hidden_layer_sizes", allow_int=True))
    rates = _per_layer(dropout, len(sizes))
    if not all(0.0 <= r < 1.0 for r in rates):
        raise ValueError(f"dropout rates must be in [0, 1), got {dropout!r}.")
    return sizes
