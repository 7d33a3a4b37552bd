"""Callbacks of sknn's fits: the stopping rule, progress display, per-step schedules, and schedulers continued.

The engine runs them through skorch's callback hooks (see :mod:`sknn._engine`); each is a
small class that one estimator parameter switches on (``verbose``, ``learning_rate``,
``regularization_schedule``). New optional behaviour of a fit is a new callback here, not
a branch in the engine's loop.

A callback asks to stop training by raising KeyboardInterrupt from ``on_epoch_end``, as skorch's EarlyStopping
does: the epoch is complete, every callback after it in the chain still sees it, and ``fit`` returns. Raised from
any other hook (``on_epoch_begin``, the batch hooks, ``on_grad_computed``), it cannot be told from the user's Ctrl-C,
and is handled as one: the unfinished epoch is rolled back to the last finished one, and ``fit`` raises
KeyboardInterrupt again.
"""

import copy
import math
import sys

import torch
from skorch.callbacks import Callback, EarlyStopping, LRScheduler, PrintLog

__all__ = ["AdaptiveLRScheduler", "BestEpochStopping", "EpochLog", "EpochProgressBar", "ParameterSchedule",
           "ResumeLRSchedulers", "SCHEDULES", "schedule_progress"]


def _moved(pairs):
    """Whether any parameter of ``pairs`` ((parameter, its earlier copy)) differs from its copy (one sync)."""
    return bool(torch.stack([(p != start).any() for p, start in pairs] or [torch.tensor(False)]).any())


class BestEpochStopping(EarlyStopping):
    """sknn's stopping rule, scikit-learn's MLP rule: an epoch makes progress when its monitored loss is below the
    best loss so far by more than ``threshold`` (``tol``; with ``threshold_mode='rel'``, by that fraction of the
    best); training stops at the end of the ``patience``-th epoch in a row without progress (``n_iter_no_change``;
    scikit-learn's MLP trains one more). The weights kept (``load_best``) are those of the epoch with the lowest
    loss, however small its gain. skorch's EarlyStopping compares each loss with the last one that made progress
    instead: with tol=0.05 and losses falling by 0.04 an epoch, it never stops; and it keeps that epoch's weights.
    A fit stopped before its first epoch ends has no epoch to restore (skorch's read an empty history).

    With ``load_best``, the best weights are loaded as training ends even where the best epoch is the last one
    (skorch skips that load): a callback earlier in the chain that restored an epoch of its own (skorch's
    EarlyStopping or Checkpoint with ``load_best=True``) must not leave its weights under the best epoch's
    scores (:func:`sknn._training_control.kept_epoch`).

    ``stopped_`` says whether the rule ended the last training call; its message comes as training ends, after the
    log's line of the last epoch (``verbose=2``).

    The epochs of a new network that left its weights as they started (at a rate of 0: a schedule that starts at 0,
    over epochs of one batch) are no candidates: the untrained network was kept where its validation loss happened to
    be lowest. A later epoch that started at a rate of 0 and left the weights as they were (a schedule that touches 0
    between its cycles, or a warm start's first epochs, over epochs of one batch) is a candidate (a warm start's are
    the trained model's weights) but no miss: patience counts the epochs that trained.
    """

    def on_train_begin(self, net, **kwargs):
        super().on_train_begin(net, **kwargs)
        self.best_score_ = math.inf if self.lower_is_better else -math.inf
        self.stopped_ = False
        module = getattr(net, "module_", None)  # a new network's weights until an epoch moves them (a warm start's
        new = module is not None and not len(net.history)  # first epoch at a rate of 0 keeps trained ones)
        self._untrained = [(p, p.detach().clone()) for p in module.parameters() if p.requires_grad] if new else None

    def on_epoch_begin(self, net, **kwargs):
        starts_at_0 = self._untrained is None and len(net.history) and net.history[-1].get("event_lr", 1.0) == 0.0
        self._resting = [(p, p.detach().clone()) for p in net.module_.parameters() if p.requires_grad] \
            if starts_at_0 else None

    def on_epoch_end(self, net, **kwargs):
        if self._untrained is not None:
            if not _moved(self._untrained):
                return  # (one sync; nor a miss: patience counts the epochs that trained)
            self._untrained = None
        resting, self._resting = getattr(self, "_resting", None), None
        idle = resting is not None and not _moved(resting)  # (a candidate still: a warm start's trained weights)
        score = net.history[-1, self.monitor]
        sign = 1.0 if self.lower_is_better else -1.0  # compared as a loss: lower is better
        best = sign * self.best_score_
        margin = self.threshold * (abs(best) if self.threshold_mode == "rel" and math.isfinite(best) else 1.0)
        self.misses_ = 0 if sign * score < best - margin else self.misses_ + (not idle)  # (the first makes progress)
        if sign * score < best:
            self.best_score_ = score
            self.best_epoch_ = net.history[-1, "epoch"]
            if self.load_best:
                self.best_model_weights_ = {k: v.detach().clone() for k, v in net.module_.state_dict().items()}
        if self.misses_ >= self.patience:
            self.stopped_ = True
            raise KeyboardInterrupt

    def on_train_end(self, net, **kwargs):
        self._untrained = self._resting = None  # (copies of the weights, on their device)
        if self.stopped_:
            self._sink(f"Stopping since {self.monitor} has not improved in the last {self.patience} epochs.",
                       verbose=net.verbose)
        if self.load_best and getattr(self, "best_model_weights_", None) is not None:  # (None: no epoch finished)
            net.module_.load_state_dict(self.best_model_weights_)
            if self.best_epoch_ != net.history[-1, "epoch"]:
                self._sink(f"Restoring best model from epoch {self.best_epoch_}.", verbose=net.verbose)


