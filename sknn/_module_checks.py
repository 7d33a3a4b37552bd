"""The check of a user's network and loss before training, shared by every family that takes ``module`` or
``criterion``.

A custom ``module`` whose outputs are not of the shape the family's loss needs trained silently wrong (a regressor's
(n,) outputs were broadcast against (n, 1) targets, so the network learned the mean; a classifier's extra column
came back from ``predict_proba`` beside ``classes_``) or failed inside torch's training step; so did a ``criterion``
that cannot take the outputs and the targets. :class:`ModuleOutputCheck`, a callback, runs the network on the first
few training samples at the start of training (before the first epoch), in evaluation mode and without gradients,
and refuses such a module or criterion with a ValueError that names it, the shape it gave and the shape it must
give. It restores the mode of every submodule and torch's random generators: a seeded fit is the fit it would be
without the check.

What the outputs must be is the family's statement, its ``_output_contract()`` (see :mod:`sknn._family`);
:class:`ChecksModuleOutputs`, a mixin of the family's estimators, gives the engine of an estimator with a custom
``module`` or ``criterion`` the callback. The sequence family's statements are in :mod:`sknn._sequence_model`.
"""

import contextlib
import math
import warnings
from collections.abc import Mapping
from typing import NamedTuple

import torch
from skorch.callbacks import Callback

from ._device import autocast, precision_name
from ._layers import Ensemble

__all__ = ["ChecksModuleOutputs", "ModuleOutputCheck", "OutputContract", "check_module_outputs", "trains_batch_norm"]


class OutputContract(NamedTuple):
    """What a family's loss needs of its module's outputs (the family's ``_output_contract()``, see
    :mod:`sknn._family`): for a training batch of ``n`` targets (rows, images, tokens), outputs of shape
    ``(n, width)``."""

    width: int  # the outputs' last dimension: classes, outputs, words
    outputs: str  # what they are, e.g. "logits of shape (n, n_classes)"
    targets: str  # what the criterion receives beside them, e.g. "class indices of shape (n,)"
    losses: str  # losses that take them, e.g. "torch.nn.CrossEntropyLoss"

_FEW = (4, 5, 3, 6)  # samples the check runs on: the first whose targets are not as many as the outputs' width (a
#                      loss that broadcasts (n, width) against (n,) would pass unseen where n equals the width)


def _named(value):
    """A module or criterion as the user wrote it: a class by its name, anything else by its repr."""
    return value.__name__ if isinstance(value, type) else f"{value!r:.120}"


@contextlib.contextmanager
def _evaluating(module):
    """``module`` in evaluation mode but for its ensembles (:class:`sknn._layers.Ensemble`), whose outputs take their
    training shape, (n, members, width), the one the criterion trains on; every submodule's mode restored afterwards
    (frozen layers stay frozen)."""
    modes = [(m, m.training) for m in module.modules()]
    module.eval()
    for m in module.modules():
        if isinstance(m, Ensemble):
            m.training = True  # (the layer alone: its members stay in evaluation mode)
    try:
        yield
    finally:
        for m, mode in modes:
            m.training = mode


def _random_state_kept(device):
    """torch's random generators (the CPU's, and the GPU's of ``device``) as they were, whatever the check draws."""
    device = torch.device(device)
    if device.type == "cuda":
        return torch.random.fork_rng(devices=[torch.cuda.current_device() if device.index is None else device.index])
    return torch.random.fork_rng(devices=[])


def _first_samples(source, device, width):
    """``(X, y, w)`` of the first few samples of the batch source (read without shuffling: no random draw), or None
    when there is none to read."""
    batch = None
    for k in dict.fromkeys(min(k, len(source)) for k in _FEW) if len(source) else ():
        batches = iter(source.subset(list(range(k))).batches(k, shuffle=False, device=device))
        try:
            with warnings.catch_warnings():  # (a file skipped here is named by the training pass)
                warnings.simplefilter("ignore")
                batch = next(batches, None)
        finally:
            getattr(batches, "close", lambda: None)()  # (a generator's files and threads are released)
        if batch is None or batch[1] is None or len(batch[1]) != width:
            break
    return batch


def _run(module, X):
    return module(**X) if isinstance(X, Mapping) else module(X)  # (a mapping gives keyword arguments)


