"""The training engine shared by every sknn estimator.

``Engine`` is a :class:`skorch.NeuralNet`: skorch builds the module, criterion and
optimizer, runs the callbacks, keeps the history and pickles the net (mapping CUDA
tensors to the CPU on a machine without a GPU). Engine replaces the hot path:

* batches come from a *batch source* (see :mod:`sknn._data`) as slices of whole
  tensors, never gathered and collated row by row;
* the per-batch loss stays on the device: no ``.item()`` and no host copy per batch, one synchronisation per epoch;
* batch-level callback hooks are only called on callbacks that define them, and see the batch as skorch's callbacks
  unpack it, ``(X, y)`` (the sample weights stay the engine's);
* the criterion may have any ``reduction``: the engine weights per-sample losses and takes the criterion's own mean
  for unweighted batches; a module that computes its own loss (the targets among its inputs: word2vec, an adaptive
  softmax) returns one per sample, and its criterion is :class:`PassThroughLoss`;
* with ``classes``, the engine predicts as a classifier (``predict`` gives class indices, ``predict_proba`` softmax
  probabilities), so scikit-learn's scorers in skorch's ``EpochScoring`` score what it trains on; with
  ``target_units`` a regressor's callbacks see y's units;
* a Ctrl-C, or any error, during an epoch rolls the module back to the last finished epoch, and so does a loss
  that is not finite (the training loss, or the validation loss after the epoch's last steps: TrainingDiverged, or
  a ValueError naming the validation rows where the network is sound on the training rows; with no validation set,
  weights that are not finite after the epoch, or, where they grew far, a loss that is not finite on its last batch
  with the weights after its step: TrainingDiverged; :mod:`sknn._non_finite`);
* a fit that ends in an error calls no ``on_train_end`` (skorch's way): callbacks with an ``on_train_abort(net)``
  hook (sknn's schedules and progress bar) are called instead, to put back what they set for the epochs; a Ctrl-C
  before any epoch finished calls ``on_train_end`` of every callback but those with ``load_best`` (no best epoch);
* a callback asks to stop by raising KeyboardInterrupt from ``on_epoch_end`` (as skorch's EarlyStopping does): the
  request reaches the callbacks after it first, and ``fit`` returns. Raised from another hook (``on_epoch_begin``,
  a batch hook), it cannot be told from a Ctrl-C and is one: the epoch is rolled back and ``fit`` raises it again
  (skorch would return, keeping the unfinished epoch's weights); from ``on_train_end``, every other callback ends
  its training first (the stopping rule loads the best epoch), then ``fit`` raises it;
* with ``workers`` > 1 on the CPU, threads train on different batches at once, sharing the
  weights without locks (Hogwild!, :mod:`sknn._hogwild`);
* mixed precision (``amp_dtype``, gradient scaling for float16; on the CPU bfloat16 alone, with AMX), else autocast off;
* on a GPU: data kept on the device across epochs when it fits, otherwise pinned host memory and non-blocking copies;
* a fit leaves the network in evaluation mode (a prediction made between two batches puts back the training mode).
"""

import contextlib
import copy
import math
from collections.abc import Mapping
from functools import partial

import numpy as np
import torch
from skorch import NeuralNet
from skorch.callbacks import EpochTimer
from skorch.utils import TeeGenerator

from ._device import autocast, compile_failure, evaluating, torch_threads
from ._hogwild import replicate, train_in_parallel
from ._layers import parameter_factors
from ._memory import memory_errors_named
from ._non_finite import (TrainingDiverged, non_finite_loss_error, refuse_blown_up_network, refuse_non_finite_outputs,
                          weight_scale)
from ._training_control import EpochSnapshot as _EpochSnapshot, HistoryKeptOnLoad, notify_every_callback, overrides
from ._warnings import warn_user

__all__ = ["Engine", "MIN_ROWS", "PassThroughLoss", "TrainingDiverged", "padded_batch"]

