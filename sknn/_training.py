"""What sknn's networks train with by default: the optimizers by name, and the losses of the classifiers and
regressors.

The engine (:mod:`sknn._engine`) takes any torch loss; these losses are the ones sknn's
estimators use when no ``criterion`` is given.
"""

import torch

__all__ = ["EnsembleMSELoss", "OPTIMIZERS", "SmoothedCrossEntropyLoss", "optimizer_kwargs"]

OPTIMIZERS = {
    "sgd": torch.optim.SGD,
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "rmsprop": torch.optim.RMSprop,
}


def optimizer_kwargs(name, momentum, nesterov, device, betas=None):
    """Keyword arguments of the torch optimizer for sknn's parameters."""
    kwargs = {}
    if name in ("adam", "adamw") and betas is not None:
        kwargs["betas"] = tuple(float(b) for b in betas)
    if name == "sgd":
        kwargs.update(momentum=momentum, nesterov=bool(nesterov and momentum > 0))
    elif name == "rmsprop":
        kwargs.update(momentum=momentum)
    # The fused implementations update all parameters in one kernel: on the CPU they
    # cut the per-batch optimizer cost by about half for small networks.
    if name in ("sgd", "adam", "adamw") and device.type in ("cpu", "cuda"):
        kwargs["fused"] = True
    return kwargs


class SmoothedCrossEntropyLoss(torch.nn.CrossEntropyLoss):
    """Cross-entropy with label smoothing in training only: validation losses are the plain cross-entropy.

    The smoothed target of a sample is ``1 - label_smoothing`` on its class plus ``label_smoothing`` spread over
    the classes in proportion to ``class_prior``, their shares of the training samples (uniform, torch's
    smoothing, when ``class_prior`` is None). Spread evenly, the smoothing trains a rare class's probability up to
    ``label_smoothing / n_classes`` on every other sample, above its share of the data: at 1 sample in 200, the
    validation loss of a network trained that far is worse than that of one predicting the prior, so the best
    epoch kept was one that never predicted the rare class. Spread by the shares, a class's smoothed mass is its
    share, and balanced classes get torch's smoothing exactly.

    The engine switches criteria to training or evaluation mode with the module.
    """

    def __init__(self, label_smoothing=0.0, class_prior=None):
        super().__init__(reduction="none", label_smoothing=float(label_smoothing))
        self.training_smoothing = float(label_smoothing)
        prior = None if class_prior is None else torch.as_tensor(class_prior, dtype=torch.float32)
        self.register_buffer("class_prior", prior)  # a buffer: on the network's device, no copy per batch

    def forward(self, input, target):
        _check_outputs(input, target, regressor=False)
        smoothing = self.training_smoothing if self.training else 0.0
        prior = getattr(self, "class_prior", None) if smoothing else None  # (None in a loss pickled before it)
        self.label_smoothing = smoothing if prior is None else 0.0
        if input.ndim == 3:  # (n, members, classes): each member of an ensemble has its own loss
            input, target = input.transpose(1, 2), target.unsqueeze(1).expand(-1, input.shape[1])
        loss = super().forward(input, target)
        if prior is None:
            return loss
        # the cross-entropy against the prior: -sum_k prior_k log p_k, per sample (and member)
        # in float32, as torch's own smoothing is under autocast (which would run a product such as tensordot in
        # half precision, where the gradients of a scaled loss become NaN); classes on dimension 1
        shares = prior.float().reshape(1, -1, *([1] * (input.ndim - 2)))
        spread = -(torch.log_softmax(input.float(), dim=1) * shares).sum(dim=1)
        spread = spread.mean() if self.reduction == "mean" else spread.sum() if self.reduction == "sum" else spread
        return (1.0 - smoothing) * loss + smoothing * spread


def _check_outputs(outputs, targets, regressor):
    """Refuse a network's outputs that sknn's loss would misread (a tuple; a regressor's (n,) broadcast against
    (n, 1) targets learns only their mean), naming the module: a network whose training outputs differ from those
    the check before the first epoch saw in evaluation mode (:mod:`sknn._module_checks`). Shapes only: no sync."""
    if not isinstance(outputs, torch.Tensor):
        raise ValueError(f"The network (module) returned a {type(outputs).__name__} in training, not a tensor: sknn's "
                         "loss needs one tensor of outputs. Return the outputs alone from its forward.")
    extra = 0 if regressor else 1  # a dimension of classes beyond the targets', and one of members for an ensemble
    if outputs.ndim not in (targets.ndim + extra, targets.ndim + extra + 1) or outputs.shape[0] != targets.shape[0] or (
            regressor and outputs.shape[-1] != targets.shape[-1]):
        raise ValueError(f"The network (module) returned outputs of shape {tuple(outputs.shape)} in training for "
                         f"targets of shape {tuple(targets.shape)}: sknn's loss needs "
                         f"{'(n, n_outputs)' if regressor else '(n, n_classes)'} (do not squeeze the last dimension, "
                         "nor change the shape with the batch's size or in training).")


class EnsembleMSELoss(torch.nn.MSELoss):
    """Mean squared error; with predictions of shape (n, members, outputs), one per member of an ensemble."""

    def forward(self, input, target):
        _check_outputs(input, target, regressor=True)
        if input.ndim == 3:
            target = target.unsqueeze(1).expand_as(input)
        return super().forward(input, target)