def check_module_outputs(net, source, owner, contract, module=None, criterion=None):
    """Refuse a network whose outputs on the first samples of ``source`` are not of shape (n, contract.width), and a
    criterion that cannot take them with their targets; a ValueError naming ``module`` or ``criterion``.

    Parameters
    ----------
    net : the initialized :class:`sknn.Engine` (its module, criterion and device)
    source : the training batch source
    owner : str, the estimator's name, for the messages
    contract : :class:`OutputContract`
    module, criterion : the estimator's parameters (None: sknn's own), for the messages
    """
    network = getattr(net.module_, "_orig_mod", net.module_)  # (not torch.compile's wrapper: nothing to compile)
    with _random_state_kept(net.device), _evaluating(network), torch.no_grad():
        batch = _first_samples(source, net.device, contract.width)
        if batch is None or batch[1] is None:
            return
        X, y, _ = batch
        who = "the network" if module is None else f"module={_named(module)}"
        try:
            with autocast(net.device, net.amp_dtype):  # (as training runs it)
                out = _run(network, X)
        except RuntimeError as err:  # (its own code's error, in float32: the user's to read)
            if module is None or net.amp_dtype is None:
                raise
            raise ValueError(f"{who} fails under precision={precision_name(net.amp_dtype)!r}, which runs its forward "
                             f"under torch.autocast in {net.amp_dtype}: {str(err).strip().splitlines()[0][:300]}. "
                             "Make its forward work under autocast (its own tensors cast to the dtype of what it "
                             "combines them with), or pass precision='32'.") from err
        ensembles = [len(m.members) for m in network.modules() if isinstance(m, Ensemble)]
        expected = (len(y), *ensembles[-1:], contract.width)  # (n, members, width) for an ensemble's training
        if not isinstance(out, torch.Tensor):
            raise ValueError(f"{who} returned a {type(out).__name__}, not a tensor: {owner}'s loss needs a tensor of "
                             f"shape {expected} for a training batch of {len(y)} targets, {contract.outputs}. Return "
                             "that tensor from its forward.")
        # the shape is the loss's to judge when the loss is the user's and the values are there ((n,) for (n, 1))
        flat = criterion is not None and out.shape[:1] == expected[:1] and out.numel() == math.prod(expected)
        if tuple(out.shape) != expected and not flat:
            hint = " (do not squeeze its last dimension)" if out.shape == expected[:1] else ""
            raise ValueError(f"{who} returned outputs of shape {tuple(out.shape)} for a training batch of {len(y)} "
                             f"targets, but {owner}'s loss needs shape {expected}: {contract.outputs}. Make it return "
                             f"that shape{hint}, its last dimension the {contract.width} that sknn passes to module as "
                             "its last argument.")
        if module is not None and out.is_floating_point() and torch.isnan(out).any():  # (-inf logits may mask)
            raise ValueError(f"{who} returned NaN on the first {len(y)} training samples, before any training step: "
                             "its forward computes something undefined there (a logarithm or square root of a "
                             "negative number, 0 / 0, inf - inf). Make it return numbers, "
                             f"{contract.outputs}.")
        caught = []
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                loss = net.criterion_(out, y)
        except Exception as err:  # torch's error, from inside the loss
            detail = f"{type(err).__name__}: {str(err).strip().splitlines()[0][:300] if str(err).strip() else ''}"
            given = (f"the network's outputs, {contract.outputs} (here {tuple(out.shape)}, {out.dtype}), and the "
                     f"targets, {contract.targets} (here {tuple(y.shape)}, {y.dtype})")
            if criterion is None:
                raise ValueError(f"{who} returned outputs that {owner}'s loss cannot take ({detail}): it takes "
                                 f"{given}. Return {contract.outputs}.") from err
            raise ValueError(f"criterion={_named(criterion)} cannot take what {owner} trains it on: {given}; on a "
                             f"batch of them it raised {detail}. Pass a criterion that takes these, such as "
                             f"{contract.losses}.") from err
        if (criterion is not None and isinstance(loss, torch.Tensor) and loss.is_floating_point()
                and torch.isfinite(out).all() and not torch.isfinite(loss).all()):
            raise ValueError(f"criterion={_named(criterion)} returned NaN or infinity on the first {len(y)} training "
                             "samples, before any training step, for finite outputs: it computes something undefined "
                             "there (a logarithm of 0, a division by zero). Make it finite for these outputs and "
                             f"targets, {contract.targets}.")
        if flat and tuple(out.shape) != expected and any("broadcast" in str(w.message) for w in caught):
            raise ValueError(f"{who} returned outputs of shape {tuple(out.shape)} for a training batch of {len(y)} "
                             f"targets, and criterion={_named(criterion)} broadcasts them against the targets, "
                             f"{contract.targets} (here {tuple(y.shape)}): it would learn their mean. Return shape "
                             f"{expected} (do not squeeze its last dimension).")


class ModuleOutputCheck(Callback):
    """The callback of :func:`check_module_outputs`: at the start of the first training call of its engine, on the
    training batch source.

    Parameters
    ----------
    owner : str, the estimator's name
    contract : :class:`OutputContract`
    module, criterion : the estimator's custom module and criterion (None: sknn's own)
    """

    def __init__(self, owner, contract, module=None, criterion=None):
        self.owner, self.contract, self.module, self.criterion = owner, contract, module, criterion

    def initialize(self):
        self.checked_ = False
        return self

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        if not getattr(self, "checked_", False) and X is not None:
            check_module_outputs(net, X, self.owner, self.contract, self.module, self.criterion)
            self.checked_ = True


class ChecksModuleOutputs:
    """A mixin of a family's estimators (before :class:`sknn._base.BaseNeuralNetwork`): the engine of an estimator
    with a custom ``module`` or ``criterion`` checks them first (:class:`ModuleOutputCheck`), by the family's
    ``_output_contract()``."""

    def _callbacks(self, incremental):
        callbacks = super()._callbacks(incremental)
        module = getattr(self, "architecture_", {}).get("module")
        criterion = getattr(self, "criterion", None)
        contract = self._output_contract() if module is not None or criterion is not None else None
        if contract is not None:  # first: before any other callback starts on the training
            callbacks.insert(0, ("module_check", ModuleOutputCheck(type(self).__name__, contract, module, criterion)))
        return callbacks


def trains_batch_norm(module):
    """Whether a batch normalisation layer of ``module`` trains (is in training mode when the module is): a
    frozen one, as a pretrained backbone's, keeps its statistics and takes a batch of any size."""
    was_training = module.training
    module.train()
    try:
        return any(isinstance(m, torch.nn.modules.batchnorm._BatchNorm) and (m.training or not m.track_running_stats)
                   for m in module.modules())  # (without running statistics it normalises by the batch always)
    finally:
        module.train(was_training)
