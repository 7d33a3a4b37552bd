"""Losses and outputs that are NaN or infinite: what the engine says about them.

A training loss that is not finite is a divergence (:class:`TrainingDiverged`). A validation loss that is not
finite, measured after the epoch's last steps, is one only where the network is broken: weights that are not
finite, or outputs that are not finite on the training rows too. A network whose outputs on every training row
are finite puts the blame on the validation set: its inputs where its outputs are not finite (beyond float16's
range, say), else its targets or weights, too large for the loss (a ValueError naming them), unless the loss on
the training rows is not finite either (a divergence). With no validation set, weights that are not finite after an
epoch, or, where the weights grew far, a loss that is not finite on its last batch with the weights after its step,
are the divergence's signs (its last steps show in no training loss).
"""

import math

import numpy as np
import torch

from ._device import autocast
from ._module_checks import _evaluating

__all__ = ["TrainingDiverged", "WEIGHT_GROWTH", "non_finite_loss_error", "refuse_blown_up_network",
           "refuse_non_finite_outputs", "weight_scale"]

_FIX = "Scale the features (e.g. StandardScaler) or lower learning_rate_init."
_VALIDATION_ROWS = "validation_data's, or the rows early_stopping set aside"


class TrainingDiverged(ValueError):
    """The training or validation loss became infinite or NaN: the optimisation diverged."""


def refuse_non_finite_outputs(finite, unreadable):
    """Refuse outputs that are NaN or infinite (``finite``: a bool per output row) where the input was read (an
    unreadable file's row is NaN by design): a network whose weights overflow float32 would otherwise predict
    class 0, or NaN, for every input without a word."""
    rows = _rows_read(finite, unreadable)
    if rows:
        raise ValueError(f"The network's outputs are NaN or infinite for {len(rows)} of its {len(finite)} output "
                         f"rows (such as row {rows[0]}): its weights overflow float32 arithmetic, a fit that went "
                         "wrong (too large a learning rate?). Fit again with a smaller learning_rate_init.")


#: how many times a network's largest trained weight must have grown over its size when the engine began to train
#: before the loss is looked at after an epoch's last steps (a pass over one batch): a network that trains keeps it
#: within a few times its start, one that a learning rate far too large blew up grows it a millionfold and more
WEIGHT_GROWTH = 1e3


def _looked_at(tensor):
    """Whether every value of ``tensor`` (floating point, not empty) is finite, and its largest magnitude in float32,
    as tensors on its device, read by reductions with no temporary of its size (a check of a large network's weights
    after every epoch held a copy of them, in the resident memory of the whole fit): its min and max, in its own dtype
    (a float64 beyond float32's range is finite), for infinities and the magnitude; its sum for NaN (min and max
    skipped NaN on some backends: MPS before torch 2.5)."""
    t = tensor.detach()
    low, high = t.min(), t.max()
    finite = torch.isfinite(low) & torch.isfinite(high) & ~torch.isnan(t.sum(dtype=torch.float32))
    return finite, torch.maximum(low.abs(), high.abs()).float()


def _trained(module):
    """``module``'s trained weights: those that require gradients (frozen ones cannot change), floating, not empty."""
    return [p for p in module.parameters() if p.requires_grad and p.is_floating_point() and p.numel()]


def _largest(magnitudes):
    return torch.stack(magnitudes).max() if magnitudes else torch.zeros(())


def weight_scale(module):
    """The largest magnitude among ``module``'s trained weights, as a float32 tensor on their device (no
    synchronisation, no copy of the weights); 0 for a module without any."""
    return _largest([_looked_at(p)[1] for p in _trained(module)])