# the entries of a scheduler's state that change as it trains, and the only ones a saved model keeps: a
# ReduceLROnPlateau's best loss, bad epochs and cooldown, and any scheduler's epoch and learning rates
_PROGRESS = ("best", "num_bad_epochs", "cooldown_counter", "last_epoch", "_last_lr")


def schedule_progress(state):
    """The progress entries (``_PROGRESS``) of a learning-rate scheduler's ``state``, copied: what a schedule goes on
    from, without the settings (a threshold, a factor), which the parameters rebuild."""
    return {k: copy.deepcopy(state[k]) for k in _PROGRESS if k in state}


def _progress_problem(key, value, n_groups):
    """What is wrong with the saved ``value`` of the progress entry ``key`` (an empty string: nothing), for an
    optimizer of ``n_groups`` parameter groups."""
    def number(x):  # (not a bool, nor NaN, nor an int beyond a float's range)
        return type(x) is float and not math.isnan(x) or type(x) is int and abs(x) <= sys.float_info.max

    if key == "best":
        return "" if value is None or number(value) else "not a number (nor None: no best yet)"
    if key == "_last_lr":
        if type(value) not in (list, tuple) or not all(number(x) and math.isfinite(x) and x >= 0 for x in value):
            return "not a list of finite learning rates >= 0"
        return "" if len(value) == n_groups else (
            f"{len(value)} learning rates, but the optimizer the parameters build has {n_groups} parameter groups")
    return "" if type(value) is int and value >= 0 else "not a count (an int >= 0)"


