"""Building blocks shared by every network family: activations and weight initialisers.

The modules here know nothing of training, data or devices: they map tensors to tensors.
"""

import math

import numpy as np
import torch
from torch import nn

__all__ = ["ACTIVATIONS", "INITIALIZERS", "INITIALIZER_NAMES", "NoisyReLU", "make_activation", "initialize_weights",
           "parameter_factors", "smooth_clip", "affine", "PlainLinear", "ScaledLinear", "LearnableActivation",
           "FrontScale", "PeriodicEmbedding", "TabularInput", "Ensemble"]


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
    "selu": nn.SELU,
    "mish": nn.Mish,
    "silu": nn.SiLU,
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
        if isinstance(layer, ScaledLinear):
            continue  # its parametrisation has its own initialisation
        if isinstance(layer, (nn.Linear, nn.Conv1d, nn.Conv2d, nn.Conv3d)):
            init(layer.weight.data, activation)
            if layer.bias is not None:
                nn.init.zeros_(layer.bias.data)
    return module


# -- layers of tabular networks ------------------------------------------------------------------
# A module may give some of its parameters their own learning-rate and weight-decay factors,
# ``optimizer_factors = {parameter name: (lr factor, weight-decay factor)}``; the engine groups
# the parameters by them (see ``parameter_factors``). Without one, a parameter learns at the
# base rate and only weight matrices take weight decay.


def parameter_factors(module):
    """``{qualified parameter name: (lr factor, weight-decay factor)}`` declared by ``module``'s submodules."""
    factors = {}
    for prefix, sub in module.named_modules():
        for name, f in getattr(sub, "optimizer_factors", {}).items():
            factors[f"{prefix}.{name}" if prefix else name] = f
    return factors


def smooth_clip(x, bound=3.0):
    """``x / sqrt(1 + (x / bound)**2)``: the identity near 0, bounded by ``bound``, smooth everywhere.

    Values beyond a million bounds are clamped first (where the curve is flat to 1e-12), so that the
    square cannot overflow float32 and turn a huge value into 0.
    """
    x = torch.clamp(x, -1e6 * bound, 1e6 * bound)
    return x / torch.sqrt(1.0 + (x / bound) ** 2)


def affine(x, weight, bias):
    """``x W^T + b``, a row's outputs the same in a batch of any size: for one output, the matrix-vector kernel
    torch picks rounds a row differently by the number of rows (17, 18, 19, 23, ... rows off in float32's last
    digits), so each row sums its own products."""
    if weight.shape[0] == 1:
        out = (x * weight[0]).sum(dim=-1, keepdim=True)
        return out if bias is None else out + bias
    return nn.functional.linear(x, weight, bias)


class PlainLinear(nn.Linear):
    """A ``torch.nn.Linear`` layer (the standard parametrisation) whose one-output form gives each row the same
    output in a batch of any size (:func:`affine`)."""

    def forward(self, x):
        return affine(x, self.weight, self.bias)


class ScaledLinear(nn.Linear):
    """A Linear layer in the neural-tangent parametrisation: ``y = x W^T / sqrt(n_in) + b``.

    W starts as standard normal and the bias at zero. Scaling in the forward pass, not in
    the initial values, keeps the learning rate's effect the same for every width (Jacot et
    al. 2018; the parametrisation of RealMLP, Holzmüller et al. 2024). Biases learn at 0.1
    times the base rate and take no weight decay.
    """

    optimizer_factors = {"bias": (0.1, 0.0)}

    def reset_parameters(self):
        nn.init.normal_(self.weight)
        if self.bias is not None:
            nn.init.zeros_(self.bias)

    def forward(self, x):
        return affine(x, self.weight * (1.0 / math.sqrt(self.in_features)), self.bias)

    def effective_weight(self):
        """The weight as a standard Linear layer would hold it."""
        return self.weight * (1.0 / math.sqrt(self.in_features))


class LearnableActivation(nn.Module):
    """``x + a * (f(x) - x)`` per unit, ``a`` learned from 1 (the activation ``f`` itself) at 0.1 times the rate."""

    optimizer_factors = {"weight": (0.1, 0.1)}

    def __init__(self, name, n_units):
        super().__init__()
        self.name = name
        self.f = make_activation(name)
        self.weight = nn.Parameter(torch.ones(n_units))

    def forward(self, x):
        return x + (self.f(x) - x) * self.weight


class FrontScale(nn.Module):
    """A learned scale per input feature, from 1, at 6 times the base learning rate (a soft feature selection)."""

    optimizer_factors = {"weight": (6.0, 6.0)}

    def __init__(self, n_features):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(n_features))

    def forward(self, x):
        return x * self.weight