def refuse_blown_up_network(engine, batch=None, initial_scale=None, **fit_params):
    """Raise :class:`TrainingDiverged` where ``engine``'s network blew up in an epoch's last training steps, which a
    fit with no validation set measures no loss after (the training loss of a batch is taken before its step): it
    would otherwise end the fit without a word, and ``predict`` would refuse it. Two signs: weights (trained ones,
    or buffers such as batch norm's statistics; frozen weights cannot change and are skipped) that are not finite,
    looked at on the device and read in one synchronisation per epoch; and, where the largest trained weight has
    grown ``WEIGHT_GROWTH`` times over ``initial_scale`` (:func:`weight_scale` as the engine began to train, a float;
    None: no such sign), the loss of ``batch`` (the last batch the epoch stepped on, ``(X, y, sample_weight)``)
    with the weights after its step, not finite: weights finite but so large that the outputs overflow. A network
    that did not grow so far keeps to its passes over the data (a frozen backbone runs once per image and epoch);
    outputs that overflow all the same are refused by ``predict`` (:func:`refuse_non_finite_outputs`)."""
    trained = _trained(engine.module_)
    state = trained + [t for t in engine.module_.buffers() if t.is_floating_point() and t.numel()]
    if not state:
        return
    looked = [_looked_at(t) for t in state]  # (each tensor read once: whether finite, and a weight's magnitude)
    finite = torch.stack([f for f, _ in looked]).all().float()
    scale = _largest([m for _, m in looked[:len(trained)]]).to(finite.device)
    finite, scale = torch.stack([finite, scale]).tolist()  # (one sync)
    epoch = len(engine.history)
    if not finite:
        raise TrainingDiverged(f"The network's weights became NaN or infinite in the last training steps of epoch "
                               f"{epoch}: the optimisation diverged. {_FIX}")
    if batch is not None and initial_scale is not None and scale > WEIGHT_GROWTH * initial_scale:
        loss = _loss_now(engine, batch, **fit_params).mean().item()
        if not math.isfinite(loss):
            raise TrainingDiverged(f"The training loss became {loss} after the last training steps of epoch {epoch} "
                                   f"(on the last batch trained, with the weights after its step: its largest weight "
                                   f"grew from {initial_scale:.3g} to {scale:.3g}, and the outputs overflow): "
                                   f"the optimisation diverged. {_FIX}")


def _loss_now(engine, batch, **fit_params):
    """The loss of ``batch`` with ``engine``'s weights as they are, as a tensor on the device (no synchronisation):
    without gradients, in evaluation mode (no dropout, noise or augmentation draws: the random streams of the fit
    stay as they were) but for ensembles, whose outputs keep the shape the criterion trains on; every submodule's
    mode restored (frozen layers stay frozen)."""
    with _evaluating(engine.module_):
        return engine.validation_step(batch, **fit_params)["loss"].detach().float()


def _rows_read(finite, unreadable):
    """The rows whose outputs are not finite (``finite``: a bool per row), an unreadable file's row aside."""
    return [i for i in torch.nonzero(~finite).flatten().tolist() if i not in unreadable] if not finite.all() else []


def _first_non_finite_row(engine, source, **fit_params):
    """The first row of ``source`` on which ``engine``'s outputs are NaN or infinite (an unreadable file's row
    aside), -1 for one of a batch whose outputs do not come a row each, or None where every output is finite."""
    unreadable, offset = set(getattr(source, "unreadable", ())), 0
    with torch.inference_mode():
        for Xb, _, _ in source.batches(engine.batch_size, device=engine.device):
            with autocast(engine.device, engine.amp_dtype):
                out = engine.infer(Xb, **fit_params)
            if not isinstance(out, torch.Tensor) or not out.is_floating_point() or out.ndim == 0:
                continue
            rows = _rows_read(torch.isfinite(out.reshape(len(out), -1)).all(dim=1).cpu(),
                              {i - offset for i in unreadable})
            if rows:
                return offset + rows[0] if isinstance(Xb, torch.Tensor) and len(Xb) == len(out) else -1
            offset += len(out)
    return None


