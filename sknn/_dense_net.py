"""The network of DenseClassifier and DenseRegressor, and the rules it is built and trained by.

``DenseNet`` is a stack of fully connected layers, after an optional tabular input layer
(:class:`sknn._layers.TabularInput`) and front scale, optionally as an ensemble of
independent members; ``choose_threads`` picks the torch threads of a fit from its size.
"""

import os
from numbers import Integral, Real

import torch
from torch import nn

from ._layers import Ensemble, FrontScale, LearnableActivation, ScaledLinear, make_activation

__all__ = ["DenseNet", "check_architecture", "choose_threads"]


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
            linear = ScaledLinear if parametrization == "ntk" else nn.Linear
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


def _per_layer(dropout, n_layers):
    if isinstance(dropout, Real):
        return [float(dropout)] * n_layers
    rates = [float(r) for r in dropout]
    if len(rates) != n_layers:
        raise ValueError(f"dropout has {len(rates)} rates but there are {n_layers} hidden layers; "
                         "give one rate, or one per hidden layer.")
    return rates


def check_architecture(hidden_layer_sizes, dropout):
    sizes = [hidden_layer_sizes] if isinstance(hidden_layer_sizes, Integral) else list(hidden_layer_sizes)
    if not all(isinstance(s, Integral) and s > 0 for s in sizes):
        raise ValueError(f"hidden_layer_sizes must be positive integers, got {hidden_layer_sizes!r}.")
    rates = _per_layer(dropout, len(sizes))
    if not all(0.0 <= r < 1.0 for r in rates):
        raise ValueError(f"dropout rates must be in [0, 1), got {dropout!r}.")
    return sizes