class PeriodicEmbedding(nn.Module):
    """Periodic embeddings of numbers (PBLD: periodic, bias, linear, densenet; Holzmüller et al. 2024).

    Each of the ``n_features`` numbers x becomes ``n_outputs`` values:
    ``Linear(cos(2 pi w x + b))`` of ``n_frequencies`` frequencies ``w ~ N(0, sigma)``,
    followed by x itself. The parameters are per feature and learn at 0.1 times the rate.
    ``mostly_zeros`` (the columns of a sparse X): on the CPU, the cosines are computed at
    the non-zero numbers only (:meth:`_at_stored_values`).
    """

    optimizer_factors = {name: (0.1, 0.1) for name in ("frequencies", "phases", "weight", "bias")}

    def __init__(self, n_features, n_frequencies=16, n_outputs=4, sigma=0.1, mostly_zeros=False):
        super().__init__()
        k, m = n_frequencies, n_outputs - 1
        self.frequencies = nn.Parameter(sigma * torch.randn(n_features, k))
        self.phases = nn.Parameter(math.pi * (2 * torch.rand(n_features, k) - 1))
        self.weight = nn.Parameter((2 * torch.rand(n_features, k, m) - 1) / math.sqrt(k))
        self.bias = nn.Parameter((2 * torch.rand(n_features, m) - 1) / math.sqrt(k))
        self.mostly_zeros = mostly_zeros

    def forward(self, x):
        if getattr(self, "mostly_zeros", False) and x.device.type == "cpu" and not torch.compiler.is_compiling():
            return self._at_stored_values(x)
        xt = x.t().unsqueeze(-1)  # (features, n, 1): one batched product per feature
        z = torch.cos((2 * math.pi) * xt * self.frequencies.unsqueeze(1) + self.phases.unsqueeze(1))
        z = torch.baddbmm(self.bias.unsqueeze(1), z, self.weight)  # (features, n, n_outputs - 1)
        return torch.cat([z, xt], dim=-1).transpose(0, 1).flatten(1)

    def _at_stored_values(self, x):
        """The embeddings of ``forward``, the cosines computed at the non-zero numbers only (a zero's embedding is
        its feature's constant): on the CPU, for the columns of a sparse X, where computing them at every zero made
        an epoch 16 times as long as without embeddings (now 6; the same values, to float32's last digits)."""
        rows, columns = torch.nonzero(x, as_tuple=True)
        values = x[rows, columns].unsqueeze(-1)
        z = torch.cos((2 * math.pi) * values * self.frequencies[columns] + self.phases[columns]).unsqueeze(1)
        stored = torch.baddbmm(self.bias[columns].unsqueeze(1), z, self.weight[columns]).squeeze(1)
        zero = torch.baddbmm(self.bias.unsqueeze(1), torch.cos(self.phases).unsqueeze(1), self.weight).squeeze(1)
        zero = torch.cat([zero, zero.new_zeros(len(zero), 1)], dim=1)  # (each number follows its embeddings)
        embedded = zero.unsqueeze(0).repeat(x.shape[0], 1, 1).index_put((rows, columns), torch.cat([stored, values], 1))
        return embedded.flatten(1)