def non_finite_loss_error(engine, loss, source, training, train_source=None, **fit_params):
    """The error for an epoch of ``engine`` whose loss on ``source`` is ``loss``, not finite. The training loss is
    measured before each step, the validation loss after the epoch's last: a network that blew up in the last
    steps shows it there only (TrainingDiverged), unless its weights, and its outputs on every row of
    ``train_source`` (the training rows), are finite: the validation rows are then to blame (a ValueError), unless
    the outputs, finite on the validation rows, overflow the loss on the training rows too (TrainingDiverged)."""
    epoch = len(engine.history)
    if training:
        return TrainingDiverged(f"The training loss became {loss} at epoch {epoch}: the optimisation diverged. {_FIX}")
    row = _first_non_finite_row(engine, source, **fit_params)
    if row is None and (train_source is None or _loss_finite_on(engine, train_source, **fit_params)):
        return _validation_targets_error(engine, loss, epoch, source, **fit_params)
    if row is None:  # the outputs overflow the loss on the training rows too: the network's, not the targets'
        return TrainingDiverged(f"The validation loss became {loss} at epoch {epoch}, and the training loss with the "
                                f"weights after the epoch's last training steps is not finite either: the network's "
                                f"outputs overflow the loss, the optimisation diverged. {_FIX}")
    state = [t for t in (*engine.module_.parameters(), *engine.module_.buffers()) if t.is_floating_point()]
    if (train_source is None or not all(bool(torch.isfinite(t).all()) for t in state)
            or _first_non_finite_row(engine, train_source, **fit_params) is not None):
        return TrainingDiverged(f"The validation loss became {loss} at epoch {epoch}: the network's outputs are NaN "
                                f"or infinite after the epoch's last training steps, the optimisation diverged. {_FIX}")
    cause = ("float16, the precision this network trains in, holds no value beyond 65504: train with precision="
             "'bf16' or '32', or scale the features" if engine.amp_dtype == torch.float16 else
             "they overflow float32 arithmetic: check them for corrupt values, or scale the features")
    such_as = "" if row < 0 else f" (such as validation row {row})"
    return ValueError(f"The validation loss became {loss} at epoch {epoch} though the network's weights, and its "
                      f"outputs on every training row, are finite: its outputs on the validation inputs (validation_"
                      f"data's X, or the rows early_stopping set aside) are NaN or infinite{such_as}, where {cause} "
                      "(e.g. StandardScaler).")


def _loss_finite_on(engine, source, **fit_params):
    """Whether ``engine``'s loss on every batch of ``source`` is finite, with the weights as they are
    (:func:`_loss_now`)."""
    for batch in source.batches(engine.batch_size, device=engine.device):
        if not bool(torch.isfinite(_loss_now(engine, batch, **fit_params)).all()):
            return False
    return True


def _validation_targets_error(engine, loss, epoch, source, **fit_params):
    """The error for a validation loss that is not finite though the outputs are: the targets overflow the loss
    unweighted (standardised ones lie far from the training targets), else the sample weights do."""
    overflow, farthest = False, 0.0
    with torch.inference_mode():
        for Xb, yb, _ in source.batches(engine.batch_size, device=engine.device):
            with autocast(engine.device, engine.amp_dtype):
                overflow |= not math.isfinite(engine.get_loss(engine.infer(Xb, **fit_params), yb, X=Xb).item())
            if isinstance(yb, torch.Tensor) and yb.is_floating_point() and yb.numel():
                farthest = max(farthest, yb.abs().max().item())
    intro = (f"The validation loss became {loss} at epoch {epoch} though the network's outputs on the validation "
             "rows are finite: ")
    if not overflow:
        return ValueError(f"{intro}their sample weights ({_VALIDATION_ROWS}) are too large for the loss in float32. "
                          "Pass smaller weights, or leave such rows out.")
    units = engine.target_units
    if units is not None and (np.any(units.mean != 0) or np.any(units.scale != 1)):  # normalize_y
        far = f"about {farthest:.2g}" if math.isfinite(farthest) else "beyond float32's 3.4e+38"
        return ValueError(f"{intro}the targets are standardised with the training targets' mean and standard "
                          f"deviation, and the validation targets ({_VALIDATION_ROWS}) lie too far from the training "
                          f"targets ({far} of their standard deviations) for the loss in float32. Check them for "
                          "corrupt values, or leave such rows out.")
    return ValueError(f"{intro}their targets ({_VALIDATION_ROWS}) are too large for the loss in float32. Pass them "
                      "in smaller units, or leave such rows out.")