MIN_ROWS = 16  # smallest number of rows a prediction batch is padded to
_BATCH_HOOKS = ("on_batch_begin", "on_batch_end", "on_grad_computed")


class TrainingInterrupted(KeyboardInterrupt):
    """A KeyboardInterrupt that arrived during an epoch (the user's Ctrl-C)."""


def padded_batch(X):
    """A batch tensor with rows of zeros appended up to ``MIN_ROWS``: CPU kernels for a handful of rows round
    differently from the kernels for more, so padding keeps each row's output independent of its batch (and a
    one-output layer sums each row alone, :func:`sknn._layers.affine`; matrix kernels of some narrow widths still
    round a row by the batch's size, in float32's last digit)."""
    n = len(X)
    return X if n >= MIN_ROWS else torch.cat([X, X.new_zeros((MIN_ROWS - n, *X.shape[1:]))])


def _identity(x):
    return x


def _run_module(module, x, **fit_params):
    """The module's outputs for a batch's inputs: a mapping gives keyword arguments."""
    if isinstance(x, Mapping):
        return module(**x, **fit_params)
    return module(x, **fit_params)


class PassThroughLoss(torch.nn.Module):
    """The criterion of a module that returns its own per-sample losses (given the targets among its inputs)."""

    def __init__(self, reduction="none"):
        super().__init__()
        self.reduction = reduction

    def forward(self, y_pred, y_true=None):
        return y_pred.mean() if self.reduction == "mean" else y_pred


