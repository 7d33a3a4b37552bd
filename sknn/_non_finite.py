"""Losses and outputs that are NaN or infinite: what the engine says about them.

A training loss that is not finite is a divergence (:class:`TrainingDiverged`). A validation loss that is not
finite, measured after the epoch's last steps, is one only where the network is broken: weights that are not
finite, or outputs that are not finite on the training rows too. A network whose outputs on every training row
are finite puts the blame on the validation set: its inputs where its outputs are not finite (beyond float16's
range, say), else its targets or weights, too large for the loss (a ValueError naming them). With no validation
set, weights that are not finite after an epoch are the divergence's sign (its last steps show in no loss).
"""

import math

import numpy as np
import torch

from ._device import autocast

__all__ = ["TrainingDiverged", "non_finite_loss_error", "refuse_non_finite_outputs", "refuse_non_finite_weights"]

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


def refuse_non_finite_weights(engine):
    """Raise :class:`TrainingDiverged` where ``engine``'s network holds weights (trained ones, or buffers such as
    batch norm's statistics) that are not finite after an epoch: a fit with no validation set measures no loss after
    the epoch's last steps, so a network that blew up there would otherwise end the fit without a word (and predict
    would refuse it). One look at the device's values per epoch; frozen weights cannot change and are skipped.
    Weights finite but so large that the outputs overflow are left to ``predict`` (:func:`refuse_non_finite_outputs`),
    which would need a forward pass here."""
    state = [t for t in engine.module_.parameters() if t.requires_grad and t.is_floating_point()]
    state += [t for t in engine.module_.buffers() if t.is_floating_point()]
    if state and not bool(torch.stack([torch.isfinite(t).all() for t in state]).all()):
        raise TrainingDiverged(f"The network's weights became NaN or infinite in the last training steps of epoch "
                               f"{len(engine.history)}: the optimisation diverged. {_FIX}")


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
    ``train_source`` (the training rows), are finite: the validation rows are then to blame (a ValueError)."""
    epoch = len(engine.history)
    if training:
        return TrainingDiverged(f"The training loss became {loss} at epoch {epoch}: the optimisation diverged. {_FIX}")
    row = _first_non_finite_row(engine, source, **fit_params)
    if row is None:
        return _validation_targets_error(engine, loss, epoch, source, **fit_params)
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