class ResumeLRSchedulers(Callback):
    """Continues skorch's ``LRScheduler`` callbacks from one training call to the next (a warm_start fit,
    partial_fit), one step per epoch.

    skorch builds each scheduler again at every call, positioned by the history's length, and torch steps it once
    while building it: partial_fit's StepLR decayed twice an epoch. Placed after the schedulers in the chain, this
    callback loads into each rebuilt scheduler the state its predecessor had at the last finished epoch, and sets
    the learning rates to it. ``states`` holds those states by callback name: taken as each epoch ends, and, for a
    new engine (a warm fit's, which forgets its callbacks' schedulers as it initializes them), by
    :meth:`taken_from` from the callbacks before. A network that has not trained yet starts every schedule anew.
    A saved model keeps them (:meth:`saved_state`, :meth:`restore_saved_state`: plain data, read by
    :mod:`sknn.persist`), so that a loaded model's schedules go on as the original's.
    """

    def __init__(self, states=None):
        self.states = states

    @classmethod
    def taken_from(cls, callbacks):
        """The callback that continues the schedulers of ``callbacks`` ((name, callback) pairs) as they are now."""
        return cls(cls._states(callbacks))

    @staticmethod
    def _states(callbacks):
        return {name: copy.deepcopy(cb.lr_scheduler_.state_dict()) for name, cb in callbacks
                if isinstance(cb, LRScheduler) and getattr(cb, "lr_scheduler_", None) is not None}

    def on_train_begin(self, net, **kwargs):
        groups = net.optimizer_.param_groups
        for name, cb in net.callbacks_ if len(net.history) else ():
            state, scheduler = (self.states or {}).get(name), getattr(cb, "lr_scheduler_", None)
            if state is None or scheduler is None:
                continue
            rates = state.get("_last_lr")
            if rates is not None and len(rates) != len(groups):
                raise ValueError(f"callbacks: {name} cannot continue its learning-rate schedule: the optimizer now "
                                 f"has {len(groups)} parameter groups, not {len(rates)} (alpha went from or to 0); "
                                 "fit again without warm_start.")
            own = scheduler.state_dict()  # the scheduler's own settings only (never its optimizer, from a file)
            scheduler.load_state_dict({k: v for k, v in state.items() if k in own})
            for group, rate in zip(groups, rates or ()):
                group["lr"] = rate

    def on_epoch_end(self, net, **kwargs):
        self.states = self._states(net.callbacks_)

    def rescale(self, factor, names=("lr_scheduler",)):
        """The rates of the schedulers ``names`` times ``factor`` (the base rate changed between calls): each goes on
        from where it was, relative to the new base. sknn's adaptive schedule only, by default: a user's scheduler
        may hold rates of its own (CyclicLR's base_lr and max_lr), which its settings say."""
        for name, state in (self.states or {}).items():
            for key in ("_last_lr", "base_lrs") if name in names else ():
                if state.get(key) is not None:
                    state[key] = [rate * factor for rate in state[key]]

    def saved_state(self):
        """The schedulers' progress by callback name as of the last finished epoch, for a saved model: the entries
        of ``_PROGRESS`` (a ReduceLROnPlateau's best loss, bad epochs, cooldown, epoch and learning rates), never
        the settings, which the parameters rebuild; a best loss that is not finite (none yet) as None, so that the
        file's JSON stays strict."""
        saved = {}
        for name, state in (self.states or {}).items():
            progress = schedule_progress(state)
            if "best" in progress and not (type(progress["best"]) in (int, float) and math.isfinite(progress["best"])):
                progress["best"] = None
            saved[name] = progress
        return saved

    def restore_saved_state(self, states, net):
        """Continue the schedules of ``net`` (an initialized engine) from ``states``, as :meth:`saved_state` gave
        them (read back from a file): the progress entries only (settings a file of an older sknn holds are left
        to the rebuilt schedulers), each checked; a ValueError, naming what is wrong, for anything else."""
        scalars = (type(None), bool, int, float, str)

        def plain(value):
            return type(value) in scalars or type(value) in (list, tuple) and all(
                type(x) in (bool, int, float) for x in value)

        if type(states) is not dict or not all(
                type(name) is str and type(state) is dict and all(type(k) is str and plain(v) for k, v in state.items())
                for name, state in states.items()):
            raise ValueError("the learning-rate schedulers' states are not dicts of numbers and strings by callback "
                             "name")
        groups = len(net.optimizer_.param_groups)
        restored = {}
        for name, state in states.items():
            progress = {k: state[k] for k in _PROGRESS if k in state}
            for key, value in progress.items():
                problem = _progress_problem(key, value, groups)
                if problem:
                    raise ValueError(f"{name}'s {key} is {value!r:.80}, {problem}")
            best = progress.get("best")
            if best is None or math.isinf(best):  # no best yet (Infinity in files of an older sknn): the rebuilt
                progress.pop("best", None)  # scheduler's initial value stays
            restored[name] = progress
        self.states = restored


class AdaptiveLRScheduler(LRScheduler):
    """skorch's LRScheduler, its ``event_lr`` the base rate (the engine's ``lr`` as the schedule moved it), as sknn's
    other schedules record it: skorch records the first parameter group's rate, which a network of parameter groups
    at other rates (``lr_factor``: a dense network's parametrization) holds at a multiple of it."""

    def _record_last_lr(self, net, kind):
        if self.event_name is None:
            return
        group = net.optimizer_.param_groups[0]
        rate = group["lr"] / group.get("lr_factor", 1.0)
        (net.history.record if kind == "epoch" else net.history.record_batch)(self.event_name, rate)


