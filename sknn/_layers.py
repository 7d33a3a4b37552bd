"""Building blocks shared by every network family: activations and weight initialisers.

The modules here know nothing of training, data or devices: they map tensors to tensors.
"""

import math

import torch
from torch import nn

__all__ = ["ACTIVATIONS", "INITIALIZERS", "INITIALIZER_NAMES", "NoisyReLU", "make_activation", "initialize_weights"]


class NoisyReLU(nn.Module):
    """Rectifier with Gaussian noise in training: ``max(0, x + N(0, sigmoid(x)))``.

    The noisy rectified linear unit of Nair & Hinton (2010). In evaluation mode it is
    a plain ReLU, so predictions are deterministic.
    """

    def forward(self, x):
        if self.training:
            x = x + torch.randn_like(x) * torch.sigmoid(x).sqrt()
        return torch.relu(x)


# name -> factory of the activation module; 'logistic' is scikit-learn's name for sigmoid.
ACTIVATIONS = {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "logistic": nn.Sigmoid,
    "leaky_relu": lambda: nn.LeakyReLU(0.01),
    "noisy_relu": NoisyReLU,
    "elu": nn.ELU,
    "gelu": nn.GELU,
    "identity": nn.Identity,
}


def make_activation(name):
    """Return a fresh activation module for one of the names in ``ACTIVATIONS``."""
    return ACTIVATIONS[name]()


def _gain(activation):
    if activation in ("relu", "noisy_relu"):
        return math.sqrt(2.0)
    if activation == "leaky_relu":
        return nn.init.calculate_gain("leaky_relu", 0.01)
    return 1.0


def _variance_scaling(weight, scale, mode, distribution):
    fan_in, fan_out = nn.init._calculate_fan_in_and_fan_out(weight)
    fan = {"fan_in": fan_in, "fan_avg": (fan_in + fan_out) / 2.0}[mode]
    var = scale / max(1.0, fan)
    if distribution == "uniform":
        bound = math.sqrt(3.0 * var)
        nn.init.uniform_(weight, -bound, bound)
    else:
        nn.init.normal_(weight, 0.0, math.sqrt(var))


# name -> function(weight tensor, activation name); Keras' names and meanings. 'torch'
# (PyTorch's default initialisation, biases included) is handled by initialize_weights.
INITIALIZERS = {
    "glorot_uniform": lambda w, a: _variance_scaling(w, 1.0, "fan_avg", "uniform"),
    "glorot_normal": lambda w, a: _variance_scaling(w, 1.0, "fan_avg", "normal"),
    "he_uniform": lambda w, a: _variance_scaling(w, 2.0, "fan_in", "uniform"),
    "he_normal": lambda w, a: _variance_scaling(w, 2.0, "fan_in", "normal"),
    "lecun_uniform": lambda w, a: _variance_scaling(w, 1.0, "fan_in", "uniform"),
    "lecun_normal": lambda w, a: _variance_scaling(w, 1.0, "fan_in", "normal"),
    "orthogonal": lambda w, a: nn.init.orthogonal_(w, gain=_gain(a)),
    "uniform": lambda w, a: nn.init.uniform_(w, -0.05, 0.05),
    "normal": lambda w, a: nn.init.normal_(w, 0.0, 0.05),
}


INITIALIZER_NAMES = sorted([*INITIALIZERS, "torch"])


def initialize_weights(module, initializer, activation):
    """Initialise the weights of every Linear and convolution layer of ``module``.

    Weights get ``initializer`` (a name of ``INITIALIZERS``) and biases are set to zero,
    as in Keras; ``'torch'`` keeps PyTorch's own default initialisation of each layer.
    """
    if initializer == "torch":
        return module
    init = INITIALIZERS[initializer]
    for layer in module.modules():
        if isinstance(layer, (nn.Linear, nn.Conv1d, nn.Conv2d, nn.Conv3d)):
            init(layer.weight.data, activation)
            if layer.bias is not None:
                nn.init.zeros_(layer.bias.data)
    return module
