"""The callbacks of a fit, as :class:`sknn._base.BaseNeuralNetwork` builds them from its parameters, and their
rebuild by a ``partial_fit`` whose parameters changed since (:class:`FitCallbacks`, a base of every estimator).

What the callbacks were built from is derived from the callbacks themselves (:func:`callback_settings`): each one
by its name, class and settings, so that every parameter ``_callbacks()`` reads (``tol`` as the adaptive schedule's
threshold, ``clipnorm`` as a clipping norm, ``max_iter`` as a schedule's length...) is covered, one added later
too, with no list of them to keep.
"""

from ._callbacks import (AdaptiveLRScheduler, BestEpochStopping, EpochLog, EpochProgressBar, ParameterSchedule,
                         ResumeLRSchedulers, schedule_progress)

__all__ = ["FitCallbacks", "callback_settings", "same_settings"]


def callback_settings(callbacks, given=()):
    """What ``callbacks`` ((name, callback) pairs, as ``_callbacks()`` just built them) were made of: each one by its
    name, class and settings (the attributes of the fresh callback, none of them fitted: what the parameters made of
    it); the user's own (``given``: the entries of the ``callbacks`` parameter) by identity, as the same objects go on.
    :class:`ResumeLRSchedulers` is left out: it carries the other schedulers' progress, no setting of its own."""
    users = {id(cb[1] if isinstance(cb, tuple) else cb) for cb in given}
    described = []
    for name, cb in callbacks:
        if id(cb) in users:
            described.append((name, cb))
        elif not isinstance(cb, ResumeLRSchedulers):
            described.append((name, type(cb), {k: v for k, v in vars(cb).items() if not k.endswith("_")}))
    return described


def same_settings(a, b):
    """Whether two descriptions are equal; one whose values cannot be compared (arrays) is a change."""
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


class FitCallbacks:
    """The callbacks of a fit (the engine's) and of a partial_fit, built from the estimator's parameters; a family
    adds its own by extending ``_callbacks`` (and calling it first)."""

    def _callbacks(self, incremental):
        """The engine's callbacks; the stopping rule comes last, so every other callback sees the last epoch."""
        callbacks = []
        if self.learning_rate == "adaptive":
            from torch.optim.lr_scheduler import ReduceLROnPlateau

            callbacks.append(("lr_scheduler", AdaptiveLRScheduler(
                policy=ReduceLROnPlateau, monitor=self._monitor(incremental), mode="min", factor=0.2, patience=1,
                threshold=self.tol, threshold_mode="abs")))
        schedule = self._parameter_schedule(incremental)
        if schedule is not None:
            callbacks.append(("schedule", schedule))
        if self.verbose == 1:
            callbacks.append(("progress_bar", EpochProgressBar()))
        elif self.verbose and self.verbose >= 2:
            callbacks.append(("print_log", EpochLog()))
        for i, cb in enumerate(self.callbacks or []):
            kind = cb.__name__ if isinstance(cb, type) else type(cb).__name__  # (a class skorch creates)
            callbacks.append(cb if isinstance(cb, tuple) else (f"user_{i}_{kind}", cb))
        from skorch.callbacks import LRScheduler

        if any(isinstance(cb, LRScheduler) or isinstance(cb, type) and issubclass(cb, LRScheduler)
               for _, cb in callbacks):  # the schedulers go on from the last call
            callbacks.append(("lr_resume", ResumeLRSchedulers.taken_from(callbacks)))
        if not incremental and (self.n_iter_no_change is not None or self.early_stopping):
            from skorch.utils import noop

            callbacks.append(("stopping", BestEpochStopping(
                monitor=self._monitor(incremental), patience=self.n_iter_no_change or self.max_iter + 1,
                threshold=self.tol, threshold_mode="abs", lower_is_better=True, load_best=self.early_stopping,
                sink=print if self.verbose else noop)))
        return callbacks

    def _callback_params(self):
        """What a partial_fit's callbacks are built from, recorded as the engine's ``callback_params_``: the
        callbacks a partial_fit would build now, described by :func:`callback_settings` (the user's by identity, so
        that a list changed in place is a change), and ``verbose``, which the engine's log follows."""
        return callback_settings(self._callbacks(True), self.callbacks or ()), self.verbose

    def _callbacks_changed(self):
        """Whether the parameters the engine's callbacks were built from (:meth:`_callback_params`) changed since."""
        return not same_settings(getattr(self.net_, "callback_params_", None), self._callback_params())

    def _rebuild_callbacks(self):
        """A partial_fit's callbacks, built again for the parameters as they are now. The learning-rate schedules go
        on from the last epoch (:class:`ResumeLRSchedulers`' states, by the name each has now): a scheduler of the
        user's kept (its whole state: the same object), and the adaptive one (its progress only: its settings, such
        as ``tol``, follow the parameters), but not one that watched the validation loss, which partial_fit has not."""
        net, before = self.net_, dict(self.net_.callbacks_)
        given = dict(net.callbacks)  # as passed: a class the user gave is a class there (an instance in callbacks_)
        net.callbacks, net.verbose, net.callback_params_ = self._callbacks(True), int(self.verbose), \
            self._callback_params()
        net.initialize_callbacks()
        resume, now = dict(net.callbacks_).get("lr_resume"), {id(cb): name for name, cb in net.callbacks}
        states = getattr(before.get("lr_resume"), "states", None) or {}
        for name, state in states.items() if resume is not None else ():
            renamed = name if name == "lr_scheduler" else now.get(id(given.get(name)))
            if renamed is not None and getattr(before.get(name), "monitor", None) != "valid_loss":
                state = schedule_progress(state) if name == "lr_scheduler" else state
                resume.states = {**(resume.states or {}), renamed: state}

    def _parameter_schedule(self, incremental):
        """The schedules of a fit (learning rate, weight decay, dropout), or None; ``partial_fit`` (incremental)
        goes on along them from the epochs the network has trained, starting them again after ``max_iter``."""
        lr = self.learning_rate if self.learning_rate in ("cosine", "cosine_log_cycles") else None
        regularization = getattr(self, "regularization_schedule", None)
        if lr is None and regularization is None:
            return None
        return ParameterSchedule(self.max_iter, learning_rate=lr, weight_decay=regularization, dropout=regularization,
                                 learning_rate_every="epoch" if lr == "cosine" else "step", resume=incremental)

    def _monitor(self, incremental=False):
        # The validation loss, not the score: a score such as accuracy saturates on small
        # validation sets (Keras' EarlyStopping monitors 'val_loss' for the same reason).
        # partial_fit sets nothing aside (as in MLPClassifier), so it watches the training loss.
        return "valid_loss" if self.early_stopping and not incremental else "train_loss"
