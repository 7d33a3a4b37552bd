"""Callbacks of sknn's fits: progress display and per-step schedules.

The engine runs them through skorch's callback hooks (see :mod:`sknn._engine`); each is a
small class that one estimator parameter switches on (``verbose``, ``learning_rate``,
``regularization_schedule``). New optional behaviour of a fit is a new callback here, not
a branch in the engine's loop.
"""

import math
import sys

import torch
from skorch.callbacks import Callback

__all__ = ["EpochProgressBar", "ParameterSchedule", "SCHEDULES"]


class EpochProgressBar(Callback):
    """A tqdm bar over epochs showing the training loss and the validation loss and score.

    Kept beside skorch's ``ProgressBar`` (which ``callbacks=[ProgressBar()]`` still gives)
    because, with sknn's engine, it does better on what it shows and on the hot path
    (``benchmarks/bench_callbacks.py``, RESULTS.md "Progress bars"): skorch's bar runs over the
    batches of each epoch, erased at its end, and its postfix reads per-batch losses, which
    the engine does not record (one sync per epoch), so it shows no loss at all; and its
    ``on_batch_end`` hook puts 18 us on every training step (1.7% of a small network's step)
    where this bar, which listens to epochs only, adds nothing.
    """

    def __init__(self, file=None):
        self.file = file

    def on_train_begin(self, net, X=None, y=None, epochs=None, **kwargs):
        from tqdm.auto import tqdm

        self.bar_ = tqdm(total=epochs, unit="epoch", file=self.file or sys.stderr, leave=True)

    def on_epoch_end(self, net, **kwargs):
        row = net.history[-1]
        shown = {k: f"{row[k]:.4g}" for k in ("train_loss", "valid_loss", "valid_score") if k in row}
        self.bar_.set_postfix(shown, refresh=False)
        self.bar_.update(1)

    def on_train_end(self, net, **kwargs):
        bar = getattr(self, "bar_", None)
        if bar is not None:
            bar.close()
            self.bar_ = None

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("bar_", None)
        return state


# name -> factor of the base value at training progress t in [0, 1]
SCHEDULES = {
    "constant": lambda t: 1.0,
    # half a cosine from 1 to 0 (Keras' CosineDecay)
    "cosine": lambda t: 0.5 * (1.0 + math.cos(math.pi * t)),
    # flat for the first half, then half a cosine to 0: regularisation that lets go at the end
    "flat_cosine": lambda t: 1.0 if t <= 0.5 else 0.5 * (1.0 + math.cos(math.pi * (2.0 * t - 1.0))),
    # four cosine cycles, equally long on a logarithmic time axis: short warm restarts early, long late
    # (RealMLP's 'coslog4', Holzmüller et al. 2024); it starts and ends at 0
    "cosine_log_cycles": lambda t: 0.5 * (1.0 - math.cos(2.0 * math.pi * math.log2(1.0 + 15.0 * t))),
}


class ParameterSchedule(Callback):
    """Per-step schedules of the learning rate, the weight decay and the dropout rates of a fit.

    Each is a name of ``SCHEDULES`` (or None to leave it alone): before every training step
    the value is its value at the start of training times the schedule at the fit's progress
    ``t = step / (epochs * batches per epoch)``, so the schedule spans ``epochs`` epochs even
    when early stopping ends training before.
    """

    def __init__(self, epochs, learning_rate=None, weight_decay=None, dropout=None):
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.dropout = dropout

    def on_train_begin(self, net, X=None, **kwargs):
        n_batches = max(1, math.ceil(len(X) / net.batch_size)) if X is not None else 1
        self.total_steps_ = max(1, self.epochs * n_batches)
        self.step_ = 0
        self.base_ = [(group["lr"], group["weight_decay"]) for group in net.optimizer_.param_groups]
        self.dropouts_ = [(m, m.p) for m in net.module_.modules() if isinstance(m, torch.nn.Dropout)]

    def on_batch_begin(self, net, training=False, **kwargs):
        if not training:
            return
        t = min(1.0, self.step_ / self.total_steps_)
        lr = SCHEDULES[self.learning_rate](t) if self.learning_rate else 1.0
        wd = SCHEDULES[self.weight_decay](t) if self.weight_decay else 1.0
        for group, (base_lr, base_wd) in zip(net.optimizer_.param_groups, self.base_):
            group["lr"] = base_lr * lr
            group["weight_decay"] = base_wd * wd
        if self.dropout:
            p = SCHEDULES[self.dropout](t)
            for module, base in self.dropouts_:
                module.p = base * p
        self.step_ += 1

    def on_train_end(self, net, **kwargs):
        for module, base in getattr(self, "dropouts_", []):  # the network as it was built
            module.p = base
        self.dropouts_ = []