class TabularInput(nn.Module):
    """The first layer of a tabular network: from a preprocessed row to the features the MLP reads.

    Input: a float matrix whose first ``n_numeric`` columns are numbers (NaN = missing) and
    whose other columns are category codes (0 = missing or unseen, 1..K), as
    :class:`sknn._tabular.TabularPreprocessor` makes them.

    * numbers: centred and robust-scaled with ``center`` and ``scale`` (when given), then
      smoothly clipped to (-3, 3); a missing number becomes 0 (the median) and, for the
      columns in ``has_missing``, a 0/1 indicator is added; with ``numeric_embedding=
      'periodic'`` the numbers of ``periodic_columns`` (all when None; columns of two
      values gain nothing from it) are also embedded (:class:`PeriodicEmbedding`; at the
      non-zero numbers only with ``sparse_input``, for the columns of a sparse X);
    * categories with at most ``max_one_hot`` codes: one-hot (code 0, missing or unseen: all zeros, but as
      below); larger ones: a learned embedding of ``embedding_dim`` values per column;
    * the codes of the training batches are counted (``category_counts``, a buffer saved with the weights, as a
      batch norm's statistics are): at prediction, a category never trained on (unseen in ``fit``, or held by
      validation rows only) reads as code 0, and code 0 of a column that never trained on it (no missing value
      among its training rows) as the average category: its one-hot slots hold the categories' shares of the
      training rows, its embedding is the rows' mean weighted by them. A network saved before the counts
      (count -1) reads every code as above.
    """

    _optional_buffers = {"category_counts": -1}  # what a file saved before the counts reads as (every code as it is)

    def __init__(self, n_numeric, cardinalities=(), center=None, scale=None, has_missing=None,
                 numeric_embedding=None, periodic_columns=None, max_one_hot=9, embedding_dim=8, sparse_input=False):
        super().__init__()
        self.n_numeric = int(n_numeric)
        self.scaling = center is not None
        as_float = lambda v, fill: torch.as_tensor(  # noqa: E731
            np.full(self.n_numeric, fill) if v is None else np.asarray(v), dtype=torch.float32)
        self.register_buffer("center", as_float(center, 0.0))
        self.register_buffer("scale", as_float(scale, 1.0))
        missing = np.zeros(self.n_numeric, dtype=bool) if has_missing is None else np.asarray(has_missing, bool)
        self.register_buffer("missing_columns", torch.as_tensor(np.flatnonzero(missing), dtype=torch.int64))
        periodic = np.arange(self.n_numeric) if periodic_columns is None else np.asarray(periodic_columns, np.int64)
        if numeric_embedding != "periodic":
            periodic = periodic[:0]
        self.register_buffer("periodic_columns", torch.as_tensor(periodic, dtype=torch.int64))
        self.register_buffer("plain_columns", torch.as_tensor(np.setdiff1d(np.arange(self.n_numeric), periodic),
                                                              dtype=torch.int64))
        self.periodic = PeriodicEmbedding(len(periodic), mostly_zeros=sparse_input) if len(periodic) else None
        sizes = [int(k) + 1 for k in cardinalities]  # codes 0..K
        self.cardinalities = [int(k) for k in cardinalities]
        self.one_hot_columns = [j for j, s in enumerate(sizes) if 2 <= s <= max_one_hot]
        self.embedded_columns = [j for j, s in enumerate(sizes) if s > max_one_hot]
        one_hot_sizes = [sizes[j] for j in self.one_hot_columns]
        offsets = np.cumsum([0] + one_hot_sizes)[:-1]  # where each column's slots start
        self.register_buffer("one_hot_offsets", torch.as_tensor(offsets, dtype=torch.int64))
        first_slots = set(offsets.tolist())
        self.register_buffer("one_hot_keep", torch.as_tensor(
            [i for i in range(sum(one_hot_sizes)) if i not in first_slots], dtype=torch.int64))
        embedded_sizes = [sizes[j] for j in self.embedded_columns]
        self.register_buffer("embedding_offsets", torch.as_tensor(np.cumsum([0] + embedded_sizes)[:-1],
                                                                  dtype=torch.int64))
        self.embedding = nn.Embedding(sum(embedded_sizes), embedding_dim) if embedded_sizes else None
        self.register_buffer("category_counts", torch.zeros(sum(one_hot_sizes) + sum(embedded_sizes),
                                                            dtype=torch.int64))  # each slot's, then each row's
        width = 4 * len(self.periodic_columns) + len(self.plain_columns) + len(self.missing_columns)
        self.n_outputs = width + len(self.one_hot_keep) + len(self.embedded_columns) * embedding_dim

    def forward(self, x):
        numbers = x[:, :self.n_numeric]
        if self.scaling:
            numbers = smooth_clip((numbers - self.center) * self.scale)
        missing = torch.isnan(numbers)
        numbers = torch.where(missing, torch.zeros_like(numbers), numbers)
        if self.periodic is None:
            parts = [numbers]
        else:
            parts = [self.periodic(numbers[:, self.periodic_columns]), numbers[:, self.plain_columns]]
        if len(self.missing_columns):
            parts.append(missing[:, self.missing_columns].to(numbers.dtype))
        if self.one_hot_columns or self.embedded_columns:
            codes = x[:, self.n_numeric:].long()
            n_one_hot = len(self.one_hot_keep) + len(self.one_hot_columns)  # (every slot, the first ones too)
            slots = torch.cat([codes[:, self.one_hot_columns] + self.one_hot_offsets,
                               codes[:, self.embedded_columns] + self.embedding_offsets + n_one_hot], dim=1)
            counts = self._buffers.get("category_counts")  # (None: a network pickled before the counts)
            fill = None
            if counts is not None and self.training and torch.is_grad_enabled():  # what trains is counted
                flat = slots.flatten()
                counts.index_add_(0, flat, (counts[flat] >= 0).long())  # (-1: a network saved before the counts)
            elif counts is not None:
                first, column = self._slot_layout()
                slots, fill, zero_untrained = self._untrained_read_as_code_zero(slots, counts, first, column)
            if self.one_hot_columns:  # each kept slot is 1 where its column's code points at it
                # a scatter: memory (rows x slots); comparing every code with every slot took (rows x columns x
                # slots), 4.8 GB a batch for 2,000 columns. The number of slots comes from shapes known when the
                # layer was built (every slot is kept but each column's first), never from a buffer's values,
                # which torch.export cannot read while tracing.
                hot = numbers.new_zeros(x.shape[0], n_one_hot).scatter_(1, slots[:, :len(self.one_hot_columns)], 1.0)
                if fill is not None:  # a column's code 0 (hot at its first slot) as its categories' shares
                    hot = hot + hot[:, first[:n_one_hot]] * fill[:n_one_hot].to(hot.dtype)
                parts.append(hot[:, self.one_hot_keep])
            if self.embedded_columns:
                rows = slots[:, len(self.one_hot_columns):] - n_one_hot
                vectors = self.embedding(rows)
                if fill is not None:  # a column's code 0 that never trained as the rows' mean, by their shares
                    table = self.embedding.weight
                    means = table.new_zeros(len(self.embedded_columns), table.shape[1]).index_add(
                        0, column[n_one_hot:] - len(self.one_hot_columns),
                        table * fill[n_one_hot:].to(table.dtype)[:, None])
                    at_zero = (rows + n_one_hot == first[n_one_hot:][rows]) & zero_untrained[n_one_hot:][rows]
                    vectors = torch.where(at_zero[:, :, None], means, vectors)
                parts.append(vectors.flatten(1))
        return torch.cat(parts, dim=1)

    def _slot_layout(self):
        """Of each slot (one-hot) then row (embedding), its column's first one (code 0) and its column's
        position among the one-hot then embedded columns: constants, kept per device (not buffers, which files
        saved before them would lack; left out of pickles)."""
        device = self.one_hot_offsets.device
        cache = self.__dict__.setdefault("_slot_layouts", {})
        if device not in cache:
            sizes = [self.cardinalities[j] + 1 for j in self.one_hot_columns + self.embedded_columns]
            first = np.repeat(np.cumsum([0] + sizes)[:-1], sizes)
            cache[device] = (torch.as_tensor(first, dtype=torch.int64).to(device),
                             torch.as_tensor(np.repeat(np.arange(len(sizes)), sizes), dtype=torch.int64).to(device))
        return cache[device]

    def __getstate__(self):
        return {k: v for k, v in super().__getstate__().items() if k != "_slot_layouts"}

    def _untrained_read_as_code_zero(self, slots, counts, first, column):
        """``slots`` with those never trained on moved to their column's code 0; the fill of each slot (its
        category's share of its column's training rows where the column's code 0 never trained, 0 elsewhere);
        and whether each slot's column's code 0 never trained. Tensor operations only (no host copy); a count of
        -1 (a network saved before the counts) reads as trained. ``first``, ``column``: :meth:`_slot_layout`."""
        slots = torch.where(counts[slots] != 0, slots, first[slots])
        zero_untrained = counts[first] == 0
        trained = counts.clamp(min=0).to(torch.float32)  # (float64: not on every device)
        totals = trained.new_zeros(len(self.one_hot_columns) + len(self.embedded_columns)).index_add(
            0, column, trained)
        shares = trained / totals[column].clamp(min=1.0)
        return slots, torch.where(zero_untrained, shares, torch.zeros_like(shares)), zero_untrained

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        for name, value in self._optional_buffers.items():  # a network saved before them: read as it was then
            if prefix + name not in state_dict and name in self._buffers:
                state_dict[prefix + name] = torch.full_like(self._buffers[name], value)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)


class Ensemble(nn.Module):
    """``k`` independent networks on the same input, trained together (a deep ensemble in one module).

    Each member has its own weights, drawn independently. In training the output is
    (n, k, o): each member has its own loss on the same batch. In evaluation it is the
    members' mean: of probabilities for ``output='softmax'`` (returned as
    log-probabilities, so that a softmax of the output gives the mean probability), of
    values for ``output='identity'``.
    """

    def __init__(self, members, output="identity"):
        super().__init__()
        self.members = nn.ModuleList(members)
        self.output = output

    def forward(self, x):
        z = torch.stack([member(x) for member in self.members], dim=1)
        if self.training:
            return z
        if self.output == "softmax":
            # log of the mean probability, from log-probabilities: a probability every member rounds to 0
            # stays a finite log (log of a mean of zeros was -inf, and the engine refused the whole batch)
            return torch.logsumexp(torch.log_softmax(z, dim=-1), dim=1) - math.log(z.shape[1])
        return z.mean(dim=1)