class EpochLog(PrintLog):
    """skorch's table of a line per epoch (``verbose=2``), its best values coloured on a terminal only: written to a
    file or a pipe (a log, a notebook's captured output), it is plain text, without ANSI colour codes."""

    def format_row(self, row, key, color):
        if getattr(sys.stdout, "isatty", lambda: False)():
            return super().format_row(row, key, color)
        from skorch.utils import Ansi

        return super().format_row(row, key, "").replace(Ansi.ENDC.value, "")


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

    on_train_abort = on_train_end  # (the engine's hook for a fit that ends in an error)

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
    """Schedules of the learning rate, the weight decay and the dropout rates, planned over ``epochs`` epochs.

    Each is a name of ``SCHEDULES``, or None to leave that value alone (to the optimizer, or
    to another callback such as a ``ReduceLROnPlateau`` scheduler). A scheduled value is its
    base value (the engine's ``lr`` and ``weight_decay`` times each parameter group's
    ``lr_factor`` and ``wd_factor``; the dropout rates the network was built with) times the
    schedule at the training progress ``t`` in [0, 1): the epochs finished plus the part of the
    current epoch done, over ``epochs``. With ``learning_rate_every='epoch'`` the learning
    rate changes at the start of each epoch only (torch's ``CosineAnnealingLR``), otherwise
    before every training step. The rate each epoch starts at is recorded as ``event_lr``.

    A fit starts the schedules at 0, so they span ``epochs`` epochs even when early stopping
    ends training before. With ``resume=True`` (``partial_fit``: one epoch a call) they go on
    from the epochs in the network's history, and start again after each ``epochs`` epochs
    (warm restarts, as in SGDR); each step then takes the schedule at the middle of its part of
    the epoch, so that no call trains at a rate of 0 (a schedule that starts at 0, or touches
    it between cycles, would stop a one-batch call). So does a fit of a single step (one epoch of
    one batch) on a schedule that starts at 0 ('cosine_log_cycles'), which would not train at all.
    """

    def __init__(self, epochs, learning_rate=None, weight_decay=None, dropout=None, learning_rate_every="step",
                 resume=False):
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.dropout = dropout
        self.learning_rate_every = learning_rate_every
        self.resume = resume

    def on_train_begin(self, net, X=None, **kwargs):
        self.batches_ = max(1, math.ceil(len(X) / net.batch_size)) if X is not None else 1
        finished = len(net.finished_epochs()) if self.resume else 0
        self.epoch_ = finished - 1  # on_epoch_begin counts the next one
        self.batch_ = 0
        # where in its part of the epoch a step reads the schedule: its start, but the middle in a partial_fit and in
        # a fit of a single step (max_iter=1 on one batch) on a schedule that starts at 0, which would not train
        starts_at_0 = bool(self.learning_rate) and SCHEDULES[self.learning_rate](0.0) == 0.0
        self.offset_ = 0.5 if self.resume or (starts_at_0 and self.epochs * self.batches_ == 1) else 0.0
        self.dropouts_ = [(m, m.p) for m in net.module_.modules() if isinstance(m, torch.nn.Dropout)]

    def on_epoch_begin(self, net, **kwargs):
        self.epoch_ += 1
        self.batch_ = 0
        first = self.offset_ / self.batches_
        self._set(net, first)  # callbacks after this one see the epoch's starting values
        if self.learning_rate:
            net.history.record("event_lr", net.lr * self._factor(self.learning_rate, first))

    def _factor(self, name, within_epoch):
        """The schedule ``name`` at this epoch of its cycle, plus ``within_epoch`` (a fraction) of it."""
        return SCHEDULES[name](((self.epoch_ % self.epochs) + within_epoch) / self.epochs)

    def on_batch_begin(self, net, training=False, **kwargs):
        if not training:
            return
        # a source may give a few more batches than the rows suggest: the epoch's end is where it stops
        within = min((self.batch_ + self.offset_) / self.batches_, 1.0 - 1e-9)
        self.batch_ += 1
        self._set(net, within)

    def _set(self, net, within):
        """Set each scheduled value at this epoch of the cycle plus ``within`` (the part of the epoch done)."""
        if self.learning_rate:
            lr = self._factor(self.learning_rate, self.offset_ / self.batches_ if self.learning_rate_every == "epoch"
                              else within)
            for group in net.optimizer_.param_groups:
                group["lr"] = net.lr * group.get("lr_factor", 1.0) * lr
        if self.weight_decay:
            wd = self._factor(self.weight_decay, within)
            for group in net.optimizer_.param_groups:
                group["weight_decay"] = net.weight_decay * group.get("wd_factor", 0.0) * wd
        if self.dropout:
            p = self._factor(self.dropout, within)
            for module, base in self.dropouts_:
                module.p = base * p

    def on_train_end(self, net, **kwargs):
        for module, base in getattr(self, "dropouts_", []):  # the network as it was built
            module.p = base
        self.dropouts_ = []

    on_train_abort = on_train_end  # (the engine's hook for a fit that ends in an error: the rates put back)
