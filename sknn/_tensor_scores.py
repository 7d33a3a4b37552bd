"""Validation scores of the networks' outputs, computed on tensors (no host copy): the engine's ``score_fn``."""

import math

import torch

__all__ = ["accuracy_score", "r2_score"]


def accuracy_score(y_pred, y_true, sample_weight=None):
    """Accuracy of logits ``y_pred`` (n, n_classes) against class indices, as a tensor."""
    correct = (y_pred.argmax(dim=1) == y_true).to(torch.float32)
    if sample_weight is None:
        return correct.mean()
    return (correct * sample_weight).sum() / sample_weight.sum()


def r2_score(y_pred, y_true, sample_weight=None):
    """Coefficient of determination, averaged over outputs as in scikit-learn, as a tensor (NaN for one row, as
    scikit-learn's: no spread to explain)."""
    if len(y_true) < 2:
        return torch.tensor(math.nan, dtype=torch.float64, device=y_true.device)
    y_pred = y_pred.reshape(len(y_pred), -1).to(torch.float64)
    y_true = y_true.reshape(len(y_true), -1).to(torch.float64)
    w = torch.ones(len(y_true), 1, dtype=torch.float64, device=y_true.device)
    if sample_weight is not None:
        w = sample_weight.reshape(-1, 1).to(torch.float64)
    mean = (w * y_true).sum(0) / w.sum()
    ss_res = (w * (y_true - y_pred) ** 2).sum(0)
    ss_tot = (w * (y_true - mean) ** 2).sum(0)
    ok = ss_tot > 0
    r2 = torch.where(ok, 1 - ss_res / torch.where(ok, ss_tot, torch.ones_like(ss_tot)),
                     (ss_res == 0).to(torch.float64))
    return r2.mean()