class Engine(HistoryKeptOnLoad, NeuralNet):
    """skorch's NeuralNet with sknn's hot path; see the module docstring.

    ``fit``/``partial_fit`` take a training batch source as ``X`` and an optional
    validation batch source as ``y``. The criterion may be any torch loss (a class, an
    instance or a factory, with any ``reduction``): the engine computes one loss per sample
    with a copy set to ``reduction='none'`` to weight them, and the criterion's own mean for
    unweighted batches. A criterion without ``reduction`` that returns one loss per batch
    trains unweighted batches only.

    Parameters beyond skorch's
    --------------------------
    score_fn : callable(y_pred, y_true, sample_weight) -> tensor, or None
        Validation score recorded as ``valid_score`` each epoch.
    weight_decay : float
        L2 penalty, applied by the optimizer to weight matrices (not biases nor
        normalisation parameters).
    l1 : float
        L1 penalty on the same weights, ``l1 * sum|W| / batch_size`` added to the loss.
    lr_multipliers : dict of str -> float, or None
        Learning-rate factor for parameters whose name starts with the key.
    shuffle : bool
        Reshuffle the training rows every epoch.
    seed : int
        Seed of the shuffling generator.
    amp_dtype : torch.dtype or None
        Run forward passes and losses under ``torch.autocast`` to this dtype (mixed
        precision); float16 also scales the loss (``torch.amp.GradScaler``) so small
        gradients do not underflow. None trains in float32.
    classes : array-like or None
        The classes the outputs score, as the targets name them (class indices for sknn's
        classifiers). With them the engine is a classifier to scikit-learn: ``predict``
        gives the argmax, ``predict_proba`` the softmax, ``classes_`` the classes. Without
        them ``predict`` gives the outputs as they are (a regressor's targets).
    workers : int
        CPU threads that train at once, each on its own batches, sharing the weights
        without locks (:mod:`sknn._hogwild`): for sparse models, whose steps rarely touch
        the same rows. Training is then not reproducible run to run. One thread on a GPU;
        batch-level callbacks, ``l1`` and float16 need one thread.
    epoch_snapshot : {'memory', 'disk'}
        Where the weights of the last finished epoch are kept, for a Ctrl-C (or an error) to
        return to them: a copy in memory, or an anonymous temporary file (weights on the CPU), which
        keeps large tables from being held twice in memory at the cost of writing them
        once an epoch.
    target_units : :class:`sknn._training_control.TargetUnits` or None
        A regressor's standardised targets in y's units: batch-level callbacks see the
        targets in them, and ``predict`` (scikit-learn's scorers) the outputs.
    """

    def __init__(self, module, criterion, *, score_fn=None, weight_decay=0.0, l1=0.0,
                 lr_multipliers=None, shuffle=True, seed=0, amp_dtype=None, classes=None, workers=1,
                 epoch_snapshot="memory", target_units=None, **kwargs):
        kwargs.setdefault("train_split", None)
        super().__init__(module, criterion, **kwargs)
        self.score_fn = score_fn
        self.weight_decay = weight_decay
        self.l1 = l1
        self.lr_multipliers = lr_multipliers
        self.shuffle = shuffle
        self.seed = seed
        self.amp_dtype = amp_dtype
        self.classes = classes
        self.workers = workers
        self.epoch_snapshot = epoch_snapshot
        self.target_units = target_units

    # -- building -----------------------------------------------------------------
    def get_default_callbacks(self):
        return [("epoch_timer", EpochTimer())]

    def initialize_optimizer(self, triggered_directly=None):
        kwargs = self.get_params_for("optimizer")
        lr = kwargs.pop("lr", self.lr)
        declared = parameter_factors(self.module_)  # factors a module gives its own parameters
        groups = {}
        for name, param in self.module_.named_parameters():
            if not param.requires_grad:
                continue
            lr_factor, wd_factor = declared.get(name, (1.0, None))
            for prefix, mult in (self.lr_multipliers or {}).items():
                if name.startswith(prefix):
                    lr_factor = lr_factor * mult
            if wd_factor is None:  # by default weight matrices take the L2 (and L1) penalty, biases and
                wd_factor = 1.0 if param.ndim > 1 else 0.0  # normalisation parameters do not
            # Without L2 one group per learning rate is enough (each group costs an optimizer kernel).
            groups.setdefault((lr_factor, wd_factor if self.weight_decay else 0.0), []).append(param)
        param_groups = [{"params": ps, "lr": lr * f, "initial_lr": lr * f, "weight_decay": self.weight_decay * w,
                         "lr_factor": f, "wd_factor": w} for (f, w), ps in groups.items()]  # (initial_lr: torch's
        # schedulers resume from it: skorch's LRScheduler, rebuilt by a warm fit)
        self.optimizer_ = self.optimizer(param_groups, lr=lr, **kwargs)
        # float16 gradients underflow without loss scaling; bfloat16 has float32's range.
        self.grad_scaler_ = (torch.amp.GradScaler(torch.device(self.device).type)
                             if self.amp_dtype == torch.float16 else None)
        return self

    def _autocast(self):
        return autocast(self.device, self.amp_dtype)

    def initialize_criterion(self):
        super().initialize_criterion()
        # Weighted batches need one loss per sample; unweighted ones use the criterion's own mean (one fused
        # kernel instead of two). Copies, sharing the criterion's weights: the user's instance stays as given.
        per_sample, mean = self.criterion_, None
        if hasattr(self.criterion_, "reduction"):
            per_sample, mean = copy.copy(self.criterion_), copy.copy(self.criterion_)
            per_sample.reduction, mean.reduction = "none", "mean"
        object.__setattr__(self, "_per_sample_criterion", per_sample)  # helpers, not skorch components
        object.__setattr__(self, "_mean_criterion", mean)
        return self

    def set_batch_size(self, batch_size, weight_decay):
        """Change the batch size between training calls, and the L2 strength that goes with it."""
        if bool(weight_decay) != bool(self.weight_decay):  # alpha was changed: the groups change too
            self.weight_decay, state = weight_decay, self.optimizer_.state
            self.initialize_optimizer()
            self.optimizer_.state.update(state)  # each parameter's moments go on
        self.batch_size, self.weight_decay = batch_size, weight_decay
        for group in self.optimizer_.param_groups:
            group["weight_decay"] = weight_decay * group.get("wd_factor", 0.0)

    def set_learning_rate(self, lr):
        """Change the base learning rate between training calls: every parameter group's, at its factor; a schedule
        goes on from the new base (an adaptive one cuts from it)."""
        self.lr = lr  # every group from the base, also where a schedule removed since left its rates (a schedule
        for group in self.optimizer_.param_groups:  # that goes on sets its own as training begins)
            group["lr"] = group["initial_lr"] = lr * group.get("lr_factor", 1.0)

    def set_optimizer_settings(self, settings):
        """Change the optimizer's settings (momentum, nesterov, betas) between training calls, its state kept; a
        momentum switched on starts from zero."""
        for group in self.optimizer_.param_groups:
            group.update({name: value for name, value in settings.items() if name != "fused"})
            for param in group["params"] if isinstance(self.optimizer_, torch.optim.RMSprop) else ():
                state = self.optimizer_.state.get(param)
                if state and group["momentum"] > 0 and "momentum_buffer" not in state:  # (RMSprop makes it at
                    state["momentum_buffer"] = torch.zeros_like(param)  # its first step only)

    def set_criterion(self, criterion):
        """Change the loss between training calls (on the network's device, as ``initialize`` puts it)."""
        self.criterion = criterion
        self.initialize_criterion()
        if isinstance(self.criterion_, torch.nn.Module):  # in place: the copies share its buffers
            self.criterion_.to(self.device)

    def __getstate__(self):  # skorch pickles module_ apart from module: the one network was stored (and loaded) twice
        state = super().__getstate__()
        state["__as_given__"] = [n for n in ("module", "criterion") if state.get(n) is getattr(self, n + "_", None)]
        for name in state["__as_given__"]:
            del state[name]
        return state

    def __setstate__(self, state):
        shared = state.pop("__as_given__", ())
        with torch.inference_mode(False):  # unpickled inside inference_mode: ordinary tensors, which train again
            super().__setstate__(state)
        for name in shared:
            self.__dict__[name] = self.__dict__[name + "_"]

    def finished_epochs(self):
        """The history's rows of finished epochs (an interrupted epoch's row has no ``train_loss``)."""
        return [row for row in self.history if "train_loss" in row]

    # -- training -----------------------------------------------------------------
    def _listen(self):
        """Find, once per training call, the callbacks that define each batch-level hook."""
        self._batch_listeners = {hook: [cb for _, cb in self.callbacks_ if overrides(cb, hook)]
                                 for hook in _BATCH_HOOKS}

    def notify(self, method_name, **cb_kwargs):
        if method_name in _BATCH_HOOKS:  # the hot path: only the callbacks that listen
            if not hasattr(self, "_batch_listeners"):
                self._listen()
            for cb in self._batch_listeners[method_name]:
                getattr(cb, method_name)(self, **cb_kwargs)
            return
        if method_name in ("on_epoch_end", "on_train_end"):  # a request to stop (a Ctrl-C) reaches every callback
            return notify_every_callback(self, method_name, **cb_kwargs)  # first: the stopping rule, last, ends too
        super().notify(method_name, **cb_kwargs)

    def infer(self, x, **fit_params):
        return _run_module(self.module_, x, **fit_params)

    def get_loss(self, y_pred, y_true, X=None, training=False, sample_weight=None):
        if sample_weight is None and self._mean_criterion is not None:
            loss = self._mean_criterion(y_pred, y_true)
        else:
            losses = self._per_sample_criterion(y_pred, y_true)
            if losses.ndim == 0 and sample_weight is not None:
                raise ValueError(f"criterion={self.criterion!r} returns one loss per batch, so the sample weights "
                                 "(sample_weight, class_weight) cannot weight its samples. Give it a 'reduction' "
                                 "attribute (torch's losses have one) or return one loss per sample.")
            if losses.ndim > 1:  # several outputs per sample: average them
                losses = losses.reshape(len(losses), -1).mean(dim=1)
            loss = losses.mean() if sample_weight is None else (losses * sample_weight).mean()
        if training and self.l1:
            # (the weight matrices, read at each step: a list kept of them would be pickled apart from module_)
            penalized = (p for p in self.module_.parameters() if p.requires_grad and p.ndim > 1)
            loss = loss + self.l1 * sum(p.abs().sum() for p in penalized) / len(y_true)
        return loss

    def train_step(self, batch, **fit_params):
        return self._train_step(batch, self.module_, self.optimizer_, **fit_params)

    def _train_step(self, batch, module, optimizer, **fit_params):
        """One step of ``module`` (the engine's, or a Hogwild! replica) with its ``optimizer``."""
        Xb, yb, wb = batch
        self._stepped_batch = batch  # the last one an epoch stepped on (:func:`refuse_blown_up_network`)
        optimizer.zero_grad(set_to_none=True)
        with self._autocast():
            y_pred = _run_module(module, Xb, **fit_params)
            loss = self.get_loss(y_pred, yb, X=Xb, training=True, sample_weight=wb)
        scaler = self.grad_scaler_
        with autocast(self.device, None):  # (backward off autocast, whatever autocast the caller runs the fit in)
            (loss if scaler is None else scaler.scale(loss)).backward()
        if self._batch_listeners["on_grad_computed"]:
            if scaler is not None:  # callbacks such as gradient clipping see the true gradients
                scaler.unscale_(optimizer)
            self.notify("on_grad_computed", named_parameters=TeeGenerator(module.named_parameters()),
                        batch=batch[:2], training=True)
        if scaler is None:
            optimizer.step()
        else:  # skips the step when a gradient overflowed, and adapts the scale
            scaler.step(optimizer)
            scaler.update()
        return {"loss": loss.detach(), "y_pred": y_pred.detach()}

    def validation_step(self, batch, **fit_params):
        Xb, yb, wb = batch
        with torch.inference_mode(), self._autocast():
            y_pred = self.infer(Xb, **fit_params)
            loss = self.get_loss(y_pred, yb, X=Xb, training=False, sample_weight=wb)
        return {"loss": loss, "y_pred": y_pred}

    def run_single_epoch(self, iterator, training, prefix, step_fn, generator=None, train_source=None, **fit_params):
        """One pass over the batch source ``iterator``; records ``<prefix>_loss`` (and ``valid_score``). A validation
        loss that is not finite is a divergence unless the outputs on ``train_source`` (the training rows) are
        finite (:func:`sknn._non_finite.non_finite_loss_error`)."""
        if iterator is None:
            return
        self.module_.train(training)
        for criterion in (self._per_sample_criterion, self._mean_criterion):  # e.g. label smoothing in training
            if isinstance(criterion, torch.nn.Module):
                criterion.train(training)
        batches = iterator.batches(self.batch_size, shuffle=training and self.shuffle,
                                   generator=generator, device=self.device)
        losses, sizes, outputs = [], [], []
        begin, end = self._batch_listeners["on_batch_begin"], self._batch_listeners["on_batch_end"]
        units = self.target_units.targets if self.target_units is not None else _identity
        if training and not (begin or end):  # one batch row per epoch, for callbacks that read the last one
            self.history.new_batch()         # (Checkpoint's file names): no cost per batch

        def size_of(batch, step):
            return len(batch[1]) if batch[1] is not None else len(step["y_pred"])

        workers = self._parallel_workers() if training and step_fn == self.train_step else 1
        if workers > 1:
            def parallel_step(batch, module, optimizer):
                step = self._train_step(batch, module, optimizer, **fit_params)
                return step["loss"], size_of(batch, step)

            replicas = [(self.module_, self.optimizer_)]
            replicas += [replicate(self.module_, self.optimizer_) for _ in range(workers - 1)]
            for replica, _ in replicas[1:]:
                replica.train(training)
            with torch_threads(1):  # the threads share the cores; torch's own threads would fight them
                for loss, size in train_in_parallel(batches, parallel_step, replicas):
                    losses.append(loss)
                    sizes.append(size)
        for batch in batches if workers == 1 else ():
            if begin or end:  # batch-level callbacks may record into the history's batch rows, and
                self.history.new_batch()  # unpack the batch as skorch's own datasets give it: (X, y)
                seen = (batch[0], units(batch[1]))  # (a regressor's targets in y's units)
            if begin:
                self.notify("on_batch_begin", batch=seen, training=training)
            step = step_fn(batch, **fit_params)
            losses.append(step["loss"])
            sizes.append(size_of(batch, step))
            if begin or end:  # skorch's batch row (BatchScoring averages by it); a host number, no sync
                self.history.record_batch(prefix + "_batch_size", sizes[-1])
            if not training and self.score_fn is not None:
                outputs.append((step["y_pred"], batch[1], batch[2]))
            if end:
                self.notify("on_batch_end", batch=seen, training=training, **step)
        if not losses:
            return
        sizes = torch.tensor(sizes, dtype=torch.float32, device=losses[0].device)
        epoch_loss = (torch.stack(losses).float() * sizes).sum() / sizes.sum()
        epoch_loss = epoch_loss.item()
        if not math.isfinite(epoch_loss):  # never recorded, nor taken as the best: the epoch is rolled back
            raise non_finite_loss_error(self, epoch_loss, iterator, training, train_source, **fit_params)
        self.history.record(prefix + "_loss", epoch_loss)
        previous = [row[prefix + "_loss"] for row in self.history[:-1] if prefix + "_loss" in row]
        self.history.record(prefix + "_loss_best", not previous or epoch_loss < min(previous))
        if outputs:
            y_pred = torch.cat([o[0] for o in outputs])
            y_true = torch.cat([o[1] for o in outputs])
            w = None if outputs[0][2] is None else torch.cat([o[2] for o in outputs])
            self.history.record("valid_score", float(self.score_fn(y_pred, y_true, w)))

    def _parallel_workers(self):
        """The threads that train this epoch: ``workers`` on the CPU, one on another device."""
        workers = int(self.workers or 1)
        if workers == 1 or torch.device(self.device).type != "cpu":
            return 1
        listening = sorted({type(cb).__name__ for hook in _BATCH_HOOKS for cb in self._batch_listeners[hook]})
        if listening or self.l1 or self.grad_scaler_ is not None:
            reason = (f"the callbacks {listening} act on every batch" if listening else
                      "the L1 penalty reads the engine's own parameters" if self.l1 else
                      "float16's loss scaling is one state for every step")
            raise ValueError(f"workers={workers} trains batches in parallel threads, but {reason}: train with "
                             "workers=1.")
        return workers

    def _keep_on_device(self, source):
        """Place a source for a GPU run: on the device for all epochs when it takes under a quarter of
        the free memory, otherwise in pinned host memory, from which batches copy without blocking."""
        device = torch.device(self.device)
        if source is None or device.type != "cuda":
            return source
        free, _ = torch.cuda.mem_get_info(device)
        if hasattr(source, "to") and source.nbytes() < free // 4:
            return source.to(device)
        return source.pin_memory() if hasattr(source, "pin_memory") else source

    def fit_loop(self, X, y=None, epochs=None, **fit_params):
        self.check_training_readiness()
        train, valid = self._keep_on_device(X), self._keep_on_device(y)
        epochs = self.max_epochs if epochs is None else epochs
        generator = torch.Generator().manual_seed(int(self.seed) + len(self.history))
        on_epoch = {"dataset_train": train, "dataset_valid": valid}
        if self.epoch_snapshot not in ("memory", "disk"):
            raise ValueError(f"epoch_snapshot={self.epoch_snapshot!r}: pass 'memory' or 'disk'.")
        snapshot = _EpochSnapshot(on_disk=self.epoch_snapshot == "disk")
        # the size of the weights as this engine began to train: how far they grew tells a network that blew up
        initial = getattr(self, "_initial_weight_scale", None)
        if initial is None and valid is None:
            initial = self._initial_weight_scale = weight_scale(self.module_).item()
        try:
            for _ in range(epochs):
                snapshot.take(self.module_, self.optimizer_)
                shuffle_state, rows, self._stepped_batch = generator.get_state(), len(self.history), None
                try:
                    self.notify("on_epoch_begin", **on_epoch)
                    self.run_single_epoch(train, training=True, prefix="train", step_fn=self.train_step,
                                          generator=generator, **fit_params)
                    self.run_single_epoch(valid, training=False, prefix="valid", step_fn=self.validation_step,
                                          train_source=train, **fit_params)
                    if valid is None:  # no loss measured after the last steps: the weights looked at instead,
                        # and the loss of the last batch where they grew far
                        refuse_blown_up_network(self, self._stepped_batch, initial, **fit_params)
                    self._stepped_batch = None
                except BaseException as exc:
                    # Ctrl-C inside an epoch, a loss that is not finite, or any error (a callback's, the memory's):
                    # back to the last finished epoch, then the error goes on
                    self._stepped_batch = None
                    snapshot.restore(self.module_, self.optimizer_)
                    generator.set_state(shuffle_state)
                    del self.history[rows:]
                    if isinstance(exc, KeyboardInterrupt):
                        best = any(getattr(cb, "load_best", False) for _, cb in self.callbacks_)
                        kept = ("no epoch had finished, so nothing is kept (the estimator is left unfitted)"
                                if not rows else "the model keeps its last finished epoch"
                                + (" (its best one with early stopping)" if best else ""))
                        raise TrainingInterrupted(f"Training was interrupted during epoch {rows + 1}: {kept}.") \
                            from None
                    failure = compile_failure(exc) if self.compile else None
                    if failure:
                        raise RuntimeError(f"compile=True: torch.compile could not compile the network here ({failure})"
                                           "; fit with compile=False (the same network, uncompiled), or give torch."
                                           "compile what it needs (a C++ compiler, for the CPU).") from exc
                    raise
                # A KeyboardInterrupt raised here is a callback asking to stop (skorch's
                # EarlyStopping does so); the epoch is complete, and every callback sees it.
                self.notify("on_epoch_end", **on_epoch)
        finally:
            snapshot.close()
        return self

    def partial_fit(self, X, y=None, classes=None, epochs=None, **fit_params):
        """Train on batch source ``X`` (validation source ``y``) for ``epochs`` epochs."""
        if not self.initialized_:
            self.initialize()
        epochs = self.max_epochs if epochs is None else epochs
        self._listen()
        self.notify("on_train_begin", X=X, y=y, epochs=epochs)
        interrupted = None
        try:  # (every way out leaves the network in evaluation mode: threads predicting find it as each leaves it)
            with memory_errors_named("Training", self.device, self.batch_size):
                self.fit_loop(X, y, epochs=epochs, **fit_params)
        except TrainingInterrupted as exc:  # a Ctrl-C, or a callback's raise, inside an epoch
            interrupted = exc
        except KeyboardInterrupt:  # a callback's request to stop, as an epoch ended
            pass
        except BaseException:  # an error inside an epoch: no on_train_end (skorch's way), but what a fit set for
            self._abort_callbacks()  # its epochs is put back (the dropout rates a schedule lowered, a bar)
            raise
        self.module_.eval()
        if interrupted is not None and not len(self.history):  # no epoch ever finished: no best one to load
            for _, callback in self.callbacks_:  # (skorch's EarlyStopping and Checkpoint with load_best would read
                if getattr(callback, "load_best", False):  # an empty history): theirs skipped, every other one's
                    continue  # called (a logger closes its run)
                callback.on_train_end(self, X=X, y=y)
            raise KeyboardInterrupt(*interrupted.args)
        self.notify("on_train_end", X=X, y=y)
        if interrupted is not None:
            raise KeyboardInterrupt(*interrupted.args)
        return self

    def _abort_callbacks(self):
        """Call ``on_train_abort(net)`` of the callbacks that have one (sknn's): a fit that ends without
        ``on_train_end`` puts back what it set for its epochs, the network in evaluation mode."""
        self.module_.eval()
        for _, callback in self.callbacks_:
            abort = getattr(callback, "on_train_abort", None)
            if abort is not None:
                abort(self)

    def fit(self, X, y=None, **fit_params):
        if not self.warm_start or not self.initialized_:
            self.initialize()
        return self.partial_fit(X, y, **fit_params)

    # -- inference ----------------------------------------------------------------
    # What scikit-learn's scorers call when skorch's EpochScoring scores the engine's cached outputs; sknn's
    # estimators predict through predict_source.
    @property
    def classes_(self):
        if self.classes is None:
            raise AttributeError("This engine trains a regressor: it has no classes_.")
        return np.asarray(self.classes)

    def _get_predict_nonlinearity(self):
        """Softmax for a classifier (its outputs are logits, whatever the criterion); a regressor's outputs in y's
        units (``target_units``), or as they are."""
        if self.classes is None:
            return _identity if self.target_units is None else self.target_units.predictions
        return partial(torch.softmax, dim=-1)

    def predict(self, X):
        """The class indices (classifier) or the outputs (regressor: in y's units with ``target_units``) of ``X``, as
        a numpy array."""
        out = self.predict_proba(X)
        return out if self.classes is None else np.asarray(self.classes)[out.argmax(axis=-1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        if self.classes is not None:
            from sklearn.utils import ClassifierTags

            tags.estimator_type, tags.classifier_tags = "classifier", ClassifierTags()
        return tags

    def predict_source(self, source, batch_size=None, transform=None):
        """Outputs of the module (after ``transform``) for every row of ``source``, as one CPU tensor."""
        outputs, finite = [], []
        named = memory_errors_named("Prediction", self.device, batch_size or self.batch_size)
        with evaluating(self.module_), torch.inference_mode(), named:
            for Xb, _, _ in source.batches(batch_size or self.batch_size, device=self.device):
                n = len(Xb) if isinstance(Xb, torch.Tensor) else None
                if n is not None:
                    Xb = padded_batch(Xb)
                with self._autocast():
                    out = self._infer_here(Xb)
                out = out if n is None else out[:n]
                if self.amp_dtype is not None and out.dtype == self.amp_dtype:
                    out = out.float()  # probabilities and scores in float32
                if isinstance(out, torch.Tensor) and out.is_floating_point():  # (on the device: no sync per batch)
                    finite.append(torch.isfinite(out.reshape(len(out), -1)).all(dim=1))
                outputs.append(out if transform is None else transform(out))
        if finite:
            refuse_non_finite_outputs(torch.cat(finite).cpu(), set(getattr(source, "unreadable", ())))
        return torch.cat(outputs).cpu()

    def _infer_here(self, X):
        """``infer``; a network compiled at fit (``compile=True``) that torch.compile cannot compile here (a saved
        model predicting where there is no C++ compiler) predicts uncompiled from then on (the same network: outputs
        equal to float rounding), with a warning."""
        try:
            return self.infer(X)
        except Exception as exc:
            failure, original = compile_failure(exc), getattr(self.module_, "_orig_mod", None)
            if not failure or original is None:
                raise
        warn_user(f"The network was compiled at fit (compile=True), and torch.compile cannot compile it here "
                  f"({failure}): it predicts uncompiled, the same network (its outputs equal to float rounding).")
        self.module_ = original
        return self.infer(X)
